/*
 * event_cleaner.c: the notification log's cleaner (see the header), a
 * periodic job (service/periodic.h).
 */
#include "service/event_cleaner.h"
#include "service/periodic.h"
#include "core/log.h"

struct _MsEventCleaner {
  MsStore *store;
  int ttl_s;
  MsPeriodic *job;
};

static void
clean_once (gpointer data)
{
  MsEventCleaner *c = data;
  g_autoptr (GError) error = NULL;
  gint64 deleted = 0;
  gboolean ran = FALSE;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC - c->ttl_s;
  if (!ms_store_events_clean (c->store, before, &deleted, &ran, &error))
    ms_info ("notification cleaner: %s", error->message);
  else if (deleted > 0)
    ms_info ("notification cleaner: deleted %" G_GINT64_FORMAT " events older than %d s",
             deleted, c->ttl_s);
}

MsEventCleaner *
ms_event_cleaner_start (MsStore *store, int ttl_s, int interval_s)
{
  MsEventCleaner *c = g_new0 (MsEventCleaner, 1);
  c->store = store;
  c->ttl_s = ttl_s;
  c->job = ms_periodic_start ("event-cleaner", interval_s, clean_once, c);
  return c;
}

void
ms_event_cleaner_stop (MsEventCleaner *c)
{
  if (c == NULL)
    return;
  ms_periodic_stop (c->job);
  g_free (c);
}
