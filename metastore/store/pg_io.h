/*
 * pg_io.h: one round trip to PostgreSQL under a deadline. Pooled
 * connections are in libpq's nonblocking mode: what is sent is flushed and
 * the answer awaited with poll() on the connection's socket, never in a
 * blocking libpq call, so a PostgreSQL that stops answering (a stopped
 * server, a network that loses the replies) costs a call at most the
 * connection's deadline (MsPgConn.deadline_ms), or less once the server
 * stops (ms_pool_give_up).
 *
 * On the deadline the connection is abandoned: c->timed_out and c->broken
 * are set, its socket is shut down (nothing more is sent or awaited on it)
 * and its pool closes it on return. Nothing is resent on it: what was sent
 * may have run.
 *
 * Only store/pg.c uses this header.
 */
#pragma once
#include "store/pg.h"

/* The deadline (monotonic microseconds) of a round trip that starts now:
 * now + c->deadline_ms, G_MAXINT64 without one. */
gint64 ms_pg_io_deadline (const MsPgConn *c);

/* Flush what the PQsend* calls buffered. FALSE when the connection failed
 * (libpq's error message says why) or the deadline passed (c->timed_out). */
gboolean ms_pg_io_flush (MsPgConn *c, gint64 until);

/* The next result, as PQgetResult, waiting for it no longer than 'until':
 * NULL at the end of a statement's results, on a failed connection (see
 * PQstatus) and on the deadline (c->timed_out). */
PGresult *ms_pg_io_result (MsPgConn *c, gint64 until);

/* Send with 'send' (a PQsend* call already made: its return value) and
 * collect every result as PQexec does: the last one, or the first failed
 * one (caller owns). NULL when nothing could be sent or on the deadline. */
PGresult *ms_pg_io_collect (MsPgConn *c, int sent, gint64 until);
