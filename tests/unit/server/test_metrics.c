/* test_metrics.c: histogram bucketing and the Prometheus text rendering of
 * MsMetrics (server/metrics.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "server/metrics.h"

static void
test_buckets (void **state)
{
  (void) state;
  assert_int_equal (ms_metrics_bucket (0), 0);
  assert_int_equal (ms_metrics_bucket (500), 0);          /* 0.5 ms: le="0.0005" */
  assert_int_equal (ms_metrics_bucket (501), 1);
  assert_int_equal (ms_metrics_bucket (1000), 1);
  assert_int_equal (ms_metrics_bucket (7000), 4);         /* <= 10 ms */
  assert_int_equal (ms_metrics_bucket (10 * G_USEC_PER_SEC), MS_METRICS_BUCKETS - 2);
  assert_int_equal (ms_metrics_bucket (11 * G_USEC_PER_SEC), MS_METRICS_BUCKETS - 1);
  assert_int_equal (ms_metrics_bucket (-5), 0);
  for (int i = 1; i < MS_METRICS_BUCKETS - 1; i++)
    assert_true (ms_metrics_bucket_bounds[i] > ms_metrics_bucket_bounds[i - 1]);
}

static gboolean
has_line (const char *text, const char *line)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  return g_strv_contains ((const char *const *) lines, line);
}

static void
test_render (void **state)
{
  (void) state;
  g_autoptr (MsMetrics) m = ms_metrics_new ("1.2.3");
  ms_metrics_thrift_call (m, "get_table", 300, NULL);
  ms_metrics_thrift_call (m, "get_table", 2000, "NoSuchObjectException");
  ms_metrics_thrift_call (m, "get_table", 20 * G_USEC_PER_SEC, NULL);
  ms_metrics_rest_request (m, "GET", "/v1/{prefix}/namespaces/{namespace}", 404, 1500);
  ms_metrics_rest_request (m, "GET", "/v1/{prefix}/namespaces/{namespace}", 200, 100);
  ms_metrics_rest_request (m, "GET", "weird\"route\\", 200, 100);
  ms_metrics_iceberg_commit (m, FALSE);
  ms_metrics_iceberg_commit (m, TRUE);
  ms_metrics_iceberg_commit (m, FALSE);
  MsMetricsGauges g = { 3, 1, -1, 10, 4, 2, 0, 1 };
  g_autoptr (GString) out = g_string_new (NULL);
  ms_metrics_render (m, &g, out);
  const char *t = out->str;
  assert_true (has_line (t, "metastore_build_info{version=\"1.2.3\"} 1"));
  assert_true (has_line (t, "# TYPE metastore_thrift_request_duration_seconds histogram"));
  assert_true (has_line (t, "metastore_thrift_request_duration_seconds_bucket{method=\"get_table\",le=\"0.0005\"} 1"));
  assert_true (has_line (t, "metastore_thrift_request_duration_seconds_bucket{method=\"get_table\",le=\"0.0025\"} 2"));
  assert_true (has_line (t, "metastore_thrift_request_duration_seconds_bucket{method=\"get_table\",le=\"10\"} 2"));
  assert_true (has_line (t, "metastore_thrift_request_duration_seconds_bucket{method=\"get_table\",le=\"+Inf\"} 3"));
  assert_true (has_line (t, "metastore_thrift_request_duration_seconds_count{method=\"get_table\"} 3"));
  assert_true (has_line (t, "metastore_thrift_request_duration_seconds_sum{method=\"get_table\"} 20.002300"));
  assert_true (has_line (t, "metastore_thrift_errors_total{method=\"get_table\",exception=\"NoSuchObjectException\"} 1"));
  assert_true (has_line (t, "metastore_rest_responses_total{method=\"GET\",route=\"/v1/{prefix}/namespaces/{namespace}\",code=\"404\"} 1"));
  assert_true (has_line (t, "metastore_rest_request_duration_seconds_count{method=\"GET\",route=\"/v1/{prefix}/namespaces/{namespace}\"} 2"));
  assert_true (has_line (t, "metastore_rest_request_duration_seconds_count{method=\"GET\",route=\"weird\\\"route\\\\\"} 1"));
  assert_true (has_line (t, "metastore_iceberg_commits_total 2"));
  assert_true (has_line (t, "metastore_iceberg_commit_conflicts_total 1"));
  assert_true (has_line (t, "metastore_thrift_open_connections 3"));
  assert_true (has_line (t, "metastore_db_pool_in_use 2"));
  assert_true (has_line (t, "metastore_db_pool_waiting 0"));
  assert_null (strstr (t, "metastore_rest_open_connections"));   /* -1: left out */
  /* every sample line belongs to a family declared before it */
  g_auto (GStrv) lines = g_strsplit (t, "\n", -1);
  g_autoptr (GHashTable) typed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (char **l = lines; *l; l++)
    {
      if (**l == '\0')
        continue;
      if (g_str_has_prefix (*l, "# TYPE "))
        {
          g_auto (GStrv) f = g_strsplit (*l, " ", -1);
          g_hash_table_add (typed, g_strdup (f[2]));
          continue;
        }
      if (**l == '#')
        continue;
      g_autofree char *name = g_strndup (*l, strcspn (*l, "{ "));
      const char *suffixes[] = { "_bucket", "_sum", "_count" };
      gboolean ok = g_hash_table_contains (typed, name);
      for (guint i = 0; !ok && i < G_N_ELEMENTS (suffixes); i++)
        if (g_str_has_suffix (name, suffixes[i]))
          {
            g_autofree char *base = g_strndup (name, strlen (name) - strlen (suffixes[i]));
            ok = g_hash_table_contains (typed, base);
          }
      if (!ok)
        fail_msg ("undeclared sample: %s", *l);
    }
}

static void
test_request_ids (void **state)
{
  (void) state;
  g_autoptr (MsMetrics) m = ms_metrics_new (NULL);
  g_autofree char *a = ms_metrics_next_request_id (m);
  g_autofree char *b = ms_metrics_next_request_id (m);
  assert_string_not_equal (a, b);
  assert_true (g_str_has_prefix (a, "r"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_buckets),
    cmocka_unit_test (test_render),
    cmocka_unit_test (test_request_ids),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
