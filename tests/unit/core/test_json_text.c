/* test_json_text.c: JSON text from json-glib trees with control characters
 * inside strings escaped (core/json_text.c), compact and pretty. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "core/json_text.h"

static JsonNode *
object_with (const char *key, const char *value)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, key, value);
  JsonObject *inner = json_object_new ();
  json_object_set_string_member (inner, "n", "line\nbreak");
  json_object_set_object_member (o, "inner", inner);
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  return n;
}

/* Parses back and finds the same strings. */
static void
round_trip (gboolean pretty)
{
  const char value[] = "a\x1f" "b\x01" "c\x7f" "d\"e\\f\t";
  g_autoptr (JsonNode) n = object_with ("k\x02", value);
  gsize len = 0;
  g_autofree char *text = ms_json_text (n, pretty, &len);
  assert_int_equal (len, strlen (text));
  for (const char *p = text; *p; p++)
    if ((guchar) *p < 0x20)
      assert_true (pretty && (*p == '\n'));
  assert_non_null (strstr (text, "\\u001f"));
  g_autoptr (JsonParser) parser = json_parser_new ();
  assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  assert_string_equal (json_object_get_string_member (o, "k\x02"), value);
  assert_string_equal (json_object_get_string_member (json_object_get_object_member (o, "inner"),
                                                      "n"), "line\nbreak");
}

static void
test_compact (void **state)
{
  (void) state;
  round_trip (FALSE);
}

static void
test_pretty (void **state)
{
  (void) state;
  round_trip (TRUE);
}

static void
test_plain_text_unchanged (void **state)
{
  (void) state;
  char *in = g_strdup ("{\n  \"a\" : \"b\"\n}");
  char *out = ms_json_text_escape_controls (in, NULL);
  assert_ptr_equal (in, out);
  g_free (out);
}

static gboolean
pre (const char *text)
{
  g_autoptr (GError) e = NULL;
  return ms_json_precheck (text, strlen (text), 4, &e);
}

static void
test_precheck (void **state)
{
  (void) state;
  assert_true (pre ("{\"a\": [1, -2.5e+3, true, false, null, \"x\\\"y\\\\\"]}"));
  assert_true (pre ("[[[[1]]]]"));
  assert_false (pre ("[[[[[1]]]]]"));              /* deeper than 4 */
  assert_true (pre ("[\"[[[[[[\"]"));            /* brackets in strings do not count */
  assert_false (pre ("{'a': 1}"));                 /* single quotes */
  assert_false (pre ("{\"a\": 1 /* c */}"));      /* comments */
  assert_false (pre ("[\"a\\u0000b\"]"));       /* \u0000 */
  assert_true (pre ("[\"a\\\\u0000b\"]"));    /* an escaped backslash, then text */
  assert_false (pre ("[\"a\tb\"]"));              /* raw tab in a string */
  assert_true (pre ("[9223372036854775807, -9223372036854775808, 1e400, 123456789012345678901.5]"));
  assert_false (pre ("[9223372036854775808]"));
  assert_false (pre ("[-99999999999999999999999999999999]"));
  g_autoptr (GError) e = NULL;
  assert_false (ms_json_precheck ("[1,\0 2]", 6, 8, &e));
  assert_non_null (strstr (e->message, "NUL"));
  /* a cut document is said in our words, not left to json-glib's */
  assert_false (pre ("{"));
  assert_false (pre ("{\"a\":"));
  assert_false (pre ("[\"abc"));
  g_clear_error (&e);
  assert_false (ms_json_precheck ("{\"a\"", 4, 8, &e));
  assert_string_equal (e->message, "unexpected end of input at offset 4");
  /* a byte order mark and other bytes outside strings are named, not '?' */
  g_clear_error (&e);
  assert_false (ms_json_precheck ("\xef\xbb\xbf{}", 5, 8, &e));
  assert_string_equal (e->message, "a byte order mark at offset 0 (JSON text is sent without one)");
  g_clear_error (&e);
  assert_false (ms_json_precheck ("[1,\x7f]", 4, 8, &e));
  assert_string_equal (e->message, "unexpected character 0x7f at offset 3");
  /* one value: json-glib 1.6 accepts "{}{}" (the last object) and leaks the
   * first; found by fuzz_jwt (a JWKS) and fuzz_iceberg_metadata */
  g_clear_error (&e);
  assert_false (ms_json_precheck ("{\"a\":1} {\"b\":2}", 15, 8, &e));
  assert_string_equal (e->message, "text after the JSON value at offset 8");
  assert_false (pre ("[1][2]"));
  assert_false (pre ("1 {}"));
  assert_false (pre ("\"a\"{}"));
  assert_false (pre ("{},"));
  assert_false (pre ("\"a\" \"b\""));
  assert_true (pre (" {\"a\": [1, {}]} \n"));
  assert_true (pre ("\"a\""));
  assert_true (pre ("-1.5e3"));
  assert_true (pre ("true"));
  /* JSON's escapes only: json-glib 1.6 takes \x and \u12zz as text, and
   * leaks 152 bytes on {"k\u00e9": "\ud83k\u00e9FFFF"} (fuzz_json_flat) */
  assert_true (pre ("[\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\"]"));
  assert_false (pre ("[\"\\x\"]"));
  assert_false (pre ("[\"\\u12zz\"]"));
  assert_false (pre ("[\"\\ud83k\"]"));
  g_clear_error (&e);
  assert_false (ms_json_precheck ("{\"k\\u00e9\": \"\\ud83k\\u00e9FFFF\"}", 32, 8, &e));
  assert_string_equal (e->message, "malformed \\u escape in a string at offset 13");
}

/* Regression: json-glib 1.6 leaks 152 bytes parsing a high surrogate
 * followed by an escape that is not a low one (any REST body could hold
 * one), and turns lone surrogates into bytes that are not UTF-8. */
static void
test_precheck_surrogates (void **state)
{
  (void) state;
  assert_true (pre ("[\"\\ud83d\\ude00\", \"\\u00e9\\u4e2d\\uffff\"]"));  /* a pair, BMP */
  assert_true (pre ("[\"\\uD83D\\uDE00x\"]"));        /* upper-case hex */
  assert_false (pre ("[\"\\ud81d\\u15FF\"]"));        /* high, then not low */
  assert_false (pre ("{\"\\ud83d\\ufd3d\""));           /* the same in a key */
  assert_false (pre ("[\"\\ud83dx\"]"));                /* high, then text */
  assert_false (pre ("[\"\\ud83d\"]"));                 /* high at the end */
  assert_false (pre ("[\"\\ude00\"]"));                 /* a lone low one */
  assert_false (pre ("[\"\\ud83d\\ud83d\\ude00\"]"));  /* high, high, low */
  assert_true (pre ("[\"\\\\ud83d\"]"));              /* an escaped backslash, then text */
  assert_false (pre ("[\"\\u12\"]"));                   /* malformed (json-glib took it) */
  g_autoptr (GError) e = NULL;
  assert_false (ms_json_precheck ("[\"\\ude00\"]", 10, 8, &e));
  assert_non_null (strstr (e->message, "surrogate"));
}

/* String pairs as object members, over several maps. */
static void
test_append_members (void **state)
{
  (void) state;
  g_autoptr (GHashTable) a = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) none = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) b = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (a, "k", "v\"1");
  g_hash_table_insert (b, "x", "y");
  g_autoptr (GString) out = g_string_new ("{");
  gboolean first = TRUE;
  ms_json_text_append_members (out, none, &first);
  assert_true (first);
  ms_json_text_append_members (out, a, &first);
  ms_json_text_append_members (out, none, &first);
  ms_json_text_append_members (out, b, &first);
  g_string_append_c (out, '}');
  assert_false (first);
  assert_string_equal (out->str, "{\"k\":\"v\\\"1\",\"x\":\"y\"}");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_compact),
    cmocka_unit_test (test_append_members),
    cmocka_unit_test (test_pretty),
    cmocka_unit_test (test_plain_text_unchanged),
    cmocka_unit_test (test_precheck),
    cmocka_unit_test (test_precheck_surrogates),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
