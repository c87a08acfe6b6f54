/*
 * catalogs.c: one HMS catalog per REST prefix. GET /v1/config?warehouse=W
 * announces overrides.prefix W when W names a catalog (made through
 * Thrift's create_catalog or listed in rest.catalogs), and the routes
 * under /v1/W/... act on that catalog: its namespaces (databases), tables
 * and views, and its location as the root of new namespaces. The default
 * catalog (hive) is served without a prefix, under rest.prefix and under
 * /v1/hive/. A name no catalog has is the default catalog unless
 * rest.unknown_warehouse = refuse (or rest.prefix is set, where such a
 * path was never served): then 404 NoSuchWarehouseException, the spec's
 * answer for GET /v1/config and what Polaris and Lakekeeper answer.
 */
#include "iceberg/internal.h"
#include "core/log.h"

/* Is 'name' the default catalog, by name or as the door's own prefix? */
static gboolean
is_default (const MsIceberg *ice, const char *name)
{
  return name == NULL || g_str_equal (name, MS_DEFAULT_CATALOG)
         || (ice->prefix != NULL && g_str_equal (name, ice->prefix));
}

/* The catalog 'name' names (lower-cased, caller frees), NULL for the
 * default; FALSE after answering when it names none and that is refused,
 * or the store fails. */
static gboolean
lookup_or_reply (const MsIceberg *ice, const char *name, gboolean refuse, char **catalog,
                 MsHttpResponse *resp)
{
  *catalog = NULL;
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_autoptr (GError) err = NULL;
  g_autoptr (MsCatalog) cat = ms_store_catalog_get (ice->store, lower, &err);
  if (cat != NULL)
    {
      *catalog = g_steal_pointer (&lower);
      return TRUE;
    }
  if (!g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
    {
      ice_reply_gerror (resp, g_steal_pointer (&err), 0);
      return FALSE;
    }
  if (!refuse)
    return TRUE;
  ice_reply_fail (resp, ICE_ERROR_NO_SUCH_WAREHOUSE, "Warehouse %s does not exist", name);
  return FALSE;
}

gboolean
ice_catalog_resolve_or_reply (IceCall *call, MsHttpResponse *resp)
{
  MsIceberg *ice = call->ice;
  char *found = NULL;
  if (!is_default (ice, call->prefix)
      && !lookup_or_reply (ice, call->prefix, ice->refuse_unknown_warehouse || ice->prefix,
                           &found, resp))
    return FALSE;
  call->catalog = found ? found : g_strdup (MS_DEFAULT_CATALOG);
  call->io = ice_io (ice, call->catalog);
  return TRUE;
}

gboolean
ice_config_prefix_or_reply (const IceCall *call, MsHttpResponse *resp, char **prefix)
{
  MsIceberg *ice = call->ice;
  const char *warehouse = g_hash_table_lookup (call->req->query, "warehouse");
  *prefix = NULL;
  /* the default catalog by name, prefix or warehouse root (what clients
   * such as the RCK send) */
  if (warehouse == NULL || *warehouse == '\0' || is_default (ice, warehouse)
      || g_strcmp0 (warehouse, ice->warehouse) == 0)
    {
      *prefix = g_strdup (ice->prefix);
      return TRUE;
    }
  if (!lookup_or_reply (ice, warehouse, ice->refuse_unknown_warehouse, prefix, resp))
    return FALSE;
  if (*prefix == NULL)
    *prefix = g_strdup (ice->prefix);   /* unknown, served as the default catalog */
  return TRUE;
}
