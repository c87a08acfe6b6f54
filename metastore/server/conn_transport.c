/*
 * conn_transport.c: socket I/O for one connection (see conn_transport.h).
 * EINTR is retried everywhere; SIGPIPE cannot happen (MSG_NOSIGNAL; the
 * TLS socket BIO writes with write(), so `serve` ignores SIGPIPE).
 *
 * With TLS every byte goes through SSL_read/SSL_write on the same
 * non-blocking socket: WANT_READ/WANT_WRITE wait with the same poll and
 * timeouts as plain reads and writes, and OpenSSL's own buffered record
 * bytes count as "buffered" for ms_conn_transport_has_buffered().
 */
#include "server/conn_transport.h"
#include "server/tls.h"
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <limits.h>
#include <openssl/err.h>

#define READ_BUF 16384
#define WRITE_FLUSH_AT 65536

struct _MsConnTransport {
  ThriftTransport parent;
  int fd;
  MsConnLimits limits;
  guint8 *rbuf;
  gsize rpos, rlen;
  guint32 frame_left;         /* framed: payload bytes of this frame not yet buffered */
  gboolean frame_started;
  GByteArray *wbuf;
  gint64 msg_bytes;
  gboolean clean_eof;
  SSL *ssl;                   /* NULL: plain TCP */
  gboolean tls_ready;         /* handshake done */
  gboolean tls_broken;        /* a fatal TLS error happened: no close_notify */
  gint64 msg_deadline;        /* monotonic µs the message in progress must be whole by; 0: none */
  char *peer_address;
  gboolean slow_held;         /* counted among its address's slow messages */
};

/* ---- slow messages per address ---- */

MsSlowReaders *
ms_slow_readers_new (guint per_address)
{
  per_address = MAX (per_address, 1);
  return ms_key_table_new (sizeof (guint), 0, NULL, &per_address, sizeof per_address);
}

void
ms_slow_readers_free (MsSlowReaders *s)
{
  ms_key_table_free (s);
}

guint
ms_slow_readers_count (MsSlowReaders *s, const char *address)
{
  const guint *n = ms_key_table_lock (s, address, FALSE, NULL, NULL);
  guint count = n ? *n : 0;
  ms_key_table_unlock (s);
  return count;
}

/* Count this transport's message as slow; FALSE when its address has too
 * many already. */
static gboolean
slow_acquire (MsConnTransport *t)
{
  MsSlowReaders *s = t->limits.slow;
  if (s == NULL || t->slow_held || t->peer_address == NULL)
    return TRUE;
  const guint *per_address = ms_key_table_settings (s);
  guint *n = ms_key_table_lock (s, t->peer_address, TRUE, NULL, NULL);
  gboolean ok = *n < *per_address;    /* at least 1: a new count grows */
  if (ok)
    (*n)++;
  ms_key_table_unlock (s);
  t->slow_held = ok;
  return ok;
}

static void
slow_release (MsConnTransport *t)
{
  MsSlowReaders *s = t->limits.slow;
  if (!t->slow_held)
    return;
  t->slow_held = FALSE;
  guint *n = ms_key_table_lock (s, t->peer_address, FALSE, NULL, NULL);
  if (n != NULL && --*n == 0)
    ms_key_table_remove_locked (s, t->peer_address);
  ms_key_table_unlock (s);
}

/* How long a read may wait: read_timeout_ms, or less when the message in
 * progress must be whole sooner. A wait in the middle of a message makes
 * it slow: FALSE (with the error) when its address has too many. */
static gboolean
read_deadline (MsConnTransport *t, gint64 *deadline, GError **error);

G_DEFINE_TYPE (MsConnTransport, ms_conn_transport, THRIFT_TYPE_TRANSPORT)

static gboolean
fail (GError **error, int code, const char *msg)
{
  g_set_error_literal (error, THRIFT_TRANSPORT_ERROR, code, msg);
  return FALSE;
}

/* Wait for 'events' on the socket until the monotonic time 'deadline'. */
static gboolean
wait_until (MsConnTransport *t, short events, gint64 deadline, GError **error)
{
  struct pollfd p = { .fd = t->fd, .events = events };
  for (;;)
    {
      int left = (int) ((deadline - g_get_monotonic_time ()) / 1000);
      if (left < 0)
        left = 0;
      int r = poll (&p, 1, left);
      if (r > 0)
        return TRUE;
      if (r == 0)
        return fail (error, THRIFT_TRANSPORT_ERROR_RECEIVE, "timed out waiting for the client");
      if (errno != EINTR)
        return fail (error, THRIFT_TRANSPORT_ERROR_RECEIVE, g_strerror (errno));
    }
}

static gboolean
read_deadline (MsConnTransport *t, gint64 *deadline, GError **error)
{
  *deadline = g_get_monotonic_time () + (gint64) t->limits.read_timeout_ms * 1000;
  if (t->msg_deadline == 0)
    return TRUE;
  if (!slow_acquire (t))
    return fail (error, THRIFT_TRANSPORT_ERROR_RECEIVE,
                 "too many slow messages from this address at once");
  *deadline = MIN (*deadline, t->msg_deadline);
  return TRUE;
}

/* Wait for the socket to be readable within the read deadline. */
static gboolean
wait_readable (MsConnTransport *t, GError **error)
{
  gint64 deadline;
  if (!read_deadline (t, &deadline, error))
    return FALSE;
  return wait_until (t, POLLIN, deadline, error);
}

/* Wait for 'events' on the socket up to 'timeout_ms'. */
static gboolean
wait_fd (MsConnTransport *t, short events, int timeout_ms, GError **error)
{
  return wait_until (t, events, g_get_monotonic_time () + (gint64) timeout_ms * 1000, error);
}

/* After SSL_read/SSL_write/SSL_do_handshake returned r <= 0: wait for the
 * socket as OpenSSL asks (TRUE: retry) or set 'error' (FALSE). 'code' is
 * the Thrift transport error code to use; *closed tells a clean close. */
static gboolean
tls_wait (MsConnTransport *t, int r, gint64 deadline, int code, gboolean *closed, GError **error)
{
  int e = SSL_get_error (t->ssl, r);
  int saved = errno;
  char why[256];
  switch (e)
    {
    case SSL_ERROR_WANT_READ:
      return wait_until (t, POLLIN, deadline, error);
    case SSL_ERROR_WANT_WRITE:
      return wait_until (t, POLLOUT, deadline, error);
    case SSL_ERROR_ZERO_RETURN:
      *closed = TRUE;
      return fail (error, code, "connection closed by the client");
    case SSL_ERROR_SYSCALL:
      t->tls_broken = TRUE;
      if (ERR_peek_error () == 0)
        {
          ERR_clear_error ();
          if (saved == 0 || saved == ECONNRESET || saved == EPIPE)
            {
              *closed = TRUE;
              return fail (error, code, "connection closed by the client");
            }
          return fail (error, code, g_strerror (saved));
        }
      return fail (error, code, ms_tls_error_text (why, sizeof why, "TLS error"));
    default:
      t->tls_broken = TRUE;
      return fail (error, code, ms_tls_error_text (why, sizeof why, "TLS error"));
    }
}

static gssize
tls_recv_some (MsConnTransport *t, void *dst, gsize len, GError **error)
{
  for (;;)
    {
      ERR_clear_error ();
      int n = SSL_read (t->ssl, dst, (int) MIN (len, (gsize) INT_MAX));
      if (n > 0)
        return n;
      gboolean closed = FALSE;
      gint64 deadline;
      if (!read_deadline (t, &deadline, error)
          || !tls_wait (t, n, deadline, THRIFT_TRANSPORT_ERROR_RECEIVE, &closed, error))
        return -1;
    }
}

static gboolean
tls_send_all (MsConnTransport *t, const guint8 *p, gsize len, GError **error)
{
  while (len > 0)
    {
      ERR_clear_error ();
      int n = SSL_write (t->ssl, p, (int) MIN (len, (gsize) INT_MAX));
      if (n > 0)
        {
          p += n;
          len -= (gsize) n;
          continue;
        }
      gboolean closed = FALSE;
      gint64 deadline = g_get_monotonic_time () + (gint64) t->limits.write_timeout_ms * 1000;
      if (!tls_wait (t, n, deadline, THRIFT_TRANSPORT_ERROR_SEND, &closed, error))
        return FALSE;
    }
  return TRUE;
}

/* Read at least one byte from the socket into dst (up to len). */
static gssize
recv_some (MsConnTransport *t, void *dst, gsize len, GError **error)
{
  if (t->ssl != NULL)
    return tls_recv_some (t, dst, len, error);
  for (;;)
    {
      ssize_t n = recv (t->fd, dst, len, 0);
      if (n > 0)
        return n;
      if (n == 0)
        {
          fail (error, THRIFT_TRANSPORT_ERROR_RECEIVE, "connection closed by the client");
          return -1;
        }
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          if (!wait_readable (t, error))
            return -1;
          continue;
        }
      fail (error, THRIFT_TRANSPORT_ERROR_RECEIVE, g_strerror (errno));
      return -1;
    }
}

static gboolean
recv_exact (MsConnTransport *t, void *dst, gsize len, GError **error)
{
  gsize have = 0;
  while (have < len)
    {
      gssize n = recv_some (t, (guint8 *) dst + have, len - have, error);
      if (n < 0)
        return FALSE;
      have += (gsize) n;
    }
  return TRUE;
}

/* Refill the read buffer (it is empty when called). */
static gboolean
fill (MsConnTransport *t, GError **error)
{
  gboolean at_boundary = t->msg_bytes == 0;
  t->rpos = t->rlen = 0;
  gsize want = READ_BUF;
  if (t->limits.framed)
    {
      if (t->frame_left == 0)
        {
          guint32 be;
          if (!recv_exact (t, &be, 4, error))
            {
              t->clean_eof = at_boundary;
              return FALSE;
            }
          guint32 size = ntohl (be);
          if (size == 0 || (gint64) size > t->limits.max_message_bytes || size > G_MAXINT32)
            {
              g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE,
                           "frame of %u bytes is outside 1..%" G_GINT64_FORMAT, size,
                           t->limits.max_message_bytes);
              return FALSE;
            }
          t->frame_left = size;
        }
      want = MIN (want, t->frame_left);
    }
  gssize n = recv_some (t, t->rbuf, want, error);
  if (n < 0)
    {
      t->clean_eof = at_boundary && !t->limits.framed;
      return FALSE;
    }
  t->rlen = (gsize) n;
  if (t->limits.framed)
    t->frame_left -= (guint32) n;
  return TRUE;
}

static gint32
conn_read (ThriftTransport *transport, gpointer buf, guint32 len, GError **error)
{
  MsConnTransport *t = MS_CONN_TRANSPORT (transport);
  if (t->rpos == t->rlen && !fill (t, error))
    return -1;
  gsize n = MIN ((gsize) len, t->rlen - t->rpos);
  memcpy (buf, t->rbuf + t->rpos, n);
  t->rpos += n;
  t->msg_bytes += (gint64) n;
  if (t->msg_bytes > t->limits.max_message_bytes)
    {
      g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_MAX_MESSAGE_SIZE_REACHED,
                   "message exceeds %" G_GINT64_FORMAT " bytes", t->limits.max_message_bytes);
      return -1;
    }
  return (gint32) n;
}

static gint32
conn_read_all (ThriftTransport *transport, gpointer buf, guint32 len, GError **error)
{
  guint32 have = 0;
  while (have < len)
    {
      gint32 n = conn_read (transport, (guint8 *) buf + have, len - have, error);
      if (n < 0)
        return -1;
      have += (guint32) n;
    }
  return (gint32) have;
}

static gboolean
send_all (MsConnTransport *t, const guint8 *p, gsize len, GError **error)
{
  if (t->ssl != NULL)
    return tls_send_all (t, p, len, error);
  while (len > 0)
    {
      ssize_t n = send (t->fd, p, len, MSG_NOSIGNAL);
      if (n > 0)
        {
          p += n;
          len -= (gsize) n;
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
          if (!wait_fd (t, POLLOUT, t->limits.write_timeout_ms, error))
            return FALSE;
          continue;
        }
      return fail (error, THRIFT_TRANSPORT_ERROR_SEND, n < 0 ? g_strerror (errno) : "short write");
    }
  return TRUE;
}

static gboolean
conn_flush (ThriftTransport *transport, GError **error)
{
  MsConnTransport *t = MS_CONN_TRANSPORT (transport);
  if (t->wbuf->len == 0)
    return TRUE;
  if (t->limits.framed)
    {
      guint32 be = htonl (t->wbuf->len);
      if (!send_all (t, (const guint8 *) &be, 4, error))
        return FALSE;
    }
  gboolean ok = send_all (t, t->wbuf->data, t->wbuf->len, error);
  if (t->wbuf->len > WRITE_FLUSH_AT)
    {
      /* do not keep a large framed reply's buffer alive between calls */
      g_byte_array_unref (t->wbuf);
      t->wbuf = g_byte_array_sized_new (1024);
    }
  else
    g_byte_array_set_size (t->wbuf, 0);
  return ok;
}

static gboolean
conn_write (ThriftTransport *transport, const gpointer buf, const guint32 len, GError **error)
{
  MsConnTransport *t = MS_CONN_TRANSPORT (transport);
  g_byte_array_append (t->wbuf, buf, len);
  /* buffered mode streams long replies instead of holding them whole */
  if (!t->limits.framed && t->wbuf->len >= WRITE_FLUSH_AT)
    {
      gboolean ok = send_all (t, t->wbuf->data, t->wbuf->len, error);
      g_byte_array_set_size (t->wbuf, 0);
      return ok;
    }
  return TRUE;
}

static gboolean conn_true (ThriftTransport *transport, GError **error)
{ (void) transport; (void) error; return TRUE; }
static gboolean conn_is_open (ThriftTransport *transport)
{ return MS_CONN_TRANSPORT (transport)->fd >= 0; }
static gboolean conn_open (ThriftTransport *transport, GError **error)
{ (void) transport; return fail (error, THRIFT_TRANSPORT_ERROR_CONNECT, "server connections are opened by accept"); }

static gboolean
conn_peek (ThriftTransport *transport, GError **error)
{
  (void) error;
  MsConnTransport *t = MS_CONN_TRANSPORT (transport);
  if (t->rpos < t->rlen || (t->ssl != NULL && SSL_has_pending (t->ssl)))
    return TRUE;
  struct pollfd p = { .fd = t->fd, .events = POLLIN };
  return poll (&p, 1, 0) > 0;
}

static gboolean
conn_check_available (ThriftTransport *transport, glong n, GError **error)
{
  MsConnTransport *t = MS_CONN_TRANSPORT (transport);
  if (n < 0 || (gint64) n > t->limits.max_message_bytes - t->msg_bytes)
    {
      g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_MAX_MESSAGE_SIZE_REACHED,
                   "message would exceed %" G_GINT64_FORMAT " bytes", t->limits.max_message_bytes);
      return FALSE;
    }
  return TRUE;
}

static gboolean conn_size_noop (ThriftTransport *transport, glong n, GError **error)
{ (void) transport; (void) n; (void) error; return TRUE; }

static void
ms_conn_transport_finalize (GObject *obj)
{
  MsConnTransport *t = MS_CONN_TRANSPORT (obj);
  g_free (t->rbuf);
  g_byte_array_unref (t->wbuf);
  if (t->ssl != NULL)
    SSL_free (t->ssl);        /* the socket is closed by the server, not here */
  slow_release (t);
  g_free (t->peer_address);
  G_OBJECT_CLASS (ms_conn_transport_parent_class)->finalize (obj);
}

static void
ms_conn_transport_init (MsConnTransport *t)
{
  t->fd = -1;
  t->rbuf = g_malloc (READ_BUF);
  t->wbuf = g_byte_array_sized_new (1024);
}

static void
ms_conn_transport_class_init (MsConnTransportClass *klass)
{
  ThriftTransportClass *tc = THRIFT_TRANSPORT_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = ms_conn_transport_finalize;
  tc->is_open = conn_is_open;
  tc->peek = conn_peek;
  tc->open = conn_open;
  tc->close = conn_true;
  tc->read = conn_read;
  tc->read_all = conn_read_all;
  tc->read_end = conn_true;
  tc->write = conn_write;
  tc->write_end = conn_true;
  tc->flush = conn_flush;
  tc->updateKnownMessageSize = conn_size_noop;
  tc->checkReadBytesAvailable = conn_check_available;
  tc->resetConsumedMessageSize = conn_size_noop;
  tc->countConsumedMessageBytes = conn_size_noop;
}

MsConnTransport *
ms_conn_transport_new (int fd, const MsConnLimits *limits)
{
  MsConnTransport *t = g_object_new (MS_TYPE_CONN_TRANSPORT, NULL);
  t->fd = fd;
  t->limits = *limits;
  return t;
}

void
ms_conn_transport_begin_message (MsConnTransport *t)
{
  t->msg_bytes = 0;
  t->clean_eof = FALSE;
  slow_release (t);
  t->msg_deadline = g_get_monotonic_time () + (gint64) t->limits.read_timeout_ms * 1000;
}

void
ms_conn_transport_end_message (MsConnTransport *t)
{
  t->msg_deadline = 0;
  slow_release (t);
}

void
ms_conn_transport_set_peer_address (MsConnTransport *t, const char *address)
{
  g_free (t->peer_address);
  t->peer_address = g_strdup (address);
}

gboolean ms_conn_transport_clean_eof (MsConnTransport *t) { return t->clean_eof; }

gboolean
ms_conn_transport_has_buffered (MsConnTransport *t)
{
  return t->rpos < t->rlen || (t->ssl != NULL && SSL_has_pending (t->ssl));
}

gboolean
ms_conn_transport_readable (MsConnTransport *t)
{
  return conn_peek (THRIFT_TRANSPORT (t), NULL);
}

void
ms_conn_transport_set_tls (MsConnTransport *t, SSL *ssl)
{
  g_return_if_fail (t->ssl == NULL);
  t->ssl = ssl;
  t->tls_ready = FALSE;
}

gboolean
ms_conn_transport_needs_handshake (MsConnTransport *t)
{
  return t->ssl != NULL && !t->tls_ready;
}

gboolean
ms_conn_transport_handshake (MsConnTransport *t, GError **error)
{
  if (t->ssl == NULL || t->tls_ready)
    return TRUE;
  gint64 deadline = g_get_monotonic_time () + (gint64) t->limits.read_timeout_ms * 1000;
  for (;;)
    {
      ERR_clear_error ();
      int r = SSL_do_handshake (t->ssl);
      if (r == 1)
        {
          t->tls_ready = TRUE;
          return TRUE;
        }
      gboolean closed = FALSE;
      if (!tls_wait (t, r, deadline, THRIFT_TRANSPORT_ERROR_RECEIVE, &closed, error))
        {
          t->tls_broken = TRUE;
          return FALSE;
        }
    }
}

void
ms_conn_transport_tls_goodbye (MsConnTransport *t)
{
  if (t->ssl == NULL || !t->tls_ready || t->tls_broken)
    return;
  /* one attempt, never waits: the socket is non-blocking */
  ERR_clear_error ();
  SSL_shutdown (t->ssl);
  ERR_clear_error ();
  t->tls_broken = TRUE;
}
