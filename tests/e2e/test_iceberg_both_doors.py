"""One catalog through both doors: Iceberg tables made, changed, renamed and
dropped over REST are Iceberg tables for HMS clients (Thrift), and Iceberg's
HiveCatalog working over Thrift (create_table, then lock-free commits with
expected_parameter_key/value) is seen by REST clients. See iceboth.py for
the upstream sequence reproduced here."""
import gzip
import json
import os
import threading

import pytest

from conftest import unique
from hive_metastore.ttypes import (Database, InvalidOperationException, MetaException,
                                   NoSuchObjectException)
from iceboth import (META, PREV_META, all_types_schema, assert_hms_mirror, commit,
                     create_namespace, create_table, current_fields, file_version, hive_cols,
                     hive_commit, hive_iceberg_table, ice_error, list_tables, load_table,
                     local_path, metadata_file, new_metadata, next_metadata, ok, read_metadata,
                     stale_message, write_metadata)
from icelib import Rest, ns_path, simple_schema, table_path
from partlib import stored
from test_tables import make_table


@pytest.fixture
def rest(server):
    assert server.rest_port, "the server announced no REST port"
    return Rest(server.rest_port)


@pytest.fixture
def ns(rest):
    name = unique("both")
    create_namespace(rest, name)
    return name


# ---------------------------------------------------------------------------
# REST create -> the HMS mirror
# ---------------------------------------------------------------------------

def test_rest_create_is_an_iceberg_table_for_thrift(rest, client, ns):
    schema, want_cols = all_types_schema()
    props = {"owner_team": "data", "write.format.default": "parquet"}
    res = create_table(rest, ns, "all_types", schema=schema, properties=props)
    md = res["metadata"]
    # default location: <namespace location>/<table>
    db = client.get_database(ns)
    assert md["location"] == db.locationUri + "/all_types"
    assert res["metadata-location"].startswith(md["location"] + "/metadata/")
    assert file_version(res["metadata-location"]) == 0
    for k, v in props.items():
        assert md["properties"][k] == v
    # the metadata file on disk is the metadata answered
    on_disk = read_metadata(res["metadata-location"])
    assert on_disk["table-uuid"] == md["table-uuid"]
    assert current_fields(on_disk) == current_fields(md)
    # Thrift: EXTERNAL_TABLE, the parameters, formats, serde and Hive columns
    t = assert_hms_mirror(client, ns, "all_types", res)
    assert PREV_META not in t.parameters
    assert hive_cols(t) == want_cols
    assert t.tableName == "all_types" and t.dbName == ns
    # listings
    assert "all_types" in client.get_tables(ns, "*")
    assert "all_types" in client.get_all_tables(ns)
    metas = client.get_table_meta(ns, "all_*", ["EXTERNAL_TABLE"])
    assert [(m.dbName, m.tableName, m.tableType) for m in metas] == [
        (ns, "all_types", "EXTERNAL_TABLE")]
    assert client.get_table_meta(ns, "*", ["MANAGED_TABLE"]) == []
    objs = client.get_table_objects_by_name(ns, ["all_types"])
    assert [o.parameters[META] for o in objs] == [res["metadata-location"]]
    # and REST lists and loads it the same
    assert list_tables(rest, ns) == [((ns,), "all_types")]
    loaded, hdrs = load_table(rest, ns, "all_types")
    assert loaded["metadata-location"] == res["metadata-location"]
    assert loaded["metadata"]["table-uuid"] == md["table-uuid"]
    assert hdrs.get("etag")


def test_rest_create_with_location_and_format_v3_types(rest, client, ns, server):
    loc = server.warehouse + "/elsewhere/" + unique("v3") + "/"
    schema = {"type": "struct", "schema-id": 0, "fields": [
        {"id": 1, "name": "ts_ns", "required": False, "type": "timestamp_ns"},
        {"id": 2, "name": "tstz_ns", "required": False, "type": "timestamptz_ns"},
        {"id": 3, "name": "id", "required": True, "type": "long", "doc": "row id"}]}
    res = create_table(rest, ns, "v3", schema=schema, location=loc,
                       properties={"format-version": "3"})
    md = res["metadata"]
    assert md["format-version"] == 3
    assert md["location"] == loc.rstrip("/")          # trailing '/' removed
    assert res["metadata-location"].startswith(loc + "metadata/00000-")
    assert os.path.isfile(local_path(res["metadata-location"]))
    t = assert_hms_mirror(client, ns, "v3", res)
    assert t.sd.location == loc.rstrip("/")
    assert hive_cols(t) == [("ts_ns", "timestamp", None), ("tstz_ns", "timestamp", None),
                            ("id", "bigint", "row id")]


def test_non_iceberg_tables_are_not_rest_tables(rest, client, ns):
    client.create_table(make_table(ns, "plain_hive"))
    # a plain Hive table and an external one whose table_type is something else
    client.create_table(make_table(ns, "other_kind", ttype="EXTERNAL_TABLE",
                                   params={"EXTERNAL": "TRUE", "table_type": "DELTA"}))
    create_table(rest, ns, "ice")
    assert list_tables(rest, ns) == [((ns,), "ice")]
    for name in ("plain_hive", "other_kind"):
        ice_error(rest.call("GET", table_path(ns, name)), 404, "NoSuchTableException")
        assert rest.call("HEAD", table_path(ns, name))[0] == 404
        # the name is taken all the same
        ice_error(rest.call("POST", table_path(ns), body={"name": name, "schema": simple_schema()}),
                  409, "AlreadyExistsException")
        ice_error(rest.call("POST", table_path(ns, name),
                            body={"requirements": [], "updates": [
                                {"action": "set-properties", "updates": {"a": "b"}}]}),
                  404, "NoSuchTableException")
        assert "a" not in (client.get_table(ns, name).parameters or {})


# ---------------------------------------------------------------------------
# HiveCatalog commits through Thrift, seen by REST
# ---------------------------------------------------------------------------

def test_hive_catalog_commit_through_thrift_is_seen_by_rest(rest, client, ns):
    res = create_table(rest, ns, "t", properties={"keep": "1", "drop.me": "x"})
    base_loc = res["metadata-location"]
    _, hdrs = load_table(rest, ns, "t")
    etag0 = hdrs.get("etag")
    # the commit as HiveTableOperations does it: read the current metadata,
    # write version 1, swap metadata_location under expected_parameter_*
    base = read_metadata(base_loc)
    assert base["table-uuid"] == res["metadata"]["table-uuid"]
    new = next_metadata(base, base_loc, set_props={"committed.by": "hive"},
                        remove_props=["drop.me"],
                        add_field={"name": "extra", "required": False, "type": "double",
                                   "doc": "added by hive"})
    new_loc = metadata_file(base["location"], 1)
    write_metadata(new_loc, new)
    cols = [(f["name"], {"long": "bigint", "timestamptz": "timestamp"}.get(f["type"], f["type"]),
             f.get("doc")) for f in current_fields(new)]
    hive_commit(client, ns, "t", base_loc, new_loc, new_doc=new, hive_columns=cols,
                removed_props=["drop.me"])
    t = client.get_table(ns, "t")
    assert t.parameters[META] == new_loc and t.parameters[PREV_META] == base_loc
    assert t.parameters["committed.by"] == "hive" and "drop.me" not in t.parameters
    assert hive_cols(t)[-1] == ("extra", "double", "added by hive")
    # REST now loads the file Hive wrote
    loaded, hdrs = load_table(rest, ns, "t")
    assert loaded["metadata-location"] == new_loc
    md = loaded["metadata"]
    assert md["properties"]["committed.by"] == "hive" and "drop.me" not in md["properties"]
    assert md["current-schema-id"] == new["current-schema-id"]
    assert [f["name"] for f in current_fields(md)] == ["id", "data", "ts", "extra"]
    assert md["last-updated-ms"] == new["last-updated-ms"]
    assert md["metadata-log"][-1]["metadata-file"] == base_loc
    assert etag0 and hdrs.get("etag") and hdrs["etag"] != etag0
    status, _, _ = rest.call_full("GET", table_path(ns, "t"), headers={"If-None-Match": etag0})
    assert status == 200
    status, _, _ = rest.call_full("GET", table_path(ns, "t"),
                                  headers={"If-None-Match": hdrs["etag"]})
    assert status == 304
    # requirements are checked against Hive's version
    ice_error(rest.call("POST", table_path(ns, "t"), body={
        "requirements": [{"type": "assert-current-schema-id", "current-schema-id": 0}],
        "updates": [{"action": "set-properties", "updates": {"x": "y"}}]}),
        409, "CommitFailedException")
    # a REST commit continues from Hive's file: version 2, both in the log
    out = commit(rest, ns, "t", [{"action": "set-properties", "updates": {"after": "rest"}}],
                 [{"type": "assert-table-uuid", "uuid": base["table-uuid"]},
                  {"type": "assert-current-schema-id",
                   "current-schema-id": new["current-schema-id"]}])
    assert file_version(out["metadata-location"]) == 2
    assert [e["metadata-file"] for e in out["metadata"]["metadata-log"]][-2:] == [base_loc,
                                                                                   new_loc]
    assert out["metadata"]["properties"]["committed.by"] == "hive"
    t = client.get_table(ns, "t")
    assert t.parameters[META] == out["metadata-location"]
    assert t.parameters[PREV_META] == new_loc
    assert t.parameters["after"] == "rest"


def test_stale_hive_commit_is_refused_and_changes_nothing(rest, client, ns):
    res = create_table(rest, ns, "t")
    base_loc = res["metadata-location"]
    base = read_metadata(base_loc)
    hms_base = client.get_table(ns, "t")          # HiveCatalog's read of the table
    # another writer (REST) commits first
    won = commit(rest, ns, "t", [{"action": "set-properties", "updates": {"winner": "rest"}}])
    # the Hive commit built on the old base loses
    mine = next_metadata(base, base_loc, set_props={"loser": "hive"})
    mine_loc = metadata_file(base["location"], 1)
    write_metadata(mine_loc, mine)
    with pytest.raises(MetaException) as e:
        hive_commit(client, ns, "t", base_loc, mine_loc, new_doc=mine, table=hms_base)
    assert e.value.message == stale_message(won["metadata-location"], base_loc)
    # the prefix Iceberg's HiveTableOperations turns into CommitFailedException
    assert e.value.message.startswith(
        "The table has been modified. The parameter value for key 'metadata_location' is")
    t = client.get_table(ns, "t")
    assert t.parameters[META] == won["metadata-location"]
    assert t.parameters[PREV_META] == base_loc
    assert "loser" not in t.parameters and t.parameters["winner"] == "rest"
    loaded, _ = load_table(rest, ns, "t")
    assert loaded["metadata-location"] == won["metadata-location"]
    assert "loser" not in loaded["metadata"]["properties"]
    # with the right base the same Hive commit goes through
    mine2 = next_metadata(loaded["metadata"], won["metadata-location"],
                          set_props={"loser": "hive"})
    mine2_loc = metadata_file(base["location"], 2)
    write_metadata(mine2_loc, mine2)
    hive_commit(client, ns, "t", won["metadata-location"], mine2_loc, new_doc=mine2)
    loaded, _ = load_table(rest, ns, "t")
    assert loaded["metadata-location"] == mine2_loc
    assert loaded["metadata"]["properties"]["loser"] == "hive"
    # a second attempt from the same stale base fails on the new value
    with pytest.raises(MetaException) as e:
        hive_commit(client, ns, "t", won["metadata-location"], metadata_file(base["location"], 3))
    assert e.value.message == stale_message(mine2_loc, won["metadata-location"])


def test_hive_catalog_create_through_thrift_is_seen_by_rest(rest, client, ns, server):
    loc = client.get_database(ns).locationUri + "/from_hive"
    fields = [{"id": 1, "name": "id", "required": True, "type": "long"},
              {"id": 2, "name": "payload", "required": False, "type": "string", "doc": "p"}]
    doc = new_metadata(loc, fields, props={"created.by": "hive-catalog"})
    first = metadata_file(loc, 0)
    write_metadata(first, doc)
    client.create_table(hive_iceberg_table(ns, "from_hive", doc, first,
                                           [("id", "bigint", None), ("payload", "string", "p")]))
    assert list_tables(rest, ns) == [((ns,), "from_hive")]
    assert rest.call("HEAD", table_path(ns, "from_hive"))[0] == 204
    loaded, _ = load_table(rest, ns, "from_hive")
    assert loaded["metadata-location"] == first
    md = loaded["metadata"]
    assert md["table-uuid"] == doc["table-uuid"] and md["location"] == loc
    assert md["properties"]["created.by"] == "hive-catalog"
    assert current_fields(md) == fields
    # a REST commit on it: version 1 next to Hive's version 0
    out = commit(rest, ns, "from_hive",
                 [{"action": "set-properties", "updates": {"via": "rest"}},
                  {"action": "add-schema", "schema": {"type": "struct", "schema-id": 1,
                                                      "fields": fields + [
                      {"id": 3, "name": "added", "required": False, "type": "date"}]},
                   "last-column-id": 3},
                  {"action": "set-current-schema", "schema-id": -1}],
                 [{"type": "assert-table-uuid", "uuid": doc["table-uuid"]}])
    assert out["metadata-location"].startswith(loc + "/metadata/00001-")
    assert out["metadata"]["metadata-log"][-1]["metadata-file"] == first
    assert read_metadata(out["metadata-location"])["properties"]["via"] == "rest"
    t = client.get_table(ns, "from_hive")
    assert t.parameters[META] == out["metadata-location"]
    assert t.parameters[PREV_META] == first
    assert t.parameters["via"] == "rest" and t.parameters["created.by"] == "hive-catalog"
    assert hive_cols(t) == [("id", "bigint", None), ("payload", "string", "p"),
                            ("added", "date", None)]
    # and Hive commits again on top of REST's version
    base = read_metadata(out["metadata-location"])
    nxt = next_metadata(base, out["metadata-location"], set_props={"round": "2"})
    nxt_loc = metadata_file(loc, 2)
    write_metadata(nxt_loc, nxt)
    hive_commit(client, ns, "from_hive", out["metadata-location"], nxt_loc, new_doc=nxt)
    loaded, _ = load_table(rest, ns, "from_hive")
    assert loaded["metadata-location"] == nxt_loc
    assert loaded["metadata"]["properties"]["round"] == "2"


def test_hive_catalog_table_with_gzip_metadata_is_seen_by_rest(rest, client, ns):
    """HiveCatalog with write.metadata.compression-codec=gzip writes
    NNNNN-<uuid>.gz.metadata.json, gzip: the REST door reads it (Iceberg
    decides by the file name) and commits on it."""
    loc = client.get_database(ns).locationUri + "/gz_hive"
    fields = [{"id": 1, "name": "id", "required": True, "type": "long"}]
    doc = new_metadata(loc, fields, props={"write.metadata.compression-codec": "gzip"})
    first = metadata_file(loc, 0).replace(".metadata.json", ".gz.metadata.json")
    path = local_path(first)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with gzip.open(path, "wt") as f:
        json.dump(doc, f)
    client.create_table(hive_iceberg_table(ns, "gz_hive", doc, first, [("id", "bigint", None)]))
    loaded, _ = load_table(rest, ns, "gz_hive")
    assert loaded["metadata-location"] == first
    assert loaded["metadata"]["table-uuid"] == doc["table-uuid"]
    assert current_fields(loaded["metadata"]) == fields
    out = commit(rest, ns, "gz_hive", [{"action": "set-properties", "updates": {"via": "rest"}}],
                 [{"type": "assert-table-uuid", "uuid": doc["table-uuid"]}])
    assert out["metadata"]["metadata-log"][-1]["metadata-file"] == first
    assert client.get_table(ns, "gz_hive").parameters[META] == out["metadata-location"]
    # registering the gzip file under another name reads it too
    status, reg = rest.call("POST", ns_path(ns) + "/register",
                            body={"name": "gz_again", "metadata-location": first})
    assert status == 200, reg
    assert reg["metadata"]["table-uuid"] == doc["table-uuid"]


def test_iceberg_table_type_is_case_insensitive(rest, client, ns):
    """HiveCatalog (HiveOperationsBase.isValidIcebergTable) compares
    table_type ignoring case; older writers stored 'iceberg'."""
    loc = client.get_database(ns).locationUri + "/lower"
    doc = new_metadata(loc, [{"id": 1, "name": "id", "required": False, "type": "int"}])
    first = metadata_file(loc, 0)
    write_metadata(first, doc)
    t = hive_iceberg_table(ns, "lower", doc, first, [("id", "int", None)])
    t.parameters["table_type"] = "iceberg"
    client.create_table(t)
    assert list_tables(rest, ns) == [((ns,), "lower")]
    loaded, _ = load_table(rest, ns, "lower")
    assert loaded["metadata-location"] == first


def test_thrift_table_with_missing_metadata_file(rest, client, ns):
    """An HMS Iceberg table whose metadata file is gone is listed but cannot
    be loaded: 404, never a crash."""
    loc = client.get_database(ns).locationUri + "/ghost"
    doc = new_metadata(loc, [{"id": 1, "name": "id", "required": False, "type": "int"}])
    client.create_table(hive_iceberg_table(ns, "ghost", doc, metadata_file(loc, 0),
                                           [("id", "int", None)]))
    assert list_tables(rest, ns) == [((ns,), "ghost")]
    status, body = rest.call("GET", table_path(ns, "ghost"))
    # Java: the refresh fails with NotFoundException (404)
    assert status == 404 and body["error"]["type"] in ("NoSuchTableException",
                                                       "NotFoundException"), body
    ice_error((status, body), 404, body["error"]["type"])
    assert rest.call("GET", "/v1/config")[0] == 200


# ---------------------------------------------------------------------------
# drop and rename across the doors
# ---------------------------------------------------------------------------

def test_drop_through_thrift_removes_it_from_rest(rest, client, ns):
    res = create_table(rest, ns, "t")
    client.drop_table(ns, "t", False)            # HiveCatalog.dropTable: deleteData=false
    ice_error(rest.call("GET", table_path(ns, "t")), 404, "NoSuchTableException")
    assert rest.call("HEAD", table_path(ns, "t"))[0] == 404
    assert list_tables(rest, ns) == []
    ice_error(rest.call("DELETE", table_path(ns, "t")), 404, "NoSuchTableException")
    # an external table: its files stay
    assert os.path.isfile(local_path(res["metadata-location"]))
    # the name is free again for REST
    again = create_table(rest, ns, "t")
    assert again["metadata"]["table-uuid"] != res["metadata"]["table-uuid"]


def test_drop_through_rest_removes_it_from_thrift(rest, client, ns):
    keep = create_table(rest, ns, "kept_files")
    ok(rest, "DELETE", table_path(ns, "kept_files"), status=204)
    with pytest.raises(NoSuchObjectException):
        client.get_table(ns, "kept_files")
    assert "kept_files" not in client.get_all_tables(ns)
    assert os.path.isfile(local_path(keep["metadata-location"]))
    purged = create_table(rest, ns, "purged")
    commit(rest, ns, "purged", [{"action": "set-properties", "updates": {"a": "1"}}])
    ok(rest, "DELETE", table_path(ns, "purged") + "?purgeRequested=true", status=204)
    with pytest.raises(NoSuchObjectException):
        client.get_table(ns, "purged")
    left = [os.path.join(d, f) for d, _, fs in os.walk(local_path(purged["metadata"]["location"]))
            for f in fs]
    assert left == []
    ice_error(rest.call("DELETE", table_path(ns, "purged")), 404, "NoSuchTableException")


def test_rename_through_rest_is_seen_by_thrift(rest, client, ns):
    other = unique("both_dst")
    create_namespace(rest, other)
    res = create_table(rest, ns, "src")
    body = {"source": {"namespace": [ns], "name": "src"},
            "destination": {"namespace": [ns], "name": "renamed"}}
    ok(rest, "POST", "/v1/tables/rename", body, status=204)
    with pytest.raises(NoSuchObjectException):
        client.get_table(ns, "src")
    t = client.get_table(ns, "renamed")
    # the files do not move
    assert t.sd.location == res["metadata"]["location"]
    assert t.parameters[META] == res["metadata-location"]
    assert os.path.isfile(local_path(res["metadata-location"]))
    loaded, _ = load_table(rest, ns, "renamed")
    assert loaded["metadata-location"] == res["metadata-location"]
    ice_error(rest.call("GET", table_path(ns, "src")), 404, "NoSuchTableException")
    # to another namespace
    body = {"source": {"namespace": [ns], "name": "renamed"},
            "destination": {"namespace": [other], "name": "moved"}}
    ok(rest, "POST", "/v1/tables/rename", body, status=204)
    assert client.get_table(other, "moved").parameters[META] == res["metadata-location"]
    assert list_tables(rest, ns) == [] and list_tables(rest, other) == [((other,), "moved")]
    # errors
    create_table(rest, ns, "taken")
    missing = {"source": {"namespace": [ns], "name": "nope"},
               "destination": {"namespace": [ns], "name": "x"}}
    ice_error(rest.call("POST", "/v1/tables/rename", body=missing), 404, "NoSuchTableException")
    no_ns = {"source": {"namespace": [other], "name": "moved"},
             "destination": {"namespace": ["nope_" + ns], "name": "x"}}
    ice_error(rest.call("POST", "/v1/tables/rename", body=no_ns), 404,
              "NoSuchNamespaceException")
    taken = {"source": {"namespace": [other], "name": "moved"},
             "destination": {"namespace": [ns], "name": "taken"}}
    ice_error(rest.call("POST", "/v1/tables/rename", body=taken), 409, "AlreadyExistsException")
    assert client.get_table(other, "moved").parameters[META] == res["metadata-location"]


def test_rename_through_thrift_is_seen_by_rest(rest, client, ns):
    """HiveCatalog.renameTable: get_table, set the new name, alter_table."""
    res = create_table(rest, ns, "before")
    t = client.get_table(ns, "before")
    t.tableName = "after"
    client.alter_table_with_environment_context(ns, "before", t, None)
    ice_error(rest.call("GET", table_path(ns, "before")), 404, "NoSuchTableException")
    loaded, _ = load_table(rest, ns, "after")
    assert loaded["metadata-location"] == res["metadata-location"]
    # the location the client sent back, in the Java metastore's stored form
    # (file:///p -> file:/p, test_locations.py); Iceberg's own stays as it was
    assert client.get_table(ns, "after").sd.location == \
        stored(res["metadata"]["location"])
    assert loaded["metadata"]["location"] == res["metadata"]["location"]


def test_namespace_with_iceberg_tables_cannot_be_dropped(rest, client, ns):
    create_table(rest, ns, "t")
    ice_error(rest.call("DELETE", ns_path(ns)), 409, "NamespaceNotEmptyException")
    with pytest.raises(InvalidOperationException) as e:
        client.drop_database(ns, False, False)
    assert e.value.message == "Database %s is not empty. One or more tables exist." % ns
    assert client.get_table(ns, "t").parameters["table_type"] == "ICEBERG"
    ok(rest, "GET", ns_path(ns))
    # empty again: both doors may drop it
    ok(rest, "DELETE", table_path(ns, "t"), status=204)
    ok(rest, "DELETE", ns_path(ns), status=204)
    with pytest.raises(NoSuchObjectException):
        client.get_database(ns)
    # a database made through Thrift holding a REST table: drop with cascade
    db = unique("both_casc")
    client.create_database(Database(name=db, parameters={}))
    create_table(rest, db, "t")
    ice_error(rest.call("DELETE", ns_path(db)), 409, "NamespaceNotEmptyException")
    client.drop_database(db, False, True)
    ice_error(rest.call("GET", ns_path(db)), 404, "NoSuchNamespaceException")
    status, body = rest.call("GET", table_path(db, "t"))
    assert status == 404 and body["error"]["type"] in ("NoSuchNamespaceException",
                                                       "NoSuchTableException"), body


# ---------------------------------------------------------------------------
# REST commits -> the HMS mirror follows
# ---------------------------------------------------------------------------

def test_rest_commit_adding_columns_changes_hms_columns(rest, client, ns):
    res = create_table(rest, ns, "t", properties={"p1": "a", "p2": "b"})
    md = res["metadata"]
    fields = current_fields(md)
    last = md["last-column-id"]
    new_fields = fields + [
        {"id": last + 1, "name": "price", "required": False, "type": "decimal(10, 3)",
         "doc": "in EUR"},
        {"id": last + 2, "name": "tags", "required": False,
         "type": {"type": "list", "element-id": last + 3, "element": "string",
                  "element-required": False}}]
    out = commit(rest, ns, "t", [
        {"action": "add-schema", "schema": {"type": "struct", "schema-id": 1,
                                            "fields": new_fields},
         "last-column-id": last + 3},
        {"action": "set-current-schema", "schema-id": -1},
        {"action": "set-properties", "updates": {"p1": "changed", "p3": "c"}},
        {"action": "remove-properties", "removals": ["p2"]}],
        [{"type": "assert-current-schema-id", "current-schema-id": md["current-schema-id"]},
         {"type": "assert-last-assigned-field-id", "last-assigned-field-id": last}])
    assert file_version(out["metadata-location"]) == 1
    t = assert_hms_mirror(client, ns, "t", out, previous=res["metadata-location"])
    assert hive_cols(t) == [("id", "bigint", None), ("data", "string", "payload"),
                            ("ts", "timestamp", None), ("price", "decimal(10,3)", "in EUR"),
                            ("tags", "array<string>", None)]
    assert t.parameters["p1"] == "changed" and t.parameters["p3"] == "c"
    assert "p2" not in t.parameters
    # dropping a column (a new schema without it) is mirrored too
    keep = [f for f in current_fields(out["metadata"]) if f["name"] != "data"]
    out2 = commit(rest, ns, "t", [
        {"action": "add-schema", "schema": {"type": "struct", "schema-id": 2, "fields": keep}},
        {"action": "set-current-schema", "schema-id": -1}])
    t = assert_hms_mirror(client, ns, "t", out2, previous=out["metadata-location"])
    assert [c[0] for c in hive_cols(t)] == ["id", "ts", "price", "tags"]
    # a commit that changes nothing writes no file and keeps the location
    out3 = commit(rest, ns, "t", [], [{"type": "assert-current-schema-id",
                                       "current-schema-id": 2}])
    assert out3["metadata-location"] == out2["metadata-location"]
    assert client.get_table(ns, "t").parameters[META] == out2["metadata-location"]


def test_rest_commits_set_the_parameters_hive_catalog_sets(rest, client, ns):
    """A REST commit leaves in HMS what Iceberg's HiveCatalog leaves there
    (HMSTablePropertyHelper): numFiles/numRows/totalSize and the current
    snapshot from its summary, snapshot-count, the current schema, default
    spec and sort order; gc.enabled as external.table.purge. Before, a
    REST commit left HiveCatalog's values of the last Thrift commit
    standing (found by Spark: numRows 13 after the 14th row came in)."""
    res = create_table(rest, ns, "t", **{
        "partition-spec": {"spec-id": 0, "fields": [
            {"source-id": 1, "field-id": 1000, "name": "id_bucket", "transform": "bucket[4]"}]},
        "write-order": {"order-id": 1, "fields": [
            {"source-id": 1, "transform": "identity", "direction": "asc",
             "null-order": "nulls-first"}]},
        "properties": {"gc.enabled": "false"}})
    t = assert_hms_mirror(client, ns, "t", res)
    assert t.parameters["snapshot-count"] == "0" and "numRows" not in t.parameters
    assert t.parameters["external.table.purge"] == "false" and "gc.enabled" not in t.parameters
    md, previous, snaps = res["metadata"], res["metadata-location"], []
    for i in (1, 2):
        sid = 1000 + i
        snap = {"snapshot-id": sid, "sequence-number": i, "timestamp-ms": 1700000000000 + i,
                "manifest-list": "%s/metadata/snap-%d.avro" % (md["location"], sid),
                "summary": {"operation": "append", "added-records": "7",
                            "total-records": str(7 * i), "total-data-files": str(i),
                            "total-files-size": str(1000 * i)},
                "schema-id": 0}
        if snaps:
            snap["parent-snapshot-id"] = snaps[-1]
        out = commit(rest, ns, "t", [
            {"action": "add-snapshot", "snapshot": snap},
            {"action": "set-snapshot-ref", "ref-name": "main", "type": "branch",
             "snapshot-id": sid}])
        t = assert_hms_mirror(client, ns, "t", out, previous=previous)
        md, previous = out["metadata"], out["metadata-location"]
        snaps.append(sid)
    p = t.parameters
    assert (p["numRows"], p["numFiles"], p["totalSize"]) == ("14", "2", "2000")
    assert p["current-snapshot-id"] == "1002" and p["snapshot-count"] == "2"
    assert p["current-snapshot-timestamp-ms"] == "1700000000002"
    assert json.loads(p["current-snapshot-summary"])["total-records"] == "14"
    assert json.loads(p["default-sort-order"])["order-id"] == 1
    # main removed: no current snapshot (the statistics stay, as in Hive)
    out = commit(rest, ns, "t", [{"action": "remove-snapshot-ref", "ref-name": "main"},
                                 {"action": "remove-properties", "removals": ["gc.enabled"]}])
    t = assert_hms_mirror(client, ns, "t", out, previous=previous,
                          kept={"numRows": "14", "numFiles": "2", "totalSize": "2000"})
    assert "current-snapshot-id" not in t.parameters
    assert "current-snapshot-summary" not in t.parameters
    assert t.parameters["numRows"] == "14" and t.parameters["snapshot-count"] == "2"
    assert "external.table.purge" not in t.parameters


def test_rest_commit_failure_changes_nothing_in_hms(rest, client, ns):
    res = create_table(rest, ns, "t")
    before = client.get_table(ns, "t")
    ice_error(rest.call("POST", table_path(ns, "t"), body={
        "requirements": [{"type": "assert-table-uuid",
                          "uuid": "00000000-0000-0000-0000-000000000000"}],
        "updates": [{"action": "set-properties", "updates": {"x": "y"}}]}),
        409, "CommitFailedException")
    ice_error(rest.call("POST", table_path(ns, "t"), body={
        "requirements": [], "updates": [{"action": "no-such-action"}]}),
        400, "BadRequestException")
    after = client.get_table(ns, "t")
    assert after.parameters == before.parameters
    assert after.sd.cols == before.sd.cols
    assert after.parameters[META] == res["metadata-location"]


# ---------------------------------------------------------------------------
# both doors at once
# ---------------------------------------------------------------------------

def test_concurrent_commits_through_both_doors_lose_nothing(rest, server, ns):
    """HiveCatalog writers (lock-free, expected_parameter_*) and REST writers
    commit to one table at the same time: every successful commit is in the
    final chain, in order, and no property update is lost."""
    res = create_table(rest, ns, "hot")
    location = res["metadata"]["location"]
    per_writer, writers = 4, 3
    done, errors = [], []          # (kind, index, committed file)
    lock = threading.Lock()

    def hive_writer(i):
        try:
            with server.client(timeout=30) as c:
                n, attempts = 0, 0
                while n < per_writer and attempts < 200:
                    attempts += 1
                    tbl = c.get_table(ns, "hot")
                    base_loc = tbl.parameters[META]
                    base = read_metadata(base_loc)
                    new = next_metadata(base, base_loc, set_props={"h%d" % i: str(n + 1)})
                    new_loc = metadata_file(location, file_version(base_loc) + 1)
                    write_metadata(new_loc, new)
                    try:
                        hive_commit(c, ns, "hot", base_loc, new_loc, new_doc=new, table=tbl)
                    except MetaException as e:
                        assert e.message.startswith("The table has been modified."), e.message
                        os.unlink(local_path(new_loc))    # as Iceberg cleans up
                        continue
                    n += 1
                    with lock:
                        done.append(("hive", i, new_loc))
        except Exception as e:  # noqa: BLE001
            errors.append("hive %d: %r" % (i, e))

    def rest_writer(i):
        try:
            for n in range(per_writer):
                status, doc = rest.call("POST", table_path(ns, "hot"), body={
                    "requirements": [], "updates": [
                        {"action": "set-properties", "updates": {"r%d" % i: str(n + 1)}}]})
                assert status == 200, (status, doc)
                with lock:
                    done.append(("rest", i, doc["metadata-location"]))
        except Exception as e:  # noqa: BLE001
            errors.append("rest %d: %r" % (i, e))

    threads = ([threading.Thread(target=hive_writer, args=(i,)) for i in range(writers)] +
               [threading.Thread(target=rest_writer, args=(i,)) for i in range(writers)])
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    assert len(done) == 2 * writers * per_writer
    loaded, _ = load_table(rest, ns, "hot")
    md = loaded["metadata"]
    for i in range(writers):
        assert md["properties"]["h%d" % i] == str(per_writer), md["properties"]
        assert md["properties"]["r%d" % i] == str(per_writer), md["properties"]
    chain = [e["metadata-file"] for e in md["metadata-log"]] + [loaded["metadata-location"]]
    committed = {f for _, _, f in done}
    assert committed <= set(chain), committed - set(chain)
    assert chain[0] == res["metadata-location"]
    assert len(chain) == len(committed) + 1 and len(set(chain)) == len(chain)
    versions = [file_version(f) for f in chain]
    assert versions == sorted(versions) and len(set(versions)) == len(versions), versions
    with server.client() as c:
        assert c.get_table(ns, "hot").parameters[META] == loaded["metadata-location"]
