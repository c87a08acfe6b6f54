/*
 * ops.h: the operations endpoints, the same on the REST port and on the
 * optional admin listener (admin.port):
 *   GET /healthz   200 "ok" while the process serves requests
 *   GET /readyz    200 "ready" when PostgreSQL answers one query and the
 *                  schema is at the version this binary expects, else 503
 *                  with the reason
 *   GET /metrics   Prometheus text (server/metrics.h)
 * The REST door answers /healthz and /readyz before authentication; its
 * /metrics needs a token when REST authentication is on (the admin port
 * never asks for one).
 */
#pragma once
#include "server/http_server.h"
#include "server/metrics.h"
#include "server/thrift_server.h"
#include "store/store.h"

typedef struct {
  MsStore *store;              /* borrowed */
  MsMetrics *metrics;          /* borrowed */
  MsThriftServer *thrift;      /* borrowed; NULL: no Thrift gauges */
  MsHttpServer *rest;          /* borrowed; NULL: no REST gauge */
  int schema_version;          /* the version this binary expects */
} MsOps;

typedef enum { MS_OPS_NONE, MS_OPS_HEALTH, MS_OPS_READY, MS_OPS_METRICS } MsOpsEndpoint;

/* Which endpoint a request's path names (method not checked). */
MsOpsEndpoint ms_ops_endpoint (const MsHttpRequest *req);
/* Answer a request for 'which' (405 for a method other than GET/HEAD). */
void ms_ops_answer (MsOps *ops, MsOpsEndpoint which, const MsHttpRequest *req,
                    MsHttpResponse *resp);
/* The admin listener's handler ('user' is the MsOps): the three endpoints,
 * 404 for anything else; a refused request (MsHttpRequest.refused) is
 * answered as text, as the rest. */
void ms_ops_handle (gpointer user, const MsHttpRequest *req, MsHttpResponse *resp);
