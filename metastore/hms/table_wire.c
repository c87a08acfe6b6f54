/*
 * table_wire.c: the hot table reads, served through the method table as
 * fast paths ("wire" rows of hms/methods.list): get_table and
 * get_table_req (hms_table_get), get_table_objects_by_name and its _req
 * form (hms_table_get_by_names) answered straight from the model onto
 * the wire.
 *
 * The generated c_glib path builds a GObject per Thrift struct, and a Table
 * drags in some thirty (privileges, statistics, creation metadata, file
 * metadata, ... even when unset), each with its hash tables: for a
 * get_table_objects_by_name of 100 tables that is tens of thousands of
 * allocations, most of the call's time. Here the reply is written with the
 * protocol's primitives, field by field, in the order and with the
 * presence rules of the generated writers for what hms_table_to_thrift()
 * fills in; tests/unit/hms/test_table_wire.c checks the bytes are identical.
 *
 * The door reads the arguments (they are small) with the generated
 * readers; a failure before the reply begins is answered by the door with
 * the declared exception that fits (hms_fail), like any method's.
 */
#include "hms/wire.h"
#include "hms_method_table.h"

#define T_FIELD(name, id, kind, member) WIRE_FIELD (name, id, kind, MsTable, member)

/* Table's fields that hms_table_to_thrift() sets, as its generated writer
 * writes them (a table without an owner type is the user's) */
static const WireField table_fields[] = {
  T_FIELD ("tableName", 1, WIRE_STR, name), T_FIELD ("dbName", 2, WIRE_STR, db_name),
  T_FIELD ("owner", 3, WIRE_STR, owner_name), T_FIELD ("createTime", 4, WIRE_I32, create_time),
  T_FIELD ("lastAccessTime", 5, WIRE_I32, last_access_time),
  T_FIELD ("retention", 6, WIRE_I32, retention), T_FIELD ("sd", 7, WIRE_SD, sd),
  T_FIELD ("partitionKeys", 8, WIRE_COLUMNS, partition_keys),
  T_FIELD ("parameters", 9, WIRE_MAP, params),
  T_FIELD ("viewOriginalText", 10, WIRE_STR, view_original_text),
  T_FIELD ("viewExpandedText", 11, WIRE_STR, view_expanded_text),
  T_FIELD ("tableType", 12, WIRE_STR, table_type),
  T_FIELD ("rewriteEnabled", 15, WIRE_BOOL, rewrite_enabled),
  T_FIELD ("catName", 17, WIRE_STR_ALWAYS, catalog),
  { "ownerType", 18, WIRE_I32, G_STRUCT_OFFSET (MsTable, owner_type), MS_PRINCIPAL_USER },
  T_FIELD ("writeId", 19, WIRE_I64, write_id), T_FIELD ("id", 25, WIRE_I64, id),
};

static void
table (Wire *w, const MsTable *t)
{
  hms_wire_struct_begin (w, "Table");
  hms_wire_fields (w, t, table_fields, G_N_ELEMENTS (table_fields));
  hms_wire_struct_end (w);
}

gboolean
hms_wire_write_table (ThriftProtocol *protocol, const MsTable *t, GError **error)
{
  Wire wire = { protocol, error, TRUE };
  table (&wire, t);
  return wire.ok;
}

/* Begin the reply to 'call': the message, its result struct and the
 * success field of 'type'. From here on the call has replied: a failure
 * is the connection's. */
static void
reply_begin (HmsCall *call, Wire *w, ThriftType type)
{
  call->replied = TRUE;
  W_DO (thrift_protocol_write_message_begin (w->p, call->method->name, T_REPLY, call->seqid,
                                             w->error));
  g_autofree char *result = g_strconcat (call->method->name, "_result", NULL);
  hms_wire_struct_begin (w, result);
  hms_wire_field_begin (w, "success", type, 0);
}

/* End the success field, the result struct and the message; flush. */
static gboolean
reply_end (Wire *w)
{
  hms_wire_field_end (w);
  hms_wire_struct_end (w);
  return w->ok && hms_wire_reply_end (w->p, w->error);
}

/* get_table, get_table_req */
gboolean
hms_table_get (HmsCall *call, GError **error)
{
  ThmsGetTableRequest *req = hms_arg_obj (call, "req");
  g_autoptr (MsTable) t = NULL;
  if (req != NULL)
    t = hms_table_lookup (call->hms, req->dbName, HMS_OPT (req, catName),
                          req->tblName, error);
  else
    t = hms_table_lookup (call->hms, hms_arg_str (call, "dbname"), NULL,
                          hms_arg_str (call, "tbl_name"), error);
  if (t == NULL)
    return FALSE;
  Wire wire = { call->protocol, error, TRUE }, *w = &wire;
  reply_begin (call, w, T_STRUCT);
  if (req != NULL)
    {
      hms_wire_struct_begin (w, "GetTableResult");
      hms_wire_field_begin (w, "table", T_STRUCT, 1);
      table (w, t);
      hms_wire_field_end (w);
      hms_wire_struct_end (w);
    }
  else
    table (w, t);
  return reply_end (w);
}

/* Like Hive, get_table_objects_by_name_req answers UnknownDBException for
 * an unknown database, InvalidOperationException for an invalid operation
 * and MetaException for anything else: the codes for which the HMS error
 * table would choose InvalidOperationException too (invalid input, object
 * or argument: a database name it cannot read, a refused pattern) become
 * MS_ERROR_NOT_ALLOWED, answered as MetaException. */
static GError *
meta_unless_unknown_db (GError *err)
{
  if (err->domain == MS_ERROR
      && (err->code == MS_ERROR_INVALID_INPUT || err->code == MS_ERROR_INVALID_OBJECT
          || err->code == MS_ERROR_INVALID_ARGUMENT))
    err->code = MS_ERROR_NOT_ALLOWED;
  return err;
}

/* The tables (MsTable*) a GetTablesRequest names, or those its pattern
 * matches ("*" when it gives neither). */
static GPtrArray *
tables_of_request (MsHms *hms, const ThmsGetTablesRequest *req, GError **error)
{
  const GPtrArray *names = req->__isset_tblNames ? req->tblNames : NULL;
  const char *pattern = req->__isset_tablesPattern ? req->tablesPattern : NULL;
  if (names == NULL && pattern == NULL)
    pattern = "*";
  GError *err = NULL;
  GPtrArray *tables = hms_tables_lookup (hms, req->dbName, HMS_OPT (req, catName),
                                         names, pattern, &err);
  if (tables == NULL)
    g_propagate_error (error, meta_unless_unknown_db (err));
  return tables;
}

/* get_table_objects_by_name, get_table_objects_by_name_req */
gboolean
hms_table_get_by_names (HmsCall *call, GError **error)
{
  ThmsGetTablesRequest *req = hms_arg_obj (call, "req");
  g_autoptr (GPtrArray) tables = NULL;
  if (req != NULL)
    tables = tables_of_request (call->hms, req, error);
  else
    tables = hms_tables_lookup (call->hms, hms_arg_str (call, "dbname"), NULL,
                                hms_arg_obj (call, "tbl_names"), NULL, error);
  if (tables == NULL)
    return FALSE;
  Wire wire = { call->protocol, error, TRUE }, *w = &wire;
  reply_begin (call, w, req != NULL ? T_STRUCT : T_LIST);
  if (req != NULL)
    {
      hms_wire_struct_begin (w, "GetTablesResult");
      hms_wire_field_begin (w, "tables", T_LIST, 1);
    }
  W_DO (thrift_protocol_write_list_begin (w->p, T_STRUCT, (gint32) tables->len, error));
  for (guint i = 0; w->ok && i < tables->len; i++)
    table (w, g_ptr_array_index (tables, i));
  W_DO (thrift_protocol_write_list_end (w->p, error));
  if (req != NULL)
    {
      hms_wire_field_end (w);
      hms_wire_struct_end (w);
    }
  return reply_end (w);
}
