-- 014: notification messages of 2 to 8 KB are stored compressed (what the
-- log costs a change, issue 14).
--
-- With 012's toast_tuple_target at 8160 PostgreSQL did not even try to
-- compress a row under 8 KB: the CREATE_TABLE message of a table with a
-- few dozen columns (3 to 8 KB) went into the row and the WAL as it is.
-- At the default target (about 2 KB) with the message's storage MAIN,
-- PostgreSQL compresses a row over 2 KB and keeps the compressed message
-- in the row unless it is still over a page; only then does it go to the
-- TOAST table. Rows written before keep their form.
ALTER TABLE ms_notification_log RESET (toast_tuple_target);
ALTER TABLE ms_notification_log ALTER COLUMN message SET STORAGE MAIN;
