/*
 * table_internal.h: table reads on a connection the caller already holds
 * (inside its transaction), for the store files that work on a table's
 * partitions. Only files under store/ include this header.
 */
#pragma once
#include "store/pg.h"
#include "model/table.h"

/* The table catalog.db.name, or NULL with MS_ERROR_NOT_FOUND
 * "<db>.<name> table not found"; 'for_update' locks its row. */
MsTable *ms_store_table_get_on (MsPgConn *c, const char *catalog, const char *db,
                                const char *name, gboolean for_update, GError **error);
