/*
 * hive_grants.c: roles, role grants and privileges of a Java metastore
 * database (store/hive_source.h): ROLES, ROLE_MAP and the six *_PRIVS
 * tables (global, database, table, partition, table column, partition
 * column), read in the source's snapshot.
 */
#include "store/hive_source_internal.h"
#include "store/partition_internal.h"

static gpointer
role_from_row (const PGresult *r, int i)
{
  MsRole *role = ms_role_new ();
  role->name = ms_pg_dup (r, i, 0);
  role->create_time = ms_pg_int (r, i, 1, 0);
  role->owner_name = ms_pg_dup (r, i, 2);
  return role;
}

GPtrArray *
ms_hive_source_roles (MsHiveSource *src, GError **error)
{
  g_autoptr (PGresult) r = ms_hive_run (src,
      "SELECT \"ROLE_NAME\", \"CREATE_TIME\", \"OWNER_NAME\" FROM \"ROLES\" ORDER BY 1",
      0, NULL, error);
  return r ? ms_pg_map_rows (r, role_from_row, (GDestroyNotify) ms_role_free) : NULL;
}

static gpointer
role_grant_from_row (const PGresult *r, int i)
{
  MsRoleGrant *g = ms_role_grant_new ();
  g->role_name = ms_pg_dup (r, i, 0);
  g->principal_name = ms_pg_dup (r, i, 1);
  g->principal_type = ms_hive_principal_type (ms_hive_cell (r, i, 2));
  g->grant_option = ms_pg_int (r, i, 3, 0) != 0;
  g->grant_time = ms_pg_int (r, i, 4, 0);
  g->grantor = ms_pg_dup (r, i, 5);
  g->grantor_type = ms_hive_principal_type (ms_hive_cell (r, i, 6));
  return g;
}

GPtrArray *
ms_hive_source_role_grants (MsHiveSource *src, GError **error)
{
  g_autoptr (PGresult) r = ms_hive_run (src,
      "SELECT r.\"ROLE_NAME\", m.\"PRINCIPAL_NAME\", m.\"PRINCIPAL_TYPE\", m.\"GRANT_OPTION\", "
      "m.\"ADD_TIME\", m.\"GRANTOR\", m.\"GRANTOR_TYPE\" FROM \"ROLE_MAP\" m "
      "JOIN \"ROLES\" r ON r.\"ROLE_ID\" = m.\"ROLE_ID\" ORDER BY m.\"ROLE_GRANT_ID\"",
      0, NULL, error);
  return r ? ms_pg_map_rows (r, role_grant_from_row, (GDestroyNotify) ms_role_grant_free)
           : NULL;
}

/* ---- privileges ---- */

/* The columns every *_PRIVS table shares, alias x; %2$s: the profile's
 * AUTHORIZER. */
#define GRANT_COLS(priv) \
  "x.\"PRINCIPAL_NAME\", x.\"PRINCIPAL_TYPE\", x.\"" priv "\", x.\"CREATE_TIME\", " \
  "x.\"GRANTOR\", x.\"GRANTOR_TYPE\", x.\"GRANT_OPTION\", %2$s"
/* as text: the other rows of the union have NULL there */
#define PART_VALUES \
  "(SELECT json_agg (v.\"PART_KEY_VAL\" ORDER BY v.\"INTEGER_IDX\") " \
  "FROM \"PARTITION_KEY_VALS\" v WHERE v.\"PART_ID\" = p.\"PART_ID\")::text"
#define OF_TABLE \
  "JOIN \"TBLS\" t ON t.\"TBL_ID\" = x.\"TBL_ID\" JOIN \"DBS\" d ON d.\"DB_ID\" = t.\"DB_ID\" "
#define OF_PART \
  "JOIN \"PARTITIONS\" p ON p.\"PART_ID\" = x.\"PART_ID\" " \
  "JOIN \"TBLS\" t ON t.\"TBL_ID\" = p.\"TBL_ID\" JOIN \"DBS\" d ON d.\"DB_ID\" = t.\"DB_ID\" "

/* type, catalog, database, table, partition values (JSON), column, then
 * GRANT_COLS; %1$s: the catalog of d. */
static const char sql_privileges[] =
  "SELECT 1, NULL, NULL, NULL, NULL, NULL, " GRANT_COLS ("USER_PRIV")
  " FROM \"GLOBAL_PRIVS\" x UNION ALL "
  "SELECT 2, %1$s, d.\"NAME\", NULL, NULL, NULL, " GRANT_COLS ("DB_PRIV")
  " FROM \"DB_PRIVS\" x JOIN \"DBS\" d ON d.\"DB_ID\" = x.\"DB_ID\" UNION ALL "
  "SELECT 3, %1$s, d.\"NAME\", t.\"TBL_NAME\", NULL, NULL, " GRANT_COLS ("TBL_PRIV")
  " FROM \"TBL_PRIVS\" x " OF_TABLE "UNION ALL "
  "SELECT 4, %1$s, d.\"NAME\", t.\"TBL_NAME\", " PART_VALUES ", NULL, "
  GRANT_COLS ("PART_PRIV") " FROM \"PART_PRIVS\" x " OF_PART "UNION ALL "
  "SELECT 5, %1$s, d.\"NAME\", t.\"TBL_NAME\", NULL, x.\"COLUMN_NAME\", "
  GRANT_COLS ("TBL_COL_PRIV") " FROM \"TBL_COL_PRIVS\" x " OF_TABLE "UNION ALL "
  "SELECT 5, %1$s, d.\"NAME\", t.\"TBL_NAME\", " PART_VALUES ", x.\"COLUMN_NAME\", "
  GRANT_COLS ("PART_COL_PRIV") " FROM \"PART_COL_PRIVS\" x " OF_PART;
enum { G_TYPE, G_CAT, G_DB, G_TABLE, G_PARTS, G_COLUMN, G_PRINCIPAL, G_PTYPE, G_PRIV,
       G_CREATE, G_GRANTOR, G_GTYPE, G_OPTION, G_AUTHORIZER };

typedef struct {
  guint batch;
  GPtrArray *privs;
  MsHiveBatchFunc fn;
  gpointer user;
} PrivCtx;

static gboolean
privs_flush (PrivCtx *ctx, GError **error)
{
  if (ctx->privs->len == 0)
    return TRUE;
  gboolean ok = ctx->fn (ctx->user, ctx->privs, error);
  g_ptr_array_set_size (ctx->privs, 0);
  return ok;
}

static MsPrivilege *
privilege_from_row (const PGresult *r, int i)
{
  MsPrivilege *p = ms_privilege_new ();
  p->object.type = ms_pg_int (r, i, G_TYPE, MS_OBJECT_GLOBAL);
  p->object.catalog = ms_pg_dup (r, i, G_CAT);
  p->object.db_name = ms_pg_dup (r, i, G_DB);
  p->object.table_name = ms_pg_dup (r, i, G_TABLE);
  const char *parts = ms_hive_cell (r, i, G_PARTS);
  if (parts != NULL)
    {
      g_autoptr (GPtrArray) vals = ms_partition_json_strings (parts);
      g_ptr_array_add (vals, NULL);
      p->object.part_values = g_strdupv ((char **) vals->pdata);
    }
  p->object.column_name = ms_pg_dup (r, i, G_COLUMN);
  p->principal_name = ms_pg_dup (r, i, G_PRINCIPAL);
  p->principal_type = ms_hive_principal_type (ms_hive_cell (r, i, G_PTYPE));
  p->privilege = ms_pg_dup (r, i, G_PRIV);
  p->create_time = ms_pg_int (r, i, G_CREATE, 0);
  p->grantor = ms_pg_dup (r, i, G_GRANTOR);
  p->grantor_type = ms_hive_principal_type (ms_hive_cell (r, i, G_GTYPE));
  p->grant_option = ms_pg_int (r, i, G_OPTION, 0) != 0;
  p->authorizer = ms_pg_dup (r, i, G_AUTHORIZER);
  return p;
}

static gboolean
privs_rows (gpointer user, const PGresult *r, GError **error)
{
  PrivCtx *ctx = user;
  for (int i = 0; i < PQntuples (r); i++)
    {
      g_ptr_array_add (ctx->privs, privilege_from_row (r, i));
      if (ctx->privs->len >= ctx->batch && !privs_flush (ctx, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ms_hive_source_privileges (MsHiveSource *src, guint batch, MsHiveBatchFunc fn, gpointer user,
                           GError **error)
{
  g_autofree char *sql = g_strdup_printf (sql_privileges, src->p->db_catalog,
                                          src->p->priv_authorizer);
  g_autoptr (GPtrArray) privs =
      g_ptr_array_new_with_free_func ((GDestroyNotify) ms_privilege_free);
  PrivCtx ctx = { MAX (batch, 1), privs, fn, user };
  return ms_hive_each_batch (src, sql, 0, NULL, FALSE, privs_rows, &ctx, error)
         && privs_flush (&ctx, error);
}

/* ---- constraints ---- */

/* The name of column 'idx' of descriptor columns 'cd', or of partition
 * key 'idx' of table 'tbl' when 'cd' is NULL (Hive keys constraint
 * columns so). */
#define KEY_COLUMN(cd, tbl, idx) \
  "CASE WHEN " cd " IS NULL THEN (SELECT q.\"PKEY_NAME\" FROM \"PARTITION_KEYS\" q " \
  "WHERE q.\"TBL_ID\" = " tbl " AND q.\"INTEGER_IDX\" = " idx ") ELSE (SELECT q.\"COLUMN_NAME\" " \
  "FROM \"COLUMNS_V2\" q WHERE q.\"CD_ID\" = " cd " AND q.\"INTEGER_IDX\" = " idx ") END"

/* kind, parent catalog, database, table, column, position, name, flags,
 * default value, child database, table, column, update rule, delete rule;
 * primary and unique keys first, foreign keys last (they reference them).
 * %s x2: the catalog of d, the profile's default value. */
static const char sql_constraints[] =
  "SELECT k.\"CONSTRAINT_TYPE\", %s, d.\"NAME\", pt.\"TBL_NAME\", "
  KEY_COLUMN ("k.\"PARENT_CD_ID\"", "k.\"PARENT_TBL_ID\"", "k.\"PARENT_INTEGER_IDX\"") ", "
  "k.\"POSITION\", k.\"CONSTRAINT_NAME\", k.\"ENABLE_VALIDATE_RELY\", %s, "
  "cd.\"NAME\", ct.\"TBL_NAME\", "
  KEY_COLUMN ("k.\"CHILD_CD_ID\"", "k.\"CHILD_TBL_ID\"", "k.\"CHILD_INTEGER_IDX\"") ", "
  "k.\"UPDATE_RULE\", k.\"DELETE_RULE\" FROM \"KEY_CONSTRAINTS\" k "
  "JOIN \"TBLS\" pt ON pt.\"TBL_ID\" = k.\"PARENT_TBL_ID\" "
  "JOIN \"DBS\" d ON d.\"DB_ID\" = pt.\"DB_ID\" "
  "LEFT JOIN \"TBLS\" ct ON ct.\"TBL_ID\" = k.\"CHILD_TBL_ID\" "
  "LEFT JOIN \"DBS\" cd ON cd.\"DB_ID\" = ct.\"DB_ID\" "
  "ORDER BY k.\"CONSTRAINT_TYPE\" = 1, k.\"PARENT_TBL_ID\", k.\"CONSTRAINT_NAME\", k.\"POSITION\"";
enum { K_KIND, K_CAT, K_DB, K_TABLE, K_COLUMN, K_POS, K_NAME, K_FLAGS, K_VALUE, K_CDB,
       K_CTABLE, K_CCOLUMN, K_UPDATE, K_DELETE };

static gpointer
constraint_from_row (const PGresult *r, int i)
{
  MsConstraintKind kind = ms_pg_int (r, i, K_KIND, 0);
  MsConstraint *c = ms_constraint_new (kind);
  int flags = ms_pg_int (r, i, K_FLAGS, 0);
  c->enable = (flags & 4) != 0;
  c->validate = (flags & 2) != 0;
  c->rely = (flags & 1) != 0;
  c->catalog = ms_pg_dup (r, i, K_CAT);
  c->key_seq = ms_pg_int (r, i, K_POS, 1);
  c->name = ms_pg_dup (r, i, K_NAME);
  c->value = ms_pg_dup (r, i, K_VALUE);
  gboolean fk = kind == MS_CONSTRAINT_FOREIGN_KEY;
  /* a foreign key belongs to its child table and references the parent */
  c->db_name = ms_pg_dup (r, i, fk ? K_CDB : K_DB);
  c->table_name = ms_pg_dup (r, i, fk ? K_CTABLE : K_TABLE);
  c->column = ms_pg_dup (r, i, fk ? K_CCOLUMN : K_COLUMN);
  if (fk)
    {
      c->ref_db = ms_pg_dup (r, i, K_DB);
      c->ref_table = ms_pg_dup (r, i, K_TABLE);
      c->ref_column = ms_pg_dup (r, i, K_COLUMN);
      c->update_rule = ms_pg_int (r, i, K_UPDATE, 0);
      c->delete_rule = ms_pg_int (r, i, K_DELETE, 0);
    }
  return c;
}

GPtrArray *
ms_hive_source_constraints (MsHiveSource *src, GError **error)
{
  g_autofree char *sql = g_strdup_printf (sql_constraints, src->p->db_catalog,
                                          src->p->cons_default);
  g_autoptr (PGresult) r = ms_hive_run (src, sql, 0, NULL, error);
  return r ? ms_pg_map_rows (r, constraint_from_row, (GDestroyNotify) ms_constraint_free) : NULL;
}
