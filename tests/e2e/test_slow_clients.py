"""Slow clients cannot lock the Thrift door (issue 12, defect 4): 32
connections each sending a few bytes every 20 s used to hold every worker
(each read had its own timeout, so a trickle was never cut). Now a whole
message must arrive within server.read_timeout_ms of its first byte, and
one address's slow messages hold at most half the workers, so other
clients are served throughout.
"""
import socket
import struct
import threading
import time

from hive_metastore import ttypes

# the start of a get_database call (binary protocol, strict header), cut short
HEAD = struct.pack(">I", 0x80010001) + struct.pack(">I", 12) + b"get_database" + \
    struct.pack(">I", 1)


def trickle(port, stop, log):
    """Send the head, then one byte a second, until the server closes."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
    except OSError as e:
        log.append(("connect", repr(e)))
        return
    t0 = time.time()
    try:
        s.sendall(HEAD)
        while not stop.is_set():
            time.sleep(0.5)
            s.sendall(b"\x0b")          # a field type byte, never a whole message
            s.settimeout(0.01)
            try:
                if s.recv(1) == b"":
                    break
            except socket.timeout:
                pass
            except OSError:
                break
    except OSError:
        pass
    log.append(("closed after", time.time() - t0))
    s.close()


def test_trickling_clients_do_not_lock_the_door(metastore_factory):
    srv = metastore_factory(sets=["server.workers=4", "server.read_timeout_ms=3000"])
    stop = threading.Event()
    log = []
    threads = [threading.Thread(target=trickle, args=(srv.port, stop, log), daemon=True)
               for _ in range(8)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)
        # meanwhile, a client whose calls arrive whole is served at once
        for _ in range(5):
            t0 = time.time()
            with srv.client(timeout=5) as c:
                assert c.get_database("default").name == "default"
            assert time.time() - t0 < 2.0
            time.sleep(0.3)
    finally:
        for t in threads:
            t.join(15)       # every trickle is cut within read_timeout_ms (3 s)
        stop.set()
    assert len(log) == 8 and all(t < 10 for _, t in log), log
    with srv.client() as c:
        assert c.getStatus() == ttypes.fb_status.ALIVE
