"""Helpers for the e2e tests that drive one catalog through both doors (HMS
Thrift and Iceberg REST), through iceberg-js, and on S3: REST calls that
assert success and validate the reply against the spec, Iceberg metadata
files written the way Iceberg's HiveCatalog writes them, HiveCatalog's
create/commit sequence over Thrift, and a metastore on an s3:// warehouse.

Upstream reference for the HiveCatalog sequence (apache/iceberg):
hive-metastore/.../HiveTableOperations.doCommit (write metadata file
"%05d-<uuid>.metadata.json", get_table, set sd + parameters,
alter_table_with_environment_context), HiveOperationsBase.hmsEnvContext
("expected_parameter_key" = "metadata_location", "expected_parameter_value"
= base location), MetastoreUtil.alterTable (adds DO_NOT_UPDATE_STATS=true),
HMSTablePropertyHelper (table_type=ICEBERG, metadata_location,
previous_metadata_location, uuid, the table properties). Hive's
HiveAlterHandler.alterTable answers a stale expected value with
MetaException("The table has been modified. The parameter value for key
'<k>' is '<v>'. The expected was value was '<e>'").
"""
import contextlib
import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid as uuidlib

from conftest import METASTORE_BIN, Server, clean_env
from hive_metastore.ttypes import (EnvironmentContext, FieldSchema, SerDeInfo, StorageDescriptor,
                                   Table)
from iceberg_spec import spec_validator
from icelib import assert_error, table_path

META = "metadata_location"
PREV_META = "previous_metadata_location"
FILE_IN = "org.apache.hadoop.mapred.FileInputFormat"
FILE_OUT = "org.apache.hadoop.mapred.FileOutputFormat"
LAZY_SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
# parameters the HMS itself may add to any table it stores
HMS_OWN_PARAMS = {"transient_lastDdlTime"}
METADATA_FILE_RE = re.compile(r"/metadata/(\d{5})-[0-9a-f-]{36}\.metadata\.json$")


# ---------------------------------------------------------------------------
# schemas
# ---------------------------------------------------------------------------

def all_types_schema():
    """Every primitive type of format v2 plus struct/list/map, with the Hive
    type string HiveSchemaUtil gives each top-level column (as the contract
    states it: timestamptz -> timestamp)."""
    fields = [
        ("c_bool", "boolean", "boolean"),
        ("c_int", "int", "int"),
        ("c_long", "long", "bigint"),
        ("c_float", "float", "float"),
        ("c_double", "double", "double"),
        ("c_dec", "decimal(9, 2)", "decimal(9,2)"),
        ("c_date", "date", "date"),
        ("c_time", "time", "string"),
        ("c_ts", "timestamp", "timestamp"),
        ("c_tstz", "timestamptz", "timestamp"),
        ("c_string", "string", "string"),
        ("c_uuid", "uuid", "string"),
        ("c_fixed", "fixed[16]", "binary"),
        ("c_binary", "binary", "binary"),
    ]
    out, hive, fid = [], [], 1
    for name, t, h in fields:
        f = {"id": fid, "name": name, "required": name == "c_long", "type": t}
        if name == "c_string":
            f["doc"] = "a string column"
        out.append(f)
        hive.append((name, h, f.get("doc")))
        fid += 1
    out.append({"id": 100, "name": "c_struct", "required": False, "doc": "nested",
                "type": {"type": "struct", "fields": [
                    {"id": 101, "name": "a", "required": True, "type": "int"},
                    {"id": 102, "name": "b", "required": False, "type": "string",
                     "doc": "inner docs are not column comments"},
                    {"id": 103, "name": "c", "required": False, "type": "decimal(38, 10)"}]}})
    hive.append(("c_struct", "struct<a:int,b:string,c:decimal(38,10)>", "nested"))
    out.append({"id": 110, "name": "c_list", "required": False,
                "type": {"type": "list", "element-id": 111, "element": "timestamptz",
                         "element-required": False}})
    hive.append(("c_list", "array<timestamp>", None))
    out.append({"id": 120, "name": "c_map", "required": False,
                "type": {"type": "map", "key-id": 121, "key": "string", "value-id": 122,
                         "value": {"type": "list", "element-id": 123, "element": "long",
                                   "element-required": True},
                         "value-required": False}})
    hive.append(("c_map", "map<string,array<bigint>>", None))
    out.append({"id": 130, "name": "c_deep", "required": False,
                "type": {"type": "struct", "fields": [
                    {"id": 131, "name": "m", "required": False,
                     "type": {"type": "map", "key-id": 132, "key": "int", "value-id": 133,
                              "value": {"type": "struct", "fields": [
                                  {"id": 134, "name": "f", "required": False,
                                   "type": "fixed[4]"},
                                  {"id": 135, "name": "u", "required": False,
                                   "type": "uuid"}]},
                              "value-required": False}}]}})
    hive.append(("c_deep", "struct<m:map<int,struct<f:binary,u:string>>>", None))
    return {"type": "struct", "schema-id": 0, "fields": out}, hive


def hive_cols(table):
    return [(c.name, c.type, c.comment) for c in table.sd.cols]


# ---------------------------------------------------------------------------
# REST calls that must succeed (reply validated against the spec)
# ---------------------------------------------------------------------------

def ok(rest, method, path, body=None, status=200, headers=None):
    code, doc, hdrs = rest.call_full(method, path, body=body, headers=headers)
    assert code == status, (method, path, code, doc)
    if doc is not None or status != 204:
        spec_validator().check_response(path.split("?")[0], method.lower(), status, doc)
    return doc, hdrs


def ice_error(reply, code, etype):
    """assert_error plus the spec's IcebergErrorResponse shape."""
    status, doc = reply[0], reply[1]
    assert isinstance(doc, dict), "the error body is not a JSON object: %r" % (doc,)
    assert_error(status, doc, code, etype)
    spec_validator().check(doc, "IcebergErrorResponse")
    return doc["error"]["message"]


def create_namespace(rest, name, location=None, props=None):
    p = dict(props or {})
    if location:
        p["location"] = location
    doc, _ = ok(rest, "POST", rest.v1("namespaces"), {"namespace": [name], "properties": p})
    return doc


def create_table(rest, ns, name, schema=None, **extra):
    from icelib import simple_schema
    body = {"name": name, "schema": schema or simple_schema()}
    body.update(extra)
    doc, _ = ok(rest, "POST", prefixed(rest, table_path(ns)), body)
    assert doc["metadata-location"], doc
    return doc


def load_table(rest, ns, name, headers=None):
    doc, hdrs = ok(rest, "GET", prefixed(rest, table_path(ns, name)), headers=headers)
    return doc, hdrs


def commit(rest, ns, name, updates, requirements=()):
    doc, _ = ok(rest, "POST", prefixed(rest, table_path(ns, name)),
                {"requirements": list(requirements), "updates": list(updates)})
    return doc


def list_tables(rest, ns):
    doc, _ = ok(rest, "GET", prefixed(rest, table_path(ns)))
    return [(tuple(i["namespace"]), i["name"]) for i in doc["identifiers"]]


def prefixed(rest, path):
    """A /v1/... path from icelib's builders, with the door's prefix."""
    assert path.startswith("/v1/")
    return rest.v1(path[len("/v1/"):])


# ---------------------------------------------------------------------------
# metadata files (file:// warehouses)
# ---------------------------------------------------------------------------

def local_path(uri):
    assert uri.startswith("file:"), uri
    p = uri[len("file:"):]
    while p.startswith("//"):
        p = p[1:]
    return p


def read_metadata(uri):
    with open(local_path(uri)) as f:
        return json.load(f)


def write_metadata(uri, doc):
    p = local_path(uri)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        json.dump(doc, f, indent=2)


def metadata_file(location, version):
    """Iceberg's name for metadata version 'version' of a table."""
    return "%s/metadata/%05d-%s.metadata.json" % (location, version, uuidlib.uuid4())


def file_version(uri):
    m = METADATA_FILE_RE.search(uri)
    assert m, uri
    return int(m.group(1))


def new_metadata(location, fields, props=None, table_uuid=None):
    """A format-v2 TableMetadata as Iceberg writes a new unpartitioned table."""
    def max_id(fs):
        best = 0
        for f in fs:
            best = max(best, f["id"])
            t = f["type"]
            if isinstance(t, dict) and t.get("type") == "struct":
                best = max(best, max_id(t["fields"]))
        return best
    return {
        "format-version": 2,
        "table-uuid": table_uuid or str(uuidlib.uuid4()),
        "location": location,
        "last-sequence-number": 0,
        "last-updated-ms": int(time.time() * 1000),
        "last-column-id": max_id(fields),
        "current-schema-id": 0,
        "schemas": [{"type": "struct", "schema-id": 0, "fields": fields}],
        "default-spec-id": 0,
        "partition-specs": [{"spec-id": 0, "fields": []}],
        "last-partition-id": 999,
        "default-sort-order-id": 0,
        "sort-orders": [{"order-id": 0, "fields": []}],
        "properties": dict(props or {}),
        "current-snapshot-id": -1,
        "refs": {},
        "snapshots": [],
        "statistics": [],
        "partition-statistics": [],
        "snapshot-log": [],
        "metadata-log": [],
    }


def next_metadata(doc, doc_location, set_props=None, remove_props=(), add_field=None):
    """The next version of 'doc' (stored at 'doc_location') as Iceberg's
    TableMetadata.Builder makes it: changed properties, optionally a new
    schema with one more top-level column, last-updated-ms bumped, the old
    file appended to metadata-log."""
    new = copy.deepcopy(doc)
    props = new.setdefault("properties", {})
    props.update(set_props or {})
    for k in remove_props:
        props.pop(k, None)
    if add_field is not None:
        cur = [s for s in new["schemas"] if s["schema-id"] == new["current-schema-id"]][0]
        fid = new["last-column-id"] + 1
        field = dict(add_field, id=fid)
        sid = max(s["schema-id"] for s in new["schemas"]) + 1
        new["schemas"].append({"type": "struct", "schema-id": sid,
                               "fields": copy.deepcopy(cur["fields"]) + [field]})
        new["current-schema-id"] = sid
        new["last-column-id"] = fid
    new["last-updated-ms"] = max(int(time.time() * 1000), doc["last-updated-ms"] + 1)
    new.setdefault("metadata-log", []).append(
        {"timestamp-ms": doc["last-updated-ms"], "metadata-file": doc_location})
    return new


def current_fields(doc):
    return [s for s in doc["schemas"] if s["schema-id"] == doc["current-schema-id"]][0]["fields"]


# ---------------------------------------------------------------------------
# Iceberg HiveCatalog over Thrift
# ---------------------------------------------------------------------------

def hive_iceberg_table(db, name, doc, metadata_location, hive_columns):
    """The Table HiveCatalog's first commit hands to create_table
    (HiveOperationsBase.newHmsTable + storageDescriptor +
    HMSTablePropertyHelper.updateHmsTableForIcebergTable, no Hive engine)."""
    now = int(time.time())
    params = dict(doc["properties"])
    params.update({"EXTERNAL": "TRUE", "table_type": "ICEBERG", META: metadata_location,
                   "uuid": doc["table-uuid"], "snapshot-count": "0",
                   "DO_NOT_UPDATE_STATS": "true"})
    sd = StorageDescriptor(cols=[FieldSchema(n, t, c) for n, t, c in hive_columns],
                           location=doc["location"], inputFormat=FILE_IN, outputFormat=FILE_OUT,
                           serdeInfo=SerDeInfo(serializationLib=LAZY_SERDE, parameters={}))
    return Table(tableName=name, dbName=db, owner="iceberg", createTime=now,
                 lastAccessTime=now, retention=2147483647, sd=sd, partitionKeys=[],
                 parameters=params, tableType="EXTERNAL_TABLE")


def hive_commit(client, db, name, base_location, new_location, new_doc=None,
                hive_columns=None, removed_props=(), table=None):
    """HiveTableOperations.doCommit without a lock (the lock-free path): the
    HMS table re-read (or 'table', read earlier), its parameters and columns
    set from the new metadata, then alter_table_with_environment_context
    with expected_parameter_key/value = metadata_location/<base>."""
    tbl = table if table is not None else client.get_table(db, name)
    params = dict(tbl.parameters or {})
    if new_doc is not None:
        params.update(new_doc["properties"])
        params["uuid"] = new_doc["table-uuid"]
    for k in removed_props:
        params.pop(k, None)
    params["table_type"] = "ICEBERG"
    params[META] = new_location
    params[PREV_META] = base_location
    params["DO_NOT_UPDATE_STATS"] = "true"
    tbl.parameters = params
    if hive_columns is not None:
        tbl.sd.cols = [FieldSchema(n, t, c) for n, t, c in hive_columns]
    env = EnvironmentContext({"expected_parameter_key": META,
                              "expected_parameter_value": base_location,
                              "DO_NOT_UPDATE_STATS": "true"})
    client.alter_table_with_environment_context(db, name, tbl, env)


def stale_message(current, expected):
    """Hive's HiveAlterHandler text for a stale expected_parameter_value."""
    return ("The table has been modified. The parameter value for key '%s' is '%s'. "
            "The expected was value was '%s'" % (META, current, expected))


def hive_catalog_params(md):
    """The parameters Iceberg's HiveCatalog derives from table metadata on a
    commit (HMSTablePropertyHelper, Iceberg 1.12), as parsed JSON where
    they are JSON: statistics and current snapshot, snapshot-count, the
    current schema, the default spec when partitioned and the default sort
    order when sorted; gc.enabled under Hive's name."""
    out = {"snapshot-count": str(len(md.get("snapshots") or []))}
    props = md.get("properties") or {}
    if "gc.enabled" in props:
        out["external.table.purge"] = props["gc.enabled"]
    cur = md.get("current-snapshot-id")
    snap = [x for x in md.get("snapshots") or [] if x["snapshot-id"] == cur]
    if snap:
        summary = {k: v for k, v in snap[0].get("summary", {}).items() if k != "operation"}
        out.update({"current-snapshot-id": str(cur),
                    "current-snapshot-timestamp-ms": str(snap[0]["timestamp-ms"]),
                    "current-snapshot-summary": summary})
        for k, hive in (("total-data-files", "numFiles"), ("total-records", "numRows"),
                        ("total-files-size", "totalSize")):
            if k in summary:
                out[hive] = summary[k]
    out["current-schema"] = [x for x in md["schemas"]
                             if x["schema-id"] == md["current-schema-id"]][0]
    spec = [x for x in md["partition-specs"] if x["spec-id"] == md["default-spec-id"]][0]
    if spec["fields"]:
        out["default-partition-spec"] = spec
    order = [x for x in md.get("sort-orders") or []
             if x["order-id"] == md.get("default-sort-order-id")]
    if order and order[0]["fields"]:
        out["default-sort-order"] = order[0]
    return out


JSON_PARAMS = ("current-snapshot-summary", "current-schema", "default-partition-spec",
               "default-sort-order")


def assert_hms_mirror(client, db, name, load_result, previous=None, kept=None):
    """Thrift get_table shows the REST table exactly as the contract says:
    Iceberg's properties and the parameters HiveCatalog sets on a commit
    ('kept': those an earlier commit set that this one leaves standing)."""
    md = load_result["metadata"]
    t = client.get_table(db, name)
    assert t.tableType == "EXTERNAL_TABLE", t.tableType
    params = {k: v for k, v in (t.parameters or {}).items() if k not in HMS_OWN_PARAMS}
    for k in JSON_PARAMS:
        if k in params:
            params[k] = json.loads(params[k])
    want = {k: v for k, v in (md.get("properties") or {}).items() if k != "gc.enabled"}
    want.update({"EXTERNAL": "TRUE", "table_type": "ICEBERG",
                 META: load_result["metadata-location"], "uuid": md["table-uuid"]})
    want.update(hive_catalog_params(md))
    want.update(kept or {})
    if previous is not None:
        want[PREV_META] = previous
    assert params == want, (params, want)
    assert t.sd.location == md["location"]
    assert t.sd.inputFormat == FILE_IN and t.sd.outputFormat == FILE_OUT
    assert t.sd.serdeInfo.serializationLib == LAZY_SERDE
    assert not t.partitionKeys
    return t


# ---------------------------------------------------------------------------
# S3 (the tests/node/s3.mjs server) read back with curl's SigV4 signing
# ---------------------------------------------------------------------------

def s3_request(s3, method, bucket_and_key, query=None, secret=None):
    """(status, body bytes) of a signed request to the test S3 server."""
    payload = b""
    url = "%s/%s" % (s3.endpoint, urllib.parse.quote(bucket_and_key))
    if query:
        url += "?" + urllib.parse.urlencode(query)
    cmd = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-X", method,
           "--aws-sigv4", "aws:amz:%s:s3" % s3.region,
           "--user", "%s:%s" % (s3.access_key, secret or s3.secret_key),
           "-H", "x-amz-content-sha256: " + hashlib.sha256(payload).hexdigest(), url]
    r = subprocess.run(cmd, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    body, _, code = r.stdout.rpartition(b"\n")
    return int(code), body


def s3_get(s3, bucket, key):
    return s3_request(s3, "GET", "%s/%s" % (bucket, key))


def s3_keys(s3, bucket, prefix):
    """Every key under 'prefix' (ListObjectsV2, all pages)."""
    keys, token = [], None
    for _ in range(1000):
        q = {"list-type": "2", "prefix": prefix}
        if token:
            q["continuation-token"] = token
        code, body = s3_request(s3, "GET", bucket, query=q)
        assert code == 200, body
        text = body.decode()
        keys += re.findall(r"<Key>([^<]*)</Key>", text)
        m = re.search(r"<NextContinuationToken>([^<]*)</NextContinuationToken>", text)
        if not m or "<IsTruncated>true</IsTruncated>" not in text:
            break
        token = m.group(1)
    return keys


def s3_split(uri):
    """s3://bucket/key -> (bucket, key)."""
    assert uri.startswith("s3://") or uri.startswith("s3a://"), uri
    rest = uri.split("://", 1)[1]
    bucket, _, key = rest.partition("/")
    return bucket, key


class WarehouseServer(Server):
    """A metastore like conftest's Server but on any warehouse URI (the
    shared Server always passes a file:// --warehouse, and flags win over
    --set), with every stdout line kept in .stdout_lines."""

    def __init__(self, pg, db, tmpdir, warehouse, sets=(), env=None):
        self.pg = pg
        self.db = db
        self.tmp = tmpdir
        os.makedirs(tmpdir, exist_ok=True)
        self.framed = False
        self.warehouse_dir = None
        self.warehouse = warehouse
        self.log_path = os.path.join(tmpdir, "metastore.log")
        self.port = None
        self.rest_port = None
        self.exit_code = None
        self.check_exit = True
        self.stdout_lines = []
        args = [METASTORE_BIN, "serve", "--bind", "127.0.0.1", "--port", "0",
                "--database-url", pg.conninfo(db), "--data-dir", os.path.join(tmpdir, "data"),
                "--warehouse", warehouse]
        for s in sets:
            args += ["--set", s]
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log,
                                     env=clean_env(env), cwd=tmpdir, text=True)
        self._wait_ready_keep()

    def _wait_ready_keep(self):
        found = []
        ready = threading.Event()

        def reader():
            for line in self.proc.stdout:
                self.stdout_lines.append(line)
                if not found:
                    m = re.search(r"metastore ready: thrift=127\.0\.0\.1:(\d+) warehouse=", line)
                    r = re.search(r" rest=127\.0\.0\.1:(\d+) ", line)
                    if m:
                        self.rest_port = int(r.group(1)) if r else None
                        found.append(int(m.group(1)))
                        ready.set()
            ready.set()

        threading.Thread(target=reader, daemon=True).start()
        ready.wait(20)
        if not found:
            self.kill()
            raise RuntimeError("metastore did not become ready within 20 s; stdout=%r\n"
                               "log tail:\n%s" % ("".join(self.stdout_lines), self.log_tail()))
        self.port = found[0]

    def output_text(self):
        return "".join(self.stdout_lines) + self.log_text()


def start_warehouse_server(pg, warehouse, env=None, sets=(), db=None):
    tmp = tempfile.mkdtemp(prefix="ms-e2e-wh-", dir="/tmp")
    return WarehouseServer(pg, db or pg.createdb(), tmp, warehouse, sets=sets, env=env)


@contextlib.contextmanager
def config_file_server(pg, warehouse, conf_text, env=None):
    """A WarehouseServer reading the configuration file 'conf_text'
    ($METASTORE_CONFIG), stopped, checked and cleaned up afterwards."""
    tmp = tempfile.mkdtemp(prefix="ms-e2e-conf-", dir="/tmp")
    path = os.path.join(tmp, "metastore.conf")
    with open(path, "w") as f:
        f.write(conf_text)
    s = start_warehouse_server(pg, warehouse, env=dict(env or {}, METASTORE_CONFIG=path))
    try:
        yield s
        s.stop_and_check()
    finally:
        shutil.rmtree(s.tmp, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
