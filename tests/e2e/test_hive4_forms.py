"""Hive 4.1's request forms and HiveServer2's background calls.

The _req forms Hive 4.1's HiveMetaStoreClient sends without a fallback
(get_partitions_by_filter_req, fetch_partition_names_req,
append_partition_req, drop_partition_req), get_partitions_with_specs and
get_tables_ext answer as their classic forms do; scheduled queries,
compactions and materialized views for rewriting answer the true state of a
catalog that stores none of them (hive_metastore.thrift of Apache Hive
master; HMSHandler for the expected answers).
"""
import pytest

from hive_metastore import ttypes
from hive_metastore.ttypes import (AppendPartitionsRequest, DropPartitionRequest,
                                   GetPartitionsByFilterRequest, GetPartitionsFilterSpec,
                                   GetPartitionsRequest, GetProjectionsSpec, GetTablesExtRequest,
                                   PartitionFilterMode, PartitionsRequest, ScheduledQuery,
                                   ScheduledQueryKey, ScheduledQueryMaintenanceRequest,
                                   ScheduledQueryMaintenanceRequestType,
                                   ScheduledQueryPollRequest, ScheduledQueryProgressInfo,
                                   QueryState, ShowCompactRequest, Table)
from partlib import exists, flatten_specs, loc, make_db, make_table, new_part

VALS = [["a", "1"], ["a", "2"], ["b", "1"]]
NAMES = ["ds=a/hr=1", "ds=a/hr=2", "ds=b/hr=1"]


def filled(client):
    db = make_db(client)
    t = make_table(client, db)
    client.add_partitions([new_part(t, v) for v in VALS])
    return db, t


def test_get_partitions_by_filter_req(client):
    db, t = filled(client)
    r = client.get_partitions_by_filter_req
    got = r(GetPartitionsByFilterRequest(dbName=db, tblName="t", filter='ds = "a"'))
    assert [p.values for p in got] == VALS[:2]
    got = r(GetPartitionsByFilterRequest(catName="hive", dbName=db, tblName="t", filter="hr = 1",
                                         maxParts=1))
    assert [p.values for p in got] == [["a", "1"]]
    # the same answers as get_partitions_by_filter
    assert got == client.get_partitions_by_filter(db, "t", "hr = 1", 1)
    with pytest.raises(ttypes.MetaException):
        r(GetPartitionsByFilterRequest(dbName=db, tblName="t", filter="ds = "))
    with pytest.raises(ttypes.NoSuchObjectException):
        r(GetPartitionsByFilterRequest(dbName=db, tblName="missing", filter='ds = "a"'))


def test_fetch_partition_names_req(client):
    db, t = filled(client)
    r = client.fetch_partition_names_req
    assert r(PartitionsRequest(dbName=db, tblName="t")) == NAMES
    assert r(PartitionsRequest(catName="hive", dbName=db, tblName="T", maxParts=2)) == NAMES[:2]
    # a missing table has no partition names, as get_partition_names answers
    assert r(PartitionsRequest(dbName=db, tblName="missing")) == []


def test_append_partition_req(client):
    db, t = filled(client)
    p = client.append_partition_req(AppendPartitionsRequest(dbName=db, tableName="t",
                                                            partVals=["c", "3"]))
    assert p.values == ["c", "3"] and p.sd.location == loc(t, "ds=c/hr=3")
    p = client.append_partition_req(AppendPartitionsRequest(catalogName="hive", dbName=db,
                                                            tableName="t", name="ds=d/hr=4"))
    assert p.values == ["d", "4"]
    assert client.get_partition_names(db, "t", -1) == NAMES + ["ds=c/hr=3", "ds=d/hr=4"]
    with pytest.raises(ttypes.AlreadyExistsException):
        client.append_partition_req(AppendPartitionsRequest(dbName=db, tableName="t",
                                                            partVals=["c", "3"]))
    with pytest.raises(ttypes.InvalidObjectException):
        client.append_partition_req(AppendPartitionsRequest(dbName=db, tableName="missing",
                                                            partVals=["c", "3"]))


def test_drop_partition_req(client):
    db, t = filled(client)
    d = client.drop_partition_req
    assert d(DropPartitionRequest(dbName=db, tblName="t", partVals=["a", "1"], deleteData=True))
    assert not exists(t, "ds=a/hr=1")
    assert d(DropPartitionRequest(catName="hive", dbName=db, tblName="t", partName="ds=b/hr=1"))
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=2"]
    with pytest.raises(ttypes.NoSuchObjectException):
        d(DropPartitionRequest(dbName=db, tblName="t", partVals=["a", "1"]))
    with pytest.raises(ttypes.NoSuchObjectException):
        d(DropPartitionRequest(dbName=db, tblName="missing", partName="ds=a/hr=2"))


def with_specs(client, db, mode=None, filters=None):
    spec = GetPartitionsFilterSpec(filterMode=mode, filters=filters) if mode is not None \
        else GetPartitionsFilterSpec()
    res = client.get_partitions_with_specs(GetPartitionsRequest(
        dbName=db, tblName="t", projectionSpec=GetProjectionsSpec(fieldList=[]), filterSpec=spec))
    return [v for v, _ in flatten_specs(res.partitionSpec)], res


def test_get_partitions_with_specs(client):
    db, t = filled(client)
    values, res = with_specs(client, db)
    assert values == VALS
    # grouped as get_partitions_pspec groups them
    assert res.partitionSpec == client.get_partitions_pspec(db, "t", -1)
    assert res.partitionSpec[0].rootPath == t.sd.location
    assert with_specs(client, db, PartitionFilterMode.BY_NAMES, ["ds=b/hr=1", "ds=x/hr=1"])[0] \
        == [["b", "1"]]
    assert with_specs(client, db, PartitionFilterMode.BY_VALUES, ["a"])[0] == VALS[:2]
    assert with_specs(client, db, PartitionFilterMode.BY_VALUES, ["", "1"])[0] \
        == [["a", "1"], ["b", "1"]]
    assert with_specs(client, db, PartitionFilterMode.BY_EXPR, ['ds = "a"', "hr > 1"])[0] \
        == [["a", "2"]]
    with pytest.raises(ttypes.MetaException):
        with_specs(client, db, PartitionFilterMode.BY_EXPR, ["ds = "])


def test_get_tables_ext(client):
    db = make_db(client)
    make_table(client, db, name="t1")
    make_table(client, db, name="t2")
    sd = client.get_table(db, "t1").sd
    sd.location = None
    client.create_table(Table(dbName=db, tableName="v1", tableType="VIRTUAL_VIEW",
                              viewOriginalText="select 1", viewExpandedText="select 1", sd=sd,
                              partitionKeys=[], parameters={}))
    r = client.get_tables_ext
    got = r(GetTablesExtRequest(catalog="hive", database=db, tableNamePattern="*",
                                requestedFields=1))
    assert [(e.tblName, e.accessType) for e in got] == [("t1", 8), ("t2", 8), ("v1", 2)]
    got = r(GetTablesExtRequest(catalog="hive", database=db, tableNamePattern="t*",
                                requestedFields=0, limit=1))
    assert [(e.tblName, e.accessType) for e in got] == [("t1", None)]
    assert r(GetTablesExtRequest(catalog="hive", database=db, tableNamePattern="",
                                 requestedFields=1)) == []


def test_materialized_views_for_rewriting(client):
    db = make_db(client)
    make_table(client, db, name="src")
    assert client.get_materialized_views_for_rewriting(db) == []
    assert client.get_materialized_views_for_rewriting("e2e_no_such_db") == []
    before = client.get_all_materialized_view_objects_for_rewriting()
    sd = client.get_table(db, "src").sd
    sd.location = None
    for name, rewrite in (("mv_on", True), ("mv_off", False)):
        client.create_table(Table(dbName=db, tableName=name, tableType="MATERIALIZED_VIEW",
                                  viewOriginalText="select * from src",
                                  viewExpandedText="select * from src", sd=sd, partitionKeys=[],
                                  parameters={}, rewriteEnabled=rewrite))
    assert client.get_materialized_views_for_rewriting(db) == ["mv_on"]
    after = client.get_all_materialized_view_objects_for_rewriting()
    added = [(t.dbName, t.tableName) for t in after if t not in before]
    assert added == [(db, "mv_on")]
    assert all(t.rewriteEnabled and t.tableType == "MATERIALIZED_VIEW" for t in after)


def test_scheduled_queries_are_not_stored(client):
    res = client.scheduled_query_poll(ScheduledQueryPollRequest(clusterNamespace="hive"))
    assert res.executionId is None and res.scheduleKey is None
    key = ScheduledQueryKey(scheduleName="sq1", clusterNamespace="hive")
    create = ScheduledQueryMaintenanceRequest(
        type=ScheduledQueryMaintenanceRequestType.CREATE,
        scheduledQuery=ScheduledQuery(scheduleKey=key, schedule="0 0 * * * ? *", query="select 1"))
    with pytest.raises(ttypes.MetaException, match="not stored"):
        client.scheduled_query_maintenance(create)
    for kind in (ScheduledQueryMaintenanceRequestType.ALTER,
                 ScheduledQueryMaintenanceRequestType.DROP):
        with pytest.raises(ttypes.NoSuchObjectException):
            client.scheduled_query_maintenance(ScheduledQueryMaintenanceRequest(
                type=kind, scheduledQuery=ScheduledQuery(scheduleKey=key)))
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_scheduled_query(key)
    with pytest.raises(ttypes.InvalidOperationException):
        client.scheduled_query_progress(ScheduledQueryProgressInfo(
            scheduledExecutionId=7, state=QueryState.FINISHED, executorQueryId="q"))


def test_show_compact_is_empty(client):
    assert client.show_compact(ShowCompactRequest()).compacts == []
    assert client.show_compact(ShowCompactRequest(dbName="default", tbName="t")).compacts == []


def test_flush_cache_and_runtime_stats(client):
    """HiveServer2 calls flushCache at every session and get_runtime_stats at
    start; both used to answer UNKNOWN_METHOD (logged as warnings by HS2)."""
    client.flushCache()
    assert client.get_runtime_stats(ttypes.GetRuntimeStatsRequest(maxWeight=100,
                                                                 maxCreateTime=0)) == []
    with pytest.raises(ttypes.MetaException) as e:
        client.add_runtime_stats(ttypes.RuntimeStat(createTime=1, weight=1, payload=b"x"))
    assert "not stored" in e.value.message
    assert client.get_database("default").name == "default"
