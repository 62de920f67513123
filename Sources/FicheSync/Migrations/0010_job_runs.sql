-- Scheduled jobs' runs, shared by every fichesync instance on the database. A runner claims
-- a tick by inserting its row (ON CONFLICT DO NOTHING on (job, scheduled_for)) while it holds
-- the job's advisory lock: exactly one instance runs each tick, and a long run never overlaps
-- the next tick on another instance. A row without ended_at is a run under way — or, when
-- the session that claimed it is gone (session_pid and session_started no longer in
-- pg_stat_activity), a crashed run: shown as such, never run a second time. The next runner
-- of the job marks it 'crashed'.
CREATE TABLE job_runs (
    id              bigserial PRIMARY KEY,
    job             text NOT NULL,
    -- The tick the run is for; a manual run's is the moment it was asked for.
    scheduled_for   timestamptz NOT NULL,
    manual          boolean NOT NULL DEFAULT false,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    -- NULL while running; ok | failed once ended; crashed when its session died first.
    result          text CHECK (result IN ('ok', 'failed', 'crashed')),
    -- The action's one-line summary (ok), or its error (failed, crashed).
    summary         text,
    error           text,
    -- Who ran it: host and process, as `fichesync jobs list` shows it.
    instance        text NOT NULL,
    -- The claiming session, to tell a run under way from a crashed one.
    session_pid     integer NOT NULL,
    session_started timestamptz NOT NULL,
    UNIQUE (job, scheduled_for)
);
CREATE INDEX job_runs_latest ON job_runs (job, started_at DESC);
