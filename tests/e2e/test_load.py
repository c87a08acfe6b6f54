"""Concurrency, PostgreSQL restarts and shutdown under load."""
import threading
import time

import pytest
from thrift.Thrift import TApplicationException
from thrift.transport import TTransport

from conftest import Client, pg_cluster
from hive_metastore import ttypes


def test_200_concurrent_connections(server):
    n = 200
    barrier = threading.Barrier(n, timeout=30)
    errors = []
    done = []

    def worker(i):
        try:
            with server.client(timeout=20) as c:
                barrier.wait()
                for _ in range(3):
                    assert c.get_database("default").name == "default"
                    assert "default" in c.get_all_databases()
            done.append(i)
        except Exception as e:  # noqa: BLE001
            errors.append("%d: %r" % (i, e))

    t0 = time.time()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(1.0, 40 - (time.time() - t0)))
    elapsed = time.time() - t0
    assert not errors, errors[:5]
    assert len(done) == n
    assert elapsed < 30, elapsed
    with server.client() as c:
        assert c.getStatus() == ttypes.fb_status.ALIVE


TRANSIENT = (ttypes.MetaException, TApplicationException, TTransport.TTransportException)


def test_postgres_restart_during_load(metastore_factory):
    # a PostgreSQL of its own, so that the shared one is never restarted
    with pg_cluster() as own_pg:
        srv = metastore_factory(pg_=own_pg, sets=["database.connect_timeout_s=2",
                                                  "database.pool_wait_ms=3000"])
        c = srv.client()
        stop = threading.Event()
        stats = {"ok": 0, "failed": 0, "errors": []}

        def loop():
            cl = c
            deadline = time.time() + 15
            while not stop.is_set() and time.time() < deadline:
                try:
                    assert cl.get_database("default").name == "default"
                    stats["ok"] += 1
                except TRANSIENT as e:
                    stats["failed"] += 1
                    stats["errors"].append(repr(e))
                    if isinstance(e, TTransport.TTransportException):
                        cl = srv.client()  # the connection is gone: use a new one
                time.sleep(0.01)

        t = threading.Thread(target=loop, daemon=True)
        t.start()
        time.sleep(1.0)
        before = stats["ok"]
        assert before > 0
        own_pg.restart()
        time.sleep(1.0)
        stop.set()
        t.join(20)
        assert not t.is_alive()

        # after the restart: same connection and new ones work again (a few
        # calls may still fail while the pool notices its dead connections)
        def eventually(fn):
            deadline = time.time() + 10
            while True:
                try:
                    return fn()
                except ttypes.MetaException:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.2)

        assert eventually(lambda: c.get_database("default")).name == "default"
        for _ in range(20):
            assert c.get_database("default").name == "default"
        for _ in range(5):
            with srv.client() as fresh:
                assert "default" in fresh.get_all_databases()
                assert fresh.get_database("default").name == "default"
        print("pg restart: %d ok, %d failed calls; first errors: %s"
              % (stats["ok"], stats["failed"], stats["errors"][:3]))
        assert stats["ok"] > before
        assert srv.proc.poll() is None
        c.close()
        srv.stop_and_check()


def test_sigterm_during_load(metastore_factory):
    srv = metastore_factory(sets=["server.shutdown_grace_ms=5000"])
    stop = threading.Event()
    counts = []
    ended = []

    def worker():
        n = 0
        try:
            c = srv.client(timeout=10)
        except TTransport.TTransportException:
            ended.append("connect")
            return
        try:
            while not stop.is_set():
                c.get_database("default")
                c.get_all_databases()
                n += 1
        except (TTransport.TTransportException, TApplicationException, ConnectionError,
                OSError, EOFError) as e:
            ended.append(repr(e))
        finally:
            counts.append(n)
            c.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    t0 = time.time()
    rc = srv.terminate(grace=15)
    elapsed = time.time() - t0
    assert rc == 0, srv.log_tail()
    assert elapsed < 10, elapsed
    for t in threads:
        t.join(12)
    stop.set()
    assert not any(t.is_alive() for t in threads), "a client hung after the server stopped"
    assert len(ended) == 8, ended
    assert sum(counts) > 0
    assert "shutting down" in srv.log_text()
