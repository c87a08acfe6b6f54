/*
 * idem_cleaner.h: the cleaner of expired Idempotency-Key records: every
 * 'interval_s' seconds it deletes the records past their lifetime. Every
 * replica runs one; the store lets one of them clean at a time
 * (ms_store_idem_clean takes an advisory lock).
 */
#pragma once
#include "store/store.h"

typedef struct _MsPeriodic MsIdemCleaner;

/* Start cleaning 'store' (borrowed; it must outlive the cleaner). */
MsIdemCleaner *ms_idem_cleaner_start (MsStore *store, int interval_s);
/* Stop the thread and free (NULL: nothing). */
void ms_idem_cleaner_stop (MsIdemCleaner *c);
