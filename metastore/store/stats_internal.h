/*
 * stats_internal.h: what other store files call of stats.c inside their
 * own transactions. Used only inside store/.
 */
#pragma once
#include "store/pg.h"

/* After a table's columns changed (alter_table), in the caller's
 * transaction with the ms_tables row 'table_id' locked and already
 * updated: delete the table-level statistics of columns no longer in
 * 'cols_json' (the new column list, sd_json form) or whose type differs,
 * and the partition-level ones of columns no longer in their partition's
 * columns (its own, else 'cols_json'), and drop those columns from the
 * COLUMN_STATS_ACCURATE parameter of the table and partitions concerned
 * (Hive's alterTableUpdateTableColumnStats and
 * updatePartColumnStatsForAlterColumns). */
gboolean ms_store_stats_drop_stale (MsPgConn *c, const char *table_id, const char *cols_json,
                                    GError **error);
