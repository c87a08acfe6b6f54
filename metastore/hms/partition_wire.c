/*
 * partition_wire.c: the partition listings (get_partitions, by names, by
 * filter, by partial spec, with their _with_auth and _req forms) written
 * onto the wire as the store streams them: the method table serves them
 * here (their rows in hms/methods.list end in "wire"), the door having
 * read the arguments.
 *
 * A Partition through the generated c_glib path costs some twenty
 * GObjects; a listing of a thousand would spend most of its time there.
 * Here each row the store decodes is written at once with the protocol's
 * primitives (see wire.h), byte for byte what the generated writer puts
 * out for hms_partition_to_thrift (tests/unit/hms/test_partition_wire.c), and
 * nothing is kept: a reply of 100,000 partitions holds one batch of rows
 * at a time (the reply itself is streamed by the buffered transport).
 *
 * A failure before the store found the table (a bad name or filter, a
 * missing table) is answered by the door like any method's (hms_fail).
 * A store failure after the reply began cannot become an exception any
 * more: the call fails and the connection is closed, which clients treat
 * as a transport error and retry.
 */
#include "hms/wire.h"
#include "hms_method_table.h"
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

/* ---- the listings ---- */

typedef struct {
  HmsCall *call;
  Wire *w;
  const char *wrapper;     /* _req forms: the response struct holding the list */
  SdBytes shared;          /* the table's descriptor, encoded once */
  gboolean have_shared;
  GByteArray *rows;        /* encoded rows not yet handed to the transport */
} Reply;

#define ROWS_FLUSH_AT (64 * 1024)

/* The reply's start, once the store found the table: from here on a
 * failure can only close the connection. */
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
  const char *method = rp->call->method->name;
  g_autofree char *result = g_strconcat (method, "_result", NULL);
  rp->call->replied = TRUE;
  W_DO (thrift_protocol_write_message_begin (w->p, method, T_REPLY, rp->call->seqid, w->error));
  hms_wire_struct_begin (w, result);
  hms_wire_field_begin (w, "success", rp->wrapper ? T_STRUCT : T_LIST, 0);
  if (rp->wrapper)
    {
      hms_wire_struct_begin (w, rp->wrapper);
      hms_wire_field_begin (w, "partitions", T_LIST, 1);
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
reply_end (Wire *w, const char *wrapper)
{
  W_DO (thrift_protocol_write_list_end (w->p, w->error));
  if (wrapper)
    {
      hms_wire_field_end (w);
      hms_wire_struct_end (w);
    }
  hms_wire_field_end (w);
  hms_wire_struct_end (w);
  return w->ok && hms_wire_reply_end (w->p, w->error);
}

/* Stream the partitions 'r' selects as the call's reply: the list itself
 * or, with 'wrapper', the response struct of that name holding it in its
 * field 1 "partitions". A failure before the table was found leaves the
 * reply to the door (call->replied stays FALSE). */
static gboolean
reply_listing (HmsCall *call, HmsPartRead *r, const char *wrapper, GError **error)
{
  Wire wire = { call->protocol, error, TRUE };
  Reply rp = { call, &wire, wrapper, { 0 }, FALSE, g_byte_array_sized_new (ROWS_FLUSH_AT) };
  static const MsPartitionSink sink = { reply_begin, reply_row };
  gboolean ok = ms_store_partition_scan (call->hms->store, &r->q, &sink, &rp, error)
                && (rp.rows->len == 0 || write_bytes (call->protocol, rp.rows, error));
  sd_bytes_clear (&rp.shared);
  g_byte_array_unref (rp.rows);
  return ok && reply_end (&wire, wrapper);
}

/* get_partitions, get_partitions_with_auth, get_partitions_req */
gboolean
hms_partition_list_all (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  ThmsPartitionsRequest *req = hms_arg_obj (call, "req");
  if (req == NULL)
    return hms_part_read_init_args (&r, call, error) && reply_listing (call, &r, NULL, error);
  return HMS_PART_READ_INIT_REQ (&r, req, error)
         && reply_listing (call, &r, "PartitionsResponse", error);
}

/* get_partitions_by_names, get_partitions_by_names_req */
gboolean
hms_partition_list_by_names (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  ThmsGetPartitionsByNamesRequest *req = hms_arg_obj (call, "req");
  if (req == NULL)
    {
      if (!hms_part_read_init_args (&r, call, error))
        return FALSE;
      hms_part_read_names (&r, hms_arg_obj (call, "names"));
      return reply_listing (call, &r, NULL, error);
    }
  if (!hms_part_read_init (&r, req->db_name, NULL, req->tbl_name, -1, error))
    return FALSE;
  hms_part_read_names (&r, req->__isset_names ? req->names : NULL);
  return reply_listing (call, &r, "GetPartitionsByNamesResult", error);
}

/* get_partitions_by_filter, get_partitions_by_filter_req (Hive 4.1; the
 * reply is the same bare list) */
gboolean
hms_partition_list_by_filter (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  ThmsGetPartitionsByFilterRequest *req = hms_arg_obj (call, "req");
  if (req != NULL)
    return HMS_PART_READ_INIT_REQ (&r, req, error)
           && hms_part_read_filter (&r, req->filter, error) && reply_listing (call, &r, NULL, error);
  return hms_part_read_init_args (&r, call, error)
         && hms_part_read_filter (&r, hms_arg_str (call, "filter"), error)
         && reply_listing (call, &r, NULL, error);
}

/* get_partitions_ps, get_partitions_ps_with_auth, get_partitions_ps_with_auth_req */
gboolean
hms_partition_list_ps (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  ThmsGetPartitionsPsWithAuthRequest *req = hms_arg_obj (call, "req");
  if (req == NULL)
    return hms_part_read_init_args (&r, call, error) && reply_listing (call, &r, NULL, error);
  if (!HMS_PART_READ_INIT_REQ (&r, req, error))
    return FALSE;
  hms_part_read_values (&r, req->__isset_partVals ? req->partVals : NULL, TRUE);
  return reply_listing (call, &r, "GetPartitionsPsWithAuthResponse", error);
}
