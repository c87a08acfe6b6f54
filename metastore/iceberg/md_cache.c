/*
 * md_cache.c: parsed table metadata kept between commits, keyed by the
 * metadata file location (files never change once written, so an entry is
 * never stale). A commit takes its base out of the cache (so no two threads
 * ever share one tree) and puts the result back under its new location;
 * parsing and freeing a large document was most of a commit's CPU.
 *
 * Bounded by an estimate of the trees' memory (json-glib spends about ten
 * times a document's text size on its tree); the oldest entries go first.
 */
#include "iceberg/internal.h"
#include <string.h>

/* Tree memory per byte of text, as measured on Iceberg metadata. */
#define TREE_BYTES_PER_TEXT_BYTE 10

typedef struct {
  char *location;
  MsIcebergMetadata *md;
  gsize bytes;
} Entry;

struct _IceMdCache {
  GMutex lock;
  GHashTable *by_location;     /* location -> GList link in 'order' */
  GQueue order;                /* Entry*, oldest first */
  gsize bytes, max_bytes;
};

static void
entry_free (Entry *e)
{
  g_free (e->location);
  ms_iceberg_metadata_free (e->md);
  g_free (e);
}

IceMdCache *
ice_md_cache_new (gsize max_bytes)
{
  IceMdCache *c = g_new0 (IceMdCache, 1);
  g_mutex_init (&c->lock);
  c->by_location = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&c->order);
  c->max_bytes = max_bytes;
  return c;
}

void
ice_md_cache_free (IceMdCache *c)
{
  if (c == NULL)
    return;
  g_hash_table_unref (c->by_location);
  g_queue_clear_full (&c->order, (GDestroyNotify) entry_free);
  g_mutex_clear (&c->lock);
  g_free (c);
}

MsIcebergMetadata *
ice_md_cache_take (IceMdCache *c, const char *location, gsize *bytes)
{
  if (c == NULL || location == NULL)
    return NULL;
  g_mutex_lock (&c->lock);
  GList *link = g_hash_table_lookup (c->by_location, location);
  MsIcebergMetadata *md = NULL;
  if (link != NULL)
    {
      Entry *e = link->data;
      g_hash_table_remove (c->by_location, location);
      g_queue_delete_link (&c->order, link);
      c->bytes -= e->bytes;
      *bytes = e->bytes / TREE_BYTES_PER_TEXT_BYTE;
      md = g_steal_pointer (&e->md);
      entry_free (e);
    }
  g_mutex_unlock (&c->lock);
  return md;
}

void
ice_md_cache_put (IceMdCache *c, const char *location, MsIcebergMetadata *md, gsize bytes)
{
  bytes *= TREE_BYTES_PER_TEXT_BYTE;
  if (c == NULL || location == NULL || md == NULL || bytes > c->max_bytes / 4)
    {
      ms_iceberg_metadata_free (md);
      return;
    }
  Entry *e = g_new0 (Entry, 1);
  e->location = g_strdup (location);
  e->md = md;
  e->bytes = bytes;
  g_mutex_lock (&c->lock);
  GList *old = g_hash_table_lookup (c->by_location, location);
  if (old != NULL)
    {
      Entry *o = old->data;
      g_hash_table_remove (c->by_location, location);
      g_queue_delete_link (&c->order, old);
      c->bytes -= o->bytes;
      entry_free (o);
    }
  g_queue_push_tail (&c->order, e);
  g_hash_table_insert (c->by_location, e->location, c->order.tail);
  c->bytes += bytes;
  while (c->bytes > c->max_bytes && c->order.head != NULL)
    {
      Entry *o = g_queue_pop_head (&c->order);
      g_hash_table_remove (c->by_location, o->location);
      c->bytes -= o->bytes;
      entry_free (o);
    }
  g_mutex_unlock (&c->lock);
}
