/*
 * thrift_server.h: the concurrent Thrift server (c_glib ships only a
 * one-connection-at-a-time server).
 *
 * One event thread accepts connections and watches idle ones with epoll; a
 * connection with a call arriving is handed to a bounded worker pool, which
 * serves calls while they keep coming and then hands the connection back.
 * So waiting connections hold no worker, the accept loop never blocks on a
 * client, and max_connections bounds memory. Beyond max_connections a new
 * connection receives a TApplicationException ("too many connections") and
 * is closed. A malformed message closes only its own connection.
 *
 * With server.tls_cert/tls_key the port speaks TLS only (OpenSSL, see
 * tls.h): the handshake runs on a worker when the connection's first bytes
 * arrive, bounded by read_timeout_ms; a failed one logs one line and closes.
 *
 * Per-connection state for the protocol layer (the HMS session) is created
 * by a hook and reachable from the worker serving it via
 * ms_thrift_server_current_session().
 */
#pragma once
#include <glib.h>
#include <thrift/c_glib/processor/thrift_processor.h>
#include "core/config.h"

typedef struct _MsThriftServer MsThriftServer;

/* What the server knows of a connection's client, for authorization. */
typedef struct {
  const char *address;             /* the IP address, no port */
  const char *const *cert_names;   /* a verified client certificate's CN and
                                      SANs (ms_tls_peer_names); NULL: none */
  gboolean read_only;              /* accepted on a read-only listener */
} MsPeerIdentity;

typedef struct {
  gpointer (*session_new) (gpointer user, guint64 conn_id, const char *peer);
  void (*session_free) (gpointer session);
  /* Optional: who the client is, told once the connection is accepted and
   * again after a TLS handshake (with the certificate's names). */
  void (*session_identify) (gpointer session, const MsPeerIdentity *peer);
  /* Dispatch one call whose header was read; takes ownership of 'fname'.
   * FALSE closes the connection. */
  gboolean (*dispatch) (ThriftProcessor *processor, ThriftProtocol *protocol, gchar *fname,
                        gint32 seqid, GError **error);
  gpointer user;
} MsSessionHooks;

typedef struct {
  guint64 accepted;
  guint64 refused;
  guint64 calls;
  guint64 bad_frames;
  int open;                  /* connections open now */
  int busy;                  /* connections being served now */
} MsThriftStats;

MsThriftServer *ms_thrift_server_new (const MsConfig *cfg, ThriftProcessor *processor,
                                      const MsSessionHooks *hooks);
/* Before start: listen on 'port' instead of server.thrift_port, and
 * declare the listener read-only (its sessions are told so). */
void ms_thrift_server_set_listener (MsThriftServer *srv, int port, gboolean read_only);
/* Bind and listen on server.bind:server.thrift_port, start the threads. */
gboolean ms_thrift_server_start (MsThriftServer *srv, GError **error);
/* The port bound (useful with thrift_port = 0). */
int ms_thrift_server_port (MsThriftServer *srv);
/* Stop accepting, let calls in flight finish within shutdown_grace_ms,
 * close every connection, join the threads. Safe to call once. */
void ms_thrift_server_stop (MsThriftServer *srv);
void ms_thrift_server_free (MsThriftServer *srv);
MsThriftStats ms_thrift_server_stats (MsThriftServer *srv);

/* Does the Thrift port speak TLS (server.tls_cert and tls_key set)? */
gboolean ms_thrift_server_tls (MsThriftServer *srv);
/* SIGHUP: rebuild the TLS context from cfg's server.tls_* files for new
 * connections (open ones keep theirs). TLS cannot be switched on or off
 * without a restart; on any error the running context stays. */
gboolean ms_thrift_server_reload_tls (MsThriftServer *srv, const MsConfig *cfg, GError **error);

/* The session of the connection the calling worker thread is serving. */
gpointer ms_thrift_server_current_session (void);
