/*
 * metadata_updates.c: the TableUpdate actions of a commit
 * (ms_iceberg_metadata_apply_updates) and the all-or-nothing commit
 * (ms_iceberg_metadata_commit), following Iceberg's TableMetadata.Builder:
 *  - add-schema / add-spec / add-sort-order reuse the id of an identical
 *    existing one, else take the highest id + 1; "-1" in the matching set-
 *    action means the one added earlier in the same commit;
 *  - add-snapshot moves last-sequence-number (v2+: a snapshot with a parent
 *    must have a newer sequence number) and last-updated-ms to the
 *    snapshot's, and on v3 assigns row ids (first-row-id >= next-row-id,
 *    next-row-id += added-rows);
 *  - set-snapshot-ref on "main" moves current-snapshot-id and appends to the
 *    snapshot-log; removing snapshots drops their refs and statistics, and
 *    the snapshot-log loses every entry up to the last one that names a
 *    removed snapshot; snapshots made current and replaced within one
 *    commit are left out of the log;
 *  - last-updated-ms ends as the last added snapshot's timestamp, or now.
 * Refusals are MS_ERROR_INVALID_INPUT with Iceberg's message where it has one.
 */
#include "iceberg/metadata_internal.h"
#include <string.h>

typedef struct {
  MsIcebergMetadata *md;
  JsonObject *root;
  gint64 added_schema, added_spec, added_order; /* -1: none added yet */
  gint64 last_updated_ms;      /* 0: no snapshot added */
  GArray *added_snapshots;     /* gint64 ids added in this commit */
  GArray *main_added;          /* added snapshots made current (main) */
  gboolean removed_snapshots;
} Ctx;

typedef gboolean (*UpdateFn) (Ctx *c, JsonObject *u, const char *action, GError **error);

static gboolean
refuse (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "%s", msg);
}

static gboolean
need_int (JsonObject *u, const char *name, const char *action, gint64 *out, GError **error)
{
  return ice_get_int (u, name, out) || refuse (error, "Invalid %s update: missing or invalid %s", action, name);
}

static const char *
need_str (JsonObject *u, const char *name, const char *action, GError **error)
{
  const char *s = ice_get_str (u, name);
  if (s == NULL)
    refuse (error, "Invalid %s update: missing or invalid %s", action, name);
  return s;
}

static JsonObject *
need_obj (JsonObject *u, const char *name, const char *action, GError **error)
{
  JsonObject *o = ice_get_obj (u, name);
  if (o == NULL)
    refuse (error, "Invalid %s update: missing or invalid %s", action, name);
  return o;
}

static JsonArray *
need_arr (JsonObject *u, const char *name, const char *action, GError **error)
{
  JsonArray *a = ice_get_arr (u, name);
  if (a == NULL)
    refuse (error, "Invalid %s update: missing or invalid %s", action, name);
  return a;
}

static int
fv (Ctx *c)
{
  return (int) ice_int_or (c->root, "format-version", 1);
}

static gboolean
contains_id (GArray *ids, gint64 id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

/* The highest integer 'key' of the objects in 'a', or 'floor'. */
static gint64
max_id (JsonArray *a, const char *key, gint64 floor)
{
  gint64 m = floor;
  for (guint i = 0; i < json_array_get_length (a); i++)
    m = MAX (m, ice_int_or (ice_elem_obj (a, i), key, floor));
  return m;
}

static gboolean
same_member (JsonObject *a, JsonObject *b, const char *name)
{
  JsonNode *x = json_object_get_member (a, name), *y = json_object_get_member (b, name);
  if (x == NULL || y == NULL)
    return x == y;
  return json_node_equal (x, y);
}

/* ---- format and identity ---- */

static gboolean
assign_uuid (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  const char *uuid = need_str (u, "uuid", action, error);
  const char *have = ice_get_str (c->root, "table-uuid");
  if (uuid == NULL)
    return FALSE;
  if (have != NULL && g_ascii_strcasecmp (have, uuid) == 0)
    return TRUE;
  if (have != NULL)
    return refuse (error, "Cannot reassign uuid");
  json_object_set_string_member (c->root, "table-uuid", uuid);
  return TRUE;
}

static gboolean
upgrade_format_version (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  gint64 v;
  if (!need_int (u, "format-version", action, &v, error))
    return FALSE;
  if (v > MS_ICEBERG_MAX_FORMAT_VERSION || v < 1)
    return refuse (error, "Cannot upgrade table to unsupported format version: v%" G_GINT64_FORMAT " (supported: v%d)",
                   v, MS_ICEBERG_MAX_FORMAT_VERSION);
  if (v < fv (c))
    return refuse (error, "Cannot downgrade v%d table to v%" G_GINT64_FORMAT, fv (c), v);
  if (v >= 3 && ice_absent (c->root, "next-row-id"))
    json_object_set_int_member (c->root, "next-row-id", 0);
  json_object_set_int_member (c->root, "format-version", v);
  return TRUE;
}

static gboolean
set_location (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  const char *loc = need_str (u, "location", action, error);
  if (loc == NULL)
    return FALSE;
  json_object_set_string_member (c->root, "location", loc);
  return TRUE;
}

/* ---- schemas ---- */

static gboolean
add_schema (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *schema = need_obj (u, "schema", action, error);
  if (schema == NULL || !ice_schema_check (schema, error))
    return FALSE;
  gint64 last = ice_int_or (c->root, "last-column-id", 0), new_last;
  if (ice_absent (u, "last-column-id"))
    new_last = MAX (last, ice_schema_max_id (schema));
  else if (!need_int (u, "last-column-id", action, &new_last, error))
    return FALSE;
  if (new_last < last)
    return refuse (error, "Invalid last column ID: %" G_GINT64_FORMAT " < %" G_GINT64_FORMAT " (previous last column ID)",
                   new_last, last);
  json_object_set_int_member (c->root, "last-column-id", new_last);

  JsonArray *schemas = ice_get_arr (c->root, "schemas");
  gint64 id = MAX (ice_int_or (c->root, "current-schema-id", 0), 0);
  for (guint i = 0; i < json_array_get_length (schemas); i++)
    {
      JsonObject *s = ice_elem_obj (schemas, i);
      if (same_member (s, schema, "fields") && same_member (s, schema, "identifier-field-ids"))
        {
          c->added_schema = ice_int_or (s, "schema-id", 0);
          return TRUE;
        }
      id = MAX (id, ice_int_or (s, "schema-id", 0) + 1);
    }
  JsonObject *copy = ice_obj_dup (schema);
  json_object_set_string_member (copy, "type", "struct");
  json_object_set_int_member (copy, "schema-id", id);
  json_array_add_object_element (schemas, copy);
  c->added_schema = id;
  return TRUE;
}

/* The id an -1 set-action means; FALSE when nothing was added. */
static gboolean
resolve_last (gint64 *id, gint64 added, const char *what, GError **error)
{
  if (*id != -1)
    return TRUE;
  if (added < 0)
    return refuse (error, "Cannot set last added %s: no %s has been added", what, what);
  *id = added;
  return TRUE;
}

static gboolean
set_current_schema (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  gint64 id;
  if (!need_int (u, "schema-id", action, &id, error) || !resolve_last (&id, c->added_schema, "schema", error))
    return FALSE;
  if (ice_find_by_id (ice_get_arr (c->root, "schemas"), "schema-id", id, NULL) == NULL)
    return refuse (error, "Cannot set current schema to unknown schema: %" G_GINT64_FORMAT, id);
  json_object_set_int_member (c->root, "current-schema-id", id);
  return TRUE;
}

/* ---- partition specs ---- */

/* Same partition fields, field ids aside (Iceberg's compatibleWith). */
static gboolean
same_spec_fields (JsonArray *a, JsonArray *b)
{
  if (json_array_get_length (a) != json_array_get_length (b))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *x = ice_elem_obj (a, i), *y = ice_elem_obj (b, i);
      if (x == NULL || y == NULL || ice_int_or (x, "source-id", -1) != ice_int_or (y, "source-id", -2)
          || g_strcmp0 (ice_get_str (x, "transform"), ice_get_str (y, "transform")) != 0
          || g_strcmp0 (ice_get_str (x, "name"), ice_get_str (y, "name")) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_spec (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *spec = need_obj (u, "spec", action, error);
  JsonArray *fields = spec != NULL ? need_arr (spec, "fields", action, error) : NULL;
  if (fields == NULL)
    return FALSE;
  gint64 last = ice_int_or (c->root, "last-partition-id", 999);
  JsonArray *nf = json_array_new ();
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = ice_elem_obj (fields, i);
      gint64 src, fid;
      if (f == NULL || !ice_get_int (f, "source-id", &src) || ice_get_str (f, "transform") == NULL
          || ice_get_str (f, "name") == NULL || (!ice_absent (f, "field-id") && !ice_get_int (f, "field-id", &fid)))
        {
          json_array_unref (nf);
          return refuse (error, "Invalid %s update: partition fields need source-id, transform and name", action);
        }
      JsonObject *copy = ice_obj_dup (f);
      if (ice_absent (f, "field-id"))
        json_object_set_int_member (copy, "field-id", ++last);
      json_array_add_object_element (nf, copy);
    }
  json_object_set_int_member (c->root, "last-partition-id", MAX (last, max_id (nf, "field-id", last)));

  JsonArray *specs = ice_get_arr (c->root, "partition-specs");
  gint64 id = 0;
  for (guint i = 0; i < json_array_get_length (specs); i++)
    {
      JsonObject *s = ice_elem_obj (specs, i);
      if (same_spec_fields (ice_get_arr (s, "fields"), nf))
        {
          json_array_unref (nf);
          c->added_spec = ice_int_or (s, "spec-id", 0);
          return TRUE;
        }
      id = MAX (id, ice_int_or (s, "spec-id", 0) + 1);
    }
  JsonObject *ns = json_object_new ();
  json_object_set_int_member (ns, "spec-id", id);
  json_object_set_array_member (ns, "fields", nf);
  json_array_add_object_element (specs, ns);
  c->added_spec = id;
  return TRUE;
}

static gboolean
set_default_spec (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  gint64 id;
  if (!need_int (u, "spec-id", action, &id, error) || !resolve_last (&id, c->added_spec, "spec", error))
    return FALSE;
  if (ice_find_by_id (ice_get_arr (c->root, "partition-specs"), "spec-id", id, NULL) == NULL)
    return refuse (error, "Cannot set default partition spec to unknown spec: %" G_GINT64_FORMAT, id);
  json_object_set_int_member (c->root, "default-spec-id", id);
  return TRUE;
}

static gboolean
remove_specs (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonArray *ids = need_arr (u, "spec-ids", action, error);
  if (ids == NULL)
    return FALSE;
  JsonArray *specs = ice_get_arr (c->root, "partition-specs");
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      gint64 id;
      guint at;
      if (!ice_elem_int (ids, i, &id))
        return refuse (error, "Invalid %s update: spec-ids holds a non-integer", action);
      if (id == ice_int_or (c->root, "default-spec-id", 0))
        return refuse (error, "Cannot remove the default partition spec");
      if (ice_find_by_id (specs, "spec-id", id, &at) != NULL)
        json_array_remove_element (specs, at);
    }
  return TRUE;
}

static gboolean
remove_schemas (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonArray *ids = need_arr (u, "schema-ids", action, error);
  if (ids == NULL)
    return FALSE;
  JsonArray *schemas = ice_get_arr (c->root, "schemas");
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      gint64 id;
      guint at;
      if (!ice_elem_int (ids, i, &id))
        return refuse (error, "Invalid %s update: schema-ids holds a non-integer", action);
      if (id == ice_int_or (c->root, "current-schema-id", 0))
        return refuse (error, "Cannot remove current schema: %" G_GINT64_FORMAT, id);
      if (ice_find_by_id (schemas, "schema-id", id, &at) != NULL)
        json_array_remove_element (schemas, at);
    }
  return TRUE;
}

/* ---- sort orders ---- */

static gboolean
add_sort_order (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *order = need_obj (u, "sort-order", action, error);
  JsonArray *fields = order != NULL ? need_arr (order, "fields", action, error) : NULL;
  if (fields == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = ice_elem_obj (fields, i);
      const char *dir = ice_get_str (f, "direction"), *nulls = ice_get_str (f, "null-order");
      gint64 src;
      if (f == NULL || !ice_get_int (f, "source-id", &src) || ice_get_str (f, "transform") == NULL
          || dir == NULL || nulls == NULL || (strcmp (dir, "asc") != 0 && strcmp (dir, "desc") != 0)
          || (strcmp (nulls, "nulls-first") != 0 && strcmp (nulls, "nulls-last") != 0))
        return refuse (error, "Invalid %s update: sort fields need source-id, transform, direction and null-order",
                       action);
    }
  JsonArray *orders = ice_get_arr (c->root, "sort-orders");
  gboolean unsorted = json_array_get_length (fields) == 0;
  gint64 id = unsorted ? 0 : 1;
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *o = ice_elem_obj (orders, i);
      if (same_member (o, order, "fields"))
        {
          c->added_order = ice_int_or (o, "order-id", 0);
          return TRUE;
        }
      if (!unsorted)
        id = MAX (id, ice_int_or (o, "order-id", 0) + 1);
    }
  JsonObject *copy = json_object_new ();
  json_object_set_int_member (copy, "order-id", id);
  json_object_set_array_member (copy, "fields", ice_arr_dup (fields));
  json_array_add_object_element (orders, copy);
  c->added_order = id;
  return TRUE;
}

static gboolean
set_default_sort_order (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  gint64 id;
  if (!need_int (u, "sort-order-id", action, &id, error) || !resolve_last (&id, c->added_order, "sort order", error))
    return FALSE;
  if (ice_find_by_id (ice_get_arr (c->root, "sort-orders"), "order-id", id, NULL) == NULL)
    return refuse (error, "Cannot set default sort order to unknown order: %" G_GINT64_FORMAT, id);
  json_object_set_int_member (c->root, "default-sort-order-id", id);
  return TRUE;
}

/* ---- snapshots and refs ---- */

static gboolean
add_snapshot (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *snap = need_obj (u, "snapshot", action, error);
  gint64 id, ts, seq = 0, parent;
  if (snap == NULL || !need_int (snap, "snapshot-id", action, &id, error)
      || !need_int (snap, "timestamp-ms", action, &ts, error) || need_str (snap, "manifest-list", action, error) == NULL)
    return FALSE;
  JsonObject *summary = ice_get_obj (snap, "summary");
  if ((!ice_absent (snap, "summary") && summary == NULL)
      || (summary != NULL && ice_get_str (summary, "operation") == NULL))
    return refuse (error, "Invalid %s update: summary must be an object with an operation", action);
  if (!ice_absent (snap, "sequence-number") && !need_int (snap, "sequence-number", action, &seq, error))
    return FALSE;
  JsonArray *snapshots = ice_get_arr (c->root, "snapshots");
  if (ice_find_by_id (snapshots, "snapshot-id", id, NULL) != NULL)
    return refuse (error, "Snapshot already exists for id: %" G_GINT64_FORMAT, id);
  gint64 last_seq = ice_int_or (c->root, "last-sequence-number", 0);
  gboolean has_parent = ice_get_int (snap, "parent-snapshot-id", &parent);
  if (fv (c) > 1 && has_parent && seq <= last_seq)
    return refuse (error, "Cannot add snapshot with sequence number %" G_GINT64_FORMAT
                   " older than last sequence number %" G_GINT64_FORMAT, seq, last_seq);
  if (fv (c) >= 3)
    {
      gint64 first, added, next = ice_int_or (c->root, "next-row-id", 0);
      if (!ice_get_int (snap, "first-row-id", &first))
        return refuse (error, "Cannot add a snapshot: first-row-id is null");
      if (!ice_get_int (snap, "added-rows", &added) || added < 0)
        return refuse (error, "Cannot add a snapshot: added-rows is null");
      if (first < next)
        return refuse (error, "Cannot add a snapshot, first-row-id is behind table next-row-id: %"
                       G_GINT64_FORMAT " < %" G_GINT64_FORMAT, first, next);
      if (next > G_MAXINT64 - added)
        return refuse (error, "Cannot add a snapshot: next-row-id overflows");
      json_object_set_int_member (c->root, "next-row-id", next + added);
    }
  json_array_add_object_element (snapshots, ice_obj_dup (snap));
  json_object_set_int_member (c->root, "last-sequence-number", seq);
  c->last_updated_ms = ts;
  g_array_append_val (c->added_snapshots, id);
  return TRUE;
}

static gboolean
set_snapshot_ref (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  const char *name = need_str (u, "ref-name", action, error);
  const char *type = name != NULL ? need_str (u, "type", action, error) : NULL;
  gint64 id, v;
  if (type == NULL || !need_int (u, "snapshot-id", action, &id, error))
    return FALSE;
  gboolean branch = strcmp (type, "branch") == 0;
  if (!branch && strcmp (type, "tag") != 0)
    return refuse (error, "Invalid %s update: type must be branch or tag", action);
  JsonObject *snap = ice_find_by_id (ice_get_arr (c->root, "snapshots"), "snapshot-id", id, NULL);
  if (snap == NULL)
    return refuse (error, "Cannot set %s to unknown snapshot: %" G_GINT64_FORMAT, name, id);
  g_autoptr (JsonObject) ref = json_object_new ();
  json_object_set_int_member (ref, "snapshot-id", id);
  json_object_set_string_member (ref, "type", type);
  for (const char *m = "max-ref-age-ms\0max-snapshot-age-ms\0min-snapshots-to-keep\0"; *m != '\0'; m += strlen (m) + 1)
    {
      if (ice_absent (u, m))
        continue;
      if (!need_int (u, m, action, &v, error))
        return FALSE;
      if (!branch && strcmp (m, "max-ref-age-ms") != 0)
        return refuse (error, "Tags do not support setting %s", m);
      json_object_set_int_member (ref, m, v);
    }
  JsonObject *refs = ice_get_obj (c->root, "refs");
  JsonObject *old = ice_get_obj (refs, name);
  if (old != NULL)
    {
      g_autoptr (JsonNode) a = json_node_new (JSON_NODE_OBJECT), b = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (a, old);
      json_node_set_object (b, ref);
      if (json_node_equal (a, b))
        return TRUE;
    }
  json_object_set_object_member (refs, name, g_steal_pointer (&ref));
  if (contains_id (c->added_snapshots, id))
    c->last_updated_ms = ice_int_or (snap, "timestamp-ms", 0);
  if (strcmp (name, "main") == 0)
    {
      json_object_set_int_member (c->root, "current-snapshot-id", id);
      if (c->last_updated_ms == 0)
        c->last_updated_ms = ice_now_ms ();
      JsonObject *e = json_object_new ();
      json_object_set_int_member (e, "timestamp-ms", c->last_updated_ms);
      json_object_set_int_member (e, "snapshot-id", id);
      json_array_add_object_element (ice_get_arr (c->root, "snapshot-log"), e);
      if (contains_id (c->added_snapshots, id))
        g_array_append_val (c->main_added, id);
    }
  return TRUE;
}

static void
remove_ref (Ctx *c, const char *name)
{
  JsonObject *refs = ice_get_obj (c->root, "refs");
  if (!json_object_has_member (refs, name))
    return;
  if (strcmp (name, "main") == 0)
    json_object_set_int_member (c->root, "current-snapshot-id", -1);
  json_object_remove_member (refs, name);
}

static gboolean
remove_snapshot_ref (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  const char *name = need_str (u, "ref-name", action, error);
  if (name == NULL)
    return FALSE;
  remove_ref (c, name);
  return TRUE;
}

/* Removes the objects of array member 'name' whose snapshot-id is 'id'. */
static void
remove_by_snapshot (Ctx *c, const char *name, gint64 id)
{
  JsonArray *a = ice_get_arr (c->root, name);
  guint at;
  while (a != NULL && ice_find_by_id (a, "snapshot-id", id, &at) != NULL)
    json_array_remove_element (a, at);
}

static gboolean
remove_snapshots (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonArray *ids = need_arr (u, "snapshot-ids", action, error);
  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      gint64 id;
      if (!ice_elem_int (ids, i, &id))
        return refuse (error, "Invalid %s update: snapshot-ids holds a non-integer", action);
      remove_by_snapshot (c, "snapshots", id);
      remove_by_snapshot (c, "statistics", id);
      remove_by_snapshot (c, "partition-statistics", id);
    }
  /* refs left pointing at nothing go too */
  JsonObject *refs = ice_get_obj (c->root, "refs");
  g_autoptr (GList) names = json_object_get_members (refs);
  for (GList *l = names; l != NULL; l = l->next)
    if (ice_find_by_id (ice_get_arr (c->root, "snapshots"), "snapshot-id",
                        ice_int_or (ice_get_obj (refs, l->data), "snapshot-id", -1), NULL) == NULL)
      remove_ref (c, l->data);
  c->removed_snapshots = TRUE;
  return TRUE;
}

/* ---- properties ---- */

static gboolean
set_properties (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *updates = need_obj (u, "updates", action, error);
  if (updates == NULL)
    return FALSE;
  JsonObject *props = ice_get_obj (c->root, "properties");
  g_autoptr (GList) keys = json_object_get_members (updates);
  for (GList *l = keys; l != NULL; l = l->next)
    if (ice_get_str (updates, l->data) == NULL)
      return refuse (error, "Invalid %s update: the value of '%s' is not a string", action, (char *) l->data);
  for (GList *l = keys; l != NULL; l = l->next)
    json_object_set_string_member (props, l->data, ice_get_str (updates, l->data));
  return TRUE;
}

static gboolean
remove_properties (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonArray *removals = need_arr (u, "removals", action, error);
  if (removals == NULL)
    return FALSE;
  JsonObject *props = ice_get_obj (c->root, "properties");
  for (guint i = 0; i < json_array_get_length (removals); i++)
    {
      JsonNode *n = json_array_get_element (removals, i);
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        return refuse (error, "Invalid %s update: removals holds a non-string", action);
      if (json_object_has_member (props, json_node_get_string (n)))
        json_object_remove_member (props, json_node_get_string (n));
    }
  return TRUE;
}

/* ---- statistics and encryption keys ---- */

/* Replaces the element of array member 'name' with the same integer/string
 * 'key' as 'item' (a copy is stored), or appends it. */
static void
put_keyed (Ctx *c, const char *name, const char *key, JsonObject *item)
{
  if (ice_absent (c->root, name))
    json_object_set_array_member (c->root, name, json_array_new ());
  JsonArray *a = ice_get_arr (c->root, name);
  for (guint i = 0; i < json_array_get_length (a); i++)
    if (same_member (ice_elem_obj (a, i), item, key))
      {
        json_array_remove_element (a, i);
        break;
      }
  json_array_add_object_element (a, ice_obj_dup (item));
}

static gboolean
set_statistics (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *st = need_obj (u, "statistics", action, error);
  gint64 v;
  if (st == NULL || !need_int (st, "snapshot-id", action, &v, error)
      || need_str (st, "statistics-path", action, error) == NULL
      || !need_int (st, "file-size-in-bytes", action, &v, error)
      || !need_int (st, "file-footer-size-in-bytes", action, &v, error)
      || need_arr (st, "blob-metadata", action, error) == NULL)
    return FALSE;
  put_keyed (c, "statistics", "snapshot-id", st);
  return TRUE;
}

static gboolean
set_partition_statistics (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *st = need_obj (u, "partition-statistics", action, error);
  gint64 v;
  if (st == NULL || !need_int (st, "snapshot-id", action, &v, error)
      || need_str (st, "statistics-path", action, error) == NULL
      || !need_int (st, "file-size-in-bytes", action, &v, error))
    return FALSE;
  put_keyed (c, "partition-statistics", "snapshot-id", st);
  return TRUE;
}

static gboolean
remove_statistics (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  gint64 id;
  if (!need_int (u, "snapshot-id", action, &id, error))
    return FALSE;
  remove_by_snapshot (c, strcmp (action, "remove-statistics") == 0 ? "statistics" : "partition-statistics", id);
  return TRUE;
}

static gboolean
add_encryption_key (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *key = need_obj (u, "encryption-key", action, error);
  if (key == NULL || need_str (key, "key-id", action, error) == NULL
      || need_str (key, "encrypted-key-metadata", action, error) == NULL)
    return FALSE;
  put_keyed (c, "encryption-keys", "key-id", key);
  return TRUE;
}

static gboolean
remove_encryption_key (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  const char *id = need_str (u, "key-id", action, error);
  if (id == NULL)
    return FALSE;
  JsonArray *a = ice_get_arr (c->root, "encryption-keys");
  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    if (g_strcmp0 (ice_get_str (ice_elem_obj (a, i), "key-id"), id) == 0)
      {
        json_array_remove_element (a, i);
        break;
      }
  return TRUE;
}

/* ---- dispatch ---- */

static const struct {
  const char *action;
  UpdateFn fn;                 /* NULL: a view update */
} actions[] = {
  { "assign-uuid", assign_uuid },
  { "upgrade-format-version", upgrade_format_version },
  { "add-schema", add_schema },
  { "set-current-schema", set_current_schema },
  { "add-spec", add_spec },
  { "set-default-spec", set_default_spec },
  { "add-sort-order", add_sort_order },
  { "set-default-sort-order", set_default_sort_order },
  { "add-snapshot", add_snapshot },
  { "set-snapshot-ref", set_snapshot_ref },
  { "remove-snapshots", remove_snapshots },
  { "remove-snapshot-ref", remove_snapshot_ref },
  { "set-location", set_location },
  { "set-properties", set_properties },
  { "remove-properties", remove_properties },
  { "set-statistics", set_statistics },
  { "remove-statistics", remove_statistics },
  { "set-partition-statistics", set_partition_statistics },
  { "remove-partition-statistics", remove_statistics },
  { "remove-partition-specs", remove_specs },
  { "remove-schemas", remove_schemas },
  { "add-encryption-key", add_encryption_key },
  { "remove-encryption-key", remove_encryption_key },
  { "add-view-version", NULL },
  { "set-current-view-version", NULL },
};

/* The handler of update 'u'; NULL with the error for unknown or view actions. */
static UpdateFn
lookup (JsonObject *u, const char **action, GError **error)
{
  *action = ice_get_str (u, "action");
  if (*action == NULL)
    return refuse (error, "Invalid update: an object with a string action"), NULL;
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (strcmp (actions[i].action, *action) == 0)
      {
        if (actions[i].fn == NULL)
          refuse (error, "Cannot apply update %s to a table", *action);
        return actions[i].fn;
      }
  return refuse (error, "Unknown update action: %s", *action), NULL;
}

gboolean
ms_iceberg_updates_check_actions (JsonArray *updates, GError **error)
{
  const char *action;
  for (guint i = 0; updates != NULL && i < json_array_get_length (updates); i++)
    if (lookup (ice_elem_obj (updates, i), &action, error) == NULL)
      return FALSE;
  return TRUE;
}

/* Drops snapshot-log entries of snapshots that are gone (and everything
 * before them: the history would have a gap) or that were current only
 * in passing within this commit. */
static void
rebuild_snapshot_log (Ctx *c)
{
  gint64 current = ice_int_or (c->root, "current-snapshot-id", -1);
  gboolean intermediate = FALSE;
  for (guint i = 0; i < c->main_added->len; i++)
    intermediate |= g_array_index (c->main_added, gint64, i) != current;
  if (!intermediate && !c->removed_snapshots)
    return;
  JsonArray *log = ice_get_arr (c->root, "snapshot-log"), *kept = json_array_new ();
  JsonArray *snapshots = ice_get_arr (c->root, "snapshots");
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *e = ice_elem_obj (log, i);
      gint64 id = ice_int_or (e, "snapshot-id", -1);
      if (ice_find_by_id (snapshots, "snapshot-id", id, NULL) == NULL)
        {
          json_array_unref (kept);
          kept = json_array_new ();
        }
      else if (id == current || !contains_id (c->main_added, id))
        json_array_add_element (kept, ice_node_dup (json_array_get_element (log, i)));
    }
  json_object_set_array_member (c->root, "snapshot-log", kept);
}

gboolean
ms_iceberg_metadata_apply_updates (MsIcebergMetadata *md, JsonArray *updates, GError **error)
{
  g_autoptr (GArray) added = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) main_added = g_array_new (FALSE, FALSE, sizeof (gint64));
  Ctx c = { md, md->root, -1, -1, -1, 0, added, main_added, FALSE };
  guint n = updates != NULL ? json_array_get_length (updates) : 0;
  if (!ms_iceberg_updates_check_actions (updates, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *u = ice_elem_obj (updates, i);
      const char *action;
      UpdateFn fn = lookup (u, &action, error);
      if (fn == NULL || !fn (&c, u, action, error))
        return FALSE;
    }
  if (n == 0)
    return TRUE;
  rebuild_snapshot_log (&c);
  json_object_set_int_member (md->root, "last-updated-ms", c.last_updated_ms != 0 ? c.last_updated_ms : ice_now_ms ());
  md->changed = TRUE;
  return TRUE;
}

/* Metadata with nothing in it, for a commit creating the table: the format
 * version is the first upgrade-format-version's, else the default. */
static MsIcebergMetadata *
empty_metadata (JsonArray *updates)
{
  gint64 v = MS_ICEBERG_DEFAULT_FORMAT_VERSION;
  for (guint i = 0; updates != NULL && i < json_array_get_length (updates); i++)
    {
      JsonObject *u = ice_elem_obj (updates, i);
      if (g_strcmp0 (ice_get_str (u, "action"), "upgrade-format-version") == 0
          && ice_get_int (u, "format-version", &v))
        break;
    }
  v = CLAMP (v, 1, MS_ICEBERG_MAX_FORMAT_VERSION);
  JsonObject *root = json_object_new ();
  json_object_set_int_member (root, "format-version", v);
  json_object_set_string_member (root, "location", "");
  json_object_set_int_member (root, "last-sequence-number", 0);
  json_object_set_int_member (root, "last-updated-ms", 0);
  json_object_set_int_member (root, "last-column-id", 0);
  json_object_set_int_member (root, "current-schema-id", -1);
  json_object_set_array_member (root, "schemas", json_array_new ());
  json_object_set_int_member (root, "default-spec-id", -1);
  json_object_set_array_member (root, "partition-specs", json_array_new ());
  json_object_set_int_member (root, "last-partition-id", 999);
  json_object_set_int_member (root, "default-sort-order-id", -1);
  json_object_set_array_member (root, "sort-orders", json_array_new ());
  json_object_set_object_member (root, "properties", json_object_new ());
  json_object_set_int_member (root, "current-snapshot-id", -1);
  json_object_set_object_member (root, "refs", json_object_new ());
  for (const char *m = "snapshots\0statistics\0partition-statistics\0snapshot-log\0metadata-log\0"; *m != '\0';
       m += strlen (m) + 1)
    json_object_set_array_member (root, m, json_array_new ());
  if (v >= 3)
    json_object_set_int_member (root, "next-row-id", 0);
  return ice_metadata_wrap (root);
}

MsIcebergMetadata *
ms_iceberg_metadata_commit (const MsIcebergMetadata *base, JsonArray *requirements, JsonArray *updates,
                            GError **error)
{
  if (!ms_iceberg_updates_check_actions (updates, error)
      || !ms_iceberg_requirements_check (base, requirements, error))
    return NULL;
  g_autoptr (MsIcebergMetadata) md = base != NULL ? ms_iceberg_metadata_copy (base) : empty_metadata (updates);
  md->changed = FALSE;
  md->base_updated_ms = base != NULL ? ms_iceberg_metadata_last_updated_ms (base) : 0;
  if (!ms_iceberg_metadata_apply_updates (md, updates, error))
    return NULL;
  if (ice_get_str (md->root, "table-uuid") == NULL)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      json_object_set_string_member (md->root, "table-uuid", uuid);
    }
  if (!ice_metadata_validate (md->root, error) || !ice_tree_check (md->root, error))
    return NULL;
  return g_steal_pointer (&md);
}
