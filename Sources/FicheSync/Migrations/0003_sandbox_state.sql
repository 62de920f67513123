-- With no provider credentials, reconcile runs against fichesync's fake providers (the
-- sandbox); their accounts are kept here between runs, so a second run sees the first's work.
CREATE TABLE sandbox_state (
    provider   text PRIMARY KEY,
    state      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
