"""Authentication of the Iceberg REST door (issue 5): POST /v1/oauth/tokens
(client_credentials and token exchange, form and HTTP Basic), Bearer tokens
on every other route (this server's HS256 tokens and an identity provider's
RS/PS/ES JWTs checked against its JWKS), rest.auth none/oauth/auto, and the
iceberg-js client with a token. Error bodies are the spec's OAuthError on
the token endpoint and IcebergErrorResponse elsewhere, checked with the
spec validator. A 401 on every route without a token and the token
endpoint's refusals are cases in tests/data/rest."""
import base64
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest

from authlib import (JwksServer, Key, b64url, claims_of, get_token, hs256, jws, now,
                     own_claims, token_request)
from conftest import METASTORE_BIN, Server, clean_env, unique
from icelib import Rest, assert_error, ns_path
from iceberg_spec import spec_validator
from nodetools import JsonLines, require_node, require_spec

CLIENT, SECRET = "spark", "spark-secret-1"
CLIENT2, SECRET2 = "trino", "trino secret 2"
TOKEN_SECRET = "0123456789abcdef0123456789abcdef-test-key"
AUDIENCE = "metastore-test"
ISSUER = "https://idp.example.test/realms/data"
CLIENTS = "%s:%s, %s:sha256:%s" % (
    CLIENT, SECRET, CLIENT2, __import__("hashlib").sha256(SECRET2.encode()).hexdigest())


@pytest.fixture(scope="module")
def validator():
    require_node()
    require_spec()
    return spec_validator()


@pytest.fixture(scope="module")
def keydir():
    d = tempfile.mkdtemp(prefix="ms-e2e-keys-", dir="/tmp")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def keys(keydir):
    return {"rsa": Key("RSA", "rsa-1", keydir), "ec": Key("P-256", "ec-1", keydir),
            "ec384": Key("P-384", "ec-384", keydir), "rsa2": Key("RSA", "rsa-2", keydir),
            "stranger": Key("RSA", "stranger", keydir)}


@pytest.fixture(scope="module")
def jwks(keys):
    s = JwksServer([keys["rsa"].jwk(), keys["ec"].jwk(), keys["ec384"].jwk()])
    yield s
    s.close()


def _start(pg, sets, env=None):
    tmp = tempfile.mkdtemp(prefix="ms-e2e-auth-", dir="/tmp")
    return Server(pg, pg.createdb(), tmp, sets=sets, env=env)


def _stop(srv):
    try:
        srv.stop_and_check()
    finally:
        shutil.rmtree(srv.tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def srv(pg, jwks):
    """Auth on, both clients, a known token key, the JWKS with iss/aud checks
    and no refetch rate limit."""
    s = _start(pg, ["rest.auth=oauth", "rest.oauth.clients=" + CLIENTS,
                    "rest.oauth.token_secret=" + TOKEN_SECRET,
                    "rest.auth.jwks_url=" + jwks.url, "rest.auth.jwt_issuer=" + ISSUER,
                    "rest.auth.jwt_audience=" + AUDIENCE, "rest.auth.jwks_refetch_s=0"])
    yield s
    _stop(s)


@pytest.fixture
def token(srv):
    return get_token(srv.rest_port, CLIENT, SECRET)


def _anon(srv):
    return Rest(srv.rest_port)


def _with(srv, token):
    return Rest(srv.rest_port, token=token)


def _assert_401(srv, token, validator=None, path="/v1/namespaces"):
    status, doc, hdrs = Rest(srv.rest_port, token=token).call_full("GET", path)
    assert_error(status, doc, 401, "NotAuthorizedException")
    assert hdrs["www-authenticate"].startswith("Bearer"), hdrs
    if validator:
        validator.check_response(path, "get", 401, doc)
    return doc["error"]["message"]


def _idp_claims(**over):
    t = now()
    c = {"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "iat": t, "exp": t + 600}
    c.update(over)
    return c


# ---------------------------------------------------------------------------
# the token endpoint
# ---------------------------------------------------------------------------

def test_token_from_the_form_body(srv, validator):
    status, doc, hdrs = token_request(srv.rest_port, {
        "grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET,
        "scope": "catalog"})
    assert status == 200, doc
    validator.check_response("/v1/oauth/tokens", "post", 200, doc)
    assert doc["token_type"] == "bearer" and doc["expires_in"] == 3600
    assert doc["issued_token_type"] == "urn:ietf:params:oauth:token-type:access_token"
    assert doc["scope"] == "catalog"
    assert hdrs["cache-control"] == "no-store"
    c = claims_of(doc["access_token"])
    assert c["sub"] == CLIENT and c["iss"] == "metastore" and c["scope"] == "catalog"
    assert c["exp"] - c["iat"] == 3600
    # the token opens every route, /v1/config included
    r = _with(srv, doc["access_token"])
    assert r.call("GET", "/v1/config")[0] == 200
    name = unique("auth_ns")
    status, body = r.call("POST", "/v1/namespaces", body={"namespace": [name]})
    assert status == 200, body
    assert r.call("HEAD", ns_path(name)) == (204, None)
    assert r.call("DELETE", ns_path(name)) == (204, None)


def test_token_with_http_basic_and_a_hashed_secret(srv, validator):
    status, doc, _ = token_request(srv.rest_port, {"grant_type": "client_credentials"},
                                   basic="%s:%s" % (CLIENT2, SECRET2))
    assert status == 200, doc
    validator.check_response("/v1/oauth/tokens", "post", 200, doc)
    assert claims_of(doc["access_token"])["sub"] == CLIENT2
    assert _with(srv, doc["access_token"]).call("GET", "/v1/namespaces")[0] == 200
    # no scope asked: the catalog scope is granted
    status, doc, _ = token_request(srv.rest_port, {
        "grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET})
    assert status == 200 and doc["scope"] == "catalog", doc


def _oauth_error(validator, status, doc, want_status, want_error):
    assert status == want_status, (status, doc)
    assert doc["error"] == want_error and doc["error_description"], doc
    validator.check_response("/v1/oauth/tokens", "post", want_status, doc)


def test_token_exchange_refreshes(srv, validator, token):
    port = srv.rest_port
    ex = {"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
          "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
          "scope": "catalog"}
    # what Iceberg's Java client sends to refresh: its token as subject and Bearer
    status, doc, _ = token_request(port, dict(ex, subject_token=token),
                                   headers={"Authorization": "Bearer " + token})
    assert status == 200, doc
    validator.check_response("/v1/oauth/tokens", "post", 200, doc)
    assert claims_of(doc["access_token"])["sub"] == CLIENT
    assert _with(srv, doc["access_token"]).call("GET", "/v1/namespaces")[0] == 200
    # an expired token is renewed with the client's credentials (HTTP Basic)
    expired = hs256(own_claims(sub=CLIENT, ttl=-3600), TOKEN_SECRET)
    status, doc, _ = token_request(port, dict(ex, subject_token=expired),
                                   basic="%s:%s" % (CLIENT, SECRET))
    assert status == 200 and claims_of(doc["access_token"])["sub"] == CLIENT, doc
    # without credentials it is refused, as are tokens not of this server
    for bad in (expired, "garbage", hs256(own_claims(sub=CLIENT), "another key" * 4)):
        status, doc, _ = token_request(port, dict(ex, subject_token=bad))
        _oauth_error(validator, status, doc, 400, "invalid_grant")
    # a valid token of a client that is no longer configured
    ghost = hs256(own_claims(sub="ghost"), TOKEN_SECRET)
    status, doc, _ = token_request(port, dict(ex, subject_token=ghost))
    _oauth_error(validator, status, doc, 400, "invalid_grant")
    status, doc, _ = token_request(port, dict(ex, subject_token=token,
                                              subject_token_type="urn:x:unknown"))
    _oauth_error(validator, status, doc, 400, "invalid_request")


def test_token_exchange_never_widens_scope(srv, validator):
    """Issue 12 defect 8: a token of this server without the catalog scope
    (refused on the routes with 403) was exchanged for one with it."""
    port = srv.rest_port
    ex = {"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
          "subject_token_type": "urn:ietf:params:oauth:token-type:access_token"}
    for narrow in (hs256(own_claims(sub=CLIENT, scope="other"), TOKEN_SECRET),
                   hs256({k: v for k, v in own_claims(sub=CLIENT).items() if k != "scope"},
                         TOKEN_SECRET)):
        assert _with(srv, narrow).call("GET", "/v1/namespaces")[0] == 403
        for scope in (None, "catalog"):
            form = dict(ex, subject_token=narrow)
            if scope:
                form["scope"] = scope
            status, doc, _ = token_request(port, form)
            _oauth_error(validator, status, doc, 400, "invalid_scope")
            assert "access_token" not in doc


# ---------------------------------------------------------------------------
# Bearer tokens on the routes
# ---------------------------------------------------------------------------

def test_refused_tokens(srv, validator, token):
    h, p, s = token.split(".")
    refused = {
        "garbage": "abc",
        "not base64": "a.b!.c",
        "tampered payload": h + "." + b64url(b'{"iss":"metastore","sub":"admin","exp":9999999999,'
                                             b'"scope":"catalog"}') + "." + s,
        "tampered signature": h + "." + p + "." + ("A" if s[0] != "A" else "B") + s[1:],
        "alg none": jws({"alg": "none", "typ": "JWT"}, own_claims(), lambda m: b""),
        "alg none, no signature": b64url(b'{"alg":"none"}') + "." + p + ".",
        "another key": hs256(own_claims(), "not the server's key, long enough"),
        "expired": hs256(own_claims(ttl=-3600), TOKEN_SECRET),
        "not yet valid": hs256(own_claims(nbf=now() + 3600), TOKEN_SECRET),
        "no exp": hs256({"iss": "metastore", "sub": CLIENT, "scope": "catalog"}, TOKEN_SECRET),
        "other issuer": hs256(own_claims(iss="someone-else"), TOKEN_SECRET),
        "crit header": hs256(own_claims(), TOKEN_SECRET,
                             header={"alg": "HS256", "crit": ["exp"], "exp": 1}),
        "HS512": jws({"alg": "HS512"}, own_claims(), lambda m: b"x" * 64),
    }
    for what, t in refused.items():
        msg = _assert_401(srv, t, validator)
        assert t not in msg, what
    # the header's error attribute (RFC 6750)
    _, _, hdrs = _with(srv, "abc").call_full("GET", "/v1/namespaces")
    assert 'error="invalid_token"' in hdrs["www-authenticate"]
    # another scheme, an empty token
    for header in ("Basic " + base64.b64encode(b"spark:spark-secret-1").decode(), "Bearer ",
                   "bearer"):
        status, doc, _ = _anon(srv).call_full("GET", "/v1/namespaces",
                                              headers={"Authorization": header})
        assert_error(status, doc, 401, "NotAuthorizedException")
    # the scheme name is case-insensitive
    status, _, _ = _anon(srv).call_full("GET", "/v1/namespaces",
                                        headers={"Authorization": "bEaReR " + token})
    assert status == 200


def test_valid_token_without_the_catalog_scope_is_403(srv, validator):
    t = hs256(own_claims(scope="openid"), TOKEN_SECRET)
    status, doc, hdrs = _with(srv, t).call_full("GET", "/v1/namespaces")
    assert_error(status, doc, 403, "ForbiddenException")
    validator.check_response("/v1/namespaces", "get", 403, doc)
    assert 'error="insufficient_scope"' in hdrs["www-authenticate"]


def test_tokens_and_secrets_are_never_logged(srv, token):
    _with(srv, token).call("GET", "/v1/namespaces")
    _with(srv, token + "x").call("GET", "/v1/namespaces")
    log = srv.log_text()
    for secret in (SECRET, SECRET2, TOKEN_SECRET, token, token.split(".")[2]):
        assert secret not in log
    assert "access token issued to client 'spark'" in log


def test_concurrent_requests_with_tokens(srv, token):
    errors = []

    def worker():
        r = _with(srv, token)
        for _ in range(20):
            status, _ = r.call("GET", "/v1/namespaces")
            if status != 200:
                errors.append(status)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors


# ---------------------------------------------------------------------------
# an identity provider's JWTs (JWKS)
# ---------------------------------------------------------------------------

def test_idp_tokens_of_each_algorithm(srv, keys):
    rsa, ec, ec384 = keys["rsa"], keys["ec"], keys["ec384"]
    for t in (rsa.token(_idp_claims()), rsa.token(_idp_claims(), alg="RS384"),
              rsa.token(_idp_claims(), alg="RS512"), rsa.token(_idp_claims(), alg="PS256"),
              rsa.token(_idp_claims(), alg="PS512"), ec.token(_idp_claims()),
              ec384.token(_idp_claims()),
              # an audience list holding ours; a token without kid (every key is tried)
              ec.token(_idp_claims(aud=["account", AUDIENCE])), rsa.token(_idp_claims(), kid=False)):
        status, doc = _with(srv, t).call("GET", "/v1/namespaces")
        assert status == 200, (claims_of(t), doc)


def test_idp_tokens_refused(srv, validator, keys, jwks):
    rsa, ec, stranger = keys["rsa"], keys["ec"], keys["stranger"]
    refused = {
        "wrong issuer": rsa.token(_idp_claims(iss="https://evil.example")),
        "wrong audience": rsa.token(_idp_claims(aud="someone-else")),
        "no audience": rsa.token({k: v for k, v in _idp_claims().items() if k != "aud"}),
        "expired": ec.token(_idp_claims(exp=now() - 3600)),
        "not yet valid": ec.token(_idp_claims(nbf=now() + 3600)),
        "no expiry": rsa.token({k: v for k, v in _idp_claims().items() if k != "exp"}),
        "unknown kid": stranger.token(_idp_claims()),
        "a known kid, another key": stranger.token(_idp_claims(), kid=rsa.kid),
        "RSA key, EC algorithm": rsa.token(_idp_claims(), alg="RS256",
                                           header={"alg": "ES256"}),
        "EC key named for an RSA algorithm": ec.token(_idp_claims(), alg="ES256",
                                                      header={"alg": "RS256"}),
        # the classic confusion: HMAC keyed with the provider's public key
        "HS256 with the public key": hs256(_idp_claims(), rsa.public_pem,
                                           header={"alg": "HS256", "kid": rsa.kid}),
        "alg none with a kid": jws({"alg": "none", "kid": rsa.kid}, _idp_claims(), lambda m: b""),
    }
    for what, t in refused.items():
        _assert_401(srv, t, validator)


def test_jwks_unknown_kid_refetches_and_follows_rotation(pg, keys):
    rsa, rsa2 = keys["rsa"], keys["rsa2"]
    idp = JwksServer([rsa.jwk()])
    s = _start(pg, ["rest.auth=oauth", "rest.auth.jwks_url=" + idp.url,
                    "rest.auth.jwks_refetch_s=0", "rest.auth.jwt_issuer=" + ISSUER])
    try:
        assert _with(s, rsa.token(_idp_claims())).call("GET", "/v1/namespaces")[0] == 200
        assert idp.fetches == 1
        assert _with(s, rsa.token(_idp_claims())).call("GET", "/v1/namespaces")[0] == 200
        assert idp.fetches == 1    # cached
        # the provider rotates to a new key: its first token makes one refetch
        idp.set_keys([rsa2.jwk()])
        assert _with(s, rsa2.token(_idp_claims())).call("GET", "/v1/namespaces")[0] == 200
        assert idp.fetches == 2
        # the old key is gone: its tokens no longer pass (after one more refetch)
        _assert_401(s, rsa.token(_idp_claims()))
        assert idp.fetches == 3
        # keys the server cannot use are skipped, the others still work
        idp.set_keys([{"kty": "oct", "k": "c2VjcmV0", "kid": "sym"},
                      rsa2.jwk(use="enc", kid="enc-key"), {"kty": "RSA", "kid": "broken"},
                      rsa.jwk(alg="RS256")])
        assert _with(s, rsa.token(_idp_claims())).call("GET", "/v1/namespaces")[0] == 200
        _assert_401(s, hs256(_idp_claims(), "c2VjcmV0", header={"alg": "HS256", "kid": "sym"}))
        # a JWK with "alg" binds the key to it
        _assert_401(s, rsa.token(_idp_claims(), alg="PS256"))
        log = s.log_text()
        assert "key 0: the key holds private or symmetric material" in log
        assert "key 1: the key is not a signing key" in log
        assert "key 2: the key has no \"n\"" in log
    finally:
        _stop(s)
        idp.close()


def test_jwks_refetch_is_rate_limited(metastore_factory, keys):
    rsa, rsa2 = keys["rsa"], keys["rsa2"]
    idp = JwksServer([rsa.jwk()])
    try:
        s = metastore_factory(sets=["rest.auth=oauth", "rest.auth.jwks_url=" + idp.url,
                                    "rest.auth.jwks_refetch_s=3600"])
        assert _with(s, rsa.token(_idp_claims())).call("GET", "/v1/namespaces")[0] == 200
        idp.set_keys([rsa2.jwk()])
        for _ in range(5):
            _assert_401(s, rsa2.token(_idp_claims()))
        assert idp.fetches == 1
        # the key held still works
        assert _with(s, rsa.token(_idp_claims())).call("GET", "/v1/namespaces")[0] == 200
    finally:
        idp.close()


def test_jwks_unreachable_is_503(metastore_factory, keys):
    idp = JwksServer([])
    url = idp.url
    idp.close()            # nothing listens there any more
    s = metastore_factory(sets=["rest.auth=oauth", "rest.auth.jwks_url=" + url])
    status, doc = _with(s, keys["rsa"].token(_idp_claims())).call("GET", "/v1/namespaces")
    assert_error(status, doc, 503, "ServiceUnavailableException")
    assert "JWKS" in doc["error"]["message"]


# ---------------------------------------------------------------------------
# rest.auth: none, oauth, auto
# ---------------------------------------------------------------------------

def test_auth_none_needs_no_token(metastore_factory, validator):
    s = metastore_factory(sets=["rest.auth=none"])
    assert _anon(s).call("GET", "/v1/namespaces")[0] == 200
    assert _with(s, "ignored").call("GET", "/v1/config")[0] == 200
    # the token endpoint answers, but has no client to issue tokens to
    status, doc, _ = token_request(s.rest_port, {"grant_type": "client_credentials",
                                                 "client_id": CLIENT, "client_secret": SECRET})
    _oauth_error(validator, status, doc, 400, "unauthorized_client")
    # with clients it issues tokens (which the open routes accept and ignore)
    s2 = metastore_factory(sets=["rest.auth=none", "rest.oauth.clients=" + CLIENTS])
    t = get_token(s2.rest_port, CLIENT, SECRET)
    assert _with(s2, t).call("GET", "/v1/namespaces")[0] == 200
    assert "do not survive a restart" in s2.log_text()


def test_auth_auto_on_an_external_database_requires_tokens(metastore_factory):
    s = metastore_factory(sets=["rest.oauth.clients=" + CLIENTS],
                          env={"METASTORE_REST_AUTH": "auto"})
    _assert_401(s, None)
    assert _with(s, get_token(s.rest_port, CLIENT, SECRET)).call("GET", "/v1/namespaces")[0] == 200
    # nothing configured: it starts (the Thrift door works), says why REST refuses everything
    s2 = metastore_factory(env={"METASTORE_REST_AUTH": "auto"})
    _assert_401(s2, None)
    assert "every REST request will be refused" in s2.log_text()
    with s2.client() as c:
        assert "default" in c.get_all_databases()


def test_auth_auto_on_the_embedded_default_is_off():
    tmp = tempfile.mkdtemp(prefix="ms-e2e-embedded-", dir="/tmp")
    os.chmod(tmp, 0o755)       # the embedded PostgreSQL's user must reach its data
    env = clean_env({"METASTORE_REST_AUTH": "auto"})
    args = [METASTORE_BIN, "serve", "--bind", "127.0.0.1", "--port", "0",
            "--data-dir", os.path.join(tmp, "data")]
    log = open(os.path.join(tmp, "log"), "w")
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True, cwd=tmp, env=env)
    try:
        line = {}
        t = threading.Thread(target=lambda: line.setdefault("l", p.stdout.readline()),
                             daemon=True)
        t.start()
        t.join(120)
        import re
        m = re.search(r" rest=127\.0\.0\.1:(\d+) ", line.get("l", ""))
        assert m, (line, open(os.path.join(tmp, "log")).read())
        r = Rest(int(m.group(1)))
        assert r.call("GET", "/v1/namespaces")[0] == 200
        assert "REST authentication: none (rest.auth=auto" in open(os.path.join(tmp, "log")).read()
    finally:
        p.terminate()
        rc = p.wait(60)
        log.close()
        loc = os.path.join(tmp, "data", "pg-location")
        if os.path.exists(loc):
            where = open(loc).read().strip()
            if where.startswith("/var/lib/metastore/embedded/"):
                shutil.rmtree(where, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    assert rc == 0


@pytest.mark.parametrize("sets,message", [
    (["rest.auth=bogus"], "rest.auth must be one of none, oauth, auto"),
    (["rest.auth=oauth"], "neither rest.oauth.clients nor rest.auth.jwks_url"),
    (["rest.oauth.clients=spark=hunter2-secret"], "entry 1 is not client_id:secret"),
    (["rest.oauth.clients=a:x,a:y"], "listed twice"),
    (["rest.oauth.clients=a:sha256:abc"], "64 hex digits"),
    (["rest.oauth.clients=a:x", "rest.oauth.token_secret=short"], "at least 32 bytes"),
    (["rest.auth.jwks_url=ftp://idp/keys"], "http:// or https://"),
])
def test_configuration_errors(pg, sets, message):
    tmp = tempfile.mkdtemp(prefix="ms-e2e-auth-conf-", dir="/tmp")
    args = [METASTORE_BIN, "serve", "--bind", "127.0.0.1", "--port", "0",
            "--database-url", pg.conninfo(pg.createdb()), "--data-dir", os.path.join(tmp, "d"),
            "--warehouse", "file://" + tmp]
    for s in sets:
        args += ["--set", s]
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=tmp,
                           env=clean_env())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    assert r.returncode != 0
    assert message in r.stderr, r.stderr
    assert "hunter2" not in r.stderr


def test_environment_overrides_reach_the_dotted_keys(metastore_factory):
    s = metastore_factory(env={"METASTORE_REST_AUTH": "oauth",
                               "METASTORE_REST_OAUTH_CLIENTS": CLIENTS,
                               "METASTORE_REST_OAUTH_TOKEN_TTL_S": "120",
                               "METASTORE_REST_OAUTH_ISSUER": "ms-test"})
    _assert_401(s, None)
    status, doc, _ = token_request(s.rest_port, {"grant_type": "client_credentials",
                                                 "client_id": CLIENT, "client_secret": SECRET})
    assert status == 200 and doc["expires_in"] == 120
    assert claims_of(doc["access_token"])["iss"] == "ms-test"


# ---------------------------------------------------------------------------
# iceberg-js with a Bearer token
# ---------------------------------------------------------------------------

def test_iceberg_js_with_a_bearer_token(srv):
    require_node()
    base = "http://127.0.0.1:%d" % srv.rest_port
    t = get_token(srv.rest_port, CLIENT, SECRET)
    name = unique("js_auth")
    with_token = JsonLines("iceberg_client.mjs", ["--base-url", base, "--token", t])
    without = JsonLines("iceberg_client.mjs", ["--base-url", base])
    try:
        r = with_token.call({"op": "createNamespace", "args": [{"namespace": [name]}]})
        assert r["ok"], r
        r = with_token.call({"op": "listNamespaces", "args": [{}]})
        assert r["ok"] and {"namespace": [name]} in r["result"]["namespaces"], r
        r = with_token.call({"op": "namespaceExists", "legacy": True,
                             "args": [{"namespace": [name]}]})
        assert r["ok"] and r["result"] is True, r
        r = without.call({"op": "listNamespaces", "args": [{}]})
        assert not r["ok"] and r["error"]["status"] == 401, r
        assert r["error"]["icebergType"] == "NotAuthorizedException", r
        r = with_token.call({"op": "dropNamespace", "args": [{"namespace": [name]}]})
        assert r["ok"], r
    finally:
        with_token.close()
        without.close()


def test_client_secret_guesses_are_slowed_down(pg):
    """Issue 12 defect 13: about 3,000 HTTP Basic guesses a second were
    answered 401. Past 10 failures a minute from one address, the endpoint
    answers 401 invalid_client with Retry-After and checks nothing (the
    right secret too), for a second, doubling with each further failure."""
    s = _start(pg, ["rest.auth=oauth", "rest.oauth.clients=" + CLIENTS,
                    "rest.oauth.token_secret=" + TOKEN_SECRET])
    try:
        port = s.rest_port
        form = {"grant_type": "client_credentials", "scope": "catalog"}
        for i in range(10):
            status, doc, hdrs = token_request(port, form, basic="%s:guess%d" % (CLIENT, i))
            assert status == 401 and doc["error"] == "invalid_client", doc
            assert "too many" not in doc["error_description"] and "retry-after" not in hdrs
        status, doc, hdrs = token_request(port, form, basic="%s:%s" % (CLIENT, SECRET))
        assert status == 401 and doc["error"] == "invalid_client", doc
        assert "too many failed client authentications" in doc["error_description"], doc
        assert int(hdrs["retry-after"]) >= 1
        # the block ends; the right secret works and clears the count
        time.sleep(int(hdrs["retry-after"]) + 0.2)
        status, doc, _ = token_request(port, form, basic="%s:%s" % (CLIENT, SECRET))
        assert status == 200, doc
        status, doc, hdrs = token_request(port, form, basic="%s:wrong" % CLIENT)
        assert status == 401 and "too many" not in doc["error_description"], doc
    finally:
        _stop(s)
