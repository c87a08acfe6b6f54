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
import shutil
import tempfile
import time

import pytest

from conftest import Server
from icelib import Rest, ns_path
from writers import Catalog, FormationAsPg, assert_all_held, stop_writers

WARM_UP_S = 3.0           # writes that succeed before the primary goes
RECOVER_WITHIN_S = 120.0  # every writer must succeed again within this
AFTER_RECOVERY_S = 2.0    # writes that go on after the last writer recovered


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


def idle_writes(server, catalog, tag):
    """One create_table and one Iceberg commit through 'server' (asserted
    to succeed at the first try); the keys they wrote."""
    t = catalog.thrift_writer(server, "idle_" + tag)
    r = catalog.rest_writer(server, "ice_idle")
    keys = t.write(1) | r.write(tag)
    t.client.close()
    return keys


def test_failover_under_write_load(formation, servers):
    a, b, idle = servers
    catalog = Catalog(a, ["ice_a", "ice_b", "ice_idle"])
    writers = [catalog.thrift_writer(a, "ta"), catalog.thrift_writer(b, "tb"),
               catalog.rest_writer(a, "ice_a"), catalog.rest_writer(b, "ice_b")]
    idle_acked = idle_writes(idle, catalog, "before")
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
    stop_writers(writers, AFTER_RECOVERY_S)
    formation.wait("the standby promoted", lambda: formation.primary() is new, 60)
    idle_acked |= idle_writes(idle, catalog, "after")

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

    # every acknowledged write is on the new primary (read there directly)
    held = catalog.held(formation, new.port, b)
    assert_all_held([(w.name, w.acked) for w in writers] + [("idle", idle_acked)], held)
    # both doors still answer reads of what was written
    with b.client() as c:
        assert c.get_table(catalog.db, "template").tableName == "template"
    assert Rest(b.rest_port).call("GET", ns_path(catalog.ns))[0] == 200
