"""Wire-level behaviour: unknown methods, malformed input, transports, limits."""
import random
import socket
import struct
import time

import pytest
from thrift.Thrift import TApplicationException, TMessageType, TType
from thrift.transport import TSocket, TTransport
from thrift.protocol import TBinaryProtocol

from hive_metastore import ThriftHiveMetastore

VERSION_1 = 0x80010000


def call_header(name, seqid=1, mtype=TMessageType.CALL):
    n = name.encode()
    return struct.pack("!i", VERSION_1 | mtype - (1 << 32)) + struct.pack("!i", len(n)) + n + \
        struct.pack("!i", seqid)


# Regression: c_glib 0.17's base dispatcher frees the method name itself;
# freeing it again aborted the whole server on the first unknown method.
def test_unknown_method(metastore_factory):
    # a server of its own, checked to exit cleanly afterwards
    server = metastore_factory()
    sock = TSocket.TSocket("127.0.0.1", server.port)
    sock.setTimeout(10000)
    trans = TTransport.TBufferedTransport(sock)
    proto = TBinaryProtocol.TBinaryProtocol(trans)
    trans.open()
    try:
        proto.writeMessageBegin("get_runtime_stats", TMessageType.CALL, 1)
        proto.writeStructBegin("get_runtime_stats_args")
        proto.writeFieldStop()
        proto.writeStructEnd()
        proto.writeMessageEnd()
        trans.flush()
        name, mtype, seqid = proto.readMessageBegin()
        assert mtype == TMessageType.EXCEPTION
        assert seqid == 1
        x = TApplicationException()
        x.read(proto)
        proto.readMessageEnd()
        assert x.type == TApplicationException.UNKNOWN_METHOD
        # the same connection keeps working
        client = ThriftHiveMetastore.Client(proto)
        assert "default" in client.get_all_databases()
        with server.client() as fresh:
            assert "default" in fresh.get_all_databases()
        assert server.proc.poll() is None, server.log_tail()
    finally:
        trans.close()


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


def frame_huge_string():
    # strict header, then a method-name length of 0x7fffffff
    return struct.pack("!i", VERSION_1 | 1 - (1 << 32)) + struct.pack("!i", 0x7fffffff) + b"get"


def frame_negative_list():
    # set_ugi(user_name, group_names) with group_names of size -1
    body = struct.pack("!bh", TType.STRING, 1) + struct.pack("!i", 1) + b"u"
    body += struct.pack("!bh", TType.LIST, 2) + struct.pack("!bi", TType.STRING, -1)
    return call_header("set_ugi") + body


def frame_deep_struct():
    # get_database(name) whose field 1 is a struct nested 100000 deep
    one = struct.pack("!bh", TType.STRUCT, 1)
    return call_header("get_database") + one * 100000 + b"\x00" * 100000


def frame_garbage():
    rnd = random.Random(1234)
    return b"\xde\xad" + bytes(rnd.getrandbits(8) for _ in range(8190))


MALFORMED = {
    "http": frame_http,
    "huge_string": frame_huge_string,
    "negative_list": frame_negative_list,
    "deep_struct": frame_deep_struct,
    "garbage": frame_garbage,
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_input_closes_connection(server, kind):
    s = raw_conn(server)
    send_all(s, MALFORMED[kind]())
    expect_closed(s)
    check_still_serving(server)


def test_truncated_message_then_close(server):
    body = call_header("get_all_databases") + b"\x00"
    s = raw_conn(server)
    send_all(s, body[: len(body) // 2])
    s.shutdown(socket.SHUT_WR)
    expect_closed(s)
    # and an abrupt close mid-message
    s = raw_conn(server)
    send_all(s, body[:7])
    s.close()
    check_still_serving(server)


def test_log_mentions_closing_connection(server):
    s = raw_conn(server)
    send_all(s, frame_http())
    expect_closed(s)
    check_still_serving(server)
    deadline = time.time() + 5
    while "closing connection" not in server.log_text() and time.time() < deadline:
        time.sleep(0.1)
    assert "closing connection" in server.log_text()


def test_framed_transport(metastore_factory):
    srv = metastore_factory(framed=True)
    with srv.client() as c:
        assert "default" in c.get_all_databases()
        assert c.set_ugi("u", []) == ["u"]


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
