-- One secret calendar feed per user: only the token's SHA-256 is kept, so the
-- address is shown once; making a new one revokes the old.
CREATE TABLE calendar_feeds (
    user_id    uuid PRIMARY KEY REFERENCES users (id),
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
