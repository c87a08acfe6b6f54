"""PyIceberg (with pyarrow) on our REST door, on a file:// warehouse and on
MinIO (s3://).

Namespaces (create with properties, load and update them, list, nested,
drop); a table created with a partition spec and a sort order, appended
to, overwritten with a filter, scanned with a row filter, its schema
evolved (add, rename and drop a column) and its old data read after; two
processes appending to one table at once, the loser retrying after
CommitFailedException, no row lost. What PyIceberg reads back comes from a
new process (pyiceberg_jobs.py); what the server stored is checked through
our Thrift client (table_type ICEBERG, metadata_location, the columns of
the current schema), the REST door and the files in MinIO or on disk.

The client configuration is the one the README gives: the REST URI, and
for MinIO only the keys. The server's load replies carry s3.endpoint,
s3.path-style-access and client.region (rest: s3.* settings), which
PyIceberg's FileIO takes.
"""
import datetime
import json
import os
import subprocess
import tempfile
import time

import pytest

import components
from servers import unique

VERSION = "0.12.0"
HERE = os.path.dirname(os.path.abspath(__file__))
JOBS = os.path.join(HERE, "pyiceberg_jobs.py")


def catalog_props(metastore, minio):
    """What a user gives load_catalog: the URI and, for s3://, the keys."""
    return {"type": "rest", "uri": metastore.rest_uri,
            "s3.access-key-id": minio.access_key, "s3.secret-access-key": minio.secret_key}


@pytest.fixture(scope="module")
def props(metastore, minio):
    components.opted_out("pyiceberg")
    return catalog_props(metastore, minio)


@pytest.fixture(scope="module")
def cat(props):
    from pyiceberg.catalog import load_catalog
    return load_catalog("engines", **props)


def python():
    return os.path.join(components.VENV, "bin", "python")


def start_job(function, args, name):
    """Start pyiceberg_jobs.py FUNCTION in a new process: (Popen, out, log)."""
    out = components.results_path("pyiceberg", name + ".json")
    log = components.results_path("pyiceberg", name + ".log")
    lf = open(log, "w")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("METASTORE_", "ASAN_", "LSAN_", "UBSAN_", "PYICEBERG_"))}
    p = subprocess.Popen([python(), JOBS, function, json.dumps(args), out], stdout=lf,
                         stderr=subprocess.STDOUT, env=env, cwd=tempfile.gettempdir())
    p.logfile = lf
    return p, out, log


def finish_job(job, timeout=300):
    p, out, log = job
    try:
        p.wait(timeout)
    finally:
        components.stop_process(p)
        p.logfile.close()
    if p.returncode != 0:
        raise AssertionError("pyiceberg_jobs %s failed (exit %s)%s" % (
            out, p.returncode, components.tail_of(log, 60)))
    with open(out) as f:
        return json.load(f)


def run_job(function, args, name):
    return finish_job(start_job(function, args, name))


# ---------------------------------------------------------------------------
# namespaces
# ---------------------------------------------------------------------------

def test_namespaces(cat, thrift, metastore, tag):
    from pyiceberg.exceptions import NamespaceNotEmptyError, NoSuchNamespaceError
    from hive_metastore.ttypes import NoSuchObjectException
    tag("PyIceberg", VERSION, "rest", "namespaces: create, properties, list, nested, drop")
    ns = unique("pyice_ns")
    loc = "s3://warehouse/%s" % ns
    cat.create_namespace(ns, {"comment": "made by PyIceberg", "location": loc, "team": "data"})
    props = cat.load_namespace_properties(ns)
    assert props["comment"] == "made by PyIceberg" and props["team"] == "data"
    assert props["location"] == loc
    assert (ns,) in cat.list_namespaces()
    # what the server stored: a database
    d = thrift.get_database(ns)
    assert d.description == "made by PyIceberg" and d.locationUri == loc
    assert d.parameters.get("team") == "data"

    summary = cat.update_namespace_properties(ns, removals={"team", "nope"},
                                              updates={"owner_team": "lake"})
    assert summary.removed == ["team"] and summary.missing == ["nope"]
    assert summary.updated == ["owner_team"]
    d = thrift.get_database(ns)
    assert "team" not in d.parameters and d.parameters["owner_team"] == "lake"

    # nested: [ns, child] is the database "ns.child"
    cat.create_namespace((ns, "child"))
    assert cat.list_namespaces(ns) == [(ns, "child")]
    assert thrift.get_database(ns + ".child").locationUri == loc + "/child.db"
    with pytest.raises(NamespaceNotEmptyError):
        cat.drop_namespace(ns)
    cat.drop_namespace((ns, "child"))
    cat.drop_namespace(ns)
    assert (ns,) not in cat.list_namespaces()
    with pytest.raises(NoSuchNamespaceError):
        cat.load_namespace_properties(ns)
    with pytest.raises(NoSuchObjectException):
        thrift.get_database(ns)


# ---------------------------------------------------------------------------
# one table's life, on each warehouse
# ---------------------------------------------------------------------------

def schema():
    from pyiceberg.schema import Schema
    from pyiceberg.types import (LongType, NestedField, StringType, TimestamptzType)
    return Schema(
        NestedField(1, "id", LongType(), required=True),
        NestedField(2, "name", StringType()),
        NestedField(3, "ts", TimestamptzType()),
        NestedField(4, "category", StringType()),
        NestedField(5, "extra", StringType()),
        identifier_field_ids=[1])


def rows_table(ids, tag_=""):
    import pyarrow as pa
    base = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "name": ["n%d%s" % (i, tag_) for i in ids],
        "ts": pa.array([base + datetime.timedelta(hours=7 * i) for i in ids],
                       pa.timestamp("us", tz="UTC")),
        "category": ["abc"[i % 3] for i in ids],
        "extra": ["x%d" % i for i in ids],
    }, schema=pa.schema([
        pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string()),
        pa.field("ts", pa.timestamp("us", tz="UTC")), pa.field("category", pa.string()),
        pa.field("extra", pa.string())]))


def storage_keys(where, minio, location):
    """The objects under a table location, relative to it."""
    if where == "s3":
        assert location.startswith("s3://warehouse/"), location
        prefix = location[len("s3://warehouse/"):].rstrip("/") + "/"
        return sorted(k[len(prefix):] for k in minio.keys("warehouse", prefix))
    path = location[len("file://"):] if location.startswith("file://") else location[5:]
    out = []
    for d, _, files in os.walk(path):
        out += [os.path.relpath(os.path.join(d, f), path) for f in files]
    return sorted(out)


@pytest.mark.parametrize("where", ["file", "s3"])
def test_table_life(where, cat, props, thrift, metastore, minio, tag):
    from pyiceberg.expressions import And, EqualTo, GreaterThanOrEqual
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.table.sorting import NullOrder, SortDirection, SortField, SortOrder
    from pyiceberg.transforms import IdentityTransform
    from pyiceberg.types import DoubleType
    catalog = "rest (%s)" % ("file://" if where == "file" else "s3:// on MinIO")
    tag("PyIceberg", VERSION, catalog,
        "create partitioned + sorted, append, overwrite, filtered scan, schema evolution",
        components.results_path("pyiceberg", "read_%s.log" % where))
    ns = unique("pyice_" + where)
    ns_loc = ("file://%s/%s" % (metastore.local_root, ns) if where == "file"
              else "s3://warehouse/%s" % ns)
    cat.create_namespace(ns, {"location": ns_loc})
    ident = (ns, "events")
    # identity partitions: PyIceberg writes day/bucket/truncate partitions
    # only with the pyiceberg-core extra (Rust), which the venv leaves out
    spec = PartitionSpec(
        PartitionField(source_id=4, field_id=1000, transform=IdentityTransform(), name="category"))
    order = SortOrder(SortField(source_id=1, transform=IdentityTransform(),
                                direction=SortDirection.ASC, null_order=NullOrder.NULLS_FIRST))
    tbl = cat.create_table(ident, schema=schema(), partition_spec=spec, sort_order=order,
                           properties={"owner_team": "lake"})
    assert tbl.location() == ns_loc + "/events"

    tbl.append(rows_table(range(0, 60)))
    tbl.append(rows_table(range(60, 90)))
    # overwrite the rows of category 'a' with new ones
    tbl.overwrite(rows_table([i for i in range(0, 90) if i % 3 == 0], "-new"),
                  overwrite_filter=EqualTo("category", "a"))
    # a filtered scan, in this process
    got = tbl.scan(row_filter=And(GreaterThanOrEqual("id", 45), EqualTo("category", "b"))
                   ).to_arrow()
    assert sorted(got["id"].to_pylist()) == [i for i in range(45, 90) if i % 3 == 1]

    # schema evolution: add, rename, drop
    with tbl.update_schema() as u:
        u.add_column("score", DoubleType(), doc="added later")
        u.rename_column("name", "full_name")
        u.delete_column("extra")
    import pyarrow as pa
    more = pa.table({"id": pa.array([90, 91], pa.int64()), "full_name": ["late", "later"],
                     "ts": pa.array([datetime.datetime(2026, 3, 30, tzinfo=datetime.timezone.utc)] * 2,
                                    pa.timestamp("us", tz="UTC")),
                     "category": ["b", "c"], "score": [1.5, 2.5]},
                    schema=pa.schema([pa.field("id", pa.int64(), nullable=False),
                                      pa.field("full_name", pa.string()),
                                      pa.field("ts", pa.timestamp("us", tz="UTC")),
                                      pa.field("category", pa.string()),
                                      pa.field("score", pa.float64())]))
    tbl = cat.load_table(ident)
    tbl.append(more)

    # read back by a new process
    back = run_job("read_back", {"catalog": props, "table": "%s.events" % ns},
                   "read_%s" % where)
    assert back["columns"] == ["id", "full_name", "ts", "category", "score"]
    rows = {r["id"]: r for r in back["rows"]}
    assert sorted(rows) == list(range(92))
    assert rows[3]["full_name"] == "n3-new" and rows[4]["full_name"] == "n4"   # overwritten / not
    assert rows[4]["score"] is None and "extra" not in rows[4]                # old data, new schema
    assert rows[91]["score"] == 2.5 and rows[91]["full_name"] == "later"
    assert rows[4]["ts"].startswith("2026-03-02T04:00:00")
    assert back["spec"] == [[4, "identity", "category"]]
    assert back["sort_order"] == [[1, "identity", "ASC", "NULLS_FIRST"]], back["sort_order"]
    ops = [s["operation"] for s in back["snapshots"]]
    assert ops == ["append", "append", "delete", "append", "append"], ops
    for s, parent in zip(back["snapshots"][1:], back["snapshots"]):
        assert s["parent"] == parent["id"]
    filtered = run_job("read_back", {"catalog": props, "table": "%s.events" % ns,
                                     "row_filter": "score > 2.0 or full_name = 'n5'"},
                       "read_filtered_%s" % where)
    assert [r["id"] for r in filtered["rows"]] == [5, 91]

    # what the server stored: an Iceberg table as Iceberg's HiveCatalog
    # leaves it, its columns those of the current schema
    t = thrift.get_table(ns, "events")
    assert t.tableType == "EXTERNAL_TABLE"
    assert t.parameters["table_type"] == "ICEBERG"
    assert t.parameters["metadata_location"] == back["metadata_location"]
    assert t.parameters["owner_team"] == "lake"
    assert t.sd.location == ns_loc + "/events"
    assert [(c.name, c.type) for c in t.sd.cols] == [
        ("id", "bigint"), ("full_name", "string"), ("ts", "timestamp"), ("category", "string"),
        ("score", "double")]
    status, doc = metastore.rest("GET", "/v1/namespaces/%s/tables/events" % ns)
    assert status == 200 and doc["metadata-location"] == back["metadata_location"]
    md = doc["metadata"]
    assert md["default-sort-order-id"] == 1 and md["default-spec-id"] == 0
    assert [f["name"] for f in md["partition-specs"][0]["fields"]] == ["category"]
    assert md["current-snapshot-id"] == back["current_snapshot"]
    # the files: metadata written by the server, data and manifests by PyIceberg
    keys = storage_keys(where, minio, ns_loc + "/events")
    meta = [k for k in keys if k.startswith("metadata/") and k.endswith(".metadata.json")]
    assert back["metadata_location"].rsplit("/", 1)[1] in [m.split("/")[1] for m in meta]
    # one file per commit: create, append, append, overwrite (its delete and
    # append snapshots in one commit), schema update, append
    assert [m.split("/")[1][:5] for m in meta] == ["%05d" % v for v in range(6)], meta
    assert any(k.startswith("metadata/snap-") and k.endswith(".avro") for k in keys)
    assert any(k.startswith("data/category=b/") and k.endswith(".parquet") for k in keys)
    prefix = ns_loc + "/events/"
    assert {f[len(prefix):] for f in back["data_files"]} <= set(keys)

    # dropped with purge: gone from the catalog and the storage
    cat.purge_table(ident)
    assert not cat.table_exists(ident)
    assert storage_keys(where, minio, ns_loc + "/events") == []
    cat.drop_namespace(ns)


# ---------------------------------------------------------------------------
# two writers at once
# ---------------------------------------------------------------------------

def test_concurrent_appends_lose_no_row(cat, props, thrift, minio, tag):
    from pyiceberg.schema import Schema
    from pyiceberg.types import IntegerType, LongType, NestedField
    tag("PyIceberg", VERSION, "rest (s3:// on MinIO)",
        "two processes appending to one table at once, the loser retrying",
        components.results_path("pyiceberg", "writer0.log"),
        components.results_path("pyiceberg", "writer1.log"))
    ns = unique("pyice_conc")
    # no location: the namespace and the table take the server's defaults
    # under its warehouse (s3a://warehouse/), which PyIceberg's FileIO reads
    cat.create_namespace(ns)
    tbl = cat.create_table((ns, "counts"), schema=Schema(
        NestedField(1, "id", LongType(), required=True), NestedField(2, "writer", IntegerType())))
    assert tbl.location() == "s3a://warehouse/%s.db/counts" % ns
    rounds, rows = 4, 25
    sync = tempfile.mkdtemp(prefix="pyice-sync-")
    args = {"catalog": props, "table": "%s.counts" % ns, "writers": 2, "rounds": rounds,
            "rows": rows, "sync_dir": sync}
    t0 = time.monotonic()
    jobs = [start_job("append_rounds", dict(args, writer=w), "writer%d" % w) for w in range(2)]
    results = [finish_job(j) for j in jobs]
    seconds = time.monotonic() - t0
    retries = sum(r["pyiceberg_retries"] + r["own_retries"] for r in results)
    # every round both writers start from the same snapshot: one of them
    # must lose and retry
    assert retries >= rounds, results

    back = run_job("read_back", {"catalog": props, "table": "%s.counts" % ns}, "read_counts")
    ids = [r["id"] for r in back["rows"]]
    want = sorted(w * 1000000 + r * rows + i for w in range(2) for r in range(rounds)
                  for i in range(rows))
    assert ids == want, "lost or doubled rows"
    snaps = back["snapshots"]
    assert len(snaps) == 2 * rounds and all(s["operation"] == "append" for s in snaps)
    for s, parent in zip(snaps[1:], snaps):
        assert s["parent"] == parent["id"]          # one unbroken chain
    t = thrift.get_table(ns, "counts")
    assert t.parameters["metadata_location"] == back["metadata_location"]
    keys = minio.keys("warehouse", "%s.db/counts/" % ns)
    assert len([k for k in keys if k.endswith(".parquet")]) == 2 * rounds
    assert len([k for k in keys if k.endswith(".metadata.json")]) == 2 * rounds + 1
    print("concurrent appends: %d commits, %d retries, %.1f s" % (2 * rounds, retries, seconds))
    cat.purge_table((ns, "counts"))
    cat.drop_namespace(ns)


# ---------------------------------------------------------------------------
# a second catalog, chosen with warehouse=<its name>
# ---------------------------------------------------------------------------

def test_second_catalog_by_warehouse(props, cat, thrift, metastore, tag):
    """PyIceberg with warehouse=<a catalog made through Thrift> asks
    GET /v1/config?warehouse=, takes overrides.prefix and works in that
    catalog only: its namespace and table are the catalog's to Thrift, the
    default catalog does not see them, and a new process reads the rows."""
    from hive_metastore.ttypes import (Catalog, CreateCatalogRequest, GetTableRequest,
                                       NoSuchObjectException)
    from pyiceberg.catalog import load_catalog
    tag("PyIceberg", VERSION, "rest, warehouse=<second catalog> (s3:// on MinIO)",
        "create namespace + table, append, scan in a catalog of its own")
    name = unique("pyicecat")
    root = "s3://warehouse/%s_root" % name
    thrift.create_catalog(CreateCatalogRequest(Catalog(name=name, locationUri=root)))
    second_props = dict(props, warehouse=name)
    second = load_catalog("second", **second_props)
    ns = unique("pyice_cat_ns")
    second.create_namespace(ns)
    assert (ns,) in second.list_namespaces()
    assert (ns,) not in cat.list_namespaces()
    tbl = second.create_table((ns, "events"), schema=schema())
    assert tbl.location() == "%s/%s.db/events" % (root, ns)
    tbl.append(rows_table(range(0, 10)))
    back = run_job("read_back", {"catalog": second_props, "table": "%s.events" % ns},
                   "read_second_catalog")
    assert sorted(r["id"] for r in back["rows"]) == list(range(10))
    t = thrift.get_table_req(GetTableRequest(dbName=ns, tblName="events", catName=name)).table
    assert t.catName == name and t.parameters["table_type"] == "ICEBERG"
    assert t.parameters["metadata_location"] == back["metadata_location"]
    with pytest.raises(NoSuchObjectException):
        thrift.get_table(ns, "events")
    second.drop_table((ns, "events"))
    second.drop_namespace(ns)
    assert (ns,) not in second.list_namespaces()
