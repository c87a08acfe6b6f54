/*
 * events.h (store-internal): the pending events of a transaction.
 *
 * A store function that changes the catalog calls ms_store_emit once per
 * event while its transaction is open; the message is encoded at once (the
 * objects are borrowed) and kept on the connection. ms_pg_commit writes the
 * pending events as the last statement before COMMIT (ms_store_events_flush):
 * it takes the one-row sequence lock, so ids follow commit order. A
 * rollback drops them.
 */
#pragma once
#include "store/store.h"
#include "store/pg.h"
#include "model/event.h"

/* Queue 'ev' on transaction 'c' (which must be open). TRUE without doing
 * anything when the log is off or no encoder is registered. */
gboolean ms_store_emit (MsStore *s, MsPgConn *c, const MsEvent *ev, GError **error);
/* Begin a transaction on 'c' for a one-statement change only when the
 * log is on (the change and its event must commit together) or an
 * Idempotency-Key claim is bound (the change and its record); otherwise
 * the statement runs on its own. ms_pg_commit ends either. */
gboolean ms_store_begin_logged (MsStore *s, MsPgConn *c, GError **error);
/* Write c's pending events and COMMIT, in one round trip (called by
 * ms_pg_commit); their ids are appended to c->event_ids. */
gboolean ms_store_events_flush (MsPgConn *c, GError **error);
/* Drop c's pending events (rollback). */
void ms_store_events_discard (MsPgConn *c);

/* Every function of catalog.db on 'c' (MsFunction*), for the events of a
 * database drop (function.c). */
GPtrArray *ms_store_function_list_on (MsPgConn *c, const char *catalog, const char *db,
                                      GError **error);
/* The database catalog.name read on 'c' (MS_ERROR_NOT_FOUND when
 * missing), for the events of a catalog's default database (catalog.c). */
MsDatabase *ms_store_database_get_on (MsPgConn *c, const char *catalog, const char *name,
                                      GError **error);
