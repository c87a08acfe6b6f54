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
that differ only in case) and a source label without the password.

The corpus's characters outside Latin-1 reach the Java server's database
as '?': schematool's MySQL scripts declare its text columns latin1, and the
server (non-strict, as such installations run) stores what fits. Both
servers then answer the same '?', so the comparison holds; the README says
so.
"""
import os

import pytest

import java_hms
import mariadb_server
import test_java_hms_diff as diff
import test_java_hms_import as imp

SCHEMA_DIR = ("scripts", "metastore", "upgrade", "mysql")


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
