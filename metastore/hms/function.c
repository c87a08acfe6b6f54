/*
 * function.c: the HMS function (UDF) methods: create_function,
 * get_function, get_functions, alter_function, drop_function and
 * get_all_functions.
 *
 * Validation, exception types and message texts follow Hive's HMSHandler
 * and ObjectStore: function and database names are trimmed and lower-cased
 * for lookups, database names may carry a "@cat#" prefix, the server sets
 * createTime on create, and alter changes name, database (within the
 * catalog), class, owner and type but keeps createTime and resource URIs.
 * alter_function reports every failure as MetaException, as Hive does.
 */
#include "hms/internal.h"
#include "core/log.h"
#include "core/pattern.h"
#include <stdarg.h>

typedef ThmsThriftHiveMetastoreIf Iface;

#define META THMS_TYPE_META_EXCEPTION
#define NSO THMS_TYPE_NO_SUCH_OBJECT_EXCEPTION
#define AEX THMS_TYPE_ALREADY_EXISTS_EXCEPTION
#define IOB THMS_TYPE_INVALID_OBJECT_EXCEPTION

/* Failures Hive answers with a plain MetaException (null arguments, remote
 * databases): the code hms_raise maps to MetaException only. */
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

static gboolean
create_function (MsHms *hms, const ThmsFunction *in, GError **error)
{
  if (!validate_function (in, error))
    return FALSE;
  g_autoptr (MsFunction) fn = hms_function_from_thrift (in);
  GError *local = NULL;
  if (!split_db_name (in->dbName, in->__isset_catName ? in->catName : NULL, &fn->catalog,
                      &fn->db_name, &local) || fn->db_name == NULL || *fn->db_name == '\0')
    {
      g_clear_error (&local);
      return ms_fail (error, MS_ERROR_NOT_FOUND, "The database %s does not exist", in->dbName);
    }
  /* Hive stamps the creation time itself; the client's value is ignored. */
  fn->create_time = (int) (g_get_real_time () / G_USEC_PER_SEC);
  if (!ms_store_function_create (hms->store, fn, &local))
    {
      reword (local, MS_ERROR_NOT_FOUND, "The database %s does not exist", in->dbName);
      reword (local, MS_ERROR_ALREADY_EXISTS, "Function %s already exists", in->functionName);
      g_propagate_error (error, local);
      return FALSE;
    }
  ms_info ("created function %s.%s.%s", fn->catalog, fn->db_name, fn->name);
  return TRUE;
}

static gboolean
h_create_function (Iface *iface, const ThmsFunction *func, ThmsAlreadyExistsException **o1,
                   ThmsInvalidObjectException **o2, ThmsMetaException **o3,
                   ThmsNoSuchObjectException **o4, GError **error)
{
  GError *err = NULL;
  if (!create_function (HMS (iface), func, &err))
    return hms_raise (err, error, AEX, o1, IOB, o2, META, o3, NSO, o4, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
get_function (MsHms *hms, const char *raw_db, const char *raw_name, ThmsFunction *out,
              GError **error)
{
  if (raw_db == NULL || raw_name == NULL)
    return ms_fail (error, MS_ERROR_META, "Database and function name cannot be null.");
  g_autofree char *cat = NULL, *db = NULL, *name = normalize (raw_name);
  if (!split_db_name (raw_db, NULL, &cat, &db, error))
    return FALSE;
  GError *local = NULL;
  g_autoptr (MsFunction) fn = NULL;
  if (db != NULL)
    fn = ms_store_function_get (hms->store, cat, db, name, &local);
  if (fn == NULL)
    {
      if (local == NULL)
        local = g_error_new_literal (MS_ERROR, MS_ERROR_NOT_FOUND, "");
      reword (local, MS_ERROR_NOT_FOUND, "Function %s.%s does not exist", raw_db, raw_name);
      g_propagate_error (error, local);
      return FALSE;
    }
  hms_function_fill_thrift (fn, out);
  return TRUE;
}

static gboolean
h_get_function (Iface *iface, ThmsFunction **_return, const gchar *dbName, const gchar *funcName,
                ThmsMetaException **o1, ThmsNoSuchObjectException **o2, GError **error)
{
  GError *err = NULL;
  if (!get_function (HMS (iface), dbName, funcName, *_return, &err))
    return hms_raise (err, error, NSO, o2, META, o1, G_TYPE_INVALID);
  return TRUE;
}

/* Hive's getFunctions: no pattern lists all; a pattern that is blank after
 * trimming matches nothing; a missing database simply has no functions. */
static gboolean
list_functions (MsHms *hms, const char *raw_db, const char *pattern, GPtrArray *out,
                GError **error)
{
  g_autofree char *cat = NULL, *db = NULL;
  if (!split_db_name (raw_db, NULL, &cat, &db, error))
    return FALSE;
  g_autofree char *regex = ms_pattern_to_regex (pattern);
  if (db == NULL || (pattern != NULL && regex == NULL))
    return TRUE;
  g_autoptr (GPtrArray) names = ms_store_function_list (hms->store, cat, db, regex, error);
  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (out, g_strdup (g_ptr_array_index (names, i)));
  return TRUE;
}

static gboolean
h_get_functions (Iface *iface, GPtrArray **_return, const gchar *dbName, const gchar *pattern,
                 ThmsMetaException **o1, GError **error)
{
  GError *err = NULL;
  if (!list_functions (HMS (iface), dbName, pattern, *_return, &err))
    return hms_raise (err, error, META, o1, G_TYPE_INVALID);
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
  if (!split_db_name (in->dbName, in->__isset_catName ? in->catName : NULL, &fn->catalog,
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

static gboolean
h_alter_function (Iface *iface, const gchar *dbName, const gchar *funcName,
                  const ThmsFunction *newFunc, ThmsInvalidOperationException **o1,
                  ThmsMetaException **o2, GError **error)
{
  (void) o1;                    /* declared by Hive, never thrown */
  GError *err = NULL;
  if (!alter_function (HMS (iface), dbName, funcName, newFunc, &err))
    return hms_raise (err, error, META, o2, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
drop_function (MsHms *hms, const char *raw_db, const char *raw_name, GError **error)
{
  if (raw_name == NULL)
    return ms_fail (error, MS_ERROR_META, "Function name cannot be null.");
  g_autofree char *cat = NULL, *db = NULL, *name = normalize (raw_name);
  if (!split_db_name (raw_db, NULL, &cat, &db, error))
    return FALSE;
  if (db == NULL)
    return ms_fail (error, MS_ERROR_META, "Database name cannot be null.");
  GError *local = NULL;
  if (!ms_store_function_drop (hms->store, cat, db, name, &local))
    {
      reword (local, MS_ERROR_NOT_FOUND, "Function %s does not exist", raw_name);
      g_propagate_error (error, local);
      return FALSE;
    }
  ms_info ("dropped function %s.%s.%s", cat, db, name);
  return TRUE;
}

static gboolean
h_drop_function (Iface *iface, const gchar *dbName, const gchar *funcName,
                 ThmsNoSuchObjectException **o1, ThmsMetaException **o3, GError **error)
{
  GError *err = NULL;
  if (!drop_function (HMS (iface), dbName, funcName, &err))
    return hms_raise (err, error, NSO, o1, META, o3, G_TYPE_INVALID);
  return TRUE;
}

static gboolean
h_get_all_functions (Iface *iface, ThmsGetAllFunctionsResponse **_return, ThmsMetaException **o1,
                     GError **error)
{
  GError *err = NULL;
  /* always the 'hive' catalog, like Hive (its built-in UDFs live there) */
  g_autoptr (GPtrArray) fns = ms_store_function_list_all (HMS (iface)->store, MS_DEFAULT_CATALOG,
                                                          &err);
  if (fns == NULL)
    return hms_raise (err, error, META, o1, G_TYPE_INVALID);
  for (guint i = 0; i < fns->len; i++)
    g_ptr_array_add ((*_return)->functions, hms_function_to_thrift (g_ptr_array_index (fns, i)));
  (*_return)->__isset_functions = TRUE;
  return TRUE;
}

void
hms_function_install (ThmsThriftHiveMetastoreHandlerClass *k)
{
  k->create_function = h_create_function;
  k->get_function = h_get_function;
  k->get_functions = h_get_functions;
  k->alter_function = h_alter_function;
  k->drop_function = h_drop_function;
  k->get_all_functions = h_get_all_functions;
}
