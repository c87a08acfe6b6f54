/*
 * notification.c: the notification log through Thrift (the store writes
 * the events, store/events.c; their messages are event_message.c's):
 * get_current_notificationEventId, get_next_notification (with Hive 4's
 * filters), get_notification_events_count and fire_listener_event (INSERT
 * events).
 *
 * add_write_notification_log(_in_batch) are not served: they log the
 * writes of an ACID transaction (txnId, writeId), and this server keeps no
 * transactions.
 */
#include "hms/internal.h"
#include "hms/method.h"
#include "hms_method_table.h"

/* The most events one get_next_notification answers with (Hive's
 * metastore.max.event.response is 1000000); clients page with lastEvent. */
#define MAX_EVENTS_PER_CALL 100000

/* get_current_notificationEventId */
gboolean
hms_notification_current (HmsCall *call, GError **error)
{
  gint64 id = 0;
  if (!ms_store_events_current (call->hms->store, &id, error))
    return FALSE;
  ThmsCurrentNotificationEventId *out = hms_result_obj (call);
  out->eventId = id;
  return TRUE;
}

static const char *const *
strings_of (GPtrArray *a, gboolean isset, guint *n)
{
  *n = isset && a != NULL ? a->len : 0;
  return *n > 0 ? (const char *const *) a->pdata : NULL;
}

#define EV_REQUIRED(tm, mm, kind) \
  HMS_OUT_REQUIRED (ThmsNotificationEvent, tm, MsNotification, mm, kind)
#define EV_FIELD(tm, mm) HMS_OUT_FIELD (ThmsNotificationEvent, tm, MsNotification, mm, HMS_OUT_STR_OPT)

static const HmsOutField event_fields[] = {
  EV_REQUIRED (eventId, id, HMS_OUT_INT), EV_REQUIRED (eventTime, time, HMS_OUT_INT),
  EV_REQUIRED (eventType, type, HMS_OUT_STR), EV_REQUIRED (message, message, HMS_OUT_STR),
  EV_FIELD (dbName, db_name), EV_FIELD (tableName, table_name),
  EV_FIELD (messageFormat, format), EV_FIELD (catName, catalog),
};

static ThmsNotificationEvent *
event_to_thrift (const MsNotification *n)
{
  return HMS_OUT_NEW (THMS_TYPE_NOTIFICATION_EVENT, n, event_fields);
}

/* get_next_notification */
gboolean
hms_notification_next (HmsCall *call, GError **error)
{
  const ThmsNotificationEventRequest *rq = hms_arg_obj (call, "rqst");
  MsEventQuery q = { .after = rq->lastEvent };
  q.max = rq->__isset_maxEvents && rq->maxEvents > 0 ? MIN (rq->maxEvents, MAX_EVENTS_PER_CALL)
                                                     : MAX_EVENTS_PER_CALL;
  q.skip_types = strings_of (rq->eventTypeSkipList, rq->__isset_eventTypeSkipList,
                             &q.n_skip_types);
  q.types = strings_of (rq->eventTypeList, rq->__isset_eventTypeList, &q.n_types);
  q.tables = strings_of (rq->tableNames, rq->__isset_tableNames, &q.n_tables);
  q.catalog = HMS_OPT (rq, catName);
  q.db = HMS_OPT (rq, dbName);
  g_autoptr (GPtrArray) events = ms_store_events_list (call->hms->store, &q, error);
  if (events == NULL)
    return FALSE;
  ThmsNotificationEventResponse *out = hms_result_obj (call);
  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (out->events, event_to_thrift (g_ptr_array_index (events, i)));
  return TRUE;
}

/* get_notification_events_count: events after fromEventId (up to
 * toEventId) of dbName (and catName, tableNames), at most 'limit'. */
gboolean
hms_notification_count (HmsCall *call, GError **error)
{
  const ThmsNotificationEventsCountRequest *rq = hms_arg_obj (call, "rqst");
  MsEventQuery q = { .after = rq->fromEventId };
  q.to_id = rq->__isset_toEventId ? rq->toEventId : 0;
  q.db = rq->dbName ? rq->dbName : "";
  q.catalog = HMS_OPT (rq, catName) ? rq->catName : MS_DEFAULT_CATALOG;
  q.tables = strings_of (rq->tableNames, rq->__isset_tableNames, &q.n_tables);
  gint64 n = ms_store_events_count (call->hms->store, &q, rq->__isset_limit ? rq->limit : 0,
                                    error);
  if (n < 0)
    return FALSE;
  ThmsNotificationEventsCountResponse *out = hms_result_obj (call);
  out->eventsCount = n;
  return TRUE;
}

/* The files of one InsertEventRequestData, with their checksums and
 * sub-directories when given (borrowed from 'd'). */
static GArray *
insert_files (const ThmsInsertEventRequestData *d)
{
  GArray *files = g_array_new (FALSE, TRUE, sizeof (MsEventFile));
  guint n = d->filesAdded ? d->filesAdded->len : 0;
  for (guint i = 0; i < n; i++)
    {
      MsEventFile f = { g_ptr_array_index (d->filesAdded, i) };
      if (d->__isset_filesAddedChecksum && d->filesAddedChecksum && i < d->filesAddedChecksum->len)
        f.checksum = g_ptr_array_index (d->filesAddedChecksum, i);
      if (d->__isset_subDirectoryList && d->subDirectoryList && i < d->subDirectoryList->len)
        f.subdir = g_ptr_array_index (d->subDirectoryList, i);
      g_array_append_val (files, f);
    }
  return files;
}

/* fire_listener_event: INSERT events, one per insertData (the request's
 * partitionVals) or per insertDatas entry (each its partitionVal). Only a
 * successful insert is logged, as in Hive; a refresh event is Impala's own
 * and is refused. */
gboolean
hms_notification_fire (HmsCall *call, GError **error)
{
  const ThmsFireEventRequest *rq = hms_arg_obj (call, "rqst");
  const ThmsFireEventRequestData *data = rq->data;
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (rq->dbName, HMS_OPT (rq, catName), &cat, &db, error))
    return FALSE;
  if (rq->tableName == NULL || *rq->tableName == '\0')
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "fire_listener_event needs a table name");
  g_autofree char *table = g_ascii_strdown (rq->tableName, -1);
  g_autoptr (GPtrArray) datas = g_ptr_array_new ();
  if (data != NULL && data->__isset_insertData && data->insertData != NULL)
    g_ptr_array_add (datas, data->insertData);
  else if (data != NULL && data->__isset_insertDatas && data->insertDatas != NULL)
    for (guint i = 0; i < data->insertDatas->len; i++)
      g_ptr_array_add (datas, g_ptr_array_index (data->insertDatas, i));
  else
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "fire_listener_event: only INSERT events (insertData) are logged");
  ThmsFireEventResponse *out = hms_result_obj (call);
  out->__isset_eventIds = TRUE;
  if (!rq->successful)
    return TRUE;
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autofree MsEventInsert *ins = g_new0 (MsEventInsert, datas->len);
  for (guint i = 0; i < datas->len; i++)
    {
      const ThmsInsertEventRequestData *d = g_ptr_array_index (datas, i);
      GPtrArray *vals = datas->len == 1 && rq->__isset_partitionVals ? rq->partitionVals
                        : d->__isset_partitionVal ? d->partitionVal : NULL;
      GArray *files = insert_files (d);
      g_ptr_array_add (keep, files);
      ins[i] = (MsEventInsert) { vals ? (const char *const *) vals->pdata : NULL,
                                 vals ? vals->len : 0, d->__isset_replace && d->replace,
                                 (const MsEventFile *) files->data, files->len };
    }
  g_autoptr (GArray) ids = NULL;
  if (!ms_store_events_insert (call->hms->store, cat, db, table, ins, datas->len, &ids, error))
    return FALSE;
  g_array_append_vals (out->eventIds, ids->data, ids->len);
  return TRUE;
}
