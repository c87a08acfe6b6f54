"""Streaming into a metastore table, queried through a HiveServer2 door.

A structured-streaming windowed count with a watermark is written with
writeStream.toTable() into a table on s3a:// over several micro-batches,
in two runs (two Spark processes resuming one s3a:// checkpoint); then
beeline runs SHOW TABLES and SELECT count(*) through Spark's Thrift JDBC
server (HiveThriftServer2: Kyuubi's server is not on Maven Central, see
thriftserver.py), a third JVM that knows the table only through our
metastore. What our server stored is checked through our own client."""
import json

import pytest

import components
import thriftserver
from components import SPARK_VERSION
from servers import unique

UTC = {"spark.sql.session.timeZone": "UTC"}
# the aggregation's state: two partitions (fixed in the checkpoint)
STREAM_CONF = dict(UTC, **{"spark.sql.shuffle.partitions": "2"})

# One file per micro-batch (maxFilesPerTrigger=1). Window 1 minute,
# watermark 30 s behind the largest event time seen.
RUN1 = [
    [("10:00:05", "a"), ("10:00:10", "a"), ("10:00:20", "b")],   # watermark -> 09:59:50
    [("10:01:05", "a"), ("10:00:50", "b")],                     # late b, still accepted
    [("10:02:40", "a")],                                        # watermark -> 10:02:10
]
RUN2 = [
    [("10:00:30", "c"), ("10:02:50", "b")],                     # c is behind the watermark
    [("10:05:00", "z")],                                        # watermark -> 10:04:30
]
# what append mode emits once the watermark passes each window's end
EMITTED = [
    ("2025-01-01 10:00:00", "2025-01-01 10:01:00", "a", 2),
    ("2025-01-01 10:00:00", "2025-01-01 10:01:00", "b", 2),
    ("2025-01-01 10:01:00", "2025-01-01 10:02:00", "a", 1),
    ("2025-01-01 10:02:00", "2025-01-01 10:03:00", "a", 1),
    ("2025-01-01 10:02:00", "2025-01-01 10:03:00", "b", 1),
]


@pytest.fixture(scope="module")
def sts(spark):
    """Spark's Thrift JDBC server, started (not yet waited for) per module."""
    components.opted_out("thriftserver")
    s = thriftserver.ThriftServer(spark, UTC).start()
    yield s
    s.stop()


def put_events(minio, bucket, prefix, start, files):
    c = minio.client()
    for i, events in enumerate(files, start):
        body = "".join(json.dumps({"ts": "2025-01-01T%sZ" % t, "k": k}) + "\n" for t, k in events)
        c.put_object(Bucket=bucket, Key="%s/events-%02d.json" % (prefix, i), Body=body.encode())


def csv_rows(text):
    """beeline csv2 output: [header, rows...] of every result set, flattened."""
    return [line.split(",") for line in text.splitlines() if line.strip()]


def test_windowed_stream_to_table_then_beeline(spark, sts, thrift, minio, metastore, tag):
    db = unique("stream")
    table = "clicks_per_minute"
    loc = "s3a://warehouse/%s.db" % db
    minio.make_bucket("streams")
    source = "s3a://streams/%s/in" % db
    checkpoint = "s3a://streams/%s/checkpoint" % db
    tag("Spark", SPARK_VERSION, "hive (Thrift) + HiveServer2 (Spark Thrift server, beeline)",
        "structured streaming window+watermark toTable() on s3a://, beeline SHOW TABLES/count(*)",
        components.results_path("spark", "streaming.log"), sts.log, sts.beeline_log)

    put_events(minio, "streams", "%s/in" % db, 1, RUN1)
    args = {"db": db, "table": table, "source": source, "checkpoint": checkpoint}
    run1 = spark.run("streaming:window_counts", dict(args, location=loc), STREAM_CONF,
                     log_name="streaming")
    put_events(minio, "streams", "%s/in" % db, 1 + len(RUN1), RUN2)
    run2 = spark.run("streaming:window_counts", args, STREAM_CONF, log_name="streaming")

    # the micro-batches: one per file, then one without data that emits the
    # windows the last watermark closed; the second run resumes at batch 4
    def seen(run):
        return [(b["batch"], b["input_rows"], b["dropped_by_watermark"], b["watermark"])
                for b in run["batches"]]
    assert run1["existed"] is False and run2["existed"] is True
    assert seen(run1) == [(0, 3, 0, "1970-01-01T00:00:00.000Z"),
                          (1, 2, 0, "2025-01-01T09:59:50.000Z"),
                          (2, 1, 0, "2025-01-01T10:00:35.000Z"),
                          (3, 0, 0, "2025-01-01T10:02:10.000Z")]
    assert seen(run2) == [(4, 2, 1, "2025-01-01T10:02:10.000Z"),   # the late c dropped
                          (5, 1, 0, "2025-01-01T10:02:20.000Z"),
                          (6, 0, 0, "2025-01-01T10:04:30.000Z")]
    assert run2["batches"][-1]["state_rows"] == 1  # z's window, still open

    # through the HiveServer2 door (a new JVM: the table comes from our metastore)
    sts.wait_ready()
    out = sts.beeline("SHOW TABLES IN %s; SELECT count(*) AS n, sum(n) AS events FROM %s.%s;"
                      "SELECT date_format(window_start, 'yyyy-MM-dd HH:mm:ss'), "
                      "date_format(window_end, 'yyyy-MM-dd HH:mm:ss'), k, n FROM %s.%s "
                      "ORDER BY window_start, k" % (db, db, table, db, table))
    rows = csv_rows(out)
    assert rows[0] == ["namespace", "tableName", "isTemporary"]
    assert rows[1] == [db, table, "false"]
    assert rows[2] == ["n", "events"]
    assert rows[3] == [str(len(EMITTED)), str(sum(e[3] for e in EMITTED))]
    assert [tuple(r[:3]) + (int(r[3]),) for r in rows[5:]] == EMITTED

    # what our server stored
    t = thrift.get_table(db, table)
    assert t.tableType == "MANAGED_TABLE"
    assert t.sd.location == "%s/%s" % (loc, table)
    assert t.parameters["spark.sql.sources.provider"] == "parquet"
    assert t.parameters["spark.sql.create.version"] == SPARK_VERSION
    assert [(c.name, c.type) for c in t.sd.cols] == [
        ("window_start", "timestamp"), ("window_end", "timestamp"), ("k", "string"), ("n", "bigint")]
    assert t.sd.serdeInfo.serializationLib == \
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    assert t.partitionKeys == []
    assert thrift.get_partition_names(db, table, -1) == []
    # the file sink's own log and data files are under the stored location
    keys = minio.keys("warehouse", "%s.db/%s/" % (db, table))
    assert any(k.startswith("%s.db/%s/_spark_metadata/" % (db, table)) for k in keys)
    assert any(k.endswith(".parquet") for k in keys)
    assert minio.keys("streams", "%s/checkpoint/commits/" % db)
