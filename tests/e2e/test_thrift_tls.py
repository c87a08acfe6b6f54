"""TLS on the Thrift port (server.tls_cert / tls_key / tls_client_ca):
certificates made with the openssl command (a CA, a server certificate for
IP 127.0.0.1, a client certificate), calls through thrift's TSSLSocket, a
plain-TCP client refused without harm, mutual TLS, and a certificate reload
on SIGHUP that new connections see while open ones keep working."""
import hashlib
import os
import shutil
import signal
import ssl
import time

import pytest
from thrift.protocol import TBinaryProtocol
from thrift.transport import TSSLSocket, TTransport

from conftest import unique
from tlslib import make_pki
from hive_metastore import ThriftHiveMetastore
from hive_metastore.ttypes import Database


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(str(tmp_path_factory.mktemp("thrift-tls")))


def tls_sets(cert, key, client_ca=None):
    sets = ["server.tls_cert=" + cert, "server.tls_key=" + key]
    if client_ca:
        sets.append("server.tls_client_ca=" + client_ca)
    return sets


class TlsClient:
    """ThriftHiveMetastore.Client over TSSLSocket + buffered transport."""

    def __init__(self, port, cafile, cert=None, timeout=10.0):
        ctx = ssl.create_default_context(cafile=cafile)
        if cert:
            ctx.load_cert_chain(cert[0], cert[1])
        self.sock = TSSLSocket.TSSLSocket("127.0.0.1", port, ssl_context=ctx,
                                          validate_callback=lambda cert, host: None)
        self.sock.setTimeout(timeout * 1000)
        self.transport = TTransport.TBufferedTransport(self.sock)
        self.client = ThriftHiveMetastore.Client(TBinaryProtocol.TBinaryProtocol(self.transport))
        self.transport.open()

    def __getattr__(self, name):
        return getattr(self.client, name)

    def peer_fingerprint(self):
        return hashlib.sha256(self.sock.handle.getpeercert(binary_form=True)).hexdigest()

    def close(self):
        try:
            self.transport.close()
        except Exception:
            pass


def cert_fingerprint(path):
    with open(path) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    return hashlib.sha256(der).hexdigest()


def wait_for_log(srv, text, count, tries=200):
    for _ in range(tries):
        if srv.log_text().count(text) >= count:
            return True
        time.sleep(0.05)
    return False


def test_calls_over_tls(metastore_factory, pki):
    srv = metastore_factory(sets=tls_sets(*pki["server"]))
    c = TlsClient(srv.port, pki["ca"][0])
    try:
        name = unique("tls_db")
        c.create_database(Database(name=name, description="over tls", parameters={}))
        assert name in c.get_all_databases()
        assert c.get_database(name).description == "over tls"
        assert c.peer_fingerprint() == cert_fingerprint(pki["server"][0])
        # several calls on one connection, and a large reply through SSL_write
        for _ in range(5):
            assert "default" in c.get_all_databases()
    finally:
        c.close()
    assert "over TLS" in srv.log_text()


def test_plain_tcp_client_is_closed_and_server_stays_up(metastore_factory, pki):
    srv = metastore_factory(sets=tls_sets(*pki["server"]))
    plain = srv.client(timeout=5.0)
    try:
        with pytest.raises((TTransport.TTransportException, OSError, EOFError)):
            plain.get_all_databases()
    finally:
        plain.close()
    assert wait_for_log(srv, "TLS handshake with 127.0.0.1:", 1)
    line = [ln for ln in srv.log_text().splitlines() if "TLS handshake with" in ln][0]
    assert "failed" in line
    c = TlsClient(srv.port, pki["ca"][0])
    try:
        assert "default" in c.get_all_databases()
    finally:
        c.close()


def test_client_that_distrusts_the_server_fails(metastore_factory, pki):
    srv = metastore_factory(sets=tls_sets(*pki["server"]))
    with pytest.raises((TTransport.TTransportException, ssl.SSLError, OSError)):
        TlsClient(srv.port, pki["stranger"][0])   # not our CA
    c = TlsClient(srv.port, pki["ca"][0])
    try:
        assert "default" in c.get_all_databases()
    finally:
        c.close()


def test_client_certificates_required(metastore_factory, pki):
    srv = metastore_factory(sets=tls_sets(*pki["server"], client_ca=pki["ca"][0]))
    # no certificate: refused (TLS 1.3 reports it at the first read)
    with pytest.raises((TTransport.TTransportException, ssl.SSLError, OSError, EOFError)):
        c = TlsClient(srv.port, pki["ca"][0])
        try:
            c.get_all_databases()
        finally:
            c.close()
    # a certificate of another CA: refused
    with pytest.raises((TTransport.TTransportException, ssl.SSLError, OSError, EOFError)):
        c = TlsClient(srv.port, pki["ca"][0], cert=pki["stranger"])
        try:
            c.get_all_databases()
        finally:
            c.close()
    assert wait_for_log(srv, "TLS handshake with 127.0.0.1:", 2)
    c = TlsClient(srv.port, pki["ca"][0], cert=pki["client"])
    try:
        assert "default" in c.get_all_databases()
    finally:
        c.close()
    assert "client certificates required" in srv.log_text()


def test_sighup_reloads_the_certificate(metastore_factory, pki, tmp_path):
    os.chmod(str(tmp_path), 0o755)
    crt, key = str(tmp_path / "live.crt"), str(tmp_path / "live.key")
    shutil.copy(pki["server"][0], crt)
    shutil.copy(pki["server"][1], key)
    os.chmod(key, 0o644)
    srv = metastore_factory(sets=tls_sets(crt, key))
    old = TlsClient(srv.port, pki["ca"][0])
    try:
        assert "default" in old.get_all_databases()
        assert old.peer_fingerprint() == cert_fingerprint(pki["server"][0])
        # rotate the files in place (as a Kubernetes Secret does), then SIGHUP
        shutil.copy(pki["server2"][0], crt)
        shutil.copy(pki["server2"][1], key)
        srv.proc.send_signal(signal.SIGHUP)
        assert wait_for_log(srv, "Thrift TLS certificate reloaded", 1), srv.log_tail()
        new = TlsClient(srv.port, pki["ca"][0])
        try:
            assert new.peer_fingerprint() == cert_fingerprint(pki["server2"][0])
            assert "default" in new.get_all_databases()
        finally:
            new.close()
        # the connection opened before the reload keeps working
        assert "default" in old.get_all_databases()
        assert old.peer_fingerprint() == cert_fingerprint(pki["server"][0])
        # a broken key file on SIGHUP keeps the running certificate
        with open(key, "w") as f:
            f.write("not a key\n")
        srv.proc.send_signal(signal.SIGHUP)
        assert wait_for_log(srv, "Thrift TLS certificate not reloaded", 1), srv.log_tail()
        again = TlsClient(srv.port, pki["ca"][0])
        try:
            assert again.peer_fingerprint() == cert_fingerprint(pki["server2"][0])
            assert "default" in again.get_all_databases()
        finally:
            again.close()
    finally:
        old.close()


def test_half_a_thrift_tls_configuration_is_refused(metastore_factory, pki):
    with pytest.raises(Exception) as e:
        metastore_factory(sets=["server.tls_cert=" + pki["server"][0]])
    assert "server.tls_key" in str(e.value)


def test_unreadable_certificate_is_refused_at_start(metastore_factory, pki):
    with pytest.raises(Exception) as e:
        metastore_factory(sets=tls_sets(pki["server"][0] + ".missing", pki["server"][1]))
    assert "server.tls_cert" in str(e.value)


def test_mismatched_key_is_refused_at_start(metastore_factory, pki):
    with pytest.raises(Exception) as e:
        metastore_factory(sets=tls_sets(pki["server"][0], pki["server2"][1]))
    assert "does not match" in str(e.value)
