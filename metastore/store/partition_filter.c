/* TEMPORARY STUB: replaced by the pfilter branch */
#include "store/partition_filter.h"
#include "core/error.h"
char *ms_partition_value_number (const char *type, const char *value)
{ (void) type; (void) value; return NULL; }
gboolean ms_partition_filter_compile (const MsFilterNode *filter, GPtrArray *keys,
                                      const char *table_param, GString *sql, GPtrArray *params,
                                      GError **error)
{ (void) filter; (void) keys; (void) table_param; (void) sql; (void) params;
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "filters not yet"); }
