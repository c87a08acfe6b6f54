"""Impala's catalogd replayed: the metastore calls it makes at start, on a
CREATE TABLE, on a table load, on an INSERT and in its event poll, in its
order and with its arguments, made here with the generated Python client.

Impala cannot run on these machines (no binary release; catalogd needs its
C++ backend, HDFS and the Impala build). The sequence is read from Impala's
own code, apache/impala at b21595276c6c (2026-08), and each step names the
file and method it comes from (paths under fe/src/main/java/org/apache/impala/
unless they start with fe/ or be/). Impala talks to the metastore through
Hive 3.1's HiveMetaStoreClient, so where a step goes through that client the
wire call is what that client sends (get_table_req for getTable, "@hive#db"
names for listPartitionNames and getPartitionsByNames, catName set on the
constraint and statistics requests).

Each step checks what Impala's code then does with the answer: the
configuration it validates, the events its MetastoreEventFactory parses
(with Hive's MessageDeserializer, here: the same JSON, its embedded Thrift
objects read with TJSONProtocol), the constraints it keeps.
"""
import json
import uuid

import pytest
from thrift.protocol import TJSONProtocol
from thrift.transport import TTransport

from conftest import unique
from hive_metastore.ttypes import (ClientCapabilities, ClientCapability, Database,
                                   FieldSchema, FireEventRequest, FireEventRequestData,
                                   ForeignKeysRequest, Function, GetTableRequest,
                                   InsertEventRequestData, NotificationEventRequest, Partition,
                                   PrimaryKeysRequest, ResourceUri, SQLForeignKey,
                                   SQLPrimaryKey, Table, TableStatsRequest)
from test_tables import make_table

CAT = "hive"
# be/src/catalog/catalog-server.cc, flag default_skipped_hms_event_types
DEFAULT_SKIPPED = ["OPEN_TXN", "UPDATE_TBL_COL_STAT_EVENT", "UPDATE_PART_COL_STAT_EVENT"]
# be/src/catalog/catalog-server.cc, flag common_hms_event_types
COMMON_TYPES = ("ADD_PARTITION,ALTER_PARTITION,DROP_PARTITION,ALTER_PARTITIONS,CREATE_TABLE,"
                "ALTER_TABLE,DROP_TABLE,RELOAD,COMMIT_COMPACTION_EVENT,CREATE_DATABASE,"
                "ALTER_DATABASE,DROP_DATABASE,INSERT,OPEN_TXN,COMMIT_TXN,ABORT_TXN,"
                "ALLOC_WRITE_ID_EVENT,ACID_WRITE_EVENT,BATCH_ACID_WRITE_EVENT,"
                "UPDATE_TBL_COL_STAT_EVENT,DELETE_TBL_COL_STAT_EVENT,UPDATE_PART_COL_STAT_EVENT,"
                "UPDATE_PART_COL_STAT_EVENT_BATCH,DELETE_PART_COL_STAT_EVENT").split(",")
# MetastoreEventsProcessor.EVENTS_BATCH_SIZE_PER_RPC
BATCH = 1000
# Hive3MetastoreShimBase.IMPALA_SUPPORTED_TABLE_TYPES
SUPPORTED_TYPES = {"EXTERNAL_TABLE", "MANAGED_TABLE", "VIRTUAL_VIEW", "MATERIALIZED_VIEW"}
# Hive 3.1 HiveMetaStoreClient: the capabilities it sends with get_table_req
HIVE3_CAPABILITIES = ClientCapabilities(values=[ClientCapability.INSERT_ONLY_TABLES])


def thrift_obj(cls, text):
    """An object embedded in a message (Hive writes it with TJSONProtocol)."""
    obj = cls()
    obj.read(TJSONProtocol.TJSONProtocol(TTransport.TMemoryBuffer(text.encode())))
    return obj


def message(event):
    """What MetastoreShim.getMessageDeserializer() reads: Hive's default
    encoder (JSONMessageEncoder, format json-0.2), never gzip."""
    assert event.messageFormat == "json-0.2", event
    return json.loads(event.message)


def next_events(client, last, skip, **filters):
    """MetastoreShim.getNextNotification (fe/src/compat-hive-3/...): the
    thrift client's get_next_notification, the skip list set; catName is
    unset unless the skip list names both COMMIT_COMPACTION_EVENT and
    ALLOC_WRITE_ID_EVENT (HIVE-28912)."""
    rq = NotificationEventRequest(lastEvent=last, eventTypeSkipList=skip, **filters)
    if rq.catName and not (skip and "COMMIT_COMPACTION_EVENT" in skip
                           and "ALLOC_WRITE_ID_EVENT" in skip):
        rq.catName = None
    return client.get_next_notification(rq).events


def events_for_table(client, from_id, db, table, event_type):
    """MetastoreEventsProcessor.getNextMetastoreEventsInBatchesForTable ->
    getNextMetastoreEventsWithFilterInBatches: batches up to the current id,
    the request filtered by catalog, database and table
    (MetastoreShim.setNotificationEventRequestWithFilter), every common type
    but the wanted one skipped, then Impala's own filter."""
    to_id = client.get_current_notificationEventId().eventId
    skip = [t for t in COMMON_TYPES if t != event_type]
    out, current = [], from_id
    while current < to_id:
        got = next_events(client, current, skip, maxEvents=min(BATCH, to_id - current),
                          catName=CAT, dbName=db, tableNames=[table])
        if not got:
            break
        for e in got:
            assert e.eventId > current, "ids go up"
            if (e.eventType == event_type and (e.catName or CAT).lower() == CAT
                    and e.dbName.lower() == db.lower() and e.tableName.lower() == table.lower()):
                out.append(e)
            current = e.eventId
    return out


def event_time(client, event_id):
    """MetastoreEventsProcessor.getEventTimeFromHMS -> getEventFromHMS: the
    one event after id - 1, no skip list."""
    got = next_events(client, event_id - 1, None, maxEvents=1)
    return got[0].eventTime if got else 0


def impala_table(db, name, parts=()):
    """The table Impala's CREATE TABLE sends (CatalogOpExecutor.createTable)."""
    return make_table(db, name, cols=[FieldSchema("id", "int", None),
                                      FieldSchema("note", "string", None)],
                      parts=[FieldSchema(p, "string", None) for p in parts], ttype="EXTERNAL_TABLE",
                      params={"EXTERNAL": "TRUE"})


@pytest.fixture
def history(client):
    """What was there before catalogd started: a database with a function, a
    partitioned table with partitions (written by others)."""
    db = unique("imp")
    client.create_database(Database(name=db, description="before", parameters={}))
    client.create_table(impala_table(db, "old", parts=["ds"]))
    t = client.get_table(db, "old")
    for ds in ("2024", "2025"):
        client.add_partition(Partition(values=[ds], dbName=db, tableName="old", sd=t.sd,
                                       parameters={}))
    client.create_function(Function(functionName="f", dbName=db, className="a.B", ownerName="x",
                                    ownerType=1, createTime=0, functionType=1,
                                    resourceUris=[ResourceUri(1, "file:///f.jar")]))
    return db


def test_catalogd_start(client, history):
    db = history
    # service/JniCatalog.getEventsProcessor: the id events are synced from
    start_id = client.get_current_notificationEventId().eventId
    assert start_id >= 5
    # MetastoreEventsProcessor.<init> -> validateConfigs: the two keys of
    # MetastoreEventProcessorConfig, default "", compared ignoring case
    # (DefaultConfigValidator.validate); a mismatch stops catalogd
    assert client.get_config_value("hive.metastore.dml.events", "").lower() == "true"
    assert client.get_config_value("metastore.catalog.default", "").lower() == CAT
    # MetastoreEventsProcessor.<init> -> getEventTimeFromHMS(startSyncFromId)
    assert event_time(client, start_id) > 0
    # CatalogServiceCatalog.reset: the current id, then every database
    reset_id = client.get_current_notificationEventId().eventId
    assert reset_id == start_id
    assert db in client.get_all_databases()
    # CatalogServiceCatalog (prefetching a database's objects, as refreshFunctions
    # does): the database, its Java functions one by one, its table names
    # (getTableMetaFromHive with pull_table_types_and_comments=false)
    assert client.get_database(db).description == "before"
    names = client.get_functions(db, "*")
    assert names == ["f"]
    assert client.get_function(db, "f").className == "a.B"
    assert client.get_all_tables(db) == ["old"]


def test_event_poll(client, history):
    db = history
    last = client.get_current_notificationEventId().eventId
    # changes by another engine
    client.create_table(impala_table(db, "made"))
    t = client.get_table(db, "made")
    t.parameters["k"] = "v"
    client.alter_table(db, "made", t)
    old = client.get_table(db, "old")
    client.add_partition(Partition(values=["2026"], dbName=db, tableName="old", sd=old.sd,
                                   parameters={}))
    client.drop_partition(db, "old", ["2024"], False)
    # MetastoreEventsProcessor.processEvents: the current id first
    current = client.get_current_notificationEventId().eventId
    assert current == last + 4
    # -> getNextMetastoreEvents(lastSyncedEventId, currentEventId, false, null):
    # one batch of EVENTS_BATCH_SIZE_PER_RPC, the default skip list, no filter
    events = next_events(client, last, DEFAULT_SKIPPED, maxEvents=BATCH)
    assert [e.eventId for e in events] == list(range(last + 1, current + 1))
    assert [e.eventType for e in events] == ["CREATE_TABLE", "ALTER_TABLE", "ADD_PARTITION",
                                             "DROP_PARTITION"]
    # -> processEvents(currentEventId, events): the latest event's time
    assert event_time(client, current) >= events[0].eventTime > 0
    # MetastoreEvents.MetastoreEvent: dbName must be set, catName is read
    assert all(e.dbName == db and e.catName == CAT for e in events)
    # MetastoreEvents.CreateTableEvent: getCreateTableMessage(..).getTableObj()
    made = thrift_obj(Table, message(events[0])["tableObjJson"])
    assert (made.dbName, made.tableName, made.tableType) == (db, "made", "EXTERNAL_TABLE")
    # MetastoreEvents.AlterTableEvent: getTableObjBefore/After, both non-null
    m = message(events[1])
    before = thrift_obj(Table, m["tableObjBeforeJson"])
    after = thrift_obj(Table, m["tableObjAfterJson"])
    assert "k" not in before.parameters and after.parameters["k"] == "v"
    # MetastoreEvents.AddPartitionEvent: getPartitionObjs(), getTableObj()
    m = message(events[2])
    assert [thrift_obj(Partition, p).values for p in m["partitionListJson"]] == [["2026"]]
    assert thrift_obj(Table, m["tableObjJson"]).tableName == "old"
    # MetastoreEvents.DropPartitionEvent: getTableObj() and the dropped values
    m = message(events[3])
    assert thrift_obj(Table, m["tableObjJson"]).tableName == "old"
    assert m["partitions"] == [{"ds": "2024"}]
    # nothing new: processEvents stops at the current id
    assert next_events(client, current, DEFAULT_SKIPPED, maxEvents=BATCH) == []


def test_create_table_then_load(client, history):
    db = history
    pk_name = str(uuid.uuid4())   # analysis/TableDef.generateConstraintName
    # service/CatalogOpExecutor.createTable: the current id, then
    # Hive3MetastoreShimBase.createTableWithConstraints (the other four lists null)
    event_id = client.get_current_notificationEventId().eventId
    client.create_table_with_constraints(
        impala_table(db, "parent"),
        [SQLPrimaryKey(db, "parent", "id", 1, pk_name, False, False, True)], [], None, None,
        None, None)
    fk_name = str(uuid.uuid4())
    child = impala_table(db, "child", parts=["ds"])
    client.create_table_with_constraints(
        child, [], [SQLForeignKey(pktable_db=db, pktable_name="parent", pkcolumn_name="id",
                                  fktable_db=db, fktable_name="child", fkcolumn_name="id",
                                  key_seq=1, update_rule=0, delete_rule=0, fk_name=fk_name,
                                  enable_cstr=False, validate_cstr=False, rely_cstr=False)],
        None, None, None, None)
    # -> getNextMetastoreEventsForTableIfEnabled(.., CREATE_TABLE) -> getTableFromEvents:
    # the last CREATE_TABLE event of the table, its table object
    events = events_for_table(client, event_id, db, "child", "CREATE_TABLE")
    assert len(events) == 1
    created = thrift_obj(Table, message(events[0])["tableObjJson"])
    assert created.tableName == "child" and created.sd.location
    client.add_partition(Partition(values=["2025"], dbName=db, tableName="child",
                                   sd=created.sd, parameters={}))

    # catalog/TableLoader.load: getTable (Hive 3.1's client: get_table_req)
    tbl = client.get_table_req(GetTableRequest(dbName=db, tblName="child", catName=CAT,
                                               capabilities=HIVE3_CAPABILITIES)).table
    assert tbl.tableType in SUPPORTED_TYPES
    # catalog/HdfsTable.load: the null partition key value (MetaStoreUtil
    # .getNullPartitionKeyValue), column statistics for every column
    # (Table.loadAllColumnStats, engine "impala"), then loadConstraintsInfo
    assert client.get_config_value("hive.exec.default.partition.name",
                                   "__HIVE_DEFAULT_PARTITION__") == "__HIVE_DEFAULT_PARTITION__"
    stats = client.get_table_statistics_req(TableStatsRequest(
        dbName=db, tblName="child", colNames=[c.name for c in tbl.sd.cols], catName=CAT,
        engine="impala")).tableStats
    assert stats == []
    pks = client.get_primary_keys(PrimaryKeysRequest(db, "child", catName=CAT)).primaryKeys
    fks = client.get_foreign_keys(ForeignKeysRequest(None, None, db, "child",
                                                     catName=CAT)).foreignKeys
    assert pks == []
    assert [(f.pktable_name, f.pkcolumn_name, f.fkcolumn_name, f.fk_name, f.pk_name)
            for f in fks] == [("parent", "id", "id", fk_name, pk_name)]
    parent_pks = client.get_primary_keys(PrimaryKeysRequest(db, "parent", catName=CAT)).primaryKeys
    assert [(k.column_name, k.key_seq, k.pk_name, k.rely_cstr) for k in parent_pks] == \
        [("id", 1, pk_name, True)]
    # -> MetaStoreUtil.fetchAllPartitions: the names, then the partitions by
    # name in batches (refetched if one comes back with empty values)
    names = client.get_partition_names("@%s#%s" % (CAT, db), "child", -1)
    assert names == ["ds=2025"]
    parts = client.get_partitions_by_names("@%s#%s" % (CAT, db), "child", names)
    assert [p.values for p in parts] == [["2025"]]


def test_insert_events(client, history):
    db = history
    # service/CatalogOpExecutor (after an INSERT) -> MetastoreShim.fireInsertEvents
    # -> fireInsertEventHelper: one partition -> insertData with partitionVals
    # on the request; several -> insertDatas, each with its partitionVal
    one = InsertEventRequestData(replace=False, filesAdded=["file:///w/old/ds=2024/a.parq"],
                                 partitionVal=["2024"])
    rq = FireEventRequest(successful=True, data=FireEventRequestData(insertData=one),
                          dbName=db, tableName="old", partitionVals=["2024"], catName=CAT)
    before = client.get_current_notificationEventId().eventId
    ids = client.fire_listener_event(rq).eventIds
    assert ids == [before + 1]
    many = [InsertEventRequestData(replace=True, filesAdded=["file:///w/old/ds=%s/b.parq" % ds],
                                   partitionVal=[ds]) for ds in ("2024", "2025")]
    rq = FireEventRequest(successful=True, data=FireEventRequestData(insertDatas=many),
                          dbName=db, tableName="old", catName=CAT)
    ids += client.fire_listener_event(rq).eventIds
    assert ids == [before + 1, before + 2, before + 3]
    # MetastoreEventsProcessor.processEvents: the INSERT events, each read by
    # MetastoreEvents.InsertEvent (getTableObj() non-null, getPtnObj());
    # Impala skips its own by these ids (self-event detection)
    events = next_events(client, before, DEFAULT_SKIPPED, maxEvents=BATCH)
    assert [(e.eventId, e.eventType) for e in events] == [(i, "INSERT") for i in ids]
    got = []
    for e in events:
        m = message(e)
        assert thrift_obj(Table, m["tableObjJson"]).tableName == "old"
        got.append((thrift_obj(Partition, m["ptnObjJson"]).values, m["replace"], m["files"]))
    assert [(v, r) for v, r, _ in got] == [(["2024"], "false"), (["2024"], "true"),
                                           (["2025"], "true")]
    assert got[2][2][0].startswith("file:///w/old/ds=2025/b.parq")
