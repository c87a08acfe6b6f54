/*
 * metadata_updates.c: the TableUpdate actions of a commit
 * (ms_iceberg_metadata_apply_updates) and the all-or-nothing commit
 * (ms_iceberg_metadata_commit), following Iceberg 1.11's
 * TableMetadata.Builder:
 *  - every action records a change only when it changes something (the
 *    same uuid, format version, location, current schema, default spec or
 *    sort order, an identical schema/spec/sort order, empty property maps,
 *    removals of absent statistics, refs or keys, an unchanged ref: none);
 *    a commit without changes leaves the metadata as it was (no new file);
 *  - add-schema / add-spec / add-sort-order reuse the id of an identical
 *    existing one (no change, no new ids), else take the highest id + 1;
 *    "-1" in the matching set-action means the one added earlier in the
 *    same commit; specs and sort orders are bound to the current schema
 *    (metadata_bind.c);
 *  - add-snapshot moves last-sequence-number (v2+: a snapshot with a parent
 *    must have a newer sequence number) and on v3 assigns row ids
 *    (first-row-id >= next-row-id, next-row-id += added-rows); a stale
 *    sequence number or first-row-id is a retryable conflict;
 *  - set-snapshot-ref on "main" (a branch, never a tag) moves
 *    current-snapshot-id and appends to the snapshot-log at the snapshot's
 *    own timestamp when it was added in this commit, else at the commit
 *    time; removing snapshots drops their refs and statistics, and the
 *    snapshot-log loses every entry up to the last one that names a removed
 *    snapshot; snapshots made current and replaced within one commit are
 *    left out of the log;
 *  - last-updated-ms is the commit time when anything changed.
 * Refusals are MS_ERROR_INVALID_INPUT with Iceberg's message where it has
 * one; Iceberg's RetryableValidationException is MS_ERROR_CONFLICT
 * "Validation failed, please retry: ..." as its REST CatalogHandlers sends it.
 */
#include "iceberg/metadata_internal.h"
#include <string.h>

typedef struct {
  MsIcebergMetadata *md;
  JsonObject *root;
  gint64 now;                  /* the commit time */
  /* Java's lastAdded{Schema,Spec,Order}Id: what "-1" means; -1: none */
  gint64 added_schema, added_spec, added_order;
  GArray *new_schemas, *new_specs, *new_orders; /* gint64 ids added in this commit */
  GArray *added_snapshots;     /* gint64 ids added in this commit */
  GArray *main_added;          /* added snapshots made current (main) */
  gboolean removed_snapshots;  /* a snapshot was removed */
  guint changes;               /* changes recorded (Java's builder "changes") */
} Ctx;

typedef gboolean (*UpdateFn) (Ctx *c, JsonObject *u, const char *action, GError **error);

/* Iceberg's RetryableValidationException as its REST handler reports it. */
#define retry_later(error, ...) \
  ms_fail_prefixed ((error), MS_ERROR_CONFLICT, "Validation failed, please retry", __VA_ARGS__)

static gboolean
need_int (JsonObject *u, const char *name, const char *action, gint64 *out, GError **error)
{
  return ice_get_int (u, name, out) || ice_refuse (error, "Invalid %s update: missing or invalid %s", action, name);
}

static const char *
need_str (JsonObject *u, const char *name, const char *action, GError **error)
{
  const char *s = ice_get_str (u, name);
  if (s == NULL)
    ice_refuse (error, "Invalid %s update: missing or invalid %s", action, name);
  return s;
}

static JsonObject *
need_obj (JsonObject *u, const char *name, const char *action, GError **error)
{
  JsonObject *o = ice_get_obj (u, name);
  if (o == NULL)
    ice_refuse (error, "Invalid %s update: missing or invalid %s", action, name);
  return o;
}

static JsonArray *
need_arr (JsonObject *u, const char *name, const char *action, GError **error)
{
  JsonArray *a = ice_get_arr (u, name);
  if (a == NULL)
    ice_refuse (error, "Invalid %s update: missing or invalid %s", action, name);
  return a;
}

static int
fv (Ctx *c)
{
  return (int) ice_int_or (c->root, "format-version", 1);
}

static void
add_id (GArray *ids, gint64 id)
{
  g_array_append_val (ids, id);
}

/* The table's current schema, NULL while it has none (create transactions). */
static JsonObject *
current_schema (Ctx *c)
{
  return ice_find_by_id (ice_get_arr (c->root, "schemas"), "schema-id",
                         ice_int_or (c->root, "current-schema-id", -1), NULL);
}

/* Java's bookkeeping when an add- action finds an existing one with id
 * 'found': it stays "the last added" only when 'last' (what -1 meant so
 * far) was added in this commit. */
static gint64
reused (GArray *new_ids, gint64 last, gint64 found)
{
  return last >= 0 && ice_ids_contain (new_ids, last) ? found : -1;
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
  /* Java's assignUUID takes any new uuid (compared case-sensitively) */
  if (g_strcmp0 (have, uuid) == 0)
    return TRUE;
  json_object_set_string_member (c->root, "table-uuid", uuid);
  c->changes++;
  return TRUE;
}

static gboolean
upgrade_format_version (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  gint64 v;
  if (!need_int (u, "format-version", action, &v, error))
    return FALSE;
  if (v > MS_ICEBERG_MAX_FORMAT_VERSION || v < 1)
    return ice_refuse_arg (error, "Cannot upgrade table to unsupported format version: v%" G_GINT64_FORMAT " (supported: v%d)",
                       v, MS_ICEBERG_MAX_FORMAT_VERSION);
  if (v < fv (c))
    return ice_refuse_arg (error, "Cannot downgrade v%d table to v%" G_GINT64_FORMAT, fv (c), v);
  if (v == fv (c))
    return TRUE;
  c->changes++;
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
  if (g_strcmp0 (ice_get_str (c->root, "location"), loc) == 0)
    return TRUE;
  if (*loc == '\0')
    return ice_refuse (error, "Invalid %s update: path must not be null or empty", action);
  /* stored without trailing '/' (Iceberg's LocationUtil.stripTrailingSlash) */
  g_autofree char *stripped = g_strdup (loc);
  gsize n = strlen (stripped);
  while (n > 0 && stripped[n - 1] == '/' && !g_str_has_suffix (stripped, "://"))
    stripped[--n] = '\0';
  json_object_set_string_member (c->root, "location", stripped);
  c->changes++;
  return TRUE;
}

/* ---- schemas ---- */

/* identifier-field-ids of two schemas hold the same ids (absent: none). */
static gboolean
same_identifier_ids (JsonObject *a, JsonObject *b)
{
  JsonArray *x = ice_get_arr (a, "identifier-field-ids"), *y = ice_get_arr (b, "identifier-field-ids");
  guint nx = x != NULL ? json_array_get_length (x) : 0, ny = y != NULL ? json_array_get_length (y) : 0;
  for (guint pass = 0; pass < 2; pass++)
    {
      JsonArray *from = pass == 0 ? x : y, *to = pass == 0 ? y : x;
      for (guint i = 0; i < (pass == 0 ? nx : ny); i++)
        {
          gint64 v = G_MININT64, w;
          gboolean found = FALSE;
          ice_elem_int (from, i, &v);
          for (guint j = 0; !found && j < (pass == 0 ? ny : nx); j++)
            found = ice_elem_int (to, j, &w) && w == v;
          if (!found)
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_schema (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *schema = need_obj (u, "schema", action, error);
  if (schema == NULL || !ice_schema_check (schema, error))
    return FALSE;
  /* "last-column-id" is deprecated in the REST spec and, as in Iceberg
   * 1.11's AddSchema, not read: Java clients send the schema's highest id,
   * which is below the table's after dropping its last column. The table's
   * last id only grows. */
  gint64 last = ice_int_or (c->root, "last-column-id", 0);
  gint64 new_last = MAX (last, ice_schema_max_id (schema));

  JsonArray *schemas = ice_get_arr (c->root, "schemas");
  gint64 id = MAX (ice_int_or (c->root, "current-schema-id", 0), 0);
  gboolean found = FALSE;
  for (guint i = 0; i < json_array_get_length (schemas) && !found; i++)
    {
      JsonObject *s = ice_elem_obj (schemas, i);
      if (same_member (s, schema, "fields") && same_identifier_ids (s, schema))
        {
          id = ice_int_or (s, "schema-id", 0);
          found = TRUE;
        }
      else
        id = MAX (id, ice_int_or (s, "schema-id", 0) + 1);
    }
  if (found && new_last == last)
    {
      /* already there: no change (Java's addSchemaInternal) */
      c->added_schema = ice_ids_contain (c->new_schemas, id) && c->added_schema >= 0 ? id : -1;
      return TRUE;
    }
  json_object_set_int_member (c->root, "last-column-id", new_last);
  if (!found)
    {
      JsonObject *copy = ice_obj_dup (schema);
      json_object_set_string_member (copy, "type", "struct");
      json_object_set_int_member (copy, "schema-id", id);
      json_array_add_object_element (schemas, copy);
    }
  add_id (c->new_schemas, id);
  c->added_schema = id;
  c->changes++;
  return TRUE;
}

/* The id an -1 set-action means; FALSE when nothing was added. */
static gboolean
resolve_last (gint64 *id, gint64 added, const char *what, GError **error)
{
  if (*id != -1)
    return TRUE;
  if (added < 0)
    return ice_refuse (error, "Cannot set last added %s: no %s has been added", what, what);
  *id = added;
  return TRUE;
}

/* set-current-schema, set-default-spec and set-default-sort-order: the
 * update's id member and what it names, the root's current-id member, the
 * array of candidates and their id member, the refusal of an unknown id
 * and its code, and where Ctx keeps the id added last. */
static const struct {
  const char *action, *key, *what, *current, *array, *id_key, *unknown;
  MsErrorCode code;
  glong added;
} current_rows[] = {
  { "set-current-schema", "schema-id", "schema", "current-schema-id", "schemas", "schema-id",
    "Cannot set current schema to unknown schema", MS_ERROR_INVALID_ARGUMENT, G_STRUCT_OFFSET (Ctx, added_schema) },
  { "set-default-spec", "spec-id", "spec", "default-spec-id", "partition-specs", "spec-id",
    "Cannot set default partition spec to unknown spec", MS_ERROR_INVALID_INPUT, G_STRUCT_OFFSET (Ctx, added_spec) },
  { "set-default-sort-order", "sort-order-id", "sort order", "default-sort-order-id", "sort-orders", "order-id",
    "Cannot set default sort order to unknown order", MS_ERROR_INVALID_INPUT, G_STRUCT_OFFSET (Ctx, added_order) },
};

/* Make the update's id (-1: the one added last) the root's current one, as
 * the row of 'action' says; TRUE without a change when it already is. */
static gboolean
set_current (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  guint r = 0;
  while (r + 1 < G_N_ELEMENTS (current_rows) && strcmp (current_rows[r].action, action) != 0)
    r++;
  gint64 id;
  if (!need_int (u, current_rows[r].key, action, &id, error)
      || !resolve_last (&id, G_STRUCT_MEMBER (gint64, c, current_rows[r].added), current_rows[r].what, error))
    return FALSE;
  if (id == ice_int_or (c->root, current_rows[r].current, -1))
    return TRUE;
  if (ice_find_by_id (ice_get_arr (c->root, current_rows[r].array), current_rows[r].id_key, id, NULL) == NULL)
    return ms_fail (error, current_rows[r].code, "%s: %" G_GINT64_FORMAT, current_rows[r].unknown, id);
  json_object_set_int_member (c->root, current_rows[r].current, id);
  c->changes++;
  return TRUE;
}

/* ---- partition specs ---- */

static gboolean
add_spec (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *spec = need_obj (u, "spec", action, error);
  JsonArray *fields = spec != NULL ? need_arr (spec, "fields", action, error) : NULL;
  if (fields == NULL)
    return FALSE;
  g_autoptr (JsonArray) nf = json_array_new ();
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *f = ice_elem_obj (fields, i);
      gint64 src, fid;
      if (f == NULL || !ice_get_int (f, "source-id", &src) || ice_get_str (f, "transform") == NULL
          || ice_get_str (f, "name") == NULL || (!ice_absent (f, "field-id") && !ice_get_int (f, "field-id", &fid)))
        return ice_refuse (error, "Invalid %s update: partition fields need source-id, transform and name", action);
      json_array_add_object_element (nf, ice_obj_dup (f));
    }
  /* bound to the current schema (Java's addPartitionSpec(UnboundPartitionSpec)) */
  JsonObject *schema = current_schema (c);
  if (schema == NULL && json_array_get_length (nf) > 0)
    return ice_refuse (error, "Cannot add a partition spec: the table has no current schema");
  if (schema != NULL && !ice_bind_partition_fields (schema, nf, error))
    return FALSE;

  /* an existing spec with the same fields (ids aside) is reused as it is */
  JsonArray *specs = ice_get_arr (c->root, "partition-specs");
  gint64 id = 0;
  for (guint i = 0; i < json_array_get_length (specs); i++)
    {
      JsonObject *s = ice_elem_obj (specs, i);
      if (ice_same_partition_fields (ice_get_arr (s, "fields"), nf))
        {
          c->added_spec = reused (c->new_specs, c->added_spec, ice_int_or (s, "spec-id", 0));
          return TRUE;
        }
      id = MAX (id, ice_int_or (s, "spec-id", 0) + 1);
    }

  /* new: field ids where missing (v1: 1000, 1001 ... as v1 requires;
   * later versions: after last-partition-id) */
  gint64 last = ice_int_or (c->root, "last-partition-id", 999);
  for (guint i = 0; i < json_array_get_length (nf); i++)
    {
      JsonObject *f = ice_elem_obj (nf, i);
      if (ice_absent (f, "field-id"))
        json_object_set_int_member (f, "field-id", fv (c) == 1 ? 1000 + (gint64) i : ++last);
      if (fv (c) == 1 && ice_int_or (f, "field-id", 0) != 1000 + (gint64) i)
        return ice_refuse (error, "Spec does not use sequential IDs that are required in v1: field %s has id %"
                           G_GINT64_FORMAT, ice_get_str (f, "name"), ice_int_or (f, "field-id", 0));
    }
  json_object_set_int_member (c->root, "last-partition-id",
                              MAX (ice_int_or (c->root, "last-partition-id", 999), max_id (nf, "field-id", 999)));
  JsonObject *ns = json_object_new ();
  json_object_set_int_member (ns, "spec-id", id);
  json_object_set_array_member (ns, "fields", g_steal_pointer (&nf));
  json_array_add_object_element (specs, ns);
  add_id (c->new_specs, id);
  c->added_spec = id;
  c->changes++;
  return TRUE;
}

/* remove-partition-specs / remove-schemas: Java records the change for any
 * non-empty list, known ids or not. */
static gboolean
remove_by_ids (Ctx *c, JsonObject *u, const char *action, const char *list, const char *array,
               const char *key, const char *current, const char *refusal, GError **error)
{
  JsonArray *ids = need_arr (u, list, action, error);
  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      gint64 id;
      if (!ice_elem_int (ids, i, &id))
        return ice_refuse (error, "Invalid %s update: %s holds a non-integer", action, list);
      if (id == ice_int_or (c->root, current, -1))
        return ice_refuse_arg (error, "%s", refusal);
    }
  JsonArray *items = ice_get_arr (c->root, array);
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      gint64 id = 0;
      guint at;
      ice_elem_int (ids, i, &id);
      if (ice_find_by_id (items, key, id, &at) != NULL)
        json_array_remove_element (items, at);
    }
  if (json_array_get_length (ids) > 0)
    c->changes++;
  return TRUE;
}

static gboolean
remove_specs (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  return remove_by_ids (c, u, action, "spec-ids", "partition-specs", "spec-id", "default-spec-id",
                        "Cannot remove the default partition spec", error);
}

static gboolean
remove_schemas (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  return remove_by_ids (c, u, action, "schema-ids", "schemas", "schema-id", "current-schema-id",
                        "Cannot remove the current schema", error);
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
        return ice_refuse (error, "Invalid %s update: sort fields need source-id, transform, direction and null-order",
                           action);
    }
  guint n = json_array_get_length (fields);
  if (!ice_sort_order_id_check (order, n, error))
    return FALSE;
  /* bound to the current schema (Java's addSortOrder(UnboundSortOrder)) */
  g_autoptr (JsonArray) nf = ice_arr_dup (fields);
  JsonObject *schema = current_schema (c);
  if (schema == NULL && n > 0)
    return ice_refuse (error, "Cannot add a sort order: the table has no current schema");
  if (schema != NULL && !ice_bind_sort_fields (schema, nf, error))
    return FALSE;

  /* unsorted is always order 0; an existing one with the same fields is reused */
  JsonArray *orders = ice_get_arr (c->root, "sort-orders");
  gint64 id = n == 0 ? 0 : 1;
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *o = ice_elem_obj (orders, i);
      gint64 oid = ice_int_or (o, "order-id", 0);
      if (n == 0 ? oid == 0 : ice_same_sort_fields (ice_get_arr (o, "fields"), nf))
        {
          c->added_order = reused (c->new_orders, c->added_order, oid);
          return TRUE;
        }
      if (n > 0)
        id = MAX (id, oid + 1);
    }
  JsonObject *copy = json_object_new ();
  json_object_set_int_member (copy, "order-id", id);
  json_object_set_array_member (copy, "fields", g_steal_pointer (&nf));
  json_array_add_object_element (orders, copy);
  add_id (c->new_orders, id);
  c->added_order = id;
  c->changes++;
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
    return ice_refuse (error, "Invalid %s update: summary must be an object with an operation", action);
  if (!ice_absent (snap, "sequence-number") && !need_int (snap, "sequence-number", action, &seq, error))
    return FALSE;
  if (json_array_get_length (ice_get_arr (c->root, "schemas")) == 0)
    return ice_refuse (error, "Attempting to add a snapshot before a schema is added");
  if (json_array_get_length (ice_get_arr (c->root, "partition-specs")) == 0)
    return ice_refuse (error, "Attempting to add a snapshot before a partition spec is added");
  if (json_array_get_length (ice_get_arr (c->root, "sort-orders")) == 0)
    return ice_refuse (error, "Attempting to add a snapshot before a sort order is added");
  JsonArray *snapshots = ice_get_arr (c->root, "snapshots");
  if (ice_find_by_id (snapshots, "snapshot-id", id, NULL) != NULL)
    return ice_refuse (error, "Snapshot already exists for id: %" G_GINT64_FORMAT, id);
  gint64 last_seq = ice_int_or (c->root, "last-sequence-number", 0);
  gboolean has_parent = ice_get_int (snap, "parent-snapshot-id", &parent);
  if (fv (c) > 1 && has_parent && seq <= last_seq)
    return retry_later (error, "Cannot add snapshot with sequence number %" G_GINT64_FORMAT
                        " older than last sequence number %" G_GINT64_FORMAT, seq, last_seq);
  if (fv (c) >= 3)
    {
      gint64 first, added, next = ice_int_or (c->root, "next-row-id", 0);
      if (!ice_get_int (snap, "first-row-id", &first))
        return ice_refuse (error, "Cannot add a snapshot: first-row-id is null");
      if (first < next)
        return retry_later (error, "Cannot add a snapshot, first-row-id is behind table next-row-id: %"
                            G_GINT64_FORMAT " < %" G_GINT64_FORMAT, first, next);
      if (!ice_get_int (snap, "added-rows", &added) || added < 0)
        return ice_refuse (error, "Cannot add a snapshot: added-rows is null");
      if (next > G_MAXINT64 - added)
        return ice_refuse (error, "Cannot add a snapshot: next-row-id overflows");
      json_object_set_int_member (c->root, "next-row-id", next + added);
    }
  json_array_add_object_element (snapshots, ice_obj_dup (snap));
  json_object_set_int_member (c->root, "last-sequence-number", seq);
  add_id (c->added_snapshots, id);
  c->changes++;
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
    return ice_refuse (error, "Invalid %s update: type must be branch or tag", action);
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
        return ice_refuse (error, "Tags do not support setting %s", m);
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
  JsonObject *snap = ice_find_by_id (ice_get_arr (c->root, "snapshots"), "snapshot-id", id, NULL);
  if (snap == NULL)
    return ice_refuse (error, "Cannot set %s to unknown snapshot: %" G_GINT64_FORMAT, name, id);
  gboolean main = strcmp (name, "main") == 0;
  if (main && !branch)
    return ice_refuse (error, "Cannot set main to a tag, it must be a branch");
  json_object_set_object_member (refs, name, g_steal_pointer (&ref));
  if (main)
    {
      /* logged at the snapshot's time when this commit added it, else now */
      gboolean added = ice_ids_contain (c->added_snapshots, id);
      json_object_set_int_member (c->root, "current-snapshot-id", id);
      JsonObject *e = json_object_new ();
      json_object_set_int_member (e, "timestamp-ms", added ? ice_int_or (snap, "timestamp-ms", 0) : c->now);
      json_object_set_int_member (e, "snapshot-id", id);
      json_array_add_object_element (ice_get_arr (c->root, "snapshot-log"), e);
      if (added)
        add_id (c->main_added, id);
    }
  c->changes++;
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
  c->changes++;
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

/* Removes the objects of array member 'name' whose snapshot-id is 'id';
 * whether there were any. */
static gboolean
remove_by_snapshot (Ctx *c, const char *name, gint64 id)
{
  JsonArray *a = ice_get_arr (c->root, name);
  guint at;
  gboolean removed = FALSE;
  while (a != NULL && ice_find_by_id (a, "snapshot-id", id, &at) != NULL)
    {
      json_array_remove_element (a, at);
      removed = TRUE;
    }
  return removed;
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
        return ice_refuse (error, "Invalid %s update: snapshot-ids holds a non-integer", action);
    }
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      gint64 id = 0;
      ice_elem_int (ids, i, &id);
      if (!remove_by_snapshot (c, "snapshots", id))
        continue;
      c->removed_snapshots = TRUE;
      c->changes++;
      c->changes += remove_by_snapshot (c, "statistics", id);
      c->changes += remove_by_snapshot (c, "partition-statistics", id);
    }
  /* refs left pointing at nothing go too */
  JsonObject *refs = ice_get_obj (c->root, "refs");
  g_autoptr (GList) names = json_object_get_members (refs);
  for (GList *l = names; l != NULL; l = l->next)
    if (ice_find_by_id (ice_get_arr (c->root, "snapshots"), "snapshot-id",
                        ice_int_or (ice_get_obj (refs, l->data), "snapshot-id", -1), NULL) == NULL)
      remove_ref (c, l->data);
  return TRUE;
}

/* ---- properties ---- */

static gboolean
set_properties (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *updates = need_obj (u, "updates", action, error);
  gboolean changed = FALSE;
  if (updates == NULL
      || !ice_properties_set (ice_get_obj (c->root, "properties"), updates, action, &changed, error))
    return FALSE;
  c->changes += changed;
  return TRUE;
}

static gboolean
remove_properties (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonArray *removals = need_arr (u, "removals", action, error);
  gboolean changed = FALSE;
  if (removals == NULL
      || !ice_properties_remove (ice_get_obj (c->root, "properties"), removals, action, &changed,
                                 error))
    return FALSE;
  c->changes += changed;
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
  c->changes++;
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
  c->changes++;
  return TRUE;
}

static gboolean
remove_statistics (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  gint64 id;
  if (!need_int (u, "snapshot-id", action, &id, error))
    return FALSE;
  c->changes += remove_by_snapshot (c, strcmp (action, "remove-statistics") == 0 ? "statistics"
                                                                                : "partition-statistics", id);
  return TRUE;
}

static gboolean
add_encryption_key (Ctx *c, JsonObject *u, const char *action, GError **error)
{
  JsonObject *key = need_obj (u, "encryption-key", action, error);
  const char *id = key != NULL ? need_str (key, "key-id", action, error) : NULL;
  if (id == NULL || need_str (key, "encrypted-key-metadata", action, error) == NULL)
    return FALSE;
  /* a key id already there keeps its key (Java's addEncryptionKey) */
  JsonArray *a = ice_get_arr (c->root, "encryption-keys");
  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    if (g_strcmp0 (ice_get_str (ice_elem_obj (a, i), "key-id"), id) == 0)
      return TRUE;
  put_keyed (c, "encryption-keys", "key-id", key);
  c->changes++;
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
        c->changes++;
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
  { "set-current-schema", set_current },
  { "add-spec", add_spec },
  { "set-default-spec", set_current },
  { "add-sort-order", add_sort_order },
  { "set-default-sort-order", set_current },
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
  if ((*action = ice_update_action (u, error)) == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (strcmp (actions[i].action, *action) == 0)
      {
        if (actions[i].fn == NULL)
          ice_refuse (error, "Cannot apply update %s to a table", *action);
        return actions[i].fn;
      }
  return ice_refuse (error, "Unknown update action: %s", *action), NULL;
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

/* Java's updateSnapshotLog: when snapshots were removed or made current
 * only in passing within this commit, the log keeps the entries of
 * snapshots still there that were not passing; an entry of a removed
 * snapshot drops everything before it too (the history would have a gap).
 * The last entry must then be the current snapshot. */
static gboolean
rebuild_snapshot_log (Ctx *c, GError **error)
{
  gint64 current = ice_int_or (c->root, "current-snapshot-id", -1);
  gboolean intermediate = FALSE;
  for (guint i = 0; i < c->main_added->len; i++)
    intermediate |= g_array_index (c->main_added, gint64, i) != current;
  if (!intermediate && !c->removed_snapshots)
    return TRUE;
  JsonArray *log = ice_get_arr (c->root, "snapshot-log"), *kept = json_array_new ();
  JsonArray *snapshots = ice_get_arr (c->root, "snapshots");
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *e = ice_elem_obj (log, i);
      gint64 id = ice_int_or (e, "snapshot-id", -1);
      if (ice_find_by_id (snapshots, "snapshot-id", id, NULL) == NULL)
        {
          if (c->removed_snapshots)
            {
              json_array_unref (kept);
              kept = json_array_new ();
            }
        }
      else if (id == current || !ice_ids_contain (c->main_added, id))
        json_array_add_element (kept, ice_node_dup (json_array_get_element (log, i)));
    }
  json_object_set_array_member (c->root, "snapshot-log", kept);
  guint n = json_array_get_length (kept);
  if (ice_find_by_id (snapshots, "snapshot-id", current, NULL) != NULL
      && (n == 0 || ice_int_or (ice_elem_obj (kept, n - 1), "snapshot-id", -1) != current))
    return ice_refuse (error, "Cannot set invalid snapshot log: latest entry is not the current snapshot");
  return TRUE;
}

gboolean
ms_iceberg_metadata_apply_updates (MsIcebergMetadata *md, JsonArray *updates, GError **error)
{
  g_autoptr (GArray) schemas = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) specs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) orders = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) added = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) main_added = g_array_new (FALSE, FALSE, sizeof (gint64));
  Ctx c = {
    .md = md, .root = md->root, .now = ice_now_ms (), .added_schema = -1, .added_spec = -1, .added_order = -1,
    .new_schemas = schemas, .new_specs = specs, .new_orders = orders, .added_snapshots = added,
    .main_added = main_added,
  };
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
  /* nothing changed: the metadata stays as it was (Java's build() returns its base) */
  if (c.changes == 0)
    return TRUE;
  if (!rebuild_snapshot_log (&c, error))
    return FALSE;
  /* Iceberg 1.11: last-updated-ms is the commit's time, snapshots keep their own */
  json_object_set_int_member (md->root, "last-updated-ms", c.now);
  JsonArray *log = ice_get_arr (md->root, "snapshot-log");
  guint len = log != NULL ? json_array_get_length (log) : 0;
  gint64 last_logged = len > 0 ? ice_int_or (ice_elem_obj (log, len - 1), "timestamp-ms", 0) : 0;
  if (len > 0 && c.now - last_logged < -ICE_CLOCK_SKEW_MS)
    return ice_refuse (error, "Invalid update timestamp %" G_GINT64_FORMAT ": before last snapshot log entry at %"
                       G_GINT64_FORMAT, c.now, last_logged);
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
  /* ids 0 as in Java's empty builder: the first schema, spec and order
   * added are current without being set so */
  json_object_set_int_member (root, "current-schema-id", 0);
  json_object_set_array_member (root, "schemas", json_array_new ());
  json_object_set_int_member (root, "default-spec-id", 0);
  json_object_set_array_member (root, "partition-specs", json_array_new ());
  json_object_set_int_member (root, "last-partition-id", 999);
  json_object_set_int_member (root, "default-sort-order-id", 0);
  json_object_set_array_member (root, "sort-orders", json_array_new ());
  return ice_metadata_wrap_new (root, json_object_new (), v);
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
