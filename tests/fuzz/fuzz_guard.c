/*
 * fuzz_guard.c: libFuzzer target for the hardened Thrift reader. The input
 * is fed through a socket pair into MsConnTransport (buffered, then framed)
 * and read with MsGuardProtocol as a call: message header, then the
 * arguments of create_database (a whole Database struct with maps and
 * nested structs) or, for other names, a skipped struct. Any input must end
 * in a clean error, never a crash, hang or unbounded allocation.
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "server/conn_transport.h"
#include "server/guard_protocol.h"
#include "thms_thrift_hive_metastore.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
read_one (const uint8_t *data, size_t size, gboolean framed)
{
  int sv[2];
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
    return;
  int buf = 1 << 20;
  setsockopt (sv[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  gsize off = 0;
  while (off < size)
    {
      ssize_t n = write (sv[0], data + off, size - off);
      if (n <= 0)
        break;
      off += (gsize) n;
    }
  close (sv[0]);

  MsConnLimits cl = { framed, 200, 200, 1 << 20 };
  MsGuardLimits gl = { 1 << 16, 1 << 12, 16 };
  MsConnTransport *t = ms_conn_transport_new (sv[1], &cl);
  MsGuardProtocol *p = ms_guard_protocol_new (THRIFT_TRANSPORT (t), &gl);
  ThriftProtocol *tp = THRIFT_PROTOCOL (p);
  for (int calls = 0; calls < 4; calls++)
    {
      gchar *name = NULL;
      ThriftMessageType type;
      gint32 seq;
      GError *err = NULL;
      if (thrift_protocol_read_message_begin (tp, &name, &type, &seq, &err) < 0)
        {
          g_clear_error (&err);
          g_free (name);
          break;
        }
      gint32 r;
      if (name && g_str_equal (name, "create_database"))
        {
          GObject *args = g_object_new (THMS_TYPE_THRIFT_HIVE_METASTORE_CREATE_DATABASE_ARGS, NULL);
          r = thrift_struct_read (THRIFT_STRUCT (args), tp, &err);
          g_object_unref (args);
        }
      else
        r = thrift_protocol_skip (tp, T_STRUCT, &err);
      g_free (name);
      g_clear_error (&err);
      if (r < 0)
        break;
    }
  g_object_unref (p);
  g_object_unref (t);
  close (sv[1]);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 65536)
    return 0;
  read_one (data, size, FALSE);
  read_one (data, size, TRUE);
  return 0;
}
