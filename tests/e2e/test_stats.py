"""Column statistics against a real server and PostgreSQL, through the Python client.

Partitions are inserted with SQL (the partition API is another issue's), as
test_tables.py does.
"""
import json
import threading
import time

import pytest

from conftest import unique
from hive_metastore import ttypes
from hive_metastore.ttypes import (AggrStats, BinaryColumnStatsData, BooleanColumnStatsData,
                                   ColumnStatistics, ColumnStatisticsData, ColumnStatisticsDesc,
                                   ColumnStatisticsObj, Database, Date, DateColumnStatsData,
                                   Decimal, DecimalColumnStatsData, DoubleColumnStatsData,
                                   EnvironmentContext, FieldSchema, LongColumnStatsData,
                                   PartitionsStatsRequest, SerDeInfo, SetPartitionsStatsRequest,
                                   StorageDescriptor, StringColumnStatsData, Table,
                                   TableStatsRequest, Timestamp, TimestampColumnStatsData)

ALL_COLS = [("b", "boolean"), ("l", "bigint"), ("d", "double"), ("s", "string"),
            ("bin", "binary"), ("dec", "decimal(10,2)"), ("dt", "date"), ("ts", "timestamp")]
PARTS = [FieldSchema("ds", "string", None), FieldSchema("hr", "int", None)]


def psql(server, sql):
    return server.pg.psql(server.db, sql).stdout


def make_db(client):
    name = unique("e2e_sdb")
    client.create_database(Database(name=name, parameters={}))
    return name


def make_table(client, db, name="t", cols=ALL_COLS, parts=None, params=None):
    sd = StorageDescriptor(cols=[FieldSchema(n, t, None) for n, t in cols], location=None,
                           inputFormat="in", outputFormat="out", compressed=False, numBuckets=-1,
                           serdeInfo=SerDeInfo(serializationLib="serde", parameters={}),
                           bucketCols=[], sortCols=[], parameters={})
    client.create_table(Table(tableName=name, dbName=db, owner="alice", sd=sd,
                              partitionKeys=parts or [], parameters=params or {},
                              tableType="MANAGED_TABLE"))


def add_partition(server, db, table, name, vals, cols=None):
    arr = "ARRAY[%s]::text[]" % ", ".join("'%s'" % v for v in vals)
    cols_sql = "NULL" if cols is None else "'%s'::jsonb" % json.dumps(
        [{"name": n, "type": t} for n, t in cols])
    psql(server, "INSERT INTO ms_partitions (table_id, part_name, vals, create_time, cols) "
                 "SELECT t.table_id, '%s', %s, 0, %s FROM ms_tables t JOIN ms_databases d "
                 "USING (db_id) WHERE d.name = '%s' AND t.name = '%s'"
         % (name, arr, cols_sql, db, table))


def partitioned(server, client, names=("ds=a/hr=1", "ds=b/hr=2", "ds=c/hr=3", "ds=d/hr=4")):
    db = make_db(client)
    make_table(client, db, parts=PARTS)
    for n in names:
        add_partition(server, db, "t", n, [kv.split("=")[1] for kv in n.split("/")])
    return db


def part_params(server, db, part):
    out = psql(server, "SELECT p.params::text FROM ms_partitions p JOIN ms_tables t USING "
                       "(table_id) JOIN ms_databases d USING (db_id) WHERE d.name = '%s' "
                       "AND t.name = 't' AND p.part_name = '%s'" % (db, part)).strip()
    return json.loads(out)


def count_rows(server, table, db=None):
    where = ""
    if db is not None:
        where = (" WHERE table_id IN (SELECT t.table_id FROM ms_tables t JOIN ms_databases d "
                 "USING (db_id) WHERE d.name = '%s')" % db)
    return int(psql(server, "SELECT count(*) FROM %s%s" % (table, where)).strip())


# ---- statistics builders ----

def long_data(low=None, high=None, nulls=0, ndv=0, bv=None, hist=None):
    return ColumnStatisticsData(longStats=LongColumnStatsData(
        lowValue=low, highValue=high, numNulls=nulls, numDVs=ndv, bitVectors=bv, histogram=hist))


def double_data(low=None, high=None, nulls=0, ndv=0, bv=None, hist=None):
    return ColumnStatisticsData(doubleStats=DoubleColumnStatsData(
        lowValue=low, highValue=high, numNulls=nulls, numDVs=ndv, bitVectors=bv, histogram=hist))


def string_data(maxlen=0, avglen=0.0, nulls=0, ndv=0, bv=None):
    return ColumnStatisticsData(stringStats=StringColumnStatsData(
        maxColLen=maxlen, avgColLen=avglen, numNulls=nulls, numDVs=ndv, bitVectors=bv))


def bool_data(trues=0, falses=0, nulls=0, bv=None):
    return ColumnStatisticsData(booleanStats=BooleanColumnStatsData(
        numTrues=trues, numFalses=falses, numNulls=nulls, bitVectors=bv))


def binary_data(maxlen=0, avglen=0.0, nulls=0, bv=None):
    return ColumnStatisticsData(binaryStats=BinaryColumnStatsData(
        maxColLen=maxlen, avgColLen=avglen, numNulls=nulls, bitVectors=bv))


def dec(unscaled, scale):
    """A Decimal from an integer: big-endian two's complement, shortest form."""
    n = max(1, (unscaled.bit_length() + 8) // 8)
    return Decimal(scale=scale, unscaled=unscaled.to_bytes(n, "big", signed=True))


def dec_value(d):
    return int.from_bytes(d.unscaled, "big", signed=True), d.scale


def decimal_data(low=None, high=None, nulls=0, ndv=0, bv=None, hist=None):
    return ColumnStatisticsData(decimalStats=DecimalColumnStatsData(
        lowValue=low, highValue=high, numNulls=nulls, numDVs=ndv, bitVectors=bv, histogram=hist))


def date_data(low=None, high=None, nulls=0, ndv=0, bv=None, hist=None):
    return ColumnStatisticsData(dateStats=DateColumnStatsData(
        lowValue=None if low is None else Date(daysSinceEpoch=low),
        highValue=None if high is None else Date(daysSinceEpoch=high),
        numNulls=nulls, numDVs=ndv, bitVectors=bv, histogram=hist))


def ts_data(low=None, high=None, nulls=0, ndv=0, bv=None, hist=None):
    return ColumnStatisticsData(timestampStats=TimestampColumnStatsData(
        lowValue=None if low is None else Timestamp(secondsSinceEpoch=low),
        highValue=None if high is None else Timestamp(secondsSinceEpoch=high),
        numNulls=nulls, numDVs=ndv, bitVectors=bv, histogram=hist))


def obj(name, type_, data):
    return ColumnStatisticsObj(colName=name, colType=type_, statsData=data)


def table_stats(db, objs, table="t", engine=None, cat=None):
    cs = ColumnStatistics(statsDesc=ColumnStatisticsDesc(isTblLevel=True, dbName=db,
                                                         tableName=table, catName=cat),
                          statsObj=objs)
    if engine is not None:
        cs.engine = engine
    return cs


def part_stats(db, part, objs, table="t", engine=None):
    cs = ColumnStatistics(statsDesc=ColumnStatisticsDesc(isTblLevel=False, dbName=db,
                                                         tableName=table, partName=part),
                          statsObj=objs)
    if engine is not None:
        cs.engine = engine
    return cs


def full_objs():
    """Statistics of every type with every field set."""
    return [
        obj("b", "boolean", bool_data(trues=7, falses=3, nulls=1, bv=b"HLb")),
        obj("l", "bigint", long_data(low=-(2 ** 63), high=2 ** 63 - 1, nulls=2, ndv=99,
                                     bv=b"HL\x00\x01\xff", hist=b"KLL\x00")),
        obj("d", "double", double_data(low=-1.5e300, high=0.1, nulls=3, ndv=12, bv=b"HLd",
                                       hist=b"Kd")),
        obj("s", "string", string_data(maxlen=42, avglen=7.25, nulls=4, ndv=13, bv=b"HLs")),
        obj("bin", "binary", binary_data(maxlen=100, avglen=33.5, nulls=5, bv=b"HLbin")),
        obj("dec", "decimal(10,2)", decimal_data(low=dec(-12345, 2), high=dec(10 ** 30, 2), nulls=6,
                                                 ndv=14, bv=b"HLdec", hist=b"Kdec")),
        obj("dt", "date", date_data(low=-3, high=19000, nulls=7, ndv=15, bv=b"HLdt", hist=b"Kdt")),
        obj("ts", "timestamp", ts_data(low=0, high=1700000000, nulls=8, ndv=16, bv=b"HLts",
                                       hist=b"Kts")),
    ]


def by_name(objs):
    return {o.colName: o for o in objs}


# ---------------------------------------------------------------------------
# table level: write and read back
# ---------------------------------------------------------------------------

def test_every_type_round_trips_with_every_field(server, client):
    db = make_db(client)
    make_table(client, db)
    before = int(time.time())
    assert client.update_table_column_statistics(table_stats(db, full_objs())) is True
    after = int(time.time())

    res = client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=[n for n, _ in ALL_COLS]))
    assert res.tableStats == full_objs()

    for o in full_objs():
        got = client.get_table_column_statistics(db, "t", o.colName)
        assert got.statsObj == [o]
        d = got.statsDesc
        assert d.isTblLevel is True and d.dbName == db and d.tableName == "t"
        assert d.catName == "hive" and d.partName is None
        assert before <= d.lastAnalyzed <= after
        assert got.engine == "hive"


def test_optional_fields_left_unset_stay_unset(server, client):
    db = make_db(client)
    make_table(client, db)
    objs = [obj("l", "bigint", long_data(nulls=1, ndv=2)),
            obj("d", "double", double_data(nulls=1, ndv=2)),
            obj("dec", "decimal(10,2)", decimal_data(nulls=1, ndv=2)),
            obj("dt", "date", date_data(nulls=1, ndv=2)),
            obj("ts", "timestamp", ts_data(nulls=1, ndv=2)),
            obj("s", "string", string_data(maxlen=1, avglen=1.0)),
            obj("b", "boolean", bool_data(trues=1))]
    client.update_table_column_statistics(table_stats(db, objs))
    got = client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=["l", "d", "dec", "dt", "ts", "s", "b"])).tableStats
    assert got == objs


def test_special_doubles_and_empty_binary_round_trip(server, client):
    db = make_db(client)
    make_table(client, db)
    o = obj("d", "double", double_data(low=float("-inf"), high=float("inf"), nulls=0, ndv=1,
                                       bv=b""))
    client.update_table_column_statistics(table_stats(db, [o]))
    got = client.get_table_column_statistics(db, "t", "d").statsObj[0].statsData.doubleStats
    assert got.lowValue == float("-inf") and got.highValue == float("inf")
    assert got.bitVectors == b""
    client.update_table_column_statistics(table_stats(db, [obj("d", "double", double_data(
        low=float("nan"), nulls=0, ndv=1))]))
    got = client.get_table_column_statistics(db, "t", "d").statsObj[0].statsData.doubleStats
    assert got.lowValue != got.lowValue     # NaN


def test_overwrite_keeps_stored_optional_fields(server, client):
    # Hive writes the set fields over the stored ones (setFieldsIntoOldStats)
    db = make_db(client)
    make_table(client, db)
    client.update_table_column_statistics(table_stats(db, [obj("l", "bigint", long_data(
        low=1, high=9, nulls=2, ndv=5, bv=b"HL1"))]))
    client.update_table_column_statistics(table_stats(db, [obj("l", "bigint", long_data(
        high=20, nulls=3, ndv=6))]))
    got = client.get_table_column_statistics(db, "t", "l").statsObj[0].statsData.longStats
    assert (got.lowValue, got.highValue, got.numNulls, got.numDVs, got.bitVectors) == \
        (1, 20, 3, 6, b"HL1")
    # another kind of statistics replaces the stored ones whole
    client.update_table_column_statistics(table_stats(db, [obj("l", "bigint", double_data(
        nulls=4, ndv=7))]))
    got = client.get_table_column_statistics(db, "t", "l").statsObj[0].statsData
    assert got.longStats is None
    assert got.doubleStats == DoubleColumnStatsData(numNulls=4, numDVs=7)


def test_names_are_lower_cased_and_catalog_prefixes_honoured(server, client):
    db = make_db(client)
    make_table(client, db)
    cs = table_stats("@HIVE#" + db.upper(), [obj("L", "BIGINT", long_data(low=1, nulls=0, ndv=1))],
                     table="T")
    assert client.update_table_column_statistics(cs)
    got = client.get_table_column_statistics("@hive#" + db, "T", "L")
    assert got.statsObj[0].colName == "l" and got.statsObj[0].colType == "bigint"
    assert got.statsDesc.dbName == db and got.statsDesc.tableName == "t"
    res = client.get_table_statistics_req(TableStatsRequest(dbName=db.upper(), tblName="T",
                                                            colNames=["L"], catName="HIVE"))
    assert [o.colName for o in res.tableStats] == ["l"]
    # catName in the descriptor names the catalog
    cs = table_stats(db, [obj("s", "string", string_data(maxlen=1))], cat="hive")
    assert client.update_table_column_statistics(cs)
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.update_table_column_statistics(table_stats(db, [], cat="nocat"))
    assert e.value.message == \
        "Specified catalog.database.table does not exist : nocat.%s.t" % db


def test_column_stats_accurate_marks_written_columns(server, client):
    db = make_db(client)
    make_table(client, db, params={"COLUMN_STATS_ACCURATE": '{"BASIC_STATS":"true"}'})
    client.update_table_column_statistics(table_stats(db, [obj("s", "string", string_data()),
                                                           obj("l", "bigint", long_data())]))
    params = client.get_table(db, "t").parameters
    assert params["COLUMN_STATS_ACCURATE"] == \
        '{"BASIC_STATS":"true","COLUMN_STATS":{"l":"true","s":"true"}}'
    # an unreadable value starts over
    t = client.get_table(db, "t")
    t.parameters["COLUMN_STATS_ACCURATE"] = "garbage"
    client.alter_table(db, "t", t)
    client.update_table_column_statistics(table_stats(db, [obj("b", "boolean", bool_data())]))
    assert client.get_table(db, "t").parameters["COLUMN_STATS_ACCURATE"] == \
        '{"COLUMN_STATS":{"b":"true"}}'


def test_engines_are_kept_apart(server, client):
    db = make_db(client)
    make_table(client, db)
    client.update_table_column_statistics(table_stats(db, [obj("l", "bigint", long_data(ndv=1))]))
    client.update_table_column_statistics(
        table_stats(db, [obj("l", "bigint", long_data(ndv=2))], engine="impala"))
    req = TableStatsRequest(dbName=db, tblName="t", colNames=["l"])
    assert req.engine == "hive"
    assert client.get_table_statistics_req(req).tableStats[0].statsData.longStats.numDVs == 1
    req.engine = "impala"
    assert client.get_table_statistics_req(req).tableStats[0].statsData.longStats.numDVs == 2
    assert client.get_table_column_statistics(db, "t", "l").statsObj[0].statsData.longStats.numDVs == 1
    # delete with an engine touches that engine only
    assert client.delete_table_column_statistics(db, "t", "l", "impala")
    assert client.get_table_statistics_req(req).tableStats == []
    assert client.get_table_column_statistics(db, "t", "l")


def test_update_req_forms(server, client):
    db = make_db(client)
    make_table(client, db, parts=PARTS)
    add_partition(server, db, "t", "ds=a/hr=1", ["a", "1"])
    one = table_stats(db, [obj("l", "bigint", long_data(low=3, ndv=1))])
    res = client.update_table_column_statistics_req(SetPartitionsStatsRequest(colStats=[one]))
    assert res.result is True
    assert client.get_table_column_statistics(db, "t", "l").statsObj[0].statsData.longStats.lowValue == 3
    p = part_stats(db, "ds=a/hr=1", [obj("l", "bigint", long_data(low=4, ndv=1))])
    assert client.update_partition_column_statistics_req(
        SetPartitionsStatsRequest(colStats=[p])).result is True
    got = client.get_partition_column_statistics(db, "t", "ds=a/hr=1", "l")
    assert got.statsObj[0].statsData.longStats.lowValue == 4

    for call in (client.update_table_column_statistics_req,
                 client.update_partition_column_statistics_req):
        with pytest.raises(ttypes.InvalidInputException) as e:
            call(SetPartitionsStatsRequest(colStats=[one, one]))
        assert e.value.message == "Only one stats object expected"
        with pytest.raises(ttypes.InvalidInputException) as e:
            call(SetPartitionsStatsRequest(colStats=[]))
        assert e.value.message == "Only one stats object expected"
        with pytest.raises(ttypes.InvalidInputException) as e:
            call(SetPartitionsStatsRequest(colStats=[one], needMerge=True))
        assert e.value.message == "Merge is not supported for non-aggregate stats"


def test_update_table_errors(server, client):
    db = make_db(client)
    make_table(client, db)
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.update_table_column_statistics(table_stats(db, [], table="nope"))
    assert e.value.message == "Specified catalog.database.table does not exist : hive.%s.nope" % db
    with pytest.raises(ttypes.NoSuchObjectException):
        client.update_table_column_statistics(table_stats("no_such_db_x", [], table="t"))
    with pytest.raises(ttypes.MetaException) as e:
        client.update_table_column_statistics(table_stats(db, [
            obj("l", "bigint", long_data()), obj("zz", "int", long_data())]))
    assert e.value.message == "Column zz doesn't exist in table t in database %s" % db
    # nothing of a failed write stays
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_table_column_statistics(db, "t", "l")
    with pytest.raises(ttypes.InvalidObjectException) as e:
        client.update_table_column_statistics(table_stats(db, [
            obj("l", "bigint", ColumnStatisticsData())]))
    assert e.value.message == "Invalid column stats object"
    with pytest.raises(ttypes.InvalidInputException):
        client.update_table_column_statistics(table_stats("", []))


# ---------------------------------------------------------------------------
# partition level
# ---------------------------------------------------------------------------

def test_partition_round_trip_every_type(server, client):
    db = partitioned(server, client)
    assert client.update_partition_column_statistics(part_stats(db, "DS=a/HR=1", full_objs()))
    got = client.get_partition_column_statistics(db, "t", "DS=a/HR=1", "dec")
    assert got.statsObj == [by_name(full_objs())["dec"]]
    d = got.statsDesc
    assert d.isTblLevel is False and d.partName == "ds=a/hr=1" and d.catName == "hive"
    assert d.lastAnalyzed > 0 and got.engine == "hive"
    res = client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=[n for n, _ in ALL_COLS],
        partNames=["ds=a/hr=1", "ds=b/hr=2"]))
    assert res.partStats == {"ds=a/hr=1": full_objs()}
    # the partition's own COLUMN_STATS_ACCURATE, the table's untouched
    acc = json.loads(part_params(server, db, "ds=a/hr=1")["COLUMN_STATS_ACCURATE"])
    assert sorted(acc["COLUMN_STATS"]) == sorted(n for n, _ in ALL_COLS)
    assert "COLUMN_STATS_ACCURATE" not in client.get_table(db, "t").parameters
    # table-level statistics are separate
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_table_column_statistics(db, "t", "l")


def test_partition_names_are_escaped_like_hive(server, client):
    db = make_db(client)
    make_table(client, db, parts=[FieldSchema("p", "string", None)])
    add_partition(server, db, "t", "p=10%3A00%2Fx", ["10:00/x"])
    assert client.update_partition_column_statistics(
        part_stats(db, "P=10%3A00%2Fx", [obj("l", "bigint", long_data(ndv=3))]))
    res = client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["l"], partNames=["p=10%3A00%2Fx"]))
    assert list(res.partStats) == ["p=10%3A00%2Fx"]
    # a column the partition lacks is accepted, as Hive only logs it
    assert client.update_partition_column_statistics(
        part_stats(db, "p=10%3A00%2Fx", [obj("other", "int", long_data(ndv=1))]))


def test_update_partition_errors(server, client):
    db = partitioned(server, client)
    with pytest.raises(ttypes.InvalidObjectException) as e:
        client.update_partition_column_statistics(part_stats(db, "ds=a/hr=1", [], table="nope"))
    assert e.value.message == "hive.%s.nope table not found" % db
    with pytest.raises(ttypes.InvalidObjectException) as e:
        client.update_partition_column_statistics(part_stats(db, "ds=a", []))
    assert e.value.message == "incomplete partition name - missing hr"
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.update_partition_column_statistics(part_stats(db, "ds=zz/hr=9", []))
    assert e.value.message == "Partition for which stats is gathered doesn't exist."
    with pytest.raises(ttypes.MetaException) as e:
        client.update_partition_column_statistics(part_stats(db, None, []))
    assert e.value.message == "Partition name is invalid. null"
    with pytest.raises(ttypes.MetaException) as e:
        client.update_partition_column_statistics(part_stats(db, "", []))
    assert e.value.message == "Partition name is invalid. "
    # the name's form is checked before the table is looked for
    with pytest.raises(ttypes.MetaException):
        client.update_partition_column_statistics(part_stats(db, "", [], table="nope"))
    with pytest.raises(ttypes.NoSuchObjectException):
        client.update_partition_column_statistics(part_stats(db, "hr=1/ds=zz/other=x", []))
    with pytest.raises(ttypes.InvalidObjectException):
        client.update_partition_column_statistics(part_stats(db, "ds=a/hr=1", [
            obj("l", "bigint", ColumnStatisticsData())]))


# ---------------------------------------------------------------------------
# reads
# ---------------------------------------------------------------------------

def test_get_errors_and_missing_columns(server, client):
    db = partitioned(server, client)
    client.update_table_column_statistics(table_stats(db, [obj("l", "bigint", long_data(ndv=1))]))
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.get_table_column_statistics(db, "t", "s")
    assert e.value.message == "Column stats doesn't exist for table=hive.%s.t col=s" % db
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.get_table_column_statistics(db, "nope", "l")
    assert e.value.message == "Specified catalog.database.table does not exist : hive.%s.nope" % db
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_table_column_statistics(db, "t", "no_such_column")
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.get_partition_column_statistics(db, "t", "ds=a/hr=1", "l")
    assert e.value.message == \
        "Column stats doesn't exist for table=hive.%s.t partition=ds=a/hr=1 col=l" % db
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partition_column_statistics(db, "nope", "ds=a/hr=1", "l")
    with pytest.raises(ttypes.MetaException):
        client.get_partition_column_statistics(db, "t", "", "l")

    # get_table_statistics_req leaves out what has no statistics
    res = client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=["s", "L", "ghost"]))
    assert [o.colName for o in res.tableStats] == ["l"]
    assert client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=[])).tableStats == []
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_table_statistics_req(TableStatsRequest(dbName=db, tblName="nope",
                                                          colNames=["l"]))

    # get_partitions_statistics_req: only partitions with statistics appear
    client.update_partition_column_statistics(part_stats(db, "ds=b/hr=2", [
        obj("s", "string", string_data(maxlen=3))]))
    res = client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["s", "l"],
        partNames=["ds=a/hr=1", "DS=b/hr=2", "ds=zz/hr=0"]))
    assert list(res.partStats) == ["ds=b/hr=2"]
    # empty lists answer empty before looking at the table, as Hive does
    assert client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="nope", colNames=[], partNames=["ds=a/hr=1"])).partStats == {}
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partitions_statistics_req(PartitionsStatsRequest(
            dbName=db, tblName="nope", colNames=["s"], partNames=["ds=a/hr=1"]))
    with pytest.raises(ttypes.MetaException) as e:
        client.get_partitions_statistics_req(PartitionsStatsRequest(
            dbName=db, tblName="t", colNames=["s"], partNames=[""]))
    assert e.value.message == "Partition name is invalid. "


# ---------------------------------------------------------------------------
# delete
# ---------------------------------------------------------------------------

def test_delete_table_statistics(server, client):
    db = make_db(client)
    make_table(client, db, params={"COLUMN_STATS_ACCURATE": '{"BASIC_STATS":"true"}'})
    client.update_table_column_statistics(table_stats(db, [
        obj("l", "bigint", long_data()), obj("s", "string", string_data()),
        obj("d", "double", double_data())]))
    assert client.delete_table_column_statistics(db, "T", "L", None) is True
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_table_column_statistics(db, "t", "l")
    assert client.get_table(db, "t").parameters["COLUMN_STATS_ACCURATE"] == \
        '{"BASIC_STATS":"true","COLUMN_STATS":{"d":"true","s":"true"}}'
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.delete_table_column_statistics(db, "t", "l", "hive")
    assert e.value.message == "Column stats doesn't exist for db=%s table=t col=l" % db
    # every column
    assert client.delete_table_column_statistics(db, "t", None, None) is True
    assert client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=["s", "d"])).tableStats == []
    assert client.get_table(db, "t").parameters["COLUMN_STATS_ACCURATE"] == \
        '{"BASIC_STATS":"true"}'
    assert client.delete_table_column_statistics(db, "t", None, None) is True

    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.delete_table_column_statistics(db, "nope", "l", None)
    assert e.value.message == \
        "Table hive.%s.nope  for which stats deletion is requested doesn't exist" % db
    with pytest.raises(ttypes.InvalidInputException):
        client.delete_table_column_statistics(db, None, "l", None)


def test_delete_refused_for_transactional_tables(server, client):
    db = partitioned(server, client, names=("ds=a/hr=1",))
    t = client.get_table(db, "t")
    client.update_table_column_statistics(table_stats(db, [obj("l", "bigint", long_data())]))
    client.update_partition_column_statistics(part_stats(db, "ds=a/hr=1", [
        obj("l", "bigint", long_data())]))
    t.parameters["transactional"] = "TRUE"
    client.alter_table(db, "t", t)
    msg = "Cannot delete stats via this API for a transactional table"
    with pytest.raises(ttypes.MetaException) as e:
        client.delete_table_column_statistics(db, "t", "l", None)
    assert e.value.message == msg
    with pytest.raises(ttypes.MetaException) as e:
        client.delete_partition_column_statistics(db, "t", "ds=a/hr=1", "l", None)
    assert e.value.message == msg
    assert client.get_table_column_statistics(db, "t", "l")


def test_delete_partition_statistics(server, client):
    db = partitioned(server, client)
    for p in ("ds=a/hr=1", "ds=b/hr=2"):
        client.update_partition_column_statistics(part_stats(db, p, [
            obj("l", "bigint", long_data()), obj("s", "string", string_data())]))
    assert client.delete_partition_column_statistics(db, "t", "DS=a/HR=1", "L", "hive") is True
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partition_column_statistics(db, "t", "ds=a/hr=1", "l")
    assert client.get_partition_column_statistics(db, "t", "ds=a/hr=1", "s")
    assert client.get_partition_column_statistics(db, "t", "ds=b/hr=2", "l")
    acc = json.loads(part_params(server, db, "ds=a/hr=1")["COLUMN_STATS_ACCURATE"])
    assert acc == {"COLUMN_STATS": {"s": "true"}}
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.delete_partition_column_statistics(db, "t", "ds=a/hr=1", "l", None)
    assert e.value.message == \
        "Column stats doesn't exist for table=hive.%s.t partition=ds=a/hr=1 col=l" % db
    assert client.delete_partition_column_statistics(db, "t", "ds=a/hr=1", None, None) is True
    assert client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["l", "s"],
        partNames=["ds=a/hr=1", "ds=b/hr=2"])).partStats.keys() == {"ds=b/hr=2"}
    assert part_params(server, db, "ds=a/hr=1")["COLUMN_STATS_ACCURATE"] == "{}"

    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.delete_partition_column_statistics(db, "t", "ds=q/hr=0", "l", None)
    assert e.value.message == \
        "Partition ds=q/hr=0 for which stats deletion is requested doesn't exist"
    with pytest.raises(ttypes.InvalidObjectException) as e:
        client.delete_partition_column_statistics(db, "nope", "ds=a/hr=1", "l", None)
    assert e.value.message == "hive.%s.nope table not found" % db
    with pytest.raises(ttypes.InvalidObjectException) as e:
        client.delete_partition_column_statistics(db, "t", "ds=a", "l", None)
    assert e.value.message == "incomplete partition name - missing hr"
    with pytest.raises(ttypes.MetaException):
        client.delete_partition_column_statistics(db, "t", None, "l", None)


def test_delete_column_statistics_req(server, client):
    """Hive 4.1's delete_column_statistics_req, as its DeleteColumnStatisticsHandler serves it."""
    Req = ttypes.DeleteColumnStatisticsRequest
    db = partitioned(server, client, names=("ds=a/hr=1", "ds=b/hr=2", "ds=c/hr=3"))
    client.update_table_column_statistics(table_stats(db, [
        obj("l", "bigint", long_data()), obj("s", "string", string_data())]))
    for p in ("ds=a/hr=1", "ds=b/hr=2", "ds=c/hr=3"):
        client.update_partition_column_statistics(part_stats(db, p, [
            obj("l", "bigint", long_data()), obj("s", "string", string_data())]))

    def part_cols():
        got = client.get_partitions_statistics_req(PartitionsStatsRequest(
            dbName=db, tblName="t", colNames=["l", "s"],
            partNames=["ds=a/hr=1", "ds=b/hr=2", "ds=c/hr=3"])).partStats
        return {p: sorted(o.colName for o in objs) for p, objs in got.items()}

    # named partitions (keys in any case) and columns
    assert client.delete_column_statistics_req(Req(
        db_name=db.upper(), tbl_name="T", part_names=["DS=a/HR=1", "ds=b/hr=2"],
        col_names=["L"])) is True
    assert part_cols() == {"ds=a/hr=1": ["s"], "ds=b/hr=2": ["s"], "ds=c/hr=3": ["l", "s"]}
    assert json.loads(part_params(server, db, "ds=b/hr=2")["COLUMN_STATS_ACCURATE"]) == \
        {"COLUMN_STATS": {"s": "true"}}
    # a partitioned table's own statistics stay unless tableLevel is set
    assert len(client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=["l", "s"])).tableStats) == 2
    # no partition named: every partition; no column named: every column
    assert client.delete_column_statistics_req(Req(db_name=db, tbl_name="t")) is True
    assert part_cols() == {}
    # tableLevel: the table's own
    assert client.delete_column_statistics_req(Req(
        db_name=db, tbl_name="t", col_names=["s"], tableLevel=True)) is True
    assert [o.colName for o in client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=["l", "s"])).tableStats] == ["l"]

    # errors, as the single-column forms answer them
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.delete_column_statistics_req(Req(
            db_name=db, tbl_name="t", col_names=["s"], tableLevel=True))
    assert e.value.message == "Column stats doesn't exist for db=%s table=t col=s" % db
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.delete_column_statistics_req(Req(
            db_name=db, tbl_name="t", part_names=["ds=a/hr=1", "ds=c/hr=3"], col_names=["l"]))
    assert e.value.message == "Column stats doesn't exist for table=hive.%s.t " \
        "partition=ds=a/hr=1,ds=c/hr=3 col=l" % db
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.delete_column_statistics_req(Req(
            db_name=db, tbl_name="t", part_names=["ds=q/hr=0"]))
    assert e.value.message == \
        "Partition ds=q/hr=0 for which stats deletion is requested doesn't exist"
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.delete_column_statistics_req(Req(db_name=db, tbl_name="nope", tableLevel=True))
    assert e.value.message == \
        "Table hive.%s.nope  for which stats deletion is requested doesn't exist" % db

    # a table without partition keys: its own statistics, part_names ignored
    make_table(client, db, "u")
    client.update_table_column_statistics(table_stats(db, [obj("l", "bigint", long_data())],
                                                      table="u"))
    assert client.delete_column_statistics_req(Req(
        db_name=db, tbl_name="u", part_names=["ds=a/hr=1"], col_names=["l"], engine="hive"))
    assert client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="u", colNames=["l"])).tableStats == []


# ---------------------------------------------------------------------------
# set_aggr_stats_for
# ---------------------------------------------------------------------------

def accurate(client, db, cols):
    t = client.get_table(db, "t")
    t.parameters["COLUMN_STATS_ACCURATE"] = json.dumps(
        {"BASIC_STATS": "true", "COLUMN_STATS": {c: "true" for c in cols}})
    client.alter_table(db, "t", t)


def test_set_aggr_table_level_overwrite_and_merge(server, client):
    db = make_db(client)
    make_table(client, db)
    req = SetPartitionsStatsRequest(colStats=[table_stats(db, [
        obj("l", "bigint", long_data(low=5, high=10, nulls=1, ndv=4)),
        obj("s", "string", string_data(maxlen=5, avglen=2.0, nulls=1, ndv=3))])])
    assert client.set_aggr_stats_for(req) is True
    # a merge needs the columns marked accurate: here they are (the write marked them)
    req = SetPartitionsStatsRequest(needMerge=True, colStats=[table_stats(db, [
        obj("l", "bigint", long_data(low=1, high=7, nulls=2, ndv=3)),
        obj("s", "string", string_data(maxlen=9, avglen=1.5, nulls=2, ndv=8))])])
    assert client.set_aggr_stats_for(req) is True
    got = by_name(client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=["l", "s"])).tableStats)
    assert got["l"].statsData.longStats == LongColumnStatsData(lowValue=1, highValue=10,
                                                               numNulls=3, numDVs=4)
    assert got["s"].statsData.stringStats == StringColumnStatsData(maxColLen=9, avgColLen=2.0,
                                                                   numNulls=3, numDVs=8)
    # columns not marked accurate are not written at all
    t = client.get_table(db, "t")
    t.parameters["COLUMN_STATS_ACCURATE"] = '{"COLUMN_STATS":{"s":"true"}}'
    client.alter_table(db, "t", t)
    req = SetPartitionsStatsRequest(needMerge=True, colStats=[table_stats(db, [
        obj("l", "bigint", long_data(low=-100, nulls=50, ndv=50)),
        obj("s", "string", string_data(maxlen=1, avglen=1.0, nulls=1, ndv=1))])])
    assert client.set_aggr_stats_for(req) is True
    got = by_name(client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=["l", "s"])).tableStats)
    assert got["l"].statsData.longStats.lowValue == 1
    assert got["s"].statsData.stringStats.numNulls == 4
    assert client.get_table(db, "t").parameters["COLUMN_STATS_ACCURATE"] == \
        '{"COLUMN_STATS":{"s":"true"}}'

    assert client.set_aggr_stats_for(SetPartitionsStatsRequest(colStats=[])) is True
    with pytest.raises(ttypes.MetaException) as e:
        client.set_aggr_stats_for(SetPartitionsStatsRequest(colStats=[
            table_stats(db, []), table_stats(db, [])]))
    assert e.value.message == \
        "Expecting only 1 ColumnStatistics for table's column stats, but find 2"
    with pytest.raises(ttypes.NoSuchObjectException):
        client.set_aggr_stats_for(SetPartitionsStatsRequest(colStats=[table_stats(db, [],
                                                                                  table="nope")]))


def test_merge_rules_for_every_type(server, client):
    db = make_db(client)
    make_table(client, db)
    accurate(client, db, [n for n, _ in ALL_COLS])
    old = [
        obj("b", "boolean", bool_data(trues=1, falses=2, nulls=3)),
        obj("l", "bigint", long_data(low=5, high=9, nulls=1, ndv=10, bv=b"OLD", hist=b"H1")),
        obj("d", "double", double_data(low=0.5, nulls=1, ndv=2)),
        obj("s", "string", string_data(maxlen=10, avglen=3.0, nulls=1, ndv=5, bv=b"OLD")),
        obj("bin", "binary", binary_data(maxlen=3, avglen=9.0, nulls=1)),
        obj("dec", "decimal(10,2)", decimal_data(low=dec(150, 2), high=dec(2, 0), nulls=1, ndv=1)),
        obj("dt", "date", date_data(low=10, high=20, nulls=1, ndv=5)),
        obj("ts", "timestamp", ts_data(low=100, nulls=1, ndv=5)),
    ]
    client.set_aggr_stats_for(SetPartitionsStatsRequest(colStats=[table_stats(db, old)]))
    new = [
        obj("b", "boolean", bool_data(trues=10, falses=20, nulls=30)),
        obj("l", "bigint", long_data(low=7, high=12, nulls=2, ndv=3, bv=b"NEW")),
        obj("d", "double", double_data(low=0.25, high=4.0, nulls=1, ndv=7)),
        obj("s", "string", string_data(maxlen=4, avglen=5.0, nulls=2, ndv=4)),
        obj("bin", "binary", binary_data(maxlen=8, avglen=1.0, nulls=2)),
        obj("dec", "decimal(10,2)", decimal_data(low=dec(-1, 0), high=dec(1999, 3), nulls=2, ndv=4)),
        obj("dt", "date", date_data(low=12, high=25, nulls=2, ndv=1)),
        obj("ts", "timestamp", ts_data(high=50, nulls=2, ndv=9, hist=b"HT")),
    ]
    assert client.set_aggr_stats_for(SetPartitionsStatsRequest(
        needMerge=True, colStats=[table_stats(db, new)]))
    got = by_name(client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=[n for n, _ in ALL_COLS])).tableStats)
    sd = {k: v.statsData for k, v in got.items()}
    assert sd["b"].booleanStats == BooleanColumnStatsData(numTrues=11, numFalses=22, numNulls=33)
    # both sides had a bit vector: it cannot be merged, so it goes; one histogram is kept
    assert sd["l"].longStats == LongColumnStatsData(lowValue=5, highValue=12, numNulls=3,
                                                    numDVs=10, histogram=b"H1")
    assert sd["d"].doubleStats == DoubleColumnStatsData(lowValue=0.25, highValue=4.0, numNulls=2,
                                                        numDVs=7)
    # only the stored side had a bit vector: it is kept
    assert sd["s"].stringStats == StringColumnStatsData(maxColLen=10, avgColLen=5.0, numNulls=3,
                                                        numDVs=5, bitVectors=b"OLD")
    assert sd["bin"].binaryStats == BinaryColumnStatsData(maxColLen=8, avgColLen=9.0, numNulls=3)
    assert dec_value(sd["dec"].decimalStats.lowValue) == (-1, 0)
    assert dec_value(sd["dec"].decimalStats.highValue) == (2, 0)
    assert (sd["dec"].decimalStats.numNulls, sd["dec"].decimalStats.numDVs) == (3, 4)
    assert sd["dt"].dateStats == DateColumnStatsData(lowValue=Date(10), highValue=Date(25),
                                                     numNulls=3, numDVs=5)
    assert sd["ts"].timestampStats == TimestampColumnStatsData(
        lowValue=Timestamp(100), highValue=Timestamp(50), numNulls=3, numDVs=9, histogram=b"HT")


def test_set_aggr_partition_level(server, client):
    db = partitioned(server, client)
    req = SetPartitionsStatsRequest(colStats=[
        part_stats(db, "ds=a/hr=1", [obj("l", "bigint", long_data(low=1, high=2, nulls=1, ndv=2))]),
        part_stats(db, "DS=b/hr=2", [obj("l", "bigint", long_data(low=3, high=4, nulls=1, ndv=2))]),
        # the same partition again: merged with the earlier entry first
        part_stats(db, "ds=a/hr=1", [obj("l", "bigint", long_data(low=0, high=1, nulls=5, ndv=1))]),
    ])
    assert client.set_aggr_stats_for(req) is True
    res = client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["l"], partNames=["ds=a/hr=1", "ds=b/hr=2"])).partStats
    assert res["ds=a/hr=1"][0].statsData.longStats == LongColumnStatsData(
        lowValue=0, highValue=2, numNulls=6, numDVs=2)
    assert res["ds=b/hr=2"][0].statsData.longStats.lowValue == 3

    # merge: partition b is marked accurate (by the write above), c is not
    add_partition(server, db, "t", "ds=e/hr=5", ["e", "5"])
    req = SetPartitionsStatsRequest(needMerge=True, colStats=[
        part_stats(db, "ds=b/hr=2", [obj("l", "bigint", long_data(low=-1, high=3, nulls=2, ndv=9))]),
        part_stats(db, "ds=e/hr=5", [obj("l", "bigint", long_data(low=7, nulls=1, ndv=1))])])
    assert client.set_aggr_stats_for(req) is True
    res = client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["l"],
        partNames=["ds=b/hr=2", "ds=e/hr=5"])).partStats
    assert res["ds=b/hr=2"][0].statsData.longStats == LongColumnStatsData(
        lowValue=-1, highValue=4, numNulls=3, numDVs=9)
    assert "ds=e/hr=5" not in res

    # one missing partition fails the whole request, nothing is written
    req = SetPartitionsStatsRequest(colStats=[
        part_stats(db, "ds=c/hr=3", [obj("l", "bigint", long_data(low=100))]),
        part_stats(db, "ds=x/hr=0", [obj("l", "bigint", long_data(low=100))])])
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.set_aggr_stats_for(req)
    assert e.value.message == "Partition for which stats is gathered doesn't exist."
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partition_column_statistics(db, "t", "ds=c/hr=3", "l")
    with pytest.raises(ttypes.InvalidObjectException) as e:
        client.set_aggr_stats_for(SetPartitionsStatsRequest(colStats=[
            part_stats(db, "ds=c/hr=3", [], table="nope")]))
    assert e.value.message == "hive.%s.nope table not found" % db
    with pytest.raises(ttypes.NoSuchObjectException):
        client.set_aggr_stats_for(SetPartitionsStatsRequest(needMerge=True, colStats=[
            part_stats(db, "ds=c/hr=3", [], table="nope")]))
    with pytest.raises(ttypes.InvalidObjectException):
        client.set_aggr_stats_for(SetPartitionsStatsRequest(colStats=[
            part_stats(db, "ds=c", [])]))


# ---------------------------------------------------------------------------
# get_aggr_stats_for
# ---------------------------------------------------------------------------

def aggr(client, db, parts, cols):
    return client.get_aggr_stats_for(PartitionsStatsRequest(dbName=db, tblName="t",
                                                            colNames=cols, partNames=parts))


def test_aggregate_over_all_partitions(server, client):
    db = partitioned(server, client)
    names = ["ds=a/hr=1", "ds=b/hr=2", "ds=c/hr=3"]
    per_part = [
        [obj("l", "bigint", long_data(low=10, high=20, nulls=1, ndv=5)),
         obj("d", "double", double_data(low=1.5, high=2.5, nulls=0, ndv=3)),
         obj("s", "string", string_data(maxlen=5, avglen=2.5, nulls=1, ndv=4)),
         obj("b", "boolean", bool_data(trues=1, falses=2, nulls=3)),
         obj("bin", "binary", binary_data(maxlen=7, avglen=1.0, nulls=1)),
         obj("dec", "decimal(10,2)", decimal_data(low=dec(-250, 2), high=dec(3, 0), nulls=1, ndv=2)),
         obj("dt", "date", date_data(low=100, high=105, nulls=0, ndv=100)),
         obj("ts", "timestamp", ts_data(low=50, nulls=0, ndv=1))],
        [obj("l", "bigint", long_data(low=0, high=15, nulls=2, ndv=9)),
         obj("d", "double", double_data(high=9.0, nulls=2, ndv=1)),
         obj("s", "string", string_data(maxlen=9, avglen=1.0, nulls=0, ndv=2)),
         obj("b", "boolean", bool_data(trues=10, falses=20, nulls=30)),
         obj("bin", "binary", binary_data(maxlen=2, avglen=4.0, nulls=0)),
         obj("dec", "decimal(10,2)", decimal_data(low=dec(-3, 0), high=dec(299, 2), nulls=0, ndv=7)),
         obj("dt", "date", date_data(low=90, high=101, nulls=1, ndv=3)),
         obj("ts", "timestamp", ts_data(high=70, nulls=1, ndv=2))],
        [obj("l", "bigint", long_data(low=12, high=30, nulls=4, ndv=7)),
         obj("d", "double", double_data(low=-1.0, nulls=1, ndv=2)),
         obj("s", "string", string_data(maxlen=1, avglen=3.5, nulls=2, ndv=9)),
         obj("b", "boolean", bool_data(trues=100, falses=200, nulls=300)),
         obj("bin", "binary", binary_data(maxlen=4, avglen=2.0, nulls=5)),
         obj("dec", "decimal(10,2)", decimal_data(nulls=3, ndv=1)),
         obj("dt", "date", date_data(low=95, high=110, nulls=2, ndv=2)),
         obj("ts", "timestamp", ts_data(nulls=0, ndv=4))],
    ]
    for n, objs in zip(names, per_part):
        client.update_partition_column_statistics(part_stats(db, n, objs))
    res = aggr(client, db, names, [n for n, _ in ALL_COLS])
    assert res.partsFound == 3
    got = {o.colName: o for o in res.colStats}
    assert [o.colName for o in res.colStats] == [n for n, _ in ALL_COLS]
    assert got["dec"].colType == "decimal(10,2)"
    sd = {k: v.statsData for k, v in got.items()}
    assert sd["l"].longStats == LongColumnStatsData(lowValue=0, highValue=30, numNulls=7, numDVs=9)
    assert sd["d"].doubleStats == DoubleColumnStatsData(lowValue=-1.0, highValue=9.0, numNulls=3,
                                                        numDVs=3)
    assert sd["s"].stringStats == StringColumnStatsData(maxColLen=9, avgColLen=3.5, numNulls=3,
                                                        numDVs=9)
    assert sd["b"].booleanStats == BooleanColumnStatsData(numTrues=111, numFalses=222,
                                                          numNulls=333)
    assert sd["bin"].binaryStats == BinaryColumnStatsData(maxColLen=7, avgColLen=4.0, numNulls=6)
    assert dec_value(sd["dec"].decimalStats.lowValue) == (-3, 0)
    assert dec_value(sd["dec"].decimalStats.highValue) == (3, 0)
    assert (sd["dec"].decimalStats.numNulls, sd["dec"].decimalStats.numDVs) == (4, 7)
    # NDV of dates is capped at the number of days between low and high
    assert sd["dt"].dateStats == DateColumnStatsData(lowValue=Date(90), highValue=Date(110),
                                                     numNulls=3, numDVs=21)
    assert sd["ts"].timestampStats == TimestampColumnStatsData(
        lowValue=Timestamp(50), highValue=Timestamp(70), numNulls=1, numDVs=4)

    # partsFound counts partitions with statistics for every requested column
    client.update_partition_column_statistics(part_stats(db, "ds=d/hr=4", [
        obj("l", "bigint", long_data(low=1, high=2, nulls=0, ndv=1))]))
    res = aggr(client, db, names + ["ds=d/hr=4"], ["l", "s"])
    assert res.partsFound == 3
    res = aggr(client, db, ["ds=d/hr=4"], ["l"])
    assert res.partsFound == 1
    assert res.colStats[0].statsData.longStats == LongColumnStatsData(
        lowValue=1, highValue=2, numNulls=0, numDVs=1)


def test_aggregate_extrapolates_missing_partitions(server, client):
    db = partitioned(server, client)
    names = ["ds=a/hr=1", "ds=b/hr=2", "ds=c/hr=3", "ds=d/hr=4"]
    found = [
        [obj("l", "bigint", long_data(low=10, high=20, nulls=1, ndv=5)),
         obj("d", "double", double_data(low=1.0, high=2.0, nulls=3, ndv=3)),
         obj("s", "string", string_data(maxlen=4, avglen=1.0, nulls=0, ndv=2)),
         obj("b", "boolean", bool_data(trues=10, falses=1, nulls=0)),
         obj("dec", "decimal(10,2)", decimal_data(low=dec(100, 2), high=dec(200, 2), nulls=0, ndv=1)),
         obj("dt", "date", date_data(low=10, high=20, nulls=1, ndv=5))],
        [obj("l", "bigint", long_data(low=8, high=30, nulls=2, ndv=8)),
         obj("d", "double", double_data(low=0.5, high=4.0, nulls=4, ndv=6)),
         obj("s", "string", string_data(maxlen=6, avglen=2.0, nulls=1, ndv=3)),
         obj("b", "boolean", bool_data(trues=21, falses=2, nulls=1)),
         obj("dec", "decimal(10,2)", decimal_data(low=dec(50, 2), high=dec(35, 1), nulls=1, ndv=2)),
         obj("dt", "date", date_data(low=8, high=30, nulls=2, ndv=8))],
        [obj("l", "bigint", long_data(low=6, high=40, nulls=4, ndv=11)),
         obj("d", "double", double_data(nulls=0, ndv=9)),
         obj("s", "string", string_data(maxlen=8, avglen=3.0, nulls=2, ndv=4)),
         obj("b", "boolean", bool_data(trues=30, falses=3, nulls=2)),
         obj("dt", "date", date_data(low=6, high=40, nulls=4, ndv=11))],
    ]
    for n, objs in zip(names, found):
        client.update_partition_column_statistics(part_stats(db, n, objs))

    res = aggr(client, db, names, ["l", "d", "s", "b", "dec", "dt"])
    assert res.partsFound == 2      # only a and b have every requested column
    sd = {o.colName: o.statsData for o in res.colStats}
    # three of four partitions: low and high extended linearly to the borders,
    # NDV the same way, sums scaled as Hive does (sum / found * requested)
    assert sd["l"].longStats == LongColumnStatsData(lowValue=4, highValue=50, numNulls=8,
                                                    numDVs=14)
    assert sd["dt"].dateStats == DateColumnStatsData(lowValue=Date(4), highValue=Date(50),
                                                     numNulls=8, numDVs=14)
    assert sd["s"].stringStats == StringColumnStatsData(maxColLen=10, avgColLen=4.0, numNulls=4,
                                                        numDVs=5)
    assert sd["b"].booleanStats == BooleanColumnStatsData(numTrues=80, numFalses=8, numNulls=4)
    # a bound missing in one found partition leaves the result's unset
    assert sd["d"].doubleStats == DoubleColumnStatsData(numNulls=8, numDVs=12)
    # decimals are extrapolated in doubles and come back as Java prints them
    dstats = sd["dec"].decimalStats
    assert dec_value(dstats.lowValue) == (-5, 1)        # -0.5
    assert dec_value(dstats.highValue) == (65, 1)       # 6.5
    assert (dstats.numNulls, dstats.numDVs) == (0, 4)

    # fewer than two partitions with statistics: no extrapolation
    res = aggr(client, db, ["ds=c/hr=3", "ds=d/hr=4", "ds=a/hr=1"], ["dec"])
    assert res.partsFound == 1
    assert dec_value(res.colStats[0].statsData.decimalStats.lowValue) == (100, 2)


def test_aggregate_errors_and_empty_requests(server, client):
    db = partitioned(server, client)
    assert aggr(client, db, [], ["l"]) == AggrStats(colStats=[], partsFound=0)
    assert aggr(client, db, ["ds=a/hr=1"], []) == AggrStats(colStats=[], partsFound=0)
    assert aggr(client, db, ["ds=a/hr=1"], ["l"]) == AggrStats(colStats=[], partsFound=0)
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.get_aggr_stats_for(PartitionsStatsRequest(dbName=db, tblName="nope",
                                                         colNames=["l"], partNames=[]))
    assert e.value.message == "Specified catalog.database.table does not exist : hive.%s.nope" % db
    with pytest.raises(ttypes.MetaException):
        aggr(client, db, [""], ["l"])


# ---------------------------------------------------------------------------
# statistics follow their table, partitions and columns
# ---------------------------------------------------------------------------

def test_alter_table_drops_statistics_of_dropped_and_retyped_columns(server, client):
    db = make_db(client)
    make_table(client, db, cols=[("l", "bigint"), ("d", "double"), ("b", "boolean"),
                                 ("s", "string")], parts=PARTS,
               params={"COLUMN_STATS_ACCURATE": '{"BASIC_STATS":"true"}'})
    for name, vals in (("ds=a/hr=1", ["a", "1"]), ("ds=b/hr=2", ["b", "2"])):
        add_partition(server, db, "t", name, vals)
    objs = [obj("l", "bigint", long_data()), obj("s", "string", string_data()),
            obj("d", "double", double_data()), obj("b", "boolean", bool_data())]
    client.update_table_column_statistics(table_stats(db, objs))
    client.update_partition_column_statistics(part_stats(db, "ds=a/hr=1", objs))
    client.update_partition_column_statistics(part_stats(db, "ds=b/hr=2", objs))

    # a comment change keeps everything
    t = client.get_table(db, "t")
    t.sd.cols[0].comment = "now with a comment"
    client.alter_table(db, "t", t)
    assert len(client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=["l", "s", "d", "b"])).tableStats) == 4

    # drop "s", retype "d" (double -> string is allowed), keep "l" and "b";
    # without cascade the partitions keep their old columns and statistics
    t = client.get_table(db, "t")
    t.sd.cols = [c for c in t.sd.cols if c.name != "s"]
    for c in t.sd.cols:
        if c.name == "d":
            c.type = "string"
    client.alter_table(db, "t", t)
    left = client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=["l", "s", "d", "b"])).tableStats
    assert [o.colName for o in left] == ["l", "b"]
    acc = json.loads(client.get_table(db, "t").parameters["COLUMN_STATS_ACCURATE"])
    assert acc == {"BASIC_STATS": "true", "COLUMN_STATS": {"b": "true", "l": "true"}}
    res = client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["l", "s", "d", "b"],
        partNames=["ds=a/hr=1", "ds=b/hr=2"])).partStats
    assert [len(v) for v in res.values()] == [4, 4]

    # with cascade the partitions take the new columns: their stale statistics go too
    t = client.get_table(db, "t")
    t.sd.cols = [c for c in t.sd.cols if c.name != "b"]
    assert [(c.name, c.type) for c in t.sd.cols] == [("l", "bigint"), ("d", "string")]
    client.alter_table_with_cascade(db, "t", t, True)
    res = client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["l", "s", "d", "b"],
        partNames=["ds=a/hr=1", "ds=b/hr=2"])).partStats
    assert {k: [o.colName for o in v] for k, v in res.items()} == \
        {"ds=a/hr=1": ["l"], "ds=b/hr=2": ["l"]}
    acc = json.loads(part_params(server, db, "ds=a/hr=1")["COLUMN_STATS_ACCURATE"])
    assert acc == {"COLUMN_STATS": {"l": "true"}}
    assert [o.colName for o in client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="t", colNames=["l", "b"])).tableStats] == ["l"]


def test_partition_with_own_columns_keeps_matching_statistics(server, client):
    db = make_db(client)
    make_table(client, db, cols=[("a", "int"), ("b", "int")], parts=[PARTS[0]])
    add_partition(server, db, "t", "ds=old", ["old"], cols=[("a", "int"), ("b", "string")])
    client.update_partition_column_statistics(part_stats(db, "ds=old", [
        obj("a", "int", long_data()), obj("b", "string", string_data())]))
    # the table's column b changes type; the partition keeps its own columns
    t = client.get_table(db, "t")
    t.sd.cols = [FieldSchema("a", "int", None), FieldSchema("b", "bigint", None)]
    client.alter_table(db, "t", t)
    res = client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["a", "b"], partNames=["ds=old"])).partStats
    assert [o.colName for o in res["ds=old"]] == ["a", "b"]


def test_statistics_follow_renames_and_go_with_drops(server, client):
    db = partitioned(server, client, names=("ds=a/hr=1",))
    db2 = make_db(client)
    client.update_table_column_statistics(table_stats(db, [obj("l", "bigint", long_data(ndv=4))]))
    client.update_partition_column_statistics(part_stats(db, "ds=a/hr=1", [
        obj("l", "bigint", long_data(ndv=5))]))
    t = client.get_table(db, "t")
    t.dbName = db2
    t.tableName = "moved"
    client.alter_table(db, "t", t)
    got = client.get_table_column_statistics(db2, "moved", "l")
    assert got.statsObj[0].statsData.longStats.numDVs == 4
    assert got.statsDesc.dbName == db2 and got.statsDesc.tableName == "moved"
    got = client.get_partition_column_statistics(db2, "moved", "ds=a/hr=1", "l")
    assert got.statsObj[0].statsData.longStats.numDVs == 5
    assert count_rows(server, "ms_table_col_stats", db2) == 1
    assert count_rows(server, "ms_part_col_stats", db2) == 1

    client.drop_table(db2, "moved", True)
    assert count_rows(server, "ms_table_col_stats", db2) == 0
    assert count_rows(server, "ms_part_col_stats", db2) == 0
    make_table(client, db2, name="moved", parts=PARTS)
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_table_column_statistics(db2, "moved", "l")


def test_partition_statistics_go_with_their_partition(server, client):
    db = partitioned(server, client, names=("ds=a/hr=1", "ds=b/hr=2"))
    for p in ("ds=a/hr=1", "ds=b/hr=2"):
        client.update_partition_column_statistics(part_stats(db, p, [obj("l", "bigint", long_data())]))
    psql(server, "DELETE FROM ms_partitions p USING ms_tables t, ms_databases d "
                 "WHERE p.table_id = t.table_id AND t.db_id = d.db_id AND d.name = '%s' "
                 "AND p.part_name = 'ds=a/hr=1'" % db)
    assert count_rows(server, "ms_part_col_stats", db) == 1
    res = client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["l"], partNames=["ds=a/hr=1", "ds=b/hr=2"]))
    assert list(res.partStats) == ["ds=b/hr=2"]


def test_drop_database_cascade_removes_statistics(server, client):
    db = partitioned(server, client, names=("ds=a/hr=1",))
    client.update_table_column_statistics(table_stats(db, [obj("l", "bigint", long_data())]))
    client.update_partition_column_statistics(part_stats(db, "ds=a/hr=1", [
        obj("l", "bigint", long_data())]))
    before_t = count_rows(server, "ms_table_col_stats")
    before_p = count_rows(server, "ms_part_col_stats")
    client.drop_database(db, True, True)
    assert count_rows(server, "ms_table_col_stats") == before_t - 1
    assert count_rows(server, "ms_part_col_stats") == before_p - 1


def test_concurrent_writers_of_one_table(server, client):
    names = tuple("ds=p%d/hr=%d" % (i, i) for i in range(8))
    db = partitioned(server, client, names=names)
    errors = []

    def partition_writer(i):
        try:
            with server.client() as c:
                for n in range(5):
                    c.set_aggr_stats_for(SetPartitionsStatsRequest(colStats=[
                        part_stats(db, names[i], [obj("l", "bigint", long_data(low=n, ndv=n))]),
                        part_stats(db, names[(i + 1) % 8], [obj("s", "string", string_data(ndv=n))])]))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def table_writer():
        try:
            with server.client() as c:
                for n in range(10):
                    c.update_table_column_statistics(table_stats(db, [
                        obj("l", "bigint", long_data(ndv=n))]))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=partition_writer, args=(i,)) for i in range(8)]
    threads.append(threading.Thread(target=table_writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    res = client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["l", "s"], partNames=list(names))).partStats
    assert all([o.colName for o in v] == ["l", "s"] for v in res.values()) and len(res) == 8
    assert client.get_table_column_statistics(db, "t", "l").statsObj[0].statsData.longStats.numDVs == 9
