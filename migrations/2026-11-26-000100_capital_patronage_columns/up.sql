-- Posting a distribution of 100,000 members, faster (issue 6, decision 0006).
--
-- 1. The capital ledger's patronage entries (retained, loss charged, redeemed) are
--    kept in columns, without the entry's JSON. Their columns say everything but
--    the fiscal year and the currency, which get a column each; parsing 100,000
--    JSON documents into `jsonb`, row by row, was 0.3 s of a posting. The entries
--    of every other kind keep their JSON (a subscription's plan, a transfer's
--    counterpart, a reversal's reason do not fit in the columns). The readers
--    rebuild a patronage entry from its columns (shares::store::StoredEntry).
-- 2. The ledgers' remaining keys are checked once per statement, by the function
--    that already checks their members and distributions: a row-level foreign key
--    queues one trigger call per inserted row even where the column is null, and a
--    posting's 100,000 capital entries queued three of them (recorded_by,
--    share_class_id, reverses: 0.35 s), its distribution rows one. The rules are
--    those of the foreign keys they replace (SQLSTATE 23503, the referenced row
--    locked FOR KEY SHARE, the referenced side refusing to delete or re-key a row
--    named). A ledger row is never updated or deleted, so what a reversal names
--    needs no lock.

ALTER TABLE capital_entries
    ADD COLUMN fiscal_year integer,
    ADD COLUMN currency text CHECK (currency ~ '^[A-Z]{3}$'),
    ALTER COLUMN entry DROP NOT NULL;
-- The rows already written move to their columns (the ledger is append-only: only
-- a migration may rewrite it, with its guard lifted for the statement).
ALTER TABLE capital_entries DISABLE TRIGGER capital_entries_append_only;
UPDATE capital_entries
    SET fiscal_year = (entry -> 'kind' ->> 'fiscal_year')::integer,
        currency = entry -> 'kind' -> 'amount' ->> 'currency',
        entry = NULL
    WHERE kind IN ('patronage_retained', 'patronage_loss', 'patronage_redeemed');
ALTER TABLE capital_entries ENABLE TRIGGER capital_entries_append_only;
ALTER TABLE capital_entries ADD CONSTRAINT capital_entries_patronage_columns CHECK (
    CASE WHEN kind IN ('patronage_retained', 'patronage_loss', 'patronage_redeemed')
         THEN entry IS NULL AND fiscal_year IS NOT NULL AND currency IS NOT NULL AND amount > 0
              AND share_class_id IS NULL
         ELSE entry IS NOT NULL AND fiscal_year IS NULL AND currency IS NULL
    END);

ALTER TABLE capital_entries
    DROP CONSTRAINT capital_entries_recorded_by_fkey,
    DROP CONSTRAINT capital_entries_coop_id_share_class_id_fkey,
    DROP CONSTRAINT capital_entries_coop_id_reverses_fkey;
ALTER TABLE distribution_entries DROP CONSTRAINT distribution_entries_coop_id_reverses_fkey;

CREATE OR REPLACE FUNCTION concord_ledger_keys() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    coops uuid[];
    distribution_coops uuid[];
    distribution_ids uuid[];
    rows_with_member bigint;
    rows_reversing bigint;
    rows_with_class bigint;
    rows_recorded bigint;
    class_coops uuid[];
    class_ids uuid[];
    recorders uuid[];
    locked bigint;
    missing_member boolean;
BEGIN
    -- One grouped pass over the new rows counts what each key below has to check:
    -- a key no row uses costs no further pass.
    IF TG_TABLE_NAME = 'distribution_entries' THEN
        SELECT array_agg(g.coop_id), array_agg(g.distribution_id), coalesce(sum(g.members), 0),
               coalesce(sum(g.reversing), 0)
            INTO distribution_coops, distribution_ids, rows_with_member, rows_reversing
            FROM (SELECT n.coop_id, n.distribution_id, count(n.member_id) AS members, count(n.reverses) AS reversing
                  FROM new_rows n GROUP BY n.coop_id, n.distribution_id) g;
        PERFORM 1 FROM distributions d
            WHERE (d.coop_id, d.id) IN (SELECT * FROM unnest(distribution_coops, distribution_ids))
            FOR KEY SHARE OF d;
        GET DIAGNOSTICS locked = ROW_COUNT;
        IF locked < coalesce(cardinality(distribution_ids), 0) THEN
            RAISE EXCEPTION 'insert into distribution_entries refers to a distribution that is not in its co-op'
                USING ERRCODE = 'foreign_key_violation', TABLE = 'distribution_entries',
                      CONSTRAINT = 'distribution_entries_distribution_key';
        END IF;
        SELECT array_agg(DISTINCT c) INTO coops FROM unnest(distribution_coops) c;
        IF rows_reversing > 0 AND EXISTS (
                SELECT 1 FROM new_rows n
                WHERE n.reverses IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM distribution_entries e
                                  WHERE e.coop_id = n.coop_id AND e.id = n.reverses)) THEN
            RAISE EXCEPTION 'insert into distribution_entries reverses an entry that is not in its co-op''s ledger'
                USING ERRCODE = 'foreign_key_violation', TABLE = 'distribution_entries',
                      CONSTRAINT = 'distribution_entries_coop_id_reverses_fkey';
        END IF;
    ELSE
        SELECT array_agg(g.coop_id), coalesce(sum(g.members), 0), coalesce(sum(g.reversing), 0),
               coalesce(sum(g.classed), 0), coalesce(sum(g.recorded), 0)
            INTO coops, rows_with_member, rows_reversing, rows_with_class, rows_recorded
            FROM (SELECT n.coop_id, count(n.member_id) AS members, count(n.reverses) AS reversing,
                         count(n.share_class_id) AS classed, count(n.recorded_by) AS recorded
                  FROM new_rows n GROUP BY n.coop_id) g;
        -- The share classes and the users named are locked as their foreign keys
        -- locked them: neither can be deleted or re-keyed before this commits.
        IF rows_with_class > 0 THEN
            SELECT array_agg(k.coop_id), array_agg(k.share_class_id) INTO class_coops, class_ids
                FROM (SELECT DISTINCT n.coop_id, n.share_class_id FROM new_rows n
                      WHERE n.share_class_id IS NOT NULL) k;
            PERFORM 1 FROM share_classes s
                WHERE (s.coop_id, s.id) IN (SELECT * FROM unnest(class_coops, class_ids))
                FOR KEY SHARE OF s;
            GET DIAGNOSTICS locked = ROW_COUNT;
            IF locked < cardinality(class_ids) THEN
                RAISE EXCEPTION 'insert into capital_entries refers to a share class that is not in its co-op'
                    USING ERRCODE = 'foreign_key_violation', TABLE = 'capital_entries',
                          CONSTRAINT = 'capital_entries_coop_id_share_class_id_fkey';
            END IF;
        END IF;
        IF rows_recorded > 0 THEN
            SELECT array_agg(DISTINCT n.recorded_by) INTO recorders FROM new_rows n WHERE n.recorded_by IS NOT NULL;
            PERFORM 1 FROM users u WHERE u.id = ANY (recorders) FOR KEY SHARE OF u;
            GET DIAGNOSTICS locked = ROW_COUNT;
            IF locked < cardinality(recorders) THEN
                RAISE EXCEPTION 'insert into capital_entries refers to a user that does not exist'
                    USING ERRCODE = 'foreign_key_violation', TABLE = 'capital_entries',
                          CONSTRAINT = 'capital_entries_recorded_by_fkey';
            END IF;
        END IF;
        IF rows_reversing > 0 AND EXISTS (
                SELECT 1 FROM new_rows n
                WHERE n.reverses IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM capital_entries e WHERE e.coop_id = n.coop_id AND e.id = n.reverses)) THEN
            RAISE EXCEPTION 'insert into capital_entries reverses an entry that is not in its co-op''s ledger'
                USING ERRCODE = 'foreign_key_violation', TABLE = 'capital_entries',
                      CONSTRAINT = 'capital_entries_coop_id_reverses_fkey';
        END IF;
    END IF;
    IF rows_with_member = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(hashtextextended('member-keys:' || c, 0)) FROM unnest(coops) c;
    -- Below a few thousand rows a key lookup per row is cheaper than reading the
    -- co-op's members; above, one hashed pass is (measured: 200,000 rows against
    -- 100,000 members, 0.38 s by key, 0.15 s hashed).
    IF rows_with_member < 5000 THEN
        missing_member := EXISTS (SELECT 1 FROM new_rows n
                                  WHERE n.member_id IS NOT NULL
                                    AND NOT EXISTS (SELECT 1 FROM members m
                                                    WHERE m.coop_id = n.coop_id AND m.id = n.member_id));
    ELSE
        missing_member := EXISTS (SELECT n.coop_id, n.member_id FROM new_rows n WHERE n.member_id IS NOT NULL
                                  EXCEPT
                                  SELECT m.coop_id, m.id FROM members m WHERE m.coop_id = ANY (coops));
    END IF;
    IF missing_member THEN
        RAISE EXCEPTION 'insert into % refers to a member that is not in its co-op', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
                  CONSTRAINT = TG_TABLE_NAME || '_member_key';
    END IF;
    RETURN NULL;
END $$;

-- The referenced side: a share class or a user named by a capital entry is neither
-- deleted nor re-keyed (what the foreign keys' ON DELETE/UPDATE NO ACTION did).
-- Concord deletes neither, so the check may scan the ledger, as the keys did.
CREATE FUNCTION concord_capital_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'share_classes' THEN
        IF TG_OP = 'UPDATE' AND (NEW.coop_id, NEW.id) = (OLD.coop_id, OLD.id) THEN
            RETURN NEW;
        END IF;
        IF EXISTS (SELECT 1 FROM capital_entries c WHERE c.coop_id = OLD.coop_id AND c.share_class_id = OLD.id) THEN
            RAISE EXCEPTION 'share class % is named by a capital entry', OLD.id
                USING ERRCODE = 'foreign_key_violation', TABLE = 'share_classes',
                      CONSTRAINT = 'capital_entries_coop_id_share_class_id_fkey';
        END IF;
    ELSE
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
            RETURN NEW;
        END IF;
        IF EXISTS (SELECT 1 FROM capital_entries c WHERE c.recorded_by = OLD.id) THEN
            RAISE EXCEPTION 'user % recorded a capital entry', OLD.id
                USING ERRCODE = 'foreign_key_violation', TABLE = 'users',
                      CONSTRAINT = 'capital_entries_recorded_by_fkey';
        END IF;
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER share_classes_ledger_key
    BEFORE DELETE OR UPDATE OF coop_id, id ON share_classes
    FOR EACH ROW EXECUTE FUNCTION concord_capital_referenced();
CREATE TRIGGER users_ledger_key
    BEFORE DELETE OR UPDATE OF id ON users
    FOR EACH ROW EXECUTE FUNCTION concord_capital_referenced();
