/*
 * function.c: permanent functions (UDFs): create, get, list by name
 * pattern, alter (rename, move to another database of the same catalog),
 * drop, and the catalog-wide list. Resource URIs are a jsonb list of
 * {"type": n, "uri": "..."} on the function's row.
 *
 * Every change is one statement; when it touches no row a read-only
 * follow-up says why (no database, remote database, no function).
 *
 * Accepted races: create relies on the unique index (db_id, name): SQLSTATE
 * 23505 becomes MS_ERROR_ALREADY_EXISTS. A create racing a drop_database
 * waits on the database row and then fails its foreign key check
 * (MS_ERROR_INVALID_OBJECT from pg.c); nothing is left behind.
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/events.h"
#include <json-glib/json-glib.h>
#include <stdio.h>
#include "core/json_text.h"

#define FN_COLUMNS \
  "c.name, d.name, f.name, f.class_name, f.owner_name, f.owner_type, f.create_time, " \
  "f.function_type, f.resource_uris"
#define FN_FROM \
  "FROM ms_functions f JOIN ms_databases d ON d.db_id = f.db_id " \
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id "

static const MsSql sql_fn_all = { "fn_all",
  "SELECT " FN_COLUMNS " " FN_FROM "WHERE c.name = $1 ORDER BY d.name, f.name",
  .read_only = TRUE };
static const MsSql sql_fn_get = { "fn_get",
  "SELECT " FN_COLUMNS " " FN_FROM "WHERE c.name = $1 AND d.name = $2 AND f.name = $3",
  .read_only = TRUE };
static const MsSql sql_fn_list = { "fn_list",
  "SELECT f.name " FN_FROM
  "WHERE c.name = $1 AND d.name = $2 AND ($3::text IS NULL OR f.name ~* $3) ORDER BY f.name",
  .read_only = TRUE };
/* Only into a native database (Hive refuses functions in REMOTE ones). */
static const MsSql sql_fn_insert = { "fn_insert",
  "INSERT INTO ms_functions (db_id, name, class_name, owner_name, owner_type, create_time, "
  "  function_type, resource_uris) "
  "SELECT d.db_id, $3, $4, $5, $6::smallint, $7::integer, $8::smallint, $9::jsonb "
  "FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name = $2 AND d.db_type <> 2" };
static const MsSql sql_fn_db_type = { "fn_db_type",
  "SELECT d.db_type FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name = $2",
  .read_only = TRUE };
/* Like Hive's ObjectStore.alterFunction: name, database, owner, class and
 * type change; create time and resource URIs stay. */
static const MsSql sql_fn_alter = { "fn_alter",
  "UPDATE ms_functions f SET name = $5, db_id = nd.db_id, class_name = $6, owner_name = $7, "
  "  owner_type = $8::smallint, function_type = $9::smallint "
  "FROM ms_databases od, ms_catalogs c, ms_databases nd "
  "WHERE od.cat_id = c.cat_id AND c.name = $1 AND od.name = $2 "
  "  AND f.db_id = od.db_id AND f.name = $3 AND nd.cat_id = c.cat_id AND nd.name = $4" };
static const MsSql sql_fn_delete = { "fn_delete",
  "DELETE FROM ms_functions f USING ms_databases d, ms_catalogs c "
  "WHERE d.db_id = f.db_id AND c.cat_id = d.cat_id "
  "  AND c.name = $1 AND d.name = $2 AND f.name = $3" };

static void
parse_resources (MsFunction *f, const char *json)
{
  g_autoptr (JsonParser) p = json_parser_new_immutable ();
  if (json == NULL || !json_parser_load_from_data (p, json, -1, NULL))
    return;
  JsonNode *root = json_parser_get_root (p);
  if (!JSON_NODE_HOLDS_ARRAY (root))
    return;
  JsonArray *a = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      if (o == NULL)
        continue;
      MsResourceUri r = { (int) json_object_get_int_member_with_default (o, "type", 1),
                          g_strdup (json_object_get_string_member_with_default (o, "uri", "")) };
      g_array_append_val (f->resources, r);
    }
}

/* The jsonb text of f->resources (caller frees); a NULL uri stays null. */
static char *
resources_to_json (const MsFunction *f)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < f->resources->len; i++)
    {
      const MsResourceUri *r = &g_array_index (f->resources, MsResourceUri, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_int_value (b, r->type);
      json_builder_set_member_name (b, "uri");
      if (r->uri)
        json_builder_add_string_value (b, r->uri);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return ms_json_text (root, FALSE, NULL);
}

static MsFunction *
function_from_row (const PGresult *r, int i)
{
  static const MsPgColumn columns[] = {
    MS_PG_STR_COL (MsFunction, catalog), MS_PG_STR_COL (MsFunction, db_name),
    MS_PG_STR_COL (MsFunction, name), MS_PG_STR_COL (MsFunction, class_name),
    MS_PG_STR_COL (MsFunction, owner_name), MS_PG_COL (MsFunction, owner_type, MS_PG_INT, 0),
    MS_PG_COL (MsFunction, create_time, MS_PG_INT, 0),
    MS_PG_COL (MsFunction, function_type, MS_PG_INT, 1),
  };
  MsFunction *f = ms_function_new ();
  MS_PG_READ_ROW (r, i, 0, f, columns);
  parse_resources (f, PQgetisnull (r, i, 8) ? NULL : PQgetvalue (r, i, 8));
  return f;
}

GPtrArray *
ms_store_function_list_all (MsStore *s, const char *catalog, GError **error)
{
  const char *v[] = { catalog };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_fn_all, 1, v, error);
  if (r == NULL)
    return NULL;
  return ms_pg_map_rows (r, (MsPgRowFunc) function_from_row, (GDestroyNotify) ms_function_free);
}

GPtrArray *
ms_store_function_list_on (MsPgConn *c, const char *catalog, const char *db, GError **error)
{
  const char *v[] = { catalog };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_fn_all, 1, v, error);
  if (r == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_function_free);
  for (int i = 0; i < PQntuples (r); i++)
    if (g_strcmp0 (PQgetvalue (r, i, 1), db) == 0)
      g_ptr_array_add (out, function_from_row (r, i));
  return out;
}

gboolean
ms_store_function_create (MsStore *s, const MsFunction *f, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_store_begin_logged (s, c, error))
    return FALSE;
  char owner_type[8], create_time[16], fn_type[8];
  snprintf (owner_type, sizeof owner_type, "%d", (int) f->owner_type);
  snprintf (create_time, sizeof create_time, "%d", f->create_time);
  snprintf (fn_type, sizeof fn_type, "%d", f->function_type);
  g_autofree char *resources = resources_to_json (f);
  const char *v[] = {
    f->catalog, f->db_name, f->name, f->class_name, f->owner_name,
    f->owner_type ? owner_type : NULL, create_time, fn_type, resources,
  };
  g_autoptr (PGresult) r = ms_pg_exec_unique (c, &sql_fn_insert, 9, v, error,
                                              "Function %s already exists", f->name);
  if (r == NULL)
    return FALSE;
  if (!g_str_equal (PQcmdTuples (r), "0"))
    {
      MsEvent ev = { .type = MS_EVENT_CREATE_FUNCTION, .function = f };
      return ms_store_emit (s, c, &ev, error) && ms_pg_commit (c, error);
    }

  /* nothing inserted: no such database, or a remote one */
  g_autoptr (PGresult) t = ms_pg_exec (c, &sql_fn_db_type, 2, v, error);
  if (t == NULL)
    return FALSE;
  if (PQntuples (t) == 0)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "The database %s does not exist", f->db_name);
  return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                  "Operation create_function not support for REMOTE database");
}

MsFunction *
ms_store_function_get (MsStore *s, const char *catalog, const char *db, const char *name,
                       GError **error)
{
  const char *v[] = { catalog, db, name };
  g_autoptr (PGresult) r = ms_pool_exec_found (s->pool, &sql_fn_get, 3, v, error,
                                               "Function %s.%s does not exist", db, name);
  if (r == NULL)
    return NULL;
  return function_from_row (r, 0);
}

GPtrArray *
ms_store_function_list (MsStore *s, const char *catalog, const char *db, const char *regex,
                        GError **error)
{
  const char *v[] = { catalog, db, regex };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_fn_list, 3, v, error);
  if (r == NULL)
    return NULL;
  return ms_pg_column_strings (r, 0);
}

gboolean
ms_store_function_alter (MsStore *s, const char *catalog, const char *db, const char *name,
                         const MsFunction *f, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return FALSE;
  char owner_type[8], fn_type[8];
  snprintf (owner_type, sizeof owner_type, "%d", (int) f->owner_type);
  snprintf (fn_type, sizeof fn_type, "%d", f->function_type);
  const char *v[] = {
    catalog, db, name, f->db_name, f->name, f->class_name, f->owner_name,
    f->owner_type ? owner_type : NULL, fn_type,
  };
  g_autoptr (PGresult) r = ms_pg_exec_unique (c, &sql_fn_alter, 9, v, error,
                                              "Function %s already exists in %s", f->name,
                                              f->db_name);
  if (r == NULL)
    return FALSE;
  if (!g_str_equal (PQcmdTuples (r), "0"))
    return TRUE;

  /* nothing changed: the target database first (Hive's order), then the function */
  const char *target[] = { catalog, f->db_name };
  g_autoptr (PGresult) t = ms_pg_exec (c, &sql_fn_db_type, 2, target, error);
  if (t == NULL)
    return FALSE;
  if (PQntuples (t) == 0)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Database %s doesn't exist.", f->db_name);
  return ms_fail (error, MS_ERROR_NOT_FOUND, "function %s doesn't exist", name);
}

gboolean
ms_store_function_drop (MsStore *s, const char *catalog, const char *db, const char *name,
                        GError **error)
{
  const char *v[] = { catalog, db, name };
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_store_begin_logged (s, c, error))
    return FALSE;
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_fn_delete, 3, v, error);
  if (r == NULL)
    return FALSE;
  if (g_str_equal (PQcmdTuples (r), "0"))
    return ms_fail (error, MS_ERROR_NOT_FOUND, "Function %s does not exist", name);
  MsFunction gone = { .catalog = (char *) catalog, .db_name = (char *) db, .name = (char *) name };
  MsEvent ev = { .type = MS_EVENT_DROP_FUNCTION, .function = &gone };
  return ms_store_emit (s, c, &ev, error) && ms_pg_commit (c, error);
}
