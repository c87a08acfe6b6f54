"""Iceberg REST tables: create (plain and staged), load (snapshot modes,
ETag), exists, list with pages, drop with and without purge, rename,
register, metrics, and the refusals (names, bodies, sizes), against a real
server, its file:// warehouse and PostgreSQL. The HMS mirror of each table
is checked through Thrift. Where the spec leaves room, Iceberg's Java
reference decides (CatalogHandlers, RESTCatalogAdapter, CatalogTests).
Missing tables, bodies that are not JSON and bodies over
rest.max_body_bytes are cases in tests/data/rest."""
import glob
import json
import os
import re
import urllib.parse
import uuid

import pytest

from conftest import unique
from hive_metastore.ttypes import (EnvironmentContext, FieldSchema, NoSuchObjectException,
                                   SerDeInfo, StorageDescriptor, Table)
from iceberg_spec import spec_validator
from icelib import Rest, assert_error, ns_path, simple_schema, table_path
from icetables import (META_FILE_RE, all_files, append, commit_ok, create_body, create_table,
                       current_snapshot_id, exists, file_version, hms_columns, hms_params, load,
                       local_path, make_ns, metadata_files, ns_location, read_json, set_props,
                       snapshot, snapshot_ids, write_file)
from test_tables import make_table

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def rest(server):
    assert server.rest_port, "the server announced no REST port"
    return Rest(server.rest_port)


@pytest.fixture(scope="module")
def ns(rest):
    return make_ns(rest)


def nested_schema():
    """Client-side ids on purpose far from what the server assigns."""
    return {"type": "struct", "schema-id": 7, "identifier-field-ids": [10], "fields": [
        {"id": 10, "name": "id", "required": True, "type": "long"},
        {"id": 20, "name": "point", "required": False, "type": {
            "type": "struct", "fields": [
                {"id": 21, "name": "x", "required": True, "type": "double"},
                {"id": 22, "name": "y", "required": True, "type": "double"}]}},
        {"id": 30, "name": "tags", "required": False, "type": {
            "type": "list", "element-id": 31, "element": "string", "element-required": False}},
        {"id": 40, "name": "attrs", "required": False, "type": {
            "type": "map", "key-id": 41, "key": "string", "value-id": 42, "value": "int",
            "value-required": False}},
        {"id": 50, "name": "ts", "required": False, "type": "timestamptz", "doc": "event time"},
        {"id": 60, "name": "amount", "required": False, "type": "decimal(10, 2)"},
    ]}


# ---------------------------------------------------------------------------
# create
# ---------------------------------------------------------------------------

def test_create_with_defaults(rest, client, ns):
    name = unique("t")
    status, doc, hdrs = rest.call_full("POST", table_path(ns), body=create_body(name))
    assert status == 200, (status, doc)
    spec_validator().check_response(table_path(ns), "post", 200, doc)
    md = doc["metadata"]
    loc = ns_location(rest, ns) + "/" + name
    # where it lives
    assert md["location"] == loc
    meta_loc = doc["metadata-location"]
    assert meta_loc.startswith(loc + "/metadata/00000-"), meta_loc
    assert file_version(meta_loc) == 0
    # Iceberg's defaults for a new table
    assert md["format-version"] == 2
    assert UUID_RE.match(md["table-uuid"]), md["table-uuid"]
    assert md["current-schema-id"] == 0 and md["last-column-id"] == 3
    [schema] = md["schemas"]
    assert schema["schema-id"] == 0
    assert [(f["id"], f["name"], f["type"], f["required"]) for f in schema["fields"]] == [
        (1, "id", "long", True), (2, "data", "string", False), (3, "ts", "timestamptz", False)]
    assert schema["fields"][1].get("doc") == "payload"
    assert md["default-spec-id"] == 0
    assert md["partition-specs"] == [{"spec-id": 0, "fields": []}]
    assert md["last-partition-id"] == 999
    assert md["default-sort-order-id"] == 0
    assert md["sort-orders"] == [{"order-id": 0, "fields": []}]
    assert md["last-sequence-number"] == 0
    assert current_snapshot_id(md) is None
    assert md.get("snapshots", []) == [] and md.get("refs", {}) == {}
    assert md.get("metadata-log", []) == [] and md.get("snapshot-log", []) == []
    assert isinstance(doc.get("config", {}), dict)
    # the file on disk is the reply's metadata
    assert [local_path(meta_loc)] == metadata_files(loc)
    assert read_json(meta_loc) == md
    # exists, and the HMS mirror
    assert rest.call("HEAD", table_path(ns, name)) == (204, None)
    t = client.get_table(ns, name)
    assert t.tableType == "EXTERNAL_TABLE"
    p = t.parameters
    assert p["EXTERNAL"] == "TRUE" and p["table_type"] == "ICEBERG"
    assert p["metadata_location"] == meta_loc and p["uuid"] == md["table-uuid"]
    assert "previous_metadata_location" not in p
    assert t.sd.location == loc
    assert [(c.name, c.type, c.comment) for c in t.sd.cols] == [
        ("id", "bigint", None), ("data", "string", "payload"), ("ts", "timestamp", None)]
    assert t.sd.inputFormat == "org.apache.hadoop.mapred.FileInputFormat"
    assert t.sd.outputFormat == "org.apache.hadoop.mapred.FileOutputFormat"
    assert t.sd.serdeInfo.serializationLib == "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    assert not t.partitionKeys


def test_create_reassigns_ids_and_binds_spec_and_order(rest, client, ns, server):
    name = unique("t")
    spec = {"spec-id": 3, "fields": [
        {"source-id": 10, "field-id": 5000, "name": "id_bucket", "transform": "bucket[16]"},
        {"source-id": 50, "name": "ts_day", "transform": "day"},
        {"source-id": 60, "name": "amount", "transform": "identity"}]}
    order = {"order-id": 4, "fields": [
        {"source-id": 50, "transform": "identity", "direction": "desc",
         "null-order": "nulls-last"},
        {"source-id": 10, "transform": "bucket[4]", "direction": "asc",
         "null-order": "nulls-first"}]}
    where = server.warehouse + "/elsewhere/" + name + "/"
    _, doc = create_table(rest, ns, name, schema=nested_schema(), partition_spec=spec,
                          write_order=order, location=where,
                          properties={"owner_team": "data", "write.format.default": "orc"})
    md = doc["metadata"]
    # the request location is used as given, without its trailing '/'
    assert md["location"] == where.rstrip("/")
    assert doc["metadata-location"].startswith(where + "metadata/00000-")
    assert exists(doc["metadata-location"])
    # ids: each struct's fields first, then their children
    [schema] = md["schemas"]
    assert schema["schema-id"] == 0 and md["current-schema-id"] == 0
    f = {x["name"]: x for x in schema["fields"]}
    assert [x["id"] for x in schema["fields"]] == [1, 2, 3, 4, 5, 6]
    assert [x["id"] for x in f["point"]["type"]["fields"]] == [7, 8]
    assert f["tags"]["type"]["element-id"] == 9
    assert (f["attrs"]["type"]["key-id"], f["attrs"]["type"]["value-id"]) == (10, 11)
    assert md["last-column-id"] == 11
    assert schema.get("identifier-field-ids") == [1]
    # the spec: id 0, field ids from 1000, sources remapped
    assert md["default-spec-id"] == 0
    [pspec] = md["partition-specs"]
    assert pspec["spec-id"] == 0
    assert [(p["field-id"], p["source-id"], p["name"], p["transform"]) for p in pspec["fields"]] == [
        (1000, 1, "id_bucket", "bucket[16]"), (1001, 5, "ts_day", "day"),
        (1002, 6, "amount", "identity")]
    assert md["last-partition-id"] == 1002
    # the write order: id 1, sources remapped
    assert md["default-sort-order-id"] == 1
    [so] = [o for o in md["sort-orders"] if o["order-id"] == 1]
    assert [(s["source-id"], s["transform"], s["direction"], s["null-order"])
            for s in so["fields"]] == [(5, "identity", "desc", "nulls-last"),
                                       (1, "bucket[4]", "asc", "nulls-first")]
    # properties are stored, and mirrored as HMS parameters
    assert md["properties"]["owner_team"] == "data"
    assert md["properties"]["write.format.default"] == "orc"
    p = hms_params(client, ns, name)
    assert p["owner_team"] == "data" and p["write.format.default"] == "orc"
    assert client.get_table(ns, name).sd.location == where.rstrip("/")
    assert hms_columns(client, ns, name) == [
        ("id", "bigint", None), ("point", "struct<x:double,y:double>", None),
        ("tags", "array<string>", None), ("attrs", "map<string,int>", None),
        ("ts", "timestamp", "event time"), ("amount", "decimal(10,2)", None)]
    assert read_json(doc["metadata-location"]) == md


@pytest.mark.parametrize("version", [1, 2, 3])
def test_create_format_versions(rest, ns, version):
    _, doc = create_table(rest, ns, properties={"format-version": str(version), "k": "v"})
    md = doc["metadata"]
    assert md["format-version"] == version
    # a reserved property: it sets the version and is not stored
    assert "format-version" not in md["properties"] and md["properties"]["k"] == "v"
    if version == 1:
        # v1 readers need the single schema and partition spec members
        assert md["schema"]["fields"][0]["name"] == "id"
        assert md["partition-spec"] == []
    if version >= 2:
        assert md["last-sequence-number"] == 0
    if version == 3:
        assert md["next-row-id"] == 0
    assert read_json(doc["metadata-location"]) == md


def test_create_refusals(rest, ns):
    missing = "nope_" + ns
    assert_error(*rest.call("POST", table_path(missing), body=create_body("t")), 404,
                 "NoSuchNamespaceException")
    name, _ = create_table(rest, ns)
    status, doc = rest.call("POST", table_path(ns), body=create_body(name))
    assert_error(status, doc, 409, "AlreadyExistsException")
    assert "already exists" in doc["error"]["message"].lower(), doc
    # a staged create of a taken name is refused as well
    assert_error(*rest.call("POST", table_path(ns), body=create_body(name, **{"stage-create": True})),
                 409, "AlreadyExistsException")
    bad_type = simple_schema()
    bad_type["fields"][0]["type"] = "nosuchtype"
    bad_struct = simple_schema()
    bad_struct["fields"][1]["type"] = {"type": "struct"}
    no_field_name = simple_schema()
    del no_field_name["fields"][0]["name"]
    bodies = [
        {"name": unique("t")},                                             # no schema
        {"schema": simple_schema()},                                       # no name
        {"name": unique("t"), "schema": "struct"},
        {"name": unique("t"), "schema": bad_type},
        {"name": unique("t"), "schema": bad_struct},
        {"name": unique("t"), "schema": no_field_name},
        {"name": 5, "schema": simple_schema()},
        {"name": unique("t"), "schema": simple_schema(), "properties": {"a": 1}},
        {"name": unique("t"), "schema": simple_schema(), "location": 7},
        {"name": unique("t"), "schema": simple_schema(),                   # unknown source
         "partition-spec": {"fields": [{"source-id": 99, "name": "p", "transform": "identity"}]}},
        {"name": unique("t"), "schema": simple_schema(),                   # day of a string
         "partition-spec": {"fields": [{"source-id": 2, "name": "p", "transform": "day"}]}},
        {"name": unique("t"), "schema": nested_schema(),                   # of a struct
         "partition-spec": {"fields": [{"source-id": 20, "name": "p", "transform": "identity"}]}},
        {"name": unique("t"), "schema": simple_schema(),
         "write-order": {"order-id": 1, "fields": [{"source-id": 99, "transform": "identity",
                                                    "direction": "asc",
                                                    "null-order": "nulls-first"}]}},
        {"name": unique("t"), "schema": simple_schema(), "properties": {"format-version": "9"}},
        {"name": unique("t"), "schema": simple_schema(), "properties": {"format-version": "x"}},
    ]
    wrong = []
    for body in bodies:
        status, doc = rest.call("POST", table_path(ns), body=body)
        # Java's checkArgument refusal of a format version: IllegalArgumentException
        etype = ("IllegalArgumentException" if "format-version" in body.get("properties", {})
                 else "BadRequestException")
        if status != 400 or doc["error"]["type"] != etype:
            wrong.append((body, status, doc))
        elif isinstance(body.get("name"), str):
            assert rest.call("HEAD", table_path(ns, body["name"]))[0] == 404, body
    assert not wrong, "accepted or mis-answered:\n" + "\n".join(map(repr, wrong))


# ---------------------------------------------------------------------------
# staged create
# ---------------------------------------------------------------------------

def create_updates(md):
    """The updates of a create transaction that rebuild staged metadata 'md'
    (what Iceberg's RESTSessionCatalog sends after a stage-create)."""
    return [
        {"action": "assign-uuid", "uuid": md["table-uuid"]},
        {"action": "upgrade-format-version", "format-version": md["format-version"]},
        {"action": "add-schema", "schema": md["schemas"][0]},
        {"action": "set-current-schema", "schema-id": -1},
        {"action": "add-spec", "spec": md["partition-specs"][0]},
        {"action": "set-default-spec", "spec-id": -1},
        {"action": "add-sort-order", "sort-order": md["sort-orders"][0]},
        {"action": "set-default-sort-order", "sort-order-id": -1},
        {"action": "set-location", "location": md["location"]},
        {"action": "set-properties", "updates": md["properties"]},
    ]


def test_stage_create_stores_nothing_until_the_commit(rest, client, ns):
    name = unique("staged")
    body = create_body(name, properties={"stage": "yes"}, **{"stage-create": True})
    status, doc = rest.call("POST", table_path(ns), body=body)
    assert status == 200, (status, doc)
    spec_validator().check_response(table_path(ns), "post", 200, doc)
    assert doc.get("metadata-location") is None, doc
    md = doc["metadata"]
    loc = ns_location(rest, ns) + "/" + name
    assert md["location"] == loc and md["properties"]["stage"] == "yes"
    assert UUID_RE.match(md["table-uuid"])
    # nothing stored: not in the catalog, not in HMS, no file
    assert rest.call("HEAD", table_path(ns, name))[0] == 404
    assert_error(*rest.call("GET", table_path(ns, name)), 404, "NoSuchTableException")
    listed = rest.call("GET", table_path(ns))[1]["identifiers"]
    assert {"namespace": [ns], "name": name} not in listed
    with pytest.raises(NoSuchObjectException):
        client.get_table(ns, name)
    assert metadata_files(loc) == []
    # the create transaction's commit makes it
    updates = create_updates(md)
    created = commit_ok(rest, ns, name, updates, [{"type": "assert-create"}])
    cmd = created["metadata"]
    assert file_version(created["metadata-location"]) == 0
    assert created["metadata-location"].startswith(loc + "/metadata/")
    assert cmd["table-uuid"] == md["table-uuid"] and cmd["location"] == loc
    assert cmd["schemas"][0]["fields"] == md["schemas"][0]["fields"]
    assert cmd["properties"]["stage"] == "yes"
    assert cmd.get("metadata-log", []) == []
    assert rest.call("HEAD", table_path(ns, name)) == (204, None)
    loaded = load(rest, ns, name)
    assert loaded["metadata-location"] == created["metadata-location"]
    assert loaded["metadata"] == cmd
    assert read_json(created["metadata-location"]) == cmd
    assert hms_params(client, ns, name)["metadata_location"] == created["metadata-location"]
    # a second create transaction for the same name loses
    status, err = rest.call("POST", table_path(ns, name),
                            body={"requirements": [{"type": "assert-create"}], "updates": updates})
    assert_error(status, err, 409, "CommitFailedException")
    assert err["error"]["message"] == "Requirement failed: table already exists"
    assert load(rest, ns, name)["metadata-location"] == created["metadata-location"]


# ---------------------------------------------------------------------------
# load, exists
# ---------------------------------------------------------------------------

def test_load_snapshots_all_and_refs(rest, ns):
    name, doc = create_table(rest, ns)
    md = append(rest, ns, name, doc["metadata"])["metadata"]
    s1 = current_snapshot_id(md)
    md = append(rest, ns, name, md)["metadata"]
    s2 = current_snapshot_id(md)
    # s3: a tag on a snapshot of its own; s1 is now referenced by nothing
    snap3 = snapshot(md, parent=s2)
    md = commit_ok(rest, ns, name, [
        {"action": "add-snapshot", "snapshot": snap3},
        {"action": "set-snapshot-ref", "ref-name": "audit", "type": "tag",
         "snapshot-id": snap3["snapshot-id"]}])["metadata"]
    s3 = snap3["snapshot-id"]
    assert current_snapshot_id(md) == s2
    everything = load(rest, ns, name)
    assert snapshot_ids(everything["metadata"]) == {s1, s2, s3}
    assert snapshot_ids(load(rest, ns, name, "?snapshots=all")["metadata"]) == {s1, s2, s3}
    refs_only = load(rest, ns, name, "?snapshots=refs")
    assert snapshot_ids(refs_only["metadata"]) == {s2, s3}
    assert refs_only["metadata"]["refs"] == everything["metadata"]["refs"]
    assert refs_only["metadata-location"] == everything["metadata-location"]
    assert current_snapshot_id(refs_only["metadata"]) == s2
    assert_error(*rest.call("GET", table_path(ns, name) + "?snapshots=some"), 400,
                 "BadRequestException")


def test_load_etag_and_if_none_match(rest, ns):
    name, _ = create_table(rest, ns)
    status, doc, hdrs = rest.call_full("GET", table_path(ns, name))
    assert status == 200
    spec_validator().check_response(table_path(ns, name), "get", 200, doc)
    etag = hdrs.get("etag")
    assert etag, hdrs
    status, body, _ = rest.call_full("GET", table_path(ns, name),
                                     headers={"If-None-Match": etag})
    assert status == 304 and body is None
    # a different tag: the full reply
    assert rest.call("GET", table_path(ns, name), headers={"If-None-Match": '"nope"'})[0] == 200
    commit_ok(rest, ns, name, [set_props(changed="yes")])
    status, doc2, hdrs2 = rest.call_full("GET", table_path(ns, name),
                                         headers={"If-None-Match": etag})
    assert status == 200 and doc2["metadata"]["properties"]["changed"] == "yes"
    assert hdrs2.get("etag") and hdrs2["etag"] != etag
    assert rest.call_full("GET", table_path(ns, name),
                          headers={"If-None-Match": hdrs2["etag"]})[0] == 304
    # the snapshot mode is part of what the tag names (as in Java's ETagProvider)
    status, _, hdrs3 = rest.call_full("GET", table_path(ns, name) + "?snapshots=refs",
                                      headers={"If-None-Match": hdrs2["etag"]})
    assert status == 200 and hdrs3.get("etag") and hdrs3["etag"] != hdrs2["etag"]


def test_create_and_commit_replies_carry_the_etag(rest, ns):
    """The spec's If-None-Match takes "the ETag received in a
    CreateTableResponse, LoadTableResponse or CommitTableResponse"; Java's
    adapter tags create, register and commit replies for the default
    snapshot mode (all)."""
    name = unique("t")
    everything = table_path(ns, name) + "?snapshots=all"
    status, doc, hdrs = rest.call_full("POST", table_path(ns), body=create_body(name))
    assert status == 200, doc
    assert hdrs.get("etag"), hdrs
    assert rest.call_full("GET", everything, headers={"If-None-Match": hdrs["etag"]})[0] == 304
    status, doc, hdrs = rest.call_full("POST", table_path(ns, name),
                                       body={"requirements": [], "updates": [set_props(a="1")]})
    assert status == 200, doc
    assert hdrs.get("etag"), hdrs
    assert rest.call_full("GET", everything, headers={"If-None-Match": hdrs["etag"]})[0] == 304
    assert rest.call("DELETE", table_path(ns, name)) == (204, None)
    status, doc, hdrs = rest.call_full("POST", ns_path(ns) + "/register",
                                       body={"name": name,
                                             "metadata-location": doc["metadata-location"]})
    assert status == 200, doc
    assert hdrs.get("etag"), hdrs
    assert rest.call_full("GET", everything, headers={"If-None-Match": hdrs["etag"]})[0] == 304


# ---------------------------------------------------------------------------
# list
# ---------------------------------------------------------------------------

def test_list_pages_and_only_iceberg_tables(rest, client):
    ns = make_ns(rest, "ice_list")
    names = sorted("t%d_%s" % (i, unique("x")) for i in range(5))
    for n in reversed(names):
        create_table(rest, ns, n)
    # a plain Hive table in the same database is not an Iceberg table
    client.create_table(make_table(ns, "plain_hive"))
    status, doc = rest.call("GET", table_path(ns))
    assert status == 200, doc
    spec_validator().check_response(table_path(ns), "get", 200, doc)
    assert [i["name"] for i in doc["identifiers"]] == names
    assert all(i["namespace"] == [ns] for i in doc["identifiers"])
    assert not doc.get("next-page-token")
    # pages of 2: the tokens are whatever the server hands out
    seen, token, pages = [], None, 0
    for _ in range(10):
        q = "?pageSize=2" + ("&pageToken=" + urllib.parse.quote(token, safe="") if token else "")
        status, doc = rest.call("GET", table_path(ns) + q)
        assert status == 200, doc
        spec_validator().check_response(table_path(ns), "get", 200, doc)
        assert len(doc["identifiers"]) <= 2
        seen += [i["name"] for i in doc["identifiers"]]
        pages += 1
        token = doc.get("next-page-token")
        if not token:
            break
    assert seen == names and pages == 3
    assert_error(*rest.call("GET", table_path(ns) + "?pageSize=0"), 400, "BadRequestException")
    assert_error(*rest.call("GET", table_path("nope_" + ns)), 404, "NoSuchNamespaceException")
    # the Hive table is invisible to REST, and its name is taken
    assert_error(*rest.call("GET", table_path(ns, "plain_hive")), 404, "NoSuchTableException")
    assert rest.call("HEAD", table_path(ns, "plain_hive"))[0] == 404
    assert_error(*rest.call("POST", table_path(ns), body=create_body("plain_hive")), 409,
                 "AlreadyExistsException")
    assert client.get_table(ns, "plain_hive").tableType == "MANAGED_TABLE"
    # an empty namespace lists nothing
    empty = make_ns(rest, "ice_empty")
    status, doc = rest.call("GET", table_path(empty))
    assert status == 200 and doc["identifiers"] == [] and not doc.get("next-page-token")


# ---------------------------------------------------------------------------
# drop
# ---------------------------------------------------------------------------

def test_drop_without_and_with_purge(rest, client, ns):
    kept, doc = create_table(rest, ns)
    append(rest, ns, kept)
    kept_md = load(rest, ns, kept)
    kept_files = metadata_files(kept_md["metadata"]["location"])
    assert len(kept_files) == 2
    assert rest.call("DELETE", table_path(ns, kept)) == (204, None)
    assert rest.call("HEAD", table_path(ns, kept))[0] == 404
    assert_error(*rest.call("GET", table_path(ns, kept)), 404, "NoSuchTableException")
    with pytest.raises(NoSuchObjectException):
        client.get_table(ns, kept)
    assert metadata_files(kept_md["metadata"]["location"]) == kept_files
    # explicitly not purged
    kept2, doc2 = create_table(rest, ns)
    assert rest.call("DELETE", table_path(ns, kept2) + "?purgeRequested=false") == (204, None)
    assert exists(doc2["metadata-location"])
    # purged: every object under the table location goes
    gone, doc3 = create_table(rest, ns)
    append(rest, ns, gone)
    loc = doc3["metadata"]["location"]
    write_file(loc + "/data/part-00000.parquet", "not really parquet")
    assert len(all_files(loc)) == 3
    assert rest.call("DELETE", table_path(ns, gone) + "?purgeRequested=true") == (204, None)
    assert all_files(loc) == []
    assert rest.call("HEAD", table_path(ns, gone))[0] == 404
    # the neighbours are untouched
    assert metadata_files(kept_md["metadata"]["location"]) == kept_files
    # missing
    assert_error(*rest.call("DELETE", table_path(ns, gone)), 404, "NoSuchTableException")
    assert_error(*rest.call("DELETE", table_path(ns, unique("ghost")) + "?purgeRequested=true"),
                 404, "NoSuchTableException")


# ---------------------------------------------------------------------------
# rename
# ---------------------------------------------------------------------------

def rename(rest, src_ns, src, dst_ns, dst):
    return rest.call("POST", "/v1/tables/rename",
                     body={"source": {"namespace": [src_ns], "name": src},
                           "destination": {"namespace": [dst_ns], "name": dst}})


def test_rename_within_and_across_namespaces(rest, client, ns):
    name, doc = create_table(rest, ns)
    meta = doc["metadata-location"]
    new = unique("renamed")
    assert rename(rest, ns, name, ns, new) == (204, None)
    assert rest.call("HEAD", table_path(ns, name))[0] == 404
    got = load(rest, ns, new)
    # the files do not move
    assert got["metadata-location"] == meta and exists(meta)
    assert got["metadata"]["table-uuid"] == doc["metadata"]["table-uuid"]
    assert client.get_table(ns, new).parameters["metadata_location"] == meta
    with pytest.raises(NoSuchObjectException):
        client.get_table(ns, name)
    # into another namespace
    other = make_ns(rest, "ice_other")
    assert rename(rest, ns, new, other, new) == (204, None)
    assert load(rest, other, new)["metadata-location"] == meta
    assert rest.call("HEAD", table_path(ns, new))[0] == 404
    assert {"namespace": [other], "name": new} in rest.call("GET", table_path(other))[1][
        "identifiers"]
    # the renamed table still commits
    assert file_version(append(rest, other, new)["metadata-location"]) == 1


def test_rename_refusals(rest, client, ns):
    a, doc_a = create_table(rest, ns)
    b, doc_b = create_table(rest, ns)
    status, doc = rename(rest, ns, unique("ghost"), ns, unique("x"))
    assert_error(status, doc, 404, "NoSuchTableException")
    status, doc = rename(rest, ns, a, "nope_" + ns, a)
    assert_error(status, doc, 404, "NoSuchNamespaceException")
    status, doc = rename(rest, ns, a, ns, b)
    assert_error(status, doc, 409, "AlreadyExistsException")
    # nothing moved
    assert load(rest, ns, a)["metadata"]["table-uuid"] == doc_a["metadata"]["table-uuid"]
    assert load(rest, ns, b)["metadata"]["table-uuid"] == doc_b["metadata"]["table-uuid"]
    # a plain Hive table is not an Iceberg table to rename
    client.create_table(make_table(ns, "hive_only"))
    assert_error(*rename(rest, ns, "hive_only", ns, unique("x")), 404, "NoSuchTableException")
    assert client.get_table(ns, "hive_only").tableName == "hive_only"
    for body in ({"source": {"namespace": [ns], "name": a}},
                 {"source": {"namespace": ns, "name": a},
                  "destination": {"namespace": [ns], "name": "x"}},
                 {"source": {"namespace": [ns], "name": a},
                  "destination": {"namespace": [ns], "name": "bad name"}}):
        assert_error(*rest.call("POST", "/v1/tables/rename", body=body), 400,
                     "BadRequestException")
    assert_error(*rest.call("POST", "/v1/tables/rename", raw="{"), 400, "BadRequestException")
    assert rest.call("HEAD", table_path(ns, a))[0] == 204


# ---------------------------------------------------------------------------
# register
# ---------------------------------------------------------------------------

def register(rest, ns, name, location, overwrite=None):
    body = {"name": name, "metadata-location": location}
    if overwrite is not None:
        body["overwrite"] = overwrite
    return rest.call("POST", ns_path(ns) + "/register", body=body)


def test_register_adopts_the_file_of_a_dropped_table(rest, client, ns):
    name, doc = create_table(rest, ns, properties={"origin": "first life"})
    md = append(rest, ns, name)["metadata"]
    last = load(rest, ns, name)["metadata-location"]
    assert file_version(last) == 1
    assert rest.call("DELETE", table_path(ns, name)) == (204, None)
    status, reg = register(rest, ns, name, last)
    assert status == 200, reg
    spec_validator().check_response(ns_path(ns) + "/register", "post", 200, reg)
    assert reg["metadata-location"] == last
    assert reg["metadata"] == read_json(last)
    assert reg["metadata"]["table-uuid"] == md["table-uuid"]
    assert current_snapshot_id(reg["metadata"]) == current_snapshot_id(md)
    assert load(rest, ns, name)["metadata-location"] == last
    p = hms_params(client, ns, name)
    assert p["metadata_location"] == last and p["table_type"] == "ICEBERG"
    assert p["origin"] == "first life"
    # its next commit follows the registered file
    after = commit_ok(rest, ns, name, [set_props(second="life")])
    assert file_version(after["metadata-location"]) == 2
    assert after["metadata"]["metadata-log"][-1]["metadata-file"] == last
    # under a second name too (the same files)
    twin = unique("twin")
    status, reg2 = register(rest, ns, twin, last)
    assert status == 200, reg2
    assert load(rest, ns, twin)["metadata"]["table-uuid"] == md["table-uuid"]


def test_register_existing_overwrite_and_missing_files(rest, client, ns):
    a, doc_a = create_table(rest, ns)
    b, doc_b = create_table(rest, ns)
    status, doc = register(rest, ns, a, doc_b["metadata-location"])
    assert_error(status, doc, 409, "AlreadyExistsException")
    assert load(rest, ns, a)["metadata-location"] == doc_a["metadata-location"]
    status, doc = register(rest, ns, a, doc_b["metadata-location"], overwrite=False)
    assert_error(status, doc, 409, "AlreadyExistsException")
    # overwrite: a now points at b's file
    status, doc = register(rest, ns, a, doc_b["metadata-location"], overwrite=True)
    assert status == 200, doc
    spec_validator().check_response(ns_path(ns) + "/register", "post", 200, doc)
    got = load(rest, ns, a)
    assert got["metadata-location"] == doc_b["metadata-location"]
    assert got["metadata"]["table-uuid"] == doc_b["metadata"]["table-uuid"]
    assert hms_params(client, ns, a)["metadata_location"] == doc_b["metadata-location"]
    # a file that is not there: Java's FileIO raises NotFoundException (404)
    missing = doc_a["metadata"]["location"] + "/metadata/00009-%s.metadata.json" % uuid.uuid4()
    status, doc = register(rest, ns, unique("r"), missing)
    assert_error(status, doc, 404, "NotFoundException")
    # a file that is not table metadata
    junk = doc_a["metadata"]["location"] + "/metadata/junk.metadata.json"
    write_file(junk, '{"hello": "world"}')
    name = unique("r")
    assert_error(*register(rest, ns, name, junk), 400, "BadRequestException")
    write_file(junk, "not json at all")
    assert_error(*register(rest, ns, name, junk), 400, "BadRequestException")
    assert rest.call("HEAD", table_path(ns, name))[0] == 404
    # the namespace must exist; the request needs its members
    assert_error(*register(rest, "nope_" + ns, unique("r"), doc_a["metadata-location"]), 404,
                 "NoSuchNamespaceException")
    assert_error(*rest.call("POST", ns_path(ns) + "/register", body={"name": unique("r")}), 400,
                 "BadRequestException")
    assert_error(*rest.call("POST", ns_path(ns) + "/register",
                            body={"metadata-location": doc_a["metadata-location"]}), 400,
                 "BadRequestException")


# ---------------------------------------------------------------------------
# metrics
# ---------------------------------------------------------------------------

def test_metrics_report(rest, ns):
    name, doc = create_table(rest, ns)
    report = {"report-type": "commit-report", "table-name": "%s.%s" % (ns, name),
              "snapshot-id": 1, "sequence-number": 1, "operation": "append",
              "metrics": {"total-duration": {"count": 1, "time-unit": "nanoseconds",
                                             "total-duration": 12}}}
    path = table_path(ns, name) + "/metrics"
    assert rest.call("POST", path, body=report) == (204, None)
    scan = {"report-type": "scan-report", "table-name": name, "snapshot-id": 1,
            "filter": True, "schema-id": 0, "projected-field-ids": [1],
            "projected-field-names": ["id"], "metrics": {}}
    assert rest.call("POST", path, body=scan) == (204, None)
    assert_error(*rest.call("POST", table_path(ns, unique("ghost")) + "/metrics", body=report),
                 404, "NoSuchTableException")
    assert_error(*rest.call("POST", path, body={"table-name": name}), 400, "BadRequestException")
    assert_error(*rest.call("POST", path, raw="{nope"), 400, "BadRequestException")
    # reporting changes nothing
    assert load(rest, ns, name)["metadata-location"] == doc["metadata-location"]


# ---------------------------------------------------------------------------
# names, bodies, sizes
# ---------------------------------------------------------------------------

def metadata_files_outside(server):
    """The *.metadata.json files of the server's directory outside its warehouse."""
    wh = os.path.realpath(server.warehouse_dir)
    out = set()
    for d, _, files in os.walk(server.tmp):
        if not os.path.realpath(d).startswith(wh):
            out |= {os.path.join(d, f) for f in files if f.endswith(".metadata.json")}
    return out


SPECIAL_NAMES = ["a b", "caf\u00e9", "\u8868", "a%b", "a%2Fb", "a/b", "..", ".", "../../x",
                 "../../../../../../tmp/ice_escape", "a.b", "x\x00y", ""]


def test_special_names_never_escape_the_warehouse(rest, ns, server):
    escape = "/tmp/ice_escape"
    assert not os.path.exists(escape)
    wrong = []
    for name in SPECIAL_NAMES:
        status, doc = rest.call("POST", table_path(ns), body=create_body(name))
        if status != 400 or doc["error"]["type"] != "BadRequestException":
            wrong.append(("create", name, status))
        if name:
            for method in ("GET", "HEAD", "DELETE"):
                status, _ = rest.call(method, table_path(ns, name))
                if status not in (400, 404):
                    wrong.append((method, name, status))
            status, _ = rest.call("POST", table_path(ns, name),
                                  body={"requirements": [{"type": "assert-create"}],
                                        "updates": [set_props(a="1")]})
            if status not in (400, 404):
                wrong.append(("commit", name, status))
        status, _ = rest.call("POST", ns_path(ns) + "/register",
                              body={"name": name, "metadata-location": "file:///etc/passwd"})
        if status not in (400, 404):
            wrong.append(("register", name, status))
    assert not wrong, wrong
    # raw dot segments in the path
    for raw in ("/v1/namespaces/%s/tables/.." % ns, "/v1/namespaces/%s/tables/." % ns,
                "/v1/namespaces/../tables/x", "/v1/namespaces/%2E%2E/tables/x",
                "/v1/namespaces/%s/tables/%%2E%%2E%%2F%%2E%%2E" % ns):
        for method in ("GET", "DELETE"):
            status, _ = rest.call(method, raw)
            assert status in (400, 404, 405), (raw, method, status)
    # no metadata file was written outside the warehouse
    assert not os.path.exists(escape)
    assert metadata_files_outside(server) == set()
    assert not glob.glob(os.path.join(os.path.dirname(server.warehouse_dir), "*.metadata.json"))
    assert rest.call("GET", "/v1/config")[0] == 200


# ---------------------------------------------------------------------------
# the Thrift side: Iceberg's HiveCatalog writing through HMS
# ---------------------------------------------------------------------------

def iceberg_hms_table(db, name, location, metadata_location):
    sd = StorageDescriptor(cols=[FieldSchema("id", "bigint", None)], location=location,
                           inputFormat="org.apache.hadoop.mapred.FileInputFormat",
                           outputFormat="org.apache.hadoop.mapred.FileOutputFormat",
                           serdeInfo=SerDeInfo(
                               serializationLib="org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                               parameters={}),
                           parameters={})
    return Table(tableName=name, dbName=db, owner="iceberg", sd=sd, partitionKeys=[],
                 tableType="EXTERNAL_TABLE",
                 parameters={"EXTERNAL": "TRUE", "table_type": "ICEBERG",
                             "metadata_location": metadata_location})


def test_tables_written_through_thrift_are_served(rest, client, ns):
    # a metadata file as Iceberg's HiveCatalog would write it
    _, src = create_table(rest, ns)
    name = unique("via_hms")
    loc = ns_location(rest, ns) + "/" + name
    md = dict(src["metadata"], location=loc, **{"table-uuid": str(uuid.uuid4())})
    first = "%s/metadata/00000-%s.metadata.json" % (loc, uuid.uuid4())
    write_file(first, json.dumps(md))
    client.create_table(iceberg_hms_table(ns, name, loc, first))
    got = load(rest, ns, name)
    assert got["metadata-location"] == first
    assert got["metadata"]["table-uuid"] == md["table-uuid"]
    assert {"namespace": [ns], "name": name} in rest.call("GET", table_path(ns))[1]["identifiers"]
    # a HiveCatalog commit: new file, alter_table with the expected old location
    md2 = dict(md, properties=dict(md["properties"], via="thrift"))
    second = "%s/metadata/00001-%s.metadata.json" % (loc, uuid.uuid4())
    write_file(second, json.dumps(md2))
    t = client.get_table(ns, name)
    t.parameters["previous_metadata_location"] = first
    t.parameters["metadata_location"] = second
    client.alter_table_with_environment_context(
        ns, name, t, EnvironmentContext({"expected_parameter_key": "metadata_location",
                                         "expected_parameter_value": first}))
    got = load(rest, ns, name)
    assert got["metadata-location"] == second
    assert got["metadata"]["properties"]["via"] == "thrift"
    # and REST commits on top of it
    after = commit_ok(rest, ns, name, [set_props(then="rest")])
    assert file_version(after["metadata-location"]) == 2
    assert hms_params(client, ns, name)["previous_metadata_location"] == second
    # dropped through Thrift: gone from REST
    client.drop_table(ns, name, False)
    assert rest.call("HEAD", table_path(ns, name))[0] == 404
    assert_error(*rest.call("GET", table_path(ns, name)), 404, "NoSuchTableException")


def test_metadata_file_names(rest, ns):
    name, doc = create_table(rest, ns)
    assert META_FILE_RE.search(doc["metadata-location"])
    locs = [doc["metadata-location"]]
    for i in range(3):
        locs.append(commit_ok(rest, ns, name, [set_props(n=str(i))])["metadata-location"])
    assert [file_version(x) for x in locs] == [0, 1, 2, 3]
    assert len(set(locs)) == 4 and all(exists(x) for x in locs)
    assert metadata_files(doc["metadata"]["location"]) == sorted(local_path(x) for x in locs)
