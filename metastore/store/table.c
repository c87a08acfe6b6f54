/*
 * table.c: tables. A table is one ms_tables row (the storage descriptor
 * flattened, its nested parts as jsonb), so every read is one indexed
 * statement joined with its database and catalog: get_table is one round
 * trip. Changes touching partitions or statistics too (alter with cascade,
 * rename, drop) run in one transaction with the table row locked.
 *
 * The optimistic commit Iceberg uses (expected parameter value) compares
 * under that row lock, so of many concurrent writers from one base value
 * exactly one wins.
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/events.h"
#include "store/json.h"
#include "store/sd_json.h"
#include "store/stats_internal.h"
#include "store/table_internal.h"
#include "model/partition.h"
#include "model/owned.h"
#include <stdio.h>

#define TABLE_COLUMNS \
  "t.table_id, c.name, d.name, t.name, t.table_type, t.owner_name, t.owner_type, " \
  "t.create_time, t.last_access_time, t.retention, t.location, t.input_format, " \
  "t.output_format, t.compressed, t.num_buckets, t.serde, t.cols, t.partition_keys, " \
  "t.bucket_cols, t.sort_cols, t.skewed, t.stored_as_subdirs, t.sd_params, t.params, " \
  "t.view_original_text, t.view_expanded_text, t.rewrite_enabled, t.extra, " \
  ROW_VERSION
/* The row's version (MsTable.row_version): xmin, the transaction that wrote
 * this version of the row. Only the version a committed transaction left
 * last is ever visible to others, so equal versions mean equal rows. */
#define ROW_VERSION "t.xmin::text::bigint"
#define TABLE_FROM \
  " FROM ms_tables t JOIN ms_databases d ON d.db_id = t.db_id " \
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id "

/* $1..$3 catalog, database, name; $4.. the table's values (see table_values). */
#define TABLE_VALUE_COLUMNS \
  "table_type, owner_name, owner_type, create_time, last_access_time, retention, location, " \
  "input_format, output_format, compressed, num_buckets, serde, cols, partition_keys, " \
  "bucket_cols, sort_cols, skewed, stored_as_subdirs, sd_params, params, " \
  "view_original_text, view_expanded_text, rewrite_enabled, extra"
#define N_TABLE_VALUES 24

static const MsSql sql_table_insert = { "table_insert",
  "INSERT INTO ms_tables (db_id, name, " TABLE_VALUE_COLUMNS ") "
  "SELECT d.db_id, $3, $4, $5, $6::smallint, $7::int, $8::int, $9::int, $10, $11, $12, "
  "  $13::boolean, $14::int, $15::jsonb, $16::jsonb, $17::jsonb, $18::jsonb, $19::jsonb, "
  "  $20::jsonb, $21::boolean, $22::jsonb, $23::jsonb, $24, $25, $26::boolean, $27::jsonb "
  "FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name = $2 RETURNING table_id" };
/* The same with the id taken ahead (table_id_take). */
static const MsSql sql_table_insert_id = { "table_insert_id",
  "INSERT INTO ms_tables (table_id, db_id, name, " TABLE_VALUE_COLUMNS ") OVERRIDING SYSTEM VALUE "
  "SELECT $28::bigint, d.db_id, $3, $4, $5, $6::smallint, $7::int, $8::int, $9::int, $10, $11, "
  "  $12, $13::boolean, $14::int, $15::jsonb, $16::jsonb, $17::jsonb, $18::jsonb, $19::jsonb, "
  "  $20::jsonb, $21::boolean, $22::jsonb, $23::jsonb, $24, $25, $26::boolean, $27::jsonb "
  "FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name = $2 RETURNING table_id" };
/* Table ids taken ahead, TABLE_ID_BLOCK at a time per store. */
#define TABLE_ID_BLOCK 16
static const MsSql sql_table_ids = { "table_ids",
  "SELECT nextval (pg_get_serial_sequence ('ms_tables', 'table_id')) "
  "FROM generate_series (1, $1::integer)" };
static const MsSql sql_table_get = { "table_get",
  "SELECT " TABLE_COLUMNS TABLE_FROM "WHERE c.name = $1 AND d.name = $2 AND t.name = $3",
  .read_only = TRUE };
static const MsSql sql_table_get_locked = { "table_get_locked",
  "SELECT " TABLE_COLUMNS TABLE_FROM "WHERE c.name = $1 AND d.name = $2 AND t.name = $3 "
  "FOR UPDATE OF t" };
static const MsSql sql_table_get_many = { "table_get_many",
  "SELECT " TABLE_COLUMNS TABLE_FROM
  "WHERE c.name = $1 AND d.name = $2 AND ($3::text[] IS NULL OR t.name = ANY ($3::text[])) "
  "AND ($4::text IS NULL OR t.name ~* $4) ORDER BY t.name",
  .read_only = TRUE };
static const MsSql sql_table_names = { "table_names",
  "SELECT t.name" TABLE_FROM
  "WHERE c.name = $1 AND d.name = $2 AND ($3::text IS NULL OR t.name ~* $3) "
  "AND ($4::text IS NULL OR t.table_type = $4) ORDER BY t.name",
  .read_only = TRUE };
static const MsSql sql_table_meta = { "table_meta",
  "SELECT c.name, d.name, t.name, t.table_type, t.params->>'comment', t.owner_name, t.owner_type"
  TABLE_FROM
  "WHERE c.name = $1 AND ($2::text IS NULL OR d.name ~* $2) AND ($3::text IS NULL OR t.name ~* $3) "
  "AND ($4::text[] IS NULL OR t.table_type = ANY ($4::text[])) ORDER BY d.name, t.name",
  .read_only = TRUE };
static const MsSql sql_table_lock = { "table_lock",
  "SELECT t.table_id, t.cols, t.params, t.location, t.table_type, " ROW_VERSION TABLE_FROM
  "WHERE c.name = $1 AND d.name = $2 AND t.name = $3 FOR UPDATE OF t" };
static const MsSql sql_table_target_db = { "table_target_db",
  "SELECT d.db_id FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name = $2",
  .read_only = TRUE };
static const MsSql sql_table_update = { "table_update",
  "UPDATE ms_tables SET db_id = $2, name = $3, table_type = $4, owner_name = $5, "
  "  owner_type = $6::smallint, create_time = $7::int, last_access_time = $8::int, "
  "  retention = $9::int, location = $10, input_format = $11, output_format = $12, "
  "  compressed = $13::boolean, num_buckets = $14::int, serde = $15::jsonb, cols = $16::jsonb, "
  "  partition_keys = $17::jsonb, bucket_cols = $18::jsonb, sort_cols = $19::jsonb, "
  "  skewed = $20::jsonb, stored_as_subdirs = $21::boolean, sd_params = $22::jsonb, "
  "  params = $23::jsonb, view_original_text = $24, view_expanded_text = $25, "
  "  rewrite_enabled = $26::boolean, extra = $27::jsonb "
  "WHERE table_id = $1" };
/* Without cascade, partitions that shared the table's columns keep the old ones. */
static const MsSql sql_parts_keep_cols = { "table_parts_keep_cols",
  "UPDATE ms_partitions SET cols = $2::jsonb WHERE table_id = $1 AND cols IS NULL" };
/* With cascade, every partition takes the table's columns again. */
static const MsSql sql_parts_cascade_cols = { "table_parts_cascade_cols",
  "UPDATE ms_partitions SET cols = NULL WHERE table_id = $1 AND cols IS NOT NULL" };
/* Partitions that shared the table's descriptor keep the old one when the
 * table's changes (formats, SerDe, ...). */
static const MsSql sql_parts_keep_sd = { "table_parts_keep_sd",
  "UPDATE ms_partitions SET sd = $2::jsonb WHERE table_id = $1 AND sd IS NULL" };
static const MsSql sql_parts_move = { "table_parts_move",
  "UPDATE ms_partitions SET location = $3 || substr(location, length($2) + 1) "
  "WHERE table_id = $1 AND starts_with(location, $2)" };
static const MsSql sql_parts_locations = { "table_parts_locations",
  "SELECT location FROM ms_partitions WHERE table_id = $1 AND location IS NOT NULL",
  .read_only = TRUE };
/* the partitions' values rows have no foreign key (sql/013): they go here */
static const MsSql sql_table_delete = { "table_delete",
  "WITH v AS (DELETE FROM ms_partition_values WHERE table_id = $1) "
  "DELETE FROM ms_tables WHERE table_id = $1" };

/* ---- rows <-> model ---- */

static const char *
cell (const PGresult *r, int i, int col)
{
  return PQgetisnull (r, i, col) ? NULL : PQgetvalue (r, i, col);
}

static MsTable *
table_from_row (const PGresult *r, int i)
{
  static const MsPgColumn table_columns[] = {     /* columns 0 to 9 */
    MS_PG_COL (MsTable, id, MS_PG_INT64, 0), MS_PG_STR_COL (MsTable, catalog),
    MS_PG_STR_COL (MsTable, db_name), MS_PG_STR_COL (MsTable, name),
    MS_PG_STR_COL (MsTable, table_type), MS_PG_STR_COL (MsTable, owner_name),
    MS_PG_COL (MsTable, owner_type, MS_PG_INT, 0), MS_PG_COL (MsTable, create_time, MS_PG_INT, 0),
    MS_PG_COL (MsTable, last_access_time, MS_PG_INT, 0), MS_PG_COL (MsTable, retention, MS_PG_INT, 0),
  };
  static const MsPgColumn sd_columns[] = {        /* columns 10 to 14 */
    MS_PG_STR_COL (MsStorageDescriptor, location), MS_PG_STR_COL (MsStorageDescriptor, input_format),
    MS_PG_STR_COL (MsStorageDescriptor, output_format),
    MS_PG_COL (MsStorageDescriptor, compressed, MS_PG_BOOL, 0),
    MS_PG_COL (MsStorageDescriptor, num_buckets, MS_PG_INT, -1),
  };
  MsTable *t = ms_table_new ();
  MS_PG_READ_ROW (r, i, 0, t, table_columns);
  MsStorageDescriptor *sd = t->sd = ms_sd_new ();
  MS_PG_READ_ROW (r, i, 10, sd, sd_columns);
  sd->serde = ms_json_to_serde (cell (r, i, 15));
  g_ptr_array_unref (sd->cols);
  sd->cols = ms_json_to_columns (cell (r, i, 16));
  g_ptr_array_unref (t->partition_keys);
  t->partition_keys = ms_json_to_columns (cell (r, i, 17));
  g_ptr_array_unref (sd->bucket_cols);
  sd->bucket_cols = ms_json_to_strings (cell (r, i, 18));
  g_ptr_array_unref (sd->sort_cols);
  sd->sort_cols = ms_json_to_sort_cols (cell (r, i, 19));
  sd->skewed = ms_json_to_skewed (cell (r, i, 20));
  sd->stored_as_subdirs = ms_pg_bool (r, i, 21);
  g_hash_table_unref (sd->params);
  sd->params = ms_json_to_params (cell (r, i, 22));
  g_hash_table_unref (t->params);
  t->params = ms_json_to_params (cell (r, i, 23));
  t->view_original_text = ms_pg_dup (r, i, 24);
  t->view_expanded_text = ms_pg_dup (r, i, 25);
  t->rewrite_enabled = ms_pg_bool (r, i, 26);
  g_autoptr (GHashTable) extra = ms_json_to_params (cell (r, i, 27));
  const char *w = g_hash_table_lookup (extra, "write_id");
  t->write_id = w ? g_ascii_strtoll (w, NULL, 10) : -1;
  t->row_version = ms_pg_int64 (r, i, 28, 0);
  return t;
}

/* The text values of a table's columns, in TABLE_VALUE_COLUMNS order;
 * 'buf' keeps the formatted numbers and serialised parts alive. */
typedef struct {
  char owner_type[8], create_time[16], last_access[16], retention[16], buckets[16];
  char *serde, *cols, *pkeys, *bucket_cols, *sort_cols, *skewed, *sd_params, *params, *extra;
} TableValueBuf;

static const MsOwned table_value_buf_owned[] = {
  MS_OWNED_STR (TableValueBuf, serde), MS_OWNED_STR (TableValueBuf, cols),
  MS_OWNED_STR (TableValueBuf, pkeys), MS_OWNED_STR (TableValueBuf, bucket_cols),
  MS_OWNED_STR (TableValueBuf, sort_cols), MS_OWNED_STR (TableValueBuf, skewed),
  MS_OWNED_STR (TableValueBuf, sd_params), MS_OWNED_STR (TableValueBuf, params),
  MS_OWNED_STR (TableValueBuf, extra),
};

MS_OWNED_DEFINE_CLEAR (TableValueBuf, table_value_buf_clear, table_value_buf_owned)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TableValueBuf, table_value_buf_clear)

static void
table_values (const MsTable *t, TableValueBuf *b, const char *v[N_TABLE_VALUES])
{
  const MsStorageDescriptor *sd = t->sd;
  snprintf (b->owner_type, sizeof b->owner_type, "%d", (int) t->owner_type);
  snprintf (b->create_time, sizeof b->create_time, "%d", t->create_time);
  snprintf (b->last_access, sizeof b->last_access, "%d", t->last_access_time);
  snprintf (b->retention, sizeof b->retention, "%d", t->retention);
  snprintf (b->buckets, sizeof b->buckets, "%d", sd ? sd->num_buckets : -1);
  b->serde = sd ? ms_json_from_serde (sd->serde) : NULL;
  b->cols = ms_json_from_columns (sd ? sd->cols : NULL);
  b->pkeys = ms_json_from_columns (t->partition_keys);
  b->bucket_cols = ms_json_from_strings (sd ? sd->bucket_cols : NULL);
  b->sort_cols = ms_json_from_sort_cols (sd ? sd->sort_cols : NULL);
  b->skewed = sd ? ms_json_from_skewed (sd->skewed) : NULL;
  b->sd_params = ms_json_from_params (sd ? sd->params : NULL);
  b->params = ms_json_from_params (t->params);
  g_autoptr (GHashTable) extra = ms_params_new ();
  if (t->write_id >= 0)
    g_hash_table_insert (extra, g_strdup ("write_id"), g_strdup_printf ("%" G_GINT64_FORMAT, t->write_id));
  b->extra = ms_json_from_params (extra);

  v[0] = t->table_type;
  v[1] = t->owner_name;
  v[2] = t->owner_type ? b->owner_type : NULL;
  v[3] = b->create_time;
  v[4] = b->last_access;
  v[5] = b->retention;
  v[6] = sd ? sd->location : NULL;
  v[7] = sd ? sd->input_format : NULL;
  v[8] = sd ? sd->output_format : NULL;
  v[9] = sd && sd->compressed ? "true" : "false";
  v[10] = b->buckets;
  v[11] = b->serde;
  v[12] = b->cols;
  v[13] = b->pkeys;
  v[14] = b->bucket_cols;
  v[15] = b->sort_cols;
  v[16] = b->skewed;
  v[17] = sd && sd->stored_as_subdirs ? "true" : "false";
  v[18] = b->sd_params;
  v[19] = b->params;
  v[20] = t->view_original_text;
  v[21] = t->view_expanded_text;
  v[22] = t->rewrite_enabled ? "true" : "false";
  v[23] = b->extra;
}

/* ---- create and read ---- */

/* Insert 't' (its id taken ahead when 'id' > 0, else a new one); t->id is
 * set. */
static gboolean
table_insert (MsPgConn *c, MsTable *t, gint64 id, GError **error)
{
  g_auto (TableValueBuf) b = { 0 };
  char id_text[24];
  snprintf (id_text, sizeof id_text, "%" G_GINT64_FORMAT, id);
  const char *v[4 + N_TABLE_VALUES] = { t->catalog, t->db_name, t->name };
  table_values (t, &b, v + 3);
  v[3 + N_TABLE_VALUES] = id_text;
  g_autoptr (PGresult) r = ms_pg_exec_unique (c, id > 0 ? &sql_table_insert_id : &sql_table_insert,
                                              id > 0 ? 4 + N_TABLE_VALUES : 3 + N_TABLE_VALUES,
                                              v, error, "Table %s.%s already exists",
                                              t->db_name, t->name);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 0)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "The database %s does not exist", t->db_name);
  t->id = ms_pg_int64 (r, 0, 0, 0);
  return TRUE;
}

gboolean
ms_store_table_insert_on (MsPgConn *c, MsTable *t, GError **error)
{
  return table_insert (c, t, 0, error);
}

/* The next table id of s's block, taking a new block on 'c' (outside a
 * transaction: nextval is not rolled back anyway) when it is used up. */
static gboolean
table_id_take (MsStore *s, MsPgConn *c, gint64 *id, GError **error)
{
  g_autoptr (GMutexLocker) locked = g_mutex_locker_new (&s->table_ids_lock);
  if (s->table_ids->len == 0)
    {
      const char *v[] = { G_STRINGIFY (TABLE_ID_BLOCK) };
      g_autoptr (PGresult) r = ms_pg_exec (c, &sql_table_ids, 1, v, error);
      if (r == NULL)
        return FALSE;
      for (int i = PQntuples (r) - 1; i >= 0; i--)
        {
          gint64 next = ms_pg_int64 (r, i, 0, 0);
          g_array_append_val (s->table_ids, next);
        }
    }
  *id = g_array_index (s->table_ids, gint64, s->table_ids->len - 1);
  g_array_set_size (s->table_ids, s->table_ids->len - 1);
  return TRUE;
}

/* Create 't' and its CREATE_TABLE event in ONE round trip: the event is
 * encoded first, with the id taken ahead, and the INSERT travels with the
 * event's write and COMMIT (a missing database: nothing written at all). */
gboolean
ms_store_table_create_logged (MsStore *s, MsPgConn *c, MsTable *t, GError **error)
{
  gint64 id;
  if (!table_id_take (s, c, &id, error) || !ms_store_begin_logged (s, c, error))
    return FALSE;
  t->id = id;
  MsEvent ev = { .type = MS_EVENT_CREATE_TABLE, .table = t };
  if (!ms_store_emit (s, c, &ev, error))
    return FALSE;
  ms_pg_commit_next (c);
  return table_insert (c, t, id, error);
}

gboolean
ms_store_table_create (MsStore *s, MsTable *t, GError **error)
{
  return ms_store_table_create_granted (s, t, NULL, error);
}

gboolean
ms_store_table_update_on (MsPgConn *c, gint64 table_id, const MsTable *t, GError **error)
{
  char id[24];
  snprintf (id, sizeof id, "%" G_GINT64_FORMAT, table_id);
  const char *tdb[] = { t->catalog, t->db_name };
  g_autoptr (PGresult) target = ms_pg_exec (c, &sql_table_target_db, 2, tdb, error);
  if (target == NULL)
    return FALSE;
  if (PQntuples (target) == 0)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "The database %s does not exist", t->db_name);
  g_auto (TableValueBuf) b = { 0 };
  const char *v[3 + N_TABLE_VALUES] = { id, PQgetvalue (target, 0, 0), t->name };
  table_values (t, &b, v + 3);
  g_autoptr (GError) local = NULL;
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_table_update, 3 + N_TABLE_VALUES, v, &local);
  if (r == NULL)
    {
      if (g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        return ms_fail (error, MS_ERROR_ALREADY_EXISTS, "Table %s.%s already exists", t->db_name,
                        t->name);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

MsTable *
ms_store_table_get_on (MsPgConn *c, const char *catalog, const char *db, const char *name,
                       gboolean for_update, GError **error)
{
  const char *v[] = { catalog, db, name };
  g_autoptr (PGresult) r = ms_pg_exec (c, for_update ? &sql_table_get_locked : &sql_table_get,
                                       3, v, error);
  if (r == NULL)
    return NULL;
  if (PQntuples (r) == 0)
    {
      ms_fail (error, MS_ERROR_NOT_FOUND, "%s.%s table not found", db, name);
      return NULL;
    }
  return table_from_row (r, 0);
}

MsTable *
ms_store_table_get (MsStore *s, const char *catalog, const char *db, const char *name,
                    GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return NULL;
  return ms_store_table_get_on (c, catalog, db, name, FALSE, error);
}

GPtrArray *
ms_store_table_get_many_on (MsPgConn *c, const char *catalog, const char *db,
                            const char *const *names, guint n_names, const char *regex,
                            GError **error)
{
  g_autofree char *arr = names ? ms_pg_array_literal (names, n_names) : NULL;
  const char *v[] = { catalog, db, arr, regex };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_table_get_many, 4, v, error);
  if (r == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_full (PQntuples (r), (GDestroyNotify) ms_table_free);
  for (int i = 0; i < PQntuples (r); i++)
    g_ptr_array_add (out, table_from_row (r, i));
  return out;
}

GPtrArray *
ms_store_table_get_many (MsStore *s, const char *catalog, const char *db,
                         const char *const *names, guint n_names, const char *regex,
                         GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return NULL;
  return ms_store_table_get_many_on (c, catalog, db, names, n_names, regex, error);
}

GPtrArray *
ms_store_table_names (MsStore *s, const char *catalog, const char *db, const char *regex,
                      const char *table_type, GError **error)
{
  const char *v[] = { catalog, db, regex, table_type };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_table_names, 4, v, error);
  if (r == NULL)
    return NULL;
  return ms_pg_column_strings (r, 0);
}

static gpointer
table_meta_from_row (const PGresult *r, int i)
{
  static const MsPgColumn columns[] = {
    MS_PG_STR_COL (MsTableMeta, catalog), MS_PG_STR_COL (MsTableMeta, db_name),
    MS_PG_STR_COL (MsTableMeta, name), MS_PG_STR_COL (MsTableMeta, table_type),
    MS_PG_STR_COL (MsTableMeta, comments), MS_PG_STR_COL (MsTableMeta, owner_name),
    MS_PG_COL (MsTableMeta, owner_type, MS_PG_INT, 0),
  };
  MsTableMeta *m = ms_table_meta_new ();
  MS_PG_READ_ROW (r, i, 0, m, columns);
  return m;
}

GPtrArray *
ms_store_table_meta (MsStore *s, const char *catalog, const char *db_regex,
                     const char *table_regex, const char *const *types, guint n_types,
                     GError **error)
{
  g_autofree char *arr = types ? ms_pg_array_literal (types, n_types) : NULL;
  const char *v[] = { catalog, db_regex, table_regex, arr };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_table_meta, 4, v, error);
  if (r == NULL)
    return NULL;
  return ms_pg_map_rows (r, table_meta_from_row, (GDestroyNotify) ms_table_meta_free);
}

/* ---- change ---- */

/* Whether two column lists differ in names, types or order (comments do
 * not count: Hive keeps stats and partitions on a comment change). */
static gboolean
columns_differ (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return TRUE;
  for (guint i = 0; i < a->len; i++)
    {
      const MsColumn *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);
      if (g_ascii_strcasecmp (x->name ? x->name : "", y->name ? y->name : "") != 0
          || g_ascii_strcasecmp (x->type ? x->type : "", y->type ? y->type : "") != 0
          || g_strcmp0 (x->comment, y->comment) != 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
ms_store_table_alter (MsStore *s, const char *catalog, const char *db, const char *name,
                      const MsTable *newt, const MsTableAlterOpts *opts, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;

  g_autoptr (GError) missing = NULL;
  g_autoptr (MsTable) oldt = ms_store_table_get_on (c, catalog, db, name, TRUE, &missing);
  if (oldt == NULL)
    {
      if (!g_error_matches (missing, MS_ERROR, MS_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&missing));
          return FALSE;
        }
      return ms_fail (error, MS_ERROR_NOT_FOUND, "table %s.%s doesn't exist", db, name);
    }
  char table_id[24];
  snprintf (table_id, sizeof table_id, "%" G_GINT64_FORMAT, oldt->id);

  if (opts && opts->expected_key && opts->expected_value)
    {
      if (g_hash_table_lookup (newt->params, opts->expected_key) == NULL)
        return ms_fail (error, MS_ERROR_INTERNAL, "New value for expected key %s is not set",
                        opts->expected_key);
      const char *current = g_hash_table_lookup (oldt->params, opts->expected_key);
      if (g_strcmp0 (current, opts->expected_value) != 0)
        return ms_fail (error, MS_ERROR_CONFLICT,
                        "The table has been modified. The parameter value for key '%s' is '%s'. "
                        "The expected was value was '%s'",
                        opts->expected_key, current ? current : "null", opts->expected_value);
    }

  /* the target database (may be the same) */
  const char *tdb[] = { catalog, newt->db_name };
  g_autoptr (PGresult) target = ms_pg_exec (c, &sql_table_target_db, 2, tdb, error);
  if (target == NULL)
    return FALSE;
  if (PQntuples (target) == 0)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "Unable to change partition or table. Database %s does not exist",
                    newt->db_name);

  GPtrArray *old_cols = oldt->sd->cols;
  gboolean cols_changed = columns_differ (old_cols, newt->sd ? newt->sd->cols : old_cols);
  if (cols_changed)
    {
      if (opts && opts->cascade)
        {
          const char *v[] = { table_id };
          g_autoptr (PGresult) r = ms_pg_exec (c, &sql_parts_cascade_cols, 1, v, error);
          if (r == NULL)
            return FALSE;
        }
      else
        {
          g_autofree char *cols_json = ms_json_from_columns (old_cols);
          const char *v[] = { table_id, cols_json };
          g_autoptr (PGresult) r = ms_pg_exec (c, &sql_parts_keep_cols, 2, v, error);
          if (r == NULL)
            return FALSE;
        }
    }
  if (oldt->partition_keys->len > 0 && newt->sd != NULL
      && !ms_sd_same_shape (oldt->sd, newt->sd))
    {
      g_autofree char *sd_json = ms_json_from_sd (oldt->sd);
      const char *v[] = { table_id, sd_json };
      g_autoptr (PGresult) r = ms_pg_exec (c, &sql_parts_keep_sd, 2, v, error);
      if (r == NULL)
        return FALSE;
    }
  if (opts && opts->old_location && opts->new_location)
    {
      const char *v[] = { table_id, opts->old_location, opts->new_location };
      g_autoptr (PGresult) r = ms_pg_exec (c, &sql_parts_move, 3, v, error);
      if (r == NULL)
        return FALSE;
    }

  g_auto (TableValueBuf) b = { 0 };
  const char *v[3 + N_TABLE_VALUES] = { table_id, PQgetvalue (target, 0, 0), newt->name };
  table_values (newt, &b, v + 3);
  g_autoptr (GError) local = NULL;
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_table_update, 3 + N_TABLE_VALUES, v, &local);
  if (r == NULL)
    {
      if (g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        return ms_fail (error, MS_ERROR_INVALID_OPERATION, "new table %s.%s already exists",
                        newt->db_name, newt->name);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* statistics of dropped or retyped columns go (a rename keeps the rest:
   * they are keyed by table_id) */
  if (cols_changed && !ms_store_stats_drop_stale (c, table_id, b.cols, error))
    return FALSE;
  /* so do constraints on them (Hive drops them with the old columns) */
  if (cols_changed && !ms_store_constraints_drop_stale (c, table_id, error))
    return FALSE;
  MsEvent ev = { .type = MS_EVENT_ALTER_TABLE, .table = newt, .table_before = oldt,
                 .catalog = catalog };
  return ms_store_emit (s, c, &ev, error) && ms_pg_commit (c, error);
}

/* The DROP_TABLE event of the row 'locked' (sql_table_lock) holds, queued
 * on 'c': with 'seen' (the caller's read of the table) when that is the
 * row's version, else with the row read again whole (a change came in
 * between). */
static gboolean
drop_event (MsStore *s, MsPgConn *c, const PGresult *locked, const MsTable *seen,
            const char *const *key, GError **error)
{
  g_autoptr (MsTable) again = NULL;
  if (seen == NULL || seen->row_version == 0 || seen->id != ms_pg_int64 (locked, 0, 0, 0)
      || seen->row_version != ms_pg_int64 (locked, 0, 5, 0))
    {
      g_autoptr (PGresult) r = ms_pg_exec (c, &sql_table_get, 3, key, error);
      if (r == NULL)
        return FALSE;
      seen = again = table_from_row (r, 0);
    }
  MsEvent ev = { .type = MS_EVENT_DROP_TABLE, .table = (MsTable *) seen };
  return ms_store_emit (s, c, &ev, error);
}

gboolean
ms_store_table_drop (MsStore *s, const char *catalog, const char *db, const char *name,
                     const MsTable *seen, GPtrArray **out_part_locations, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  const char *key[] = { catalog, db, name };
  g_autoptr (PGresult) old = ms_pg_exec (c, &sql_table_lock, 3, key, error);
  if (old == NULL)
    return FALSE;
  if (PQntuples (old) == 0)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "%s doesn't exist", name);
  const char *id[] = { PQgetvalue (old, 0, 0) };
  if (ms_store_events_enabled (s) && !drop_event (s, c, old, seen, key, error))
    return FALSE;
  if (out_part_locations)
    {
      g_autoptr (PGresult) locs = ms_pg_exec (c, &sql_parts_locations, 1, id, error);
      if (locs == NULL)
        return FALSE;
      *out_part_locations = ms_pg_column_strings (locs, 0);
    }
  /* partitions and statistics go by ON DELETE CASCADE, the partitions'
   * values rows by the same statement; the DELETE travels with the event
   * and COMMIT */
  ms_pg_commit_next (c);
  g_autoptr (PGresult) del = ms_pg_exec (c, &sql_table_delete, 1, id, error);
  return del != NULL;
}

static const MsSql sql_parts_locations_named = { "table_parts_locations_named",
  "SELECT location FROM ms_partitions WHERE table_id = $1 AND location IS NOT NULL "
  "AND ($2::text[] IS NULL OR part_name = ANY ($2::text[])) ORDER BY part_name",
  .read_only = TRUE };

GPtrArray *
ms_store_partition_locations (MsStore *s, gint64 table_id, const char *const *names, guint n_names,
                              GError **error)
{
  char id[24];
  snprintf (id, sizeof id, "%" G_GINT64_FORMAT, table_id);
  g_autofree char *arr = names ? ms_pg_array_literal (names, n_names) : NULL;
  const char *v[] = { id, arr };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_parts_locations_named, 2, v, error);
  if (r == NULL)
    return NULL;
  return ms_pg_column_strings (r, 0);
}
