-- A link row is kept under the id of the issue that declared it, not under
-- its key. Ids are handed out in the order issues are first stored, so a
-- sync appends its new issues' links at the end of the links table; keyed
-- by the owner's key they went all over it, and each page of issues a sync
-- committed rewrote about a quarter more pages of the file for them. owner
-- stays, as a plain column, for the reads that name links by key.
--
-- Both tables are rebuilt as in migration 7: links first, so that dropping
-- the old issues table cascades to nothing.

CREATE TABLE issues_by_id (
    id          INTEGER PRIMARY KEY,
    key         TEXT   NOT NULL UNIQUE CHECK (key <> ''),
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

INSERT INTO issues_by_id (key, source, url, title, status, assignees, labels, components,
        updated_ms, closed_ms, activity_ms, mirrors, packed, body)
    SELECT key, source, url, title, status, assignees, labels, components,
        updated_ms, closed_ms, activity_ms, mirrors, packed, body
    FROM issues ORDER BY rowid;

CREATE TABLE links_by_id (
    owner_id INTEGER NOT NULL REFERENCES issues_by_id (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    owner    TEXT    NOT NULL,
    from_key TEXT    NOT NULL,
    to_key   TEXT    NOT NULL,
    type     TEXT    NOT NULL,
    origin   TEXT    NOT NULL,
    raw_type TEXT    NOT NULL,
    PRIMARY KEY (owner_id, seq)
) WITHOUT ROWID;

INSERT INTO links_by_id (owner_id, seq, owner, from_key, to_key, type, origin, raw_type)
    SELECT issues_by_id.id, links.seq, links.owner, links.from_key, links.to_key, links.type, links.origin, links.raw_type
    FROM links JOIN issues_by_id ON issues_by_id.key = links.owner;

DROP TABLE links;
DROP TABLE issues;
ALTER TABLE issues_by_id RENAME TO issues;
ALTER TABLE links_by_id RENAME TO links;
