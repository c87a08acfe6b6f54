/*
 * partition_internal.h: what the partition store files share: the columns
 * a partition row is read with and their decoding onto the model. Only
 * files under store/ include this header.
 *
 * A partition row keeps only what differs from its table: 'sd' and 'cols'
 * are NULL while the partition shares the table's descriptor and columns
 * (the common case: Spark and Hive copy the table's), so reading one needs
 * no JSON beyond its values and parameters.
 */
#pragma once
#include "store/pg.h"
#include "model/partition.h"

/* The select list of a partition row, table alias p. */
#define PARTITION_COLUMNS \
  "p.part_id, array_to_json (p.vals)::text, p.create_time, p.last_access_time, p.location, " \
  "p.sd::text, p.cols::text, p.params::text, p.part_name"
enum { PCOL_ID, PCOL_VALS, PCOL_CREATE, PCOL_ACCESS, PCOL_LOCATION, PCOL_SD, PCOL_COLS,
       PCOL_PARAMS, PCOL_NAME };

/* Partition 'row' of 'r' as a new MsPartition of table 't' (its sd a full
 * copy). */
MsPartition *ms_partition_from_row (const PGresult *r, int row, const MsTable *t);

/* Decoders of the flat JSON PostgreSQL prints (fast path, json-glib
 * otherwise); never NULL. */
GPtrArray *ms_partition_json_strings (const char *json);
GHashTable *ms_partition_json_params (const char *json);

/* The table 'q' names (its row locked FOR UPDATE when 'lock_table') and,
 * appended to 'from', " FROM ms_partitions p WHERE p.table_id = $1 AND
 * <q's selection>" with its parameters appended to 'params' ($1 first). */
#include "store/store.h"
MsTable *ms_partition_prepare (MsPgConn *c, const MsPartitionQuery *q, gboolean lock_table,
                               GString *from, GPtrArray *params, GError **error);

/* The stored (escaped) name of the partition of 't' with 'values'. */
char *ms_store_partition_name (const MsTable *t, GPtrArray *values);
