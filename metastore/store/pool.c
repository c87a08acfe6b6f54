/*
 * pool.c: a mutex + condition variable pool of MsPgConn.
 *
 * Invariant: open = in_use + idle->len + opening (slots reserved by a caller
 * that is connecting outside the lock), and open <= size. An idle
 * connection the server has closed is dropped when a caller would get it,
 * so after a restart or a failover no caller fails on a dead connection.
 */
#include "store/pool.h"
#include "core/log.h"
#include <string.h>
#include <stdarg.h>

struct _MsPool {
  GMutex lock;
  GCond freed;
  GPtrArray *idle;           /* MsPgConn*, ready to use */
  char *conninfo;
  char *password;
  int size;
  /* the timeouts in force (ms_pool_set_timeouts; a SIGHUP may change
   * them): read under the lock */
  int wait_ms, connect_timeout_s;
  int deadline_ms;           /* each connection's */
  gboolean session_timeouts;
  gint64 give_up_at;         /* atomic; 0: not stopping (ms_pool_give_up) */
  int open, in_use, waiting;
  guint64 reconnects;
};

MsPool *
ms_pool_new (const char *conninfo, const char *password, int size, int wait_ms,
             int connect_timeout_s)
{
  MsPool *p = g_new0 (MsPool, 1);
  g_mutex_init (&p->lock);
  g_cond_init (&p->freed);
  p->idle = g_ptr_array_new ();
  p->conninfo = g_strdup (conninfo);
  p->password = g_strdup (password);
  p->size = size;
  p->wait_ms = wait_ms;
  p->connect_timeout_s = connect_timeout_s;
  return p;
}

void
ms_pool_free (MsPool *p)
{
  if (p == NULL)
    return;
  for (guint i = 0; i < p->idle->len; i++)
    ms_pg_conn_close (g_ptr_array_index (p->idle, i));
  g_ptr_array_unref (p->idle);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->freed);
  g_free (p->conninfo);
  if (p->password)
    memset (p->password, 0, strlen (p->password));
  g_free (p->password);
  g_free (p);
}

/* Whether an idle connection may be handed out: libpq reads, without
 * waiting, whatever the server sent meanwhile (on an idle connection, only
 * a goodbye such as "terminating connection due to administrator
 * command"), and a closed socket marks the connection bad. Two reads: the
 * first may stop after the goodbye, before the end of the stream. */
static gboolean
idle_alive (MsPgConn *c)
{
  for (int i = 0; i < 2; i++)
    if (!PQconsumeInput (c->pg) || PQstatus (c->pg) != CONNECTION_OK)
      return FALSE;
  return TRUE;
}

/* Whether idle connection c was opened under the session timeouts now in
 * force (lock held). Its own deadline is brought up to date here: only
 * the session's settings, given at start-up, need a new session. */
static gboolean
idle_current (MsPool *p, MsPgConn *c)
{
  gboolean want = p->session_timeouts && p->deadline_ms > 0;
  if (c->session_timeouts != want || (want && c->deadline_ms != p->deadline_ms))
    return FALSE;
  c->deadline_ms = p->deadline_ms;
  return TRUE;
}

/* The connection of this thread's outer transaction (ms_pool_pin). */
static GPrivate pinned_conn;

MsPgConn *
ms_pool_get (MsPool *p, GError **error)
{
  MsPgConn *pinned = g_private_get (&pinned_conn);
  if (pinned != NULL && pinned->pool == p)
    return pinned;              /* this thread's outer transaction */

  g_mutex_lock (&p->lock);
  int wait_ms = p->wait_ms;
  gint64 deadline = g_get_monotonic_time () + (gint64) wait_ms * 1000;
  for (;;)
    {
      /* a stopping server gives up waiting at its give-up time too, and
       * opens no connection after it */
      gint64 give_up = ms_pool_give_up_at (p);
      gint64 until = give_up > 0 ? MIN (deadline, give_up) : deadline;
      if (give_up > 0 && g_get_monotonic_time () >= give_up)
        {
          g_mutex_unlock (&p->lock);
          ms_fail (error, MS_ERROR_UNAVAILABLE,
                   "the server is stopping: no catalog database connection for a new call");
          return NULL;
        }
      if (p->idle->len > 0)
        {
          MsPgConn *c = g_ptr_array_steal_index_fast (p->idle, p->idle->len - 1);
          if (!idle_alive (c))
            {
              /* the server closed it (a restart, a failover): its slot is
               * reopened, resolving the connection string again */
              ms_pg_conn_close (c);
              p->open--;
              p->reconnects++;
              continue;
            }
          if (!idle_current (p, c))
            {
              /* opened before a reload changed the session's timeouts */
              ms_pg_conn_close (c);
              p->open--;
              continue;
            }
          p->in_use++;
          g_mutex_unlock (&p->lock);
          return c;
        }
      if (p->open < p->size)
        break;
      p->waiting++;
      gboolean signalled = g_cond_wait_until (&p->freed, &p->lock, until);
      p->waiting--;
      if (!signalled && p->idle->len == 0 && p->open >= p->size && until == deadline)
        {
          g_mutex_unlock (&p->lock);
          ms_fail (error, MS_ERROR_UNAVAILABLE,
                   "no catalog database connection free within %d ms (pool of %d)",
                   wait_ms, p->size);
          return NULL;
        }
    }
  /* reserve a slot, connect outside the lock (with the timeouts in force
   * now: a reload may change them meanwhile) */
  p->open++;
  p->in_use++;
  int connect_timeout_s = p->connect_timeout_s, deadline_ms = p->deadline_ms;
  gboolean session_timeouts = p->session_timeouts;
  g_mutex_unlock (&p->lock);

  MsPgConn *c = ms_pg_connect_with (p->conninfo, p->password, connect_timeout_s,
                                    deadline_ms, session_timeouts, error);
  if (c == NULL)
    {
      g_mutex_lock (&p->lock);
      p->open--;
      p->in_use--;
      g_cond_signal (&p->freed);
      g_mutex_unlock (&p->lock);
      return NULL;
    }
  c->pool = p;
  return c;
}

PGresult *
ms_pool_exec (MsPool *p, const MsSql *sql, int n, const char *const *values, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (p, error);
  if (c == NULL)
    return NULL;
  return ms_pg_exec (c, sql, n, values, error);
}

PGresult *
ms_pool_exec_found (MsPool *p, const MsSql *sql, int n, const char *const *values, GError **error,
                    const char *fmt, ...)
{
  g_autoptr (PGresult) r = ms_pool_exec (p, sql, n, values, error);
  if (r == NULL)
    return NULL;
  if (PQntuples (r) == 0)
    {
      va_list ap;
      va_start (ap, fmt);
      g_autofree char *msg = g_strdup_vprintf (fmt, ap);
      va_end (ap);
      ms_fail (error, MS_ERROR_NOT_FOUND, "%s", msg);
      return NULL;
    }
  return g_steal_pointer (&r);
}

gboolean
ms_pool_clean_batches (MsPool *p, const MsSql *sql, int n, const char *const *values,
                       gint64 batch, gint64 *deleted, gboolean *ran, GError **error)
{
  *deleted = 0;
  *ran = FALSE;
  for (;;)
    {
      g_autoptr (PGresult) r = ms_pool_exec (p, sql, n, values, error);
      if (r == NULL)
        return FALSE;
      *ran = ms_pg_bool (r, 0, 0);
      gint64 gone = ms_pg_int64 (r, 0, 1, 0);
      *deleted += gone;
      if (!*ran || gone < batch)
        return TRUE;
    }
}

void
ms_pool_put (MsPool *p, MsPgConn *c)
{
  gboolean broken = c->broken || PQstatus (c->pg) != CONNECTION_OK
                    || PQtransactionStatus (c->pg) != PQTRANS_IDLE;
  if (broken)
    {
      ms_pg_conn_close (c);
      c = NULL;
    }
  g_mutex_lock (&p->lock);
  p->in_use--;
  if (c != NULL)
    g_ptr_array_add (p->idle, c);
  else
    {
      p->open--;
      p->reconnects++;
    }
  g_cond_signal (&p->freed);
  g_mutex_unlock (&p->lock);
}

gboolean
ms_pool_set_timeouts (MsPool *p, const MsPoolTimeouts *t)
{
  g_mutex_lock (&p->lock);
  gboolean changed = p->wait_ms != t->wait_ms || p->connect_timeout_s != t->connect_timeout_s
                     || p->deadline_ms != t->deadline_ms
                     || p->session_timeouts != t->session_timeouts;
  p->wait_ms = t->wait_ms;
  p->connect_timeout_s = t->connect_timeout_s;
  p->deadline_ms = t->deadline_ms;
  p->session_timeouts = t->session_timeouts;
  g_mutex_unlock (&p->lock);
  return changed;
}

MsPoolTimeouts
ms_pool_timeouts (MsPool *p)
{
  g_mutex_lock (&p->lock);
  MsPoolTimeouts t = { p->wait_ms, p->connect_timeout_s, p->deadline_ms, p->session_timeouts };
  g_mutex_unlock (&p->lock);
  return t;
}

void
ms_pool_set_deadline (MsPool *p, int deadline_ms, gboolean session_timeouts)
{
  MsPoolTimeouts t = ms_pool_timeouts (p);
  t.deadline_ms = deadline_ms;
  t.session_timeouts = session_timeouts;
  ms_pool_set_timeouts (p, &t);
}

void
ms_pool_give_up (MsPool *p, int after_ms)
{
  gint64 at = g_get_monotonic_time () + (gint64) MAX (after_ms, 0) * 1000;
  __atomic_store_n (&p->give_up_at, MAX (at, 1), __ATOMIC_RELEASE);
  /* callers waiting for a connection wait no longer than that either */
  g_mutex_lock (&p->lock);
  g_cond_broadcast (&p->freed);
  g_mutex_unlock (&p->lock);
}

gint64
ms_pool_give_up_at (MsPool *p)
{
  return __atomic_load_n (&p->give_up_at, __ATOMIC_ACQUIRE);
}

MsPoolStats
ms_pool_stats (MsPool *p)
{
  MsPoolStats s;
  g_mutex_lock (&p->lock);
  s.size = p->size;
  s.open = p->open;
  s.in_use = p->in_use;
  s.waiting = p->waiting;
  s.reconnects = p->reconnects;
  g_mutex_unlock (&p->lock);
  return s;
}

gboolean
ms_pool_pin (MsPool *p, GError **error)
{
  g_return_val_if_fail (g_private_get (&pinned_conn) == NULL, FALSE);
  MsPgConn *c = ms_pool_get (p, error);
  if (c == NULL)
    return FALSE;
  ms_pg_begin (c, NULL);
  c->outer = TRUE;
  c->depth = 0;
  c->outer_failed = FALSE;
  g_private_set (&pinned_conn, c);
  return TRUE;
}

gboolean
ms_pool_unpin (MsPool *p, gboolean commit, GError **error)
{
  MsPgConn *c = g_private_get (&pinned_conn);
  g_return_val_if_fail (c != NULL && c->pool == p, FALSE);
  g_private_set (&pinned_conn, NULL);
  gboolean failed = c->outer_failed;
  c->outer = FALSE;
  c->depth = 0;
  c->outer_failed = FALSE;
  gboolean ok = TRUE;
  if (commit && failed)
    ok = ms_fail (error, MS_ERROR_INTERNAL,
                  "a statement of the transaction failed: nothing of it was written");
  else if (commit)
    ok = ms_pg_commit (c, error);
  ms_pg_conn_release (c);     /* rolls back what was not committed */
  return ok;
}
