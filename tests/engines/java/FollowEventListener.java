// FollowEventListener: the test Java metastore's notification log writer
// (tests/engines/java_hms.py compiles it at start; `metastore import
// --follow` reads what it writes).
//
// Hive's own writer, DbNotificationListener, ships in
// hive-hcatalog-server-extensions, of which Maven Central holds no 4.0.x
// (3.1.3, then 4.2.0 built for Java 21). This listener stands in for it on
// the 4.0.1 server: a transactional listener, so each row is written in the
// change's own transaction, through the metastore's own
// RawStore.addNotificationEvent (which takes NOTIFICATION_SEQUENCE's next
// id under a lock, as Hive's writer does). It writes the event types and
// the catalog, database and table names Hive's writer gives each event.
// Partition events carry Hive's own messages, built by its MessageBuilder
// and serialized by its encoders as DbNotificationListener does: ADD_ and
// ALTER_PARTITION in Hive 4's default "gzip(json-2.0)" (GzipJSONMessageEncoder),
// DROP_PARTITION in "json-0.2" (JSONMessageEncoder), so the follower's
// decoding of both is tested on real output. The other events carry an empty
// JSON object (the follower reads only their names).
package ms.test;

import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hive.metastore.HMSHandler;
import org.apache.hadoop.hive.metastore.TransactionalMetaStoreEventListener;
import org.apache.hadoop.hive.metastore.api.ColumnStatisticsDesc;
import org.apache.hadoop.hive.metastore.api.MetaException;
import org.apache.hadoop.hive.metastore.api.NotificationEvent;
import org.apache.hadoop.hive.metastore.api.Table;
import org.apache.hadoop.hive.metastore.events.*;
import org.apache.hadoop.hive.metastore.messaging.EventMessage;
import org.apache.hadoop.hive.metastore.messaging.MessageBuilder;
import org.apache.hadoop.hive.metastore.messaging.MessageEncoder;
import org.apache.hadoop.hive.metastore.messaging.PartitionFiles;
import org.apache.hadoop.hive.metastore.messaging.json.JSONMessageEncoder;
import org.apache.hadoop.hive.metastore.messaging.json.gzip.GzipJSONMessageEncoder;

public class FollowEventListener extends TransactionalMetaStoreEventListener {
  public FollowEventListener(Configuration conf) {
    super(conf);
  }

  private void log(String type, String cat, String db, String table) throws MetaException {
    write(type, cat, db, table, "{}", "json-0.2");
  }

  private void write(String type, String cat, String db, String table, String message,
                     String format) throws MetaException {
    NotificationEvent e = new NotificationEvent(0, (int) (System.currentTimeMillis() / 1000),
                                                type, message);
    e.setCatName(cat == null ? "hive" : cat);
    e.setDbName(db);
    e.setTableName(table);
    e.setMessageFormat(format);
    HMSHandler.getMSForConf(getConf()).addNotificationEvent(e);
  }

  /* An event with Hive's message for it, as 'enc' serializes it. */
  private void message(String type, Table t, EventMessage m, MessageEncoder enc)
      throws MetaException {
    write(type, t.getCatName(), t.getDbName(), t.getTableName(), enc.getSerializer().serialize(m),
          enc.getMessageFormat());
  }

  private void table(String type, Table t) throws MetaException {
    log(type, t.getCatName(), t.getDbName(), t.getTableName());
  }

  private void stats(String type, ColumnStatisticsDesc d) throws MetaException {
    log(type, d.getCatName(), d.getDbName(), d.getTableName());
  }

  @Override public void onCreateDatabase(CreateDatabaseEvent e) throws MetaException {
    log("CREATE_DATABASE", e.getDatabase().getCatalogName(), e.getDatabase().getName(), null);
  }
  @Override public void onAlterDatabase(AlterDatabaseEvent e) throws MetaException {
    log("ALTER_DATABASE", e.getNewDatabase().getCatalogName(), e.getNewDatabase().getName(), null);
  }
  @Override public void onDropDatabase(DropDatabaseEvent e) throws MetaException {
    log("DROP_DATABASE", e.getDatabase().getCatalogName(), e.getDatabase().getName(), null);
  }
  @Override public void onCreateTable(CreateTableEvent e) throws MetaException {
    table("CREATE_TABLE", e.getTable());
  }
  @Override public void onAlterTable(AlterTableEvent e) throws MetaException {
    table("ALTER_TABLE", e.getNewTable());        // a rename names the new name
  }
  @Override public void onDropTable(DropTableEvent e) throws MetaException {
    table("DROP_TABLE", e.getTable());
  }
  @Override public void onAddPartition(AddPartitionEvent e) throws MetaException {
    message("ADD_PARTITION", e.getTable(), MessageBuilder.getInstance().buildAddPartitionMessage(
        e.getTable(), e.getPartitionIterator(), Collections.<PartitionFiles>emptyIterator()),
        GzipJSONMessageEncoder.getInstance());
  }
  @Override public void onAlterPartition(AlterPartitionEvent e) throws MetaException {
    message("ALTER_PARTITION", e.getTable(), MessageBuilder.getInstance()
        .buildAlterPartitionMessage(e.getTable(), e.getOldPartition(), e.getNewPartition(),
                                    e.getIsTruncateOp(), e.getWriteId()),
        GzipJSONMessageEncoder.getInstance());
  }
  @Override public void onDropPartition(DropPartitionEvent e) throws MetaException {
    message("DROP_PARTITION", e.getTable(), MessageBuilder.getInstance()
        .buildDropPartitionMessage(e.getTable(), e.getPartitionIterator()),
        JSONMessageEncoder.getInstance());
  }
  @Override public void onInsert(InsertEvent e) throws MetaException {
    table("INSERT", e.getTableObj());
  }
  @Override public void onCreateFunction(CreateFunctionEvent e) throws MetaException {
    log("CREATE_FUNCTION", e.getFunction().getCatName(), e.getFunction().getDbName(), null);
  }
  @Override public void onDropFunction(DropFunctionEvent e) throws MetaException {
    log("DROP_FUNCTION", e.getFunction().getCatName(), e.getFunction().getDbName(), null);
  }
  @Override public void onUpdateTableColumnStat(UpdateTableColumnStatEvent e) throws MetaException {
    stats("UPDATE_TABLE_COLUMN_STAT", e.getColStats().getStatsDesc());
  }
  @Override public void onDeleteTableColumnStat(DeleteTableColumnStatEvent e) throws MetaException {
    log("DELETE_TABLE_COLUMN_STAT", e.getCatName(), e.getDBName(), e.getTableName());
  }
  @Override public void onUpdatePartitionColumnStat(UpdatePartitionColumnStatEvent e)
      throws MetaException {
    stats("UPDATE_PARTITION_COLUMN_STAT", e.getPartColStats().getStatsDesc());
  }
  @Override public void onDeletePartitionColumnStat(DeletePartitionColumnStatEvent e)
      throws MetaException {
    log("DELETE_PARTITION_COLUMN_STAT", e.getCatName(), e.getDBName(), e.getTableName());
  }
  @Override public void onAddPrimaryKey(AddPrimaryKeyEvent e) throws MetaException {
    if (!e.getPrimaryKeyCols().isEmpty())
      log("ADD_PRIMARYKEY", e.getPrimaryKeyCols().get(0).getCatName(),
          e.getPrimaryKeyCols().get(0).getTable_db(), e.getPrimaryKeyCols().get(0).getTable_name());
  }
  @Override public void onAddForeignKey(AddForeignKeyEvent e) throws MetaException {
    if (!e.getForeignKeyCols().isEmpty())
      log("ADD_FOREIGNKEY", e.getForeignKeyCols().get(0).getCatName(),
          e.getForeignKeyCols().get(0).getFktable_db(),
          e.getForeignKeyCols().get(0).getFktable_name());
  }
  @Override public void onAddUniqueConstraint(AddUniqueConstraintEvent e) throws MetaException {
    if (!e.getUniqueConstraintCols().isEmpty())
      log("ADD_UNIQUECONSTRAINT", e.getUniqueConstraintCols().get(0).getCatName(),
          e.getUniqueConstraintCols().get(0).getTable_db(),
          e.getUniqueConstraintCols().get(0).getTable_name());
  }
  @Override public void onAddNotNullConstraint(AddNotNullConstraintEvent e) throws MetaException {
    if (!e.getNotNullConstraintCols().isEmpty())
      log("ADD_NOTNULLCONSTRAINT", e.getNotNullConstraintCols().get(0).getCatName(),
          e.getNotNullConstraintCols().get(0).getTable_db(),
          e.getNotNullConstraintCols().get(0).getTable_name());
  }
  @Override public void onAddDefaultConstraint(AddDefaultConstraintEvent e) throws MetaException {
    if (!e.getDefaultConstraintCols().isEmpty())
      log("ADD_DEFAULTCONSTRAINT", e.getDefaultConstraintCols().get(0).getCatName(),
          e.getDefaultConstraintCols().get(0).getTable_db(),
          e.getDefaultConstraintCols().get(0).getTable_name());
  }
  @Override public void onAddCheckConstraint(AddCheckConstraintEvent e) throws MetaException {
    if (!e.getCheckConstraintCols().isEmpty())
      log("ADD_CHECKCONSTRAINT", e.getCheckConstraintCols().get(0).getCatName(),
          e.getCheckConstraintCols().get(0).getTable_db(),
          e.getCheckConstraintCols().get(0).getTable_name());
  }
  @Override public void onDropConstraint(DropConstraintEvent e) throws MetaException {
    log("DROP_CONSTRAINT", e.getCatName(), e.getDbName(), e.getTableName());
  }
}
