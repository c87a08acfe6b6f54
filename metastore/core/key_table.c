/*
 * key_table.c: the per-key record table (see key_table.h).
 */
#include "core/key_table.h"
#include <string.h>

struct _MsKeyTable {
  GMutex lock;
  GHashTable *records;         /* char* -> record (record_size bytes) */
  gsize record_size;
  guint max_keys;              /* 0: unbounded */
  MsKeyRank rank;
  gint64 settings[];           /* the owner's, copied (gint64: aligned for its members) */
};

MsKeyTable *
ms_key_table_new (gsize record_size, guint max_keys, MsKeyRank rank, gconstpointer settings,
                  gsize settings_size)
{
  g_return_val_if_fail (max_keys == 0 || rank != NULL, NULL);
  MsKeyTable *t = g_malloc0 (sizeof (MsKeyTable) + settings_size);
  if (settings_size > 0)
    memcpy (t->settings, settings, settings_size);
  g_mutex_init (&t->lock);
  t->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t->record_size = MAX (record_size, 1);
  t->max_keys = max_keys;
  t->rank = rank;
  return t;
}

void
ms_key_table_free (MsKeyTable *t)
{
  if (t == NULL)
    return;
  g_hash_table_unref (t->records);
  g_mutex_clear (&t->lock);
  g_free (t);
}

/* Room for one more record: drop the ended ones, else the lowest ranked. */
static void
make_room (MsKeyTable *t, gpointer rank_data)
{
  GHashTableIter it;
  gpointer k, v;
  const char *lowest = NULL;
  gint64 lowest_rank = G_MAXINT64;
  g_hash_table_iter_init (&it, t->records);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      gint64 r = t->rank (v, rank_data);
      if (r < 0)
        g_hash_table_iter_remove (&it);
      else if (r < lowest_rank)
        {
          lowest_rank = r;
          lowest = k;
        }
    }
  if (g_hash_table_size (t->records) >= t->max_keys && lowest != NULL)
    g_hash_table_remove (t->records, lowest);
}

gpointer
ms_key_table_lock (MsKeyTable *t, const char *key, gboolean create, gpointer rank_data,
                   gboolean *created)
{
  g_mutex_lock (&t->lock);
  gpointer rec = g_hash_table_lookup (t->records, key);
  if (created != NULL)
    *created = rec == NULL && create;
  if (rec != NULL || !create)
    return rec;
  if (t->max_keys > 0 && g_hash_table_size (t->records) >= t->max_keys)
    make_room (t, rank_data);
  rec = g_malloc0 (t->record_size);
  g_hash_table_insert (t->records, g_strdup (key), rec);
  return rec;
}

void
ms_key_table_unlock (MsKeyTable *t)
{
  g_mutex_unlock (&t->lock);
}

void
ms_key_table_remove_locked (MsKeyTable *t, const char *key)
{
  g_hash_table_remove (t->records, key);
}

void
ms_key_table_remove (MsKeyTable *t, const char *key)
{
  g_mutex_lock (&t->lock);
  g_hash_table_remove (t->records, key);
  g_mutex_unlock (&t->lock);
}

gconstpointer
ms_key_table_settings (MsKeyTable *t)
{
  return t->settings;
}

guint
ms_key_table_size (MsKeyTable *t)
{
  g_mutex_lock (&t->lock);
  guint n = g_hash_table_size (t->records);
  g_mutex_unlock (&t->lock);
  return n;
}
