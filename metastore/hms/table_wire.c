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
#include "hms/wire.h"
#include "core/log.h"
#include <thrift/c_glib/thrift_application_exception.h>

static void
table (Wire *w, const MsTable *t)
{
  hms_wire_struct_begin (w, "Table");
  hms_wire_string_field (w, "tableName", 1, t->name);
  hms_wire_string_field (w, "dbName", 2, t->db_name);
  hms_wire_string_field (w, "owner", 3, t->owner_name);
  hms_wire_i32_field (w, "createTime", 4, t->create_time);
  hms_wire_i32_field (w, "lastAccessTime", 5, t->last_access_time);
  hms_wire_i32_field (w, "retention", 6, t->retention);
  hms_wire_field_begin (w, "sd", T_STRUCT, 7);
  hms_wire_storage_descriptor (w, t->sd);
  hms_wire_field_end (w);
  hms_wire_field_begin (w, "partitionKeys", T_LIST, 8);
  hms_wire_columns (w, t->partition_keys);
  hms_wire_field_end (w);
  hms_wire_field_begin (w, "parameters", T_MAP, 9);
  hms_wire_string_map (w, t->params);
  hms_wire_field_end (w);
  hms_wire_string_field (w, "viewOriginalText", 10, t->view_original_text);
  hms_wire_string_field (w, "viewExpandedText", 11, t->view_expanded_text);
  hms_wire_string_field (w, "tableType", 12, t->table_type);
  hms_wire_bool_field (w, "rewriteEnabled", 15, t->rewrite_enabled);
  hms_wire_field_begin (w, "catName", T_STRING, 17);
  W_DO (thrift_protocol_write_string (w->p, t->catalog ? t->catalog : "", w->error));
  hms_wire_field_end (w);
  hms_wire_i32_field (w, "ownerType", 18, t->owner_type ? t->owner_type : MS_PRINCIPAL_USER);
  hms_wire_i64_field (w, "writeId", 19, t->write_id);
  hms_wire_i64_field (w, "id", 25, t->id);
  hms_wire_struct_end (w);
}

gboolean
hms_wire_write_table (ThriftProtocol *protocol, const MsTable *t, GError **error)
{
  Wire wire = { protocol, error, TRUE };
  table (&wire, t);
  return wire.ok;
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
      if (!hms_wire_read_args (p, THRIFT_STRUCT (args), error))
        return FALSE;
      ThmsGetTableRequest *r = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_REQ_ARGS (args)->req;
      db = r->dbName;
      name = r->tblName;
      cat = r->__isset_catName ? r->catName : NULL;
    }
  else
    {
      args = g_object_new (THMS_TYPE_THRIFT_HIVE_METASTORE_GET_TABLE_ARGS, NULL);
      if (!hms_wire_read_args (p, THRIFT_STRUCT (args), error))
        return FALSE;
      db = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_ARGS (args)->dbname;
      name = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_ARGS (args)->tbl_name;
    }
  g_autoptr (GError) err = NULL;
  g_autoptr (MsTable) t = hms_table_lookup (hms, db, cat, name, &err);
  if (t == NULL)
    {
      hms_wire_log_answer (err);
      gboolean nso = err->domain == MS_ERROR && err->code == MS_ERROR_NOT_FOUND;
      return hms_wire_reply_exception (p, method, seqid, result_name, nso ? 2 : 1, nso ? "o2" : "o1",
                              nso ? "NoSuchObjectException" : "MetaException", err->message, error);
    }
  Wire wire = { p, error, TRUE }, *w = &wire;
  W_DO (thrift_protocol_write_message_begin (p, method, T_REPLY, seqid, error));
  hms_wire_struct_begin (w, result_name);
  hms_wire_field_begin (w, "success", T_STRUCT, 0);
  if (req)
    {
      hms_wire_struct_begin (w, "GetTableResult");
      hms_wire_field_begin (w, "table", T_STRUCT, 1);
      table (w, t);
      hms_wire_field_end (w);
      hms_wire_struct_end (w);
    }
  else
    table (w, t);
  hms_wire_field_end (w);
  hms_wire_struct_end (w);
  return w->ok && hms_wire_reply_end (p, error);
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
      if (!hms_wire_read_args (p, THRIFT_STRUCT (args), error))
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
      if (!hms_wire_read_args (p, THRIFT_STRUCT (args), error))
        return FALSE;
      db = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_OBJECTS_BY_NAME_ARGS (args)->dbname;
      names = THMS_THRIFT_HIVE_METASTORE_GET_TABLE_OBJECTS_BY_NAME_ARGS (args)->tbl_names;
    }
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) tables = hms_tables_lookup (hms, db, cat, names, pattern, &err);
  if (tables == NULL)
    {
      hms_wire_log_answer (err);
      if (!req)
        return hms_wire_reply_app_exception (p, method, seqid, err->message, error);
      gboolean udb = err->domain == MS_ERROR && err->code == MS_ERROR_NOT_FOUND;
      gboolean iop = err->domain == MS_ERROR && err->code == MS_ERROR_INVALID_OPERATION;
      return hms_wire_reply_exception (p, method, seqid, result_name, udb ? 3 : iop ? 2 : 1,
                              udb ? "o3" : iop ? "o2" : "o1",
                              udb ? "UnknownDBException"
                                  : iop ? "InvalidOperationException" : "MetaException",
                              err->message, error);
    }
  Wire wire = { p, error, TRUE }, *w = &wire;
  W_DO (thrift_protocol_write_message_begin (p, method, T_REPLY, seqid, error));
  hms_wire_struct_begin (w, result_name);
  hms_wire_field_begin (w, "success", req ? T_STRUCT : T_LIST, 0);
  if (req)
    {
      hms_wire_struct_begin (w, "GetTablesResult");
      hms_wire_field_begin (w, "tables", T_LIST, 1);
    }
  W_DO (thrift_protocol_write_list_begin (p, T_STRUCT, (gint32) tables->len, error));
  for (guint i = 0; w->ok && i < tables->len; i++)
    table (w, g_ptr_array_index (tables, i));
  W_DO (thrift_protocol_write_list_end (p, error));
  if (req)
    {
      hms_wire_field_end (w);
      hms_wire_struct_end (w);
    }
  hms_wire_field_end (w);
  hms_wire_struct_end (w);
  return w->ok && hms_wire_reply_end (p, error);
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
