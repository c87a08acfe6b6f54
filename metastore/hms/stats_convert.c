/*
 * stats_convert.c: column statistics between the model (model/stats.h) and
 * the generated Thrift structs (ColumnStatistics, ColumnStatisticsObj and
 * the ColumnStatisticsData union). The generated structs pre-allocate
 * their nested members, so the writers fill those in place.
 */
#include "hms/internal.h"
#include "core/pattern.h"
#include <string.h>

static GBytes *
bytes_from (const GByteArray *a)
{
  return a ? g_bytes_new (a->data, a->len) : NULL;
}

static GByteArray *
bytes_to (GBytes *b)
{
  gsize n = 0;
  const guint8 *d = g_bytes_get_data (b, &n);
  GByteArray *a = g_byte_array_sized_new ((guint) n);
  g_byte_array_append (a, d, (guint) n);
  return a;
}

static void
set_bytes (GByteArray **field, gboolean *isset, GBytes *b)
{
  if (b == NULL)
    return;
  if (*field != NULL)
    g_byte_array_unref (*field);
  *field = bytes_to (b);
  *isset = TRUE;
}

static void
decimal_from (const ThmsDecimal *in, MsDecimal *out)
{
  out->unscaled = in->unscaled ? bytes_from (in->unscaled) : g_bytes_new (NULL, 0);
  out->scale = in->scale;
}

static void
decimal_to (const MsDecimal *in, ThmsDecimal *out)
{
  if (out->unscaled != NULL)
    g_byte_array_unref (out->unscaled);
  out->unscaled = in->unscaled ? bytes_to (in->unscaled) : g_byte_array_new ();
  out->scale = in->scale;
}

#define OPT_BYTES(src, field) (src->__isset_##field ? bytes_from (src->field) : NULL)

/* The fields the long, double, decimal, date and timestamp stats structs
 * share under the same names (null count, NDV, bit vectors, histogram),
 * between generated struct 'thrift' and MsStatsData 'model': a macro, as
 * the five are distinct generated types. */
#define NDV_FIELDS_FROM_THRIFT(thrift, model)                                                      \
  do                                                                                               \
    {                                                                                              \
      (model)->num_nulls = (thrift)->numNulls;                                                     \
      (model)->num_dvs = (thrift)->numDVs;                                                         \
      (model)->bit_vectors = OPT_BYTES ((thrift), bitVectors);                                     \
      (model)->histogram = OPT_BYTES ((thrift), histogram);                                        \
    }                                                                                              \
  while (0)
#define NDV_FIELDS_TO_THRIFT(model, thrift)                                                        \
  do                                                                                               \
    {                                                                                              \
      (thrift)->numNulls = (model)->num_nulls;                                                     \
      (thrift)->numDVs = (model)->num_dvs;                                                         \
      set_bytes (&(thrift)->bitVectors, &(thrift)->__isset_bitVectors, (model)->bit_vectors);      \
      set_bytes (&(thrift)->histogram, &(thrift)->__isset_histogram, (model)->histogram);          \
    }                                                                                              \
  while (0)

gboolean
hms_stats_data_from_thrift (const ThmsColumnStatisticsData *in, MsStatsData *d)
{
  memset (d, 0, sizeof *d);
  if (in == NULL)
    return FALSE;
  if (in->__isset_booleanStats && in->booleanStats)
    {
      const ThmsBooleanColumnStatsData *s = in->booleanStats;
      d->kind = MS_STATS_BOOLEAN;
      d->num_trues = s->numTrues;
      d->num_falses = s->numFalses;
      d->num_nulls = s->numNulls;
      d->bit_vectors = OPT_BYTES (s, bitVectors);
    }
  else if (in->__isset_longStats && in->longStats)
    {
      const ThmsLongColumnStatsData *s = in->longStats;
      d->kind = MS_STATS_LONG;
      d->has_low = s->__isset_lowValue;
      d->low_i = s->lowValue;
      d->has_high = s->__isset_highValue;
      d->high_i = s->highValue;
      NDV_FIELDS_FROM_THRIFT (s, d);
    }
  else if (in->__isset_doubleStats && in->doubleStats)
    {
      const ThmsDoubleColumnStatsData *s = in->doubleStats;
      d->kind = MS_STATS_DOUBLE;
      d->has_low = s->__isset_lowValue;
      d->low_d = s->lowValue;
      d->has_high = s->__isset_highValue;
      d->high_d = s->highValue;
      NDV_FIELDS_FROM_THRIFT (s, d);
    }
  else if (in->__isset_stringStats && in->stringStats)
    {
      const ThmsStringColumnStatsData *s = in->stringStats;
      d->kind = MS_STATS_STRING;
      d->max_col_len = s->maxColLen;
      d->avg_col_len = s->avgColLen;
      d->num_nulls = s->numNulls;
      d->num_dvs = s->numDVs;
      d->bit_vectors = OPT_BYTES (s, bitVectors);
    }
  else if (in->__isset_binaryStats && in->binaryStats)
    {
      const ThmsBinaryColumnStatsData *s = in->binaryStats;
      d->kind = MS_STATS_BINARY;
      d->max_col_len = s->maxColLen;
      d->avg_col_len = s->avgColLen;
      d->num_nulls = s->numNulls;
      d->bit_vectors = OPT_BYTES (s, bitVectors);
    }
  else if (in->__isset_decimalStats && in->decimalStats)
    {
      const ThmsDecimalColumnStatsData *s = in->decimalStats;
      d->kind = MS_STATS_DECIMAL;
      if ((d->has_low = s->__isset_lowValue && s->lowValue))
        decimal_from (s->lowValue, &d->low_dec);
      if ((d->has_high = s->__isset_highValue && s->highValue))
        decimal_from (s->highValue, &d->high_dec);
      NDV_FIELDS_FROM_THRIFT (s, d);
    }
  else if (in->__isset_dateStats && in->dateStats)
    {
      const ThmsDateColumnStatsData *s = in->dateStats;
      d->kind = MS_STATS_DATE;
      if ((d->has_low = s->__isset_lowValue && s->lowValue))
        d->low_i = s->lowValue->daysSinceEpoch;
      if ((d->has_high = s->__isset_highValue && s->highValue))
        d->high_i = s->highValue->daysSinceEpoch;
      NDV_FIELDS_FROM_THRIFT (s, d);
    }
  else if (in->__isset_timestampStats && in->timestampStats)
    {
      const ThmsTimestampColumnStatsData *s = in->timestampStats;
      d->kind = MS_STATS_TIMESTAMP;
      if ((d->has_low = s->__isset_lowValue && s->lowValue))
        d->low_i = s->lowValue->secondsSinceEpoch;
      if ((d->has_high = s->__isset_highValue && s->highValue))
        d->high_i = s->highValue->secondsSinceEpoch;
      NDV_FIELDS_FROM_THRIFT (s, d);
    }
  return d->kind != MS_STATS_NONE;
}

void
hms_stats_data_to_thrift (const MsStatsData *d, ThmsColumnStatisticsData *out)
{
  switch (d->kind)
    {
    case MS_STATS_BOOLEAN:
      {
        ThmsBooleanColumnStatsData *s = out->booleanStats;
        s->numTrues = d->num_trues;
        s->numFalses = d->num_falses;
        s->numNulls = d->num_nulls;
        set_bytes (&s->bitVectors, &s->__isset_bitVectors, d->bit_vectors);
        out->__isset_booleanStats = TRUE;
        break;
      }
    case MS_STATS_LONG:
      {
        ThmsLongColumnStatsData *s = out->longStats;
        s->lowValue = d->low_i;
        s->__isset_lowValue = d->has_low;
        s->highValue = d->high_i;
        s->__isset_highValue = d->has_high;
        NDV_FIELDS_TO_THRIFT (d, s);
        out->__isset_longStats = TRUE;
        break;
      }
    case MS_STATS_DOUBLE:
      {
        ThmsDoubleColumnStatsData *s = out->doubleStats;
        s->lowValue = d->low_d;
        s->__isset_lowValue = d->has_low;
        s->highValue = d->high_d;
        s->__isset_highValue = d->has_high;
        NDV_FIELDS_TO_THRIFT (d, s);
        out->__isset_doubleStats = TRUE;
        break;
      }
    case MS_STATS_STRING:
      {
        ThmsStringColumnStatsData *s = out->stringStats;
        s->maxColLen = d->max_col_len;
        s->avgColLen = d->avg_col_len;
        s->numNulls = d->num_nulls;
        s->numDVs = d->num_dvs;
        set_bytes (&s->bitVectors, &s->__isset_bitVectors, d->bit_vectors);
        out->__isset_stringStats = TRUE;
        break;
      }
    case MS_STATS_BINARY:
      {
        ThmsBinaryColumnStatsData *s = out->binaryStats;
        s->maxColLen = d->max_col_len;
        s->avgColLen = d->avg_col_len;
        s->numNulls = d->num_nulls;
        set_bytes (&s->bitVectors, &s->__isset_bitVectors, d->bit_vectors);
        out->__isset_binaryStats = TRUE;
        break;
      }
    case MS_STATS_DECIMAL:
      {
        ThmsDecimalColumnStatsData *s = out->decimalStats;
        if (d->has_low)
          decimal_to (&d->low_dec, s->lowValue);
        s->__isset_lowValue = d->has_low;
        if (d->has_high)
          decimal_to (&d->high_dec, s->highValue);
        s->__isset_highValue = d->has_high;
        NDV_FIELDS_TO_THRIFT (d, s);
        out->__isset_decimalStats = TRUE;
        break;
      }
    case MS_STATS_DATE:
      {
        ThmsDateColumnStatsData *s = out->dateStats;
        s->lowValue->daysSinceEpoch = d->low_i;
        s->__isset_lowValue = d->has_low;
        s->highValue->daysSinceEpoch = d->high_i;
        s->__isset_highValue = d->has_high;
        NDV_FIELDS_TO_THRIFT (d, s);
        out->__isset_dateStats = TRUE;
        break;
      }
    case MS_STATS_TIMESTAMP:
      {
        ThmsTimestampColumnStatsData *s = out->timestampStats;
        s->lowValue->secondsSinceEpoch = d->low_i;
        s->__isset_lowValue = d->has_low;
        s->highValue->secondsSinceEpoch = d->high_i;
        s->__isset_highValue = d->has_high;
        NDV_FIELDS_TO_THRIFT (d, s);
        out->__isset_timestampStats = TRUE;
        break;
      }
    default:
      break;
    }
}

ThmsColumnStatisticsObj *
hms_col_stats_to_thrift (const MsColStats *c)
{
  ThmsColumnStatisticsObj *o = g_object_new (THMS_TYPE_COLUMN_STATISTICS_OBJ, NULL);
  hms_set_string (&o->colName, c->name);
  hms_set_string (&o->colType, c->type);
  hms_stats_data_to_thrift (&c->data, o->statsData);
  return o;
}

void
hms_column_statistics_to_thrift (const MsColumnStatistics *s, ThmsColumnStatistics *out)
{
  ThmsColumnStatisticsDesc *d = out->statsDesc;
  d->isTblLevel = s->part_name == NULL;
  hms_set_string (&d->dbName, s->db_name);
  hms_set_string (&d->tableName, s->table_name);
  if (s->part_name != NULL)
    {
      hms_set_string (&d->partName, s->part_name);
      d->__isset_partName = TRUE;
    }
  d->lastAnalyzed = s->last_analyzed;
  d->__isset_lastAnalyzed = TRUE;
  hms_set_string (&d->catName, s->catalog);
  d->__isset_catName = s->catalog != NULL;
  for (guint i = 0; i < s->cols->len; i++)
    g_ptr_array_add (out->statsObj, hms_col_stats_to_thrift (g_ptr_array_index (s->cols, i)));
  hms_set_string (&out->engine, s->engine ? s->engine : MS_STATS_ENGINE_DEFAULT);
  out->__isset_engine = TRUE;
}

MsColumnStatistics *
hms_column_statistics_from_thrift (const ThmsColumnStatistics *in, GError **error)
{
  g_autoptr (MsColumnStatistics) s = ms_column_statistics_new ();
  for (guint i = 0; in->statsObj != NULL && i < in->statsObj->len; i++)
    {
      const ThmsColumnStatisticsObj *o = g_ptr_array_index (in->statsObj, i);
      g_autofree char *name = ms_str_lower (o->colName ? o->colName : "");
      g_autofree char *type = ms_str_lower (o->colType ? o->colType : "");
      g_autoptr (MsColStats) cs = ms_col_stats_new (name, type);
      if (!hms_stats_data_from_thrift (o->statsData, &cs->data))
        {
          ms_fail (error, MS_ERROR_INVALID_OBJECT, "Invalid column stats object");
          return NULL;
        }
      g_ptr_array_add (s->cols, g_steal_pointer (&cs));
    }
  const char *engine = in->engine;
  s->engine = g_strdup (engine && *engine ? engine : MS_STATS_ENGINE_DEFAULT);
  return g_steal_pointer (&s);
}
