/*
 * stats.c: the HMS column statistics methods: update (table, partition,
 * their Hive 4 _req forms and set_aggr_stats_for with or without merge),
 * get (one column, get_table_statistics_req, get_partitions_statistics_req,
 * get_aggr_stats_for) and delete (table, partition).
 *
 * Behaviour follows Apache Hive 4's HMSHandler and ObjectStore: names and
 * column names and types lower-cased, partition names with lower-cased
 * keys, engine "hive" by default, lastAnalyzed set to the time of the
 * write, the same exception types and messages. Where Hive answers a get
 * of absent statistics with no result at all (which its own client reports
 * as a missing result), we answer NoSuchObjectException, as the IDL
 * documents. Database names may carry "@cat#"; a catName field wins.
 */
#include "hms/internal.h"
#include "core/pattern.h"
#include "core/part_name.h"

typedef ThmsThriftHiveMetastoreIf Iface;

#define META THMS_TYPE_META_EXCEPTION
#define NSO THMS_TYPE_NO_SUCH_OBJECT_EXCEPTION
#define IOB THMS_TYPE_INVALID_OBJECT_EXCEPTION
#define IIN THMS_TYPE_INVALID_INPUT_EXCEPTION

/* ---- names ---- */

static char *
lower (const char *s)
{
  return ms_str_lower (s ? s : "");
}

/* Lower-cased copies of 'in' (char*), for the store. */
static GPtrArray *
lower_all (const GPtrArray *in)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; in != NULL && i < in->len; i++)
    g_ptr_array_add (out, lower (g_ptr_array_index (in, i)));
  return out;
}

/* Partition names with lower-cased keys (lowerCaseConvertPartName). */
static GPtrArray *
lower_part_names (const GPtrArray *in, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; in != NULL && i < in->len; i++)
    {
      const char *raw = g_ptr_array_index (in, i);
      char *n = ms_part_name_lower_keys (raw ? raw : "", error);
      if (n == NULL)
        return NULL;
      g_ptr_array_add (out, n);
    }
  return g_steal_pointer (&out);
}

static char *
qualified (const char *cat, const char *db, const char *table)
{
  return g_strdup_printf ("%s.%s.%s", cat, db, table);
}

/* The table a partition-level call names, as HMSHandler.getTable answers
 * a missing one: InvalidObjectException "<cat>.<db>.<table> table not
 * found". */
static MsTable *
table_for_partitions (MsHms *hms, const char *cat, const char *db, const char *table,
                      GError **error)
{
  g_autoptr (GError) local = NULL;
  MsTable *t = ms_store_table_get (hms->store, cat, db, table, &local);
  if (t != NULL)
    return t;
  if (g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND))
    {
      g_autofree char *q = qualified (cat, db, table);
      ms_fail (error, MS_ERROR_INVALID_OBJECT, "%s table not found", q);
    }
  else
    g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

/* The stored name of the partition 'name' denotes: its values for the
 * table's keys (unescaped), written back as Hive writes partition names. */
static char *
stored_part_name (const MsTable *t, const char *name, GError **error)
{
  if (name == NULL)
    {
      ms_fail (error, MS_ERROR_NOT_ALLOWED, "Partition name is invalid. null");
      return NULL;
    }
  g_autofree char *lowered = ms_part_name_lower_keys (name, error);
  if (lowered == NULL)
    return NULL;
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  for (guint i = 0; i < t->partition_keys->len; i++)
    g_ptr_array_add (keys, ((MsColumn *) g_ptr_array_index (t->partition_keys, i))->name);
  g_autoptr (GPtrArray) vals = ms_part_name_values (lowered, (const char *const *) keys->pdata,
                                                    keys->len, error);
  if (vals == NULL)
    return NULL;
  return ms_part_name_make ((const char *const *) keys->pdata,
                            (const char *const *) vals->pdata, keys->len);
}

/* ---- writes ---- */

/* A request's ColumnStatistics in the model, normalised as Hive's
 * normalizeColStatsInput: names lower-cased, lastAnalyzed now. */
static MsColumnStatistics *
stats_from_request (const ThmsColumnStatistics *in, GError **error)
{
  const ThmsColumnStatisticsDesc *desc = in ? in->statsDesc : NULL;
  if (desc == NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_OBJECT, "Invalid column stats object");
      return NULL;
    }
  g_autoptr (MsColumnStatistics) s = hms_column_statistics_from_thrift (in, error);
  if (s == NULL)
    return NULL;
  if (!hms_resolve_db (desc->dbName, desc->__isset_catName ? desc->catName : NULL, &s->catalog,
                   &s->db_name, error))
    return NULL;
  s->table_name = lower (desc->tableName);
  s->is_tbl_level = desc->isTblLevel;
  s->part_name = desc->__isset_partName && desc->partName ? g_strdup (desc->partName) : NULL;
  s->last_analyzed = g_get_real_time () / G_USEC_PER_SEC;
  return g_steal_pointer (&s);
}

static gboolean
update_table (MsHms *hms, const ThmsColumnStatistics *in, GError **error)
{
  g_autoptr (MsColumnStatistics) s = stats_from_request (in, error);
  if (s == NULL)
    return FALSE;
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_add (all, s);
  return ms_store_stats_write (hms->store, s->catalog, s->db_name, s->table_name, TRUE, all, FALSE,
                               NULL, error);
}

static gboolean
update_partition (MsHms *hms, const ThmsColumnStatistics *in, GError **error)
{
  g_autoptr (MsColumnStatistics) s = stats_from_request (in, error);
  if (s == NULL)
    return FALSE;
  /* Hive checks the name's form before it looks for the table */
  g_autofree char *form = s->part_name ? ms_part_name_lower_keys (s->part_name, error) : NULL;
  if (s->part_name != NULL && form == NULL)
    return FALSE;
  g_autoptr (MsTable) t = table_for_partitions (hms, s->catalog, s->db_name, s->table_name, error);
  if (t == NULL)
    return FALSE;
  char *stored = stored_part_name (t, s->part_name, error);
  if (stored == NULL)
    return FALSE;
  g_free (s->part_name);
  s->part_name = stored;
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_add (all, s);
  return ms_store_stats_write (hms->store, s->catalog, s->db_name, s->table_name, FALSE, all, FALSE,
                               NULL, error);
}

#define UPDATE_RAISE(err) \
  hms_raise (err, error, NSO, o1, IOB, o2, IIN, o4, META, o3, G_TYPE_INVALID)

static gboolean
h_update_table (Iface *iface, gboolean *_return, const ThmsColumnStatistics *stats_obj,
                ThmsNoSuchObjectException **o1, ThmsInvalidObjectException **o2,
                ThmsMetaException **o3, ThmsInvalidInputException **o4, GError **error)
{
  GError *err = NULL;
  if (!update_table (HMS (iface), stats_obj, &err))
    return UPDATE_RAISE (err);
  *_return = TRUE;
  return TRUE;
}

static gboolean
h_update_partition (Iface *iface, gboolean *_return, const ThmsColumnStatistics *stats_obj,
                    ThmsNoSuchObjectException **o1, ThmsInvalidObjectException **o2,
                    ThmsMetaException **o3, ThmsInvalidInputException **o4, GError **error)
{
  GError *err = NULL;
  if (!update_partition (HMS (iface), stats_obj, &err))
    return UPDATE_RAISE (err);
  *_return = TRUE;
  return TRUE;
}

/* The Hive 4 _req forms take exactly one ColumnStatistics and no merge. */
static const ThmsColumnStatistics *
single_stats (const ThmsSetPartitionsStatsRequest *req, GError **error)
{
  if (req->colStats == NULL || req->colStats->len != 1)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "Only one stats object expected");
      return NULL;
    }
  if (req->__isset_needMerge && req->needMerge)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "Merge is not supported for non-aggregate stats");
      return NULL;
    }
  return g_ptr_array_index (req->colStats, 0);
}

static gboolean
h_update_table_req (Iface *iface, ThmsSetPartitionsStatsResponse **_return,
                    const ThmsSetPartitionsStatsRequest *req, ThmsNoSuchObjectException **o1,
                    ThmsInvalidObjectException **o2, ThmsMetaException **o3,
                    ThmsInvalidInputException **o4, GError **error)
{
  GError *err = NULL;
  const ThmsColumnStatistics *cs = single_stats (req, &err);
  if (cs == NULL || !update_table (HMS (iface), cs, &err))
    return UPDATE_RAISE (err);
  (*_return)->result = TRUE;
  return TRUE;
}

static gboolean
h_update_partition_req (Iface *iface, ThmsSetPartitionsStatsResponse **_return,
                        const ThmsSetPartitionsStatsRequest *req, ThmsNoSuchObjectException **o1,
                        ThmsInvalidObjectException **o2, ThmsMetaException **o3,
                        ThmsInvalidInputException **o4, GError **error)
{
  GError *err = NULL;
  const ThmsColumnStatistics *cs = single_stats (req, &err);
  if (cs == NULL || !update_partition (HMS (iface), cs, &err))
    return UPDATE_RAISE (err);
  (*_return)->result = TRUE;
  return TRUE;
}

/* Merge 'older' into 'newer' as Hive's MetaStoreServerUtils.mergeColStats:
 * each column of 'newer' merged with the same column of 'older'; columns
 * only in 'older' are dropped. */
static void
merge_entries (MsColumnStatistics *newer, const MsColumnStatistics *older)
{
  for (guint i = 0; i < newer->cols->len; i++)
    {
      MsColStats *n = g_ptr_array_index (newer->cols, i);
      for (guint j = 0; j < older->cols->len; j++)
        {
          const MsColStats *o = g_ptr_array_index (older->cols, j);
          if (g_str_equal (n->name, o->name))
            ms_stats_merge (&n->data, &o->data);
        }
    }
}

/* set_aggr_stats_for: the first entry decides table or partition level;
 * table level takes exactly one entry; partition entries naming one
 * partition twice are merged first, the later with the earlier. */
static gboolean
set_aggr_stats (MsHms *hms, const ThmsSetPartitionsStatsRequest *req, GError **error)
{
  if (req->colStats == NULL || req->colStats->len == 0)
    return TRUE;
  const ThmsColumnStatistics *first = g_ptr_array_index (req->colStats, 0);
  gboolean merge = req->__isset_needMerge && req->needMerge;
  const char *engine = req->engine && *req->engine ? req->engine : MS_STATS_ENGINE_DEFAULT;
  g_autoptr (MsColumnStatistics) head = stats_from_request (first, error);
  if (head == NULL)
    return FALSE;
  if (head->is_tbl_level)
    {
      if (req->colStats->len != 1)
        return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                        "Expecting only 1 ColumnStatistics for table's column stats, but find %u",
                        req->colStats->len);
      g_autoptr (GPtrArray) all = g_ptr_array_new ();
      g_ptr_array_add (all, head);
      return ms_store_stats_write (hms->store, head->catalog, head->db_name, head->table_name, TRUE,
                                   all, merge, engine, error);
    }

  g_autoptr (MsTable) t = NULL;
  if (merge)
    {
      /* Hive reads the stored statistics first: a missing table is
       * NoSuchObjectException there, InvalidObjectException otherwise */
      g_autoptr (GError) local = NULL;
      t = ms_store_table_get (hms->store, head->catalog, head->db_name, head->table_name, &local);
      if (t == NULL)
        {
          if (!g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          g_autofree char *q = qualified (head->catalog, head->db_name, head->table_name);
          return ms_fail (error, MS_ERROR_NOT_FOUND,
                          "Specified catalog.database.table does not exist : %s", q);
        }
    }
  else if ((t = table_for_partitions (hms, head->catalog, head->db_name, head->table_name, error))
           == NULL)
    return FALSE;

  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_column_statistics_free);
  for (guint i = 0; i < req->colStats->len; i++)
    {
      MsColumnStatistics *s = i == 0 ? g_steal_pointer (&head)
                                     : stats_from_request (g_ptr_array_index (req->colStats, i), error);
      if (s == NULL)
        return FALSE;
      char *stored = stored_part_name (t, s->part_name, error);
      if (stored == NULL)
        {
          ms_column_statistics_free (s);
          return FALSE;
        }
      g_free (s->part_name);
      s->part_name = stored;
      /* every entry is written to the first one's table */
      g_free (s->catalog);
      g_free (s->db_name);
      g_free (s->table_name);
      s->catalog = g_strdup (t->catalog);
      s->db_name = g_strdup (t->db_name);
      s->table_name = g_strdup (t->name);
      gboolean combined = FALSE;
      for (guint j = 0; j < entries->len && !combined; j++)
        {
          MsColumnStatistics *e = g_ptr_array_index (entries, j);
          if (g_str_equal (e->part_name, s->part_name))
            {
              merge_entries (s, e);
              g_ptr_array_index (entries, j) = s;
              ms_column_statistics_free (e);
              combined = TRUE;
            }
        }
      if (!combined)
        g_ptr_array_add (entries, s);
    }
  return ms_store_stats_write (hms->store, t->catalog, t->db_name, t->name, FALSE, entries, merge,
                               engine, error);
}

static gboolean
h_set_aggr_stats_for (Iface *iface, gboolean *_return, const ThmsSetPartitionsStatsRequest *request,
                      ThmsNoSuchObjectException **o1, ThmsInvalidObjectException **o2,
                      ThmsMetaException **o3, ThmsInvalidInputException **o4, GError **error)
{
  GError *err = NULL;
  if (!set_aggr_stats (HMS (iface), request, &err))
    return UPDATE_RAISE (err);
  *_return = TRUE;
  return TRUE;
}

/* ---- reads ---- */

static gboolean
h_get_table_column_statistics (Iface *iface, ThmsColumnStatistics **_return, const gchar *db_name,
                               const gchar *tbl_name, const gchar *col_name,
                               ThmsNoSuchObjectException **o1, ThmsMetaException **o2,
                               ThmsInvalidInputException **o3, ThmsInvalidObjectException **o4,
                               GError **error)
{
  GError *err = NULL;
  g_autofree char *cat = NULL, *db = NULL;
  g_autofree char *table = lower (tbl_name), *col = lower (col_name);
  g_autoptr (MsColumnStatistics) st = NULL;
  if (hms_resolve_db (db_name, NULL, &cat, &db, &err))
    st = ms_store_stats_get_table (HMS (iface)->store, cat, db, table, MS_STATS_ENGINE_DEFAULT,
                                   (const char *const *) &col, 1, &err);
  if (st != NULL && st->cols->len == 0)
    {
      g_autofree char *q = qualified (cat, db, table);
      ms_fail (&err, MS_ERROR_NOT_FOUND, "Column stats doesn't exist for table=%s col=%s", q, col);
    }
  if (err != NULL)
    return hms_raise (err, error, NSO, o1, IIN, o3, IOB, o4, META, o2, G_TYPE_INVALID);
  hms_column_statistics_to_thrift (st, *_return);
  return TRUE;
}

static gboolean
h_get_partition_column_statistics (Iface *iface, ThmsColumnStatistics **_return,
                                   const gchar *db_name, const gchar *tbl_name,
                                   const gchar *part_name, const gchar *col_name,
                                   ThmsNoSuchObjectException **o1, ThmsMetaException **o2,
                                   ThmsInvalidInputException **o3,
                                   ThmsInvalidObjectException **o4, GError **error)
{
  GError *err = NULL;
  g_autofree char *cat = NULL, *db = NULL, *part = NULL;
  g_autofree char *table = lower (tbl_name), *col = lower (col_name);
  g_autoptr (GPtrArray) found = NULL;
  if (hms_resolve_db (db_name, NULL, &cat, &db, &err)
      && (part_name == NULL || (part = ms_part_name_lower_keys (part_name, &err)) != NULL))
    found = ms_store_stats_get_partitions (HMS (iface)->store, cat, db, table,
                                           MS_STATS_ENGINE_DEFAULT, (const char *const *) &part,
                                           part ? 1 : 0, (const char *const *) &col, 1, &err);
  if (found != NULL && found->len == 0)
    {
      g_autofree char *q = qualified (cat, db, table);
      ms_fail (&err, MS_ERROR_NOT_FOUND, "Column stats doesn't exist for table=%s partition=%s col=%s",
               q, part ? part : "null", col);
    }
  if (err != NULL)
    return hms_raise (err, error, NSO, o1, IIN, o3, IOB, o4, META, o2, G_TYPE_INVALID);
  hms_column_statistics_to_thrift (g_ptr_array_index (found, 0), *_return);
  return TRUE;
}

static gboolean
h_get_table_statistics_req (Iface *iface, ThmsTableStatsResult **_return,
                            const ThmsTableStatsRequest *req, ThmsNoSuchObjectException **o1,
                            ThmsMetaException **o2, GError **error)
{
  GError *err = NULL;
  g_autofree char *cat = NULL, *db = NULL;
  g_autofree char *table = lower (req->tblName);
  g_autoptr (GPtrArray) cols = lower_all (req->colNames);
  const char *engine = req->engine && *req->engine ? req->engine : MS_STATS_ENGINE_DEFAULT;
  g_autoptr (MsColumnStatistics) st = NULL;
  if (hms_resolve_db (req->dbName, req->__isset_catName ? req->catName : NULL, &cat, &db, &err))
    st = ms_store_stats_get_table (HMS (iface)->store, cat, db, table, engine,
                                   (const char *const *) cols->pdata, cols->len, &err);
  if (st == NULL)
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  for (guint i = 0; i < st->cols->len; i++)
    g_ptr_array_add ((*_return)->tableStats, hms_col_stats_to_thrift (g_ptr_array_index (st->cols, i)));
  return TRUE;
}

/* The partition statistics a PartitionsStatsRequest names (NULL on error);
 * 'part_names' receives the lower-cased partition names. */
static GPtrArray *
partition_stats (MsHms *hms, const ThmsPartitionsStatsRequest *req, char **cat, char **db,
                 GPtrArray **part_names, GPtrArray **col_names, GError **error)
{
  if (!hms_resolve_db (req->dbName, req->__isset_catName ? req->catName : NULL, cat, db, error))
    return NULL;
  *col_names = lower_all (req->colNames);
  *part_names = lower_part_names (req->partNames, error);
  if (*part_names == NULL)
    return NULL;
  g_autofree char *table = lower (req->tblName);
  const char *engine = req->engine && *req->engine ? req->engine : MS_STATS_ENGINE_DEFAULT;
  return ms_store_stats_get_partitions (hms->store, *cat, *db, table, engine,
                                        (const char *const *) (*part_names)->pdata,
                                        (*part_names)->len,
                                        (const char *const *) (*col_names)->pdata,
                                        (*col_names)->len, error);
}

static gboolean
h_get_partitions_statistics_req (Iface *iface, ThmsPartitionsStatsResult **_return,
                                 const ThmsPartitionsStatsRequest *req,
                                 ThmsNoSuchObjectException **o1, ThmsMetaException **o2,
                                 GError **error)
{
  GError *err = NULL;
  /* Hive answers an empty request before looking at the table */
  if (req->colNames == NULL || req->colNames->len == 0 || req->partNames == NULL
      || req->partNames->len == 0)
    return TRUE;
  g_autofree char *cat = NULL, *db = NULL;
  g_autoptr (GPtrArray) parts = NULL, cols = NULL;
  g_autoptr (GPtrArray) found = partition_stats (HMS (iface), req, &cat, &db, &parts, &cols, &err);
  if (found == NULL)
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  for (guint i = 0; i < found->len; i++)
    {
      const MsColumnStatistics *st = g_ptr_array_index (found, i);
      GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint k = 0; k < st->cols->len; k++)
        g_ptr_array_add (list, hms_col_stats_to_thrift (g_ptr_array_index (st->cols, k)));
      g_hash_table_insert ((*_return)->partStats, g_strdup (st->part_name), list);
    }
  return TRUE;
}

static gboolean
h_get_aggr_stats_for (Iface *iface, ThmsAggrStats **_return, const ThmsPartitionsStatsRequest *req,
                      ThmsNoSuchObjectException **o1, ThmsMetaException **o2, GError **error)
{
  GError *err = NULL;
  g_autofree char *cat = NULL, *db = NULL;
  g_autoptr (GPtrArray) parts = NULL, cols = NULL;
  g_autoptr (GPtrArray) found = partition_stats (HMS (iface), req, &cat, &db, &parts, &cols, &err);
  if (found == NULL)
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  gint64 parts_found = 0;
  g_autoptr (GPtrArray) aggr = ms_stats_aggregate (found, (const char *const *) parts->pdata,
                                                   parts->len, (const char *const *) cols->pdata,
                                                   cols->len, &parts_found);
  for (guint i = 0; i < aggr->len; i++)
    g_ptr_array_add ((*_return)->colStats, hms_col_stats_to_thrift (g_ptr_array_index (aggr, i)));
  (*_return)->partsFound = parts_found;
  return TRUE;
}

/* ---- deletes ---- */

#define DELETE_RAISE(err) \
  hms_raise (err, error, NSO, o1, IOB, o3, IIN, o4, META, o2, G_TYPE_INVALID)

/* NULL or "": every engine (Hive 2 and 3 clients send none). */
static const char *
engine_or_any (const char *engine)
{
  return engine && *engine ? engine : NULL;
}

static gboolean
h_delete_table_column_statistics (Iface *iface, gboolean *_return, const gchar *db_name,
                                  const gchar *tbl_name, const gchar *col_name,
                                  const gchar *engine, ThmsNoSuchObjectException **o1,
                                  ThmsMetaException **o2, ThmsInvalidObjectException **o3,
                                  ThmsInvalidInputException **o4, GError **error)
{
  GError *err = NULL;
  g_autofree char *cat = NULL, *db = NULL;
  if (tbl_name == NULL)
    return DELETE_RAISE (g_error_new_literal (MS_ERROR, MS_ERROR_INVALID_INPUT, "Table name is null."));
  g_autofree char *table = lower (tbl_name);
  g_autofree char *col = col_name ? lower (col_name) : NULL;
  if (!hms_resolve_db (db_name, NULL, &cat, &db, &err)
      || !ms_store_stats_delete_table (HMS (iface)->store, cat, db, table, col,
                                       engine_or_any (engine), &err))
    return DELETE_RAISE (err);
  *_return = TRUE;
  return TRUE;
}

static gboolean
h_delete_partition_column_statistics (Iface *iface, gboolean *_return, const gchar *db_name,
                                      const gchar *tbl_name, const gchar *part_name,
                                      const gchar *col_name, const gchar *engine,
                                      ThmsNoSuchObjectException **o1, ThmsMetaException **o2,
                                      ThmsInvalidObjectException **o3,
                                      ThmsInvalidInputException **o4, GError **error)
{
  GError *err = NULL;
  g_autofree char *cat = NULL, *db = NULL;
  if (tbl_name == NULL)
    return DELETE_RAISE (g_error_new_literal (MS_ERROR, MS_ERROR_INVALID_INPUT, "Table name is null."));
  g_autofree char *table = lower (tbl_name);
  g_autofree char *col = col_name ? lower (col_name) : NULL;
  if (!hms_resolve_db (db_name, NULL, &cat, &db, &err))
    return DELETE_RAISE (err);
  g_autoptr (MsTable) t = table_for_partitions (HMS (iface), cat, db, table, &err);
  g_autofree char *stored = t ? stored_part_name (t, part_name, &err) : NULL;
  if (stored == NULL
      || !ms_store_stats_delete_partition (HMS (iface)->store, cat, db, table, stored, col,
                                           engine_or_any (engine), &err))
    return DELETE_RAISE (err);
  *_return = TRUE;
  return TRUE;
}

void
hms_stats_install (ThmsThriftHiveMetastoreHandlerClass *k)
{
  k->update_table_column_statistics = h_update_table;
  k->update_partition_column_statistics = h_update_partition;
  k->update_table_column_statistics_req = h_update_table_req;
  k->update_partition_column_statistics_req = h_update_partition_req;
  k->get_table_column_statistics = h_get_table_column_statistics;
  k->get_partition_column_statistics = h_get_partition_column_statistics;
  k->get_table_statistics_req = h_get_table_statistics_req;
  k->get_partitions_statistics_req = h_get_partitions_statistics_req;
  k->get_aggr_stats_for = h_get_aggr_stats_for;
  k->set_aggr_stats_for = h_set_aggr_stats_for;
  k->delete_table_column_statistics = h_delete_table_column_statistics;
  k->delete_partition_column_statistics = h_delete_partition_column_statistics;
}
