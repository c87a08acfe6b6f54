"""Locations in the Java metastore's stored form (issue 11, item 7).

The Java metastore passes every location a client gives to create_database,
alter_database, create_table, alter_table and add_partition(s) through
Hadoop's Path and Warehouse.getDnsPath: "/tmp/x" comes back "file:/tmp/x"
(fs.defaultFS file:///), "file:///tmp/x" comes back "file:/tmp/x", trailing
and doubled slashes go. Clients compare what they read back with that form.
"""
import os

from conftest import unique
from hive_metastore.ttypes import (AlterDatabaseRequest, CreateDatabaseRequest, Database,
                                   FieldSchema, Partition)
from partlib import make_table as make_part_table
from test_tables import make_table


def test_database_locations(server, client):
    # inside the warehouse: only there does the server make directories
    # (storage.allowed_locations)
    root = os.path.join(server.warehouse_dir, "locs")
    a, b, c, d = (unique("e2e_loc") for _ in range(4))
    client.create_database(Database(name=a, locationUri=root + "/a", parameters={}))
    assert client.get_database(a).locationUri == "file:%s/a" % root
    assert os.path.isdir(root + "/a")
    client.create_database(Database(name=b, locationUri="file://%s/b/" % root, parameters={}))
    assert client.get_database(b).locationUri == "file:%s/b" % root
    client.create_database_req(CreateDatabaseRequest(
        databaseName=c, locationUri=root + "//c/", managedLocationUri=root + "/c_managed"))
    got = client.get_database(c)
    assert got.locationUri == "file:%s/c" % root
    assert got.managedLocationUri == "file:%s/c_managed" % root
    # object stores keep their scheme and authority, lose the trailing slash
    client.create_database(Database(name=d, locationUri="s3a://bucket/dbs/d/", parameters={}))
    assert client.get_database(d).locationUri == "s3a://bucket/dbs/d"

    new = client.get_database(a)
    new.locationUri = root + "/a_moved"
    client.alter_database(a, new)
    assert client.get_database(a).locationUri == "file:%s/a_moved" % root
    new.locationUri = root + "/a_again/"
    client.alter_database_req(AlterDatabaseRequest(oldDbName=a, newDb=new))
    assert client.get_database(a).locationUri == "file:%s/a_again" % root


def test_table_and_partition_locations(server, client):
    # inside the warehouse: only there does the server make directories
    # (storage.allowed_locations)
    root = os.path.join(server.warehouse_dir, "locs")
    db = unique("e2e_loc")
    client.create_database(Database(name=db, parameters={}))
    client.create_table(make_table(db, "plain", location=root + "/plain/"))
    t = client.get_table(db, "plain")
    assert t.sd.location == "file:%s/plain" % root
    assert os.path.isdir(root + "/plain")
    client.create_table(make_table(db, "ext", location="s3a://bucket/ext//t/",
                                   ttype="EXTERNAL_TABLE", params={"EXTERNAL": "TRUE"}))
    assert client.get_table(db, "ext").sd.location == "s3a://bucket/ext/t"

    t.sd.location = root + "/plain_elsewhere"
    client.alter_table(db, "plain", t)
    assert client.get_table(db, "plain").sd.location == "file:%s/plain_elsewhere" % root

    make_part_table(client, db, "pt", parts=[FieldSchema("ds", "string", None)])
    pt = client.get_table(db, "pt")
    table_loc = pt.sd.location
    sd = pt.sd
    sd.location = root + "/parts/one/"
    client.add_partition(Partition(dbName=db, tableName="pt", values=["one"], sd=sd,
                                   parameters={}))
    assert client.get_partition(db, "pt", ["one"]).sd.location == "file:%s/parts/one" % root
    sd.location = "file://%s/parts/two" % root
    client.add_partitions([Partition(dbName=db, tableName="pt", values=["two"], sd=sd,
                                     parameters={})])
    assert client.get_partition(db, "pt", ["two"]).sd.location == "file:%s/parts/two" % root
    # the default location still derives from the table's
    sd.location = None
    client.add_partition(Partition(dbName=db, tableName="pt", values=["three"], sd=sd,
                                   parameters={}))
    assert client.get_partition(db, "pt", ["three"]).sd.location == table_loc + "/ds=three"


def test_rename_sending_back_the_unqualified_location_still_moves_data(server, client):
    """A table at its default place under a file:/// warehouse is stored as
    file:///...; a client renaming it sends that back, which is the same
    place as its stored form file:/..., so the data still moves."""
    db = unique("e2e_loc")
    client.create_database(Database(name=db, parameters={}))
    client.create_table(make_table(db, "before"))
    t = client.get_table(db, "before")
    assert t.sd.location.startswith("file:///")
    old_dir = t.sd.location[len("file://"):]
    with open(os.path.join(old_dir, "data.parquet"), "w") as f:
        f.write("x")
    t.tableName = "after"
    client.alter_table(db, "before", t)
    got = client.get_table(db, "after")
    new_dir = os.path.join(os.path.dirname(old_dir), "after")
    assert got.sd.location in ("file://" + new_dir, "file:" + new_dir)
    assert os.path.exists(os.path.join(new_dir, "data.parquet"))
    assert not os.path.exists(old_dir)


def test_default_fs_setting(metastore_factory):
    srv = metastore_factory(sets=["warehouse.default_fs=s3a://lake"])
    with srv.client() as c:
        name = unique("e2e_loc")
        c.create_database(Database(name=name, locationUri="/dbs/x", parameters={}))
        assert c.get_database(name).locationUri == "s3a://lake/dbs/x"
        c.create_table(make_table(name, "t", location="s3a:/tables/t",
                                  ttype="EXTERNAL_TABLE", params={"EXTERNAL": "TRUE"}))
        assert c.get_table(name, "t").sd.location == "s3a://lake/tables/t"
        c.create_table(make_table(name, "local", location="file://%s/l" % srv.tmp,
                                  ttype="EXTERNAL_TABLE", params={"EXTERNAL": "TRUE"}))
        assert c.get_table(name, "local").sd.location == "file:%s/l" % srv.tmp
