/*
 * metrics.c: MsMetrics (see metrics.h): labelled series in hash tables
 * guarded by one mutex for creation, atomic counters for updates, and the
 * Prometheus text rendering.
 */
#include "server/metrics.h"
#include <string.h>
#include <sys/resource.h>

#define ADD(x, v) __atomic_fetch_add (&(x), (v), __ATOMIC_RELAXED)
#define LOAD(x) __atomic_load_n (&(x), __ATOMIC_RELAXED)

const double ms_metrics_bucket_bounds[MS_METRICS_BUCKETS - 1] = {
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

/* A histogram (non-cumulative bucket counts; rendered cumulative) or a
 * counter (count alone). */
typedef struct {
  guint64 buckets[MS_METRICS_BUCKETS];
  guint64 count;
  guint64 sum_us;
} Series;

/* Series of one family by their rendered label set ("method=\"x\""). */
typedef struct {
  GHashTable *series;          /* char* labels -> Series* */
} Family;

struct _MsMetrics {
  GMutex lock;                 /* guards creation of series only */
  char *version;
  gint64 start_time_s;         /* unix seconds */
  char boot[9];                /* random tag of this process for request ids */
  guint64 next_request;
  Family thrift_calls;         /* histogram: method */
  Family thrift_errors;        /* counter: method, exception */
  Family rest_requests;        /* histogram: method, route */
  Family rest_responses;       /* counter: method, route, code */
  guint64 commits, conflicts;
};

static void
family_init (Family *f)
{
  f->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

MsMetrics *
ms_metrics_new (const char *version)
{
  MsMetrics *m = g_new0 (MsMetrics, 1);
  g_mutex_init (&m->lock);
  m->version = g_strdup (version ? version : "unknown");
  m->start_time_s = g_get_real_time () / G_USEC_PER_SEC;
  g_snprintf (m->boot, sizeof m->boot, "%08x", g_random_int ());
  family_init (&m->thrift_calls);
  family_init (&m->thrift_errors);
  family_init (&m->rest_requests);
  family_init (&m->rest_responses);
  return m;
}

void
ms_metrics_free (MsMetrics *m)
{
  if (m == NULL)
    return;
  g_hash_table_unref (m->thrift_calls.series);
  g_hash_table_unref (m->thrift_errors.series);
  g_hash_table_unref (m->rest_requests.series);
  g_hash_table_unref (m->rest_responses.series);
  g_mutex_clear (&m->lock);
  g_free (m->version);
  g_free (m);
}

int
ms_metrics_bucket (gint64 duration_us)
{
  double s = (double) MAX (duration_us, 0) / 1e6;
  for (int i = 0; i < MS_METRICS_BUCKETS - 1; i++)
    if (s <= ms_metrics_bucket_bounds[i])
      return i;
  return MS_METRICS_BUCKETS - 1;
}

/* A label value escaped as the exposition format wants (\\, \", \n). */
static void
append_label_value (GString *s, const char *v)
{
  for (const char *p = v ? v : ""; *p; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (s, '\\');
      if (*p == '\n')
        g_string_append (s, "\\n");
      else
        g_string_append_c (s, *p);
    }
}

/* The series of 'f' with labels name=value (NULL-terminated pairs). */
static Series *
series_get (MsMetrics *m, Family *f, ...)
{
  g_autoptr (GString) key = g_string_sized_new (64);
  va_list ap;
  va_start (ap, f);
  for (const char *name; (name = va_arg (ap, const char *)) != NULL;)
    {
      const char *value = va_arg (ap, const char *);
      g_string_append_printf (key, "%s%s=\"", key->len ? "," : "", name);
      append_label_value (key, value);
      g_string_append_c (key, '"');
    }
  va_end (ap);
  g_mutex_lock (&m->lock);
  Series *s = g_hash_table_lookup (f->series, key->str);
  if (s == NULL)
    {
      s = g_new0 (Series, 1);
      g_hash_table_insert (f->series, g_strdup (key->str), s);
    }
  g_mutex_unlock (&m->lock);
  return s;
}

static void
observe (Series *s, gint64 duration_us)
{
  ADD (s->buckets[ms_metrics_bucket (duration_us)], 1);
  ADD (s->sum_us, (guint64) MAX (duration_us, 0));
  ADD (s->count, 1);
}

void
ms_metrics_thrift_call (MsMetrics *m, const char *method, gint64 duration_us,
                        const char *exception)
{
  if (m == NULL)
    return;
  observe (series_get (m, &m->thrift_calls, "method", method, NULL), duration_us);
  if (exception != NULL)
    ADD (series_get (m, &m->thrift_errors, "method", method, "exception", exception, NULL)->count, 1);
}

void
ms_metrics_rest_request (MsMetrics *m, const char *method, const char *route, int status,
                         gint64 duration_us)
{
  if (m == NULL)
    return;
  char code[16];
  g_snprintf (code, sizeof code, "%d", status);
  observe (series_get (m, &m->rest_requests, "method", method, "route", route, NULL),
           duration_us);
  ADD (series_get (m, &m->rest_responses, "method", method, "route", route, "code", code,
                   NULL)->count, 1);
}

void
ms_metrics_iceberg_commit (MsMetrics *m, gboolean conflict)
{
  if (m == NULL)
    return;
  if (conflict)
    ADD (m->conflicts, 1);
  else
    ADD (m->commits, 1);
}

char *
ms_metrics_next_request_id (MsMetrics *m)
{
  guint64 n = ADD (m->next_request, 1) + 1;
  return g_strdup_printf ("r%s-%" G_GUINT64_FORMAT, m->boot, n);
}

/* ---- rendering ---- */

static void
header (GString *out, const char *name, const char *type, const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static gint
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Keys of 'f' sorted, so the output is stable. Caller holds m->lock. */
static GPtrArray *
sorted_keys (Family *f)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, f->series);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_ptr_array_add (keys, k);
  g_ptr_array_sort (keys, compare_keys);
  return keys;
}

static void
render_histograms (MsMetrics *m, Family *f, const char *name, const char *help, GString *out)
{
  header (out, name, "histogram", help);
  g_autoptr (GPtrArray) keys = sorted_keys (f);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *labels = g_ptr_array_index (keys, i);
      Series *s = g_hash_table_lookup (f->series, labels);
      /* read count last but derive it from the buckets: a scrape racing an
       * update stays consistent (+Inf == _count) */
      guint64 cum = 0;
      for (int b = 0; b < MS_METRICS_BUCKETS; b++)
        {
          cum += LOAD (s->buckets[b]);
          if (b < MS_METRICS_BUCKETS - 1)
            g_string_append_printf (out, "%s_bucket{%s,le=\"%g\"} %" G_GUINT64_FORMAT "\n", name,
                                    labels, ms_metrics_bucket_bounds[b], cum);
          else
            g_string_append_printf (out, "%s_bucket{%s,le=\"+Inf\"} %" G_GUINT64_FORMAT "\n",
                                    name, labels, cum);
        }
      g_string_append_printf (out, "%s_sum{%s} %.6f\n", name, labels,
                              (double) LOAD (s->sum_us) / 1e6);
      g_string_append_printf (out, "%s_count{%s} %" G_GUINT64_FORMAT "\n", name, labels, cum);
    }
  (void) m;
}

static void
render_counters (Family *f, const char *name, const char *help, GString *out)
{
  header (out, name, "counter", help);
  g_autoptr (GPtrArray) keys = sorted_keys (f);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *labels = g_ptr_array_index (keys, i);
      Series *s = g_hash_table_lookup (f->series, labels);
      g_string_append_printf (out, "%s{%s} %" G_GUINT64_FORMAT "\n", name, labels,
                              LOAD (s->count));
    }
}

static void
gauge (GString *out, const char *name, const char *help, const char *labels, gint64 v)
{
  if (v < 0)
    return;
  header (out, name, "gauge", help);
  g_string_append_printf (out, "%s%s%s%s %" G_GINT64_FORMAT "\n", name, labels ? "{" : "",
                          labels ? labels : "", labels ? "}" : "", v);
}

void
ms_metrics_render (MsMetrics *m, const MsMetricsGauges *g, GString *out)
{
  header (out, "metastore_build_info", "gauge", "Build information of this server (always 1).");
  g_string_append (out, "metastore_build_info{version=\"");
  append_label_value (out, m->version);
  g_string_append (out, "\"} 1\n");
  header (out, "metastore_process_start_time_seconds", "gauge",
          "Start time of the process since the Unix epoch, in seconds.");
  g_string_append_printf (out, "metastore_process_start_time_seconds %" G_GINT64_FORMAT "\n",
                          m->start_time_s);
  struct rusage ru;
  if (getrusage (RUSAGE_SELF, &ru) == 0)
    {
      /* every thread's, those that ended included; microseconds */
      header (out, "metastore_process_cpu_seconds_total", "counter",
              "User and system CPU time the process has used, in seconds.");
      gint64 us = (gint64) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * G_USEC_PER_SEC
                  + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
      g_string_append_printf (out, "metastore_process_cpu_seconds_total %" G_GINT64_FORMAT ".%06d\n",
                              us / G_USEC_PER_SEC, (int) (us % G_USEC_PER_SEC));
    }

  g_mutex_lock (&m->lock);
  render_histograms (m, &m->thrift_calls, "metastore_thrift_request_duration_seconds",
                     "Thrift calls by method and their latency.", out);
  render_counters (&m->thrift_errors, "metastore_thrift_errors_total",
                   "Thrift calls answered with an exception, by method and exception class.", out);
  render_histograms (m, &m->rest_requests, "metastore_rest_request_duration_seconds",
                     "REST requests by method and route pattern and their latency.", out);
  render_counters (&m->rest_responses, "metastore_rest_responses_total",
                   "REST responses by method, route pattern and status code.", out);
  g_mutex_unlock (&m->lock);

  header (out, "metastore_iceberg_commits_total", "counter",
          "Iceberg table commits (single-table and transactions) applied through REST.");
  g_string_append_printf (out, "metastore_iceberg_commits_total %" G_GUINT64_FORMAT "\n",
                          LOAD (m->commits));
  header (out, "metastore_iceberg_commit_conflicts_total", "counter",
          "Iceberg commits refused with 409 CommitFailedException (a requirement failed).");
  g_string_append_printf (out, "metastore_iceberg_commit_conflicts_total %" G_GUINT64_FORMAT "\n",
                          LOAD (m->conflicts));
  if (g == NULL)
    return;
  gauge (out, "metastore_thrift_open_connections", "Open Thrift client connections.", NULL,
         g->thrift_open);
  gauge (out, "metastore_thrift_busy_connections", "Thrift connections with a call being served.",
         NULL, g->thrift_busy);
  gauge (out, "metastore_rest_open_connections", "Open REST (HTTP) connections.", NULL,
         g->rest_open);
  gauge (out, "metastore_db_pool_size", "Configured size of the PostgreSQL connection pool.",
         NULL, g->pool_size);
  gauge (out, "metastore_db_pool_open", "PostgreSQL connections open.", NULL, g->pool_open);
  gauge (out, "metastore_db_pool_in_use", "PostgreSQL connections handed out to calls.", NULL,
         g->pool_in_use);
  gauge (out, "metastore_db_pool_waiting", "Calls waiting for a PostgreSQL connection.", NULL,
         g->pool_waiting);
  if (g->pool_reconnects >= 0)
    {
      header (out, "metastore_db_pool_reconnects_total", "counter",
              "PostgreSQL connections reopened after one broke.");
      g_string_append_printf (out, "metastore_db_pool_reconnects_total %" G_GINT64_FORMAT "\n",
                              g->pool_reconnects);
    }
}
