/*
 * service/table.c: the data rules of tables and partitions (see
 * service/table.h): the one deletion rule, deleting locations inside their
 * catalog, and the data moves of renames and exchanges.
 */
#include "service/table.h"
#include "storage/storage.h"
#include "core/error.h"
#include "core/location.h"
#include "core/log.h"
#include <string.h>
#include <glib/gstdio.h>

gboolean
ms_service_table_drops_data (const MsTable *t)
{
  if (ms_table_is_view (t))
    return FALSE;
  return !ms_table_is_external (t) || ms_params_true (t->params, "external.table.purge");
}

/* The catalog's root, which no deletion inside it removes, in the
 * guard's normal form (NULL: none found; the guard's rules still hold).
 * Taken once per drop: it costs a catalog read and a realpath(). Caller
 * frees. */
static char *
catalog_root_key (MsStore *store, const char *catalog)
{
  g_autoptr (MsCatalog) cat = ms_store_catalog_get (store, catalog, NULL);
  return cat ? ms_storage_guard_key (cat->location_uri) : NULL;
}

/* Delete 'location' unless it holds the catalog's root ('keep': its
 * normal form). */
static void
location_delete (const MsStorageGuard *g, MsStorage *st, const char *keep,
                 const char *location, const char *what)
{
  g_autofree char *path = ms_storage_local_path (location);
  if (!ms_service_data_reachable (st, location))
    {
      ms_info ("data not deleted, it stays: the %s %s is on a file system this server does not "
               "reach", what, location ? location : "(none)");
      return;
    }
  ms_service_data_delete (g, path ? NULL : st, location, keep, what);
}

void
ms_service_location_delete (MsStore *store, const MsStorageGuard *g, MsStorage *st,
                            const char *catalog, const char *location, const char *what)
{
  /* no look-up for data that stays anyway */
  g_autofree char *keep = ms_service_data_reachable (st, location)
                          ? catalog_root_key (store, catalog) : NULL;
  location_delete (g, st, keep, location, what);
}

void
ms_service_table_delete_data (MsStore *store, const MsStorageGuard *g, MsStorage *st,
                              const char *catalog, const MsTable *t,
                              const GPtrArray *part_locations)
{
  if (!ms_service_table_drops_data (t))
    return;
  /* partitions inside the table's directory go with it */
  const char *tloc = t->sd ? t->sd->location : NULL;
  g_autofree char *keep = catalog_root_key (store, catalog);
  for (guint i = 0; part_locations && i < part_locations->len; i++)
    {
      const char *ploc = g_ptr_array_index (part_locations, i);
      if (tloc == NULL || !ms_storage_guard_within (ploc, tloc))
        location_delete (g, st, keep, ploc, "partition location");
    }
  if (tloc != NULL)
    location_delete (g, st, keep, tloc, "table location");
}

/* Remove the local directories above dropped partition location 'loc' that
 * its drop left empty, up to (not including) the table's directory 'root'
 * ('depth': how many levels a partition path has). */
static void
remove_empty_parents (const MsStorageGuard *g, const char *root, const char *loc, guint depth)
{
  g_autofree char *path = ms_storage_local_path (loc);
  if (path == NULL || root == NULL)
    return;
  g_autofree char *dir = g_path_get_dirname (path);
  for (guint level = 1; level < depth; level++)
    {
      if (!g_str_has_prefix (dir, root) || strlen (dir) <= strlen (root)
          || !ms_storage_guard_check (g, MS_ACCESS_REMOVE, dir, "directory", NULL))
        break;
      if (g_rmdir (dir) != 0)
        break;
      char *up = g_path_get_dirname (dir);
      g_free (dir);
      dir = up;
    }
}

typedef struct {
  const MsStorageGuard *g;
  MsStorage *st;
  const char *keep;
} PartDelete;

static void
part_delete_task (gpointer item, gpointer user)
{
  const PartDelete *d = user;
  location_delete (d->g, d->st, d->keep, *(const char **) item, "partition location");
}

void
ms_service_partitions_delete_data (MsStore *store, const MsStorageGuard *g, MsStorage *st,
                                   const MsTable *t, const GPtrArray *dropped)
{
  if (!ms_service_table_drops_data (t) || t->sd == NULL || t->sd->location == NULL)
    return;
  g_autofree char *root = ms_storage_local_path (t->sd->location);
  g_autofree char *keep = catalog_root_key (store, t->catalog);
  /* local ones here, their emptied parents after each; those on an
   * object store (a listing and a delete or more each) on a few threads */
  g_autoptr (GPtrArray) remote = g_ptr_array_new ();
  for (guint i = 0; i < dropped->len; i++)
    {
      const MsPartition *p = g_ptr_array_index (dropped, i);
      if (p->sd == NULL || p->sd->location == NULL)
        continue;
      g_autofree char *path = ms_storage_local_path (p->sd->location);
      if (path == NULL)
        {
          g_ptr_array_add (remote, p->sd->location);
          continue;
        }
      location_delete (g, st, keep, p->sd->location, "partition location");
      remove_empty_parents (g, root, p->sd->location, t->partition_keys->len);
    }
  PartDelete d = { g, st, keep };
  ms_service_data_each (remote->pdata, remote->len, sizeof (gpointer), part_delete_task, &d,
                        remote->len);
}

gboolean
ms_service_same_location (const char *default_fs, const char *a_raw, const char *b_raw)
{
  if (a_raw == NULL || b_raw == NULL)
    return a_raw == b_raw;
  g_autofree char *a = ms_location_qualify (a_raw, default_fs);
  g_autofree char *b = ms_location_qualify (b_raw, default_fs);
  gsize la = strlen (a), lb = strlen (b);
  while (la > 1 && a[la - 1] == '/')
    la--;
  while (lb > 1 && b[lb - 1] == '/')
    lb--;
  return la == lb && strncmp (a, b, la) == 0;
}

void
ms_data_move_clear (MsDataMove *m)
{
  g_clear_pointer (&m->from, g_free);
  g_clear_pointer (&m->to, g_free);
  m->moved = FALSE;
}

void
ms_service_data_move_undo (const MsStorageGuard *g, MsStorage *st, MsDataMove *m,
                           const char *what)
{
  if (m->moved)
    {
      g_autoptr (GError) back = NULL;
      if (!ms_service_data_move (g, st, m->to, m->from, what, &back))
        ms_warn ("failed to restore data from %s to %s after a failed change: %s; manual "
                 "restore is needed", m->to, m->from, back->message);
    }
  ms_data_move_clear (m);
}

char *
ms_service_table_default_location (const MsDatabase *db, const char *name, gboolean external)
{
  const char *base = db->location_uri;
  if (db->managed_location_uri != NULL && *db->managed_location_uri != '\0' && !external)
    base = db->managed_location_uri;
  return ms_storage_join (base, name);
}

/* Where renaming managed table 'oldt' to 'newt' moves its data: its new
 * default place when it sits at its old default place, is reachable and
 * the guard allows both ends; NULL when the data stays. */
static char *
rename_target (MsStore *store, const MsStorageGuard *g, MsStorage *st, const char *default_fs,
               const char *catalog, const MsTable *oldt, const MsTable *newt, GError **error)
{
  const char *old_loc = oldt->sd->location;
  g_autoptr (MsDatabase) olddb = ms_store_database_get (store, catalog, oldt->db_name, error);
  if (olddb == NULL)
    return NULL;
  g_autofree char *default_loc = ms_service_table_default_location (olddb, oldt->name, FALSE);
  if (!ms_service_same_location (default_fs, default_loc, old_loc)
      || !ms_service_data_reachable (st, old_loc))
    return NULL;
  g_autoptr (GError) lookup = NULL;
  g_autoptr (MsDatabase) newdb = ms_store_database_get (store, catalog, newt->db_name, &lookup);
  if (newdb == NULL && !ms_error_not_found (&lookup, error))
    return NULL;
  if (newdb == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "Unable to change partition or table. Database %s does not exist",
                    newt->db_name), NULL;
  char *dest = ms_service_table_default_location (newdb, newt->name, FALSE);
  /* outside the allowed locations the data stays, and so does the
   * location (as for a table on an object store) */
  if (!ms_service_data_may_move (g, old_loc, dest, "table location"))
    g_clear_pointer (&dest, g_free);
  return dest;
}

gboolean
ms_service_table_rename_data (MsStore *store, const MsStorageGuard *g, MsStorage *st,
                              const char *default_fs, const char *catalog, const MsTable *oldt,
                              MsTable *newt, MsDataMove *m, GError **error)
{
  const char *old_loc = oldt->sd ? oldt->sd->location : NULL;
  gboolean keeps_place = newt->sd->location == NULL
                         || ms_service_same_location (default_fs, newt->sd->location, old_loc);
  g_autofree char *dest = NULL;
  if (!ms_table_is_view (oldt) && !ms_table_is_external (oldt) && old_loc != NULL && keeps_place)
    {
      GError *local = NULL;
      dest = rename_target (store, g, st, default_fs, catalog, oldt, newt, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
    }
  if (dest == NULL)
    {
      if (newt->sd->location == NULL && !ms_table_is_view (oldt))
        newt->sd->location = g_strdup (old_loc);
      return TRUE;
    }
  if (!ms_service_data_same_fs (old_loc, dest))
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "table new location %s is on a different file system than the old "
                    "location %s. This operation is not supported", dest, old_loc);
  if (ms_service_data_exists (st, dest))
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "New location for this table %s.%s already exists : %s", newt->db_name,
                    newt->name, dest);
  if (ms_service_data_exists (st, old_loc))
    {
      g_autoptr (GError) merr = NULL;
      if (!ms_service_data_move (g, st, old_loc, dest, "table location", &merr))
        return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                        "Alter Table operation for %s.%s failed to move data due to: '%s'",
                        oldt->db_name, oldt->name, merr->message);
      m->moved = TRUE;
    }
  m->from = g_strdup (old_loc);
  m->to = g_strdup (dest);
  g_free (newt->sd->location);
  newt->sd->location = g_steal_pointer (&dest);
  return TRUE;
}

gboolean
ms_service_partition_rename_data (const MsStorageGuard *g, MsStorage *st, const MsTable *t,
                                  const char *old_loc, const char *new_name, MsPartition *newp,
                                  MsDataMove *m, GError **error)
{
  g_free (newp->sd->location);
  if (ms_table_is_external (t) || t->sd == NULL || t->sd->location == NULL)
    {
      newp->sd->location = g_strdup (old_loc);
      return TRUE;
    }
  g_autofree char *dest = ms_storage_join (t->sd->location, new_name);
  newp->sd->location = g_strdup (dest);
  gboolean move = old_loc && g_strcmp0 (dest, old_loc) != 0
                  && ms_service_data_reachable (st, old_loc) && ms_service_data_same_fs (old_loc, dest)
                  && ms_service_data_exists (st, old_loc);
  if (!move)
    return TRUE;
  /* outside the allowed locations the data and its location stay */
  if (!ms_service_data_may_move (g, old_loc, dest, "partition location"))
    {
      g_free (newp->sd->location);
      newp->sd->location = g_strdup (old_loc);
      return TRUE;
    }
  if (ms_service_data_exists (st, dest))
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "New location for this partition %s already exists", dest);
  g_autoptr (GError) merr = NULL;
  if (!ms_service_data_move (g, st, old_loc, dest, "partition location", &merr))
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "Unable to rename partition data from %s to %s: %s", old_loc, dest,
                    merr->message);
  m->from = g_strdup (old_loc);
  m->to = g_steal_pointer (&dest);
  m->moved = TRUE;
  return TRUE;
}

void
ms_service_partition_exchange_data (const MsStorageGuard *g, MsStorage *st, const MsTable *src,
                                    const MsTable *dst, const char *rel)
{
  if (src->sd == NULL || src->sd->location == NULL || dst->sd == NULL || dst->sd->location == NULL)
    return;
  g_autofree char *from = ms_storage_join (src->sd->location, rel);
  g_autofree char *to = ms_storage_join (dst->sd->location, rel);
  g_autoptr (GError) merr = NULL;
  if (ms_service_data_reachable (st, from) && ms_service_data_same_fs (from, to)
      && ms_service_data_exists (st, from)
      && ms_service_data_may_move (g, from, to, "partition location")
      && !ms_service_data_move (g, st, from, to, "partition location", &merr))
    ms_warn ("exchange_partition: moving %s to %s: %s", from, to, merr->message);
}
