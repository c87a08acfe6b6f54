"""Reading partitions: get_partition*, get_partitions*, the _ps (partial
specification) family, partition names, by names, by expression, the
partition-name helpers and get_partition_values.

Expected behaviour is Apache Hive's (HMSHandler, ObjectStore,
MetaStoreDirectSql: results ordered by partition name, max_parts -1 = all,
0 = none) as pinned by Hive's TestGetPartitions and TestListPartitions.
"""
import pytest
from thrift.Thrift import TApplicationException

from conftest import unique
from hive_metastore import ttypes
from hive_metastore.ttypes import (FieldSchema, GetPartitionNamesPsRequest, GetPartitionRequest,
                                   GetPartitionsByNamesRequest, GetPartitionsPsWithAuthRequest,
                                   PartitionsByExprRequest, PartitionsRequest,
                                   PartitionValuesRequest)
from partlib import flatten_specs, loc, make_db, make_table, names, new_part, stored

# added in this (unsorted) order; every listing comes back in name order
VALS = [["2024-01-02", "1"], ["2024-01-01", "10"], ["2024-01-01", "1"], ["2024-01-01", "2"]]
NAMES = ["ds=2024-01-01/hr=1", "ds=2024-01-01/hr=10", "ds=2024-01-01/hr=2",
         "ds=2024-01-02/hr=1"]


def filled(client, params=None):
    db = make_db(client)
    t = make_table(client, db, params=params)
    client.add_partitions([new_part(t, v, params={"n": "/".join(v)}) for v in VALS])
    return db, t


# ---------------------------------------------------------------------------
# one partition
# ---------------------------------------------------------------------------

def test_get_partition_variants(client):
    db, t = filled(client)
    want = ["2024-01-01", "10"]
    gets = [
        client.get_partition(db, "t", want),
        client.get_partition_req(GetPartitionRequest(dbName=db, tblName="t",
                                                     partVals=want)).partition,
        client.get_partition_by_name(db, "t", "ds=2024-01-01/hr=10"),
        client.get_partition_with_auth(db, "t", want, "alice", ["staff"]),
        client.get_partition("@hive#" + db, "T", want),
        client.get_partition_req(GetPartitionRequest(catName="hive", dbName=db.upper(),
                                                     tblName="t", partVals=want)).partition,
    ]
    for p in gets:
        assert p.values == want
        assert p.dbName == db and p.tableName == "t" and p.catName == "hive"
        assert p.sd.location == loc(t, "ds=2024-01-01/hr=10")
        assert p.parameters["n"] == "2024-01-01/10"
        assert p.createTime == gets[0].createTime


def test_get_partition_errors(client):
    db, t = filled(client)
    nodb = unique("e2e_nodb")
    for call in (lambda d, tb, v: client.get_partition(d, tb, v),
                 lambda d, tb, v: client.get_partition_req(
                     GetPartitionRequest(dbName=d, tblName=tb, partVals=v)),
                 lambda d, tb, v: client.get_partition_with_auth(d, tb, v, "u", ["g"])):
        with pytest.raises(ttypes.NoSuchObjectException):
            call(db, "t", ["2024-01-01", "99"])
        with pytest.raises(ttypes.NoSuchObjectException):
            call(db, "missing", ["2024-01-01", "1"])
        with pytest.raises(ttypes.NoSuchObjectException):
            call(nodb, "t", ["2024-01-01", "1"])
        # the number of values must match the keys (Warehouse.makePartName)
        with pytest.raises(ttypes.MetaException):
            call(db, "t", ["2024-01-01"])
        with pytest.raises(ttypes.MetaException):
            call(db, "t", ["2024-01-01", "1", "x"])
        with pytest.raises(ttypes.MetaException):
            call(db, "t", [])


def test_get_partition_by_name_errors(client):
    db, t = filled(client)
    for bad in ("ds=2024-01-01/hr=99", "ds=2024-01-01", "DS=2024-01-01/HR=1",
                "nonsense", "hr=1/ds=2024-01-01x"):
        with pytest.raises(ttypes.NoSuchObjectException):
            client.get_partition_by_name(db, "t", bad)
    with pytest.raises(ttypes.MetaException):
        client.get_partition_by_name(db, "t", "")
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partition_by_name(db, "missing", "ds=2024-01-01/hr=1")
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partition_by_name(unique("e2e_nodb"), "t", "ds=2024-01-01/hr=1")
    # keys given in another order name the same partition
    assert client.get_partition_by_name(db, "t", "hr=1/ds=2024-01-01").values == \
        ["2024-01-01", "1"]


# ---------------------------------------------------------------------------
# all partitions
# ---------------------------------------------------------------------------

def test_get_partitions_order_and_max_parts(client):
    db, t = filled(client)
    assert names(client.get_partitions(db, "t", -1)) == NAMES
    assert names(client.get_partitions(db, "t", 2)) == NAMES[:2]
    assert client.get_partitions(db, "t", 0) == []
    assert names(client.get_partitions(db, "t", 100)) == NAMES
    for p in client.get_partitions(db, "t", -1):
        assert p.dbName == db and p.tableName == "t" and p.catName == "hive"
        assert p.sd.location == loc(t, names([p])[0])
        assert p.parameters["n"] == "/".join(p.values)
        assert [c.name for c in p.sd.cols] == ["id", "name"]

    r = client.get_partitions_req
    assert names(r(PartitionsRequest(dbName=db, tblName="t")).partitions) == NAMES
    assert names(r(PartitionsRequest(dbName=db, tblName="t", maxParts=3)).partitions) == \
        NAMES[:3]
    assert r(PartitionsRequest(dbName=db, tblName="t", maxParts=0)).partitions == []
    assert names(r(PartitionsRequest(catName="hive", dbName=db, tblName="T")).partitions) == \
        NAMES

    w = client.get_partitions_with_auth
    assert names(w(db, "t", -1, "alice", ["staff"])) == NAMES
    assert names(w(db, "t", 1, "alice", [])) == NAMES[:1]
    assert w(db, "t", 0, "alice", []) == []


def test_get_partitions_empty_and_missing(client):
    db = make_db(client)
    make_table(client, db)
    assert client.get_partitions(db, "t", -1) == []
    assert client.get_partitions_req(PartitionsRequest(dbName=db, tblName="t")).partitions == []
    nodb = unique("e2e_nodb")
    for d, tb in ((db, "missing"), (nodb, "t")):
        with pytest.raises(ttypes.NoSuchObjectException):
            client.get_partitions(d, tb, -1)
        with pytest.raises(ttypes.NoSuchObjectException):
            client.get_partitions_req(PartitionsRequest(dbName=d, tblName=tb))
        with pytest.raises(ttypes.NoSuchObjectException):
            client.get_partitions_with_auth(d, tb, -1, "u", [])
        with pytest.raises(ttypes.NoSuchObjectException):
            client.get_partitions_pspec(d, tb, -1)


def test_get_partitions_pspec(client):
    db, t = filled(client)
    flat = flatten_specs(client.get_partitions_pspec(db, "t", -1))
    assert [v for v, _ in flat] == [names_to_vals(n) for n in NAMES]
    assert [loc_ for _, loc_ in flat] == [loc(t, n) for n in NAMES]
    assert [v for v, _ in flatten_specs(client.get_partitions_pspec(db, "t", 2))] == \
        [names_to_vals(n) for n in NAMES[:2]]
    assert flatten_specs(client.get_partitions_pspec(db, "t", 0)) == []
    for s in client.get_partitions_pspec(db, "t", -1):
        assert s.dbName == db and s.tableName == "t"


def test_get_partitions_pspec_grouped_by_storage_descriptor(server, client):
    """With hive.hcatalog.partition.spec.grouping.enabled=true Hive groups the
    partitions under the table directory into shared-SD specs (relativePath)
    and lists the others as they are; every partition appears once."""
    db, t = filled(client, params={"hive.hcatalog.partition.spec.grouping.enabled": "true"})
    outside = server.warehouse + "/outside/" + unique("p")
    client.add_partition(new_part(t, ["2024-02-01", "1"], location=outside))
    flat = flatten_specs(client.get_partitions_pspec(db, "t", -1))
    got = sorted((tuple(v), location) for v, location in flat)
    want = sorted([(tuple(names_to_vals(n)), loc(t, n)) for n in NAMES] +
                  [(("2024-02-01", "1"), stored(outside))])
    assert got == want


def names_to_vals(name):
    return [kv.split("=", 1)[1] for kv in name.split("/")]


# ---------------------------------------------------------------------------
# partial specifications: get_partitions_ps and friends
# ---------------------------------------------------------------------------

PS_CASES = [
    (["2024-01-01"], NAMES[:3]),
    (["2024-01-01", "1"], NAMES[:1]),
    (["2024-01-01", ""], NAMES[:3]),     # "" matches any value
    (["", "1"], [NAMES[0], NAMES[3]]),
    (["", ""], NAMES),
    ([""], NAMES),
    (["2024-01-03"], []),
    (["2024-01-01", "3"], []),
    (["2024-01"], []),                   # whole values only, no prefixes
]


def test_get_partitions_ps(client):
    db, t = filled(client)
    for spec, want in PS_CASES:
        assert names(client.get_partitions_ps(db, "t", spec, -1)) == want, spec
        assert names(client.get_partitions_ps_with_auth(db, "t", spec, -1, "u", ["g"])) == \
            want, spec
        res = client.get_partitions_ps_with_auth_req(GetPartitionsPsWithAuthRequest(
            dbName=db, tblName="t", partVals=spec, userName="u", groupNames=["g"]))
        assert names(res.partitions) == want, spec
        assert client.get_partition_names_ps(db, "t", spec, -1) == want, spec
        res = client.get_partition_names_ps_req(GetPartitionNamesPsRequest(
            dbName=db, tblName="t", partValues=spec))
        assert res.names == want, spec
    # max_parts
    spec = ["2024-01-01"]
    assert names(client.get_partitions_ps(db, "t", spec, 2)) == NAMES[:2]
    assert client.get_partitions_ps(db, "t", spec, 0) == []
    assert names(client.get_partitions_ps_with_auth(db, "t", spec, 1, "u", [])) == NAMES[:1]
    res = client.get_partitions_ps_with_auth_req(GetPartitionsPsWithAuthRequest(
        dbName=db, tblName="t", partVals=spec, maxParts=2))
    assert names(res.partitions) == NAMES[:2]
    assert client.get_partition_names_ps(db, "t", spec, 1) == NAMES[:1]
    assert client.get_partition_names_ps(db, "t", spec, 0) == []
    res = client.get_partition_names_ps_req(GetPartitionNamesPsRequest(
        dbName=db, tblName="t", partValues=spec, maxParts=2))
    assert res.names == NAMES[:2]
    # the request forms without values list everything
    res = client.get_partitions_ps_with_auth_req(GetPartitionsPsWithAuthRequest(
        dbName=db, tblName="t"))
    assert names(res.partitions) == NAMES


def test_get_partitions_ps_errors(client):
    db, t = filled(client)
    nodb = unique("e2e_nodb")
    calls = [
        lambda d, tb, v: client.get_partitions_ps(d, tb, v, -1),
        lambda d, tb, v: client.get_partitions_ps_with_auth(d, tb, v, -1, "u", []),
        lambda d, tb, v: client.get_partitions_ps_with_auth_req(
            GetPartitionsPsWithAuthRequest(dbName=d, tblName=tb, partVals=v)),
        lambda d, tb, v: client.get_partition_names_ps(d, tb, v, -1),
        lambda d, tb, v: client.get_partition_names_ps_req(
            GetPartitionNamesPsRequest(dbName=d, tblName=tb, partValues=v)),
    ]
    for call in calls:
        # more values than keys, or none at all
        with pytest.raises(ttypes.MetaException):
            call(db, "t", ["2024-01-01", "1", "x"])
        with pytest.raises(ttypes.MetaException):
            call(db, "t", [])
        with pytest.raises(ttypes.NoSuchObjectException):
            call(db, "missing", ["2024-01-01"])
        with pytest.raises(ttypes.NoSuchObjectException):
            call(nodb, "t", ["2024-01-01"])


# ---------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------

def test_get_partition_names(client):
    db, t = filled(client)
    assert client.get_partition_names(db, "t", -1) == NAMES
    assert client.get_partition_names(db, "t", 3) == NAMES[:3]
    assert client.get_partition_names(db, "t", 0) == []
    assert client.get_partition_names(db, "t", 1000) == NAMES
    assert client.get_partition_names("@hive#" + db, "T", -1) == NAMES
    # a missing table has no partitions (ObjectStore.listPartitionNames;
    # TestListPartitions.testListPartitionNamesNoTable)
    assert client.get_partition_names(db, "missing", -1) == []
    assert client.get_partition_names(unique("e2e_nodb"), "t", -1) == []


def test_get_partition_names_req(client):
    db, t = filled(client)
    r = client.get_partition_names_req
    # no expression: every name
    assert r(PartitionsByExprRequest(dbName=db, tblName="t", expr=b"")) == NAMES
    assert r(PartitionsByExprRequest(dbName=db, tblName="t", expr=b"", maxParts=2)) == NAMES[:2]
    assert r(PartitionsByExprRequest(dbName=db, tblName="t", expr=b"", maxParts=0)) == []
    assert r(PartitionsByExprRequest(catName="hive", dbName=db, tblName="t", expr=b"")) == NAMES
    # a serialized (Kryo) Hive expression cannot be evaluated here: the
    # TApplicationException that makes Hive's client prune on its side
    with pytest.raises(TApplicationException) as e:
        r(PartitionsByExprRequest(dbName=db, tblName="t", expr=b"\x01\x00org.apache.hadoop"))
    assert e.value.type == TApplicationException.UNKNOWN_METHOD
    with pytest.raises((ttypes.NoSuchObjectException, ttypes.MetaException)):
        r(PartitionsByExprRequest(dbName=db, tblName="missing", expr=b""))


def test_get_partitions_by_expr_asks_clients_to_fall_back(client):
    """Hive's clients send a Kryo-serialized ExprNodeDesc; HiveMetaStoreClient
    falls back to pruning on the client only on a TApplicationException
    UNKNOWN_METHOD or WRONG_METHOD_NAME (a MetaException fails the query)."""
    db, t = filled(client)
    kryo = b"\x01\x00org.apache.hadoop.hive.ql.plan.ExprNodeGenericFuncDesc\x01"
    # bytes that are UTF-8 but no filter (the parser refuses them) are the same
    for expr in (kryo, b"\x01\x00org.apache.hadoop\xff", b"ds = "):
        for call in (client.get_partitions_by_expr, client.get_partitions_spec_by_expr,
                     client.get_partition_names_req):
            with pytest.raises(TApplicationException) as e:
                call(PartitionsByExprRequest(dbName=db, tblName="t", expr=expr))
            assert e.value.type == TApplicationException.UNKNOWN_METHOD
    # our filter text keeps working on the same connection
    res = client.get_partitions_by_expr(PartitionsByExprRequest(dbName=db, tblName="t",
                                                                expr=b'ds = "2024-01-02"'))
    assert [p.values for p in res.partitions] == [["2024-01-02", "1"]]
    # the server is fine afterwards
    assert client.get_partition_names(db, "t", -1) == NAMES


# ---------------------------------------------------------------------------
# by names
# ---------------------------------------------------------------------------

def test_get_partitions_by_names(client):
    db, t = filled(client)
    asked = [NAMES[3], "ds=2024-01-09/hr=1", NAMES[0], NAMES[0]]
    got = client.get_partitions_by_names(db, "t", asked)
    assert sorted(names(got)) == [NAMES[0], NAMES[3]]
    for p in got:
        assert p.sd.location == loc(t, names([p])[0]) and p.catName == "hive"
    assert client.get_partitions_by_names(db, "t", []) == []
    # names are matched exactly: other case, other key order, incomplete names
    assert client.get_partitions_by_names(db, "t", ["DS=2024-01-01/HR=1"]) == []
    assert client.get_partitions_by_names(db, "t", ["ds=2024-01-01", ""]) == []

    res = client.get_partitions_by_names_req(GetPartitionsByNamesRequest(
        db_name=db, tbl_name="t", names=[NAMES[1], NAMES[2]]))
    assert sorted(names(res.partitions)) == [NAMES[1], NAMES[2]]
    res = client.get_partitions_by_names_req(GetPartitionsByNamesRequest(
        db_name="@hive#" + db, tbl_name="T", names=NAMES))
    assert sorted(names(res.partitions)) == NAMES


def test_get_partitions_by_names_missing_table(client):
    db = make_db(client)
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partitions_by_names(db, "missing", ["ds=a/hr=1"])
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_partitions_by_names_req(GetPartitionsByNamesRequest(
            db_name=unique("e2e_nodb"), tbl_name="t", names=["ds=a/hr=1"]))


# ---------------------------------------------------------------------------
# partition-name helpers (no table involved)
# ---------------------------------------------------------------------------

def test_partition_name_helpers(client):
    assert client.partition_name_to_vals("ds=2024-01-01/hr=1") == ["2024-01-01", "1"]
    assert client.partition_name_to_spec("ds=2024-01-01/hr=1") == {"ds": "2024-01-01",
                                                                   "hr": "1"}
    # %XX is decoded in keys and values
    assert client.partition_name_to_vals("p=a%2Fb/q=x%3Dy/r=50%25") == ["a/b", "x=y", "50%"]
    assert client.partition_name_to_spec("p=a%2Fb/q%3D=1") == {"p": "a/b", "q=": "1"}
    # an empty name has no values (HMSHandler.partition_name_to_vals)
    assert client.partition_name_to_vals("") == []
    assert client.partition_name_to_spec("") == {}
    # components without '=' are skipped (Warehouse.makeSpecFromName)
    assert client.partition_name_to_vals("ds=1/junk/hr=2") == ["1", "2"]
    assert client.partition_name_to_vals("caf\u00e9=\u65e5\u672c") == ["\u65e5\u672c"]
    # no whitelist pattern is configured: every value is valid
    for throw in (False, True):
        assert client.partition_name_has_valid_characters(["a", "b/c", "caf\u00e9", ""], throw)
        assert client.partition_name_has_valid_characters([], throw)


# ---------------------------------------------------------------------------
# get_partition_values (Hive 4)
# ---------------------------------------------------------------------------

def rows(res):
    return sorted(r.row for r in res.partitionValues)


def test_get_partition_values(client):
    db, t = filled(client)
    ds = FieldSchema("ds", "string", None)
    hr = FieldSchema("hr", "int", None)
    pv = client.get_partition_values
    assert rows(pv(PartitionValuesRequest(dbName=db, tblName="t", partitionKeys=[ds]))) == [
        ["2024-01-01"], ["2024-01-02"]]
    assert rows(pv(PartitionValuesRequest(dbName=db, tblName="t", partitionKeys=[ds, hr]))) == \
        sorted(VALS)
    assert rows(pv(PartitionValuesRequest(dbName=db, tblName="t", partitionKeys=[hr]))) == [
        ["1"], ["10"], ["2"]]
    # without DISTINCT every partition gives a row
    assert rows(pv(PartitionValuesRequest(dbName=db, tblName="t", partitionKeys=[ds],
                                          applyDistinct=False))) == \
        [["2024-01-01"]] * 3 + [["2024-01-02"]]
    res = pv(PartitionValuesRequest(dbName=db, tblName="t", partitionKeys=[ds, hr], maxParts=1))
    assert len(res.partitionValues) == 1
    # with a filter
    assert rows(pv(PartitionValuesRequest(dbName=db, tblName="t", partitionKeys=[ds],
                                          filter="hr = 1"))) == [["2024-01-01"], ["2024-01-02"]]
    assert rows(pv(PartitionValuesRequest(dbName=db, tblName="t", partitionKeys=[hr],
                                          filter='ds = "2024-01-02"'))) == [["1"]]
    with pytest.raises(ttypes.MetaException):
        pv(PartitionValuesRequest(dbName=db, tblName="missing", partitionKeys=[ds]))
