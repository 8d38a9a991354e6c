-- A durable outbox and a job queue in PostgreSQL (issue 20). Every e-mail is a row
-- written in the transaction of the change that causes it; workers in any number of
-- Concord processes claim rows with FOR UPDATE SKIP LOCKED and a lease, so a message
-- is handed to the relay by one process at a time and a process that dies mid-way
-- leaves its rows to the others when the lease runs out.

-- A legal notice sent to many members at once (a notice of allocation, the
-- convocation of a general meeting, the notice before a ballot, a ballot's opening):
-- its deliveries are the
-- outgoing_mail rows that name it, one per member.
CREATE TABLE notices (
    id uuid PRIMARY KEY,
    coop_id uuid NOT NULL REFERENCES coops (id),
    kind text NOT NULL CHECK (kind IN ('allocation', 'convocation', 'ballot_notice', 'ballot_opening')),
    -- The distribution, meeting or ballot the notice is about.
    subject_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid REFERENCES users (id)
);
CREATE INDEX notices_by_subject ON notices (coop_id, subject_id, created_at);

CREATE TABLE outgoing_mail (
    id bigserial PRIMARY KEY,
    coop_id uuid REFERENCES coops (id),
    notice_id uuid REFERENCES notices (id),
    member_id uuid,
    recipient text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    -- A message carrying a secret (a reset or invitation link) has its body erased
    -- once it is sent or given up.
    sensitive boolean NOT NULL DEFAULT false,
    -- queued: waiting for its first or next attempt; sent: the relay accepted it;
    -- failed: the relay refused it for good (a 5xx answer); dead: the transient
    -- failures outlasted every retry.
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz,
    -- The relay's last answer (its code and text), or why it could not be reached.
    last_answer text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz
);
CREATE INDEX outgoing_mail_due ON outgoing_mail (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX outgoing_mail_by_notice ON outgoing_mail (notice_id, member_id) WHERE notice_id IS NOT NULL;

-- Work done in the background: the schedule's recurring tasks (one row each, keyed),
-- and long jobs started by a request (their progress shown while they run).
CREATE TABLE jobs (
    id uuid PRIMARY KEY,
    coop_id uuid REFERENCES coops (id),
    kind text NOT NULL,
    -- A recurring task's name: one row per task, however many processes start.
    unique_key text UNIQUE,
    payload jsonb NOT NULL DEFAULT '{}',
    -- queued (waiting for run_at), done, or failed (its last error kept).
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    run_at timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz,
    progress_done bigint NOT NULL DEFAULT 0,
    progress_total bigint NOT NULL DEFAULT 0,
    result jsonb,
    last_error text,
    created_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE status = 'queued';
CREATE INDEX jobs_by_coop ON jobs (coop_id, created_at) WHERE coop_id IS NOT NULL;
