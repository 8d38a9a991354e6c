-- The files of exports made in the background (issue 20): a large co-op's register or
-- audit log, kept a day for whoever asked, then erased.
CREATE TABLE export_files (
    job_id uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    coop_id uuid NOT NULL REFERENCES coops (id),
    filename text NOT NULL,
    content bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX export_files_expiry ON export_files (expires_at);
