/* test_partition_filter.c: partition filters compiled to SQL and the numeric
 * form of partition values (store/partition_filter.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "core/error.h"
#include "core/filter.h"
#include "model/table.h"
#include "store/partition_filter.h"

/* ---- ms_partition_value_number ---- */

static void
check_number (const char *type, const char *value, const char *expected)
{
  g_autofree char *got = ms_partition_value_number (type, value);
  if (g_strcmp0 (got, expected) != 0)
    fail_msg ("%s '%s' gave '%s', expected '%s'", type, value, got ? got : "NULL",
              expected ? expected : "NULL");
}

static void
test_number_integral (void **state)
{
  const char *types[] = { "tinyint", "smallint", "int", "integer", "bigint", "INT", " bigint " };
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    check_number (types[i], "7", "7");
  check_number ("int", "-7", "-7");
  check_number ("int", "+7", "7");
  check_number ("int", "007", "7");
  check_number ("int", "0", "0");
  check_number ("int", "-0", "0");
  check_number ("int", "000", "0");
  check_number ("int", "100", "100");
  check_number ("bigint", "9223372036854775807", "9223372036854775807");
  check_number ("bigint", "-9223372036854775808", "-9223372036854775808");
  /* beyond 64 bits: still a number (Hive compares as decimal) */
  check_number ("bigint", "123456789012345678901234567890", "123456789012345678901234567890");
  /* not integers */
  check_number ("int", "1.0", NULL);
  check_number ("int", "1e3", NULL);
  check_number ("int", "", NULL);
  check_number ("int", "-", NULL);
  check_number ("int", "+", NULL);
  check_number ("int", " 7", NULL);
  check_number ("int", "7 ", NULL);
  check_number ("int", "0x10", NULL);
  check_number ("int", "abc", NULL);
  check_number ("int", "__HIVE_DEFAULT_PARTITION__", NULL);
  check_number ("int", NULL, NULL);

  /* 1000 digits at most; leading zeros do not count */
  g_autofree char *max = g_strnfill (1000, '9');
  check_number ("bigint", max, max);
  g_autofree char *over = g_strnfill (1001, '9');
  check_number ("bigint", over, NULL);
  g_autofree char *zeros = g_strnfill (5000, '0');
  g_autofree char *padded = g_strconcat (zeros, "42", NULL);
  check_number ("int", padded, "42");
}

static void
test_number_decimal (void **state)
{
  const char *types[] = { "decimal", "decimal(10,2)", "DECIMAL(38, 18)", "numeric(5)", "float",
                          "double", "double precision", "real" };
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    check_number (types[i], "1.50", "1.5");
  check_number ("decimal", "1", "1");
  check_number ("decimal", "-0.001", "-0.001");
  check_number ("decimal", "+2.5", "2.5");
  check_number ("decimal", ".5", "0.5");
  check_number ("decimal", "5.", "5");
  check_number ("decimal", "0.0", "0");
  check_number ("decimal", "-0.0", "0");
  check_number ("decimal", "00012.3400", "12.34");
  check_number ("decimal", "100", "100");
  check_number ("decimal", "100.000", "100");
  check_number ("double", "1e3", "1000");
  check_number ("double", "1E+3", "1000");
  check_number ("double", "1.0E10", "10000000000");
  check_number ("double", "1.5e-3", "0.0015");
  check_number ("double", "-12.5e1", "-125");
  check_number ("double", "123.456e2", "12345.6");
  check_number ("double", "0e99999999999999999999", "0");
  check_number ("double", "NaN", NULL);
  check_number ("double", "Infinity", NULL);
  check_number ("double", "-Infinity", NULL);
  check_number ("double", "1.5d", NULL);
  check_number ("double", "1e", NULL);
  check_number ("double", "1e+", NULL);
  check_number ("double", "e5", NULL);
  check_number ("double", ".", NULL);
  check_number ("double", "1.2.3", NULL);
  check_number ("double", "1,5", NULL);
  check_number ("double", "", NULL);
  check_number ("decimal(10,2)", "__HIVE_DEFAULT_PARTITION__", NULL);

  /* 1000 digits each side of the point at most */
  g_autofree char *zeros999 = g_strnfill (999, '0');
  g_autofree char *big = g_strconcat ("1", zeros999, NULL);
  check_number ("double", "1e999", big);
  check_number ("double", "1e1000", NULL);
  check_number ("double", "1e99999999999999999999", NULL);
  g_autofree char *small = g_strconcat ("0.", zeros999, "1", NULL);
  check_number ("double", "1e-1000", small);
  check_number ("double", "1e-1001", NULL);
}

static void
test_number_date (void **state)
{
  check_number ("date", "1970-01-01", "0");
  check_number ("date", "1970-01-02", "1");
  check_number ("date", "1969-12-31", "-1");
  check_number ("DATE", "2024-01-01", "19723");
  check_number ("date", "2024-02-29", "19782");   /* leap year */
  check_number ("date", "2000-02-29", "11016");   /* divisible by 400 */
  check_number ("date", "1600-03-01", "-135080");
  check_number ("date", "0001-01-01", "-719162");
  check_number ("date", "0000-01-01", "-719528");
  check_number ("date", "9999-12-31", "2932896");
  check_number ("date", "2023-02-29", NULL);      /* not a leap year */
  check_number ("date", "1900-02-29", NULL);      /* divisible by 100 */
  check_number ("date", "2024-04-31", NULL);
  check_number ("date", "2024-13-01", NULL);
  check_number ("date", "2024-00-10", NULL);
  check_number ("date", "2024-01-00", NULL);
  check_number ("date", "2024-01-32", NULL);
  check_number ("date", "2024-1-01", NULL);
  check_number ("date", "24-01-01", NULL);
  check_number ("date", "2024/01/01", NULL);
  check_number ("date", "2024-01-01 ", NULL);
  check_number ("date", "2024-01-01 00:00:00", NULL);
  check_number ("date", "+024-01-01", NULL);
  check_number ("date", "2024-0a-01", NULL);
  check_number ("date", "", NULL);
  check_number ("date", "__HIVE_DEFAULT_PARTITION__", NULL);
}

static void
test_number_timestamp (void **state)
{
  check_number ("timestamp", "1970-01-01 00:00:00", "0");
  check_number ("timestamp", "1970-01-01 00:00:01", "1");
  check_number ("timestamp", "2024-01-01 00:00:00", "1704067200");
  check_number ("timestamp", "2024-01-01", "1704067200");
  check_number ("timestamp", "2024-01-01 01:02:03", "1704070923");
  check_number ("timestamp", "2024-02-29 23:59:59", "1709251199");
  check_number ("timestamp", "1970-01-01 00:00:01.5", "1.5");
  check_number ("timestamp", "1970-01-01 00:00:01.500", "1.5");
  check_number ("timestamp", "1970-01-01 00:00:01.0", "1");
  check_number ("timestamp", "2024-01-01 00:00:00.000000001", "1704067200.000000001");
  check_number ("timestamp", "2024-01-01 00:00:00.123456789", "1704067200.123456789");
  /* before the epoch the fraction still counts upwards */
  check_number ("timestamp", "1969-12-31 23:59:59", "-1");
  check_number ("timestamp", "1969-12-31 23:59:59.5", "-0.5");
  check_number ("timestamp", "1969-12-31 00:00:00.25", "-86399.75");
  check_number ("timestamp", "1969-12-31 23:59:58.999999999", "-1.000000001");
  check_number ("timestamp", "2024-01-01 24:00:00", NULL);
  check_number ("timestamp", "2024-01-01 00:60:00", NULL);
  check_number ("timestamp", "2024-01-01 00:00:60", NULL);
  check_number ("timestamp", "2024-01-01 00:00:00.", NULL);
  check_number ("timestamp", "2024-01-01 00:00:00.1234567890", NULL);
  check_number ("timestamp", "2024-01-01 00:00:00.5x", NULL);
  check_number ("timestamp", "2024-01-01T00:00:00", NULL);
  check_number ("timestamp", "2024-01-01 0:00:00", NULL);
  check_number ("timestamp", "2024-01-01 00:00", NULL);
  check_number ("timestamp", "2024-01-01 ", NULL);
  check_number ("timestamp", "2023-02-29 00:00:00", NULL);
  check_number ("timestamp", "__HIVE_DEFAULT_PARTITION__", NULL);
}

static void
test_number_text_types (void **state)
{
  const char *types[] = { "string", "varchar(10)", "char(3)", "boolean", "binary",
                          "timestamp with local time zone", "interval", "", NULL };
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      check_number (types[i], "1", NULL);
      check_number (types[i], "2024-01-01", NULL);
    }
}

/* ---- ms_partition_filter_compile ---- */

#define PV "SELECT part_id FROM ms_partition_values WHERE table_id = $1 AND key_idx = "

static MsColumn key_list[] = {
  { "ds", "string", NULL },         /* 0 */
  { "hr", "int", NULL },            /* 1 */
  { "dt", "date", NULL },           /* 2 */
  { "ts", "timestamp", NULL },      /* 3 */
  { "b", "boolean", NULL },         /* 4 */
  { "amt", "decimal(10,2)", NULL }, /* 5 */
  { "Code", "varchar(8)", NULL },   /* 6 */
};

static GPtrArray *
keys (void)
{
  GPtrArray *k = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (key_list); i++)
    g_ptr_array_add (k, &key_list[i]);
  return k;
}

/* Compiles 'filter' after one bound parameter ($1, the table) and checks the
 * SQL and the values bound after it (NULL-terminated). */
static void
check_sql (const char *filter, const char *expected, ...)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (MsFilterNode) n = ms_filter_parse (filter, &e);
  if (n == NULL)
    fail_msg ("'%s' did not parse: %s", filter, e->message);
  g_autoptr (GPtrArray) k = keys ();
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (params, g_strdup ("42"));
  g_autoptr (GString) sql = g_string_new (NULL);
  if (!ms_partition_filter_compile (n, k, "$1", sql, params, &e))
    fail_msg ("'%s' did not compile: %s", filter, e->message);
  if (strcmp (sql->str, expected) != 0)
    fail_msg ("'%s'\n gave     %s\n expected %s", filter, sql->str, expected);
  va_list ap;
  va_start (ap, expected);
  guint i = 1;
  for (const char *want = va_arg (ap, const char *); want != NULL; want = va_arg (ap, const char *), i++)
    {
      if (i >= params->len)
        fail_msg ("'%s': missing parameter $%u (%s)", filter, i + 1, want);
      if (strcmp (g_ptr_array_index (params, i), want) != 0)
        fail_msg ("'%s': $%u is '%s', expected '%s'", filter, i + 1,
                  (char *) g_ptr_array_index (params, i), want);
    }
  va_end (ap);
  if (i != params->len)
    fail_msg ("'%s': %u parameters, expected %u", filter, params->len, i);
}

static void
test_compile_string_keys (void **state)
{
  check_sql ("ds = \"2024-01-01\"", PV "0 AND val = $2", "2024-01-01", NULL);
  check_sql ("ds == '2024-01-01'", PV "0 AND val = $2", "2024-01-01", NULL);
  check_sql ("ds <> \"a\"", PV "0 AND val <> $2", "a", NULL);
  check_sql ("ds != \"a\"", PV "0 AND val <> $2", "a", NULL);
  check_sql ("ds < \"a\"", PV "0 AND val < $2 COLLATE \"C\"", "a", NULL);
  check_sql ("ds <= \"a\"", PV "0 AND val <= $2 COLLATE \"C\"", "a", NULL);
  check_sql ("ds > \"a\"", PV "0 AND val > $2 COLLATE \"C\"", "a", NULL);
  check_sql ("ds >= \"a\"", PV "0 AND val >= $2 COLLATE \"C\"", "a", NULL);
  /* value on the left */
  check_sql ("\"a\" < ds", PV "0 AND val > $2 COLLATE \"C\"", "a", NULL);
  check_sql ("\"a\" >= ds", PV "0 AND val <= $2 COLLATE \"C\"", "a", NULL);
  check_sql ("\"a\" = ds", PV "0 AND val = $2", "a", NULL);
  /* date and timestamp literals compare as their text */
  check_sql ("ds = 2024-01-01", PV "0 AND val = $2", "2024-01-01", NULL);
  check_sql ("ds = date '2024-01-01'", PV "0 AND val = $2", "2024-01-01", NULL);
  check_sql ("ds = timestamp '2024-01-01 10:00:00'", PV "0 AND val = $2", "2024-01-01 10:00:00",
             NULL);
  check_sql ("ds = \"__HIVE_DEFAULT_PARTITION__\"", PV "0 AND val = $2",
             "__HIVE_DEFAULT_PARTITION__", NULL);
  /* keys match case-insensitively */
  check_sql ("DS = \"a\"", PV "0 AND val = $2", "a", NULL);
  check_sql ("code = \"x\"", PV "6 AND val = $2", "x", NULL);
  check_sql ("`CODE` >= \"x\"", PV "6 AND val >= $2 COLLATE \"C\"", "x", NULL);
  /* LIKE: Java regex over the whole value */
  check_sql ("ds like \".*x.*\"", PV "0 AND val ~ ('^(?:' || $2 || ')$')", ".*x.*", NULL);
  check_sql ("code LIKE 'a|b'", PV "6 AND val ~ ('^(?:' || $2 || ')$')", "a|b", NULL);
  /* boolean and other types: text, any literal */
  check_sql ("b = \"true\"", PV "4 AND val = $2", "true", NULL);
  check_sql ("b = 1", PV "4 AND val = $2", "1", NULL);
  check_sql ("b > \"f\"", PV "4 AND val > $2 COLLATE \"C\"", "f", NULL);
}

static void
test_compile_typed_keys (void **state)
{
  check_sql ("hr = 12", PV "1 AND val_num = $2::numeric", "12", NULL);
  check_sql ("hr = -12", PV "1 AND val_num = $2::numeric", "-12", NULL);
  check_sql ("hr != 3", PV "1 AND val_num <> $2::numeric", "3", NULL);
  check_sql ("5 < hr", PV "1 AND val_num > $2::numeric", "5", NULL);
  check_sql ("5 <= hr", PV "1 AND val_num >= $2::numeric", "5", NULL);
  check_sql ("5 > hr", PV "1 AND val_num < $2::numeric", "5", NULL);
  check_sql ("5 >= hr", PV "1 AND val_num <= $2::numeric", "5", NULL);
  check_sql ("amt > 1", PV "5 AND val_num > $2::numeric", "1", NULL);
  check_sql ("amt > '1.5e2'", PV "5 AND val_num > $2::numeric", "150", NULL);
  /* the default partition compares as text on any key */
  check_sql ("hr = \"__HIVE_DEFAULT_PARTITION__\"", PV "1 AND val = $2",
             "__HIVE_DEFAULT_PARTITION__", NULL);
  check_sql ("dt != '__HIVE_DEFAULT_PARTITION__'", PV "2 AND val <> $2",
             "__HIVE_DEFAULT_PARTITION__", NULL);
  /* dates in days */
  check_sql ("dt = 2024-01-01", PV "2 AND val_num = $2::numeric", "19723", NULL);
  check_sql ("dt = date '2024-01-01'", PV "2 AND val_num = $2::numeric", "19723", NULL);
  check_sql ("dt >= \"2024-01-01\"", PV "2 AND val_num >= $2::numeric", "19723", NULL);
  check_sql ("2024-01-02 > dt", PV "2 AND val_num < $2::numeric", "19724", NULL);
  /* timestamps in seconds */
  check_sql ("ts = timestamp '2024-01-01 00:00:01'", PV "3 AND val_num = $2::numeric",
             "1704067201", NULL);
  check_sql ("ts = 2024-01-01 00:00:01", PV "3 AND val_num = $2::numeric", "1704067201", NULL);
  check_sql ("ts >= 2024-01-01", PV "3 AND val_num >= $2::numeric", "1704067200", NULL);
  check_sql ("ts < \"2024-01-01 00:00:00.5\"", PV "3 AND val_num < $2::numeric", "1704067200.5",
             NULL);
  check_sql ("ts < '2024-01-02'", PV "3 AND val_num < $2::numeric", "1704153600", NULL);
}

static void
test_compile_between_in (void **state)
{
  check_sql ("hr between 10 and 99",
             PV "1 AND (val_num >= $2::numeric AND val_num <= $3::numeric)", "10", "99", NULL);
  check_sql ("hr not between 10 and 99",
             PV "1 AND (val_num < $2::numeric OR val_num > $3::numeric)", "10", "99", NULL);
  check_sql ("ds between \"a\" and \"b\"",
             PV "0 AND (val >= $2 COLLATE \"C\" AND val <= $3 COLLATE \"C\")", "a", "b", NULL);
  check_sql ("dt between 2024-01-01 and \"2024-01-31\"",
             PV "2 AND (val_num >= $2::numeric AND val_num <= $3::numeric)", "19723", "19753",
             NULL);
  check_sql ("hr in (1, 2, 3)", PV "1 AND val_num = ANY ($2::numeric[])", "{\"1\",\"2\",\"3\"}",
             NULL);
  check_sql ("hr not in (1, 2)", PV "1 AND val_num <> ALL ($2::numeric[])", "{\"1\",\"2\"}", NULL);
  check_sql ("(hr) in (1)", PV "1 AND val_num = $2::numeric", "1", NULL);
  check_sql ("hr not in (1)", PV "1 AND val_num <> $2::numeric", "1", NULL);
  check_sql ("ds in ('a', \"b\\\"c\", \"7\")", PV "0 AND val = ANY ($2::text[])",
             "{\"a\",\"b\\\\\\\"c\",\"7\"}", NULL);
  check_sql ("ds not in ('a', 'b')", PV "0 AND val <> ALL ($2::text[])", "{\"a\",\"b\"}", NULL);
  /* numbers and the default partition on one key */
  check_sql ("hr in (1, 2, \"__HIVE_DEFAULT_PARTITION__\")",
             PV "1 AND (val_num = ANY ($2::numeric[]) OR val = $3)", "{\"1\",\"2\"}",
             "__HIVE_DEFAULT_PARTITION__", NULL);
  check_sql ("hr not in (1, \"__HIVE_DEFAULT_PARTITION__\", '__HIVE_DEFAULT_PARTITION__')",
             PV "1 AND (val_num <> $2::numeric AND val <> ALL ($3::text[]))", "1",
             "{\"__HIVE_DEFAULT_PARTITION__\",\"__HIVE_DEFAULT_PARTITION__\"}", NULL);
}

static void
test_compile_trees (void **state)
{
  /* one key: one SELECT, the tree kept as a condition on the row */
  check_sql ("(hr = 1 or hr = 2)", PV "1 AND (val_num = $2::numeric OR val_num = $3::numeric)",
             "1", "2", NULL);
  check_sql ("(hr >= 10 and hr <= 99)",
             PV "1 AND (val_num >= $2::numeric AND val_num <= $3::numeric)", "10", "99", NULL);
  check_sql ("ds = 'a' or (ds > 'c' and ds like 'c.*')",
             PV "0 AND (val = $2 OR (val > $3 COLLATE \"C\" AND val ~ ('^(?:' || $4 || ')$')))",
             "a", "c", "c.*", NULL);
  /* several keys: AND joins, one SELECT per key */
  check_sql ("ds = \"2024-01-01\" and hr = 12",
             "SELECT c0.part_id FROM (" PV "0 AND val = $2) c0"
             " JOIN (" PV "1 AND val_num = $3::numeric) c1 ON c1.part_id = c0.part_id",
             "2024-01-01", "12", NULL);
  /* conjuncts on one key merged, in order of first use */
  check_sql ("ds >= 'a' and hr = 1 and ds < 'b' and hr != 2",
             "SELECT c0.part_id FROM (" PV "0 AND (val >= $2 COLLATE \"C\" AND val < $3 COLLATE \"C\")) c0"
             " JOIN (" PV "1 AND (val_num = $4::numeric AND val_num <> $5::numeric)) c1"
             " ON c1.part_id = c0.part_id",
             "a", "b", "1", "2", NULL);
  /* several keys: OR unions, disjuncts on one key merged */
  check_sql ("ds = 'a' or hr = 1 or ds = 'b'",
             "(" PV "0 AND (val = $2 OR val = $3)) UNION (" PV "1 AND val_num = $4::numeric)",
             "a", "b", "1", NULL);
  /* OR of ANDs (Spark's struct IN) */
  check_sql ("(ds = 'a' and hr = 1) or (ds = 'b' and hr = 2)",
             "(SELECT c0.part_id FROM (" PV "0 AND val = $2) c0"
             " JOIN (" PV "1 AND val_num = $3::numeric) c1 ON c1.part_id = c0.part_id)"
             " UNION (SELECT c2.part_id FROM (" PV "0 AND val = $4) c2"
             " JOIN (" PV "1 AND val_num = $5::numeric) c3 ON c3.part_id = c2.part_id)",
             "a", "1", "b", "2", NULL);
  /* AND with a multi-key OR operand */
  check_sql ("ds = 'a' and (hr = 1 or ds = 'b') and hr not between 3 and 4",
             "SELECT c0.part_id FROM (" PV "0 AND val = $2) c0"
             " JOIN ((" PV "1 AND val_num = $3::numeric) UNION (" PV "0 AND val = $4)) c1"
             " ON c1.part_id = c0.part_id"
             " JOIN (" PV "1 AND (val_num < $5::numeric OR val_num > $6::numeric)) c2"
             " ON c2.part_id = c0.part_id",
             "a", "1", "b", "3", "4", NULL);
  /* Spark 3.5 HiveShim.convertFilters shapes */
  check_sql ("(ds = \"2024-01-01\" and (hr >= 10 and hr <= 99))",
             "SELECT c0.part_id FROM (" PV "0 AND val = $2) c0"
             " JOIN (" PV "1 AND (val_num >= $3::numeric AND val_num <= $4::numeric)) c1"
             " ON c1.part_id = c0.part_id",
             "2024-01-01", "10", "99", NULL);
}

/* Parameters are numbered after those already bound; the table parameter
 * is spliced as given. */
static void
test_compile_numbering (void **state)
{
  g_autoptr (MsFilterNode) n = ms_filter_parse ("ds = 'a' and hr in (1, 2)", NULL);
  assert_non_null (n);
  g_autoptr (GPtrArray) k = keys ();
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (params, g_strdup ("x"));
  g_ptr_array_add (params, g_strdup ("y"));
  g_ptr_array_add (params, g_strdup ("7"));
  g_autoptr (GString) sql = g_string_new ("... IN (");
  assert_true (ms_partition_filter_compile (n, k, "$3", sql, params, NULL));
  assert_string_equal (sql->str,
                       "... IN (SELECT c0.part_id FROM (SELECT part_id FROM ms_partition_values"
                       " WHERE table_id = $3 AND key_idx = 0 AND val = $4) c0"
                       " JOIN (SELECT part_id FROM ms_partition_values WHERE table_id = $3"
                       " AND key_idx = 1 AND val_num = ANY ($5::numeric[])) c1"
                       " ON c1.part_id = c0.part_id");
  assert_int_equal (params->len, 5);
  assert_string_equal (g_ptr_array_index (params, 3), "a");
  assert_string_equal (g_ptr_array_index (params, 4), "{\"1\",\"2\"}");
}

/* Compiling 'filter' fails with 'message' and leaves sql and params alone. */
static void
check_error (const char *filter, const char *message)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (MsFilterNode) n = ms_filter_parse (filter, &e);
  if (n == NULL)
    fail_msg ("'%s' did not parse: %s", filter, e->message);
  g_autoptr (GPtrArray) k = keys ();
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (params, g_strdup ("42"));
  g_autoptr (GString) sql = g_string_new ("prefix");
  if (ms_partition_filter_compile (n, k, "$1", sql, params, &e))
    fail_msg ("'%s' compiled to %s", filter, sql->str);
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_INVALID_INPUT));
  if (strcmp (e->message, message) != 0)
    fail_msg ("'%s'\n gave     %s\n expected %s", filter, e->message, message);
  assert_string_equal (sql->str, "prefix");
  assert_int_equal (params->len, 1);
}

#define AT "Error parsing partition filter at position "
#define MISMATCH "Filtering is supported only on partition keys of type string, or with a value " \
                 "of the key's type: "

static void
test_errors (void **state)
{
  /* literal types as Hive's direct SQL takes them */
  check_error ("ds = 7", AT "0: Filtering is supported only on partition keys of type string, or "
               "with a value of the key's type: <ds> is string, the value 7 is not");
  check_error ("hr = \"12\"", AT "0: Filtering is supported only on partition keys of type string, "
               "or with a value of the key's type: <hr> is int, the value \"12\" is not");
  check_error ("zz = 1", AT "0: Specified key <zz> is not a partitioning key for the table");
  check_error ("ds = \"a\" and ZZ = 1",
               AT "13: Specified key <ZZ> is not a partitioning key for the table");
  check_error ("ds = 'a' or `my key` in (1, 2)",
               AT "12: Specified key <my key> is not a partitioning key for the table");
  /* type mismatches */
  check_error ("hr = \"abc\"", AT "0: " MISMATCH "<hr> is int, the value \"abc\" is not");
  check_error ("hr = \"\"", AT "0: " MISMATCH "<hr> is int, the value \"\" is not");
  check_error ("hr = 2024-01-01", AT "0: " MISMATCH "<hr> is int, the value date '2024-01-01' is not");
  check_error ("amt < timestamp '2024-01-01 00:00:00'",
               AT "0: " MISMATCH "<amt> is decimal(10,2), the value timestamp '2024-01-01 00:00:00' is not");
  check_error ("dt = 5", AT "0: " MISMATCH "<dt> is date, the value 5 is not");
  check_error ("dt = \"2024-02-30\"", AT "0: " MISMATCH "<dt> is date, the value \"2024-02-30\" is not");
  check_error ("dt = timestamp '2024-01-01 00:00:00'",
               AT "0: " MISMATCH "<dt> is date, the value timestamp '2024-01-01 00:00:00' is not");
  check_error ("ts = 5", AT "0: " MISMATCH "<ts> is timestamp, the value 5 is not");
  check_error ("ts = 'yesterday'", AT "0: " MISMATCH "<ts> is timestamp, the value \"yesterday\" is not");
  check_error ("ds = 'a' and hr in (1, 'x', 2)",
               AT "13: " MISMATCH "<hr> is int, the value \"x\" is not");
  check_error ("hr between 1 and 'z'", AT "0: " MISMATCH "<hr> is int, the value \"z\" is not");
  check_error ("5 < HR and 'q' > hr", AT "17: " MISMATCH "<hr> is int, the value \"q\" is not");
  /* LIKE */
  check_error ("\".*\" like ds", AT "10: Value should be on the RHS for LIKE operator : Key <ds>");
  check_error ("hr like '1.*'",
               AT "0: Filtering is supported only on partition keys of type string "
               "(LIKE on <hr> of type int)");
  check_error ("ds = 'a' or b like 't.*'",
               AT "12: Filtering is supported only on partition keys of type string "
               "(LIKE on <b> of type boolean)");
  g_autoptr (GError) bad = NULL;
  g_autoptr (MsFilterNode) n = ms_filter_parse ("ds like '('", NULL);
  g_autoptr (GPtrArray) k = keys ();
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) sql = g_string_new (NULL);
  assert_false (ms_partition_filter_compile (n, k, "$1", sql, params, &bad));
  assert_true (g_error_matches (bad, MS_ERROR, MS_ERROR_INVALID_INPUT));
  assert_true (g_str_has_prefix (bad->message, AT "0: invalid LIKE pattern: "));
  assert_int_equal (sql->len, 0);
  assert_int_equal (params->len, 0);
  /* the first error in the text wins */
  check_error ("zz = 1 and hr = 'x'", AT "0: Specified key <zz> is not a partitioning key for the table");
  check_error ("hr = 'x' or zz = 1", AT "0: " MISMATCH "<hr> is int, the value \"x\" is not");
}

/* A table without keys: every key is unknown. */
static void
test_no_keys (void **state)
{
  g_autoptr (MsFilterNode) n = ms_filter_parse ("a = 1", NULL);
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autoptr (GError) e = NULL;
  assert_false (ms_partition_filter_compile (n, none, "$1", sql, params, &e));
  assert_string_equal (e->message, AT "0: Specified key <a> is not a partitioning key for the table");
}

/* A long chain stays one SELECT per key whatever the tree's shape. */
static void
test_long_chains (void **state)
{
  g_autoptr (GString) text = g_string_new ("hr = 0");
  for (int i = 1; i < 2000; i++)
    g_string_append_printf (text, " or hr = %d", i);
  g_string_append (text, " or ds = 'x'");
  g_autoptr (MsFilterNode) n = ms_filter_parse (text->str, NULL);
  assert_non_null (n);
  g_autoptr (GPtrArray) k = keys ();
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (params, g_strdup ("42"));
  g_autoptr (GString) sql = g_string_new (NULL);
  assert_true (ms_partition_filter_compile (n, k, "$1", sql, params, NULL));
  assert_int_equal (params->len, 2002);
  /* two SELECTs: one for hr, one for ds */
  const char *p = sql->str;
  int selects = 0;
  while ((p = strstr (p, "SELECT")) != NULL)
    selects++, p++;
  assert_int_equal (selects, 2);
  assert_non_null (strstr (sql->str, " UNION "));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_number_integral),
    cmocka_unit_test (test_number_decimal),
    cmocka_unit_test (test_number_date),
    cmocka_unit_test (test_number_timestamp),
    cmocka_unit_test (test_number_text_types),
    cmocka_unit_test (test_compile_string_keys),
    cmocka_unit_test (test_compile_typed_keys),
    cmocka_unit_test (test_compile_between_in),
    cmocka_unit_test (test_compile_trees),
    cmocka_unit_test (test_compile_numbering),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_no_keys),
    cmocka_unit_test (test_long_chains),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
