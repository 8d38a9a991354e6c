-- Only possible once every event is chained (the chainer runs before any read).
DROP TRIGGER audit_events_append_only ON audit_events;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION concord_refuse_change();
DROP FUNCTION concord_audit_append_only();
DROP INDEX audit_events_unchained;
DROP INDEX audit_events_platform_chain;
DROP INDEX audit_events_coop_chain;
ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_chained_whole,
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL,
    ADD CONSTRAINT audit_events_chain_seq UNIQUE NULLS NOT DISTINCT (coop_id, seq);
