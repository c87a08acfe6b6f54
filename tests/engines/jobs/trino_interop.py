"""Spark's side of the Trino tests: tables Spark writes for Trino to read,
and a new Spark process reading what Trino wrote.

Catalogs (see test_trino.py's SPARK_CONF): spark_catalog is Spark's Hive
catalog on our Thrift port; `ice` is Iceberg's HiveCatalog on the same
port; `ice_rest` Iceberg's REST catalog on our REST port.
"""


def write_for_trino(spark, db, location):
    """A partitioned parquet data source table, a partitioned Hive ORC serde
    table and a partitioned Iceberg table, in database `db`."""
    spark.sql("CREATE DATABASE %s LOCATION '%s'" % (db, location))
    spark.sql("CREATE TABLE %s.spark_sales (id INT, amount DOUBLE, region STRING) "
              "USING parquet PARTITIONED BY (region)" % db)
    spark.sql("INSERT INTO %s.spark_sales VALUES (1, 10.5, 'eu'), (2, 20.0, 'eu'), "
              "(3, 5.25, 'us'), (4, 1.0, 'us'), (5, 3.0, 'apac')" % db)
    spark.sql("CREATE TABLE %s.spark_orc (id INT, name STRING) PARTITIONED BY (ds STRING) "
              "STORED AS ORC" % db)
    spark.sql("INSERT INTO %s.spark_orc PARTITION (ds) VALUES (1, 'a', '2024-01-01'), "
              "(2, 'b', '2024-01-01'), (3, 'c', '2024-01-02')" % db)
    spark.sql("CREATE TABLE ice.%s.spark_events (id BIGINT, ts TIMESTAMP, kind STRING) "
              "USING iceberg PARTITIONED BY (days(ts))" % db)
    spark.sql("INSERT INTO ice.%s.spark_events VALUES "
              "(1, TIMESTAMP '2024-03-01 10:00:00', 'click'), "
              "(2, TIMESTAMP '2024-03-01 11:00:00', 'view'), "
              "(3, TIMESTAMP '2024-03-02 09:30:00', 'click')" % db)
    spark.sql("INSERT INTO ice.%s.spark_events VALUES "
              "(4, TIMESTAMP '2024-03-03 08:00:00', 'buy')" % db)
    return {"snapshots": spark.sql("SELECT count(*) AS n FROM ice.%s.spark_events.snapshots"
                                   % db).collect()[0].n}


def _summary(df, key):
    rows = df.collect()
    return {"count": len(rows), "sum": sum(getattr(r, key) for r in rows)}


def read_trino_tables(spark, db):
    """What Trino wrote, read by this (new) Spark process."""
    out = {}
    out["tables"] = sorted(r.tableName for r in spark.sql("SHOW TABLES IN %s" % db).collect())
    out["trino_orc"] = _summary(spark.table("%s.trino_orc" % db), "qty")
    out["trino_orc_by_ds"] = {r.ds: r.n for r in spark.sql(
        "SELECT ds, count(*) AS n FROM %s.trino_orc GROUP BY ds" % db).collect()}
    out["trino_orc_partitions"] = sorted(r.partition for r in spark.sql(
        "SHOW PARTITIONS %s.trino_orc" % db).collect())
    out["trino_parquet"] = _summary(spark.table("%s.trino_parquet" % db), "id")
    out["trino_parquet_null_tags"] = spark.sql(
        "SELECT count(*) AS n FROM %s.trino_parquet WHERE tag IS NULL" % db).collect()[0].n
    for cat, t in (("ice", "trino_events"), ("ice_rest", "trino_rest_events")):
        out[t] = _summary(spark.table("%s.%s.%s" % (cat, db, t)), "id")
        out[t + "_snapshots"] = [r.operation for r in spark.sql(
            "SELECT operation FROM %s.%s.%s.snapshots ORDER BY committed_at" % (cat, db, t)
        ).collect()]
        out[t + "_partitions"] = spark.sql(
            "SELECT count(*) AS n FROM %s.%s.%s.partitions" % (cat, db, t)).collect()[0].n
    return out
