ALTER TABLE ballots DROP COLUMN legal_basis, DROP COLUMN decision_kind;
