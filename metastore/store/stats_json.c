/*
 * stats_json.c: column statistics data <-> jsonb with json-glib; see
 * stats_json.h for the format.
 */
#include "store/stats_json.h"
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include "core/json_text.h"

static void
add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_double (JsonBuilder *b, const char *name, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *text;
  if (isnan (v))
    text = "NaN";
  else if (isinf (v))
    text = v > 0 ? "Infinity" : "-Infinity";
  else
    text = g_ascii_dtostr (buf, sizeof buf, v);
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, text);
}

static void
add_bytes (JsonBuilder *b, const char *name, GBytes *bytes)
{
  if (bytes == NULL)
    return;
  gsize n;
  const guchar *data = g_bytes_get_data (bytes, &n);
  g_autofree char *b64 = g_base64_encode (data, n);
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, b64);
}

static void
add_decimal (JsonBuilder *b, const char *name, const MsDecimal *d)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  gsize n = 0;
  const guchar *data = d->unscaled ? g_bytes_get_data (d->unscaled, &n) : NULL;
  g_autofree char *b64 = g_base64_encode (data, n);
  json_builder_set_member_name (b, "unscaled");
  json_builder_add_string_value (b, b64);
  add_int (b, "scale", d->scale);
  json_builder_end_object (b);
}

char *
ms_json_from_stats_data (const MsStatsData *d)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, ms_stats_kind_name (d->kind) ? ms_stats_kind_name (d->kind) : "");
  add_int (b, "nulls", d->num_nulls);
  switch (d->kind)
    {
    case MS_STATS_BOOLEAN:
      add_int (b, "trues", d->num_trues);
      add_int (b, "falses", d->num_falses);
      break;
    case MS_STATS_STRING:
      add_int (b, "ndv", d->num_dvs);
      /* fall through */
    case MS_STATS_BINARY:
      add_int (b, "maxlen", d->max_col_len);
      add_double (b, "avglen", d->avg_col_len);
      break;
    case MS_STATS_LONG:
    case MS_STATS_DATE:
    case MS_STATS_TIMESTAMP:
      add_int (b, "ndv", d->num_dvs);
      if (d->has_low)
        add_int (b, "low", d->low_i);
      if (d->has_high)
        add_int (b, "high", d->high_i);
      break;
    case MS_STATS_DOUBLE:
      add_int (b, "ndv", d->num_dvs);
      if (d->has_low)
        add_double (b, "low", d->low_d);
      if (d->has_high)
        add_double (b, "high", d->high_d);
      break;
    case MS_STATS_DECIMAL:
      add_int (b, "ndv", d->num_dvs);
      if (d->has_low)
        add_decimal (b, "low", &d->low_dec);
      if (d->has_high)
        add_decimal (b, "high", &d->high_dec);
      break;
    default:
      break;
    }
  add_bytes (b, "bitvectors", d->bit_vectors);
  add_bytes (b, "histogram", d->histogram);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return ms_json_text (root, FALSE, NULL);
}

/* ---- reading ---- */

static JsonNode *
member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return (n != NULL && !JSON_NODE_HOLDS_NULL (n)) ? n : NULL;
}

static gint64
get_int (JsonObject *o, const char *name)
{
  JsonNode *n = member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return 0;
  GType t = json_node_get_value_type (n);
  if (t == G_TYPE_INT64)
    return json_node_get_int (n);
  if (t == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (n);
  if (t == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (n), NULL, 10);
  return 0;
}

static double
get_double (JsonObject *o, const char *name)
{
  JsonNode *n = member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return 0;
  GType t = json_node_get_value_type (n);
  if (t == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (n);
      if (g_str_equal (s, "NaN"))
        return NAN;
      if (g_str_equal (s, "Infinity"))
        return INFINITY;
      if (g_str_equal (s, "-Infinity"))
        return -INFINITY;
      return g_ascii_strtod (s, NULL);
    }
  if (t == G_TYPE_INT64)
    return (double) json_node_get_int (n);
  if (t == G_TYPE_DOUBLE)
    return json_node_get_double (n);
  return 0;
}

static GBytes *
get_bytes (JsonObject *o, const char *name)
{
  JsonNode *n = member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  gsize len = 0;
  guchar *data = g_base64_decode (json_node_get_string (n), &len);
  return g_bytes_new_take (data, len);
}

static gboolean
get_decimal (JsonObject *o, const char *name, MsDecimal *d)
{
  JsonNode *n = member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return FALSE;
  JsonObject *dec = json_node_get_object (n);
  d->unscaled = get_bytes (dec, "unscaled");
  if (d->unscaled == NULL)
    d->unscaled = g_bytes_new (NULL, 0);
  d->scale = (gint16) get_int (dec, "scale");
  return TRUE;
}

gboolean
ms_json_to_stats_data (const char *json, MsStatsData *d)
{
  memset (d, 0, sizeof *d);
  if (json == NULL)
    return FALSE;
  g_autoptr (JsonParser) p = json_parser_new_immutable ();
  if (!json_parser_load_from_data (p, json, -1, NULL))
    return FALSE;
  JsonNode *root = json_parser_get_root (p);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  JsonObject *o = json_node_get_object (root);
  JsonNode *type = member (o, "type");
  if (type == NULL || !JSON_NODE_HOLDS_VALUE (type) || json_node_get_value_type (type) != G_TYPE_STRING)
    return FALSE;
  d->kind = ms_stats_kind_from_name (json_node_get_string (type));
  if (d->kind == MS_STATS_NONE)
    return FALSE;
  d->num_nulls = get_int (o, "nulls");
  d->num_dvs = get_int (o, "ndv");
  d->num_trues = get_int (o, "trues");
  d->num_falses = get_int (o, "falses");
  d->max_col_len = get_int (o, "maxlen");
  d->avg_col_len = get_double (o, "avglen");
  switch (d->kind)
    {
    case MS_STATS_LONG:
    case MS_STATS_DATE:
    case MS_STATS_TIMESTAMP:
      if ((d->has_low = member (o, "low") != NULL))
        d->low_i = get_int (o, "low");
      if ((d->has_high = member (o, "high") != NULL))
        d->high_i = get_int (o, "high");
      break;
    case MS_STATS_DOUBLE:
      if ((d->has_low = member (o, "low") != NULL))
        d->low_d = get_double (o, "low");
      if ((d->has_high = member (o, "high") != NULL))
        d->high_d = get_double (o, "high");
      break;
    case MS_STATS_DECIMAL:
      d->has_low = get_decimal (o, "low", &d->low_dec);
      d->has_high = get_decimal (o, "high", &d->high_dec);
      break;
    default:
      break;
    }
  d->bit_vectors = get_bytes (o, "bitvectors");
  d->histogram = get_bytes (o, "histogram");
  return TRUE;
}
