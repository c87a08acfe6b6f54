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

#include "store/store.h"

/* The partitions a query selects, ready to be read, changed or deleted:
 * the table it names, " FROM ms_partitions p WHERE p.table_id = $1 AND
 * <the query's selection>" and that text's parameters ($1 first). */
typedef struct {
  MsTable *table;
  GString *from;
  GPtrArray *params;          /* char* */
} MsPartitionSel;
void ms_partition_sel_clear (MsPartitionSel *sel);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsPartitionSel, ms_partition_sel_clear)

/* Borrow a connection (a transaction begun on it when 'begin') and fill
 * 'sel' (zeroed; clear it in any case) for 'q', the table's row locked FOR
 * UPDATE when 'lock_table'. Returns the connection (caller owns), or NULL
 * with *error set (MS_ERROR_NOT_FOUND for a missing table). */
MsPgConn *ms_partition_select (MsStore *s, const MsPartitionQuery *q, gboolean begin,
                               gboolean lock_table, MsPartitionSel *sel, GError **error);
/* Run 'sql', a statement built around sel->from, with sel's parameters. */
PGresult *ms_partition_sel_exec (MsPgConn *c, const MsPartitionSel *sel, const char *sql,
                                 GError **error);
/* The same for a 'sql' that only reads (MsSql.read_only). */
PGresult *ms_partition_sel_read (MsPgConn *c, const MsPartitionSel *sel, const char *sql,
                                 GError **error);

/* The stored (escaped) name of the partition of 't' with 'values'. */
char *ms_store_partition_name (const MsTable *t, GPtrArray *values);
