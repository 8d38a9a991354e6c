-- An audit event is written in the transaction of its change, as before, but without
-- its place in the chain: one chainer (a single writer, behind an advisory lock)
-- gives committed events their sequence number and hash afterwards, in commit order.
-- Every change of a co-op no longer waits on one lock held to its commit
-- (decision 0008).

ALTER TABLE audit_events DROP CONSTRAINT audit_events_chain_seq;
ALTER TABLE audit_events
    ALTER COLUMN seq DROP NOT NULL,
    ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL,
    ADD CONSTRAINT audit_events_chained_whole
        CHECK ((seq IS NULL) = (prev_hash IS NULL) AND (seq IS NULL) = (hash IS NULL));

-- One place per chain: each co-op's, and the platform's (coop_id NULL).
CREATE UNIQUE INDEX audit_events_coop_chain ON audit_events (coop_id, seq)
    WHERE coop_id IS NOT NULL AND seq IS NOT NULL;
CREATE UNIQUE INDEX audit_events_platform_chain ON audit_events (seq)
    WHERE coop_id IS NULL AND seq IS NOT NULL;
-- What the chainer has still to do, in the order the events were written.
CREATE INDEX audit_events_unchained ON audit_events (id) WHERE seq IS NULL;

-- Still append-only: the one update allowed gives an unchained event its place,
-- once, and changes nothing it says.
CREATE FUNCTION concord_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND NEW.id = OLD.id
       AND NEW.coop_id IS NOT DISTINCT FROM OLD.coop_id
       AND NEW.at = OLD.at
       AND NEW.actor IS NOT DISTINCT FROM OLD.actor
       AND NEW.action = OLD.action
       AND NEW.subject = OLD.subject
       AND NEW.data = OLD.data THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

DROP TRIGGER audit_events_append_only ON audit_events;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION concord_audit_append_only();
