/*
 * due.h: "at most once per interval per key" for housekeeping that rides
 * on requests (sweeping a directory after a write, say): a table of keys
 * and when each was last taken, safe to share between threads and bounded
 * in size (when full it forgets everything, which only makes some work
 * due early).
 */
#pragma once
#include <glib.h>

typedef struct _MsDue MsDue;

/* Keys are due again 'interval_s' seconds (monotonic) after they were
 * taken; at most 'max_keys' are remembered. */
MsDue *ms_due_new (gint64 interval_s, guint max_keys);
void ms_due_free (MsDue *due);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsDue, ms_due_free)

/* TRUE when 'key' is due, and then marks it taken now. */
gboolean ms_due_take (MsDue *due, const char *key);
