"""Helpers for the Iceberg REST table, commit and transaction e2e tests
(test_iceberg_tables.py, test_iceberg_commit.py,
test_iceberg_transactions.py): namespaces and tables made through REST,
commit bodies, snapshots, and the metadata files in the server's file://
warehouse. Plain functions on top of icelib; every success reply they
return has been validated against the REST spec."""
import glob
import json
import os
import random
import re
import time

from conftest import unique
from iceberg_spec import spec_validator
from icelib import ns_path, simple_schema, table_path

META_FILE_RE = re.compile(r"/metadata/(\d{5})-[0-9a-fA-F-]{36}\.metadata\.json$")


# ---------------------------------------------------------------------------
# namespaces and tables
# ---------------------------------------------------------------------------

def make_ns(rest, prefix="ice_tbl"):
    """A new namespace; returns its name."""
    name = unique(prefix)
    status, doc = rest.call("POST", "/v1/namespaces", body={"namespace": [name]})
    assert status == 200, (status, doc)
    return name


def ns_location(rest, ns):
    status, doc = rest.call("GET", ns_path(ns))
    assert status == 200, (status, doc)
    return doc["properties"]["location"]


def create_body(name, schema=None, **extra):
    body = {"name": name, "schema": schema if schema is not None else simple_schema()}
    body.update(extra)
    return body


def create_table(rest, ns, name=None, schema=None, **extra):
    """POST .../tables (200 asserted and validated); returns (name, reply).
    Extra keyword arguments become request members with '_' -> '-'."""
    name = name or unique("t")
    body = create_body(name, schema, **{k.replace("_", "-"): v for k, v in extra.items()})
    status, doc, hdrs = rest.call_full("POST", table_path(ns), body=body)
    assert status == 200, (status, doc)
    spec_validator().check_response(table_path(ns), "post", 200, doc)
    return name, doc


def load(rest, ns, name, query=""):
    """GET the table (200 asserted and validated); returns the reply."""
    path = table_path(ns, name) + query
    status, doc = rest.call("GET", path)
    assert status == 200, (status, doc)
    spec_validator().check_response(table_path(ns, name), "get", 200, doc)
    return doc


def commit(rest, ns, name, updates=(), requirements=(), raw_body=None):
    """POST .../tables/{t}; returns (status, reply) unchecked."""
    body = raw_body if raw_body is not None else {"requirements": list(requirements),
                                                  "updates": list(updates)}
    return rest.call("POST", table_path(ns, name), body=body)


def commit_ok(rest, ns, name, updates=(), requirements=()):
    """A commit that must succeed (200, validated as CommitTableResponse)."""
    status, doc = commit(rest, ns, name, updates, requirements)
    assert status == 200, (status, doc)
    spec_validator().check_response(table_path(ns, name), "post", 200, doc)
    assert doc["metadata-location"], doc
    return doc


def transaction(rest, changes, raw=None):
    """POST /v1/transactions/commit; returns (status, reply)."""
    if raw is not None:
        return rest.call("POST", "/v1/transactions/commit", raw=raw)
    return rest.call("POST", "/v1/transactions/commit", body={"table-changes": changes})


def change(ns, name, updates=(), requirements=()):
    """One CommitTableRequest of a transaction."""
    return {"identifier": {"namespace": [ns], "name": name},
            "requirements": list(requirements), "updates": list(updates)}


# ---------------------------------------------------------------------------
# update and requirement builders
# ---------------------------------------------------------------------------

def set_props(**props):
    return {"action": "set-properties", "updates": {k.replace("__", "."): v
                                                     for k, v in props.items()}}


def req(rtype, **members):
    """A requirement {"type": "assert-<rtype>", ...}; '_' in member names -> '-'."""
    r = {"type": "assert-" + rtype}
    r.update({k.replace("_", "-"): v for k, v in members.items()})
    return r


def new_snapshot_id():
    return random.randint(1, 2 ** 62)


def now_ms():
    return int(time.time() * 1000)


def snapshot(md, snapshot_id=None, parent=None, operation="append", added_rows=10, ts=None):
    """A Snapshot for an add-snapshot update following 'md' (the table's
    current metadata): the next sequence number, the current schema, and for
    format version 3 the row-lineage fields."""
    sid = snapshot_id if snapshot_id is not None else new_snapshot_id()
    snap = {"snapshot-id": sid,
            "sequence-number": md.get("last-sequence-number", 0) + 1,
            "timestamp-ms": ts if ts is not None else now_ms(),
            "manifest-list": "%s/metadata/snap-%d-1-%s.avro" % (md["location"], sid,
                                                               unique("m")),
            "summary": {"operation": operation, "added-data-files": "1"},
            "schema-id": md["current-schema-id"]}
    if parent is not None:
        snap["parent-snapshot-id"] = parent
    if md["format-version"] >= 3:
        snap["first-row-id"] = md.get("next-row-id", 0)
        snap["added-rows"] = added_rows
    return snap


def append_updates(md, snapshot_id=None, branch="main"):
    """[add-snapshot, set-snapshot-ref branch] appending one snapshot on top
    of the branch's current snapshot; returns (updates, snapshot)."""
    parent = (md.get("refs") or {}).get(branch, {}).get("snapshot-id")
    snap = snapshot(md, snapshot_id, parent=parent)
    return [{"action": "add-snapshot", "snapshot": snap},
            {"action": "set-snapshot-ref", "ref-name": branch, "type": "branch",
             "snapshot-id": snap["snapshot-id"]}], snap


def append(rest, ns, name, md=None):
    """Commits one appended snapshot on main; returns the commit reply."""
    md = md if md is not None else load(rest, ns, name)["metadata"]
    updates, _ = append_updates(md)
    return commit_ok(rest, ns, name, updates)


def current_snapshot_id(md):
    """The current snapshot id, None when the table has none (-1/null/absent)."""
    v = md.get("current-snapshot-id")
    return None if v in (None, -1) else v


def snapshot_ids(md):
    return {s["snapshot-id"] for s in md.get("snapshots") or []}


# ---------------------------------------------------------------------------
# files in the file:// warehouse
# ---------------------------------------------------------------------------

def local_path(uri):
    """The local path of a file: URI (file:///x or file:/x) or a plain path.
    Locations are literal (no percent-decoding), as the server keeps them."""
    if uri.startswith("file://"):
        return uri[len("file://"):]
    if uri.startswith("file:"):
        return uri[len("file:"):]
    assert uri.startswith("/"), uri
    return uri


def read_json(uri):
    with open(local_path(uri)) as f:
        return json.load(f)


def exists(uri):
    return os.path.exists(local_path(uri))


def metadata_files(table_location):
    """The *.metadata.json files under <location>/metadata, sorted."""
    return sorted(glob.glob(os.path.join(local_path(table_location), "metadata",
                                         "*.metadata.json")))


def all_files(directory_uri):
    """Every file below a directory (recursively), sorted."""
    root = local_path(directory_uri)
    out = []
    for d, _, files in os.walk(root):
        out += [os.path.join(d, f) for f in files]
    return sorted(out)


def file_version(location):
    """00042-<uuid>.metadata.json -> 42 (asserts the name's shape)."""
    m = META_FILE_RE.search(location)
    assert m, "not an Iceberg metadata file name: %s" % location
    return int(m.group(1))


def write_file(uri, text):
    path = local_path(uri)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


# ---------------------------------------------------------------------------
# the HMS side
# ---------------------------------------------------------------------------

def hms_params(client, ns, name):
    return client.get_table(ns, name).parameters


def hms_columns(client, ns, name):
    """[(name, type, comment)] of the HMS mirror's storage descriptor."""
    return [(c.name, c.type, c.comment) for c in client.get_table(ns, name).sd.cols]
