/*
 * hive_families.c: the Java metastore families besides tables and
 * partitions (store/hive_source.h): catalogs, databases, functions,
 * column statistics; the rows that break our rules; the count and
 * checksum of every family. All read in the source's snapshot.
 */
#include "store/hive_source_internal.h"
#include "store/json.h"
#include "store/partition_internal.h"
#include <json-glib/json-glib.h>
#include <string.h>

static const char *const family_names[MS_HIVE_N_FAMILIES] = {
  "catalogs", "databases", "tables", "partitions", "table statistics",
  "partition statistics", "functions", "roles", "role grants", "privileges",
  "constraint columns",
};

const char *
ms_hive_family_name (MsHiveFamily f)
{
  return f < MS_HIVE_N_FAMILIES ? family_names[f] : "?";
}

void
ms_hive_sums_clear (MsHiveSums *s)
{
  for (int i = 0; i < MS_HIVE_N_FAMILIES; i++)
    g_clear_pointer (&s->sum[i], g_free);
}

/* ---- catalogs, databases, functions ---- */

GPtrArray *
ms_hive_source_catalogs (MsHiveSource *src, GError **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_catalog_free);
  if (!src->p->has_catalogs)
    return out;                /* 2.3: everything is in catalog 'hive' */
  g_autofree char *sql = g_strdup_printf (
      "SELECT c.\"NAME\", c.\"DESC\", c.\"LOCATION_URI\", %s FROM \"CTLGS\" c ORDER BY 1",
      src->p->ctlg_create);
  g_autoptr (PGresult) r = ms_hive_run (src, sql, 0, NULL, error);
  if (r == NULL)
    {
      g_ptr_array_unref (out);
      return NULL;
    }
  for (int i = 0; i < PQntuples (r); i++)
    {
      MsCatalog *c = ms_catalog_new ();
      static const MsPgColumn columns[] = {
        MS_PG_STR_COL (MsCatalog, name), MS_PG_STR_COL (MsCatalog, description),
        MS_PG_STR_COL (MsCatalog, location_uri), MS_PG_COL (MsCatalog, create_time, MS_PG_INT, 0),
      };
      MS_PG_READ_ROW (r, i, 0, c, columns);
      g_ptr_array_add (out, c);
    }
  return out;
}

static gpointer
database_from_row (const PGresult *r, int i)
{
  MsDatabase *d = ms_database_new ();
  static const MsPgColumn columns[] = {
    MS_PG_STR_COL (MsDatabase, catalog), MS_PG_STR_COL (MsDatabase, name),
    MS_PG_STR_COL (MsDatabase, description), MS_PG_STR_COL (MsDatabase, location_uri),
    MS_PG_STR_COL (MsDatabase, managed_location_uri), MS_PG_STR_COL (MsDatabase, owner_name),
  };
  MS_PG_READ_ROW (r, i, 0, d, columns);
  d->owner_type = ms_hive_principal_type (ms_hive_cell (r, i, 6));
  d->create_time = ms_pg_int (r, i, 7, 0);
  const char *type = ms_hive_cell (r, i, 8);
  d->type = type && g_ascii_strcasecmp (type, "REMOTE") == 0 ? MS_DB_REMOTE : MS_DB_NATIVE;
  d->connector_name = ms_pg_dup (r, i, 9);
  d->remote_dbname = ms_pg_dup (r, i, 10);
  const char *params = ms_hive_cell (r, i, 11);
  if (params != NULL)
    {
      g_hash_table_unref (d->params);
      d->params = ms_json_to_params (params);
    }
  return d;
}

GPtrArray *
ms_hive_source_databases (MsHiveSource *src, GError **error)
{
  const MsHiveProfile *p = src->p;
  g_autofree char *sql = g_strdup_printf (
      "SELECT %s, d.\"NAME\", d.\"DESC\", d.\"DB_LOCATION_URI\", %s, d.\"OWNER_NAME\", "
      "d.\"OWNER_TYPE\", %s, %s, %s, %s, (SELECT jsonb_object_agg (x.\"PARAM_KEY\", "
      "COALESCE (x.\"PARAM_VALUE\", '')) FROM \"DATABASE_PARAMS\" x "
      "WHERE x.\"DB_ID\" = d.\"DB_ID\") FROM \"DBS\" d ORDER BY 1, 2",
      p->db_catalog, p->db_managed, p->db_create, p->db_type, p->db_connector, p->db_remote);
  g_autoptr (PGresult) r = ms_hive_run (src, sql, 0, NULL, error);
  return r ? ms_pg_map_rows (r, database_from_row, (GDestroyNotify) ms_database_free) : NULL;
}

static void
function_resources (MsFunction *f, const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return;
  JsonNode *root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_ARRAY (root))
    return;
  JsonArray *a = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      MsResourceUri ru = { (int) json_object_get_int_member_with_default (o, "type", 1),
                           g_strdup (json_object_get_string_member_with_default (o, "uri",
                                                                                  NULL)) };
      g_array_append_val (f->resources, ru);
    }
}

static gpointer
function_from_row (const PGresult *r, int i)
{
  MsFunction *f = ms_function_new ();
  static const MsPgColumn columns[] = {
    MS_PG_STR_COL (MsFunction, catalog), MS_PG_STR_COL (MsFunction, db_name),
    MS_PG_STR_COL (MsFunction, name), MS_PG_STR_COL (MsFunction, class_name),
    MS_PG_STR_COL (MsFunction, owner_name),
  };
  MS_PG_READ_ROW (r, i, 0, f, columns);
  f->owner_type = ms_hive_principal_type (ms_hive_cell (r, i, 5));
  f->create_time = ms_pg_int (r, i, 6, 0);
  f->function_type = ms_pg_int (r, i, 7, 1);
  function_resources (f, ms_hive_cell (r, i, 8));
  return f;
}

GPtrArray *
ms_hive_source_functions (MsHiveSource *src, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT %s, d.\"NAME\", f.\"FUNC_NAME\", f.\"CLASS_NAME\", f.\"OWNER_NAME\", "
      "f.\"OWNER_TYPE\", f.\"CREATE_TIME\", f.\"FUNC_TYPE\", "
      "(SELECT json_agg (json_build_object ('type', u.\"RESOURCE_TYPE\", 'uri', "
      "u.\"RESOURCE_URI\") ORDER BY u.\"INTEGER_IDX\") FROM \"FUNC_RU\" u "
      "WHERE u.\"FUNC_ID\" = f.\"FUNC_ID\") "
      "FROM \"FUNCS\" f JOIN \"DBS\" d ON d.\"DB_ID\" = f.\"DB_ID\" ORDER BY 1, 2, 3",
      src->p->db_catalog);
  g_autoptr (PGresult) r = ms_hive_run (src, sql, 0, NULL, error);
  return r ? ms_pg_map_rows (r, function_from_row, (GDestroyNotify) ms_function_free) : NULL;
}

/* ---- column statistics ---- */

/* part name (NULL: table level), column, type, engine, last analyzed,
 * the MS_HIVE_ST_* values, bit vector and histogram in hex (%s x3: the
 * profile's engine, the backend's hex text of its bit vector and
 * histogram) */
#define STATS_VALUES \
  "s.\"COLUMN_NAME\", s.\"COLUMN_TYPE\", %s, s.\"LAST_ANALYZED\", s.\"LONG_LOW_VALUE\", " \
  "s.\"LONG_HIGH_VALUE\", s.\"DOUBLE_LOW_VALUE\", s.\"DOUBLE_HIGH_VALUE\", " \
  "s.\"BIG_DECIMAL_LOW_VALUE\", s.\"BIG_DECIMAL_HIGH_VALUE\", s.\"NUM_NULLS\", " \
  "s.\"NUM_DISTINCTS\", s.\"AVG_COL_LEN\", s.\"MAX_COL_LEN\", s.\"NUM_TRUES\", " \
  "s.\"NUM_FALSES\", %s, %s"
enum { S_PART, S_COL, S_TYPE, S_ENGINE, S_ANALYZED, S_VALUES,
       S_BITV = S_VALUES + MS_HIVE_ST_N, S_HIST };

typedef struct {
  const MsTable *t;
  guint batch;
  GPtrArray *entries;          /* MsColumnStatistics* */
  MsColumnStatistics *cur;     /* the last entry, borrowed */
  MsHiveBatchFunc fn;
  gpointer user;
} StatsCtx;

static GBytes *
hex_bytes (const char *hex)
{
  if (hex == NULL || *hex == '\0')
    return NULL;
  gsize n = strlen (hex) / 2;
  guint8 *buf = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    buf[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4
                       | g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (buf, n);
}

static gboolean
stats_flush (StatsCtx *ctx, GError **error)
{
  ctx->cur = NULL;
  if (ctx->entries->len == 0)
    return TRUE;
  gboolean ok = ctx->fn (ctx->user, ctx->entries, error);
  g_ptr_array_set_size (ctx->entries, 0);
  return ok;
}

/* The entry row 'i' belongs to: the current one, or a new one (after a
 * flush when the batch is full or the engine changes: one write names
 * each partition once). */
static MsColumnStatistics *
stats_entry (StatsCtx *ctx, const PGresult *r, int i, GError **error)
{
  const char *part = ms_hive_cell (r, i, S_PART);
  const char *engine = ms_hive_cell (r, i, S_ENGINE);
  MsColumnStatistics *cur = ctx->cur;
  if (cur != NULL && g_strcmp0 (cur->part_name, part) == 0 && g_str_equal (cur->engine, engine))
    return cur;
  if ((cur != NULL && !g_str_equal (cur->engine, engine)) || ctx->entries->len >= ctx->batch)
    if (!stats_flush (ctx, error))
      return NULL;
  cur = ms_column_statistics_new ();
  cur->catalog = g_strdup (ctx->t->catalog);
  cur->db_name = g_strdup (ctx->t->db_name);
  cur->table_name = g_strdup (ctx->t->name);
  cur->part_name = g_strdup (part);
  cur->is_tbl_level = part == NULL;
  cur->engine = g_strdup (engine);
  cur->last_analyzed = ms_pg_int64 (r, i, S_ANALYZED, 0);
  g_ptr_array_add (ctx->entries, cur);
  return ctx->cur = cur;
}

static gboolean
stats_rows (gpointer user, const PGresult *r, GError **error)
{
  StatsCtx *ctx = user;
  for (int i = 0; i < PQntuples (r); i++)
    {
      MsColumnStatistics *e = stats_entry (ctx, r, i, error);
      if (e == NULL)
        return FALSE;
      const char *v[MS_HIVE_ST_N];
      for (int k = 0; k < MS_HIVE_ST_N; k++)
        v[k] = ms_hive_cell (r, i, S_VALUES + k);
      g_autoptr (MsColStats) cs = ms_col_stats_new (ms_hive_cell (r, i, S_COL),
                                                    ms_hive_cell (r, i, S_TYPE));
      g_autoptr (GError) local = NULL;
      if (!ms_hive_stats_data (cs->type, v, &cs->data, &local))
        return ms_fail (error, MS_ERROR_INVALID_INPUT, "statistics of %s.%s column %s%s%s: %s",
                        ctx->t->db_name, ctx->t->name, cs->name, e->part_name ? " of " : "",
                        e->part_name ? e->part_name : "", local->message);
      cs->data.bit_vectors = hex_bytes (ms_hive_cell (r, i, S_BITV));
      cs->data.histogram = hex_bytes (ms_hive_cell (r, i, S_HIST));
      g_ptr_array_add (e->cols, g_steal_pointer (&cs));
    }
  return TRUE;
}

/* Table level ('part_level' FALSE) or partition statistics, these of the
 * partitions named in 'names' only when it is not NULL. */
static gboolean
stats_read (MsHiveSource *src, gint64 src_id, const MsTable *t, gboolean part_level,
            const char *const *names, guint n, guint batch, MsHiveBatchFunc fn, gpointer user,
            GError **error)
{
  const MsHiveProfile *p = src->p;
  g_autofree char *bitv = g_strdup_printf (src->be->hex, p->stats_bitv);
  g_autofree char *hist = g_strdup_printf (src->be->hex, p->stats_hist);
  g_autofree char *in = names ? g_strdup_printf (src->be->name_in, "pt.\"PART_NAME\"") : NULL;
  g_autofree char *sql = part_level
    ? g_strdup_printf ("SELECT pt.\"PART_NAME\", " STATS_VALUES " FROM \"PART_COL_STATS\" s "
                       "JOIN \"PARTITIONS\" pt ON pt.\"PART_ID\" = s.\"PART_ID\" "
                       "WHERE pt.\"TBL_ID\" = $1::bigint %s%s "
                       "ORDER BY 4, s.\"PART_ID\", s.\"CS_ID\"",
                       p->stats_engine, bitv, hist, names ? "AND " : "", in ? in : "")
    : g_strdup_printf ("SELECT NULL::text, " STATS_VALUES " FROM \"TAB_COL_STATS\" s "
                       "WHERE s.\"TBL_ID\" = $1::bigint ORDER BY 4, s.\"CS_ID\"",
                       p->stats_engine, bitv, hist);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, src_id);
  g_autofree char *list = names ? src->be->name_list (names, n) : NULL;
  const char *v[] = { id, list };
  g_autoptr (GPtrArray) entries =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ms_column_statistics_free);
  StatsCtx ctx = { t, MAX (batch, 1), entries, NULL, fn, user };
  return ms_hive_each_batch (src, sql, names ? 2 : 1, v, FALSE, stats_rows, &ctx, error)
         && stats_flush (&ctx, error);
}

gboolean
ms_hive_source_stats (MsHiveSource *src, gint64 src_id, const MsTable *t, gboolean part_level,
                      guint batch, MsHiveBatchFunc fn, gpointer user, GError **error)
{
  return stats_read (src, src_id, t, part_level, NULL, 0, batch, fn, user, error);
}

gboolean
ms_hive_source_stats_named (MsHiveSource *src, gint64 src_id, const MsTable *t,
                            const char *const *names, guint n, guint batch, MsHiveBatchFunc fn,
                            gpointer user, GError **error)
{
  return stats_read (src, src_id, t, TRUE, names, n, batch, fn, user, error);
}

/* ---- rules and checksums ---- */

/* Each row: one problem, naming the object (of names that differ only
 * in case, the first and last, and how many more). %1$s: the catalog of
 * d. */
#define CLASH(what, name) \
  "SELECT '" what " ' || min (" name ") || ' and ' || max (" name ") || CASE WHEN count (*) > 2 " \
  "THEN ' (and ' || (count (*) - 2) || ' more)' ELSE '' END || ' differ only in case' "
static const char *const problem_sql[] = {
  CLASH ("databases", "%1$s || '.' || d.\"NAME\"") "FROM \"DBS\" d "
  "GROUP BY lower (%1$s || '.' || d.\"NAME\") HAVING count (*) > 1",
  CLASH ("tables", "%1$s || '.' || d.\"NAME\" || '.' || t.\"TBL_NAME\"") "FROM \"TBLS\" t "
  "JOIN \"DBS\" d ON d.\"DB_ID\" = t.\"DB_ID\" GROUP BY t.\"DB_ID\", lower (t.\"TBL_NAME\") "
  "HAVING count (*) > 1",
  CLASH ("functions", "%1$s || '.' || d.\"NAME\" || '.' || f.\"FUNC_NAME\"") "FROM \"FUNCS\" f "
  "JOIN \"DBS\" d ON d.\"DB_ID\" = f.\"DB_ID\" GROUP BY f.\"DB_ID\", lower (f.\"FUNC_NAME\") "
  "HAVING count (*) > 1",
  "SELECT 'database ' || COALESCE (%1$s || '.' || d.\"NAME\", 'id ' || d.\"DB_ID\") || "
  "' has no name or an upper-case one (%2$s)' FROM \"DBS\" d "
  "WHERE d.\"NAME\" IS NULL OR d.\"NAME\" <> lower (d.\"NAME\")",
  "SELECT 'table ' || COALESCE (%1$s || '.' || d.\"NAME\" || '.' || t.\"TBL_NAME\", "
  "'id ' || t.\"TBL_ID\") || ' has no name or database, or an upper-case name (%2$s)' "
  "FROM \"TBLS\" t LEFT JOIN \"DBS\" d ON d.\"DB_ID\" = t.\"DB_ID\" "
  "WHERE t.\"TBL_NAME\" IS NULL OR d.\"DB_ID\" IS NULL OR t.\"TBL_NAME\" <> lower (t.\"TBL_NAME\")",
};

gboolean
ms_hive_source_problems (MsHiveSource *src, GPtrArray *problems, GError **error)
{
  const char *cat = src->p->db_catalog;
  const char *why = "names are looked up lower-cased";
  for (guint q = 0; q < G_N_ELEMENTS (problem_sql); q++)
    {
      g_autofree char *sql = g_strdup_printf (problem_sql[q], cat, why);
      g_autoptr (PGresult) r = ms_hive_run (src, sql, 0, NULL, error);
      if (r == NULL)
        return FALSE;
      for (int i = 0; i < PQntuples (r); i++)
        g_ptr_array_add (problems, ms_pg_dup (r, i, 0));
    }
  return TRUE;
}

/* The key text of each family's objects (see MS_HIVE_SUM), and where
 * they are; %1$s and %2$s: the backend's sum_open and sum_close, %3$s:
 * the catalog of d, %4$s: the statistics engine. */
#define SUM(text) "%1$s" text "%2$s"
#define PRIV_SUM(seed) \
  "SELECT count (*), " SUM ("q.k") " FROM (" seed \
  "SELECT '1|' || x.\"PRINCIPAL_NAME\" || '|' || x.\"PRINCIPAL_TYPE\" || '|' || x.\"USER_PRIV\" " \
  "AS k FROM \"GLOBAL_PRIVS\" x UNION ALL " \
  "SELECT '2|' || x.\"PRINCIPAL_NAME\" || '|' || x.\"PRINCIPAL_TYPE\" || '|' || x.\"DB_PRIV\" " \
  "FROM \"DB_PRIVS\" x UNION ALL " \
  "SELECT '3|' || x.\"PRINCIPAL_NAME\" || '|' || x.\"PRINCIPAL_TYPE\" || '|' || x.\"TBL_PRIV\" " \
  "FROM \"TBL_PRIVS\" x UNION ALL " \
  "SELECT '4|' || x.\"PRINCIPAL_NAME\" || '|' || x.\"PRINCIPAL_TYPE\" || '|' || x.\"PART_PRIV\" " \
  "FROM \"PART_PRIVS\" x UNION ALL " \
  "SELECT '5|' || x.\"PRINCIPAL_NAME\" || '|' || x.\"PRINCIPAL_TYPE\" || '|' || " \
  "x.\"TBL_COL_PRIV\" FROM \"TBL_COL_PRIVS\" x UNION ALL " \
  "SELECT '5|' || x.\"PRINCIPAL_NAME\" || '|' || x.\"PRINCIPAL_TYPE\" || '|' || " \
  "x.\"PART_COL_PRIV\" FROM \"PART_COL_PRIVS\" x) q"

static const char *const sum_sql[MS_HIVE_N_FAMILIES] = {
  "SELECT count (*), " SUM ("c.\"NAME\"") " FROM \"CTLGS\" c",
  "SELECT count (*), " SUM ("%3$s || '.' || d.\"NAME\" || '|' || d.\"DB_LOCATION_URI\" "
  "|| '|' || COALESCE (d.\"OWNER_NAME\", '')") " FROM \"DBS\" d",
  "SELECT count (*), " SUM ("%3$s || '.' || d.\"NAME\" || '.' || t.\"TBL_NAME\" || '|' || "
  "t.\"TBL_TYPE\" || '|' || COALESCE (s.\"LOCATION\", '')") " FROM \"TBLS\" t "
  "JOIN \"DBS\" d ON d.\"DB_ID\" = t.\"DB_ID\" LEFT JOIN \"SDS\" s ON s.\"SD_ID\" = t.\"SD_ID\"",
  "SELECT count (*), " SUM ("%3$s || '.' || d.\"NAME\" || '.' || t.\"TBL_NAME\" || '|' || "
  "p.\"PART_NAME\" || '|' || COALESCE (s.\"LOCATION\", '')") " FROM \"PARTITIONS\" p "
  "JOIN \"TBLS\" t ON t.\"TBL_ID\" = p.\"TBL_ID\" JOIN \"DBS\" d ON d.\"DB_ID\" = t.\"DB_ID\" "
  "LEFT JOIN \"SDS\" s ON s.\"SD_ID\" = p.\"SD_ID\"",
  "SELECT count (*), " SUM ("%3$s || '.' || d.\"NAME\" || '.' || t.\"TBL_NAME\" || '|' || "
  "%4$s || '|' || s.\"COLUMN_NAME\"") " FROM \"TAB_COL_STATS\" s "
  "JOIN \"TBLS\" t ON t.\"TBL_ID\" = s.\"TBL_ID\" JOIN \"DBS\" d ON d.\"DB_ID\" = t.\"DB_ID\"",
  "SELECT count (*), " SUM ("%3$s || '.' || d.\"NAME\" || '.' || t.\"TBL_NAME\" || '|' || "
  "p.\"PART_NAME\" || '|' || %4$s || '|' || s.\"COLUMN_NAME\"") " FROM \"PART_COL_STATS\" s "
  "JOIN \"PARTITIONS\" p ON p.\"PART_ID\" = s.\"PART_ID\" "
  "JOIN \"TBLS\" t ON t.\"TBL_ID\" = p.\"TBL_ID\" JOIN \"DBS\" d ON d.\"DB_ID\" = t.\"DB_ID\"",
  "SELECT count (*), " SUM ("%3$s || '.' || d.\"NAME\" || '.' || f.\"FUNC_NAME\" || '|' || "
  "COALESCE (f.\"CLASS_NAME\", '')") " FROM \"FUNCS\" f JOIN \"DBS\" d ON d.\"DB_ID\" = f.\"DB_ID\"",
  "SELECT count (*), " SUM ("r.\"ROLE_NAME\"") " FROM \"ROLES\" r",
  "SELECT count (*), " SUM ("r.\"ROLE_NAME\" || '|' || m.\"PRINCIPAL_NAME\" || '|' || "
  "m.\"PRINCIPAL_TYPE\"") " FROM \"ROLE_MAP\" m JOIN \"ROLES\" r ON r.\"ROLE_ID\" = m.\"ROLE_ID\"",
  PRIV_SUM (""),
  "SELECT count (*), " SUM ("k.\"CONSTRAINT_NAME\" || '|' || k.\"POSITION\" || '|' || "
  "k.\"CONSTRAINT_TYPE\"") " FROM \"KEY_CONSTRAINTS\" k",
};

/* A 2.3 source's grants predate GLOBAL_PRIVS."AUTHORIZER": the admin
 * role's "All", which every Hive server grants at its first start, is
 * there without one and copied so, while our catalog holds it with
 * authorizer SQL from its creation (as a Hive 3.1 server started on the
 * source adds it beside the old one). The source's side counts it too. */
static const char sum_privileges_23[] = PRIV_SUM ("SELECT '1|admin|ROLE|All' AS k UNION ALL ");

gboolean
ms_hive_source_sums (MsHiveSource *src, MsHiveSums *out, GError **error)
{
  const MsHiveProfile *p = src->p;
  for (int f = 0; f < MS_HIVE_N_FAMILIES; f++)
    {
      g_autofree char *sql = f == MS_HIVE_CATALOGS && !p->has_catalogs
        ? g_strdup_printf ("SELECT 1, " SUM ("'hive'"), src->be->sum_open, src->be->sum_close)
        : g_strdup_printf (f == MS_HIVE_PRIVILEGES && !p->has_catalogs ? sum_privileges_23
                           : sum_sql[f], src->be->sum_open, src->be->sum_close, p->db_catalog,
                           p->stats_engine);
      g_autoptr (PGresult) r = ms_hive_run (src, sql, 0, NULL, error);
      if (r == NULL)
        return FALSE;
      out->count[f] = ms_pg_int64 (r, 0, 0, 0);
      g_free (out->sum[f]);
      out->sum[f] = ms_pg_dup (r, 0, 1);
    }
  return TRUE;
}
