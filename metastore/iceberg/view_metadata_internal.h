/*
 * view_metadata_internal.h: what view_metadata.c and view_metadata_build.c
 * share: the struct behind MsIcebergViewMetadata and the ViewVersion
 * checks. The checked json-glib getters are the table model's
 * (metadata_internal.h). Used only inside metastore/iceberg/.
 */
#pragma once
#include "iceberg/view_metadata.h"
#include "iceberg/metadata_internal.h"

struct _MsIcebergViewMetadata {
  JsonObject *root;            /* the normalised tree (see view_metadata.h) */
  gboolean changed;            /* a commit changed something */
};

/* A new model around 'root' (taken). */
MsIcebergViewMetadata *ice_view_wrap (JsonObject *root);

/* A ViewVersion object checked as ViewVersionParser reads it and rebuilt
 * in Iceberg's member order (a new object, caller unrefs), or NULL with
 * MS_ERROR_INVALID_INPUT "<prefix>: <what is wrong>". */
JsonObject *ice_view_version_normalise (JsonObject *version, const char *prefix, GError **error);

/* The dialects of a version's SQL representations, lower-cased, sorted,
 * each once (caller frees the vector). */
char **ice_view_version_dialects (JsonObject *version);

/* The first dialect that two SQL representations of 'version' share
 * (ignoring case), lower-cased, NULL when none does. Caller frees. */
char *ice_view_version_duplicate_dialect (JsonObject *version);

/* A GCompareFunc for g_ptr_array_sort of strings (strcmp order). */
int ice_compare_str (gconstpointer a, gconstpointer b);

/* Checks a normalised tree: current version and its schema exist. */
gboolean ice_view_validate (JsonObject *root, GError **error);

/* ice_tree_check (finite numbers json-glib can write back, bounded
 * nesting) with the error worded "<prefix>: <what is wrong>". */
gboolean ice_view_tree_check (JsonObject *root, const char *prefix, GError **error);

/* "[1, 2, 3]": the integer member 'key' of each object of 'a', in order. */
char *ice_view_id_list (JsonArray *a, const char *key);
