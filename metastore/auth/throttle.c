/*
 * throttle.c: failure counting and blocking per key (see throttle.h).
 */
#include "auth/throttle.h"
#include "core/key_table.h"

typedef struct {
  guint failures;              /* in the current window */
  gint64 window_start;
  gint64 blocked_until;
  gint64 last;                 /* last failure, for eviction */
} Entry;

struct _MsThrottle {
  MsKeyTable *keys;            /* key -> Entry */
  guint limit;
  gint64 window_us, block_us, max_block_us;
};

static gboolean
expired (const Entry *e, gint64 now, gint64 window_us)
{
  return e->blocked_until <= now && now - e->window_start > window_us;
}

/* A full table drops the keys whose windows ended, then the least recent. */
static gint64
entry_rank (gconstpointer record, gpointer data)
{
  const Entry *e = record;
  const gint64 *now = data;
  return expired (e, now[0], now[1]) ? -1 : e->last;
}

MsThrottle *
ms_throttle_new (guint limit, gint64 window_us, gint64 block_us, gint64 max_block_us,
                 guint max_keys)
{
  MsThrottle *t = g_new0 (MsThrottle, 1);
  t->keys = ms_key_table_new (sizeof (Entry), MAX (max_keys, 1), entry_rank);
  t->limit = MAX (limit, 1);
  t->window_us = window_us;
  t->block_us = block_us;
  t->max_block_us = MAX (max_block_us, block_us);
  return t;
}

void
ms_throttle_free (MsThrottle *t)
{
  if (t == NULL)
    return;
  ms_key_table_free (t->keys);
  g_free (t);
}

gint64
ms_throttle_blocked_us (MsThrottle *t, const char *key, gint64 now_us)
{
  const Entry *e = ms_key_table_lock (t->keys, key, FALSE, NULL, NULL);
  gint64 wait = e != NULL && e->blocked_until > now_us ? e->blocked_until - now_us : 0;
  ms_key_table_unlock (t->keys);
  return wait;
}

void
ms_throttle_failed (MsThrottle *t, const char *key, gint64 now_us)
{
  gint64 rank_data[] = { now_us, t->window_us };
  gboolean created;
  Entry *e = ms_key_table_lock (t->keys, key, TRUE, rank_data, &created);
  if (created)
    e->window_start = now_us;
  else if (expired (e, now_us, t->window_us))
    {
      e->failures = 0;
      e->window_start = now_us;
    }
  e->failures++;
  e->last = now_us;
  if (e->failures >= t->limit)
    {
      /* block_us at the limit, doubling with each failure past it */
      guint past = MIN (e->failures - t->limit, 30);
      gint64 block = t->block_us;
      for (guint i = 0; i < past && block < t->max_block_us; i++)
        block *= 2;
      e->blocked_until = now_us + MIN (block, t->max_block_us);
      e->window_start = now_us;     /* the count lives as long as the block */
    }
  ms_key_table_unlock (t->keys);
}

void
ms_throttle_succeeded (MsThrottle *t, const char *key)
{
  ms_key_table_remove (t->keys, key);
}

guint
ms_throttle_size (MsThrottle *t)
{
  return ms_key_table_size (t->keys);
}
