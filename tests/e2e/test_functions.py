"""Function (UDF) methods: create/get/get_functions/alter/drop/get_all_functions."""
import shutil
import tempfile
import time

import pytest

from conftest import unique
from hive_metastore import ttypes
from hive_metastore.ttypes import (Catalog, CreateCatalogRequest, Database, DatabaseType,
                                   DropCatalogRequest, Function, FunctionType, PrincipalType,
                                   ResourceType, ResourceUri)

RESOURCES = [ResourceUri(ResourceType.JAR, "hdfs:///udfs/my.jar"),
             ResourceUri(ResourceType.FILE, "s3://bucket/conf/lookup.txt"),
             ResourceUri(ResourceType.ARCHIVE, "file:///tmp/pkg.tar.gz")]


def make_fn(db, name, cls="com.example.udf.Upper", **kw):
    args = dict(functionName=name, dbName=db, className=cls, ownerName="alice",
                ownerType=PrincipalType.USER, createTime=0, functionType=FunctionType.JAVA,
                resourceUris=list(RESOURCES))
    args.update(kw)
    return Function(**args)


def new_db(client, prefix="e2e_fndb"):
    name = unique(prefix)
    client.create_database(Database(name=name, parameters={}))
    return name


@pytest.fixture
def catalog(client):
    """A fresh catalog (dropped afterwards) holding one database; yields (cat, db)."""
    cat = unique("fncat")
    tmp = tempfile.mkdtemp(prefix="ms-e2e-fncat-", dir="/tmp")
    client.create_catalog(CreateCatalogRequest(Catalog(name=cat,
                                                       locationUri="file://%s/%s" % (tmp, cat))))
    db = unique("e2e_fncatdb")
    client.create_database(Database(name=db, catalogName=cat, parameters={}))
    try:
        yield cat, db
    finally:
        try:
            client.drop_database("@%s#%s" % (cat, db), True, True)
            client.drop_catalog(DropCatalogRequest(name=cat))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------
# create_function / get_function
# ---------------------------------------------------------------------------

def test_create_get_round_trip(client):
    db = new_db(client)
    before = int(time.time())
    client.create_function(make_fn(db, "upper_udf", ownerName="ops",
                                   ownerType=PrincipalType.ROLE, createTime=12345))
    after = int(time.time())
    f = client.get_function(db, "upper_udf")
    assert f.functionName == "upper_udf"
    assert f.dbName == db
    assert f.catName == "hive"
    assert f.className == "com.example.udf.Upper"
    assert f.ownerName == "ops"
    assert f.ownerType == PrincipalType.ROLE
    assert f.functionType == FunctionType.JAVA
    assert f.resourceUris == RESOURCES
    # like Hive, the server stamps createTime itself
    assert before <= f.createTime <= after + 1
    assert client.get_function(db, "upper_udf") == f


def test_no_resources_and_no_owner_name(client):
    db = new_db(client)
    client.create_function(make_fn(db, "bare", resourceUris=[], ownerName=None))
    f = client.get_function(db, "bare")
    assert f.resourceUris == []
    assert not f.ownerName
    assert f.ownerType == PrincipalType.USER


def test_names_are_lower_cased(client):
    db = new_db(client)
    client.create_function(make_fn(db.upper(), "MixedCase_Fn", cls="com.Example.CamelCase"))
    f = client.get_function(db, "mixedcase_fn")
    assert f.functionName == "mixedcase_fn"
    assert f.dbName == db
    assert f.className == "com.Example.CamelCase"  # class names keep their case
    assert client.get_function(db.upper(), "MIXEDCASE_FN").functionName == "mixedcase_fn"
    assert client.get_function(db, " mixedcase_fn ").functionName == "mixedcase_fn"
    assert client.get_functions(db, "*") == ["mixedcase_fn"]
    with pytest.raises(ttypes.AlreadyExistsException) as e:
        client.create_function(make_fn(db, "MIXEDCASE_FN"))
    assert e.value.message == "Function MIXEDCASE_FN already exists"


def test_create_errors(client):
    db = new_db(client)
    client.create_function(make_fn(db, "dup"))

    with pytest.raises(ttypes.AlreadyExistsException) as e:
        client.create_function(make_fn(db, "dup", cls="other.Cls"))
    assert e.value.message == "Function dup already exists"
    assert client.get_function(db, "dup").className == "com.example.udf.Upper"

    with pytest.raises(ttypes.InvalidObjectException) as e:
        client.create_function(make_fn(db, "bad-name"))
    assert e.value.message == "bad-name is not a valid object name"
    with pytest.raises(ttypes.InvalidObjectException):
        client.create_function(make_fn(db, ""))
    with pytest.raises(ttypes.InvalidObjectException) as e:
        client.create_function(make_fn(db, "no_class", cls=None))
    assert e.value.message == "Function class name cannot be null"

    with pytest.raises(ttypes.MetaException) as e:
        client.create_function(make_fn(db, None))
    assert e.value.message == "Function name cannot be null."
    with pytest.raises(ttypes.MetaException) as e:
        client.create_function(make_fn(None, "no_db"))
    assert e.value.message == "Database name in Function cannot be null."
    with pytest.raises(ttypes.MetaException) as e:
        client.create_function(make_fn(db, "no_owner_type", ownerType=None))
    assert e.value.message == "Function owner type cannot be null."
    with pytest.raises(ttypes.MetaException) as e:
        client.create_function(make_fn(db, "no_fn_type", functionType=None))
    assert e.value.message == "Function type cannot be null."
    with pytest.raises(ttypes.MetaException):
        client.create_function(make_fn(db, "no_res_type",
                                       resourceUris=[ResourceUri(None, "x.jar")]))

    missing = unique("e2e_nodb")
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.create_function(make_fn(missing, "f"))
    assert e.value.message == "The database %s does not exist" % missing
    with pytest.raises(ttypes.NoSuchObjectException):
        client.create_function(make_fn("@hive#", "f"))
    with pytest.raises(ttypes.NoSuchObjectException):
        client.create_function(make_fn(db, "f", catName=unique("nocat")))

    assert client.get_functions(db, "*") == ["dup"]


def test_create_in_remote_database_refused(client):
    db = unique("e2e_remote")
    try:
        client.create_database(Database(name=db, parameters={}, type=DatabaseType.REMOTE,
                                        connector_name="conn", remote_dbname="r"))
    except ttypes.MetaException:
        pytest.skip("remote databases are not accepted by this server")
    assert client.get_database(db).type == DatabaseType.REMOTE
    with pytest.raises(ttypes.MetaException) as e:
        client.create_function(make_fn(db, "f"))
    assert e.value.message == "Operation create_function not support for REMOTE database"
    assert client.get_functions(db, None) == []


def test_get_errors(client):
    db = new_db(client)
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.get_function(db, "Nope")
    assert e.value.message == "Function %s.Nope does not exist" % db
    missing = unique("e2e_nodb")
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.get_function(missing, "f")
    assert e.value.message == "Function %s.f does not exist" % missing
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.get_function("@hive#" + db, "f")
    assert e.value.message == "Function @hive#%s.f does not exist" % db
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_function("@hive#", "f")
    with pytest.raises(ttypes.MetaException) as e:
        client.get_function(None, "f")
    assert e.value.message == "Database and function name cannot be null."
    with pytest.raises(ttypes.MetaException):
        client.get_function(db, None)
    with pytest.raises(ttypes.MetaException):
        client.get_function("@hive", "f")  # catalog marker without separator


# ---------------------------------------------------------------------------
# get_functions / get_all_functions
# ---------------------------------------------------------------------------

def test_get_functions_patterns(client):
    db = new_db(client)
    for n in ("sales_sum", "sales_avg", "tmp_x", "other"):
        client.create_function(make_fn(db, n))
    assert client.get_functions(db, "*") == ["other", "sales_avg", "sales_sum", "tmp_x"]
    assert client.get_functions(db, None) == ["other", "sales_avg", "sales_sum", "tmp_x"]
    assert client.get_functions(db, "sales_*") == ["sales_avg", "sales_sum"]
    assert client.get_functions(db, "SALES_*|tmp*") == ["sales_avg", "sales_sum", "tmp_x"]
    assert client.get_functions(db, " other ") == ["other"]
    assert client.get_functions(db, "tmp_.") == ["tmp_x"]
    assert client.get_functions(db, "sales") == []
    assert client.get_functions(db, "") == []
    assert client.get_functions(db, "(") == []
    assert client.get_functions(db.upper(), "o*") == ["other"]
    assert client.get_functions("@hive#" + db, "o*") == ["other"]
    assert client.get_functions(unique("e2e_nodb"), "*") == []
    assert client.get_functions(None, "*") == []
    with pytest.raises(ttypes.MetaException):
        client.get_functions("@hive", "*")


def test_get_all_functions(client, catalog):
    db = new_db(client)
    client.create_function(make_fn(db, "all_a"))
    cat, catdb = catalog
    client.create_function(make_fn(catdb, "all_in_other_catalog", catName=cat))
    fns = client.get_all_functions().functions
    mine = [f for f in fns if f.dbName == db]
    assert [f.functionName for f in mine] == ["all_a"]
    assert mine[0].resourceUris == RESOURCES and mine[0].catName == "hive"
    assert all(f.catName == "hive" for f in fns)
    assert "all_in_other_catalog" not in [f.functionName for f in fns]


# ---------------------------------------------------------------------------
# alter_function
# ---------------------------------------------------------------------------

def test_alter_in_place(client):
    db = new_db(client)
    client.create_function(make_fn(db, "alt"))
    old = client.get_function(db, "alt")
    client.alter_function(db, "ALT", make_fn(db, "alt", cls="com.example.V2", ownerName="bob",
                                             ownerType=PrincipalType.GROUP, createTime=7,
                                             resourceUris=[ResourceUri(ResourceType.JAR, "x")]))
    f = client.get_function(db, "alt")
    assert f.className == "com.example.V2"
    assert f.ownerName == "bob" and f.ownerType == PrincipalType.GROUP
    # like Hive's ObjectStore.alterFunction: createTime and resources stay
    assert f.createTime == old.createTime
    assert f.resourceUris == RESOURCES


def test_alter_rename_and_move(client):
    db, db2 = new_db(client), new_db(client)
    client.create_function(make_fn(db, "before"))
    client.alter_function(db, "before", make_fn(db, "After_Rename"))
    assert client.get_functions(db, "*") == ["after_rename"]
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_function(db, "before")
    client.alter_function("@hive#" + db, "after_rename", make_fn(db2.upper(), "moved"))
    assert client.get_functions(db, "*") == []
    f = client.get_function(db2, "moved")
    assert f.dbName == db2 and f.resourceUris == RESOURCES


def test_alter_errors(client, catalog):
    db = new_db(client)
    client.create_function(make_fn(db, "a1"))
    client.create_function(make_fn(db, "a2"))

    with pytest.raises(ttypes.MetaException) as e:
        client.alter_function(db, "missing_fn", make_fn(db, "missing_fn"))
    assert e.value.message == "function missing_fn doesn't exist"
    missing = unique("e2e_nodb")
    with pytest.raises(ttypes.MetaException) as e:
        client.alter_function(db, "a1", make_fn(missing, "a1"))
    assert e.value.message == ("InvalidObjectException(message:Database %s doesn't exist.)"
                               % missing)
    with pytest.raises(ttypes.MetaException) as e:
        client.alter_function(db, "a1", make_fn(db, "a1", catName=catalog[0]))
    assert e.value.message == ("InvalidObjectException(message:You cannot move a function "
                               "between catalogs)")
    with pytest.raises(ttypes.MetaException) as e:
        client.alter_function(db, "a1", make_fn(db, "a-1"))
    assert e.value.message == "InvalidObjectException(message:a-1 is not a valid object name)"
    with pytest.raises(ttypes.MetaException) as e:
        client.alter_function(db, "a1", make_fn(db, "a1", cls=None))
    assert e.value.message == ("InvalidObjectException(message:Function class name cannot "
                               "be null)")
    with pytest.raises(ttypes.MetaException) as e:
        client.alter_function(db, "a1", make_fn(db, "a1", functionType=None))
    assert e.value.message == "Function type cannot be null."
    with pytest.raises(ttypes.MetaException) as e:
        client.alter_function(db, "a1", make_fn(None, "a1"))
    assert e.value.message == "Database name in Function cannot be null."
    with pytest.raises(ttypes.MetaException) as e:
        client.alter_function(None, "a1", make_fn(db, "a1"))
    assert e.value.message == "Database and function name cannot be null."
    with pytest.raises(ttypes.MetaException):
        client.alter_function(db, None, make_fn(db, "a1"))
    with pytest.raises(ttypes.MetaException):
        client.alter_function(db, "a1", make_fn(db, "a2"))  # name taken
    with pytest.raises(ttypes.MetaException):
        client.alter_function("@hive", "a1", make_fn(db, "a1"))

    # nothing changed
    assert client.get_functions(db, "*") == ["a1", "a2"]
    assert client.get_function(db, "a1").className == "com.example.udf.Upper"


# ---------------------------------------------------------------------------
# drop_function
# ---------------------------------------------------------------------------

def test_drop(client):
    db = new_db(client)
    client.create_function(make_fn(db, "gone"))
    client.create_function(make_fn(db, "kept"))
    client.drop_function(db.upper(), "GONE")
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_function(db, "gone")
    assert client.get_functions(db, "*") == ["kept"]
    client.drop_function("@hive#" + db, "kept")
    assert client.get_functions(db, "*") == []
    # the name is free again
    client.create_function(make_fn(db, "gone"))
    assert client.get_functions(db, "*") == ["gone"]


def test_drop_errors(client):
    db = new_db(client)
    with pytest.raises(ttypes.NoSuchObjectException) as e:
        client.drop_function(db, "Never_There")
    assert e.value.message == "Function Never_There does not exist"
    with pytest.raises(ttypes.NoSuchObjectException):
        client.drop_function(unique("e2e_nodb"), "f")
    with pytest.raises(ttypes.MetaException) as e:
        client.drop_function(db, None)
    assert e.value.message == "Function name cannot be null."
    with pytest.raises(ttypes.MetaException) as e:
        client.drop_function("@hive#", "f")
    assert e.value.message == "Database name cannot be null."
    with pytest.raises(ttypes.MetaException):
        client.drop_function(None, "f")
    with pytest.raises(ttypes.MetaException):
        client.drop_function("@hive", "f")


# ---------------------------------------------------------------------------
# catalogs and databases
# ---------------------------------------------------------------------------

def test_catalog_prefixed_names(client, catalog):
    cat, db = catalog
    prefixed = "@%s#%s" % (cat, db)
    client.create_function(make_fn(db, "c1", catName=cat.upper()))
    client.create_function(make_fn(prefixed, "c2"))
    f = client.get_function(prefixed, "c1")
    assert f.catName == cat and f.dbName == db and f.resourceUris == RESOURCES
    assert client.get_functions(prefixed, "*") == ["c1", "c2"]
    # the same database name in the hive catalog knows nothing of them
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_function(db, "c1")
    assert client.get_functions(db, "*") == []
    client.alter_function(prefixed, "c2", make_fn(db, "c3", catName=cat))
    assert client.get_functions(prefixed, "*") == ["c1", "c3"]
    client.drop_function(prefixed, "c1")
    with pytest.raises(ttypes.NoSuchObjectException):
        client.drop_function(db, "c3")
    assert client.get_functions(prefixed, "*") == ["c3"]


def test_drop_database_with_functions(client):
    db = new_db(client)
    client.create_function(make_fn(db, "f1"))
    client.create_function(make_fn(db, "f2"))
    with pytest.raises(ttypes.InvalidOperationException):
        client.drop_database(db, False, False)
    assert client.get_functions(db, "*") == ["f1", "f2"]
    client.drop_database(db, True, True)
    with pytest.raises(ttypes.NoSuchObjectException):
        client.get_function(db, "f1")
    assert db not in [f.dbName for f in client.get_all_functions().functions]
    # a new database of the same name starts empty
    client.create_database(Database(name=db, parameters={}))
    assert client.get_functions(db, "*") == []
    client.create_function(make_fn(db, "f1"))
    assert client.get_functions(db, "*") == ["f1"]
