"""run.py JOB OUT ARGS CONF: one PySpark job in its own process.

JOB is <module>:<function> of this folder; the function is called as
function(spark, **ARGS) with a SparkSession built from CONF (a JSON object
of Spark settings) and must return something JSON can write, which goes
to the file OUT. A new process per job means a new JVM and SparkSession:
what the job reads comes from the metastore and the object store, never
from an earlier job's caches.
"""
import importlib
import json
import os
import sys


def main(argv):
    job, out, args, conf = argv[1], argv[2], json.loads(argv[3]), json.loads(argv[4])
    module, function = job.split(":")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    fn = getattr(importlib.import_module(module), function)
    from pyspark.sql import SparkSession
    b = SparkSession.builder.appName(job)
    for k, v in conf.items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    try:
        result = fn(spark, **args)
    finally:
        spark.stop()
    with open(out, "w") as f:
        json.dump(result, f, default=str)


if __name__ == "__main__":
    main(sys.argv)
