/*
 * stats_json.h: the jsonb form of one column's statistics data (the
 * ColumnStatisticsData union), used only inside store/:
 *
 *   {"type": "boolean"|"long"|"double"|"string"|"binary"|"decimal"|"date"|"timestamp",
 *    "nulls": n, "ndv": n, "trues": n, "falses": n, "maxlen": n, "avglen": "d",
 *    "low": v, "high": v, "bitvectors": "<base64>", "histogram": "<base64>"}
 *
 * Only the members the type uses are written; optional ones (low, high,
 * bitvectors, histogram) only when set, so "stored || new" keeps stored
 * optional values a writer left out (Hive's setFieldsIntoOldStats). Doubles
 * are strings (exact round trip, NaN and infinities included); long, date
 * (days) and timestamp (seconds) bounds are integers; decimal bounds are
 * {"unscaled": "<base64 two's complement>", "scale": n}.
 */
#pragma once
#include "model/stats.h"

char *ms_json_from_stats_data (const MsStatsData *d);
/* FALSE for malformed input or an unknown type. */
gboolean ms_json_to_stats_data (const char *json, MsStatsData *out);
