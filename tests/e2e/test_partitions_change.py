"""Changing partitions: alter_partition(s) (+ _with_environment_context,
alter_partitions_req), rename_partition(_req), exchange_partition(s).

Expected behaviour is Apache Hive's (HiveAlterHandler.alterPartition(s),
HMSHandler.rename_partition / exchange_partitions) as pinned by Hive's
TestAlterPartitions and TestExchangePartitions: a missing partition or table
is InvalidOperationException for alter and rename, a rename onto an existing
partition too; renaming a managed table's partition moves its directory to
the new default location, an external one keeps its location; exchange
moves partitions (and their directory) between two tables of the same
schema, and every failure of it is a MetaException that changes nothing.
"""
import os

import pytest

from conftest import unique
from hive_metastore import ttypes
from hive_metastore.ttypes import (AlterPartitionsRequest, EnvironmentContext, FieldSchema,
                                   RenamePartitionRequest)
from partlib import (add, exists, local_path, loc, make_db, make_table, names, new_part, stored,
                     table_dir)


def put_file(table, name, fname="f", data="data"):
    d = os.path.join(table_dir(table), name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname), "w") as f:
        f.write(data)


# ---------------------------------------------------------------------------
# alter_partition
# ---------------------------------------------------------------------------

def change(p, tag):
    p.parameters = dict(p.parameters or {}, tag=tag)
    p.sd.cols = p.sd.cols + [FieldSchema("c_" + tag, "int", None)]
    p.sd.inputFormat = "In_" + tag
    p.sd.serdeInfo.parameters = {"field.delim": tag}
    p.lastAccessTime = 4242


def check_changed(p, tag):
    assert p.parameters["tag"] == tag
    assert [c.name for c in p.sd.cols][-1] == "c_" + tag
    assert p.sd.inputFormat == "In_" + tag
    assert p.sd.serdeInfo.parameters == {"field.delim": tag}
    assert p.lastAccessTime == 4242
    assert "transient_lastDdlTime" in p.parameters


def test_alter_partition(server, client):
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["a", "1"], ["a", "2"])
    p = client.get_partition(db, "t", ["a", "1"])
    change(p, "x")
    client.alter_partition(db, "t", p)
    got = client.get_partition(db, "t", ["a", "1"])
    check_changed(got, "x")
    assert got.sd.location == loc(t, "ds=a/hr=1") and got.createTime == p.createTime
    # the other partition and the table are untouched
    other = client.get_partition(db, "t", ["a", "2"])
    assert "tag" not in other.parameters and [c.name for c in other.sd.cols] == ["id", "name"]
    assert [c.name for c in client.get_table(db, "t").sd.cols] == ["id", "name"]

    p = client.get_partition(db, "t", ["a", "2"])
    change(p, "y")
    client.alter_partition_with_environment_context(db, "T", p, EnvironmentContext({"k": "v"}))
    check_changed(client.get_partition(db, "t", ["a", "2"]), "y")
    p = client.get_partition(db, "t", ["a", "2"])
    p.parameters["again"] = "1"
    client.alter_partition_with_environment_context("@hive#" + db, "t", p, None)
    assert client.get_partition(db, "t", ["a", "2"]).parameters["again"] == "1"

    # a new location is recorded as given; alter moves no data
    elsewhere = server.warehouse + "/moved/" + unique("p")
    p = client.get_partition(db, "t", ["a", "1"])
    p.sd.location = elsewhere
    client.alter_partition(db, "t", p)
    assert client.get_partition(db, "t", ["a", "1"]).sd.location == elsewhere
    assert exists(t, "ds=a/hr=1")


def test_alter_partition_errors(client):
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["a", "1"])
    p = client.get_partition(db, "t", ["a", "1"])
    p.parameters["bad"] = "1"
    for call in (client.alter_partition,
                 lambda d, tb, part: client.alter_partition_with_environment_context(
                     d, tb, part, EnvironmentContext({}))):
        missing = new_part(t, ["b", "1"])
        with pytest.raises(ttypes.InvalidOperationException):
            call(db, "t", missing)
        with pytest.raises(ttypes.InvalidOperationException):
            call(db, "missing", p)
        with pytest.raises(ttypes.InvalidOperationException):
            call(unique("e2e_nodb"), "t", p)
        for bad in (["a"], []):
            with pytest.raises(ttypes.MetaException):
                call(db, "t", new_part(t, bad))
    assert "bad" not in client.get_partition(db, "t", ["a", "1"]).parameters
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=1"]


# ---------------------------------------------------------------------------
# alter_partitions
# ---------------------------------------------------------------------------

def test_alter_partitions_variants(client):
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["a", "1"], ["a", "2"], ["b", "1"])
    ps = client.get_partitions(db, "t", -1)
    for p in ps:
        change(p, "one")
    client.alter_partitions(db, "t", ps)
    for p in client.get_partitions(db, "t", -1):
        check_changed(p, "one")

    ps = client.get_partitions_ps(db, "t", ["a"], -1)
    for p in ps:
        p.parameters["two"] = "2"
    client.alter_partitions_with_environment_context(db, "t", ps, EnvironmentContext({"k": "v"}))
    assert [("two" in p.parameters) for p in client.get_partitions(db, "t", -1)] == [
        True, True, False]

    ps = client.get_partitions_ps(db, "t", ["b"], -1)
    ps[0].parameters["three"] = "3"
    client.alter_partitions_req(AlterPartitionsRequest(
        dbName=db, tableName="t", partitions=ps, environmentContext=EnvironmentContext({})))
    assert client.get_partition(db, "t", ["b", "1"]).parameters["three"] == "3"
    ps = client.get_partitions(db, "t", -1)
    ps[0].parameters["four"] = "4"
    client.alter_partitions_req(AlterPartitionsRequest(catName="hive", dbName=db.upper(),
                                                       tableName="T", partitions=ps[:1]))
    assert client.get_partition(db, "t", ["a", "1"]).parameters["four"] == "4"
    # the values and locations are what they were
    assert names(client.get_partitions(db, "t", -1)) == ["ds=a/hr=1", "ds=a/hr=2", "ds=b/hr=1"]
    for p in client.get_partitions(db, "t", -1):
        assert p.sd.location == loc(t, names([p])[0])


def test_alter_partitions_is_all_or_nothing(client):
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["a", "1"], ["a", "2"])
    ps = client.get_partitions(db, "t", -1)
    for p in ps:
        p.parameters["tag"] = "new"
    missing = new_part(t, ["zz", "9"], params={"tag": "new"})
    calls = [
        lambda parts: client.alter_partitions(db, "t", parts),
        lambda parts: client.alter_partitions_with_environment_context(
            db, "t", parts, EnvironmentContext({})),
        lambda parts: client.alter_partitions_req(AlterPartitionsRequest(
            dbName=db, tableName="t", partitions=parts)),
    ]
    for call in calls:
        # one partition that does not exist: none is changed
        with pytest.raises(ttypes.InvalidOperationException):
            call([ps[0], missing, ps[1]])
        # one with the wrong number of values
        with pytest.raises(ttypes.MetaException):
            call([ps[0], new_part(t, ["a"])])
    for call in (lambda d, tb: client.alter_partitions(d, tb, ps),
                 lambda d, tb: client.alter_partitions_req(AlterPartitionsRequest(
                     dbName=d, tableName=tb, partitions=ps))):
        with pytest.raises(ttypes.InvalidOperationException):
            call(db, "missing")
        with pytest.raises(ttypes.InvalidOperationException):
            call(unique("e2e_nodb"), "t")
    for p in client.get_partitions(db, "t", -1):
        assert "tag" not in p.parameters
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=1", "ds=a/hr=2"]


# ---------------------------------------------------------------------------
# rename_partition
# ---------------------------------------------------------------------------

def test_rename_partition_moves_managed_directory(client):
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["a", "1"], ["a", "2"])
    put_file(t, "ds=a/hr=1", "part-0", "12345")
    p = client.get_partition(db, "t", ["a", "1"])
    p.values = ["z", "9"]
    p.parameters["renamed"] = "yes"
    client.rename_partition(db, "t", ["a", "1"], p)
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=2", "ds=z/hr=9"]
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partition(db, "t", ["a", "1"])
    got = client.get_partition(db, "t", ["z", "9"])
    assert got.parameters["renamed"] == "yes"
    # the directory moved to the new default location, with its files
    assert got.sd.location == loc(t, "ds=z/hr=9")
    assert not exists(t, "ds=a/hr=1")
    with open(os.path.join(table_dir(t), "ds=z/hr=9", "part-0")) as f:
        assert f.read() == "12345"
    assert exists(t, "ds=a/hr=2")

    # the request form, values that need escaping
    p = client.get_partition(db, "t", ["a", "2"])
    p.values = ["x/y", "3"]
    client.rename_partition_req(RenamePartitionRequest(dbName=db, tableName="t",
                                                       partVals=["a", "2"], newPart=p))
    got = client.get_partition(db, "t", ["x/y", "3"])
    assert got.sd.location == loc(t, "ds=x%2Fy/hr=3")
    assert exists(t, "ds=x%2Fy/hr=3") and not exists(t, "ds=a/hr=2")
    assert client.get_partition_names(db, "t", -1) == ["ds=x%2Fy/hr=3", "ds=z/hr=9"]


def test_rename_partition_external_keeps_location(server, client):
    db = make_db(client)
    ext_loc = server.warehouse + "/ext/" + unique("e")
    t = make_table(client, db, "e", location=ext_loc, ttype="EXTERNAL_TABLE")
    add(client, t, ["a", "1"])
    put_file(t, "ds=a/hr=1")
    p = client.get_partition(db, "e", ["a", "1"])
    p.values = ["b", "2"]
    client.rename_partition(db, "e", ["a", "1"], p)
    got = client.get_partition(db, "e", ["b", "2"])
    assert got.sd.location == stored(ext_loc) + "/ds=a/hr=1"
    assert os.path.isfile(local_path(ext_loc) + "/ds=a/hr=1/f")
    assert not os.path.exists(local_path(ext_loc) + "/ds=b/hr=2")


def test_rename_partition_errors(client):
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["a", "1"], ["a", "2"])
    put_file(t, "ds=a/hr=1")

    def attempts(old, new_vals, d=db, tb="t"):
        p = client.get_partition(db, "t", ["a", "1"])
        p.values = new_vals
        return [lambda: client.rename_partition(d, tb, old, p),
                lambda: client.rename_partition_req(RenamePartitionRequest(
                    dbName=d, tableName=tb, partVals=old, newPart=p))]

    # the target exists already
    for call in attempts(["a", "1"], ["a", "2"]):
        with pytest.raises(ttypes.InvalidOperationException):
            call()
    # the source does not exist
    for call in attempts(["q", "7"], ["b", "1"]):
        with pytest.raises(ttypes.InvalidOperationException):
            call()
    for call in attempts([], ["b", "1"]):
        with pytest.raises(ttypes.InvalidOperationException):
            call()
    for call in attempts(["a", "1"], ["b", "1"], tb="missing") + \
            attempts(["a", "1"], ["b", "1"], d=unique("e2e_nodb")):
        with pytest.raises(ttypes.InvalidOperationException):
            call()
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=1", "ds=a/hr=2"]
    assert os.path.isfile(os.path.join(table_dir(t), "ds=a/hr=1", "f"))
    assert not exists(t, "ds=b/hr=1")


# ---------------------------------------------------------------------------
# exchange_partition(s)
# ---------------------------------------------------------------------------

SRC_VALS = [["2017", "1"], ["2017", "2"], ["2018", "1"]]


def pair(client, dest_cols=None, dest_parts=None):
    db = make_db(client)
    src = make_table(client, db, "src")
    dst = make_table(client, db, "dst", cols=dest_cols, parts=dest_parts)
    add(client, src, *SRC_VALS)
    for v in SRC_VALS:
        put_file(src, "ds=%s/hr=%s" % tuple(v), "data", "/".join(v))
    return db, src, dst


def test_exchange_partitions(client):
    db, src, dst = pair(client)
    moved = client.exchange_partitions({"ds": "2017", "hr": ""}, db, "src", db, "dst")
    assert sorted(p.values for p in moved) == [["2017", "1"], ["2017", "2"]]
    for p in moved:
        assert p.dbName == db and p.tableName == "dst"
    assert client.get_partition_names(db, "src", -1) == ["ds=2018/hr=1"]
    assert client.get_partition_names(db, "dst", -1) == ["ds=2017/hr=1", "ds=2017/hr=2"]
    for v in (["2017", "1"], ["2017", "2"]):
        name = "ds=%s/hr=%s" % tuple(v)
        got = client.get_partition(db, "dst", v)
        assert got.sd.location == loc(dst, name)
        with open(os.path.join(table_dir(dst), name, "data")) as f:
            assert f.read() == "/".join(v)
        assert not exists(src, name)
    assert exists(src, "ds=2018/hr=1")


def test_exchange_partition_single_and_across_databases(client):
    db, src, dst = pair(client)
    client.exchange_partition({"ds": "2017", "hr": "2"}, db, "src", db, "dst")
    assert client.get_partition_names(db, "dst", -1) == ["ds=2017/hr=2"]
    assert client.get_partition_names(db, "src", -1) == ["ds=2017/hr=1", "ds=2018/hr=1"]
    assert exists(dst, "ds=2017/hr=2") and not exists(src, "ds=2017/hr=2")
    # into a table of another database; keys the table lacks are ignored
    db2 = make_db(client)
    other = make_table(client, db2, "dst2")
    client.exchange_partitions({"ds": "2018", "hr": "", "nosuchkey": "x"}, db, "src", db2, "dst2")
    assert client.get_partition_names(db2, "dst2", -1) == ["ds=2018/hr=1"]
    assert client.get_partition(db2, "dst2", ["2018", "1"]).sd.location == \
        loc(other, "ds=2018/hr=1")
    assert client.get_partition_names(db, "src", -1) == ["ds=2017/hr=1"]


def test_exchange_partition_errors_change_nothing(client):
    db, src, dst = pair(client)
    ex = client.exchange_partitions
    bad_specs = [
        {"ds": "2019", "hr": ""},          # nothing matches
        {"ds": "2017", "hr": "9"},
        {},                                # empty specification
        {"ds": "", "hr": "1"},             # only a prefix of the keys may be given
        {"nokey": "2017"},                 # no known key at all
    ]
    for spec in bad_specs:
        with pytest.raises(ttypes.MetaException):
            ex(spec, db, "src", db, "dst")
        with pytest.raises(ttypes.MetaException):
            client.exchange_partition(spec, db, "src", db, "dst")
    # missing tables and databases
    for args in ((db, "missing", db, "dst"), (db, "src", db, "missing"),
                 (unique("e2e_nodb"), "src", db, "dst"), (db, "src", unique("e2e_nodb"), "dst")):
        with pytest.raises(ttypes.MetaException):
            ex({"ds": "2017", "hr": "1"}, *args)
    # a partition of the specification exists in the destination already
    add(client, dst, ["2017", "2"])
    with pytest.raises(ttypes.MetaException):
        ex({"ds": "2017", "hr": ""}, db, "src", db, "dst")
    assert client.get_partition_names(db, "src", -1) == [
        "ds=2017/hr=1", "ds=2017/hr=2", "ds=2018/hr=1"]
    assert client.get_partition_names(db, "dst", -1) == ["ds=2017/hr=2"]
    for v in SRC_VALS:
        assert os.path.isfile(os.path.join(table_dir(src), "ds=%s/hr=%s" % tuple(v), "data"))
    assert not exists(dst, "ds=2017/hr=1")


def test_exchange_partition_schema_mismatch(client):
    cases = [
        dict(dest_cols=[FieldSchema("id", "bigint", None), FieldSchema("name", "string", None),
                        FieldSchema("more", "string", None)]),
        dict(dest_cols=[FieldSchema("id", "string", None), FieldSchema("name", "string", None)]),
        dict(dest_cols=[FieldSchema("ident", "bigint", None),
                        FieldSchema("name", "string", None)]),
        dict(dest_parts=[FieldSchema("ds", "string", None), FieldSchema("hr", "string", None)]),
        dict(dest_parts=[FieldSchema("ds", "string", None), FieldSchema("hour", "int", None)]),
        dict(dest_parts=[FieldSchema("ds", "string", None)]),
    ]
    for kw in cases:
        db, src, dst = pair(client, **kw)
        with pytest.raises(ttypes.MetaException):
            client.exchange_partitions({"ds": "2017", "hr": "1"}, db, "src", db, "dst")
        assert client.get_partition_names(db, "src", -1) == [
            "ds=2017/hr=1", "ds=2017/hr=2", "ds=2018/hr=1"], kw
        assert client.get_partition_names(db, "dst", -1) == [], kw


# ---------------------------------------------------------------------------
# alter and the table's descriptor, columns and statistics
# ---------------------------------------------------------------------------

def test_alter_partition_drops_statistics_of_removed_columns(client):
    from hive_metastore.ttypes import (ColumnStatistics, ColumnStatisticsData,
                                       ColumnStatisticsDesc, ColumnStatisticsObj,
                                       LongColumnStatsData, PartitionsStatsRequest,
                                       StringColumnStatsData)
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["a", "1"])
    objs = [ColumnStatisticsObj(colName="id", colType="bigint", statsData=ColumnStatisticsData(
                longStats=LongColumnStatsData(numNulls=0, numDVs=3))),
            ColumnStatisticsObj(colName="name", colType="string", statsData=ColumnStatisticsData(
                stringStats=StringColumnStatsData(maxColLen=3, avgColLen=2.0, numNulls=0,
                                                  numDVs=2)))]
    assert client.update_partition_column_statistics(ColumnStatistics(
        statsDesc=ColumnStatisticsDesc(isTblLevel=False, dbName=db, tableName="t",
                                       partName="ds=a/hr=1"), statsObj=objs))

    def cols_with_stats():
        got = client.get_partitions_statistics_req(PartitionsStatsRequest(
            dbName=db, tblName="t", colNames=["id", "name"], partNames=["ds=a/hr=1"])).partStats
        return sorted(o.colName for o in got.get("ds=a/hr=1", []))
    assert cols_with_stats() == ["id", "name"]
    # the partition keeps only "id": the statistics of "name" go
    p = client.get_partition(db, "t", ["a", "1"])
    p.sd.cols = [FieldSchema("id", "bigint", "the id")]
    client.alter_partition(db, "t", p)
    assert [c.name for c in client.get_partition(db, "t", ["a", "1"]).sd.cols] == ["id"]
    assert cols_with_stats() == ["id"]
    # the table's columns are untouched
    assert [c.name for c in client.get_table(db, "t").sd.cols] == ["id", "name"]


def test_alter_table_format_leaves_existing_partitions_alone(client):
    """ALTER TABLE ... SET FILEFORMAT changes the table, not the partitions
    it already has (Hive's alter_table without cascade); new partitions
    take the new format."""
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["a", "1"])
    old_in = t.sd.inputFormat
    t.sd.inputFormat = "org.apache.hadoop.mapred.TextInputFormat"
    t.sd.serdeInfo.serializationLib = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    client.alter_table(db, "t", t)
    p = client.get_partition(db, "t", ["a", "1"])
    assert p.sd.inputFormat == old_in
    assert p.sd.serdeInfo.serializationLib != t.sd.serdeInfo.serializationLib
    t2 = client.get_table(db, "t")
    add(client, t2, ["b", "2"])
    q = client.get_partition(db, "t", ["b", "2"])
    assert q.sd.inputFormat == "org.apache.hadoop.mapred.TextInputFormat"
    # listings agree with single reads
    assert [x.sd.inputFormat for x in client.get_partitions(db, "t", -1)] == [
        old_in, "org.apache.hadoop.mapred.TextInputFormat"]
