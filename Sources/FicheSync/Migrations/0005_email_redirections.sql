-- Email redirections. The fiches hold no personal address, so where a member's mail is
-- redirected (attributaires get a redirection instead of a mailbox; others on request) is
-- given to fichesync (`fichesync redirect ID ADDRESS`) and kept here.
CREATE TABLE email_redirection_targets (
    member     text PRIMARY KEY,
    address    text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- OVH lists redirections by id only, one request each to read. What was read is kept and
-- a run reads only new ids — and each known one again after a week, as a redirection can
-- be changed by hand on OVH without changing its id.
CREATE TABLE ovh_redirections (
    id           text PRIMARY KEY,
    from_address text NOT NULL,
    to_address   text NOT NULL,
    read_at      timestamptz NOT NULL DEFAULT now()
);
