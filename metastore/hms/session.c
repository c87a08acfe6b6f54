/*
 * session.c: the connection handshake and server-information methods,
 * served through the method table (hms/methods.list): set_ugi,
 * get_config_value, getMetaConf/setMetaConf (per connection), and fb303's
 * getName, getVersion, getStatus, getStatusDetails, getCounters,
 * getCounter, options, getCpuProfile, aliveSince, reinitialize and shutdown
 * (both ignored: a client cannot stop the server).
 */
#include "hms/internal.h"
#include "hms_method_table.h"
#include "core/log.h"
#include "server/thrift_server.h"
#include <string.h>

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

/* The index of meta conf key 'key'; -1 and MS_ERROR_INVALID_INPUT for a
 * key a client may not read or change. */
static int
meta_conf_key (const char *key, GError **error)
{
  int i = meta_conf_index (key);
  if (i < 0)
    ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid configuration key %s", key ? key : "");
  return i;
}

/* The value of meta conf key 'i' on this connection, else its default. */
static const char *
meta_conf_value (int i)
{
  MsHmsSession *s = ms_hms_session_current ();
  const char *v = s ? g_hash_table_lookup (s->meta_conf, meta_conf_keys[i].name) : NULL;
  return v ? v : meta_conf_keys[i].def;
}

/* getMetaConf */
gboolean
hms_session_get_meta_conf (HmsCall *call, GError **error)
{
  int i = meta_conf_key (hms_arg_str (call, "key"), error);
  if (i < 0)
    return FALSE;
  hms_result_set_str (call, meta_conf_value (i));
  return TRUE;
}

/* setMetaConf */
gboolean
hms_session_set_meta_conf (HmsCall *call, GError **error)
{
  int i = meta_conf_key (hms_arg_str (call, "key"), error);
  if (i < 0)
    return FALSE;
  const char *value = hms_arg_str (call, "value");
  MsHmsSession *s = ms_hms_session_current ();
  if (s)
    g_hash_table_insert (s->meta_conf, g_strdup (meta_conf_keys[i].name),
                         g_strdup (value ? value : ""));
  return TRUE;
}

/* set_ugi: Hive answers the groups with the user name appended */
gboolean
hms_session_set_ugi (HmsCall *call, GError **error)
{
  (void) error;
  const char *user_name = hms_arg_str (call, "user_name");
  const GPtrArray *group_names = hms_arg_obj (call, "group_names");
  MsHmsSession *s = ms_hms_session_current ();
  if (s)
    hms_set_string (&s->user, user_name);
  GPtrArray *out = hms_result_obj (call);
  hms_strings_append (out, group_names);
  g_ptr_array_add (out, g_strdup (user_name ? user_name : ""));
  return TRUE;
}

/* What this server is, under the keys clients read at start: Impala's
 * MetastoreEventsProcessor wants hive.metastore.dml.events "true" (INSERT
 * events are logged) and metastore.catalog.default "hive"; HiveServer2
 * and Hive replication read the notification API's authorisation and the
 * listener settings. */
static const char *
server_fact (MsHms *hms, const char *name)
{
  gboolean log_on = ms_store_events_enabled (hms->store);
  static const struct { const char *name, *alias; int kind; } facts[] = {
    { "hive.metastore.dml.events", "metastore.dml.events", 1 },
    { "metastore.catalog.default", "hive.metastore.catalog.default", 2 },
    { "hive.metastore.event.db.notification.api.auth",
      "metastore.metastore.event.db.notification.api.auth", 3 },
    { "hive.metastore.transactional.event.listeners", "metastore.transactional.event.listeners", 4 },
    { "hive.metastore.event.db.listener.timetolive", "metastore.event.db.listener.timetolive", 5 },
    { "hive.metastore.event.message.factory", "metastore.event.message.factory", 6 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      if (!g_str_equal (name, facts[i].name) && !g_str_equal (name, facts[i].alias))
        continue;
      switch (facts[i].kind)
        {
        case 1: return log_on ? "true" : "false";
        case 2: return MS_DEFAULT_CATALOG;
        case 3: return "false";    /* any client may read the log, as in the Java
                                      metastore without proxy-user checks */
        case 4: return log_on ? "org.apache.hive.hcatalog.listener.DbNotificationListener" : "";
        case 5: return hms->ttl_text;
        default: return "org.apache.hadoop.hive.metastore.messaging.json.JSONMessageEncoder";
        }
    }
  return NULL;
}

/* get_config_value: only hive*, hdfs*, mapred* and metastore* keys */
gboolean
hms_session_get_config_value (HmsCall *call, GError **error)
{
  MsHms *hms = call->hms;
  const char *name = hms_arg_str (call, "name");
  if (name == NULL || !(g_str_has_prefix (name, "hive") || g_str_has_prefix (name, "hdfs")
                        || g_str_has_prefix (name, "mapred") || g_str_has_prefix (name, "metastore")))
    return ms_fail (error, MS_ERROR_CONFIG_SECURITY,
                    "For security reasons, the config key %s cannot be accessed", name ? name : "");
  const char *v = NULL;
  g_autofree char *port = NULL;
  if (g_str_equal (name, "hive.metastore.warehouse.dir") || g_str_equal (name, "metastore.warehouse.dir"))
    v = hms->warehouse;
  else if (g_str_equal (name, "hive.metastore.port") || g_str_equal (name, "metastore.thrift.port"))
    v = port = g_strdup_printf ("%d", hms->cfg->thrift_port);
  else if ((v = server_fact (hms, name)) != NULL)
    ;
  else
    {
      int i = meta_conf_index (name);
      if (i >= 0)
        v = meta_conf_value (i);
    }
  hms_result_set_str (call, v ? v : hms_arg_str (call, "defaultValue"));
  return TRUE;
}

/* ---- fb303 ---- */

/* getName */
gboolean
hms_fb303_get_name (HmsCall *call, GError **error)
{
  (void) error;
  hms_result_set_str (call, "hive-metastore");
  return TRUE;
}

/* getVersion */
gboolean
hms_fb303_get_version (HmsCall *call, GError **error)
{
  (void) error;
  hms_result_set_str (call, HMS_VERSION);
  return TRUE;
}

/* getStatus */
gboolean
hms_fb303_get_status (HmsCall *call, GError **error)
{
  (void) error;
  hms_result_set_int (call, THMS_FB_STATUS_ALIVE);
  return TRUE;
}

/* getStatusDetails, getCpuProfile: no details, no profiler: an empty text */
gboolean
hms_fb303_empty (HmsCall *call, GError **error)
{
  (void) error;
  hms_result_set_str (call, "");
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

/* getCounters */
gboolean
hms_fb303_get_counters (HmsCall *call, GError **error)
{
  (void) error;
  fill_counters (call->hms, hms_result_obj (call));
  return TRUE;
}

/* getCounter: 0 for a counter we do not keep */
gboolean
hms_fb303_get_counter (HmsCall *call, GError **error)
{
  (void) error;
  const char *key = hms_arg_str (call, "key");
  g_autoptr (GHashTable) t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fill_counters (call->hms, t);
  gint64 *v = key ? g_hash_table_lookup (t, key) : NULL;
  hms_result_set_int (call, v ? *v : 0);
  return TRUE;
}

/* setOption */
gboolean
hms_fb303_set_option (HmsCall *call, GError **error)
{
  (void) error;
  MsHms *hms = call->hms;
  const char *key = hms_arg_str (call, "key"), *value = hms_arg_str (call, "value");
  g_mutex_lock (&hms->lock);
  g_hash_table_insert (hms->fb_options, g_strdup (key ? key : ""), g_strdup (value ? value : ""));
  g_mutex_unlock (&hms->lock);
  return TRUE;
}

/* getOption: "" for an option never set */
gboolean
hms_fb303_get_option (HmsCall *call, GError **error)
{
  (void) error;
  MsHms *hms = call->hms;
  const char *key = hms_arg_str (call, "key");
  g_mutex_lock (&hms->lock);
  const char *v = key ? g_hash_table_lookup (hms->fb_options, key) : NULL;
  hms_result_set_str (call, v ? v : "");
  g_mutex_unlock (&hms->lock);
  return TRUE;
}

/* getOptions */
gboolean
hms_fb303_get_options (HmsCall *call, GError **error)
{
  (void) error;
  MsHms *hms = call->hms;
  g_mutex_lock (&hms->lock);
  hms_params_to_thrift (hms->fb_options, hms_result_obj (call));
  g_mutex_unlock (&hms->lock);
  return TRUE;
}

/* aliveSince */
gboolean
hms_fb303_alive_since (HmsCall *call, GError **error)
{
  (void) error;
  hms_result_set_int (call, call->hms->started);
  return TRUE;
}

/* reinitialize, shutdown (oneway): a client cannot stop the server */
gboolean
hms_fb303_ignore (HmsCall *call, GError **error)
{
  (void) error;
  ms_info ("fb303 %s requested by a client: ignored", call->method->name);
  return TRUE;
}
