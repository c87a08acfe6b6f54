/*
 * function.c: permanent functions (UDFs). Resource URIs are a jsonb list of
 * {"type": n, "uri": "..."} on the function's row.
 */
#include "store/store.h"
#include "store/pool.h"
#include <json-glib/json-glib.h>

static const MsSql sql_fn_all = { "fn_all",
  "SELECT c.name, d.name, f.name, f.class_name, f.owner_name, f.owner_type, f.create_time, "
  "       f.function_type, f.resource_uris "
  "FROM ms_functions f JOIN ms_databases d ON d.db_id = f.db_id "
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id WHERE c.name = $1 ORDER BY d.name, f.name" };

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

GPtrArray *
ms_store_function_list_all (MsStore *s, const char *catalog, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return NULL;
  const char *v[] = { catalog };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_fn_all, 1, v, error);
  if (r == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_full (PQntuples (r), (GDestroyNotify) ms_function_free);
  for (int i = 0; i < PQntuples (r); i++)
    {
      MsFunction *f = ms_function_new ();
      f->catalog = ms_pg_dup (r, i, 0);
      f->db_name = ms_pg_dup (r, i, 1);
      f->name = ms_pg_dup (r, i, 2);
      f->class_name = ms_pg_dup (r, i, 3);
      f->owner_name = ms_pg_dup (r, i, 4);
      f->owner_type = (MsPrincipalType) ms_pg_int (r, i, 5, 0);
      f->create_time = ms_pg_int (r, i, 6, 0);
      f->function_type = ms_pg_int (r, i, 7, 1);
      parse_resources (f, PQgetisnull (r, i, 8) ? NULL : PQgetvalue (r, i, 8));
      g_ptr_array_add (out, f);
    }
  return out;
}
