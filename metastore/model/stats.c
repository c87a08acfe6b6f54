/*
 * stats.c: column statistics structs, the COLUMN_STATS_ACCURATE parameter,
 * merging and Hive decimals; see stats.h. Aggregation is in stats_aggr.c.
 */
#include "model/stats.h"
#include "model/owned.h"
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json_text.h"

static const char *const kind_names[] = {
  [MS_STATS_NONE] = NULL,          [MS_STATS_BOOLEAN] = "boolean", [MS_STATS_LONG] = "long",
  [MS_STATS_DOUBLE] = "double",    [MS_STATS_STRING] = "string",   [MS_STATS_BINARY] = "binary",
  [MS_STATS_DECIMAL] = "decimal",  [MS_STATS_DATE] = "date",       [MS_STATS_TIMESTAMP] = "timestamp",
};

const char *
ms_stats_kind_name (MsStatsKind kind)
{
  return (kind >= 0 && kind <= MS_STATS_TIMESTAMP) ? kind_names[kind] : NULL;
}

MsStatsKind
ms_stats_kind_from_name (const char *name)
{
  for (int k = MS_STATS_BOOLEAN; name != NULL && k <= MS_STATS_TIMESTAMP; k++)
    if (g_str_equal (name, kind_names[k]))
      return (MsStatsKind) k;
  return MS_STATS_NONE;
}

/* ---- structs ---- */

void
ms_decimal_clear (MsDecimal *d)
{
  g_clear_pointer (&d->unscaled, g_bytes_unref);
  d->scale = 0;
}

void
ms_decimal_copy (MsDecimal *dst, const MsDecimal *src)
{
  dst->unscaled = src->unscaled ? g_bytes_ref (src->unscaled) : NULL;
  dst->scale = src->scale;
}

void
ms_stats_data_clear (MsStatsData *d)
{
  ms_decimal_clear (&d->low_dec);
  ms_decimal_clear (&d->high_dec);
  g_clear_pointer (&d->bit_vectors, g_bytes_unref);
  g_clear_pointer (&d->histogram, g_bytes_unref);
  memset (d, 0, sizeof *d);
}

void
ms_stats_data_copy (MsStatsData *dst, const MsStatsData *src)
{
  *dst = *src;
  ms_decimal_copy (&dst->low_dec, &src->low_dec);
  ms_decimal_copy (&dst->high_dec, &src->high_dec);
  dst->bit_vectors = src->bit_vectors ? g_bytes_ref (src->bit_vectors) : NULL;
  dst->histogram = src->histogram ? g_bytes_ref (src->histogram) : NULL;
}

MsColStats *
ms_col_stats_new (const char *name, const char *type)
{
  MsColStats *c = g_new0 (MsColStats, 1);
  c->name = g_strdup (name);
  c->type = g_strdup (type);
  return c;
}

MsColStats *
ms_col_stats_copy (const MsColStats *c)
{
  MsColStats *out = ms_col_stats_new (c->name, c->type);
  ms_stats_data_copy (&out->data, &c->data);
  return out;
}

void
ms_col_stats_free (MsColStats *c)
{
  if (c == NULL)
    return;
  g_free (c->name);
  g_free (c->type);
  ms_stats_data_clear (&c->data);
  g_free (c);
}

MsColumnStatistics *
ms_column_statistics_new (void)
{
  MsColumnStatistics *s = g_new0 (MsColumnStatistics, 1);
  s->cols = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_col_stats_free);
  return s;
}

static const MsOwned column_statistics_owned[] = {
  MS_OWNED_STR (MsColumnStatistics, catalog), MS_OWNED_STR (MsColumnStatistics, db_name),
  MS_OWNED_STR (MsColumnStatistics, table_name), MS_OWNED_STR (MsColumnStatistics, part_name),
  MS_OWNED_STR (MsColumnStatistics, engine),
  MS_OWNED (MsColumnStatistics, cols, g_ptr_array_unref, NULL),
};

MS_OWNED_DEFINE_FREE (MsColumnStatistics, ms_column_statistics_free, column_statistics_owned)

/* ---- COLUMN_STATS_ACCURATE ---- */

#define BASIC_STATS "BASIC_STATS"
#define COLUMN_STATS "COLUMN_STATS"

/* Hive reads each flag with Boolean.valueOf(text): "true" in any case. */
static gboolean
flag_value (JsonNode *n, gboolean *ok)
{
  if (JSON_NODE_HOLDS_NULL (n))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (n))
    {
      *ok = FALSE;
      return FALSE;
    }
  GType t = json_node_get_value_type (n);
  if (t == G_TYPE_BOOLEAN)
    return json_node_get_boolean (n);
  if (t == G_TYPE_STRING)
    return g_ascii_strcasecmp (json_node_get_string (n), "true") == 0;
  return FALSE;
}

/* Parse like Hive's ColumnStatsAccurate reader; 'cols' maps column ->
 * GINT_TO_POINTER (1 + flag). Anything it would reject (bad JSON, a
 * non-object, unknown members) reads as empty, "true" as basic only. */
static gboolean
accurate_parse (const char *value, GHashTable *cols)
{
  if (value == NULL)
    return FALSE;
  g_autoptr (JsonParser) p = json_parser_new_immutable ();
  JsonNode *root = NULL;
  gboolean basic = FALSE, ok = TRUE;
  /* the precheck also keeps json-glib from the inputs it leaks on */
  if (ms_json_precheck (value, strlen (value), MS_JSON_MAX_DEPTH, NULL)
      && json_parser_load_from_data (p, value, -1, NULL))
    root = json_parser_get_root (p);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    ok = FALSE;
  else
    {
      JsonObjectIter it;
      const char *name;
      JsonNode *member;
      json_object_iter_init (&it, json_node_get_object (root));
      while (ok && json_object_iter_next (&it, &name, &member))
        {
          if (g_str_equal (name, BASIC_STATS))
            basic = flag_value (member, &ok);
          else if (g_str_equal (name, COLUMN_STATS))
            {
              if (JSON_NODE_HOLDS_NULL (member))
                continue;
              if (!JSON_NODE_HOLDS_OBJECT (member))
                {
                  ok = FALSE;
                  break;
                }
              JsonObjectIter ci;
              const char *col;
              JsonNode *flag;
              json_object_iter_init (&ci, json_node_get_object (member));
              while (ok && json_object_iter_next (&ci, &col, &flag))
                {
                  gboolean f = flag_value (flag, &ok);
                  g_hash_table_insert (cols, g_strdup (col), GINT_TO_POINTER (1 + f));
                }
            }
          else
            ok = FALSE;
        }
    }
  if (!ok)
    {
      g_hash_table_remove_all (cols);
      return g_ascii_strcasecmp (value, "true") == 0;
    }
  return basic;
}

static int
cmp_strp (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static char *
accurate_write (gboolean basic, GHashTable *cols)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  if (basic)
    {
      json_builder_set_member_name (b, BASIC_STATS);
      json_builder_add_string_value (b, "true");
    }
  if (g_hash_table_size (cols) > 0)
    {
      g_autofree gpointer *keys = g_hash_table_get_keys_as_array (cols, NULL);
      guint n = g_hash_table_size (cols);
      qsort (keys, n, sizeof (gpointer), cmp_strp);
      json_builder_set_member_name (b, COLUMN_STATS);
      json_builder_begin_object (b);
      for (guint i = 0; i < n; i++)
        {
          json_builder_set_member_name (b, keys[i]);
          json_builder_add_string_value (
              b, GPOINTER_TO_INT (g_hash_table_lookup (cols, keys[i])) == 2 ? "true" : "false");
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return ms_json_text (root, FALSE, NULL);
}

static GHashTable *
flags_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

char *
ms_stats_accurate_set_columns (const char *current, const char *const *cols, guint n)
{
  g_autoptr (GHashTable) flags = flags_new ();
  gboolean basic = accurate_parse (current, flags);
  /* Hive adds missing columns as true and leaves listed ones alone */
  for (guint i = 0; i < n; i++)
    if (!g_hash_table_contains (flags, cols[i]))
      g_hash_table_insert (flags, g_strdup (cols[i]), GINT_TO_POINTER (2));
  return accurate_write (basic, flags);
}

char *
ms_stats_accurate_remove_columns (const char *current, const char *const *cols, guint n)
{
  g_autoptr (GHashTable) flags = flags_new ();
  gboolean basic = accurate_parse (current, flags);
  if (cols == NULL)
    g_hash_table_remove_all (flags);
  for (guint i = 0; cols != NULL && i < n; i++)
    g_hash_table_remove (flags, cols[i]);
  return accurate_write (basic, flags);
}

gboolean
ms_stats_accurate_has_column (const char *current, const char *col)
{
  g_autoptr (GHashTable) flags = flags_new ();
  accurate_parse (current, flags);
  return g_hash_table_contains (flags, col);
}

/* ---- merge ---- */

static void
merge_sketch (GBytes **agg, GBytes *old)
{
  if (*agg != NULL && old != NULL)
    g_clear_pointer (agg, g_bytes_unref);   /* cannot merge two sketches */
  else if (*agg == NULL && old != NULL)
    *agg = g_bytes_ref (old);
}

static void
merge_low_high (MsStatsData *a, const MsStatsData *o)
{
  switch (a->kind)
    {
    case MS_STATS_LONG:
    case MS_STATS_DATE:
    case MS_STATS_TIMESTAMP:
      if (o->has_low)
        a->low_i = a->has_low ? MIN (a->low_i, o->low_i) : o->low_i;
      if (o->has_high)
        a->high_i = a->has_high ? MAX (a->high_i, o->high_i) : o->high_i;
      break;
    case MS_STATS_DOUBLE:
      if (o->has_low)
        a->low_d = a->has_low ? MIN (a->low_d, o->low_d) : o->low_d;
      if (o->has_high)
        a->high_d = a->has_high ? MAX (a->high_d, o->high_d) : o->high_d;
      break;
    case MS_STATS_DECIMAL:
      if (o->has_low && (!a->has_low || ms_decimal_compare (&o->low_dec, &a->low_dec) < 0))
        {
          ms_decimal_clear (&a->low_dec);
          ms_decimal_copy (&a->low_dec, &o->low_dec);
        }
      if (o->has_high && (!a->has_high || ms_decimal_compare (&o->high_dec, &a->high_dec) > 0))
        {
          ms_decimal_clear (&a->high_dec);
          ms_decimal_copy (&a->high_dec, &o->high_dec);
        }
      break;
    default:
      return;
    }
  a->has_low = a->has_low || o->has_low;
  a->has_high = a->has_high || o->has_high;
}

void
ms_stats_merge (MsStatsData *a, const MsStatsData *o)
{
  if (a->kind != o->kind)
    return;
  a->num_nulls = (gint64) ((guint64) a->num_nulls + (guint64) o->num_nulls);
  switch (a->kind)
    {
    case MS_STATS_BOOLEAN:
      a->num_trues = (gint64) ((guint64) a->num_trues + (guint64) o->num_trues);
      a->num_falses = (gint64) ((guint64) a->num_falses + (guint64) o->num_falses);
      return;
    case MS_STATS_BINARY:
      a->max_col_len = MAX (a->max_col_len, o->max_col_len);
      a->avg_col_len = MAX (a->avg_col_len, o->avg_col_len);
      return;
    case MS_STATS_STRING:
      a->max_col_len = MAX (a->max_col_len, o->max_col_len);
      a->avg_col_len = MAX (a->avg_col_len, o->avg_col_len);
      break;
    default:
      merge_low_high (a, o);
      merge_sketch (&a->histogram, o->histogram);
      break;
    }
  a->num_dvs = MAX (a->num_dvs, o->num_dvs);
  merge_sketch (&a->bit_vectors, o->bit_vectors);
}

/* ---- decimals ---- */

/* The decimal digits of the magnitude of a two's complement big-endian
 * integer ("0" for zero or no bytes); *neg receives the sign. */
static char *
magnitude_digits (GBytes *b, gboolean *neg)
{
  gsize n = 0;
  const guint8 *src = b ? g_bytes_get_data (b, &n) : NULL;
  *neg = n > 0 && (src[0] & 0x80);
  if (n == 0)
    return g_strdup ("0");
  g_autofree guint8 *m = g_memdup2 (src, n);
  if (*neg)
    {
      for (gsize i = 0; i < n; i++)
        m[i] = (guint8) ~m[i];
      for (gsize i = n; i-- > 0;)
        if (++m[i] != 0)
          break;
    }
  GString *rev = g_string_new (NULL);
  gsize start = 0;
  for (;;)
    {
      while (start < n && m[start] == 0)
        start++;
      if (start == n)
        break;
      unsigned rem = 0;
      for (gsize i = start; i < n; i++)
        {
          unsigned cur = rem * 256 + m[i];
          m[i] = (guint8) (cur / 10);
          rem = cur % 10;
        }
      g_string_append_c (rev, (char) ('0' + rem));
    }
  if (rev->len == 0)
    g_string_append_c (rev, '0');
  g_strreverse (rev->str);
  return g_string_free (rev, FALSE);
}

int
ms_decimal_compare (const MsDecimal *a, const MsDecimal *b)
{
  if (a->unscaled == NULL || b->unscaled == NULL)
    return (a->unscaled != NULL) - (b->unscaled != NULL);
  gboolean na, nb;
  g_autofree char *da = magnitude_digits (a->unscaled, &na);
  g_autofree char *db = magnitude_digits (b->unscaled, &nb);
  int sa = g_str_equal (da, "0") ? 0 : (na ? -1 : 1);
  int sb = g_str_equal (db, "0") ? 0 : (nb ? -1 : 1);
  if (sa != sb || sa == 0)
    return sa < sb ? -1 : (sa > sb);
  /* same sign, both non-zero: compare magnitudes by integer digits, then
   * by the digit strings padded to one length */
  long ia = (long) strlen (da) - a->scale, ib = (long) strlen (db) - b->scale;
  int mag;
  if (ia != ib)
    mag = ia < ib ? -1 : 1;
  else
    {
      gsize la = strlen (da), lb = strlen (db), n = MAX (la, lb);
      mag = 0;
      for (gsize i = 0; i < n && mag == 0; i++)
        {
          char ca = i < la ? da[i] : '0', cb = i < lb ? db[i] : '0';
          mag = (ca > cb) - (ca < cb);
        }
    }
  return sa < 0 ? -mag : mag;
}

char *
ms_decimal_to_string (const MsDecimal *d)
{
  gboolean neg;
  g_autofree char *digits = magnitude_digits (d->unscaled, &neg);
  GString *s = g_string_new (neg ? "-" : "");
  int scale = d->scale;
  if (scale <= 0)
    {
      g_string_append (s, digits);
      if (!g_str_equal (digits, "0"))
        for (int i = 0; i < -scale; i++)
          g_string_append_c (s, '0');
      return g_string_free (s, FALSE);
    }
  gsize len = strlen (digits);
  if (len <= (gsize) scale)
    {
      g_string_append (s, "0.");
      for (gsize i = len; i < (gsize) scale; i++)
        g_string_append_c (s, '0');
      g_string_append (s, digits);
    }
  else
    {
      g_string_append_len (s, digits, (gssize) (len - scale));
      g_string_append_c (s, '.');
      g_string_append (s, digits + len - scale);
    }
  return g_string_free (s, FALSE);
}

double
ms_decimal_to_double (const MsDecimal *d)
{
  gboolean neg;
  g_autofree char *digits = magnitude_digits (d->unscaled, &neg);
  g_autofree char *text = g_strdup_printf ("%s%se%d", neg ? "-" : "", digits, -(int) d->scale);
  return g_ascii_strtod (text, NULL);
}

/* Java's BigInteger.toByteArray of 'v': the shortest two's complement. */
static GBytes *
int64_bytes (gint64 v)
{
  guint8 b[8];
  guint64 u = (guint64) v;
  for (int i = 7; i >= 0; i--, u >>= 8)
    b[i] = (guint8) (u & 0xff);
  int start = 0;
  while (start < 7 && ((b[start] == 0x00 && !(b[start + 1] & 0x80))
                       || (b[start] == 0xff && (b[start + 1] & 0x80))))
    start++;
  return g_bytes_new (b + start, 8 - start);
}

gboolean
ms_decimal_from_double (double v, MsDecimal *out)
{
  memset (out, 0, sizeof *out);
  if (!isfinite (v))
    return FALSE;
  if (v == 0)
    {
      /* "0.0" */
      out->unscaled = int64_bytes (0);
      out->scale = 1;
      return TRUE;
    }
  /* the shortest digits that read back as v, as Java's Double.toString */
  char buf[64];
  for (int prec = 0; prec <= 17; prec++)
    {
      snprintf (buf, sizeof buf, "%.*e", prec, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  char *e = strchr (buf, 'e');
  int exp10 = atoi (e + 1);
  GString *digits = g_string_new (NULL);
  for (const char *p = buf; p < e; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  while (digits->len > 1 && digits->str[digits->len - 1] == '0')
    g_string_truncate (digits, digits->len - 1);
  int n = (int) digits->len, scale;
  double a = fabs (v);
  if (a >= 1e-3 && a < 1e7)
    {
      /* plain notation with at least one fraction digit */
      int intlen = exp10 + 1;
      if (exp10 >= 0 && n <= intlen)
        {
          for (int i = n; i < intlen; i++)
            g_string_append_c (digits, '0');
          g_string_append_c (digits, '0');
          scale = 1;
        }
      else if (exp10 >= 0)
        scale = n - intlen;
      else
        scale = -exp10 - 1 + n;
    }
  else if (n == 1)
    {
      /* "d.0E<exp>" */
      g_string_append_c (digits, '0');
      scale = 1 - exp10;
    }
  else
    scale = n - 1 - exp10;
  gint64 unscaled = g_ascii_strtoll (digits->str, NULL, 10);
  g_string_free (digits, TRUE);
  out->unscaled = int64_bytes (v < 0 ? -unscaled : unscaled);
  out->scale = (gint16) scale;
  return TRUE;
}
