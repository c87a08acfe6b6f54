/*
 * pg.c: statement execution, transactions and SQLSTATE mapping over libpq.
 *
 * Statements are prepared once per PostgreSQL session the first time they
 * run on it (ms_pg_exec), so a hot read is one Bind/Execute round trip.
 */
#include "store/pg.h"
#include "store/pool.h"
#include "store/events.h"
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
  if (g_str_has_prefix (st, "08") || g_str_has_prefix (st, "53")
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
 * and only when the connection itself failed (nothing ran). */
static gboolean
reconnect (MsPgConn *c)
{
  if (c->in_tx || PQstatus (c->pg) != CONNECTION_BAD)
    return FALSE;
  ms_info ("PostgreSQL connection lost; reconnecting");
  g_hash_table_remove_all (c->prepared);
  PQreset (c->pg);
  if (PQstatus (c->pg) != CONNECTION_OK)
    {
      c->broken = TRUE;
      return FALSE;
    }
  c->broken = FALSE;
  return TRUE;
}

/* Prepare 'sql' on c's session the first time it runs there; NULL when
 * ready, else the failed result (caller owns). */
static PGresult *
prepare_once (MsPgConn *c, const MsSql *sql, int n)
{
  if (sql->name == NULL || g_hash_table_contains (c->prepared, sql->name))
    return NULL;
  PGresult *p = PQprepare (c->pg, sql->name, sql->text, n, NULL);
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
    return p;
  if (sql->name != NULL)
    return PQexecPrepared (c->pg, sql->name, n, values, NULL, NULL, 0);
  return PQexecParams (c->pg, sql->text, n, NULL, values, NULL, NULL, 0);
}

/* Run 'first' (no parameters; NULL: none), 'sql' and 'then' (no
 * parameters; NULL: none) in ONE round trip (libpq's pipeline mode): a
 * transaction's BEGIN goes with its first statement, its last statement
 * with COMMIT. Returns the first failed result, else sql's (caller owns);
 * NULL when nothing could be sent. */
static PGresult *
exec_pipelined (MsPgConn *c, const char *first, const MsSql *sql, int n,
                const char *const *values, const char *then)
{
  PGresult *prep = prepare_once (c, sql, n);
  if (prep != NULL)
    return prep;
  PGconn *pg = c->pg;
  if (!PQenterPipelineMode (pg))
    return NULL;
  gboolean sent = (first == NULL || PQsendQueryParams (pg, first, 0, NULL, NULL, NULL, NULL, 0))
                  && (sql->name ? PQsendQueryPrepared (pg, sql->name, n, values, NULL, NULL, 0)
                                : PQsendQueryParams (pg, sql->text, n, NULL, values, NULL, NULL, 0))
                  && (then == NULL || PQsendQueryParams (pg, then, 0, NULL, NULL, NULL, NULL, 0))
                  && PQpipelineSync (pg);
  int mine = first ? 1 : 0;           /* index of sql's result */
  int index = 0, nulls = 0;
  PGresult *keep = NULL, *failed = NULL;
  while (sent)
    {
      PGresult *r = PQgetResult (pg);
      if (r == NULL)
        {
          index++;                    /* the end of one statement's results */
          if (++nulls > 8)
            break;                    /* a dead connection: nothing more comes */
          continue;
        }
      nulls = 0;
      ExecStatusType st = PQresultStatus (r);
      if (st == PGRES_PIPELINE_SYNC)
        {
          PQclear (r);
          break;
        }
      if (!result_ok (r) && failed == NULL)
        failed = r;
      else if (index == mine && keep == NULL)
        keep = r;
      else
        PQclear (r);
    }
  if (!PQexitPipelineMode (pg))
    c->broken = TRUE;
  if (failed != NULL || !sent)
    {
      if (keep != NULL)
        PQclear (keep);
      return failed;
    }
  return keep;
}

PGresult *
ms_pg_exec (MsPgConn *c, const MsSql *sql, int n, const char *const *values, GError **error)
{
  PGresult *r;
  if (c->begin_pending)
    {
      /* the transaction's first statement: BEGIN goes with it; on a
       * connection found dead nothing ran, so reconnect and try once more */
      c->begin_pending = FALSE;
      r = exec_pipelined (c, "BEGIN", sql, n, values, NULL);
      if (!result_ok (r) && PQstatus (c->pg) == CONNECTION_BAD)
        {
          c->in_tx = FALSE;
          gboolean again = reconnect (c);
          c->in_tx = TRUE;
          if (again)
            {
              PQclear (r);
              r = exec_pipelined (c, "BEGIN", sql, n, values, NULL);
            }
        }
    }
  else
    r = exec_once (c, sql, n, values);
  if (!result_ok (r) && reconnect (c))
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
  MsSql sql = { NULL, text };
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

PGresult *
ms_pg_exec_commit (MsPgConn *c, const MsSql *sql, int n, const char *const *values,
                   GError **error)
{
  if (c->outer)
    {
      /* part of the outer transaction: its COMMIT comes later */
      PGresult *r = ms_pg_exec (c, sql, n, values, error);
      ms_pg_commit (c, NULL);
      return r;
    }
  PGresult *r = exec_pipelined (c, c->begin_pending ? "BEGIN" : NULL, sql, n, values, "COMMIT");
  c->begin_pending = FALSE;
  if (!result_ok (r))
    {
      ms_pg_set_error (c, r, error);
      PQclear (r);
      ms_pg_rollback (c);
      return NULL;
    }
  c->in_tx = FALSE;
  return r;
}

gboolean
ms_pg_exec_script (MsPgConn *c, const char *script, GError **error)
{
  if (c->begin_pending && !send_begin (c, error))
    return FALSE;
  g_autoptr (PGresult) r = PQexec (c->pg, script);
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
  g_autoptr (PGresult) r = PQexec (c->pg, "BEGIN");
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
  if (c->event_ids != NULL)
    g_array_set_size (c->event_ids, 0);
  if (c->begin_pending)
    {
      /* nothing ran: nothing to commit */
      c->begin_pending = FALSE;
      c->in_tx = FALSE;
      return TRUE;
    }
  /* the pending events are the last statement, sent with the COMMIT */
  if (c->events != NULL && c->events->len > 0)
    return ms_store_events_flush (c, error);
  g_autoptr (PGresult) r = PQexec (c->pg, "COMMIT");
  c->in_tx = FALSE;
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
  if (!c->in_tx)
    return;
  c->in_tx = FALSE;
  if (c->begin_pending)
    {
      c->begin_pending = FALSE;     /* BEGIN was never sent */
      return;
    }
  if (PQstatus (c->pg) != CONNECTION_OK)
    {
      c->broken = TRUE;
      return;
    }
  g_autoptr (PGresult) r = PQexec (c->pg, "ROLLBACK");
  if (!result_ok (r))
    c->broken = TRUE;
}

static void
notice_ignore (void *arg, const char *message)
{
  (void) arg;
  ms_debug ("PostgreSQL notice: %s", message);
}

MsPgConn *
ms_pg_connect (const char *conninfo, const char *password, int connect_timeout_s, GError **error)
{
  const char *keys[6];
  const char *vals[6];
  int n = 0;
  g_autofree char *timeout = g_strdup_printf ("%d", connect_timeout_s);

  keys[n] = "dbname"; vals[n++] = conninfo;
  keys[n] = "fallback_application_name"; vals[n++] = "metastore";
  keys[n] = "connect_timeout"; vals[n++] = timeout;
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
  MsPgConn *c = g_new0 (MsPgConn, 1);
  c->pg = pg;
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
