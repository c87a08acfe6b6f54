/*
 * privilege.c: constructors and destructors of the role and privilege
 * structs (model/privilege.h).
 */
#include "model/privilege.h"

void
ms_priv_object_clear (MsPrivObject *o)
{
  g_clear_pointer (&o->catalog, g_free);
  g_clear_pointer (&o->db_name, g_free);
  g_clear_pointer (&o->table_name, g_free);
  g_clear_pointer (&o->part_values, g_strfreev);
  g_clear_pointer (&o->column_name, g_free);
}

MsPrivilege *
ms_privilege_new (void)
{
  return g_new0 (MsPrivilege, 1);
}

void
ms_privilege_free (MsPrivilege *p)
{
  if (p == NULL)
    return;
  ms_priv_object_clear (&p->object);
  g_free (p->principal_name);
  g_free (p->privilege);
  g_free (p->grantor);
  g_free (p->authorizer);
  g_free (p);
}

MsRole *
ms_role_new (void)
{
  return g_new0 (MsRole, 1);
}

void
ms_role_free (MsRole *r)
{
  if (r == NULL)
    return;
  g_free (r->name);
  g_free (r->owner_name);
  g_free (r);
}

MsRoleGrant *
ms_role_grant_new (void)
{
  return g_new0 (MsRoleGrant, 1);
}

void
ms_role_grant_free (MsRoleGrant *g)
{
  if (g == NULL)
    return;
  g_free (g->role_name);
  g_free (g->principal_name);
  g_free (g->grantor);
  g_free (g);
}
