/*
 * names.c: Hive's naming rules: catalog-prefixed database names, the
 * characters an object name may hold, and the stored form of the locations
 * clients give.
 */
#include "hms/internal.h"
#include "core/location.h"
#include "service/database.h"
#include <string.h>

#define CATALOG_MARKER '@'
#define CATALOG_SEPARATOR '#'
#define EMPTY_MARKER "!"

gboolean
hms_parse_db_name (const char *raw, char **catalog, char **db, GError **error)
{
  *catalog = NULL;
  *db = NULL;
  if (raw == NULL)
    {
      *catalog = g_strdup (MS_DEFAULT_CATALOG);
      return TRUE;
    }
  if (raw[0] != CATALOG_MARKER)
    {
      *catalog = g_strdup (MS_DEFAULT_CATALOG);
      *db = g_ascii_strdown (raw, -1);
      return TRUE;
    }
  const char *sep = strchr (raw + 1, CATALOG_SEPARATOR);
  if (sep == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "%s is prepended with the catalog marker but does not appear to have a "
                    "catalog separator", raw);
  *catalog = g_ascii_strdown (raw + 1, sep - raw - 1);
  const char *rest = sep + 1;
  if (*rest == '\0')
    *db = NULL;                       /* "@cat#": no database (all) */
  else if (g_str_equal (rest, EMPTY_MARKER))
    *db = g_strdup ("");
  else
    *db = g_ascii_strdown (rest, -1);
  if (**catalog == '\0')
    {
      g_free (*catalog);
      *catalog = g_strdup (MS_DEFAULT_CATALOG);
    }
  return TRUE;
}

gboolean
hms_resolve_db (const char *raw, const char *cat_override, char **catalog, char **db,
                GError **error)
{
  if (!hms_parse_db_name (raw, catalog, db, error))
    return FALSE;
  if (cat_override != NULL && *cat_override != '\0')
    {
      g_free (*catalog);
      *catalog = g_ascii_strdown (cat_override, -1);
    }
  if (*db == NULL || **db == '\0')
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "Null or empty database name is not allowed");
  return TRUE;
}

gboolean
hms_check_name (const char *kind, const char *name, GError **error)
{
  return ms_service_check_name (kind, name, error);
}

void
hms_qualify_location (const MsHms *hms, char **location)
{
  ms_location_qualify_in_place (location, hms_default_fs (hms));
}

const char *
hms_default_fs (const MsHms *hms)
{
  return hms && hms->cfg ? hms->cfg->default_fs : NULL;
}

const MsStorageGuard *
hms_guard (const MsHms *hms, const char *catalog)
{
  const MsCatalogStorage *cs = ms_catalog_storages_get (hms->storages, catalog);
  return cs ? cs->guard : NULL;
}

MsStorage *
hms_storage (const MsHms *hms, const char *catalog)
{
  const MsCatalogStorage *cs = ms_catalog_storages_get (hms->storages, catalog);
  return cs ? cs->storage : NULL;
}
