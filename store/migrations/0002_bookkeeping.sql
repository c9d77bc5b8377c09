-- What the daemon remembers about itself: the outcome of each source's last
-- sync round, and which weekly rollups were sent (so a restart never sends
-- twice) with the numbers they reported (for "change since last week").

CREATE TABLE sync_runs (
    source          TEXT   NOT NULL PRIMARY KEY,
    started_ms      BIGINT NOT NULL,
    finished_ms     BIGINT NOT NULL,
    last_success_ms BIGINT,
    err             TEXT   NOT NULL
);

-- group_name is "org" or "team:<name>"; week is an ISO week like "2026-W48".
CREATE TABLE rollup_sent (
    group_name TEXT   NOT NULL,
    week       TEXT   NOT NULL,
    sent_ms    BIGINT NOT NULL,
    PRIMARY KEY (group_name, week)
);

CREATE TABLE week_stats (
    group_name TEXT NOT NULL,
    week       TEXT NOT NULL,
    data       TEXT NOT NULL,
    PRIMARY KEY (group_name, week)
);
