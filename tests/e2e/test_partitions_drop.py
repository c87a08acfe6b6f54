"""Dropping partitions: drop_partition(_by_name)(_with_environment_context),
drop_partitions_req by names and by expressions, deleteData on file://, and
the partitions' column statistics going with them.

Expected behaviour is Apache Hive's (HMSHandler.drop_partition_common /
drop_partitions_req, Warehouse.deleteDir + deleteParentRecursive) as pinned
by Hive's TestDropPartitions. Hive's DropPartitionsExpr carries a
Kryo-serialized expression that only Java can read; here its bytes are a
partition filter in UTF-8 (the documented extension).
"""
import os

import pytest

from conftest import unique
from hive_metastore import ttypes
from hive_metastore.ttypes import (ColumnStatistics, ColumnStatisticsData, ColumnStatisticsDesc,
                                   ColumnStatisticsObj, DropPartitionsExpr, DropPartitionsRequest,
                                   EnvironmentContext, FieldSchema, LongColumnStatsData,
                                   PartitionsStatsRequest, RequestPartsSpec)
from partlib import (add, exists, local_path, make_db, make_table, names, new_part, psql,
                     table_dir)

VALS = [["a", "1"], ["a", "2"], ["b", "1"], ["c", "3"]]
NAMES = ["ds=a/hr=1", "ds=a/hr=2", "ds=b/hr=1", "ds=c/hr=3"]


def filled(client, **kw):
    db = make_db(client)
    t = make_table(client, db, **kw)
    add(client, t, *VALS)
    for n in NAMES:
        d = os.path.join(table_dir(t), n)
        with open(os.path.join(d, "data"), "w") as f:
            f.write(n)
    return db, t


# ---------------------------------------------------------------------------
# drop_partition and drop_partition_by_name
# ---------------------------------------------------------------------------

def test_drop_partition_delete_data(client):
    db, t = filled(client)
    assert client.drop_partition(db, "t", ["a", "1"], True) is True
    assert client.get_partition_names(db, "t", -1) == NAMES[1:]
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partition(db, "t", ["a", "1"])
    assert not exists(t, "ds=a/hr=1")
    assert exists(t, "ds=a/hr=2") and exists(t, "ds=b/hr=1")
    # the last partition under ds=a takes its parent directory along
    # (HMSHandler.deleteParentRecursive), never the table's directory
    assert client.drop_partition_with_environment_context(db, "T", ["a", "2"], True,
                                                          EnvironmentContext({"k": "v"}))
    assert not os.path.exists(os.path.join(table_dir(t), "ds=a"))
    assert os.path.isdir(table_dir(t))
    assert client.get_partition_names(db, "t", -1) == NAMES[2:]


def test_drop_partition_keep_data(client):
    db, t = filled(client)
    assert client.drop_partition(db, "t", ["b", "1"], False)
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=1", "ds=a/hr=2", "ds=c/hr=3"]
    assert os.path.isfile(os.path.join(table_dir(t), "ds=b/hr=1", "data"))
    assert client.drop_partition_with_environment_context(db, "t", ["c", "3"], False, None)
    assert exists(t, "ds=c/hr=3")
    # once dropped, the partition can be added again on its old directory
    client.add_partition(new_part(t, ["b", "1"]))
    assert os.path.isfile(os.path.join(table_dir(t), "ds=b/hr=1", "data"))


def test_drop_partition_external_keeps_data(server, client):
    ext = server.warehouse + "/ext/" + unique("e")
    db, t = filled(client, location=ext, ttype="EXTERNAL_TABLE")
    assert client.drop_partition(db, "t", ["a", "1"], True)
    assert os.path.isfile(local_path(ext) + "/ds=a/hr=1/data")
    assert client.drop_partition_by_name(db, "t", "ds=a/hr=2", True)
    assert os.path.isfile(local_path(ext) + "/ds=a/hr=2/data")
    assert client.get_partition_names(db, "t", -1) == NAMES[2:]


def test_drop_partition_external_purge_deletes_data(server, client):
    """The one deletion rule (service/table.h): an external table with
    external.table.purge=true loses its partitions' data with them, as its
    own data with drop_table (Hive's isExternalTablePurge)."""
    ext = server.warehouse + "/ext/" + unique("ep")
    db, t = filled(client, location=ext, ttype="EXTERNAL_TABLE",
                   params={"external.table.purge": "true"})
    assert client.drop_partition(db, "t", ["a", "1"], True)
    assert not os.path.exists(local_path(ext) + "/ds=a/hr=1")
    assert client.drop_partition(db, "t", ["b", "1"], False)
    assert os.path.isfile(local_path(ext) + "/ds=b/hr=1/data")


def test_drop_partition_at_custom_location(server, client):
    db = make_db(client)
    t = make_table(client, db)
    custom = server.warehouse + "/custom/" + unique("p")
    client.add_partition(new_part(t, ["x", "1"], location=custom))
    assert os.path.isdir(local_path(custom))
    assert client.drop_partition(db, "t", ["x", "1"], True)
    assert not os.path.exists(local_path(custom))


def test_drop_partition_errors(client):
    db, t = filled(client)
    nodb = unique("e2e_nodb")
    for call in (lambda d, tb, v: client.drop_partition(d, tb, v, True),
                 lambda d, tb, v: client.drop_partition_with_environment_context(
                     d, tb, v, True, EnvironmentContext({}))):
        with pytest.raises(ttypes.NoSuchObjectException):
            call(db, "t", ["a", "9"])
        with pytest.raises(ttypes.NoSuchObjectException):
            call(db, "t", ["", ""])
        with pytest.raises(ttypes.NoSuchObjectException):
            call(db, "missing", ["a", "1"])
        with pytest.raises(ttypes.NoSuchObjectException):
            call(nodb, "t", ["a", "1"])
        for bad in (["a"], ["a", "1", "x"], []):
            with pytest.raises(ttypes.MetaException):
                call(db, "t", bad)
    assert client.get_partition_names(db, "t", -1) == NAMES
    for n in NAMES:
        assert exists(t, n)


def test_drop_partition_by_name(client):
    db, t = filled(client)
    assert client.drop_partition_by_name(db, "t", "ds=a/hr=1", True) is True
    assert not exists(t, "ds=a/hr=1")
    assert client.drop_partition_by_name_with_environment_context(
        db, "t", "ds=b/hr=1", False, EnvironmentContext({"k": "v"}))
    assert exists(t, "ds=b/hr=1")
    # keys in another order, and components for keys the table lacks, are fine
    assert client.drop_partition_by_name(db, "t", "hr=3/ds=c", True)
    assert client.drop_partition_by_name(db, "t", "ds=a/hr=2/extra=1", True)
    assert client.get_partition_names(db, "t", -1) == []


def test_drop_partition_by_name_escaped(client):
    db = make_db(client)
    t = make_table(client, db, parts=[FieldSchema("p", "string", None)])
    client.add_partition(new_part(t, ["a/b c%"]))
    assert exists(t, "p=a%2Fb c%25")
    assert client.drop_partition_by_name(db, "t", "p=a%2Fb c%25", True)
    assert client.get_partition_names(db, "t", -1) == []
    assert not exists(t, "p=a%2Fb c%25")


def test_drop_partition_by_name_errors(client):
    db, t = filled(client)
    nodb = unique("e2e_nodb")
    for call in (lambda d, tb, n: client.drop_partition_by_name(d, tb, n, True),
                 lambda d, tb, n: client.drop_partition_by_name_with_environment_context(
                     d, tb, n, True, None)):
        for bad in ("ds=a/hr=9", "ds=a", "ev=a/honap=1", "invalidnameformat", "ds=/hr=",
                    "DS=a/HR=1"):
            with pytest.raises(ttypes.NoSuchObjectException):
                call(db, "t", bad)
        with pytest.raises(ttypes.MetaException):
            call(db, "t", "")
        with pytest.raises(ttypes.NoSuchObjectException):
            call(db, "missing", "ds=a/hr=1")
        with pytest.raises(ttypes.NoSuchObjectException):
            call(nodb, "t", "ds=a/hr=1")
    assert client.get_partition_names(db, "t", -1) == NAMES


# ---------------------------------------------------------------------------
# drop_partitions_req
# ---------------------------------------------------------------------------

def by_names(db, ns, **kw):
    return DropPartitionsRequest(dbName=db, tblName="t", parts=RequestPartsSpec(names=ns), **kw)


def by_exprs(db, filters, **kw):
    return DropPartitionsRequest(dbName=db, tblName="t", parts=RequestPartsSpec(
        exprs=[DropPartitionsExpr(expr=f.encode("utf-8")) for f in filters]), **kw)


def test_drop_partitions_req_by_names(client):
    db, t = filled(client)
    res = client.drop_partitions_req(by_names(db, ["ds=a/hr=1", "ds=b/hr=1"], deleteData=True))
    assert sorted(names(res.partitions)) == ["ds=a/hr=1", "ds=b/hr=1"]
    for p in res.partitions:
        assert p.dbName == db and p.tableName == "t" and p.sd.location
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=2", "ds=c/hr=3"]
    assert not exists(t, "ds=a/hr=1") and not exists(t, "ds=b/hr=1")

    res = client.drop_partitions_req(by_names(db, ["ds=a/hr=2"], deleteData=False,
                                              needResult=False))
    assert not res.partitions
    assert exists(t, "ds=a/hr=2")
    assert client.get_partition_names(db, "t", -1) == ["ds=c/hr=3"]


def test_drop_partitions_req_if_exists(client):
    db, t = filled(client)
    # ifExists=False: one missing name fails the whole request
    with pytest.raises(ttypes.NoSuchObjectException):
        client.drop_partitions_req(by_names(db, ["ds=a/hr=1", "ds=zz/hr=1"], ifExists=False,
                                            deleteData=True))
    assert client.get_partition_names(db, "t", -1) == NAMES
    assert exists(t, "ds=a/hr=1")
    # ifExists=True (the default): the missing ones are skipped
    res = client.drop_partitions_req(by_names(db, ["ds=a/hr=1", "ds=zz/hr=1"], deleteData=True))
    assert names(res.partitions) == ["ds=a/hr=1"]
    res = client.drop_partitions_req(by_names(db, ["ds=zz/hr=1"], ifExists=True))
    assert res.partitions == []
    res = client.drop_partitions_req(by_names(db, []))
    assert res.partitions == []
    assert client.get_partition_names(db, "t", -1) == NAMES[1:]


def test_drop_partitions_req_by_expressions(client):
    db, t = filled(client)
    res = client.drop_partitions_req(by_exprs(db, ['ds = "a"'], deleteData=True))
    assert sorted(names(res.partitions)) == ["ds=a/hr=1", "ds=a/hr=2"]
    assert client.get_partition_names(db, "t", -1) == ["ds=b/hr=1", "ds=c/hr=3"]
    assert not exists(t, "ds=a/hr=1") and not os.path.exists(os.path.join(table_dir(t), "ds=a"))
    # several expressions, numeric comparison on the int key
    res = client.drop_partitions_req(by_exprs(db, ["hr > 2", 'ds = "b" and hr = 1'],
                                              deleteData=False))
    assert sorted(names(res.partitions)) == ["ds=b/hr=1", "ds=c/hr=3"]
    assert exists(t, "ds=c/hr=3")
    assert client.get_partition_names(db, "t", -1) == []


def test_drop_partitions_req_by_expressions_if_exists_and_errors(client):
    db, t = filled(client)
    # with ifExists=False Hive wants at least one partition per expression,
    # counted over the whole request (HMSHandler.drop_partitions_req: minCount)
    with pytest.raises(ttypes.NoSuchObjectException):
        client.drop_partitions_req(by_exprs(db, ['ds = "nope"'], ifExists=False))
    with pytest.raises(ttypes.NoSuchObjectException):
        client.drop_partitions_req(by_exprs(db, ['ds = "c"', 'ds = "nope"'], ifExists=False,
                                            deleteData=True))
    assert exists(t, "ds=c/hr=3")
    assert client.get_partition_names(db, "t", -1) == NAMES
    res = client.drop_partitions_req(by_exprs(db, ['ds = "nope"']))
    assert res.partitions == []
    # unicode in the expression is UTF-8
    client.add_partition(new_part(t, ["\u65e5\u672c", "1"]))
    res = client.drop_partitions_req(by_exprs(db, ['ds = "\u65e5\u672c"']))
    assert [p.values for p in res.partitions] == [["\u65e5\u672c", "1"]]
    # not a filter, or not UTF-8 (a Kryo expression from a Java client)
    for bad in (b'ds = ', b'nokey = 1', b'\x01\x00org.apache.hadoop\xff'):
        with pytest.raises(ttypes.MetaException):
            client.drop_partitions_req(DropPartitionsRequest(
                dbName=db, tblName="t", parts=RequestPartsSpec(exprs=[DropPartitionsExpr(
                    expr=bad)])))
    assert client.get_partition_names(db, "t", -1) == NAMES


def test_drop_partitions_req_errors(client):
    db, t = filled(client)
    with pytest.raises(ttypes.NoSuchObjectException):
        client.drop_partitions_req(DropPartitionsRequest(
            dbName=db, tblName="missing", parts=RequestPartsSpec(names=["ds=a/hr=1"])))
    with pytest.raises(ttypes.NoSuchObjectException):
        client.drop_partitions_req(DropPartitionsRequest(
            dbName=unique("e2e_nodb"), tblName="t", parts=RequestPartsSpec(names=["ds=a/hr=1"])))
    # neither names nor expressions ("Partition spec is not set")
    with pytest.raises(ttypes.MetaException):
        client.drop_partitions_req(DropPartitionsRequest(dbName=db, tblName="t",
                                                         parts=RequestPartsSpec()))
    assert client.get_partition_names(db, "t", -1) == NAMES
    # the catalog-prefixed name and an environment context
    res = client.drop_partitions_req(DropPartitionsRequest(
        dbName="@hive#" + db, tblName="T", parts=RequestPartsSpec(names=["ds=c/hr=3"]),
        environmentContext=EnvironmentContext({"k": "v"}), deleteData=True))
    assert names(res.partitions) == ["ds=c/hr=3"]
    assert not exists(t, "ds=c/hr=3")


# ---------------------------------------------------------------------------
# column statistics go with their partition
# ---------------------------------------------------------------------------

def stats(db, part, ndv):
    return ColumnStatistics(
        statsDesc=ColumnStatisticsDesc(isTblLevel=False, dbName=db, tableName="t", partName=part),
        statsObj=[ColumnStatisticsObj(colName="id", colType="bigint", statsData=ColumnStatisticsData(
            longStats=LongColumnStatsData(lowValue=1, highValue=9, numNulls=0, numDVs=ndv)))])


def part_stats(client, db, parts):
    return client.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=db, tblName="t", colNames=["id"], partNames=parts)).partStats


def test_dropping_a_partition_drops_its_statistics(client):
    db, t = filled(client)
    for n in NAMES:
        assert client.update_partition_column_statistics(stats(db, n, 5))
    assert sorted(part_stats(client, db, NAMES)) == NAMES

    client.drop_partition(db, "t", ["a", "1"], True)
    client.drop_partition_by_name(db, "t", "ds=a/hr=2", False)
    client.drop_partitions_req(by_names(db, ["ds=b/hr=1"]))
    assert sorted(part_stats(client, db, NAMES)) == ["ds=c/hr=3"]
    # a partition added again under the same name starts without statistics
    add(client, t, ["a", "1"])
    assert part_stats(client, db, ["ds=a/hr=1"]) == {}
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partition_column_statistics(db, "t", "ds=a/hr=1", "id")
    client.drop_partitions_req(by_exprs(db, ["hr = 3"]))
    assert part_stats(client, db, NAMES) == {}


def test_drop_table_takes_its_partitions_and_their_data(server, client):
    """drop_table of a managed table drops its partitions, their statistics
    and, with deleteData, the directories of partitions outside the table's
    directory too (HMSHandler.dropPartitionsAndGetLocations)."""
    db, t = filled(client)
    outside = server.warehouse + "/outside/" + unique("p")
    client.add_partition(new_part(t, ["z", "9"], location=outside))
    assert client.update_partition_column_statistics(stats(db, "ds=a/hr=1", 5))
    client.drop_table(db, "t", True)
    assert not os.path.exists(table_dir(t))
    assert not os.path.exists(local_path(outside))
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partitions(db, "t", -1)
    t = make_table(client, db)
    assert client.get_partition_names(db, "t", -1) == []
    assert part_stats(client, db, ["ds=a/hr=1"]) == {}

    # an external table keeps every directory
    ext = server.warehouse + "/ext/" + unique("e")
    e = make_table(client, db, "e", location=ext, ttype="EXTERNAL_TABLE")
    add(client, e, ["a", "1"])
    outside = server.warehouse + "/outside/" + unique("p")
    client.add_partition(new_part(e, ["z", "9"], location=outside))
    client.drop_table(db, "e", True)
    assert os.path.isdir(local_path(ext) + "/ds=a/hr=1")
    assert os.path.isdir(local_path(outside))


def value_rows(server, table_id):
    return int(psql(server, "SELECT count(*) FROM ms_partition_values WHERE table_id = %d"
                    % table_id).strip())


def table_id(server, db, name):
    return int(psql(server, "SELECT t.table_id FROM ms_tables t JOIN ms_databases d "
                            "USING (db_id) WHERE d.name = '%s' AND t.name = '%s'"
                    % (db, name)).strip())


def test_values_rows_go_with_their_partitions(server, client):
    """The typed values rows the filters read (one per partition and key)
    have no foreign key to their partition (sql/013): every way a partition
    goes takes its rows along, and the filters answer as before."""
    db, t = filled(client)
    tid = table_id(server, db, "t")
    assert value_rows(server, tid) == 8
    assert client.drop_partition(db, "t", ["a", "1"], False)
    assert value_rows(server, tid) == 6
    client.drop_partitions_req(by_names(db, ["ds=a/hr=2"]))
    assert value_rows(server, tid) == 4
    client.drop_partitions_req(by_exprs(db, ["hr = 3"]))
    assert value_rows(server, tid) == 2
    add(client, t, ["c", "3"], ["d", "4"])
    assert value_rows(server, tid) == 6
    dst = make_table(client, db, "dst")
    did = table_id(server, db, "dst")
    client.exchange_partition({"ds": "b", "hr": "1"}, db, "t", db, "dst")
    assert value_rows(server, tid) == 4 and value_rows(server, did) == 2
    assert [p.values for p in client.get_partitions_by_filter(db, "dst", 'ds = "b"', -1)] == \
        [["b", "1"]]
    assert client.get_partitions_by_filter(db, "t", 'ds = "b"', -1) == []
    assert sorted(p.values for p in client.get_partitions_by_filter(db, "t", "hr > 2", -1)) == \
        [["c", "3"], ["d", "4"]]
    client.drop_table(db, "t", False)
    assert value_rows(server, tid) == 0
    assert value_rows(server, did) == 2 and dst is not None
    client.drop_database(db, True, True)
    assert value_rows(server, did) == 0
