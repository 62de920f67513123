-- Every pull request of the content repository that adds or changes an author fiche,
-- whoever opened it (the bot's onboarding and update PRs, and hand-made ones), followed
-- from opened to merged or closed by the polling pass and by GitHub's webhooks. The state
-- is what `PullRequestState` (pure) decided from the last observation; reminders (0008)
-- are decided from it and from the PR's age.
CREATE TABLE pull_requests (
    id                   bigserial PRIMARY KEY,
    repository           text NOT NULL,
    number               integer NOT NULL CHECK (number > 0),
    html_url             text NOT NULL,
    api_url              text NOT NULL,
    head_repository      text,
    head_branch          text NOT NULL,
    head_sha             text NOT NULL,
    base_branch          text NOT NULL,
    kind                 text NOT NULL CHECK (kind IN ('onboarding', 'update', 'hand-made')),
    -- The members whose fiche (content/_authors/<id>.md) the PR adds or changes.
    members              text[] NOT NULL DEFAULT '{}',
    referent             text,
    -- The recruit's own address, from the bot's submission only (never read from a PR).
    recruit_email        text,
    startups             text[] NOT NULL DEFAULT '{}',
    -- open | merged | closed (closed without being merged); drafts are open with draft set.
    state                text NOT NULL CHECK (state IN ('open', 'merged', 'closed')),
    draft                boolean NOT NULL DEFAULT false,
    opened_at            timestamptz NOT NULL,
    merged_at            timestamptz,
    closed_at            timestamptz,
    last_observed_at     timestamptz NOT NULL,
    -- When the merge's follow-up (sync + narrowed reconcile) last finished: null on a merged
    -- PR means it is still owed, and the next polling pass does it.
    accounts_followed_at timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository, number)
);
CREATE INDEX pull_requests_open ON pull_requests (repository) WHERE state = 'open';
CREATE INDEX pull_requests_members ON pull_requests USING gin (members);

-- GitHub webhook deliveries already processed: a redelivery reuses its X-GitHub-Delivery,
-- and its row, inserted in the same transaction as the delivery's effect, makes it a no-op.
CREATE TABLE webhook_deliveries (
    delivery_id text PRIMARY KEY,
    event       text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
