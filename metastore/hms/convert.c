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
hms_params_from_thrift (GHashTable **params, GHashTable *in)
{
  if (in == NULL)
    return;
  g_hash_table_unref (*params);
  *params = ms_params_copy (in);
}

#define DB_FIELD(tm, mm, kind) HMS_OUT_FIELD (ThmsDatabase, tm, MsDatabase, mm, kind)

/* rows stored without an owner type read as USER, what Hive would have
 * stored (the functions' and tables' too) */
static const HmsOutField database_fields[] = {
  DB_FIELD (name, name, HMS_OUT_STR), DB_FIELD (description, description, HMS_OUT_STR_OPT),
  DB_FIELD (locationUri, location_uri, HMS_OUT_STR), DB_FIELD (parameters, params, HMS_OUT_PARAMS),
  DB_FIELD (ownerName, owner_name, HMS_OUT_STR_OPT),
  HMS_OUT_FIELD_OR (ThmsDatabase, ownerType, MsDatabase, owner_type, HMS_OUT_INT,
                    THMS_PRINCIPAL_TYPE_USER),
  DB_FIELD (catalogName, catalog, HMS_OUT_STR), DB_FIELD (createTime, create_time, HMS_OUT_INT),
  DB_FIELD (managedLocationUri, managed_location_uri, HMS_OUT_STR_OPT),
  DB_FIELD (type, type, HMS_OUT_INT), DB_FIELD (connector_name, connector_name, HMS_OUT_STR_OPT),
  DB_FIELD (remote_dbname, remote_dbname, HMS_OUT_STR_OPT),
};

void
hms_database_to_thrift (const MsDatabase *db, ThmsDatabase *out)
{
  HMS_OUT_FIELDS (out, db, database_fields);
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
  hms_params_from_thrift (&db->params, in->parameters);
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

static const HmsOutField catalog_fields[] = {
  HMS_OUT_FIELD (ThmsCatalog, name, MsCatalog, name, HMS_OUT_STR),
  HMS_OUT_FIELD (ThmsCatalog, description, MsCatalog, description, HMS_OUT_STR_OPT),
  HMS_OUT_FIELD (ThmsCatalog, locationUri, MsCatalog, location_uri, HMS_OUT_STR),
  HMS_OUT_FIELD (ThmsCatalog, createTime, MsCatalog, create_time, HMS_OUT_INT),
};

void
hms_catalog_to_thrift (const MsCatalog *cat, ThmsCatalog *out)
{
  HMS_OUT_FIELDS (out, cat, catalog_fields);
}

#define FN_FIELD(tm, mm, kind) HMS_OUT_FIELD (ThmsFunction, tm, MsFunction, mm, kind)

static const HmsOutField function_fields[] = {
  FN_FIELD (functionName, name, HMS_OUT_STR), FN_FIELD (dbName, db_name, HMS_OUT_STR),
  FN_FIELD (className, class_name, HMS_OUT_STR), FN_FIELD (ownerName, owner_name, HMS_OUT_STR),
  HMS_OUT_FIELD_OR (ThmsFunction, ownerType, MsFunction, owner_type, HMS_OUT_INT,
                    THMS_PRINCIPAL_TYPE_USER),
  FN_FIELD (createTime, create_time, HMS_OUT_INT),
  FN_FIELD (functionType, function_type, HMS_OUT_INT), FN_FIELD (catName, catalog, HMS_OUT_STR),
};

static const HmsOutField resource_fields[] = {
  HMS_OUT_FIELD (ThmsResourceUri, resourceType, MsResourceUri, type, HMS_OUT_INT),
  HMS_OUT_FIELD (ThmsResourceUri, uri, MsResourceUri, uri, HMS_OUT_STR),
};

void
hms_function_fill_thrift (const MsFunction *f, ThmsFunction *out)
{
  HMS_OUT_FIELDS (out, f, function_fields);
  g_ptr_array_set_size (out->resourceUris, 0);
  for (guint i = 0; i < f->resources->len; i++)
    g_ptr_array_add (out->resourceUris, HMS_OUT_NEW (THMS_TYPE_RESOURCE_URI,
                                                     &g_array_index (f->resources, MsResourceUri, i),
                                                     resource_fields));
  out->__isset_resourceUris = TRUE;
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
