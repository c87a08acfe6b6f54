/*
 * due.c: the once-per-interval key table of due.h.
 */
#include "core/due.h"

struct _MsDue {
  GMutex lock;
  GHashTable *taken;           /* key -> last taken (monotonic s, >= 1) */
  gint64 interval_s;
  guint max_keys;
};

MsDue *
ms_due_new (gint64 interval_s, guint max_keys)
{
  MsDue *due = g_new0 (MsDue, 1);
  g_mutex_init (&due->lock);
  due->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  due->interval_s = interval_s;
  due->max_keys = MAX (max_keys, 1);
  return due;
}

void
ms_due_free (MsDue *due)
{
  if (due == NULL)
    return;
  g_hash_table_unref (due->taken);
  g_mutex_clear (&due->lock);
  g_free (due);
}

gboolean
ms_due_take (MsDue *due, const char *key)
{
  gint64 now = MAX (g_get_monotonic_time () / G_USEC_PER_SEC, 1);
  g_mutex_lock (&due->lock);
  gpointer last = g_hash_table_lookup (due->taken, key);
  gboolean is_due = last == NULL || now - (gint64) GPOINTER_TO_SIZE (last) >= due->interval_s;
  if (is_due)
    {
      if (g_hash_table_size (due->taken) >= due->max_keys)
        g_hash_table_remove_all (due->taken);
      g_hash_table_insert (due->taken, g_strdup (key), GSIZE_TO_POINTER ((gsize) now));
    }
  g_mutex_unlock (&due->lock);
  return is_due;
}
