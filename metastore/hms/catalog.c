/*
 * catalog.c: the HMS catalog methods (Hive 3+): create_catalog,
 * get_catalog, get_catalogs, alter_catalog, drop_catalog.
 */
#include "hms/internal.h"
#include "core/log.h"
#include "service/data.h"

typedef ThmsThriftHiveMetastoreIf Iface;

#define META THMS_TYPE_META_EXCEPTION
#define NSO THMS_TYPE_NO_SUCH_OBJECT_EXCEPTION
#define AEX THMS_TYPE_ALREADY_EXISTS_EXCEPTION
#define IOB THMS_TYPE_INVALID_OBJECT_EXCEPTION
#define IOP THMS_TYPE_INVALID_OPERATION_EXCEPTION

static gboolean
create_catalog (MsHms *hms, const ThmsCatalog *in, GError **error)
{
  if (in == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "the catalog is missing");
  g_autoptr (MsCatalog) cat = ms_catalog_new ();
  cat->name = in->name ? g_ascii_strdown (in->name, -1) : NULL;
  if (!hms_check_name ("catalog", cat->name, error))
    return FALSE;
  if (in->locationUri == NULL || *in->locationUri == '\0')
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Catalog location cannot be null");
  cat->location_uri = g_strdup (in->locationUri);
  cat->description = in->__isset_description ? g_strdup (in->description) : NULL;
  cat->create_time = (int) (g_get_real_time () / G_USEC_PER_SEC);
  if (!ms_service_data_mkdirs (hms->guard, hms->storage, cat->location_uri, "catalog location", NULL, error))
    return FALSE;
  if (!ms_store_catalog_create (hms->store, cat, error))
    return FALSE;
  ms_info ("created catalog %s at %s", cat->name, cat->location_uri);
  return TRUE;
}

static gboolean
h_create_catalog (Iface *iface, const ThmsCreateCatalogRequest *req, ThmsAlreadyExistsException **o1,
                  ThmsInvalidObjectException **o2, ThmsMetaException **o3, GError **error)
{
  GError *err = NULL;
  if (!create_catalog (HMS (iface), req->catalog, &err))
    return hms_raise (err, error, AEX, o1, IOB, o2, META, o3, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_catalog (Iface *iface, ThmsGetCatalogResponse **_return, const ThmsGetCatalogRequest *req,
               ThmsNoSuchObjectException **o1, ThmsMetaException **o2, GError **error)
{
  GError *err = NULL;
  g_autofree char *name = req->name ? g_ascii_strdown (req->name, -1) : g_strdup ("");
  g_autoptr (MsCatalog) cat = ms_store_catalog_get (HMS (iface)->store, name, &err);
  if (cat == NULL)
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  hms_catalog_to_thrift (cat, (*_return)->catalog);
  (*_return)->__isset_catalog = TRUE;
  return TRUE;
}

static gboolean
h_get_catalogs (Iface *iface, ThmsGetCatalogsResponse **_return, ThmsMetaException **o1,
                GError **error)
{
  GError *err = NULL;
  g_autoptr (GPtrArray) names = ms_store_catalog_list (HMS (iface)->store, &err);
  if (names == NULL)
    return hms_raise (err, error, META, o1, G_TYPE_INVALID);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add ((*_return)->names, g_strdup (g_ptr_array_index (names, i)));
  (*_return)->__isset_names = TRUE;
  return TRUE;
}

static gboolean
alter_catalog (MsHms *hms, const ThmsAlterCatalogRequest *req, GError **error)
{
  g_autofree char *name = req->name ? g_ascii_strdown (req->name, -1) : g_strdup ("");
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
      && !ms_service_data_mkdirs (hms->guard, hms->storage, cat->location_uri, "catalog location", NULL, error))
    return FALSE;
  return ms_store_catalog_alter (hms->store, name, cat, error);
}

static gboolean
h_alter_catalog (Iface *iface, const ThmsAlterCatalogRequest *req, ThmsNoSuchObjectException **o1,
                 ThmsInvalidOperationException **o2, ThmsMetaException **o3, GError **error)
{
  GError *err = NULL;
  if (!alter_catalog (HMS (iface), req, &err))
    return hms_raise (err, error, NSO, o1, IOP, o2, META, o3, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_drop_catalog (Iface *iface, const ThmsDropCatalogRequest *req, ThmsNoSuchObjectException **o1,
                ThmsInvalidOperationException **o2, ThmsMetaException **o3, GError **error)
{
  GError *err = NULL;
  g_autofree char *name = req->name ? g_ascii_strdown (req->name, -1) : g_strdup ("");
  if (g_str_equal (name, MS_DEFAULT_CATALOG))
    err = g_error_new (MS_ERROR, MS_ERROR_NOT_ALLOWED, "Can not drop hive catalog");
  else if (ms_store_catalog_drop (HMS (iface)->store, name, &err))
    {
      ms_info ("dropped catalog %s", name);
      return TRUE;
    }
  return hms_raise (err, error, NSO, o1, IOP, o2, META, o3, G_TYPE_INVALID);
}

void
hms_catalog_install (ThmsThriftHiveMetastoreHandlerClass *k)
{
  k->create_catalog = h_create_catalog;
  k->get_catalog = h_get_catalog;
  k->get_catalogs = h_get_catalogs;
  k->alter_catalog = h_alter_catalog;
  k->drop_catalog = h_drop_catalog;
}
