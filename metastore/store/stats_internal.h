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

/* ---- the events of statistics changes (stats_events.c) ---- */

#include "store/store.h"
#include "model/stats.h"

/* One entry a statistics write wrote: the request's entry (names, engine,
 * lastAnalyzed), the columns as written (merged; owned) and the partition
 * row written (NULL: table level). */
typedef struct {
  const MsColumnStatistics *st;
  GPtrArray *cols;
  char *part_id;
} MsStatsWritten;

/* A new GArray of MsStatsWritten that frees its entries' own members. */
GArray *ms_stats_written_new (void);

/* Queue one UPDATE_TABLE_COLUMN_STAT, or one UPDATE_PARTITION_COLUMN_STAT
 * per partition entry, for what 'written' holds, in the write's
 * transaction on 'c' (after the rows and COLUMN_STATS_ACCURATE were
 * written: the events carry the table and partitions as left). Nothing
 * when the log is off. */
gboolean ms_store_stats_events_update (MsStore *s, MsPgConn *c, const char *catalog,
                                       const char *db, const char *table, GArray *written,
                                       GError **error);
/* Queue a DELETE_TABLE_COLUMN_STAT (part_ids NULL) or one
 * DELETE_PARTITION_COLUMN_STAT per partition of 'part_ids' (char* ids),
 * for each of the 'n_cols' columns, or for every column of the table when
 * there are none (as Hive 4's DeleteColumnStatisticsHandler: each column,
 * and within it each partition), in the delete's transaction on 'c'. */
gboolean ms_store_stats_events_delete (MsStore *s, MsPgConn *c, const char *catalog,
                                       const char *db, const char *table, GPtrArray *part_ids,
                                       const char *const *cols, guint n_cols, GError **error);
