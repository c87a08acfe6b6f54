/*
 * metadata.h: Iceberg table metadata (the metadata.json document) as the
 * REST catalog door reads, checks, changes and writes it. Pure: no HTTP,
 * no SQL, no storage; json-glib trees in and out.
 *
 * An MsIcebergMetadata holds one version of a table's metadata as a
 * JsonObject tree in a normalised shape: whatever format version it was
 * read from, the tree always has the list forms (schemas/current-schema-id,
 * partition-specs/default-spec-id/last-partition-id, sort-orders/
 * default-sort-order-id), refs, current-snapshot-id (-1 when none),
 * snapshots, snapshot-log, metadata-log, statistics, partition-statistics,
 * properties, last-sequence-number, and next-row-id for v3. Members the
 * model does not know are kept and written back unchanged.
 *
 * Entry points:
 *   ms_iceberg_metadata_parse / _from_object   read a metadata.json (v1..v3)
 *   ms_iceberg_metadata_create                 a new table from a CreateTableRequest
 *   ms_iceberg_metadata_to_json / _to_object   write it back (Iceberg's field
 *                                              names and order, readable by
 *                                              Iceberg's Java and Python parsers)
 *   ms_iceberg_requirements_check              the 8 TableRequirement types
 *   ms_iceberg_metadata_apply_updates          the TableUpdate actions
 *   ms_iceberg_metadata_commit                 requirements + updates, all or nothing
 *   ms_iceberg_metadata_next_file              metadata-log and the new file's name
 *   accessors below, and ms_iceberg_metadata_hive_columns for the HMS mirror.
 *
 * Errors are GError in MS_ERROR (core/error.h): MS_ERROR_INVALID_INPUT for
 * malformed documents, unknown requirement types or update actions and
 * updates that cannot apply (400 in the REST door); MS_ERROR_CONFLICT for a
 * failed requirement (CommitFailedException, 409), with Iceberg's message
 * ("Requirement failed: ..."), and for updates Iceberg finds stale and
 * worth a retry with fresh metadata ("Validation failed, please retry: ...":
 * a snapshot's sequence number or first-row-id behind the table's).
 *
 * Implementation files: metadata.c (model, parse, write, accessors, file
 * names), metadata_create.c (new tables, fresh ids), metadata_types.c
 * (schema types, Hive type strings), metadata_bind.c (partition and sort
 * fields bound to a schema: transforms and the types they take),
 * metadata_requirements.c, metadata_updates.c (updates and commit).
 */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>

/* Highest table format version we read and write. */
#define MS_ICEBERG_MAX_FORMAT_VERSION 3
/* Format version of a new table when properties["format-version"] is absent. */
#define MS_ICEBERG_DEFAULT_FORMAT_VERSION 2
/* write.metadata.previous-versions-max when unset. */
#define MS_ICEBERG_PREVIOUS_VERSIONS_MAX_DEFAULT 100

typedef struct _MsIcebergMetadata MsIcebergMetadata;

void ms_iceberg_metadata_free (MsIcebergMetadata *md);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsIcebergMetadata, ms_iceberg_metadata_free)

/* A deep copy (changing one never changes the other). */
MsIcebergMetadata *ms_iceberg_metadata_copy (const MsIcebergMetadata *md);

/* Reads a metadata.json text (format versions 1..3, unknown members kept)
 * of 'len' bytes (-1: NUL-terminated). Checks what Iceberg's parser
 * requires (per format version) and that the current schema, default spec,
 * default sort order and current snapshot exist. NULL and
 * MS_ERROR_INVALID_INPUT ("Cannot parse table metadata: ...") otherwise.
 * Caller frees. */
MsIcebergMetadata *ms_iceberg_metadata_parse (const char *text, gssize len, GError **error);
/* The same from an already parsed object (deep-copied; 'obj' unchanged). */
MsIcebergMetadata *ms_iceberg_metadata_from_object (JsonObject *obj, GError **error);

/* New table metadata from a CreateTableRequest body, as Iceberg's
 * TableMetadata.newTableMetadata builds it: column ids reassigned from 1
 * (each struct's fields first, then their children), identifier-field-ids
 * and partition/sort source ids remapped, spec id 0 with partition field
 * ids from 1000, sort order id 1 (0 when unsorted), format version from
 * properties["format-version"] (default 2; the reserved properties are not
 * stored), a random table-uuid and last-updated-ms now. The spec and write
 * order are first bound to the request's schema as Iceberg binds them
 * (existing primitive source columns whose types suit the transforms, see
 * metadata_bind.c). The location is the request's (a string; trailing '/'
 * removed) or else 'default_location'; neither is MS_ERROR_INVALID_INPUT. "stage-create" does not change the metadata (the
 * caller decides whether to store it). Caller frees. */
MsIcebergMetadata *ms_iceberg_metadata_create (JsonObject *request, const char *default_location,
                                               GError **error);

/* The document: a new JsonObject (caller unrefs) in Iceberg's member order,
 * with the members Iceberg's parsers require for the format version (v1 also
 * gets "schema" and "partition-spec"; v2+ "last-sequence-number"; v3
 * "next-row-id"). */
JsonObject *ms_iceberg_metadata_to_object (const MsIcebergMetadata *md);
/* The same as text (caller frees); 'pretty' indents as Iceberg does. */
char *ms_iceberg_metadata_to_json (const MsIcebergMetadata *md, gboolean pretty, gsize *len);

/* ---- accessors (borrowed values, valid while 'md' lives unchanged) ---- */
int ms_iceberg_metadata_format_version (const MsIcebergMetadata *md);
const char *ms_iceberg_metadata_uuid (const MsIcebergMetadata *md);
const char *ms_iceberg_metadata_location (const MsIcebergMetadata *md);
gint64 ms_iceberg_metadata_last_updated_ms (const MsIcebergMetadata *md);
gint64 ms_iceberg_metadata_last_sequence_number (const MsIcebergMetadata *md);
int ms_iceberg_metadata_last_column_id (const MsIcebergMetadata *md);
int ms_iceberg_metadata_current_schema_id (const MsIcebergMetadata *md);
int ms_iceberg_metadata_default_spec_id (const MsIcebergMetadata *md);
int ms_iceberg_metadata_last_partition_id (const MsIcebergMetadata *md);
int ms_iceberg_metadata_default_sort_order_id (const MsIcebergMetadata *md);
/* -1 when the table has no current snapshot. */
gint64 ms_iceberg_metadata_current_snapshot_id (const MsIcebergMetadata *md);
/* The string map "properties" (never NULL). */
JsonObject *ms_iceberg_metadata_properties (const MsIcebergMetadata *md);
/* One property, NULL when unset. */
const char *ms_iceberg_metadata_property (const MsIcebergMetadata *md, const char *key);
/* The "metadata-log" array of {"timestamp-ms", "metadata-file"}, oldest first. */
JsonArray *ms_iceberg_metadata_metadata_log (const MsIcebergMetadata *md);
/* The "snapshot-log" array of {"timestamp-ms", "snapshot-id"}, oldest first. */
JsonArray *ms_iceberg_metadata_snapshot_log (const MsIcebergMetadata *md);
/* The current schema object (never NULL for a model that parsed). */
JsonObject *ms_iceberg_metadata_current_schema (const MsIcebergMetadata *md);
/* The whole tree, for members without an accessor. Do not change it. */
JsonObject *ms_iceberg_metadata_tree (const MsIcebergMetadata *md);
/* Whether the commit that produced 'md' changed anything (FALSE for
 * parsed and created models): FALSE when no update recorded a change as
 * Iceberg's TableMetadata.Builder records them (see metadata_updates.c);
 * 'md' is then the base unchanged. A commit without changes needs no new
 * file. */
gboolean ms_iceberg_metadata_changed (const MsIcebergMetadata *md);

/* The current schema's top-level columns for the HMS mirror: a GPtrArray of
 * MsColumn (model/table.h) with Hive type strings (see
 * ms_iceberg_type_to_hive) and the field's "doc" as comment. Caller frees. */
GPtrArray *ms_iceberg_metadata_hive_columns (const MsIcebergMetadata *md, GError **error);

/* The Hive type string of an Iceberg type node (a primitive string or a
 * struct/list/map object), as Iceberg's HiveSchemaUtil maps it:
 * boolean, int, long->bigint, float, double, date, time->string,
 * timestamp/timestamp_ns/timestamptz/timestamptz_ns->timestamp, string,
 * uuid->string, fixed[n]/binary->binary, decimal(p,s), struct<a:t,...>,
 * array<t>, map<k,v>. Types Hive has no column type for (variant, unknown,
 * geometry, geography) map to string. NULL and MS_ERROR_INVALID_INPUT for
 * anything that is not an Iceberg type. Caller frees. */
char *ms_iceberg_type_to_hive (JsonNode *type, GError **error);

/* ---- requirements (metadata_requirements.c) ---- */

/* Checks every TableRequirement of 'requirements' (NULL: none) against
 * 'current' (NULL: the table does not exist). First a pass over all of them
 * for shape (MS_ERROR_INVALID_INPUT "Unknown requirement type: x",
 * missing members), then each in order; the first that fails gives
 * MS_ERROR_CONFLICT with Iceberg's message, e.g.
 * "Requirement failed: branch main has changed: expected id 1 != 2". */
gboolean ms_iceberg_requirements_check (const MsIcebergMetadata *current, JsonArray *requirements,
                                        GError **error);

/* ---- updates and commit (metadata_updates.c) ---- */

/* Checks that every element of 'updates' is an object with a known table
 * "action" (MS_ERROR_INVALID_INPUT "Unknown update action: x"; the view
 * actions add-view-version/set-current-view-version are refused for tables). */
gboolean ms_iceberg_updates_check_actions (JsonArray *updates, GError **error);

/* Applies the TableUpdate list to 'md' in place, in order, as Iceberg
 * 1.11's TableMetadata.Builder does (see metadata_updates.c for each
 * action). "-1" in set-current-schema/set-default-spec/set-default-sort-order
 * means the one added earlier in the same list. Maintains
 * last-sequence-number, next-row-id (v3), current-snapshot-id, the
 * snapshot-log and, when anything changed, last-updated-ms (the commit
 * time). On FALSE 'md' is left half-changed: use _commit for
 * all-or-nothing. */
gboolean ms_iceberg_metadata_apply_updates (MsIcebergMetadata *md, JsonArray *updates, GError **error);

/* Checks the requirements against 'base' (NULL: the table does not exist
 * yet, as for a create transaction; then the updates apply to empty
 * metadata and must at least assign a uuid, a location and a schema), then
 * applies the updates to a copy of 'base'. Returns the new metadata, or
 * NULL with the error and nothing changed. The result remembers 'base''s
 * last-updated-ms for ms_iceberg_metadata_next_file. Caller frees. */
MsIcebergMetadata *ms_iceberg_metadata_commit (const MsIcebergMetadata *base, JsonArray *requirements,
                                               JsonArray *updates, GError **error);

/* ---- metadata files (metadata.c) ---- */

/* Called once when 'md' is about to be written as a new file following the
 * one at 'previous_location' (NULL for a table's first file): appends
 * {timestamp-ms: last-updated-ms of the version that file held,
 * metadata-file: previous_location} to the metadata-log, keeps only the
 * newest write.metadata.previous-versions-max entries (default 100, at
 * least 1), and returns the new file's location (caller frees):
 * "<dir>/%05d-<uuid>.metadata.json" where dir is property
 * write.metadata.path or "<location>/metadata", and the version is the
 * previous file's plus one (0 for the first file, or when the previous
 * name holds no version). */
char *ms_iceberg_metadata_next_file (MsIcebergMetadata *md, const char *previous_location);

/* The version number in a metadata file name ("…/00042-uuid.metadata.json"
 * -> 42), -1 when there is none. */
int ms_iceberg_metadata_file_version (const char *location);
