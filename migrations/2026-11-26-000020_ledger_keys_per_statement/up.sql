-- The ledgers' keys to members and distributions, checked once per statement
-- instead of once per row (decision 0006).
--
-- A foreign key checks every inserted row with its own query and a FOR KEY SHARE
-- lock on the referenced row: posting a distribution for 100,000 members made
-- 300,000 of them. Here an AFTER INSERT … FOR EACH STATEMENT trigger checks the
-- statement's new rows set-based, and refuses the whole statement if any row
-- points at a member or distribution that does not exist *in the same co-op*:
-- the check joins on (coop_id, id), so tenants stay apart exactly as with the
-- composite keys. The error is SQLSTATE 23503 (foreign_key_violation), as a
-- foreign key's would be.
--
-- The referenced side: BEFORE DELETE / key UPDATE triggers on `members` and
-- `distributions` refuse while a ledger row names them. What the key's row lock
-- did against a concurrent delete, a per-co-op advisory lock does: inserting
-- ledger rows takes it shared, deleting or re-keying a member takes it
-- exclusive, so the delete waits for the inserts to commit and then sees them
-- (Concord runs in READ COMMITTED: each check reads a fresh snapshot). Locking
-- 100,000 member rows one by one, even in one statement, cost 0.8 s per posting.
-- The distribution is one row, locked FOR KEY SHARE as a key would.

ALTER TABLE distribution_entries
    DROP CONSTRAINT distribution_entries_coop_id_distribution_id_fkey,
    DROP CONSTRAINT distribution_entries_coop_id_member_id_fkey;
ALTER TABLE capital_entries
    DROP CONSTRAINT capital_entries_coop_id_member_id_fkey;

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

-- The referenced side: a member or distribution named by a ledger row is neither
-- deleted nor re-keyed (what ON DELETE/UPDATE NO ACTION did). Members are never
-- deleted by Concord, so the member check may scan distribution_entries.
CREATE FUNCTION concord_member_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.coop_id, NEW.id) = (OLD.coop_id, OLD.id) THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('member-keys:' || OLD.coop_id, 0));
    IF EXISTS (SELECT 1 FROM capital_entries c WHERE c.coop_id = OLD.coop_id AND c.member_id = OLD.id)
       OR EXISTS (SELECT 1 FROM distribution_entries e WHERE e.coop_id = OLD.coop_id AND e.member_id = OLD.id) THEN
        RAISE EXCEPTION 'member % is named by a ledger entry', OLD.id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'members', CONSTRAINT = 'ledger_member_key';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER members_ledger_key
    BEFORE DELETE OR UPDATE OF coop_id, id ON members
    FOR EACH ROW EXECUTE FUNCTION concord_member_referenced();

CREATE FUNCTION concord_distribution_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.coop_id, NEW.id) = (OLD.coop_id, OLD.id) THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM distribution_entries e WHERE e.coop_id = OLD.coop_id AND e.distribution_id = OLD.id) THEN
        RAISE EXCEPTION 'distribution % has ledger entries', OLD.id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'distributions',
                  CONSTRAINT = 'distribution_entries_distribution_key';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER distributions_ledger_key
    BEFORE DELETE OR UPDATE OF coop_id, id ON distributions
    FOR EACH ROW EXECUTE FUNCTION concord_distribution_referenced();

-- A distribution's inputs and result (100,000 members: 30 MB) are written once and
-- read whole, never queried inside: `json` (kept as text, only validated) rather
-- than `jsonb` (parsed into a tree on every write, printed back on every read),
-- compressed with lz4 where the server has it. Measured on the 2-core machine,
-- 30 MB: 1.3 s to store as jsonb, 0.2 s as json with lz4; 0.3 s and 0.07 s to read.
ALTER TABLE distributions
    ALTER COLUMN inputs TYPE json USING inputs::json,
    ALTER COLUMN result TYPE json USING result::json;
DO $$
BEGIN
    ALTER TABLE distributions ALTER COLUMN inputs SET COMPRESSION lz4, ALTER COLUMN result SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available: the distributions keep the default compression';
END $$;
