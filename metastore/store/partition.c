/*
 * partition.c: partition changes: add, alter, rename, drop and exchange,
 * each one transaction. A partition is one ms_partitions row keeping only
 * what differs from its table (descriptor and columns NULL while shared)
 * plus one typed ms_partition_values row per key for the filters (no
 * foreign key: every statement here deleting partitions deletes their
 * values rows too, as table.c, iceberg.c and database.c do). Adding
 * many partitions is one statement over unnested arrays whatever their
 * number.
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/events.h"
#include "store/json.h"
#include "store/json_flat.h"
#include "store/sd_json.h"
#include "store/partition_internal.h"
#include "store/partition_filter.h"
#include "store/table_internal.h"
#include "store/stats_internal.h"
#include "core/part_name.h"
#include "model/owned.h"
#include <stdio.h>
#include <string.h>

/* $1 table id; $2.. per partition: name, values (JSON), create time, last
 * access time, location, sd, cols, params; then per value: partition name,
 * key index, text, number. */
#define ADD_SQL(conflict) \
  "WITH ins AS (INSERT INTO ms_partitions (table_id, part_name, vals, create_time, " \
  "  last_access_time, location, sd, cols, params) " \
  "SELECT $1::bigint, u.name, ARRAY (SELECT jsonb_array_elements_text (u.vals::jsonb)), u.ct, " \
  "  u.lat, u.loc, u.sd::jsonb, u.cols::jsonb, u.params::jsonb " \
  "FROM unnest ($2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], " \
  "  $8::text[], $9::text[]) WITH ORDINALITY AS u (name, vals, ct, lat, loc, sd, cols, params, o) " \
  "ORDER BY u.o " conflict " RETURNING part_id, part_name), " \
  "vals AS (INSERT INTO ms_partition_values (table_id, part_id, key_idx, val, val_num) " \
  "SELECT $1::bigint, ins.part_id, v.k, v.val, v.num FROM ins JOIN unnest ($10::text[], " \
  "  $11::smallint[], $12::text[], $13::numeric[]) AS v (name, k, val, num) " \
  "  ON v.name = ins.part_name) " \
  "SELECT part_name FROM ins"
static const MsSql sql_part_add = { "part_add", ADD_SQL ("") };
static const MsSql sql_part_add_missing = { "part_add_missing",
  ADD_SQL ("ON CONFLICT (table_id, part_name) DO NOTHING") };

/* $1 table id; per partition: name, create time, last access time,
 * location, sd, cols, params */
static const MsSql sql_part_alter = { "part_alter",
  "UPDATE ms_partitions p SET create_time = u.ct, last_access_time = u.lat, location = u.loc, "
  "  sd = u.sd::jsonb, cols = u.cols::jsonb, params = u.params::jsonb "
  "FROM unnest ($2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], "
  "  $8::text[]) AS u (name, ct, lat, loc, sd, cols, params) "
  "WHERE p.table_id = $1::bigint AND p.part_name = u.name RETURNING p.part_name" };
static const MsSql sql_part_lock = { "part_lock",
  "SELECT part_id FROM ms_partitions WHERE table_id = $1::bigint AND part_name = $2 FOR UPDATE" };
static const MsSql sql_part_rename = { "part_rename",
  "UPDATE ms_partitions SET part_name = $3, vals = ARRAY (SELECT jsonb_array_elements_text "
  "  ($4::jsonb)), create_time = $5::int, last_access_time = $6::int, location = $7, "
  "  sd = $8::jsonb, cols = $9::jsonb, params = $10::jsonb "
  "WHERE table_id = $1::bigint AND part_id = $2::bigint" };
static const MsSql sql_part_values_delete = { "part_values_delete",
  "DELETE FROM ms_partition_values WHERE table_id = $1::bigint AND part_id = $2::bigint" };
static const MsSql sql_part_values_insert = { "part_values_insert",
  "INSERT INTO ms_partition_values (table_id, part_id, key_idx, val, val_num) "
  "SELECT $1::bigint, $2::bigint, v.k, v.val, v.num "
  "FROM unnest ($3::smallint[], $4::text[], $5::numeric[]) AS v (k, val, num)" };
static const MsSql sql_part_stats_delete = { "part_stats_delete",
  "DELETE FROM ms_part_col_stats WHERE table_id = $1::bigint AND part_id = $2::bigint" };
static const MsSql sql_part_exchange_copy = { "part_exchange_copy",
  "WITH moved AS (DELETE FROM ms_partitions WHERE table_id = $1::bigint "
  "  AND part_id = ANY ($3::bigint[]) RETURNING *), "
  "moved_values AS (DELETE FROM ms_partition_values WHERE table_id = $1::bigint "
  "  AND part_id = ANY ($3::bigint[])) "
  "INSERT INTO ms_partitions (table_id, part_name, vals, create_time, last_access_time, "
  "  location, sd, cols, params) "
  "SELECT $2::bigint, part_name, vals, create_time, last_access_time, "
  "  $4 || '/' || part_name, sd, cols, params FROM moved RETURNING part_id" };
static const MsSql sql_part_vals_of = { "part_vals_of",
  "SELECT array_to_json (vals)::text FROM ms_partitions WHERE table_id = $1::bigint "
  "AND part_id = $2::bigint",
  .read_only = TRUE };

/* ---- rows ---- */

static const char *const *
key_names (const MsTable *t, const char **buf)
{
  for (guint i = 0; i < t->partition_keys->len; i++)
    buf[i] = ((MsColumn *) g_ptr_array_index (t->partition_keys, i))->name;
  return buf;
}

char *
ms_store_partition_name (const MsTable *t, GPtrArray *values)
{
  g_autofree const char **keys = g_new0 (const char *, t->partition_keys->len + 1);
  return ms_part_name_make (key_names (t, keys), (const char *const *) values->pdata,
                            values->len);
}

static char *
values_json (GPtrArray *values)
{
  return ms_json_flat_write_strings ((const char *const *) values->pdata, values->len);
}

/* The stored form of one partition of 't'. */
typedef struct {
  char *name, *vals, *ct, *lat, *location, *sd, *cols, *params;
} Row;

static const MsOwned row_owned[] = {
  MS_OWNED_STR (Row, name), MS_OWNED_STR (Row, vals), MS_OWNED_STR (Row, ct),
  MS_OWNED_STR (Row, lat), MS_OWNED_STR (Row, location), MS_OWNED_STR (Row, sd),
  MS_OWNED_STR (Row, cols), MS_OWNED_STR (Row, params),
};

MS_OWNED_DEFINE_CLEAR (Row, row_clear, row_owned)

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Row, row_clear)

static void
row_fill (Row *r, const MsTable *t, const MsPartition *p)
{
  r->name = ms_store_partition_name (t, p->values);
  r->vals = values_json (p->values);
  r->ct = g_strdup_printf ("%d", p->create_time);
  r->lat = g_strdup_printf ("%d", p->last_access_time);
  const MsStorageDescriptor *sd = p->sd;
  r->location = sd ? g_strdup (sd->location) : NULL;
  r->sd = (sd == NULL || ms_sd_same_shape (sd, t->sd)) ? NULL : ms_json_from_sd (sd);
  GPtrArray *cols = sd ? sd->cols : NULL;
  r->cols = (cols == NULL || ms_columns_equal (cols, t->sd ? t->sd->cols : NULL))
              ? NULL : ms_json_from_columns (cols);
  r->params = ms_json_flat_write_object (p->params);
}

/* Parallel arrays of the typed values rows of 'parts'. */
typedef struct {
  GPtrArray *names, *keys, *vals, *nums;
} ValueRows;

static void
value_rows_add (ValueRows *v, const MsTable *t, const char *name, GPtrArray *values)
{
  for (guint k = 0; k < values->len && k < t->partition_keys->len; k++)
    {
      const MsColumn *key = g_ptr_array_index (t->partition_keys, k);
      const char *val = g_ptr_array_index (values, k);
      if (v->names)
        g_ptr_array_add (v->names, g_strdup (name));
      g_ptr_array_add (v->keys, g_strdup_printf ("%u", k));
      g_ptr_array_add (v->vals, g_strdup (val));
      g_ptr_array_add (v->nums, ms_partition_value_number (key->type, val));
    }
}

static char *
literal (GPtrArray *a)
{
  return ms_pg_array_literal ((const char *const *) a->pdata, a->len);
}

/* ---- add ---- */

/* The ADD_PARTITION event of the partitions of 'parts' whose stored names
 * are in 'added' (NULL: all of them), queued on 'c'. */
static gboolean
add_event (MsStore *s, MsPgConn *c, const MsTable *t, GPtrArray *parts, GPtrArray *added,
           GError **error)
{
  if ((added != NULL && added->len == 0) || !ms_store_events_enabled (s))
    return TRUE;
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; added != NULL && i < added->len; i++)
    g_hash_table_add (names, g_ptr_array_index (added, i));
  g_autoptr (GPtrArray) made = g_ptr_array_new ();
  for (guint i = 0; i < parts->len; i++)
    {
      MsPartition *p = g_ptr_array_index (parts, i);
      g_autofree char *name = added ? ms_store_partition_name (t, p->values) : NULL;
      if (added == NULL || g_hash_table_contains (names, name))
        g_ptr_array_add (made, p);
    }
  MsEvent ev = { .type = MS_EVENT_ADD_PARTITION, .table = t, .parts = made };
  return ms_store_emit (s, c, &ev, error);
}

typedef struct {
  MsStore *s;
  MsPgConn *c;
  const MsTable *t;
  GPtrArray *parts;
} AddEvent;

static gboolean
add_event_all (gpointer user, GError **error)
{
  AddEvent *a = user;
  return add_event (a->s, a->c, a->t, a->parts, NULL, error);
}

/* Run the add statement on 'c' and log what it added: without
 * 'if_not_exists' every partition is added or none, so the event is
 * encoded while PostgreSQL runs the INSERT, which travels with it and
 * COMMIT (one round trip; ms_pg_exec_commit_while); otherwise the event
 * names only the partitions the INSERT added. The names added (caller
 * owns), or NULL with *error set. */
static GPtrArray *
add_logged (MsStore *s, MsPgConn *c, const MsTable *t, GPtrArray *parts, gboolean if_not_exists,
            const char *const *params, GError **error)
{
  g_autoptr (PGresult) r = NULL;
  if (!if_not_exists && ms_store_events_enabled (s))
    {
      AddEvent a = { s, c, t, parts };
      r = ms_pg_exec_commit_while (c, &sql_part_add, 13, params, add_event_all, &a, error);
    }
  else
    {
      if (!if_not_exists)
        ms_pg_commit_next (c);
      r = ms_pg_exec (c, if_not_exists ? &sql_part_add_missing : &sql_part_add, 13, params, error);
    }
  if (r == NULL)
    return NULL;
  g_autoptr (GPtrArray) added = ms_pg_column_strings (r, 0);
  if (if_not_exists && (!add_event (s, c, t, parts, added, error) || !ms_pg_commit (c, error)))
    return NULL;
  return g_steal_pointer (&added);
}

GPtrArray *
ms_store_partition_add (MsStore *s, const MsTable *t, GPtrArray *parts, gboolean if_not_exists,
                        GError **error)
{
  GPtrArray *cols[8];
  for (int i = 0; i < 8; i++)
    cols[i] = ms_strings_new ();
  ValueRows v = { ms_strings_new (), ms_strings_new (), ms_strings_new (), ms_strings_new () };
  for (guint i = 0; i < parts->len; i++)
    {
      const MsPartition *p = g_ptr_array_index (parts, i);
      Row r = { 0 };
      row_fill (&r, t, p);
      value_rows_add (&v, t, r.name, p->values);
      char *fields[8] = { r.name, r.vals, r.ct, r.lat, r.location, r.sd, r.cols, r.params };
      for (int j = 0; j < 8; j++)
        g_ptr_array_add (cols[j], fields[j]);   /* takes the strings */
    }
  char id[24];
  snprintf (id, sizeof id, "%" G_GINT64_FORMAT, t->id);
  char *lits[12];
  for (int j = 0; j < 8; j++)
    lits[j] = literal (cols[j]);
  lits[8] = literal (v.names);
  lits[9] = literal (v.keys);
  lits[10] = literal (v.vals);
  lits[11] = literal (v.nums);
  const char *params[13] = { id };
  for (int j = 0; j < 12; j++)
    params[j + 1] = lits[j];

  GPtrArray *added = NULL;
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c != NULL && ms_store_begin_logged (s, c, error))
    {
      g_autoptr (GError) local = NULL;
      added = add_logged (s, c, t, parts, if_not_exists, params, &local);
      if (added == NULL && g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        ms_fail (error, MS_ERROR_ALREADY_EXISTS, "Partition already exists");
      else if (added == NULL && (g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND)
                                 || g_error_matches (local, MS_ERROR, MS_ERROR_INVALID_OBJECT)))
        ms_fail (error, MS_ERROR_INVALID_OBJECT,
                 "Unable to add partitions because database or table %s.%s does not exist",
                 t->db_name, t->name);
      else if (added == NULL)
        g_propagate_error (error, g_steal_pointer (&local));
    }
  for (int j = 0; j < 12; j++)
    g_free (lits[j]);
  for (int i = 0; i < 8; i++)
    g_ptr_array_unref (cols[i]);
  g_ptr_array_unref (v.names);
  g_ptr_array_unref (v.keys);
  g_ptr_array_unref (v.vals);
  g_ptr_array_unref (v.nums);
  return added;
}

/* ---- alter ---- */

/* The partitions of 't' stored as 'names' (a text[] literal), rows locked,
 * as they are now (MsPartition*); for the events of an alter or rename. */
static GPtrArray *
parts_by_names (MsPgConn *c, const MsTable *t, const char *names, GError **error)
{
  char id[24];
  snprintf (id, sizeof id, "%" G_GINT64_FORMAT, t->id);
  const char *v[] = { id, names };
  g_autoptr (PGresult) r = ms_pg_exec_text (
    c, "SELECT " PARTITION_COLUMNS " FROM ms_partitions p WHERE p.table_id = $1::bigint "
       "AND p.part_name = ANY ($2::text[]) FOR UPDATE", 2, v, error);
  if (r == NULL)
    return NULL;
  GPtrArray *out = ms_partitions_new ();
  for (int i = 0; i < PQntuples (r); i++)
    g_ptr_array_add (out, ms_partition_from_row (r, i, t));
  return out;
}

/* One ALTER_PARTITION event per partition of 'after' (MsPartition*) whose
 * stored name is in 'before' (its earlier state). */
static gboolean
alter_events (MsStore *s, MsPgConn *c, const MsTable *t, GPtrArray *before, GPtrArray *after,
              GError **error)
{
  g_autoptr (GHashTable) old = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < before->len; i++)
    {
      MsPartition *p = g_ptr_array_index (before, i);
      g_hash_table_insert (old, ms_store_partition_name (t, p->values), p);
    }
  for (guint i = 0; i < after->len; i++)
    {
      const MsPartition *p = g_ptr_array_index (after, i);
      g_autofree char *name = ms_store_partition_name (t, p->values);
      MsEvent ev = { .type = MS_EVENT_ALTER_PARTITION, .table = t, .part = p,
                     .part_before = g_hash_table_lookup (old, name) };
      if (ev.part_before != NULL && !ms_store_emit (s, c, &ev, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ms_store_partition_alter (MsStore *s, const char *catalog, const char *db, const char *table,
                          GPtrArray *parts, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  g_autoptr (MsTable) t = ms_store_table_get_on (c, catalog, db, table, FALSE, error);
  if (t == NULL)
    return FALSE;
  GPtrArray *cols[7];
  for (int i = 0; i < 7; i++)
    cols[i] = ms_strings_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < parts->len; i++)
    {
      const MsPartition *p = g_ptr_array_index (parts, i);
      if (p->values->len != t->partition_keys->len)
        {
          ok = ms_fail (error, MS_ERROR_NOT_FOUND, "Partition values %u do not match the %u "
                        "partition keys of %s.%s", p->values->len, t->partition_keys->len, db,
                        table);
          break;
        }
      Row r = { 0 };
      row_fill (&r, t, p);
      char *fields[7] = { r.name, r.ct, r.lat, r.location, r.sd, r.cols, r.params };
      for (int j = 0; j < 7; j++)
        g_ptr_array_add (cols[j], fields[j]);
      g_free (r.vals);
      g_hash_table_add (seen, r.name);
    }
  if (ok)
    {
      char id[24];
      snprintf (id, sizeof id, "%" G_GINT64_FORMAT, t->id);
      char *lits[7];
      const char *params[8] = { id };
      for (int j = 0; j < 7; j++)
        params[j + 1] = lits[j] = literal (cols[j]);
      g_autoptr (GPtrArray) before = ms_store_events_enabled (s)
                                       ? parts_by_names (c, t, lits[0], error) : ms_partitions_new ();
      g_autoptr (PGresult) r = before ? ms_pg_exec (c, &sql_part_alter, 8, params, error) : NULL;
      for (int j = 0; j < 7; j++)
        g_free (lits[j]);
      if (r == NULL)
        ok = FALSE;
      else if ((guint) PQntuples (r) < g_hash_table_size (seen))
        ok = ms_fail (error, MS_ERROR_NOT_FOUND, "alter is not possible: partition not found");
      if (ok)
        {
          /* statistics of columns a partition no longer has (or retyped) go,
           * as Hive's updatePartColumnStats drops them */
          g_autofree char *table_cols = ms_json_from_columns (t->sd ? t->sd->cols : NULL);
          ok = ms_store_stats_drop_stale (c, id, table_cols, error)
               && alter_events (s, c, t, before, parts, error);
        }
    }
  for (int i = 0; i < 7; i++)
    g_ptr_array_unref (cols[i]);
  return ok && ms_pg_commit (c, error);
}

/* ---- rename ---- */

static gboolean
write_values (MsPgConn *c, const MsTable *t, const char *table_id, const char *part_id,
              GPtrArray *values, GError **error)
{
  ValueRows v = { NULL, ms_strings_new (), ms_strings_new (), ms_strings_new () };
  value_rows_add (&v, t, NULL, values);
  g_autofree char *k = literal (v.keys), *val = literal (v.vals), *num = literal (v.nums);
  g_ptr_array_unref (v.keys);
  g_ptr_array_unref (v.vals);
  g_ptr_array_unref (v.nums);
  const char *p[] = { table_id, part_id };
  g_autoptr (PGresult) d = ms_pg_exec (c, &sql_part_values_delete, 2, p, error);
  if (d == NULL)
    return FALSE;
  const char *pi[] = { table_id, part_id, k, val, num };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_part_values_insert, 5, pi, error);
  return r != NULL;
}

gboolean
ms_store_partition_rename (MsStore *s, const char *catalog, const char *db, const char *table,
                           const char *const *old_values, guint n_values, const MsPartition *newp,
                           gboolean drop_stats, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  g_autoptr (MsTable) t = ms_store_table_get_on (c, catalog, db, table, FALSE, error);
  if (t == NULL)
    return FALSE;
  if (n_values != t->partition_keys->len || newp->values->len != t->partition_keys->len)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "Unable to rename partition: the values do not match the partition keys");
  g_autoptr (GPtrArray) oldv = ms_strings_new ();
  for (guint i = 0; i < n_values; i++)
    g_ptr_array_add (oldv, g_strdup (old_values[i]));
  g_autofree char *old_name = ms_store_partition_name (t, oldv);
  char id[24];
  snprintf (id, sizeof id, "%" G_GINT64_FORMAT, t->id);
  const char *lk[] = { id, old_name };
  g_autoptr (PGresult) old = ms_pg_exec (c, &sql_part_lock, 2, lk, error);
  if (old == NULL)
    return FALSE;
  if (PQntuples (old) == 0)
    return ms_fail (error, MS_ERROR_NOT_FOUND,
                    "Unable to rename partition because old partition does not exist");
  const char *part_id = PQgetvalue (old, 0, 0);
  g_autoptr (GPtrArray) before = NULL;
  if (ms_store_events_enabled (s))
    {
      const char *one[] = { old_name };
      g_autofree char *lit = ms_pg_array_literal (one, 1);
      if ((before = parts_by_names (c, t, lit, error)) == NULL)
        return FALSE;
    }
  g_auto (Row) r = { 0 };
  row_fill (&r, t, newp);
  const char *v[] = { id, part_id, r.name, r.vals, r.ct, r.lat, r.location, r.sd, r.cols,
                      r.params };
  g_autoptr (PGresult) u = ms_pg_exec_unique (c, &sql_part_rename, 10, v, error,
                                              "Partition already exists:%s.%s.[%s]", db, table,
                                              r.name);
  if (u == NULL)
    return FALSE;
  if (!write_values (c, t, id, part_id, newp->values, error))
    return FALSE;
  if (drop_stats)
    {
      const char *p[] = { id, part_id };
      g_autoptr (PGresult) d = ms_pg_exec (c, &sql_part_stats_delete, 2, p, error);
      if (d == NULL)
        return FALSE;
    }
  if (before != NULL && before->len > 0)
    {
      MsEvent ev = { .type = MS_EVENT_ALTER_PARTITION, .table = t, .part = newp,
                     .part_before = g_ptr_array_index (before, 0) };
      if (!ms_store_emit (s, c, &ev, error))
        return FALSE;
    }
  return ms_pg_commit (c, error);
}

/* ---- drop ---- */

GPtrArray *
ms_store_partition_drop (MsStore *s, const MsPartitionQuery *q, guint must_match, GError **error)
{
  g_auto (MsPartitionSel) sel = { 0 };
  g_autoptr (MsPgConn) c = ms_partition_select (s, q, TRUE, FALSE, &sel, error);
  if (c == NULL)
    return NULL;
  /* DELETE takes the same selection: "FROM ms_partitions p WHERE ...";
   * the values rows (no foreign key, sql/013) go in the same statement */
  g_autoptr (GString) sql = g_string_new ("WITH gone AS (DELETE");
  g_string_append (sql, sel.from->str);
  g_string_append (sql, " RETURNING p.*), gone_values AS (DELETE FROM ms_partition_values v "
                        "USING gone g WHERE v.table_id = g.table_id AND v.part_id = g.part_id) "
                        "SELECT " PARTITION_COLUMNS " FROM gone p");
  g_autoptr (PGresult) r = ms_partition_sel_exec (c, &sel, sql->str, error);
  if (r == NULL)
    return NULL;
  if (must_match > 0 && (guint) PQntuples (r) < must_match)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "Some partitions to drop are missing"), NULL;
  GPtrArray *out = ms_partitions_new ();
  for (int i = 0; i < PQntuples (r); i++)
    g_ptr_array_add (out, ms_partition_from_row (r, i, sel.table));
  MsEvent ev = { .type = MS_EVENT_DROP_PARTITION, .table = sel.table, .parts = out };
  if ((out->len > 0 && !ms_store_emit (s, c, &ev, error)) || !ms_pg_commit (c, error))
    {
      g_ptr_array_unref (out);
      return NULL;
    }
  return out;
}

/* ---- exchange ---- */

GPtrArray *
ms_store_partition_exchange (MsStore *s, const MsTable *src, const MsTable *dst,
                             const char *const *values, guint n_values, GError **error)
{
  MsPartitionQuery q = { .catalog = src->catalog, .db = src->db_name, .table = src->name,
                         .partial = TRUE, .values = values, .n_values = n_values,
                         .max_parts = -1 };
  g_auto (MsPartitionSel) sel = { 0 };
  g_autoptr (MsPgConn) c = ms_partition_select (s, &q, TRUE, TRUE, &sel, error);
  if (c == NULL)
    return NULL;
  g_autoptr (GString) pick = g_string_new ("SELECT p.part_id");
  g_string_append (pick, sel.from->str);
  g_string_append (pick, " FOR UPDATE");
  g_autoptr (PGresult) ids = ms_partition_sel_exec (c, &sel, pick->str, error);
  if (ids == NULL)
    return NULL;
  if (PQntuples (ids) == 0)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "No partition is found with the given values for the table %s",
                    src->name), NULL;
  g_autoptr (GPtrArray) id_list = ms_pg_column_strings (ids, 0);
  g_autofree char *id_lit = literal (id_list);
  g_autoptr (GPtrArray) gone = ms_partitions_new ();
  if (ms_store_events_enabled (s))
    {
      g_autoptr (GString) sql = g_string_new ("SELECT " PARTITION_COLUMNS);
      g_string_append (sql, sel.from->str);
      g_autoptr (PGresult) old = ms_partition_sel_exec (c, &sel, sql->str, error);
      if (old == NULL)
        return NULL;
      for (int i = 0; i < PQntuples (old); i++)
        g_ptr_array_add (gone, ms_partition_from_row (old, i, sel.table));
    }
  char sid[24], did[24];
  snprintf (sid, sizeof sid, "%" G_GINT64_FORMAT, src->id);
  snprintf (did, sizeof did, "%" G_GINT64_FORMAT, dst->id);
  const char *cp[] = { sid, did, id_lit, dst->sd ? dst->sd->location : "" };
  g_autoptr (GError) local = NULL;
  g_autoptr (PGresult) moved = ms_pg_exec (c, &sql_part_exchange_copy, 4, cp, &local);
  if (moved == NULL)
    {
      if (g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                        "The partition already exists in the table %s", dst->name), NULL;
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  g_autoptr (GPtrArray) new_ids = ms_pg_column_strings (moved, 0);
  g_autofree char *new_lit = literal (new_ids);
  const char *vp[] = { did, new_lit };
  /* the typed values rows, by the destination's key types */
  for (guint i = 0; i < new_ids->len; i++)
    {
      const char *pv[] = { did, g_ptr_array_index (new_ids, i) };
      g_autoptr (PGresult) vals = ms_pg_exec (c, &sql_part_vals_of, 2, pv, error);
      if (vals == NULL)
        return NULL;
      g_autoptr (GPtrArray) v = ms_partition_json_strings (PQgetvalue (vals, 0, 0));
      if (!write_values (c, dst, did, g_ptr_array_index (new_ids, i), v, error))
        return NULL;
    }
  g_autoptr (GString) back = g_string_new ("SELECT " PARTITION_COLUMNS
                                           " FROM ms_partitions p WHERE p.table_id = $1::bigint "
                                           "AND p.part_id = ANY ($2::bigint[]) ORDER BY p.part_name");
  g_autoptr (PGresult) rows = ms_pg_exec_text (c, back->str, 2, vp, error);
  if (rows == NULL)
    return NULL;
  GPtrArray *out = ms_partitions_new ();
  for (int i = 0; i < PQntuples (rows); i++)
    g_ptr_array_add (out, ms_partition_from_row (rows, i, dst));
  /* as Hive's exchange_partitions: the source drops, the destination adds */
  MsEvent drop = { .type = MS_EVENT_DROP_PARTITION, .table = sel.table, .parts = gone };
  MsEvent add = { .type = MS_EVENT_ADD_PARTITION, .table = dst, .parts = out };
  if ((gone->len > 0 && !ms_store_emit (s, c, &drop, error)) || !ms_store_emit (s, c, &add, error)
      || !ms_pg_commit (c, error))
    {
      g_ptr_array_unref (out);
      return NULL;
    }
  return out;
}
