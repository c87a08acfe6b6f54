/* test_stats.c: the pure parts of column statistics: Hive partition names,
 * the COLUMN_STATS_ACCURATE parameter, merging, decimals, aggregation with
 * extrapolation and the jsonb form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <math.h>
#include <string.h>
#include "core/error.h"
#include "core/part_name.h"
#include "model/stats.h"
#include "store/stats_json.h"

/* ---- partition names ---- */

static void
test_escape (void **state)
{
  (void) state;
  g_autofree char *a = ms_part_name_escape ("10:00/x=1%");
  assert_string_equal (a, "10%3A00%2Fx%3D1%25");
  g_autofree char *b = ms_part_name_escape ("");
  assert_string_equal (b, MS_DEFAULT_PARTITION_NAME);
  g_autofree char *c = ms_part_name_escape ("tab\there#{[]^}'\"*?\\\x7f");
  assert_string_equal (c, "tab%09here%23%7B%5B%5D%5E}%27%22%2A%3F%5C%7F");
  g_autofree char *u = ms_part_name_unescape ("10%3A00%2Fx");
  assert_string_equal (u, "10:00/x");
  /* a '%' without two hex digits after it stays */
  g_autofree char *end = ms_part_name_unescape ("a%41%4");
  assert_string_equal (end, "aA%4");
  g_autofree char *bad = ms_part_name_unescape ("%zz1");
  assert_string_equal (bad, "%zz1");
}

static void
test_spec (void **state)
{
  (void) state;
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) s = ms_part_name_spec ("ds=2024%3A1//junk/hr==1/ds=x", TRUE, &err);
  assert_non_null (s);
  assert_int_equal (s->len, 4);
  assert_string_equal (g_ptr_array_index (s, 0), "ds");
  assert_string_equal (g_ptr_array_index (s, 1), "x");          /* later duplicate wins */
  assert_string_equal (g_ptr_array_index (s, 2), "hr=");        /* split at the last '=' */
  assert_string_equal (g_ptr_array_index (s, 3), "1");
  assert_null (ms_part_name_spec ("", FALSE, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED));
  assert_string_equal (err->message, "Partition name is invalid. ");

  g_autofree char *low = ms_part_name_lower_keys ("DS=A%3AB/Hr=1", NULL);
  assert_string_equal (low, "ds=A%3AB/hr=1");
  assert_null (ms_part_name_lower_keys (NULL, NULL));

  const char *keys[] = { "ds", "hr" };
  g_autoptr (GPtrArray) vals = ms_part_name_values ("hr=1/ds=a%3Ab", keys, 2, NULL);
  assert_string_equal (g_ptr_array_index (vals, 0), "a:b");
  assert_string_equal (g_ptr_array_index (vals, 1), "1");
  g_clear_error (&err);
  assert_null (ms_part_name_values ("ds=a", keys, 2, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_OBJECT));
  assert_string_equal (err->message, "incomplete partition name - missing hr");

  const char *mk[] = { "DS", "hr" }, *mv[] = { "a:b", "" };
  g_autofree char *made = ms_part_name_make (mk, mv, 2);
  assert_string_equal (made, "ds=a%3Ab/hr=__HIVE_DEFAULT_PARTITION__");
}

/* A name of many components (a client may send one): past a few keys the
 * duplicates are found through an index, with the same result as the
 * scan (first position kept, the later value wins). Comparing every key
 * with every earlier one, these 160,000 keys were 1.3e10 comparisons. */
static void
test_spec_many_components (void **state)
{
  (void) state;
  const guint n = 200000;
  GString *name = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (name, "%sk%u=v%u", i ? "/" : "", i % 5 == 4 ? i - 4 : i, i);
  g_autoptr (GPtrArray) s = ms_part_name_spec (name->str, TRUE, NULL);
  g_string_free (name, TRUE);
  assert_non_null (s);
  assert_int_equal (s->len, 2 * (n - n / 5));
  for (guint j = 0, i = 0; i < n; i++)
    {
      if (i % 5 == 4)
        continue;
      g_autofree char *k = g_strdup_printf ("k%u", i);
      g_autofree char *v = g_strdup_printf ("v%u", i % 5 == 0 ? i + 4 : i);
      assert_string_equal (g_ptr_array_index (s, j), k);
      assert_string_equal (g_ptr_array_index (s, j + 1), v);
      j += 2;
    }
}

/* ---- COLUMN_STATS_ACCURATE ---- */

static void
test_accurate (void **state)
{
  (void) state;
  const char *ab[] = { "b", "a" };
  g_autofree char *v1 = ms_stats_accurate_set_columns (NULL, ab, 2);
  assert_string_equal (v1, "{\"COLUMN_STATS\":{\"a\":\"true\",\"b\":\"true\"}}");
  g_autofree char *v2 = ms_stats_accurate_set_columns ("{\"BASIC_STATS\":\"true\"}", ab, 1);
  assert_string_equal (v2, "{\"BASIC_STATS\":\"true\",\"COLUMN_STATS\":{\"b\":\"true\"}}");
  /* a listed flag is left as it is, BASIC_STATS read as Boolean.valueOf */
  g_autofree char *v3 = ms_stats_accurate_set_columns (
      "{\"BASIC_STATS\":\"TRUE\",\"COLUMN_STATS\":{\"a\":\"false\"}}", ab, 2);
  assert_string_equal (v3, "{\"BASIC_STATS\":\"true\",\"COLUMN_STATS\":{\"a\":\"false\",\"b\":\"true\"}}");
  g_autofree char *v4 = ms_stats_accurate_set_columns ("{\"BASIC_STATS\":false}", NULL, 0);
  assert_string_equal (v4, "{}");
  /* unreadable values, unknown members: empty; plain "true": basic only */
  g_autofree char *v5 = ms_stats_accurate_set_columns ("junk", NULL, 0);
  assert_string_equal (v5, "{}");
  /* an unpaired surrogate escape reads as unreadable (json-glib 1.6 leaks on it) */
  g_autofree char *v5s = ms_stats_accurate_set_columns ("{\"\\ud83d\\u0041\":\"true\"}", NULL, 0);
  assert_string_equal (v5s, "{}");
  g_autofree char *v6 = ms_stats_accurate_set_columns ("{\"OTHER\":1,\"BASIC_STATS\":\"true\"}", NULL, 0);
  assert_string_equal (v6, "{}");
  g_autofree char *v7 = ms_stats_accurate_set_columns ("TRUE", NULL, 0);
  assert_string_equal (v7, "{\"BASIC_STATS\":\"true\"}");

  const char *a[] = { "a", "zz" };
  g_autofree char *r1 = ms_stats_accurate_remove_columns (v3, a, 2);
  assert_string_equal (r1, "{\"BASIC_STATS\":\"true\",\"COLUMN_STATS\":{\"b\":\"true\"}}");
  g_autofree char *r2 = ms_stats_accurate_remove_columns (v3, NULL, 0);
  assert_string_equal (r2, "{\"BASIC_STATS\":\"true\"}");
  assert_true (ms_stats_accurate_has_column (v3, "a"));
  assert_false (ms_stats_accurate_has_column (v3, "c"));
  assert_false (ms_stats_accurate_has_column (NULL, "a"));
}

/* ---- decimals ---- */

static MsDecimal
decimal (const char *hex, gint16 scale)
{
  gsize n = strlen (hex) / 2;
  guint8 *b = g_malloc (n ? n : 1);
  for (gsize i = 0; i < n; i++)
    b[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) * 16 + g_ascii_xdigit_value (hex[2 * i + 1]));
  MsDecimal d = { g_bytes_new_take (b, n), scale };
  return d;
}

static void
assert_decimal_text (const MsDecimal *d, const char *text)
{
  g_autofree char *s = ms_decimal_to_string (d);
  assert_string_equal (s, text);
}

static void
test_decimals (void **state)
{
  (void) state;
  MsDecimal a = decimal ("04d2", 2);           /* 12.34 */
  MsDecimal b = decimal ("fb2e", 3);           /* -1.234 */
  MsDecimal c = decimal ("7b", -2);            /* 12300 */
  MsDecimal z = decimal ("", 0);               /* 0 */
  MsDecimal big = decimal ("0c9f2c9cd04674edea40000000", 2);   /* 10^30 */
  assert_decimal_text (&a, "12.34");
  assert_decimal_text (&b, "-1.234");
  assert_decimal_text (&c, "12300");
  assert_decimal_text (&z, "0");
  assert_decimal_text (&big, "10000000000000000000000000000.00");
  MsDecimal small = decimal ("05", 4);
  assert_decimal_text (&small, "0.0005");
  assert_true (ms_decimal_compare (&a, &b) > 0);
  assert_true (ms_decimal_compare (&b, &z) < 0);
  assert_true (ms_decimal_compare (&c, &a) > 0);
  assert_true (ms_decimal_compare (&big, &c) > 0);
  MsDecimal a2 = decimal ("3034", 3);          /* 12.340 */
  assert_int_equal (ms_decimal_compare (&a, &a2), 0);
  MsDecimal b2 = decimal ("f3", 1);            /* -1.3 */
  assert_true (ms_decimal_compare (&b2, &b) < 0);
  assert_true (fabs (ms_decimal_to_double (&b) + 1.234) < 1e-12);

  /* Java's Double.toString, then new BigDecimal */
  struct { double v; const char *text; gint16 scale; } cases[] = {
    { 6.5, "6.5", 1 }, { -0.5, "-0.5", 1 }, { 100, "100.0", 1 }, { 0.001, "0.001", 3 },
    { 1e7, "10000000", -6 }, { 1.5e-5, "0.000015", 6 }, { 0, "0.0", 1 }, { 123456.75, "123456.75", 2 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MsDecimal d;
      assert_true (ms_decimal_from_double (cases[i].v, &d));
      assert_decimal_text (&d, cases[i].text);
      assert_int_equal (d.scale, cases[i].scale);
      ms_decimal_clear (&d);
    }
  MsDecimal nan;
  assert_false (ms_decimal_from_double (NAN, &nan));
  MsDecimal *all[] = { &a, &b, &c, &z, &big, &small, &a2, &b2 };
  for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
    ms_decimal_clear (all[i]);
}

/* ---- merge ---- */

static void
test_merge (void **state)
{
  (void) state;
  MsStatsData n = { .kind = MS_STATS_LONG, .has_low = TRUE, .low_i = 7, .num_nulls = 2,
                    .num_dvs = 3, .bit_vectors = g_bytes_new_static ("N", 1) };
  MsStatsData o = { .kind = MS_STATS_LONG, .has_low = TRUE, .low_i = 5, .has_high = TRUE,
                    .high_i = 9, .num_nulls = 1, .num_dvs = 10,
                    .bit_vectors = g_bytes_new_static ("O", 1),
                    .histogram = g_bytes_new_static ("H", 1) };
  ms_stats_merge (&n, &o);
  assert_true (n.has_low && n.has_high);
  assert_int_equal (n.low_i, 5);
  assert_int_equal (n.high_i, 9);
  assert_int_equal (n.num_nulls, 3);
  assert_int_equal (n.num_dvs, 10);
  assert_null (n.bit_vectors);            /* two sketches cannot be merged */
  assert_non_null (n.histogram);          /* one histogram is kept */
  ms_stats_data_clear (&n);
  ms_stats_data_clear (&o);

  MsStatsData bn = { .kind = MS_STATS_BOOLEAN, .num_trues = 1, .num_falses = 2, .num_nulls = 3 };
  MsStatsData bo = { .kind = MS_STATS_BOOLEAN, .num_trues = 10, .num_falses = 20, .num_nulls = 30 };
  ms_stats_merge (&bn, &bo);
  assert_int_equal (bn.num_trues, 11);
  assert_int_equal (bn.num_falses, 22);
  assert_int_equal (bn.num_nulls, 33);

  MsStatsData sn = { .kind = MS_STATS_STRING, .max_col_len = 4, .avg_col_len = 5.0, .num_dvs = 4 };
  MsStatsData so = { .kind = MS_STATS_STRING, .max_col_len = 10, .avg_col_len = 3.0, .num_dvs = 5,
                     .bit_vectors = g_bytes_new_static ("O", 1) };
  ms_stats_merge (&sn, &so);
  assert_int_equal (sn.max_col_len, 10);
  assert_true (sn.avg_col_len == 5.0);
  assert_int_equal (sn.num_dvs, 5);
  assert_non_null (sn.bit_vectors);
  ms_stats_data_clear (&sn);
  ms_stats_data_clear (&so);

  MsStatsData dn = { .kind = MS_STATS_DECIMAL, .has_low = TRUE, .low_dec = decimal ("96", 0) };
  MsStatsData dd = { .kind = MS_STATS_DECIMAL, .has_low = TRUE, .low_dec = decimal ("ff38", 2),
                     .has_high = TRUE, .high_dec = decimal ("01", 0) };
  ms_stats_merge (&dn, &dd);
  assert_decimal_text (&dn.low_dec, "-106");
  assert_decimal_text (&dn.high_dec, "1");
  ms_stats_data_clear (&dn);
  ms_stats_data_clear (&dd);

  /* different kinds: nothing happens */
  MsStatsData x = { .kind = MS_STATS_LONG, .num_nulls = 1 };
  MsStatsData y = { .kind = MS_STATS_DOUBLE, .num_nulls = 5 };
  ms_stats_merge (&x, &y);
  assert_int_equal (x.num_nulls, 1);
}

/* ---- aggregation ---- */

static MsColumnStatistics *
part (const char *name)
{
  MsColumnStatistics *s = ms_column_statistics_new ();
  s->part_name = g_strdup (name);
  return s;
}

static void
add_long (MsColumnStatistics *s, const char *col, gint64 low, gint64 high, gint64 nulls, gint64 ndv)
{
  MsColStats *c = ms_col_stats_new (col, "bigint");
  c->data = (MsStatsData){ .kind = MS_STATS_LONG, .has_low = TRUE, .low_i = low, .has_high = TRUE,
                           .high_i = high, .num_nulls = nulls, .num_dvs = ndv };
  g_ptr_array_add (s->cols, c);
}

static void
test_aggregate (void **state)
{
  (void) state;
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_column_statistics_free);
  MsColumnStatistics *a = part ("p=a"), *b = part ("p=b"), *c = part ("p=c");
  add_long (a, "x", 10, 20, 1, 5);
  add_long (b, "x", 8, 30, 2, 8);
  add_long (c, "x", 6, 40, 4, 11);
  add_long (a, "y", 0, 3, 0, 10);
  g_ptr_array_add (parts, a);
  g_ptr_array_add (parts, b);
  g_ptr_array_add (parts, c);
  const char *names[] = { "p=a", "p=b", "p=c", "p=d" };
  const char *cols[] = { "x", "y", "none" };
  gint64 found = -1;
  g_autoptr (GPtrArray) out = ms_stats_aggregate (parts, names, 4, cols, 3, &found);
  assert_int_equal (found, 0);
  assert_int_equal (out->len, 2);
  const MsColStats *x = g_ptr_array_index (out, 0), *y = g_ptr_array_index (out, 1);
  assert_string_equal (x->name, "x");
  assert_int_equal (x->data.low_i, 4);
  assert_int_equal (x->data.high_i, 50);
  assert_int_equal (x->data.num_nulls, 8);
  assert_int_equal (x->data.num_dvs, 14);
  /* found once: taken as is, NDV capped by the range */
  assert_int_equal (y->data.low_i, 0);
  assert_int_equal (y->data.high_i, 3);
  assert_int_equal (y->data.num_dvs, 4);

  /* every requested partition: direct aggregation */
  const char *three[] = { "p=a", "p=b", "p=c" };
  g_autoptr (GPtrArray) direct = ms_stats_aggregate (parts, three, 3, cols, 1, &found);
  assert_int_equal (found, 3);
  x = g_ptr_array_index (direct, 0);
  assert_int_equal (x->data.low_i, 6);
  assert_int_equal (x->data.high_i, 40);
  assert_int_equal (x->data.num_nulls, 7);
  assert_int_equal (x->data.num_dvs, 11);

  /* Java long arithmetic wraps: an NDV cap of high - low + 1 overflows */
  g_autoptr (GPtrArray) wide = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_column_statistics_free);
  MsColumnStatistics *w = part ("p=a");
  add_long (w, "x", G_MININT64, G_MAXINT64, 0, 7);
  g_ptr_array_add (wide, w);
  g_autoptr (GPtrArray) wout = ms_stats_aggregate (wide, three, 1, cols, 1, &found);
  assert_int_equal (((MsColStats *) g_ptr_array_index (wout, 0))->data.num_dvs, 0);
}

/* ---- jsonb form ---- */

static void
test_json (void **state)
{
  (void) state;
  MsStatsData d = { .kind = MS_STATS_DECIMAL, .has_high = TRUE, .high_dec = decimal ("ff38", 2),
                    .num_nulls = G_MAXINT64, .num_dvs = 3, .bit_vectors = g_bytes_new ("\0\1", 2) };
  g_autofree char *json = ms_json_from_stats_data (&d);
  MsStatsData back;
  assert_true (ms_json_to_stats_data (json, &back));
  assert_int_equal (back.kind, MS_STATS_DECIMAL);
  assert_false (back.has_low);
  assert_true (back.has_high);
  assert_int_equal (ms_decimal_compare (&back.high_dec, &d.high_dec), 0);
  assert_int_equal (back.high_dec.scale, 2);
  assert_true (back.num_nulls == G_MAXINT64);
  assert_true (g_bytes_equal (back.bit_vectors, d.bit_vectors));
  assert_null (back.histogram);
  ms_stats_data_clear (&back);
  ms_stats_data_clear (&d);

  MsStatsData f = { .kind = MS_STATS_DOUBLE, .has_low = TRUE, .low_d = -INFINITY, .has_high = TRUE,
                    .high_d = 0.1 };
  g_autofree char *fj = ms_json_from_stats_data (&f);
  assert_true (ms_json_to_stats_data (fj, &back));
  assert_true (isinf (back.low_d) && back.low_d < 0);
  assert_true (back.high_d == 0.1);
  ms_stats_data_clear (&back);
  f.low_d = NAN;
  g_autofree char *nj = ms_json_from_stats_data (&f);
  assert_true (ms_json_to_stats_data (nj, &back));
  assert_true (isnan (back.low_d));
  assert_false (ms_json_to_stats_data ("{\"type\":\"nope\"}", &back));
  assert_false (ms_json_to_stats_data ("[", &back));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_escape),
    cmocka_unit_test (test_spec),
    cmocka_unit_test (test_spec_many_components),
    cmocka_unit_test (test_accurate),
    cmocka_unit_test (test_decimals),
    cmocka_unit_test (test_merge),
    cmocka_unit_test (test_aggregate),
    cmocka_unit_test (test_json),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
