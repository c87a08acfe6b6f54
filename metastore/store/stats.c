/*
 * stats.c: column statistics. Table-level rows live in ms_table_col_stats,
 * partition-level ones in ms_part_col_stats (sql/003), one row per engine
 * and column with the ColumnStatisticsData union as jsonb (stats_json.h).
 *
 * Every write runs in one transaction with the table row locked (FOR
 * UPDATE for table-level writes, which also change the table's
 * COLUMN_STATS_ACCURATE parameter, unless it is an import's copy, which
 * leaves parameters as the source has them; FOR SHARE plus the partition rows FOR
 * UPDATE for partition-level ones), so it serialises with alter_table's
 * removal of stale statistics (ms_store_stats_drop_stale). Reads are one
 * statement each, joined with the table so a missing table is told apart
 * from missing statistics.
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/json.h"
#include "store/sd_json.h"
#include "store/stats_internal.h"
#include "store/stats_json.h"
#include "model/owned.h"
#include <stdio.h>
#include <string.h>

#define TABLE_JOIN \
  " FROM ms_tables t JOIN ms_databases d ON d.db_id = t.db_id " \
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id "

static const MsSql sql_table_lock = { "stats_table_lock",
  "SELECT t.table_id, t.cols, t.params" TABLE_JOIN
  "WHERE c.name = $1 AND d.name = $2 AND t.name = $3 FOR UPDATE OF t" };
static const MsSql sql_table_share = { "stats_table_share",
  "SELECT t.table_id, t.cols, t.params" TABLE_JOIN
  "WHERE c.name = $1 AND d.name = $2 AND t.name = $3 FOR SHARE OF t" };
static const MsSql sql_parts_lock = { "stats_parts_lock",
  "SELECT part_id, part_name, params FROM ms_partitions "
  "WHERE table_id = $1 AND part_name = ANY ($2::text[]) ORDER BY part_id FOR UPDATE" };

static const MsSql sql_table_read = { "stats_table_read",
  "SELECT col_name, data FROM ms_table_col_stats "
  "WHERE table_id = $1 AND engine = $2 AND col_name = ANY ($3::text[])",
  .read_only = TRUE };
static const MsSql sql_parts_read = { "stats_parts_read",
  "SELECT part_id, col_name, data FROM ms_part_col_stats "
  "WHERE table_id = $1 AND engine = $2 AND part_id = ANY ($3::bigint[]) "
  "AND col_name = ANY ($4::text[])",
  .read_only = TRUE };

/* $7 true: replace the stored data; false: keep stored optional members
 * the new data leaves out when both are of one type (Hive writes only the
 * fields that are set over the stored ones). */
#define KEEP_OR_REPLACE \
  "data = CASE WHEN NOT $7::boolean AND s.data->>'type' = EXCLUDED.data->>'type' " \
  "THEN s.data || EXCLUDED.data ELSE EXCLUDED.data END, " \
  "col_type = EXCLUDED.col_type, last_analyzed = EXCLUDED.last_analyzed"
static const MsSql sql_table_upsert = { "stats_table_upsert",
  "INSERT INTO ms_table_col_stats AS s (table_id, engine, col_name, col_type, data, last_analyzed) "
  "SELECT $1::bigint, u.e, u.n, u.t, u.d::jsonb, $2::bigint "
  "FROM unnest ($3::text[], $4::text[], $5::text[], $6::text[]) AS u (e, n, t, d) "
  "ON CONFLICT (table_id, engine, col_name) DO UPDATE SET " KEEP_OR_REPLACE };
static const MsSql sql_parts_upsert = { "stats_parts_upsert",
  "INSERT INTO ms_part_col_stats AS s "
  "  (table_id, part_id, engine, col_name, col_type, data, last_analyzed) "
  "SELECT $1::bigint, u.p, u.e, u.n, u.t, u.d::jsonb, $2::bigint "
  "FROM unnest ($8::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u (p, e, n, t, d) "
  "ON CONFLICT (table_id, part_id, engine, col_name) DO UPDATE SET " KEEP_OR_REPLACE };

static const MsSql sql_table_accurate = { "stats_table_accurate",
  "UPDATE ms_tables SET params = params || jsonb_build_object ('" MS_COLUMN_STATS_ACCURATE "', $2::text) "
  "WHERE table_id = $1" };
static const MsSql sql_parts_accurate = { "stats_parts_accurate",
  "UPDATE ms_partitions p SET params = p.params || jsonb_build_object ('" MS_COLUMN_STATS_ACCURATE "', u.v) "
  "FROM unnest ($2::bigint[], $3::text[]) AS u (id, v) WHERE p.table_id = $1 AND p.part_id = u.id" };
static const MsSql sql_parts_params = { "stats_parts_params",
  "SELECT part_id, params->>'" MS_COLUMN_STATS_ACCURATE "' FROM ms_partitions "
  "WHERE table_id = $1 AND part_id = ANY ($2::bigint[]) ORDER BY part_id FOR UPDATE" };

static const MsSql sql_table_get = { "stats_table_get",
  "SELECT t.table_id, s.col_name, s.col_type, s.data, s.last_analyzed" TABLE_JOIN
  "LEFT JOIN ms_table_col_stats s ON s.table_id = t.table_id AND s.engine = $4 "
  "  AND s.col_name = ANY ($5::text[]) "
  "WHERE c.name = $1 AND d.name = $2 AND t.name = $3 "
  "ORDER BY array_position ($5::text[], s.col_name)",
  .read_only = TRUE };
static const MsSql sql_parts_get = { "stats_parts_get",
  "SELECT t.table_id, p.part_name, s.col_name, s.col_type, s.data, s.last_analyzed" TABLE_JOIN
  "LEFT JOIN (ms_partitions p JOIN ms_part_col_stats s ON s.table_id = p.table_id "
  "  AND s.part_id = p.part_id AND s.engine = $4 AND s.col_name = ANY ($6::text[])) "
  "  ON p.table_id = t.table_id AND p.part_name = ANY ($5::text[]) "
  "WHERE c.name = $1 AND d.name = $2 AND t.name = $3 "
  "ORDER BY p.part_name COLLATE \"C\", array_position ($6::text[], s.col_name)",
  .read_only = TRUE };

static const MsSql sql_delete_lock = { "stats_delete_lock",
  "SELECT t.table_id, t.cols, t.params, jsonb_array_length (t.partition_keys)" TABLE_JOIN
  "WHERE c.name = $1 AND d.name = $2 AND t.name = $3 FOR UPDATE OF t" };
static const MsSql sql_table_delete = { "stats_table_delete",
  "DELETE FROM ms_table_col_stats WHERE table_id = $1 AND ($2::text IS NULL OR engine = $2) "
  "AND ($3::text[] IS NULL OR col_name = ANY ($3::text[]))" };
static const MsSql sql_parts_lock_all = { "stats_parts_lock_all",
  "SELECT part_id, part_name, params FROM ms_partitions WHERE table_id = $1 "
  "ORDER BY part_id FOR UPDATE" };
static const MsSql sql_parts_delete = { "stats_parts_delete",
  "DELETE FROM ms_part_col_stats WHERE table_id = $1 AND part_id = ANY ($2::bigint[]) "
  "AND ($3::text IS NULL OR engine = $3) "
  "AND ($4::text[] IS NULL OR col_name = ANY ($4::text[]))" };

/* Stale statistics after a column change: a column matches when name and
 * type are equal ignoring case, as Hive compares them. */
#define COLUMN_MATCHES(cols) \
  "EXISTS (SELECT 1 FROM jsonb_array_elements (" cols ") AS c " \
  "WHERE lower (c->>'name') = lower (s.col_name) AND lower (c->>'type') = lower (s.col_type))"
static const MsSql sql_drop_stale = { "stats_drop_stale",
  "WITH dt AS (DELETE FROM ms_table_col_stats s WHERE s.table_id = $1 "
  "    AND NOT " COLUMN_MATCHES ("$2::jsonb") " RETURNING NULL::bigint AS part_id, s.col_name), "
  "  dp AS (DELETE FROM ms_part_col_stats s USING ms_partitions p "
  "    WHERE s.table_id = $1 AND p.table_id = s.table_id AND p.part_id = s.part_id "
  "    AND NOT " COLUMN_MATCHES ("COALESCE (p.cols, $2::jsonb)") " RETURNING s.part_id, s.col_name) "
  "SELECT DISTINCT part_id, col_name FROM dt UNION SELECT DISTINCT part_id, col_name FROM dp "
  "ORDER BY 1 NULLS FIRST, 2" };
static const MsSql sql_table_accurate_get = { "stats_table_accurate_get",
  "SELECT params->>'" MS_COLUMN_STATS_ACCURATE "' FROM ms_tables WHERE table_id = $1",
  .read_only = TRUE };

/* ---- helpers ---- */

static const char *
cell (const PGresult *r, int i, int col)
{
  return PQgetisnull (r, i, col) ? NULL : PQgetvalue (r, i, col);
}

static char *
qualified (const char *catalog, const char *db, const char *table)
{
  return g_strdup_printf ("%s.%s.%s", catalog, db, table);
}

static gboolean
table_missing (GError **error, const char *catalog, const char *db, const char *table)
{
  g_autofree char *q = qualified (catalog, db, table);
  return ms_fail (error, MS_ERROR_NOT_FOUND, "Specified catalog.database.table does not exist : %s", q);
}

static const char *
param (GHashTable *params, const char *key)
{
  return params ? g_hash_table_lookup (params, key) : NULL;
}

static gboolean
is_transactional (const char *params_json)
{
  g_autoptr (GHashTable) params = ms_json_to_params (params_json);
  const char *v = param (params, "transactional");
  return v != NULL && g_ascii_strcasecmp (v, "true") == 0;
}

static char *
array_of (GPtrArray *strings)
{
  return ms_pg_array_literal ((const char *const *) strings->pdata, strings->len);
}

static MsColStats *
col_stats_from_row (const PGresult *r, int i, int name_col)
{
  MsColStats *cs = ms_col_stats_new (cell (r, i, name_col), cell (r, i, name_col + 1));
  if (!ms_json_to_stats_data (cell (r, i, name_col + 2), &cs->data))
    {
      ms_col_stats_free (cs);
      return NULL;
    }
  return cs;
}

/* Rows of one write: flat arrays for the upsert statements. */
typedef struct {
  GPtrArray *part_ids, *engines, *names, *types, *datas;
} Rows;

static const MsOwned rows_owned[] = {
  MS_OWNED (Rows, part_ids, g_ptr_array_unref, NULL), MS_OWNED (Rows, engines, g_ptr_array_unref, NULL),
  MS_OWNED (Rows, names, g_ptr_array_unref, NULL), MS_OWNED (Rows, types, g_ptr_array_unref, NULL),
  MS_OWNED (Rows, datas, g_ptr_array_unref, NULL),
};

/* Every array of 'w' new and empty, owning its strings. */
static void
rows_init (Rows *w)
{
  for (gsize i = 0; i < G_N_ELEMENTS (rows_owned); i++)
    G_STRUCT_MEMBER (GPtrArray *, w, rows_owned[i].offset) = ms_strings_new ();
}

MS_OWNED_DEFINE_CLEAR (Rows, rows_clear, rows_owned)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Rows, rows_clear)

static void
rows_add (Rows *w, const char *part_id, const char *engine, const MsColStats *cs)
{
  g_ptr_array_add (w->part_ids, g_strdup (part_id));
  g_ptr_array_add (w->engines, g_strdup (engine));
  g_ptr_array_add (w->names, g_strdup (cs->name));
  g_ptr_array_add (w->types, g_strdup (cs->type));
  g_ptr_array_add (w->datas, ms_json_from_stats_data (&cs->data));
}

/* The columns of 'st' to write: the last of repeated names, in order of
 * their last appearance; with 'accurate_only', only those listed in the
 * COLUMN_STATS_ACCURATE value 'accurate' (Hive's getMergableCols). */
static GPtrArray *
columns_to_write (const MsColumnStatistics *st, gboolean accurate_only, const char *accurate)
{
  g_autoptr (GHashTable) last = g_hash_table_new (g_str_hash, g_str_equal);   /* name -> index */
  for (guint i = 0; i < st->cols->len; i++)
    g_hash_table_insert (last, ((MsColStats *) g_ptr_array_index (st->cols, i))->name, GUINT_TO_POINTER (i));
  GPtrArray *out = g_ptr_array_new ();     /* borrowed MsColStats* */
  for (guint i = 0; i < st->cols->len; i++)
    {
      MsColStats *cs = g_ptr_array_index (st->cols, i);
      if (GPOINTER_TO_UINT (g_hash_table_lookup (last, cs->name)) != i
          || (accurate_only && !ms_stats_accurate_has_column (accurate, cs->name)))
        continue;
      g_ptr_array_add (out, cs);
    }
  return out;
}

static GPtrArray *
names_of (GPtrArray *cols)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < cols->len; i++)
    g_ptr_array_add (out, ((MsColStats *) g_ptr_array_index (cols, i))->name);
  return out;
}

/* ---- write ---- */

static gboolean
check_table_columns (const char *cols_json, GPtrArray *cols, const char *db, const char *table,
                     GError **error)
{
  g_autoptr (GPtrArray) table_cols = ms_json_to_columns (cols_json);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint j = 0; j < table_cols->len; j++)
    {
      const char *name = ((MsColumn *) g_ptr_array_index (table_cols, j))->name;
      if (name != NULL)
        g_hash_table_add (names, (gpointer) name);
    }
  for (guint i = 0; i < cols->len; i++)
    {
      const MsColStats *cs = g_ptr_array_index (cols, i);
      if (!g_hash_table_contains (names, cs->name))
        return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Column %s doesn't exist in table %s in database %s",
                        cs->name, table, db);
    }
  return TRUE;
}

static gboolean
upsert (MsPgConn *c, const MsSql *sql, const char *table_id, gint64 last_analyzed, Rows *w,
        gboolean replace, GError **error)
{
  if (w->names->len == 0)
    return TRUE;
  char analyzed[24];
  snprintf (analyzed, sizeof analyzed, "%" G_GINT64_FORMAT, last_analyzed);
  g_autofree char *e = array_of (w->engines), *n = array_of (w->names), *t = array_of (w->types),
                  *d = array_of (w->datas), *p = array_of (w->part_ids);
  const char *v[] = { table_id, analyzed, e, n, t, d, replace ? "true" : "false", p };
  g_autoptr (PGresult) r = ms_pg_exec (c, sql, sql == &sql_parts_upsert ? 8 : 7, v, error);
  return r != NULL;
}

/* Record in 'written' that 'st' was written with the columns 'cols'
 * (MsColStats*, copied) to partition 'part_id' (NULL: the table). */
static void
note_written (GArray *written, const MsColumnStatistics *st, GPtrArray *cols, const char *part_id)
{
  MsStatsWritten w = { st, g_ptr_array_new_with_free_func ((GDestroyNotify) ms_col_stats_free),
                       g_strdup (part_id) };
  for (guint i = 0; i < cols->len; i++)
    g_ptr_array_add (w.cols, ms_col_stats_copy (g_ptr_array_index (cols, i)));
  g_array_append_val (written, w);
}

static gboolean
write_table_level (MsPgConn *c, const PGresult *tbl, const char *db, const char *table,
                   const MsColumnStatistics *st, gboolean merge, gboolean copy,
                   const char *merge_engine, GArray *written, GError **error)
{
  const char *table_id = PQgetvalue (tbl, 0, 0);
  if (!check_table_columns (cell (tbl, 0, 1), st->cols, db, table, error))
    return FALSE;
  g_autoptr (GHashTable) params = ms_json_to_params (cell (tbl, 0, 2));
  const char *accurate = param (params, MS_COLUMN_STATS_ACCURATE);
  g_autoptr (GPtrArray) cols = columns_to_write (st, merge, accurate);
  g_autoptr (GPtrArray) names = names_of (cols);
  if (merge && cols->len == 0)
    return TRUE;     /* nothing accurate to merge with: Hive writes nothing */

  g_autoptr (GPtrArray) merged = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_col_stats_free);
  if (merge)
    {
      g_autofree char *arr = array_of (names);
      const char *v[] = { table_id, merge_engine, arr };
      g_autoptr (PGresult) old = ms_pg_exec (c, &sql_table_read, 3, v, error);
      if (old == NULL)
        return FALSE;
      g_autoptr (GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);  /* name -> row + 1 */
      for (int r = 0; r < PQntuples (old); r++)
        g_hash_table_insert (stored, PQgetvalue (old, r, 0), GINT_TO_POINTER (r + 1));
      for (guint i = 0; i < cols->len; i++)
        {
          MsColStats *cs = ms_col_stats_copy (g_ptr_array_index (cols, i));
          int r = GPOINTER_TO_INT (g_hash_table_lookup (stored, cs->name)) - 1;
          if (r >= 0)
            {
              MsStatsData od;
              if (ms_json_to_stats_data (cell (old, r, 1), &od))
                ms_stats_merge (&cs->data, &od);
              ms_stats_data_clear (&od);
            }
          g_ptr_array_add (merged, cs);
        }
    }
  g_auto (Rows) w;
  rows_init (&w);
  GPtrArray *src = merge ? merged : cols;
  for (guint i = 0; i < src->len; i++)
    rows_add (&w, NULL, st->engine, g_ptr_array_index (src, i));
  if (!upsert (c, &sql_table_upsert, table_id, st->last_analyzed, &w, merge || copy, error))
    return FALSE;
  note_written (written, st, src, NULL);
  if (copy)
    return TRUE;     /* the parameters stay as the copied table has them */

  g_autofree char *acc = ms_stats_accurate_set_columns (accurate, (const char *const *) names->pdata,
                                                        names->len);
  const char *v[] = { table_id, acc };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_table_accurate, 2, v, error);
  return r != NULL;
}

static void
free_stats_data (gpointer p)
{
  ms_stats_data_clear (p);
  g_free (p);
}

/* Stored statistics of the partitions and columns about to be merged,
 * keyed "part_id/column". */
static GHashTable *
read_partition_stats (MsPgConn *c, const char *table_id, const char *engine, GPtrArray *part_ids,
                      GPtrArray *names, GError **error)
{
  g_autofree char *ids = array_of (part_ids), *cols = array_of (names);
  const char *v[] = { table_id, engine, ids, cols };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_parts_read, 4, v, error);
  if (r == NULL)
    return NULL;
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_stats_data);
  for (int i = 0; i < PQntuples (r); i++)
    {
      MsStatsData *d = g_new0 (MsStatsData, 1);
      if (!ms_json_to_stats_data (cell (r, i, 2), d))
        {
          free_stats_data (d);
          continue;
        }
      g_hash_table_insert (out, g_strdup_printf ("%s/%s", PQgetvalue (r, i, 0), PQgetvalue (r, i, 1)), d);
    }
  return out;
}

/* One entry of a partition-level write: its locked partition row and the
 * columns it writes. */
typedef struct {
  const MsColumnStatistics *st;
  int row;                     /* in the locked partition rows */
  const char *part_id;         /* borrowed from them */
  GPtrArray *cols;             /* borrowed MsColStats* (columns_to_write) */
} PartWrite;

static void
part_write_clear (gpointer p)
{
  g_ptr_array_unref (((PartWrite *) p)->cols);
}

/* The partitions 'stats' name, locked FOR UPDATE: part_id, part_name,
 * params. */
static PGresult *
lock_partitions (MsPgConn *c, const char *table_id, GPtrArray *stats, GError **error)
{
  g_autoptr (GPtrArray) wanted = g_ptr_array_new ();
  for (guint i = 0; i < stats->len; i++)
    g_ptr_array_add (wanted, ((MsColumnStatistics *) g_ptr_array_index (stats, i))->part_name);
  g_autofree char *arr = array_of (wanted);
  const char *v[] = { table_id, arr };
  return ms_pg_exec (c, &sql_parts_lock, 2, v, error);
}

/* Each entry's partition row (MS_ERROR_NOT_FOUND when one is missing) and
 * columns to write; NULL on error. */
static GArray *
plan_partition_writes (const PGresult *parts, GPtrArray *stats, gboolean merge, GError **error)
{
  g_autoptr (GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  for (int r = PQntuples (parts); r-- > 0;)
    g_hash_table_insert (by_name, PQgetvalue (parts, r, 1), GINT_TO_POINTER (r + 1));
  g_autoptr (GArray) plan = g_array_sized_new (FALSE, TRUE, sizeof (PartWrite), stats->len);
  g_array_set_clear_func (plan, part_write_clear);
  for (guint i = 0; i < stats->len; i++)
    {
      const MsColumnStatistics *st = g_ptr_array_index (stats, i);
      int row = GPOINTER_TO_INT (g_hash_table_lookup (by_name, st->part_name)) - 1;
      if (row < 0)
        return ms_fail (error, MS_ERROR_NOT_FOUND, "Partition for which stats is gathered doesn't exist."),
               NULL;
      g_autoptr (GHashTable) params = ms_json_to_params (cell (parts, row, 2));
      PartWrite pw = { st, row, PQgetvalue (parts, row, 0),
                       columns_to_write (st, merge, param (params, MS_COLUMN_STATS_ACCURATE)) };
      g_array_append_val (plan, pw);
    }
  return g_steal_pointer (&plan);
}

/* Stored statistics of the partitions and columns the plan writes, keyed
 * "part_id/column" (read_partition_stats); an empty table when it writes
 * no column. */
static GHashTable *
read_planned_stats (MsPgConn *c, const char *table_id, const char *engine, GArray *plan,
                    GError **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  for (guint i = 0; i < plan->len; i++)
    {
      const PartWrite *pw = &g_array_index (plan, PartWrite, i);
      g_ptr_array_add (ids, (gpointer) pw->part_id);
      for (guint k = 0; k < pw->cols->len; k++)
        g_ptr_array_add (names, ((MsColStats *) g_ptr_array_index (pw->cols, k))->name);
    }
  if (names->len == 0)
    return g_hash_table_new (g_str_hash, g_str_equal);
  return read_partition_stats (c, table_id, engine, ids, names, error);
}

/* The rows of one entry, each merged with the stored statistics in 'old'
 * (NULL: replaced). */
static void
add_partition_rows (Rows *w, const PartWrite *pw, GHashTable *old, GArray *written)
{
  g_autoptr (GPtrArray) cols = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_col_stats_free);
  for (guint k = 0; k < pw->cols->len; k++)
    {
      g_autoptr (MsColStats) cs = ms_col_stats_copy (g_ptr_array_index (pw->cols, k));
      if (old != NULL)
        {
          g_autofree char *key = g_strdup_printf ("%s/%s", pw->part_id, cs->name);
          const MsStatsData *od = g_hash_table_lookup (old, key);
          if (od != NULL)
            ms_stats_merge (&cs->data, od);
        }
      rows_add (w, pw->part_id, pw->st->engine, cs);
      g_ptr_array_add (cols, g_steal_pointer (&cs));
    }
  note_written (written, pw->st, cols, pw->part_id);
}

/* Each written partition's new COLUMN_STATS_ACCURATE value into 'accurate'
 * (part_id, borrowed -> value): the entry's columns set on what earlier
 * entries for the same partition left, else on the stored value. */
static void
set_partition_accurate (GHashTable *accurate, const PGresult *parts, const PartWrite *pw)
{
  g_autoptr (GHashTable) params = NULL;
  const char *current = g_hash_table_lookup (accurate, pw->part_id);
  if (current == NULL)
    {
      params = ms_json_to_params (cell (parts, pw->row, 2));
      current = param (params, MS_COLUMN_STATS_ACCURATE);
    }
  g_autoptr (GPtrArray) names = names_of (pw->cols);
  char *value = ms_stats_accurate_set_columns (current, (const char *const *) names->pdata, names->len);
  g_hash_table_insert (accurate, (gpointer) pw->part_id, value);   /* frees the one replaced */
}

/* One COLUMN_STATS_ACCURATE update per partition in 'accurate', in the
 * order the plan first names them. */
static gboolean
write_partition_accurate (MsPgConn *c, const char *table_id, GArray *plan, GHashTable *accurate,
                          GError **error)
{
  if (g_hash_table_size (accurate) == 0)
    return TRUE;
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  g_autoptr (GPtrArray) values = g_ptr_array_new ();
  g_autoptr (GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < plan->len; i++)
    {
      const char *part_id = g_array_index (plan, PartWrite, i).part_id;
      const char *value = g_hash_table_lookup (accurate, part_id);
      if (value == NULL || !g_hash_table_add (done, (gpointer) part_id))
        continue;
      g_ptr_array_add (ids, (gpointer) part_id);
      g_ptr_array_add (values, (gpointer) value);
    }
  g_autofree char *ia = array_of (ids), *va = array_of (values);
  const char *v[] = { table_id, ia, va };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_parts_accurate, 3, v, error);
  return r != NULL;
}

/* The partition-level write: lock the partitions, plan each entry, read
 * what merging needs, upsert the rows, then the accurate flags. */
static gboolean
write_partition_level (MsPgConn *c, const char *table_id, GPtrArray *stats, gboolean merge,
                       gboolean copy, const char *merge_engine, gint64 last_analyzed,
                       GArray *written, GError **error)
{
  g_autoptr (PGresult) parts = lock_partitions (c, table_id, stats, error);
  if (parts == NULL)
    return FALSE;
  g_autoptr (GArray) plan = plan_partition_writes (parts, stats, merge, error);
  if (plan == NULL)
    return FALSE;
  g_autoptr (GHashTable) old = NULL;
  if (merge && (old = read_planned_stats (c, table_id, merge_engine, plan, error)) == NULL)
    return FALSE;

  g_auto (Rows) w;
  rows_init (&w);
  g_autoptr (GHashTable) accurate = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < plan->len; i++)
    {
      const PartWrite *pw = &g_array_index (plan, PartWrite, i);
      if (merge && pw->cols->len == 0)
        continue;      /* nothing accurate to merge with in this partition */
      add_partition_rows (&w, pw, old, written);
      if (!copy)       /* a copy leaves the partitions' parameters as they are */
        set_partition_accurate (accurate, parts, pw);
    }
  return upsert (c, &sql_parts_upsert, table_id, last_analyzed, &w, merge || copy, error)
         && write_partition_accurate (c, table_id, plan, accurate, error);
}

/* ms_store_stats_write and ms_store_stats_copy ('copy'). */
static gboolean
stats_write (MsStore *s, const char *catalog, const char *db, const char *table,
             gboolean table_level, GPtrArray *stats, gboolean merge, gboolean copy,
             const char *merge_engine, GError **error)
{
  if (stats->len == 0)
    return TRUE;
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  const char *key[] = { catalog, db, table };
  g_autoptr (PGresult) tbl = ms_pg_exec (c, table_level ? &sql_table_lock : &sql_table_share, 3, key,
                                         error);
  if (tbl == NULL)
    return FALSE;
  if (PQntuples (tbl) == 0)
    return table_missing (error, catalog, db, table);
  const char *engine = merge_engine ? merge_engine : MS_STATS_ENGINE_DEFAULT;
  g_autoptr (GArray) written = ms_stats_written_new ();
  gboolean ok;
  if (table_level)
    ok = write_table_level (c, tbl, db, table, g_ptr_array_index (stats, 0), merge, copy,
                            engine, written, error);
  else
    ok = write_partition_level (c, PQgetvalue (tbl, 0, 0), stats, merge, copy, engine,
                                ((MsColumnStatistics *) g_ptr_array_index (stats, 0))->last_analyzed,
                                written, error);
  return ok && ms_store_stats_events_update (s, c, catalog, db, table, written, error)
         && ms_pg_commit (c, error);
}

gboolean
ms_store_stats_write (MsStore *s, const char *catalog, const char *db, const char *table,
                      gboolean table_level, GPtrArray *stats, gboolean merge,
                      const char *merge_engine, GError **error)
{
  return stats_write (s, catalog, db, table, table_level, stats, merge, FALSE, merge_engine,
                      error);
}

gboolean
ms_store_stats_copy (MsStore *s, const char *catalog, const char *db, const char *table,
                     gboolean table_level, GPtrArray *stats, GError **error)
{
  return stats_write (s, catalog, db, table, table_level, stats, FALSE, TRUE, NULL, error);
}

/* ---- read ---- */

/* Run a stats read whose rows start with the table's (a left join): no row
 * means the table is missing (MS_ERROR_NOT_FOUND). Caller owns the result. */
static PGresult *
stats_read (MsStore *s, const MsSql *sql, int n, const char *const *v, const char *catalog,
            const char *db, const char *table, GError **error)
{
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, sql, n, v, error);
  if (r == NULL)
    return NULL;
  if (PQntuples (r) == 0)
    {
      table_missing (error, catalog, db, table);
      return NULL;
    }
  return g_steal_pointer (&r);
}

/* An empty result for catalog.db.table, partition 'part' (NULL: the
 * table's own statistics), engine 'engine'. */
static MsColumnStatistics *
stats_result_new (const char *catalog, const char *db, const char *table, const char *part,
                  const char *engine)
{
  MsColumnStatistics *out = ms_column_statistics_new ();
  out->catalog = g_strdup (catalog);
  out->db_name = g_strdup (db);
  out->table_name = g_strdup (table);
  out->part_name = g_strdup (part);
  out->is_tbl_level = part == NULL;
  out->engine = g_strdup (engine);
  return out;
}

/* Add to 'out' the column statistics of row 'i' read from column 'col' on,
 * analysed at the time in column 'la_col'. */
static void
stats_add_row (MsColumnStatistics *out, const PGresult *r, int i, int col, int la_col)
{
  MsColStats *cs = col_stats_from_row (r, i, col);
  if (cs == NULL)
    return;
  /* one lastAnalyzed for several columns: Hive reports the earliest */
  gint64 la = ms_pg_int64 (r, i, la_col, 0);
  if (out->cols->len == 0 || la < out->last_analyzed)
    out->last_analyzed = la;
  g_ptr_array_add (out->cols, cs);
}

MsColumnStatistics *
ms_store_stats_get_table (MsStore *s, const char *catalog, const char *db, const char *table,
                          const char *engine, const char *const *cols, guint n_cols, GError **error)
{
  g_autofree char *arr = ms_pg_array_literal (cols, n_cols);
  const char *v[] = { catalog, db, table, engine, arr };
  g_autoptr (PGresult) r = stats_read (s, &sql_table_get, 5, v, catalog, db, table, error);
  if (r == NULL)
    return NULL;
  MsColumnStatistics *out = stats_result_new (catalog, db, table, NULL, engine);
  for (int i = 0; i < PQntuples (r); i++)
    if (!PQgetisnull (r, i, 1))
      stats_add_row (out, r, i, 1, 4);
  return out;
}

GPtrArray *
ms_store_stats_get_partitions (MsStore *s, const char *catalog, const char *db, const char *table,
                               const char *engine, const char *const *parts, guint n_parts,
                               const char *const *cols, guint n_cols, GError **error)
{
  g_autofree char *pa = ms_pg_array_literal (parts, n_parts);
  g_autofree char *ca = ms_pg_array_literal (cols, n_cols);
  const char *v[] = { catalog, db, table, engine, pa, ca };
  g_autoptr (PGresult) r = stats_read (s, &sql_parts_get, 6, v, catalog, db, table, error);
  if (r == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_column_statistics_free);
  MsColumnStatistics *cur = NULL;
  for (int i = 0; i < PQntuples (r); i++)
    {
      if (PQgetisnull (r, i, 1) || PQgetisnull (r, i, 2))
        continue;
      const char *part = PQgetvalue (r, i, 1);
      if (cur == NULL || !g_str_equal (cur->part_name, part))
        {
          cur = stats_result_new (catalog, db, table, part, engine);
          g_ptr_array_add (out, cur);
        }
      stats_add_row (cur, r, i, 2, 5);
    }
  return out;
}

/* ---- delete ---- */

/* The COLUMN_STATS_ACCURATE flag of 'params_json' without the columns of
 * 'what' (none named: without any column), or NULL when the params hold
 * no flag. */
static char *
accurate_without (const char *params_json, const MsStatsDelete *what)
{
  g_autoptr (GHashTable) params = ms_json_to_params (params_json);
  const char *accurate = param (params, MS_COLUMN_STATS_ACCURATE);
  if (accurate == NULL)
    return NULL;
  return ms_stats_accurate_remove_columns (accurate, what->n_cols ? what->cols : NULL,
                                          what->n_cols);
}

/* The columns of 'what' as a text[] literal, or NULL for every column. */
static char *
cols_literal (const MsStatsDelete *what)
{
  return what->n_cols > 0 ? ms_pg_array_literal (what->cols, what->n_cols) : NULL;
}

/* 'n' names joined with ','. */
static char *
joined (const char *const *v, guint n)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%s", i ? "," : "", v[i]);
  return g_string_free (out, FALSE);
}

/* MS_ERROR_NOT_FOUND when named columns had no statistics to delete, as
 * Hive's ObjectStore answers; 'where' names the table or partitions. */
static gboolean
deleted_some (PGresult *del, const MsStatsDelete *what, const char *where, GError **error)
{
  if (what->n_cols == 0 || g_ascii_strtoll (PQcmdTuples (del), NULL, 10) > 0)
    return TRUE;
  g_autofree char *cols = joined (what->cols, what->n_cols);
  return ms_fail (error, MS_ERROR_NOT_FOUND, "Column stats doesn't exist for %s col=%s", where,
                  cols);
}

/* The table-level delete, in the transaction open on 'c'; 'tbl' is the
 * table's locked row. */
static gboolean
delete_table_level (MsStore *s, MsPgConn *c, const char *catalog, const char *db,
                    const char *table, PGresult *tbl, const MsStatsDelete *what, GError **error)
{
  const char *table_id = PQgetvalue (tbl, 0, 0);
  g_autofree char *cols = cols_literal (what);
  const char *v[] = { table_id, what->engine, cols };
  g_autoptr (PGresult) del = ms_pg_exec (c, &sql_table_delete, 3, v, error);
  g_autofree char *where = g_strdup_printf ("db=%s table=%s", db, table);
  if (del == NULL || !deleted_some (del, what, where, error))
    return FALSE;
  g_autofree char *acc = accurate_without (cell (tbl, 0, 2), what);
  const char *av[] = { table_id, acc };
  g_autoptr (PGresult) upd = acc ? ms_pg_exec (c, &sql_table_accurate, 2, av, error) : NULL;
  if (acc != NULL && upd == NULL)
    return FALSE;
  return ms_store_stats_events_delete (s, c, catalog, db, table, NULL, what->cols, what->n_cols,
                                       error);
}

/* Rows of a partition listing (column 1: part_name) by name, as Hive's
 * listPartitionNames orders them. */
static int
by_part_name (gconstpointer a, gconstpointer b, gpointer rows)
{
  return strcmp (PQgetvalue (rows, *(const int *) a, 1), PQgetvalue (rows, *(const int *) b, 1));
}

/* The partitions of table 'table_id' that 'what' names, locked: their
 * rows (part_id, part_name, params), in the order named (every partition
 * by name when none is named, as Hive lists them), or NULL with MS_ERROR_NOT_FOUND for a name
 * that is no partition. 'order' receives the row index of each. */
static PGresult *
lock_delete_partitions (MsPgConn *c, const char *table_id, const MsStatsDelete *what,
                        GArray **order, GError **error)
{
  g_autofree char *names = what->n_parts ? ms_pg_array_literal (what->parts, what->n_parts) : NULL;
  const char *v[] = { table_id, names };
  g_autoptr (PGresult) r = names ? ms_pg_exec (c, &sql_parts_lock, 2, v, error)
                                 : ms_pg_exec (c, &sql_parts_lock_all, 1, v, error);
  if (r == NULL)
    return NULL;
  *order = g_array_new (FALSE, FALSE, sizeof (int));
  for (int row = 0; names == NULL && row < PQntuples (r); row++)
    g_array_append_val (*order, row);
  if (names == NULL)
    g_array_sort_with_data (*order, by_part_name, r);
  for (guint i = 0; names != NULL && i < what->n_parts; i++)
    {
      int found = -1;
      for (int row = 0; row < PQntuples (r) && found < 0; row++)
        if (g_str_equal (PQgetvalue (r, row, 1), what->parts[i]))
          found = row;
      if (found < 0)
        {
          g_clear_pointer (order, g_array_unref);
          ms_fail (error, MS_ERROR_NOT_FOUND,
                   "Partition %s for which stats deletion is requested doesn't exist",
                   what->parts[i]);
          return NULL;
        }
      g_array_append_val (*order, found);
    }
  return g_steal_pointer (&r);
}

/* The partition-level delete, in the transaction open on 'c'. */
static gboolean
delete_partition_level (MsStore *s, MsPgConn *c, const char *catalog, const char *db,
                        const char *table, const char *table_id, const MsStatsDelete *what,
                        GError **error)
{
  g_autoptr (GArray) order = NULL;
  g_autoptr (PGresult) parts = lock_delete_partitions (c, table_id, what, &order, error);
  if (parts == NULL)
    return FALSE;
  if (order->len == 0)
    return TRUE;            /* no partition: nothing to delete, as Hive */
  g_autoptr (GPtrArray) ids = g_ptr_array_new (), acc_ids = g_ptr_array_new ();
  g_autoptr (GPtrArray) accs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  for (guint i = 0; i < order->len; i++)
    {
      int row = g_array_index (order, int, i);
      g_ptr_array_add (ids, PQgetvalue (parts, row, 0));
      g_ptr_array_add (names, PQgetvalue (parts, row, 1));
      char *acc = accurate_without (cell (parts, row, 2), what);
      if (acc != NULL)
        {
          g_ptr_array_add (acc_ids, PQgetvalue (parts, row, 0));
          g_ptr_array_add (accs, acc);
        }
    }
  g_autofree char *id_arr = ms_pg_array_literal ((const char *const *) ids->pdata, ids->len);
  g_autofree char *cols = cols_literal (what);
  const char *v[] = { table_id, id_arr, what->engine, cols };
  g_autoptr (PGresult) del = ms_pg_exec (c, &sql_parts_delete, 4, v, error);
  g_autofree char *q = qualified (catalog, db, table);
  g_autofree char *named = joined ((const char *const *) names->pdata, names->len);
  g_autofree char *where = g_strdup_printf ("table=%s partition=%s", q, named);
  if (del == NULL || !deleted_some (del, what, where, error))
    return FALSE;
  g_autofree char *acc_id_arr = ms_pg_array_literal ((const char *const *) acc_ids->pdata,
                                                     acc_ids->len);
  g_autofree char *acc_arr = ms_pg_array_literal ((const char *const *) accs->pdata, accs->len);
  const char *av[] = { table_id, acc_id_arr, acc_arr };
  g_autoptr (PGresult) upd = accs->len ? ms_pg_exec (c, &sql_parts_accurate, 3, av, error) : NULL;
  if (accs->len > 0 && upd == NULL)
    return FALSE;
  return ms_store_stats_events_delete (s, c, catalog, db, table, ids, what->cols, what->n_cols,
                                       error);
}

gboolean
ms_store_stats_delete (MsStore *s, const char *catalog, const char *db, const char *table,
                       const MsStatsDelete *what, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  const char *key[] = { catalog, db, table };
  g_autoptr (PGresult) tbl = ms_pg_exec (c, &sql_delete_lock, 3, key, error);
  if (tbl == NULL)
    return FALSE;
  if (PQntuples (tbl) == 0)
    {
      g_autofree char *q = qualified (catalog, db, table);
      return ms_fail (error, MS_ERROR_NOT_FOUND,
                      "Table %s  for which stats deletion is requested doesn't exist", q);
    }
  if (is_transactional (cell (tbl, 0, 2)))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "Cannot delete stats via this API for a transactional table");
  gboolean partitioned = g_ascii_strtoll (PQgetvalue (tbl, 0, 3), NULL, 10) > 0;
  gboolean ok = !partitioned || what->table_level
    ? delete_table_level (s, c, catalog, db, table, tbl, what, error)
    : delete_partition_level (s, c, catalog, db, table, PQgetvalue (tbl, 0, 0), what, error);
  return ok && ms_pg_commit (c, error);
}

/* ---- alter_table ---- */

gboolean
ms_store_stats_drop_stale (MsPgConn *c, const char *table_id, const char *cols_json, GError **error)
{
  const char *v[] = { table_id, cols_json };
  g_autoptr (PGresult) gone = ms_pg_exec (c, &sql_drop_stale, 2, v, error);
  if (gone == NULL)
    return FALSE;
  int n = PQntuples (gone);
  if (n == 0)
    return TRUE;

  /* the table's flags: rows with no partition come first */
  g_autoptr (GPtrArray) cols = g_ptr_array_new ();
  int i = 0;
  for (; i < n && PQgetisnull (gone, i, 0); i++)
    g_ptr_array_add (cols, PQgetvalue (gone, i, 1));
  if (cols->len > 0)
    {
      const char *tv[] = { table_id };
      g_autoptr (PGresult) cur = ms_pg_exec (c, &sql_table_accurate_get, 1, tv, error);
      if (cur == NULL)
        return FALSE;
      if (PQntuples (cur) > 0 && !PQgetisnull (cur, 0, 0))
        {
          g_autofree char *acc = ms_stats_accurate_remove_columns (
              PQgetvalue (cur, 0, 0), (const char *const *) cols->pdata, cols->len);
          const char *uv[] = { table_id, acc };
          g_autoptr (PGresult) r = ms_pg_exec (c, &sql_table_accurate, 2, uv, error);
          if (r == NULL)
            return FALSE;
        }
    }
  if (i == n)
    return TRUE;

  /* the partitions' flags, one value per partition */
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  for (int k = i; k < n; k++)
    if (ids->len == 0 || !g_str_equal (g_ptr_array_index (ids, ids->len - 1), PQgetvalue (gone, k, 0)))
      g_ptr_array_add (ids, PQgetvalue (gone, k, 0));
  g_autofree char *id_arr = array_of (ids);
  const char *pv[] = { table_id, id_arr };
  g_autoptr (PGresult) cur = ms_pg_exec (c, &sql_parts_params, 2, pv, error);
  if (cur == NULL)
    return FALSE;
  g_autoptr (GPtrArray) uids = g_ptr_array_new ();
  g_autoptr (GPtrArray) uvals = g_ptr_array_new_with_free_func (g_free);
  for (int p = 0; p < PQntuples (cur); p++)
    {
      if (PQgetisnull (cur, p, 1))
        continue;
      g_autoptr (GPtrArray) pcols = g_ptr_array_new ();
      for (int k = i; k < n; k++)
        if (g_str_equal (PQgetvalue (gone, k, 0), PQgetvalue (cur, p, 0)))
          g_ptr_array_add (pcols, PQgetvalue (gone, k, 1));
      g_ptr_array_add (uids, PQgetvalue (cur, p, 0));
      g_ptr_array_add (uvals, ms_stats_accurate_remove_columns (PQgetvalue (cur, p, 1),
                                                              (const char *const *) pcols->pdata,
                                                              pcols->len));
    }
  if (uids->len == 0)
    return TRUE;
  g_autofree char *ia = array_of (uids), *va = array_of (uvals);
  const char *uv[] = { table_id, ia, va };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_parts_accurate, 3, uv, error);
  return r != NULL;
}
