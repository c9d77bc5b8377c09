-- An issue's team is assigned by analysis from the configured teams, never by
-- a sync, so the column only ever held ''. Dropping it keeps old files
-- opening and stops the store from suggesting a second source of truth.

ALTER TABLE issues DROP COLUMN team;
