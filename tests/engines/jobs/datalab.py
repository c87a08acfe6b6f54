"""Data lab jobs: DataFrames saved as tables (parquet and Delta) on s3a://."""
from pyspark.sql import Row


def people(spark, n):
    return spark.createDataFrame([Row(id=i, name="p%d" % i, score=i * 1.5) for i in range(n)])


def save_all_modes(spark, db, location):
    """saveAsTable in every save mode, for parquet and Delta; returns what
    each mode left behind, read in this session only to report errors."""
    spark.sql("CREATE DATABASE IF NOT EXISTS %s LOCATION '%s'" % (db, location))
    out = {}
    for fmt in ("parquet", "delta"):
        t = "%s.people_%s" % (db, fmt)
        people(spark, 10).write.format(fmt).mode("error").saveAsTable(t)
        try:
            people(spark, 3).write.format(fmt).mode("error").saveAsTable(t)
            out[fmt + "_error_mode"] = "no error"
        except Exception as e:  # AnalysisException: table exists
            out[fmt + "_error_mode"] = type(e).__name__
        people(spark, 5).write.format(fmt).mode("ignore").saveAsTable(t)       # no change
        people(spark, 7).write.format(fmt).mode("append").saveAsTable(t)       # 17 rows
        people(spark, 4).write.format(fmt).mode("overwrite").saveAsTable(t + "_ow")
        people(spark, 6).write.format(fmt).mode("overwrite").saveAsTable(t + "_ow")  # 6 rows
    return out


def read_back(spark, db):
    out = {"tables": sorted(r.tableName for r in spark.sql("SHOW TABLES IN %s" % db).collect())}
    for fmt in ("parquet", "delta"):
        for t in ("people_%s" % fmt, "people_%s_ow" % fmt):
            df = spark.table("%s.%s" % (db, t))
            out[t] = {"count": df.count(), "sum": df.groupBy().sum("id").collect()[0][0]}
            desc = spark.sql("DESCRIBE EXTENDED %s.%s" % (db, t)).collect()
            info = {r.col_name: r.data_type for r in desc}
            out[t]["provider"] = info.get("Provider")
            out[t]["location"] = info.get("Location")
            out[t]["type"] = info.get("Type")
    return out
