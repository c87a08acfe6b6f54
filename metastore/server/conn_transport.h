/*
 * conn_transport.h: MsConnTransport, the server side of one client
 * connection as a Thrift transport.
 *
 * It reads a non-blocking socket through its own buffer, with a timeout for
 * the rest of a call once it started, and writes replies with MSG_NOSIGNAL
 * and a write timeout. In framed mode it reads and writes Thrift frames
 * (4-byte big-endian length) itself and refuses frames over the message
 * limit before reading them. It counts the bytes of the current message so
 * the guarded protocol can enforce limits without trusting claimed sizes.
 *
 * With an SSL attached (ms_conn_transport_set_tls) the same happens over
 * TLS: the handshake runs on the worker (ms_conn_transport_handshake, bounded
 * by the read timeout), then reads and writes go through OpenSSL.
 */
#pragma once
#include <glib-object.h>
#include <thrift/c_glib/transport/thrift_transport.h>
#include <openssl/ssl.h>

#include "core/key_table.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThriftTransport, g_object_unref)

#define MS_TYPE_CONN_TRANSPORT (ms_conn_transport_get_type ())
G_DECLARE_FINAL_TYPE (MsConnTransport, ms_conn_transport, MS, CONN_TRANSPORT, ThriftTransport)

/* Server-wide count of slow messages per client address: a message whose
 * bytes stopped arriving before it was whole (its reader then waits on the
 * socket, holding a worker). Thread-safe. A table of guint counts by
 * address (core/key_table.h) whose setting is the bound per address. */
typedef MsKeyTable MsSlowReaders;
MsSlowReaders *ms_slow_readers_new (guint per_address);
void ms_slow_readers_free (MsSlowReaders *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSlowReaders, ms_slow_readers_free)
/* Slow messages of 'address' now (for tests and logs). */
guint ms_slow_readers_count (MsSlowReaders *s, const char *address);

typedef struct {
  gboolean framed;
  int read_timeout_ms;         /* a whole message must arrive within this, once
                                  its first byte did (not each read: a client
                                  trickling bytes is cut at the same time) */
  int write_timeout_ms;
  gint64 max_message_bytes;
  MsSlowReaders *slow;         /* NULL: no per-address bound on slow messages */
} MsConnLimits;

/* Takes no ownership of 'fd' (the server closes it). */
MsConnTransport *ms_conn_transport_new (int fd, const MsConnLimits *limits);

/* The client's address, for the per-address bound of slow messages. */
void ms_conn_transport_set_peer_address (MsConnTransport *t, const char *address);
/* Start counting a new message (called by the protocol at message begin):
 * its deadline starts now. */
void ms_conn_transport_begin_message (MsConnTransport *t);
/* The message was read whole (called by the protocol at message end). */
void ms_conn_transport_end_message (MsConnTransport *t);
/* Did the last read fail because the peer closed before a new message? */
gboolean ms_conn_transport_clean_eof (MsConnTransport *t);
/* Is a further request already buffered (pipelined)? */
gboolean ms_conn_transport_has_buffered (MsConnTransport *t);

/* Is a byte (or TLS record data) ready now, buffered or on the socket? */
gboolean ms_conn_transport_readable (MsConnTransport *t);

/* Speak TLS through 'ssl' (server side, on this transport's socket); takes
 * ownership of 'ssl'. Call before any I/O. */
void ms_conn_transport_set_tls (MsConnTransport *t, SSL *ssl);
/* Is TLS on and the handshake not done yet? */
gboolean ms_conn_transport_needs_handshake (MsConnTransport *t);
/* Complete the server handshake, waiting at most read_timeout_ms in all.
 * TRUE at once without TLS or when done already. On FALSE 'error' says why
 * in one line (OpenSSL's reason, no secrets) and the connection must close. */
gboolean ms_conn_transport_handshake (MsConnTransport *t, GError **error);
/* Send close_notify once, without waiting (before the socket is closed). */
void ms_conn_transport_tls_goodbye (MsConnTransport *t);

G_END_DECLS
