-- Comunidad schema, version 1.
-- Kastor-owned rows carry origin = 'kastor' and are replaced by each sync;
-- rows with origin = 'local' are the administrator's and a sync never touches them.

CREATE TABLE communities (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (trim(name) <> ''),
    address         TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT '',           -- the Kastor export (path or URL) "Importar datos" uses
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_sync_at    TEXT,
    last_sync_source TEXT NOT NULL DEFAULT ''
);

-- An inmueble as Kastor has it: one code, the units assigned to it
-- ("Depto 101, Bod. 12, Est. 34"), its sector or tower and its prorrateo factor.
CREATE TABLE units (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    code         TEXT NOT NULL CHECK (trim(code) <> ''),
    name         TEXT NOT NULL DEFAULT '',
    assigned     TEXT NOT NULL DEFAULT '',
    sector       TEXT NOT NULL DEFAULT '',
    floor        TEXT NOT NULL DEFAULT '',
    factor       REAL NOT NULL DEFAULT 0 CHECK (factor >= 0),
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (community_id, code)
);

-- A person is one login inside a community: an email belongs to one person,
-- who may hold several units through memberships.
CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kastor_key   TEXT,                                   -- how a sync recognises the person again; NULL for local people
    first_names  TEXT NOT NULL DEFAULT '',
    last_names   TEXT NOT NULL DEFAULT '',
    rut          TEXT NOT NULL DEFAULT '',               -- normalised: 12345678-K, or ''
    email        TEXT NOT NULL DEFAULT '',               -- normalised lower case, or ''
    phone        TEXT NOT NULL DEFAULT '',
    user_type    TEXT NOT NULL DEFAULT 'propietario'
                 CHECK (user_type IN ('propietario', 'arrendatario', 'residente', 'otro')),
    origin       TEXT NOT NULL CHECK (origin IN ('kastor', 'local')),
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (origin = 'kastor' OR kastor_key IS NULL)
);
CREATE UNIQUE INDEX people_email ON people (community_id, email) WHERE email <> '';
CREATE UNIQUE INDEX people_kastor_key ON people (community_id, kastor_key) WHERE kastor_key IS NOT NULL;

-- Who belongs to which unit and how: the main account (the person the Gasto
-- Común is billed to) or an additional user.
CREATE TABLE memberships (
    unit_id    INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('main', 'additional')),
    origin     TEXT NOT NULL CHECK (origin IN ('kastor', 'local')),
    position   INTEGER NOT NULL DEFAULT 0,               -- order within the unit, as Kastor lists it
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (unit_id, person_id),
    CHECK (role = 'additional' OR origin = 'kastor')
) WITHOUT ROWID;
CREATE UNIQUE INDEX memberships_one_main ON memberships (unit_id) WHERE role = 'main' AND archived = 0;
CREATE INDEX memberships_person ON memberships (person_id);

-- Extra addresses added directly on a unit in Comunidad (never from Kastor).
CREATE TABLE secondary_emails (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    email      TEXT NOT NULL CHECK (email <> ''),
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (unit_id, email)
);

-- Residents' portal accounts: the login is the email, one account per email.
CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    email        TEXT NOT NULL CHECK (email <> ''),
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (community_id, email)
);

-- Settings: community_id 0 holds the application-wide ones.
CREATE TABLE settings (
    community_id INTEGER NOT NULL DEFAULT 0,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (community_id, key)
) WITHOUT ROWID;

-- Welcome letter (and email) templates, kept with their community.
CREATE TABLE templates (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL DEFAULT 'letter' CHECK (kind IN ('letter', 'email')),
    name         TEXT NOT NULL CHECK (trim(name) <> ''),
    title        TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    is_default   INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (community_id, kind, name)
);

-- Every import, with its counts and the problems found (JSON).
CREATE TABLE sync_runs (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    units_new INTEGER NOT NULL DEFAULT 0, units_updated INTEGER NOT NULL DEFAULT 0,
    units_unchanged INTEGER NOT NULL DEFAULT 0, units_archived INTEGER NOT NULL DEFAULT 0,
    users_new INTEGER NOT NULL DEFAULT 0, users_updated INTEGER NOT NULL DEFAULT 0,
    users_unchanged INTEGER NOT NULL DEFAULT 0, users_archived INTEGER NOT NULL DEFAULT 0,
    problems     TEXT NOT NULL DEFAULT '[]'
);

-- The outbox: every message is recorded before it is sent. dedupe_key makes
-- queuing idempotent, so a resumed batch never queues (or sends) a message twice.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('letter', 'new_user', 'test')),
    dedupe_key   TEXT NOT NULL UNIQUE,
    person_id    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    unit_id      INTEGER REFERENCES units(id) ON DELETE SET NULL,
    to_addr      TEXT NOT NULL,
    to_name      TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL DEFAULT '',
    body_html    TEXT NOT NULL DEFAULT '',
    body_text    TEXT NOT NULL DEFAULT '',
    attach_pdf   INTEGER NOT NULL DEFAULT 0 CHECK (attach_pdf IN (0, 1)),
    template_id  INTEGER REFERENCES templates(id) ON DELETE SET NULL,
    message_id   TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    sent_at      TEXT
);
CREATE INDEX outbox_state ON outbox (community_id, state);
CREATE INDEX outbox_person ON outbox (person_id, kind);
