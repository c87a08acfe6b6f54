-- bench/import_source.sql: fills a Java metastore database (schema made by
-- Hive's own hive-schema-4.0.0.postgres.sql, or 3.1.0) with a synthetic
-- catalog for bench/import.sh: database 'bench' holding :tables tables
-- partitioned by (ds string, hr int), :parts partitions spread over them,
-- each partition with its own storage descriptor and SerDe (as the Java
-- metastore writes them) sharing its table's columns, and three parameters
-- (numFiles, totalSize, transient_lastDdlTime); no column statistics rows
-- (TAB_COL_STATS, PART_COL_STATS), so the figures of bench/import.sh leave
-- the statistics copy out. Run with psql -v tables=N -v parts=M.
BEGIN;
INSERT INTO "DBS" ("DB_ID", "DESC", "DB_LOCATION_URI", "NAME", "OWNER_NAME", "OWNER_TYPE",
                   "CTLG_NAME")
  VALUES (1, 'Default Hive database', 'file:/tmp/bench-warehouse', 'default', 'public', 'ROLE',
          'hive'),
         (100, 'bench', 'file:/tmp/bench-warehouse/bench.db', 'bench', 'bench', 'USER', 'hive');

INSERT INTO "CDS" ("CD_ID") SELECT t FROM generate_series (1, :tables) t;
INSERT INTO "COLUMNS_V2" ("CD_ID", "COMMENT", "COLUMN_NAME", "TYPE_NAME", "INTEGER_IDX")
  SELECT t, NULL, c.name, c.type, c.idx FROM generate_series (1, :tables) t,
    (VALUES ('id', 'bigint', 0), ('name', 'string', 1), ('price', 'decimal(10,2)', 2)) c (name, type, idx);
INSERT INTO "SERDES" ("SERDE_ID", "NAME", "SLIB")
  SELECT s, NULL, 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
  FROM generate_series (1, :tables + :parts) s;
INSERT INTO "SERDE_PARAMS" ("SERDE_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT s, 'serialization.format', '1' FROM generate_series (1, :tables + :parts) s;
INSERT INTO "SDS" ("SD_ID", "INPUT_FORMAT", "IS_COMPRESSED", "LOCATION", "NUM_BUCKETS",
                   "OUTPUT_FORMAT", "SERDE_ID", "CD_ID", "IS_STOREDASSUBDIRECTORIES")
  SELECT t, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat', false,
    'file:/tmp/bench-warehouse/bench.db/t' || t, -1,
    'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat', t, t, false
  FROM generate_series (1, :tables) t;
INSERT INTO "TBLS" ("TBL_ID", "CREATE_TIME", "DB_ID", "LAST_ACCESS_TIME", "OWNER", "OWNER_TYPE",
                    "RETENTION", "SD_ID", "TBL_NAME", "TBL_TYPE")
  SELECT t, 1700000000, 100, 0, 'bench', 'USER', 0, t, 't' || t, 'EXTERNAL_TABLE'
  FROM generate_series (1, :tables) t;
INSERT INTO "TABLE_PARAMS" ("TBL_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT t, k, v FROM generate_series (1, :tables) t,
    (VALUES ('EXTERNAL', 'TRUE'), ('transient_lastDdlTime', '1700000000')) p (k, v);
INSERT INTO "PARTITION_KEYS" ("TBL_ID", "PKEY_COMMENT", "PKEY_NAME", "PKEY_TYPE", "INTEGER_IDX")
  SELECT t, NULL, k, ty, i FROM generate_series (1, :tables) t,
    (VALUES ('ds', 'string', 0), ('hr', 'int', 1)) k (k, ty, i);

-- partition p: table ((p-1) % tables) + 1, its n-th (n = (p-1) / tables)
CREATE TEMP TABLE bench_parts AS
  SELECT p, ((p - 1) % :tables) + 1 AS t,
    to_char (date '2020-01-01' + ((p - 1) / :tables / 24)::int, 'YYYY-MM-DD') AS ds,
    (((p - 1) / :tables) % 24)::text AS hr
  FROM generate_series (1, :parts) p;
INSERT INTO "SDS" ("SD_ID", "INPUT_FORMAT", "IS_COMPRESSED", "LOCATION", "NUM_BUCKETS",
                   "OUTPUT_FORMAT", "SERDE_ID", "CD_ID", "IS_STOREDASSUBDIRECTORIES")
  SELECT :tables + p, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat', false,
    'file:/tmp/bench-warehouse/bench.db/t' || t || '/ds=' || ds || '/hr=' || hr, -1,
    'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat', :tables + p, t, false
  FROM bench_parts;
INSERT INTO "PARTITIONS" ("PART_ID", "CREATE_TIME", "LAST_ACCESS_TIME", "PART_NAME", "SD_ID",
                          "TBL_ID")
  SELECT p, 1700000000, 0, 'ds=' || ds || '/hr=' || hr, :tables + p, t FROM bench_parts;
INSERT INTO "PARTITION_KEY_VALS" ("PART_ID", "PART_KEY_VAL", "INTEGER_IDX")
  SELECT p, ds, 0 FROM bench_parts UNION ALL SELECT p, hr, 1 FROM bench_parts;
INSERT INTO "PARTITION_PARAMS" ("PART_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT p, k, v FROM bench_parts,
    (VALUES ('numFiles', '1'), ('totalSize', '4096'), ('transient_lastDdlTime', '1700000000')) x (k, v);
-- what the Java server seeds at its first start
INSERT INTO "ROLES" ("ROLE_ID", "CREATE_TIME", "OWNER_NAME", "ROLE_NAME")
  VALUES (1, 1700000000, 'admin', 'admin'), (2, 1700000000, 'public', 'public');
INSERT INTO "GLOBAL_PRIVS" ("USER_GRANT_ID", "CREATE_TIME", "GRANT_OPTION", "GRANTOR",
                            "GRANTOR_TYPE", "PRINCIPAL_NAME", "PRINCIPAL_TYPE", "USER_PRIV",
                            "AUTHORIZER")
  VALUES (1, 1700000000, 1, 'admin', 'ROLE', 'admin', 'ROLE', 'All', 'SQL');
COMMIT;
ANALYZE;
