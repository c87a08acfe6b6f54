/*
 * catalog_storage.c: the storage settings of each catalog (see the
 * header): built once at start from the configuration, read-only
 * afterwards, so any thread may look an entry up.
 */
#include "service/catalog_storage.h"
#include "service/catalog.h"
#include "core/error.h"
#include "core/log.h"

struct _MsCatalogStorages {
  const MsConfig *cfg;         /* the global settings (borrowed) */
  MsCatalogStorage global;
  GPtrArray *own;              /* MsCatalogStorage*, by name */
  GHashTable *by_name;         /* catalog -> MsCatalogStorage* (in 'own') */
};

static void
entry_clear (MsCatalogStorage *e)
{
  ms_delegation_free (e->delegation);
  ms_storage_free (e->storage);
  ms_storage_guard_free (e->guard);
  ms_config_free (e->cfg);
  g_free (e->root);
  g_free (e->catalog);
}

static void
entry_free (gpointer p)
{
  entry_clear (p);
  g_free (p);
}

/* Fill 'e' from 'cfg' (borrowed by e->s3): a guard of 'root' and
 * 'allowed', the S3 client, the delegation. */
static gboolean
entry_open (MsCatalogStorage *e, const MsConfig *cfg, const char *root, const char *allowed,
            GError **error)
{
  e->root = g_strdup (root);
  e->guard = ms_storage_guard_new (root, allowed, error);
  if (e->guard == NULL)
    return FALSE;
  e->s3 = ms_storage_s3_options (cfg);
  e->storage = ms_storage_new (&e->s3);
  e->delegation = ms_delegation_new (cfg, &e->s3, e->storage);
  g_autofree char *guarded = ms_storage_guard_describe (e->guard);
  if (e->catalog == NULL)
    ms_info ("data is created, read, moved and deleted for clients only under %s", guarded);
  else
    ms_info ("catalog %s: its own storage settings (endpoint %s); its data is created, read, "
             "moved and deleted for clients only under %s", e->catalog,
             e->s3.endpoint ? e->s3.endpoint : "AWS", guarded);
  return TRUE;
}

/* The entry of the group of catalog 'name'. */
static MsCatalogStorage *
own_entry_new (const MsConfig *cfg, const char *name, GError **error)
{
  gboolean listed = FALSE;
  if (!ms_service_catalogs_has (cfg->rest_catalogs, name, &listed, error))
    return NULL;
  if (listed)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "catalog %s is in rest.catalogs and has a "
               "[catalog.%s] group: give its root as the group's warehouse.root only", name,
               name);
      return NULL;
    }
  g_autoptr (MsConfig) own = ms_config_for_catalog (cfg, name, error);
  if (own == NULL)
    return NULL;
  MsCatalogStorage *e = g_new0 (MsCatalogStorage, 1);
  e->catalog = g_strdup (name);
  e->cfg = g_steal_pointer (&own);
  if (!entry_open (e, e->cfg, e->cfg->warehouse, e->cfg->storage_allowed_locations, error))
    {
      g_prefix_error (error, "catalog.%s: ", name);
      entry_free (e);
      return NULL;
    }
  return e;
}

MsCatalogStorages *
ms_catalog_storages_new (const MsConfig *cfg, const char *warehouse, GError **error)
{
  g_autoptr (MsCatalogStorages) all = g_new0 (MsCatalogStorages, 1);
  all->cfg = cfg;
  all->own = g_ptr_array_new_with_free_func (entry_free);
  all->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  const char *alias_note = NULL;
  const char *allowed = ms_config_allowed_locations (cfg, &alias_note);
  if (alias_note != NULL)
    ms_warn ("%s", alias_note);
  /* the configured catalogs' roots are allowed with the warehouse */
  g_autofree char *with_catalogs = NULL;
  if (!ms_service_catalogs_allowed (allowed, warehouse, cfg->rest_catalogs, &with_catalogs,
                                    error)
      || !entry_open (&all->global, cfg, warehouse, with_catalogs, error))
    return NULL;
  guint n = 0;
  g_autofree const char **names = ms_config_catalog_names (cfg, &n);
  for (guint i = 0; i < n; i++)
    {
      MsCatalogStorage *e = own_entry_new (cfg, names[i], error);
      if (e == NULL)
        return NULL;
      g_ptr_array_add (all->own, e);
      g_hash_table_insert (all->by_name, e->catalog, e);
    }
  return g_steal_pointer (&all);
}

void
ms_catalog_storages_free (MsCatalogStorages *all)
{
  if (all == NULL)
    return;
  g_hash_table_unref (all->by_name);
  g_ptr_array_unref (all->own);
  entry_clear (&all->global);
  g_free (all);
}

const MsCatalogStorage *
ms_catalog_storages_get (const MsCatalogStorages *all, const char *catalog)
{
  if (all == NULL)
    return NULL;
  const MsCatalogStorage *e = catalog ? g_hash_table_lookup (all->by_name, catalog) : NULL;
  return e ? e : &all->global;
}

const GPtrArray *
ms_catalog_storages_own (const MsCatalogStorages *all)
{
  return all->own;
}

gboolean
ms_catalog_storages_ensure (const MsCatalogStorages *all, MsStore *store, GError **error)
{
  if (!ms_service_catalogs_ensure (store, all->global.guard, all->global.storage,
                                   all->cfg->rest_catalogs, error))
    return FALSE;
  for (guint i = 0; i < all->own->len; i++)
    {
      const MsCatalogStorage *e = all->own->pdata[i];
      g_autoptr (MsCatalog) cat = ms_catalog_new ();
      cat->name = g_strdup (e->catalog);
      cat->location_uri = g_strdup (e->root);
      if (!ms_service_catalog_ensure (store, e->guard, e->storage, cat, error))
        {
          g_prefix_error (error, "catalog.%s: ", e->catalog);
          return FALSE;
        }
    }
  return TRUE;
}
