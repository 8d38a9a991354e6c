-- Foundation: accounts, co-ops (tenants), memberships with roles, the audit chain,
-- single-use tokens for password resets and invitations.

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL,
    display_name  text NOT NULL,
    locale        text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr')),
    -- NULL until an invited user sets a password.
    password_hash text,
    -- Bumped by a password change or "log out everywhere": every token carrying an
    -- older version is refused.
    token_version integer NOT NULL DEFAULT 0,
    is_operator   boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE coops (
    id         uuid PRIMARY KEY,
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    currency   char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    locale     text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr')),
    time_zone  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A user's membership in one co-op. The register (numbers, statuses, history) grows
-- on this table; the roles decide what the member may do.
CREATE TABLE members (
    coop_id    uuid NOT NULL REFERENCES coops (id),
    id         uuid NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id),
    roles      text[] NOT NULL DEFAULT '{member}'
               CHECK (roles <@ ARRAY['member', 'treasurer', 'secretary', 'board', 'admin']::text[]),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, id),
    UNIQUE (id),
    UNIQUE (coop_id, user_id)
);

-- Hash-chained, append-only event log: one chain per co-op, and one platform chain
-- (coop_id NULL) for events that belong to no co-op (accounts, operators).
CREATE TABLE audit_events (
    id        bigserial PRIMARY KEY,
    coop_id   uuid REFERENCES coops (id),
    seq       bigint NOT NULL CHECK (seq >= 1),
    at        timestamptz NOT NULL,
    actor     uuid,
    action    text NOT NULL,
    subject   text NOT NULL,
    data      jsonb NOT NULL,
    prev_hash bytea NOT NULL,
    hash      bytea NOT NULL,
    CONSTRAINT audit_events_chain_seq UNIQUE NULLS NOT DISTINCT (coop_id, seq)
);

CREATE FUNCTION concord_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION concord_refuse_change();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION concord_refuse_change();

-- Single-use tokens sent by e-mail. Only a hash of the token is stored, so a copy of
-- the database does not let anyone reset a password.
CREATE TABLE account_tokens (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    purpose    text NOT NULL CHECK (purpose IN ('password_reset', 'invitation')),
    token_hash bytea NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user ON account_tokens (user_id);
