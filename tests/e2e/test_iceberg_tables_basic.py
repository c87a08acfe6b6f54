"""Iceberg REST tables, the core path end to end: create, load (from the
stored copy and after a Thrift-side swap), commit, list, drop. The
exhaustive suites are test_iceberg_tables.py, test_iceberg_commit.py and
test_iceberg_transactions.py; this one stays small and fast."""
import json
import os

import pytest

from conftest import unique
from icelib import Rest, assert_error, simple_schema, table_path
from iceberg_spec import spec_validator


@pytest.fixture
def rest(server):
    return Rest(server.rest_port)


@pytest.fixture
def ns(rest):
    name = unique("icebasic")
    status, doc = rest.call("POST", "/v1/namespaces", body={"namespace": [name]})
    assert status == 200, doc
    return name


def local(path):
    return path[len("file:"):] if path.startswith("file:") else path


def test_create_load_commit_drop(rest, ns, client):
    v = spec_validator()
    status, doc = rest.call("POST", table_path(ns), body={"name": "t1", "schema": simple_schema()})
    assert status == 200, doc
    v.check_response("/v1/namespaces/{namespace}/tables", "post", 200, doc)
    loc0 = doc["metadata-location"]
    assert "/metadata/00000-" in loc0 and os.path.exists(local(loc0))
    assert json.load(open(local(loc0))) == doc["metadata"]

    status, doc, hdrs = rest.call_full("GET", table_path(ns, "t1"))
    assert status == 200 and doc["metadata-location"] == loc0
    v.check_response("/v1/namespaces/{namespace}/tables/{table}", "get", 200, doc)
    etag = hdrs["etag"]
    status, _, _ = rest.call_full("GET", table_path(ns, "t1"), headers={"If-None-Match": etag})
    assert status == 304

    uuid = doc["metadata"]["table-uuid"]
    status, doc = rest.call("POST", table_path(ns, "t1"), body={
        "requirements": [{"type": "assert-table-uuid", "uuid": uuid}],
        "updates": [{"action": "set-properties", "updates": {"k": "v"}}]})
    assert status == 200, doc
    v.check_response("/v1/namespaces/{namespace}/tables/{table}", "post", 200, doc)
    loc1 = doc["metadata-location"]
    assert "/metadata/00001-" in loc1
    assert doc["metadata"]["metadata-log"][-1]["metadata-file"] == loc0

    t = client.get_table(ns, "t1")
    assert t.tableType == "EXTERNAL_TABLE"
    assert t.parameters["table_type"] == "ICEBERG"
    assert t.parameters["metadata_location"] == loc1
    assert t.parameters["previous_metadata_location"] == loc0
    assert t.parameters["k"] == "v"
    assert [(c.name, c.type) for c in t.sd.cols] == [("id", "bigint"), ("data", "string"),
                                                      ("ts", "timestamp")]

    assert_error(*rest.call("POST", table_path(ns, "t1"), body={
        "requirements": [{"type": "assert-table-uuid", "uuid": "00000000-0000-0000-0000-000000000000"}],
        "updates": []}), 409, "CommitFailedException")

    status, doc = rest.call("GET", table_path(ns))
    assert status == 200 and doc["identifiers"] == [{"namespace": [ns], "name": "t1"}]
    assert rest.call("DELETE", table_path(ns, "t1") + "?purgeRequested=true")[0] == 204
    assert not os.path.exists(local(loc1))
    assert_error(*rest.call("GET", table_path(ns, "t1")), 404, "NoSuchTableException")


def test_thrift_swap_is_what_rest_loads(rest, ns, client):
    status, doc = rest.call("POST", table_path(ns, None), body={"name": "t2", "schema": simple_schema()})
    assert status == 200, doc
    loc0 = doc["metadata-location"]
    md = doc["metadata"]
    md["properties"] = dict(md.get("properties", {}), written_by="hivecatalog")
    md["metadata-log"] = [{"timestamp-ms": md["last-updated-ms"], "metadata-file": loc0}]
    loc1 = loc0.replace("/00000-", "/00001-")
    with open(local(loc1), "w") as f:
        json.dump(md, f)
    t = client.get_table(ns, "t2")
    t.parameters["metadata_location"] = loc1
    t.parameters["previous_metadata_location"] = loc0
    client.alter_table(ns, "t2", t)
    status, doc = rest.call("GET", table_path(ns, "t2"))
    assert status == 200 and doc["metadata-location"] == loc1
    assert doc["metadata"]["properties"]["written_by"] == "hivecatalog"


def test_locations_stay_inside_the_allowed_ones(metastore_factory, tmp_path):
    srv = metastore_factory()
    r = Rest(srv.rest_port)
    ns = unique("iceloc")
    assert r.call("POST", "/v1/namespaces", body={"namespace": [ns]})[0] == 200
    outside = "file://" + str(tmp_path / "outside")
    for loc in (outside, srv.warehouse.rstrip("/") + "/../escape"):
        assert_error(*r.call("POST", table_path(ns), body={
            "name": "t", "location": loc, "schema": simple_schema()}), 400, "BadRequestException")
    assert not (tmp_path / "outside").exists()
    # a registered file outside is not even read
    assert_error(*r.call("POST", "/v1/namespaces/%s/register" % ns, body={
        "name": "r", "metadata-location": "file:///etc/hostname"}), 400, "BadRequestException")
    # set-location out of the warehouse is refused too
    status, doc = r.call("POST", table_path(ns), body={"name": "t", "schema": simple_schema()})
    assert status == 200, doc
    assert_error(*r.call("POST", table_path(ns, "t"), body={
        "requirements": [], "updates": [{"action": "set-location", "location": outside}]}),
        400, "BadRequestException")
    # widened by configuration
    srv2 = metastore_factory(sets=["rest.allowed_locations=*"])
    r2 = Rest(srv2.rest_port)
    assert r2.call("POST", "/v1/namespaces", body={"namespace": [ns]})[0] == 200
    status, doc = r2.call("POST", table_path(ns), body={
        "name": "t", "location": outside, "schema": simple_schema()})
    assert status == 200, doc
    assert (tmp_path / "outside" / "metadata").is_dir()


def test_legacy_body_resending_the_current_schema(rest, ns):
    # iceberg-js 0.8 sends {schema, partition-spec, properties}; re-sending the
    # table's own schema and spec must not fail on "-1" (Iceberg's builder
    # reuses them, so nothing is "last added")
    status, doc = rest.call("POST", table_path(ns), body={
        "name": "legacy", "schema": simple_schema(),
        "partition-spec": {"spec-id": 0, "fields": [
            {"source-id": 1, "field-id": 1000, "name": "id_b", "transform": "bucket[4]"}]}})
    assert status == 200, doc
    md = doc["metadata"]
    schema = md["schemas"][0]
    spec = md["partition-specs"][0]
    status, doc = rest.call("POST", table_path(ns, "legacy"), body={
        "schema": schema, "partition-spec": spec, "properties": {"touched": "yes"}})
    assert status == 200, doc
    assert doc["metadata"]["current-schema-id"] == md["current-schema-id"]
    assert doc["metadata"]["default-spec-id"] == md["default-spec-id"]
    assert len(doc["metadata"]["schemas"]) == 1
    assert doc["metadata"]["properties"]["touched"] == "yes"


def test_names_no_object_can_have_are_not_found(rest, ns):
    """A namespace or table name the catalog cannot hold ('-' is not in
    Hive's names) names nothing: lookups are 404 as for any missing object
    (the Java metastore's get_database / get_table; Iceberg's CatalogTests
    and ViewCatalogTests ...WithNonExistingNamespace), only creating one is
    400."""
    def missing(method, path, etype, message, body=None):
        status, doc = rest.call(method, path, body=body)
        if method == "HEAD":
            assert status == 404, status
            return
        assert_error(status, doc, 404, etype)
        assert doc["error"]["message"] == message, doc

    bad_ns = "non-existing"
    for method in ("GET", "HEAD", "DELETE"):
        missing(method, table_path(bad_ns, "tbl"), "NoSuchTableException",
                "Table does not exist: non-existing.tbl")
        missing(method, table_path(ns, "bad-name"), "NoSuchTableException",
                "Table does not exist: %s.bad-name" % ns)
        missing(method, "/v1/namespaces/%s/views/v" % bad_ns, "NoSuchViewException",
                "View does not exist: non-existing.v")
        missing(method, "/v1/namespaces/" + bad_ns, "NoSuchNamespaceException",
                "Namespace does not exist: non-existing")
    missing("GET", "/v1/namespaces?parent=" + bad_ns, "NoSuchNamespaceException",
            "Namespace does not exist: non-existing")
    missing("GET", table_path(bad_ns), "NoSuchNamespaceException",
            "Namespace does not exist: non-existing")
    # a commit to such a table, a rename of one
    missing("POST", table_path(bad_ns, "tbl"), "NoSuchTableException",
            "Table does not exist: non-existing.tbl", body={"requirements": [], "updates": []})
    missing("POST", "/v1/tables/rename", "NoSuchTableException",
            "Table does not exist: %s.bad-name" % ns,
            body={"source": {"namespace": [ns], "name": "bad-name"},
                  "destination": {"namespace": [ns], "name": "t2"}})
    # creating in such a namespace: it does not exist
    missing("POST", table_path(bad_ns), "NoSuchNamespaceException",
            "Namespace does not exist: non-existing",
            body={"name": "t", "schema": simple_schema()})
    # creating such a name is refused
    assert_error(*rest.call("POST", table_path(ns), body={"name": "bad-name",
                                                          "schema": simple_schema()}),
                 400, "BadRequestException")
    assert_error(*rest.call("POST", "/v1/namespaces", body={"namespace": [bad_ns]}),
                 400, "BadRequestException")
    assert_error(*rest.call("POST", table_path(ns, "bad-name"), body={
        "requirements": [{"type": "assert-create"}], "updates": []}), 400, "BadRequestException")


def test_load_after_the_metadata_file_is_gone(rest, ns):
    """The stored copy is not served for a table whose metadata file was
    deleted behind the catalog's back: 404 NotFoundException naming the
    file, as Iceberg's catalogs (which read the file on every load) answer
    (RCK CatalogTests.testLoadTableWithMissingMetadataFile). Once the file
    is back, the table loads again. The same holds for a view."""
    status, doc = rest.call("POST", table_path(ns), body={"name": "t", "schema": simple_schema()})
    assert status == 200, doc
    loc = doc["metadata-location"]
    status, _, hdrs = rest.call_full("GET", table_path(ns, "t"))
    assert status == 200
    aside = local(loc) + ".aside"
    os.rename(local(loc), aside)
    try:
        status, doc = rest.call("GET", table_path(ns, "t"))
        assert_error(status, doc, 404, "NotFoundException")
        assert doc["error"]["message"] == "Failed to open input stream for file: " + loc, doc
        # also for a client revalidating its copy (Java 1.11 sends the ETag)
        status, doc, _ = rest.call_full("GET", table_path(ns, "t"),
                                        headers={"If-None-Match": hdrs["etag"]})
        assert_error(status, doc, 404, "NotFoundException")
    finally:
        os.rename(aside, local(loc))
    status, doc = rest.call("GET", table_path(ns, "t"))
    assert status == 200 and doc["metadata-location"] == loc, doc

    view = {"name": "v", "schema": simple_schema(), "properties": {},
            "view-version": {"version-id": 1, "timestamp-ms": 1700000000000, "schema-id": 0,
                             "summary": {}, "default-namespace": [ns],
                             "representations": [{"type": "sql", "sql": "select 1",
                                                  "dialect": "spark"}]}}
    status, doc = rest.call("POST", "/v1/namespaces/%s/views" % ns, body=view)
    assert status == 200, doc
    vloc = doc["metadata-location"]
    os.unlink(local(vloc))
    status, doc = rest.call("GET", "/v1/namespaces/%s/views/v" % ns)
    assert_error(status, doc, 404, "NotFoundException")
    assert vloc in doc["error"]["message"], doc


def test_a_new_table_never_shares_a_renamed_tables_location(rest, ns, client):
    """A table renamed away keeps its files where they were; a new table of
    the old name then goes to <name>-<uuid> (Iceberg's unique-table-location
    form), so purging the renamed one cannot delete the new one's files
    (RCK CatalogTests.dropAfterRenameDoesntCorruptTable)."""
    status, doc = rest.call("POST", table_path(ns), body={"name": "t", "schema": simple_schema()})
    assert status == 200, doc
    first = doc["metadata"]["location"]
    assert first.endswith("/%s.db/t" % ns) or first.endswith("/t"), first
    status, doc = rest.call("POST", "/v1/tables/rename", body={
        "source": {"namespace": [ns], "name": "t"}, "destination": {"namespace": [ns], "name": "t_old"}})
    assert status == 204, doc
    status, doc = rest.call("POST", table_path(ns), body={"name": "t", "schema": simple_schema()})
    assert status == 200, doc
    second = doc["metadata"]["location"]
    assert second != first and second.startswith(first + "-"), (first, second)
    assert len(second) == len(first) + 33
    assert client.get_table(ns, "t").sd.location == second
    new_file = doc["metadata-location"]
    # a table given the old location explicitly keeps it (the client chose)
    status, doc = rest.call("POST", table_path(ns), body={"name": "t3", "schema": simple_schema(),
                                                          "location": first})
    assert status == 200 and doc["metadata"]["location"] == first, doc
    status, _ = rest.call("DELETE", table_path(ns, "t3"))
    assert status == 204
    # purging the renamed table leaves the new one whole
    status, _ = rest.call("DELETE", table_path(ns, "t_old") + "?purgeRequested=true")
    assert status == 204
    assert not os.path.exists(local(first))
    assert os.path.exists(local(new_file))
    status, doc = rest.call("GET", table_path(ns, "t"))
    assert status == 200 and doc["metadata-location"] == new_file, doc
    # and with the name free of others, the plain location again
    status, _ = rest.call("POST", table_path(ns), body={"name": "t4", "schema": simple_schema()})
    status, doc = rest.call("GET", table_path(ns, "t4"))
    assert doc["metadata"]["location"] == first[:-len("/t")] + "/t4", doc
