/*
 * privilege_convert.c: Thrift <-> model for roles and privileges
 * (HiveObjectRef, HiveObjectPrivilege, PrivilegeBag, PrivilegeGrantInfo,
 * PrincipalPrivilegeSet, Role, RolePrincipalGrant; model/privilege.h).
 *
 * As Hive's ObjectStore: database and table names are lower-cased, a
 * privilege text "SELECT,INSERT" is one grant per name, and the grants a
 * table is created with (Table.privileges) carry the authorizer "SQL".
 */
#include "hms/internal.h"
#include "hms/privilege.h"

#define CREATE_AUTHORIZER "SQL"

static char *
lower_or_null (const char *s)
{
  return s ? g_ascii_strdown (s, -1) : NULL;
}

gboolean
hms_priv_object_from_thrift (const ThmsHiveObjectRef *in, MsPrivObject *out, GError **error)
{
  memset (out, 0, sizeof *out);
  if (in == NULL || !in->__isset_objectType)
    return TRUE;                                      /* any object */
  if (in->objectType < THMS_HIVE_OBJECT_TYPE_GLOBAL || in->objectType > THMS_HIVE_OBJECT_TYPE_COLUMN)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Unexpected object type %d", (int) in->objectType);
  out->type = (MsObjectType) in->objectType;
  if (out->type == MS_OBJECT_GLOBAL)
    return TRUE;
  if (in->dbName != NULL)
    {
      out->catalog = lower_or_null (HMS_OPT (in, catName) ? in->catName : MS_DEFAULT_CATALOG);
      out->db_name = lower_or_null (in->dbName);
    }
  if (out->type != MS_OBJECT_DATABASE)
    out->table_name = lower_or_null (in->objectName);
  if (in->partValues != NULL && in->partValues->len > 0)
    {
      out->part_values = g_new0 (char *, in->partValues->len + 1);
      for (guint i = 0; i < in->partValues->len; i++)
        out->part_values[i] = g_strdup (g_ptr_array_index (in->partValues, i));
    }
  if (out->type == MS_OBJECT_COLUMN)
    out->column_name = g_strdup (in->columnName);
  return TRUE;
}

#define OBJ_FIELD(tm, mm, kind) HMS_OUT_FIELD (ThmsHiveObjectRef, tm, MsPrivObject, mm, kind)

static const HmsOutField object_fields[] = {
  OBJ_FIELD (objectType, type, HMS_OUT_INT), OBJ_FIELD (dbName, db_name, HMS_OUT_STR_OPT),
  OBJ_FIELD (objectName, table_name, HMS_OUT_STR_OPT),
  OBJ_FIELD (columnName, column_name, HMS_OUT_STR_OPT),
  OBJ_FIELD (catName, catalog, HMS_OUT_STR_OPT),
};

void
hms_priv_object_to_thrift (const MsPrivObject *o, ThmsHiveObjectRef *out)
{
  HMS_OUT_FIELDS (out, o, object_fields);
  g_ptr_array_set_size (out->partValues, 0);
  for (char **v = o->part_values; v && *v; v++)
    g_ptr_array_add (out->partValues, g_strdup (*v));
  out->__isset_partValues = TRUE;
}

#define GRANT_FIELD(tm, mm, kind) HMS_OUT_FIELD (ThmsPrivilegeGrantInfo, tm, MsPrivilege, mm, kind)

/* MS_PRINCIPAL_NONE (0): no grantor type */
static const HmsOutField grant_info_fields[] = {
  GRANT_FIELD (privilege, privilege, HMS_OUT_STR),
  GRANT_FIELD (createTime, create_time, HMS_OUT_INT),
  GRANT_FIELD (grantor, grantor, HMS_OUT_STR_OPT),
  GRANT_FIELD (grantorType, grantor_type, HMS_OUT_INT_OPT),
  GRANT_FIELD (grantOption, grant_option, HMS_OUT_BOOL),
};

ThmsPrivilegeGrantInfo *
hms_grant_info_to_thrift (const MsPrivilege *p)
{
  return HMS_OUT_NEW (THMS_TYPE_PRIVILEGE_GRANT_INFO, p, grant_info_fields);
}

#define PRIV_FIELD(tm, mm, kind) HMS_OUT_FIELD (ThmsHiveObjectPrivilege, tm, MsPrivilege, mm, kind)

static const HmsOutField privilege_fields[] = {
  PRIV_FIELD (principalName, principal_name, HMS_OUT_STR),
  PRIV_FIELD (principalType, principal_type, HMS_OUT_INT),
  PRIV_FIELD (authorizer, authorizer, HMS_OUT_STR_OPT),
};

ThmsHiveObjectPrivilege *
hms_privilege_to_thrift (const MsPrivilege *p)
{
  ThmsHiveObjectPrivilege *out = g_object_new (THMS_TYPE_HIVE_OBJECT_PRIVILEGE, NULL);
  hms_priv_object_to_thrift (&p->object, out->hiveObject);
  out->__isset_hiveObject = TRUE;
  HMS_OUT_FIELDS (out, p, privilege_fields);
  g_object_unref (out->grantInfo);
  out->grantInfo = hms_grant_info_to_thrift (p);
  out->__isset_grantInfo = TRUE;
  return out;
}

/* One MsPrivilege per privilege name of 'info' (split on ','), on 'obj'. */
static void
add_grants (GPtrArray *out, const MsPrivObject *obj, const char *principal,
            MsPrincipalType type, const ThmsPrivilegeGrantInfo *info, const char *authorizer)
{
  g_auto (GStrv) names = g_strsplit (info->privilege ? info->privilege : "", ",", -1);
  for (char **n = names; *n; n++)
    {
      MsPrivilege *p = ms_privilege_new ();
      p->object = *obj;
      p->object.catalog = g_strdup (obj->catalog);
      p->object.db_name = g_strdup (obj->db_name);
      p->object.table_name = g_strdup (obj->table_name);
      p->object.part_values = g_strdupv (obj->part_values);
      p->object.column_name = g_strdup (obj->column_name);
      p->principal_name = g_strdup (principal);
      p->principal_type = type;
      p->privilege = g_strdup (*n);
      p->grantor = g_strdup (info->grantor);
      p->grantor_type = info->__isset_grantorType ? (MsPrincipalType) info->grantorType
                                                  : MS_PRINCIPAL_NONE;
      p->grant_option = info->grantOption;
      p->authorizer = g_strdup (authorizer);
      g_ptr_array_add (out, p);
    }
}

GPtrArray *
hms_privileges_from_bag (const ThmsPrivilegeBag *bag, GError **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_privilege_free);
  for (guint i = 0; bag && bag->privileges && i < bag->privileges->len; i++)
    {
      const ThmsHiveObjectPrivilege *hp = g_ptr_array_index (bag->privileges, i);
      MsPrivObject obj;
      if (!hms_priv_object_from_thrift (hp->__isset_hiveObject ? hp->hiveObject : NULL, &obj,
                                        error))
        {
          g_ptr_array_unref (out);
          return NULL;
        }
      if (obj.type == MS_OBJECT_ANY)
        {
          g_ptr_array_unref (out);
          ms_fail (error, MS_ERROR_NOT_ALLOWED, "A privilege needs an object type");
          return NULL;
        }
      add_grants (out, &obj, hp->principalName, (MsPrincipalType) hp->principalType,
                  hp->grantInfo, hp->__isset_authorizer ? hp->authorizer : NULL);
      ms_priv_object_clear (&obj);
    }
  return out;
}

static void
add_principal_map (GPtrArray *out, const MsPrivObject *obj, GHashTable *map, MsPrincipalType type)
{
  GHashTableIter it;
  gpointer k, v;
  if (map == NULL)
    return;
  g_hash_table_iter_init (&it, map);
  while (g_hash_table_iter_next (&it, &k, &v))
    for (guint i = 0; v && i < ((GPtrArray *) v)->len; i++)
      add_grants (out, obj, k, type, g_ptr_array_index ((GPtrArray *) v, i), CREATE_AUTHORIZER);
}

GPtrArray *
hms_privileges_from_set (const ThmsPrincipalPrivilegeSet *set, const MsPrivObject *obj)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_privilege_free);
  if (set == NULL)
    return out;
  add_principal_map (out, obj, set->userPrivileges, MS_PRINCIPAL_USER);
  add_principal_map (out, obj, set->groupPrivileges, MS_PRINCIPAL_GROUP);
  add_principal_map (out, obj, set->rolePrivileges, MS_PRINCIPAL_ROLE);
  return out;
}

static const HmsOutField role_fields[] = {
  HMS_OUT_FIELD (ThmsRole, roleName, MsRole, name, HMS_OUT_STR),
  HMS_OUT_FIELD (ThmsRole, createTime, MsRole, create_time, HMS_OUT_INT),
  HMS_OUT_FIELD (ThmsRole, ownerName, MsRole, owner_name, HMS_OUT_STR_OPT),
};

ThmsRole *
hms_role_to_thrift (const MsRole *r)
{
  return HMS_OUT_NEW (THMS_TYPE_ROLE, r, role_fields);
}

#define RG_FIELD(tm, mm, kind) HMS_OUT_FIELD (ThmsRolePrincipalGrant, tm, MsRoleGrant, mm, kind)

static const HmsOutField role_grant_fields[] = {
  RG_FIELD (roleName, role_name, HMS_OUT_STR),
  RG_FIELD (principalName, principal_name, HMS_OUT_STR),
  RG_FIELD (principalType, principal_type, HMS_OUT_INT),
  RG_FIELD (grantOption, grant_option, HMS_OUT_BOOL),
  RG_FIELD (grantTime, grant_time, HMS_OUT_INT),
  RG_FIELD (grantorName, grantor, HMS_OUT_STR_OPT),
  RG_FIELD (grantorPrincipalType, grantor_type, HMS_OUT_INT_OPT),
};

ThmsRolePrincipalGrant *
hms_role_grant_to_thrift (const MsRoleGrant *g)
{
  return HMS_OUT_NEW (THMS_TYPE_ROLE_PRINCIPAL_GRANT, g, role_grant_fields);
}
