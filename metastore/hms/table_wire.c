/*
 * table_wire.c: the hot table reads (get_table, get_table_req,
 * get_table_objects_by_name and its _req form) answered straight from the
 * model onto the wire.
 *
 * The generated c_glib path builds a GObject per Thrift struct, and a Table
 * drags in some thirty (privileges, statistics, creation metadata, file
 * metadata, ... even when unset), each with its hash tables: for a
 * get_table_objects_by_name of 100 tables that is tens of thousands of
 * allocations, most of the call's time. Here the reply is written with the
 * protocol's primitives, field by field, in the order and with the
 * presence rules of the generated writers for what hms_table_to_thrift()
 * fills in; tests/unit/test_table_wire.c checks the bytes are identical.
 *
 * Arguments are still read with the generated readers (they are small),
 * and errors are answered as the generated processor would.
 */
#include "hms/internal.h"
#include "core/log.h"
#include <thrift/c_glib/thrift_application_exception.h>

/* A writer that stops at the first error. */
typedef struct {
  ThriftProtocol *p;
  GError **error;
  gboolean ok;
} Wire;

#define W_DO(call)                                                                                 \
  do                                                                                               \
    {                                                                                              \
      if (w->ok && (call) < 0)                                                                     \
        w->ok = FALSE;                                                                             \
    }                                                                                              \
  while (0)

static void
field_begin (Wire *w, const char *name, ThriftType type, gint16 id)
{
  W_DO (thrift_protocol_write_field_begin (w->p, name, type, id, w->error));
}

static void
field_end (Wire *w)
{
  W_DO (thrift_protocol_write_field_end (w->p, w->error));
}

static void
string_field (Wire *w, const char *name, gint16 id, const char *value)
{
  if (value == NULL)
    return;
  field_begin (w, name, T_STRING, id);
  W_DO (thrift_protocol_write_string (w->p, value, w->error));
  field_end (w);
}

static void
i32_field (Wire *w, const char *name, gint16 id, gint32 value)
{
  field_begin (w, name, T_I32, id);
  W_DO (thrift_protocol_write_i32 (w->p, value, w->error));
  field_end (w);
}

static void
i64_field (Wire *w, const char *name, gint16 id, gint64 value)
{
  field_begin (w, name, T_I64, id);
  W_DO (thrift_protocol_write_i64 (w->p, value, w->error));
  field_end (w);
}

static void
bool_field (Wire *w, const char *name, gint16 id, gboolean value)
{
  field_begin (w, name, T_BOOL, id);
  W_DO (thrift_protocol_write_bool (w->p, value, w->error));
  field_end (w);
}

static void
struct_begin (Wire *w, const char *name)
{
  W_DO (thrift_protocol_write_struct_begin (w->p, name, w->error));
}

static void
struct_end (Wire *w)
{
  W_DO (thrift_protocol_write_field_stop (w->p, w->error));
  W_DO (thrift_protocol_write_struct_end (w->p, w->error));
}

static void
string_map (Wire *w, GHashTable *map)
{
  guint n = map ? g_hash_table_size (map) : 0;
  W_DO (thrift_protocol_write_map_begin (w->p, T_STRING, T_STRING, (gint32) n, w->error));
  if (n > 0)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, map);
      while (w->ok && g_hash_table_iter_next (&it, &k, &v))
        {
          W_DO (thrift_protocol_write_string (w->p, k, w->error));
          W_DO (thrift_protocol_write_string (w->p, v ? v : "", w->error));
        }
    }
  W_DO (thrift_protocol_write_map_end (w->p, w->error));
}

static void
string_list (Wire *w, GPtrArray *list)
{
  guint n = list ? list->len : 0;
  W_DO (thrift_protocol_write_list_begin (w->p, T_STRING, (gint32) n, w->error));
  for (guint i = 0; w->ok && i < n; i++)
    {
      const char *s = g_ptr_array_index (list, i);
      W_DO (thrift_protocol_write_string (w->p, s ? s : "", w->error));
    }
  W_DO (thrift_protocol_write_list_end (w->p, w->error));
}

/* ---- structs ---- */

static void
field_schema (Wire *w, const MsColumn *c)
{
  struct_begin (w, "FieldSchema");
  string_field (w, "name", 1, c->name);
  string_field (w, "type", 2, c->type);
  string_field (w, "comment", 3, c->comment);
  struct_end (w);
}

static void
columns (Wire *w, GPtrArray *cols)
{
  guint n = cols ? cols->len : 0;
  W_DO (thrift_protocol_write_list_begin (w->p, T_STRUCT, (gint32) n, w->error));
  for (guint i = 0; w->ok && i < n; i++)
    field_schema (w, g_ptr_array_index (cols, i));
  W_DO (thrift_protocol_write_list_end (w->p, w->error));
}

static void
serde (Wire *w, const MsSerDe *s)
{
  struct_begin (w, "SerDeInfo");
  if (s != NULL)
    {
      string_field (w, "name", 1, s->name);
      string_field (w, "serializationLib", 2, s->serialization_lib);
    }
  field_begin (w, "parameters", T_MAP, 3);
  string_map (w, s ? s->params : NULL);
  field_end (w);
  if (s != NULL)
    {
      string_field (w, "description", 4, s->description);
      string_field (w, "serializerClass", 5, s->serializer_class);
      string_field (w, "deserializerClass", 6, s->deserializer_class);
      if (s->serde_type)
        i32_field (w, "serdeType", 7, s->serde_type);
    }
  struct_end (w);
}

static void
skewed (Wire *w, const MsSkewed *s)
{
  struct_begin (w, "SkewedInfo");
  field_begin (w, "skewedColNames", T_LIST, 1);
  string_list (w, s ? s->names : NULL);
  field_end (w);
  field_begin (w, "skewedColValues", T_LIST, 2);
  guint n = s ? s->values->len : 0;
  W_DO (thrift_protocol_write_list_begin (w->p, T_LIST, (gint32) n, w->error));
  for (guint i = 0; w->ok && i < n; i++)
    string_list (w, g_ptr_array_index (s->values, i));
  W_DO (thrift_protocol_write_list_end (w->p, w->error));
  field_end (w);
  field_begin (w, "skewedColValueLocationMaps", T_MAP, 3);
  n = s ? s->locations->len : 0;
  W_DO (thrift_protocol_write_map_begin (w->p, T_LIST, T_STRING, (gint32) n, w->error));
  for (guint i = 0; w->ok && i < n; i++)
    {
      const MsSkewedLocation *l = g_ptr_array_index (s->locations, i);
      string_list (w, l->values);
      W_DO (thrift_protocol_write_string (w->p, l->location ? l->location : "", w->error));
    }
  W_DO (thrift_protocol_write_map_end (w->p, w->error));
  field_end (w);
  struct_end (w);
}

static void
storage_descriptor (Wire *w, const MsStorageDescriptor *sd)
{
  struct_begin (w, "StorageDescriptor");
  field_begin (w, "cols", T_LIST, 1);
  columns (w, sd ? sd->cols : NULL);
  field_end (w);
  if (sd != NULL)
    {
      string_field (w, "location", 2, sd->location);
      string_field (w, "inputFormat", 3, sd->input_format);
      string_field (w, "outputFormat", 4, sd->output_format);
    }
  bool_field (w, "compressed", 5, sd ? sd->compressed : FALSE);
  i32_field (w, "numBuckets", 6, sd ? sd->num_buckets : 0);
  field_begin (w, "serdeInfo", T_STRUCT, 7);
  serde (w, sd ? sd->serde : NULL);
  field_end (w);
  field_begin (w, "bucketCols", T_LIST, 8);
  string_list (w, sd ? sd->bucket_cols : NULL);
  field_end (w);
  field_begin (w, "sortCols", T_LIST, 9);
  guint n = sd ? sd->sort_cols->len : 0;
  W_DO (thrift_protocol_write_list_begin (w->p, T_STRUCT, (gint32) n, w->error));
  for (guint i = 0; w->ok && i < n; i++)
    {
      const MsSortCol *s = g_ptr_array_index (sd->sort_cols, i);
      struct_begin (w, "Order");
      string_field (w, "col", 1, s->col);
      i32_field (w, "order", 2, s->order);
      struct_end (w);
    }
  W_DO (thrift_protocol_write_list_end (w->p, w->error));
  field_end (w);
  field_begin (w, "parameters", T_MAP, 10);
  string_map (w, sd ? sd->params : NULL);
  field_end (w);
  if (sd != NULL)
    {
      field_begin (w, "skewedInfo", T_STRUCT, 11);
      skewed (w, sd->skewed);
      field_end (w);
      bool_field (w, "storedAsSubDirectories", 12, sd->stored_as_subdirs);
    }
  struct_end (w);
}

static void
table (Wire *w, const MsTable *t)
{
  struct_begin (w, "Table");
  string_field (w, "tableName", 1, t->name);
  string_field (w, "dbName", 2, t->db_name);
  string_field (w, "owner", 3, t->owner_name);
  i32_field (w, "createTime", 4, t->create_time);
  i32_field (w, "lastAccessTime", 5, t->last_access_time);
  i32_field (w, "retention", 6, t->retention);
  field_begin (w, "sd", T_STRUCT, 7);
  storage_descriptor (w, t->sd);
  field_end (w);
  field_begin (w, "partitionKeys", T_LIST, 8);
  columns (w, t->partition_keys);
  field_end (w);
  field_begin (w, "parameters", T_MAP, 9);
  string_map (w, t->params);
  field_end (w);
  string_field (w, "viewOriginalText", 10, t->view_original_text);
  string_field (w, "viewExpandedText", 11, t->view_expanded_text);
  string_field (w, "tableType", 12, t->table_type);
  bool_field (w, "rewriteEnabled", 15, t->rewrite_enabled);
  field_begin (w, "catName", T_STRING, 17);
  W_DO (thrift_protocol_write_string (w->p, t->catalog ? t->catalog : "", w->error));
  field_end (w);
  i32_field (w, "ownerType", 18, t->owner_type ? t->owner_type : MS_PRINCIPAL_USER);
  i64_field (w, "writeId", 19, t->write_id);
  i64_field (w, "id", 25, t->id);
  struct_end (w);
}

gboolean
hms_wire_write_table (ThriftProtocol *protocol, const MsTable *t, GError **error)
{
  Wire wire = { protocol, error, TRUE };
  table (&wire, t);
  return wire.ok;
}

/* ---- replies ---- */

static gboolean
reply_end (ThriftProtocol *p, GError **error)
{
  ThriftTransport *transport = p->transport;
  return thrift_protocol_write_message_end (p, error) >= 0
         && thrift_transport_write_end (transport, error) && thrift_transport_flush (transport, error);
}

/* A declared exception: the result struct with only field 'id' set to an
 * exception struct holding 'message'. */
static gboolean
reply_exception (ThriftProtocol *p, const char *method, gint32 seqid, const char *result_name,
                 gint16 id, const char *field, const char *type, const char *message,
                 GError **error)
{
  Wire wire = { p, error, TRUE }, *w = &wire;
  W_DO (thrift_protocol_write_message_begin (p, method, T_REPLY, seqid, error));
  struct_begin (w, result_name);
  field_begin (w, field, T_STRUCT, id);
  struct_begin (w, type);
  string_field (w, "message", 1, message);
  struct_end (w);
  field_end (w);
  struct_end (w);
  return w->ok && reply_end (p, error);
}

/* An undeclared failure: a TApplicationException, as the generated
 * processor sends when a handler fails without a declared exception. */
static gboolean
reply_app_exception (ThriftProtocol *p, const char *method, gint32 seqid, const char *message,
                     GError **error)
{
  if (thrift_protocol_write_message_begin (p, method, T_EXCEPTION, seqid, error) < 0)
    return FALSE;
  ThriftApplicationException *x = g_object_new (THRIFT_TYPE_APPLICATION_EXCEPTION, "type",
                                                THRIFT_APPLICATION_EXCEPTION_ERROR_INTERNAL_ERROR,
                                                "message", message, NULL);
  gboolean ok = thrift_struct_write (THRIFT_STRUCT (x), p, error) >= 0;
  g_object_unref (x);
  return ok && reply_end (p, error);
}

static gboolean
read_args (ThriftProtocol *p, ThriftStruct *args, GError **error)
{
  return thrift_struct_read (args, p, error) >= 0 && thrift_protocol_read_message_end (p, error) >= 0
         && thrift_transport_read_end (p->transport, error);
}

static void
log_answer (const GError *err)
{
  if (err->domain == MS_ERROR && (err->code == MS_ERROR_INTERNAL || err->code == MS_ERROR_UNAVAILABLE))
    ms_warn ("call failed: %s", err->message);
  else
    ms_debug ("call answered with %s: %s", ms_error_code_name (err->code), err->message);
}

static gboolean
fast_get_table (MsHms *hms, ThriftProtocol *p, gint32 seqid, gboolean req, GError **error)
{
  const char *method = req ? "get_table_req" : "get_table";
  const char *result_name = req ? "get_table_req_result" : "get_table_result";
  g_autoptr (GObject) args = NULL;
  const char *db, *name, *cat = NULL;
  if (req)
    {
      args = g_object_new (THMS_TYPE_THRIFT_HIVE_METASTORE_GET_TABLE_REQ_ARGS, NULL);
      if (!read_args (p, THRIFT_STRUCT (args), error))
        return FALSE;
      ThmsGetTableRequest *r = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_REQ_ARGS (args)->req;
      db = r->dbName;
      name = r->tblName;
      cat = r->__isset_catName ? r->catName : NULL;
    }
  else
    {
      args = g_object_new (THMS_TYPE_THRIFT_HIVE_METASTORE_GET_TABLE_ARGS, NULL);
      if (!read_args (p, THRIFT_STRUCT (args), error))
        return FALSE;
      db = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_ARGS (args)->dbname;
      name = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_ARGS (args)->tbl_name;
    }
  g_autoptr (GError) err = NULL;
  g_autoptr (MsTable) t = hms_table_lookup (hms, db, cat, name, &err);
  if (t == NULL)
    {
      log_answer (err);
      gboolean nso = err->domain == MS_ERROR && err->code == MS_ERROR_NOT_FOUND;
      return reply_exception (p, method, seqid, result_name, nso ? 2 : 1, nso ? "o2" : "o1",
                              nso ? "NoSuchObjectException" : "MetaException", err->message, error);
    }
  Wire wire = { p, error, TRUE }, *w = &wire;
  W_DO (thrift_protocol_write_message_begin (p, method, T_REPLY, seqid, error));
  struct_begin (w, result_name);
  field_begin (w, "success", T_STRUCT, 0);
  if (req)
    {
      struct_begin (w, "GetTableResult");
      field_begin (w, "table", T_STRUCT, 1);
      table (w, t);
      field_end (w);
      struct_end (w);
    }
  else
    table (w, t);
  field_end (w);
  struct_end (w);
  return w->ok && reply_end (p, error);
}

static gboolean
fast_get_tables (MsHms *hms, ThriftProtocol *p, gint32 seqid, gboolean req, GError **error)
{
  const char *method = req ? "get_table_objects_by_name_req" : "get_table_objects_by_name";
  const char *result_name = req ? "get_table_objects_by_name_req_result"
                                : "get_table_objects_by_name_result";
  g_autoptr (GObject) args = NULL;
  const char *db, *cat = NULL, *pattern = NULL;
  const GPtrArray *names;
  if (req)
    {
      args = g_object_new (THMS_TYPE_THRIFT_HIVE_METASTORE_GET_TABLE_OBJECTS_BY_NAME_REQ_ARGS, NULL);
      if (!read_args (p, THRIFT_STRUCT (args), error))
        return FALSE;
      ThmsGetTablesRequest *r = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_OBJECTS_BY_NAME_REQ_ARGS (args)->req;
      db = r->dbName;
      cat = r->__isset_catName ? r->catName : NULL;
      names = r->__isset_tblNames ? r->tblNames : NULL;
      pattern = r->__isset_tablesPattern ? r->tablesPattern : NULL;
      if (names == NULL && pattern == NULL)
        pattern = "*";
    }
  else
    {
      args = g_object_new (THMS_TYPE_THRIFT_HIVE_METASTORE_GET_TABLE_OBJECTS_BY_NAME_ARGS, NULL);
      if (!read_args (p, THRIFT_STRUCT (args), error))
        return FALSE;
      db = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_OBJECTS_BY_NAME_ARGS (args)->dbname;
      names = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_OBJECTS_BY_NAME_ARGS (args)->tbl_names;
    }
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) tables = hms_tables_lookup (hms, db, cat, names, pattern, &err);
  if (tables == NULL)
    {
      log_answer (err);
      if (!req)
        return reply_app_exception (p, method, seqid, err->message, error);
      gboolean udb = err->domain == MS_ERROR && err->code == MS_ERROR_NOT_FOUND;
      gboolean iop = err->domain == MS_ERROR && err->code == MS_ERROR_INVALID_OPERATION;
      return reply_exception (p, method, seqid, result_name, udb ? 3 : iop ? 2 : 1,
                              udb ? "o3" : iop ? "o2" : "o1",
                              udb ? "UnknownDBException"
                                  : iop ? "InvalidOperationException" : "MetaException",
                              err->message, error);
    }
  Wire wire = { p, error, TRUE }, *w = &wire;
  W_DO (thrift_protocol_write_message_begin (p, method, T_REPLY, seqid, error));
  struct_begin (w, result_name);
  field_begin (w, "success", req ? T_STRUCT : T_LIST, 0);
  if (req)
    {
      struct_begin (w, "GetTablesResult");
      field_begin (w, "tables", T_LIST, 1);
    }
  W_DO (thrift_protocol_write_list_begin (p, T_STRUCT, (gint32) tables->len, error));
  for (guint i = 0; w->ok && i < tables->len; i++)
    table (w, g_ptr_array_index (tables, i));
  W_DO (thrift_protocol_write_list_end (p, error));
  if (req)
    {
      field_end (w);
      struct_end (w);
    }
  field_end (w);
  struct_end (w);
  return w->ok && reply_end (p, error);
}

gboolean
hms_wire_dispatch (MsHms *hms, ThriftProtocol *protocol, const char *fname, gint32 seqid,
                   gboolean *handled, GError **error)
{
  *handled = TRUE;
  if (g_str_equal (fname, "get_table"))
    return fast_get_table (hms, protocol, seqid, FALSE, error);
  if (g_str_equal (fname, "get_table_req"))
    return fast_get_table (hms, protocol, seqid, TRUE, error);
  if (g_str_equal (fname, "get_table_objects_by_name"))
    return fast_get_tables (hms, protocol, seqid, FALSE, error);
  if (g_str_equal (fname, "get_table_objects_by_name_req"))
    return fast_get_tables (hms, protocol, seqid, TRUE, error);
  *handled = FALSE;
  return TRUE;
}
