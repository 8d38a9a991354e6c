-- The setup checklist's facts, read on every officer's dashboard. As a PL/pgSQL
-- function its query plan is kept for the session: sent as SQL text it was parsed
-- and planned on every page (about 1 ms, more than the counting itself).
-- Members who left (resigned, expelled) are not waited for.
CREATE FUNCTION coop_setup_facts(coop uuid)
RETURNS TABLE (
    share_classes bigint,
    bylaw_versions bigint,
    rule_set_saved boolean,
    members bigint,
    members_without_password bigint,
    members_never_invited bigint,
    capital_entries bigint,
    fiscal_years bigint,
    ballots bigint
)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    WITH waiting AS (
        SELECT u.id FROM members m JOIN users u ON u.id = m.user_id
        WHERE m.coop_id = coop AND u.password_hash IS NULL AND m.status NOT IN ('resigned', 'expelled'))
    SELECT
        (SELECT count(*) FROM share_classes s WHERE s.coop_id = coop),
        (SELECT count(*) FROM bylaw_versions b WHERE b.coop_id = coop),
        EXISTS (SELECT 1 FROM coop_rule_sets r WHERE r.coop_id = coop),
        (SELECT count(*) FROM members m WHERE m.coop_id = coop),
        (SELECT count(*) FROM waiting),
        (SELECT count(*) FROM waiting w WHERE NOT EXISTS (
            SELECT 1 FROM account_tokens t WHERE t.user_id = w.id AND t.purpose = 'invitation'
            AND t.used_at IS NULL AND t.expires_at > now())),
        (SELECT count(*) FROM capital_entries c WHERE c.coop_id = coop),
        (SELECT count(*) FROM fiscal_years y WHERE y.coop_id = coop),
        (SELECT count(*) FROM ballots v WHERE v.coop_id = coop);
END
$$;
