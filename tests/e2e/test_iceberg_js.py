"""The real npm iceberg-js client against the REST door (tests/node/
iceberg_client.mjs): 1.0.0 and the legacy 0.8.1, with and without a
configured prefix, namespaces and tables end to end, checked through REST
and through Thrift, and what each version really puts on the wire.

What the clients send (read from tests/node/node_modules/*/dist/index.mjs):
- 1.0.0 with a warehouse asks GET /v1/config?warehouse=W and uses
  overrides.prefix (else defaults.prefix, else W itself); without a
  warehouse it uses /v1. POST/DELETE carry an Idempotency-Key (UUIDv7).
  updateTable/commitTable post the CommitTableRequest given, as is.
  Namespace levels are joined by %1F, names percent-encoded.
- 0.8.1 uses "v1/<catalogName>" (or "v1") with no config call, joins
  namespace levels with a raw 0x1F, does not encode table names, sends no
  Idempotency-Key, and updateTable posts {schema?, partition-spec?,
  properties?} as is (the server translates it, see the contract).
"""
import os

import pytest

from conftest import unique
from hive_metastore.ttypes import NoSuchObjectException
from iceberg_spec import spec_validator
from iceboth import (META, PREV_META, create_namespace, current_fields, file_version, hive_cols,
                     load_table, local_path, ok)
from icelib import Rest, ns_path, simple_schema, table_path
from nodetools import JsonLines

# (server prefix, client warehouse): no prefix at all; a configured prefix
# the client learns from /v1/config; no prefix but a client catalog name
DOORS = {
    "plain": (None, None),
    "prefix": ("icecat", "icecat"),
    "catalog-name": (None, "mywh"),
}
VERSIONS = ["current", "legacy"]


class Door:
    def __init__(self, server, prefix, warehouse):
        self.server = server
        self.prefix = prefix
        self.warehouse = warehouse
        self.rest = Rest(server.rest_port, prefix=prefix)
        args = ["--base-url", "http://127.0.0.1:%d" % server.rest_port]
        if warehouse:
            args += ["--warehouse", warehouse]
        self.js = JsonLines("iceberg_client.mjs", args)

    def path_prefix(self, legacy):
        """The path prefix each client version ends up using."""
        if legacy:
            return "/v1/" + self.warehouse if self.warehouse else "/v1"
        if self.prefix:
            return "/v1/" + self.prefix
        return "/v1/" + self.warehouse if self.warehouse else "/v1"

    def call(self, version, op, *args):
        r = self.js.call({"op": op, "args": list(args), "legacy": version == "legacy"})
        return r

    def ok(self, version, op, *args):
        r = self.call(version, op, *args)
        assert r["ok"], (op, r)
        return r["result"]

    def err(self, version, op, *args):
        r = self.call(version, op, *args)
        assert not r["ok"], (op, r)
        return r["error"]

    def requests(self):
        return self.js.call({"op": "takeRequests"})["result"]


@pytest.fixture(params=sorted(DOORS))
def door(request, metastore_factory):
    prefix, warehouse = DOORS[request.param]
    srv = metastore_factory(sets=["rest.prefix=" + prefix] if prefix else [])
    d = Door(srv, prefix, warehouse)
    yield d
    d.js.close()


def ns_id(name):
    return {"namespace": [name]}


def tbl_id(ns, name):
    return {"namespace": [ns], "name": name}


def identifiers(version, result):
    return result["identifiers"] if version == "current" else result


def check_wire(door, version, reqs):
    """Every request went to the door's prefix, with the version's headers,
    and got a non-5xx answer."""
    base = "http://127.0.0.1:%d" % door.server.rest_port
    want = door.path_prefix(version == "legacy")
    for r in reqs:
        assert r["url"].startswith(base + "/v1/"), r
        path = r["url"][len(base):]
        assert r["status"] is not None and r["status"] < 500, r
        if path.startswith("/v1/config"):
            assert version == "current", r
            if door.warehouse:
                assert "warehouse=" + door.warehouse in path
            continue
        assert path.startswith(want + "/"), (want, r)
        if version == "current" and r["method"] in ("POST", "DELETE"):
            assert len(r["headers"].get("idempotency-key", "")) == 36, r
        if version == "legacy":
            assert "idempotency-key" not in r["headers"], r


# ---------------------------------------------------------------------------
# namespaces
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_namespaces(door, version):
    name = unique("js_ns")
    created = door.ok(version, "createNamespace", ns_id(name),
                      {"properties": {"owner_team": "js", "comment": "from iceberg-js"}})
    assert created["namespace"] == [name]
    assert created["properties"]["owner_team"] == "js"
    listed = door.ok(version, "listNamespaces")
    listed = listed["namespaces"] if version == "current" else listed
    assert {"namespace": [name]} in listed
    props = door.ok(version, "loadNamespaceMetadata", ns_id(name))["properties"]
    assert props["owner_team"] == "js" and props["comment"] == "from iceberg-js"
    assert props["location"].endswith("/%s.db" % name)
    assert door.ok(version, "namespaceExists", ns_id(name)) is True
    assert door.ok(version, "createNamespaceIfNotExists", ns_id(name)) is None
    e = door.err(version, "createNamespace", ns_id(name))
    assert e["status"] == 409 and e["icebergType"] == "AlreadyExistsException", e
    # the same database through Thrift
    with door.server.client() as c:
        db = c.get_database(name)
        assert db.description == "from iceberg-js" and db.parameters == {"owner_team": "js"}
        assert db.locationUri == props["location"]
    if version == "current":
        upd = door.ok(version, "updateNamespaceProperties", ns_id(name),
                      {"updates": {"a": "1"}, "removals": ["owner_team", "missing"]})
        assert upd["updated"] == ["a"] and upd["removed"] == ["owner_team"]
        assert upd["missing"] == ["missing"]
        with door.server.client() as c:
            assert c.get_database(name).parameters == {"a": "1"}
    door.ok(version, "dropNamespace", ns_id(name))
    assert door.ok(version, "namespaceExists", ns_id(name)) is False
    e = door.err(version, "dropNamespace", ns_id(name))
    assert e["status"] == 404 and e["icebergType"] == "NoSuchNamespaceException", e
    e = door.err(version, "loadNamespaceMetadata", ns_id(name))
    assert e["status"] == 404 and e["icebergType"] == "NoSuchNamespaceException", e
    with door.server.client() as c:
        with pytest.raises(NoSuchObjectException):
            c.get_database(name)
    check_wire(door, version, door.requests())


# ---------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------

PARTITION_SPEC = {"spec-id": 0, "fields": [
    {"source-id": 3, "field-id": 1000, "name": "ts_day", "transform": "day"}]}
WRITE_ORDER = {"order-id": 1, "fields": [
    {"source-id": 1, "transform": "identity", "direction": "asc", "null-order": "nulls-first"}]}


def create_request(name):
    return {"name": name, "schema": simple_schema(), "partition-spec": PARTITION_SPEC,
            "write-order": WRITE_ORDER,
            "properties": {"owner_team": "js", "write.format.default": "parquet"}}


def check_created(md):
    spec_validator().check(md, "TableMetadata")
    assert [f["name"] for f in current_fields(md)] == ["id", "data", "ts"]
    spec = [s for s in md["partition-specs"] if s["spec-id"] == md["default-spec-id"]][0]
    ts_id = [f["id"] for f in current_fields(md) if f["name"] == "ts"][0]
    assert [(f["name"], f["transform"], f["source-id"]) for f in spec["fields"]] == [
        ("ts_day", "day", ts_id)]
    order = [o for o in md["sort-orders"] if o["order-id"] == md["default-sort-order-id"]][0]
    assert [(f["transform"], f["direction"]) for f in order["fields"]] == [("identity", "asc")]
    assert md["properties"]["owner_team"] == "js"


@pytest.mark.parametrize("version", VERSIONS)
def test_tables(door, version):
    ns = unique("js_tbl")
    create_namespace(door.rest, ns)
    door.requests()
    md = door.ok(version, "createTable", ns_id(ns), create_request("events"))
    check_created(md)
    uuid = md["table-uuid"]
    assert identifiers(version, door.ok(version, "listTables", ns_id(ns))) == [
        {"namespace": [ns], "name": "events"}]
    loaded = door.ok(version, "loadTable", tbl_id(ns, "events"))
    assert loaded["table-uuid"] == uuid and loaded["location"] == md["location"]
    assert door.ok(version, "tableExists", tbl_id(ns, "events")) is True
    assert door.ok(version, "tableExists", tbl_id(ns, "nope")) is False
    e = door.err(version, "loadTable", tbl_id(ns, "nope"))
    assert e["status"] == 404 and e["icebergType"] == "NoSuchTableException", e
    e = door.err(version, "createTable", ns_id(ns), create_request("events"))
    assert e["status"] == 409 and e["icebergType"] == "AlreadyExistsException", e
    e = door.err(version, "createTable", ns_id("nope_" + ns), create_request("x"))
    assert e["status"] == 404 and e["icebergType"] == "NoSuchNamespaceException", e
    # createTableIfNotExists on an existing table answers its metadata
    again = door.ok(version, "createTableIfNotExists", ns_id(ns), create_request("events"))
    assert again["table-uuid"] == uuid
    with door.server.client() as c:
        t = c.get_table(ns, "events")
        assert t.parameters["table_type"] == "ICEBERG" and t.parameters["uuid"] == uuid
        assert t.parameters["owner_team"] == "js"
        assert hive_cols(t) == [("id", "bigint", None), ("data", "string", "payload"),
                                ("ts", "timestamp", None)]
    first_loc = load_table(door.rest, ns, "events")[0]["metadata-location"]
    door.requests()

    # update: a new column and a property, as each version sends it
    last = md["last-column-id"]
    new_fields = current_fields(md) + [
        {"id": last + 1, "name": "country", "required": False, "type": "string",
         "doc": "ISO code"}]
    if version == "current":
        body = {"requirements": [{"type": "assert-table-uuid", "uuid": uuid}],
                "updates": [{"action": "set-properties", "updates": {"stage": "one"}},
                            {"action": "add-schema", "schema": {"type": "struct", "schema-id": 1,
                                                                "fields": new_fields}},
                            {"action": "set-current-schema", "schema-id": -1}]}
        res = door.ok(version, "updateTable", tbl_id(ns, "events"), body)
        assert file_version(res["metadata-location"]) == 1
        wire = door.requests()
        posts = [r for r in wire if r["method"] == "POST"]
        assert len(posts) == 1 and posts[0]["body"] == body
        spec_validator().check(posts[0]["body"], "CommitTableRequest")
    else:
        body = {"properties": {"stage": "one"}}
        res = door.ok(version, "updateTable", tbl_id(ns, "events"), body)
        assert file_version(res["metadata-location"]) == 1
        body2 = {"schema": {"type": "struct", "schema-id": 1, "fields": new_fields}}
        res = door.ok(version, "updateTable", tbl_id(ns, "events"), body2)
        assert file_version(res["metadata-location"]) == 2
        wire = door.requests()
        posts = [r for r in wire if r["method"] == "POST"]
        assert [p["body"] for p in posts] == [body, body2]
        ok_, _ = spec_validator().validate(posts[0]["body"], schema="CommitTableRequest")
        assert not ok_        # not a spec body: the server translates it
    check_wire(door, version, wire)
    spec_validator().check(res["metadata"], "TableMetadata")
    out = res["metadata"]
    assert out["properties"]["stage"] == "one" and out["table-uuid"] == uuid
    assert [f["name"] for f in current_fields(out)] == ["id", "data", "ts", "country"]
    assert out["metadata-log"][0]["metadata-file"] == first_loc
    # through REST and through Thrift
    loaded, _ = load_table(door.rest, ns, "events")
    assert loaded["metadata-location"] == res["metadata-location"]
    assert loaded["metadata"]["current-schema-id"] == out["current-schema-id"]
    with door.server.client() as c:
        t = c.get_table(ns, "events")
        assert t.parameters[META] == res["metadata-location"]
        assert t.parameters[PREV_META] in [e["metadata-file"] for e in out["metadata-log"]]
        assert t.parameters["stage"] == "one"
        assert hive_cols(t)[-1] == ("country", "string", "ISO code")

    # drop with purge: gone for both doors, and the files too
    location = out["location"]
    door.ok(version, "dropTable", tbl_id(ns, "events"), {"purge": True})
    wire = door.requests()
    deletes = [r for r in wire if r["method"] == "DELETE"]
    assert len(deletes) == 1 and "purgeRequested=true" in deletes[0]["url"]
    assert door.ok(version, "tableExists", tbl_id(ns, "events")) is False
    assert identifiers(version, door.ok(version, "listTables", ns_id(ns))) == []
    left = [f for _, _, fs in os.walk(local_path(location)) for f in fs]
    assert left == []
    with door.server.client() as c:
        with pytest.raises(NoSuchObjectException):
            c.get_table(ns, "events")
    e = door.err(version, "dropTable", tbl_id(ns, "events"))
    assert e["status"] == 404 and e["icebergType"] == "NoSuchTableException", e
    # without purge the files stay
    md2 = door.ok(version, "createTable", ns_id(ns), create_request("kept"))
    door.ok(version, "dropTable", tbl_id(ns, "kept"))
    assert "purgeRequested=false" in [r for r in door.requests()
                                      if r["method"] == "DELETE"][0]["url"]
    assert any(f.endswith(".metadata.json")
               for _, _, fs in os.walk(local_path(md2["location"])) for f in fs)
    door.ok(version, "dropNamespace", ns_id(ns))
    check_wire(door, version, door.requests())


def test_legacy_update_bodies_are_translated(door):
    """0.8.1's {properties}, {schema}, {partition-spec} and all three at once:
    set-properties; add-schema + set-current-schema -1; add-spec +
    set-default-spec -1."""
    ns = unique("js_legacy")
    create_namespace(door.rest, ns)
    md = door.ok("legacy", "createTable", ns_id(ns), create_request("t"))
    ident = tbl_id(ns, "t")
    ids = {f["name"]: f["id"] for f in current_fields(md)}
    # a new partition spec alone
    spec = {"spec-id": 1, "fields": [
        {"source-id": ids["id"], "field-id": 1001, "name": "id_bucket",
         "transform": "bucket[16]"}]}
    res = door.ok("legacy", "updateTable", ident, {"partition-spec": spec})
    out = res["metadata"]
    default = [s for s in out["partition-specs"] if s["spec-id"] == out["default-spec-id"]][0]
    assert out["default-spec-id"] != md["default-spec-id"]
    assert [(f["name"], f["transform"], f["source-id"]) for f in default["fields"]] == [
        ("id_bucket", "bucket[16]", ids["id"])]
    assert len(out["partition-specs"]) == 2
    # all three in one body: one commit, one new file
    last = out["last-column-id"]
    fields = current_fields(out) + [{"id": last + 1, "name": "n", "required": False,
                                     "type": "int"}]
    spec2 = {"spec-id": 2, "fields": [
        {"source-id": ids["data"], "field-id": 1002, "name": "data",
         "transform": "identity"}]}
    body = {"properties": {"a": "1", "owner_team": "changed"},
            "schema": {"type": "struct", "schema-id": 1, "fields": fields},
            "partition-spec": spec2}
    before = file_version(res["metadata-location"])
    res2 = door.ok("legacy", "updateTable", ident, body)
    assert file_version(res2["metadata-location"]) == before + 1
    out2 = res2["metadata"]
    assert out2["properties"]["a"] == "1" and out2["properties"]["owner_team"] == "changed"
    assert [f["name"] for f in current_fields(out2)] == ["id", "data", "ts", "n"]
    default = [s for s in out2["partition-specs"] if s["spec-id"] == out2["default-spec-id"]][0]
    assert [(f["name"], f["transform"]) for f in default["fields"]] == [("data", "identity")]
    with door.server.client() as c:
        t = c.get_table(ns, "t")
        assert t.parameters[META] == res2["metadata-location"]
        assert t.parameters["a"] == "1" and t.parameters["owner_team"] == "changed"
        assert [x[0] for x in hive_cols(t)] == ["id", "data", "ts", "n"]
        assert not t.partitionKeys
    check_wire(door, "legacy", door.requests())


def test_legacy_update_that_cannot_apply(door):
    """A legacy body that cannot apply is a 400 and changes nothing: a
    property that is not a string, a partition field whose source column
    does not exist (Iceberg's PartitionSpec check), a schema that is not
    one; a missing table is 404."""
    ns = unique("js_legacy_bad")
    create_namespace(door.rest, ns)
    door.ok("legacy", "createTable", ns_id(ns), create_request("t"))
    ident = tbl_id(ns, "t")
    base, _ = load_table(door.rest, ns, "t")
    bad = []
    for body in ({"properties": {"x": 1}},
                 {"partition-spec": {"spec-id": 3, "fields": [
                     {"source-id": 999, "field-id": 1003, "name": "bad",
                      "transform": "identity"}]}},
                 {"schema": {"type": "struct", "fields": "none"}},
                 {"schema": {"type": "struct", "schema-id": 1, "fields": [
                     {"id": 1, "name": "id", "required": True, "type": "no-such-type"}]}}):
        r = door.call("legacy", "updateTable", ident, body)
        if r["ok"]:
            bad.append("%r -> accepted (%s)" % (body, r["result"]["metadata-location"]))
        elif r["error"]["status"] != 400 or r["error"]["icebergType"] != "BadRequestException":
            bad.append("%r -> %s %s" % (body, r["error"]["status"], r["error"]["icebergType"]))
    assert not bad, "\n".join(bad)
    e = door.err("legacy", "updateTable", tbl_id(ns, "missing"), {"properties": {"x": "1"}})
    assert e["status"] == 404 and e["icebergType"] == "NoSuchTableException", e
    loaded, _ = load_table(door.rest, ns, "t")
    assert loaded["metadata-location"] == base["metadata-location"]
    check_wire(door, "legacy", door.requests())


def test_current_client_table_extras(door):
    """1.0.0 only: full LoadTableResult with ETag and If-None-Match, paging,
    rename, register, commitTable, requirement failures, stage-create."""
    v = "current"
    ns = unique("js_more")
    create_namespace(door.rest, ns)
    res = door.ok(v, "createTableResult", ns_id(ns), create_request("a"))
    spec_validator().check(dict((k, x) for k, x in res.items() if k != "etag"),
                           "LoadTableResult")
    assert res["metadata-location"] and res["metadata"]["table-uuid"]
    full = door.ok(v, "loadTableResult", tbl_id(ns, "a"))
    assert full["etag"] and full["metadata-location"] == res["metadata-location"]
    assert door.ok(v, "loadTableResult", tbl_id(ns, "a"), {"ifNoneMatch": full["etag"]}) is None
    refs = door.ok(v, "loadTableResult", tbl_id(ns, "a"), {"snapshots": "refs"})
    assert refs["metadata"]["table-uuid"] == res["metadata"]["table-uuid"]
    # paging
    for n in ("b", "c", "d"):
        door.ok(v, "createTable", ns_id(ns), create_request(n))
    seen, token = [], None
    for _ in range(10):
        opts = {"pageSize": 2}
        if token:
            opts["pageToken"] = token
        page = door.ok(v, "listTables", ns_id(ns), opts)
        assert len(page["identifiers"]) <= 2
        seen += [i["name"] for i in page["identifiers"]]
        token = page.get("nextPageToken")
        if not token:
            break
    assert seen == ["a", "b", "c", "d"]
    # commitTable (the alias) with a failing requirement: 409, nothing changed
    e = door.err(v, "commitTable", tbl_id(ns, "a"), {
        "requirements": [{"type": "assert-current-schema-id", "current-schema-id": 7}],
        "updates": [{"action": "set-properties", "updates": {"x": "y"}}]})
    assert e["status"] == 409 and e["icebergType"] == "CommitFailedException", e
    assert "x" not in door.ok(v, "loadTable", tbl_id(ns, "a"))["properties"]
    e = door.err(v, "commitTable", tbl_id(ns, "a"), {
        "requirements": [], "updates": [{"action": "frobnicate"}]})
    assert e["status"] == 400 and e["icebergType"] == "BadRequestException", e
    # rename, then register the renamed table's file under a new name
    door.ok(v, "renameTable", {"source": tbl_id(ns, "a"), "destination": tbl_id(ns, "a2")})
    assert door.ok(v, "tableExists", tbl_id(ns, "a")) is False
    with door.server.client() as c:
        assert c.get_table(ns, "a2").parameters[META] == res["metadata-location"]
    e = door.err(v, "renameTable", {"source": tbl_id(ns, "a"), "destination": tbl_id(ns, "z")})
    assert e["status"] == 404 and e["icebergType"] == "NoSuchTableException", e
    door.ok(v, "dropTable", tbl_id(ns, "a2"))
    reg = door.ok(v, "registerTableResult", ns_id(ns),
                  {"name": "again", "metadata-location": res["metadata-location"]})
    assert reg["metadata-location"] == res["metadata-location"]
    assert reg["metadata"]["table-uuid"] == res["metadata"]["table-uuid"]
    with door.server.client() as c:
        t = c.get_table(ns, "again")
        assert t.parameters[META] == res["metadata-location"]
        assert t.parameters["table_type"] == "ICEBERG"
    e = door.err(v, "registerTable", ns_id(ns),
                 {"name": "again", "metadata-location": res["metadata-location"]})
    assert e["status"] == 409 and e["icebergType"] == "AlreadyExistsException", e
    check_wire(door, v, door.requests())


def test_current_client_stage_create(door):
    """A staged create (stage-create: true) stores nothing; the commit with
    assert-create, as Iceberg's create transaction sends it, makes the table."""
    v = "current"
    ns = unique("js_stage")
    create_namespace(door.rest, ns)
    req = dict(create_request("staged"), **{"stage-create": True})
    staged = door.ok(v, "createTableResult", ns_id(ns), req)
    assert not staged.get("metadata-location")
    md = staged["metadata"]
    assert door.ok(v, "tableExists", tbl_id(ns, "staged")) is False
    with door.server.client() as c:
        with pytest.raises(NoSuchObjectException):
            c.get_table(ns, "staged")
    spec0 = [s for s in md["partition-specs"] if s["spec-id"] == md["default-spec-id"]][0]
    order = [o for o in md["sort-orders"] if o["order-id"] == md["default-sort-order-id"]][0]
    schema = [s for s in md["schemas"] if s["schema-id"] == md["current-schema-id"]][0]
    updates = [
        {"action": "assign-uuid", "uuid": md["table-uuid"]},
        {"action": "upgrade-format-version", "format-version": md["format-version"]},
        {"action": "add-schema", "schema": schema, "last-column-id": md["last-column-id"]},
        {"action": "set-current-schema", "schema-id": -1},
        {"action": "add-spec", "spec": spec0},
        {"action": "set-default-spec", "spec-id": -1},
        {"action": "add-sort-order", "sort-order": order},
        {"action": "set-default-sort-order", "sort-order-id": -1},
        {"action": "set-location", "location": md["location"]},
        {"action": "set-properties", "updates": md["properties"]},
    ]
    res = door.ok(v, "commitTable", tbl_id(ns, "staged"),
                  {"requirements": [{"type": "assert-create"}], "updates": updates})
    assert file_version(res["metadata-location"]) == 0
    assert res["metadata"]["table-uuid"] == md["table-uuid"]
    assert door.ok(v, "tableExists", tbl_id(ns, "staged")) is True
    with door.server.client() as c:
        t = c.get_table(ns, "staged")
        assert t.parameters[META] == res["metadata-location"]
        assert t.parameters["uuid"] == md["table-uuid"]
    # a second assert-create commit finds the table: 409
    e = door.err(v, "commitTable", tbl_id(ns, "staged"),
                 {"requirements": [{"type": "assert-create"}], "updates": updates})
    assert e["status"] == 409 and e["icebergType"] == "CommitFailedException", e


def test_current_client_learns_the_prefix_from_config(metastore_factory):
    """A 1.0.0 client whose warehouse name differs from the server's prefix
    uses the prefix /v1/config announces."""
    srv = metastore_factory(sets=["rest.prefix=served"])
    js = JsonLines("iceberg_client.mjs", ["--base-url", "http://127.0.0.1:%d" % srv.rest_port,
                                          "--warehouse", "something-else"])
    try:
        name = unique("js_cfg")
        r = js.call({"op": "createNamespace", "args": [ns_id(name)]})
        assert r["ok"], r
        cfg = js.call({"op": "loadConfig"})
        assert cfg["ok"] and cfg["result"]["overrides"]["prefix"] == "served", cfg
        spec_validator().check(cfg["result"], "CatalogConfig")
        wire = js.call({"op": "takeRequests"})["result"]
        assert wire[0]["url"].endswith("/v1/config?warehouse=something-else")
        assert "/v1/served/namespaces" in wire[1]["url"]
        ok(Rest(srv.rest_port, prefix="served"), "GET", "/v1/served" + ns_path(name)[3:])
    finally:
        js.close()


def test_legacy_client_namespace_levels_and_raw_names(metastore_factory):
    """0.8.1 puts a raw 0x1F between levels and table names unencoded into
    the path: a name needing no encoding works; a nested namespace it cannot
    address is a clean 4xx."""
    srv = metastore_factory()
    js = JsonLines("iceberg_client.mjs", ["--base-url", "http://127.0.0.1:%d" % srv.rest_port])
    try:
        ns = unique("js_raw")
        rest = Rest(srv.rest_port)
        create_namespace(rest, ns)
        r = js.call({"op": "createTable", "legacy": True,
                     "args": [ns_id(ns), create_request("t_1")]})
        assert r["ok"], r
        r = js.call({"op": "loadTable", "legacy": True, "args": [tbl_id(ns, "t_1")]})
        assert r["ok"] and r["result"]["properties"]["owner_team"] == "js", r
        r = js.call({"op": "loadTable", "legacy": True,
                     "args": [{"namespace": [ns, "child"], "name": "t_1"}]})
        assert not r["ok"] and 400 <= r["error"]["status"] < 500, r
        assert rest.call("GET", "/v1/config")[0] == 200
        assert ok(rest, "GET", table_path(ns, "t_1"))[0]["metadata"]["properties"]["owner_team"]
    finally:
        js.close()
