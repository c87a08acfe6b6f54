-- 007: the notification log (Hive's NOTIFICATION_LOG and NOTIFICATION_SEQUENCE).
--
-- Every change through either door writes its events here in the same
-- transaction as the change. Ids come from the one row of
-- ms_notification_sequence, which a writer locks (UPDATE) as the last
-- statement before COMMIT: writers are serialised on that row, so ids are
-- handed out in commit order and a reader that saw id N never later sees
-- a new event with an id <= N, on every replica sharing this database.
CREATE TABLE ms_notification_sequence (
  one      boolean PRIMARY KEY DEFAULT true CHECK (one),
  next_id  bigint NOT NULL
);
INSERT INTO ms_notification_sequence (one, next_id) VALUES (true, 1);

CREATE TABLE ms_notification_log (
  event_id        bigint PRIMARY KEY,
  event_time      integer NOT NULL,          -- unix seconds
  event_type      text NOT NULL,             -- CREATE_TABLE, ALTER_PARTITION, INSERT, ...
  catalog         text,
  db_name         text,
  table_name      text,
  message         text NOT NULL,
  message_format  text NOT NULL
);
-- the cleaner deletes by age
CREATE INDEX ms_notification_log_time ON ms_notification_log (event_time);
