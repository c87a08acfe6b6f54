"""Wire-level behaviour that is more than a request and its reply: the log
line of a closed connection, the connection limit. Unknown methods,
malformed and truncated input and the framed transport are cases in
tests/data/thrift (run by test_data_cases.py)."""
import socket
import time

import pytest
from thrift.Thrift import TApplicationException
from thrift.transport import TTransport


def raw_conn(server):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return s


def expect_closed(s, timeout=10.0):
    """Read until the server closes the connection; fail if it does not."""
    s.settimeout(timeout)
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            data = s.recv(65536)
            if not data:
                return
    except (ConnectionResetError, BrokenPipeError):
        return
    except socket.timeout:
        pytest.fail("server kept the connection open")
    finally:
        s.close()
    pytest.fail("server kept the connection open")


def send_all(s, data):
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server may close before everything is sent


def check_still_serving(server):
    with server.client() as c:
        assert "default" in c.get_all_databases()


def frame_http():
    return b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


def test_log_mentions_closing_connection(server):
    s = raw_conn(server)
    send_all(s, frame_http())
    expect_closed(s)
    check_still_serving(server)
    deadline = time.time() + 5
    while "closing connection" not in server.log_text() and time.time() < deadline:
        time.sleep(0.1)
    assert "closing connection" in server.log_text()


def test_max_connections(metastore_factory):
    srv = metastore_factory(sets=["server.max_connections=5"])
    clients = [srv.client() for _ in range(5)]
    try:
        for c in clients:
            assert "default" in c.get_all_databases()
        extra = srv.client()
        try:
            with pytest.raises(TApplicationException) as ei:
                extra.get_all_databases()
            assert "too many connections" in str(ei.value.message)
        finally:
            extra.close()
        clients.pop().close()
        deadline = time.time() + 10
        while True:
            c = srv.client()
            try:
                assert "default" in c.get_all_databases()
                clients.append(c)
                break
            except (TApplicationException, TTransport.TTransportException):
                c.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        for c in clients:
            assert "default" in c.get_all_databases()
    finally:
        for c in clients:
            c.close()
