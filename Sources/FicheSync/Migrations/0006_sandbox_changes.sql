-- The sandbox fakes' changes since their state in sandbox_state, in order. Each is written
-- before the fake answers the request that made it, so a reconcile killed mid-apply (even
-- kill -9) leaves the sandbox as the fakes answered; the next run replays them onto the
-- saved state and folds them into it. One row per save: the changes of the requests that
-- arrived together, as a JSON array.
CREATE TABLE sandbox_changes (
    id       bigserial PRIMARY KEY,
    provider text NOT NULL,
    changes  jsonb NOT NULL
);
CREATE INDEX sandbox_changes_provider ON sandbox_changes (provider, id);
