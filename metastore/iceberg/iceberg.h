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
  MsStorage *storage;          /* metadata files and purges (borrowed) */
  const MsStorageGuard *guard; /* where files may be read, written and
                                  purged (borrowed); NULL: nowhere */
  IceMdCache *md_cache;        /* parsed metadata between commits (md_cache.c) */
  IceLocationCache *sign_locations; /* table locations by metadata file, for
                                  sign requests (location_cache.c) */
  IceSweeper *sweeper;         /* metadata files no commit made current
                                  (metadata_sweep.c) */
  GHashTable *table_config;    /* "config" of every LoadTableResult: the
                                  storage settings clients need (no secrets) */
  MsAuth *auth;                /* not owned (main.c's); NULL: no authentication */
  MsMetrics *metrics;          /* not owned; NULL: no metrics */
  MsOps *ops;                  /* not owned; NULL: no /healthz, /readyz, /metrics */
  int idem_lifetime_s;         /* Idempotency-Key records' lifetime; 0: not supported */
  char *idem_lifetime;         /* the same as an ISO-8601 duration (GET /v1/config) */
  int idem_stale_s;            /* a running claim older than this may be taken over */
  gboolean refuse_unknown_warehouse; /* rest.unknown_warehouse = refuse */
  MsDelegation *delegation;    /* owned; NULL: no access delegation */
  guint8 stage_key[32];        /* staged tables' signing passes without
                                  authentication (staged_sign.c) */
} MsIceberg;

MsIceberg *ms_iceberg_new (MsStore *store, MsStorage *storage, const char *prefix,
                           const char *warehouse);
/* The non-secret S3 settings clients need to read the files, as Iceberg's
 * S3FileIO names them, in every LoadTableResult's "config". */
void ms_iceberg_set_storage_config (MsIceberg *ice, const MsS3Options *s3);
/* rest.metadata_cache_mb: memory for parsed metadata between commits. */
void ms_iceberg_set_metadata_cache (MsIceberg *ice, int megabytes);
/* rest.idempotency_lifetime ('lifetime_s' seconds, 0: off, and its text);
 * an attempt running longer than 'stale_s' may lose its key to a retry. */
void ms_iceberg_set_idempotency (MsIceberg *ice, int lifetime_s, const char *lifetime,
                                 int stale_s);
void ms_iceberg_free (MsIceberg *ice);

/* The HTTP handler; 'user' is the MsIceberg. */
void ms_iceberg_handle (gpointer user, const MsHttpRequest *req, MsHttpResponse *resp);
