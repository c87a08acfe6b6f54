/*
 * model.c: constructors and destructors of the model structs.
 */
#include "model/model.h"

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

void
ms_catalog_free (MsCatalog *c)
{
  if (c == NULL)
    return;
  g_free (c->name);
  g_free (c->description);
  g_free (c->location_uri);
  g_free (c);
}

MsDatabase *
ms_database_new (void)
{
  MsDatabase *d = g_new0 (MsDatabase, 1);
  d->type = MS_DB_NATIVE;
  d->params = ms_params_new ();
  return d;
}

void
ms_database_free (MsDatabase *d)
{
  if (d == NULL)
    return;
  g_free (d->catalog);
  g_free (d->name);
  g_free (d->description);
  g_free (d->location_uri);
  g_free (d->managed_location_uri);
  g_free (d->owner_name);
  g_free (d->connector_name);
  g_free (d->remote_dbname);
  if (d->params)
    g_hash_table_unref (d->params);
  g_free (d);
}

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

void
ms_function_free (MsFunction *f)
{
  if (f == NULL)
    return;
  g_free (f->catalog);
  g_free (f->db_name);
  g_free (f->name);
  g_free (f->class_name);
  g_free (f->owner_name);
  g_array_unref (f->resources);
  g_free (f);
}

MsLockComponent *
ms_lock_component_new (void)
{
  return g_new0 (MsLockComponent, 1);
}

void
ms_lock_component_free (MsLockComponent *c)
{
  if (c == NULL)
    return;
  g_free (c->db_name);
  g_free (c->table_name);
  g_free (c->part_name);
  g_free (c);
}

MsLockRequest *
ms_lock_request_new (void)
{
  MsLockRequest *r = g_new0 (MsLockRequest, 1);
  r->components = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_lock_component_free);
  return r;
}

void
ms_lock_request_free (MsLockRequest *r)
{
  if (r == NULL)
    return;
  g_ptr_array_unref (r->components);
  g_free (r->user);
  g_free (r->host);
  g_free (r->agent_info);
  g_free (r);
}

MsLockInfo *
ms_lock_info_new (void)
{
  return g_new0 (MsLockInfo, 1);
}

void
ms_lock_info_free (MsLockInfo *l)
{
  if (l == NULL)
    return;
  g_free (l->db_name);
  g_free (l->table_name);
  g_free (l->part_name);
  g_free (l->user);
  g_free (l->host);
  g_free (l->agent_info);
  g_free (l);
}
