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

void
hms_priv_object_to_thrift (const MsPrivObject *o, ThmsHiveObjectRef *out)
{
  out->objectType = (ThmsHiveObjectType) o->type;
  out->__isset_objectType = TRUE;
  hms_set_string (&out->dbName, o->db_name);
  out->__isset_dbName = o->db_name != NULL;
  hms_set_string (&out->objectName, o->table_name);
  out->__isset_objectName = o->table_name != NULL;
  g_ptr_array_set_size (out->partValues, 0);
  for (char **v = o->part_values; v && *v; v++)
    g_ptr_array_add (out->partValues, g_strdup (*v));
  out->__isset_partValues = TRUE;
  hms_set_string (&out->columnName, o->column_name);
  out->__isset_columnName = o->column_name != NULL;
  hms_set_string (&out->catName, o->catalog);
  out->__isset_catName = o->catalog != NULL;
}

ThmsPrivilegeGrantInfo *
hms_grant_info_to_thrift (const MsPrivilege *p)
{
  ThmsPrivilegeGrantInfo *g = g_object_new (THMS_TYPE_PRIVILEGE_GRANT_INFO, NULL);
  hms_set_string (&g->privilege, p->privilege);
  g->__isset_privilege = TRUE;
  g->createTime = p->create_time;
  g->__isset_createTime = TRUE;
  hms_set_string (&g->grantor, p->grantor);
  g->__isset_grantor = p->grantor != NULL;
  g->grantorType = (ThmsPrincipalType) p->grantor_type;
  g->__isset_grantorType = p->grantor_type != MS_PRINCIPAL_NONE;
  g->grantOption = p->grant_option;
  g->__isset_grantOption = TRUE;
  return g;
}

ThmsHiveObjectPrivilege *
hms_privilege_to_thrift (const MsPrivilege *p)
{
  ThmsHiveObjectPrivilege *out = g_object_new (THMS_TYPE_HIVE_OBJECT_PRIVILEGE, NULL);
  hms_priv_object_to_thrift (&p->object, out->hiveObject);
  out->__isset_hiveObject = TRUE;
  hms_set_string (&out->principalName, p->principal_name);
  out->__isset_principalName = TRUE;
  out->principalType = (ThmsPrincipalType) p->principal_type;
  out->__isset_principalType = TRUE;
  g_object_unref (out->grantInfo);
  out->grantInfo = hms_grant_info_to_thrift (p);
  out->__isset_grantInfo = TRUE;
  hms_set_string (&out->authorizer, p->authorizer);
  out->__isset_authorizer = p->authorizer != NULL;
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

ThmsRole *
hms_role_to_thrift (const MsRole *r)
{
  ThmsRole *out = g_object_new (THMS_TYPE_ROLE, NULL);
  hms_set_string (&out->roleName, r->name);
  out->__isset_roleName = TRUE;
  out->createTime = r->create_time;
  out->__isset_createTime = TRUE;
  hms_set_string (&out->ownerName, r->owner_name);
  out->__isset_ownerName = r->owner_name != NULL;
  return out;
}

ThmsRolePrincipalGrant *
hms_role_grant_to_thrift (const MsRoleGrant *g)
{
  ThmsRolePrincipalGrant *out = g_object_new (THMS_TYPE_ROLE_PRINCIPAL_GRANT, NULL);
  hms_set_string (&out->roleName, g->role_name);
  out->__isset_roleName = TRUE;
  hms_set_string (&out->principalName, g->principal_name);
  out->__isset_principalName = TRUE;
  out->principalType = (ThmsPrincipalType) g->principal_type;
  out->__isset_principalType = TRUE;
  out->grantOption = g->grant_option;
  out->__isset_grantOption = TRUE;
  out->grantTime = g->grant_time;
  out->__isset_grantTime = TRUE;
  hms_set_string (&out->grantorName, g->grantor);
  out->__isset_grantorName = g->grantor != NULL;
  out->grantorPrincipalType = (ThmsPrincipalType) g->grantor_type;
  out->__isset_grantorPrincipalType = g->grantor_type != MS_PRINCIPAL_NONE;
  return out;
}
