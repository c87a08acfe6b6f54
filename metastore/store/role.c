/*
 * role.c: roles and their grants to users, groups and roles
 * (sql/009_privileges.sql): create, drop, names, grant, revoke, and the
 * grants of a role or of a principal.
 *
 * Rules kept here because they need the rows: a role granted to a role
 * must not make a cycle (Hive's HMSHandler.isNewRoleAParent), checked in
 * the grant's transaction under one advisory lock, so two grants racing
 * cannot close a cycle between them. Dropping a role takes its grants to
 * others, what it was granted and its privileges in one statement.
 *
 * Accepted races: create and grant rely on the unique keys
 * (ON CONFLICT DO NOTHING) to say "already exists".
 */
#include "store/store.h"
#include "store/pool.h"
#include <stdio.h>

#define ROLE_CYCLE_LOCK "7243120"   /* advisory lock id: arbitrary, fixed */

static const MsSql sql_role_insert = { "role_insert",
  "INSERT INTO ms_roles (name, create_time, owner_name) VALUES ($1, $2::integer, $3) "
  "ON CONFLICT (name) DO NOTHING RETURNING role_id" };
/* The role, its grants (cascade), its grants to other roles and its
 * privileges, in one statement. */
static const MsSql sql_role_delete = { "role_delete",
  "WITH r AS (DELETE FROM ms_roles WHERE name = $1 RETURNING role_id), "
  "  g AS (DELETE FROM ms_role_grants WHERE principal_type = 2 AND principal_name = $1 "
  "        AND EXISTS (SELECT 1 FROM r)), "
  "  p AS (DELETE FROM ms_privileges WHERE principal_type = 2 AND principal_name = $1 "
  "        AND EXISTS (SELECT 1 FROM r)) "
  "SELECT count(*) FROM r" };
static const MsSql sql_role_names = { "role_names",
  "SELECT name FROM ms_roles ORDER BY name",
  .read_only = TRUE };
static const MsSql sql_role_id = { "role_id",
  "SELECT role_id FROM ms_roles WHERE name = $1",
  .read_only = TRUE };
static const MsSql sql_role_cycle_lock = { "role_cycle_lock",
  "SELECT pg_advisory_xact_lock (" ROLE_CYCLE_LOCK ")" };
/* Whether role $2 is role $1 or one of the roles $1 belongs to. */
static const MsSql sql_role_in_hierarchy = { "role_in_hierarchy",
  "WITH RECURSIVE up (name) AS (SELECT $1::text COLLATE \"C\" UNION "
  "  SELECT r.name FROM up JOIN ms_role_grants g ON g.principal_type = 2 "
  "  AND g.principal_name = up.name JOIN ms_roles r ON r.role_id = g.role_id) "
  "SELECT 1 FROM up WHERE name = $2",
  .read_only = TRUE };
static const MsSql sql_role_grant_insert = { "role_grant_insert",
  "INSERT INTO ms_role_grants (role_id, principal_name, principal_type, grant_option, "
  "  grant_time, grantor, grantor_type) "
  "VALUES ($1::bigint, $2, $3::smallint, $4::boolean, $5::integer, $6, $7::smallint) "
  "ON CONFLICT DO NOTHING RETURNING role_id" };
static const MsSql sql_role_grant_delete = { "role_grant_delete",
  "DELETE FROM ms_role_grants g USING ms_roles r WHERE r.role_id = g.role_id "
  "AND r.name = $1 AND g.principal_name = $2 AND g.principal_type = $3::smallint" };
/* Takes the grant option away; returns whether it was there. */
static const MsSql sql_role_grant_option_off = { "role_grant_option_off",
  "UPDATE ms_role_grants g SET grant_option = false "
  "FROM (SELECT g0.role_id, g0.grant_option FROM ms_role_grants g0 JOIN ms_roles r "
  "      ON r.role_id = g0.role_id WHERE r.name = $1 AND g0.principal_name = $2 "
  "      AND g0.principal_type = $3::smallint) o "
  "WHERE g.role_id = o.role_id AND g.principal_name = $2 AND g.principal_type = $3::smallint "
  "RETURNING o.grant_option" };
static const MsSql sql_role_grants = { "role_grants",
  "SELECT r.name, r.create_time, r.owner_name, g.principal_name, g.principal_type, "
  "  g.grant_option, g.grant_time, g.grantor, g.grantor_type "
  "FROM ms_role_grants g JOIN ms_roles r ON r.role_id = g.role_id "
  "WHERE ($1::text IS NULL OR r.name = $1) "
  "  AND ($2::text IS NULL OR (g.principal_name = $2 AND g.principal_type = $3::smallint)) "
  "ORDER BY r.name, g.principal_type, g.principal_name",
  .read_only = TRUE };

gboolean
ms_store_role_create (MsStore *s, const MsRole *role, GError **error)
{
  char ct[16];
  snprintf (ct, sizeof ct, "%d", role->create_time);
  const char *v[] = { role->name, ct, role->owner_name };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_role_insert, 3, v, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 0)
    return ms_fail (error, MS_ERROR_ALREADY_EXISTS, "Role %s already exists.", role->name);
  return TRUE;
}

gboolean
ms_store_role_drop (MsStore *s, const char *name, GError **error)
{
  const char *v[] = { name };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_role_delete, 1, v, error);
  if (r == NULL)
    return FALSE;
  if (ms_pg_int (r, 0, 0, 0) == 0)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "Role %s does not exist", name);
  return TRUE;
}

GPtrArray *
ms_store_role_names (MsStore *s, GError **error)
{
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_role_names, 0, NULL, error);
  if (r == NULL)
    return NULL;
  return ms_pg_column_strings (r, 0);
}

static gboolean
role_missing (GError **error, const char *role)
{
  return ms_fail (error, MS_ERROR_NOT_FOUND, "%s role can not be found.", role);
}

/* The id of role 'name' (text, in 'id' of 'size' bytes) on 'c'. */
static gboolean
role_id_on (MsPgConn *c, const char *name, char *id, gsize size, GError **error)
{
  const char *v[] = { name };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_role_id, 1, v, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 0)
    return role_missing (error, name);
  g_strlcpy (id, PQgetvalue (r, 0, 0), size);
  return TRUE;
}

/* Refuse granting role 'principal' to role 'role' when 'role' already
 * belongs to it (or is it): Hive's "no cycles allowed". */
static gboolean
check_no_cycle (MsPgConn *c, const char *role, const char *principal, GError **error)
{
  g_autoptr (PGresult) lock = ms_pg_exec (c, &sql_role_cycle_lock, 0, NULL, error);
  if (lock == NULL)
    return FALSE;
  const char *v[] = { role, principal };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_role_in_hierarchy, 2, v, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) > 0)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "Cannot grant role %s to %s as %s already belongs to the role %s. "
                    "(no cycles allowed)", principal, role, role, principal);
  return TRUE;
}

gboolean
ms_store_role_grant (MsStore *s, const MsRoleGrant *g, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  char id[24];
  if (!role_id_on (c, g->role_name, id, sizeof id, error))
    return FALSE;
  if (g->principal_type == MS_PRINCIPAL_ROLE
      && !check_no_cycle (c, g->role_name, g->principal_name, error))
    return FALSE;
  char ptype[8], gtype[8], gtime[16];
  snprintf (ptype, sizeof ptype, "%d", (int) g->principal_type);
  snprintf (gtype, sizeof gtype, "%d", (int) g->grantor_type);
  snprintf (gtime, sizeof gtime, "%d", g->grant_time);
  const char *v[] = { id, g->principal_name, ptype, g->grant_option ? "true" : "false", gtime,
                      g->grantor, g->grantor_type ? gtype : NULL };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_role_grant_insert, 7, v, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 0)
    return ms_fail (error, MS_ERROR_ALREADY_EXISTS, "Principal %s already has the role %s",
                    g->principal_name, g->role_name);
  return ms_pg_commit (c, error);
}

gboolean
ms_store_role_revoke (MsStore *s, const char *role, const char *principal,
                      MsPrincipalType type, gboolean grant_option_only, GError **error)
{
  char ptype[8];
  snprintf (ptype, sizeof ptype, "%d", (int) type);
  const char *v[] = { role, principal, ptype };
  const MsSql *sql = grant_option_only ? &sql_role_grant_option_off : &sql_role_grant_delete;
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, sql, 3, v, error);
  if (r == NULL)
    return FALSE;
  gboolean none = grant_option_only ? PQntuples (r) == 0 : g_str_equal (PQcmdTuples (r), "0");
  if (none)
    {
      g_autoptr (PGresult) known = ms_pool_exec (s->pool, &sql_role_id, 1, v, error);
      if (known == NULL)
        return FALSE;
      if (PQntuples (known) == 0)
        return role_missing (error, role);
      return ms_fail (error, MS_ERROR_NOT_FOUND, "Principal %s does not have the role %s",
                      principal, role);
    }
  if (grant_option_only && !ms_pg_bool (r, 0, 0))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "User %s does not have grant option with role %s",
                    principal, role);
  return TRUE;
}

GPtrArray *
ms_store_role_grants (MsStore *s, const char *role, const char *principal,
                      MsPrincipalType type, GPtrArray **roles, GError **error)
{
  char ptype[8];
  snprintf (ptype, sizeof ptype, "%d", (int) type);
  const char *v[] = { role, principal, ptype };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_role_grants, 3, v, error);
  if (r == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_role_grant_free);
  if (roles != NULL)
    *roles = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_role_free);
  for (int i = 0; i < PQntuples (r); i++)
    {
      MsRoleGrant *g = ms_role_grant_new ();
      g->role_name = ms_pg_dup (r, i, 0);
      g->principal_name = ms_pg_dup (r, i, 3);
      g->principal_type = (MsPrincipalType) ms_pg_int (r, i, 4, 0);
      g->grant_option = ms_pg_bool (r, i, 5);
      g->grant_time = ms_pg_int (r, i, 6, 0);
      g->grantor = ms_pg_dup (r, i, 7);
      g->grantor_type = (MsPrincipalType) ms_pg_int (r, i, 8, 0);
      g_ptr_array_add (out, g);
      if (roles == NULL)
        continue;
      MsRole *role_row = ms_role_new ();
      role_row->name = ms_pg_dup (r, i, 0);
      role_row->create_time = ms_pg_int (r, i, 1, 0);
      role_row->owner_name = ms_pg_dup (r, i, 2);
      g_ptr_array_add (*roles, role_row);
    }
  return out;
}
