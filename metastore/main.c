/*
 * main.c: the metastore binary and its subcommands:
 *   serve                      run the daemon: the HMS Thrift server, the Iceberg REST door
 *                              and the admin listener, until SIGTERM (SIGHUP reloads)
 *   schema init|upgrade|info|validate
 *   storage get|put|exists|rm-all   objects in the warehouse (file://, s3://)
 *   import --from CONNINFO     copy a Java Hive Metastore's database into the catalog
 *   config
 *   version
 * Configuration precedence is described in core/config.h.
 */
#include "service/event_cleaner.h"
#include "service/idem_cleaner.h"
#include "service/catalog.h"
#include "service/catalog_storage.h"
#include "core/config.h"
#include "core/error.h"
#include "core/log.h"
#include "embedded_pg.h"
#include "hms/hms.h"
#include "server/thrift_server.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "server/ops.h"
#include "iceberg/iceberg.h"
#include "auth/auth.h"
#include "store/store.h"
#include "import/import.h"
#include "import/follow.h"
#include "storage/storage.h"
#include "model/owned.h"
#include "service/storage_guard.h"
#include <glib-unix.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

typedef struct {
  char *config_path;
  char **sets;
  char *database_url;
  char *data_dir;
  char *warehouse;
  char *bind;
  int port;
  char *log_level;
} CliOptions;

static const MsOwned cli_options_owned[] = {
  MS_OWNED_STR (CliOptions, config_path), MS_OWNED (CliOptions, sets, g_strfreev, NULL),
  MS_OWNED_STR (CliOptions, database_url), MS_OWNED_STR (CliOptions, data_dir),
  MS_OWNED_STR (CliOptions, warehouse), MS_OWNED_STR (CliOptions, bind),
  MS_OWNED_STR (CliOptions, log_level),
};

MS_OWNED_DEFINE_CLEAR (CliOptions, cli_options_clear, cli_options_owned)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliOptions, cli_options_clear)

static GOptionEntry *
common_entries (CliOptions *o)
{
  GOptionEntry e[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config_path,
      "Configuration file (default: $METASTORE_CONFIG, ./conf/metastore.conf, /etc/metastore/metastore.conf)", "FILE" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o->sets, "Set any key: group.key=value (repeatable)", "G.K=V" },
    { "database-url", 'd', 0, G_OPTION_ARG_STRING, &o->database_url, "PostgreSQL conninfo or URI (database.url)", "URL" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->data_dir, "Embedded default data directory (embedded.data_dir)", "DIR" },
    { "warehouse", 'w', 0, G_OPTION_ARG_STRING, &o->warehouse, "Warehouse root URI (warehouse.root)", "URI" },
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &o->bind, "Listen address (server.bind)", "ADDR" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &o->port, "Thrift port (server.thrift_port)", "PORT" },
    { "log-level", 0, 0, G_OPTION_ARG_STRING, &o->log_level, "debug, info, warning, error (log.level)", "LEVEL" },
    { NULL },
  };
  return g_memdup2 (e, sizeof e);
}

static gboolean
set_flag (MsConfig *cfg, const char *group, const char *key, const char *value, GError **error)
{
  return value == NULL || ms_config_set (cfg, group, key, value, "command line", error);
}

/* defaults < file < environment < flags */
static MsConfig *
load_config (CliOptions *o, GError **error)
{
  g_autoptr (MsConfig) cfg = ms_config_new_defaults ();
  const char *path = o->config_path ? o->config_path : g_getenv ("METASTORE_CONFIG");
  if (path != NULL)
    {
      if (!ms_config_load_file (cfg, path, TRUE, error))
        return NULL;
    }
  else if (!ms_config_load_file (cfg, "conf/metastore.conf", FALSE, error)
           || (cfg->source == NULL
               && !ms_config_load_file (cfg, "/etc/metastore/metastore.conf", FALSE, error)))
    return NULL;
  if (!ms_config_load_env (cfg, NULL, error))
    return NULL;
  for (char **s = o->sets; s && *s; s++)
    {
      const char *eq = strchr (*s, '=');
      const char *dot = strchr (*s, '.');
      if (eq == NULL || dot == NULL || dot > eq)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "--set %s: expected group.key=value", *s);
          return NULL;
        }
      g_autofree char *group = g_strndup (*s, dot - *s);
      g_autofree char *key = g_strndup (dot + 1, eq - dot - 1);
      if (!ms_config_set (cfg, group, key, eq + 1, "--set", error))
        return NULL;
    }
  g_autofree char *port = o->port >= 0 ? g_strdup_printf ("%d", o->port) : NULL;
  if (!set_flag (cfg, "database", "url", o->database_url, error)
      || !set_flag (cfg, "embedded", "data_dir", o->data_dir, error)
      || !set_flag (cfg, "warehouse", "root", o->warehouse, error)
      || !set_flag (cfg, "server", "bind", o->bind, error)
      || !set_flag (cfg, "server", "thrift_port", port, error)
      || !set_flag (cfg, "log", "level", o->log_level, error)
      || !ms_config_validate (cfg, error))
    return NULL;
  MsLogLevel level;
  ms_log_parse_level (cfg->log_level, &level);
  ms_log_set_level (level);
  ms_log_set_json (g_str_equal (cfg->log_format, "json"));
  return g_steal_pointer (&cfg);
}

/* Parse the common options; at most 'max_args' positional arguments may
 * remain in *argv after the program name. */
static gboolean
parse_args (const char *name, const char *summary, int max_args, int *argc, char ***argv,
            CliOptions *o, GError **error)
{
  g_autofree GOptionEntry *entries = common_entries (o);
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, summary);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, "Every configuration key is listed by `metastore config`.");
  (void) name;
  if (!g_option_context_parse (ctx, argc, argv, error))
    return FALSE;
  if (*argc > 1 + max_args)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "unexpected argument '%s'",
                    (*argv)[1 + max_args]);
  return TRUE;
}

/* The database to use: the configured URL, or the embedded default
 * (started here; *embedded is set so the caller stops it). */
typedef struct {
  MsEmbeddedPg *embedded;
  char *conninfo;
  char *password;
  char *warehouse;
} DbTarget;

static void
db_target_clear (DbTarget *t)
{
  ms_embedded_pg_stop (t->embedded);
  g_free (t->conninfo);
  if (t->password)
    memset (t->password, 0, strlen (t->password));
  g_free (t->password);
  g_free (t->warehouse);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DbTarget, db_target_clear)

static gboolean
db_target_open (const MsConfig *cfg, DbTarget *t, GError **error)
{
  t->warehouse = cfg->warehouse ? g_strdup (cfg->warehouse) : ms_embedded_default_warehouse (cfg);
  if (cfg->database_url != NULL)
    {
      t->conninfo = g_strdup (cfg->database_url);
      GError *local = NULL;
      t->password = ms_config_database_password (cfg, &local);
      if (local)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      return TRUE;
    }
  t->embedded = ms_embedded_pg_start (cfg, error);
  if (t->embedded == NULL)
    return FALSE;
  t->conninfo = g_strdup (ms_embedded_pg_conninfo (t->embedded));
  return TRUE;
}

static int
die (GError *error)
{
  fprintf (stderr, "metastore: %s\n", error ? error->message : "failed");
  return 1;
}

/* ---- serve ---- */

/* What serve starts, in start order. Each step fills its members; one
 * teardown (daemon_clear) stops and frees whatever was started, in reverse,
 * on every exit path (g_auto on failure, called before "stopped" otherwise). The struct lives on cmd_serve's stack: the Iceberg
 * door and the admin listener borrow &ops. */
typedef struct {
  CliOptions opts;
  MsConfig *cfg;
  sigset_t signals;             /* taken synchronously by the main thread */
  DbTarget db;                  /* the database (and the embedded server, if started) */
  MsAuth *auth;                 /* REST authentication; NULL without the REST door */
  MsCatalogStorages *storages;  /* each catalog's guard, S3 client and
                                   delegation, for both doors (borrows cfg) */
  MsStore *store;
  MsEventCleaner *cleaner;      /* notifications.ttl */
  MsIdemCleaner *idem_cleaner;  /* rest.idempotency_lifetime */
  MsMetrics *metrics;
  MsHms *hms;
  MsThriftServer *thrift;
  MsThriftServer *thrift_ro;    /* thrift.read_only_port; NULL: none */
  MsOps ops;
  MsIceberg *iceberg;
  MsHttpServer *rest;
  MsHttpServer *admin;
} Daemon;

static void
daemon_clear (Daemon *d)
{
  ms_http_server_stop (d->admin);
  ms_http_server_stop (d->rest);
  ms_thrift_server_free (d->thrift_ro);
  ms_thrift_server_free (d->thrift);   /* stops it first */
  ms_iceberg_free (d->iceberg);
  ms_hms_free (d->hms);
  ms_metrics_free (d->metrics);
  ms_event_cleaner_stop (d->cleaner);
  ms_idem_cleaner_stop (d->idem_cleaner);
  ms_store_free (d->store);
  ms_catalog_storages_free (d->storages);
  ms_auth_free (d->auth);
  db_target_clear (&d->db);
  ms_config_free (d->cfg);
  cli_options_clear (&d->opts);
  memset (d, 0, sizeof *d);     /* empty: clearing again is harmless */
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Daemon, daemon_clear)

/* SIGPIPE ignored; SIGTERM, SIGINT and SIGHUP blocked in every thread (the
 * workers inherit the mask) and waited for by serve_wait. */
static void
serve_block_signals (Daemon *d)
{
  signal (SIGPIPE, SIG_IGN);
  sigemptyset (&d->signals);
  sigaddset (&d->signals, SIGTERM);
  sigaddset (&d->signals, SIGINT);
  sigaddset (&d->signals, SIGHUP);
  pthread_sigmask (SIG_BLOCK, &d->signals, NULL);
}

/* The database (the embedded default started if none is configured) and
 * the REST door's authentication, whose rest.auth=auto is off only on the
 * embedded default. */
static gboolean
serve_open_database (Daemon *d, GError **error)
{
  if (!db_target_open (d->cfg, &d->db, error))
    return FALSE;
  if (d->cfg->rest_port >= 0
      && (d->auth = ms_auth_new (d->cfg, d->db.embedded != NULL, error)) == NULL)
    return FALSE;
  return TRUE;
}

/* Bring the catalog schema to this binary's version: upgraded when behind
 * (only with database.auto_upgrade or on the embedded default), refused
 * when newer. */
static gboolean
serve_check_schema (Daemon *d, GError **error)
{
  g_auto (MsSchemaInfo) info = { 0 };
  if (!ms_schema_info (d->db.conninfo, d->db.password, &info, error))
    return FALSE;
  if (info.current > info.available)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "the catalog schema (version %d) is newer than this server (%d)",
                    info.current, info.available);
  if (info.current == info.available && info.current != 0)
    return TRUE;
  if (!d->cfg->auto_upgrade && d->db.embedded == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "the catalog schema is at version %d, this server needs %d: "
                    "run `metastore schema upgrade`", info.current, info.available);
  int applied = 0;
  if (!ms_schema_upgrade (d->db.conninfo, d->db.password, d->db.warehouse, TRUE, &applied, error))
    return FALSE;
  ms_info ("schema upgraded to version %d (%d migrations applied)", info.available, applied);
  return TRUE;
}

/* The storage guard both doors share, their object-store access
 * (directories and drops of the HMS door, metadata files and purges of the
 * REST door) and the store, pinged once. */
static gboolean
serve_open_storage (Daemon *d, GError **error)
{
  const MsConfig *cfg = d->cfg;
  d->storages = ms_catalog_storages_new (cfg, d->db.warehouse, error);
  if (d->storages == NULL)
    return FALSE;
  d->store = ms_store_new (d->db.conninfo, d->db.password, cfg->pool_size, cfg->pool_wait_ms,
                           cfg->connect_timeout_s, d->db.warehouse);
  ms_store_set_timeouts (d->store, cfg->pool_wait_ms, cfg->connect_timeout_s,
                         cfg->statement_timeout_ms, cfg->session_timeouts);
  return ms_store_ping (d->store, error);
}

/* The catalogs of rest.catalogs and of the [catalog.<name>] groups, made
 * when missing (after the schema is current). */
static gboolean
serve_ensure_catalogs (Daemon *d, GError **error)
{
  return ms_catalog_storages_ensure (d->storages, d->store, error);
}

/* Put cfg's Thrift authorization rules in force, and log it ('when': ""
 * at start, "SIGHUP: " on a reload). FALSE, the rules in force unchanged,
 * when they do not parse. */
static gboolean
serve_apply_thrift_policy (Daemon *d, const MsConfig *cfg, const char *when, GError **error)
{
  MsThriftPolicy *p = ms_thrift_policy_parse (cfg->thrift_auth_rules, cfg->thrift_auth_default,
                                              error);
  if (p == NULL)
    return FALSE;
  if (!ms_thrift_policy_allows_all (p))
    ms_info ("%sThrift authorization on: %u rules, unmatched clients get role %s", when,
             ms_thrift_policy_n_rules (p), cfg->thrift_auth_default);
  else if (*when)
    ms_info ("%sThrift authorization off: every client may do everything", when);
  ms_hms_set_policy (d->hms, p);
  return TRUE;
}

/* The Thrift door's authorization rules, and the log lines saying so. */
static gboolean
serve_thrift_policy (Daemon *d, GError **error)
{
  if (!serve_apply_thrift_policy (d, d->cfg, "", error))
    return FALSE;
  if (d->cfg->thrift_read_only)
    ms_info ("the Thrift port serves reads only (thrift.read_only)");
  return TRUE;
}

/* The HMS door, its Thrift listener and the read-only one. */
static gboolean
serve_start_hms (Daemon *d, GError **error)
{
  const MsConfig *cfg = d->cfg;
  d->metrics = ms_metrics_new (PACKAGE_VERSION);
  d->hms = ms_hms_new (d->store, cfg, d->db.warehouse);   /* registers the event format */
  d->cleaner = ms_event_cleaner_start (d->store, cfg->notifications_ttl_s,
                                       cfg->notifications_clean_interval_s);
  d->hms->metrics = d->metrics;
  d->hms->storages = d->storages;
  if (!serve_thrift_policy (d, error))
    return FALSE;
  ThriftProcessor *processor = ms_hms_processor_new (d->hms);
  MsSessionHooks hooks = { .session_new = ms_hms_session_new,
                           .session_free = ms_hms_session_free,
                           .session_identify = ms_hms_session_identify,
                           .dispatch = ms_hms_dispatch, .user = d->hms };
  d->thrift = ms_thrift_server_new (cfg, processor, &hooks);
  ms_thrift_server_set_listener (d->thrift, cfg->thrift_port, cfg->thrift_read_only);
  if (cfg->thrift_read_only_port >= 0)
    {
      d->thrift_ro = ms_thrift_server_new (cfg, processor, &hooks);
      ms_thrift_server_set_listener (d->thrift_ro, cfg->thrift_read_only_port, TRUE);
    }
  g_object_unref (processor);
  d->hms->server = d->thrift;
  d->ops = (MsOps) { d->store, d->metrics, d->thrift, NULL, ms_schema_available_version () };
  return ms_thrift_server_start (d->thrift, error)
         && (d->thrift_ro == NULL || ms_thrift_server_start (d->thrift_ro, error));
}

/* The Iceberg REST door, when rest.port is set. */
static gboolean
serve_start_rest (Daemon *d, GError **error)
{
  const MsConfig *cfg = d->cfg;
  if (cfg->rest_port < 0)
    return TRUE;
  d->iceberg = ms_iceberg_new (d->store, d->storages, cfg->rest_prefix, d->db.warehouse);
  ms_iceberg_set_metadata_cache (d->iceberg, cfg->rest_metadata_cache_mb);
  ms_iceberg_set_idempotency (d->iceberg, cfg->rest_idempotency_lifetime_s,
                              cfg->rest_idempotency_lifetime, cfg->rest_timeout_s);
  d->iceberg->refuse_unknown_warehouse = g_str_equal (cfg->rest_unknown_warehouse, "refuse");
  if (cfg->rest_idempotency_lifetime_s > 0)
    d->idem_cleaner = ms_idem_cleaner_start (d->store, cfg->rest_idempotency_clean_interval_s);
  d->iceberg->auth = d->auth;
  d->iceberg->metrics = d->metrics;
  d->iceberg->ops = &d->ops;
  MsHttpLimits limits = { cfg->bind, cfg->rest_port, cfg->rest_threads,
                          cfg->rest_max_connections, cfg->rest_max_body_bytes,
                          cfg->rest_timeout_s, cfg->rest_tls_cert, cfg->rest_tls_key,
                          cfg->rest_tls_client_ca };
  d->rest = ms_http_server_start (&limits, ms_iceberg_handle, d->iceberg, error);
  if (d->rest == NULL)
    return FALSE;
  g_atomic_pointer_set (&d->ops.rest, d->rest);
  ms_info ("Iceberg REST catalog listening on %s port %d", cfg->bind,
           ms_http_server_port (d->rest));
  return TRUE;
}

/* The admin listener, when admin.port is set: health and metrics without
 * authentication. */
static gboolean
serve_start_admin (Daemon *d, GError **error)
{
  const MsConfig *cfg = d->cfg;
  if (cfg->admin_port < 0)
    return TRUE;
  MsHttpLimits limits = { cfg->bind, cfg->admin_port, 2, 64, 65536, 10, NULL, NULL };
  d->admin = ms_http_server_start (&limits, ms_ops_handle, &d->ops, error);
  if (d->admin == NULL)
    return FALSE;
  ms_info ("admin endpoints (/healthz, /readyz, /metrics) listening on %s port %d", cfg->bind,
           ms_http_server_port (d->admin));
  return TRUE;
}

/* The log line and the "metastore ready:" stdout line scripts wait for. */
static void
serve_announce (const Daemon *d, gint64 t0)
{
  const MsConfig *cfg = d->cfg;
  g_autofree char *admin_text = d->admin ? g_strdup_printf (" admin=%s:%d", cfg->bind,
                                                            ms_http_server_port (d->admin))
                                         : g_strdup ("");
  g_autofree char *rest_text = d->rest ? g_strdup_printf (" rest=%s:%d", cfg->bind,
                                                          ms_http_server_port (d->rest))
                                       : g_strdup ("");
  g_autofree char *ro_text = d->thrift_ro ? g_strdup_printf (" thrift_read_only=%s:%d", cfg->bind,
                                                             ms_thrift_server_port (d->thrift_ro))
                                           : g_strdup ("");
  double ready_ms = (double) (g_get_monotonic_time () - t0) / 1000.0;
  int port = ms_thrift_server_port (d->thrift);
  ms_info ("HMS Thrift API listening on %s port %d (%s transport%s, %s database); ready in %.1f ms",
           cfg->bind, port, cfg->thrift_transport,
           !ms_thrift_server_tls (d->thrift) ? ""
           : cfg->tls_client_ca ? " over TLS, client certificates required" : " over TLS",
           d->db.embedded ? "embedded" : "external", ready_ms);
  if (d->thrift_ro)
    ms_info ("HMS Thrift API (reads only) listening on %s port %d", cfg->bind,
             ms_thrift_server_port (d->thrift_ro));
  printf ("metastore ready: thrift=%s:%d warehouse=%s%s%s%s ready_ms=%.1f\n", cfg->bind, port,
          d->db.warehouse, rest_text, admin_text, ro_text, ready_ms);
  fflush (stdout);
}

/* SIGHUP: re-read the configuration for the log level, the Thrift door's
 * authorization rules, both doors' TLS certificates and the PostgreSQL
 * timeouts (database.pool_wait_ms, connect_timeout_s, statement_timeout_ms,
 * session_timeouts); nothing else changes while running. */
static void
serve_reload (Daemon *d)
{
  g_autoptr (GError) rerr = NULL;
  g_autoptr (MsConfig) fresh = load_config (&d->opts, &rerr);
  if (fresh == NULL)
    {
      ms_warn ("SIGHUP: configuration not reloaded: %s", rerr->message);
      return;
    }
  ms_info ("SIGHUP: log level is now %s", fresh->log_level);
  if (ms_store_set_timeouts (d->store, fresh->pool_wait_ms, fresh->connect_timeout_s,
                             fresh->statement_timeout_ms, fresh->session_timeouts))
    ms_info ("SIGHUP: PostgreSQL timeouts are now database.statement_timeout_ms=%d, "
             "session_timeouts=%d, pool_wait_ms=%d, connect_timeout_s=%d (pooled connections "
             "opened under other session timeouts are replaced)",
             fresh->statement_timeout_ms, fresh->session_timeouts, fresh->pool_wait_ms,
             fresh->connect_timeout_s);
  if (!serve_apply_thrift_policy (d, fresh, "SIGHUP: ", &rerr))
    ms_warn ("SIGHUP: Thrift authorization rules not changed: %s", rerr->message);
  g_clear_error (&rerr);
  if (!ms_thrift_server_reload_tls (d->thrift, fresh, &rerr))
    ms_warn ("SIGHUP: Thrift TLS certificate not reloaded: %s", rerr->message);
  else if (ms_thrift_server_tls (d->thrift))
    ms_info ("SIGHUP: Thrift TLS certificate reloaded from %s", fresh->tls_cert);
  g_clear_error (&rerr);
  if (d->thrift_ro && !ms_thrift_server_reload_tls (d->thrift_ro, fresh, &rerr))
    ms_warn ("SIGHUP: TLS certificate of the read-only Thrift port not reloaded: %s", rerr->message);
  g_clear_error (&rerr);
  if (d->rest == NULL || fresh->rest_tls_cert == NULL || fresh->rest_tls_key == NULL)
    return;
  if (!ms_http_server_reload_tls (d->rest, fresh->rest_tls_cert, fresh->rest_tls_key, &rerr))
    ms_warn ("SIGHUP: REST TLS certificate not reloaded: %s", rerr->message);
  else
    ms_info ("SIGHUP: REST TLS certificate reloaded from %s", fresh->rest_tls_cert);
}

/* Until SIGTERM or SIGINT; SIGHUP reloads. */
static void
serve_wait (Daemon *d)
{
  for (;;)
    {
      int sig = 0;
      if (sigwait (&d->signals, &sig) != 0)
        continue;
      if (sig != SIGHUP)
        {
          ms_info ("signal %d: shutting down", sig);
          return;
        }
      serve_reload (d);
    }
}

/* Raise the descriptor limit to its hard limit, and fit the connection
 * caps under it (with descriptors kept for PostgreSQL, files and the admin
 * port), so idle connections can never take every descriptor. */
static void
serve_fit_descriptors (Daemon *d)
{
  struct rlimit rl;
  if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
    return;
  if (rl.rlim_cur < rl.rlim_max)
    {
      struct rlimit raised = { MIN (rl.rlim_max, (rlim_t) 1048576), rl.rlim_max };
      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        rl = raised;
    }
  g_autofree char *note = NULL;
  if (ms_config_fit_descriptors (d->cfg, (guint64) rl.rlim_cur, &note))
    ms_warn ("%s", note);
}

static int
cmd_serve (int argc, char **argv)
{
  gint64 t0 = g_get_monotonic_time ();
  g_auto (Daemon) d = { .opts = { .port = -1 } };
  g_autoptr (GError) error = NULL;
  if (!parse_args ("serve", "Serve the Hive Metastore Thrift API.", 0, &argc, &argv, &d.opts,
                   &error)
      || (d.cfg = load_config (&d.opts, &error)) == NULL)
    return die (error);
  serve_fit_descriptors (&d);
  serve_block_signals (&d);
  if (!serve_open_database (&d, &error)
      || !serve_check_schema (&d, &error)
      || !serve_open_storage (&d, &error)
      || !serve_start_hms (&d, &error)
      || !serve_ensure_catalogs (&d, &error)
      || !serve_start_rest (&d, &error)
      || !serve_start_admin (&d, &error))
    return die (error);
  serve_announce (&d, t0);
  serve_wait (&d);
  /* a call stuck on PostgreSQL ends with the grace the listeners give it */
  ms_store_give_up (d.store, d.cfg->shutdown_grace_ms);
  daemon_clear (&d);
  ms_info ("stopped");
  return 0;
}

/* ---- schema ---- */

/* The action word of "metastore CMD ACTION [OPTIONS]": *action set and
 * argv shifted past it (argv[0] kept), or *action NULL and the exit code
 * (usage on --help, 2 for a missing or unknown action). */
static int
take_action (const char *cmd, const char *usage, const char *const *actions, int *argc,
             char ***argv, const char **action)
{
  char **v = *argv;
  *action = NULL;
  if (*argc < 2 || g_str_equal (v[1], "--help") || g_str_equal (v[1], "-h"))
    {
      fputs (usage, *argc < 2 ? stderr : stdout);
      return *argc < 2 ? 2 : 0;
    }
  if (!g_strv_contains (actions, v[1]))
    {
      fprintf (stderr, "metastore %s: unknown action '%s'\n%s", cmd, v[1], usage);
      return 2;
    }
  *action = v[1];
  v[1] = v[0];
  (*argc)--;
  (*argv)++;
  return 0;
}

static int
cmd_schema (int argc, char **argv)
{
  const char *usage =
      "Usage: metastore schema init|upgrade|info|validate [OPTIONS]\n"
      "  init      create the schema (if missing), the 'hive' catalog and 'default' database\n"
      "  upgrade   apply pending migrations\n"
      "  info      print the current and the available schema version\n"
      "  validate  compare tables, columns, constraints and indexes with the migrations;\n"
      "            exits 1 and lists every difference on drift\n";
  const char *actions[] = { "init", "upgrade", "info", "validate", NULL };
  const char *action = NULL;
  int rc = take_action ("schema", usage, actions, &argc, &argv, &action);
  if (action == NULL)
    return rc;
  g_auto (CliOptions) o = { .port = -1 };
  g_autoptr (GError) error = NULL;
  g_autofree char *title = g_strdup_printf ("schema %s", action);
  if (!parse_args (title, usage, 0, &argc, &argv, &o, &error))
    return die (error);
  g_autoptr (MsConfig) cfg = load_config (&o, &error);
  if (cfg == NULL)
    return die (error);
  g_auto (DbTarget) db = { 0 };
  if (!db_target_open (cfg, &db, &error))
    return die (error);

  if (g_str_equal (action, "info"))
    {
      g_auto (MsSchemaInfo) info = { 0 };
      if (!ms_schema_info (db.conninfo, db.password, &info, &error))
        return die (error);
      printf ("current version: %d\navailable version: %d\n", info.current, info.available);
      for (guint i = 0; i < info.pending->len; i++)
        printf ("pending: %s\n", (char *) g_ptr_array_index (info.pending, i));
      printf ("status: %s\n", info.current == info.available ? "up to date"
                              : info.current == 0 ? "no schema (run `metastore schema init`)"
                              : info.current < info.available ? "upgrade needed"
                                                              : "newer than this binary");
      return 0;
    }
  if (g_str_equal (action, "validate"))
    {
      g_autoptr (GString) report = g_string_new (NULL);
      if (!ms_schema_validate (db.conninfo, db.password, report, &error))
        return die (error);
      if (report->len > 0)
        {
          printf ("schema drift found:\n%s", report->str);
          return 1;
        }
      printf ("schema valid: version %d, every table, column, constraint and index as expected\n",
              ms_schema_available_version ());
      return 0;
    }
  int applied = 0;
  if (!ms_schema_upgrade (db.conninfo, db.password, db.warehouse, g_str_equal (action, "init"),
                          &applied, &error))
    return die (error);
  printf ("schema at version %d (%d migration%s applied)\n", ms_schema_available_version (),
          applied, applied == 1 ? "" : "s");
  return 0;
}

/* ---- storage ---- */

#define STORAGE_MAX_INPUT ((gsize) 1 << 30)

/* All of 'path' ("-" or NULL: standard input), at most STORAGE_MAX_INPUT. */
static GBytes *
read_input (const char *path, GError **error)
{
  if (path != NULL && !g_str_equal (path, "-"))
    {
      char *data = NULL;
      gsize len = 0;
      g_autoptr (GError) e = NULL;
      if (!g_file_get_contents (path, &data, &len, &e))
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "%s", e->message);
          return NULL;
        }
      return g_bytes_new_take (data, len);
    }
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  guint8 chunk[65536];
  for (;;)
    {
      size_t n = fread (chunk, 1, sizeof chunk, stdin);
      if (n > 0)
        {
          if (buf->len + n > STORAGE_MAX_INPUT)
            {
              ms_fail (error, MS_ERROR_INVALID_INPUT, "standard input is larger than %"
                       G_GSIZE_FORMAT " bytes", STORAGE_MAX_INPUT);
              return NULL;
            }
          g_byte_array_append (buf, chunk, (guint) n);
        }
      if (n < sizeof chunk)
        {
          if (ferror (stdin))
            {
              ms_fail (error, MS_ERROR_INVALID_INPUT, "cannot read standard input");
              return NULL;
            }
          break;
        }
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

static int
cmd_storage (int argc, char **argv)
{
  const char *usage =
      "Usage: metastore storage get|put|exists|rm-all URI [FILE] [OPTIONS]\n"
      "  get URI          write the object at URI to standard output\n"
      "  put URI [FILE]   store FILE (default or '-': standard input) as the object at URI\n"
      "  exists URI       print 'true' or 'false'\n"
      "  rm-all URI       delete URI and everything under URI/ (refuses a bucket root or '/')\n"
      "URI: file:///path (or /path) or s3://bucket/key (s3a://, s3n://). S3 requests use the\n"
      "[s3] configuration keys (endpoint, region, path_style, access_key, secret_key,\n"
      "session_token, timeout_s), else the AWS_* environment variables.\n";
  const char *actions[] = { "get", "put", "exists", "rm-all", NULL };
  const char *action = NULL;
  int rc = take_action ("storage", usage, actions, &argc, &argv, &action);
  if (action == NULL)
    return rc;
  gboolean put = g_str_equal (action, "put");
  g_auto (CliOptions) o = { .port = -1 };
  g_autoptr (GError) error = NULL;
  g_autofree char *title = g_strdup_printf ("storage %s", action);
  if (!parse_args (title, usage, put ? 2 : 1, &argc, &argv, &o, &error))
    return die (error);
  if (argc < 2)
    {
      fprintf (stderr, "metastore storage %s: missing URI\n%s", action, usage);
      return 2;
    }
  const char *uri = argv[1];
  g_autoptr (MsConfig) cfg = load_config (&o, &error);
  if (cfg == NULL)
    return die (error);
  MsS3Options s3 = ms_storage_s3_options (cfg);
  g_autoptr (MsStorage) st = ms_storage_new (&s3);

  if (g_str_equal (action, "get"))
    {
      g_autoptr (GBytes) data = ms_storage_get (st, uri, &error);
      if (data == NULL)
        return die (error);
      gsize len = 0;
      const char *p = g_bytes_get_data (data, &len);
      if ((len > 0 && fwrite (p, 1, len, stdout) != len) || fflush (stdout) != 0)
        {
          fprintf (stderr, "metastore: cannot write standard output: %s\n", g_strerror (errno));
          return 1;
        }
      return 0;
    }
  if (put)
    {
      g_autoptr (GBytes) data = read_input (argc > 2 ? argv[2] : NULL, &error);
      if (data == NULL)
        return die (error);
      gsize len = 0;
      const char *p = g_bytes_get_data (data, &len);
      return ms_storage_put (st, uri, p, len, &error) ? 0 : die (error);
    }
  if (g_str_equal (action, "exists"))
    {
      gboolean found = ms_storage_exists (st, uri, &error);
      if (error != NULL)
        return die (error);
      printf ("%s\n", found ? "true" : "false");
      return 0;
    }
  return ms_storage_delete_all (st, uri, &error) ? 0 : die (error);
}

/* ---- import ---- */

/* The catalog import writes to: its schema brought up to date. */
static MsStore *
import_target (MsConfig *cfg, DbTarget *db, GError **error)
{
  int applied = 0;
  if (!db_target_open (cfg, db, error)
      || !ms_schema_upgrade (db->conninfo, db->password, db->warehouse, TRUE, &applied, error))
    return NULL;
  return ms_store_new (db->conninfo, db->password, 3, cfg->pool_wait_ms, cfg->connect_timeout_s,
                       db->warehouse);
}

/* import --follow-only: no copy, events from the recorded position. */
static int
import_follow_only (MsConfig *cfg, const MsImportOptions *io)
{
  g_autoptr (GError) error = NULL;
  g_auto (DbTarget) db = { 0 };
  MsStore *store = import_target (cfg, &db, &error);
  if (store == NULL)
    return die (error);
  gboolean ok = ms_import_follow (store, NULL, io, &error);
  ms_store_free (store);
  return ok ? 0 : die (error);
}

static int
cmd_import (int argc, char **argv)
{
  const char *usage =
      "Usage: metastore import --from CONNINFO [--dry-run] [--batch N] [--follow|--follow-only]\n"
      "       [--poll-ms MS] [OPTIONS]\n"
      "Copy a Java Hive Metastore's PostgreSQL or MariaDB database (schema 4.0, 3.1 or 2.3)\n"
      "into the catalog (database.url, else the embedded default), then compare counts and\n"
      "checksums. CONNINFO: a libpq conninfo or URI, or mariadb://USER:PASSWORD@HOST:PORT/DB.\n"
      "With --follow, then apply the source's notification events until SIGINT or SIGTERM;\n"
      "--follow-only does that alone, from the position the last import recorded.\n"
      "Exits 1 on an error or a difference.\n";
  g_auto (CliOptions) o = { .port = -1 };
  g_autofree char *from = NULL;
  gboolean dry_run = FALSE, follow = FALSE, follow_only = FALSE;
  int batch = 5000, poll_ms = 500;
  GOptionEntry extra[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "The Java metastore's database (libpq conninfo or URI, or mariadb://...)", "CONNINFO" },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Read and report only; write nothing", NULL },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Partitions per write transaction (default 5000)", "N" },
    { "follow", 0, 0, G_OPTION_ARG_NONE, &follow, "After the copy, apply the source's events until stopped", NULL },
    { "follow-only", 0, 0, G_OPTION_ARG_NONE, &follow_only, "Apply the source's events from the last import's position, no copy", NULL },
    { "poll-ms", 0, 0, G_OPTION_ARG_INT, &poll_ms, "How often --follow looks for new events (default 500)", "MS" },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  g_autofree GOptionEntry *entries = common_entries (&o);
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, usage);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_main_entries (ctx, extra, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return die (error);
  if (from == NULL || argc > 1 || batch < 1 || poll_ms < 1
      || (dry_run && (follow || follow_only)) || (follow && follow_only))
    {
      fputs (usage, stderr);
      return 2;
    }
  g_autoptr (MsConfig) cfg = load_config (&o, &error);
  if (cfg == NULL)
    return die (error);
  MsImportOptions io = { from, dry_run, (guint) batch, isatty (fileno (stderr)), stdout, stderr,
                         follow || follow_only, (guint) poll_ms };
  if (follow_only)
    return import_follow_only (cfg, &io);
  g_auto (MsHiveSums) sums = { 0 };
  g_autoptr (MsHiveSource) src = ms_import_open (&io, &sums, &error);
  if (src == NULL)
    return die (error);
  if (dry_run)
    return 0;
  /* the source is fine: only now is the target touched */
  g_auto (DbTarget) db = { 0 };
  MsStore *store = import_target (cfg, &db, &error);
  if (store == NULL)
    return die (error);
  int differences = 0;
  gboolean ok = ms_import_copy (store, src, &io, &sums, &differences, &error);
  /* a copy that differs is not followed: the difference comes first */
  if (ok && follow && differences == 0)
    ok = ms_import_follow (store, src, &io, &error);
  ms_store_free (store);
  if (!ok)
    return die (error);
  return differences > 0 ? 1 : 0;
}

static int
cmd_config (int argc, char **argv)
{
  (void) argc; (void) argv;
  ms_config_print_reference (stdout);
  return 0;
}

static void
usage (FILE *out)
{
  fputs ("Usage: metastore COMMAND [OPTIONS]\n"
         "Hive Metastore-compatible catalog server on PostgreSQL.\n\n"
         "Commands:\n"
         "  serve                             serve the HMS Thrift API (default port 9083)\n"
         "  schema init|upgrade|info|validate manage the catalog schema\n"
         "  storage get|put|exists|rm-all URI read and write warehouse objects (file://, s3://)\n"
         "  import --from CONNINFO            copy a Java Hive Metastore's database into the catalog\n"
         "  config                            print every configuration key with its default\n"
         "  version                           print the version\n\n"
         "Run `metastore COMMAND --help` for a command's options. Without database.url the\n"
         "embedded default is used: a private PostgreSQL under embedded.data_dir.\n",
         out);
}

int
main (int argc, char **argv)
{
  /* libcurl's global state, before any thread exists */
  ms_storage_global_init ();
  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  const char *cmd = argv[1];
  if (g_str_equal (cmd, "--help") || g_str_equal (cmd, "-h") || g_str_equal (cmd, "help"))
    {
      usage (stdout);
      return 0;
    }
  if (g_str_equal (cmd, "version") || g_str_equal (cmd, "--version"))
    {
      printf ("metastore %s (Hive Metastore API 4.0, schema version %d)\n", PACKAGE_VERSION,
              ms_schema_available_version ());
      return 0;
    }
  if (g_str_equal (cmd, "serve"))
    return cmd_serve (argc - 1, argv + 1);
  if (g_str_equal (cmd, "schema"))
    return cmd_schema (argc - 1, argv + 1);
  if (g_str_equal (cmd, "config"))
    return cmd_config (argc - 1, argv + 1);
  if (g_str_equal (cmd, "storage"))
    return cmd_storage (argc - 1, argv + 1);
  if (g_str_equal (cmd, "import"))
    return cmd_import (argc - 1, argv + 1);
  fprintf (stderr, "metastore: unknown command '%s'\n", cmd);
  usage (stderr);
  return 2;
}
