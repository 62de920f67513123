-- The journal of provider operations (`fichesync reconcile`): every operation is written
-- here before it runs and marked after, so a run killed at any point resumes without doing
-- anything twice, and failures are retried by later runs and listed for a human.
CREATE TABLE account_operations (
    id              bigserial PRIMARY KEY,
    -- provider|action|target|group: the same operation planned twice is the same row.
    idempotency_key text NOT NULL,
    provider        text NOT NULL,
    action          text NOT NULL,
    target          text NOT NULL,
    grp             text,
    member          text,
    reason          text NOT NULL,
    -- pending → running → done | failed (retried) ; superseded when a later plan no longer wants it.
    status          text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'superseded')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);

-- At most one unfinished row per operation.
CREATE UNIQUE INDEX account_operations_open ON account_operations (idempotency_key)
    WHERE status IN ('pending', 'running', 'failed');
CREATE INDEX account_operations_member ON account_operations (member);
