/*
 * periodic.c: the periodic job thread (see the header).
 */
#include "service/periodic.h"

struct _MsPeriodic {
  MsPeriodicFn fn;
  gpointer user;
  gint64 interval_us;
  GMutex lock;
  GCond wake;
  gboolean stopping;
  GThread *thread;
};

static gpointer
periodic_main (gpointer data)
{
  MsPeriodic *p = data;
  g_mutex_lock (&p->lock);
  while (!p->stopping)
    {
      gint64 until = g_get_monotonic_time () + p->interval_us;
      while (!p->stopping && g_cond_wait_until (&p->wake, &p->lock, until))
        ;
      if (p->stopping)
        break;
      g_mutex_unlock (&p->lock);
      p->fn (p->user);
      g_mutex_lock (&p->lock);
    }
  g_mutex_unlock (&p->lock);
  return NULL;
}

MsPeriodic *
ms_periodic_start (const char *name, int interval_s, MsPeriodicFn fn, gpointer user)
{
  MsPeriodic *p = g_new0 (MsPeriodic, 1);
  p->fn = fn;
  p->user = user;
  p->interval_us = (gint64) interval_s * G_USEC_PER_SEC;
  g_mutex_init (&p->lock);
  g_cond_init (&p->wake);
  p->thread = g_thread_new (name, periodic_main, p);
  return p;
}

void
ms_periodic_stop (MsPeriodic *p)
{
  if (p == NULL)
    return;
  g_mutex_lock (&p->lock);
  p->stopping = TRUE;
  g_cond_signal (&p->wake);
  g_mutex_unlock (&p->lock);
  g_thread_join (p->thread);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->wake);
  g_free (p);
}
