"""Iceberg tables on an s3:// warehouse: a metastore whose warehouse is
s3://icewh/wh on the test S3 server (tests/node/s3.mjs: s3rver behind a
proxy that verifies every AWS SigV4 signature), configured through
METASTORE_S3_{ENDPOINT,REGION,PATH_STYLE,ACCESS_KEY,SECRET_KEY}. Objects
are read back with curl's own SigV4 signing.

Choices asserted here:
- the LoadTableResult "config" carries the non-secret S3 client settings
  s3.endpoint, s3.path-style-access ("true") and client.region, and never
  a key id, secret or session token; no reply, log line or stdout line ever
  holds the secret;
- a storage failure before anything is stored (wrong secret: the S3 server
  answers 403 SignatureDoesNotMatch) is 503 ServiceUnavailableException
  with a message naming the storage, on create and on commit alike: never
  500/502/504, which clients read as "commit state unknown" on commit
  endpoints; nothing is stored (no HMS row, no object).
"""
import hashlib
import json
import shutil
import subprocess

import pytest

from conftest import unique
from hive_metastore.ttypes import NoSuchObjectException
from iceboth import (META, PREV_META, assert_hms_mirror, commit, create_namespace, create_table,
                     file_version, hive_iceberg_table, ice_error, list_tables, load_table,
                     new_metadata, ok, s3_get, s3_keys, s3_split, start_warehouse_server)
from icelib import Rest, ns_path, table_path
from s3server import S3Server

BUCKET = "icewh"
WAREHOUSE = "s3://%s/wh" % BUCKET


def s3_env(s3, secret=None):
    return {"METASTORE_S3_ENDPOINT": s3.endpoint,
            "METASTORE_S3_REGION": s3.region,
            "METASTORE_S3_PATH_STYLE": "1",
            "METASTORE_S3_ACCESS_KEY": s3.access_key,
            "METASTORE_S3_SECRET_KEY": secret or s3.secret_key}


@pytest.fixture(scope="module")
def s3():
    with S3Server(buckets=[BUCKET], secret_key="s3-secret-" + unique("k")) as s:
        yield s


def _stop(srv):
    try:
        srv.stop_and_check()
    finally:
        shutil.rmtree(srv.tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def s3srv(pg, s3):
    srv = start_warehouse_server(pg, WAREHOUSE, env=s3_env(s3), sets=["log.level=debug"])
    yield srv
    _stop(srv)


@pytest.fixture
def rest(s3srv):
    assert s3srv.rest_port, "the server announced no REST port"
    return Rest(s3srv.rest_port)


@pytest.fixture
def client(s3srv):
    c = s3srv.client()
    yield c
    c.close()


def no_secret(s3, *things):
    for t in things:
        text = t if isinstance(t, str) else json.dumps(t)
        assert s3.secret_key not in text


def s3_put(s3, uri, data):
    bucket, key = s3_split(uri)
    cmd = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT",
           "--aws-sigv4", "aws:amz:%s:s3" % s3.region,
           "--user", "%s:%s" % (s3.access_key, s3.secret_key),
           "-H", "x-amz-content-sha256: " + hashlib.sha256(data).hexdigest(),
           "--data-binary", "@-", "%s/%s/%s" % (s3.endpoint, bucket, key)]
    r = subprocess.run(cmd, input=data, capture_output=True, timeout=60)
    assert r.stdout == b"200", (r.stdout, r.stderr)


def s3_object_json(s3, uri):
    code, body = s3_get(s3, *s3_split(uri))
    assert code == 200, (uri, code, body)
    return json.loads(body)


def table_keys(s3, location):
    bucket, key = s3_split(location)
    assert bucket == BUCKET
    return s3_keys(s3, bucket, key + "/")


# ---------------------------------------------------------------------------

def test_s3_namespace_locations(rest, client, s3):
    name = unique("s3ns")
    doc = create_namespace(rest, name)
    assert doc["properties"]["location"] == "%s/%s.db" % (WAREHOUSE, name)
    custom = "%s/custom_%s" % (WAREHOUSE, unique("loc"))
    other = unique("s3ns")
    doc = create_namespace(rest, other, location=custom)
    assert doc["properties"]["location"] == custom
    assert client.get_database(other).locationUri == custom


def test_s3_table_life_cycle(rest, client, s3, s3srv):
    ns = unique("s3tbl")
    nsloc = "%s/custom_%s" % (WAREHOUSE, unique("loc"))
    create_namespace(rest, ns, location=nsloc)
    res = create_table(rest, ns, "t", properties={"owner_team": "s3"})
    keep = create_table(rest, ns, "t_keep")        # a sibling sharing the name's prefix
    md = res["metadata"]
    assert md["location"] == nsloc + "/t"
    assert res["metadata-location"].startswith(nsloc + "/t/metadata/00000-")
    # the metadata object is in the bucket and is the metadata answered
    stored = s3_object_json(s3, res["metadata-location"])
    assert stored["table-uuid"] == md["table-uuid"] and stored["location"] == md["location"]
    assert stored["schemas"] == md["schemas"]
    # the client settings travel in "config", the secret never does
    loaded, _ = load_table(rest, ns, "t")
    cfg = loaded.get("config") or {}
    assert cfg.get("s3.endpoint") == s3.endpoint, cfg
    assert cfg.get("s3.path-style-access") == "true", cfg
    assert cfg.get("client.region") == s3.region, cfg
    for k in ("s3.secret-access-key", "s3.access-key-id", "s3.session-token"):
        assert k not in cfg, cfg
    assert (res.get("config") or {}).get("s3.endpoint") == s3.endpoint
    no_secret(s3, res, loaded)
    # the HMS mirror
    assert_hms_mirror(client, ns, "t", res)
    # commit: version 1 in the bucket, seen by REST and Thrift
    out = commit(rest, ns, "t", [{"action": "set-properties", "updates": {"k": "v"}}])
    assert file_version(out["metadata-location"]) == 1
    assert s3_object_json(s3, out["metadata-location"])["properties"]["k"] == "v"
    loaded, _ = load_table(rest, ns, "t")
    assert loaded["metadata-location"] == out["metadata-location"]
    assert loaded["metadata"]["metadata-log"][-1]["metadata-file"] == res["metadata-location"]
    t = client.get_table(ns, "t")
    assert t.parameters[META] == out["metadata-location"]
    assert t.parameters[PREV_META] == res["metadata-location"]
    # a data file a writer put there, purged with the table
    s3_put(s3, md["location"] + "/data/part-00000.parquet", b"PAR1")
    assert len(table_keys(s3, md["location"])) == 3
    ok(rest, "DELETE", table_path(ns, "t") + "?purgeRequested=true", status=204)
    assert table_keys(s3, md["location"]) == []
    ice_error(rest.call("GET", table_path(ns, "t")), 404, "NoSuchTableException")
    with pytest.raises(NoSuchObjectException):
        client.get_table(ns, "t")
    # the sibling's objects are untouched; a drop without purge keeps them
    kept = table_keys(s3, keep["metadata"]["location"])
    assert len(kept) == 1 and kept[0].endswith(".metadata.json")
    ok(rest, "DELETE", table_path(ns, "t_keep"), status=204)
    assert table_keys(s3, keep["metadata"]["location"]) == kept
    no_secret(s3, s3srv.output_text())


def test_s3_default_table_location(rest, client, s3):
    ns = unique("s3def")
    create_namespace(rest, ns)
    res = create_table(rest, ns, "events")
    assert res["metadata"]["location"] == "%s/%s.db/events" % (WAREHOUSE, ns)
    assert len(table_keys(s3, res["metadata"]["location"])) == 1
    assert client.get_table(ns, "events").sd.location == res["metadata"]["location"]


def test_s3_table_made_by_hive_catalog(rest, client, s3):
    """HiveCatalog wrote the metadata object and called create_table; REST
    reads the object from the bucket and commits next to it."""
    ns = unique("s3hive")
    create_namespace(rest, ns)
    loc = "%s/%s.db/hv" % (WAREHOUSE, ns)
    doc = new_metadata(loc, [{"id": 1, "name": "id", "required": True, "type": "long"}],
                       props={"by": "hive"})
    first = loc + "/metadata/00000-%s.metadata.json" % doc["table-uuid"]
    s3_put(s3, first, json.dumps(doc).encode())
    client.create_table(hive_iceberg_table(ns, "hv", doc, first, [("id", "bigint", None)]))
    assert list_tables(rest, ns) == [((ns,), "hv")]
    loaded, _ = load_table(rest, ns, "hv")
    assert loaded["metadata-location"] == first
    assert loaded["metadata"]["properties"]["by"] == "hive"
    out = commit(rest, ns, "hv", [{"action": "set-properties", "updates": {"then": "rest"}}])
    assert out["metadata-location"].startswith(loc + "/metadata/00001-")
    assert s3_object_json(s3, out["metadata-location"])["properties"] == {"by": "hive",
                                                                          "then": "rest"}
    assert client.get_table(ns, "hv").parameters[META] == out["metadata-location"]


def test_s3_wrong_credentials(pg, rest, client, s3, s3srv):
    """A second server on the same catalog with a wrong secret: the S3
    server refuses its signatures. Create and commit fail cleanly with 503
    and store nothing; the secrets appear nowhere."""
    ns = unique("s3bad")
    create_namespace(rest, ns)
    good = create_table(rest, ns, "good")
    wrong_secret = "wrong-" + unique("secret")
    bad = start_warehouse_server(pg, WAREHOUSE, env=s3_env(s3, secret=wrong_secret),
                                 sets=["log.level=debug"], db=s3srv.db)
    try:
        brest = Rest(bad.rest_port)
        # the namespace is a database row: no storage involved
        ok(brest, "GET", ns_path(ns))
        status, body = brest.call("POST", table_path(ns), body={
            "name": "nope", "schema": good["metadata"]["schemas"][0]})
        msg = ice_error((status, body), 503, "ServiceUnavailableException")
        assert "s3://" in msg or "storage" in msg.lower(), msg
        no_secret(s3, body)
        assert wrong_secret not in json.dumps(body)
        with pytest.raises(NoSuchObjectException):
            client.get_table(ns, "nope")
        ice_error(rest.call("GET", table_path(ns, "nope")), 404, "NoSuchTableException")
        assert table_keys(s3, "%s/%s.db/nope" % (WAREHOUSE, ns)) == []
        # a commit that cannot write its metadata object changes nothing
        status, body = brest.call("POST", table_path(ns, "good"), body={
            "requirements": [], "updates": [{"action": "set-properties",
                                             "updates": {"never": "stored"}}]})
        msg = ice_error((status, body), 503, "ServiceUnavailableException")
        assert status not in (500, 502, 504)
        loaded, _ = load_table(rest, ns, "good")
        assert loaded["metadata-location"] == good["metadata-location"]
        assert "never" not in loaded["metadata"]["properties"]
        assert client.get_table(ns, "good").parameters[META] == good["metadata-location"]
        assert len(table_keys(s3, good["metadata"]["location"])) == 1
        # purge with the wrong secret: the objects cannot go; answered, not hung
        status, body = brest.call("DELETE", table_path(ns, "good") + "?purgeRequested=true")
        assert status in (204, 503), (status, body)
        out = bad.output_text()
        assert wrong_secret not in out and s3.secret_key not in out
    finally:
        _stop(bad)
    no_secret(s3, s3srv.output_text())
