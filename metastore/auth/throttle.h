/*
 * throttle.h: slowing down repeated authentication failures (password
 * guessing at the token endpoint). Failures are counted per key (a client
 * address, a client id); a key with too many failures in its window is
 * blocked for a while, doubling with each further failure, and while it
 * is blocked nothing is checked at all, so guessing gains nothing. A
 * success clears the key. The table is bounded: when full, the keys whose
 * windows ended go first, then the oldest.
 *
 * Thread-safe. Times are in microseconds of the monotonic clock, passed in
 * so the rules can be tested without waiting.
 */
#pragma once
#include <glib.h>
#include "core/key_table.h"

/* A table of failure records by key (core/key_table.h) whose settings are
 * the limits below. */
typedef MsKeyTable MsThrottle;

/* 'limit' failures within 'window_us' block the key for 'block_us', then
 * twice that for each further failure, up to 'max_block_us'. */
MsThrottle *ms_throttle_new (guint limit, gint64 window_us, gint64 block_us, gint64 max_block_us,
                             guint max_keys);
void ms_throttle_free (MsThrottle *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsThrottle, ms_throttle_free)

/* Microseconds until 'key' may try again; 0 when it may now. */
gint64 ms_throttle_blocked_us (MsThrottle *t, const char *key, gint64 now_us);
/* Record a failure of 'key'. */
void ms_throttle_failed (MsThrottle *t, const char *key, gint64 now_us);
/* Record a success of 'key': its failures are forgotten. */
void ms_throttle_succeeded (MsThrottle *t, const char *key);
/* Keys held (for tests). */
guint ms_throttle_size (MsThrottle *t);
