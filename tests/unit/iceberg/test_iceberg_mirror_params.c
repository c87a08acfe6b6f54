/* test_iceberg_mirror_params.c: the HMS parameters a REST commit sets as
 * Iceberg's HiveCatalog sets them (iceberg/mirror_params.c): statistics
 * and the current snapshot from its summary, snapshot-count, schema, spec
 * and sort order as JSON, values over HiveCatalog's size limit left out,
 * gc.enabled as external.table.purge. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "iceberg/internal.h"

static MsIcebergMetadata *
sample_with (const char *summary_extra, const char *props)
{
  const char *top = g_getenv ("top_srcdir");
  g_autofree char *path = g_build_filename (top != NULL ? top : ".", "tests/unit/data/iceberg",
                                            "v2.metadata.json", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    fail_msg ("cannot read %s", path);
  g_autoptr (JsonParser) p = json_parser_new ();
  assert_true (json_parser_load_from_data (p, text, -1, NULL));
  JsonObject *root = json_node_get_object (json_parser_get_root (p));
  JsonArray *snaps = json_object_get_array_member (root, "snapshots");
  JsonObject *cur = json_array_get_object_element (snaps, 1);
  JsonObject *summary = json_object_get_object_member (cur, "summary");
  json_object_set_string_member (summary, "total-records", "42");
  json_object_set_string_member (summary, "total-data-files", "3");
  json_object_set_string_member (summary, "total-files-size", "4096");
  if (summary_extra != NULL)
    json_object_set_string_member (summary, "big", summary_extra);
  if (props != NULL)
    json_object_set_string_member (json_object_get_object_member (root, "properties"),
                                   "gc.enabled", props);
  g_autoptr (JsonGenerator) g = json_generator_new ();
  json_generator_set_root (g, json_parser_get_root (p));
  g_autofree char *out = json_generator_to_data (g, NULL);
  MsIcebergMetadata *md = ms_iceberg_metadata_parse (out, -1, NULL);
  assert_non_null (md);
  return md;
}

static GHashTable *
params_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
test_as_hive_catalog (void **state)
{
  (void) state;
  g_autoptr (MsIcebergMetadata) md = sample_with (NULL, "false");
  g_autoptr (GHashTable) params = params_new ();
  g_hash_table_insert (params, g_strdup ("gc.enabled"), g_strdup ("false"));
  ice_mirror_table_params (params, md, NULL);
  assert_string_equal (g_hash_table_lookup (params, "numRows"), "42");
  assert_string_equal (g_hash_table_lookup (params, "numFiles"), "3");
  assert_string_equal (g_hash_table_lookup (params, "totalSize"), "4096");
  assert_string_equal (g_hash_table_lookup (params, "current-snapshot-id"), "3055729675574597004");
  assert_string_equal (g_hash_table_lookup (params, "current-snapshot-timestamp-ms"),
                       "1555100955770");
  assert_string_equal (g_hash_table_lookup (params, "snapshot-count"), "2");
  /* the summary without its operation, compact JSON as Jackson writes it */
  assert_string_equal (g_hash_table_lookup (params, "current-snapshot-summary"),
                       "{\"total-records\":\"42\",\"total-data-files\":\"3\","
                       "\"total-files-size\":\"4096\"}");
  assert_non_null (strstr (g_hash_table_lookup (params, "current-schema"), "\"schema-id\":1"));
  assert_string_equal (g_hash_table_lookup (params, "default-partition-spec"),
                       "{\"spec-id\":0,\"fields\":[{\"name\":\"x\",\"transform\":\"identity\","
                       "\"source-id\":1,\"field-id\":1000}]}");
  assert_non_null (strstr (g_hash_table_lookup (params, "default-sort-order"),
                           "\"order-id\":3"));
  assert_null (g_hash_table_lookup (params, "gc.enabled"));
  assert_string_equal (g_hash_table_lookup (params, "external.table.purge"), "false");
}

static void
test_too_long_is_left_out (void **state)
{
  (void) state;
  char *big = g_malloc (32673 + 1);
  memset (big, 'x', 32673);
  big[32673] = '\0';
  g_autoptr (MsIcebergMetadata) md = sample_with (big, NULL);
  g_free (big);
  g_autoptr (GHashTable) params = params_new ();
  g_hash_table_insert (params, g_strdup ("current-snapshot-summary"), g_strdup ("stale"));
  ice_mirror_table_params (params, md, NULL);
  assert_null (g_hash_table_lookup (params, "current-snapshot-summary"));
  assert_string_equal (g_hash_table_lookup (params, "numRows"), "42");
  assert_non_null (g_hash_table_lookup (params, "current-schema"));
}

static void
test_gc_enabled_removed (void **state)
{
  (void) state;
  g_autoptr (MsIcebergMetadata) base = sample_with (NULL, "true");
  g_autoptr (MsIcebergMetadata) md = sample_with (NULL, NULL);
  g_autoptr (GHashTable) params = params_new ();
  g_hash_table_insert (params, g_strdup ("external.table.purge"), g_strdup ("true"));
  ice_mirror_table_params (params, md, base);
  assert_null (g_hash_table_lookup (params, "external.table.purge"));
  /* a table that never had gc.enabled keeps a Hive-set external.table.purge */
  g_hash_table_insert (params, g_strdup ("external.table.purge"), g_strdup ("true"));
  ice_mirror_table_params (params, md, md);
  assert_string_equal (g_hash_table_lookup (params, "external.table.purge"), "true");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_as_hive_catalog),
    cmocka_unit_test (test_too_long_is_left_out),
    cmocka_unit_test (test_gc_enabled_removed),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
