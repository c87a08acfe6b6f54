/*
 * pool.h: the bounded PostgreSQL connection pool shared by all workers.
 *
 * Connections are opened lazily up to 'size'. A caller that finds none free
 * waits up to 'wait_ms' and then fails with MS_ERROR_UNAVAILABLE; opening
 * one is bounded by libpq's connect_timeout (per address tried). A
 * connection that broke is closed on return and its slot reopened on demand,
 * so the pool recovers by itself after PostgreSQL restarts.
 */
#pragma once
#include "store/pg.h"

typedef struct {
  int size;       /* configured maximum */
  int open;       /* connections currently open */
  int in_use;     /* handed out */
  int waiting;    /* callers waiting for one */
  guint64 reconnects;
} MsPoolStats;

MsPool *ms_pool_new (const char *conninfo, const char *password, int size, int wait_ms,
                     int connect_timeout_s);
void ms_pool_free (MsPool *pool);

/* A connection for one call; give it back with ms_pg_conn_release (or let
 * g_autoptr (MsPgConn) do it). */
MsPgConn *ms_pool_get (MsPool *pool, GError **error);
/* Run one statement, outside any transaction, on a connection borrowed for
 * that statement alone: the result (caller owns) or NULL with *error set
 * (MS_ERROR_UNAVAILABLE when no connection could be had). */
PGresult *ms_pool_exec (MsPool *pool, const MsSql *sql, int n, const char *const *values,
                        GError **error);
/* As ms_pool_exec for a statement that reads one object: a result with no
 * row fails with MS_ERROR_NOT_FOUND and the message 'fmt', ... */
PGresult *ms_pool_exec_found (MsPool *pool, const MsSql *sql, int n, const char *const *values,
                              GError **error, const char *fmt, ...) G_GNUC_PRINTF (6, 7);
/* Run a cleaner's statement until a batch deletes fewer than 'batch' rows
 * or the cleaner's advisory lock is another replica's: 'sql' answers one
 * row (lock taken, rows deleted). *deleted sums the batches, *ran says
 * whether this replica held the lock. */
gboolean ms_pool_clean_batches (MsPool *pool, const MsSql *sql, int n, const char *const *values,
                                gint64 batch, gint64 *deleted, gboolean *ran, GError **error);
/* An outer transaction on this thread: until ms_pool_unpin every
 * ms_pool_get of this thread returns one connection, and the BEGIN,
 * COMMIT and ROLLBACK of the store functions called meanwhile join one
 * transaction (a failure in any dooms it whole). Not nested. */
gboolean ms_pool_pin (MsPool *pool, GError **error);
/* End it: COMMIT with 'commit' (MS_ERROR_INTERNAL, nothing written, when a
 * statement of it failed), else ROLLBACK. */
gboolean ms_pool_unpin (MsPool *pool, gboolean commit, GError **error);
/* Used by ms_pg_conn_release. */
void ms_pool_put (MsPool *pool, MsPgConn *c);
void ms_pg_conn_close (MsPgConn *c);

/* The pool's timeouts, the database.* settings of that name; a SIGHUP
 * may change them while the server runs. */
typedef struct {
  int wait_ms;               /* pool_wait_ms: longest wait for a free connection */
  int connect_timeout_s;     /* libpq's connect_timeout of a new connection (per
                                address tried, 2 s at least) */
  int deadline_ms;           /* statement_timeout_ms: MsPgConn.deadline_ms, 0: none */
  gboolean session_timeouts; /* the same PostgreSQL statement_timeout and
                                idle_in_transaction_session_timeout for the
                                session (ms_pg_connect_with) */
} MsPoolTimeouts;

/* Put 't' in force: waits and connections that start from now on use it.
 * A connection opened under other session timeouts is closed instead of
 * being handed out again (its slot reopened: PostgreSQL takes them at
 * start-up only); an idle one keeps its session and gets the new deadline
 * when only that changed without session timeouts. TRUE when anything
 * changed. */
gboolean ms_pool_set_timeouts (MsPool *pool, const MsPoolTimeouts *t);
MsPoolTimeouts ms_pool_timeouts (MsPool *pool);
/* ms_pool_set_timeouts with only the deadline and session timeouts. */
void ms_pool_set_deadline (MsPool *pool, int deadline_ms, gboolean session_timeouts);
/* The server is stopping: a round trip still unanswered 'after_ms' from
 * now is abandoned (its call fails as unavailable), and so is every later
 * one that would end after that time; a wait for a free connection ends
 * then too, and no connection is opened after it. */
void ms_pool_give_up (MsPool *pool, int after_ms);
/* That time (monotonic microseconds), 0 while not stopping. */
gint64 ms_pool_give_up_at (MsPool *pool);

MsPoolStats ms_pool_stats (MsPool *pool);
