/*
 * event_message.c: notification messages in Hive's JSON message format
 * (JSONMessageEncoder, messageFormat "json-0.2"): the encoder the HMS door
 * registers on the store (model/event.h), so events written by either door
 * carry what Impala, Hive replication and Doris deserialize.
 *
 * Field names are those of Hive's JSON*Message classes; the Thrift objects
 * are embedded as Hive's MessageBuilder embeds them: model -> Thrift
 * (convert.c) -> TJSONProtocol text (thrift_json.c).
 *
 * Not carried: the data files of CREATE_TABLE ("files") and ADD_PARTITION
 * ("partitionFiles") are empty lists (Hive lists the directories for
 * replication's change management; we do not read storage inside a
 * catalog transaction).
 */
#include "hms/internal.h"
#include "hms/thrift_json.h"
#include "hms/event_message.h"
#include "core/json_text.h"
#include <json-glib/json-glib.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThmsTable, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThmsDatabase, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThmsPartition, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThmsFunction, g_object_unref)

/* ---- the embedded Thrift objects ---- */

static char *
table_json (const MsTable *t, GError **error)
{
  g_autoptr (ThmsTable) tt = g_object_new (THMS_TYPE_TABLE, NULL);
  hms_table_to_thrift (t, tt);
  return hms_thrift_json_write (THRIFT_STRUCT (tt), error);
}

static char *
database_json (const MsDatabase *db, GError **error)
{
  g_autoptr (ThmsDatabase) td = g_object_new (THMS_TYPE_DATABASE, NULL);
  hms_database_to_thrift (db, td);
  return hms_thrift_json_write (THRIFT_STRUCT (td), error);
}

static char *
partition_json (const MsTable *t, const MsPartition *p, GError **error)
{
  g_autoptr (ThmsPartition) tp = hms_partition_new_thrift (p);
  if (tp->dbName == NULL || *tp->dbName == '\0')
    hms_set_string (&tp->dbName, t->db_name);
  if (tp->tableName == NULL || *tp->tableName == '\0')
    hms_set_string (&tp->tableName, t->name);
  if (tp->catName == NULL && t->catalog != NULL)
    {
      hms_set_string (&tp->catName, t->catalog);
      tp->__isset_catName = TRUE;
    }
  return hms_thrift_json_write (THRIFT_STRUCT (tp), error);
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

static void
empty_list (JsonBuilder *b, const char *name)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  json_builder_end_array (b);
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
        empty_list (b, "files");
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
  empty_list (b, "partitionFiles");
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

char *
hms_event_encode (const MsEvent *ev, gpointer user, GError **error)
{
  const HmsEventEncoder *enc = user;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  header (b, enc, event_db (ev));
  gboolean ok;
  switch (ev->type)
    {
    case MS_EVENT_CREATE_DATABASE: case MS_EVENT_ALTER_DATABASE: case MS_EVENT_DROP_DATABASE:
      ok = database_message (b, ev, error);
      break;
    case MS_EVENT_CREATE_TABLE: case MS_EVENT_ALTER_TABLE: case MS_EVENT_DROP_TABLE:
      ok = table_message (b, ev, error);
      break;
    case MS_EVENT_ADD_PARTITION: case MS_EVENT_DROP_PARTITION:
      ok = partition_list_message (b, ev, error);
      break;
    case MS_EVENT_ALTER_PARTITION:
      ok = alter_partition_message (b, ev, error);
      break;
    case MS_EVENT_CREATE_FUNCTION: case MS_EVENT_DROP_FUNCTION:
      ok = function_message (b, ev, error);
      break;
    case MS_EVENT_INSERT:
      ok = insert_message (b, ev, error);
      break;
    default:
      ok = ms_fail (error, MS_ERROR_INTERNAL, "no message format for event %d", ev->type);
    }
  if (!ok)
    return NULL;
  member_int (b, "timestamp", g_get_real_time () / G_USEC_PER_SEC);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return ms_json_text (root, FALSE, NULL);
}
