"""Adding partitions: add_partition(s), add_partitions_req, add_partitions_pspec,
append_partition(_by_name) and their _with_environment_context forms.

Expected behaviour is Apache Hive's (HMSHandler add_partition_core /
AddPartitionsHandler / append_partition_common, Warehouse.makePartName,
FileUtils.escapePathName) as pinned by Hive's own TestAddPartitions,
TestAddPartitionsFromPartSpec and TestAppendPartitions.
"""
import copy
import os
import threading

import pytest

from conftest import unique
from hive_metastore import ttypes
from hive_metastore.ttypes import (AddPartitionsRequest, EnvironmentContext, FieldSchema,
                                   PartitionListComposingSpec, PartitionSpec,
                                   PartitionSpecWithSharedSD, PartitionWithoutSD, Table,
                                   StorageDescriptor)
from partlib import (add, escape, exists, local_path, loc, make_db, make_table, new_part,
                     part_name, stored, table_dir)


# ---------------------------------------------------------------------------
# add_partition
# ---------------------------------------------------------------------------

def test_add_partition_round_trip(client):
    db = make_db(client)
    t = make_table(client, db)
    p = new_part(t, ["2024-01-01", "1"], params={"k": "v"})
    p.lastAccessTime = 123456
    got = client.add_partition(p)
    name = "ds=2024-01-01/hr=1"
    assert got.values == ["2024-01-01", "1"]
    assert got.dbName == db and got.tableName == "t" and got.catName == "hive"
    assert got.sd.location == loc(t, name)
    assert got.createTime > 0 and got.lastAccessTime == 123456
    assert got.parameters["k"] == "v" and "transient_lastDdlTime" in got.parameters
    assert os.path.isdir(os.path.join(table_dir(t), name))

    back = client.get_partition(db, "t", ["2024-01-01", "1"])
    assert back.values == got.values and back.sd.location == got.sd.location
    assert back.createTime == got.createTime and back.catName == "hive"
    assert back.parameters["k"] == "v"
    # a partition sharing the table's storage descriptor gets it back whole
    assert [(c.name, c.type, c.comment) for c in back.sd.cols] == [
        (c.name, c.type, c.comment) for c in t.sd.cols]
    assert back.sd.inputFormat == t.sd.inputFormat
    assert back.sd.outputFormat == t.sd.outputFormat
    assert back.sd.serdeInfo.serializationLib == t.sd.serdeInfo.serializationLib
    assert back.sd.serdeInfo.parameters == t.sd.serdeInfo.parameters
    assert client.get_partition_names(db, "t", -1) == [name]


def test_add_partition_keeps_its_own_storage_descriptor(client):
    db = make_db(client)
    t = make_table(client, db)
    p = new_part(t, ["a", "1"], params={"pk": "pv"})
    p.sd.cols = t.sd.cols + [FieldSchema("extra", "map<string,int>", "added later")]
    p.sd.inputFormat = "TestInputFormat"
    p.sd.outputFormat = "TestOutputFormat"
    p.sd.serdeInfo.name = "partserde"
    p.sd.serdeInfo.parameters = {"field.delim": "|"}
    p.sd.parameters = {"sdk": "sdv"}
    p.sd.numBuckets = 4
    p.sd.bucketCols = ["id"]
    client.add_partition(p)
    got = client.get_partition(db, "t", ["a", "1"])
    assert [c.name for c in got.sd.cols] == ["id", "name", "extra"]
    assert got.sd.cols[2].type == "map<string,int>" and got.sd.cols[2].comment == "added later"
    assert got.sd.inputFormat == "TestInputFormat" and got.sd.outputFormat == "TestOutputFormat"
    assert got.sd.serdeInfo.name == "partserde"
    assert got.sd.serdeInfo.parameters == {"field.delim": "|"}
    assert got.sd.parameters == {"sdk": "sdv"}
    assert got.sd.numBuckets == 4 and got.sd.bucketCols == ["id"]
    assert got.parameters["pk"] == "pv"
    # the table is untouched
    assert [c.name for c in client.get_table(db, "t").sd.cols] == ["id", "name"]


def test_add_partition_names_are_lower_cased_and_catalog_prefix(client):
    db = make_db(client)
    t = make_table(client, db)
    client.add_partition(new_part(t, ["A", "1"], db=db.upper(), name="T"))
    got = client.get_partition(db, "t", ["A", "1"])
    assert got.dbName == db and got.tableName == "t"
    # values keep their case; "A" and "a" are two partitions
    client.add_partition(new_part(t, ["a", "1"]))
    assert client.get_partition_names(db, "t", -1) == ["ds=A/hr=1", "ds=a/hr=1"]
    # a catalog-prefixed database name and an explicit catName work too
    p = new_part(t, ["b", "2"], db="@hive#" + db)
    client.add_partition(p)
    p = new_part(t, ["c", "3"])
    p.catName = "hive"
    client.add_partition(p)
    assert client.get_partition_names("@hive#" + db, "t", -1) == [
        "ds=A/hr=1", "ds=a/hr=1", "ds=b/hr=2", "ds=c/hr=3"]


def test_add_partition_custom_and_external_locations(server, client):
    db = make_db(client)
    t = make_table(client, db)
    custom = server.warehouse + "/custom/" + unique("p")
    got = client.add_partition(new_part(t, ["x", "1"], location=custom))
    assert got.sd.location == stored(custom)
    assert client.get_partition(db, "t", ["x", "1"]).sd.location == stored(custom)
    # Hive creates the directory of a partition wherever it is
    assert os.path.isdir(local_path(custom))
    # "" means "no location" as null does
    got = client.add_partition(new_part(t, ["y", "1"], location=""))
    assert got.sd.location == loc(t, "ds=y/hr=1")

    ext_loc = server.warehouse + "/ext/" + unique("e")
    e = make_table(client, db, "e", location=ext_loc, ttype="EXTERNAL_TABLE")
    got = client.add_partition(new_part(e, ["x", "1"]))
    assert got.sd.location == stored(ext_loc) + "/ds=x/hr=1"
    assert os.path.isdir(local_path(ext_loc) + "/ds=x/hr=1")


def test_add_partition_into_existing_directory_keeps_its_files(client):
    db = make_db(client)
    t = make_table(client, db)
    d = os.path.join(table_dir(t), "ds=x/hr=1")
    os.makedirs(d)
    with open(os.path.join(d, "data.parquet"), "w") as f:
        f.write("12345")
    client.add_partition(new_part(t, ["x", "1"]))
    assert os.listdir(d) == ["data.parquet"]


def test_add_partition_quick_stats(server, client):
    """Hive's initializeAddedPartition fills numFiles/totalSize of a new
    partition from its directory (MetaStoreServerUtils.updatePartitionStatsFast)."""
    db = make_db(client)
    t = make_table(client, db)
    where = server.warehouse + "/prefilled/" + unique("p")
    os.makedirs(local_path(where))
    for i, size in enumerate((10, 20)):
        with open(os.path.join(local_path(where), "f%d" % i), "w") as f:
            f.write("x" * size)
    client.add_partition(new_part(t, ["x", "1"], location=where))
    got = client.get_partition(db, "t", ["x", "1"])
    assert got.parameters.get("numFiles") == "2"
    assert got.parameters.get("totalSize") == "30"


def test_add_partition_with_environment_context(client):
    db = make_db(client)
    t = make_table(client, db)
    got = client.add_partition_with_environment_context(
        new_part(t, ["x", "1"]), EnvironmentContext({"k": "v"}))
    assert got.values == ["x", "1"]
    got = client.add_partition_with_environment_context(new_part(t, ["x", "2"]), None)
    assert got.sd.location == loc(t, "ds=x/hr=2")
    assert client.get_partition_names(db, "t", -1) == ["ds=x/hr=1", "ds=x/hr=2"]
    with pytest.raises(ttypes.AlreadyExistsException):
        client.add_partition_with_environment_context(new_part(t, ["x", "1"]),
                                                      EnvironmentContext({}))


def test_add_partition_errors(client):
    db = make_db(client)
    t = make_table(client, db)
    flat = make_table(client, db, "flat", parts=[])
    add_one = client.add_partition

    with pytest.raises(ttypes.InvalidObjectException):
        add_one(new_part(t, ["x", "1"], name="missing"))
    with pytest.raises(ttypes.InvalidObjectException):
        add_one(new_part(t, ["x", "1"], db=unique("e2e_nodb")))
    p = new_part(t, ["x", "1"])
    p.catName = "nosuch"
    with pytest.raises(ttypes.InvalidObjectException):
        add_one(p)
    # the number of values must match the partition keys (Warehouse.makePartName)
    for bad in (["x"], ["x", "1", "extra"], []):
        with pytest.raises(ttypes.MetaException):
            add_one(new_part(t, bad))
    # a table without partition keys has no partitions
    with pytest.raises(ttypes.MetaException):
        add_one(new_part(flat, ["x"]))
    # a partition without a storage descriptor
    p = new_part(t, ["x", "1"])
    p.sd = None
    with pytest.raises(ttypes.MetaException):
        add_one(p)

    assert client.get_partition_names(db, "t", -1) == []
    assert client.get_partition_names(db, "flat", -1) == []
    assert os.listdir(table_dir(t)) == []

    add_one(new_part(t, ["x", "1"]))
    with pytest.raises(ttypes.AlreadyExistsException):
        add_one(new_part(t, ["x", "1"], params={"other": "1"}))
    assert "other" not in client.get_partition(db, "t", ["x", "1"]).parameters


def test_empty_value_is_the_default_partition(client):
    db = make_db(client)
    t = make_table(client, db)
    got = client.add_partition(new_part(t, ["", "1"]))
    name = "ds=__HIVE_DEFAULT_PARTITION__/hr=1"
    assert client.get_partition_names(db, "t", -1) == [name]
    assert got.sd.location == loc(t, name)
    assert exists(t, name)


# ---------------------------------------------------------------------------
# special characters in values: FileUtils.escapePathName
# ---------------------------------------------------------------------------

SPECIAL = ["a/b", "x=y", "50%", "a b", "caf\u00e9 \u65e5\u672c", "it's", 'say "hi"', "10:00",
           "q?", "#h", "*", "[x]", "^", "{a}", "back\\slash", "tab\there", "del\x7f",
           "%2F", "..", "-", "x'); drop table ms_partitions; --"]


def test_escape_helper_matches_hive():
    # Hive's own examples (TestFileUtils / what Hive writes on HDFS)
    assert escape("a/b") == "a%2Fb"
    assert escape("x=y") == "x%3Dy"
    assert escape("50%") == "50%25"
    assert escape("a b") == "a b"
    assert escape("caf\u00e9") == "caf\u00e9"
    assert escape("10:00") == "10%3A00"
    assert escape("") == "__HIVE_DEFAULT_PARTITION__"


def test_special_values_names_locations_and_directories(client):
    db = make_db(client)
    t = make_table(client, db, parts=[FieldSchema("p", "string", None)])
    for v in SPECIAL:
        got = client.add_partition(new_part(t, [v]))
        name = "p=" + escape(v)
        assert got.values == [v]
        assert got.sd.location == loc(t, name), v
        # one directory per partition, named by the escaped name
        assert exists(t, name), (v, os.listdir(table_dir(t)))
    assert sorted(os.listdir(table_dir(t))) == sorted("p=" + escape(v) for v in SPECIAL)
    expected = sorted("p=" + escape(v) for v in SPECIAL)
    assert client.get_partition_names(db, "t", -1) == expected
    for v in SPECIAL:
        name = "p=" + escape(v)
        assert client.get_partition(db, "t", [v]).values == [v]
        assert client.get_partition_by_name(db, "t", name).values == [v]
        assert client.partition_name_to_vals(name) == [v]
        assert client.partition_name_to_spec(name) == {"p": v}
    assert [p.values[0] for p in client.get_partitions(db, "t", -1)] == [
        client.partition_name_to_vals(n)[0] for n in expected]


def test_special_values_in_several_keys(client):
    db = make_db(client)
    t = make_table(client, db, parts=[FieldSchema("a", "string", None),
                                      FieldSchema("b", "string", None)])
    client.add_partition(new_part(t, ["x/y", "1=2"]))
    assert client.get_partition_names(db, "t", -1) == ["a=x%2Fy/b=1%3D2"]
    assert exists(t, "a=x%2Fy/b=1%3D2")
    assert not exists(t, "a=x")


# ---------------------------------------------------------------------------
# add_partitions
# ---------------------------------------------------------------------------

def test_add_partitions(client):
    db = make_db(client)
    t = make_table(client, db)
    n = client.add_partitions([new_part(t, ["b", "1"]), new_part(t, ["a", "2"]),
                               new_part(t, ["a", "10"], params={"k": "v"})])
    assert n == 3
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=10", "ds=a/hr=2", "ds=b/hr=1"]
    assert client.get_partition(db, "t", ["a", "10"]).parameters["k"] == "v"
    for name in ("ds=a/hr=10", "ds=a/hr=2", "ds=b/hr=1"):
        assert exists(t, name)
    assert client.add_partitions([]) == 0


def test_add_partitions_is_all_or_nothing(client):
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["old", "1"])

    # one partition exists already
    with pytest.raises(ttypes.AlreadyExistsException):
        client.add_partitions([new_part(t, ["new", "1"]), new_part(t, ["old", "1"]),
                               new_part(t, ["new", "2"])])
    # the same partition twice in one request (HMSHandler: "Duplicate partitions in the list")
    with pytest.raises(ttypes.MetaException):
        client.add_partitions([new_part(t, ["dup", "1"]), new_part(t, ["other", "1"]),
                               new_part(t, ["dup", "1"])])
    # one partition with a wrong number of values
    with pytest.raises(ttypes.MetaException):
        client.add_partitions([new_part(t, ["new", "1"]), new_part(t, ["new"])])
    # partitions of two tables in one request
    u = make_table(client, db, "u")
    with pytest.raises(ttypes.MetaException):
        client.add_partitions([new_part(t, ["new", "1"]), new_part(u, ["new", "1"])])

    assert client.get_partition_names(db, "t", -1) == ["ds=old/hr=1"]
    assert client.get_partition_names(db, "u", -1) == []
    # no partition directory was left behind (Hive removes the directories
    # it made, not the parents mkdirs made on the way)
    for leaf in ("ds=new/hr=1", "ds=new/hr=2", "ds=dup/hr=1", "ds=other/hr=1"):
        assert not exists(t, leaf), leaf
    assert exists(t, "ds=old/hr=1")


def test_add_partitions_errors(client):
    db = make_db(client)
    t = make_table(client, db)
    flat = make_table(client, db, "flat", parts=[])
    with pytest.raises(ttypes.InvalidObjectException):
        client.add_partitions([new_part(t, ["x", "1"], name="missing")])
    with pytest.raises(ttypes.InvalidObjectException):
        client.add_partitions([new_part(t, ["x", "1"], db=unique("e2e_nodb"))])
    with pytest.raises(ttypes.MetaException):
        client.add_partitions([new_part(flat, ["x"])])
    with pytest.raises(ttypes.MetaException):
        client.add_partitions([new_part(t, [])])


# ---------------------------------------------------------------------------
# add_partitions_req
# ---------------------------------------------------------------------------

def req(t, parts, if_not_exists=False, need_result=True):
    return AddPartitionsRequest(dbName=t.dbName, tblName=t.tableName, parts=parts,
                                ifNotExists=if_not_exists, needResult=need_result)


def test_add_partitions_req_need_result(client):
    db = make_db(client)
    t = make_table(client, db)
    res = client.add_partitions_req(req(t, [new_part(t, ["a", "1"]), new_part(t, ["b", "2"])]))
    assert sorted(p.values for p in res.partitions) == [["a", "1"], ["b", "2"]]
    for p in res.partitions:
        assert p.dbName == db and p.tableName == "t"
        assert p.sd.location == loc(t, part_name(["ds", "hr"], p.values))
        assert "transient_lastDdlTime" in p.parameters
    res = client.add_partitions_req(req(t, [new_part(t, ["c", "3"])], need_result=False))
    assert not res.partitions
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=1", "ds=b/hr=2", "ds=c/hr=3"]
    res = client.add_partitions_req(req(t, []))
    assert res.partitions == []


def test_add_partitions_req_if_not_exists(client):
    db = make_db(client)
    t = make_table(client, db)
    client.add_partition(new_part(t, ["old", "1"], params={"mine": "yes"}))
    with pytest.raises(ttypes.AlreadyExistsException):
        client.add_partitions_req(req(t, [new_part(t, ["new", "1"]), new_part(t, ["old", "1"])]))
    assert client.get_partition_names(db, "t", -1) == ["ds=old/hr=1"]
    assert not exists(t, "ds=new/hr=1")

    res = client.add_partitions_req(req(t, [new_part(t, ["new", "1"]),
                                            new_part(t, ["old", "1"], params={"mine": "no"})],
                                        if_not_exists=True))
    # only the partitions actually added come back; the existing one is untouched
    assert [p.values for p in res.partitions] == [["new", "1"]]
    assert client.get_partition_names(db, "t", -1) == ["ds=new/hr=1", "ds=old/hr=1"]
    assert client.get_partition(db, "t", ["old", "1"]).parameters["mine"] == "yes"
    # all of them existing is fine too
    res = client.add_partitions_req(req(t, [new_part(t, ["old", "1"])], if_not_exists=True))
    assert res.partitions == []
    # duplicates in the request are an error even with ifNotExists
    with pytest.raises(ttypes.MetaException):
        client.add_partitions_req(req(t, [new_part(t, ["d", "1"]), new_part(t, ["d", "1"])],
                                      if_not_exists=True))
    assert client.get_partition_names(db, "t", -1) == ["ds=new/hr=1", "ds=old/hr=1"]


def test_add_partitions_req_errors(client):
    db = make_db(client)
    t = make_table(client, db)
    u = make_table(client, db, "u")
    nodb = unique("e2e_nodb")
    with pytest.raises(ttypes.InvalidObjectException):
        client.add_partitions_req(AddPartitionsRequest(
            dbName=db, tblName="missing", parts=[new_part(t, ["x", "1"], name="missing")],
            ifNotExists=False))
    with pytest.raises(ttypes.InvalidObjectException):
        client.add_partitions_req(AddPartitionsRequest(
            dbName=nodb, tblName="t", parts=[new_part(t, ["x", "1"], db=nodb)],
            ifNotExists=False))
    # a partition of another table than the request's
    with pytest.raises(ttypes.MetaException):
        client.add_partitions_req(req(t, [new_part(t, ["x", "1"]), new_part(u, ["x", "2"])]))
    with pytest.raises(ttypes.MetaException):
        client.add_partitions_req(req(t, [new_part(t, ["x"])]))
    assert client.get_partition_names(db, "t", -1) == []
    assert client.get_partition_names(db, "u", -1) == []


# ---------------------------------------------------------------------------
# add_partitions_pspec
# ---------------------------------------------------------------------------

def test_add_partitions_pspec_list(client):
    db = make_db(client)
    t = make_table(client, db)
    spec = PartitionSpec(dbName=db, tableName="t", rootPath=t.sd.location,
                         partitionList=PartitionListComposingSpec(
                             partitions=[new_part(t, ["a", "1"]),
                                         new_part(t, ["b", "2"], params={"k": "v"})]))
    assert client.add_partitions_pspec([spec]) == 2
    assert client.get_partition_names(db, "t", -1) == ["ds=a/hr=1", "ds=b/hr=2"]
    assert client.get_partition(db, "t", ["b", "2"]).parameters["k"] == "v"
    assert client.get_partition(db, "t", ["a", "1"]).sd.location == loc(t, "ds=a/hr=1")
    assert exists(t, "ds=a/hr=1") and exists(t, "ds=b/hr=2")
    assert client.add_partitions_pspec([]) == 0


def test_add_partitions_pspec_shared_sd(client):
    db = make_db(client)
    t = make_table(client, db)
    sd = copy.deepcopy(t.sd)
    sd.location = t.sd.location.rstrip("/")
    sd.inputFormat = "SharedInputFormat"
    parts = [PartitionWithoutSD(values=["a", "1"], relativePath="/ds=a/hr=1", parameters={}),
             PartitionWithoutSD(values=["b", "2"], relativePath="/somewhere_else",
                                parameters={"k": "v"})]
    spec = PartitionSpec(dbName=db, tableName="t", rootPath=sd.location,
                         sharedSDPartitionSpec=PartitionSpecWithSharedSD(partitions=parts, sd=sd))
    assert client.add_partitions_pspec([spec]) == 2
    a = client.get_partition(db, "t", ["a", "1"])
    b = client.get_partition(db, "t", ["b", "2"])
    # location = shared location + relativePath (PartitionSpecWithSharedSDProxy)
    assert a.sd.location == stored(sd.location + "/ds=a/hr=1")
    assert b.sd.location == stored(sd.location + "/somewhere_else")
    assert a.sd.inputFormat == "SharedInputFormat" and b.sd.inputFormat == "SharedInputFormat"
    assert b.parameters["k"] == "v"
    assert [c.name for c in b.sd.cols] == ["id", "name"]
    assert os.path.isdir(os.path.join(table_dir(t), "somewhere_else"))


def test_add_partitions_pspec_all_or_nothing_and_errors(client):
    db = make_db(client)
    t = make_table(client, db)
    add(client, t, ["old", "1"])
    spec = PartitionSpec(dbName=db, tableName="t", rootPath=t.sd.location,
                         partitionList=PartitionListComposingSpec(
                             partitions=[new_part(t, ["new", "1"]), new_part(t, ["old", "1"])]))
    with pytest.raises(ttypes.AlreadyExistsException):
        client.add_partitions_pspec([spec])
    assert client.get_partition_names(db, "t", -1) == ["ds=old/hr=1"]
    assert not exists(t, "ds=new/hr=1")
    spec = PartitionSpec(dbName=db, tableName="missing", rootPath=t.sd.location,
                         partitionList=PartitionListComposingSpec(
                             partitions=[new_part(t, ["new", "1"], name="missing")]))
    with pytest.raises(ttypes.InvalidObjectException):
        client.add_partitions_pspec([spec])
    spec = PartitionSpec(dbName=db, tableName="t", rootPath=t.sd.location,
                         partitionList=PartitionListComposingSpec(
                             partitions=[new_part(t, ["dup", "1"]), new_part(t, ["dup", "1"])]))
    with pytest.raises(ttypes.MetaException):
        client.add_partitions_pspec([spec])
    assert client.get_partition_names(db, "t", -1) == ["ds=old/hr=1"]


# ---------------------------------------------------------------------------
# append_partition
# ---------------------------------------------------------------------------

def view(client, db, name="v"):
    client.create_table(Table(tableName=name, dbName=db, owner="bob",
                              sd=StorageDescriptor(cols=[FieldSchema("id", "bigint", None)]),
                              partitionKeys=[FieldSchema("ds", "string", None)], parameters={},
                              tableType="VIRTUAL_VIEW", viewOriginalText="select 1",
                              viewExpandedText="select 1"))


def test_append_partition(client):
    db = make_db(client)
    t = make_table(client, db)
    got = client.append_partition(db, "t", ["2024-01-01", "1"])
    name = "ds=2024-01-01/hr=1"
    assert got.values == ["2024-01-01", "1"] and got.dbName == db and got.tableName == "t"
    assert got.sd.location == loc(t, name)
    assert got.createTime > 0 and "transient_lastDdlTime" in got.parameters
    # the table's storage descriptor, at the partition's location
    assert [c.name for c in got.sd.cols] == ["id", "name"]
    assert got.sd.inputFormat == t.sd.inputFormat
    assert exists(t, name)
    back = client.get_partition(db, "t", ["2024-01-01", "1"])
    assert back.sd.location == got.sd.location and back.createTime == got.createTime

    got = client.append_partition_with_environment_context(
        db, "T", ["2024-01-01", "2"], EnvironmentContext({"k": "v"}))
    assert got.sd.location == loc(t, "ds=2024-01-01/hr=2")
    assert client.get_partition_names(db, "t", -1) == [name, "ds=2024-01-01/hr=2"]

    ext = make_table(client, db, "e", ttype="EXTERNAL_TABLE")
    got = client.append_partition(db, "e", ["x", "1"])
    assert got.sd.location == loc(ext, "ds=x/hr=1")


def test_append_partition_errors(client):
    db = make_db(client)
    t = make_table(client, db)
    make_table(client, db, "flat", parts=[])
    view(client, db)
    client.append_partition(db, "t", ["x", "1"])
    with pytest.raises(ttypes.AlreadyExistsException):
        client.append_partition(db, "t", ["x", "1"])
    with pytest.raises(ttypes.AlreadyExistsException):
        client.append_partition_with_environment_context(db, "t", ["x", "1"], None)
    with pytest.raises(ttypes.InvalidObjectException):
        client.append_partition(db, "missing", ["x", "1"])
    with pytest.raises(ttypes.InvalidObjectException):
        client.append_partition(unique("e2e_nodb"), "t", ["x", "1"])
    for bad in (["y"], ["y", "1", "2"], []):
        with pytest.raises(ttypes.MetaException):
            client.append_partition(db, "t", bad)
    with pytest.raises(ttypes.MetaException):
        client.append_partition(db, "flat", ["y"])
    with pytest.raises(ttypes.MetaException):
        client.append_partition(db, "v", ["y"])
    assert client.get_partition_names(db, "t", -1) == ["ds=x/hr=1"]
    assert os.listdir(table_dir(t)) == ["ds=x"]
    assert client.get_partition_names(db, "v", -1) == []


def test_append_partition_by_name(client):
    db = make_db(client)
    t = make_table(client, db)
    got = client.append_partition_by_name(db, "t", "ds=2024-01-01/hr=1")
    assert got.values == ["2024-01-01", "1"]
    assert got.sd.location == loc(t, "ds=2024-01-01/hr=1")
    assert exists(t, "ds=2024-01-01/hr=1")
    # values are unescaped from the name, the directory keeps the escaped name
    got = client.append_partition_by_name(db, "t", "ds=a%2Fb/hr=2")
    assert got.values == ["a/b", "2"]
    assert got.sd.location == loc(t, "ds=a%2Fb/hr=2")
    assert exists(t, "ds=a%2Fb/hr=2")
    # components for keys the table lacks are ignored (TestAppendPartitions)
    got = client.append_partition_by_name(db, "t", "ds=c/hr=3/extra=9")
    assert got.values == ["c", "3"]
    got = client.append_partition_by_name_with_environment_context(
        db, "t", "ds=d/hr=4", EnvironmentContext({"k": "v"}))
    assert got.values == ["d", "4"]
    assert client.get_partition_names(db, "t", -1) == [
        "ds=2024-01-01/hr=1", "ds=a%2Fb/hr=2", "ds=c/hr=3", "ds=d/hr=4"]


def test_append_partition_by_name_errors(client):
    db = make_db(client)
    make_table(client, db)
    make_table(client, db, "flat", parts=[])
    client.append_partition_by_name(db, "t", "ds=x/hr=1")
    with pytest.raises(ttypes.AlreadyExistsException):
        client.append_partition_by_name(db, "t", "ds=x/hr=1")
    with pytest.raises(ttypes.AlreadyExistsException):
        client.append_partition_by_name_with_environment_context(db, "t", "ds=x/hr=1", None)
    # incomplete names, names without '=', unknown keys (getPartValsFromName)
    for bad in ("ds=y", "invalidpartname", "ds=y/honap=1", "hr=1"):
        with pytest.raises(ttypes.InvalidObjectException):
            client.append_partition_by_name(db, "t", bad)
    with pytest.raises(ttypes.MetaException):
        client.append_partition_by_name(db, "t", "")
    with pytest.raises(ttypes.InvalidObjectException):
        client.append_partition_by_name(db, "missing", "ds=y/hr=1")
    with pytest.raises(ttypes.InvalidObjectException):
        client.append_partition_by_name(unique("e2e_nodb"), "t", "ds=y/hr=1")
    with pytest.raises(ttypes.MetaException):
        client.append_partition_by_name(db, "flat", "ds=y")
    assert client.get_partition_names(db, "t", -1) == ["ds=x/hr=1"]


# ---------------------------------------------------------------------------
# concurrent adds
# ---------------------------------------------------------------------------

def test_concurrent_adds_of_the_same_partitions(server, client):
    """Writers racing on the same partitions: with ifNotExists every request
    succeeds; without it each partition has exactly one winner and the
    losers get AlreadyExistsException, never another error."""
    db = make_db(client)
    t = make_table(client, db)
    writers = 8
    results, errors = {}, []
    barrier = None

    def writer(i, if_not_exists):
        try:
            with server.client(timeout=30) as c:
                parts = [new_part(t, ["d%d" % ((i + k) % 4), "1"]) for k in range(2)]
                barrier.wait()
                try:
                    res = c.add_partitions_req(req(t, parts, if_not_exists=if_not_exists))
                    results[i] = [p.values[0] for p in res.partitions]
                except ttypes.AlreadyExistsException:
                    results[i] = "exists"
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    for if_not_exists in (True, False):
        results.clear()
        barrier = threading.Barrier(writers, timeout=30)
        if not if_not_exists:
            t = make_table(client, db, "u")
        threads = [threading.Thread(target=writer, args=(i, if_not_exists))
                   for i in range(writers)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert not errors, errors
        assert len(results) == writers
        added = [v for r in results.values() if r != "exists" for v in r]
        # every partition was added exactly once
        assert sorted(added) == ["d0", "d1", "d2", "d3"], results
        assert client.get_partition_names(db, t.tableName, -1) == [
            "ds=d0/hr=1", "ds=d1/hr=1", "ds=d2/hr=1", "ds=d3/hr=1"]
        if if_not_exists:
            assert "exists" not in results.values()
