/* test_iceberg_metadata.c: the Iceberg table metadata model (iceberg/metadata*.c):
 * create, parse/write of v1..v3 (samples in tests/unit/data/iceberg), every
 * requirement, every update action, commits, metadata-log and file names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
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
sample_text (const char *name)
{
  const char *top = g_getenv ("top_srcdir");
  g_autofree char *path = g_build_filename (top != NULL ? top : ".", "tests/unit/data/iceberg", name, NULL);
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    fail_msg ("cannot read %s", path);
  return text;
}

static MsIcebergMetadata *
sample (const char *name)
{
  g_autofree char *text = sample_text (name);
  g_autoptr (GError) e = NULL;
  MsIcebergMetadata *md = ms_iceberg_metadata_parse (text, -1, &e);
  if (md == NULL)
    fail_msg ("%s does not parse: %s", name, e->message);
  return md;
}

/* Commits 'reqs' and 'updates' (JSON arrays, NULL: none) on 'md'. */
static MsIcebergMetadata *
commit (const MsIcebergMetadata *md, const char *reqs, const char *updates, GError **error)
{
  g_autoptr (JsonNode) r = json (reqs != NULL ? reqs : "[]");
  g_autoptr (JsonNode) u = json (updates != NULL ? updates : "[]");
  return ms_iceberg_metadata_commit (md, json_node_get_array (r), json_node_get_array (u), error);
}

static MsIcebergMetadata *
commit_ok (const MsIcebergMetadata *md, const char *reqs, const char *updates)
{
  g_autoptr (GError) e = NULL;
  MsIcebergMetadata *out = commit (md, reqs, updates, &e);
  if (out == NULL)
    fail_msg ("commit %s %s failed: %s", reqs ? reqs : "", updates ? updates : "", e->message);
  /* every result must write and read back unchanged */
  g_autofree char *text = ms_iceberg_metadata_to_json (out, FALSE, NULL);
  g_autoptr (MsIcebergMetadata) back = ms_iceberg_metadata_parse (text, -1, &e);
  if (back == NULL)
    fail_msg ("commit result does not read back: %s\n%s", e->message, text);
  g_autofree char *text2 = ms_iceberg_metadata_to_json (back, FALSE, NULL);
  assert_string_equal (text, text2);
  return out;
}

static void
commit_fails (const MsIcebergMetadata *md, const char *reqs, const char *updates, int code, const char *message)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *before = md != NULL ? ms_iceberg_metadata_to_json (md, FALSE, NULL) : NULL;
  g_autoptr (MsIcebergMetadata) out = commit (md, reqs, updates, &e);
  if (out != NULL)
    fail_msg ("commit %s %s should fail with '%s'", reqs ? reqs : "", updates ? updates : "", message);
  assert_true (e->domain == MS_ERROR);
  if (e->code != code || strstr (e->message, message) == NULL)
    fail_msg ("got %s '%s', want %s '%s'", ms_error_code_name (e->code), e->message, ms_error_code_name (code),
              message);
  if (md != NULL)
    {
      g_autofree char *after = ms_iceberg_metadata_to_json (md, FALSE, NULL);
      assert_string_equal (before, after);
    }
}

static gint64
int_member (const MsIcebergMetadata *md, const char *name)
{
  return json_object_get_int_member (ms_iceberg_metadata_tree (md), name);
}

static JsonArray *
arr_member (const MsIcebergMetadata *md, const char *name)
{
  return json_object_get_array_member (ms_iceberg_metadata_tree (md), name);
}

/* ---- create ---- */

static const char create_request[] =
  "{\"name\": \"events\", \"location\": \"s3://wh/db/events/\","
  " \"schema\": {\"type\": \"struct\", \"identifier-field-ids\": [101], \"fields\": ["
  "  {\"id\": 101, \"name\": \"id\", \"required\": true, \"type\": \"long\"},"
  "  {\"id\": 102, \"name\": \"data\", \"required\": false, \"type\": \"string\", \"doc\": \"payload\"},"
  "  {\"id\": 103, \"name\": \"ts\", \"required\": false, \"type\": \"timestamptz\"},"
  "  {\"id\": 104, \"name\": \"price\", \"required\": false, \"type\": \"decimal(10, 2)\"},"
  "  {\"id\": 105, \"name\": \"tags\", \"required\": false, \"type\": {\"type\": \"list\", \"element-id\": 150,"
  "     \"element\": \"string\", \"element-required\": false}},"
  "  {\"id\": 106, \"name\": \"attrs\", \"required\": false, \"type\": {\"type\": \"map\", \"key-id\": 160,"
  "     \"key\": \"string\", \"value-id\": 161, \"value\": \"int\", \"value-required\": false}},"
  "  {\"id\": 107, \"name\": \"point\", \"required\": false, \"type\": {\"type\": \"struct\", \"fields\": ["
  "     {\"id\": 170, \"name\": \"x\", \"required\": true, \"type\": \"double\"},"
  "     {\"id\": 171, \"name\": \"y\", \"required\": true, \"type\": \"double\"}]}},"
  "  {\"id\": 108, \"name\": \"u\", \"required\": false, \"type\": \"uuid\"},"
  "  {\"id\": 109, \"name\": \"f\", \"required\": false, \"type\": \"fixed[16]\"},"
  "  {\"id\": 110, \"name\": \"b\", \"required\": false, \"type\": \"binary\"},"
  "  {\"id\": 111, \"name\": \"d\", \"required\": false, \"type\": \"date\"},"
  "  {\"id\": 112, \"name\": \"t\", \"required\": false, \"type\": \"time\"},"
  "  {\"id\": 113, \"name\": \"flag\", \"required\": false, \"type\": \"boolean\"},"
  "  {\"id\": 114, \"name\": \"fl\", \"required\": false, \"type\": \"float\"},"
  "  {\"id\": 115, \"name\": \"i\", \"required\": false, \"type\": \"int\"},"
  "  {\"id\": 116, \"name\": \"tsn\", \"required\": false, \"type\": \"timestamp\"}]},"
  " \"partition-spec\": {\"fields\": [{\"source-id\": 103, \"transform\": \"day\", \"name\": \"ts_day\"},"
  "   {\"source-id\": 101, \"transform\": \"bucket[16]\", \"name\": \"id_bucket\"}]},"
  " \"write-order\": {\"fields\": [{\"source-id\": 102, \"transform\": \"identity\", \"direction\": \"desc\","
  "   \"null-order\": \"nulls-last\"}]},"
  " \"stage-create\": false,"
  " \"properties\": {\"format-version\": \"3\", \"owner\": \"alice\"}}";

static void
test_create (void **state)
{
  g_autoptr (JsonNode) req = json (create_request);
  g_autoptr (GError) e = NULL;
  g_autoptr (MsIcebergMetadata) md = ms_iceberg_metadata_create (json_node_get_object (req), NULL, &e);
  assert_non_null (md);
  assert_false (ms_iceberg_metadata_changed (md));
  assert_int_equal (ms_iceberg_metadata_format_version (md), 3);
  assert_int_equal (strlen (ms_iceberg_metadata_uuid (md)), 36);
  assert_string_equal (ms_iceberg_metadata_location (md), "s3://wh/db/events");
  assert_int_equal (ms_iceberg_metadata_current_snapshot_id (md), -1);
  assert_true (ms_iceberg_metadata_last_updated_ms (md) > 1700000000000);
  /* 16 top-level ids first, then the list element, map key/value, struct fields */
  assert_int_equal (ms_iceberg_metadata_last_column_id (md), 21);
  JsonObject *schema = ms_iceberg_metadata_current_schema (md);
  JsonArray *fields = json_object_get_array_member (schema, "fields");
  for (guint i = 0; i < 16; i++)
    assert_int_equal (json_object_get_int_member (json_array_get_object_element (fields, i), "id"), i + 1);
  JsonObject *tags = json_object_get_object_member (json_array_get_object_element (fields, 4), "type");
  assert_int_equal (json_object_get_int_member (tags, "element-id"), 17);
  JsonObject *attrs = json_object_get_object_member (json_array_get_object_element (fields, 5), "type");
  assert_int_equal (json_object_get_int_member (attrs, "key-id"), 18);
  assert_int_equal (json_object_get_int_member (attrs, "value-id"), 19);
  JsonObject *point = json_object_get_object_member (json_array_get_object_element (fields, 6), "type");
  JsonArray *pf = json_object_get_array_member (point, "fields");
  assert_int_equal (json_object_get_int_member (json_array_get_object_element (pf, 1), "id"), 21);
  JsonArray *ident = json_object_get_array_member (schema, "identifier-field-ids");
  assert_int_equal (json_array_get_int_element (ident, 0), 1);

  /* spec 0 with field ids from 1000 and remapped sources; sort order 1 */
  assert_int_equal (ms_iceberg_metadata_default_spec_id (md), 0);
  assert_int_equal (ms_iceberg_metadata_last_partition_id (md), 1001);
  JsonObject *spec = json_array_get_object_element (arr_member (md, "partition-specs"), 0);
  JsonObject *pf0 = json_array_get_object_element (json_object_get_array_member (spec, "fields"), 0);
  assert_int_equal (json_object_get_int_member (pf0, "source-id"), 3);
  assert_int_equal (json_object_get_int_member (pf0, "field-id"), 1000);
  assert_int_equal (ms_iceberg_metadata_default_sort_order_id (md), 1);
  JsonObject *order = json_array_get_object_element (arr_member (md, "sort-orders"), 0);
  JsonObject *of0 = json_array_get_object_element (json_object_get_array_member (order, "fields"), 0);
  assert_int_equal (json_object_get_int_member (of0, "source-id"), 2);

  /* reserved properties are not stored */
  assert_null (ms_iceberg_metadata_property (md, "format-version"));
  assert_string_equal (ms_iceberg_metadata_property (md, "owner"), "alice");
  assert_string_equal (ms_iceberg_metadata_property (md, "write.parquet.compression-codec"), "zstd");
  assert_int_equal (int_member (md, "next-row-id"), 0);

  /* the HMS mirror's columns */
  g_autoptr (GPtrArray) cols = ms_iceberg_metadata_hive_columns (md, &e);
  assert_non_null (cols);
  static const char *const want[][2] = {
    { "id", "bigint" }, { "data", "string" }, { "ts", "timestamp" }, { "price", "decimal(10,2)" },
    { "tags", "array<string>" }, { "attrs", "map<string,int>" }, { "point", "struct<x:double,y:double>" },
    { "u", "string" }, { "f", "binary" }, { "b", "binary" }, { "d", "date" }, { "t", "string" },
    { "flag", "boolean" }, { "fl", "float" }, { "i", "int" }, { "tsn", "timestamp" },
  };
  assert_int_equal (cols->len, G_N_ELEMENTS (want));
  for (guint i = 0; i < cols->len; i++)
    {
      MsColumn *c = g_ptr_array_index (cols, i);
      assert_string_equal (c->name, want[i][0]);
      assert_string_equal (c->type, want[i][1]);
    }
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 1))->comment, "payload");

  /* what is written reads back the same */
  g_autofree char *text = ms_iceberg_metadata_to_json (md, TRUE, NULL);
  g_autoptr (MsIcebergMetadata) back = ms_iceberg_metadata_parse (text, -1, &e);
  assert_non_null (back);
  g_autofree char *text2 = ms_iceberg_metadata_to_json (back, TRUE, NULL);
  assert_string_equal (text, text2);
}

static void
test_create_defaults (void **state)
{
  g_autoptr (JsonNode) req = json ("{\"name\": \"t\", \"schema\": {\"type\": \"struct\", \"fields\": ["
                                   "{\"id\": 5, \"name\": \"a\", \"required\": false, \"type\": \"int\"}]}}");
  g_autoptr (GError) e = NULL;
  g_autoptr (MsIcebergMetadata) md = ms_iceberg_metadata_create (json_node_get_object (req), "file:///wh/t", &e);
  assert_non_null (md);
  assert_int_equal (ms_iceberg_metadata_format_version (md), 2);
  assert_string_equal (ms_iceberg_metadata_location (md), "file:///wh/t");
  assert_int_equal (ms_iceberg_metadata_last_column_id (md), 1);
  assert_int_equal (ms_iceberg_metadata_last_partition_id (md), 999);
  assert_int_equal (ms_iceberg_metadata_default_sort_order_id (md), 0);
  assert_null (json_object_get_member (ms_iceberg_metadata_tree (md), "next-row-id"));
  g_autofree char *text = ms_iceberg_metadata_to_json (md, FALSE, NULL);
  assert_non_null (strstr (text, "\"last-sequence-number\":0"));
  assert_non_null (strstr (text, "\"current-snapshot-id\":-1"));
  assert_null (strstr (text, "\"schema\":"));
}

static void
create_fails (const char *request, const char *location, const char *message)
{
  g_autoptr (JsonNode) req = json (request);
  g_autoptr (GError) e = NULL;
  g_autoptr (MsIcebergMetadata) md = ms_iceberg_metadata_create (json_node_get_object (req), location, &e);
  assert_null (md);
  /* Java's checkArgument refusals are IllegalArgumentExceptions */
  assert_int_equal (e->code, strstr (message, "Unsupported format version") ? MS_ERROR_INVALID_ARGUMENT
                                                                            : MS_ERROR_INVALID_INPUT);
  if (strstr (e->message, message) == NULL)
    fail_msg ("got '%s', want '%s'", e->message, message);
}

#define SCHEMA1 "\"schema\": {\"type\": \"struct\", \"fields\": [{\"id\": 1, \"name\": \"a\", \"required\": false, \"type\": \"int\"}]}"

static void
test_create_errors (void **state)
{
  create_fails ("{\"name\": \"t\"}", "x", "name and schema are required");
  create_fails ("{\"name\": \"t\", " SCHEMA1 "}", NULL, "no location");
  create_fails ("{\"name\": \"t\", " SCHEMA1 ", \"properties\": {\"format-version\": \"4\"}}", "x",
                "Unsupported format version: v4");
  create_fails ("{\"name\": \"t\", " SCHEMA1 ", \"partition-spec\": {\"fields\": [{\"source-id\": 9, "
                "\"transform\": \"identity\", \"name\": \"p\"}]}}", "x", "Cannot find source column");
  create_fails ("{\"name\": \"t\", \"schema\": {\"type\": \"struct\", \"fields\": [{\"id\": 1, \"name\": \"a\", "
                "\"required\": false, \"type\": \"int128\"}]}}", "x", "unknown type 'int128'");
}

/* Iceberg binds the request's spec and write order to its schema
 * (PartitionSpec.Builder, checkCompatibility, Transforms' canTransform). */
#define BIND_SCHEMA \
  "\"schema\": {\"type\": \"struct\", \"fields\": [" \
  " {\"id\": 1, \"name\": \"id\", \"required\": true, \"type\": \"long\"}," \
  " {\"id\": 2, \"name\": \"data\", \"required\": false, \"type\": \"string\"}," \
  " {\"id\": 3, \"name\": \"d\", \"required\": false, \"type\": \"date\"}," \
  " {\"id\": 4, \"name\": \"ts\", \"required\": false, \"type\": \"timestamp_ns\"}," \
  " {\"id\": 5, \"name\": \"f\", \"required\": false, \"type\": \"double\"}," \
  " {\"id\": 6, \"name\": \"p\", \"required\": false, \"type\": {\"type\": \"struct\", \"fields\": [" \
  "   {\"id\": 7, \"name\": \"x\", \"required\": true, \"type\": \"int\"}]}}," \
  " {\"id\": 8, \"name\": \"l\", \"required\": false, \"type\": {\"type\": \"list\", \"element-id\": 9," \
  "   \"element\": \"int\", \"element-required\": true}}," \
  " {\"id\": 10, \"name\": \"g\", \"required\": false, \"type\": \"geometry\"}," \
  " {\"id\": 11, \"name\": \"v\", \"required\": false, \"type\": \"variant\"}," \
  " {\"id\": 12, \"name\": \"u\", \"required\": false, \"type\": \"uuid\"}]}"

static MsIcebergMetadata *
create_with (const char *members, GError **error)
{
  g_autofree char *text = g_strdup_printf ("{\"name\": \"t\", " BIND_SCHEMA "%s%s}", *members ? ", " : "", members);
  g_autoptr (JsonNode) req = json (text);
  return ms_iceberg_metadata_create (json_node_get_object (req), "file:///wh/t", error);
}

static void
spec_ok (const char *transform, int source)
{
  g_autofree char *m = g_strdup_printf ("\"partition-spec\": {\"fields\": [{\"source-id\": %d, \"transform\": \"%s\","
                                        " \"name\": \"part\"}]}", source, transform);
  g_autoptr (GError) e = NULL;
  g_autoptr (MsIcebergMetadata) md = create_with (m, &e);
  if (md == NULL)
    fail_msg ("%s on %d refused: %s", transform, source, e->message);
}

static void
spec_refused (const char *transform, int source, const char *name, const char *message)
{
  g_autofree char *m = g_strdup_printf ("\"partition-spec\": {\"fields\": [{\"source-id\": %d, \"transform\": \"%s\","
                                        " \"name\": \"%s\"}]}", source, transform, name);
  g_autoptr (GError) e = NULL;
  g_autoptr (MsIcebergMetadata) md = create_with (m, &e);
  if (md != NULL)
    fail_msg ("%s on %d accepted", transform, source);
  assert_int_equal (e->code, MS_ERROR_INVALID_INPUT);
  if (strstr (e->message, message) == NULL)
    fail_msg ("%s on %d: got '%s', want '%s'", transform, source, e->message, message);
}

static void
test_create_binds_spec_and_order (void **state)
{
  /* what each transform takes */
  spec_ok ("identity", 2);
  spec_ok ("identity", 7);            /* inside a struct */
  spec_ok ("bucket[16]", 1);
  spec_ok ("bucket[4]", 12);
  spec_ok ("truncate[3]", 2);
  spec_ok ("year", 3);
  spec_ok ("day", 4);
  spec_ok ("hour", 4);
  spec_ok ("void", 6);                /* void takes anything */
  spec_ok ("zorder", 1);              /* unknown transforms are kept */
  spec_refused ("day", 2, "part", "Invalid source type string for transform: day");
  spec_refused ("hour", 3, "part", "Invalid source type date for transform: hour");
  spec_refused ("bucket[8]", 5, "part", "Invalid source type double for transform: bucket[8]");
  spec_refused ("truncate[2]", 5, "part", "Invalid source type double for transform: truncate[2]");
  spec_refused ("identity", 10, "part", "Invalid source type geometry for transform: identity");
  spec_refused ("identity", 6, "part",
                "Cannot partition by non-primitive source field: struct<7: x: required int>");
  spec_refused ("identity", 11, "part", "Cannot partition by non-primitive source field: variant");
  spec_refused ("identity", 9, "part", "Invalid partition field parent");
  spec_refused ("bucket[0]", 1, "part", "Invalid number of buckets: 0 (must be > 0)");
  spec_refused ("truncate[0]", 2, "part", "Invalid truncate width: 0 (must be > 0)");
  spec_refused ("bucket[99999999999]", 1, "part", "Invalid transform: bucket[99999999999]");
  /* partition names: not another column's, not empty */
  spec_refused ("bucket[2]", 1, "data", "Cannot create identity partition sourced from different field in schema: data");
  spec_refused ("bucket[2]", 1, "p.x", "sourced from different field in schema: p.x");
  spec_ok ("bucket[2]", 1);
  spec_refused ("identity", 1, "", "Cannot use empty partition name");
  g_autoptr (GError) e = NULL;
  g_autoptr (MsIcebergMetadata) dup = create_with (
      "\"partition-spec\": {\"fields\": [{\"source-id\": 1, \"transform\": \"bucket[2]\", \"name\": \"b\"},"
      " {\"source-id\": 2, \"transform\": \"identity\", \"name\": \"b\"}]}", &e);
  assert_null (dup);
  assert_non_null (strstr (e->message, "Cannot use partition name more than once: b"));
  g_clear_error (&e);

  /* transforms are written as Iceberg writes them */
  g_autoptr (MsIcebergMetadata) md = create_with (
      "\"partition-spec\": {\"fields\": [{\"source-id\": 1, \"transform\": \"Bucket[08]\", \"name\": \"b\"}]},"
      " \"write-order\": {\"order-id\": 1, \"fields\": [{\"source-id\": 3, \"transform\": \"YEAR\", \"direction\": \"asc\","
      "   \"null-order\": \"nulls-first\"}]}", &e);
  assert_non_null (md);
  JsonObject *spec = json_array_get_object_element (arr_member (md, "partition-specs"), 0);
  JsonObject *pf = json_array_get_object_element (json_object_get_array_member (spec, "fields"), 0);
  assert_string_equal (json_object_get_string_member (pf, "transform"), "bucket[8]");
  JsonObject *order = json_array_get_object_element (arr_member (md, "sort-orders"), 0);
  JsonObject *of = json_array_get_object_element (json_object_get_array_member (order, "fields"), 0);
  assert_string_equal (json_object_get_string_member (of, "transform"), "year");

  /* sort orders: a primitive source that suits the transform; no void exemption */
  static const char *const bad_orders[][3] = {
    { "6", "identity", "Cannot sort by non-primitive source field: struct<7: x: required int>" },
    { "2", "day", "Invalid source type string for transform: day" },
    { "99", "void", "Cannot find source column for sort field" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad_orders); i++)
    {
      g_autofree char *m = g_strdup_printf ("\"write-order\": {\"order-id\": 1, \"fields\": [{\"source-id\": %s,"
                                            " \"transform\": \"%s\", \"direction\": \"asc\", \"null-order\": \"nulls-first\"}]}",
                                            bad_orders[i][0], bad_orders[i][1]);
      g_autoptr (GError) oe = NULL;
      g_autoptr (MsIcebergMetadata) o = create_with (m, &oe);
      assert_null (o);
      if (strstr (oe->message, bad_orders[i][2]) == NULL)
        fail_msg ("got '%s', want '%s'", oe->message, bad_orders[i][2]);
    }
  g_autoptr (MsIcebergMetadata) zero = create_with (
      "\"write-order\": {\"order-id\": 0, \"fields\": [{\"source-id\": 1, \"transform\": \"identity\","
      " \"direction\": \"asc\", \"null-order\": \"nulls-first\"}]}", &e);
  assert_null (zero);
  assert_non_null (strstr (e->message, "Sort order ID 0 is reserved for unsorted order"));
  g_clear_error (&e);

  /* "location" must be a string when given */
  g_autoptr (MsIcebergMetadata) loc = create_with ("\"location\": 7", &e);
  assert_null (loc);
  assert_non_null (strstr (e->message, "location is not a string"));
  g_clear_error (&e);
  g_autoptr (MsIcebergMetadata) null_loc = create_with ("\"location\": null", &e);
  assert_non_null (null_loc);
  assert_string_equal (ms_iceberg_metadata_location (null_loc), "file:///wh/t");
}

/* ---- parse and write ---- */

/* Parses a sample, writes it, reads that back and writes again: same text. */
static MsIcebergMetadata *
round_trip (const char *name, char **text_out)
{
  MsIcebergMetadata *md = sample (name);
  g_autoptr (GError) e = NULL;
  g_autofree char *text = ms_iceberg_metadata_to_json (md, TRUE, NULL);
  g_autoptr (MsIcebergMetadata) back = ms_iceberg_metadata_parse (text, -1, &e);
  if (back == NULL)
    fail_msg ("%s written does not read back: %s", name, e->message);
  g_autofree char *text2 = ms_iceberg_metadata_to_json (back, TRUE, NULL);
  assert_string_equal (text, text2);
  *text_out = g_steal_pointer (&text);
  return md;
}

static void
test_round_trip_v1 (void **state)
{
  g_autofree char *text = NULL;
  g_autoptr (MsIcebergMetadata) md = round_trip ("v1.metadata.json", &text);
  assert_int_equal (ms_iceberg_metadata_format_version (md), 1);
  assert_int_equal (ms_iceberg_metadata_current_schema_id (md), 0);
  assert_int_equal (ms_iceberg_metadata_last_partition_id (md), 1000);
  assert_int_equal (ms_iceberg_metadata_default_sort_order_id (md), 0);
  /* v1 readers need "schema" and "partition-spec"; no sequence numbers */
  assert_non_null (strstr (text, "\"schema\" : {"));
  assert_non_null (strstr (text, "\"partition-spec\" : ["));
  assert_non_null (strstr (text, "\"schemas\" : ["));
  assert_null (strstr (text, "last-sequence-number"));
  /* member order as Iceberg writes it */
  assert_true (strstr (text, "\"format-version\"") < strstr (text, "\"table-uuid\""));
  assert_true (strstr (text, "\"last-column-id\"") < strstr (text, "\"schema\""));
  assert_true (strstr (text, "\"snapshot-log\"") < strstr (text, "\"metadata-log\""));
}

static void
test_round_trip_v2 (void **state)
{
  g_autofree char *text = NULL;
  g_autoptr (MsIcebergMetadata) md = round_trip ("v2.metadata.json", &text);
  assert_int_equal (ms_iceberg_metadata_format_version (md), 2);
  assert_string_equal (ms_iceberg_metadata_uuid (md), "9c12d441-03fe-4693-9a96-a0705ddf69c1");
  assert_string_equal (ms_iceberg_metadata_location (md), "s3://bucket/test/location");
  assert_true (ms_iceberg_metadata_current_snapshot_id (md) == G_GINT64_CONSTANT (3055729675574597004));
  assert_int_equal (ms_iceberg_metadata_last_sequence_number (md), 34);
  assert_int_equal (ms_iceberg_metadata_last_updated_ms (md), G_GINT64_CONSTANT (1602638573590));
  assert_string_equal (ms_iceberg_metadata_property (md, "read.split.target-size"), "134217728");
  assert_int_equal (json_array_get_length (ms_iceberg_metadata_metadata_log (md)), 1);
  assert_int_equal (json_array_get_length (ms_iceberg_metadata_snapshot_log (md)), 2);
  assert_non_null (strstr (text, "\"last-sequence-number\" : 34"));
  assert_null (strstr (text, "\"schema\" :"));
  assert_null (strstr (text, "next-row-id"));
  /* unknown members are kept */
  assert_non_null (strstr (text, "\"x-vendor-extension\""));
  g_autoptr (GPtrArray) cols = ms_iceberg_metadata_hive_columns (md, NULL);
  assert_int_equal (cols->len, 3);
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 1))->comment, "comment");
}

static void
test_round_trip_v3 (void **state)
{
  g_autofree char *text = NULL;
  g_autoptr (MsIcebergMetadata) md = round_trip ("v3.metadata.json", &text);
  assert_int_equal (ms_iceberg_metadata_format_version (md), 3);
  assert_int_equal (int_member (md, "next-row-id"), 100);
  assert_non_null (strstr (text, "\"next-row-id\" : 100"));
  assert_non_null (strstr (text, "\"encryption-keys\""));
  assert_non_null (strstr (text, "\"initial-default\" : \"n/a\""));
  g_autoptr (GPtrArray) cols = ms_iceberg_metadata_hive_columns (md, NULL);
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 1))->type, "timestamp");
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 2))->type, "string");
}

static void
parse_fails (const char *text, const char *message)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (MsIcebergMetadata) md = ms_iceberg_metadata_parse (text, -1, &e);
  assert_null (md);
  /* Java's checkArgument refusals are IllegalArgumentExceptions */
  assert_int_equal (e->code, strstr (message, "Unsupported format version") ? MS_ERROR_INVALID_ARGUMENT
                                                                            : MS_ERROR_INVALID_INPUT);
  if (strstr (e->message, message) == NULL)
    fail_msg ("got '%s', want '%s'", e->message, message);
}

static void
test_parse_errors (void **state)
{
  parse_fails ("", "empty document");
  parse_fails ("[1]", "not a JSON object");
  parse_fails ("{\"format-version\": 4}", "Cannot read unsupported version 4");
  parse_fails ("{\"format-version\": \"2\"}", "format-version");
  g_autofree char *v2 = sample_text ("v2.metadata.json");
  g_autoptr (JsonNode) n = json (v2);
  JsonObject *o = json_node_get_object (n);
  json_object_remove_member (o, "last-sequence-number");
  g_autofree char *t1 = json_to_string (n, FALSE);
  parse_fails (t1, "last-sequence-number");
  json_object_set_int_member (o, "last-sequence-number", 1);
  json_object_set_int_member (o, "current-schema-id", 9);
  g_autofree char *t2 = json_to_string (n, FALSE);
  parse_fails (t2, "current-schema-id=9");
  json_object_set_int_member (o, "current-schema-id", 1);
  json_object_set_string_member (o, "properties", "x");
  g_autofree char *t3 = json_to_string (n, FALSE);
  parse_fails (t3, "properties is not an object");
  json_object_set_object_member (o, "properties", json_object_new ());
  json_object_set_int_member (o, "current-snapshot-id", 5);
  g_autofree char *t4 = json_to_string (n, FALSE);
  parse_fails (t4, "cannot find current snapshot 5");
  /* a sort order without order-id: one error, not one set over another
   * (GLib warns and leaks then; warnings are fatal here) */
  {
    g_autoptr (JsonNode) n2 = json (v2);
    JsonObject *o2 = json_node_get_object (n2);
    JsonArray *orders = json_object_get_array_member (o2, "sort-orders");
    json_object_remove_member (json_array_get_object_element (orders, 0), "order-id");
    g_autofree char *t = json_to_string (n2, FALSE);
    GLogLevelFlags old = g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
    parse_fails (t, "order-id");
    g_log_set_always_fatal (old);
  }
  /* current-snapshot-id null means none */
  json_object_set_null_member (o, "current-snapshot-id");
  g_autofree char *t5 = json_to_string (n, FALSE);
  g_autoptr (MsIcebergMetadata) md = ms_iceberg_metadata_parse (t5, -1, NULL);
  assert_non_null (md);
  assert_int_equal (ms_iceberg_metadata_current_snapshot_id (md), -1);
  /* numbers json-glib cannot write back (see double_writable in metadata.c) */
  g_autofree char *t6 = json_to_string (n, FALSE);
  g_autofree char *t7 = g_strconcat ("{\"x\": 1e999,", t6 + 1, NULL);
  parse_fails (t7, "number out of range");
  g_autofree char *t8 = g_strconcat ("{\"x\": [1.5, 2e20],", t6 + 1, NULL);
  parse_fails (t8, "number out of range");
  g_autofree char *t9 = g_strconcat ("{\"x\": [1.5, 2.5e20, -0.25],", t6 + 1, NULL);
  g_autoptr (MsIcebergMetadata) md9 = ms_iceberg_metadata_parse (t9, -1, NULL);
  assert_non_null (md9);
}

/* ---- requirements ---- */

static void
req_pass (const MsIcebergMetadata *md, const char *req)
{
  g_autoptr (JsonNode) n = json (req);
  g_autoptr (GError) e = NULL;
  if (!ms_iceberg_requirements_check (md, json_node_get_array (n), &e))
    fail_msg ("%s failed: %s", req, e->message);
}

static void
req_fail (const MsIcebergMetadata *md, const char *req, int code, const char *message)
{
  g_autoptr (JsonNode) n = json (req);
  g_autoptr (GError) e = NULL;
  if (ms_iceberg_requirements_check (md, json_node_get_array (n), &e))
    fail_msg ("%s passed", req);
  if (e->code != code || strcmp (e->message, message) != 0)
    fail_msg ("%s: got %s '%s', want '%s'", req, ms_error_code_name (e->code), e->message, message);
}

static void
test_requirements (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  int C = MS_ERROR_CONFLICT;
  req_pass (md, "[]");
  req_pass (NULL, "[{\"type\": \"assert-create\"}]");
  req_fail (md, "[{\"type\": \"assert-create\"}]", C, "Requirement failed: table already exists");

  req_pass (md, "[{\"type\": \"assert-table-uuid\", \"uuid\": \"9C12D441-03FE-4693-9A96-A0705DDF69C1\"}]");
  req_fail (md, "[{\"type\": \"assert-table-uuid\", \"uuid\": \"x\"}]", C,
            "Requirement failed: UUID does not match: expected 9c12d441-03fe-4693-9a96-a0705ddf69c1 != x");

  req_pass (md, "[{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"main\", \"snapshot-id\": 3055729675574597004}]");
  req_fail (md, "[{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"main\", \"snapshot-id\": 1}]", C,
            "Requirement failed: branch main has changed: expected id 1 != 3055729675574597004");
  req_fail (md, "[{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"v1\", \"snapshot-id\": 2}]", C,
            "Requirement failed: tag v1 has changed: expected id 2 != 3051729675574597004");
  req_fail (md, "[{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"main\", \"snapshot-id\": null}]", C,
            "Requirement failed: branch main was created concurrently");
  req_pass (md, "[{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"dev\", \"snapshot-id\": null}]");
  req_pass (md, "[{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"dev\"}]");
  req_fail (md, "[{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"dev\", \"snapshot-id\": 4}]", C,
            "Requirement failed: branch or tag dev is missing, expected 4");

  req_pass (md, "[{\"type\": \"assert-last-assigned-field-id\", \"last-assigned-field-id\": 3}]");
  req_fail (md, "[{\"type\": \"assert-last-assigned-field-id\", \"last-assigned-field-id\": 2}]", C,
            "Requirement failed: last assigned field id changed: expected id 2 != 3");
  req_pass (md, "[{\"type\": \"assert-current-schema-id\", \"current-schema-id\": 1}]");
  req_fail (md, "[{\"type\": \"assert-current-schema-id\", \"current-schema-id\": 0}]", C,
            "Requirement failed: current schema changed: expected id 0 != 1");
  req_pass (md, "[{\"type\": \"assert-last-assigned-partition-id\", \"last-assigned-partition-id\": 1000}]");
  req_fail (md, "[{\"type\": \"assert-last-assigned-partition-id\", \"last-assigned-partition-id\": 999}]", C,
            "Requirement failed: last assigned partition id changed: expected id 999 != 1000");
  req_pass (md, "[{\"type\": \"assert-default-spec-id\", \"default-spec-id\": 0}]");
  req_fail (md, "[{\"type\": \"assert-default-spec-id\", \"default-spec-id\": 1}]", C,
            "Requirement failed: default partition spec changed: expected id 1 != 0");
  req_pass (md, "[{\"type\": \"assert-default-sort-order-id\", \"default-sort-order-id\": 3}]");
  req_fail (md, "[{\"type\": \"assert-default-sort-order-id\", \"default-sort-order-id\": 0}]", C,
            "Requirement failed: default sort order changed: expected id 0 != 3");

  /* no table: only assert-create and the two "last assigned" ones pass */
  req_pass (NULL, "[{\"type\": \"assert-last-assigned-field-id\", \"last-assigned-field-id\": 3}]");
  req_fail (NULL, "[{\"type\": \"assert-current-schema-id\", \"current-schema-id\": 0}]", C,
            "Requirement failed: table does not exist (assert-current-schema-id)");

  /* shape errors come before any check */
  req_fail (md, "[{\"type\": \"assert-create\"}, {\"type\": \"assert-nothing\"}]", MS_ERROR_INVALID_INPUT,
            "Unknown requirement type: assert-nothing");
  req_fail (md, "[{\"type\": \"assert-default-spec-id\"}]", MS_ERROR_INVALID_INPUT,
            "Invalid requirement assert-default-spec-id: missing or invalid default-spec-id");
  req_fail (md, "[7]", MS_ERROR_INVALID_INPUT, "Invalid requirement: an object with a string type");
}

/* ---- updates ---- */

static void
test_format_version (void **state)
{
  g_autoptr (MsIcebergMetadata) v1 = sample ("v1.metadata.json");
  g_autoptr (MsIcebergMetadata) v2 = commit_ok (v1, NULL, "[{\"action\": \"upgrade-format-version\", \"format-version\": 2}]");
  assert_int_equal (ms_iceberg_metadata_format_version (v2), 2);
  g_autoptr (MsIcebergMetadata) v3 = commit_ok (v2, NULL, "[{\"action\": \"upgrade-format-version\", \"format-version\": 3}]");
  assert_int_equal (int_member (v3, "next-row-id"), 0);
  g_autoptr (MsIcebergMetadata) same = commit_ok (v3, NULL, "[{\"action\": \"upgrade-format-version\", \"format-version\": 3}]");
  assert_int_equal (ms_iceberg_metadata_format_version (same), 3);
  commit_fails (v3, NULL, "[{\"action\": \"upgrade-format-version\", \"format-version\": 2}]",
                MS_ERROR_INVALID_ARGUMENT, "Cannot downgrade v3 table to v2");
  commit_fails (v3, NULL, "[{\"action\": \"upgrade-format-version\", \"format-version\": 4}]",
                MS_ERROR_INVALID_ARGUMENT, "Cannot upgrade table to unsupported format version: v4 (supported: v3)");
}

static void
test_assign_uuid_location_properties (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  g_autoptr (MsIcebergMetadata) same = commit_ok (md, NULL,
      "[{\"action\": \"assign-uuid\", \"uuid\": \"9c12d441-03fe-4693-9a96-a0705ddf69c1\"}]");
  assert_false (ms_iceberg_metadata_changed (same));
  /* Java's Builder.assignUUID takes another uuid (compared case-sensitively) */
  g_autoptr (MsIcebergMetadata) other = commit_ok (md, NULL, "[{\"action\": \"assign-uuid\", \"uuid\": \"other\"}]");
  assert_string_equal (ms_iceberg_metadata_uuid (other), "other");
  assert_true (ms_iceberg_metadata_changed (other));
  g_autoptr (MsIcebergMetadata) upper = commit_ok (md, NULL,
      "[{\"action\": \"assign-uuid\", \"uuid\": \"9C12D441-03FE-4693-9A96-A0705DDF69C1\"}]");
  assert_true (ms_iceberg_metadata_changed (upper));
  /* set-location stores the location without trailing '/' */
  g_autoptr (MsIcebergMetadata) slash = commit_ok (md, NULL,
      "[{\"action\": \"set-location\", \"location\": \"s3://new/place//\"}]");
  assert_string_equal (ms_iceberg_metadata_location (slash), "s3://new/place");
  commit_fails (md, NULL, "[{\"action\": \"set-location\", \"location\": \"\"}]", MS_ERROR_INVALID_INPUT,
                "path must not be null or empty");
  g_autoptr (MsIcebergMetadata) m2 = commit_ok (md, NULL,
      "[{\"action\": \"set-location\", \"location\": \"s3://new/place\"},"
      " {\"action\": \"set-properties\", \"updates\": {\"a\": \"1\", \"b\": \"2\"}},"
      " {\"action\": \"remove-properties\", \"removals\": [\"b\", \"read.split.target-size\", \"missing\"]}]");
  assert_string_equal (ms_iceberg_metadata_location (m2), "s3://new/place");
  assert_string_equal (ms_iceberg_metadata_property (m2, "a"), "1");
  assert_null (ms_iceberg_metadata_property (m2, "b"));
  assert_null (ms_iceberg_metadata_property (m2, "read.split.target-size"));
  assert_true (ms_iceberg_metadata_changed (m2));
  assert_true (ms_iceberg_metadata_last_updated_ms (m2) > ms_iceberg_metadata_last_updated_ms (md));
  commit_fails (md, NULL, "[{\"action\": \"set-properties\", \"updates\": {\"a\": 1}}]", MS_ERROR_INVALID_INPUT,
                "the value of 'a' is not a string");
  commit_fails (md, NULL, "[{\"action\": \"set-location\"}]", MS_ERROR_INVALID_INPUT,
                "Invalid set-location update: missing or invalid location");
}

static void
test_schemas (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  const char *add =
    "[{\"action\": \"add-schema\", \"schema\": {\"type\": \"struct\", \"schema-id\": 77, \"fields\": ["
    "  {\"id\": 1, \"name\": \"x\", \"required\": true, \"type\": \"long\"},"
    "  {\"id\": 4, \"name\": \"w\", \"required\": false, \"type\": \"string\"}]}},"
    " {\"action\": \"set-current-schema\", \"schema-id\": -1}]";
  g_autoptr (MsIcebergMetadata) m2 = commit_ok (md, NULL, add);
  assert_int_equal (ms_iceberg_metadata_current_schema_id (m2), 2);
  assert_int_equal (ms_iceberg_metadata_last_column_id (m2), 4);
  g_autoptr (GPtrArray) cols = ms_iceberg_metadata_hive_columns (m2, NULL);
  assert_int_equal (cols->len, 2);
  assert_string_equal (((MsColumn *) g_ptr_array_index (cols, 1))->name, "w");
  /* the same schema again reuses its id: no change, and it is not "the last
   * added" (Java's addSchemaInternal), so -1 does not name it */
  commit_fails (m2, NULL, add, MS_ERROR_INVALID_INPUT, "Cannot set last added schema: no schema has been added");
  g_autoptr (JsonNode) add_node = json (add);
  g_autofree char *first = json_to_string (json_array_get_element (json_node_get_array (add_node), 0), FALSE);
  g_autofree char *add_only = g_strdup_printf ("[%s]", first);
  g_autoptr (MsIcebergMetadata) m3 = commit_ok (m2, NULL, add_only);
  assert_int_equal (json_array_get_length (arr_member (m3, "schemas")), 3);
  assert_false (ms_iceberg_metadata_changed (m3));
  /* the update's last-column-id is not read (Iceberg 1.11's AddSchema):
   * neither a higher one nor a lower one, as Java clients send after
   * dropping the column with the highest id, changes the table's */
  g_autoptr (MsIcebergMetadata) m4 = commit_ok (md, NULL,
      "[{\"action\": \"add-schema\", \"last-column-id\": 10, \"schema\": {\"type\": \"struct\", \"fields\": []}}]");
  assert_int_equal (ms_iceberg_metadata_last_column_id (m4), 3);
  g_autoptr (MsIcebergMetadata) m4b = commit_ok (md, NULL,
      "[{\"action\": \"add-schema\", \"last-column-id\": 2, \"schema\": {\"type\": \"struct\", \"fields\": ["
      "  {\"id\": 1, \"name\": \"x\", \"required\": true, \"type\": \"long\"},"
      "  {\"id\": 2, \"name\": \"y\", \"required\": true, \"type\": \"long\"}]}},"
      " {\"action\": \"set-current-schema\", \"schema-id\": -1}]");
  assert_int_equal (ms_iceberg_metadata_last_column_id (m4b), 3);
  assert_int_equal (ms_iceberg_metadata_current_schema_id (m4b), 2);
  commit_fails (md, NULL, "[{\"action\": \"set-current-schema\", \"schema-id\": -1}]", MS_ERROR_INVALID_INPUT,
                "Cannot set last added schema: no schema has been added");
  commit_fails (md, NULL, "[{\"action\": \"set-current-schema\", \"schema-id\": 9}]", MS_ERROR_INVALID_ARGUMENT,
                "Cannot set current schema to unknown schema: 9");
  g_autoptr (MsIcebergMetadata) m5 = commit_ok (md, NULL, "[{\"action\": \"set-current-schema\", \"schema-id\": 0}]");
  assert_int_equal (ms_iceberg_metadata_current_schema_id (m5), 0);
  /* remove-schemas */
  g_autoptr (MsIcebergMetadata) m6 = commit_ok (md, NULL, "[{\"action\": \"remove-schemas\", \"schema-ids\": [0, 42]}]");
  assert_int_equal (json_array_get_length (arr_member (m6, "schemas")), 1);
  commit_fails (md, NULL, "[{\"action\": \"remove-schemas\", \"schema-ids\": [1]}]", MS_ERROR_INVALID_ARGUMENT,
                "Cannot remove the current schema");
}

static void
test_specs (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  g_autoptr (MsIcebergMetadata) m2 = commit_ok (md, NULL,
      "[{\"action\": \"add-spec\", \"spec\": {\"fields\": [{\"source-id\": 2, \"transform\": \"bucket[8]\", \"name\": \"yb\"}]}},"
      " {\"action\": \"set-default-spec\", \"spec-id\": -1}]");
  assert_int_equal (ms_iceberg_metadata_default_spec_id (m2), 1);
  assert_int_equal (ms_iceberg_metadata_last_partition_id (m2), 1001);
  /* identical spec: same id, nothing added, no partition field id spent */
  g_autoptr (MsIcebergMetadata) m3 = commit_ok (m2, NULL,
      "[{\"action\": \"add-spec\", \"spec\": {\"spec-id\": 5, \"fields\": [{\"source-id\": 1, \"transform\": \"identity\", \"name\": \"x\"}]}},"
      " {\"action\": \"set-default-spec\", \"spec-id\": 0}]");
  assert_int_equal (ms_iceberg_metadata_default_spec_id (m3), 0);
  assert_int_equal (json_array_get_length (arr_member (m3, "partition-specs")), 2);
  assert_int_equal (ms_iceberg_metadata_last_partition_id (m3), 1001);
  commit_fails (md, NULL, "[{\"action\": \"set-default-spec\", \"spec-id\": -1}]", MS_ERROR_INVALID_INPUT,
                "Cannot set last added spec: no spec has been added");
  commit_fails (md, NULL, "[{\"action\": \"set-default-spec\", \"spec-id\": 3}]", MS_ERROR_INVALID_INPUT,
                "Cannot set default partition spec to unknown spec: 3");
  g_autoptr (MsIcebergMetadata) m4 = commit_ok (m2, NULL, "[{\"action\": \"remove-partition-specs\", \"spec-ids\": [0]}]");
  assert_int_equal (json_array_get_length (arr_member (m4, "partition-specs")), 1);
  commit_fails (m2, NULL, "[{\"action\": \"remove-partition-specs\", \"spec-ids\": [1]}]", MS_ERROR_INVALID_ARGUMENT,
                "Cannot remove the default partition spec");
  commit_fails (md, NULL, "[{\"action\": \"add-spec\", \"spec\": {\"fields\": [{\"source-id\": 2}]}}]",
                MS_ERROR_INVALID_INPUT, "partition fields need source-id, transform and name");
}

static void
test_sort_orders (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  g_autoptr (MsIcebergMetadata) m2 = commit_ok (md, NULL,
      "[{\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 9, \"fields\": [{\"source-id\": 1, \"transform\": \"identity\","
      "  \"direction\": \"asc\", \"null-order\": \"nulls-first\"}]}},"
      " {\"action\": \"set-default-sort-order\", \"sort-order-id\": -1}]");
  assert_int_equal (ms_iceberg_metadata_default_sort_order_id (m2), 4);
  g_autoptr (MsIcebergMetadata) m3 = commit_ok (md, NULL,
      "[{\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 0, \"fields\": []}},"
      " {\"action\": \"set-default-sort-order\", \"sort-order-id\": -1}]");
  assert_int_equal (ms_iceberg_metadata_default_sort_order_id (m3), 0);
  /* the same order again: reused, no change */
  g_autoptr (MsIcebergMetadata) m4 = commit_ok (m2, NULL,
      "[{\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 5, \"fields\": [{\"source-id\": 1, \"transform\": \"Identity\","
      "  \"direction\": \"asc\", \"null-order\": \"nulls-first\"}]}}]");
  assert_false (ms_iceberg_metadata_changed (m4));
  /* SortOrder.Builder: order id 0 is the unsorted order's alone */
  commit_fails (md, NULL, "[{\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 9, \"fields\": []}}]",
                MS_ERROR_INVALID_INPUT, "Unsorted order ID must be 0");
  commit_fails (md, NULL, "[{\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 0, \"fields\": [{\"source-id\": 1, "
                "\"transform\": \"identity\", \"direction\": \"asc\", \"null-order\": \"nulls-first\"}]}}]",
                MS_ERROR_INVALID_INPUT, "Sort order ID 0 is reserved for unsorted order");
  commit_fails (md, NULL, "[{\"action\": \"set-default-sort-order\", \"sort-order-id\": -1}]", MS_ERROR_INVALID_INPUT,
                "Cannot set last added sort order: no sort order has been added");
  commit_fails (md, NULL, "[{\"action\": \"set-default-sort-order\", \"sort-order-id\": 8}]", MS_ERROR_INVALID_INPUT,
                "Cannot set default sort order to unknown order: 8");
  commit_fails (md, NULL, "[{\"action\": \"add-sort-order\", \"sort-order\": {\"fields\": [{\"source-id\": 1, "
                "\"transform\": \"identity\", \"direction\": \"up\", \"null-order\": \"nulls-first\"}]}}]",
                MS_ERROR_INVALID_INPUT, "sort fields need");
}

#define SNAP(id, parent, seq, ts) \
  "{\"action\": \"add-snapshot\", \"snapshot\": {\"snapshot-id\": " #id ", \"parent-snapshot-id\": " #parent \
  ", \"sequence-number\": " #seq ", \"timestamp-ms\": " #ts ", \"manifest-list\": \"s3://a/m" #id ".avro\"," \
  " \"summary\": {\"operation\": \"append\"}}}"
#define MAIN(id) "{\"action\": \"set-snapshot-ref\", \"ref-name\": \"main\", \"type\": \"branch\", \"snapshot-id\": " #id "}"

static void
test_snapshots (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  /* the usual append: add a snapshot, move main; requirement on main */
  g_autoptr (MsIcebergMetadata) m2 = commit_ok (md,
      "[{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"main\", \"snapshot-id\": 3055729675574597004}]",
      "[" SNAP (11, 3055729675574597004, 35, 1700000000000) "," MAIN (11) "]");
  assert_int_equal (ms_iceberg_metadata_current_snapshot_id (m2), 11);
  assert_int_equal (ms_iceberg_metadata_last_sequence_number (m2), 35);
  /* Iceberg 1.11: last-updated-ms is the commit time; the log keeps the snapshot's */
  assert_true (ms_iceberg_metadata_last_updated_ms (m2) > G_GINT64_CONSTANT (1700000000000));
  JsonArray *slog = ms_iceberg_metadata_snapshot_log (m2);
  assert_int_equal (json_array_get_length (slog), 3);
  JsonObject *last = json_array_get_object_element (slog, 2);
  assert_int_equal (json_object_get_int_member (last, "snapshot-id"), 11);
  assert_int_equal (json_object_get_int_member (last, "timestamp-ms"), G_GINT64_CONSTANT (1700000000000));

  commit_fails (m2, NULL, "[" SNAP (11, 3055729675574597004, 36, 1) "]", MS_ERROR_INVALID_INPUT,
                "Snapshot already exists for id: 11");
  /* a stale sequence number is a retryable conflict (Java's RetryableValidationException) */
  commit_fails (m2, NULL, "[" SNAP (12, 11, 35, 1) "]", MS_ERROR_CONFLICT,
                "Validation failed, please retry: Cannot add snapshot with sequence number 35 older than last sequence number 35");
  commit_fails (m2, NULL, "[" MAIN (99) "]", MS_ERROR_INVALID_INPUT, "Cannot set main to unknown snapshot: 99");
  /* a conflicting committer: main moved meanwhile */
  commit_fails (m2, "[{\"type\": \"assert-ref-snapshot-id\", \"ref\": \"main\", \"snapshot-id\": 3055729675574597004}]",
                "[" SNAP (12, 3055729675574597004, 36, 1700000000001) "," MAIN (12) "]", MS_ERROR_CONFLICT,
                "Requirement failed: branch main has changed: expected id 3055729675574597004 != 11");

  /* two snapshots made current in one commit: only the last is logged */
  g_autoptr (MsIcebergMetadata) m3 = commit_ok (m2, NULL,
      "[" SNAP (12, 11, 36, 1700000000001) "," MAIN (12) "," SNAP (13, 12, 37, 1700000000002) "," MAIN (13) "]");
  slog = ms_iceberg_metadata_snapshot_log (m3);
  assert_int_equal (json_array_get_length (slog), 4);
  assert_int_equal (json_object_get_int_member (json_array_get_object_element (slog, 3), "snapshot-id"), 13);

  /* branches and tags */
  g_autoptr (MsIcebergMetadata) m4 = commit_ok (m3, NULL,
      "[{\"action\": \"set-snapshot-ref\", \"ref-name\": \"dev\", \"type\": \"branch\", \"snapshot-id\": 12,"
      "  \"min-snapshots-to-keep\": 2, \"max-snapshot-age-ms\": 1000, \"max-ref-age-ms\": 5000},"
      " {\"action\": \"set-snapshot-ref\", \"ref-name\": \"t1\", \"type\": \"tag\", \"snapshot-id\": 11}]");
  JsonObject *refs = json_object_get_object_member (ms_iceberg_metadata_tree (m4), "refs");
  assert_int_equal (json_object_get_int_member (json_object_get_object_member (refs, "dev"), "min-snapshots-to-keep"), 2);
  assert_int_equal (ms_iceberg_metadata_current_snapshot_id (m4), 13);
  assert_int_equal (json_array_get_length (ms_iceberg_metadata_snapshot_log (m4)), 4);
  commit_fails (m3, NULL, "[{\"action\": \"set-snapshot-ref\", \"ref-name\": \"t\", \"type\": \"tag\", \"snapshot-id\": 11,"
                " \"min-snapshots-to-keep\": 1}]", MS_ERROR_INVALID_INPUT, "Tags do not support setting min-snapshots-to-keep");
  commit_fails (m3, NULL, "[{\"action\": \"set-snapshot-ref\", \"ref-name\": \"t\", \"type\": \"x\", \"snapshot-id\": 11}]",
                MS_ERROR_INVALID_INPUT, "type must be branch or tag");

  /* remove-snapshot-ref: removing main clears the current snapshot */
  g_autoptr (MsIcebergMetadata) m5 = commit_ok (m4, NULL,
      "[{\"action\": \"remove-snapshot-ref\", \"ref-name\": \"t1\"}, {\"action\": \"remove-snapshot-ref\", \"ref-name\": \"nope\"}]");
  assert_false (json_object_has_member (json_object_get_object_member (ms_iceberg_metadata_tree (m5), "refs"), "t1"));
  g_autoptr (MsIcebergMetadata) m6 = commit_ok (m4, NULL, "[{\"action\": \"remove-snapshot-ref\", \"ref-name\": \"main\"}]");
  assert_int_equal (ms_iceberg_metadata_current_snapshot_id (m6), -1);

  /* remove-snapshots: refs to them go, and the log loses everything up to the last removed */
  g_autoptr (MsIcebergMetadata) m7 = commit_ok (m4, NULL, "[{\"action\": \"remove-snapshots\", \"snapshot-ids\": [11]}]");
  assert_int_equal (json_array_get_length (arr_member (m7, "snapshots")), 4);
  refs = json_object_get_object_member (ms_iceberg_metadata_tree (m7), "refs");
  assert_false (json_object_has_member (refs, "t1"));
  assert_true (json_object_has_member (refs, "dev"));
  slog = ms_iceberg_metadata_snapshot_log (m7);
  assert_int_equal (json_array_get_length (slog), 1);
  assert_int_equal (json_object_get_int_member (json_array_get_object_element (slog, 0), "snapshot-id"), 13);
}

/* add-spec / add-sort-order are bound to the current schema, not any schema */
static void
test_updates_bind_to_the_current_schema (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  /* column w (4) added but not made current */
  g_autoptr (MsIcebergMetadata) m2 = commit_ok (md, NULL,
      "[{\"action\": \"add-schema\", \"schema\": {\"type\": \"struct\", \"fields\": ["
      "  {\"id\": 1, \"name\": \"x\", \"required\": true, \"type\": \"long\"},"
      "  {\"id\": 4, \"name\": \"w\", \"required\": false, \"type\": \"string\"}]}}]");
  assert_int_equal (ms_iceberg_metadata_current_schema_id (m2), 1);
  commit_fails (m2, NULL, "[{\"action\": \"add-spec\", \"spec\": {\"fields\": [{\"source-id\": 4, \"transform\": \"identity\", \"name\": \"w\"}]}}]",
                MS_ERROR_INVALID_INPUT, "Cannot find source column for partition field: 1000: w: identity(4)");
  commit_fails (m2, NULL, "[{\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 1, \"fields\": [{\"source-id\": 4,"
                " \"transform\": \"identity\", \"direction\": \"asc\", \"null-order\": \"nulls-first\"}]}}]",
                MS_ERROR_INVALID_INPUT, "Cannot find source column for sort field: identity(4) ASC NULLS FIRST");
  commit_fails (m2, NULL, "[{\"action\": \"add-spec\", \"spec\": {\"fields\": [{\"source-id\": 2, \"transform\": \"month\", \"name\": \"m\"}]}}]",
                MS_ERROR_INVALID_INPUT, "Invalid source type long for transform: month");
  commit_fails (m2, NULL, "[{\"action\": \"add-spec\", \"spec\": {\"fields\": [{\"source-id\": 2, \"transform\": \"bucket[4]\", \"name\": \"z\"}]}}]",
                MS_ERROR_INVALID_INPUT, "Cannot create identity partition sourced from different field in schema: z");
  /* once current, w can be used; within one commit the schema made current counts */
  g_autoptr (MsIcebergMetadata) m3 = commit_ok (m2, NULL,
      "[{\"action\": \"set-current-schema\", \"schema-id\": 2},"
      " {\"action\": \"add-spec\", \"spec\": {\"fields\": [{\"source-id\": 4, \"transform\": \"truncate[2]\", \"name\": \"w_t\"}]}},"
      " {\"action\": \"set-default-spec\", \"spec-id\": -1},"
      " {\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 1, \"fields\": [{\"source-id\": 4,"
      "   \"transform\": \"identity\", \"direction\": \"asc\", \"null-order\": \"nulls-first\"}]}}]");
  assert_int_equal (ms_iceberg_metadata_default_spec_id (m3), 1);
  assert_int_equal (ms_iceberg_metadata_last_partition_id (m3), 1001);
  /* v1 specs need field ids 1000, 1001 ... */
  g_autoptr (MsIcebergMetadata) v1 = sample ("v1.metadata.json");
  g_autoptr (MsIcebergMetadata) v1b = commit_ok (v1, NULL,
      "[{\"action\": \"add-spec\", \"spec\": {\"fields\": [{\"source-id\": 1, \"transform\": \"bucket[2]\", \"name\": \"xb\"}]}}]");
  JsonObject *spec = json_array_get_object_element (arr_member (v1b, "partition-specs"), 1);
  assert_int_equal (json_object_get_int_member (json_array_get_object_element (json_object_get_array_member (spec, "fields"), 0),
                                                "field-id"), 1000);
  commit_fails (v1, NULL, "[{\"action\": \"add-spec\", \"spec\": {\"fields\": [{\"source-id\": 1, \"transform\": \"bucket[2]\","
                " \"name\": \"xb\", \"field-id\": 1005}]}}]", MS_ERROR_INVALID_INPUT,
                "Spec does not use sequential IDs that are required in v1");
}

/* Java's builder records a change only when an update changes something;
 * a commit without changes keeps the metadata (and needs no new file). */
static void
test_no_op_updates (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  g_autofree char *before = ms_iceberg_metadata_to_json (md, FALSE, NULL);
  g_autoptr (MsIcebergMetadata) same = commit_ok (md, NULL,
      "[{\"action\": \"assign-uuid\", \"uuid\": \"9c12d441-03fe-4693-9a96-a0705ddf69c1\"},"
      " {\"action\": \"upgrade-format-version\", \"format-version\": 2},"
      " {\"action\": \"set-current-schema\", \"schema-id\": 1},"
      " {\"action\": \"set-default-spec\", \"spec-id\": 0},"
      " {\"action\": \"set-default-sort-order\", \"sort-order-id\": 3},"
      " {\"action\": \"set-location\", \"location\": \"s3://bucket/test/location\"},"
      " {\"action\": \"set-properties\", \"updates\": {}},"
      " {\"action\": \"remove-properties\", \"removals\": []},"
      " {\"action\": \"remove-partition-specs\", \"spec-ids\": []},"
      " {\"action\": \"remove-schemas\", \"schema-ids\": []},"
      " {\"action\": \"remove-snapshots\", \"snapshot-ids\": [12345]},"
      " {\"action\": \"remove-statistics\", \"snapshot-id\": 1},"
      " {\"action\": \"remove-partition-statistics\", \"snapshot-id\": 1},"
      " {\"action\": \"remove-snapshot-ref\", \"ref-name\": \"nothing\"},"
      " {\"action\": \"remove-encryption-key\", \"key-id\": \"nothing\"},"
      " {\"action\": \"add-encryption-key\", \"encryption-key\": {\"key-id\": \"k9\", \"encrypted-key-metadata\": \"AA==\"}},"
      " {\"action\": \"remove-encryption-key\", \"key-id\": \"k9\"},"
      " {\"action\": \"set-snapshot-ref\", \"ref-name\": \"main\", \"type\": \"branch\", \"snapshot-id\": 3055729675574597004},"
      " {\"action\": \"add-schema\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0, \"fields\": ["
      "   {\"id\": 1, \"name\": \"x\", \"required\": true, \"type\": \"long\"}]}},"
      " {\"action\": \"add-spec\", \"spec\": {\"spec-id\": 0, \"fields\": [{\"name\": \"x\", \"transform\": \"identity\", \"source-id\": 1, \"field-id\": 1000}]}},"
      " {\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 3, \"fields\": ["
      "   {\"transform\": \"identity\", \"source-id\": 2, \"direction\": \"asc\", \"null-order\": \"nulls-first\"},"
      "   {\"transform\": \"bucket[4]\", \"source-id\": 3, \"direction\": \"desc\", \"null-order\": \"nulls-last\"}]}}]");
  /* (add-encryption-key then remove-encryption-key of k9 are two changes) */
  assert_true (ms_iceberg_metadata_changed (same));
  g_autoptr (MsIcebergMetadata) none = commit_ok (md, NULL,
      "[{\"action\": \"assign-uuid\", \"uuid\": \"9c12d441-03fe-4693-9a96-a0705ddf69c1\"},"
      " {\"action\": \"upgrade-format-version\", \"format-version\": 2},"
      " {\"action\": \"set-current-schema\", \"schema-id\": 1},"
      " {\"action\": \"set-default-spec\", \"spec-id\": 0},"
      " {\"action\": \"set-default-sort-order\", \"sort-order-id\": 3},"
      " {\"action\": \"set-location\", \"location\": \"s3://bucket/test/location\"},"
      " {\"action\": \"set-properties\", \"updates\": {}},"
      " {\"action\": \"remove-properties\", \"removals\": []},"
      " {\"action\": \"remove-partition-specs\", \"spec-ids\": []},"
      " {\"action\": \"remove-schemas\", \"schema-ids\": []},"
      " {\"action\": \"remove-snapshots\", \"snapshot-ids\": [12345]},"
      " {\"action\": \"remove-statistics\", \"snapshot-id\": 1},"
      " {\"action\": \"remove-partition-statistics\", \"snapshot-id\": 1},"
      " {\"action\": \"remove-snapshot-ref\", \"ref-name\": \"nothing\"},"
      " {\"action\": \"remove-encryption-key\", \"key-id\": \"nothing\"},"
      " {\"action\": \"set-snapshot-ref\", \"ref-name\": \"main\", \"type\": \"branch\", \"snapshot-id\": 3055729675574597004},"
      " {\"action\": \"add-schema\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0, \"fields\": ["
      "   {\"id\": 1, \"name\": \"x\", \"required\": true, \"type\": \"long\"}]}},"
      " {\"action\": \"add-spec\", \"spec\": {\"spec-id\": 0, \"fields\": [{\"name\": \"x\", \"transform\": \"identity\", \"source-id\": 1, \"field-id\": 1000}]}},"
      " {\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 3, \"fields\": ["
      "   {\"transform\": \"identity\", \"source-id\": 2, \"direction\": \"asc\", \"null-order\": \"nulls-first\"},"
      "   {\"transform\": \"bucket[4]\", \"source-id\": 3, \"direction\": \"desc\", \"null-order\": \"nulls-last\"}]}}]");
  assert_false (ms_iceberg_metadata_changed (none));
  g_autofree char *after = ms_iceberg_metadata_to_json (none, FALSE, NULL);
  assert_string_equal (before, after);
  /* these Java records as changes although the values are the same */
  static const char *const recorded[] = {
    "[{\"action\": \"set-properties\", \"updates\": {\"read.split.target-size\": \"134217728\"}}]",
    "[{\"action\": \"remove-properties\", \"removals\": [\"absent\"]}]",
    "[{\"action\": \"remove-schemas\", \"schema-ids\": [42]}]",
    "[{\"action\": \"remove-partition-specs\", \"spec-ids\": [42]}]",
    "[{\"action\": \"set-location\", \"location\": \"s3://bucket/test/location/\"}]",
  };
  for (guint i = 0; i < G_N_ELEMENTS (recorded); i++)
    {
      g_autoptr (MsIcebergMetadata) m = commit_ok (md, NULL, recorded[i]);
      if (!ms_iceberg_metadata_changed (m))
        fail_msg ("%s recorded no change", recorded[i]);
    }
  /* an existing encryption key id keeps its key */
  g_autoptr (MsIcebergMetadata) v3 = sample ("v3.metadata.json");
  g_autoptr (MsIcebergMetadata) k = commit_ok (v3, NULL,
      "[{\"action\": \"add-encryption-key\", \"encryption-key\": {\"key-id\": \"k1\", \"encrypted-key-metadata\": \"BBBB\"}}]");
  assert_false (ms_iceberg_metadata_changed (k));
  JsonObject *key = json_array_get_object_element (arr_member (k, "encryption-keys"), 0);
  assert_string_equal (json_object_get_string_member (key, "encrypted-key-metadata"), "AAEC");
}

/* Iceberg 1.11: last-updated-ms is the commit time; the snapshot-log keeps
 * each added snapshot's own time; main is a branch; sequence numbers. */
static void
test_snapshot_rules_of_1_11 (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  gint64 now = g_get_real_time () / 1000, hour_ago = now - 3600 * 1000;
  g_autofree char *updates = g_strdup_printf (
      "[{\"action\": \"add-snapshot\", \"snapshot\": {\"snapshot-id\": 21, \"parent-snapshot-id\": 3055729675574597004,"
      "  \"sequence-number\": 35, \"timestamp-ms\": %" G_GINT64_FORMAT ", \"manifest-list\": \"m\"}}," MAIN (21) "]",
      hour_ago);
  g_autoptr (MsIcebergMetadata) m2 = commit_ok (md, NULL, updates);
  assert_true (ms_iceberg_metadata_last_updated_ms (m2) >= now);
  JsonArray *slog = ms_iceberg_metadata_snapshot_log (m2);
  JsonObject *last = json_array_get_object_element (slog, json_array_get_length (slog) - 1);
  assert_int_equal (json_object_get_int_member (last, "timestamp-ms"), hour_ago);
  /* a rollback to an older snapshot is logged at the commit time */
  g_autoptr (MsIcebergMetadata) m3 = commit_ok (m2, NULL, "[" MAIN (3055729675574597004) "]");
  slog = ms_iceberg_metadata_snapshot_log (m3);
  last = json_array_get_object_element (slog, json_array_get_length (slog) - 1);
  assert_int_equal (json_object_get_int_member (last, "timestamp-ms"), ms_iceberg_metadata_last_updated_ms (m3));
  /* a snapshot more than a minute in the future cannot become current */
  g_autofree char *future_fmt = g_strdup_printf (
      "[{\"action\": \"add-snapshot\", \"snapshot\": {\"snapshot-id\": 22, \"parent-snapshot-id\": 21,"
      "  \"sequence-number\": 36, \"timestamp-ms\": %" G_GINT64_FORMAT ", \"manifest-list\": \"m\"}}," MAIN (22) "]",
      now + 3600 * 1000);
  commit_fails (m2, NULL, future_fmt, MS_ERROR_INVALID_INPUT, "before last snapshot log entry");
  /* main is a branch */
  commit_fails (m2, NULL, "[{\"action\": \"set-snapshot-ref\", \"ref-name\": \"main\", \"type\": \"tag\", \"snapshot-id\": 21}]",
                MS_ERROR_INVALID_INPUT, "Cannot set main to a tag, it must be a branch");
  /* without a parent, the sequence number may not fall below a stored snapshot's */
  commit_fails (m2, NULL, "[" SNAP (23, null, 1, 1) "]", MS_ERROR_INVALID_INPUT,
                "Invalid snapshot with sequence number 35 greater than last sequence number 1");
  /* nothing can be added to a table without schema, spec and sort order */
  commit_fails (NULL, NULL, "[" SNAP (1, null, 1, 1) "]", MS_ERROR_INVALID_INPUT,
                "Attempting to add a snapshot before a schema is added");
}

static void
test_snapshots_v3_row_ids (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v3.metadata.json");
  const char *snap =
    "[{\"action\": \"add-snapshot\", \"snapshot\": {\"snapshot-id\": 8, \"parent-snapshot-id\": 7, \"sequence-number\": 2,"
    "  \"timestamp-ms\": 1733000000001, \"manifest-list\": \"m\", \"first-row-id\": 100, \"added-rows\": 50,"
    "  \"summary\": {\"operation\": \"append\"}}}," MAIN (8) "]";
  g_autoptr (MsIcebergMetadata) m2 = commit_ok (md, NULL, snap);
  assert_int_equal (int_member (m2, "next-row-id"), 150);
  commit_fails (m2, NULL,
                "[{\"action\": \"add-snapshot\", \"snapshot\": {\"snapshot-id\": 9, \"parent-snapshot-id\": 8, \"sequence-number\": 3,"
                " \"timestamp-ms\": 1, \"manifest-list\": \"m\", \"first-row-id\": 120, \"added-rows\": 1}}]",
                MS_ERROR_CONFLICT,
                "Validation failed, please retry: Cannot add a snapshot, first-row-id is behind table next-row-id: 120 < 150");
  commit_fails (m2, NULL,
                "[{\"action\": \"add-snapshot\", \"snapshot\": {\"snapshot-id\": 9, \"sequence-number\": 3,"
                " \"timestamp-ms\": 1, \"manifest-list\": \"m\"}}]", MS_ERROR_INVALID_INPUT, "first-row-id is null");
}

static void
test_statistics_and_keys (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  const char *stats =
    "[{\"action\": \"set-statistics\", \"snapshot-id\": 3055729675574597004, \"statistics\": {\"snapshot-id\": 3055729675574597004,"
    "  \"statistics-path\": \"s3://a/s1.puffin\", \"file-size-in-bytes\": 10, \"file-footer-size-in-bytes\": 2,"
    "  \"blob-metadata\": [{\"type\": \"apache-datasketches-theta-v1\", \"snapshot-id\": 3055729675574597004,"
    "  \"sequence-number\": 1, \"fields\": [1]}]}},"
    " {\"action\": \"set-statistics\", \"statistics\": {\"snapshot-id\": 3055729675574597004,"
    "  \"statistics-path\": \"s3://a/s2.puffin\", \"file-size-in-bytes\": 11, \"file-footer-size-in-bytes\": 2,"
    "  \"blob-metadata\": []}},"
    " {\"action\": \"set-partition-statistics\", \"partition-statistics\": {\"snapshot-id\": 3051729675574597004,"
    "  \"statistics-path\": \"s3://a/p.parquet\", \"file-size-in-bytes\": 5}},"
    " {\"action\": \"add-encryption-key\", \"encryption-key\": {\"key-id\": \"k1\", \"encrypted-key-metadata\": \"AA==\"}},"
    " {\"action\": \"add-encryption-key\", \"encryption-key\": {\"key-id\": \"k2\", \"encrypted-key-metadata\": \"AQ==\"}}]";
  g_autoptr (MsIcebergMetadata) m2 = commit_ok (md, NULL, stats);
  JsonArray *st = arr_member (m2, "statistics");
  assert_int_equal (json_array_get_length (st), 1);
  assert_string_equal (json_object_get_string_member (json_array_get_object_element (st, 0), "statistics-path"),
                       "s3://a/s2.puffin");
  assert_int_equal (json_array_get_length (arr_member (m2, "partition-statistics")), 1);
  assert_int_equal (json_array_get_length (arr_member (m2, "encryption-keys")), 2);
  g_autoptr (MsIcebergMetadata) m3 = commit_ok (m2, NULL,
      "[{\"action\": \"remove-statistics\", \"snapshot-id\": 3055729675574597004},"
      " {\"action\": \"remove-partition-statistics\", \"snapshot-id\": 3051729675574597004},"
      " {\"action\": \"remove-encryption-key\", \"key-id\": \"k1\"}]");
  assert_int_equal (json_array_get_length (arr_member (m3, "statistics")), 0);
  assert_int_equal (json_array_get_length (arr_member (m3, "partition-statistics")), 0);
  assert_int_equal (json_array_get_length (arr_member (m3, "encryption-keys")), 1);
  /* statistics of a removed snapshot go with it */
  g_autoptr (MsIcebergMetadata) m4 = commit_ok (m2, NULL, "[{\"action\": \"remove-snapshots\", \"snapshot-ids\": [3051729675574597004]}]");
  assert_int_equal (json_array_get_length (arr_member (m4, "partition-statistics")), 0);
  commit_fails (md, NULL, "[{\"action\": \"set-statistics\", \"statistics\": {\"snapshot-id\": 1}}]",
                MS_ERROR_INVALID_INPUT, "Invalid set-statistics update: missing or invalid statistics-path");
}

static void
test_unknown_and_view_actions (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  /* a bad action is reported before any requirement is looked at */
  commit_fails (md, "[{\"type\": \"assert-create\"}]", "[{\"action\": \"frobnicate\"}]", MS_ERROR_INVALID_INPUT,
                "Unknown update action: frobnicate");
  commit_fails (md, NULL, "[{\"action\": \"add-view-version\", \"view-version\": {}}]", MS_ERROR_INVALID_INPUT,
                "Cannot apply update add-view-version to a table");
  commit_fails (md, NULL, "[{\"action\": \"set-current-view-version\", \"view-version-id\": 1}]",
                MS_ERROR_INVALID_INPUT, "Cannot apply update set-current-view-version to a table");
  commit_fails (md, NULL, "[{\"action\": \"set-statistics\", \"statistics\": {\"snapshot-id\": 1, \"statistics-path\": \"p\","
                " \"file-size-in-bytes\": 1, \"file-footer-size-in-bytes\": 1, \"blob-metadata\": [], \"x\": -1e999}}]",
                MS_ERROR_INVALID_INPUT, "number out of range");
  commit_fails (md, NULL, "[{\"no\": \"action\"}]", MS_ERROR_INVALID_INPUT, "Invalid update: an object with a string action");
}

static void
test_commit_all_or_nothing (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  /* the first update applies, the second fails: md is untouched (commit_fails compares) */
  commit_fails (md, NULL,
                "[{\"action\": \"set-properties\", \"updates\": {\"z\": \"1\"}},"
                " {\"action\": \"set-current-schema\", \"schema-id\": 9}]",
                MS_ERROR_INVALID_ARGUMENT, "unknown schema: 9");
  assert_null (ms_iceberg_metadata_property (md, "z"));
  /* no updates: no change, no new file needed */
  g_autoptr (MsIcebergMetadata) same = commit_ok (md, "[{\"type\": \"assert-current-schema-id\", \"current-schema-id\": 1}]", NULL);
  assert_false (ms_iceberg_metadata_changed (same));
  assert_int_equal (ms_iceberg_metadata_last_updated_ms (same), ms_iceberg_metadata_last_updated_ms (md));
}

static void
test_create_transaction (void **state)
{
  /* what a REST client sends for a staged create: updates on no table */
  const char *updates =
    "[{\"action\": \"assign-uuid\", \"uuid\": \"2cc52516-5e73-41f2-b139-545d41a4e151\"},"
    " {\"action\": \"upgrade-format-version\", \"format-version\": 2},"
    " {\"action\": \"add-schema\", \"schema\": {\"type\": \"struct\", \"schema-id\": 0, \"fields\": ["
    "   {\"id\": 1, \"name\": \"a\", \"required\": false, \"type\": \"int\"}]}, \"last-column-id\": 1},"
    " {\"action\": \"set-current-schema\", \"schema-id\": -1},"
    " {\"action\": \"add-spec\", \"spec\": {\"spec-id\": 0, \"fields\": []}},"
    " {\"action\": \"set-default-spec\", \"spec-id\": -1},"
    " {\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 0, \"fields\": []}},"
    " {\"action\": \"set-default-sort-order\", \"sort-order-id\": -1},"
    " {\"action\": \"set-location\", \"location\": \"file:///wh/ns/t\"},"
    " {\"action\": \"set-properties\", \"updates\": {\"owner\": \"bob\"}}]";
  g_autoptr (MsIcebergMetadata) md = commit_ok (NULL, "[{\"type\": \"assert-create\"}]", updates);
  assert_string_equal (ms_iceberg_metadata_uuid (md), "2cc52516-5e73-41f2-b139-545d41a4e151");
  assert_int_equal (ms_iceberg_metadata_format_version (md), 2);
  assert_int_equal (ms_iceberg_metadata_current_schema_id (md), 0);
  assert_int_equal (ms_iceberg_metadata_default_spec_id (md), 0);
  assert_int_equal (ms_iceberg_metadata_last_partition_id (md), 999);
  /* as in Java's empty builder, the first schema, spec and order are
   * current without set- actions */
  g_autoptr (MsIcebergMetadata) bare = commit_ok (NULL, "[{\"type\": \"assert-create\"}]",
      "[{\"action\": \"add-schema\", \"schema\": {\"type\": \"struct\", \"fields\": ["
      "   {\"id\": 1, \"name\": \"a\", \"required\": false, \"type\": \"int\"}]}},"
      " {\"action\": \"add-spec\", \"spec\": {\"fields\": [{\"source-id\": 1, \"transform\": \"identity\", \"name\": \"a\"}]}},"
      " {\"action\": \"add-sort-order\", \"sort-order\": {\"order-id\": 0, \"fields\": []}},"
      " {\"action\": \"set-location\", \"location\": \"file:///wh/ns/t\"}]");
  assert_int_equal (ms_iceberg_metadata_current_schema_id (bare), 0);
  assert_int_equal (ms_iceberg_metadata_default_spec_id (bare), 0);
  assert_int_equal (ms_iceberg_metadata_last_partition_id (bare), 1000);
  /* without a location or schema the result is not a table */
  commit_fails (NULL, NULL, "[{\"action\": \"set-location\", \"location\": \"x\"}]", MS_ERROR_INVALID_INPUT,
                "Invalid table metadata: cannot find schema");
}

/* ---- metadata files ---- */

static void
test_file_names (void **state)
{
  assert_int_equal (ms_iceberg_metadata_file_version ("s3://b/t/metadata/00042-ab.metadata.json"), 42);
  assert_int_equal (ms_iceberg_metadata_file_version ("00000-x.metadata.json"), 0);
  assert_int_equal (ms_iceberg_metadata_file_version ("s3://b/t/metadata/v3.metadata.json"), -1);
  assert_int_equal (ms_iceberg_metadata_file_version ("s3://b/t/metadata/1a-x.metadata.json"), -1);
  assert_int_equal (ms_iceberg_metadata_file_version (NULL), -1);

  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  g_autofree char *first = ms_iceberg_metadata_next_file (md, NULL);
  assert_true (g_str_has_prefix (first, "s3://bucket/test/location/metadata/00000-"));
  assert_true (g_str_has_suffix (first, ".metadata.json"));
  assert_int_equal (strlen (first), strlen ("s3://bucket/test/location/metadata/00000-") + 36 + strlen (".metadata.json"));
  assert_int_equal (json_array_get_length (ms_iceberg_metadata_metadata_log (md)), 1);
  g_autofree char *next = ms_iceberg_metadata_next_file (md, "s3://bucket/test/location/metadata/00041-x.metadata.json");
  assert_true (g_str_has_prefix (next, "s3://bucket/test/location/metadata/00042-"));
  g_autoptr (MsIcebergMetadata) m2 = commit_ok (md, NULL,
      "[{\"action\": \"set-properties\", \"updates\": {\"write.metadata.path\": \"s3://elsewhere/meta/\"}}]");
  g_autofree char *moved = ms_iceberg_metadata_next_file (m2, "x/00007-y.metadata.json");
  assert_true (g_str_has_prefix (moved, "s3://elsewhere/meta/00008-"));
}

static void
test_metadata_log_bounded (void **state)
{
  g_autoptr (MsIcebergMetadata) md = sample ("v2.metadata.json");
  g_autoptr (MsIcebergMetadata) cur = commit_ok (md, NULL,
      "[{\"action\": \"set-properties\", \"updates\": {\"write.metadata.previous-versions-max\": \"3\"}}]");
  gint64 base_ms = ms_iceberg_metadata_last_updated_ms (md);
  g_autofree char *loc = ms_iceberg_metadata_next_file (cur, "s3://bucket/test/location/metadata/00001-a.metadata.json");
  JsonArray *log = ms_iceberg_metadata_metadata_log (cur);
  assert_int_equal (json_array_get_length (log), 2);
  /* the entry for the previous file carries that version's last-updated-ms */
  JsonObject *e = json_array_get_object_element (log, 1);
  assert_int_equal (json_object_get_int_member (e, "timestamp-ms"), base_ms);
  assert_string_equal (json_object_get_string_member (e, "metadata-file"),
                       "s3://bucket/test/location/metadata/00001-a.metadata.json");
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *prev = g_steal_pointer (&loc);
      g_autoptr (MsIcebergMetadata) nxt = commit_ok (cur, NULL, "[{\"action\": \"remove-properties\", \"removals\": [\"x\"]}]");
      loc = ms_iceberg_metadata_next_file (nxt, prev);
      assert_int_equal (ms_iceberg_metadata_file_version (loc), 3 + i);
      ms_iceberg_metadata_free (cur);
      cur = g_steal_pointer (&nxt);
    }
  log = ms_iceberg_metadata_metadata_log (cur);
  assert_int_equal (json_array_get_length (log), 3);
  e = json_array_get_object_element (log, 2);
  assert_true (g_str_has_prefix (json_object_get_string_member (e, "metadata-file"),
                                 "s3://bucket/test/location/metadata/00006-"));
  /* the default bound is 100 */
  g_autoptr (MsIcebergMetadata) d = sample ("v2.metadata.json");
  for (int i = 0; i < 120; i++)
    {
      g_autofree char *f = ms_iceberg_metadata_next_file (d, "m/00001-x.metadata.json");
    }
  assert_int_equal (json_array_get_length (ms_iceberg_metadata_metadata_log (d)), 100);
}

static void
test_hive_types (void **state)
{
  static const char *const cases[][2] = {
    { "\"long\"", "bigint" }, { "\"decimal(38,0)\"", "decimal(38,0)" }, { "\"fixed[3]\"", "binary" },
    { "\"timestamptz_ns\"", "timestamp" }, { "\"unknown\"", "string" }, { "\"geometry(srid:4326)\"", "string" },
    { "{\"type\": \"list\", \"element-id\": 1, \"element-required\": true, \"element\": {\"type\": \"map\","
      " \"key-id\": 2, \"key\": \"string\", \"value-id\": 3, \"value-required\": false, \"value\": \"date\"}}",
      "array<map<string,date>>" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) n = json (cases[i][0]);
      g_autofree char *t = ms_iceberg_type_to_hive (n, NULL);
      if (t == NULL || strcmp (t, cases[i][1]) != 0)
        fail_msg ("%s -> %s, want %s", cases[i][0], t ? t : "NULL", cases[i][1]);
    }
  static const char *const bad[] = { "\"decimal(40,2)\"", "\"decimal(2,3)\"", "\"fixed[]\"", "\"str\"", "7",
                                     "{\"type\": \"set\"}", "{\"type\": \"list\"}" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (JsonNode) n = json (bad[i]);
      g_autoptr (GError) e = NULL;
      g_autofree char *t = ms_iceberg_type_to_hive (n, &e);
      if (t != NULL)
        fail_msg ("%s accepted as %s", bad[i], t);
      assert_int_equal (e->code, MS_ERROR_INVALID_INPUT);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_create),
    cmocka_unit_test (test_create_defaults),
    cmocka_unit_test (test_create_errors),
    cmocka_unit_test (test_create_binds_spec_and_order),
    cmocka_unit_test (test_round_trip_v1),
    cmocka_unit_test (test_round_trip_v2),
    cmocka_unit_test (test_round_trip_v3),
    cmocka_unit_test (test_parse_errors),
    cmocka_unit_test (test_requirements),
    cmocka_unit_test (test_format_version),
    cmocka_unit_test (test_assign_uuid_location_properties),
    cmocka_unit_test (test_schemas),
    cmocka_unit_test (test_specs),
    cmocka_unit_test (test_sort_orders),
    cmocka_unit_test (test_snapshots),
    cmocka_unit_test (test_snapshots_v3_row_ids),
    cmocka_unit_test (test_updates_bind_to_the_current_schema),
    cmocka_unit_test (test_no_op_updates),
    cmocka_unit_test (test_snapshot_rules_of_1_11),
    cmocka_unit_test (test_statistics_and_keys),
    cmocka_unit_test (test_unknown_and_view_actions),
    cmocka_unit_test (test_commit_all_or_nothing),
    cmocka_unit_test (test_create_transaction),
    cmocka_unit_test (test_file_names),
    cmocka_unit_test (test_metadata_log_bounded),
    cmocka_unit_test (test_hive_types),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
