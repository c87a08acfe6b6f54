/* test_hive_mysql.c: the pure pieces of the MySQL and MariaDB source
 * backend (store/hive_mysql.c): which --from values are MySQL URLs, their
 * label without the password, statements turned into the spelling
 * MySQL 8.0 and MariaDB 10.5 share, which servers are read, "a name in
 * this list". */
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
    /* an ordered json_agg: GROUP_CONCAT of JSON text (MySQL's JSON_ARRAYAGG
     * takes no ORDER BY) */
    { "SELECT json_agg (x ORDER BY y) FROM t WHERE a = $1 AND b = $12",
      "SELECT CONVERT (CONCAT ('[', GROUP_CONCAT (COALESCE (JSON_QUOTE (x), 'null') ORDER BY y), "
      "']') USING utf8mb4) FROM t WHERE a = ? AND b = ?" },
    { "SELECT json_build_object ('k', jsonb_object_agg (k, v))",
      "SELECT JSON_OBJECT ('k', JSON_OBJECTAGG (k, v))" },
    { "SELECT (SELECT json_agg (v) FROM t)::text, NULL::bigint, 'a::b'",
      "SELECT (SELECT CONVERT (CONCAT ('[', GROUP_CONCAT (COALESCE (JSON_QUOTE (v), 'null')), ']') "
      "USING utf8mb4) FROM t), NULL, 'a::b'" },
    /* objects as they are */
    { "json_agg (json_build_object ('c', o.\"C\", 'n', o.\"N\") ORDER BY o.\"I\")",
      "CONVERT (CONCAT ('[', GROUP_CONCAT (JSON_OBJECT ('c', o.\"C\", 'n', o.\"N\") "
      "ORDER BY o.\"I\"), ']') USING utf8mb4)" },
    /* a nested list is JSON text already; inside JSON_OBJECT the list is
     * made JSON again, or it would be quoted as a string */
    { "json_build_object ('v', (SELECT json_agg ((SELECT json_agg (l.s ORDER BY l.i) FROM l) "
      "ORDER BY v.i) FROM v))",
      "JSON_OBJECT ('v', (SELECT JSON_EXTRACT (CONVERT (CONCAT ('[', GROUP_CONCAT (COALESCE "
      "((SELECT CONVERT (CONCAT ('[', GROUP_CONCAT (COALESCE (JSON_QUOTE (l.s), 'null') ORDER BY "
      "l.i), ']') USING utf8mb4) FROM l), 'null') ORDER BY v.i), ']') USING utf8mb4), '$') "
      "FROM v))" },
    /* the ORDER BY of a subquery inside it is the subquery's */
    { "json_agg ((SELECT a FROM b ORDER BY c LIMIT 1))",
      "CONVERT (CONCAT ('[', GROUP_CONCAT (COALESCE ((SELECT a FROM b ORDER BY c LIMIT 1), "
      "'null')), ']') USING utf8mb4)" },
    /* never closed: renamed only */
    { "json_agg (x ORDER BY 'y)", "JSON_ARRAYAGG (x ORDER BY 'y)" },
    /* only whole names, and only $ before a digit */
    { "SELECT my_json_agg (x), '$.a', \"json_agg\" FROM t", "SELECT my_json_agg (x), '$.a', \"json_agg\" FROM t" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *sql = ms_hive_mysql_sql (cases[i][0]);
      assert_string_equal (sql, cases[i][1]);
    }
}

/* MySQL 8.0 on and MariaDB 10.5 on are read; older servers are refused
 * naming what they lack. */
static void
test_server_check (void **state)
{
  (void) state;
  const char *ok[] = { "10.11.6-MariaDB-0+deb12u1", "5.5.5-10.5.0-MariaDB", "11.4.2-MariaDB",
                       "8.0.36", "8.4.0-commercial", "9.1.0" };
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    assert_true (ms_hive_mysql_server_check (ok[i], NULL));
  const char *old[][2] = {
    { "10.4.32-MariaDB", "MariaDB 10.5 or later" },
    { "5.5.5-10.3.39-MariaDB-0+deb10u1", "MariaDB 10.5 or later" },
    { "5.7.44-log", "MySQL 8.0 or later" },
    { "5.5.5-8.0.1", "MySQL 8.0 or later" },
    { "MySQL", "not a version" },
    { "", "not a version" },
    { NULL, "not a version" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (old); i++)
    {
      g_autoptr (GError) error = NULL;
      assert_false (ms_hive_mysql_server_check (old[i][0], &error));
      assert_non_null (strstr (error->message, old[i][1]));
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
  /* both stream every partition through a cursor beside the tables' */
  assert_non_null (be->cursor_open);
  assert_non_null (ms_hive_pg_backend.cursor_open);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_urls),
    cmocka_unit_test (test_label),
    cmocka_unit_test (test_spelling),
    cmocka_unit_test (test_server_check),
    cmocka_unit_test (test_latin1),
    cmocka_unit_test (test_latin1_as_iconv),
    cmocka_unit_test (test_name_in),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
