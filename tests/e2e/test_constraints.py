"""Table constraints (issue 14 point 2) through the Python Thrift client:
create_table_with_constraints, the constraint lists of create_table_req,
the six add_* calls, drop_constraint, the six get_* reads and
get_all_table_constraints; Hive's validation errors with the exception
types Hive answers; constraints dropped with their table and database,
kept by a rename, dropped with a column an ALTER takes away."""
import copy

import pytest

from conftest import unique
from hive_metastore.ttypes import (
    AddCheckConstraintRequest, AddDefaultConstraintRequest, AddForeignKeyRequest,
    AddNotNullConstraintRequest, AddPrimaryKeyRequest, AddUniqueConstraintRequest,
    AllTableConstraintsRequest, CheckConstraintsRequest, CreateTableRequest, Database,
    DefaultConstraintsRequest, DropConstraintRequest, FieldSchema, ForeignKeysRequest,
    InvalidObjectException, MetaException, NoSuchObjectException, NotNullConstraintsRequest,
    PrimaryKeysRequest, SerDeInfo, SQLCheckConstraint, SQLDefaultConstraint, SQLForeignKey,
    SQLNotNullConstraint, SQLPrimaryKey, SQLUniqueConstraint, StorageDescriptor, Table,
    UniqueConstraintsRequest)


def make_db(client):
    name = unique("e2e_cdb")
    client.create_database(Database(name=name, parameters={}))
    return name


def table(db, name, cols, parts=()):
    sd = StorageDescriptor(cols=[FieldSchema(n, t, "") for n, t in cols],
                           inputFormat="org.apache.hadoop.mapred.TextInputFormat",
                           outputFormat="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                           serdeInfo=SerDeInfo(
                               serializationLib="org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                               parameters={}),
                           parameters={})
    return Table(tableName=name, dbName=db, owner="alice", sd=sd, parameters={},
                 partitionKeys=[FieldSchema(n, t, "") for n, t in parts],
                 tableType="MANAGED_TABLE")


def pk(db, tbl, col, seq=1, name=None):
    return SQLPrimaryKey(table_db=db, table_name=tbl, column_name=col, key_seq=seq, pk_name=name,
                         enable_cstr=False, validate_cstr=False, rely_cstr=True)


def fk(db, tbl, col, pdb, ptbl, pcol, seq=1, name=None):
    return SQLForeignKey(pktable_db=pdb, pktable_name=ptbl, pkcolumn_name=pcol, fktable_db=db,
                         fktable_name=tbl, fkcolumn_name=col, key_seq=seq, update_rule=0,
                         delete_rule=0, fk_name=name, enable_cstr=False, validate_cstr=False,
                         rely_cstr=False)


def uk(db, tbl, col, seq=1, name=None):
    return SQLUniqueConstraint(catName="hive", table_db=db, table_name=tbl, column_name=col,
                               key_seq=seq, uk_name=name, enable_cstr=False,
                               validate_cstr=False, rely_cstr=False)


def nn(db, tbl, col, name=None):
    return SQLNotNullConstraint(catName="hive", table_db=db, table_name=tbl, column_name=col,
                                nn_name=name, enable_cstr=True, validate_cstr=False,
                                rely_cstr=False)


def dc(db, tbl, col, value, name=None):
    return SQLDefaultConstraint(catName="hive", table_db=db, table_name=tbl, column_name=col,
                                default_value=value, dc_name=name, enable_cstr=True,
                                validate_cstr=False, rely_cstr=False)


def cc(db, tbl, col, expr, name=None):
    return SQLCheckConstraint(catName="hive", table_db=db, table_name=tbl, column_name=col,
                              check_expression=expr, dc_name=name, enable_cstr=True,
                              validate_cstr=False, rely_cstr=False)


def pks(client, db, tbl):
    return client.get_primary_keys(PrimaryKeysRequest(db_name=db, tbl_name=tbl)).primaryKeys


def fks(client, **kw):
    return client.get_foreign_keys(ForeignKeysRequest(**kw)).foreignKeys


def alls(client, db, tbl):
    return client.get_all_table_constraints(
        AllTableConstraintsRequest(dbName=db, tblName=tbl, catName="hive")).allTableConstraints


PARENT_COLS = [("id", "int"), ("code", "string"), ("name", "string")]
CHILD_COLS = [("cid", "int"), ("pid", "int"), ("pcode", "string"), ("note", "string")]


@pytest.fixture
def parent(client):
    """db with table 'parent' created with a primary key (id) and a unique key (code)."""
    db = make_db(client)
    client.create_table_with_constraints(
        table(db, "parent", PARENT_COLS), [pk(db, "parent", "id", name="pk_parent")], [],
        [uk(db, "parent", "code", name="uk_code")], [nn(db, "parent", "name", name="nn_name")],
        [dc(db, "parent", "name", "'n/a'", name="dc_name")],
        [cc(db, "parent", "id", "id > 0", name="ck_id")])
    yield db
    client.drop_database(db, True, True)


def test_create_table_with_constraints_and_every_read(client, parent):
    db = parent
    got = pks(client, db, "parent")
    assert [(k.table_db, k.table_name, k.column_name, k.key_seq, k.pk_name, k.rely_cstr,
             k.enable_cstr, k.catName) for k in got] == \
        [(db, "parent", "id", 1, "pk_parent", True, False, "hive")]
    u = client.get_unique_constraints(UniqueConstraintsRequest("hive", db, "parent")).uniqueConstraints
    assert [(x.column_name, x.uk_name, x.key_seq) for x in u] == [("code", "uk_code", 1)]
    n = client.get_not_null_constraints(NotNullConstraintsRequest("hive", db, "parent")).notNullConstraints
    assert [(x.column_name, x.nn_name, x.enable_cstr) for x in n] == [("name", "nn_name", True)]
    d = client.get_default_constraints(DefaultConstraintsRequest("hive", db, "parent")).defaultConstraints
    assert [(x.column_name, x.default_value, x.dc_name) for x in d] == [("name", "'n/a'", "dc_name")]
    c = client.get_check_constraints(CheckConstraintsRequest("hive", db, "parent")).checkConstraints
    assert [(x.column_name, x.check_expression, x.dc_name) for x in c] == [("id", "id > 0", "ck_id")]
    a = alls(client, db, "parent")
    assert [x.pk_name for x in a.primaryKeys] == ["pk_parent"]
    assert a.foreignKeys == []
    assert [x.uk_name for x in a.uniqueConstraints] == ["uk_code"]
    assert [x.nn_name for x in a.notNullConstraints] == ["nn_name"]
    assert [x.dc_name for x in a.defaultConstraints] == ["dc_name"]
    assert [x.dc_name for x in a.checkConstraints] == ["ck_id"]


def test_create_table_req_with_foreign_keys_and_generated_names(client, parent):
    db = parent
    child = table(db, "child", CHILD_COLS)
    client.create_table_req(CreateTableRequest(
        table=child, primaryKeys=[pk(db, "child", "cid")],
        foreignKeys=[fk(db, "child", "pid", db, "parent", "id", name="fk_pid"),
                     fk(db, "child", "pcode", db, "parent", "code")]))
    got = pks(client, db, "child")
    assert len(got) == 1 and got[0].pk_name.startswith("pk_") and got[0].column_name == "cid"
    by_child = fks(client, foreign_db_name=db, foreign_tbl_name="child")
    assert sorted((k.fkcolumn_name, k.pkcolumn_name, k.pktable_name, k.pk_name) for k in by_child) == \
        [("pcode", "code", "parent", "pk_parent"), ("pid", "id", "parent", "pk_parent")]
    generated = [k.fk_name for k in by_child if k.fkcolumn_name == "pcode"][0]
    assert generated.startswith("fk_") and len(generated.split("_")) == 4
    by_parent = fks(client, parent_db_name=db, parent_tbl_name="parent")
    assert sorted(k.fk_name for k in by_parent) == sorted(k.fk_name for k in by_child)
    both = fks(client, parent_db_name=db, parent_tbl_name="parent", foreign_db_name=db,
               foreign_tbl_name="child")
    assert len(both) == 2
    assert fks(client, parent_db_name=db, parent_tbl_name="child") == []
    assert sorted(k.fk_name for k in alls(client, db, "child").foreignKeys) == \
        sorted(k.fk_name for k in by_child)
    # a foreign key to a table with only a unique key: no pk_name
    client.create_table_with_constraints(table(db, "uonly", PARENT_COLS), [], [],
                                         [uk(db, "uonly", "code", name="uk_u")], [], [], [])
    client.add_foreign_key(AddForeignKeyRequest([fk(db, "child", "pcode", db, "uonly", "code",
                                                    name="fk_u")]))
    got = fks(client, parent_db_name=db, parent_tbl_name="uonly")
    assert [(k.fk_name, k.pk_name or None) for k in got] == [("fk_u", None)]
    # create_table_req without constraints still works
    client.create_table_req(CreateTableRequest(table=table(db, "plain", CHILD_COLS)))
    assert pks(client, db, "plain") == []


def test_add_every_kind_and_drop(client, parent):
    db = parent
    client.create_table(table(db, "t", CHILD_COLS, parts=[("dt", "string")]))
    client.add_primary_key(AddPrimaryKeyRequest([pk(db, "t", "cid", 1, "pk_t"),
                                                 pk(db, "t", "dt", 2)]))
    got = pks(client, db, "t")
    assert [(k.column_name, k.key_seq, k.pk_name) for k in got] == \
        [("cid", 1, "pk_t"), ("dt", 2, "pk_t")]
    client.add_foreign_key(AddForeignKeyRequest([fk(db, "t", "pid", db, "parent", "id", name="FK_T")]))
    client.add_unique_constraint(AddUniqueConstraintRequest([uk(db, "t", "note", name="uk_t")]))
    client.add_not_null_constraint(AddNotNullConstraintRequest([nn(db, "t", "pid")]))
    client.add_default_constraint(AddDefaultConstraintRequest([dc(db, "t", "note", "'x'")]))
    client.add_check_constraint(AddCheckConstraintRequest([cc(db, "t", None, "cid > pid", "ck_t")]))
    a = alls(client, db, "t")
    assert [k.fk_name for k in a.foreignKeys] == ["fk_t"]
    assert a.notNullConstraints[0].nn_name.startswith("nn_")
    assert a.defaultConstraints[0].dc_name.startswith("dc_")
    assert [(k.column_name, k.check_expression) for k in a.checkConstraints] == [(None, "cid > pid")]

    # drop by name; the foreign key also through its parent table, as Hive does
    client.drop_constraint(DropConstraintRequest(dbname=db, tablename="t", constraintname="PK_T"))
    assert pks(client, db, "t") == []
    client.drop_constraint(DropConstraintRequest(dbname=db, tablename="parent", constraintname="fk_t"))
    assert alls(client, db, "t").foreignKeys == []
    with pytest.raises(NoSuchObjectException) as e:
        client.drop_constraint(DropConstraintRequest(dbname=db, tablename="t", constraintname="pk_t"))
    assert e.value.message == \
        "The constraint: pk_t does not exist for the associated table: %s.t" % db


def test_validation_errors(client, parent):
    db = parent
    client.create_table(table(db, "v", CHILD_COLS))
    cases = [
        # (call, request, exception, message start)
        (client.add_primary_key, AddPrimaryKeyRequest([pk(db, "nope", "id")]),
         MetaException, "Parent table not found: nope"),
        (client.add_primary_key, AddPrimaryKeyRequest([pk(db, "v", "missing")]),
         MetaException, "Parent column not found: missing"),
        (client.add_primary_key, AddPrimaryKeyRequest([pk(db, "parent", "code", name="p2")]),
         MetaException, " Primary key already exists for: hive.%s.parent" % db),
        (client.add_unique_constraint, AddUniqueConstraintRequest([uk(db, "parent", "name", name="PK_PARENT")]),
         MetaException, "Constraint name already exists: %s.parent.pk_parent" % db),
        (client.add_foreign_key, AddForeignKeyRequest([fk(db, "v", "note", db, "parent", "name")]),
         MetaException, "Foreign key references name:string; but no corresponding primary key "
                        "or unique key exists. Possible keys: [id:int;, code:string;]"),
        (client.add_foreign_key, AddForeignKeyRequest([fk(db, "v", "pid", db, "v", "cid")]),
         MetaException, "Trying to define foreign key but there are no primary keys or unique keys"),
        (client.add_foreign_key, AddForeignKeyRequest([fk(db, "v", "pid", db, "ghost", "id")]),
         MetaException, "Parent table not found: ghost"),
    ]
    for call, req, exc, msg in cases:
        with pytest.raises(exc) as e:
            call(req)
        assert e.value.message.startswith(msg), (msg, e.value.message)
    # create_table_with_constraints declares InvalidObjectException: Hive answers it there,
    # and nothing is created when a constraint is refused
    with pytest.raises(InvalidObjectException) as e:
        client.create_table_with_constraints(table(db, "w", CHILD_COLS),
                                             [pk(db, "w", "missing")], [], [], [], [], [])
    assert e.value.message == "Parent column not found: missing"
    assert "w" not in client.get_all_tables(db)
    with pytest.raises(MetaException):
        client.create_table_req(CreateTableRequest(
            table=table(db, "w", CHILD_COLS),
            foreignKeys=[fk(db, "w", "pcode", db, "parent", "id")]))
    assert "w" not in client.get_all_tables(db)
    assert all(not getattr(alls(client, db, "v"), f) for f in
               ("primaryKeys", "foreignKeys", "uniqueConstraints", "notNullConstraints"))


def test_missing_table_reads_empty(client, parent):
    db = parent
    assert pks(client, db, "nope") == []
    assert pks(client, "no_such_db_x", "nope") == []
    assert fks(client, foreign_db_name=db, foreign_tbl_name="nope") == []
    a = alls(client, db, "nope")
    assert a.primaryKeys == [] and a.checkConstraints == []


def test_rename_keeps_and_alter_drops_with_column(client, parent):
    db = parent
    client.create_table_req(CreateTableRequest(
        table=table(db, "child", CHILD_COLS),
        foreignKeys=[fk(db, "child", "pid", db, "parent", "id", name="fk_pid")],
        notNullConstraints=[nn(db, "child", "note", name="nn_note")],
        uniqueConstraints=[uk(db, "child", "cid", name="uk_cid")]))
    # rename the parent: the foreign key follows it
    p = client.get_table(db, "parent")
    renamed = copy.deepcopy(p)
    renamed.tableName = "parent2"
    client.alter_table(db, "parent", renamed)
    assert [k.pk_name for k in pks(client, db, "parent2")] == ["pk_parent"]
    assert pks(client, db, "parent") == []
    got = fks(client, foreign_db_name=db, foreign_tbl_name="child")
    assert [(k.pktable_name, k.fk_name) for k in got] == [("parent2", "fk_pid")]
    # rename the child into another database
    db2 = make_db(client)
    try:
        c = client.get_table(db, "child")
        moved = copy.deepcopy(c)
        moved.dbName, moved.tableName = db2, "kid"
        client.alter_table(db, "child", moved)
        a = alls(client, db2, "kid")
        assert [(k.fktable_db, k.fktable_name) for k in a.foreignKeys] == [(db2, "kid")]
        assert [(k.table_db, k.table_name, k.nn_name) for k in a.notNullConstraints] == \
            [(db2, "kid", "nn_note")]
        # drop column 'note' and retype 'cid': their constraints go, the rest stays
        kid = client.get_table(db2, "kid")
        kid.sd.cols = [FieldSchema("cid", "bigint", ""), FieldSchema("pid", "int", ""),
                       FieldSchema("pcode", "string", "a comment")]
        client.alter_table(db2, "kid", kid)
        a = alls(client, db2, "kid")
        assert a.notNullConstraints == [] and a.uniqueConstraints == []
        assert [k.fk_name for k in a.foreignKeys] == ["fk_pid"]
        # the parent's key column retyped: the child's foreign key goes with it
        par = client.get_table(db, "parent2")
        par.sd.cols[0].type = "bigint"
        client.alter_table(db, "parent2", par)
        assert pks(client, db, "parent2") == []
        assert alls(client, db2, "kid").foreignKeys == []
    finally:
        client.drop_database(db2, True, True)


def test_dropped_with_table_and_database(client, server, parent):
    db = parent
    client.create_table_req(CreateTableRequest(
        table=table(db, "child", CHILD_COLS),
        foreignKeys=[fk(db, "child", "pid", db, "parent", "id", name="fk_pid")],
        primaryKeys=[pk(db, "child", "cid", name="pk_child")]))
    # dropping the parent drops the child's foreign key too (Hive drops both sides)
    client.drop_table(db, "parent", True)
    assert fks(client, foreign_db_name=db, foreign_tbl_name="child") == []
    assert [k.pk_name for k in pks(client, db, "child")] == ["pk_child"]
    # a new table of the old name starts without constraints
    client.create_table(table(db, "parent", PARENT_COLS))
    assert alls(client, db, "parent").primaryKeys == []
    ids = server.pg.psql(server.db, "SELECT string_agg (DISTINCT k.table_id::text, ',') "
                         "FROM ms_constraints k JOIN ms_tables t ON t.table_id = k.table_id "
                         "JOIN ms_databases d ON d.db_id = t.db_id "
                         "WHERE d.name = '%s'" % db).stdout.strip()
    assert ids
    client.drop_database(db, True, True)
    left = server.pg.psql(server.db, "SELECT count(*) FROM ms_constraints WHERE table_id IN (%s) "
                          "OR ref_table_id IN (%s)" % (ids, ids)).stdout.strip()
    assert left == "0"
    left = server.pg.psql(server.db, "SELECT count(*) FROM ms_constraint_columns "
                          "WHERE table_id IN (%s)" % ids).stdout.strip()
    assert left == "0"
    client.create_database(Database(name=db, parameters={}))  # for the fixture's drop
