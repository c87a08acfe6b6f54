/*
 * bytes_transport.c: MsBytesTransport, Thrift writes appended to a
 * GByteArray (see the header for why not ThriftMemoryBuffer).
 */
#include "server/bytes_transport.h"
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>

struct _MsBytesTransport {
  ThriftTransport parent;
  GByteArray *bytes;
};

G_DEFINE_TYPE (MsBytesTransport, ms_bytes_transport, THRIFT_TYPE_TRANSPORT)

static gboolean
bytes_true (ThriftTransport *t, GError **error)
{
  (void) t;
  (void) error;
  return TRUE;
}

static gboolean
bytes_is_open (ThriftTransport *t)
{
  (void) t;
  return TRUE;
}

static gint32
bytes_read (ThriftTransport *t, gpointer buf, guint32 len, GError **error)
{
  (void) t;
  (void) buf;
  (void) len;
  g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE,
               "this transport is write-only");
  return -1;
}

static gboolean
bytes_write (ThriftTransport *t, const gpointer buf, const guint32 len, GError **error)
{
  (void) error;
  g_byte_array_append (MS_BYTES_TRANSPORT (t)->bytes, buf, len);
  return TRUE;
}

static gboolean
bytes_size (ThriftTransport *t, glong n, GError **error)
{
  (void) t;
  (void) n;
  (void) error;
  return TRUE;
}

static void
ms_bytes_transport_init (MsBytesTransport *t)
{
  t->bytes = g_byte_array_new ();
}

static void
ms_bytes_transport_finalize (GObject *object)
{
  g_byte_array_unref (MS_BYTES_TRANSPORT (object)->bytes);
  G_OBJECT_CLASS (ms_bytes_transport_parent_class)->finalize (object);
}

static void
ms_bytes_transport_class_init (MsBytesTransportClass *klass)
{
  ThriftTransportClass *tc = THRIFT_TRANSPORT_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = ms_bytes_transport_finalize;
  tc->is_open = bytes_is_open;
  tc->open = bytes_true;
  tc->close = bytes_true;
  tc->read = bytes_read;
  tc->read_end = bytes_true;
  tc->write = bytes_write;
  tc->write_end = bytes_true;
  tc->flush = bytes_true;
  tc->updateKnownMessageSize = bytes_size;
  tc->checkReadBytesAvailable = bytes_size;
  tc->resetConsumedMessageSize = bytes_size;
  tc->countConsumedMessageBytes = bytes_size;
}

MsBytesTransport *
ms_bytes_transport_new (void)
{
  return g_object_new (MS_TYPE_BYTES_TRANSPORT, NULL);
}

GByteArray *
ms_bytes_transport_bytes (MsBytesTransport *t)
{
  return t->bytes;
}

GByteArray *
ms_bytes_transport_steal (MsBytesTransport *t)
{
  GByteArray *out = t->bytes;
  t->bytes = g_byte_array_new ();
  return out;
}

ThriftProtocol *
ms_bytes_protocol_new (void)
{
  MsBytesTransport *t = ms_bytes_transport_new ();
  ThriftProtocol *p = g_object_new (THRIFT_TYPE_BINARY_PROTOCOL, "transport", t, NULL);
  g_object_unref (t);
  return p;
}
