#pragma once
#include <glib.h>
#include "core/filter.h"
char *ms_partition_value_number (const char *type, const char *value);
gboolean ms_partition_filter_compile (const MsFilterNode *filter, GPtrArray *keys,
                                      const char *table_param, GString *sql, GPtrArray *params,
                                      GError **error);
