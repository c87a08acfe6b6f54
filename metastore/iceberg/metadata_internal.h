/*
 * metadata_internal.h: what the metadata_*.c files share: the struct behind
 * MsIcebergMetadata and checked json-glib getters that never warn (json-glib
 * itself g_critical()s on a member of the wrong type, and a client controls
 * every member), the refusal macros, and what the table and view models
 * have in common (properties, update actions, the HMS mirror's columns).
 * Used only inside metastore/iceberg/.
 */
#pragma once
#include "iceberg/metadata.h"
#include "core/error.h"

struct _MsIcebergMetadata {
  JsonObject *root;            /* the normalised tree (see metadata.h) */
  gint64 base_updated_ms;      /* last-updated-ms of the version this one follows */
  gboolean changed;            /* a commit changed something */
};

/* Deepest nesting of types walked (struct in list in map ...). */
#define ICE_MAX_TYPE_DEPTH 64

/* Deepest nesting of any JSON accepted in a metadata document. */
#define ICE_MAX_JSON_DEPTH 256

/* Clock skew Iceberg tolerates between log timestamps (TableMetadata's ONE_MINUTE). */
#define ICE_CLOCK_SKEW_MS 60000

/* Refusals worded in full by the caller, FALSE: MS_ERROR_INVALID_INPUT
 * (Java's ValidationException), MS_ERROR_INVALID_ARGUMENT (a metadata
 * builder's checkArgument: IllegalArgumentException). */
#define ice_refuse(error, ...) ms_fail ((error), MS_ERROR_INVALID_INPUT, __VA_ARGS__)
#define ice_refuse_arg(error, ...) ms_fail ((error), MS_ERROR_INVALID_ARGUMENT, __VA_ARGS__)

/* Member getters: FALSE / NULL when absent or of another JSON type. */
gboolean ice_get_int (JsonObject *o, const char *name, gint64 *out);
const char *ice_get_str (JsonObject *o, const char *name);
gboolean ice_get_bool (JsonObject *o, const char *name, gboolean *out);
JsonObject *ice_get_obj (JsonObject *o, const char *name);
JsonArray *ice_get_arr (JsonObject *o, const char *name);
/* TRUE when the member is absent or JSON null. */
gboolean ice_absent (JsonObject *o, const char *name);
/* Element getters of the same kind. */
JsonObject *ice_elem_obj (JsonArray *a, guint i);
gboolean ice_elem_int (JsonArray *a, guint i, gint64 *out);
/* The int member, or 'dflt' when absent or not an integer. */
gint64 ice_int_or (JsonObject *o, const char *name, gint64 dflt);

/* A deep copy of a node (json_node_copy shares containers). */
JsonNode *ice_node_dup (JsonNode *n);
JsonObject *ice_obj_dup (JsonObject *o);
/* The JSON object 'len' bytes of 'text' hold (-1: NUL-terminated), a new
 * reference; NULL with MS_ERROR_INVALID_INPUT "<prefix>: <what>" ("empty
 * document", the parser's message, "not a JSON object"). */
JsonObject *ice_text_object (const char *text, gssize len, const char *prefix, GError **error);
JsonArray *ice_arr_dup (JsonArray *a);

/* The object of 'array' whose integer member 'key' is 'id', and its index. */
JsonObject *ice_find_by_id (JsonArray *array, const char *key, gint64 id, guint *index);

/* A new empty model around 'root' (taken). */
MsIcebergMetadata *ice_metadata_wrap (JsonObject *root);
/* A new table's model around 'root' (taken), ended as Java's builder
 * starts one: 'props' (taken) as its properties, no current snapshot, no
 * refs, empty snapshot, statistics and log lists, next-row-id 0 from
 * format version 3. (metadata_create.c) */
MsIcebergMetadata *ice_metadata_wrap_new (JsonObject *root, JsonObject *props,
                                          gint64 format_version);
/* Checks a normalised tree (see ms_iceberg_metadata_parse). */
gboolean ice_metadata_validate (JsonObject *root, GError **error);

/* Checks the whole tree: finite numbers, nesting within ICE_MAX_JSON_DEPTH. */
gboolean ice_tree_check (JsonObject *root, GError **error);
/* Checks one schema object (fields with int ids, names, valid types). */
gboolean ice_schema_check (JsonObject *schema, GError **error);
/* The highest field id in a schema, including nested ones (0 for none). */
gint64 ice_schema_max_id (JsonObject *schema);

/* ---- partition and sort fields bound to a schema (metadata_bind.c) ---- */

/* Iceberg's transforms (Transforms.fromString); anything else is UNKNOWN. */
typedef enum {
  ICE_TRANSFORM_IDENTITY, ICE_TRANSFORM_BUCKET, ICE_TRANSFORM_TRUNCATE, ICE_TRANSFORM_YEAR,
  ICE_TRANSFORM_MONTH, ICE_TRANSFORM_DAY, ICE_TRANSFORM_HOUR, ICE_TRANSFORM_VOID, ICE_TRANSFORM_UNKNOWN,
} IceTransform;

/* The canonical text of a transform ("Bucket[08]" -> "bucket[8]"; an
 * unknown transform is kept as written) and its kind; NULL and
 * MS_ERROR_INVALID_INPUT for a bucket count or truncate width that is 0 or
 * does not fit an int. Caller frees. */
char *ice_transform_parse (const char *text, IceTransform *kind, GError **error);

/* The type of the field with id 'id' in 'schema' (struct fields, list
 * elements, map keys and values at any depth), NULL when there is none;
 * '*in_collection' tells whether a list or map lies on the way. */
JsonNode *ice_schema_field_type (JsonObject *schema, gint64 id, gboolean *in_collection);
/* The id of the field with the full name 'name' ("a.b", "l.element",
 * "m.key", "m.value"), -1 when there is none. */
gint64 ice_schema_field_id (JsonObject *schema, const char *name);

/* Checks partition fields (objects with int source-id, string transform
 * and name) against 'schema' as Iceberg's PartitionSpec.Builder and
 * checkCompatibility do: names non-empty, unique and not another column's;
 * the source column exists, is primitive, not inside a list or map, and
 * its type suits the transform (void takes anything). Transforms are
 * rewritten in their canonical form. MS_ERROR_INVALID_INPUT otherwise. */
gboolean ice_bind_partition_fields (JsonObject *schema, JsonArray *fields, GError **error);
/* The same for sort fields (SortOrder.checkCompatibility: the source
 * exists, is primitive and suits the transform). */
gboolean ice_bind_sort_fields (JsonObject *schema, JsonArray *fields, GError **error);
/* Partition fields alike but for field ids (PartitionSpec.compatibleWith). */
gboolean ice_same_partition_fields (JsonArray *a, JsonArray *b);
/* Sort fields alike (SortOrder.sameOrder). */
gboolean ice_same_sort_fields (JsonArray *a, JsonArray *b);
/* A sort order's "order-id", when given, as SortOrder.Builder wants it:
 * 0 exactly when the order has no fields. */
gboolean ice_sort_order_id_check (JsonObject *order, guint n_fields, GError **error);

/* Now, in milliseconds since the epoch. */
gint64 ice_now_ms (void);

/* ---- shared by the table and view models (metadata.c) ---- */

/* The name of the metadata file after 'previous_location' (NULL: the
 * first, version 0): <dir>/<version>-<uuid>.metadata.json, or
 * <location>/metadata/... when 'dir' (write.metadata.path) is NULL or empty.
 * Caller frees. */
char *ice_metadata_file_name (const char *location, const char *dir, const char *previous_location);

/* Whether every value of 'm' is a string; if not, *bad_key names one. */
gboolean ice_is_string_map (JsonObject *m, const char **bad_key);
/* The "properties" member of a metadata document, NULL when absent (or
 * null); MS_ERROR_INVALID_INPUT "<prefix>: ..." when it is not an object
 * of strings. */
gboolean ice_properties_get (JsonObject *doc, const char *prefix, JsonObject **props, GError **error);
/* The HMS mirror's columns of 'schema' (see ms_iceberg_metadata_hive_columns);
 * NULL and "<owner> has no current schema" when 'schema' is NULL. */
GPtrArray *ice_hive_columns (JsonObject *schema, const char *owner, GError **error);

/* Whether the gint64 array 'ids' holds 'id'. */
gboolean ice_ids_contain (GArray *ids, gint64 id);
/* The "action" of update 'u' (NULL: not an object); NULL and
 * MS_ERROR_INVALID_INPUT when it has no string action. */
const char *ice_update_action (JsonObject *u, GError **error);
/* set-properties and remove-properties on the map 'props': FALSE and
 * MS_ERROR_INVALID_INPUT ("Invalid <action> update: ...") when a value of
 * 'updates' (an element of 'removals') is not a string, nothing changed.
 * Otherwise applied, and *changed set when the map (list) is not empty:
 * Java records the change whether values are new (keys present) or not. */
gboolean ice_properties_set (JsonObject *props, JsonObject *updates, const char *action, gboolean *changed,
                             GError **error);
gboolean ice_properties_remove (JsonObject *props, JsonArray *removals, const char *action,
                                gboolean *changed, GError **error);
