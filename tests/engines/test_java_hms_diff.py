"""The same calls to the Java Hive Metastore and to ours, replies compared.

One Java metastore (java_hms.py: Hive 4.0.1 on the suite's PostgreSQL) and
the suite's own metastore receive the same writes through our generated
Python Thrift client: databases with parameters and owners, unicode names
and comments, long parameters, tables with full storage descriptors,
skewed info, bucket and sort columns, views, external and managed tables,
a partitioned table with a few hundred partitions, column statistics of
several types, functions with resources. Then every read of READS goes to
both and the replies are compared field by field, after NORMALISE (ids,
times and the servers' own location roots) and KNOWN (differences the
README lists as deliberate, with the reason). ERRORS are bad calls that must
raise the same exception type on both; message differences are printed.

All names start with 'jdiff_', so what other tests keep in the shared
metastore stays out of the comparison.
"""
import re

import pytest

import java_hms
from hive_metastore.ttypes import (BinaryColumnStatsData, BooleanColumnStatsData,
                                   ColumnStatistics, ColumnStatisticsData,
                                   ColumnStatisticsDesc, ColumnStatisticsObj, Database, Date,
                                   DateColumnStatsData, Decimal, DecimalColumnStatsData,
                                   DoubleColumnStatsData, FieldSchema, Function,
                                   GetTableRequest, GetTablesRequest, LongColumnStatsData,
                                   Order, Partition, PartitionsStatsRequest, PrincipalType,
                                   ResourceType, ResourceUri, SerDeInfo, SkewedInfo,
                                   StorageDescriptor, StringColumnStatsData, Table,
                                   TableStatsRequest)

P = "jdiff_"
DB = P + "db"
DB2 = P + "unicode"
LONG = "x" * 5000    # table parameters (the Java schema: text)
LONG_DB = "y" * 4000  # database parameters (the Java schema: varchar(4000))
PARTS = 240            # ds x hr partitions of the partitioned table

PARQUET = ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
           "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
           "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
ORC = ("org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
       "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
       "org.apache.hadoop.hive.ql.io.orc.OrcSerde")
COLS = [FieldSchema("id", "bigint", "the id"), FieldSchema("name", "string", "n\u00e4me"),
        FieldSchema("price", "decimal(10,2)", None), FieldSchema("ok", "boolean", None),
        FieldSchema("score", "double", None), FieldSchema("day", "date", None),
        FieldSchema("blob", "binary", None),
        FieldSchema("tags", "array<string>", None),
        FieldSchema("attrs", "map<string,struct<a:int,b:string>>", None)]
KEYS = [FieldSchema("ds", "string", "day"), FieldSchema("hr", "int", None)]


# ---------------------------------------------------------------------------
# normalising replies (data: a rule per field name, one per parameter key)
# ---------------------------------------------------------------------------

TIME = "<time>"
FIELD_RULES = {
    "createTime": TIME, "lastAccessTime": TIME, "lastAnalyzed": TIME,
    "id": "<id>", "writeId": None, "txnId": None, "catName": "hive", "catalogName": "hive",
    "location": "location", "locationUri": "location", "managedLocationUri": "location",
}
PARAM_RULES = {"transient_lastDdlTime": TIME}


def plain(value):
    """A Thrift reply as dicts, lists and scalars."""
    if hasattr(value, "thrift_spec"):
        return {k: plain(v) for k, v in vars(value).items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    return value


def normalise(value, roots):
    """Apply FIELD_RULES and PARAM_RULES; strip the server's location roots."""
    if isinstance(value, list):
        return [normalise(v, roots) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        rule = FIELD_RULES.get(k, "keep") if isinstance(k, str) else "keep"
        if k == "parameters" and isinstance(v, dict):
            v = {pk: PARAM_RULES.get(pk, pv) for pk, pv in v.items()}
        if rule == "location":
            v = relative(v, roots)
        elif rule != "keep":
            v = rule if v is not None else None
        out[k] = normalise(v, roots)
    return out


def relative(loc, roots):
    if not loc:
        return loc
    loc = re.sub(r"^file:///", "file:/", loc)
    for r in roots:
        r = r.rstrip("/")
        if loc == r or loc.startswith(r + "/"):
            return "<root>/" + loc[len(r):].lstrip("/")
    return loc


def differences(a, b, path="$"):
    """Paths where a (Java) and b (ours) differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            out += differences(a.get(k), b.get(k), "%s.%s" % (path, k))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, "%s[%d]" % (path, i))
        return out
    return [] if a == b else [(path, a, b)]


# Differences listed in the README ("Differences from the Java metastore"):
# (call name regex, path regex) -> why it is deliberate.
TRANSLATED = r"tableType|parameters\.(EXTERNAL|TRANSLATED_TO_EXTERNAL|external\.table\.purge)$"
KNOWN = {
    # Hive 4's MetastoreDefaultTransformer stores a non-ACID MANAGED_TABLE from a
    # client without capabilities as EXTERNAL_TABLE with TRANSLATED_TO_EXTERNAL
    # and external.table.purge; we keep the type the client gave.
    (r"^get_table|^get_table_meta", TRANSLATED): "managed tables kept managed",
    # Hive 4 (direct SQL) reads % and _ in a partition filter's LIKE as SQL
    # wildcards; we read the pattern as a Java regular expression, as the JDO
    # path and Hive's documentation do.
    (r"^get_partitions_by_filter .*like", r"^\$$"): "LIKE pattern syntax",
}


def unexplained(name, diffs):
    return [d for d in diffs
            if not any(re.search(c, name) and re.search(p, d[0]) for c, p in KNOWN)]


# ---------------------------------------------------------------------------
# the corpus, written to both servers
# ---------------------------------------------------------------------------

def sd(cols, fmt, location=None, **kw):
    return StorageDescriptor(cols=cols, location=location, inputFormat=fmt[0],
                             outputFormat=fmt[1], compressed=False,
                             numBuckets=kw.get("buckets", -1),
                             serdeInfo=SerDeInfo(name=None, serializationLib=fmt[2],
                                                 parameters={"serialization.format": "1"}),
                             bucketCols=kw.get("bucket_cols", []),
                             sortCols=kw.get("sort_cols", []),
                             parameters=kw.get("params", {}),
                             skewedInfo=kw.get("skewed"),
                             storedAsSubDirectories=kw.get("subdirs", False))


def table(db, name, cols, fmt, ttype="MANAGED_TABLE", keys=(), params=None, **kw):
    params = dict(params or {})
    if ttype == "EXTERNAL_TABLE":
        params["EXTERNAL"] = "TRUE"
    return Table(tableName=name, dbName=db, owner="alice", ownerType=PrincipalType.USER,
                 sd=sd(cols, fmt, **kw), partitionKeys=list(keys), parameters=params,
                 tableType=ttype, retention=0)


def stats_obj(name, type_, **data):
    return ColumnStatisticsObj(colName=name, colType=type_,
                               statsData=ColumnStatisticsData(**data))


STATS = [
    stats_obj("id", "bigint", longStats=LongColumnStatsData(
        lowValue=-5, highValue=1 << 40, numNulls=3, numDVs=1000)),
    stats_obj("name", "string", stringStats=StringColumnStatsData(
        maxColLen=40, avgColLen=12.5, numNulls=0, numDVs=900)),
    stats_obj("price", "decimal(10,2)", decimalStats=DecimalColumnStatsData(
        lowValue=Decimal(scale=2, unscaled=b"\x01"), highValue=Decimal(scale=2, unscaled=b"\x27\x0f"),
        numNulls=1, numDVs=20)),
    stats_obj("ok", "boolean", booleanStats=BooleanColumnStatsData(
        numTrues=10, numFalses=5, numNulls=2)),
    stats_obj("score", "double", doubleStats=DoubleColumnStatsData(
        lowValue=-1.5, highValue=99.25, numNulls=0, numDVs=77)),
    stats_obj("day", "date", dateStats=DateColumnStatsData(
        lowValue=Date(18000), highValue=Date(19000), numNulls=0, numDVs=300)),
    stats_obj("blob", "binary", binaryStats=BinaryColumnStatsData(
        maxColLen=100, avgColLen=33.0, numNulls=4)),
]


def populate(c, ext_root):
    """The same writes to one server; ext_root: its root for explicit locations."""
    c.create_database(Database(name=DB, description="the diff corpus",
                               parameters={"team": "data", "long": LONG_DB, "k=v": "a,b;c"},
                               ownerName="alice", ownerType=PrincipalType.USER))
    c.create_database(Database(name=DB2, description="\u65e5\u672c\u8a9e \u2603",
                               parameters={"\u00fcber": "\u00e9t\u00e9"}, ownerName="admins",
                               ownerType=PrincipalType.ROLE))
    c.create_table(table(DB, "plain", COLS, PARQUET, params={"comment": "pl\u00e4in",
                                                             "long": LONG}))
    c.create_table(table(DB, "bucketed", COLS[:3], ORC, buckets=8, bucket_cols=["id"],
                         sort_cols=[Order("id", 1), Order("name", 0)],
                         params={"orc.compress": "ZLIB"}))
    skew = SkewedInfo(skewedColNames=["name"], skewedColValues=[["a"], ["b"]],
                      skewedColValueLocationMaps={})
    c.create_table(table(DB, "skewed", COLS[:2], ORC, skewed=skew))
    c.create_table(table(DB, "ext", COLS[:2], PARQUET, ttype="EXTERNAL_TABLE",
                         location=ext_root + "/ext_tbl"))
    c.create_table(Table(tableName="v", dbName=DB, owner="alice", ownerType=PrincipalType.USER,
                         sd=sd([FieldSchema("id", "bigint", None)], (None, None, None)),
                         partitionKeys=[], parameters={}, tableType="VIRTUAL_VIEW",
                         viewOriginalText="select id from plain",
                         viewExpandedText="select `plain`.`id` from `%s`.`plain`" % DB))
    c.create_table(table(DB2, "t_unicode", COLS[:2], PARQUET))
    c.create_table(table(DB, "parted", COLS[:4], PARQUET, keys=KEYS))
    t = c.get_table_req(GetTableRequest(dbName=DB, tblName="parted")).table
    parts = []
    for i in range(PARTS):
        vals = ["2024-01-%02d" % (i // 24 + 1), str(i % 24)]
        s = sd(t.sd.cols, PARQUET)
        s.location = None
        parts.append(Partition(values=vals, dbName=DB, tableName="parted", sd=s,
                               parameters={"n": str(i)}))
    c.add_partitions(parts)
    c.update_table_column_statistics(ColumnStatistics(
        statsDesc=ColumnStatisticsDesc(isTblLevel=True, dbName=DB, tableName="plain"),
        statsObj=STATS, engine="hive"))
    c.update_partition_column_statistics(ColumnStatistics(
        statsDesc=ColumnStatisticsDesc(isTblLevel=False, dbName=DB, tableName="parted",
                                       partName="ds=2024-01-01/hr=3"),
        statsObj=STATS[:4], engine="hive"))
    for name, res in (("upper", [ResourceUri(ResourceType.JAR, "file:///udfs/u.jar")]),
                      ("lower", [ResourceUri(ResourceType.JAR, "file:///udfs/l.jar"),
                                 ResourceUri(ResourceType.FILE, "file:///udfs/f.txt"),
                                 ResourceUri(ResourceType.ARCHIVE, "file:///udfs/a.zip")]),
                      ("bare", [])):
        c.create_function(Function(functionName=name, dbName=DB,
                                   className="com.example.udf." + name.title(),
                                   ownerName="alice", ownerType=PrincipalType.USER,
                                   createTime=0, functionType=1, resourceUris=res))


# ---------------------------------------------------------------------------
# the reads and the bad calls
# ---------------------------------------------------------------------------

def mine(names):
    return sorted(n for n in names if n.startswith(P) or n == "default")


FILTERS = ['ds = "2024-01-02"', 'ds > "2024-01-05"', 'hr = 3', 'hr < 2 and ds = "2024-01-01"',
           'ds = "2024-01-03" or hr = 23', 'hr >= 20', 'ds like "2024-01-0%"',
           'hr <> 5 and ds <= "2024-01-01"', 'ds between "2024-01-02" and "2024-01-03"',
           'ds = "nope"']

READS = [
    ("get_database", lambda c: c.get_database(DB)),
    ("get_database unicode", lambda c: c.get_database(DB2)),
    ("get_database default", lambda c: c.get_database("default")),
    ("get_all_databases", lambda c: mine(c.get_all_databases())),
    ("get_databases pattern", lambda c: c.get_databases(P + "*")),
] + [("get_table_req " + t, (lambda t: lambda c: c.get_table_req(
        GetTableRequest(dbName=DB, tblName=t)))(t))
     for t in ("plain", "bucketed", "skewed", "ext", "v", "parted")] + [
    ("get_table_req unicode", lambda c: c.get_table_req(
        GetTableRequest(dbName=DB2, tblName="t_unicode"))),
    # both sorted: Java answers in request order, we in name order (README)
    ("get_table_objects_by_name_req", lambda c: sorted(c.get_table_objects_by_name_req(
        GetTablesRequest(dbName=DB, tblNames=["plain", "v", "parted", "missing"])).tables,
        key=lambda t: t.tableName)),
    ("get_tables", lambda c: sorted(c.get_tables(DB, "*"))),
    ("get_tables pattern", lambda c: sorted(c.get_tables(DB, "p*|v"))),
    ("get_all_tables", lambda c: sorted(c.get_all_tables(DB))),
    ("get_table_meta", lambda c: sorted(c.get_table_meta(P + "*", "*", []),
                                        key=lambda m: (m.dbName, m.tableName))),
    ("get_fields", lambda c: c.get_fields(DB, "plain")),
    ("get_schema", lambda c: c.get_schema(DB, "parted")),
    ("get_partitions", lambda c: c.get_partitions(DB, "parted", -1)),
    ("get_partitions max", lambda c: c.get_partitions(DB, "parted", 7)),
    ("get_partition_names", lambda c: c.get_partition_names(DB, "parted", -1)),
    ("get_partition", lambda c: c.get_partition(DB, "parted", ["2024-01-02", "5"])),
    ("get_partitions_by_names", lambda c: c.get_partitions_by_names(
        DB, "parted", ["ds=2024-01-01/hr=1", "ds=2024-01-09/hr=0", "ds=x/hr=1"])),
    ("get_partitions_ps_with_auth", lambda c: c.get_partitions_ps_with_auth(
        DB, "parted", ["2024-01-03"], -1, "alice", ["g"])),
    ("get_partition_names_ps", lambda c: c.get_partition_names_ps(DB, "parted", ["", "7"], -1)),
] + [("get_partitions_by_filter %s" % f, (lambda f: lambda c: c.get_partitions_by_filter(
        DB, "parted", f, -1))(f)) for f in FILTERS] + [
    ("get_table_column_statistics", lambda c: [c.get_table_column_statistics(DB, "plain", o.colName)
                                               for o in STATS]),
    # both sorted: Java answers in column name order, we in request order (README)
    ("get_table_statistics_req", lambda c: sorted(c.get_table_statistics_req(TableStatsRequest(
        dbName=DB, tblName="plain", colNames=[o.colName for o in STATS],
        engine="hive")).tableStats, key=lambda o: o.colName)),
    ("get_partition_column_statistics", lambda c: c.get_partition_column_statistics(
        DB, "parted", "ds=2024-01-01/hr=3", "id")),
    ("get_partitions_statistics_req", lambda c: c.get_partitions_statistics_req(
        PartitionsStatsRequest(dbName=DB, tblName="parted", colNames=["id", "name", "ok"],
                               partNames=["ds=2024-01-01/hr=3", "ds=2024-01-01/hr=4"],
                               engine="hive"))),
    ("get_functions", lambda c: sorted(c.get_functions(DB, "*"))),
    ("get_function", lambda c: c.get_function(DB, "lower")),
    ("get_all_functions", lambda c: sorted(
        (f for f in c.get_all_functions().functions if f.dbName.startswith(P)),
        key=lambda f: f.functionName)),
]

ERRORS = [
    ("get_database missing", lambda c: c.get_database(P + "missing")),
    ("get_table_req missing db", lambda c: c.get_table_req(
        GetTableRequest(dbName=P + "missing", tblName="t"))),
    ("get_table_req missing", lambda c: c.get_table_req(
        GetTableRequest(dbName=DB, tblName="missing"))),
    ("get_partition missing", lambda c: c.get_partition(DB, "parted", ["x", "1"])),
    ("get_partitions missing table", lambda c: c.get_partitions(DB, "missing", -1)),
    ("get_partitions_by_filter bad filter", lambda c: c.get_partitions_by_filter(
        DB, "parted", "ds = = 1", -1)),
    ("get_partitions_by_filter unknown key", lambda c: c.get_partitions_by_filter(
        DB, "parted", "nokey = 1", -1)),
    ("get_table_column_statistics missing column", lambda c: c.get_table_column_statistics(
        DB, "plain", "nocol")),
    ("get_function missing", lambda c: c.get_function(DB, "missing")),
    ("create_database exists", lambda c: c.create_database(Database(name=DB, parameters={}))),
    ("create_table exists", lambda c: c.create_table(table(DB, "plain", COLS, PARQUET))),
    ("create_table missing db", lambda c: c.create_table(table(P + "missing", "t", COLS,
                                                               PARQUET))),
    ("get_fields missing", lambda c: c.get_fields(DB, "missing")),
    # names are ASCII word characters ([\w_]+ in Java, without its Unicode flag)
    ("create_database unicode name", lambda c: c.create_database(
        Database(name=P + "\u00e9t\u00e9", parameters={}))),
    ("create_table unicode name", lambda c: c.create_table(
        table(DB, "t_\u00fcnicode", COLS, PARQUET))),
]


# Bad calls the two servers answer differently on purpose (README):
# name -> (the Java server's reply kind, ours).
KNOWN_ERRORS = {
    # Java 4.0.1 returns an empty list for a table that does not exist
    "get_partitions missing table": ("ok", "NoSuchObjectException"),
    # Java 4.0.1 returns null, which Thrift cannot send ("unknown result")
    "get_table_column_statistics missing column": ("TApplicationException",
                                                   "NoSuchObjectException"),
    # Java 4.0.1 says InvalidObjectException; we answer as Hive 3 did
    "create_table missing db": ("InvalidObjectException", "NoSuchObjectException"),
}


# ---------------------------------------------------------------------------
# fixtures and tests
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def both(pg, metastore):
    """(java client, our client, java roots, our roots), both populated."""
    j = java_hms.JavaHms(pg)
    try:
        jc, oc = j.client(), metastore.client()
        ours_ext = "file://%s/jdiff" % metastore.local_root
        for who, c, root in (("Java", jc, "file://%s/ext" % j.tmp), ("ours", oc, ours_ext)):
            try:
                populate(c, root)
            except Exception as e:  # noqa: BLE001 (Thrift exceptions are immutable)
                raise RuntimeError("populating %s: %r" % (who, e)) from None
        jroots = [j.warehouse.replace("file://", "file:") + "/", "file:%s/ext/" % j.tmp]
        oroots = [metastore.warehouse.rstrip("/") + "/",
                  ours_ext.replace("file://", "file:") + "/"]
        yield j, jc, oc, jroots, oroots
        for c in (jc, oc):
            for d in (DB, DB2):
                try:
                    c.drop_database(d, True, True)
                except Exception:  # noqa: BLE001 (best effort)
                    pass
            c.close()
    finally:
        j.stop()


def outcome(call, client):
    try:
        return "ok", plain(call(client))
    except Exception as e:  # noqa: BLE001 (the exception is the reply)
        return type(e).__name__, getattr(e, "message", str(e))


@pytest.mark.parametrize("name,call", READS, ids=[r[0] for r in READS])
def test_read(both, tag, name, call):
    j, jc, oc, jroots, oroots = both
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)", "differential " + name,
        j.log)
    jr, orr = outcome(call, jc), outcome(call, oc)
    assert jr[0] == orr[0], "Java: %s; ours: %s" % (jr, orr)
    diffs = differences(normalise(jr[1], jroots), normalise(orr[1], oroots))
    left = unexplained(name, diffs)
    assert not left, "%d differences (Java, ours):\n%s" % (
        len(left), "\n".join("%s: %r | %r" % (p, a, b) for p, a, b in left[:40]))


# Methods Hive 4 took out of its Java server ("Invalid method name"); we keep
# serving them for Hive 2 and 3 clients (README: differences table).
REMOVED_IN_JAVA = [
    ("get_table", lambda c: c.get_table(DB, "plain")),
]


@pytest.mark.parametrize("name,call", REMOVED_IN_JAVA, ids=[r[0] for r in REMOVED_IN_JAVA])
def test_removed_in_java(both, tag, name, call):
    j, jc, oc, _, _ = both
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)", "differential removed " + name,
        j.log)
    jr, orr = outcome(call, jc), outcome(call, oc)
    assert jr[0] == "TApplicationException" and "Invalid method name" in jr[1], jr
    assert orr[0] == "ok", orr


@pytest.mark.parametrize("name,call", ERRORS, ids=[e[0] for e in ERRORS])
def test_error(both, tag, name, call):
    j, jc, oc, _, _ = both
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)", "differential error " + name,
        j.log)
    jr, orr = outcome(call, jc), outcome(call, oc)
    if name in KNOWN_ERRORS:
        assert (jr[0], orr[0]) == KNOWN_ERRORS[name], "Java: %s; ours: %s" % (jr, orr)
        return
    assert jr[0] != "ok", "the Java metastore accepted it: %r" % (jr,)
    if jr[1] != orr[1]:
        print("message differs: Java %r, ours %r" % (jr[1], orr[1]))
    assert jr[0] == orr[0], "Java: %s; ours: %s" % (jr, orr)
