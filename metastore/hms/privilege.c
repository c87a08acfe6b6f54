/*
 * privilege.c: the HMS privilege methods: get_privilege_set,
 * list_privileges, grant_privileges, revoke_privileges,
 * grant_revoke_privileges and refresh_privileges, served through the
 * method table (hms/methods.list), and the grants a new table carries
 * (hms_table_grants, for create_table).
 *
 * As Hive's HMSHandler: get_privilege_set of a database, table, partition
 * or column gives the user, each group and each role the user holds
 * (through its groups and roles too, 'public' included) a list, empty or
 * not; of the global object only the user's and groups' non-empty lists.
 * list_privileges without an object type lists every object's grants.
 * Enforcement stays with the engines: nothing here checks who asks.
 */
#include "hms/privilege.h"
#include "hms/method.h"
#include "store/store.h"
#include "core/log.h"

/* 'out' (a principal -> list<PrivilegeGrantInfo> map): 'name''s list,
 * created empty when missing. */
static GPtrArray *
grants_of (GHashTable *out, const char *name)
{
  GPtrArray *l = g_hash_table_lookup (out, name);
  if (l == NULL)
    {
      l = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (out, g_strdup (name), l);
    }
  return l;
}

/* get_privilege_set */
gboolean
hms_privilege_set (HmsCall *call, GError **error)
{
  g_auto (MsPrivObject) obj = { 0 };
  if (!hms_priv_object_from_thrift (hms_arg_obj (call, "hiveObject"), &obj, error))
    return FALSE;
  if (obj.type == MS_OBJECT_ANY)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Unexpected object type null");
  const char *user = hms_arg_str (call, "user_name");
  GPtrArray *group_list = hms_arg_obj (call, "group_names");
  g_autoptr (GPtrArray) groups = g_ptr_array_new ();
  for (guint i = 0; group_list && i < group_list->len; i++)
    g_ptr_array_add (groups, g_ptr_array_index (group_list, i));
  g_ptr_array_add (groups, NULL);
  g_autoptr (GPtrArray) roles = NULL;
  g_autoptr (GPtrArray) privs = ms_store_privilege_set (call->hms->store, &obj, user,
                                                        (char **) groups->pdata, &roles, error);
  if (privs == NULL)
    return FALSE;

  ThmsPrincipalPrivilegeSet *out = hms_result_obj (call);
  gboolean global = obj.type == MS_OBJECT_GLOBAL;
  if (!global)
    {
      if (user != NULL)
        grants_of (out->userPrivileges, user);
      for (guint i = 0; i + 1 < groups->len; i++)
        grants_of (out->groupPrivileges, g_ptr_array_index (groups, i));
      for (guint i = 0; i < roles->len; i++)
        grants_of (out->rolePrivileges, g_ptr_array_index (roles, i));
    }
  for (guint i = 0; i < privs->len; i++)
    {
      const MsPrivilege *p = g_ptr_array_index (privs, i);
      GHashTable *map = p->principal_type == MS_PRINCIPAL_USER    ? out->userPrivileges
                        : p->principal_type == MS_PRINCIPAL_GROUP ? out->groupPrivileges
                        : global                                  ? NULL
                                                                  : out->rolePrivileges;
      if (map != NULL)
        g_ptr_array_add (grants_of (map, p->principal_name), hms_grant_info_to_thrift (p));
    }
  out->__isset_userPrivileges = g_hash_table_size (out->userPrivileges) > 0;
  out->__isset_groupPrivileges = g_hash_table_size (out->groupPrivileges) > 0;
  out->__isset_rolePrivileges = g_hash_table_size (out->rolePrivileges) > 0;
  return TRUE;
}

/* list_privileges */
gboolean
hms_privilege_list (HmsCall *call, GError **error)
{
  g_auto (MsPrivObject) filter = { 0 };
  if (!hms_priv_object_from_thrift (hms_arg_obj (call, "hiveObject"), &filter, error))
    return FALSE;
  const char *name = hms_arg_str (call, "principal_name");
  MsPrincipalType type = name ? (MsPrincipalType) hms_arg_int (call, "principal_type") : 0;
  g_autoptr (GPtrArray) privs = ms_store_privileges_list (call->hms->store, name, type, &filter,
                                                          error);
  if (privs == NULL)
    return FALSE;
  GPtrArray *out = hms_result_obj (call);
  for (guint i = 0; i < privs->len; i++)
    g_ptr_array_add (out, hms_privilege_to_thrift (g_ptr_array_index (privs, i)));
  return TRUE;
}

/* Grant or revoke 'bag' (revoke: only the grant option when 'option'). */
static gboolean
grant_or_revoke (MsStore *store, gboolean grant, const ThmsPrivilegeBag *bag, gboolean option,
                 GError **error)
{
  g_autoptr (GPtrArray) privs = hms_privileges_from_bag (bag, error);
  if (privs == NULL)
    return FALSE;
  gboolean ok = grant ? ms_store_privileges_grant (store, privs, error)
                      : ms_store_privileges_revoke (store, privs, option, error);
  if (ok)
    ms_info ("%s %u privilege(s)", grant ? "granted" : "revoked", privs->len);
  return ok;
}

static void
set_response_success (HmsCall *call)
{
  ThmsGrantRevokePrivilegeResponse *out = hms_result_obj (call);
  out->success = TRUE;
  out->__isset_success = TRUE;
}

/* grant_privileges, revoke_privileges, grant_revoke_privileges */
gboolean
hms_privilege_grant_revoke (HmsCall *call, GError **error)
{
  const ThmsGrantRevokePrivilegeRequest *req = hms_arg_obj (call, "request");
  if (req == NULL)
    {
      gboolean grant = g_str_equal (call->method->name, "grant_privileges");
      if (!grant_or_revoke (call->hms->store, grant, hms_arg_obj (call, "privileges"), FALSE, error))
        return FALSE;
      hms_result_set_bool (call, TRUE);
      return TRUE;
    }
  if (!req->__isset_requestType)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "Unknown request type null");
  gboolean grant = req->requestType == THMS_GRANT_REVOKE_TYPE_GRANT;
  gboolean option = !grant && req->__isset_revokeGrantOption && req->revokeGrantOption;
  if (!grant_or_revoke (call->hms->store, grant, req->privileges, option, error))
    return FALSE;
  set_response_success (call);
  return TRUE;
}

/* refresh_privileges: the object's grants of 'authorizer' become those of
 * the request (Hive's ObjectStore.refreshPrivileges). */
gboolean
hms_privilege_refresh (HmsCall *call, GError **error)
{
  g_auto (MsPrivObject) obj = { 0 };
  if (!hms_priv_object_from_thrift (hms_arg_obj (call, "objToRefresh"), &obj, error))
    return FALSE;
  const ThmsGrantRevokePrivilegeRequest *req = hms_arg_obj (call, "grantRequest");
  g_autoptr (GPtrArray) privs = hms_privileges_from_bag (req ? req->privileges : NULL, error);
  if (privs == NULL)
    return FALSE;
  if (!ms_store_privileges_refresh (call->hms->store, &obj, hms_arg_str (call, "authorizer"), privs,
                                    error))
    return FALSE;
  set_response_success (call);
  return TRUE;
}

GPtrArray *
hms_table_grants (const ThmsTable *tbl, const MsTable *t)
{
  if (tbl == NULL || !tbl->__isset_privileges)
    return NULL;
  MsPrivObject obj = { MS_OBJECT_TABLE, t->catalog, t->db_name, t->name, NULL, NULL };
  return hms_privileges_from_set (tbl->privileges, &obj);
}
