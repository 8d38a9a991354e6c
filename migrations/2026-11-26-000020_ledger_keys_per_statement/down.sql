ALTER TABLE distributions
    ALTER COLUMN inputs TYPE jsonb USING inputs::jsonb,
    ALTER COLUMN result TYPE jsonb USING result::jsonb;
ALTER TABLE distributions ALTER COLUMN inputs SET COMPRESSION default, ALTER COLUMN result SET COMPRESSION default;
DROP TRIGGER distributions_ledger_key ON distributions;
DROP FUNCTION concord_distribution_referenced();
DROP TRIGGER members_ledger_key ON members;
DROP FUNCTION concord_member_referenced();
DROP TRIGGER capital_entries_member_key ON capital_entries;
DROP TRIGGER distribution_entries_distribution_key ON distribution_entries;
DROP TRIGGER distribution_entries_member_key ON distribution_entries;
DROP FUNCTION concord_distribution_entries_keys();
DROP FUNCTION concord_ledger_member_keys();
ALTER TABLE capital_entries
    ADD CONSTRAINT capital_entries_coop_id_member_id_fkey FOREIGN KEY (coop_id, member_id) REFERENCES members (coop_id, id);
ALTER TABLE distribution_entries
    ADD CONSTRAINT distribution_entries_coop_id_distribution_id_fkey
        FOREIGN KEY (coop_id, distribution_id) REFERENCES distributions (coop_id, id),
    ADD CONSTRAINT distribution_entries_coop_id_member_id_fkey
        FOREIGN KEY (coop_id, member_id) REFERENCES members (coop_id, id);
