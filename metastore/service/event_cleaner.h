/*
 * event_cleaner.h: the notification log's cleaner (notifications.ttl):
 * a thread that, every notifications.clean_interval seconds, deletes the
 * events older than the ttl. Every replica runs one; the store lets one of
 * them clean at a time (ms_store_events_clean takes an advisory lock).
 */
#pragma once
#include "store/store.h"

typedef struct _MsEventCleaner MsEventCleaner;

/* Start cleaning 'store' (borrowed; it must outlive the cleaner). */
MsEventCleaner *ms_event_cleaner_start (MsStore *store, int ttl_s, int interval_s);
/* Stop the thread and free (NULL: nothing). */
void ms_event_cleaner_stop (MsEventCleaner *c);
