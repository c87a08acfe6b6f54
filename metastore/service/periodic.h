/*
 * periodic.h: a thread that runs one job every 'interval' seconds until
 * stopped (the cleaners of the notification log and of the Idempotency-Key
 * records). Stopping wakes it at once and waits for a run in progress.
 */
#pragma once
#include <glib.h>

typedef struct _MsPeriodic MsPeriodic;
typedef void (*MsPeriodicFn) (gpointer user);

/* Start running 'fn' ('user' borrowed; it must outlive the thread). */
MsPeriodic *ms_periodic_start (const char *name, int interval_s, MsPeriodicFn fn, gpointer user);
/* Stop the thread and free (NULL: nothing). */
void ms_periodic_stop (MsPeriodic *p);
