/*
 * constraint.c: table constraints in PostgreSQL (sql/008_constraints.sql):
 * adding them (ms_store_constraints_add: one transaction that locks the
 * tables, hands them to the rules and writes the rows), reading them by
 * table or, for foreign keys, by parent and child, dropping one by name,
 * and dropping those whose columns an ALTER took away
 * (ms_store_constraints_drop_stale, inside the ALTER's transaction).
 * Adds write Hive's ADD_PRIMARYKEY ... ADD_CHECKCONSTRAINT events and a
 * drop its DROP_CONSTRAINT, in the change's transaction.
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/events.h"
#include "store/table_internal.h"
#include <stdio.h>
#include <string.h>

#define CONSTRAINT_SELECT \
  "SELECT k.kind, d.name, t.name, cc.column_name, cc.position, k.name, k.enable_cstr, " \
  "k.validate_cstr, k.rely_cstr, k.value, pd.name, pt.name, cc.ref_column_name, " \
  "k.update_rule, k.delete_rule, " \
  "(SELECT p.name FROM ms_constraints p WHERE p.table_id = k.ref_table_id AND p.kind = 0) " \
  "FROM ms_constraints k JOIN ms_constraint_columns cc " \
  "ON cc.table_id = k.table_id AND cc.constraint_id = k.constraint_id " \
  "JOIN ms_tables t ON t.table_id = k.table_id JOIN ms_databases d ON d.db_id = t.db_id " \
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id " \
  "LEFT JOIN ms_tables pt ON pt.table_id = k.ref_table_id " \
  "LEFT JOIN ms_databases pd ON pd.db_id = pt.db_id "
#define CONSTRAINT_ORDER " ORDER BY d.name, t.name, k.kind, k.name, cc.position"

static const MsSql sql_by_table_id = { "constraint_by_table_id",
  CONSTRAINT_SELECT "WHERE k.table_id = $1" CONSTRAINT_ORDER,
  .read_only = TRUE };
static const MsSql sql_by_table = { "constraint_by_table",
  CONSTRAINT_SELECT "WHERE c.name = $1 AND d.name = $2 AND t.name = $3 "
  "AND ($4::smallint < 0 OR k.kind = $4::smallint)" CONSTRAINT_ORDER,
  .read_only = TRUE };
static const MsSql sql_foreign_keys = { "constraint_foreign_keys",
  CONSTRAINT_SELECT "WHERE c.name = $1 AND k.kind = 1 "
  "AND ($2::text IS NULL OR pd.name = $2) AND ($3::text IS NULL OR pt.name = $3) "
  "AND ($4::text IS NULL OR d.name = $4) AND ($5::text IS NULL OR t.name = $5)" CONSTRAINT_ORDER,
  .read_only = TRUE };
static const MsSql sql_insert = { "constraint_insert",
  "INSERT INTO ms_constraints (table_id, name, kind, enable_cstr, validate_cstr, rely_cstr, "
  "value, ref_table_id, update_rule, delete_rule) "
  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING constraint_id" };
/* the type of column 'n' of table 'id', as the constraint is added */
#define COLUMN_TYPE(id, n) \
  "(SELECT lower (e->>'type') FROM ms_tables t, " \
  "jsonb_array_elements (t.cols || t.partition_keys) e " \
  "WHERE t.table_id = " id " AND lower (e->>'name') = " n " LIMIT 1)"
static const MsSql sql_insert_column = { "constraint_insert_column",
  "INSERT INTO ms_constraint_columns (table_id, constraint_id, position, column_name, "
  "column_type, ref_column_name, ref_column_type) "
  "SELECT $1, $2, $3, $4::text, " COLUMN_TYPE ("$1", "$4::text") ", $5::text, "
  COLUMN_TYPE ("$6::bigint", "$5::text") };
static const MsSql sql_drop = { "constraint_drop",
  "DELETE FROM ms_constraints k USING ms_tables t JOIN ms_databases d ON d.db_id = t.db_id "
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name = $2 AND t.name = $3 AND k.name = $4 "
  "AND (k.table_id = t.table_id OR k.ref_table_id = t.table_id)" };
/* a constraint column still there: same name and type (Hive compares the
 * whole column; a comment change keeps constraints here) */
#define COLUMN_KEPT(n, ty) \
  "EXISTS (SELECT 1 FROM jsonb_array_elements (t.cols || t.partition_keys) e " \
  "WHERE lower (e->>'name') = " n " AND lower (e->>'type') IS NOT DISTINCT FROM " ty ")"
static const MsSql sql_drop_stale = { "constraint_drop_stale",
  "DELETE FROM ms_constraints k WHERE (k.table_id = $1 OR k.ref_table_id = $1) AND EXISTS ("
  "SELECT 1 FROM ms_constraint_columns cc JOIN ms_tables t ON t.table_id = $1 "
  "WHERE cc.table_id = k.table_id AND cc.constraint_id = k.constraint_id AND ("
  "(k.table_id = $1 AND cc.column_name IS NOT NULL "
  "AND NOT " COLUMN_KEPT ("cc.column_name", "cc.column_type") ") "
  "OR (k.ref_table_id = $1 AND NOT " COLUMN_KEPT ("cc.ref_column_name", "cc.ref_column_type")
  ")))" };

char *
ms_constraint_table_key (const char *db, const char *table)
{
  return g_strconcat (db ? db : "", "\x1f", table ? table : "", NULL);
}

/* ---- reads ---- */

static MsConstraint *
constraint_from_row (const PGresult *r, int i, const char *catalog)
{
  MsConstraint *c = ms_constraint_new ((MsConstraintKind) ms_pg_int (r, i, 0, 0));
  c->catalog = g_strdup (catalog);
  c->db_name = ms_pg_dup (r, i, 1);
  c->table_name = ms_pg_dup (r, i, 2);
  c->column = ms_pg_dup (r, i, 3);
  c->key_seq = ms_pg_int (r, i, 4, 1);
  c->name = ms_pg_dup (r, i, 5);
  c->enable = ms_pg_bool (r, i, 6);
  c->validate = ms_pg_bool (r, i, 7);
  c->rely = ms_pg_bool (r, i, 8);
  c->value = ms_pg_dup (r, i, 9);
  c->ref_db = ms_pg_dup (r, i, 10);
  c->ref_table = ms_pg_dup (r, i, 11);
  c->ref_column = ms_pg_dup (r, i, 12);
  c->update_rule = ms_pg_int (r, i, 13, 0);
  c->delete_rule = ms_pg_int (r, i, 14, 0);
  c->ref_pk_name = ms_pg_dup (r, i, 15);
  return c;
}

static GPtrArray *
constraints_from_result (const PGresult *r, const char *catalog)
{
  GPtrArray *out = ms_constraints_new ();
  for (int i = 0; i < PQntuples (r); i++)
    g_ptr_array_add (out, constraint_from_row (r, i, catalog));
  return out;
}

static GPtrArray *
query (MsStore *s, const MsSql *sql, int n, const char *const *v, const char *catalog,
       GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return NULL;
  g_autoptr (PGresult) r = ms_pg_exec (c, sql, n, v, error);
  return r ? constraints_from_result (r, catalog) : NULL;
}

GPtrArray *
ms_store_constraints_get (MsStore *s, const char *catalog, const char *db, const char *table,
                          int kind, GError **error)
{
  char k[16];
  snprintf (k, sizeof k, "%d", kind < 0 ? -1 : kind);
  const char *v[] = { catalog, db, table, k };
  return query (s, &sql_by_table, 4, v, catalog, error);
}

GPtrArray *
ms_store_foreign_keys (MsStore *s, const char *catalog, const char *parent_db,
                       const char *parent_table, const char *child_db, const char *child_table,
                       GError **error)
{
  const char *v[] = { catalog, parent_db, parent_table, child_db, child_table };
  return query (s, &sql_foreign_keys, 5, v, catalog, error);
}

/* ---- add ---- */

static void
constraint_table_free (MsConstraintTable *t)
{
  ms_table_free (t->table);
  g_ptr_array_unref (t->stored);
  g_free (t);
}

static gint
by_string (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every table 'rows' names (owners and foreign keys' parents), sorted so
 * that concurrent adds lock them in one order. */
static GPtrArray *
named_tables (GPtrArray *rows)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < rows->len; i++)
    {
      const MsConstraint *c = g_ptr_array_index (rows, i);
      const char *pairs[2][2] = { { c->db_name, c->table_name }, { c->ref_db, c->ref_table } };
      for (guint p = 0; p < (c->kind == MS_CONSTRAINT_FOREIGN_KEY ? 2u : 1u); p++)
        {
          if (pairs[p][0] == NULL || pairs[p][1] == NULL)
            continue;
          g_autofree char *db = g_ascii_strdown (pairs[p][0], -1);
          g_autofree char *tb = g_ascii_strdown (pairs[p][1], -1);
          char *key = ms_constraint_table_key (g_strstrip (db), g_strstrip (tb));
          /* (g_hash_table_add would swap in the new key) */
          if (g_hash_table_contains (seen, key))
            g_free (key);
          else
            {
              g_hash_table_add (seen, key);
              g_ptr_array_add (out, key);
            }
        }
    }
  g_ptr_array_sort (out, by_string);
  return out;
}

/* Lock and load the tables 'rows' name into 'tables' (key ->
 * MsConstraintTable*); missing tables are left out for the rules. */
static gboolean
load_tables (MsPgConn *c, const char *catalog, GPtrArray *rows, GHashTable *tables,
             GError **error)
{
  g_autoptr (GPtrArray) keys = named_tables (rows);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      g_auto (GStrv) parts = g_strsplit (key, "\x1f", 2);
      g_autoptr (GError) local = NULL;
      MsTable *t = ms_store_table_get_on (c, catalog, parts[0], parts[1], TRUE, &local);
      if (t == NULL && !g_error_matches (local, MS_ERROR, MS_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (t == NULL)
        continue;
      char id[24];
      snprintf (id, sizeof id, "%" G_GINT64_FORMAT, t->id);
      const char *v[] = { id };
      g_autoptr (PGresult) r = ms_pg_exec (c, &sql_by_table_id, 1, v, error);
      if (r == NULL)
        {
          ms_table_free (t);
          return FALSE;
        }
      MsConstraintTable *ct = g_new0 (MsConstraintTable, 1);
      ct->table = t;
      ct->stored = constraints_from_result (r, catalog);
      g_hash_table_insert (tables, g_strdup (key), ct);
    }
  return TRUE;
}

static gint64
table_id_of (GHashTable *tables, const char *db, const char *table)
{
  g_autofree char *key = ms_constraint_table_key (db, table);
  MsConstraintTable *t = g_hash_table_lookup (tables, key);
  return t ? t->table->id : 0;
}

/* Insert row 'r' of a constraint whose id is *cid (0: insert the
 * constraint first, setting *cid). */
static gboolean
insert_row (MsPgConn *c, GHashTable *tables, const MsConstraint *r, char cid[24], GError **error)
{
  char tid[24], ref[24] = "", seq[16], upd[16], del[16], kind[8];
  snprintf (tid, sizeof tid, "%" G_GINT64_FORMAT, table_id_of (tables, r->db_name, r->table_name));
  gboolean fk = r->kind == MS_CONSTRAINT_FOREIGN_KEY;
  if (fk)
    snprintf (ref, sizeof ref, "%" G_GINT64_FORMAT, table_id_of (tables, r->ref_db, r->ref_table));
  snprintf (seq, sizeof seq, "%d", r->key_seq);
  snprintf (upd, sizeof upd, "%d", r->update_rule);
  snprintf (del, sizeof del, "%d", r->delete_rule);
  snprintf (kind, sizeof kind, "%d", (int) r->kind);
  if (*cid == '\0')
    {
      const char *v[] = { tid, r->name, kind, r->enable ? "t" : "f", r->validate ? "t" : "f",
                          r->rely ? "t" : "f", r->value, fk ? ref : NULL, fk ? upd : NULL,
                          fk ? del : NULL };
      g_autoptr (PGresult) res = ms_pg_exec (c, &sql_insert, 10, v, error);
      if (res == NULL)
        return FALSE;
      g_strlcpy (cid, PQgetvalue (res, 0, 0), 24);
    }
  const char *v[] = { tid, cid, seq, r->column, fk ? r->ref_column : NULL, fk ? ref : NULL };
  g_autoptr (PGresult) res = ms_pg_exec (c, &sql_insert_column, 6, v, error);
  return res != NULL;
}

static gint
by_constraint (gconstpointer a, gconstpointer b)
{
  const MsConstraint *x = *(MsConstraint *const *) a, *y = *(MsConstraint *const *) b;
  int r = g_strcmp0 (x->db_name, y->db_name);
  if (r == 0)
    r = g_strcmp0 (x->table_name, y->table_name);
  if (r == 0)
    r = g_strcmp0 (x->name, y->name);
  return r != 0 ? r : x->key_seq - y->key_seq;
}

static gboolean
insert_rows (MsPgConn *c, GHashTable *tables, GPtrArray *rows, GError **error)
{
  /* borrowed rows (a g_ptr_array_copy would free them too) */
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (rows->len);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (rows, i));
  g_ptr_array_sort (sorted, by_constraint);
  char cid[24] = "";
  for (guint i = 0; i < sorted->len; i++)
    {
      const MsConstraint *r = g_ptr_array_index (sorted, i);
      const MsConstraint *prev = i > 0 ? g_ptr_array_index (sorted, i - 1) : NULL;
      if (prev == NULL || g_strcmp0 (prev->db_name, r->db_name) != 0
          || g_strcmp0 (prev->table_name, r->table_name) != 0
          || g_strcmp0 (prev->name, r->name) != 0)
        cid[0] = '\0';
      g_autoptr (GError) local = NULL;
      if (insert_row (c, tables, r, cid, &local))
        continue;
      if (g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Constraint name already exists: %s.%s.%s"
                        " (or a second primary key, or a repeated key_seq %d)",
                        r->db_name, r->table_name, r->name, r->key_seq);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* One ADD_* event per kind that 'rows' hold, in the order Hive's
 * create_table notifies its transactional listeners (primary keys, foreign
 * keys, unique, not null, check, default), each with the rows of its kind
 * in the order they came. */
static gboolean
emit_added (MsStore *s, MsPgConn *c, GPtrArray *rows, GError **error)
{
  static const MsConstraintKind order[] = {
    MS_CONSTRAINT_PRIMARY_KEY, MS_CONSTRAINT_FOREIGN_KEY, MS_CONSTRAINT_UNIQUE,
    MS_CONSTRAINT_NOT_NULL, MS_CONSTRAINT_CHECK, MS_CONSTRAINT_DEFAULT,
  };
  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    {
      g_autoptr (GPtrArray) of_kind = g_ptr_array_new ();   /* borrowed rows */
      for (guint i = 0; i < rows->len; i++)
        if (((MsConstraint *) g_ptr_array_index (rows, i))->kind == order[k])
          g_ptr_array_add (of_kind, g_ptr_array_index (rows, i));
      MsEvent ev = { .type = ms_event_type_of_constraint (order[k]), .constraints = of_kind };
      if (of_kind->len > 0 && !ms_store_emit (s, c, &ev, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ms_store_constraints_add (MsStore *s, const char *catalog, MsTable *create,
                          const GPtrArray *create_grants, GPtrArray *rows,
                          MsConstraintCheckFunc check, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_store_begin_logged (s, c, error))
    return FALSE;
  if (create != NULL && !ms_store_table_insert_granted_on (s, c, create, create_grants, error))
    return FALSE;
  g_autoptr (GHashTable) tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) constraint_table_free);
  if (!load_tables (c, catalog, rows, tables, error) || !check (rows, tables, error)
      || !insert_rows (c, tables, rows, error) || !emit_added (s, c, rows, error))
    return FALSE;
  return ms_pg_commit (c, error);
}

/* ---- drop ---- */

gboolean
ms_store_constraint_drop (MsStore *s, const char *catalog, const char *db, const char *table,
                          const char *name, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  const char *v[] = { catalog, db, table, name };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_drop, 4, v, error);
  if (r == NULL)
    return FALSE;
  if (g_str_equal (PQcmdTuples (r), "0"))
    return ms_fail (error, MS_ERROR_NOT_FOUND,
                    "The constraint: %s does not exist for the associated table: %s.%s",
                    name, db, table);
  MsEvent ev = { .type = MS_EVENT_DROP_CONSTRAINT, .catalog = catalog, .db_name = db,
                 .table_name = table, .constraint_name = name };
  return ms_store_emit (s, c, &ev, error) && ms_pg_commit (c, error);
}

/* The constraints an ALTER took away write no event of their own: Hive
 * deletes them with the old column descriptor in its ObjectStore, past
 * every listener, and its ALTER_TABLE event is the whole notice. */
gboolean
ms_store_constraints_drop_stale (MsPgConn *c, const char *table_id, GError **error)
{
  const char *v[] = { table_id };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_drop_stale, 1, v, error);
  return r != NULL;
}
