/*
 * privilege.c: constructors and destructors of the role and privilege
 * structs (model/privilege.h).
 */
#include "model/privilege.h"
#include "model/owned.h"

#define OBJECT_OWNED(type, prefix)                                                         \
  MS_OWNED_STR (type, prefix catalog), MS_OWNED_STR (type, prefix db_name),                \
  MS_OWNED_STR (type, prefix table_name), MS_OWNED (type, prefix part_values, g_strfreev, NULL), \
  MS_OWNED_STR (type, prefix column_name)

static const MsOwned priv_object_owned[] = { OBJECT_OWNED (MsPrivObject, ) };

void
ms_priv_object_clear (MsPrivObject *o)
{
  MS_OWNED_CLEAR (o, priv_object_owned);
}

MsPrivilege *
ms_privilege_new (void)
{
  return g_new0 (MsPrivilege, 1);
}

static const MsOwned privilege_owned[] = {
  OBJECT_OWNED (MsPrivilege, object.), MS_OWNED_STR (MsPrivilege, principal_name),
  MS_OWNED_STR (MsPrivilege, privilege), MS_OWNED_STR (MsPrivilege, grantor),
  MS_OWNED_STR (MsPrivilege, authorizer),
};

MS_OWNED_DEFINE_FREE (MsPrivilege, ms_privilege_free, privilege_owned)

MsRole *
ms_role_new (void)
{
  return g_new0 (MsRole, 1);
}

static const MsOwned role_owned[] = {
  MS_OWNED_STR (MsRole, name), MS_OWNED_STR (MsRole, owner_name),
};

MS_OWNED_DEFINE_FREE (MsRole, ms_role_free, role_owned)

MsRoleGrant *
ms_role_grant_new (void)
{
  return g_new0 (MsRoleGrant, 1);
}

static const MsOwned role_grant_owned[] = {
  MS_OWNED_STR (MsRoleGrant, role_name), MS_OWNED_STR (MsRoleGrant, principal_name),
  MS_OWNED_STR (MsRoleGrant, grantor),
};

MS_OWNED_DEFINE_FREE (MsRoleGrant, ms_role_grant_free, role_grant_owned)
