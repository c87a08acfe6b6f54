/*
 * service/database.c: creating a database for either door (see
 * database.h).
 */
#include "service/database.h"
#include "storage/storage.h"
#include "core/log.h"
#include "core/error.h"
#include <string.h>

gboolean
ms_service_check_name (const char *kind, const char *name, GError **error)
{
  if (name == NULL || *name == '\0')
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "%s name is empty", kind);
  gsize n = strlen (name);
  if (n > 128)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "%s name %.40s... is longer than 128 characters",
                    kind, name);
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return ms_fail (error, MS_ERROR_INVALID_OBJECT, "%s is not a valid object name", name);
  return TRUE;
}

gboolean
ms_service_database_create (MsStore *store, MsDatabase *db, const char *owner, GError **error)
{
  if (db->catalog == NULL)
    db->catalog = g_strdup (MS_DEFAULT_CATALOG);
  if (!ms_service_check_name ("database", db->name, error))
    return FALSE;
  if (db->location_uri == NULL)
    {
      g_autoptr (MsCatalog) cat = ms_store_catalog_get (store, db->catalog, error);
      if (cat == NULL)
        return FALSE;
      g_autofree char *leaf = g_strdup_printf ("%s.db", db->name);
      db->location_uri = ms_storage_join (cat->location_uri, leaf);
    }
  if (db->owner_name == NULL && owner != NULL)
    {
      db->owner_name = g_strdup (owner);
      db->owner_type = MS_PRINCIPAL_USER;
    }
  if (db->create_time == 0)
    db->create_time = (int) (g_get_real_time () / G_USEC_PER_SEC);
  if (!ms_store_database_create (store, db, error))
    return FALSE;
  g_autoptr (GError) local = NULL;
  if (!ms_storage_mkdirs (db->location_uri, &local))
    {
      /* undo the row: a database whose directory cannot exist is useless */
      ms_store_database_drop (store, db->catalog, db->name, FALSE, NULL, NULL);
      return ms_fail (error, MS_ERROR_INTERNAL, "Unable to create database path %s: %s",
                      db->location_uri, local->message);
    }
  ms_info ("created database %s.%s at %s", db->catalog, db->name, db->location_uri);
  return TRUE;
}
