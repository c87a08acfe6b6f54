/* test_follow_message.c: the partitions a partition event's message
 * names (import/follow_message.c), in Hive's "json-0.2" and
 * "gzip(json-2.0)" forms, and the messages it refuses (the follower then
 * copies the whole table). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <gio/gio.h>
#include <string.h>
#include "core/error.h"
#include "import/follow.h"

static const char *const keys[] = { "ds", "hr" };

#define ADD_MSG \
  "{\"server\":\"thrift://x:9083\",\"servicePrincipal\":\"\",\"db\":\"d\",\"table\":\"t\"," \
  "\"tableType\":\"MANAGED_TABLE\",\"tableObjJson\":\"{}\",\"timestamp\":1," \
  "\"partitions\":[{\"ds\":\"2024-01-01\",\"hr\":\"0\"},{\"hr\":\"1\",\"ds\":\"a/b\"}]," \
  "\"partitionListJson\":[]}"

static int
cmp_str (gconstpointer a, gconstpointer b, gpointer unused)
{
  (void) unused;
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static char *
sorted_names (const char *type, const char *format, const char *message)
{
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  if (!ms_follow_message_parts (type, format, message, keys, 2, names, &error))
    {
      assert_non_null (error);
      return NULL;
    }
  guint n = 0;
  g_autofree const char **list = (const char **) g_hash_table_get_keys_as_array (names, &n);
  g_qsort_with_data (list, n, sizeof (char *), cmp_str, NULL);
  return g_strjoinv (" ", (char **) list);
}

static void
test_add_drop (void **state)
{
  (void) state;
  g_autofree char *add = sorted_names ("ADD_PARTITION", "json-0.2", ADD_MSG);
  assert_string_equal (add, "ds=2024-01-01/hr=0 ds=a%2Fb/hr=1");
  g_autofree char *drop = sorted_names ("DROP_PARTITION", "", ADD_MSG);
  assert_string_equal (drop, "ds=2024-01-01/hr=0 ds=a%2Fb/hr=1");
  g_autofree char *none = sorted_names ("DROP_PARTITION", "json-0.2", "{\"partitions\":[]}");
  assert_string_equal (none, "");
}

static void
test_alter (void **state)
{
  (void) state;
  /* a rename: the values before and after */
  const char *msg =
    "{\"db\":\"d\",\"table\":\"t\",\"isTruncateOp\":\"false\","
    "\"partitionObjBeforeJson\":\"{\\\"1\\\":{\\\"lst\\\":[\\\"str\\\",2,\\\"2024-01-01\\\",\\\"0\\\"]},"
    "\\\"2\\\":{\\\"str\\\":\\\"d\\\"}}\","
    "\"partitionObjAfterJson\":\"{\\\"1\\\":{\\\"lst\\\":[\\\"str\\\",2,\\\"2024-01-02\\\",\\\"0\\\"]},"
    "\\\"2\\\":{\\\"str\\\":\\\"d\\\"}}\"}";
  g_autofree char *names = sorted_names ("ALTER_PARTITION", "json-0.2", msg);
  assert_string_equal (names, "ds=2024-01-01/hr=0 ds=2024-01-02/hr=0");
}

static char *
gzip_base64 (const char *text)
{
  g_autoptr (GConverter) z
      = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
  guint8 out[4096];
  gsize read = 0, written = 0;
  g_autoptr (GError) error = NULL;
  GConverterResult r = g_converter_convert (z, text, strlen (text), out, sizeof out,
                                            G_CONVERTER_INPUT_AT_END, &read, &written, &error);
  assert_int_equal (r, G_CONVERTER_FINISHED);
  return g_base64_encode (out, written);
}

static void
test_gzip (void **state)
{
  (void) state;
  g_autofree char *b64 = gzip_base64 (ADD_MSG);
  g_autofree char *names = sorted_names ("ADD_PARTITION", "gzip(json-2.0)", b64);
  assert_string_equal (names, "ds=2024-01-01/hr=0 ds=a%2Fb/hr=1");
  /* plain JSON said to be gzip'd */
  assert_null (sorted_names ("ADD_PARTITION", "gzip(json-2.0)", ADD_MSG));
}

static void
test_refused (void **state)
{
  (void) state;
  assert_null (sorted_names ("ADD_PARTITION", "json-0.2", "{}"));
  assert_null (sorted_names ("ADD_PARTITION", "json-0.2", ""));
  assert_null (sorted_names ("ADD_PARTITION", "json-0.2", NULL));
  assert_null (sorted_names ("ADD_PARTITION", "avro-1", ADD_MSG));
  assert_null (sorted_names ("ADD_PARTITION", "json-0.2", "not json"));
  /* a key missing, or one too many */
  assert_null (sorted_names ("ADD_PARTITION", "json-0.2", "{\"partitions\":[{\"ds\":\"x\"}]}"));
  assert_null (sorted_names ("DROP_PARTITION", "json-0.2",
                             "{\"partitions\":[{\"ds\":\"x\",\"hr\":\"1\",\"z\":\"2\"}]}"));
  assert_null (sorted_names ("ALTER_PARTITION", "json-0.2", "{\"partitionObjAfterJson\":\"{}\"}"));
  assert_null (sorted_names ("CREATE_TABLE", "json-0.2", ADD_MSG));
}

/* The error of a message refused: always MS_ERROR_INVALID_INPUT (the
 * follower then copies the whole table). */
static void
assert_refused (const char *type, const char *format, const char *message)
{
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  assert_false (ms_follow_message_parts (type, format, message, keys, 2, names, &error));
  assert_true (g_error_matches (error, MS_ERROR, MS_ERROR_INVALID_INPUT));
}

/* Found by fuzz_follow_message: gzip data cut short was a GIO error, and
 * JSON nested deeper than json-glib's recursion can go (a small gzip'd
 * message unpacks to a million '[') overflowed the stack. */
static void
test_refused_forms (void **state)
{
  (void) state;
  g_autofree char *b64 = gzip_base64 (ADD_MSG);
  b64[strlen (b64) / 2] = '\0';
  assert_refused ("ADD_PARTITION", "gzip(json-2.0)", b64);

  gsize depth = 1000000;
  g_autofree char *deep = g_malloc (depth + 1);
  memset (deep, '[', depth);
  deep[depth] = '\0';
  g_autofree char *deep_gz = gzip_base64 (deep);
  assert_refused ("ADD_PARTITION", "gzip(json-2.0)", deep_gz);
  assert_refused ("ADD_PARTITION", "json-0.2", deep);
  /* a partition object inside the message, as deep */
  g_autoptr (GString) alter = g_string_new ("{\"partitionObjBeforeJson\":\"");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (alter, '[');
  g_string_append (alter, "\"}");
  assert_refused ("ALTER_PARTITION", "json-0.2", alter->str);
  /* json-glib 1.6 leaks on an unpaired surrogate escape */
  assert_refused ("ADD_PARTITION", "json-0.2", "{\"partitions\":[{\"ds\":\"\\ud800\",\"hr\":\"1\"}]}");
}

static void
test_partition_events (void **state)
{
  (void) state;
  assert_true (ms_follow_partition_event ("ADD_PARTITION"));
  assert_true (ms_follow_partition_event ("ALTER_PARTITION"));
  assert_true (ms_follow_partition_event ("DROP_PARTITION"));
  assert_false (ms_follow_partition_event ("ALTER_PARTITIONS"));
  assert_false (ms_follow_partition_event ("CREATE_TABLE"));
  assert_false (ms_follow_partition_event (NULL));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_add_drop),
    cmocka_unit_test (test_alter),
    cmocka_unit_test (test_gzip),
    cmocka_unit_test (test_refused),
    cmocka_unit_test (test_refused_forms),
    cmocka_unit_test (test_partition_events),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
