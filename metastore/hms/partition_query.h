/*
 * partition_query.h: a partition read of the HMS door (names resolved,
 * partition names normalized, filter parsed) as the store query it runs;
 * shared by partition_read.c and the wire fast path partition_wire.c.
 */
#pragma once
#include "hms/internal.h"
#include "hms/method.h"
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
/* The same for a request struct with the fields dbName, catName, tblName
 * and maxParts (optional). */
#define HMS_PART_READ_INIT_REQ(r, req, error)                                                     \
  hms_part_read_init ((r), (req)->dbName, HMS_OPT ((req), catName), (req)->tblName,               \
                      (req)->__isset_maxParts ? (req)->maxParts : -1, (error))
/* The same from the call's plain arguments: db_name, tbl_name, max_parts
 * (all partitions when the method has none) and, when the method has
 * them, part_vals as a partial spec (the _ps listings). */
gboolean hms_part_read_init_args (HmsPartRead *r, HmsCall *call, GError **error);
/* Select by exact values or, with 'partial', by a partial spec ("" = any;
 * an empty one is an error, none (NULL) selects everything). */
void hms_part_read_values (HmsPartRead *r, const GPtrArray *values, gboolean partial);
/* Select by partition names, matched exactly as Hive does (a name with
 * upper-case keys names no partition). */
void hms_part_read_names (HmsPartRead *r, const GPtrArray *names);
/* Select by a filter string (NULL or blank: none); a parse error is
 * MS_ERROR_INVALID_INPUT with the position (a MetaException: the reads
 * declare no InvalidInputException). */
gboolean hms_part_read_filter (HmsPartRead *r, const char *filter, GError **error);
