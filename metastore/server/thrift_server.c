/*
 * thrift_server.c: accept loop, idle-connection watcher and worker pool
 * (design in thrift_server.h).
 *
 * Ownership: a connection in state IDLE or REJECT belongs to the event
 * thread; in state BUSY to the worker serving it. State changes happen under
 * srv->lock, and epoll is used one-shot, so one event hands a connection to
 * exactly one worker.
 */
#include "server/thrift_server.h"
#include "server/conn_transport.h"
#include "server/guard_protocol.h"
#include "server/tls.h"
#include "core/log.h"
#include "core/error.h"
#include <thrift/c_glib/thrift_application_exception.h>
#include <thrift/c_glib/processor/thrift_dispatch_processor.h>
#include <thrift/c_glib/transport/thrift_memory_buffer.h>
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LISTEN 8
#define COUNT(x) __atomic_fetch_add (&(x), 1, __ATOMIC_RELAXED)
#define MAX_REJECTING 256
#define REJECT_LINGER_US (2 * G_USEC_PER_SEC)

typedef enum { TAG_LISTEN, TAG_WAKE, TAG_CONN } TagKind;
typedef enum { CONN_IDLE, CONN_BUSY, CONN_REJECT } ConnState;

typedef struct {
  TagKind kind;
  int fd;
} Tag;

typedef struct {
  Tag tag;                   /* first: epoll data points here */
  MsThriftServer *srv;
  guint64 id;
  char peer[INET6_ADDRSTRLEN + 8];
  char address[INET6_ADDRSTRLEN];   /* the peer without its port */
  MsConnTransport *transport;
  SSL *ssl;                  /* the transport's; NULL: plain TCP */
  MsGuardProtocol *proto;
  gpointer session;
  ConnState state;
  gint64 last_active;
  guint64 seq;
} Conn;

struct _MsThriftServer {
  /* settings */
  char *bind;
  int port;
  int max_connections;
  int workers_n;
  int idle_timeout_s;
  int shutdown_grace_ms;
  gboolean framed;
  gboolean read_only;        /* a read-only listener (its sessions are told) */
  MsConnLimits climits;
  MsSlowReaders *slow;
  MsGuardLimits glimits;
  MsTlsFiles tls_files;      /* strings owned here; cert NULL: plain TCP */
  ThriftProcessor *processor;
  MsSessionHooks hooks;
  /* runtime */
  int epfd;
  Tag wake;
  Tag listen[MAX_LISTEN];
  int n_listen;
  GThread *event_thread;
  GThreadPool *workers;
  GMutex lock;
  GCond idle_cond;           /* signalled when busy drops */
  GHashTable *conns;         /* id -> Conn*, all states */
  int n_reject;
  int busy;
  gint stopping;
  gboolean stopped;
  guint64 next_id;
  GByteArray *refusal;       /* the bytes sent to a refused connection */
  MsTlsContext *tls;         /* NULL: plain TCP */
  /* counters (atomic) */
  guint64 accepted, refused, calls, bad_frames;
};

static GPrivate current_session;

gpointer
ms_thrift_server_current_session (void)
{
  return g_private_get (&current_session);
}

void
ms_thrift_server_set_listener (MsThriftServer *srv, int port, gboolean read_only)
{
  srv->port = port;
  srv->read_only = read_only;
}

/* Tell the session who its client is (certificate names after a handshake). */
static void
conn_identify (MsThriftServer *s, Conn *c)
{
  if (s->hooks.session_identify == NULL || c->session == NULL)
    return;
  g_auto (GStrv) names = c->ssl ? ms_tls_peer_names (c->ssl) : NULL;
  MsPeerIdentity peer = { c->address, (const char *const *) names, s->read_only };
  s->hooks.session_identify (c->session, &peer);
}

MsThriftServer *
ms_thrift_server_new (const MsConfig *cfg, ThriftProcessor *processor, const MsSessionHooks *hooks)
{
  MsThriftServer *s = g_new0 (MsThriftServer, 1);
  s->bind = g_strdup (cfg->bind);
  s->port = cfg->thrift_port;
  s->max_connections = cfg->max_connections;
  s->workers_n = cfg->workers;
  s->idle_timeout_s = cfg->idle_timeout_s;
  s->shutdown_grace_ms = cfg->shutdown_grace_ms;
  s->framed = g_str_equal (cfg->thrift_transport, "framed");
  /* one address's slow messages may hold at most half the workers */
  s->slow = ms_slow_readers_new (MAX (1, (guint) cfg->workers / 2));
  s->climits = (MsConnLimits) { s->framed, cfg->read_timeout_ms, cfg->write_timeout_ms,
                                cfg->max_message_bytes, s->slow };
  s->glimits = (MsGuardLimits) { cfg->max_string_bytes, cfg->max_container_items, cfg->max_depth };
  if (cfg->tls_cert != NULL && cfg->tls_key != NULL)
    s->tls_files = (MsTlsFiles) { g_strdup (cfg->tls_cert), g_strdup (cfg->tls_key),
                                  g_strdup (cfg->tls_client_ca), g_strdup (cfg->tls_min_version) };
  s->processor = g_object_ref (processor);
  if (hooks)
    s->hooks = *hooks;
  s->epfd = -1;
  s->wake = (Tag) { TAG_WAKE, -1 };
  g_mutex_init (&s->lock);
  g_cond_init (&s->idle_cond);
  s->conns = g_hash_table_new (g_int64_hash, g_int64_equal);
  return s;
}

/* The reply a refused client reads: TApplicationException INTERNAL_ERROR. */
static GByteArray *
build_refusal (gboolean framed, int max)
{
  ThriftMemoryBuffer *buf = g_object_new (THRIFT_TYPE_MEMORY_BUFFER, "buf_size", 512, NULL);
  ThriftProtocol *p = g_object_new (THRIFT_TYPE_BINARY_PROTOCOL, "transport", buf, NULL);
  g_autofree char *msg = g_strdup_printf (
      "metastore: too many connections (max_connections = %d); try again later", max);
  ThriftApplicationException *x = g_object_new (
      THRIFT_TYPE_APPLICATION_EXCEPTION, "type", THRIFT_APPLICATION_EXCEPTION_ERROR_INTERNAL_ERROR,
      "message", msg, NULL);
  thrift_protocol_write_message_begin (p, "", T_EXCEPTION, 0, NULL);
  thrift_struct_write (THRIFT_STRUCT (x), p, NULL);
  thrift_protocol_write_message_end (p, NULL);
  guint8 tmp[512];
  gint32 n = thrift_transport_read (THRIFT_TRANSPORT (buf), tmp, sizeof tmp, NULL);
  GByteArray *out = g_byte_array_new ();
  if (framed)
    {
      guint32 be = htonl ((guint32) MAX (n, 0));
      g_byte_array_append (out, (guint8 *) &be, 4);
    }
  if (n > 0)
    g_byte_array_append (out, tmp, (guint) n);
  g_object_unref (x);
  g_object_unref (p);
  g_object_unref (buf);
  return out;
}

/* Remove from the table and epoll, close, free. Caller holds srv->lock. */
static void
conn_close_locked (MsThriftServer *s, Conn *c)
{
  g_hash_table_remove (s->conns, &c->id);
  if (c->state == CONN_REJECT)
    s->n_reject--;
  epoll_ctl (s->epfd, EPOLL_CTL_DEL, c->tag.fd, NULL);
  if (c->transport != NULL)
    ms_conn_transport_tls_goodbye (c->transport);
  close (c->tag.fd);
  if (c->session && s->hooks.session_free)
    s->hooks.session_free (c->session);
  g_clear_object (&c->proto);
  g_clear_object (&c->transport);
  g_free (c);
}

/* Close every connection but the busy ones (those too with 'busy_too').
 * Caller holds s->lock. */
static void
close_conns_locked (MsThriftServer *s, gboolean busy_too)
{
  GHashTableIter it;
  gpointer k, v;
  g_autoptr (GPtrArray) doomed = g_ptr_array_new ();
  g_hash_table_iter_init (&it, s->conns);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (busy_too || ((Conn *) v)->state != CONN_BUSY)
      g_ptr_array_add (doomed, v);
  for (guint i = 0; i < doomed->len; i++)
    conn_close_locked (s, g_ptr_array_index (doomed, i));
}

static void
conn_arm (MsThriftServer *s, Conn *c)
{
  struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.ptr = c };
  if (epoll_ctl (s->epfd, EPOLL_CTL_MOD, c->tag.fd, &ev) != 0)
    epoll_ctl (s->epfd, EPOLL_CTL_ADD, c->tag.fd, &ev);
}

/* Serve calls on one connection until none is buffered. Worker thread. */
static void
serve_conn (gpointer data, gpointer user)
{
  Conn *c = data;
  MsThriftServer *s = user;
  ThriftProtocol *p = THRIFT_PROTOCOL (c->proto);
  gboolean keep = TRUE;

  g_private_set (&current_session, c->session);
  gboolean serve = TRUE;
  if (ms_conn_transport_needs_handshake (c->transport))
    {
      /* on this worker, never the event thread; bounded by read_timeout_ms */
      g_autoptr (GError) err = NULL;
      if (!ms_conn_transport_handshake (c->transport, &err))
        {
          ms_info ("TLS handshake with %s failed: %s", c->peer, err ? err->message : "unknown");
          keep = FALSE;
          serve = FALSE;
        }
      else
        {
          conn_identify (s, c);
          serve = ms_conn_transport_readable (c->transport);   /* else: back to idle */
        }
    }
  while (serve)
    {
      g_autoptr (GError) err = NULL;
      gchar *fname = NULL;
      ThriftMessageType mtype = 0;
      gint32 seqid = 0;
      char rid[48];

      snprintf (rid, sizeof rid, "c%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT, c->id, ++c->seq);
      ms_log_set_request_id (rid);
      if (thrift_protocol_read_message_begin (p, &fname, &mtype, &seqid, &err) < 0)
        {
          if (ms_conn_transport_clean_eof (c->transport))
            ms_debug ("connection from %s closed by the client", c->peer);
          else
            {
              COUNT (s->bad_frames);
              ms_info ("closing connection from %s: %s", c->peer,
                       err ? err->message : "unreadable message");
            }
          g_free (fname);
          keep = FALSE;
          break;
        }
      if (mtype != T_CALL && mtype != T_ONEWAY)
        {
          g_free (fname);
          COUNT (s->bad_frames);
          ms_info ("closing connection from %s: message type %d is not a call", c->peer, mtype);
          keep = FALSE;
          break;
        }
      COUNT (s->calls);
      ms_debug ("call %s from %s", fname, c->peer);
      char method[64];
      g_strlcpy (method, fname, sizeof method);
      if (!s->hooks.dispatch (s->processor, p, fname, seqid, &err))
        {
          COUNT (s->bad_frames);
          ms_info ("closing connection from %s during %s: %s", c->peer, method,
                   err ? err->message : "call failed");
          keep = FALSE;
          break;
        }
      /* pipelined calls, including TLS records OpenSSL already holds */
      serve = ms_conn_transport_has_buffered (c->transport);
    }
  ms_log_set_request_id (NULL);
  g_private_set (&current_session, NULL);

  g_mutex_lock (&s->lock);
  s->busy--;
  if (keep && !g_atomic_int_get (&s->stopping))
    {
      c->state = CONN_IDLE;
      c->last_active = g_get_monotonic_time ();
      conn_arm (s, c);
    }
  else
    conn_close_locked (s, c);
  g_cond_broadcast (&s->idle_cond);
  g_mutex_unlock (&s->lock);
}

static void
format_peer (const struct sockaddr_storage *sa, char *out, gsize len, char *address,
             gsize address_len)
{
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (sa->ss_family == AF_INET)
    {
      const struct sockaddr_in *in = (const void *) sa;
      inet_ntop (AF_INET, &in->sin_addr, host, sizeof host);
      port = ntohs (in->sin_port);
      snprintf (out, len, "%s:%d", host, port);
    }
  else if (sa->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *in6 = (const void *) sa;
      inet_ntop (AF_INET6, &in6->sin6_addr, host, sizeof host);
      port = ntohs (in6->sin6_port);
      snprintf (out, len, "[%s]:%d", host, port);
    }
  else
    snprintf (out, len, "unknown");
  g_strlcpy (address, host, address_len);
}

static void
accept_ready (MsThriftServer *s, int lfd)
{
  for (;;)
    {
      struct sockaddr_storage sa;
      socklen_t sl = sizeof sa;
      int fd = accept4 (lfd, (struct sockaddr *) &sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          if (errno == EMFILE || errno == ENFILE)
            {
              ms_warn ("accept: %s; waiting for connections to close", g_strerror (errno));
              g_usleep (10000);
            }
          return;
        }
      int one = 1;
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      setsockopt (fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);

      Conn *c = g_new0 (Conn, 1);
      c->tag = (Tag) { TAG_CONN, fd };
      c->srv = s;
      format_peer (&sa, c->peer, sizeof c->peer, c->address, sizeof c->address);
      c->last_active = g_get_monotonic_time ();

      g_mutex_lock (&s->lock);
      c->id = ++s->next_id;
      int open_now = (int) g_hash_table_size (s->conns) - s->n_reject;
      if (open_now >= s->max_connections)
        {
          COUNT (s->refused);
          /* a TLS client could not read a plain refusal: it is just closed */
          if (s->tls == NULL)
            {
              ssize_t n = send (fd, s->refusal->data, s->refusal->len, MSG_NOSIGNAL);
              (void) n;
            }
          shutdown (fd, SHUT_WR);
          if (s->n_reject >= MAX_REJECTING || s->tls != NULL)
            {
              close (fd);
              g_free (c);
            }
          else
            {
              /* keep reading until the client closes (or 2 s), so our
               * reply is not lost to a reset */
              c->state = CONN_REJECT;
              s->n_reject++;
              g_hash_table_insert (s->conns, &c->id, c);
              struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
              epoll_ctl (s->epfd, EPOLL_CTL_ADD, fd, &ev);
            }
          g_mutex_unlock (&s->lock);
          ms_info ("refused connection from %s: %d connections open (max_connections)", c->peer,
                   open_now);
          continue;
        }
      SSL *ssl = NULL;
      if (s->tls != NULL)
        {
          g_autoptr (GError) terr = NULL;
          ssl = ms_tls_context_new_ssl (s->tls, fd, &terr);
          if (ssl == NULL)
            {
              g_mutex_unlock (&s->lock);
              ms_warn ("closing connection from %s: %s", c->peer, terr->message);
              close (fd);
              g_free (c);
              continue;
            }
        }
      COUNT (s->accepted);
      c->transport = ms_conn_transport_new (fd, &s->climits);
      ms_conn_transport_set_peer_address (c->transport, c->address);
      if (ssl != NULL)
        ms_conn_transport_set_tls (c->transport, ssl);
      c->ssl = ssl;
      c->proto = ms_guard_protocol_new (THRIFT_TRANSPORT (c->transport), &s->glimits);
      if (s->hooks.session_new)
        c->session = s->hooks.session_new (s->hooks.user, c->id, c->peer);
      conn_identify (s, c);
      c->state = CONN_IDLE;
      g_hash_table_insert (s->conns, &c->id, c);
      struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.ptr = c };
      epoll_ctl (s->epfd, EPOLL_CTL_ADD, fd, &ev);
      g_mutex_unlock (&s->lock);
      ms_debug ("connection %" G_GUINT64_FORMAT " from %s", c->id, c->peer);
    }
}

static void
reject_drain (MsThriftServer *s, Conn *c)
{
  char sink[4096];
  for (;;)
    {
      ssize_t n = recv (c->tag.fd, sink, sizeof sink, 0);
      if (n > 0)
        continue;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      conn_close_locked (s, c);   /* EOF or error */
      return;
    }
}

static void
sweep (MsThriftServer *s)
{
  gint64 now = g_get_monotonic_time ();
  GHashTableIter it;
  gpointer k, v;
  GPtrArray *dead = g_ptr_array_new ();
  g_hash_table_iter_init (&it, s->conns);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      Conn *c = v;
      if (c->state == CONN_REJECT && now - c->last_active > REJECT_LINGER_US)
        g_ptr_array_add (dead, c);
      else if (c->state == CONN_IDLE && s->idle_timeout_s > 0
               && now - c->last_active > (gint64) s->idle_timeout_s * G_USEC_PER_SEC)
        {
          ms_info ("closing connection from %s: idle for %d s", c->peer, s->idle_timeout_s);
          g_ptr_array_add (dead, c);
        }
    }
  for (guint i = 0; i < dead->len; i++)
    conn_close_locked (s, g_ptr_array_index (dead, i));
  g_ptr_array_free (dead, TRUE);
}

static gpointer
event_loop (gpointer data)
{
  MsThriftServer *s = data;
  struct epoll_event evs[64];
  gint64 last_sweep = g_get_monotonic_time ();
  guint64 calls_at_sweep = 0, calls_at_trim = 0;

  while (!g_atomic_int_get (&s->stopping))
    {
      int n = epoll_wait (s->epfd, evs, G_N_ELEMENTS (evs), 1000);
      if (n < 0 && errno != EINTR)
        {
          ms_error ("epoll_wait: %s", g_strerror (errno));
          break;
        }
      for (int i = 0; i < n; i++)
        {
          Tag *t = evs[i].data.ptr;
          if (t->kind == TAG_WAKE)
            {
              guint64 v;
              ssize_t r = read (t->fd, &v, sizeof v);
              (void) r;
              continue;
            }
          if (t->kind == TAG_LISTEN)
            {
              accept_ready (s, t->fd);
              continue;
            }
          Conn *c = (Conn *) t;
          g_mutex_lock (&s->lock);
          if (c->state == CONN_REJECT)
            reject_drain (s, c);
          else if (c->state == CONN_IDLE)
            {
              c->state = CONN_BUSY;
              s->busy++;
              g_thread_pool_push (s->workers, c, NULL);
            }
          g_mutex_unlock (&s->lock);
        }
      gint64 now = g_get_monotonic_time ();
      if (now - last_sweep >= G_USEC_PER_SEC)
        {
          last_sweep = now;
          g_mutex_lock (&s->lock);
          sweep (s);
          g_mutex_unlock (&s->lock);
          /* After a burst, once a second passed without calls, hand the
           * workers' freed heap back to the system: glibc keeps it in
           * per-thread arenas otherwise, and RSS stays at the peak. */
          guint64 calls = __atomic_load_n (&s->calls, __ATOMIC_RELAXED);
          if (calls == calls_at_sweep && calls != calls_at_trim)
            {
              malloc_trim (0);
              calls_at_trim = calls;
            }
          calls_at_sweep = calls;
        }
    }
  return NULL;
}

static gboolean
listen_on (MsThriftServer *s, GError **error)
{
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                            .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
  struct addrinfo *res = NULL;
  char port[16];
  snprintf (port, sizeof port, "%d", s->port);
  int rc = getaddrinfo (s->bind, port, &hints, &res);
  if (rc != 0)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "cannot resolve bind address %s: %s", s->bind,
                    gai_strerror (rc));
  int bound_port = s->port;
  gboolean several = res && res->ai_next;
  for (struct addrinfo *ai = res; ai && s->n_listen < MAX_LISTEN; ai = ai->ai_next)
    {
      int fd = socket (ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0)
        continue;
      int one = 1, v6only = several ? 1 : 0;
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (ai->ai_family == AF_INET6)
        setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
      if (bound_port != 0)
        {
          if (ai->ai_family == AF_INET)
            ((struct sockaddr_in *) ai->ai_addr)->sin_port = htons (bound_port);
          else if (ai->ai_family == AF_INET6)
            ((struct sockaddr_in6 *) ai->ai_addr)->sin6_port = htons (bound_port);
        }
      if (bind (fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen (fd, 1024) != 0)
        {
          int e = errno;
          close (fd);
          freeaddrinfo (res);
          return ms_fail (error, MS_ERROR_UNAVAILABLE, "cannot listen on %s port %d: %s", s->bind,
                          bound_port, g_strerror (e));
        }
      struct sockaddr_storage sa;
      socklen_t sl = sizeof sa;
      getsockname (fd, (struct sockaddr *) &sa, &sl);
      bound_port = sa.ss_family == AF_INET ? ntohs (((struct sockaddr_in *) &sa)->sin_port)
                                           : ntohs (((struct sockaddr_in6 *) &sa)->sin6_port);
      s->listen[s->n_listen++] = (Tag) { TAG_LISTEN, fd };
    }
  freeaddrinfo (res);
  if (s->n_listen == 0)
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "no usable address for %s", s->bind);
  s->port = bound_port;
  return TRUE;
}

gboolean
ms_thrift_server_start (MsThriftServer *s, GError **error)
{
  if (s->tls_files.cert != NULL && s->tls == NULL
      && (s->tls = ms_tls_context_new (&s->tls_files, error)) == NULL)
    return FALSE;
  s->refusal = build_refusal (s->framed, s->max_connections);
  s->epfd = epoll_create1 (EPOLL_CLOEXEC);
  s->wake.fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (s->epfd < 0 || s->wake.fd < 0)
    return ms_fail (error, MS_ERROR_INTERNAL, "epoll: %s", g_strerror (errno));
  if (!listen_on (s, error))
    return FALSE;
  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &s->wake };
  epoll_ctl (s->epfd, EPOLL_CTL_ADD, s->wake.fd, &ev);
  for (int i = 0; i < s->n_listen; i++)
    {
      struct epoll_event lev = { .events = EPOLLIN, .data.ptr = &s->listen[i] };
      epoll_ctl (s->epfd, EPOLL_CTL_ADD, s->listen[i].fd, &lev);
    }
  g_autoptr (GError) local = NULL;
  s->workers = g_thread_pool_new (serve_conn, s, s->workers_n, FALSE, &local);
  if (s->workers == NULL)
    return ms_fail (error, MS_ERROR_INTERNAL, "worker pool: %s", local->message);
  s->event_thread = g_thread_new ("thrift-accept", event_loop, s);
  return TRUE;
}

int
ms_thrift_server_port (MsThriftServer *s)
{
  return s->port;
}

void
ms_thrift_server_stop (MsThriftServer *s)
{
  if (s->stopped || s->event_thread == NULL)
    return;
  s->stopped = TRUE;
  g_atomic_int_set (&s->stopping, 1);
  guint64 one = 1;
  ssize_t w = write (s->wake.fd, &one, sizeof one);
  (void) w;
  g_thread_join (s->event_thread);
  s->event_thread = NULL;
  for (int i = 0; i < s->n_listen; i++)
    close (s->listen[i].fd);
  s->n_listen = 0;

  /* close idle connections, let busy ones finish within the grace period */
  g_mutex_lock (&s->lock);
  close_conns_locked (s, FALSE);
  gint64 deadline = g_get_monotonic_time () + (gint64) s->shutdown_grace_ms * 1000;
  while (s->busy > 0 && g_cond_wait_until (&s->idle_cond, &s->lock, deadline))
    ;
  if (s->busy > 0)
    {
      ms_warn ("%d calls still running after %d ms; cutting their connections", s->busy,
               s->shutdown_grace_ms);
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, s->conns);
      while (g_hash_table_iter_next (&it, &k, &v))
        shutdown (((Conn *) v)->tag.fd, SHUT_RDWR);
    }
  g_mutex_unlock (&s->lock);
  g_thread_pool_free (s->workers, FALSE, TRUE);
  s->workers = NULL;
}

void
ms_thrift_server_free (MsThriftServer *s)
{
  if (s == NULL)
    return;
  ms_thrift_server_stop (s);
  g_mutex_lock (&s->lock);
  close_conns_locked (s, TRUE);
  g_mutex_unlock (&s->lock);
  if (s->epfd >= 0)
    close (s->epfd);
  if (s->wake.fd >= 0)
    close (s->wake.fd);
  g_hash_table_unref (s->conns);
  g_clear_pointer (&s->refusal, g_byte_array_unref);
  g_clear_pointer (&s->tls, ms_tls_context_free);
  g_free ((char *) s->tls_files.cert);
  g_free ((char *) s->tls_files.key);
  g_free ((char *) s->tls_files.client_ca);
  g_free ((char *) s->tls_files.min_version);
  g_object_unref (s->processor);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->idle_cond);
  g_free (s->bind);
  ms_slow_readers_free (s->slow);
  g_free (s);
}

MsThriftStats
ms_thrift_server_stats (MsThriftServer *s)
{
  MsThriftStats st;
  st.accepted = __atomic_load_n (&s->accepted, __ATOMIC_RELAXED);
  st.refused = __atomic_load_n (&s->refused, __ATOMIC_RELAXED);
  st.calls = __atomic_load_n (&s->calls, __ATOMIC_RELAXED);
  st.bad_frames = __atomic_load_n (&s->bad_frames, __ATOMIC_RELAXED);
  g_mutex_lock (&s->lock);
  st.open = (int) g_hash_table_size (s->conns) - s->n_reject;
  st.busy = s->busy;
  g_mutex_unlock (&s->lock);
  return st;
}

gboolean
ms_thrift_server_tls (MsThriftServer *s)
{
  return s->tls != NULL;
}

gboolean
ms_thrift_server_reload_tls (MsThriftServer *s, const MsConfig *cfg, GError **error)
{
  gboolean want = cfg->tls_cert != NULL && cfg->tls_key != NULL;
  if (s->tls == NULL)
    {
      if (want)
        return ms_fail (error, MS_ERROR_INVALID_INPUT,
                        "server.tls_cert is set but the Thrift port started without TLS; "
                        "restart to turn TLS on");
      return TRUE;
    }
  if (!want)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "server.tls_cert/tls_key are unset but the Thrift port speaks TLS; "
                    "restart to turn TLS off");
  MsTlsFiles files = { cfg->tls_cert, cfg->tls_key, cfg->tls_client_ca, cfg->tls_min_version };
  return ms_tls_context_reload (s->tls, &files, error);
}
