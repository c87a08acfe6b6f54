/* test_pattern.c: HMS name patterns and Hive's catalog-prefixed names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include "core/pattern.h"
#include "core/part_name.h"
#include "hms/internal.h"

static void
test_regex (void **state)
{
  (void) state;
  g_autofree char *a = ms_pattern_to_regex ("sales_*|tmp");
  assert_string_equal (a, "^(?:sales_.*|tmp)$");
  assert_null (ms_pattern_to_regex (NULL));
  assert_null (ms_pattern_to_regex ("  "));
  g_autofree char *b = ms_pattern_to_regex ("a(b)[c]$^+?{");
  assert_string_equal (b, "^(?:a\\(b\\)\\[c\\]\\$\\^\\+\\?\\{)$");
}

static void
test_match (void **state)
{
  (void) state;
  assert_true (ms_pattern_match ("*", "anything"));
  assert_true (ms_pattern_match ("Sales*", "sales_2024"));
  assert_true (ms_pattern_match ("a*|b*", "beta"));
  assert_false (ms_pattern_match ("a*|b*", "gamma"));
  assert_true (ms_pattern_match ("d.", "db"));
  assert_false (ms_pattern_match ("db", "db2"));
  assert_false (ms_pattern_match ("(x", "x"));
  assert_true (ms_pattern_match ("(x", "(x"));
}

static void
test_db_names (void **state)
{
  (void) state;
  g_autofree char *c1 = NULL, *d1 = NULL, *c2 = NULL, *d2 = NULL, *c3 = NULL, *d3 = NULL,
                  *c4 = NULL, *d4 = NULL;
  assert_true (hms_parse_db_name ("Sales", &c1, &d1, NULL));
  assert_string_equal (c1, "hive");
  assert_string_equal (d1, "sales");
  assert_true (hms_parse_db_name ("@Spark#DB1", &c2, &d2, NULL));
  assert_string_equal (c2, "spark");
  assert_string_equal (d2, "db1");
  assert_true (hms_parse_db_name ("@hive#", &c3, &d3, NULL));
  assert_null (d3);
  assert_true (hms_parse_db_name ("@hive#!", &c4, &d4, NULL));
  assert_string_equal (d4, "");
  g_autofree char *c5 = NULL, *d5 = NULL;
  g_autoptr (GError) e = NULL;
  assert_false (hms_parse_db_name ("@nosep", &c5, &d5, &e));
  assert_true (hms_check_name ("database", "ok_1", NULL));
  assert_false (hms_check_name ("database", "bad-name", NULL));
  assert_false (hms_check_name ("database", "", NULL));
  g_autofree char *longname = g_strnfill (129, 'a');
  assert_false (hms_check_name ("database", longname, NULL));
}

/* Regression (fuzz_part_name): g_utf8_strdown read past the end of a
 * partition key holding invalid UTF-8. */
static void
test_lower_invalid_utf8 (void **state)
{
  g_autofree char *a = ms_str_lower ("A\xff\xfe=B");
  assert_string_equal (a, "a\xff\xfe=b");
  g_autofree char *b = ms_str_lower ("\xc3\x89T\xc3\x89");   /* valid UTF-8: ÉTÉ */
  assert_string_equal (b, "\xc3\xa9t\xc3\xa9");
  assert_null (ms_str_lower (NULL));
}

/* Names built as Hive's Warehouse.makePartName builds them: keys in
 * lower case, FileUtils' set escaped as %XX in keys and values, an empty
 * or absent value as the default partition (the name is built in one
 * buffer, keys of plain ASCII are not copied to be lowered). */
static void
test_part_name_make (void **state)
{
  const char *keys[] = { "ds", "Hr", "\xc3\x89t\xc3\xa9", "a/b" };
  const char *vals[] = { "2024-01-01", "1:30", "x=y%z", "" };
  g_autofree char *all = ms_part_name_make (keys, vals, 4);
  assert_string_equal (all, "ds=2024-01-01/hr=1%3A30/\xc3\xa9t\xc3\xa9=x%3Dy%25z/a%2Fb="
                            MS_DEFAULT_PARTITION_NAME);
  const char *k2[] = { "p" };
  const char *v2[] = { "\x01\x7f#'*?\\{[]^\"" };
  g_autofree char *ctl = ms_part_name_make (k2, v2, 1);
  assert_string_equal (ctl, "p=%01%7F%23%27%2A%3F%5C%7B%5B%5D%5E%22");
  const char *v3[] = { NULL };
  g_autofree char *null_value = ms_part_name_make (k2, v3, 1);
  assert_string_equal (null_value, "p=" MS_DEFAULT_PARTITION_NAME);
  g_autofree char *esc = ms_part_name_escape ("plain");
  assert_string_equal (esc, "plain");
  g_autofree char *empty = ms_part_name_make (k2, v2, 0);
  assert_string_equal (empty, "");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_lower_invalid_utf8),
    cmocka_unit_test (test_part_name_make),
    cmocka_unit_test (test_regex),
    cmocka_unit_test (test_match),
    cmocka_unit_test (test_db_names),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
