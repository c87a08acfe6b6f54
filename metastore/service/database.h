/*
 * service/database.h: what creating a database means, whichever door asks
 * (an HMS create_database or an Iceberg REST create namespace): its name
 * checked, its default location under the catalog's, its row stored and its
 * directory made, or nothing at all.
 *
 * The service layer sits between the doors (hms/, iceberg/) and the store:
 * it holds the rules both doors share, so neither door includes the other.
 */
#pragma once
#include "store/store.h"
#include "service/storage_guard.h"
#include "storage/storage.h"

/* Names of databases (and first-level namespaces): letters, digits and '_',
 * 1..MS_NAME_MAX characters (Hive's MetaStoreUtils.validateName; its NAME
 * columns are VARCHAR(128)). */
#define MS_NAME_MAX 128
gboolean ms_service_check_name (const char *kind, const char *name, GError **error);

/* Complete 'db' in place (catalog "hive" when unset, location
 * <catalog location>/<name>.db when unset, create time now, 'owner' when
 * it has none), store it and create its directory through 'guard' (none
 * outside the allowed locations); an allowed directory that cannot be made
 * undoes the row. MS_ERROR_ALREADY_EXISTS for a taken name. */
gboolean ms_service_database_create (MsStore *store, const MsStorageGuard *guard, MsStorage *st,
                                     MsDatabase *db, const char *owner, GError **error);

/* ---- nested namespaces ----
 * Namespace [a, b, c] of the Iceberg REST door is the database "a.b.c" of
 * its catalog: the levels lower-cased and joined by '.'. A level follows the
 * database name rules (so it holds no '.'), the joined name fits the same
 * 128 characters. Only the REST door makes dotted names; the Thrift door's
 * create_database keeps refusing '.' (ms_service_check_name). */
#define MS_NAMESPACE_SEPARATOR '.'

/* The database name of namespace 'levels' (NULL-terminated), or NULL and
 * MS_ERROR_INVALID_OBJECT: no level, an empty level, a level with '.' or any
 * other character ms_service_check_name refuses, a joined name over 128
 * characters. The caller owns the result. */
char *ms_service_namespace_name (char **const levels, GError **error);

/* The levels of database name 'name' ("a.b" -> [a, b]); free with g_strfreev. */
char **ms_service_namespace_levels (const char *name);

/* The parent database of nested namespace 'name' ("a.b.c" -> "a.b"), NULL
 * for a first-level name. */
char *ms_service_namespace_parent (const char *name);

/* Create namespace 'db->name' ("a" or "a.b.c"; checked and lower-cased in
 * place as ms_service_namespace_name does): a first-level name exactly as
 * ms_service_database_create does; a nested one needs its parent ("a.b"; MS_ERROR_NOT_FOUND when missing, checked again
 * atomically with the insert, see ms_store_database_create_child) and its
 * default location is <parent location>/<last level>.db, so that a table's
 * default location <namespace location>/<table> never meets a child
 * namespace's directory (table names hold no '.'). */
gboolean ms_service_namespace_create (MsStore *store, const MsStorageGuard *guard, MsStorage *st,
                                      MsDatabase *db, const char *owner, GError **error);
