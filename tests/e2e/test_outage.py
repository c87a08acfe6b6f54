"""What every call answers while PostgreSQL cannot be reached (issue 12,
defect 7): the protocol's own "unavailable" error (a MetaException through
Thrift, 503 through REST) that clients retry, never an answer about the
catalog ("database ... does not exist", "source table not found") that
they would take at its word; and no reply names PostgreSQL's socket
directory or host.

A PostgreSQL that stops answering without closing anything (its backends
stopped with SIGSTOP: what a network that loses the replies looks like
to a client) costs a call at most the deadline per round trip
(database.statement_timeout_ms): it answers the same unavailable error,
its connection is closed, the next call works on a new one, and SIGTERM
does not wait for the stuck statement beyond the shutdown grace. SIGHUP
puts a changed deadline in force without a restart.
"""
import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
import time

import pytest

from conftest import Server, pg_cluster, unique
from hive_metastore import ttypes
from thrift.Thrift import TApplicationException
from icelib import Rest
from partlib import add, make_db, make_table
from test_ops import admin_port, http

# what a client may take at its word: never the answer to an outage
CATALOG_ANSWERS = (ttypes.NoSuchObjectException, ttypes.InvalidObjectException,
                   ttypes.AlreadyExistsException, ttypes.InvalidOperationException)


@pytest.fixture(scope="module")
def outage():
    with pg_cluster() as own_pg:
        tmp = tempfile.mkdtemp(prefix="ms-e2e-outage-", dir="/tmp")
        srv = Server(own_pg, own_pg.createdb(), tmp, sets=["database.connect_timeout_s=1", "admin.port=0",
                                                           "database.pool_wait_ms=1000"])
        c = srv.client()
        db = make_db(c, "outage")
        src = make_table(c, db, "src")
        make_table(c, db, "dst")
        add(c, src, ["2024-01-01", "1"])
        rest = Rest(srv.rest_port)
        assert rest.call("GET", "/v1/namespaces/" + db)[0] == 200
        own_pg.pause()
        try:
            yield srv, c, db, src, rest, own_pg.sockdir
        finally:
            c.close()
            own_pg.resume()
            srv.stop_and_check()
            shutil.rmtree(tmp, ignore_errors=True)


NO_META_EXCEPTION = {"lock"}


def thrift_calls(db, src):
    part = ttypes.Partition(values=["2024-01-02", "2"], dbName=db, tableName="src", sd=src.sd,
                            parameters={})
    fresh = ttypes.Table(tableName=unique("t"), dbName=db, sd=src.sd, partitionKeys=[],
                         parameters={}, tableType="MANAGED_TABLE")
    return {
        "get_database": lambda c: c.get_database(db),
        "get_all_databases": lambda c: c.get_all_databases(),
        "create_database": lambda c: c.create_database(ttypes.Database(name=unique("d"),
                                                                       parameters={})),
        "drop_database": lambda c: c.drop_database(db, False, False),
        "get_table": lambda c: c.get_table(db, "src"),
        "get_tables": lambda c: c.get_tables(db, "*"),
        "create_table": lambda c: c.create_table(fresh),
        "alter_table": lambda c: c.alter_table(db, "src", src),
        "drop_table": lambda c: c.drop_table(db, "dst", False),
        "add_partition": lambda c: c.add_partition(part),
        "get_partitions": lambda c: c.get_partitions(db, "src", -1),
        "get_partitions_by_filter": lambda c: c.get_partitions_by_filter(db, "src", "hr = 1", -1),
        "get_partition_names": lambda c: c.get_partition_names(db, "src", -1),
        "drop_partition": lambda c: c.drop_partition(db, "src", ["2024-01-01", "1"], False),
        "exchange_partition": lambda c: c.exchange_partition({"ds": "2024-01-01", "hr": "1"},
                                                             db, "src", db, "dst"),
        "get_functions": lambda c: c.get_functions(db, "*"),
        "lock": lambda c: c.lock(ttypes.LockRequest(
            component=[ttypes.LockComponent(type=ttypes.LockType.SHARED_READ,
                                            level=ttypes.LockLevel.TABLE, dbname=db,
                                            tablename="src")], user="u", hostname="h")),
    }


def test_thrift_calls_answer_unavailable(outage):
    srv, c, db, src, _, sockdir = outage
    wrong = []
    for name, call in thrift_calls(db, src).items():
        try:
            call(c)
            wrong.append("%s: succeeded with PostgreSQL down" % name)
        except CATALOG_ANSWERS as e:
            wrong.append("%s: %s %s" % (name, type(e).__name__, e))
        except (ttypes.MetaException, TApplicationException) as e:
            # lock declares no MetaException: there, as in Java, the
            # outage can only be a TApplicationException (which Hive's
            # retrying client retries)
            want = TApplicationException if name in NO_META_EXCEPTION else ttypes.MetaException
            text = str(getattr(e, "message", e))
            if not isinstance(e, want):
                wrong.append("%s: %s %s" % (name, type(e).__name__, text))
            elif sockdir in text or "unavailable" not in text:
                wrong.append("%s: %s" % (name, text))
    assert not wrong, "\n".join(wrong)


def test_rest_calls_answer_503(outage):
    srv, _, db, _, rest, sockdir = outage
    calls = [("GET", "/v1/namespaces", None), ("GET", "/v1/namespaces/" + db, None),
             ("HEAD", "/v1/namespaces/" + db, None),
             ("GET", "/v1/namespaces/%s/tables" % db, None),
             ("GET", "/v1/namespaces/%s/tables/src" % db, None),
             ("POST", "/v1/namespaces", {"namespace": [unique("n")]}),
             ("DELETE", "/v1/namespaces/" + db, None)]
    wrong = []
    for method, path, body in calls:
        status, doc = rest.call(method, path, body)
        if status != 503:
            wrong.append("%s %s: %s %s" % (method, path, status, doc))
        elif doc and sockdir in str(doc):
            wrong.append("%s %s: names the socket directory: %s" % (method, path, doc))
    assert not wrong, "\n".join(wrong)


def test_readyz_says_not_ready_without_naming_postgres(outage):
    srv, _, _, _, _, sockdir = outage
    status, _, body = http(admin_port(srv), "GET", "/readyz")
    assert status == 503, (status, body)
    assert "not ready" in body and sockdir not in body and ".s.PGSQL" not in body, body


# ---- a PostgreSQL that stops answering: the deadline per round trip ----

DEADLINE_MS = 1500
# what a call may take beyond the deadline on this shared 2-core machine
SLACK_S = 2.5


def backends(pg, db):
    """The PIDs of the metastore server's PostgreSQL sessions (libpq's
    fallback_application_name is 'metastore')."""
    out = pg.psql(db, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                      "AND application_name = 'metastore'").stdout
    return [int(x) for x in out.split()]


@contextlib.contextmanager
def stopped(pids):
    """Those backends stopped (SIGSTOP) until the block ends: they keep
    their sockets open and answer nothing."""
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass


def pool_in_use(srv):
    _, _, body = http(admin_port(srv), "GET", "/metrics")
    m = re.search(r"^metastore_db_pool_in_use (\d+)", body, re.M)
    assert m, body
    return int(m.group(1))


@pytest.fixture(scope="module")
def hanging():
    with pg_cluster() as own_pg:
        tmp = tempfile.mkdtemp(prefix="ms-e2e-hang-", dir="/tmp")
        db = own_pg.createdb()
        srv = Server(own_pg, db, tmp, sets=["database.statement_timeout_ms=%d" % DEADLINE_MS,
                                            "database.pool_size=3", "admin.port=0",
                                            "database.pool_wait_ms=1000"])
        try:
            c = srv.client(timeout=30)
            name = make_db(c, "hang")
            make_table(c, name, "t")
            yield own_pg, db, srv, c, name
        finally:
            c.close()
            srv.stop_and_check()
            shutil.rmtree(tmp, ignore_errors=True)


def until_success(call, limit):
    """Call until it succeeds (at most 'limit' failures): the failures'
    (seconds taken, exception)."""
    failures = []
    while len(failures) <= limit:
        t0 = time.monotonic()
        try:
            call()
            return failures
        except Exception as e:   # noqa: BLE001  (judged by the caller)
            failures.append((time.monotonic() - t0, e))
    raise AssertionError("no success after %d failures: %r" % (limit, failures[-3:]))


def test_unanswered_statement_fails_within_the_deadline(hanging):
    pg, db, srv, c, name = hanging
    c.get_table(name, "t")
    pids = backends(pg, db)
    assert pids
    with stopped(pids):
        # every pooled connection is stopped: each costs one call the
        # deadline, then a new connection (a new backend) answers
        failures = until_success(lambda: c.get_table(name, "t"), len(pids))
        assert failures, "a call succeeded on a stopped backend"
        for took, e in failures:
            assert isinstance(e, ttypes.MetaException), e
            assert "unavailable" in e.message and pg.sockdir not in e.message, e.message
            assert DEADLINE_MS / 1000 - 0.1 <= took < DEADLINE_MS / 1000 + SLACK_S, took
        print("\n%d stopped backends: %d calls failed, in %s s; then answered" % (
            len(pids), len(failures), ", ".join("%.2f" % t for t, _ in failures)))
        assert pool_in_use(srv) == 0
        c.create_database(ttypes.Database(name=unique("after"), parameters={}))
    assert "did not answer within %d ms" % DEADLINE_MS in srv.log_text()


def test_unanswered_rest_request_answers_503(hanging):
    pg, db, srv, c, name = hanging
    rest = Rest(srv.rest_port)
    assert rest.call("GET", "/v1/namespaces/" + name)[0] == 200
    pids = backends(pg, db)
    with stopped(pids):
        def get():
            status, doc = rest.call("GET", "/v1/namespaces/" + name)
            if status != 200:
                raise AssertionError((status, doc))
        failures = until_success(get, len(pids))
        assert failures
        for took, e in failures:
            status, doc = e.args[0]
            assert status == 503 and pg.sockdir not in str(doc), (status, doc)
            assert took < DEADLINE_MS / 1000 + SLACK_S, took
    assert pool_in_use(srv) == 0


def test_sighup_reloads_the_deadline(metastore_factory, pg, tmp_path):
    """database.statement_timeout_ms changed in the file and SIGHUP: the
    next calls wait on a stopped backend no longer than the new deadline
    (the pooled connection opened under the old session timeouts is
    replaced). Before, the deadline of the start held until a restart."""
    conf = tmp_path / "metastore.conf"
    conf.write_text("[database]\nstatement_timeout_ms = 120000\n")
    db = pg.createdb()
    srv = metastore_factory(db=db, env={"METASTORE_CONFIG": str(conf)})
    with srv.client(timeout=20) as c:
        name = make_db(c, "reload")
        conf.write_text("[database]\nstatement_timeout_ms = %d\n" % DEADLINE_MS)
        srv.proc.send_signal(signal.SIGHUP)
        marker = "SIGHUP: PostgreSQL timeouts are now database.statement_timeout_ms=%d" % DEADLINE_MS
        for _ in range(100):
            if marker in srv.log_text():
                break
            time.sleep(0.1)
        assert marker in srv.log_text(), srv.log_tail()
        c.get_database(name)
        pids = backends(pg, db)
        assert pids
        with stopped(pids):
            failures = until_success(lambda: c.get_database(name), len(pids))
        assert failures, "a call succeeded on a stopped backend"
        for took, e in failures:
            assert isinstance(e, ttypes.MetaException), e
            assert took < DEADLINE_MS / 1000 + SLACK_S, took
        print("\nafter SIGHUP: %d calls on stopped backends failed in %s s" % (
            len(failures), ", ".join("%.2f" % t for t, _ in failures)))


def warm_pool(srv, pg, db, name, want):
    """Concurrent calls until the pool holds at least 'want' connections
    (a few rounds at most); their backends' PIDs."""
    def burst():
        with srv.client() as c:
            for _ in range(20):
                c.get_database(name)
    for _ in range(5):
        pids = backends(pg, db)
        if len(pids) >= want:
            return pids
        ts = [threading.Thread(target=burst) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
    raise AssertionError("the pool never held %d connections: %r" % (want, pids))


def test_sigterm_does_not_wait_for_a_stuck_statement():
    """A deadline far longer than the shutdown grace: SIGTERM still ends
    the process within about the grace, calls stuck on PostgreSQL
    included (Thrift and REST)."""
    with pg_cluster() as own_pg:
        tmp = tempfile.mkdtemp(prefix="ms-e2e-hang-stop-", dir="/tmp")
        db = own_pg.createdb()
        srv = Server(own_pg, db, tmp, sets=["database.statement_timeout_ms=120000",
                                            "server.shutdown_grace_ms=1000",
                                            "database.pool_size=4"])
        try:
            c = srv.client(timeout=60)
            name = make_db(c, "stop")
            rest = Rest(srv.rest_port)
            assert rest.call("GET", "/v1/namespaces/" + name)[0] == 200
            pids = warm_pool(srv, own_pg, db, name, 2)
            with stopped(pids):
                outcome = {}

                def thrift_call():
                    try:
                        c.get_database(name)
                        outcome["thrift"] = "answered"
                    except Exception as e:   # noqa: BLE001
                        outcome["thrift"] = e

                def rest_call():
                    try:
                        outcome["rest"] = rest.call("GET", "/v1/namespaces/" + name)[0]
                    except Exception as e:   # noqa: BLE001
                        outcome["rest"] = e

                calls = [threading.Thread(target=f, daemon=True) for f in (thrift_call,
                                                                           rest_call)]
                for t in calls:
                    t.start()
                time.sleep(1.0)           # both wait on a stopped backend now
                assert not outcome, outcome
                t0 = time.monotonic()
                rc = srv.terminate(grace=30)
                took = time.monotonic() - t0
                for t in calls:
                    t.join(10)
            print("\nSIGTERM with two calls stuck on PostgreSQL: stopped in %.2f s (%r)" % (
                took, outcome))
            assert rc == 0, srv.log_tail()
            assert took < 1.0 + 4.0, took
            assert "abandoned" in srv.log_text()
        finally:
            srv.kill()
            shutil.rmtree(tmp, ignore_errors=True)
