/*
 * metadata_create.c: a new table's metadata from a CreateTableRequest
 * (ms_iceberg_metadata_create), following Iceberg's
 * TableMetadata.newTableMetadata: fresh column ids, spec and sort order
 * bound to them, reserved properties left out; and the common end of
 * every new table's tree (ice_metadata_wrap_new), an empty commit-created
 * one's too.
 */
#include "iceberg/metadata_internal.h"
#include <string.h>

/* Properties Iceberg keeps out of the stored map (TableProperties.RESERVED_PROPERTIES). */
static const char *const reserved_properties[] = {
  "format-version", "uuid", "snapshot-count", "current-snapshot-id", "current-snapshot-summary",
  "current-snapshot-timestamp-ms", "current-schema", "default-partition-spec", "default-sort-order", NULL,
};

typedef struct {
  gint64 next_id;              /* last id handed out */
  GHashTable *ids;             /* old id -> new id (GINT_TO_POINTER) */
} FreshIds;

static gint64
fresh_id (FreshIds *f, gint64 old)
{
  gint64 id = ++f->next_id;
  g_hash_table_insert (f->ids, GINT_TO_POINTER ((gint) old), GINT_TO_POINTER ((gint) id));
  return id;
}

static void assign_type (JsonNode *type, FreshIds *f, int depth);

/* A struct's own fields first, then what they contain (Iceberg's AssignFreshIds). */
static void
assign_struct (JsonObject *st, FreshIds *f, int depth)
{
  JsonArray *fields = ice_get_arr (st, "fields");
  guint n = fields != NULL ? json_array_get_length (fields) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *fld = ice_elem_obj (fields, i);
      json_object_set_int_member (fld, "id", fresh_id (f, ice_int_or (fld, "id", 0)));
    }
  for (guint i = 0; i < n; i++)
    assign_type (json_object_get_member (ice_elem_obj (fields, i), "type"), f, depth + 1);
}

static void
assign_type (JsonNode *type, FreshIds *f, int depth)
{
  if (type == NULL || !JSON_NODE_HOLDS_OBJECT (type) || depth > ICE_MAX_TYPE_DEPTH)
    return;
  JsonObject *o = json_node_get_object (type);
  const char *kind = ice_get_str (o, "type");
  if (g_strcmp0 (kind, "struct") == 0)
    assign_struct (o, f, depth);
  else if (g_strcmp0 (kind, "list") == 0)
    {
      json_object_set_int_member (o, "element-id", fresh_id (f, ice_int_or (o, "element-id", 0)));
      assign_type (json_object_get_member (o, "element"), f, depth + 1);
    }
  else if (g_strcmp0 (kind, "map") == 0)
    {
      json_object_set_int_member (o, "key-id", fresh_id (f, ice_int_or (o, "key-id", 0)));
      json_object_set_int_member (o, "value-id", fresh_id (f, ice_int_or (o, "value-id", 0)));
      assign_type (json_object_get_member (o, "key"), f, depth + 1);
      assign_type (json_object_get_member (o, "value"), f, depth + 1);
    }
}

/* The new id of request column 'old', FALSE when the request has none. */
static gboolean
remap (FreshIds *f, gint64 old, gint64 *out)
{
  gpointer v;
  if (old < 0 || old > G_MAXINT32
      || !g_hash_table_lookup_extended (f->ids, GINT_TO_POINTER ((gint) old), NULL, &v))
    return FALSE;
  *out = GPOINTER_TO_INT (v);
  return TRUE;
}

/* Binds partition (or sort) fields to the request's schema as Iceberg's
 * CreateTableRequest does, then moves their sources to the new ids. */
static gboolean
remap_sources (JsonArray *fields, JsonObject *req_schema, FreshIds *f, gboolean partition, GError **error)
{
  if (partition ? !ice_bind_partition_fields (req_schema, fields, error)
                : !ice_bind_sort_fields (req_schema, fields, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *nf = ice_elem_obj (fields, i);
      gint64 src = ice_int_or (nf, "source-id", -1), id;
      if (!remap (f, src, &id))
        return ms_fail (error, MS_ERROR_INVALID_INPUT, "Cannot find source column for %s field: %" G_GINT64_FORMAT,
                        partition ? "partition" : "sort", src);
      json_object_set_int_member (nf, "source-id", id);
    }
  return TRUE;
}

/* The spec (id 0) bound to the request's schema, then with source ids
 * remapped and field ids from 1000. */
static JsonObject *
fresh_spec (JsonObject *req_spec, JsonObject *req_schema, FreshIds *f, gint64 *last_partition_id, GError **error)
{
  g_autoptr (JsonObject) spec = json_object_new ();
  JsonArray *fields = json_array_new ();
  json_object_set_int_member (spec, "spec-id", 0);
  json_object_set_array_member (spec, "fields", fields);
  *last_partition_id = 999;
  if (req_spec == NULL)
    return g_steal_pointer (&spec);
  JsonArray *req = ice_get_arr (req_spec, "fields");
  if (req == NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid partition spec: no fields");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (req); i++)
    {
      JsonObject *rf = ice_elem_obj (req, i);
      const char *name = ice_get_str (rf, "name"), *transform = ice_get_str (rf, "transform");
      gint64 src;
      if (name == NULL || transform == NULL || !ice_get_int (rf, "source-id", &src))
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid partition field: needs source-id, transform and name");
          return NULL;
        }
      JsonObject *nf = json_object_new ();
      json_object_set_string_member (nf, "name", name);
      json_object_set_string_member (nf, "transform", transform);
      json_object_set_int_member (nf, "source-id", src);
      json_object_set_int_member (nf, "field-id", ++*last_partition_id);
      json_array_add_object_element (fields, nf);
    }
  return remap_sources (fields, req_schema, f, TRUE, error) ? g_steal_pointer (&spec) : NULL;
}

/* The sort order (id 1, or 0 when unsorted) bound to the request's
 * schema, then with source ids remapped. */
static JsonObject *
fresh_order (JsonObject *req_order, JsonObject *req_schema, FreshIds *f, GError **error)
{
  g_autoptr (JsonObject) order = json_object_new ();
  JsonArray *fields = json_array_new ();
  json_object_set_array_member (order, "fields", fields);
  JsonArray *req = req_order != NULL ? ice_get_arr (req_order, "fields") : NULL;
  if (req_order != NULL && req == NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid sort order: no fields");
      return NULL;
    }
  guint n = req != NULL ? json_array_get_length (req) : 0;
  if (!ice_sort_order_id_check (req_order, n, error))
    return NULL;
  json_object_set_int_member (order, "order-id", n > 0 ? 1 : 0);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *rf = ice_elem_obj (req, i);
      const char *transform = ice_get_str (rf, "transform");
      const char *dir = ice_get_str (rf, "direction"), *nulls = ice_get_str (rf, "null-order");
      gint64 src;
      if (transform == NULL || dir == NULL || nulls == NULL || !ice_get_int (rf, "source-id", &src)
          || (strcmp (dir, "asc") != 0 && strcmp (dir, "desc") != 0)
          || (strcmp (nulls, "nulls-first") != 0 && strcmp (nulls, "nulls-last") != 0))
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT,
                   "Invalid sort field: needs source-id, transform, direction (asc/desc) and null-order");
          return NULL;
        }
      JsonObject *nf = json_object_new ();
      json_object_set_string_member (nf, "transform", transform);
      json_object_set_int_member (nf, "source-id", src);
      json_object_set_string_member (nf, "direction", dir);
      json_object_set_string_member (nf, "null-order", nulls);
      json_array_add_object_element (fields, nf);
    }
  return remap_sources (fields, req_schema, f, FALSE, error) ? g_steal_pointer (&order) : NULL;
}

MsIcebergMetadata *
ice_metadata_wrap_new (JsonObject *root, JsonObject *props, gint64 format_version)
{
  json_object_set_object_member (root, "properties", props);
  json_object_set_int_member (root, "current-snapshot-id", -1);
  json_object_set_object_member (root, "refs", json_object_new ());
  for (const char *m = "snapshots\0statistics\0partition-statistics\0snapshot-log\0metadata-log\0"; *m != '\0';
       m += strlen (m) + 1)
    json_object_set_array_member (root, m, json_array_new ());
  if (format_version >= 3)
    json_object_set_int_member (root, "next-row-id", 0);
  return ice_metadata_wrap (root);
}

/* Stored properties and the format version they ask for. */
static JsonObject *
fresh_properties (JsonObject *req, int *format_version, GError **error)
{
  g_autoptr (JsonObject) props = json_object_new ();
  *format_version = MS_ICEBERG_DEFAULT_FORMAT_VERSION;
  g_autoptr (GList) keys = req != NULL ? json_object_get_members (req) : NULL;
  for (GList *l = keys; l != NULL; l = l->next)
    {
      const char *v = ice_get_str (req, l->data);
      if (v == NULL)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid property '%s': values are strings", (char *) l->data);
          return NULL;
        }
      if (strcmp (l->data, "format-version") == 0)
        {
          gint64 fv;
          if (!g_ascii_string_to_signed (v, 10, 1, G_MAXINT32, &fv, NULL) || fv > MS_ICEBERG_MAX_FORMAT_VERSION)
            {
              ms_fail (error, MS_ERROR_INVALID_ARGUMENT, "Unsupported format version: v%s (supported: v%d)", v,
                       MS_ICEBERG_MAX_FORMAT_VERSION);
              return NULL;
            }
          *format_version = (int) fv;
        }
      if (!g_strv_contains (reserved_properties, l->data))
        json_object_set_string_member (props, l->data, v);
    }
  /* Iceberg 1.4+ pins the Parquet codec of new tables (older tables keep gzip). */
  if (!json_object_has_member (props, "write.parquet.compression-codec"))
    json_object_set_string_member (props, "write.parquet.compression-codec", "zstd");
  return g_steal_pointer (&props);
}

MsIcebergMetadata *
ms_iceberg_metadata_create (JsonObject *request, const char *default_location, GError **error)
{
  JsonObject *req_schema = ice_get_obj (request, "schema");
  if (ice_get_str (request, "name") == NULL || req_schema == NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid create table request: name and schema are required");
      return NULL;
    }
  if (!ice_tree_check (request, error) || !ice_schema_check (req_schema, error))
    return NULL;
  const char *loc = ice_get_str (request, "location");
  if (loc == NULL && !ice_absent (request, "location"))
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid create table request: location is not a string");
      return NULL;
    }
  if (loc == NULL || *loc == '\0')
    loc = default_location;
  if (loc == NULL || *loc == '\0')
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid create table request: no location");
      return NULL;
    }
  for (const char *m = "partition-spec\0write-order\0properties\0"; *m != '\0'; m += strlen (m) + 1)
    if (!ice_absent (request, m) && ice_get_obj (request, m) == NULL)
      {
        ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid create table request: %s is not an object", m);
        return NULL;
      }

  int fv;
  g_autoptr (JsonObject) props = fresh_properties (ice_get_obj (request, "properties"), &fv, error);
  if (props == NULL)
    return NULL;

  g_autoptr (GHashTable) ids = g_hash_table_new (NULL, NULL);
  FreshIds f = { 0, ids };
  JsonObject *schema = ice_obj_dup (req_schema);
  json_object_set_string_member (schema, "type", "struct");
  json_object_set_int_member (schema, "schema-id", 0);
  assign_struct (schema, &f, 0);
  JsonArray *ident = ice_get_arr (schema, "identifier-field-ids");
  if (ident != NULL)
    {
      JsonArray *fresh = json_array_new ();
      for (guint i = 0; i < json_array_get_length (ident); i++)
        {
          gint64 old = 0, id;
          ice_elem_int (ident, i, &old);
          if (!remap (&f, old, &id))
            {
              json_array_unref (fresh);
              json_object_unref (schema);
              ms_fail (error, MS_ERROR_INVALID_INPUT, "Cannot find identifier field: %" G_GINT64_FORMAT, old);
              return NULL;
            }
          json_array_add_int_element (fresh, id);
        }
      json_object_set_array_member (schema, "identifier-field-ids", fresh);
    }

  gint64 last_partition_id;
  g_autoptr (JsonObject) spec = fresh_spec (ice_get_obj (request, "partition-spec"), req_schema, &f,
                                            &last_partition_id, error);
  g_autoptr (JsonObject) order = spec != NULL ? fresh_order (ice_get_obj (request, "write-order"), req_schema, &f, error)
                                              : NULL;
  if (order == NULL)
    {
      json_object_unref (schema);
      return NULL;
    }

  JsonObject *root = json_object_new ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *location = g_strdup (loc);
  gsize n = strlen (location);
  while (n > 1 && location[n - 1] == '/')
    location[--n] = '\0';
  json_object_set_int_member (root, "format-version", fv);
  json_object_set_string_member (root, "table-uuid", uuid);
  json_object_set_string_member (root, "location", location);
  json_object_set_int_member (root, "last-sequence-number", 0);
  json_object_set_int_member (root, "last-updated-ms", ice_now_ms ());
  json_object_set_int_member (root, "last-column-id", f.next_id);
  json_object_set_int_member (root, "current-schema-id", 0);
  JsonArray *a = json_array_new ();
  json_array_add_object_element (a, schema);
  json_object_set_array_member (root, "schemas", a);
  json_object_set_int_member (root, "default-spec-id", 0);
  a = json_array_new ();
  json_array_add_object_element (a, g_steal_pointer (&spec));
  json_object_set_array_member (root, "partition-specs", a);
  json_object_set_int_member (root, "last-partition-id", last_partition_id);
  json_object_set_int_member (root, "default-sort-order-id", ice_int_or (order, "order-id", 0));
  a = json_array_new ();
  json_array_add_object_element (a, g_steal_pointer (&order));
  json_object_set_array_member (root, "sort-orders", a);
  return ice_metadata_wrap_new (root, g_steal_pointer (&props), fv);
}
