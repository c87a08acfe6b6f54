-- mysql_import_source.sql: a synthetic catalog in a Java metastore database
-- on MariaDB (schema made by schematool's hive-schema-3.1.0.mysql.sql or
-- 4.0.0), the MySQL form of bench/import_source.sql: database 'bench' with
-- $tables tables partitioned by (ds string, hr int) and $parts partitions
-- spread over them, each with its own descriptor and SerDe, parameters, one
-- column's table statistics with a bit vector, and the roles and global
-- privilege the Java server seeds. $tables and $parts are filled in by the
-- test (Python's string.Template); runs in sql_mode ANSI, numbers from
-- MariaDB's sequence tables.
START TRANSACTION;
INSERT INTO "DBS" ("DB_ID", "DESC", "DB_LOCATION_URI", "NAME", "OWNER_NAME", "OWNER_TYPE",
                   "CTLG_NAME")
  VALUES (1, 'Default Hive database', 'file:/tmp/bench-warehouse', 'default', 'public', 'ROLE',
          'hive'),
         (100, 'bench', 'file:/tmp/bench-warehouse/bench.db', 'bench', 'bench', 'USER', 'hive');

INSERT INTO "CDS" ("CD_ID") SELECT seq FROM seq_1_to_$tables;
INSERT INTO "COLUMNS_V2" ("CD_ID", "COMMENT", "COLUMN_NAME", "TYPE_NAME", "INTEGER_IDX")
  SELECT t.seq, NULL, c.name, c.type, c.idx FROM seq_1_to_$tables t,
    (SELECT 'id' AS name, 'bigint' AS type, 0 AS idx UNION ALL SELECT 'name', 'string', 1
     UNION ALL SELECT 'price', 'decimal(10,2)', 2) c;
INSERT INTO "SERDES" ("SERDE_ID", "NAME", "SLIB")
  SELECT seq, NULL, 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
  FROM seq_1_to_$serdes;
INSERT INTO "SERDE_PARAMS" ("SERDE_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT seq, 'serialization.format', '1' FROM seq_1_to_$serdes;
INSERT INTO "SDS" ("SD_ID", "INPUT_FORMAT", "IS_COMPRESSED", "LOCATION", "NUM_BUCKETS",
                   "OUTPUT_FORMAT", "SERDE_ID", "CD_ID", "IS_STOREDASSUBDIRECTORIES")
  SELECT seq, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat', 1,
    'file:/tmp/bench-warehouse/bench.db/t' || seq, -1,
    'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat', seq, seq, 0
  FROM seq_1_to_$tables;
INSERT INTO "TBLS" ("TBL_ID", "CREATE_TIME", "DB_ID", "LAST_ACCESS_TIME", "OWNER", "OWNER_TYPE",
                    "RETENTION", "SD_ID", "TBL_NAME", "TBL_TYPE")
  SELECT seq, 1700000000, 100, 0, 'bench', 'USER', 0, seq, 't' || seq, 'EXTERNAL_TABLE'
  FROM seq_1_to_$tables;
INSERT INTO "TABLE_PARAMS" ("TBL_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT t.seq, p.k, p.v FROM seq_1_to_$tables t,
    (SELECT 'EXTERNAL' AS k, 'TRUE' AS v UNION ALL SELECT 'transient_lastDdlTime', '1700000000') p;
INSERT INTO "PARTITION_KEYS" ("TBL_ID", "PKEY_COMMENT", "PKEY_NAME", "PKEY_TYPE", "INTEGER_IDX")
  SELECT t.seq, NULL, k.k, k.ty, k.i FROM seq_1_to_$tables t,
    (SELECT 'ds' AS k, 'string' AS ty, 0 AS i UNION ALL SELECT 'hr', 'int', 1) k;
INSERT INTO "TAB_COL_STATS" ("CS_ID", "CAT_NAME", "DB_NAME", "TABLE_NAME", "COLUMN_NAME",
                             "COLUMN_TYPE", "TBL_ID", "LONG_LOW_VALUE", "LONG_HIGH_VALUE",
                             "NUM_NULLS", "NUM_DISTINCTS", "BIT_VECTOR", "LAST_ANALYZED")
  VALUES (1, 'hive', 'bench', 't1', 'id', 'bigint', 1, -5, 1000000, 0, 42, x'484C00FF', 1700000000);

-- partition p: table ((p-1) % tables) + 1, its n-th (n = (p-1) / tables)
CREATE TABLE bench_parts AS
  SELECT seq AS p, MOD (seq - 1, $tables) + 1 AS t,
    DATE_FORMAT (DATE '2020-01-01' + INTERVAL ((seq - 1) DIV $tables DIV 24) DAY, '%Y-%m-%d') AS ds,
    CAST (MOD ((seq - 1) DIV $tables, 24) AS CHAR) AS hr
  FROM seq_1_to_$parts;
INSERT INTO "SDS" ("SD_ID", "INPUT_FORMAT", "IS_COMPRESSED", "LOCATION", "NUM_BUCKETS",
                   "OUTPUT_FORMAT", "SERDE_ID", "CD_ID", "IS_STOREDASSUBDIRECTORIES")
  SELECT $tables + p, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat', 0,
    'file:/tmp/bench-warehouse/bench.db/t' || t || '/ds=' || ds || '/hr=' || hr, -1,
    'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat', $tables + p, t, 0
  FROM bench_parts;
INSERT INTO "PARTITIONS" ("PART_ID", "CREATE_TIME", "LAST_ACCESS_TIME", "PART_NAME", "SD_ID",
                          "TBL_ID")
  SELECT p, 1700000000, 0, 'ds=' || ds || '/hr=' || hr, $tables + p, t FROM bench_parts;
INSERT INTO "PARTITION_KEY_VALS" ("PART_ID", "PART_KEY_VAL", "INTEGER_IDX")
  SELECT p, ds, 0 FROM bench_parts;
INSERT INTO "PARTITION_KEY_VALS" ("PART_ID", "PART_KEY_VAL", "INTEGER_IDX")
  SELECT p, hr, 1 FROM bench_parts;
INSERT INTO "PARTITION_PARAMS" ("PART_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT b.p, x.k, x.v FROM bench_parts b,
    (SELECT 'numFiles' AS k, '1' AS v UNION ALL SELECT 'totalSize', '4096'
     UNION ALL SELECT 'transient_lastDdlTime', '1700000000') x;
DROP TABLE bench_parts;
-- what the Java server seeds at its first start
INSERT INTO "ROLES" ("ROLE_ID", "CREATE_TIME", "OWNER_NAME", "ROLE_NAME")
  VALUES (1, 1700000000, 'admin', 'admin'), (2, 1700000000, 'public', 'public');
INSERT INTO "GLOBAL_PRIVS" ("USER_GRANT_ID", "CREATE_TIME", "GRANT_OPTION", "GRANTOR",
                            "GRANTOR_TYPE", "PRINCIPAL_NAME", "PRINCIPAL_TYPE", "USER_PRIV",
                            "AUTHORIZER")
  VALUES (1, 1700000000, 1, 'admin', 'ROLE', 'admin', 'ROLE', 'All', 'SQL');
COMMIT;
