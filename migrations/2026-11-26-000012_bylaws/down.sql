DROP TABLE bylaw_comments;
DROP TABLE bylaw_revisions;
DROP TABLE bylaw_amendments;
DROP TABLE bylaw_versions;
