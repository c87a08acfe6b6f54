/*
 * session.c: the connection handshake and server-information methods:
 * set_ugi, get_config_value, getMetaConf/setMetaConf (per connection), and
 * fb303's getName, getVersion, getStatus, getCounters, options, aliveSince,
 * reinitialize and shutdown (both ignored: a client cannot stop the server).
 */
#include "hms/internal.h"
#include "core/log.h"
#include "server/thrift_server.h"
#include <string.h>

typedef ThmsThriftHiveMetastoreIf Iface;
typedef ThmsFacebookServiceIf FbIface;

#define HMS_VERSION "4.0.0"

/* Keys a client may read and change per connection with get/setMetaConf,
 * under both their metastore.* and hive.metastore.* names, with defaults. */
static const struct { const char *name, *alias, *def; } meta_conf_keys[] = {
  { "metastore.try.direct.sql", "hive.metastore.try.direct.sql", "true" },
  { "metastore.try.direct.sql.ddl", "hive.metastore.try.direct.sql.ddl", "true" },
  { "metastore.client.socket.timeout", "hive.metastore.client.socket.timeout", "600s" },
  { "metastore.partition.name.whitelist.pattern", "hive.metastore.partition.name.whitelist.pattern", "" },
  { "metastore.client.capability.check", "hive.metastore.client.capability.check", "true" },
  { "metastore.disallow.incompatible.col.type.changes",
    "hive.metastore.disallow.incompatible.col.type.changes", "true" },
  { "metastore.batch.retrieve.max", "hive.metastore.batch.retrieve.max", "300" },
  { "metastore.batch.retrieve.table.partition.max", "hive.metastore.batch.retrieve.table.partition.max", "1000" },
};

static int
meta_conf_index (const char *key)
{
  for (gsize i = 0; key && i < G_N_ELEMENTS (meta_conf_keys); i++)
    if (g_str_equal (key, meta_conf_keys[i].name) || g_str_equal (key, meta_conf_keys[i].alias))
      return (int) i;
  return -1;
}

static gboolean
h_get_meta_conf (Iface *iface, gchar **_return, const gchar *key, ThmsMetaException **o1,
                 GError **error)
{
  (void) iface;
  int i = meta_conf_index (key);
  if (i < 0)
    return hms_raise (g_error_new (MS_ERROR, MS_ERROR_INVALID_INPUT,
                                   "Invalid configuration key %s", key ? key : ""),
                      error, THMS_TYPE_META_EXCEPTION, o1, G_TYPE_INVALID);
  MsHmsSession *s = ms_hms_session_current ();
  const char *v = s ? g_hash_table_lookup (s->meta_conf, meta_conf_keys[i].name) : NULL;
  *_return = g_strdup (v ? v : meta_conf_keys[i].def);
  return TRUE;
}

static gboolean
h_set_meta_conf (Iface *iface, const gchar *key, const gchar *value, ThmsMetaException **o1,
                 GError **error)
{
  (void) iface;
  int i = meta_conf_index (key);
  if (i < 0)
    return hms_raise (g_error_new (MS_ERROR, MS_ERROR_INVALID_INPUT,
                                   "Invalid configuration key %s", key ? key : ""),
                      error, THMS_TYPE_META_EXCEPTION, o1, G_TYPE_INVALID);
  MsHmsSession *s = ms_hms_session_current ();
  if (s)
    g_hash_table_insert (s->meta_conf, g_strdup (meta_conf_keys[i].name),
                         g_strdup (value ? value : ""));
  return TRUE;
}

static gboolean
h_set_ugi (Iface *iface, GPtrArray **_return, const gchar *user_name, const GPtrArray *group_names,
           ThmsMetaException **o1, GError **error)
{
  (void) iface; (void) o1; (void) error;
  MsHmsSession *s = ms_hms_session_current ();
  if (s)
    hms_set_string (&s->user, user_name);
  /* Hive answers the groups with the user name appended */
  for (guint i = 0; group_names && i < group_names->len; i++)
    g_ptr_array_add (*_return, g_strdup (g_ptr_array_index (group_names, i)));
  g_ptr_array_add (*_return, g_strdup (user_name ? user_name : ""));
  return TRUE;
}

static gboolean
h_get_config_value (Iface *iface, gchar **_return, const gchar *name, const gchar *dflt,
                    ThmsConfigValSecurityException **o1, GError **error)
{
  MsHms *hms = HMS (iface);
  if (name == NULL || !(g_str_has_prefix (name, "hive") || g_str_has_prefix (name, "hdfs")
                        || g_str_has_prefix (name, "mapred") || g_str_has_prefix (name, "metastore")))
    return hms_raise (g_error_new (MS_ERROR, MS_ERROR_CONFIG_SECURITY,
                                   "For security reasons, the config key %s cannot be accessed",
                                   name ? name : ""),
                      error, THMS_TYPE_CONFIG_VAL_SECURITY_EXCEPTION, o1, G_TYPE_INVALID);
  const char *v = NULL;
  g_autofree char *port = NULL;
  if (g_str_equal (name, "hive.metastore.warehouse.dir") || g_str_equal (name, "metastore.warehouse.dir"))
    v = hms->warehouse;
  else if (g_str_equal (name, "hive.metastore.port") || g_str_equal (name, "metastore.thrift.port"))
    v = port = g_strdup_printf ("%d", hms->cfg->thrift_port);
  else
    {
      int i = meta_conf_index (name);
      if (i >= 0)
        {
          MsHmsSession *s = ms_hms_session_current ();
          v = s ? g_hash_table_lookup (s->meta_conf, meta_conf_keys[i].name) : NULL;
          if (v == NULL)
            v = meta_conf_keys[i].def;
        }
    }
  *_return = g_strdup (v ? v : dflt);
  return TRUE;
}

/* ---- fb303 ---- */

static gboolean
fb_get_name (FbIface *iface, gchar **_return, GError **error)
{
  (void) iface; (void) error;
  *_return = g_strdup ("hive-metastore");
  return TRUE;
}

static gboolean
fb_get_version (FbIface *iface, gchar **_return, GError **error)
{
  (void) iface; (void) error;
  *_return = g_strdup (HMS_VERSION);
  return TRUE;
}

static gboolean
fb_get_status (FbIface *iface, Thmsfb_status *_return, GError **error)
{
  (void) iface; (void) error;
  *_return = THMS_FB_STATUS_ALIVE;
  return TRUE;
}

static gboolean
fb_get_status_details (FbIface *iface, gchar **_return, GError **error)
{
  (void) iface; (void) error;
  *_return = g_strdup ("");
  return TRUE;
}

static void
put_counter (GHashTable *t, const char *k, gint64 v)
{
  gint64 *p = g_new (gint64, 1);
  *p = v;
  g_hash_table_insert (t, g_strdup (k), p);
}

static void
fill_counters (MsHms *hms, GHashTable *out)
{
  if (hms->server == NULL)
    return;
  MsThriftStats st = ms_thrift_server_stats (hms->server);
  put_counter (out, "thrift.connections.accepted", (gint64) st.accepted);
  put_counter (out, "thrift.connections.refused", (gint64) st.refused);
  put_counter (out, "thrift.connections.open", st.open);
  put_counter (out, "thrift.calls", (gint64) st.calls);
  put_counter (out, "thrift.bad_frames", (gint64) st.bad_frames);
}

static gboolean
fb_get_counters (FbIface *iface, GHashTable **_return, GError **error)
{
  (void) error;
  fill_counters (HMS (iface), *_return);
  return TRUE;
}

static gboolean
fb_get_counter (FbIface *iface, gint64 *_return, const gchar *key, GError **error)
{
  (void) error;
  g_autoptr (GHashTable) t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fill_counters (HMS (iface), t);
  gint64 *v = key ? g_hash_table_lookup (t, key) : NULL;
  *_return = v ? *v : 0;
  return TRUE;
}

static gboolean
fb_set_option (FbIface *iface, const gchar *key, const gchar *value, GError **error)
{
  (void) error;
  MsHms *hms = HMS (iface);
  g_mutex_lock (&hms->lock);
  g_hash_table_insert (hms->fb_options, g_strdup (key ? key : ""), g_strdup (value ? value : ""));
  g_mutex_unlock (&hms->lock);
  return TRUE;
}

static gboolean
fb_get_option (FbIface *iface, gchar **_return, const gchar *key, GError **error)
{
  (void) error;
  MsHms *hms = HMS (iface);
  g_mutex_lock (&hms->lock);
  const char *v = key ? g_hash_table_lookup (hms->fb_options, key) : NULL;
  *_return = g_strdup (v ? v : "");
  g_mutex_unlock (&hms->lock);
  return TRUE;
}

static gboolean
fb_get_options (FbIface *iface, GHashTable **_return, GError **error)
{
  (void) error;
  MsHms *hms = HMS (iface);
  g_mutex_lock (&hms->lock);
  hms_params_to_thrift (hms->fb_options, *_return);
  g_mutex_unlock (&hms->lock);
  return TRUE;
}

static gboolean
fb_get_cpu_profile (FbIface *iface, gchar **_return, const gint32 secs, GError **error)
{
  (void) iface; (void) secs; (void) error;
  *_return = g_strdup ("");
  return TRUE;
}

static gboolean
fb_alive_since (FbIface *iface, gint64 *_return, GError **error)
{
  (void) error;
  *_return = HMS (iface)->started;
  return TRUE;
}

static gboolean
fb_reinitialize (FbIface *iface, GError **error)
{
  (void) iface; (void) error;
  ms_info ("fb303 reinitialize requested by a client: ignored");
  return TRUE;
}

static gboolean
fb_shutdown (FbIface *iface, GError **error)
{
  (void) iface; (void) error;
  ms_info ("fb303 shutdown requested by a client: ignored");
  return TRUE;
}

void
hms_session_install (ThmsThriftHiveMetastoreHandlerClass *k)
{
  ThmsFacebookServiceHandlerClass *fb = THMS_FACEBOOK_SERVICE_HANDLER_CLASS (k);
  k->get_meta_conf = h_get_meta_conf;
  k->set_meta_conf = h_set_meta_conf;
  k->set_ugi = h_set_ugi;
  k->get_config_value = h_get_config_value;
  fb->get_name = fb_get_name;
  fb->get_version = fb_get_version;
  fb->get_status = fb_get_status;
  fb->get_status_details = fb_get_status_details;
  fb->get_counters = fb_get_counters;
  fb->get_counter = fb_get_counter;
  fb->set_option = fb_set_option;
  fb->get_option = fb_get_option;
  fb->get_options = fb_get_options;
  fb->get_cpu_profile = fb_get_cpu_profile;
  fb->alive_since = fb_alive_since;
  fb->reinitialize = fb_reinitialize;
  fb->shutdown = fb_shutdown;
}
