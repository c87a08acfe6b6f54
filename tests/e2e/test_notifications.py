"""The notification log: every change through Thrift and through the Iceberg
REST door writes its event (Hive's JSON message format, json-0.2) in the
change's transaction; get_next_notification with Hive 4's filters,
get_notification_events_count, fire_listener_event (INSERT), the ttl
cleaner, get_config_value, and ids that never let a poller miss an event
with two replicas writing at once."""
import json
import subprocess
import threading
import time

import pytest
from thrift.protocol import TJSONProtocol
from thrift.transport import TTransport

from conftest import unique
from hive_metastore.ttypes import (
    AddCheckConstraintRequest, AddDefaultConstraintRequest, AddForeignKeyRequest,
    AddNotNullConstraintRequest, AddPrimaryKeyRequest, AddUniqueConstraintRequest, Database,
    DropConstraintRequest, FieldSchema, FireEventRequest, FireEventRequestData, Function,
    InsertEventRequestData, NotificationEventRequest, NotificationEventsCountRequest, Partition,
    ResourceUri, SQLCheckConstraint, SQLDefaultConstraint, SQLForeignKey, SQLNotNullConstraint,
    SQLPrimaryKey, SQLUniqueConstraint, Table, TruncateTableRequest)
from iceboth import commit, create_namespace, create_table
from icelib import Rest, ns_path
from test_tables import make_table


def decode(cls, text):
    """A Thrift object from Hive's embedded TJSONProtocol text."""
    obj = cls()
    obj.read(TJSONProtocol.TJSONProtocol(TTransport.TMemoryBuffer(text.encode())))
    return obj


def encode(obj):
    buf = TTransport.TMemoryBuffer()
    obj.write(TJSONProtocol.TJSONProtocol(buf))
    return buf.getvalue().decode()


def events_after(client, last, **kw):
    return client.get_next_notification(NotificationEventRequest(lastEvent=last, **kw)).events


def of_db(events, db):
    return [e for e in events if e.dbName == db]


def one(events, etype):
    found = [e for e in events if e.eventType == etype]
    assert len(found) == 1, [(e.eventType, e.tableName) for e in events]
    e = found[0]
    assert e.messageFormat == "json-0.2"
    assert e.catName == "hive"
    return e, json.loads(e.message)


def part(db, table, vals, loc=None):
    from hive_metastore.ttypes import SerDeInfo, StorageDescriptor
    sd = StorageDescriptor(cols=[FieldSchema("id", "bigint", None)], location=loc,
                           serdeInfo=SerDeInfo(serializationLib="x", parameters={}),
                           bucketCols=[], sortCols=[], parameters={})
    return Partition(values=vals, dbName=db, tableName=table, sd=sd, parameters={})


def test_thrift_changes_each_write_one_event(client):
    start = client.get_current_notificationEventId().eventId
    db = unique("nt")
    client.create_database(Database(name=db, description="d", parameters={"a": "1"}))
    t = make_table(db, "t", parts=[FieldSchema("ds", "string", None)])
    client.create_table(t)
    t2 = client.get_table(db, "t")
    t2.parameters["k"] = "v"
    client.alter_table(db, "t", t2)
    client.add_partitions([part(db, "t", ["2024"]), part(db, "t", ["2025"])])
    p = client.get_partition(db, "t", ["2024"])
    p.parameters["pk"] = "pv"
    client.alter_partition(db, "t", p)
    client.drop_partition(db, "t", ["2025"], False)
    fn = Function(functionName="f1", dbName=db, className="a.B", ownerName="me", ownerType=1,
                  createTime=0, functionType=1,
                  resourceUris=[ResourceUri(resourceType=1, uri="file:///x.jar")])
    client.create_function(fn)
    client.drop_function(db, "f1")
    ids = client.fire_listener_event(FireEventRequest(
        successful=True, dbName=db, tableName="t", partitionVals=["2024"],
        data=FireEventRequestData(insertData=InsertEventRequestData(
            replace=False, filesAdded=["file:///w/a.parq"], filesAddedChecksum=["abc"]))))
    client.drop_table(db, "t", False)
    client.drop_database(db, False, False)

    evs = of_db(events_after(client, start), db)
    types = [e.eventType for e in evs]
    assert types == ["CREATE_DATABASE", "CREATE_TABLE", "ALTER_TABLE", "ADD_PARTITION",
                     "ALTER_PARTITION", "DROP_PARTITION", "CREATE_FUNCTION", "DROP_FUNCTION",
                     "INSERT", "DROP_TABLE", "DROP_DATABASE"], types
    # ids are consecutive and the current id is the last
    assert [e.eventId for e in evs] == list(range(evs[0].eventId, evs[0].eventId + len(evs)))
    assert client.get_current_notificationEventId().eventId >= evs[-1].eventId
    assert ids.eventIds == [one(evs, "INSERT")[0].eventId]

    _, m = one(evs, "CREATE_DATABASE")
    assert m["db"] == db and m["timestamp"] > 0 and "server" in m
    assert decode(Database, m["dbJson"]).parameters == {"a": "1"}

    e, m = one(evs, "CREATE_TABLE")
    assert (e.tableName, m["table"], m["tableType"]) == ("t", "t", "MANAGED_TABLE")
    created = decode(Table, m["tableObjJson"])
    assert created.tableName == "t" and created.dbName == db
    assert [k.name for k in created.partitionKeys] == ["ds"]
    assert m["files"] == []

    _, m = one(evs, "ALTER_TABLE")
    before, after = decode(Table, m["tableObjBeforeJson"]), decode(Table, m["tableObjAfterJson"])
    assert "k" not in before.parameters and after.parameters["k"] == "v"
    assert m["isTruncateOp"] == "false"

    _, m = one(evs, "ADD_PARTITION")
    assert m["partitions"] == [{"ds": "2024"}, {"ds": "2025"}]
    assert [decode(Partition, j).values for j in m["partitionListJson"]] == [["2024"], ["2025"]]

    _, m = one(evs, "ALTER_PARTITION")
    assert m["keyValues"] == {"ds": "2024"}
    assert "pk" not in decode(Partition, m["partitionObjBeforeJson"]).parameters
    assert decode(Partition, m["partitionObjAfterJson"]).parameters["pk"] == "pv"

    _, m = one(evs, "DROP_PARTITION")
    assert m["partitions"] == [{"ds": "2025"}]
    _, m = one(evs, "CREATE_FUNCTION")
    f = decode(Function, m["functionObjJson"])
    assert (f.functionName, f.className, f.resourceUris[0].uri) == ("f1", "a.B", "file:///x.jar")
    _, m = one(evs, "DROP_FUNCTION")
    assert m["functionName"] == "f1"
    _, m = one(evs, "INSERT")
    assert m["files"] == ["file:///w/a.parq#abc"] and m["replace"] == "false"
    assert decode(Partition, m["ptnObjJson"]).values == ["2024"]
    _, m = one(evs, "DROP_TABLE")
    assert decode(Table, m["tableObjJson"]).tableName == "t"


# ---- constraint events (Hive's JSONAdd*Message / JSONDropConstraintMessage) ----

def _common(db, tbl):
    """Keyword arguments every constraint struct shares, fully set (so that
    the embedded object equals what was sent: Hive sets catName too)."""
    return dict(catName="hive", table_db=db, table_name=tbl, enable_cstr=True,
                validate_cstr=False, rely_cstr=True)


def _constraints(db, tbl):
    """One constraint of each kind but foreign key, on columns id/code/name."""
    kw = _common(db, tbl)
    return {
        "ADD_PRIMARYKEY": ("primaryKeyListJson", SQLPrimaryKey,
                           [SQLPrimaryKey(column_name="id", key_seq=1, pk_name="pk_" + tbl, **kw)]),
        "ADD_UNIQUECONSTRAINT": ("uniqueConstraintListJson", SQLUniqueConstraint,
                                 [SQLUniqueConstraint(column_name="code", key_seq=1,
                                                      uk_name="uk_" + tbl, **kw)]),
        "ADD_NOTNULLCONSTRAINT": ("notNullConstraintListJson", SQLNotNullConstraint,
                                  [SQLNotNullConstraint(column_name="name", nn_name="nn_" + tbl,
                                                        **kw),
                                   SQLNotNullConstraint(column_name="code",
                                                        nn_name="nn2_" + tbl, **kw)]),
        "ADD_DEFAULTCONSTRAINT": ("defaultConstraintListJson", SQLDefaultConstraint,
                                  [SQLDefaultConstraint(column_name="name", default_value="'x'",
                                                        dc_name="dc_" + tbl, **kw)]),
        "ADD_CHECKCONSTRAINT": ("checkConstraintListJson", SQLCheckConstraint,
                                [SQLCheckConstraint(column_name="id", check_expression="id > 0",
                                                    dc_name="ck_" + tbl, **kw)]),
    }


def _check_constraint_event(evs, etype, member, cls, sent, db, table):
    e, m = one(evs, etype)
    assert (e.dbName, e.tableName) == (db, table)
    assert sorted(m) == sorted(["server", "servicePrincipal", member, "timestamp"]), m
    assert [decode(cls, j) for j in m[member]] == sent


def _cols_table(db, name):
    return make_table(db, name, cols=[FieldSchema("id", "int", ""), FieldSchema("code", "string", ""),
                                      FieldSchema("name", "string", "")])


def test_drop_table_event_carries_the_table_as_stored_last(client):
    """The DROP_TABLE event is the table the drop removed, after its last
    change (the store takes the door's read only when the row it locked is
    that version)."""
    start = client.get_current_notificationEventId().eventId
    db = unique("nd")
    client.create_database(Database(name=db, description="d", parameters={}))
    client.create_table(make_table(db, "t"))
    t = client.get_table(db, "t")
    t.parameters["k"] = 'v "2"\\'
    client.alter_table(db, "t", t)
    stored = client.get_table(db, "t")
    client.drop_table(db, "t", False)
    _, m = one(of_db(events_after(client, start), db), "DROP_TABLE")
    dropped = decode(Table, m["tableObjJson"])
    assert dropped.parameters["k"] == 'v "2"\\'
    assert (dropped.id, dropped.parameters, dropped.sd.cols) == \
        (stored.id, stored.parameters, stored.sd.cols)
    client.drop_database(db, True, True)


def test_drop_table_event_when_the_row_changes_before_the_lock(server, client):
    """The store's fallback, made to happen: a change to the table's row
    commits after the door read the table and while the drop waits for the
    row's lock (a second PostgreSQL session holds it). The DROP_TABLE event
    is then the row as the drop found it, read again, not the door's read."""
    db = unique("ndl")
    client.create_database(Database(name=db, description="d", parameters={}))
    client.create_table(make_table(db, "t"))
    table_id = client.get_table(db, "t").id
    start = client.get_current_notificationEventId().eventId
    pg = server.pg
    holder = subprocess.Popen(
        [pg.bin("psql"), "-h", pg.sockdir, "-p", str(pg.port), "-U", "postgres", "-d",
         server.db, "-v", "ON_ERROR_STOP=1", "-Aqt"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    dropped = {}
    try:
        holder.stdin.write("BEGIN;\nUPDATE ms_tables SET params = params || "
                           "'{\"k\": \"changed meanwhile\"}'::jsonb WHERE table_id = %d;\n"
                           "SELECT 'held';\n" % table_id)
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "held"

        def drop():
            with server.client(timeout=60) as c:
                c.drop_table(db, "t", False)
                dropped["done"] = True
        th = threading.Thread(target=drop, daemon=True)
        th.start()
        waiting = "0"
        for _ in range(200):
            waiting = pg.psql(server.db, "SELECT count(*) FROM pg_stat_activity WHERE "
                              "datname = current_database() AND "
                              "application_name = 'metastore' AND wait_event_type = 'Lock'"
                              ).stdout.strip()
            if waiting == "1":
                break
            time.sleep(0.05)
        assert waiting == "1", "the drop never waited for the row's lock"
        assert not dropped
        holder.stdin.write("COMMIT;\n")
        holder.stdin.close()
        assert holder.wait(30) == 0
        th.join(60)
        assert dropped.get("done"), "the drop did not finish"
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
    _, m = one(of_db(events_after(client, start), db), "DROP_TABLE")
    assert decode(Table, m["tableObjJson"]).parameters.get("k") == "changed meanwhile"
    client.drop_database(db, True, True)


def test_create_table_with_constraints_logs_create_then_each_kind(client):
    start = client.get_current_notificationEventId().eventId
    db = unique("ntk")
    client.create_database(Database(name=db))
    k = _constraints(db, "p")
    client.create_table_with_constraints(
        _cols_table(db, "p"), k["ADD_PRIMARYKEY"][2], [], k["ADD_UNIQUECONSTRAINT"][2],
        k["ADD_NOTNULLCONSTRAINT"][2], k["ADD_DEFAULTCONSTRAINT"][2], k["ADD_CHECKCONSTRAINT"][2])
    evs = of_db(of_db(events_after(client, start), db), db)
    # Hive's order: CREATE_TABLE, then primary, foreign, unique, not null,
    # check and default constraints, in the one transaction
    assert [e.eventType for e in evs] == [
        "CREATE_DATABASE", "CREATE_TABLE", "ADD_PRIMARYKEY", "ADD_UNIQUECONSTRAINT",
        "ADD_NOTNULLCONSTRAINT", "ADD_CHECKCONSTRAINT", "ADD_DEFAULTCONSTRAINT"]
    for etype, (member, cls, sent) in k.items():
        _check_constraint_event(evs, etype, member, cls, sent, db, "p")
    client.drop_database(db, True, True)


def test_each_add_and_drop_writes_its_event(client):
    db = unique("ntk")
    client.create_database(Database(name=db))
    client.create_table(_cols_table(db, "p"))
    client.create_table(_cols_table(db, "c"))
    k = _constraints(db, "p")
    adds = {"ADD_PRIMARYKEY": lambda l: client.add_primary_key(AddPrimaryKeyRequest(l)),
            "ADD_UNIQUECONSTRAINT": lambda l: client.add_unique_constraint(
                AddUniqueConstraintRequest(l)),
            "ADD_NOTNULLCONSTRAINT": lambda l: client.add_not_null_constraint(
                AddNotNullConstraintRequest(l)),
            "ADD_DEFAULTCONSTRAINT": lambda l: client.add_default_constraint(
                AddDefaultConstraintRequest(l)),
            "ADD_CHECKCONSTRAINT": lambda l: client.add_check_constraint(
                AddCheckConstraintRequest(l))}
    for etype, (member, cls, sent) in k.items():
        start = client.get_current_notificationEventId().eventId
        adds[etype](sent)
        evs = of_db(events_after(client, start), db)
        assert [e.eventType for e in evs] == [etype]
        _check_constraint_event(evs, etype, member, cls, sent, db, "p")

    # a foreign key: the log row names the parent table, as Hive's does
    sent = [SQLForeignKey(pktable_db=db, pktable_name="p", pkcolumn_name="id", fktable_db=db,
                          fktable_name="c", fkcolumn_name="id", key_seq=1, update_rule=0,
                          delete_rule=0, fk_name="fk_c", pk_name="pk_p", enable_cstr=False,
                          validate_cstr=False, rely_cstr=True, catName="hive")]
    start = client.get_current_notificationEventId().eventId
    client.add_foreign_key(AddForeignKeyRequest(sent))
    evs = of_db(events_after(client, start), db)
    assert [e.eventType for e in evs] == ["ADD_FOREIGNKEY"]
    _check_constraint_event(evs, "ADD_FOREIGNKEY", "foreignKeyListJson", SQLForeignKey, sent,
                            db, "p")

    start = client.get_current_notificationEventId().eventId
    client.drop_constraint(DropConstraintRequest(dbname=db, tablename="c", constraintname="fk_c"))
    evs = of_db(events_after(client, start), db)
    e, m = one(evs, "DROP_CONSTRAINT")
    assert len(evs) == 1 and (e.dbName, e.tableName) == (db, "c")
    assert sorted(m) == ["constraintName", "dbName", "server", "servicePrincipal", "tableName",
                         "timestamp"]
    assert (m["dbName"], m["tableName"], m["constraintName"]) == (db, "c", "fk_c")
    # a drop that finds nothing, or an add that fails, writes nothing
    with pytest.raises(Exception):
        client.drop_constraint(DropConstraintRequest(dbname=db, tablename="c",
                                                     constraintname="fk_c"))
    with pytest.raises(Exception):
        client.add_primary_key(AddPrimaryKeyRequest(k["ADD_PRIMARYKEY"][2]))
    assert client.get_current_notificationEventId().eventId == e.eventId
    client.drop_database(db, True, True)


def test_constraints_dropped_with_their_column_write_no_drop_event(client):
    """Hive's ObjectStore deletes them with the old columns, past its
    listeners: the ALTER_TABLE is the only event."""
    db = unique("ntk")
    client.create_database(Database(name=db))
    client.create_table(_cols_table(db, "p"))
    client.add_not_null_constraint(AddNotNullConstraintRequest(
        _constraints(db, "p")["ADD_NOTNULLCONSTRAINT"][2]))
    start = client.get_current_notificationEventId().eventId
    t = client.get_table(db, "p")
    t.sd.cols = [c for c in t.sd.cols if c.name != "name"]
    client.alter_table(db, "p", t)
    assert [e.eventType for e in of_db(events_after(client, start), db)] == ["ALTER_TABLE"]
    client.drop_database(db, True, True)


# ---- truncate_table (Hive's TruncateTableHandler events) ----

def test_truncate_table_writes_alter_table_with_truncate_op(client):
    db = unique("ntt")
    client.create_database(Database(name=db))
    client.create_table(make_table(db, "t", params={"numRows": "10", "totalSize": "99"}))
    start = client.get_current_notificationEventId().eventId
    client.truncate_table(db, "t", None)
    evs = of_db(events_after(client, start), db)
    assert [e.eventType for e in evs] == ["ALTER_TABLE"]
    e, m = one(evs, "ALTER_TABLE")
    assert (e.dbName, e.tableName, m["isTruncateOp"]) == (db, "t", "true")
    # Hive hands the same object as before and after: the table reset
    before, after = decode(Table, m["tableObjBeforeJson"]), decode(Table, m["tableObjAfterJson"])
    assert before == after
    assert (after.parameters["numRows"], after.parameters["totalSize"]) == ("0", "0")
    assert after.parameters["COLUMN_STATS_ACCURATE"] == '{"BASIC_STATS":"true"}'
    assert client.get_table(db, "t").parameters["numRows"] == "0"
    client.drop_database(db, True, True)


def test_truncate_partitions_writes_alter_partition_each(client):
    db = unique("ntt")
    client.create_database(Database(name=db))
    client.create_table(make_table(db, "t", parts=[FieldSchema("ds", "string", None)]))
    ps = [part(db, "t", [v]) for v in ("a", "b", "c")]
    for p in ps:
        p.parameters = {"numRows": "5"}
    client.add_partitions(ps)
    start = client.get_current_notificationEventId().eventId
    client.truncate_table_req(TruncateTableRequest(dbName=db, tableName="t",
                                                   partNames=["ds=a", "ds=c"]))
    evs = of_db(events_after(client, start), db)
    assert [e.eventType for e in evs] == ["ALTER_PARTITION", "ALTER_PARTITION"]
    msgs = [json.loads(e.message) for e in evs]
    assert [m["keyValues"] for m in msgs] == [{"ds": "a"}, {"ds": "c"}]
    for m in msgs:
        assert m["isTruncateOp"] == "true"
        after = decode(Partition, m["partitionObjAfterJson"])
        assert after == decode(Partition, m["partitionObjBeforeJson"])
        assert after.parameters["numRows"] == "0"
    assert client.get_partition(db, "t", ["b"]).parameters["numRows"] == "5"
    # all partitions when none are named
    start = client.get_current_notificationEventId().eventId
    client.truncate_table(db, "t", None)
    assert [json.loads(e.message)["keyValues"]["ds"]
            for e in of_db(events_after(client, start), db)] == ["a", "b", "c"]
    client.drop_database(db, True, True)


def test_embedded_table_is_thrift_json_of_the_stored_table(client):
    """tableObjJson is TJSONProtocol's text of the table as stored: Python's
    TJSONProtocol writes the same bytes for the object it decodes."""
    start = client.get_current_notificationEventId().eventId
    db = unique("ntj")
    client.create_database(Database(name=db))
    client.create_table(make_table(db, "t", params={"q": 'a"b\\c\n\u00e9'}))
    e, m = one(of_db(events_after(client, start), db), "CREATE_TABLE")
    t = decode(Table, m["tableObjJson"])
    assert t.parameters["q"] == 'a"b\\c\n\u00e9'
    # Python sets optional fields with defaults (temporary=False) that the
    # server, like Java, leaves unset: unset them to compare the bytes
    if '"14":' not in m["tableObjJson"]:
        t.temporary = None
    assert encode(t) == m["tableObjJson"]
    client.drop_database(db, True, True)


def test_add_partition_and_create_table_list_their_files(server, client):
    """A managed table's or partition's directory that already holds files:
    its CREATE_TABLE "files" and ADD_PARTITION "partitionFiles" list them as
    Hive's DbNotificationListener does with change management off
    ("<location>/<name>###", hidden names left out); none for an external
    table or a directory the server made."""
    import os
    db = unique("ev_files")
    client.create_database(Database(name=db))
    loc = "file://%s/%s_pre" % (server.warehouse_dir, db)
    os.makedirs(loc[7:])
    for name in ("b.parquet", "a.parquet", "_SUCCESS", ".a.parquet.crc"):
        open(os.path.join(loc[7:], name), "w").write("x")
    os.makedirs(os.path.join(loc[7:], "ds=a"))
    for name in ("f2.parquet", "f1.parquet", "_tmp"):
        open(os.path.join(loc[7:], "ds=a", name), "w").write("xy")
    start = client.get_current_notificationEventId().eventId
    client.create_table(make_table(db, "t", location=loc, parts=[FieldSchema("ds", "string", None)]))
    e, m = one(of_db(events_after(client, start), db), "CREATE_TABLE")
    loc = client.get_table(db, "t").sd.location      # as stored: "file:/..." (Hadoop's form)
    assert m["files"] == [loc + "/a.parquet###", loc + "/b.parquet###"]

    mark = client.get_current_notificationEventId().eventId
    client.add_partitions([part(db, "t", ["a"]), part(db, "t", ["b"])])
    e, m = one(events_after(client, mark), "ADD_PARTITION")
    assert m["partitionFiles"] == [
        {"partitionName": "ds=a", "files": [loc + "/ds=a/f1.parquet###", loc + "/ds=a/f2.parquet###"]},
        {"partitionName": "ds=b", "files": []}]

    # an external table: nothing listed
    mark = client.get_current_notificationEventId().eventId
    client.create_table(make_table(db, "x", location=loc, ttype="EXTERNAL_TABLE",
                                   params={"EXTERNAL": "TRUE"},
                                   parts=[FieldSchema("ds", "string", None)]))
    client.add_partitions([part(db, "x", ["a"])])
    evs = events_after(client, mark)
    assert one(evs, "CREATE_TABLE")[1]["files"] == []
    assert one(evs, "ADD_PARTITION")[1]["partitionFiles"] == []
    client.drop_table(db, "x", False)
    client.drop_database(db, True, True)


def test_messages_of_a_few_kb_are_stored_compressed(server, client):
    """sql/014: a CREATE_TABLE message of 2 to 8 KB (a table of a few dozen
    columns) is compressed in its row, and reads back whole."""
    db = unique("ntzip")
    client.create_database(Database(name=db))
    last = client.get_current_notificationEventId().eventId
    cols = [FieldSchema("column_number_%d" % i, "decimal(18,4)", "the %d-th measure" % i)
            for i in range(60)]
    client.create_table(make_table(db, "wide", cols=cols))
    (ev,) = [e for e in events_after(client, last) if e.eventType == "CREATE_TABLE"]
    assert 2048 < len(ev.message) < 8192 * 2
    assert [c.name for c in decode(Table, json.loads(ev.message)["tableObjJson"]).sd.cols] == \
        [c.name for c in cols]
    stored, raw = server.pg.psql(server.db, "SELECT pg_column_size (message), octet_length (message) "
                                 "FROM ms_notification_log WHERE event_id = %d" % ev.eventId
                                 ).stdout.strip().split("|")
    assert int(raw) == len(ev.message.encode())
    assert int(stored) < int(raw) // 2, (stored, raw)
    client.drop_database(db, True, True)


def test_cascade_drop_logs_tables_and_functions(client):
    start = client.get_current_notificationEventId().eventId
    db = unique("ntc")
    client.create_database(Database(name=db))
    client.create_table(make_table(db, "a"))
    client.create_table(make_table(db, "b"))
    client.drop_database(db, False, True)
    evs = of_db(events_after(client, start), db)
    assert [e.eventType for e in evs][-3:] == ["DROP_TABLE", "DROP_TABLE", "DROP_DATABASE"]


def long_stats(db, table, part_name=None, col="id", high=9):
    from hive_metastore.ttypes import (ColumnStatistics, ColumnStatisticsData,
                                       ColumnStatisticsDesc, ColumnStatisticsObj,
                                       LongColumnStatsData)
    desc = ColumnStatisticsDesc(isTblLevel=part_name is None, dbName=db, tableName=table,
                                partName=part_name)
    data = ColumnStatisticsData(longStats=LongColumnStatsData(
        lowValue=1, highValue=high, numNulls=0, numDVs=3))
    return ColumnStatistics(statsDesc=desc, statsObj=[ColumnStatisticsObj("id", "bigint", data)],
                            engine="hive")


def test_column_statistics_events(client):
    """Hive's DbNotificationListener events of statistics changes: one
    UPDATE_*_COLUMN_STAT per table or partition written (set_aggr_stats_for
    too), one DELETE_*_COLUMN_STAT per column deleted (every column of the
    table when none is named, as Hive 4's DeleteColumnStatisticsHandler)."""
    from hive_metastore.ttypes import ColumnStatistics, SetPartitionsStatsRequest
    db = unique("nts")
    client.create_database(Database(name=db))
    client.create_table(make_table(db, "t"))
    client.create_table(make_table(db, "p", parts=[FieldSchema("ds", "string", None)]))
    client.add_partitions([part(db, "p", ["a"]), part(db, "p", ["b"])])
    start = client.get_current_notificationEventId().eventId

    sent = long_stats(db, "t")
    assert client.update_table_column_statistics(sent)
    e, m = one(events_after(client, start), "UPDATE_TABLE_COLUMN_STAT")
    assert (e.dbName, e.tableName) == (db, "t")
    assert (m["database"], m["writeId"]) == (db, -1) and "db" not in m
    got = decode(ColumnStatistics, m["colStatsJson"])
    assert got.statsObj == sent.statsObj
    assert (got.statsDesc.dbName, got.statsDesc.tableName, got.statsDesc.isTblLevel) == (db, "t", True)
    assert json.loads(m["parameters"]["COLUMN_STATS_ACCURATE"])["COLUMN_STATS"] == {"id": "true"}
    table = decode(Table, m["tableObjJson"])
    assert table.tableName == "t" and table.parameters == m["parameters"]
    assert table == client.get_table(db, "t")

    mark = client.get_current_notificationEventId().eventId
    sent = [long_stats(db, "p", "ds=a"), long_stats(db, "p", "ds=b", high=20)]
    assert client.set_aggr_stats_for(SetPartitionsStatsRequest(colStats=sent, engine="hive"))
    evs = events_after(client, mark)
    assert [e.eventType for e in evs] == ["UPDATE_PARTITION_COLUMN_STAT"] * 2
    for e, want, vals in zip(evs, sent, (["a"], ["b"])):
        m = json.loads(e.message)
        assert (e.tableName, m["catalog"], m["database"], m["partVals"]) == ("p", "hive", db, vals)
        got = decode(ColumnStatistics, m["colStatsJson"])
        assert got.statsObj == want.statsObj and got.statsDesc.partName == want.statsDesc.partName
        assert m["parameters"] == client.get_partition(db, "p", vals).parameters
        assert decode(Table, m["tableObjJson"]).tableName == "p"

    mark = client.get_current_notificationEventId().eventId
    assert client.update_partition_column_statistics(long_stats(db, "p", "ds=a", high=30))
    assert [e.eventType for e in events_after(client, mark)] == ["UPDATE_PARTITION_COLUMN_STAT"]

    mark = client.get_current_notificationEventId().eventId
    assert client.delete_partition_column_statistics(db, "p", "ds=a", "id", "hive")
    assert client.delete_table_column_statistics(db, "t", None, "hive")
    evs = events_after(client, mark)
    e, m = one(evs, "DELETE_PARTITION_COLUMN_STAT")
    assert (e.tableName, m["catalog"], m["database"], m["colName"], m["partName"],
            m["partValues"]) == ("p", "hive", db, "id", "ds=a", ["a"])
    deletes = [(e.tableName, json.loads(e.message)) for e in evs
               if e.eventType == "DELETE_TABLE_COLUMN_STAT"]
    assert [(t, m["database"], m["colName"]) for t, m in deletes] == [("t", db, "id"),
                                                                      ("t", db, "name")]
    assert all("catalog" not in m for _, m in deletes)

    # a refused statistics change writes nothing
    mark = client.get_current_notificationEventId().eventId
    with pytest.raises(Exception):
        client.update_table_column_statistics(long_stats(db, "missing"))
    with pytest.raises(Exception):
        client.delete_table_column_statistics(db, "t", "id", "hive")   # none left
    with pytest.raises(Exception):
        client.update_partition_column_statistics(long_stats(db, "p", "ds=zz"))
    assert client.get_current_notificationEventId().eventId == mark
    for name in ("t", "p"):
        client.drop_table(db, name, False)
    client.drop_database(db, False, False)


def test_delete_column_statistics_req_events(client):
    """One DELETE_PARTITION_COLUMN_STAT per column and partition (each
    column, then each partition, as Hive's DeleteColumnStatisticsHandler),
    one DELETE_TABLE_COLUMN_STAT per column of a table-level delete."""
    from hive_metastore.ttypes import DeleteColumnStatisticsRequest as Req
    db = unique("ev_delreq")
    client.create_database(Database(name=db))
    client.create_table(make_table(db, "p", parts=[FieldSchema("ds", "string", None)]))
    # added b first: every partition is taken in name order, as Hive lists them
    client.add_partitions([part(db, "p", ["b"])])
    client.add_partitions([part(db, "p", ["a"])])
    from hive_metastore.ttypes import (ColumnStatisticsData, ColumnStatisticsObj,
                                       StringColumnStatsData)
    name = ColumnStatisticsObj("name", "string", ColumnStatisticsData(
        stringStats=StringColumnStatsData(maxColLen=3, avgColLen=2.0, numNulls=0, numDVs=2)))
    for pn in ("ds=a", "ds=b", None):
        st = long_stats(db, "p", pn)
        st.statsObj.append(name)
        if pn is None:
            client.update_table_column_statistics(st)
        else:
            client.update_partition_column_statistics(st)
    mark = client.get_current_notificationEventId().eventId
    assert client.delete_column_statistics_req(Req(db_name=db, tbl_name="p",
                                                   col_names=["id", "name"]))
    evs = events_after(client, mark)
    got = [(e.eventType, m["colName"], m["partName"], m["partValues"], m["catalog"], m["database"])
           for e, m in ((e, json.loads(e.message)) for e in evs)]
    assert got == [("DELETE_PARTITION_COLUMN_STAT", c, "ds=" + v, [v], "hive", db)
                   for c in ("id", "name") for v in ("a", "b")]
    mark = client.get_current_notificationEventId().eventId
    assert client.delete_column_statistics_req(Req(db_name=db, tbl_name="p", tableLevel=True))
    evs = events_after(client, mark)
    assert [(e.eventType, json.loads(e.message)["colName"]) for e in evs] == \
        [("DELETE_TABLE_COLUMN_STAT", "id"), ("DELETE_TABLE_COLUMN_STAT", "name")]
    # nothing deleted, nothing logged
    mark = client.get_current_notificationEventId().eventId
    with pytest.raises(Exception):
        client.delete_column_statistics_req(Req(db_name=db, tbl_name="p", col_names=["id"]))
    assert client.get_current_notificationEventId().eventId == mark
    client.drop_table(db, "p", False)
    client.drop_database(db, False, False)


def test_catalog_changes_log_their_default_database(client, tmp_path):
    """Hive writes no CREATE/ALTER/DROP_CATALOG to its log: HMSHandler
    notifies its transactional listeners, but DbNotificationListener
    (hcatalog/server-extensions) overrides no onCreateCatalog,
    onAlterCatalog or onDropCatalog. It creates and drops the catalog's
    default database through its database handlers, which log
    CREATE_DATABASE and DROP_DATABASE."""
    from hive_metastore.ttypes import (AlterCatalogRequest, Catalog, CreateCatalogRequest,
                                       DropCatalogRequest)
    cat = unique("ntc")
    start = client.get_current_notificationEventId().eventId
    client.create_catalog(CreateCatalogRequest(Catalog(name=cat, locationUri="file://%s/a" % tmp_path)))
    mark = client.get_current_notificationEventId().eventId
    client.alter_catalog(AlterCatalogRequest(
        name=cat, newCat=Catalog(name=cat, description="d", locationUri="file://%s/b" % tmp_path)))
    assert client.get_current_notificationEventId().eventId == mark
    client.drop_catalog(DropCatalogRequest(name=cat))
    evs = [e for e in events_after(client, start) if e.catName == cat]
    assert [(e.eventType, e.dbName) for e in evs] == [("CREATE_DATABASE", "default"),
                                                      ("DROP_DATABASE", "default")]
    created = decode(Database, json.loads(evs[0].message)["dbJson"])
    assert (created.name, created.catalogName) == ("default", cat)
    assert json.loads(evs[1].message)["db"] == "default"


def test_failed_change_writes_no_event(client):
    db = unique("ntf")
    client.create_database(Database(name=db))
    before = client.get_current_notificationEventId().eventId
    with pytest.raises(Exception):
        client.create_database(Database(name=db))
    with pytest.raises(Exception):
        client.drop_table(db, "missing", False)
    assert client.get_current_notificationEventId().eventId == before
    # an add whose INSERT fails (one partition there already): its event was
    # written while PostgreSQL ran the INSERT, in the same pipeline, and is
    # rolled back with it; the connection serves the next add
    from hive_metastore.ttypes import AlreadyExistsException
    client.create_table(make_table(db, "t", parts=[FieldSchema("ds", "string", None)]))
    client.add_partitions([part(db, "t", ["a"])])
    before = client.get_current_notificationEventId().eventId
    for _ in range(3):
        with pytest.raises(AlreadyExistsException):
            client.add_partitions([part(db, "t", ["b"]), part(db, "t", ["a"])])
    assert client.get_current_notificationEventId().eventId == before
    assert client.get_partition_names(db, "t", -1) == ["ds=a"]
    client.add_partitions([part(db, "t", ["b"])])
    e, m = one(events_after(client, before), "ADD_PARTITION")
    assert m["partitions"] == [{"ds": "b"}]
    client.drop_database(db, True, True)


def test_filters_and_count(client):
    start = client.get_current_notificationEventId().eventId
    db = unique("ntq")
    client.create_database(Database(name=db))
    for name in ("x", "y"):
        client.create_table(make_table(db, name))
    t = client.get_table(db, "x")
    t.parameters["z"] = "1"
    client.alter_table(db, "x", t)
    got = lambda **kw: [(e.eventType, e.tableName)
                        for e in events_after(client, start, dbName=db, **kw)]
    assert got(tableNames=["x"]) == [("CREATE_TABLE", "x"), ("ALTER_TABLE", "x")]
    assert got(eventTypeSkipList=["CREATE_TABLE"]) == [("CREATE_DATABASE", None),
                                                       ("ALTER_TABLE", "x")]
    assert got(eventTypeList=["ALTER_TABLE"]) == [("ALTER_TABLE", "x")]
    assert got(catName="other") == []
    assert len(got(maxEvents=2)) == 2
    count = lambda **kw: client.get_notification_events_count(
        NotificationEventsCountRequest(fromEventId=start, dbName=db, **kw)).eventsCount
    assert count() == 4
    assert count(catName="hive", tableNames=["y"]) == 1
    assert count(limit=2) == 2
    first = events_after(client, start, dbName=db)[0].eventId
    assert count(toEventId=first) == 1
    client.drop_database(db, False, True)


def test_config_values_clients_check(client):
    assert client.get_config_value("hive.metastore.dml.events", "") == "true"
    assert client.get_config_value("metastore.catalog.default", "") == "hive"
    assert client.get_config_value("hive.metastore.event.db.notification.api.auth",
                                   "") == "false"


def test_rest_changes_are_logged(server, client):
    rest = Rest(server.rest_port)
    start = client.get_current_notificationEventId().eventId
    ns = unique("ntr")
    create_namespace(rest, ns)
    create_table(rest, ns, "t")
    commit(rest, ns, "t", [{"action": "set-properties", "updates": {"via": "rest"}}])
    rest.call_full("POST", rest.v1("namespaces/%s/properties" % ns),
                   body={"updates": {"p": "1"}, "removals": []})
    rest.call_full("POST", rest.v1("tables/rename"),
                   body={"source": {"namespace": [ns], "name": "t"},
                         "destination": {"namespace": [ns], "name": "u"}})
    rest.call_full("DELETE", rest.v1("namespaces/%s/tables/u" % ns))
    rest.call_full("DELETE", rest.v1("namespaces/%s" % ns))
    evs = of_db(events_after(client, start), ns)
    types = [e.eventType for e in evs]
    assert types == ["CREATE_DATABASE", "CREATE_TABLE", "ALTER_TABLE", "ALTER_DATABASE",
                     "ALTER_TABLE", "DROP_TABLE", "DROP_DATABASE"], types
    # the commit is Hive's ALTER_TABLE with the Hive table objects
    m = json.loads(evs[2].message)
    before, after = decode(Table, m["tableObjBeforeJson"]), decode(Table, m["tableObjAfterJson"])
    assert after.parameters["via"] == "rest" and "via" not in before.parameters
    assert after.parameters["table_type"].upper() == "ICEBERG"
    assert (after.parameters["previous_metadata_location"]
            == before.parameters["metadata_location"])
    # the rename: names after
    m = json.loads(evs[4].message)
    assert decode(Table, m["tableObjAfterJson"]).tableName == "u"
    assert decode(Table, m["tableObjBeforeJson"]).tableName == "t"


def test_log_off_writes_nothing(metastore_factory):
    srv = metastore_factory(sets=["notifications.enabled=false"])
    c = srv.client()
    try:
        start = c.get_current_notificationEventId().eventId
        db = unique("ntoff")
        c.create_database(Database(name=db))
        c.create_table(make_table(db, "t"))
        assert c.get_current_notificationEventId().eventId == start
        assert c.get_config_value("hive.metastore.dml.events", "") == "false"
        c.drop_database(db, False, True)
    finally:
        c.close()


def test_ttl_cleaner_deletes_old_events(metastore_factory):
    srv = metastore_factory(sets=["notifications.ttl=1", "notifications.clean_interval=1"])
    c = srv.client()
    try:
        db = unique("ntttl")
        c.create_database(Database(name=db))
        deadline = time.time() + 20
        while time.time() < deadline and of_db(events_after(c, 0), db):
            time.sleep(0.5)
        assert of_db(events_after(c, 0), db) == []
        # the sequence goes on: ids are never reused
        last = c.get_current_notificationEventId().eventId
        c.drop_database(db, False, False)
        assert c.get_current_notificationEventId().eventId == last + 1
    finally:
        c.close()


def test_a_change_is_visible_on_another_replica_once_its_reply_came(pg, metastore_factory):
    """A change and its event travel with COMMIT in one pipeline; the reply
    leaves only after PostgreSQL answered the COMMIT, so the very next read
    on another replica sees the event (and the table)."""
    dbname = pg.createdb()
    a = metastore_factory(db=dbname)
    b = metastore_factory(db=dbname)
    db = unique("ntvis")
    ca, cb = a.client(), b.client()
    ca.create_database(Database(name=db))
    for i in range(30):
        last = cb.get_current_notificationEventId().eventId
        name = "t%d" % i
        ca.create_table(make_table(db, name))
        evs = events_after(cb, last)
        assert [(e.eventType, e.tableName) for e in evs] == [("CREATE_TABLE", name)]
        assert cb.get_table(db, name).id == decode(Table, json.loads(evs[0].message)["tableObjJson"]).id
        ca.drop_table(db, name, True)
        evs = events_after(cb, evs[0].eventId)
        assert [(e.eventType, e.tableName) for e in evs] == [("DROP_TABLE", name)]
    ca.drop_database(db, False, True)
    ca.close()
    cb.close()


def test_two_replicas_never_let_a_poller_miss_an_event(pg, metastore_factory):
    """Two servers on one PostgreSQL database, four writers each; a poller
    asks for events after the last id it saw, over and over. Every event
    it ends up with must have been seen in id order with no id skipped
    (an event that appeared later with a smaller id would be missed)."""
    dbname = pg.createdb()
    a = metastore_factory(db=dbname)
    b = metastore_factory(db=dbname)
    db = unique("ntrep")
    ca = a.client()
    ca.create_database(Database(name=db))
    start = ca.get_current_notificationEventId().eventId
    stop = threading.Event()
    errors = []

    def writer(srv, tag):
        c = srv.client()
        try:
            for i in range(25):
                c.create_table(make_table(db, "%s_%d" % (tag, i)))
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
        finally:
            c.close()

    seen = []

    def poller():
        c = b.client()
        last = start
        try:
            while True:
                # Every writer had its last reply before a request sent
                # after 'stop', and a reply leaves only after PostgreSQL
                # answered the COMMIT: such a request sees every event. (A
                # request sent before 'stop' may answer from a snapshot
                # older than the last commits: not the end.)
                after_writers = stop.is_set()
                evs = events_after(c, last, maxEvents=7)
                for e in evs:
                    if e.eventId != last + 1:
                        errors.append("gap: %d after %d" % (e.eventId, last))
                    last = e.eventId
                    seen.append(e.eventId)
                if after_writers and not evs:
                    break
        finally:
            c.close()

    threads = [threading.Thread(target=writer, args=(s, "%s%d" % (n, k)))
               for s, n in ((a, "a"), (b, "b")) for k in range(4)]
    p = threading.Thread(target=poller)
    p.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    stop.set()
    p.join(60)
    assert not errors, errors[:5]
    assert len(seen) == 200
    assert seen == list(range(start + 1, start + 201))
    ca.drop_database(db, False, True)
    ca.close()
