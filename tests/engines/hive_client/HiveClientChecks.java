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
