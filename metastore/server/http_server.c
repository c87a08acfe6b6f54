/*
 * http_server.c: the REST door's HTTP listener on libmicrohttpd (see
 * http_server.h). A request's body is gathered across libmicrohttpd's
 * upload callbacks up to the configured limit, then the handler runs once
 * with the whole request and its response is queued.
 *
 * With rest.tls_client_ca, libmicrohttpd asks every TLS client for a
 * certificate (MHD_OPTION_HTTPS_MEM_TRUST) but cannot require one in the
 * handshake; so each request's connection is checked here (GnuTLS verifies
 * the peer's chain against those CAs) and refused (MS_HTTP_ERROR_FORBIDDEN)
 * before routing: the handler gets only the refusal, to answer 403 in its
 * door's error form. So does a path that cannot be decoded.
 */
#include "server/http_server.h"
#include "server/http_deadline.h"
#include "core/error.h"
#include "core/log.h"
#include <microhttpd.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

G_DEFINE_QUARK (ms-http-error-quark, ms_http_error)

struct _MsHttpServer {
  struct MHD_Daemon *daemon; /* the current one (swapped by a TLS reload) */
  MsHttpHandler handler;
  gpointer user;
  gint64 max_body_bytes;
  int port;
  gboolean client_certs;     /* rest.tls_client_ca set: verify each peer */
  /* what a new daemon is started with */
  int threads, max_connections, timeout_s;
  char *cert, *key, *trust;  /* PEM texts; NULL without TLS */
  MsHttpDeadlines *deadlines;  /* each request must arrive whole within timeout_s */
};

/* Did the TLS peer of 'c' present a certificate our trusted CAs signed?
 * FALSE with the reason in 'why'. */
static gboolean
peer_verified (struct MHD_Connection *c, char *why, gsize len)
{
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info (c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
  if (ci == NULL || ci->tls_session == NULL)
    {
      g_strlcpy (why, "not a TLS connection", len);
      return FALSE;
    }
  gnutls_session_t session = (gnutls_session_t) ci->tls_session;
  unsigned int n_certs = 0;
  if (gnutls_certificate_type_get (session) != GNUTLS_CRT_X509
      || gnutls_certificate_get_peers (session, &n_certs) == NULL || n_certs == 0)
    {
      g_strlcpy (why, "no client certificate", len);
      return FALSE;
    }
  unsigned int status = 0;
  int rc = gnutls_certificate_verify_peers2 (session, &status);
  if (rc != GNUTLS_E_SUCCESS)
    {
      g_strlcpy (why, gnutls_strerror (rc), len);
      return FALSE;
    }
  if (status != 0)
    {
      gnutls_datum_t out = { NULL, 0 };
      if (gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &out, 0) == 0)
        {
          g_strlcpy (why, (const char *) out.data, len);
          gnutls_free (out.data);
        }
      else
        g_strlcpy (why, "client certificate not trusted", len);
      return FALSE;
    }
  return TRUE;
}

static const char *
peer_format (struct MHD_Connection *c, char *buf, gsize len, gboolean with_port)
{
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info (c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  g_strlcpy (buf, "?", len);
  if (ci == NULL || ci->client_addr == NULL)
    return buf;
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  socklen_t sl = ci->client_addr->sa_family == AF_INET6 ? sizeof (struct sockaddr_in6)
                                                         : sizeof (struct sockaddr_in);
  if (getnameinfo (ci->client_addr, sl, host, sizeof host, serv, sizeof serv,
                   NI_NUMERICHOST | NI_NUMERICSERV) == 0)
    g_snprintf (buf, len, with_port ? "%s:%s" : "%s", host, serv);
  return buf;
}

static const char *
peer_text (struct MHD_Connection *c, char *buf, gsize len)
{
  return peer_format (c, buf, len, TRUE);
}

const char *
ms_http_request_peer_address (const MsHttpRequest *req, char *buf, gsize len)
{
  if (req->conn == NULL)
    return g_strlcpy (buf, "?", len), buf;
  return peer_format (req->conn, buf, len, FALSE);
}

/* Per-request state across the upload callbacks. */
typedef struct {
  GByteArray *body;
  gboolean too_large;
  GError *head_refused;        /* refused on its head alone; answered at once */
} Pending;

static enum MHD_Result
count_length (void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
  (void) kind;
  (void) value;
  if (g_ascii_strcasecmp (key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
    (*(guint *) cls)++;
  return MHD_YES;
}

/* A request head that cannot be framed safely: a repeated Content-Length
 * (RFC 9112 section 6.3: the length is then unknown, answer 400 and close,
 * or the rest of the body would be read as a second request). */
static GError *
head_refusal (struct MHD_Connection *c)
{
  guint lengths = 0;
  MHD_get_connection_values (c, MHD_HEADER_KIND, count_length, &lengths);
  if (lengths > 1)
    return g_error_new_literal (MS_HTTP_ERROR, MS_HTTP_ERROR_BAD_HEAD,
                                "Content-Length is sent more than once: the message length is "
                                "ambiguous");
  return NULL;
}

/* Keep the path as sent: segments are split on '/' first and decoded one by
 * one, so an encoded "%2F" or "%1F" inside a name stays inside it. */
static size_t
keep_escaped (void *cls, struct MHD_Connection *c, char *s)
{
  (void) cls;
  (void) c;
  return strlen (s);
}

static enum MHD_Result
collect_query (void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
  (void) kind;
  GHashTable *q = cls;
  /* query values arrive still escaped (see keep_escaped); '+' is a space
   * in a query string, and "%2B" a plus, so '+' goes first */
  g_autofree char *k_raw = g_strdelimit (g_strdup (key), "+", ' ');
  g_autofree char *v_raw = value ? g_strdelimit (g_strdup (value), "+", ' ') : g_strdup ("");
  char *k = g_uri_unescape_string (k_raw, NULL);
  char *v = g_uri_unescape_string (v_raw, NULL);
  if ((k && !g_utf8_validate (k, -1, NULL)) || (v && !g_utf8_validate (v, -1, NULL)))
    {
      g_clear_pointer (&k, g_free);   /* dropped: query values are UTF-8 text */
      g_clear_pointer (&v, g_free);
    }
  if (k == NULL || v == NULL || g_hash_table_contains (q, k))
    {
      g_free (k);
      g_free (v);
      return MHD_YES;
    }
  g_hash_table_insert (q, k, v);
  return MHD_YES;
}

static char **
split_path (const char *url, gboolean *ok)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  *ok = TRUE;
  g_auto (GStrv) parts = g_strsplit (url, "/", -1);
  for (char **p = parts; *p; p++)
    {
      if (**p == '\0')
        continue;
      char *d = g_uri_unescape_string (*p, NULL);
      if (d != NULL && !g_utf8_validate (d, -1, NULL))
        g_clear_pointer (&d, g_free);   /* names are UTF-8 text */
      if (d == NULL)
        {
          *ok = FALSE;
          d = g_strdup ("");
        }
      g_ptr_array_add (out, d);
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

const char *
ms_http_request_header (const MsHttpRequest *req, const char *name)
{
  if (req->conn == NULL)
    return NULL;
  return MHD_lookup_connection_value (req->conn, MHD_HEADER_KIND, name);
}

void
ms_http_response_header (MsHttpResponse *resp, const char *name, const char *value)
{
  if (resp->headers == NULL)
    resp->headers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (resp->headers, g_strdup (name));
  g_ptr_array_add (resp->headers, g_strdup (value));
}

static enum MHD_Result
queue (struct MHD_Connection *c, MsHttpResponse *r)
{
  gsize len = r->body ? strlen (r->body) : 0;
  struct MHD_Response *resp =
      MHD_create_response_from_buffer (len, r->body ? r->body : (char *) "", MHD_RESPMEM_MUST_COPY);
  if (r->body != NULL)
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                             r->content_type ? r->content_type : "application/json");
  for (guint i = 0; r->headers && i + 1 < r->headers->len; i += 2)
    MHD_add_response_header (resp, g_ptr_array_index (r->headers, i),
                             g_ptr_array_index (r->headers, i + 1));
  enum MHD_Result ret = MHD_queue_response (c, (unsigned int) r->status, resp);
  MHD_destroy_response (resp);
  g_free (r->body);
  r->body = NULL;
  g_clear_pointer (&r->headers, g_ptr_array_unref);
  return ret;
}

static enum MHD_Result
on_request (void *cls, struct MHD_Connection *c, const char *url, const char *method,
            const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
  (void) version;
  MsHttpServer *s = cls;
  Pending *p = *state;
  if (p == NULL)
    {
      p = g_new0 (Pending, 1);
      p->body = g_byte_array_new ();
      *state = p;
      p->head_refused = head_refusal (c);
      if (p->head_refused == NULL)
        return MHD_YES;
    }
  else if (*upload_data_size > 0)
    {
      if (!p->too_large && (gint64) (p->body->len + *upload_data_size) > s->max_body_bytes)
        {
          p->too_large = TRUE;
          g_byte_array_set_size (p->body, 0);
        }
      if (!p->too_large)
        g_byte_array_append (p->body, (const guint8 *) upload_data, (guint) *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }

  gboolean path_ok = TRUE;
  g_auto (GStrv) segments = split_path (url, &path_ok);
  g_autoptr (GHashTable) query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  MHD_get_connection_values (c, MHD_GET_ARGUMENT_KIND, collect_query, query);
  guint8 nul = 0;
  g_byte_array_append (p->body, &nul, 1);
  MsHttpRequest req = {
    .method = method,
    .segments = segments,
    .query = query,
    .body = (p->too_large || p->body->len <= 1) ? NULL : (const char *) p->body->data,
    .body_len = p->too_large ? 0 : p->body->len - 1,
    .body_too_large = p->too_large,
    .authorization = MHD_lookup_connection_value (c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
    .conn = c,
  };
  MsHttpResponse resp = { .status = 500 };
  g_autoptr (GError) refused = NULL;
  char why[256];
  if (p->head_refused != NULL)
    {
      refused = g_steal_pointer (&p->head_refused);
      ms_http_response_header (&resp, MHD_HTTP_HEADER_CONNECTION, "close");
    }
  else if (s->client_certs && !peer_verified (c, why, sizeof why))
    {
      char peer[NI_MAXHOST + NI_MAXSERV + 2];
      ms_info ("REST request from %s refused: %s", peer_text (c, peer, sizeof peer), why);
      refused = g_error_new_literal (MS_HTTP_ERROR, MS_HTTP_ERROR_FORBIDDEN,
                                     "Forbidden: a client certificate signed by a CA of "
                                     "rest.tls_client_ca is required");
    }
  else if (!path_ok)
    refused = g_error_new_literal (MS_HTTP_ERROR, MS_HTTP_ERROR_BAD_PATH,
                                   "Malformed percent-encoding (or not UTF-8) in the path");
  if (refused != NULL)
    {
      /* nothing of a refused request reaches the handler but the refusal */
      static char *no_segments[] = { NULL };
      g_hash_table_remove_all (query);
      req = (MsHttpRequest) { .method = method, .segments = no_segments, .query = query,
                              .refused = refused };
    }
  ms_http_deadlines_arrived (c);
  s->handler (s->user, &req, &resp);
  return queue (c, &resp);
}

static void
on_completed (void *cls, struct MHD_Connection *c, void **state,
              enum MHD_RequestTerminationCode code)
{
  (void) cls;
  (void) code;
  ms_http_deadlines_replied (c);
  Pending *p = *state;
  if (p == NULL)
    return;
  g_byte_array_unref (p->body);
  g_clear_error (&p->head_refused);
  g_free (p);
  *state = NULL;
}

/* libmicrohttpd's own messages go to our log (rate-limited there): an
 * accept loop failing on a full descriptor table wrote millions of lines. */
static void
on_library_message (void *cls, const char *fmt, va_list ap)
{
  (void) cls;
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
  g_strstrip (text);
  ms_warn ("libmicrohttpd: %s", text);
}

static void
on_panic (void *cls, const char *file, unsigned int line, const char *reason)
{
  (void) cls;
  ms_error ("libmicrohttpd: %s (%s:%u)", reason ? reason : "fatal error", file, line);
  abort ();
}

static void
server_free (MsHttpServer *s)
{
  ms_http_deadlines_free (s->deadlines);
  g_free (s->cert);
  if (s->key != NULL)
    memset (s->key, 0, strlen (s->key));
  g_free (s->key);
  g_free (s->trust);
  g_free (s);
}

/* A daemon serving 's': bound to 'addr', or on the listening socket 'fd'
 * (>= 0) handed over by a previous daemon. */
static struct MHD_Daemon *
start_daemon (MsHttpServer *s, const struct addrinfo *addr, int fd)
{
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG
                       | MHD_USE_ITC;
  if (addr != NULL && addr->ai_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  if (s->cert != NULL)
    flags |= MHD_USE_TLS;
  struct MHD_OptionItem opts[] = {
    { addr ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_LISTEN_SOCKET, addr ? 0 : fd,
      addr ? (void *) addr->ai_addr : NULL },
    { s->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert },
    { MHD_OPTION_HTTPS_MEM_KEY, 0, s->key },
    { s->trust ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, s->trust },
    { MHD_OPTION_END, 0, NULL },
  };
  /* an END item ends the array: drop the TLS items when there is no TLS */
  if (s->cert == NULL)
    opts[1].option = MHD_OPTION_END;
  else if (s->trust == NULL)
    opts[3].option = MHD_OPTION_END;
  return MHD_start_daemon (
      flags, 0, NULL, NULL, on_request, s,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned int) s->threads,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned int) s->max_connections,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) s->timeout_s,
      /* one client address holds at most a quarter of the connections */
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int) MAX (1, s->max_connections / 4),
      MHD_OPTION_NOTIFY_CONNECTION, ms_http_deadlines_notify, s->deadlines,
      MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
      MHD_OPTION_EXTERNAL_LOGGER, on_library_message, NULL,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
      MHD_OPTION_ARRAY, opts,
      MHD_OPTION_END);
}

MsHttpServer *
ms_http_server_start (const MsHttpLimits *l, MsHttpHandler handler, gpointer user, GError **error)
{
  struct addrinfo hints = { 0 }, *res = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  char port[16];
  g_snprintf (port, sizeof port, "%d", l->port);
  int rc = getaddrinfo (l->bind, port, &hints, &res);
  if (rc != 0)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "REST listener: cannot resolve %s: %s", l->bind,
                    gai_strerror (rc)), NULL;
  g_autofree char *cert = NULL, *key = NULL, *trust = NULL;
  if ((l->tls_cert != NULL) != (l->tls_key != NULL))
    {
      freeaddrinfo (res);
      return ms_fail (error, MS_ERROR_INVALID_INPUT,
                      "REST listener: rest.tls_cert and rest.tls_key go together"), NULL;
    }
  if (l->tls_client_ca != NULL && l->tls_cert == NULL)
    {
      freeaddrinfo (res);
      return ms_fail (error, MS_ERROR_INVALID_INPUT,
                      "REST listener: rest.tls_client_ca needs rest.tls_cert and rest.tls_key"), NULL;
    }
  if (l->tls_cert != NULL)
    {
      g_autoptr (GError) e = NULL;
      if (l->tls_client_ca != NULL && !g_file_get_contents (l->tls_client_ca, &trust, NULL, &e))
        {
          freeaddrinfo (res);
          return ms_fail (error, MS_ERROR_INVALID_INPUT, "REST listener: %s", e->message), NULL;
        }
      if (!g_file_get_contents (l->tls_cert, &cert, NULL, &e)
          || !g_file_get_contents (l->tls_key, &key, NULL, &e))
        {
          freeaddrinfo (res);
          return ms_fail (error, MS_ERROR_INVALID_INPUT, "REST listener: %s", e->message), NULL;
        }
      if (MHD_is_feature_supported (MHD_FEATURE_TLS) != MHD_YES)
        {
          freeaddrinfo (res);
          return ms_fail (error, MS_ERROR_INVALID_INPUT,
                          "REST listener: this libmicrohttpd has no TLS support"), NULL;
        }
    }
  MsHttpServer *s = g_new0 (MsHttpServer, 1);
  s->handler = handler;
  s->user = user;
  s->max_body_bytes = l->max_body_bytes;
  s->client_certs = trust != NULL;
  s->threads = l->threads;
  s->max_connections = l->max_connections;
  s->timeout_s = l->timeout_s;
  /* libmicrohttpd's own timeout closes a silent connection; a trickling one
   * is cut a little later by the deadline */
  s->deadlines = ms_http_deadlines_new (MAX (l->timeout_s, 1) + 2);
  s->cert = g_steal_pointer (&cert);
  s->key = g_steal_pointer (&key);
  s->trust = g_steal_pointer (&trust);
  MHD_set_panic_func (on_panic, NULL);
  s->daemon = start_daemon (s, res, -1);
  freeaddrinfo (res);
  if (s->daemon == NULL)
    {
      gboolean tls = s->cert != NULL;
      server_free (s);
      return ms_fail (error, MS_ERROR_INTERNAL, "REST listener: cannot listen on %s port %d%s",
                      l->bind, l->port, tls ? " (or the TLS certificate, key or client CAs were refused)"
                      : ""), NULL;
    }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info (s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : l->port;
  return s;
}

gboolean
ms_http_server_reload_tls (MsHttpServer *s, const char *cert_file, const char *key_file,
                           GError **error)
{
  if (s->cert == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "the REST listener does not use TLS");
  g_autofree char *cert = NULL, *key = NULL;
  g_autoptr (GError) e = NULL;
  if (!g_file_get_contents (cert_file, &cert, NULL, &e)
      || !g_file_get_contents (key_file, &key, NULL, &e))
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "%s", e->message);
  /* check the pair before the running listener is touched */
  gnutls_certificate_credentials_t creds = NULL;
  gnutls_datum_t cd = { (unsigned char *) cert, (unsigned int) strlen (cert) };
  gnutls_datum_t kd = { (unsigned char *) key, (unsigned int) strlen (key) };
  int rc = gnutls_certificate_allocate_credentials (&creds);
  if (rc == GNUTLS_E_SUCCESS)
    rc = gnutls_certificate_set_x509_key_mem (creds, &cd, &kd, GNUTLS_X509_FMT_PEM);
  if (creds != NULL)
    gnutls_certificate_free_credentials (creds);
  if (rc < 0)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "%s and %s: %s", cert_file, key_file,
                    gnutls_strerror (rc));
  /* the listening socket passes from the old daemon to a new one: no
   * connection attempt is refused meanwhile; the old daemon finishes its
   * connections and stops */
  struct MHD_Daemon *old = s->daemon;
  MHD_socket fd = MHD_quiesce_daemon (old);
  if (fd == MHD_INVALID_SOCKET)
    return ms_fail (error, MS_ERROR_INTERNAL, "cannot hand the REST socket over");
  char *old_cert = s->cert, *old_key = s->key;
  s->cert = g_steal_pointer (&cert);
  s->key = g_steal_pointer (&key);
  struct MHD_Daemon *fresh = start_daemon (s, NULL, fd);
  gboolean ok = fresh != NULL;
  if (!ok)
    {
      /* keep serving with what worked */
      g_free (s->cert);
      g_free (s->key);
      s->cert = old_cert;
      s->key = old_key;
      fresh = start_daemon (s, NULL, fd);
      old_cert = old_key = NULL;
    }
  g_free (old_cert);
  g_free (old_key);
  g_atomic_pointer_set (&s->daemon, fresh);
  MHD_stop_daemon (old);
  if (!ok)
    return ms_fail (error, MS_ERROR_INTERNAL, "the new REST certificate was refused");
  return TRUE;
}

int
ms_http_server_port (MsHttpServer *s)
{
  return s->port;
}

int
ms_http_server_connections (MsHttpServer *s)
{
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info (g_atomic_pointer_get (&s->daemon),
                           MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
  return info ? (int) info->num_connections : -1;
}

void
ms_http_server_stop (MsHttpServer *s)
{
  if (s == NULL)
    return;
  MHD_stop_daemon (s->daemon);
  server_free (s);
}
