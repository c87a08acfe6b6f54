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

struct _MsThrottle {
  GMutex lock;
  GHashTable *keys;            /* char* -> Entry* */
  guint limit;
  gint64 window_us, block_us, max_block_us;
  guint max_keys;
};

MsThrottle *
ms_throttle_new (guint limit, gint64 window_us, gint64 block_us, gint64 max_block_us,
                 guint max_keys)
{
  MsThrottle *t = g_new0 (MsThrottle, 1);
  g_mutex_init (&t->lock);
  t->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t->limit = MAX (limit, 1);
  t->window_us = window_us;
  t->block_us = block_us;
  t->max_block_us = MAX (max_block_us, block_us);
  t->max_keys = MAX (max_keys, 1);
  return t;
}

void
ms_throttle_free (MsThrottle *t)
{
  if (t == NULL)
    return;
  g_hash_table_unref (t->keys);
  g_mutex_clear (&t->lock);
  g_free (t);
}

static gboolean
expired (const Entry *e, gint64 now, gint64 window_us)
{
  return e->blocked_until <= now && now - e->window_start > window_us;
}

/* Room for one more key: drop the ended ones, else the least recent. */
static void
make_room (MsThrottle *t, gint64 now)
{
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, t->keys);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (expired (v, now, t->window_us))
      g_hash_table_iter_remove (&it);
  if (g_hash_table_size (t->keys) < t->max_keys)
    return;
  const char *oldest = NULL;
  gint64 oldest_at = G_MAXINT64;
  g_hash_table_iter_init (&it, t->keys);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (((Entry *) v)->last < oldest_at)
      {
        oldest_at = ((Entry *) v)->last;
        oldest = k;
      }
  if (oldest != NULL)
    g_hash_table_remove (t->keys, oldest);
}

gint64
ms_throttle_blocked_us (MsThrottle *t, const char *key, gint64 now_us)
{
  g_mutex_lock (&t->lock);
  Entry *e = g_hash_table_lookup (t->keys, key);
  gint64 wait = e != NULL && e->blocked_until > now_us ? e->blocked_until - now_us : 0;
  g_mutex_unlock (&t->lock);
  return wait;
}

void
ms_throttle_failed (MsThrottle *t, const char *key, gint64 now_us)
{
  g_mutex_lock (&t->lock);
  Entry *e = g_hash_table_lookup (t->keys, key);
  if (e == NULL)
    {
      if (g_hash_table_size (t->keys) >= t->max_keys)
        make_room (t, now_us);
      e = g_new0 (Entry, 1);
      e->window_start = now_us;
      g_hash_table_insert (t->keys, g_strdup (key), e);
    }
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
  g_mutex_unlock (&t->lock);
}

void
ms_throttle_succeeded (MsThrottle *t, const char *key)
{
  g_mutex_lock (&t->lock);
  g_hash_table_remove (t->keys, key);
  g_mutex_unlock (&t->lock);
}

guint
ms_throttle_size (MsThrottle *t)
{
  g_mutex_lock (&t->lock);
  guint n = g_hash_table_size (t->keys);
  g_mutex_unlock (&t->lock);
  return n;
}
