/*
 * stats.h: column statistics in the plain C model (Hive's ColumnStatistics,
 * ColumnStatisticsObj and the ColumnStatisticsData union) and the pure
 * logic over them, shared by the HMS door and the store:
 *  - the COLUMN_STATS_ACCURATE table/partition parameter (Hive's
 *    StatsSetupConst.setColumnStatsState / removeColumnStatsState);
 *  - merging new statistics into stored ones (set_aggr_stats_for with
 *    needMerge; Hive's ColumnStatsMerger family);
 *  - aggregating partitions' statistics (get_aggr_stats_for; Hive's
 *    MetaStoreDirectSql aggregation with linear extrapolation) in
 *    stats_aggr.c;
 *  - Hive decimals (big-endian two's complement unscaled value + scale).
 *
 * Every struct owns what it points to and is freed with its _free function.
 */
#pragma once
#include <glib.h>

/* Which member of the ColumnStatisticsData union is set. */
typedef enum {
  MS_STATS_NONE = 0,
  MS_STATS_BOOLEAN,
  MS_STATS_LONG,
  MS_STATS_DOUBLE,
  MS_STATS_STRING,
  MS_STATS_BINARY,
  MS_STATS_DECIMAL,
  MS_STATS_DATE,
  MS_STATS_TIMESTAMP,
} MsStatsKind;

typedef struct {
  GBytes *unscaled;            /* big-endian two's complement; NULL: unset */
  gint16 scale;
} MsDecimal;

/* One ColumnStatisticsData. The fields each kind uses:
 *   boolean                num_trues, num_falses, num_nulls, bit_vectors
 *   long, date, timestamp  low_i/high_i (value, days, seconds), num_nulls,
 *                          num_dvs, bit_vectors, histogram
 *   double                 low_d/high_d, num_nulls, num_dvs, bit_vectors, histogram
 *   decimal                low_dec/high_dec, num_nulls, num_dvs, bit_vectors, histogram
 *   string                 max_col_len, avg_col_len, num_nulls, num_dvs, bit_vectors
 *   binary                 max_col_len, avg_col_len, num_nulls, bit_vectors
 * has_low / has_high say whether the optional low / high value is set. */
typedef struct {
  MsStatsKind kind;
  gboolean has_low, has_high;
  gint64 low_i, high_i;
  double low_d, high_d;
  MsDecimal low_dec, high_dec;
  gint64 num_nulls, num_dvs, num_trues, num_falses, max_col_len;
  double avg_col_len;
  GBytes *bit_vectors;         /* NULL: unset */
  GBytes *histogram;           /* NULL: unset */
} MsStatsData;

/* One column's statistics (ColumnStatisticsObj). */
typedef struct {
  char *name;
  char *type;
  MsStatsData data;
} MsColStats;

/* The statistics of some columns of one table or partition (ColumnStatistics). */
typedef struct {
  char *catalog;
  char *db_name;
  char *table_name;
  char *part_name;             /* NULL: table level */
  gboolean is_tbl_level;
  gint64 last_analyzed;        /* seconds; 0: unset */
  char *engine;
  GPtrArray *cols;             /* MsColStats* */
} MsColumnStatistics;

#define MS_STATS_ENGINE_DEFAULT "hive"
#define MS_COLUMN_STATS_ACCURATE "COLUMN_STATS_ACCURATE"

const char *ms_stats_kind_name (MsStatsKind kind);        /* "long", ...; NULL for NONE */
MsStatsKind ms_stats_kind_from_name (const char *name);   /* MS_STATS_NONE if unknown */

void ms_stats_data_clear (MsStatsData *d);
void ms_stats_data_copy (MsStatsData *dst, const MsStatsData *src);

MsColStats *ms_col_stats_new (const char *name, const char *type);
MsColStats *ms_col_stats_copy (const MsColStats *c);
void ms_col_stats_free (MsColStats *c);
MsColumnStatistics *ms_column_statistics_new (void);
void ms_column_statistics_free (MsColumnStatistics *s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsColStats, ms_col_stats_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsColumnStatistics, ms_column_statistics_free)

/* ---- COLUMN_STATS_ACCURATE ----
 * The parameter's value is Hive's JSON, e.g.
 * {"BASIC_STATS":"true","COLUMN_STATS":{"a":"true","b":"true"}}; an
 * unreadable value counts as empty ("true" as basic stats only). Each
 * function returns the new value (caller frees) written as Hive writes it:
 * compact, BASIC_STATS only when true, COLUMN_STATS sorted, left out when
 * empty. */
char *ms_stats_accurate_set_columns (const char *current, const char *const *cols, guint n);
/* cols == NULL removes every column (clearColumnStatsState). */
char *ms_stats_accurate_remove_columns (const char *current, const char *const *cols, guint n);
/* Whether 'col' is listed (StatsSetupConst.canColumnStatsMerge). */
gboolean ms_stats_accurate_has_column (const char *current, const char *col);

/* ---- merge (set_aggr_stats_for with needMerge) ----
 * Merge stored statistics 'old' into new statistics 'agg' of the same kind
 * as Hive's ColumnStatsMerger does: low = min, high = max, nulls, trues
 * and falses summed, NDV, max and average length = max. HyperLogLog bit
 * vectors and KLL histograms are not merged: when only one side has one it
 * is kept, when both have one it is dropped (its NDV would no longer
 * describe the merged data). Different kinds: 'agg' is left as it is. */
void ms_stats_merge (MsStatsData *agg, const MsStatsData *old);

/* ---- aggregation (get_aggr_stats_for); stats_aggr.c ----
 * Aggregate 'parts' (MsColumnStatistics*, the partition-level statistics
 * found for the request, part_name set) for the requested partitions
 * 'part_names' (their order drives extrapolation) and columns
 * 'col_names'. Returns MsColStats* in request column order, one per
 * (column, type) with statistics somewhere; *parts_found receives how many
 * partitions have statistics for every requested column. See stats_aggr.c
 * for the rules. */
GPtrArray *ms_stats_aggregate (GPtrArray *parts, const char *const *part_names, guint n_parts,
                               const char *const *col_names, guint n_cols, gint64 *parts_found);

/* ---- decimals ---- */
void ms_decimal_clear (MsDecimal *d);
void ms_decimal_copy (MsDecimal *dst, const MsDecimal *src);
/* <0, 0, >0 as a < b, ==, >; exact for any size. Unset sorts first. */
int ms_decimal_compare (const MsDecimal *a, const MsDecimal *b);
/* Plain decimal text ("-12.50", "1E+3" style never used: "1000"). */
char *ms_decimal_to_string (const MsDecimal *d);
double ms_decimal_to_double (const MsDecimal *d);
/* The Decimal Hive builds from String.valueOf(v) (Java's Double.toString,
 * then new BigDecimal); FALSE for NaN and infinities. */
gboolean ms_decimal_from_double (double v, MsDecimal *out);
