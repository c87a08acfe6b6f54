/*
 * database.c: the HMS database methods: create_database(_req),
 * get_database(_req), get_databases, get_all_databases, alter_database(_req),
 * drop_database(_req). Names are lower-cased and may carry a "@cat#"
 * catalog prefix; the 'default' database of 'hive' cannot be dropped.
 */
#include "hms/internal.h"
#include "hms_method_table.h"
#include "service/database.h"
#include "core/log.h"
#include "core/pattern.h"
#include "storage/storage.h"
#include "service/data.h"
#include "service/table.h"

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
  return ms_service_database_create (hms->store, hms_guard (hms, db->catalog), hms_storage (hms, db->catalog), db, session_user (), error);
}

/* A database as create_database_req describes it. */
static MsDatabase *
database_from_request (const ThmsCreateDatabaseRequest *req)
{
  MsDatabase *db = ms_database_new ();
  db->name = req->databaseName ? g_ascii_strdown (req->databaseName, -1) : NULL;
  db->description = g_strdup (HMS_OPT (req, description));
  db->location_uri = g_strdup (HMS_OPT (req, locationUri));
  if (req->__isset_parameters && req->parameters)
    {
      g_hash_table_unref (db->params);
      db->params = ms_params_copy (req->parameters);
    }
  db->owner_name = g_strdup (HMS_OPT (req, ownerName));
  if (req->__isset_ownerType)
    db->owner_type = (MsPrincipalType) req->ownerType;
  if (HMS_OPT (req, catalogName))
    db->catalog = g_ascii_strdown (req->catalogName, -1);
  if (req->__isset_createTime)
    db->create_time = req->createTime;
  db->managed_location_uri = g_strdup (HMS_OPT (req, managedLocationUri));
  if (req->__isset_type)
    db->type = (MsDatabaseType) req->type;
  db->connector_name = g_strdup (HMS_OPT (req, dataConnectorName));
  db->remote_dbname = g_strdup (HMS_OPT (req, remote_dbname));
  return db;
}

/* create_database, create_database_req */
gboolean
hms_database_create (HmsCall *call, GError **error)
{
  ThmsCreateDatabaseRequest *req = hms_arg_obj (call, "createDatabaseRequest");
  if (req != NULL)
    {
      g_autoptr (MsDatabase) db = database_from_request (req);
      return create_database (call->hms, db, error);
    }
  ThmsDatabase *database = hms_arg_obj (call, "database");
  g_autoptr (MsDatabase) db = hms_database_from_thrift (database);
  if (db->catalog == NULL && database->name && database->name[0] == '@')
    {
      /* a prefixed name in Database.name (rare, but Hive accepts it) */
      g_autofree char *cat = NULL, *name = NULL;
      if (!hms_parse_db_name (database->name, &cat, &name, error))
        return FALSE;
      g_free (db->name);
      db->name = g_steal_pointer (&name);
      db->catalog = g_steal_pointer (&cat);
    }
  return create_database (call->hms, db, error);
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

/* get_database, get_database_req */
gboolean
hms_database_get (HmsCall *call, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  ThmsGetDatabaseRequest *req = hms_arg_obj (call, "request");
  const char *raw = req ? (req->__isset_name ? req->name : NULL) : hms_arg_str (call, "name");
  if (!hms_parse_db_name (raw, &cat, &db, error))
    return FALSE;
  if (req && HMS_OPT (req, catalogName))
    {
      g_free (cat);
      cat = g_ascii_strdown (req->catalogName, -1);
    }
  return get_database (call->hms, cat, db, hms_result_obj (call), error);
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
  hms_strings_append (out, names);
  return TRUE;
}

/* get_databases, get_all_databases */
gboolean
hms_database_list (HmsCall *call, GError **error)
{
  return list_databases (call->hms, hms_arg_str (call, "pattern"), hms_result_obj (call), error);
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
    ms_service_data_mkdirs (hms_guard (hms, cat), hms_storage (hms, cat), db->location_uri, "database location", NULL, NULL);
  return TRUE;
}

/* alter_database, alter_database_req */
gboolean
hms_database_alter (HmsCall *call, GError **error)
{
  ThmsAlterDatabaseRequest *req = hms_arg_obj (call, "alterDbReq");
  if (req == NULL)
    return alter_database (call->hms, hms_arg_str (call, "dbname"), hms_arg_obj (call, "db"), error);
  g_autofree char *raw = NULL;
  if (req->newDb && HMS_OPT (req->newDb, catalogName) && req->oldDbName
      && req->oldDbName[0] != '@')
    raw = g_strdup_printf ("@%s#%s", req->newDb->catalogName, req->oldDbName);
  else
    raw = g_strdup (req->oldDbName);
  return alter_database (call->hms, raw, req->newDb, error);
}

static gboolean
drop_database (MsHms *hms, const char *catalog, const char *name, gboolean delete_data,
               gboolean cascade, gboolean ignore_unknown, GError **error)
{
  if (name == NULL || *name == '\0')
    return ms_fail (error, MS_ERROR_NOT_FOUND, "database name is empty");
  if (g_str_equal (name, MS_DEFAULT_DATABASE) && g_str_equal (catalog, MS_DEFAULT_CATALOG))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Can not drop default database in catalog hive");
  g_autofree char *location = NULL;
  g_autoptr (GPtrArray) tables = NULL;
  GError *local = NULL;
  if (!ms_store_database_drop (hms->store, catalog, name, cascade, &location, &tables, &local))
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
  if (!delete_data)
    return TRUE;
  /* the tables' data by the rule of drop_table (service/table.h), then the
   * database's directory */
  for (guint i = 0; i < tables->len; i++)
    {
      const MsDroppedTable *d = g_ptr_array_index (tables, i);
      ms_service_table_delete_data (hms->store, hms_guard (hms, catalog), hms_storage (hms, catalog), catalog, d->table,
                                    d->part_locations);
    }
  ms_service_location_delete (hms->store, hms_guard (hms, catalog), hms_storage (hms, catalog), catalog, location, "location");
  return TRUE;
}

/* drop_database, drop_database_req */
gboolean
hms_database_drop (HmsCall *call, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  ThmsDropDatabaseRequest *req = hms_arg_obj (call, "req");
  if (req == NULL)
    return hms_parse_db_name (hms_arg_str (call, "name"), &cat, &db, error)
           && drop_database (call->hms, cat, db, hms_arg_bool (call, "deleteData"),
                             hms_arg_bool (call, "cascade"), FALSE, error);
  if (!hms_parse_db_name (req->name, &cat, &db, error))
    return FALSE;
  if (HMS_OPT (req, catalogName))
    {
      g_free (cat);
      cat = g_ascii_strdown (req->catalogName, -1);
    }
  return drop_database (call->hms, cat, db, req->deleteData, req->cascade, req->ignoreUnknownDb,
                        error);
}
