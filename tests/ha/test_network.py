"""Network faults between one metastore server and PostgreSQL (issue 12,
design answer "PostgreSQL failover": network faults).

A pg_auto_failover formation as in test_failover.py; server 'near' reaches
it over 127.0.0.1, server 'far' from a network namespace over a veth pair
(netns.py), with TCP keepalives and tcp_user_timeout in its connection
string so that a dead path is noticed in seconds. Thrift and REST writers
loop against both while iptables inside the namespace drops a share of the
packets between 'far' and PostgreSQL (loss), then all of them (a
partition). Then:
- 'near' never fails: the fault is between 'far' and PostgreSQL only;
- every failure of 'far' is an unavailable error (MetaException, 503 or
  500 CommitStateUnknownException), never an answer about the catalog;
- 'far' writes again by itself once the path is back (no restart);
- every write answered with success is on the primary.
The loss test runs only with METASTORE_HA_LOSS=1: in one run of three a
call on 'far' outlasted the client's 30 s timeout and its pool stayed
taken for over a minute after the heal (see the README). Latency is not
tested: it needs tc's netem, which this kernel lacks.
"""
import os
import shutil
import tempfile
import time

import pytest

import netns
from conftest import Server
from servers import IS_ROOT
from writers import Catalog, FormationAsPg, assert_all_held, stop_writers

# what 'far' adds to the connection string: a broken path is noticed within
# about 5 s, whether a statement is on its way (tcp_user_timeout) or the
# connection waits for an answer (keepalives)
FAR_CONNINFO = "keepalives_idle=2 keepalives_interval=1 keepalives_count=3 tcp_user_timeout=5000"
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
            "database.pool_size=4"]
    started = []
    try:
        formation.allow(ns.ns_ip)
        started.append(Server(FormationAsPg(formation), formation.dbname,
                              os.path.join(tmp, "near"), warehouse=warehouse, sets=sets))
        started.append(Server(FormationAsPg(formation, ns.host_ip, FAR_CONNINFO),
                              formation.dbname, os.path.join(tmp, "far"), warehouse=warehouse,
                              sets=sets, bind=ns.ns_ip, wrapper=ns.wrapper()))
        catalog = Catalog(started[0], ["ice_loss_near", "ice_loss_far", "ice_part_near",
                                       "ice_part_far"])
        yield formation, ns, started[0], started[1], catalog
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
            ns.stop()
            shutil.rmtree(tmp, ignore_errors=True)


def under_fault(env, tag, apply):
    """Writers on both servers; 'apply' the fault for FAULT_S, heal, wait
    until every writer succeeded after the heal. Returns the far writers
    and the times (fault, heal)."""
    formation, ns, near, far, catalog = env
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


@pytest.mark.skipif(os.environ.get("METASTORE_HA_LOSS") != "1",
                    reason="packet loss is not settled (README, PostgreSQL failover (tests/ha)); "
                    "METASTORE_HA_LOSS=1 runs it")
def test_packet_loss(env):
    far_w, fault_at, healed_at = under_fault(
        env, "loss", lambda ns, ports: ns.loss(ports, 0.3))
    print("\n30%% packet loss between 'far' and PostgreSQL for %.0f s:" % FAULT_S)
    for w in far_w:
        during = [e for when, e in w.events if fault_at <= when < healed_at]
        print("  loss %-14s %4d writes acknowledged, %3d failed during the loss" % (
            w.name, sum(1 for e in during if e is True), sum(1 for e in during if e is not True)))
