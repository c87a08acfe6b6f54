"""Network faults between one metastore server and PostgreSQL (issue 12,
design answer "PostgreSQL failover": network faults).

A pg_auto_failover formation as in test_failover.py; server 'near' reaches
it over 127.0.0.1, server 'far' from a network namespace over a veth pair
(netns.py), with TCP keepalives and tcp_user_timeout in its connection
string so that a dead path is noticed in seconds, and a deadline per
PostgreSQL round trip (database.statement_timeout_ms) so that a path that
loses replies cannot hold a call longer. Thrift and REST writers loop
against both while iptables inside the namespace drops a share of the
packets between 'far' and PostgreSQL (loss), then all of them (a
partition). Then:
- 'near' never fails: the fault is between 'far' and PostgreSQL only;
- every failure of 'far' is an unavailable error (MetaException, 503 or
  500 CommitStateUnknownException), never an answer about the catalog;
- 'far' writes again by itself once the path is back (no restart);
- every write answered with success is on the primary.
Latency: server 'slow', also in the namespace, reaches PostgreSQL through
a user-space proxy that delays each way (delayproxy.py: this kernel has
no netem); its writers must never fail, every acknowledged write must be
on the primary, and the test prints what the delay adds to a call.
"""
import os
import shutil
import tempfile
import time

import pytest

import netns
from conftest import Server
from delayproxy import DelayProxy
from servers import IS_ROOT
from writers import Catalog, FormationAsPg, assert_all_held, stop_writers

# what 'far' adds to the connection string: a broken path is noticed within
# about 5 s, whether a statement is on its way (tcp_user_timeout) or the
# connection waits for an answer (keepalives)
FAR_CONNINFO = "keepalives_idle=2 keepalives_interval=1 keepalives_count=3 tcp_user_timeout=5000"
# the deadline of one round trip to PostgreSQL on every server here
STATEMENT_TIMEOUT_MS = 5000
# what the proxy adds to the path of 'slow', each way
DELAY_S = 0.05
LATENCY_RUN_S = 8.0
WARM_UP_S = 2.0
FAULT_S = 10.0
RECOVER_WITHIN_S = 60.0


@pytest.fixture(scope="module")
def env(formation):
    why = None if IS_ROOT else "network namespaces need root"
    why = why or netns.usable()
    if why:
        pytest.skip(why)
    ns = netns.NetNs().start()
    tmp = tempfile.mkdtemp(prefix="ms-ha-net-", dir="/tmp")
    warehouse = "file://" + tmp + "/wh"
    sets = ["database.connect_timeout_s=2", "database.pool_wait_ms=2000",
            "database.pool_size=4", "database.statement_timeout_ms=%d" % STATEMENT_TIMEOUT_MS]
    started = []
    proxy = None
    try:
        formation.allow(ns.ns_ip)
        started.append(Server(FormationAsPg(formation), formation.dbname,
                              os.path.join(tmp, "near"), warehouse=warehouse, sets=sets))
        started.append(Server(FormationAsPg(formation, ns.host_ip, FAR_CONNINFO),
                              formation.dbname, os.path.join(tmp, "far"), warehouse=warehouse,
                              sets=sets, bind=ns.ns_ip, wrapper=ns.wrapper()))
        proxy = DelayProxy(ns.host_ip, [("127.0.0.1", n.port) for n in formation.nodes],
                           DELAY_S).start()
        started.append(Server(ProxiedPg(formation, ns.host_ip, proxy.ports),
                              formation.dbname, os.path.join(tmp, "slow"), warehouse=warehouse,
                              sets=sets, bind=ns.ns_ip, wrapper=ns.wrapper()))
        catalog = Catalog(started[0], ["ice_loss_near", "ice_loss_far", "ice_part_near",
                                       "ice_part_far", "ice_lat_far", "ice_lat_slow"])
        yield formation, ns, started[0], started[1], started[2], catalog
    finally:
        try:
            ns.heal()
            failed = []
            for s in started:          # every server stopped, the first failure raised
                print("== metastore log tail\n" + s.log_tail(15))
                try:
                    s.stop_and_check()
                except AssertionError as e:
                    failed.append(e)
            if failed:
                raise failed[0]
        finally:
            if proxy is not None:
                proxy.stop()
            ns.stop()
            shutil.rmtree(tmp, ignore_errors=True)


class ProxiedPg:
    """The connection string of 'slow': every node through its proxy port."""

    def __init__(self, formation, host, ports):
        self.formation, self.host, self.ports = formation, host, ports

    def conninfo(self, db):
        return ("host=%s port=%s user=postgres dbname=%s target_session_attrs=read-write %s"
                % (",".join(self.host for _ in self.ports), ",".join(map(str, self.ports)),
                   self.formation.dbname, FAR_CONNINFO))


def under_fault(env, tag, apply):
    """Writers on both servers; 'apply' the fault for FAULT_S, heal, wait
    until every writer succeeded after the heal. Returns the far writers
    and the times (fault, heal)."""
    formation, ns, near, far, _, catalog = env
    near_w = [catalog.thrift_writer(near, tag + "_near"),
              catalog.rest_writer(near, "ice_%s_near" % tag)]
    far_w = [catalog.thrift_writer(far, tag + "_far"),
             catalog.rest_writer(far, "ice_%s_far" % tag)]
    for w in near_w + far_w:
        w.start()
    time.sleep(WARM_UP_S)
    assert all(w.succeeded_since(0) for w in near_w + far_w), \
        [w.failures()[:3] for w in near_w + far_w]
    apply(ns, [n.port for n in formation.nodes])
    fault_at = time.monotonic()      # once every rule is in place
    time.sleep(FAULT_S)
    ns.heal()
    healed_at = time.monotonic()
    deadline = healed_at + RECOVER_WITHIN_S
    while time.monotonic() < deadline and not all(w.succeeded_since(healed_at) for w in far_w):
        time.sleep(0.2)
    stop_writers(near_w + far_w, 1.0)

    for w in near_w:
        assert not w.failures(), "%s failed, its path was not touched: %r" % (
            w.name, w.failures()[:5])
    for w in far_w:
        assert w.succeeded_since(healed_at), "%s did not write again within %d s: %r" % (
            w.name, RECOVER_WITHIN_S, w.failures()[-3:])
        wrong = [e for e in w.failures() if not w.allowed(e)]
        assert not wrong, "%s: not an unavailable error: %r" % (w.name, wrong[:5])
    primary = formation.primary()
    assert_all_held([(w.name, w.acked) for w in near_w + far_w],
                    catalog.held(formation, primary.port, near))
    return far_w, fault_at, healed_at


def first_success_after(w, t):
    return next((when for when, e in w.events if when >= t and e is True), None)


def test_partition(env):
    far_w, fault_at, healed_at = under_fault(env, "part", lambda ns, ports: ns.partition(ports))
    print("\npartition between 'far' and PostgreSQL for %.0f s:" % FAULT_S)
    for w in far_w:
        fails = [when for when, e in w.events if e is not True and when >= fault_at]
        assert fails, "%s never failed while cut off from PostgreSQL" % w.name
        acked = sum(1 for when, e in w.events if fault_at <= when < healed_at and e is True)
        print("  partition %-14s first failure +%.2f s after the cut, first success "
              "+%.2f s after the heal, %d failures, %d acknowledged during the cut" % (
                  w.name, fails[0] - fault_at, first_success_after(w, healed_at) - healed_at,
                  len(fails), acked))


def test_packet_loss(env):
    far_w, fault_at, healed_at = under_fault(
        env, "loss", lambda ns, ports: ns.loss(ports, 0.3))
    print("\n30%% packet loss between 'far' and PostgreSQL for %.0f s:" % FAULT_S)
    for w in far_w:
        during = [e for when, e in w.events if fault_at <= when < healed_at]
        print("  loss %-14s %4d writes acknowledged, %3d failed during the loss" % (
            w.name, sum(1 for e in during if e is True), sum(1 for e in during if e is not True)))


def test_latency(env):
    """Writers on 'far' (direct) and 'slow' (DELAY_S added each way) at the
    same time, no fault: 'slow' is slower and never fails, and what it
    acknowledged is on the primary."""
    formation, ns, near, far, slow, catalog = env
    writers = {(who, kind): w for who, srv in (("far", far), ("slow", slow))
               for kind, w in (("Thrift", catalog.thrift_writer(srv, "lat_" + who)),
                               ("REST", catalog.rest_writer(srv, "ice_lat_" + who)))}
    t0 = time.monotonic()
    for w in writers.values():
        w.start()
    time.sleep(LATENCY_RUN_S)
    stop_writers(list(writers.values()), 0.0)
    took = time.monotonic() - t0
    for w in writers.values():
        assert not w.failures(), "%s failed with no fault: %r" % (w.name, w.failures()[:5])
    assert_all_held([(w.name, w.acked) for w in writers.values()],
                    catalog.held(formation, formation.primary().port, near))
    print("\n%.0f ms added each way between 'slow' and PostgreSQL (a user-space proxy), "
          "%.0f s of writes:" % (DELAY_S * 1000, took))
    for kind in ("Thrift", "REST"):
        per_call = {}
        for who in ("far", "slow"):
            n = sum(1 for _, e in writers[(who, kind)].events if e is True)
            assert n > 0, (who, kind)
            per_call[who] = took / n
        print("  latency %-6s  far %7.1f ms per write, slow %7.1f ms per write, added %7.1f ms"
              % (kind, per_call["far"] * 1000, per_call["slow"] * 1000,
                 (per_call["slow"] - per_call["far"]) * 1000))
        assert per_call["slow"] > per_call["far"] + 2 * DELAY_S, per_call
