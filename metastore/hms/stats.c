/*
 * stats.c: the HMS column statistics methods, served through the method
 * table (hms/methods.list): update (table, partition, their Hive 4 _req
 * forms and set_aggr_stats_for with or without merge), get (one column,
 * get_table_statistics_req, get_partitions_statistics_req,
 * get_aggr_stats_for) and delete (table, partition, Hive 4.1's
 * delete_column_statistics_req).
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
#include "hms_method_table.h"
#include "core/pattern.h"
#include "core/part_name.h"

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

/* A request's engine: "hive" when it names none. */
static const char *
engine_or_default (const char *engine)
{
  return engine && *engine ? engine : MS_STATS_ENGINE_DEFAULT;
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

/* Replace the partition name of 's' by its stored form for 't'. */
static gboolean
store_part_name (const MsTable *t, MsColumnStatistics *s, GError **error)
{
  char *stored = stored_part_name (t, s->part_name, error);
  if (stored == NULL)
    return FALSE;
  g_free (s->part_name);
  s->part_name = stored;
  return TRUE;
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
  if (!hms_resolve_db (desc->dbName, HMS_OPT (desc, catName), &s->catalog,
                   &s->db_name, error))
    return NULL;
  s->table_name = lower (desc->tableName);
  s->is_tbl_level = desc->isTblLevel;
  s->part_name = desc->__isset_partName && desc->partName ? g_strdup (desc->partName) : NULL;
  s->last_analyzed = g_get_real_time () / G_USEC_PER_SEC;
  return g_steal_pointer (&s);
}

/* Write the one statistics entry 's' (its own table) without merging. */
static gboolean
write_one (MsHms *hms, MsColumnStatistics *s, gboolean table_level, GError **error)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_add (all, s);
  return ms_store_stats_write (hms->store, s->catalog, s->db_name, s->table_name, table_level, all,
                               FALSE, NULL, error);
}

static gboolean
update_table (MsHms *hms, const ThmsColumnStatistics *in, GError **error)
{
  g_autoptr (MsColumnStatistics) s = stats_from_request (in, error);
  return s != NULL && write_one (hms, s, TRUE, error);
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
  return t != NULL && store_part_name (t, s, error) && write_one (hms, s, FALSE, error);
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

typedef gboolean (*UpdateFn) (MsHms *hms, const ThmsColumnStatistics *in, GError **error);

/* Serve an update of one ColumnStatistics: 'stats_obj', or the single one
 * of a _req form's 'req'; the answer is TRUE, as a bool or in a
 * SetPartitionsStatsResponse. */
static gboolean
serve_update (HmsCall *call, UpdateFn update, GError **error)
{
  const ThmsSetPartitionsStatsRequest *req = hms_arg_obj (call, "req");
  const ThmsColumnStatistics *cs = hms_arg_obj (call, "stats_obj");
  if (req != NULL && (cs = single_stats (req, error)) == NULL)
    return FALSE;
  if (!update (call->hms, cs, error))
    return FALSE;
  if (req != NULL)
    ((ThmsSetPartitionsStatsResponse *) hms_result_obj (call))->result = TRUE;
  else
    hms_result_set_bool (call, TRUE);
  return TRUE;
}

/* update_table_column_statistics, update_table_column_statistics_req */
gboolean
hms_stats_update_table (HmsCall *call, GError **error)
{
  return serve_update (call, update_table, error);
}

/* update_partition_column_statistics, update_partition_column_statistics_req */
gboolean
hms_stats_update_partition (HmsCall *call, GError **error)
{
  return serve_update (call, update_partition, error);
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

/* Add 's' (consumed) to 'entries': an entry already naming its partition
 * is merged into it, the later with the earlier, and replaced by it. */
static void
add_entry (GPtrArray *entries, MsColumnStatistics *s)
{
  for (guint j = 0; j < entries->len; j++)
    {
      MsColumnStatistics *e = g_ptr_array_index (entries, j);
      if (g_str_equal (e->part_name, s->part_name))
        {
          merge_entries (s, e);
          g_ptr_array_index (entries, j) = s;
          ms_column_statistics_free (e);
          return;
        }
    }
  g_ptr_array_add (entries, s);
}

/* The table set_aggr_stats_for writes partition statistics to. With merge
 * Hive reads the stored statistics first: a missing table is
 * NoSuchObjectException there, InvalidObjectException otherwise. */
static MsTable *
table_for_aggr (MsHms *hms, const MsColumnStatistics *head, gboolean merge, GError **error)
{
  if (!merge)
    return table_for_partitions (hms, head->catalog, head->db_name, head->table_name, error);
  g_autoptr (GError) local = NULL;
  MsTable *t = ms_store_table_get (hms->store, head->catalog, head->db_name, head->table_name,
                                   &local);
  if (t != NULL)
    return t;
  if (!g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  g_autofree char *q = qualified (head->catalog, head->db_name, head->table_name);
  ms_fail (error, MS_ERROR_NOT_FOUND, "Specified catalog.database.table does not exist : %s", q);
  return NULL;
}

/* Point 's' at the table 't' (every entry is written to the first one's
 * table) and at its stored partition name. */
static gboolean
retarget (const MsTable *t, MsColumnStatistics *s, GError **error)
{
  if (!store_part_name (t, s, error))
    return FALSE;
  g_free (s->catalog);
  g_free (s->db_name);
  g_free (s->table_name);
  s->catalog = g_strdup (t->catalog);
  s->db_name = g_strdup (t->db_name);
  s->table_name = g_strdup (t->name);
  return TRUE;
}

/* set_aggr_stats_for at partition level: 'head' (consumed) is the first
 * entry of 'req', already read. */
static gboolean
set_aggr_partitions (MsHms *hms, const ThmsSetPartitionsStatsRequest *req,
                     MsColumnStatistics *head, gboolean merge, const char *engine, GError **error)
{
  g_autoptr (MsColumnStatistics) first = head;
  g_autoptr (MsTable) t = table_for_aggr (hms, first, merge, error);
  if (t == NULL)
    return FALSE;
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_column_statistics_free);
  for (guint i = 0; i < req->colStats->len; i++)
    {
      const ThmsColumnStatistics *in = g_ptr_array_index (req->colStats, i);
      g_autoptr (MsColumnStatistics) s = i == 0 ? g_steal_pointer (&first)
                                                : stats_from_request (in, error);
      if (s == NULL || !retarget (t, s, error))
        return FALSE;
      add_entry (entries, g_steal_pointer (&s));
    }
  return ms_store_stats_write (hms->store, t->catalog, t->db_name, t->name, FALSE, entries, merge,
                               engine, error);
}

/* set_aggr_stats_for: the first entry decides table or partition level;
 * table level takes exactly one entry; partition entries naming one
 * partition twice are merged first, the later with the earlier. */
static gboolean
set_aggr_stats (MsHms *hms, const ThmsSetPartitionsStatsRequest *req, GError **error)
{
  if (req->colStats == NULL || req->colStats->len == 0)
    return TRUE;
  gboolean merge = req->__isset_needMerge && req->needMerge;
  const char *engine = engine_or_default (req->engine);
  g_autoptr (MsColumnStatistics) head = stats_from_request (g_ptr_array_index (req->colStats, 0),
                                                            error);
  if (head == NULL)
    return FALSE;
  if (!head->is_tbl_level)
    return set_aggr_partitions (hms, req, g_steal_pointer (&head), merge, engine, error);
  if (req->colStats->len != 1)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "Expecting only 1 ColumnStatistics for table's column stats, but find %u",
                    req->colStats->len);
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_add (all, head);
  return ms_store_stats_write (hms->store, head->catalog, head->db_name, head->table_name, TRUE,
                               all, merge, engine, error);
}

/* set_aggr_stats_for */
gboolean
hms_stats_set_aggr (HmsCall *call, GError **error)
{
  if (!set_aggr_stats (call->hms, hms_arg_obj (call, "request"), error))
    return FALSE;
  hms_result_set_bool (call, TRUE);
  return TRUE;
}

/* ---- reads ---- */

/* get_table_column_statistics */
gboolean
hms_stats_get_table_column (HmsCall *call, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  g_autofree char *table = lower (hms_arg_str (call, "tbl_name"));
  g_autofree char *col = lower (hms_arg_str (call, "col_name"));
  if (!hms_resolve_db (hms_arg_str (call, "db_name"), NULL, &cat, &db, error))
    return FALSE;
  g_autoptr (MsColumnStatistics) st
      = ms_store_stats_get_table (call->hms->store, cat, db, table, MS_STATS_ENGINE_DEFAULT,
                                  (const char *const *) &col, 1, error);
  if (st == NULL)
    return FALSE;
  if (st->cols->len == 0)
    {
      g_autofree char *q = qualified (cat, db, table);
      return ms_fail (error, MS_ERROR_NOT_FOUND, "Column stats doesn't exist for table=%s col=%s",
                      q, col);
    }
  hms_column_statistics_to_thrift (st, hms_result_obj (call));
  return TRUE;
}

/* get_partition_column_statistics */
gboolean
hms_stats_get_partition_column (HmsCall *call, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL, *part = NULL;
  g_autofree char *table = lower (hms_arg_str (call, "tbl_name"));
  g_autofree char *col = lower (hms_arg_str (call, "col_name"));
  const char *part_name = hms_arg_str (call, "part_name");
  if (!hms_resolve_db (hms_arg_str (call, "db_name"), NULL, &cat, &db, error)
      || (part_name != NULL && (part = ms_part_name_lower_keys (part_name, error)) == NULL))
    return FALSE;
  g_autoptr (GPtrArray) found = ms_store_stats_get_partitions (
      call->hms->store, cat, db, table, MS_STATS_ENGINE_DEFAULT, (const char *const *) &part,
      part ? 1 : 0, (const char *const *) &col, 1, error);
  if (found == NULL)
    return FALSE;
  if (found->len == 0)
    {
      g_autofree char *q = qualified (cat, db, table);
      return ms_fail (error, MS_ERROR_NOT_FOUND,
                      "Column stats doesn't exist for table=%s partition=%s col=%s", q,
                      part ? part : "null", col);
    }
  hms_column_statistics_to_thrift (g_ptr_array_index (found, 0), hms_result_obj (call));
  return TRUE;
}

/* get_table_statistics_req */
gboolean
hms_stats_get_table (HmsCall *call, GError **error)
{
  const ThmsTableStatsRequest *req = hms_arg_obj (call, "request");
  g_autofree char *cat = NULL, *db = NULL;
  g_autofree char *table = lower (req->tblName);
  g_autoptr (GPtrArray) cols = lower_all (req->colNames);
  if (!hms_resolve_db (req->dbName, HMS_OPT (req, catName), &cat, &db, error))
    return FALSE;
  g_autoptr (MsColumnStatistics) st = ms_store_stats_get_table (
      call->hms->store, cat, db, table, engine_or_default (req->engine),
      (const char *const *) cols->pdata, cols->len, error);
  if (st == NULL)
    return FALSE;
  ThmsTableStatsResult *out = hms_result_obj (call);
  for (guint i = 0; i < st->cols->len; i++)
    g_ptr_array_add (out->tableStats, hms_col_stats_to_thrift (g_ptr_array_index (st->cols, i)));
  return TRUE;
}

/* The partition statistics a PartitionsStatsRequest names (NULL on error);
 * 'part_names' and 'col_names' receive the lower-cased partition and
 * column names. */
static GPtrArray *
partition_stats (MsHms *hms, const ThmsPartitionsStatsRequest *req, GPtrArray **part_names,
                 GPtrArray **col_names, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (req->dbName, HMS_OPT (req, catName), &cat, &db, error))
    return NULL;
  *col_names = lower_all (req->colNames);
  *part_names = lower_part_names (req->partNames, error);
  if (*part_names == NULL)
    return NULL;
  g_autofree char *table = lower (req->tblName);
  return ms_store_stats_get_partitions (hms->store, cat, db, table, engine_or_default (req->engine),
                                        (const char *const *) (*part_names)->pdata,
                                        (*part_names)->len,
                                        (const char *const *) (*col_names)->pdata,
                                        (*col_names)->len, error);
}

/* get_partitions_statistics_req */
gboolean
hms_stats_get_partitions (HmsCall *call, GError **error)
{
  const ThmsPartitionsStatsRequest *req = hms_arg_obj (call, "request");
  /* Hive answers an empty request before looking at the table */
  if (req->colNames == NULL || req->colNames->len == 0 || req->partNames == NULL
      || req->partNames->len == 0)
    return TRUE;
  g_autoptr (GPtrArray) parts = NULL, cols = NULL;
  g_autoptr (GPtrArray) found = partition_stats (call->hms, req, &parts, &cols, error);
  if (found == NULL)
    return FALSE;
  ThmsPartitionsStatsResult *out = hms_result_obj (call);
  for (guint i = 0; i < found->len; i++)
    {
      const MsColumnStatistics *st = g_ptr_array_index (found, i);
      GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint k = 0; k < st->cols->len; k++)
        g_ptr_array_add (list, hms_col_stats_to_thrift (g_ptr_array_index (st->cols, k)));
      g_hash_table_insert (out->partStats, g_strdup (st->part_name), list);
    }
  return TRUE;
}

/* get_aggr_stats_for */
gboolean
hms_stats_get_aggr (HmsCall *call, GError **error)
{
  g_autoptr (GPtrArray) parts = NULL, cols = NULL;
  g_autoptr (GPtrArray) found = partition_stats (call->hms, hms_arg_obj (call, "request"), &parts,
                                                 &cols, error);
  if (found == NULL)
    return FALSE;
  gint64 parts_found = 0;
  g_autoptr (GPtrArray) aggr = ms_stats_aggregate (found, (const char *const *) parts->pdata,
                                                   parts->len, (const char *const *) cols->pdata,
                                                   cols->len, &parts_found);
  ThmsAggrStats *out = hms_result_obj (call);
  for (guint i = 0; i < aggr->len; i++)
    g_ptr_array_add (out->colStats, hms_col_stats_to_thrift (g_ptr_array_index (aggr, i)));
  out->partsFound = parts_found;
  return TRUE;
}

/* ---- deletes ---- */

/* NULL or "": every engine (Hive 2 and 3 clients send none). */
static const char *
engine_or_any (const char *engine)
{
  return engine && *engine ? engine : NULL;
}

/* The names a delete's arguments give: the database resolved, the table
 * and the column lower-cased (column NULL: every column). */
static gboolean
delete_names (HmsCall *call, char **cat, char **db, char **table, char **col, GError **error)
{
  const char *tbl_name = hms_arg_str (call, "tbl_name");
  const char *col_name = hms_arg_str (call, "col_name");
  if (tbl_name == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "Table name is null.");
  *table = lower (tbl_name);
  *col = col_name ? lower (col_name) : NULL;
  return hms_resolve_db (hms_arg_str (call, "db_name"), NULL, cat, db, error);
}

/* delete_table_column_statistics: the table's own statistics, as Hive 4
 * serves it (a DeleteColumnStatisticsRequest with tableLevel set) */
gboolean
hms_stats_delete_table (HmsCall *call, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL, *table = NULL, *col = NULL;
  if (!delete_names (call, &cat, &db, &table, &col, error))
    return FALSE;
  const char *cols[] = { col };
  MsStatsDelete what = { .cols = cols, .n_cols = col ? 1 : 0, .table_level = TRUE,
                         .engine = engine_or_any (hms_arg_str (call, "engine")) };
  if (!ms_store_stats_delete (call->hms->store, cat, db, table, &what, error))
    return FALSE;
  hms_result_set_bool (call, TRUE);
  return TRUE;
}

/* delete_partition_column_statistics */
gboolean
hms_stats_delete_partition (HmsCall *call, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL, *table = NULL, *col = NULL;
  if (!delete_names (call, &cat, &db, &table, &col, error))
    return FALSE;
  g_autoptr (MsTable) t = table_for_partitions (call->hms, cat, db, table, error);
  g_autofree char *stored = t ? stored_part_name (t, hms_arg_str (call, "part_name"), error) : NULL;
  if (stored == NULL)
    return FALSE;
  const char *cols[] = { col }, *parts[] = { stored };
  MsStatsDelete what = { .parts = parts, .n_parts = 1, .cols = cols, .n_cols = col ? 1 : 0,
                         .engine = engine_or_any (hms_arg_str (call, "engine")) };
  if (!ms_store_stats_delete (call->hms->store, cat, db, table, &what, error))
    return FALSE;
  hms_result_set_bool (call, TRUE);
  return TRUE;
}

/* The stored names of the partitions a DeleteColumnStatisticsRequest
 * names, for a partition-level delete of a partitioned table; an empty
 * array otherwise (Hive then ignores part_names). */
static GPtrArray *
delete_req_parts (MsHms *hms, const ThmsDeleteColumnStatisticsRequest *req, const char *cat,
                  const char *db, const char *table, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  gboolean table_level = req->__isset_tableLevel && req->tableLevel;
  if (table_level || !req->__isset_part_names || req->part_names == NULL
      || req->part_names->len == 0)
    return g_steal_pointer (&out);
  g_autoptr (MsTable) t = ms_store_table_get (hms->store, cat, db, table, error);
  if (t == NULL)
    return NULL;
  for (guint i = 0; t->partition_keys->len > 0 && i < req->part_names->len; i++)
    {
      char *stored = stored_part_name (t, g_ptr_array_index (req->part_names, i), error);
      if (stored == NULL)
        return NULL;
      g_ptr_array_add (out, stored);
    }
  return g_steal_pointer (&out);
}

/* delete_column_statistics_req: Hive 4's DeleteColumnStatisticsHandler.
 * The table's statistics when it has no partition keys or tableLevel is
 * set; else those of part_names, or of every partition when none is
 * named; col_names, or every column when none is named. */
gboolean
hms_stats_delete_req (HmsCall *call, GError **error)
{
  const ThmsDeleteColumnStatisticsRequest *req = hms_arg_obj (call, "req");
  if (req->tbl_name == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "Table name is null.");
  g_autofree char *cat = NULL, *db = NULL;
  g_autofree char *table = lower (req->tbl_name);
  if (!hms_resolve_db (req->db_name, HMS_OPT (req, cat_name), &cat, &db, error))
    return FALSE;
  g_autoptr (GPtrArray) cols = lower_all (req->__isset_col_names ? req->col_names : NULL);
  g_autoptr (GPtrArray) parts = delete_req_parts (call->hms, req, cat, db, table, error);
  if (parts == NULL)
    return FALSE;
  MsStatsDelete what = {
    .parts = (const char *const *) parts->pdata, .n_parts = parts->len,
    .cols = (const char *const *) cols->pdata, .n_cols = cols->len,
    .engine = engine_or_any (req->__isset_engine ? req->engine : NULL),
    .table_level = req->__isset_tableLevel && req->tableLevel,
  };
  if (!ms_store_stats_delete (call->hms->store, cat, db, table, &what, error))
    return FALSE;
  hms_result_set_bool (call, TRUE);
  return TRUE;
}
