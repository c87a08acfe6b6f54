/*
 * view_metadata.c: the MsIcebergViewMetadata model: reading a view
 * metadata.json into the normalised tree (as Iceberg's ViewMetadataParser,
 * ViewVersionParser and ViewRepresentationParser read it), checking it,
 * writing it back in Iceberg's member order, the accessors (the HMS
 * mirror's columns and view text among them), the view requirement
 * (assert-view-uuid, with UpdateRequirement's message) and metadata file
 * names.
 */
#include "iceberg/view_metadata_internal.h"
#include <string.h>

/* ---- helpers ---- */

#define PARSE_FAILED "Cannot parse view metadata"
#define bad(error, ...) ms_fail_prefixed ((error), MS_ERROR_INVALID_INPUT, PARSE_FAILED, __VA_ARGS__)

/* An integer member that fits Java's int (JsonUtil.getInt). */
static gboolean
get_i32 (JsonObject *o, const char *name, gint64 *out)
{
  return ice_get_int (o, name, out) && *out >= G_MININT32 && *out <= G_MAXINT32;
}

static gboolean
is_string_array (JsonArray *a)
{
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        return FALSE;
    }
  return TRUE;
}

char *
ice_view_id_list (JsonArray *a, const char *key)
{
  GString *s = g_string_new ("[");
  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "", ice_int_or (ice_elem_obj (a, i), key, 0));
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

gboolean
ice_view_tree_check (JsonObject *root, const char *prefix, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (ice_tree_check (root, &local))
    return TRUE;
  /* the table model's wording names a table */
  const char *msg = local->message, *colon = strstr (msg, ": ");
  return ms_fail (error, local->domain == MS_ERROR ? local->code : MS_ERROR_INVALID_INPUT, "%s: %s", prefix,
                  colon != NULL ? colon + 2 : msg);
}

/* ---- model ---- */

MsIcebergViewMetadata *
ice_view_wrap (JsonObject *root)
{
  MsIcebergViewMetadata *vm = g_new0 (MsIcebergViewMetadata, 1);
  vm->root = root;
  return vm;
}

void
ms_iceberg_view_metadata_free (MsIcebergViewMetadata *vm)
{
  if (vm == NULL)
    return;
  if (vm->root != NULL)
    json_object_unref (vm->root);
  g_free (vm);
}

MsIcebergViewMetadata *
ms_iceberg_view_metadata_copy (const MsIcebergViewMetadata *vm)
{
  MsIcebergViewMetadata *c = ice_view_wrap (ice_obj_dup (vm->root));
  c->changed = vm->changed;
  return c;
}

/* ---- view versions ---- */

static const char *const version_members[] = {
  "version-id", "timestamp-ms", "schema-id", "summary", "default-catalog", "default-namespace",
  "representations", NULL,
};

#define version_fail(error, prefix, ...) \
  ms_fail_prefixed ((error), MS_ERROR_INVALID_INPUT, (prefix), __VA_ARGS__)

/* A representation rebuilt: SQL ones as {type "sql", sql, dialect}, others
 * copied; NULL when malformed. */
static JsonObject *
representation_normalise (JsonObject *r, const char *prefix, GError **error)
{
  const char *type = ice_get_str (r, "type");
  if (r == NULL || type == NULL)
    {
      version_fail (error, prefix, "a view representation is an object with a string type");
      return NULL;
    }
  if (g_ascii_strcasecmp (type, "sql") != 0)
    return ice_obj_dup (r);
  const char *sql = ice_get_str (r, "sql"), *dialect = ice_get_str (r, "dialect");
  if (sql == NULL || dialect == NULL)
    {
      version_fail (error, prefix, "a SQL view representation needs string sql and dialect");
      return NULL;
    }
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "type", "sql");
  json_object_set_string_member (o, "sql", sql);
  json_object_set_string_member (o, "dialect", dialect);
  return o;
}

JsonObject *
ice_view_version_normalise (JsonObject *v, const char *prefix, GError **error)
{
  gint64 vid, sid, ts;
  const char *key = NULL;
  if (v == NULL)
    return version_fail (error, prefix, "a view version is an object"), NULL;
  if (!get_i32 (v, "version-id", &vid))
    return version_fail (error, prefix, "view version: missing or non-integer version-id"), NULL;
  if (!get_i32 (v, "schema-id", &sid))
    return version_fail (error, prefix, "view version: missing or non-integer schema-id"), NULL;
  if (!ice_get_int (v, "timestamp-ms", &ts))
    return version_fail (error, prefix, "view version: missing or non-integer timestamp-ms"), NULL;
  JsonObject *summary = ice_get_obj (v, "summary");
  if (summary == NULL)
    return version_fail (error, prefix, "view version: missing or non-object summary"), NULL;
  if (!ice_is_string_map (summary, &key))
    return version_fail (error, prefix, "view version: summary value of '%s' is not a string", key), NULL;
  JsonArray *reps = ice_get_arr (v, "representations");
  if (reps == NULL)
    return version_fail (error, prefix, "view version: missing or non-array representations"), NULL;
  if (!ice_absent (v, "default-catalog") && ice_get_str (v, "default-catalog") == NULL)
    return version_fail (error, prefix, "view version: default-catalog is not a string"), NULL;
  JsonArray *ns = ice_get_arr (v, "default-namespace");
  if (ns == NULL || !is_string_array (ns))
    return version_fail (error, prefix, "view version: missing or invalid default-namespace"), NULL;

  g_autoptr (JsonArray) out_reps = json_array_new ();
  for (guint i = 0; i < json_array_get_length (reps); i++)
    {
      JsonObject *r = representation_normalise (ice_elem_obj (reps, i), prefix, error);
      if (r == NULL)
        return NULL;
      json_array_add_object_element (out_reps, r);
    }
  JsonObject *o = json_object_new ();
  json_object_set_int_member (o, "version-id", vid);
  json_object_set_int_member (o, "timestamp-ms", ts);
  json_object_set_int_member (o, "schema-id", sid);
  json_object_set_object_member (o, "summary", ice_obj_dup (summary));
  if (ice_get_str (v, "default-catalog") != NULL)
    json_object_set_string_member (o, "default-catalog", ice_get_str (v, "default-catalog"));
  json_object_set_array_member (o, "default-namespace", ice_arr_dup (ns));
  json_object_set_array_member (o, "representations", g_steal_pointer (&out_reps));
  g_autoptr (GList) members = json_object_get_members (v);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (version_members, l->data))
      json_object_set_member (o, l->data, ice_node_dup (json_object_get_member (v, l->data)));
  return o;
}

int
ice_compare_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The dialects of a version's SQL representations, lower-cased, in order,
 * repeats included. */
static GPtrArray *
sql_dialects (JsonObject *version)
{
  JsonArray *reps = ice_get_arr (version, "representations");
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; reps != NULL && i < json_array_get_length (reps); i++)
    {
      JsonObject *r = ice_elem_obj (reps, i);
      const char *d = ice_get_str (r, "dialect");
      if (g_strcmp0 (ice_get_str (r, "type"), "sql") == 0 && d != NULL)
        g_ptr_array_add (out, g_ascii_strdown (d, -1));
    }
  return out;
}

char **
ice_view_version_dialects (JsonObject *version)
{
  g_autoptr (GPtrArray) all = sql_dialects (version);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < all->len; i++)
    if (g_hash_table_add (seen, g_ptr_array_index (all, i)))
      g_ptr_array_add (out, g_strdup (g_ptr_array_index (all, i)));
  g_ptr_array_sort (out, ice_compare_str);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

char *
ice_view_version_duplicate_dialect (JsonObject *version)
{
  g_autoptr (GPtrArray) all = sql_dialects (version);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < all->len; i++)
    if (!g_hash_table_add (seen, g_ptr_array_index (all, i)))
      return g_strdup (g_ptr_array_index (all, i));
  return NULL;
}

/* ---- parsing ---- */

/* view-uuid, format-version, location and properties, checked and copied
 * to 'root'. */
static gboolean
normalise_header (JsonObject *in, JsonObject *root, GError **error)
{
  gint64 v;
  const char *uuid = ice_get_str (in, "view-uuid"), *location = ice_get_str (in, "location");
  if (uuid == NULL)
    return bad (error, "missing or non-string view-uuid");
  if (!get_i32 (in, "format-version", &v))
    return bad (error, "missing or non-integer format-version");
  if (v < 1 || v > MS_ICEBERG_VIEW_FORMAT_VERSION)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "Unsupported format version: %" G_GINT64_FORMAT, v);
  if (location == NULL)
    return bad (error, "missing or non-string location");
  JsonObject *props;
  if (!ice_properties_get (in, PARSE_FAILED, &props, error))
    return FALSE;
  json_object_set_string_member (root, "view-uuid", uuid);
  json_object_set_int_member (root, "format-version", v);
  json_object_set_string_member (root, "location", location);
  json_object_set_object_member (root, "properties", props != NULL ? ice_obj_dup (props) : json_object_new ());
  return TRUE;
}

/* Append 'item' (owned) to 'out' unless its "<what>-id" is in 'seen'
 * already (ids fit an int, checked, so they key a direct hash). */
static gboolean
add_unique (JsonArray *out, GHashTable *seen, JsonObject *item, const char *what, GError **error)
{
  g_autofree char *key = g_strdup_printf ("%s-id", what);
  gint64 v = ice_int_or (item, key, 0);
  if (!g_hash_table_add (seen, GINT_TO_POINTER ((gint) v)))
    {
      json_object_unref (item);
      return bad (error, "duplicate %s id %" G_GINT64_FORMAT, what, v);
    }
  json_array_add_object_element (out, item);
  return TRUE;
}

/* schemas: each checked, schema-id 0 when absent (SchemaParser), ids
 * unique. */
static gboolean
normalise_schemas (JsonObject *in, JsonObject *root, GError **error)
{
  JsonArray *schemas = ice_get_arr (in, "schemas");
  if (schemas == NULL)
    return bad (error, "missing or non-array schemas");
  JsonArray *out = json_array_new ();
  json_object_set_array_member (root, "schemas", out);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < json_array_get_length (schemas); i++)
    {
      JsonObject *s = ice_elem_obj (schemas, i);
      gint64 v;
      if (s == NULL)
        return bad (error, "schema is not an object");
      if (!ice_absent (s, "schema-id") && !get_i32 (s, "schema-id", &v))
        return bad (error, "non-integer schema-id");
      if (!ice_schema_check (s, error))
        return FALSE;
      JsonObject *c = ice_obj_dup (s);
      if (ice_absent (c, "schema-id"))
        json_object_set_int_member (c, "schema-id", 0);
      if (!add_unique (out, seen, c, "schema", error))
        return FALSE;
    }
  return TRUE;
}

/* current-version-id and versions (each a checked ViewVersion, ids
 * unique). */
static gboolean
normalise_versions (JsonObject *in, JsonObject *root, GError **error)
{
  gint64 v;
  if (!get_i32 (in, "current-version-id", &v))
    return bad (error, "missing or non-integer current-version-id");
  json_object_set_int_member (root, "current-version-id", v);
  JsonArray *versions = ice_get_arr (in, "versions");
  if (versions == NULL)
    return bad (error, "missing or non-array versions");
  JsonArray *out = json_array_new ();
  json_object_set_array_member (root, "versions", out);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < json_array_get_length (versions); i++)
    {
      JsonObject *ver = ice_view_version_normalise (ice_elem_obj (versions, i), PARSE_FAILED, error);
      if (ver == NULL)
        return FALSE;
      if (!add_unique (out, seen, ver, "version", error))
        return FALSE;
    }
  return TRUE;
}

/* version-log: entries rebuilt as {timestamp-ms, version-id}. */
static gboolean
normalise_version_log (JsonObject *in, JsonObject *root, GError **error)
{
  JsonArray *log = ice_get_arr (in, "version-log");
  if (log == NULL)
    return bad (error, "missing or non-array version-log");
  JsonArray *out = json_array_new ();
  json_object_set_array_member (root, "version-log", out);
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *e = ice_elem_obj (log, i);
      gint64 v, ts;
      if (e == NULL || !get_i32 (e, "version-id", &v) || !ice_get_int (e, "timestamp-ms", &ts))
        return bad (error, "version-log entries need integer version-id and timestamp-ms");
      JsonObject *c = json_object_new ();
      json_object_set_int_member (c, "timestamp-ms", ts);
      json_object_set_int_member (c, "version-id", v);
      json_array_add_object_element (out, c);
    }
  return TRUE;
}

/* Checks 'in' and builds the normalised tree in Iceberg's order, section
 * by section; the members the model does not know follow, copied. */
static JsonObject *
normalise (JsonObject *in, GError **error)
{
  g_autoptr (JsonObject) root = json_object_new ();
  if (!normalise_header (in, root, error) || !normalise_schemas (in, root, error)
      || !normalise_versions (in, root, error) || !normalise_version_log (in, root, error))
    return NULL;
  g_autoptr (GList) members = json_object_get_members (in);
  for (GList *l = members; l != NULL; l = l->next)
    if (!json_object_has_member (root, l->data))
      json_object_set_member (root, l->data, ice_node_dup (json_object_get_member (in, l->data)));
  return g_steal_pointer (&root);
}

gboolean
ice_view_validate (JsonObject *root, GError **error)
{
  const char *location = ice_get_str (root, "location");
  if (location == NULL || *location == '\0')
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid view metadata: no location");
  gint64 id = ice_int_or (root, "current-version-id", -1);
  JsonArray *versions = ice_get_arr (root, "versions");
  JsonObject *current = ice_find_by_id (versions, "version-id", id, NULL);
  if (current == NULL)
    {
      g_autofree char *ids = ice_view_id_list (versions, "version-id");
      return ms_fail (error, MS_ERROR_INVALID_INPUT, "Cannot find current version %" G_GINT64_FORMAT
                      " in view versions: %s", id, ids);
    }
  id = ice_int_or (current, "schema-id", -1);
  JsonArray *schemas = ice_get_arr (root, "schemas");
  if (ice_find_by_id (schemas, "schema-id", id, NULL) == NULL)
    {
      g_autofree char *ids = ice_view_id_list (schemas, "schema-id");
      return ms_fail (error, MS_ERROR_INVALID_INPUT, "Cannot find current schema with id %" G_GINT64_FORMAT
                      " in schemas: %s", id, ids);
    }
  return TRUE;
}

MsIcebergViewMetadata *
ms_iceberg_view_metadata_from_object (JsonObject *obj, GError **error)
{
  if (!ice_view_tree_check (obj, PARSE_FAILED, error))
    return NULL;
  g_autoptr (JsonObject) root = normalise (obj, error);
  if (root == NULL || !ice_view_validate (root, error))
    return NULL;
  return ice_view_wrap (g_steal_pointer (&root));
}

MsIcebergViewMetadata *
ms_iceberg_view_metadata_parse (const char *text, gssize len, GError **error)
{
  g_autoptr (JsonObject) obj = ice_text_object (text, len, PARSE_FAILED, error);
  return obj != NULL ? ms_iceberg_view_metadata_from_object (obj, error) : NULL;
}

/* ---- writing ---- */

/* ViewMetadataParser.toJson's order; "properties" only when not empty. */
static const char *const known_members[] = {
  "view-uuid", "format-version", "location", "properties", "schemas", "current-version-id", "versions",
  "version-log", NULL,
};

JsonObject *
ms_iceberg_view_metadata_to_object (const MsIcebergViewMetadata *vm)
{
  JsonObject *out = json_object_new ();
  for (const char *const *k = known_members; *k != NULL; k++)
    {
      JsonNode *n = json_object_get_member (vm->root, *k);
      if (n == NULL)
        continue;
      if (strcmp (*k, "properties") == 0 && JSON_NODE_HOLDS_OBJECT (n)
          && json_object_get_size (json_node_get_object (n)) == 0)
        continue;
      json_object_set_member (out, *k, ice_node_dup (n));
    }
  g_autoptr (GList) members = json_object_get_members (vm->root);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known_members, l->data))
      json_object_set_member (out, l->data, ice_node_dup (json_object_get_member (vm->root, l->data)));
  return out;
}

char *
ms_iceberg_view_metadata_to_json (const MsIcebergViewMetadata *vm, gboolean pretty, gsize *len)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, ms_iceberg_view_metadata_to_object (vm));
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, pretty);
  json_generator_set_indent (gen, 2);
  return json_generator_to_data (gen, len);
}

/* ---- accessors ---- */

int
ms_iceberg_view_metadata_format_version (const MsIcebergViewMetadata *vm)
{
  return (int) ice_int_or (vm->root, "format-version", MS_ICEBERG_VIEW_FORMAT_VERSION);
}

const char *
ms_iceberg_view_metadata_uuid (const MsIcebergViewMetadata *vm)
{
  return ice_get_str (vm->root, "view-uuid");
}

const char *
ms_iceberg_view_metadata_location (const MsIcebergViewMetadata *vm)
{
  return ice_get_str (vm->root, "location");
}

int
ms_iceberg_view_metadata_current_version_id (const MsIcebergViewMetadata *vm)
{
  return (int) ice_int_or (vm->root, "current-version-id", -1);
}

JsonObject *
ms_iceberg_view_metadata_current_version (const MsIcebergViewMetadata *vm)
{
  return ice_find_by_id (ice_get_arr (vm->root, "versions"), "version-id",
                         ice_int_or (vm->root, "current-version-id", -1), NULL);
}

JsonObject *
ms_iceberg_view_metadata_current_schema (const MsIcebergViewMetadata *vm)
{
  JsonObject *version = ms_iceberg_view_metadata_current_version (vm);
  if (version == NULL)
    return NULL;
  return ice_find_by_id (ice_get_arr (vm->root, "schemas"), "schema-id", ice_int_or (version, "schema-id", -1),
                         NULL);
}

JsonObject *
ms_iceberg_view_metadata_properties (const MsIcebergViewMetadata *vm)
{
  return ice_get_obj (vm->root, "properties");
}

const char *
ms_iceberg_view_metadata_property (const MsIcebergViewMetadata *vm, const char *key)
{
  return ice_get_str (ice_get_obj (vm->root, "properties"), key);
}

JsonArray *
ms_iceberg_view_metadata_versions (const MsIcebergViewMetadata *vm)
{
  return ice_get_arr (vm->root, "versions");
}

JsonArray *
ms_iceberg_view_metadata_version_log (const MsIcebergViewMetadata *vm)
{
  return ice_get_arr (vm->root, "version-log");
}

JsonObject *
ms_iceberg_view_metadata_tree (const MsIcebergViewMetadata *vm)
{
  return vm->root;
}

gboolean
ms_iceberg_view_metadata_changed (const MsIcebergViewMetadata *vm)
{
  return vm->changed;
}

const char *
ms_iceberg_view_metadata_sql (const MsIcebergViewMetadata *vm, const char *dialect)
{
  JsonArray *reps = ice_get_arr (ms_iceberg_view_metadata_current_version (vm), "representations");
  const char *first = NULL;
  for (guint i = 0; reps != NULL && i < json_array_get_length (reps); i++)
    {
      JsonObject *r = ice_elem_obj (reps, i);
      const char *sql = ice_get_str (r, "sql"), *d = ice_get_str (r, "dialect");
      if (g_strcmp0 (ice_get_str (r, "type"), "sql") != 0 || sql == NULL || d == NULL)
        continue;
      if (dialect != NULL && g_ascii_strcasecmp (d, dialect) == 0)
        return sql;
      if (first == NULL)
        first = sql;
    }
  return first;
}

GPtrArray *
ms_iceberg_view_metadata_hive_columns (const MsIcebergViewMetadata *vm, GError **error)
{
  return ice_hive_columns (ms_iceberg_view_metadata_current_schema (vm), "View metadata", error);
}

/* ---- requirements ---- */

/* The table requirements, by Iceberg's class names. */
static const struct {
  const char *type, *java;
} table_requirements[] = {
  { "assert-create", "AssertTableDoesNotExist" },
  { "assert-table-uuid", "AssertTableUUID" },
  { "assert-ref-snapshot-id", "AssertRefSnapshotID" },
  { "assert-last-assigned-field-id", "AssertLastAssignedFieldId" },
  { "assert-current-schema-id", "AssertCurrentSchemaID" },
  { "assert-last-assigned-partition-id", "AssertLastAssignedPartitionId" },
  { "assert-default-spec-id", "AssertDefaultSpecID" },
  { "assert-default-sort-order-id", "AssertDefaultSortOrderID" },
};

static gboolean
requirement_shape (JsonObject *r, GError **error)
{
  const char *type = ice_get_str (r, "type");
  if (r == NULL || type == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid requirement: an object with a string type");
  if (g_ascii_strcasecmp (type, "assert-view-uuid") == 0)
    return ice_get_str (r, "uuid") != NULL
           || ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid requirement assert-view-uuid: missing or invalid uuid");
  for (guint i = 0; i < G_N_ELEMENTS (table_requirements); i++)
    if (g_ascii_strcasecmp (type, table_requirements[i].type) == 0)
      return ms_fail (error, MS_ERROR_INVALID_INPUT, "Cannot validate %s against a view", table_requirements[i].java);
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "Unknown requirement type: %s", type);
}

gboolean
ms_iceberg_view_requirements_check (const MsIcebergViewMetadata *current, JsonArray *requirements,
                                    GError **error)
{
  guint n = requirements != NULL ? json_array_get_length (requirements) : 0;
  for (guint i = 0; i < n; i++)
    if (!requirement_shape (ice_elem_obj (requirements, i), error))
      return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const char *want = ice_get_str (ice_elem_obj (requirements, i), "uuid");
      const char *have = current != NULL ? ms_iceberg_view_metadata_uuid (current) : NULL;
      if (current == NULL)
        return ms_fail (error, MS_ERROR_CONFLICT, "Requirement failed: view does not exist");
      if (have == NULL || g_ascii_strcasecmp (want, have) != 0)
        return ms_fail (error, MS_ERROR_CONFLICT, "Requirement failed: view UUID does not match: expected %s != %s",
                        have != NULL ? have : "null", want);
    }
  return TRUE;
}

/* ---- metadata files ---- */

char *
ms_iceberg_view_metadata_next_file (const MsIcebergViewMetadata *vm, const char *previous_location)
{
  return ice_metadata_file_name (ms_iceberg_view_metadata_location (vm),
                                 ms_iceberg_view_metadata_property (vm, "write.metadata.path"),
                                 previous_location);
}
