"""A real HiveServer2 (Apache Hive 4.0.1, hs2_server.py) on our metastore,
driven with beeline.

HiveServer2's own start-up talks to the metastore (the notification event
poll, the scheduled-query poller, the materialized-view registry), so a
server that answers beeline at all has passed those. Then beeline runs
Hive's DDL (databases, plain and partitioned tables, a PRIMARY KEY ...
DISABLE NOVALIDATE constraint, DESCRIBE FORMATTED, partitions, renames,
SHOW CREATE TABLE, drops) and an INSERT run by MapReduce in local mode and
a SELECT with a partition filter (pruned on Hive's side: Hive's Kryo
expressions are not ours to read). What landed is read back through our
own Thrift client and from the warehouse folder.
"""
import os
import re
from urllib.parse import urlparse

import pytest

import hs2_server
from servers import unique

ENGINE = "HiveServer2 + beeline"
VERSION = "%s (beeline 2.3.9)" % hs2_server.VERSION
CATALOG = "hive (Thrift), file:// warehouse, MapReduce local"


@pytest.fixture(scope="module")
def hs2(metastore):
    s = hs2_server.HiveServer2(metastore)
    yield s
    s.stop()


@pytest.fixture
def db(hs2, metastore):
    """A fresh database name, its location and its managed location (Hive
    4 puts managed tables there) in the metastore's local folder; dropped
    (CASCADE) through our Thrift door afterwards if the test left it."""
    name = unique("hs2")
    yield name, "file://%s/%s.db" % (metastore.local_root, name), \
        "file://%s/%s-managed.db" % (metastore.local_root, name)
    c = metastore.client()
    try:
        if name in c.get_all_databases():
            c.drop_database(name, True, True)
    finally:
        c.close()


# the first line of every result set the tests read (csv2 prints no blank
# line between result sets)
HEADERS = ("database_name", "tab_name", "col_name,data_type,comment", "partition",
           "createtab_stmt", "id,v", "n")


def section(out, header):
    """The lines of the csv2 result set that starts with 'header', up to
    the next result set's header or the end."""
    lines = out.splitlines()
    rest = lines[lines.index(header) + 1:]
    end = next((i for i, line in enumerate(rest) if line in HEADERS or line == ""), len(rest))
    return rest[:end]


def test_start(hs2, tag, record_property):
    tag(ENGINE, VERSION, CATALOG,
        "HiveServer2 start-up on our metastore (notification event poll, scheduled-query "
        "poller, materialized-view registry), beeline connects",
        hs2.log, hs2.stdout_log)
    record_property("hs2_start_seconds", round(hs2.start_seconds, 1))
    out = hs2.beeline("SHOW DATABASES")
    assert "default" in section(out, "database_name")


def test_ddl(hs2, metastore, thrift, db, tag):
    tag(ENGINE, VERSION, CATALOG,
        "CREATE DATABASE LOCATION, CREATE TABLE (plain, partitioned, PRIMARY KEY DISABLE "
        "NOVALIDATE), SHOW TABLES, DESCRIBE FORMATTED, ADD PARTITION, SHOW PARTITIONS, "
        "RENAME, SHOW CREATE TABLE, DROP TABLE, DROP DATABASE; checked through Thrift, "
        "the notification log too",
        hs2.log, hs2.beeline_log)
    name, location, managed = db
    first_event = thrift.get_current_notificationEventId().eventId
    out = hs2.beeline(";\n".join([
        "CREATE DATABASE %s COMMENT 'made by HiveServer2' LOCATION '%s' MANAGEDLOCATION '%s'"
        % (name, location, managed),
        "USE %s" % name,
        "CREATE TABLE plain (id INT, name STRING) STORED AS TEXTFILE",
        "CREATE TABLE parted (id INT, v STRING) PARTITIONED BY (ds STRING) STORED AS ORC",
        "CREATE TABLE keyed (id INT, v STRING, PRIMARY KEY (id) DISABLE NOVALIDATE)",
        "SHOW TABLES",
        "DESCRIBE FORMATTED keyed",
        "ALTER TABLE parted ADD PARTITION (ds='2024-01-01') PARTITION (ds='2024-01-02')",
        "SHOW PARTITIONS parted",
        "ALTER TABLE plain RENAME TO renamed",
        "SHOW CREATE TABLE renamed",
    ]) + ";")
    assert section(out, "tab_name") == ["keyed", "parted", "plain"]
    desc = out[out.index("col_name,data_type,comment"):]
    assert re.search(r"(?m)^Table Type:\s*,MANAGED_TABLE", desc), desc
    assert "Primary Key" in desc and re.search(r"Column Name:\s*,id", desc), desc
    assert section(out, "partition") == ["ds=2024-01-01", "ds=2024-01-02"]
    assert "CREATE TABLE `%s`.`renamed`(" % name in out or "CREATE TABLE `renamed`(" in out

    # what our server stored
    d = thrift.get_database(name)
    # Hive qualifies the locations it sends (file:/x for file:///x)
    assert urlparse(d.locationUri).path.rstrip("/") == urlparse(location).path
    assert urlparse(d.managedLocationUri).path.rstrip("/") == urlparse(managed).path
    assert d.description == "made by HiveServer2"
    assert sorted(thrift.get_all_tables(name)) == ["keyed", "parted", "renamed"]
    t = thrift.get_table(name, "renamed")
    assert [c.name for c in t.sd.cols] == ["id", "name"]
    # where the data sits after the rename is left open: Hive 4 moves a
    # managed table found at <managed location>/<name>; we move one found
    # at <location>/<name>
    assert urlparse(t.sd.location).path.startswith(urlparse(managed).path + "/"), t.sd.location
    assert urlparse(thrift.get_table(name, "keyed").sd.location).path == \
        urlparse(managed).path + "/keyed"
    assert thrift.get_partition_names(name, "parted", -1) == ["ds=2024-01-01", "ds=2024-01-02"]
    from hive_metastore.ttypes import NotificationEventRequest, PrimaryKeysRequest
    pks = thrift.get_primary_keys(PrimaryKeysRequest(db_name=name, tbl_name="keyed")).primaryKeys
    assert [(k.column_name, k.enable_cstr, k.validate_cstr) for k in pks] == [("id", False, False)]

    hs2.beeline("USE %s; DROP TABLE renamed; DROP TABLE keyed; DROP TABLE parted; "
                "DROP DATABASE %s;" % (name, name))
    assert name not in thrift.get_all_databases()
    assert not os.path.exists(urlparse(location).path)

    # the notification log HiveServer2 polls: every change above, whichever
    # call made it (create_table_req with or without constraints, ...)
    events = thrift.get_next_notification(
        NotificationEventRequest(lastEvent=first_event, maxEvents=10000)).events
    kinds = [e.eventType for e in events if (e.dbName or "").lower() == name]
    for kind, n in (("CREATE_DATABASE", 1), ("CREATE_TABLE", 3), ("ADD_PARTITION", 1),
                    ("ALTER_TABLE", 1), ("DROP_TABLE", 3), ("DROP_DATABASE", 1)):
        assert kinds.count(kind) >= n, (kind, kinds)


def test_insert_select(hs2, thrift, db, tag):
    tag(ENGINE, VERSION, CATALOG,
        "INSERT INTO a partition (MapReduce, local), SELECT with a partition filter "
        "(pruned by Hive), count(*); the partition and its files checked",
        hs2.log, hs2.beeline_log)
    name, location, managed = db
    out = hs2.beeline(";\n".join([
        "CREATE DATABASE %s LOCATION '%s' MANAGEDLOCATION '%s'" % (name, location, managed),
        "CREATE TABLE %s.events (id INT, v STRING) PARTITIONED BY (ds STRING)" % name,
        "INSERT INTO %s.events PARTITION (ds='2024-01-01') VALUES (1, 'a'), (2, 'b')" % name,
        "INSERT INTO %s.events PARTITION (ds='2024-01-02') VALUES (3, 'c')" % name,
        "SELECT id, v FROM %s.events WHERE ds = '2024-01-02'" % name,
        "SELECT count(*) AS n FROM %s.events" % name,
    ]) + ";", timeout=600)
    assert section(out, "id,v") == ["3,c"]
    assert section(out, "n") == ["3"]

    assert thrift.get_partition_names(name, "events", -1) == ["ds=2024-01-01", "ds=2024-01-02"]
    p = thrift.get_partition(name, "events", ["2024-01-01"])
    folder = urlparse(p.sd.location).path
    assert folder == urlparse(managed).path + "/events/ds=2024-01-01", p.sd.location
    files = [f for f in os.listdir(folder) if not f.startswith((".", "_"))]
    assert files, "no data file in %s" % folder
