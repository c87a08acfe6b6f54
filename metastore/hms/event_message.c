/*
 * event_message.c: notification messages in Hive's JSON message format
 * (JSONMessageEncoder, messageFormat "json-0.2"): the encoder the HMS door
 * registers on the store (model/event.h), so events written by either door
 * carry what Impala, Hive replication and Doris deserialize.
 *
 * Field names are those of Hive's JSON*Message classes; the Thrift objects
 * are embedded as Hive's MessageBuilder embeds them: model -> Thrift
 * (convert.c; tables and partitions straight through wire.h) ->
 * TJSONProtocol text (thrift_json.c), one protocol object per thread;
 * the message itself is written straight into its text (core/json_out.h:
 * the same bytes json-glib's generator wrote, without its tree).
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
#include "core/json_out.h"
#include "core/part_name.h"
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

/* A message being written: its text, and the one protocol its embedded
 * Thrift objects are written with in turn. */
typedef struct {
  MsJsonOut j;
  HmsThriftJson *thrift;
  const HmsEventEncoder *enc;
} Msg;

static void
member_str (Msg *m, const char *name, const char *value)
{
  if (value == NULL)
    return;
  ms_json_out_member (&m->j, name);
  ms_json_out_string (&m->j, value);
}

/* The members every message starts with. */
static void
header (Msg *m, const HmsEventEncoder *enc, const char *db)
{
  member_str (m, "server", enc->server);
  member_str (m, "servicePrincipal", enc->principal);
  member_str (m, "db", db);
}

static void
member_int (Msg *m, const char *name, gint64 value)
{
  ms_json_out_member (&m->j, name);
  ms_json_out_int (&m->j, value);
}

/* 'name': a list of strings */
static void
member_strings (Msg *m, const char *name, const GPtrArray *values)
{
  ms_json_out_member (&m->j, name);
  ms_json_out_begin_array (&m->j);
  for (guint i = 0; values != NULL && i < values->len; i++)
    ms_json_out_string (&m->j, g_ptr_array_index (values, i));
  ms_json_out_end_array (&m->j);
}

static int
compare_str (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* 'name': a {key: value} object of 'params', keys sorted */
static void
member_params (Msg *m, const char *name, GHashTable *params)
{
  ms_json_out_member (&m->j, name);
  ms_json_out_begin_object (&m->j);
  g_autofree const char **keys = params ? (const char **) g_hash_table_get_keys_as_array (params, NULL)
                                        : NULL;
  if (keys != NULL)
    qsort (keys, g_hash_table_size (params), sizeof *keys, compare_str);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    member_str (m, keys[i], g_hash_table_lookup (params, keys[i]));
  ms_json_out_end_object (&m->j);
}

/* 'name': the Thrift text of 'obj', owned by the call. */
static gboolean
member_obj (Msg *m, const char *name, char *json)
{
  if (json == NULL)
    return FALSE;
  member_str (m, name, json);
  g_free (json);
  return TRUE;
}

/* 'name' (NULL: the next element of an array): what 'write' writes for
 * 'data' as TJSONProtocol text. */
static gboolean
member_thrift (Msg *m, const char *name, HmsThriftJsonWriter write, gconstpointer data,
               GError **error)
{
  if (name != NULL)
    ms_json_out_member (&m->j, name);
  GString *into = ms_json_out_string_open (&m->j);
  if (!hms_thrift_json_run_into (m->thrift, into, write, data, error))
    return FALSE;
  ms_json_out_string_close (&m->j);
  return TRUE;
}

static gboolean
member_table (Msg *m, const char *name, const MsTable *t, GError **error)
{
  return member_thrift (m, name, write_table, t, error);
}

/* 'p' with its table's names where it has none of its own. */
static gboolean
member_partition (Msg *m, const char *name, const MsTable *t, const MsPartition *p,
                  GError **error)
{
  MsPartition named = *p;       /* shallow: only the names are replaced */
  if (named.db_name == NULL || *named.db_name == '\0')
    named.db_name = t->db_name;
  if (named.table_name == NULL || *named.table_name == '\0')
    named.table_name = t->name;
  if (named.catalog == NULL)
    named.catalog = t->catalog;
  return member_thrift (m, name, write_partition, &named, error);
}

/* A partition's {key: value} object, keys in partition key order. */
static void
key_values (Msg *m, const MsTable *t, const MsPartition *p)
{
  ms_json_out_begin_object (&m->j);
  for (guint i = 0; i < t->partition_keys->len && i < p->values->len; i++)
    {
      const MsColumn *k = g_ptr_array_index (t->partition_keys, i);
      member_str (m, k->name, g_ptr_array_index (p->values, i));
    }
  ms_json_out_end_object (&m->j);
}

/* table, tableType and tableObjJson of 't' */
static gboolean
table_members (Msg *m, const MsTable *t, const char *obj_name, GError **error)
{
  member_str (m, "table", t->name);
  member_str (m, "tableType", t->table_type);
  return obj_name == NULL || member_table (m, obj_name, t, error);
}

/* ---- one builder per event family ---- */

static gboolean
database_message (Msg *m, const MsEvent *ev, GError **error)
{
  if (ev->type == MS_EVENT_CREATE_DATABASE)
    return member_obj (m, "dbJson", database_json (ev->db, error));
  if (ev->type == MS_EVENT_ALTER_DATABASE)
    return member_obj (m, "dbObjBeforeJson", database_json (ev->db_before, error))
           && member_obj (m, "dbObjAfterJson", database_json (ev->db, error));
  return TRUE;
}

static gboolean
table_message (Msg *m, const MsEvent *ev, GError **error)
{
  const MsTable *t = ev->table;
  if (ev->type != MS_EVENT_ALTER_TABLE)
    {
      if (!table_members (m, t, "tableObjJson", error))
        return FALSE;
      if (ev->type == MS_EVENT_CREATE_TABLE)
        member_strings (m, "files", t->dir_files);
      return TRUE;
    }
  if (!table_members (m, t, NULL, error)
      || !member_table (m, "tableObjBeforeJson", ev->table_before, error)
      || !member_table (m, "tableObjAfterJson", t, error))
    return FALSE;
  member_str (m, "isTruncateOp", ev->truncate ? "true" : "false");
  member_int (m, "writeId", t->write_id);
  return TRUE;
}

/* "partitionFiles": Hive's PartitionFiles (partitionName, files) of each
 * partition whose directory was listed (none for an external table). */
static void
partition_files (Msg *m, const MsTable *t, const GPtrArray *parts)
{
  g_autofree const char **keys = g_new0 (const char *, t->partition_keys->len + 1);
  for (guint i = 0; i < t->partition_keys->len; i++)
    keys[i] = ((const MsColumn *) g_ptr_array_index (t->partition_keys, i))->name;
  ms_json_out_member (&m->j, "partitionFiles");
  ms_json_out_begin_array (&m->j);
  for (guint i = 0; i < parts->len; i++)
    {
      const MsPartition *p = g_ptr_array_index (parts, i);
      g_autoptr (GPtrArray) listed = NULL;
      if (p->dir_files == NULL && p->files_dir != NULL && m->enc->list_files != NULL)
        listed = m->enc->list_files (m->enc->owner, t, p->files_dir);
      const GPtrArray *files = p->dir_files ? p->dir_files : listed;
      if (files == NULL || p->values->len != t->partition_keys->len)
        continue;
      g_autofree char *name = ms_part_name_make (keys, (const char *const *) p->values->pdata,
                                                 p->values->len);
      ms_json_out_begin_object (&m->j);
      member_str (m, "partitionName", name);
      member_strings (m, "files", files);
      ms_json_out_end_object (&m->j);
    }
  ms_json_out_end_array (&m->j);
}

static gboolean
partition_list_message (Msg *m, const MsEvent *ev, GError **error)
{
  const MsTable *t = ev->table;
  if (!table_members (m, t, "tableObjJson", error))
    return FALSE;
  ms_json_out_member (&m->j, "partitions");
  ms_json_out_begin_array (&m->j);
  for (guint i = 0; i < ev->parts->len; i++)
    key_values (m, t, g_ptr_array_index (ev->parts, i));
  ms_json_out_end_array (&m->j);
  if (ev->type == MS_EVENT_DROP_PARTITION)
    return TRUE;
  ms_json_out_member (&m->j, "partitionListJson");
  ms_json_out_begin_array (&m->j);
  for (guint i = 0; i < ev->parts->len; i++)
    if (!member_partition (m, NULL, t, g_ptr_array_index (ev->parts, i), error))
      return FALSE;
  ms_json_out_end_array (&m->j);
  partition_files (m, t, ev->parts);
  return TRUE;
}

static gboolean
alter_partition_message (Msg *m, const MsEvent *ev, GError **error)
{
  const MsTable *t = ev->table;
  if (!table_members (m, t, "tableObjJson", error))
    return FALSE;
  member_str (m, "isTruncateOp", ev->truncate ? "true" : "false");
  member_int (m, "writeId", t->write_id);
  ms_json_out_member (&m->j, "keyValues");
  key_values (m, t, ev->part_before);
  return member_partition (m, "partitionObjBeforeJson", t, ev->part_before, error)
         && member_partition (m, "partitionObjAfterJson", t, ev->part, error);
}

static gboolean
function_message (Msg *m, const MsEvent *ev, GError **error)
{
  if (ev->type == MS_EVENT_CREATE_FUNCTION)
    return member_obj (m, "functionObjJson", function_json (ev->function, error));
  member_str (m, "functionName", ev->function->name);
  return TRUE;
}

/* Hive's insert message: each file as "<path>#<checksum>" when a checksum
 * came (ReplChangeManager's encoding), with its sub-directory appended. */
static gboolean
insert_message (Msg *m, const MsEvent *ev, GError **error)
{
  const MsTable *t = ev->table;
  if (!table_members (m, t, "tableObjJson", error))
    return FALSE;
  if (ev->part != NULL && !member_partition (m, "ptnObjJson", t, ev->part, error))
    return FALSE;
  member_str (m, "replace", ev->replace ? "true" : "false");
  ms_json_out_member (&m->j, "files");
  ms_json_out_begin_array (&m->j);
  for (guint i = 0; i < ev->n_files; i++)
    {
      const MsEventFile *f = &ev->files[i];
      g_autoptr (GString) s = g_string_new (f->path);
      if (f->checksum != NULL)
        g_string_append_printf (s, "#%s", f->checksum);
      if (f->checksum != NULL && f->subdir != NULL)
        g_string_append_printf (s, "#%s", f->subdir);
      ms_json_out_string (&m->j, s->str);
    }
  ms_json_out_end_array (&m->j);
  return TRUE;
}

/* ADD_PRIMARYKEY ... ADD_CHECKCONSTRAINT: each constraint row as its SQL*
 * struct's Thrift text, in a list named after the kind (Hive's
 * JSONAdd*Message: no db, no table; the log row carries them). */
static gboolean
constraint_list_message (Msg *m, const MsEvent *ev, GError **error)
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
  ms_json_out_member (&m->j, lists[first->kind]);
  ms_json_out_begin_array (&m->j);
  for (guint i = 0; i < ev->constraints->len; i++)
    {
      g_autoptr (GObject) o = hms_constraint_new_thrift (g_ptr_array_index (ev->constraints, i));
      g_autofree char *cj = hms_thrift_json_write (THRIFT_STRUCT (o), error);
      if (cj == NULL)
        return FALSE;
      ms_json_out_string (&m->j, cj);
    }
  ms_json_out_end_array (&m->j);
  return TRUE;
}

/* Hive's JSONDropConstraintMessage */
static gboolean
drop_constraint_message (Msg *m, const MsEvent *ev, GError **error)
{
  (void) error;
  member_str (m, "dbName", ev->db_name);
  member_str (m, "tableName", ev->table_name);
  member_str (m, "constraintName", ev->constraint_name);
  return TRUE;
}

/* Hive's JSONUpdateTableColumnStatMessage and its partition twin: the
 * statistics written, the table or partition parameters the write left,
 * the table object. writeId is the request's in Hive, -1 for a write
 * outside an ACID transaction (this server keeps none). */
static gboolean
update_col_stat_message (Msg *m, const MsEvent *ev, GError **error)
{
  const gboolean part = ev->type == MS_EVENT_UPDATE_PARTITION_COLUMN_STAT;
  if (part)
    member_str (m, "catalog", ev->table->catalog);
  member_str (m, "database", ev->table->db_name);
  member_int (m, "writeId", -1);
  if (!member_obj (m, "colStatsJson", col_stats_json (ev->col_stats, error)))
    return FALSE;
  member_params (m, "parameters", part ? ev->part->params : ev->table->params);
  if (part)
    member_strings (m, "partVals", ev->part->values);
  return member_table (m, "tableObjJson", ev->table, error);
}

/* Hive's JSONDeleteTableColumnStatMessage and its partition twin */
static gboolean
delete_col_stat_message (Msg *m, const MsEvent *ev, GError **error)
{
  (void) error;
  const gboolean part = ev->type == MS_EVENT_DELETE_PARTITION_COLUMN_STAT;
  if (part)
    member_str (m, "catalog", ev->table->catalog);
  member_str (m, "database", ev->table->db_name);
  member_str (m, "colName", ev->column);
  if (part)
    {
      member_str (m, "partName", ev->part_name);
      member_strings (m, "partValues", ev->part->values);
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

typedef gboolean (*MessageFn) (Msg *m, const MsEvent *ev, GError **error);

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
  Msg m = { .thrift = hms_thrift_json_for_thread (), .enc = enc };
  ms_json_out_init (&m.j, 4096);
  ms_json_out_begin_object (&m.j);
  header (&m, enc, messages[ev->type].db ? event_db (ev) : NULL);
  if (!messages[ev->type].build (&m, ev, error))
    {
      ms_json_out_clear (&m.j);
      return NULL;
    }
  member_int (&m, "timestamp", g_get_real_time () / G_USEC_PER_SEC);
  ms_json_out_end_object (&m.j);
  return ms_json_out_finish (&m.j);
}
