/*
 * service/database.c: creating a database for either door, and the names
 * of nested namespaces (see database.h).
 */
#include "service/database.h"
#include "storage/storage.h"
#include "service/data.h"
#include "core/log.h"
#include "core/error.h"
#include <string.h>

gboolean
ms_service_check_name (const char *kind, const char *name, GError **error)
{
  if (name == NULL || *name == '\0')
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "%s name is empty", kind);
  gsize n = strlen (name);
  if (n > MS_NAME_MAX)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "%s name %.40s... is longer than %d characters",
                    kind, name, MS_NAME_MAX);
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return ms_fail (error, MS_ERROR_INVALID_OBJECT, "%s is not a valid object name", name);
  return TRUE;
}

/* Complete 'db' (see database.h) and store it: with 'parent' (the parent
 * database of a nested namespace) as its child, under the parent's
 * location; then make its directory. */
static gboolean
create_database (MsStore *store, const MsStorageGuard *guard, MsStorage *st, MsDatabase *db,
                 const char *owner, const MsDatabase *parent, GError **error)
{
  if (db->location_uri == NULL)
    {
      if (parent != NULL)
        {
          const char *leaf = strrchr (db->name, MS_NAMESPACE_SEPARATOR);
          g_autofree char *dir = g_strdup_printf ("%s.db", leaf ? leaf + 1 : db->name);
          db->location_uri = ms_storage_join (parent->location_uri, dir);
        }
      else
        {
          g_autoptr (MsCatalog) cat = ms_store_catalog_get (store, db->catalog, error);
          if (cat == NULL)
            return FALSE;
          g_autofree char *leaf = g_strdup_printf ("%s.db", db->name);
          db->location_uri = ms_storage_join (cat->location_uri, leaf);
        }
    }
  if (db->owner_name == NULL && owner != NULL)
    {
      db->owner_name = g_strdup (owner);
      db->owner_type = MS_PRINCIPAL_USER;
    }
  /* Hive's ObjectStore.createDatabase: an owner given without a type (Spark's
   * Hive 2.3 client sends none) is a USER, as is no owner at all */
  if (db->owner_type == MS_PRINCIPAL_NONE)
    db->owner_type = MS_PRINCIPAL_USER;
  if (db->create_time == 0)
    db->create_time = (int) (g_get_real_time () / G_USEC_PER_SEC);
  if (parent != NULL ? !ms_store_database_create_child (store, db, parent->name, error)
                     : !ms_store_database_create (store, db, error))
    return FALSE;
  g_autoptr (GError) local = NULL;
  if (!ms_service_data_mkdirs (guard, st, db->location_uri, "database location", NULL, &local))
    {
      /* undo the row: a database whose directory cannot exist is useless */
      ms_store_database_drop (store, db->catalog, db->name, FALSE, NULL, NULL, NULL);
      return ms_fail (error, MS_ERROR_INTERNAL, "Unable to create database path %s: %s",
                      db->location_uri, local->message);
    }
  ms_info ("created database %s.%s at %s", db->catalog, db->name, db->location_uri);
  return TRUE;
}

gboolean
ms_service_database_create (MsStore *store, const MsStorageGuard *guard, MsStorage *st,
                            MsDatabase *db, const char *owner, GError **error)
{
  if (db->catalog == NULL)
    db->catalog = g_strdup (MS_DEFAULT_CATALOG);
  if (!ms_service_check_name ("database", db->name, error))
    return FALSE;
  return create_database (store, guard, st, db, owner, NULL, error);
}

/* ---- nested namespaces ---- */

char *
ms_service_namespace_name (char **const levels, GError **error)
{
  if (levels == NULL || levels[0] == NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_OBJECT, "The namespace is empty");
      return NULL;
    }
  g_autoptr (GString) name = g_string_new (NULL);
  for (char **l = levels; *l; l++)
    {
      if (strchr (*l, MS_NAMESPACE_SEPARATOR) != NULL)
        {
          ms_fail (error, MS_ERROR_INVALID_OBJECT,
                   "Namespace level %s contains '%c', which separates the levels of nested "
                   "namespaces", *l, MS_NAMESPACE_SEPARATOR);
          return NULL;
        }
      if (!ms_service_check_name ("namespace level", *l, error))
        return NULL;
      if (l != levels)
        g_string_append_c (name, MS_NAMESPACE_SEPARATOR);
      g_autofree char *lower = g_ascii_strdown (*l, -1);
      g_string_append (name, lower);
    }
  if (name->len > MS_NAME_MAX)
    {
      ms_fail (error, MS_ERROR_INVALID_OBJECT,
               "Namespace %.40s... is longer than %d characters with its levels joined by '%c'",
               name->str, MS_NAME_MAX, MS_NAMESPACE_SEPARATOR);
      return NULL;
    }
  return g_string_free (g_steal_pointer (&name), FALSE);
}

char **
ms_service_namespace_levels (const char *name)
{
  const char sep[] = { MS_NAMESPACE_SEPARATOR, '\0' };
  return g_strsplit (name, sep, -1);
}

char *
ms_service_namespace_parent (const char *name)
{
  const char *last = strrchr (name, MS_NAMESPACE_SEPARATOR);
  return last ? g_strndup (name, last - name) : NULL;
}

gboolean
ms_service_namespace_create (MsStore *store, const MsStorageGuard *guard, MsStorage *st,
                             MsDatabase *db, const char *owner, GError **error)
{
  if (db->catalog == NULL)
    db->catalog = g_strdup (MS_DEFAULT_CATALOG);
  g_auto (GStrv) levels = ms_service_namespace_levels (db->name ? db->name : "");
  char *checked = ms_service_namespace_name (levels, error);
  if (checked == NULL)
    return FALSE;
  g_free (db->name);
  db->name = checked;   /* lower-cased */
  g_autofree char *parent_name = ms_service_namespace_parent (db->name);
  if (parent_name == NULL)
    return create_database (store, guard, st, db, owner, NULL, error);
  g_autoptr (MsDatabase) parent = ms_store_database_get (store, db->catalog, parent_name, error);
  if (parent == NULL)
    return FALSE;
  return create_database (store, guard, st, db, owner, parent, error);
}
