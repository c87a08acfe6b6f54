/*
 * routes.c: the Iceberg REST door's routing table and its HTTP handler
 * (ms_iceberg_handle). A path is matched segment by segment ("{prefix}"
 * optional when a prefix is configured, "{namespace}" captures a
 * namespace, its levels separated by 0x1F), then the method picks the
 * row. GET /v1/config lists every route served. POST /v1/oauth/tokens
 * (oauth.c) is served without a token; with authentication on, every
 * other request needs a Bearer token first. The matched row gives the
 * metrics label and whether the request commits; the error code of the
 * reply (MsHttpResponse.error_code) tells a failed commit. Every POST and
 * DELETE route that changes something honours Idempotency-Key
 * (idempotency.c).
 */
#include "iceberg/internal.h"
#include "core/log.h"
#include <string.h>
#include <openssl/rand.h>

typedef void (*Handler) (const IceCall *call, MsHttpResponse *resp);

enum {
  ROUTE_OPEN = 1 << 0,         /* served without a Bearer token */
  ROUTE_COMMIT = 1 << 1,       /* a commit: counted in the commit metrics */
  ROUTE_NO_CHANGE = 1 << 2,    /* a POST that changes nothing: no Idempotency-Key */
  ROUTE_VENDS = 1 << 3,        /* listed by /v1/config only with an STS configured */
  ROUTE_SIGNS = 1 << 4,        /* ... only with remote signing on */
};

typedef struct {
  const char *method;          /* NULL: any (the handler answers them all) */
  const char *pattern;         /* after /v1/{prefix}: "namespaces/{namespace}/properties" */
  const char *label;           /* for metrics and logs: the pattern, never the raw path */
  Handler handler;
  guint flags;                 /* ROUTE_* */
} Route;

static void config_handler (const IceCall *call, MsHttpResponse *resp);
static void no_endpoint (const IceCall *call, MsHttpResponse *resp);
static void method_not_allowed (const IceCall *call, MsHttpResponse *resp);

#define ROUTE(method, pattern, handler, flags) \
  { method, pattern, "/v1/{prefix}/" pattern, handler, flags }

/* The routes under /v1/{prefix}, listed by /v1/config. */
static const Route routes[] = {
  ROUTE ("GET", "namespaces", ice_namespaces_list, 0),
  ROUTE ("POST", "namespaces", ice_namespace_create, 0),
  ROUTE ("GET", "namespaces/{namespace}", ice_namespace_load, 0),
  ROUTE ("HEAD", "namespaces/{namespace}", ice_namespace_exists, 0),
  ROUTE ("DELETE", "namespaces/{namespace}", ice_namespace_drop, 0),
  ROUTE ("POST", "namespaces/{namespace}/properties", ice_namespace_properties, 0),
  ROUTE ("GET", "namespaces/{namespace}/tables", ice_tables_list, 0),
  ROUTE ("POST", "namespaces/{namespace}/tables", ice_table_create, 0),
  ROUTE ("GET", "namespaces/{namespace}/tables/{table}", ice_table_load, 0),
  ROUTE ("POST", "namespaces/{namespace}/tables/{table}", ice_table_commit, ROUTE_COMMIT),
  ROUTE ("DELETE", "namespaces/{namespace}/tables/{table}", ice_table_drop, 0),
  ROUTE ("HEAD", "namespaces/{namespace}/tables/{table}", ice_table_exists, 0),
  ROUTE ("POST", "namespaces/{namespace}/register", ice_table_register, 0),
  ROUTE ("POST", "namespaces/{namespace}/tables/{table}/metrics", ice_table_metrics, ROUTE_NO_CHANGE),
  ROUTE ("GET", "namespaces/{namespace}/tables/{table}/credentials", ice_table_credentials,
         ROUTE_VENDS),
  ROUTE ("POST", "namespaces/{namespace}/tables/{table}/sign", ice_table_sign,
         ROUTE_SIGNS | ROUTE_NO_CHANGE),
  ROUTE ("POST", "tables/rename", ice_table_rename, 0),
  ROUTE ("POST", "transactions/commit", ice_transaction_commit, ROUTE_COMMIT),
  ROUTE ("GET", "namespaces/{namespace}/views", ice_views_list, 0),
  ROUTE ("POST", "namespaces/{namespace}/views", ice_view_create, 0),
  ROUTE ("GET", "namespaces/{namespace}/views/{view}", ice_view_load, 0),
  ROUTE ("POST", "namespaces/{namespace}/views/{view}", ice_view_replace, 0),
  ROUTE ("DELETE", "namespaces/{namespace}/views/{view}", ice_view_drop, 0),
  ROUTE ("HEAD", "namespaces/{namespace}/views/{view}", ice_view_exists, 0),
  ROUTE ("POST", "views/rename", ice_view_rename, 0),
  ROUTE ("POST", "namespaces/{namespace}/register-view", ice_view_register, 0),
};

/* The routes right under /v1, matched before the prefix: any method
 * matches the path, another than the row's is answered 405. */
static const Route unprefixed[] = {
  { "POST", "oauth/tokens", "/v1/oauth/tokens", ice_oauth_tokens, ROUTE_OPEN },
  { "GET", "config", "/v1/config", config_handler, 0 },
};

/* A path outside /v1 (404 before authentication), a path no route has,
 * a path some route has with another method. */
static const Route outside_v1 = { NULL, NULL, "unmatched", no_endpoint, ROUTE_OPEN };
/* Metadata files whose table location sign requests remember. */
#define ICE_SIGN_LOCATIONS 4096

static const Route no_route = { NULL, NULL, "unmatched", no_endpoint, 0 };
static const Route other_method = { NULL, NULL, "unmatched", method_not_allowed, 0 };

MsIceberg *
ms_iceberg_new (MsStore *store, const MsCatalogStorages *storages, const char *prefix,
                const char *warehouse)
{
  MsIceberg *ice = g_new0 (MsIceberg, 1);
  ice->store = store;
  ice->storages = storages;
  ice->io = ice_io_table_new (storages);
  ice->md_cache = ice_md_cache_new ((gsize) 16 << 20);
  ice->sign_locations = ice_location_cache_new (ICE_SIGN_LOCATIONS);
  if (RAND_bytes (ice->stage_key, sizeof ice->stage_key) != 1)
    g_error ("no random bytes for the staged tables' signing key");
  ice->sweeper = ice_sweeper_new (ice);
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
ms_iceberg_set_idempotency (MsIceberg *ice, int lifetime_s, const char *lifetime, int stale_s)
{
  ice->idem_lifetime_s = lifetime_s;
  g_free (ice->idem_lifetime);
  ice->idem_lifetime = g_strdup (lifetime);
  ice->idem_stale_s = stale_s;
}

void
ms_iceberg_free (MsIceberg *ice)
{
  if (ice == NULL)
    return;
  ice_sweeper_free (ice->sweeper);
  g_free (ice->idem_lifetime);
  g_free (ice->prefix);
  g_free (ice->warehouse);
  g_hash_table_unref (ice->io);
  ice_md_cache_free (ice->md_cache);
  ice_location_cache_free (ice->sign_locations);
  g_free (ice);
}

/* ---- GET /v1/config ---- */

static void
config_handler (const IceCall *call, MsHttpResponse *resp)
{
  g_autofree char *prefix = NULL;
  if (!ice_config_prefix_or_reply (call, resp, &prefix))
    return;
  JsonObject *o = json_object_new ();
  JsonObject *defaults = json_object_new ();
  JsonObject *overrides = json_object_new ();
  if (prefix != NULL)
    json_object_set_string_member (overrides, "prefix", prefix);
  json_object_set_object_member (o, "defaults", defaults);
  json_object_set_object_member (o, "overrides", overrides);
  JsonArray *endpoints = json_array_new ();
  /* delegation as the selected catalog serves it */
  const IceIo *io = ice_io (call->ice, g_strcmp0 (prefix, call->ice->prefix) ? prefix : NULL);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (((routes[i].flags & ROUTE_VENDS) && !ms_delegation_vends (io->delegation))
          || ((routes[i].flags & ROUTE_SIGNS) && !ms_delegation_signs (io->delegation)))
        continue;
      g_autofree char *e = g_strdup_printf ("%s %s", routes[i].method, routes[i].label);
      json_array_add_string_element (endpoints, e);
    }
  json_object_set_array_member (o, "endpoints", endpoints);
  if (call->ice->idem_lifetime_s > 0)
    json_object_set_string_member (o, "idempotency-key-lifetime", call->ice->idem_lifetime);
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, 200, n);
}

static void
no_endpoint (const IceCall *call, MsHttpResponse *resp)
{
  (void) call;
  ice_reply_fail (resp, ICE_ERROR_NOT_FOUND, "No such endpoint");
}

static void
method_not_allowed (const IceCall *call, MsHttpResponse *resp)
{
  ice_reply_fail (resp, ICE_ERROR_METHOD_NOT_ALLOWED, "%s is not allowed here",
                  call->req->method);
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

/* Does 'segments' match 'pattern'? Then captures the namespace (caller
 * frees) and the name; nothing is set otherwise. */
static gboolean
match (const char *pattern, char **segments, char ***ns, const char **name)
{
  g_auto (GStrv) parts = g_strsplit (pattern, "/", -1);
  guint n = g_strv_length (parts);
  if (g_strv_length (segments) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (parts[i][0] != '{' && !g_str_equal (parts[i], segments[i]))
      return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_str_equal (parts[i], "{namespace}"))
      *ns = g_strsplit (segments[i], "\x1f", -1);
    else if (parts[i][0] == '{')
      *name = segments[i];   /* {table}, {view} */
  return TRUE;
}

/* The route of a request's path and method (one of the rows above, never
 * NULL); what it captures goes into call->ns (caller frees) and call->name. */
static const Route *
find_route (IceCall *call)
{
  char **seg = call->req->segments;
  if (seg[0] == NULL || !g_str_equal (seg[0], "v1"))
    return &outside_v1;
  seg++;
  for (guint i = 0; i < G_N_ELEMENTS (unprefixed); i++)
    if (match (unprefixed[i].pattern, seg, &call->ns, &call->name))
      return &unprefixed[i];
  /* the configured prefix, as clients learn it from /v1/config, or a
   * catalog's name (catalogs.c resolves it after authentication) */
  if (seg[0] != NULL && seg[1] != NULL && !is_resource (seg[0]))
    call->prefix = *seg++;
  gboolean path_known = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!match (routes[i].pattern, seg, &call->ns, &call->name))
        continue;
      if (g_str_equal (routes[i].method, call->req->method))
        return &routes[i];
      path_known = TRUE;
      g_clear_pointer (&call->ns, g_strfreev);
      call->name = NULL;
    }
  return path_known ? &other_method : &no_route;
}

/* Does the route act inside a catalog (one of the rows under {prefix})? */
static gboolean
in_catalog (const Route *route)
{
  return route >= routes && route < routes + G_N_ELEMENTS (routes);
}

/* Does the route change the catalog (and so honour Idempotency-Key)? */
static gboolean
changes (const Route *route)
{
  return route->method != NULL && !(route->flags & ROUTE_NO_CHANGE)
         && (g_str_equal (route->method, "POST") || g_str_equal (route->method, "DELETE"));
}

/* The route's handler, inside the request's Idempotency-Key handling when
 * it changes something. */
static void
run_handler (const Route *route, const IceCall *call, MsHttpResponse *resp)
{
  if (!changes (route))
    return route->handler (call, resp);
  IceIdem idem;
  if (ice_idem_begin_or_reply (call, &idem, resp))
    {
      route->handler (call, resp);
      ice_idem_end (call, &idem, resp);
    }
  ice_idem_clear (&idem);
}

/* Route a request (after the operations endpoints) and answer it; returns
 * the route it matched. */
static const Route *
dispatch (MsIceberg *ice, const MsHttpRequest *req, MsHttpResponse *resp)
{
  IceCall call = { ice, req, NULL, NULL };
  call.io = ice_io (ice, NULL);
  const Route *route = find_route (&call);
  if (req->body_too_large)
    ice_reply_fail (resp, ICE_ERROR_PAYLOAD_TOO_LARGE, "The request body is too large");
  else if ((route->flags & ROUTE_OPEN)
           || ice_auth_check_or_reply (&call, resp, (route->flags & ROUTE_SIGNS) != 0))
    {
      if (route->method != NULL && !g_str_equal (route->method, req->method))
        ice_reply_fail (resp, ICE_ERROR_METHOD_NOT_ALLOWED, "%s is not allowed on %s",
                        req->method, route->label);
      else if (!in_catalog (route) || ice_catalog_resolve_or_reply (&call, resp))
        run_handler (route, &call, resp);
    }
  g_strfreev (call.ns);
  g_free (call.principal);
  g_free (call.catalog);
  return route;
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
 * authentication, /metrics after it. Their label when 'req' was one of
 * them (answered), else NULL. */
static const char *
ops_endpoint (MsIceberg *ice, const MsHttpRequest *req, MsHttpResponse *resp)
{
  if (ice->ops == NULL)
    return NULL;
  MsOpsEndpoint which = ms_ops_endpoint (req);
  if (which == MS_OPS_NONE)
    return NULL;
  IceCall call = { ice, req, NULL, NULL };
  if (which != MS_OPS_METRICS || ice_auth_check_or_reply (&call, resp, FALSE))
    ms_ops_answer (ice->ops, which, req, resp);
  g_free (call.principal);      /* the check records who asked */
  return which == MS_OPS_HEALTH ? "/healthz" : which == MS_OPS_READY ? "/readyz" : "/metrics";
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
  gboolean commits = FALSE;
  const char *label = ops_endpoint (ice, req, resp);
  if (label == NULL)
    {
      const Route *route = dispatch (ice, req, resp);
      label = route->label;
      commits = (route->flags & ROUTE_COMMIT) != 0;
    }
  ms_http_response_header (resp, "X-Request-Id", rid);
  gint64 took = g_get_monotonic_time () - t0;
  ms_metrics_rest_request (ice->metrics, req->method, label, resp->status, took);
  if (commits && (resp->status == 200 || resp->status == 204))
    ms_metrics_iceberg_commit (ice->metrics, FALSE);
  else if (commits && resp->error_code == ICE_ERROR_COMMIT_FAILED)
    ms_metrics_iceberg_commit (ice->metrics, TRUE);
  /* the route pattern, not the path: no names, no query string, no tokens */
  ms_debug ("%s %s -> %d in %.3f ms", req->method, label, resp->status, (double) took / 1000.0);
  ms_log_set_request_id (NULL);
}
