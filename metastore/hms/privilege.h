/*
 * privilege.h: what the HMS door's role and privilege files share: the
 * conversions of privilege_convert.c.
 */
#pragma once
#include "hms/internal.h"
#include "model/privilege.h"

/* 'in' as a model object (NULL or no type: any object). FALSE for a type
 * this server does not keep (DATACONNECTOR). */
gboolean hms_priv_object_from_thrift (const ThmsHiveObjectRef *in, MsPrivObject *out,
                                      GError **error);
void hms_priv_object_to_thrift (const MsPrivObject *o, ThmsHiveObjectRef *out);
ThmsPrivilegeGrantInfo *hms_grant_info_to_thrift (const MsPrivilege *p);
ThmsHiveObjectPrivilege *hms_privilege_to_thrift (const MsPrivilege *p);
/* The grants of a PrivilegeBag (MsPrivilege*), one per privilege name. */
GPtrArray *hms_privileges_from_bag (const ThmsPrivilegeBag *bag, GError **error);
/* The grants of a Table's or Database's PrincipalPrivilegeSet on 'obj',
 * authorizer "SQL" (Hive's ObjectStore.createTable). */
GPtrArray *hms_privileges_from_set (const ThmsPrincipalPrivilegeSet *set, const MsPrivObject *obj);
ThmsRole *hms_role_to_thrift (const MsRole *r);
ThmsRolePrincipalGrant *hms_role_grant_to_thrift (const MsRoleGrant *g);
/* The grants a created table carries (Table.privileges) on 't' (catalog,
 * database and name resolved); NULL when it carries none. */
GPtrArray *hms_table_grants (const ThmsTable *tbl, const MsTable *t);
