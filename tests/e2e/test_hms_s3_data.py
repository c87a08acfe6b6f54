"""The HMS door's data on an s3:// warehouse, as the Java metastore handles
it through Hadoop's S3A (found by Spark on MinIO, tests/engines):

- creating a database, a table or a partition writes the empty directory
  marker "<key>/" (S3A's mkdirs), so engines that list the new directory
  find it (Spark's CTAS STORED AS ORC failed with PATH_NOT_FOUND); only
  where nothing lies under the key yet, and a failed add takes the
  markers it wrote away again;
- a table or partition directory that already held data gets Hive's quick
  stats (numFiles, totalSize), counted as Hive counts them through S3A;
- drop_table / drop_partition with deleteData delete every object under a
  managed location (Spark's saveAsTable(mode="overwrite") failed with
  LOCATION_ALREADY_EXISTS when they did not); external data stays;
- renaming a managed table at its default location, and rename_partition,
  move the objects (copy, then delete), as S3A's rename does; the Spark
  datasource table then reads all its rows at the new place;
- truncate_table deletes the objects and leaves the marker;
- outside the allowed locations nothing is created, moved or deleted.

The S3 server is tests/node/s3.mjs (s3rver behind a SigV4-checking proxy).
"""
import shutil
import subprocess
import tempfile

import pytest

from conftest import METASTORE_BIN, clean_env, unique
from hive_metastore.ttypes import Database, EnvironmentContext
from iceboth import s3_keys, start_warehouse_server
from partlib import make_table, new_part
from s3server import S3Server

BUCKET = "hmswh"
OTHER = "elsewhere"
WAREHOUSE = "s3a://%s/wh" % BUCKET


@pytest.fixture(scope="module")
def s3():
    with S3Server(buckets=[BUCKET, OTHER]) as s:
        yield s


def s3_env(s3):
    return {"METASTORE_S3_ENDPOINT": s3.endpoint, "METASTORE_S3_REGION": s3.region,
            "METASTORE_S3_PATH_STYLE": "1", "METASTORE_S3_ACCESS_KEY": s3.access_key,
            "METASTORE_S3_SECRET_KEY": s3.secret_key}


@pytest.fixture(scope="module")
def srv(pg, s3):
    s = start_warehouse_server(pg, WAREHOUSE, env=s3_env(s3))
    yield s
    try:
        s.stop_and_check()
    finally:
        shutil.rmtree(s.tmp, ignore_errors=True)


@pytest.fixture
def client(srv):
    c = srv.client()
    yield c
    c.close()


def put(s3, bucket, key, data=b"x"):
    """An object, written with `metastore storage put`."""
    r = subprocess.run([METASTORE_BIN, "storage", "put", "s3://%s/%s" % (bucket, key)],
                       input=data, capture_output=True, timeout=60, env=clean_env(s3_env(s3)),
                       cwd=tempfile.gettempdir())
    assert r.returncode == 0, r.stderr


def keys(s3, prefix, bucket=BUCKET):
    return sorted(s3_keys(s3, bucket, prefix))


def key_of(location):
    assert location.startswith("s3a://%s/" % BUCKET), location
    return location[len("s3a://%s/" % BUCKET):].rstrip("/")


def new_db(client):
    name = unique("s3db")
    client.create_database(Database(name=name, parameters={}))
    return name


def test_create_writes_directory_markers(client, s3):
    db = new_db(client)
    dloc = client.get_database(db).locationUri
    assert dloc == "%s/%s.db" % (WAREHOUSE, db)
    assert keys(s3, key_of(dloc) + "/") == [key_of(dloc) + "/"]
    t = make_table(client, db, "events")
    tkey = key_of(t.sd.location)
    assert tkey == "wh/%s.db/events" % db
    assert keys(s3, tkey + "/") == [tkey + "/"]
    client.add_partitions([new_part(t, ["2024-01-01", "1"])])
    p = client.get_partition(db, "events", ["2024-01-01", "1"])
    assert keys(s3, key_of(p.sd.location) + "/") == [key_of(p.sd.location) + "/"]


def test_add_partition_event_lists_its_objects(client, s3):
    """ADD_PARTITION's partitionFiles on S3: the objects directly under a
    partition's prefix that already held data, as Hive lists them."""
    import json
    from hive_metastore.ttypes import NotificationEventRequest
    db = new_db(client)
    t = make_table(client, db, "ev")
    pkey = key_of(t.sd.location) + "/ds=d1/hr=1"
    for name in ("b.parquet", "a.parquet", "_SUCCESS", "sub/c.parquet"):
        put(s3, BUCKET, "%s/%s" % (pkey, name))
    mark = client.get_current_notificationEventId().eventId
    client.add_partitions([new_part(t, ["d1", "1"])])
    evs = client.get_next_notification(NotificationEventRequest(lastEvent=mark)).events
    m = json.loads([e for e in evs if e.eventType == "ADD_PARTITION"][0].message)
    loc = client.get_partition(db, "ev", ["d1", "1"]).sd.location
    assert m["partitionFiles"] == [{"partitionName": "ds=d1/hr=1",
                                    "files": [loc + "/a.parquet###", loc + "/b.parquet###"]}]


def test_many_partitions_on_s3_in_one_add(client, s3):
    """An add of many partitions on S3 looks at their directories (one
    listing each: there or not, quick stats, the event's files) and makes
    the missing ones' markers on a few threads (their drop deletes on
    them too) (as Hive's metastore makes partition
    directories on hive.metastore.fshandler.threads): every partition gets
    its marker and its own files, in the list's order."""
    import json
    from hive_metastore.ttypes import NotificationEventRequest
    db = new_db(client)
    t = make_table(client, db, "many")
    tkey = key_of(t.sd.location)
    hrs = list(range(24))
    for hr in hrs[::3]:                   # data already under every third one
        for i in range(hr % 4 + 1):
            put(s3, BUCKET, "%s/ds=d1/hr=%d/part-%d.parquet" % (tkey, hr, i), b"x" * (hr + 1))
    mark = client.get_current_notificationEventId().eventId
    client.add_partitions([new_part(t, ["d1", str(hr)]) for hr in hrs])
    for hr in hrs:          # a marker where nothing was (S3A's mkdirs of one there writes none)
        pkey = "%s/ds=d1/hr=%d" % (tkey, hr)
        assert (pkey + "/" in keys(s3, pkey + "/")) == (hr % 3 != 0), hr
    evs = client.get_next_notification(NotificationEventRequest(lastEvent=mark)).events
    m = json.loads([e for e in evs if e.eventType == "ADD_PARTITION"][0].message)
    assert [f["partitionName"] for f in m["partitionFiles"]] == ["ds=d1/hr=%d" % hr for hr in hrs]
    for hr, f in zip(hrs, m["partitionFiles"]):
        assert len(f["files"]) == (hr % 4 + 1 if hr % 3 == 0 else 0), hr
    for p in client.get_partitions(db, "many", -1):          # quick stats, listed on the threads
        hr = int(p.values[1])
        if hr % 3 == 0:
            n = hr % 4 + 1
            assert (p.parameters["numFiles"], p.parameters["totalSize"]) == (
                str(n), str(n * (hr + 1))), hr
    # and their drop with deleteData deletes each one's objects, on the threads too
    from hive_metastore.ttypes import DropPartitionsRequest, RequestPartsSpec
    names = ["ds=d1/hr=%d" % hr for hr in hrs]
    r = client.drop_partitions_req(DropPartitionsRequest(
        dbName=db, tblName="many", parts=RequestPartsSpec(names=names), deleteData=True,
        needResult=True))
    assert len(r.partitions) == len(hrs)
    assert keys(s3, tkey + "/") == [tkey + "/"]


def test_quick_stats_of_data_already_on_s3(client, s3):
    """numFiles and totalSize of a table or partition directory on S3 that
    already held data, as Hive's metastore counts them through S3A: every
    object below it, a '.' or '_' at the start of any level below it
    hidden, directory markers not counted."""
    import json
    from hive_metastore.ttypes import NotificationEventRequest
    db = new_db(client)
    tkey = "wh/%s.db/ext" % db
    objects = {"a.parquet": 3, "b.parquet": 5, "sub/c.parquet": 7,       # counted
               "_SUCCESS": 1, ".a.parquet.crc": 1, "_tmp/d": 1,          # hidden
               "sub/.c.parquet.crc": 1, "sub/_tmp/e": 1}
    for name, size in objects.items():
        put(s3, BUCKET, "%s/%s" % (tkey, name), b"x" * size)
    put(s3, BUCKET, "%s/empty/" % tkey, b"")                              # a marker
    mark = client.get_current_notificationEventId().eventId
    t = make_table(client, db, "ext", parts=[], location="s3a://%s/%s" % (BUCKET, tkey))
    assert (t.parameters["numFiles"], t.parameters["totalSize"]) == ("3", "15")
    assert keys(s3, tkey + "/") == sorted(                  # no marker over data already there
        ["%s/%s" % (tkey, n) for n in objects] + [tkey + "/empty/"])
    # its CREATE_TABLE message lists the files right inside, from the same listing
    evs = client.get_next_notification(NotificationEventRequest(lastEvent=mark)).events
    m = json.loads([e for e in evs if e.eventType == "CREATE_TABLE"][0].message)
    assert m["files"] == [t.sd.location + "/a.parquet###", t.sd.location + "/b.parquet###"]

    p = make_table(client, db, "parted")
    pkey = key_of(p.sd.location) + "/ds=d1/hr=1"
    for name, size in objects.items():
        put(s3, BUCKET, "%s/%s" % (pkey, name), b"y" * size)
    client.add_partitions([new_part(p, ["d1", "1"]), new_part(p, ["d1", "2"])])
    there = client.get_partition(db, "parted", ["d1", "1"])
    assert (there.parameters["numFiles"], there.parameters["totalSize"]) == ("3", "15")
    made = client.get_partition(db, "parted", ["d1", "2"])    # a new directory: none
    assert "numFiles" not in made.parameters


def test_failed_add_takes_its_markers_away(client, s3):
    """An add that fails (a partition in it exists) removes the markers it
    wrote, as Hive's metastore deletes the directories it made; a
    directory that was there stays."""
    from hive_metastore.ttypes import AlreadyExistsException
    db = new_db(client)
    t = make_table(client, db, "undo")
    tkey = key_of(t.sd.location)
    client.add_partitions([new_part(t, ["d1", "1"])])
    put(s3, BUCKET, "%s/ds=d1/hr=3/kept.parquet" % tkey)
    with pytest.raises(AlreadyExistsException):
        client.add_partitions([new_part(t, ["d1", str(hr)]) for hr in (2, 3, 1)])
    assert keys(s3, tkey + "/ds=d1/hr=2/") == []
    assert keys(s3, tkey + "/ds=d1/hr=3/") == [tkey + "/ds=d1/hr=3/kept.parquet"]
    assert keys(s3, tkey + "/ds=d1/hr=1/") == [tkey + "/ds=d1/hr=1/"]


def test_requests_after_the_store_closed_idle_connections(client, s3):
    """Each server thread keeps its S3 connections open for its next
    requests; one the store closed meanwhile (s3rver's Node server closes
    a connection idle for 5 s) is noticed and replaced, and the call goes
    on as if nothing happened."""
    import time
    db = new_db(client)
    make_table(client, db, "before")
    time.sleep(6)
    t = make_table(client, db, "after")
    assert keys(s3, key_of(t.sd.location) + "/") == [key_of(t.sd.location) + "/"]


def test_drop_table_deletes_managed_data(client, s3):
    db = new_db(client)
    t = make_table(client, db, "m", parts=[])
    tkey = key_of(t.sd.location)
    for i in range(3):
        put(s3, BUCKET, "%s/part-%d.parquet" % (tkey, i))
    put(s3, BUCKET, tkey + "x/neighbour.parquet")     # a table whose name extends ours
    assert len(keys(s3, tkey + "/")) == 4
    client.drop_table(db, "m", True)
    assert keys(s3, tkey + "/") == []
    assert keys(s3, tkey + "x/") == [tkey + "x/neighbour.parquet"]


def test_drop_table_keeps_external_and_unasked_data(client, s3):
    db = new_db(client)
    ext = make_table(client, db, "ext", parts=[], ttype="EXTERNAL_TABLE",
                     location="s3a://%s/data/%s/ext" % (BUCKET, db))
    put(s3, BUCKET, key_of(ext.sd.location) + "/f.parquet")
    client.drop_table(db, "ext", True)
    assert keys(s3, key_of(ext.sd.location) + "/") == [key_of(ext.sd.location) + "/f.parquet"]
    kept = make_table(client, db, "kept", parts=[])
    put(s3, BUCKET, key_of(kept.sd.location) + "/f.parquet")
    client.drop_table(db, "kept", False)
    assert key_of(kept.sd.location) + "/f.parquet" in keys(s3, key_of(kept.sd.location) + "/")


def test_drop_partition_deletes_its_objects_only(client, s3):
    db = new_db(client)
    t = make_table(client, db, "p")
    client.add_partitions([new_part(t, ["d1", "1"]), new_part(t, ["d1", "10"])])
    p1 = client.get_partition(db, "p", ["d1", "1"])
    p10 = client.get_partition(db, "p", ["d1", "10"])
    put(s3, BUCKET, key_of(p1.sd.location) + "/a.parquet")
    put(s3, BUCKET, key_of(p10.sd.location) + "/b.parquet")
    assert client.drop_partition(db, "p", ["d1", "1"], True)
    assert keys(s3, key_of(p1.sd.location) + "/") == []
    assert key_of(p10.sd.location) + "/b.parquet" in keys(s3, key_of(p10.sd.location) + "/")


def test_rename_moves_managed_table_objects(client, s3):
    db = new_db(client)
    t = make_table(client, db, "old_name", parts=[])
    old = key_of(t.sd.location)
    for i in range(3):
        put(s3, BUCKET, "%s/part-%d.parquet" % (old, i), data=b"row%d" % i)
    t.tableName = "new_name"
    client.alter_table(db, "old_name", t)
    moved = client.get_table(db, "new_name")
    assert moved.sd.location == "%s/%s.db/new_name" % (WAREHOUSE, db)
    new = key_of(moved.sd.location)
    assert keys(s3, old + "/") == []
    assert keys(s3, new + "/") == sorted([new + "/"] + ["%s/part-%d.parquet" % (new, i)
                                                          for i in range(3)])


def test_rename_partition_moves_objects(client, s3):
    db = new_db(client)
    t = make_table(client, db, "rp")
    client.add_partitions([new_part(t, ["d1", "1"])])
    p = client.get_partition(db, "rp", ["d1", "1"])
    put(s3, BUCKET, key_of(p.sd.location) + "/a.parquet")
    newp = client.get_partition(db, "rp", ["d1", "1"])
    newp.values = ["d2", "2"]
    client.rename_partition(db, "rp", ["d1", "1"], newp)
    q = client.get_partition(db, "rp", ["d2", "2"])
    assert q.sd.location.endswith("/rp/ds=d2/hr=2")
    assert keys(s3, key_of(p.sd.location) + "/") == []
    assert key_of(q.sd.location) + "/a.parquet" in keys(s3, key_of(q.sd.location) + "/")


def test_truncate_deletes_objects_keeps_directory(client, s3):
    db = new_db(client)
    t = make_table(client, db, "tr", parts=[])
    tkey = key_of(t.sd.location)
    put(s3, BUCKET, tkey + "/a.parquet")
    client.truncate_table(db, "tr", None)
    assert keys(s3, tkey + "/") == [tkey + "/"]


def test_outside_allowed_locations_nothing_is_touched(client, s3):
    db = new_db(client)
    loc = "s3a://%s/foreign/t" % OTHER
    t = make_table(client, db, "foreign", parts=[], location=loc)
    assert keys(s3, "foreign/", bucket=OTHER) == []          # no marker written
    put(s3, OTHER, "foreign/t/f.parquet")
    t.tableName = "foreign2"
    client.alter_table_with_environment_context(db, "foreign", t, EnvironmentContext({}))
    client.drop_table(db, "foreign2", True)
    assert keys(s3, "foreign/", bucket=OTHER) == ["foreign/t/f.parquet"]
