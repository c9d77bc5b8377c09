-- Rollups go out by email and to Slack, each on its own: the ledger is kept
-- per (group, channel, ISO week) so one channel failing neither blocks nor
-- repeats the other. Rows from before were all email. refused is the reason
-- a channel turned the rollup down for good that week (Slack's
-- "channel_not_found"), "" when it was sent; either way it is not tried again.

CREATE TABLE rollup_deliveries (
    group_name TEXT   NOT NULL,
    channel    TEXT   NOT NULL,
    week       TEXT   NOT NULL,
    at_ms      BIGINT NOT NULL,
    refused    TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (group_name, channel, week)
);

INSERT INTO rollup_deliveries (group_name, channel, week, at_ms, refused)
    SELECT group_name, 'email', week, sent_ms, '' FROM rollup_sent;

DROP TABLE rollup_sent;
