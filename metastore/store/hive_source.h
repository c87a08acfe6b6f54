/*
 * hive_source.h: reading a Java Hive Metastore's own database (PostgreSQL,
 * MySQL or MariaDB, schema as Hive's schematool creates it) for `metastore
 * import`.
 *
 * The SQL that reads the source lives in store/hive_source.c, beside every
 * other statement of the project (store/ holds all SQL); the pure pieces
 * (which schema versions are read and how their columns differ, row values
 * -> model values) are in store/hive_rows.c and need no database.
 *
 * A source is read in ONE repeatable-read, read-only transaction: every
 * read below sees the same snapshot. Large families (tables, partitions,
 * statistics) are streamed, a bounded batch at a time (server-side
 * cursors, or on MySQL and MariaDB unbuffered statements where nothing
 * else runs beside them: see store/hive_source_internal.h). Model structs handed to callbacks are
 * borrowed for the call.
 */
#pragma once
#include <glib.h>
#include "model/model.h"
#include "model/partition.h"
#include "model/stats.h"
#include "model/privilege.h"
#include "model/constraint.h"

/* ---- schema versions (hive_rows.c) ---- */

/* A column the version check looks at: it must exist ('present') or must
 * not (it came with a later version). */
typedef struct {
  const char *table, *column;
  gboolean present;
  const char *why;             /* "added in 4.0", ... */
} MsHiveMarker;

/* How one schema version's columns are read: SQL expressions standing in
 * for columns that version lacks. */
typedef struct {
  const char *name;            /* "4.0", "3.1", "2.3" */
  gboolean has_catalogs;       /* CTLGS exists (3.0 on) */
  const char *ctlg_create;     /* CTLGS."CREATE_TIME", alias c */
  const char *db_catalog;      /* DBS columns, alias d */
  const char *db_create, *db_managed, *db_type, *db_connector, *db_remote;
  const char *tbl_owner_type;  /* TBLS, alias t */
  const char *tbl_write_id;
  const char *serde_desc, *serde_ser, *serde_deser, *serde_type;   /* SERDES, alias se */
  const char *stats_engine, *stats_bitv, *stats_hist;              /* *_COL_STATS, alias s */
  const char *priv_authorizer;                                     /* *_PRIVS, alias x */
  const char *cons_default;    /* KEY_CONSTRAINTS."DEFAULT_VALUE", alias k (3.0 on) */
  const MsHiveMarker *markers;
  guint n_markers;
} MsHiveProfile;

/* The profile reading schema 'version' (VERSION.SCHEMA_VERSION), or NULL
 * with MS_ERROR_INVALID_INPUT naming the version: unknown, or newer than
 * this import reads. */
const MsHiveProfile *ms_hive_profile_find (const char *version, GError **error);
/* Check the profile's markers against the columns the source has
 * ('has_column' answers "TABLE.COLUMN"); a mismatch is a half-upgraded
 * schema: MS_ERROR_INVALID_INPUT naming the column and the version. */
typedef gboolean (*MsHiveHasColumn) (gpointer user, const char *table, const char *column);
gboolean ms_hive_profile_check (const MsHiveProfile *p, const char *version,
                                MsHiveHasColumn has_column, gpointer user, GError **error);

/* ---- row values -> model values (hive_rows.c) ---- */

/* "USER", "ROLE", "GROUP" (NULL or other: MS_PRINCIPAL_NONE). */
MsPrincipalType ms_hive_principal_type (const char *s);
/* The statistics kind Hive reads a column of 'type' with (its
 * StatObjectConverter): boolean, string/varchar/char, binary,
 * tinyint..bigint, float/double, decimal, date, timestamp; NONE else. */
MsStatsKind ms_hive_stats_kind (const char *type);
/* A decimal as Java's BigDecimal.toString writes it ("-12.50", "1E+3")
 * into unscaled bytes (big-endian two's complement, minimal, as Java's
 * BigInteger.toByteArray) and scale. FALSE for text that is no decimal. */
gboolean ms_hive_decimal_parse (const char *text, MsDecimal *out);
/* One *_COL_STATS row's values (SQL NULL: NULL) into 'd', of the kind the
 * column type names. Order of 'v': long low, long high, double low,
 * double high, decimal low, decimal high, nulls, distincts, avg length,
 * max length, trues, falses. bit vector and histogram are set apart. */
enum { MS_HIVE_ST_LLOW, MS_HIVE_ST_LHIGH, MS_HIVE_ST_DLOW, MS_HIVE_ST_DHIGH, MS_HIVE_ST_DECLOW,
       MS_HIVE_ST_DECHIGH, MS_HIVE_ST_NULLS, MS_HIVE_ST_NDV, MS_HIVE_ST_AVGLEN,
       MS_HIVE_ST_MAXLEN, MS_HIVE_ST_TRUES, MS_HIVE_ST_FALSES, MS_HIVE_ST_N };
gboolean ms_hive_stats_data (const char *type, const char *const *v, MsStatsData *d,
                             GError **error);

/* ---- the source ---- */

typedef struct _MsHiveSource MsHiveSource;

/* Connect to 'conninfo' (libpq's conninfo or URI; mysql:// or mariadb://
 * for MySQL and MariaDB, see hive_mysql.c), open the snapshot, read
 * VERSION and check the schema (not a metastore, unknown or newer
 * version, half-upgraded: MS_ERROR_INVALID_INPUT naming what is wrong). */
MsHiveSource *ms_hive_source_open (const char *conninfo, GError **error);
void ms_hive_source_close (MsHiveSource *src);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsHiveSource, ms_hive_source_close)

const char *ms_hive_source_version (const MsHiveSource *src);   /* "4.0.0" */
/* NOTIFICATION_SEQUENCE.NEXT_EVENT_ID (1 when the log is empty). */
gint64 ms_hive_source_next_event (const MsHiveSource *src);

/* The families the import copies, in order. */
typedef enum {
  MS_HIVE_CATALOGS, MS_HIVE_DATABASES, MS_HIVE_TABLES, MS_HIVE_PARTITIONS,
  MS_HIVE_TABLE_STATS, MS_HIVE_PART_STATS, MS_HIVE_FUNCTIONS, MS_HIVE_ROLES,
  MS_HIVE_ROLE_GRANTS, MS_HIVE_PRIVILEGES, MS_HIVE_CONSTRAINTS, MS_HIVE_N_FAMILIES
} MsHiveFamily;
const char *ms_hive_family_name (MsHiveFamily f);

/* Per family: the number of objects and a checksum over their names and
 * key fields (see hive_source.c); the store computes the same over the
 * catalog (ms_store_import_sums) so the two can be compared. */
typedef struct {
  gint64 count[MS_HIVE_N_FAMILIES];
  char *sum[MS_HIVE_N_FAMILIES];
} MsHiveSums;
void ms_hive_sums_clear (MsHiveSums *s);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsHiveSums, ms_hive_sums_clear)
gboolean ms_hive_source_sums (MsHiveSource *src, MsHiveSums *out, GError **error);

/* Rows that break the catalog's rules (names of one parent that differ
 * only in case, missing names): one line each, naming the object, into
 * 'problems' (char*). */
gboolean ms_hive_source_problems (MsHiveSource *src, GPtrArray *problems, GError **error);

GPtrArray *ms_hive_source_catalogs (MsHiveSource *src, GError **error);   /* MsCatalog* */
GPtrArray *ms_hive_source_databases (MsHiveSource *src, GError **error);  /* MsDatabase* */
GPtrArray *ms_hive_source_functions (MsHiveSource *src, GError **error);  /* MsFunction* */

/* Roles (MsRole*) and their grants to principals (MsRoleGrant*), in
 * role-name and grant order (hive_grants.c). */
GPtrArray *ms_hive_source_roles (MsHiveSource *src, GError **error);
GPtrArray *ms_hive_source_role_grants (MsHiveSource *src, GError **error);
/* Every privilege (MsPrivilege*: global, database, table, partition and
 * column objects), in batches of at most 'batch'. */
typedef gboolean (*MsHiveBatchFunc) (gpointer user, GPtrArray *batch, GError **error);
gboolean ms_hive_source_privileges (MsHiveSource *src, guint batch, MsHiveBatchFunc fn,
                                    gpointer user, GError **error);

/* Every constraint column (MsConstraint*, one per column, named as the
 * source names them): primary and unique keys first, foreign keys last,
 * each constraint's columns together in key order. */
GPtrArray *ms_hive_source_constraints (MsHiveSource *src, GError **error);

/* Every table, in the source's TBL_ID order; 'src_id' is its id in
 * the source, for the reads of its partitions and statistics. */
typedef gboolean (*MsHiveTableFunc) (gpointer user, gint64 src_id, MsTable *t, GError **error);
gboolean ms_hive_source_tables (MsHiveSource *src, MsHiveTableFunc fn, gpointer user,
                                GError **error);
/* The partitions of source table 'src_id' (described by 't'), in batches
 * of at most 'batch' (MsPartition*, the callback may steal them). */
gboolean ms_hive_source_partitions (MsHiveSource *src, gint64 src_id, const MsTable *t,
                                    guint batch, MsHiveBatchFunc fn, gpointer user,
                                    GError **error);
/* The partitions of source table 'src_id' whose PART_NAME is one of
 * 'names' (--follow: those an event names), as ms_hive_source_partitions
 * gives them. */
gboolean ms_hive_source_partitions_named (MsHiveSource *src, gint64 src_id, const MsTable *t,
                                          const char *const *names, guint n, guint batch,
                                          MsHiveBatchFunc fn, gpointer user, GError **error);
/* Statistics of source table 'src_id': table level (part_level FALSE) or
 * partition level, one MsColumnStatistics per partition and engine, in
 * batches of at most 'batch' entries. */
gboolean ms_hive_source_stats (MsHiveSource *src, gint64 src_id, const MsTable *t,
                               gboolean part_level, guint batch, MsHiveBatchFunc fn,
                               gpointer user, GError **error);
/* The partition statistics of those partitions of 'src_id' whose PART_NAME
 * is one of 'names'. */
gboolean ms_hive_source_stats_named (MsHiveSource *src, gint64 src_id, const MsTable *t,
                                     const char *const *names, guint n, guint batch,
                                     MsHiveBatchFunc fn, gpointer user, GError **error);

/* Read the partitions of ms_hive_source_partitions from one cursor over
 * every table's partitions, in TBL_ID order (a bulk copy: tables asked
 * for in the order ms_hive_source_tables gives them; one asked for after
 * the stream passed it is read by a query of its own). Off: one query
 * per table. */
void ms_hive_source_stream_partitions (MsHiveSource *src, gboolean on);

/* One table by name, 'src_id' its id in the source; MS_ERROR_NOT_FOUND
 * when the snapshot has no such table. */
MsTable *ms_hive_source_table (MsHiveSource *src, const char *catalog, const char *db,
                               const char *name, gint64 *src_id, GError **error);

/* ---- following the source (hive_follow.c) ---- */

/* End the snapshot and open a new one (next_event read again). */
gboolean ms_hive_source_renew (MsHiveSource *src, GError **error);

/* A NOTIFICATION_LOG row: names lower-cased, NULL when the row has none. */
typedef struct {
  gint64 id, time;
  char *type, *catalog, *db, *table;
  char *message, *format;      /* MESSAGE and MESSAGE_FORMAT, read for partition events
                                  only (NULL otherwise, or when the source has none) */
} MsHiveEvent;
void ms_hive_event_free (MsHiveEvent *e);
/* The rows with EVENT_ID >= 'from', in id order, at most 'limit'
 * (MsHiveEvent*). */
GPtrArray *ms_hive_source_events (MsHiveSource *src, gint64 from, guint limit, GError **error);
/* The smallest and largest EVENT_ID in the log (0 and 0 when it is
 * empty). */
gboolean ms_hive_source_event_bounds (MsHiveSource *src, gint64 *oldest, gint64 *newest,
                                      GError **error);
/* "db.table" of every table of 'catalog' (char*). */
GPtrArray *ms_hive_source_table_names (MsHiveSource *src, const char *catalog, GError **error);

/* ---- the catalog side of an import (import.c) ---- */
#include "store/store.h"

/* The counts and checksums of ms_hive_source_sums, over the catalog. */
gboolean ms_store_import_sums (MsStore *store, MsHiveSums *out, GError **error);
/* Record a finished import: the source (conninfo, password removed), its
 * version, its notification position and the counts read. */
gboolean ms_store_import_record (MsStore *store, const char *source, const char *version,
                                 gint64 next_event_id, gint64 started, const MsHiveSums *read,
                                 GError **error);
/* The notification position the last import from 'source' recorded (0:
 * none). */
gboolean ms_store_import_position (MsStore *store, const char *source, gint64 *next_event_id,
                                   GError **error);
/* After applying the events before 'next_event_id': move the position of
 * the last import from 'source' there (inside the caller's transaction,
 * ms_store_begin_outer). MS_ERROR_NOT_FOUND: no import recorded. */
gboolean ms_store_import_advance (MsStore *store, const char *source, gint64 next_event_id,
                                  GError **error);
/* One transaction around several store calls of this thread (see
 * ms_pool_pin): every change between begin and end is written together,
 * or (commit FALSE, or any failure) nothing is. */
gboolean ms_store_begin_outer (MsStore *store, GError **error);
gboolean ms_store_end_outer (MsStore *store, gboolean commit, GError **error);
/* 'conninfo' (key=value or URI, or a MySQL source's URL) without its
 * password, for the record and messages. */
char *ms_store_import_source_label (const char *conninfo);
