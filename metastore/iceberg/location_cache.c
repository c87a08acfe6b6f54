/*
 * location_cache.c: the table location each metadata file names, for sign
 * requests (sign.c). Keyed by the metadata file's location: a metadata
 * file never changes once written, so an entry is never stale. A sign
 * request still reads the table's current metadata file location from
 * PostgreSQL (one indexed row, no metadata text), so a rename, a drop or a
 * commit on any replica is seen by the next request; only the reading and
 * parsing of the metadata document is saved. Bounded by a number of
 * entries: when full, the table is emptied and fills again.
 */
#include "iceberg/internal.h"

struct _IceLocationCache {
  GMutex lock;
  GHashTable *by_file;         /* metadata file location -> table location */
  guint max_entries;
};

IceLocationCache *
ice_location_cache_new (guint max_entries)
{
  IceLocationCache *c = g_new0 (IceLocationCache, 1);
  g_mutex_init (&c->lock);
  c->by_file = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->max_entries = max_entries;
  return c;
}

void
ice_location_cache_free (IceLocationCache *c)
{
  if (c == NULL)
    return;
  g_hash_table_unref (c->by_file);
  g_mutex_clear (&c->lock);
  g_free (c);
}

char *
ice_location_cache_get (IceLocationCache *c, const char *metadata_file)
{
  if (c == NULL || metadata_file == NULL)
    return NULL;
  g_mutex_lock (&c->lock);
  char *location = g_strdup (g_hash_table_lookup (c->by_file, metadata_file));
  g_mutex_unlock (&c->lock);
  return location;
}

void
ice_location_cache_put (IceLocationCache *c, const char *metadata_file, const char *location)
{
  if (c == NULL || metadata_file == NULL || location == NULL || c->max_entries == 0)
    return;
  g_mutex_lock (&c->lock);
  if (g_hash_table_size (c->by_file) >= c->max_entries)
    g_hash_table_remove_all (c->by_file);
  g_hash_table_replace (c->by_file, g_strdup (metadata_file), g_strdup (location));
  g_mutex_unlock (&c->lock);
}
