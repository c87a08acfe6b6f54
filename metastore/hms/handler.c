/*
 * handler.c: the HMS door's entry: the processor every call reaches
 * (ms_hms_dispatch), which serves a method through its row of the method
 * table (method.h) and answers an unknown one; the HMS context and the
 * per-connection sessions. MsHmsHandler only carries the context: no
 * method is served through the generated handler's virtual methods.
 */
#include "hms/internal.h"
#include "hms/event_message.h"
#include "hms/method.h"
#include "server/thrift_server.h"
#include "server/guard_protocol.h"
#include "server/thrift_fixes.h"
#include "core/log.h"
#include <thrift/c_glib/processor/thrift_dispatch_processor.h>

G_DEFINE_TYPE (MsHmsHandler, ms_hms_handler, THMS_TYPE_THRIFT_HIVE_METASTORE_HANDLER)

static void
ms_hms_handler_init (MsHmsHandler *h)
{
  (void) h;
}

static void
ms_hms_handler_class_init (MsHmsHandlerClass *klass)
{
  (void) klass;
}

MsThriftPolicy *
ms_hms_policy (MsHms *hms)
{
  g_mutex_lock (&hms->policy_lock);
  MsThriftPolicy *p = ms_thrift_policy_ref (hms->policy);
  g_mutex_unlock (&hms->policy_lock);
  return p;
}

void
ms_hms_set_policy (MsHms *hms, MsThriftPolicy *p)
{
  g_mutex_lock (&hms->policy_lock);
  MsThriftPolicy *old = hms->policy;
  hms->policy = p;
  g_mutex_unlock (&hms->policy_lock);
  ms_thrift_policy_unref (old);
}

/* HmsEventEncoder.list_files: a partition directory that was there
 * before its add, listed when its ADD_PARTITION message is written. */
static GPtrArray *
list_event_files (gpointer owner, const MsTable *t, const char *location)
{
  return hms_event_files (owner, t, location, MS_DIR_THERE);
}

MsHms *
ms_hms_new (MsStore *store, const MsConfig *cfg, const char *warehouse)
{
  MsHms *h = g_new0 (MsHms, 1);
  h->store = store;
  h->cfg = cfg;
  h->warehouse = g_strdup (warehouse);
  h->started = g_get_real_time () / G_USEC_PER_SEC;
  g_mutex_init (&h->lock);
  g_mutex_init (&h->policy_lock);
  h->fb_options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  h->ttl_text = g_strdup_printf ("%ds", cfg ? cfg->notifications_ttl_s : 86400);
  if (store != NULL && cfg != NULL)
    {
      /* every change of either door writes its event in Hive's JSON format */
      HmsEventEncoder *enc = g_new0 (HmsEventEncoder, 1);
      enc->server = g_strdup_printf ("thrift://%s:%d", cfg->bind ? cfg->bind : "localhost",
                                     cfg->thrift_port);
      enc->principal = g_strdup ("");
      enc->list_files = list_event_files;
      enc->owner = h;
      h->events = enc;
      MsEventEncoder e = { hms_event_encode, enc, HMS_EVENT_FORMAT };
      ms_store_set_events (store, cfg->notifications_enabled, &e);
    }
  return h;
}

void
ms_hms_free (MsHms *h)
{
  if (h == NULL)
    return;
  g_hash_table_unref (h->fb_options);
  g_free (h->ttl_text);
  ms_thrift_policy_unref (h->policy);
  if (h->events != NULL)
    {
      HmsEventEncoder *enc = h->events;
      MsEventEncoder none = { 0 };
      ms_store_set_events (h->store, FALSE, &none);
      g_free (enc->server);
      g_free (enc->principal);
      g_free (enc);
    }
  g_mutex_clear (&h->lock);
  g_mutex_clear (&h->policy_lock);
  g_free (h->warehouse);
  g_free (h);
}

/* Defined in the build's gen-c_glib/thms_types_init.c. */
void thms_register_all_types (void);

ThriftProcessor *
ms_hms_processor_new (MsHms *hms)
{
  /* Called once, on the main thread, before any worker runs: register every
   * generated type now, because their get_type functions are not
   * thread-safe (see thrift/gen-type-init.sh). */
  thms_register_all_types ();
  /* and make c_glib's own objects free what GLib keeps on them */
  ms_thrift_fix_finalizers ();
  (void) hms_method_find ("");   /* build the method index now */
  MsHmsHandler *handler = g_object_new (MS_TYPE_HMS_HANDLER, NULL);
  handler->hms = hms;
  ThriftProcessor *p = g_object_new (THMS_TYPE_THRIFT_HIVE_METASTORE_PROCESSOR, "handler", handler,
                                     NULL);
  g_object_unref (handler);
  return p;
}

static gboolean
dispatch_call (ThriftProcessor *processor, MsHms *hms, ThriftProtocol *protocol, gchar *fname,
               gint32 seqid, GError **error)
{
  const HmsMethod *m = hms_method_find (fname);
  if (m != NULL)
    {
      gboolean ok = hms_method_dispatch (hms, m, protocol, seqid, error);
      g_free (fname);
      return ok;
    }
  /* A name the IDL does not declare: c_glib 0.17's base dispatcher skips
   * the arguments, answers UNKNOWN_METHOD and takes ownership of the name
   * (the generated FacebookService one would recurse forever on it, taking
   * our derived processor for its parent). */
  ms_debug ("unknown method %s", fname);
  ThriftDispatchProcessorClass *klass = g_type_class_peek (THRIFT_TYPE_DISPATCH_PROCESSOR);
  return klass->dispatch_call (THRIFT_DISPATCH_PROCESSOR (processor), protocol, protocol, fname,
                               seqid, error);
}

/* Every path reads its arguments through the guarded protocol, which
 * fails a call holding a string that is not text only once the call is
 * read whole and before its handler runs: that call is answered here,
 * with the exception the method declares, and the connection goes on. */
static gboolean
dispatch (ThriftProcessor *processor, MsHms *hms, ThriftProtocol *protocol, gchar *fname,
          gint32 seqid, GError **error)
{
  g_autofree char *name = g_strdup (fname);   /* the dispatchers take 'fname' */
  gboolean known = hms_method_find (fname) != NULL;
  GError *local = NULL;
  if (dispatch_call (processor, hms, protocol, fname, seqid, &local))
    return TRUE;
  if (g_error_matches (local, MS_GUARD_ERROR, MS_GUARD_ERROR_NOT_TEXT))
    return hms_reply_refused_args (protocol, name, seqid, known, local, error);
  g_propagate_error (error, local);
  return FALSE;
}

gboolean
ms_hms_dispatch (ThriftProcessor *processor, ThriftProtocol *protocol, gchar *fname, gint32 seqid,
                 GError **error)
{
  ThmsThriftHiveMetastoreProcessor *hp = THMS_THRIFT_HIVE_METASTORE_PROCESSOR (processor);
  MsHms *hms = MS_HMS_HANDLER (hp->handler)->hms;
  /* the metrics label: a known method's name, "unknown" for anything else
   * (a client must not be able to create series at will) */
  char method[128];
  g_strlcpy (method, hms_method_find (fname) ? fname : "unknown", sizeof method);
  MsHmsSession *session = ms_hms_session_current ();
  if (session)
    session->exception = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = dispatch (processor, hms, protocol, fname, seqid, error);
  gint64 took = g_get_monotonic_time () - t0;
  const char *exception = session ? session->exception : NULL;
  if (exception == NULL && g_str_equal (method, "unknown"))
    exception = "TApplicationException";
  ms_metrics_thrift_call (hms->metrics, method, took, exception);
  ms_debug ("%s took %.3f ms%s%s", method, (double) took / 1000.0, exception ? ": " : "",
            exception ? exception : "");
  return ok;
}

void
ms_hms_note_exception (const char *type)
{
  MsHmsSession *s = ms_hms_session_current ();
  if (s != NULL)
    s->exception = type;
}

gpointer
ms_hms_session_new (gpointer hms, guint64 conn_id, const char *peer)
{
  (void) hms;
  MsHmsSession *s = g_new0 (MsHmsSession, 1);
  s->conn_id = conn_id;
  s->peer = g_strdup (peer);
  s->meta_conf = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return s;
}

void
ms_hms_session_free (gpointer p)
{
  MsHmsSession *s = p;
  if (s == NULL)
    return;
  g_free (s->peer);
  g_free (s->user);
  g_free (s->address);
  g_strfreev (s->cert_names);
  g_hash_table_unref (s->meta_conf);
  g_free (s);
}

void
ms_hms_session_identify (gpointer p, const MsPeerIdentity *peer)
{
  MsHmsSession *s = p;
  hms_set_string (&s->address, peer->address);
  g_strfreev (s->cert_names);
  s->cert_names = g_strdupv ((char **) peer->cert_names);
  s->read_only = peer->read_only;
}

MsHmsSession *
ms_hms_session_current (void)
{
  return ms_thrift_server_current_session ();
}
