/*
 * service/catalog.h: what creating a catalog means, whichever way it is
 * asked for (an HMS create_catalog, or rest.catalogs at start): its name
 * lower-cased and checked, a location required, its directory made through
 * the storage guard, then its row and its 'default' database stored.
 */
#pragma once
#include "store/store.h"
#include "service/storage_guard.h"
#include "storage/storage.h"

/* Create 'cat' (its name lower-cased in place; create time set when 0).
 * MS_ERROR_INVALID_OBJECT for a bad name or no location,
 * MS_ERROR_ALREADY_EXISTS for a taken name. */
gboolean ms_service_catalog_create (MsStore *store, const MsStorageGuard *guard, MsStorage *st,
                                    MsCatalog *cat, GError **error);

/* The allowed locations once rest.catalogs' roots are added to
 * 'allowed' (storage.allowed_locations; NULL: 'warehouse' alone) into
 * *out (caller frees; NULL when 'allowed' is NULL and the list empty; "*"
 * stays "*"); FALSE and MS_ERROR_INVALID_INPUT for a list item that is
 * not name=root. */
gboolean ms_service_catalogs_allowed (const char *allowed, const char *warehouse,
                                      const char *list, char **out, GError **error);
/* Create 'cat' unless a catalog of its name exists (left as it is). */
gboolean ms_service_catalog_ensure (MsStore *store, const MsStorageGuard *guard, MsStorage *st,
                                    MsCatalog *cat, GError **error);
/* Whether the rest.catalogs list 'list' names the catalog 'name'. */
gboolean ms_service_catalogs_has (const char *list, const char *name, gboolean *has,
                                  GError **error);
/* The catalogs of a "name=root,name2=root2" list (rest.catalogs) made
 * when missing; one that exists is left as it is (its location is not
 * changed). */
gboolean ms_service_catalogs_ensure (MsStore *store, const MsStorageGuard *guard, MsStorage *st,
                                     const char *list, GError **error);
