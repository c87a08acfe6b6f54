/*
 * HiveClientChecks: Apache Hive 4.1's own metastore client
 * (HiveMetaStoreClient from hive-standalone-metastore-common) against this
 * server, one named check per HMS behaviour a Hive client relies on.
 *
 * Run: java -cp <classes>:<jars of downloads.lock set hive-client>
 *        HiveClientChecks thrift://127.0.0.1:PORT CHECK...
 * Prints one line per check, "PASS <name>" or "FAIL <name>: <why>", and
 * exits 0 when every named check passed. tests/engines/test_hive_client.py
 * compiles this file (javac, into the engine cache, not the checkout),
 * starts the server and runs each check as its own test case.
 *
 * Adding a check: write a `static void name(IMetaStoreClient c) throws
 * Exception` below that throws (check(...) or any exception) when the
 * server answers wrongly, then add "name" to CHECKS in
 * tests/engines/test_hive_client.py. Each check makes its own database
 * (db(c, "prefix")) so checks are independent; the fixtures create()
 * and part() build tables and partitions the way Hive does.
 *
 * Sections: Hive 4.1's request forms, Kryo expressions, HiveServer2's
 * background calls, the notification log (messages read back with Hive's
 * MessageFactory / JSONMessageDeserializer from hive-exec), constraints,
 * roles and privileges, get_config_value.
 */
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hive.metastore.HiveMetaStoreClient;
import org.apache.hadoop.hive.metastore.IMetaStoreClient;
import org.apache.hadoop.hive.metastore.api.*;
import org.apache.hadoop.hive.metastore.messaging.AddCheckConstraintMessage;
import org.apache.hadoop.hive.metastore.messaging.AddDefaultConstraintMessage;
import org.apache.hadoop.hive.metastore.messaging.AddForeignKeyMessage;
import org.apache.hadoop.hive.metastore.messaging.AddNotNullConstraintMessage;
import org.apache.hadoop.hive.metastore.messaging.AddPartitionMessage;
import org.apache.hadoop.hive.metastore.messaging.AddPrimaryKeyMessage;
import org.apache.hadoop.hive.metastore.messaging.AddUniqueConstraintMessage;
import org.apache.hadoop.hive.metastore.messaging.AlterTableMessage;
import org.apache.hadoop.hive.metastore.messaging.CreateTableMessage;
import org.apache.hadoop.hive.metastore.messaging.DeletePartitionColumnStatMessage;
import org.apache.hadoop.hive.metastore.messaging.DeleteTableColumnStatMessage;
import org.apache.hadoop.hive.metastore.messaging.DropConstraintMessage;
import org.apache.hadoop.hive.metastore.messaging.EventMessage;
import org.apache.hadoop.hive.metastore.messaging.InsertMessage;
import org.apache.hadoop.hive.metastore.messaging.MessageDeserializer;
import org.apache.hadoop.hive.metastore.messaging.MessageFactory;
import org.apache.hadoop.hive.metastore.messaging.event.filters.AndFilter;
import org.apache.hadoop.hive.metastore.messaging.event.filters.DatabaseAndTableFilter;
import org.apache.hadoop.hive.metastore.messaging.event.filters.EventBoundaryFilter;

public final class HiveClientChecks {
  private HiveClientChecks() {}

  // ---- fixtures ----

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  static String db(IMetaStoreClient c, String prefix) throws Exception {
    String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Database d = new Database(name, null, null, new HashMap<>());
    c.createDatabase(d);
    return name;
  }

  /** A parquet table with columns id, name and partition keys ds string, hr int. */
  static Table create(IMetaStoreClient c, String db, String name) throws Exception {
    StorageDescriptor sd = new StorageDescriptor();
    sd.setCols(Arrays.asList(new FieldSchema("id", "bigint", null),
        new FieldSchema("name", "string", null)));
    sd.setInputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat");
    sd.setOutputFormat("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat");
    SerDeInfo serde = new SerDeInfo();
    serde.setSerializationLib("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    serde.setParameters(new HashMap<>());
    sd.setSerdeInfo(serde);
    sd.setBucketCols(new ArrayList<>());
    sd.setSortCols(new ArrayList<>());
    sd.setParameters(new HashMap<>());
    Table t = new Table();
    t.setDbName(db);
    t.setTableName(name);
    t.setOwner("hive");
    t.setSd(sd);
    t.setPartitionKeys(Arrays.asList(new FieldSchema("ds", "string", null),
        new FieldSchema("hr", "int", null)));
    t.setParameters(new HashMap<>());
    t.setTableType("MANAGED_TABLE");
    c.createTable(t);
    return c.getTable(db, name);
  }

  static void part(IMetaStoreClient c, Table t, String... values) throws Exception {
    Partition p = new Partition();
    p.setDbName(t.getDbName());
    p.setTableName(t.getTableName());
    p.setValues(Arrays.asList(values));
    StorageDescriptor sd = new StorageDescriptor(t.getSd());
    sd.setLocation(null);
    p.setSd(sd);
    p.setParameters(new HashMap<>());
    c.add_partition(p);
  }

  static Table filled(IMetaStoreClient c, String prefix) throws Exception {
    Table t = create(c, db(c, prefix), "t");
    part(c, t, "a", "1");
    part(c, t, "a", "2");
    part(c, t, "b", "1");
    return t;
  }

  // ---- Hive 4.1's request forms ----

  /** listPartitionsByFilter: get_partitions_by_filter_req in Hive 4.1 */
  static void partitionsByFilterReq(IMetaStoreClient c) throws Exception {
    Table t = filled(c, "hc_filter");
    List<Partition> ps = c.listPartitionsByFilter(t.getDbName(), "t", "ds = \"a\"", (short) -1);
    check(ps.size() == 2 && ps.get(0).getValues().equals(Arrays.asList("a", "1")), "by filter: " + ps);
  }

  /** listPartitionNames: fetch_partition_names_req in Hive 4.1 */
  static void fetchPartitionNamesReq(IMetaStoreClient c) throws Exception {
    Table t = filled(c, "hc_names");
    List<String> names = c.listPartitionNames(t.getDbName(), "t", (short) -1);
    check(names.equals(Arrays.asList("ds=a/hr=1", "ds=a/hr=2", "ds=b/hr=1")), "names: " + names);
  }

  /** appendPartition by values and by name: append_partition_req in Hive 4.1 */
  static void appendPartitionReq(IMetaStoreClient c) throws Exception {
    Table t = filled(c, "hc_append");
    Partition p = c.appendPartition(t.getDbName(), "t", Arrays.asList("c", "3"));
    check(p.getValues().equals(Arrays.asList("c", "3")), "appended " + p.getValues());
    p = c.appendPartition(t.getDbName(), "t", "ds=d/hr=4");
    check(p.getValues().equals(Arrays.asList("d", "4")), "appended by name " + p.getValues());
    check(c.listPartitionNames(t.getDbName(), "t", (short) -1).size() == 5, "five partitions");
  }

  /** dropPartition: drop_partition_req in Hive 4.1 */
  static void dropPartitionReq(IMetaStoreClient c) throws Exception {
    Table t = filled(c, "hc_drop");
    check(c.dropPartition(t.getDbName(), "t", Arrays.asList("a", "1"), true), "dropped");
    check(c.dropPartition(t.getDbName(), "t", "ds=b/hr=1", true), "dropped by name");
    List<String> names = c.listPartitionNames(t.getDbName(), "t", (short) -1);
    check(names.equals(Collections.singletonList("ds=a/hr=2")), "left: " + names);
    try {
      c.dropPartition(t.getDbName(), "t", Arrays.asList("a", "1"), true);
      check(false, "dropping a missing partition succeeded");
    } catch (NoSuchObjectException expected) {
      // Hive's answer
    }
  }

  /** getPartitionsWithSpecs: get_partitions_with_specs, by expression */
  static void partitionsWithSpecs(IMetaStoreClient c) throws Exception {
    Table t = filled(c, "hc_specs");
    GetPartitionsRequest req = new GetPartitionsRequest(t.getDbName(), "t",
        new GetProjectionsSpec(), new GetPartitionsFilterSpec());
    req.getFilterSpec().setFilterMode(PartitionFilterMode.BY_EXPR);
    req.getFilterSpec().setFilters(Collections.singletonList("hr = 1"));
    GetPartitionsResponse res = c.getPartitionsWithSpecs(req);
    int n = 0;
    for (PartitionSpec s : res.getPartitionSpec()) {
      if (s.isSetSharedSDPartitionSpec()) {
        n += s.getSharedSDPartitionSpec().getPartitionsSize();
      }
      if (s.isSetPartitionList()) {
        n += s.getPartitionList().getPartitionsSize();
      }
    }
    check(n == 2, "two partitions with hr = 1, got " + n + " in " + res);
  }

  /** getTablesExt: get_tables_ext */
  static void tablesExt(IMetaStoreClient c) throws Exception {
    String db = db(c, "hc_ext");
    create(c, db, "t1");
    create(c, db, "t2");
    List<ExtendedTableInfo> got = c.getTablesExt("hive", db, "t*", 1, -1);
    check(got.size() == 2 && got.get(0).getTblName().equals("t1") && got.get(0).getAccessType() == 8,
        "tables ext: " + got);
  }

  // ---- Kryo expressions: the client prunes on its side ----

  /** The bytes Hive's PartitionPruner sends for ds = 'a', serialized by
   * hive-exec's SerializationUtilities (by reflection: hive-exec is only
   * on the classpath for this). */
  static byte[] kryoExpr() throws Exception {
    ClassLoader l = HiveClientChecks.class.getClassLoader();
    Class<?> typeInfoFactory = Class.forName("org.apache.hadoop.hive.serde2.typeinfo.TypeInfoFactory", true, l);
    Object stringType = typeInfoFactory.getField("stringTypeInfo").get(null);
    Class<?> typeInfo = Class.forName("org.apache.hadoop.hive.serde2.typeinfo.TypeInfo", true, l);
    Class<?> exprNode = Class.forName("org.apache.hadoop.hive.ql.plan.ExprNodeDesc", true, l);
    Object col = Class.forName("org.apache.hadoop.hive.ql.plan.ExprNodeColumnDesc", true, l)
        .getConstructor(typeInfo, String.class, String.class, boolean.class)
        .newInstance(stringType, "ds", "t", true);
    Object constant = Class.forName("org.apache.hadoop.hive.ql.plan.ExprNodeConstantDesc", true, l)
        .getConstructor(typeInfo, Object.class).newInstance(stringType, "a");
    Class<?> udf = Class.forName("org.apache.hadoop.hive.ql.udf.generic.GenericUDF", true, l);
    Object equal = Class.forName("org.apache.hadoop.hive.ql.udf.generic.GenericUDFOPEqual", true, l)
        .getConstructor().newInstance();
    Object booleanType = typeInfoFactory.getField("booleanTypeInfo").get(null);
    List<Object> children = new ArrayList<>(Arrays.asList(col, constant));
    Object expr = Class.forName("org.apache.hadoop.hive.ql.plan.ExprNodeGenericFuncDesc", true, l)
        .getConstructor(typeInfo, udf, List.class).newInstance(booleanType, equal, children);
    Method ser = Class.forName("org.apache.hadoop.hive.ql.exec.SerializationUtilities", true, l)
        .getMethod("serializeObjectWithTypeInformation", java.io.Serializable.class);
    check(exprNode.isInstance(expr), "an ExprNodeDesc");
    return (byte[]) ser.invoke(null, expr);
  }

  /** listPartitionsByExpr with Hive's real Kryo bytes: the server answers
   * TApplicationException UNKNOWN_METHOD, which HiveMetaStoreClient turns
   * into IncompatibleMetastoreException, Hive's signal to list the names
   * and prune on the client (PartitionPruner). */
  static void kryoExprFallsBack(IMetaStoreClient c) throws Exception {
    Table t = filled(c, "hc_kryo");
    byte[] expr = kryoExpr();
    List<Partition> out = new ArrayList<>();
    try {
      c.listPartitionsByExpr(t.getDbName(), "t", expr, "__HIVE_DEFAULT_PARTITION__", (short) -1, out);
      check(false, "listPartitionsByExpr with Kryo bytes succeeded: " + out);
    } catch (IMetaStoreClient.IncompatibleMetastoreException expected) {
      // the fallback
    }
    PartitionsByExprRequest req = new PartitionsByExprRequest(t.getDbName(), "t",
        java.nio.ByteBuffer.wrap(expr));
    try {
      c.listPartitionNames(req);
      check(false, "listPartitionNames with Kryo bytes succeeded");
    } catch (org.apache.thrift.TApplicationException e) {
      check(e.getType() == org.apache.thrift.TApplicationException.UNKNOWN_METHOD,
          "TApplicationException type " + e.getType());
    } catch (IMetaStoreClient.IncompatibleMetastoreException expected) {
      // the fallback
    }
    // our filter text still works through the same call
    c.listPartitionsByExpr(t.getDbName(), "t", "ds = \"a\"".getBytes("UTF-8"),
        "__HIVE_DEFAULT_PARTITION__", (short) -1, out);
    check(out.size() == 2, "filter text by expr: " + out);
  }

  // ---- HiveServer2's background calls ----

  static void scheduledQueryPoll(IMetaStoreClient c) throws Exception {
    ScheduledQueryPollResponse r = c.scheduledQueryPoll(new ScheduledQueryPollRequest("hive"));
    check(!r.isSetExecutionId() && !r.isSetScheduleKey(), "nothing due: " + r);
  }

  static void scheduledQueryCreateRefused(IMetaStoreClient c) throws Exception {
    ScheduledQuery q = new ScheduledQuery(new ScheduledQueryKey("sq", "hive"));
    q.setSchedule("0 0 * * * ? *");
    q.setQuery("select 1");
    try {
      c.scheduledQueryMaintenance(
          new ScheduledQueryMaintenanceRequest(ScheduledQueryMaintenanceRequestType.CREATE, q));
      check(false, "creating a scheduled query succeeded");
    } catch (MetaException expected) {
      check(expected.getMessage().contains("not stored"), expected.getMessage());
    }
  }

  static void materializedViewsForRewriting(IMetaStoreClient c) throws Exception {
    String db = db(c, "hc_mv");
    create(c, db, "src");
    check(c.getMaterializedViewsForRewriting(db).isEmpty(), "no views in " + db);
    for (Table t : c.getAllMaterializedViewObjectsForRewriting()) {
      check(t.isRewriteEnabled() && "MATERIALIZED_VIEW".equals(t.getTableType()), "view " + t);
    }
  }

  static void showCompactions(IMetaStoreClient c) throws Exception {
    check(c.showCompactions().getCompactsSize() == 0, "no compactions");
  }

  // ---- the notification log ----

  /** Hive's own reader of a message: the deserializer of the event's
   * messageFormat (json-0.2: JSONMessageDeserializer, from hive-exec). */
  static MessageDeserializer reader(NotificationEvent e) throws Exception {
    return MessageFactory.getInstance(e.getMessageFormat()).getDeserializer();
  }

  /** Every event after 'from', through the 3-argument form Hive's
   * replication uses: HiveMetaStoreClient refuses gaps in the ids there. */
  static List<NotificationEvent> eventsOf(IMetaStoreClient c, long from, String db, String table)
      throws Exception {
    IMetaStoreClient.NotificationFilter f = new AndFilter(new DatabaseAndTableFilter(db, table),
        new EventBoundaryFilter(from + 1, Long.MAX_VALUE));
    NotificationEventResponse r = c.getNextNotification(from, 1000, f);
    return r.isSetEvents() ? r.getEvents() : new ArrayList<>();
  }

  static List<String> typesOf(List<NotificationEvent> events) {
    List<String> out = new ArrayList<>();
    for (NotificationEvent e : events) {
      out.add(e.getEventType());
    }
    return out;
  }

  static NotificationEvent only(List<NotificationEvent> events, String type) {
    NotificationEvent found = null;
    for (NotificationEvent e : events) {
      if (e.getEventType().equals(type)) {
        check(found == null, "two " + type + " events in " + typesOf(events));
        found = e;
      }
    }
    check(found != null, "no " + type + " event in " + typesOf(events));
    check("json-0.2".equals(found.getMessageFormat()) && "hive".equals(found.getCatName()),
        "format and catalog of " + found);
    return found;
  }

  /** A partitioned table with one ALTER_TABLE (a parameter set) and two
   * partitions added: the events CREATE_TABLE, ALTER_TABLE, ADD_PARTITION. */
  static Table eventful(IMetaStoreClient c, String prefix) throws Exception {
    Table t = create(c, db(c, prefix), "t");
    Table changed = t.deepCopy();
    changed.getParameters().put("hc.k", "v");
    c.alter_table(t.getDbName(), "t", changed);
    Partition p1 = new Partition(), p2;
    p1.setDbName(t.getDbName());
    p1.setTableName("t");
    p1.setValues(Arrays.asList("a", "1"));
    StorageDescriptor sd = new StorageDescriptor(t.getSd());
    sd.setLocation(null);
    p1.setSd(sd);
    p1.setParameters(new HashMap<>());
    p2 = p1.deepCopy();
    p2.setValues(Arrays.asList("b", "2"));
    c.add_partitions(Arrays.asList(p1, p2));
    return t;
  }

  /** getCurrentNotificationEventId: one id per change, in order */
  static void currentEventId(IMetaStoreClient c) throws Exception {
    long before = c.getCurrentNotificationEventId().getEventId();
    String db = db(c, "hc_ev_id");
    long now = c.getCurrentNotificationEventId().getEventId();
    check(now == before + 1, "one CREATE_DATABASE");
    NotificationEvent e = c.getNextNotification(before, 1, null).getEvents().get(0);
    check(e.getEventId() == now && e.getEventType().equals("CREATE_DATABASE") && e.getDbName().equals(db),
        "the current event " + e);
    create(c, db, "t");
    check(c.getCurrentNotificationEventId().getEventId() == before + 2, "one CREATE_TABLE");
    c.getTable(db, "t");
    check(c.getCurrentNotificationEventId().getEventId() == before + 2, "a read logs nothing");
  }

  /** getNextNotification with a client-side filter (Hive's replication
   * filters, the ids checked for gaps by HiveMetaStoreClient) and with Hive
   * 4's filters in NotificationEventRequest, served by the server. */
  static void nextNotification(IMetaStoreClient c) throws Exception {
    long before = c.getCurrentNotificationEventId().getEventId();
    Table t = eventful(c, "hc_ev_next");
    String db = t.getDbName();
    List<NotificationEvent> all = eventsOf(c, before, db, null);
    check(typesOf(all).equals(Arrays.asList("CREATE_DATABASE", "CREATE_TABLE", "ALTER_TABLE",
        "ADD_PARTITION")), "events " + typesOf(all));
    check(all.get(0).getEventId() == before + 1 && all.get(0).getEventTime() > 0, "first " + all.get(0));
    check(typesOf(eventsOf(c, before, db, "t")).equals(typesOf(all.subList(1, 4))), "table's events");
    check(c.getNextNotification(before, 2, null).getEventsSize() == 2, "maxEvents");

    NotificationEventRequest rq = new NotificationEventRequest(before);
    rq.setDbName(db);
    rq.setCatName("hive");
    rq.setTableNames(Collections.singletonList("t"));
    rq.setEventTypeList(Arrays.asList("ADD_PARTITION", "ALTER_TABLE"));
    List<NotificationEvent> got = c.getNextNotification(rq, true, null).getEvents();
    check(typesOf(got).equals(Arrays.asList("ALTER_TABLE", "ADD_PARTITION")), "by type list " + typesOf(got));
    rq = new NotificationEventRequest(before);
    rq.setDbName(db);
    rq.setEventTypeSkipList(Arrays.asList("CREATE_TABLE", "ALTER_TABLE"));
    got = c.getNextNotification(rq, true, null).getEvents();
    check(typesOf(got).equals(Arrays.asList("CREATE_DATABASE", "ADD_PARTITION")), "skip list " + typesOf(got));
    rq = new NotificationEventRequest(c.getCurrentNotificationEventId().getEventId());
    check(c.getNextNotification(rq, false, null).getEventsSize() == 0, "nothing after the current id");
  }

  /** getNotificationEventsCount, with Hive 4's toEventId, limit and tableNames */
  static void notificationEventsCount(IMetaStoreClient c) throws Exception {
    long before = c.getCurrentNotificationEventId().getEventId();
    Table t = eventful(c, "hc_ev_count");
    NotificationEventsCountRequest rq = new NotificationEventsCountRequest(before, t.getDbName());
    rq.setCatName("hive");
    check(c.getNotificationEventsCount(rq).getEventsCount() == 4, "four events");
    rq.setToEventId(before + 2);
    check(c.getNotificationEventsCount(rq).getEventsCount() == 2, "up to toEventId");
    rq.unsetToEventId();
    rq.setLimit(3);
    check(c.getNotificationEventsCount(rq).getEventsCount() == 3, "limit");
    rq.unsetLimit();
    rq.setTableNames(Collections.singletonList("t"));
    check(c.getNotificationEventsCount(rq).getEventsCount() == 3, "the table's events");
    NotificationEventsCountRequest other = new NotificationEventsCountRequest(before, "hc_no_such_db");
    check(c.getNotificationEventsCount(other).getEventsCount() == 0, "another database");
  }

  /** fireListenerEvent (INSERT into a partition), read back with Hive's
   * InsertMessage: files with their checksums, the table and partition. */
  static void fireInsertEvent(IMetaStoreClient c) throws Exception {
    Table t = eventful(c, "hc_ev_fire");
    long before = c.getCurrentNotificationEventId().getEventId();
    InsertEventRequestData ins = new InsertEventRequestData(
        Arrays.asList("file:///w/t/ds=a/hr=1/f1.parquet", "file:///w/t/ds=a/hr=1/f2.parquet"));
    ins.setFilesAddedChecksum(Arrays.asList("c1", "c2"));
    ins.setReplace(true);
    FireEventRequest rq = new FireEventRequest(true, FireEventRequestData.insertData(ins));
    rq.setDbName(t.getDbName());
    rq.setTableName("t");
    rq.setPartitionVals(Arrays.asList("a", "1"));
    FireEventResponse r = c.fireListenerEvent(rq);
    check(r.getEventIds().equals(Collections.singletonList(before + 1)), "event ids " + r);
    NotificationEvent e = only(eventsOf(c, before, t.getDbName(), "t"), "INSERT");
    InsertMessage m = reader(e).getInsertMessage(e.getMessage());
    m.checkValid();
    check(m.getDB().equals(t.getDbName()) && m.getTable().equals("t") && m.isReplace(), "insert " + e);
    List<String> files = new ArrayList<>();
    m.getFiles().forEach(files::add);
    check(files.size() == 2 && files.get(0).startsWith("file:///w/t/ds=a/hr=1/f1.parquet")
        && files.get(0).contains("c1"), "files " + files);
    check(m.getTableObj().getTableName().equals("t"), "table object");
    check(m.getPtnObj().getValues().equals(Arrays.asList("a", "1")), "partition object");
  }

  /** CREATE_TABLE, ALTER_TABLE and ADD_PARTITION read by Hive's own
   * JSONMessageDeserializer, with their embedded Thrift objects. */
  static void messagesDecode(IMetaStoreClient c) throws Exception {
    long before = c.getCurrentNotificationEventId().getEventId();
    Table t = eventful(c, "hc_ev_msg");
    String db = t.getDbName();
    List<NotificationEvent> events = eventsOf(c, before, db, "t");

    NotificationEvent e = only(events, "CREATE_TABLE");
    CreateTableMessage ct = reader(e).getCreateTableMessage(e.getMessage());
    ct.checkValid();
    check(ct.getDB().equals(db) && ct.getTable().equals("t") && "MANAGED_TABLE".equals(ct.getTableType()),
        "create table " + e.getMessage());
    Table created = ct.getTableObj();
    check(created.getSd().getCols().equals(t.getSd().getCols())
        && created.getPartitionKeys().equals(t.getPartitionKeys())
        && created.getSd().getLocation().equals(t.getSd().getLocation()), "tableObjJson " + created);

    e = only(events, "ALTER_TABLE");
    AlterTableMessage at = reader(e).getAlterTableMessage(e.getMessage());
    at.checkValid();
    check(!at.getIsTruncateOp() && at.getTable().equals("t"), "alter table " + e.getMessage());
    check(!at.getTableObjBefore().getParameters().containsKey("hc.k")
        && "v".equals(at.getTableObjAfter().getParameters().get("hc.k")), "before and after");

    e = only(events, "ADD_PARTITION");
    AddPartitionMessage ap = reader(e).getAddPartitionMessage(e.getMessage());
    ap.checkValid();
    check(ap.getTableObj().getTableName().equals("t"), "add partition table " + e.getMessage());
    check(ap.getPartitions().size() == 2 && "a".equals(ap.getPartitions().get(0).get("ds"))
        && "2".equals(ap.getPartitions().get(1).get("hr")), "partition maps " + ap.getPartitions());
    List<List<String>> values = new ArrayList<>();
    for (Partition p : ap.getPartitionObjs()) {
      values.add(p.getValues());
      check(p.getSd().getLocation() != null && p.getSd().getLocation().endsWith("hr=" + p.getValues().get(1)),
          "partition location " + p.getSd().getLocation());
    }
    check(values.equals(Arrays.asList(Arrays.asList("a", "1"), Arrays.asList("b", "2"))), "values " + values);
  }

  /** A partition added over a directory that already holds files: its
   * ADD_PARTITION message lists them (Hive's PartitionFiles, read by its
   * own deserializer), as Hive's DbNotificationListener lists them with
   * change management off: "<file>###", hidden files left out. */
  static void partitionFilesListed(IMetaStoreClient c) throws Exception {
    String root = System.getProperty("hc.local_root");
    check(root != null, "no -Dhc.local_root (a local folder inside the allowed locations)");
    String name = "hc_pfiles_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    c.createDatabase(new Database(name, null, "file://" + root + "/" + name, new HashMap<>()));
    Table t = create(c, name, "t");
    java.net.URI loc = new java.net.URI(t.getSd().getLocation());
    java.nio.file.Path dir = java.nio.file.Paths.get(loc.getPath(), "ds=z", "hr=9");
    java.nio.file.Files.createDirectories(dir);
    for (String file : Arrays.asList("f1.parquet", "f0.parquet", "_SUCCESS")) {
      java.nio.file.Files.write(dir.resolve(file), new byte[] {1, 2, 3});
    }
    long before = c.getCurrentNotificationEventId().getEventId();
    part(c, t, "z", "9");
    NotificationEvent e = only(eventsOf(c, before, t.getDbName(), "t"), "ADD_PARTITION");
    AddPartitionMessage m = reader(e).getAddPartitionMessage(e.getMessage());
    m.checkValid();
    List<String> got = new ArrayList<>();
    for (org.apache.hadoop.hive.metastore.messaging.PartitionFiles pf : m.getPartitionFilesIter()) {
      for (String f : pf.getFiles()) {
        got.add(pf.getPartitionName() + " " + f.substring(f.lastIndexOf('/') + 1));
      }
    }
    check(got.equals(Arrays.asList("ds=z/hr=9 f0.parquet###", "ds=z/hr=9 f1.parquet###")),
        "partition files " + got + " in " + e.getMessage());
    c.dropDatabase(t.getDbName(), true, true, true);
  }

  /** Every event type a Hive DDL session writes, read through Hive's
   * generic MessageDeserializer.getEventMessage and checkValid. */
  static void everyEventDecodes(IMetaStoreClient c) throws Exception {
    long before = c.getCurrentNotificationEventId().getEventId();
    Table t = eventful(c, "hc_ev_all");
    String db = t.getDbName();
    Database d = c.getDatabase(db);
    d.getParameters().put("k", "v");
    c.alterDatabase(db, d);
    Partition p = c.getPartition(db, "t", Arrays.asList("a", "1"));
    p.getParameters().put("k", "v");
    c.alter_partition(db, "t", p);
    c.dropPartition(db, "t", Arrays.asList("b", "2"), false);
    Function f = new Function("f", db, "a.B", "hive", PrincipalType.USER, 0, FunctionType.JAVA,
        Collections.singletonList(new ResourceUri(ResourceType.JAR, "file:///x.jar")));
    c.createFunction(f);
    c.dropFunction(db, "f");
    c.dropDatabase(db, false, true, true);
    List<NotificationEvent> events = eventsOf(c, before, db, null);
    check(typesOf(events).equals(Arrays.asList("CREATE_DATABASE", "CREATE_TABLE", "ALTER_TABLE",
        "ADD_PARTITION", "ALTER_DATABASE", "ALTER_PARTITION", "DROP_PARTITION", "CREATE_FUNCTION",
        "DROP_FUNCTION", "DROP_TABLE", "DROP_DATABASE")), "events " + typesOf(events));
    for (NotificationEvent e : events) {
      EventMessage m = reader(e).getEventMessage(e.getEventType(), e.getMessage());
      m.checkValid();
      check(m.getDB().equalsIgnoreCase(db) && m.getTimestamp() > 0, e.getEventType() + ": " + e.getMessage());
      check(m.getEventType().toString().equals(e.getEventType()), "type " + m.getEventType());
    }
  }

  /** Long statistics of column id for the partition 'part' of db.t. */
  static ColumnStatistics idStats(String db, String part) {
    ColumnStatisticsDesc desc = new ColumnStatisticsDesc(part == null, db, "t");
    if (part != null) {
      desc.setPartName(part);
    }
    LongColumnStatsData data = new LongColumnStatsData(0, 3);
    data.setLowValue(1);
    data.setHighValue(9);
    ColumnStatistics cs = new ColumnStatistics(desc, Collections.singletonList(
        new ColumnStatisticsObj("id", "bigint", ColumnStatisticsData.longStats(data))));
    cs.setEngine("hive");
    return cs;
  }

  /** deleteColumnStatistics: Hive 4.1's delete_column_statistics_req, its
   * DELETE_PARTITION_COLUMN_STAT and DELETE_TABLE_COLUMN_STAT events read
   * back with Hive's own deserializer. */
  static void deleteColumnStatisticsReq(IMetaStoreClient c) throws Exception {
    Table t = filled(c, "hc_delstats");
    String db = t.getDbName();
    for (String p : Arrays.asList("ds=a/hr=1", "ds=a/hr=2", "ds=b/hr=1")) {
      c.updatePartitionColumnStatistics(idStats(db, p));
    }
    c.updateTableColumnStatistics(idStats(db, null));
    long before = c.getCurrentNotificationEventId().getEventId();
    DeleteColumnStatisticsRequest rq = new DeleteColumnStatisticsRequest(db, "t");
    rq.setPart_names(Arrays.asList("ds=a/hr=1", "ds=b/hr=1"));
    rq.setCol_names(Collections.singletonList("id"));
    check(c.deleteColumnStatistics(rq), "deleted");
    check(c.getPartitionColumnStatistics(db, "t", Arrays.asList("ds=a/hr=1", "ds=a/hr=2", "ds=b/hr=1"),
        Collections.singletonList("id"), "hive").keySet().equals(Collections.singleton("ds=a/hr=2")),
        "only ds=a/hr=2 keeps its statistics");
    List<NotificationEvent> events = eventsOf(c, before, db, "t");
    check(typesOf(events).equals(Arrays.asList("DELETE_PARTITION_COLUMN_STAT", "DELETE_PARTITION_COLUMN_STAT")),
        "events " + typesOf(events));
    List<String> names = new ArrayList<>();
    for (NotificationEvent e : events) {
      DeletePartitionColumnStatMessage m = reader(e).getDeletePartitionColumnStatMessage(e.getMessage());
      check(m.getDB().equals(db) && m.getColName().equals("id"), "message " + e.getMessage());
      names.add(m.getPartName() + " " + m.getPartValues());
    }
    check(names.equals(Arrays.asList("ds=a/hr=1 [a, 1]", "ds=b/hr=1 [b, 1]")), "partitions " + names);

    before = c.getCurrentNotificationEventId().getEventId();
    rq = new DeleteColumnStatisticsRequest(db, "t");
    rq.setTableLevel(true);
    check(c.deleteColumnStatistics(rq), "table level deleted");
    check(c.getTableColumnStatistics(db, "t", Collections.singletonList("id"), "hive").isEmpty(),
        "the table's statistics are gone");
    events = eventsOf(c, before, db, "t");
    check(typesOf(events).equals(Arrays.asList("DELETE_TABLE_COLUMN_STAT", "DELETE_TABLE_COLUMN_STAT")),
        "one event per column " + typesOf(events));
    NotificationEvent e = events.get(1);
    DeleteTableColumnStatMessage m = reader(e).getDeleteTableColumnStatMessage(e.getMessage());
    check(m.getColName().equals("name"), "column " + e.getMessage());
    c.dropDatabase(db, true, true, true);
  }

  // ---- constraints ----

  /** An unpartitioned text table with the given "name:type" columns. */
  static Table plain(String db, String name, String... cols) {
    StorageDescriptor sd = new StorageDescriptor();
    List<FieldSchema> fs = new ArrayList<>();
    for (String c : cols) {
      String[] nt = c.split(":");
      fs.add(new FieldSchema(nt[0], nt[1], null));
    }
    sd.setCols(fs);
    sd.setInputFormat("org.apache.hadoop.mapred.TextInputFormat");
    sd.setOutputFormat("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat");
    SerDeInfo serde = new SerDeInfo();
    serde.setSerializationLib("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
    serde.setParameters(new HashMap<>());
    sd.setSerdeInfo(serde);
    sd.setParameters(new HashMap<>());
    Table t = new Table();
    t.setDbName(db);
    t.setTableName(name);
    t.setOwner("hive");
    t.setSd(sd);
    t.setPartitionKeys(new ArrayList<>());
    t.setParameters(new HashMap<>());
    t.setTableType("MANAGED_TABLE");
    return t;
  }

  /** Every constraint method: create_table_with_constraints, add_*, the
   * get_* reads, get_all_table_constraints, drop_constraint. */
  static void constraintsRoundTrip(IMetaStoreClient c) throws Exception {
    String db = "hc_cons_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    c.createDatabase(new Database(db, null, null, new HashMap<>()));
    SQLPrimaryKey pk = new SQLPrimaryKey(db, "p", "id", 1, "pk_p", false, false, true);
    SQLUniqueConstraint uk = new SQLUniqueConstraint("hive", db, "p", "code", 1, "uk_p", false, false, false);
    SQLNotNullConstraint nn = new SQLNotNullConstraint("hive", db, "p", "code", "nn_p", true, false, false);
    SQLDefaultConstraint dc = new SQLDefaultConstraint("hive", db, "p", "code", "'x'", "dc_p", true, false, false);
    SQLCheckConstraint cc = new SQLCheckConstraint("hive", db, "p", "id", "id > 0", "cc_p", true, false, false);
    c.createTableWithConstraints(plain(db, "p", "id:int", "code:string"), Collections.singletonList(pk),
        new ArrayList<>(), Collections.singletonList(uk), Collections.singletonList(nn),
        Collections.singletonList(dc), Collections.singletonList(cc));
    List<SQLPrimaryKey> pks = c.getPrimaryKeys(new PrimaryKeysRequest(db, "p"));
    check(pks.size() == 1 && pks.get(0).getPk_name().equals("pk_p") && pks.get(0).isRely_cstr(), "pks " + pks);
    check(c.getUniqueConstraints(new UniqueConstraintsRequest("hive", db, "p")).size() == 1, "uk");
    check(c.getNotNullConstraints(new NotNullConstraintsRequest("hive", db, "p")).get(0).getNn_name().equals("nn_p"), "nn");
    check(c.getDefaultConstraints(new DefaultConstraintsRequest("hive", db, "p")).get(0).getDefault_value().equals("'x'"), "dc");
    check(c.getCheckConstraints(new CheckConstraintsRequest("hive", db, "p")).get(0).getCheck_expression().equals("id > 0"), "cc");

    c.createTable(plain(db, "ch", "cid:int", "pid:int", "note:string"));
    c.addPrimaryKey(Collections.singletonList(new SQLPrimaryKey(db, "ch", "cid", 1, null, false, false, false)));
    c.addForeignKey(Collections.singletonList(new SQLForeignKey(db, "p", "id", db, "ch", "pid", 1, 0, 0, "fk_ch", null, false, false, false)));
    c.addUniqueConstraint(Collections.singletonList(new SQLUniqueConstraint("hive", db, "ch", "note", 1, null, false, false, false)));
    c.addNotNullConstraint(Collections.singletonList(new SQLNotNullConstraint("hive", db, "ch", "pid", null, true, false, false)));
    c.addDefaultConstraint(Collections.singletonList(new SQLDefaultConstraint("hive", db, "ch", "note", "'n'", null, true, false, false)));
    c.addCheckConstraint(Collections.singletonList(new SQLCheckConstraint("hive", db, "ch", "cid", "cid > 0", null, true, false, false)));
    SQLAllTableConstraints all = c.getAllTableConstraints(new AllTableConstraintsRequest(db, "ch", "hive"));
    check(all.getPrimaryKeys().get(0).getPk_name().startsWith("pk_"), "generated pk " + all);
    check(all.getForeignKeys().size() == 1 && all.getForeignKeys().get(0).getPk_name().equals("pk_p"), "fk " + all);
    check(all.getUniqueConstraints().size() == 1 && all.getNotNullConstraints().size() == 1
        && all.getDefaultConstraints().size() == 1 && all.getCheckConstraints().size() == 1, "all " + all);
    ForeignKeysRequest byParent = new ForeignKeysRequest(db, "p", null, null);
    check(c.getForeignKeys(byParent).size() == 1, "by parent");
    c.dropConstraint(db, "ch", "fk_ch");
    check(c.getForeignKeys(new ForeignKeysRequest(null, null, db, "ch")).isEmpty(), "fk dropped");
    c.dropTable(db, "p");
    check(c.getPrimaryKeys(new PrimaryKeysRequest(db, "p")).isEmpty(), "gone with table");
    c.dropDatabase(db, true, true, true);
  }

  /** The refusals Hive gives, with its messages. */
  static void constraintErrors(IMetaStoreClient c) throws Exception {
    String db = "hc_cerr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    c.createDatabase(new Database(db, null, null, new HashMap<>()));
    c.createTableWithConstraints(plain(db, "p", "id:int"), Collections.singletonList(
        new SQLPrimaryKey(db, "p", "id", 1, "pk_p", false, false, false)), null, null, null, null, null);
    try {
      c.addPrimaryKey(Collections.singletonList(new SQLPrimaryKey(db, "p", "id", 1, "pk2", false, false, false)));
      check(false, "second primary key accepted");
    } catch (MetaException e) {
      check(e.getMessage().contains("Primary key already exists"), e.getMessage());
    }
    try {
      c.createTableWithConstraints(plain(db, "q", "id:int"), Collections.singletonList(
          new SQLPrimaryKey(db, "q", "nope", 1, null, false, false, false)), null, null, null, null, null);
      check(false, "missing column accepted");
    } catch (InvalidObjectException e) {
      check(e.getMessage().equals("Parent column not found: nope"), e.getMessage());
    }
    try {
      c.dropConstraint(db, "p", "nope");
      check(false, "dropping a missing constraint succeeded");
    } catch (NoSuchObjectException e) {
      check(e.getMessage().startsWith("The constraint: nope does not exist"), e.getMessage());
    }
    c.dropDatabase(db, true, true, true);
  }

  /** The constraint events (ADD_PRIMARYKEY and its five twins,
   * DROP_CONSTRAINT) read by Hive's own JSONMessageDeserializer, with the
   * constraint objects embedded as Hive embeds them. */
  static void constraintEventsDecode(IMetaStoreClient c) throws Exception {
    String db = "hc_cev_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    c.createDatabase(new Database(db, null, null, new HashMap<>()));
    c.createTableWithConstraints(plain(db, "p", "id:int"), Collections.singletonList(
        new SQLPrimaryKey(db, "p", "id", 1, "pk_p", false, false, true)), null, null, null, null, null);
    c.createTable(plain(db, "ch", "cid:int", "pid:int", "note:string"));
    long before = c.getCurrentNotificationEventId().getEventId();
    c.addPrimaryKey(Collections.singletonList(new SQLPrimaryKey(db, "ch", "cid", 1, "pk_ch", false, false, true)));
    c.addForeignKey(Collections.singletonList(new SQLForeignKey(db, "p", "id", db, "ch", "pid", 1, 0, 0,
        "fk_ch", "pk_p", false, false, false)));
    c.addUniqueConstraint(Collections.singletonList(new SQLUniqueConstraint("hive", db, "ch", "note", 1,
        "uk_ch", false, false, false)));
    c.addNotNullConstraint(Collections.singletonList(new SQLNotNullConstraint("hive", db, "ch", "pid",
        "nn_ch", true, false, false)));
    c.addDefaultConstraint(Collections.singletonList(new SQLDefaultConstraint("hive", db, "ch", "note",
        "'n'", "dc_ch", true, false, false)));
    c.addCheckConstraint(Collections.singletonList(new SQLCheckConstraint("hive", db, "ch", "cid",
        "cid > 0", "cc_ch", true, false, false)));
    c.dropConstraint(db, "ch", "uk_ch");
    List<NotificationEvent> events = eventsOf(c, before, db, null);
    check(typesOf(events).equals(Arrays.asList("ADD_PRIMARYKEY", "ADD_FOREIGNKEY", "ADD_UNIQUECONSTRAINT",
        "ADD_NOTNULLCONSTRAINT", "ADD_DEFAULTCONSTRAINT", "ADD_CHECKCONSTRAINT", "DROP_CONSTRAINT")),
        "events " + typesOf(events));
    for (NotificationEvent e : events) {
      EventMessage m = reader(e).getEventMessage(e.getEventType(), e.getMessage());
      check(m.getTimestamp() > 0 && m.getEventType().toString().equals(e.getEventType()),
          e.getEventType() + ": " + e.getMessage());
      if (e.getEventType().equals("DROP_CONSTRAINT")) {
        m.checkValid();
      } else {
        // Hive's JSONAdd*Message classes have no database member: their
        // getDB() is null, so checkValid() refuses Hive's own messages too
        check(m.getDB() == null, "no db member, as in Hive: " + e.getMessage());
      }
    }
    NotificationEvent e = only(events, "ADD_PRIMARYKEY");
    AddPrimaryKeyMessage pk = reader(e).getAddPrimaryKeyMessage(e.getMessage());
    SQLPrimaryKey gotPk = pk.getPrimaryKeys().get(0);
    check(pk.getPrimaryKeys().size() == 1 && gotPk.getPk_name().equals("pk_ch")
        && gotPk.getColumn_name().equals("cid") && gotPk.getTable_name().equals("ch") && gotPk.isRely_cstr()
        && e.getTableName().equals("ch"), "primary key " + e.getMessage());
    e = only(events, "ADD_FOREIGNKEY");
    SQLForeignKey fk = reader(e).getAddForeignKeyMessage(e.getMessage()).getForeignKeys().get(0);
    check(fk.getFk_name().equals("fk_ch") && fk.getPk_name().equals("pk_p") && fk.getPktable_name().equals("p")
        && fk.getFkcolumn_name().equals("pid") && e.getTableName().equals("p"), "foreign key " + e.getMessage());
    e = only(events, "ADD_UNIQUECONSTRAINT");
    SQLUniqueConstraint uk = reader(e).getAddUniqueConstraintMessage(e.getMessage()).getUniqueConstraints().get(0);
    check(uk.getUk_name().equals("uk_ch") && uk.getColumn_name().equals("note") && uk.getKey_seq() == 1,
        "unique " + e.getMessage());
    e = only(events, "ADD_NOTNULLCONSTRAINT");
    SQLNotNullConstraint nn = reader(e).getAddNotNullConstraintMessage(e.getMessage()).getNotNullConstraints().get(0);
    check(nn.getNn_name().equals("nn_ch") && nn.getColumn_name().equals("pid") && nn.isEnable_cstr(),
        "not null " + e.getMessage());
    e = only(events, "ADD_DEFAULTCONSTRAINT");
    SQLDefaultConstraint dc = reader(e).getAddDefaultConstraintMessage(e.getMessage()).getDefaultConstraints().get(0);
    check(dc.getDc_name().equals("dc_ch") && dc.getDefault_value().equals("'n'"), "default " + e.getMessage());
    e = only(events, "ADD_CHECKCONSTRAINT");
    SQLCheckConstraint cc = reader(e).getAddCheckConstraintMessage(e.getMessage()).getCheckConstraints().get(0);
    check(cc.getDc_name().equals("cc_ch") && cc.getCheck_expression().equals("cid > 0"), "check " + e.getMessage());
    e = only(events, "DROP_CONSTRAINT");
    DropConstraintMessage drop = reader(e).getDropConstraintMessage(e.getMessage());
    check(drop.getDB().equals(db) && drop.getTable().equals("ch") && drop.getConstraint().equals("uk_ch"),
        "drop " + e.getMessage());
    c.dropDatabase(db, true, true, true);
  }

  // ---- roles and privileges ----

  interface Call {
    void run() throws Exception;
  }

  /** The MetaException text of a call that must be refused. */
  static String refused(Call call) throws Exception {
    try {
      call.run();
    } catch (MetaException e) {
      return e.getMessage();
    }
    throw new AssertionError("not refused");
  }

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  static List<String> roleNames(List<Role> roles) {
    List<String> out = new ArrayList<>();
    for (Role r : roles) {
      out.add(r.getRoleName());
    }
    return out;
  }

  /** create_role, get_role_names, grant_revoke_role (grant_role,
   * revoke_role), list_roles, get_principals_in_role,
   * get_role_grants_for_principal, drop_role; Hive's refusals. */
  static void rolesLifecycle(IMetaStoreClient c) throws Exception {
    String r = unique("hc_role"), user = unique("hc_user");
    check(c.create_role(new Role(r, 0, "alice")), "created");
    List<String> names = c.listRoleNames();
    check(names.contains(r) && names.contains("admin") && names.contains("public"), "names " + names);
    check(refused(() -> c.create_role(new Role(r, 0, "alice"))).contains("already exists"), "duplicate role");
    check(refused(() -> c.create_role(new Role("public", 0, "alice"))).contains("It can't be created"),
        "public created");

    check(c.grant_role(r, user, PrincipalType.USER, "alice", PrincipalType.USER, true), "granted");
    check(refused(() -> c.grant_role(r, user, PrincipalType.USER, "alice", PrincipalType.USER, false))
        .contains("already has the role"), "duplicate grant");
    check(roleNames(c.list_roles(user, PrincipalType.USER)).equals(Arrays.asList(r, "public")),
        "roles of the user");
    List<RolePrincipalGrant> members = c.get_principals_in_role(new GetPrincipalsInRoleRequest(r))
        .getPrincipalGrants();
    check(members.size() == 1 && members.get(0).getPrincipalName().equals(user)
        && members.get(0).isGrantOption() && members.get(0).getGrantorName().equals("alice"),
        "members " + members);
    List<RolePrincipalGrant> grants = c.get_role_grants_for_principal(
        new GetRoleGrantsForPrincipalRequest(user, PrincipalType.USER)).getPrincipalGrants();
    check(grants.get(0).getRoleName().equals(r), "grants " + grants);

    check(c.revoke_role(r, user, PrincipalType.USER, true), "grant option revoked");
    check(!c.get_principals_in_role(new GetPrincipalsInRoleRequest(r)).getPrincipalGrants().get(0)
        .isGrantOption(), "the role kept without its grant option");
    check(c.revoke_role(r, user, PrincipalType.USER, false), "revoked");
    check(roleNames(c.list_roles(user, PrincipalType.USER)).equals(Collections.singletonList("public")),
        "only public left");
    check(refused(() -> c.revoke_role("public", user, PrincipalType.USER, false))
        .equals("public role can't be revoked."), "public revoked");
    check(c.drop_role(r), "dropped");
    check(!c.listRoleNames().contains(r), "gone");
    for (String fixed : Arrays.asList("admin", "public")) {
      check(refused(() -> c.drop_role(fixed)).equals("public,admin roles can't be dropped."), "dropped " + fixed);
    }
  }

  static HiveObjectPrivilege grantOf(HiveObjectRef ref, String who, PrincipalType type, String priv,
      boolean grantOption) {
    return new HiveObjectPrivilege(ref, who, type,
        new PrivilegeGrantInfo(priv, 0, "alice", PrincipalType.USER, grantOption), "SQL");
  }

  /** "PRIV" or "PRIV+" (with grant option), sorted. */
  static List<String> grantsOf(List<PrivilegeGrantInfo> infos) {
    List<String> out = new ArrayList<>();
    for (PrivilegeGrantInfo g : infos) {
      out.add(g.getPrivilege() + (g.isGrantOption() ? "+" : ""));
    }
    Collections.sort(out);
    return out;
  }

  static List<String> privilegesOf(List<HiveObjectPrivilege> privs) {
    List<PrivilegeGrantInfo> infos = new ArrayList<>();
    for (HiveObjectPrivilege p : privs) {
      infos.add(p.getGrantInfo());
    }
    return grantsOf(infos);
  }

  /** grant_privileges and revoke_privileges (grant_revoke_privileges),
   * list_privileges, get_privilege_set through a role, refresh_privileges. */
  static void privilegesLifecycle(IMetaStoreClient c) throws Exception {
    Table t = create(c, db(c, "hc_priv"), "t");
    String db = t.getDbName(), user = unique("hc_user"), r = unique("hc_role");
    HiveObjectRef ref = new HiveObjectRef(HiveObjectType.TABLE, db, "t", null, null);
    check(c.grant_privileges(new PrivilegeBag(Arrays.asList(
        grantOf(ref, user, PrincipalType.USER, "SELECT", true),
        grantOf(ref, user, PrincipalType.USER, "INSERT", false)))), "granted");
    check(privilegesOf(c.list_privileges(user, PrincipalType.USER, ref)).equals(
        Arrays.asList("INSERT", "SELECT+")), "listed");
    HiveObjectPrivilege listed = c.list_privileges(user, PrincipalType.USER, ref).get(0);
    check(listed.getGrantInfo().getGrantor().equals("alice") && listed.getGrantInfo().getCreateTime() > 0
        && "SQL".equals(listed.getAuthorizer()), "grant info " + listed);
    String dup = refused(() -> c.grant_privileges(new PrivilegeBag(Collections.singletonList(
        grantOf(ref, user, PrincipalType.USER, "SELECT", false)))));
    check(dup.equals("SELECT is already granted on table [" + db + ",t] by alice"), dup);

    c.create_role(new Role(r, 0, "alice"));
    c.grant_role(r, user, PrincipalType.USER, "alice", PrincipalType.USER, false);
    c.grant_privileges(new PrivilegeBag(Collections.singletonList(
        grantOf(ref, r, PrincipalType.ROLE, "DELETE", false))));
    PrincipalPrivilegeSet set = c.get_privilege_set(ref, user, Collections.emptyList());
    check(grantsOf(set.getUserPrivileges().get(user)).equals(Arrays.asList("INSERT", "SELECT+")),
        "user's set " + set);
    check(grantsOf(set.getRolePrivileges().get(r)).equals(Collections.singletonList("DELETE")),
        "role's set " + set);

    check(c.revoke_privileges(new PrivilegeBag(Collections.singletonList(
        grantOf(ref, user, PrincipalType.USER, "SELECT", false))), true), "grant option revoked");
    check(privilegesOf(c.list_privileges(user, PrincipalType.USER, ref)).equals(
        Arrays.asList("INSERT", "SELECT")), "without the option");
    check(refused(() -> c.revoke_privileges(new PrivilegeBag(Collections.singletonList(
        grantOf(ref, user, PrincipalType.USER, "UPDATE", false))), false))
        .contains("No user grant found for privileges UPDATE"), "revoking what was not granted");

    check(c.refresh_privileges(ref, "SQL", new PrivilegeBag(Collections.singletonList(
        grantOf(ref, user, PrincipalType.USER, "ALTER", false)))), "refreshed");
    check(privilegesOf(c.list_privileges(user, PrincipalType.USER, ref)).equals(
        Collections.singletonList("ALTER")), "replaced by the refresh");
    check(c.list_privileges(r, PrincipalType.ROLE, ref).isEmpty(), "the refresh replaced every grant");

    c.revoke_privileges(new PrivilegeBag(Collections.singletonList(
        grantOf(ref, user, PrincipalType.USER, "ALTER", false))), false);
    check(c.list_privileges(user, PrincipalType.USER, ref).isEmpty(), "revoked");
    c.drop_role(r);
    c.dropDatabase(db, true, true, true);
  }

  /** The seeded admin role's global All privilege, seen as Hive's
   * SQLStdHiveAccessController lists it. */
  static void adminRoleSeeded(IMetaStoreClient c) throws Exception {
    HiveObjectRef global = new HiveObjectRef(HiveObjectType.GLOBAL, null, null, null, null);
    List<HiveObjectPrivilege> p = c.list_privileges("admin", PrincipalType.ROLE, global);
    check(p.size() == 1 && p.get(0).getGrantInfo().getPrivilege().equals("All")
        && p.get(0).getGrantInfo().isGrantOption(), "admin's privileges " + p);
  }

  // ---- get_config_value ----

  /** The keys Impala's MetastoreEventsProcessor and HiveServer2 read. */
  static void configValues(IMetaStoreClient c) throws Exception {
    check("true".equals(c.getConfigValue("hive.metastore.dml.events", "")), "dml events");
    check("hive".equals(c.getConfigValue("metastore.catalog.default", "")), "default catalog");
    check("false".equals(c.getConfigValue("hive.metastore.event.db.notification.api.auth", "")),
        "notification api auth");
    check(c.getConfigValue("hive.metastore.transactional.event.listeners", "")
        .contains("DbNotificationListener"), "listener");
    check("none".equals(c.getConfigValue("hive.metastore.no.such.key", "none")), "a default");
    try {
      c.getConfigValue("javax.jdo.option.ConnectionPassword", "");
      check(false, "a password key answered");
    } catch (ConfigValSecurityException expected) {
      // Hive's answer for keys outside hive.*, metastore.*, hdfs.*, mapred.*
    }
  }

  // ---- main ----

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: HiveClientChecks thrift://host:port CHECK...");
      System.exit(2);
    }
    Configuration conf = new Configuration(false);
    conf.set("hive.metastore.uris", args[0]);
    conf.set("metastore.thrift.uris", args[0]);
    conf.set("hive.metastore.execute.setugi", "true");
    IMetaStoreClient c = new HiveMetaStoreClient(conf);
    int failed = 0;
    for (String name : Arrays.copyOfRange(args, 1, args.length)) {
      try {
        Method m = HiveClientChecks.class.getDeclaredMethod(name, IMetaStoreClient.class);
        if (!Modifier.isStatic(m.getModifiers())) {
          throw new NoSuchMethodException(name);
        }
        m.invoke(null, c);
        System.out.println("PASS " + name);
      } catch (java.lang.reflect.InvocationTargetException e) {
        failed++;
        System.out.println("FAIL " + name + ": " + e.getCause());
        e.getCause().printStackTrace();
      } catch (NoSuchMethodException e) {
        failed++;
        System.out.println("FAIL " + name + ": no such check");
      }
    }
    c.close();
    System.exit(failed == 0 ? 0 : 1);
  }
}
