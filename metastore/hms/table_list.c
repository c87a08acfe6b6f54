/*
 * table_list.c: the table listings Hive 4 clients add to the classic
 * ones (table.c): get_tables_ext (names with access information) and the
 * materialized views HiveServer2 asks for when it builds its rewriting
 * registry at start (get_all_materialized_view_objects_for_rewriting,
 * get_materialized_views_for_rewriting).
 *
 * A materialized view serves rewriting when its table type is
 * MATERIALIZED_VIEW and its rewriteEnabled flag is set, as Hive's
 * ObjectStore selects them. Views are rare, so the names come from one
 * query and each view is read whole afterwards.
 */
#include "hms/internal.h"
#include "hms_method_table.h"
#include "core/pattern.h"

#define MATERIALIZED_VIEW "MATERIALIZED_VIEW"

/* Hive's ACCESSTYPE_* constants (hive_metastore.thrift) */
#define ACCESSTYPE_READONLY 2
#define ACCESSTYPE_READWRITE 8
/* GetTablesExtRequestFields.ACCESS_TYPE */
#define EXT_FIELD_ACCESS_TYPE 1

/* The materialized views of catalog 'cat', database 'db' that serve
 * rewriting (MsTable*, sorted by name); empty when the database does not
 * exist, as Hive's query finds none. */
static GPtrArray *
rewriting_views (MsHms *hms, const char *cat, const char *db, GError **error)
{
  GError *local = NULL;
  g_autoptr (GPtrArray) names = ms_store_table_names (hms->store, cat, db, NULL, MATERIALIZED_VIEW,
                                                      &local);
  if (names == NULL && g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND))
    {
      g_error_free (local);
      names = g_ptr_array_new_with_free_func (g_free);
    }
  else if (names == NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  GPtrArray *views = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_table_free);
  if (names->len == 0)
    return views;
  g_autoptr (GPtrArray) tables = ms_store_table_get_many (
      hms->store, cat, db, (const char *const *) names->pdata, names->len, NULL, error);
  if (tables == NULL)
    {
      g_ptr_array_unref (views);
      return NULL;
    }
  for (guint i = 0; i < tables->len; i++)
    if (((MsTable *) g_ptr_array_index (tables, i))->rewrite_enabled)
      g_ptr_array_add (views, g_steal_pointer (&tables->pdata[i]));
  return views;
}

/* get_materialized_views_for_rewriting: the names in one database */
gboolean
hms_table_views_for_rewriting (HmsCall *call, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (hms_arg_str (call, "db_name"), NULL, &cat, &db, error))
    return FALSE;
  g_autoptr (GPtrArray) views = rewriting_views (call->hms, cat, db, error);
  if (views == NULL)
    return FALSE;
  GPtrArray *out = hms_result_obj (call);
  for (guint i = 0; i < views->len; i++)
    g_ptr_array_add (out, g_strdup (((MsTable *) g_ptr_array_index (views, i))->name));
  return TRUE;
}

/* get_all_materialized_view_objects_for_rewriting: the whole views of
 * every database of the default catalog */
gboolean
hms_table_view_objects_for_rewriting (HmsCall *call, GError **error)
{
  g_autofree char *cat = NULL, *any = NULL;
  if (!hms_parse_db_name ("*", &cat, &any, error))
    return FALSE;
  static const char *const types[] = { MATERIALIZED_VIEW };
  g_autoptr (GPtrArray) metas = ms_store_table_meta (call->hms->store, cat, NULL, NULL, types, 1,
                                                     error);
  if (metas == NULL)
    return FALSE;
  GPtrArray *out = hms_result_obj (call);
  const char *done = NULL;   /* metas come grouped by database: read each database once */
  for (guint i = 0; i < metas->len; i++)
    {
      const MsTableMeta *m = g_ptr_array_index (metas, i);
      if (done != NULL && g_strcmp0 (done, m->db_name) == 0)
        continue;
      done = m->db_name;
      g_autoptr (GPtrArray) views = rewriting_views (call->hms, cat, m->db_name, error);
      if (views == NULL)
        return FALSE;
      for (guint v = 0; v < views->len; v++)
        {
          ThmsTable *t = g_object_new (THMS_TYPE_TABLE, NULL);
          hms_table_to_thrift (g_ptr_array_index (views, v), t);
          g_ptr_array_add (out, t);
        }
    }
  return TRUE;
}

/* Adds to 'set' the names of the tables of 'type' in 'db' matching 'regex'. */
static gboolean
names_of_type (MsHms *hms, const char *cat, const char *db, const char *regex, const char *type,
               GHashTable *set, GError **error)
{
  g_autoptr (GPtrArray) names = ms_store_table_names (hms->store, cat, db, regex, type, error);
  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    g_hash_table_add (set, g_steal_pointer (&names->pdata[i]));
  return TRUE;
}

/* get_tables_ext: the tables of a database whose names match a pattern,
 * at most 'limit' of them (unset or <= 0: all). This server restricts no
 * access and requires no processor capabilities: views are read only,
 * everything else read-write, and no capability lists are sent. */
gboolean
hms_table_list_ext (HmsCall *call, GError **error)
{
  ThmsGetTablesExtRequest *req = hms_arg_obj (call, "req");
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (req->database, req->catalog && *req->catalog ? req->catalog : NULL, &cat,
                       &db, error))
    return FALSE;
  if (ms_pattern_matches_nothing (req->tableNamePattern))
    return TRUE;
  g_autofree char *regex = ms_pattern_to_regex (req->tableNamePattern);
  g_autoptr (GPtrArray) names = ms_store_table_names (call->hms->store, cat, db, regex, NULL, error);
  if (names == NULL)
    return FALSE;
  gboolean access = (req->requestedFields & EXT_FIELD_ACCESS_TYPE) != 0;
  g_autoptr (GHashTable) views = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (access && (!names_of_type (call->hms, cat, db, regex, "VIRTUAL_VIEW", views, error)
                 || !names_of_type (call->hms, cat, db, regex, MATERIALIZED_VIEW, views, error)))
    return FALSE;
  GPtrArray *out = hms_result_obj (call);
  guint limit = req->__isset_limit && req->limit > 0 ? (guint) req->limit : G_MAXUINT;
  for (guint i = 0; i < names->len && out->len < limit; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      ThmsExtendedTableInfo *e = g_object_new (THMS_TYPE_EXTENDED_TABLE_INFO, NULL);
      hms_set_string (&e->tblName, name);
      if (access)
        {
          e->accessType = g_hash_table_contains (views, name) ? ACCESSTYPE_READONLY
                                                              : ACCESSTYPE_READWRITE;
          e->__isset_accessType = TRUE;
        }
      g_ptr_array_add (out, e);
    }
  return TRUE;
}
