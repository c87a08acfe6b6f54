/*
 * metadata_internal.h: what the metadata_*.c files share: the struct behind
 * MsIcebergMetadata and checked json-glib getters that never warn (json-glib
 * itself g_critical()s on a member of the wrong type, and a client controls
 * every member). Used only inside metastore/iceberg/.
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
JsonArray *ice_arr_dup (JsonArray *a);

/* The object of 'array' whose integer member 'key' is 'id', and its index. */
JsonObject *ice_find_by_id (JsonArray *array, const char *key, gint64 id, guint *index);

/* A new empty model around 'root' (taken). */
MsIcebergMetadata *ice_metadata_wrap (JsonObject *root);
/* Checks a normalised tree (see ms_iceberg_metadata_parse). */
gboolean ice_metadata_validate (JsonObject *root, GError **error);

/* Checks the whole tree: finite numbers, nesting within ICE_MAX_JSON_DEPTH. */
gboolean ice_tree_check (JsonObject *root, GError **error);
/* Checks one schema object (fields with int ids, names, valid types). */
gboolean ice_schema_check (JsonObject *schema, GError **error);
/* The highest field id in a schema, including nested ones (0 for none). */
gint64 ice_schema_max_id (JsonObject *schema);

/* Now, in milliseconds since the epoch. */
gint64 ice_now_ms (void);
