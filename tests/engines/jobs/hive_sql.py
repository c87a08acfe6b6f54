"""Spark SQL on Hive tables: the DDL and DML a Spark user runs against the
metastore, grouped into few jobs (a JVM start is the expensive part).

build() creates and changes everything; check_then_drop() runs in a new
process, reads it all back and then drops what the drop checks need;
after_drop() reads what is left in a third process. Every statement's
failure is collected (not raised) so one run reports them all; the test
asserts there were none.
"""
import time

from pyspark.sql import Row

# partition values with every character Hive escapes in a directory name,
# and some it does not (space, unicode)
SPECIAL = ["a b", "x/y", "k=v", "50%", "it's", 'quo"te', "h#sh", "c:olon",
           "\u00fcn\u00ef\u00e7\u00f8d\u00e9", "\u65e5\u672c"]

UDF_CLASS = "org.apache.hadoop.hive.ql.udf.generic.GenericUDFUpper"
UDF_CLASS2 = "org.apache.hadoop.hive.ql.udf.generic.GenericUDFLower"


class Runner:
    """Runs statements, keeping every failure (statement, error) in order."""

    def __init__(self, spark):
        self.spark = spark
        self.errors = []

    def sql(self, text):
        try:
            return self.spark.sql(text)
        except Exception as e:  # noqa: BLE001 (reported to the test)
            self.errors.append([text, "%s: %s" % (type(e).__name__, str(e)[:1500])])
            return None

    def rows(self, text):
        df = self.sql(text)
        if df is None:
            return None
        try:
            return [list(r) for r in df.collect()]
        except Exception as e:  # noqa: BLE001
            self.errors.append([text, "%s: %s" % (type(e).__name__, str(e)[:1500])])
            return None

    def sorted_rows(self, text):
        r = self.rows(text)
        return None if r is None else sorted(r, key=repr)

    def call(self, what, fn):
        try:
            return fn()
        except Exception as e:  # noqa: BLE001
            self.errors.append([what, "%s: %s" % (type(e).__name__, str(e)[:1500])])
            return None


def hadoop_fs(spark, path):
    jvm = spark._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p.getFileSystem(spark._jsc.hadoopConfiguration()), p


def build(spark, db, dbl, dbl_location, ext, wide_db, wide_db_location, wide_parts):
    """Databases, every table kind, inserts, alters, MSCK, ANALYZE, views,
    functions, and one INSERT writing 'wide_parts' partitions into the
    managed table wide_db.wide (its database at 'wide_db_location').
    Returns the failed statements (expected: none) and timings."""
    r = Runner(spark)
    t0 = time.monotonic()
    # --- databases
    r.sql("CREATE DATABASE %s COMMENT 'spark sql suite' "
          "WITH DBPROPERTIES ('team'='lake', 'purpose'='engines')" % db)
    r.sql("CREATE DATABASE %s COMMENT 'located' LOCATION '%s' "
          "WITH DBPROPERTIES ('k'='v')" % (dbl, dbl_location))
    r.sql("ALTER DATABASE %s SET DBPROPERTIES ('k2'='v2')" % dbl)
    r.sql("USE %s" % db)

    # --- data source tables
    r.sql("CREATE TABLE ds_parquet (id INT, name STRING COMMENT 'the name', p STRING) "
          "USING parquet PARTITIONED BY (p) COMMENT 'parquet, partitioned'")
    r.sql("INSERT INTO ds_parquet PARTITION (p='a') VALUES (1, 'one'), (2, 'two')")
    r.sql("INSERT INTO ds_parquet PARTITION (p) VALUES (3, 'three', 'b'), (4, 'four', 'c')")
    r.sql("INSERT OVERWRITE ds_parquet PARTITION (p='a') VALUES (10, 'ten')")
    r.sql("SET spark.sql.sources.partitionOverwriteMode=dynamic")
    r.sql("INSERT OVERWRITE ds_parquet PARTITION (p) VALUES (5, 'five', 'c')")
    r.sql("RESET spark.sql.sources.partitionOverwriteMode")
    r.sql("ALTER TABLE ds_parquet ADD PARTITION (p='empty1') PARTITION (p='empty2')")
    r.sql("ALTER TABLE ds_parquet ADD IF NOT EXISTS PARTITION (p='a') "
          "PARTITION (p='loc') LOCATION '%s/custom_loc'" % ext)
    r.sql("ALTER TABLE ds_parquet DROP PARTITION (p='empty2')")
    r.sql("ALTER TABLE ds_parquet PARTITION (p='empty1') RENAME TO PARTITION (p='renamed')")
    r.sql("ALTER TABLE ds_parquet PARTITION (p='renamed') SET LOCATION '%s/set_loc'" % ext)
    r.sql("INSERT INTO ds_parquet PARTITION (p='loc') VALUES (7, 'seven')")
    r.sql("INSERT INTO ds_parquet PARTITION (p='renamed') VALUES (8, 'eight')")
    r.sql("ALTER TABLE ds_parquet SET TBLPROPERTIES ('k1'='v1', 'k2'='v2', 'k3'='v3')")
    r.sql("ALTER TABLE ds_parquet UNSET TBLPROPERTIES ('k2')")
    r.sql("ALTER TABLE ds_parquet UNSET TBLPROPERTIES IF EXISTS ('k3', 'never_set')")
    r.sql("ANALYZE TABLE ds_parquet COMPUTE STATISTICS")
    r.sql("ANALYZE TABLE ds_parquet COMPUTE STATISTICS FOR COLUMNS id, name")
    r.sql("ANALYZE TABLE ds_parquet PARTITION (p='a') COMPUTE STATISTICS")

    r.sql("CREATE TABLE ds_orc (id INT, name STRING, p STRING) USING orc PARTITIONED BY (p)")
    r.sql("INSERT INTO ds_orc SELECT id, concat('n', id), "
          "CASE WHEN id < 3 THEN 'lo' ELSE 'hi' END FROM range(6)")
    r.sql("CREATE TABLE ds_json (id INT, name STRING) USING json")
    r.sql("INSERT INTO ds_json VALUES (1, 'j1'), (2, 'j2')")
    r.sql("ALTER TABLE ds_json RENAME TO ds_json_renamed")
    r.sql("INSERT INTO ds_json_renamed VALUES (3, 'j3')")
    r.sql("CREATE TABLE ds_csv (id INT, name STRING) USING csv OPTIONS (header 'true')")
    r.sql("INSERT INTO ds_csv VALUES (1, 'c1'), (2, 'c2')")
    r.sql("TRUNCATE TABLE ds_csv")
    r.sql("CREATE TABLE ds_bucketed (id INT, name STRING, p STRING) USING parquet "
          "PARTITIONED BY (p) CLUSTERED BY (id) SORTED BY (id) INTO 4 BUCKETS")
    r.sql("INSERT INTO ds_bucketed SELECT id, concat('b', id), "
          "CAST(id % 2 AS STRING) FROM range(20)")
    r.sql("CREATE TABLE ml (v INT, y INT, m STRING) USING parquet PARTITIONED BY (y, m)")
    r.sql("INSERT INTO ml VALUES (1, 2023, '12'), (2, 2024, '01'), (3, 2024, '02'), "
          "(4, 2025, '01')")

    # --- Hive serde tables
    r.sql("SET hive.exec.dynamic.partition.mode=nonstrict")
    r.sql("CREATE TABLE hive_parquet (id INT, name STRING) PARTITIONED BY (p STRING) "
          "STORED AS PARQUET")
    r.sql("INSERT INTO hive_parquet PARTITION (p='x') VALUES (1, 'hp1')")
    r.sql("ALTER TABLE hive_parquet ADD COLUMNS (extra STRING COMMENT 'added later')")
    r.sql("INSERT INTO hive_parquet PARTITION (p='y') VALUES (2, 'hp2', 'e2')")
    r.sql("CREATE TABLE hive_orc (id INT, name STRING) PARTITIONED BY (p STRING) "
          "STORED AS ORC TBLPROPERTIES ('orc.compress'='ZLIB')")
    r.sql("INSERT OVERWRITE TABLE hive_orc PARTITION (p) SELECT id, concat('o', id), "
          "CASE WHEN id < 2 THEN 'a' ELSE 'b' END FROM range(4)")
    r.sql("ANALYZE TABLE hive_orc PARTITION (p='a') COMPUTE STATISTICS")
    r.sql("TRUNCATE TABLE hive_orc PARTITION (p='b')")
    r.sql("CREATE TABLE hive_text (id INT, name STRING) PARTITIONED BY (p STRING) "
          "ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' LINES TERMINATED BY '\\n' "
          "STORED AS TEXTFILE")
    r.sql("INSERT INTO hive_text PARTITION (p) VALUES (1, 't1', 'a'), (2, 't2', 'b')")
    r.sql("INSERT OVERWRITE TABLE hive_text PARTITION (p='a') VALUES (3, 't3')")
    r.sql("INSERT INTO hive_text PARTITION (p='c') VALUES (4, 't4')")
    r.sql("CREATE TABLE hive_bucketed (id INT, name STRING) "
          "CLUSTERED BY (id) SORTED BY (id ASC) INTO 2 BUCKETS STORED AS ORC")
    r.sql("CREATE TABLE ctas_ds USING parquet PARTITIONED BY (p) AS "
          "SELECT id, name, p FROM ds_parquet WHERE p IN ('a', 'b')")
    r.sql("CREATE TABLE ctas_hive STORED AS ORC AS SELECT id, name FROM hive_text")

    # --- external tables and MSCK REPAIR
    def write_dirs(names):
        for n in names:
            spark.createDataFrame([Row(id=ord(n))]).write.mode("overwrite") \
                .parquet("%s/msck/p=%s" % (ext, n))
    r.call("write msck dirs a b c", lambda: write_dirs("abc"))
    r.sql("CREATE EXTERNAL TABLE ext_msck (id BIGINT) PARTITIONED BY (p STRING) "
          "STORED AS PARQUET LOCATION '%s/msck'" % ext)
    r.sql("MSCK REPAIR TABLE ext_msck")
    parts_after_add = r.rows("SHOW PARTITIONS ext_msck")

    def move_dirs():
        fs, p = hadoop_fs(spark, "%s/msck/p=c" % ext)
        fs.delete(p, True)
        write_dirs("d")
    r.call("delete msck dir c, write d", move_dirs)
    r.sql("MSCK REPAIR TABLE ext_msck SYNC PARTITIONS")
    r.sql("CREATE TABLE ext_keep (id INT) USING parquet LOCATION '%s/keep'" % ext)
    r.sql("INSERT INTO ext_keep VALUES (1), (2), (3)")
    # SET LOCATION to a directory that holds data (Spark re-reads the table
    # right after; a missing directory fails it, as with the Java metastore)
    def write_ids(where, ids):
        spark.sql("SELECT CAST(id AS INT) AS id FROM VALUES %s AS v(id)"
                  % ", ".join("(%d)" % i for i in ids)).write.mode("overwrite").parquet(where)
    r.call("write set_loc before", lambda: write_ids("%s/before" % ext, [1]))
    r.sql("CREATE EXTERNAL TABLE set_loc_tbl (id INT) STORED AS PARQUET LOCATION '%s/before'"
          % ext)
    r.call("write set_loc after", lambda: write_ids("%s/after" % ext, [2]))
    r.sql("ALTER TABLE set_loc_tbl SET LOCATION '%s/after'" % ext)
    r.sql("INSERT INTO set_loc_tbl VALUES (3)")
    r.sql("CREATE TABLE managed_drop (id INT, p INT) USING parquet PARTITIONED BY (p)")
    r.sql("INSERT INTO managed_drop VALUES (1, 1), (2, 2)")
    r.sql("CREATE TABLE %s.in_located (id INT) USING parquet" % dbl)
    r.sql("INSERT INTO %s.in_located VALUES (42)" % dbl)

    # --- views
    r.sql("CREATE VIEW v_a COMMENT 'first view' AS SELECT id, name FROM ds_parquet WHERE p = 'a'")
    r.sql("ALTER VIEW v_a AS SELECT id, name, p FROM ds_parquet WHERE p IN ('a', 'b')")
    r.sql("ALTER VIEW v_a SET TBLPROPERTIES ('vk'='vv')")
    r.sql("CREATE VIEW v_old AS SELECT 1 AS one")
    r.sql("ALTER VIEW v_old RENAME TO v_renamed")
    r.sql("CREATE VIEW v_drop AS SELECT 2 AS two")

    # --- permanent functions
    r.sql("CREATE FUNCTION %s.my_upper AS '%s'" % (db, UDF_CLASS))
    r.sql("CREATE FUNCTION %s.my_lower AS '%s'" % (db, UDF_CLASS2))
    used = r.rows("SELECT %s.my_upper('abc')" % db)

    # --- mixed case names, special characters in partition values
    r.sql("CREATE TABLE MixedCase_Tbl (UpperId INT, lowerName STRING COMMENT "
          "'\u00fcn\u00efcode comment', PartKey STRING) USING parquet PARTITIONED BY (PartKey)")
    r.call("special source", lambda: spark.createDataFrame(
        [Row(UpperId=i, lowerName="n%d" % i, PartKey=v) for i, v in enumerate(SPECIAL)])
        .createOrReplaceTempView("special_src"))
    r.sql("INSERT INTO MixedCase_Tbl SELECT UpperId, lowerName, PartKey FROM special_src")
    r.sql("ALTER TABLE MixedCase_Tbl ADD PARTITION (PartKey='add/ed=50% \u00e9')")
    r.sql("CREATE TABLE hive_special (id INT) PARTITIONED BY (pk STRING) STORED AS TEXTFILE")
    r.sql("INSERT INTO hive_special PARTITION (pk) SELECT UpperId, PartKey FROM special_src")
    t1 = time.monotonic()

    # --- one INSERT, many partitions (dynamic); one file per partition
    r.sql("CREATE DATABASE %s LOCATION '%s'" % (wide_db, wide_db_location))
    r.sql("CREATE TABLE %s.wide (v INT, k INT) USING parquet PARTITIONED BY (k)" % wide_db)
    # the same CTAS, empty Hive table and rename as on s3a://, on file://
    r.sql("CREATE TABLE %s.ctas_hive_local STORED AS ORC AS SELECT id, name FROM hive_text"
          % wide_db)
    r.sql("CREATE TABLE %s.empty_hive_local (id INT) STORED AS ORC" % wide_db)
    r.sql("CREATE TABLE %s.json_local (id INT, name STRING) USING json" % wide_db)
    r.sql("INSERT INTO %s.json_local VALUES (1, 'j1'), (2, 'j2')" % wide_db)
    r.sql("ALTER TABLE %s.json_local RENAME TO %s.json_local_renamed" % (wide_db, wide_db))
    r.sql("INSERT INTO %s.json_local_renamed VALUES (3, 'j3')" % wide_db)
    t2 = time.monotonic()
    r.sql("INSERT INTO " + wide_db + ".wide SELECT v, k FROM (SELECT CAST(id * 10 AS INT) AS v, "
          "CAST(id AS INT) AS k FROM range(%d)) DISTRIBUTE BY k" % wide_parts)
    t3 = time.monotonic()
    return {"errors": r.errors, "seconds": round(t1 - t0, 1),
            "wide_insert_seconds": round(t3 - t2, 1),
            "msck_after_add": parts_after_add, "udf_in_session": used}


def describe(r, what):
    rows = r.rows("DESCRIBE FORMATTED %s" % what)
    if rows is None:
        return None
    out = {}
    for name, value, _ in rows:
        name = (name or "").strip()
        if name and name not in out:
            out[name] = value
    return out


TABLES = ["ds_parquet", "ds_orc", "ds_json_renamed", "ds_csv", "ds_bucketed", "ml",
          "hive_parquet", "hive_orc", "hive_text", "hive_bucketed", "ctas_ds", "ctas_hive",
          "ext_msck", "ext_keep", "managed_drop", "set_loc_tbl", "mixedcase_tbl", "hive_special"]


def check_then_drop(spark, db, dbl, wide_db):
    """Read everything build() made back, in a new session, then drop the
    table, view, function and database the drop checks need."""
    r = Runner(spark)
    out = {"databases": r.rows("SHOW DATABASES LIKE '%s*'" % db),
           "db": r.rows("DESCRIBE DATABASE EXTENDED %s" % db),
           "dbl": r.rows("DESCRIBE DATABASE EXTENDED %s" % dbl),
           "tables": r.sorted_rows("SHOW TABLES IN %s" % db),
           "views": r.sorted_rows("SHOW VIEWS IN %s" % db),
           "data": {}, "describe": {}, "partitions": {}}
    r.sql("USE %s" % db)
    for t in TABLES:
        out["data"][t] = r.sorted_rows("SELECT * FROM %s" % t)
        out["describe"][t] = describe(r, t)
    for t in ("ds_parquet", "ds_orc", "ds_bucketed", "ml", "hive_parquet", "hive_orc",
              "hive_text", "ctas_ds", "ext_msck", "mixedcase_tbl", "hive_special"):
        out["partitions"][t] = r.rows("SHOW PARTITIONS %s" % t)
    out["wide_partitions"] = len(r.rows("SHOW PARTITIONS %s.wide" % wide_db) or [])
    for t in ("ctas_hive_local", "empty_hive_local", "json_local_renamed"):
        out["data"][t] = r.sorted_rows("SELECT * FROM %s.%s" % (wide_db, t))
    out["partial_spec"] = r.rows("SHOW PARTITIONS ml PARTITION (y=2024)")
    out["partial_spec_value"] = r.rows("SHOW PARTITIONS ml PARTITION (m='01')")
    out["describe_partition"] = describe(r, "ds_parquet PARTITION (p='a')")
    out["describe_hive_partition"] = describe(r, "hive_orc PARTITION (p='a')")
    out["describe_column"] = r.rows("DESCRIBE FORMATTED ds_parquet id")
    out["tblproperties"] = dict(r.rows("SHOW TBLPROPERTIES ds_parquet") or [])
    out["create"] = {t: (r.rows("SHOW CREATE TABLE %s" % t) or [[None]])[0][0]
                     for t in ("ds_parquet", "ds_bucketed", "hive_text", "v_a")}
    out["create_serde"] = (r.rows("SHOW CREATE TABLE hive_text AS SERDE") or [[None]])[0][0]
    out["view_a"] = r.sorted_rows("SELECT * FROM v_a")
    out["view_renamed"] = r.rows("SELECT * FROM v_renamed")
    out["view_describe"] = describe(r, "v_a")
    out["functions"] = r.sorted_rows("SHOW USER FUNCTIONS IN %s" % db)
    out["udf"] = r.sorted_rows("SELECT %s.my_upper(name) FROM ds_parquet" % db)
    out["describe_function"] = r.rows("DESCRIBE FUNCTION EXTENDED %s.my_upper" % db)
    out["pruned"] = r.rows("SELECT id FROM ds_parquet WHERE p = 'b'")
    out["in_located"] = r.rows("SELECT * FROM %s.in_located" % dbl)
    out["special_where"] = {v: r.rows("SELECT UpperId FROM mixedcase_tbl WHERE PartKey = '%s'"
                                      % v.replace("\\", "\\\\").replace("'", "\\'"))
                            for v in SPECIAL}

    # the drops
    r.sql("DROP TABLE managed_drop")
    r.sql("DROP TABLE ext_keep")
    r.sql("DROP VIEW v_drop")
    r.sql("DROP FUNCTION %s.my_lower" % db)
    r.sql("DROP DATABASE %s CASCADE" % dbl)
    out["errors"] = r.errors
    return out


def after_drop(spark, db, dbl, ext, wide_db, wide_key):
    """What is left after the drops, and one query on one partition of the
    wide table (no other statement here reads partitions, so the metastore's
    call counters around this job belong to that query)."""
    r = Runner(spark)
    t0 = time.monotonic()
    pruned = r.rows("SELECT v, k FROM %s.wide WHERE k = %d" % (wide_db, wide_key))
    t1 = time.monotonic()
    return {
        "pruned": pruned, "pruned_seconds": round(t1 - t0, 1),
        "databases": r.sorted_rows("SHOW DATABASES LIKE '%s*'" % db),
        "tables": r.sorted_rows("SHOW TABLES IN %s" % db),
        "functions": r.sorted_rows("SHOW USER FUNCTIONS IN %s" % db),
        "ext_keep_files": r.call("read ext_keep files", lambda: sorted(
            x.id for x in spark.read.parquet("%s/keep" % ext).collect())),
        "udf": r.rows("SELECT %s.my_upper('still here')" % db),
        "dropped_udf": r.rows("SELECT %s.my_lower('GONE')" % db),
        "errors": r.errors,
    }
