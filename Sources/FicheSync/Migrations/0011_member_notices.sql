-- Each member notice decided, once per member, kind and end date: the contract-ending
-- notices (D-30, D-15, D-2) and the departure ones (J+1, J+30), D being the member's end
-- date (authors.end_date). Written in the transaction that enqueues the notice's messages in
-- the outbox, so a notice is recorded exactly when its messages are, and two runners racing
-- make one set. The end date is part of the key: an extension that moves it re-arms every
-- notice for the new date.
CREATE TABLE member_notices (
    member      text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('ending-30', 'ending-15', 'ending-2', 'departure-1', 'departure-30')),
    end_date    date NOT NULL,
    -- queued: its messages are in the outbox; unreachable: nobody could be written to (why in note).
    outcome     text NOT NULL CHECK (outcome IN ('queued', 'unreachable')),
    note        text,
    decided_at  timestamptz NOT NULL,
    PRIMARY KEY (member, kind, end_date)
);
