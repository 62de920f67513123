-- The synced catalog: one row per fiche, typed columns for what the other parts query,
-- and the whole front matter as jsonb so nothing of a fiche is lost.
-- Rows are a pure function of the fiche: a full and an incremental sync of the same commit
-- give the same table contents.

CREATE TABLE organisations (
    id                  text PRIMARY KEY,
    path                text NOT NULL,
    name                text,
    acronym             text,
    domaine_ministeriel text,
    type                text,
    front_matter        jsonb NOT NULL
);

CREATE TABLE incubators (
    id                   text PRIMARY KEY,
    path                 text NOT NULL,
    title                text,
    owner_id             text,
    contact              text,
    address              text,
    website              text,
    github               text,
    short_description    text,
    highlighted_startups text[] NOT NULL,
    front_matter         jsonb NOT NULL
);

CREATE TABLE teams (
    id           text PRIMARY KEY,
    path         text NOT NULL,
    name         text,
    mission      text,
    incubator_id text,
    front_matter jsonb NOT NULL
);

CREATE TABLE startups (
    id                   text PRIMARY KEY,
    path                 text NOT NULL,
    title                text NOT NULL,
    mission              text NOT NULL,
    incubator_id         text NOT NULL,
    contact              text NOT NULL,
    link                 text,
    repository           text,
    stats                boolean,
    accessibility_status text,
    sponsors             text[] NOT NULL,
    incubators           text[] NOT NULL,
    techno               text[] NOT NULL,
    usertypes            text[] NOT NULL,
    thematiques          text[] NOT NULL,
    fast_promotion       double precision,
    fast_montant         double precision,
    front_matter         jsonb NOT NULL
);

CREATE TABLE phases (
    startup_id text NOT NULL REFERENCES startups (id) ON DELETE CASCADE,
    position   integer NOT NULL,
    name       text NOT NULL,
    start_date date NOT NULL,
    end_date   date,
    comment    text,
    PRIMARY KEY (startup_id, position)
);

CREATE TABLE authors (
    id              text PRIMARY KEY,
    path            text NOT NULL,
    fullname        text NOT NULL,
    role            text NOT NULL,
    domaine         text,
    github          text,
    link            text,
    avatar          text,
    member_type     text,
    incubator_id    text,
    badges          text[] NOT NULL,
    competences     text[] NOT NULL,
    teams           text[] NOT NULL,
    previously      text[] NOT NULL,
    legacy_startups text[] NOT NULL,
    -- The latest mission end: the member's end date (FICHES.md); NULL without missions.
    end_date        date,
    front_matter    jsonb NOT NULL
);

CREATE TABLE missions (
    author_id  text NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    position   integer NOT NULL,
    start_date date NOT NULL,
    end_date   date NOT NULL,
    status     text NOT NULL,
    employer   text,
    PRIMARY KEY (author_id, position)
);

-- Who works (or worked) on which startup, from missions' `startups` lists.
CREATE TABLE memberships (
    author_id        text NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    mission_position integer NOT NULL,
    startup_id       text NOT NULL,
    PRIMARY KEY (author_id, mission_position, startup_id)
);

CREATE INDEX memberships_startup ON memberships (startup_id);
CREATE INDEX authors_end_date ON authors (end_date);

-- The one commit the tables above equal, and where it came from. A single row: the
-- database mirrors one repository.
CREATE TABLE sync_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    source    text NOT NULL,
    commit    text NOT NULL,
    synced_at timestamptz NOT NULL,
    counts    jsonb NOT NULL,
    -- Version of the rows' shape and of the rules (CatalogSync.rowFormat): rows written by an
    -- older fichesync are not trusted for an incremental sync; a full one rewrites them.
    format    integer NOT NULL
);
