-- 004_jobschedulelogs.sql — one row per ingestion job run (data-model.md §2.2, §8.2).
--
-- The Go original writes `INSERT INTO jobScheduleLogs(message, type, created_at,
-- completed_at) VALUES ($1,$2,$3,$4)`; the unquoted name folds to jobschedulelogs.
-- type: 1 = SUCCESS, 0 = FAILED (no CHECK constraint, so a later status value such as
-- "running" needs no migration). completed_at may be NULL for a run that has not
-- finished.

CREATE TABLE IF NOT EXISTS jobschedulelogs (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message      text NOT NULL,
    type         integer NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz NULL
);

CREATE INDEX IF NOT EXISTS jobschedulelogs_created_at_idx ON jobschedulelogs (created_at DESC);
