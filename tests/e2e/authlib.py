"""Helpers for the REST authentication e2e tests: token requests to
POST /v1/oauth/tokens, JWTs made by hand (HS256 with the standard library;
RS/PS/ES with python3-cryptography over keys the `openssl` CLI generates),
and a JWKS server on 127.0.0.1 that counts its fetches."""
import base64
import hashlib
import hmac
import http.client
import json
import os
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN_PATH = "/v1/oauth/tokens"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def claims_of(token):
    return json.loads(b64url_decode(token.split(".")[1]))


def token_request(port, form=None, basic=None, raw=None, content_type=None, headers=None,
                  method="POST"):
    """POST /v1/oauth/tokens; returns (status, JSON body, lower-cased headers)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = raw if raw is not None else (urllib.parse.urlencode(form) if form is not None
                                        else None)
    h = {}
    if body is not None:
        h["Content-Type"] = content_type or "application/x-www-form-urlencoded"
    if basic is not None:
        h["Authorization"] = "Basic " + base64.b64encode(basic.encode()).decode()
    h.update(headers or {})
    c.request(method, TOKEN_PATH, body=body, headers=h)
    r = c.getresponse()
    text = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, (json.loads(text) if text else None), hdrs


def get_token(port, client_id, secret):
    status, doc, _ = token_request(port, {"grant_type": "client_credentials",
                                          "client_id": client_id, "client_secret": secret,
                                          "scope": "catalog"})
    assert status == 200, doc
    return doc["access_token"]


# ---------------------------------------------------------------------------
# JWTs by hand
# ---------------------------------------------------------------------------

def jws(header, claims, sign):
    """header.payload.signature with sign(signing_input_bytes) -> bytes."""
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = (h + "." + p).encode()
    return h + "." + p + "." + b64url(sign(signing_input))


def hs256(claims, key, header=None):
    header = header or {"alg": "HS256", "typ": "JWT"}
    return jws(header, claims, lambda m: hmac.new(key.encode() if isinstance(key, str) else key,
                                                  m, hashlib.sha256).digest())


def now():
    return int(time.time())


def own_claims(sub="client1", iss="metastore", ttl=600, scope="catalog", **extra):
    t = now()
    c = {"iss": iss, "sub": sub, "iat": t, "exp": t + ttl, "scope": scope}
    c.update(extra)
    return c


def _crypto():
    try:
        from cryptography.hazmat.primitives import hashes, serialization  # noqa: F401
        return True
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("python3-cryptography is required (script/bootstrap installs it)")
        pytest.skip("python3-cryptography is not installed")


class Key:
    """A private key made by `openssl genpkey`, its public JWK and a signer."""

    def __init__(self, kind, kid, directory):
        _crypto()
        from cryptography.hazmat.primitives import serialization
        self.kind = kind
        self.kid = kid
        path = os.path.join(directory, kid + ".pem")
        if kind == "RSA":
            args = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
        else:
            args = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + kind]
        subprocess.run(["openssl", "genpkey"] + args + ["-out", path], check=True,
                       capture_output=True, timeout=60)
        with open(path, "rb") as f:
            self.private = serialization.load_pem_private_key(f.read(), password=None)
        self.public_pem = self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def jwk(self, **extra):
        pub = self.private.public_key().public_numbers()
        if self.kind == "RSA":
            n = pub.n.to_bytes((pub.n.bit_length() + 7) // 8, "big")
            e = pub.e.to_bytes((pub.e.bit_length() + 7) // 8, "big")
            d = {"kty": "RSA", "kid": self.kid, "use": "sig", "n": b64url(n), "e": b64url(e)}
        else:
            size = {"P-256": 32, "P-384": 48, "P-521": 66}[self.kind]
            d = {"kty": "EC", "kid": self.kid, "use": "sig", "crv": self.kind,
                 "x": b64url(pub.x.to_bytes(size, "big")),
                 "y": b64url(pub.y.to_bytes(size, "big"))}
        d.update(extra)
        return d

    def sign(self, alg, data):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, padding
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
        h = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}[alg[2:]]
        if alg.startswith("RS"):
            return self.private.sign(data, padding.PKCS1v15(), h)
        if alg.startswith("PS"):
            return self.private.sign(data, padding.PSS(mgf=padding.MGF1(h),
                                                       salt_length=h.digest_size), h)
        r, s = decode_dss_signature(self.private.sign(data, ec.ECDSA(h)))
        size = {"P-256": 32, "P-384": 48, "P-521": 66}[self.kind]
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def token(self, claims, alg=None, kid=True, header=None):
        alg = alg or ("RS256" if self.kind == "RSA" else
                      {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}[self.kind])
        hdr = {"alg": alg, "typ": "JWT"}
        if kid:
            hdr["kid"] = self.kid if kid is True else kid
        hdr.update(header or {})
        return jws(hdr, claims, lambda m: self.sign(alg, m))


# ---------------------------------------------------------------------------
# a JWKS server
# ---------------------------------------------------------------------------

class _JwksHandler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        srv = self.server
        with srv.lock:
            srv.fetches += 1
            doc = srv.document
        if self.path != "/jwks.json" or doc is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class JwksServer:
    """Serves {"keys": [...]} at http://127.0.0.1:<port>/jwks.json; `keys`
    can be swapped at any time; `fetches` counts the GETs."""

    def __init__(self, keys=()):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _JwksHandler)
        self.httpd.lock = threading.Lock()
        self.httpd.fetches = 0
        self.httpd.document = None
        self.set_keys(keys)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/jwks.json" % self.httpd.server_address[1]

    @property
    def fetches(self):
        with self.httpd.lock:
            return self.httpd.fetches

    def set_keys(self, jwks):
        with self.httpd.lock:
            self.httpd.document = {"keys": list(jwks)}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)
