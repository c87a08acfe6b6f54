/*
 * table_alter.c: the rules of altering a table, whichever door asks
 * (Apache Hive's HiveAlterHandler.alterTable): what may change (not the
 * partition keys; column types only to types the old ones convert to),
 * a rename's target must be free, what the altered table keeps from the
 * old one, the data move of a rename, quick stats, and the change itself
 * in one store transaction (the move undone when it fails). The doors
 * translate their request into an MsTable and MsTableAlterRequest.
 */
#include "service/table.h"
#include "service/data.h"
#include "core/error.h"
#include "core/hive_types.h"
#include "core/log.h"

#define DDL_TIME "transient_lastDdlTime"

void
ms_service_put_quick_stats (const MsStorageGuard *g, MsStorage *st, const char *location,
                            GHashTable *params)
{
  gint64 files = 0, bytes = 0;
  if (location == NULL || !ms_service_data_stats (g, st, location, &files, &bytes))
    return;
  ms_service_set_quick_stats (params, files, bytes);
}

void
ms_service_set_quick_stats (GHashTable *params, gint64 files, gint64 bytes)
{
  g_hash_table_insert (params, g_strdup ("numFiles"), g_strdup_printf ("%" G_GINT64_FORMAT, files));
  g_hash_table_insert (params, g_strdup ("totalSize"), g_strdup_printf ("%" G_GINT64_FORMAT, bytes));
}

static gboolean
same_partition_keys (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const MsColumn *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);
      if (g_strcmp0 (x->name, y->name) != 0 || g_ascii_strcasecmp (x->type ? x->type : "",
                                                                   y->type ? y->type : "") != 0)
        return FALSE;
    }
  return TRUE;
}

gboolean
ms_service_table_alter_allowed (const MsTable *oldt, const MsTable *newt, GError **error)
{
  if (ms_table_is_view (oldt))
    return TRUE;
  if (!same_partition_keys (oldt->partition_keys, newt->partition_keys))
    return ms_fail (error, MS_ERROR_INVALID_OPERATION, "partition keys can not be changed.");
  GPtrArray *oc = oldt->sd ? oldt->sd->cols : NULL;
  GPtrArray *nc = newt->sd ? newt->sd->cols : NULL;
  g_autoptr (GString) bad = g_string_new (NULL);
  for (guint i = 0; oc != NULL && nc != NULL && i < MIN (oc->len, nc->len); i++)
    {
      const MsColumn *o = g_ptr_array_index (oc, i), *n = g_ptr_array_index (nc, i);
      if (!ms_hive_type_convertible (o->type, n->type))
        g_string_append_printf (bad, "%s%s", bad->len ? "," : "", n->name);
    }
  if (bad->len)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "The following columns have types incompatible with the existing columns "
                    "in their respective positions :\n%s", bad->str);
  return TRUE;
}

gboolean
ms_service_table_alter_renames (const MsTable *oldt, const MsTable *newt)
{
  return !g_str_equal (newt->name, oldt->name) || !g_str_equal (newt->db_name, oldt->db_name);
}

void
ms_service_table_alter_keep (const MsTable *oldt, MsTable *newt, gint64 now)
{
  newt->create_time = oldt->create_time;
  if (newt->table_type == NULL)
    newt->table_type = g_strdup (oldt->table_type);
  if (g_hash_table_lookup (newt->params, DDL_TIME) == NULL)
    g_hash_table_insert (newt->params, g_strdup (DDL_TIME),
                         g_strdup_printf ("%" G_GINT64_FORMAT, now));
  if (!ms_service_table_alter_renames (oldt, newt) && newt->sd != NULL
      && newt->sd->location == NULL && !ms_table_is_view (oldt))
    newt->sd->location = g_strdup (oldt->sd ? oldt->sd->location : NULL);
}

/* The stored table catalog.db.name; a missing one is an invalid operation
 * (Hive: "table db.name doesn't exist"). */
static MsTable *
alter_source (MsStore *store, const char *catalog, const char *db, const char *name,
              GError **error)
{
  g_autoptr (GError) missing = NULL;
  MsTable *oldt = ms_store_table_get (store, catalog, db, name, &missing);
  if (oldt != NULL)
    return oldt;
  if (g_error_matches (missing, MS_ERROR, MS_ERROR_NOT_FOUND))
    ms_fail (error, MS_ERROR_INVALID_OPERATION, "table %s.%s doesn't exist", db, name);
  else
    g_propagate_error (error, g_steal_pointer (&missing));
  return NULL;
}

gboolean
ms_service_table_alter (const MsServiceCtx *cx, const char *catalog, const char *db,
                        const char *name, MsTable *newt, const MsTableAlterRequest *req,
                        GError **error)
{
  g_autoptr (MsTable) oldt = alter_source (cx->store, catalog, db, name, error);
  if (oldt == NULL)
    return FALSE;
  gboolean rename = ms_service_table_alter_renames (oldt, newt);
  if (rename)
    {
      g_autoptr (GError) lookup = NULL;
      g_autoptr (MsTable) clash = ms_store_table_get (cx->store, catalog, newt->db_name, newt->name,
                                                      &lookup);
      if (clash == NULL && !ms_error_not_found (&lookup, error))
        return FALSE;
      if (clash != NULL)
        return ms_fail (error, MS_ERROR_INVALID_OPERATION, "new table %s.%s already exists",
                        newt->db_name, newt->name);
    }
  if (!ms_service_table_alter_allowed (oldt, newt, error))
    return FALSE;
  ms_service_table_alter_keep (oldt, newt, g_get_real_time () / G_USEC_PER_SEC);

  /* a rename moves a managed table's data when it sat at its default place */
  g_auto (MsDataMove) mv = { 0 };
  if (rename && !ms_service_table_rename_data (cx->store, cx->guard, cx->storage, cx->default_fs,
                                               catalog, oldt, newt, &mv, error))
    return FALSE;
  if (!mv.moved && req->update_stats && !ms_table_is_view (newt)
      && newt->partition_keys->len == 0 && newt->sd->location != NULL)
    ms_service_put_quick_stats (cx->guard, cx->storage, newt->sd->location, newt->params);

  MsTableAlterOpts opts = {
    .expected_key = req->expected_key,
    .expected_value = req->expected_value,
    .cascade = req->cascade,
    .old_location = mv.from,
    .new_location = mv.to,
  };
  if (!ms_store_table_alter (cx->store, catalog, db, name, newt, &opts, error))
    {
      ms_service_data_move_undo (cx->guard, cx->storage, &mv, "table location");
      return FALSE;
    }
  if (rename)
    ms_info ("renamed table %s.%s.%s to %s.%s%s%s", catalog, db, name, newt->db_name, newt->name,
             mv.moved ? ", data moved to " : "", mv.moved ? mv.to : "");
  return TRUE;
}
