/*
 * privilege.c: privileges on global, database, table, partition and column
 * objects (sql/009_privileges.sql): grant, revoke (or only its grant
 * option), refresh an object's grants, list them, the privilege set of a
 * user with its groups and roles, and a table created with its owner's
 * grants.
 *
 * An object given by names is first resolved to its row ids on the
 * connection of the change (resolve_on); rows name objects by id, so a
 * drop takes its privileges by ON DELETE CASCADE and a rename keeps them.
 * A bag of grants or revokes is one transaction: all of it or nothing.
 *
 * Accepted race: a duplicate grant is found by the unique key
 * (ON CONFLICT DO NOTHING), so two equal grants racing make one row and
 * the second answers "already granted".
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/table_internal.h"
#include "store/events.h"
#include <json-glib/json-glib.h>
#include <stdio.h>

#define PRIV_COLUMNS \
  "pr.object_type, c.name, d.name, t.name, array_to_json (p.vals)::text, pr.column_name, " \
  "pr.principal_name, pr.principal_type, pr.privilege, pr.create_time, pr.grantor, " \
  "pr.grantor_type, pr.grant_option, pr.authorizer "
#define PRIV_FROM \
  "FROM ms_privileges pr LEFT JOIN ms_tables t ON t.table_id = pr.table_id " \
  "LEFT JOIN ms_databases d ON d.db_id = COALESCE (pr.db_id, t.db_id) " \
  "LEFT JOIN ms_catalogs c ON c.cat_id = d.cat_id " \
  "LEFT JOIN ms_partitions p ON p.table_id = pr.table_id AND p.part_id = pr.part_id "
/* One object, by the ids resolve_on found ($1 type, $2..$4 ids, $5 column). */
#define EXACT_OBJECT \
  "pr.object_type = $1::smallint AND pr.db_id IS NOT DISTINCT FROM $2::bigint " \
  "AND pr.table_id IS NOT DISTINCT FROM $3::bigint " \
  "AND pr.part_id IS NOT DISTINCT FROM $4::bigint AND pr.column_name IS NOT DISTINCT FROM $5 "

static const MsSql sql_priv_resolve = { "priv_resolve",
  "SELECT d.db_id, t.table_id, p.part_id FROM ms_databases d "
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "LEFT JOIN ms_tables t ON t.db_id = d.db_id AND t.name = $3 "
  "LEFT JOIN ms_partitions p ON p.table_id = t.table_id AND p.vals = $4::text[] "
  "WHERE c.name = $1 AND d.name = $2",
  .read_only = TRUE };
static const MsSql sql_priv_insert = { "priv_insert",
  "INSERT INTO ms_privileges (object_type, db_id, table_id, part_id, column_name, "
  "  principal_name, principal_type, privilege, create_time, grantor, grantor_type, "
  "  grant_option, authorizer) "
  "VALUES ($1::smallint, $2::bigint, $3::bigint, $4::bigint, $5, $6, $7::smallint, $8, "
  "  $9::integer, $10, $11::smallint, $12::boolean, $13) "
  "ON CONFLICT ON CONSTRAINT ms_privileges_grant DO NOTHING RETURNING priv_id" };
static const MsSql sql_priv_find = { "priv_find",
  "SELECT pr.priv_id, pr.grant_option FROM ms_privileges pr WHERE " EXACT_OBJECT
  "AND pr.principal_name = $6 AND pr.principal_type = $7::smallint AND pr.privilege = $8 "
  "AND ($9::text IS NULL OR pr.authorizer = $9) FOR UPDATE" };
static const MsSql sql_priv_delete = { "priv_delete",
  "DELETE FROM ms_privileges WHERE priv_id = ANY ($1::bigint[])" };
static const MsSql sql_priv_option_off = { "priv_option_off",
  "UPDATE ms_privileges SET grant_option = false WHERE priv_id = ANY ($1::bigint[])" };
/* refresh: an object's grants of one authorizer; a column object means
 * every column of the table (Hive's getTableAllColumnGrants). */
static const MsSql sql_priv_clear = { "priv_clear",
  "DELETE FROM ms_privileges pr WHERE pr.object_type = $1::smallint "
  "AND pr.db_id IS NOT DISTINCT FROM $2::bigint AND pr.table_id IS NOT DISTINCT FROM $3::bigint "
  "AND pr.part_id IS NULL AND pr.authorizer IS NOT DISTINCT FROM $4" };
static const MsSql sql_priv_list = { "priv_list",
  "SELECT " PRIV_COLUMNS PRIV_FROM
  "WHERE ($1::text IS NULL OR pr.principal_name = $1) "
  "  AND ($2::smallint IS NULL OR pr.principal_type = $2::smallint) "
  "  AND ($3::smallint IS NULL OR pr.object_type = $3::smallint) "
  "  AND ($4::text IS NULL OR c.name = $4) AND ($5::text IS NULL OR d.name = $5) "
  "  AND ($6::text IS NULL OR t.name = $6) AND ($7::text[] IS NULL OR p.vals = $7::text[]) "
  "  AND ($8::text IS NULL OR pr.column_name = $8) AND (NOT $9::boolean OR pr.part_id IS NULL) "
  "ORDER BY pr.priv_id",
  .read_only = TRUE };
/* The roles of a user ($1, with 'public') and its groups ($2), and every
 * role those belong to. */
static const MsSql sql_priv_roles = { "priv_roles",
  "WITH RECURSIVE r (name) AS ("
  "  SELECT 'public'::text COLLATE \"C\" WHERE $1::text IS NOT NULL "
  "  UNION SELECT ro.name FROM ms_role_grants g JOIN ms_roles ro ON ro.role_id = g.role_id "
  "    WHERE (g.principal_type = 1 AND g.principal_name = $1) "
  "       OR (g.principal_type = 3 AND g.principal_name = ANY ($2::text[])) "
  "  UNION SELECT ro.name FROM r JOIN ms_role_grants g ON g.principal_type = 2 "
  "    AND g.principal_name = r.name JOIN ms_roles ro ON ro.role_id = g.role_id) "
  "SELECT name FROM r ORDER BY name",
  .read_only = TRUE };
static const MsSql sql_priv_set = { "priv_set",
  "SELECT " PRIV_COLUMNS PRIV_FROM "WHERE " EXACT_OBJECT
  "AND ((pr.principal_type = 1 AND pr.principal_name = $6) "
  "  OR (pr.principal_type = 3 AND pr.principal_name = ANY ($7::text[])) "
  "  OR (pr.principal_type = 2 AND pr.principal_name = ANY ($8::text[]))) "
  "ORDER BY pr.priv_id",
  .read_only = TRUE };

/* The row ids of an object, as text for parameters (NULL: none). */
typedef struct {
  char type[8];
  char *db, *table, *part;
  char buf[3][24];
} ObjIds;

/* Text of a NULL-terminated list as a text[] literal (NULL for NULL). */
static char *
strv_literal (char **items)
{
  return items ? ms_pg_array_literal ((const char *const *) items, g_strv_length (items)) : NULL;
}

static void
ids_take (ObjIds *ids, const PGresult *r, int col, char **slot)
{
  if (PQgetisnull (r, 0, col))
    return;
  g_strlcpy (ids->buf[col], PQgetvalue (r, 0, col), sizeof ids->buf[col]);
  *slot = ids->buf[col];
}

/* Resolve 'o' to the ids its rows carry: a database's db_id; a table's or
 * column's table_id; a partition's (or a partition column's) table_id and
 * part_id. MS_ERROR_NOT_FOUND when the object does not exist. */
static gboolean
resolve_on (MsPgConn *c, const MsPrivObject *o, ObjIds *ids, GError **error)
{
  memset (ids, 0, sizeof *ids);
  snprintf (ids->type, sizeof ids->type, "%d", (int) o->type);
  if (o->type == MS_OBJECT_GLOBAL)
    return TRUE;
  if (o->db_name == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Database name cannot be null.");
  g_autofree char *vals = strv_literal (o->part_values);
  const char *v[] = { o->catalog, o->db_name, o->table_name, vals };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_priv_resolve, 4, v, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 0)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "Database %s does not exist", o->db_name);
  if (o->type == MS_OBJECT_DATABASE)
    {
      ids_take (ids, r, 0, &ids->db);
      return TRUE;
    }
  ids_take (ids, r, 1, &ids->table);
  if (ids->table == NULL)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "Table %s.%s does not exist", o->db_name,
                    o->table_name ? o->table_name : "null");
  gboolean by_part = o->type == MS_OBJECT_PARTITION || (o->part_values && o->part_values[0]);
  if (!by_part)
    return TRUE;
  ids_take (ids, r, 2, &ids->part);
  if (ids->part == NULL)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "Partition of %s.%s does not exist", o->db_name,
                    o->table_name);
  return TRUE;
}

/* "on table [db,t]": where a grant is, in the words of Hive's messages. */
static char *
object_words (const MsPrivObject *o)
{
  switch (o->type)
    {
    case MS_OBJECT_DATABASE:
      return g_strdup_printf (" on database %s", o->db_name);
    case MS_OBJECT_TABLE:
      return g_strdup_printf (" on table [%s,%s]", o->db_name, o->table_name);
    case MS_OBJECT_PARTITION:
      return g_strdup_printf (" on partition [%s,%s]", o->db_name, o->table_name);
    case MS_OBJECT_COLUMN:
      return g_strdup_printf (" on column %s [%s,%s]", o->column_name, o->db_name, o->table_name);
    default:
      return g_strdup ("");
    }
}

/* Insert one grant of object 'ids'; MS_ERROR_ALREADY_EXISTS when it is there. */
static gboolean
insert_on (MsPgConn *c, const ObjIds *ids, const MsPrivilege *p, int now, GError **error)
{
  char ptype[8], gtype[8], ct[16];
  snprintf (ptype, sizeof ptype, "%d", (int) p->principal_type);
  snprintf (gtype, sizeof gtype, "%d", (int) p->grantor_type);
  snprintf (ct, sizeof ct, "%d", now);
  const char *v[] = { ids->type, ids->db, ids->table, ids->part, p->object.column_name,
                      p->principal_name, ptype, p->privilege, ct, p->grantor,
                      p->grantor_type ? gtype : NULL, p->grant_option ? "true" : "false",
                      p->authorizer };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_priv_insert, 13, v, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) > 0)
    return TRUE;
  g_autofree char *where = object_words (&p->object);
  return ms_fail (error, MS_ERROR_ALREADY_EXISTS, "%s is already granted%s by %s", p->privilege,
                  where, p->grantor ? p->grantor : "null");
}

static gboolean
check_grant (const MsPrivilege *p, GError **error)
{
  if (p->principal_name == NULL || p->privilege == NULL || p->object.type == MS_OBJECT_ANY)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT,
                    "A privilege needs an object, a principal and a privilege name");
  return TRUE;
}

/* Grant every privilege of 'privs' on 'c' (in its transaction). */
static gboolean
grant_all_on (MsPgConn *c, const GPtrArray *privs, GError **error)
{
  int now = (int) (g_get_real_time () / G_USEC_PER_SEC);
  for (guint i = 0; privs && i < privs->len; i++)
    {
      const MsPrivilege *p = g_ptr_array_index (privs, i);
      ObjIds ids;
      if (!check_grant (p, error) || !resolve_on (c, &p->object, &ids, error)
          || !insert_on (c, &ids, p, now, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ms_store_privileges_grant (MsStore *s, const GPtrArray *privs, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  return grant_all_on (c, privs, error) && ms_pg_commit (c, error);
}

/* Revoke one privilege (or its grant option) on 'c'. */
static gboolean
revoke_on (MsPgConn *c, const MsPrivilege *p, gboolean grant_option, GError **error)
{
  ObjIds ids;
  if (!check_grant (p, error) || !resolve_on (c, &p->object, &ids, error))
    return FALSE;
  char ptype[8];
  snprintf (ptype, sizeof ptype, "%d", (int) p->principal_type);
  const char *v[] = { ids.type, ids.db, ids.table, ids.part, p->object.column_name,
                      p->principal_name, ptype, p->privilege, p->authorizer };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_priv_find, 9, v, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 0)
    {
      g_autofree char *where = object_words (&p->object);
      return ms_fail (error, MS_ERROR_NOT_FOUND, "No user grant found for privileges %s%s",
                      p->privilege, where);
    }
  gboolean had_option = FALSE;
  g_autoptr (GPtrArray) idv = g_ptr_array_new ();
  for (int i = 0; i < PQntuples (r); i++)
    {
      had_option |= ms_pg_bool (r, i, 1);
      g_ptr_array_add (idv, PQgetvalue (r, i, 0));
    }
  if (grant_option && !had_option)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "User %s does not have grant option with privilege %s", p->principal_name,
                    p->privilege);
  g_autofree char *list = ms_pg_array_literal ((const char *const *) idv->pdata, idv->len);
  const char *lv[] = { list };
  g_autoptr (PGresult) done = ms_pg_exec (c, grant_option ? &sql_priv_option_off : &sql_priv_delete,
                                          1, lv, error);
  return done != NULL;
}

gboolean
ms_store_privileges_revoke (MsStore *s, const GPtrArray *privs, gboolean grant_option,
                            GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  for (guint i = 0; privs && i < privs->len; i++)
    if (!revoke_on (c, g_ptr_array_index (privs, i), grant_option, error))
      return FALSE;
  return ms_pg_commit (c, error);
}

gboolean
ms_store_privileges_refresh (MsStore *s, const MsPrivObject *o, const char *authorizer,
                             const GPtrArray *privs, GError **error)
{
  if (o->type != MS_OBJECT_DATABASE && o->type != MS_OBJECT_TABLE && o->type != MS_OBJECT_COLUMN)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Unexpected object type %d", (int) o->type);
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  MsPrivObject scope = *o;
  scope.part_values = NULL;
  scope.column_name = NULL;
  ObjIds ids;
  if (!resolve_on (c, &scope, &ids, error))
    return FALSE;
  const char *v[] = { ids.type, ids.db, ids.table, authorizer };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_priv_clear, 4, v, error);
  if (r == NULL)
    return FALSE;
  return grant_all_on (c, privs, error) && ms_pg_commit (c, error);
}

gboolean
ms_store_table_insert_granted_on (MsStore *s, MsPgConn *c, MsTable *t, const GPtrArray *privs,
                                  GError **error)
{
  if (!ms_store_table_insert_on (c, t, error)
      || (privs != NULL && privs->len > 0 && !grant_all_on (c, privs, error)))
    return FALSE;
  MsEvent ev = { .type = MS_EVENT_CREATE_TABLE, .table = t };
  return ms_store_emit (s, c, &ev, error);
}

gboolean
ms_store_table_create_granted (MsStore *s, MsTable *t, const GPtrArray *privs, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return FALSE;
  if ((privs == NULL || privs->len == 0) && ms_store_events_enabled (s))
    return ms_store_table_create_logged (s, c, t, error);
  return ms_store_begin_logged (s, c, error)
         && ms_store_table_insert_granted_on (s, c, t, privs, error) && ms_pg_commit (c, error);
}

static char **
parse_values (const char *json)
{
  if (json == NULL)
    return NULL;
  g_autoptr (JsonParser) jp = json_parser_new_immutable ();
  if (!json_parser_load_from_data (jp, json, -1, NULL)
      || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (jp)))
    return NULL;
  JsonArray *a = json_node_get_array (json_parser_get_root (jp));
  char **out = g_new0 (char *, json_array_get_length (a) + 1);
  for (guint i = 0; i < json_array_get_length (a); i++)
    out[i] = g_strdup (json_array_get_string_element (a, i));
  return out;
}

static GPtrArray *
privileges_from (const PGresult *r)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_privilege_free);
  for (int i = 0; i < PQntuples (r); i++)
    {
      MsPrivilege *p = ms_privilege_new ();
      p->object.type = (MsObjectType) ms_pg_int (r, i, 0, 0);
      p->object.catalog = ms_pg_dup (r, i, 1);
      p->object.db_name = ms_pg_dup (r, i, 2);
      p->object.table_name = ms_pg_dup (r, i, 3);
      p->object.part_values = parse_values (PQgetisnull (r, i, 4) ? NULL : PQgetvalue (r, i, 4));
      p->object.column_name = ms_pg_dup (r, i, 5);
      p->principal_name = ms_pg_dup (r, i, 6);
      p->principal_type = (MsPrincipalType) ms_pg_int (r, i, 7, 0);
      p->privilege = ms_pg_dup (r, i, 8);
      p->create_time = ms_pg_int (r, i, 9, 0);
      p->grantor = ms_pg_dup (r, i, 10);
      p->grantor_type = (MsPrincipalType) ms_pg_int (r, i, 11, 0);
      p->grant_option = ms_pg_bool (r, i, 12);
      p->authorizer = ms_pg_dup (r, i, 13);
      g_ptr_array_add (out, p);
    }
  return out;
}

GPtrArray *
ms_store_privileges_list (MsStore *s, const char *principal, MsPrincipalType type,
                          const MsPrivObject *f, GError **error)
{
  char ptype[8], otype[8];
  snprintf (ptype, sizeof ptype, "%d", (int) type);
  snprintf (otype, sizeof otype, "%d", (int) f->type);
  g_autofree char *vals = strv_literal (f->part_values);
  gboolean table_columns = f->type == MS_OBJECT_COLUMN && vals == NULL;
  const char *v[] = { principal, type ? ptype : NULL, f->type ? otype : NULL, f->catalog,
                      f->db_name, f->table_name, vals, f->column_name,
                      table_columns ? "true" : "false" };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_priv_list, 9, v, error);
  return r ? privileges_from (r) : NULL;
}

GPtrArray *
ms_store_privilege_set (MsStore *s, const MsPrivObject *o, const char *user,
                        char **groups, GPtrArray **roles, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return NULL;
  g_autofree char *group_list = ms_pg_array_literal ((const char *const *) groups,
                                                     groups ? g_strv_length (groups) : 0);
  const char *rv[] = { user, group_list };
  g_autoptr (PGresult) rr = ms_pg_exec (c, &sql_priv_roles, 2, rv, error);
  if (rr == NULL)
    return NULL;
  g_autoptr (GPtrArray) names = ms_pg_column_strings (rr, 0);
  g_autofree char *role_list = ms_pg_array_literal ((const char *const *) names->pdata, names->len);
  ObjIds ids;
  g_autoptr (GError) missing = NULL;
  GPtrArray *out = NULL;
  if (!resolve_on (c, o, &ids, &missing))
    {
      if (!g_error_matches (missing, MS_ERROR, MS_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&missing));
          return NULL;
        }
      out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_privilege_free);
    }
  else
    {
      const char *v[] = { ids.type, ids.db, ids.table, ids.part, o->column_name,
                          user, group_list, role_list };
      g_autoptr (PGresult) r = ms_pg_exec (c, &sql_priv_set, 8, v, error);
      if (r == NULL)
        return NULL;
      out = privileges_from (r);
    }
  if (roles != NULL)
    *roles = g_steal_pointer (&names);
  return out;
}
