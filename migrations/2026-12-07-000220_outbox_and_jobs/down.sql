DROP TABLE jobs;
DROP TABLE outgoing_mail;
DROP TABLE notices;
