/*
 * table_internal.h: table reads on a connection the caller already holds
 * (inside its transaction), for the store files that work on a table's
 * partitions. Only files under store/ include this header.
 */
#pragma once
#include "store/pg.h"
#include "model/table.h"
#include "store/store.h"

/* The table catalog.db.name, or NULL with MS_ERROR_NOT_FOUND
 * "<db>.<name> table not found"; 'for_update' locks its row. */
MsTable *ms_store_table_get_on (MsPgConn *c, const char *catalog, const char *db,
                                const char *name, gboolean for_update, GError **error);

/* Insert 't' (catalog, db_name, name set); sets t->id. MS_ERROR_NOT_FOUND
 * for a missing database, MS_ERROR_ALREADY_EXISTS for a taken name. */
gboolean ms_store_table_insert_on (MsPgConn *c, MsTable *t, GError **error);
/* Create 't' (no grants) with its CREATE_TABLE event on 'c' (no
 * transaction open), the log being on: one round trip for the INSERT, the
 * event and COMMIT (the table's id is taken ahead, so the event can be
 * encoded before). Errors as ms_store_table_insert_on. */
gboolean ms_store_table_create_logged (MsStore *s, MsPgConn *c, MsTable *t, GError **error);
/* Insert 't' with the grants 'privs' (NULL: none) and queue its
 * CREATE_TABLE event, inside the caller's transaction on 'c'
 * (privilege.c). */
gboolean ms_store_table_insert_granted_on (MsStore *s, MsPgConn *c, MsTable *t,
                                           const GPtrArray *privs, GError **error);
/* Overwrite row 'table_id' with 't' (which may name another database and
 * name). No partition bookkeeping: for tables without partitions. */
gboolean ms_store_table_update_on (MsPgConn *c, gint64 table_id, const MsTable *t, GError **error);
/* Tables of catalog.db named in 'names' (NULL: any) and matching 'regex'
 * (NULL: any), sorted by name (MsTable*). */
GPtrArray *ms_store_table_get_many_on (MsPgConn *c, const char *catalog, const char *db,
                                       const char *const *names, guint n_names,
                                       const char *regex, GError **error);

/* Drop the constraints of table 'table_id' (and foreign keys referencing
 * it) whose columns are gone or retyped, after its row was updated
 * (constraint.c). */
gboolean ms_store_constraints_drop_stale (MsPgConn *c, const char *table_id, GError **error);
