"""`metastore import --from` a Java Hive Metastore's database, proven by reads.

The Java metastore (java_hms.py: Hive 4.0.1 on the suite's PostgreSQL) is
populated THROUGH THE JAVA SERVER with test_java_hms_diff's corpus (unicode,
long parameters, skewed info, bucket and sort columns, views, statistics of
every type, functions with resources, a few hundred partitions) plus an
Iceberg-style table. Its database is then imported into a fresh database of
ours, a server of ours is started on it, and the differential reads of
test_java_hms_diff go to both servers and are compared field by field with
the same normaliser. Locations are copied as they are, so both sides use
the Java server's roots.

Beside that: a re-run is safe, a dry run writes nothing, and a database
that is not a metastore, a newer or half-upgraded schema and names that
differ only in case are refused with nothing written. A Hive 3.1 schema
(schematool's own script) filled by bench/import_source.sql imports too.
"""
import contextlib
import json
import os
import re
import subprocess
import tempfile

import pytest

import java_hms
import servers
import test_java_hms_diff as diff
from components import results_path
from hive_metastore.ttypes import (AddCheckConstraintRequest, AddDefaultConstraintRequest,
                                   AddForeignKeyRequest, AddNotNullConstraintRequest,
                                   AddPrimaryKeyRequest, AllTableConstraintsRequest,
                                   CheckConstraintsRequest, DefaultConstraintsRequest,
                                   ForeignKeysRequest, GetTableRequest, HiveObjectPrivilege,
                                   HiveObjectRef, HiveObjectType, NotNullConstraintsRequest,
                                   PrimaryKeysRequest, PrincipalType, PrivilegeBag,
                                   PrivilegeGrantInfo, Role, SQLCheckConstraint,
                                   SQLDefaultConstraint, SQLForeignKey, SQLNotNullConstraint,
                                   SQLPrimaryKey, Table, TableStatsRequest)

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ICEBERG_PARAMS = {"EXTERNAL": "TRUE", "table_type": "ICEBERG",
                  "metadata_location": "file:/tmp/jimport/ice/metadata/00001-a.metadata.json",
                  "previous_metadata_location": "file:/tmp/jimport/ice/metadata/00000-b.metadata.json"}


ROLE = "jimport_analysts"


def grant(kind, principal, ptype, privilege, option=False, table=None, part=None, column=None):
    return HiveObjectPrivilege(
        hiveObject=HiveObjectRef(objectType=kind, dbName=diff.DB, objectName=table,
                                 partValues=part, columnName=column),
        principalName=principal, principalType=ptype, authorizer="SQL",
        grantInfo=PrivilegeGrantInfo(privilege=privilege, createTime=0, grantor="alice",
                                     grantorType=PrincipalType.USER, grantOption=option))


def populate_grants(c):
    """Roles and privileges of every object kind, through the Java server."""
    c.create_role(Role(roleName=ROLE, createTime=0, ownerName="alice"))
    c.grant_role(ROLE, "bob", PrincipalType.USER, "alice", PrincipalType.USER, False)
    c.grant_role(ROLE, "etl", PrincipalType.GROUP, "alice", PrincipalType.USER, True)
    c.grant_privileges(PrivilegeBag(privileges=[
        grant(HiveObjectType.DATABASE, "bob", PrincipalType.USER, "SELECT"),
        grant(HiveObjectType.TABLE, ROLE, PrincipalType.ROLE, "SELECT", True, table="plain"),
        grant(HiveObjectType.TABLE, "bob", PrincipalType.USER, "INSERT", table="plain"),
        grant(HiveObjectType.COLUMN, "bob", PrincipalType.USER, "SELECT", table="plain",
              column="id"),
        grant(HiveObjectType.PARTITION, "bob", PrincipalType.USER, "SELECT", table="parted",
              part=["2024-01-01", "3"]),
    ]))


def populate_constraints(c):
    """One constraint of each kind, through the Java server: plain.id is the
    primary key bucketed.id references."""
    db = diff.DB
    c.add_primary_key(AddPrimaryKeyRequest([SQLPrimaryKey(
        table_db=db, table_name="plain", column_name="id", key_seq=1, pk_name="pk_plain",
        enable_cstr=False, validate_cstr=False, rely_cstr=True)]))
    c.add_foreign_key(AddForeignKeyRequest([SQLForeignKey(
        pktable_db=db, pktable_name="plain", pkcolumn_name="id", fktable_db=db,
        fktable_name="bucketed", fkcolumn_name="id", key_seq=1, update_rule=0, delete_rule=0,
        fk_name="fk_bucketed", pk_name="pk_plain", enable_cstr=False, validate_cstr=False,
        rely_cstr=False)]))
    c.add_not_null_constraint(AddNotNullConstraintRequest([SQLNotNullConstraint(
        catName="hive", table_db=db, table_name="plain", column_name="name", nn_name="nn_name",
        enable_cstr=True, validate_cstr=False, rely_cstr=False)]))
    c.add_default_constraint(AddDefaultConstraintRequest([SQLDefaultConstraint(
        catName="hive", table_db=db, table_name="bucketed", column_name="name",
        default_value="'n/a'", dc_name="dc_name", enable_cstr=True, validate_cstr=False,
        rely_cstr=False)]))
    c.add_check_constraint(AddCheckConstraintRequest([SQLCheckConstraint(
        catName="hive", table_db=db, table_name="plain", column_name="score",
        check_expression="score >= 0", dc_name="ck_score", enable_cstr=True,
        validate_cstr=False, rely_cstr=False)]))


def privileges_of(principal, ptype, kind, **obj):
    ref = HiveObjectRef(objectType=kind, dbName=diff.DB, objectName=obj.get("table"),
                        partValues=obj.get("part"), columnName=obj.get("column"))
    return lambda c: sorted(c.list_privileges(principal, ptype, ref),
                            key=lambda p: (p.principalName, p.grantInfo.privilege))


def run_import(pg, source_db, target_db, *extra):
    """(exit code, stdout + stderr) of `metastore import` from one database of
    'pg' (or the source URL 'source_db', mysql://...) into another."""
    source = source_db if "://" in source_db else pg.conninfo(source_db)
    p = subprocess.run([servers.METASTORE_BIN, "import", "--from", source,
                        "--database-url", pg.conninfo(target_db),
                        "--warehouse", "file:///tmp/jimport-wh"] + list(extra),
                       capture_output=True, text=True, timeout=600,
                       env=servers.clean_env(), cwd=tempfile.gettempdir())
    with open(results_path("java-hms-import", "import-%s.log" % target_db), "a") as f:
        f.write(p.stdout + p.stderr)
    return p.returncode, p.stdout + p.stderr


def public_tables(pg, db):
    return int(pg.psql(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
               .stdout.strip())


def psql_file(pg, db, path, *variables):
    """Run the SQL file 'path' in 'db' (through standard input: PostgreSQL's
    user may not read the file)."""
    args = [pg.bin("psql"), "-h", pg.sockdir, "-p", str(pg.port), "-U", "postgres", "-d", db,
            "-q", "-v", "ON_ERROR_STOP=1"]
    for v in variables:
        args += ["-v", v]
    with open(path) as f:
        pg._run(args + ["-f", "-"], input=f.read(), timeout=300)


def hive_schema(pg, version="4.0.0"):
    """A new database holding the Java metastore's empty schema, made by
    schematool's own script for 'version'."""
    home, _ = java_hms.install()
    db = pg.createdb()
    psql_file(pg, db, os.path.join(home, "scripts", "metastore", "upgrade", "postgres",
                                   "hive-schema-%s.postgres.sql" % version))
    return db


@contextlib.contextmanager
def java_imported(pg, mariadb=None):
    """(java server, java client, our server, our client, roots, import output):
    the Java metastore on 'pg' (or on 'mariadb'), populated, imported into a
    new database of 'pg'."""
    j = java_hms.JavaHms(pg, mariadb=mariadb)
    ours = None
    try:
        jc = j.client()
        diff.populate(jc, "file://%s/ext" % j.tmp)
        jc.create_table(Table(tableName="ice", dbName=diff.DB, owner="alice",
                              ownerType=PrincipalType.USER,
                              sd=diff.sd(diff.COLS[:2], diff.PARQUET,
                                         location="file:/tmp/jimport/ice"),
                              partitionKeys=[], parameters=dict(ICEBERG_PARAMS),
                              tableType="EXTERNAL_TABLE"))
        populate_grants(jc)
        populate_constraints(jc)
        target = pg.createdb()
        rc, out = run_import(pg, mariadb.url(j.db) if mariadb else j.db, target)
        ours = servers.Server(pg, target, tempfile.mkdtemp(prefix="ms-engines-import-"),
                              log_path=results_path("java-hms-import", "metastore.log"))
        oc = ours.client(timeout=60)
        roots = [j.warehouse.replace("file://", "file:") + "/", "file:%s/ext/" % j.tmp]
        yield j, jc, ours, oc, roots, (rc, out, target)
        jc.close()
        oc.close()
    finally:
        if ours is not None:
            ours.terminate()
        j.stop()


@pytest.fixture(scope="module")
def imported(pg):
    with java_imported(pg) as i:
        yield i


def test_import_verifies(imported, tag):
    j, _, _, _, _, (rc, out, _) = imported
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)", "import: copy and verify",
        j.log)
    assert rc == 0, out
    assert "verify: every family equal" in out, out
    assert "schema 4.0.0" in out, out
    assert "would copy" not in out


# Differences the import brings to light, listed in the README:
IMPORT_KNOWN = [
    # The Java server keeps bit vectors (for statistics sent without one, a
    # 2-byte "HL") and histograms, but leaves them out of its replies unless
    # metastore.stats.fetch.bitvector / metastore.stats.fetch.kll are set
    # (both off by default); the import copies what is stored and our
    # server returns what it stores.
    (r"statistics", r"\.(bitVectors|histogram)$"),
    # The Java server sends no partValues for a privilege on a database,
    # table or table column; our HMS door sends an empty list.
    (r"^list_privileges", r"\.hiveObject\.partValues$"),
]


def unexplained(name, diffs):
    return [d for d in diff.unexplained(name, diffs)
            if not any(re.search(c, name) and re.search(p, d[0]) for c, p in IMPORT_KNOWN)]


READS = diff.READS + [
    ("get_table_req iceberg", lambda c: c.get_table_req(
        GetTableRequest(dbName=diff.DB, tblName="ice"))),
    ("get_primary_keys", lambda c: c.get_primary_keys(
        PrimaryKeysRequest(db_name=diff.DB, tbl_name="plain")).primaryKeys),
    ("get_foreign_keys", lambda c: c.get_foreign_keys(ForeignKeysRequest(
        parent_db_name=diff.DB, parent_tbl_name="plain", foreign_db_name=diff.DB,
        foreign_tbl_name="bucketed")).foreignKeys),
    ("get_not_null_constraints", lambda c: c.get_not_null_constraints(
        NotNullConstraintsRequest("hive", diff.DB, "plain")).notNullConstraints),
    ("get_default_constraints", lambda c: c.get_default_constraints(
        DefaultConstraintsRequest("hive", diff.DB, "bucketed")).defaultConstraints),
    ("get_check_constraints", lambda c: c.get_check_constraints(
        CheckConstraintsRequest("hive", diff.DB, "plain")).checkConstraints),
    ("get_all_table_constraints", lambda c: c.get_all_table_constraints(
        AllTableConstraintsRequest(dbName=diff.DB, tblName="plain",
                                   catName="hive")).allTableConstraints),
    ("get_role_names", lambda c: sorted(c.get_role_names())),
    ("list_roles bob", lambda c: c.list_roles("bob", PrincipalType.USER)),
    ("list_roles etl", lambda c: c.list_roles("etl", PrincipalType.GROUP)),
    ("list_privileges database", privileges_of("bob", PrincipalType.USER,
                                               HiveObjectType.DATABASE)),
    ("list_privileges table bob", privileges_of("bob", PrincipalType.USER,
                                                HiveObjectType.TABLE, table="plain")),
    ("list_privileges table role", privileges_of(ROLE, PrincipalType.ROLE,
                                                 HiveObjectType.TABLE, table="plain")),
    ("list_privileges column", privileges_of("bob", PrincipalType.USER, HiveObjectType.COLUMN,
                                             table="plain", column="id")),
    ("list_privileges partition", privileges_of("bob", PrincipalType.USER,
                                                HiveObjectType.PARTITION, table="parted",
                                                part=["2024-01-01", "3"])),
]


def same_read(imported, name, call):
    """The read 'call' answers the same from the Java server and from ours."""
    j, jc, _, oc, roots, _ = imported
    jr, orr = diff.outcome(call, jc), diff.outcome(call, oc)
    assert jr[0] == orr[0], "Java: %s; ours: %s" % (jr, orr)
    diffs = diff.differences(diff.normalise(jr[1], roots), diff.normalise(orr[1], roots))
    left = unexplained(name, diffs)
    assert not left, "%d differences (Java, ours):\n%s" % (
        len(left), "\n".join("%s: %r | %r" % (p, a, b) for p, a, b in left[:40]))


@pytest.mark.parametrize("name,call", READS, ids=[r[0] for r in READS])
def test_read_after_import(imported, tag, name, call):
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)", "import then read " + name,
        imported[0].log)
    same_read(imported, name, call)


def test_rerun_is_safe(imported, pg, tag):
    j, _, _, oc, _, (_, _, target) = imported
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)", "import: re-run", j.log)
    before = len(oc.get_partition_names(diff.DB, "parted", -1))
    rc, out = run_import(pg, j.db, target)
    assert rc == 0, out
    assert "verify: every family equal" in out, out
    assert len(oc.get_partition_names(diff.DB, "parted", -1)) == before == diff.PARTS
    source_next = pg.psql(j.db, 'SELECT max("NEXT_EVENT_ID") FROM "NOTIFICATION_SEQUENCE"')
    runs = pg.psql(target, "SELECT count(*), min(next_event_id), max(next_event_id) "
                           "FROM ms_import_runs").stdout.strip()
    n = source_next.stdout.strip()
    assert runs == "2|%s|%s" % (n, n), (runs, n)


def test_dry_run_writes_nothing(imported, pg, tag):
    j = imported[0]
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)", "import: dry run", j.log)
    target = pg.createdb()
    rc, out = run_import(pg, j.db, target, "--dry-run")
    assert rc == 0, out
    assert "dry run: nothing was written" in out, out
    assert "would copy %d partitions" % diff.PARTS in out, out
    assert public_tables(pg, target) == 0


def refused(pg, source, *words):
    target = pg.createdb()
    rc, out = run_import(pg, source, target)
    assert rc == 1, out
    for w in words:
        assert w in out, out
    assert public_tables(pg, target) == 0, "the target was written"


def test_not_a_metastore_refused(pg, tag):
    tag("Java Hive Metastore", java_hms.VERSION, "PostgreSQL", "import: not a metastore")
    refused(pg, pg.createdb(), "not a Hive metastore database")


def test_newer_version_refused(pg, tag):
    tag("Java Hive Metastore", java_hms.VERSION, "PostgreSQL", "import: newer schema refused")
    db = hive_schema(pg)
    pg.psql(db, "UPDATE \"VERSION\" SET \"SCHEMA_VERSION\" = '4.1.0'")
    refused(pg, db, "4.1.0", "newer")


def test_half_upgraded_refused(pg, tag):
    tag("Java Hive Metastore", java_hms.VERSION, "PostgreSQL", "import: half-upgraded schema")
    db = hive_schema(pg)
    pg.psql(db, "UPDATE \"VERSION\" SET \"SCHEMA_VERSION\" = '3.1.0'")
    refused(pg, db, "half-upgraded", "3.1.0")


def test_case_clash_refused(pg, tag):
    tag("Java Hive Metastore", java_hms.VERSION, "PostgreSQL", "import: names differing in case")
    db = hive_schema(pg)
    pg.psql(db, "INSERT INTO \"DBS\" (\"DB_ID\", \"DB_LOCATION_URI\", \"NAME\", \"CTLG_NAME\") "
                "VALUES (1, 'file:/a', 'sales', 'hive'), (2, 'file:/b', 'Sales', 'hive')")
    refused(pg, db, "hive.Sales and hive.sales differ only in case")


def stats_rows_sql(cat):
    """Column statistics rows for a source filled by bench/import_source.sql
    (tables=3), some without a COLUMN_STATS_ACCURATE parameter, as the Java
    server leaves them after an alter_partition or alter_table: t1 has rows
    and no flag; t2 the flag without COLUMN_STATS; t3 the flag naming 'id'
    while rows exist for 'id' and 'name'. Partitions 1 to 6 (two of each
    table) likewise. 'cat': the schema has CAT_NAME (3.0 and up)."""
    c, cv = ('"CAT_NAME", ', "'hive', ") if cat else ("", "")
    flags = {2: '{"BASIC_STATS":"true"}', 3: '{"BASIC_STATS":"true","COLUMN_STATS":{"id":"true"}}'}
    sql = ["BEGIN;"]
    for t, v in flags.items():
        sql.append('INSERT INTO "TABLE_PARAMS" ("TBL_ID", "PARAM_KEY", "PARAM_VALUE") '
                   "VALUES (%d, 'COLUMN_STATS_ACCURATE', '%s');" % (t, v))
        sql.append('INSERT INTO "PARTITION_PARAMS" ("PART_ID", "PARAM_KEY", "PARAM_VALUE") '
                   "SELECT \"PART_ID\", 'COLUMN_STATS_ACCURATE', '%s' FROM \"PARTITIONS\" "
                   'WHERE "PART_ID" <= 6 AND "TBL_ID" = %d;' % (v, t))
    cols = [("id", "bigint", '"LONG_LOW_VALUE", "LONG_HIGH_VALUE"', "-5, 1000"),
            ("name", "string", '"AVG_COL_LEN", "MAX_COL_LEN"', "7.5, 20")]
    for i, (col, typ, names, values) in enumerate(cols):
        sql.append('INSERT INTO "TAB_COL_STATS" ("CS_ID", %s"DB_NAME", "TABLE_NAME", '
                   '"COLUMN_NAME", "COLUMN_TYPE", "TBL_ID", %s, "NUM_NULLS", "NUM_DISTINCTS", '
                   '"LAST_ANALYZED") SELECT 10 * "TBL_ID" + %d, %s\'bench\', "TBL_NAME", '
                   "'%s', '%s', \"TBL_ID\", %s, 1, 42, 1700000000 FROM \"TBLS\";"
                   % (c, names, i, cv, col, typ, values))
        sql.append('INSERT INTO "PART_COL_STATS" ("CS_ID", %s"DB_NAME", "TABLE_NAME", '
                   '"PARTITION_NAME", "COLUMN_NAME", "COLUMN_TYPE", "PART_ID", %s, "NUM_NULLS", '
                   '"NUM_DISTINCTS", "LAST_ANALYZED") SELECT 10 * p."PART_ID" + %d, %s'
                   "'bench', t.\"TBL_NAME\", p.\"PART_NAME\", '%s', '%s', p.\"PART_ID\", %s, "
                   '2, 17, 1700000000 FROM "PARTITIONS" p JOIN "TBLS" t ON t."TBL_ID" = p."TBL_ID" '
                   'WHERE p."PART_ID" <= 6;' % (c, names, i, cv, col, typ, values))
    sql.append("COMMIT;")
    return "\n".join(sql)


SOURCE_PARAMS = """
SELECT json_object_agg(k, v) FROM (
  SELECT t."TBL_NAME" AS k, COALESCE((SELECT json_object_agg(p."PARAM_KEY", p."PARAM_VALUE")
    FROM "TABLE_PARAMS" p WHERE p."TBL_ID" = t."TBL_ID"), '{}') AS v FROM "TBLS" t
  UNION ALL
  SELECT t."TBL_NAME" || '/' || pa."PART_NAME", COALESCE((SELECT json_object_agg(p."PARAM_KEY",
    p."PARAM_VALUE") FROM "PARTITION_PARAMS" p WHERE p."PART_ID" = pa."PART_ID"), '{}')
  FROM "PARTITIONS" pa JOIN "TBLS" t ON t."TBL_ID" = pa."TBL_ID") x"""
OUR_PARAMS = """
SELECT json_object_agg(k, v) FROM (
  SELECT t.name AS k, COALESCE(t.params, '{}') AS v FROM ms_tables t
  UNION ALL
  SELECT t.name || '/' || p.part_name, COALESCE(p.params, '{}')
  FROM ms_partitions p JOIN ms_tables t ON t.table_id = p.table_id) x"""


def assert_params_copied(pg, source, target):
    """Every table's and partition's parameters on our side are the source's,
    key for key, COLUMN_STATS_ACCURATE included (or left out)."""
    want = json.loads(pg.psql(source, SOURCE_PARAMS).stdout)
    got = json.loads(pg.psql(target, OUR_PARAMS).stdout)
    assert set(got) == set(want)
    bad = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
    assert not bad, "parameters differ (source, ours): %r" % bad


def test_stats_flag_copied_as_is(pg, tag):
    """Statistics rows without a COLUMN_STATS_ACCURATE parameter (or with
    one naming fewer columns) stay so: the import copies the parameters and
    writes the rows without marking them accurate."""
    tag("Java Hive Metastore", "3.1.0 schema", "PostgreSQL",
        "import: parameters copied as they are beside statistics rows")
    db = hive_schema(pg, "3.1.0")
    psql_file(pg, db, os.path.join(TOP, "bench", "import_source.sql"), "tables=3", "parts=30")
    pg.psql(db, stats_rows_sql(True))
    target = pg.createdb()
    rc, out = run_import(pg, db, target)
    assert rc == 0, out
    assert "verify: every family equal" in out, out
    assert "copying 6 table statistics" in out and "copying 12 partition statistics" in out, out
    assert_params_copied(pg, db, target)
    n = pg.psql(target, "SELECT (SELECT count(*) FROM ms_table_col_stats) || ' ' || "
                        "(SELECT count(*) FROM ms_part_col_stats)").stdout.strip()
    assert n == "6 12", n
    # a re-run writes the statistics over and still leaves the parameters
    rc, out = run_import(pg, db, target)
    assert rc == 0, out
    assert_params_copied(pg, db, target)


def test_hive_31_source(pg, tag):
    tag("Java Hive Metastore", "3.1.0 schema", "PostgreSQL", "import: a Hive 3.1 schema")
    db = hive_schema(pg, "3.1.0")
    psql_file(pg, db, os.path.join(TOP, "bench", "import_source.sql"), "tables=3", "parts=300")
    target = pg.createdb()
    rc, out = run_import(pg, db, target)
    assert rc == 0, out
    assert "schema 3.1.0" in out and "verify: every family equal" in out, out
    n = pg.psql(target, "SELECT count(*) FROM ms_partitions").stdout.strip()
    assert n == "300", n


def test_hive_23_source(pg, tag):
    """A 2.3 schema (schematool's 1.2.0 script and its upgrades to 2.3.0)
    filled by import_source_23.sql and statistics rows: imported, verified,
    parameters copied as they are, and read back through our server."""
    tag("Java Hive Metastore", "2.3.0 schema", "PostgreSQL", "import: a Hive 2.3 schema")
    db = pg.createdb()
    for script in java_hms.schema_23_scripts("postgres"):
        psql_file(pg, db, script)
    assert pg.psql(db, 'SELECT "SCHEMA_VERSION" FROM "VERSION"').stdout.strip() == "2.3.0"
    psql_file(pg, db, os.path.join(TOP, "tests", "engines", "import_source_23.sql"),
              "tables=3", "parts=30")
    pg.psql(db, stats_rows_sql(False))
    target = pg.createdb()
    rc, out = run_import(pg, db, target)
    assert rc == 0, out
    assert "schema 2.3.0" in out and "verify: every family equal" in out, out
    assert "notification log at event 7" in out, out
    assert_params_copied(pg, db, target)
    read_back_23(pg, target, "metastore-23.log")


def read_back_23(pg, target, log):
    """Our server on 'target', imported from import_source_23.sql (or its
    MySQL form) with stats_rows_sql: the objects as the source holds them."""
    ours = servers.Server(pg, target, tempfile.mkdtemp(prefix="ms-engines-import23-"),
                          log_path=results_path("java-hms-import", log))
    try:
        c = ours.client(timeout=60)
        assert c.get_database("bench").parameters == {"team": "old"}
        v = c.get_table_req(GetTableRequest(dbName="bench", tblName="v")).table
        assert (v.tableType, v.viewOriginalText) == ("VIRTUAL_VIEW", "SELECT id FROM t1"), v
        t1 = c.get_table_req(GetTableRequest(dbName="bench", tblName="t1")).table
        assert t1.catName == "hive" and t1.owner == "bench", t1
        assert [k.name for k in t1.partitionKeys] == ["ds", "hr"], t1
        assert len(c.get_partition_names("bench", "t1", -1)) == 10
        f = c.get_function("bench", "f_upper")
        assert [r.uri for r in f.resourceUris] == ["file:///udfs/upper.jar"], f
        pk = c.get_primary_keys(PrimaryKeysRequest(db_name="bench", tbl_name="t1")).primaryKeys
        assert [(k.pk_name, k.column_name) for k in pk] == [("pk_t1", "id")], pk
        st = c.get_table_statistics_req(TableStatsRequest(dbName="bench", tblName="t1",
                                                          colNames=["id"])).tableStats
        assert st[0].statsData.longStats.numDVs == 42, st
        assert sorted(c.get_role_names()) == ["admin", "analysts", "public"]
        c.close()
    finally:
        ours.terminate()
