"""Iceberg's HiveCatalog commit protocol, call for call, with and without locks.

HiveTableOperations.doCommit: get_table_req -> lock(EXCLUSIVE, TABLE) ->
check_lock until ACQUIRED -> get_table_req (re-read under the lock) ->
alter_table_with_environment_context(DO_NOT_UPDATE_STATS) -> unlock. The
lock-free path (iceberg.engine.hive.lock-enabled=false) skips the lock and
sends expected_parameter_key/value instead.
"""
import threading
import time

from conftest import unique
from hive_metastore import ttypes
from hive_metastore.ttypes import (CheckLockRequest, Database, EnvironmentContext, FieldSchema,
                                   GetTableRequest, LockComponent, LockLevel, LockRequest,
                                   LockState, LockType, SerDeInfo, StorageDescriptor, Table,
                                   UnlockRequest, DataOperationType)

META = "metadata_location"


def iceberg_table(db, name, location):
    sd = StorageDescriptor(cols=[FieldSchema("id", "bigint", None)], location=location,
                           inputFormat="org.apache.hadoop.mapred.FileInputFormat",
                           outputFormat="org.apache.hadoop.mapred.FileOutputFormat",
                           serdeInfo=SerDeInfo(
                               serializationLib="org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                               parameters={}),
                           parameters={})
    return Table(tableName=name, dbName=db, owner="iceberg", sd=sd, partitionKeys=[],
                 tableType="EXTERNAL_TABLE",
                 parameters={"EXTERNAL": "TRUE", "table_type": "ICEBERG",
                             META: location + "/metadata/00000-a.metadata.json"})


def commit_with_lock(c, db, name, new_meta, max_wait_s=30):
    """One Iceberg commit using a table lock; returns True if it committed."""
    base = c.get_table_req(GetTableRequest(dbName=db, tblName=name)).table
    base_meta = base.parameters[META]
    comp = LockComponent(type=LockType.EXCLUSIVE, level=LockLevel.TABLE, dbname=db, tablename=name,
                         operationType=DataOperationType.NO_TXN)
    resp = c.lock(LockRequest(component=[comp], user="iceberg", hostname="host",
                              agentInfo="Iceberg-test"))
    lockid = resp.lockid
    try:
        deadline = time.time() + max_wait_s
        state = resp.state
        while state == LockState.WAITING and time.time() < deadline:
            time.sleep(0.01)
            state = c.check_lock(CheckLockRequest(lockid=lockid)).state
        assert state == LockState.ACQUIRED
        current = c.get_table_req(GetTableRequest(dbName=db, tblName=name)).table
        if current.parameters[META] != base_meta:
            return False       # someone committed in between: Iceberg retries
        current.parameters["previous_metadata_location"] = base_meta
        current.parameters[META] = new_meta
        c.alter_table_with_environment_context(
            db, name, current, EnvironmentContext({"DO_NOT_UPDATE_STATS": "true"}))
        return True
    finally:
        c.unlock(UnlockRequest(lockid=lockid))


def test_commit_sequence_with_locks(server, client):
    db = unique("e2e_ice")
    client.create_database(Database(name=db, parameters={}))
    loc = server.warehouse + "/" + db + ".db/t"
    client.create_table(iceberg_table(db, "t", loc))
    assert commit_with_lock(client, db, "t", loc + "/metadata/00001-b.metadata.json")
    got = client.get_table(db, "t")
    assert got.parameters[META].endswith("00001-b.metadata.json")
    assert got.parameters["previous_metadata_location"].endswith("00000-a.metadata.json")
    assert "DO_NOT_UPDATE_STATS" not in got.parameters
    assert "numFiles" not in got.parameters    # stats untouched on Iceberg commits
    # Iceberg lists its tables by the table_type parameter
    assert [t.tableName for t in client.get_table_objects_by_name(db, ["t"])] == ["t"]


def test_concurrent_commits_with_locks_serialise(server, client):
    db = unique("e2e_ice")
    client.create_database(Database(name=db, parameters={}))
    loc = server.warehouse + "/" + db + ".db/t"
    client.create_table(iceberg_table(db, "t", loc))
    writers, commits_each = 6, 3
    errors, done = [], []

    def writer(i):
        try:
            with server.client(timeout=30) as c:
                n = 0
                attempts = 0
                while n < commits_each and attempts < 200:
                    attempts += 1
                    if commit_with_lock(c, db, "t", "%s/metadata/w%d-%d.json" % (loc, i, n)):
                        n += 1
                done.append(n)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(done) == [commits_each] * writers
    # every commit saw the previous one: the chain of previous locations is intact
    assert client.get_table(db, "t").parameters[META].startswith(loc + "/metadata/w")
    assert client.show_locks(ttypes.ShowLocksRequest(dbname=db)).locks in (None, [])


def test_lock_free_commit_conflict_is_commit_failed(server, client):
    db = unique("e2e_ice")
    client.create_database(Database(name=db, parameters={}))
    loc = server.warehouse + "/" + db + ".db/t"
    client.create_table(iceberg_table(db, "t", loc))
    t = client.get_table(db, "t")
    base = t.parameters[META]
    t.parameters[META] = loc + "/metadata/00001.json"
    env = {"expected_parameter_key": META, "expected_parameter_value": base,
           "DO_NOT_UPDATE_STATS": "true"}
    client.alter_table_with_environment_context(db, "t", t, EnvironmentContext(env))
    t.parameters[META] = loc + "/metadata/00002.json"
    try:
        client.alter_table_with_environment_context(db, "t", t, EnvironmentContext(env))
        raise AssertionError("stale commit accepted")
    except ttypes.MetaException as e:
        # the exact prefix HiveTableOperations turns into CommitFailedException
        assert e.message.startswith(
            "The table has been modified. The parameter value for key 'metadata_location' is '")
