-- 011: imports from a Java metastore database (`metastore import --from`).
--
-- One row per finished import: where it read from (the conninfo with any
-- password removed), the source's schema version, and the source's
-- notification log position at the snapshot the import read
-- (NOTIFICATION_SEQUENCE.NEXT_EVENT_ID): a later `import --follow` starts
-- applying the source's events from there. 'counts' holds the number of
-- objects of each family the run read, as JSON.
CREATE TABLE ms_import_runs (
  run_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source            text NOT NULL,
  source_version    text NOT NULL,
  next_event_id     bigint NOT NULL,
  started_at        integer NOT NULL,
  finished_at       integer NOT NULL,
  counts            jsonb NOT NULL DEFAULT '{}'
);
