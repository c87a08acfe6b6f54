/*
 * metadata_bind.c: partition fields and sort fields bound to a schema, as
 * Iceberg's PartitionSpec.Builder / PartitionSpec.checkCompatibility and
 * SortOrder.checkCompatibility check them: transform strings parsed
 * (Transforms.fromString) and written back in their canonical form, source
 * columns looked up by id, and each transform's canTransform rule on the
 * source type. Also field lookups in a schema by id and by full name.
 */
#include "iceberg/metadata_internal.h"
#include <string.h>

/* ---- transforms ---- */

/* "name[digits]" as Java's (\w+)\[(\d+)\]: the name's length and the
 * digits' start; FALSE when 'text' has another shape. */
static gboolean
width_shape (const char *text, gsize *name_len, const char **digits)
{
  const char *p = text;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  if (p == text || *p != '[' || !g_ascii_isdigit (p[1]))
    return FALSE;
  *name_len = (gsize) (p - text);
  *digits = p + 1;
  for (p++; g_ascii_isdigit (*p); p++)
    ;
  return p[0] == ']' && p[1] == '\0';
}

char *
ice_transform_parse (const char *text, IceTransform *kind, GError **error)
{
  static const struct { const char *name; IceTransform kind; } plain[] = {
    { "identity", ICE_TRANSFORM_IDENTITY }, { "year", ICE_TRANSFORM_YEAR }, { "month", ICE_TRANSFORM_MONTH },
    { "day", ICE_TRANSFORM_DAY }, { "hour", ICE_TRANSFORM_HOUR }, { "void", ICE_TRANSFORM_VOID },
  };
  gsize name_len;
  const char *digits;
  if (width_shape (text, &name_len, &digits)
      && ((name_len == 6 && g_ascii_strncasecmp (text, "bucket", 6) == 0)
          || (name_len == 8 && g_ascii_strncasecmp (text, "truncate", 8) == 0)))
    {
      gboolean bucket = name_len == 6;
      g_autofree char *num = g_strndup (digits, strlen (digits) - 1);
      guint64 n;
      if (!g_ascii_string_to_unsigned (num, 10, 0, G_MAXINT32, &n, NULL))
        {
          ice_refuse (error, "Invalid transform: %s (For input string: \"%s\")", text, num);
          return NULL;
        }
      if (n == 0)
        {
          if (bucket)
            ice_refuse (error, "Invalid number of buckets: 0 (must be > 0)");
          else
            ice_refuse (error, "Invalid truncate width: 0 (must be > 0)");
          return NULL;
        }
      *kind = bucket ? ICE_TRANSFORM_BUCKET : ICE_TRANSFORM_TRUNCATE;
      return g_strdup_printf ("%s[%u]", bucket ? "bucket" : "truncate", (guint) n);
    }
  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    if (g_ascii_strcasecmp (text, plain[i].name) == 0)
      {
        *kind = plain[i].kind;
        return g_strdup (plain[i].name);
      }
  *kind = ICE_TRANSFORM_UNKNOWN;
  return g_strdup (text);
}

/* The primitive type name of 'type' without parameters ("decimal",
 * "fixed", "geometry" ...), NULL for struct/list/map and variant (which
 * Iceberg does not count as primitive). */
static char *
primitive_name (JsonNode *type)
{
  if (type == NULL || !JSON_NODE_HOLDS_VALUE (type) || json_node_get_value_type (type) != G_TYPE_STRING)
    return NULL;
  const char *t = json_node_get_string (type);
  if (strcmp (t, "variant") == 0)
    return NULL;
  gsize n = strcspn (t, "([");
  return g_strndup (t, n);
}

/* Transform.canTransform of Iceberg's transforms for primitive 'prim'. */
static gboolean
can_transform (IceTransform kind, const char *prim)
{
  static const char *const bucket[] = {
    "int", "long", "date", "time", "timestamp", "timestamptz", "timestamp_ns", "timestamptz_ns",
    "string", "binary", "fixed", "decimal", "uuid", NULL,
  };
  static const char *const truncate[] = { "int", "long", "string", "binary", "decimal", NULL };
  static const char *const dates[] = { "date", "timestamp", "timestamptz", "timestamp_ns", "timestamptz_ns", NULL };
  static const char *const times[] = { "timestamp", "timestamptz", "timestamp_ns", "timestamptz_ns", NULL };
  static const char *const no_identity[] = { "geometry", "geography", NULL };
  switch (kind)
    {
    case ICE_TRANSFORM_IDENTITY:
      return !g_strv_contains (no_identity, prim);
    case ICE_TRANSFORM_BUCKET:
      return g_strv_contains (bucket, prim);
    case ICE_TRANSFORM_TRUNCATE:
      return g_strv_contains (truncate, prim);
    case ICE_TRANSFORM_YEAR:
    case ICE_TRANSFORM_MONTH:
    case ICE_TRANSFORM_DAY:
      return g_strv_contains (dates, prim);
    case ICE_TRANSFORM_HOUR:
      return g_strv_contains (times, prim);
    case ICE_TRANSFORM_VOID:
    case ICE_TRANSFORM_UNKNOWN:
    default:
      return TRUE;
    }
}

/* ---- schema lookups ---- */

/* A type as Iceberg's Type.toString prints it (for messages). */
static void
describe (GString *s, JsonNode *type, int depth)
{
  if (type != NULL && JSON_NODE_HOLDS_VALUE (type) && json_node_get_value_type (type) == G_TYPE_STRING)
    {
      g_string_append (s, json_node_get_string (type));
      return;
    }
  JsonObject *o = type != NULL && JSON_NODE_HOLDS_OBJECT (type) ? json_node_get_object (type) : NULL;
  const char *kind = ice_get_str (o, "type");
  if (kind == NULL || depth > ICE_MAX_TYPE_DEPTH)
    {
      g_string_append (s, "?");
      return;
    }
  if (strcmp (kind, "list") == 0)
    {
      g_string_append (s, "list<");
      describe (s, json_object_get_member (o, "element"), depth + 1);
      g_string_append_c (s, '>');
    }
  else if (strcmp (kind, "map") == 0)
    {
      g_string_append (s, "map<");
      describe (s, json_object_get_member (o, "key"), depth + 1);
      g_string_append (s, ", ");
      describe (s, json_object_get_member (o, "value"), depth + 1);
      g_string_append_c (s, '>');
    }
  else
    {
      JsonArray *fields = ice_get_arr (o, "fields");
      g_string_append (s, "struct<");
      for (guint i = 0; fields != NULL && i < json_array_get_length (fields); i++)
        {
          JsonObject *f = ice_elem_obj (fields, i);
          gboolean required = FALSE;
          ice_get_bool (f, "required", &required);
          g_string_append_printf (s, "%s%" G_GINT64_FORMAT ": %s: %s ", i > 0 ? ", " : "", ice_int_or (f, "id", 0),
                                  ice_get_str (f, "name") ? ice_get_str (f, "name") : "",
                                  required ? "required" : "optional");
          describe (s, f != NULL ? json_object_get_member (f, "type") : NULL, depth + 1);
          if (ice_get_str (f, "doc") != NULL)
            g_string_append_printf (s, " (%s)", ice_get_str (f, "doc"));
        }
      g_string_append_c (s, '>');
    }
}

static char *
type_text (JsonNode *type)
{
  GString *s = g_string_new (NULL);
  describe (s, type, 0);
  return g_string_free (s, FALSE);
}

typedef struct {
  gint64 id;                   /* looked for by id (or -1) */
  const char *name;            /* or by full name (or NULL) */
  JsonNode *type;              /* found: its type */
  gint64 found_id;
  gboolean in_collection;      /* a list or map lies on the way */
} Lookup;

static gboolean walk (Lookup *l, JsonNode *type, const char *prefix, gboolean in_collection, int depth);

/* One field (struct field, list element, map key or value) named 'name' under 'prefix'. */
static gboolean
visit (Lookup *l, gint64 id, const char *name, JsonNode *type, const char *prefix, gboolean in_collection,
       int depth)
{
  g_autofree char *full = prefix != NULL ? g_strconcat (prefix, ".", name, NULL) : g_strdup (name);
  if ((l->name == NULL && id == l->id) || (l->name != NULL && strcmp (full, l->name) == 0))
    {
      l->type = type;
      l->found_id = id;
      l->in_collection = in_collection;
      return TRUE;
    }
  return walk (l, type, full, in_collection, depth + 1);
}

static gboolean
walk (Lookup *l, JsonNode *type, const char *prefix, gboolean in_collection, int depth)
{
  if (type == NULL || !JSON_NODE_HOLDS_OBJECT (type) || depth > ICE_MAX_TYPE_DEPTH)
    return FALSE;
  JsonObject *o = json_node_get_object (type);
  const char *kind = ice_get_str (o, "type");
  if (g_strcmp0 (kind, "list") == 0)
    return visit (l, ice_int_or (o, "element-id", -1), "element", json_object_get_member (o, "element"), prefix,
                  TRUE, depth);
  if (g_strcmp0 (kind, "map") == 0)
    return visit (l, ice_int_or (o, "key-id", -1), "key", json_object_get_member (o, "key"), prefix, TRUE, depth)
           || visit (l, ice_int_or (o, "value-id", -1), "value", json_object_get_member (o, "value"), prefix,
                     TRUE, depth);
  JsonArray *fields = ice_get_arr (o, "fields");
  for (guint i = 0; fields != NULL && i < json_array_get_length (fields); i++)
    {
      JsonObject *f = ice_elem_obj (fields, i);
      const char *name = ice_get_str (f, "name");
      if (name != NULL
          && visit (l, ice_int_or (f, "id", -1), name, json_object_get_member (f, "type"), prefix, in_collection,
                    depth))
        return TRUE;
    }
  return FALSE;
}

static gboolean
lookup (JsonObject *schema, Lookup *l)
{
  if (schema == NULL)
    return FALSE;
  g_autoptr (JsonNode) n = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (n, schema);
  return walk (l, n, NULL, FALSE, 0);
}

JsonNode *
ice_schema_field_type (JsonObject *schema, gint64 id, gboolean *in_collection)
{
  Lookup l = { id, NULL, NULL, -1, FALSE };
  if (id < 0 || !lookup (schema, &l))
    return NULL;
  if (in_collection != NULL)
    *in_collection = l.in_collection;
  return l.type;
}

gint64
ice_schema_field_id (JsonObject *schema, const char *name)
{
  Lookup l = { -1, name, NULL, -1, FALSE };
  return lookup (schema, &l) ? l.found_id : -1;
}

/* ---- partition fields ---- */

/* The transform of field 'f' parsed and written back in canonical form
 * (ice_transform_parse); NULL with the error. Caller frees. */
static char *
canonical_transform (JsonObject *f, IceTransform *kind, GError **error)
{
  char *transform = ice_transform_parse (ice_get_str (f, "transform"), kind, error);
  if (transform != NULL)
    json_object_set_string_member (f, "transform", transform);
  return transform;
}

gboolean
ice_bind_partition_fields (JsonObject *schema, JsonArray *fields, GError **error)
{
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = ice_elem_obj (fields, i);
      const char *name = ice_get_str (f, "name");
      gint64 src = ice_int_or (f, "source-id", -1);
      IceTransform kind;
      g_autofree char *transform = canonical_transform (f, &kind, error);
      if (transform == NULL)
        return FALSE;
      gboolean in_collection = FALSE;
      JsonNode *type = ice_schema_field_type (schema, src, &in_collection);

      /* names (PartitionSpec.Builder.checkAndAddPartitionName) */
      if (type != NULL)
        {
          gint64 same = ice_schema_field_id (schema, name);
          if (same >= 0 && same != src)
            return ice_refuse (error, "Cannot create identity partition sourced from different field in schema: %s",
                               name);
        }
      if (*name == '\0')
        return ice_refuse (error, "Cannot use empty partition name: %s", name);
      if (g_hash_table_contains (names, name))
        return ice_refuse (error, "Cannot use partition name more than once: %s", name);
      g_hash_table_add (names, (gpointer) name);

      /* the source (PartitionSpec.checkCompatibility); void takes anything */
      if (kind == ICE_TRANSFORM_VOID)
        continue;
      if (type == NULL)
        return ice_refuse (error, "Cannot find source column for partition field: %" G_GINT64_FORMAT ": %s: %s(%"
                           G_GINT64_FORMAT ")", ice_int_or (f, "field-id", 1000 + i), name, transform, src);
      g_autofree char *prim = primitive_name (type);
      g_autofree char *desc = type_text (type);
      if (prim == NULL)
        return ice_refuse (error, "Cannot partition by non-primitive source field: %s", desc);
      if (!can_transform (kind, prim))
        return ice_refuse (error, "Invalid source type %s for transform: %s", desc, transform);
      if (in_collection)
        return ice_refuse (error, "Invalid partition field parent: a list or map holds source field %" G_GINT64_FORMAT,
                           src);
    }
  return TRUE;
}

/* ---- sort fields ---- */

gboolean
ice_bind_sort_fields (JsonObject *schema, JsonArray *fields, GError **error)
{
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = ice_elem_obj (fields, i);
      gint64 src = ice_int_or (f, "source-id", -1);
      IceTransform kind;
      g_autofree char *transform = canonical_transform (f, &kind, error);
      if (transform == NULL)
        return FALSE;
      JsonNode *type = ice_schema_field_type (schema, src, NULL);
      if (type == NULL)
        return ice_refuse (error, "Cannot find source column for sort field: %s(%" G_GINT64_FORMAT ") %s %s",
                           transform, src, g_strcmp0 (ice_get_str (f, "direction"), "desc") == 0 ? "DESC" : "ASC",
                           g_strcmp0 (ice_get_str (f, "null-order"), "nulls-last") == 0 ? "NULLS LAST" : "NULLS FIRST");
      g_autofree char *prim = primitive_name (type);
      g_autofree char *desc = type_text (type);
      if (prim == NULL)
        return ice_refuse (error, "Cannot sort by non-primitive source field: %s", desc);
      if (!can_transform (kind, prim))
        return ice_refuse (error, "Invalid source type %s for transform: %s", desc, transform);
    }
  return TRUE;
}

/* ---- comparing ---- */

/* The canonical transform of 'f', or its text when that does not parse. */
static char *
canonical (JsonObject *f)
{
  const char *t = ice_get_str (f, "transform");
  IceTransform kind;
  char *c = t != NULL ? ice_transform_parse (t, &kind, NULL) : NULL;
  return c != NULL ? c : g_strdup (t);
}

static gboolean
same_transform (JsonObject *a, JsonObject *b)
{
  g_autofree char *x = canonical (a), *y = canonical (b);
  return g_strcmp0 (x, y) == 0;
}

static gboolean
same_partition_field (JsonObject *x, JsonObject *y)
{
  return g_strcmp0 (ice_get_str (x, "name"), ice_get_str (y, "name")) == 0;
}

static gboolean
same_sort_field (JsonObject *x, JsonObject *y)
{
  return g_strcmp0 (ice_get_str (x, "direction"), ice_get_str (y, "direction")) == 0
         && g_strcmp0 (ice_get_str (x, "null-order"), ice_get_str (y, "null-order")) == 0;
}

/* Whether field lists 'a' and 'b' hold, in order, fields with the same
 * source-id and transform that 'same' also accepts. */
static gboolean
same_fields (JsonArray *a, JsonArray *b, gboolean (*same) (JsonObject *, JsonObject *))
{
  guint n = a != NULL ? json_array_get_length (a) : 0;
  if (b == NULL || n != json_array_get_length (b))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *x = ice_elem_obj (a, i), *y = ice_elem_obj (b, i);
      if (x == NULL || y == NULL || ice_int_or (x, "source-id", -1) != ice_int_or (y, "source-id", -2)
          || !same (x, y) || !same_transform (x, y))
        return FALSE;
    }
  return TRUE;
}

gboolean
ice_same_partition_fields (JsonArray *a, JsonArray *b)
{
  return same_fields (a, b, same_partition_field);
}

gboolean
ice_same_sort_fields (JsonArray *a, JsonArray *b)
{
  return same_fields (a, b, same_sort_field);
}

gboolean
ice_sort_order_id_check (JsonObject *order, guint n_fields, GError **error)
{
  gint64 id;
  if (order == NULL || ice_absent (order, "order-id"))
    return TRUE;
  if (!ice_get_int (order, "order-id", &id))
    return ice_refuse (error, "Invalid sort order: order-id is not an integer");
  if (n_fields == 0 && id != 0)
    return ice_refuse (error, "Unsorted order ID must be 0");
  if (n_fields > 0 && id == 0)
    return ice_refuse (error, "Sort order ID 0 is reserved for unsorted order");
  return TRUE;
}
