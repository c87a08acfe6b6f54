/*
 * hive_rows.c: the pure pieces of reading a Java metastore database
 * (store/hive_source.h), testable without one:
 *  - the schema versions read and, per version, what stands in for the
 *    columns it lacks, and the columns that tell a half-upgraded schema;
 *  - row values -> model values: owner types, the statistics kind of a
 *    column type, Java's BigDecimal text -> Hive's decimal bytes, one
 *    *_COL_STATS row -> MsStatsData.
 */
#include "store/hive_source.h"
#include "core/error.h"
#include <string.h>
#include <stdlib.h>

/* ---- versions ---- */

static const MsHiveMarker markers_40[] = {
  { "DBS", "TYPE", TRUE, "added in 4.0" },
  { "TBLS", "WRITE_ID", TRUE, "added in 4.0" },
  { "TAB_COL_STATS", "ENGINE", TRUE, "added in 4.0" },
  { "PART_COL_STATS", "HISTOGRAM", TRUE, "added in 4.0" },
};
static const MsHiveMarker markers_31[] = {
  { "DBS", "CTLG_NAME", TRUE, "added in 3.0" },
  { "DB_PRIVS", "AUTHORIZER", TRUE, "added in 3.1" },
  { "DBS", "TYPE", FALSE, "added in 4.0" },
  { "TBLS", "WRITE_ID", FALSE, "added in 4.0" },
  { "TAB_COL_STATS", "ENGINE", FALSE, "added in 4.0" },
};
static const MsHiveMarker markers_23[] = {
  { "TBLS", "IS_REWRITE_ENABLED", TRUE, "added in 2.2" },
  { "DBS", "CTLG_NAME", FALSE, "added in 3.0" },
  { "SERDES", "SERDE_TYPE", FALSE, "added in 3.0" },
  { "TAB_COL_STATS", "BIT_VECTOR", FALSE, "added in 3.0" },
};

static const MsHiveProfile profiles[] = {
  { "4.0", TRUE, "c.\"CREATE_TIME\"", "d.\"CTLG_NAME\"", "d.\"CREATE_TIME\"",
    "d.\"DB_MANAGED_LOCATION_URI\"", "d.\"TYPE\"", "d.\"DATACONNECTOR_NAME\"",
    "d.\"REMOTE_DBNAME\"", "t.\"OWNER_TYPE\"", "t.\"WRITE_ID\"", "se.\"DESCRIPTION\"",
    "se.\"SERIALIZER_CLASS\"", "se.\"DESERIALIZER_CLASS\"", "se.\"SERDE_TYPE\"",
    "s.\"ENGINE\"", "s.\"BIT_VECTOR\"", "s.\"HISTOGRAM\"", "x.\"AUTHORIZER\"",
    "k.\"DEFAULT_VALUE\"", markers_40,
    G_N_ELEMENTS (markers_40) },
  { "3.1", TRUE, "NULL", "d.\"CTLG_NAME\"", "NULL", "NULL",
    "'NATIVE'", "NULL", "NULL", "t.\"OWNER_TYPE\"", "0",
    "se.\"DESCRIPTION\"", "se.\"SERIALIZER_CLASS\"", "se.\"DESERIALIZER_CLASS\"",
    "se.\"SERDE_TYPE\"", "'hive'", "s.\"BIT_VECTOR\"", "NULL", "x.\"AUTHORIZER\"",
    "k.\"DEFAULT_VALUE\"", markers_31,
    G_N_ELEMENTS (markers_31) },
  { "2.3", FALSE, "NULL", "'hive'", "NULL", "NULL", "'NATIVE'",
    "NULL", "NULL", "'USER'", "0", "NULL", "NULL",
    "NULL", "NULL", "'hive'", "NULL", "NULL", "NULL", "NULL",
    markers_23,
    G_N_ELEMENTS (markers_23) },
};

/* "4.0.0" -> 4, 0; FALSE unless it starts "<major>.<minor>". */
static gboolean
major_minor (const char *v, int *major, int *minor)
{
  char *end = NULL;
  long a = strtol (v, &end, 10);
  if (end == v || *end != '.' || a < 0 || a > 1000)
    return FALSE;
  const char *m = end + 1;
  long b = strtol (m, &end, 10);
  if (end == m || b < 0 || b > 1000)
    return FALSE;
  *major = (int) a;
  *minor = (int) b;
  return TRUE;
}

const MsHiveProfile *
ms_hive_profile_find (const char *version, GError **error)
{
  int major = 0, minor = 0;
  if (version == NULL || !major_minor (version, &major, &minor))
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT,
               "unknown Hive metastore schema version '%s' (import reads 2.3, 3.1 and 4.0)",
               version ? version : "(none)");
      return NULL;
    }
  /* a pre-release (4.0.0-beta-1) has a different schema than its release */
  gboolean release = strchr (version, '-') == NULL;
  g_autofree char *mm = g_strdup_printf ("%d.%d", major, minor);
  for (guint i = 0; release && i < G_N_ELEMENTS (profiles); i++)
    if (g_str_equal (profiles[i].name, mm))
      return &profiles[i];
  if (major > 4 || (major == 4 && minor > 0) || (major == 4 && minor == 0 && release))
    ms_fail (error, MS_ERROR_INVALID_INPUT,
             "Hive metastore schema version %s is newer than this import reads (2.3, 3.1 and "
             "4.0)", version);
  else
    ms_fail (error, MS_ERROR_INVALID_INPUT,
             "unsupported Hive metastore schema version %s (import reads 2.3, 3.1 and 4.0; "
             "upgrade the source with Hive's schematool first)", version);
  return NULL;
}

gboolean
ms_hive_profile_check (const MsHiveProfile *p, const char *version, MsHiveHasColumn has_column,
                       gpointer user, GError **error)
{
  for (guint i = 0; i < p->n_markers; i++)
    {
      const MsHiveMarker *m = &p->markers[i];
      if (has_column (user, m->table, m->column) != m->present)
        return ms_fail (error, MS_ERROR_INVALID_INPUT,
                        "half-upgraded Hive metastore schema: VERSION says %s but column "
                        "%s.%s (%s) is %s", version, m->table, m->column, m->why,
                        m->present ? "missing" : "there");
    }
  return TRUE;
}

/* ---- values ---- */

MsPrincipalType
ms_hive_principal_type (const char *s)
{
  if (s == NULL)
    return MS_PRINCIPAL_NONE;
  if (g_ascii_strcasecmp (s, "USER") == 0)
    return MS_PRINCIPAL_USER;
  if (g_ascii_strcasecmp (s, "ROLE") == 0)
    return MS_PRINCIPAL_ROLE;
  if (g_ascii_strcasecmp (s, "GROUP") == 0)
    return MS_PRINCIPAL_GROUP;
  return MS_PRINCIPAL_NONE;
}

MsStatsKind
ms_hive_stats_kind (const char *type)
{
  static const struct { const char *name; gboolean prefix; MsStatsKind kind; } kinds[] = {
    { "boolean", FALSE, MS_STATS_BOOLEAN }, { "string", FALSE, MS_STATS_STRING },
    { "varchar", TRUE, MS_STATS_STRING }, { "char", TRUE, MS_STATS_STRING },
    { "binary", FALSE, MS_STATS_BINARY }, { "bigint", FALSE, MS_STATS_LONG },
    { "int", FALSE, MS_STATS_LONG }, { "smallint", FALSE, MS_STATS_LONG },
    { "tinyint", FALSE, MS_STATS_LONG }, { "double", FALSE, MS_STATS_DOUBLE },
    { "float", FALSE, MS_STATS_DOUBLE }, { "decimal", TRUE, MS_STATS_DECIMAL },
    { "date", FALSE, MS_STATS_DATE }, { "timestamp", FALSE, MS_STATS_TIMESTAMP },
  };
  if (type == NULL)
    return MS_STATS_NONE;
  g_autofree char *t = g_ascii_strdown (type, -1);
  g_strstrip (t);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i].prefix ? g_str_has_prefix (t, kinds[i].name) : g_str_equal (t, kinds[i].name))
      return kinds[i].kind;
  return MS_STATS_NONE;
}

/* mag (little-endian base 256) = mag * 10 + digit */
static void
mag_push_digit (GByteArray *mag, int digit)
{
  unsigned carry = (unsigned) digit;
  for (guint i = 0; i < mag->len; i++)
    {
      unsigned v = mag->data[i] * 10u + carry;
      mag->data[i] = (guint8) (v & 0xff);
      carry = v >> 8;
    }
  if (carry)
    {
      guint8 b = (guint8) carry;
      g_byte_array_append (mag, &b, 1);
    }
}

/* The minimal big-endian two's complement of +-mag (Java's toByteArray). */
static GBytes *
twos_complement (GByteArray *mag, gboolean negative)
{
  guint n = mag->len + 1;      /* room for the sign bit */
  g_autofree guint8 *be = g_new0 (guint8, n);
  for (guint i = 0; i < mag->len; i++)
    be[n - 1 - i] = mag->data[i];
  if (negative)
    {
      unsigned carry = 1;
      for (guint i = n; i-- > 0;)
        {
          unsigned v = (guint8) ~be[i] + carry;
          be[i] = (guint8) v;
          carry = v >> 8;
        }
    }
  guint start = 0;
  guint8 fill = negative ? 0xff : 0x00;
  while (start + 1 < n && be[start] == fill && ((be[start + 1] & 0x80) != 0) == negative)
    start++;
  return g_bytes_new (be + start, n - start);
}

gboolean
ms_hive_decimal_parse (const char *text, MsDecimal *out)
{
  if (text == NULL)
    return FALSE;
  const char *p = text;
  gboolean negative = *p == '-';
  if (*p == '-' || *p == '+')
    p++;
  g_autoptr (GByteArray) mag = g_byte_array_new ();
  int digits = 0, frac = 0;
  gboolean dot = FALSE;
  for (; *p && *p != 'E' && *p != 'e'; p++)
    {
      if (*p == '.' && !dot)
        dot = TRUE;
      else if (g_ascii_isdigit (*p) && digits < 400)
        {
          mag_push_digit (mag, *p - '0');
          digits++;
          frac += dot;
        }
      else
        return FALSE;
    }
  long exp = 0;
  if (*p)
    {
      char *end = NULL;
      exp = strtol (p + 1, &end, 10);
      if (end == p + 1 || *end != '\0' || exp > 10000 || exp < -10000)
        return FALSE;
    }
  long scale = frac - exp;
  if (digits == 0 || scale > G_MAXINT16 || scale < G_MININT16)
    return FALSE;
  gboolean zero = TRUE;
  for (guint i = 0; i < mag->len; i++)
    zero = zero && mag->data[i] == 0;
  out->unscaled = twos_complement (mag, negative && !zero);
  out->scale = (gint16) scale;
  return TRUE;
}

static gint64
v_int (const char *const *v, int i, gboolean *set)
{
  if (set)
    *set = v[i] != NULL;
  return v[i] ? g_ascii_strtoll (v[i], NULL, 10) : 0;
}

static double
v_double (const char *const *v, int i, gboolean *set)
{
  if (set)
    *set = v[i] != NULL;
  return v[i] ? g_ascii_strtod (v[i], NULL) : 0;
}

static gboolean
decimals (const char *const *v, MsStatsData *d, GError **error)
{
  d->has_low = v[MS_HIVE_ST_DECLOW] != NULL;
  d->has_high = v[MS_HIVE_ST_DECHIGH] != NULL;
  if ((d->has_low && !ms_hive_decimal_parse (v[MS_HIVE_ST_DECLOW], &d->low_dec))
      || (d->has_high && !ms_hive_decimal_parse (v[MS_HIVE_ST_DECHIGH], &d->high_dec)))
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "unreadable decimal statistics '%s' / '%s'",
                    v[MS_HIVE_ST_DECLOW] ? v[MS_HIVE_ST_DECLOW] : "",
                    v[MS_HIVE_ST_DECHIGH] ? v[MS_HIVE_ST_DECHIGH] : "");
  return TRUE;
}

gboolean
ms_hive_stats_data (const char *type, const char *const *v, MsStatsData *d, GError **error)
{
  d->kind = ms_hive_stats_kind (type);
  d->num_nulls = v_int (v, MS_HIVE_ST_NULLS, NULL);
  d->num_dvs = v_int (v, MS_HIVE_ST_NDV, NULL);
  switch (d->kind)
    {
    case MS_STATS_BOOLEAN:
      d->num_trues = v_int (v, MS_HIVE_ST_TRUES, NULL);
      d->num_falses = v_int (v, MS_HIVE_ST_FALSES, NULL);
      d->num_dvs = 0;
      return TRUE;
    case MS_STATS_LONG:
    case MS_STATS_DATE:
    case MS_STATS_TIMESTAMP:
      d->low_i = v_int (v, MS_HIVE_ST_LLOW, &d->has_low);
      d->high_i = v_int (v, MS_HIVE_ST_LHIGH, &d->has_high);
      return TRUE;
    case MS_STATS_DOUBLE:
      d->low_d = v_double (v, MS_HIVE_ST_DLOW, &d->has_low);
      d->high_d = v_double (v, MS_HIVE_ST_DHIGH, &d->has_high);
      return TRUE;
    case MS_STATS_DECIMAL:
      return decimals (v, d, error);
    case MS_STATS_STRING:
    case MS_STATS_BINARY:
      d->max_col_len = v_int (v, MS_HIVE_ST_MAXLEN, NULL);
      d->avg_col_len = v_double (v, MS_HIVE_ST_AVGLEN, NULL);
      if (d->kind == MS_STATS_BINARY)
        d->num_dvs = 0;
      return TRUE;
    default:
      return ms_fail (error, MS_ERROR_INVALID_INPUT,
                      "column statistics of type '%s': Hive keeps none of that type",
                      type ? type : "(none)");
    }
}
