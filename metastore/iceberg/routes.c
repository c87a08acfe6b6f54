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
};

MsIceberg *
ms_iceberg_new (MsStore *store, const char *prefix, const char *warehouse)
{
  MsIceberg *ice = g_new0 (MsIceberg, 1);
  ice->store = store;
  ice->prefix = prefix && *prefix ? g_strdup (prefix) : NULL;
  ice->warehouse = g_strdup (warehouse);
  return ice;
}

void
ms_iceberg_free (MsIceberg *ice)
{
  if (ice == NULL)
    return;
  g_free (ice->prefix);
  g_free (ice->warehouse);
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

/* Does 'segments' match 'pattern'? Captures the namespace. */
static gboolean
match (const char *pattern, char **segments, char ***ns)
{
  g_auto (GStrv) parts = g_strsplit (pattern, "/", -1);
  guint n = g_strv_length (parts);
  if (g_strv_length (segments) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (g_str_equal (parts[i], "{namespace}"))
        *ns = g_strsplit (segments[i], "\x1f", -1);
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
  IceCall call = { ice, req, NULL };
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
  gboolean path_known = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      char **ns = NULL;
      if (!match (routes[i].pattern, seg, &ns))
        continue;
      path_known = TRUE;
      if (!g_str_equal (routes[i].method, req->method))
        {
          g_strfreev (ns);
          continue;
        }
      call.ns = ns;
      routes[i].handler (&call, resp);
      g_strfreev (ns);
      return;
    }
  if (path_known)
    return ice_reply_error (resp, 405, "MethodNotAllowedException", "%s is not allowed here",
                            req->method);
  ice_reply_error (resp, 404, "NotFoundException", "No such endpoint");
}
