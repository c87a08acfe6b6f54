/*
 * function.c: the HMS function (UDF) methods: create_function,
 * get_function, get_functions, alter_function, drop_function and
 * get_all_functions, served through the method table (hms/methods.list).
 *
 * Validation, exception types and message texts follow Hive's HMSHandler
 * and ObjectStore: function and database names are trimmed and lower-cased
 * for lookups, database names may carry a "@cat#" prefix, the server sets
 * createTime on create, and alter changes name, database (within the
 * catalog), class, owner and type but keeps createTime and resource URIs.
 * alter_function reports every failure as MetaException, as Hive does.
 */
#include "hms/internal.h"
#include "hms_method_table.h"
#include "core/log.h"
#include "core/pattern.h"
#include <stdarg.h>

/* Failures Hive answers with a plain MetaException (null arguments, remote
 * databases): a code the error table answers with MetaException only. */
#define MS_ERROR_META MS_ERROR_NOT_ALLOWED

/* Give 'err' Hive's text for 'code' (other codes keep theirs). */
static void G_GNUC_PRINTF (3, 4)
reword (GError *err, int code, const char *fmt, ...)
{
  if (err == NULL || err->domain != MS_ERROR || err->code != code)
    return;
  va_list ap;
  va_start (ap, fmt);
  char *text = g_strdup_vprintf (fmt, ap);   /* the arguments may use the old text */
  va_end (ap);
  g_free (err->message);
  err->message = text;
}

/* Trimmed, lower-cased copy (Hive's normalizeIdentifier); NULL stays NULL. */
static char *
normalize (const char *name)
{
  if (name == NULL)
    return NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (name));
  return g_ascii_strdown (trimmed, -1);
}

/* Split a possibly "@cat#"-prefixed database name; *db is NULL when the
 * name holds no database. A catalog named in 'cat_name' (Function.catName)
 * wins over the prefix. */
static gboolean
split_db_name (const char *raw, const char *cat_name, char **catalog, char **db, GError **error)
{
  if (!hms_parse_db_name (raw, catalog, db, error))
    return FALSE;
  if (*db != NULL)
    g_strstrip (*db);
  if (cat_name != NULL && *cat_name != '\0')
    {
      g_free (*catalog);
      *catalog = normalize (cat_name);
    }
  return TRUE;
}

/* Hive's validateFunctionInfo: a missing name, database, owner type or
 * function type is a MetaException; a bad name or a missing class an
 * InvalidObjectException (MS_ERROR_INVALID_OBJECT). */
static gboolean
validate_function (const ThmsFunction *fn, GError **error)
{
  if (fn->functionName == NULL)
    return ms_fail (error, MS_ERROR_META, "Function name cannot be null.");
  if (fn->dbName == NULL)
    return ms_fail (error, MS_ERROR_META, "Database name in Function cannot be null.");
  GError *local = NULL;
  if (!hms_check_name ("function", fn->functionName, &local))
    {
      g_error_free (local);
      return ms_fail (error, MS_ERROR_INVALID_OBJECT, "%s is not a valid object name",
                      fn->functionName);
    }
  if (fn->className == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Function class name cannot be null");
  if (!fn->__isset_ownerType)
    return ms_fail (error, MS_ERROR_META, "Function owner type cannot be null.");
  if (!fn->__isset_functionType)
    return ms_fail (error, MS_ERROR_META, "Function type cannot be null.");
  for (guint i = 0; fn->resourceUris && i < fn->resourceUris->len; i++)
    {
      const ThmsResourceUri *ru = g_ptr_array_index (fn->resourceUris, i);
      if (!ru->__isset_resourceType)
        return ms_fail (error, MS_ERROR_META, "Resource type cannot be null.");
    }
  return TRUE;
}

/* create_function */
gboolean
hms_function_create (HmsCall *call, GError **error)
{
  const ThmsFunction *in = hms_arg_obj (call, "func");
  if (!validate_function (in, error))
    return FALSE;
  g_autoptr (MsFunction) fn = hms_function_from_thrift (in);
  GError *local = NULL;
  if (!split_db_name (in->dbName, HMS_OPT (in, catName), &fn->catalog,
                      &fn->db_name, &local) || fn->db_name == NULL || *fn->db_name == '\0')
    {
      g_clear_error (&local);
      return ms_fail (error, MS_ERROR_NOT_FOUND, "The database %s does not exist", in->dbName);
    }
  /* Hive stamps the creation time itself; the client's value is ignored. */
  fn->create_time = (int) (g_get_real_time () / G_USEC_PER_SEC);
  if (!ms_store_function_create (call->hms->store, fn, &local))
    {
      reword (local, MS_ERROR_NOT_FOUND, "The database %s does not exist", in->dbName);
      reword (local, MS_ERROR_ALREADY_EXISTS, "Function %s already exists", in->functionName);
      g_propagate_error (error, local);
      return FALSE;
    }
  ms_info ("created function %s.%s.%s", fn->catalog, fn->db_name, fn->name);
  return TRUE;
}

/* get_function */
gboolean
hms_function_get (HmsCall *call, GError **error)
{
  const char *raw_db = hms_arg_str (call, "dbName");
  const char *raw_name = hms_arg_str (call, "funcName");
  if (raw_db == NULL || raw_name == NULL)
    return ms_fail (error, MS_ERROR_META, "Database and function name cannot be null.");
  g_autofree char *cat = NULL, *db = NULL, *name = normalize (raw_name);
  if (!split_db_name (raw_db, NULL, &cat, &db, error))
    return FALSE;
  GError *local = NULL;
  g_autoptr (MsFunction) fn = NULL;
  if (db != NULL)
    fn = ms_store_function_get (call->hms->store, cat, db, name, &local);
  if (fn == NULL)
    {
      if (local == NULL)
        local = g_error_new_literal (MS_ERROR, MS_ERROR_NOT_FOUND, "");
      reword (local, MS_ERROR_NOT_FOUND, "Function %s.%s does not exist", raw_db, raw_name);
      g_propagate_error (error, local);
      return FALSE;
    }
  hms_function_fill_thrift (fn, hms_result_obj (call));
  return TRUE;
}

/* get_functions: like Hive's getFunctions, no pattern lists all; a pattern
 * that is blank after trimming matches nothing; a missing database simply
 * has no functions. */
gboolean
hms_function_list (HmsCall *call, GError **error)
{
  const char *pattern = hms_arg_str (call, "pattern");
  g_autofree char *cat = NULL, *db = NULL;
  if (!split_db_name (hms_arg_str (call, "dbName"), NULL, &cat, &db, error))
    return FALSE;
  g_autofree char *regex = ms_pattern_to_regex (pattern);
  if (db == NULL || (pattern != NULL && regex == NULL))
    return TRUE;
  g_autoptr (GPtrArray) names = ms_store_function_list (call->hms->store, cat, db, regex, error);
  if (names == NULL)
    return FALSE;
  GPtrArray *out = hms_result_obj (call);
  hms_strings_append (out, names);
  return TRUE;
}

/* Like Hive's HMSHandler.alter_function + ObjectStore.alterFunction. The
 * InvalidObjectExceptions of validation and of the store are answered as
 * MetaException carrying the exception's text, as Hive's handler does. */
static gboolean
alter_function (MsHms *hms, const char *raw_db, const char *raw_name, const ThmsFunction *in,
                GError **error)
{
  g_autofree char *cat = NULL, *db = NULL, *name = normalize (raw_name);
  if (!split_db_name (raw_db, NULL, &cat, &db, error))
    return FALSE;
  if (db == NULL || name == NULL)
    return ms_fail (error, MS_ERROR_META, "Database and function name cannot be null.");
  GError *local = NULL;
  if (!validate_function (in, &local))
    {
      reword (local, MS_ERROR_INVALID_OBJECT, "InvalidObjectException(message:%s)",
              local->message);
      g_propagate_error (error, local);
      return FALSE;
    }
  g_autoptr (MsFunction) fn = hms_function_from_thrift (in);
  if (!split_db_name (in->dbName, HMS_OPT (in, catName), &fn->catalog,
                      &fn->db_name, error))
    return FALSE;
  if (g_ascii_strcasecmp (fn->catalog, cat) != 0)
    return ms_fail (error, MS_ERROR_META,
                    "InvalidObjectException(message:You cannot move a function between catalogs)");
  if (fn->db_name == NULL)
    return ms_fail (error, MS_ERROR_META,
                    "InvalidObjectException(message:Database %s doesn't exist.)", in->dbName);
  if (!ms_store_function_alter (hms->store, cat, db, name, fn, &local))
    {
      reword (local, MS_ERROR_INVALID_OBJECT,
              "InvalidObjectException(message:Database %s doesn't exist.)", in->dbName);
      g_propagate_error (error, local);
      return FALSE;
    }
  ms_info ("altered function %s.%s.%s to %s.%s", cat, db, name, fn->db_name, fn->name);
  return TRUE;
}

/* alter_function: every failure is a MetaException, as Hive answers it;
 * the InvalidOperationException the IDL declares is never thrown, so a
 * code the error table would answer with it (a bad name, an invalid
 * function) becomes MS_ERROR_META. Internal errors keep their code (and
 * their logging); they are answered with MetaException anyway. */
gboolean
hms_function_alter (HmsCall *call, GError **error)
{
  GError *local = NULL;
  if (alter_function (call->hms, hms_arg_str (call, "dbName"), hms_arg_str (call, "funcName"),
                      hms_arg_obj (call, "newFunc"), &local))
    return TRUE;
  if (local->domain == MS_ERROR && local->code != MS_ERROR_INTERNAL
      && local->code != MS_ERROR_UNAVAILABLE)
    local->code = MS_ERROR_META;
  g_propagate_error (error, local);
  return FALSE;
}

/* drop_function */
gboolean
hms_function_drop (HmsCall *call, GError **error)
{
  const char *raw_db = hms_arg_str (call, "dbName");
  const char *raw_name = hms_arg_str (call, "funcName");
  if (raw_name == NULL)
    return ms_fail (error, MS_ERROR_META, "Function name cannot be null.");
  g_autofree char *cat = NULL, *db = NULL, *name = normalize (raw_name);
  if (!split_db_name (raw_db, NULL, &cat, &db, error))
    return FALSE;
  if (db == NULL)
    return ms_fail (error, MS_ERROR_META, "Database name cannot be null.");
  GError *local = NULL;
  if (!ms_store_function_drop (call->hms->store, cat, db, name, &local))
    {
      reword (local, MS_ERROR_NOT_FOUND, "Function %s does not exist", raw_name);
      g_propagate_error (error, local);
      return FALSE;
    }
  ms_info ("dropped function %s.%s.%s", cat, db, name);
  return TRUE;
}

/* get_all_functions: always the 'hive' catalog, like Hive (its built-in
 * UDFs live there) */
gboolean
hms_function_list_all (HmsCall *call, GError **error)
{
  g_autoptr (GPtrArray) fns = ms_store_function_list_all (call->hms->store, MS_DEFAULT_CATALOG,
                                                          error);
  if (fns == NULL)
    return FALSE;
  ThmsGetAllFunctionsResponse *out = hms_result_obj (call);
  for (guint i = 0; i < fns->len; i++)
    g_ptr_array_add (out->functions, hms_function_to_thrift (g_ptr_array_index (fns, i)));
  out->__isset_functions = TRUE;
  return TRUE;
}
