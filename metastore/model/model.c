/*
 * model.c: constructors and destructors of the model structs.
 */
#include "model/model.h"
#include "model/owned.h"

GHashTable *
ms_params_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

GHashTable *
ms_params_copy (GHashTable *params)
{
  GHashTable *out = ms_params_new ();
  if (params == NULL)
    return out;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, params);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_hash_table_insert (out, g_strdup (k), g_strdup (v));
  return out;
}

MsCatalog *
ms_catalog_new (void)
{
  return g_new0 (MsCatalog, 1);
}

static const MsOwned catalog_owned[] = {
  MS_OWNED_STR (MsCatalog, name), MS_OWNED_STR (MsCatalog, description),
  MS_OWNED_STR (MsCatalog, location_uri),
};

MS_OWNED_DEFINE_FREE (MsCatalog, ms_catalog_free, catalog_owned)

MsDatabase *
ms_database_new (void)
{
  MsDatabase *d = g_new0 (MsDatabase, 1);
  d->type = MS_DB_NATIVE;
  d->params = ms_params_new ();
  return d;
}

static const MsOwned database_owned[] = {
  MS_OWNED_STR (MsDatabase, catalog), MS_OWNED_STR (MsDatabase, name),
  MS_OWNED_STR (MsDatabase, description), MS_OWNED_STR (MsDatabase, location_uri),
  MS_OWNED_STR (MsDatabase, managed_location_uri), MS_OWNED_STR (MsDatabase, owner_name),
  MS_OWNED_STR (MsDatabase, connector_name), MS_OWNED_STR (MsDatabase, remote_dbname),
  MS_OWNED (MsDatabase, params, g_hash_table_unref, ms_params_copy),
};

MS_OWNED_DEFINE_FREE (MsDatabase, ms_database_free, database_owned)

static void
resource_clear (gpointer p)
{
  g_free (((MsResourceUri *) p)->uri);
}

MsFunction *
ms_function_new (void)
{
  MsFunction *f = g_new0 (MsFunction, 1);
  f->function_type = 1;
  f->resources = g_array_new (FALSE, TRUE, sizeof (MsResourceUri));
  g_array_set_clear_func (f->resources, resource_clear);
  return f;
}

static const MsOwned function_owned[] = {
  MS_OWNED_STR (MsFunction, catalog), MS_OWNED_STR (MsFunction, db_name),
  MS_OWNED_STR (MsFunction, name), MS_OWNED_STR (MsFunction, class_name),
  MS_OWNED_STR (MsFunction, owner_name), MS_OWNED (MsFunction, resources, g_array_unref, NULL),
};

MS_OWNED_DEFINE_FREE (MsFunction, ms_function_free, function_owned)

MsLockComponent *
ms_lock_component_new (void)
{
  return g_new0 (MsLockComponent, 1);
}

static const MsOwned lock_component_owned[] = {
  MS_OWNED_STR (MsLockComponent, db_name), MS_OWNED_STR (MsLockComponent, table_name),
  MS_OWNED_STR (MsLockComponent, part_name),
};

MS_OWNED_DEFINE_FREE (MsLockComponent, ms_lock_component_free, lock_component_owned)

MsLockRequest *
ms_lock_request_new (void)
{
  MsLockRequest *r = g_new0 (MsLockRequest, 1);
  r->components = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_lock_component_free);
  return r;
}

static const MsOwned lock_request_owned[] = {
  MS_OWNED (MsLockRequest, components, g_ptr_array_unref, NULL),
  MS_OWNED_STR (MsLockRequest, user), MS_OWNED_STR (MsLockRequest, host),
  MS_OWNED_STR (MsLockRequest, agent_info),
};

MS_OWNED_DEFINE_FREE (MsLockRequest, ms_lock_request_free, lock_request_owned)

MsLockInfo *
ms_lock_info_new (void)
{
  return g_new0 (MsLockInfo, 1);
}

static const MsOwned lock_info_owned[] = {
  MS_OWNED_STR (MsLockInfo, db_name), MS_OWNED_STR (MsLockInfo, table_name),
  MS_OWNED_STR (MsLockInfo, part_name), MS_OWNED_STR (MsLockInfo, user),
  MS_OWNED_STR (MsLockInfo, host), MS_OWNED_STR (MsLockInfo, agent_info),
};

MS_OWNED_DEFINE_FREE (MsLockInfo, ms_lock_info_free, lock_info_owned)
