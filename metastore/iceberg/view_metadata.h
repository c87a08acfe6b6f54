/*
 * view_metadata.h: Iceberg view metadata (the view's metadata.json) as the
 * REST catalog door reads, checks, changes and writes it, in the style of
 * the table model (metadata.h). Pure: no HTTP, no SQL, no storage;
 * json-glib trees in and out.
 *
 * An MsIcebergViewMetadata holds one version of a view's metadata as a
 * JsonObject tree in a normalised shape: view-uuid, format-version (1),
 * location, properties (always present, {} when empty), schemas,
 * current-version-id, versions and version-log. Each view version is kept
 * in Iceberg's member order (version-id, timestamp-ms, schema-id, summary,
 * default-catalog when set, default-namespace, representations) and each
 * SQL representation as {type "sql", sql, dialect}. Members the model does
 * not know are kept and written back unchanged; representations of other
 * types are kept as they came.
 *
 * Entry points:
 *   ms_iceberg_view_metadata_parse / _from_object   read a view metadata.json
 *   ms_iceberg_view_metadata_create                 a new view from a CreateViewRequest
 *   ms_iceberg_view_metadata_to_json / _to_object   write it (ViewMetadataParser's order)
 *   ms_iceberg_view_requirements_check              assert-view-uuid
 *   ms_iceberg_view_metadata_commit                 requirements + view updates, all or nothing
 *   ms_iceberg_view_metadata_next_file              the new metadata file's name
 *   accessors below, the HMS mirror's columns and view text.
 *
 * Errors are GError in MS_ERROR (core/error.h): MS_ERROR_INVALID_INPUT for
 * malformed documents and requests, requirement types and update actions
 * that do not apply to views and updates that cannot apply (400 in the REST
 * door); MS_ERROR_CONFLICT for a failed requirement (CommitFailedException,
 * 409) with Iceberg's message ("Requirement failed: view UUID does not
 * match: expected <view's> != <requested>").
 *
 * Implementation files: view_metadata.c (model, parse, write, accessors,
 * requirements, file names), view_metadata_build.c (create, updates,
 * commit: Iceberg's ViewMetadata.Builder). Schema types and Hive type
 * strings are the table model's (metadata_types.c).
 */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>

/* The only view format version Iceberg defines. */
#define MS_ICEBERG_VIEW_FORMAT_VERSION 1
/* version.history.num-entries when unset (ViewProperties). */
#define MS_ICEBERG_VIEW_HISTORY_SIZE_DEFAULT 10

typedef struct _MsIcebergViewMetadata MsIcebergViewMetadata;

void ms_iceberg_view_metadata_free (MsIcebergViewMetadata *vm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsIcebergViewMetadata, ms_iceberg_view_metadata_free)

/* A deep copy (changing one never changes the other). */
MsIcebergViewMetadata *ms_iceberg_view_metadata_copy (const MsIcebergViewMetadata *vm);

/* Reads a view metadata.json text of 'len' bytes (-1: NUL-terminated).
 * Checks what Iceberg's ViewMetadataParser requires (view-uuid,
 * format-version 1, location, schemas, current-version-id, versions with
 * version-id/timestamp-ms/schema-id/summary/representations/
 * default-namespace, version-log; properties optional), that ids are not
 * duplicated, that the current version exists ("Cannot find current
 * version 3 in view versions: [1, 2]") and that its schema exists ("Cannot
 * find current schema with id 5 in schemas: [0, 1]"). NULL and
 * MS_ERROR_INVALID_INPUT otherwise. Caller frees. */
MsIcebergViewMetadata *ms_iceberg_view_metadata_parse (const char *text, gssize len, GError **error);
/* The same from an already parsed object (deep-copied; 'obj' unchanged). */
MsIcebergViewMetadata *ms_iceberg_view_metadata_from_object (JsonObject *obj, GError **error);

/* A new view from a CreateViewRequest body {name, location?, schema,
 * view-version, properties?}, as Iceberg's view builder and
 * ViewMetadata.Builder make it: a random view-uuid, format-version 1, the
 * request's schema as schema 0 (field ids kept), one version with
 * version-id 1, schema-id 0, timestamp-ms now, the request version's
 * summary, default-catalog, default-namespace and SQL representations
 * (other representation types: "Found unsupported view representations:
 * [x]"; none: "Cannot create view without specifying a query"; two for one
 * dialect: "Invalid view version: Cannot add multiple queries for dialect
 * x"), a version-log entry for it, and the request's properties. The
 * location is the request's (trailing '/' removed) or else
 * 'default_location'. Caller frees. */
MsIcebergViewMetadata *ms_iceberg_view_metadata_create (JsonObject *request, const char *default_location,
                                                        GError **error);

/* The document: a new JsonObject (caller unrefs) in ViewMetadataParser's
 * member order (view-uuid, format-version, location, properties when not
 * empty, schemas, current-version-id, versions, version-log), then unknown
 * members. */
JsonObject *ms_iceberg_view_metadata_to_object (const MsIcebergViewMetadata *vm);
/* The same as text (caller frees); 'pretty' indents by 2. */
char *ms_iceberg_view_metadata_to_json (const MsIcebergViewMetadata *vm, gboolean pretty, gsize *len);

/* ---- accessors (borrowed values, valid while 'vm' lives unchanged) ---- */
int ms_iceberg_view_metadata_format_version (const MsIcebergViewMetadata *vm);
const char *ms_iceberg_view_metadata_uuid (const MsIcebergViewMetadata *vm);
const char *ms_iceberg_view_metadata_location (const MsIcebergViewMetadata *vm);
int ms_iceberg_view_metadata_current_version_id (const MsIcebergViewMetadata *vm);
/* The current ViewVersion object (never NULL for a model that parsed). */
JsonObject *ms_iceberg_view_metadata_current_version (const MsIcebergViewMetadata *vm);
/* The current version's schema (never NULL for a model that parsed). */
JsonObject *ms_iceberg_view_metadata_current_schema (const MsIcebergViewMetadata *vm);
/* The string map "properties" (never NULL). */
JsonObject *ms_iceberg_view_metadata_properties (const MsIcebergViewMetadata *vm);
/* One property, NULL when unset. */
const char *ms_iceberg_view_metadata_property (const MsIcebergViewMetadata *vm, const char *key);
/* "versions" (oldest retained first) and "version-log" ({timestamp-ms,
 * version-id}, oldest first). */
JsonArray *ms_iceberg_view_metadata_versions (const MsIcebergViewMetadata *vm);
JsonArray *ms_iceberg_view_metadata_version_log (const MsIcebergViewMetadata *vm);
/* The whole tree, for members without an accessor. Do not change it. */
JsonObject *ms_iceberg_view_metadata_tree (const MsIcebergViewMetadata *vm);
/* Whether the commit that produced 'vm' changed anything (FALSE for parsed
 * and created models). A commit without changes needs no new file. */
gboolean ms_iceberg_view_metadata_changed (const MsIcebergViewMetadata *vm);

/* The current version's SQL for 'dialect' (compared ignoring ASCII case),
 * else the first SQL representation's, NULL when it has none. With
 * "hive" this is the text Iceberg's HiveViewOperations puts in the HMS
 * view's viewOriginalText/viewExpandedText. 'dialect' NULL: the first. */
const char *ms_iceberg_view_metadata_sql (const MsIcebergViewMetadata *vm, const char *dialect);

/* The current schema's top-level columns for the HMS mirror: a GPtrArray
 * of MsColumn (model/table.h) with Hive type strings
 * (ms_iceberg_type_to_hive) and the field's "doc" as comment. Caller frees. */
GPtrArray *ms_iceberg_view_metadata_hive_columns (const MsIcebergViewMetadata *vm, GError **error);

/* ---- requirements (view_metadata.c) ---- */

/* Checks the requirements of a CommitViewRequest against 'current' (NULL:
 * the view does not exist). First every element's shape: an object with a
 * string "type" (compared ignoring ASCII case); "assert-view-uuid" needs a
 * string "uuid"; the table requirement types give MS_ERROR_INVALID_INPUT
 * "Cannot validate AssertTableUUID against a view" (Iceberg's class
 * names), others "Unknown requirement type: x". Then each in order: a uuid
 * that differs (ignoring case) is MS_ERROR_CONFLICT "Requirement failed:
 * view UUID does not match: expected <current's> != <requested>". */
gboolean ms_iceberg_view_requirements_check (const MsIcebergViewMetadata *current, JsonArray *requirements,
                                             GError **error);

/* ---- updates and commit (view_metadata_build.c) ---- */

/* Checks that every element of 'updates' is an object with a known view
 * "action": assign-uuid, upgrade-format-version, add-schema, set-location,
 * set-properties, remove-properties, add-view-version,
 * set-current-view-version. Table actions give MS_ERROR_INVALID_INPUT
 * "Cannot apply update SetCurrentSchema to a view" (Iceberg's class
 * names), others "Unknown update action: x". */
gboolean ms_iceberg_view_updates_check_actions (JsonArray *updates, GError **error);

/* Checks the actions and the requirements against 'base' (which must
 * exist: NULL is MS_ERROR_NOT_FOUND), then applies the updates in order to
 * a copy of 'base' as ViewMetadata.Builder does (see view_metadata_build.c)
 * and ends as its build() does: the version-log entry of a newly current
 * version, the dialect check (replace.drop-dialect.allowed), and the
 * retention of version.history.num-entries versions (default 10).
 * Returns the new metadata, or NULL with the error and nothing changed.
 * When no update changed anything the result equals 'base' and
 * ms_iceberg_view_metadata_changed is FALSE. Caller frees. */
MsIcebergViewMetadata *ms_iceberg_view_metadata_commit (const MsIcebergViewMetadata *base,
                                                        JsonArray *requirements, JsonArray *updates,
                                                        GError **error);

/* ---- metadata files (view_metadata.c) ---- */

/* The location of the file that follows the one at 'previous_location'
 * (NULL for a view's first file): "<dir>/%05d-<uuid>.metadata.json" where
 * dir is property write.metadata.path or "<location>/metadata" (trailing
 * '/' removed) and the number is the previous file's plus one (0 for the
 * first file, or when the previous name holds no number; see
 * ms_iceberg_metadata_file_version). Uncompressed, as for tables. Caller
 * frees. */
char *ms_iceberg_view_metadata_next_file (const MsIcebergViewMetadata *vm, const char *previous_location);
