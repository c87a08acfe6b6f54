"""The REST door over HTTPS (rest.tls_cert / rest.tls_key): a certificate
made with the openssl command, requests through Python's ssl and curl, and
a plain-HTTP request refused."""
import http.client
import json
import ssl
import subprocess

import pytest

from conftest import unique


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    crt, key = d / "server.crt", d / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    key.chmod(0o644)   # the server may run as another user than the test
    return str(crt), str(key)


def https_call(port, cafile, method, path, body=None):
    ctx = ssl.create_default_context(cafile=cafile)
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    c.request(method, path, body=json.dumps(body) if body is not None else None,
              headers={"Content-Type": "application/json"} if body is not None else {})
    r = c.getresponse()
    text = r.read()
    c.close()
    return r.status, json.loads(text) if text else None


def test_https_serves_and_plain_http_does_not(metastore_factory, cert):
    crt, key = cert
    srv = metastore_factory(sets=["rest.tls_cert=" + crt, "rest.tls_key=" + key])
    status, doc = https_call(srv.rest_port, crt, "GET", "/v1/config")
    assert status == 200 and "endpoints" in doc
    name = unique("tls_ns")
    status, doc = https_call(srv.rest_port, crt, "POST", "/v1/namespaces",
                             body={"namespace": [name]})
    assert status == 200, doc
    out = subprocess.run(["curl", "-sS", "--cacert", crt,
                          "https://127.0.0.1:%d/v1/namespaces/%s" % (srv.rest_port, name)],
                         check=True, capture_output=True, text=True, timeout=30)
    assert json.loads(out.stdout)["namespace"] == [name]
    c = http.client.HTTPConnection("127.0.0.1", srv.rest_port, timeout=10)
    with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
        c.request("GET", "/v1/config")
        c.getresponse().read()
    c.close()


def test_half_a_tls_configuration_is_refused(metastore_factory, cert):
    crt, _ = cert
    with pytest.raises(Exception) as e:
        metastore_factory(sets=["rest.tls_cert=" + crt])
    assert "tls_key" in str(e.value) or "tls" in str(e.value).lower()
