"""Iceberg on Spark jobs: one write job runs every workload on every
namespace of a plan; two writers race appends into shared tables; the
read job (a new process) reads it all back.

A plan is a list of namespaces, each {"cat", "ns", "loc", "other", "full",
"hold_lock", "lock_wait"}: the catalog that creates and writes it, its
location (s3:// or file://), the catalog of the other door (which writes
one batch and reads it all too), whether the whole workload runs there or
the events table only, and the HMS lock tests (see write_all). The rows
written are the pure functions at the top, shared with the tests that
compute what must be read back.
"""
import datetime
import sys
import threading
import time


def base_rows():
    """events' first two batches: (id, ts, kind, amount) for ids 1..12."""
    return [(i, "2024-03-%02d %02d:00:00" % (1 + i % 3, i), "k%d" % (i % 2), i * 1.5)
            for i in range(1, 13)]


def values(rows):
    """Rows as the text of a VALUES list (strings starting 2024 are timestamps)."""
    out = []
    for r in rows:
        cells = []
        for v in r:
            if v is None:
                cells.append("NULL")
            elif isinstance(v, str) and v[:4] == "2024":
                cells.append("TIMESTAMP '%s'" % v)
            elif isinstance(v, str):
                cells.append("'%s'" % v)
            else:
                cells.append(repr(v))
        out.append("(%s)" % ", ".join(cells))
    return ", ".join(out)


EVENTS_PROPS = ("'format-version'='2', 'write.delete.mode'='copy-on-write', "
                "'write.update.mode'='copy-on-write', 'write.merge.mode'='copy-on-write', "
                "'commit.retry.num-retries'='10'")
MOR_PROPS = ("'format-version'='2', 'write.delete.mode'='merge-on-read', "
             "'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read'")


class HmsLock:
    """An HMS EXCLUSIVE table lock taken through our Thrift port (the
    client generated into gen-py), as another engine would hold it."""

    def __init__(self, hms, db, table):
        if hms["gen_py"] not in sys.path:
            sys.path.insert(0, hms["gen_py"])
        from thrift.protocol import TBinaryProtocol
        from thrift.transport import TSocket, TTransport
        from hive_metastore import ThriftHiveMetastore
        from hive_metastore.ttypes import (LockComponent, LockLevel, LockRequest, LockState,
                                           LockType, UnlockRequest)
        self.unlock_request = UnlockRequest
        self.transport = TTransport.TBufferedTransport(TSocket.TSocket("127.0.0.1", hms["port"]))
        self.client = ThriftHiveMetastore.Client(TBinaryProtocol.TBinaryProtocol(self.transport))
        self.transport.open()
        r = self.client.lock(LockRequest(
            component=[LockComponent(type=LockType.EXCLUSIVE, level=LockLevel.TABLE,
                                     dbname=db, tablename=table)],
            user="another-engine", hostname="127.0.0.1"))
        assert r.state == LockState.ACQUIRED, r
        self.lockid = r.lockid

    def release(self):
        self.client.unlock(self.unlock_request(lockid=self.lockid))
        self.transport.close()


def snapshot_ids(spark, table):
    return [r[0] for r in spark.sql(
        "SELECT snapshot_id FROM %s.snapshots ORDER BY committed_at" % table).collect()]


def current_snapshot(spark, table):
    return spark.sql("SELECT snapshot_id, date_format(committed_at, "
                     "'yyyy-MM-dd HH:mm:ss.SSS') FROM %s.snapshots "
                     "ORDER BY committed_at DESC LIMIT 1" % table).collect()[0]


def events_workload(spark, cat, ns, other):
    """The events table, copy-on-write: create (days(ts), bucket(4, id)),
    two inserts, tag, MERGE, UPDATE, DELETE, schema and partition
    evolution, a branch with its own insert, a batch through the other
    door. Returns the snapshot ids and times the read job travels to."""
    t = "%s.%s.events" % (cat, ns)
    rows = base_rows()
    spark.sql("CREATE TABLE %s (id bigint, ts timestamp, kind string, amount double) "
              "USING iceberg PARTITIONED BY (days(ts), bucket(4, id)) "
              "TBLPROPERTIES (%s)" % (t, EVENTS_PROPS))
    spark.sql("INSERT INTO %s VALUES %s" % (t, values(rows[:8])))
    s1 = current_snapshot(spark, t)
    spark.sql("INSERT INTO %s VALUES %s" % (t, values(rows[8:])))
    spark.sql("ALTER TABLE %s CREATE TAG first_load" % t)
    spark.sql("MERGE INTO %s t USING (SELECT * FROM VALUES %s AS s(id, ts, kind, amount)) s "
              "ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.amount = s.amount, t.kind = s.kind "
              "WHEN NOT MATCHED THEN INSERT *"
              % (t, values([(2, "2024-03-03 02:00:00", "merged", 200.0),
                            (20, "2024-03-03 20:00:00", "merged", 20.0)])))
    s3 = current_snapshot(spark, t)
    spark.sql("UPDATE %s SET amount = amount * 10 WHERE id = 3" % t)
    spark.sql("DELETE FROM %s WHERE id = 4" % t)
    spark.sql("ALTER TABLE %s ADD COLUMN note string" % t)
    spark.sql("ALTER TABLE %s RENAME COLUMN amount TO total" % t)
    spark.sql("ALTER TABLE %s DROP COLUMN kind" % t)
    spark.sql("ALTER TABLE %s ADD PARTITION FIELD note" % t)
    spark.sql("INSERT INTO %s VALUES %s" % (t, values([(30, "2024-03-05 01:00:00", 300.0, "n30")])))
    spark.sql("ALTER TABLE %s CREATE BRANCH audit" % t)
    spark.sql("INSERT INTO %s.branch_audit VALUES %s"
              % (t, values([(40, "2024-03-05 02:00:00", 400.0, "audit")])))
    snapshots = snapshot_ids(spark, t)
    # the other door writes a batch into main
    spark.sql("INSERT INTO %s.%s.events VALUES %s"
              % (other, ns, values([(99, "2024-03-06 03:00:00", 9.5, "other")])))
    return {"s1": s1[0], "s3": s3[0], "s3_time": s3[1], "snapshots": snapshots}


def mor_workload(spark, cat, ns):
    """events_mor: DELETE, UPDATE and MERGE as merge-on-read (delete files)."""
    t = "%s.%s.events_mor" % (cat, ns)
    spark.sql("CREATE TABLE %s (id bigint, ts timestamp, kind string, amount double) "
              "USING iceberg PARTITIONED BY (days(ts)) TBLPROPERTIES (%s)" % (t, MOR_PROPS))
    spark.sql("INSERT INTO %s VALUES %s" % (t, values(base_rows()[:8])))
    spark.sql("DELETE FROM %s WHERE id = 1" % t)
    spark.sql("UPDATE %s SET amount = -1.0 WHERE id = 2" % t)
    spark.sql("MERGE INTO %s t USING (SELECT * FROM VALUES %s AS s(id, ts, kind, amount, op)) s "
              "ON t.id = s.id WHEN MATCHED AND s.op = 'd' THEN DELETE "
              "WHEN MATCHED THEN UPDATE SET t.amount = s.amount "
              "WHEN NOT MATCHED THEN INSERT (id, ts, kind, amount) VALUES (s.id, s.ts, s.kind, s.amount)"
              % (t, values([(3, "2024-03-01 03:00:00", "k1", 33.0, "u"),
                            (5, "2024-03-03 05:00:00", "k1", 0.0, "d"),
                            (50, "2024-03-02 05:00:00", "k0", 50.0, "i")])))


def maintenance_workload(spark, cat, ns, expire_before, lock_wait):
    """maint: four one-row commits, rewrite_data_files into one file, then
    expire_snapshots keeping the last one (files of the others deleted).
    With 'lock_wait' (the HMS-locking catalog) the first commit meets an
    HMS lock another client holds for 3 s, and must wait for it."""
    t = "%s.%s.maint" % (cat, ns)
    spark.sql("CREATE TABLE %s (id bigint, v string) USING iceberg" % t)
    waited = None
    for i in range(4):
        if i == 0 and lock_wait:
            held = HmsLock(lock_wait, ns, "maint")
            threading.Timer(3.0, held.release).start()
            t0 = time.monotonic()
        spark.sql("INSERT INTO %s VALUES (%d, 'v%d')" % (t, i, i))
        if i == 0 and lock_wait:
            waited = time.monotonic() - t0
    rw = spark.sql("CALL %s.system.rewrite_data_files(table => '%s.maint', "
                   "options => map('min-input-files', '2'))" % (cat, ns)).collect()[0]
    ex = spark.sql("CALL %s.system.expire_snapshots(table => '%s.maint', older_than => "
                   "TIMESTAMP '%s', retain_last => 1)" % (cat, ns, expire_before)).collect()[0]
    return {"waited_for_lock": waited,
            "rewritten": rw["rewritten_data_files_count"], "added": rw["added_data_files_count"],
            "deleted_data_files": ex["deleted_data_files_count"],
            "deleted_manifest_lists": ex["deleted_manifest_lists_count"]}


def register_and_purge_workload(spark, cat, ns):
    """reg_src dropped without purge and registered back as reg_back from
    its last metadata file; purged written then dropped with PURGE."""
    src = "%s.%s.reg_src" % (cat, ns)
    spark.sql("CREATE TABLE %s (id bigint) USING iceberg" % src)
    spark.sql("INSERT INTO %s VALUES (1), (2), (3)" % src)
    md = spark.sql("SELECT file FROM %s.metadata_log_entries ORDER BY timestamp DESC LIMIT 1"
                   % src).collect()[0][0]
    spark.sql("DROP TABLE %s" % src)
    reg = spark.sql("CALL %s.system.register_table(table => '%s.reg_back', metadata_file => '%s')"
                    % (cat, ns, md)).collect()[0]
    p = "%s.%s.purged" % (cat, ns)
    spark.sql("CREATE TABLE %s (id bigint, d date) USING iceberg PARTITIONED BY (d)" % p)
    spark.sql("INSERT INTO %s VALUES (1, DATE '2024-01-01'), (2, DATE '2024-01-02')" % p)
    spark.sql("INSERT INTO %s VALUES (3, DATE '2024-01-03')" % p)
    spark.sql("DELETE FROM %s WHERE id = 2" % p)
    spark.sql("DROP TABLE %s PURGE" % p)
    return {"registered_from": md, "registered_rows": reg["total_records_count"]}


def view_workload(spark, cat, ns):
    """An Iceberg view over events (through REST, or HiveCatalog's views)."""
    spark.sql("CREATE VIEW %s.%s.big_events (id, total) COMMENT 'events over 10' AS "
              "SELECT id, total FROM %s.%s.events WHERE total > 10" % (cat, ns, cat, ns))
    return sorted(r.viewName for r in spark.sql("SHOW VIEWS IN %s.%s" % (cat, ns)).collect())


def write_all(spark, plan, hms):
    """Every workload of the plan, in one session. Returns per namespace
    what the read job and the test need (snapshot ids, procedure results).
    'hms' ({"port", "gen_py"}) reaches our Thrift port: a namespace with
    "hold_lock" has its events table locked by another client all along
    (a catalog without HMS locks must not care); one with "lock_wait"
    meets a lock held for a while (a locking catalog must wait)."""
    out = {}
    expire_before = (datetime.datetime.utcnow() + datetime.timedelta(minutes=10)) \
        .strftime("%Y-%m-%d %H:%M:%S")
    for p in plan:
        cat, ns = p["cat"], p["ns"]
        spark.sql("CREATE NAMESPACE %s.%s COMMENT 'iceberg lab' LOCATION '%s'"
                  % (cat, ns, p["loc"]))
        held = HmsLock(hms, ns, "events") if p.get("hold_lock") else None
        r = {"events": events_workload(spark, cat, ns, p["other"])}
        if held:
            held.release()
        if p["full"]:
            mor_workload(spark, cat, ns)
            r["maint"] = maintenance_workload(spark, cat, ns, expire_before,
                                              hms if p.get("lock_wait") else None)
            r["register"] = register_and_purge_workload(spark, cat, ns)
            r["views"] = view_workload(spark, cat, ns)
        out[ns] = r
    return {"namespaces": out, "jvm_cpu_s": jvm_cpu_seconds(spark)}


def jvm_cpu_seconds(spark):
    """CPU time this job's JVM has used so far (its start included): about
    what the job takes on an idle machine, whatever the load here."""
    import os
    pid = spark._jvm.java.lang.ProcessHandle.current().pid()
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 1)


def rows_of(df):
    return [list(r) for r in df.collect()]


def read_events(spark, t, w, everything):
    """events as read through one catalog: main, time travel, tag, branch;
    with 'everything' the metadata tables too."""
    q = spark.sql
    out = {
        "columns": q("SELECT * FROM %s" % t).columns,
        "rows": rows_of(q("SELECT id, date_format(ts, 'yyyy-MM-dd HH:mm:ss'), total, note "
                          "FROM %s ORDER BY id" % t)),
        "v_s1": list(q("SELECT count(*), sum(id) FROM %s VERSION AS OF %d"
                       % (t, w["s1"])).collect()[0]),
        "t_s3": list(q("SELECT count(*), sum(id) FROM %s TIMESTAMP AS OF '%s'"
                       % (t, w["s3_time"])).collect()[0]),
        "tag": list(q("SELECT count(*), sum(id) FROM %s VERSION AS OF 'first_load'"
                      % t).collect()[0]),
        "branch": list(q("SELECT count(*), sum(id) FROM %s VERSION AS OF 'audit'"
                         % t).collect()[0]),
        "snapshots": rows_of(q("SELECT snapshot_id, parent_id, operation FROM %s.snapshots "
                               "ORDER BY committed_at" % t)),
    }
    if everything:
        out.update({
            "tag_columns": q("SELECT * FROM %s VERSION AS OF 'first_load'" % t).columns,
            "branch_ident": q("SELECT count(*) FROM %s.branch_audit" % t).collect()[0][0],
            "history": rows_of(q("SELECT snapshot_id, is_current_ancestor FROM %s.history "
                                 "ORDER BY made_current_at" % t)),
            "files_specs": rows_of(q("SELECT spec_id, count(*) FROM %s.files GROUP BY spec_id "
                                     "ORDER BY spec_id" % t)),
            "files_records": q("SELECT sum(record_count) FROM %s.files" % t).collect()[0][0],
            "refs": rows_of(q("SELECT name, type FROM %s.refs ORDER BY name" % t)),
            "create": q("SHOW CREATE TABLE %s" % t).collect()[0][0],
        })
    return out


def read_all(spark, plan, wrote, appends):
    """Everything written, read by this new session, events through both
    doors; and what the racing writers appended."""
    out = {}
    q = spark.sql
    for p in plan:
        cat, ns = p["cat"], p["ns"]
        w = wrote["namespaces"][ns]
        r = {"events": {c: read_events(spark, "%s.%s.events" % (c, ns), w["events"], c == cat)
                        for c in (cat, p["other"])}}
        r["tables"] = sorted(x.tableName for x in q("SHOW TABLES IN %s.%s" % (cat, ns)).collect())
        if p["full"]:
            t = "%s.%s.events_mor" % (cat, ns)
            r["mor"] = {
                "rows": rows_of(q("SELECT id, amount FROM %s ORDER BY id" % t)),
                "content": rows_of(q("SELECT content, count(*) FROM %s.files GROUP BY content "
                                     "ORDER BY content" % t)),
                "operations": [x[0] for x in q("SELECT operation FROM %s.snapshots "
                                               "ORDER BY committed_at" % t).collect()],
            }
            t = "%s.%s.maint" % (cat, ns)
            r["maint"] = {
                "rows": rows_of(q("SELECT id, v FROM %s ORDER BY id" % t)),
                "files": q("SELECT count(*) FROM %s.files" % t).collect()[0][0],
                "snapshots": rows_of(q("SELECT operation FROM %s.snapshots" % t)),
            }
            r["reg_back"] = rows_of(q("SELECT id FROM %s.%s.reg_back ORDER BY id" % (cat, ns)))
            r["view"] = {}
            for c in (cat, p["other"]):
                v = "%s.%s.big_events" % (c, ns)
                r["view"][c] = {
                    "rows": rows_of(q("SELECT id, total FROM %s ORDER BY id" % v)),
                    "views": sorted(x.viewName for x in q("SHOW VIEWS IN %s.%s" % (c, ns))
                                    .collect()),
                }
        out[ns] = r
    return {"namespaces": out, "appends": read_appends(spark, appends),
            "jvm_cpu_s": jvm_cpu_seconds(spark)}


def append_batches(spark, tables, writer, batches, rows, barrier):
    """One of two writers appending to the same tables at once: waits at a
    barrier (a file per writer in the folder 'barrier') for the other,
    then appends 'batches' commits of 'rows' rows to each table in turn.
    Iceberg retries a commit that loses the race. Writer 0 creates the
    tables first (they are empty and new)."""
    import os
    import time
    if writer == 0:
        for t in tables:
            spark.sql("CREATE TABLE %s (writer int, batch int, k int) USING iceberg "
                      "TBLPROPERTIES ('commit.retry.num-retries'='30', "
                      "'commit.retry.min-wait-ms'='20', 'commit.retry.max-wait-ms'='2000')" % t)
    else:
        spark.sql("SELECT 1").collect()   # warm up this session before the race
    open(os.path.join(barrier, "writer%d" % writer), "w").close()
    deadline = time.monotonic() + 600
    while len(os.listdir(barrier)) < 2:
        if time.monotonic() > deadline:
            raise RuntimeError("the other writer never arrived")
        time.sleep(0.05)
    started = time.time()
    for b in range(batches):
        for t in tables:
            spark.sql("INSERT INTO %s SELECT %d, %d, id FROM range(%d)"
                      % (t, writer, b, rows))
    return {"started": started, "ended": time.time(), "jvm_cpu_s": jvm_cpu_seconds(spark)}


def read_appends(spark, tables):
    """What the two writers left: rows per (writer, batch), commits."""
    out = {}
    for t in tables:
        out[t] = {
            "batches": rows_of(spark.sql("SELECT writer, batch, count(*), sum(k) FROM %s "
                                         "GROUP BY writer, batch ORDER BY writer, batch" % t)),
            "snapshots": rows_of(spark.sql("SELECT operation, count(*) FROM %s.snapshots "
                                           "GROUP BY operation" % t)),
            "history": spark.sql("SELECT count(*) FROM %s.history" % t).collect()[0][0],
        }
    return out
