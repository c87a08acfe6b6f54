/*
 * partition_filter.c: partition filters compiled to SQL over
 * ms_partition_values (one row per partition and key: val text, val_num
 * numeric), and the numeric form of partition values (val_num).
 *
 * Entry points: ms_partition_value_number, ms_partition_filter_compile
 * (contracts in partition_filter.h).
 *
 * Query shape. Two passes: resolve checks every leaf in text order (key,
 * types, LIKE pattern) and turns its values into bound-parameter text, so
 * errors come out in a fixed order and nothing is appended on error; emit
 * then writes SQL that cannot fail:
 *   - a subtree whose leaves all name one key becomes ONE index-friendly
 *     SELECT on that key's rows, its AND/OR kept as a boolean on the row:
 *       SELECT part_id FROM ms_partition_values
 *        WHERE table_id = $1 AND key_idx = 1 AND (val_num >= $2 AND val_num <= $3)
 *     (Spark's "(p >= 10 and p <= 99)" is one range scan, not two sets);
 *   - an AND over several keys joins one such SELECT per key on part_id
 *     (conjuncts on the same key merged first):
 *       SELECT c0.part_id FROM (SELECT .. key 0 ..) c0
 *         JOIN (SELECT .. key 1 ..) c1 ON c1.part_id = c0.part_id
 *     PostgreSQL flattens the simple sub-SELECTs into one join, so it starts
 *     from the most selective key and probes the others through the primary
 *     key (table_id, part_id, key_idx): "ds = 'x' and hr >= 0" reads 1000
 *     rows, not the million that hr >= 0 alone matches (INTERSECT would);
 *   - an OR over several keys is a UNION of such SELECTs (disjuncts on the
 *     same key merged first); a boolean OR on ms_partitions could not use
 *     the value indexes.
 * Every SELECT yields each part_id at most once (a key has one row per
 * partition; UNION removes duplicates), so the joins never multiply rows.
 */
#include "store/partition_filter.h"
#include "store/pg.h"
#include "core/error.h"
#include "core/part_name.h"
#include <stdarg.h>
#include <string.h>

/* Digits allowed on each side of the decimal point of a numeric form
 * (PostgreSQL numeric takes far more; partition values are short). */
#define MAX_DIGITS 1000

/* ---- numeric forms ---- */

typedef enum { NUM_NONE, NUM_INTEGER, NUM_DECIMAL, NUM_DATE, NUM_TIMESTAMP } NumKind;

/* The base name of a Hive type: lower case, before any '(', trimmed. */
static char *
type_base (const char *type)
{
  if (type == NULL)
    return g_strdup ("");
  const char *paren = strchr (type, '(');
  char *base = g_ascii_strdown (type, paren ? (gssize) (paren - type) : -1);
  return g_strstrip (base);
}

static NumKind
num_kind (const char *base)
{
  static const char *const integral[] = { "tinyint", "smallint", "int", "integer", "bigint" };
  static const char *const decimal[] = { "decimal", "numeric", "float", "double", "double precision",
                                         "real" };
  for (guint i = 0; i < G_N_ELEMENTS (integral); i++)
    if (g_str_equal (base, integral[i]))
      return NUM_INTEGER;
  for (guint i = 0; i < G_N_ELEMENTS (decimal); i++)
    if (g_str_equal (base, decimal[i]))
      return NUM_DECIMAL;
  if (g_str_equal (base, "date"))
    return NUM_DATE;
  if (g_str_equal (base, "timestamp"))
    return NUM_TIMESTAMP;
  return NUM_NONE;
}

/* [+-]digits (integer_only) or [+-]digits[.digits][e[+-]digits] as
 * canonical numeric text; NULL if it does not parse or is too long. */
static char *
decimal_text (const char *s, gboolean integer_only)
{
  const char *p = s;
  gboolean negative = FALSE;
  if (*p == '+' || *p == '-')
    negative = *p++ == '-';
  const char *int_digits = p;
  while (g_ascii_isdigit (*p))
    p++;
  gint64 n_int = p - int_digits;
  const char *frac_digits = p;
  gint64 n_frac = 0;
  if (!integer_only && *p == '.')
    {
      frac_digits = ++p;
      while (g_ascii_isdigit (*p))
        p++;
      n_frac = p - frac_digits;
    }
  if (n_int + n_frac == 0)
    return NULL;
  gint64 exponent = 0;
  if (!integer_only && (*p == 'e' || *p == 'E'))
    {
      p++;
      gboolean exp_negative = FALSE;
      if (*p == '+' || *p == '-')
        exp_negative = *p++ == '-';
      if (!g_ascii_isdigit (*p))
        return NULL;
      for (; g_ascii_isdigit (*p); p++)
        exponent = MIN (exponent * 10 + (*p - '0'), 10 * (gint64) MAX_DIGITS);  /* saturates */
      if (exp_negative)
        exponent = -exponent;
    }
  if (*p != '\0')
    return NULL;

  /* digit i of the number (i < n_int + n_frac), the point before digit 'point' */
#define DIGIT(i) ((i) < n_int ? int_digits[i] : frac_digits[(i) - n_int])
  gint64 n = n_int + n_frac, first = 0, last = n - 1;
  while (first < n && DIGIT (first) == '0')
    first++;
  if (first == n)
    return g_strdup ("0");
  while (DIGIT (last) == '0')
    last--;
  gint64 point = n_int + exponent - first;  /* digits of the integer part */
  gint64 len = last - first + 1;            /* significant digits */
  if (point > MAX_DIGITS || len - point > MAX_DIGITS)
    return NULL;
  GString *out = g_string_sized_new (len + 8);
  if (negative)
    g_string_append_c (out, '-');
  if (point <= 0)
    {
      g_string_append (out, "0.");
      for (gint64 i = point; i < 0; i++)
        g_string_append_c (out, '0');
    }
  for (gint64 i = 0; i < len; i++)
    {
      if (i == point && point > 0)
        g_string_append_c (out, '.');
      g_string_append_c (out, DIGIT (first + i));
    }
  for (gint64 i = len; i < point; i++)
    g_string_append_c (out, '0');
#undef DIGIT
  return g_string_free (out, FALSE);
}

static int
digits_value (const char *s, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return -1;
      v = v * 10 + (s[i] - '0');
    }
  return v;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (400-year eras,
 * years counted from March so the leap day ends the counted year). */
static gint64
days_from_civil (int y, int m, int d)
{
  gint64 yy = y - (m <= 2);
  gint64 era = (yy >= 0 ? yy : yy - 399) / 400;
  gint64 year_of_era = yy - era * 400;
  gint64 day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  return era * 146097 + year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year
         - 719468;
}

/* The first 10 bytes of s as a real date YYYY-MM-DD, in days. */
static gboolean
date_days (const char *s, gint64 *days)
{
  static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (strnlen (s, 10) < 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  int y = digits_value (s, 4), m = digits_value (s + 5, 2), d = digits_value (s + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1)
    return FALSE;
  gboolean leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > mdays[m - 1] + (m == 2 && leap))
    return FALSE;
  *days = days_from_civil (y, m, d);
  return TRUE;
}

static char *
date_number (const char *s)
{
  gint64 days;
  if (strlen (s) != 10 || !date_days (s, &days))
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT, days);
}

/* 'YYYY-MM-DD[ HH:MM:SS[.f{1,9}]]' in seconds since the epoch, fraction kept. */
static char *
timestamp_number (const char *s)
{
  gint64 days;
  if (!date_days (s, &days))
    return NULL;
  gint64 secs = days * 86400;
  int nanos = 0;
  const char *p = s + 10;
  if (*p != '\0')
    {
      if (*p != ' ' || strnlen (p, 9) < 9 || p[3] != ':' || p[6] != ':')
        return NULL;
      int hh = digits_value (p + 1, 2), mi = digits_value (p + 4, 2), ss = digits_value (p + 7, 2);
      if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
        return NULL;
      secs += hh * 3600 + mi * 60 + ss;
      p += 9;
      if (*p == '.')
        {
          int n = 0;
          for (p++; g_ascii_isdigit (*p) && n < 9; p++, n++)
            nanos = nanos * 10 + (*p - '0');
          if (n == 0)
            return NULL;
          for (; n < 9; n++)
            nanos *= 10;
        }
      if (*p != '\0')
        return NULL;
    }
  if (nanos == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, secs);
  /* secs + nanos/1e9; below the epoch, -(|secs| - 1) - (1e9 - nanos)/1e9 */
  char frac[16];
  gboolean negative = secs < 0;
  g_snprintf (frac, sizeof frac, "%09d", negative ? 1000000000 - nanos : nanos);
  for (int i = 8; i > 0 && frac[i] == '0'; i--)
    frac[i] = '\0';
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%s", negative ? "-" : "",
                          negative ? -(secs + 1) : secs, frac);
}

char *
ms_partition_value_number (const char *type, const char *value)
{
  if (value == NULL)
    return NULL;
  g_autofree char *base = type_base (type);
  switch (num_kind (base))
    {
    case NUM_INTEGER: return decimal_text (value, TRUE);
    case NUM_DECIMAL: return decimal_text (value, FALSE);
    case NUM_DATE: return date_number (value);
    case NUM_TIMESTAMP: return timestamp_number (value);
    case NUM_NONE: break;
    }
  return NULL;
}

/* ---- resolving the filter against the keys ---- */

typedef enum {
  KEY_STRING,     /* string varchar char: text, LIKE allowed */
  KEY_TEXT,       /* boolean and any other type: text, no LIKE */
  KEY_INTEGER,    /* integral: val_num, integer literals only */
  KEY_NUMBER,     /* decimal, float, double: val_num */
  KEY_DATE,       /* val_num in days */
  KEY_TIMESTAMP,  /* val_num in seconds */
} KeyClass;

static KeyClass
key_class (const char *type)
{
  g_autofree char *base = type_base (type);
  switch (num_kind (base))
    {
    case NUM_INTEGER: return KEY_INTEGER;
    case NUM_DECIMAL: return KEY_NUMBER;
    case NUM_DATE: return KEY_DATE;
    case NUM_TIMESTAMP: return KEY_TIMESTAMP;
    case NUM_NONE: break;
    }
  if (g_str_equal (base, "string") || g_str_equal (base, "varchar") || g_str_equal (base, "char"))
    return KEY_STRING;
  return KEY_TEXT;
}

/* A value as compared: on which column, and its parameter text. */
typedef struct {
  gboolean numeric;            /* val_num (else val) */
  char *text;
} Bound;

typedef struct {
  int key;                     /* position in the keys */
  GArray *values;              /* Bound, one per node value */
} Leaf;

static void
leaf_free (gpointer data)
{
  Leaf *l = data;
  for (guint i = 0; i < l->values->len; i++)
    g_free (g_array_index (l->values, Bound, i).text);
  g_array_unref (l->values);
  g_free (l);
}

typedef struct {
  GPtrArray *keys;             /* MsColumn* */
  const char *table_param;
  GString *sql;
  GPtrArray *params;
  GHashTable *leaves;          /* const MsFilterNode* -> Leaf* */
  GHashTable *single;          /* const MsFilterNode* (AND/OR) -> GINT (key + 2, or 1: several keys) */
  guint next_alias;
} Compile;

static gboolean G_GNUC_PRINTF (3, 4)
fail_at (GError **error, const MsFilterNode *n, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *why = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "Error parsing partition filter at position %d: %s",
                  n->pos, why);
}

/* The value as written, for messages. */
static char *
value_shown (const MsFilterValue *v)
{
  switch (v->kind)
    {
    case MS_FILTER_VAL_STRING: return g_strdup_printf ("\"%s\"", v->str);
    case MS_FILTER_VAL_DATE: return g_strdup_printf ("date '%s'", v->str);
    case MS_FILTER_VAL_TIMESTAMP: return g_strdup_printf ("timestamp '%s'", v->str);
    case MS_FILTER_VAL_INT: break;
    }
  return g_strdup (v->str);
}

/* How value 'v' compares with a key of class 'cls'; FALSE on a type mismatch. */
static gboolean
bind_value (KeyClass cls, const MsFilterValue *v, Bound *out)
{
  gboolean is_string = v->kind == MS_FILTER_VAL_STRING;
  out->numeric = TRUE;
  out->text = NULL;
  /* as Hive's direct SQL: no integer literal for a string key, no string
   * literal for an integral key (but the default partition's name); a
   * decimal key takes numbers written as strings, its only way to get a
   * fraction */
  if (cls == KEY_STRING && v->kind == MS_FILTER_VAL_INT)
    return FALSE;
  if (cls == KEY_STRING || cls == KEY_TEXT
      || (is_string && g_str_equal (v->str, MS_DEFAULT_PARTITION_NAME)))
    {
      out->numeric = FALSE;
      out->text = g_strdup (v->str);
      return TRUE;
    }
  switch (cls)
    {
    case KEY_INTEGER:
      if (v->kind == MS_FILTER_VAL_INT)
        out->text = decimal_text (v->str, FALSE);
      break;
    case KEY_NUMBER:
      if (v->kind == MS_FILTER_VAL_INT || is_string)
        out->text = decimal_text (v->str, FALSE);
      break;
    case KEY_DATE:
      if (v->kind == MS_FILTER_VAL_DATE)
        out->text = g_strdup_printf ("%" G_GINT64_FORMAT, v->num);
      else if (is_string)
        out->text = date_number (v->str);
      break;
    case KEY_TIMESTAMP:
      if (v->kind == MS_FILTER_VAL_TIMESTAMP)
        out->text = g_strdup_printf ("%" G_GINT64_FORMAT, v->num);
      else if (v->kind == MS_FILTER_VAL_DATE)
        out->text = g_strdup_printf ("%" G_GINT64_FORMAT, v->num * 86400);
      else if (is_string)
        out->text = timestamp_number (v->str);
      break;
    default:
      break;
    }
  return out->text != NULL;
}

/* Checks every leaf under n, left to right, and records its Leaf. */
static gboolean
resolve (Compile *c, const MsFilterNode *n, GError **error)
{
  if (n->kind == MS_FILTER_NODE_AND || n->kind == MS_FILTER_NODE_OR)
    return resolve (c, n->left, error) && resolve (c, n->right, error);

  int key = -1;
  for (guint i = 0; i < c->keys->len && key < 0; i++)
    {
      const MsColumn *col = g_ptr_array_index (c->keys, i);
      if (col->name != NULL && g_ascii_strcasecmp (col->name, n->key) == 0)
        key = (int) i;
    }
  if (key < 0)
    return fail_at (error, n, "Specified key <%s> is not a partitioning key for the table", n->key);
  const MsColumn *col = g_ptr_array_index (c->keys, key);
  KeyClass cls = key_class (col->type);

  if (n->kind == MS_FILTER_NODE_CMP && n->op == MS_FILTER_OP_LIKE)
    {
      const MsFilterValue *v = g_ptr_array_index (n->values, 0);
      if (n->reversed)
        return fail_at (error, n, "Value should be on the RHS for LIKE operator : Key <%s>", n->key);
      if (cls != KEY_STRING)
        return fail_at (error, n,
                        "Filtering is supported only on partition keys of type string "
                        "(LIKE on <%s> of type %s)", n->key, col->type ? col->type : "");
      g_autoptr (GError) bad = NULL;
      g_autoptr (GRegex) re = g_regex_new (v->str, 0, 0, &bad);
      if (re == NULL)
        return fail_at (error, n, "invalid LIKE pattern: %s", bad->message);
    }

  Leaf *leaf = g_new0 (Leaf, 1);
  leaf->key = key;
  leaf->values = g_array_sized_new (FALSE, TRUE, sizeof (Bound), n->values->len);
  g_hash_table_insert (c->leaves, (gpointer) n, leaf);
  for (guint i = 0; i < n->values->len; i++)
    {
      const MsFilterValue *v = g_ptr_array_index (n->values, i);
      Bound b;
      if (!bind_value (cls, v, &b))
        {
          g_autofree char *shown = value_shown (v);
          return fail_at (error, n,
                          "Filtering is supported only on partition keys of type string, or with "
                          "a value of the key's type: <%s> is %s, the value %s is not",
                          n->key, col->type, shown);
        }
      g_array_append_val (leaf->values, b);
    }
  return TRUE;
}

/* The one key every leaf under n names, or -1. */
static int
single_key (Compile *c, const MsFilterNode *n)
{
  if (n->kind != MS_FILTER_NODE_AND && n->kind != MS_FILTER_NODE_OR)
    return ((Leaf *) g_hash_table_lookup (c->leaves, n))->key;
  int memo = GPOINTER_TO_INT (g_hash_table_lookup (c->single, n));
  if (memo != 0)
    return memo - 2;
  int l = single_key (c, n->left), r = single_key (c, n->right);
  int key = l >= 0 && l == r ? l : -1;
  g_hash_table_insert (c->single, (gpointer) n, GINT_TO_POINTER (key + 2));
  return key;
}

/* ---- emitting SQL ---- */

static void
bind (Compile *c, const char *text)
{
  g_ptr_array_add (c->params, g_strdup (text));
  g_string_append_printf (c->sql, "$%u", c->params->len);
}

MsFilterOp
ms_filter_op_flip (MsFilterOp op)
{
  switch (op)
    {
    case MS_FILTER_OP_LT: return MS_FILTER_OP_GT;
    case MS_FILTER_OP_LE: return MS_FILTER_OP_GE;
    case MS_FILTER_OP_GT: return MS_FILTER_OP_LT;
    case MS_FILTER_OP_GE: return MS_FILTER_OP_LE;
    default: return op;
    }
}

/* One comparison of the key's row with a bound value. Text orders byte by
 * byte, as Java's String.compareTo does for ASCII. */
static void
emit_compare (Compile *c, MsFilterOp op, const Bound *b)
{
  static const char *const sql_op[] = {
    [MS_FILTER_OP_EQ] = "=", [MS_FILTER_OP_NE] = "<>", [MS_FILTER_OP_LT] = "<",
    [MS_FILTER_OP_LE] = "<=", [MS_FILTER_OP_GT] = ">", [MS_FILTER_OP_GE] = ">=",
  };
  if (op == MS_FILTER_OP_LIKE)
    {
      g_string_append (c->sql, "val ~ ('^(?:' || ");
      bind (c, b->text);
      g_string_append (c->sql, " || ')$')");
      return;
    }
  g_string_append_printf (c->sql, "%s %s ", b->numeric ? "val_num" : "val", sql_op[op]);
  bind (c, b->text);
  if (b->numeric)
    g_string_append (c->sql, "::numeric");
  else if (op != MS_FILTER_OP_EQ && op != MS_FILTER_OP_NE)
    g_string_append (c->sql, " COLLATE \"C\"");
}

/* [NOT] IN: = ANY / <> ALL of an array per column (val_num, val). */
static void
emit_in (Compile *c, const MsFilterNode *n, const Leaf *leaf)
{
  g_autoptr (GPtrArray) numeric = g_ptr_array_new ();
  g_autoptr (GPtrArray) text = g_ptr_array_new ();
  GPtrArray *groups[2] = { numeric, text };
  for (guint i = 0; i < leaf->values->len; i++)
    {
      const Bound *b = &g_array_index (leaf->values, Bound, i);
      g_ptr_array_add (groups[b->numeric ? 0 : 1], b->text);
    }
  gboolean both = groups[0]->len > 0 && groups[1]->len > 0;
  if (both)
    g_string_append_c (c->sql, '(');
  for (int g = 0; g < 2; g++)
    {
      GPtrArray *items = groups[g];
      if (items->len == 0)
        continue;
      if (g == 1 && both)
        g_string_append (c->sql, n->negated ? " AND " : " OR ");
      if (items->len == 1)
        {
          Bound one = { g == 0, g_ptr_array_index (items, 0) };
          emit_compare (c, n->negated ? MS_FILTER_OP_NE : MS_FILTER_OP_EQ, &one);
          continue;
        }
      g_string_append_printf (c->sql, "%s %s", g == 0 ? "val_num" : "val",
                              n->negated ? "<> ALL (" : "= ANY (");
      g_autofree char *array = ms_pg_array_literal ((const char *const *) items->pdata, items->len);
      bind (c, array);
      g_string_append (c->sql, g == 0 ? "::numeric[])" : "::text[])");
    }
  if (both)
    g_string_append_c (c->sql, ')');
}

/* The condition of a single-key subtree on that key's row. */
static void
emit_condition (Compile *c, const MsFilterNode *n)
{
  const Leaf *leaf = g_hash_table_lookup (c->leaves, n);
  switch (n->kind)
    {
    case MS_FILTER_NODE_AND:
    case MS_FILTER_NODE_OR:
      g_string_append_c (c->sql, '(');
      emit_condition (c, n->left);
      g_string_append (c->sql, n->kind == MS_FILTER_NODE_AND ? " AND " : " OR ");
      emit_condition (c, n->right);
      g_string_append_c (c->sql, ')');
      return;
    case MS_FILTER_NODE_CMP:
      emit_compare (c, n->reversed ? ms_filter_op_flip (n->op) : n->op, &g_array_index (leaf->values, Bound, 0));
      return;
    case MS_FILTER_NODE_BETWEEN:
      g_string_append_c (c->sql, '(');
      emit_compare (c, n->negated ? MS_FILTER_OP_LT : MS_FILTER_OP_GE,
                    &g_array_index (leaf->values, Bound, 0));
      g_string_append (c->sql, n->negated ? " OR " : " AND ");
      emit_compare (c, n->negated ? MS_FILTER_OP_GT : MS_FILTER_OP_LE,
                    &g_array_index (leaf->values, Bound, 1));
      g_string_append_c (c->sql, ')');
      return;
    case MS_FILTER_NODE_IN:
      emit_in (c, n, leaf);
      return;
    }
}

/* SELECT part_id of the rows of key 'key' matching all ('joiner' " AND ")
 * or any (" OR ") of the single-key subtrees 'nodes'. */
static void
emit_key_select (Compile *c, int key, GPtrArray *nodes, const char *joiner)
{
  g_string_append_printf (c->sql,
                          "SELECT part_id FROM ms_partition_values WHERE table_id = %s"
                          " AND key_idx = %d AND ", c->table_param, key);
  if (nodes->len > 1)
    g_string_append_c (c->sql, '(');
  for (guint i = 0; i < nodes->len; i++)
    {
      if (i > 0)
        g_string_append (c->sql, joiner);
      emit_condition (c, g_ptr_array_index (nodes, i));
    }
  if (nodes->len > 1)
    g_string_append_c (c->sql, ')');
}

/* The operands of a chain of 'kind' (AND or OR) under n: stops at nodes of
 * another kind and at single-key subtrees. */
static void
flatten (Compile *c, const MsFilterNode *n, MsFilterNodeKind kind, GPtrArray *out)
{
  if (n->kind == kind && single_key (c, n) < 0)
    {
      flatten (c, n->left, kind, out);
      flatten (c, n->right, kind, out);
    }
  else
    g_ptr_array_add (out, (gpointer) n);
}

static void emit_set (Compile *c, const MsFilterNode *n);

/* One operand of a join or union: the merged single-key operands of one key
 * ('group'), or one multi-key subtree. */
static void
emit_operand (Compile *c, GPtrArray *group, const char *joiner)
{
  const MsFilterNode *first = g_ptr_array_index (group, 0);
  int key = single_key (c, first);
  if (key >= 0)
    emit_key_select (c, key, group, joiner);
  else
    emit_set (c, first);
}

/* SELECT part_id of the partitions matching n. */
static void
emit_set (Compile *c, const MsFilterNode *n)
{
  int key = single_key (c, n);
  if (key >= 0)
    {
      g_autoptr (GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, (gpointer) n);
      emit_key_select (c, key, one, "");
      return;
    }

  /* operands grouped: one group per key in order of first use; each
   * multi-key operand alone */
  g_autoptr (GPtrArray) operands = g_ptr_array_new ();
  flatten (c, n, n->kind, operands);
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GHashTable) by_key = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < operands->len; i++)
    {
      const MsFilterNode *op = g_ptr_array_index (operands, i);
      int k = single_key (c, op);
      GPtrArray *group = k >= 0 ? g_hash_table_lookup (by_key, GINT_TO_POINTER (k + 1)) : NULL;
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_ptr_array_add (groups, group);
          if (k >= 0)
            g_hash_table_insert (by_key, GINT_TO_POINTER (k + 1), group);
        }
      g_ptr_array_add (group, (gpointer) op);
    }

  if (n->kind == MS_FILTER_NODE_OR)
    {
      for (guint i = 0; i < groups->len; i++)
        {
          g_string_append (c->sql, i == 0 ? "(" : " UNION (");
          emit_operand (c, g_ptr_array_index (groups, i), " OR ");
          g_string_append_c (c->sql, ')');
        }
      return;
    }
  guint first = c->next_alias;
  c->next_alias += groups->len;
  g_string_append_printf (c->sql, "SELECT c%u.part_id FROM ", first);
  for (guint i = 0; i < groups->len; i++)
    {
      g_string_append (c->sql, i == 0 ? "(" : " JOIN (");
      emit_operand (c, g_ptr_array_index (groups, i), " AND ");
      g_string_append_printf (c->sql, ") c%u", first + i);
      if (i > 0)
        g_string_append_printf (c->sql, " ON c%u.part_id = c%u.part_id", first + i, first);
    }
}

gboolean
ms_partition_filter_compile (const MsFilterNode *filter, GPtrArray *keys, const char *table_param,
                             GString *sql, GPtrArray *params, GError **error)
{
  g_autoptr (GHashTable) leaves = g_hash_table_new_full (NULL, NULL, NULL, leaf_free);
  g_autoptr (GHashTable) single = g_hash_table_new (NULL, NULL);
  Compile c = { keys, table_param, sql, params, leaves, single, 0 };
  if (!resolve (&c, filter, error))
    return FALSE;
  emit_set (&c, filter);
  return TRUE;
}
