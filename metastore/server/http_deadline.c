/*
 * http_deadline.c: per-request arrival deadlines on the HTTP listeners
 * (see http_deadline.h).
 */
#include "server/http_deadline.h"
#include "core/log.h"
#include <sys/socket.h>

typedef struct {
  MsHttpDeadlines *owner;
  int fd;
  gint64 deadline;             /* monotonic µs; 0: none (a request is being handled) */
  gboolean cut;
} Watch;

struct _MsHttpDeadlines {
  GMutex lock;
  GHashTable *watches;         /* Watch* set */
  gint64 timeout_us;
  GThread *sweeper;
  GCond wake;
  gboolean stopping;
  guint64 cut;
};

static gpointer
sweep (gpointer data)
{
  MsHttpDeadlines *d = data;
  g_mutex_lock (&d->lock);
  while (!d->stopping)
    {
      gint64 now = g_get_monotonic_time ();
      guint cut_now = 0;
      GHashTableIter it;
      gpointer key;
      g_hash_table_iter_init (&it, d->watches);
      while (g_hash_table_iter_next (&it, &key, NULL))
        {
          Watch *w = key;
          if (w->cut || w->deadline == 0 || now < w->deadline)
            continue;
          shutdown (w->fd, SHUT_RDWR);
          w->cut = TRUE;
          cut_now++;
        }
      d->cut += cut_now;
      if (cut_now > 0)
        ms_info ("closed %u HTTP connection(s) whose request did not arrive whole within %"
                 G_GINT64_FORMAT " s", cut_now, d->timeout_us / G_USEC_PER_SEC);
      g_cond_wait_until (&d->wake, &d->lock, g_get_monotonic_time () + G_USEC_PER_SEC / 4);
    }
  g_mutex_unlock (&d->lock);
  return NULL;
}

MsHttpDeadlines *
ms_http_deadlines_new (int timeout_s)
{
  MsHttpDeadlines *d = g_new0 (MsHttpDeadlines, 1);
  g_mutex_init (&d->lock);
  g_cond_init (&d->wake);
  d->watches = g_hash_table_new_full (NULL, NULL, g_free, NULL);
  d->timeout_us = (gint64) MAX (timeout_s, 1) * G_USEC_PER_SEC;
  d->sweeper = g_thread_new ("http-deadlines", sweep, d);
  return d;
}

void
ms_http_deadlines_free (MsHttpDeadlines *d)
{
  if (d == NULL)
    return;
  g_mutex_lock (&d->lock);
  d->stopping = TRUE;
  g_cond_signal (&d->wake);
  g_mutex_unlock (&d->lock);
  g_thread_join (d->sweeper);
  g_hash_table_unref (d->watches);
  g_cond_clear (&d->wake);
  g_mutex_clear (&d->lock);
  g_free (d);
}

void
ms_http_deadlines_notify (void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
  MsHttpDeadlines *d = cls;
  g_mutex_lock (&d->lock);
  if (code == MHD_CONNECTION_NOTIFY_STARTED)
    {
      const union MHD_ConnectionInfo *ci = MHD_get_connection_info (c, MHD_CONNECTION_INFO_CONNECTION_FD);
      Watch *w = g_new0 (Watch, 1);
      w->owner = d;
      w->fd = ci != NULL ? ci->connect_fd : -1;
      w->deadline = w->fd >= 0 ? g_get_monotonic_time () + d->timeout_us : 0;
      g_hash_table_add (d->watches, w);
      *socket_context = w;
    }
  else if (*socket_context != NULL)
    {
      g_hash_table_remove (d->watches, *socket_context);   /* frees it */
      *socket_context = NULL;
    }
  g_mutex_unlock (&d->lock);
}

static void
set_deadline (struct MHD_Connection *c, gboolean arrived)
{
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info (c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  Watch *w = ci != NULL ? ci->socket_context : NULL;
  if (w == NULL)
    return;
  MsHttpDeadlines *d = w->owner;
  g_mutex_lock (&d->lock);
  w->deadline = arrived || w->fd < 0 ? 0 : g_get_monotonic_time () + d->timeout_us;
  g_mutex_unlock (&d->lock);
}

void
ms_http_deadlines_arrived (struct MHD_Connection *c)
{
  set_deadline (c, TRUE);
}

void
ms_http_deadlines_replied (struct MHD_Connection *c)
{
  set_deadline (c, FALSE);
}

guint64
ms_http_deadlines_cut (MsHttpDeadlines *d)
{
  g_mutex_lock (&d->lock);
  guint64 n = d->cut;
  g_mutex_unlock (&d->lock);
  return n;
}
