-- mysql_import_source_23.sql: the MySQL form of import_source_23.sql, for a
-- Java metastore database of schema 2.3 on MariaDB (schematool's
-- hive-schema-1.2.0.mysql.sql upgraded to 2.3.0 by its own upgrade scripts,
-- test_java_hms_import_mysql.py): database 'bench' with $tables tables
-- partitioned by (ds string, hr int) and $parts partitions spread over them,
-- a view, a function with a resource, a primary key, roles, a role grant and
-- privileges of three kinds, in the columns 2.3 has. $tables, $view
-- ($tables + 1), $parts and $serdes ($view + $parts) are filled in by the
-- test (Python's string.Template); runs in sql_mode ANSI, numbers from
-- MariaDB's sequence tables.
START TRANSACTION;
INSERT INTO "DBS" ("DB_ID", "DESC", "DB_LOCATION_URI", "NAME", "OWNER_NAME", "OWNER_TYPE")
  VALUES (1, 'Default Hive database', 'file:/tmp/bench-warehouse', 'default', 'public', 'ROLE'),
         (100, 'bench', 'file:/tmp/bench-warehouse/bench.db', 'bench', 'bench', 'USER');
INSERT INTO "DATABASE_PARAMS" ("DB_ID", "PARAM_KEY", "PARAM_VALUE")
  VALUES (100, 'team', 'old');

INSERT INTO "CDS" ("CD_ID") SELECT seq FROM seq_1_to_$view;
INSERT INTO "COLUMNS_V2" ("CD_ID", "COMMENT", "COLUMN_NAME", "TYPE_NAME", "INTEGER_IDX")
  SELECT t.seq, NULL, c.name, c.type, c.idx FROM seq_1_to_$view t,
    (SELECT 'id' AS name, 'bigint' AS type, 0 AS idx UNION ALL SELECT 'name', 'string', 1
     UNION ALL SELECT 'price', 'decimal(10,2)', 2) c;
INSERT INTO "SERDES" ("SERDE_ID", "NAME", "SLIB")
  SELECT seq, NULL, 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
  FROM seq_1_to_$serdes;
INSERT INTO "SERDE_PARAMS" ("SERDE_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT seq, 'serialization.format', '1' FROM seq_1_to_$serdes;
INSERT INTO "SDS" ("SD_ID", "INPUT_FORMAT", "IS_COMPRESSED", "LOCATION", "NUM_BUCKETS",
                   "OUTPUT_FORMAT", "SERDE_ID", "CD_ID", "IS_STOREDASSUBDIRECTORIES")
  SELECT seq, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat', 0,
    CASE WHEN seq <= $tables THEN 'file:/tmp/bench-warehouse/bench.db/t' || seq END, -1,
    'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat', seq, seq, 0
  FROM seq_1_to_$view;
-- tables 1..$tables, then the view
INSERT INTO "TBLS" ("TBL_ID", "CREATE_TIME", "DB_ID", "LAST_ACCESS_TIME", "OWNER",
                    "RETENTION", "SD_ID", "TBL_NAME", "TBL_TYPE", "VIEW_EXPANDED_TEXT",
                    "VIEW_ORIGINAL_TEXT")
  SELECT seq, 1700000000, 100, 0, 'bench', 0, seq, 't' || seq, 'EXTERNAL_TABLE', NULL, NULL
  FROM seq_1_to_$tables
  UNION ALL
  SELECT $view, 1700000000, 100, 0, 'bench', 0, $view, 'v', 'VIRTUAL_VIEW',
    'SELECT `t1`.`id` FROM `bench`.`t1`', 'SELECT id FROM t1';
INSERT INTO "TABLE_PARAMS" ("TBL_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT t.seq, p.k, p.v FROM seq_1_to_$tables t,
    (SELECT 'EXTERNAL' AS k, 'TRUE' AS v UNION ALL SELECT 'transient_lastDdlTime', '1700000000') p;
INSERT INTO "PARTITION_KEYS" ("TBL_ID", "PKEY_COMMENT", "PKEY_NAME", "PKEY_TYPE", "INTEGER_IDX")
  SELECT t.seq, NULL, k.k, k.ty, k.i FROM seq_1_to_$tables t,
    (SELECT 'ds' AS k, 'string' AS ty, 0 AS i UNION ALL SELECT 'hr', 'int', 1) k;

-- partition p: table ((p-1) % tables) + 1, its n-th (n = (p-1) / tables)
CREATE TABLE bench_parts AS
  SELECT seq AS p, MOD (seq - 1, $tables) + 1 AS t,
    DATE_FORMAT (DATE '2020-01-01' + INTERVAL ((seq - 1) DIV $tables DIV 24) DAY, '%Y-%m-%d') AS ds,
    CAST (MOD ((seq - 1) DIV $tables, 24) AS CHAR) AS hr
  FROM seq_1_to_$parts;
START TRANSACTION;
INSERT INTO "SDS" ("SD_ID", "INPUT_FORMAT", "IS_COMPRESSED", "LOCATION", "NUM_BUCKETS",
                   "OUTPUT_FORMAT", "SERDE_ID", "CD_ID", "IS_STOREDASSUBDIRECTORIES")
  SELECT $view + p, 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat', 0,
    'file:/tmp/bench-warehouse/bench.db/t' || t || '/ds=' || ds || '/hr=' || hr, -1,
    'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat', $view + p, t, 0
  FROM bench_parts;
INSERT INTO "PARTITIONS" ("PART_ID", "CREATE_TIME", "LAST_ACCESS_TIME", "PART_NAME", "SD_ID",
                          "TBL_ID")
  SELECT p, 1700000000, 0, 'ds=' || ds || '/hr=' || hr, $view + p, t FROM bench_parts;
INSERT INTO "PARTITION_KEY_VALS" ("PART_ID", "PART_KEY_VAL", "INTEGER_IDX")
  SELECT p, ds, 0 FROM bench_parts UNION ALL SELECT p, hr, 1 FROM bench_parts;
INSERT INTO "PARTITION_PARAMS" ("PART_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT b.p, x.k, x.v FROM bench_parts b,
    (SELECT 'numFiles' AS k, '1' AS v UNION ALL SELECT 'totalSize', '4096'
     UNION ALL SELECT 'transient_lastDdlTime', '1700000000') x;
COMMIT;
DROP TABLE bench_parts;

START TRANSACTION;
INSERT INTO "FUNCS" ("FUNC_ID", "CLASS_NAME", "CREATE_TIME", "DB_ID", "FUNC_NAME", "FUNC_TYPE",
                     "OWNER_NAME", "OWNER_TYPE")
  VALUES (1, 'com.example.udf.Upper', 1700000000, 100, 'f_upper', 1, 'bench', 'USER');
INSERT INTO "FUNC_RU" ("FUNC_ID", "RESOURCE_TYPE", "RESOURCE_URI", "INTEGER_IDX")
  VALUES (1, 1, 'file:///udfs/upper.jar', 0);
-- a primary key on t1.id (2.1's KEY_CONSTRAINTS: type 0, enable/validate/rely bits)
INSERT INTO "KEY_CONSTRAINTS" ("CHILD_CD_ID", "CHILD_INTEGER_IDX", "CHILD_TBL_ID",
                               "PARENT_CD_ID", "PARENT_INTEGER_IDX", "PARENT_TBL_ID", "POSITION",
                               "CONSTRAINT_NAME", "CONSTRAINT_TYPE", "UPDATE_RULE",
                               "DELETE_RULE", "ENABLE_VALIDATE_RELY")
  VALUES (NULL, NULL, NULL, 1, 0, 1, 1, 'pk_t1', 0, NULL, NULL, 1);

-- what the Java server seeds at its first start, and grants
INSERT INTO "ROLES" ("ROLE_ID", "CREATE_TIME", "OWNER_NAME", "ROLE_NAME")
  VALUES (1, 1700000000, 'admin', 'admin'), (2, 1700000000, 'public', 'public'),
         (3, 1700000000, 'bench', 'analysts');
INSERT INTO "ROLE_MAP" ("ROLE_GRANT_ID", "ADD_TIME", "GRANT_OPTION", "GRANTOR", "GRANTOR_TYPE",
                        "PRINCIPAL_NAME", "PRINCIPAL_TYPE", "ROLE_ID")
  VALUES (1, 1700000000, 0, 'bench', 'USER', 'bob', 'USER', 3);
INSERT INTO "GLOBAL_PRIVS" ("USER_GRANT_ID", "CREATE_TIME", "GRANT_OPTION", "GRANTOR",
                            "GRANTOR_TYPE", "PRINCIPAL_NAME", "PRINCIPAL_TYPE", "USER_PRIV")
  VALUES (1, 1700000000, 1, 'admin', 'ROLE', 'admin', 'ROLE', 'All');
INSERT INTO "DB_PRIVS" ("DB_GRANT_ID", "CREATE_TIME", "DB_ID", "GRANT_OPTION", "GRANTOR",
                        "GRANTOR_TYPE", "PRINCIPAL_NAME", "PRINCIPAL_TYPE", "DB_PRIV")
  VALUES (1, 1700000000, 100, 0, 'bench', 'USER', 'bob', 'USER', 'SELECT');
INSERT INTO "TBL_PRIVS" ("TBL_GRANT_ID", "CREATE_TIME", "GRANT_OPTION", "GRANTOR",
                         "GRANTOR_TYPE", "PRINCIPAL_NAME", "PRINCIPAL_TYPE", "TBL_PRIV", "TBL_ID")
  VALUES (1, 1700000000, 1, 'bench', 'USER', 'analysts', 'ROLE', 'SELECT', 1);
DELETE FROM "NOTIFICATION_SEQUENCE";
INSERT INTO "NOTIFICATION_SEQUENCE" ("NNI_ID", "NEXT_EVENT_ID") VALUES (1, 7);
COMMIT;
