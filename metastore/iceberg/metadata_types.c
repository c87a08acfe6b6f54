/*
 * metadata_types.c: Iceberg schema types: checking a schema's shape
 * (ice_schema_check), its highest field id (ice_schema_max_id), and the
 * Hive type strings of the HMS mirror (ms_iceberg_type_to_hive). Nesting is
 * bounded by ICE_MAX_TYPE_DEPTH.
 */
#include "iceberg/metadata_internal.h"
#include <string.h>

#define type_fail(error, ...) \
  ms_fail_prefixed ((error), MS_ERROR_INVALID_INPUT, "Invalid schema", __VA_ARGS__)

/* An unsigned decimal number at *p, with the spaces around it; *p moves
 * past them. FALSE when no digit follows the leading spaces. */
static gboolean
parse_number (const char **p, guint64 *out)
{
  char *end = NULL;
  while (**p == ' ')
    (*p)++;
  if (!g_ascii_isdigit (**p))
    return FALSE;
  *out = g_ascii_strtoull (*p, &end, 10);
  *p = end;
  while (**p == ' ')
    (*p)++;
  return TRUE;
}

/* "name(a,b)" / "name[a]" with unsigned decimal numbers; FALSE otherwise. */
static gboolean
parse_params (const char *s, const char *prefix, char open, char close, guint64 *a, guint64 *b)
{
  gsize plen = strlen (prefix);
  if (strncmp (s, prefix, plen) != 0 || s[plen] != open)
    return FALSE;
  const char *p = s + plen + 1;
  if (!parse_number (&p, a))
    return FALSE;
  if (b != NULL && (*p++ != ',' || !parse_number (&p, b)))
    return FALSE;
  return *p == close && p[1] == '\0';
}

/* The Hive name of a primitive Iceberg type, NULL when it is not one. */
static char *
primitive_to_hive (const char *t)
{
  static const struct { const char *iceberg, *hive; } map[] = {
    { "boolean", "boolean" }, { "int", "int" }, { "long", "bigint" }, { "float", "float" },
    { "double", "double" }, { "date", "date" }, { "time", "string" }, { "timestamp", "timestamp" },
    { "timestamptz", "timestamp" }, { "timestamp_ns", "timestamp" }, { "timestamptz_ns", "timestamp" },
    { "string", "string" }, { "uuid", "string" }, { "binary", "binary" },
    /* v3 types without a Hive column type */
    { "variant", "string" }, { "unknown", "string" }, { "geometry", "string" }, { "geography", "string" },
  };
  guint64 a, b;
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (strcmp (t, map[i].iceberg) == 0)
      return g_strdup (map[i].hive);
  if (parse_params (t, "decimal", '(', ')', &a, &b) && a >= 1 && a <= 38 && b <= a)
    return g_strdup_printf ("decimal(%u,%u)", (guint) a, (guint) b);
  if (parse_params (t, "fixed", '[', ']', &a, NULL) && a <= G_MAXINT32)
    return g_strdup ("binary");
  if ((g_str_has_prefix (t, "geometry(") || g_str_has_prefix (t, "geography(")) && g_str_has_suffix (t, ")"))
    return g_strdup ("string");
  return NULL;
}

static gboolean
id_member (JsonObject *o, const char *name, GError **error)
{
  gint64 v;
  if (!ice_get_int (o, name, &v) || v < 0 || v > G_MAXINT32)
    return type_fail (error, "missing or invalid %s", name);
  return TRUE;
}

static gboolean
bool_member (JsonObject *o, const char *name, GError **error)
{
  gboolean b;
  return ice_get_bool (o, name, &b) || type_fail (error, "missing or non-boolean %s", name);
}

static gboolean type_check (JsonNode *type, int depth, GError **error);

static gboolean
struct_check (JsonObject *st, int depth, GError **error)
{
  JsonArray *fields = ice_get_arr (st, "fields");
  if (fields == NULL)
    return type_fail (error, "struct without fields");
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = ice_elem_obj (fields, i);
      if (f == NULL)
        return type_fail (error, "field is not an object");
      if (!id_member (f, "id", error) || !bool_member (f, "required", error))
        return FALSE;
      if (ice_get_str (f, "name") == NULL)
        return type_fail (error, "field without a name");
      if (!ice_absent (f, "doc") && ice_get_str (f, "doc") == NULL)
        return type_fail (error, "field doc is not a string");
      if (!type_check (json_object_get_member (f, "type"), depth + 1, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
type_check (JsonNode *type, int depth, GError **error)
{
  if (depth > ICE_MAX_TYPE_DEPTH)
    return type_fail (error, "types nested deeper than %d", ICE_MAX_TYPE_DEPTH);
  if (type == NULL)
    return type_fail (error, "field without a type");
  if (JSON_NODE_HOLDS_VALUE (type) && json_node_get_value_type (type) == G_TYPE_STRING)
    {
      g_autofree char *hive = primitive_to_hive (json_node_get_string (type));
      return hive != NULL || type_fail (error, "unknown type '%s'", json_node_get_string (type));
    }
  if (!JSON_NODE_HOLDS_OBJECT (type))
    return type_fail (error, "a type is a string or an object");
  JsonObject *o = json_node_get_object (type);
  const char *kind = ice_get_str (o, "type");
  if (kind == NULL)
    return type_fail (error, "nested type without a type name");
  if (strcmp (kind, "struct") == 0)
    return struct_check (o, depth, error);
  if (strcmp (kind, "list") == 0)
    return id_member (o, "element-id", error) && bool_member (o, "element-required", error)
           && type_check (json_object_get_member (o, "element"), depth + 1, error);
  if (strcmp (kind, "map") == 0)
    return id_member (o, "key-id", error) && id_member (o, "value-id", error)
           && bool_member (o, "value-required", error)
           && type_check (json_object_get_member (o, "key"), depth + 1, error)
           && type_check (json_object_get_member (o, "value"), depth + 1, error);
  return type_fail (error, "unknown nested type '%s'", kind);
}

gboolean
ice_schema_check (JsonObject *schema, GError **error)
{
  const char *kind = ice_get_str (schema, "type");
  if (kind != NULL && strcmp (kind, "struct") != 0)
    return type_fail (error, "a schema is a struct");
  if (!struct_check (schema, 0, error))
    return FALSE;
  if (!ice_absent (schema, "identifier-field-ids"))
    {
      JsonArray *ids = ice_get_arr (schema, "identifier-field-ids");
      gint64 v;
      for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
        if (!ice_elem_int (ids, i, &v))
          return type_fail (error, "identifier-field-ids holds a non-integer");
      if (ids == NULL)
        return type_fail (error, "identifier-field-ids is not an array");
    }
  return TRUE;
}

static gint64
type_max_id (JsonNode *type, int depth)
{
  if (type == NULL || !JSON_NODE_HOLDS_OBJECT (type) || depth > ICE_MAX_TYPE_DEPTH)
    return 0;
  JsonObject *o = json_node_get_object (type);
  gint64 m = 0;
  JsonArray *fields = ice_get_arr (o, "fields");
  for (guint i = 0; fields != NULL && i < json_array_get_length (fields); i++)
    {
      JsonObject *f = ice_elem_obj (fields, i);
      m = MAX (m, ice_int_or (f, "id", 0));
      if (f != NULL)
        m = MAX (m, type_max_id (json_object_get_member (f, "type"), depth + 1));
    }
  m = MAX (m, ice_int_or (o, "element-id", 0));
  m = MAX (m, ice_int_or (o, "key-id", 0));
  m = MAX (m, ice_int_or (o, "value-id", 0));
  m = MAX (m, type_max_id (json_object_get_member (o, "element"), depth + 1));
  m = MAX (m, type_max_id (json_object_get_member (o, "key"), depth + 1));
  m = MAX (m, type_max_id (json_object_get_member (o, "value"), depth + 1));
  return m;
}

gint64
ice_schema_max_id (JsonObject *schema)
{
  g_autoptr (JsonNode) n = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (n, schema);
  return type_max_id (n, 0);
}

static char *
to_hive (JsonNode *type, int depth, GError **error)
{
  if (depth > ICE_MAX_TYPE_DEPTH)
    {
      type_fail (error, "types nested deeper than %d", ICE_MAX_TYPE_DEPTH);
      return NULL;
    }
  if (type != NULL && JSON_NODE_HOLDS_VALUE (type) && json_node_get_value_type (type) == G_TYPE_STRING)
    {
      char *hive = primitive_to_hive (json_node_get_string (type));
      if (hive == NULL)
        type_fail (error, "unknown type '%s'", json_node_get_string (type));
      return hive;
    }
  const char *kind = type != NULL && JSON_NODE_HOLDS_OBJECT (type)
                       ? ice_get_str (json_node_get_object (type), "type") : NULL;
  if (kind == NULL)
    {
      type_fail (error, "not a type");
      return NULL;
    }
  JsonObject *o = json_node_get_object (type);
  if (strcmp (kind, "struct") == 0)
    {
      JsonArray *fields = ice_get_arr (o, "fields");
      if (fields == NULL)
        {
          type_fail (error, "struct without fields");
          return NULL;
        }
      g_autoptr (GString) s = g_string_new ("struct<");
      for (guint i = 0; i < json_array_get_length (fields); i++)
        {
          JsonObject *f = ice_elem_obj (fields, i);
          const char *name = ice_get_str (f, "name");
          g_autofree char *t = name != NULL ? to_hive (json_object_get_member (f, "type"), depth + 1, error) : NULL;
          if (t == NULL)
            {
              if (name == NULL)
                type_fail (error, "field without a name");
              return NULL;
            }
          g_string_append_printf (s, "%s%s:%s", i > 0 ? "," : "", name, t);
        }
      g_string_append_c (s, '>');
      return g_string_free (g_steal_pointer (&s), FALSE);
    }
  if (strcmp (kind, "list") == 0)
    {
      g_autofree char *e = to_hive (json_object_get_member (o, "element"), depth + 1, error);
      return e != NULL ? g_strdup_printf ("array<%s>", e) : NULL;
    }
  if (strcmp (kind, "map") == 0)
    {
      g_autofree char *k = to_hive (json_object_get_member (o, "key"), depth + 1, error);
      g_autofree char *v = k != NULL ? to_hive (json_object_get_member (o, "value"), depth + 1, error) : NULL;
      return v != NULL ? g_strdup_printf ("map<%s,%s>", k, v) : NULL;
    }
  type_fail (error, "unknown nested type '%s'", kind);
  return NULL;
}

char *
ms_iceberg_type_to_hive (JsonNode *type, GError **error)
{
  return to_hive (type, 0, error);
}
