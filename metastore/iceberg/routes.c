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
  ms_iceberg_set_allowed_locations (ice, NULL);
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
  g_strfreev (ice->allowed_locations);
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

void
ms_iceberg_handle (gpointer user, const MsHttpRequest *req, MsHttpResponse *resp)
{
  MsIceberg *ice = user;
  IceCall call = { ice, req, NULL, NULL };
  char **seg = req->segments;
  if (req->body_too_large)
    return ice_reply_error (resp, 413, "BadRequestException", "The request body is too large");
  if (seg[0] == NULL || !g_str_equal (seg[0], "v1"))
    return ice_reply_error (resp, 404, "NotFoundException", "No such endpoint");
  seg++;
  /* authentication (oauth.c): the token endpoint is open, the rest needs a token */
  if (ice_oauth_is_token_path (seg))
    return ice_oauth_tokens (&call, resp);
  if (!ice_auth_check (&call, resp))
    return;
  if (seg[0] != NULL && g_str_equal (seg[0], "config") && seg[1] == NULL)
    {
      if (!g_str_equal (req->method, "GET"))
        return ice_reply_error (resp, 405, "MethodNotAllowedException",
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
    return ice_reply_error (resp, 405, "MethodNotAllowedException", "%s is not allowed here",
                            req->method);
  ice_reply_error (resp, 404, "NotFoundException", "No such endpoint");
}
