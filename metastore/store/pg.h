/*
 * pg.h: libpq plumbing shared by every store file: the pooled connection,
 * statement execution with per-connection prepared statements, transactions,
 * and the one SQLSTATE -> MS_ERROR mapping.
 *
 * Only files under store/ include this header.
 */
#pragma once
#include <glib.h>
#include <libpq-fe.h>
#include "core/error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

typedef struct _MsPool MsPool;

typedef struct {
  PGconn *pg;
  GHashTable *prepared;      /* statement names prepared on this session */
  gboolean in_tx;
  gboolean begin_pending;    /* in_tx, but BEGIN not sent yet: it goes with
                                the first statement (one round trip) */
  gboolean commit_next;      /* the next statement ends the transaction
                                (ms_pg_commit_next) */
  gboolean broken;
  int deadline_ms;           /* longest wait for one round trip's answer
                                (store/pg_io.h); 0: none */
  gboolean session_timeouts; /* the session runs with statement_timeout and
                                idle_in_transaction_session_timeout =
                                deadline_ms (set at start-up) */
  gboolean timed_out;        /* a round trip outlasted it: the connection is
                                abandoned, nothing more runs on it */
  gboolean delivered;        /* the last round trip's request left in full
                                (flushed to the kernel): PostgreSQL may have
                                run it, whatever came back */
  MsPool *pool;              /* owner; NULL for a standalone connection */
  GPtrArray *events;         /* pending notification events of the open
                                transaction (store/events.h); NULL: none */
  GArray *event_ids;         /* gint64 ids the last flush wrote; NULL: none */
  /* an outer transaction (ms_pool_pin): the store functions' own BEGIN,
   * COMMIT, ROLLBACK and release join it instead; the first failure
   * dooms it */
  gboolean outer;
  int depth;                 /* inner BEGINs not yet committed */
  gboolean outer_failed;
} MsPgConn;

/* A statement known at compile time; 'name' keys the prepared statement.
 * 'read_only' (declared with the statement: `.read_only = TRUE`) says it
 * changes nothing, takes no lock that outlives it and reads no sequence:
 * run outside a transaction, it is sent again once on a new connection when
 * its connection failed after the request left (a change is not: it may
 * have run). */
typedef struct {
  const char *name;
  const char *text;
  gboolean read_only;
} MsSql;

/* What a reply says when PostgreSQL cannot be reached or drops the
 * connection: PostgreSQL's own message (its host, port or socket path) is
 * logged, never sent to clients. */
#define MS_PG_UNAVAILABLE_MESSAGE \
  "the catalog database is unavailable (PostgreSQL cannot be reached; the server log says why)"

/* Open a standalone connection (CLI, schema commands): no deadline. */
MsPgConn *ms_pg_connect (const char *conninfo, const char *password, int connect_timeout_s,
                         GError **error);
/* The same with a deadline per round trip ('deadline_ms', 0: none); with
 * 'session_timeouts' (and a deadline) PostgreSQL's statement_timeout and
 * idle_in_transaction_session_timeout of the session are set to it too, in
 * the start-up packet's options (before the connection string's own, which
 * win), so that PostgreSQL ends what this side gave up on. */
MsPgConn *ms_pg_connect_with (const char *conninfo, const char *password, int connect_timeout_s,
                              int deadline_ms, gboolean session_timeouts, GError **error);
/* Close a standalone connection, or hand a pooled one back to its pool. */
void ms_pg_conn_release (MsPgConn *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsPgConn, ms_pg_conn_release)

/* Run 'sql' with text parameters; returns the result (caller owns) or NULL
 * with *error set from the SQLSTATE. Outside a transaction, a connection
 * found dead is re-established and the statement tried once more when
 * that cannot run a change twice: when its request did not leave in full,
 * or when it is read-only (MsSql.read_only). */
PGresult *ms_pg_exec (MsPgConn *c, const MsSql *sql, int n, const char *const *values,
                      GError **error);
/* The same for a one-off statement text (no prepared statement kept). */
PGresult *ms_pg_exec_text (MsPgConn *c, const char *text, int n, const char *const *values,
                           GError **error);
/* As ms_pg_exec_text for a statement text that only reads (see
 * MsSql.read_only). */
PGresult *ms_pg_read_text (MsPgConn *c, const char *text, int n, const char *const *values,
                           GError **error);
/* As ms_pg_exec for a statement that makes an object a unique index
 * guards (the index decides; nothing is pre-checked): a unique violation
 * (SQLSTATE 23505) fails with MS_ERROR_ALREADY_EXISTS and the message
 * 'fmt', ..., naming the object; any other failure is passed on as is. */
PGresult *ms_pg_exec_unique (MsPgConn *c, const MsSql *sql, int n, const char *const *values,
                             GError **error, const char *fmt, ...) G_GNUC_PRINTF (6, 7);
/* Run a script of several statements without parameters. */
gboolean ms_pg_exec_script (MsPgConn *c, const char *script, GError **error);

gboolean ms_pg_begin (MsPgConn *c, GError **error);
/* Make the next statement run on c the transaction's last: it travels
 * with the pending notification events and COMMIT (and BEGIN, when not
 * yet sent) in one round trip, and returns after the COMMIT answered. If
 * the transaction has changed nothing by the end of that statement (an
 * INSERT ... SELECT that found no row), its events are not written: use
 * it only where the caller then reports that nothing changed. Nothing when
 * no transaction is open (the statement runs on its own). */
void ms_pg_commit_next (MsPgConn *c);
/* Queues the transaction's events (ms_store_emit) for
 * ms_pg_exec_commit_while; FALSE with *error set to give the change up. */
typedef gboolean (*MsPgWhileFn) (gpointer user, GError **error);
/* As 'fn' then ms_pg_commit_next and ms_pg_exec of 'sql', with the same
 * result, but when 'sql' is the transaction's first statement it is sent
 * (with BEGIN) before 'fn' runs, so that PostgreSQL executes it while 'fn'
 * builds the events; the events and COMMIT follow in the same pipeline
 * (one round trip in all). For a change whose event needs nothing from
 * the statement's answer (an add of partitions: its message lists their
 * files). When 'fn' fails, what was sent is rolled back. */
PGresult *ms_pg_exec_commit_while (MsPgConn *c, const MsSql *sql, int n, const char *const *values,
                                   MsPgWhileFn fn, gpointer user, GError **error);
/* COMMIT, after writing the transaction's pending notification events;
 * TRUE at once outside a transaction. */
gboolean ms_pg_commit (MsPgConn *c, GError **error);
void ms_pg_rollback (MsPgConn *c);

/* Map a failed result (or a dead connection when res is NULL). */
void ms_pg_set_error (MsPgConn *c, const PGresult *res, GError **error);
/* The MS_ERROR code for an SQLSTATE (NULL: connection failure). */
MsErrorCode ms_pg_sqlstate_code (const char *sqlstate);

/* A PostgreSQL array literal ("{...}") of 'n' text items for a text[]
 * parameter; NULL items become NULL elements, the rest are quoted. */
char *ms_pg_array_literal (const char *const *items, guint n);

/* One column of every row, as char* (NULL for SQL NULL). */
GPtrArray *ms_pg_column_strings (const PGresult *r, int col);

/* Small typed readers for result cells. */
char *ms_pg_dup (const PGresult *r, int row, int col);          /* NULL for SQL NULL */
int ms_pg_int (const PGresult *r, int row, int col, int dflt);
gint64 ms_pg_int64 (const PGresult *r, int row, int col, gint64 dflt);
gboolean ms_pg_bool (const PGresult *r, int row, int col);

/* ---- rows -> model structs ----
 *
 * A reader's columns as data: entry j of a MsPgColumn table fills one
 * member of the struct from result column first + j. Enumerations are read
 * as MS_PG_INT (they are int-sized). Members the table does not name are
 * the caller's (JSON columns, nested structs). */
typedef enum {
  MS_PG_STR,       /* char *, ms_pg_dup: NULL for SQL NULL; the member must be NULL */
  MS_PG_INT,       /* int, ms_pg_int with 'dflt' */
  MS_PG_INT64,     /* gint64, ms_pg_int64 with 'dflt' */
  MS_PG_BOOL,      /* gboolean, ms_pg_bool */
} MsPgKind;

typedef struct {
  glong offset;
  MsPgKind kind;
  int dflt;
} MsPgColumn;

#define MS_PG_COL(type, member, kind, dflt) { G_STRUCT_OFFSET (type, member), (kind), (dflt) }
#define MS_PG_STR_COL(type, member) MS_PG_COL (type, member, MS_PG_STR, 0)

/* Fill the members 'cols' names of 'obj' from row 'row', columns 'first'
 * onwards. */
void ms_pg_read_row (const PGresult *r, int row, int first, gpointer obj, const MsPgColumn *cols,
                     gsize n);
#define MS_PG_READ_ROW(r, row, first, obj, cols) \
  ms_pg_read_row ((r), (row), (first), (obj), (cols), G_N_ELEMENTS (cols))

/* One struct per row of 'r', made by 'from_row', in a new array that frees
 * them with 'free_item' (caller owns). */
typedef gpointer (*MsPgRowFunc) (const PGresult *r, int row);
GPtrArray *ms_pg_map_rows (const PGresult *r, MsPgRowFunc from_row, GDestroyNotify free_item);
