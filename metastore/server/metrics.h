/*
 * metrics.h: MsMetrics, the server's Prometheus metrics. One context per
 * process, created by main.c and handed to the doors (MsHms, MsIceberg) and
 * the ops endpoints (server/ops.c); there is no other mutable metrics state.
 *
 * Series are created on first use under a mutex and never removed; after
 * that every update is a relaxed atomic add, so workers never contend on a
 * lock longer than a hash lookup. Histograms have fixed buckets from 0.5 ms
 * to 10 s. Gauges that belong to other modules (open connections, the
 * PostgreSQL pool) are read at rendering time and passed in.
 *
 * Rendering is the Prometheus text exposition format 0.0.4, written by hand.
 */
#pragma once
#include <glib.h>

#define MS_METRICS_BUCKETS 15   /* 14 bounds + +Inf */

/* Upper bounds of the latency buckets, in seconds (+Inf not included). */
extern const double ms_metrics_bucket_bounds[MS_METRICS_BUCKETS - 1];

typedef struct _MsMetrics MsMetrics;

/* Values owned by other modules, sampled when /metrics is rendered;
 * a negative value leaves the series out. */
typedef struct {
  int thrift_open;             /* open Thrift connections */
  int thrift_busy;             /* connections being served */
  int rest_open;               /* open REST connections */
  int pool_size, pool_open, pool_in_use, pool_waiting;
  gint64 pool_reconnects;
} MsMetricsGauges;

MsMetrics *ms_metrics_new (const char *version);
void ms_metrics_free (MsMetrics *m);

/* The bucket index (0 .. MS_METRICS_BUCKETS-1) of a duration. */
int ms_metrics_bucket (gint64 duration_us);

/* One Thrift call of 'method' (a known method name, or "unknown") that took
 * 'duration_us'; 'exception' is the class of the exception it answered with
 * (NoSuchObjectException, TApplicationException, ...) or NULL. */
void ms_metrics_thrift_call (MsMetrics *m, const char *method, gint64 duration_us,
                             const char *exception);

/* One REST request: 'route' is the route pattern ("/v1/namespaces/{namespace}"),
 * never the raw path. */
void ms_metrics_rest_request (MsMetrics *m, const char *method, const char *route, int status,
                              gint64 duration_us);

/* An Iceberg commit (table or transaction) that succeeded, or failed with a
 * 409 conflict. */
void ms_metrics_iceberg_commit (MsMetrics *m, gboolean conflict);

/* The next REST request id of this process ("r<n>-<boot>"), caller frees. */
char *ms_metrics_next_request_id (MsMetrics *m);

/* The whole exposition text. 'g' may be NULL. */
void ms_metrics_render (MsMetrics *m, const MsMetricsGauges *g, GString *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsMetrics, ms_metrics_free)
