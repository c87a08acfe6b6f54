/*
 * json.c: (de)serialisation of the jsonb columns with json-glib: parameter
 * maps as text and as nodes (sd_json.c nests them in larger documents).
 */
#include "store/json.h"
#include "model/model.h"
#include "core/json_text.h"

JsonNode *
ms_json_params_node (GHashTable *params)
{
  JsonObject *o = json_object_new ();
  if (params != NULL)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, params);
      while (g_hash_table_iter_next (&it, &k, &v))
        json_object_set_string_member (o, k, v ? v : "");
    }
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  return n;
}

GHashTable *
ms_json_params_from_node (JsonNode *n)
{
  GHashTable *out = ms_params_new ();
  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return out;
  JsonObjectIter it;
  const char *name;
  JsonNode *val;
  json_object_iter_init (&it, json_node_get_object (n));
  while (json_object_iter_next (&it, &name, &val))
    if (JSON_NODE_HOLDS_VALUE (val) && json_node_get_value_type (val) == G_TYPE_STRING)
      g_hash_table_insert (out, g_strdup (name), g_strdup (json_node_get_string (val)));
  return out;
}

char *
ms_json_from_params (GHashTable *params)
{
  g_autoptr (JsonNode) root = ms_json_params_node (params);
  return ms_json_text (root, FALSE, NULL);
}

GHashTable *
ms_json_to_params (const char *json)
{
  if (json == NULL || *json == '\0' || g_str_equal (json, "{}"))
    return ms_params_new ();
  g_autoptr (JsonParser) p = json_parser_new_immutable ();
  if (!json_parser_load_from_data (p, json, -1, NULL))
    return ms_params_new ();
  return ms_json_params_from_node (json_parser_get_root (p));
}
