"""Catalog methods."""
import shutil
import tempfile

import pytest

from conftest import unique
from hive_metastore import ttypes
from hive_metastore.ttypes import (AlterCatalogRequest, Catalog, CreateCatalogRequest, Database,
                                   DropCatalogRequest, GetCatalogRequest)


def test_catalog_lifecycle(client):
    assert "hive" in client.get_catalogs().names
    cat = unique("cat")
    tmp = tempfile.mkdtemp(prefix="ms-e2e-cat-", dir="/tmp")
    try:
        loc = "file://%s/%s" % (tmp, cat)
        client.create_catalog(CreateCatalogRequest(Catalog(name=cat, locationUri=loc)))
        got = client.get_catalog(GetCatalogRequest(name=cat)).catalog
        assert got.name == cat
        assert got.locationUri.rstrip("/") == loc
        assert cat in client.get_catalogs().names
        assert client.get_databases("@%s#*" % cat) == ["default"]

        db = unique("e2e_catdb")
        client.create_database(Database(name=db, catalogName=cat, parameters={}))
        assert sorted(client.get_databases("@%s#*" % cat)) == sorted(["default", db])
        assert client.get_database("@%s#%s" % (cat, db)).catalogName == cat
        with pytest.raises(ttypes.NoSuchObjectException):
            client.get_database(db)  # not in the hive catalog

        with pytest.raises(ttypes.InvalidOperationException):
            client.drop_catalog(DropCatalogRequest(name=cat))
        with pytest.raises(ttypes.InvalidOperationException):
            client.alter_catalog(AlterCatalogRequest(
                name=cat, newCat=Catalog(name=unique("cat"), locationUri=loc)))

        client.drop_database("@%s#%s" % (cat, db), True, False)
        client.drop_catalog(DropCatalogRequest(name=cat))
        assert cat not in client.get_catalogs().names
        with pytest.raises(ttypes.NoSuchObjectException):
            client.get_catalog(GetCatalogRequest(name=cat))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_drop_hive_catalog_refused(client):
    with pytest.raises(ttypes.MetaException):
        client.drop_catalog(DropCatalogRequest(name="hive"))
    assert "hive" in client.get_catalogs().names
