/*
 * event_cleaner.c: the notification log's cleaner thread (see the header).
 */
#include "service/event_cleaner.h"
#include "core/log.h"

struct _MsEventCleaner {
  MsStore *store;
  int ttl_s;
  gint64 interval_us;
  GMutex lock;
  GCond wake;
  gboolean stopping;
  GThread *thread;
};

static gpointer
cleaner_main (gpointer data)
{
  MsEventCleaner *c = data;
  g_mutex_lock (&c->lock);
  while (!c->stopping)
    {
      gint64 until = g_get_monotonic_time () + c->interval_us;
      while (!c->stopping && g_cond_wait_until (&c->wake, &c->lock, until))
        ;
      if (c->stopping)
        break;
      g_mutex_unlock (&c->lock);
      g_autoptr (GError) error = NULL;
      gint64 deleted = 0;
      gboolean ran = FALSE;
      gint64 before = g_get_real_time () / G_USEC_PER_SEC - c->ttl_s;
      if (!ms_store_events_clean (c->store, before, &deleted, &ran, &error))
        ms_info ("notification cleaner: %s", error->message);
      else if (deleted > 0)
        ms_info ("notification cleaner: deleted %" G_GINT64_FORMAT " events older than %d s",
                 deleted, c->ttl_s);
      g_mutex_lock (&c->lock);
    }
  g_mutex_unlock (&c->lock);
  return NULL;
}

MsEventCleaner *
ms_event_cleaner_start (MsStore *store, int ttl_s, int interval_s)
{
  MsEventCleaner *c = g_new0 (MsEventCleaner, 1);
  c->store = store;
  c->ttl_s = ttl_s;
  c->interval_us = (gint64) interval_s * G_USEC_PER_SEC;
  g_mutex_init (&c->lock);
  g_cond_init (&c->wake);
  c->thread = g_thread_new ("event-cleaner", cleaner_main, c);
  return c;
}

void
ms_event_cleaner_stop (MsEventCleaner *c)
{
  if (c == NULL)
    return;
  g_mutex_lock (&c->lock);
  c->stopping = TRUE;
  g_cond_signal (&c->wake);
  g_mutex_unlock (&c->lock);
  g_thread_join (c->thread);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->wake);
  g_free (c);
}
