/*
 * pg_io.c: flushing and awaiting libpq's nonblocking connections with
 * poll() under a deadline (see pg_io.h).
 */
#include "store/pg_io.h"
#include "store/pool.h"
#include "core/log.h"
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

/* How often a wait looks at its pool's give-up time (ms_pool_give_up),
 * which a stopping server sets while the wait is under way. */
#define GIVE_UP_CHECK_MS 200

gint64
ms_pg_io_deadline (const MsPgConn *c)
{
  if (c->deadline_ms <= 0)
    return G_MAXINT64;
  return g_get_monotonic_time () + (gint64) c->deadline_ms * 1000;
}

/* Give up on c: nothing more is sent or awaited on it, and its pool closes
 * it on return. */
static void
abandon (MsPgConn *c, gboolean stopping)
{
  c->timed_out = TRUE;
  c->broken = TRUE;
  if (c->outer)
    c->outer_failed = TRUE;
  int fd = PQsocket (c->pg);
  if (fd >= 0)
    shutdown (fd, SHUT_RDWR);
  if (stopping)
    ms_warn ("the server is stopping: a PostgreSQL statement still unanswered is abandoned "
             "and its connection closed");
  else
    ms_warn ("PostgreSQL did not answer within %d ms (database.statement_timeout_ms): the "
             "call fails and its connection is closed", c->deadline_ms);
}

/* Wait until c's socket is ready for 'events' (TRUE; also when it failed:
 * libpq's next call reports that), or until the deadline or the pool's
 * give-up time passes (FALSE: c is abandoned). */
static gboolean
wait_socket (MsPgConn *c, short events, gint64 until)
{
  int fd = PQsocket (c->pg);
  if (fd < 0)
    return TRUE;
  for (;;)
    {
      gint64 give_up = c->pool != NULL ? ms_pool_give_up_at (c->pool) : 0;
      gboolean stopping = give_up > 0 && give_up < until;
      gint64 limit = stopping ? give_up : until;
      gint64 now = g_get_monotonic_time ();
      if (now >= limit)
        {
          abandon (c, stopping);
          return FALSE;
        }
      int ms = -1;
      if (limit != G_MAXINT64)
        ms = (int) MIN ((limit - now + 999) / 1000, (gint64) G_MAXINT);
      if (c->pool != NULL && (ms < 0 || ms > GIVE_UP_CHECK_MS))
        ms = GIVE_UP_CHECK_MS;
      struct pollfd p = { .fd = fd, .events = events };
      int n = poll (&p, 1, ms);
      if (n > 0 || (n < 0 && errno != EINTR))
        return TRUE;
    }
}

gboolean
ms_pg_io_flush (MsPgConn *c, gint64 until)
{
  c->delivered = FALSE;
  if (c->timed_out)
    return FALSE;
  for (;;)
    {
      int r = PQflush (c->pg);
      if (r == 0)
        return c->delivered = TRUE;
      if (r < 0)
        return FALSE;
      /* the server may be waiting for us to read before it reads more */
      if (!wait_socket (c, POLLIN | POLLOUT, until) || !PQconsumeInput (c->pg))
        return FALSE;
    }
}

PGresult *
ms_pg_io_result (MsPgConn *c, gint64 until)
{
  if (c->timed_out)
    return NULL;
  while (PQisBusy (c->pg))
    {
      if (!wait_socket (c, POLLIN, until))
        return NULL;
      if (!PQconsumeInput (c->pg))
        {
          /* the connection failed: PQgetResult says so, at once (a socket
           * libpq still reads from is shut down so that it cannot wait) */
          if (PQisBusy (c->pg) && PQsocket (c->pg) >= 0)
            {
              c->broken = TRUE;
              shutdown (PQsocket (c->pg), SHUT_RDWR);
            }
          break;
        }
    }
  return PQgetResult (c->pg);
}

PGresult *
ms_pg_io_collect (MsPgConn *c, int sent, gint64 until)
{
  if (!sent || !ms_pg_io_flush (c, until))
    return NULL;
  PGresult *keep = NULL;
  for (;;)
    {
      PGresult *r = ms_pg_io_result (c, until);
      if (r == NULL)
        break;
      ExecStatusType s = keep != NULL ? PQresultStatus (keep) : PGRES_COMMAND_OK;
      if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        PQclear (r);            /* the first failure is the answer */
      else
        {
          PQclear (keep);
          keep = r;
        }
    }
  if (c->timed_out)
    g_clear_pointer (&keep, PQclear);
  return keep;
}
