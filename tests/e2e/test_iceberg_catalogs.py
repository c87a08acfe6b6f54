"""One HMS catalog per REST prefix: GET /v1/config?warehouse=W selects a
catalog (one of rest.catalogs, or one made through Thrift's
create_catalog) and announces its prefix; /v1/W/... then acts on that
catalog only (namespaces, tables, commits, renames, drops, its own
warehouse root), Thrift sees the objects in their catalogs, and an unknown
warehouse is the default catalog or, with rest.unknown_warehouse=refuse,
404 NoSuchWarehouseException."""
import os
import urllib.parse

import pytest

from conftest import unique
from hive_metastore.ttypes import (Catalog, CreateCatalogRequest, GetDatabaseRequest,
                                   GetTableRequest, NoSuchObjectException)
from icelib import Rest, assert_error, simple_schema


class Door:
    """The REST routes of one catalog: /v1[/prefix]/..."""

    def __init__(self, port, prefix):
        self.rest = Rest(port)
        self.base = "/v1/" + prefix if prefix else "/v1"

    def call(self, method, path, body=None):
        return self.rest.call(method, self.base + path, body=body)

    def ok(self, method, path, body=None, status=200):
        got = self.call(method, path, body)
        assert got[0] == status, (method, self.base + path, got)
        return got[1]


def q(name):
    return urllib.parse.quote(name, safe="")


@pytest.fixture(scope="module")
def setup(pg, tmp_path_factory):
    from servers import Server
    tmp = str(tmp_path_factory.mktemp("cats"))
    sales_root = "file://%s/sales_wh" % tmp
    srv = Server(pg, pg.createdb(), os.path.join(tmp, "srv"),
                 sets=["rest.catalogs=sales=%s" % sales_root])
    with srv.client() as c:
        ops_root = srv.warehouse + "/ops_root"
        c.create_catalog(CreateCatalogRequest(Catalog(name="ops", locationUri=ops_root)))
    yield srv, {"sales": sales_root, "ops": ops_root}
    srv.stop_and_check()


def test_config_selects_the_catalog_prefix(setup):
    srv, _ = setup
    rest = Rest(srv.rest_port)
    for wh, prefix in [("sales", "sales"), ("SALES", "sales"), ("ops", "ops")]:
        status, doc = rest.call("GET", "/v1/config?warehouse=" + wh)
        assert status == 200 and doc["overrides"]["prefix"] == prefix, doc
    for wh in ["hive", srv.warehouse, "nosuchwh"]:
        status, doc = rest.call("GET", "/v1/config?warehouse=" + q(wh))
        assert status == 200 and "prefix" not in doc["overrides"], (wh, doc)


def test_two_prefixes_never_see_each_other(setup):
    srv, roots = setup
    doors = {"hive": Door(srv.rest_port, None), "sales": Door(srv.rest_port, "sales"),
             "ops": Door(srv.rest_port, "ops")}
    ns = unique("same_ns")      # one name in every catalog
    for cat, d in doors.items():
        doc = d.ok("POST", "/namespaces", {"namespace": [ns], "properties": {"who": cat}})
        assert doc["properties"]["who"] == cat
        loc = d.ok("GET", "/namespaces/" + ns)["properties"]["location"]
        if cat != "hive":
            assert loc.rstrip("/").startswith(roots[cat].rstrip("/")), (cat, loc)
        d.ok("POST", "/namespaces/%s/tables" % ns,
             {"name": "t_" + cat, "schema": simple_schema()})
    for cat, d in doors.items():
        listed = [n for n in d.ok("GET", "/namespaces")["namespaces"] if n == [ns]]
        assert listed == [[ns]], cat
        assert d.ok("GET", "/namespaces/" + ns)["properties"]["who"] == cat
        tables = d.ok("GET", "/namespaces/%s/tables" % ns)["identifiers"]
        assert [t["name"] for t in tables] == ["t_" + cat], (cat, tables)
        for other in doors:
            if other != cat:
                status, doc = d.call("GET", "/namespaces/%s/tables/t_%s" % (ns, other))
                assert_error(status, doc, 404, "NoSuchTableException")
        md = d.ok("GET", "/namespaces/%s/tables/t_%s" % (ns, cat))
        if cat != "hive":
            assert md["metadata"]["location"].startswith(roots[cat].rstrip("/")), md
        committed = d.ok("POST", "/namespaces/%s/tables/t_%s" % (ns, cat),
                         {"requirements": [], "updates": [
                             {"action": "set-properties", "updates": {"cat": cat}}]})
        assert committed["metadata"]["properties"]["cat"] == cat
        d.ok("POST", "/tables/rename", {"source": {"namespace": [ns], "name": "t_" + cat},
                                        "destination": {"namespace": [ns], "name": "u_" + cat}},
             status=204)

    with srv.client() as c:
        for cat in doors:
            db = c.get_database_req(GetDatabaseRequest(name=ns, catalogName=cat))
            assert db.catalogName == cat and db.parameters["who"] == cat
            t = c.get_table_req(GetTableRequest(dbName=ns, tblName="u_" + cat,
                                                catName=cat)).table
            assert t.catName == cat and t.parameters["cat"] == cat
            assert t.parameters["table_type"].upper() == "ICEBERG"
            assert c.get_tables("@%s#%s" % (cat, ns), "*") == ["u_" + cat]
        with pytest.raises(NoSuchObjectException):
            c.get_table_req(GetTableRequest(dbName=ns, tblName="u_sales", catName="ops"))

    for cat, d in doors.items():
        d.ok("DELETE", "/namespaces/%s/tables/u_%s" % (ns, cat), status=204)
        # the others' tables are still there
        for other in doors:
            if other != cat and list(doors).index(other) > list(doors).index(cat):
                doors[other].ok("GET", "/namespaces/%s/tables/u_%s" % (ns, other))
        d.ok("DELETE", "/namespaces/" + ns, status=204)
        assert d.call("HEAD", "/namespaces/" + ns)[0] == 404
    assert doors["ops"].call("HEAD", "/namespaces/" + ns)[0] == 404


def test_configured_catalogs_are_made_once(metastore_factory, pg, tmp_path):
    db = pg.createdb()
    sets = ["rest.catalogs=c1=file://%s/c1, c2=file://%s/c2" % (tmp_path, tmp_path)]
    a = metastore_factory(db=db, sets=sets)
    b = metastore_factory(db=db, sets=sets)     # finds them made: starts as well
    with b.client() as c:
        names = c.get_catalogs().names
        assert "c1" in names and "c2" in names
        assert c.get_databases("@c2#*") == ["default"]
    assert os.path.isdir(str(tmp_path / "c1"))
    ns = unique("ns_c1")
    Door(a.rest_port, "c1").ok("POST", "/namespaces", {"namespace": [ns]})
    Door(b.rest_port, "c1").ok("GET", "/namespaces/" + ns)
    assert Door(b.rest_port, "c2").call("GET", "/namespaces/" + ns)[0] == 404


def test_bad_catalog_list_is_refused_at_start(metastore_factory):
    with pytest.raises(RuntimeError):
        metastore_factory(sets=["rest.catalogs=justaname"], check_exit=False)


def test_unknown_prefix_is_the_default_catalog_by_default(setup):
    srv, _ = setup
    ns = unique("ns_unknown")
    Door(srv.rest_port, "nosuchwh").ok("POST", "/namespaces", {"namespace": [ns]})
    Door(srv.rest_port, None).ok("GET", "/namespaces/" + ns)
    Door(srv.rest_port, None).ok("DELETE", "/namespaces/" + ns, status=204)


def test_unknown_warehouse_refused(metastore_factory):
    srv = metastore_factory(sets=["rest.unknown_warehouse=refuse"])
    rest = Rest(srv.rest_port)
    assert_error(*rest.call("GET", "/v1/config?warehouse=nosuchwh"), 404,
                 "NoSuchWarehouseException")
    assert_error(*rest.call("GET", "/v1/nosuchwh/namespaces"), 404, "NoSuchWarehouseException")
    assert rest.call("GET", "/v1/config?warehouse=hive")[0] == 200
    assert rest.call("GET", "/v1/hive/namespaces")[0] == 200
    assert rest.call("GET", "/v1/namespaces")[0] == 200


def test_views_live_in_their_catalog(setup):
    from test_iceberg_views import view_request
    srv, roots = setup
    sales, hive = Door(srv.rest_port, "sales"), Door(srv.rest_port, None)
    ns = unique("ns_views")
    for d in (sales, hive):
        d.ok("POST", "/namespaces", {"namespace": [ns]})
    doc = sales.ok("POST", "/namespaces/%s/views" % ns, view_request("v"))
    assert doc["metadata"]["location"].startswith(roots["sales"].rstrip("/")), doc
    assert [v["name"] for v in sales.ok("GET", "/namespaces/%s/views" % ns)["identifiers"]] == ["v"]
    assert hive.ok("GET", "/namespaces/%s/views" % ns)["identifiers"] == []
    assert_error(*hive.call("GET", "/namespaces/%s/views/v" % ns), 404, "NoSuchViewException")
    sales.ok("POST", "/views/rename", {"source": {"namespace": [ns], "name": "v"},
                                       "destination": {"namespace": [ns], "name": "w"}},
             status=204)
    with srv.client() as c:
        t = c.get_table_req(GetTableRequest(dbName=ns, tblName="w", catName="sales")).table
        assert t.tableType == "VIRTUAL_VIEW"
    sales.ok("DELETE", "/namespaces/%s/views/w" % ns, status=204)
    for d in (sales, hive):
        d.ok("DELETE", "/namespaces/" + ns, status=204)


def test_create_catalog_never_widens_the_allowed_locations(setup, tmp_path):
    """rest.catalogs' roots are allowed by themselves (the operator wrote
    them); a catalog made through Thrift's create_catalog is not: like a
    database, it may name any location (Hive's rule: it is metadata), but
    the server touches nothing there until the location lies under
    storage.allowed_locations, or any Thrift client could make the server
    write, sign and purge anywhere its keys reach."""
    from hive_metastore.ttypes import GetCatalogRequest
    srv, _ = setup
    name = unique("outside")
    outside = tmp_path / "elsewhere"
    with srv.client() as c:
        c.create_catalog(CreateCatalogRequest(Catalog(name=name,
                                                      locationUri="file://%s" % outside)))
        assert c.get_catalog(GetCatalogRequest(name=name)).catalog.name == name
    assert not outside.exists()
    door = Door(srv.rest_port, name)
    ns = unique("ns")
    door.ok("POST", "/namespaces", {"namespace": [ns]})
    status, doc = door.call("POST", "/namespaces/%s/tables" % ns,
                            {"name": "t", "schema": simple_schema()})
    assert status in (400, 403) and "allowed" in doc["error"]["message"], (status, doc)
    assert not outside.exists()
