/*
 * json.c: (de)serialisation of the jsonb columns with json-glib.
 */
#include "store/json.h"
#include "model/model.h"
#include <json-glib/json-glib.h>

char *
ms_json_from_params (GHashTable *params)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  if (params != NULL)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, params);
      while (g_hash_table_iter_next (&it, &k, &v))
        {
          json_builder_set_member_name (b, k);
          json_builder_add_string_value (b, v ? v : "");
        }
    }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

GHashTable *
ms_json_to_params (const char *json)
{
  GHashTable *out = ms_params_new ();
  if (json == NULL || *json == '\0' || g_str_equal (json, "{}"))
    return out;
  g_autoptr (JsonParser) p = json_parser_new_immutable ();
  if (!json_parser_load_from_data (p, json, -1, NULL))
    return out;
  JsonNode *root = json_parser_get_root (p);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return out;
  JsonObject *o = json_node_get_object (root);
  JsonObjectIter it;
  const char *name;
  JsonNode *val;
  json_object_iter_init (&it, o);
  while (json_object_iter_next (&it, &name, &val))
    if (JSON_NODE_HOLDS_VALUE (val) && json_node_get_value_type (val) == G_TYPE_STRING)
      g_hash_table_insert (out, g_strdup (name), g_strdup (json_node_get_string (val)));
  return out;
}
