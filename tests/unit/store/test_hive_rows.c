/* test_hive_rows.c: the pure pieces of reading a Java metastore database
 * (store/hive_rows.c): schema versions and the half-upgraded check, owner
 * types, statistics kinds, Java BigDecimal text -> Hive decimal bytes, and
 * *_COL_STATS rows -> MsStatsData. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "store/hive_source.h"
#include "core/error.h"

static void
test_versions (void **state)
{
  (void) state;
  const char *ok[][2] = { { "4.0.0", "4.0" }, { "4.0.1", "4.0" }, { "3.1.0", "3.1" },
                          { "3.1.3000", "3.1" }, { "2.3.0", "2.3" } };
  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr (GError) error = NULL;
      const MsHiveProfile *p = ms_hive_profile_find (ok[i][0], &error);
      assert_non_null (p);
      assert_string_equal (p->name, ok[i][1]);
    }
  const char *newer[] = { "4.1.0", "5.0.0", "4.2.0" };
  for (guint i = 0; i < G_N_ELEMENTS (newer); i++)
    {
      g_autoptr (GError) error = NULL;
      assert_null (ms_hive_profile_find (newer[i], &error));
      assert_true (g_error_matches (error, MS_ERROR, MS_ERROR_INVALID_INPUT));
      assert_non_null (strstr (error->message, "newer"));
      assert_non_null (strstr (error->message, newer[i]));
    }
  const char *unknown[] = { "3.0.0", "1.2.0", "4.0.0-beta-1", "garbage", "", "3" };
  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_autoptr (GError) error = NULL;
      assert_null (ms_hive_profile_find (unknown[i], &error));
      assert_non_null (strstr (error->message, unknown[i]));
      assert_null (strstr (error->message, "newer"));
    }
  g_autoptr (GError) error = NULL;
  assert_null (ms_hive_profile_find (NULL, &error));
  /* what 2.3 lacks is read as NULL: KEY_CONSTRAINTS."DEFAULT_VALUE" came in 3.0 */
  assert_string_equal (ms_hive_profile_find ("2.3.0", NULL)->cons_default, "NULL");
  assert_string_equal (ms_hive_profile_find ("3.1.0", NULL)->cons_default,
                       "k.\"DEFAULT_VALUE\"");
  assert_string_equal (ms_hive_profile_find ("4.0.0", NULL)->cons_default,
                       "k.\"DEFAULT_VALUE\"");
}

/* has_column over a NULL-terminated list of "TABLE.COLUMN" */
static gboolean
in_list (gpointer user, const char *table, const char *column)
{
  g_autofree char *key = g_strdup_printf ("%s.%s", table, column);
  return g_strv_contains (user, key);
}

static void
test_half_upgraded (void **state)
{
  (void) state;
  const MsHiveProfile *p40 = ms_hive_profile_find ("4.0.0", NULL);
  const MsHiveProfile *p31 = ms_hive_profile_find ("3.1.0", NULL);
  const char *full40[] = { "DBS.TYPE", "TBLS.WRITE_ID", "TAB_COL_STATS.ENGINE",
                           "PART_COL_STATS.HISTOGRAM", "DBS.CTLG_NAME", "DB_PRIVS.AUTHORIZER",
                           NULL };
  const char *full31[] = { "DBS.CTLG_NAME", "DB_PRIVS.AUTHORIZER", NULL };
  assert_true (ms_hive_profile_check (p40, "4.0.0", in_list, full40, NULL));
  assert_true (ms_hive_profile_check (p31, "3.1.0", in_list, full31, NULL));
  /* VERSION says 4.0.0, the tables are 3.1's */
  g_autoptr (GError) e1 = NULL;
  assert_false (ms_hive_profile_check (p40, "4.0.0", in_list, full31, &e1));
  assert_non_null (strstr (e1->message, "half-upgraded"));
  assert_non_null (strstr (e1->message, "DBS.TYPE"));
  assert_non_null (strstr (e1->message, "missing"));
  /* VERSION says 3.1.0, the tables are 4.0's */
  g_autoptr (GError) e2 = NULL;
  assert_false (ms_hive_profile_check (p31, "3.1.0", in_list, full40, &e2));
  assert_non_null (strstr (e2->message, "3.1.0"));
  assert_non_null (strstr (e2->message, "there"));
}

static void
test_principals_and_kinds (void **state)
{
  (void) state;
  assert_int_equal (ms_hive_principal_type ("USER"), MS_PRINCIPAL_USER);
  assert_int_equal (ms_hive_principal_type ("role"), MS_PRINCIPAL_ROLE);
  assert_int_equal (ms_hive_principal_type ("GROUP"), MS_PRINCIPAL_GROUP);
  assert_int_equal (ms_hive_principal_type (NULL), MS_PRINCIPAL_NONE);
  assert_int_equal (ms_hive_principal_type ("other"), MS_PRINCIPAL_NONE);
  const struct { const char *type; MsStatsKind kind; } k[] = {
    { "boolean", MS_STATS_BOOLEAN }, { "string", MS_STATS_STRING },
    { "varchar(10)", MS_STATS_STRING }, { "CHAR(3)", MS_STATS_STRING },
    { "binary", MS_STATS_BINARY }, { "tinyint", MS_STATS_LONG }, { "int", MS_STATS_LONG },
    { "bigint", MS_STATS_LONG }, { "float", MS_STATS_DOUBLE }, { "double", MS_STATS_DOUBLE },
    { "decimal(10,2)", MS_STATS_DECIMAL }, { "date", MS_STATS_DATE },
    { "timestamp", MS_STATS_TIMESTAMP }, { "array<int>", MS_STATS_NONE },
    { NULL, MS_STATS_NONE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (k); i++)
    assert_int_equal (ms_hive_stats_kind (k[i].type), k[i].kind);
}

/* 'text' parses to the bytes 'hex' and 'scale' */
static void
check_decimal (const char *text, const char *hex, int scale)
{
  MsDecimal d = { 0 };
  if (!ms_hive_decimal_parse (text, &d))
    fail_msg ("'%s' was refused", text);
  gsize n = 0;
  const guint8 *b = g_bytes_get_data (d.unscaled, &n);
  GString *got = g_string_new (NULL);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (got, "%02x", b[i]);
  if (strcmp (got->str, hex) != 0 || d.scale != scale)
    fail_msg ("'%s': got %s scale %d, want %s scale %d", text, got->str, d.scale, hex, scale);
  g_string_free (got, TRUE);
  g_bytes_unref (d.unscaled);
}

static void
test_decimals (void **state)
{
  (void) state;
  check_decimal ("0", "00", 0);
  check_decimal ("1", "01", 0);
  check_decimal ("-1", "ff", 0);
  check_decimal ("127", "7f", 0);
  check_decimal ("128", "0080", 0);
  check_decimal ("-128", "80", 0);
  check_decimal ("-129", "ff7f", 0);
  check_decimal ("12.50", "04e2", 2);
  check_decimal ("-12.50", "fb1e", 2);
  check_decimal ("1E+3", "01", -3);
  check_decimal ("1.5E-7", "0f", 8);
  check_decimal ("0.00", "00", 2);
  check_decimal ("-0.00", "00", 2);
  check_decimal ("99999999999999999999999999999999999999", "4b3b4ca85a86c47a098a223fffffffff",
                 0);
  MsDecimal d = { 0 };
  const char *bad[] = { "", "-", "1.2.3", "1e", "abc", "1E+x", NULL };
  for (guint i = 0; bad[i]; i++)
    assert_false (ms_hive_decimal_parse (bad[i], &d));
  assert_false (ms_hive_decimal_parse (NULL, &d));
}

static void
test_stats_rows (void **state)
{
  (void) state;
  const char *v[MS_HIVE_ST_N] = { 0 };
  v[MS_HIVE_ST_LLOW] = "-5";
  v[MS_HIVE_ST_LHIGH] = "70";
  v[MS_HIVE_ST_NULLS] = "2";
  v[MS_HIVE_ST_NDV] = "9";
  MsStatsData d = { 0 };
  assert_true (ms_hive_stats_data ("bigint", v, &d, NULL));
  assert_int_equal (d.kind, MS_STATS_LONG);
  assert_true (d.has_low && d.has_high);
  assert_int_equal (d.low_i, -5);
  assert_int_equal (d.high_i, 70);
  assert_int_equal (d.num_nulls, 2);
  assert_int_equal (d.num_dvs, 9);
  ms_stats_data_clear (&d);

  const char *w[MS_HIVE_ST_N] = { 0 };
  w[MS_HIVE_ST_NULLS] = "1";
  w[MS_HIVE_ST_TRUES] = "3";
  w[MS_HIVE_ST_FALSES] = "4";
  MsStatsData b = { 0 };
  assert_true (ms_hive_stats_data ("boolean", w, &b, NULL));
  assert_int_equal (b.num_trues, 3);
  assert_int_equal (b.num_falses, 4);

  const char *s[MS_HIVE_ST_N] = { 0 };
  s[MS_HIVE_ST_NULLS] = "0";
  s[MS_HIVE_ST_NDV] = "5";
  s[MS_HIVE_ST_AVGLEN] = "3.5";
  s[MS_HIVE_ST_MAXLEN] = "12";
  MsStatsData st = { 0 };
  assert_true (ms_hive_stats_data ("varchar(20)", s, &st, NULL));
  assert_int_equal (st.kind, MS_STATS_STRING);
  assert_int_equal (st.max_col_len, 12);
  assert_true (st.avg_col_len == 3.5);

  const char *dec[MS_HIVE_ST_N] = { 0 };
  dec[MS_HIVE_ST_NULLS] = "0";
  dec[MS_HIVE_ST_DECLOW] = "-1.25";
  MsStatsData dd = { 0 };
  assert_true (ms_hive_stats_data ("decimal(5,2)", dec, &dd, NULL));
  assert_true (dd.has_low);
  assert_false (dd.has_high);
  assert_int_equal (dd.low_dec.scale, 2);
  ms_stats_data_clear (&dd);
  dec[MS_HIVE_ST_DECHIGH] = "x";
  g_autoptr (GError) error = NULL;
  assert_false (ms_hive_stats_data ("decimal(5,2)", dec, &dd, &error));
  assert_non_null (strstr (error->message, "decimal"));
  ms_stats_data_clear (&dd);

  g_autoptr (GError) e2 = NULL;
  MsStatsData none = { 0 };
  assert_false (ms_hive_stats_data ("map<string,int>", v, &none, &e2));
  assert_non_null (strstr (e2->message, "map<string,int>"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_versions),
    cmocka_unit_test (test_half_upgraded),
    cmocka_unit_test (test_principals_and_kinds),
    cmocka_unit_test (test_decimals),
    cmocka_unit_test (test_stats_rows),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
