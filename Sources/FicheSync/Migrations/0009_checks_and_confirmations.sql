-- The head each followed PR was last checked on (a check run and the merge preview): the
-- PR tick and the webhook check every head that differs, so a new push gets a new check run
-- and a head is checked once, whichever instance gets there first.
ALTER TABLE pull_requests ADD COLUMN checked_sha text;

-- An outbox row the server refused for good (a 5xx reply: no such mailbox) is not retried
-- forever: it is marked refused, kept, shown by `fichesync outbox`, and `outbox retry` re-arms it.
ALTER TABLE outbox ADD COLUMN refused_at timestamptz;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE sent_at IS NULL AND refused_at IS NULL;

-- Referent confirmation links used: a link is signed (HMAC) and names its PR, referent and
-- expiry; its nonce lands here once, so a second use changes nothing.
CREATE TABLE referent_confirmations (
    nonce        text PRIMARY KEY,
    repository   text NOT NULL,
    number       integer NOT NULL,
    referent     text NOT NULL,
    confirmed_at timestamptz NOT NULL,
    merged       boolean NOT NULL DEFAULT false,
    note         text
);
