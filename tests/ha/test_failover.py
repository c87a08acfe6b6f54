"""PostgreSQL failover under write load (issue 12, design answer
"PostgreSQL failover").

Two metastore servers share a pg_auto_failover formation (a primary and a
synchronous standby) through one multi-host connection string with
target_session_attrs=read-write. Thrift writers (create_table, then
add_partitions) and Iceberg REST writers (table commits) run in loops
against both servers; the primary is stopped at once (pg_autoctl stop
--immediate) and the monitor promotes the standby. Then:
- every write answered with success is on the new primary;
- the servers, never restarted, answer writes again by themselves; a third
  server, idle during the failover, answers its next writes at the first
  try (no connection of its pool to the old primary is handed out);
- while PostgreSQL could not take writes, clients got the unavailable
  errors (MetaException, 503) and never an answer about the catalog (a
  "does not exist" that they would take at its word);
- the outage each client saw (its first failure to its next success) is
  measured and printed (the README's table comes from these lines).
"""
import copy
import shutil
import tempfile
import threading
import time

import pytest

from conftest import Server, unique
from hive_metastore import ttypes
from icelib import Rest, ns_path, simple_schema, table_path
from partlib import make_table, new_part
from pgaf import Formation

WARM_UP_S = 3.0           # writes that succeed before the primary goes
RECOVER_WITHIN_S = 120.0  # every writer must succeed again within this
AFTER_RECOVERY_S = 2.0    # writes that go on after the last writer recovered
PAUSE_AFTER_FAILURE_S = 0.05


class Writer(threading.Thread):
    """One loop of writes against one server. Subclasses define write(i),
    which returns the keys it wrote on success and raises on failure, and
    allowed(exc), which says whether a failure is an unavailable error."""

    def __init__(self, name):
        super().__init__(name=name, daemon=True)
        self.acked = set()
        self.events = []          # (monotonic time, True on success / the failure)
        self.stop_at = None
        self.lock = threading.Lock()

    def run(self):
        i = 0
        while self.stop_at is None or time.monotonic() < self.stop_at:
            i += 1
            try:
                keys = self.write(i)
            except Exception as e:   # noqa: BLE001  (every failure is recorded and judged)
                self.record(e)
                time.sleep(PAUSE_AFTER_FAILURE_S)
                continue
            with self.lock:
                self.acked.update(keys)
            self.record(True)

    def record(self, what):
        with self.lock:
            self.events.append((time.monotonic(), what))

    def failures(self):
        with self.lock:
            return [e for _, e in self.events if e is not True]

    def recovered_after(self, t):
        """The first success after the first failure after t: (first failure,
        next success), None when no failure, or (failure, None) while down."""
        with self.lock:
            events = [(when, e) for when, e in self.events if when >= t]
        first_fail = next((when for when, e in events if e is not True), None)
        if first_fail is None:
            return None
        ok = next((when for when, e in events if when > first_fail and e is True), None)
        return first_fail, ok

    def failures_after(self, t):
        with self.lock:
            return [e for when, e in self.events if when > t and e is not True]

    def succeeded_since(self, t):
        with self.lock:
            return any(when >= t and e is True for when, e in self.events)


class ThriftWriter(Writer):
    """create_table db.<prefix>_<i> with two partition keys, then
    add_partitions of two partitions; each acknowledged call is one key."""

    def __init__(self, server, db, template, prefix):
        super().__init__("thrift-" + prefix)
        self.server, self.db, self.template, self.prefix = server, db, template, prefix
        self.client = None
        self.pending = None       # a table created whose partitions are not added yet

    def write(self, i):
        if self.client is None:
            self.client = self.server.client(timeout=30)
        try:
            if self.pending is None:
                name = "%s_%d" % (self.prefix, i)
                sd = copy.deepcopy(self.template.sd)
                sd.location = None
                t = ttypes.Table(tableName=name, dbName=self.db, owner="ha", sd=sd,
                                 partitionKeys=self.template.partitionKeys,
                                 parameters={}, tableType="MANAGED_TABLE")
                self.client.create_table(t)
                self.pending = t
                return {("table", name)}
            t, self.pending = self.pending, None   # not retried: its outcome may be unknown
            parts = [new_part(t, ["2024-01-01", str(h)], db=self.db, name=t.tableName)
                     for h in (1, 2)]
            self.client.add_partitions(parts)
            return {("partition", t.tableName, "ds=2024-01-01/hr=%d" % h) for h in (1, 2)}
        except ttypes.MetaException:
            raise
        except Exception:
            # anything but an answered exception: start on a new connection
            self.client.close()
            self.client = None
            raise

    @staticmethod
    def allowed(e):
        return isinstance(e, ttypes.MetaException)


class RestWriter(Writer):
    """Iceberg commits setting property p<i> on one table through the REST
    door; each acknowledged commit is one key."""

    def __init__(self, server, ns, table):
        super().__init__("rest-" + table)
        self.rest = Rest(server.rest_port)
        self.ns, self.table = ns, table

    def write(self, i):
        body = {"requirements": [], "updates": [
            {"action": "set-properties", "updates": {"p%s" % i: str(i)}}]}
        status, doc = self.rest.call("POST", table_path(self.ns, self.table), body=body)
        if status != 200:
            raise RestFailure(status, doc)
        return {("property", self.table, "p%s" % i)}

    @staticmethod
    def allowed(e):
        # 503: unavailable; 500 CommitStateUnknownException: the commit's
        # outcome is not known (the connection broke at COMMIT)
        if not isinstance(e, RestFailure):
            return False
        kind = (e.doc or {}).get("error", {}).get("type") if isinstance(e.doc, dict) else None
        return e.status == 503 or (e.status == 500 and kind == "CommitStateUnknownException")


class RestFailure(Exception):
    def __init__(self, status, doc):
        super().__init__("%s %r" % (status, doc))
        self.status, self.doc = status, doc


class FormationAsPg:
    """What servers.Server asks of a PostgreSQL: the connection string."""

    def __init__(self, formation):
        self.formation = formation

    def conninfo(self, db):
        return self.formation.conninfo()


@pytest.fixture(scope="module")
def formation():
    f = Formation()
    try:
        f.start()
        yield f
    except BaseException:
        print(f.describe())
        raise
    finally:
        f.stop()


@pytest.fixture(scope="module")
def servers(formation):
    tmp = tempfile.mkdtemp(prefix="ms-ha-srv-", dir="/tmp")
    warehouse = "file://" + tmp + "/wh"
    started = []
    try:
        for name in ("a", "b", "idle"):
            started.append(Server(FormationAsPg(formation), formation.dbname, tmp + "/" + name,
                                  warehouse=warehouse,
                                  sets=["database.connect_timeout_s=2",
                                        "database.pool_wait_ms=2000", "database.pool_size=4",
                                        "admin.port=0"]))
        yield started
    finally:
        for s in started:
            print("== metastore log tail\n" + s.log_tail(15))
            s.stop_and_check()
        shutil.rmtree(tmp, ignore_errors=True)


def sql_set(formation, port, sql):
    return set(tuple(line.split("|")) for line in formation.psql(port, sql).splitlines())


def idle_writes(server, db, template, ns, tag):
    """One create_table and one Iceberg commit through 'server' (asserted
    to succeed at the first try); the keys they wrote."""
    t = ThriftWriter(server, db, template, "idle_" + tag)
    r = RestWriter(server, ns, "ice_idle")
    keys = t.write(1) | r.write(tag)
    t.client.close()
    return keys


def test_failover_under_write_load(formation, servers):
    a, b, idle = servers
    with a.client() as c:
        db = unique("ha")
        c.create_database(ttypes.Database(name=db, parameters={}))
        template = make_table(c, db, "template")
    rest = Rest(a.rest_port)
    ns = unique("ha_ns")
    assert rest.call("POST", "/v1/namespaces", body={"namespace": [ns]})[0] == 200
    for t in ("ice_a", "ice_b", "ice_idle"):
        status, doc = rest.call("POST", table_path(ns), body={"name": t,
                                                              "schema": simple_schema()})
        assert status == 200, (status, doc)

    writers = [ThriftWriter(a, db, template, "ta"), ThriftWriter(b, db, template, "tb"),
               RestWriter(a, ns, "ice_a"), RestWriter(b, ns, "ice_b")]
    idle_acked = idle_writes(idle, db, template, ns, "before")
    for w in writers:
        w.start()
    time.sleep(WARM_UP_S)
    old = formation.primary()
    new = next(n for n in formation.nodes if n is not old)
    assert all(w.succeeded_since(0) for w in writers), [w.failures()[:3] for w in writers]

    killed_at = time.monotonic()
    old.stop_immediately()
    deadline = killed_at + RECOVER_WITHIN_S
    while time.monotonic() < deadline:
        spans = [w.recovered_after(killed_at) for w in writers]
        if all(s is not None and s[1] is not None for s in spans):
            break
        time.sleep(0.2)
    stop_at = time.monotonic() + AFTER_RECOVERY_S
    for w in writers:
        w.stop_at = stop_at
    for w in writers:
        w.join(60)
    formation.wait("the standby promoted", lambda: formation.primary() is new, 60)
    idle_acked |= idle_writes(idle, db, template, ns, "after")

    # the servers answer again by themselves, and every failure meanwhile
    # was an unavailable error
    report = []
    for w in writers:
        span = w.recovered_after(killed_at)
        assert span is not None and span[1] is not None, \
            "%s did not succeed again within %d s: %r" % (w.name, RECOVER_WITHIN_S,
                                                          w.failures()[-3:])
        wrong = [e for e in w.failures() if not w.allowed(e)]
        assert not wrong, "%s: not an unavailable error: %r" % (w.name, wrong[:5])
        # once a writer succeeded again, it does not fail again (no stale
        # connection of the pool to the old primary is handed out later)
        late = w.failures_after(span[1])
        assert not late, "%s failed after it had recovered: %r" % (w.name, late[:5])
        report.append((w.name, span[1] - span[0], span[0] - killed_at, len(w.failures()),
                       len(w.acked)))
    print("\nfailover outage seen by clients (writer, first failure to next success s, "
          "first failure after the stop s, failures, acknowledged writes):")
    for r in report:
        print("  outage %-14s %6.2f s  (+%.2f s)  %4d failures  %5d acknowledged" % r)

    # every acknowledged write is on the new primary (read there directly;
    # the Iceberg properties from the metadata file it points at)
    held = sql_set(formation, new.port,
                   "select 'table', t.name from ms_tables t join ms_databases d "
                   "using (db_id) where d.name = '%s'" % db)
    held |= sql_set(formation, new.port,
                    "select 'partition', t.name, p.part_name from ms_partitions p "
                    "join ms_tables t using (table_id) join ms_databases d using (db_id) "
                    "where d.name = '%s'" % db)
    for table in ("ice_a", "ice_b", "ice_idle"):
        status, doc = Rest(b.rest_port).call("GET", table_path(ns, table))
        assert status == 200, (status, doc)
        held |= {("property", table, k) for k in doc["metadata"].get("properties", {})}
        location = formation.psql(new.port, "select t.params->>'metadata_location' from "
                                  "ms_tables t join ms_databases d using (db_id) where "
                                  "d.name = '%s' and t.name = '%s'" % (ns, table)).strip()
        assert location == doc["metadata-location"], (location, doc["metadata-location"])
    for name, acked in [(w.name, w.acked) for w in writers] + [("idle", idle_acked)]:
        missing = acked - held
        assert not missing, "%s: acknowledged but not on the new primary: %r" % (
            name, sorted(missing)[:10])
    # both doors still answer reads of what was written
    with b.client() as c:
        assert c.get_table(db, "template").tableName == "template"
    assert Rest(b.rest_port).call("GET", ns_path(ns))[0] == 200
