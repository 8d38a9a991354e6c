DROP TABLE mail_digest_items;
DROP TABLE mail_preferences;
DROP TABLE coop_visits;
