-- 005: partition key values compare byte by byte (COLLATE "C").
--
-- Partition filters order string keys as Hive does (Java's String.compareTo:
-- byte order for ASCII), so the compiled filters compare with COLLATE "C"
-- (store/partition_filter.c). With the column itself in "C" the
-- (table_id, key_idx, val) index serves those ranges and anchored LIKE
-- patterns, whatever the database's locale: with 1,000,000 partitions,
-- "ds >= '2021-01-05' and ds < '2021-01-06'" reads 1000 index entries
-- (2 ms) instead of the key's million (100 ms). Equality is unchanged.
ALTER TABLE ms_partition_values ALTER COLUMN val TYPE text COLLATE "C";
