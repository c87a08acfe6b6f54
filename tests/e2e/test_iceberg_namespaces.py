"""Iceberg REST catalog, first slice: the HTTP listener, GET /v1/config and
namespaces, against a real server and PostgreSQL, with plain HTTP requests
(urllib). Namespaces are the catalog's databases: checked through Thrift.
The config endpoint, rest.prefix, bad bodies and names, unknown routes,
methods and namespaces, and the 413 are cases in tests/data/rest."""

import urllib.parse

import pytest

from conftest import unique
from icelib import Rest, assert_error, ns_path
from hive_metastore.ttypes import Database, NoSuchObjectException


@pytest.fixture
def rest(server):
    assert server.rest_port, "the server announced no REST port"
    return Rest(server.rest_port)


def test_namespace_life_cycle_is_the_database(rest, client, server):
    name = unique("ice_ns")
    status, doc = rest.call("POST", "/v1/namespaces",
                            body={"namespace": [name], "properties": {"owner_team": "data",
                                                                      "comment": "made by REST"}})
    assert status == 200, doc
    assert doc["namespace"] == [name]
    props = doc["properties"]
    assert props["owner_team"] == "data" and props["comment"] == "made by REST"
    assert props["location"].endswith("/%s.db" % name)
    # the same object through Thrift
    db = client.get_database(name)
    assert db.description == "made by REST" and db.parameters == {"owner_team": "data"}
    assert db.locationUri == props["location"]
    # load, exists, list
    status, doc = rest.call("GET", ns_path(name))
    assert status == 200 and doc["namespace"] == [name] and doc["properties"] == props
    assert rest.call("HEAD", ns_path(name)) == (204, None)
    status, doc = rest.call("GET", "/v1/namespaces")
    assert [name] in doc["namespaces"] and ["default"] in doc["namespaces"]
    # duplicate
    assert_error(*rest.call("POST", "/v1/namespaces", body={"namespace": [name]}), 409,
                 "AlreadyExistsException")
    # a database made through Thrift is a namespace
    other = unique("hms_db")
    client.create_database(Database(name=other, description="via thrift", parameters={"k": "v"}))
    status, doc = rest.call("GET", ns_path(other))
    assert status == 200 and doc["properties"]["comment"] == "via thrift"
    assert doc["properties"]["k"] == "v"
    # drop
    assert rest.call("DELETE", ns_path(name)) == (204, None)
    with pytest.raises(NoSuchObjectException):
        client.get_database(name)
    assert rest.call("HEAD", ns_path(name)) == (404, None)
    assert_error(*rest.call("GET", ns_path(name)), 404, "NoSuchNamespaceException")
    assert_error(*rest.call("DELETE", ns_path(name)), 404, "NoSuchNamespaceException")


def test_drop_of_a_namespace_with_tables_is_409(rest, client):
    from test_tables import make_table
    name = unique("ice_full")
    assert rest.call("POST", "/v1/namespaces", body={"namespace": [name]})[0] == 200
    client.create_table(make_table(name, "t1"))
    assert_error(*rest.call("DELETE", ns_path(name)), 409, "NamespaceNotEmptyException")
    assert client.get_table(name, "t1").tableName == "t1"
    assert_error(*rest.call("DELETE", ns_path("default")), 400, "BadRequestException")


def test_update_properties(rest, client):
    name = unique("ice_props")
    rest.call("POST", "/v1/namespaces",
              body={"namespace": [name], "properties": {"a": "1", "b": "2", "comment": "c"}})
    status, doc = rest.call("POST", ns_path(name) + "/properties",
                            body={"removals": ["a", "zz", "comment"], "updates": {"b": "3", "n": "4"}})
    assert status == 200, doc
    assert sorted(doc["updated"]) == ["b", "n"]
    assert sorted(doc["removed"]) == ["a", "comment"]
    assert doc["missing"] == ["zz"]
    props = rest.call("GET", ns_path(name))[1]["properties"]
    assert props["b"] == "3" and props["n"] == "4" and "a" not in props
    assert client.get_database(name).parameters == {"b": "3", "n": "4"}
    # the same key removed and updated
    assert_error(*rest.call("POST", ns_path(name) + "/properties",
                            body={"removals": ["b"], "updates": {"b": "x"}}),
                 422, "UnprocessableEntityException")
    assert_error(*rest.call("POST", ns_path("nope_" + name) + "/properties",
                            body={"updates": {"b": "x"}}), 404, "NoSuchNamespaceException")


def test_list_pages(rest):
    prefix = unique("ice_page")
    names = sorted("%s_%d" % (prefix, i) for i in range(5))
    for n in names:
        assert rest.call("POST", "/v1/namespaces", body={"namespace": [n]})[0] == 200
    seen, token = [], None
    for _ in range(100):
        q = "?pageSize=2" + ("&pageToken=" + urllib.parse.quote(token) if token else "")
        status, doc = rest.call("GET", "/v1/namespaces" + q)
        assert status == 200 and len(doc["namespaces"]) <= 2
        seen += [ns[0] for ns in doc["namespaces"]]
        token = doc.get("next-page-token")
        if not token:
            break
    assert [n for n in seen if n.startswith(prefix)] == names
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    # a parent namespace has no children here; an unknown parent is 404
    status, doc = rest.call("GET", "/v1/namespaces?parent=" + names[0])
    assert status == 200 and doc["namespaces"] == []
    assert_error(*rest.call("GET", "/v1/namespaces?parent=nope_" + prefix), 404,
                 "NoSuchNamespaceException")
    assert_error(*rest.call("GET", "/v1/namespaces?pageSize=0"), 400, "BadRequestException")
