/*
 * routes.c: the Iceberg REST door's routing table. A path is matched
 * segment by segment ("{prefix}" optional when a prefix is configured,
 * "{namespace}" captures a namespace, its levels separated by 0x1F), then
 * the method picks the handler. GET /v1/config lists every route served.
 * POST /v1/oauth/tokens (oauth.c) is served before anything else; with
 * authentication on, every other request needs a Bearer token first.
 */
#include "iceberg/internal.h"
#include "core/log.h"
#include <string.h>

typedef void (*Handler) (const IceCall *call, MsHttpResponse *resp);

typedef struct {
  const char *method;
  const char *pattern;         /* after /v1/{prefix}: "namespaces/{namespace}/properties" */
  Handler handler;
} Route;

static void config_handler (const IceCall *call, MsHttpResponse *resp);

static const Route routes[] = {
  { "GET", "namespaces", ice_namespaces_list },
  { "POST", "namespaces", ice_namespace_create },
  { "GET", "namespaces/{namespace}", ice_namespace_load },
  { "HEAD", "namespaces/{namespace}", ice_namespace_exists },
  { "DELETE", "namespaces/{namespace}", ice_namespace_drop },
  { "POST", "namespaces/{namespace}/properties", ice_namespace_properties },
  { "GET", "namespaces/{namespace}/tables", ice_tables_list },
  { "POST", "namespaces/{namespace}/tables", ice_table_create },
  { "GET", "namespaces/{namespace}/tables/{table}", ice_table_load },
  { "POST", "namespaces/{namespace}/tables/{table}", ice_table_commit },
  { "DELETE", "namespaces/{namespace}/tables/{table}", ice_table_drop },
  { "HEAD", "namespaces/{namespace}/tables/{table}", ice_table_exists },
  { "POST", "namespaces/{namespace}/register", ice_table_register },
  { "POST", "namespaces/{namespace}/tables/{table}/metrics", ice_table_metrics },
  { "POST", "tables/rename", ice_table_rename },
  { "POST", "transactions/commit", ice_transaction_commit },
  { "GET", "namespaces/{namespace}/views", ice_views_list },
  { "POST", "namespaces/{namespace}/views", ice_view_create },
  { "GET", "namespaces/{namespace}/views/{view}", ice_view_load },
  { "POST", "namespaces/{namespace}/views/{view}", ice_view_replace },
  { "DELETE", "namespaces/{namespace}/views/{view}", ice_view_drop },
  { "HEAD", "namespaces/{namespace}/views/{view}", ice_view_exists },
  { "POST", "views/rename", ice_view_rename },
  { "POST", "namespaces/{namespace}/register-view", ice_view_register },
};

MsIceberg *
ms_iceberg_new (MsStore *store, MsStorage *storage, const char *prefix, const char *warehouse)
{
  MsIceberg *ice = g_new0 (MsIceberg, 1);
  ice->store = store;
  ice->storage = storage;
  ice->md_cache = ice_md_cache_new ((gsize) 16 << 20);
  ice->table_config = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ice->prefix = prefix && *prefix ? g_strdup (prefix) : NULL;
  ice->warehouse = g_strdup (warehouse);
  return ice;
}

void
ms_iceberg_set_metadata_cache (MsIceberg *ice, int megabytes)
{
  ice_md_cache_free (ice->md_cache);
  ice->md_cache = ice_md_cache_new ((gsize) MAX (megabytes, 0) << 20);
}

void
ms_iceberg_free (MsIceberg *ice)
{
  if (ice == NULL)
    return;
  g_free (ice->prefix);
  g_free (ice->warehouse);
  g_hash_table_unref (ice->table_config);
  ice_md_cache_free (ice->md_cache);
  g_free (ice);
}

/* ---- GET /v1/config ---- */

static void
config_handler (const IceCall *call, MsHttpResponse *resp)
{
  const char *warehouse = g_hash_table_lookup (call->req->query, "warehouse");
  (void) warehouse;   /* one warehouse: the catalog's */
  JsonObject *o = json_object_new ();
  JsonObject *defaults = json_object_new ();
  JsonObject *overrides = json_object_new ();
  if (call->ice->prefix)
    json_object_set_string_member (overrides, "prefix", call->ice->prefix);
  json_object_set_object_member (o, "defaults", defaults);
  json_object_set_object_member (o, "overrides", overrides);
  JsonArray *endpoints = json_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autofree char *e = g_strdup_printf ("%s /v1/{prefix}/%s", routes[i].method,
                                            routes[i].pattern);
      json_array_add_string_element (endpoints, e);
    }
  json_object_set_array_member (o, "endpoints", endpoints);
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, 200, n);
}

/* ---- matching ---- */

/* The first segments of routes (after the prefix). */
static gboolean
is_resource (const char *segment)
{
  static const char *const first[] = { "namespaces", "tables", "views", "transactions", "oauth" };
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    if (g_str_equal (segment, first[i]))
      return TRUE;
  return FALSE;
}

/* Does 'segments' match 'pattern'? Captures the namespace and the name. */
static gboolean
match (const char *pattern, char **segments, char ***ns, const char **name)
{
  g_auto (GStrv) parts = g_strsplit (pattern, "/", -1);
  guint n = g_strv_length (parts);
  if (g_strv_length (segments) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (g_str_equal (parts[i], "{namespace}"))
        *ns = g_strsplit (segments[i], "\x1f", -1);
      else if (g_str_equal (parts[i], "{table}") || g_str_equal (parts[i], "{view}"))
        *name = segments[i];
      else if (!g_str_equal (parts[i], segments[i]))
        {
          g_clear_pointer (ns, g_strfreev);
          return FALSE;
        }
    }
  return TRUE;
}

/* The metrics label of a request: its route pattern, never the raw path.
 * Caller frees. */
static char *
route_label (MsIceberg *ice, char **seg, const char *method, gboolean *is_commit)
{
  *is_commit = FALSE;
  if (seg[0] == NULL || !g_str_equal (seg[0], "v1"))
    return g_strdup ("unmatched");
  seg++;
  if (ice_oauth_is_token_path (seg))
    return g_strdup ("/v1/oauth/tokens");
  if (seg[0] != NULL && g_str_equal (seg[0], "config") && seg[1] == NULL)
    return g_strdup ("/v1/config");
  if (ice->prefix && seg[0] != NULL && g_str_equal (seg[0], ice->prefix))
    seg++;
  else if (ice->prefix == NULL && seg[0] != NULL && seg[1] != NULL && !is_resource (seg[0]))
    seg++;
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      char **ns = NULL;
      const char *name = NULL;
      if (!match (routes[i].pattern, seg, &ns, &name))
        continue;
      g_strfreev (ns);
      if (!g_str_equal (routes[i].method, method))
        continue;
      *is_commit = routes[i].handler == ice_table_commit
                   || routes[i].handler == ice_transaction_commit;
      return g_strconcat ("/v1/{prefix}/", routes[i].pattern, NULL);
    }
  return g_strdup ("unmatched");
}

/* Route a request (after the operations endpoints). */
static void
dispatch (MsIceberg *ice, const MsHttpRequest *req, MsHttpResponse *resp)
{
  IceCall call = { ice, req, NULL, NULL };
  char **seg = req->segments;
  if (req->body_too_large)
    return ice_reply_fail (resp, ICE_ERROR_PAYLOAD_TOO_LARGE, "The request body is too large");
  if (seg[0] == NULL || !g_str_equal (seg[0], "v1"))
    return ice_reply_fail (resp, ICE_ERROR_NOT_FOUND, "No such endpoint");
  seg++;
  /* authentication (oauth.c): the token endpoint is open, the rest needs a token */
  if (ice_oauth_is_token_path (seg))
    return ice_oauth_tokens (&call, resp);
  if (!ice_auth_check_or_reply (&call, resp))
    return;
  if (seg[0] != NULL && g_str_equal (seg[0], "config") && seg[1] == NULL)
    {
      if (!g_str_equal (req->method, "GET"))
        return ice_reply_fail (resp, ICE_ERROR_METHOD_NOT_ALLOWED,
                               "%s is not allowed on /v1/config", req->method);
      return config_handler (&call, resp);
    }
  /* the configured prefix, as clients learn it from /v1/config */
  if (ice->prefix && seg[0] != NULL && g_str_equal (seg[0], ice->prefix))
    seg++;
  else if (ice->prefix == NULL && seg[0] != NULL && seg[1] != NULL && !is_resource (seg[0]))
    seg++;   /* a client's own catalog or warehouse name as prefix: there is one catalog */
  gboolean path_known = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      char **ns = NULL;
      const char *name = NULL;
      if (!match (routes[i].pattern, seg, &ns, &name))
        continue;
      path_known = TRUE;
      if (!g_str_equal (routes[i].method, req->method))
        {
          g_strfreev (ns);
          continue;
        }
      call.ns = ns;
      call.name = name;
      routes[i].handler (&call, resp);
      g_strfreev (ns);
      return;
    }
  if (path_known)
    return ice_reply_fail (resp, ICE_ERROR_METHOD_NOT_ALLOWED, "%s is not allowed here",
                           req->method);
  ice_reply_fail (resp, ICE_ERROR_NOT_FOUND, "No such endpoint");
}

/* A client's X-Request-Id is kept when it is short and plain (it goes into
 * log lines and a reply header); otherwise a new one is made. */
static gboolean
usable_request_id (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 128)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("-_.:/+=@", *p))
      return FALSE;
  return TRUE;
}

/* The operations endpoints on the REST port: /healthz and /readyz before
 * authentication, /metrics after it. TRUE when 'req' was one of them. */
static gboolean
ops_endpoint (MsIceberg *ice, const MsHttpRequest *req, MsHttpResponse *resp, char **label)
{
  if (ice->ops == NULL)
    return FALSE;
  MsOpsEndpoint which = ms_ops_endpoint (req);
  if (which == MS_OPS_NONE)
    return FALSE;
  *label = g_strdup (which == MS_OPS_HEALTH ? "/healthz"
                     : which == MS_OPS_READY ? "/readyz" : "/metrics");
  IceCall call = { ice, req, NULL, NULL };
  if (which == MS_OPS_METRICS && !ice_auth_check_or_reply (&call, resp))
    return TRUE;
  ms_ops_answer (ice->ops, which, req, resp);
  return TRUE;
}

void
ms_iceberg_handle (gpointer user, const MsHttpRequest *req, MsHttpResponse *resp)
{
  MsIceberg *ice = user;
  /* a request the listener refuses: its error only, nothing routed or counted */
  if (req->refused != NULL)
    return ice_reply_gerror (resp, g_error_copy (req->refused), 0);
  gint64 t0 = g_get_monotonic_time ();
  const char *sent = ms_http_request_header (req, "X-Request-Id");
  g_autofree char *rid = usable_request_id (sent) ? g_strdup (sent)
                         : ice->metrics ? ms_metrics_next_request_id (ice->metrics)
                                        : g_uuid_string_random ();
  ms_log_set_request_id (rid);
  g_autofree char *label = NULL;
  gboolean is_commit = FALSE;
  if (!ops_endpoint (ice, req, resp, &label))
    {
      label = route_label (ice, req->segments, req->method, &is_commit);
      dispatch (ice, req, resp);
    }
  ms_http_response_header (resp, "X-Request-Id", rid);
  gint64 took = g_get_monotonic_time () - t0;
  ms_metrics_rest_request (ice->metrics, req->method, label, resp->status, took);
  if (is_commit && (resp->status == 200 || resp->status == 204))
    ms_metrics_iceberg_commit (ice->metrics, FALSE);
  else if (is_commit && resp->status == 409 && resp->body
           && strstr (resp->body, "\"CommitFailedException\"") != NULL)
    ms_metrics_iceberg_commit (ice->metrics, TRUE);
  /* the route pattern, not the path: no names, no query string, no tokens */
  ms_debug ("%s %s -> %d in %.3f ms", req->method, label, resp->status, (double) took / 1000.0);
  ms_log_set_request_id (NULL);
}
