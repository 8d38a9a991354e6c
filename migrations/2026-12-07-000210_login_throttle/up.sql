-- Login throttling counted in PostgreSQL, so that every Concord process behind a load
-- balancer draws on the same allowance (src/auth/throttle). One token bucket per key
-- ('account:<e-mail>' or 'ip:<address>'): the tokens left at `at`; `full_at` is when
-- the bucket has refilled, after which the row says nothing and is pruned.
CREATE TABLE login_throttle (
    key text PRIMARY KEY,
    tokens double precision NOT NULL,
    at timestamptz NOT NULL,
    full_at timestamptz NOT NULL
);

CREATE INDEX login_throttle_full_at ON login_throttle (full_at);
