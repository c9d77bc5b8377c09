-- Acknowledgements of findings (baton ack): who agreed what about which
-- issue's findings, until when, and what the findings looked like then, so
-- that a worse finding is not hidden by an old agreement. rule is '' for
-- every rule; related is a JSON list of keys, NULL when empty.

CREATE TABLE acks (
    id         INTEGER NOT NULL PRIMARY KEY,
    issue      TEXT    NOT NULL,
    rule       TEXT    NOT NULL,
    until_ms   BIGINT  NOT NULL,
    reason     TEXT    NOT NULL,
    by_name    TEXT    NOT NULL,
    created_ms BIGINT  NOT NULL,
    severity   TEXT    NOT NULL,
    related    TEXT
);

CREATE INDEX acks_until ON acks (until_ms);
