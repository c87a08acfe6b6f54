/*
 * catalog.c: the HMS catalog methods (Hive 3+): create_catalog,
 * get_catalog, get_catalogs, alter_catalog, drop_catalog, served through
 * the method table (hms/methods.list). Names are lower-cased; the 'hive'
 * catalog cannot be dropped.
 */
#include "hms/internal.h"
#include "hms_method_table.h"
#include "core/log.h"
#include "service/data.h"
#include "service/catalog.h"

/* create_catalog */
gboolean
hms_catalog_create (HmsCall *call, GError **error)
{
  MsHms *hms = call->hms;
  const ThmsCreateCatalogRequest *req = hms_arg_obj (call, "catalog");
  const ThmsCatalog *in = req->catalog;
  if (in == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "the catalog is missing");
  g_autoptr (MsCatalog) cat = ms_catalog_new ();
  cat->name = in->name ? g_ascii_strdown (in->name, -1) : NULL;
  cat->location_uri = g_strdup (in->locationUri);
  cat->description = in->__isset_description ? g_strdup (in->description) : NULL;
  return ms_service_catalog_create (hms->store, hms_guard (hms, cat->name), hms_storage (hms, cat->name), cat, error);
}

/* A catalog name as the store keeps it: lower-cased, "" for none. */
static char *
catalog_name (const char *raw)
{
  return raw ? g_ascii_strdown (raw, -1) : g_strdup ("");
}

/* get_catalog */
gboolean
hms_catalog_get (HmsCall *call, GError **error)
{
  const ThmsGetCatalogRequest *req = hms_arg_obj (call, "catName");
  g_autofree char *name = catalog_name (req->name);
  g_autoptr (MsCatalog) cat = ms_store_catalog_get (call->hms->store, name, error);
  if (cat == NULL)
    return FALSE;
  ThmsGetCatalogResponse *out = hms_result_obj (call);
  hms_catalog_to_thrift (cat, out->catalog);
  out->__isset_catalog = TRUE;
  return TRUE;
}

/* get_catalogs */
gboolean
hms_catalog_list (HmsCall *call, GError **error)
{
  g_autoptr (GPtrArray) names = ms_store_catalog_list (call->hms->store, error);
  if (names == NULL)
    return FALSE;
  ThmsGetCatalogsResponse *out = hms_result_obj (call);
  hms_strings_append (out->names, names);
  out->__isset_names = TRUE;
  return TRUE;
}

/* alter_catalog */
gboolean
hms_catalog_alter (HmsCall *call, GError **error)
{
  MsHms *hms = call->hms;
  const ThmsAlterCatalogRequest *req = hms_arg_obj (call, "rqst");
  g_autofree char *name = catalog_name (req->name);
  const ThmsCatalog *in = req->newCat;
  if (in == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION, "the new catalog is missing");
  if (in->name && *in->name && g_ascii_strcasecmp (in->name, name) != 0)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION, "Renaming catalogs is not supported");
  g_autoptr (MsCatalog) cat = ms_catalog_new ();
  if (in->locationUri && *in->locationUri)
    cat->location_uri = g_strdup (in->locationUri);
  if (in->__isset_description)
    cat->description = g_strdup (in->description);
  if (cat->location_uri
      && !ms_service_data_mkdirs (hms_guard (hms, name), hms_storage (hms, name), cat->location_uri, "catalog location", NULL, error))
    return FALSE;
  return ms_store_catalog_alter (hms->store, name, cat, error);
}

/* drop_catalog */
gboolean
hms_catalog_drop (HmsCall *call, GError **error)
{
  const ThmsDropCatalogRequest *req = hms_arg_obj (call, "catName");
  g_autofree char *name = catalog_name (req->name);
  if (g_str_equal (name, MS_DEFAULT_CATALOG))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Can not drop hive catalog");
  if (!ms_store_catalog_drop (call->hms->store, name, error))
    return FALSE;
  ms_info ("dropped catalog %s", name);
  return TRUE;
}
