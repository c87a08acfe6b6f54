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

typedef struct _MsPool MsPool;

typedef struct {
  MsPool *pool;
  char *warehouse;           /* root URI of the default catalog */
} MsStore;

MsStore *ms_store_new (const char *conninfo, const char *password, int pool_size,
                       int pool_wait_ms, int connect_timeout_s, const char *warehouse);
void ms_store_free (MsStore *store);

/* One round trip to PostgreSQL (readiness). */
gboolean ms_store_ping (MsStore *store, GError **error);

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
/* Drop a database; with 'cascade' its tables and functions go with it, else
 * a non-empty database is MS_ERROR_INVALID_OPERATION. On success
 * *out_locations (if not NULL) receives the data locations the caller may
 * delete: the database's own and those of its managed tables. */
gboolean ms_store_database_drop (MsStore *store, const char *catalog, const char *name,
                                 gboolean cascade, GPtrArray **out_locations, GError **error);

/* ---- functions (function.c) ---- */
GPtrArray *ms_store_function_list_all (MsStore *store, const char *catalog, GError **error);

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
/* Current version via the pool (readiness). */
int ms_store_schema_version (MsStore *store, GError **error);
int ms_schema_available_version (void);
