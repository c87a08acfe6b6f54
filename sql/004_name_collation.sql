-- 004: object names compare byte by byte (COLLATE "C").
--
-- Hive names are lower-case ASCII, so byte order is the order users expect,
-- and it is the same on every PostgreSQL whatever its locale. With the
-- columns in "C" the unique (parent, name) indexes deliver listings already
-- sorted: get_all_tables of a 1000-table database reads the index in order
-- instead of sorting with the locale's collation.
ALTER TABLE ms_catalogs ALTER COLUMN name TYPE text COLLATE "C";
ALTER TABLE ms_databases ALTER COLUMN name TYPE text COLLATE "C";
ALTER TABLE ms_tables ALTER COLUMN name TYPE text COLLATE "C";
ALTER TABLE ms_functions ALTER COLUMN name TYPE text COLLATE "C";
ALTER TABLE ms_partitions ALTER COLUMN part_name TYPE text COLLATE "C";
