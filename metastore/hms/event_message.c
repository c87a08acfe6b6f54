/*
 * event_message.c: notification messages in Hive's JSON message format
 * (JSONMessageEncoder, messageFormat "json-0.2"): the encoder the HMS door
 * registers on the store (model/event.h), so events written by either door
 * carry what Impala, Hive replication and Doris deserialize.
 *
 * Field names are those of Hive's JSON*Message classes; the Thrift objects
 * are embedded as Hive's MessageBuilder embeds them: model -> Thrift
 * (convert.c; tables and partitions straight through wire.h) ->
 * TJSONProtocol text (thrift_json.c).
 *
 * One builder per message family, chosen by the table at the end
 * ('messages'): the database, table, partition, function, insert and
 * constraint messages (Hive's JSONAdd*ConstraintMessage / JSONAddPrimaryKey
 * / JSONAddForeignKey with the SQL* structs embedded, JSONDropConstraint)
 * and the column statistics messages (JSONUpdateTableColumnStatMessage,
 * JSONUpdatePartitionColumnStatMessage, JSONDeleteTableColumnStatMessage,
 * JSONDeletePartitionColumnStatMessage: "database", not "db").
 *
 * The data files of CREATE_TABLE ("files") and ADD_PARTITION
 * ("partitionFiles") are those the HMS door listed before the transaction
 * (MsTable / MsPartition dir_files, service/data.h's
 * ms_service_data_event_files): the encoder itself never reads storage.
 */
#include "hms/wire.h"
#include "hms/thrift_json.h"
#include "hms/event_message.h"
#include "core/json_text.h"
#include "core/part_name.h"
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThmsDatabase, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThmsFunction, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThmsColumnStatistics, g_object_unref)

/* ---- the embedded Thrift objects ---- */

/* Tables and partitions are written straight from the model with the wire
 * primitives (wire.h): the fields and presence rules of the generated
 * writer for hms_table_to_thrift / hms_partition_to_thrift, without their
 * GObjects (an ADD_PARTITION event of 1,000 partitions spent most of its
 * time building and freeing them). */
static gboolean
write_table (ThriftProtocol *protocol, gconstpointer t, GError **error)
{
  return hms_wire_write_table (protocol, t, error);
}

static char *
table_json (const MsTable *t, GError **error)
{
  return hms_thrift_json_write_with (write_table, t, error);
}

static char *
database_json (const MsDatabase *db, GError **error)
{
  g_autoptr (ThmsDatabase) td = g_object_new (THMS_TYPE_DATABASE, NULL);
  hms_database_to_thrift (db, td);
  return hms_thrift_json_write (THRIFT_STRUCT (td), error);
}

static gboolean
write_partition (ThriftProtocol *protocol, gconstpointer p, GError **error)
{
  Wire w = { protocol, error, TRUE };
  hms_wire_partition (&w, p);
  return w.ok;
}

/* 'p' with its table's names where it has none of its own. */
static char *
partition_json (const MsTable *t, const MsPartition *p, GError **error)
{
  MsPartition named = *p;       /* shallow: only the names are replaced */
  if (named.db_name == NULL || *named.db_name == '\0')
    named.db_name = t->db_name;
  if (named.table_name == NULL || *named.table_name == '\0')
    named.table_name = t->name;
  if (named.catalog == NULL)
    named.catalog = t->catalog;
  return hms_thrift_json_write_with (write_partition, &named, error);
}

static char *
function_json (const MsFunction *f, GError **error)
{
  g_autoptr (ThmsFunction) tf = hms_function_to_thrift (f);
  hms_set_string (&tf->dbName, f->db_name);
  if (f->catalog != NULL)
    {
      hms_set_string (&tf->catName, f->catalog);
      tf->__isset_catName = TRUE;
    }
  return hms_thrift_json_write (THRIFT_STRUCT (tf), error);
}

static char *
col_stats_json (const MsColumnStatistics *st, GError **error)
{
  g_autoptr (ThmsColumnStatistics) ts = g_object_new (THMS_TYPE_COLUMN_STATISTICS, NULL);
  hms_column_statistics_to_thrift (st, ts);
  return hms_thrift_json_write (THRIFT_STRUCT (ts), error);
}

/* ---- message members ---- */

static void
member_str (JsonBuilder *b, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/* The members every message starts with. */
static void
header (JsonBuilder *b, const HmsEventEncoder *enc, const char *db)
{
  member_str (b, "server", enc->server);
  member_str (b, "servicePrincipal", enc->principal);
  member_str (b, "db", db);
}

static void
member_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/* 'name': a list of strings */
static void
member_strings (JsonBuilder *b, const char *name, const GPtrArray *values)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; values != NULL && i < values->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (values, i));
  json_builder_end_array (b);
}

static int
compare_str (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* 'name': a {key: value} object of 'params', keys sorted */
static void
member_params (JsonBuilder *b, const char *name, GHashTable *params)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  g_autofree const char **keys = params ? (const char **) g_hash_table_get_keys_as_array (params, NULL)
                                        : NULL;
  if (keys != NULL)
    qsort (keys, g_hash_table_size (params), sizeof *keys, compare_str);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    member_str (b, keys[i], g_hash_table_lookup (params, keys[i]));
  json_builder_end_object (b);
}

/* 'name': the Thrift text of 'obj', owned by the call. */
static gboolean
member_obj (JsonBuilder *b, const char *name, char *json)
{
  if (json == NULL)
    return FALSE;
  member_str (b, name, json);
  g_free (json);
  return TRUE;
}

/* A partition's {key: value} object, keys in partition key order. */
static void
key_values (JsonBuilder *b, const MsTable *t, const MsPartition *p)
{
  json_builder_begin_object (b);
  for (guint i = 0; i < t->partition_keys->len && i < p->values->len; i++)
    {
      const MsColumn *k = g_ptr_array_index (t->partition_keys, i);
      member_str (b, k->name, g_ptr_array_index (p->values, i));
    }
  json_builder_end_object (b);
}

/* table, tableType and tableObjJson of 't' */
static gboolean
table_members (JsonBuilder *b, const MsTable *t, const char *obj_name, GError **error)
{
  member_str (b, "table", t->name);
  member_str (b, "tableType", t->table_type);
  return obj_name == NULL || member_obj (b, obj_name, table_json (t, error));
}

/* ---- one builder per event family ---- */

static gboolean
database_message (JsonBuilder *b, const MsEvent *ev, GError **error)
{
  if (ev->type == MS_EVENT_CREATE_DATABASE)
    return member_obj (b, "dbJson", database_json (ev->db, error));
  if (ev->type == MS_EVENT_ALTER_DATABASE)
    return member_obj (b, "dbObjBeforeJson", database_json (ev->db_before, error))
           && member_obj (b, "dbObjAfterJson", database_json (ev->db, error));
  return TRUE;
}

static gboolean
table_message (JsonBuilder *b, const MsEvent *ev, GError **error)
{
  const MsTable *t = ev->table;
  if (ev->type != MS_EVENT_ALTER_TABLE)
    {
      if (!table_members (b, t, "tableObjJson", error))
        return FALSE;
      if (ev->type == MS_EVENT_CREATE_TABLE)
        member_strings (b, "files", t->dir_files);
      return TRUE;
    }
  if (!table_members (b, t, NULL, error)
      || !member_obj (b, "tableObjBeforeJson", table_json (ev->table_before, error))
      || !member_obj (b, "tableObjAfterJson", table_json (t, error)))
    return FALSE;
  member_str (b, "isTruncateOp", ev->truncate ? "true" : "false");
  member_int (b, "writeId", t->write_id);
  return TRUE;
}

/* "partitionFiles": Hive's PartitionFiles (partitionName, files) of each
 * partition whose directory was listed (none for an external table). */
static void
partition_files (JsonBuilder *b, const MsTable *t, const GPtrArray *parts)
{
  g_autofree const char **keys = g_new0 (const char *, t->partition_keys->len + 1);
  for (guint i = 0; i < t->partition_keys->len; i++)
    keys[i] = ((const MsColumn *) g_ptr_array_index (t->partition_keys, i))->name;
  json_builder_set_member_name (b, "partitionFiles");
  json_builder_begin_array (b);
  for (guint i = 0; i < parts->len; i++)
    {
      const MsPartition *p = g_ptr_array_index (parts, i);
      if (p->dir_files == NULL || p->values->len != t->partition_keys->len)
        continue;
      g_autofree char *name = ms_part_name_make (keys, (const char *const *) p->values->pdata,
                                                 p->values->len);
      json_builder_begin_object (b);
      member_str (b, "partitionName", name);
      member_strings (b, "files", p->dir_files);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static gboolean
partition_list_message (JsonBuilder *b, const MsEvent *ev, GError **error)
{
  const MsTable *t = ev->table;
  if (!table_members (b, t, "tableObjJson", error))
    return FALSE;
  json_builder_set_member_name (b, "partitions");
  json_builder_begin_array (b);
  for (guint i = 0; i < ev->parts->len; i++)
    key_values (b, t, g_ptr_array_index (ev->parts, i));
  json_builder_end_array (b);
  if (ev->type == MS_EVENT_DROP_PARTITION)
    return TRUE;
  json_builder_set_member_name (b, "partitionListJson");
  json_builder_begin_array (b);
  for (guint i = 0; i < ev->parts->len; i++)
    {
      g_autofree char *pj = partition_json (t, g_ptr_array_index (ev->parts, i), error);
      if (pj == NULL)
        return FALSE;
      json_builder_add_string_value (b, pj);
    }
  json_builder_end_array (b);
  partition_files (b, t, ev->parts);
  return TRUE;
}

static gboolean
alter_partition_message (JsonBuilder *b, const MsEvent *ev, GError **error)
{
  const MsTable *t = ev->table;
  if (!table_members (b, t, "tableObjJson", error))
    return FALSE;
  member_str (b, "isTruncateOp", ev->truncate ? "true" : "false");
  member_int (b, "writeId", t->write_id);
  json_builder_set_member_name (b, "keyValues");
  key_values (b, t, ev->part_before);
  return member_obj (b, "partitionObjBeforeJson", partition_json (t, ev->part_before, error))
         && member_obj (b, "partitionObjAfterJson", partition_json (t, ev->part, error));
}

static gboolean
function_message (JsonBuilder *b, const MsEvent *ev, GError **error)
{
  if (ev->type == MS_EVENT_CREATE_FUNCTION)
    return member_obj (b, "functionObjJson", function_json (ev->function, error));
  member_str (b, "functionName", ev->function->name);
  return TRUE;
}

/* Hive's insert message: each file as "<path>#<checksum>" when a checksum
 * came (ReplChangeManager's encoding), with its sub-directory appended. */
static gboolean
insert_message (JsonBuilder *b, const MsEvent *ev, GError **error)
{
  const MsTable *t = ev->table;
  if (!table_members (b, t, "tableObjJson", error))
    return FALSE;
  if (ev->part != NULL && !member_obj (b, "ptnObjJson", partition_json (t, ev->part, error)))
    return FALSE;
  member_str (b, "replace", ev->replace ? "true" : "false");
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < ev->n_files; i++)
    {
      const MsEventFile *f = &ev->files[i];
      g_autoptr (GString) s = g_string_new (f->path);
      if (f->checksum != NULL)
        g_string_append_printf (s, "#%s", f->checksum);
      if (f->checksum != NULL && f->subdir != NULL)
        g_string_append_printf (s, "#%s", f->subdir);
      json_builder_add_string_value (b, s->str);
    }
  json_builder_end_array (b);
  return TRUE;
}

/* ADD_PRIMARYKEY ... ADD_CHECKCONSTRAINT: each constraint row as its SQL*
 * struct's Thrift text, in a list named after the kind (Hive's
 * JSONAdd*Message: no db, no table; the log row carries them). */
static gboolean
constraint_list_message (JsonBuilder *b, const MsEvent *ev, GError **error)
{
  static const char *const lists[MS_CONSTRAINT_N_KINDS] = {
    [MS_CONSTRAINT_PRIMARY_KEY] = "primaryKeyListJson",
    [MS_CONSTRAINT_FOREIGN_KEY] = "foreignKeyListJson",
    [MS_CONSTRAINT_UNIQUE] = "uniqueConstraintListJson",
    [MS_CONSTRAINT_NOT_NULL] = "notNullConstraintListJson",
    [MS_CONSTRAINT_DEFAULT] = "defaultConstraintListJson",
    [MS_CONSTRAINT_CHECK] = "checkConstraintListJson",
  };
  const MsConstraint *first = g_ptr_array_index (ev->constraints, 0);
  json_builder_set_member_name (b, lists[first->kind]);
  json_builder_begin_array (b);
  for (guint i = 0; i < ev->constraints->len; i++)
    {
      g_autoptr (GObject) o = hms_constraint_new_thrift (g_ptr_array_index (ev->constraints, i));
      g_autofree char *cj = hms_thrift_json_write (THRIFT_STRUCT (o), error);
      if (cj == NULL)
        return FALSE;
      json_builder_add_string_value (b, cj);
    }
  json_builder_end_array (b);
  return TRUE;
}

/* Hive's JSONDropConstraintMessage */
static gboolean
drop_constraint_message (JsonBuilder *b, const MsEvent *ev, GError **error)
{
  (void) error;
  member_str (b, "dbName", ev->db_name);
  member_str (b, "tableName", ev->table_name);
  member_str (b, "constraintName", ev->constraint_name);
  return TRUE;
}

/* Hive's JSONUpdateTableColumnStatMessage and its partition twin: the
 * statistics written, the table or partition parameters the write left,
 * the table object. writeId is the request's in Hive, -1 for a write
 * outside an ACID transaction (this server keeps none). */
static gboolean
update_col_stat_message (JsonBuilder *b, const MsEvent *ev, GError **error)
{
  const gboolean part = ev->type == MS_EVENT_UPDATE_PARTITION_COLUMN_STAT;
  if (part)
    member_str (b, "catalog", ev->table->catalog);
  member_str (b, "database", ev->table->db_name);
  member_int (b, "writeId", -1);
  if (!member_obj (b, "colStatsJson", col_stats_json (ev->col_stats, error)))
    return FALSE;
  member_params (b, "parameters", part ? ev->part->params : ev->table->params);
  if (part)
    member_strings (b, "partVals", ev->part->values);
  return member_obj (b, "tableObjJson", table_json (ev->table, error));
}

/* Hive's JSONDeleteTableColumnStatMessage and its partition twin */
static gboolean
delete_col_stat_message (JsonBuilder *b, const MsEvent *ev, GError **error)
{
  (void) error;
  const gboolean part = ev->type == MS_EVENT_DELETE_PARTITION_COLUMN_STAT;
  if (part)
    member_str (b, "catalog", ev->table->catalog);
  member_str (b, "database", ev->table->db_name);
  member_str (b, "colName", ev->column);
  if (part)
    {
      member_str (b, "partName", ev->part_name);
      member_strings (b, "partValues", ev->part->values);
    }
  return TRUE;
}

static const char *
event_db (const MsEvent *ev)
{
  if (ev->db_name != NULL)
    return ev->db_name;
  if (ev->table != NULL)
    return ev->table->db_name;
  if (ev->db != NULL)
    return ev->db->name;
  return ev->function != NULL ? ev->function->db_name : NULL;
}

/* Whether 'ev' carries what its builder reads (checked for the builders
 * whose objects are not always set by every store path). */
static gboolean
event_complete (const MsEvent *ev)
{
  switch (ev->type)
    {
    case MS_EVENT_UPDATE_PARTITION_COLUMN_STAT:
      return ev->table != NULL && ev->col_stats != NULL && ev->part != NULL;
    case MS_EVENT_UPDATE_TABLE_COLUMN_STAT:
      return ev->table != NULL && ev->col_stats != NULL;
    case MS_EVENT_DELETE_PARTITION_COLUMN_STAT:
      return ev->table != NULL && ev->column != NULL && ev->part != NULL;
    case MS_EVENT_DELETE_TABLE_COLUMN_STAT:
      return ev->table != NULL && ev->column != NULL;
    default:
      return ev->type < MS_EVENT_ADD_PRIMARYKEY || ev->type > MS_EVENT_ADD_CHECKCONSTRAINT
             || (ev->constraints != NULL && ev->constraints->len > 0);
    }
}

typedef gboolean (*MessageFn) (JsonBuilder *b, const MsEvent *ev, GError **error);

/* The message of each event type: its builder, and whether it has Hive's
 * "db" member (the constraint messages have none). */
static const struct {
  MessageFn build;
  gboolean db;
} messages[MS_EVENT_N_TYPES] = {
  [MS_EVENT_CREATE_DATABASE] = { database_message, TRUE },
  [MS_EVENT_ALTER_DATABASE] = { database_message, TRUE },
  [MS_EVENT_DROP_DATABASE] = { database_message, TRUE },
  [MS_EVENT_CREATE_TABLE] = { table_message, TRUE },
  [MS_EVENT_ALTER_TABLE] = { table_message, TRUE },
  [MS_EVENT_DROP_TABLE] = { table_message, TRUE },
  [MS_EVENT_ADD_PARTITION] = { partition_list_message, TRUE },
  [MS_EVENT_DROP_PARTITION] = { partition_list_message, TRUE },
  [MS_EVENT_ALTER_PARTITION] = { alter_partition_message, TRUE },
  [MS_EVENT_CREATE_FUNCTION] = { function_message, TRUE },
  [MS_EVENT_DROP_FUNCTION] = { function_message, TRUE },
  [MS_EVENT_INSERT] = { insert_message, TRUE },
  [MS_EVENT_ADD_PRIMARYKEY] = { constraint_list_message, FALSE },
  [MS_EVENT_ADD_FOREIGNKEY] = { constraint_list_message, FALSE },
  [MS_EVENT_ADD_UNIQUECONSTRAINT] = { constraint_list_message, FALSE },
  [MS_EVENT_ADD_NOTNULLCONSTRAINT] = { constraint_list_message, FALSE },
  [MS_EVENT_ADD_DEFAULTCONSTRAINT] = { constraint_list_message, FALSE },
  [MS_EVENT_ADD_CHECKCONSTRAINT] = { constraint_list_message, FALSE },
  [MS_EVENT_DROP_CONSTRAINT] = { drop_constraint_message, FALSE },
  [MS_EVENT_UPDATE_TABLE_COLUMN_STAT] = { update_col_stat_message, FALSE },
  [MS_EVENT_UPDATE_PARTITION_COLUMN_STAT] = { update_col_stat_message, FALSE },
  [MS_EVENT_DELETE_TABLE_COLUMN_STAT] = { delete_col_stat_message, FALSE },
  [MS_EVENT_DELETE_PARTITION_COLUMN_STAT] = { delete_col_stat_message, FALSE },
};

char *
hms_event_encode (const MsEvent *ev, gpointer user, GError **error)
{
  const HmsEventEncoder *enc = user;
  if ((guint) ev->type >= G_N_ELEMENTS (messages) || messages[ev->type].build == NULL)
    {
      ms_fail (error, MS_ERROR_INTERNAL, "no message format for event %d", ev->type);
      return NULL;
    }
  if (!event_complete (ev))
    {
      ms_fail (error, MS_ERROR_INTERNAL, "%s without its objects", ms_event_type_name (ev->type));
      return NULL;
    }
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  header (b, enc, messages[ev->type].db ? event_db (ev) : NULL);
  if (!messages[ev->type].build (b, ev, error))
    return NULL;
  member_int (b, "timestamp", g_get_real_time () / G_USEC_PER_SEC);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return ms_json_text (root, FALSE, NULL);
}
