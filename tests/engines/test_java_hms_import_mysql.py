"""`metastore import --from mariadb://...`: a Java metastore on MariaDB.

A MariaDB server from Debian (mariadb_server.py: a temporary data
directory, a free 127.0.0.1 port, the 'mysql' user when run as root) holds
the Java metastore's database: Hive 4.0.1's schematool creates it with
-dbType mysql and the Java server reaches it with the MySQL JDBC driver its
tarball ships (mysql-connector-j). It is populated through the Java server
with test_java_hms_import's corpus, imported into a PostgreSQL database of
ours, and the same reads go to both servers and are compared (with the
same normaliser and known differences). Beside that: the re-run, the dry
run, the refusals (not a metastore, newer and half-upgraded schemas, names
that differ only in case), a source label without the password, and a
Hive 3.1 schema (schematool's own MySQL script) filled by
mysql_import_source.sql with more tables than one batch of the table
cursor, and a Hive 2.3 schema (schematool's 1.2.0 MySQL script upgraded to
2.3.0 by its own upgrade scripts, from the 3.1.3 tarball) filled by
mysql_import_source_23.sql.

The corpus's characters outside Latin-1 reach the Java server's database
as '?': schematool's MySQL scripts declare its text columns latin1, and the
server (non-strict, as such installations run) stores what fits. Both
servers then answer the same '?', so the comparison holds; the README says
so.
"""
import json
import os
import string
import time

import pytest

import java_hms
import mariadb_server
import test_java_hms_diff as diff
import test_java_hms_follow as fol
import test_java_hms_import as imp

SCHEMA_DIR = ("scripts", "metastore", "upgrade", "mysql")
SOURCE_SQL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mysql_import_source.sql")
SOURCE_SQL_23 = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             "mysql_import_source_23.sql")


@pytest.fixture(scope="module")
def mariadb():
    m = mariadb_server.MariaDb()
    try:
        yield m
    finally:
        m.stop()


@pytest.fixture(scope="module")
def imported(pg, mariadb):
    with imp.java_imported(pg, mariadb) as i:
        yield i


def mysql_tag(tag, what, *logs):
    tag("Java Hive Metastore", java_hms.VERSION, "MariaDB", what, *logs)


def test_import_verifies(imported, tag):
    j, _, _, _, _, (rc, out, _) = imported
    mysql_tag(tag, "import from MariaDB: copy and verify", j.log)
    assert rc == 0, out
    assert "verify: every family equal" in out, out
    assert "schema 4.0.0" in out, out


@pytest.mark.parametrize("name,call", imp.READS, ids=[r[0] for r in imp.READS])
def test_read_after_import(imported, tag, name, call):
    mysql_tag(tag, "import from MariaDB then read " + name, imported[0].log)
    imp.same_read(imported, name, call)


def test_rerun_is_safe(imported, pg, mariadb, tag):
    j, _, _, oc, _, (_, _, target) = imported
    mysql_tag(tag, "import from MariaDB: re-run", j.log)
    rc, out = imp.run_import(pg, mariadb.url(j.db), target)
    assert rc == 0, out
    assert "verify: every family equal" in out, out
    assert len(oc.get_partition_names(diff.DB, "parted", -1)) == diff.PARTS
    n = mariadb.sql(j.db, 'SELECT max("NEXT_EVENT_ID") FROM "NOTIFICATION_SEQUENCE"').stdout.strip()
    runs = pg.psql(target, "SELECT count(*), min(next_event_id), max(next_event_id) "
                           "FROM ms_import_runs").stdout.strip()
    assert runs == "2|%s|%s" % (n, n), (runs, n)
    # the record names the source without its password
    sources = pg.psql(target, "SELECT DISTINCT source FROM ms_import_runs").stdout.strip()
    assert sources == "mariadb://%s@127.0.0.1:%d/%s" % (mariadb_server.USER, mariadb.port,
                                                         j.db), sources


def test_dry_run_writes_nothing(imported, pg, mariadb, tag):
    j = imported[0]
    mysql_tag(tag, "import from MariaDB: dry run", j.log)
    target = pg.createdb()
    rc, out = imp.run_import(pg, mariadb.url(j.db, scheme="mysql"), target, "--dry-run")
    assert rc == 0, out
    assert "would copy %d partitions" % diff.PARTS in out, out
    assert imp.public_tables(pg, target) == 0


def hive_schema(mariadb, version="4.0.0"):
    """A new MariaDB database holding schematool's MySQL script for 'version'."""
    home, _ = java_hms.install()
    db = mariadb.createdb()
    with open(os.path.join(home, *SCHEMA_DIR, "hive-schema-%s.mysql.sql" % version)) as f:
        mariadb.sql(db, "", input=f.read())
    return db


def refused(pg, mariadb, db, *words):
    target = pg.createdb()
    rc, out = imp.run_import(pg, mariadb.url(db), target)
    assert rc == 1, out
    for w in words:
        assert w in out, out
    assert imp.public_tables(pg, target) == 0, "the target was written"


def test_not_a_metastore_refused(pg, mariadb, tag):
    mysql_tag(tag, "import from MariaDB: not a metastore")
    refused(pg, mariadb, mariadb.createdb(), "not a Hive metastore database")


def test_newer_version_refused(pg, mariadb, tag):
    mysql_tag(tag, "import from MariaDB: newer schema refused")
    db = hive_schema(mariadb)
    mariadb.sql(db, "UPDATE VERSION SET SCHEMA_VERSION = '4.1.0'")
    refused(pg, mariadb, db, "4.1.0", "newer")


def test_half_upgraded_refused(pg, mariadb, tag):
    mysql_tag(tag, "import from MariaDB: half-upgraded schema")
    db = hive_schema(mariadb)
    mariadb.sql(db, "UPDATE VERSION SET SCHEMA_VERSION = '3.1.0'")
    refused(pg, mariadb, db, "half-upgraded", "3.1.0")


def test_case_clash_refused(pg, mariadb, tag):
    mysql_tag(tag, "import from MariaDB: names differing in case")
    db = hive_schema(mariadb)
    mariadb.sql(db, "INSERT INTO DBS (DB_ID, DB_LOCATION_URI, NAME, CTLG_NAME) "
                    "VALUES (1, 'file:/a', 'sales', 'hive'), (2, 'file:/b', 'Sales', 'hive')")
    refused(pg, mariadb, db, "hive.Sales and hive.sales differ only in case")


def test_bad_url_refused(pg, mariadb, tag):
    mysql_tag(tag, "import from MariaDB: a URL without its database")
    target = pg.createdb()
    rc, out = imp.run_import(pg, "mysql://hive@127.0.0.1:%d" % mariadb.port, target)
    assert rc == 1 and "names its database" in out, out
    assert imp.public_tables(pg, target) == 0


def test_hive_31_source(pg, mariadb, tag):
    mysql_tag(tag, "import from MariaDB: a Hive 3.1 schema, tables over several batches")
    db = hive_schema(mariadb, "3.1.0")
    tables, parts = 2100, 2500          # the tables' cursor is fetched 2,000 rows a time
    with open(SOURCE_SQL) as f:
        sql = string.Template(f.read()).substitute(tables=tables, parts=parts,
                                                   serdes=tables + parts)
    mariadb.sql(db, "", input=sql)
    target = pg.createdb()
    rc, out = imp.run_import(pg, mariadb.url(db), target)
    assert rc == 0, out
    assert "schema 3.1.0" in out and "verify: every family equal" in out, out
    counts = pg.psql(target, "SELECT (SELECT count(*) FROM ms_tables) || '|' || "
                             "(SELECT count(*) FROM ms_partitions)").stdout.strip()
    assert counts == "%d|%d" % (tables, parts), counts
    # the BLOB bit vector arrives byte for byte, the BIT(1) flag as a boolean
    stats = pg.psql(target, "SELECT data->>'bitvectors' FROM ms_table_col_stats").stdout.strip()
    assert stats == "SEwA/w==", stats
    flags = pg.psql(target, "SELECT count(*) FROM ms_tables WHERE compressed").stdout.strip()
    assert flags == str(tables), flags


def source_params(mariadb, db):
    """{table or table/partition name: its parameters} of a MariaDB source."""
    rows = mariadb.sql(db, 'SELECT t."TBL_NAME", p."PARAM_KEY", p."PARAM_VALUE" '
                           'FROM "TABLE_PARAMS" p JOIN "TBLS" t ON t."TBL_ID" = p."TBL_ID" '
                           'UNION ALL SELECT t."TBL_NAME" || \'/\' || pa."PART_NAME", '
                           'p."PARAM_KEY", p."PARAM_VALUE" FROM "PARTITION_PARAMS" p '
                           'JOIN "PARTITIONS" pa ON pa."PART_ID" = p."PART_ID" '
                           'JOIN "TBLS" t ON t."TBL_ID" = pa."TBL_ID"').stdout
    out = {}
    for line in rows.splitlines():
        name, key, value = line.split("\t")
        out.setdefault(name, {})[key] = value
    return out


def test_hive_23_source(pg, mariadb, tag):
    """A 2.3 schema on MariaDB (schematool's 1.2.0 MySQL script and its
    upgrades to 2.3.0) filled by mysql_import_source_23.sql and statistics
    rows: imported, verified, parameters copied as they are, and read back
    through our server, as test_java_hms_import's 2.3 test on PostgreSQL."""
    tag("Java Hive Metastore", "2.3.0 schema", "MariaDB", "import from MariaDB: a Hive 2.3 schema")
    db = mariadb.createdb()
    for script in java_hms.schema_23_scripts("mysql"):
        with open(script) as f:
            mariadb.sql(db, "", input=f.read())
    assert mariadb.sql(db, 'SELECT "SCHEMA_VERSION" FROM "VERSION"').stdout.strip() == "2.3.0"
    tables, parts = 3, 30
    with open(SOURCE_SQL_23) as f:
        sql = string.Template(f.read()).substitute(tables=tables, view=tables + 1, parts=parts,
                                                   serdes=tables + 1 + parts)
    mariadb.sql(db, "", input=sql)
    mariadb.sql(db, "", input=imp.stats_rows_sql(False))
    target = pg.createdb()
    rc, out = imp.run_import(pg, mariadb.url(db), target)
    assert rc == 0, out
    assert "schema 2.3.0" in out and "verify: every family equal" in out, out
    assert "notification log at event 7" in out, out
    want = source_params(mariadb, db)
    got = json.loads(pg.psql(target, imp.OUR_PARAMS).stdout)
    assert set(want) <= set(got)
    bad = {k: (want.get(k, {}), got[k]) for k in got if want.get(k, {}) != got[k]}
    assert not bad, "parameters differ (source, ours): %r" % bad
    imp.read_back_23(pg, target, "metastore-23-mariadb.log")


def test_follow_from_mariadb(imported, pg, mariadb, tag):
    j, jc, _, oc, roots, (_, _, target) = imported
    mysql_tag(tag, "import --follow from MariaDB: changes through the Java server applied live",
              j.log)
    f = fol.Follower(pg, mariadb.url(j.db), target, 100)

    def caught_up():
        want = int(mariadb.sql(j.db, 'SELECT max("NEXT_EVENT_ID") FROM "NOTIFICATION_SEQUENCE"')
                   .stdout.strip())
        deadline = time.monotonic() + 90
        while fol.our_position(pg, target) < want:
            assert f.proc.poll() is None, "follow exited:\n" + f.output()
            assert time.monotonic() < deadline, "not caught up:\n" + f.output()
            time.sleep(0.1)

    try:
        fol.first_changes(jc)
        caught_up()
        bad = fol.compare(jc, oc, roots)
        assert not bad, "\n".join("%s: %s" % b for b in bad)
        # partition events read only the partitions they name: the others
        # keep their rows on our side (the partition altered has column
        # statistics: their COLUMN_STATS_ACCURATE parameter follows as the
        # Java server leaves it)
        before = fol.our_part_ids(pg, target, "events")
        p = jc.get_partition(fol.FDB, "events", ["2024-02-02", "1"])
        p.parameters["changed"] = "yes"
        jc.alter_partition(fol.FDB, "events", p)
        t = fol.get_table(jc, fol.FDB, "events")
        jc.add_partitions([fol.part(fol.FDB, "events", ["2024-09-01", "1"], t)])
        caught_up()
        after = fol.our_part_ids(pg, target, "events")
        kept = {n: i for n, i in before.items() if n != "ds=2024-02-02/hr=1"}
        assert len(kept) >= 10 and {n: after.get(n) for n in kept} == kept
        assert after["ds=2024-02-02/hr=1"] != before["ds=2024-02-02/hr=1"]
        assert "ds=2024-09-01/hr=1" in after
        bad = fol.compare(jc, oc, roots)
        assert not bad, "\n".join("%s: %s" % b for b in bad)
    finally:
        rc, out = f.stop()
    assert rc == 0, out
