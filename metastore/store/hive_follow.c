/*
 * hive_follow.c: the reads `metastore import --follow` makes of a Java
 * metastore database (store/hive_source.h): a fresh snapshot per round,
 * the NOTIFICATION_LOG rows after a position, the log's bounds, and the
 * (database, table) names of a catalog for the sweep after a rename. A
 * partition event's row comes with its MESSAGE and MESSAGE_FORMAT (--follow
 * reads the partitions it names).
 * Objects themselves are read with the bulk copy's readers.
 */
#include "store/hive_source_internal.h"

gboolean
ms_hive_source_renew (MsHiveSource *src, GError **error)
{
  ms_hive_stream_reset (src);
  return src->be->snapshot (src, error) && ms_hive_source_read_next_event (src, error);
}

void
ms_hive_event_free (MsHiveEvent *e)
{
  if (e == NULL)
    return;
  g_free (e->type);
  g_free (e->catalog);
  g_free (e->db);
  g_free (e->table);
  g_free (e->message);
  g_free (e->format);
  g_free (e);
}

#define PART_EVENT \
  "n.\"EVENT_TYPE\" IN ('ADD_PARTITION', 'ALTER_PARTITION', 'DROP_PARTITION')"

GPtrArray *
ms_hive_source_events (MsHiveSource *src, gint64 from, guint limit, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT n.\"EVENT_ID\", n.\"EVENT_TIME\", n.\"EVENT_TYPE\", COALESCE (%s, 'hive'), "
      "lower (n.\"DB_NAME\"), lower (n.\"TBL_NAME\"), "
      /* a partition event's message, decoded by --follow (a source may lack
       * MESSAGE_FORMAT) */
      "CASE WHEN " PART_EVENT " THEN n.\"MESSAGE\" END, CASE WHEN " PART_EVENT " THEN %s END "
      "FROM \"NOTIFICATION_LOG\" n "
      "WHERE n.\"EVENT_ID\" >= $1::bigint ORDER BY n.\"EVENT_ID\" LIMIT %u",
      src->p->has_catalogs ? "lower (n.\"CAT_NAME\")" : "NULL",
      src->has_message_format ? "n.\"MESSAGE_FORMAT\"" : "NULL", limit);
  g_autofree char *a = g_strdup_printf ("%" G_GINT64_FORMAT, from);
  const char *v[] = { a };
  g_autoptr (PGresult) r = ms_hive_run (src, sql, 1, v, error);
  if (r == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_hive_event_free);
  for (int i = 0; i < PQntuples (r); i++)
    {
      MsHiveEvent *e = g_new0 (MsHiveEvent, 1);
      e->id = ms_pg_int64 (r, i, 0, 0);
      e->time = ms_pg_int64 (r, i, 1, 0);
      e->type = ms_pg_dup (r, i, 2);
      e->catalog = ms_pg_dup (r, i, 3);
      e->db = ms_pg_dup (r, i, 4);
      e->table = ms_pg_dup (r, i, 5);
      e->message = ms_pg_dup (r, i, 6);
      e->format = ms_pg_dup (r, i, 7);
      g_ptr_array_add (out, e);
    }
  return out;
}

gboolean
ms_hive_source_event_bounds (MsHiveSource *src, gint64 *oldest, gint64 *newest,
                             GError **error)
{
  g_autoptr (PGresult) r = ms_hive_run (src,
      "SELECT min (\"EVENT_ID\"), max (\"EVENT_ID\") FROM \"NOTIFICATION_LOG\"", 0, NULL,
      error);
  if (r == NULL)
    return FALSE;
  *oldest = ms_pg_int64 (r, 0, 0, 0);
  *newest = ms_pg_int64 (r, 0, 1, 0);
  return TRUE;
}

GPtrArray *
ms_hive_source_table_names (MsHiveSource *src, const char *catalog, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT d.\"NAME\" || '.' || t.\"TBL_NAME\" FROM \"TBLS\" t "
      "JOIN \"DBS\" d ON d.\"DB_ID\" = t.\"DB_ID\" WHERE %s = $1", src->p->db_catalog);
  const char *v[] = { catalog };
  g_autoptr (PGresult) r = ms_hive_run (src, sql, 1, v, error);
  return r ? ms_pg_column_strings (r, 0) : NULL;
}
