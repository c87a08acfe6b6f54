/*
 * partition.c: the HMS door for partition changes: add (and append),
 * alter, rename, exchange and drop, served through the method table
 * (hms/methods.list): hms_partition_add, _add_many, _append, _drop,
 * _drop_many, _alter, _rename and _exchange, each for all the forms of its
 * method. It validates against the table's partition keys, decides default
 * locations (<table location>/k1=v1/..., Hive's path escaping), creates
 * and deletes directories on file:// and hands the rows to the store,
 * which applies each call in one transaction.
 */
#include "hms/internal.h"
#include "hms_method_table.h"
#include "store/store.h"
#include "storage/storage.h"
#include "service/data.h"
#include "service/table.h"
#include "core/part_name.h"
#include "core/log.h"
#include <string.h>

#define DDL_TIME "transient_lastDdlTime"
#define DO_NOT_UPDATE_STATS "DO_NOT_UPDATE_STATS"
#define ALTER_MISSING "Unable to alter partition because table or database does not exist."

/* "a, b, c": the values joined (value arrays are not NULL-terminated, so
 * g_strjoinv cannot be used on them). */
static char *
join_values (const GPtrArray *v)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; v != NULL && i < v->len; i++)
    {
      const char *x = g_ptr_array_index (v, i);
      g_string_append_printf (s, "%s%s", i ? ", " : "", x ? x : "null");
    }
  return g_string_free (s, FALSE);
}

/* Hive's Partition.toString, shortened to what identifies it. */
static char *
describe (const MsPartition *p)
{
  g_autofree char *vals = join_values (p->values);
  return g_strdup_printf ("Partition(values:[%s], dbName:%s, tableName:%s)",
                          p->values->len ? vals : "", p->db_name ? p->db_name : "null",
                          p->table_name ? p->table_name : "null");
}

static GPtrArray *
strings_of (const GPtrArray *in)
{
  GPtrArray *out = ms_strings_new ();
  hms_strings_append (out, in);
  g_ptr_array_add (out, NULL);
  g_ptr_array_set_size (out, out->len - 1);
  return out;
}

static const char **
key_names (const MsTable *t)
{
  const char **keys = g_new0 (const char *, t->partition_keys->len + 1);
  for (guint i = 0; i < t->partition_keys->len; i++)
    keys[i] = ((MsColumn *) g_ptr_array_index (t->partition_keys, i))->name;
  return keys;
}

static gboolean
check_values (const MsTable *t, GPtrArray *values, GError **error)
{
  if (values->len == t->partition_keys->len && values->len > 0)
    {
      for (guint i = 0; i < values->len; i++)
        if (g_ptr_array_index (values, i) == NULL)
          return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Partition value %u is null", i);
      return TRUE;
    }
  g_autoptr (GString) msg = g_string_new ("Invalid partition key & values; keys [");
  for (guint i = 0; i < t->partition_keys->len; i++)
    g_string_append_printf (msg, "%s, ",
                            ((MsColumn *) g_ptr_array_index (t->partition_keys, i))->name);
  g_string_append (msg, "], values [");
  for (guint i = 0; i < values->len; i++)
    g_string_append_printf (msg, "%s, ", (char *) g_ptr_array_index (values, i));
  g_string_append (msg, "]");
  return ms_fail (error, MS_ERROR_NOT_ALLOWED, "%s", msg->str);
}

static char *
part_name (const MsTable *t, GPtrArray *values)
{
  g_autofree const char **keys = key_names (t);
  return ms_part_name_make (keys, (const char *const *) values->pdata, values->len);
}

/* Table catalog.db.table; a missing one is 'code' with 'message' (NULL:
 * the store's NOT_FOUND as it is). */
static MsTable *
table_or (MsHms *hms, const char *catalog, const char *db, const char *table, MsErrorCode code,
          const char *message, GError **error)
{
  g_autoptr (GError) missing = NULL;
  MsTable *t = ms_store_table_get (hms->store, catalog, db, table, &missing);
  if (t != NULL)
    return t;
  if (message == NULL || !g_error_matches (missing, MS_ERROR, MS_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&missing));
  else
    ms_fail (error, code, "%s", message);
  return NULL;
}

/* The table raw_db (maybe "@cat#db"; cat_override wins when not empty) and
 * 'table' name, through table_or (so 'code'/'message' as there); 'cat' and
 * 'db' receive the resolved names (caller frees). */
static MsTable *
resolve_table (MsHms *hms, const char *raw_db, const char *cat_override, const char *table,
               MsErrorCode code, const char *message, char **cat, char **db, GError **error)
{
  if (!hms_resolve_db (raw_db, cat_override, cat, db, error))
    return NULL;
  g_autofree char *ltable = g_ascii_strdown (table ? table : "", -1);
  return table_or (hms, *cat, *db, ltable, code, message, error);
}

/* ---- add ---- */

typedef struct {
  GPtrArray *made;      /* char*: directories this call created */
  const char *catalog;  /* the table's catalog */
} AddState;

/* Whether the files of a partition directory that was there ('dir') are
 * listed for its ADD_PARTITION message only as the message is written,
 * while PostgreSQL stores the partitions: a local directory only (a few
 * system calls each); an object store's listing is a request each, kept
 * out of the transaction. */
static gboolean
defer_listing (MsHms *hms, const MsTable *t, const char *location, MsDirOutcome dir)
{
  if (dir != MS_DIR_THERE || location == NULL || ms_table_is_external (t)
      || !ms_store_events_enabled (hms->store))
    return FALSE;
  g_autofree char *path = ms_storage_local_path (location);
  return path != NULL;
}

/* The storage work of one partition being added: its directory made when
 * missing, its quick stats read when asked for, the files its
 * ADD_PARTITION message lists (now, or as the message is written). */
typedef struct {
  MsHms *hms;
  const MsTable *t;
  MsPartition *p;
  gboolean is_view, no_stats;
  MsDirOutcome dir;            /* out */
  gboolean failed;             /* out: no directory, none could be made */
} PartStorage;

static void
part_storage (PartStorage *w)
{
  MsHms *hms = w->hms;
  const MsTable *t = w->t;
  MsPartition *p = w->p;
  /* a directory the guard refused is not looked into afterwards (quick
   * stats, the event's files): the guard would refuse that too */
  w->dir = MS_DIR_THERE;
  if (w->is_view)
    return;     /* a view's partition has no location */
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GError) local = NULL;
  if (!hms_dir_prepare (hms, t, p->sd->location, "partition location", !w->no_stats, p->params,
                        &w->dir, &files, &local))
    {
      w->failed = TRUE;
      w->dir = MS_DIR_THERE;
      return;
    }
  if (files != NULL)
    p->dir_files = g_steal_pointer (&files);
  else if (defer_listing (hms, t, p->sd->location, w->dir))
    p->files_dir = g_strdup (p->sd->location);   /* read as its event is written */
  else
    p->dir_files = hms_event_files (hms, t, p->sd->location, w->dir);
}

static void
part_storage_task (gpointer data, gpointer user)
{
  (void) user;
  part_storage (data);
}

/* Validate 'parts' for table 't' and complete them (location: the one given
 * in its stored form, else the default; descriptor, create time,
 * parameters, quick stats); create missing directories. */
static gboolean
prepare_parts (MsHms *hms, const MsTable *t, GPtrArray *parts, AddState *st,
               gboolean skip_stats, GError **error)
{
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int now = (int) (g_get_real_time () / G_USEC_PER_SEC);
  g_autofree PartStorage *work = g_new0 (PartStorage, parts->len);
  guint remote = 0;
  for (guint i = 0; i < parts->len; i++)
    {
      MsPartition *p = g_ptr_array_index (parts, i);
      if ((p->db_name && g_strcmp0 (p->db_name, t->db_name) != 0)
          || (p->table_name && g_strcmp0 (p->table_name, t->name) != 0)
          || (p->catalog && g_strcmp0 (p->catalog, t->catalog) != 0))
        {
          g_autofree char *d = describe (p);
          return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                          "Partition does not belong to target table %s.%s: %s", t->db_name,
                          t->name, d);
        }
      g_free (p->catalog);
      p->catalog = g_strdup (t->catalog);
      g_free (p->db_name);
      p->db_name = g_strdup (t->db_name);
      g_free (p->table_name);
      p->table_name = g_strdup (t->name);
      if (!check_values (t, p->values, error))
        return FALSE;
      char *name = part_name (t, p->values);
      if (!g_hash_table_add (names, name))
        {
          g_autofree char *d = describe (p);
          return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Duplicate partitions in the list: %s", d);
        }
      if (p->sd == NULL)
        {
          g_autofree char *d = describe (p);
          return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                          "Partition has no storage descriptor: %s", d);
        }
      gboolean is_view = t->sd == NULL || t->sd->location == NULL;
      if (p->sd->location == NULL || p->sd->location[0] == '\0')
        {
          g_free (p->sd->location);
          p->sd->location = is_view ? NULL : ms_storage_join (t->sd->location, name);
        }
      else if (is_view)
        return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Cannot specify location for a view partition");
      else
        hms_qualify_location (hms, &p->sd->location);
      p->create_time = now;
      if (g_hash_table_lookup (p->params, DDL_TIME) == NULL)
        g_hash_table_insert (p->params, g_strdup (DDL_TIME), g_strdup_printf ("%d", now));
      PartStorage *w = &work[i];
      *w = (PartStorage) { hms, t, p, is_view,
                           skip_stats || ms_params_true (p->params, DO_NOT_UPDATE_STATS) };
      g_hash_table_remove (p->params, DO_NOT_UPDATE_STATS);
      g_autofree char *path = p->sd->location ? ms_storage_local_path (p->sd->location) : NULL;
      if (p->sd->location != NULL && path == NULL)
        remote++;
    }
  ms_service_data_each (work, parts->len, sizeof *work, part_storage_task, NULL, remote);
  /* directories made are undone if the add fails, those of a partition
   * that failed too; the first failure (in the list's order) answers */
  for (guint i = 0; i < parts->len; i++)
    if (work[i].dir == MS_DIR_MADE)
      g_ptr_array_add (st->made, g_strdup (work[i].p->sd->location));
  for (guint i = 0; i < parts->len; i++)
    if (work[i].failed)
      return ms_fail (error, MS_ERROR_INTERNAL, "%s is not a directory or unable to create one",
                      work[i].p->sd->location);
  return TRUE;
}

static void
undo_dirs (MsHms *hms, AddState *st, GHashTable *keep)
{
  for (guint i = 0; i < st->made->len; i++)
    {
      const char *loc = g_ptr_array_index (st->made, i);
      if (keep == NULL || !g_hash_table_contains (keep, loc))
        ms_service_data_delete (hms_guard (hms, st->catalog), hms_storage (hms, st->catalog), loc,
                                NULL, "partition location");
    }
}

/* Add 'parts' (MsPartition*) to catalog.db.table; *out (if not NULL)
 * receives those added, completed as stored. */
static gboolean
add_parts (MsHms *hms, const char *catalog, const char *db, const char *table, GPtrArray *parts,
           gboolean if_not_exists, gboolean skip_stats, GPtrArray **out, GError **error)
{
  g_autofree char *ltable = g_ascii_strdown (table ? table : "", -1);
  g_autofree char *missing = g_strdup_printf (
      "Unable to add partitions because database or table %s.%s does not exist", db, ltable);
  g_autoptr (MsTable) t = table_or (hms, catalog, db, ltable, MS_ERROR_INVALID_OBJECT, missing,
                                    error);
  if (t == NULL)
    return FALSE;
  AddState st = { ms_strings_new (), t->catalog };
  if (!prepare_parts (hms, t, parts, &st, skip_stats, error))
    {
      undo_dirs (hms, &st, NULL);
      g_ptr_array_unref (st.made);
      return FALSE;
    }
  g_autoptr (GError) local = NULL;
  g_autoptr (GPtrArray) added = parts->len ? ms_store_partition_add (hms->store, t, parts,
                                                                     if_not_exists, &local)
                                           : ms_strings_new ();
  if (added == NULL)
    {
      undo_dirs (hms, &st, NULL);
      g_ptr_array_unref (st.made);
      if (g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        {
          /* name the first partition that exists */
          g_autoptr (GPtrArray) names = ms_strings_new ();
          for (guint i = 0; i < parts->len; i++)
            g_ptr_array_add (names, part_name (t, ((MsPartition *) g_ptr_array_index (parts, i))->values));
          MsPartitionQuery q = { .catalog = catalog, .db = db, .table = ltable, .by_names = TRUE,
                                 .names = (const char *const *) names->pdata,
                                 .n_names = names->len, .max_parts = 1 };
          g_autoptr (GPtrArray) found = ms_store_partition_list (hms->store, &q, NULL);
          g_autofree char *d = found && found->len ? describe (g_ptr_array_index (found, 0)) : NULL;
          return ms_fail (error, MS_ERROR_ALREADY_EXISTS, "Partition already exists: %s",
                          d ? d : "");
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  gboolean all_added = added->len == parts->len;   /* names are distinct */
  g_autoptr (GHashTable) added_set = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; !all_added && i < added->len; i++)
    g_hash_table_add (added_set, g_ptr_array_index (added, i));
  /* directories made for partitions that already existed go again */
  g_autoptr (GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (out)
    *out = ms_partitions_new ();
  for (guint i = 0; i < parts->len; i++)
    {
      MsPartition *p = g_ptr_array_index (parts, i);
      if (!all_added)
        {
          g_autofree char *name = part_name (t, p->values);
          if (!g_hash_table_contains (added_set, name))
            continue;
        }
      if (p->sd && p->sd->location)
        g_hash_table_add (keep, g_strdup (p->sd->location));
      if (out)
        g_ptr_array_add (*out, g_steal_pointer (&parts->pdata[i]));
    }
  undo_dirs (hms, &st, keep);
  g_ptr_array_unref (st.made);
  ms_info ("added %u partition(s) to %s.%s.%s", added->len, catalog, db, ltable);
  return TRUE;
}

/* The catalog and database of a partition's own names. */
static gboolean
part_db (const MsPartition *p, const char *raw_db, char **cat, char **db, GError **error)
{
  return hms_resolve_db (raw_db ? raw_db : p->db_name, p->catalog, cat, db, error);
}

static gboolean
add_one (MsHms *hms, const ThmsPartition *in, const ThmsEnvironmentContext *env,
         ThmsPartition *out, GError **error)
{
  g_autoptr (MsPartition) p = hms_partition_from_thrift (in);
  g_autofree char *cat = NULL, *db = NULL;
  if (!part_db (p, in->dbName, &cat, &db, error))
    return FALSE;
  g_free (p->db_name);
  p->db_name = g_strdup (db);
  g_free (p->catalog);
  p->catalog = NULL;
  g_autoptr (GPtrArray) parts = ms_partitions_new ();
  g_ptr_array_add (parts, g_steal_pointer (&p));
  g_autoptr (GPtrArray) added = NULL;
  if (!add_parts (hms, cat, db, in->tableName, parts, FALSE,
                  hms_env_true (env, DO_NOT_UPDATE_STATS), &added, error))
    return FALSE;
  hms_partition_to_thrift (g_ptr_array_index (added, 0), out);
  return TRUE;
}

/* add_partition, add_partition_with_environment_context */
gboolean
hms_partition_add (HmsCall *call, GError **error)
{
  return add_one (call->hms, hms_arg_obj (call, "new_part"),
                  hms_arg_obj (call, "environment_context"), hms_result_obj (call), error);
}

/* add_partitions, add_partitions_pspec and add_partitions_req: all
 * partitions of one table, named by the first. */
static gboolean
add_many (MsHms *hms, GPtrArray *parts, const char *raw_db, const char *cat_override,
          const char *table, gboolean if_not_exists, GPtrArray **out, GError **error)
{
  if (parts->len == 0)
    {
      if (out)
        *out = ms_partitions_new ();
      return TRUE;
    }
  const MsPartition *first = g_ptr_array_index (parts, 0);
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (raw_db ? raw_db : first->db_name, cat_override ? cat_override : first->catalog,
                       &cat, &db, error))
    return FALSE;
  for (guint i = 0; i < parts->len; i++)
    {
      MsPartition *p = g_ptr_array_index (parts, i);
      g_autofree char *pcat = NULL, *pdb = NULL;
      if (p->db_name && hms_parse_db_name (p->db_name, &pcat, &pdb, NULL))
        {
          g_free (p->db_name);
          p->db_name = g_steal_pointer (&pdb);
        }
      if (p->catalog == NULL || cat_override)
        {
          g_free (p->catalog);
          p->catalog = NULL;
        }
    }
  return add_parts (hms, cat, db, table ? table : first->table_name, parts, if_not_exists, FALSE,
                    out, error);
}

static GPtrArray *
parts_from_thrift (const GPtrArray *in)
{
  GPtrArray *out = ms_partitions_new ();
  for (guint i = 0; in != NULL && i < in->len; i++)
    g_ptr_array_add (out, hms_partition_from_thrift (g_ptr_array_index (in, i)));
  return out;
}

/* The partitions of 'in', a list of Partition, or of PartitionSpec
 * (add_partitions_pspec). */
static GPtrArray *
parts_of_list (GPtrArray *in, GError **error)
{
  if (in != NULL && in->len > 0 && THMS_IS_PARTITION_SPEC (g_ptr_array_index (in, 0)))
    return hms_partitions_from_specs (in, error);
  return parts_from_thrift (in);
}

/* Hive: each partition of add_partitions_req that names its table must
 * name the request's. */
static gboolean
check_request_parts (const ThmsAddPartitionsRequest *req, GPtrArray *parts, GError **error)
{
  if (parts->len == 0)
    return TRUE;
  g_autofree char *rcat = NULL, *rdb = NULL;
  if (!hms_resolve_db (req->dbName, HMS_OPT (req, catName), &rcat, &rdb,
                       error))
    return FALSE;
  for (guint i = 0; i < parts->len; i++)
    {
      MsPartition *p = g_ptr_array_index (parts, i);
      g_autofree char *pcat = NULL, *pdb = NULL;
      if (p->db_name == NULL || p->table_name == NULL)
        continue;
      if (!hms_parse_db_name (p->db_name, &pcat, &pdb, NULL) || g_strcmp0 (pdb, rdb) != 0
          || g_ascii_strcasecmp (p->table_name, req->tblName ? req->tblName : "") != 0)
        {
          g_autofree char *d = describe (p);
          return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                          "Partition does not belong to target table %s.%s: %s", rdb,
                          req->tblName, d);
        }
    }
  return TRUE;
}

static gboolean
add_request (MsHms *hms, const ThmsAddPartitionsRequest *req, ThmsAddPartitionsResult *out,
             GError **error)
{
  g_autoptr (GPtrArray) parts = parts_from_thrift (req->parts);
  g_autoptr (GPtrArray) added = NULL;
  if (!check_request_parts (req, parts, error)
      || !add_many (hms, parts, req->dbName, req->__isset_catName ? req->catName : NULL,
                    req->tblName, req->ifNotExists, &added, error))
    return FALSE;
  if (!req->__isset_needResult || req->needResult)
    {
      hms_partitions_to_thrift (added, out->partitions);
      out->__isset_partitions = TRUE;
    }
  return TRUE;
}

/* add_partitions, add_partitions_pspec, add_partitions_req */
gboolean
hms_partition_add_many (HmsCall *call, GError **error)
{
  ThmsAddPartitionsRequest *req = hms_arg_obj (call, "request");
  if (req != NULL)
    return add_request (call->hms, req, hms_result_obj (call), error);
  g_autoptr (GPtrArray) parts = parts_of_list (hms_arg_obj (call, "new_parts"), error);
  g_autoptr (GPtrArray) added = NULL;
  if (parts == NULL || !add_many (call->hms, parts, NULL, NULL, NULL, FALSE, &added, error))
    return FALSE;
  hms_result_set_int (call, added->len);
  return TRUE;
}

/* append_partition*: a partition with the table's descriptor at the
 * default location ('cat_override': the catalog a request names). */
static gboolean
append (MsHms *hms, const char *raw_db, const char *cat_override, const char *table,
        GPtrArray *values, const char *name, const ThmsEnvironmentContext *env, ThmsPartition *out,
        GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  g_autoptr (MsTable) t = resolve_table (hms, raw_db, cat_override, table, MS_ERROR_INVALID_OBJECT,
                                         "Unable to add partition because table or database do "
                                         "not exist", &cat, &db, error);
  if (t == NULL)
    return FALSE;
  const char *ltable = t->name;
  if (t->sd == NULL || t->sd->location == NULL)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Cannot append a partition to a view");
  g_autoptr (MsPartition) p = ms_partition_new ();
  if (name != NULL)
    {
      g_autofree const char **keys = key_names (t);
      g_autoptr (GPtrArray) vals = ms_part_name_values (name, keys, t->partition_keys->len, error);
      if (vals == NULL)
        return FALSE;
      hms_strings_append (p->values, vals);
    }
  else
    hms_strings_append (p->values, values);
  p->db_name = g_strdup (t->db_name);
  p->table_name = g_strdup (t->name);
  p->sd = ms_sd_copy (t->sd);
  g_free (p->sd->location);
  p->sd->location = NULL;
  g_autoptr (GPtrArray) parts = ms_partitions_new ();
  g_ptr_array_add (parts, g_steal_pointer (&p));
  g_autoptr (GPtrArray) added = NULL;
  if (!add_parts (hms, cat, db, ltable, parts, FALSE, hms_env_true (env, DO_NOT_UPDATE_STATS),
                  &added, error))
    return FALSE;
  hms_partition_to_thrift (g_ptr_array_index (added, 0), out);
  return TRUE;
}

/* The part_name argument ("" when unset), NULL for the forms by values. */
static const char *
part_name_arg (HmsCall *call)
{
  if (!hms_arg_has (call, "part_name"))
    return NULL;
  const char *name = hms_arg_str (call, "part_name");
  return name ? name : "";
}

/* append_partition, append_partition_by_name and their
 * _with_environment_context forms; append_partition_req (Hive 4.1: by
 * name when the request has one, else by values) */
gboolean
hms_partition_append (HmsCall *call, GError **error)
{
  ThmsAppendPartitionsRequest *req = hms_arg_obj (call, "appendPartitionsReq");
  if (req != NULL)
    {
      const char *name = req->__isset_name && req->name ? req->name : NULL;
      g_autoptr (GPtrArray) vals = name ? NULL : strings_of (req->__isset_partVals ? req->partVals
                                                                                   : NULL);
      return append (call->hms, req->dbName, HMS_OPT (req, catalogName), req->tableName, vals,
                     name, req->__isset_environmentContext ? req->environmentContext : NULL,
                     hms_result_obj (call), error);
    }
  const char *name = part_name_arg (call);
  g_autoptr (GPtrArray) vals = name ? NULL : strings_of (hms_arg_obj (call, "part_vals"));
  return append (call->hms, hms_arg_str (call, "db_name"), NULL, hms_arg_str (call, "tbl_name"),
                 vals, name, hms_arg_obj (call, "environment_context"), hms_result_obj (call),
                 error);
}

/* ---- drop ---- */

static gboolean
drop_one (MsHms *hms, const char *raw_db, const char *cat_override, const char *table,
          GPtrArray *values, const char *name, gboolean delete_data, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  g_autoptr (MsTable) t = resolve_table (hms, raw_db, cat_override, table, MS_ERROR_NOT_FOUND, NULL,
                                         &cat, &db, error);
  if (t == NULL)
    return FALSE;
  g_autoptr (GPtrArray) vals = NULL;
  if (name != NULL)
    {
      if (*name == '\0')
        return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Partition name is invalid. %s", name);
      g_autofree const char **keys = key_names (t);
      g_autoptr (GError) bad = NULL;
      vals = ms_part_name_values (name, keys, t->partition_keys->len, &bad);
      if (vals == NULL)
        return ms_fail (error, MS_ERROR_NOT_FOUND, "Partition doesn't exist. %s (%s)", name,
                        bad->message);
    }
  else
    vals = g_ptr_array_ref (values);
  if (!check_values (t, vals, error))
    return FALSE;
  MsPartitionQuery q = { .catalog = cat, .db = db, .table = t->name, .by_values = TRUE,
                         .values = (const char *const *) vals->pdata, .n_values = vals->len,
                         .max_parts = -1 };
  g_autoptr (GError) local = NULL;
  g_autoptr (GPtrArray) dropped = ms_store_partition_drop (hms->store, &q, 1, &local);
  if (dropped == NULL)
    {
      if (g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND))
        {
          g_autofree char *v = join_values (vals);
          return ms_fail (error, MS_ERROR_NOT_FOUND, "Partition doesn't exist. [%s]",
                          vals->len ? v : "");
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (delete_data)
    ms_service_partitions_delete_data (hms->store, hms_guard (hms, t->catalog), hms_storage (hms, t->catalog), t, dropped);
  ms_info ("dropped partition %s of %s.%s.%s", name ? name : "(by values)", cat, db, t->name);
  return TRUE;
}

/* drop_partition, drop_partition_by_name and their
 * _with_environment_context forms */
gboolean
hms_partition_drop (HmsCall *call, GError **error)
{
  ThmsDropPartitionRequest *req = hms_arg_obj (call, "dropPartitionReq");
  gboolean ok;
  if (req != NULL)
    {
      /* drop_partition_req (Hive 4.1): by name when the request has one */
      const char *name = req->__isset_partName && req->partName ? req->partName : NULL;
      g_autoptr (GPtrArray) vals = name ? NULL : strings_of (req->__isset_partVals ? req->partVals
                                                                                   : NULL);
      ok = drop_one (call->hms, req->dbName, HMS_OPT (req, catName), req->tblName, vals, name,
                     req->__isset_deleteData && req->deleteData, error);
    }
  else
    {
      const char *name = part_name_arg (call);
      g_autoptr (GPtrArray) vals = name ? NULL : strings_of (hms_arg_obj (call, "part_vals"));
      ok = drop_one (call->hms, hms_arg_str (call, "db_name"), NULL, hms_arg_str (call, "tbl_name"),
                     vals, name, hms_arg_bool (call, "deleteData"), error);
    }
  if (ok)
    hms_result_set_bool (call, TRUE);
  return ok;
}

/* The OR of the filters carried (as UTF-8 text, our extension: Hive's own
 * expressions are serialized Java) by 'exprs'. */
static MsFilterNode *
exprs_filter (const GPtrArray *exprs, GError **error)
{
  MsFilterNode *all = NULL;
  for (guint i = 0; exprs != NULL && i < exprs->len; i++)
    {
      ThmsDropPartitionsExpr *e = g_ptr_array_index (exprs, i);
      GByteArray *b = e->expr;
      g_autofree char *text = b ? g_strndup ((const char *) b->data, b->len) : g_strdup ("");
      if (b == NULL || b->len == 0 || strlen (text) != b->len || !g_utf8_validate (text, -1, NULL))
        {
          ms_filter_node_free (all);
          ms_fail (error, MS_ERROR_NOT_ALLOWED,
                   "Partition expressions are taken as filter strings in UTF-8 (Hive's serialized "
                   "expressions are not supported); expression %u is not one", i);
          return NULL;
        }
      MsFilterNode *f = ms_filter_parse (text, error);
      if (f == NULL)
        {
          ms_filter_node_free (all);
          return NULL;
        }
      if (all == NULL)
        all = f;
      else
        {
          MsFilterNode *or = g_new0 (MsFilterNode, 1);
          or->kind = MS_FILTER_NODE_OR;
          or->left = all;
          or->right = f;
          all = or;
        }
    }
  if (all == NULL)
    ms_fail (error, MS_ERROR_NOT_ALLOWED, "Partition spec is not set");
  return all;
}

/* The partitions drop_partitions_req's 'spec' selects, into 'q' (which
 * borrows the names, and the filter kept in *filter), and how many must
 * exist (Hive's minCount; none with ifExists). */
static gboolean
drop_selection (const ThmsRequestPartsSpec *spec, gboolean if_exists, MsPartitionQuery *q,
                MsFilterNode **filter, guint *must, GError **error)
{
  if (spec != NULL && spec->__isset_names)
    {
      q->by_names = TRUE;
      q->names = (const char *const *) spec->names->pdata;
      q->n_names = spec->names->len;
      g_autoptr (GHashTable) distinct = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < spec->names->len; i++)
        g_hash_table_add (distinct, g_ptr_array_index (spec->names, i));
      *must = if_exists ? 0 : g_hash_table_size (distinct);
      return TRUE;
    }
  if (spec != NULL && spec->__isset_exprs)
    {
      *filter = exprs_filter (spec->exprs, error);
      if (*filter == NULL)
        return FALSE;
      q->filter = *filter;
      /* Hive's minCount: one partition per expression, over the request */
      *must = if_exists ? 0 : spec->exprs->len;
      return TRUE;
    }
  return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Partition spec is not set");
}

/* drop_partitions_req */
gboolean
hms_partition_drop_many (HmsCall *call, GError **error)
{
  ThmsDropPartitionsRequest *req = hms_arg_obj (call, "req");
  MsHms *hms = call->hms;
  g_autofree char *cat = NULL, *db = NULL;
  g_autoptr (MsTable) t = resolve_table (hms, req->dbName, HMS_OPT (req, catName), req->tblName,
                                         MS_ERROR_NOT_FOUND, NULL, &cat, &db, error);
  if (t == NULL)
    return FALSE;
  MsPartitionQuery q = { .catalog = cat, .db = db, .table = t->name, .max_parts = -1 };
  g_autoptr (MsFilterNode) filter = NULL;
  guint must = 0;
  if (!drop_selection (req->parts, !req->__isset_ifExists || req->ifExists, &q, &filter, &must,
                       error))
    return FALSE;
  g_autoptr (GPtrArray) dropped = (q.by_names && q.n_names == 0)
                                    ? ms_partitions_new ()
                                    : ms_store_partition_drop (hms->store, &q, must, error);
  if (dropped == NULL)
    return FALSE;
  if (req->__isset_deleteData && req->deleteData)
    ms_service_partitions_delete_data (hms->store, hms_guard (hms, t->catalog), hms_storage (hms, t->catalog), t, dropped);
  if (!req->__isset_needResult || req->needResult)
    {
      ThmsDropPartitionsResult *out = hms_result_obj (call);
      hms_partitions_to_thrift (dropped, out->partitions);
      out->__isset_partitions = TRUE;
    }
  ms_info ("dropped %u partition(s) of %s.%s.%s", dropped->len, cat, db, t->name);
  return TRUE;
}

/* ---- alter ---- */

/* The table whose partitions an alter or rename names: a missing one is
 * InvalidOperationException saying ALTER_MISSING. */
static MsTable *
alter_target (MsHms *hms, const char *raw_db, const char *cat_override, const char *table,
              char **cat, char **db, GError **error)
{
  return resolve_table (hms, raw_db, cat_override, table, MS_ERROR_INVALID_OPERATION,
                        ALTER_MISSING, cat, db, error);
}

/* Replace partitions with 'in' (Partition*), each identified by its values. */
static gboolean
alter_parts (MsHms *hms, const char *raw_db, const char *cat_override, const char *table,
             const GPtrArray *in, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  g_autoptr (MsTable) t = alter_target (hms, raw_db, cat_override, table, &cat, &db, error);
  if (t == NULL)
    return FALSE;
  const char *ltable = t->name;
  g_autoptr (GPtrArray) parts = parts_from_thrift (in);
  g_autofree char *now = hms_now_string ();
  for (guint i = 0; i < parts->len; i++)
    {
      MsPartition *p = g_ptr_array_index (parts, i);
      if (!check_values (t, p->values, error))
        return FALSE;
      if (p->sd == NULL)
        {
          /* keep the stored descriptor */
          MsPartitionQuery q = { .catalog = cat, .db = db, .table = ltable, .by_values = TRUE,
                                 .values = (const char *const *) p->values->pdata,
                                 .n_values = p->values->len, .max_parts = 1 };
          g_autoptr (GError) local = NULL;
          g_autoptr (MsPartition) old = ms_store_partition_get (hms->store, &q, &local);
          if (old == NULL)
            return ms_fail (error, MS_ERROR_INVALID_OPERATION, "alter is not possible");
          p->sd = g_steal_pointer (&old->sd);
        }
      const char *ddl = g_hash_table_lookup (p->params, DDL_TIME);
      if (ddl == NULL || g_strcmp0 (ddl, "0") == 0)
        g_hash_table_insert (p->params, g_strdup (DDL_TIME), g_strdup (now));
    }
  g_autoptr (GError) local = NULL;
  if (!ms_store_partition_alter (hms->store, cat, db, ltable, parts, &local))
    {
      if (g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND))
        return ms_fail (error, MS_ERROR_INVALID_OPERATION, "alter is not possible");
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* alter_parts for the one partition 'new_part'. */
static gboolean
alter_one (MsHms *hms, const char *raw_db, const char *cat_override, const char *table,
           const ThmsPartition *new_part, GError **error)
{
  g_autoptr (GPtrArray) one = g_ptr_array_new ();
  g_ptr_array_add (one, (gpointer) new_part);
  return alter_parts (hms, raw_db, cat_override, table, one, error);
}

/* alter_partition, alter_partitions, their _with_environment_context
 * forms, alter_partitions_req */
gboolean
hms_partition_alter (HmsCall *call, GError **error)
{
  ThmsAlterPartitionsRequest *req = hms_arg_obj (call, "req");
  if (req != NULL)
    return alter_parts (call->hms, req->dbName, HMS_OPT (req, catName),
                        req->tableName, req->partitions, error);
  const char *db = hms_arg_str (call, "db_name"), *table = hms_arg_str (call, "tbl_name");
  if (hms_arg_has (call, "new_part"))
    return alter_one (call->hms, db, NULL, table, hms_arg_obj (call, "new_part"), error);
  return alter_parts (call->hms, db, NULL, table, hms_arg_obj (call, "new_parts"), error);
}

/* ---- rename ---- */

static gboolean
rename_part (MsHms *hms, const char *raw_db, const char *cat_override, const char *table,
             const GPtrArray *part_vals, const ThmsPartition *new_part, GError **error)
{
  if (part_vals == NULL || part_vals->len == 0)
    return alter_one (hms, raw_db, cat_override, table, new_part, error);
  g_autofree char *cat = NULL, *db = NULL;
  g_autoptr (MsTable) t = alter_target (hms, raw_db, cat_override, table, &cat, &db, error);
  if (t == NULL)
    return FALSE;
  const char *ltable = t->name;
  g_autoptr (MsPartition) newp = hms_partition_from_thrift (new_part);
  if (!check_values (t, newp->values, error))
    return FALSE;
  MsPartitionQuery q = { .catalog = cat, .db = db, .table = ltable, .by_values = TRUE,
                         .values = (const char *const *) part_vals->pdata,
                         .n_values = part_vals->len, .max_parts = 1 };
  g_autoptr (GError) local = NULL;
  g_autoptr (MsPartition) old = ms_store_partition_get (hms->store, &q, &local);
  if (old == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "Unable to rename partition because old partition does not exist");
  if (newp->sd == NULL)
    newp->sd = ms_sd_copy (old->sd);
  gboolean external = ms_table_is_external (t);
  g_autofree char *new_name = part_name (t, newp->values);
  g_autofree char *now = hms_now_string ();
  g_hash_table_insert (newp->params, g_strdup (DDL_TIME), g_strdup (now));
  /* move the data first (local or S3), back again if the catalog refuses */
  g_auto (MsDataMove) mv = { 0 };
  if (!ms_service_partition_rename_data (hms_guard (hms, t->catalog), hms_storage (hms, t->catalog), t,
                                         old->sd ? old->sd->location : NULL, new_name, newp, &mv,
                                         error))
    return FALSE;
  g_autoptr (GError) serr = NULL;
  if (!ms_store_partition_rename (hms->store, cat, db, ltable,
                                  (const char *const *) part_vals->pdata, part_vals->len, newp,
                                  external, &serr))
    {
      ms_service_data_move_undo (hms_guard (hms, t->catalog), hms_storage (hms, t->catalog), &mv, "partition location");
      if (g_error_matches (serr, MS_ERROR, MS_ERROR_ALREADY_EXISTS)
          || g_error_matches (serr, MS_ERROR, MS_ERROR_NOT_FOUND))
        serr->code = MS_ERROR_INVALID_OPERATION;
      g_propagate_error (error, g_steal_pointer (&serr));
      return FALSE;
    }
  ms_info ("renamed a partition of %s.%s.%s to %s", cat, db, ltable, new_name);
  return TRUE;
}

/* rename_partition, rename_partition_req */
gboolean
hms_partition_rename (HmsCall *call, GError **error)
{
  ThmsRenamePartitionRequest *req = hms_arg_obj (call, "req");
  if (req != NULL)
    return rename_part (call->hms, req->dbName, HMS_OPT (req, catName),
                        req->tableName, req->partVals, req->newPart, error);
  return rename_part (call->hms, hms_arg_str (call, "db_name"), NULL,
                      hms_arg_str (call, "tbl_name"), hms_arg_obj (call, "part_vals"),
                      hms_arg_obj (call, "new_part"), error);
}

/* ---- exchange ---- */

static GPtrArray *
exchange (MsHms *hms, const GHashTable *spec, const char *src_db, const char *src_table,
          const char *dst_db, const char *dst_table, GError **error)
{
  g_autofree char *scat = NULL, *sdb = NULL, *dcat = NULL, *ddb = NULL;
  if (!hms_resolve_db (src_db, NULL, &scat, &sdb, error)
      || !hms_resolve_db (dst_db, NULL, &dcat, &ddb, error))
    return NULL;
  g_autofree char *lsrc = g_ascii_strdown (src_table ? src_table : "", -1);
  g_autofree char *ldst = g_ascii_strdown (dst_table ? dst_table : "", -1);
  /* Hive answers missing tables here with a MetaException */
  g_autoptr (GError) lookup = NULL;
  g_autoptr (MsTable) src = ms_store_table_get (hms->store, scat, sdb, lsrc, &lookup);
  if (src == NULL && !ms_error_not_found (&lookup, error))
    return NULL;
  if (src == NULL)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The source table %s.%s not found", sdb, lsrc),
           NULL;
  g_autoptr (MsTable) dst = ms_store_table_get (hms->store, dcat, ddb, ldst, &lookup);
  if (dst == NULL && !ms_error_not_found (&lookup, error))
    return NULL;
  if (dst == NULL)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The destination table %s.%s not found", ddb,
                    ldst), NULL;
  if (spec == NULL || g_hash_table_size ((GHashTable *) spec) == 0)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The partition spec is empty"), NULL;
  if (!ms_columns_equal (src->sd ? src->sd->cols : NULL, dst->sd ? dst->sd->cols : NULL)
      || !ms_columns_equal (src->partition_keys, dst->partition_keys))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "The tables have different schemas. Their partitions cannot be exchanged."),
           NULL;
  /* the spec's values in key order (MetaStoreUtils.getPvals): keys the
   * table lacks are ignored, unnamed or "" keys match any value, and the
   * values given must be for a prefix of the keys */
  g_autoptr (GPtrArray) vals = ms_strings_new ();
  g_autoptr (GPtrArray) present_keys = ms_strings_new ();
  g_autoptr (GPtrArray) present_vals = ms_strings_new ();
  gboolean gap = FALSE;
  for (guint i = 0; i < src->partition_keys->len; i++)
    {
      const char *key = ((MsColumn *) g_ptr_array_index (src->partition_keys, i))->name;
      const char *v = NULL;
      GHashTableIter it;
      gpointer k, val;
      g_hash_table_iter_init (&it, (GHashTable *) spec);
      while (g_hash_table_iter_next (&it, &k, &val))
        if (g_ascii_strcasecmp (k, key) == 0)
          v = val;
      g_ptr_array_add (vals, g_strdup (v ? v : ""));
      if (v && *v)
        {
          if (gap)
            return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                            "The partition spec must give values for a prefix of the partition "
                            "keys of %s", lsrc), NULL;
          g_ptr_array_add (present_keys, g_strdup (key));
          g_ptr_array_add (present_vals, g_strdup (v));
        }
      else
        gap = TRUE;
    }
  if (present_keys->len == 0)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "The partition spec gives no value for a partition key of %s", lsrc), NULL;
  g_autoptr (GPtrArray) moved = ms_store_partition_exchange (
      hms->store, src, dst, (const char *const *) vals->pdata, vals->len, error);
  if (moved == NULL)
    return NULL;
  /* data: <src>/<spec path> -> <dst>/<spec path>, local or on S3 */
  g_autofree char *rel = ms_part_name_make ((const char *const *) present_keys->pdata,
                                            (const char *const *) present_vals->pdata,
                                            present_keys->len);
  ms_service_partition_exchange_data (hms_guard (hms, src->catalog), hms_storage (hms, src->catalog), src, dst, rel);
  ms_info ("exchanged %u partition(s) from %s.%s.%s to %s.%s.%s", moved->len, scat, sdb, lsrc,
           dcat, ddb, ldst);
  return g_steal_pointer (&moved);
}

/* exchange_partition (the first partition moved), exchange_partitions */
gboolean
hms_partition_exchange (HmsCall *call, GError **error)
{
  g_autoptr (GPtrArray) moved = exchange (call->hms, hms_arg_obj (call, "partitionSpecs"),
                                          hms_arg_str (call, "source_db"),
                                          hms_arg_str (call, "source_table_name"),
                                          hms_arg_str (call, "dest_db"),
                                          hms_arg_str (call, "dest_table_name"), error);
  if (moved == NULL)
    return FALSE;
  if (hms_result_success_type (call) != THMS_TYPE_PARTITION)
    hms_partitions_to_thrift (moved, hms_result_obj (call));
  else if (moved->len > 0)
    hms_partition_to_thrift (g_ptr_array_index (moved, 0), hms_result_obj (call));
  return TRUE;
}
