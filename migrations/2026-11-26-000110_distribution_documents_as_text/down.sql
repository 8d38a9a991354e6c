ALTER TABLE distributions
    ALTER COLUMN inputs TYPE json USING inputs::json,
    ALTER COLUMN result TYPE json USING result::json;
DO $$
BEGIN
    ALTER TABLE distributions ALTER COLUMN inputs SET COMPRESSION lz4, ALTER COLUMN result SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available: the distributions keep the default compression';
END $$;
