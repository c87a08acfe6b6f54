/*
 * sd_json.h: the jsonb forms of storage-descriptor parts (columns, SerDe,
 * bucket and sort columns, skew) and of a whole descriptor. Used only
 * inside store/. Readers never fail: malformed or NULL input gives an
 * empty value (NULL for the optional SerDe and skew).
 *
 *   cols      [{"name": "...", "type": "...", "comment": "..."}]
 *   serde     {"name", "lib", "description", "serializer", "deserializer",
 *              "type", "params": {...}}
 *   buckets   ["col", ...]
 *   sort      [{"col": "...", "order": 1}]
 *   skewed    {"names": [...], "values": [[...]],
 *              "locations": [{"values": [...], "location": "..."}]}
 *   sd        {"location", "input_format", "output_format", "compressed",
 *              "num_buckets", "serde", "cols", "bucket_cols", "sort_cols",
 *              "skewed", "stored_as_subdirs", "params"}
 */
#pragma once
#include "model/table.h"

char *ms_json_from_columns (GPtrArray *cols);
GPtrArray *ms_json_to_columns (const char *json);
char *ms_json_from_serde (const MsSerDe *serde);           /* NULL for NULL */
MsSerDe *ms_json_to_serde (const char *json);
char *ms_json_from_strings (GPtrArray *strings);
GPtrArray *ms_json_to_strings (const char *json);
char *ms_json_from_sort_cols (GPtrArray *sort_cols);
GPtrArray *ms_json_to_sort_cols (const char *json);
char *ms_json_from_skewed (const MsSkewed *skewed);        /* NULL for NULL */
MsSkewed *ms_json_to_skewed (const char *json);
char *ms_json_from_sd (const MsStorageDescriptor *sd);
MsStorageDescriptor *ms_json_to_sd (const char *json);
