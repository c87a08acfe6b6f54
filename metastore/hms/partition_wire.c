/*
 * partition_wire.c: the partition listings (get_partitions, by names, by
 * filter, by partial spec, with their _with_auth and _req forms) written
 * onto the wire as the store streams them.
 *
 * A Partition through the generated c_glib path costs some twenty
 * GObjects; a listing of a thousand would spend most of its time there.
 * Here each row the store decodes is written at once with the protocol's
 * primitives (see wire.h), byte for byte what the generated writer puts
 * out for hms_partition_to_thrift (tests/unit/test_partition_wire.c), and
 * nothing is kept: a reply of 100,000 partitions holds one batch of rows
 * at a time (the reply itself is streamed by the buffered transport).
 *
 * A store failure after the first row was written cannot become an
 * exception any more: the call fails and the connection is closed, which
 * clients treat as a transport error and retry.
 */
#include "hms/wire.h"
#include "hms/partition_query.h"
#include <string.h>
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/transport/thrift_memory_buffer.h>

/* ---- one Partition, encoded into bytes ---- */

/* Thrift's binary protocol, for the few shapes a Partition needs: field
 * headers (type byte, big-endian id), strings (length, bytes), 32-bit
 * integers, and list and map headers. Everything else (the storage
 * descriptor) comes from the shared writers in wire.c, encoded once per
 * reply when the partitions share their table's descriptor. */
static void
put_u8 (GByteArray *b, guint8 v)
{
  g_byte_array_append (b, &v, 1);
}

static void
put_i32 (GByteArray *b, gint32 v)
{
  guint32 be = GUINT32_TO_BE ((guint32) v);
  g_byte_array_append (b, (const guint8 *) &be, 4);
}

static void
put_field (GByteArray *b, guint8 type, gint16 id)
{
  guint8 h[3] = { type, (guint8) ((guint16) id >> 8), (guint8) id };
  g_byte_array_append (b, h, 3);
}

static void
put_string (GByteArray *b, const char *s)
{
  gsize n = strlen (s);
  put_i32 (b, (gint32) n);
  g_byte_array_append (b, (const guint8 *) s, (guint) n);
}

/* A storage descriptor's encoding split around its location field (id 2),
 * which is all that differs between partitions sharing their table's. */
typedef struct {
  GByteArray *before;   /* from the struct's start to the location field */
  GByteArray *after;    /* from after the location to the struct's end */
} SdBytes;

static void
sd_bytes_clear (SdBytes *c)
{
  if (c->before)
    g_byte_array_unref (c->before);
  if (c->after)
    g_byte_array_unref (c->after);
  c->before = c->after = NULL;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SdBytes, sd_bytes_clear)

/* The bytes the shared writer produces for 'sd' (its location ignored). */
static GByteArray *
encode_sd (const MsStorageDescriptor *sd, const char *location, GError **error)
{
  ThriftMemoryBuffer *buf = g_object_new (THRIFT_TYPE_MEMORY_BUFFER, "buf_size", 1 << 30, NULL);
  ThriftProtocol *proto = g_object_new (THRIFT_TYPE_BINARY_PROTOCOL, "transport", buf, NULL);
  MsStorageDescriptor copy = { 0 };
  if (sd != NULL)
    {
      copy = *sd;
      copy.location = (char *) location;
    }
  Wire wire = { proto, error, TRUE };
  hms_wire_storage_descriptor (&wire, sd ? &copy : NULL);
  GByteArray *out = NULL;
  if (wire.ok)
    out = g_byte_array_ref (buf->buf);
  g_object_unref (proto);
  g_object_unref (buf);
  return out;
}

/* Split the encoding of 'sd' around its location. */
static gboolean
sd_bytes_init (SdBytes *c, const MsStorageDescriptor *sd, GError **error)
{
  static const char mark[] = "\x01ms-location\x01";
  g_autoptr (GByteArray) with = encode_sd (sd, mark, error);
  if (with == NULL)
    return FALSE;
  /* the location field: type, id 2, length, the mark */
  g_autoptr (GByteArray) field = g_byte_array_new ();
  put_field (field, T_STRING, 2);
  put_string (field, mark);
  for (guint i = 0; i + field->len <= with->len; i++)
    if (memcmp (with->data + i, field->data, field->len) == 0)
      {
        c->before = g_byte_array_sized_new (i);
        g_byte_array_append (c->before, with->data, i);
        c->after = g_byte_array_sized_new (with->len - i - field->len);
        g_byte_array_append (c->after, with->data + i + field->len, with->len - i - field->len);
        return TRUE;
      }
  return ms_fail (error, MS_ERROR_INTERNAL, "storage descriptor encoding without its location");
}

/* Partition 'p' onto 'b', exactly as the generated writer encodes
 * hms_partition_to_thrift (p). With 'shared' its descriptor is the
 * table's but for the location. */
static gboolean
encode_partition (GByteArray *b, const MsPartition *p, const SdBytes *shared, GError **error)
{
  put_field (b, T_LIST, 1);
  put_u8 (b, T_STRING);
  put_i32 (b, (gint32) p->values->len);
  for (guint i = 0; i < p->values->len; i++)
    {
      const char *v = g_ptr_array_index (p->values, i);
      put_string (b, v ? v : "");
    }
  if (p->db_name)
    {
      put_field (b, T_STRING, 2);
      put_string (b, p->db_name);
    }
  if (p->table_name)
    {
      put_field (b, T_STRING, 3);
      put_string (b, p->table_name);
    }
  put_field (b, T_I32, 4);
  put_i32 (b, p->create_time);
  put_field (b, T_I32, 5);
  put_i32 (b, p->last_access_time);
  put_field (b, T_STRUCT, 6);
  const char *location = p->sd ? p->sd->location : NULL;
  if (shared != NULL)
    {
      g_byte_array_append (b, shared->before->data, shared->before->len);
      if (location)
        {
          put_field (b, T_STRING, 2);
          put_string (b, location);
        }
      g_byte_array_append (b, shared->after->data, shared->after->len);
    }
  else
    {
      g_autoptr (GByteArray) sd = encode_sd (p->sd, location, error);
      if (sd == NULL)
        return FALSE;
      g_byte_array_append (b, sd->data, sd->len);
    }
  put_field (b, T_MAP, 7);
  put_u8 (b, T_STRING);
  put_u8 (b, T_STRING);
  guint n = p->params ? g_hash_table_size (p->params) : 0;
  put_i32 (b, (gint32) n);
  if (n > 0)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, p->params);
      while (g_hash_table_iter_next (&it, &k, &v))
        {
          put_string (b, k);
          put_string (b, v ? v : "");
        }
    }
  if (p->catalog)
    {
      put_field (b, T_STRING, 9);
      put_string (b, p->catalog);
    }
  put_u8 (b, T_STOP);
  return TRUE;
}

static gboolean
write_bytes (ThriftProtocol *protocol, GByteArray *b, GError **error)
{
  return thrift_transport_write (protocol->transport, b->data, b->len, error);
}

gboolean
hms_wire_write_partition (ThriftProtocol *protocol, const MsPartition *p,
                          const MsStorageDescriptor *shared_sd, GError **error)
{
  g_auto (SdBytes) shared = { 0 };
  if (shared_sd != NULL && !sd_bytes_init (&shared, shared_sd, error))
    return FALSE;
  g_autoptr (GByteArray) b = g_byte_array_new ();
  return encode_partition (b, p, shared_sd ? &shared : NULL, error)
         && write_bytes (protocol, b, error);
}

/* ---- the methods ---- */

typedef enum { ARGS_ALL, ARGS_ALL_REQ, ARGS_NAMES, ARGS_NAMES_REQ, ARGS_FILTER, ARGS_PS,
               ARGS_PS_REQ } ArgsKind;

typedef struct {
  const char *method;
  ArgsKind kind;
  GType (*args_type) (void);
  gboolean nso_first;        /* o1 is NoSuchObjectException, o2 MetaException */
  gboolean with_auth;        /* user and group arguments follow (ignored) */
  const char *wrapper;       /* _req forms: the response struct ... */
  const char *wrapper_field; /* ... and its list field (id 1) */
} Method;

static const Method methods[] = {
  { "get_partitions", ARGS_ALL, thms_thrift_hive_metastore_get_partitions_args_get_type, TRUE,
    FALSE, NULL, NULL },
  { "get_partitions_with_auth", ARGS_ALL,
    thms_thrift_hive_metastore_get_partitions_with_auth_args_get_type, TRUE, TRUE, NULL, NULL },
  { "get_partitions_req", ARGS_ALL_REQ, thms_thrift_hive_metastore_get_partitions_req_args_get_type,
    TRUE, FALSE, "PartitionsResponse", "partitions" },
  { "get_partitions_by_names", ARGS_NAMES,
    thms_thrift_hive_metastore_get_partitions_by_names_args_get_type, FALSE, FALSE, NULL, NULL },
  { "get_partitions_by_names_req", ARGS_NAMES_REQ,
    thms_thrift_hive_metastore_get_partitions_by_names_req_args_get_type, FALSE, FALSE,
    "GetPartitionsByNamesResult", "partitions" },
  { "get_partitions_by_filter", ARGS_FILTER,
    thms_thrift_hive_metastore_get_partitions_by_filter_args_get_type, FALSE, FALSE, NULL, NULL },
  { "get_partitions_ps", ARGS_PS, thms_thrift_hive_metastore_get_partitions_ps_args_get_type,
    FALSE, FALSE, NULL, NULL },
  { "get_partitions_ps_with_auth", ARGS_PS,
    thms_thrift_hive_metastore_get_partitions_ps_with_auth_args_get_type, TRUE, TRUE, NULL,
    NULL },
  { "get_partitions_ps_with_auth_req", ARGS_PS_REQ,
    thms_thrift_hive_metastore_get_partitions_ps_with_auth_req_args_get_type, FALSE, FALSE,
    "GetPartitionsPsWithAuthResponse", "partitions" },
};

/* The request of 'args' as a partition read. */
static gboolean
read_from_args (const Method *m, GObject *args, HmsPartRead *r, GError **error)
{
  switch (m->kind)
    {
    case ARGS_ALL:
      if (m->with_auth)
        {
          ThmsThriftHiveMetastoreGetPartitionsWithAuthArgs *a = (gpointer) args;
          return hms_part_read_init (r, a->db_name, NULL, a->tbl_name, a->max_parts, error);
        }
      else
        {
          ThmsThriftHiveMetastoreGetPartitionsArgs *a = (gpointer) args;
          return hms_part_read_init (r, a->db_name, NULL, a->tbl_name, a->max_parts, error);
        }
    case ARGS_ALL_REQ:
      {
        ThmsPartitionsRequest *q = ((ThmsThriftHiveMetastoreGetPartitionsReqArgs *) args)->req;
        return hms_part_read_init (r, q->dbName, q->__isset_catName ? q->catName : NULL,
                                   q->tblName, q->__isset_maxParts ? q->maxParts : -1, error);
      }
    case ARGS_NAMES:
      {
        ThmsThriftHiveMetastoreGetPartitionsByNamesArgs *a = (gpointer) args;
        if (!hms_part_read_init (r, a->db_name, NULL, a->tbl_name, -1, error))
          return FALSE;
        hms_part_read_names (r, a->names);
        return TRUE;
      }
    case ARGS_NAMES_REQ:
      {
        ThmsGetPartitionsByNamesRequest *q
            = ((ThmsThriftHiveMetastoreGetPartitionsByNamesReqArgs *) args)->req;
        if (!hms_part_read_init (r, q->db_name, NULL, q->tbl_name, -1, error))
          return FALSE;
        hms_part_read_names (r, q->__isset_names ? q->names : NULL);
        return TRUE;
      }
    case ARGS_FILTER:
      {
        ThmsThriftHiveMetastoreGetPartitionsByFilterArgs *a = (gpointer) args;
        return hms_part_read_init (r, a->db_name, NULL, a->tbl_name, a->max_parts, error)
               && hms_part_read_filter (r, a->filter, error);
      }
    case ARGS_PS:
      if (m->with_auth)
        {
          ThmsThriftHiveMetastoreGetPartitionsPsWithAuthArgs *a = (gpointer) args;
          if (!hms_part_read_init (r, a->db_name, NULL, a->tbl_name, a->max_parts, error))
            return FALSE;
          hms_part_read_values (r, a->part_vals, TRUE);
        }
      else
        {
          ThmsThriftHiveMetastoreGetPartitionsPsArgs *a = (gpointer) args;
          if (!hms_part_read_init (r, a->db_name, NULL, a->tbl_name, a->max_parts, error))
            return FALSE;
          hms_part_read_values (r, a->part_vals, TRUE);
        }
      return TRUE;
    case ARGS_PS_REQ:
      {
        ThmsGetPartitionsPsWithAuthRequest *q
            = ((ThmsThriftHiveMetastoreGetPartitionsPsWithAuthReqArgs *) args)->req;
        if (!hms_part_read_init (r, q->dbName, q->__isset_catName ? q->catName : NULL, q->tblName,
                                 q->__isset_maxParts ? q->maxParts : -1, error))
          return FALSE;
        hms_part_read_values (r, q->__isset_partVals ? q->partVals : NULL, TRUE);
        return TRUE;
      }
    }
  return ms_fail (error, MS_ERROR_INTERNAL, "unknown partition listing");
}

typedef struct {
  const Method *m;
  Wire *w;
  gint32 seqid;
  gboolean started;
  SdBytes shared;          /* the table's descriptor, encoded once */
  gboolean have_shared;
  GByteArray *rows;        /* encoded rows not yet handed to the transport */
} Reply;

#define ROWS_FLUSH_AT (64 * 1024)

static gboolean
reply_begin (gpointer user, const MsTable *t, guint n, GError **error)
{
  Reply *rp = user;
  Wire *w = rp->w;
  if (t->sd != NULL)
    {
      if (!sd_bytes_init (&rp->shared, t->sd, error))
        return FALSE;
      rp->have_shared = TRUE;
    }
  g_autofree char *result = g_strconcat (rp->m->method, "_result", NULL);
  rp->started = TRUE;
  W_DO (thrift_protocol_write_message_begin (w->p, rp->m->method, T_REPLY, rp->seqid, w->error));
  hms_wire_struct_begin (w, result);
  hms_wire_field_begin (w, "success", rp->m->wrapper ? T_STRUCT : T_LIST, 0);
  if (rp->m->wrapper)
    {
      hms_wire_struct_begin (w, rp->m->wrapper);
      hms_wire_field_begin (w, rp->m->wrapper_field, T_LIST, 1);
    }
  W_DO (thrift_protocol_write_list_begin (w->p, T_STRUCT, (gint32) n, w->error));
  return w->ok;
}

static gboolean
reply_row (gpointer user, const MsPartition *p, gboolean shares_table_sd, GError **error)
{
  Reply *rp = user;
  if (!encode_partition (rp->rows, p, shares_table_sd && rp->have_shared ? &rp->shared : NULL,
                         error))
    return FALSE;
  if (rp->rows->len >= ROWS_FLUSH_AT)
    {
      if (!write_bytes (rp->w->p, rp->rows, error))
        return FALSE;
      g_byte_array_set_size (rp->rows, 0);
    }
  return TRUE;
}

static gboolean
serve (MsHms *hms, ThriftProtocol *p, gint32 seqid, const Method *m, GError **error)
{
  g_autoptr (GObject) args = g_object_new (m->args_type (), NULL);
  if (!hms_wire_read_args (p, THRIFT_STRUCT (args), error))
    return FALSE;
  g_autoptr (GError) err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  Wire wire = { p, error, TRUE }, *w = &wire;
  Reply rp = { m, w, seqid, FALSE, { 0 }, FALSE, g_byte_array_sized_new (ROWS_FLUSH_AT) };
  static const MsPartitionSink sink = { reply_begin, reply_row };
  gboolean ok = read_from_args (m, args, &r, &err)
                && ms_store_partition_scan (hms->store, &r.q, &sink, &rp, &err)
                && (rp.rows->len == 0 || write_bytes (p, rp.rows, &err));
  sd_bytes_clear (&rp.shared);
  g_byte_array_unref (rp.rows);
  if (ok)
    {
      W_DO (thrift_protocol_write_list_end (p, error));
      if (m->wrapper)
        {
          hms_wire_field_end (w);
          hms_wire_struct_end (w);
        }
      hms_wire_field_end (w);
      hms_wire_struct_end (w);
      return w->ok && hms_wire_reply_end (p, error);
    }
  if (rp.started)
    {
      /* part of the reply is out: only closing the connection is left */
      if (err != NULL && (error == NULL || *error == NULL))
        g_propagate_error (error, g_steal_pointer (&err));
      return FALSE;
    }
  err = hms_part_meta_filter (g_steal_pointer (&err));
  hms_wire_log_answer (err);
  gboolean nso = err->domain == MS_ERROR && err->code == MS_ERROR_NOT_FOUND;
  g_autofree char *result = g_strconcat (m->method, "_result", NULL);
  gint16 id = (nso == m->nso_first) ? 1 : 2;
  return hms_wire_reply_exception (p, m->method, seqid, result, id, id == 1 ? "o1" : "o2",
                                   nso ? "NoSuchObjectException" : "MetaException", err->message,
                                   error);
}

gboolean
hms_partition_wire_dispatch (MsHms *hms, ThriftProtocol *protocol, const char *fname,
                             gint32 seqid, gboolean *handled, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_str_equal (fname, methods[i].method))
      {
        *handled = TRUE;
        return serve (hms, protocol, seqid, &methods[i], error);
      }
  *handled = FALSE;
  return TRUE;
}
