/*
 * config.h: the server's settings, read once at start-up.
 *
 * Precedence, lowest to highest: built-in defaults, the configuration file
 * (GKeyFile: --config, else $METASTORE_CONFIG, else ./conf/metastore.conf or
 * /etc/metastore/metastore.conf when present), METASTORE_<GROUP>_<KEY>
 * environment variables ('.' inside a key becomes '_': rest.oauth.clients is
 * METASTORE_REST_OAUTH_CLIENTS), then command-line flags (--set
 * group.key=value and the named shortcuts). Every key is listed once, in
 * ms_config_keys[] (config.c), which also feeds --help and the README
 * reference.
 */
#pragma once
#include <glib.h>
#include <stdio.h>

typedef struct {
  /* [server] */
  char *bind;
  int thrift_port;
  char *thrift_transport;      /* "buffered" or "framed" */
  int max_connections;
  int workers;
  int read_timeout_ms;
  int write_timeout_ms;
  int idle_timeout_s;
  int shutdown_grace_ms;
  char *tls_cert;              /* Thrift TLS; NULL: plain TCP */
  char *tls_key;
  char *tls_client_ca;         /* NULL: no client certificates */
  char *tls_min_version;       /* "1.2" or "1.3" */
  /* [thrift] */
  char *thrift_auth_rules;     /* auth/thrift_policy.h; NULL: none */
  char *thrift_auth_default;   /* a role name */
  int thrift_read_only;        /* boolean */
  int thrift_read_only_port;   /* -1: none */
  /* [rest] */
  int rest_port;               /* -1: off */
  int admin_port;              /* -1: off */
  char *rest_prefix;
  int rest_threads;
  int rest_max_connections;
  gint64 rest_max_body_bytes;
  int rest_timeout_s;
  int rest_metadata_cache_mb;
  char *rest_idempotency_lifetime; /* ISO-8601 duration, as configured */
  int rest_idempotency_lifetime_s; /* its seconds (set by ms_config_validate); 0: off */
  int rest_idempotency_clean_interval_s;
  char *rest_unknown_warehouse; /* "default" or "refuse" */
  char *rest_catalogs;         /* "name=warehouse-root,..." served besides the stored ones */
  char *rest_allowed_locations; /* deprecated alias of storage.allowed_locations */
  char *rest_tls_cert;
  char *rest_tls_key;
  char *rest_tls_client_ca;    /* NULL: no client certificates */
  char *rest_auth;             /* "none", "oauth" or "auto" */
  char *rest_oauth_clients;    /* "id:secret,id2:sha256:<hex>"; a secret */
  char *rest_oauth_token_secret; /* HMAC key of issued tokens; a secret */
  int rest_oauth_token_ttl_s;
  char *rest_oauth_issuer;
  char *rest_auth_jwks_url;
  char *rest_auth_jwt_issuer;
  char *rest_auth_jwt_audience;
  int rest_auth_jwks_refetch_s;
  int rest_auth_jwks_ttl_s;
  /* [limits] */
  gint64 max_message_bytes;
  gint64 max_string_bytes;
  gint64 max_container_items;
  int max_depth;
  /* [database] */
  char *database_url;
  char *database_password_file;
  int pool_size;
  int pool_wait_ms;
  int connect_timeout_s;
  int statement_timeout_ms;  /* deadline per PostgreSQL round trip; 0: none */
  int session_timeouts;      /* 1: PostgreSQL's session timeouts set to it too */
  int auto_upgrade;
  /* [embedded] */
  char *data_dir;
  char *pg_bindir;
  char *pg_user;
  /* [warehouse] */
  char *warehouse;
  /* [storage] */
  char *storage_allowed_locations;
  char *default_fs;            /* fs.defaultFS of the HMS door's locations */
  char *storage_sts_endpoint;  /* vended credentials (service/delegation.h) */
  char *storage_sts_role_arn;
  char *storage_sts_region;
  int storage_vend_duration_s;
  int storage_vend_refresh_s;
  int storage_vend_cache_entries;
  int storage_remote_signing;  /* boolean */
  char *storage_signer_uri;
  char *storage_read_only_principals;
  /* [s3] */
  char *s3_endpoint;
  char *s3_region;
  int s3_path_style;           /* boolean */
  char *s3_access_key;         /* secret-bearing keys: never logged */
  char *s3_secret_key;
  char *s3_session_token;
  int s3_timeout_s;
  char *s3_ca_file;
  /* [locks] */
  int locks_timeout_s;

  int notifications_enabled;   /* boolean */
  int notifications_ttl_s;
  int notifications_clean_interval_s;
  /* [log] */
  char *log_level;
  char *log_format;
  /* derived, not keys */
  char *source;                /* the file read, or NULL */
  GHashTable *catalog_sets;    /* catalog name -> GHashTable "group.key" -> value:
                                  the [catalog.<name>] groups (config_catalog.c) */
} MsConfig;

typedef enum { MS_CONF_STRING, MS_CONF_INT, MS_CONF_INT64, MS_CONF_BOOL } MsConfType;

typedef struct {
  const char *group;
  const char *key;
  MsConfType type;
  const char *def;             /* default, as text; NULL = unset */
  gsize offset;                /* into MsConfig */
  gint64 min, max;             /* for integers */
  const char *help;
  gboolean secret;             /* a credential: wiped on free, never echoed */
} MsConfKey;

extern const MsConfKey ms_config_keys[];
extern const gsize ms_config_n_keys;
/* The key "group.key", or NULL. */
const MsConfKey *ms_config_find_key (const char *group, const char *key);

MsConfig *ms_config_new_defaults (void);
void ms_config_free (MsConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsConfig, ms_config_free)

/* Set one key from text ("group.key" = value); 'origin' names where it came
 * from for the error message. Booleans (MS_CONF_BOOL, stored as int) accept
 * true/false, yes/no, on/off and 1/0 in any case. */
gboolean ms_config_set (MsConfig *cfg, const char *group, const char *key,
                        const char *value, const char *origin, GError **error);

/* Apply a GKeyFile path (must exist when 'required'). */
gboolean ms_config_load_file (MsConfig *cfg, const char *path, gboolean required,
                              GError **error);

/* Apply METASTORE_<GROUP>_<KEY> variables from 'envp' (NULL: the process's). */
gboolean ms_config_load_env (MsConfig *cfg, char **envp, GError **error);

/* Checks that span keys (e.g. transport names). */
/* An ISO-8601 duration of days, hours, minutes and seconds ("PT30M",
 * "P1DT12H", "PT0S") in seconds; FALSE for anything else (years and
 * months have no fixed length). */
gboolean ms_iso8601_duration_seconds (const char *text, gint64 *seconds);
gboolean ms_config_validate (MsConfig *cfg, GError **error);

/* The database password from $METASTORE_DATABASE_PASSWORD or the password
 * file; NULL when neither is set (libpq may still use PGPASSWORD/.pgpass). */
char *ms_config_database_password (const MsConfig *cfg, GError **error);

/* storage.allowed_locations, or its deprecated alias rest.allowed_locations
 * when only that is set; NULL when neither is (the warehouse alone).
 * *note (may be NULL) receives a line for the log when the alias is used or
 * ignored, else NULL. */
const char *ms_config_allowed_locations (const MsConfig *cfg, const char **note);

/* ---- one catalog's own storage settings (config_catalog.c) ----
 * A group [catalog.<name>] (file), METASTORE_CATALOG_<NAME>_<GROUP>_<KEY>
 * (environment) or --set catalog.<name>.<group>.<key>=V sets one of the
 * keys ms_config_catalog_key_allowed accepts for the catalog <name>. */

/* Whether "group.key" may be set per catalog. */
gboolean ms_config_catalog_key_allowed (const char *group, const char *key);
/* Record one per-catalog value: 'spec' is "<name>.<group>.<key>". */
gboolean ms_config_catalog_set (MsConfig *cfg, const char *spec, const char *value,
                                const char *origin, GError **error);
/* The METASTORE_CATALOG_<NAME>_<GROUP>_<KEY> variables of 'envp'. */
gboolean ms_config_catalog_load_env (MsConfig *cfg, char **envp, GError **error);
/* The names of the catalogs with a group, sorted, NULL-terminated, *n of
 * them (caller g_free()s the array, not the strings, which 'cfg' owns). */
const char **ms_config_catalog_names (const MsConfig *cfg, guint *n);
/* The settings catalog 'name' works with: a copy of 'cfg' where its group
 * overrides. Not inherited: warehouse.root (the group must set it: the
 * catalog's root), storage.allowed_locations (unset: the catalog's root
 * alone), and, when the group sets s3.endpoint or s3.access_key, the S3
 * keys and the STS settings (a group with its own endpoint must give its
 * own keys). MS_ERROR_INVALID_INPUT saying which catalog is wrong. */
MsConfig *ms_config_for_catalog (const MsConfig *cfg, const char *name, GError **error);

/* The [catalog.<name>] part of the reference (the keys a group may set). */
void ms_config_catalog_print_reference (FILE *out);

/* Print every key with its default and help, GKeyFile style. */
void ms_config_print_reference (FILE *out);

/* Descriptors kept back from the client connection caps: PostgreSQL's
 * pool, the admin listener's 64 connections, and 64 for files, S3,
 * the JWKS fetch and the listening sockets. */
#define MS_CONFIG_FD_RESERVE(cfg) ((guint64) (cfg)->pool_size + 128)

/* Fit server.max_connections and rest.max_connections (when the REST door
 * is on) into 'nofile' descriptors less the reserve, sharing what is left
 * in proportion to them. FALSE when they fit as configured; TRUE when they
 * were lowered, with *note saying how (for the log). */
gboolean ms_config_fit_descriptors (MsConfig *cfg, guint64 nofile, char **note);
