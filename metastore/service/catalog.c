/*
 * service/catalog.c: catalog creation shared by the HMS door and the
 * configured catalog list (see the header).
 */
#include "service/catalog.h"
#include "core/error.h"
#include "service/database.h"
#include "service/data.h"
#include "core/log.h"
#include <string.h>

gboolean
ms_service_catalog_create (MsStore *store, const MsStorageGuard *guard, MsStorage *st,
                           MsCatalog *cat, GError **error)
{
  if (cat->name != NULL)
    {
      char *lower = g_ascii_strdown (cat->name, -1);
      g_free (cat->name);
      cat->name = lower;
    }
  if (!ms_service_check_name ("catalog", cat->name, error))
    return FALSE;
  if (cat->location_uri == NULL || *cat->location_uri == '\0')
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Catalog location cannot be null");
  if (cat->create_time == 0)
    cat->create_time = (int) (g_get_real_time () / G_USEC_PER_SEC);
  if (!ms_service_data_mkdirs (guard, st, cat->location_uri, "catalog location", NULL, error))
    return FALSE;
  if (!ms_store_catalog_create (store, cat, error))
    return FALSE;
  ms_info ("created catalog %s at %s", cat->name, cat->location_uri);
  return TRUE;
}

/* The catalogs of a rest.catalogs list (MsCatalog*: name lower-cased,
 * location), or NULL and MS_ERROR_INVALID_INPUT for an item that is not
 * name=root. */
static GPtrArray *
parse_list (const char *list, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_catalog_free);
  g_auto (GStrv) items = g_strsplit (list ? list : "", ",", -1);
  for (char **it = items; *it; it++)
    {
      g_autofree char *item = g_strstrip (g_strdup (*it));
      if (*item == '\0')
        continue;
      char *eq = strchr (item, '=');
      if (eq == NULL || eq == item || eq[1] == '\0')
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "rest.catalogs: '%s' is not name=warehouse-root",
                   item);
          return NULL;
        }
      *eq = '\0';
      MsCatalog *cat = ms_catalog_new ();
      cat->name = g_ascii_strdown (g_strstrip (item), -1);
      cat->location_uri = g_strdup (g_strstrip (eq + 1));
      g_ptr_array_add (out, cat);
    }
  return g_steal_pointer (&out);
}

gboolean
ms_service_catalogs_allowed (const char *allowed, const char *warehouse, const char *list,
                             char **out, GError **error)
{
  *out = NULL;
  g_autoptr (GPtrArray) cats = parse_list (list, error);
  if (cats == NULL)
    return FALSE;
  if (cats->len == 0 || g_strcmp0 (allowed, "*") == 0)
    {
      *out = g_strdup (allowed);
      return TRUE;
    }
  GString *s = g_string_new (allowed && *allowed ? allowed : warehouse);
  for (guint i = 0; i < cats->len; i++)
    g_string_append_printf (s, ",%s", ((MsCatalog *) cats->pdata[i])->location_uri);
  *out = g_string_free (s, FALSE);
  return TRUE;
}

gboolean
ms_service_catalogs_has (const char *list, const char *name, gboolean *has, GError **error)
{
  *has = FALSE;
  g_autoptr (GPtrArray) cats = parse_list (list, error);
  if (cats == NULL)
    return FALSE;
  for (guint i = 0; i < cats->len; i++)
    *has = *has || g_str_equal (((MsCatalog *) cats->pdata[i])->name, name);
  return TRUE;
}

gboolean
ms_service_catalog_ensure (MsStore *store, const MsStorageGuard *guard, MsStorage *st,
                           MsCatalog *cat, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (MsCatalog) there = ms_store_catalog_get (store, cat->name, &local);
  if (there != NULL)
    return TRUE;
  if (!g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_clear_error (&local);
  /* another replica may create it at the same moment */
  if (!ms_service_catalog_create (store, guard, st, cat, &local)
      && !g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

gboolean
ms_service_catalogs_ensure (MsStore *store, const MsStorageGuard *guard, MsStorage *st,
                            const char *list, GError **error)
{
  g_autoptr (GPtrArray) cats = parse_list (list, error);
  if (cats == NULL)
    return FALSE;
  for (guint i = 0; i < cats->len; i++)
    if (!ms_service_catalog_ensure (store, guard, st, cats->pdata[i], error))
      {
        g_prefix_error (error, "rest.catalogs: ");
        return FALSE;
      }
  return TRUE;
}
