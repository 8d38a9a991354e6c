-- A distribution's inputs and result are kept as the JSON text the server wrote
-- (issue 6, decision 0006). As `json`, PostgreSQL ran its JSON parser over every
-- byte on the way in: 0.48 s of storing a draft for 100,000 members (57 MB), to
-- accept a document that serde_json had just printed and that the server parses
-- again, into its types, whenever it reads it. `json` kept the text as it was
-- given, so the text is the same; the one query that looks inside (the
-- distributions a member has a notice in) casts, and `json` parsed there too.
ALTER TABLE distributions
    ALTER COLUMN inputs TYPE text,
    ALTER COLUMN result TYPE text;
DO $$
BEGIN
    ALTER TABLE distributions ALTER COLUMN inputs SET COMPRESSION lz4, ALTER COLUMN result SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available: the distributions keep the default compression';
END $$;
