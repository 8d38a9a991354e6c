DROP TABLE account_tokens;
DROP TABLE audit_events;
DROP FUNCTION concord_refuse_change() CASCADE;
DROP TABLE members;
DROP TABLE coops;
DROP TABLE users;
