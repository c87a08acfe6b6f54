/*
 * partition_query.h: a partition read of the HMS door (names resolved,
 * partition names normalized, filter parsed) as the store query it runs;
 * shared by partition_read.c and the wire fast path partition_wire.c.
 */
#pragma once
#include "hms/internal.h"
#include "store/store.h"

typedef struct {
  char *catalog, *db, *table;
  GPtrArray *names;         /* normalized names (by names) */
  MsFilterNode *filter;
  MsPartitionQuery q;
} HmsPartRead;

void hms_part_read_clear (HmsPartRead *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HmsPartRead, hms_part_read_clear)

/* Resolve "@cat#db" / catalog override and the table; max_parts < 0: all. */
gboolean hms_part_read_init (HmsPartRead *r, const char *raw_db, const char *cat_override,
                             const char *table, int max_parts, GError **error);
/* Select by exact values or, with 'partial', by a partial spec ("" = any). */
void hms_part_read_values (HmsPartRead *r, const GPtrArray *values, gboolean partial);
/* Select by partition names (keys lower-cased as Hive stores them). */
void hms_part_read_names (HmsPartRead *r, const GPtrArray *names);
/* Select by a filter string (NULL or blank: none); a parse error is a
 * MetaException with the position. */
gboolean hms_part_read_filter (HmsPartRead *r, const char *filter, GError **error);
/* Reads answer filter problems found in the store as MetaExceptions. */
GError *hms_part_meta_filter (GError *err);
