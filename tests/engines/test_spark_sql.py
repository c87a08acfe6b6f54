"""Spark SQL on Hive tables: Spark 3.5 with catalogImplementation=hive on
our Thrift port, data on MinIO (s3a://).

Three Spark processes run the whole workload (jobs/hive_sql.py): build()
creates and changes everything, check_then_drop() reads it back in a new
session and then drops, after_drop() reads what is left and queries one
partition of a 1,000-partition table. The tests below each assert one
area: what Spark read back, and what the metastore stored (our Thrift
client), and for the files, what MinIO holds.
"""
import json
import os
import time

import pytest

import components
from components import SPARK_VERSION
from hive_metastore.ttypes import PartitionsStatsRequest, TableStatsRequest
from servers import unique

CATALOG = "hive (Thrift)"
WIDE_PARTS = 1000
WIDE_KEY = 517
CONF = {}   # components.Spark's base settings are enough
UDF_CLASS = "org.apache.hadoop.hive.ql.udf.generic.GenericUDFUpper"

# partition values with every character Hive escapes in a directory name
# and some it does not (space, unicode); as jobs/hive_sql.py SPECIAL
SPECIAL = ["a b", "x/y", "k=v", "50%", "it's", 'quo"te', "h#sh", "c:olon",
           "\u00fcn\u00ef\u00e7\u00f8d\u00e9", "\u65e5\u672c"]
_ESCAPED = set('"#%\'*/:=?\\{[]^') | {chr(c) for c in range(1, 0x20)} | {"\x7f"}

# the HMS calls that list every partition of a table
FULL_LISTINGS = ("get_partitions", "get_partitions_with_auth", "get_partition_names",
                 "get_partitions_ps", "get_partitions_ps_with_auth", "get_partition_names_ps",
                 "get_partitions_pspec")
# the calls that write HMS column statistics
COLUMN_STATS_WRITES = ("update_table_column_statistics", "update_partition_column_statistics",
                       "set_aggr_stats_for")


def escape(value):
    """Hive's FileUtils.escapePathName, as Spark's ExternalCatalogUtils."""
    return "".join("%%%02X" % ord(c) if c in _ESCAPED else c for c in value)


def log():
    return components.results_path("spark", "hive_sql.log")


@pytest.fixture(scope="module")
def run(spark, metastore):
    """The three jobs, with the metastore's call counters around them."""
    db = unique("sparksql")
    dbl = db + "_loc"
    ext = "s3a://warehouse/ext_%s" % db
    # the 1,000-partition INSERT on a file:// database: on s3a:// Spark's
    # FileOutputCommitter copies every file twice (task and job commit),
    # about 170 s for 1,000 files here (notes/spark-sql.md)
    wide_db = db + "_wide"
    names = {"db": db, "dbl": dbl, "ext": ext,
             "dbl_location": "s3a://warehouse/custom/%s" % dbl,
             "wide_db": wide_db,
             "wide_db_location": "file:%s/%s.db" % (metastore.local_root, wide_db)}
    out = dict(names)

    def counters(methods):
        return {m: metastore.thrift_calls(m) for m in methods}

    out["load_before"] = os.getloadavg()[0]
    before_build = counters(COLUMN_STATS_WRITES)
    t0 = time.monotonic()
    out["build"] = spark.run("hive_sql:build", dict(names, wide_parts=WIDE_PARTS),
                             conf=CONF, log_name="hive_sql")
    out["build_job_seconds"] = round(time.monotonic() - t0, 1)
    after_build = counters(COLUMN_STATS_WRITES)
    out["stats_writes"] = {m: after_build[m] - before_build[m] for m in COLUMN_STATS_WRITES}

    t0 = time.monotonic()
    out["check"] = spark.run("hive_sql:check_then_drop",
                             {"db": db, "dbl": dbl, "wide_db": wide_db},
                             conf=CONF, log_name="hive_sql")
    out["check_job_seconds"] = round(time.monotonic() - t0, 1)

    watched = FULL_LISTINGS + ("get_partitions_by_filter", "get_partitions_by_expr")
    before = counters(watched)
    t0 = time.monotonic()
    out["after"] = spark.run("hive_sql:after_drop",
                             {"db": db, "dbl": dbl, "ext": ext, "wide_db": wide_db,
                              "wide_key": WIDE_KEY},
                             conf=CONF, log_name="hive_sql")
    out["after_job_seconds"] = round(time.monotonic() - t0, 1)
    after = counters(watched)
    out["calls_during_query"] = {m: after[m] - before[m] for m in watched}
    with open(components.results_path("spark", "hive_sql.result.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False, default=str)
    return out


def errors(out, *needles, job=None, but=()):
    """The failed statements of the jobs whose text holds one of 'needles'
    (and none of 'but')."""
    jobs = [job] if job else ["build", "check", "after"]
    return [e for j in jobs for e in out[j]["errors"]
            if any(n.lower() in e[0].lower() for n in needles)
            and not any(b.lower() in e[0].lower() for b in but)]


def rows(rs):
    return sorted((tuple(r) for r in rs), key=repr)


# ---------------------------------------------------------------------------

def test_databases(run, thrift, tag):
    tag("Spark", SPARK_VERSION, CATALOG,
        "CREATE DATABASE with/without LOCATION, COMMENT, DBPROPERTIES; ALTER DATABASE", log())
    db, dbl = run["db"], run["dbl"]
    assert errors(run, "DATABASE", "USE ") == []
    chk = run["check"]
    assert chk["databases"] == [[db], [dbl], [run["wide_db"]]]
    info = dict(chk["db"])
    assert info["Comment"] == "spark sql suite"
    assert info["Location"] == "s3a://warehouse/%s.db" % db
    assert info["Properties"] == "((purpose,engines), (team,lake))"
    info = dict(chk["dbl"])
    assert info["Location"] == run["dbl_location"]
    assert info["Properties"] == "((k,v), (k2,v2))"

    d = thrift.get_database(db)
    assert d.description == "spark sql suite"
    assert d.locationUri == "s3a://warehouse/%s.db" % db
    assert d.parameters == {"team": "lake", "purpose": "engines"}
    # the located database was dropped by check_then_drop (test_drops)


def test_data_source_tables(run, thrift, tag):
    tag("Spark", SPARK_VERSION, CATALOG,
        "CREATE TABLE USING parquet/orc/json/csv, partitioned and bucketed; INSERT INTO/"
        "OVERWRITE static and dynamic; TRUNCATE; RENAME TO", log())
    db, chk = run["db"], run["check"]
    assert errors(run, "ds_parquet", "ds_orc", "ds_csv", "ds_bucketed", " ml ", "INTO ml ") == []
    data = chk["data"]
    assert rows(data["ds_parquet"]) == rows([[10, "ten", "a"], [3, "three", "b"],
                                             [5, "five", "c"], [7, "seven", "loc"],
                                             [8, "eight", "renamed"]])
    assert rows(data["ds_orc"]) == rows([[i, "n%d" % i, "lo" if i < 3 else "hi"] for i in range(6)])
    assert data["ds_csv"] == []
    assert rows(data["ds_bucketed"]) == rows([[i, "b%d" % i, str(i % 2)] for i in range(20)])
    assert chk["partitions"]["ds_bucketed"] == [["p=0"], ["p=1"]]
    for t, provider in (("ds_parquet", "parquet"), ("ds_orc", "orc"), ("ds_csv", "csv"),
                        ("ds_bucketed", "parquet")):
        desc = chk["describe"][t]
        assert desc["Provider"] == provider, t
        assert desc["Type"] == "MANAGED"
        assert desc["Location"] == "s3a://warehouse/%s.db/%s" % (db, t)
        tt = thrift.get_table(db, t)
        assert tt.tableType == "MANAGED_TABLE"
        assert tt.parameters["spark.sql.sources.provider"] == provider
        assert tt.sd.location == "s3a://warehouse/%s.db/%s" % (db, t)
    assert chk["describe"]["ds_bucketed"]["Num Buckets"] == "4"
    assert chk["describe"]["ds_bucketed"]["Bucket Columns"] == "[`id`]"
    assert chk["describe"]["ds_bucketed"]["Sort Columns"] == "[`id`]"
    b = thrift.get_table(db, "ds_bucketed").parameters
    assert b["spark.sql.sources.schema.numBuckets"] == "4"
    assert b["spark.sql.sources.schema.bucketCol.0"] == "id"
    assert b["spark.sql.sources.schema.sortCol.0"] == "id"
    assert chk["create"]["ds_bucketed"].count("INTO 4 BUCKETS") == 1
    # partitions of the data source tables live in the metastore
    assert chk["describe"]["ds_parquet"]["Partition Provider"] == "Catalog"
    assert sorted(thrift.get_partition_names(db, "ds_orc", -1)) == ["p=hi", "p=lo"]
    csv = thrift.get_table(db, "ds_csv")
    assert csv.sd.serdeInfo.parameters.get("header") == "true"
    assert csv.parameters["spark.sql.sources.provider"] == "csv"


def test_rename_table(run, thrift, minio, tag):
    """ALTER TABLE ... RENAME TO on a managed table moves its data: the Java
    metastore renames the directory (HiveAlterHandler), Spark points the
    table's path at the new default location."""
    tag("Spark", SPARK_VERSION, CATALOG, "ALTER TABLE RENAME TO (managed, s3a)", log())
    db, chk = run["db"], run["check"]
    assert errors(run, "ds_json") == []
    assert "ds_json" not in [t for _, t, _ in chk["tables"]]
    t = thrift.get_table(db, "ds_json_renamed")
    assert t.parameters["spark.sql.sources.provider"] == "json"
    assert chk["describe"]["ds_json_renamed"]["Location"] == \
        "s3a://warehouse/%s.db/ds_json_renamed" % db
    assert t.sd.location == "s3a://warehouse/%s.db/ds_json_renamed" % db
    assert not minio.keys("warehouse", "%s.db/ds_json/" % db)
    # the two rows written before the rename and the one after
    assert rows(chk["data"]["ds_json_renamed"]) == rows([[1, "j1"], [2, "j2"], [3, "j3"]])


def test_hive_serde_tables(run, thrift, tag):
    tag("Spark", SPARK_VERSION, CATALOG,
        "Hive serde tables STORED AS PARQUET/ORC/TEXTFILE (ROW FORMAT DELIMITED), bucketed; "
        "ADD COLUMNS; dynamic-partition INSERT OVERWRITE", log())
    db, chk = run["db"], run["check"]
    assert errors(run, "hive_parquet", "hive_orc", "hive_text", "hive.exec",
                  but=("ctas_hive",)) == []
    data = chk["data"]
    assert rows(data["hive_parquet"]) == rows([[1, "hp1", None, "x"], [2, "hp2", "e2", "y"]])
    assert rows(data["hive_orc"]) == rows([[0, "o0", "a"], [1, "o1", "a"]])   # p=b truncated
    assert rows(data["hive_text"]) == rows([[3, "t3", "a"], [2, "t2", "b"], [4, "t4", "c"]])
    assert chk["partitions"]["hive_text"] == [["p=a"], ["p=b"], ["p=c"]]
    assert chk["partitions"]["hive_orc"] == [["p=a"], ["p=b"]]

    serdes = {"hive_parquet": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
              "hive_orc": "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
              "hive_text": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
              "hive_bucketed": "org.apache.hadoop.hive.ql.io.orc.OrcSerde"}
    for t, serde in serdes.items():
        tt = thrift.get_table(db, t)
        assert tt.sd.serdeInfo.serializationLib == serde, t
        assert "spark.sql.sources.provider" not in tt.parameters, t
        assert chk["describe"][t]["Provider"] == "hive", t
    text = thrift.get_table(db, "hive_text")
    assert text.sd.inputFormat == "org.apache.hadoop.mapred.TextInputFormat"
    assert text.sd.serdeInfo.parameters["field.delim"] == "|"
    assert [(c.name, c.type) for c in text.partitionKeys] == [("p", "string")]
    assert "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'" in \
        chk["create_serde"]
    assert "'field.delim' = '|'" in chk["create_serde"]
    hp = thrift.get_table(db, "hive_parquet")
    assert [(c.name, c.type, c.comment) for c in hp.sd.cols] == [
        ("id", "int", None), ("name", "string", None), ("extra", "string", "added later")]
    assert thrift.get_table(db, "hive_orc").parameters["orc.compress"] == "ZLIB"
    hb = thrift.get_table(db, "hive_bucketed")
    assert hb.sd.numBuckets == 2 and hb.sd.bucketCols == ["id"]
    assert [(o.col, o.order) for o in hb.sd.sortCols] == [("id", 1)]


def test_ctas(run, thrift, tag):
    tag("Spark", SPARK_VERSION, CATALOG, "CTAS USING parquet (partitioned)", log())
    db, chk = run["db"], run["check"]
    assert errors(run, "ctas_ds") == []
    assert rows(chk["data"]["ctas_ds"]) == rows([[10, "ten", "a"], [3, "three", "b"]])
    assert sorted(thrift.get_partition_names(db, "ctas_ds", -1)) == ["p=a", "p=b"]
    assert thrift.get_table(db, "ctas_ds").parameters["spark.sql.sources.provider"] == "parquet"


def test_hive_ctas_empty_table_and_rename_on_file_locations(run, thrift, tag):
    """What fails on s3a:// below works on a file:// database: CTAS STORED AS
    ORC, reading an empty Hive table, renaming a managed table with data."""
    tag("Spark", SPARK_VERSION, CATALOG, "CTAS STORED AS ORC, empty Hive table, RENAME TO on "
        "file://", log())
    wide_db, chk = run["wide_db"], run["check"]
    assert errors(run, "_local") == []
    assert rows(chk["data"]["ctas_hive_local"]) == rows([[3, "t3"], [2, "t2"], [4, "t4"]])
    assert chk["data"]["empty_hive_local"] == []
    assert rows(chk["data"]["json_local_renamed"]) == rows([[1, "j1"], [2, "j2"], [3, "j3"]])
    t = thrift.get_table(wide_db, "json_local_renamed")
    assert t.sd.location == run["wide_db_location"] + "/json_local_renamed"
    assert os.path.isdir(t.sd.location[len("file:"):])
    assert not os.path.exists(run["wide_db_location"][len("file:"):] + "/json_local")


def test_hive_table_directory_made_on_create(run, thrift, minio, tag):
    """create_table makes the table's directory wherever it is (the Java
    metastore's wh.mkdirs; on s3a:// S3AFileSystem writes the directory
    marker "<key>/"). Spark's readers of Hive ORC/Parquet tables fail with
    PATH_NOT_FOUND on a missing one: an empty table, and CTAS STORED AS."""
    tag("Spark", SPARK_VERSION, CATALOG, "CTAS STORED AS ORC; reading an empty Hive table "
        "(directories made on s3a://)", log())
    db, chk = run["db"], run["check"]
    assert "%s.db/hive_bucketed/" % db in minio.keys("warehouse", "%s.db/hive_bucketed/" % db)
    assert errors(run, "hive_bucketed", "ctas_hive") == []
    assert chk["data"]["hive_bucketed"] == []
    assert rows(chk["data"]["ctas_hive"]) == rows([[3, "t3"], [2, "t2"], [4, "t4"]])
    t = thrift.get_table(db, "ctas_hive")
    assert t.sd.serdeInfo.serializationLib == "org.apache.hadoop.hive.ql.io.orc.OrcSerde"


def test_partition_ddl(run, thrift, minio, tag):
    tag("Spark", SPARK_VERSION, CATALOG,
        "ALTER TABLE ADD/DROP/RENAME PARTITION, SET LOCATION; SHOW PARTITIONS (partial spec)",
        log())
    db, ext, chk = run["db"], run["ext"], run["check"]
    assert chk["partitions"]["ds_parquet"] == [["p=a"], ["p=b"], ["p=c"], ["p=loc"],
                                               ["p=renamed"]]
    assert sorted(thrift.get_partition_names(db, "ds_parquet", -1)) == \
        ["p=a", "p=b", "p=c", "p=loc", "p=renamed"]
    assert thrift.get_partition(db, "ds_parquet", ["loc"]).sd.location == ext + "/custom_loc"
    assert thrift.get_partition(db, "ds_parquet", ["renamed"]).sd.location == ext + "/set_loc"
    assert thrift.get_partition(db, "ds_parquet", ["a"]).sd.location == \
        "s3a://warehouse/%s.db/ds_parquet/p=a" % db
    # the rows written into the custom locations are there
    bucket_prefix = ext[len("s3a://warehouse/"):]
    keys = minio.keys("warehouse", bucket_prefix + "/")
    assert any(k.startswith(bucket_prefix + "/custom_loc/part-") for k in keys)
    assert any(k.startswith(bucket_prefix + "/set_loc/part-") for k in keys)
    # SHOW PARTITIONS with a partial spec (get_partition_names_ps)
    assert chk["partial_spec"] == [["y=2024/m=01"], ["y=2024/m=02"]]
    assert chk["partial_spec_value"] == [["y=2024/m=01"], ["y=2025/m=01"]]
    assert sorted(thrift.get_partition_names_ps(db, "ml", ["2024", ""], -1)) == \
        ["y=2024/m=01", "y=2024/m=02"]
    assert chk["pruned"] == [[3]]
    desc = chk["describe_partition"]
    assert desc["Partition Values"] == "[p=a]"
    assert desc["Location"] == "s3a://warehouse/%s.db/ds_parquet/p=a" % db


def test_table_set_location(run, thrift, minio, tag):
    tag("Spark", SPARK_VERSION, CATALOG, "ALTER TABLE SET LOCATION (external Hive table)", log())
    db, ext, chk = run["db"], run["ext"], run["check"]
    assert errors(run, "set_loc") == []
    assert chk["data"]["set_loc_tbl"] == [[2], [3]]
    t = thrift.get_table(db, "set_loc_tbl")
    assert t.sd.location == ext + "/after" and t.tableType == "EXTERNAL_TABLE"
    assert chk["describe"]["set_loc_tbl"]["Location"] == ext + "/after"
    prefix = ext[len("s3a://warehouse/"):]
    assert any(k.startswith(prefix + "/before/part-") for k in minio.keys("warehouse", prefix))


def test_table_properties(run, thrift, tag):
    tag("Spark", SPARK_VERSION, CATALOG,
        "ALTER TABLE SET/UNSET TBLPROPERTIES; SHOW TBLPROPERTIES; SHOW CREATE TABLE; "
        "DESCRIBE FORMATTED", log())
    db, chk = run["db"], run["check"]
    assert errors(run, "TBLPROPERTIES", "SHOW CREATE", "DESCRIBE FORMATTED ds_") == []
    assert chk["tblproperties"] == {"k1": "v1"}
    params = thrift.get_table(db, "ds_parquet").parameters
    assert params["k1"] == "v1" and "k2" not in params and "k3" not in params
    create = chk["create"]["ds_parquet"]
    assert create.startswith("CREATE TABLE spark_catalog.%s.ds_parquet (" % db)
    assert "name STRING COMMENT 'the name'" in create
    assert "USING parquet\nPARTITIONED BY (p)\nCOMMENT 'parquet, partitioned'" in create
    assert "'k1' = 'v1'" in create
    desc = chk["describe"]["ds_parquet"]
    assert desc["Comment"] == "parquet, partitioned"
    assert desc["Owner"] and desc["Created By"] == "Spark " + SPARK_VERSION


def test_msck_repair(run, thrift, tag):
    tag("Spark", SPARK_VERSION, CATALOG, "MSCK REPAIR TABLE, ... SYNC PARTITIONS", log())
    db, ext, chk = run["db"], run["ext"], run["check"]
    assert errors(run, "msck") == []
    assert run["build"]["msck_after_add"] == [["p=a"], ["p=b"], ["p=c"]]
    assert chk["partitions"]["ext_msck"] == [["p=a"], ["p=b"], ["p=d"]]
    assert rows(chk["data"]["ext_msck"]) == rows([[97, "a"], [98, "b"], [100, "d"]])
    t = thrift.get_table(db, "ext_msck")
    assert t.tableType == "EXTERNAL_TABLE" and t.parameters.get("EXTERNAL") == "TRUE"
    assert sorted(thrift.get_partition_names(db, "ext_msck", -1)) == ["p=a", "p=b", "p=d"]
    assert thrift.get_partition(db, "ext_msck", ["d"]).sd.location == ext + "/msck/p=d"


def test_analyze(run, thrift, tag):
    """Spark keeps its statistics in table and partition parameters
    (spark.sql.statistics.*), column statistics included; it never writes
    the metastore's column statistics, so the Java metastore (and ours)
    has none to return."""
    tag("Spark", SPARK_VERSION, CATALOG,
        "ANALYZE TABLE COMPUTE STATISTICS (table, partition, FOR COLUMNS)", log())
    db, chk = run["db"], run["check"]
    assert errors(run, "ANALYZE") == []
    params = thrift.get_table(db, "ds_parquet").parameters
    assert params["spark.sql.statistics.numRows"] == "5"
    assert int(params["spark.sql.statistics.totalSize"]) > 0
    assert params["spark.sql.statistics.colStats.id.min"] == "3"
    assert params["spark.sql.statistics.colStats.id.max"] == "10"
    assert params["spark.sql.statistics.colStats.id.distinctCount"] == "5"
    assert params["spark.sql.statistics.colStats.name.nullCount"] == "0"
    col = dict(chk["describe_column"])
    assert (col["min"], col["max"], col["num_nulls"], col["distinct_count"]) == \
        ("3", "10", "0", "5")
    assert chk["describe_partition"]["Partition Statistics"].endswith("1 rows")
    part = thrift.get_partition(db, "ds_parquet", ["a"]).parameters
    assert part["spark.sql.statistics.numRows"] == "1"
    assert chk["describe_hive_partition"]["Partition Statistics"].endswith("2 rows")
    hpart = thrift.get_partition(db, "hive_orc", ["a"]).parameters
    assert hpart["spark.sql.statistics.numRows"] == "2"
    # no HMS column statistics were written, so none are stored
    assert run["stats_writes"] == {m: 0 for m in COLUMN_STATS_WRITES}
    got = thrift.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="ds_parquet", colNames=["id", "name"]))
    assert got.tableStats == []
    got = thrift.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="hive_orc", colNames=["id"], partNames=["p=a"]))
    assert got.partStats == {}


def test_views(run, thrift, tag):
    tag("Spark", SPARK_VERSION, CATALOG, "CREATE VIEW, ALTER VIEW AS/SET TBLPROPERTIES/RENAME, "
        "DROP VIEW", log())
    db, chk = run["db"], run["check"]
    assert errors(run, "VIEW", "v_a", "v_renamed") == []
    assert chk["views"] == [[db, "v_a", False], [db, "v_drop", False], [db, "v_renamed", False]]
    assert rows(chk["view_a"]) == rows([[10, "ten", "a"], [3, "three", "b"]])
    assert chk["view_renamed"] == [[1]]
    desc = chk["view_describe"]
    assert desc["Type"] == "VIEW"
    assert desc["View Text"] == "SELECT id, name, p FROM ds_parquet WHERE p IN ('a', 'b')"
    v = thrift.get_table(db, "v_a")
    assert v.tableType == "VIRTUAL_VIEW"
    assert v.viewOriginalText == "SELECT id, name, p FROM ds_parquet WHERE p IN ('a', 'b')"
    assert v.viewExpandedText == v.viewOriginalText
    assert v.parameters["vk"] == "vv"
    assert v.parameters["comment"] == "first view"
    assert [c.name for c in v.sd.cols] == ["id", "name", "p"]
    assert "v_old" not in thrift.get_all_tables(db)
    assert "v_drop" not in thrift.get_all_tables(db)     # dropped by check_then_drop
    assert [t for _, t, _ in run["after"]["tables"]].count("v_drop") == 0


def test_functions(run, thrift, tag):
    tag("Spark", SPARK_VERSION, CATALOG,
        "CREATE FUNCTION (Hive GenericUDFUpper), SHOW USER FUNCTIONS, use, DROP FUNCTION", log())
    db, chk, after = run["db"], run["check"], run["after"]
    assert errors(run, "FUNCTION", "my_upper") == []
    assert run["build"]["udf_in_session"] == [["ABC"]]
    assert chk["functions"] == [["spark_catalog.%s.my_lower" % db],
                                ["spark_catalog.%s.my_upper" % db]]
    assert chk["udf"] == [["EIGHT"], ["FIVE"], ["SEVEN"], ["TEN"], ["THREE"]]
    assert chk["describe_function"][1] == ["Class: " + UDF_CLASS]
    assert after["functions"] == [["spark_catalog.%s.my_upper" % db]]
    assert after["udf"] == [["STILL HERE"]]
    assert after["dropped_udf"] is None
    assert [e[0] for e in after["errors"]] == ["SELECT %s.my_lower('GONE')" % db]
    assert "UNRESOLVED_ROUTINE" in after["errors"][0][1]
    f = thrift.get_function(db, "my_upper")
    assert f.className == UDF_CLASS and f.functionType == 1 and f.dbName == db
    assert thrift.get_functions(db, "*") == ["my_upper"]


def test_special_names(run, thrift, minio, tag):
    tag("Spark", SPARK_VERSION, CATALOG,
        "mixed-case names; partition values with spaces, / = % quotes # : and unicode", log())
    db, chk = run["db"], run["check"]
    assert errors(run, "MixedCase_Tbl", "special", "hive_special") == []
    assert "mixedcase_tbl" in thrift.get_all_tables(db)
    data = chk["data"]
    assert rows(data["mixedcase_tbl"]) == rows([[i, "n%d" % i, v] for i, v in enumerate(SPECIAL)])
    assert rows(data["hive_special"]) == rows([[i, v] for i, v in enumerate(SPECIAL)])
    assert chk["special_where"] == {v: [[i]] for i, v in enumerate(SPECIAL)}
    added = "add/ed=50% \u00e9"
    assert sorted(chk["partitions"]["mixedcase_tbl"]) == \
        sorted([["PartKey=" + escape(v)] for v in SPECIAL + [added]])
    assert sorted(chk["partitions"]["hive_special"]) == sorted([["pk=" + escape(v)]
                                                               for v in SPECIAL])
    t = thrift.get_table(db, "mixedcase_tbl")
    assert [c.name for c in t.partitionKeys] == ["partkey"]
    assert [(c.name, c.comment) for c in t.sd.cols] == [
        ("upperid", None), ("lowername", "\u00fcn\u00efcode comment")]
    assert '"name":"UpperId"' in t.parameters["spark.sql.sources.schema"]
    # the metastore's names are Hive's: lower-case key, escaped value
    assert sorted(thrift.get_partition_names(db, "mixedcase_tbl", -1)) == \
        sorted("partkey=" + escape(v) for v in SPECIAL + [added])
    assert sorted(thrift.get_partition_names(db, "hive_special", -1)) == \
        sorted("pk=" + escape(v) for v in SPECIAL)
    for v in SPECIAL:
        p = thrift.get_partition(db, "mixedcase_tbl", [v])
        assert p.values == [v]
        assert p.sd.location == "s3a://warehouse/%s.db/mixedcase_tbl/PartKey=%s" % (db, escape(v))
        p = thrift.get_partition_by_name(db, "hive_special", "pk=" + escape(v))
        assert p.values == [v]
        assert p.sd.location == "s3a://warehouse/%s.db/hive_special/pk=%s" % (db, escape(v))
    keys = minio.keys("warehouse", "%s.db/hive_special/" % db)
    for v in SPECIAL:
        assert any(k.startswith("%s.db/hive_special/pk=%s/" % (db, escape(v))) for k in keys), v


def test_drops(run, thrift, minio, tag):
    tag("Spark", SPARK_VERSION, CATALOG,
        "DROP TABLE (external data kept), DROP VIEW, DROP FUNCTION, DROP DATABASE CASCADE", log())
    db, dbl, ext, after = run["db"], run["dbl"], run["ext"], run["after"]
    assert errors(run, "DROP", job="check") == []
    assert after["databases"] == [[db], [run["wide_db"]]]
    tables = [t for _, t, _ in after["tables"]]
    assert "managed_drop" not in tables and "ext_keep" not in tables and "v_drop" not in tables
    assert "managed_drop" not in thrift.get_all_tables(db)
    assert dbl not in thrift.get_all_databases()
    # the external table's files stay
    assert after["ext_keep_files"] == [1, 2, 3]
    prefix = ext[len("s3a://warehouse/"):] + "/keep/"
    assert any(k.startswith(prefix + "part-") for k in minio.keys("warehouse", prefix))


def test_drop_managed_table_deletes_its_data(run, minio, tag):
    """DROP TABLE of a managed table deletes its directory; DROP DATABASE
    CASCADE deletes its tables' (the Java metastore's deleteData)."""
    tag("Spark", SPARK_VERSION, CATALOG, "DROP TABLE / DROP DATABASE CASCADE delete managed data "
        "on s3a://", log())
    db, dbl = run["db"], run["dbl"]
    assert minio.keys("warehouse", "%s.db/managed_drop/" % db) == []
    assert minio.keys("warehouse", "custom/%s/in_located/" % dbl) == []


def test_thousand_partitions_and_pruning(run, thrift, metastore, tag):
    """One INSERT writes 1,000 partitions (on a file:// database); a query
    on one of them is served by get_partitions_by_filter, with no call
    listing every partition."""
    tag("Spark", SPARK_VERSION, CATALOG,
        "INSERT of %d dynamic partitions on file:// (%.0f s); a one-partition query pruned by "
        "get_partitions_by_filter" % (WIDE_PARTS, run["build"]["wide_insert_seconds"]), log())
    wide_db = run["wide_db"]
    assert errors(run, "wide") == []
    d = thrift.get_database(wide_db)
    assert d.locationUri == run["wide_db_location"]
    t = thrift.get_table(wide_db, "wide")
    assert t.tableType == "MANAGED_TABLE" and t.sd.location == d.locationUri + "/wide"
    names = thrift.get_partition_names(wide_db, "wide", -1)
    assert len(names) == WIDE_PARTS
    assert sorted(names) == sorted("k=%d" % i for i in range(WIDE_PARTS))
    assert run["check"]["wide_partitions"] == WIDE_PARTS
    p = thrift.get_partition(wide_db, "wide", [str(WIDE_KEY)])
    assert p.sd.location == "%s/k=%d" % (t.sd.location, WIDE_KEY)
    table_dir = t.sd.location[len("file:"):]
    assert len([d for d in os.listdir(table_dir) if d.startswith("k=")]) == WIDE_PARTS
    assert any(f.startswith("part-") for f in os.listdir("%s/k=%d" % (table_dir, WIDE_KEY)))
    assert run["after"]["pruned"] == [[WIDE_KEY * 10, WIDE_KEY]]
    calls = run["calls_during_query"]
    assert calls["get_partitions_by_filter"] >= 1, calls
    assert {m: calls[m] for m in FULL_LISTINGS} == {m: 0 for m in FULL_LISTINGS}, calls


def test_timings(run, tag, record_property):
    tag("Spark", SPARK_VERSION, CATALOG, "timings of the three Spark SQL jobs", log())
    for k in ("build_job_seconds", "check_job_seconds", "after_job_seconds"):
        record_property(k, run[k])
    record_property("wide_insert_seconds", run["build"]["wide_insert_seconds"])
    record_property("load_average_before", run["load_before"])
    print("spark-sql timings (load average %.1f): build %.0f s (statements %.0f s, "
          "%d-partition insert %.0f s), check %.0f s, after %.0f s" % (
              run["load_before"], run["build_job_seconds"], run["build"]["seconds"], WIDE_PARTS,
              run["build"]["wide_insert_seconds"], run["check_job_seconds"],
              run["after_job_seconds"]))
