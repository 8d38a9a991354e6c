DROP TABLE capital_entries;
DROP TABLE share_classes;
ALTER TABLE coops DROP COLUMN redemption_hold, DROP COLUMN capital_floor;
