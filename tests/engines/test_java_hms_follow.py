"""`metastore import --follow`: the Java metastore's changes reach ours live.

The Java metastore (java_hms.py, its DbNotificationListener on) is
populated with test_java_hms_diff's corpus and imported into a fresh
database of ours. Then `import --follow-only` runs in the background while
changes are made THROUGH THE JAVA SERVER: databases created, altered and
dropped; tables created, altered, renamed and dropped; partitions added
and dropped; table and partition statistics written and deleted;
functions created and dropped; a partition added to an imported table.
Once our catalog has caught up (its recorded position equals the source's
next event, bounded wait), the same reads go to both servers and are
compared field by field with the import test's normaliser.

Constraints of every kind and grants are imported first, so that a table
copied again keeps its grants and the foreign keys referencing it.

Then follow is stopped (SIGTERM: exit 0) while more changes are made, and
started again: it catches up, the reads are equal again, and the events
each run applied add up to exactly the events between the two positions
(nothing lost, nothing applied twice). The downtime of a cut-over is
measured: the time from a write on the Java server returning to it being
readable on ours. A gap in the source's log (events cleaned before they
were read) and a follow without an import are refused with clear errors.
`import --follow` copies then follows in one process; a follower killed
with SIGKILL mid-stream is resumed at its last committed event.
"""
import os
import re
import signal
import subprocess
import tempfile
import time

import pytest

import java_hms
import servers
import test_java_hms_diff as diff
import test_java_hms_import as imp
from components import results_path
from hive_metastore.ttypes import (AddNotNullConstraintRequest, ColumnStatistics,
                                   ColumnStatisticsDesc, Database, DropConstraintRequest,
                                   Function, GetTableRequest, NotNullConstraintsRequest,
                                   Partition, PartitionsStatsRequest, PrincipalType, ResourceType,
                                   ResourceUri, SQLNotNullConstraint, TableStatsRequest)

FDB = diff.P + "follow"
GONE = diff.P + "follow_gone"
AGAIN = diff.P + "follow_again"
WAREHOUSE = "file:///tmp/jfollow-wh"
POLL_MS = 100


def follow_cmd(pg, source, target, *extra):
    """source: a database of 'pg', or a source URL (mysql://...)."""
    source = source if "://" in source else pg.conninfo(source)
    return [servers.METASTORE_BIN, "import", "--from", source,
            "--database-url", pg.conninfo(target), "--warehouse", WAREHOUSE] + list(extra)


class Follower:
    """`import --follow-only` in the background; its output in a log."""

    def __init__(self, pg, source, target, n):
        self.log = results_path("java-hms-follow", "follow-%d.log" % n)
        self._f = open(self.log, "w")
        self.proc = subprocess.Popen(
            follow_cmd(pg, source, target, "--follow-only", "--poll-ms", str(POLL_MS)),
            stdout=self._f, stderr=subprocess.STDOUT, env=servers.clean_env(),
            cwd=tempfile.gettempdir(), start_new_session=True)

    def stop(self):
        """SIGTERM; (exit code, output)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self._f.close()
        with open(self.log) as f:
            return rc, f.read()

    def output(self):
        with open(self.log) as f:
            return f.read()


def source_next(pg, db):
    return int(pg.psql(db, 'SELECT max("NEXT_EVENT_ID") FROM "NOTIFICATION_SEQUENCE"')
               .stdout.strip())


def our_position(pg, db):
    return int(pg.psql(db, "SELECT next_event_id FROM ms_import_runs ORDER BY run_id DESC "
                           "LIMIT 1").stdout.strip())


def wait_caught_up(pg, source, target, follower, limit=90.0):
    want = source_next(pg, source)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if our_position(pg, target) >= want:
            return want
        assert follower.proc.poll() is None, "follow exited:\n" + follower.output()
        time.sleep(0.1)
    raise AssertionError("not caught up with event %d in %.0f s (at %d):\n%s"
                         % (want, limit, our_position(pg, target), follower.output()))


def applied_by(output):
    m = re.search(r"follow: stopped; (\d+) events applied", output)
    assert m, output
    return int(m.group(1))


# ---------------------------------------------------------------------------
# the changes, made through the Java server
# ---------------------------------------------------------------------------

def part(db, table, vals, t, params=None):
    s = diff.sd(t.sd.cols, diff.PARQUET)
    s.location = None
    return Partition(values=vals, dbName=db, tableName=table, sd=s, parameters=params or {})


def get_table(c, db, name):
    return c.get_table_req(GetTableRequest(dbName=db, tblName=name)).table


def first_changes(c):
    """Every kind of change the follower applies."""
    c.create_database(Database(name=FDB, description="followed", parameters={"team": "live"},
                               ownerName="alice", ownerType=PrincipalType.USER))
    c.create_table(diff.table(FDB, "events", diff.COLS[:4], diff.PARQUET, keys=diff.KEYS,
                              params={"stage": "1"}))
    t = get_table(c, FDB, "events")
    c.add_partitions([part(FDB, "events", ["2024-02-%02d" % (i // 4 + 1), str(i % 4)], t,
                           {"n": str(i)}) for i in range(20)])
    c.drop_partition(FDB, "events", ["2024-02-01", "3"], True)
    t.parameters["stage"] = "2"
    c.alter_table(FDB, "events", t)
    c.update_table_column_statistics(ColumnStatistics(
        statsDesc=ColumnStatisticsDesc(isTblLevel=True, dbName=FDB, tableName="events"),
        statsObj=diff.STATS[:4], engine="hive"))
    c.update_partition_column_statistics(ColumnStatistics(
        statsDesc=ColumnStatisticsDesc(isTblLevel=False, dbName=FDB, tableName="events",
                                       partName="ds=2024-02-02/hr=1"),
        statsObj=diff.STATS[:3], engine="hive"))
    c.delete_table_column_statistics(FDB, "events", "ok", "hive")
    c.create_table(diff.table(FDB, "old_name", diff.COLS[:2], diff.ORC))
    t = get_table(c, FDB, "old_name")
    t.tableName = "new_name"
    c.alter_table(FDB, "old_name", t)
    c.create_table(diff.table(FDB, "doomed", diff.COLS[:2], diff.ORC))
    c.drop_table(FDB, "doomed", True)
    for name in ("f_keep", "f_gone"):
        c.create_function(Function(functionName=name, dbName=FDB,
                                   className="com.example.udf." + name, ownerName="alice",
                                   ownerType=PrincipalType.USER, createTime=0, functionType=1,
                                   resourceUris=[ResourceUri(ResourceType.JAR,
                                                             "file:///udfs/%s.jar" % name)]))
    c.drop_function(FDB, "f_gone")
    d = c.get_database(FDB)
    d.description = "followed, altered"
    d.parameters["team"] = "live2"
    c.alter_database(FDB, d)
    c.create_database(Database(name=GONE, parameters={}))
    c.drop_database(GONE, True, True)
    c.create_database(Database(name=AGAIN, description="first", parameters={}))
    c.create_table(diff.table(AGAIN, "t_first", diff.COLS[:2], diff.ORC))
    c.add_not_null_constraint(AddNotNullConstraintRequest([SQLNotNullConstraint(
        catName="hive", table_db=FDB, table_name="events", column_name="id", nn_name="nn_id",
        enable_cstr=True, validate_cstr=False, rely_cstr=False)]))
    # imported tables change too: a constraint of the parent of a foreign
    # key (its grants and the child's key must survive), a new partition
    c.drop_constraint(DropConstraintRequest(dbname=diff.DB, tablename="plain",
                                            constraintname="ck_score", catName="hive"))
    t = get_table(c, diff.DB, "parted")
    c.add_partitions([part(diff.DB, "parted", ["2024-03-01", "0"], t, {"n": "new"})])


def second_changes(c):
    """Made while follow is stopped."""
    t = get_table(c, FDB, "events")
    c.add_partitions([part(FDB, "events", ["2024-03-%02d" % (i + 1), "0"], t) for i in range(5)])
    c.drop_partition(FDB, "events", ["2024-02-02", "0"], True)
    t = get_table(c, FDB, "new_name")
    t.tableName = "renamed_again"
    c.alter_table(FDB, "new_name", t)
    c.drop_table(diff.DB, "skewed", True)
    c.create_function(Function(functionName="f_later", dbName=FDB, className="com.example.L",
                               ownerName="bob", ownerType=PrincipalType.USER, createTime=0,
                               functionType=1, resourceUris=[]))
    # a database (made in first_changes) dropped with its table and made
    # again under its name
    c.drop_database(AGAIN, True, True)
    c.create_database(Database(name=AGAIN, description="second", parameters={"n": "2"}))


READS = imp.READS + [
    ("get_database follow", lambda c: c.get_database(FDB)),
    ("get_database gone", lambda c: c.get_database(GONE)),
    ("get_database again", lambda c: c.get_database(AGAIN)),
    ("get_all_tables again", lambda c: sorted(c.get_all_tables(AGAIN))),
    ("get_all_tables follow", lambda c: sorted(c.get_all_tables(FDB))),
    ("get_table_req events", lambda c: get_table(c, FDB, "events")),
    ("get_table_req new_name", lambda c: get_table(c, FDB, "new_name")),
    ("get_table_req renamed_again", lambda c: get_table(c, FDB, "renamed_again")),
    ("get_table_req old_name", lambda c: get_table(c, FDB, "old_name")),
    ("get_table_req doomed", lambda c: get_table(c, FDB, "doomed")),
    ("get_partitions events", lambda c: c.get_partitions(FDB, "events", -1)),
    ("get_partition_names events", lambda c: c.get_partition_names(FDB, "events", -1)),
    ("get_partition_names parted", lambda c: c.get_partition_names(diff.DB, "parted", -1)),
    ("get_table_statistics_req events", lambda c: sorted(c.get_table_statistics_req(
        TableStatsRequest(dbName=FDB, tblName="events", colNames=["id", "name", "price", "ok"],
                          engine="hive")).tableStats, key=lambda o: o.colName)),
    ("get_partitions_statistics_req events", lambda c: c.get_partitions_statistics_req(
        PartitionsStatsRequest(dbName=FDB, tblName="events", colNames=["id", "name", "price"],
                               partNames=["ds=2024-02-02/hr=1"], engine="hive")).partStats),
    ("get_functions follow", lambda c: sorted(c.get_functions(FDB, "*"))),
    ("get_function f_keep", lambda c: c.get_function(FDB, "f_keep")),
    ("get_function f_later", lambda c: c.get_function(FDB, "f_later")),
    ("get_not_null_constraints events", lambda c: c.get_not_null_constraints(
        NotNullConstraintsRequest("hive", FDB, "events")).notNullConstraints),
]


def compare(jc, oc, roots):
    """Reads whose replies differ: [(name, detail)]."""
    bad = []
    for name, call in READS:
        jr, orr = diff.outcome(call, jc), diff.outcome(call, oc)
        if jr[0] != orr[0]:
            bad.append((name, "Java: %s; ours: %s" % (jr, orr)))
            continue
        if jr[0] != "ok":
            continue        # both refuse alike; the wording is test_java_hms_diff's matter
        left = imp.unexplained(name, diff.differences(diff.normalise(jr[1], roots),
                                                      diff.normalise(orr[1], roots)))
        if left:
            bad.append((name, "\n".join("%s: %r | %r" % d for d in left[:10])))
    return bad


@pytest.fixture(scope="module")
def followed(pg):
    """(java server, java client, our client, roots, source db, target db,
    the position the bulk import recorded)."""
    j = java_hms.JavaHms(pg)
    ours = None
    try:
        jc = j.client()
        diff.populate(jc, "file://%s/ext" % j.tmp)
        imp.populate_grants(jc)
        imp.populate_constraints(jc)
        target = pg.createdb()
        rc, out = imp.run_import(pg, j.db, target)
        assert rc == 0, out
        ours = servers.Server(pg, target, tempfile.mkdtemp(prefix="ms-engines-follow-"),
                              log_path=results_path("java-hms-follow", "metastore.log"))
        oc = ours.client(timeout=60)
        roots = [j.warehouse.replace("file://", "file:") + "/", "file:%s/ext/" % j.tmp]
        yield j, jc, oc, roots, j.db, target, our_position(pg, target)
        jc.close()
        oc.close()
    finally:
        if ours is not None:
            ours.terminate()
        j.stop()


def test_follow_live_then_restart(followed, pg, tag):
    j, jc, oc, roots, source, target, start = followed
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)",
        "import --follow: changes through the Java server applied live; stop and restart "
        "lose and repeat nothing", j.log)
    assert start == source_next(pg, source)
    f1 = Follower(pg, source, target, 1)
    try:
        first_changes(jc)
        assert source_next(pg, source) > start + 20, "the Java server wrote no events"
        wait_caught_up(pg, source, target, f1)
        bad = compare(jc, oc, roots)
        assert not bad, "\n".join("%s: %s" % b for b in bad)
    finally:
        rc1, out1 = f1.stop()
    assert rc1 == 0, out1
    middle = our_position(pg, target)
    second_changes(jc)
    assert our_position(pg, target) == middle        # stopped means stopped
    f2 = Follower(pg, source, target, 2)
    try:
        end = wait_caught_up(pg, source, target, f2)
        bad = compare(jc, oc, roots)
        assert not bad, "\n".join("%s: %s" % b for b in bad)
    finally:
        rc2, out2 = f2.stop()
    assert rc2 == 0, out2
    assert "from event %d" % middle in out2, out2
    # every event between the positions applied once, by one of the runs
    assert applied_by(out1) == middle - start, out1
    assert applied_by(out2) == end - middle, out2
    assert "lag 0 events" in out2, out2


def test_downtime(followed, pg, tag):
    """The cut-over's window: from the last write on the Java server to it
    being readable on ours, with follow running (polling every POLL_MS)."""
    j, jc, oc, _, source, target, _ = followed
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)",
        "import --follow: time from the last Java write to readable on ours", j.log)
    f = Follower(pg, source, target, 3)
    times = []
    try:
        wait_caught_up(pg, source, target, f)
        for i in range(5):
            jc.create_table(diff.table(FDB, "last_%d" % i, diff.COLS[:2], diff.ORC))
            t0 = time.monotonic()
            while diff.outcome(lambda c: get_table(c, FDB, "last_%d" % i), oc)[0] != "ok":
                assert time.monotonic() - t0 < 30, f.output()
                time.sleep(0.01)
            times.append(time.monotonic() - t0)
    finally:
        rc, out = f.stop()
    assert rc == 0, out
    with open(results_path("java-hms-follow", "downtime.txt"), "w") as out_f:
        out_f.write("poll %d ms: %s s (median %.2f s, max %.2f s)\n"
                    % (POLL_MS, " ".join("%.2f" % t for t in times),
                       sorted(times)[len(times) // 2], max(times)))
    print("downtime: poll %d ms, median %.2f s, max %.2f s"
          % (POLL_MS, sorted(times)[len(times) // 2], max(times)))
    assert max(times) < 5.0, times


def test_gap_refused(followed, pg, tag):
    """Events cleaned from the source's log before we read them: re-run the
    bulk import, says the error."""
    j, jc, _, _, source, _, _ = followed
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)",
        "import --follow: events cleaned from the source's log", j.log)
    target = pg.createdb()
    rc, out = imp.run_import(pg, source, target)
    assert rc == 0, out
    pg.psql(target, "UPDATE ms_import_runs SET next_event_id = 2")
    pg.psql(source, 'DELETE FROM "NOTIFICATION_LOG" WHERE "EVENT_ID" < 5')
    p = subprocess.run(follow_cmd(pg, source, target, "--follow-only"), capture_output=True,
                       text=True, timeout=120, env=servers.clean_env(),
                       cwd=tempfile.gettempdir())
    assert p.returncode == 1, p.stdout + p.stderr
    assert "no longer holds event 2" in p.stderr, p.stderr
    assert "run the bulk import again" in p.stderr, p.stderr


def test_follow_needs_an_import(followed, pg, tag):
    j, _, _, _, source, _, _ = followed
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)",
        "import --follow-only without an import refused", j.log)
    p = subprocess.run(follow_cmd(pg, source, pg.createdb(), "--follow-only"),
                       capture_output=True, text=True, timeout=120, env=servers.clean_env(),
                       cwd=tempfile.gettempdir())
    assert p.returncode == 1, p.stdout + p.stderr
    assert "run the bulk import first" in p.stderr, p.stderr


def test_copy_then_follow(followed, pg, tag):
    """`import --follow`: the bulk copy, then the events after its snapshot."""
    j, jc, _, _, source, _, _ = followed
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)",
        "import --follow: bulk copy, then live events", j.log)
    target = pg.createdb()
    log = results_path("java-hms-follow", "copy-then-follow.log")
    with open(log, "w") as lf:
        p = subprocess.Popen(follow_cmd(pg, source, target, "--follow", "--poll-ms", "100"),
                             stdout=lf, stderr=subprocess.STDOUT, env=servers.clean_env(),
                             cwd=tempfile.gettempdir(), start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while pg.psql(target, "SELECT count(*) FROM pg_tables WHERE tablename = "
                              "'ms_import_runs'").stdout.strip() != "1" \
                or pg.psql(target, "SELECT count(*) FROM ms_import_runs").stdout.strip() == "0":
            assert p.poll() is None and time.monotonic() < deadline, open(log).read()
            time.sleep(0.2)
        jc.create_table(diff.table(FDB, "after_copy", diff.COLS[:2], diff.ORC))
        want = source_next(pg, source)
        while our_position(pg, target) < want:
            assert p.poll() is None and time.monotonic() < deadline, open(log).read()
            time.sleep(0.1)
        n = pg.psql(target, "SELECT count(*) FROM ms_tables WHERE name = 'after_copy'")
        assert n.stdout.strip() == "1"
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=60)
    out = open(log).read()
    assert rc == 0, out
    assert "verify: every family equal" in out, out
    assert "follow: from event" in out and "follow: stopped" in out, out


def test_killed_follow_resumes(followed, pg, tag):
    """SIGKILL while events are being applied: the next run continues at
    the last committed event and the catalogs end equal."""
    j, jc, oc, roots, source, target, _ = followed
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)",
        "import --follow: killed while applying, resumed", j.log)
    f = Follower(pg, source, target, 4)
    try:
        wait_caught_up(pg, source, target, f)
        before = our_position(pg, target)
        t = get_table(jc, FDB, "events")
        # alternate two tables so that the events are applied one by one
        for i in range(30):
            jc.add_partitions([part(FDB, "events", ["2024-04-%02d" % (i % 28 + 1), str(10 + i)],
                                    t)])
            jc.create_table(diff.table(FDB, "k_%d" % i, diff.COLS[:2], diff.ORC))
        deadline = time.monotonic() + 60
        while our_position(pg, target) == before:
            assert time.monotonic() < deadline, f.output()
            time.sleep(0.005)
        f.proc.kill()
    finally:
        f.stop()
    killed_at = our_position(pg, target)
    f2 = Follower(pg, source, target, 5)
    try:
        wait_caught_up(pg, source, target, f2)
        bad = compare(jc, oc, roots)
        assert not bad, "\n".join("%s: %s" % b for b in bad)
        assert sorted(oc.get_all_tables(FDB)) == sorted(jc.get_all_tables(FDB))
        assert oc.get_partition_names(FDB, "events", -1) == \
            jc.get_partition_names(FDB, "events", -1)
    finally:
        rc, out = f2.stop()
    assert rc == 0, out
    assert "from event %d" % killed_at in out, out


def our_part_ids(pg, target, table, db=FDB):
    """{partition name: our part_id} of <db>.<table>."""
    out = pg.psql(target, "SELECT p.part_name || ' ' || p.part_id FROM ms_partitions p "
                          "JOIN ms_tables t ON t.table_id = p.table_id "
                          "JOIN ms_databases d ON d.db_id = t.db_id "
                          "WHERE d.name = '%s' AND t.name = '%s'" % (db, table)).stdout
    return dict(line.rsplit(" ", 1) for line in out.split("\n") if line.strip())


def test_partition_events_touch_only_named(followed, pg, tag):
    """ADD_, ALTER_ and DROP_PARTITION events (Hive's own messages, gzip'd
    and plain JSON) on a table of many partitions change only the
    partitions they name: the others keep their rows (same ids) on our
    side. A message that cannot be read falls back to copying the whole
    table (every id new), and the partitions are equal to Java's either way."""
    j, jc, oc, _, source, target, _ = followed
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)",
        "import --follow: partition events apply only the partitions they name", j.log)
    jc.create_table(diff.table(FDB, "wide", diff.COLS[:3], diff.PARQUET, keys=diff.KEYS))
    t = get_table(jc, FDB, "wide")
    for b in range(4):
        jc.add_partitions([part(FDB, "wide", ["2023-%02d-%02d" % (b + 1, i // 24 + 1),
                                              str(i % 24)], t) for i in range(500)])
    f = Follower(pg, source, target, 6)
    try:
        wait_caught_up(pg, source, target, f)
        before = our_part_ids(pg, target, "wide")
        assert len(before) == 2000
        jc.add_partitions([part(FDB, "wide", ["2024-09-0%d" % i, "1"], t, {"n": str(i)})
                           for i in (1, 2)])
        p = jc.get_partition(FDB, "wide", ["2023-01-01", "5"])
        p.parameters["changed"] = "yes"
        jc.alter_partition(FDB, "wide", p)
        r = jc.get_partition(FDB, "wide", ["2023-01-01", "6"])
        r.values = ["2023-01-01", "66"]
        jc.rename_partition(FDB, "wide", ["2023-01-01", "6"], r)
        jc.drop_partition(FDB, "wide", ["2023-01-01", "7"], True)
        wait_caught_up(pg, source, target, f)
        after = our_part_ids(pg, target, "wide")
        touched = {"ds=2023-01-01/hr=5", "ds=2023-01-01/hr=6", "ds=2023-01-01/hr=7"}
        kept = {n: i for n, i in before.items() if n not in touched}
        assert len(kept) == 1997
        assert {n: after.get(n) for n in kept} == kept      # untouched rows stayed
        assert after["ds=2023-01-01/hr=5"] != before["ds=2023-01-01/hr=5"]
        assert "ds=2023-01-01/hr=6" not in after and "ds=2023-01-01/hr=7" not in after
        assert "ds=2023-01-01/hr=66" in after and "ds=2024-09-02/hr=1" in after
        assert oc.get_partition_names(FDB, "wide", -1) == jc.get_partition_names(FDB, "wide", -1)
        names = ["ds=2023-01-01/hr=5", "ds=2023-01-01/hr=66", "ds=2024-09-01/hr=1"]
        ours = {tuple(x.values): x.parameters for x in
                oc.get_partitions_by_names(FDB, "wide", names)}
        java = {tuple(x.values): x.parameters for x in
                jc.get_partitions_by_names(FDB, "wide", names)}
        assert ours == java and ours[("2023-01-01", "5")]["changed"] == "yes"
    finally:
        rc, out = f.stop()
    assert rc == 0, out
    # a message it cannot read: the whole table is copied again
    at = source_next(pg, source)
    jc.add_partitions([part(FDB, "wide", ["2024-10-01", "1"], t)])
    pg.psql(source, 'UPDATE "NOTIFICATION_LOG" SET "MESSAGE" = \'{}\' WHERE "EVENT_ID" >= %d '
                    'AND "EVENT_TYPE" = \'ADD_PARTITION\'' % at)
    before = our_part_ids(pg, target, "wide")
    f = Follower(pg, source, target, 7)
    try:
        wait_caught_up(pg, source, target, f)
        after = our_part_ids(pg, target, "wide")
        assert not set(before.values()) & set(after.values())
        assert oc.get_partition_names(FDB, "wide", -1) == jc.get_partition_names(FDB, "wide", -1)
    finally:
        rc, out = f.stop()
    assert rc == 0, out


ACCURATE = "COLUMN_STATS_ACCURATE"


def stats_flag_changes(jc):
    """A table and two partitions with statistics, then one partition and the
    table altered: the Java server keeps the statistics rows and decides
    what becomes of COLUMN_STATS_ACCURATE."""
    jc.create_table(diff.table(FDB, "flagged", diff.COLS[:3], diff.PARQUET, keys=diff.KEYS,
                               params={"stage": "1"}))
    t = get_table(jc, FDB, "flagged")
    jc.add_partitions([part(FDB, "flagged", ["2024-05-01", str(i)], t) for i in (1, 2, 3)])
    jc.update_table_column_statistics(ColumnStatistics(
        statsDesc=ColumnStatisticsDesc(isTblLevel=True, dbName=FDB, tableName="flagged"),
        statsObj=diff.STATS[:2], engine="hive"))
    for n in FLAGGED_PARTS:
        jc.update_partition_column_statistics(ColumnStatistics(
            statsDesc=ColumnStatisticsDesc(isTblLevel=False, dbName=FDB, tableName="flagged",
                                           partName=n),
            statsObj=diff.STATS[:2], engine="hive"))
    p = jc.get_partition(FDB, "flagged", ["2024-05-01", "1"])
    p.parameters["changed"] = "yes"
    jc.alter_partition(FDB, "flagged", p)
    t = get_table(jc, FDB, "flagged")
    t.parameters["stage"] = "2"
    jc.alter_table(FDB, "flagged", t)


FLAGGED_PARTS = ["ds=2024-05-01/hr=1", "ds=2024-05-01/hr=2"]
FLAGGED_READS = [
    ("get_table_req flagged", lambda c: get_table(c, FDB, "flagged")),
    ("get_partitions flagged", lambda c: c.get_partitions(FDB, "flagged", -1)),
    ("get_table_statistics_req flagged", lambda c: sorted(c.get_table_statistics_req(
        TableStatsRequest(dbName=FDB, tblName="flagged", colNames=["id", "name"],
                          engine="hive")).tableStats, key=lambda o: o.colName)),
    ("get_partitions_statistics_req flagged", lambda c: c.get_partitions_statistics_req(
        PartitionsStatsRequest(dbName=FDB, tblName="flagged", colNames=["id", "name"],
                               partNames=FLAGGED_PARTS, engine="hive")).partStats),
]


def compare_flagged(jc, oc, roots):
    for name, call in FLAGGED_READS:
        jr, orr = diff.outcome(call, jc), diff.outcome(call, oc)
        assert jr[0] == orr[0] == "ok", (name, jr, orr)
        left = imp.unexplained(name, diff.differences(diff.normalise(jr[1], roots),
                                                      diff.normalise(orr[1], roots)))
        assert not left, "%s:\n%s" % (name, "\n".join("%s: %r | %r" % d for d in left[:10]))
    jp = {tuple(x.values): x.parameters for x in jc.get_partitions(FDB, "flagged", -1)}
    return {"altered partition": jp[("2024-05-01", "1")].get(ACCURATE),
            "partition": jp[("2024-05-01", "2")].get(ACCURATE),
            "altered table": get_table(jc, FDB, "flagged").parameters.get(ACCURATE)}


def test_stats_flag_follows_as_is(followed, pg, tag):
    """The Java server's alter_table and alter_partition keep a table's or
    partition's column statistics rows while its COLUMN_STATS_ACCURATE
    parameter goes (or stays) as they decide: the follower copies the
    parameters as the source has them and does not mark the statistics it
    copies accurate (the table is copied again after ALTER_TABLE, the
    partition alone after ALTER_PARTITION)."""
    j, jc, oc, roots, source, target, _ = followed
    tag("Java Hive Metastore", java_hms.VERSION, "hive (Thrift)",
        "import --follow: parameters follow as they are beside statistics rows", j.log)
    f = Follower(pg, source, target, 8)
    try:
        stats_flag_changes(jc)
        wait_caught_up(pg, source, target, f)
        flags = compare_flagged(jc, oc, roots)
        print("the Java server's COLUMN_STATS_ACCURATE: %r" % flags)
        # the case this test is about: rows kept, the flag gone
        assert flags["altered partition"] is None and flags["partition"] is not None, flags
    finally:
        rc, out = f.stop()
    assert rc == 0, out


def test_follow_hive_listener(pg, tag):
    """Hive's own DbNotificationListener writes the source's log (its 4.2.0
    sources compiled for the 4.0.1 server, java_hms.py): the changes of the
    live test, followed, give equal reads on both servers; its partition
    messages are decoded (an added partition leaves the table's other
    partitions' rows alone)."""
    if java_hms.javac_21() is None:
        # its 4.2.0 sources read hive-exec 4.2.0's Java 21 classes; most
        # machines here have a Java 25 JDK beside Java 17, not all
        pytest.skip("no javac of Java 21 or newer on this machine: Hive's DbNotificationListener "
                    "4.2.0 cannot be compiled (java_hms.py)")
    j = java_hms.JavaHms(pg, hive_listener=True)
    tag("Java Hive Metastore", java_hms.VERSION + " + DbNotificationListener 4.2.0",
        "hive (Thrift)", "import --follow: Hive's own DbNotificationListener", j.log)
    ours = f = None
    try:
        jc = j.client()
        diff.populate(jc, "file://%s/ext" % j.tmp)
        imp.populate_grants(jc)
        imp.populate_constraints(jc)
        target = pg.createdb()
        rc, out = imp.run_import(pg, j.db, target)
        assert rc == 0, out
        ours = servers.Server(pg, target, tempfile.mkdtemp(prefix="ms-engines-follow-hl-"),
                              log_path=results_path("java-hms-follow", "metastore-hl.log"))
        oc = ours.client(timeout=60)
        roots = [j.warehouse.replace("file://", "file:") + "/", "file:%s/ext/" % j.tmp]
        start = our_position(pg, target)
        before = our_part_ids(pg, target, "parted", diff.DB)
        f = Follower(pg, j.db, target, 9)
        first_changes(jc)
        stats_flag_changes(jc)
        assert source_next(pg, j.db) > start + 20, "the Java server wrote no events"
        wait_caught_up(pg, j.db, target, f)
        bad = compare(jc, oc, roots)
        assert not bad, "\n".join("%s: %s" % b for b in bad)
        flags = compare_flagged(jc, oc, roots)
        after = our_part_ids(pg, target, "parted", diff.DB)
        assert {n: after.get(n) for n in before} == before
        assert len(after) == len(before) + 1
        second_changes(jc)
        wait_caught_up(pg, j.db, target, f)
        bad = compare(jc, oc, roots)
        assert not bad, "\n".join("%s: %s" % b for b in bad)
        formats = pg.psql(j.db, 'SELECT "EVENT_TYPE" || \' \' || "MESSAGE_FORMAT", count(*) '
                                'FROM "NOTIFICATION_LOG" GROUP BY 1 ORDER BY 1').stdout
        with open(results_path("java-hms-follow", "hive-listener-events.txt"), "w") as out_f:
            out_f.write("COLUMN_STATS_ACCURATE on the Java side: %r\n%s" % (flags, formats))
        print(formats)
        assert "ADD_PARTITION gzip(json-2.0)|" in formats, formats
    finally:
        if f is not None:
            rc, out = f.stop()
            assert rc == 0, out
        if ours is not None:
            ours.terminate()
        j.stop()
