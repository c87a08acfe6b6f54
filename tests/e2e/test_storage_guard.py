"""The storage guard through both doors (issue 12, defects 2 and 3).

Data is created, read, moved and deleted on a client's behalf only under
the allowed locations (storage.allowed_locations; the warehouse root when
unset). Outside them the metadata change still happens and the data stays,
with a log line. '/', the warehouse root and what holds it are never deleted
or moved, even when every location is allowed. Through Thrift, pointing an
Iceberg table's metadata_location at any file used to make the REST door
read and serve it; now a file outside the allowed locations is never read,
and no error reply quotes a file's content.
"""
import json
import os
import shutil

import pytest

from conftest import unique
from hive_metastore.ttypes import (Database, DropPartitionsRequest, EnvironmentContext,
                                   NoSuchObjectException, RequestPartsSpec)
from icelib import Rest, simple_schema, table_path
from partlib import add, local_path, make_db, make_table, new_part, stored

SECRET = "do-not-echo-this-secret"


def canary(directory, name="data.parquet"):
    """A directory holding one file; returns the file's path."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(SECRET)
    return path


@pytest.fixture
def outside(tmp_path):
    """A directory outside the warehouse (and its file:// URI)."""
    d = tmp_path / "outside"
    d.mkdir()
    return str(d)


# ---------------------------------------------------------------------------
# deleting
# ---------------------------------------------------------------------------

def test_drop_table_keeps_data_outside(server, client, outside):
    db = make_db(client)
    loc = "file://" + outside + "/t"
    make_table(client, db, "t", parts=[], location=loc)
    f = canary(outside + "/t")
    client.drop_table(db, "t", True)
    with pytest.raises(NoSuchObjectException):
        client.get_table(db, "t")
    assert os.path.isfile(f), "drop_table deleted data outside the allowed locations"
    assert "data not deleted, it stays" in server.log_text()
    # inside the warehouse the data still goes
    t = make_table(client, db, "in", parts=[])
    inside = local_path(t.sd.location)
    canary(inside)
    client.drop_table(db, "in", True)
    assert not os.path.exists(inside)


def test_drop_partition_keeps_data_outside(server, client, outside):
    db = make_db(client)
    t = make_table(client, db)
    for i, vals in enumerate((["a", "1"], ["b", "2"], ["c", "3"])):
        client.add_partition(new_part(t, vals, location="file://%s/p%d" % (outside, i)))
    files = [canary("%s/p%d" % (outside, i)) for i in range(3)]
    assert client.drop_partition(db, "t", ["a", "1"], True)
    assert client.drop_partition_by_name(db, "t", "ds=b/hr=2", True)
    client.drop_partitions_req(DropPartitionsRequest(
        dbName=db, tblName="t", parts=RequestPartsSpec(names=["ds=c/hr=3"]), deleteData=True))
    assert client.get_partition_names(db, "t", -1) == []
    for f in files:
        assert os.path.isfile(f), "drop_partition deleted data outside the allowed locations"
    # and a managed table's partitions outside it when the table goes
    client.add_partition(new_part(t, ["d", "4"], location="file://%s/p3" % outside))
    f = canary(outside + "/p3")
    client.drop_table(db, "t", True)
    assert os.path.isfile(f)


def test_drop_database_cascade_keeps_data_outside(client, outside):
    db = make_db(client)
    make_table(client, db, "t", parts=[], location="file://" + outside + "/t")
    f = canary(outside + "/t")
    client.drop_database(db, True, True)
    assert os.path.isfile(f)


def test_truncate_keeps_data_outside(client, outside):
    db = make_db(client)
    f = canary(outside + "/t")
    make_table(client, db, "t", parts=[], location="file://" + outside + "/t")
    client.truncate_table(db, "t", None)
    assert os.path.isfile(f)


def test_warehouse_root_and_slash_never_deleted(metastore_factory, tmp_path):
    """Even with every location allowed."""
    srv = metastore_factory(sets=["storage.allowed_locations=*"])
    wh = srv.warehouse_dir
    with srv.client() as c:
        db = make_db(c)
        marker = canary(os.path.join(wh, "marker"))
        for i, loc in enumerate((srv.warehouse, srv.warehouse + "/", "file://" + wh + "/x/..",
                                 "file:///", "/")):
            # (no quick stats: they would walk all of '/')
            make_table(c, db, "t%d" % i, parts=[], location=loc,
                       params={"DO_NOT_UPDATE_STATS": "true"})
            c.drop_table(db, "t%d" % i, True)
        assert os.path.isfile(marker)
        # '*' does allow elsewhere
        elsewhere = str(tmp_path / "elsewhere")
        make_table(c, db, "e", parts=[], location="file://" + elsewhere)
        canary(elsewhere)
        c.drop_table(db, "e", True)
        assert not os.path.exists(elsewhere)


def test_allowed_locations_widen_and_the_rest_alias(metastore_factory, tmp_path):
    extra = str(tmp_path / "extra")
    os.makedirs(extra)
    srv = metastore_factory(sets=["storage.allowed_locations=file://%s" % extra])
    with srv.client() as c:
        db = make_db(c)
        # the warehouse is not in the list: its data is not touched
        t = make_table(c, db, "w", parts=[])
        assert not os.path.exists(local_path(t.sd.location))
        make_table(c, db, "x", parts=[], location="file://%s/x" % extra)
        assert os.path.isdir(extra + "/x")
        c.drop_table(db, "x", True)
        assert not os.path.exists(extra + "/x")
    # rest.allowed_locations, deprecated, now governs the Thrift door too
    old = metastore_factory(sets=["rest.allowed_locations=file://%s" % extra])
    assert "rest.allowed_locations is deprecated" in old.log_text()
    with old.client() as c:
        db = make_db(c)
        make_table(c, db, "y", parts=[], location="file://%s/y" % extra)
        canary(extra + "/y")
        c.drop_table(db, "y", True)
        assert not os.path.exists(extra + "/y")


# ---------------------------------------------------------------------------
# creating and moving
# ---------------------------------------------------------------------------

def test_no_directory_created_outside(server, client, outside):
    db = make_db(client)
    make_table(client, db, "t", parts=[], location="file://" + outside + "/t")
    assert not os.path.exists(outside + "/t")
    t = make_table(client, db, "p")
    client.add_partition(new_part(t, ["a", "1"], location="file://" + outside + "/pa"))
    assert not os.path.exists(outside + "/pa")
    odb = unique("e2e_odb")
    client.create_database(Database(name=odb, locationUri="file://" + outside + "/odb.db",
                                     parameters={}))
    assert client.get_database(odb).locationUri.endswith("/odb.db")
    assert not os.path.exists(outside + "/odb.db")
    assert "no directory created" in server.log_text()


def test_refused_directory_asked_once(metastore_factory, outside):
    """A table's or partition's directory the guard refused to make is
    not looked into afterwards: the guard is asked once per location, one
    refusal in the (debug) log. Before, the quick stats and the event's
    file list asked again: three refusals."""
    srv = metastore_factory(sets=["log.level=debug"])
    with srv.client() as c:
        db = make_db(c)
        t = make_table(c, db, "p")
        ploc = "file://%s/refused_part" % outside
        c.add_partition(new_part(t, ["a", "1"], location=ploc))
        tloc = "file://%s/refused_table" % outside
        make_table(c, db, "t", parts=[], location=tloc)
    text = srv.log_text()
    for name in ("refused_part", "refused_table"):
        refusals = [l for l in text.splitlines()
                    if name in l and "outside the allowed locations" in l]
        assert len(refusals) == 1, refusals


def test_quick_stats_not_read_outside(client, outside):
    db = make_db(client)
    canary(outside + "/s")
    make_table(client, db, "s", parts=[], location="file://" + outside + "/s")
    assert "numFiles" not in client.get_table(db, "s").parameters


def test_rename_does_not_move_data_out(server, client, outside):
    src = make_db(client)
    t = make_table(client, src, "t", parts=[])
    inside = local_path(t.sd.location)
    f = canary(inside)
    dst = unique("e2e_out")
    client.create_database(Database(name=dst, locationUri="file://" + outside + "/dst.db",
                                    parameters={}))
    t.dbName = dst
    client.alter_table(src, "t", t)
    moved = client.get_table(dst, "t")
    # the location stays with the data (in the stored form, file:/p)
    assert stored(moved.sd.location) == stored(t.sd.location)
    assert os.path.isfile(f)
    assert not os.path.exists(outside + "/dst.db/t")
    assert "data not moved" in server.log_text()


def test_rename_and_exchange_partitions_do_not_move_data_out(client, outside):
    db = make_db(client)
    # rename_partition in a managed table that lies outside
    t = make_table(client, db, "t", location="file://" + outside + "/t")
    add(client, t, ["a", "1"])
    f = canary(outside + "/t/ds=a/hr=1")
    p = client.get_partition(db, "t", ["a", "1"])
    p.values = ["z", "9"]
    client.rename_partition(db, "t", ["a", "1"], p)
    got = client.get_partition(db, "t", ["z", "9"])
    assert got.sd.location == "file:" + outside + "/t/ds=a/hr=1"
    assert os.path.isfile(f)
    # exchange_partition from a table inside to one outside
    src = make_table(client, db, "src")
    add(client, src, ["b", "2"])
    g = canary(local_path(src.sd.location) + "/ds=b/hr=2")
    dst = make_table(client, db, "dst", location="file://" + outside + "/dst")
    client.exchange_partition({"ds": "b"}, db, "src", db, "dst")
    assert client.get_partition_names(db, "dst", -1) == ["ds=b/hr=2"]
    assert os.path.isfile(g)
    assert not os.path.exists(outside + "/dst/ds=b")


# ---------------------------------------------------------------------------
# reading (defect 3): Thrift's metadata_location and the REST door
# ---------------------------------------------------------------------------

@pytest.fixture
def rest(server):
    return Rest(server.rest_port)


def iceberg_table(rest, client):
    ns = unique("guard")
    assert rest.call("POST", "/v1/namespaces", body={"namespace": [ns]})[0] == 200
    status, doc = rest.call("POST", table_path(ns), body={"name": "t", "schema": simple_schema()})
    assert status == 200, doc
    return ns, doc


def point_at(client, ns, location):
    t = client.get_table(ns, "t")
    t.parameters["metadata_location"] = location
    client.alter_table(ns, "t", t)


def test_thrift_metadata_location_outside_is_never_read(rest, client, outside):
    ns, doc = iceberg_table(rest, client)
    # a complete, valid metadata document, outside the warehouse
    md = dict(doc["metadata"])
    md["properties"] = {"secret": SECRET}
    stolen = os.path.join(outside, "00009-x.metadata.json")
    with open(stolen, "w") as f:
        json.dump(md, f)
    plain = os.path.join(outside, "passwd")
    with open(plain, "w") as f:
        f.write("root:x:0:0:%s:/root:/bin/sh\n" % SECRET)
    for loc in ("file://" + stolen, "file://" + plain, "file:///etc/passwd", plain):
        point_at(client, ns, loc)
        for path in (table_path(ns, "t"), table_path(ns, "t") + "?snapshots=refs"):
            status, reply = rest.call("GET", path)
            assert status == 400, (loc, status, reply)
            text = json.dumps(reply)
            assert SECRET not in text and "root:x" not in text, text
            assert "allowed locations" in reply["error"]["message"]
        # a commit reads its base: refused the same way
        status, reply = rest.call("POST", table_path(ns, "t"), body={
            "requirements": [], "updates": [{"action": "set-properties",
                                             "updates": {"k": "v"}}]})
        assert status == 400 and SECRET not in json.dumps(reply), reply


def test_error_replies_never_quote_file_content(rest, client, server):
    """Files inside the allowed locations that are not metadata: the reply
    names the file, never what is in it."""
    ns, doc = iceberg_table(rest, client)
    base = os.path.dirname(local_path(doc["metadata-location"]))
    pin = "7391573915"     # a secret a parser could quote as a token or a value
    docs = {
        "not-json": "root:x:0:0:%s\n" % SECRET,
        "bad-literal": '{"format-version": %s}' % SECRET.replace("-", ""),
        "json-token": '{"format-version": 2, "pin": 1 %s}' % pin,
        "value": json.dumps(dict(doc["metadata"], **{"current-schema-id": int(pin)})),
        "not-metadata": json.dumps({"format-version": 2, "table-uuid": SECRET,
                                    "location": SECRET}),
        "wrong-types": json.dumps({"format-version": SECRET, "location": [SECRET]}),
        "deep": '{"a": ' * 5 + '"%s"' % SECRET + "}" * 5,
    }
    secrets = (SECRET, SECRET.replace("-", ""), pin, "root:x")
    for name, content in docs.items():
        path = os.path.join(base, "%s.metadata.json" % name)
        with open(path, "w") as f:
            f.write(content)
        point_at(client, ns, "file://" + path)
        status, reply = rest.call("GET", table_path(ns, "t"))
        assert status >= 400, (name, reply)
        text = json.dumps(reply)
        assert not [x for x in secrets if x in text], (name, text)
        assert "Metadata file" in reply["error"]["message"], (name, text)
        status, reply = rest.call("POST", "/v1/namespaces/%s/register" % ns, body={
            "name": unique("r"), "metadata-location": "file://" + path})
        assert 400 <= status < 500, (name, reply)
        text = json.dumps(reply)
        assert not [x for x in secrets if x in text], (name, text)


def test_rest_purge_stays_inside(metastore_factory, tmp_path):
    """A table created at an allowed location that is later no longer
    allowed is dropped, not purged."""
    extra = str(tmp_path / "extra")
    os.makedirs(extra)
    srv = metastore_factory(sets=["storage.allowed_locations=file://%s" % extra])
    r = Rest(srv.rest_port)
    ns = unique("purge")
    assert r.call("POST", "/v1/namespaces", body={"namespace": [ns]})[0] == 200
    status, doc = r.call("POST", table_path(ns), body={
        "name": "t", "location": "file://%s/t" % extra, "schema": simple_schema()})
    assert status == 200, doc
    srv.terminate()
    srv2 = metastore_factory(db=srv.db)
    r2 = Rest(srv2.rest_port)
    assert r2.call("DELETE", table_path(ns, "t") + "?purgeRequested=true")[0] == 204
    assert os.path.isdir(extra + "/t/metadata")
    shutil.rmtree(extra)
