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

/* Names of databases (and first-level namespaces): letters, digits and '_',
 * 1..128 characters (Hive's MetaStoreUtils.validateName). */
gboolean ms_service_check_name (const char *kind, const char *name, GError **error);

/* Complete 'db' in place (catalog "hive" when unset, location
 * <catalog location>/<name>.db when unset, create time now, 'owner' when
 * it has none), store it and create its directory; a directory that cannot
 * be made undoes the row. MS_ERROR_ALREADY_EXISTS for a taken name. */
gboolean ms_service_database_create (MsStore *store, MsDatabase *db, const char *owner,
                                     GError **error);
