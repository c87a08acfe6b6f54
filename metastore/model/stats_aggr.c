/*
 * stats_aggr.c: get_aggr_stats_for's aggregation of partition statistics,
 * as Hive's MetaStoreDirectSql does it with its defaults (bit vectors not
 * fetched, no NDV density function, NDV tuner 0):
 *
 *  - statistics are grouped by (column, declared type); a group found in
 *    every requested partition, or in fewer than two, is aggregated
 *    directly: low = min, high = max, nulls / trues / falses summed,
 *    NDV / average length / max length = max, NDV of integral and date or
 *    timestamp columns capped at high - low + 1;
 *  - a group found in some (at least two) of the requested partitions is
 *    extrapolated to all of them: sums are scaled (sum / found * requested,
 *    in integers as Hive does), min / max values (low, high, NDV, lengths)
 *    extended linearly from the partitions holding the extremes, ordered
 *    as the request lists the partitions; a value missing in any found
 *    partition leaves the result unset;
 *  - partsFound counts the partitions with statistics for every requested
 *    column. Bit vectors and histograms are not part of the result.
 * Integer arithmetic wraps like Java's long.
 */
#include "model/stats.h"
#include <math.h>
#include <string.h>

static gint64 jadd (gint64 a, gint64 b) { return (gint64) ((guint64) a + (guint64) b); }
static gint64 jsub (gint64 a, gint64 b) { return (gint64) ((guint64) a - (guint64) b); }
static gint64 jmul (gint64 a, gint64 b) { return (gint64) ((guint64) a * (guint64) b); }

static gint64
jdiv (gint64 a, gint64 b)
{
  if (b == 0)
    return 0;
  if (b == -1 && a == G_MININT64)
    return a;
  return a / b;
}

/* Java's (long) of a double: saturating, NaN -> 0. */
static gint64
d2l (double d)
{
  if (isnan (d))
    return 0;
  if (d >= 9223372036854775807.0)
    return G_MAXINT64;
  if (d <= -9223372036854775808.0)
    return G_MININT64;
  return (gint64) d;
}

/* One partition's statistics for the group, with its request index. */
typedef struct {
  const MsStatsData *d;
  int idx;
} Row;

typedef enum { AGG_MIN, AGG_MAX } AggType;

/* Which value of a row an extrapolation reads. */
typedef enum { V_LOW, V_HIGH, V_NDV, V_AVGLEN, V_MAXLEN } Field;

static gboolean
has_field (const MsStatsData *d, Field f)
{
  switch (f)
    {
    case V_LOW:
      return d->has_low;
    case V_HIGH:
      return d->has_high;
    default:
      return TRUE;
    }
}

/* <0, 0, >0 for the field's values of two rows of one kind. */
static int
cmp_field (const MsStatsData *a, const MsStatsData *b, Field f)
{
  double x = 0, y = 0;
  gint64 i = 0, j = 0;
  gboolean dbl = FALSE;
  switch (f)
    {
    case V_LOW:
    case V_HIGH:
      if (a->kind == MS_STATS_DECIMAL)
        return ms_decimal_compare (f == V_LOW ? &a->low_dec : &a->high_dec,
                                   f == V_LOW ? &b->low_dec : &b->high_dec);
      if (a->kind == MS_STATS_DOUBLE)
        {
          dbl = TRUE;
          x = f == V_LOW ? a->low_d : a->high_d;
          y = f == V_LOW ? b->low_d : b->high_d;
        }
      else
        {
          i = f == V_LOW ? a->low_i : a->high_i;
          j = f == V_LOW ? b->low_i : b->high_i;
        }
      break;
    case V_NDV:
      i = a->num_dvs, j = b->num_dvs;
      break;
    case V_MAXLEN:
      i = a->max_col_len, j = b->max_col_len;
      break;
    case V_AVGLEN:
      dbl = TRUE;
      x = a->avg_col_len, y = b->avg_col_len;
      break;
    }
  if (dbl)
    return (x > y) - (x < y);
  return (i > j) - (i < j);
}

/* The rows holding the smallest and largest value of 'f' (ties: the
 * earliest partition for the minimum, the latest for the maximum); FALSE
 * when some row lacks the value (Hive's NULL sorts last). */
static gboolean
extremes (const Row *rows, guint n, Field f, const Row **min, const Row **max)
{
  *min = *max = NULL;
  for (guint r = 0; r < n; r++)
    {
      if (!has_field (rows[r].d, f))
        return FALSE;
      if (*min == NULL || cmp_field (rows[r].d, (*min)->d, f) < 0
          || (cmp_field (rows[r].d, (*min)->d, f) == 0 && rows[r].idx < (*min)->idx))
        *min = &rows[r];
      if (*max == NULL || cmp_field (rows[r].d, (*max)->d, f) > 0
          || (cmp_field (rows[r].d, (*max)->d, f) == 0 && rows[r].idx > (*max)->idx))
        *max = &rows[r];
    }
  return *min != NULL;
}

/* LinearExtrapolatePartStatus for integers. */
static gint64
extrapolate_long (gint64 lo, gint64 hi, int min_ind, int max_ind, int right, AggType t)
{
  if (min_ind == max_ind)
    return lo;
  if (t == AGG_MAX)
    {
      if (min_ind < max_ind)
        return jadd (lo, jdiv (jmul (jsub (hi, lo), right - min_ind), max_ind - min_ind));
      return jadd (lo, jdiv (jmul (jsub (hi, lo), min_ind), min_ind - max_ind));
    }
  if (min_ind < max_ind)
    return jsub (hi, jdiv (jmul (jsub (hi, lo), max_ind), max_ind - min_ind));
  return jsub (hi, jdiv (jmul (jsub (hi, lo), right - max_ind), min_ind - max_ind));
}

static double
extrapolate_double (double lo, double hi, int min_ind, int max_ind, int right, AggType t)
{
  if (min_ind == max_ind)
    return lo;
  if (t == AGG_MAX)
    {
      if (min_ind < max_ind)
        return lo + (hi - lo) * (right - min_ind) / (max_ind - min_ind);
      return lo + (hi - lo) * min_ind / (min_ind - max_ind);
    }
  if (min_ind < max_ind)
    return hi - (hi - lo) * max_ind / (max_ind - min_ind);
  return hi - (hi - lo) * (right - max_ind) / (min_ind - max_ind);
}

/* Extrapolate low (AGG_MIN) or high (AGG_MAX) into 'out'. */
static void
extrapolate_bound (const Row *rows, guint n, int right, gboolean high, MsStatsData *out)
{
  const Row *mn, *mx;
  Field f = high ? V_HIGH : V_LOW;
  if (!extremes (rows, n, f, &mn, &mx))
    return;
  AggType t = high ? AGG_MAX : AGG_MIN;
  const MsStatsData *a = mn->d, *b = mx->d;
  switch (out->kind)
    {
    case MS_STATS_DOUBLE:
      {
        double v = extrapolate_double (high ? a->high_d : a->low_d, high ? b->high_d : b->low_d,
                                       mn->idx, mx->idx, right, t);
        if (high)
          out->high_d = v;
        else
          out->low_d = v;
        break;
      }
    case MS_STATS_DECIMAL:
      {
        MsDecimal *dst = high ? &out->high_dec : &out->low_dec;
        const MsDecimal *lo = high ? &a->high_dec : &a->low_dec;
        const MsDecimal *hi = high ? &b->high_dec : &b->low_dec;
        if (mn->idx == mx->idx)
          ms_decimal_copy (dst, lo);
        else if (!ms_decimal_from_double (extrapolate_double (ms_decimal_to_double (lo),
                                                             ms_decimal_to_double (hi), mn->idx,
                                                             mx->idx, right, t), dst))
          return;
        break;
      }
    default:
      {
        gint64 v = extrapolate_long (high ? a->high_i : a->low_i, high ? b->high_i : b->low_i,
                                     mn->idx, mx->idx, right, t);
        if (high)
          out->high_i = v;
        else
          out->low_i = v;
        break;
      }
    }
  if (high)
    out->has_high = TRUE;
  else
    out->has_low = TRUE;
}

/* A max-type integer field (NDV, max length) extrapolated. */
static gint64
extrapolate_max_long (const Row *rows, guint n, int right, Field f, gboolean *ok)
{
  const Row *mn, *mx;
  *ok = extremes (rows, n, f, &mn, &mx);
  if (!*ok)
    return 0;
  gint64 lo = f == V_NDV ? mn->d->num_dvs : mn->d->max_col_len;
  gint64 hi = f == V_NDV ? mx->d->num_dvs : mx->d->max_col_len;
  return extrapolate_long (lo, hi, mn->idx, mx->idx, right, AGG_MAX);
}

static gboolean
is_integral (MsStatsKind k)
{
  return k == MS_STATS_LONG || k == MS_STATS_DATE || k == MS_STATS_TIMESTAMP;
}

/* NDV from the lower bound (max NDV) with tuner 0 (Hive computes it in
 * doubles), capped by the value range for integral, date and timestamp
 * columns. */
static void
finish_ndv (MsStatsData *out, gint64 lower)
{
  if (out->kind == MS_STATS_STRING)
    {
      out->num_dvs = lower;        /* strings take the bound as it is */
      return;
    }
  gint64 est = d2l ((double) lower);
  if (is_integral (out->kind) && out->has_low && out->has_high)
    est = MIN (est, jadd (jsub (out->high_i, out->low_i), 1));
  out->num_dvs = est;
}

static void
aggregate_direct (const Row *rows, guint n, MsStatsData *out)
{
  gint64 ndv = 0;
  for (guint r = 0; r < n; r++)
    {
      const MsStatsData *d = rows[r].d;
      out->num_nulls = jadd (out->num_nulls, d->num_nulls);
      out->num_trues = jadd (out->num_trues, d->num_trues);
      out->num_falses = jadd (out->num_falses, d->num_falses);
      ndv = r == 0 ? d->num_dvs : MAX (ndv, d->num_dvs);
      out->max_col_len = r == 0 ? d->max_col_len : MAX (out->max_col_len, d->max_col_len);
      out->avg_col_len = r == 0 ? d->avg_col_len : MAX (out->avg_col_len, d->avg_col_len);
    }
  const Row *mn, *mx;
  for (int h = 0; h < 2; h++)
    {
      /* min over the rows that have a low value, max over those with a high */
      Field f = h ? V_HIGH : V_LOW;
      g_autofree Row *have = g_new (Row, n);
      guint k = 0;
      for (guint r = 0; r < n; r++)
        if (has_field (rows[r].d, f))
          have[k++] = rows[r];
      if (k == 0 || !extremes (have, k, f, &mn, &mx))
        continue;
      const MsStatsData *src = h ? mx->d : mn->d;
      if (h)
        {
          out->has_high = TRUE;
          out->high_i = src->high_i;
          out->high_d = src->high_d;
          ms_decimal_copy (&out->high_dec, &src->high_dec);
        }
      else
        {
          out->has_low = TRUE;
          out->low_i = src->low_i;
          out->low_d = src->low_d;
          ms_decimal_copy (&out->low_dec, &src->low_dec);
        }
    }
  if (out->kind != MS_STATS_BOOLEAN && out->kind != MS_STATS_BINARY)
    finish_ndv (out, ndv);
}

static void
aggregate_extrapolated (const Row *rows, guint n, guint n_parts, int right, MsStatsData *out)
{
  gint64 nulls = 0, trues = 0, falses = 0;
  for (guint r = 0; r < n; r++)
    {
      nulls = jadd (nulls, rows[r].d->num_nulls);
      trues = jadd (trues, rows[r].d->num_trues);
      falses = jadd (falses, rows[r].d->num_falses);
    }
  /* Hive scales as sum / found * requested, dividing first */
  out->num_nulls = jmul (jdiv (nulls, n), n_parts);
  out->num_trues = jmul (jdiv (trues, n), n_parts);
  out->num_falses = jmul (jdiv (falses, n), n_parts);
  if (out->kind == MS_STATS_BOOLEAN)
    return;
  gboolean ok;
  if (out->kind == MS_STATS_STRING || out->kind == MS_STATS_BINARY)
    {
      out->max_col_len = extrapolate_max_long (rows, n, right, V_MAXLEN, &ok);
      const Row *mn, *mx;
      if (extremes (rows, n, V_AVGLEN, &mn, &mx))
        out->avg_col_len = extrapolate_double (mn->d->avg_col_len, mx->d->avg_col_len, mn->idx,
                                               mx->idx, right, AGG_MAX);
      if (out->kind == MS_STATS_BINARY)
        return;
    }
  else
    {
      extrapolate_bound (rows, n, right, FALSE, out);
      extrapolate_bound (rows, n, right, TRUE, out);
    }
  gint64 ndv = extrapolate_max_long (rows, n, right, V_NDV, &ok);
  finish_ndv (out, ndv);
}

GPtrArray *
ms_stats_aggregate (GPtrArray *parts, const char *const *part_names, guint n_parts,
                    const char *const *col_names, guint n_cols, gint64 *parts_found)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_col_stats_free);
  *parts_found = 0;
  /* each requested partition's position (a repeated name: its last) */
  g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_parts; i++)
    g_hash_table_insert (index, (gpointer) part_names[i], GINT_TO_POINTER ((int) i));
  int right = (int) g_hash_table_size (index) - 1;

  for (guint p = 0; p < parts->len; p++)
    {
      const MsColumnStatistics *s = g_ptr_array_index (parts, p);
      guint count = 0;
      for (guint c = 0; c < s->cols->len; c++)
        for (guint k = 0; k < n_cols; k++)
          if (g_str_equal (((MsColStats *) g_ptr_array_index (s->cols, c))->name, col_names[k]))
            {
              count++;
              break;
            }
      if (count == n_cols)
        (*parts_found)++;
    }

  g_autoptr (GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  for (guint k = 0; k < n_cols; k++)
    {
      if (!g_hash_table_add (done, (gpointer) col_names[k]))
        continue;
      /* the declared types this column has, in partition order */
      g_autoptr (GPtrArray) types = g_ptr_array_new ();
      for (guint p = 0; p < parts->len; p++)
        {
          const MsColumnStatistics *s = g_ptr_array_index (parts, p);
          for (guint c = 0; c < s->cols->len; c++)
            {
              const MsColStats *cs = g_ptr_array_index (s->cols, c);
              gboolean known = FALSE;
              for (guint t = 0; t < types->len && !known; t++)
                known = g_str_equal (g_ptr_array_index (types, t), cs->type);
              if (g_str_equal (cs->name, col_names[k]) && !known)
                g_ptr_array_add (types, cs->type);
            }
        }
      for (guint t = 0; t < types->len; t++)
        {
          const char *type = g_ptr_array_index (types, t);
          MsStatsKind kind = MS_STATS_NONE;
          g_array_set_size (rows, 0);
          for (guint p = 0; p < parts->len; p++)
            {
              const MsColumnStatistics *s = g_ptr_array_index (parts, p);
              gpointer idx;
              if (s->part_name == NULL || !g_hash_table_lookup_extended (index, s->part_name, NULL, &idx))
                continue;
              for (guint c = 0; c < s->cols->len; c++)
                {
                  const MsColStats *cs = g_ptr_array_index (s->cols, c);
                  if (!g_str_equal (cs->name, col_names[k]) || !g_str_equal (cs->type, type))
                    continue;
                  if (kind == MS_STATS_NONE)
                    kind = cs->data.kind;
                  if (cs->data.kind != kind)
                    continue;
                  Row r = { &cs->data, GPOINTER_TO_INT (idx) };
                  g_array_append_val (rows, r);
                }
            }
          if (rows->len == 0 || kind == MS_STATS_NONE)
            continue;
          MsColStats *agg = ms_col_stats_new (col_names[k], type);
          agg->data.kind = kind;
          if (rows->len == n_parts || rows->len < 2)
            aggregate_direct ((Row *) rows->data, rows->len, &agg->data);
          else
            aggregate_extrapolated ((Row *) rows->data, rows->len, n_parts, right, &agg->data);
          g_ptr_array_add (out, agg);
        }
    }
  return out;
}
