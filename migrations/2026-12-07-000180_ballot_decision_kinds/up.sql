-- Every ballot takes one kind of decision, whose rule the bylaws in force set; the
-- rule applied is recorded when the ballot opens (issue 19).
ALTER TABLE ballots
    ADD COLUMN decision_kind text NOT NULL DEFAULT 'ordinary'
        CHECK (decision_kind IN ('ordinary', 'bylaw_amendment', 'admission', 'expulsion',
                                 'distribution_approval', 'dissolution')),
    ADD COLUMN legal_basis jsonb;

UPDATE ballots b SET decision_kind = 'bylaw_amendment'
    FROM bylaw_amendments a WHERE a.coop_id = b.coop_id AND a.ballot_id = b.id;
UPDATE ballots b SET decision_kind = 'distribution_approval'
    FROM distributions d WHERE d.coop_id = b.coop_id AND d.ballot_id = b.id;
