/*
 * sd_json.c: storage-descriptor parts <-> jsonb text with json-glib. Each
 * part has a node builder and a node reader; the string forms wrap them and
 * the whole-descriptor form (partitions) composes them.
 */
#include "store/sd_json.h"
#include "store/json.h"
#include <json-glib/json-glib.h>
#include "core/json_text.h"

/* ---- helpers ---- */

static char *
node_to_string (JsonNode *node)
{
  char *s = ms_json_text (node, FALSE, NULL);
  json_node_unref (node);
  return s;
}

static JsonNode *
parse (const char *json, JsonParser **keep)
{
  /* most tables have no skew, sort or bucket columns: skip the parser for
   * the empty documents the store writes for them */
  if (json == NULL || *json == '\0' || g_str_equal (json, "[]") || g_str_equal (json, "{}"))
    return NULL;
  JsonParser *p = json_parser_new_immutable ();
  if (!json_parser_load_from_data (p, json, -1, NULL))
    {
      g_object_unref (p);
      return NULL;
    }
  *keep = p;
  return json_parser_get_root (p);
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static void
set_string (JsonObject *o, const char *name, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (o, name, value);
}

static JsonNode *
object_node (JsonObject *o)
{
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  return n;
}

static JsonNode *
array_node (JsonArray *a)
{
  JsonNode *n = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (n, a);
  return n;
}

/* Every list part is a JSON array of one element per item: 'item' builds
 * an element; 'items' may be NULL (an empty array). */
static JsonNode *
list_node (GPtrArray *items, JsonNode *(*item) (gconstpointer))
{
  JsonArray *a = json_array_sized_new (items ? items->len : 0);
  for (guint i = 0; items != NULL && i < items->len; i++)
    json_array_add_element (a, item (g_ptr_array_index (items, i)));
  return array_node (a);
}

/* Append to 'out' the item 'item' reads from each element of array 'n'
 * (NULL: an element of the wrong kind, skipped); a missing or non-array 'n'
 * adds nothing. Returns 'out'. */
static GPtrArray *
list_from_node (JsonNode *n, GPtrArray *out, gpointer (*item) (JsonNode *))
{
  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return out;
  JsonArray *a = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      gpointer v = item (json_array_get_element (a, i));
      if (v != NULL)
        g_ptr_array_add (out, v);
    }
  return out;
}

/* A list part's public text forms, ms_json_from_<part> and
 * ms_json_to_<part>, from its element builder and reader and the
 * constructor of an empty list. */
#define LIST_TEXT_FORMS(part, item_node, item_from_node, new_list)                 \
  char *ms_json_from_##part (GPtrArray *items)                                      \
  {                                                                                 \
    return node_to_string (list_node (items, item_node));                           \
  }                                                                                 \
  GPtrArray *ms_json_to_##part (const char *json)                                   \
  {                                                                                 \
    g_autoptr (JsonParser) p = NULL;                                                \
    return list_from_node (parse (json, &p), new_list (), item_from_node);          \
  }

/* ---- columns ---- */

static JsonNode *
column_node (gconstpointer item)
{
  const MsColumn *c = item;
  JsonObject *o = json_object_new ();
  set_string (o, "name", c->name);
  set_string (o, "type", c->type);
  set_string (o, "comment", c->comment);
  return object_node (o);
}

static gpointer
column_from_node (JsonNode *e)
{
  if (!JSON_NODE_HOLDS_OBJECT (e))
    return NULL;
  JsonObject *o = json_node_get_object (e);
  return ms_column_new (member_string (o, "name"), member_string (o, "type"),
                        member_string (o, "comment"));
}

LIST_TEXT_FORMS (columns, column_node, column_from_node, ms_columns_new)

/* ---- strings ---- */

static JsonNode *
string_node (gconstpointer item)
{
  const char *s = item;
  return json_node_init_string (json_node_alloc (), s ? s : "");
}

static JsonNode *
strings_node (GPtrArray *strings)
{
  return list_node (strings, string_node);
}

static gpointer
string_from_node (JsonNode *e)
{
  if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (e));
  return NULL;
}

static GPtrArray *
strings_from_node (JsonNode *n)
{
  return list_from_node (n, ms_strings_new (), string_from_node);
}

LIST_TEXT_FORMS (strings, string_node, string_from_node, ms_strings_new)

/* ---- sort columns ---- */

static JsonNode *
sort_col_node (gconstpointer item)
{
  const MsSortCol *s = item;
  JsonObject *o = json_object_new ();
  set_string (o, "col", s->col);
  json_object_set_int_member (o, "order", s->order);
  return object_node (o);
}

static gpointer
sort_col_from_node (JsonNode *e)
{
  if (!JSON_NODE_HOLDS_OBJECT (e))
    return NULL;
  JsonObject *o = json_node_get_object (e);
  return ms_sort_col_new (member_string (o, "col"),
                          (int) json_object_get_int_member_with_default (o, "order", 1));
}

static GPtrArray *
sort_cols_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ms_sort_col_free);
}

LIST_TEXT_FORMS (sort_cols, sort_col_node, sort_col_from_node, sort_cols_new)

/* ---- SerDe ---- */

static JsonNode *
serde_node (const MsSerDe *s)
{
  if (s == NULL)
    return json_node_new (JSON_NODE_NULL);
  JsonObject *o = json_object_new ();
  set_string (o, "name", s->name);
  set_string (o, "lib", s->serialization_lib);
  set_string (o, "description", s->description);
  set_string (o, "serializer", s->serializer_class);
  set_string (o, "deserializer", s->deserializer_class);
  if (s->serde_type)
    json_object_set_int_member (o, "type", s->serde_type);
  json_object_set_member (o, "params", ms_json_params_node (s->params));
  return object_node (o);
}

static MsSerDe *
serde_from_node (JsonNode *n)
{
  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return NULL;
  JsonObject *o = json_node_get_object (n);
  MsSerDe *s = ms_serde_new ();
  s->name = g_strdup (member_string (o, "name"));
  s->serialization_lib = g_strdup (member_string (o, "lib"));
  s->description = g_strdup (member_string (o, "description"));
  s->serializer_class = g_strdup (member_string (o, "serializer"));
  s->deserializer_class = g_strdup (member_string (o, "deserializer"));
  s->serde_type = (int) json_object_get_int_member_with_default (o, "type", 0);
  g_hash_table_unref (s->params);
  s->params = ms_json_params_from_node (json_object_get_member (o, "params"));
  return s;
}

char *
ms_json_from_serde (const MsSerDe *serde)
{
  return serde ? node_to_string (serde_node (serde)) : NULL;
}

MsSerDe *
ms_json_to_serde (const char *json)
{
  g_autoptr (JsonParser) p = NULL;
  return serde_from_node (parse (json, &p));
}

/* ---- skew ---- */

static JsonNode *
skewed_values_node (gconstpointer item)
{
  return strings_node ((GPtrArray *) item);
}

static JsonNode *
skewed_location_node (gconstpointer item)
{
  const MsSkewedLocation *l = item;
  JsonObject *lo = json_object_new ();
  json_object_set_member (lo, "values", strings_node (l->values));
  set_string (lo, "location", l->location);
  return object_node (lo);
}

static JsonNode *
skewed_node (const MsSkewed *s)
{
  if (s == NULL)
    return json_node_new (JSON_NODE_NULL);
  JsonObject *o = json_object_new ();
  json_object_set_member (o, "names", strings_node (s->names));
  json_object_set_member (o, "values", list_node (s->values, skewed_values_node));
  json_object_set_member (o, "locations", list_node (s->locations, skewed_location_node));
  return object_node (o);
}

static gpointer
skewed_values_from_node (JsonNode *e)
{
  return strings_from_node (e);
}

static gpointer
skewed_location_from_node (JsonNode *e)
{
  if (!JSON_NODE_HOLDS_OBJECT (e))
    return NULL;
  JsonObject *lo = json_node_get_object (e);
  MsSkewedLocation *l = ms_skewed_location_new ();
  g_ptr_array_unref (l->values);
  l->values = strings_from_node (json_object_get_member (lo, "values"));
  l->location = g_strdup (member_string (lo, "location"));
  return l;
}

static MsSkewed *
skewed_from_node (JsonNode *n)
{
  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return NULL;
  JsonObject *o = json_node_get_object (n);
  MsSkewed *s = ms_skewed_new ();
  g_ptr_array_unref (s->names);
  s->names = strings_from_node (json_object_get_member (o, "names"));
  list_from_node (json_object_get_member (o, "values"), s->values, skewed_values_from_node);
  list_from_node (json_object_get_member (o, "locations"), s->locations,
                  skewed_location_from_node);
  return s;
}

char *
ms_json_from_skewed (const MsSkewed *skewed)
{
  return skewed ? node_to_string (skewed_node (skewed)) : NULL;
}

MsSkewed *
ms_json_to_skewed (const char *json)
{
  g_autoptr (JsonParser) p = NULL;
  return skewed_from_node (parse (json, &p));
}

/* ---- whole descriptor ---- */

char *
ms_json_from_sd (const MsStorageDescriptor *sd)
{
  JsonObject *o = json_object_new ();
  set_string (o, "location", sd->location);
  set_string (o, "input_format", sd->input_format);
  set_string (o, "output_format", sd->output_format);
  json_object_set_boolean_member (o, "compressed", sd->compressed);
  json_object_set_int_member (o, "num_buckets", sd->num_buckets);
  json_object_set_member (o, "serde", serde_node (sd->serde));
  json_object_set_member (o, "cols", list_node (sd->cols, column_node));
  json_object_set_member (o, "bucket_cols", strings_node (sd->bucket_cols));
  json_object_set_member (o, "sort_cols", list_node (sd->sort_cols, sort_col_node));
  json_object_set_member (o, "skewed", skewed_node (sd->skewed));
  json_object_set_boolean_member (o, "stored_as_subdirs", sd->stored_as_subdirs);
  json_object_set_member (o, "params", ms_json_params_node (sd->params));
  return node_to_string (object_node (o));
}

MsStorageDescriptor *
ms_json_to_sd (const char *json)
{
  g_autoptr (JsonParser) p = NULL;
  JsonNode *root = parse (json, &p);
  MsStorageDescriptor *sd = ms_sd_new ();
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return sd;
  JsonObject *o = json_node_get_object (root);
  sd->location = g_strdup (member_string (o, "location"));
  sd->input_format = g_strdup (member_string (o, "input_format"));
  sd->output_format = g_strdup (member_string (o, "output_format"));
  sd->compressed = json_object_get_boolean_member_with_default (o, "compressed", FALSE);
  sd->num_buckets = (int) json_object_get_int_member_with_default (o, "num_buckets", -1);
  sd->serde = serde_from_node (json_object_get_member (o, "serde"));
  list_from_node (json_object_get_member (o, "cols"), sd->cols, column_from_node);
  g_ptr_array_unref (sd->bucket_cols);
  sd->bucket_cols = strings_from_node (json_object_get_member (o, "bucket_cols"));
  list_from_node (json_object_get_member (o, "sort_cols"), sd->sort_cols, sort_col_from_node);
  sd->skewed = skewed_from_node (json_object_get_member (o, "skewed"));
  sd->stored_as_subdirs = json_object_get_boolean_member_with_default (o, "stored_as_subdirs", FALSE);
  g_hash_table_unref (sd->params);
  sd->params = ms_json_params_from_node (json_object_get_member (o, "params"));
  return sd;
}
