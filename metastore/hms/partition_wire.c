/*
 * partition_wire.c: the partition listings (get_partitions, by names, by
 * filter, by partial spec, with their _with_auth and _req forms) written
 * onto the wire as the store streams them.
 *
 * A Partition through the generated c_glib path costs some twenty
 * GObjects; a listing of a thousand would spend most of its time there.
 * Here each row the store decodes is written at once with the protocol's
 * primitives (see wire.h), byte for byte what the generated writer puts
 * out for hms_partition_to_thrift (tests/unit/test_partition_wire.c), and
 * nothing is kept: a reply of 100,000 partitions holds one batch of rows
 * at a time (the reply itself is streamed by the buffered transport).
 *
 * A store failure after the first row was written cannot become an
 * exception any more: the call fails and the connection is closed, which
 * clients treat as a transport error and retry.
 */
#include "hms/wire.h"
#include "hms/partition_query.h"

/* ---- one Partition ---- */

static void
partition (Wire *w, const MsPartition *p)
{
  hms_wire_struct_begin (w, "Partition");
  hms_wire_field_begin (w, "values", T_LIST, 1);
  hms_wire_string_list (w, p->values);
  hms_wire_field_end (w);
  hms_wire_string_field (w, "dbName", 2, p->db_name);
  hms_wire_string_field (w, "tableName", 3, p->table_name);
  hms_wire_i32_field (w, "createTime", 4, p->create_time);
  hms_wire_i32_field (w, "lastAccessTime", 5, p->last_access_time);
  hms_wire_field_begin (w, "sd", T_STRUCT, 6);
  hms_wire_storage_descriptor (w, p->sd);
  hms_wire_field_end (w);
  hms_wire_field_begin (w, "parameters", T_MAP, 7);
  hms_wire_string_map (w, p->params);
  hms_wire_field_end (w);
  hms_wire_string_field (w, "catName", 9, p->catalog);
  hms_wire_struct_end (w);
}

gboolean
hms_wire_write_partition (ThriftProtocol *protocol, const MsPartition *p, GError **error)
{
  Wire wire = { protocol, error, TRUE };
  partition (&wire, p);
  return wire.ok;
}

/* ---- the methods ---- */

typedef enum { ARGS_ALL, ARGS_ALL_REQ, ARGS_NAMES, ARGS_NAMES_REQ, ARGS_FILTER, ARGS_PS,
               ARGS_PS_REQ } ArgsKind;

typedef struct {
  const char *method;
  ArgsKind kind;
  GType (*args_type) (void);
  gboolean nso_first;        /* o1 is NoSuchObjectException, o2 MetaException */
  gboolean with_auth;        /* user and group arguments follow (ignored) */
  const char *wrapper;       /* _req forms: the response struct ... */
  const char *wrapper_field; /* ... and its list field (id 1) */
} Method;

static const Method methods[] = {
  { "get_partitions", ARGS_ALL, thms_thrift_hive_metastore_get_partitions_args_get_type, TRUE,
    FALSE, NULL, NULL },
  { "get_partitions_with_auth", ARGS_ALL,
    thms_thrift_hive_metastore_get_partitions_with_auth_args_get_type, TRUE, TRUE, NULL, NULL },
  { "get_partitions_req", ARGS_ALL_REQ, thms_thrift_hive_metastore_get_partitions_req_args_get_type,
    TRUE, FALSE, "PartitionsResponse", "partitions" },
  { "get_partitions_by_names", ARGS_NAMES,
    thms_thrift_hive_metastore_get_partitions_by_names_args_get_type, FALSE, FALSE, NULL, NULL },
  { "get_partitions_by_names_req", ARGS_NAMES_REQ,
    thms_thrift_hive_metastore_get_partitions_by_names_req_args_get_type, FALSE, FALSE,
    "GetPartitionsByNamesResult", "partitions" },
  { "get_partitions_by_filter", ARGS_FILTER,
    thms_thrift_hive_metastore_get_partitions_by_filter_args_get_type, FALSE, FALSE, NULL, NULL },
  { "get_partitions_ps", ARGS_PS, thms_thrift_hive_metastore_get_partitions_ps_args_get_type,
    FALSE, FALSE, NULL, NULL },
  { "get_partitions_ps_with_auth", ARGS_PS,
    thms_thrift_hive_metastore_get_partitions_ps_with_auth_args_get_type, TRUE, TRUE, NULL,
    NULL },
  { "get_partitions_ps_with_auth_req", ARGS_PS_REQ,
    thms_thrift_hive_metastore_get_partitions_ps_with_auth_req_args_get_type, FALSE, FALSE,
    "GetPartitionsPsWithAuthResponse", "partitions" },
};

/* The request of 'args' as a partition read. */
static gboolean
read_from_args (const Method *m, GObject *args, HmsPartRead *r, GError **error)
{
  switch (m->kind)
    {
    case ARGS_ALL:
      if (m->with_auth)
        {
          ThmsThriftHiveMetastoreGetPartitionsWithAuthArgs *a = (gpointer) args;
          return hms_part_read_init (r, a->db_name, NULL, a->tbl_name, a->max_parts, error);
        }
      else
        {
          ThmsThriftHiveMetastoreGetPartitionsArgs *a = (gpointer) args;
          return hms_part_read_init (r, a->db_name, NULL, a->tbl_name, a->max_parts, error);
        }
    case ARGS_ALL_REQ:
      {
        ThmsPartitionsRequest *q = ((ThmsThriftHiveMetastoreGetPartitionsReqArgs *) args)->req;
        return hms_part_read_init (r, q->dbName, q->__isset_catName ? q->catName : NULL,
                                   q->tblName, q->__isset_maxParts ? q->maxParts : -1, error);
      }
    case ARGS_NAMES:
      {
        ThmsThriftHiveMetastoreGetPartitionsByNamesArgs *a = (gpointer) args;
        if (!hms_part_read_init (r, a->db_name, NULL, a->tbl_name, -1, error))
          return FALSE;
        hms_part_read_names (r, a->names);
        return TRUE;
      }
    case ARGS_NAMES_REQ:
      {
        ThmsGetPartitionsByNamesRequest *q
            = ((ThmsThriftHiveMetastoreGetPartitionsByNamesReqArgs *) args)->req;
        if (!hms_part_read_init (r, q->db_name, NULL, q->tbl_name, -1, error))
          return FALSE;
        hms_part_read_names (r, q->__isset_names ? q->names : NULL);
        return TRUE;
      }
    case ARGS_FILTER:
      {
        ThmsThriftHiveMetastoreGetPartitionsByFilterArgs *a = (gpointer) args;
        return hms_part_read_init (r, a->db_name, NULL, a->tbl_name, a->max_parts, error)
               && hms_part_read_filter (r, a->filter, error);
      }
    case ARGS_PS:
      if (m->with_auth)
        {
          ThmsThriftHiveMetastoreGetPartitionsPsWithAuthArgs *a = (gpointer) args;
          if (!hms_part_read_init (r, a->db_name, NULL, a->tbl_name, a->max_parts, error))
            return FALSE;
          hms_part_read_values (r, a->part_vals, TRUE);
        }
      else
        {
          ThmsThriftHiveMetastoreGetPartitionsPsArgs *a = (gpointer) args;
          if (!hms_part_read_init (r, a->db_name, NULL, a->tbl_name, a->max_parts, error))
            return FALSE;
          hms_part_read_values (r, a->part_vals, TRUE);
        }
      return TRUE;
    case ARGS_PS_REQ:
      {
        ThmsGetPartitionsPsWithAuthRequest *q
            = ((ThmsThriftHiveMetastoreGetPartitionsPsWithAuthReqArgs *) args)->req;
        if (!hms_part_read_init (r, q->dbName, q->__isset_catName ? q->catName : NULL, q->tblName,
                                 q->__isset_maxParts ? q->maxParts : -1, error))
          return FALSE;
        hms_part_read_values (r, q->__isset_partVals ? q->partVals : NULL, TRUE);
        return TRUE;
      }
    }
  return ms_fail (error, MS_ERROR_INTERNAL, "unknown partition listing");
}

typedef struct {
  const Method *m;
  Wire *w;
  gint32 seqid;
  gboolean started;
} Reply;

static gboolean
reply_begin (gpointer user, const MsTable *t, guint n, GError **error)
{
  (void) t;
  (void) error;
  Reply *rp = user;
  Wire *w = rp->w;
  g_autofree char *result = g_strconcat (rp->m->method, "_result", NULL);
  rp->started = TRUE;
  W_DO (thrift_protocol_write_message_begin (w->p, rp->m->method, T_REPLY, rp->seqid, w->error));
  hms_wire_struct_begin (w, result);
  hms_wire_field_begin (w, "success", rp->m->wrapper ? T_STRUCT : T_LIST, 0);
  if (rp->m->wrapper)
    {
      hms_wire_struct_begin (w, rp->m->wrapper);
      hms_wire_field_begin (w, rp->m->wrapper_field, T_LIST, 1);
    }
  W_DO (thrift_protocol_write_list_begin (w->p, T_STRUCT, (gint32) n, w->error));
  return w->ok;
}

static gboolean
reply_row (gpointer user, const MsPartition *p, GError **error)
{
  (void) error;
  Reply *rp = user;
  partition (rp->w, p);
  return rp->w->ok;
}

static gboolean
serve (MsHms *hms, ThriftProtocol *p, gint32 seqid, const Method *m, GError **error)
{
  g_autoptr (GObject) args = g_object_new (m->args_type (), NULL);
  if (!hms_wire_read_args (p, THRIFT_STRUCT (args), error))
    return FALSE;
  g_autoptr (GError) err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  Wire wire = { p, error, TRUE }, *w = &wire;
  Reply rp = { m, w, seqid, FALSE };
  static const MsPartitionSink sink = { reply_begin, reply_row };
  if (read_from_args (m, args, &r, &err)
      && ms_store_partition_scan (hms->store, &r.q, &sink, &rp, &err))
    {
      W_DO (thrift_protocol_write_list_end (p, error));
      if (m->wrapper)
        {
          hms_wire_field_end (w);
          hms_wire_struct_end (w);
        }
      hms_wire_field_end (w);
      hms_wire_struct_end (w);
      return w->ok && hms_wire_reply_end (p, error);
    }
  if (rp.started)
    {
      /* part of the reply is out: only closing the connection is left */
      if (err != NULL && (error == NULL || *error == NULL))
        g_propagate_error (error, g_steal_pointer (&err));
      return FALSE;
    }
  err = hms_part_meta_filter (g_steal_pointer (&err));
  hms_wire_log_answer (err);
  gboolean nso = err->domain == MS_ERROR && err->code == MS_ERROR_NOT_FOUND;
  g_autofree char *result = g_strconcat (m->method, "_result", NULL);
  gint16 id = (nso == m->nso_first) ? 1 : 2;
  return hms_wire_reply_exception (p, m->method, seqid, result, id, id == 1 ? "o1" : "o2",
                                   nso ? "NoSuchObjectException" : "MetaException", err->message,
                                   error);
}

gboolean
hms_partition_wire_dispatch (MsHms *hms, ThriftProtocol *protocol, const char *fname,
                             gint32 seqid, gboolean *handled, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_str_equal (fname, methods[i].method))
      {
        *handled = TRUE;
        return serve (hms, protocol, seqid, &methods[i], error);
      }
  *handled = FALSE;
  return TRUE;
}
