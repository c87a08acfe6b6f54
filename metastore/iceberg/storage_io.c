/*
 * storage_io.c: each catalog's storage settings as the REST door uses
 * them (IceIo): the guard, the S3 client and the delegation of its entry
 * in service/catalog_storage.h, and the LoadTableResult "config" built
 * from its S3 settings. Built once with the door, read-only afterwards.
 */
#include "iceberg/internal.h"

/* The non-secret S3 settings clients need to read the files, as Iceberg's
 * S3FileIO names them. */
static GHashTable *
table_config_new (const MsS3Options *s3)
{
  GHashTable *c = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (s3 == NULL)
    return c;
  if (s3->endpoint)
    g_hash_table_replace (c, g_strdup ("s3.endpoint"), g_strdup (s3->endpoint));
  if (s3->endpoint || s3->path_style)
    g_hash_table_replace (c, g_strdup ("s3.path-style-access"),
                          g_strdup (s3->path_style ? "true" : "false"));
  if (s3->region)
    g_hash_table_replace (c, g_strdup ("client.region"), g_strdup (s3->region));
  return c;
}

static void
io_free (gpointer p)
{
  IceIo *io = p;
  g_hash_table_unref (io->table_config);
  g_free (io);
}

static IceIo *
io_new (const MsCatalogStorage *cs)
{
  IceIo *io = g_new0 (IceIo, 1);
  io->guard = cs ? cs->guard : NULL;
  io->storage = cs ? cs->storage : NULL;
  io->delegation = cs ? cs->delegation : NULL;
  io->table_config = table_config_new (cs ? &cs->s3 : NULL);
  return io;
}

GHashTable *
ice_io_table_new (const MsCatalogStorages *storages)
{
  GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, io_free);
  g_hash_table_insert (t, g_strdup (""), io_new (ms_catalog_storages_get (storages, NULL)));
  const GPtrArray *own = storages ? ms_catalog_storages_own (storages) : NULL;
  for (guint i = 0; own && i < own->len; i++)
    {
      const MsCatalogStorage *cs = own->pdata[i];
      g_hash_table_insert (t, g_strdup (cs->catalog), io_new (cs));
    }
  return t;
}

const IceIo *
ice_io (const MsIceberg *ice, const char *catalog)
{
  const IceIo *io = catalog ? g_hash_table_lookup (ice->io, catalog) : NULL;
  return io ? io : g_hash_table_lookup (ice->io, "");
}
