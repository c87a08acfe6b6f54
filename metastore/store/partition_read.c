/*
 * partition_read.c: partition reads. Every listing (all, by names, by a
 * partial or exact spec, by filter) is one parameterised statement over
 * ms_partitions ordered by partition name, as Hive orders them; filters
 * are compiled by partition_filter.c onto the typed ms_partition_values
 * index. Rows are decoded onto the table's descriptor (a partition row
 * keeps only what differs from its table).
 *
 * Long results stream: up to SCAN_BATCH rows come from one statement;
 * beyond that the count and the rows are read in one REPEATABLE READ
 * snapshot through a cursor, SCAN_BATCH rows at a time, so a reply of
 * 100,000 partitions never holds more than one batch of rows.
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/json.h"
#include "store/sd_json.h"
#include "store/json_flat.h"
#include "store/partition_internal.h"
#include "store/partition_filter.h"
#include "store/table_internal.h"
#include "core/part_name.h"
#include <stdio.h>
#include <string.h>

#define SCAN_BATCH 1000

static const MsSql sql_scan_all = { "partition_scan_all",
  "SELECT " PARTITION_COLUMNS " FROM ms_partitions p WHERE p.table_id = $1::bigint "
  "ORDER BY p.part_name LIMIT $2::int",
  .read_only = TRUE };

/* "a, b, c" of n values (the query's values are not NULL-terminated). */
static char *
join_values (const char *const *v, guint n)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", v[i] ? v[i] : "null");
  return g_string_free (s, FALSE);
}

static const char *
cell (const PGresult *r, int i, int col)
{
  return PQgetisnull (r, i, col) ? NULL : PQgetvalue (r, i, col);
}

GPtrArray *
ms_partition_json_strings (const char *json)
{
  GPtrArray *out = ms_strings_new ();
  if (json == NULL || ms_json_flat_strings (json, strlen (json), out))
    return out;
  g_ptr_array_unref (out);
  return ms_json_to_strings (json);
}

GHashTable *
ms_partition_json_params (const char *json)
{
  if (json == NULL || g_str_equal (json, "{}"))
    return ms_params_new ();
  g_autoptr (GPtrArray) kv = ms_strings_new ();
  if (!ms_json_flat_object (json, strlen (json), kv))
    return ms_json_to_params (json);
  GHashTable *out = ms_params_new ();
  for (guint i = 0; i + 1 < kv->len; i += 2)
    g_hash_table_replace (out, g_steal_pointer (&kv->pdata[i]), g_steal_pointer (&kv->pdata[i + 1]));
  return out;
}

/* ---- the transient view of a row ---- */

typedef gboolean (*RowFn) (gpointer user, const MsPartition *p, gboolean shares_table_sd,
                           GError **error);

/* Calls 'fn' with partition 'i' of 'r' whose storage descriptor borrows
 * from the table's ('t') where the row shares it. */
static gboolean
with_row (const PGresult *r, int i, const MsTable *t, RowFn fn, gpointer user, GError **error)
{
  MsPartition p = { 0 };
  p.id = ms_pg_int64 (r, i, PCOL_ID, 0);
  p.catalog = t->catalog;
  p.db_name = t->db_name;
  p.table_name = t->name;
  p.values = ms_partition_json_strings (cell (r, i, PCOL_VALS));
  p.create_time = ms_pg_int (r, i, PCOL_CREATE, 0);
  p.last_access_time = ms_pg_int (r, i, PCOL_ACCESS, 0);
  p.params = ms_partition_json_params (cell (r, i, PCOL_PARAMS));

  MsStorageDescriptor shared = { 0 };
  MsStorageDescriptor *own = NULL;
  if (cell (r, i, PCOL_SD) != NULL)
    own = ms_json_to_sd (cell (r, i, PCOL_SD));
  else if (t->sd != NULL)
    shared = *t->sd;
  else
    own = ms_sd_new ();
  MsStorageDescriptor *sd = own ? own : &shared;
  char *saved_location = sd->location;
  GPtrArray *saved_cols = sd->cols;
  GPtrArray *own_cols = NULL;
  sd->location = (char *) cell (r, i, PCOL_LOCATION);
  if (cell (r, i, PCOL_COLS) != NULL)
    sd->cols = own_cols = ms_json_to_columns (cell (r, i, PCOL_COLS));
  else
    sd->cols = t->sd ? t->sd->cols : saved_cols;
  p.sd = sd;

  gboolean ok = fn (user, &p, own == NULL && own_cols == NULL, error);

  sd->location = saved_location;
  sd->cols = saved_cols;
  if (own_cols)
    g_ptr_array_unref (own_cols);
  ms_sd_free (own);
  g_ptr_array_unref (p.values);
  g_hash_table_unref (p.params);
  return ok;
}

static gboolean
copy_row (gpointer user, const MsPartition *p, gboolean shares_table_sd, GError **error)
{
  (void) error;
  (void) shares_table_sd;
  MsPartition **out = user;
  MsPartition *c = ms_partition_new ();
  c->id = p->id;
  c->catalog = g_strdup (p->catalog);
  c->db_name = g_strdup (p->db_name);
  c->table_name = g_strdup (p->table_name);
  for (guint i = 0; i < p->values->len; i++)
    g_ptr_array_add (c->values, g_strdup (g_ptr_array_index (p->values, i)));
  c->create_time = p->create_time;
  c->last_access_time = p->last_access_time;
  c->sd = ms_sd_copy (p->sd);
  g_hash_table_unref (c->params);
  c->params = ms_params_copy (p->params);
  *out = c;
  return TRUE;
}

MsPartition *
ms_partition_from_row (const PGresult *r, int row, const MsTable *t)
{
  MsPartition *out = NULL;
  with_row (r, row, t, copy_row, &out, NULL);
  return out;
}

/* ---- selections ---- */

/* The WHERE conditions of 'q' after "p.table_id = $1", parameters from $2. */
static gboolean
selection (const MsPartitionQuery *q, const MsTable *t, GString *sql, GPtrArray *params,
           GError **error)
{
  guint nkeys = t->partition_keys->len;
  if (q->by_values)
    {
      if (q->n_values != nkeys || nkeys == 0)
        {
          g_autoptr (GString) msg = g_string_new ("Invalid partition key & values; keys [");
          for (guint i = 0; i < nkeys; i++)
            g_string_append_printf (msg, "%s, ",
                                    ((MsColumn *) g_ptr_array_index (t->partition_keys, i))->name);
          g_string_append (msg, "], values [");
          for (guint i = 0; i < q->n_values; i++)
            g_string_append_printf (msg, "%s, ", q->values[i] ? q->values[i] : "null");
          g_string_append (msg, "]");
          return ms_fail (error, MS_ERROR_NOT_ALLOWED, "%s", msg->str);
        }
      g_autofree const char **keys = g_new0 (const char *, nkeys);
      for (guint i = 0; i < nkeys; i++)
        keys[i] = ((MsColumn *) g_ptr_array_index (t->partition_keys, i))->name;
      g_ptr_array_add (params, ms_part_name_make (keys, q->values, nkeys));
      g_string_append_printf (sql, " AND p.part_name = $%u", params->len);
    }
  if (q->by_names)
    {
      g_ptr_array_add (params, ms_pg_array_literal (q->names, q->n_names));
      g_string_append_printf (sql, " AND p.part_name = ANY ($%u::text[])", params->len);
    }
  if (q->partial)
    {
      if (q->n_values == 0)
        return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                        "The partial partition specification has no values");
      if (q->n_values > nkeys)
        {
          g_autofree char *vals = join_values (q->values, q->n_values);
          return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                          "Incorrect number of partition values. numPartKeys=%u, part_val=[%s]",
                          nkeys, q->n_values ? vals : "");
        }
      for (guint i = 0; i < q->n_values; i++)
        {
          if (q->values[i] == NULL || q->values[i][0] == '\0')
            continue;
          g_ptr_array_add (params, g_strdup (q->values[i]));
          g_string_append_printf (sql,
                                  " AND p.part_id IN (SELECT v.part_id FROM ms_partition_values v "
                                  "WHERE v.table_id = $1 AND v.key_idx = %u AND v.val = $%u)",
                                  i, params->len);
        }
    }
  if (q->filter != NULL)
    {
      g_string_append (sql, " AND p.part_id IN (");
      if (!ms_partition_filter_compile (q->filter, t->partition_keys, "$1", sql, params, error))
        return FALSE;
      g_string_append_c (sql, ')');
    }
  return TRUE;
}

void
ms_partition_sel_clear (MsPartitionSel *sel)
{
  g_clear_pointer (&sel->table, ms_table_free);
  if (sel->from != NULL)
    g_string_free (g_steal_pointer (&sel->from), TRUE);
  g_clear_pointer (&sel->params, g_ptr_array_unref);
}

MsPgConn *
ms_partition_select (MsStore *s, const MsPartitionQuery *q, gboolean begin, gboolean lock_table,
                     MsPartitionSel *sel, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || (begin && !ms_pg_begin (c, error)))
    return NULL;
  sel->params = ms_strings_new ();
  sel->from = g_string_new (NULL);
  sel->table = ms_store_table_get_on (c, q->catalog, q->db, q->table, lock_table, error);
  if (sel->table == NULL)
    return NULL;
  g_ptr_array_add (sel->params, g_strdup_printf ("%" G_GINT64_FORMAT, sel->table->id));
  g_string_append (sel->from, " FROM ms_partitions p WHERE p.table_id = $1");
  if (!selection (q, sel->table, sel->from, sel->params, error))
    return NULL;
  return g_steal_pointer (&c);
}

PGresult *
ms_partition_sel_exec (MsPgConn *c, const MsPartitionSel *sel, const char *sql, GError **error)
{
  return ms_pg_exec_text (c, sql, (int) sel->params->len,
                          (const char *const *) sel->params->pdata, error);
}

PGresult *
ms_partition_sel_read (MsPgConn *c, const MsPartitionSel *sel, const char *sql, GError **error)
{
  return ms_pg_read_text (c, sql, (int) sel->params->len,
                          (const char *const *) sel->params->pdata, error);
}

/* ---- scans ---- */

typedef struct {
  const MsPartitionSink *sink;
  gpointer user;
} SinkCall;

static gboolean
sink_row (gpointer user, const MsPartition *p, gboolean shares_table_sd, GError **error)
{
  SinkCall *sc = user;
  return sc->sink->row (sc->user, p, shares_table_sd, error);
}

static gboolean
emit (const PGresult *r, const MsTable *t, SinkCall *sc, GError **error)
{
  for (int i = 0; i < PQntuples (r); i++)
    if (!with_row (r, i, t, sink_row, sc, error))
      return FALSE;
  return TRUE;
}

gboolean
ms_store_partition_scan (MsStore *s, const MsPartitionQuery *q, const MsPartitionSink *sink,
                         gpointer user, GError **error)
{
  g_auto (MsPartitionSel) sel = { 0 };
  g_autoptr (MsPgConn) c = ms_partition_select (s, q, FALSE, FALSE, &sel, error);
  if (c == NULL)
    return FALSE;
  const MsTable *t = sel.table;
  SinkCall sc = { sink, user };
  const char *const *pv = (const char *const *) sel.params->pdata;

  /* one statement when the result fits one batch */
  int want = (q->max_parts < 0 || q->max_parts > SCAN_BATCH) ? SCAN_BATCH + 1 : q->max_parts;
  g_autofree char *first = g_strdup_printf ("SELECT " PARTITION_COLUMNS "%s ORDER BY p.part_name "
                                            "LIMIT %d", sel.from->str, want);
  {
    /* the plain listing as a prepared statement; the others are planned
     * with their values (a generic plan of "= ANY (names)" or of a filter
     * misjudges how many rows they select) */
    g_autoptr (PGresult) r = NULL;
    gboolean plain = q->filter == NULL && !q->partial && !q->by_values;
    char want_text[16];
    snprintf (want_text, sizeof want_text, "%d", want);
    if (plain && !q->by_names)
      {
        const char *v[] = { pv[0], want_text };
        r = ms_pg_exec (c, &sql_scan_all, 2, v, error);
      }
    else
      r = ms_pg_exec_text (c, first, (int) sel.params->len, pv, error);
    if (r == NULL)
      return FALSE;
    if (PQntuples (r) < want || want == q->max_parts)
      return sink->begin (user, t, (guint) PQntuples (r), error) && emit (r, t, &sc, error);
  }

  /* more than one batch: count and rows from one snapshot, by cursor */
  g_autofree char *limit = q->max_parts >= 0 ? g_strdup_printf (" LIMIT %d", q->max_parts)
                                             : g_strdup ("");
  g_autofree char *count = g_strdup_printf ("SELECT count(*) FROM (SELECT 1%s ORDER BY "
                                            "p.part_name%s) q", sel.from->str, limit);
  g_autofree char *declare = g_strdup_printf ("DECLARE ms_partition_scan NO SCROLL CURSOR FOR "
                                              "SELECT " PARTITION_COLUMNS "%s ORDER BY "
                                              "p.part_name%s", sel.from->str, limit);
  if (!ms_pg_begin (c, error)
      || !ms_pg_exec_script (c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                             error))
    return FALSE;
  g_autoptr (PGresult) n = ms_pg_exec_text (c, count, (int) sel.params->len, pv, error);
  if (n == NULL)
    return FALSE;
  gint64 total = ms_pg_int64 (n, 0, 0, 0);
  g_autoptr (PGresult) d = ms_pg_exec_text (c, declare, (int) sel.params->len, pv, error);
  if (d == NULL || !sink->begin (user, t, (guint) total, error))
    return FALSE;
  gint64 sent = 0;
  for (;;)
    {
      g_autoptr (PGresult) r = ms_pg_exec_text (c, "FETCH FORWARD " G_STRINGIFY (SCAN_BATCH)
                                                " FROM ms_partition_scan", 0, NULL, error);
      if (r == NULL)
        return FALSE;
      if (PQntuples (r) == 0)
        break;
      sent += PQntuples (r);
      if (sent > total)
        return ms_fail (error, MS_ERROR_INTERNAL, "partition scan returned more rows than counted");
      if (!emit (r, t, &sc, error))
        return FALSE;
    }
  if (sent != total)
    return ms_fail (error, MS_ERROR_INTERNAL, "partition scan returned fewer rows than counted");
  return ms_pg_commit (c, error);
}

typedef struct {
  MsTable *table;
  GPtrArray *out;
} Collect;

static gboolean
collect_begin (gpointer user, const MsTable *t, guint n, GError **error)
{
  (void) error;
  (void) t;
  Collect *col = user;
  (void) n;
  g_ptr_array_set_size (col->out, 0);
  return TRUE;
}

static gboolean
collect_row (gpointer user, const MsPartition *p, gboolean shares_table_sd, GError **error)
{
  Collect *col = user;
  MsPartition *copy = NULL;
  copy_row (&copy, p, shares_table_sd, error);
  g_ptr_array_add (col->out, copy);
  return TRUE;
}

GPtrArray *
ms_store_partition_list (MsStore *s, const MsPartitionQuery *q, GError **error)
{
  static const MsPartitionSink sink = { collect_begin, collect_row };
  g_autoptr (GPtrArray) out = ms_partitions_new ();
  Collect col = { NULL, out };
  if (!ms_store_partition_scan (s, q, &sink, &col, error))
    return NULL;
  return g_steal_pointer (&out);
}

MsPartition *
ms_store_partition_get (MsStore *s, const MsPartitionQuery *q, GError **error)
{
  g_autoptr (GPtrArray) parts = ms_store_partition_list (s, q, error);
  if (parts == NULL)
    return NULL;
  if (parts->len == 0)
    {
      if (q->by_values)
        {
          g_autofree char *vals = join_values (q->values, q->n_values);
          ms_fail (error, MS_ERROR_NOT_FOUND, "partition values=[%s]", vals);
        }
      else
        ms_fail (error, MS_ERROR_NOT_FOUND, "partition name=%s",
                 q->n_names ? q->names[0] : "");
      return NULL;
    }
  return g_steal_pointer (&parts->pdata[0]);
}

GPtrArray *
ms_store_partition_names (MsStore *s, const MsPartitionQuery *q, GError **error)
{
  g_auto (MsPartitionSel) sel = { 0 };
  g_autoptr (MsPgConn) c = ms_partition_select (s, q, FALSE, FALSE, &sel, error);
  if (c == NULL)
    return NULL;
  g_autoptr (GString) sql = g_string_new ("SELECT p.part_name");
  g_string_append_printf (sql, "%s ORDER BY p.part_name", sel.from->str);
  if (q->max_parts >= 0)
    g_string_append_printf (sql, " LIMIT %d", q->max_parts);
  g_autoptr (PGresult) r = ms_partition_sel_read (c, &sel, sql->str, error);
  return r ? ms_pg_column_strings (r, 0) : NULL;
}

gint64
ms_store_partition_count (MsStore *s, const MsPartitionQuery *q, GError **error)
{
  g_auto (MsPartitionSel) sel = { 0 };
  g_autoptr (MsPgConn) c = ms_partition_select (s, q, FALSE, FALSE, &sel, error);
  if (c == NULL)
    return -1;
  g_autofree char *sql = g_strdup_printf ("SELECT count(*)%s", sel.from->str);
  g_autoptr (PGresult) r = ms_partition_sel_read (c, &sel, sql, error);
  return r ? ms_pg_int64 (r, 0, 0, 0) : -1;
}

GPtrArray *
ms_store_partition_values (MsStore *s, const MsPartitionQuery *q, const char *const *keys,
                           guint n_keys, gboolean distinct, const char *const *order,
                           guint n_order, gboolean ascending, GError **error)
{
  g_auto (MsPartitionSel) sel = { 0 };
  g_autoptr (MsPgConn) c = ms_partition_select (s, q, FALSE, FALSE, &sel, error);
  if (c == NULL)
    return NULL;
  const MsTable *t = sel.table;
  /* key names -> 1-based positions in vals (integers, safe to splice) */
  g_autoptr (GString) cols = g_string_new (NULL);
  g_autoptr (GString) by = g_string_new (NULL);
  for (guint pass = 0; pass < 2; pass++)
    {
      const char *const *names = pass == 0 ? keys : order;
      guint n = pass == 0 ? n_keys : n_order;
      GString *out = pass == 0 ? cols : by;
      for (guint i = 0; i < n; i++)
        {
          guint k;
          for (k = 0; k < t->partition_keys->len; k++)
            if (g_ascii_strcasecmp (((MsColumn *) g_ptr_array_index (t->partition_keys, k))->name,
                                    names[i] ? names[i] : "") == 0)
              break;
          if (k == t->partition_keys->len)
            return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Invalid partition key %s",
                            names[i] ? names[i] : "null"), NULL;
          /* grouped (distinct) rows order by an aggregate of the order key */
          if (pass == 1 && distinct)
            g_string_append_printf (out, "%smin (p.vals[%u])", i ? ", " : "", k + 1);
          else
            g_string_append_printf (out, "%sp.vals[%u]", i ? ", " : "", k + 1);
          if (pass == 1)
            g_string_append (out, ascending ? " ASC" : " DESC");
        }
    }
  if (cols->len == 0)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "No partition keys requested"), NULL;
  g_autoptr (GString) sql = g_string_new ("SELECT ");
  g_string_append_printf (sql, "%s%s", cols->str, sel.from->str);
  if (distinct)
    g_string_append_printf (sql, " GROUP BY %s ORDER BY %s%s%s", cols->str, by->str,
                            by->len ? ", " : "", cols->str);
  else
    g_string_append_printf (sql, " ORDER BY %s%sp.part_name", by->str, by->len ? ", " : "");
  if (q->max_parts >= 0)
    g_string_append_printf (sql, " LIMIT %d", q->max_parts);
  g_autoptr (PGresult) r = ms_partition_sel_read (c, &sel, sql->str, error);
  if (r == NULL)
    return NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (int i = 0; i < PQntuples (r); i++)
    {
      GPtrArray *row = ms_strings_new ();
      for (int j = 0; j < PQnfields (r); j++)
        g_ptr_array_add (row, ms_pg_dup (r, i, j));
      g_ptr_array_add (rows, row);
    }
  return rows;
}
