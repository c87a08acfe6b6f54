-- 006: a copy of each Iceberg table's (and view's) current metadata.
--
-- An Iceberg table is an ms_tables row whose parameters name its current
-- metadata file (table_type=ICEBERG, metadata_location). The REST door keeps
-- the text of that file here, so a load is one indexed read and no storage
-- round trip. 'location' is the file the text is a copy of: when a Thrift
-- client (Iceberg's HiveCatalog) swaps metadata_location on its own, the
-- copy no longer matches and the next load reads the new file and refreshes
-- it. The copy is only written while the table row is locked.
CREATE TABLE ms_iceberg_metadata (
  table_id  bigint PRIMARY KEY REFERENCES ms_tables (table_id) ON DELETE CASCADE,
  location  text NOT NULL,
  metadata  text NOT NULL
);
