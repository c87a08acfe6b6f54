"""Data lab: Spark + MinIO + metastore + Delta Lake.

DataFrames saved with saveAsTable as parquet and as Delta in every save
mode, read back by a new Spark process, checked with DESCRIBE EXTENDED and
SHOW TABLES, and what the metastore stored checked through our client."""
import components
from components import SPARK_VERSION
from servers import unique

DELTA_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}


def test_save_modes_parquet_and_delta(spark, thrift, minio, tag):
    db = unique("datalab")
    loc = "s3a://warehouse/%s.db" % db
    tag("Spark", SPARK_VERSION, "hive (Thrift)",
        "saveAsTable parquet and Delta in every mode on s3a://",
        components.results_path("spark", "datalab.log"))
    wrote = spark.run("datalab:save_all_modes", {"db": db, "location": loc}, DELTA_CONF,
                      log_name="datalab")
    assert wrote == {"parquet_error_mode": "AnalysisException",
                     "delta_error_mode": "AnalysisException"}
    got = spark.run("datalab:read_back", {"db": db}, DELTA_CONF, log_name="datalab")
    assert got["tables"] == ["people_delta", "people_delta_ow",
                             "people_parquet", "people_parquet_ow"]
    for fmt in ("parquet", "delta"):
        assert got["people_%s" % fmt]["count"] == 17
        assert got["people_%s" % fmt]["sum"] == sum(range(10)) + sum(range(7))
        assert got["people_%s_ow" % fmt]["count"] == 6
        assert got["people_%s" % fmt]["provider"] == fmt
        assert got["people_%s" % fmt]["location"] == "%s/people_%s" % (loc, fmt)
        assert got["people_%s" % fmt]["type"] == "MANAGED"

    # what the metastore stored, through our own client
    d = thrift.get_database(db)
    assert d.locationUri == loc
    assert sorted(thrift.get_all_tables(db)) == got["tables"]
    for fmt in ("parquet", "delta"):
        t = thrift.get_table(db, "people_%s" % fmt)
        assert t.tableType == "MANAGED_TABLE"
        assert t.parameters.get("spark.sql.sources.provider") == fmt
        assert t.sd.location == "%s/people_%s" % (loc, fmt) or \
            t.sd.parameters.get("path") == "%s/people_%s" % (loc, fmt)
    # the data is in MinIO
    keys = minio.keys("warehouse", "%s.db/" % db)
    assert any(k.startswith("%s.db/people_delta/_delta_log/" % db) for k in keys)
    assert any(k.startswith("%s.db/people_parquet/part-" % db) for k in keys)
