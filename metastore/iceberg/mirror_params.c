/*
 * mirror_params.c: the HMS parameters Iceberg's HiveCatalog derives from a
 * table's metadata on every commit (HMSTablePropertyHelper), so that a
 * table committed through the REST door reads in HMS as one committed by
 * HiveCatalog (and by Hive's own REST catalog, which commits through it):
 *   - numFiles, numRows, totalSize from the current snapshot's summary
 *     (total-data-files, total-records, total-files-size; kept as they
 *     were when the summary lacks them);
 *   - current-snapshot-id, current-snapshot-timestamp-ms and
 *     current-snapshot-summary (the summary without "operation"), removed
 *     when there is no current snapshot; snapshot-count always;
 *   - current-schema; default-partition-spec when partitioned;
 *     default-sort-order when sorted;
 *   - the property gc.enabled under Hive's name, external.table.purge.
 * A JSON value longer than iceberg.hive.table-property-max-size (HiveCatalog's
 * default, 32672 characters) is left out, as HiveCatalog leaves it out.
 *
 * Entry point: ice_mirror_table_params().
 */
#include "iceberg/internal.h"
#include "core/json_text.h"

#define HIVE_TABLE_PROPERTY_MAX_SIZE 32672

static void
put (GHashTable *params, const char *key, const char *value)
{
  g_hash_table_replace (params, g_strdup (key), g_strdup (value));
}

/* 'o' as compact JSON under 'key', unless longer than HiveCatalog allows. */
static void
put_json (GHashTable *params, const char *key, JsonObject *o)
{
  g_autoptr (JsonNode) n = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (n, o);
  g_autofree char *text = ms_json_text (n, FALSE, NULL);
  if (g_utf8_strlen (text, -1) <= HIVE_TABLE_PROPERTY_MAX_SIZE)
    put (params, key, text);
}

/* The element of array member 'array' of 'root' whose 'id_key' is 'id'. */
static JsonObject *
find_by_id (JsonObject *root, const char *array, const char *id_key, gint64 id)
{
  JsonNode *an = json_object_get_member (root, array);
  if (an == NULL || !JSON_NODE_HOLDS_ARRAY (an))
    return NULL;
  JsonArray *a = json_node_get_array (an);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_OBJECT (e))
        continue;
      JsonObject *o = json_node_get_object (e);
      JsonNode *v = json_object_get_member (o, id_key);
      if (v != NULL && JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_INT64
          && json_node_get_int (v) == id)
        return o;
    }
  return NULL;
}

/* Whether object 'o' has a non-empty array member "fields". */
static gboolean
has_fields (JsonObject *o)
{
  JsonArray *f = o != NULL ? ice_member_array (o, "fields") : NULL;
  return f != NULL && json_array_get_length (f) > 0;
}

static void
snapshot_params (GHashTable *params, const MsIcebergMetadata *md)
{
  JsonObject *root = ms_iceberg_metadata_tree (md);
  g_hash_table_remove (params, "current-snapshot-id");
  g_hash_table_remove (params, "current-snapshot-timestamp-ms");
  g_hash_table_remove (params, "current-snapshot-summary");
  gint64 id = ms_iceberg_metadata_current_snapshot_id (md);
  JsonObject *snap = id != -1 ? find_by_id (root, "snapshots", "snapshot-id", id) : NULL;
  if (snap != NULL)
    {
      g_autofree char *ids = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      put (params, "current-snapshot-id", ids);
      JsonNode *ts = json_object_get_member (snap, "timestamp-ms");
      if (ts != NULL && JSON_NODE_HOLDS_VALUE (ts))
        {
          g_autofree char *tss = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (ts));
          put (params, "current-snapshot-timestamp-ms", tss);
        }
      JsonObject *summary = ice_member_object (snap, "summary");
      if (summary != NULL)
        {
          /* Snapshot.summary(): every entry but the operation */
          g_autoptr (JsonObject) copy = json_object_new ();
          g_autoptr (GList) keys = json_object_get_members (summary);
          for (GList *k = keys; k; k = k->next)
            {
              const char *v = ice_member_string (summary, k->data);
              if (v != NULL && !g_str_equal (k->data, "operation"))
                json_object_set_string_member (copy, k->data, v);
            }
          put_json (params, "current-snapshot-summary", copy);
          static const char *const stats[][2] = {
            { "total-data-files", "numFiles" },
            { "total-records", "numRows" },
            { "total-files-size", "totalSize" },
          };
          for (guint i = 0; i < G_N_ELEMENTS (stats); i++)
            {
              const char *v = ice_member_string (summary, stats[i][0]);
              if (v != NULL)
                put (params, stats[i][1], v);
            }
        }
    }
  JsonArray *snaps = ice_member_array (root, "snapshots");
  g_autofree char *count = g_strdup_printf ("%u", snaps != NULL ? json_array_get_length (snaps) : 0);
  put (params, "snapshot-count", count);
}

void
ice_mirror_table_params (GHashTable *params, const MsIcebergMetadata *md,
                         const MsIcebergMetadata *base)
{
  JsonObject *root = ms_iceberg_metadata_tree (md);
  snapshot_params (params, md);

  g_hash_table_remove (params, "current-schema");
  JsonObject *schema = ms_iceberg_metadata_current_schema (md);
  if (schema != NULL)
    put_json (params, "current-schema", schema);

  g_hash_table_remove (params, "default-partition-spec");
  JsonObject *spec = find_by_id (root, "partition-specs", "spec-id",
                                 ms_iceberg_metadata_default_spec_id (md));
  if (has_fields (spec))
    put_json (params, "default-partition-spec", spec);

  g_hash_table_remove (params, "default-sort-order");
  JsonObject *order = find_by_id (root, "sort-orders", "order-id",
                                  ms_iceberg_metadata_default_sort_order_id (md));
  if (has_fields (order))
    put_json (params, "default-sort-order", order);

  /* gc.enabled is Hive's external.table.purge (and goes with it) */
  const char *gc = ms_iceberg_metadata_property (md, "gc.enabled");
  if (gc != NULL)
    {
      g_hash_table_remove (params, "gc.enabled");
      put (params, "external.table.purge", gc);
    }
  else if (base != NULL && ms_iceberg_metadata_property (base, "gc.enabled") != NULL)
    g_hash_table_remove (params, "external.table.purge");
}
