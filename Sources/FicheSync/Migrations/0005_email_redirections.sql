-- Email redirections. The fiches hold no personal address, so where a member's mail is
-- redirected (attributaires get a redirection instead of a mailbox; others on request) is
-- given to fichesync (`fichesync redirect ID ADDRESS`) and kept here.
CREATE TABLE email_redirection_targets (
    member     text PRIMARY KEY,
    address    text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- OVH lists redirections by id only, one request each to read; ids never change, so what
-- was read is kept and a run reads only the new ones.
CREATE TABLE ovh_redirections (
    id           text PRIMARY KEY,
    from_address text NOT NULL,
    to_address   text NOT NULL
);
