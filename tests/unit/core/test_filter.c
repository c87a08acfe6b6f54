/* test_filter.c: the metastore filter parser (core/filter.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "core/error.h"
#include "core/filter.h"

/* Parses 'in' (must succeed) and returns its canonical text, after checking
 * that the canonical text parses to itself. */
static char *
canon (const char *in)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (MsFilterNode) n = ms_filter_parse (in, &e);
  if (n == NULL)
    fail_msg ("'%s' did not parse: %s", in, e->message);
  char *out = ms_filter_node_to_string (n);
  g_autoptr (MsFilterNode) again = ms_filter_parse (out, &e);
  if (again == NULL)
    fail_msg ("canonical '%s' did not parse: %s", out, e->message);
  g_autofree char *out2 = ms_filter_node_to_string (again);
  assert_string_equal (out, out2);
  return out;
}

static void
check_canon (const char *in, const char *expected)
{
  g_autofree char *got = canon (in);
  if (strcmp (got, expected) != 0)
    fail_msg ("'%s' gave '%s', expected '%s'", in, got, expected);
}

static MsFilterNode *
parse_ok (const char *in)
{
  g_autoptr (GError) e = NULL;
  MsFilterNode *n = ms_filter_parse (in, &e);
  if (n == NULL)
    fail_msg ("'%s' did not parse: %s", in, e->message);
  return n;
}

static const MsFilterValue *
value (const MsFilterNode *n, guint i)
{
  assert_non_null (n->values);
  assert_true (i < n->values->len);
  return g_ptr_array_index (n->values, i);
}

static int
depth (const MsFilterNode *n)
{
  if (n->kind != MS_FILTER_NODE_AND && n->kind != MS_FILTER_NODE_OR)
    return 1;
  int l = depth (n->left), r = depth (n->right);
  return 1 + MAX (l, r);
}

/* Every filter shape Spark 3.5's HiveShim.convertFilters produces. */
static void
test_spark_filters (void **state)
{
  (void) state;
  static const char *const cases[][2] = {
    { "ds = \"2024-01-01\" and hr = 12", "ds = \"2024-01-01\" and hr = 12" },
    { "ds = 2024-01-01", "ds = 2024-01-01" },                   /* DateType literal */
    { "5 < hr", "5 < hr" },
    { "\"a\" = s", "\"a\" = s" },
    { "hr != 3", "hr != 3" },
    { "3 != hr", "3 != hr" },
    { "hr <= -1", "hr <= -1" },
    { "hr >= 10", "hr >= 10" },
    { "hr > 0", "hr > 0" },
    { "(p = 1 or p = 2)", "p = 1 or p = 2" },
    { "(p != 1 and p != 2)", "p != 1 and p != 2" },
    { "(p >= 10 and p <= 99)", "p >= 10 and p <= 99" },
    { "(ds = 2024-01-01 or ds = 2024-01-02)", "ds = 2024-01-01 or ds = 2024-01-02" },
    { "p like \".*x.*\"", "p like \".*x.*\"" },                 /* Contains */
    { "p like \"x.*\"", "p like \"x.*\"" },                     /* StartsWith */
    { "p like \".*x\"", "p like \".*x\"" },                     /* EndsWith */
    { "s = 'say \"hi\"'", "s = 'say \"hi\"'" },                 /* quoteStringLiteral */
    { "((a = 1 or b = 2) or c = 3)", "a = 1 or b = 2 or c = 3" },
    { "((a = 1 and b = 2) and c = 3)", "a = 1 and b = 2 and c = 3" },
    { "(a = 1 and (b = 2 or c = 3)) and d = \"x\"",
      "a = 1 and (b = 2 or c = 3) and d = \"x\"" },
    { "((a = 1 or b = 2) and (c = 3 or c = 4))", "(a = 1 or b = 2) and (c = 3 or c = 4)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_canon (cases[i][0], cases[i][1]);
}

static void
test_comparison (void **state)
{
  (void) state;
  g_autoptr (MsFilterNode) r = parse_ok ("5 < hr");
  assert_int_equal (r->kind, MS_FILTER_NODE_CMP);
  assert_string_equal (r->key, "hr");
  assert_int_equal (r->op, MS_FILTER_OP_LT);
  assert_true (r->reversed);
  assert_int_equal (r->pos, 4);
  assert_int_equal (value (r, 0)->kind, MS_FILTER_VAL_INT);
  assert_int_equal (value (r, 0)->num, 5);
  assert_string_equal (value (r, 0)->str, "5");

  static const struct { const char *in; MsFilterOp op; } ops[] = {
    { "k = 1", MS_FILTER_OP_EQ }, { "k == 1", MS_FILTER_OP_EQ }, { "k <> 1", MS_FILTER_OP_NE },
    { "k != 1", MS_FILTER_OP_NE }, { "k < 1", MS_FILTER_OP_LT }, { "k <= 1", MS_FILTER_OP_LE },
    { "k > 1", MS_FILTER_OP_GT }, { "k >= 1", MS_FILTER_OP_GE }, { "k LIKE 1", MS_FILTER_OP_LIKE },
    { "k=1", MS_FILTER_OP_EQ }, { "k<>1", MS_FILTER_OP_NE }, { "k>=1", MS_FILTER_OP_GE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr (MsFilterNode) n = parse_ok (ops[i].in);
      assert_int_equal (n->kind, MS_FILTER_NODE_CMP);
      assert_int_equal (n->op, ops[i].op);
      assert_false (n->reversed);
      assert_int_equal (n->pos, 0);
    }
  check_canon ("k == 1", "k = 1");
  check_canon ("k <> 1", "k != 1");
  check_canon ("1 LiKe k", "1 like k");
}

static void
test_precedence (void **state)
{
  (void) state;
  g_autoptr (MsFilterNode) a = parse_ok ("a = 1 or b = 2 and c = 3");
  assert_int_equal (a->kind, MS_FILTER_NODE_OR);
  assert_int_equal (a->left->kind, MS_FILTER_NODE_CMP);
  assert_string_equal (a->left->key, "a");
  assert_int_equal (a->right->kind, MS_FILTER_NODE_AND);
  assert_string_equal (a->right->left->key, "b");
  assert_string_equal (a->right->right->key, "c");
  assert_int_equal (a->pos, 0);
  assert_int_equal (a->right->pos, 9);

  g_autoptr (MsFilterNode) b = parse_ok ("a = 1 and b = 2 or c = 3");
  assert_int_equal (b->kind, MS_FILTER_NODE_OR);
  assert_int_equal (b->left->kind, MS_FILTER_NODE_AND);

  g_autoptr (MsFilterNode) c = parse_ok ("a = 1 and (b = 2 or c = 3)");
  assert_int_equal (c->kind, MS_FILTER_NODE_AND);
  assert_int_equal (c->right->kind, MS_FILTER_NODE_OR);

  check_canon ("A = 1 AnD b = 2 oR c = 3 AND d = 4", "A = 1 and b = 2 or c = 3 and d = 4");
  check_canon ("(((a = 1)))", "a = 1");
  check_canon ("a = 1 or (b = 2 or c = 3)", "a = 1 or b = 2 or c = 3");
  check_canon ("(a = 1 or (b = 2 or c = 3)) or (d = 4 or e = 5)",
               "a = 1 or b = 2 or c = 3 or d = 4 or e = 5");
  check_canon ("a = 1 and (b = 2 and (c = 3 and d = 4))", "a = 1 and b = 2 and c = 3 and d = 4");
  check_canon ("(a = 1 or b = 1) and ((c = 1))", "(a = 1 or b = 1) and c = 1");
}

static void
test_strings (void **state)
{
  (void) state;
  /* Hive keeps the text between the quotes as it is (no unescaping). */
  static const char *const cases[][2] = {
    { "p = \"plain\"", "plain" },
    { "p = 'single'", "single" },
    { "p = \"\"", "" },
    { "p = ''", "" },
    { "p = \"it's\"", "it's" },
    { "p = 'a \"b\"'", "a \"b\"" },
    { "p = \"a\\\"b\"", "a\\\"b" },
    { "p = 'it\\'s'", "it\\'s" },
    { "p = \"C:\\new\\tab\"", "C:\\new\\tab" },
    { "p = \"back\\\\\"", "back\\\\" },
    { "p = \"a.b*[c]\"", "a.b*[c]" },
    { "p = \"line\nbreak\"", "line\nbreak" },
    { "p = \"caf\xc3\xa9\"", "caf\xc3\xa9" },
    { "p = \"and or not (1)\"", "and or not (1)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (MsFilterNode) n = parse_ok (cases[i][0]);
      assert_int_equal (value (n, 0)->kind, MS_FILTER_VAL_STRING);
      assert_string_equal (value (n, 0)->str, cases[i][1]);
      g_autofree char *c = canon (cases[i][0]);
      (void) c;
    }
  check_canon ("p = 'a \"b\"'", "p = 'a \"b\"'");
  check_canon ("p = 'it\\'s \\\"x\\\"'", "p = \"it\\'s \\\"x\\\"\"");
}

static void
test_integers (void **state)
{
  (void) state;
  static const struct { const char *in; gint64 num; const char *str; } cases[] = {
    { "p = 0", 0, "0" },
    { "p = -0", 0, "0" },
    { "p = 007", 7, "7" },
    { "p = -5", -5, "-5" },
    { "p = - 5", -5, "-5" },
    { "p=-5", -5, "-5" },
    { "p = 9223372036854775807", G_MAXINT64, "9223372036854775807" },
    { "p = -9223372036854775808", G_MININT64, "-9223372036854775808" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (MsFilterNode) n = parse_ok (cases[i].in);
      assert_int_equal (value (n, 0)->kind, MS_FILTER_VAL_INT);
      assert_true (value (n, 0)->num == cases[i].num);
      assert_string_equal (value (n, 0)->str, cases[i].str);
    }
}

static void
test_dates (void **state)
{
  (void) state;
  static const struct { const char *in; MsFilterValKind kind; const char *str; gint64 num; } cases[] = {
    { "d = 1970-01-01", MS_FILTER_VAL_DATE, "1970-01-01", 0 },
    { "d = 1969-12-31", MS_FILTER_VAL_DATE, "1969-12-31", -1 },
    { "d = 2024-01-01", MS_FILTER_VAL_DATE, "2024-01-01", 19723 },
    { "d = date '2024-01-01'", MS_FILTER_VAL_DATE, "2024-01-01", 19723 },
    { "d = DATE \"2024-01-01\"", MS_FILTER_VAL_DATE, "2024-01-01", 19723 },
    { "d = 2024-02-29", MS_FILTER_VAL_DATE, "2024-02-29", 19782 },
    { "d = 2000-02-29", MS_FILTER_VAL_DATE, "2000-02-29", 11016 },
    { "d = 0000-03-01", MS_FILTER_VAL_DATE, "0000-03-01", -719468 },
    { "d = 9999-12-31", MS_FILTER_VAL_DATE, "9999-12-31", 2932896 },
    { "t = 2024-01-01 10:20:30", MS_FILTER_VAL_TIMESTAMP, "2024-01-01 10:20:30",
      19723LL * 86400 + 10 * 3600 + 20 * 60 + 30 },
    { "t = timestamp '1970-01-01 00:00:01'", MS_FILTER_VAL_TIMESTAMP, "1970-01-01 00:00:01", 1 },
    { "t = TimeStamp \"1969-12-31 23:59:59\"", MS_FILTER_VAL_TIMESTAMP, "1969-12-31 23:59:59", -1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (MsFilterNode) n = parse_ok (cases[i].in);
      assert_int_equal (value (n, 0)->kind, cases[i].kind);
      assert_string_equal (value (n, 0)->str, cases[i].str);
      assert_true (value (n, 0)->num == cases[i].num);
      g_autofree char *c = canon (cases[i].in);
      (void) c;
    }
  /* A date literal before the key, and a column called "date" (Hive 2.3). */
  g_autoptr (MsFilterNode) r = parse_ok ("date '2024-01-01' <= date");
  assert_true (r->reversed);
  assert_string_equal (r->key, "date");
  assert_int_equal (value (r, 0)->kind, MS_FILTER_VAL_DATE);
  check_canon ("date = 2024-01-01 and timestamp > 0", "date = 2024-01-01 and timestamp > 0");
  check_canon ("d = \"2024-01-01\"", "d = \"2024-01-01\"");  /* a string, not a date */
}

static void
test_between_in (void **state)
{
  (void) state;
  g_autoptr (MsFilterNode) b = parse_ok ("hr between 1 and 5 and ds = 'x'");
  assert_int_equal (b->kind, MS_FILTER_NODE_AND);
  assert_int_equal (b->left->kind, MS_FILTER_NODE_BETWEEN);
  assert_false (b->left->negated);
  assert_int_equal (value (b->left, 0)->num, 1);
  assert_int_equal (value (b->left, 1)->num, 5);

  g_autoptr (MsFilterNode) nb = parse_ok ("ds NOT BETWEEN '2024-01-01' AND \"2024-12-31\"");
  assert_int_equal (nb->kind, MS_FILTER_NODE_BETWEEN);
  assert_true (nb->negated);
  assert_string_equal (value (nb, 1)->str, "2024-12-31");

  g_autoptr (MsFilterNode) in = parse_ok ("(p) in (1, 2, 3)");
  assert_int_equal (in->kind, MS_FILTER_NODE_IN);
  assert_string_equal (in->key, "p");
  assert_int_equal (in->pos, 1);
  assert_false (in->negated);
  assert_int_equal (in->values->len, 3);

  g_autoptr (MsFilterNode) nin = parse_ok ("p not in ('a')");
  assert_true (nin->negated);
  assert_int_equal (nin->values->len, 1);

  check_canon ("(p) NOT IN (1, 'a', 2024-01-01)", "p not in (1, \"a\", 2024-01-01)");
  check_canon ("p in (1,2) or q between -1 and 1", "p in (1, 2) or q between -1 and 1");
  check_canon ("d between date '2024-01-01' and 2024-02-01",
               "d between 2024-01-01 and 2024-02-01");
  check_canon ("((p) in (1)) and x = 1", "p in (1) and x = 1");

  /* Hive's multi-column IN, expanded as Hive does. */
  check_canon ("(struct(a, b)) in (const struct(1, 'x'), struct(2, 'y'))",
               "a = 1 and b = \"x\" or a = 2 and b = \"y\"");
  check_canon ("(STRUCT(a, b)) NOT IN (CONST STRUCT(1, 'x'), CONST STRUCT(2, 'y'))",
               "(a != 1 or b != \"x\") and (a != 2 or b != \"y\")");
  check_canon ("(struct(a)) in (struct(1))", "a = 1");
  check_canon ("z = 0 and (struct(a, b)) in (struct(1, 2), struct(3, 4))",
               "z = 0 and (a = 1 and b = 2 or a = 3 and b = 4)");
}

static void
test_keys (void **state)
{
  (void) state;
  g_autoptr (MsFilterNode) ice = parse_ok ("hive_filter_field_params__table_type like \"ICEBERG\"");
  assert_string_equal (ice->key, "hive_filter_field_params__table_type");
  assert_int_equal (ice->op, MS_FILTER_OP_LIKE);
  assert_string_equal (value (ice, 0)->str, "ICEBERG");

  check_canon ("hive_filter_field_owner__ = \"alice\" and hive_filter_field_last_access__ > 0",
               "hive_filter_field_owner__ = \"alice\" and hive_filter_field_last_access__ > 0");
  g_autoptr (MsFilterNode) q = parse_ok ("`hive_filter_field_params__spark.sql.x` = 'y'");
  assert_string_equal (q->key, "hive_filter_field_params__spark.sql.x");
  g_autoptr (MsFilterNode) bq = parse_ok ("`a``b` = 1");
  assert_string_equal (bq->key, "a`b");
  check_canon ("`a``b` = 1", "`a``b` = 1");
  check_canon ("`plain` = 1", "plain = 1");
  check_canon ("`and` = 1 or `12` = 2 or `a b` = 3", "`and` = 1 or `12` = 2 or `a b` = 3");
  check_canon ("_x = 1 and 1a = 2 and Ds = 3", "_x = 1 and 1a = 2 and Ds = 3");
  check_canon ("struct = 1 and const = 2", "struct = 1 and const = 2");
}

static void
test_depth (void **state)
{
  (void) state;
  /* MS_FILTER_MAX_DEPTH parentheses are fine, one more is not. */
  GString *ok = g_string_new (NULL);
  for (int i = 0; i < MS_FILTER_MAX_DEPTH; i++)
    g_string_append_c (ok, '(');
  g_string_append (ok, "a = 1");
  for (int i = 0; i < MS_FILTER_MAX_DEPTH; i++)
    g_string_append_c (ok, ')');
  g_autoptr (MsFilterNode) n = parse_ok (ok->str);
  assert_int_equal (n->kind, MS_FILTER_NODE_CMP);
  g_string_insert_c (ok, 0, '(');
  g_string_append_c (ok, ')');
  g_autoptr (GError) e = NULL;
  assert_null (ms_filter_parse (ok->str, &e));
  assert_string_equal (e->message, "Error parsing partition filter at position 1000: "
                                   "more than 1000 nested parentheses");
  g_string_free (ok, TRUE);

  /* Spark's left-deep OR of 1000 terms: 999 nested parentheses, one chain. */
  GString *spark = g_string_new ("p = 0");
  for (int i = 1; i < 1000; i++)
    {
      g_string_prepend_c (spark, '(');
      g_string_append_printf (spark, " or p = %d)", i);
    }
  g_autoptr (MsFilterNode) s = parse_ok (spark->str);
  assert_true (depth (s) <= 11);
  g_string_free (spark, TRUE);

  /* A long flat chain (as many values as a filter may hold) is balanced,
   * not a 10000-deep list. */
  GString *flat = g_string_new ("p = 0");
  for (int i = 1; i < MS_FILTER_MAX_VALUES; i++)
    g_string_append_printf (flat, " or p = %d", i);
  g_autoptr (MsFilterNode) f = parse_ok (flat->str);
  assert_true (depth (f) <= 18);
  g_autofree char *fc = ms_filter_node_to_string (f);
  assert_string_equal (fc, flat->str);

  /* Issue 12 defect 10: one value more is refused before any work (a
   * 100,000-term OR reached PostgreSQL's 65,535-parameter limit after the
   * server had grown to 139 MB), and so is a text over the byte bound */
  gsize at = flat->len + 4;
  g_string_append (flat, " or p = 1");
  g_clear_error (&e);
  assert_null (ms_filter_parse (flat->str, &e));
  g_autofree char *want = g_strdup_printf ("Error parsing partition filter at position %zu: "
                                           "a filter holds at most %d values",
                                           at + 4, MS_FILTER_MAX_VALUES);
  assert_string_equal (e->message, want);
  g_string_free (flat, TRUE);
  GString *big = g_string_new ("p = '");
  while (big->len <= MS_FILTER_MAX_BYTES)
    g_string_append (big, "xxxxxxxxxxxxxxxx");
  g_string_append (big, "'");
  g_clear_error (&e);
  assert_null (ms_filter_parse (big->str, &e));
  assert_non_null (strstr (e->message, "a filter is at most 1048576 bytes long"));
  g_string_free (big, TRUE);

  /* Alternating nesting at the limit stays within the documented bound. */
  GString *alt = g_string_new ("a = 0");
  for (int i = 1; i < MS_FILTER_MAX_DEPTH; i++)
    {
      g_string_prepend_c (alt, '(');
      g_string_append_printf (alt, ") %s a = %d", i % 2 ? "or" : "and", i);
    }
  g_autoptr (MsFilterNode) a = parse_ok (alt->str);
  assert_true (depth (a) <= MS_FILTER_MAX_TREE_DEPTH);
  g_string_free (alt, TRUE);
}

/* Malformed filters: the position (0-based byte offset) and the message. */
static void
test_errors (void **state)
{
  (void) state;
  static const struct { const char *in; int pos; const char *msg; } cases[] = {
    { "", 0, "expected a condition, found end of input" },
    { "   ", 3, "expected a condition, found end of input" },
    { "a", 1, "expected a comparison operator, BETWEEN or IN after 'a', found end of input" },
    { "a =", 3, "expected a value after '=', found end of input" },
    { "a = b", 4, "expected a value after '=', found 'b'" },
    { "a = date", 4, "expected a value after '=', found 'date'" },
    { "hr = 1 and", 10, "expected a condition after 'and', found end of input" },
    { "hr = 1 and and", 11, "expected a condition after 'and', found 'and'" },
    { "and = 1", 0, "expected a condition, found 'and'" },
    { "hr = 1 hr = 2", 7, "expected AND, OR or the end of the filter after '1', found 'hr'" },
    { "hr = 1)", 6, "expected AND, OR or the end of the filter after '1', found ')'" },
    { "(hr = 1", 7, "missing ')' for the '(' at position 0" },
    { "(hr = 1 x", 8, "expected AND, OR or ')' after '1', found 'x'" },
    { "()", 1, "expected a condition after '(', found ')'" },
    { "p = 'abc", 4, "unterminated string literal" },
    { "p = \"abc\\\"", 4, "unterminated string literal" },
    { "`abc = 1", 0, "unterminated quoted identifier" },
    { "p = 1 & q = 2", 6, "unexpected character '&'" },
    { "p ! 1", 2, "unexpected character '!'" },
    { "p = 1 \xc3\xa9", 6, "unexpected character '\xc3\xa9'" },
    { "p = \x01", 4, "unexpected character 0x01" },
    { "p =\f1", 3, "unexpected character 0x0c" },
    { "p = '\xff'", 5, "invalid UTF-8" },
    { "p <=> 1", 2, "operator '<=>' is not supported" },
    { "1 <=> p", 2, "operator '<=>' is not supported" },
    { "p === 1", 4, "expected a value after '==', found '='" },
    { "p = 9223372036854775808", 4, "integer out of range: 9223372036854775808" },
    { "p = -9223372036854775809", 4, "integer out of range: -9223372036854775809" },
    { "p = - x", 6, "expected digits after '-', found 'x'" },
    { "p = -2024-01-01", 5, "expected digits after '-', found '2024-01-01'" },
    { "p = 2024-13-01", 4, "invalid date '2024-13-01'" },
    { "p = 2023-02-29", 4, "invalid date '2023-02-29'" },
    { "p = 1900-02-29", 4, "invalid date '1900-02-29'" },
    { "p = 2024-04-31", 4, "invalid date '2024-04-31'" },
    { "p = 2024-01-00", 4, "invalid date '2024-01-00'" },
    { "p = 2024-01-01 24:00:00", 4, "invalid timestamp '2024-01-01 24:00:00'" },
    { "p = date '2024-1-1'", 9, "invalid date '2024-1-1' (expected YYYY-MM-DD)" },
    { "p = date \"2024-02-30\"", 9, "invalid date '2024-02-30' (expected YYYY-MM-DD)" },
    { "date '' = 1", 5, "invalid date '' (expected YYYY-MM-DD)" },
    { "p = timestamp \"\"", 14, "invalid timestamp '' (expected YYYY-MM-DD HH:MM:SS)" },
    { "p = date '2024-01-01 '", 9, "invalid date '2024-01-01 ' (expected YYYY-MM-DD)" },
    { "p = timestamp '2024-01-01'", 14,
      "invalid timestamp '2024-01-01' (expected YYYY-MM-DD HH:MM:SS)" },
    { "p = 2024-01-1", 8, "expected AND, OR or the end of the filter after '2024', found '-'" },
    { "p between 1", 11, "expected AND after '1', found end of input" },
    { "p between 1 and", 15, "expected a value after 'and', found end of input" },
    { "p between 1 or 2", 12, "expected AND after '1', found 'or'" },
    { "p not like 1", 6, "expected BETWEEN or IN after 'not', found 'like'" },
    { "p in 1", 5, "expected '(' after 'in', found '1'" },
    { "p in ()", 6, "expected a value after '(', found ')'" },
    { "p in (1,)", 8, "expected a value after ',', found ')'" },
    { "p in (1 2)", 8, "expected ',' or ')' after '1', found '2'" },
    { "(p) not between 1 and 2", 2,
      "expected a comparison operator, BETWEEN or IN after 'p', found ')'" },
    { "1 = 2", 4, "expected a key after '=', found '2'" },
    { "'x' = 'y'", 6, "expected a key after '=', found 'y'" },
    { "1 2", 2, "expected a comparison operator after '1', found '2'" },
    { "p = \"a\" \"b\"", 8,
      "expected AND, OR or the end of the filter after \"a\", found \"b\"" },
    { "(struct(a, b)) in (struct(1))", 19, "STRUCT needs 2 values (one per key), found 1" },
    { "(struct(a, b)) in (1, 2)", 19, "expected STRUCT after '(', found '1'" },
    { "(struct(a, b)) = 1", 15, "expected NOT or IN after ')', found '='" },
    { "(struct(1)) in (struct(1))", 8, "expected a key after '(', found '1'" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) e = NULL;
      g_autoptr (MsFilterNode) n = ms_filter_parse (cases[i].in, &e);
      if (n != NULL)
        fail_msg ("'%s' parsed", cases[i].in);
      assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_INVALID_INPUT));
      g_autofree char *want = g_strdup_printf ("Error parsing partition filter at position %d: %s",
                                               cases[i].pos, cases[i].msg);
      if (strcmp (e->message, want) != 0)
        fail_msg ("'%s':\n got  %s\n want %s", cases[i].in, e->message, want);
    }
  /* Errors without a GError pointer are fine too. */
  assert_null (ms_filter_parse ("p =", NULL));
  /* A long token is cut in the message. */
  g_autoptr (GError) e = NULL;
  assert_null (ms_filter_parse ("p = 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &e));
  assert_non_null (strstr (e->message, "found 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_spark_filters),
    cmocka_unit_test (test_comparison),
    cmocka_unit_test (test_precedence),
    cmocka_unit_test (test_strings),
    cmocka_unit_test (test_integers),
    cmocka_unit_test (test_dates),
    cmocka_unit_test (test_between_in),
    cmocka_unit_test (test_keys),
    cmocka_unit_test (test_depth),
    cmocka_unit_test (test_errors),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
