/* test_iceberg_view_metadata.c: the Iceberg view metadata model
 * (iceberg/view_metadata*.c): create from a CreateViewRequest, parse/write
 * (sample in tests/unit/data/iceberg/view-v1.metadata.json), the view
 * requirement, every view update action, ViewMetadata.Builder's id reuse,
 * version-log and retention rules, commits, file names, the HMS mirror's
 * columns and view text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "iceberg/view_metadata.h"
#include "iceberg/metadata.h"
#include "core/error.h"
#include "model/table.h"

/* ---- helpers ---- */

static JsonNode *
json (const char *text)
{
  g_autoptr (GError) e = NULL;
  JsonNode *n = json_from_string (text, &e);
  if (n == NULL)
    fail_msg ("bad test JSON %s: %s", text, e->message);
  return n;
}

static char *
sample_text (void)
{
  const char *top = g_getenv ("top_srcdir");
  g_autofree char *path = g_build_filename (top != NULL ? top : ".", "tests/unit/data/iceberg",
                                            "view-v1.metadata.json", NULL);
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    fail_msg ("cannot read %s", path);
  return text;
}

static MsIcebergViewMetadata *
sample (void)
{
  g_autofree char *text = sample_text ();
  g_autoptr (GError) e = NULL;
  MsIcebergViewMetadata *vm = ms_iceberg_view_metadata_parse (text, -1, &e);
  if (vm == NULL)
    fail_msg ("the sample does not parse: %s", e->message);
  return vm;
}

/* Writes 'vm', reads it back and writes again: the same text. */
static void
assert_reads_back (const MsIcebergViewMetadata *vm)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *text = ms_iceberg_view_metadata_to_json (vm, FALSE, NULL);
  g_autoptr (MsIcebergViewMetadata) back = ms_iceberg_view_metadata_parse (text, -1, &e);
  if (back == NULL)
    fail_msg ("does not read back: %s\n%s", e->message, text);
  g_autofree char *text2 = ms_iceberg_view_metadata_to_json (back, FALSE, NULL);
  assert_string_equal (text, text2);
}

static MsIcebergViewMetadata *
commit (const MsIcebergViewMetadata *vm, const char *reqs, const char *updates, GError **error)
{
  g_autoptr (JsonNode) r = json (reqs != NULL ? reqs : "[]");
  g_autoptr (JsonNode) u = json (updates != NULL ? updates : "[]");
  return ms_iceberg_view_metadata_commit (vm, json_node_get_array (r), json_node_get_array (u), error);
}

static MsIcebergViewMetadata *
commit_ok (const MsIcebergViewMetadata *vm, const char *reqs, const char *updates)
{
  g_autoptr (GError) e = NULL;
  MsIcebergViewMetadata *out = commit (vm, reqs, updates, &e);
  if (out == NULL)
    fail_msg ("commit %s %s failed: %s", reqs ? reqs : "", updates ? updates : "", e->message);
  assert_reads_back (out);
  return out;
}

static void
commit_fails (const MsIcebergViewMetadata *vm, const char *reqs, const char *updates, int code, const char *message)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *before = ms_iceberg_view_metadata_to_json (vm, FALSE, NULL);
  g_autoptr (MsIcebergViewMetadata) out = commit (vm, reqs, updates, &e);
  if (out != NULL)
    fail_msg ("commit %s %s should fail with '%s'", reqs ? reqs : "", updates ? updates : "", message);
  assert_true (e->domain == MS_ERROR);
  if (e->code != code || strstr (e->message, message) == NULL)
    fail_msg ("got %s '%s', want %s '%s'", ms_error_code_name (e->code), e->message, ms_error_code_name (code),
              message);
  g_autofree char *after = ms_iceberg_view_metadata_to_json (vm, FALSE, NULL);
  assert_string_equal (before, after);
}

static JsonArray *
arr_member (const MsIcebergViewMetadata *vm, const char *name)
{
  return json_object_get_array_member (ms_iceberg_view_metadata_tree (vm), name);
}

static JsonObject *
version_at (const MsIcebergViewMetadata *vm, guint i)
{
  return json_array_get_object_element (ms_iceberg_view_metadata_versions (vm), i);
}

/* "[1, 2]": the version ids in order, or the version-log's ids. */
static char *
ids_of (JsonArray *a)
{
  GString *s = g_string_new ("[");
  for (guint i = 0; i < json_array_get_length (a); i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                            json_object_get_int_member (json_array_get_object_element (a, i), "version-id"));
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static void
assert_ids (JsonArray *a, const char *want)
{
  g_autofree char *got = ids_of (a);
  assert_string_equal (got, want);
}

#define SCHEMA_A "{\"type\": \"struct\", \"schema-id\": 7, \"fields\": [" \
  "{\"id\": 1, \"name\": \"id\", \"required\": true, \"type\": \"long\"}," \
  "{\"id\": 2, \"name\": \"data\", \"required\": false, \"type\": \"string\", \"doc\": \"payload\"}]}"
#define SCHEMA_B "{\"type\": \"struct\", \"fields\": [" \
  "{\"id\": 1, \"name\": \"id\", \"required\": true, \"type\": \"long\"}," \
  "{\"id\": 3, \"name\": \"day\", \"required\": false, \"type\": \"date\"}]}"

static const char create_request[] =
  "{\"name\": \"v\", \"location\": \"s3://wh/db/v//\", \"schema\": " SCHEMA_A ","
  " \"view-version\": {\"version-id\": 42, \"timestamp-ms\": 5, \"schema-id\": 3,"
  "   \"summary\": {\"engine-name\": \"spark\"}, \"default-catalog\": \"prod\","
  "   \"default-namespace\": [\"db\"], \"representations\": ["
  "     {\"type\": \"SQL\", \"sql\": \"select id, data from db.t\", \"dialect\": \"spark\"},"
  "     {\"type\": \"sql\", \"dialect\": \"Trino\", \"sql\": \"SELECT id, data FROM db.t\"}]},"
  " \"properties\": {\"comment\": \"a view\", \"owner\": \"alice\"}}";

static MsIcebergViewMetadata *
created (const char *request)
{
  g_autoptr (JsonNode) req = json (request);
  g_autoptr (GError) e = NULL;
  MsIcebergViewMetadata *vm = ms_iceberg_view_metadata_create (json_node_get_object (req), "file:///wh/db.db/v", &e);
  if (vm == NULL)
    fail_msg ("create failed: %s", e->message);
  return vm;
}

/* An add-view-version update (summary {"engine-name": "spark"}, namespace ["db"]). */
static char *
add_version_json (int version_id, int schema_id, const char *reps)
{
  return g_strdup_printf ("{\"action\": \"add-view-version\", \"view-version\": {\"version-id\": %d,"
                          " \"timestamp-ms\": 1700000000000, \"schema-id\": %d, \"summary\": {\"engine-name\": \"spark\"},"
                          " \"default-namespace\": [\"db\"], \"representations\": %s}}", version_id, schema_id, reps);
}

/* The updates of a client's replace: a new schema (when given), a version
 * asking for id 'version_id' on it (else on schema 0), made current with -1. */
static char *
replace_updates_id (const char *schema, int version_id, const char *reps)
{
  g_autofree char *add = add_version_json (version_id, schema != NULL ? -1 : 0, reps);
  if (schema == NULL)
    return g_strdup_printf ("[%s, {\"action\": \"set-current-view-version\", \"view-version-id\": -1}]", add);
  return g_strdup_printf ("[{\"action\": \"add-schema\", \"schema\": %s}, %s,"
                          " {\"action\": \"set-current-view-version\", \"view-version-id\": -1}]", schema, add);
}

static char *
replace_updates (const char *schema, const char *reps)
{
  return replace_updates_id (schema, 99, reps);
}

#define SPARK_SQL(sql) "[{\"type\": \"sql\", \"sql\": \"" sql "\", \"dialect\": \"spark\"}]"

/* ---- create ---- */

static void
test_create (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (create_request);
  assert_false (ms_iceberg_view_metadata_changed (vm));
  assert_int_equal (ms_iceberg_view_metadata_format_version (vm), 1);
  assert_int_equal (strlen (ms_iceberg_view_metadata_uuid (vm)), 36);
  assert_string_equal (ms_iceberg_view_metadata_location (vm), "s3://wh/db/v");
  assert_string_equal (ms_iceberg_view_metadata_property (vm, "owner"), "alice");
  /* schema 0, field ids kept */
  JsonObject *schema = ms_iceberg_view_metadata_current_schema (vm);
  assert_int_equal (json_object_get_int_member (schema, "schema-id"), 0);
  assert_int_equal (json_array_get_length (arr_member (vm, "schemas")), 1);
  JsonArray *fields = json_object_get_array_member (schema, "fields");
  assert_int_equal (json_object_get_int_member (json_array_get_object_element (fields, 1), "id"), 2);
  /* version 1 on schema 0, made now, with the request's summary and SQL */
  assert_int_equal (ms_iceberg_view_metadata_current_version_id (vm), 1);
  JsonObject *v = ms_iceberg_view_metadata_current_version (vm);
  assert_true (v == version_at (vm, 0));
  assert_int_equal (json_object_get_int_member (v, "version-id"), 1);
  assert_int_equal (json_object_get_int_member (v, "schema-id"), 0);
  gint64 ts = json_object_get_int_member (v, "timestamp-ms");
  assert_true (ts > 1700000000000);
  assert_string_equal (json_object_get_string_member (json_object_get_object_member (v, "summary"), "engine-name"),
                       "spark");
  assert_string_equal (json_object_get_string_member (v, "default-catalog"), "prod");
  JsonArray *log = ms_iceberg_view_metadata_version_log (vm);
  assert_int_equal (json_array_get_length (log), 1);
  assert_int_equal (json_object_get_int_member (json_array_get_object_element (log, 0), "version-id"), 1);
  assert_true (json_object_get_int_member (json_array_get_object_element (log, 0), "timestamp-ms") == ts);
  /* view text: the dialect asked for, else the first */
  assert_string_equal (ms_iceberg_view_metadata_sql (vm, "trino"), "SELECT id, data FROM db.t");
  assert_string_equal (ms_iceberg_view_metadata_sql (vm, "hive"), "select id, data from db.t");
  assert_string_equal (ms_iceberg_view_metadata_sql (vm, NULL), "select id, data from db.t");
  /* the HMS mirror's columns */
  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) cols = ms_iceberg_view_metadata_hive_columns (vm, &e);
  assert_int_equal (cols->len, 2);
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 0))->type, "bigint");
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 1))->comment, "payload");
  /* written in Iceberg's order, representations normalised */
  g_autofree char *text = ms_iceberg_view_metadata_to_json (vm, FALSE, NULL);
  assert_true (g_str_has_prefix (text, "{\"view-uuid\":\""));
  const char *order[] = { "\"format-version\":1,\"location\":\"s3://wh/db/v\",\"properties\":{", "\"schemas\":[",
                          "\"current-version-id\":1,\"versions\":[{\"version-id\":1,\"timestamp-ms\":",
                          "\"schema-id\":0,\"summary\":{\"engine-name\":\"spark\"},\"default-catalog\":\"prod\","
                          "\"default-namespace\":[\"db\"],\"representations\":[{\"type\":\"sql\","
                          "\"sql\":\"select id, data from db.t\",\"dialect\":\"spark\"},{\"type\":\"sql\","
                          "\"sql\":\"SELECT id, data FROM db.t\",\"dialect\":\"Trino\"}]}]",
                          "\"version-log\":[{\"timestamp-ms\":" };
  const char *at = text;
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      const char *next = strstr (at, order[i]);
      if (next == NULL)
        fail_msg ("'%s' missing or out of order in %s", order[i], text);
      at = next;
    }
  assert_reads_back (vm);
}

static void
test_create_defaults (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (
    "{\"name\": \"v\", \"schema\": " SCHEMA_B ", \"view-version\": {\"version-id\": 1, \"timestamp-ms\": 1,"
    " \"schema-id\": 0, \"summary\": {}, \"default-namespace\": [], \"representations\": " SPARK_SQL ("select 1") "}}");
  assert_string_equal (ms_iceberg_view_metadata_location (vm), "file:///wh/db.db/v");
  assert_int_equal (json_object_get_size (ms_iceberg_view_metadata_properties (vm)), 0);
  g_autofree char *text = ms_iceberg_view_metadata_to_json (vm, FALSE, NULL);
  assert_null (strstr (text, "\"properties\""));
  assert_null (strstr (text, "default-catalog"));
  assert_non_null (strstr (text, "\"default-namespace\":[]"));
  /* an empty location in the request means the default one */
  g_autoptr (MsIcebergViewMetadata) vm2 = created (
    "{\"name\": \"v\", \"location\": \"\", \"schema\": " SCHEMA_B ", \"properties\": {}, \"view-version\": {"
    "\"version-id\": 1, \"timestamp-ms\": 1, \"schema-id\": 0, \"summary\": {}, \"default-namespace\": [\"a\", \"b\"],"
    " \"representations\": " SPARK_SQL ("select 1") "}}");
  assert_string_equal (ms_iceberg_view_metadata_location (vm2), "file:///wh/db.db/v");
}

static void
create_fails (const char *request, const char *location, const char *message)
{
  g_autoptr (JsonNode) req = json (request);
  g_autoptr (GError) e = NULL;
  g_autoptr (MsIcebergViewMetadata) vm = ms_iceberg_view_metadata_create (json_node_get_object (req), location, &e);
  if (vm != NULL)
    fail_msg ("%s was accepted", request);
  /* Java's builder checkArgument refusals are IllegalArgumentExceptions */
  gboolean builder = strstr (message, "Invalid view version:") != NULL
                     || strstr (message, "must be positive") != NULL;
  assert_int_equal (e->code, builder ? MS_ERROR_INVALID_ARGUMENT : MS_ERROR_INVALID_INPUT);
  if (strstr (e->message, message) == NULL)
    fail_msg ("got '%s', want '%s'", e->message, message);
}

#define VV(reps) "\"view-version\": {\"version-id\": 1, \"timestamp-ms\": 1, \"schema-id\": 0, \"summary\": {}," \
  " \"default-namespace\": [\"db\"], \"representations\": " reps "}"

static void
test_create_errors (void **state)
{
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B "}", "x", "name, schema and view-version are required");
  create_fails ("{\"schema\": " SCHEMA_B ", " VV ("[]") "}", "x", "name, schema and view-version are required");
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B ", " VV (SPARK_SQL ("s")) "}", NULL, "no location");
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B ", " VV ("[]") "}", "x",
                "Cannot create view without specifying a query");
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B ", "
                VV ("[{\"type\": \"Substrait\", \"plan\": \"x\"}, {\"type\": \"sql\", \"sql\": \"s\","
                    " \"dialect\": \"spark\"}, {\"type\": \"pig\"}]") "}", "x",
                "Found unsupported view representations: [pig, substrait]");
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B ", "
                VV ("[{\"type\": \"sql\", \"sql\": \"a\", \"dialect\": \"Spark\"},"
                    " {\"type\": \"sql\", \"sql\": \"b\", \"dialect\": \"spark\"}]") "}", "x",
                "Invalid view version: Cannot add multiple queries for dialect spark");
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B ", "
                VV ("[{\"type\": \"sql\", \"sql\": \"a\"}]") "}", "x", "needs string sql and dialect");
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B ", \"view-version\": {\"version-id\": 1, \"timestamp-ms\": 1,"
                " \"schema-id\": 0, \"summary\": {}, \"representations\": " SPARK_SQL ("s") "}}", "x",
                "missing or invalid default-namespace");
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B ", \"view-version\": {\"version-id\": 1, \"timestamp-ms\": 1,"
                " \"schema-id\": 0, \"default-namespace\": [], \"representations\": " SPARK_SQL ("s") "}}", "x",
                "missing or non-object summary");
  create_fails ("{\"name\": \"v\", \"schema\": {\"type\": \"struct\", \"fields\": [{\"id\": 1, \"name\": \"a\","
                " \"required\": false, \"type\": \"int128\"}]}, " VV (SPARK_SQL ("s")) "}", "x", "unknown type 'int128'");
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B ", " VV (SPARK_SQL ("s")) ", \"properties\": {\"a\": 1}}",
                "x", "property 'a' is not a string");
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B ", " VV (SPARK_SQL ("s")) ", \"location\": 5}", "x",
                "location is not a string");
  create_fails ("{\"name\": \"v\", \"schema\": " SCHEMA_B ", " VV (SPARK_SQL ("s"))
                ", \"properties\": {\"version.history.num-entries\": \"0\"}}", "x",
                "version.history.num-entries must be positive but was 0");
}

/* ---- parse and write ---- */

static void
test_parse_and_write (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = sample ();
  assert_string_equal (ms_iceberg_view_metadata_uuid (vm), "fa6506c3-7681-40c8-86dc-e36561f83385");
  assert_int_equal (ms_iceberg_view_metadata_current_version_id (vm), 2);
  assert_int_equal (json_object_get_int_member (ms_iceberg_view_metadata_current_schema (vm), "schema-id"), 2);
  assert_string_equal (ms_iceberg_view_metadata_property (vm, "comment"), "Daily event counts");
  assert_string_equal (ms_iceberg_view_metadata_sql (vm, "TRINO"),
                       "SELECT COUNT(1) AS event_count, CAST(event_ts AS DATE) AS event_date FROM events GROUP BY 2");
  g_autoptr (GPtrArray) cols = ms_iceberg_view_metadata_hive_columns (vm, NULL);
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 0))->type, "bigint");
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 1))->type, "date");

  g_autofree char *text = ms_iceberg_view_metadata_to_json (vm, TRUE, NULL);
  /* Iceberg's member order, normalised representation type, null
   * default-catalog left out, unknown members kept at the end */
  static const char *const order[] = {
    "\"view-uuid\" : \"fa6506c3", "\"format-version\" : 1", "\"location\" : \"s3://bucket/", "\"properties\" : {",
    "\"schemas\" : [", "\"current-version-id\" : 2", "\"versions\" : [", "\"version-id\" : 1",
    "\"timestamp-ms\" : 1573518431292", "\"schema-id\" : 1", "\"summary\" : {", "\"default-catalog\" : \"prod\"",
    "\"default-namespace\" : [", "\"representations\" : [", "\"version-id\" : 2", "\"version-log\" : [",
    "\"x-vendor-extension\"",
  };
  const char *at = text;
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      const char *next = strstr (at, order[i]);
      if (next == NULL)
        fail_msg ("'%s' missing or out of order in %s", order[i], text);
      at = next;
    }
  assert_null (strstr (text, "\"SQL\""));
  assert_null (strstr (text, "null"));
  /* version-log entries as {timestamp-ms, version-id} */
  g_autofree char *flat = ms_iceberg_view_metadata_to_json (vm, FALSE, NULL);
  assert_non_null (strstr (flat, "{\"timestamp-ms\":1573518981593,\"version-id\":2}"));
  assert_reads_back (vm);

  /* properties may be absent; other representation types are kept */
  g_autoptr (JsonNode) n = json (text);
  JsonObject *o = json_node_get_object (n);
  json_object_remove_member (o, "properties");
  JsonObject *v2 = json_array_get_object_element (json_object_get_array_member (o, "versions"), 1);
  JsonObject *other = json_object_new ();
  json_object_set_string_member (other, "type", "substrait");
  json_object_set_string_member (other, "plan", "AAEC");
  json_array_add_object_element (json_object_get_array_member (v2, "representations"), other);
  g_autofree char *t2 = json_to_string (n, FALSE);
  g_autoptr (MsIcebergViewMetadata) vm2 = ms_iceberg_view_metadata_parse (t2, -1, NULL);
  assert_non_null (vm2);
  assert_int_equal (json_object_get_size (ms_iceberg_view_metadata_properties (vm2)), 0);
  g_autofree char *t3 = ms_iceberg_view_metadata_to_json (vm2, FALSE, NULL);
  assert_non_null (strstr (t3, "{\"type\":\"substrait\",\"plan\":\"AAEC\"}"));
  assert_reads_back (vm2);
}

static void
parse_fails (const char *text, const char *message)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (MsIcebergViewMetadata) vm = ms_iceberg_view_metadata_parse (text, -1, &e);
  if (vm != NULL)
    fail_msg ("accepted: %s", text);
  assert_int_equal (e->code, MS_ERROR_INVALID_INPUT);
  if (strstr (e->message, message) == NULL)
    fail_msg ("got '%s', want '%s'", e->message, message);
}

/* The sample with one change, as text. */
typedef void (*Change) (JsonObject *root);

static char *
sample_changed (Change change)
{
  g_autofree char *text = sample_text ();
  g_autoptr (JsonNode) n = json (text);
  change (json_node_get_object (n));
  return json_to_string (n, FALSE);
}

static void no_uuid (JsonObject *o) { json_object_remove_member (o, "view-uuid"); }
static void v2_format (JsonObject *o) { json_object_set_int_member (o, "format-version", 2); }
static void no_location (JsonObject *o) { json_object_remove_member (o, "location"); }
static void no_schemas (JsonObject *o) { json_object_remove_member (o, "schemas"); }
static void no_versions (JsonObject *o) { json_object_remove_member (o, "versions"); }
static void no_log (JsonObject *o) { json_object_remove_member (o, "version-log"); }
static void no_current (JsonObject *o) { json_object_remove_member (o, "current-version-id"); }
static void current_3 (JsonObject *o) { json_object_set_int_member (o, "current-version-id", 3); }
static void big_current (JsonObject *o) { json_object_set_int_member (o, "current-version-id", G_GINT64_CONSTANT (1) << 40); }
static void
schema_5 (JsonObject *o)
{
  JsonObject *v = json_array_get_object_element (json_object_get_array_member (o, "versions"), 1);
  json_object_set_int_member (v, "schema-id", 5);
}
static void
dup_version (JsonObject *o)
{
  JsonObject *v = json_array_get_object_element (json_object_get_array_member (o, "versions"), 0);
  json_object_set_int_member (v, "version-id", 2);
}
static void
dup_schema (JsonObject *o)
{
  JsonObject *s = json_array_get_object_element (json_object_get_array_member (o, "schemas"), 0);
  json_object_remove_member (s, "schema-id");
  s = json_array_get_object_element (json_object_get_array_member (o, "schemas"), 1);
  json_object_set_int_member (s, "schema-id", 0);
}
static void
bad_summary (JsonObject *o)
{
  JsonObject *v = json_array_get_object_element (json_object_get_array_member (o, "versions"), 0);
  json_object_set_int_member (json_object_get_object_member (v, "summary"), "n", 1);
}
static void
bad_log (JsonObject *o)
{
  JsonObject *e = json_array_get_object_element (json_object_get_array_member (o, "version-log"), 0);
  json_object_remove_member (e, "timestamp-ms");
}
static void bad_props (JsonObject *o) { json_object_set_int_member (json_object_get_object_member (o, "properties"), "n", 1); }
static void
bad_catalog (JsonObject *o)
{
  JsonObject *v = json_array_get_object_element (json_object_get_array_member (o, "versions"), 0);
  json_object_set_int_member (v, "default-catalog", 1);
}
static void
bad_namespace (JsonObject *o)
{
  JsonObject *v = json_array_get_object_element (json_object_get_array_member (o, "versions"), 0);
  JsonArray *ns = json_array_new ();
  json_array_add_int_element (ns, 1);
  json_object_set_array_member (v, "default-namespace", ns);
}
static void empty_location (JsonObject *o) { json_object_set_string_member (o, "location", ""); }
static void
max_ids (JsonObject *o)
{
  JsonObject *v = json_array_get_object_element (json_object_get_array_member (o, "versions"), 1);
  json_object_set_int_member (v, "version-id", G_MAXINT32);
  json_object_set_int_member (v, "schema-id", G_MAXINT32);
  json_object_set_int_member (o, "current-version-id", G_MAXINT32);
  JsonObject *s = json_array_get_object_element (json_object_get_array_member (o, "schemas"), 1);
  json_object_set_int_member (s, "schema-id", G_MAXINT32);
}

static void
test_parse_errors (void **state)
{
  parse_fails ("", "empty document");
  parse_fails ("[1]", "not a JSON object");
  parse_fails ("{\"view-uuid\": \"u\", \"format-version\": 1, \"location\": \"x\", \"x\": 1e999}", "number out of range");
  static const struct {
    Change change;
    const char *message;
  } cases[] = {
    { no_uuid, "Cannot parse view metadata: missing or non-string view-uuid" },
    { v2_format, "Unsupported format version: 2" },
    { no_location, "missing or non-string location" },
    { no_schemas, "missing or non-array schemas" },
    { no_versions, "missing or non-array versions" },
    { no_log, "missing or non-array version-log" },
    { no_current, "missing or non-integer current-version-id" },
    { big_current, "missing or non-integer current-version-id" },
    { current_3, "Cannot find current version 3 in view versions: [1, 2]" },
    { schema_5, "Cannot find current schema with id 5 in schemas: [1, 2]" },
    { dup_version, "duplicate version id 2" },
    { dup_schema, "duplicate schema id 0" },
    { bad_summary, "summary value of 'n' is not a string" },
    { bad_log, "version-log entries need integer version-id and timestamp-ms" },
    { bad_props, "property value of 'n' is not a string" },
    { bad_catalog, "default-catalog is not a string" },
    { bad_namespace, "missing or invalid default-namespace" },
    { empty_location, "no location" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *t = sample_changed (cases[i].change);
      parse_fails (t, cases[i].message);
    }
}

/* ---- requirements ---- */

static void
req_result (const MsIcebergViewMetadata *vm, const char *reqs, int code, const char *message)
{
  g_autoptr (JsonNode) n = json (reqs);
  g_autoptr (GError) e = NULL;
  gboolean ok = ms_iceberg_view_requirements_check (vm, json_node_get_array (n), &e);
  if (message == NULL)
    {
      if (!ok)
        fail_msg ("%s failed: %s", reqs, e->message);
      return;
    }
  if (ok)
    fail_msg ("%s passed", reqs);
  if (e->code != code || strcmp (e->message, message) != 0)
    fail_msg ("%s: got %s '%s', want '%s'", reqs, ms_error_code_name (e->code), e->message, message);
}

static void
test_requirements (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = sample ();
  int C = MS_ERROR_CONFLICT, I = MS_ERROR_INVALID_INPUT;
  req_result (vm, "[]", 0, NULL);
  req_result (vm, "[{\"type\": \"assert-view-uuid\", \"uuid\": \"FA6506C3-7681-40C8-86DC-E36561F83385\"}]", 0, NULL);
  req_result (vm, "[{\"type\": \"Assert-View-UUID\", \"uuid\": \"fa6506c3-7681-40c8-86dc-e36561f83385\"}]", 0, NULL);
  req_result (vm, "[{\"type\": \"assert-view-uuid\", \"uuid\": \"x\"}]", C,
              "Requirement failed: view UUID does not match: expected fa6506c3-7681-40c8-86dc-e36561f83385 != x");
  req_result (NULL, "[{\"type\": \"assert-view-uuid\", \"uuid\": \"x\"}]", C, "Requirement failed: view does not exist");
  req_result (vm, "[{\"type\": \"assert-view-uuid\"}]", I, "Invalid requirement assert-view-uuid: missing or invalid uuid");
  req_result (vm, "[{\"type\": \"assert-table-uuid\", \"uuid\": \"x\"}]", I,
              "Cannot validate AssertTableUUID against a view");
  req_result (vm, "[{\"type\": \"assert-create\"}]", I, "Cannot validate AssertTableDoesNotExist against a view");
  req_result (vm, "[{\"type\": \"assert-current-schema-id\", \"current-schema-id\": 1}]", I,
              "Cannot validate AssertCurrentSchemaID against a view");
  req_result (vm, "[{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"main\"}]", I,
              "Cannot validate AssertRefSnapshotID against a view");
  req_result (vm, "[{\"type\": \"assert-nothing\"}]", I, "Unknown requirement type: assert-nothing");
  req_result (vm, "[7]", I, "Invalid requirement: an object with a string type");
  /* every shape is checked before any requirement is */
  req_result (vm, "[{\"type\": \"assert-view-uuid\", \"uuid\": \"x\"}, {\"type\": \"nope\"}]", I,
              "Unknown requirement type: nope");

  /* through a commit: nothing changes */
  commit_fails (vm, "[{\"type\": \"assert-view-uuid\", \"uuid\": \"x\"}]",
                "[{\"action\": \"set-properties\", \"updates\": {\"a\": \"b\"}}]", C, "view UUID does not match");
}

/* ---- updates ---- */

static void
test_replace_version (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (create_request);
  const char *uuid = ms_iceberg_view_metadata_uuid (vm);
  g_autofree char *reqs = g_strdup_printf ("[{\"type\": \"assert-view-uuid\", \"uuid\": \"%s\"}]", uuid);
  g_autofree char *updates = replace_updates (SCHEMA_B, "[{\"type\": \"sql\", \"sql\": \"select 2\", \"dialect\": \"spark\"},"
                                                        " {\"type\": \"sql\", \"sql\": \"SELECT 2\", \"dialect\": \"trino\"}]");
  g_autoptr (MsIcebergViewMetadata) r = commit_ok (vm, reqs, updates);
  assert_true (ms_iceberg_view_metadata_changed (r));
  assert_string_equal (ms_iceberg_view_metadata_uuid (r), uuid);
  /* the requested id 99 is free, so it is kept */
  assert_int_equal (ms_iceberg_view_metadata_current_version_id (r), 99);
  JsonObject *v = ms_iceberg_view_metadata_current_version (r);
  assert_int_equal (json_object_get_int_member (v, "schema-id"), 1);
  assert_int_equal (json_object_get_int_member (ms_iceberg_view_metadata_current_schema (r), "schema-id"), 1);
  assert_ids (ms_iceberg_view_metadata_versions (r), "[1, 99]");
  JsonArray *log = ms_iceberg_view_metadata_version_log (r);
  assert_ids (log, "[1, 99]");
  /* a version added in the commit is logged with its own timestamp */
  assert_true (json_object_get_int_member (json_array_get_object_element (log, 1), "timestamp-ms")
               == G_GINT64_CONSTANT (1700000000000));
  assert_string_equal (ms_iceberg_view_metadata_sql (r, "hive"), "select 2");
  g_autoptr (GPtrArray) cols = ms_iceberg_view_metadata_hive_columns (r, NULL);
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 1))->name, "day");

  /* dropping a dialect is refused unless replace.drop-dialect.allowed=true */
  g_autofree char *spark_only = replace_updates (NULL, SPARK_SQL ("select 3"));
  commit_fails (r, reqs, spark_only, MS_ERROR_INVALID_INPUT,
                "Cannot replace view due to loss of view dialects (replace.drop-dialect.allowed=false):\n"
                "Previous dialects: [spark, trino]\nNew dialects: [spark]");
  g_autofree char *allowed = g_strdup_printf ("[{\"action\": \"set-properties\", \"updates\": "
                                              "{\"replace.drop-dialect.allowed\": \"TRUE\"}}, %s", spark_only + 1);
  g_autoptr (MsIcebergViewMetadata) r2 = commit_ok (r, reqs, allowed);
  assert_int_equal (ms_iceberg_view_metadata_current_version_id (r2), 100);
  assert_int_equal (json_object_get_int_member (ms_iceberg_view_metadata_current_version (r2), "schema-id"), 0);
  /* the same version again, made current by id, changes nothing: no new
   * version, no new log entry */
  g_autofree char *add = add_version_json (5, 0, SPARK_SQL ("select 3"));
  g_autofree char *same = g_strdup_printf ("[%s, {\"action\": \"set-current-view-version\", "
                                           "\"view-version-id\": 100}]", add);
  g_autoptr (MsIcebergViewMetadata) r3 = commit_ok (r2, reqs, same);
  assert_false (ms_iceberg_view_metadata_changed (r3));
  g_autofree char *t2 = ms_iceberg_view_metadata_to_json (r2, FALSE, NULL);
  g_autofree char *t3 = ms_iceberg_view_metadata_to_json (r3, FALSE, NULL);
  assert_string_equal (t2, t3);
}

static void
test_version_ids (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (create_request);
  /* a requested id at or below the highest becomes highest + 1 */
  g_autofree char *u1 = replace_updates_id (NULL, 1, "[{\"type\": \"sql\", \"sql\": \"select 10\","
                                                     " \"dialect\": \"spark\"}, {\"type\": \"sql\","
                                                     " \"sql\": \"x\", \"dialect\": \"trino\"}]");
  g_autoptr (MsIcebergViewMetadata) r = commit_ok (vm, NULL, u1);
  assert_ids (ms_iceberg_view_metadata_versions (r), "[1, 2]");
  /* a version that behaves like an existing one reuses its id (timestamp and id aside) */
  const char *again = "[{\"action\": \"add-view-version\", \"view-version\": {\"version-id\": 7, \"timestamp-ms\": 3,"
                      " \"schema-id\": 0, \"summary\": {\"engine-name\": \"spark\"}, \"default-catalog\": \"prod\","
                      " \"default-namespace\": [\"db\"], \"representations\": ["
                      " {\"type\": \"sql\", \"sql\": \"select id, data from db.t\", \"dialect\": \"spark\"},"
                      " {\"type\": \"sql\", \"sql\": \"SELECT id, data FROM db.t\", \"dialect\": \"Trino\"}]}}";
  g_autofree char *reuse = g_strdup_printf ("%s]", again);
  g_autoptr (MsIcebergViewMetadata) r2 = commit_ok (r, NULL, reuse);
  assert_false (ms_iceberg_view_metadata_changed (r2));
  assert_ids (ms_iceberg_view_metadata_versions (r2), "[1, 2]");
  /* ... and is then not "the last added" for -1 */
  g_autofree char *reuse_current = g_strdup_printf ("%s, {\"action\": \"set-current-view-version\", "
                                                    "\"view-version-id\": -1}]", again);
  commit_fails (r, NULL, reuse_current, MS_ERROR_INVALID_INPUT,
                "Cannot set last version id: no current version id has been set");
  /* making an older version current again: logged with the time of the commit */
  gint64 before = g_get_real_time () / 1000;
  g_autoptr (MsIcebergViewMetadata) r3 =
    commit_ok (r, NULL, "[{\"action\": \"set-current-view-version\", \"view-version-id\": 1}]");
  assert_int_equal (ms_iceberg_view_metadata_current_version_id (r3), 1);
  JsonArray *log = ms_iceberg_view_metadata_version_log (r3);
  assert_ids (log, "[1, 2, 1]");
  assert_true (json_object_get_int_member (json_array_get_object_element (log, 2), "timestamp-ms") >= before);
  /* setting the current version as current changes nothing */
  g_autoptr (MsIcebergViewMetadata) r4 =
    commit_ok (r3, NULL, "[{\"action\": \"set-current-view-version\", \"view-version-id\": 1}]");
  assert_false (ms_iceberg_view_metadata_changed (r4));
}

static void
test_view_version_errors (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (create_request);
  int I = MS_ERROR_INVALID_INPUT;
  g_autofree char *no_schema = replace_updates (NULL, SPARK_SQL ("x"));
  char *p = strstr (no_schema, "\"schema-id\": 0");
  memcpy (p, "\"schema-id\":-1", 14);
  commit_fails (vm, NULL, no_schema, I, "Cannot set last added schema: no schema has been added");
  memcpy (p, "\"schema-id\": 9", 14);
  commit_fails (vm, NULL, no_schema, MS_ERROR_INVALID_ARGUMENT, "Cannot add version with unknown schema: 9");
  g_autofree char *dup = replace_updates (NULL, "[{\"type\": \"sql\", \"sql\": \"a\", \"dialect\": \"trino\"},"
                                                " {\"type\": \"sql\", \"sql\": \"b\", \"dialect\": \"TRINO\"}]");
  commit_fails (vm, NULL, dup, MS_ERROR_INVALID_ARGUMENT,
                "Invalid view version: Cannot add multiple queries for dialect trino");
  commit_fails (vm, NULL, "[{\"action\": \"set-current-view-version\", \"view-version-id\": 99}]",
                MS_ERROR_INVALID_ARGUMENT, "Cannot set current version to unknown version: 99");
  commit_fails (vm, NULL, "[{\"action\": \"set-current-view-version\", \"view-version-id\": -1}]", I,
                "Cannot set last version id: no current version id has been set");
  commit_fails (vm, NULL, "[{\"action\": \"set-current-view-version\"}]", I,
                "Invalid set-current-view-version update: missing or invalid view-version-id");
  commit_fails (vm, NULL, "[{\"action\": \"add-view-version\"}]", I,
                "Invalid add-view-version update: missing or invalid view-version");
  commit_fails (vm, NULL, "[{\"action\": \"add-view-version\", \"view-version\": {\"version-id\": 2, \"timestamp-ms\": 1,"
                " \"schema-id\": 0, \"summary\": {}, \"representations\": []}}]", I,
                "Invalid add-view-version update: view version: missing or invalid default-namespace");
  /* ids stay ints */
  g_autofree char *text = sample_changed (max_ids);
  g_autoptr (MsIcebergViewMetadata) full = ms_iceberg_view_metadata_parse (text, -1, NULL);
  assert_non_null (full);
  g_autofree char *next = add_version_json (1, 2147483647, SPARK_SQL ("x"));
  g_autofree char *u = g_strdup_printf ("[%s]", next);
  commit_fails (full, NULL, u, I, "Cannot add version: no version id is left");
  commit_fails (full, NULL, "[{\"action\": \"add-schema\", \"schema\": " SCHEMA_B "}]", I,
                "Cannot add schema: no schema id is left");
}

static void
test_schemas (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (create_request);
  /* the same fields as schema 0 (ids and identifier-field-ids [] aside): nothing added */
  g_autoptr (MsIcebergViewMetadata) r = commit_ok (
    vm, NULL, "[{\"action\": \"add-schema\", \"schema\": {\"type\": \"struct\", \"schema-id\": 5,"
              " \"identifier-field-ids\": [], \"fields\": ["
              "{\"id\": 1, \"name\": \"id\", \"required\": true, \"type\": \"long\"},"
              "{\"id\": 2, \"name\": \"data\", \"required\": false, \"type\": \"string\", \"doc\": \"payload\"}]}}]");
  assert_false (ms_iceberg_view_metadata_changed (r));
  /* new schemas take the highest id + 1, whatever id they bring */
  g_autoptr (MsIcebergViewMetadata) r2 =
    commit_ok (vm, NULL, "[{\"action\": \"add-schema\", \"schema\": " SCHEMA_B ", \"last-column-id\": 3},"
                         " {\"action\": \"add-schema\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0, \"fields\": []}},"
                         " {\"action\": \"add-schema\", \"schema\": " SCHEMA_B "}]");
  assert_true (ms_iceberg_view_metadata_changed (r2));
  JsonArray *schemas = arr_member (r2, "schemas");
  assert_int_equal (json_array_get_length (schemas), 3);
  assert_int_equal (json_object_get_int_member (json_array_get_object_element (schemas, 1), "schema-id"), 1);
  assert_int_equal (json_object_get_int_member (json_array_get_object_element (schemas, 2), "schema-id"), 2);
  /* the current schema is still the current version's */
  assert_int_equal (json_object_get_int_member (ms_iceberg_view_metadata_current_schema (r2), "schema-id"), 0);
  commit_fails (vm, NULL, "[{\"action\": \"add-schema\"}]", MS_ERROR_INVALID_INPUT,
                "Invalid add-schema update: missing or invalid schema");
  commit_fails (vm, NULL, "[{\"action\": \"add-schema\", \"schema\": {\"type\": \"struct\", \"fields\": 1}}]",
                MS_ERROR_INVALID_INPUT, "Invalid schema");
}

static void
test_properties_location_uuid_format (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (create_request);
  int I = MS_ERROR_INVALID_INPUT;
  g_autoptr (MsIcebergViewMetadata) r = commit_ok (
    vm, NULL, "[{\"action\": \"set-properties\", \"updates\": {\"a\": \"1\", \"owner\": \"bob\"}},"
              " {\"action\": \"remove-properties\", \"removals\": [\"comment\", \"missing\"]},"
              " {\"action\": \"set-properties\", \"updated\": {\"legacy\": \"yes\"}},"
              " {\"action\": \"remove-properties\", \"removed\": [\"a\"]},"
              " {\"action\": \"set-location\", \"location\": \"s3://elsewhere/v\"}]");
  assert_true (ms_iceberg_view_metadata_changed (r));
  assert_string_equal (ms_iceberg_view_metadata_property (r, "owner"), "bob");
  assert_string_equal (ms_iceberg_view_metadata_property (r, "legacy"), "yes");
  assert_null (ms_iceberg_view_metadata_property (r, "comment"));
  assert_null (ms_iceberg_view_metadata_property (r, "a"));
  assert_string_equal (ms_iceberg_view_metadata_location (r), "s3://elsewhere/v");
  /* no version change: the version-log stays */
  assert_ids (ms_iceberg_view_metadata_version_log (r), "[1]");

  /* updates that change nothing */
  g_autofree char *same_uuid = g_strdup_printf (
    "[{\"action\": \"assign-uuid\", \"uuid\": \"%s\"}, {\"action\": \"upgrade-format-version\", \"format-version\": 1},"
    " {\"action\": \"set-location\", \"location\": \"s3://wh/db/v\"}, {\"action\": \"set-properties\", \"updates\": {}},"
    " {\"action\": \"remove-properties\", \"removals\": []}]", ms_iceberg_view_metadata_uuid (vm));
  g_autoptr (MsIcebergViewMetadata) r2 = commit_ok (vm, NULL, same_uuid);
  assert_false (ms_iceberg_view_metadata_changed (r2));

  commit_fails (vm, NULL, "[{\"action\": \"assign-uuid\", \"uuid\": \"other\"}]", MS_ERROR_INVALID_ARGUMENT,
                "Cannot reassign uuid");
  commit_fails (vm, NULL, "[{\"action\": \"upgrade-format-version\", \"format-version\": 2}]",
                MS_ERROR_INVALID_ARGUMENT, "Unsupported format version: 2");
  commit_fails (vm, NULL, "[{\"action\": \"upgrade-format-version\", \"format-version\": 0}]",
                MS_ERROR_INVALID_ARGUMENT, "Cannot downgrade v1 view to v0");
  commit_fails (vm, NULL, "[{\"action\": \"set-location\", \"location\": \"\"}]", I,
                "Invalid set-location update: missing or invalid location");
  commit_fails (vm, NULL, "[{\"action\": \"set-properties\", \"updates\": {\"a\": 1}}]", I,
                "Invalid set-properties update: the value of 'a' is not a string");
  commit_fails (vm, NULL, "[{\"action\": \"remove-properties\", \"removals\": [1]}]", I,
                "Invalid remove-properties update: removals holds a non-string");
  commit_fails (vm, NULL, "[{\"action\": \"set-properties\", \"updates\": {\"version.history.num-entries\": \"x\"}}]", I,
                "Invalid version.history.num-entries: 'x' is not an integer");
}

static void
test_table_actions_refused (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (create_request);
  int I = MS_ERROR_INVALID_INPUT;
  static const char *const cases[][2] = {
    { "set-current-schema", "SetCurrentSchema" }, { "add-spec", "AddPartitionSpec" },
    { "set-default-spec", "SetDefaultPartitionSpec" }, { "add-sort-order", "AddSortOrder" },
    { "set-default-sort-order", "SetDefaultSortOrder" }, { "add-snapshot", "AddSnapshot" },
    { "set-snapshot-ref", "SetSnapshotRef" }, { "remove-snapshots", "RemoveSnapshots" },
    { "remove-snapshot-ref", "RemoveSnapshotRef" }, { "set-statistics", "SetStatistics" },
    { "remove-statistics", "RemoveStatistics" }, { "set-partition-statistics", "SetPartitionStatistics" },
    { "remove-partition-statistics", "RemovePartitionStatistics" },
    { "remove-partition-specs", "RemovePartitionSpecs" }, { "remove-schemas", "RemoveSchemas" },
    { "add-encryption-key", "AddEncryptionKey" }, { "remove-encryption-key", "RemoveEncryptionKey" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *u = g_strdup_printf ("[{\"action\": \"set-properties\", \"updates\": {\"a\": \"b\"}},"
                                            " {\"action\": \"%s\"}]", cases[i][0]);
      g_autofree char *m = g_strdup_printf ("Cannot apply update %s to a view", cases[i][1]);
      commit_fails (vm, NULL, u, I, m);
    }
  commit_fails (vm, NULL, "[{\"action\": \"frobnicate\"}]", I, "Unknown update action: frobnicate");
  commit_fails (vm, NULL, "[3]", I, "Invalid update: an object with a string action");
  /* checked before the requirements */
  commit_fails (vm, "[{\"type\": \"assert-view-uuid\", \"uuid\": \"x\"}]", "[{\"action\": \"add-spec\"}]", I,
                "Cannot apply update AddPartitionSpec to a view");
  g_autoptr (JsonNode) n = json ("[{\"action\": \"add-view-version\"}, {\"action\": \"add-snapshot\"}]");
  g_autoptr (GError) e = NULL;
  assert_false (ms_iceberg_view_updates_check_actions (json_node_get_array (n), &e));
  assert_string_equal (e->message, "Cannot apply update AddSnapshot to a view");
  g_autoptr (GError) e2 = NULL;
  g_autoptr (MsIcebergViewMetadata) none = commit (NULL, NULL, "[]", &e2);
  assert_null (none);
  assert_int_equal (e2->code, MS_ERROR_NOT_FOUND);
}

static void
test_commit_all_or_nothing (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (create_request);
  /* the first updates apply, the last fails: nothing is kept */
  commit_fails (vm, NULL,
                "[{\"action\": \"set-properties\", \"updates\": {\"a\": \"1\"}},"
                " {\"action\": \"add-schema\", \"schema\": " SCHEMA_B "},"
                " {\"action\": \"set-current-view-version\", \"view-version-id\": 5}]",
                MS_ERROR_INVALID_ARGUMENT, "Cannot set current version to unknown version: 5");
  assert_null (ms_iceberg_view_metadata_property (vm, "a"));
  assert_int_equal (json_array_get_length (arr_member (vm, "schemas")), 1);
  /* no updates at all: an unchanged copy */
  g_autoptr (MsIcebergViewMetadata) r = commit_ok (vm, NULL, NULL);
  assert_false (ms_iceberg_view_metadata_changed (r));
  g_autoptr (MsIcebergViewMetadata) c = ms_iceberg_view_metadata_copy (vm);
  g_autofree char *t1 = ms_iceberg_view_metadata_to_json (vm, FALSE, NULL);
  g_autofree char *t2 = ms_iceberg_view_metadata_to_json (c, FALSE, NULL);
  assert_string_equal (t1, t2);
}

/* ---- retention ---- */

/* Replaces the view's SQL with "select <i>" (a new version each time). */
static MsIcebergViewMetadata *
replace_n (const MsIcebergViewMetadata *vm, int i)
{
  g_autofree char *reps = g_strdup_printf ("[{\"type\": \"sql\", \"sql\": \"select %d\", \"dialect\": \"spark\"},"
                                           " {\"type\": \"sql\", \"sql\": \"x\", \"dialect\": \"trino\"}]", i);
  g_autofree char *u = replace_updates_id (NULL, 1, reps);
  return commit_ok (vm, NULL, u);
}

static void
test_history_retention (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (create_request);
  g_autoptr (MsIcebergViewMetadata) cur = commit_ok (
    vm, NULL, "[{\"action\": \"set-properties\", \"updates\": {\"version.history.num-entries\": \"2\"}}]");
  for (int i = 2; i <= 4; i++)
    {
      MsIcebergViewMetadata *next = replace_n (cur, i);
      ms_iceberg_view_metadata_free (cur);
      cur = next;
    }
  /* the current version and the highest other id; the log after the last gone version */
  assert_int_equal (ms_iceberg_view_metadata_current_version_id (cur), 4);
  assert_ids (ms_iceberg_view_metadata_versions (cur), "[4, 3]");
  assert_ids (ms_iceberg_view_metadata_version_log (cur), "[3, 4]");

  /* an older current version stays; it is listed first */
  g_autoptr (MsIcebergViewMetadata) back =
    commit_ok (cur, NULL, "[{\"action\": \"set-current-view-version\", \"view-version-id\": 3}]");
  g_autoptr (MsIcebergViewMetadata) next = replace_n (back, 5);
  assert_ids (ms_iceberg_view_metadata_version_log (back), "[3, 4, 3]");
  assert_ids (ms_iceberg_view_metadata_versions (next), "[5, 4]");
  assert_ids (ms_iceberg_view_metadata_version_log (next), "[5]");

  /* every version added in one commit is kept, whatever the limit */
  g_autoptr (GString) u = g_string_new ("[");
  for (int i = 0; i < 3; i++)
    g_string_append_printf (u, "%s{\"action\": \"add-view-version\", \"view-version\": {\"version-id\": 1,"
                            " \"timestamp-ms\": 1, \"schema-id\": 0, \"summary\": {}, \"default-namespace\": [],"
                            " \"representations\": [{\"type\": \"sql\", \"sql\": \"q%d\", \"dialect\": \"spark\"},"
                            " {\"type\": \"sql\", \"sql\": \"q\", \"dialect\": \"trino\"}]}}", i > 0 ? ", " : "", i);
  g_string_append (u, ", {\"action\": \"set-current-view-version\", \"view-version-id\": -1}]");
  g_autoptr (MsIcebergViewMetadata) many = commit_ok (next, NULL, u->str);
  assert_ids (ms_iceberg_view_metadata_versions (many), "[8, 7, 6]");
  assert_ids (ms_iceberg_view_metadata_version_log (many), "[8]");

  /* the default keeps 10 */
  g_autoptr (MsIcebergViewMetadata) d = created (create_request);
  for (int i = 2; i <= 12; i++)
    {
      MsIcebergViewMetadata *n = replace_n (d, i);
      ms_iceberg_view_metadata_free (d);
      d = n;
    }
  assert_int_equal (json_array_get_length (ms_iceberg_view_metadata_versions (d)), 10);
  assert_int_equal (json_array_get_length (ms_iceberg_view_metadata_version_log (d)), 10);
  assert_int_equal (ms_iceberg_view_metadata_current_version_id (d), 12);
}

/* ---- files ---- */

static void
test_file_names (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (create_request);
  g_autofree char *f0 = ms_iceberg_view_metadata_next_file (vm, NULL);
  assert_true (g_str_has_prefix (f0, "s3://wh/db/v/metadata/00000-"));
  assert_true (g_str_has_suffix (f0, ".metadata.json"));
  assert_int_equal (strlen (f0), strlen ("s3://wh/db/v/metadata/00000-") + 36 + strlen (".metadata.json"));
  assert_int_equal (ms_iceberg_metadata_file_version (f0), 0);
  g_autofree char *f1 = ms_iceberg_view_metadata_next_file (vm, f0);
  assert_true (g_str_has_prefix (f1, "s3://wh/db/v/metadata/00001-"));
  g_autofree char *f8 = ms_iceberg_view_metadata_next_file (vm, "s3://x/metadata/00007-abc.metadata.json");
  assert_true (g_str_has_prefix (f8, "s3://wh/db/v/metadata/00008-"));
  g_autofree char *fz = ms_iceberg_view_metadata_next_file (vm, "s3://x/v.metadata.json");
  assert_true (g_str_has_prefix (fz, "s3://wh/db/v/metadata/00000-"));
  g_autoptr (MsIcebergViewMetadata) r = commit_ok (
    vm, NULL, "[{\"action\": \"set-properties\", \"updates\": {\"write.metadata.path\": \"s3://meta/v//\"}}]");
  g_autofree char *fm = ms_iceberg_view_metadata_next_file (r, f1);
  assert_true (g_str_has_prefix (fm, "s3://meta/v/00002-"));
}

static void
test_hive_columns_and_sql (void **state)
{
  g_autoptr (MsIcebergViewMetadata) vm = created (
    "{\"name\": \"v\", \"schema\": {\"type\": \"struct\", \"fields\": ["
    "{\"id\": 1, \"name\": \"m\", \"required\": false, \"type\": {\"type\": \"map\", \"key-id\": 2, \"key\": \"string\","
    " \"value-id\": 3, \"value-required\": false, \"value\": \"decimal(9, 2)\"}},"
    "{\"id\": 4, \"name\": \"ts\", \"required\": false, \"type\": \"timestamptz\"}]}, "
    VV ("[{\"type\": \"sql\", \"sql\": \"select a\", \"dialect\": \"trino\"},"
        " {\"type\": \"sql\", \"sql\": \"select b\", \"dialect\": \"Hive\"}]") "}");
  g_autoptr (GPtrArray) cols = ms_iceberg_view_metadata_hive_columns (vm, NULL);
  assert_int_equal (cols->len, 2);
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 0))->type, "map<string,decimal(9,2)>");
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 1))->type, "timestamp");
  /* HiveViewOperations' choice: the hive dialect, else the first */
  assert_string_equal (ms_iceberg_view_metadata_sql (vm, "hive"), "select b");
  assert_string_equal (ms_iceberg_view_metadata_sql (vm, "spark"), "select a");
  /* a view whose only representation is of another type has no SQL */
  g_autofree char *text = sample_text ();
  g_autoptr (JsonNode) n = json (text);
  JsonObject *v2 = json_array_get_object_element (json_object_get_array_member (json_node_get_object (n), "versions"), 1);
  JsonArray *reps = json_array_new ();
  JsonObject *other = json_object_new ();
  json_object_set_string_member (other, "type", "substrait");
  json_array_add_object_element (reps, other);
  json_object_set_array_member (v2, "representations", reps);
  g_autoptr (MsIcebergViewMetadata) vm2 = ms_iceberg_view_metadata_from_object (json_node_get_object (n), NULL);
  assert_non_null (vm2);
  assert_null (ms_iceberg_view_metadata_sql (vm2, "hive"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_create),
    cmocka_unit_test (test_create_defaults),
    cmocka_unit_test (test_create_errors),
    cmocka_unit_test (test_parse_and_write),
    cmocka_unit_test (test_parse_errors),
    cmocka_unit_test (test_requirements),
    cmocka_unit_test (test_replace_version),
    cmocka_unit_test (test_version_ids),
    cmocka_unit_test (test_view_version_errors),
    cmocka_unit_test (test_schemas),
    cmocka_unit_test (test_properties_location_uuid_format),
    cmocka_unit_test (test_table_actions_refused),
    cmocka_unit_test (test_commit_all_or_nothing),
    cmocka_unit_test (test_history_retention),
    cmocka_unit_test (test_file_names),
    cmocka_unit_test (test_hive_columns_and_sql),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
