/* test_json_flat.c: the flat JSON decoders for string arrays and string maps (store/json_flat.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "store/json_flat.h"
#include <json-glib/json-glib.h>

typedef gboolean (*FlatFn) (const char *, gsize, GPtrArray *);

/* Decodes 'in' with 'fn' (must succeed) and checks the strings against the
 * NULL-terminated 'want'. The array starts with one entry that must stay. */
static void
check_ok (FlatFn fn, const char *in, gsize len, const char *const *want)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (out, g_strdup ("before"));
  if (!fn (in, len, out))
    fail_msg ("'%s' was refused", in);
  guint n = g_strv_length ((char **) want);
  if (out->len != n + 1)
    fail_msg ("'%s' gave %u strings, want %u", in, out->len - 1, n);
  assert_string_equal (g_ptr_array_index (out, 0), "before");
  for (guint i = 0; i < n; i++)
    if (strcmp (g_ptr_array_index (out, i + 1), want[i]) != 0)
      fail_msg ("'%s' string %u: got '%s', want '%s'", in, i, (char *) g_ptr_array_index (out, i + 1),
                want[i]);
}

#define OK_A(in, ...) check_ok (ms_json_flat_strings, in, strlen (in), (const char *const[]) { __VA_ARGS__, NULL })
#define OK_O(in, ...) check_ok (ms_json_flat_object, in, strlen (in), (const char *const[]) { __VA_ARGS__, NULL })

/* Checks that 'fn' refuses 'in' and leaves the array exactly as it was. */
static void
check_refused (FlatFn fn, const char *in, gsize len)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (out, g_strdup ("x"));
  g_ptr_array_add (out, g_strdup ("y"));
  if (fn (in, len, out))
    fail_msg ("'%.*s' (%s) was accepted", (int) len, in, fn == ms_json_flat_strings ? "array" : "object");
  assert_int_equal (out->len, 2);
  assert_string_equal (g_ptr_array_index (out, 0), "x");
  assert_string_equal (g_ptr_array_index (out, 1), "y");
}

#define NO_A(in) check_refused (ms_json_flat_strings, in, sizeof (in) - 1)
#define NO_O(in) check_refused (ms_json_flat_object, in, sizeof (in) - 1)

static void
test_arrays (void **state)
{
  OK_A ("[\"2024-01-01\",\"7\"]", "2024-01-01", "7");
  OK_A ("[\"a\"]", "a");
  OK_A ("[\"\"]", "");
  OK_A ("[\"\", \"\"]", "", "");
  OK_A ("[\"with space\", \"x=y/z\"]", "with space", "x=y/z");
  OK_A ("[\"'\", \"{\", \"}\", \"[\", \"]\", \":\", \",\"]", "'", "{", "}", "[", "]", ":", ",");
}

static void
test_objects (void **state)
{
  /* What PostgreSQL prints for jsonb. */
  OK_O ("{\"numRows\": \"10\", \"totalSize\": \"123\"}", "numRows", "10", "totalSize", "123");
  OK_O ("{\"a\":\"b\"}", "a", "b");
  OK_O ("{\"\": \"\"}", "", "");
  /* Duplicate keys are all kept, in order. */
  OK_O ("{\"k\": \"1\", \"j\": \"2\", \"k\": \"3\"}", "k", "1", "j", "2", "k", "3");
}

static void
test_empty (void **state)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  assert_true (ms_json_flat_strings ("[]", 2, out));
  assert_true (ms_json_flat_strings (" [ ] ", 5, out));
  assert_true (ms_json_flat_strings ("\n[\t\r\n]\n", 7, out));
  assert_true (ms_json_flat_object ("{}", 2, out));
  assert_true (ms_json_flat_object (" { } ", 5, out));
  assert_true (ms_json_flat_object ("\r\n{\t}\r\n", 7, out));
  assert_int_equal (out->len, 0);
}

static void
test_whitespace (void **state)
{
  OK_A (" [ \"a\" , \"b\" ] ", "a", "b");
  OK_A ("\t\r\n[\t\r\n\"a\"\t\r\n,\t\r\n\"b\"\t\r\n]\t\r\n", "a", "b");
  OK_O (" { \"a\" : \"b\" , \"c\" : \"d\" } ", "a", "b", "c", "d");
  OK_O ("\n{\n\t\"a\"\r\n:\t\"b\"\n,\r\"c\":\"d\"\n}\n", "a", "b", "c", "d");
  /* Whitespace inside strings is kept as it is. */
  OK_A ("[\" a \\t b \"]", " a \t b ");
}

static void
test_escapes (void **state)
{
  OK_A ("[\"\\\"\"]", "\"");
  OK_A ("[\"\\\\\"]", "\\");
  OK_A ("[\"\\/\"]", "/");
  OK_A ("[\"\\b\\f\\n\\r\\t\"]", "\b\f\n\r\t");
  OK_A ("[\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"]", "a\"b\\c/d\be\ff\ng\rh\ti");
  OK_A ("[\"\\\\\", \"\\\"\"]", "\\", "\"");
  OK_A ("[\"\\\\\\\"\"]", "\\\"");
  OK_A ("[\"\\u0041\\u0062\"]", "Ab");
  OK_A ("[\"\\u0001\\u001f\"]", "\x01\x1f");
  OK_A ("[\"\\u007f\\u0080\"]", "\x7f\xc2\x80");
  OK_A ("[\"\\u00e9\\u00E9\"]", "\xc3\xa9\xc3\xa9");
  OK_A ("[\"\\u20ac\"]", "\xe2\x82\xac");
  OK_A ("[\"\\uffff\"]", "\xef\xbf\xbf");
  OK_O ("{\"k\\u00e9\": \"v\\n\"}", "k\xc3\xa9", "v\n");
}

static void
test_unicode (void **state)
{
  /* é and 😀, raw and escaped (😀 as a surrogate pair, either case). */
  OK_A ("[\"caf\xc3\xa9\"]", "caf\xc3\xa9");
  OK_A ("[\"\xf0\x9f\x98\x80\"]", "\xf0\x9f\x98\x80");
  OK_A ("[\"\\ud83d\\ude00\"]", "\xf0\x9f\x98\x80");
  OK_A ("[\"\\uD83D\\uDE00\"]", "\xf0\x9f\x98\x80");
  OK_A ("[\"x\\ud83d\\ude00y\xf0\x9f\x98\x80z\"]", "x\xf0\x9f\x98\x80y\xf0\x9f\x98\x80z");
  /* The edges of the surrogate ranges and of Unicode. */
  OK_A ("[\"\\ud800\\udc00\"]", "\xf0\x90\x80\x80");
  OK_A ("[\"\\udbff\\udfff\"]", "\xf4\x8f\xbf\xbf");
  OK_A ("[\"\xf4\x8f\xbf\xbf\"]", "\xf4\x8f\xbf\xbf");
  /* Every UTF-8 length at its smallest and largest. */
  OK_A ("[\"\xc2\x80\xdf\xbf\"]", "\xc2\x80\xdf\xbf");
  OK_A ("[\"\xe0\xa0\x80\xef\xbf\xbf\"]", "\xe0\xa0\x80\xef\xbf\xbf");
  OK_A ("[\"\xed\x9f\xbf\xee\x80\x80\"]", "\xed\x9f\xbf\xee\x80\x80");
  OK_A ("[\"\xf0\x90\x80\x80\"]", "\xf0\x90\x80\x80");
  OK_O ("{\"\xc3\xa9\": \"\xf0\x9f\x98\x80\"}", "\xc3\xa9", "\xf0\x9f\x98\x80");
}

/* The text need not be NUL-terminated: only 'len' bytes are read. */
static void
test_length (void **state)
{
  check_ok (ms_json_flat_strings, "[\"a\"]garbage", 5, (const char *const[]) { "a", NULL });
  check_ok (ms_json_flat_object, "{\"a\":\"b\"}}}", 9, (const char *const[]) { "a", "b", NULL });
  g_autofree char *exact = g_memdup2 ("[\"abc\"]", 7);     /* no NUL after it */
  check_ok (ms_json_flat_strings, exact, 7, (const char *const[]) { "abc", NULL });
  check_refused (ms_json_flat_strings, "[\"a\"]", 4);
  check_refused (ms_json_flat_strings, "[\"a\"]", 3);
  check_refused (ms_json_flat_strings, "", 0);
  check_refused (ms_json_flat_object, "", 0);
  check_refused (ms_json_flat_strings, NULL, 0);
  /* A NUL inside the length is never whitespace nor part of a string. */
  check_refused (ms_json_flat_strings, "[\"a\"]\0", 6);
  check_refused (ms_json_flat_strings, "[\"a\0\"]", 6);
  check_refused (ms_json_flat_strings, "\0[\"a\"]", 6);
}

static void
test_other_types (void **state)
{
  NO_A ("[1]");
  NO_A ("[\"a\", 1]");
  NO_A ("[-1.5e3]");
  NO_A ("[null]");
  NO_A ("[\"a\", null]");
  NO_A ("[true]");
  NO_A ("[false]");
  NO_A ("[[\"a\"]]");
  NO_A ("[{\"a\": \"b\"}]");
  NO_A ("{\"a\": \"b\"}");       /* an object is not an array */
  NO_A ("\"a\"");
  NO_A ("null");
  NO_A ("1");
  NO_O ("{\"a\": 1}");
  NO_O ("{\"a\": \"b\", \"c\": 1}");
  NO_O ("{\"a\": null}");
  NO_O ("{\"a\": true}");
  NO_O ("{\"a\": [\"b\"]}");
  NO_O ("{\"a\": {\"b\": \"c\"}}");
  NO_O ("{1: \"b\"}");
  NO_O ("{a: \"b\"}");
  NO_O ("[\"a\", \"b\"]");       /* an array is not an object */
  NO_O ("\"a\"");
  NO_O ("null");
}

static void
test_syntax (void **state)
{
  /* truncated */
  NO_A ("[");
  NO_A ("[\"");
  NO_A ("[\"a");
  NO_A ("[\"a\"");
  NO_A ("[\"a\",");
  NO_A ("[\"a\", ");
  NO_A ("[\"a\\");
  NO_A ("[\"a\\\"]");
  NO_O ("{");
  NO_O ("{\"a\"");
  NO_O ("{\"a\":");
  NO_O ("{\"a\": \"b\"");
  NO_O ("{\"a\": \"b\",");
  NO_O ("{\"a\": \"b");
  /* trailing commas and missing or doubled separators */
  NO_A ("[\"a\",]");
  NO_A ("[,]");
  NO_A ("[,\"a\"]");
  NO_A ("[\"a\",,\"b\"]");
  NO_A ("[\"a\" \"b\"]");
  NO_A ("[\"a\": \"b\"]");
  NO_O ("{\"a\": \"b\",}");
  NO_O ("{,}");
  NO_O ("{\"a\"}");
  NO_O ("{\"a\" \"b\"}");
  NO_O ("{\"a\":: \"b\"}");
  NO_O ("{\"a\": \"b\" \"c\": \"d\"}");
  NO_O ("{\"a\", \"b\"}");
  /* wrong or mismatched brackets */
  NO_A ("[\"a\"}");
  NO_O ("{\"a\": \"b\"]");
  NO_A ("]");
  NO_O ("}");
  /* trailing garbage */
  NO_A ("[\"a\"] x");
  NO_A ("[\"a\"]]");
  NO_A ("[\"a\"][]");
  NO_A ("[]x");
  NO_O ("{\"a\": \"b\"}}");
  NO_O ("{}{}");
  NO_O ("{} ,");
  /* only JSON whitespace: no vertical tab, form feed, NBSP or BOM */
  NO_A ("\v[\"a\"]");
  NO_A ("[\f\"a\"]");
  NO_A ("[\"a\"\xc2\xa0]");
  NO_A ("\xef\xbb\xbf[\"a\"]");
  /* single quotes, comments */
  NO_A ("['a']");
  NO_A ("[\"a\" /* c */]");
  NO_O ("{'a': 'b'}");
}

static void
test_bad_strings (void **state)
{
  /* escapes JSON does not have or malformed \u */
  NO_A ("[\"\\x41\"]");
  NO_A ("[\"\\a\"]");
  NO_A ("[\"\\'\"]");
  NO_A ("[\"\\U0041\"]");
  NO_A ("[\"\\0\"]");
  NO_A ("[\"\\u\"]");
  NO_A ("[\"\\u12\"]");
  NO_A ("[\"\\u123\"]");
  NO_A ("[\"\\u12g4\"]");
  NO_A ("[\"\\u+123\"]");
  NO_A ("[\"\\u 123\"]");
  NO_A ("[\"\\\xc3\xa9\"]");
  /* \u0000 and surrogates that are not a proper pair: json-glib decides */
  NO_A ("[\"\\u0000\"]");
  NO_A ("[\"a\\u0000b\"]");
  NO_A ("[\"\\ud83d\"]");
  NO_A ("[\"\\ud83dx\"]");
  NO_A ("[\"\\ud83d\\n\"]");
  NO_A ("[\"\\ud83d\\u0041\"]");
  NO_A ("[\"\\ud83d\\ud83d\"]");
  NO_A ("[\"\\ude00\"]");
  NO_A ("[\"\\ude00\\ud83d\"]");
  NO_A ("[\"\\ud83d\\ude0\"]");
  NO_A ("[\"\\ud83d\\\"]");
  NO_O ("{\"\\ud83d\": \"a\"}");
  NO_O ("{\"a\": \"\\u0000\"}");
  /* raw control characters */
  NO_A ("[\"a\tb\"]");
  NO_A ("[\"a\nb\"]");
  NO_A ("[\"\x01\"]");
  NO_A ("[\"\x1f\"]");
  NO_O ("{\"a\r\": \"b\"}");
  /* invalid UTF-8: stray continuation, overlong, surrogate, past U+10FFFF,
   * never-valid bytes, truncated sequences */
  NO_A ("[\"\x80\"]");
  NO_A ("[\"\xbf\"]");
  NO_A ("[\"\xc0\x80\"]");
  NO_A ("[\"\xc1\xbf\"]");
  NO_A ("[\"\xe0\x9f\xbf\"]");
  NO_A ("[\"\xf0\x8f\xbf\xbf\"]");
  NO_A ("[\"\xed\xa0\x80\"]");
  NO_A ("[\"\xed\xbf\xbf\"]");
  NO_A ("[\"\xf4\x90\x80\x80\"]");
  NO_A ("[\"\xf5\x80\x80\x80\"]");
  NO_A ("[\"\xff\"]");
  NO_A ("[\"\xfe\"]");
  NO_A ("[\"\xc3\"]");
  NO_A ("[\"\xc3\"");
  NO_A ("[\"\xe2\x82\"]");
  NO_A ("[\"\xf0\x9f\x98\"]");
  NO_A ("[\"\xc3\x28\"]");
  NO_A ("[\"\xe2\x28\xac\"]");
  NO_A ("[\"\xe2\x82\x28\"]");
  NO_A ("[\"\xf0\x9f\x28\x80\"]");
  NO_A ("[\"\xf0\x9f\x98\x28\"]");
  NO_O ("{\"\xc3\": \"b\"}");
  NO_O ("{\"a\": \"\xff\"}");
}

/* A failure late in the text drops everything the call appended. */
static void
test_untouched (void **state)
{
  NO_A ("[\"a\", \"b\", \"c\", 1]");
  NO_A ("[\"a\", \"b\\u00e9\", \"\\q\"]");
  NO_A ("[\"a\", \"b\", \"c\"] x");
  NO_O ("{\"a\": \"b\", \"c\": \"d\", \"e\": null}");
  NO_O ("{\"a\": \"b\", \"c\": \"d\", \"e\"}");
  NO_O ("{\"a\": \"b\", \"c\": \"d\"}, ");
  /* and the array keeps working afterwards */
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  const char *bad = "{\"a\": \"b\", \"c\": 5}", *good = "{\"a\": \"b\"}";
  assert_false (ms_json_flat_object (bad, strlen (bad), out));
  assert_int_equal (out->len, 0);
  assert_true (ms_json_flat_object (good, strlen (good), out));
  assert_true (ms_json_flat_strings ("[\"c\"]", 5, out));
  assert_int_equal (out->len, 3);
  assert_string_equal (g_ptr_array_index (out, 2), "c");
}

/* The encoders: json-glib reads back exactly what was written, and so
 * does the flat decoder. */
static void
test_encoders (void **state)
{
  (void) state;
  const char *items[] = { "", "plain", "q\"uote", "back\\slash", "nl\n tab\t cr\r",
                          "\x01\x1f ctl", "é 日本 😀", "x'); drop table t; --", "a/b=c%d" };
  guint n = G_N_ELEMENTS (items);
  g_autofree char *arr = ms_json_flat_write_strings (items, n);
  g_autoptr (JsonParser) p = json_parser_new ();
  assert_true (json_parser_load_from_data (p, arr, -1, NULL));
  JsonArray *a = json_node_get_array (json_parser_get_root (p));
  assert_int_equal (json_array_get_length (a), n);
  for (guint i = 0; i < n; i++)
    assert_string_equal (json_array_get_string_element (a, i), items[i]);
  g_autoptr (GPtrArray) back = g_ptr_array_new_with_free_func (g_free);
  assert_true (ms_json_flat_strings (arr, strlen (arr), back));
  assert_int_equal (back->len, n);
  for (guint i = 0; i < n; i++)
    assert_string_equal (g_ptr_array_index (back, i), items[i]);

  g_autoptr (GHashTable) map = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    g_hash_table_insert (map, (gpointer) items[(i + 1) % n], (gpointer) items[i]);
  g_autofree char *obj = ms_json_flat_write_object (map);
  g_autoptr (JsonParser) q = json_parser_new ();
  assert_true (json_parser_load_from_data (q, obj, -1, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (q));
  assert_int_equal (json_object_get_size (o), n);
  for (guint i = 0; i < n; i++)
    assert_string_equal (json_object_get_string_member (o, items[(i + 1) % n]), items[i]);
  g_autofree char *empty = ms_json_flat_write_object (NULL);
  assert_string_equal (empty, "{}");
  g_autofree char *none = ms_json_flat_write_strings (NULL, 0);
  assert_string_equal (none, "[]");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_arrays),
    cmocka_unit_test (test_objects),
    cmocka_unit_test (test_empty),
    cmocka_unit_test (test_whitespace),
    cmocka_unit_test (test_escapes),
    cmocka_unit_test (test_unicode),
    cmocka_unit_test (test_length),
    cmocka_unit_test (test_other_types),
    cmocka_unit_test (test_syntax),
    cmocka_unit_test (test_bad_strings),
    cmocka_unit_test (test_untouched),
    cmocka_unit_test (test_encoders),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
