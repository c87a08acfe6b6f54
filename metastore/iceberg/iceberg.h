/*
 * iceberg.h: the Iceberg REST catalog door. One context for the whole
 * door; ms_iceberg_handle is the HTTP handler (server/http_server.h) that
 * routes a request to its resource file (routes.c).
 */
#pragma once
#include "server/http_server.h"
#include "store/store.h"
#include "auth/auth.h"

typedef struct {
  MsStore *store;
  char *prefix;                /* rest.prefix, or NULL for none */
  char *warehouse;             /* the default catalog's warehouse root */
  MsAuth *auth;                /* not owned (main.c's); NULL: no authentication */
} MsIceberg;

MsIceberg *ms_iceberg_new (MsStore *store, const char *prefix, const char *warehouse);
void ms_iceberg_free (MsIceberg *ice);

/* The HTTP handler; 'user' is the MsIceberg. */
void ms_iceberg_handle (gpointer user, const MsHttpRequest *req, MsHttpResponse *resp);
