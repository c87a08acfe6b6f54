/* test_iceberg_metadata_codec.c: metadata files compressed as Iceberg names
 * them (iceberg/metadata_codec.c): which names are gzip, gzip decoded (one
 * member, several members, trailing bytes), and what is refused (not gzip,
 * truncated, beyond the size bound). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <gio/gio.h>
#include <string.h>
#include "iceberg/internal.h"

/* 'text' gzipped with GIO's compressor (what Java's GZIPOutputStream writes:
 * one gzip member). */
static GBytes *
gzip_of (const char *text)
{
  g_autoptr (GConverter) z
      = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
  g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr (GOutputStream) out = g_converter_output_stream_new (mem, z);
  gsize n = 0;
  assert_true (g_output_stream_write_all (out, text, strlen (text), &n, NULL, NULL));
  assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

static void
assert_text (GBytes *b, const char *want)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (b, &len);
  assert_int_equal (len, strlen (want));
  assert_memory_equal (data, want, len);
}

static void
test_names (void **state)
{
  (void) state;
  /* BaseViewOperations / BaseMetastoreTableOperations with gzip */
  assert_true (ice_metadata_codec_is_gzip (
      "s3://w/db.db/v/metadata/00000-b26a53c9-c9a4-48ef-8aad-10d559361421.gz.metadata.json"));
  /* the older Hadoop-tables name */
  assert_true (ice_metadata_codec_is_gzip ("file:/w/t/metadata/v3.metadata.json.gz"));
  assert_false (ice_metadata_codec_is_gzip ("file:/w/t/metadata/00001-abc.metadata.json"));
  assert_false (ice_metadata_codec_is_gzip ("file:/w/t.gz/metadata/00001-abc.metadata.json"));
  assert_false (ice_metadata_codec_is_gzip ("gz.metadata.json"));
  assert_false (ice_metadata_codec_is_gzip (".metadata.json"));
  assert_false (ice_metadata_codec_is_gzip (NULL));
}

static void
test_gunzip (void **state)
{
  (void) state;
  const char *doc = "{\"view-uuid\":\"2c4c1d2e\",\"format-version\":1}";
  g_autoptr (GBytes) gz = gzip_of (doc);
  g_autoptr (GError) err = NULL;
  g_autoptr (GBytes) plain = ice_gunzip (gz, 1 << 20, &err);
  assert_non_null (plain);
  assert_text (plain, doc);

  /* larger than one output chunk */
  GString *big = g_string_new (NULL);
  for (int i = 0; i < 20000; i++)
    g_string_append_printf (big, "{\"n\":%d},", i);
  g_autoptr (GBytes) bgz = gzip_of (big->str);
  g_autoptr (GBytes) bplain = ice_gunzip (bgz, 1 << 20, &err);
  assert_non_null (bplain);
  assert_text (bplain, big->str);
  g_string_free (big, TRUE);
}

static void
test_members_and_trailing_bytes (void **state)
{
  (void) state;
  g_autoptr (GBytes) a = gzip_of ("{\"a\":");
  g_autoptr (GBytes) b = gzip_of ("1}");
  g_autoptr (GByteArray) two = g_byte_array_new ();
  g_byte_array_append (two, g_bytes_get_data (a, NULL), (guint) g_bytes_get_size (a));
  g_byte_array_append (two, g_bytes_get_data (b, NULL), (guint) g_bytes_get_size (b));
  g_autoptr (GBytes) joined = g_bytes_new (two->data, two->len);
  g_autoptr (GError) err = NULL;
  g_autoptr (GBytes) plain = ice_gunzip (joined, 1 << 20, &err);
  assert_non_null (plain);
  assert_text (plain, "{\"a\":1}");
  /* zero padding after the member is ignored */
  g_byte_array_append (two, (const guint8 *) "\0\0\0", 3);
  g_autoptr (GBytes) padded = g_bytes_new (two->data, two->len);
  g_autoptr (GBytes) plain2 = ice_gunzip (padded, 1 << 20, &err);
  assert_non_null (plain2);
  assert_text (plain2, "{\"a\":1}");
}

static void
test_refused (void **state)
{
  (void) state;
  g_autoptr (GError) err = NULL;
  /* plain JSON under a gzip name */
  g_autoptr (GBytes) json = g_bytes_new_static ("{\"a\":1}", 7);
  assert_null (ice_gunzip (json, 1 << 20, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_INPUT));
  g_clear_error (&err);
  /* empty */
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  assert_null (ice_gunzip (empty, 1 << 20, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_INPUT));
  g_clear_error (&err);
  /* empty with no data pointer at all (UBSan: arithmetic on NULL; found
   * by fuzz_gunzip) */
  g_autoptr (GBytes) none = g_bytes_new (NULL, 0);
  assert_null (ice_gunzip (none, 1 << 20, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_INPUT));
  g_clear_error (&err);
  /* truncated */
  g_autoptr (GBytes) gz = gzip_of ("{\"a\":\"a fairly long value to compress\"}");
  g_autoptr (GBytes) cut = g_bytes_new_from_bytes (gz, 0, g_bytes_get_size (gz) - 9);
  assert_null (ice_gunzip (cut, 1 << 20, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_INPUT));
  g_clear_error (&err);
  /* a bomb: 4 MiB of spaces is a few KiB of gzip, refused beyond 1 MiB */
  char *spaces = g_malloc (4 << 20);
  memset (spaces, ' ', (4 << 20) - 1);
  spaces[(4 << 20) - 1] = '\0';
  g_autoptr (GBytes) bomb = gzip_of (spaces);
  g_free (spaces);
  assert_true (g_bytes_get_size (bomb) < 64 * 1024);
  assert_null (ice_gunzip (bomb, 1 << 20, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_INPUT));
  assert_non_null (strstr (err->message, "more than 1048576 bytes"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_names),
    cmocka_unit_test (test_gunzip),
    cmocka_unit_test (test_members_and_trailing_bytes),
    cmocka_unit_test (test_refused),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
