/* test_hive_mysql.c: the pure pieces of the MySQL and MariaDB source
 * backend (store/hive_mysql.c): which --from values are MySQL URLs, their
 * label without the password, statements turned into MariaDB's
 * spelling, "a name in this list" and whether it streams. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "store/hive_source_internal.h"

static void
test_urls (void **state)
{
  (void) state;
  assert_true (ms_hive_mysql_url ("mysql://u:p@h:3306/db"));
  assert_true (ms_hive_mysql_url ("mariadb://h/db"));
  assert_false (ms_hive_mysql_url ("postgresql://h/db"));
  assert_false (ms_hive_mysql_url ("host=h dbname=mysql"));
  assert_false (ms_hive_mysql_url (NULL));
}

static void
test_label (void **state)
{
  (void) state;
  const char *cases[][2] = {
    { "mysql://hive:s%20cret@db.example:3307/metastore", "mysql://hive@db.example:3307/metastore" },
    { "mariadb://hive@127.0.0.1/hms", "mariadb://hive@127.0.0.1/hms" },
    { "mysql://u:pw@localhost/hms?socket=/run/my.sock", "mysql://u@localhost/hms?socket=/run/my.sock" },
    { "mysql://u:pw@[bad", "mysql://?" },
    /* no host and a path of //db once the dots go: GLib writes no text
     * for it (found by fuzz_hive_mysql) */
    { "mysql:a/..//db", "mysql://?" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *label = ms_hive_mysql_label (cases[i][0]);
      assert_string_equal (label, cases[i][1]);
    }
}

static void
test_spelling (void **state)
{
  (void) state;
  const char *cases[][2] = {
    { "SELECT json_agg (x ORDER BY y) FROM t WHERE a = $1 AND b = $12",
      "SELECT JSON_ARRAYAGG (x ORDER BY y) FROM t WHERE a = ? AND b = ?" },
    { "SELECT json_build_object ('k', jsonb_object_agg (k, v))",
      "SELECT JSON_OBJECT ('k', JSON_OBJECTAGG (k, v))" },
    { "SELECT (SELECT json_agg (v) FROM t)::text, NULL::bigint, 'a::b'",
      "SELECT (SELECT JSON_ARRAYAGG (v) FROM t), NULL, 'a::b'" },
    /* only whole names, and only $ before a digit */
    { "SELECT my_json_agg (x), '$.a', \"json_agg\" FROM t", "SELECT my_json_agg (x), '$.a', \"json_agg\" FROM t" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *sql = ms_hive_mysql_sql (cases[i][0]);
      assert_string_equal (sql, cases[i][1]);
    }
}

static void
test_latin1 (void **state)
{
  (void) state;
  gsize n = 0;
  assert_null (ms_hive_mysql_text ("n\xc3\xa4me \xe2\x98\x83", 9, &n));   /* UTF-8 already */
  const char *latin1 = "{\"c\": \"n\xe4me\"}";
  g_autofree char *a = ms_hive_mysql_text (latin1, strlen (latin1), &n);
  assert_string_equal (a, "{\"c\": \"n\xc3\xa4me\"}");
  assert_int_equal (n, strlen (a));
  /* Windows-1252's euro sign, and a byte it leaves unused */
  g_autofree char *b = ms_hive_mysql_text ("\x80\x81", 2, &n);
  assert_string_equal (b, "\xe2\x82\xac\xc2\x81");
  /* NUL bytes are left out, ASCII kept */
  g_autofree char *c = ms_hive_mysql_text ("a\0\xe4" "b", 4, &n);
  assert_string_equal (c, "a\xc3\xa4" "b");
  assert_int_equal (n, 4);
}

/* The table ms_hive_mysql_text reads latin1 with gives, for every byte
 * that is not ASCII, what iconv's WINDOWS-1252 gives, and the byte's own
 * code point (a C1 control) where iconv has none. */
static void
test_latin1_as_iconv (void **state)
{
  (void) state;
  for (guint c = 0x80; c <= 0xff; c++)
    {
      char in[3] = { 'x', (char) c, 'y' };
      g_autofree char *want_char = g_convert (in + 1, 1, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
      char c1[8] = { 0 };
      if (want_char == NULL)
        g_unichar_to_utf8 (c, c1);
      g_autofree char *want = g_strconcat ("x", want_char != NULL ? want_char : c1, "y", NULL);
      gsize n = 0;
      g_autofree char *got = ms_hive_mysql_text (in, sizeof in, &n);
      assert_non_null (got);
      assert_string_equal (got, want);
      assert_int_equal (n, strlen (want));
    }
}

/* --follow's reads narrowed to named partitions: one JSON array parameter,
 * names with quotes and backslashes kept whole. */
static void
test_name_in (void **state)
{
  (void) state;
  const MsHiveBackend *be = &ms_hive_mysql_backend;
  g_autofree char *in = g_strdup_printf (be->name_in, "p.\"PART_NAME\"");
  g_autofree char *sql = ms_hive_mysql_sql (in);
  assert_string_equal (sql, "JSON_CONTAINS (?, JSON_QUOTE (CONVERT (p.\"PART_NAME\" USING utf8mb4)))");
  const char *names[] = { "d=2024-01-01/h=0", "s=it's \"q\" \\" };
  g_autofree char *list = be->name_list (names, G_N_ELEMENTS (names));
  assert_string_equal (list, "[\"d=2024-01-01/h=0\",\"s=it's \\\"q\\\" \\\\\"]");
  /* its unbuffered stream holds the connection: no partition stream beside the tables' */
  assert_false (be->streams);
  assert_true (ms_hive_pg_backend.streams);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_urls),
    cmocka_unit_test (test_label),
    cmocka_unit_test (test_spelling),
    cmocka_unit_test (test_latin1),
    cmocka_unit_test (test_latin1_as_iconv),
    cmocka_unit_test (test_name_in),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
