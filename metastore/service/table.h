/*
 * service/table.h: the data rules of tables and partitions, whichever door
 * changes them: which drops delete data (one rule for tables, their
 * partitions and the tables of a dropped database), deleting a location
 * inside the catalog, and the data moves of a table or partition rename
 * and of a partition exchange. Every change to data goes through the
 * storage guard (service/data.h).
 */
#pragma once
#include "store/store.h"
#include "service/data.h"

/* The one deletion rule (Hive's HMSHandler: isExternalTablePurge). A drop
 * that deletes data (drop_table / drop_partition with deleteData, a
 * drop_database with deleteData, cascade) deletes the data of table 't'
 * (and of its partitions) when 't' is no view and is managed, or external
 * with the parameter external.table.purge=true. Every other table's data
 * stays. */
gboolean ms_service_table_drops_data (const MsTable *t);

/* Where table 'name' of database 'db' lives by default (Hive 4's
 * Warehouse.getDefaultTablePath): under the database's managed location
 * when it has one and the table is managed, else under its location. */
char *ms_service_table_default_location (const MsDatabase *db, const char *name,
                                         gboolean external);

/* Delete the data at 'location' of an object of 'catalog' ('what': "table
 * location", ...): locally, or on S3 with 'st'; through the guard, and
 * never the catalog's root or what holds it. Data on a file system we do
 * not reach (hdfs://) stays (logged). */
void ms_service_location_delete (MsStore *store, const MsStorageGuard *g, MsStorage *st,
                                 const char *catalog, const char *location, const char *what);

/* The data of dropped table 't' of 'catalog' under the rule above: its
 * location, and the locations of its partitions ('part_locations', char*,
 * may be NULL) that lie outside it. Does nothing when the rule keeps it. */
void ms_service_table_delete_data (MsStore *store, const MsStorageGuard *g, MsStorage *st,
                                   const char *catalog, const MsTable *t,
                                   const GPtrArray *part_locations);

/* The data of partitions 'dropped' (MsPartition*) of table 't' under the
 * rule above, then their parent directories left empty (local), up to the
 * table's directory. */
void ms_service_partitions_delete_data (MsStore *store, const MsStorageGuard *g, MsStorage *st,
                                        const MsTable *t, const GPtrArray *dropped);

/* Whether locations 'a' and 'b' name the same place once both are in the
 * stored form (core/location.h with 'default_fs'), trailing '/' aside. */
gboolean ms_service_same_location (const char *default_fs, const char *a, const char *b);

/* A location change of a rename: 'from' -> 'to' (both NULL when the
 * location stays); 'moved' when the data moved with it (to be moved back
 * when the metadata change fails). */
typedef struct {
  char *from;
  char *to;
  gboolean moved;
} MsDataMove;
void ms_data_move_clear (MsDataMove *m);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsDataMove, ms_data_move_clear)
/* Move the data of 'm' back (logged when that fails: a manual restore is
 * needed); 'm' is cleared. */
void ms_service_data_move_undo (const MsStorageGuard *g, MsStorage *st, MsDataMove *m,
                                const char *what);

/* The data move of renaming table 'oldt' (of 'catalog') to 'newt' (Hive's
 * HiveAlterHandler): a managed table at its default place moves to its new
 * default place (newt's location set to it), when the data is reachable
 * and the guard allows both ends; otherwise the location is kept (when
 * newt gives none). Fails (MS_ERROR_INVALID_OPERATION) when the target
 * database is missing, the new place is on another file system or already
 * exists, or the move fails. On success *m says how the location changed
 * and whether the data moved. */
gboolean ms_service_table_rename_data (MsStore *store, const MsStorageGuard *g, MsStorage *st,
                                       const char *default_fs, const char *catalog,
                                       const MsTable *oldt, MsTable *newt, MsDataMove *m,
                                       GError **error);

/* The data move of renaming a partition of table 't' from 'old_loc' to
 * partition name 'new_name': a managed table's partition goes to
 * <table location>/<new_name> (newp's location set to it), moved when its
 * data is there, reachable and allowed; an external table's stays (and so
 * does newp's location). MS_ERROR_INVALID_OPERATION when the destination
 * exists or the move fails. On success *m says what moved. */
gboolean ms_service_partition_rename_data (const MsStorageGuard *g, MsStorage *st,
                                           const MsTable *t, const char *old_loc,
                                           const char *new_name, MsPartition *newp,
                                           MsDataMove *m, GError **error);

/* The data move of exchanging the partitions under relative path 'rel'
 * from table 'src' to 'dst': moved when reachable, there and allowed; a
 * failure is logged (the catalog change already happened, as in Hive). */
void ms_service_partition_exchange_data (const MsStorageGuard *g, MsStorage *st,
                                         const MsTable *src, const MsTable *dst, const char *rel);

/* ---- alter (service/table_alter.c) ---- */

/* What a service call works with: the catalog, the guard and storage of
 * data, and Hadoop's fs.defaultFS for the locations clients give. */
typedef struct {
  MsStore *store;
  const MsStorageGuard *guard;
  MsStorage *storage;
  const char *default_fs;
} MsServiceCtx;

/* An alter as a door asked it. */
typedef struct {
  gboolean cascade;             /* column changes apply to every partition */
  const char *expected_key;     /* optimistic commit: this parameter's stored */
  const char *expected_value;   /*   value must be this (NULL: no check) */
  gboolean update_stats;        /* FALSE: the client asked for no quick stats */
} MsTableAlterRequest;

/* numFiles and totalSize into 'params'. */
void ms_service_set_quick_stats (GHashTable *params, gint64 files, gint64 bytes);
/* Hive's quick stats (numFiles, totalSize) of the directory 'location'
 * (local, or with 'st' on S3) into 'params', when the guard allows
 * reading it. */
void ms_service_put_quick_stats (const MsStorageGuard *g, MsStorage *st, const char *location,
                                 GHashTable *params);

/* Whether 'newt' may replace 'oldt': a view may change anything; a table
 * keeps its partition keys (names, and types but for case) and each
 * column that keeps its position takes a type the old one converts to
 * (ms_hive_type_convertible). MS_ERROR_INVALID_OPERATION with Hive's
 * message otherwise. */
gboolean ms_service_table_alter_allowed (const MsTable *oldt, const MsTable *newt,
                                         GError **error);
/* Whether the alter renames the table (its name or its database changes). */
gboolean ms_service_table_alter_renames (const MsTable *oldt, const MsTable *newt);
/* What 'newt' keeps from 'oldt' (Hive's alterTable): the create time; the
 * table type and, when no rename and no view, the location when it gives
 * none; transient_lastDdlTime set to 'now' (seconds) when it has none. */
void ms_service_table_alter_keep (const MsTable *oldt, MsTable *newt, gint64 now);

/* Replace table catalog.db.name by 'newt' (its catalog and database
 * resolved, its location in the stored form, its own fields checked by
 * the door): the table must exist (else MS_ERROR_INVALID_OPERATION), a
 * rename's target must be free, then ms_service_table_alter_allowed and
 * _keep; a rename moves the data (ms_service_table_rename_data); a table
 * whose data did not move gets quick stats unless 'req' says not to; then
 * the store's change in one transaction, the data moved back when it
 * fails. */
gboolean ms_service_table_alter (const MsServiceCtx *cx, const char *catalog, const char *db,
                                 const char *name, MsTable *newt, const MsTableAlterRequest *req,
                                 GError **error);
