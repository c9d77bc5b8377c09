-- The fields of an issue that only loads read, and read together, are kept
-- as one JSON array TEXT (packed) in the order of packedColumns in
-- store/packed.go: source, system, status, raw_status, resolution,
-- raw_resolution, priority, raw_priority, created_ms, updated_ms,
-- status_changed_ms, closed_ms, due_ms, iteration_name, iteration_start_ms,
-- iteration_end_ms, iteration_state. A write binds one value for them
-- instead of thirteen, and a load reads the array as it is stored instead of
-- building it per row. source, status, updated_ms and closed_ms are in the
-- array and stay columns too, for the queries that select by them.
--
-- Both tables are rebuilt: links first, so that dropping the old issues
-- table finds no links to cascade its implicit delete to, and renaming
-- issues_packed carries the new links' foreign key along.

CREATE TABLE issues_packed (
    key         TEXT   NOT NULL PRIMARY KEY CHECK (key <> ''),
    source      TEXT   NOT NULL,
    url         TEXT   NOT NULL,
    title       TEXT   NOT NULL,
    status      TEXT   NOT NULL,
    assignees   TEXT,
    labels      TEXT,
    components  TEXT,
    updated_ms  BIGINT NOT NULL,
    closed_ms   BIGINT,
    activity_ms TEXT,
    mirrors     TEXT,
    packed      TEXT   NOT NULL,
    -- Last, so reading the other columns never touches its overflow pages.
    body        TEXT   NOT NULL
);

INSERT INTO issues_packed (key, source, url, title, status, assignees, labels, components,
        updated_ms, closed_ms, activity_ms, mirrors, packed, body)
    SELECT key, source, url, title, status, assignees, labels, components,
        updated_ms, closed_ms, activity_ms, mirrors,
        json_array(source, system, status, raw_status, resolution, raw_resolution,
            priority, raw_priority, created_ms, updated_ms, status_changed_ms, closed_ms, due_ms,
            iteration_name, iteration_start_ms, iteration_end_ms, iteration_state),
        body
    FROM issues ORDER BY rowid;

CREATE TABLE links_packed (
    owner    TEXT    NOT NULL REFERENCES issues_packed (key) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    from_key TEXT    NOT NULL,
    to_key   TEXT    NOT NULL,
    type     TEXT    NOT NULL,
    origin   TEXT    NOT NULL,
    raw_type TEXT    NOT NULL,
    PRIMARY KEY (owner, seq)
);

INSERT INTO links_packed SELECT owner, seq, from_key, to_key, type, origin, raw_type FROM links ORDER BY rowid;

DROP TABLE links;
DROP TABLE issues;
ALTER TABLE issues_packed RENAME TO issues;
ALTER TABLE links_packed RENAME TO links;
