DROP INDEX distribution_entries_distribution;
CREATE INDEX distribution_entries_distribution ON distribution_entries (coop_id, distribution_id, member_id);
DROP TRIGGER capital_entries_keys ON capital_entries;
DROP TRIGGER distribution_entries_keys ON distribution_entries;
DROP FUNCTION concord_ledger_keys();

CREATE FUNCTION concord_ledger_member_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtextextended('member-keys:' || c.coop_id, 0))
        FROM (SELECT DISTINCT n.coop_id FROM new_rows n WHERE n.member_id IS NOT NULL) c;
    IF EXISTS (SELECT 1 FROM new_rows n
               WHERE n.member_id IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM members m WHERE m.coop_id = n.coop_id AND m.id = n.member_id)) THEN
        RAISE EXCEPTION 'insert into % refers to a member that is not in its co-op', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
                  CONSTRAINT = TG_TABLE_NAME || '_member_key';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION concord_distribution_entries_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM distributions d
        WHERE (d.coop_id, d.id) IN (SELECT n.coop_id, n.distribution_id FROM new_rows n)
        FOR KEY SHARE OF d;
    IF EXISTS (SELECT 1 FROM new_rows n
               WHERE NOT EXISTS (SELECT 1 FROM distributions d
                                 WHERE d.coop_id = n.coop_id AND d.id = n.distribution_id)) THEN
        RAISE EXCEPTION 'insert into distribution_entries refers to a distribution that is not in its co-op'
            USING ERRCODE = 'foreign_key_violation', TABLE = 'distribution_entries',
                  CONSTRAINT = 'distribution_entries_distribution_key';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER distribution_entries_member_key
    AFTER INSERT ON distribution_entries REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION concord_ledger_member_keys();
CREATE TRIGGER distribution_entries_distribution_key
    AFTER INSERT ON distribution_entries REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION concord_distribution_entries_keys();
CREATE TRIGGER capital_entries_member_key
    AFTER INSERT ON capital_entries REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION concord_ledger_member_keys();
