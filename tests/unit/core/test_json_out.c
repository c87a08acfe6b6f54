/* test_json_out.c: JSON text written straight (core/json_out.c) is the
 * very text json-glib's generator writes through ms_json_text for the
 * same tree: every ASCII byte in names and values, UTF-8, numbers,
 * nesting, empty containers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "core/json_out.h"
#include "core/json_text.h"

/* Every byte 1..0x7f, then a two-byte UTF-8 character. */
static char *
all_bytes (void)
{
  GString *s = g_string_new (NULL);
  for (int c = 1; c < 0x80; c++)
    g_string_append_c (s, (char) c);
  g_string_append (s, "\xc3\xa9");
  return g_string_free (s, FALSE);
}

static void
test_same_as_json_glib (void **state)
{
  (void) state;
  g_autofree char *bytes = all_bytes ();
  g_autoptr (JsonBuilder) b = json_builder_new ();
  MsJsonOut j;
  ms_json_out_init (&j, 8);
  json_builder_begin_object (b);
  ms_json_out_begin_object (&j);
  json_builder_set_member_name (b, bytes);
  ms_json_out_member (&j, bytes);
  json_builder_add_string_value (b, bytes);
  ms_json_out_string (&j, bytes);
  const gint64 ints[] = { 0, -1, 42, G_MININT64, G_MAXINT64 };
  json_builder_set_member_name (b, "n");
  ms_json_out_member (&j, "n");
  json_builder_begin_array (b);
  ms_json_out_begin_array (&j);
  for (gsize i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      json_builder_add_int_value (b, ints[i]);
      ms_json_out_int (&j, ints[i]);
    }
  json_builder_begin_object (b);
  ms_json_out_begin_object (&j);
  json_builder_end_object (b);
  ms_json_out_end_object (&j);
  json_builder_begin_array (b);
  ms_json_out_begin_array (&j);
  json_builder_end_array (b);
  ms_json_out_end_array (&j);
  json_builder_add_string_value (b, "");
  ms_json_out_string (&j, "");
  json_builder_end_array (b);
  ms_json_out_end_array (&j);
  json_builder_set_member_name (b, "last");
  ms_json_out_member (&j, "last");
  json_builder_add_string_value (b, "x");
  ms_json_out_string_len (&j, "xyz", 1);
  json_builder_end_object (b);
  ms_json_out_end_object (&j);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *expected = ms_json_text (root, FALSE, NULL);
  g_autofree char *got = ms_json_out_finish (&j);
  assert_string_equal (got, expected);
}

/* Escaping appends: what was in the buffer stays. */
static void
test_escape_appends (void **state)
{
  (void) state;
  g_autoptr (GString) s = g_string_new ("ab");
  ms_json_out_escape (s, "\"\x01", 2);
  ms_json_out_escape (s, "plain", 5);
  assert_string_equal (s->str, "ab\\\"\\u0001plain");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_same_as_json_glib),
    cmocka_unit_test (test_escape_appends),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
