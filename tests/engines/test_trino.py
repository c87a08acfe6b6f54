"""Trino on our metastore: the hive catalog over Thrift, Iceberg with
iceberg.catalog.type=hive_metastore, and Iceberg with type=rest, storage on
MinIO (trino_server.py has the catalog files). Each test asserts what Trino
reads back and what our server stored, through our own Thrift client and
REST loads; the Spark test has Trino read what Spark wrote and a new Spark
process read what Trino wrote."""
import base64
import json

import pytest

import components
from components import SPARK_VERSION
from hive_metastore.ttypes import (NoSuchObjectException, PartitionsStatsRequest,
                                   TableStatsRequest)
from servers import unique
from trino_server import VERSION

HIVE = "hive (Thrift)"
ICE_HMS = "iceberg hive_metastore (Thrift)"
ICE_REST = "iceberg rest"
ORC_IN = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"
ORC_SERDE = "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
PARQUET_IN = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


def logs():
    return (components.results_path("trino", "server.log"),
            components.results_path("trino", "queries.log"))


def cols(sd):
    return [(c.name, c.type) for c in sd.cols]


def objects(minio, location):
    """The files under an s3a:// location, relative to it: object keys but
    the directory markers ("<key>/", which the metastore writes as S3A's
    mkdirs does)."""
    bucket, _, prefix = location.split("://", 1)[1].partition("/")
    prefix = prefix.rstrip("/") + "/"
    return sorted(k[len(prefix):] for k in minio.keys(bucket, prefix) if not k.endswith("/"))


def thrift_calls(metastore):
    """{method: calls answered} from the server's /metrics."""
    return {dict(labels)["method"]: int(v) for (name, labels), v in metastore.metrics().items()
            if name == "metastore_thrift_request_duration_seconds_count"}


def stats_by_col(objs):
    out = {}
    for o in objs:
        d = o.statsData
        out[o.colName] = (d.longStats or d.doubleStats or d.stringStats or d.dateStats
                          or d.booleanStats or d.decimalStats or d.binaryStats)
    return out


def show_stats(trino, table):
    rows = trino.query("SHOW STATS FOR %s" % table)
    # column_name, data_size, distinct_values_count, nulls_fraction, row_count, low, high
    return {r[0]: r for r in rows}


def rest_load(metastore, ns, table, kind="tables"):
    status, body = metastore.rest("GET", "/v1/namespaces/%s/%s/%s" % (ns, kind, table))
    return status, body


def version(metadata_location):
    """The sequence number of an Iceberg metadata file (00003-<uuid>.metadata.json)."""
    return int(metadata_location.rsplit("/", 1)[1].split("-", 1)[0])


def presto_view(table):
    """The JSON Trino keeps in a Hive view's viewOriginalText."""
    text = table.viewOriginalText
    assert text.startswith("/* Presto View: ") and text.endswith(" */"), text
    return json.loads(base64.b64decode(text[len("/* Presto View: "):-len(" */")]))


# ---------------------------------------------------------------------------
# hive
# ---------------------------------------------------------------------------

def test_hive_catalog(trino, thrift, metastore, minio, tag):
    tag("Trino", VERSION, HIVE,
        "schemas, tables, information_schema, ORC and parquet (partitioned) CREATE/INSERT/"
        "SELECT, ANALYZE + SHOW STATS, ADD COLUMN, RENAME, views, "
        "sync_partition_metadata, DROP", *logs())
    s = unique("trino_hive")
    q = trino.query
    assert [s] not in q("SHOW SCHEMAS FROM hive")
    q("CREATE SCHEMA hive.%s" % s)
    assert [s] in q("SHOW SCHEMAS FROM hive")
    db = thrift.get_database(s)
    db_loc = "s3a://warehouse/%s.db" % s
    assert db.locationUri == db_loc
    assert (db.ownerName, db.ownerType) == ("engines", 1)   # PrincipalType.USER

    q("CREATE TABLE hive.%s.orders (id bigint, item varchar, qty integer, ds varchar) "
      "WITH (format = 'ORC', partitioned_by = ARRAY['ds'])" % s)
    q("CREATE TABLE hive.%s.prices (item varchar, price double, tag varchar) "
      "WITH (format = 'PARQUET')" % s)
    assert q("SHOW TABLES FROM hive.%s" % s) == [["orders"], ["prices"]]
    assert q("SELECT table_name, column_name, data_type FROM hive.information_schema.columns "
             "WHERE table_schema = '%s' ORDER BY table_name, ordinal_position" % s) == [
        ["orders", "id", "bigint"], ["orders", "item", "varchar"],
        ["orders", "qty", "integer"], ["orders", "ds", "varchar"],
        ["prices", "item", "varchar"], ["prices", "price", "double"],
        ["prices", "tag", "varchar"]]

    orders = thrift.get_table(s, "orders")
    assert orders.tableType == "MANAGED_TABLE"
    assert orders.owner == "engines"
    assert orders.sd.location == db_loc + "/orders"
    assert (orders.sd.inputFormat, orders.sd.serdeInfo.serializationLib) == (ORC_IN, ORC_SERDE)
    assert cols(orders.sd) == [("id", "bigint"), ("item", "string"), ("qty", "int")]
    assert [(k.name, k.type) for k in orders.partitionKeys] == [("ds", "string")]
    assert orders.parameters["trino_version"] == VERSION
    prices = thrift.get_table(s, "prices")
    assert (prices.sd.inputFormat, prices.sd.serdeInfo.serializationLib) == (
        PARQUET_IN, PARQUET_SERDE)
    assert prices.partitionKeys == []

    q("INSERT INTO hive.%s.orders VALUES (1, 'apple', 3, '2024-01-01'), "
      "(2, 'pear', 1, '2024-01-01'), (3, 'apple', 2, '2024-01-01'), "
      "(4, 'plum', 5, '2024-01-02'), (5, 'pear', 4, '2024-01-02')" % s)
    q("INSERT INTO hive.%s.prices VALUES ('apple', 1.5, 'fruit'), ('pear', 2.5, NULL), "
      "('plum', NULL, 'stone')" % s)
    assert q("SELECT ds, count(*), sum(qty) FROM hive.%s.orders GROUP BY ds ORDER BY ds"
             % s) == [["2024-01-01", 3, 6], ["2024-01-02", 2, 9]]
    before = thrift_calls(metastore)
    assert q("SELECT o.id, p.price FROM hive.%s.orders o JOIN hive.%s.prices p "
             "ON o.item = p.item WHERE o.ds = '2024-01-02' ORDER BY o.id" % (s, s)) == [
        [4, None], [5, 2.5]]
    # partition pruning: names by the partial spec, then those partitions only
    after = thrift_calls(metastore)
    delta = {m: n - before.get(m, 0) for m, n in after.items() if n != before.get(m, 0)}
    assert delta.get("get_partition_names_ps", 0) >= 1, delta
    assert delta.get("get_partitions_by_names", 0) >= 1, delta
    assert not {"get_partitions", "get_partitions_with_auth"} & set(delta), delta
    # what the server stored: the partitions, their places and basic stats
    assert thrift.get_partition_names(s, "orders", -1) == ["ds=2024-01-01", "ds=2024-01-02"]
    parts = {tuple(p.values): p for p in thrift.get_partitions(s, "orders", -1)}
    for ds, n in (("2024-01-01", "3"), ("2024-01-02", "2")):
        p = parts[(ds,)]
        assert p.sd.location == "%s/orders/ds=%s" % (db_loc, ds)
        assert p.parameters["numRows"] == n and p.parameters["numFiles"] == "1"
        assert (p.sd.inputFormat, p.sd.serdeInfo.serializationLib) == (ORC_IN, ORC_SERDE)
        assert len(objects(minio, p.sd.location)) == 1
    assert thrift.get_table(s, "prices").parameters["numRows"] == "3"

    # ANALYZE: column statistics in the metastore, read back by SHOW STATS
    assert q("ANALYZE hive.%s.prices" % s) == [[3]]
    assert q("ANALYZE hive.%s.orders" % s) == [[5]]
    st = stats_by_col(thrift.get_table_statistics_req(TableStatsRequest(
        dbName=s, tblName="prices", colNames=["item", "price", "tag"])).tableStats)
    assert (st["price"].lowValue, st["price"].highValue, st["price"].numNulls) == (1.5, 2.5, 1)
    assert (st["item"].maxColLen, st["item"].numNulls, st["item"].numDVs) == (5, 0, 3)
    assert st["tag"].numNulls == 1
    ss = show_stats(trino, "hive.%s.prices" % s)
    assert ss[None][4] == 3.0
    assert ss["price"][2:4] == [2.0, pytest.approx(1 / 3)]
    assert ss["price"][5:7] == ["1.5", "2.5"]
    pst = thrift.get_partitions_statistics_req(PartitionsStatsRequest(
        dbName=s, tblName="orders", colNames=["id", "qty"],
        partNames=["ds=2024-01-01", "ds=2024-01-02"])).partStats
    p1, p2 = stats_by_col(pst["ds=2024-01-01"]), stats_by_col(pst["ds=2024-01-02"])
    assert (p1["id"].lowValue, p1["id"].highValue, p1["id"].numDVs) == (1, 3, 3)
    assert (p2["qty"].lowValue, p2["qty"].highValue) == (4, 5)
    ss = show_stats(trino, "hive.%s.orders" % s)
    assert ss[None][4] == 5.0
    assert ss["id"][5:7] == ["1", "5"]
    assert ss["ds"][2] == 2.0

    # ADD COLUMN: the table's columns change, the old partitions' stay
    q("ALTER TABLE hive.%s.orders ADD COLUMN note varchar" % s)
    q("INSERT INTO hive.%s.orders VALUES (6, 'fig', 7, 'late', '2024-01-03')" % s)
    assert cols(thrift.get_table(s, "orders").sd)[-1] == ("note", "string")
    parts = {tuple(p.values): p for p in thrift.get_partitions(s, "orders", -1)}
    assert [c[0] for c in cols(parts[("2024-01-01",)].sd)] == ["id", "item", "qty"]
    assert [c[0] for c in cols(parts[("2024-01-03",)].sd)] == ["id", "item", "qty", "note"]
    assert q("SELECT id, note FROM hive.%s.orders WHERE id IN (1, 6) ORDER BY id" % s) == [
        [1, None], [6, "late"]]

    # a view, kept by the metastore as Trino's Hive view
    q("CREATE VIEW hive.%s.daily AS SELECT ds, sum(qty) AS total FROM hive.%s.orders "
      "GROUP BY ds" % (s, s))
    assert q("SELECT * FROM hive.%s.daily ORDER BY ds" % s) == [
        ["2024-01-01", 6], ["2024-01-02", 9], ["2024-01-03", 7]]
    view = thrift.get_table(s, "daily")
    assert view.tableType == "VIRTUAL_VIEW"
    assert view.parameters.get("presto_view") == "true"
    assert "sum(qty)" in presto_view(view)["originalSql"]
    assert q("SHOW TABLES FROM hive.%s" % s) == [["daily"], ["orders"], ["prices"]]
    assert q("SELECT table_name, table_type FROM hive.information_schema.tables "
             "WHERE table_schema = '%s' ORDER BY table_name" % s) == [
        ["daily", "VIEW"], ["orders", "BASE TABLE"], ["prices", "BASE TABLE"]]
    ddl = q("SHOW CREATE TABLE hive.%s.orders" % s)[0][0]
    assert "format = 'ORC'" in ddl and "partitioned_by = ARRAY['ds']" in ddl, ddl

    # sync_partition_metadata: a directory written behind the metastore's back
    # is added, one whose files are gone is dropped
    table_loc = thrift.get_table(s, "orders").sd.location
    c = minio.client()
    bucket, _, prefix = table_loc.split("://", 1)[1].partition("/")
    src = "%s/ds=2024-01-02/%s" % (prefix, objects(minio, table_loc + "/ds=2024-01-02")[0])
    c.copy_object(Bucket=bucket, Key="%s/ds=2024-01-09/part-0" % prefix,
                  CopySource={"Bucket": bucket, "Key": src})
    # the whole directory goes: its files and its marker (the metastore wrote
    # one at add_partition, as the Java metastore's S3A mkdirs does)
    for k in minio.keys(bucket, "%s/ds=2024-01-01/" % prefix):
        c.delete_object(Bucket=bucket, Key=k)
    q("CALL hive.system.sync_partition_metadata(schema_name => '%s', table_name => 'orders', "
      "mode => 'FULL')" % s)
    assert thrift.get_partition_names(s, "orders", -1) == [
        "ds=2024-01-02", "ds=2024-01-03", "ds=2024-01-09"]
    assert thrift.get_partition(s, "orders", ["2024-01-09"]).sd.location == \
        table_loc + "/ds=2024-01-09"
    assert q("SELECT ds, count(*) FROM hive.%s.orders GROUP BY ds ORDER BY ds" % s) == [
        ["2024-01-02", 2], ["2024-01-03", 1], ["2024-01-09", 2]]

    # RENAME: the table and its column statistics follow the new name
    q("ALTER TABLE hive.%s.prices RENAME TO hive.%s.prices_v2" % (s, s))
    with pytest.raises(NoSuchObjectException):
        thrift.get_table(s, "prices")
    assert thrift.get_table(s, "prices_v2").tableName == "prices_v2"
    assert q("SELECT count(*), sum(price) FROM hive.%s.prices_v2" % s) == [[3, 4.0]]
    st = stats_by_col(thrift.get_table_statistics_req(TableStatsRequest(
        dbName=s, tblName="prices_v2", colNames=["price"])).tableStats)
    assert (st["price"].lowValue, st["price"].highValue) == (1.5, 2.5)
    assert show_stats(trino, "hive.%s.prices_v2" % s)["price"][5:7] == ["1.5", "2.5"]

    # DROP
    q("DROP VIEW hive.%s.daily" % s)
    q("DROP TABLE hive.%s.orders" % s)
    q("DROP TABLE hive.%s.prices_v2" % s)
    assert thrift.get_all_tables(s) == []
    q("DROP SCHEMA hive.%s" % s)
    assert s not in thrift.get_all_databases()
    assert [s] not in q("SHOW SCHEMAS FROM hive")


def test_hive_rename_moves_managed_data(trino, thrift, minio, tag):
    tag("Trino", VERSION, HIVE, "RENAME of a managed table on s3a:// moves its data", *logs())
    s = unique("trino_mv")
    q = trino.query
    q("CREATE SCHEMA hive.%s" % s)
    q("CREATE TABLE hive.%s.t (x integer) WITH (format = 'ORC')" % s)
    q("INSERT INTO hive.%s.t VALUES 1, 2" % s)
    q("ALTER TABLE hive.%s.t RENAME TO hive.%s.t_old" % (s, s))
    loc = "s3a://warehouse/%s.db" % s
    try:
        assert thrift.get_table(s, "t_old").sd.location == loc + "/t_old"
        assert objects(minio, loc + "/t") == []
        assert len(objects(minio, loc + "/t_old")) == 1
        # the old name is free again: Trino refuses a table over existing files
        q("CREATE TABLE hive.%s.t (x integer) WITH (format = 'ORC')" % s)
        assert q("SELECT count(*) FROM hive.%s.t_old" % s) == [[2]]
    finally:
        for t in ("t", "t_old"):
            q("DROP TABLE IF EXISTS hive.%s.%s" % (s, t))
        q("DROP SCHEMA hive.%s" % s)


def test_hive_drop_deletes_managed_data(trino, thrift, minio, tag):
    tag("Trino", VERSION, HIVE, "DROP TABLE of a managed table on s3a:// deletes its data",
        *logs())
    s = unique("trino_drop")
    q = trino.query
    q("CREATE SCHEMA hive.%s" % s)
    q("CREATE TABLE hive.%s.t (x integer, p varchar) WITH (partitioned_by = ARRAY['p'])" % s)
    q("INSERT INTO hive.%s.t VALUES (1, 'a'), (2, 'b')" % s)
    loc = thrift.get_table(s, "t").sd.location
    assert len(objects(minio, loc)) == 2
    q("DROP TABLE hive.%s.t" % s)
    q("DROP SCHEMA hive.%s" % s)
    assert objects(minio, loc) == []


HIVE_SQL = "hive sql-standard (Thrift)"


def as_user(trino, user, sql):
    """Run 'sql' on hive_sql as another user (no roles enabled): its rows,
    or the error's text."""
    import trino.dbapi as dbapi   # the module, not the fixture
    conn = dbapi.connect(host="127.0.0.1", port=trino.port, user=user, catalog="hive_sql",
                         http_scheme="http", request_timeout=120)
    try:
        cur = conn.cursor()
        cur.execute(sql)
        return cur.fetchall()
    except Exception as e:  # noqa: BLE001 (the denial is the answer)
        return str(e)
    finally:
        conn.close()


def test_hive_sql_standard(trino, thrift, minio, tag):
    """hive.security=sql-standard: roles and grants live in the metastore,
    Trino enforces them."""
    tag("Trino", VERSION, HIVE_SQL,
        "SET ROLE admin, CREATE ROLE, GRANT role TO USER, SHOW ROLES, SHOW ROLE GRANTS, "
        "CREATE TABLE (owner grants), GRANT SELECT TO USER/ROLE, SHOW GRANTS, enforced SELECT, "
        "REVOKE, DROP ROLE; checked through Thrift", *logs())
    from hive_metastore.ttypes import (GetPrincipalsInRoleRequest, HiveObjectRef, HiveObjectType,
                                       MetaException, PrincipalType)
    user = trino_user = "engines"
    try:   # as the Java metastore's metastore.users.in.admin.role would
        thrift.grant_role("admin", trino_user, PrincipalType.USER, "admin", PrincipalType.ROLE,
                          False)
    except MetaException as e:
        assert "already has the role" in e.message
    # SET ROLE within one session
    conn = trino.connect("hive_sql")
    try:
        cur = conn.cursor()
        cur.execute("SET ROLE admin IN hive_sql")
        cur.fetchall()
        cur = conn.cursor()
        cur.execute("SHOW CURRENT ROLES FROM hive_sql")
        assert ["admin"] in cur.fetchall()
    finally:
        conn.close()

    def q(sql):
        return trino.query(sql, roles={"hive_sql": "admin"})

    s, r = unique("trino_sqlstd"), unique("analysts")
    reader, member = unique("reader"), unique("member")
    q("CREATE ROLE %s IN hive_sql" % r)
    assert [r] in q("SHOW ROLES FROM hive_sql")
    assert r in thrift.get_role_names()
    q("GRANT %s TO USER %s IN hive_sql" % (r, member))
    assert [m.principalName for m in thrift.get_principals_in_role(
        GetPrincipalsInRoleRequest(roleName=r)).principalGrants] == [member]
    assert ["admin"] in q("SHOW ROLE GRANTS FROM hive_sql")

    q("CREATE SCHEMA hive_sql.%s" % s)
    q("CREATE TABLE hive_sql.%s.t (x integer)" % s)
    q("INSERT INTO hive_sql.%s.t VALUES 1, 2" % s)
    table = HiveObjectRef(objectType=HiveObjectType.TABLE, dbName=s, objectName="t")
    owner = thrift.list_privileges(user, PrincipalType.USER, table)
    # Trino names privileges in lower case (ThriftMetastoreUtil); stored as sent
    assert {p.grantInfo.privilege.upper() for p in owner} >= {"SELECT", "INSERT", "UPDATE",
                                                               "DELETE"}
    assert all(p.grantInfo.grantOption for p in owner)

    assert "Access Denied" in str(as_user(trino, reader, "SELECT count(*) FROM %s.t" % s))
    q("GRANT SELECT ON hive_sql.%s.t TO USER %s" % (s, reader))
    q("GRANT SELECT ON hive_sql.%s.t TO ROLE %s" % (s, r))
    grants = q("SHOW GRANTS ON TABLE hive_sql.%s.t" % s)
    grantees = {(row[2], row[3], row[7]) for row in grants}
    assert {(reader, "USER", "SELECT"), (r, "ROLE", "SELECT")} <= grantees
    assert [p.grantInfo.privilege.upper() for p in thrift.list_privileges(
        reader, PrincipalType.USER, table)] == ["SELECT"]
    pset = thrift.get_privilege_set(table, member, [])
    assert [g.privilege.upper() for g in pset.rolePrivileges[r]] == ["SELECT"]
    assert as_user(trino, reader, "SELECT count(*) FROM %s.t" % s) == [[2]]
    assert as_user(trino, member, "SELECT count(*) FROM %s.t" % s) == [[2]]

    q("REVOKE SELECT ON hive_sql.%s.t FROM USER %s" % (s, reader))
    assert thrift.list_privileges(reader, PrincipalType.USER, table) == []
    assert "Access Denied" in str(as_user(trino, reader, "SELECT count(*) FROM %s.t" % s))
    q("DROP ROLE %s IN hive_sql" % r)
    assert r not in thrift.get_role_names()
    assert thrift.list_privileges(r, PrincipalType.ROLE, HiveObjectRef()) == []
    assert "Access Denied" in str(as_user(trino, member, "SELECT count(*) FROM %s.t" % s))

    q("DROP TABLE hive_sql.%s.t" % s)
    q("DROP SCHEMA hive_sql.%s" % s)
    assert thrift.list_privileges(user, PrincipalType.USER, table) == []


# ---------------------------------------------------------------------------
# iceberg, through the Thrift door and through the REST door
# ---------------------------------------------------------------------------

def iceberg_workload(trino, cat, s, fmt):
    """The statements both Iceberg catalogs run; returns what Trino read."""
    q = trino.query
    out = {}
    q("CREATE TABLE %s.%s.events (id bigint, ts timestamp(6), kind varchar) "
      "WITH (format = '%s', partitioning = ARRAY['day(ts)'])" % (cat, s, fmt))
    # two files in one day: something for optimize to merge
    q("INSERT INTO %s.%s.events VALUES (1, TIMESTAMP '2024-02-01 10:00:00', 'click'), "
      "(2, TIMESTAMP '2024-02-01 11:00:00', 'view')" % (cat, s))
    q("INSERT INTO %s.%s.events VALUES (5, TIMESTAMP '2024-02-01 12:00:00', 'click'), "
      "(9, TIMESTAMP '2024-02-02 09:00:00', 'buy')" % (cat, s))
    out["rows"] = q("SELECT id, kind FROM %s.%s.events ORDER BY id" % (cat, s))
    out["snapshots"] = q('SELECT snapshot_id, operation FROM %s.%s."events$snapshots" '
                         "ORDER BY committed_at" % (cat, s))
    out["partitions"] = sorted(
        (str(r[0].ts_day), r[1], r[2]) for r in q(
            'SELECT partition, record_count, file_count FROM %s.%s."events$partitions"'
            % (cat, s)))
    out["files_before"] = q('SELECT count(*) FROM %s.%s."events$files"' % (cat, s))[0][0]
    q("ALTER TABLE %s.%s.events EXECUTE optimize" % (cat, s))
    out["files_after"] = q('SELECT count(*) FROM %s.%s."events$files"' % (cat, s))[0][0]
    snaps = q('SELECT snapshot_id, operation FROM %s.%s."events$snapshots" '
              "ORDER BY committed_at" % (cat, s))
    out["ops"] = [r[1] for r in snaps]
    out["current"] = snaps[-1][0]
    out["rows_after_optimize"] = q("SELECT id, kind FROM %s.%s.events ORDER BY id" % (cat, s))
    q("ANALYZE %s.%s.events" % (cat, s))
    out["stats"] = show_stats(trino, "%s.%s.events" % (cat, s))
    return out


def check_iceberg_workload(out):
    assert out["rows"] == [[1, "click"], [2, "view"], [5, "click"], [9, "buy"]]
    assert out["rows_after_optimize"] == out["rows"]
    # Trino 476 commits an empty snapshot at CREATE TABLE, then one per INSERT
    assert [r[1] for r in out["snapshots"]] == ["append", "append", "append"]
    assert out["ops"] == ["append", "append", "append", "replace"]
    assert out["partitions"] == [("2024-02-01", 3, 2), ("2024-02-02", 1, 1)]
    assert (out["files_before"], out["files_after"]) == (3, 2)
    assert out["stats"][None][4] == 4.0
    assert out["stats"]["id"][2] == 4.0
    assert out["stats"]["id"][5:7] == ["1", "9"]


def test_iceberg_hive_metastore(trino, thrift, metastore, minio, tag):
    tag("Trino", VERSION, ICE_HMS,
        "schemas, partitioned parquet and ORC tables, INSERT, $snapshots, $partitions, "
        "optimize, ANALYZE + SHOW STATS, ADD COLUMN, RENAME, views, DROP; "
        "read through the hive catalog's redirection and the REST door", *logs())
    s = unique("trino_ice")
    q = trino.query
    q("CREATE SCHEMA iceberg.%s" % s)
    assert [s] in q("SHOW SCHEMAS FROM iceberg")
    assert thrift.get_database(s).locationUri == "s3a://warehouse/%s.db" % s

    q("CREATE TABLE iceberg.%s.m (id bigint, v double) "
      "WITH (format = 'ORC', partitioning = ARRAY['bucket(id, 4)'])" % s)
    first = thrift.get_table(s, "m").parameters["metadata_location"]
    q("INSERT INTO iceberg.%s.m VALUES (1, 0.5), (2, 1.5), (3, 2.5)" % s)
    t = thrift.get_table(s, "m")
    # the INSERT commits its snapshot, then its statistics: one or two versions
    prev, cur = t.parameters["previous_metadata_location"], t.parameters["metadata_location"]
    assert version(first) <= version(prev) < version(cur)
    status, body = rest_load(metastore, s, "m")
    assert status == 200 and body["metadata-location"] == cur
    assert {first, prev} <= {e["metadata-file"] for e in body["metadata"]["metadata-log"]}
    assert q('SELECT sum(record_count) FROM iceberg.%s."m$partitions"' % s) == [[3]]
    assert q("SELECT sum(v) FROM iceberg.%s.m" % s) == [[4.5]]

    out = iceberg_workload(trino, "iceberg", s, "PARQUET")
    check_iceberg_workload(out)
    t = thrift.get_table(s, "events")
    assert t.tableType == "EXTERNAL_TABLE"
    assert t.parameters["table_type"].upper() == "ICEBERG"
    assert t.parameters.get("EXTERNAL") == "TRUE"
    loc = t.sd.location
    assert loc.startswith("s3a://warehouse/%s.db/events-" % s)
    meta = t.parameters["metadata_location"]
    assert meta.startswith(loc + "/metadata/") and meta.endswith(".metadata.json")
    assert cols(t.sd) == [("id", "bigint"), ("ts", "timestamp"), ("kind", "string")]
    # the same table through the REST door
    status, body = rest_load(metastore, s, "events")
    assert status == 200, body
    assert body["metadata-location"] == meta
    m = body["metadata"]
    assert m["location"] == loc
    assert m["current-snapshot-id"] == out["current"]
    assert t.parameters.get("current-snapshot-id") == str(out["current"])
    assert [x["summary"]["operation"] for x in m["snapshots"]] == out["ops"]
    assert any(st["snapshot-id"] == m["current-snapshot-id"] for st in m.get("statistics", []))
    assert len(objects(minio, loc + "/data")) >= 1

    assert q("SELECT table_name, column_name FROM iceberg.information_schema.columns "
             "WHERE table_schema = '%s' ORDER BY table_name, ordinal_position" % s) == [
        ["events", "id"], ["events", "ts"], ["events", "kind"], ["m", "id"], ["m", "v"]]
    # the hive catalog sends Iceberg tables to the iceberg catalog
    assert q("SELECT count(*) FROM hive.%s.events" % s) == [[4]]

    q("ALTER TABLE iceberg.%s.events ADD COLUMN note varchar" % s)
    q("INSERT INTO iceberg.%s.events VALUES (10, TIMESTAMP '2024-02-03 08:00:00', 'buy', 'x')"
      % s)
    q("ALTER TABLE iceberg.%s.events RENAME TO iceberg.%s.events2" % (s, s))
    with pytest.raises(NoSuchObjectException):
        thrift.get_table(s, "events")
    t2 = thrift.get_table(s, "events2")
    assert t2.sd.location == loc          # an external table stays where it is
    assert [c[0] for c in cols(t2.sd)] == ["id", "ts", "kind", "note"]
    status, body = rest_load(metastore, s, "events2")
    assert status == 200 and body["metadata-location"] == t2.parameters["metadata_location"]
    assert [f["name"] for f in body["metadata"]["schemas"][-1]["fields"]] == \
        ["id", "ts", "kind", "note"]
    assert rest_load(metastore, s, "events")[0] == 404
    assert q("SELECT count(*), count(note) FROM iceberg.%s.events2" % s) == [[5, 1]]

    q("CREATE VIEW iceberg.%s.kinds AS SELECT kind, count(*) AS n FROM iceberg.%s.events2 "
      "GROUP BY kind" % (s, s))
    assert q("SELECT * FROM iceberg.%s.kinds ORDER BY kind" % s) == [
        ["buy", 2], ["click", 2], ["view", 1]]
    v = thrift.get_table(s, "kinds")
    assert v.tableType == "VIRTUAL_VIEW" and v.parameters.get("presto_view") == "true"
    assert q("SHOW TABLES FROM iceberg.%s" % s) == [["events2"], ["kinds"], ["m"]]

    q("DROP VIEW iceberg.%s.kinds" % s)
    q("DROP TABLE iceberg.%s.events2" % s)
    q("DROP TABLE iceberg.%s.m" % s)
    assert thrift.get_all_tables(s) == []
    assert objects(minio, loc) == []       # Trino deletes an Iceberg table's files itself
    q("DROP SCHEMA iceberg.%s" % s)
    assert s not in thrift.get_all_databases()


def test_iceberg_rest(trino, thrift, metastore, minio, tag):
    tag("Trino", VERSION, ICE_REST,
        "namespaces, partitioned ORC and parquet tables, INSERT, $snapshots, $partitions, "
        "optimize, ANALYZE + SHOW STATS, ADD COLUMN, RENAME, REST views, DROP; "
        "read through the Thrift door", *logs())
    s = unique("trino_rest")
    q = trino.query
    q("CREATE SCHEMA iceberg_rest.%s" % s)
    assert [s] in q("SHOW SCHEMAS FROM iceberg_rest")
    status, ns = metastore.rest("GET", "/v1/namespaces/%s" % s)
    assert status == 200 and ns["namespace"] == [s]
    assert ns["properties"]["location"] == "s3a://warehouse/%s.db" % s

    out = iceberg_workload(trino, "iceberg_rest", s, "ORC")
    check_iceberg_workload(out)
    status, body = rest_load(metastore, s, "events")
    assert status == 200, body
    m = body["metadata"]
    assert m["format-version"] == 2
    assert m["properties"]["write.format.default"] == "ORC"
    assert [x["summary"]["operation"] for x in m["snapshots"]] == out["ops"]
    assert m["current-snapshot-id"] == out["current"]
    assert [(f["name"], f["transform"]) for f in m["partition-specs"][0]["fields"]] == [
        ("ts_day", "day")]
    assert any(st["snapshot-id"] == m["current-snapshot-id"] for st in m.get("statistics", []))
    loc = m["location"]
    assert loc.startswith("s3a://warehouse/%s.db/events" % s)
    assert body["metadata-location"].startswith(loc + "/metadata/")
    # the same table through the Thrift door
    t = thrift.get_table(s, "events")
    assert t.parameters["table_type"].upper() == "ICEBERG"
    assert t.parameters["metadata_location"] == body["metadata-location"]
    # ...and through Trino's hive_metastore catalog
    assert q("SELECT count(*) FROM iceberg.%s.events" % s) == [[4]]

    q("CREATE TABLE iceberg_rest.%s.p (id bigint, name varchar) WITH (format = 'PARQUET', "
      "partitioning = ARRAY['name'])" % s)
    q("INSERT INTO iceberg_rest.%s.p VALUES (1, 'a'), (2, 'b'), (3, 'a')" % s)
    assert q('SELECT partition.name, record_count FROM iceberg_rest.%s."p$partitions" '
             "ORDER BY 1" % s) == [["a", 2], ["b", 1]]
    assert rest_load(metastore, s, "p")[1]["metadata"]["properties"][
        "write.format.default"] == "PARQUET"
    assert q("SELECT table_name, column_name FROM iceberg_rest.information_schema.columns "
             "WHERE table_schema = '%s' ORDER BY table_name, ordinal_position" % s) == [
        ["events", "id"], ["events", "ts"], ["events", "kind"], ["p", "id"], ["p", "name"]]

    q("ALTER TABLE iceberg_rest.%s.events ADD COLUMN note varchar" % s)
    q("ALTER TABLE iceberg_rest.%s.events RENAME TO iceberg_rest.%s.events2" % (s, s))
    assert rest_load(metastore, s, "events")[0] == 404
    status, body = rest_load(metastore, s, "events2")
    assert status == 200 and body["metadata"]["location"] == loc
    assert [f["name"] for f in body["metadata"]["schemas"][-1]["fields"]] == \
        ["id", "ts", "kind", "note"]
    assert q("SELECT count(*), count(note) FROM iceberg_rest.%s.events2" % s) == [[4, 0]]

    q("CREATE VIEW iceberg_rest.%s.kinds AS SELECT kind, count(*) AS n "
      "FROM iceberg_rest.%s.events2 GROUP BY kind" % (s, s))
    assert q("SELECT * FROM iceberg_rest.%s.kinds ORDER BY kind" % s) == [
        ["buy", 1], ["click", 2], ["view", 1]]
    status, view = rest_load(metastore, s, "kinds", "views")
    assert status == 200, view
    version = view["metadata"]["versions"][-1]
    assert [(r["type"], r["dialect"]) for r in version["representations"]] == [("sql", "trino")]
    assert "count(*)" in version["representations"][0]["sql"]
    assert q("SHOW TABLES FROM iceberg_rest.%s" % s) == [["events2"], ["kinds"], ["p"]]
    assert metastore.rest("GET", "/v1/namespaces/%s/views" % s)[1]["identifiers"] == [
        {"namespace": [s], "name": "kinds"}]

    q("DROP VIEW iceberg_rest.%s.kinds" % s)
    assert rest_load(metastore, s, "kinds", "views")[0] == 404
    q("DROP TABLE iceberg_rest.%s.events2" % s)
    q("DROP TABLE iceberg_rest.%s.p" % s)
    assert rest_load(metastore, s, "events2")[0] == 404
    assert metastore.rest("GET", "/v1/namespaces/%s/tables" % s)[1]["identifiers"] == []
    assert objects(minio, loc) == []       # Trino asks the REST server to purge
    q("DROP SCHEMA iceberg_rest.%s" % s)
    assert metastore.rest("GET", "/v1/namespaces/%s" % s)[0] == 404


# ---------------------------------------------------------------------------
# Spark and Trino on one catalog
# ---------------------------------------------------------------------------

def spark_conf(metastore, minio):
    conf = {"spark.sql.session.timeZone": "UTC"}
    for cat, kind, uri in (("ice", "hive", metastore.thrift_uri),
                           ("ice_rest", "rest", metastore.rest_uri)):
        p = "spark.sql.catalog." + cat
        conf.update({
            p: "org.apache.iceberg.spark.SparkCatalog",
            p + ".type": kind,
            p + ".uri": uri,
            p + ".io-impl": "org.apache.iceberg.io.ResolvingFileIO",
            p + ".s3.endpoint": minio.endpoint,
            p + ".s3.path-style-access": "true",
            p + ".s3.access-key-id": minio.access_key,
            p + ".s3.secret-access-key": minio.secret_key,
            p + ".client.region": minio.region,
        })
    return conf


def test_spark_and_trino(spark, trino, thrift, metastore, minio, tag):
    spark_log = components.results_path("spark", "trino_interop.log")
    tag("Trino", VERSION, "hive + iceberg (Thrift, REST) with Spark %s" % SPARK_VERSION,
        "Trino reads Spark's parquet, ORC and Iceberg tables; a new Spark process reads "
        "Trino's ORC, parquet and Iceberg (Thrift and REST) tables", spark_log, *logs())
    db = unique("trino_spark")
    q = trino.query
    conf = spark_conf(metastore, minio)
    wrote = spark.run("trino_interop:write_for_trino",
                      {"db": db, "location": "s3a://warehouse/%s.db" % db}, conf,
                      log_name="trino_interop")
    assert wrote == {"snapshots": 2}

    # Trino reads what Spark wrote
    assert q("SHOW TABLES FROM hive.%s" % db) == [["spark_events"], ["spark_orc"],
                                                  ["spark_sales"]]
    assert q("SELECT region, count(*), sum(amount) FROM hive.%s.spark_sales GROUP BY region "
             "ORDER BY region" % db) == [["apac", 1, 3.0], ["eu", 2, 30.5], ["us", 2, 6.25]]
    assert q("SELECT ds, count(*) FROM hive.%s.spark_orc GROUP BY ds ORDER BY ds" % db) == [
        ["2024-01-01", 2], ["2024-01-02", 1]]
    assert q('SELECT ds FROM hive.%s."spark_orc$partitions" ORDER BY ds' % db) == [
        ["2024-01-01"], ["2024-01-02"]]
    for cat in ("iceberg", "iceberg_rest"):
        assert q("SELECT count(*), sum(id), to_iso8601(max(ts)) FROM %s.%s.spark_events"
                 % (cat, db)) == [[4, 10, "2024-03-03T08:00:00.000000Z"]]
        assert q('SELECT count(*) FROM %s.%s."spark_events$snapshots"' % (cat, db)) == [[2]]
        assert len(q('SELECT * FROM %s.%s."spark_events$partitions"' % (cat, db))) == 3
    sales = thrift.get_table(db, "spark_sales")
    assert sales.parameters.get("spark.sql.sources.provider") == "parquet"
    assert thrift.get_table(db, "spark_events").parameters["table_type"].upper() == "ICEBERG"

    # Trino writes; a new Spark process reads
    q("CREATE TABLE hive.%s.trino_orc (id bigint, qty integer, ds varchar) "
      "WITH (format = 'ORC', partitioned_by = ARRAY['ds'])" % db)
    q("INSERT INTO hive.%s.trino_orc VALUES (1, 2, '2024-05-01'), (2, 3, '2024-05-01'), "
      "(3, 4, '2024-05-02')" % db)
    q("CREATE TABLE hive.%s.trino_parquet WITH (format = 'PARQUET') AS "
      "SELECT * FROM (VALUES (1, 'x'), (2, NULL), (3, 'y')) AS t(id, tag)" % db)
    q("CREATE TABLE iceberg.%s.trino_events (id bigint, day date) "
      "WITH (partitioning = ARRAY['day'])" % db)
    q("INSERT INTO iceberg.%s.trino_events VALUES (1, DATE '2024-06-01'), "
      "(2, DATE '2024-06-02')" % db)
    q("INSERT INTO iceberg.%s.trino_events VALUES (3, DATE '2024-06-02')" % db)
    q("CREATE TABLE iceberg_rest.%s.trino_rest_events (id bigint, kind varchar) "
      "WITH (format = 'ORC', partitioning = ARRAY['kind'])" % db)
    q("INSERT INTO iceberg_rest.%s.trino_rest_events VALUES (10, 'a'), (20, 'b'), (30, 'a')"
      % db)
    got = spark.run("trino_interop:read_trino_tables", {"db": db}, conf,
                    log_name="trino_interop")
    assert got["tables"] == ["spark_events", "spark_orc", "spark_sales", "trino_events",
                             "trino_orc", "trino_parquet", "trino_rest_events"]
    assert got["trino_orc"] == {"count": 3, "sum": 9}
    assert got["trino_orc_by_ds"] == {"2024-05-01": 2, "2024-05-02": 1}
    assert got["trino_orc_partitions"] == ["ds=2024-05-01", "ds=2024-05-02"]
    assert got["trino_parquet"] == {"count": 3, "sum": 6}
    assert got["trino_parquet_null_tags"] == 1
    assert got["trino_events"] == {"count": 3, "sum": 6}
    assert got["trino_events_snapshots"] == ["append", "append", "append"]
    assert got["trino_events_partitions"] == 2
    assert got["trino_rest_events"] == {"count": 3, "sum": 60}
    assert got["trino_rest_events_snapshots"] == ["append", "append"]
    assert got["trino_rest_events_partitions"] == 2

    for t in ("trino_events", "spark_events"):
        q("DROP TABLE iceberg.%s.%s" % (db, t))
    q("DROP TABLE iceberg_rest.%s.trino_rest_events" % db)
    for t in ("trino_orc", "trino_parquet", "spark_orc", "spark_sales"):
        q("DROP TABLE hive.%s.%s" % (db, t))
    q("DROP SCHEMA hive.%s" % db)
    assert db not in thrift.get_all_databases()
