"""Self-tests of the Node.js tooling the Iceberg REST tests use (tests/node):
the OpenAPI validator, the SigV4-checking S3 server and the iceberg-js
driver. None of them needs the metastore server."""
import copy
import hashlib
import json
import os
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from iceberg_spec import spec_validator
from nodetools import JsonLines, NODE_DIR, require_node, require_spec
from s3server import S3Server

TABLE_UUID = "9c12d441-03fe-4693-9a96-a0705ddf69c1"
SNAP = 3051729675574597004

METADATA_V2 = {
    "format-version": 2,
    "table-uuid": TABLE_UUID,
    "location": "s3://warehouse/db/events",
    "last-sequence-number": 1,
    "last-updated-ms": 1700000000000,
    "last-column-id": 3,
    "current-schema-id": 0,
    "schemas": [{
        "type": "struct", "schema-id": 0, "identifier-field-ids": [1],
        "fields": [
            {"id": 1, "name": "id", "required": True, "type": "long"},
            {"id": 2, "name": "ts", "required": False, "type": "timestamptz"},
            {"id": 3, "name": "tags", "required": False,
             "type": {"type": "list", "element-id": 4, "element": "string",
                      "element-required": False}},
        ],
    }],
    "default-spec-id": 0,
    "partition-specs": [{"spec-id": 0, "fields": [
        {"source-id": 2, "field-id": 1000, "name": "ts_day", "transform": "day"}]}],
    "last-partition-id": 1000,
    "default-sort-order-id": 0,
    "sort-orders": [{"order-id": 0, "fields": []}],
    "properties": {"write.format.default": "parquet"},
    "current-snapshot-id": SNAP,
    "snapshots": [{
        "snapshot-id": SNAP, "sequence-number": 1, "timestamp-ms": 1700000000000,
        "manifest-list": "s3://warehouse/db/events/metadata/snap-1.avro",
        "summary": {"operation": "append", "added-data-files": "1"},
        "schema-id": 0,
    }],
    "refs": {"main": {"snapshot-id": SNAP, "type": "branch"}},
    "snapshot-log": [{"snapshot-id": SNAP, "timestamp-ms": 1700000000000}],
    "metadata-log": [{"metadata-file": "s3://warehouse/db/events/metadata/00000-a.metadata.json",
                      "timestamp-ms": 1699999999000}],
    "statistics": [],
    "partition-statistics": [],
}

LOAD_TABLE_RESULT = {
    "metadata-location": "s3://warehouse/db/events/metadata/00001-b.metadata.json",
    "metadata": METADATA_V2,
    "config": {"s3.endpoint": "http://127.0.0.1:9000"},
}


@pytest.fixture(scope="module")
def validator():
    require_node()
    require_spec()
    return spec_validator()


def _bad(v, body, schema):
    ok, errors = v.validate(body, schema=schema)
    assert not ok and errors, "%s accepted an invalid body" % schema
    return errors


# ---------------------------------------------------------------------------
# validator
# ---------------------------------------------------------------------------

def test_validator_catalog_config(validator):
    validator.check({"defaults": {"clients": "4"}, "overrides": {"prefix": "hive"},
                     "endpoints": ["GET /v1/{prefix}/namespaces"]}, "CatalogConfig")
    errors = _bad(validator, {"defaults": {}, "overrides": {"clients": 4}}, "CatalogConfig")
    assert any("/overrides/clients" in e for e in errors), errors
    _bad(validator, {"overrides": {}}, "CatalogConfig")


def test_validator_error_model(validator):
    body = {"error": {"message": "Table does not exist: db.t",
                      "type": "NoSuchTableException", "code": 404}}
    validator.check(body, "IcebergErrorResponse")
    validator.check(body["error"], "ErrorModel")
    errors = _bad(validator, {"error": {"message": "m", "type": "T"}}, "IcebergErrorResponse")
    assert any("code" in e for e in errors), errors
    # the wrapper forbids other members (additionalProperties: false)
    _bad(validator, dict(body, extra=1), "IcebergErrorResponse")
    _bad(validator, {"error": dict(body["error"], code=99)}, "IcebergErrorResponse")


def test_validator_list_namespaces(validator):
    validator.check({"namespaces": [["a"], ["a", "b"]], "next-page-token": None},
                    "ListNamespacesResponse")
    validator.check({"namespaces": []}, "ListNamespacesResponse")
    _bad(validator, {"namespaces": ["a"]}, "ListNamespacesResponse")
    _bad(validator, {"namespaces": [["a"]], "next-page-token": 7}, "ListNamespacesResponse")


def test_validator_load_table_result(validator):
    validator.check(LOAD_TABLE_RESULT, "LoadTableResult")
    validator.check(METADATA_V2, "TableMetadata")
    staged = dict(LOAD_TABLE_RESULT, **{"metadata-location": None})
    validator.check(staged, "LoadTableResult")          # nullable: true
    for path, value in ((("format-version",), 4),
                        (("last-updated-ms",), "yesterday"),   # table-uuid is a plain string in the spec
                        (("snapshots", 0, "snapshot-id"), "3051729675574597004"),
                        (("refs", "main", "type"), "trunk"),
                        (("schemas", 0, "fields", 0, "type"), 12)):
        bad = copy.deepcopy(LOAD_TABLE_RESULT)
        node = bad["metadata"]
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
        _bad(validator, bad, "LoadTableResult")
    bad = copy.deepcopy(LOAD_TABLE_RESULT)
    del bad["metadata"]["table-uuid"]
    _bad(validator, bad, "LoadTableResult")


def test_validator_discriminator_dispatch(validator):
    good = {"identifier": {"namespace": ["db"], "name": "t"},
            "requirements": [{"type": "assert-table-uuid", "uuid": TABLE_UUID},
                             {"type": "assert-ref-snapshot-id", "ref": "main", "snapshot-id": None}],
            "updates": [{"action": "set-properties", "updates": {"a": "b"}},
                        {"action": "remove-properties", "removals": ["c"]}]}
    validator.check(good, "CommitTableRequest")
    bad = copy.deepcopy(good)
    bad["requirements"][0] = {"type": "assert-table-uuid"}
    errors = _bad(validator, bad, "CommitTableRequest")
    assert any("uuid" in e for e in errors), errors
    bad = copy.deepcopy(good)
    bad["requirements"].append({"type": "assert-nothing"})
    _bad(validator, bad, "CommitTableRequest")
    bad = copy.deepcopy(good)
    bad["updates"].append({"action": "set-propertiez", "updates": {}})
    _bad(validator, bad, "CommitTableRequest")


def test_validator_responses_by_path(validator):
    validator.check_response("/v1/{prefix}/namespaces", "GET", 200, {"namespaces": [["db"]]})
    # concrete paths, with and without the prefix segment
    validator.check_response("/v1/hive/namespaces/db/tables/t", "get", 200, LOAD_TABLE_RESULT)
    validator.check_response("/v1/namespaces/db/tables/t", "get", 404,
                             {"error": {"message": "m", "type": "NoSuchTableException", "code": 404}})
    validator.check_response("/v1/namespaces/db", "head", 204, None)
    ok, errors = validator.validate_response("/v1/namespaces/db/tables/t", "get", 200, {"metadata": {}})
    assert not ok and errors
    ok, errors = validator.validate_response("/v1/nowhere", "get", 200, {})
    assert not ok and "no path" in errors[0]


def test_validator_strict_mode(validator):
    validator.check(LOAD_TABLE_RESULT, "LoadTableResult", strict=True)
    misspelt = dict(LOAD_TABLE_RESULT, metadata_location="x")
    validator.check(misspelt, "LoadTableResult")          # the spec allows extra members
    ok, errors = validator.validate(misspelt, schema="LoadTableResult", strict=True)
    assert not ok and any("metadata_location" in e for e in errors), errors


def test_validate_cli(validator):
    node = require_node()
    env = dict(os.environ, METASTORE_ICEBERG_SPEC=require_spec())
    cli = [node, os.path.join(NODE_DIR, "validate.mjs")]
    r = subprocess.run(cli + ["--schema", "ListNamespacesResponse"], input='{"namespaces": [["a"]]}',
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    r = subprocess.run(cli + ["--schema", "ListNamespacesResponse"], input='{"namespaces": "a"}',
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1 and "/namespaces" in r.stderr, r.stderr
    r = subprocess.run(cli + ["--path", "/v1/config", "--method", "get", "--status", "200"],
                       input='{"defaults": {}, "overrides": {}}',
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr


# ---------------------------------------------------------------------------
# S3 server
# ---------------------------------------------------------------------------

def _curl(s3, method, key, user, data=None):
    cmd = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-X", method,
           "--aws-sigv4", "aws:amz:%s:s3" % s3.region, "--user", user]
    payload = data if data is not None else b""
    cmd += ["-H", "x-amz-content-sha256: " + hashlib.sha256(payload).hexdigest()]
    if data is not None:
        cmd += ["--data-binary", "@-", "-H", "Content-Type: application/octet-stream"]
    cmd.append("%s/warehouse/%s" % (s3.endpoint, key))
    r = subprocess.run(cmd, input=payload, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    body, _, code = r.stdout.rpartition(b"\n")
    return int(code), body


def test_s3_sigv4_checked():
    with S3Server(buckets=["warehouse"]) as s3:
        good = "%s:%s" % (s3.access_key, s3.secret_key)
        data = b'{"format-version": 2}\n'
        code, body = _curl(s3, "PUT", "db/t/metadata/00000-x.metadata.json", good, data)
        assert code == 200, body
        code, body = _curl(s3, "GET", "db/t/metadata/00000-x.metadata.json", good)
        assert (code, body) == (200, data)
        # wrong secret: the signature is recomputed and refused
        code, body = _curl(s3, "GET", "db/t/metadata/00000-x.metadata.json",
                           "%s:wrong-secret" % s3.access_key)
        assert code == 403 and b"SignatureDoesNotMatch" in body, body
        code, body = _curl(s3, "PUT", "db/t/other", "%s:wrong-secret" % s3.access_key, b"x")
        assert code == 403 and b"SignatureDoesNotMatch" in body, body
        # unknown key, and no signature at all
        code, body = _curl(s3, "GET", "db/t/metadata/00000-x.metadata.json", "nobody:" + s3.secret_key)
        assert code == 403 and b"InvalidAccessKeyId" in body, body
        r = subprocess.run(["curl", "-sS", "-w", "\n%{http_code}",
                            "%s/warehouse/db/t/metadata/00000-x.metadata.json" % s3.endpoint],
                           capture_output=True, timeout=60)
        assert r.stdout.endswith(b"403") and b"AccessDenied" in r.stdout
        code, _ = _curl(s3, "DELETE", "db/t/metadata/00000-x.metadata.json", good)
        assert code == 204
        code, body = _curl(s3, "GET", "db/t/metadata/00000-x.metadata.json", good)
        assert code == 404 and b"NoSuchKey" in body
        tmp = s3.dir
        assert os.path.isdir(tmp)
    assert not os.path.exists(tmp)


# ---------------------------------------------------------------------------
# iceberg-js driver against an echo server
# ---------------------------------------------------------------------------

class _Echo(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def _reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        self.server.seen.append({"method": self.command, "path": self.path,
                                 "body": json.loads(raw) if raw else None,
                                 "headers": {k.lower(): v for k, v in self.headers.items()}})
        if self.path.startswith("/v1/config"):
            return self._reply(200, {"defaults": {}, "overrides": {}})
        if "/tables/missing" in self.path:
            return self._reply(404, {"error": {"message": "Table does not exist: db.missing",
                                               "type": "NoSuchTableException", "code": 404}})
        if self.command == "GET" and self.path.endswith("/namespaces"):
            return self._reply(200, {"namespaces": [["db"]]})
        if self.command == "POST" and "/tables/" in self.path:
            return self._reply(200, {"metadata-location": LOAD_TABLE_RESULT["metadata-location"],
                                     "metadata": METADATA_V2})
        return self._reply(200, {})

    do_GET = do_POST = do_DELETE = do_HEAD = _handle


@pytest.fixture
def echo():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    srv.seen = []
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    t.join(10)


def test_iceberg_client_update_bodies(echo, validator):
    client = JsonLines("iceberg_client.mjs",
                       ["--base-url", "http://127.0.0.1:%d" % echo.server_address[1]])
    try:
        assert "updateTable" in client.hello["ops"]
        r = client.call({"op": "listNamespaces", "args": [{}]})
        assert r["ok"] and r["result"]["namespaces"] == [{"namespace": ["db"]}], r
        r = client.call({"op": "loadTable", "args": [{"namespace": ["db"], "name": "missing"}]})
        assert not r["ok"] and r["error"]["status"] == 404
        assert r["error"]["icebergType"] == "NoSuchTableException"
        ident = {"namespace": ["db"], "name": "events"}
        spec_body = {"requirements": [{"type": "assert-table-uuid", "uuid": TABLE_UUID}],
                     "updates": [{"action": "set-properties", "updates": {"k": "v"}}]}
        r = client.call({"op": "updateTable", "args": [ident, spec_body]})
        assert r["ok"], r
        legacy_body = {"properties": {"k": "v"}}
        r = client.call({"op": "updateTable", "legacy": True, "args": [ident, legacy_body]})
        assert r["ok"], r
        posts = [s for s in echo.seen if s["method"] == "POST"]
        assert [p["path"] for p in posts] == ["/v1/namespaces/db/tables/events"] * 2
        # iceberg-js 1.0.0 posts the CommitTableRequest it is given, with an
        # Idempotency-Key; 0.8.1 posts its own {properties|schema|partition-spec}
        # object, which the spec's CommitTableRequest rejects (no "updates").
        assert posts[0]["body"] == spec_body
        assert "idempotency-key" in posts[0]["headers"]
        validator.check(posts[0]["body"], "CommitTableRequest")
        assert posts[1]["body"] == legacy_body
        assert "idempotency-key" not in posts[1]["headers"]
        ok, _ = validator.validate(posts[1]["body"], schema="CommitTableRequest")
        assert not ok
        r = client.call({"op": "noSuchOp"})
        assert not r["ok"] and "unknown op" in r["error"]["message"]
    finally:
        client.close()
    assert client.proc.returncode == 0
