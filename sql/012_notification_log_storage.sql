-- 012: how the notification log's rows are stored (what the log costs a
-- change, issue 14).
--
-- A message is a few KB of JSON (an ALTER_TABLE event of an Iceberg table
-- carries the table twice: 8 KB and more). PostgreSQL compresses a row
-- over 2 KB and moves it out of line while it is over toast_tuple_target:
-- by default a compressed message over 2 KB went to the TOAST table (a
-- second heap row and index entry per event). With the target at its
-- maximum a compressed message stays in the row.
ALTER TABLE ms_notification_log SET (toast_tuple_target = 8160);

-- lz4 compresses faster than pglz; kept at pglz where the server was built
-- without it.
DO $$
BEGIN
  EXECUTE 'ALTER TABLE ms_notification_log ALTER COLUMN message SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR syntax_error THEN
  NULL;
END
$$;
