"""Access delegation on the REST door without a real STS: the error paths
of X-Iceberg-Access-Delegation, GET .../credentials and POST .../sign, and
one signature checked by a real verifier (the test S3 server of
tests/node/s3.mjs checks every SigV4 signature).

Choices asserted here:
- a load or create that asks for a mechanism the server does not serve
  (no storage.sts_endpoint, no storage.remote_signing) is answered without
  delegation, as the spec allows: PyIceberg and Iceberg's Java client ask
  for vended credentials by default; GET .../credentials and POST .../sign
  are 403 ForbiddenException naming the key to set;
- an STS that cannot be reached is 503 and the create commits nothing;
- /v1/config lists .../credentials only with an STS and .../sign only with
  remote signing on;
- a sign request outside the table's location (another table, another
  bucket, '..'), with a method the caller may not use (a read-only
  principal's PUT) or on a server without remote signing is 403; a
  malformed one 400; a missing table 404;
- a signed GET is accepted by the S3 server's verifier: the client that
  sends it holds no key;
- the token endpoint grants the scope "sign" that Iceberg's Java signer
  asks for: such a token opens the .../sign routes only (still read-only
  for a read-only principal), and no exchange turns it into a catalog
  token.
"""
import shutil
import urllib.request

import pytest

from authlib import claims_of, get_token, token_request
from conftest import unique
from iceboth import create_namespace, start_warehouse_server
from icelib import Rest, assert_error, simple_schema, table_path
from s3server import S3Server

BUCKET = "delegwh"
WAREHOUSE = "s3://%s/wh" % BUCKET
CLIENTS = "writer:writer-secret-0123456789,reader:reader-secret-0123456789"
VENDED = {"X-Iceberg-Access-Delegation": "vended-credentials"}
SIGNING = {"X-Iceberg-Access-Delegation": "remote-signing"}


def s3_env(s3):
    return {"METASTORE_S3_ENDPOINT": s3.endpoint, "METASTORE_S3_REGION": s3.region,
            "METASTORE_S3_PATH_STYLE": "1", "METASTORE_S3_ACCESS_KEY": s3.access_key,
            "METASTORE_S3_SECRET_KEY": s3.secret_key}


def _stop(srv):
    try:
        srv.stop_and_check()
    finally:
        shutil.rmtree(srv.tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def s3():
    with S3Server(buckets=[BUCKET], secret_key="s3-secret-" + unique("k")) as s:
        yield s


@pytest.fixture(scope="module")
def signing(pg, s3):
    """Remote signing on, OAuth on with a writer and a read-only reader; an
    STS endpoint nothing listens on."""
    srv = start_warehouse_server(pg, WAREHOUSE, env=s3_env(s3), sets=[
        "rest.auth=oauth", "rest.oauth.clients=" + CLIENTS, "storage.remote_signing=true",
        "storage.read_only_principals=reader", "storage.sts_endpoint=http://127.0.0.1:9/",
        "s3.timeout_s=2"])
    yield srv
    _stop(srv)


@pytest.fixture(scope="module")
def plain(pg, s3):
    """No STS, no remote signing."""
    srv = start_warehouse_server(pg, WAREHOUSE, env=s3_env(s3))
    yield srv
    _stop(srv)


@pytest.fixture(scope="module")
def writer(signing):
    return Rest(signing.rest_port, token=get_token(signing.rest_port, "writer",
                                                   "writer-secret-0123456789"))


@pytest.fixture(scope="module")
def reader(signing):
    return Rest(signing.rest_port, token=get_token(signing.rest_port, "reader",
                                                   "reader-secret-0123456789"))


@pytest.fixture(scope="module")
def tables(writer):
    """Namespace with tables a and b (no delegation asked)."""
    ns = unique("deleg")
    create_namespace(writer, ns)
    for t in ("a", "b"):
        st, doc = writer.call("POST", table_path(ns), {"name": t, "schema": simple_schema()})
        assert st == 200, doc
    return ns


def sign_body(uri, method="GET", headers=None):
    return {"region": "us-east-1", "uri": uri, "method": method,
            "headers": headers or {"User-Agent": ["test"]}}


# ---------------------------------------------------------------------------

def no_delegation(doc):
    assert "storage-credentials" not in doc, doc
    for k in ("s3.access-key-id", "s3.session-token", "s3.remote-signing-enabled"):
        assert k not in doc.get("config", {}), doc


def test_without_delegation_configured(plain):
    rest = Rest(plain.rest_port)
    ns = unique("novend")
    create_namespace(rest, ns)
    for h in (VENDED, SIGNING, {"X-Iceberg-Access-Delegation": "vended-credentials,remote-signing"},
              {"X-Iceberg-Access-Delegation": "something-else"}):
        name = unique("t")
        st, doc = rest.call("POST", table_path(ns), {"name": name, "schema": simple_schema()},
                            headers=h)
        assert st == 200, doc
        no_delegation(doc)
        st, doc = rest.call("GET", table_path(ns, name), headers=h)
        assert st == 200, doc
        no_delegation(doc)
    st, doc = rest.call("GET", table_path(ns, name) + "/credentials")
    assert_error(st, doc, 403, "ForbiddenException")
    assert "storage.sts_endpoint" in doc["error"]["message"], doc
    st, doc = rest.call("POST", table_path(ns, name) + "/sign",
                        sign_body("%s/%s/x" % ("http://127.0.0.1:1", BUCKET)))
    assert_error(st, doc, 403, "ForbiddenException")
    assert "storage.remote_signing" in doc["error"]["message"], doc
    # not advertised
    st, doc = rest.call("GET", "/v1/config")
    assert not [e for e in doc["endpoints"] if e.endswith("/credentials") or e.endswith("/sign")]


def test_config_lists_what_is_served(writer):
    st, doc = writer.call("GET", "/v1/config")
    assert st == 200
    assert "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials" in doc["endpoints"]
    assert "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign" in doc["endpoints"]


def test_sts_unreachable_is_503_and_commits_nothing(writer, tables):
    st, doc = writer.call("POST", table_path(tables), {"name": "c", "schema": simple_schema()},
                          headers=VENDED)
    assert_error(st, doc, 503, "ServiceUnavailableException")
    assert "STS" in doc["error"]["message"], doc
    st, _ = writer.call("GET", table_path(tables, "c"))
    assert st == 404
    st, doc = writer.call("GET", table_path(tables, "a") + "/credentials")
    assert_error(st, doc, 503, "ServiceUnavailableException")


def test_remote_signing_config(writer, tables, s3):
    st, doc = writer.call("GET", table_path(tables, "a"), headers=SIGNING)
    assert st == 200, doc
    cfg = doc["config"]
    assert cfg["s3.remote-signing-enabled"] == "true"
    assert cfg["s3.signer.endpoint"] == "v1/namespaces/%s/tables/a/sign" % tables
    assert cfg["signer.endpoint"] == cfg["s3.signer.endpoint"]
    assert "storage-credentials" not in doc
    for k in ("s3.access-key-id", "s3.secret-access-key", "s3.session-token"):
        assert k not in cfg
    assert s3.secret_key not in str(doc)
    # create answers the same settings, for the new table's name
    st, doc = writer.call("POST", table_path(tables), {"name": "Made", "schema": simple_schema()},
                          headers=SIGNING)
    assert st == 200, doc
    assert doc["config"]["s3.signer.endpoint"] == "v1/namespaces/%s/tables/made/sign" % tables


def test_signed_get_is_accepted_by_the_store(writer, tables, s3):
    st, doc = writer.call("GET", table_path(tables, "a"))
    md_uri = doc["metadata-location"]
    url = "%s/%s" % (s3.endpoint, md_uri[len("s3://"):])
    st, signed = writer.call("POST", table_path(tables, "a") + "/sign", sign_body(url))
    assert st == 200, signed
    assert signed["uri"] == url
    hdrs = {k: v[0] for k, v in signed["headers"].items()}
    assert hdrs["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=%s/" % s3.access_key)
    req = urllib.request.Request(url, headers=dict(hdrs, **{"User-Agent": "test"}))
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200
        assert b'"table-uuid"' in r.read()
    # unsigned, the store refuses (the signature is what lets it in)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url, timeout=30)
    assert e.value.code == 403


@pytest.mark.parametrize("where", ["other table", "other bucket", "dot dot", "foreign host"])
def test_sign_outside_the_location_is_403(writer, tables, s3, where):
    base = "%s/%s/wh/%s.db" % (s3.endpoint, BUCKET, tables)
    uri = {"other table": base + "/b/data/x.parquet",
           "other bucket": "%s/elsewhere/wh/%s.db/a/x" % (s3.endpoint, tables),
           "dot dot": base + "/a/../b/data/x.parquet",
           "foreign host": "http://example.com/%s/wh/%s.db/a/x" % (BUCKET, tables)}[where]
    st, doc = writer.call("POST", table_path(tables, "a") + "/sign", sign_body(uri, "PUT"))
    assert_error(st, doc, 403, "ForbiddenException")


def test_sign_methods_by_scope(writer, reader, tables, s3):
    uri = "%s/%s/wh/%s.db/a/data/x.parquet" % (s3.endpoint, BUCKET, tables)
    path = table_path(tables, "a") + "/sign"
    for m in ("GET", "HEAD"):
        st, doc = reader.call("POST", path, sign_body(uri, m))
        assert st == 200, doc
    for m in ("PUT", "POST", "DELETE"):
        st, doc = reader.call("POST", path, sign_body(uri, m))
        assert_error(st, doc, 403, "ForbiddenException")
        assert "read-only" in doc["error"]["message"]
        st, doc = writer.call("POST", path, sign_body(uri, m))
        assert st == 200, doc
    st, doc = writer.call("POST", path, sign_body(uri, "PATCH"))
    assert_error(st, doc, 403, "ForbiddenException")


@pytest.mark.parametrize("body", [
    None, "[]", '{"uri": "http://x/"}',
    '{"region": "r", "uri": "http://x/", "method": "GET", "headers": {"a": "b"}}',
    '{"region": "r", "uri": "http://x/", "method": "GET", "headers": {"a": [1]}}',
    '{"region": "r", "uri": "gs://x/", "method": "GET", "headers": {}, "provider": "gcs"}',
])
def test_sign_malformed_is_400(writer, tables, body):
    st, doc = writer.call("POST", table_path(tables, "a") + "/sign", raw=body or "")
    assert_error(st, doc, 400, "BadRequestException")


def test_sign_and_credentials_of_a_missing_table_are_404(writer, tables, s3):
    uri = "%s/%s/wh/%s.db/zz/x" % (s3.endpoint, BUCKET, tables)
    st, doc = writer.call("POST", table_path(tables, "zz") + "/sign", sign_body(uri))
    assert_error(st, doc, 404, "NoSuchTableException")


def test_sign_needs_a_token(signing, tables, s3):
    uri = "%s/%s/wh/%s.db/a/x" % (s3.endpoint, BUCKET, tables)
    st, doc = Rest(signing.rest_port).call("POST", table_path(tables, "a") + "/sign",
                                           sign_body(uri))
    assert st == 401, doc


def _scoped(port, who, scope, **more):
    form = dict({"grant_type": "client_credentials", "client_id": who,
                 "client_secret": who + "-secret-0123456789", "scope": scope}, **more)
    return token_request(port, form)


EXCHANGE = {"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token_type": "urn:ietf:params:oauth:token-type:access_token"}


def test_sign_scope_opens_the_sign_routes_only(signing, tables, s3):
    port = signing.rest_port
    st, doc, _ = _scoped(port, "writer", "sign")
    assert st == 200 and doc["scope"] == "sign", doc
    assert claims_of(doc["access_token"])["scope"] == "sign"
    signer = Rest(port, token=doc["access_token"])
    uri = "%s/%s/wh/%s.db/a/data/x.parquet" % (s3.endpoint, BUCKET, tables)
    path = table_path(tables, "a") + "/sign"
    st, signed = signer.call("POST", path, sign_body(uri, "PUT"))
    assert st == 200 and "Authorization" in signed["headers"], signed
    for method, p in (("GET", table_path(tables, "a")), ("GET", "/v1/namespaces"),
                      ("GET", "/v1/config"), ("GET", table_path(tables, "a") + "/credentials"),
                      ("DELETE", table_path(tables, "b"))):
        st, doc = signer.call(method, p)
        assert_error(st, doc, 403, "ForbiddenException")
    # a read-only principal's sign token signs reads only
    st, doc, _ = _scoped(port, "reader", "sign")
    reader_signer = Rest(port, token=doc["access_token"])
    assert reader_signer.call("POST", path, sign_body(uri, "GET"))[0] == 200
    st, doc = reader_signer.call("POST", path, sign_body(uri, "PUT"))
    assert_error(st, doc, 403, "ForbiddenException")
    assert "read-only" in doc["error"]["message"]
    # both at once; anything else is refused
    st, doc, _ = _scoped(port, "writer", "catalog sign")
    assert st == 200 and doc["scope"] == "catalog sign", doc
    st, doc, _ = _scoped(port, "writer", "sign admin")
    assert st == 400 and doc["error"] == "invalid_scope", doc


def test_sign_scope_is_never_widened_by_an_exchange(signing):
    port = signing.rest_port
    sign_token = _scoped(port, "writer", "sign")[1]["access_token"]
    catalog_token = get_token(port, "writer", "writer-secret-0123456789")
    for scope in ("catalog", "catalog sign"):
        st, doc, _ = token_request(port, dict(EXCHANGE, subject_token=sign_token, scope=scope))
        assert st == 400 and doc["error"] == "invalid_scope" and "access_token" not in doc, doc
    # refreshed as it is (what the signer's refresh asks), or with no scope named
    for form in (dict(EXCHANGE, subject_token=sign_token, scope="sign"),
                 dict(EXCHANGE, subject_token=sign_token)):
        st, doc, _ = token_request(port, form)
        assert st == 200 and doc["scope"] == "sign", doc
        assert claims_of(doc["access_token"])["scope"] == "sign"
    # a catalog token may be narrowed to sign
    st, doc, _ = token_request(port, dict(EXCHANGE, subject_token=catalog_token, scope="sign"))
    assert st == 200 and doc["scope"] == "sign", doc
    st, doc, _ = token_request(port, dict(EXCHANGE, subject_token=catalog_token))
    assert st == 200 and doc["scope"] == "catalog", doc


def test_sign_follows_renames_drops_and_moves(writer, s3):
    """Sign requests remember a table's location per metadata file, and
    read the table's current file on every request: a rename, a drop or a
    commit that moves the table counts from the next request on."""
    ns = unique("signmv")
    create_namespace(writer, ns)
    assert writer.call("POST", table_path(ns), {"name": "t", "schema": simple_schema()})[0] == 200
    base = "%s/%s/wh/%s.db" % (s3.endpoint, BUCKET, ns)
    old = base + "/t/data/x.parquet"
    for _ in range(2):      # the second one from what was remembered
        st, doc = writer.call("POST", table_path(ns, "t") + "/sign", sign_body(old))
        assert st == 200, doc
    # a commit that moves the table: its new place is signed, the old one not
    st, doc = writer.call("POST", table_path(ns, "t"), {
        "requirements": [], "updates": [{"action": "set-location",
                                         "location": "s3://%s/wh/%s.db/moved" % (BUCKET, ns)}]})
    assert st == 200, doc
    st, doc = writer.call("POST", table_path(ns, "t") + "/sign", sign_body(old))
    assert_error(st, doc, 403, "ForbiddenException")
    st, doc = writer.call("POST", table_path(ns, "t") + "/sign",
                          sign_body(base + "/moved/data/x.parquet"))
    assert st == 200, doc
    # renamed: the old name signs nothing, the new one does
    st, doc = writer.call("POST", "/v1/tables/rename", {
        "source": {"namespace": [ns], "name": "t"},
        "destination": {"namespace": [ns], "name": "u"}})
    assert st == 204, doc
    st, doc = writer.call("POST", table_path(ns, "t") + "/sign",
                          sign_body(base + "/moved/data/x.parquet"))
    assert_error(st, doc, 404, "NoSuchTableException")
    st, doc = writer.call("POST", table_path(ns, "u") + "/sign",
                          sign_body(base + "/moved/data/x.parquet"))
    assert st == 200, doc
    # dropped: nothing is signed for it
    assert writer.call("DELETE", table_path(ns, "u"))[0] == 204
    st, doc = writer.call("POST", table_path(ns, "u") + "/sign",
                          sign_body(base + "/moved/data/x.parquet"))
    assert_error(st, doc, 404, "NoSuchTableException")


def test_sign_for_a_staged_table(writer, reader, s3):
    """A table being staged (Spark's CREATE TABLE AS SELECT writes its files
    before the commit that makes it) is signed for through the endpoint its
    stage-create reply names: that endpoint carries a pass for its location,
    route and principal. Without the pass, or with another's, it is 404."""
    ns = unique("signstage")
    create_namespace(writer, ns)
    base = "%s/%s/wh/%s.db" % (s3.endpoint, BUCKET, ns)
    st, doc = writer.call("POST", table_path(ns), {"name": "s", "schema": simple_schema(),
                                                   "stage-create": True}, headers=SIGNING)
    assert st == 200 and doc["metadata"]["location"].endswith("%s.db/s" % ns), doc
    endpoint = doc["config"]["s3.signer.endpoint"]
    assert endpoint.startswith("v1/namespaces/%s/tables/s/sign?staged=" % ns), endpoint
    assert doc["config"]["signer.endpoint"] == endpoint
    path = "/" + endpoint
    st, signed = writer.call("POST", path, sign_body(base + "/s/data/x.parquet", "PUT"))
    assert st == 200 and "Authorization" in signed["headers"], signed
    st, doc = writer.call("POST", path, sign_body(base + "/other/x.parquet", "PUT"))
    assert_error(st, doc, 403, "ForbiddenException")
    # no pass, a pass altered, another principal's use of it, another table's route
    pass_ = endpoint.split("staged=", 1)[1]
    until, mac, loc = pass_.split(".")
    forged = "%s.%s.%s" % (int(until) + 1, mac, loc)
    other_loc = "%s.%s.%s" % (until, mac, loc[:-2] + ("AA" if loc[-2:] != "AA" else "BB"))
    for who, p in ((writer, table_path(ns, "s") + "/sign"),
                   (writer, table_path(ns, "s") + "/sign?staged=" + forged),
                   (writer, table_path(ns, "s") + "/sign?staged=" + other_loc),
                   (writer, table_path(ns, "s") + "/sign?staged=garbage"),
                   (reader, path),
                   (writer, table_path(ns, "s2") + "/sign?staged=" + pass_)):
        st, doc = who.call("POST", p, sign_body(base + "/s/data/x.parquet"))
        assert_error(st, doc, 404, "NoSuchTableException")
    # once committed, the table's own location is what counts (the pass is ignored)
    st, doc = writer.call("POST", table_path(ns), {"name": "s", "schema": simple_schema()})
    assert st == 200, doc
    st, signed = writer.call("POST", path, sign_body(base + "/s/data/y.parquet", "PUT"))
    assert st == 200, signed
