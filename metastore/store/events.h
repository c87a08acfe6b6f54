/*
 * events.h (store-internal): the pending events of a transaction.
 *
 * A store function that changes the catalog calls ms_store_emit once per
 * event while its transaction is open; the message is encoded at once (the
 * objects are borrowed) and kept on the connection. ms_pg_commit writes the
 * pending events as the last statement before COMMIT, in the same round
 * trip (ms_store_events_write_init): it takes the one-row sequence lock,
 * so ids follow commit order. A rollback drops them.
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
/* The statement that writes a transaction's pending events (the
 * sequence row's UPDATE and the log's INSERT in one), with its parameters:
 * pg.c sends it just before COMMIT, in the same round trip. */
typedef struct {
  const MsSql *sql;
  int n;
  const char *values[8];
  char *owned[6];            /* what values[] points into */
} MsEventsWrite;
/* Fill 'w' for c's pending events; FALSE (w empty) when none are pending.
 * 'guarded': write them only if the transaction has changed something by
 * then (for a change sent together with them: one that changed nothing
 * logs nothing). */
gboolean ms_store_events_write_init (MsPgConn *c, gboolean guarded, MsEventsWrite *w);
void ms_store_events_write_clear (MsEventsWrite *w);
/* The statements ms_store_events_write_init may choose (for one event,
 * for several) and their parameter counts: pg.c prepares them before a
 * pipeline that sends one of them later. */
void ms_store_events_statements (const MsSql **one, int *n_one, const MsSql **many, int *n_many);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsEventsWrite, ms_store_events_write_clear)
/* After w's statement committed with result 'r': the ids it wrote are
 * appended to c->event_ids and nothing is pending any more. */
void ms_store_events_written (MsPgConn *c, const PGresult *r);
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
