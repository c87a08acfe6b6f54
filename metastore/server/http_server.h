/*
 * http_server.h: the HTTP listener of the REST door, on libmicrohttpd in
 * thread-pool mode. It owns sockets, limits (connections, body size,
 * timeouts) and the request/response plumbing; what a request means is the
 * handler's business (iceberg/routes.c). No HTTP is parsed here by hand.
 * A request the listener refuses still goes to the handler, as a refusal
 * (MsHttpRequest.refused) the handler answers in its door's error form:
 * the listener writes no error body of its own.
 */
#pragma once
#include <glib.h>

/* Why the listener refuses a request, before anything looks at its meaning. */
#define MS_HTTP_ERROR (ms_http_error_quark ())
GQuark ms_http_error_quark (void);
typedef enum {
  MS_HTTP_ERROR_BAD_PATH,      /* 400: the path is not percent-encoded UTF-8 */
  MS_HTTP_ERROR_FORBIDDEN,     /* 403: no client certificate of rest.tls_client_ca */
  MS_HTTP_ERROR_BAD_HEAD,      /* 400: the message framing is ambiguous (RFC 9112) */
} MsHttpErrorCode;

typedef struct {
  const char *method;          /* "GET", "POST", ... */
  char **segments;             /* the path split on '/', each percent-decoded;
                                  NULL-terminated, no empty leading segment */
  GHashTable *query;           /* decoded query parameters (first value wins) */
  const char *body;            /* the request body, NUL-terminated, or NULL */
  gsize body_len;
  gboolean body_too_large;     /* over the limit: body is NULL, answer 413 */
  const char *authorization;   /* the Authorization header, or NULL */
  void *conn;                  /* the library's connection (ms_http_request_header) */
  const GError *refused;       /* set: the listener refuses the request (MS_HTTP_ERROR,
                                  with the message to send); the handler answers only
                                  that: no path, query, body or header comes with it */
} MsHttpRequest;

/* The client's numeric address (no port) into buf; "?" when unknown. */
const char *ms_http_request_peer_address (const MsHttpRequest *req, char *buf, gsize len);

/* A request header by name (case-insensitive), or NULL. */
const char *ms_http_request_header (const MsHttpRequest *req, const char *name);

typedef struct {
  int status;
  char *body;                  /* owned; NULL: no body */
  const char *content_type;    /* default application/json when there is a body */
  GPtrArray *headers;          /* extra headers: name, value, name, value ... (owned
                                  char*; NULL: none); see ms_http_response_header */
  int error_code;              /* the handler's own code of the error it answered with
                                  (the Iceberg door's IceError), 0: none; the listener
                                  does not read it */
} MsHttpResponse;

/* A request header by name (case-insensitive), or NULL. */
const char *ms_http_request_header (const MsHttpRequest *req, const char *name);
/* Add a header to the reply (copied). */
void ms_http_response_header (MsHttpResponse *resp, const char *name, const char *value);

typedef void (*MsHttpHandler) (gpointer user, const MsHttpRequest *req, MsHttpResponse *resp);

typedef struct {
  const char *bind;            /* address to bind, as server.bind */
  int port;                    /* 0: a free port */
  int threads;
  int max_connections;
  gint64 max_body_bytes;
  int timeout_s;               /* idle/slow connection timeout */
  const char *tls_cert;        /* PEM files; both set: HTTPS only */
  const char *tls_key;
  const char *tls_client_ca;   /* PEM CAs: client certificates required */
} MsHttpLimits;

typedef struct _MsHttpServer MsHttpServer;

MsHttpServer *ms_http_server_start (const MsHttpLimits *limits, MsHttpHandler handler,
                                    gpointer user, GError **error);
int ms_http_server_port (MsHttpServer *s);
/* Connections open now. */
int ms_http_server_connections (MsHttpServer *s);
/* Stop accepting, finish requests in flight, free. */
void ms_http_server_stop (MsHttpServer *s);
/* SIGHUP: serve new TLS connections with the certificate and key in these
 * files; the listening socket passes to a new daemon, the old one finishes
 * its connections. On any error the current certificate stays. */
gboolean ms_http_server_reload_tls (MsHttpServer *s, const char *cert_file, const char *key_file,
                                    GError **error);
