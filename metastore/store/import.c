/*
 * import.c: the catalog side of `metastore import` that the other store
 * families do not already cover: the count and checksum of each family
 * (compared with the source's, store/hive_families.c, which sums the same
 * key texts the same way), and the record of finished imports
 * (sql/011_import_runs.sql) holding the source's notification position.
 */
#include "store/hive_source_internal.h"
#include "store/pool.h"
#include "store/json.h"

/* Hive's PrincipalType as the Java schema writes it */
#define PRINCIPAL_TEXT(col) \
  "CASE " col " WHEN 1 THEN 'USER' WHEN 2 THEN 'ROLE' WHEN 3 THEN 'GROUP' END"
#define DB_JOIN "JOIN ms_databases d ON d.db_id = t.db_id JOIN ms_catalogs c ON c.cat_id = d.cat_id "

static const MsSql sql_sums[MS_HIVE_N_FAMILIES] = {
  { "import_sum_cat", "SELECT count (*), " MS_HIVE_SUM ("c.name") " FROM ms_catalogs c" },
  { "import_sum_db", "SELECT count (*), " MS_HIVE_SUM ("c.name || '.' || d.name || '|' || "
    "d.location_uri || '|' || COALESCE (d.owner_name, '')")
    " FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id" },
  { "import_sum_tbl", "SELECT count (*), " MS_HIVE_SUM ("c.name || '.' || d.name || '.' || "
    "t.name || '|' || t.table_type || '|' || COALESCE (t.location, '')")
    " FROM ms_tables t " DB_JOIN },
  { "import_sum_part", "SELECT count (*), " MS_HIVE_SUM ("c.name || '.' || d.name || '.' || "
    "t.name || '|' || p.part_name || '|' || COALESCE (p.location, '')")
    " FROM ms_partitions p JOIN ms_tables t ON t.table_id = p.table_id " DB_JOIN },
  { "import_sum_tstats", "SELECT count (*), " MS_HIVE_SUM ("c.name || '.' || d.name || '.' || "
    "t.name || '|' || s.engine || '|' || s.col_name")
    " FROM ms_table_col_stats s JOIN ms_tables t ON t.table_id = s.table_id " DB_JOIN },
  { "import_sum_pstats", "SELECT count (*), " MS_HIVE_SUM ("c.name || '.' || d.name || '.' || "
    "t.name || '|' || p.part_name || '|' || s.engine || '|' || s.col_name")
    " FROM ms_part_col_stats s JOIN ms_partitions p ON p.table_id = s.table_id "
    "AND p.part_id = s.part_id JOIN ms_tables t ON t.table_id = s.table_id " DB_JOIN },
  { "import_sum_func", "SELECT count (*), " MS_HIVE_SUM ("c.name || '.' || d.name || '.' || "
    "t.name || '|' || t.class_name") " FROM ms_functions t " DB_JOIN },
  { "import_sum_roles", "SELECT count (*), " MS_HIVE_SUM ("r.name") " FROM ms_roles r" },
  { "import_sum_role_grants", "SELECT count (*), " MS_HIVE_SUM ("r.name || '|' || "
    "g.principal_name || '|' || " PRINCIPAL_TEXT ("g.principal_type"))
    " FROM ms_role_grants g JOIN ms_roles r ON r.role_id = g.role_id" },
  { "import_sum_privileges", "SELECT count (*), " MS_HIVE_SUM ("p.object_type || '|' || "
    "p.principal_name || '|' || " PRINCIPAL_TEXT ("p.principal_type") " || '|' || p.privilege")
    " FROM ms_privileges p" },
  { "import_sum_constraints", "SELECT count (*), " MS_HIVE_SUM ("c.name || '|' || "
    "k.position || '|' || c.kind") " FROM ms_constraints c JOIN ms_constraint_columns k "
    "ON k.table_id = c.table_id AND k.constraint_id = c.constraint_id" },
};

static const MsSql sql_record = { "import_record",
  "INSERT INTO ms_import_runs (source, source_version, next_event_id, started_at, finished_at, "
  "counts) VALUES ($1, $2, $3::bigint, $4::integer, extract (epoch FROM now ())::integer, "
  "$5::jsonb)" };
static const MsSql sql_position = { "import_position",
  "SELECT next_event_id FROM ms_import_runs WHERE source = $1 ORDER BY run_id DESC LIMIT 1",
  .read_only = TRUE };

gboolean
ms_store_import_sums (MsStore *s, MsHiveSums *out, GError **error)
{
  for (int f = 0; f < MS_HIVE_N_FAMILIES; f++)
    {
      g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_sums[f], 0, NULL, error);
      if (r == NULL)
        return FALSE;
      out->count[f] = ms_pg_int64 (r, 0, 0, 0);
      g_free (out->sum[f]);
      out->sum[f] = ms_pg_dup (r, 0, 1);
    }
  return TRUE;
}

gboolean
ms_store_import_record (MsStore *s, const char *source, const char *version,
                        gint64 next_event_id, gint64 started, const MsHiveSums *read,
                        GError **error)
{
  g_autoptr (GHashTable) counts = ms_params_new ();
  for (int f = 0; f < MS_HIVE_N_FAMILIES; f++)
    g_hash_table_insert (counts, g_strdup (ms_hive_family_name (f)),
                         g_strdup_printf ("%" G_GINT64_FORMAT, read->count[f]));
  g_autofree char *json = ms_json_from_params (counts);
  g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, next_event_id);
  g_autofree char *t0 = g_strdup_printf ("%" G_GINT64_FORMAT, started);
  const char *v[] = { source, version, next, t0, json };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_record, 5, v, error);
  return r != NULL;
}

static const MsSql sql_advance = { "import_advance",
  "UPDATE ms_import_runs SET next_event_id = $2::bigint WHERE run_id = "
  "(SELECT max (run_id) FROM ms_import_runs WHERE source = $1) RETURNING run_id" };

gboolean
ms_store_import_advance (MsStore *s, const char *source, gint64 next_event_id, GError **error)
{
  g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, next_event_id);
  const char *v[] = { source, next };
  g_autoptr (PGresult) r = ms_pool_exec_found (s->pool, &sql_advance, 2, v, error,
                                               "no import from %s is recorded: run the bulk "
                                               "import first", source);
  return r != NULL;
}

gboolean
ms_store_begin_outer (MsStore *s, GError **error)
{
  return ms_pool_pin (s->pool, error);
}

gboolean
ms_store_end_outer (MsStore *s, gboolean commit, GError **error)
{
  return ms_pool_unpin (s->pool, commit, error);
}

gboolean
ms_store_import_position (MsStore *s, const char *source, gint64 *next_event_id, GError **error)
{
  const char *v[] = { source };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_position, 1, v, error);
  if (r == NULL)
    return FALSE;
  *next_event_id = PQntuples (r) > 0 ? ms_pg_int64 (r, 0, 0, 0) : 0;
  return TRUE;
}

char *
ms_store_import_source_label (const char *conninfo)
{
  if (ms_hive_mysql_url (conninfo))
    return ms_hive_mysql_label (conninfo);
  PQconninfoOption *opts = PQconninfoParse (conninfo, NULL);
  if (opts == NULL)
    return g_strdup ("(unparsable conninfo)");
  GString *s = g_string_new (NULL);
  for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
    if (o->val != NULL && *o->val != '\0' && !g_str_equal (o->keyword, "password"))
      g_string_append_printf (s, "%s%s=%s", s->len ? " " : "", o->keyword, o->val);
  PQconninfoFree (opts);
  return g_string_free (s, FALSE);
}
