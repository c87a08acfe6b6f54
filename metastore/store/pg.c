/*
 * pg.c: statement execution, transactions and SQLSTATE mapping over libpq.
 *
 * Statements are prepared once per PostgreSQL session the first time they
 * run on it (ms_pg_exec), so a hot read is one Bind/Execute round trip.
 * Every round trip is sent and awaited through store/pg_io.h, under the
 * connection's deadline.
 */
#include "store/pg.h"
#include "store/pg_io.h"
#include "store/pool.h"
#include "store/events.h"
#include "store/idempotency.h"
#include "core/log.h"
#include <string.h>
#include <stdlib.h>

MsErrorCode
ms_pg_sqlstate_code (const char *st)
{
  if (st == NULL || strlen (st) != 5)
    return MS_ERROR_UNAVAILABLE;
  if (g_str_equal (st, "23505"))
    return MS_ERROR_ALREADY_EXISTS;
  if (g_str_has_prefix (st, "23") || g_str_has_prefix (st, "22"))
    return MS_ERROR_INVALID_OBJECT;
  if (g_str_equal (st, "40001") || g_str_equal (st, "40P01") || g_str_equal (st, "55P03"))
    return MS_ERROR_CONFLICT;
  /* 25006: a write reached a read-only server (a standby, or a promoted one
   * that its HA engine keeps read-only until the old primary is fenced) */
  if (g_str_has_prefix (st, "08") || g_str_has_prefix (st, "53") || g_str_equal (st, "25006")
      || g_str_equal (st, "57P01") || g_str_equal (st, "57P02") || g_str_equal (st, "57P03"))
    return MS_ERROR_UNAVAILABLE;
  return MS_ERROR_INTERNAL;
}

void
ms_pg_set_error (MsPgConn *c, const PGresult *res, GError **error)
{
  const char *st = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  const char *msg = res ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *detail = res ? PQresultErrorField (res, PG_DIAG_MESSAGE_DETAIL) : NULL;

  if (c->outer)
    c->outer_failed = TRUE;        /* PostgreSQL aborted the outer transaction */

  if (c->timed_out)
    {
      /* no answer within the deadline (pg_io.c logged it): whatever was
       * sent may have run, so nothing is retried */
      c->broken = TRUE;
      ms_fail (error, MS_ERROR_UNAVAILABLE, "%s", MS_PG_UNAVAILABLE_MESSAGE);
      return;
    }
  if (PQstatus (c->pg) == CONNECTION_BAD)
    {
      c->broken = TRUE;
      st = NULL;
    }
  if (msg == NULL)
    msg = PQerrorMessage (c->pg);
  g_autofree char *clean = g_strstrip (g_strdup (msg ? msg : "unknown error"));
  MsErrorCode code = ms_pg_sqlstate_code (st);
  if (code == MS_ERROR_UNAVAILABLE)
    {
      /* PostgreSQL's own words name its host or socket: they go to the log,
       * never into a reply */
      ms_warn ("the catalog database is unavailable: %s", clean);
      c->broken = TRUE;         /* reopened on return: the connection string may
                                 * lead to another server (target_session_attrs) */
      ms_fail (error, code, "%s", MS_PG_UNAVAILABLE_MESSAGE);
    }
  else if (detail)
    ms_fail (error, code, "%s (%s)", clean, detail);
  else
    ms_fail (error, code, "%s", clean);
}

static gboolean
result_ok (const PGresult *r)
{
  ExecStatusType s = PQresultStatus (r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

/* A statement may be retried after a reconnect only outside a transaction
 * and only when the connection itself failed; never after a deadline
 * passed. 'commits': the failed round trip would have committed a change
 * it carried (a pipeline ending in COMMIT, or a statement outside a
 * transaction that is not read-only): then only when its request did not
 * leave in full, since PostgreSQL may have run and committed one that did
 * and lost only the answer (sent again, a change would run twice). A
 * BEGIN with its first statement may always go again (what ran was rolled
 * back with the connection), and so may a read-only statement. */
static gboolean
reconnect (MsPgConn *c, gboolean commits)
{
  if (c->in_tx || c->timed_out || PQstatus (c->pg) != CONNECTION_BAD)
    return FALSE;
  if (commits && c->delivered)
    {
      ms_info ("PostgreSQL connection lost after a change was sent: not sent again (it may "
               "have run)");
      c->broken = TRUE;
      return FALSE;
    }
  ms_info ("PostgreSQL connection lost; reconnecting");
  g_hash_table_remove_all (c->prepared);
  PQreset (c->pg);
  if (PQstatus (c->pg) != CONNECTION_OK)
    {
      c->broken = TRUE;
      return FALSE;
    }
  PQsetnonblocking (c->pg, 1);
  c->broken = FALSE;
  return TRUE;
}

/* A round trip that carried COMMIT got no answer in time: whether the
 * transaction committed is not known, which is not "unavailable" (a
 * client would take that as nothing written): MS_ERROR_INTERNAL, which
 * the REST door answers for a commit with 500 CommitStateUnknownException
 * and the Thrift door with MetaException. */
static gboolean
commit_unknown (MsPgConn *c, GError **error)
{
  (void) c;
  return ms_fail (error, MS_ERROR_INTERNAL,
                  "the catalog database did not answer the COMMIT in time: whether the "
                  "change was made is unknown");
}

/* One round trip of a statement text without parameters (BEGIN, COMMIT,
 * ROLLBACK, a script): its result as PQexec gives it, NULL on the
 * deadline or when nothing could be sent (caller owns). */
static PGresult *
exec_simple (MsPgConn *c, const char *text)
{
  if (c->timed_out)
    return NULL;
  gint64 until = ms_pg_io_deadline (c);
  return ms_pg_io_collect (c, PQsendQuery (c->pg, text), until);
}

/* Prepare 'sql' on c's session the first time it runs there; NULL when
 * ready, else the failed result (caller owns). */
static PGresult *
prepare_once (MsPgConn *c, const MsSql *sql, int n)
{
  if (sql->name == NULL || g_hash_table_contains (c->prepared, sql->name))
    return NULL;
  if (c->timed_out)
    return PQmakeEmptyPGresult (NULL, PGRES_FATAL_ERROR);
  gint64 until = ms_pg_io_deadline (c);
  PGresult *p = ms_pg_io_collect (c, PQsendPrepare (c->pg, sql->name, sql->text, n, NULL),
                                  until);
  if (p == NULL)
    return PQmakeEmptyPGresult (c->pg, PGRES_FATAL_ERROR);   /* libpq's message */
  if (!result_ok (p))
    return p;
  PQclear (p);
  g_hash_table_add (c->prepared, (gpointer) sql->name);
  return NULL;
}

static PGresult *
exec_once (MsPgConn *c, const MsSql *sql, int n, const char *const *values)
{
  PGresult *p = prepare_once (c, sql, n);
  if (p != NULL)
    {
      c->delivered = FALSE;     /* the statement itself never left */
      return p;
    }
  if (c->timed_out)
    return NULL;
  gint64 until = ms_pg_io_deadline (c);
  int sent = sql->name != NULL
    ? PQsendQueryPrepared (c->pg, sql->name, n, values, NULL, NULL, 0)
    : PQsendQueryParams (c->pg, sql->text, n, NULL, values, NULL, NULL, 0);
  return ms_pg_io_collect (c, sent, until);
}

/* One statement of a pipeline. */
typedef struct {
  const MsSql *sql;
  int n;
  const char *const *values;
} Step;

static const MsSql sql_begin = { NULL, "BEGIN" };
static const MsSql sql_commit = { NULL, "COMMIT" };

static gboolean
send_step (PGconn *pg, const Step *st)
{
  if (st->sql->name != NULL)
    return PQsendQueryPrepared (pg, st->sql->name, st->n, st->values, NULL, NULL, 0);
  return PQsendQueryParams (pg, st->sql->text, st->n, NULL, st->values, NULL, NULL, 0);
}

/* Run 'steps' in ONE round trip (libpq's pipeline mode) and wait for all
 * of them, the last one's included: a transaction's BEGIN goes with its
 * first statement, its last statement with COMMIT. TRUE with results[i]
 * the first result of steps[i] (caller owns each); FALSE with *failed the
 * first failed result (caller owns; NULL when nothing could be sent) and
 * no results kept. */
/* Prepare the named statements of 'steps' not yet prepared on c: NULL,
 * or the first failed result (caller owns). */
static PGresult *
prepare_steps (MsPgConn *c, const Step *steps, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      PGresult *p = prepare_once (c, steps[i].sql, steps[i].n);
      if (p != NULL)
        return p;
    }
  return NULL;
}

/* Wait for the answers of the 'n' steps sent in c's pipeline ('sent':
 * they and the sync left), then leave pipeline mode; as exec_steps. */
static gboolean
collect_steps (MsPgConn *c, guint n, gboolean sent, gint64 until, PGresult **results,
               PGresult **failed)
{
  PGconn *pg = c->pg;
  guint index = 0;
  int nulls = 0;
  while (sent)
    {
      PGresult *r = ms_pg_io_result (c, until);
      if (r == NULL && c->timed_out)
        break;                        /* no answer in time: c is abandoned */
      if (r == NULL)
        {
          index++;                    /* the end of one statement's results */
          if (++nulls > 8)
            break;                    /* a dead connection: nothing more comes */
          continue;
        }
      nulls = 0;
      if (PQresultStatus (r) == PGRES_PIPELINE_SYNC)
        {
          PQclear (r);                /* every statement has answered */
          break;
        }
      if (!result_ok (r) && *failed == NULL)
        *failed = r;
      else if (index < n && results[index] == NULL)
        results[index] = r;
      else
        PQclear (r);
    }
  if (!PQexitPipelineMode (pg))
    c->broken = TRUE;
  if (*failed == NULL && sent && !c->timed_out)
    return TRUE;
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&results[i], PQclear);
  return FALSE;
}

static gboolean
exec_steps (MsPgConn *c, const Step *steps, guint n, PGresult **results, PGresult **failed)
{
  if ((*failed = prepare_steps (c, steps, n)) != NULL)
    {
      c->delivered = FALSE;     /* no step left */
      return FALSE;
    }
  PGconn *pg = c->pg;
  if (c->timed_out || !PQenterPipelineMode (pg))
    return FALSE;
  gint64 until = ms_pg_io_deadline (c);
  gboolean sent = TRUE;
  for (guint i = 0; i < n && sent; i++)
    sent = send_step (pg, &steps[i]);
  sent = sent && PQpipelineSync (pg) && ms_pg_io_flush (c, until);
  return collect_steps (c, n, sent, until, results, failed);
}

/* Run 'first' (NULL: none) and 'sql' in one round trip; sql's result, or
 * the first failed one (NULL when nothing could be sent); caller owns. */
static PGresult *
exec_pipelined (MsPgConn *c, const MsSql *first, const MsSql *sql, int n,
                const char *const *values)
{
  const Step steps[] = { { first, 0, NULL }, { sql, n, values } };
  guint skip = first == NULL ? 1 : 0;
  PGresult *res[2] = { NULL, NULL }, *failed = NULL;
  if (!exec_steps (c, steps + skip, 2 - skip, res, &failed))
    return failed;
  if (skip == 0)
    PQclear (res[0]);
  return res[1 - skip];
}

/* The end of a transaction's last round trip ('ok': every step
 * answered; 'sent': COMMIT left): on failure *error is set from 'failed'
 * (or says the COMMIT's outcome is unknown) and the transaction rolled
 * back; on success the events' ids are taken from res[ev] and *out (if not
 * NULL) is res[mine] (G_MAXUINT: none), the other results freed. */
static gboolean
finished (MsPgConn *c, gboolean ok, gboolean sent, PGresult *failed, PGresult **res, guint k,
          guint mine, guint ev, PGresult **out, GError **error)
{
  if (!ok)
    {
      if (sent && c->timed_out)
        commit_unknown (c, error);
      else
        ms_pg_set_error (c, failed, error);
      PQclear (failed);
      ms_pg_rollback (c);
      return FALSE;
    }
  c->in_tx = FALSE;
  if (ev != G_MAXUINT)
    ms_store_events_written (c, res[ev]);
  for (guint i = 0; i < k; i++)
    if (i != mine || out == NULL)
      PQclear (res[i]);
  if (mine != G_MAXUINT && out != NULL)
    *out = res[mine];
  return TRUE;
}

/* End c's transaction in ONE round trip: BEGIN (when not sent yet),
 * 'sql' (NULL: none), the pending events' write ('guarded': see
 * ms_store_events_write_init) and COMMIT, waiting for the COMMIT's answer.
 * On success *out (if not NULL) is sql's result (caller owns); on failure
 * the transaction is rolled back and *error set. When BEGIN had not been
 * sent and the connection is found dead, nothing ran: it is re-established
 * and everything sent once more. */
static gboolean
finish (MsPgConn *c, const MsSql *sql, int n, const char *const *values, gboolean guarded,
        PGresult **out, GError **error)
{
  g_auto (MsEventsWrite) w = { 0 };
  Step steps[4];
  guint k = 0, mine = 0, ev = G_MAXUINT;
  if (c->begin_pending)
    steps[k++] = (Step) { &sql_begin, 0, NULL };
  if (sql != NULL)
    steps[mine = k++] = (Step) { sql, n, values };
  if (ms_store_events_write_init (c, guarded, &w))
    steps[ev = k++] = (Step) { w.sql, w.n, w.values };
  steps[k++] = (Step) { &sql_commit, 0, NULL };
  if (c->event_ids != NULL)
    g_array_set_size (c->event_ids, 0);
  PGresult *res[4] = { NULL }, *failed = prepare_steps (c, steps, k);
  gboolean sent = failed == NULL;       /* then COMMIT goes out */
  if (!sent)
    c->delivered = FALSE;
  gboolean ok = sent && exec_steps (c, steps, k, res, &failed);
  if (!ok && c->begin_pending && PQstatus (c->pg) == CONNECTION_BAD)
    {
      c->in_tx = FALSE;
      gboolean again = reconnect (c, TRUE);
      c->in_tx = TRUE;
      if (again)
        {
          g_clear_pointer (&failed, PQclear);
          ok = exec_steps (c, steps, k, res, &failed);
        }
    }
  c->begin_pending = FALSE;
  return finished (c, ok, sent, failed, res, k, sql != NULL ? mine : G_MAXUINT, ev, out, error);
}

/* ms_pg_exec_commit_while with 'sql' sent ahead: BEGIN and 'sql' leave at
 * once, 'fn' runs while PostgreSQL executes them, and the events it queued
 * and COMMIT follow in the same pipeline, whose answers are then awaited.
 * AHEAD_NO when it could not start (nothing left: the caller takes the
 * plain way), else AHEAD_DONE (*out sql's result) or AHEAD_FAILED (*error
 * set, the transaction rolled back). */
enum { AHEAD_NO, AHEAD_DONE, AHEAD_FAILED };
static int
finish_ahead (MsPgConn *c, const MsSql *sql, int n, const char *const *values, MsPgWhileFn fn,
              gpointer user, PGresult **out, GError **error)
{
  if (!c->in_tx || !c->begin_pending || c->outer || c->timed_out || ms_store_idem_bound ())
    return AHEAD_NO;
  /* every statement it may send prepared first (once per connection) */
  Step pre[3] = { { sql, n, NULL } };
  ms_store_events_statements (&pre[1].sql, &pre[1].n, &pre[2].sql, &pre[2].n);
  PGresult *failed = prepare_steps (c, pre, 3);
  if (failed != NULL || !PQenterPipelineMode (c->pg))
    {
      PQclear (failed);
      return AHEAD_NO;
    }
  PGconn *pg = c->pg;
  gint64 until = ms_pg_io_deadline (c);
  Step steps[4] = { { &sql_begin, 0, NULL }, { sql, n, values } };
  guint k = 2;
  gboolean sent = send_step (pg, &steps[0]) && send_step (pg, &steps[1])
                  && ms_pg_io_flush (c, until);
  if (!sent)
    {
      /* nothing left (a connection found dead, say): the plain way
       * reconnects and sends it all once more */
      PGresult *ignored = NULL;
      collect_steps (c, 0, FALSE, until, NULL, &ignored);
      c->delivered = FALSE;
      return AHEAD_NO;
    }
  c->begin_pending = FALSE;
  if (c->event_ids != NULL)
    g_array_set_size (c->event_ids, 0);
  g_autoptr (GError) local = NULL;
  if (!fn (user, &local))
    {
      /* let what was sent end, then roll it back */
      PGresult *res[2] = { NULL }, *ignored = NULL;
      sent = PQpipelineSync (pg) && ms_pg_io_flush (c, until);
      collect_steps (c, k, sent, until, res, &ignored);
      PQclear (ignored);
      for (guint i = 0; i < k; i++)
        PQclear (res[i]);
      ms_pg_rollback (c);
      g_propagate_error (error, g_steal_pointer (&local));
      return AHEAD_FAILED;
    }
  until = ms_pg_io_deadline (c);      /* 'fn' may have taken a while */
  g_auto (MsEventsWrite) w = { 0 };
  guint ev = G_MAXUINT;
  if (ms_store_events_write_init (c, TRUE, &w))
    steps[ev = k++] = (Step) { w.sql, w.n, w.values };
  steps[k++] = (Step) { &sql_commit, 0, NULL };
  for (guint i = 2; i < k && sent; i++)
    sent = send_step (pg, &steps[i]);
  sent = sent && PQpipelineSync (pg) && ms_pg_io_flush (c, until);
  PGresult *res[4] = { NULL };
  gboolean ok = collect_steps (c, k, sent, until, res, &failed);
  return finished (c, ok, sent, failed, res, k, 1, ev, out, error) ? AHEAD_DONE : AHEAD_FAILED;
}

PGresult *
ms_pg_exec_commit_while (MsPgConn *c, const MsSql *sql, int n, const char *const *values,
                         MsPgWhileFn fn, gpointer user, GError **error)
{
  PGresult *r = NULL;
  switch (finish_ahead (c, sql, n, values, fn, user, &r, error))
    {
    case AHEAD_DONE:
      return r;
    case AHEAD_FAILED:
      return NULL;
    default:
      break;
    }
  if (!fn (user, error))
    return NULL;
  ms_pg_commit_next (c);
  return ms_pg_exec (c, sql, n, values, error);
}

void
ms_pg_commit_next (MsPgConn *c)
{
  /* with an Idempotency-Key claim bound, its mark goes before COMMIT
   * (ms_pg_commit): the statement then runs on its own */
  c->commit_next = c->in_tx && !c->outer && !ms_store_idem_bound ();
}

PGresult *
ms_pg_exec (MsPgConn *c, const MsSql *sql, int n, const char *const *values, GError **error)
{
  PGresult *r = NULL;
  if (c->commit_next)
    {
      c->commit_next = FALSE;
      return finish (c, sql, n, values, TRUE, &r, error) ? r : NULL;
    }
  if (c->begin_pending)
    {
      /* the transaction's first statement: BEGIN goes with it; on a
       * connection found dead nothing ran, so reconnect and try once more */
      c->begin_pending = FALSE;
      r = exec_pipelined (c, &sql_begin, sql, n, values);
      if (!result_ok (r) && PQstatus (c->pg) == CONNECTION_BAD)
        {
          c->in_tx = FALSE;
          gboolean again = reconnect (c, FALSE);
          c->in_tx = TRUE;
          if (again)
            {
              PQclear (r);
              r = exec_pipelined (c, &sql_begin, sql, n, values);
            }
        }
    }
  else
    r = exec_once (c, sql, n, values);
  /* outside a transaction a statement commits what it changes: sent again
   * only when it left in part, or changes nothing (read_only) */
  if (!result_ok (r) && reconnect (c, !sql->read_only))
    {
      PQclear (r);
      r = exec_once (c, sql, n, values);
    }
  if (!result_ok (r))
    {
      ms_pg_set_error (c, r, error);
      PQclear (r);
      return NULL;
    }
  return r;
}

PGresult *
ms_pg_exec_text (MsPgConn *c, const char *text, int n, const char *const *values, GError **error)
{
  MsSql sql = { NULL, text, FALSE };
  return ms_pg_exec (c, &sql, n, values, error);
}

PGresult *
ms_pg_read_text (MsPgConn *c, const char *text, int n, const char *const *values, GError **error)
{
  MsSql sql = { NULL, text, TRUE };
  return ms_pg_exec (c, &sql, n, values, error);
}

PGresult *
ms_pg_exec_unique (MsPgConn *c, const MsSql *sql, int n, const char *const *values,
                   GError **error, const char *fmt, ...)
{
  g_autoptr (GError) local = NULL;
  PGresult *r = ms_pg_exec (c, sql, n, values, &local);
  if (r != NULL)
    return r;
  if (g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
    {
      va_list ap;
      va_start (ap, fmt);
      g_autofree char *msg = g_strdup_vprintf (fmt, ap);
      va_end (ap);
      ms_fail (error, MS_ERROR_ALREADY_EXISTS, "%s", msg);
    }
  else
    g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

static gboolean send_begin (MsPgConn *c, GError **error);

gboolean
ms_pg_exec_script (MsPgConn *c, const char *script, GError **error)
{
  if (c->begin_pending && !send_begin (c, error))
    return FALSE;
  g_autoptr (PGresult) r = exec_simple (c, script);
  if (!result_ok (r))
    {
      ms_pg_set_error (c, r, error);
      return FALSE;
    }
  return TRUE;
}

/* The BEGIN of a transaction whose first statement does not carry it. */
static gboolean
send_begin (MsPgConn *c, GError **error)
{
  c->begin_pending = FALSE;
  g_autoptr (PGresult) r = exec_simple (c, "BEGIN");
  if (!result_ok (r))
    {
      ms_pg_set_error (c, r, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
ms_pg_begin (MsPgConn *c, GError **error)
{
  if (c->outer)
    {
      c->depth++;
      return TRUE;
    }
  /* sent with the first statement (exec_pipelined): no round trip of its own */
  c->in_tx = TRUE;
  c->begin_pending = TRUE;
  return TRUE;
}

gboolean
ms_pg_commit (MsPgConn *c, GError **error)
{
  if (c->outer)
    {
      c->depth = MAX (c->depth - 1, 0);
      return TRUE;
    }
  if (!c->in_tx)
    return TRUE;              /* a change that ran on its own (ms_store_begin_logged) */
  c->commit_next = FALSE;
  gboolean events = c->events != NULL && c->events->len > 0;
  if (!events && c->begin_pending)
    {
      /* nothing ran: nothing to commit */
      if (c->event_ids != NULL)
        g_array_set_size (c->event_ids, 0);
      c->begin_pending = FALSE;
      c->in_tx = FALSE;
      return TRUE;
    }
  /* the Idempotency-Key record of the request, in the same transaction */
  if (!ms_store_idem_mark (c, error))
    {
      ms_pg_rollback (c);
      return FALSE;
    }
  /* the pending events are the last statement, sent with the COMMIT */
  if (events)
    return finish (c, NULL, 0, NULL, FALSE, NULL, error);
  if (c->event_ids != NULL)
    g_array_set_size (c->event_ids, 0);
  gboolean was_timed_out = c->timed_out;
  g_autoptr (PGresult) r = exec_simple (c, "COMMIT");
  c->in_tx = FALSE;
  if (!result_ok (r) && c->timed_out && !was_timed_out)
    return commit_unknown (c, error);
  if (!result_ok (r))
    {
      ms_pg_set_error (c, r, error);
      return FALSE;
    }
  return TRUE;
}

void
ms_pg_rollback (MsPgConn *c)
{
  if (c->outer)
    {
      /* a store function gave up inside the outer transaction: it fails
       * whole (a release after a COMMIT, depth 0, changes nothing) */
      if (c->depth > 0)
        c->outer_failed = TRUE;
      c->depth = MAX (c->depth - 1, 0);
      return;
    }
  ms_store_events_discard (c);
  c->commit_next = FALSE;
  if (!c->in_tx)
    return;
  c->in_tx = FALSE;
  if (c->begin_pending)
    {
      c->begin_pending = FALSE;     /* BEGIN was never sent */
      return;
    }
  if (c->timed_out || PQstatus (c->pg) != CONNECTION_OK)
    {
      c->broken = TRUE;
      return;
    }
  g_autoptr (PGresult) r = exec_simple (c, "ROLLBACK");
  if (!result_ok (r))
    c->broken = TRUE;
}

static void
notice_ignore (void *arg, const char *message)
{
  (void) arg;
  ms_debug ("PostgreSQL notice: %s", message);
}

/* The start-up options that set the session's statement_timeout and
 * idle_in_transaction_session_timeout to 'ms', followed by the options the
 * connection string gives (a later -c of the same setting wins). NULL when
 * the string cannot be parsed (the connection attempt then says why). */
static char *
session_options (const char *conninfo, int ms)
{
  PQconninfoOption *opts = PQconninfoParse (conninfo, NULL);
  if (opts == NULL)
    return NULL;
  const char *own = NULL;
  for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
    if (g_str_equal (o->keyword, "options"))
      own = o->val;
  char *out = g_strdup_printf ("-c statement_timeout=%d -c idle_in_transaction_session_timeout=%d"
                               "%s%s", ms, ms, own ? " " : "", own ? own : "");
  PQconninfoFree (opts);
  return out;
}

MsPgConn *
ms_pg_connect (const char *conninfo, const char *password, int connect_timeout_s, GError **error)
{
  return ms_pg_connect_with (conninfo, password, connect_timeout_s, 0, FALSE, error);
}

MsPgConn *
ms_pg_connect_with (const char *conninfo, const char *password, int connect_timeout_s,
                    int deadline_ms, gboolean session_timeouts, GError **error)
{
  const char *keys[7];
  const char *vals[7];
  int n = 0;
  g_autofree char *timeout = g_strdup_printf ("%d", connect_timeout_s);
  g_autofree char *options = session_timeouts && deadline_ms > 0
                             ? session_options (conninfo, deadline_ms) : NULL;

  keys[n] = "dbname"; vals[n++] = conninfo;
  keys[n] = "fallback_application_name"; vals[n++] = "metastore";
  keys[n] = "connect_timeout"; vals[n++] = timeout;
  if (options != NULL)
    {
      keys[n] = "options";        /* after dbname: replaces the string's, which it holds */
      vals[n++] = options;
    }
  if (password != NULL)
    {
      keys[n] = "password";
      vals[n++] = password;
    }
  keys[n] = NULL;
  vals[n] = NULL;

  PGconn *pg = PQconnectdbParams (keys, vals, 1);
  if (pg == NULL || PQstatus (pg) != CONNECTION_OK)
    {
      g_autofree char *msg = g_strstrip (g_strdup (pg ? PQerrorMessage (pg) : "out of memory"));
      ms_warn ("cannot connect to the catalog database: %s", msg);
      ms_fail (error, MS_ERROR_UNAVAILABLE, "%s", MS_PG_UNAVAILABLE_MESSAGE);
      PQfinish (pg);
      return NULL;
    }
  PQsetNoticeProcessor (pg, notice_ignore, NULL);
  PQsetnonblocking (pg, 1);       /* sent and awaited by pg_io.c */
  MsPgConn *c = g_new0 (MsPgConn, 1);
  c->pg = pg;
  c->deadline_ms = deadline_ms;
  c->session_timeouts = options != NULL;
  c->prepared = g_hash_table_new (g_str_hash, g_str_equal);
  return c;
}

void
ms_pg_conn_close (MsPgConn *c)
{
  if (c == NULL)
    return;
  PQfinish (c->pg);
  g_hash_table_unref (c->prepared);
  if (c->events != NULL)
    g_ptr_array_unref (c->events);
  if (c->event_ids != NULL)
    g_array_unref (c->event_ids);
  g_free (c);
}

void
ms_pg_conn_release (MsPgConn *c)
{
  if (c == NULL || c->outer)
    return;                     /* the outer transaction's owner releases it */
  ms_pg_rollback (c);
  if (c->pool != NULL)
    ms_pool_put (c->pool, c);
  else
    ms_pg_conn_close (c);
}

char *
ms_pg_array_literal (const char *const *items, guint n)
{
  GString *out = g_string_new ("{");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (items[i] == NULL)
        {
          g_string_append (out, "NULL");
          continue;
        }
      g_string_append_c (out, '"');
      for (const char *p = items[i]; *p; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
ms_pg_dup (const PGresult *r, int row, int col)
{
  return PQgetisnull (r, row, col) ? NULL : g_strdup (PQgetvalue (r, row, col));
}

int
ms_pg_int (const PGresult *r, int row, int col, int dflt)
{
  return PQgetisnull (r, row, col) ? dflt : atoi (PQgetvalue (r, row, col));
}

gint64
ms_pg_int64 (const PGresult *r, int row, int col, gint64 dflt)
{
  return PQgetisnull (r, row, col) ? dflt : g_ascii_strtoll (PQgetvalue (r, row, col), NULL, 10);
}

gboolean
ms_pg_bool (const PGresult *r, int row, int col)
{
  return !PQgetisnull (r, row, col) && PQgetvalue (r, row, col)[0] == 't';
}

GPtrArray *
ms_pg_column_strings (const PGresult *r, int col)
{
  GPtrArray *out = g_ptr_array_new_full (PQntuples (r), g_free);
  for (int i = 0; i < PQntuples (r); i++)
    g_ptr_array_add (out, ms_pg_dup (r, i, col));
  return out;
}

void
ms_pg_read_row (const PGresult *r, int row, int first, gpointer obj, const MsPgColumn *cols,
                gsize n)
{
  for (gsize j = 0; j < n; j++)
    {
      int col = first + (int) j;
      gpointer m = G_STRUCT_MEMBER_P (obj, cols[j].offset);
      switch (cols[j].kind)
        {
        case MS_PG_STR:
          *(char **) m = ms_pg_dup (r, row, col);
          break;
        case MS_PG_INT:
          *(int *) m = ms_pg_int (r, row, col, cols[j].dflt);
          break;
        case MS_PG_INT64:
          *(gint64 *) m = ms_pg_int64 (r, row, col, cols[j].dflt);
          break;
        case MS_PG_BOOL:
          *(gboolean *) m = ms_pg_bool (r, row, col);
          break;
        }
    }
}

GPtrArray *
ms_pg_map_rows (const PGresult *r, MsPgRowFunc from_row, GDestroyNotify free_item)
{
  GPtrArray *out = g_ptr_array_new_full (PQntuples (r), free_item);
  for (int i = 0; i < PQntuples (r); i++)
    g_ptr_array_add (out, from_row (r, i));
  return out;
}
