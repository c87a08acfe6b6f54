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

/* Hive's LockType and LockState values. */
typedef enum { MS_LOCK_SHARED_READ = 1, MS_LOCK_SHARED_WRITE = 2, MS_LOCK_EXCLUSIVE = 3,
               MS_LOCK_EXCL_WRITE = 4 } MsLockType;
typedef enum { MS_LOCK_ACQUIRED = 1, MS_LOCK_WAITING = 2 } MsLockState;

/* One object a lock request covers: a database, a table (part_name NULL)
 * or a partition. The level follows from which names are set, as in Hive. */
typedef struct {
  MsLockType type;
  char *db_name;
  char *table_name;            /* NULL: the whole database */
  char *part_name;             /* NULL: the whole table */
} MsLockComponent;

/* A lock request: its components are acquired together or not at all. */
typedef struct {
  GPtrArray *components;       /* of MsLockComponent */
  gint64 txn_id;               /* 0: no transaction */
  char *user;
  char *host;
  char *agent_info;
} MsLockRequest;

/* One component of a lock as show_locks reports it. Times are Unix
 * milliseconds; 0 in acquired_at / blocked_by_lock_id means none. */
typedef struct {
  gint64 lock_id;              /* Hive's external lock id */
  int comp_id;                 /* Hive's internal lock id: 1.. within the lock */
  gint64 txn_id;
  char *db_name;
  char *table_name;
  char *part_name;
  MsLockState state;
  MsLockType type;
  gint64 last_heartbeat;
  gint64 acquired_at;
  char *user;
  char *host;
  char *agent_info;
  int heartbeat_count;
  gint64 blocked_by_lock_id;
  int blocked_by_comp_id;
} MsLockInfo;

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

MsLockComponent *ms_lock_component_new (void);
void ms_lock_component_free (MsLockComponent *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsLockComponent, ms_lock_component_free)

MsLockRequest *ms_lock_request_new (void);
void ms_lock_request_free (MsLockRequest *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsLockRequest, ms_lock_request_free)

MsLockInfo *ms_lock_info_new (void);
void ms_lock_info_free (MsLockInfo *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsLockInfo, ms_lock_info_free)
