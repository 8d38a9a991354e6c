-- A distribution put to the members names the ballot that decides it; the two
-- features were built side by side, so the key comes once both tables exist.
ALTER TABLE distributions
    ADD CONSTRAINT distributions_ballot_fkey FOREIGN KEY (coop_id, ballot_id) REFERENCES ballots (coop_id, id);
