/*
 * iceberg.h: the Iceberg REST catalog door. One context for the whole
 * door; ms_iceberg_handle is the HTTP handler (server/http_server.h) that
 * routes a request to its resource file (routes.c).
 */
#pragma once
#include "server/http_server.h"
#include "store/store.h"
#include "storage/storage.h"
#include "service/storage_guard.h"
#include "service/delegation.h"
#include "service/catalog_storage.h"
#include "auth/auth.h"
#include "server/metrics.h"
#include "server/ops.h"

typedef struct _IceMdCache IceMdCache;
typedef struct _IceSweeper IceSweeper;
typedef struct _IceLocationCache IceLocationCache;

typedef struct {
  MsStore *store;
  char *prefix;                /* rest.prefix, or NULL for none */
  char *warehouse;             /* the default catalog's warehouse root */
  const MsCatalogStorages *storages; /* each catalog's guard, S3 client and
                                  delegation (borrowed); NULL: no data is
                                  touched, no delegation */
  GHashTable *io;              /* catalog ("" for the global settings) ->
                                  IceIo (storage_io.c) */
  IceMdCache *md_cache;        /* parsed metadata between commits (md_cache.c) */
  IceLocationCache *sign_locations; /* table locations by metadata file, for
                                  sign requests (location_cache.c) */
  IceSweeper *sweeper;         /* metadata files no commit made current
                                  (metadata_sweep.c) */
  MsAuth *auth;                /* not owned (main.c's); NULL: no authentication */
  MsMetrics *metrics;          /* not owned; NULL: no metrics */
  MsOps *ops;                  /* not owned; NULL: no /healthz, /readyz, /metrics */
  int idem_lifetime_s;         /* Idempotency-Key records' lifetime; 0: not supported */
  char *idem_lifetime;         /* the same as an ISO-8601 duration (GET /v1/config) */
  int idem_stale_s;            /* a running claim older than this may be taken over */
  gboolean refuse_unknown_warehouse; /* rest.unknown_warehouse = refuse */
  guint8 stage_key[32];        /* staged tables' signing passes without
                                  authentication (staged_sign.c) */
} MsIceberg;

/* 'storages' is borrowed: each catalog's storage settings, which its
 * metadata files, purges, LoadTableResult "config" (the non-secret S3
 * settings, as Iceberg's S3FileIO names them), vended credentials and
 * remote signing use. */
MsIceberg *ms_iceberg_new (MsStore *store, const MsCatalogStorages *storages,
                           const char *prefix, const char *warehouse);
/* rest.metadata_cache_mb: memory for parsed metadata between commits. */
void ms_iceberg_set_metadata_cache (MsIceberg *ice, int megabytes);
/* rest.idempotency_lifetime ('lifetime_s' seconds, 0: off, and its text);
 * an attempt running longer than 'stale_s' may lose its key to a retry. */
void ms_iceberg_set_idempotency (MsIceberg *ice, int lifetime_s, const char *lifetime,
                                 int stale_s);
void ms_iceberg_free (MsIceberg *ice);

/* The HTTP handler; 'user' is the MsIceberg. */
void ms_iceberg_handle (gpointer user, const MsHttpRequest *req, MsHttpResponse *resp);
