/*
 * truncate.c: the catalog half of truncate_table, after the door emptied
 * the data (service/data.h): the basic statistics of the table, or of its
 * partitions, reset as Hive resets them, and Hive's events, in one
 * transaction (ms_store_table_truncated).
 *
 * Events, as Hive's TruncateTableHandler writes them: a table without
 * partition keys gets one ALTER_TABLE with isTruncateOp "true"; a
 * partitioned one an ALTER_PARTITION with isTruncateOp "true" for each
 * partition truncated (none when it has none). Hive hands its listeners
 * the same object as before and after, the one with the statistics reset,
 * and so does this file.
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/events.h"
#include "store/table_internal.h"
#include "store/partition_internal.h"
#include <stdio.h>

/* Hive's reset of the jsonb parameters 'col': the basic statistics
 * present become 0, the basic statistics are marked accurate (the column
 * statistics no longer are), and the DDL time is 'now'. */
#define TRUNCATED_PARAMS(col, now) \
  col " || COALESCE ((SELECT jsonb_object_agg (k, '0') FROM jsonb_object_keys (" col ") k " \
  "WHERE k IN ('numFiles', 'numRows', 'totalSize', 'rawDataSize')), '{}') " \
  "|| jsonb_build_object ('COLUMN_STATS_ACCURATE', '{\"BASIC_STATS\":\"true\"}', " \
  "'transient_lastDdlTime', " now "::text)"

static const MsSql sql_table_truncated = { "table_truncated",
  "UPDATE ms_tables t SET params = " TRUNCATED_PARAMS ("t.params", "$2")
  " WHERE t.table_id = $1" };
/* the partitions named in $2 (NULL: all), read back when $4 */
static const MsSql sql_parts_truncated = { "table_parts_truncated",
  "WITH p AS (UPDATE ms_partitions p SET params = " TRUNCATED_PARAMS ("p.params", "$3")
  " WHERE p.table_id = $1 AND ($2::text[] IS NULL OR p.part_name = ANY ($2::text[])) "
  "RETURNING p.*) "
  "SELECT " PARTITION_COLUMNS " FROM p WHERE $4::boolean ORDER BY p.part_name" };

/* The ALTER_TABLE event of truncating 't' (read again: its reset params). */
static gboolean
emit_table (MsStore *s, MsPgConn *c, const MsTable *t, GError **error)
{
  g_autoptr (MsTable) after = ms_store_table_get_on (c, t->catalog, t->db_name, t->name, FALSE,
                                                     error);
  MsEvent ev = { .type = MS_EVENT_ALTER_TABLE, .table = after, .table_before = after,
                 .truncate = TRUE };
  return after != NULL && ms_store_emit (s, c, &ev, error);
}

/* One ALTER_PARTITION event per row of 'r' (partitions of 't'). */
static gboolean
emit_partitions (MsStore *s, MsPgConn *c, const MsTable *t, const PGresult *r, GError **error)
{
  for (int i = 0; i < PQntuples (r); i++)
    {
      g_autoptr (MsPartition) p = ms_partition_from_row (r, i, t);
      MsEvent ev = { .type = MS_EVENT_ALTER_PARTITION, .table = t, .part = p,
                     .part_before = p, .truncate = TRUE };
      if (!ms_store_emit (s, c, &ev, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ms_store_table_truncated (MsStore *s, const char *catalog, const char *db, const char *name,
                          const char *const *part_names, guint n_names, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_store_begin_logged (s, c, error))
    return FALSE;
  g_autoptr (MsTable) t = ms_store_table_get_on (c, catalog, db, name, TRUE, error);
  if (t == NULL)
    return FALSE;
  char id[24], now[24];
  snprintf (id, sizeof id, "%" G_GINT64_FORMAT, t->id);
  snprintf (now, sizeof now, "%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
  gboolean logged = ms_store_events_enabled (s);
  if (t->partition_keys->len == 0)
    {
      const char *v[] = { id, now };
      g_autoptr (PGresult) r = ms_pg_exec (c, &sql_table_truncated, 2, v, error);
      if (r == NULL || (logged && !emit_table (s, c, t, error)))
        return FALSE;
      return ms_pg_commit (c, error);
    }
  g_autofree char *arr = part_names ? ms_pg_array_literal (part_names, n_names) : NULL;
  const char *v[] = { id, arr, now, logged ? "t" : "f" };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_parts_truncated, 4, v, error);
  if (r == NULL || !emit_partitions (s, c, t, r, error))
    return FALSE;
  return ms_pg_commit (c, error);
}
