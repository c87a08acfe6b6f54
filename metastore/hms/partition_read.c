/*
 * partition_read.c: the HMS door for partition reads: single partitions,
 * listings (all, partial spec, names, filter), counts, names, specs,
 * value tuples and the name <-> values helpers. The hot listings are also
 * served straight onto the wire by partition_wire.c; these handlers are
 * the generated-path forms of the same reads.
 */
#include "hms/internal.h"
#include "store/store.h"
#include "core/part_name.h"
#include "hms/partition_query.h"
#include <string.h>

typedef ThmsThriftHiveMetastoreIf Iface;

#define META THMS_TYPE_META_EXCEPTION
#define NSO THMS_TYPE_NO_SUCH_OBJECT_EXCEPTION

static gboolean
list_into (MsHms *hms, HmsPartRead *r, GPtrArray *out, GError **error)
{
  g_autoptr (GPtrArray) parts = ms_store_partition_list (hms->store, &r->q, error);
  if (parts == NULL)
    return FALSE;
  hms_partitions_to_thrift (parts, out);
  return TRUE;
}

/* ---- one partition ---- */

static gboolean
get_one (MsHms *hms, const char *raw_db, const char *cat, const char *table,
         const GPtrArray *values, ThmsPartition *out, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, raw_db, cat, table, 1, error))
    return FALSE;
  hms_part_read_values (&r, values, FALSE);
  g_autoptr (MsPartition) p = ms_store_partition_get (hms->store, &r.q, error);
  if (p == NULL)
    return FALSE;
  hms_partition_to_thrift (p, out);
  return TRUE;
}

static gboolean
h_get_partition (Iface *iface, ThmsPartition **_return, const gchar *db_name,
                 const gchar *tbl_name, const GPtrArray *part_vals, ThmsMetaException **o1,
                 ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  if (!get_one (HMS (iface), db_name, NULL, tbl_name, part_vals, *_return, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partition_req (Iface *iface, ThmsGetPartitionResponse **_return,
                     const ThmsGetPartitionRequest *req, ThmsMetaException **o1,
                     ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  if (!get_one (HMS (iface), req->dbName, req->__isset_catName ? req->catName : NULL, req->tblName,
                req->partVals, (*_return)->partition, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partition_with_auth (Iface *iface, ThmsPartition **_return, const gchar *db_name,
                           const gchar *tbl_name, const GPtrArray *part_vals,
                           const gchar *user_name, const GPtrArray *group_names,
                           ThmsMetaException **o1, ThmsNoSuchObjectException **o2, GError **error)
{
  (void) user_name;
  (void) group_names;
  return h_get_partition (iface, _return, db_name, tbl_name, part_vals, o1, o2, error);
}

static gboolean
h_get_partition_by_name (Iface *iface, ThmsPartition **_return, const gchar *db_name,
                         const gchar *tbl_name, const gchar *part_name, ThmsMetaException **o1,
                         ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  g_autoptr (GPtrArray) one = g_ptr_array_new ();
  g_ptr_array_add (one, (gpointer) (part_name ? part_name : ""));
  if (!hms_part_read_init (&r, db_name, NULL, tbl_name, 1, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  hms_part_read_names (&r, one);
  g_autoptr (GPtrArray) parts = ms_store_partition_list (HMS (iface)->store, &r.q, &err);
  if (parts == NULL)
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  if (parts->len == 0)
    {
      err = g_error_new (MS_ERROR, MS_ERROR_NOT_FOUND, "partition name=%s",
                         part_name ? part_name : "");
      return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
    }
  hms_partition_to_thrift (g_ptr_array_index (parts, 0), *_return);
  return TRUE;
}

/* ---- listings ---- */

static gboolean
h_get_partitions (Iface *iface, GPtrArray **_return, const gchar *db_name, const gchar *tbl_name,
                  const gint16 max_parts, ThmsNoSuchObjectException **o1, ThmsMetaException **o2,
                  GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, db_name, NULL, tbl_name, max_parts, &err)
      || !list_into (HMS (iface), &r, *_return, &err))
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partitions_req (Iface *iface, ThmsPartitionsResponse **_return,
                      const ThmsPartitionsRequest *req, ThmsNoSuchObjectException **o1,
                      ThmsMetaException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, req->dbName, req->__isset_catName ? req->catName : NULL, req->tblName,
                  req->__isset_maxParts ? req->maxParts : -1, &err)
      || !list_into (HMS (iface), &r, (*_return)->partitions, &err))
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partitions_with_auth (Iface *iface, GPtrArray **_return, const gchar *db_name,
                            const gchar *tbl_name, const gint16 max_parts, const gchar *user_name,
                            const GPtrArray *group_names, ThmsNoSuchObjectException **o1,
                            ThmsMetaException **o2, GError **error)
{
  (void) user_name;
  (void) group_names;
  return h_get_partitions (iface, _return, db_name, tbl_name, max_parts, o1, o2, error);
}

static gboolean
specs_into (MsHms *hms, HmsPartRead *r, GPtrArray *out, GError **error)
{
  g_autoptr (MsTable) t = ms_store_table_get (hms->store, r->catalog, r->db, r->table, error);
  if (t == NULL)
    return FALSE;
  g_autoptr (GPtrArray) parts = ms_store_partition_list (hms->store, &r->q, error);
  if (parts == NULL)
    return FALSE;
  hms_partitions_to_specs (t, parts, out);
  return TRUE;
}

static gboolean
h_get_partitions_pspec (Iface *iface, GPtrArray **_return, const gchar *db_name,
                        const gchar *tbl_name, const gint32 max_parts,
                        ThmsNoSuchObjectException **o1, ThmsMetaException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, db_name, NULL, tbl_name, max_parts, &err)
      || !specs_into (HMS (iface), &r, *_return, &err))
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
names_into (MsHms *hms, HmsPartRead *r, GPtrArray *out, GError **error)
{
  g_autoptr (GPtrArray) names = ms_store_partition_names (hms->store, &r->q, error);
  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (out, g_steal_pointer (&names->pdata[i]));
  return TRUE;
}

static gboolean
h_get_partition_names (Iface *iface, GPtrArray **_return, const gchar *db_name,
                       const gchar *tbl_name, const gint16 max_parts,
                       ThmsNoSuchObjectException **o1, ThmsMetaException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, db_name, NULL, tbl_name, max_parts, &err)
      || !names_into (HMS (iface), &r, *_return, &err))
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
ps_list (MsHms *hms, const char *db, const char *cat, const char *table, const GPtrArray *vals,
         int max_parts, GPtrArray *out, gboolean names, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, db, cat, table, max_parts, error))
    return FALSE;
  hms_part_read_values (&r, vals, TRUE);
  return names ? names_into (hms, &r, out, error) : list_into (hms, &r, out, error);
}

static gboolean
h_get_partitions_ps (Iface *iface, GPtrArray **_return, const gchar *db_name,
                     const gchar *tbl_name, const GPtrArray *part_vals, const gint16 max_parts,
                     ThmsMetaException **o1, ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  if (!ps_list (HMS (iface), db_name, NULL, tbl_name, part_vals, max_parts, *_return, FALSE, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partitions_ps_with_auth (Iface *iface, GPtrArray **_return, const gchar *db_name,
                               const gchar *tbl_name, const GPtrArray *part_vals,
                               const gint16 max_parts, const gchar *user_name,
                               const GPtrArray *group_names, ThmsNoSuchObjectException **o1,
                               ThmsMetaException **o2, GError **error)
{
  (void) user_name;
  (void) group_names;
  GError *err = NULL;
  if (!ps_list (HMS (iface), db_name, NULL, tbl_name, part_vals, max_parts, *_return, FALSE, &err))
    return hms_raise (err, error, NSO, o1, META, o2, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partitions_ps_with_auth_req (Iface *iface, ThmsGetPartitionsPsWithAuthResponse **_return,
                                   const ThmsGetPartitionsPsWithAuthRequest *req,
                                   ThmsMetaException **o1, ThmsNoSuchObjectException **o2,
                                   GError **error)
{
  GError *err = NULL;
  if (!ps_list (HMS (iface), req->dbName, req->__isset_catName ? req->catName : NULL, req->tblName,
                req->__isset_partVals ? req->partVals : NULL,
                req->__isset_maxParts ? req->maxParts : -1, (*_return)->partitions, FALSE, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partition_names_ps (Iface *iface, GPtrArray **_return, const gchar *db_name,
                          const gchar *tbl_name, const GPtrArray *part_vals,
                          const gint16 max_parts, ThmsMetaException **o1,
                          ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  if (!ps_list (HMS (iface), db_name, NULL, tbl_name, part_vals, max_parts, *_return, TRUE, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partition_names_ps_req (Iface *iface, ThmsGetPartitionNamesPsResponse **_return,
                              const ThmsGetPartitionNamesPsRequest *req, ThmsMetaException **o1,
                              ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  if (!ps_list (HMS (iface), req->dbName, req->__isset_catName ? req->catName : NULL, req->tblName,
                req->__isset_partValues ? req->partValues : NULL,
                req->__isset_maxParts ? req->maxParts : -1, (*_return)->names, TRUE, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

/* Hive's expressions are serialized Java objects; we take the bytes as a
 * filter string when they are one, and refuse anything else clearly. */
static gboolean
expr_filter (HmsPartRead *r, const GByteArray *expr, GError **error)
{
  if (expr == NULL || expr->len == 0)
    return TRUE;
  g_autofree char *text = g_strndup ((const char *) expr->data, expr->len);
  if (strlen (text) == expr->len && g_utf8_validate (text, -1, NULL))
    {
      g_autoptr (GError) local = NULL;
      r->filter = ms_filter_parse (text, &local);
      if (r->filter != NULL)
        {
          r->q.filter = r->filter;
          return TRUE;
        }
    }
  return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                  "Partition expressions serialized by Hive (Kryo) are not supported by this "
                  "metastore; use get_partitions_by_filter with a filter string");
}

static gboolean
h_get_partition_names_req (Iface *iface, GPtrArray **_return, const ThmsPartitionsByExprRequest *req,
                           ThmsMetaException **o1, ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, req->dbName, req->__isset_catName ? req->catName : NULL, req->tblName,
                  req->__isset_maxParts ? req->maxParts : -1, &err)
      || !expr_filter (&r, req->expr, &err) || !names_into (HMS (iface), &r, *_return, &err))
    return hms_raise (hms_part_meta_filter (err), error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partitions_by_filter (Iface *iface, GPtrArray **_return, const gchar *db_name,
                            const gchar *tbl_name, const gchar *filter, const gint16 max_parts,
                            ThmsMetaException **o1, ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, db_name, NULL, tbl_name, max_parts, &err) || !hms_part_read_filter (&r, filter, &err)
      || !list_into (HMS (iface), &r, *_return, &err))
    return hms_raise (hms_part_meta_filter (err), error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_part_specs_by_filter (Iface *iface, GPtrArray **_return, const gchar *db_name,
                            const gchar *tbl_name, const gchar *filter, const gint32 max_parts,
                            ThmsMetaException **o1, ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, db_name, NULL, tbl_name, max_parts, &err) || !hms_part_read_filter (&r, filter, &err)
      || !specs_into (HMS (iface), &r, *_return, &err))
    return hms_raise (hms_part_meta_filter (err), error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partitions_by_expr (Iface *iface, ThmsPartitionsByExprResult **_return,
                          const ThmsPartitionsByExprRequest *req, ThmsMetaException **o1,
                          ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, req->dbName, req->__isset_catName ? req->catName : NULL, req->tblName,
                  req->__isset_maxParts ? req->maxParts : -1, &err)
      || !expr_filter (&r, req->expr, &err)
      || !list_into (HMS (iface), &r, (*_return)->partitions, &err))
    return hms_raise (hms_part_meta_filter (err), error, NSO, o2, META, o1, G_TYPE_INVALID);
  (*_return)->hasUnknownPartitions = FALSE;
  return TRUE;
}

static gboolean
h_get_partitions_spec_by_expr (Iface *iface, ThmsPartitionsSpecByExprResult **_return,
                               const ThmsPartitionsByExprRequest *req, ThmsMetaException **o1,
                               ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, req->dbName, req->__isset_catName ? req->catName : NULL, req->tblName,
                  req->__isset_maxParts ? req->maxParts : -1, &err)
      || !expr_filter (&r, req->expr, &err)
      || !specs_into (HMS (iface), &r, (*_return)->partitionsSpec, &err))
    return hms_raise (hms_part_meta_filter (err), error, NSO, o2, META, o1, G_TYPE_INVALID);
  (*_return)->hasUnknownPartitions = FALSE;
  return TRUE;
}

static gboolean
h_get_num_partitions_by_filter (Iface *iface, gint32 *_return, const gchar *db_name,
                                const gchar *tbl_name, const gchar *filter, ThmsMetaException **o1,
                                ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, db_name, NULL, tbl_name, -1, &err) || !hms_part_read_filter (&r, filter, &err))
    return hms_raise (hms_part_meta_filter (err), error, NSO, o2, META, o1, G_TYPE_INVALID);
  gint64 n = ms_store_partition_count (HMS (iface)->store, &r.q, &err);
  if (n < 0)
    return hms_raise (hms_part_meta_filter (err), error, NSO, o2, META, o1, G_TYPE_INVALID);
  *_return = (gint32) n;
  return TRUE;
}

static gboolean
h_get_partitions_by_names (Iface *iface, GPtrArray **_return, const gchar *db_name,
                           const gchar *tbl_name, const GPtrArray *names, ThmsMetaException **o1,
                           ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, db_name, NULL, tbl_name, -1, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  hms_part_read_names (&r, names);
  if (!list_into (HMS (iface), &r, *_return, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partitions_by_names_req (Iface *iface, ThmsGetPartitionsByNamesResult **_return,
                               const ThmsGetPartitionsByNamesRequest *req, ThmsMetaException **o1,
                               ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, req->db_name, NULL, req->tbl_name, -1, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  hms_part_read_names (&r, req->__isset_names ? req->names : NULL);
  if (!list_into (HMS (iface), &r, (*_return)->partitions, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_partition_values (Iface *iface, ThmsPartitionValuesResponse **_return,
                        const ThmsPartitionValuesRequest *req, ThmsMetaException **o1,
                        ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, req->dbName, req->__isset_catName ? req->catName : NULL, req->tblName,
                  req->__isset_maxParts ? (int) CLAMP (req->maxParts, -1, G_MAXINT) : -1, &err)
      || !hms_part_read_filter (&r, req->__isset_filter ? req->filter : NULL, &err))
    return hms_raise (hms_part_meta_filter (err), error, NSO, o2, META, o1, G_TYPE_INVALID);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  for (guint i = 0; req->partitionKeys && i < req->partitionKeys->len; i++)
    g_ptr_array_add (keys, ((ThmsFieldSchema *) g_ptr_array_index (req->partitionKeys, i))->name);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  for (guint i = 0; req->__isset_partitionOrder && i < req->partitionOrder->len; i++)
    g_ptr_array_add (order, ((ThmsFieldSchema *) g_ptr_array_index (req->partitionOrder, i))->name);
  g_autoptr (GPtrArray) rows = ms_store_partition_values (
      HMS (iface)->store, &r.q, (const char *const *) keys->pdata, keys->len,
      !req->__isset_applyDistinct || req->applyDistinct, (const char *const *) order->pdata,
      order->len, !req->__isset_ascending || req->ascending, &err);
  if (rows == NULL)
    return hms_raise (hms_part_meta_filter (err), error, NSO, o2, META, o1, G_TYPE_INVALID);
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = g_ptr_array_index (rows, i);
      ThmsPartitionValuesRow *out = g_object_new (THMS_TYPE_PARTITION_VALUES_ROW, NULL);
      for (guint j = 0; j < row->len; j++)
        {
          const char *v = g_ptr_array_index (row, j);
          g_ptr_array_add (out->row, g_strdup (v ? v : ""));
        }
      g_ptr_array_add ((*_return)->partitionValues, out);
    }
  return TRUE;
}

/* ---- names and values ---- */

static gboolean
h_partition_name_has_valid_characters (Iface *iface, gboolean *_return, const GPtrArray *part_vals,
                                       const gboolean throw_exception, ThmsMetaException **o1,
                                       GError **error)
{
  /* no hive.metastore.partition.name.whitelist.pattern is configured:
   * every value is valid, as in Hive's default configuration */
  (void) iface;
  (void) part_vals;
  (void) throw_exception;
  (void) o1;
  (void) error;
  *_return = TRUE;
  return TRUE;
}

static gboolean
h_partition_name_to_vals (Iface *iface, GPtrArray **_return, const gchar *part_name,
                          ThmsMetaException **o1, GError **error)
{
  (void) iface;
  if (part_name == NULL || *part_name == '\0')
    return TRUE;
  GError *err = NULL;
  g_autoptr (GPtrArray) spec = ms_part_name_spec (part_name, TRUE, &err);
  if (spec == NULL)
    return hms_raise (err, error, META, o1, G_TYPE_INVALID);
  for (guint i = 1; i < spec->len; i += 2)
    g_ptr_array_add (*_return, g_strdup (g_ptr_array_index (spec, i)));
  return TRUE;
}

static gboolean
h_partition_name_to_spec (Iface *iface, GHashTable **_return, const gchar *part_name,
                          ThmsMetaException **o1, GError **error)
{
  (void) iface;
  if (part_name == NULL || *part_name == '\0')
    return TRUE;
  GError *err = NULL;
  g_autoptr (GPtrArray) spec = ms_part_name_spec (part_name, TRUE, &err);
  if (spec == NULL)
    return hms_raise (err, error, META, o1, G_TYPE_INVALID);
  for (guint i = 0; i + 1 < spec->len; i += 2)
    g_hash_table_insert (*_return, g_strdup (g_ptr_array_index (spec, i)),
                         g_strdup (g_ptr_array_index (spec, i + 1)));
  return TRUE;
}

void
hms_partition_read_install (ThmsThriftHiveMetastoreHandlerClass *k)
{
  k->get_partition = h_get_partition;
  k->get_partition_req = h_get_partition_req;
  k->get_partition_with_auth = h_get_partition_with_auth;
  k->get_partition_by_name = h_get_partition_by_name;
  k->get_partitions = h_get_partitions;
  k->get_partitions_req = h_get_partitions_req;
  k->get_partitions_with_auth = h_get_partitions_with_auth;
  k->get_partitions_pspec = h_get_partitions_pspec;
  k->get_partition_names = h_get_partition_names;
  k->get_partition_values = h_get_partition_values;
  k->get_partitions_ps = h_get_partitions_ps;
  k->get_partitions_ps_with_auth = h_get_partitions_ps_with_auth;
  k->get_partitions_ps_with_auth_req = h_get_partitions_ps_with_auth_req;
  k->get_partition_names_ps = h_get_partition_names_ps;
  k->get_partition_names_ps_req = h_get_partition_names_ps_req;
  k->get_partition_names_req = h_get_partition_names_req;
  k->get_partitions_by_filter = h_get_partitions_by_filter;
  k->get_part_specs_by_filter = h_get_part_specs_by_filter;
  k->get_partitions_by_expr = h_get_partitions_by_expr;
  k->get_partitions_spec_by_expr = h_get_partitions_spec_by_expr;
  k->get_num_partitions_by_filter = h_get_num_partitions_by_filter;
  k->get_partitions_by_names = h_get_partitions_by_names;
  k->get_partitions_by_names_req = h_get_partitions_by_names_req;
  k->partition_name_has_valid_characters = h_partition_name_has_valid_characters;
  k->partition_name_to_vals = h_partition_name_to_vals;
  k->partition_name_to_spec = h_partition_name_to_spec;
}
