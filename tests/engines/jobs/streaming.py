"""Streaming jobs: a windowed aggregation with a watermark, written with
writeStream.toTable() into a metastore table on s3a://.

The source is a folder of JSON files (one micro-batch per file), read with
trigger(availableNow=True): the query processes what is there and stops,
so the number of batches and what each emits do not depend on timing. The
checkpoint lives on s3a:// too, so a second run resumes where the first
stopped, as a restarted production query would."""
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType, TimestampType

EVENTS = StructType([StructField("ts", TimestampType()), StructField("k", StringType())])


def window_counts(spark, db, table, source, checkpoint, location=None):
    """Run the aggregation over every file not yet seen; returns the query's
    progress per batch (input rows, rows dropped by the watermark, the
    watermark) and whether the table existed before."""
    if location:
        spark.sql("CREATE DATABASE IF NOT EXISTS %s LOCATION '%s'" % (db, location))
    existed = spark.catalog.tableExists("%s.%s" % (db, table))
    events = (spark.readStream.schema(EVENTS).option("maxFilesPerTrigger", 1)
              .json(source))
    counts = (events.withWatermark("ts", "30 seconds")
              .groupBy(F.window("ts", "1 minute"), "k")
              .agg(F.count("*").alias("n"))
              .select(F.col("window.start").alias("window_start"),
                      F.col("window.end").alias("window_end"), "k", "n"))
    q = (counts.writeStream.outputMode("append").format("parquet")
         .option("checkpointLocation", checkpoint)
         .trigger(availableNow=True)
         .toTable("%s.%s" % (db, table)))
    q.awaitTermination(600)
    if q.exception() is not None:
        raise RuntimeError(str(q.exception()))
    batches = []
    for p in q.recentProgress:
        state = p.get("stateOperators") or [{}]
        batches.append({
            "batch": p["batchId"],
            "input_rows": p["numInputRows"],
            "dropped_by_watermark": state[0].get("numRowsDroppedByWatermark", 0),
            "state_rows": state[0].get("numRowsTotal", 0),
            "watermark": (p.get("eventTime") or {}).get("watermark"),
            "sink_rows": (p.get("sink") or {}).get("numOutputRows"),
        })
    return {"existed": existed, "batches": batches}
