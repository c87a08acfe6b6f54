"""Spark's side of test_vended.py: Iceberg's REST catalog with
header.X-Iceberg-Access-Delegation=vended-credentials and S3FileIO, the
Spark session holding no storage keys (the catalog's only secret is its
OAuth credential)."""


def write_and_read(spark, cat, ns, location):
    """Create a namespace and a table, insert twice, read back; then a
    CREATE TABLE AS SELECT (a staged create: its files are written before
    the table exists)."""
    spark.sql("CREATE NAMESPACE %s.%s LOCATION '%s'" % (cat, ns, location))
    spark.sql("CREATE TABLE %s.%s.t (id BIGINT, name STRING) USING iceberg" % (cat, ns))
    spark.sql("INSERT INTO %s.%s.t VALUES (1, 'a'), (2, 'b')" % (cat, ns))
    spark.sql("INSERT INTO %s.%s.t VALUES (3, 'c')" % (cat, ns))
    rows = spark.sql("SELECT id FROM %s.%s.t ORDER BY id" % (cat, ns)).collect()
    files = spark.sql("SELECT file_path FROM %s.%s.t.files" % (cat, ns)).collect()
    spark.sql("CREATE TABLE %s.%s.c USING iceberg AS SELECT id * 10 AS id FROM %s.%s.t"
              % (cat, ns, cat, ns))
    ctas = spark.sql("SELECT id FROM %s.%s.c ORDER BY id" % (cat, ns)).collect()
    return {"ids": [r.id for r in rows], "files": sorted(r.file_path for r in files),
            "ctas": [r.id for r in ctas]}
