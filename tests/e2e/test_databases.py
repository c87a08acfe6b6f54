"""Database methods against a real server and PostgreSQL."""
import os
import urllib.parse

import pytest

from conftest import unique
from hive_metastore import ttypes
from hive_metastore.ttypes import (CreateDatabaseRequest, Database, DropDatabaseRequest,
                                   GetDatabaseRequest, PrincipalType)


def local_path(uri):
    assert uri.startswith("file:"), uri
    return urllib.parse.urlparse(uri).path


def test_create_get_round_trip(server, client):
    name = unique("e2e_db")
    big = "v" * 40 * 1024
    client.create_database(Database(name=name, description="a description",
                                    parameters={"k1": "v1", "big": big},
                                    ownerName="bob", ownerType=PrincipalType.USER))
    db = client.get_database(name)
    assert db.name == name
    assert db.description == "a description"
    assert db.parameters == {"k1": "v1", "big": big}
    assert db.ownerName == "bob"
    assert db.locationUri.rstrip("/") == server.warehouse + "/" + name + ".db"
    assert os.path.isdir(local_path(db.locationUri))


def test_name_is_lower_cased(client):
    name = "MixedCase_" + unique("x")
    client.create_database(Database(name=name, parameters={}))
    db = client.get_database(name.lower())
    assert db.name == name.lower()
    assert client.get_database(name).name == name.lower()


def test_blank_pattern_matches_nothing(client):
    # Hive's ObjectStore: "" is a pattern that no name matches
    assert client.get_databases("") == []
    assert "default" in client.get_databases("*")


def test_errors(client):
    name = unique("e2e_dup")
    client.create_database(Database(name=name, parameters={}))
    with pytest.raises(ttypes.AlreadyExistsException):
        client.create_database(Database(name=name, parameters={}))
    with pytest.raises(ttypes.InvalidObjectException):
        client.create_database(Database(name="bad-name", parameters={}))
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_database(unique("e2e_missing"))
    with pytest.raises(ttypes.NoSuchObjectException):
        client.drop_database(unique("e2e_missing"), False, False)
    with pytest.raises(ttypes.MetaException):
        client.drop_database("default", False, False)
    assert "default" in client.get_all_databases()


def test_patterns(server):
    # the e2e_pat_* namespace belongs to this test only
    with server.client() as client:
        for n in ("e2e_pat_a", "e2e_pat_b", "e2e_pat_c"):
            client.create_database(Database(name=n, parameters={}))
        assert sorted(client.get_databases("e2e_pat_*")) == ["e2e_pat_a", "e2e_pat_b",
                                                             "e2e_pat_c"]
        assert sorted(client.get_databases("e2e_pat_a|e2e_pat_b")) == ["e2e_pat_a", "e2e_pat_b"]
        assert sorted(client.get_databases("E2E_PAT_*")) == ["e2e_pat_a", "e2e_pat_b",
                                                             "e2e_pat_c"]
        assert sorted(client.get_databases("@hive#e2e_pat_*")) == ["e2e_pat_a", "e2e_pat_b",
                                                                    "e2e_pat_c"]
        all_dbs = client.get_all_databases()
        assert "default" in all_dbs and "e2e_pat_a" in all_dbs


def test_get_database_req_and_catalog_prefix(client):
    name = unique("e2e_req")
    client.create_database(Database(name=name, parameters={}))
    db = client.get_database_req(GetDatabaseRequest(name=name, catalogName="hive"))
    assert db.name == name
    assert db.catalogName == "hive"
    assert client.get_database("@hive#" + name).name == name


def test_alter_database(client):
    name = unique("e2e_alter")
    client.create_database(Database(name=name, description="old",
                                    parameters={"a": "1", "b": "2"}, ownerName="bob"))
    db = client.get_database(name)
    db.parameters = {"c": "3"}
    db.description = "new"
    db.ownerName = "carol"
    client.alter_database(name, db)
    got = client.get_database(name)
    assert got.parameters == {"c": "3"}
    assert got.description == "new"
    assert got.ownerName == "carol"
    with pytest.raises(ttypes.NoSuchObjectException):
        missing = unique("e2e_missing")
        client.alter_database(missing, Database(name=missing, parameters={}))


def test_drop_with_delete_data(client):
    name = unique("e2e_drop")
    client.create_database(Database(name=name, parameters={}))
    path = local_path(client.get_database(name).locationUri)
    assert os.path.isdir(path)
    client.drop_database(name, True, False)
    assert not os.path.exists(path)
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_database(name)


def test_create_and_drop_req(client):
    name = unique("e2e_cdr")
    client.create_database_req(CreateDatabaseRequest(databaseName=name, description="d",
                                                     parameters={"x": "y"}, ownerName="o"))
    db = client.get_database(name)
    assert db.description == "d" and db.parameters == {"x": "y"} and db.ownerName == "o"
    client.drop_database_req(DropDatabaseRequest(name=name, ignoreUnknownDb=False,
                                                 deleteData=True, cascade=False))
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_database(name)
    missing = unique("e2e_missing")
    client.drop_database_req(DropDatabaseRequest(name=missing, ignoreUnknownDb=True,
                                                 deleteData=False, cascade=False))
    with pytest.raises(ttypes.NoSuchObjectException):
        client.drop_database_req(DropDatabaseRequest(name=missing, ignoreUnknownDb=False,
                                                     deleteData=False, cascade=False))


def test_control_characters_in_parameters_round_trip(client):
    # regression: json-glib wrote 0x01..0x1f raw into the jsonb text, which
    # PostgreSQL refused ("Character with value 0x1f must be escaped")
    name = unique("e2e_ctl")
    params = {"k\x1f": "a\x1fb\x01c\x7f", "tab": "x\ty", "nl": "1\n2"}
    client.create_database(Database(name=name, parameters=params))
    assert client.get_database(name).parameters == params
    client.drop_database(name, True, True)


def test_owner_type_defaults_to_user(client):
    # Hive's ObjectStore.createDatabase stores USER when the client sends an
    # owner without a type (Spark's Hive 2.3 client does); Trino refuses a
    # database whose ownerType is missing ("principalType is null").
    name = unique("e2e_owner")
    client.create_database(Database(name=name, parameters={}, ownerName="spark"))
    db = client.get_database(name)
    assert (db.ownerName, db.ownerType) == ("spark", PrincipalType.USER)
    bare = unique("e2e_noowner")
    client.create_database(Database(name=bare, parameters={}))
    assert client.get_database(bare).ownerType == PrincipalType.USER
    req = unique("e2e_req_owner")
    client.create_database_req(CreateDatabaseRequest(databaseName=req, ownerName="spark"))
    assert client.get_database(req).ownerType == PrincipalType.USER
