/*
 * config.c: the table of every configuration key and the three sources that
 * override the defaults (file, environment, flags). See config.h for the
 * precedence. Values are validated here so the rest of the server can trust
 * them.
 */
#include "core/config.h"
#include "core/error.h"
#include "core/location.h"
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define OFF(f) offsetof (MsConfig, f)

const MsConfKey ms_config_keys[] = {
  { "server", "bind", MS_CONF_STRING, "0.0.0.0", OFF (bind), 0, 0,
    "Address the Thrift and REST listeners bind to: an IPv4 or IPv6 literal, '::' for all IPv6+IPv4, or a host name." },
  { "server", "thrift_port", MS_CONF_INT, "9083", OFF (thrift_port), 0, 65535,
    "TCP port of the HMS Thrift API (0 picks a free port and logs it)." },
  { "server", "thrift_transport", MS_CONF_STRING, "buffered", OFF (thrift_transport), 0, 0,
    "Thrift transport on the wire: 'buffered' (plain binary protocol, what Spark, Trino and Hive clients use) or 'framed'." },
  { "server", "max_connections", MS_CONF_INT, "1024", OFF (max_connections), 1, 1000000,
    "Open client connections at most; one more is refused with a TApplicationException and closed." },
  { "server", "workers", MS_CONF_INT, "32", OFF (workers), 1, 4096,
    "Worker threads executing calls (connections waiting for their next call hold no worker)." },
  { "server", "read_timeout_ms", MS_CONF_INT, "30000", OFF (read_timeout_ms), 100, 3600000,
    "Longest time a whole call may take to arrive once its first byte did (a client trickling bytes is cut then); one client address's unfinished calls hold at most half the workers." },
  { "server", "write_timeout_ms", MS_CONF_INT, "30000", OFF (write_timeout_ms), 100, 3600000,
    "Longest wait for a slow client to accept a reply." },
  { "server", "idle_timeout_s", MS_CONF_INT, "7200", OFF (idle_timeout_s), 0, 31536000,
    "Close a connection idle this long between calls (0 = never). Hive and Trino clients reconnect on their own." },
  { "server", "shutdown_grace_ms", MS_CONF_INT, "10000", OFF (shutdown_grace_ms), 0, 600000,
    "On SIGTERM/SIGINT, how long calls in flight may take to finish." },
  { "server", "tls_cert", MS_CONF_STRING, NULL, OFF (tls_cert), 0, 0,
    "PEM certificate (chain) file: with server.tls_key set, the Thrift port speaks TLS only (OpenSSL). SIGHUP re-reads it for new connections. Unset: plain TCP." },
  { "server", "tls_key", MS_CONF_STRING, NULL, OFF (tls_key), 0, 0,
    "PEM private key file of server.tls_cert (re-read on SIGHUP)." },
  { "server", "tls_client_ca", MS_CONF_STRING, NULL, OFF (tls_client_ca), 0, 0,
    "PEM file of CA certificates: when set, Thrift clients must present a certificate signed by one of them (mutual TLS). Unset: client certificates are not asked for." },
  { "server", "tls_min_version", MS_CONF_STRING, "1.2", OFF (tls_min_version), 0, 0,
    "Oldest TLS version the Thrift port accepts: '1.2' or '1.3'." },
  { "thrift", "auth.rules", MS_CONF_STRING, NULL, OFF (thrift_auth_rules), 0, 0,
    "Who may do what on the Thrift door: rules 'MATCHER [& MATCHER] -> ROLE [DATABASES]' separated by ';'. Matchers: addr:CIDR (client address), cert:NAME (CN or SAN of a verified client certificate), ugi:NAME (the set_ugi user: an unauthenticated claim), * (anyone); '*' and '?' wildcards in names. Roles: none, read, write, admin; read and write may list databases ('sales', 'hive.tmp_*'). The grants of every matching rule add up. Unset: no rules." },
  { "thrift", "auth.default", MS_CONF_STRING, "admin", OFF (thrift_auth_default), 0, 0,
    "Role of a Thrift client no rule of thrift.auth.rules matches: none, read, write or admin (everything: the behaviour without rules)." },
  { "thrift", "read_only", MS_CONF_BOOL, "false", OFF (thrift_read_only), 0, 1,
    "true: the Thrift port (server.thrift_port) serves reads only, whoever asks; writes answer MetaException." },
  { "thrift", "read_only_port", MS_CONF_INT, "-1", OFF (thrift_read_only_port), -1, 65535,
    "A second Thrift listener on server.bind that serves reads only, with the same settings (0 picks a free port, announced in the ready line as thrift_read_only=ADDR:PORT; -1: none)." },
  { "rest", "port", MS_CONF_INT, "8181", OFF (rest_port), -1, 65535,
    "TCP port of the Iceberg REST catalog on server.bind (0 picks a free port and logs it; -1 turns the REST door off)." },
  { "rest", "prefix", MS_CONF_STRING, NULL, OFF (rest_prefix), 0, 0,
    "Path prefix of the REST routes (/v1/{prefix}/...), announced to clients in GET /v1/config's overrides. Unset: none." },
  { "rest", "threads", MS_CONF_INT, "8", OFF (rest_threads), 1, 1024,
    "Threads serving REST requests (libmicrohttpd's thread pool)." },
  { "rest", "max_connections", MS_CONF_INT, "1024", OFF (rest_max_connections), 1, 1000000,
    "Open REST connections at most." },
  { "rest", "max_body_bytes", MS_CONF_INT64, "16777216", OFF (rest_max_body_bytes), 1024, G_MAXINT32,
    "Largest REST request body accepted; a larger one is answered 413." },
  { "rest", "timeout_s", MS_CONF_INT, "60", OFF (rest_timeout_s), 1, 3600,
    "A REST connection idle or sending this long is closed." },
  { "rest", "metadata_cache_mb", MS_CONF_INT, "16", OFF (rest_metadata_cache_mb), 0, 65536,
    "Memory for parsed Iceberg metadata kept between commits (a hot table's next commit then skips parsing it); 0 turns it off." },
  { "rest", "idempotency_lifetime", MS_CONF_STRING, "PT30M", OFF (rest_idempotency_lifetime), 0, 0,
    "How long a mutating REST request's Idempotency-Key answers its retries with the first outcome, as an ISO-8601 duration (PT30M, PT24H, P1D), advertised as idempotency-key-lifetime in GET /v1/config. PT0S turns Idempotency-Key support off (the header is then ignored and not advertised)." },
  { "rest", "idempotency_clean_interval", MS_CONF_INT, "600", OFF (rest_idempotency_clean_interval_s), 1, 31536000,
    "Seconds between two runs of the cleaner that deletes expired Idempotency-Key records (one replica cleans at a time)." },
  { "rest", "catalogs", MS_CONF_STRING, NULL, OFF (rest_catalogs), 0, 0,
    "Catalogs the REST door serves besides those created through Thrift's create_catalog: 'name=warehouse-root,name2=root2'. Each is created at start when missing (with its 'default' database), its root joins the allowed locations, and it is served under /v1/name/...; GET /v1/config?warehouse=name selects it. The default catalog 'hive' is always served." },
  { "rest", "unknown_warehouse", MS_CONF_STRING, "default", OFF (rest_unknown_warehouse), 0, 0,
    "What GET /v1/config?warehouse=W and the routes under /v1/W/... do when W names no catalog: 'default' serves the default catalog 'hive' (one-catalog clients that send any warehouse name keep working), 'refuse' answers 404 NoSuchWarehouseException (as Polaris and Lakekeeper do)." },
  { "rest", "allowed_locations", MS_CONF_STRING, NULL, OFF (rest_allowed_locations), 0, 0,
    "Deprecated alias of storage.allowed_locations (which now covers both doors), used when that is unset." },
  { "rest", "tls_cert", MS_CONF_STRING, NULL, OFF (rest_tls_cert), 0, 0,
    "PEM certificate (chain) file: with rest.tls_key set, the REST door speaks HTTPS only (libmicrohttpd's TLS). Unset: plain HTTP." },
  { "rest", "tls_key", MS_CONF_STRING, NULL, OFF (rest_tls_key), 0, 0,
    "PEM private key file of rest.tls_cert." },
  { "rest", "tls_client_ca", MS_CONF_STRING, NULL, OFF (rest_tls_client_ca), 0, 0,
    "PEM file of CA certificates: when set (with rest.tls_cert), every REST request must come over a connection whose client certificate one of them signed; others are answered 403. Unset: client certificates are not asked for." },
  { "rest", "auth", MS_CONF_STRING, "auto", OFF (rest_auth), 0, 0,
    "Authentication of the REST door: 'oauth' (every route but POST /v1/oauth/tokens needs a Bearer token: one issued by /v1/oauth/tokens to a client of rest.oauth.clients, or a JWT of the identity provider of rest.auth.jwks_url), 'none', or 'auto': none on the embedded default database, oauth on any configured database.url." },
  { "rest", "oauth.clients", MS_CONF_STRING, NULL, OFF (rest_oauth_clients), 0, 0,
    "Clients allowed to get tokens from POST /v1/oauth/tokens (client_credentials): 'id:secret,id2:secret2'; a secret may be given as 'sha256:<64 hex digits>' of the secret. Never logged." },
  { "rest", "oauth.token_secret", MS_CONF_STRING, NULL, OFF (rest_oauth_token_secret), 0, 0,
    "HMAC-SHA256 key (at least 32 bytes) signing the tokens /v1/oauth/tokens issues; every replica needs the same one. Unset: a random key per process, so tokens do not survive a restart nor work on another replica. Never logged." },
  { "rest", "oauth.token_ttl_s", MS_CONF_INT, "3600", OFF (rest_oauth_token_ttl_s), 60, 604800,
    "Lifetime of an issued token, in seconds (clients refresh before it ends)." },
  { "rest", "oauth.issuer", MS_CONF_STRING, "metastore", OFF (rest_oauth_issuer), 0, 0,
    "The 'iss' claim of issued tokens; a token of this server must carry it." },
  { "rest", "auth.jwks_url", MS_CONF_STRING, NULL, OFF (rest_auth_jwks_url), 0, 0,
    "JWKS URL (https://...) of an OpenID Connect provider whose RS256/384/512, PS256/384/512 or ES256/384/512 JWTs are accepted as Bearer tokens. Fetched on first use, cached, fetched again for an unknown key id. Unset: only tokens of this server." },
  { "rest", "auth.jwt_issuer", MS_CONF_STRING, NULL, OFF (rest_auth_jwt_issuer), 0, 0,
    "The 'iss' claim a JWT of the identity provider must carry. Unset: not checked." },
  { "rest", "auth.jwt_audience", MS_CONF_STRING, NULL, OFF (rest_auth_jwt_audience), 0, 0,
    "A value the 'aud' claim of a JWT of the identity provider must hold. Unset: not checked." },
  { "rest", "auth.jwks_refetch_s", MS_CONF_INT, "30", OFF (rest_auth_jwks_refetch_s), 0, 86400,
    "Shortest time between two fetches of the JWKS (a token with an unknown key id makes one)." },
  { "rest", "auth.jwks_ttl_s", MS_CONF_INT, "3600", OFF (rest_auth_jwks_ttl_s), 1, 31536000,
    "Age after which the cached JWKS is fetched again on its next use (removed keys stop working)." },
  { "admin", "port", MS_CONF_INT, "-1", OFF (admin_port), -1, 65535,
    "TCP port on server.bind of the admin listener: GET /healthz, /readyz and /metrics without authentication, for probes and scrapers (0 picks a free port, announced in the ready line as admin=ADDR:PORT; -1 turns it off). The REST port answers the same paths too, /metrics there behind REST authentication." },
  { "limits", "max_message_bytes", MS_CONF_INT64, "104857600", OFF (max_message_bytes), 1024, G_MAXINT32,
    "Largest Thrift message (call) accepted, in bytes." },
  { "limits", "max_string_bytes", MS_CONF_INT64, "16777216", OFF (max_string_bytes), 64, G_MAXINT32,
    "Longest string or binary value inside a message." },
  { "limits", "max_container_items", MS_CONF_INT64, "2000000", OFF (max_container_items), 16, G_MAXINT32,
    "Most elements in one list, set or map." },
  { "limits", "max_depth", MS_CONF_INT, "64", OFF (max_depth), 4, 10000,
    "Deepest nesting of structs and containers in a message." },
  { "database", "url", MS_CONF_STRING, NULL, OFF (database_url), 0, 0,
    "PostgreSQL connection (libpq conninfo 'host=... dbname=...' or URI 'postgresql://user@host/db'). Several hosts with target_session_attrs=read-write follow a failover (see \"PostgreSQL failover\"). Unset: the embedded default." },
  { "database", "password_file", MS_CONF_STRING, NULL, OFF (database_password_file), 0, 0,
    "File holding the database password (first line). $METASTORE_DATABASE_PASSWORD wins over it; never logged." },
  { "database", "pool_size", MS_CONF_INT, "10", OFF (pool_size), 1, 1000,
    "PostgreSQL connections at most (shared by all workers)." },
  { "database", "pool_wait_ms", MS_CONF_INT, "10000", OFF (pool_wait_ms), 1, 600000,
    "How long a call waits for a free PostgreSQL connection before failing as unavailable (MetaException, REST 503). Re-read on SIGHUP." },
  { "database", "connect_timeout_s", MS_CONF_INT, "5", OFF (connect_timeout_s), 1, 600,
    "libpq connect_timeout for new PostgreSQL connections: the longest wait for a server to accept and answer the start-up, per address tried (libpq takes 2 s at least). Re-read on SIGHUP." },
  { "database", "statement_timeout_ms", MS_CONF_INT, "30000", OFF (statement_timeout_ms), 0, 3600000,
    "Longest wait of the server for PostgreSQL's answer to one round trip (a statement, or a transaction's pipelined statements); then the call fails as unavailable (MetaException, REST 503) and the connection is closed, never reused (0: no limit). Re-read on SIGHUP: pooled connections opened under other session timeouts are replaced." },
  { "database", "session_timeouts", MS_CONF_INT, "1", OFF (session_timeouts), 0, 1,
    "1: the server's PostgreSQL sessions get statement_timeout and idle_in_transaction_session_timeout = database.statement_timeout_ms (start-up options; the url's own options win), so PostgreSQL ends what the server gave up on and frees its locks; 0: not set (a pooler that refuses start-up options). Re-read on SIGHUP." },
  { "database", "auto_upgrade", MS_CONF_INT, "1", OFF (auto_upgrade), 0, 1,
    "1: `serve` applies pending schema migrations at start (safe with several replicas); 0: refuse to start on an old schema." },
  { "embedded", "data_dir", MS_CONF_STRING, "./metastore-data", OFF (data_dir), 0, 0,
    "Data directory of the embedded default: its private PostgreSQL cluster and the default file:// warehouse." },
  { "embedded", "pg_bindir", MS_CONF_STRING, NULL, OFF (pg_bindir), 0, 0,
    "Directory of PostgreSQL's initdb/postgres. Unset: `pg_config --bindir`, else the newest /usr/lib/postgresql/<major>/bin." },
  { "embedded", "pg_user", MS_CONF_STRING, "postgres", OFF (pg_user), 0, 0,
    "Unprivileged user the embedded PostgreSQL runs as when metastore is started as root." },
  { "warehouse", "root", MS_CONF_STRING, NULL, OFF (warehouse), 0, 0,
    "Warehouse root URI where database and table directories are placed (file:///..., s3://bucket/prefix). Unset: file://<data_dir>/warehouse." },
  { "warehouse", "default_fs", MS_CONF_STRING, "file:///", OFF (default_fs), 0, 0,
    "Hadoop's fs.defaultFS as the Java metastore applies it to the locations Thrift clients give: one without a scheme takes this file system's ('/data/t' -> 'file:/data/t'), 'file:///data/t' is stored as 'file:/data/t', doubled and trailing slashes go (Warehouse.getDnsPath)." },
  { "storage", "allowed_locations", MS_CONF_STRING, NULL, OFF (storage_allowed_locations), 0, 0,
    "Comma-separated location prefixes (file:///data/wh,s3://bucket/) under which the server creates, reads, writes, moves and deletes data for a client of either door: table, partition and database directories, Iceberg metadata files, registered files, purges; '*' allows any. Outside them metadata changes go ahead and the data is left alone (a log line says so); Iceberg metadata outside them is neither read nor written. '/', the warehouse root, each listed root and anything holding one are never deleted or moved. Unset: the warehouse only." },
  { "storage", "sts_endpoint", MS_CONF_STRING, NULL, OFF (storage_sts_endpoint), 0, 0,
    "STS endpoint (http(s) URL) that vends short-lived S3 credentials with AssumeRole, e.g. the MinIO endpoint or https://sts.amazonaws.com; requests are signed with s3.access_key. Unset: no vended credentials (GET .../credentials is answered 403; loads asking for them are answered without)." },
  { "storage", "sts_role_arn", MS_CONF_STRING, NULL, OFF (storage_sts_role_arn), 0, 0,
    "RoleArn sent with AssumeRole (AWS needs one; MinIO ignores it). Unset: none sent." },
  { "storage", "sts_region", MS_CONF_STRING, NULL, OFF (storage_sts_region), 0, 0,
    "Region AssumeRole requests are signed for. Unset: s3.region (else us-east-1)." },
  { "storage", "vend_duration_s", MS_CONF_INT, "3600", OFF (storage_vend_duration_s), 900, 43200,
    "Lifetime asked for vended credentials (AssumeRole DurationSeconds)." },
  { "storage", "vend_refresh_s", MS_CONF_INT, "300", OFF (storage_vend_refresh_s), 0, 43200,
    "Vended credentials are reused for the same table location and scope until this close to their expiry, then new ones are fetched." },
  { "storage", "vend_cache_entries", MS_CONF_INT, "1024", OFF (storage_vend_cache_entries), 0, 1000000,
    "Vended credentials kept for reuse at most (one per table location and scope; 0 = fetch every time)." },
  { "storage", "remote_signing", MS_CONF_BOOL, "false", OFF (storage_remote_signing), 0, 1,
    "Serve remote signing: with X-Iceberg-Access-Delegation: remote-signing the load replies point S3 clients at POST .../tables/{table}/sign, which signs their requests under the table's location with the server's S3 keys." },
  { "storage", "signer_uri", MS_CONF_STRING, NULL, OFF (storage_signer_uri), 0, 0,
    "Base URI clients send sign requests to (s3.signer.uri). Unset: the catalog URI the client uses." },
  { "storage", "read_only_principals", MS_CONF_STRING, NULL, OFF (storage_read_only_principals), 0, 0,
    "Comma-separated token subjects (OAuth client ids) that get read-only delegated access: vended credentials without write rights, remote signing of GET and HEAD only. Everyone else may write." },
  { "s3", "endpoint", MS_CONF_STRING, NULL, OFF (s3_endpoint), 0, 0,
    "S3 endpoint for s3://, s3a:// and s3n:// locations, e.g. http://127.0.0.1:9000 for MinIO (no scheme: https). Unset: AWS, https://s3.<region>.amazonaws.com." },
  { "s3", "region", MS_CONF_STRING, NULL, OFF (s3_region), 0, 0,
    "Region requests are signed for (AWS SigV4). Unset: $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1." },
  { "s3", "path_style", MS_CONF_BOOL, "false", OFF (s3_path_style), 0, 1,
    "true: path-style URLs (endpoint/bucket/key, what MinIO and most S3-compatible stores want); false: virtual-host style (bucket.endpoint/key), used only when the endpoint is a host name (not an IP address or localhost) and the bucket a DNS-safe name (otherwise path style)." },
  { "s3", "access_key", MS_CONF_STRING, NULL, OFF (s3_access_key), 0, 0,
    "Access key id. Unset: $AWS_ACCESS_KEY_ID (with $AWS_SECRET_ACCESS_KEY and $AWS_SESSION_TOKEN). Never logged.", TRUE },
  { "s3", "secret_key", MS_CONF_STRING, NULL, OFF (s3_secret_key), 0, 0,
    "Secret access key belonging to s3.access_key (prefer METASTORE_S3_SECRET_KEY to a file entry). Never logged.", TRUE },
  { "s3", "session_token", MS_CONF_STRING, NULL, OFF (s3_session_token), 0, 0,
    "Session token of temporary credentials (sent as x-amz-security-token); only used with s3.access_key. Never logged.", TRUE },
  { "s3", "timeout_s", MS_CONF_INT, "30", OFF (s3_timeout_s), 1, 3600,
    "Longest time one S3 request (connect, send, receive) may take." },
  { "s3", "ca_file", MS_CONF_STRING, NULL, OFF (s3_ca_file), 0, 0,
    "PEM file of further certificate authorities an https s3.endpoint or storage.sts_endpoint may present a certificate of (a private CA, such as the one MinIO's operator makes), trusted besides the system's (/etc/ssl/certs). Unset: the system's only." },
  { "locks", "timeout", MS_CONF_INT, "300", OFF (locks_timeout_s), 1, 31536000,
    "Seconds an HMS lock lives without a heartbeat (lock, check_lock and heartbeat refresh it); an expired lock is removed so a dead client cannot block a table forever. Hive's hive.txn.timeout." },
  { "notifications", "enabled", MS_CONF_BOOL, "true", OFF (notifications_enabled), 0, 1,
    "Whether every change writes its notification event (Hive's NOTIFICATION_LOG, read with get_next_notification) in the change's own transaction. Hive's hive.metastore.transactional.event.listeners=org.apache.hive.hcatalog.listener.DbNotificationListener." },
  { "notifications", "ttl", MS_CONF_INT, "86400", OFF (notifications_ttl_s), 1, 315360000,
    "Seconds a notification event is kept; older ones are deleted by the cleaner. Hive's hive.metastore.event.db.listener.timetolive." },
  { "notifications", "clean_interval", MS_CONF_INT, "7200", OFF (notifications_clean_interval_s), 1, 31536000,
    "Seconds between two runs of the notification cleaner; one replica cleans at a time (a PostgreSQL advisory lock). Hive's hive.metastore.event.db.listener.clean.interval." },
  { "log", "level", MS_CONF_STRING, "info", OFF (log_level), 0, 0,
    "Least severe level logged: debug, info, warning, error." },
  { "log", "format", MS_CONF_STRING, "text", OFF (log_format), 0, 0,
    "Log line format: 'text' or 'json' (one object per line)." },
};
const gsize ms_config_n_keys = G_N_ELEMENTS (ms_config_keys);

const MsConfKey *
ms_config_find_key (const char *group, const char *key)
{
  for (gsize i = 0; i < ms_config_n_keys; i++)
    if (g_str_equal (ms_config_keys[i].group, group)
        && g_str_equal (ms_config_keys[i].key, key))
      return &ms_config_keys[i];
  return NULL;
}

gboolean
ms_config_set (MsConfig *cfg, const char *group, const char *key,
               const char *value, const char *origin, GError **error)
{
  if (g_str_equal (group, "catalog"))
    return ms_config_catalog_set (cfg, key, value, origin, error);
  const MsConfKey *k = ms_config_find_key (group, key);
  char *base = (char *) cfg;

  if (k == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "%s: unknown configuration key '%s.%s'", origin, group, key);
  if (k->type == MS_CONF_STRING)
    {
      char **slot = (char **) (base + k->offset);
      if (k->secret && *slot != NULL)
        memset (*slot, 0, strlen (*slot));
      g_free (*slot);
      *slot = (value != NULL && *value != '\0') ? g_strdup (value) : NULL;
      return TRUE;
    }
  if (k->type == MS_CONF_BOOL)
    {
      static const char *const yes[] = { "true", "yes", "on", "1", NULL };
      static const char *const no[] = { "false", "no", "off", "0", NULL };
      g_autofree char *v = g_ascii_strdown (value ? value : "", -1);
      g_strstrip (v);
      if (g_strv_contains (yes, v))
        *(int *) (base + k->offset) = 1;
      else if (g_strv_contains (no, v))
        *(int *) (base + k->offset) = 0;
      else
        return ms_fail (error, MS_ERROR_INVALID_INPUT,
                        "%s: %s.%s must be true or false, not '%s'", origin, group, key,
                        value ? value : "");
      return TRUE;
    }

  char *end = NULL;
  errno = 0;
  gint64 v = g_ascii_strtoll (value, &end, 10);
  if (value == NULL || *value == '\0' || errno != 0 || end == NULL || *end != '\0')
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "%s: %s.%s must be a whole number, not '%s'", origin, group, key,
                    value ? value : "");
  if (v < k->min || v > k->max)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "%s: %s.%s = %" G_GINT64_FORMAT " is outside %" G_GINT64_FORMAT
                    "..%" G_GINT64_FORMAT, origin, group, key, v, k->min, k->max);
  if (k->type == MS_CONF_INT)
    *(int *) (base + k->offset) = (int) v;
  else
    *(gint64 *) (base + k->offset) = v;
  return TRUE;
}

MsConfig *
ms_config_new_defaults (void)
{
  MsConfig *cfg = g_new0 (MsConfig, 1);
  cfg->catalog_sets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_hash_table_unref);
  for (gsize i = 0; i < ms_config_n_keys; i++)
    {
      const MsConfKey *k = &ms_config_keys[i];
      if (k->def != NULL)
        {
          gboolean ok = ms_config_set (cfg, k->group, k->key, k->def, "default", NULL);
          g_assert (ok);
        }
    }
  return cfg;
}

void
ms_config_free (MsConfig *cfg)
{
  if (cfg == NULL)
    return;
  for (gsize i = 0; i < ms_config_n_keys; i++)
    if (ms_config_keys[i].type == MS_CONF_STRING)
      {
        char *v = *(char **) ((char *) cfg + ms_config_keys[i].offset);
        if (ms_config_keys[i].secret && v != NULL)
          memset (v, 0, strlen (v));
        g_free (v);
      }
  g_free (cfg->source);
  g_clear_pointer (&cfg->catalog_sets, g_hash_table_unref);
  g_free (cfg);
}

gboolean
ms_config_load_file (MsConfig *cfg, const char *path, gboolean required, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      if (!required && g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      return ms_fail (error, MS_ERROR_INVALID_INPUT, "cannot read configuration %s: %s",
                      path, local->message);
    }
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  for (char **g = groups; *g; g++)
    {
      g_auto (GStrv) keys = g_key_file_get_keys (kf, *g, NULL, NULL);
      for (char **k = keys; keys && *k; k++)
        {
          g_autofree char *v = g_key_file_get_string (kf, *g, *k, &local);
          if (v == NULL)
            return ms_fail (error, MS_ERROR_INVALID_INPUT, "%s: [%s] %s: %s", path, *g,
                            *k, local->message);
          g_autofree char *origin = g_strdup_printf ("%s [%s]", path, *g);
          /* [catalog.<name>] k = v is catalog.<name>.k */
          gboolean per_catalog = g_str_has_prefix (*g, "catalog.");
          g_autofree char *spec = per_catalog ? g_strdup_printf ("%s.%s", *g + 8, *k) : NULL;
          if (!ms_config_set (cfg, per_catalog ? "catalog" : *g, per_catalog ? spec : *k, v,
                              origin, error))
            return FALSE;
        }
    }
  g_free (cfg->source);
  cfg->source = g_strdup (path);
  return TRUE;
}

/* METASTORE_<GROUP>_<KEY>, '.' inside the key as '_'. */
static char *
env_name (const MsConfKey *k)
{
  g_autofree char *raw = g_strdup_printf ("METASTORE_%s_%s", k->group, k->key);
  g_strdelimit (raw, ".", '_');
  return g_ascii_strup (raw, -1);
}

gboolean
ms_config_load_env (MsConfig *cfg, char **envp, GError **error)
{
  g_auto (GStrv) own = NULL;
  if (envp == NULL)
    envp = own = g_get_environ ();

  for (gsize i = 0; i < ms_config_n_keys; i++)
    {
      const MsConfKey *k = &ms_config_keys[i];
      g_autofree char *name = env_name (k);
      const char *v = g_environ_getenv (envp, name);
      if (v != NULL && !ms_config_set (cfg, k->group, k->key, v, name, error))
        return FALSE;
    }
  return ms_config_catalog_load_env (cfg, envp, error);
}

gboolean
ms_iso8601_duration_seconds (const char *text, gint64 *seconds)
{
  static const struct {
    char unit;
    gboolean in_time;
    gint64 seconds;
  } units[] = { { 'W', FALSE, 604800 }, { 'D', FALSE, 86400 }, { 'H', TRUE, 3600 },
                { 'M', TRUE, 60 }, { 'S', TRUE, 1 } };
  if (text == NULL || text[0] != 'P' || text[1] == '\0')
    return FALSE;
  gint64 total = 0;
  gboolean in_time = FALSE, any = FALSE;
  guint next = 0;              /* units must come in order, each once */
  for (const char *p = text + 1; *p;)
    {
      if (*p == 'T' && !in_time && p[1] != '\0')
        {
          in_time = TRUE;
          p++;
          continue;
        }
      if (!g_ascii_isdigit (*p))
        return FALSE;
      char *end = NULL;
      guint64 n = g_ascii_strtoull (p, &end, 10);
      guint u = next;
      while (u < G_N_ELEMENTS (units) && (units[u].unit != *end || units[u].in_time != in_time))
        u++;
      if (u == G_N_ELEMENTS (units) || n > G_MAXINT32)
        return FALSE;
      total += (gint64) n * units[u].seconds;
      if (total > G_MAXINT32)
        return FALSE;
      next = u + 1;
      any = TRUE;
      p = end + 1;
    }
  *seconds = total;
  return any;
}

gboolean
ms_config_validate (MsConfig *cfg, GError **error)
{
  if (!g_str_equal (cfg->thrift_transport, "buffered")
      && !g_str_equal (cfg->thrift_transport, "framed"))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "server.thrift_transport must be 'buffered' or 'framed', not '%s'",
                    cfg->thrift_transport);
  const char *levels[] = { "debug", "info", "warning", "error", NULL };
  if (!g_strv_contains (levels, cfg->log_level))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "log.level must be one of debug, info, warning, error, not '%s'",
                    cfg->log_level);
  if (!g_str_equal (cfg->log_format, "text") && !g_str_equal (cfg->log_format, "json"))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "log.format must be 'text' or 'json', not '%s'", cfg->log_format);
  if (cfg->bind == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "server.bind must not be empty");
  if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "server.tls_cert and server.tls_key must be set together (%s is missing)",
                    cfg->tls_cert == NULL ? "server.tls_cert" : "server.tls_key");
  if (cfg->tls_client_ca != NULL && cfg->tls_cert == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "server.tls_client_ca needs server.tls_cert and server.tls_key");
  if (cfg->tls_min_version == NULL
      || (!g_str_equal (cfg->tls_min_version, "1.2") && !g_str_equal (cfg->tls_min_version, "1.3")))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "server.tls_min_version must be '1.2' or '1.3', not '%s'",
                    cfg->tls_min_version ? cfg->tls_min_version : "");
  if (cfg->data_dir == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "embedded.data_dir must not be empty");
  if ((cfg->s3_access_key == NULL) != (cfg->s3_secret_key == NULL))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "s3.access_key and s3.secret_key must be set together (%s is missing)",
                    cfg->s3_access_key == NULL ? "s3.access_key" : "s3.secret_key");
  if (cfg->s3_session_token != NULL && cfg->s3_access_key == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "s3.session_token needs s3.access_key and s3.secret_key");
  if (cfg->s3_endpoint != NULL && strstr (cfg->s3_endpoint, "://") != NULL
      && !g_str_has_prefix (cfg->s3_endpoint, "http://")
      && !g_str_has_prefix (cfg->s3_endpoint, "https://"))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "s3.endpoint must be an http:// or https:// URL, not '%s'",
                    strchr (cfg->s3_endpoint, '@') ? "(a URL with credentials)" : cfg->s3_endpoint);
  if (cfg->s3_ca_file != NULL && !g_file_test (cfg->s3_ca_file, G_FILE_TEST_IS_REGULAR))
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "s3.ca_file %s is not a file", cfg->s3_ca_file);
  if (cfg->storage_sts_endpoint != NULL && !g_str_has_prefix (cfg->storage_sts_endpoint, "http://")
      && !g_str_has_prefix (cfg->storage_sts_endpoint, "https://"))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "storage.sts_endpoint must be an http:// or https:// URL");
  if (!ms_location_valid_default_fs (cfg->default_fs))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "warehouse.default_fs must be a URI with a scheme (file:///, s3a://bucket), not '%s'",
                    cfg->default_fs ? cfg->default_fs : "");
  const char *auth_modes[] = { "none", "oauth", "auto", NULL };
  if (cfg->rest_auth == NULL || !g_strv_contains (auth_modes, cfg->rest_auth))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "rest.auth must be one of none, oauth, auto, not '%s'",
                    cfg->rest_auth ? cfg->rest_auth : "");
  const char *unknown_modes[] = { "default", "refuse", NULL };
  if (cfg->rest_unknown_warehouse == NULL
      || !g_strv_contains (unknown_modes, cfg->rest_unknown_warehouse))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "rest.unknown_warehouse must be default or refuse, not '%s'",
                    cfg->rest_unknown_warehouse ? cfg->rest_unknown_warehouse : "");
  gint64 idem_s = 0;
  if (!ms_iso8601_duration_seconds (cfg->rest_idempotency_lifetime, &idem_s) || idem_s > G_MAXINT32)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "rest.idempotency_lifetime must be an ISO-8601 duration of days, hours, "
                    "minutes and seconds (PT30M, P1D), not '%s'",
                    cfg->rest_idempotency_lifetime ? cfg->rest_idempotency_lifetime : "");
  cfg->rest_idempotency_lifetime_s = (int) idem_s;
  if (cfg->max_string_bytes > cfg->max_message_bytes)
    cfg->max_string_bytes = cfg->max_message_bytes;
  return TRUE;
}

char *
ms_config_database_password (const MsConfig *cfg, GError **error)
{
  const char *env = g_getenv ("METASTORE_DATABASE_PASSWORD");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (cfg->database_password_file == NULL)
    return NULL;

  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (cfg->database_password_file, &text, NULL, &local))
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "cannot read database.password_file: %s",
               local->message);
      return NULL;
    }
  char *nl = strpbrk (text, "\r\n");
  if (nl != NULL)
    *nl = '\0';
  return g_steal_pointer (&text);
}

const char *
ms_config_allowed_locations (const MsConfig *cfg, const char **note)
{
  if (note)
    *note = NULL;
  if (cfg->storage_allowed_locations != NULL)
    {
      if (note && cfg->rest_allowed_locations != NULL)
        *note = "rest.allowed_locations is ignored: storage.allowed_locations is set";
      return cfg->storage_allowed_locations;
    }
  if (note && cfg->rest_allowed_locations != NULL)
    *note = "rest.allowed_locations is deprecated: it now sets storage.allowed_locations, "
            "which covers the Thrift door too; rename it";
  return cfg->rest_allowed_locations;
}

void
ms_config_print_reference (FILE *out)
{
  const char *group = "";
  for (gsize i = 0; i < ms_config_n_keys; i++)
    {
      const MsConfKey *k = &ms_config_keys[i];
      if (!g_str_equal (group, k->group))
        {
          fprintf (out, "%s[%s]\n", i ? "\n" : "", k->group);
          group = k->group;
        }
      g_autofree char *env = env_name (k);
      fprintf (out, "# %s\n# env %s\n#%s = %s\n", k->help, env, k->key, k->def ? k->def : "");
    }
  ms_config_catalog_print_reference (out);
}

gboolean
ms_config_fit_descriptors (MsConfig *cfg, guint64 nofile, char **note)
{
  guint64 reserve = MS_CONFIG_FD_RESERVE (cfg);
  guint64 thrift = (guint64) cfg->max_connections;
  guint64 rest = cfg->rest_port >= 0 ? (guint64) cfg->rest_max_connections : 0;
  guint64 room = nofile > reserve + 2 ? nofile - reserve : 2;
  if (thrift + rest <= room)
    return FALSE;
  guint64 t = rest == 0 ? room : CLAMP (room * thrift / (thrift + rest), 1, room - 1);
  GString *why = g_string_new (NULL);
  g_string_append_printf (why, "connection caps lowered to fit the descriptor limit "
                          "(RLIMIT_NOFILE %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT " kept for "
                          "PostgreSQL, files and the admin port): server.max_connections %d -> %"
                          G_GUINT64_FORMAT, nofile, reserve, cfg->max_connections, t);
  cfg->max_connections = (int) t;
  if (rest != 0)
    {
      g_string_append_printf (why, ", rest.max_connections %d -> %" G_GUINT64_FORMAT,
                              cfg->rest_max_connections, room - t);
      cfg->rest_max_connections = (int) (room - t);
    }
  *note = g_string_free (why, FALSE);
  return TRUE;
}
