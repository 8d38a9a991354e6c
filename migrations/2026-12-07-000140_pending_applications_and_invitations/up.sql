-- An application waits here until the person confirms it from the e-mail sent to the
-- address given: the public form answers the same whether or not the address is
-- known, and nobody is put on a register (or has their account attached to one) with
-- an address they do not hold.
CREATE TABLE pending_applications (
    coop_id uuid NOT NULL REFERENCES coops (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    email text NOT NULL,
    display_name text NOT NULL,
    motivation text NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (coop_id, id)
);
CREATE INDEX pending_applications_expiry ON pending_applications (expires_at);

-- An admin's invitation of someone who already has a Concord account waits here until
-- that person accepts it from the e-mail: no co-op attaches an account, nor shows the
-- name it carries, without its holder.
CREATE TABLE pending_invitations (
    coop_id uuid NOT NULL REFERENCES coops (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    roles text[] NOT NULL,
    invited_by uuid NOT NULL REFERENCES users (id),
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (coop_id, id)
);
