/*
 * table.c: the HMS table methods, served through the method table
 * (hms/methods.list) by the family functions hms_table_*: create (plain,
 * with environment context, _req), listing by pattern/type, table meta and
 * names by filter, fields and schema, alter (plain, with environment
 * context, with cascade, _req, including renames and Iceberg's optimistic
 * commit), truncate and drop; the table lookups the fast path of the hot
 * reads (table_wire.c: get_table, get_table_objects_by_name and their _req
 * forms) shares. Names are lower-cased; database names may carry "@cat#".
 *
 * Behaviour follows Apache Hive's HMSHandler / HiveAlterHandler: the same
 * validation, default locations, quick stats on file:// tables, data moves
 * on rename and deletion rules on drop.
 */
#include "hms/internal.h"
#include "hms/privilege.h"
#include "hms_method_table.h"
#include "core/hive_types.h"
#include "core/log.h"
#include "core/pattern.h"
#include "storage/storage.h"
#include "service/data.h"
#include "service/table.h"

#define DDL_TIME "transient_lastDdlTime"
#define DO_NOT_UPDATE_STATS "DO_NOT_UPDATE_STATS"
#define EXPECTED_KEY "expected_parameter_key"
#define EXPECTED_VALUE "expected_parameter_value"

/* ---- validation ---- */

static gboolean
check_columns (GPtrArray *cols, const char *what, GError **error)
{
  for (guint i = 0; i < cols->len; i++)
    {
      const MsColumn *c = g_ptr_array_index (cols, i);
      if (c->name == NULL || *c->name == '\0')
        return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Invalid %s name: %s", what,
                        c->name ? c->name : "null");
      if (!ms_hive_type_check (c->type))
        return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Invalid %s type: %s", what,
                        c->type ? c->type : "null");
    }
  return TRUE;
}

/* Hive's create-time checks (HMSHandler.create_table_core), all answered
 * as InvalidObjectException. */
static gboolean
validate_new_table (const MsTable *t, GError **error)
{
  if (t->name == NULL || *t->name == '\0')
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "null is not a valid object name");
  if (!hms_check_name ("table", t->name, error))
    return FALSE;
  if (t->sd == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Table#StorageDescriptor cannot be null");
  if (!check_columns (t->sd->cols, "column", error)
      || !check_columns (t->partition_keys, "partition column", error))
    return FALSE;
  for (guint i = 0; i < t->partition_keys->len; i++)
    {
      const MsColumn *p = g_ptr_array_index (t->partition_keys, i);
      for (guint j = 0; j < t->sd->cols->len; j++)
        if (g_str_equal (p->name, ((MsColumn *) g_ptr_array_index (t->sd->cols, j))->name))
          return ms_fail (error, MS_ERROR_INVALID_OBJECT,
                          "Partition column name %s conflicts with table columns", p->name);
    }
  if (t->sd->skewed)
    for (guint i = 0; i < t->sd->skewed->names->len; i++)
      {
        const char *n = g_ptr_array_index (t->sd->skewed->names, i);
        gboolean found = FALSE;
        for (guint j = 0; j < t->sd->cols->len && !found; j++)
          found = g_str_equal (n, ((MsColumn *) g_ptr_array_index (t->sd->cols, j))->name);
        if (!found)
          return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Invalid skew column %s", n);
      }
  return TRUE;
}

/* ---- quick stats (numFiles / totalSize), local or on S3 ---- */

static void
put_quick_stats (MsHms *hms, const char *catalog, const char *location, GHashTable *params)
{
  ms_service_put_quick_stats (hms_guard (hms, catalog), hms_storage (hms, catalog), location,
                              params);
}

GPtrArray *
hms_event_files (MsHms *hms, const MsTable *t, const char *location, MsDirOutcome dir)
{
  if (ms_table_is_external (t) || !ms_store_events_enabled (hms->store))
    return NULL;
  if (dir != MS_DIR_THERE)
    return ms_strings_new ();
  return ms_service_data_event_files (hms_guard (hms, t->catalog), hms_storage (hms, t->catalog),
                                      location);
}

gboolean
hms_dir_prepare (MsHms *hms, const MsTable *t, const char *location, const char *what,
                 gboolean stats, GHashTable *params, MsDirOutcome *dir, GPtrArray **files,
                 GError **error)
{
  *files = NULL;
  gboolean want_stats = stats && (g_hash_table_lookup (params, "numFiles") == NULL
                                  || g_hash_table_lookup (params, "totalSize") == NULL);
  gboolean want_files = !ms_table_is_external (t) && ms_store_events_enabled (hms->store);
  /* an S3 directory that was there: its stats and files from the one
   * listing that found it */
  g_auto (MsStorageSurvey) seen = { 0 };
  if (!ms_service_data_mkdirs_seen (hms_guard (hms, t->catalog), hms_storage (hms, t->catalog),
                                    location, what, dir, want_stats || want_files ? &seen : NULL,
                                    error))
    return FALSE;
  if (want_stats && *dir == MS_DIR_THERE)
    {
      if (seen.direct != NULL)
        ms_service_set_quick_stats (params, seen.files, seen.bytes);
      else
        put_quick_stats (hms, t->catalog, location, params);
    }
  if (want_files && seen.direct != NULL)
    *files = ms_service_data_event_names (location, seen.direct);
  return TRUE;
}

/* ---- create ---- */

static gboolean
create_table (MsHms *hms, MsTable *t, const ThmsTable *tbl, const ThmsEnvironmentContext *env,
              GPtrArray *constraints, GError **error)
{
  if (t->db_name == NULL)
    return ms_fail (error, MS_ERROR_INTERNAL, "Null database name is not allowed");
  if (t->catalog == NULL)
    {
      g_autofree char *cat = NULL, *db = NULL;
      if (!hms_resolve_db (t->db_name, NULL, &cat, &db, error))
        return FALSE;
      t->catalog = g_steal_pointer (&cat);
      g_free (t->db_name);
      t->db_name = g_steal_pointer (&db);
    }
  if (!validate_new_table (t, error))
    return FALSE;
  if (t->table_type == NULL)
    t->table_type = g_strdup (ms_params_true (t->params, "EXTERNAL") ? MS_TABLE_EXTERNAL
                                                                     : MS_TABLE_MANAGED);

  g_autoptr (GError) lookup = NULL;
  g_autoptr (MsDatabase) db = ms_store_database_get (hms->store, t->catalog, t->db_name, &lookup);
  if (db == NULL && !ms_error_not_found (&lookup, error))
    return FALSE;
  if (db == NULL)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "The database %s does not exist", t->db_name);

  /* quick stats as Hive gathers them for unpartitioned tables */
  gboolean skip_stats = ms_params_true (t->params, DO_NOT_UPDATE_STATS);
  g_hash_table_remove (t->params, DO_NOT_UPDATE_STATS);
  MsDirOutcome dir = MS_DIR_THERE;
  if (!ms_table_is_view (t))
    {
      if (t->sd->location != NULL)
        hms_qualify_location (hms, &t->sd->location);
      else
        t->sd->location = ms_service_table_default_location (db, t->name,
                                                             ms_table_is_external (t));
      g_autoptr (GPtrArray) files = NULL;
      g_autoptr (GError) local = NULL;
      if (!hms_dir_prepare (hms, t, t->sd->location, "table location",
                            !skip_stats && t->partition_keys->len == 0, t->params, &dir, &files,
                            &local))
        return ms_fail (error, MS_ERROR_INTERNAL, "%s is not a directory or unable to create one",
                        t->sd->location);
      t->dir_files = files ? g_steal_pointer (&files)
                           : hms_event_files (hms, t, t->sd->location, dir);
    }

  t->create_time = (int) (g_get_real_time () / G_USEC_PER_SEC);
  if (g_hash_table_lookup (t->params, DDL_TIME) == NULL)
    g_hash_table_insert (t->params, g_strdup (DDL_TIME), hms_now_string ());
  (void) env;

  /* the owner's grants a client sends (Table.privileges) and the
   * constraints go in with the row */
  g_autoptr (GPtrArray) grants = hms_table_grants (tbl, t);
  if (!hms_constraint_create_table (hms, t, constraints, grants, error))
    {
      if (dir == MS_DIR_MADE)
        ms_service_data_delete (hms_guard (hms, t->catalog), hms_storage (hms, t->catalog),
                                t->sd->location, NULL, "table location");
      return FALSE;
    }
  ms_info ("created table %s.%s.%s (%s) at %s", t->catalog, t->db_name, t->name, t->table_type,
           t->sd->location ? t->sd->location : "-");
  return TRUE;
}

/* create_table, create_table_with_environment_context, create_table_req,
 * create_table_with_constraints (the constraints: hms/constraint.c) */
gboolean
hms_table_create (HmsCall *call, GError **error)
{
  ThmsCreateTableRequest *req = hms_arg_obj (call, "request");
  const ThmsTable *tbl = req ? req->table : hms_arg_obj (call, "tbl");
  const ThmsEnvironmentContext *env = req ? (req->__isset_envContext ? req->envContext : NULL)
                                          : hms_arg_obj (call, "environment_context");
  if (tbl == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "table cannot be null");
  g_autoptr (MsTable) t = hms_table_from_thrift (tbl);
  g_autoptr (GPtrArray) constraints = hms_constraint_rows_for_create (call, (GObject *) req);
  return create_table (call->hms, t, tbl, env, constraints, error);
}

/* ---- read ---- */

MsTable *
hms_table_lookup (MsHms *hms, const char *raw_db, const char *cat_override, const char *name,
                  GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (raw_db, cat_override, &cat, &db, error))
    return NULL;
  if (name == NULL || *name == '\0')
    {
      ms_fail (error, MS_ERROR_NOT_FOUND, "%s.null table not found", db);
      return NULL;
    }
  g_autofree char *lname = g_ascii_strdown (name, -1);
  return ms_store_table_get (hms->store, cat, db, lname, error);
}

/* Tables of one database by names (NULL: all) and pattern, as MsTable*.
 * A missing database gives an empty list. */
GPtrArray *
hms_tables_lookup (MsHms *hms, const char *raw_db, const char *cat_override,
                   const GPtrArray *names, const char *pattern, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  if (raw_db == NULL || *raw_db == '\0')
    {
      ms_fail (error, MS_ERROR_NOT_FOUND, "DB name is null or empty");
      return NULL;
    }
  if (names == NULL && pattern == NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_OPERATION, "table names are null");
      return NULL;
    }
  if (!hms_resolve_db (raw_db, cat_override, &cat, &db, error))
    return NULL;
  g_autoptr (GPtrArray) lower = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      if (n != NULL)
        g_ptr_array_add (lower, g_ascii_strdown (n, -1));
    }
  if (names != NULL && lower->len == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) ms_table_free);
  g_autofree char *regex = ms_pattern_to_regex (pattern);
  return ms_store_table_get_many (hms->store, cat, db,
                                  names ? (const char *const *) lower->pdata : NULL, lower->len,
                                  regex, error);
}

static gboolean
list_names (MsHms *hms, const char *raw_db, const char *pattern, const char *type,
            GPtrArray *out, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (raw_db, NULL, &cat, &db, error))
    return FALSE;
  if (ms_pattern_matches_nothing (pattern))
    return TRUE;
  g_autofree char *regex = ms_pattern_to_regex (pattern);
  g_autoptr (GPtrArray) names = ms_store_table_names (hms->store, cat, db, regex, type, error);
  if (names == NULL)
    return FALSE;
  hms_strings_append (out, names);
  return TRUE;
}

/* get_tables, get_tables_by_type, get_all_tables */
gboolean
hms_table_list (HmsCall *call, GError **error)
{
  const char *type = hms_arg_str (call, "tableType");
  return list_names (call->hms, hms_arg_str (call, "db_name"), hms_arg_str (call, "pattern"),
                     type != NULL && *type != '\0' ? type : NULL, hms_result_obj (call), error);
}

static ThmsTableMeta *
table_meta_to_thrift (const MsTableMeta *m)
{
  ThmsTableMeta *tm = g_object_new (THMS_TYPE_TABLE_META, NULL);
  hms_set_string (&tm->dbName, m->db_name);
  hms_set_string (&tm->tableName, m->name);
  hms_set_string (&tm->tableType, m->table_type);
  if (m->comments)
    {
      hms_set_string (&tm->comments, m->comments);
      tm->__isset_comments = TRUE;
    }
  hms_set_string (&tm->catName, m->catalog);
  tm->__isset_catName = TRUE;
  if (m->owner_name)
    {
      hms_set_string (&tm->ownerName, m->owner_name);
      tm->__isset_ownerName = TRUE;
      tm->ownerType = m->owner_type ? (ThmsPrincipalType) m->owner_type : THMS_PRINCIPAL_TYPE_USER;
      tm->__isset_ownerType = TRUE;
    }
  return tm;
}

/* get_table_meta */
gboolean
hms_table_meta (HmsCall *call, GError **error)
{
  const char *tbl_patterns = hms_arg_str (call, "tbl_patterns");
  const GPtrArray *tbl_types = hms_arg_obj (call, "tbl_types");
  g_autofree char *cat = NULL, *dbpat = NULL;
  if (!hms_parse_db_name (hms_arg_str (call, "db_patterns"), &cat, &dbpat, error))
    return FALSE;
  if (ms_pattern_matches_nothing (dbpat) || ms_pattern_matches_nothing (tbl_patterns))
    return TRUE;
  g_autofree char *db_regex = ms_pattern_to_regex (dbpat);
  g_autofree char *tbl_regex = ms_pattern_to_regex (tbl_patterns);
  g_autoptr (GPtrArray) types = g_ptr_array_new ();
  for (guint i = 0; tbl_types != NULL && i < tbl_types->len; i++)
    g_ptr_array_add (types, g_ptr_array_index (tbl_types, i));
  g_autoptr (GPtrArray) metas = ms_store_table_meta (
      call->hms->store, cat, db_regex, tbl_regex,
      types->len ? (const char *const *) types->pdata : NULL, types->len, error);
  if (metas == NULL)
    return FALSE;
  GPtrArray *out = hms_result_obj (call);
  for (guint i = 0; i < metas->len; i++)
    g_ptr_array_add (out, table_meta_to_thrift (g_ptr_array_index (metas, i)));
  return TRUE;
}

static gboolean
names_by_filter (MsHms *hms, const char *dbname, const char *filter, int max_tables,
                 GPtrArray *out, GError **error)
{
  if (dbname == NULL || *dbname == '\0')
    return ms_fail (error, MS_ERROR_NOT_FOUND, "DB name is null or empty");
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (dbname, NULL, &cat, &db, error))
    return FALSE;
  /* Hive: a NULL or empty filter matches every table */
  g_autoptr (MsFilterNode) tree = NULL;
  if (filter != NULL && *filter != '\0')
    {
      tree = ms_filter_parse (filter, error);
      if (tree == NULL)
        return FALSE;
    }
  g_autoptr (GPtrArray) names = ms_store_table_names_by_filter (hms->store, cat, db, tree,
                                                                max_tables, error);
  if (names == NULL)
    return FALSE;
  hms_strings_append (out, names);
  return TRUE;
}

/* Like Hive, get_table_names_by_filter answers a database name or a
 * filter it cannot read (MS_ERROR_INVALID_INPUT) with MetaException, not
 * with the InvalidOperationException the HMS error table would choose
 * among the declared ones: that code becomes MS_ERROR_NOT_ALLOWED. */
static GError *
unreadable_as_meta (GError *err)
{
  if (err->domain == MS_ERROR && err->code == MS_ERROR_INVALID_INPUT)
    err->code = MS_ERROR_NOT_ALLOWED;
  return err;
}

/* get_table_names_by_filter */
gboolean
hms_table_list_by_filter (HmsCall *call, GError **error)
{
  GError *err = NULL;
  if (names_by_filter (call->hms, hms_arg_str (call, "dbname"), hms_arg_str (call, "filter"),
                       (int) hms_arg_int (call, "max_tables"), hms_result_obj (call), &err))
    return TRUE;
  g_propagate_error (error, unreadable_as_meta (err));
  return FALSE;
}

/* ---- fields and schema ---- */

/* get_fields / get_schema answer UnknownTableException / UnknownDBException
 * for a missing table or database, as Hive does. */
static gboolean
table_fields (MsHms *hms, const char *raw_db, const char *cat_override, const char *name,
              gboolean with_partition_keys, GPtrArray *out, GError **error)
{
  /* Hive accepts "table.column" names here and uses the table part */
  g_autofree char *base = g_strdup (name ? name : "");
  char *dot = strchr (base, '.');
  if (dot)
    *dot = '\0';
  g_autoptr (MsTable) t = hms_table_lookup (hms, raw_db, cat_override, base, error);
  if (t == NULL)
    return FALSE;
  if (t->sd)
    hms_columns_to_thrift (t->sd->cols, out);
  if (with_partition_keys)
    hms_columns_to_thrift (t->partition_keys, out);
  return TRUE;
}

/* The columns of the table the arguments of get_fields or get_schema (and
 * their _with_environment_context forms) name. */
static gboolean
fields_of_args (HmsCall *call, gboolean with_partition_keys, GError **error)
{
  return table_fields (call->hms, hms_arg_str (call, "db_name"), NULL,
                       hms_arg_str (call, "table_name"), with_partition_keys,
                       hms_result_obj (call), error);
}

/* get_fields, get_fields_with_environment_context, get_fields_req */
gboolean
hms_table_fields (HmsCall *call, GError **error)
{
  ThmsGetFieldsRequest *req = hms_arg_obj (call, "req");
  if (req == NULL)
    return fields_of_args (call, FALSE, error);
  ThmsGetFieldsResponse *res = hms_result_obj (call);
  return table_fields (call->hms, req->dbName, HMS_OPT (req, catName),
                       req->tblName, FALSE, res->fields, error);
}

/* get_schema, get_schema_with_environment_context, get_schema_req */
gboolean
hms_table_schema (HmsCall *call, GError **error)
{
  ThmsGetSchemaRequest *req = hms_arg_obj (call, "req");
  if (req == NULL)
    return fields_of_args (call, TRUE, error);
  ThmsGetSchemaResponse *res = hms_result_obj (call);
  return table_fields (call->hms, req->dbName, HMS_OPT (req, catName),
                       req->tblName, TRUE, res->fields, error);
}

/* ---- alter ---- */

typedef struct {
  gboolean cascade;
  const char *expected_key;
  const char *expected_value;
  const ThmsEnvironmentContext *env;
} AlterArgs;

/* alter_table's translation: read and check the new table as Hive's
 * alter_table does at the door (a name, a storage descriptor, valid
 * columns, the location in its stored form, the same catalog), then let
 * service/table_alter.c apply the rules and make the change. */
static gboolean
alter_table (MsHms *hms, const char *raw_db, const char *cat_override, const char *name,
             const ThmsTable *new_tbl, const AlterArgs *args, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (raw_db, cat_override, &cat, &db, error))
    return FALSE;
  if (new_tbl == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION, "New table is invalid: null");
  g_autofree char *lname = g_ascii_strdown (name ? name : "", -1);
  g_autoptr (MsTable) newt = hms_table_from_thrift (new_tbl);
  if (newt->name == NULL || !hms_check_name ("table", newt->name, NULL))
    return ms_fail (error, MS_ERROR_INVALID_OPERATION, "%s is not a valid object name",
                    newt->name ? newt->name : "null");
  if (newt->sd == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION, "New table is invalid: no storage descriptor");
  /* the new location in its stored form, as Hive's alter_table normalises it */
  hms_qualify_location (hms, &newt->sd->location);
  {
    g_autoptr (GError) invalid = NULL;
    if (!check_columns (newt->sd->cols, "column", &invalid))
      return ms_fail (error, MS_ERROR_INVALID_OPERATION, "%s", invalid->message);
  }
  /* the new table's database: its catName, its dbName (maybe prefixed) */
  {
    g_autofree char *ncat = NULL, *ndb = NULL;
    if (!hms_resolve_db (newt->db_name ? newt->db_name : db, newt->catalog ? newt->catalog : cat, &ncat,
                     &ndb, error))
      return FALSE;
    if (!g_str_equal (ncat, cat))
      return ms_fail (error, MS_ERROR_INVALID_OPERATION, "Cannot change the catalog of a table");
    g_free (newt->db_name);
    newt->db_name = g_steal_pointer (&ndb);
    g_free (newt->catalog);
    newt->catalog = g_strdup (cat);
  }
  g_hash_table_remove (newt->params, DO_NOT_UPDATE_STATS);

  MsServiceCtx cx = { hms->store, hms_guard (hms, cat), hms_storage (hms, cat), hms_default_fs (hms) };
  MsTableAlterRequest req = {
    .cascade = args->cascade,
    .expected_key = args->expected_key,
    .expected_value = args->expected_value,
    .update_stats = !hms_env_true (args->env, DO_NOT_UPDATE_STATS),
  };
  return ms_service_table_alter (&cx, cat, db, lname, newt, &req, error);
}

static void
alter_args_from_env (AlterArgs *a, const ThmsEnvironmentContext *env)
{
  a->env = env;
  a->cascade = a->cascade || hms_env_true (env, "CASCADE");
  if (a->expected_key == NULL)
    {
      a->expected_key = hms_env_get (env, EXPECTED_KEY);
      a->expected_value = hms_env_get (env, EXPECTED_VALUE);
    }
}

/* alter_table, alter_table_with_environment_context, alter_table_with_cascade,
 * alter_table_req */
gboolean
hms_table_alter (HmsCall *call, GError **error)
{
  ThmsAlterTableRequest *req = hms_arg_obj (call, "req");
  AlterArgs a = { .cascade = hms_arg_bool (call, "cascade") };
  if (req == NULL)
    {
      alter_args_from_env (&a, hms_arg_obj (call, "environment_context"));
      return alter_table (call->hms, hms_arg_str (call, "dbname"), NULL,
                          hms_arg_str (call, "tbl_name"), hms_arg_obj (call, "new_tbl"), &a, error);
    }
  if (req->__isset_expectedParameterKey && req->__isset_expectedParameterValue)
    {
      a.expected_key = req->expectedParameterKey;
      a.expected_value = req->expectedParameterValue;
    }
  alter_args_from_env (&a, req->__isset_environmentContext ? req->environmentContext : NULL);
  return alter_table (call->hms, req->dbName, HMS_OPT (req, catName),
                      req->tableName, req->table, &a, error);
}

/* ---- drop ---- */

static gboolean
drop_table (MsHms *hms, const char *raw_db, const char *cat_override, const char *name,
            gboolean delete_data_flag, const ThmsEnvironmentContext *env, GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (raw_db, cat_override, &cat, &db, error))
    return FALSE;
  g_autofree char *lname = g_ascii_strdown (name ? name : "", -1);
  g_autoptr (GError) missing = NULL;
  g_autoptr (MsTable) t = ms_store_table_get (hms->store, cat, db, lname, &missing);
  if (t == NULL)
    {
      if (g_error_matches (missing, MS_ERROR, MS_ERROR_NOT_FOUND))
        return ms_fail (error, MS_ERROR_NOT_FOUND, "%s doesn't exist", lname);
      g_propagate_error (error, g_steal_pointer (&missing));
      return FALSE;
    }
  g_autoptr (GPtrArray) part_locations = NULL;
  if (!ms_store_table_drop (hms->store, cat, db, lname, t, &part_locations, error))
    return FALSE;
  gboolean delete = delete_data_flag && ms_service_table_drops_data (t);
  ms_info ("dropped table %s.%s.%s%s", cat, db, lname, delete ? " with its data" : "");
  (void) env;
  if (delete)
    ms_service_table_delete_data (hms->store, hms_guard (hms, cat), hms_storage (hms, cat), cat, t, part_locations);
  return TRUE;
}

/* drop_table, drop_table_with_environment_context, drop_table_req */
gboolean
hms_table_drop (HmsCall *call, GError **error)
{
  ThmsDropTableRequest *req = hms_arg_obj (call, "dropTableReq");
  if (req == NULL)
    return drop_table (call->hms, hms_arg_str (call, "dbname"), NULL, hms_arg_str (call, "name"),
                       hms_arg_bool (call, "deleteData"), hms_arg_obj (call, "environment_context"),
                       error);
  gboolean del = req->__isset_deleteData ? req->deleteData : TRUE;
  return drop_table (call->hms, req->dbName, req->__isset_catalogName ? req->catalogName : NULL,
                     req->tableName, del, req->__isset_envContext ? req->envContext : NULL, error);
}

/* ---- truncate ---- */

static gboolean
truncate_table (MsHms *hms, const char *raw_db, const char *name, const GPtrArray *part_names,
                GError **error)
{
  g_autoptr (MsTable) t = hms_table_lookup (hms, raw_db, NULL, name, error);
  if (t == NULL)
    return FALSE;
  const char *const *names = part_names && part_names->len
                             ? (const char *const *) part_names->pdata : NULL;
  guint n_names = names ? part_names->len : 0;
  if (t->partition_keys->len > 0)
    {
      g_autoptr (GPtrArray) locations = ms_store_partition_locations (hms->store, t->id, names,
                                                                      n_names, error);
      if (locations == NULL)
        return FALSE;
      for (guint i = 0; i < locations->len; i++)
        ms_service_data_empty (hms_guard (hms, t->catalog), hms_storage (hms, t->catalog), g_ptr_array_index (locations, i),
                               "partition location");
    }
  else if (t->sd && t->sd->location)
    ms_service_data_empty (hms_guard (hms, t->catalog), hms_storage (hms, t->catalog), t->sd->location, "table location");
  /* Hive resets the basic stats it knows to 0, marks them accurate and
   * writes its ALTER_TABLE / ALTER_PARTITION events with isTruncateOp */
  return ms_store_table_truncated (hms->store, t->catalog, t->db_name, t->name, names, n_names,
                                   error);
}

/* truncate_table, truncate_table_req */
gboolean
hms_table_truncate (HmsCall *call, GError **error)
{
  ThmsTruncateTableRequest *req = hms_arg_obj (call, "req");
  if (req == NULL)
    return truncate_table (call->hms, hms_arg_str (call, "dbName"), hms_arg_str (call, "tableName"),
                           hms_arg_obj (call, "partNames"), error);
  return truncate_table (call->hms, req->dbName, req->tableName,
                         req->__isset_partNames ? req->partNames : NULL, error);
}
