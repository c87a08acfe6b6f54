/*
 * role.c: the HMS role methods: create_role, drop_role, get_role_names,
 * grant_role, revoke_role, grant_revoke_role, list_roles,
 * get_principals_in_role and get_role_grants_for_principal, served through
 * the method table (hms/methods.list).
 *
 * Rules and texts follow Hive's HMSHandler and ObjectStore: 'public' cannot
 * be created, granted or revoked, 'admin' and 'public' cannot be dropped,
 * and every user holds 'public' implicitly (list_roles and
 * get_role_grants_for_principal of a user add it, created at 0 by
 * 'public'). Every method declares only MetaException, so every failure is
 * one, as from the Java metastore.
 */
#include "hms/privilege.h"
#include "hms/method.h"
#include "store/store.h"
#include "core/log.h"

static gboolean
need (const char *value, const char *what, GError **error)
{
  if (value == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "%s cannot be null.", what);
  return TRUE;
}

/* create_role */
gboolean
hms_role_create (HmsCall *call, GError **error)
{
  const ThmsRole *in = hms_arg_obj (call, "role");
  if (!need (in ? in->roleName : NULL, "Role name", error))
    return FALSE;
  if (g_str_equal (in->roleName, MS_ROLE_PUBLIC))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "public role implicitly exists. It can't be created.");
  MsRole role = { in->roleName, (int) (g_get_real_time () / G_USEC_PER_SEC), in->ownerName };
  if (!ms_store_role_create (call->hms->store, &role, error))
    return FALSE;
  ms_info ("created role %s", role.name);
  hms_result_set_bool (call, TRUE);
  return TRUE;
}

/* drop_role */
gboolean
hms_role_drop (HmsCall *call, GError **error)
{
  const char *name = hms_arg_str (call, "role_name");
  if (!need (name, "Role name", error))
    return FALSE;
  if (g_str_equal (name, MS_ROLE_ADMIN) || g_str_equal (name, MS_ROLE_PUBLIC))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "public,admin roles can't be dropped.");
  if (!ms_store_role_drop (call->hms->store, name, error))
    return FALSE;
  ms_info ("dropped role %s", name);
  hms_result_set_bool (call, TRUE);
  return TRUE;
}

/* get_role_names */
gboolean
hms_role_names (HmsCall *call, GError **error)
{
  g_autoptr (GPtrArray) names = ms_store_role_names (call->hms->store, error);
  if (names == NULL)
    return FALSE;
  GPtrArray *out = hms_result_obj (call);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (out, g_strdup (g_ptr_array_index (names, i)));
  return TRUE;
}

/* The grant or revoke a call asks for: grant_revoke_role's request, or
 * the arguments of grant_role / revoke_role. */
static void
role_request (HmsCall *call, gboolean *grant, MsRoleGrant *g)
{
  const ThmsGrantRevokeRoleRequest *req = hms_arg_obj (call, "request");
  if (req != NULL)
    {
      *grant = req->requestType == THMS_GRANT_REVOKE_TYPE_GRANT;
      g->role_name = req->roleName;
      g->principal_name = req->principalName;
      g->principal_type = (MsPrincipalType) req->principalType;
      g->grantor = req->__isset_grantor ? req->grantor : NULL;
      g->grantor_type = req->__isset_grantorType ? (MsPrincipalType) req->grantorType : 0;
      g->grant_option = req->__isset_grantOption && req->grantOption;
      return;
    }
  *grant = hms_arg_has (call, "grantor");
  g->role_name = (char *) hms_arg_str (call, "role_name");
  g->principal_name = (char *) hms_arg_str (call, "principal_name");
  g->principal_type = (MsPrincipalType) hms_arg_int (call, "principal_type");
  g->grantor = (char *) hms_arg_str (call, "grantor");
  g->grantor_type = (MsPrincipalType) hms_arg_int (call, "grantorType");
  g->grant_option = hms_arg_bool (call, "grant_option");
}

/* grant_role, revoke_role, grant_revoke_role. A revoke through the request
 * with grantOption takes away only the grant option (Hive's revoke_role). */
gboolean
hms_role_grant_revoke (HmsCall *call, GError **error)
{
  gboolean grant = FALSE;
  MsRoleGrant g = { 0 };
  role_request (call, &grant, &g);
  const ThmsGrantRevokeRoleRequest *req = hms_arg_obj (call, "request");
  if (req != NULL && !req->__isset_requestType)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "Unknown request type null");
  if (!need (g.role_name, "Role name", error) || !need (g.principal_name, "Principal name", error))
    return FALSE;
  gboolean is_public = g_str_equal (g.role_name, MS_ROLE_PUBLIC);
  if (grant && is_public)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "No user can be added to public. Since all users "
                    "implicitly belong to public role.");
  if (!grant && is_public)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "public role can't be revoked.");
  g.grant_time = (int) (g_get_real_time () / G_USEC_PER_SEC);
  gboolean ok = grant ? ms_store_role_grant (call->hms->store, &g, error)
                      : ms_store_role_revoke (call->hms->store, g.role_name, g.principal_name,
                                              g.principal_type, g.grant_option, error);
  if (!ok)
    return FALSE;
  ms_info ("%s role %s %s %s", grant ? "granted" : "revoked", g.role_name, grant ? "to" : "from",
           g.principal_name);
  if (req == NULL)
    {
      hms_result_set_bool (call, TRUE);
      return TRUE;
    }
  ThmsGrantRevokeRoleResponse *out = hms_result_obj (call);
  out->success = TRUE;
  out->__isset_success = TRUE;
  return TRUE;
}

/* The implicit grant of 'public' to every user (Hive's ObjectStore.listMRoles). */
static MsRoleGrant *
public_grant (const char *user)
{
  MsRoleGrant *g = ms_role_grant_new ();
  g->role_name = g_strdup (MS_ROLE_PUBLIC);
  g->principal_name = g_strdup (user);
  g->principal_type = MS_PRINCIPAL_USER;
  return g;
}

/* list_roles */
gboolean
hms_role_list (HmsCall *call, GError **error)
{
  const char *name = hms_arg_str (call, "principal_name");
  MsPrincipalType type = (MsPrincipalType) hms_arg_int (call, "principal_type");
  if (!need (name, "Principal name", error))
    return FALSE;
  g_autoptr (GPtrArray) roles = NULL;
  g_autoptr (GPtrArray) grants = ms_store_role_grants (call->hms->store, NULL, name, type, &roles,
                                                       error);
  if (grants == NULL)
    return FALSE;
  GPtrArray *out = hms_result_obj (call);
  for (guint i = 0; i < roles->len; i++)
    g_ptr_array_add (out, hms_role_to_thrift (g_ptr_array_index (roles, i)));
  if (type == MS_PRINCIPAL_USER)
    {
      MsRole pub = { MS_ROLE_PUBLIC, 0, MS_ROLE_PUBLIC };
      g_ptr_array_add (out, hms_role_to_thrift (&pub));
    }
  return TRUE;
}

static void
grants_to_thrift (GPtrArray *grants, GPtrArray *out)
{
  for (guint i = 0; i < grants->len; i++)
    g_ptr_array_add (out, hms_role_grant_to_thrift (g_ptr_array_index (grants, i)));
}

/* get_principals_in_role */
gboolean
hms_role_principals (HmsCall *call, GError **error)
{
  const ThmsGetPrincipalsInRoleRequest *req = hms_arg_obj (call, "request");
  if (!need (req ? req->roleName : NULL, "Role name", error))
    return FALSE;
  g_autoptr (GPtrArray) grants = ms_store_role_grants (call->hms->store, req->roleName, NULL, 0,
                                                       NULL, error);
  if (grants == NULL)
    return FALSE;
  ThmsGetPrincipalsInRoleResponse *out = hms_result_obj (call);
  grants_to_thrift (grants, out->principalGrants);
  return TRUE;
}

/* get_role_grants_for_principal */
gboolean
hms_role_grants_for_principal (HmsCall *call, GError **error)
{
  const ThmsGetRoleGrantsForPrincipalRequest *req = hms_arg_obj (call, "request");
  if (!need (req ? req->principal_name : NULL, "Principal name", error))
    return FALSE;
  MsPrincipalType type = (MsPrincipalType) req->principal_type;
  g_autoptr (GPtrArray) grants = ms_store_role_grants (call->hms->store, NULL, req->principal_name,
                                                       type, NULL, error);
  if (grants == NULL)
    return FALSE;
  if (type == MS_PRINCIPAL_USER)
    g_ptr_array_add (grants, public_grant (req->principal_name));
  ThmsGetRoleGrantsForPrincipalResponse *out = hms_result_obj (call);
  grants_to_thrift (grants, out->principalGrants);
  return TRUE;
}
