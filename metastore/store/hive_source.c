/*
 * hive_source.c: opening a Java Hive Metastore's database
 * (store/hive_source.h): the backend its kind needs (PostgreSQL here,
 * MySQL and MariaDB in hive_mysql.c), the snapshot and the version check;
 * the SQL reading tables with their storage descriptors and partitions.
 *
 * Every statement is fixed text over Hive's schema (identifiers quoted as
 * schematool creates them); the only variable parts are the profile's
 * stand-ins for columns older versions lack (hive_rows.c) and values,
 * which are parameters. Nested parts of a row (parameters, columns,
 * skew) come as JSON aggregated on the source, decoded with the store's
 * JSON codecs; an empty list may come as null (the codecs read it as
 * empty): a COALESCE around nested JSON would make MariaDB quote it as a
 * string. Tables, partitions and statistics are read through server-side
 * cursors, FETCH_ROWS rows at a time (hive_mysql.c streams them its own
 * way). A bulk copy reads the partitions of every table from one cursor
 * over the whole family (ms_hive_source_stream_partitions), tables coming
 * in TBL_ID order, on either backend.
 */
#include "store/hive_source_internal.h"
#include "store/json.h"
#include "store/sd_json.h"
#include "store/partition_internal.h"
#include "model/owned.h"
#include <string.h>

#define FETCH_ROWS 2000


const char *
ms_hive_source_version (const MsHiveSource *src)
{
  return src->version;
}

gint64
ms_hive_source_next_event (const MsHiveSource *src)
{
  return src->next_event;
}

void
ms_hive_source_close (MsHiveSource *src)
{
  if (src == NULL)
    return;
  ms_hive_stream_reset (src);
  if (src->be != NULL)
    src->be->close (src);
  g_free (src->version);
  g_free (src);
}

void
ms_hive_stream_reset (MsHiveSource *src)
{
  g_clear_pointer (&src->stream.r, PQclear);
  if (src->stream.cursor != NULL)
    src->be->cursor_free (src, src->stream.cursor);
  gboolean wanted = src->stream.wanted;
  src->stream = (MsHiveStream) { .wanted = wanted };
}

PGresult *
ms_hive_run (MsHiveSource *src, const char *sql, int n, const char *const *v, GError **error)
{
  return src->be->run (src, sql, n, v, error);
}

gboolean
ms_hive_each_batch (MsHiveSource *src, const char *sql, int n, const char *const *v,
                    gboolean reenter, MsHiveRowsFunc fn, gpointer user, GError **error)
{
  return src->be->each_batch (src, sql, n, v, reenter, fn, user, error);
}

/* ---- the PostgreSQL backend ---- */

static void
pg_close (MsHiveSource *src)
{
  if (src->c == NULL)
    return;
  ms_pg_rollback (src->c);
  ms_pg_conn_release (src->c);
}

static PGresult *
pg_run (MsHiveSource *src, const char *sql, int n, const char *const *v, GError **error)
{
  return ms_pg_exec_text (src->c, sql, n, v, error);
}

static gboolean
pg_snapshot (MsHiveSource *src, GError **error)
{
  ms_pg_rollback (src->c);
  if (!ms_pg_exec_script (src->c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
    return FALSE;
  src->c->in_tx = TRUE;
  return TRUE;
}

/* A cursor's name (DECLARE ... CURSOR: it ends with the transaction). */
static gpointer
pg_cursor_open (MsHiveSource *src, const char *sql, int n, const char *const *v, GError **error)
{
  g_autofree char *name = g_strdup_printf ("ms_import_%u", ++src->cursors);
  g_autofree char *declare = g_strdup_printf ("DECLARE %s NO SCROLL CURSOR FOR %s", name, sql);
  g_autoptr (PGresult) d = pg_run (src, declare, n, v, error);
  return d != NULL ? g_steal_pointer (&name) : NULL;
}

static PGresult *
pg_cursor_fetch (MsHiveSource *src, gpointer cursor, GError **error)
{
  g_autofree char *fetch = g_strdup_printf ("FETCH FORWARD %d FROM %s", FETCH_ROWS,
                                            (const char *) cursor);
  return pg_run (src, fetch, 0, NULL, error);
}

static void
pg_cursor_free (MsHiveSource *src, gpointer cursor)
{
  (void) src;
  g_free (cursor);
}

/* Declare a cursor over 'sql', hand each fetched batch to 'fn', close it
 * ('reenter' needs nothing: other statements run beside a cursor). */
static gboolean
pg_each_batch (MsHiveSource *src, const char *sql, int n, const char *const *v,
               gboolean reenter, MsHiveRowsFunc fn, gpointer user, GError **error)
{
  (void) reenter;
  g_autofree char *name = pg_cursor_open (src, sql, n, v, error);
  if (name == NULL)
    return FALSE;
  for (;;)
    {
      g_autoptr (PGresult) r = pg_cursor_fetch (src, name, error);
      if (r == NULL)
        return FALSE;
      if (PQntuples (r) == 0)
        break;
      if (!fn (user, r, error))
        return FALSE;
    }
  g_autofree char *close = g_strdup_printf ("CLOSE %s", name);
  g_autoptr (PGresult) cl = pg_run (src, close, 0, NULL, error);
  return cl != NULL;
}

const MsHiveBackend ms_hive_pg_backend = {
  "PostgreSQL", pg_snapshot, pg_run, pg_each_batch, pg_cursor_open, pg_cursor_fetch,
  pg_cursor_free,
  /* the stream is read to its end: plan for all of it */
  "SET LOCAL cursor_tuple_fraction = 1", TRUE,
  pg_close,
  "SELECT to_regclass ('\"VERSION\"') IS NOT NULL AND to_regclass ('\"DBS\"') IS NOT NULL "
  "AND to_regclass ('\"TBLS\"') IS NOT NULL",
  "SELECT table_name || '.' || column_name FROM information_schema.columns "
  "WHERE table_schema = current_schema ()",
  MS_HIVE_SUM_OPEN, MS_HIVE_SUM_CLOSE, "encode (%s, 'hex')",
  "%s = ANY ($2::text[])", ms_pg_array_literal,
};

/* ---- open: snapshot, version, schema check ---- */

static gboolean
has_column (gpointer user, const char *table, const char *column)
{
  GHashTable *cols = user;
  g_autofree char *key = g_strdup_printf ("%s.%s", table, column);
  return g_hash_table_contains (cols, key);
}

static gboolean
check_schema (MsHiveSource *src, GError **error)
{
  g_autoptr (PGresult) v = ms_hive_run (src, src->be->sql_is_metastore, 0, NULL, error);
  if (v == NULL)
    return FALSE;
  if (!ms_pg_bool (v, 0, 0))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "the source is not a Hive metastore database: it has no VERSION, DBS and "
                    "TBLS tables");
  g_autoptr (PGresult) r = ms_hive_run (src, "SELECT \"SCHEMA_VERSION\" FROM \"VERSION\"", 0, NULL, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) != 1)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "the source's VERSION table holds %d rows, not one", PQntuples (r));
  src->version = ms_pg_dup (r, 0, 0);
  src->p = ms_hive_profile_find (src->version, error);
  if (src->p == NULL)
    return FALSE;
  g_autoptr (PGresult) cols = ms_hive_run (src, src->be->sql_columns, 0, NULL, error);
  if (cols == NULL)
    return FALSE;
  g_autoptr (GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < PQntuples (cols); i++)
    g_hash_table_add (set, ms_pg_dup (cols, i, 0));
  src->has_message_format = has_column (set, "NOTIFICATION_LOG", "MESSAGE_FORMAT");
  return ms_hive_profile_check (src->p, src->version, has_column, set, error);
}

gboolean
ms_hive_source_read_next_event (MsHiveSource *src, GError **error)
{
  g_autoptr (PGresult) r = ms_hive_run (src,
      "SELECT COALESCE ((SELECT max (\"NEXT_EVENT_ID\") FROM \"NOTIFICATION_SEQUENCE\"), 1)",
      0, NULL, error);
  if (r == NULL)
    return FALSE;
  src->next_event = ms_pg_int64 (r, 0, 0, 1);
  return TRUE;
}

MsHiveSource *
ms_hive_source_open (const char *conninfo, GError **error)
{
  g_autoptr (MsHiveSource) src = g_new0 (MsHiveSource, 1);
  if (ms_hive_mysql_url (conninfo))
    {
      if (!ms_hive_mysql_connect (src, conninfo, error))
        return NULL;
    }
  else
    {
      g_autoptr (GError) local = NULL;
      src->c = ms_pg_connect (conninfo, NULL, 15, &local);
      if (src->c == NULL)
        {
          /* the store's message speaks of the catalog; this is the source */
          g_autofree char *label = ms_store_import_source_label (conninfo);
          ms_fail (error, local->code, "cannot connect to the source database (%s): see the "
                   "warning above", label);
          return NULL;
        }
      src->be = &ms_hive_pg_backend;
    }
  if (!src->be->snapshot (src, error) || !check_schema (src, error)
      || !ms_hive_source_read_next_event (src, error))
    return NULL;
  return g_steal_pointer (&src);
}

/* ---- storage descriptors ---- */

#define PARAMS_OF(table, key, val) \
  "(SELECT jsonb_object_agg (x.\"PARAM_KEY\", COALESCE (x.\"PARAM_VALUE\", '')) FROM \"" \
  table "\" x WHERE x.\"" key "\" = " val ")"
#define STRING_LIST(id) \
  "(SELECT json_agg (l.\"STRING_LIST_VALUE\" ORDER BY l.\"INTEGER_IDX\") " \
  "FROM \"SKEWED_STRING_LIST_VALUES\" l WHERE l.\"STRING_LIST_ID\" = " id ")"
#define COLUMNS_OF(cd) \
  "(SELECT json_agg (json_build_object ('name', k.\"COLUMN_NAME\", 'type', k.\"TYPE_NAME\", " \
  "'comment', k.\"COMMENT\") ORDER BY k.\"INTEGER_IDX\") FROM \"COLUMNS_V2\" k " \
  "WHERE k.\"CD_ID\" = " cd ")"

/* A descriptor's nested parts, each one value (JSON text or NULL) for the
 * SD of SDS alias s and the SerDe of SERDES alias se: by a lookup per row
 * (_ONE), or from the whole family grouped once and joined (_ALL: a bulk
 * read, the joins in SD_NESTED_JOINS). */
#define SERDE_PARAMS_ONE PARAMS_OF ("SERDE_PARAMS", "SERDE_ID", "se.\"SERDE_ID\"")
#define SD_PARAMS_ONE PARAMS_OF ("SD_PARAMS", "SD_ID", "s.\"SD_ID\"")
#define BUCKETS_ONE \
  "(SELECT json_agg (b.\"BUCKET_COL_NAME\" ORDER BY b.\"INTEGER_IDX\") FROM \"BUCKETING_COLS\" b " \
  "  WHERE b.\"SD_ID\" = s.\"SD_ID\")"
#define SORT_ONE \
  "(SELECT json_agg (json_build_object ('col', o.\"COLUMN_NAME\", 'order', o.\"ORDER\") " \
  "  ORDER BY o.\"INTEGER_IDX\") FROM \"SORT_COLS\" o WHERE o.\"SD_ID\" = s.\"SD_ID\")"
#define SKEWED_IF(cond) \
  "CASE WHEN " cond " THEN json_build_object (" \
  "  'names', (SELECT json_agg (n.\"SKEWED_COL_NAME\" ORDER BY n.\"INTEGER_IDX\") " \
  "    FROM \"SKEWED_COL_NAMES\" n WHERE n.\"SD_ID\" = s.\"SD_ID\"), " \
  "  'values', (SELECT json_agg (" STRING_LIST ("v.\"STRING_LIST_ID_EID\"") \
  "    ORDER BY v.\"INTEGER_IDX\") FROM \"SKEWED_VALUES\" v " \
  "    WHERE v.\"SD_ID_OID\" = s.\"SD_ID\"), " \
  "  'locations', (SELECT json_agg (json_build_object ('values', " \
  STRING_LIST ("m.\"STRING_LIST_ID_KID\"") ", 'location', m.\"LOCATION\") " \
  "    ORDER BY m.\"STRING_LIST_ID_KID\") FROM \"SKEWED_COL_VALUE_LOC_MAP\" m " \
  "    WHERE m.\"SD_ID\" = s.\"SD_ID\")) END"
#define SKEWED_ONE \
  SKEWED_IF ("EXISTS (SELECT 1 FROM \"SKEWED_COL_NAMES\" n WHERE n.\"SD_ID\" = s.\"SD_ID\")")
#define GROUPED(alias, table, id, agg, on) \
  "LEFT JOIN (SELECT x.\"" id "\" AS id, " agg " AS j FROM \"" table "\" x GROUP BY 1) " alias \
  " ON " alias ".id = " on " "
#define OBJECT_AGG "jsonb_object_agg (x.\"PARAM_KEY\", COALESCE (x.\"PARAM_VALUE\", ''))::text"
#define SD_NESTED_JOINS \
  GROUPED ("sp", "SERDE_PARAMS", "SERDE_ID", OBJECT_AGG, "se.\"SERDE_ID\"") \
  GROUPED ("dp", "SD_PARAMS", "SD_ID", OBJECT_AGG, "s.\"SD_ID\"") \
  GROUPED ("bc", "BUCKETING_COLS", "SD_ID", \
           "json_agg (x.\"BUCKET_COL_NAME\" ORDER BY x.\"INTEGER_IDX\")::text", "s.\"SD_ID\"") \
  GROUPED ("sc", "SORT_COLS", "SD_ID", "json_agg (json_build_object ('col', x.\"COLUMN_NAME\", " \
           "'order', x.\"ORDER\") ORDER BY x.\"INTEGER_IDX\")::text", "s.\"SD_ID\"") \
  GROUPED ("sk", "SKEWED_COL_NAMES", "SD_ID", "count (*)", "s.\"SD_ID\"")
#define SD_NESTED_ONE SERDE_PARAMS_ONE ", " SD_PARAMS_ONE ", " BUCKETS_ONE ", " SORT_ONE ", " SKEWED_ONE
#define SD_NESTED_ALL "sp.j, dp.j, bc.j, sc.j, " SKEWED_IF ("sk.id IS NOT NULL")

/* The select list of a descriptor, SDS alias s and SERDES alias se; the
 * SerDe's optional columns come from the profile (%s x4). */
#define SD_SELECT_WITH(nested) \
  "s.\"SD_ID\", s.\"LOCATION\", s.\"INPUT_FORMAT\", s.\"OUTPUT_FORMAT\", " \
  "s.\"IS_COMPRESSED\", s.\"NUM_BUCKETS\", s.\"IS_STOREDASSUBDIRECTORIES\", " \
  "se.\"SERDE_ID\", se.\"NAME\", se.\"SLIB\", %s, %s, %s, %s, " nested
#define SD_SELECT SD_SELECT_WITH (SD_NESTED_ONE)
enum { SD_PRESENT, SD_LOCATION, SD_INPUT, SD_OUTPUT, SD_COMPRESSED, SD_BUCKETS, SD_SUBDIRS,
       SD_SERDE_PRESENT, SD_SERDE_NAME, SD_SERDE_LIB, SD_SERDE_DESC, SD_SERDE_SER,
       SD_SERDE_DESER, SD_SERDE_TYPE, SD_SERDE_PARAMS, SD_PARAMS, SD_BUCKET_COLS, SD_SORT_COLS,
       SD_SKEWED, SD_N };
#define SD_JOIN \
  "LEFT JOIN \"SDS\" s ON s.\"SD_ID\" = %s.\"SD_ID\" " \
  "LEFT JOIN \"SERDES\" se ON se.\"SERDE_ID\" = s.\"SERDE_ID\" "


static MsSerDe *
serde_from_row (const PGresult *r, int i, int at)
{
  MsSerDe *se = ms_serde_new ();
  se->name = ms_pg_dup (r, i, at + SD_SERDE_NAME);
  se->serialization_lib = ms_pg_dup (r, i, at + SD_SERDE_LIB);
  se->description = ms_pg_dup (r, i, at + SD_SERDE_DESC);
  se->serializer_class = ms_pg_dup (r, i, at + SD_SERDE_SER);
  se->deserializer_class = ms_pg_dup (r, i, at + SD_SERDE_DESER);
  se->serde_type = ms_pg_int (r, i, at + SD_SERDE_TYPE, 0);
  const char *params = ms_hive_cell (r, i, at + SD_SERDE_PARAMS);
  if (params != NULL)
    {
      g_hash_table_unref (se->params);
      se->params = ms_partition_json_params (params);
    }
  return se;
}

/* The descriptor whose SD_SELECT columns start at 'at', its columns from
 * 'cols_json' (NULL: a copy of 'shared_cols'); NULL when the row has none. */
static MsStorageDescriptor *
sd_from_row (const PGresult *r, int i, int at, const char *cols_json, GPtrArray *shared_cols)
{
  if (PQgetisnull (r, i, at + SD_PRESENT))
    return NULL;
  MsStorageDescriptor *sd = ms_sd_new ();
  sd->location = ms_pg_dup (r, i, at + SD_LOCATION);
  sd->input_format = ms_pg_dup (r, i, at + SD_INPUT);
  sd->output_format = ms_pg_dup (r, i, at + SD_OUTPUT);
  sd->compressed = ms_pg_bool (r, i, at + SD_COMPRESSED);
  sd->num_buckets = ms_pg_int (r, i, at + SD_BUCKETS, -1);
  sd->stored_as_subdirs = ms_pg_bool (r, i, at + SD_SUBDIRS);
  if (!PQgetisnull (r, i, at + SD_SERDE_PRESENT))
    sd->serde = serde_from_row (r, i, at);
  const char *params = ms_hive_cell (r, i, at + SD_PARAMS);
  if (params != NULL)
    {
      g_hash_table_unref (sd->params);
      sd->params = ms_partition_json_params (params);
    }
  const char *buckets = ms_hive_cell (r, i, at + SD_BUCKET_COLS);
  const char *sort = ms_hive_cell (r, i, at + SD_SORT_COLS);
  const char *skewed = ms_hive_cell (r, i, at + SD_SKEWED);
  if (buckets != NULL)
    {
      g_ptr_array_unref (sd->bucket_cols);
      sd->bucket_cols = ms_json_to_strings (buckets);
    }
  if (sort != NULL)
    {
      g_ptr_array_unref (sd->sort_cols);
      sd->sort_cols = ms_json_to_sort_cols (sort);
    }
  if (skewed != NULL)
    sd->skewed = ms_json_to_skewed (skewed);
  g_ptr_array_unref (sd->cols);
  sd->cols = cols_json ? ms_json_to_columns (cols_json) : ms_columns_copy (shared_cols);
  return sd;
}

/* The profile's SerDe stand-ins, for SD_SELECT. */
#define SERDE_ARGS(p) (p)->serde_desc, (p)->serde_ser, (p)->serde_deser, (p)->serde_type

/* ---- tables ---- */

enum { T_ID, T_CAT, T_DB, T_NAME, T_TYPE, T_OWNER, T_OWNER_TYPE, T_CREATE, T_ACCESS,
       T_RETENTION, T_VIEW_ORIG, T_VIEW_EXP, T_REWRITE, T_WRITE_ID, T_PARAMS, T_PKEYS, T_COLS,
       T_SD };

typedef struct {
  MsHiveTableFunc fn;
  gpointer user;
} TablesCtx;

static MsTable *
table_from_row (const PGresult *r, int i)
{
  MsTable *t = ms_table_new ();
  static const MsPgColumn columns[] = {
    MS_PG_STR_COL (MsTable, catalog), MS_PG_STR_COL (MsTable, db_name),
    MS_PG_STR_COL (MsTable, name), MS_PG_STR_COL (MsTable, table_type),
    MS_PG_STR_COL (MsTable, owner_name),
  };
  MS_PG_READ_ROW (r, i, T_CAT, t, columns);
  t->owner_type = ms_hive_principal_type (ms_hive_cell (r, i, T_OWNER_TYPE));
  t->create_time = ms_pg_int (r, i, T_CREATE, 0);
  t->last_access_time = ms_pg_int (r, i, T_ACCESS, 0);
  t->retention = ms_pg_int (r, i, T_RETENTION, 0);
  t->view_original_text = ms_pg_dup (r, i, T_VIEW_ORIG);
  t->view_expanded_text = ms_pg_dup (r, i, T_VIEW_EXP);
  t->rewrite_enabled = ms_pg_bool (r, i, T_REWRITE);
  gint64 write_id = ms_pg_int64 (r, i, T_WRITE_ID, 0);
  t->write_id = write_id > 0 ? write_id : -1;
  const char *params = ms_hive_cell (r, i, T_PARAMS);
  if (params != NULL)
    {
      g_hash_table_unref (t->params);
      t->params = ms_json_to_params (params);
    }
  const char *pkeys = ms_hive_cell (r, i, T_PKEYS);
  if (pkeys != NULL)
    {
      g_ptr_array_unref (t->partition_keys);
      t->partition_keys = ms_json_to_columns (pkeys);
    }
  const char *cols = ms_hive_cell (r, i, T_COLS);
  g_autoptr (GPtrArray) none = ms_columns_new ();
  t->sd = sd_from_row (r, i, T_SD, cols ? cols : "[]", none);
  return t;
}

static gboolean
tables_rows (gpointer user, const PGresult *r, GError **error)
{
  TablesCtx *ctx = user;
  for (int i = 0; i < PQntuples (r); i++)
    {
      g_autoptr (MsTable) t = table_from_row (r, i);
      if (!ctx->fn (ctx->user, ms_pg_int64 (r, i, T_ID, 0), t, error))
        return FALSE;
    }
  return TRUE;
}

/* The tables query, narrowed by 'where' (over TBLS t and DBS d; "" for
 * every table). */
static char *
tables_sql (const MsHiveProfile *p, const char *where)
{
  return g_strdup_printf (
      "SELECT t.\"TBL_ID\", %s, d.\"NAME\", t.\"TBL_NAME\", t.\"TBL_TYPE\", t.\"OWNER\", %s, "
      "t.\"CREATE_TIME\", t.\"LAST_ACCESS_TIME\", t.\"RETENTION\", t.\"VIEW_ORIGINAL_TEXT\", "
      "t.\"VIEW_EXPANDED_TEXT\", t.\"IS_REWRITE_ENABLED\", %s, "
      PARAMS_OF ("TABLE_PARAMS", "TBL_ID", "t.\"TBL_ID\"") ", "
      "(SELECT json_agg (json_build_object ('name', k.\"PKEY_NAME\", 'type', k.\"PKEY_TYPE\", "
      "'comment', k.\"PKEY_COMMENT\") ORDER BY k.\"INTEGER_IDX\") FROM \"PARTITION_KEYS\" k "
      "WHERE k.\"TBL_ID\" = t.\"TBL_ID\"), " COLUMNS_OF ("s.\"CD_ID\"") ", " SD_SELECT " "
      "FROM \"TBLS\" t JOIN \"DBS\" d ON d.\"DB_ID\" = t.\"DB_ID\" " SD_JOIN
      "%s ORDER BY t.\"TBL_ID\"",
      p->db_catalog, p->tbl_owner_type, p->tbl_write_id, SERDE_ARGS (p), "t", where);
}

gboolean
ms_hive_source_tables (MsHiveSource *src, MsHiveTableFunc fn, gpointer user, GError **error)
{
  g_autofree char *sql = tables_sql (src->p, "");
  TablesCtx ctx = { fn, user };
  return ms_hive_each_batch (src, sql, 0, NULL, TRUE, tables_rows, &ctx, error);
}

MsTable *
ms_hive_source_table (MsHiveSource *src, const char *catalog, const char *db, const char *name,
                      gint64 *src_id, GError **error)
{
  g_autofree char *where = g_strdup_printf ("WHERE %s = $1 AND d.\"NAME\" = $2 "
                                            "AND t.\"TBL_NAME\" = $3", src->p->db_catalog);
  g_autofree char *sql = tables_sql (src->p, where);
  const char *v[] = { catalog, db, name };
  g_autoptr (PGresult) r = ms_hive_run (src, sql, 3, v, error);
  if (r == NULL)
    return NULL;
  if (PQntuples (r) == 0)
    {
      *src_id = 0;
      ms_fail (error, MS_ERROR_NOT_FOUND, "%s.%s.%s: no such table in the source", catalog, db,
               name);
      return NULL;
    }
  *src_id = ms_pg_int64 (r, 0, T_ID, 0);
  return table_from_row (r, 0);
}

/* ---- partitions ---- */

enum { P_TBL, P_CREATE, P_ACCESS, P_VALS, P_PARAMS, P_COLS, P_SD };

/* The partitions query: TBL_ID first, then what parts_rows reads. One
 * table's (PARTS_ONE_SQL) looks its nested parts up row by row; every
 * table's (PARTS_ALL_SQL) joins each family grouped once, which costs a
 * fraction per partition, and sorts the whole on the source. */
#define PARTS_SQL(vals, params, nested, joins, tail) \
  "SELECT p.\"TBL_ID\", p.\"CREATE_TIME\", p.\"LAST_ACCESS_TIME\", " vals ", " params ", " \
  "CASE WHEN s.\"CD_ID\" = ts.\"CD_ID\" THEN NULL ELSE " COLUMNS_OF ("s.\"CD_ID\"") \
  " END, " SD_SELECT_WITH (nested) " " \
  "FROM \"PARTITIONS\" p JOIN \"TBLS\" t ON t.\"TBL_ID\" = p.\"TBL_ID\" " \
  "LEFT JOIN \"SDS\" ts ON ts.\"SD_ID\" = t.\"SD_ID\" " SD_JOIN joins tail
#define PARTS_ONE_SQL PARTS_ONE_WHERE ("WHERE p.\"TBL_ID\" = $1::bigint ")
#define PARTS_ONE_WHERE(where) PARTS_LOOKUP (where "ORDER BY p.\"PART_ID\"")
#define PARTS_LOOKUP(tail) \
  PARTS_SQL ("(SELECT json_agg (v.\"PART_KEY_VAL\" ORDER BY v.\"INTEGER_IDX\") " \
             "  FROM \"PARTITION_KEY_VALS\" v WHERE v.\"PART_ID\" = p.\"PART_ID\")", \
             PARAMS_OF ("PARTITION_PARAMS", "PART_ID", "p.\"PART_ID\""), SD_NESTED_ONE, "", tail)
/* every table's, nested parts looked up row by row (a backend without
 * stream_grouped) */
#define PARTS_EACH_SQL PARTS_LOOKUP ("ORDER BY p.\"TBL_ID\", p.\"PART_ID\"")
#define PARTS_ALL_SQL \
  PARTS_SQL ("kv.j", "pp.j", SD_NESTED_ALL, \
             GROUPED ("kv", "PARTITION_KEY_VALS", "PART_ID", \
                      "json_agg (x.\"PART_KEY_VAL\" ORDER BY x.\"INTEGER_IDX\")::text", \
                      "p.\"PART_ID\"") \
             GROUPED ("pp", "PARTITION_PARAMS", "PART_ID", OBJECT_AGG, "p.\"PART_ID\"") \
             SD_NESTED_JOINS, "ORDER BY p.\"TBL_ID\", p.\"PART_ID\"")

typedef struct {
  const MsTable *t;
  guint batch;
  GPtrArray *parts;
  MsHiveBatchFunc fn;
  gpointer user;
} PartsCtx;

static gboolean
parts_flush (PartsCtx *ctx, GError **error)
{
  if (ctx->parts->len == 0)
    return TRUE;
  gboolean ok = ctx->fn (ctx->user, ctx->parts, error);
  g_ptr_array_set_size (ctx->parts, 0);
  return ok;
}

/* Row i of 'r' as a partition of ctx->t, into the batch (flushed when
 * full). */
static gboolean
parts_add_row (PartsCtx *ctx, const PGresult *r, int i, GError **error)
{
  const MsTable *t = ctx->t;
  MsPartition *p = ms_partition_new ();
  p->catalog = g_strdup (t->catalog);
  p->db_name = g_strdup (t->db_name);
  p->table_name = g_strdup (t->name);
  p->create_time = ms_pg_int (r, i, P_CREATE, 0);
  p->last_access_time = ms_pg_int (r, i, P_ACCESS, 0);
  g_ptr_array_unref (p->values);
  p->values = ms_partition_json_strings (ms_hive_cell (r, i, P_VALS));
  g_hash_table_unref (p->params);
  p->params = ms_partition_json_params (ms_hive_cell (r, i, P_PARAMS));
  p->sd = sd_from_row (r, i, P_SD, ms_hive_cell (r, i, P_COLS), t->sd ? t->sd->cols : NULL);
  g_ptr_array_add (ctx->parts, p);
  return ctx->parts->len < ctx->batch || parts_flush (ctx, error);
}

static gboolean
parts_rows (gpointer user, const PGresult *r, GError **error)
{
  for (int i = 0; i < PQntuples (r); i++)
    if (!parts_add_row (user, r, i, error))
      return FALSE;
  return TRUE;
}

/* One table's partitions by their own query: an index lookup per
 * partition and per nested part, fine for one table (--follow). */
static gboolean
parts_of_table (MsHiveSource *src, gint64 src_id, PartsCtx *ctx, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      PARTS_ONE_SQL, SERDE_ARGS (src->p), "p");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, src_id);
  const char *v[] = { id };
  return ms_hive_each_batch (src, sql, 1, v, FALSE, parts_rows, ctx, error);
}

gboolean
ms_hive_source_partitions_named (MsHiveSource *src, gint64 src_id, const MsTable *t,
                                 const char *const *names, guint n, guint batch,
                                 MsHiveBatchFunc fn, gpointer user, GError **error)
{
  g_autoptr (GPtrArray) parts = ms_partitions_new ();
  PartsCtx ctx = { t, MAX (batch, 1), parts, fn, user };
  g_autofree char *in = g_strdup_printf (src->be->name_in, "p.\"PART_NAME\"");
  g_autofree char *sql = g_strdup_printf (
      PARTS_ONE_WHERE ("WHERE p.\"TBL_ID\" = $1::bigint AND %s "),
      SERDE_ARGS (src->p), "p", in);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, src_id);
  g_autofree char *list = src->be->name_list (names, n);
  const char *v[] = { id, list };
  return ms_hive_each_batch (src, sql, 2, v, FALSE, parts_rows, &ctx, error)
         && parts_flush (&ctx, error);
}

void
ms_hive_source_stream_partitions (MsHiveSource *src, gboolean on)
{
  src->stream.wanted = on;
}

/* Open the stream of every partition of the snapshot, in (TBL_ID,
 * PART_ID) order: one sort of the family on the source instead of a scan
 * of it per table. The cursor is meant to be read to its end. */
static gboolean
stream_open (MsHiveSource *src, GError **error)
{
  g_autofree char *sql = src->be->stream_grouped
                          ? g_strdup_printf (PARTS_ALL_SQL, SERDE_ARGS (src->p), "p")
                          : g_strdup_printf (PARTS_EACH_SQL, SERDE_ARGS (src->p), "p");
  if (src->be->stream_setup != NULL)
    {
      g_autoptr (PGresult) set = ms_hive_run (src, src->be->stream_setup, 0, NULL, error);
      if (set == NULL)
        return FALSE;
    }
  src->stream.cursor = src->be->cursor_open (src, sql, 0, NULL, error);
  return src->stream.cursor != NULL;
}

/* The next row of the stream: *r and *row, or *r NULL at its end. */
static gboolean
stream_row (MsHiveSource *src, const PGresult **r, int *row, GError **error)
{
  MsHiveStream *st = &src->stream;
  *r = NULL;
  if (st->r == NULL || st->row >= PQntuples (st->r))
    {
      if (st->ended)
        return TRUE;
      g_clear_pointer (&st->r, PQclear);
      st->r = src->be->cursor_fetch (src, st->cursor, error);
      st->row = 0;
      if (st->r == NULL)
        return FALSE;
      st->ended = PQntuples (st->r) == 0;
      if (st->ended)
        return TRUE;
    }
  *r = st->r;
  *row = st->row;
  return TRUE;
}

/* Table src_id's partitions from the stream every table shares: rows of
 * tables before it (none when tables come in TBL_ID order) are passed. */
static gboolean
parts_from_stream (MsHiveSource *src, gint64 src_id, PartsCtx *ctx, GError **error)
{
  MsHiveStream *st = &src->stream;
  if (st->cursor == NULL && !stream_open (src, error))
    return FALSE;
  st->next_table = src_id + 1;
  for (;;)
    {
      const PGresult *r = NULL;
      int row = 0;
      if (!stream_row (src, &r, &row, error))
        return FALSE;
      if (r == NULL)
        return TRUE;
      gint64 tbl = ms_pg_int64 (r, row, P_TBL, 0);
      if (tbl > src_id)
        return TRUE;
      st->row++;
      if (tbl == src_id && !parts_add_row (ctx, r, row, error))
        return FALSE;
    }
}

gboolean
ms_hive_source_partitions (MsHiveSource *src, gint64 src_id, const MsTable *t, guint batch,
                           MsHiveBatchFunc fn, gpointer user, GError **error)
{
  g_autoptr (GPtrArray) parts = ms_partitions_new ();
  PartsCtx ctx = { t, MAX (batch, 1), parts, fn, user };
  /* the stream moves forward only: a table it has passed reads alone */
  gboolean streamed = src->stream.wanted
                      && (src->stream.cursor == NULL || src_id >= src->stream.next_table);
  return (streamed ? parts_from_stream (src, src_id, &ctx, error)
                   : parts_of_table (src, src_id, &ctx, error))
         && parts_flush (&ctx, error);
}
