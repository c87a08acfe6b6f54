/*
 * view_metadata_build.c: how view metadata changes, following Iceberg's
 * ViewMetadata.Builder: a new view (ms_iceberg_view_metadata_create), the
 * view update actions and the all-or-nothing commit
 * (ms_iceberg_view_metadata_commit).
 *  - add-schema reuses the id of an existing schema with the same fields and
 *    identifier fields (and then does not count as added), else takes the
 *    highest id + 1 (0 for the first);
 *  - add-view-version reuses the id of an existing version that behaves the
 *    same (summary, representations, default catalog and namespace, schema
 *    id: timestamp and version id aside), else takes its own id or, when
 *    that is taken or lower, the highest id + 1; schema-id -1 means the
 *    schema added last in this commit; the schema must exist and no two SQL
 *    representations may share a dialect;
 *  - set-current-view-version -1 means the version added last; a version
 *    made current gets one version-log entry (its own timestamp when added
 *    in this commit, else now; only the last such change of a commit);
 *  - at the end: the new current version must keep every SQL dialect of
 *    the previous one unless replace.drop-dialect.allowed=true, and only
 *    max(version.history.num-entries (default 10), versions added + the
 *    current one) versions are kept: the current one and the highest ids;
 *    the version-log loses every entry up to the last one naming a version
 *    that is gone.
 * Refusals are MS_ERROR_INVALID_INPUT with Iceberg's message where it has
 * one; a failed requirement is MS_ERROR_CONFLICT.
 */
#include "iceberg/view_metadata_internal.h"
#include <string.h>

#define HISTORY_SIZE_PROPERTY "version.history.num-entries"
#define DROP_DIALECT_PROPERTY "replace.drop-dialect.allowed"

/* The builder's state over one tree. */
typedef struct {
  JsonObject *root;
  gboolean changed;            /* a change was recorded */
  gboolean has_added_schema;   /* lastAddedSchemaId != null */
  gint64 added_schema;
  gboolean has_added_version;  /* lastAddedVersionId != null */
  gint64 added_version;
  GArray *added_versions;      /* gint64 ids of the versions added */
  JsonObject *history_entry;   /* the pending version-log entry, owned */
} Build;

static void
build_init (Build *b, JsonObject *root)
{
  memset (b, 0, sizeof *b);
  b->root = root;
  b->added_versions = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
build_clear (Build *b)
{
  g_array_unref (b->added_versions);
  if (b->history_entry != NULL)
    json_object_unref (b->history_entry);
}

/* Two members equal as JSON; absent (or null) equals absent. */
static gboolean
same_member (JsonObject *a, JsonObject *b, const char *name)
{
  JsonNode *x = json_object_get_member (a, name), *y = json_object_get_member (b, name);
  gboolean xa = x == NULL || JSON_NODE_HOLDS_NULL (x), ya = y == NULL || JSON_NODE_HOLDS_NULL (y);
  if (xa || ya)
    return xa && ya;
  return json_node_equal (x, y);
}

/* Schema.sameSchema: same fields and identifier fields, ids aside. */
static gboolean
same_schema (JsonObject *a, JsonObject *b)
{
  JsonArray *x = ice_get_arr (a, "identifier-field-ids"), *y = ice_get_arr (b, "identifier-field-ids");
  guint nx = x != NULL ? json_array_get_length (x) : 0, ny = y != NULL ? json_array_get_length (y) : 0;
  if (!same_member (a, b, "fields"))
    return FALSE;
  if (nx == 0 || ny == 0)
    return nx == ny;
  return same_member (a, b, "identifier-field-ids");
}

/* ViewMetadata.Builder.sameViewVersion: id and timestamp aside. */
static gboolean
same_version (JsonObject *a, JsonObject *b)
{
  return same_member (a, b, "summary") && same_member (a, b, "representations")
         && same_member (a, b, "default-catalog") && same_member (a, b, "default-namespace")
         && ice_int_or (a, "schema-id", -2) == ice_int_or (b, "schema-id", -3);
}

/* ---- the builder's steps ---- */

/* addSchemaInternal: sets *out_id to the id 'schema' has now. */
static gboolean
add_schema (Build *b, JsonObject *schema, gint64 *out_id, GError **error)
{
  JsonArray *schemas = ice_get_arr (b->root, "schemas");
  gint64 id = 0;
  for (guint i = 0; i < json_array_get_length (schemas); i++)
    {
      JsonObject *s = ice_elem_obj (schemas, i);
      gint64 sid = ice_int_or (s, "schema-id", 0);
      if (same_schema (s, schema))
        {
          *out_id = sid;
          return TRUE;
        }
      if (sid >= id)
        id = sid + 1;
    }
  if (id > G_MAXINT32)
    return ice_refuse (error, "Cannot add schema: no schema id is left");
  JsonObject *copy = json_object_new ();
  json_object_set_string_member (copy, "type", "struct");
  json_object_set_int_member (copy, "schema-id", id);
  g_autoptr (GList) members = json_object_get_members (schema);
  for (GList *l = members; l != NULL; l = l->next)
    if (strcmp (l->data, "type") != 0 && strcmp (l->data, "schema-id") != 0)
      json_object_set_member (copy, l->data, ice_node_dup (json_object_get_member (schema, l->data)));
  json_array_add_object_element (schemas, copy);
  b->has_added_schema = TRUE;
  b->added_schema = id;
  b->changed = TRUE;
  *out_id = id;
  return TRUE;
}

/* addVersionInternal for a normalised version: sets *out_id. */
static gboolean
add_version (Build *b, JsonObject *version, gint64 *out_id, GError **error)
{
  JsonArray *versions = ice_get_arr (b->root, "versions");
  gint64 id = ice_int_or (version, "version-id", 0);
  for (guint i = 0; i < json_array_get_length (versions); i++)
    {
      JsonObject *v = ice_elem_obj (versions, i);
      gint64 vid = ice_int_or (v, "version-id", 0);
      if (same_version (v, version))
        {
          /* an existing version: "added" only when this commit added it */
          b->has_added_version = ice_ids_contain (b->added_versions, vid);
          b->added_version = vid;
          *out_id = vid;
          return TRUE;
        }
      if (vid >= id)
        id = vid + 1;
    }
  if (id > G_MAXINT32)
    return ice_refuse (error, "Cannot add version: no version id is left");
  gint64 sid = ice_int_or (version, "schema-id", 0);
  if (sid == -1)
    {
      if (!b->has_added_schema)
        return ice_refuse (error, "Cannot set last added schema: no schema has been added");
      sid = b->added_schema;
    }
  if (ice_find_by_id (ice_get_arr (b->root, "schemas"), "schema-id", sid, NULL) == NULL)
    return ice_refuse_arg (error, "Cannot add version with unknown schema: %" G_GINT64_FORMAT, sid);
  g_autofree char *dup = ice_view_version_duplicate_dialect (version);
  if (dup != NULL)
    return ice_refuse_arg (error, "Invalid view version: Cannot add multiple queries for dialect %s", dup);
  JsonObject *copy = ice_obj_dup (version);
  json_object_set_int_member (copy, "version-id", id);
  json_object_set_int_member (copy, "schema-id", sid);
  json_array_add_object_element (versions, copy);
  g_array_append_val (b->added_versions, id);
  b->has_added_version = TRUE;
  b->added_version = id;
  b->changed = TRUE;
  *out_id = id;
  return TRUE;
}

/* setCurrentVersionId. */
static gboolean
set_current (Build *b, gint64 id, GError **error)
{
  if (id == -1)
    {
      if (!b->has_added_version)
        return ice_refuse (error, "Cannot set last version id: no current version id has been set");
      id = b->added_version;
    }
  if (ice_int_or (b->root, "current-version-id", -1) == id)
    return TRUE;
  JsonObject *version = ice_find_by_id (ice_get_arr (b->root, "versions"), "version-id", id, NULL);
  if (version == NULL)
    return ice_refuse_arg (error, "Cannot set current version to unknown version: %" G_GINT64_FORMAT, id);
  json_object_set_int_member (b->root, "current-version-id", id);
  b->changed = TRUE;
  if (b->history_entry != NULL)
    json_object_unref (b->history_entry);
  b->history_entry = json_object_new ();
  json_object_set_int_member (b->history_entry, "timestamp-ms",
                              ice_ids_contain (b->added_versions, id) ? ice_int_or (version, "timestamp-ms", 0)
                                                                  : ice_now_ms ());
  json_object_set_int_member (b->history_entry, "version-id", id);
  return TRUE;
}

static int
compare_desc (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? 1 : x > y ? -1 : 0;
}

/* The versions that stay when only 'keep' may: the current one first, then
 * the highest ids (expireVersions), and the version-log without what came
 * before a version that is gone (updateHistory). Ids are ints (checked
 * when read), so they key direct hashes. */
static void
expire_versions (Build *b, guint keep)
{
  JsonArray *versions = ice_get_arr (b->root, "versions");
  gint64 current = ice_int_or (b->root, "current-version-id", -1);
  guint n = json_array_get_length (versions);
  g_autoptr (GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  g_autoptr (GHashTable) by_id = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *v = ice_elem_obj (versions, i);
      gint64 id = ice_int_or (v, "version-id", 0);
      g_array_append_val (ids, id);
      g_hash_table_insert (by_id, GINT_TO_POINTER ((gint) id), v);
    }
  g_array_sort (ids, compare_desc);
  g_autoptr (GArray) kept = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GHashTable) kept_set = g_hash_table_new (NULL, NULL);
  g_array_append_val (kept, current);
  g_hash_table_add (kept_set, GINT_TO_POINTER ((gint) current));
  for (guint i = 0; i < keep && i < ids->len && kept->len < keep; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      if (id != current)
        {
          g_array_append_val (kept, id);
          g_hash_table_add (kept_set, GINT_TO_POINTER ((gint) id));
        }
    }

  JsonArray *out = json_array_new ();
  for (guint i = 0; i < kept->len; i++)
    {
      JsonObject *v = g_hash_table_lookup (by_id, GINT_TO_POINTER ((gint) g_array_index (kept, gint64, i)));
      if (v != NULL)
        json_array_add_object_element (out, ice_obj_dup (v));
    }
  JsonArray *log = ice_get_arr (b->root, "version-log");
  JsonArray *kept_log = json_array_new ();
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *e = ice_elem_obj (log, i);
      if (g_hash_table_contains (kept_set, GINT_TO_POINTER ((gint) ice_int_or (e, "version-id", -1))))
        json_array_add_object_element (kept_log, ice_obj_dup (e));
      else
        {
          json_array_unref (kept_log);
          kept_log = json_array_new ();
        }
    }
  /* 'versions' (and the objects by_id points at) are replaced last */
  json_object_set_array_member (b->root, "version-log", kept_log);
  json_object_set_array_member (b->root, "versions", out);
}

/* build(): 'previous' is the version that was current before (NULL for a
 * new view). */
static gboolean
finish (Build *b, JsonObject *previous, GError **error)
{
  if (b->history_entry != NULL)
    {
      json_array_add_object_element (ice_get_arr (b->root, "version-log"), b->history_entry);
      b->history_entry = NULL;
    }
  JsonObject *props = ice_get_obj (b->root, "properties");
  const char *drop = ice_get_str (props, DROP_DIALECT_PROPERTY);
  JsonObject *current = ice_find_by_id (ice_get_arr (b->root, "versions"), "version-id",
                                        ice_int_or (b->root, "current-version-id", -1), NULL);
  if (previous != NULL && current != NULL && (drop == NULL || g_ascii_strcasecmp (drop, "true") != 0))
    {
      g_auto (GStrv) before = ice_view_version_dialects (previous);
      g_auto (GStrv) after = ice_view_version_dialects (current);
      for (char **d = before; *d != NULL; d++)
        if (!g_strv_contains ((const char *const *) after, *d))
          {
            g_autofree char *was = g_strjoinv (", ", before), *now = g_strjoinv (", ", after);
            return ice_refuse (error, "Cannot replace view due to loss of view dialects (%s=false):\n"
                               "Previous dialects: [%s]\nNew dialects: [%s]", DROP_DIALECT_PROPERTY, was, now);
          }
    }

  const char *s = ice_get_str (props, HISTORY_SIZE_PROPERTY);
  gint64 size = MS_ICEBERG_VIEW_HISTORY_SIZE_DEFAULT;
  if (s != NULL && !g_ascii_string_to_signed (s, 10, G_MININT32, G_MAXINT32, &size, NULL))
    return ice_refuse (error, "Invalid %s: '%s' is not an integer", HISTORY_SIZE_PROPERTY, s);
  if (size <= 0)
    return ice_refuse_arg (error, "%s must be positive but was %" G_GINT64_FORMAT, HISTORY_SIZE_PROPERTY, size);
  gint64 current_id = ice_int_or (b->root, "current-version-id", -1);
  guint needed = b->added_versions->len + (ice_ids_contain (b->added_versions, current_id) ? 0 : 1);
  guint keep = MAX (needed, (guint) size);
  if (json_array_get_length (ice_get_arr (b->root, "versions")) > keep)
    expire_versions (b, keep);
  return TRUE;
}

/* ---- creating a view ---- */

/* Lower-cased, sorted, once each: the representation types other than sql. */
static char *
unsupported_types (JsonObject *version)
{
  JsonArray *reps = ice_get_arr (version, "representations");
  g_autoptr (GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (reps); i++)
    {
      const char *t = ice_get_str (ice_elem_obj (reps, i), "type");
      g_autofree char *lower = g_ascii_strdown (t != NULL ? t : "", -1);
      gboolean seen = strcmp (lower, "sql") == 0;
      for (guint j = 0; j < types->len && !seen; j++)
        seen = strcmp (g_ptr_array_index (types, j), lower) == 0;
      if (!seen)
        g_ptr_array_add (types, g_steal_pointer (&lower));
    }
  if (types->len == 0)
    return NULL;
  g_ptr_array_sort (types, ice_compare_str);
  g_ptr_array_add (types, NULL);
  return g_strjoinv (", ", (char **) types->pdata);
}

static gboolean
create_fail (GError **error, const char *what)
{
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid create view request: %s", what);
}

MsIcebergViewMetadata *
ms_iceberg_view_metadata_create (JsonObject *request, const char *default_location, GError **error)
{
  JsonObject *schema = ice_get_obj (request, "schema"), *req_version = ice_get_obj (request, "view-version");
  JsonObject *req_props = ice_get_obj (request, "properties");
  if (ice_get_str (request, "name") == NULL || schema == NULL || req_version == NULL)
    return create_fail (error, "name, schema and view-version are required"), NULL;
  if (!ice_view_tree_check (request, "Invalid create view request", error) || !ice_schema_check (schema, error))
    return NULL;
  if (!ice_absent (request, "properties") && req_props == NULL)
    return create_fail (error, "properties is not an object"), NULL;
  g_autoptr (GList) keys = req_props != NULL ? json_object_get_members (req_props) : NULL;
  for (GList *l = keys; l != NULL; l = l->next)
    if (ice_get_str (req_props, l->data) == NULL)
      {
        ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid create view request: property '%s' is not a string",
                 (char *) l->data);
        return NULL;
      }
  if (!ice_absent (request, "location") && ice_get_str (request, "location") == NULL)
    return create_fail (error, "location is not a string"), NULL;
  const char *loc = ice_get_str (request, "location");
  if (loc == NULL || *loc == '\0')
    loc = default_location;
  if (loc == NULL || *loc == '\0')
    return create_fail (error, "no location"), NULL;

  g_autoptr (JsonObject) version = ice_view_version_normalise (req_version, "Invalid create view request", error);
  if (version == NULL)
    return NULL;
  g_autofree char *unsupported = unsupported_types (version);
  if (unsupported != NULL)
    return ice_refuse (error, "Found unsupported view representations: [%s]", unsupported), NULL;
  if (json_array_get_length (ice_get_arr (version, "representations")) == 0)
    return ice_refuse (error, "Cannot create view without specifying a query"), NULL;

  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *location = g_strdup (loc);
  gsize n = strlen (location);
  while (n > 1 && location[n - 1] == '/')
    location[--n] = '\0';
  g_autoptr (JsonObject) root = json_object_new ();
  json_object_set_string_member (root, "view-uuid", uuid);
  json_object_set_int_member (root, "format-version", MS_ICEBERG_VIEW_FORMAT_VERSION);
  json_object_set_string_member (root, "location", location);
  json_object_set_object_member (root, "properties", json_object_new ());
  json_object_set_array_member (root, "schemas", json_array_new ());
  json_object_set_int_member (root, "current-version-id", -1);
  json_object_set_array_member (root, "versions", json_array_new ());
  json_object_set_array_member (root, "version-log", json_array_new ());

  Build b;
  build_init (&b, root);
  if (req_props != NULL)   /* its values are strings (checked above) */
    ice_properties_set (ice_get_obj (root, "properties"), req_props, "create", &b.changed, NULL);
  json_object_set_int_member (version, "version-id", 1);
  json_object_set_int_member (version, "timestamp-ms", ice_now_ms ());
  gint64 sid, id;
  gboolean ok = add_schema (&b, schema, &sid, error);
  if (ok)
    json_object_set_int_member (version, "schema-id", sid);
  ok = ok && add_version (&b, version, &id, error) && set_current (&b, id, error) && finish (&b, NULL, error)
       && ice_view_validate (root, error);
  build_clear (&b);
  return ok ? ice_view_wrap (g_steal_pointer (&root)) : NULL;
}

/* ---- updates ---- */

typedef gboolean (*UpdateFn) (Build *b, JsonObject *u, const char *action, GError **error);

static gboolean
missing (GError **error, const char *action, const char *name)
{
  return ice_refuse (error, "Invalid %s update: missing or invalid %s", action, name);
}

static gboolean
assign_uuid (Build *b, JsonObject *u, const char *action, GError **error)
{
  const char *uuid = ice_get_str (u, "uuid"), *have = ice_get_str (b->root, "view-uuid");
  if (uuid == NULL)
    return missing (error, action, "uuid");
  if (have != NULL && strcmp (have, uuid) == 0)
    return TRUE;
  if (have != NULL)
    return ice_refuse_arg (error, "Cannot reassign uuid");
  json_object_set_string_member (b->root, "view-uuid", uuid);
  b->changed = TRUE;
  return TRUE;
}

static gboolean
upgrade_format_version (Build *b, JsonObject *u, const char *action, GError **error)
{
  gint64 v, have = ice_int_or (b->root, "format-version", MS_ICEBERG_VIEW_FORMAT_VERSION);
  if (!ice_get_int (u, "format-version", &v))
    return missing (error, action, "format-version");
  if (v < have)
    return ice_refuse_arg (error, "Cannot downgrade v%" G_GINT64_FORMAT " view to v%" G_GINT64_FORMAT, have, v);
  if (v == have)
    return TRUE;
  if (v > MS_ICEBERG_VIEW_FORMAT_VERSION)
    return ice_refuse_arg (error, "Unsupported format version: %" G_GINT64_FORMAT, v);
  json_object_set_int_member (b->root, "format-version", v);
  b->changed = TRUE;
  return TRUE;
}

static gboolean
add_schema_update (Build *b, JsonObject *u, const char *action, GError **error)
{
  JsonObject *schema = ice_get_obj (u, "schema");
  if (schema == NULL)
    return missing (error, action, "schema");
  gint64 id;
  return ice_schema_check (schema, error) && add_schema (b, schema, &id, error);
}

static gboolean
set_location (Build *b, JsonObject *u, const char *action, GError **error)
{
  const char *loc = ice_get_str (u, "location");
  if (loc == NULL || *loc == '\0')
    return missing (error, action, "location");
  if (g_strcmp0 (ice_get_str (b->root, "location"), loc) == 0)
    return TRUE;
  json_object_set_string_member (b->root, "location", loc);
  b->changed = TRUE;
  return TRUE;
}

/* Member 'name', or the legacy 'legacy' when only that is present
 * (MetadataUpdateParser reads "updated"/"removed" too); NULL with the
 * error unless it holds a 'type'. */
static JsonNode *
member_or_legacy (JsonObject *u, const char *name, const char *legacy, JsonNodeType type,
                  const char *action, GError **error)
{
  JsonNode *n = json_object_get_member (u, name);
  if (n == NULL)
    n = json_object_get_member (u, legacy);
  if (n == NULL || JSON_NODE_TYPE (n) != type)
    return missing (error, action, name), NULL;
  return n;
}

static gboolean
set_properties_update (Build *b, JsonObject *u, const char *action, GError **error)
{
  JsonNode *n = member_or_legacy (u, "updates", "updated", JSON_NODE_OBJECT, action, error);
  return n != NULL && ice_properties_set (ice_get_obj (b->root, "properties"), json_node_get_object (n),
                                          action, &b->changed, error);
}

static gboolean
remove_properties (Build *b, JsonObject *u, const char *action, GError **error)
{
  JsonNode *n = member_or_legacy (u, "removals", "removed", JSON_NODE_ARRAY, action, error);
  return n != NULL && ice_properties_remove (ice_get_obj (b->root, "properties"), json_node_get_array (n),
                                             action, &b->changed, error);
}

static gboolean
add_view_version (Build *b, JsonObject *u, const char *action, GError **error)
{
  JsonObject *v = ice_get_obj (u, "view-version");
  if (v == NULL)
    return missing (error, action, "view-version");
  g_autoptr (JsonObject) version = ice_view_version_normalise (v, "Invalid add-view-version update", error);
  gint64 id;
  return version != NULL && add_version (b, version, &id, error);
}

static gboolean
set_current_view_version (Build *b, JsonObject *u, const char *action, GError **error)
{
  gint64 id;
  if (!ice_get_int (u, "view-version-id", &id) || id < G_MININT32 || id > G_MAXINT32)
    return missing (error, action, "view-version-id");
  return set_current (b, id, error);
}

static const struct {
  const char *action;
  UpdateFn fn;                 /* NULL: a table update */
  const char *java;            /* Iceberg's class name */
} actions[] = {
  { "assign-uuid", assign_uuid, "AssignUUID" },
  { "upgrade-format-version", upgrade_format_version, "UpgradeFormatVersion" },
  { "add-schema", add_schema_update, "AddSchema" },
  { "set-location", set_location, "SetLocation" },
  { "set-properties", set_properties_update, "SetProperties" },
  { "remove-properties", remove_properties, "RemoveProperties" },
  { "add-view-version", add_view_version, "AddViewVersion" },
  { "set-current-view-version", set_current_view_version, "SetCurrentViewVersion" },
  { "set-current-schema", NULL, "SetCurrentSchema" },
  { "add-spec", NULL, "AddPartitionSpec" },
  { "set-default-spec", NULL, "SetDefaultPartitionSpec" },
  { "add-sort-order", NULL, "AddSortOrder" },
  { "set-default-sort-order", NULL, "SetDefaultSortOrder" },
  { "add-snapshot", NULL, "AddSnapshot" },
  { "set-snapshot-ref", NULL, "SetSnapshotRef" },
  { "remove-snapshots", NULL, "RemoveSnapshots" },
  { "remove-snapshot-ref", NULL, "RemoveSnapshotRef" },
  { "set-statistics", NULL, "SetStatistics" },
  { "remove-statistics", NULL, "RemoveStatistics" },
  { "set-partition-statistics", NULL, "SetPartitionStatistics" },
  { "remove-partition-statistics", NULL, "RemovePartitionStatistics" },
  { "remove-partition-specs", NULL, "RemovePartitionSpecs" },
  { "remove-schemas", NULL, "RemoveSchemas" },
  { "add-encryption-key", NULL, "AddEncryptionKey" },
  { "remove-encryption-key", NULL, "RemoveEncryptionKey" },
};

/* The handler of update 'u'; NULL with the error for unknown or table actions. */
static UpdateFn
lookup (JsonObject *u, const char **action, GError **error)
{
  if ((*action = ice_update_action (u, error)) == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_ascii_strcasecmp (actions[i].action, *action) == 0)
      {
        if (actions[i].fn == NULL)
          ice_refuse (error, "Cannot apply update %s to a view", actions[i].java);
        *action = actions[i].action;
        return actions[i].fn;
      }
  return ice_refuse (error, "Unknown update action: %s", *action), NULL;
}

gboolean
ms_iceberg_view_updates_check_actions (JsonArray *updates, GError **error)
{
  const char *action;
  for (guint i = 0; updates != NULL && i < json_array_get_length (updates); i++)
    if (lookup (ice_elem_obj (updates, i), &action, error) == NULL)
      return FALSE;
  return TRUE;
}

MsIcebergViewMetadata *
ms_iceberg_view_metadata_commit (const MsIcebergViewMetadata *base, JsonArray *requirements, JsonArray *updates,
                                 GError **error)
{
  if (base == NULL)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "View does not exist"), NULL;
  if (!ms_iceberg_view_updates_check_actions (updates, error)
      || !ms_iceberg_view_requirements_check (base, requirements, error))
    return NULL;
  g_autoptr (JsonObject) root = ice_obj_dup (base->root);
  Build b;
  build_init (&b, root);
  gboolean ok = TRUE;
  for (guint i = 0; ok && updates != NULL && i < json_array_get_length (updates); i++)
    {
      JsonObject *u = ice_elem_obj (updates, i);
      const char *action;
      UpdateFn fn = lookup (u, &action, error);
      ok = fn != NULL && fn (&b, u, action, error);
    }
  gboolean changed = b.changed;
  if (ok && changed)
    ok = finish (&b, ms_iceberg_view_metadata_current_version (base), error)
         && ice_view_validate (root, error) && ice_view_tree_check (root, "Invalid view metadata", error);
  build_clear (&b);
  if (!ok)
    return NULL;
  if (!changed)
    {
      MsIcebergViewMetadata *same = ms_iceberg_view_metadata_copy (base);
      same->changed = FALSE;
      return same;
    }
  MsIcebergViewMetadata *out = ice_view_wrap (g_steal_pointer (&root));
  out->changed = TRUE;
  return out;
}
