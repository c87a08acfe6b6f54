/*
 * background.c: what HiveServer2's background services ask of a
 * metastore and this one does not store: scheduled queries
 * (ScheduledQueryExecutionService polls scheduled_query_poll and reports
 * scheduled_query_progress; CREATE/ALTER/DROP SCHEDULED QUERY send
 * scheduled_query_maintenance), compactions (SHOW COMPACTIONS sends
 * show_compact), runtime statistics (re-execution's add_runtime_stats /
 * get_runtime_stats) and the cache every session asks to flush
 * (flushCache).
 *
 * Every answer is the true state of a catalog that keeps none of these: no
 * query is due, no compaction is known, no runtime statistic is stored,
 * a schedule or a statistic cannot be stored (MetaException saying so),
 * one named for ALTER, DROP or a progress report does not exist, and there
 * is no object cache to flush (what is cached, Iceberg metadata by file,
 * never goes stale).
 */
#include "hms/internal.h"
#include "hms_method_table.h"

/* scheduled_query_poll: no scheduled query is stored, so none is due; an
 * empty response (no executionId) is Hive's own "nothing to run". */
gboolean
hms_background_poll (HmsCall *call, GError **error)
{
  (void) call;
  (void) error;
  return TRUE;
}

/* scheduled_query_maintenance */
gboolean
hms_background_maintain (HmsCall *call, GError **error)
{
  ThmsScheduledQueryMaintenanceRequest *req = hms_arg_obj (call, "request");
  const ThmsScheduledQueryKey *key = req->scheduledQuery ? req->scheduledQuery->scheduleKey : NULL;
  const char *name = key && key->scheduleName ? key->scheduleName : "";
  if (req->type == THMS_SCHEDULED_QUERY_MAINTENANCE_REQUEST_TYPE_CREATE)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "Scheduled queries are not stored by this metastore: cannot create %s", name);
  return ms_fail (error, MS_ERROR_NOT_FOUND, "Scheduled query %s does not exist", name);
}

/* scheduled_query_progress: there is no execution to report on (Hive's
 * ObjectStore answers an unknown execution id the same way) */
gboolean
hms_background_progress (HmsCall *call, GError **error)
{
  ThmsScheduledQueryProgressInfo *info = hms_arg_obj (call, "info");
  return ms_fail (error, MS_ERROR_INVALID_OPERATION, "invalid executionId passed: %" G_GINT64_FORMAT,
                  info->scheduledExecutionId);
}

/* get_scheduled_query */
gboolean
hms_background_get_query (HmsCall *call, GError **error)
{
  ThmsScheduledQueryKey *key = hms_arg_obj (call, "scheduleKey");
  return ms_fail (error, MS_ERROR_NOT_FOUND, "There is no scheduled query for: %s",
                  key && key->scheduleName ? key->scheduleName : "");
}

/* show_compact: no compaction is queued, running or remembered */
gboolean
hms_background_show_compact (HmsCall *call, GError **error)
{
  (void) call;
  (void) error;
  return TRUE;   /* the result's required list starts empty */
}

/* flushCache: nothing cached can be stale (see the top of the file) */
gboolean
hms_background_flush_cache (HmsCall *call, GError **error)
{
  (void) call;
  (void) error;
  return TRUE;
}

/* add_runtime_stats */
gboolean
hms_background_add_runtime_stats (HmsCall *call, GError **error)
{
  (void) call;
  return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                  "Runtime statistics are not stored by this metastore "
                  "(hive.query.reexecution.stats.persist.scope=metastore is not served)");
}

/* get_runtime_stats: none is stored, so the list is empty */
gboolean
hms_background_get_runtime_stats (HmsCall *call, GError **error)
{
  (void) call;
  (void) error;
  return TRUE;
}
