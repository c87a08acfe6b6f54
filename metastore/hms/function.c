/*
 * function.c: the HMS function methods served so far: get_all_functions
 * (the list every Hive client loads when it connects).
 */
#include "hms/internal.h"

typedef ThmsThriftHiveMetastoreIf Iface;

static gboolean
h_get_all_functions (Iface *iface, ThmsGetAllFunctionsResponse **_return, ThmsMetaException **o1,
                     GError **error)
{
  GError *err = NULL;
  g_autoptr (GPtrArray) fns = ms_store_function_list_all (HMS (iface)->store, MS_DEFAULT_CATALOG,
                                                          &err);
  if (fns == NULL)
    return hms_raise (err, error, THMS_TYPE_META_EXCEPTION, o1, G_TYPE_INVALID);
  for (guint i = 0; i < fns->len; i++)
    g_ptr_array_add ((*_return)->functions, hms_function_to_thrift (g_ptr_array_index (fns, i)));
  (*_return)->__isset_functions = TRUE;
  return TRUE;
}

void
hms_function_install (ThmsThriftHiveMetastoreHandlerClass *k)
{
  k->get_all_functions = h_get_all_functions;
}
