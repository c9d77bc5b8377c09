-- Issues, the links each issue declares, and per-source cursors: everything a
-- sync writes. Portable to Postgres: TEXT, BIGINT and INTEGER only; times are
-- BIGINT unix milliseconds UTC, NULL when unknown; lists are JSON TEXT, NULL
-- when empty.

CREATE TABLE issues (
    key                TEXT    NOT NULL PRIMARY KEY CHECK (key <> ''),
    source             TEXT    NOT NULL,
    system             TEXT    NOT NULL,
    url                TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    team               TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    raw_status         TEXT    NOT NULL,
    resolution         TEXT    NOT NULL,
    raw_resolution     TEXT    NOT NULL,
    assignees          TEXT,
    priority           INTEGER NOT NULL,
    raw_priority       TEXT    NOT NULL,
    labels             TEXT,
    components         TEXT,
    created_ms         BIGINT,
    updated_ms         BIGINT  NOT NULL,
    status_changed_ms  BIGINT,
    closed_ms          BIGINT,
    due_ms             BIGINT,
    iteration_name     TEXT,
    iteration_start_ms BIGINT,
    iteration_end_ms   BIGINT,
    iteration_state    TEXT,
    activity_ms        TEXT,
    mirrors            TEXT,
    -- Last, so reading the other columns never touches its overflow pages.
    body               TEXT    NOT NULL
);

-- Present listings and per-source counts walk one source's keys.
CREATE INDEX issues_by_source ON issues (source, key);

-- A link belongs to the issue that declared it (owner), which is one of its
-- ends; seq keeps the order the connector gave.
CREATE TABLE links (
    owner    TEXT    NOT NULL REFERENCES issues (key) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    from_key TEXT    NOT NULL,
    to_key   TEXT    NOT NULL,
    type     TEXT    NOT NULL,
    origin   TEXT    NOT NULL,
    raw_type TEXT    NOT NULL,
    PRIMARY KEY (owner, seq)
);

CREATE TABLE cursors (
    source TEXT NOT NULL,
    scope  TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (source, scope)
);
