-- Notifications and e-mail preferences (decision 0011): what each user has seen of a
-- co-op (the notifications are the co-op's audit events after that point, filtered by
-- what the user's roles may see), how each user wants ordinary e-mail delivered, and
-- the ordinary messages waiting for a user's daily digest.

CREATE TABLE coop_visits (
    coop_id       uuid NOT NULL REFERENCES coops (id),
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The highest audit sequence number of the co-op the user has been shown.
    last_seen_seq bigint NOT NULL CHECK (last_seen_seq >= 0),
    seen_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, user_id)
);

CREATE TABLE mail_preferences (
    user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- immediate: every message as it happens; daily: ordinary messages gathered in
    -- one digest a day; none: only legal notices. No row means immediate.
    delivery       text NOT NULL CHECK (delivery IN ('immediate', 'daily', 'none')),
    last_digest_at timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mail_digest_items (
    id        bigserial PRIMARY KEY,
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject   text NOT NULL,
    body      text NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now(),
    sent_at   timestamptz
);

CREATE INDEX mail_digest_items_waiting ON mail_digest_items (user_id, id) WHERE sent_at IS NULL;
