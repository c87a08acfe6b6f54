/*
 * wire.c: writing Thrift replies field by field from the model (see
 * wire.h), shared by the fast table and partition reads.
 */
#include "hms/wire.h"
#include "core/log.h"
#include <thrift/c_glib/thrift_application_exception.h>

void
hms_wire_field_begin (Wire *w, const char *name, ThriftType type, gint16 id)
{
  W_DO (thrift_protocol_write_field_begin (w->p, name, type, id, w->error));
}

void
hms_wire_field_end (Wire *w)
{
  W_DO (thrift_protocol_write_field_end (w->p, w->error));
}

void
hms_wire_string_field (Wire *w, const char *name, gint16 id, const char *value)
{
  if (value == NULL)
    return;
  hms_wire_field_begin (w, name, T_STRING, id);
  W_DO (thrift_protocol_write_string (w->p, value, w->error));
  hms_wire_field_end (w);
}

/* hms_wire_i32_field, hms_wire_i64_field, hms_wire_bool_field: one
 * definition over the C type and the protocol's writer of each. */
#define WIRE_SCALAR_FIELD(kind, ctype, ttype)                                                      \
  void hms_wire_##kind##_field (Wire *w, const char *name, gint16 id, ctype value)                 \
  {                                                                                                \
    hms_wire_field_begin (w, name, ttype, id);                                                     \
    W_DO (thrift_protocol_write_##kind (w->p, value, w->error));                                   \
    hms_wire_field_end (w);                                                                        \
  }

WIRE_SCALAR_FIELD (i32, gint32, T_I32)
WIRE_SCALAR_FIELD (i64, gint64, T_I64)
WIRE_SCALAR_FIELD (bool, gboolean, T_BOOL)

/* One field of hms_wire_fields; 'm' points at the model member. */
static void
wire_field (Wire *w, const WireField *f, gconstpointer m)
{
  switch (f->kind)
    {
    case WIRE_STR:
      hms_wire_string_field (w, f->name, f->id, *(char *const *) m);
      break;
    case WIRE_STR_ALWAYS:
      hms_wire_field_begin (w, f->name, T_STRING, f->id);
      W_DO (thrift_protocol_write_string (w->p, *(char *const *) m ? *(char *const *) m : "",
                                          w->error));
      hms_wire_field_end (w);
      break;
    case WIRE_I32:
      hms_wire_i32_field (w, f->name, f->id, *(const int *) m ? *(const int *) m : f->dflt);
      break;
    case WIRE_I64:
      hms_wire_i64_field (w, f->name, f->id, *(const gint64 *) m);
      break;
    case WIRE_BOOL:
      hms_wire_bool_field (w, f->name, f->id, *(const gboolean *) m);
      break;
    case WIRE_MAP:
      hms_wire_string_map_field (w, f->name, f->id, *(GHashTable *const *) m);
      break;
    case WIRE_COLUMNS:
      hms_wire_columns_field (w, f->name, f->id, *(GPtrArray *const *) m);
      break;
    case WIRE_SD:
      hms_wire_field_begin (w, f->name, T_STRUCT, f->id);
      hms_wire_storage_descriptor (w, *(MsStorageDescriptor *const *) m);
      hms_wire_field_end (w);
      break;
    }
}

void
hms_wire_fields (Wire *w, gconstpointer obj, const WireField *fields, gsize n)
{
  for (gsize i = 0; i < n; i++)
    wire_field (w, &fields[i], G_STRUCT_MEMBER_P ((gpointer) obj, fields[i].offset));
}

void
hms_wire_struct_begin (Wire *w, const char *name)
{
  W_DO (thrift_protocol_write_struct_begin (w->p, name, w->error));
}

void
hms_wire_struct_end (Wire *w)
{
  W_DO (thrift_protocol_write_field_stop (w->p, w->error));
  W_DO (thrift_protocol_write_struct_end (w->p, w->error));
}

void
hms_wire_string_map_field (Wire *w, const char *name, gint16 id, GHashTable *map)
{
  hms_wire_field_begin (w, name, T_MAP, id);
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
  hms_wire_field_end (w);
}

void
hms_wire_string_list (Wire *w, GPtrArray *list)
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

void
hms_wire_string_list_field (Wire *w, const char *name, gint16 id, GPtrArray *list)
{
  hms_wire_field_begin (w, name, T_LIST, id);
  hms_wire_string_list (w, list);
  hms_wire_field_end (w);
}

/* ---- structs ---- */

void
hms_wire_field_schema (Wire *w, const MsColumn *c)
{
  hms_wire_struct_begin (w, "FieldSchema");
  hms_wire_string_field (w, "name", 1, c->name);
  hms_wire_string_field (w, "type", 2, c->type);
  hms_wire_string_field (w, "comment", 3, c->comment);
  hms_wire_struct_end (w);
}

void
hms_wire_columns_field (Wire *w, const char *name, gint16 id, GPtrArray *cols)
{
  hms_wire_field_begin (w, name, T_LIST, id);
  guint n = cols ? cols->len : 0;
  W_DO (thrift_protocol_write_list_begin (w->p, T_STRUCT, (gint32) n, w->error));
  for (guint i = 0; w->ok && i < n; i++)
    hms_wire_field_schema (w, g_ptr_array_index (cols, i));
  W_DO (thrift_protocol_write_list_end (w->p, w->error));
  hms_wire_field_end (w);
}

void
hms_wire_serde (Wire *w, const MsSerDe *s)
{
  hms_wire_struct_begin (w, "SerDeInfo");
  if (s != NULL)
    {
      hms_wire_string_field (w, "name", 1, s->name);
      hms_wire_string_field (w, "serializationLib", 2, s->serialization_lib);
    }
  hms_wire_string_map_field (w, "parameters", 3, s ? s->params : NULL);
  if (s != NULL)
    {
      hms_wire_string_field (w, "description", 4, s->description);
      hms_wire_string_field (w, "serializerClass", 5, s->serializer_class);
      hms_wire_string_field (w, "deserializerClass", 6, s->deserializer_class);
      if (s->serde_type)
        hms_wire_i32_field (w, "serdeType", 7, s->serde_type);
    }
  hms_wire_struct_end (w);
}

void
hms_wire_skewed (Wire *w, const MsSkewed *s)
{
  hms_wire_struct_begin (w, "SkewedInfo");
  hms_wire_string_list_field (w, "skewedColNames", 1, s ? s->names : NULL);
  hms_wire_field_begin (w, "skewedColValues", T_LIST, 2);
  guint n = s ? s->values->len : 0;
  W_DO (thrift_protocol_write_list_begin (w->p, T_LIST, (gint32) n, w->error));
  for (guint i = 0; w->ok && i < n; i++)
    hms_wire_string_list (w, g_ptr_array_index (s->values, i));
  W_DO (thrift_protocol_write_list_end (w->p, w->error));
  hms_wire_field_end (w);
  hms_wire_field_begin (w, "skewedColValueLocationMaps", T_MAP, 3);
  n = s ? s->locations->len : 0;
  W_DO (thrift_protocol_write_map_begin (w->p, T_LIST, T_STRING, (gint32) n, w->error));
  for (guint i = 0; w->ok && i < n; i++)
    {
      const MsSkewedLocation *l = g_ptr_array_index (s->locations, i);
      hms_wire_string_list (w, l->values);
      W_DO (thrift_protocol_write_string (w->p, l->location ? l->location : "", w->error));
    }
  W_DO (thrift_protocol_write_map_end (w->p, w->error));
  hms_wire_field_end (w);
  hms_wire_struct_end (w);
}

void
hms_wire_storage_descriptor (Wire *w, const MsStorageDescriptor *sd)
{
  hms_wire_struct_begin (w, "StorageDescriptor");
  hms_wire_columns_field (w, "cols", 1, sd ? sd->cols : NULL);
  if (sd != NULL)
    {
      hms_wire_string_field (w, "location", 2, sd->location);
      hms_wire_string_field (w, "inputFormat", 3, sd->input_format);
      hms_wire_string_field (w, "outputFormat", 4, sd->output_format);
    }
  hms_wire_bool_field (w, "compressed", 5, sd ? sd->compressed : FALSE);
  hms_wire_i32_field (w, "numBuckets", 6, sd ? sd->num_buckets : 0);
  hms_wire_field_begin (w, "serdeInfo", T_STRUCT, 7);
  hms_wire_serde (w, sd ? sd->serde : NULL);
  hms_wire_field_end (w);
  hms_wire_string_list_field (w, "bucketCols", 8, sd ? sd->bucket_cols : NULL);
  hms_wire_field_begin (w, "sortCols", T_LIST, 9);
  guint n = sd ? sd->sort_cols->len : 0;
  W_DO (thrift_protocol_write_list_begin (w->p, T_STRUCT, (gint32) n, w->error));
  for (guint i = 0; w->ok && i < n; i++)
    {
      const MsSortCol *s = g_ptr_array_index (sd->sort_cols, i);
      hms_wire_struct_begin (w, "Order");
      hms_wire_string_field (w, "col", 1, s->col);
      hms_wire_i32_field (w, "order", 2, s->order);
      hms_wire_struct_end (w);
    }
  W_DO (thrift_protocol_write_list_end (w->p, w->error));
  hms_wire_field_end (w);
  hms_wire_string_map_field (w, "parameters", 10, sd ? sd->params : NULL);
  if (sd != NULL)
    {
      hms_wire_field_begin (w, "skewedInfo", T_STRUCT, 11);
      hms_wire_skewed (w, sd->skewed);
      hms_wire_field_end (w);
      hms_wire_bool_field (w, "storedAsSubDirectories", 12, sd->stored_as_subdirs);
    }
  hms_wire_struct_end (w);
}

void
hms_wire_partition (Wire *w, const MsPartition *p)
{
  hms_wire_struct_begin (w, "Partition");
  hms_wire_string_list_field (w, "values", 1, p->values);
  hms_wire_string_field (w, "dbName", 2, p->db_name);
  hms_wire_string_field (w, "tableName", 3, p->table_name);
  hms_wire_i32_field (w, "createTime", 4, p->create_time);
  hms_wire_i32_field (w, "lastAccessTime", 5, p->last_access_time);
  hms_wire_field_begin (w, "sd", T_STRUCT, 6);
  hms_wire_storage_descriptor (w, p->sd);
  hms_wire_field_end (w);
  hms_wire_string_map_field (w, "parameters", 7, p->params);
  hms_wire_string_field (w, "catName", 9, p->catalog);
  hms_wire_struct_end (w);
}

/* ---- replies ---- */

gboolean
hms_wire_reply_end (ThriftProtocol *p, GError **error)
{
  ThriftTransport *transport = p->transport;
  return thrift_protocol_write_message_end (p, error) >= 0
         && thrift_transport_write_end (transport, error) && thrift_transport_flush (transport, error);
}

/* An undeclared failure: a TApplicationException of 'type'
 * (ThriftApplicationExceptionError), as the generated processor sends when
 * a handler fails without a declared exception. */
gboolean
hms_wire_reply_app_exception (ThriftProtocol *p, const char *method, gint32 seqid, int type,
                              const char *message, GError **error)
{
  ms_hms_note_exception ("TApplicationException");
  if (thrift_protocol_write_message_begin (p, method, T_EXCEPTION, seqid, error) < 0)
    return FALSE;
  ThriftApplicationException *x = g_object_new (THRIFT_TYPE_APPLICATION_EXCEPTION, "type", type,
                                                "message", message, NULL);
  gboolean ok = thrift_struct_write (THRIFT_STRUCT (x), p, error) >= 0;
  g_object_unref (x);
  return ok && hms_wire_reply_end (p, error);
}

gboolean
hms_wire_read_args (ThriftProtocol *p, ThriftStruct *args, GError **error)
{
  return thrift_struct_read (args, p, error) >= 0 && thrift_protocol_read_message_end (p, error) >= 0
         && thrift_transport_read_end (p->transport, error);
}

