-- Messages (email, Mattermost) go through an outbox: each row is written in the same
-- transaction as the state change that causes it, then delivered by passes that claim due
-- rows with FOR UPDATE SKIP LOCKED (several instances at once are safe). A row is marked
-- sent in the transaction that claimed it, after the send succeeded; on a failure it waits
-- `next_attempt_at` (exponential backoff) and is never dropped.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    -- What the message is for (a reminder's key and its channel): enqueueing it twice is a
    -- no-op, so two runners racing make one message. Also the seed of the email's Message-ID.
    dedupe_key      text NOT NULL UNIQUE,
    channel         text NOT NULL CHECK (channel IN ('email', 'mattermost')),
    -- An email address (for Mattermost too: the person's account is found by it).
    recipient       text NOT NULL,
    subject         text NOT NULL,
    text            text NOT NULL,
    html            text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    last_error      text,
    -- Why a delivered row sent nothing (no Mattermost account for the address): done, not failed.
    skipped         text
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE sent_at IS NULL;

-- Each reminder decided, once: (PR, recipient, step) is its key. Written in the transaction
-- that enqueues its messages, so a reminder is recorded exactly when its messages are; a
-- recipient that cannot be reached is recorded too (outcome 'unreachable'), listed once.
CREATE TABLE reminders_sent (
    key         text PRIMARY KEY,
    repository  text NOT NULL,
    number      integer NOT NULL,
    audience    text NOT NULL,
    step        text NOT NULL,
    recipient   text NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('queued', 'unreachable')),
    note        text,
    decided_at  timestamptz NOT NULL
);
CREATE INDEX reminders_sent_pull_request ON reminders_sent (repository, number);
