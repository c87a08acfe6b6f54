"""Client certificates on the REST door (rest.tls_client_ca): libmicrohttpd
asks for one, every request checks it; curl and Python's ssl with the right
certificate get answers, without one (or with one of another CA) 403."""
import http.client
import json
import ssl
import subprocess

import pytest

from tlslib import make_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(str(tmp_path_factory.mktemp("rest-mtls")))


def curl(port, pki, cert=None):
    args = ["curl", "-sS", "--max-time", "20", "--cacert", pki["ca"][0],
            "-w", "\n%{http_code}", "https://127.0.0.1:%d/v1/config" % port]
    if cert:
        args[1:1] = ["--cert", cert[0], "--key", cert[1]]
    out = subprocess.run(args, capture_output=True, text=True, timeout=30)
    body, _, code = out.stdout.rpartition("\n")
    return int(code or 0), body


def test_rest_requires_client_certificates(metastore_factory, pki):
    srv = metastore_factory(sets=["rest.tls_cert=" + pki["server"][0],
                                  "rest.tls_key=" + pki["server"][1],
                                  "rest.tls_client_ca=" + pki["ca"][0]])
    code, body = curl(srv.rest_port, pki, cert=pki["client"])
    assert code == 200 and "endpoints" in json.loads(body)
    code, body = curl(srv.rest_port, pki)
    assert code == 403
    err = json.loads(body)["error"]
    assert err["type"] == "ForbiddenException" and err["code"] == 403
    assert "client certificate" in err["message"]
    code, _ = curl(srv.rest_port, pki, cert=pki["stranger"])
    # GnuTLS may already end the handshake for a certificate of an unknown CA
    assert code in (0, 403)
    # Python's ssl with the client certificate, two requests on one connection
    ctx = ssl.create_default_context(cafile=pki["ca"][0])
    ctx.load_cert_chain(*pki["client"])
    c = http.client.HTTPSConnection("127.0.0.1", srv.rest_port, context=ctx, timeout=10)
    for _ in range(2):
        c.request("GET", "/v1/config")
        r = c.getresponse()
        assert r.status == 200 and "endpoints" in json.loads(r.read())
    c.close()
    assert "REST request from 127.0.0.1:" in srv.log_text()


def test_rest_client_ca_needs_tls(metastore_factory, pki):
    with pytest.raises(Exception) as e:
        metastore_factory(sets=["rest.tls_client_ca=" + pki["ca"][0]])
    assert "rest.tls_client_ca" in str(e.value)


def _rest_fingerprint(port, cafile):
    import hashlib
    ctx = ssl.create_default_context(cafile=cafile)
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    c.request("GET", "/v1/config")
    r = c.getresponse()
    r.read()
    der = c.sock.getpeercert(binary_form=True)
    return r.status, hashlib.sha256(der).hexdigest(), c


def _fingerprint(path):
    import hashlib
    with open(path) as f:
        return hashlib.sha256(ssl.PEM_cert_to_DER_cert(f.read())).hexdigest()


def _wait_log(srv, text, count):
    import time
    for _ in range(200):
        if srv.log_text().count(text) >= count:
            return True
        time.sleep(0.05)
    return False


def test_sighup_reloads_the_rest_certificate(metastore_factory, pki, tmp_path):
    import os
    import shutil
    import signal
    os.chmod(str(tmp_path), 0o755)
    crt, key = str(tmp_path / "rest.crt"), str(tmp_path / "rest.key")
    shutil.copy(pki["server"][0], crt)
    shutil.copy(pki["server"][1], key)
    os.chmod(key, 0o644)
    srv = metastore_factory(sets=["rest.tls_cert=" + crt, "rest.tls_key=" + key])
    status, fp, old = _rest_fingerprint(srv.rest_port, pki["ca"][0])
    assert status == 200 and fp == _fingerprint(pki["server"][0])
    old.close()
    shutil.copy(pki["server2"][0], crt)
    shutil.copy(pki["server2"][1], key)
    srv.proc.send_signal(signal.SIGHUP)
    assert _wait_log(srv, "REST TLS certificate reloaded", 1), srv.log_tail()
    status, fp, c = _rest_fingerprint(srv.rest_port, pki["ca"][0])
    c.close()
    assert status == 200 and fp == _fingerprint(pki["server2"][0])
    # a broken key keeps the running certificate, and the door keeps serving
    with open(key, "w") as f:
        f.write("not a key\n")
    srv.proc.send_signal(signal.SIGHUP)
    assert _wait_log(srv, "REST TLS certificate not reloaded", 1), srv.log_tail()
    status, fp, c = _rest_fingerprint(srv.rest_port, pki["ca"][0])
    c.close()
    assert status == 200 and fp == _fingerprint(pki["server2"][0])
