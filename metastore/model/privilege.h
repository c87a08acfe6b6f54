/*
 * privilege.h: roles, role grants and privileges as Hive's SQL-standard
 * authorization stores them (plain structs; see sql/009_privileges.sql).
 * Every struct owns its strings and is freed with its _free function.
 */
#pragma once
#include "model/model.h"

#define MS_ROLE_ADMIN "admin"
#define MS_ROLE_PUBLIC "public"

/* Values follow Hive's HiveObjectType enum (0: any, in a filter). */
typedef enum { MS_OBJECT_ANY = 0, MS_OBJECT_GLOBAL = 1, MS_OBJECT_DATABASE = 2,
               MS_OBJECT_TABLE = 3, MS_OBJECT_PARTITION = 4, MS_OBJECT_COLUMN = 5 } MsObjectType;

/* The object a privilege is on. A global object names nothing; a column
 * object names a table and, for a partition's column, part_values. In a
 * filter a NULL name matches any. */
typedef struct {
  MsObjectType type;
  char *catalog;
  char *db_name;
  char *table_name;
  char **part_values;          /* NULL-terminated; NULL: none */
  char *column_name;
} MsPrivObject;

typedef struct {
  MsPrivObject object;
  char *principal_name;
  MsPrincipalType principal_type;
  char *privilege;
  int create_time;
  char *grantor;
  MsPrincipalType grantor_type;
  gboolean grant_option;
  char *authorizer;
} MsPrivilege;

typedef struct {
  char *name;
  int create_time;
  char *owner_name;
} MsRole;

/* A role granted to a principal (Hive's RolePrincipalGrant). */
typedef struct {
  char *role_name;
  char *principal_name;
  MsPrincipalType principal_type;
  gboolean grant_option;
  int grant_time;
  char *grantor;
  MsPrincipalType grantor_type;
} MsRoleGrant;

/* Free what 'o' owns (the struct itself is the caller's). */
void ms_priv_object_clear (MsPrivObject *o);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsPrivObject, ms_priv_object_clear)

MsPrivilege *ms_privilege_new (void);
void ms_privilege_free (MsPrivilege *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsPrivilege, ms_privilege_free)

MsRole *ms_role_new (void);
void ms_role_free (MsRole *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsRole, ms_role_free)

MsRoleGrant *ms_role_grant_new (void);
void ms_role_grant_free (MsRoleGrant *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsRoleGrant, ms_role_grant_free)
