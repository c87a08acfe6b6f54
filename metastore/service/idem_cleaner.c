/*
 * idem_cleaner.c: the Idempotency-Key records' cleaner (see the header), a
 * periodic job (service/periodic.h).
 */
#include "service/idem_cleaner.h"
#include "service/periodic.h"
#include "core/log.h"

static void
clean_once (gpointer data)
{
  MsStore *store = data;
  g_autoptr (GError) error = NULL;
  gint64 deleted = 0;
  gboolean ran = FALSE;
  if (!ms_store_idem_clean (store, &deleted, &ran, &error))
    ms_info ("idempotency cleaner: %s", error->message);
  else if (deleted > 0)
    ms_info ("idempotency cleaner: deleted %" G_GINT64_FORMAT " expired records", deleted);
}

MsIdemCleaner *
ms_idem_cleaner_start (MsStore *store, int interval_s)
{
  return ms_periodic_start ("idem-cleaner", interval_s, clean_once, store);
}

void
ms_idem_cleaner_stop (MsIdemCleaner *c)
{
  ms_periodic_stop (c);
}
