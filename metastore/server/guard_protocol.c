/*
 * guard_protocol.c: the hardened binary-protocol reader (see the header).
 */
#include "server/guard_protocol.h"
#include "server/conn_transport.h"
#include <string.h>

#define MAX_METHOD_NAME 256

struct _MsGuardProtocol {
  ThriftBinaryProtocol parent;
  MsGuardLimits limits;
  int depth;
  gint16 arg_id;               /* field id of the argument being read */
  char *not_text;              /* what the first string that is not text was */
};

G_DEFINE_TYPE (MsGuardProtocol, ms_guard_protocol, THRIFT_TYPE_BINARY_PROTOCOL)
G_DEFINE_QUARK (ms-guard-error-quark, ms_guard_error)

static ThriftProtocolClass *binary_class;   /* the parent's vtable, set in class_init */

static gint32
invalid (GError **error, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, THRIFT_PROTOCOL_ERROR, code, msg);
  return -1;
}

static gboolean
valid_type (gint8 t)
{
  switch (t)
    {
    case T_BOOL: case T_BYTE: case T_I16: case T_I32: case T_I64: case T_DOUBLE:
    case T_STRING: case T_STRUCT: case T_MAP: case T_SET: case T_LIST:
      return TRUE;
    default:
      return FALSE;
    }
}

static gint32
enter (MsGuardProtocol *g, GError **error)
{
  if (++g->depth > g->limits.max_depth)
    return invalid (error, THRIFT_PROTOCOL_ERROR_DEPTH_LIMIT,
                    "nesting deeper than %d", g->limits.max_depth);
  return 0;
}

static gint32
leave (MsGuardProtocol *g)
{
  if (g->depth > 0)
    g->depth--;
  return 0;
}

/* Read a length-prefixed byte string, growing the buffer only as bytes
 * arrive. Returns bytes consumed, or -1. *out is NUL-terminated. */
static gint32
read_bytes (ThriftProtocol *p, guint8 **out, guint32 *out_len, gint64 limit, GError **error)
{
  gint32 len;
  *out = NULL;
  if (thrift_protocol_read_i32 (p, &len, error) < 0)
    return -1;
  if (len < 0)
    return invalid (error, THRIFT_PROTOCOL_ERROR_NEGATIVE_SIZE, "negative string length %d", len);
  if ((gint64) len > limit)
    return invalid (error, THRIFT_PROTOCOL_ERROR_SIZE_LIMIT,
                    "string of %d bytes exceeds the limit of %" G_GINT64_FORMAT, len, limit);
  gsize cap = MIN ((gsize) len, 65536) + 1;
  guint8 *buf = g_malloc (cap);
  gsize have = 0;
  while (have < (gsize) len)
    {
      if (have + 1 == cap)
        {
          cap = MIN ((gsize) len + 1, cap * 2);
          buf = g_realloc (buf, cap);
        }
      gsize chunk = MIN ((gsize) len - have, cap - 1 - have);
      if (thrift_transport_read_all (p->transport, buf + have, (guint32) chunk, error) < 0)
        {
          g_free (buf);
          return -1;
        }
      have += chunk;
    }
  buf[len] = '\0';
  *out = buf;
  if (out_len)
    *out_len = (guint32) len;
  return 4 + len;
}

/* Note the first string of the call that is not text: a NUL inside it, or
 * bytes that are not UTF-8. Reading goes on (see the header). */
static void
check_text (MsGuardProtocol *g, const guint8 *buf, guint32 len)
{
  if (g->not_text != NULL)
    return;
  const char *end = NULL;
  const guint8 *nul = memchr (buf, '\0', len);
  if (nul != NULL)
    g->not_text = g_strdup_printf ("A string in argument %d holds a NUL character (byte %u of "
                                   "%u); names, patterns, filters and locations must be text",
                                   g->arg_id, (guint) (nul - buf), len);
  else if (!g_utf8_validate ((const char *) buf, (gssize) len, &end))
    g->not_text = g_strdup_printf ("A string in argument %d is not valid UTF-8 (byte %u of %u)",
                                   g->arg_id, (guint) ((const guint8 *) end - buf), len);
}

/* The end of the call's argument struct (or of the message): a string that
 * was not text fails the read now, once every byte of the call is in. */
static gint32
refuse_not_text (MsGuardProtocol *g, GError **error)
{
  if (g->not_text == NULL)
    return 0;
  g_set_error_literal (error, MS_GUARD_ERROR, MS_GUARD_ERROR_NOT_TEXT, g->not_text);
  g_clear_pointer (&g->not_text, g_free);
  return -1;
}

static gint32
guard_read_string (ThriftProtocol *p, gchar **str, GError **error)
{
  MsGuardProtocol *g = MS_GUARD_PROTOCOL (p);
  guint8 *buf;
  guint32 len = 0;
  gint32 r = read_bytes (p, &buf, &len, g->limits.max_string_bytes, error);
  if (r >= 0)
    check_text (g, buf, len);
  *str = (gchar *) buf;
  return r;
}

static gint32
guard_read_binary (ThriftProtocol *p, gpointer *out, guint32 *len, GError **error)
{
  MsGuardProtocol *g = MS_GUARD_PROTOCOL (p);
  guint8 *buf;
  gint32 r = read_bytes (p, &buf, len, g->limits.max_string_bytes, error);
  if (r >= 0 && *len == 0)
    {
      /* c_glib represents an empty binary as NULL */
      g_free (buf);
      buf = NULL;
    }
  *out = buf;
  return r;
}

static gint32
guard_read_message_begin (ThriftProtocol *p, gchar **name, ThriftMessageType *type,
                          gint32 *seqid, GError **error)
{
  MsGuardProtocol *g = MS_GUARD_PROTOCOL (p);
  gint32 xfer = 0, ret, sz;
  *name = NULL;
  g->depth = 0;
  g->arg_id = 0;
  g_clear_pointer (&g->not_text, g_free);
  if (MS_IS_CONN_TRANSPORT (p->transport))
    ms_conn_transport_begin_message (MS_CONN_TRANSPORT (p->transport));

  if ((ret = thrift_protocol_read_i32 (p, &sz, error)) < 0)
    return -1;
  xfer += ret;
  if (sz < 0)
    {
      guint32 version = (guint32) sz & THRIFT_BINARY_PROTOCOL_VERSION_MASK;
      if (version != (guint32) THRIFT_BINARY_PROTOCOL_VERSION_1)
        return invalid (error, THRIFT_PROTOCOL_ERROR_BAD_VERSION,
                        "not a Thrift binary message (header %08x)", (guint32) sz);
      *type = (ThriftMessageType) (sz & 0xff);
      guint8 *buf;
      guint32 len = 0;
      if ((ret = read_bytes (p, &buf, &len, MAX_METHOD_NAME, error)) < 0)
        return -1;
      *name = (gchar *) buf;
      xfer += ret;
      if (strlen (*name) != len)
        return invalid (error, THRIFT_PROTOCOL_ERROR_INVALID_DATA, "method name holds a NUL");
    }
  else
    {
      /* classic unversioned header: name length first */
      if (sz > MAX_METHOD_NAME || sz == 0)
        return invalid (error, THRIFT_PROTOCOL_ERROR_BAD_VERSION,
                        "not a Thrift binary message (header %08x)", (guint32) sz);
      guint8 *buf = g_malloc ((gsize) sz + 1);
      if (thrift_transport_read_all (p->transport, buf, (guint32) sz, error) < 0)
        {
          g_free (buf);
          return -1;
        }
      buf[sz] = '\0';
      *name = (gchar *) buf;
      xfer += sz;
      if (strlen (*name) != (gsize) sz)
        return invalid (error, THRIFT_PROTOCOL_ERROR_INVALID_DATA, "method name holds a NUL");
      gint8 t;
      if ((ret = thrift_protocol_read_byte (p, &t, error)) < 0)
        return -1;
      xfer += ret;
      *type = (ThriftMessageType) t;
    }
  if (!g_utf8_validate (*name, -1, NULL))
    return invalid (error, THRIFT_PROTOCOL_ERROR_INVALID_DATA, "method name is not UTF-8");
  if ((ret = thrift_protocol_read_i32 (p, seqid, error)) < 0)
    return -1;
  return xfer + ret;
}

static gint32
guard_read_struct_begin (ThriftProtocol *p, gchar **name, GError **error)
{
  *name = NULL;
  return enter (MS_GUARD_PROTOCOL (p), error);
}

static gint32
guard_read_struct_end (ThriftProtocol *p, GError **error)
{
  MsGuardProtocol *g = MS_GUARD_PROTOCOL (p);
  leave (g);
  return g->depth == 0 ? refuse_not_text (g, error) : 0;
}

static gint32
guard_read_message_end (ThriftProtocol *p, GError **error)
{
  if (MS_IS_CONN_TRANSPORT (p->transport))
    ms_conn_transport_end_message (MS_CONN_TRANSPORT (p->transport));
  return refuse_not_text (MS_GUARD_PROTOCOL (p), error);
}

static gint32
guard_read_field_begin (ThriftProtocol *p, gchar **name, ThriftType *type, gint16 *id,
                        GError **error)
{
  MsGuardProtocol *g = MS_GUARD_PROTOCOL (p);
  gint32 r = binary_class->read_field_begin (p, name, type, id, error);
  if (r >= 0 && *type != T_STOP && !valid_type ((gint8) *type))
    return invalid (error, THRIFT_PROTOCOL_ERROR_INVALID_DATA, "unknown field type %d", *type);
  if (r >= 0 && *type != T_STOP && g->depth == 1)
    g->arg_id = *id;
  return r;
}

/* Element count check, in 64-bit so it cannot wrap. */
static gint32
check_count (MsGuardProtocol *g, gint32 n, int min_elem_bytes, GError **error)
{
  ThriftProtocol *p = THRIFT_PROTOCOL (g);
  if (n < 0)
    return invalid (error, THRIFT_PROTOCOL_ERROR_NEGATIVE_SIZE, "negative container size %d", n);
  if ((gint64) n > g->limits.max_container_items)
    return invalid (error, THRIFT_PROTOCOL_ERROR_SIZE_LIMIT,
                    "container of %d items exceeds the limit of %" G_GINT64_FORMAT, n,
                    g->limits.max_container_items);
  gint64 need = (gint64) n * min_elem_bytes;
  if (need > G_MAXLONG
      || !THRIFT_TRANSPORT_GET_CLASS (p->transport)->checkReadBytesAvailable (
          p->transport, (glong) need, error))
    {
      if (error && *error == NULL)
        return invalid (error, THRIFT_PROTOCOL_ERROR_SIZE_LIMIT, "container too large");
      return -1;
    }
  return 0;
}

static int
min_size (ThriftType t)
{
  switch (t)
    {
    case T_BOOL: case T_BYTE: case T_STRUCT: return 1;
    case T_I16: return 2;
    case T_I32: case T_STRING: case T_SET: case T_LIST: return 4;
    case T_I64: case T_DOUBLE: return 8;
    case T_MAP: return 6;
    default: return 1;
    }
}

static gint32
guard_read_list_begin (ThriftProtocol *p, ThriftType *etype, guint32 *size, GError **error)
{
  MsGuardProtocol *g = MS_GUARD_PROTOCOL (p);
  gint8 t;
  gint32 n, r1, r2;
  if ((r1 = thrift_protocol_read_byte (p, &t, error)) < 0
      || (r2 = thrift_protocol_read_i32 (p, &n, error)) < 0)
    return -1;
  if (!valid_type (t))
    return invalid (error, THRIFT_PROTOCOL_ERROR_INVALID_DATA, "unknown element type %d", t);
  if (check_count (g, n, min_size ((ThriftType) t), error) < 0 || enter (g, error) < 0)
    return -1;
  *etype = (ThriftType) t;
  *size = (guint32) n;
  return r1 + r2;
}

static gint32
guard_read_set_begin (ThriftProtocol *p, ThriftType *etype, guint32 *size, GError **error)
{
  return guard_read_list_begin (p, etype, size, error);
}

static gint32
guard_read_map_begin (ThriftProtocol *p, ThriftType *ktype, ThriftType *vtype, guint32 *size,
                      GError **error)
{
  MsGuardProtocol *g = MS_GUARD_PROTOCOL (p);
  gint8 k, v;
  gint32 n, r1, r2, r3;
  if ((r1 = thrift_protocol_read_byte (p, &k, error)) < 0
      || (r2 = thrift_protocol_read_byte (p, &v, error)) < 0
      || (r3 = thrift_protocol_read_i32 (p, &n, error)) < 0)
    return -1;
  if (n > 0 && (!valid_type (k) || !valid_type (v)))
    return invalid (error, THRIFT_PROTOCOL_ERROR_INVALID_DATA, "unknown map types %d/%d", k, v);
  if (check_count (g, n, min_size ((ThriftType) k) + min_size ((ThriftType) v), error) < 0
      || enter (g, error) < 0)
    return -1;
  *ktype = (ThriftType) k;
  *vtype = (ThriftType) v;
  *size = (guint32) n;
  return r1 + r2 + r3;
}

static gint32
guard_read_container_end (ThriftProtocol *p, GError **error)
{
  (void) error;
  return leave (MS_GUARD_PROTOCOL (p));
}

static void
ms_guard_protocol_init (MsGuardProtocol *g)
{
  g->limits.max_string_bytes = 16 << 20;
  g->limits.max_container_items = 1 << 20;
  g->limits.max_depth = 64;
}

static void
ms_guard_protocol_finalize (GObject *object)
{
  g_free (MS_GUARD_PROTOCOL (object)->not_text);
  G_OBJECT_CLASS (ms_guard_protocol_parent_class)->finalize (object);
}

static void
ms_guard_protocol_class_init (MsGuardProtocolClass *klass)
{
  ThriftProtocolClass *pc = THRIFT_PROTOCOL_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = ms_guard_protocol_finalize;
  binary_class = THRIFT_PROTOCOL_CLASS (ms_guard_protocol_parent_class);
  pc->read_message_begin = guard_read_message_begin;
  pc->read_message_end = guard_read_message_end;
  pc->read_struct_begin = guard_read_struct_begin;
  pc->read_struct_end = guard_read_struct_end;
  pc->read_field_begin = guard_read_field_begin;
  pc->read_list_begin = guard_read_list_begin;
  pc->read_list_end = guard_read_container_end;
  pc->read_set_begin = guard_read_set_begin;
  pc->read_set_end = guard_read_container_end;
  pc->read_map_begin = guard_read_map_begin;
  pc->read_map_end = guard_read_container_end;
  pc->read_string = guard_read_string;
  pc->read_binary = guard_read_binary;
}

MsGuardProtocol *
ms_guard_protocol_new (ThriftTransport *transport, const MsGuardLimits *limits)
{
  MsGuardProtocol *g = g_object_new (MS_TYPE_GUARD_PROTOCOL, "transport", transport, NULL);
  g->limits = *limits;
  return g;
}
