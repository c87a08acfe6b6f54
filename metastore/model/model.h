/*
 * model.h: the catalog's plain C model, shared by both protocol doors and the
 * store. No Thrift or JSON types appear here; every struct owns its strings
 * and is freed with its _free function (autoptr cleanup defined).
 *
 * Parameters are GHashTable<char*, char*> owning keys and values.
 */
#pragma once
#include <glib.h>

/* Values follow Hive's PrincipalType enum (USER = 1, ROLE = 2, GROUP = 3). */
typedef enum { MS_PRINCIPAL_NONE = 0, MS_PRINCIPAL_USER = 1, MS_PRINCIPAL_ROLE = 2,
               MS_PRINCIPAL_GROUP = 3 } MsPrincipalType;

/* Values follow Hive's DatabaseType enum. */
typedef enum { MS_DB_NATIVE = 1, MS_DB_REMOTE = 2 } MsDatabaseType;

#define MS_DEFAULT_CATALOG "hive"
#define MS_DEFAULT_DATABASE "default"

typedef struct {
  char *name;
  char *description;
  char *location_uri;
  int create_time;
} MsCatalog;

typedef struct {
  char *catalog;
  char *name;
  char *description;
  char *location_uri;
  char *managed_location_uri;
  char *owner_name;
  MsPrincipalType owner_type;
  int create_time;
  MsDatabaseType type;
  char *connector_name;
  char *remote_dbname;
  GHashTable *params;
} MsDatabase;

/* Hive's ResourceType: JAR = 1, FILE = 2, ARCHIVE = 3. */
typedef struct {
  int type;
  char *uri;
} MsResourceUri;

typedef struct {
  char *catalog;
  char *db_name;
  char *name;
  char *class_name;
  char *owner_name;
  MsPrincipalType owner_type;
  int create_time;
  int function_type;           /* Hive's FunctionType: JAVA = 1 */
  GArray *resources;           /* of MsResourceUri */
} MsFunction;

GHashTable *ms_params_new (void);
GHashTable *ms_params_copy (GHashTable *params);

MsCatalog *ms_catalog_new (void);
void ms_catalog_free (MsCatalog *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCatalog, ms_catalog_free)

MsDatabase *ms_database_new (void);
void ms_database_free (MsDatabase *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsDatabase, ms_database_free)

MsFunction *ms_function_new (void);
void ms_function_free (MsFunction *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsFunction, ms_function_free)
