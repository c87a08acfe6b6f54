/*
 * store.h: the typed catalog store. This is the only interface through which
 * the protocol doors reach PostgreSQL: each function borrows one pooled
 * connection, runs parameterised statements (a change of several rows in one
 * transaction) and returns model structs the caller owns.
 *
 * Errors are MS_ERROR codes (core/error.h); SQLSTATEs are mapped in pg.c.
 */
#pragma once
#include <glib.h>
#include "model/model.h"
#include "model/table.h"
#include "core/filter.h"
#include "model/stats.h"
#include "model/privilege.h"
#include "model/event.h"

typedef struct _MsPool MsPool;

typedef struct {
  MsPool *pool;
  char *warehouse;           /* root URI of the default catalog */
  gboolean events_on;        /* notifications.enabled */
  MsEventEncoder encoder;    /* the message format (encode NULL: no events) */
  GMutex table_ids_lock;
  GArray *table_ids;         /* gint64 table ids taken ahead (table.c) */
} MsStore;

MsStore *ms_store_new (const char *conninfo, const char *password, int pool_size,
                       int pool_wait_ms, int connect_timeout_s, const char *warehouse);
void ms_store_free (MsStore *store);
/* The timeouts of the store's connections, at start and on SIGHUP:
 * database.pool_wait_ms, database.connect_timeout_s, the deadline per
 * PostgreSQL round trip (database.statement_timeout_ms, 0: none) and
 * database.session_timeouts (the session's own timeouts too); see
 * ms_pool_set_timeouts. TRUE when any of them changed. */
gboolean ms_store_set_timeouts (MsStore *store, int pool_wait_ms, int connect_timeout_s,
                                int deadline_ms, gboolean session_timeouts);
/* The server is stopping: statements still unanswered after 'after_ms'
 * are abandoned (ms_pool_give_up). */
void ms_store_give_up (MsStore *store, int after_ms);

/* One round trip to PostgreSQL (readiness). */
gboolean ms_store_ping (MsStore *store, GError **error);
/* The schema version in one round trip (readiness): -1 with 'error' set
 * when PostgreSQL or the version table cannot be read. */
int ms_store_ready_version (MsStore *store, GError **error);

/* ---- catalogs (catalog.c) ---- */
gboolean ms_store_catalog_create (MsStore *store, const MsCatalog *cat, GError **error);
MsCatalog *ms_store_catalog_get (MsStore *store, const char *name, GError **error);
GPtrArray *ms_store_catalog_list (MsStore *store, GError **error);        /* char* */
gboolean ms_store_catalog_alter (MsStore *store, const char *name, const MsCatalog *cat,
                                 GError **error);
/* Drops the catalog and its empty 'default' database. */
gboolean ms_store_catalog_drop (MsStore *store, const char *name, GError **error);

/* ---- databases (database.c) ---- */
gboolean ms_store_database_create (MsStore *store, const MsDatabase *db, GError **error);
MsDatabase *ms_store_database_get (MsStore *store, const char *catalog, const char *name,
                                   GError **error);
/* Names in 'catalog' matching the POSIX expression 'regex' (NULL: all), sorted. */
GPtrArray *ms_store_database_list (MsStore *store, const char *catalog, const char *regex,
                                   GError **error);
/* Replace the mutable fields of 'name' with those set in 'db' (see database.c). */
gboolean ms_store_database_alter (MsStore *store, const char *catalog, const char *name,
                                  const MsDatabase *db, GError **error);
/* A table a drop took away, for the data rules (service/table.h): its
 * type, parameters and location as stored, and its partitions' locations. */
typedef struct {
  MsTable *table;
  GPtrArray *part_locations;   /* char* */
} MsDroppedTable;
void ms_dropped_table_free (MsDroppedTable *d);

/* Drop a database; with 'cascade' its tables and functions go with it, else
 * a non-empty database is MS_ERROR_INVALID_OPERATION. A database with nested
 * namespaces ("<name>.x", made through Iceberg REST) is never dropped, cascade
 * or not: MS_ERROR_INVALID_OPERATION. On success *out_location (if not NULL)
 * receives the database's location and *out_tables (if not NULL) its
 * tables but views (MsDroppedTable*), for the caller's data rules. */
gboolean ms_store_database_drop (MsStore *store, const char *catalog, const char *name,
                                 gboolean cascade, char **out_location, GPtrArray **out_tables,
                                 GError **error);

/* Nested namespaces: database "a.b.c" is namespace [a, b, c] (levels joined
 * by '.'; only the Iceberg REST door makes such names). */

/* As ms_store_database_create for nested namespace db->name, whose parent
 * database 'parent' (same catalog) must exist: the insert share-locks the
 * parent's row, so a concurrent drop of the parent either waits for it (and
 * then sees the child) or wins (and the insert stores nothing).
 * MS_ERROR_NOT_FOUND when the parent does not exist, MS_ERROR_ALREADY_EXISTS
 * for a taken name. */
gboolean ms_store_database_create_child (MsStore *store, const MsDatabase *db, const char *parent,
                                         GError **error);
/* Names (char*) of the direct children of database 'parent' in 'catalog'
 * ("a" -> "a.b", not "a.b.c"), or with 'parent' NULL the names holding no
 * '.' (the first-level namespaces); sorted (bytewise), only those after
 * 'after' (NULL: from the first), at most 'limit' (< 0: all). */
GPtrArray *ms_store_database_children (MsStore *store, const char *catalog, const char *parent,
                                       const char *after, gint64 limit, GError **error);
/* Read-modify-write of one database in ONE transaction with its row locked
 * (FOR NO KEY UPDATE): 'edit' gets the stored database, changes it in place
 * (no I/O: a lock is held) and returns TRUE, or FALSE with an error to change
 * nothing. Then description, location, managed location, owner and
 * parameters are written back as 'edit' left them. Concurrent edits are
 * serialised: none is lost. MS_ERROR_NOT_FOUND when there is no such
 * database. */
typedef gboolean (*MsDatabaseEditFunc) (MsDatabase *db, gpointer user, GError **error);
gboolean ms_store_database_edit (MsStore *store, const char *catalog, const char *name,
                                 MsDatabaseEditFunc edit, gpointer user, GError **error);

/* ---- tables (table.c) ---- */
/* Insert 't' (its location already decided); sets t->id. NOT_FOUND when the
 * database does not exist, ALREADY_EXISTS for a taken name. */
gboolean ms_store_table_create (MsStore *store, MsTable *t, GError **error);
/* One round trip. NOT_FOUND: "<db>.<name> table not found". */
MsTable *ms_store_table_get (MsStore *store, const char *catalog, const char *db,
                             const char *name, GError **error);
/* Tables of 'db' named in 'names' (NULL: any) and matching 'regex' (NULL:
 * any), sorted by name; missing names are skipped. */
GPtrArray *ms_store_table_get_many (MsStore *store, const char *catalog, const char *db,
                                    const char *const *names, guint n_names, const char *regex,
                                    GError **error);                    /* MsTable* */
/* Names of tables of 'db' matching 'regex' and of 'table_type' (NULL: any). */
GPtrArray *ms_store_table_names (MsStore *store, const char *catalog, const char *db,
                                 const char *regex, const char *table_type,
                                 GError **error);                       /* char* */
/* get_table_meta: databases and tables matching the regexes (NULL: any),
 * of one of 'types' (NULL: any). */
GPtrArray *ms_store_table_meta (MsStore *store, const char *catalog, const char *db_regex,
                                const char *table_regex, const char *const *types,
                                guint n_types, GError **error);         /* MsTableMeta* */

typedef struct {
  const char *expected_key;    /* optimistic commit: the stored value of this */
  const char *expected_value;  /*   parameter must equal this, else CONFLICT */
  gboolean cascade;            /* column changes apply to every partition */
  const char *old_location;    /* the data moved: partition locations under */
  const char *new_location;    /*   old_location now live under new_location */
} MsTableAlterOpts;

/* Replace table catalog.db.name by 'newt' (which may carry a new database
 * and name: a rename) in one transaction with the row locked. */
gboolean ms_store_table_alter (MsStore *store, const char *catalog, const char *db,
                               const char *name, const MsTable *newt,
                               const MsTableAlterOpts *opts, GError **error);
/* Drop the table with its partitions and statistics; *out_part_locations
 * (if not NULL) receives the partitions' locations. 'seen' (may be NULL):
 * the caller's read of the table (ms_store_table_get), which the
 * DROP_TABLE event carries when the row has not changed since (else the
 * row is read again). */
gboolean ms_store_table_drop (MsStore *store, const char *catalog, const char *db,
                              const char *name, const MsTable *seen,
                              GPtrArray **out_part_locations, GError **error);
/* After truncate_table emptied the data (truncate.c): reset the basic
 * stats of table catalog.db.name, or, for a partitioned table, of its
 * partitions named in 'part_names' (NULL: all), as Hive does, and write
 * Hive's ALTER_TABLE / ALTER_PARTITION events with isTruncateOp, in one
 * transaction. MS_ERROR_NOT_FOUND: no such table. */
gboolean ms_store_table_truncated (MsStore *store, const char *catalog, const char *db,
                                   const char *name, const char *const *part_names,
                                   guint n_names, GError **error);

/* get_table_names_by_filter: names of tables of 'db' matching 'filter'
 * (NULL: all), at most 'max_tables' (-1: all), sorted. Filter errors are
 * MS_ERROR_INVALID_INPUT with the position. */
GPtrArray *ms_store_table_names_by_filter (MsStore *store, const char *catalog, const char *db,
                                           const MsFilterNode *filter, int max_tables,
                                           GError **error);                /* char* */
/* Locations of a table's partitions named in 'names' (NULL: all). */
GPtrArray *ms_store_partition_locations (MsStore *store, gint64 table_id,
                                         const char *const *names, guint n_names,
                                         GError **error);                 /* char* */

/* ---- constraints (constraint.c) ---- */
#include "model/constraint.h"

/* A table as the constraint rules see it (service/constraint.h): the
 * table and the constraints it owns (MsConstraint*, one per column). */
typedef struct {
  MsTable *table;
  GPtrArray *stored;
} MsConstraintTable;
/* The key of a table in the rules' table map. */
char *ms_constraint_table_key (const char *db, const char *table);
/* Checks and completes the rows of an add against the tables they name
 * (key -> MsConstraintTable*), inside the add's transaction. */
typedef gboolean (*MsConstraintCheckFunc) (GPtrArray *rows, GHashTable *tables, GError **error);

/* One transaction: with 'create', insert that table with the grants
 * 'create_grants' (as ms_store_table_create_granted, its event included);
 * lock every table 'rows' (MsConstraint*) names,
 * load it with its constraints, run 'check' on the rows, then store them.
 * A constraint is one row per column; rows of one kind, table and name
 * are one constraint. */
gboolean ms_store_constraints_add (MsStore *store, const char *catalog, MsTable *create,
                                   const GPtrArray *create_grants, GPtrArray *rows,
                                   MsConstraintCheckFunc check, GError **error);
/* The constraints table catalog.db.table owns, of 'kind' (< 0: every
 * kind; foreign keys are owned by the child table), ordered by kind, name
 * and key_seq. A missing table owns none. */
GPtrArray *ms_store_constraints_get (MsStore *store, const char *catalog, const char *db,
                                     const char *table, int kind, GError **error);
/* Foreign keys whose parent is parent_db.parent_table and whose child is
 * child_db.child_table (each NULL: any), ordered as above. */
GPtrArray *ms_store_foreign_keys (MsStore *store, const char *catalog, const char *parent_db,
                                  const char *parent_table, const char *child_db,
                                  const char *child_table, GError **error);
/* Drop constraint 'name' of table catalog.db.table: the one it owns, and
 * foreign keys of that name referencing it (Hive drops both).
 * MS_ERROR_NOT_FOUND when there is none. */
gboolean ms_store_constraint_drop (MsStore *store, const char *catalog, const char *db,
                                   const char *table, const char *name, GError **error);

/* ---- partitions (partition.c: changes, partition_read.c: reads) ---- */
#include "model/partition.h"

/* Which partitions of catalog.db.table a read selects; the selections
 * combine (AND). Partitions come ordered by name, at most max_parts of
 * them (< 0: all). A missing table is MS_ERROR_NOT_FOUND
 * "<db>.<table> table not found". */
typedef struct {
  const char *catalog, *db, *table;
  gboolean by_names;               /* stored names in 'names' */
  const char *const *names;
  guint n_names;
  gboolean by_values;              /* exactly these values ('values', one per key; a count
                                      mismatch is MS_ERROR_NOT_ALLOWED) */
  gboolean partial;                /* a partial spec: 'values' for the leading keys,
                                      "" = any value */
  const char *const *values;
  guint n_values;
  const MsFilterNode *filter;      /* Hive's filter language (NULL: none); errors are
                                      MS_ERROR_INVALID_INPUT with the position */
  int max_parts;
} MsPartitionQuery;

/* A consumer of a partition scan: 'begin' once with the table and the
 * number of rows to come, then 'row' for each. The partition passed to
 * 'row' is borrowed for the call only; 'shares_table_sd' says its
 * descriptor is the table's but for the location (writers may reuse the
 * table's encoding). */
typedef struct {
  gboolean (*begin) (gpointer user, const MsTable *table, guint n, GError **error);
  gboolean (*row) (gpointer user, const MsPartition *p, gboolean shares_table_sd,
                   GError **error);
} MsPartitionSink;

/* Stream the partitions 'q' selects into 'sink' (bounded memory: one
 * batch of rows at a time). */
gboolean ms_store_partition_scan (MsStore *store, const MsPartitionQuery *q,
                                  const MsPartitionSink *sink, gpointer user, GError **error);
/* The same collected (MsPartition*). */
GPtrArray *ms_store_partition_list (MsStore *store, const MsPartitionQuery *q, GError **error);
/* The first partition 'q' selects, or MS_ERROR_NOT_FOUND. */
MsPartition *ms_store_partition_get (MsStore *store, const MsPartitionQuery *q, GError **error);
GPtrArray *ms_store_partition_names (MsStore *store, const MsPartitionQuery *q,
                                     GError **error);                     /* char* */
gint64 ms_store_partition_count (MsStore *store, const MsPartitionQuery *q, GError **error);
/* get_partition_values: the values of 'keys' (names of partition keys) of
 * each selected partition (or each distinct tuple), ordered by 'order'
 * keys, then the tuple (or the partition name). Rows are GPtrArray of
 * char*. */
GPtrArray *ms_store_partition_values (MsStore *store, const MsPartitionQuery *q,
                                      const char *const *keys, guint n_keys, gboolean distinct,
                                      const char *const *order, guint n_order,
                                      gboolean ascending, GError **error);

/* Add 'parts' (values, location and descriptor decided by the caller) to
 * table 't' (as read by the caller) in one transaction. Without
 * 'if_not_exists' an existing partition is MS_ERROR_ALREADY_EXISTS and
 * nothing is added; with it existing ones are skipped. Returns the names
 * of the partitions added (char*), in input order. */
GPtrArray *ms_store_partition_add (MsStore *store, const MsTable *t, GPtrArray *parts,
                                   gboolean if_not_exists, GError **error);

/* Replace partitions of catalog.db.table, each identified by its values,
 * with 'parts' (same values) in one transaction; a missing one is
 * MS_ERROR_NOT_FOUND and nothing changes. */
gboolean ms_store_partition_alter (MsStore *store, const char *catalog, const char *db,
                                   const char *table, GPtrArray *parts, GError **error);
/* Give partition 'old_values' the values, location and the rest of 'newp'.
 * MS_ERROR_NOT_FOUND: no such partition; MS_ERROR_ALREADY_EXISTS: the new
 * values are taken. 'drop_stats' deletes its column statistics. */
gboolean ms_store_partition_rename (MsStore *store, const char *catalog, const char *db,
                                    const char *table, const char *const *old_values,
                                    guint n_values, const MsPartition *newp,
                                    gboolean drop_stats, GError **error);
/* Drop the partitions 'q' selects in one transaction, returning them
 * (MsPartition*) as they were. With 'must_match' (> 0) fewer matches than
 * that is MS_ERROR_NOT_FOUND and nothing is dropped. */
GPtrArray *ms_store_partition_drop (MsStore *store, const MsPartitionQuery *q, guint must_match,
                                    GError **error);
/* Move the partitions of 'src' matching the partial spec 'values' to
 * 'dst' (same schema, checked by the caller) with locations under
 * 'dst_location', in one transaction; returns them as added to 'dst'. */
GPtrArray *ms_store_partition_exchange (MsStore *store, const MsTable *src, const MsTable *dst,
                                        const char *const *values, guint n_values,
                                        GError **error);

/* ---- column statistics (stats.c) ---- */
/* Write 'stats' (MsColumnStatistics*, all of catalog.db.table) in one
 * transaction and mark their columns in the table's or partitions'
 * COLUMN_STATS_ACCURATE parameter. Table level ('table_level', one entry):
 * a column the table lacks is MS_ERROR_NOT_ALLOWED "Column <c> doesn't
 * exist in table <t> in database <d>". Partition level: each entry's
 * part_name is the partition's stored name; a missing one is
 * MS_ERROR_NOT_FOUND "Partition for which stats is gathered doesn't
 * exist."; entries must name distinct partitions. Without 'merge' the
 * stored optional members a column's new data leaves out are kept (as
 * Hive writes over stored statistics); with 'merge' (needMerge) only the
 * columns marked accurate are written, merged with those stored for
 * 'merge_engine' (ms_stats_merge). A missing table is MS_ERROR_NOT_FOUND
 * "Specified catalog.database.table does not exist : <c>.<d>.<t>". */
gboolean ms_store_stats_write (MsStore *store, const char *catalog, const char *db,
                               const char *table, gboolean table_level, GPtrArray *stats,
                               gboolean merge, const char *merge_engine, GError **error);
/* Write 'stats' as another catalog holds them (metastore import): as
 * ms_store_stats_write without 'merge', except that each row replaces the
 * stored one whole and the table's and partitions' parameters are left as
 * they are: COLUMN_STATS_ACCURATE is copied with the parameters, as the
 * source has it (the Java server keeps statistics rows whose flag an
 * alter_partition or alter_table cleared). */
gboolean ms_store_stats_copy (MsStore *store, const char *catalog, const char *db,
                              const char *table, gboolean table_level, GPtrArray *stats,
                              GError **error);
/* Table-level statistics of 'cols' for 'engine', in 'cols' order; columns
 * without statistics are left out. MS_ERROR_NOT_FOUND for a missing table
 * as above. */
MsColumnStatistics *ms_store_stats_get_table (MsStore *store, const char *catalog, const char *db,
                                              const char *table, const char *engine,
                                              const char *const *cols, guint n_cols,
                                              GError **error);
/* Partition-level statistics of 'cols' for the partitions named 'parts'
 * (stored names), one MsColumnStatistics per partition that has any,
 * sorted by partition name. MS_ERROR_NOT_FOUND for a missing table. */
GPtrArray *ms_store_stats_get_partitions (MsStore *store, const char *catalog, const char *db,
                                          const char *table, const char *engine,
                                          const char *const *parts, guint n_parts,
                                          const char *const *cols, guint n_cols,
                                          GError **error);       /* MsColumnStatistics* */
/* What a statistics delete names (delete_column_statistics_req). */
typedef struct {
  const char *const *parts;    /* stored partition names; none: every partition */
  guint n_parts;
  const char *const *cols;     /* lower-cased column names; none: every column */
  guint n_cols;
  const char *engine;          /* NULL: any engine */
  gboolean table_level;        /* the table's own statistics, even when partitioned */
} MsStatsDelete;
/* Delete statistics as Hive 4's DeleteColumnStatisticsHandler: the
 * table's own when it has no partition keys or 'table_level' is set, else
 * those of the partitions named (none named: all; a table without
 * partitions: nothing, no error); unmark the columns in
 * COLUMN_STATS_ACCURATE and queue the DELETE_*_COLUMN_STAT events, all in
 * one transaction. MS_ERROR_NOT_FOUND for a missing table or partition
 * or, with columns named, no statistics deleted; MS_ERROR_NOT_ALLOWED for
 * a transactional table. */
gboolean ms_store_stats_delete (MsStore *store, const char *catalog, const char *db,
                                const char *table, const MsStatsDelete *what, GError **error);


/* ---- roles (role.c) ---- */
/* MS_ERROR_ALREADY_EXISTS: the name is taken. */
gboolean ms_store_role_create (MsStore *store, const MsRole *role, GError **error);
/* The role, its grants to principals, its grants to other roles and its
 * privileges, in one statement. MS_ERROR_NOT_FOUND: no such role. */
gboolean ms_store_role_drop (MsStore *store, const char *name, GError **error);
GPtrArray *ms_store_role_names (MsStore *store, GError **error);          /* char*, sorted */
/* Grant g->role_name to a principal in one transaction. MS_ERROR_NOT_FOUND:
 * no such role; MS_ERROR_NOT_ALLOWED: a role grant that would make a
 * cycle; MS_ERROR_ALREADY_EXISTS: the principal has the role already. */
gboolean ms_store_role_grant (MsStore *store, const MsRoleGrant *g, GError **error);
/* Revoke a role from a principal, or only its grant option.
 * MS_ERROR_NOT_FOUND: no such role or grant; MS_ERROR_NOT_ALLOWED: no
 * grant option to revoke. */
gboolean ms_store_role_revoke (MsStore *store, const char *role, const char *principal,
                               MsPrincipalType type, gboolean grant_option_only, GError **error);
/* Role grants (MsRoleGrant*) of role 'role' and/or of one principal (NULL:
 * any); with 'roles', the granted roles too (MsRole*, same order). */
GPtrArray *ms_store_role_grants (MsStore *store, const char *role, const char *principal,
                                 MsPrincipalType type, GPtrArray **roles, GError **error);

/* ---- privileges (privilege.c) ---- */
/* Grant each MsPrivilege of 'privs' (one transaction). MS_ERROR_NOT_FOUND:
 * no such object; MS_ERROR_ALREADY_EXISTS: granted already by that grantor. */
gboolean ms_store_privileges_grant (MsStore *store, const GPtrArray *privs, GError **error);
/* Revoke each (one transaction), or only its grant option.
 * MS_ERROR_NOT_FOUND: not granted; MS_ERROR_NOT_ALLOWED: no grant option. */
gboolean ms_store_privileges_revoke (MsStore *store, const GPtrArray *privs,
                                     gboolean grant_option, GError **error);
/* Replace the grants of 'authorizer' on a database, a table or (a column
 * object) every column of a table with 'privs', in one transaction. */
gboolean ms_store_privileges_refresh (MsStore *store, const MsPrivObject *obj,
                                      const char *authorizer, const GPtrArray *privs,
                                      GError **error);
/* Grants (MsPrivilege*) matching a principal (NULL/0: any) and a filter
 * object (type MS_OBJECT_ANY and NULL names match any; a column filter
 * without part_values matches table columns only). */
GPtrArray *ms_store_privileges_list (MsStore *store, const char *principal,
                                     MsPrincipalType type, const MsPrivObject *filter,
                                     GError **error);
/* Grants on exactly 'obj' to user 'user', its 'groups' and the roles they
 * hold ('public' for a user, and the roles of roles), which go to 'roles'
 * (char*). A missing object has none. */
GPtrArray *ms_store_privilege_set (MsStore *store, const MsPrivObject *obj, const char *user,
                                   char **groups, GPtrArray **roles, GError **error);
/* ms_store_table_create, with the grants 'privs' on the new table in the
 * same transaction (Hive stores Table.privileges so). */
gboolean ms_store_table_create_granted (MsStore *store, MsTable *t, const GPtrArray *privs,
                                        GError **error);

/* ---- functions (function.c) ---- */
/* Every function of 'catalog' (MsFunction*), sorted by database and name. */
GPtrArray *ms_store_function_list_all (MsStore *store, const char *catalog, GError **error);
/* Store 'fn' in fn->catalog.fn->db_name as given (names already lower-cased).
 * MS_ERROR_NOT_FOUND: no such database; MS_ERROR_NOT_ALLOWED: the database is
 * REMOTE; MS_ERROR_ALREADY_EXISTS: the name is taken. */
gboolean ms_store_function_create (MsStore *store, const MsFunction *fn, GError **error);
/* One function (caller owns) or MS_ERROR_NOT_FOUND. */
MsFunction *ms_store_function_get (MsStore *store, const char *catalog, const char *db,
                                   const char *name, GError **error);
/* Names of db's functions matching the POSIX expression 'regex' (NULL: all),
 * sorted (char*). An unknown database or catalog has none. */
GPtrArray *ms_store_function_list (MsStore *store, const char *catalog, const char *db,
                                   const char *regex, GError **error);
/* Give function catalog.db.name the name, database (fn->db_name, same
 * catalog), class, owner and type of 'fn'; create time and resources stay.
 * MS_ERROR_INVALID_OBJECT: no target database; MS_ERROR_NOT_FOUND: no such
 * function; MS_ERROR_ALREADY_EXISTS: the new name is taken there. */
gboolean ms_store_function_alter (MsStore *store, const char *catalog, const char *db,
                                  const char *name, const MsFunction *fn, GError **error);
/* MS_ERROR_NOT_FOUND when there is no such function (or database). */
gboolean ms_store_function_drop (MsStore *store, const char *catalog, const char *db,
                                 const char *name, GError **error);

/* ---- locks (lock.c) ---- */
/* Locks older than 'timeout_ms' since their last heartbeat are removed at
 * the start of request, check and list (see lock.c). Unknown locks are
 * MS_ERROR_NO_SUCH_LOCK, locks of a transaction MS_ERROR_NO_SUCH_TXN (we
 * serve no transactions) or, for release, MS_ERROR_TXN_OPEN. */
/* Enqueue 'req' and try to grant it; returns its lock id (0 on error) and
 * sets *state to ACQUIRED or WAITING. */
gint64 ms_store_lock_request (MsStore *store, const MsLockRequest *req, gint64 timeout_ms,
                              MsLockState *state, GError **error);
/* Heartbeat lock 'lock_id' and grant it if nothing earlier conflicts. */
gboolean ms_store_lock_check (MsStore *store, gint64 lock_id, gint64 timeout_ms,
                              MsLockState *state, GError **error);
gboolean ms_store_lock_release (MsStore *store, gint64 lock_id, GError **error);
gboolean ms_store_lock_heartbeat (MsStore *store, gint64 lock_id, GError **error);
/* Every component of every lock matching the filters (NULL: any), in
 * Hive's SHOW LOCKS order. */
GPtrArray *ms_store_lock_list (MsStore *store, const char *db, const char *table,
                               const char *part, gboolean by_txn, gint64 txn_id,
                               gint64 timeout_ms, GError **error);     /* MsLockInfo* */

/* ---- the notification log (events.c) ----
 * Every change above writes its events (model/event.h) in its own
 * transaction, encoded by the store's encoder, ids in commit order. */
/* notifications.enabled and the message encoder (NULL: keep the current). */
void ms_store_set_events (MsStore *store, gboolean on, const MsEventEncoder *encoder);
/* Whether changes write events (on, and an encoder registered). */
gboolean ms_store_events_enabled (const MsStore *store);

typedef struct {
  gint64 id;
  int time;
  char *type, *catalog, *db_name, *table_name, *message, *format;
} MsNotification;
void ms_notification_free (MsNotification *n);

/* Which events a read selects: ids after 'after' (and up to 'to_id' when
 * > 0), at most 'max' (<= 0: all), types not in 'skip_types' and in
 * 'types', of 'catalog', 'db' and one of 'tables' (NULL: any). */
typedef struct {
  gint64 after, to_id;
  int max;
  const char *const *skip_types;
  guint n_skip_types;
  const char *const *types;
  guint n_types;
  const char *catalog, *db;
  const char *const *tables;
  guint n_tables;
} MsEventQuery;

/* The id of the last event written (0: none yet). */
gboolean ms_store_events_current (MsStore *store, gint64 *id, GError **error);
GPtrArray *ms_store_events_list (MsStore *store, const MsEventQuery *q,
                                 GError **error);                /* MsNotification*, by id */
/* How many events 'q' selects, at most 'limit' (<= 0: no limit); -1 on error. */
gint64 ms_store_events_count (MsStore *store, const MsEventQuery *q, gint64 limit,
                              GError **error);
/* Delete events older than 'before' (unix seconds) in batches, unless
 * another replica is cleaning (*ran FALSE then). */
gboolean ms_store_events_clean (MsStore *store, gint64 before, gint64 *deleted, gboolean *ran,
                                GError **error);

/* ---- Idempotency-Key records of the REST door (idempotency.c) ---- */
/* One attempt of a request that carries an Idempotency-Key. */
typedef struct {
  const char *key;             /* the key, lower-cased */
  const char *fingerprint;     /* what the request is: principal, method, path, body */
  const char *owner;           /* this attempt's own token */
  int lifetime_s;              /* how long the record answers retries */
  int stale_s;                 /* a claim still running after this long, whose change
                                  did not commit, may be taken over */
} MsIdemClaim;

typedef enum {
  MS_IDEM_FAILED,              /* *error is set */
  MS_IDEM_CLAIMED,             /* this attempt runs the request */
  MS_IDEM_DONE,                /* finished before: *out holds its outcome */
  MS_IDEM_MISMATCH,            /* the key was used for another request */
  MS_IDEM_RUNNING,             /* another attempt holds it and is running */
  MS_IDEM_LOST,                /* an attempt applied the change and stopped before
                                  its outcome was recorded */
} MsIdemState;

/* A recorded outcome (owned strings). */
typedef struct {
  int status;
  char *body;                  /* NULL: none */
  char *headers;               /* "Name: value" lines, NULL: none */
} MsIdemOutcome;
void ms_idem_outcome_clear (MsIdemOutcome *o);

/* Claim 'claim->key' for this attempt, or tell what holds it. */
MsIdemState ms_store_idem_claim (MsStore *store, const MsIdemClaim *claim, MsIdemOutcome *out,
                                 GError **error);
/* Bind 'claim' (borrowed; NULL unbinds) to the calling thread: until
 * unbound, every transaction the thread commits marks the claim applied
 * in that transaction, and changes that would run outside one run in one. */
void ms_store_idem_bind (const MsIdemClaim *claim);
gboolean ms_store_idem_bound (void);
/* Record the final outcome of this attempt's claim. */
gboolean ms_store_idem_finish (MsStore *store, const MsIdemClaim *claim,
                               const MsIdemOutcome *outcome, GError **error);
/* Give the claim up when its change did not commit (a retry runs afresh). */
gboolean ms_store_idem_release (MsStore *store, const MsIdemClaim *claim, GError **error);
/* Delete expired records in batches, unless another replica is cleaning
 * (*ran FALSE then). */
gboolean ms_store_idem_clean (MsStore *store, gint64 *deleted, gboolean *ran, GError **error);

/* One INSERT event: the partition 'values' (n_values 0: the table). */
typedef struct {
  const char *const *values;
  guint n_values;
  gboolean replace;
  const MsEventFile *files;
  guint n_files;
} MsEventInsert;
/* Write one INSERT event per 'ins' for catalog.db.table in one transaction
 * (MS_ERROR_NOT_FOUND for a missing table or partition); *out_ids (caller
 * owns, gint64) receives their ids (none when the log is off). */
gboolean ms_store_events_insert (MsStore *store, const char *catalog, const char *db,
                                 const char *table, const MsEventInsert *ins, guint n,
                                 GArray **out_ids, GError **error);

/* ---- schema (schema.c) ---- */
typedef struct {
  int current;               /* 0 = no schema yet */
  int available;             /* newest migration compiled in */
  GPtrArray *pending;        /* "NNN_name" of migrations not yet applied */
} MsSchemaInfo;

void ms_schema_info_clear (MsSchemaInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsSchemaInfo, ms_schema_info_clear)

/* The standalone forms take a conninfo (schema CLI, server start-up). */
gboolean ms_schema_info (const char *conninfo, const char *password, MsSchemaInfo *info,
                         GError **error);
/* Apply pending migrations (each in its own transaction, serialised across
 * processes by an advisory lock); 'bootstrap' also creates the 'hive'
 * catalog at 'warehouse' and its 'default' database if missing. */
gboolean ms_schema_upgrade (const char *conninfo, const char *password, const char *warehouse,
                            gboolean bootstrap, int *applied, GError **error);
/* Compare tables, columns, constraints and indexes with what the applied
 * migrations create; 'report' receives one line per difference. */
gboolean ms_schema_validate (const char *conninfo, const char *password, GString *report,
                             GError **error);
int ms_schema_available_version (void);

/* ---- Iceberg tables and views (iceberg.c) ----
 *
 * An Iceberg table or view is an ms_tables row (what Thrift clients see)
 * whose parameter table_type is ICEBERG or ICEBERG-VIEW and whose parameter
 * metadata_location names its current metadata file; beside it the store
 * keeps a copy of that file's text, tagged with the location it is a copy
 * of (sql/006_iceberg_metadata.sql). */
#define MS_ICEBERG_KIND_TABLE "ICEBERG"
#define MS_ICEBERG_KIND_VIEW "ICEBERG-VIEW"

typedef struct {
  gint64 table_id;
  char *kind;                  /* table_type parameter, upper-cased; NULL: not Iceberg */
  char *metadata_location;     /* metadata_location parameter (NULL: none) */
  char *cached_location;       /* the file 'metadata' is a copy of (NULL: no copy) */
  char *metadata;              /* the copy (NULL: none) */
} MsIcebergEntry;

void ms_iceberg_entry_free (MsIcebergEntry *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsIcebergEntry, ms_iceberg_entry_free)

/* One indexed read: the entry of catalog.db.name (any table: check
 * 'kind'), or MS_ERROR_NOT_FOUND. */
MsIcebergEntry *ms_store_iceberg_get (MsStore *store, const char *catalog, const char *db,
                                      const char *name, GError **error);
/* The same without the metadata copy (cached_location and metadata NULL). */
MsIcebergEntry *ms_store_iceberg_head (MsStore *store, const char *catalog, const char *db,
                                       const char *name, GError **error);
/* Keep 'metadata' as the copy of 'location' for table 'table_id', if that
 * is still its metadata_location. */
gboolean ms_store_iceberg_cache_put (MsStore *store, gint64 table_id, const char *location,
                                     const char *metadata, GError **error);
/* Names of the Iceberg objects of 'kind' in catalog.db after 'after'
 * (NULL: from the first), sorted, at most 'limit' (< 0: all). */
GPtrArray *ms_store_iceberg_names (MsStore *store, const char *catalog, const char *db,
                                   const char *kind, const char *after, int limit,
                                   GError **error);                       /* char* */

/* Whether a table or view of catalog.db already has 'location' (trailing
 * '/' ignored): an object renamed away keeps its files where they were. */
gboolean ms_store_iceberg_location_used (MsStore *store, const char *catalog, const char *db,
                                         const char *location, gboolean *used, GError **error);

/* Whether any table of any catalog names 'file' as its metadata_location
 * or previous_metadata_location. */
gboolean ms_store_iceberg_file_referenced (MsStore *store, const char *file,
                                           gboolean *referenced, GError **error);

/* A commit: the tables it touches are locked (in name order, so two commits
 * never deadlock), then the callback runs once per reference in request
 * order and decides each table's next state; everything it decided is
 * written in the same transaction, or nothing is. A table named twice is
 * locked once; its second step sees the first step's result. */
typedef struct {
  const char *catalog, *db, *name;
} MsIcebergRef;

typedef struct {
  guint index;                 /* the reference's position */
  const MsIcebergRef *ref;
  /* in: the current state. 'row' is NULL when no table of that name exists;
   * the callback may then create it by setting 'row' (owned by the store
   * afterwards). Otherwise it may change 'row' in place. */
  MsTable *row;
  const char *kind;
  const char *metadata_location;
  const char *cached_location;
  const char *cached_metadata;
  /* out: set both to commit a new metadata file (owned by the store);
   * leave NULL for no change. */
  char *next_location;
  char *next_metadata;
} MsIcebergStep;

typedef gboolean (*MsIcebergStepFn) (gpointer user, MsIcebergStep *step, GError **error);

/* Runs the commit described above. MS_ERROR_ALREADY_EXISTS when a created
 * name was taken concurrently; the callback's errors as they are. */
gboolean ms_store_iceberg_commit (MsStore *store, const MsIcebergRef *refs, guint n,
                                  MsIcebergStepFn fn, gpointer user, GError **error);

/* Drop an Iceberg object of 'kind' (MS_ERROR_NOT_FOUND when there is none
 * of that kind); *out_location gets its location for a purge. */
gboolean ms_store_iceberg_drop (MsStore *store, const char *catalog, const char *db,
                                const char *name, const char *kind, char **out_location,
                                GError **error);
/* Rename (and move to another database) an Iceberg object of 'kind'; files
 * stay where they are. MS_ERROR_NOT_FOUND for a missing source,
 * MS_ERROR_INVALID_OBJECT for a missing target database,
 * MS_ERROR_ALREADY_EXISTS for a taken target. */
gboolean ms_store_iceberg_rename (MsStore *store, const char *catalog, const char *db,
                                  const char *name, const char *to_db, const char *to_name,
                                  const char *kind, GError **error);
