"""Iceberg REST nested namespaces: namespace [a, b, c] is the HMS database
"a.b.c" of catalog "hive". Creation needs the parent, listings show direct
children only (paged at every level), a parent with children cannot be
dropped, level names are checked, property updates are atomic, and Thrift
clients see the nested namespaces as dotted databases."""

import os
import threading
import urllib.parse

import pytest

from conftest import unique
from icelib import Rest, assert_error, ns_path
from iceberg_spec import spec_validator
from nodetools import require_node, require_spec
from hive_metastore.ttypes import (Database, InvalidObjectException, InvalidOperationException,
                                   NoSuchObjectException)

SEP = "\x1f"


@pytest.fixture
def rest(server):
    assert server.rest_port, "the server announced no REST port"
    return Rest(server.rest_port)


@pytest.fixture(scope="module")
def spec():
    require_node()
    require_spec()
    return spec_validator()


def create(rest, spec, *levels, properties=None):
    body = {"namespace": list(levels)}
    if properties is not None:
        body["properties"] = properties
    status, doc = rest.call("POST", "/v1/namespaces", body=body)
    assert status == 200, (levels, status, doc)
    spec.check_response("/v1/namespaces", "post", 200, doc)
    return doc


def list_ns(rest, spec, parent=None, page_size=None, token=None):
    q = []
    if parent is not None:
        q.append("parent=" + urllib.parse.quote(SEP.join(parent), safe=""))
    if page_size is not None:
        q.append("pageSize=%d" % page_size)
    if token is not None:
        q.append("pageToken=" + urllib.parse.quote(token, safe=""))
    status, doc = rest.call("GET", "/v1/namespaces" + ("?" + "&".join(q) if q else ""))
    assert status == 200, doc
    spec.check_response("/v1/namespaces", "get", 200, doc)
    return doc


def list_all(rest, spec, parent=None, page_size=None):
    """Every namespace under parent, following next-page-token."""
    seen, token = [], None
    for _ in range(1000):
        doc = list_ns(rest, spec, parent, page_size, token)
        if page_size is not None:
            assert len(doc["namespaces"]) <= page_size, doc
        seen += doc["namespaces"]
        token = doc.get("next-page-token")
        if not token:
            return seen
    raise AssertionError("paging did not end")


def load(rest, spec, *levels):
    status, doc = rest.call("GET", ns_path(*levels))
    assert status == 200, (levels, doc)
    spec.check_response("/v1/namespaces/{namespace}", "get", 200, doc)
    return doc


def local_dir(uri):
    assert uri.startswith("file://"), uri
    return uri[len("file://"):]


# ---------------------------------------------------------------------------
# life cycle and locations
# ---------------------------------------------------------------------------

def test_nested_namespace_life_cycle(rest, spec, client, server):
    a = unique("nest")
    top = create(rest, spec, a)
    doc = create(rest, spec, a, "b", properties={"team": "data", "comment": "level two"})
    assert doc["namespace"] == [a, "b"]
    assert doc["properties"]["team"] == "data" and doc["properties"]["comment"] == "level two"
    # default location: under the parent's, the last level with ".db"
    loc_a = top["properties"]["location"]
    assert loc_a == server.warehouse + "/%s.db" % a
    assert doc["properties"]["location"] == loc_a + "/b.db"
    deep = create(rest, spec, a, "b", "c")
    assert deep["namespace"] == [a, "b", "c"]
    assert deep["properties"]["location"] == loc_a + "/b.db/c.db"
    assert os.path.isdir(local_dir(deep["properties"]["location"]))
    # load and HEAD at every level
    for levels in ([a], [a, "b"], [a, "b", "c"]):
        got = load(rest, spec, *levels)
        assert got["namespace"] == levels
        assert rest.call("HEAD", ns_path(*levels)) == (204, None)
    assert load(rest, spec, a, "b")["properties"] == doc["properties"]
    assert rest.call("HEAD", ns_path(a, "x")) == (404, None)
    assert rest.call("HEAD", ns_path(a, "b", "c", "d")) == (404, None)
    assert_error(*rest.call("GET", ns_path(a, "x")), 404, "NoSuchNamespaceException")
    # drop from the leaves up
    assert rest.call("DELETE", ns_path(a, "b", "c")) == (204, None)
    assert rest.call("HEAD", ns_path(a, "b", "c")) == (404, None)
    assert_error(*rest.call("DELETE", ns_path(a, "b", "c")), 404, "NoSuchNamespaceException")
    assert rest.call("DELETE", ns_path(a, "b")) == (204, None)
    assert rest.call("DELETE", ns_path(a)) == (204, None)
    with pytest.raises(NoSuchObjectException):
        client.get_database(a)


def test_explicit_location_and_case(rest, spec, server):
    a = unique("Nest_Case")
    create(rest, spec, a)
    where = server.warehouse + "/elsewhere/" + a.lower()
    doc = create(rest, spec, a.upper(), "Child", properties={"location": where})
    # names are lower-cased, as HMS database names are
    assert doc["namespace"] == [a.lower(), "child"]
    assert doc["properties"]["location"] == where
    assert load(rest, spec, a.upper(), "CHILD")["namespace"] == [a.lower(), "child"]
    # a child of a namespace with its own location lands under it
    assert create(rest, spec, a, "child", "leaf")["properties"]["location"] == where + "/leaf.db"


def test_create_needs_the_parent_and_a_free_name(rest, spec):
    a = unique("nest_par")
    status, doc = rest.call("POST", "/v1/namespaces", body={"namespace": [a, "b"]})
    assert_error(status, doc, 404, "NoSuchNamespaceException")
    assert a in doc["error"]["message"] and "parent" in doc["error"]["message"], doc
    # the spec declares no 404 for this route (Java's namespace error handler
    # turns it into NoSuchNamespaceException): the body is the error model
    spec.check(doc, "IcebergErrorResponse")
    create(rest, spec, a)
    # a grandchild needs its own parent too
    assert_error(*rest.call("POST", "/v1/namespaces", body={"namespace": [a, "b", "c"]}), 404,
                 "NoSuchNamespaceException")
    create(rest, spec, a, "b")
    status, doc = rest.call("POST", "/v1/namespaces", body={"namespace": [a, "b"]})
    assert_error(status, doc, 409, "AlreadyExistsException")
    assert "%s.b" % a in doc["error"]["message"], doc
    spec.check_response("/v1/namespaces", "post", 409, doc)
    # the same name differently cased is the same namespace
    assert_error(*rest.call("POST", "/v1/namespaces", body={"namespace": [a.upper(), "B"]}), 409,
                 "AlreadyExistsException")
    create(rest, spec, a, "b", "c")


# ---------------------------------------------------------------------------
# listing
# ---------------------------------------------------------------------------

def test_list_shows_direct_children_only(rest, spec):
    a = unique("nest_ls")
    create(rest, spec, a)
    for levels in ([a, "b"], [a, "c"], [a, "b", "x"], [a, "b", "y"], [a, "b", "y", "z"],
                   [a, "bb"], [a, "bb", "q"]):
        create(rest, spec, *levels)
    assert list_ns(rest, spec, [a])["namespaces"] == [[a, "b"], [a, "bb"], [a, "c"]]
    # "a.b" as a parent does not match "a.bb.q"
    assert list_ns(rest, spec, [a, "b"])["namespaces"] == [[a, "b", "x"], [a, "b", "y"]]
    assert list_ns(rest, spec, [a, "b", "y"])["namespaces"] == [[a, "b", "y", "z"]]
    assert list_ns(rest, spec, [a, "b", "y", "z"])["namespaces"] == []
    # without parent (or with an empty one): first-level namespaces only
    for doc in (list_all(rest, spec), list_all(rest, spec, parent=[""])):
        assert [a] in doc and ["default"] in doc
        assert all(len(ns) == 1 for ns in doc), doc
    # parents are looked up case-insensitively, as names are lower-cased
    assert list_ns(rest, spec, [a.upper(), "B"])["namespaces"] == [[a, "b", "x"], [a, "b", "y"]]


def test_list_escapes_like_wildcards(rest, spec):
    # '_' is a LIKE wildcard: the children of "p_q" are not those of "pxq"
    base = unique("nest_wild")
    under, other = base + "_q", base + "xq"
    for levels in ([under], [other], [other, "intruder"], [under, "mine"]):
        create(rest, spec, *levels)
    assert list_ns(rest, spec, [under])["namespaces"] == [[under, "mine"]]
    assert list_ns(rest, spec, [other])["namespaces"] == [[other, "intruder"]]


def test_list_missing_or_bad_parent(rest, spec):
    a = unique("nest_miss")
    status, doc = rest.call("GET", "/v1/namespaces?parent=" + a)
    assert_error(status, doc, 404, "NoSuchNamespaceException")
    spec.check_response("/v1/namespaces", "get", 404, doc)
    create(rest, spec, a)
    assert_error(*rest.call("GET", "/v1/namespaces?parent=" + urllib.parse.quote(a + SEP + "nope")),
                 404, "NoSuchNamespaceException")
    # names no namespace can have: no such parent (CatalogTests.testListNonExistingNamespace)
    for bad in (a + SEP, SEP + a, a + SEP + SEP + "b", SEP, a + ".b", "a b", "a/b", "a%b"):
        status, doc = rest.call("GET", "/v1/namespaces?parent=" + urllib.parse.quote(bad, safe=""))
        assert_error(status, doc, 404, "NoSuchNamespaceException")
        assert doc["error"]["message"] == "Namespace does not exist: " + bad.replace(SEP, "."), doc


def test_list_pages_at_every_level(rest, spec):
    a = unique("nest_page")
    create(rest, spec, a)
    kids = sorted("k%d" % i for i in range(7))
    for k in kids:
        create(rest, spec, a, k)
        create(rest, spec, a, k, "grandchild")   # never listed with the children
    for size in (1, 2, 3, 7, 8, 100):
        got = list_all(rest, spec, parent=[a], page_size=size)
        assert got == [[a, k] for k in kids], (size, got)
    # a full page exactly at the end announces no further page
    doc = list_ns(rest, spec, [a], page_size=7)
    assert len(doc["namespaces"]) == 7 and not doc.get("next-page-token")
    doc = list_ns(rest, spec, [a], page_size=3)
    assert doc["namespaces"] == [[a, k] for k in kids[:3]] and doc["next-page-token"]
    # second level
    got = list_all(rest, spec, parent=[a, kids[0]], page_size=1)
    assert got == [[a, kids[0], "grandchild"]]
    # first level: sorted, no duplicates, no nested ones
    top = list_all(rest, spec, page_size=2)
    assert top == sorted(top) and len(top) == len({tuple(t) for t in top})
    assert [a] in top and all(len(t) == 1 for t in top)
    assert_error(*rest.call("GET", "/v1/namespaces?pageSize=-1&parent=" + a), 400,
                 "BadRequestException")


# ---------------------------------------------------------------------------
# drop
# ---------------------------------------------------------------------------

def test_drop_of_a_parent_is_409(rest, spec, client):
    a = unique("nest_drop")
    create(rest, spec, a)
    create(rest, spec, a, "b")
    status, doc = rest.call("DELETE", ns_path(a))
    assert_error(status, doc, 409, "NamespaceNotEmptyException")
    assert "%s.b" % a in doc["error"]["message"], doc
    spec.check_response("/v1/namespaces/{namespace}", "delete", 409, doc)
    # nor through Thrift, cascade or not: the children would be orphans
    for cascade in (False, True):
        with pytest.raises(InvalidOperationException) as e:
            client.drop_database(a, True, cascade)
        assert "nested namespaces" in e.value.message
    assert load(rest, spec, a)["namespace"] == [a]
    # a nested namespace with a table is not empty either
    from test_tables import make_table
    client.create_table(make_table("%s.b" % a, "t1"))
    assert_error(*rest.call("DELETE", ns_path(a, "b")), 409, "NamespaceNotEmptyException")
    client.drop_table("%s.b" % a, "t1", True)
    assert rest.call("DELETE", ns_path(a, "b")) == (204, None)
    assert rest.call("DELETE", ns_path(a)) == (204, None)


def test_no_child_outlives_its_parent(rest, spec, client, server):
    # creates of children racing a drop of their parent: whoever wins, no
    # nested namespace is left without its parent
    base = unique("nest_race")
    for round_ in range(10):
        p = "%s_%d" % (base, round_)
        create(rest, spec, p)
        results = {}

        def make(i):
            results[i] = Rest(server.rest_port).call("POST", "/v1/namespaces",
                                                     body={"namespace": [p, "c%d" % i]})[0]

        def drop():
            results["drop"] = Rest(server.rest_port).call("DELETE", ns_path(p))[0]

        pool = [threading.Thread(target=make, args=(i,)) for i in range(3)]
        pool.insert(1, threading.Thread(target=drop))
        for th in pool:
            th.start()
        for th in pool:
            th.join(60)
        assert not any(th.is_alive() for th in pool)
        assert results["drop"] in (204, 409), results
        assert all(results[i] in (200, 404) for i in range(3)), results
        children = [n for n in client.get_all_databases() if n.startswith(p + ".")]
        if results["drop"] == 204:
            # a child made first would have blocked the drop
            assert children == [], (results, children)
            assert all(results[i] == 404 for i in range(3)), results
        else:
            assert rest.call("HEAD", ns_path(p)) == (204, None)
            assert len(children) == sum(1 for i in range(3) if results[i] == 200)


# ---------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------

def test_level_names_are_checked(rest, spec):
    a = unique("nest_name")
    create(rest, spec, a)
    for level in ("b.c", ".", "b/c", "/", "..", "50%", "%2F", "b c", " ", "caf\u00e9", "\u65e5\u672c",
                  "x\x1fy", "\x1f", "", "tab\t", "semi;colon", "q'uote"):
        for levels in ([level], [a, level]):
            status, doc = rest.call("POST", "/v1/namespaces", body={"namespace": levels})
            assert_error(status, doc, 400, "BadRequestException")
            spec.check_response("/v1/namespaces", "post", 400, doc)
    status, doc = rest.call("POST", "/v1/namespaces", body={"namespace": [a, "b.c"]})
    assert "'.'" in doc["error"]["message"] and "b.c" in doc["error"]["message"], doc
    assert_error(*rest.call("POST", "/v1/namespaces", body={"namespace": []}), 400,
                 "BadRequestException")
    assert_error(*rest.call("POST", "/v1/namespaces", body={"namespace": [a, 7]}), 400,
                 "BadRequestException")
    # in the path: a level with '.', empty levels around 0x1F, odd characters
    # name no namespace (404, as the Java metastore's get_database)
    for segment in (a + ".b", a + SEP, SEP + a, a + SEP + SEP + "b", SEP, a + SEP + "b c",
                    a + SEP + "caf\u00e9", a + SEP + "b/c", a + SEP + "50%"):
        path = "/v1/namespaces/" + urllib.parse.quote(segment, safe="")
        assert_error(*rest.call("GET", path), 404, "NoSuchNamespaceException")
        assert rest.call("HEAD", path)[0] == 404
        assert_error(*rest.call("DELETE", path), 404, "NoSuchNamespaceException")
        assert_error(*rest.call("POST", path + "/properties", body={"updates": {"k": "v"}}), 404,
                     "NoSuchNamespaceException")
        assert_error(*rest.call("GET", path + "/tables"), 404, "NoSuchNamespaceException")
    # nothing was made by the refused requests
    assert list_ns(rest, spec, [a])["namespaces"] == []


def test_joined_name_fits_128_characters(rest, spec, client):
    p = "p" + unique("")[1:].replace("_", "")   # 11 characters, unique
    first = p + "a" * (63 - len(p))
    create(rest, spec, first)
    fits = "b" * (128 - len(first) - 1)
    doc = create(rest, spec, first, fits)
    assert len(".".join(doc["namespace"])) == 128
    assert client.get_database("%s.%s" % (first, fits)).name == "%s.%s" % (first, fits)
    status, doc = rest.call("POST", "/v1/namespaces", body={"namespace": [first, fits + "b"]})
    assert_error(status, doc, 400, "BadRequestException")
    assert "128" in doc["error"]["message"], doc
    assert_error(*rest.call("POST", "/v1/namespaces", body={"namespace": [first, fits, "c"]}), 400,
                 "BadRequestException")
    assert_error(*rest.call("GET", ns_path(first, fits, "c")), 404, "NoSuchNamespaceException")
    # one level alone over 128
    assert_error(*rest.call("POST", "/v1/namespaces", body={"namespace": ["x" * 129]}), 400,
                 "BadRequestException")


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

def test_nested_properties(rest, spec, client):
    a = unique("nest_prop")
    create(rest, spec, a)
    create(rest, spec, a, "b", properties={"x": "1", "y": "2", "comment": "hello"})
    path = ns_path(a, "b") + "/properties"
    status, doc = rest.call("POST", path, body={"updates": {"x": "10", "z": "3"},
                                                "removals": ["y", "nope", "comment", "y"]})
    assert status == 200, doc
    spec.check_response("/v1/namespaces/{namespace}/properties", "post", 200, doc)
    assert sorted(doc["updated"]) == ["x", "z"]
    assert sorted(doc["removed"]) == ["comment", "y"] and doc["missing"] == ["nope"]
    props = load(rest, spec, a, "b")["properties"]
    assert props["x"] == "10" and props["z"] == "3" and "y" not in props
    assert "comment" not in props
    db = client.get_database("%s.b" % a)
    assert db.parameters == {"x": "10", "z": "3"}
    # comment, owner and location map to the database's own fields
    status, doc = rest.call("POST", path, body={"updates": {
        "comment": "again", "hive.metastore.database.owner": "alice",
        "hive.metastore.database.owner-type": "ROLE"}})
    assert status == 200, doc
    db = client.get_database("%s.b" % a)
    assert db.description == "again" and db.ownerName == "alice" and db.ownerType == 2
    assert "comment" not in db.parameters
    status, doc = rest.call("POST", path, body={"removals": ["hive.metastore.database.owner"]})
    assert doc["removed"] == ["hive.metastore.database.owner"], doc
    assert "hive.metastore.database.owner" not in load(rest, spec, a, "b")["properties"]
    assert_error(*rest.call("POST", path, body={"removals": ["location"]}), 400,
                 "BadRequestException")
    assert_error(*rest.call("POST", ns_path(a, "nope") + "/properties",
                            body={"updates": {"k": "v"}}), 404, "NoSuchNamespaceException")
    # the parent's properties are its own
    assert "x" not in load(rest, spec, a)["properties"]


def test_control_characters_come_back_as_json(rest, spec):
    # an error reply echoing a control character is still JSON
    a = unique("nest_ctl")
    create(rest, spec, a)
    for level in ("x\x01y", "x\x1fy\x7f"):
        status, doc = rest.call("POST", "/v1/namespaces", body={"namespace": [a, level]})
        assert_error(status, doc, 400, "BadRequestException")
        assert level in doc["error"]["message"], doc
    status, doc = rest.call("GET", ns_path(a, "x\x02y"))
    assert_error(status, doc, 404, "NoSuchNamespaceException")
    assert "x\x02y" in doc["error"]["message"], doc


def test_concurrent_property_updates_lose_nothing(rest, spec, server):
    a = unique("nest_conc")
    create(rest, spec, a)
    create(rest, spec, a, "b", properties={"gone": "soon"})
    targets = [[a], [a, "b"]]
    threads, rounds = 8, 6
    errors = []

    def worker(t):
        r = Rest(server.rest_port)
        try:
            for i in range(rounds):
                for levels in targets:
                    body = {"updates": {"k_%d_%d" % (t, i): "v%d" % i}}
                    if t == 0 and i == 0:
                        body["removals"] = ["gone"]
                    status, doc = r.call("POST", ns_path(*levels) + "/properties", body=body)
                    if status != 200:
                        errors.append((t, i, status, doc))
        except Exception as e:   # reported below, not lost in the thread
            errors.append((t, repr(e)))

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join(120)
    assert not any(th.is_alive() for th in pool)
    assert not errors, errors
    for levels in targets:
        props = load(rest, spec, *levels)["properties"]
        for t in range(threads):
            for i in range(rounds):
                assert props.get("k_%d_%d" % (t, i)) == "v%d" % i, (levels, t, i, props)
        assert "gone" not in props


# ---------------------------------------------------------------------------
# the Thrift view
# ---------------------------------------------------------------------------

def test_thrift_sees_dotted_databases(rest, spec, client, server):
    a = unique("nest_thrift")
    create(rest, spec, a)
    doc = create(rest, spec, a, "b", properties={"comment": "nested"})
    create(rest, spec, a, "b", "c")
    names = client.get_all_databases()
    assert a in names and "%s.b" % a in names and "%s.b.c" % a in names
    db = client.get_database("%s.b" % a)
    assert db.name == "%s.b" % a and db.description == "nested"
    assert db.locationUri == doc["properties"]["location"]
    assert client.get_database("@hive#%s.b.c" % a).name == "%s.b.c" % a
    # Thrift itself still refuses '.' in new names
    for bad in ("%s.x" % a, "%s.b.d" % a):
        with pytest.raises(InvalidObjectException):
            client.create_database(Database(name=bad))
    assert rest.call("HEAD", ns_path(a, "x")) == (404, None)
    # a change through Thrift shows through REST and the other way round
    db.parameters = {"from": "thrift"}
    client.alter_database("%s.b" % a, db)
    assert load(rest, spec, a, "b")["properties"]["from"] == "thrift"
    # Thrift drops the leaf; REST no longer finds it, its parent is droppable
    client.drop_database("%s.b.c" % a, False, False)
    assert rest.call("HEAD", ns_path(a, "b", "c")) == (404, None)
    assert list_ns(rest, spec, [a, "b"])["namespaces"] == []
    client.drop_database("%s.b" % a, False, False)
    assert rest.call("DELETE", ns_path(a)) == (204, None)
