"""spark_iceberg.py: how the Iceberg-on-Spark tests reach our two doors.

Owns the Spark catalog settings of the Iceberg tests (three catalogs over
the one metastore: Iceberg's HiveCatalog on the Thrift port with HMS locks,
the same without locks, and the REST catalog), the rows the workloads write
and where each namespace of a test lives (an s3:// prefix on MinIO or a
file:// folder under the metastore's local root). These settings are the
README's copy-paste configuration.
"""
import os

import components

ICEBERG_VERSION = "1.12.0"   # iceberg-spark-runtime-3.5_2.12 of downloads.lock

HMS = "ice_hms"              # type=hive, HMS locks (Iceberg's default)
HMS_NOLOCK = "ice_hms_nolock"  # type=hive, iceberg.engine.hive.lock-enabled=false
REST = "ice_rest"            # type=rest
CATALOGS = (HMS, HMS_NOLOCK, REST)


def catalog_conf(metastore, minio, rest_purge=True):
    """Spark settings for the three catalogs: S3FileIO (through
    ResolvingFileIO, which picks it for s3:// and Hadoop's for file://)
    with MinIO's keys; the Hive catalogs also need MinIO's endpoint,
    path-style access and region, which the REST door hands out itself."""
    conf = {
        "spark.sql.extensions":
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        "spark.sql.session.timeZone": "UTC",
    }
    for cat in CATALOGS:
        p = "spark.sql.catalog.%s" % cat
        conf[p] = "org.apache.iceberg.spark.SparkCatalog"
        if cat == REST:
            conf[p + ".type"] = "rest"
            conf[p + ".uri"] = metastore.rest_uri
            # DROP TABLE ... PURGE asks the server to purge (purgeRequested=true)
            if rest_purge:
                conf[p + ".rest-catalog-purge"] = "true"
        else:
            conf[p + ".type"] = "hive"
            conf[p + ".uri"] = metastore.thrift_uri
        if cat == HMS_NOLOCK:
            # the Hadoop setting Iceberg 1.12 reads, given to this catalog only
            conf[p + ".hadoop.iceberg.engine.hive.lock-enabled"] = "false"
        conf.update({
            p + ".io-impl": "org.apache.iceberg.io.ResolvingFileIO",
            p + ".s3.access-key-id": minio.access_key,
            p + ".s3.secret-access-key": minio.secret_key,
        })
        if cat != REST:
            # the REST door's load replies carry these for its tables
            conf.update({
                p + ".s3.endpoint": minio.endpoint,
                p + ".s3.path-style-access": "true",
                p + ".client.region": minio.region,
            })
    return conf


def s3_location(ns):
    return "s3://warehouse/%s.db" % ns


def file_location(metastore, ns):
    return "file://%s/%s.db" % (metastore.local_root, ns)


def stored_files(metastore, minio, location):
    """The files (objects) under a table location, as paths relative to it.
    Directory markers (keys ending in '/', which the metastore and S3A
    write for directories) are no files, as empty directories are not on a
    local file system."""
    loc = location.rstrip("/")
    if loc.startswith(("s3://", "s3a://")):
        bucket, _, prefix = loc.split("://", 1)[1].partition("/")
        return sorted(k[len(prefix) + 1:] for k in minio.keys(bucket, prefix + "/")
                      if not k.endswith("/"))
    path = loc[len("file:"):]
    while path.startswith("//"):
        path = path[1:]
    out = []
    for root, _, files in os.walk(path):
        for f in files:
            out.append(os.path.relpath(os.path.join(root, f), path))
    return sorted(out)


def spark_logs(*names):
    return [components.results_path("spark", n + ".log") for n in names]
