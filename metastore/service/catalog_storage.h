/*
 * service/catalog_storage.h: the storage settings each catalog's data is
 * handled with, a rule of no door. A catalog with a [catalog.<name>]
 * group (core/config.h) has its own object-store endpoint, region, keys,
 * STS and allowed locations (its root unless the group lists more); every
 * other catalog, the default 'hive' and those made through Thrift's
 * create_catalog included, uses the global settings. Both doors ask here,
 * for the catalog of the object a call acts on, which guard, S3 client and
 * delegation (vended credentials, remote signing) to use.
 */
#pragma once
#include "core/config.h"
#include "store/store.h"
#include "storage/storage.h"
#include "service/storage_guard.h"
#include "service/delegation.h"

typedef struct {
  char *catalog;               /* the catalog; NULL for the global settings */
  char *root;                  /* its warehouse root */
  MsConfig *cfg;               /* its settings (owned; NULL for the global ones) */
  MsS3Options s3;              /* borrows the settings' strings */
  MsStorageGuard *guard;       /* where its data may be touched */
  MsStorage *storage;          /* its object-store client */
  MsDelegation *delegation;    /* its vended credentials and remote signing */
} MsCatalogStorage;

typedef struct _MsCatalogStorages MsCatalogStorages;

/* The global settings of 'cfg' (borrowed: it must outlive the result),
 * guarding 'warehouse' (the default catalog's root) with
 * storage.allowed_locations and the roots of rest.catalogs, and one entry
 * per catalog group. MS_ERROR_INVALID_INPUT for a group that is wrong, or
 * a catalog both in rest.catalogs and with a group. */
MsCatalogStorages *ms_catalog_storages_new (const MsConfig *cfg, const char *warehouse,
                                            GError **error);
void ms_catalog_storages_free (MsCatalogStorages *all);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCatalogStorages, ms_catalog_storages_free)

/* The settings of catalog 'catalog' (NULL: the default catalog): its
 * group's, else the global ones. NULL when 'all' is NULL. */
const MsCatalogStorage *ms_catalog_storages_get (const MsCatalogStorages *all,
                                                 const char *catalog);
/* The catalogs with their own settings (MsCatalogStorage*, borrowed),
 * by name. */
const GPtrArray *ms_catalog_storages_own (const MsCatalogStorages *all);

/* Create, when missing, the catalogs of rest.catalogs and those of the
 * groups (at their warehouse.root, through their own settings). */
gboolean ms_catalog_storages_ensure (const MsCatalogStorages *all, MsStore *store,
                                     GError **error);
