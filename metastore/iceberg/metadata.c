/*
 * metadata.c: the MsIcebergMetadata model: reading a metadata.json of any
 * format version into the normalised tree, checking it, writing it back in
 * Iceberg's member order, the accessors, and metadata file naming with the
 * bounded metadata-log. Also the checked json-glib getters of
 * metadata_internal.h and what the table and view models share (string
 * maps and properties, the update action and property updates, the HMS
 * mirror's columns).
 */
#include "iceberg/metadata_internal.h"
#include "model/table.h"
#include <math.h>
#include <string.h>
#include "core/json_text.h"

/* ---- checked getters ---- */

static gboolean
node_is_int (JsonNode *n)
{
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64;
}

gboolean
ice_get_int (JsonObject *o, const char *name, gint64 *out)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;
  if (!node_is_int (n))
    return FALSE;
  *out = json_node_get_int (n);
  return TRUE;
}

gint64
ice_int_or (JsonObject *o, const char *name, gint64 dflt)
{
  gint64 v;
  return ice_get_int (o, name, &v) ? v : dflt;
}

const char *
ice_get_str (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

gboolean
ice_get_bool (JsonObject *o, const char *name, gboolean *out)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return FALSE;
  *out = json_node_get_boolean (n);
  return TRUE;
}

JsonObject *
ice_get_obj (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;
  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

JsonArray *
ice_get_arr (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;
  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

gboolean
ice_absent (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;
  return n == NULL || JSON_NODE_HOLDS_NULL (n);
}

JsonObject *
ice_elem_obj (JsonArray *a, guint i)
{
  JsonNode *n = json_array_get_element (a, i);
  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

gboolean
ice_elem_int (JsonArray *a, guint i, gint64 *out)
{
  JsonNode *n = json_array_get_element (a, i);
  if (!node_is_int (n))
    return FALSE;
  *out = json_node_get_int (n);
  return TRUE;
}

JsonArray *
ice_arr_dup (JsonArray *a)
{
  JsonArray *c = json_array_sized_new (json_array_get_length (a));
  for (guint i = 0; i < json_array_get_length (a); i++)
    json_array_add_element (c, ice_node_dup (json_array_get_element (a, i)));
  return c;
}

JsonObject *
ice_text_object (const char *text, gssize len, const char *prefix, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local = NULL;
  if (len < 0)
    len = (gssize) strlen (text);
  /* the precheck keeps json-glib from the inputs it leaks on */
  if (len == 0 || !ms_json_precheck (text, (gsize) len, MS_JSON_MAX_DEPTH, &local)
      || !json_parser_load_from_data (parser, text, len, &local))
    {
      ms_fail_prefixed (error, MS_ERROR_INVALID_INPUT, prefix, "%s",
                        local != NULL ? local->message : "empty document");
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      ms_fail_prefixed (error, MS_ERROR_INVALID_INPUT, prefix, "not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

JsonObject *
ice_obj_dup (JsonObject *o)
{
  JsonObject *c = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (o);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (c, l->data, ice_node_dup (json_object_get_member (o, l->data)));
  return c;
}

JsonNode *
ice_node_dup (JsonNode *n)
{
  if (JSON_NODE_HOLDS_OBJECT (n))
    {
      JsonNode *c = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (c, ice_obj_dup (json_node_get_object (n)));
      return c;
    }
  if (JSON_NODE_HOLDS_ARRAY (n))
    {
      JsonNode *c = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (c, ice_arr_dup (json_node_get_array (n)));
      return c;
    }
  return json_node_copy (n);
}

JsonObject *
ice_find_by_id (JsonArray *array, const char *key, gint64 id, guint *index)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *o = ice_elem_obj (array, i);
      gint64 v;
      if (o != NULL && ice_get_int (o, key, &v) && v == id)
        {
          if (index != NULL)
            *index = i;
          return o;
        }
    }
  return NULL;
}

gint64
ice_now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* ---- shared by the table and view models ---- */

gboolean
ice_is_string_map (JsonObject *m, const char **bad_key)
{
  g_autoptr (GList) keys = json_object_get_members (m);
  for (GList *l = keys; l != NULL; l = l->next)
    if (ice_get_str (m, l->data) == NULL)
      {
        *bad_key = l->data;
        return FALSE;
      }
  return TRUE;
}

GPtrArray *
ice_hive_columns (JsonObject *schema, const char *owner, GError **error)
{
  g_autoptr (GPtrArray) cols = ms_columns_new ();
  JsonArray *fields = ice_get_arr (schema, "fields");
  if (fields == NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "%s has no current schema", owner);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = ice_elem_obj (fields, i);
      const char *name = ice_get_str (f, "name");
      g_autofree char *type = ms_iceberg_type_to_hive (f != NULL ? json_object_get_member (f, "type") : NULL,
                                                        error);
      if (name == NULL || type == NULL)
        {
          if (type != NULL)
            ms_fail (error, MS_ERROR_INVALID_INPUT, "Schema field without a name");
          return NULL;
        }
      g_ptr_array_add (cols, ms_column_new (name, type, ice_get_str (f, "doc")));
    }
  return g_steal_pointer (&cols);
}

gboolean
ice_properties_get (JsonObject *doc, const char *prefix, JsonObject **props, GError **error)
{
  const char *key = NULL;
  *props = ice_get_obj (doc, "properties");
  if (*props == NULL && !ice_absent (doc, "properties"))
    return ms_fail_prefixed (error, MS_ERROR_INVALID_INPUT, prefix, "properties is not an object");
  if (*props != NULL && !ice_is_string_map (*props, &key))
    return ms_fail_prefixed (error, MS_ERROR_INVALID_INPUT, prefix,
                             "property value of '%s' is not a string", key);
  return TRUE;
}

gboolean
ice_ids_contain (GArray *ids, gint64 id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

const char *
ice_update_action (JsonObject *u, GError **error)
{
  const char *action = ice_get_str (u, "action");
  if (action == NULL)
    ice_refuse (error, "Invalid update: an object with a string action");
  return action;
}

gboolean
ice_properties_set (JsonObject *props, JsonObject *updates, const char *action, gboolean *changed,
                    GError **error)
{
  g_autoptr (GList) keys = json_object_get_members (updates);
  for (GList *l = keys; l != NULL; l = l->next)
    if (ice_get_str (updates, l->data) == NULL)
      return ice_refuse (error, "Invalid %s update: the value of '%s' is not a string", action,
                         (char *) l->data);
  /* Java records the change for any non-empty map, values new or not */
  for (GList *l = keys; l != NULL; l = l->next)
    json_object_set_string_member (props, l->data, ice_get_str (updates, l->data));
  if (keys != NULL)
    *changed = TRUE;
  return TRUE;
}

gboolean
ice_properties_remove (JsonObject *props, JsonArray *removals, const char *action, gboolean *changed,
                       GError **error)
{
  for (guint i = 0; i < json_array_get_length (removals); i++)
    {
      JsonNode *n = json_array_get_element (removals, i);
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        return ice_refuse (error, "Invalid %s update: removals holds a non-string", action);
    }
  /* Java records the change for any non-empty list, keys present or not */
  for (guint i = 0; i < json_array_get_length (removals); i++)
    {
      const char *key = json_node_get_string (json_array_get_element (removals, i));
      if (json_object_has_member (props, key))
        json_object_remove_member (props, key);
    }
  if (json_array_get_length (removals) > 0)
    *changed = TRUE;
  return TRUE;
}

/* ---- model ---- */

MsIcebergMetadata *
ice_metadata_wrap (JsonObject *root)
{
  MsIcebergMetadata *md = g_new0 (MsIcebergMetadata, 1);
  md->root = root;
  md->base_updated_ms = ice_int_or (root, "last-updated-ms", 0);
  return md;
}

void
ms_iceberg_metadata_free (MsIcebergMetadata *md)
{
  if (md == NULL)
    return;
  if (md->root != NULL)
    json_object_unref (md->root);
  g_free (md);
}

MsIcebergMetadata *
ms_iceberg_metadata_copy (const MsIcebergMetadata *md)
{
  MsIcebergMetadata *c = ice_metadata_wrap (ice_obj_dup (md->root));
  c->base_updated_ms = md->base_updated_ms;
  c->changed = md->changed;
  return c;
}

/* ---- parsing and normalising ---- */

#define PARSE_FAILED "Cannot parse table metadata"
#define bad(error, ...) ms_fail_prefixed ((error), MS_ERROR_INVALID_INPUT, PARSE_FAILED, __VA_ARGS__)

static gboolean
need_int (JsonObject *o, const char *name, GError **error)
{
  gint64 v;
  return ice_get_int (o, name, &v) || bad (error, "missing or non-integer %s", name);
}

/* Sets an empty array / object member when absent (null counts as absent);
 * FALSE when present with another type. */
static gboolean
default_arr (JsonObject *o, const char *name, GError **error)
{
  if (ice_absent (o, name))
    json_object_set_array_member (o, name, json_array_new ());
  else if (ice_get_arr (o, name) == NULL)
    return bad (error, "%s is not an array", name);
  return TRUE;
}

/* Each element of array member 'name' must be an object with the integer
 * members 'ints' and string members 'strs' (NULL-terminated lists). */
static gboolean
check_elems (JsonObject *o, const char *name, const char *const *ints, const char *const *strs,
             GError **error)
{
  JsonArray *a = ice_get_arr (o, name);
  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonObject *e = ice_elem_obj (a, i);
      if (e == NULL)
        return bad (error, "%s[%u] is not an object", name, i);
      for (const char *const *k = ints; k != NULL && *k != NULL; k++)
        if (!need_int (e, *k, error))
          return FALSE;
      for (const char *const *k = strs; k != NULL && *k != NULL; k++)
        if (ice_get_str (e, *k) == NULL)
          return bad (error, "%s[%u] has no string %s", name, i, *k);
    }
  return TRUE;
}

/* Partition fields: source-id, transform and name; field-id assigned from
 * 1000 in order where missing (v1 files). */
static gboolean
normalise_spec_fields (JsonArray *fields, GError **error)
{
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = ice_elem_obj (fields, i);
      if (f == NULL)
        return bad (error, "partition field is not an object");
      if (!need_int (f, "source-id", error))
        return FALSE;
      if (ice_get_str (f, "transform") == NULL || ice_get_str (f, "name") == NULL)
        return bad (error, "partition field without transform or name");
      if (ice_absent (f, "field-id"))
        json_object_set_int_member (f, "field-id", 1000 + i);
      else if (!need_int (f, "field-id", error))
        return FALSE;
    }
  return TRUE;
}

/* Format version, identity and the scalar members every version has; v1's
 * missing table-uuid is made up, its sequence number set to 0. */
static gboolean
normalise_header (JsonObject *root, int *fv_out, GError **error)
{
  gint64 v;
  if (!ice_get_int (root, "format-version", &v))
    return bad (error, "missing or non-integer format-version");
  if (v < 1 || v > MS_ICEBERG_MAX_FORMAT_VERSION)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "Cannot read unsupported version %" G_GINT64_FORMAT, v);
  int fv = *fv_out = (int) v;

  if (ice_absent (root, "table-uuid"))
    {
      if (fv > 1)
        return bad (error, "table-uuid must exist in format v%d", fv);
      g_autofree char *uuid = g_uuid_string_random ();
      json_object_set_string_member (root, "table-uuid", uuid);
    }
  if (ice_get_str (root, "table-uuid") == NULL)
    return bad (error, "table-uuid is not a string");
  if (ice_get_str (root, "location") == NULL)
    return bad (error, "missing or non-string location");
  if (fv > 1 && !need_int (root, "last-sequence-number", error))
    return FALSE;
  /* v1 has no sequence numbers: Iceberg's parser reads none (0) */
  if (fv == 1)
    json_object_set_int_member (root, "last-sequence-number", 0);
  return need_int (root, "last-updated-ms", error) && need_int (root, "last-column-id", error);
}

/* Array member 'list' of a v1 document that lacks it, holding 'single' (an
 * object, taken) and 'id_member' set to its id; FALSE for a later format
 * version or when v1's single form is missing too (single NULL). */
static gboolean
list_from_v1 (JsonObject *root, int fv, const char *list, JsonObject *single, const char *id_member,
              gint64 id, GError **error)
{
  if (fv > 1 || single == NULL)
    {
      if (single != NULL)
        json_object_unref (single);
      return bad (error, "%s must exist in format v%d", list, fv);
    }
  JsonArray *a = json_array_new ();
  json_array_add_object_element (a, single);
  json_object_set_array_member (root, list, a);
  json_object_set_int_member (root, id_member, id);
  return TRUE;
}

/* schemas (from v1's single schema), current-schema-id; schema-id 0 where
 * missing; each schema checked. */
static gboolean
normalise_schemas (JsonObject *root, int fv, GError **error)
{
  if (ice_absent (root, "schemas"))
    {
      JsonObject *schema = ice_get_obj (root, "schema");
      JsonObject *s = schema != NULL ? ice_obj_dup (schema) : NULL;
      if (s != NULL && ice_absent (s, "schema-id"))
        json_object_set_int_member (s, "schema-id", 0);
      if (!list_from_v1 (root, fv, "schemas", s, "current-schema-id",
                         ice_int_or (s, "schema-id", 0), error))
        return FALSE;
    }
  JsonArray *schemas = ice_get_arr (root, "schemas");
  if (schemas == NULL)
    return bad (error, "schemas is not an array");
  if (!need_int (root, "current-schema-id", error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (schemas); i++)
    {
      JsonObject *s = ice_elem_obj (schemas, i);
      if (s == NULL)
        return bad (error, "schema is not an object");
      if (ice_absent (s, "schema-id"))
        json_object_set_int_member (s, "schema-id", 0);
      if (!need_int (s, "schema-id", error) || !ice_schema_check (s, error))
        return FALSE;
    }
  json_object_remove_member (root, "schema");
  return TRUE;
}

/* partition-specs (from v1's single partition-spec), default-spec-id and
 * last-partition-id (v1: the highest field id, at least 999). */
static gboolean
normalise_specs (JsonObject *root, int fv, GError **error)
{
  if (ice_absent (root, "partition-specs"))
    {
      JsonArray *fields = ice_get_arr (root, "partition-spec");
      JsonObject *spec = NULL;
      if (fields != NULL)
        {
          spec = json_object_new ();
          json_object_set_int_member (spec, "spec-id", 0);
          json_object_set_array_member (spec, "fields", ice_arr_dup (fields));
        }
      if (!list_from_v1 (root, fv, "partition-specs", spec, "default-spec-id", 0, error))
        return FALSE;
    }
  JsonArray *specs = ice_get_arr (root, "partition-specs");
  if (specs == NULL)
    return bad (error, "partition-specs is not an array");
  if (!need_int (root, "default-spec-id", error))
    return FALSE;
  gint64 max_field = 999;
  for (guint i = 0; i < json_array_get_length (specs); i++)
    {
      JsonObject *s = ice_elem_obj (specs, i);
      JsonArray *fields = ice_get_arr (s, "fields");
      if (s == NULL || fields == NULL || !need_int (s, "spec-id", error))
        return bad (error, "partition spec without spec-id or fields");
      if (!normalise_spec_fields (fields, error))
        return FALSE;
      for (guint j = 0; j < json_array_get_length (fields); j++)
        max_field = MAX (max_field, ice_int_or (ice_elem_obj (fields, j), "field-id", 0));
    }
  json_object_remove_member (root, "partition-spec");
  if (ice_absent (root, "last-partition-id"))
    {
      if (fv > 1)
        return bad (error, "last-partition-id must exist in format v%d", fv);
      json_object_set_int_member (root, "last-partition-id", max_field);
    }
  return need_int (root, "last-partition-id", error);
}

/* sort-orders (v1 without: the unsorted order 0) and default-sort-order-id. */
static gboolean
normalise_orders (JsonObject *root, int fv, GError **error)
{
  if (ice_absent (root, "sort-orders"))
    {
      JsonObject *unsorted = json_object_new ();
      json_object_set_int_member (unsorted, "order-id", 0);
      json_object_set_array_member (unsorted, "fields", json_array_new ());
      if (!list_from_v1 (root, fv, "sort-orders", unsorted, "default-sort-order-id", 0, error))
        return FALSE;
    }
  JsonArray *orders = ice_get_arr (root, "sort-orders");
  if (orders == NULL)
    return bad (error, "sort-orders is not an array");
  if (!need_int (root, "default-sort-order-id", error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *o = ice_elem_obj (orders, i);
      if (o == NULL || ice_get_arr (o, "fields") == NULL)
        return bad (error, "sort order without order-id or fields");
      if (!need_int (o, "order-id", error))
        return FALSE;
      static const char *const ints[] = { "source-id", NULL };
      static const char *const strs[] = { "transform", "direction", "null-order", NULL };
      if (!check_elems (o, "fields", ints, strs, error))
        return FALSE;
    }
  return TRUE;
}

/* properties: an object of strings, {} when absent. */
static gboolean
normalise_properties (JsonObject *root, GError **error)
{
  JsonObject *props;
  if (!ice_properties_get (root, PARSE_FAILED, &props, error))
    return FALSE;
  if (props == NULL)
    json_object_set_object_member (root, "properties", json_object_new ());
  return TRUE;
}

/* snapshots, current-snapshot-id (-1: none) and refs (made up from the
 * current snapshot when absent: a main branch). */
static gboolean
normalise_snapshots (JsonObject *root, GError **error)
{
  if (ice_absent (root, "current-snapshot-id"))
    json_object_set_int_member (root, "current-snapshot-id", -1);
  if (!need_int (root, "current-snapshot-id", error))
    return FALSE;
  static const char *const snap_ints[] = { "snapshot-id", "timestamp-ms", NULL };
  if (!default_arr (root, "snapshots", error) || !check_elems (root, "snapshots", snap_ints, NULL, error))
    return FALSE;
  gint64 current = ice_int_or (root, "current-snapshot-id", -1);
  if (current < 0)
    json_object_set_int_member (root, "current-snapshot-id", current = -1);
  if (ice_absent (root, "refs"))
    {
      JsonObject *refs = json_object_new ();
      if (current != -1)
        {
          JsonObject *main = json_object_new ();
          json_object_set_int_member (main, "snapshot-id", current);
          json_object_set_string_member (main, "type", "branch");
          json_object_set_object_member (refs, "main", main);
        }
      json_object_set_object_member (root, "refs", refs);
    }
  JsonObject *refs = ice_get_obj (root, "refs");
  if (refs == NULL)
    return bad (error, "refs is not an object");
  g_autoptr (GList) names = json_object_get_members (refs);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *r = ice_get_obj (refs, l->data);
      const char *type = ice_get_str (r, "type");
      if (r == NULL || !need_int (r, "snapshot-id", error) || type == NULL
          || (strcmp (type, "branch") != 0 && strcmp (type, "tag") != 0))
        return bad (error, "ref '%s' needs a snapshot-id and a type branch or tag", (char *) l->data);
    }
  return TRUE;
}

/* The logs, statistics and encryption keys; v3's next-row-id. */
static gboolean
normalise_logs (JsonObject *root, int fv, GError **error)
{
  static const char *const slog_ints[] = { "timestamp-ms", "snapshot-id", NULL };
  static const char *const mlog_ints[] = { "timestamp-ms", NULL };
  static const char *const mlog_strs[] = { "metadata-file", NULL };
  static const char *const stat_ints[] = { "snapshot-id", NULL };
  static const char *const stat_strs[] = { "statistics-path", NULL };
  if (!default_arr (root, "snapshot-log", error) || !check_elems (root, "snapshot-log", slog_ints, NULL, error)
      || !default_arr (root, "metadata-log", error)
      || !check_elems (root, "metadata-log", mlog_ints, mlog_strs, error)
      || !default_arr (root, "statistics", error)
      || !check_elems (root, "statistics", stat_ints, stat_strs, error)
      || !default_arr (root, "partition-statistics", error)
      || !check_elems (root, "partition-statistics", stat_ints, stat_strs, error))
    return FALSE;
  if (!ice_absent (root, "encryption-keys"))
    {
      static const char *const key_strs[] = { "key-id", NULL };
      if (ice_get_arr (root, "encryption-keys") == NULL)
        return bad (error, "encryption-keys is not an array");
      if (!check_elems (root, "encryption-keys", NULL, key_strs, error))
        return FALSE;
    }
  if (fv >= 3)
    {
      if (ice_absent (root, "next-row-id"))
        json_object_set_int_member (root, "next-row-id", 0);
      if (!need_int (root, "next-row-id", error))
        return FALSE;
    }
  return TRUE;
}

/* Turns a v1 document's single schema/spec forms into the list forms and
 * fills the members later format versions require, section by section. */
static gboolean
normalise (JsonObject *root, GError **error)
{
  int fv = 0;
  return normalise_header (root, &fv, error)
         && normalise_schemas (root, fv, error)
         && normalise_specs (root, fv, error)
         && normalise_orders (root, fv, error)
         && normalise_properties (root, error)
         && normalise_snapshots (root, error)
         && normalise_logs (root, fv, error);
}

#define invalid(error, ...) \
  ms_fail_prefixed ((error), MS_ERROR_INVALID_INPUT, "Invalid table metadata", __VA_ARGS__)

gboolean
ice_metadata_validate (JsonObject *root, GError **error)
{
  gint64 id = ice_int_or (root, "current-schema-id", -1);
  if (ice_find_by_id (ice_get_arr (root, "schemas"), "schema-id", id, NULL) == NULL)
    return invalid (error, "cannot find schema with current-schema-id=%" G_GINT64_FORMAT " from schemas", id);
  id = ice_int_or (root, "default-spec-id", -1);
  if (ice_find_by_id (ice_get_arr (root, "partition-specs"), "spec-id", id, NULL) == NULL)
    return invalid (error, "cannot find partition spec with default-spec-id=%" G_GINT64_FORMAT, id);
  id = ice_int_or (root, "default-sort-order-id", -1);
  if (ice_find_by_id (ice_get_arr (root, "sort-orders"), "order-id", id, NULL) == NULL)
    return invalid (error, "cannot find sort order with default-sort-order-id=%" G_GINT64_FORMAT, id);
  if (ice_get_str (root, "location") == NULL || *ice_get_str (root, "location") == '\0')
    return invalid (error, "no location");
  id = ice_int_or (root, "current-snapshot-id", -1);
  if (id != -1 && ice_find_by_id (ice_get_arr (root, "snapshots"), "snapshot-id", id, NULL) == NULL)
    return invalid (error, "cannot find current snapshot %" G_GINT64_FORMAT, id);
  /* Iceberg's indexAndValidateSnapshots */
  gint64 last_seq = ice_int_or (root, "last-sequence-number", 0);
  if (ice_int_or (root, "format-version", 1) == 1 && last_seq != 0)
    return invalid (error, "Sequence number must be 0 in v1: %" G_GINT64_FORMAT, last_seq);
  JsonArray *snapshots = ice_get_arr (root, "snapshots");
  for (guint i = 0; snapshots != NULL && i < json_array_get_length (snapshots); i++)
    {
      gint64 seq = ice_int_or (ice_elem_obj (snapshots, i), "sequence-number", 0);
      if (seq > last_seq)
        return invalid (error, "Invalid snapshot with sequence number %" G_GINT64_FORMAT
                        " greater than last sequence number %" G_GINT64_FORMAT, seq, last_seq);
    }
  return TRUE;
}

/* Whether json-glib 1.6 writes 'd' back as JSON: it prints g_ascii_dtostr's
 * text and appends ".0" when that has no '.', so infinities ("inf.0", from
 * 1e999) and exponents without a fraction ("1e+20.0") come out invalid. */
static gboolean
double_writable (double d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!isfinite (d))
    return FALSE;
  g_ascii_dtostr (buf, sizeof buf, d);
  return strchr (buf, '.') != NULL || strchr (buf, 'e') == NULL;
}

/* Every number must be one json-glib can write back (see double_writable)
 * and nesting is bounded. */
static gboolean
tree_check (JsonNode *n, int depth, GError **error)
{
  if (depth > ICE_MAX_JSON_DEPTH)
    return invalid (error, "nested deeper than %d", ICE_MAX_JSON_DEPTH);
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_DOUBLE
      && !double_writable (json_node_get_double (n)))
    return invalid (error, "number out of range");
  if (JSON_NODE_HOLDS_ARRAY (n))
    {
      JsonArray *a = json_node_get_array (n);
      for (guint i = 0; i < json_array_get_length (a); i++)
        if (!tree_check (json_array_get_element (a, i), depth + 1, error))
          return FALSE;
    }
  if (JSON_NODE_HOLDS_OBJECT (n))
    {
      JsonObject *o = json_node_get_object (n);
      g_autoptr (GList) members = json_object_get_members (o);
      for (GList *l = members; l != NULL; l = l->next)
        if (!tree_check (json_object_get_member (o, l->data), depth + 1, error))
          return FALSE;
    }
  return TRUE;
}

gboolean
ice_tree_check (JsonObject *root, GError **error)
{
  g_autoptr (JsonNode) n = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (n, root);
  return tree_check (n, 0, error);
}

MsIcebergMetadata *
ms_iceberg_metadata_from_object (JsonObject *obj, GError **error)
{
  if (!ice_tree_check (obj, error))
    return NULL;
  g_autoptr (JsonObject) root = ice_obj_dup (obj);
  if (!normalise (root, error) || !ice_metadata_validate (root, error))
    return NULL;
  return ice_metadata_wrap (g_steal_pointer (&root));
}

MsIcebergMetadata *
ms_iceberg_metadata_parse (const char *text, gssize len, GError **error)
{
  g_autoptr (JsonObject) obj = ice_text_object (text, len, PARSE_FAILED, error);
  return obj != NULL ? ms_iceberg_metadata_from_object (obj, error) : NULL;
}

/* ---- writing ---- */

/* Iceberg's member order (TableMetadataParser); "schema" and
 * "partition-spec" are written for v1 only, right before the list forms. */
static const char *const known_members[] = {
  "format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms",
  "last-column-id", "schema", "current-schema-id", "schemas", "partition-spec", "default-spec-id",
  "partition-specs", "last-partition-id", "default-sort-order-id", "sort-orders", "properties",
  "current-snapshot-id", "refs", "snapshots", "statistics", "partition-statistics", "snapshot-log",
  "metadata-log", "next-row-id", "encryption-keys", NULL,
};

/* A member of the written document: the model's own node when 'share'
 * (the document is written at once and dropped), else a copy. */
static JsonNode *
member_node (JsonNode *n, gboolean share)
{
  return share ? json_node_ref (n) : ice_node_dup (n);
}

/* The document in Iceberg's member order; with 'share' its members are the
 * model's nodes (nothing is copied; the result must not be changed and
 * must go before the model does). */
static JsonObject *
ordered_object (const MsIcebergMetadata *md, gboolean share)
{
  JsonObject *root = md->root, *out = json_object_new ();
  int fv = ms_iceberg_metadata_format_version (md);
  for (const char *const *k = known_members; *k != NULL; k++)
    {
      const char *name = *k;
      if (strcmp (name, "schema") == 0)
        {
          if (fv == 1)
            {
              JsonObject *schema = ms_iceberg_metadata_current_schema (md);
              json_object_set_object_member (out, name, share ? json_object_ref (schema) : ice_obj_dup (schema));
            }
          continue;
        }
      if (strcmp (name, "partition-spec") == 0)
        {
          JsonObject *spec = ice_find_by_id (ice_get_arr (root, "partition-specs"), "spec-id",
                                             ms_iceberg_metadata_default_spec_id (md), NULL);
          JsonArray *fields = ice_get_arr (spec, "fields");
          if (fv == 1)
            json_object_set_array_member (out, name, fields == NULL ? json_array_new ()
                                                     : share ? json_array_ref (fields) : ice_arr_dup (fields));
          continue;
        }
      if ((strcmp (name, "last-sequence-number") == 0 && fv == 1)
          || (strcmp (name, "next-row-id") == 0 && fv < 3))
        continue;
      JsonArray *keys = strcmp (name, "encryption-keys") == 0 ? ice_get_arr (root, name) : NULL;
      if (keys != NULL && json_array_get_length (keys) == 0)
        continue;
      JsonNode *n = json_object_get_member (root, name);
      if (n != NULL)
        json_object_set_member (out, name, member_node (n, share));
    }
  g_autoptr (GList) members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known_members, l->data))
      json_object_set_member (out, l->data, member_node (json_object_get_member (root, l->data), share));
  return out;
}

JsonObject *
ms_iceberg_metadata_to_object (const MsIcebergMetadata *md)
{
  return ordered_object (md, FALSE);
}

char *
ms_iceberg_metadata_to_json (const MsIcebergMetadata *md, gboolean pretty, gsize *len)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, ordered_object (md, TRUE));
  return ms_json_text (node, pretty, len);
}

/* ---- accessors ---- */

int
ms_iceberg_metadata_format_version (const MsIcebergMetadata *md)
{
  return (int) ice_int_or (md->root, "format-version", 1);
}

const char *
ms_iceberg_metadata_uuid (const MsIcebergMetadata *md)
{
  return ice_get_str (md->root, "table-uuid");
}

const char *
ms_iceberg_metadata_location (const MsIcebergMetadata *md)
{
  return ice_get_str (md->root, "location");
}

gint64
ms_iceberg_metadata_last_updated_ms (const MsIcebergMetadata *md)
{
  return ice_int_or (md->root, "last-updated-ms", 0);
}

gint64
ms_iceberg_metadata_last_sequence_number (const MsIcebergMetadata *md)
{
  return ice_int_or (md->root, "last-sequence-number", 0);
}

int
ms_iceberg_metadata_last_column_id (const MsIcebergMetadata *md)
{
  return (int) ice_int_or (md->root, "last-column-id", 0);
}

int
ms_iceberg_metadata_current_schema_id (const MsIcebergMetadata *md)
{
  return (int) ice_int_or (md->root, "current-schema-id", 0);
}

int
ms_iceberg_metadata_default_spec_id (const MsIcebergMetadata *md)
{
  return (int) ice_int_or (md->root, "default-spec-id", 0);
}

int
ms_iceberg_metadata_last_partition_id (const MsIcebergMetadata *md)
{
  return (int) ice_int_or (md->root, "last-partition-id", 999);
}

int
ms_iceberg_metadata_default_sort_order_id (const MsIcebergMetadata *md)
{
  return (int) ice_int_or (md->root, "default-sort-order-id", 0);
}

gint64
ms_iceberg_metadata_current_snapshot_id (const MsIcebergMetadata *md)
{
  return ice_int_or (md->root, "current-snapshot-id", -1);
}

JsonObject *
ms_iceberg_metadata_properties (const MsIcebergMetadata *md)
{
  return ice_get_obj (md->root, "properties");
}

const char *
ms_iceberg_metadata_property (const MsIcebergMetadata *md, const char *key)
{
  return ice_get_str (ice_get_obj (md->root, "properties"), key);
}

JsonArray *
ms_iceberg_metadata_metadata_log (const MsIcebergMetadata *md)
{
  return ice_get_arr (md->root, "metadata-log");
}

JsonArray *
ms_iceberg_metadata_snapshot_log (const MsIcebergMetadata *md)
{
  return ice_get_arr (md->root, "snapshot-log");
}

JsonObject *
ms_iceberg_metadata_current_schema (const MsIcebergMetadata *md)
{
  return ice_find_by_id (ice_get_arr (md->root, "schemas"), "schema-id",
                         ice_int_or (md->root, "current-schema-id", 0), NULL);
}

JsonObject *
ms_iceberg_metadata_tree (const MsIcebergMetadata *md)
{
  return md->root;
}

gboolean
ms_iceberg_metadata_changed (const MsIcebergMetadata *md)
{
  return md->changed;
}

GPtrArray *
ms_iceberg_metadata_hive_columns (const MsIcebergMetadata *md, GError **error)
{
  return ice_hive_columns (ms_iceberg_metadata_current_schema (md), "Table metadata", error);
}

/* ---- metadata files ---- */

int
ms_iceberg_metadata_file_version (const char *location)
{
  const char *base = location != NULL ? strrchr (location, '/') : NULL;
  base = base != NULL ? base + 1 : location;
  if (base == NULL)
    return -1;
  const char *dash = strchr (base, '-');
  if (dash == NULL || dash == base || dash - base > 9)
    return -1;
  int v = 0;
  for (const char *p = base; p < dash; p++)
    {
      if (*p < '0' || *p > '9')
        return -1;
      v = v * 10 + (*p - '0');
    }
  return v;
}

/* write.metadata.previous-versions-max, at least 1. */
static guint
previous_versions_max (const MsIcebergMetadata *md)
{
  const char *s = ms_iceberg_metadata_property (md, "write.metadata.previous-versions-max");
  gint64 v = MS_ICEBERG_PREVIOUS_VERSIONS_MAX_DEFAULT;
  if (s != NULL && !g_ascii_string_to_signed (s, 10, G_MININT32, G_MAXINT32, &v, NULL))
    v = MS_ICEBERG_PREVIOUS_VERSIONS_MAX_DEFAULT;
  return (guint) MAX (1, v);
}

char *
ice_metadata_file_name (const char *location, const char *dir, const char *previous_location)
{
  int version = previous_location != NULL ? ms_iceberg_metadata_file_version (previous_location) + 1 : 0;
  g_autofree char *uuid = g_uuid_string_random ();
  gboolean own_dir = dir == NULL || *dir == '\0';
  g_autofree char *trimmed = g_strdup (own_dir ? (location != NULL ? location : "") : dir);
  gsize n = strlen (trimmed);
  while (n > 0 && trimmed[n - 1] == '/')
    trimmed[--n] = '\0';
  return g_strdup_printf ("%s%s/%05d-%s.metadata.json", trimmed, own_dir ? "/metadata" : "", version,
                          uuid);
}

char *
ms_iceberg_metadata_next_file (MsIcebergMetadata *md, const char *previous_location)
{
  JsonArray *log = ms_iceberg_metadata_metadata_log (md);
  if (previous_location != NULL && log != NULL)
    {
      JsonObject *e = json_object_new ();
      json_object_set_int_member (e, "timestamp-ms", md->base_updated_ms);
      json_object_set_string_member (e, "metadata-file", previous_location);
      json_array_add_object_element (log, e);
      guint max = previous_versions_max (md);
      while (json_array_get_length (log) > max)
        json_array_remove_element (log, 0);
    }
  md->base_updated_ms = ms_iceberg_metadata_last_updated_ms (md);

  return ice_metadata_file_name (ms_iceberg_metadata_location (md),
                                 ms_iceberg_metadata_property (md, "write.metadata.path"),
                                 previous_location);
}
