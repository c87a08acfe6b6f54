/*
 * partition_read.c: the HMS partition reads the method table serves here
 * (hms/methods.list): single partitions (get_partition(_req,_with_auth),
 * get_partition_by_name), specs (get_partitions_pspec,
 * get_part_specs_by_filter), names (get_partition_names(_ps)(_ps_req)),
 * reads by expression (get_partitions_by_expr, get_partitions_spec_by_expr,
 * get_partition_names_req), Hive 4's get_partitions_with_specs and
 * fetch_partition_names_req, counts, value tuples and the name <-> values
 * helpers. The listings of whole partitions are streamed onto the wire by
 * partition_wire.c.
 *
 * Every read declares MetaException and NoSuchObjectException: a missing
 * database, table or partition (MS_ERROR_NOT_FOUND) is the latter, any
 * other failure (a bad filter, an empty database name) the former.
 */
#include "hms/internal.h"
#include "hms_method_table.h"
#include "store/store.h"
#include "core/part_name.h"
#include "hms/partition_query.h"
#include <string.h>

static gboolean
list_into (MsHms *hms, HmsPartRead *r, GPtrArray *out, GError **error)
{
  g_autoptr (GPtrArray) parts = ms_store_partition_list (hms->store, &r->q, error);
  if (parts == NULL)
    return FALSE;
  hms_partitions_to_thrift (parts, out);
  return TRUE;
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
names_into (MsHms *hms, HmsPartRead *r, GPtrArray *out, GError **error)
{
  g_autoptr (GPtrArray) names = ms_store_partition_names (hms->store, &r->q, error);
  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (out, g_steal_pointer (&names->pdata[i]));
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

/* get_partition, get_partition_req, get_partition_with_auth */
gboolean
hms_partition_read_get (HmsCall *call, GError **error)
{
  ThmsGetPartitionRequest *req = hms_arg_obj (call, "req");
  if (req == NULL)
    return get_one (call->hms, hms_arg_str (call, "db_name"), NULL, hms_arg_str (call, "tbl_name"),
                    hms_arg_obj (call, "part_vals"), hms_result_obj (call), error);
  ThmsGetPartitionResponse *res = hms_result_obj (call);
  return get_one (call->hms, req->dbName, HMS_OPT (req, catName), req->tblName, req->partVals,
                  res->partition, error);
}

/* The values partition name 'name' gives for the keys of the table 'r'
 * reads, looked up per key as Hive does (keys in any order, matched
 * exactly). A name that lacks a key names no partition:
 * MS_ERROR_NOT_FOUND (NoSuchObjectException, as Hive answers). */
static GPtrArray *
name_values (MsHms *hms, const HmsPartRead *r, const char *name, GError **error)
{
  g_autoptr (MsTable) t = ms_store_table_get (hms->store, r->catalog, r->db, r->table, error);
  if (t == NULL)
    return NULL;
  g_autofree const char **keys = g_new0 (const char *, t->partition_keys->len + 1);
  for (guint i = 0; i < t->partition_keys->len; i++)
    keys[i] = ((MsColumn *) g_ptr_array_index (t->partition_keys, i))->name;
  GError *local = NULL;
  GPtrArray *vals = ms_part_name_values (name ? name : "", keys, t->partition_keys->len, &local);
  if (vals == NULL && local->domain == MS_ERROR && local->code == MS_ERROR_INVALID_OBJECT)
    local->code = MS_ERROR_NOT_FOUND;
  if (local != NULL)
    g_propagate_error (error, local);
  return vals;
}

/* get_partition_by_name */
gboolean
hms_partition_read_get_by_name (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, hms_arg_str (call, "db_name"), NULL, hms_arg_str (call, "tbl_name"),
                           1, error))
    return FALSE;
  g_autoptr (GPtrArray) vals = name_values (call->hms, &r, hms_arg_str (call, "part_name"), error);
  if (vals == NULL)
    return FALSE;
  hms_part_read_values (&r, vals, FALSE);
  g_autoptr (MsPartition) p = ms_store_partition_get (call->hms->store, &r.q, error);
  if (p == NULL)
    return FALSE;
  hms_partition_to_thrift (p, hms_result_obj (call));
  return TRUE;
}

/* ---- specs and names ---- */

/* get_partitions_pspec, get_part_specs_by_filter */
gboolean
hms_partition_read_specs (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  return hms_part_read_init_args (&r, call, error)
         && hms_part_read_filter (&r, hms_arg_str (call, "filter"), error)
         && specs_into (call->hms, &r, hms_result_obj (call), error);
}

/* get_partition_names, fetch_partition_names_req (Hive 4.1) */
gboolean
hms_partition_read_names (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  ThmsPartitionsRequest *req = hms_arg_obj (call, "partitionReq");
  GError *local = NULL;
  if ((req != NULL ? HMS_PART_READ_INIT_REQ (&r, req, &local)
                   : hms_part_read_init_args (&r, call, &local))
      && names_into (call->hms, &r, hms_result_obj (call), &local))
    return TRUE;
  /* Hive lists no names for a missing table or database */
  if (g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND))
    {
      g_error_free (local);
      return TRUE;
    }
  g_propagate_error (error, local);
  return FALSE;
}

/* get_partition_names_ps, get_partition_names_ps_req */
gboolean
hms_partition_read_names_ps (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  ThmsGetPartitionNamesPsRequest *req = hms_arg_obj (call, "req");
  if (req == NULL)
    return hms_part_read_init_args (&r, call, error)
           && names_into (call->hms, &r, hms_result_obj (call), error);
  if (!HMS_PART_READ_INIT_REQ (&r, req, error))
    return FALSE;
  hms_part_read_values (&r, req->__isset_partValues ? req->partValues : NULL, TRUE);
  ThmsGetPartitionNamesPsResponse *res = hms_result_obj (call);
  return names_into (call->hms, &r, res->names, error);
}

/* ---- by expression ---- */

/* Hive's expressions are Java objects serialized by Kryo (an
 * ExprNodeGenericFuncDesc, Hive's PartitionExpressionForMetastore reads
 * them); we take the bytes as a filter string when they are one (UTF-8
 * our filter parser accepts: Spark's filters and our extension). Anything
 * else is MS_ERROR_NOT_SERVED: a TApplicationException UNKNOWN_METHOD, on
 * which Hive's client lists the names and prunes them itself. */
static gboolean
expr_filter (HmsPartRead *r, const GByteArray *expr, GError **error)
{
  if (expr == NULL || expr->len == 0)
    return TRUE;
  g_autofree char *text = g_strndup ((const char *) expr->data, expr->len);
  g_autoptr (GError) local = NULL;
  if (strlen (text) == expr->len && g_utf8_validate (text, -1, NULL))
    {
      r->filter = ms_filter_parse (text, &local);
      if (r->filter != NULL)
        {
          r->q.filter = r->filter;
          return TRUE;
        }
    }
  return ms_fail (error, MS_ERROR_NOT_SERVED,
                  "this metastore evaluates partition expressions given as filter strings only "
                  "(%s); prune on the client",
                  local != NULL ? local->message : "these bytes are not UTF-8 text: a serialized "
                                                   "Hive expression");
}

/* The read a PartitionsByExprRequest (the call's "req") describes. */
static gboolean
expr_read_init (HmsPartRead *r, HmsCall *call, GError **error)
{
  ThmsPartitionsByExprRequest *req = hms_arg_obj (call, "req");
  return HMS_PART_READ_INIT_REQ (r, req, error) && expr_filter (r, req->expr, error);
}

/* get_partition_names_req */
gboolean
hms_partition_read_names_by_expr (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  return expr_read_init (&r, call, error)
         && names_into (call->hms, &r, hms_result_obj (call), error);
}

/* get_partitions_by_expr */
gboolean
hms_partition_read_by_expr (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  ThmsPartitionsByExprResult *res = hms_result_obj (call);
  res->hasUnknownPartitions = FALSE;
  return expr_read_init (&r, call, error) && list_into (call->hms, &r, res->partitions, error);
}

/* get_partitions_spec_by_expr */
gboolean
hms_partition_read_specs_by_expr (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  ThmsPartitionsSpecByExprResult *res = hms_result_obj (call);
  res->hasUnknownPartitions = FALSE;
  return expr_read_init (&r, call, error) && specs_into (call->hms, &r, res->partitionsSpec, error);
}

/* ---- with specs (Hive 4's get_partitions_with_specs) ---- */

/* The filter of a GetPartitionsFilterSpec in 'r': partition names
 * (BY_NAMES), a partial spec of values in key order, "" for any
 * (BY_VALUES), or filter strings that must all hold (BY_EXPR, as Hive's
 * ObjectStore joins them with AND); no mode selects every partition. */
static gboolean
filter_spec (HmsPartRead *r, const ThmsGetPartitionsFilterSpec *f, GError **error)
{
  if (f == NULL || !f->__isset_filterMode)
    return TRUE;
  const GPtrArray *filters = f->__isset_filters ? f->filters : NULL;
  switch (f->filterMode)
    {
    case THMS_PARTITION_FILTER_MODE_BY_NAMES:
      hms_part_read_names (r, filters);
      return TRUE;
    case THMS_PARTITION_FILTER_MODE_BY_VALUES:
      hms_part_read_values (r, filters, TRUE);
      return TRUE;
    case THMS_PARTITION_FILTER_MODE_BY_EXPR:
      {
        g_autoptr (GString) all = g_string_new (NULL);
        for (guint i = 0; filters != NULL && i < filters->len; i++)
          g_string_append_printf (all, "%s(%s)", all->len ? " and " : "",
                                  (const char *) g_ptr_array_index (filters, i));
        return hms_part_read_filter (r, all->str, error);
      }
    }
  return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Unsupported filter mode %d", f->filterMode);
}

/* get_partitions_with_specs: the selected partitions grouped into
 * PartitionSpecs as get_partitions_pspec groups them (those under the
 * table's location that share its descriptor in one spec with the shared
 * descriptor, the others whole). The projection is not applied: every
 * field is returned, which the IDL allows. */
gboolean
hms_partition_read_with_specs (HmsCall *call, GError **error)
{
  ThmsGetPartitionsRequest *req = hms_arg_obj (call, "request");
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, req->dbName, HMS_OPT (req, catName), req->tblName, -1, error)
      || !filter_spec (&r, req->filterSpec, error))
    return FALSE;
  ThmsGetPartitionsResponse *res = hms_result_obj (call);
  res->__isset_partitionSpec = TRUE;
  return specs_into (call->hms, &r, res->partitionSpec, error);
}

/* ---- counts and values ---- */

/* get_num_partitions_by_filter */
gboolean
hms_partition_read_count (HmsCall *call, GError **error)
{
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init_args (&r, call, error)
      || !hms_part_read_filter (&r, hms_arg_str (call, "filter"), error))
    return FALSE;
  gint64 n = ms_store_partition_count (call->hms->store, &r.q, error);
  if (n < 0)
    return FALSE;
  hms_result_set_int (call, n);
  return TRUE;
}

/* The names of a list of FieldSchema (borrowed). */
static GPtrArray *
field_names (const GPtrArray *fields)
{
  GPtrArray *names = g_ptr_array_new ();
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    g_ptr_array_add (names, ((ThmsFieldSchema *) g_ptr_array_index (fields, i))->name);
  return names;
}

static void
rows_to_thrift (GPtrArray *rows, GPtrArray *out)
{
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *row = g_ptr_array_index (rows, i);
      ThmsPartitionValuesRow *o = g_object_new (THMS_TYPE_PARTITION_VALUES_ROW, NULL);
      for (guint j = 0; j < row->len; j++)
        {
          const char *v = g_ptr_array_index (row, j);
          g_ptr_array_add (o->row, g_strdup (v ? v : ""));
        }
      g_ptr_array_add (out, o);
    }
}

/* The value tuples 'req' asks of the partitions 'r' selects. A missing
 * table is MS_ERROR_NOT_ALLOWED here: Hive answers it with a
 * MetaException. */
static GPtrArray *
partition_values (MsHms *hms, HmsPartRead *r, const ThmsPartitionValuesRequest *req,
                  GError **error)
{
  g_autoptr (GPtrArray) keys = field_names (req->partitionKeys);
  g_autoptr (GPtrArray) order
      = field_names (req->__isset_partitionOrder ? req->partitionOrder : NULL);
  GError *local = NULL;
  GPtrArray *rows = ms_store_partition_values (
      hms->store, &r->q, (const char *const *) keys->pdata, keys->len,
      !req->__isset_applyDistinct || req->applyDistinct, (const char *const *) order->pdata,
      order->len, !req->__isset_ascending || req->ascending, &local);
  if (rows == NULL && local->domain == MS_ERROR && local->code == MS_ERROR_NOT_FOUND)
    local->code = MS_ERROR_NOT_ALLOWED;
  if (local != NULL)
    g_propagate_error (error, local);
  return rows;
}

/* get_partition_values */
gboolean
hms_partition_read_values (HmsCall *call, GError **error)
{
  ThmsPartitionValuesRequest *req = hms_arg_obj (call, "request");
  g_auto (HmsPartRead) r = { 0 };
  if (!hms_part_read_init (&r, req->dbName, HMS_OPT (req, catName), req->tblName,
                           req->__isset_maxParts ? (int) CLAMP (req->maxParts, -1, G_MAXINT) : -1,
                           error)
      || !hms_part_read_filter (&r, req->__isset_filter ? req->filter : NULL, error))
    return FALSE;
  g_autoptr (GPtrArray) rows = partition_values (call->hms, &r, req, error);
  if (rows == NULL)
    return FALSE;
  ThmsPartitionValuesResponse *res = hms_result_obj (call);
  rows_to_thrift (rows, res->partitionValues);
  return TRUE;
}

/* ---- names and values ---- */

/* partition_name_has_valid_characters */
gboolean
hms_partition_read_name_valid (HmsCall *call, GError **error)
{
  /* no hive.metastore.partition.name.whitelist.pattern is configured:
   * every value is valid, as in Hive's default configuration */
  (void) error;
  hms_result_set_bool (call, TRUE);
  return TRUE;
}

/* The call's part_name as key, value, key, value, ... (values unescaped);
 * an empty array for NULL or "". */
static GPtrArray *
name_spec (HmsCall *call, GError **error)
{
  const char *name = hms_arg_str (call, "part_name");
  if (name == NULL || *name == '\0')
    return g_ptr_array_new ();
  return ms_part_name_spec (name, TRUE, error);
}

/* partition_name_to_vals */
gboolean
hms_partition_read_name_to_vals (HmsCall *call, GError **error)
{
  g_autoptr (GPtrArray) spec = name_spec (call, error);
  if (spec == NULL)
    return FALSE;
  GPtrArray *out = hms_result_obj (call);
  for (guint i = 1; i < spec->len; i += 2)
    g_ptr_array_add (out, g_strdup (g_ptr_array_index (spec, i)));
  return TRUE;
}

/* partition_name_to_spec */
gboolean
hms_partition_read_name_to_spec (HmsCall *call, GError **error)
{
  g_autoptr (GPtrArray) spec = name_spec (call, error);
  if (spec == NULL)
    return FALSE;
  GHashTable *out = hms_result_obj (call);
  for (guint i = 0; i + 1 < spec->len; i += 2)
    g_hash_table_insert (out, g_strdup (g_ptr_array_index (spec, i)),
                         g_strdup (g_ptr_array_index (spec, i + 1)));
  return TRUE;
}
