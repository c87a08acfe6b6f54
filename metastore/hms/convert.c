/*
 * convert.c: model structs <-> generated Thrift structs. The generated
 * structs own their fields; every assignment frees the previous value.
 */
#include "hms/internal.h"

void
hms_set_string (gchar **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

void
hms_strings_append (GPtrArray *out, const GPtrArray *in)
{
  for (guint i = 0; in != NULL && i < in->len; i++)
    g_ptr_array_add (out, g_strdup (g_ptr_array_index (in, i)));
}

void
hms_params_to_thrift (GHashTable *params, GHashTable *out)
{
  if (params == NULL)
    return;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, params);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_hash_table_insert (out, g_strdup (k), g_strdup (v));
}

void
hms_database_to_thrift (const MsDatabase *db, ThmsDatabase *out)
{
  hms_set_string (&out->name, db->name);
  out->__isset_name = TRUE;
  hms_set_string (&out->description, db->description);
  out->__isset_description = db->description != NULL;
  hms_set_string (&out->locationUri, db->location_uri);
  out->__isset_locationUri = TRUE;
  g_hash_table_remove_all (out->parameters);
  hms_params_to_thrift (db->params, out->parameters);
  out->__isset_parameters = TRUE;
  if (db->owner_name)
    {
      hms_set_string (&out->ownerName, db->owner_name);
      out->__isset_ownerName = TRUE;
    }
  /* rows stored without a type read as USER, what Hive would have stored */
  out->ownerType = db->owner_type ? (ThmsPrincipalType) db->owner_type : THMS_PRINCIPAL_TYPE_USER;
  out->__isset_ownerType = TRUE;
  hms_set_string (&out->catalogName, db->catalog);
  out->__isset_catalogName = TRUE;
  out->createTime = db->create_time;
  out->__isset_createTime = TRUE;
  if (db->managed_location_uri)
    {
      hms_set_string (&out->managedLocationUri, db->managed_location_uri);
      out->__isset_managedLocationUri = TRUE;
    }
  out->type = (ThmsDatabaseType) db->type;
  out->__isset_type = TRUE;
  if (db->connector_name)
    {
      hms_set_string (&out->connector_name, db->connector_name);
      out->__isset_connector_name = TRUE;
    }
  if (db->remote_dbname)
    {
      hms_set_string (&out->remote_dbname, db->remote_dbname);
      out->__isset_remote_dbname = TRUE;
    }
}

static char *
nonempty (const char *s)
{
  return (s != NULL && *s != '\0') ? g_strdup (s) : NULL;
}

MsDatabase *
hms_database_from_thrift (const ThmsDatabase *in)
{
  MsDatabase *db = ms_database_new ();
  db->name = in->name ? g_ascii_strdown (in->name, -1) : NULL;
  db->description = nonempty (in->description);
  db->location_uri = nonempty (in->locationUri);
  if (in->parameters)
    {
      g_hash_table_unref (db->params);
      db->params = ms_params_copy (in->parameters);
    }
  if (in->__isset_ownerName)
    db->owner_name = nonempty (in->ownerName);
  if (in->__isset_ownerType)
    db->owner_type = (MsPrincipalType) in->ownerType;
  if (in->__isset_catalogName && in->catalogName && *in->catalogName)
    db->catalog = g_ascii_strdown (in->catalogName, -1);
  if (in->__isset_createTime)
    db->create_time = in->createTime;
  if (in->__isset_managedLocationUri)
    db->managed_location_uri = nonempty (in->managedLocationUri);
  if (in->__isset_type)
    db->type = (MsDatabaseType) in->type;
  if (in->__isset_connector_name)
    db->connector_name = nonempty (in->connector_name);
  if (in->__isset_remote_dbname)
    db->remote_dbname = nonempty (in->remote_dbname);
  return db;
}

void
hms_catalog_to_thrift (const MsCatalog *cat, ThmsCatalog *out)
{
  hms_set_string (&out->name, cat->name);
  out->__isset_name = TRUE;
  if (cat->description)
    {
      hms_set_string (&out->description, cat->description);
      out->__isset_description = TRUE;
    }
  hms_set_string (&out->locationUri, cat->location_uri);
  out->__isset_locationUri = TRUE;
  out->createTime = cat->create_time;
  out->__isset_createTime = TRUE;
}

void
hms_function_fill_thrift (const MsFunction *f, ThmsFunction *out)
{
  hms_set_string (&out->functionName, f->name);
  out->__isset_functionName = TRUE;
  hms_set_string (&out->dbName, f->db_name);
  out->__isset_dbName = TRUE;
  hms_set_string (&out->className, f->class_name);
  out->__isset_className = TRUE;
  hms_set_string (&out->ownerName, f->owner_name);
  out->__isset_ownerName = TRUE;
  out->ownerType = f->owner_type ? (ThmsPrincipalType) f->owner_type : THMS_PRINCIPAL_TYPE_USER;
  out->__isset_ownerType = TRUE;
  out->createTime = f->create_time;
  out->__isset_createTime = TRUE;
  out->functionType = (ThmsFunctionType) f->function_type;
  out->__isset_functionType = TRUE;
  g_ptr_array_set_size (out->resourceUris, 0);
  for (guint i = 0; i < f->resources->len; i++)
    {
      const MsResourceUri *r = &g_array_index (f->resources, MsResourceUri, i);
      ThmsResourceUri *ru = g_object_new (THMS_TYPE_RESOURCE_URI, NULL);
      ru->resourceType = (ThmsResourceType) r->type;
      ru->__isset_resourceType = TRUE;
      hms_set_string (&ru->uri, r->uri);
      ru->__isset_uri = TRUE;
      g_ptr_array_add (out->resourceUris, ru);
    }
  out->__isset_resourceUris = TRUE;
  hms_set_string (&out->catName, f->catalog);
  out->__isset_catName = TRUE;
}

ThmsFunction *
hms_function_to_thrift (const MsFunction *f)
{
  ThmsFunction *out = g_object_new (THMS_TYPE_FUNCTION, NULL);
  hms_function_fill_thrift (f, out);
  return out;
}

MsFunction *
hms_function_from_thrift (const ThmsFunction *in)
{
  MsFunction *f = ms_function_new ();
  if (in->functionName)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (in->functionName));
      f->name = g_ascii_strdown (trimmed, -1);
    }
  f->class_name = g_strdup (in->className);
  if (in->__isset_ownerName)
    f->owner_name = g_strdup (in->ownerName);
  if (in->__isset_ownerType)
    f->owner_type = (MsPrincipalType) in->ownerType;
  if (in->__isset_createTime)
    f->create_time = in->createTime;
  if (in->__isset_functionType)
    f->function_type = (int) in->functionType;
  for (guint i = 0; in->resourceUris && i < in->resourceUris->len; i++)
    {
      const ThmsResourceUri *ru = g_ptr_array_index (in->resourceUris, i);
      MsResourceUri r = { (int) ru->resourceType, g_strdup (ru->uri) };
      g_array_append_val (f->resources, r);
    }
  return f;
}

const char *
hms_env_get (const ThmsEnvironmentContext *env, const char *key)
{
  if (env == NULL || env->properties == NULL)
    return NULL;
  return g_hash_table_lookup (env->properties, key);
}

gboolean
hms_env_true (const ThmsEnvironmentContext *env, const char *key)
{
  const char *v = hms_env_get (env, key);
  return v != NULL && g_ascii_strcasecmp (v, "true") == 0;
}

char *
hms_now_string (void)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
}
