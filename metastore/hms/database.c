/*
 * database.c: the HMS database methods: create_database(_req),
 * get_database(_req), get_databases, get_all_databases, alter_database(_req),
 * drop_database(_req). Names are lower-cased and may carry a "@cat#"
 * catalog prefix; the 'default' database of 'hive' cannot be dropped.
 */
#include "hms/internal.h"
#include "service/database.h"
#include "core/log.h"
#include "core/pattern.h"
#include "storage/storage.h"
#include "service/data.h"

typedef ThmsThriftHiveMetastoreIf Iface;

#define META THMS_TYPE_META_EXCEPTION
#define NSO THMS_TYPE_NO_SUCH_OBJECT_EXCEPTION
#define AEX THMS_TYPE_ALREADY_EXISTS_EXCEPTION
#define IOB THMS_TYPE_INVALID_OBJECT_EXCEPTION
#define IOP THMS_TYPE_INVALID_OPERATION_EXCEPTION

static const char *
session_user (void)
{
  MsHmsSession *s = ms_hms_session_current ();
  return s ? s->user : NULL;
}

/* Validate and complete a database to create, then store it and create its
 * directory. Consumes nothing; 'db' is completed in place; the locations
 * given are stored in the Java metastore's form (hms_qualify_location). */
static gboolean
create_database (MsHms *hms, MsDatabase *db, GError **error)
{
  hms_qualify_location (hms, &db->location_uri);
  hms_qualify_location (hms, &db->managed_location_uri);
  return ms_service_database_create (hms->store, hms->guard, hms->storage, db, session_user (), error);
}

static gboolean
h_create_database (Iface *iface, const ThmsDatabase *database, ThmsAlreadyExistsException **o1,
                   ThmsInvalidObjectException **o2, ThmsMetaException **o3, GError **error)
{
  GError *err = NULL;
  g_autoptr (MsDatabase) db = hms_database_from_thrift (database);
  if (db->catalog == NULL && database->name && database->name[0] == '@')
    {
      /* a prefixed name in Database.name (rare, but Hive accepts it) */
      g_autofree char *cat = NULL, *name = NULL;
      if (!hms_parse_db_name (database->name, &cat, &name, &err))
        return hms_raise (err, error, AEX, o1, IOB, o2, META, o3, G_TYPE_INVALID);
      g_free (db->name);
      db->name = g_steal_pointer (&name);
      db->catalog = g_steal_pointer (&cat);
    }
  if (!create_database (HMS (iface), db, &err))
    return hms_raise (err, error, AEX, o1, IOB, o2, META, o3, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_create_database_req (Iface *iface, const ThmsCreateDatabaseRequest *req,
                       ThmsAlreadyExistsException **o1, ThmsInvalidObjectException **o2,
                       ThmsMetaException **o3, GError **error)
{
  GError *err = NULL;
  g_autoptr (MsDatabase) db = ms_database_new ();
  db->name = req->databaseName ? g_ascii_strdown (req->databaseName, -1) : NULL;
  if (req->__isset_description && req->description && *req->description)
    db->description = g_strdup (req->description);
  if (req->__isset_locationUri && req->locationUri && *req->locationUri)
    db->location_uri = g_strdup (req->locationUri);
  if (req->__isset_parameters && req->parameters)
    {
      g_hash_table_unref (db->params);
      db->params = ms_params_copy (req->parameters);
    }
  if (req->__isset_ownerName && req->ownerName && *req->ownerName)
    db->owner_name = g_strdup (req->ownerName);
  if (req->__isset_ownerType)
    db->owner_type = (MsPrincipalType) req->ownerType;
  if (req->__isset_catalogName && req->catalogName && *req->catalogName)
    db->catalog = g_ascii_strdown (req->catalogName, -1);
  if (req->__isset_createTime)
    db->create_time = req->createTime;
  if (req->__isset_managedLocationUri && req->managedLocationUri && *req->managedLocationUri)
    db->managed_location_uri = g_strdup (req->managedLocationUri);
  if (req->__isset_type)
    db->type = (MsDatabaseType) req->type;
  if (req->__isset_dataConnectorName && req->dataConnectorName && *req->dataConnectorName)
    db->connector_name = g_strdup (req->dataConnectorName);
  if (req->__isset_remote_dbname && req->remote_dbname && *req->remote_dbname)
    db->remote_dbname = g_strdup (req->remote_dbname);
  if (!create_database (HMS (iface), db, &err))
    return hms_raise (err, error, AEX, o1, IOB, o2, META, o3, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
get_database (MsHms *hms, const char *catalog, const char *name, ThmsDatabase *out,
              GError **error)
{
  if (name == NULL || *name == '\0')
    return ms_fail (error, MS_ERROR_NOT_FOUND, "database name is empty");
  g_autoptr (MsDatabase) db = ms_store_database_get (hms->store, catalog, name, error);
  if (db == NULL)
    return FALSE;
  hms_database_to_thrift (db, out);
  return TRUE;
}

static gboolean
h_get_database (Iface *iface, ThmsDatabase **_return, const gchar *name,
                ThmsNoSuchObjectException **o1, ThmsMetaException **o2, GError **error)
{
  GError *err = NULL;
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_parse_db_name (name, &cat, &db, &err)
      || !get_database (HMS (iface), cat, db, *_return, &err))
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_database_req (Iface *iface, ThmsDatabase **_return, const ThmsGetDatabaseRequest *req,
                    ThmsNoSuchObjectException **o1, ThmsMetaException **o2, GError **error)
{
  GError *err = NULL;
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_parse_db_name (req->__isset_name ? req->name : NULL, &cat, &db, &err))
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  if (req->__isset_catalogName && req->catalogName && *req->catalogName)
    {
      g_free (cat);
      cat = g_ascii_strdown (req->catalogName, -1);
    }
  if (!get_database (HMS (iface), cat, db, *_return, &err))
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
list_databases (MsHms *hms, const char *raw_pattern, GPtrArray *out, GError **error)
{
  g_autofree char *cat = NULL, *pattern = NULL;
  if (!hms_parse_db_name (raw_pattern, &cat, &pattern, error))
    return FALSE;
  if (ms_pattern_matches_nothing (pattern))
    return TRUE;
  g_autofree char *regex = ms_pattern_to_regex (pattern);
  g_autoptr (GPtrArray) names = ms_store_database_list (hms->store, cat, regex, error);
  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (out, g_strdup (g_ptr_array_index (names, i)));
  return TRUE;
}

static gboolean
h_get_databases (Iface *iface, GPtrArray **_return, const gchar *pattern, ThmsMetaException **o1,
                 GError **error)
{
  GError *err = NULL;
  if (!list_databases (HMS (iface), pattern, *_return, &err))
    return hms_raise (err, error, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_all_databases (Iface *iface, GPtrArray **_return, ThmsMetaException **o1, GError **error)
{
  GError *err = NULL;
  if (!list_databases (HMS (iface), NULL, *_return, &err))
    return hms_raise (err, error, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
alter_database (MsHms *hms, const char *raw_name, const ThmsDatabase *newdb, GError **error)
{
  g_autofree char *cat = NULL, *name = NULL;
  if (!hms_parse_db_name (raw_name, &cat, &name, error))
    return FALSE;
  if (name == NULL || *name == '\0')
    return ms_fail (error, MS_ERROR_NOT_FOUND, "database name is empty");
  if (newdb == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "the new database is missing");
  g_autoptr (MsDatabase) db = hms_database_from_thrift (newdb);
  /* Like Hive: parameters are replaced as a whole; owner, description and
   * locations change when given (the location in its stored form, as
   * create_database); the name and catalog do not change. */
  hms_qualify_location (hms, &db->location_uri);
  if (!newdb->__isset_parameters && g_hash_table_size (db->params) == 0)
    g_clear_pointer (&db->params, g_hash_table_unref);
  if (!ms_store_database_alter (hms->store, cat, name, db, error))
    return FALSE;
  if (db->location_uri)
    ms_service_data_mkdirs (hms->guard, hms->storage, db->location_uri, "database location", NULL, NULL);
  return TRUE;
}

static gboolean
h_alter_database (Iface *iface, const gchar *dbname, const ThmsDatabase *db,
                  ThmsMetaException **o1, ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  if (!alter_database (HMS (iface), dbname, db, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_alter_database_req (Iface *iface, const ThmsAlterDatabaseRequest *req, ThmsMetaException **o1,
                      ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_autofree char *raw = NULL;
  if (req->newDb && req->newDb->__isset_catalogName && req->newDb->catalogName
      && *req->newDb->catalogName && req->oldDbName && req->oldDbName[0] != '@')
    raw = g_strdup_printf ("@%s#%s", req->newDb->catalogName, req->oldDbName);
  else
    raw = g_strdup (req->oldDbName);
  if (!alter_database (HMS (iface), raw, req->newDb, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

/* Delete the data locations of a dropped database and its tables: only
 * inside the allowed locations (a root-run daemon must not follow a
 * location to /etc), never the catalog's root or what holds it. */
static void
delete_locations (MsHms *hms, const char *catalog, GPtrArray *locations)
{
  for (guint i = 0; i < locations->len; i++)
    hms_delete_data (hms, catalog, g_ptr_array_index (locations, i), "location");
}

static gboolean
drop_database (MsHms *hms, const char *catalog, const char *name, gboolean delete_data,
               gboolean cascade, gboolean ignore_unknown, GError **error)
{
  if (name == NULL || *name == '\0')
    return ms_fail (error, MS_ERROR_NOT_FOUND, "database name is empty");
  if (g_str_equal (name, MS_DEFAULT_DATABASE) && g_str_equal (catalog, MS_DEFAULT_CATALOG))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Can not drop default database in catalog hive");
  g_autoptr (GPtrArray) locations = NULL;
  GError *local = NULL;
  if (!ms_store_database_drop (hms->store, catalog, name, cascade, &locations, &local))
    {
      if (ignore_unknown && g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND))
        {
          g_error_free (local);
          return TRUE;
        }
      g_propagate_error (error, local);
      return FALSE;
    }
  ms_info ("dropped database %s.%s%s", catalog, name, cascade ? " (cascade)" : "");
  if (delete_data)
    delete_locations (hms, catalog, locations);
  return TRUE;
}

static gboolean
h_drop_database (Iface *iface, const gchar *name, const gboolean deleteData, const gboolean cascade,
                 ThmsNoSuchObjectException **o1, ThmsInvalidOperationException **o2,
                 ThmsMetaException **o3, GError **error)
{
  GError *err = NULL;
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_parse_db_name (name, &cat, &db, &err)
      || !drop_database (HMS (iface), cat, db, deleteData, cascade, FALSE, &err))
    return hms_raise (err, error, NSO, o1, IOP, o2, META, o3, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_drop_database_req (Iface *iface, const ThmsDropDatabaseRequest *req,
                     ThmsNoSuchObjectException **o1, ThmsInvalidOperationException **o2,
                     ThmsMetaException **o3, GError **error)
{
  GError *err = NULL;
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_parse_db_name (req->name, &cat, &db, &err))
    return hms_raise (err, error, NSO, o1, IOP, o2, META, o3, G_TYPE_INVALID);
  if (req->__isset_catalogName && req->catalogName && *req->catalogName)
    {
      g_free (cat);
      cat = g_ascii_strdown (req->catalogName, -1);
    }
  if (!drop_database (HMS (iface), cat, db, req->deleteData, req->cascade, req->ignoreUnknownDb, &err))
    return hms_raise (err, error, NSO, o1, IOP, o2, META, o3, G_TYPE_INVALID);
  return TRUE;
}

void
hms_database_install (ThmsThriftHiveMetastoreHandlerClass *k)
{
  k->create_database = h_create_database;
  k->create_database_req = h_create_database_req;
  k->get_database = h_get_database;
  k->get_database_req = h_get_database_req;
  k->get_databases = h_get_databases;
  k->get_all_databases = h_get_all_databases;
  k->alter_database = h_alter_database;
  k->alter_database_req = h_alter_database_req;
  k->drop_database = h_drop_database;
  k->drop_database_req = h_drop_database_req;
}
