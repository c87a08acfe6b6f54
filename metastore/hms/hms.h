/*
 * hms.h: the HMS Thrift door. It turns generated Thrift structs into model
 * structs, calls the store, and answers with Thrift structs or the method's
 * declared exceptions. It never builds SQL.
 *
 * Entry points: ms_hms_processor_new() builds the processor the Thrift
 * server dispatches to; the session hooks keep per-connection state
 * (set_ugi user, setMetaConf values).
 */
#pragma once
#include <glib.h>
#include <thrift/c_glib/processor/thrift_processor.h>
#include <thrift/c_glib/protocol/thrift_protocol.h>
#include "core/config.h"
#include "store/store.h"
#include "server/metrics.h"
#include "service/storage_guard.h"
#include "service/catalog_storage.h"
#include "storage/storage.h"
#include "auth/thrift_policy.h"
#include "server/thrift_server.h"

typedef struct _MsThriftServer MsThriftServer;

/* Shared by all workers; read-only after start except under 'lock'. */
typedef struct {
  MsStore *store;
  const MsConfig *cfg;
  char *warehouse;            /* root URI of the default catalog */
  gint64 started;             /* unix seconds, for aliveSince */
  MsThriftServer *server;     /* for counters; may be NULL */
  MsMetrics *metrics;         /* per-method requests and errors; may be NULL */
  const MsCatalogStorages *storages; /* each catalog's storage guard and S3
                                 client (not owned); NULL: no data is
                                 touched */
  GMutex lock;
  GHashTable *fb_options;     /* fb303 setOption values */
  gpointer events;            /* the message encoder registered on the store
                                 (hms/event_message.h) */
  char *ttl_text;             /* notifications.ttl as Hive writes it ("86400s") */
  GMutex policy_lock;
  MsThriftPolicy *policy;     /* who may do what (a reference; NULL: everyone
                                 everything): read and swapped under
                                 policy_lock (ms_hms_policy) */
} MsHms;

typedef struct {
  guint64 conn_id;
  char *peer;
  char *user;                 /* from set_ugi: a claim, not proven */
  char *address;              /* the client's IP address, no port */
  char **cert_names;          /* its verified certificate's CN and SANs; NULL: none */
  gboolean read_only;         /* it came through a read-only listener */
  GHashTable *meta_conf;      /* setMetaConf overrides */
  const char *exception;      /* class of the exception the current call
                                 answered with (static), or NULL */
} MsHmsSession;

MsHms *ms_hms_new (MsStore *store, const MsConfig *cfg, const char *warehouse);
void ms_hms_free (MsHms *hms);

ThriftProcessor *ms_hms_processor_new (MsHms *hms);

/* The Thrift door's authorization rules in force (a reference, or NULL:
 * everyone may do everything). */
MsThriftPolicy *ms_hms_policy (MsHms *hms);
/* Put 'p' in force (takes the reference); calls under way keep the rules
 * they started with. */
void ms_hms_set_policy (MsHms *hms, MsThriftPolicy *p);

/* The server's dispatch hook (see MsSessionHooks). */
gboolean ms_hms_dispatch (ThriftProcessor *processor, ThriftProtocol *protocol, gchar *fname,
                          gint32 seqid, GError **error);

gpointer ms_hms_session_new (gpointer hms, guint64 conn_id, const char *peer);
void ms_hms_session_free (gpointer session);
/* The server's session_identify hook: who the client is. */
void ms_hms_session_identify (gpointer session, const MsPeerIdentity *peer);
/* The calling worker's session (NULL outside a call). */
MsHmsSession *ms_hms_session_current (void);
/* Note that the current call answers with exception class 'type' (a static
 * string such as "NoSuchObjectException"), for the error metrics. */
void ms_hms_note_exception (const char *type);
