"""Iceberg REST views: /v1/{prefix}/namespaces/{namespace}/views[/{view}],
/v1/{prefix}/views/rename and /register-view against a real server and
PostgreSQL, written from the REST spec and Iceberg's CatalogHandlers /
ViewCatalogTests behaviour. A view is an HMS table (tableType VIRTUAL_VIEW,
table_type=ICEBERG-VIEW, metadata_location) checked through Thrift; its
metadata files are checked on disk under the server's file:// warehouse.
Every success body is validated against the spec. The view endpoints of
/v1/config and missing views are cases in tests/data/rest."""

import gzip
import json
import os
import threading
import urllib.parse

import pytest

from conftest import unique
from iceberg_spec import spec_validator
from icelib import Rest, assert_error, ns_path, simple_schema, table_path, view_path
from hive_metastore.ttypes import (FieldSchema, NoSuchObjectException, StorageDescriptor,
                                   Table)

SQL = "SELECT id, data FROM db.events"
TRINO_SQL = "SELECT \"id\", \"data\" FROM \"db\".\"events\""


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

@pytest.fixture
def rest(server):
    assert server.rest_port, "the server announced no REST port"
    return Rest(server.rest_port)


@pytest.fixture
def ns(rest):
    name = unique("ice_views")
    status, doc = rest.call("POST", "/v1/namespaces", body={"namespace": [name]})
    assert status == 200, doc
    return name


def check(path, method, status, body):
    spec_validator().check_response(path, method, status, body)


def sql_rep(sql, dialect="spark"):
    return {"type": "sql", "sql": sql, "dialect": dialect}


def view_version(reps=None, schema_id=0, namespace=None, version_id=1, catalog=None,
                 summary=None):
    v = {"version-id": version_id, "timestamp-ms": 1700000000000, "schema-id": schema_id,
         "summary": summary if summary is not None else {"engine-name": "spark",
                                                         "engine-version": "3.5.1"},
         "default-namespace": namespace if namespace is not None else ["db"],
         "representations": reps if reps is not None else [sql_rep(SQL)]}
    if catalog is not None:
        v["default-catalog"] = catalog
    return v


def view_request(name, reps=None, location=None, properties=None, schema=None):
    body = {"name": name, "schema": schema or simple_schema(),
            "view-version": view_version(reps), "properties": properties or {}}
    if location is not None:
        body["location"] = location
    return body


def create_view(rest, ns, name, **kw):
    status, doc = rest.call("POST", view_path(ns), body=view_request(name, **kw))
    assert status == 200, doc
    check(view_path(ns), "post", 200, doc)
    return doc


def create_table(rest, ns, name):
    status, doc = rest.call("POST", table_path(ns), body={"name": name, "schema": simple_schema()})
    assert status == 200, doc
    return doc


def load_view(rest, ns, name):
    status, doc = rest.call("GET", view_path(ns, name))
    assert status == 200, doc
    check(view_path(ns, name), "get", 200, doc)
    return doc


def ns_location(rest, ns):
    status, doc = rest.call("GET", ns_path(ns))
    assert status == 200, doc
    return doc["properties"]["location"]


def local_path(uri):
    assert uri.startswith("file:"), uri
    return urllib.parse.urlparse(uri).path


def read_metadata_file(uri):
    with open(local_path(uri)) as f:
        return json.load(f)


def other_schema():
    return {"type": "struct", "schema-id": 0, "fields": [
        {"id": 1, "name": "id", "required": True, "type": "long"},
        {"id": 4, "name": "day", "required": False, "type": "date"},
    ]}


def uuid_req(uuid):
    return [{"type": "assert-view-uuid", "uuid": uuid}]


def replace_body(uuid, reps, schema=None, extra=None):
    """What Iceberg's REST client sends for view.replaceVersion(): a new
    schema (when it changed), a version on the last added schema (-1) made
    current with -1, guarded by assert-view-uuid."""
    updates = []
    if schema is not None:
        updates.append({"action": "add-schema", "schema": schema})
    updates.append({"action": "add-view-version",
                    "view-version": view_version(reps, schema_id=-1 if schema else 0,
                                                 version_id=2)})
    updates.append({"action": "set-current-view-version", "view-version-id": -1})
    return {"requirements": uuid_req(uuid), "updates": updates + (extra or [])}


def commit(rest, ns, name, body):
    status, doc = rest.call("POST", view_path(ns, name), body=body)
    if status == 200:
        check(view_path(ns, name), "post", 200, doc)
    return status, doc


def list_all(rest, ns, page_size=None):
    """Every identifier of the views listing, page by page (bounded)."""
    seen, token = [], None
    for _ in range(100):
        q = []
        if page_size:
            q.append("pageSize=%d" % page_size)
        if token:
            q.append("pageToken=" + urllib.parse.quote(token, safe=""))
        path = view_path(ns) + ("?" + "&".join(q) if q else "")
        status, doc = rest.call("GET", path)
        assert status == 200, doc
        check(view_path(ns), "get", 200, doc)
        if page_size:
            assert len(doc["identifiers"]) <= page_size
        seen += doc["identifiers"]
        token = doc.get("next-page-token")
        if not token:
            return seen
    raise AssertionError("the listing did not end within 100 pages")


# ---------------------------------------------------------------------------
# create, load, exists
# ---------------------------------------------------------------------------

def test_create_and_load(rest, ns):
    name = unique("v")
    reps = [sql_rep(SQL), sql_rep(TRINO_SQL, "trino")]
    status, doc = rest.call("POST", view_path(ns), body=view_request(
        name, reps=reps, properties={"comment": "daily", "owner_team": "bi"}))
    assert status == 200, doc
    check(view_path(ns), "post", 200, doc)
    md = doc["metadata"]
    assert md["format-version"] == 1
    assert len(md["view-uuid"]) == 36
    # the default location is the namespace's plus the view name, as for tables
    assert md["location"] == ns_location(rest, ns) + "/" + name
    assert md["properties"]["comment"] == "daily" and md["properties"]["owner_team"] == "bi"
    # one schema (id 0, field ids as sent), one version (id 1) on it, logged once
    assert [s["schema-id"] for s in md["schemas"]] == [0]
    assert [f["name"] for f in md["schemas"][0]["fields"]] == ["id", "data", "ts"]
    assert md["current-version-id"] == 1
    [v] = md["versions"]
    assert v["version-id"] == 1 and v["schema-id"] == 0
    assert v["representations"] == reps
    assert v["default-namespace"] == ["db"]
    assert [e["version-id"] for e in md["version-log"]] == [1]
    assert md["version-log"][0]["timestamp-ms"] == v["timestamp-ms"]
    # the first metadata file
    loc = doc["metadata-location"]
    assert loc.startswith(md["location"] + "/metadata/00000-") and loc.endswith(".metadata.json")
    # load and exists
    got = load_view(rest, ns, name)
    assert got["metadata-location"] == loc
    assert got["metadata"] == md
    assert rest.call("HEAD", view_path(ns, name)) == (204, None)


def test_create_with_location_and_default_catalog(rest, ns, server):
    name = unique("v")
    where = server.warehouse + "/elsewhere/" + name
    body = view_request(name, location=where + "/")
    body["view-version"] = view_version(catalog="prod", namespace=[ns])
    status, doc = rest.call("POST", view_path(ns), body=body)
    assert status == 200, doc
    check(view_path(ns), "post", 200, doc)
    assert doc["metadata"]["location"] == where
    assert doc["metadata-location"].startswith(where + "/metadata/00000-")
    assert doc["metadata"]["versions"][0]["default-catalog"] == "prod"
    assert doc["metadata"]["versions"][0]["default-namespace"] == [ns]
    assert os.path.exists(local_path(doc["metadata-location"]))


def test_metadata_file_is_written(rest, ns, server):
    name = unique("v")
    doc = create_view(rest, ns, name)
    loc = doc["metadata-location"]
    path = local_path(loc)
    assert path.startswith(server.warehouse_dir + "/")
    assert os.path.exists(path)
    assert read_metadata_file(loc) == doc["metadata"]


def test_create_errors(rest, ns):
    name = unique("v")
    create_view(rest, ns, name)
    # the name is taken
    status, doc = rest.call("POST", view_path(ns), body=view_request(name))
    assert_error(status, doc, 409, "AlreadyExistsException")
    assert "already exists" in doc["error"]["message"].lower()
    # no such namespace
    assert_error(*rest.call("POST", view_path("nope_" + ns), body=view_request(unique("v"))),
                 404, "NoSuchNamespaceException")
    # malformed requests
    bad = [
        {"name": unique("v"), "schema": simple_schema()},                      # no view-version
        {"name": unique("v"), "view-version": view_version()},                 # no schema
        {"schema": simple_schema(), "view-version": view_version()},           # no name
        view_request(unique("v"), reps=[]),                                    # no query
        view_request(unique("v"), reps=[{"type": "substrait", "plan": "AAE="}]),
        view_request(unique("v"), reps=[{"type": "sql", "sql": "select 1"}]),  # no dialect
        view_request(unique("v"), properties={"a": 1}),
        view_request(unique("v"), schema={"type": "struct", "fields": [
            {"id": 1, "name": "x", "required": False, "type": "int128"}]}),
    ]
    for body in bad:
        assert_error(*rest.call("POST", view_path(ns), body=body), 400, "BadRequestException")
    # what Iceberg's ViewMetadata.Builder refuses with checkArgument is an
    # IllegalArgumentException (ViewCatalogTests.createViewErrorCases)
    status, doc = rest.call("POST", view_path(ns), body=view_request(
        unique("v"), reps=[sql_rep("a", "spark"), sql_rep("b", "Spark")]))
    assert_error(status, doc, 400, "IllegalArgumentException")
    assert doc["error"]["message"] == \
        "Invalid view version: Cannot add multiple queries for dialect spark", doc
    body = view_request(unique("v"))
    del body["view-version"]["default-namespace"]
    assert_error(*rest.call("POST", view_path(ns), body=body), 400, "BadRequestException")
    assert_error(*rest.call("POST", view_path(ns), raw="{nope"), 400, "BadRequestException")
    status, doc = rest.call("POST", view_path(ns), body=view_request(
        unique("v"), reps=[sql_rep("a", "trino"), sql_rep("b", "TRINO")]))
    assert_error(status, doc, 400, "IllegalArgumentException")
    assert "Cannot add multiple queries for dialect trino" in doc["error"]["message"]
    # nothing was made by the failures
    assert [i["name"] for i in list_all(rest, ns)] == [name]


# ---------------------------------------------------------------------------
# listing
# ---------------------------------------------------------------------------

def test_list_views_paged(rest, ns):
    names = sorted(unique("v") for _ in range(5))
    for n in names:
        create_view(rest, ns, n)
    create_table(rest, ns, unique("t"))        # tables are not views
    everything = list_all(rest, ns)
    assert [i["name"] for i in everything] == names
    assert all(i["namespace"] == [ns] for i in everything)
    paged = list_all(rest, ns, page_size=2)
    assert paged == everything
    # an empty namespace, a missing one, a bad page size
    empty = unique("ice_views_empty")
    assert rest.call("POST", "/v1/namespaces", body={"namespace": [empty]})[0] == 200
    assert list_all(rest, empty) == []
    assert_error(*rest.call("GET", view_path("nope_" + ns)), 404, "NoSuchNamespaceException")
    assert_error(*rest.call("GET", view_path(ns) + "?pageSize=0"), 400, "BadRequestException")


def test_tables_and_views_are_listed_apart(rest, ns):
    v, t = unique("v"), unique("t")
    create_view(rest, ns, v)
    create_table(rest, ns, t)
    assert [i["name"] for i in list_all(rest, ns)] == [v]
    status, doc = rest.call("GET", table_path(ns))
    assert status == 200, doc
    assert [i["name"] for i in doc["identifiers"]] == [t]


# ---------------------------------------------------------------------------
# replace (commit)
# ---------------------------------------------------------------------------

def test_replace_view_version(rest, ns, server):
    name = unique("v")
    created = create_view(rest, ns, name, reps=[sql_rep(SQL)])
    uuid = created["metadata"]["view-uuid"]
    new_reps = [sql_rep("SELECT id, day FROM db.events"), sql_rep("SELECT 1", "trino")]
    status, doc = commit(rest, ns, name, replace_body(uuid, new_reps, schema=other_schema()))
    assert status == 200, doc
    md = doc["metadata"]
    assert md["view-uuid"] == uuid
    # a second schema (id 1) and version (id 2) on it, made current and logged
    assert [s["schema-id"] for s in md["schemas"]] == [0, 1]
    assert md["current-version-id"] == 2
    assert [v["version-id"] for v in md["versions"]] == [1, 2]
    current = md["versions"][1]
    assert current["schema-id"] == 1 and current["representations"] == new_reps
    assert [e["version-id"] for e in md["version-log"]] == [1, 2]
    # the next metadata file, written; the first one stays
    loc = doc["metadata-location"]
    assert loc.startswith(md["location"] + "/metadata/00001-") and loc.endswith(".metadata.json")
    assert read_metadata_file(loc) == md
    assert os.path.exists(local_path(created["metadata-location"]))
    got = load_view(rest, ns, name)
    assert got["metadata-location"] == loc and got["metadata"] == md


def test_replace_with_the_wrong_uuid_is_409(rest, ns):
    name = unique("v")
    created = create_view(rest, ns, name)
    uuid = created["metadata"]["view-uuid"]
    wrong = "00000000-0000-0000-0000-000000000000"
    status, doc = commit(rest, ns, name, replace_body(wrong, [sql_rep("select 2")]))
    assert_error(status, doc, 409, "CommitFailedException")
    assert doc["error"]["message"] == (
        "Requirement failed: view UUID does not match: expected %s != %s" % (uuid, wrong))
    # nothing changed
    got = load_view(rest, ns, name)
    assert got["metadata-location"] == created["metadata-location"]
    assert got["metadata"] == created["metadata"]
    # the uuid is compared ignoring case
    status, doc = commit(rest, ns, name, replace_body(uuid.upper(), [sql_rep("select 2")]))
    assert status == 200, doc


def test_commit_errors(rest, ns):
    name = unique("v")
    created = create_view(rest, ns, name)
    uuid = created["metadata"]["view-uuid"]
    # what Java's ViewMetadata.Builder refuses with checkArgument comes back
    # as IllegalArgumentException, the rest as BadRequestException
    IAE, BAD = "IllegalArgumentException", "BadRequestException"
    bad_updates = [
        ([{"action": "set-current-schema", "schema-id": 0}], BAD),          # a table update
        ([{"action": "add-snapshot", "snapshot": {}}], BAD),
        ([{"action": "frobnicate"}], BAD),
        ([{"action": "set-current-view-version", "view-version-id": 42}], IAE),
        ([{"action": "set-current-view-version", "view-version-id": -1}], BAD),
        ([{"action": "add-view-version", "view-version": view_version(schema_id=7)}], IAE),
        ([{"action": "add-view-version",
           "view-version": view_version([sql_rep("a"), sql_rep("b", "SPARK")])}], IAE),
        ([{"action": "upgrade-format-version", "format-version": 2}], IAE),
        ([{"action": "assign-uuid", "uuid": "11111111-1111-1111-1111-111111111111"}], IAE),
        ([{"action": "set-properties", "updates": {"a": 1}}], BAD),
    ]
    for updates, etype in bad_updates:
        status, doc = commit(rest, ns, name, {"requirements": uuid_req(uuid), "updates": updates})
        assert_error(status, doc, 400, etype)
    # a table requirement is refused for views
    status, doc = commit(rest, ns, name, {"requirements": [
        {"type": "assert-table-uuid", "uuid": uuid}], "updates": []})
    assert_error(status, doc, 400, "BadRequestException")
    # replacing must keep every dialect unless replace.drop-dialect.allowed=true
    two_name = unique("v")
    two = create_view(rest, ns, two_name, reps=[sql_rep(SQL), sql_rep(TRINO_SQL, "trino")])
    status, doc = commit(rest, ns, two_name,
                         replace_body(two["metadata"]["view-uuid"], [sql_rep("select 3")]))
    assert_error(status, doc, 400, "BadRequestException")
    assert "loss of view dialects" in doc["error"]["message"]
    body = replace_body(two["metadata"]["view-uuid"], [sql_rep("select 3")])
    body["updates"].insert(0, {"action": "set-properties",
                               "updates": {"replace.drop-dialect.allowed": "true"}})
    assert commit(rest, ns, two_name, body)[0] == 200
    # no such view
    assert_error(*commit(rest, ns, unique("v"), replace_body(uuid, [sql_rep("x")])),
                 404, "NoSuchViewException")
    # nothing of the failures stuck
    got = load_view(rest, ns, name)
    assert got["metadata-location"] == created["metadata-location"]


def test_commit_without_changes_writes_nothing(rest, ns):
    name = unique("v")
    created = create_view(rest, ns, name, properties={"k": "v"})
    uuid = created["metadata"]["view-uuid"]
    status, doc = commit(rest, ns, name, {"requirements": uuid_req(uuid), "updates": [
        {"action": "set-location", "location": created["metadata"]["location"]},
        {"action": "set-current-view-version", "view-version-id": 1},
        {"action": "remove-properties", "removals": []}]})
    assert status == 200, doc
    assert doc["metadata-location"] == created["metadata-location"]
    assert doc["metadata"] == created["metadata"]


def test_properties_and_location_updates(rest, ns, server):
    name = unique("v")
    created = create_view(rest, ns, name, properties={"a": "1", "b": "2"})
    uuid = created["metadata"]["view-uuid"]
    where = server.warehouse + "/moved/" + name
    status, doc = commit(rest, ns, name, {"requirements": uuid_req(uuid), "updates": [
        {"action": "set-properties", "updates": {"b": "3", "c": "4"}},
        {"action": "remove-properties", "removals": ["a", "missing"]},
        {"action": "set-location", "location": where}]})
    assert status == 200, doc
    md = doc["metadata"]
    assert md["properties"] == {"b": "3", "c": "4"}
    assert md["location"] == where
    # versions untouched; the file goes to the new location
    assert md["versions"] == created["metadata"]["versions"]
    assert doc["metadata-location"].startswith(where + "/metadata/00001-")
    assert load_view(rest, ns, name)["metadata"] == md


def test_version_history_is_bounded(rest, ns):
    name = unique("v")
    created = create_view(rest, ns, name, properties={"version.history.num-entries": "2"})
    uuid = created["metadata"]["view-uuid"]
    for i in range(4):
        body = replace_body(uuid, [sql_rep("select %d" % i)])
        status, doc = commit(rest, ns, name, body)
        assert status == 200, doc
    md = doc["metadata"]
    # the current version and the newest other one; the log after the last one dropped
    assert md["current-version-id"] == 5
    assert sorted(v["version-id"] for v in md["versions"]) == [4, 5]
    assert [e["version-id"] for e in md["version-log"]] == [4, 5]
    assert doc["metadata-location"].split("/")[-1].startswith("00004-")


def test_concurrent_commits_lose_nothing(rest, ns, server):
    name = unique("v")
    created = create_view(rest, ns, name)
    uuid = created["metadata"]["view-uuid"]
    results = []

    def worker(i):
        r = Rest(server.rest_port)
        results.append(r.call("POST", view_path(ns, name), body={
            "requirements": uuid_req(uuid),
            "updates": [{"action": "set-properties", "updates": {"k%d" % i: str(i)}}]})[0])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [200] * 8
    got = load_view(rest, ns, name)
    assert all(got["metadata"]["properties"]["k%d" % i] == str(i) for i in range(8))
    assert got["metadata-location"].split("/")[-1].startswith("00008-")


# ---------------------------------------------------------------------------
# drop and rename
# ---------------------------------------------------------------------------

def test_drop_view(rest, ns, client):
    name = unique("v")
    create_view(rest, ns, name)
    assert rest.call("DELETE", view_path(ns, name)) == (204, None)
    assert_error(*rest.call("GET", view_path(ns, name)), 404, "NoSuchViewException")
    assert rest.call("HEAD", view_path(ns, name))[0] == 404
    assert_error(*rest.call("DELETE", view_path(ns, name)), 404, "NoSuchViewException")
    with pytest.raises(NoSuchObjectException):
        client.get_table(ns, name)
    assert list_all(rest, ns) == []
    # the name is free again
    create_view(rest, ns, name)


def test_drop_namespace_holding_a_view_is_409(rest, ns):
    create_view(rest, ns, unique("v"))
    assert_error(*rest.call("DELETE", ns_path(ns)), 409, "NamespaceNotEmptyException")


def rename(rest, src_ns, src, dst_ns, dst):
    return rest.call("POST", "/v1/views/rename", body={
        "source": {"namespace": [src_ns], "name": src},
        "destination": {"namespace": [dst_ns], "name": dst}})


def test_rename_view(rest, ns, client):
    name, new = unique("v"), unique("v")
    created = create_view(rest, ns, name)
    assert rename(rest, ns, name, ns, new) == (204, None)
    assert_error(*rest.call("GET", view_path(ns, name)), 404, "NoSuchViewException")
    got = load_view(rest, ns, new)
    assert got["metadata"]["view-uuid"] == created["metadata"]["view-uuid"]
    # files do not move
    assert got["metadata-location"] == created["metadata-location"]
    assert client.get_table(ns, new).tableType == "VIRTUAL_VIEW"
    # to another namespace
    other = unique("ice_views_dst")
    assert rest.call("POST", "/v1/namespaces", body={"namespace": [other]})[0] == 200
    assert rename(rest, ns, new, other, new) == (204, None)
    assert [i["name"] for i in list_all(rest, other)] == [new]
    assert list_all(rest, ns) == []


def test_rename_errors(rest, ns):
    a, b, t = unique("v"), unique("v"), unique("t")
    create_view(rest, ns, a)
    create_view(rest, ns, b)
    create_table(rest, ns, t)
    assert_error(*rename(rest, ns, unique("v"), ns, unique("v")), 404, "NoSuchViewException")
    assert_error(*rename(rest, ns, a, "nope_" + ns, a), 404, "NoSuchNamespaceException")
    assert_error(*rename(rest, ns, a, ns, b), 409, "AlreadyExistsException")
    assert_error(*rename(rest, ns, a, ns, t), 409, "AlreadyExistsException")
    # a table is not renamed as a view, nor a view as a table
    assert_error(*rename(rest, ns, t, ns, unique("v")), 404, "NoSuchViewException")
    assert_error(*rest.call("POST", "/v1/tables/rename", body={
        "source": {"namespace": [ns], "name": a},
        "destination": {"namespace": [ns], "name": unique("t")}}), 404, "NoSuchTableException")
    assert_error(*rest.call("POST", "/v1/views/rename", body={"source": {"namespace": [ns]}}),
                 400, "BadRequestException")
    # all still there
    assert [i["name"] for i in list_all(rest, ns)] == sorted([a, b])
    assert rest.call("HEAD", table_path(ns, t))[0] == 204


# ---------------------------------------------------------------------------
# views and tables share one name space
# ---------------------------------------------------------------------------

def test_view_and_table_names_clash(rest, ns, client):
    t, v = unique("t"), unique("v")
    create_table(rest, ns, t)
    create_view(rest, ns, v)
    # a view where a table is, a table where a view is
    assert_error(*rest.call("POST", view_path(ns), body=view_request(t)), 409,
                 "AlreadyExistsException")
    assert_error(*rest.call("POST", table_path(ns), body={"name": v, "schema": simple_schema()}),
                 409, "AlreadyExistsException")
    # loading one as the other
    assert_error(*rest.call("GET", view_path(ns, t)), 404, "NoSuchViewException")
    assert rest.call("HEAD", view_path(ns, t))[0] == 404
    assert_error(*rest.call("GET", table_path(ns, v)), 404, "NoSuchTableException")
    assert rest.call("HEAD", table_path(ns, v))[0] == 404
    # dropping one as the other
    assert_error(*rest.call("DELETE", view_path(ns, t)), 404, "NoSuchViewException")
    assert_error(*rest.call("DELETE", table_path(ns, v)), 404, "NoSuchTableException")
    assert client.get_table(ns, t).tableType == "EXTERNAL_TABLE"
    assert client.get_table(ns, v).tableType == "VIRTUAL_VIEW"


def test_name_taken_messages_are_icebergs(rest, ns):
    """AlreadyExistsException texts as Iceberg's catalogs give them
    (JdbcCatalog; ViewCatalogTests match on them): which kind of object
    holds the name, and for renames both names as the client wrote them."""
    t, v, v2 = "t_" + unique("x"), "v_" + unique("x"), "v2_" + unique("x")
    create_table(rest, ns, t)
    create_view(rest, ns, v)
    create_view(rest, ns, v2)

    def taken(status, doc, message):
        assert_error(status, doc, 409, "AlreadyExistsException")
        assert doc["error"]["message"] == message, doc

    taken(*rest.call("POST", view_path(ns), body=view_request(v)),
          "View already exists: %s.%s" % (ns, v))
    taken(*rest.call("POST", view_path(ns), body=view_request(t)),
          "Table with same name already exists: %s.%s" % (ns, t))
    taken(*rest.call("POST", table_path(ns), body={"name": v, "schema": simple_schema()}),
          "View with same name already exists: %s.%s" % (ns, v))
    taken(*rest.call("POST", table_path(ns), body={"name": t, "schema": simple_schema()}),
          "Table already exists: %s.%s" % (ns, t))
    # a create transaction (assert-create) where a view is
    taken(*rest.call("POST", table_path(ns, v), body={
        "requirements": [{"type": "assert-create"}],
        "updates": [{"action": "add-schema", "schema": simple_schema()}]}),
        "View with same name already exists: %s.%s" % (ns, v))
    # renames: the names as sent (case kept)
    up = v.upper()
    taken(*rename(rest, ns, up, ns, v2.upper()),
          "Cannot rename %s.%s to %s.%s. View already exists" % (ns, up, ns, v2.upper()))
    taken(*rename(rest, ns, v, ns, t),
          "Cannot rename %s.%s to %s.%s. Table already exists" % (ns, v, ns, t))
    taken(*rest.call("POST", "/v1/tables/rename", body={
        "source": {"namespace": [ns], "name": t}, "destination": {"namespace": [ns], "name": v}}),
        "Cannot rename %s.%s to %s.%s. View already exists" % (ns, t, ns, v))
    t2 = "t2_" + unique("x")
    create_table(rest, ns, t2)
    taken(*rest.call("POST", "/v1/tables/rename", body={
        "source": {"namespace": [ns], "name": t}, "destination": {"namespace": [ns], "name": t2}}),
        "Table already exists: %s.%s" % (ns, t2))


def test_plain_hive_views_are_not_iceberg_views(rest, ns, client):
    name = unique("hv")
    client.create_table(Table(tableName=name, dbName=ns, owner="bob",
                              sd=StorageDescriptor(cols=[FieldSchema("id", "bigint", None)],
                                                   parameters={}),
                              partitionKeys=[], parameters={}, tableType="VIRTUAL_VIEW",
                              viewOriginalText="select 1", viewExpandedText="select 1"))
    assert list_all(rest, ns) == []
    assert_error(*rest.call("GET", view_path(ns, name)), 404, "NoSuchViewException")
    assert rest.call("HEAD", view_path(ns, name))[0] == 404
    assert_error(*rest.call("POST", view_path(ns), body=view_request(name)), 409,
                 "AlreadyExistsException")
    assert client.get_table(ns, name).viewOriginalText == "select 1"


# ---------------------------------------------------------------------------
# the HMS mirror
# ---------------------------------------------------------------------------

def test_hms_mirror(rest, ns, client):
    """The behaviour contract: VIRTUAL_VIEW, table_type=ICEBERG-VIEW and the
    current metadata_location."""
    name = unique("v")
    created = create_view(rest, ns, name)
    t = client.get_table(ns, name)
    assert t.tableType == "VIRTUAL_VIEW"
    assert t.parameters["table_type"] == "ICEBERG-VIEW"
    assert t.parameters["metadata_location"] == created["metadata-location"]
    status, doc = commit(rest, ns, name, replace_body(created["metadata"]["view-uuid"],
                                                      [sql_rep("select 2")]))
    assert status == 200, doc
    t = client.get_table(ns, name)
    assert t.parameters["metadata_location"] == doc["metadata-location"]
    assert client.get_tables_by_type(ns, "*", "VIRTUAL_VIEW") == [name]


def test_hms_mirror_as_hive_view_operations(rest, ns, client):
    """What Iceberg's HiveViewOperations writes besides the contract: uuid,
    previous_metadata_location, the view properties as parameters (no
    EXTERNAL), the SQL (dialect "hive", else the first) as view text, the
    location and the schema's columns in the descriptor."""
    name = unique("v")
    created = create_view(rest, ns, name, reps=[sql_rep(SQL), sql_rep("select 'hive'", "hive")],
                          properties={"comment": "daily", "gone": "soon"})
    md = created["metadata"]
    t = client.get_table(ns, name)
    p = t.parameters
    assert p["uuid"] == md["view-uuid"]
    assert p["comment"] == "daily" and p["gone"] == "soon"
    assert "previous_metadata_location" not in p
    assert "EXTERNAL" not in p
    assert t.viewOriginalText == "select 'hive'" and t.viewExpandedText == "select 'hive'"
    assert t.partitionKeys == []
    assert t.sd.location == md["location"]
    assert [(c.name, c.type, c.comment) for c in t.sd.cols] == [
        ("id", "bigint", None), ("data", "string", "payload"), ("ts", "timestamp", None)]
    assert t.sd.inputFormat == "org.apache.hadoop.mapred.FileInputFormat"
    assert t.sd.outputFormat == "org.apache.hadoop.mapred.FileOutputFormat"
    assert t.sd.serdeInfo.serializationLib == "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    # a replace with a new schema and SQL, and a property removed
    body = replace_body(md["view-uuid"], [sql_rep("SELECT id, day FROM db.events"),
                                          sql_rep("select 'hive 2'", "HIVE")],
                        schema=other_schema(),
                        extra=[{"action": "remove-properties", "removals": ["gone"]}])
    status, doc = commit(rest, ns, name, body)
    assert status == 200, doc
    t = client.get_table(ns, name)
    assert t.parameters["metadata_location"] == doc["metadata-location"]
    assert t.parameters["previous_metadata_location"] == created["metadata-location"]
    assert "gone" not in t.parameters
    assert t.viewOriginalText == "select 'hive 2'"
    assert [(c.name, c.type) for c in t.sd.cols] == [("id", "bigint"), ("day", "date")]
    # without a hive dialect: the first SQL
    status, doc = commit(rest, ns, name, replace_body(
        md["view-uuid"], [sql_rep("select 'spark'"), sql_rep("select 'trino'", "trino")],
        extra=[{"action": "set-properties", "updates": {"replace.drop-dialect.allowed": "true"}}]))
    assert status == 200, doc
    assert client.get_table(ns, name).viewOriginalText == "select 'spark'"


def test_view_dropped_through_thrift_is_gone(rest, ns, client):
    name = unique("v")
    create_view(rest, ns, name)
    client.drop_table(ns, name, False)
    assert_error(*rest.call("GET", view_path(ns, name)), 404, "NoSuchViewException")
    assert list_all(rest, ns) == []


# ---------------------------------------------------------------------------
# register-view
# ---------------------------------------------------------------------------

def write_view_metadata(server, rel, view_location):
    """A view metadata.json written by hand (as another engine would) under
    the server's warehouse; returns its file:// location."""
    md = {
        "view-uuid": "2c4c1d2e-7e4b-4b4f-9d1c-3f6a0c1b5e77",
        "format-version": 1,
        "location": view_location,
        "properties": {"comment": "registered"},
        "schemas": [{"type": "struct", "schema-id": 0, "fields": [
            {"id": 1, "name": "n", "required": False, "type": "long"}]}],
        "current-version-id": 1,
        "versions": [{"version-id": 1, "timestamp-ms": 1700000000000, "schema-id": 0,
                      "summary": {"engine-name": "trino"}, "default-namespace": ["db"],
                      "representations": [sql_rep("SELECT count(*) AS n FROM t", "trino")]}],
        "version-log": [{"timestamp-ms": 1700000000000, "version-id": 1}],
    }
    path = os.path.join(server.warehouse_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(md, f)
    return "file://" + path, md


def test_register_view(rest, ns, server, client):
    name = unique("rv")
    view_loc = server.warehouse + "/external/" + name
    loc, md = write_view_metadata(server, "external/%s/metadata/00003-abc.metadata.json" % name,
                                  view_loc)
    path = ns_path(ns) + "/register-view"
    status, doc = rest.call("POST", path, body={"name": name, "metadata-location": loc})
    assert status == 200, doc
    check(path, "post", 200, doc)
    assert doc["metadata-location"] == loc
    assert doc["metadata"]["view-uuid"] == md["view-uuid"]
    assert doc["metadata"]["versions"] == md["versions"]
    got = load_view(rest, ns, name)
    assert got["metadata-location"] == loc
    t = client.get_table(ns, name)
    assert t.tableType == "VIRTUAL_VIEW" and t.parameters["table_type"] == "ICEBERG-VIEW"
    assert t.parameters["metadata_location"] == loc
    # the next commit continues the file numbering
    status, doc = commit(rest, ns, name, {"requirements": uuid_req(md["view-uuid"]), "updates": [
        {"action": "set-properties", "updates": {"x": "y"}}]})
    assert status == 200, doc
    assert doc["metadata-location"].startswith(view_loc + "/metadata/00004-")


def write_gzip_view_metadata(server, rel, view_location):
    """A view metadata file as Iceberg's BaseViewOperations writes it by
    default (write.metadata.compression-codec=gzip): gzip, named
    NNNNN-<uuid>.gz.metadata.json. Returns its file:// location and doc."""
    loc, md = write_view_metadata(server, rel, view_location)
    path = local_path(loc)
    with open(path, "rb") as f:
        plain = f.read()
    with gzip.open(path, "wb") as f:
        f.write(plain)
    return loc, md


def test_view_created_by_hive_catalog_with_gzip_metadata(rest, ns, server, client):
    """Iceberg's HiveCatalog (HiveViewOperations) creates a view through
    Thrift with gzip metadata: the REST door loads it, and commits on it."""
    name = unique("hv")
    view_loc = server.warehouse + "/external/" + name
    loc, md = write_gzip_view_metadata(
        server, "external/%s/metadata/00000-9d1e3c55-2b8e-4d43-a1b4-0f0e6b1c2d3e.gz.metadata.json"
        % name, view_loc)
    client.create_table(Table(
        tableName=name, dbName=ns, owner="iceberg", tableType="VIRTUAL_VIEW",
        sd=StorageDescriptor(cols=[FieldSchema("n", "bigint", None)], location=view_loc,
                             parameters={}),
        partitionKeys=[], viewOriginalText=md["versions"][0]["representations"][0]["sql"],
        viewExpandedText=md["versions"][0]["representations"][0]["sql"],
        parameters={"table_type": "ICEBERG-VIEW", "metadata_location": loc,
                    "uuid": md["view-uuid"], "comment": "registered"}))
    got = load_view(rest, ns, name)
    assert got["metadata-location"] == loc
    assert got["metadata"]["view-uuid"] == md["view-uuid"]
    assert got["metadata"]["versions"] == md["versions"]
    assert [v["name"] for v in list_all(rest, ns)] == [name]
    status, doc = commit(rest, ns, name, {"requirements": uuid_req(md["view-uuid"]), "updates": [
        {"action": "set-properties", "updates": {"x": "y"}}]})
    assert status == 200, doc
    assert doc["metadata-location"].startswith(view_loc + "/metadata/00001-")
    assert read_metadata_file(doc["metadata-location"])["properties"]["x"] == "y"
    assert client.get_table(ns, name).parameters["previous_metadata_location"] == loc


def test_register_view_with_gzip_metadata(rest, ns, server):
    name = unique("rv")
    loc, md = write_gzip_view_metadata(server, "external/%s/metadata/00002-x.gz.metadata.json"
                                       % name, server.warehouse + "/external/" + name)
    status, doc = rest.call("POST", ns_path(ns) + "/register-view",
                            body={"name": name, "metadata-location": loc})
    assert status == 200, doc
    assert doc["metadata"]["versions"] == md["versions"]
    # a gzip name over plain JSON is refused as Iceberg refuses it
    bad, _ = write_view_metadata(server, "external/%s/metadata/00003-y.gz.metadata.json" % name,
                                 server.warehouse + "/external/" + name)
    assert_error(*rest.call("POST", ns_path(ns) + "/register-view",
                            body={"name": unique("rv"), "metadata-location": bad}),
                 400, "BadRequestException")


def test_register_view_errors(rest, ns, server):
    name = unique("rv")
    loc, _ = write_view_metadata(server, "external/%s/v.metadata.json" % name,
                                 server.warehouse + "/external/" + name)
    path = ns_path(ns) + "/register-view"
    assert rest.call("POST", path, body={"name": name, "metadata-location": loc})[0] == 200
    # taken by a view, taken by a table
    assert_error(*rest.call("POST", path, body={"name": name, "metadata-location": loc}),
                 409, "AlreadyExistsException")
    t = unique("t")
    create_table(rest, ns, t)
    assert_error(*rest.call("POST", path, body={"name": t, "metadata-location": loc}),
                 409, "AlreadyExistsException")
    # no such namespace
    assert_error(*rest.call("POST", ns_path("nope_" + ns) + "/register-view",
                            body={"name": unique("rv"), "metadata-location": loc}),
                 404, "NoSuchNamespaceException")
    # no file there (Iceberg: NotFoundException from the FileIO)
    status, doc = rest.call("POST", path, body={
        "name": unique("rv"), "metadata-location": server.warehouse + "/nothing/here.metadata.json"})
    assert status == 404 and doc["error"]["code"] == 404, doc
    # a file that is no view metadata, a request without a location
    junk = os.path.join(server.warehouse_dir, "external", name, "junk.metadata.json")
    with open(junk, "w") as f:
        f.write('{"format-version": 2, "table-uuid": "x"}')
    assert_error(*rest.call("POST", path, body={"name": unique("rv"),
                                                "metadata-location": "file://" + junk}),
                 400, "BadRequestException")
    assert_error(*rest.call("POST", path, body={"name": unique("rv")}), 400, "BadRequestException")
    assert [i["name"] for i in list_all(rest, ns)] == [name]
