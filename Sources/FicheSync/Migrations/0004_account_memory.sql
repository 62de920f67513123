-- What fichesync remembers about provider accounts that the providers cannot tell it.

-- A member's GitHub account by its immutable id, learned once: logins can be renamed.
CREATE TABLE github_identities (
    member      text PRIMARY KEY,
    github_id   bigint NOT NULL,
    -- The fiche's login when the id was learned, and the account's login when last seen.
    fiche_login  text NOT NULL,
    github_login text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The current series of invitations sent to someone who has no account yet: when the
-- first and the last were sent (Europe/Paris dates) and how many. Forgotten once the
-- account exists, so a member who comes back starts a new series.
CREATE TABLE account_invitations (
    provider      text NOT NULL,
    target        text NOT NULL,
    member        text,
    first_sent_on date NOT NULL,
    last_sent_on  date NOT NULL,
    sends         integer NOT NULL,
    PRIMARY KEY (provider, target)
);

-- Invitations sent before this table existed, from the journal.
INSERT INTO account_invitations (provider, target, member, first_sent_on, last_sent_on, sends)
SELECT provider, target, max(member),
       min((finished_at AT TIME ZONE 'Europe/Paris')::date), max((finished_at AT TIME ZONE 'Europe/Paris')::date), count(*)
FROM account_operations
WHERE action = 'invite' AND status = 'done' AND finished_at IS NOT NULL
GROUP BY provider, target;
