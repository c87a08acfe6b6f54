/*
 * ops.c: /healthz, /readyz and /metrics (see ops.h).
 */
#include "server/ops.h"
#include "store/pool.h"
#include "core/log.h"

MsOpsEndpoint
ms_ops_endpoint (const MsHttpRequest *req)
{
  char **s = req->segments;
  if (s == NULL || s[0] == NULL || s[1] != NULL)
    return MS_OPS_NONE;
  if (g_str_equal (s[0], "healthz"))
    return MS_OPS_HEALTH;
  if (g_str_equal (s[0], "readyz"))
    return MS_OPS_READY;
  if (g_str_equal (s[0], "metrics"))
    return MS_OPS_METRICS;
  return MS_OPS_NONE;
}

static void
text (MsHttpResponse *resp, int status, const char *type, char *body)
{
  resp->status = status;
  resp->body = body;
  resp->content_type = type;
  ms_http_response_header (resp, "Cache-Control", "no-store");
}

static void
gauges (MsOps *ops, MsMetricsGauges *g)
{
  *g = (MsMetricsGauges) { -1, -1, -1, -1, -1, -1, -1, -1 };
  if (ops->thrift)
    {
      MsThriftStats st = ms_thrift_server_stats (ops->thrift);
      g->thrift_open = st.open;
      g->thrift_busy = st.busy;
    }
  MsHttpServer *rest = g_atomic_pointer_get (&ops->rest);
  if (rest)
    g->rest_open = ms_http_server_connections (rest);
  if (ops->store)
    {
      MsPoolStats p = ms_pool_stats (ops->store->pool);
      g->pool_size = p.size;
      g->pool_open = p.open;
      g->pool_in_use = p.in_use;
      g->pool_waiting = p.waiting;
      g->pool_reconnects = (gint64) p.reconnects;
    }
}

void
ms_ops_answer (MsOps *ops, MsOpsEndpoint which, const MsHttpRequest *req, MsHttpResponse *resp)
{
  if (!g_str_equal (req->method, "GET") && !g_str_equal (req->method, "HEAD"))
    {
      ms_http_response_header (resp, "Allow", "GET, HEAD");
      return text (resp, 405, "text/plain; charset=utf-8",
                   g_strdup_printf ("%s is not allowed here\n", req->method));
    }
  switch (which)
    {
    case MS_OPS_HEALTH:
      return text (resp, 200, "text/plain; charset=utf-8", g_strdup ("ok\n"));
    case MS_OPS_READY:
      {
        g_autoptr (GError) e = NULL;
        int v = ms_store_ready_version (ops->store, &e);
        if (v < 0)
          {
            ms_warn ("readyz: PostgreSQL unreachable: %s", e ? e->message : "?");
            return text (resp, 503, "text/plain; charset=utf-8",
                         g_strdup_printf ("not ready: PostgreSQL: %s\n", e ? e->message : "?"));
          }
        if (v != ops->schema_version)
          return text (resp, 503, "text/plain; charset=utf-8",
                       g_strdup_printf ("not ready: schema version %d, this server needs %d\n",
                                        v, ops->schema_version));
        return text (resp, 200, "text/plain; charset=utf-8", g_strdup ("ready\n"));
      }
    case MS_OPS_METRICS:
      {
        MsMetricsGauges g;
        gauges (ops, &g);
        GString *out = g_string_sized_new (16384);
        ms_metrics_render (ops->metrics, &g, out);
        return text (resp, 200, "text/plain; version=0.0.4; charset=utf-8",
                     g_string_free (out, FALSE));
      }
    case MS_OPS_NONE:
    default:
      break;
    }
  text (resp, 404, "text/plain; charset=utf-8", g_strdup ("not found\n"));
}

void
ms_ops_handle (gpointer user, const MsHttpRequest *req, MsHttpResponse *resp)
{
  MsOps *ops = user;
  if (req->refused != NULL)
    {
      /* the listener's refusal, as text like every answer here */
      gboolean forbidden = g_error_matches (req->refused, MS_HTTP_ERROR, MS_HTTP_ERROR_FORBIDDEN);
      return text (resp, forbidden ? 403 : 400, "text/plain; charset=utf-8",
                   g_strdup_printf ("%s\n", req->refused->message));
    }
  if (req->body_too_large)
    return text (resp, 413, "text/plain; charset=utf-8", g_strdup ("request body too large\n"));
  ms_ops_answer (ops, ms_ops_endpoint (req), req, resp);
}
