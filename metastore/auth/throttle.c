/*
 * throttle.c: failure counting and blocking per key (see throttle.h).
 */
#include "auth/throttle.h"

typedef struct {
  guint failures;              /* in the current window */
  gint64 window_start;
  gint64 blocked_until;
  gint64 last;                 /* last failure, for eviction */
} Entry;

typedef struct {
  guint limit;
  gint64 window_us, block_us, max_block_us;
} Limits;

static gboolean
expired (const Entry *e, gint64 now, gint64 window_us)
{
  return e->blocked_until <= now && now - e->window_start > window_us;
}

/* A full table drops the keys whose windows ended, then the least recent;
 * 'data' is { now, window }. */
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
  Limits l = { MAX (limit, 1), window_us, block_us, MAX (max_block_us, block_us) };
  return ms_key_table_new (sizeof (Entry), MAX (max_keys, 1), entry_rank, &l, sizeof l);
}

void
ms_throttle_free (MsThrottle *t)
{
  ms_key_table_free (t);
}

gint64
ms_throttle_blocked_us (MsThrottle *t, const char *key, gint64 now_us)
{
  const Entry *e = ms_key_table_lock (t, key, FALSE, NULL, NULL);
  gint64 wait = e != NULL && e->blocked_until > now_us ? e->blocked_until - now_us : 0;
  ms_key_table_unlock (t);
  return wait;
}

void
ms_throttle_failed (MsThrottle *t, const char *key, gint64 now_us)
{
  const Limits *l = ms_key_table_settings (t);
  gint64 rank_data[] = { now_us, l->window_us };
  gboolean created;
  Entry *e = ms_key_table_lock (t, key, TRUE, rank_data, &created);
  if (created)
    e->window_start = now_us;
  else if (expired (e, now_us, l->window_us))
    {
      e->failures = 0;
      e->window_start = now_us;
    }
  e->failures++;
  e->last = now_us;
  if (e->failures >= l->limit)
    {
      /* block_us at the limit, doubling with each failure past it */
      guint past = MIN (e->failures - l->limit, 30);
      gint64 block = l->block_us;
      for (guint i = 0; i < past && block < l->max_block_us; i++)
        block *= 2;
      e->blocked_until = now_us + MIN (block, l->max_block_us);
      e->window_start = now_us;     /* the count lives as long as the block */
    }
  ms_key_table_unlock (t);
}

void
ms_throttle_succeeded (MsThrottle *t, const char *key)
{
  ms_key_table_remove (t, key);
}

guint
ms_throttle_size (MsThrottle *t)
{
  return ms_key_table_size (t);
}
