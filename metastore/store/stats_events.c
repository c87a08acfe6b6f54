/*
 * stats_events.c: the notification events of column statistics changes
 * (store/stats_internal.h), queued in the change's own transaction as
 * Hive's DbNotificationListener writes them through HMSHandler's
 * transactional listeners: UPDATE_TABLE_COLUMN_STAT,
 * UPDATE_PARTITION_COLUMN_STAT (one per partition written, also for
 * set_aggr_stats_for, which Hive 4 batches under the same type name),
 * DELETE_TABLE_COLUMN_STAT and DELETE_PARTITION_COLUMN_STAT (one per
 * column). The table and partitions are read on the write's connection,
 * after the write, so their parameters are those the write left.
 */
#include "store/stats_internal.h"
#include "store/events.h"
#include "store/table_internal.h"
#include "store/partition_internal.h"

static const MsSql sql_parts_by_id = { "stats_event_parts",
  "SELECT " PARTITION_COLUMNS " FROM ms_partitions p "
  "WHERE p.table_id = $1::bigint AND p.part_id = ANY ($2::bigint[])",
  .read_only = TRUE };

static void
written_clear (gpointer p)
{
  MsStatsWritten *w = p;
  g_clear_pointer (&w->cols, g_ptr_array_unref);
  g_clear_pointer (&w->part_id, g_free);
}

GArray *
ms_stats_written_new (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (MsStatsWritten));
  g_array_set_clear_func (a, written_clear);
  return a;
}

/* The partitions of 't' with the ids 'ids' (char*), keyed by id (owned
 * MsPartition*), or NULL with *error set. */
static GHashTable *
partitions_by_id (MsPgConn *c, const MsTable *t, GPtrArray *ids, GError **error)
{
  g_autofree char *tid = g_strdup_printf ("%" G_GINT64_FORMAT, t->id);
  g_autofree char *arr = ms_pg_array_literal ((const char *const *) ids->pdata, ids->len);
  const char *v[] = { tid, arr };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_parts_by_id, 2, v, error);
  if (r == NULL)
    return NULL;
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) ms_partition_free);
  for (int i = 0; i < PQntuples (r); i++)
    g_hash_table_insert (out, g_strdup (PQgetvalue (r, i, PCOL_ID)), ms_partition_from_row (r, i, t));
  return out;
}

gboolean
ms_store_stats_events_update (MsStore *s, MsPgConn *c, const char *catalog, const char *db,
                              const char *table, GArray *written, GError **error)
{
  if (!ms_store_events_enabled (s) || written->len == 0)
    return TRUE;
  g_autoptr (MsTable) t = ms_store_table_get_on (c, catalog, db, table, FALSE, error);
  if (t == NULL)
    return FALSE;
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  for (guint i = 0; i < written->len; i++)
    if (g_array_index (written, MsStatsWritten, i).part_id != NULL)
      g_ptr_array_add (ids, g_array_index (written, MsStatsWritten, i).part_id);
  g_autoptr (GHashTable) parts = NULL;
  if (ids->len > 0 && (parts = partitions_by_id (c, t, ids, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < written->len; i++)
    {
      const MsStatsWritten *w = &g_array_index (written, MsStatsWritten, i);
      MsColumnStatistics st = *w->st;      /* the entry with the columns written */
      st.catalog = t->catalog;
      st.db_name = t->db_name;
      st.table_name = t->name;
      st.cols = w->cols;
      const MsPartition *p = w->part_id ? g_hash_table_lookup (parts, w->part_id) : NULL;
      if (w->part_id != NULL && p == NULL)
        return ms_fail (error, MS_ERROR_INTERNAL, "partition %s left the write", w->part_id);
      MsEvent ev = { .type = p ? MS_EVENT_UPDATE_PARTITION_COLUMN_STAT
                               : MS_EVENT_UPDATE_TABLE_COLUMN_STAT,
                     .table = t, .part = p, .col_stats = &st };
      if (!ms_store_emit (s, c, &ev, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ms_store_stats_events_delete (MsStore *s, MsPgConn *c, const char *catalog, const char *db,
                              const char *table, GPtrArray *part_ids, const char *const *cols,
                              guint n_cols, GError **error)
{
  if (!ms_store_events_enabled (s) || (part_ids != NULL && part_ids->len == 0))
    return TRUE;
  g_autoptr (MsTable) t = ms_store_table_get_on (c, catalog, db, table, FALSE, error);
  if (t == NULL)
    return FALSE;
  g_autoptr (GHashTable) parts = NULL;
  if (part_ids != NULL && (parts = partitions_by_id (c, t, part_ids, error)) == NULL)
    return FALSE;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  for (guint i = 0; i < n_cols; i++)
    g_ptr_array_add (names, (gpointer) cols[i]);
  for (guint i = 0; n_cols == 0 && t->sd != NULL && i < t->sd->cols->len; i++)
    g_ptr_array_add (names, ((MsColumn *) g_ptr_array_index (t->sd->cols, i))->name);
  /* Hive's order: each column, and within it each partition */
  guint n_parts = part_ids ? part_ids->len : 1;
  for (guint i = 0; i < names->len; i++)
    for (guint j = 0; j < n_parts; j++)
      {
        const MsPartition *p = part_ids ? g_hash_table_lookup (parts, g_ptr_array_index (part_ids, j))
                                        : NULL;
        if (part_ids != NULL && p == NULL)
          return ms_fail (error, MS_ERROR_INTERNAL, "partition %s left the delete",
                          (const char *) g_ptr_array_index (part_ids, j));
        g_autofree char *part_name = p ? ms_store_partition_name (t, p->values) : NULL;
        MsEvent ev = { .type = p ? MS_EVENT_DELETE_PARTITION_COLUMN_STAT
                                 : MS_EVENT_DELETE_TABLE_COLUMN_STAT,
                       .table = t, .part = p, .part_name = part_name,
                       .column = g_ptr_array_index (names, i) };
        if (!ms_store_emit (s, c, &ev, error))
          return FALSE;
      }
  return TRUE;
}
