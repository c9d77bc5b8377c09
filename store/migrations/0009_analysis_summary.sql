-- What `baton sync --once` needs to tell that its analysis would find what
-- the last one found, without loading the store to find out.
--
-- data_generation moves in the same transaction as every write to what an
-- analysis reads (issues, links, acks), and whenever a migration runs
-- (store/migrate.go). It is one row.
--
-- analysis_summary is one row: the counts of the last analysis a one-round
-- process saved, with the generation it read, a fingerprint of everything
-- else its result depends on (the configuration, the binary), when it ran
-- (at_ms) and the instant its counts may change with time alone
-- (valid_until_ms).

CREATE TABLE data_generation (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    value BIGINT  NOT NULL
);

INSERT INTO data_generation (id, value) VALUES (1, 0);

CREATE TABLE analysis_summary (
    id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    generation     BIGINT  NOT NULL,
    fingerprint    TEXT    NOT NULL,
    at_ms          BIGINT  NOT NULL,
    valid_until_ms BIGINT  NOT NULL,
    issues         INTEGER NOT NULL,
    findings       INTEGER NOT NULL
);
