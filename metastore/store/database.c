/*
 * database.c: databases. Reads are one indexed statement joined with the
 * catalog; changes of several rows (drop with cascade) are one transaction.
 *
 * Accepted race: create pre-checks nothing and relies on the unique index
 * (cat_id, name); SQLSTATE 23505 becomes AlreadyExists with a friendly text.
 *
 * Nested namespaces are databases named "a.b": children are found with a
 * LIKE on the parent name, its wildcards escaped, plus ".%" (names have
 * collation "C": bytewise order and prefix). A child's insert share-locks
 * its parent's row and a drop locks the row for update before counting the
 * children, so no child outlives its parent.
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/events.h"
#include "store/table_internal.h"
#include "store/json.h"
#include "model/owned.h"
#include <stdio.h>
#include <string.h>

#define DB_COLUMNS \
  "c.name, d.name, d.description, d.location_uri, d.managed_location_uri, d.owner_name, " \
  "d.owner_type, d.create_time, d.db_type, d.connector_name, d.remote_dbname, d.params"

/* Both inserts: the row's values are $2..$12, the catalog named $1. */
#define DB_INSERT_HEAD \
  "INSERT INTO ms_databases (cat_id, name, description, location_uri, managed_location_uri, " \
  "  owner_name, owner_type, create_time, db_type, connector_name, remote_dbname, params) " \
  "SELECT c.cat_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb "

static const MsSql sql_db_insert = { "db_insert",
  DB_INSERT_HEAD
  "FROM ms_catalogs c WHERE c.name = $1" };
static const MsSql sql_db_get = { "db_get",
  "SELECT " DB_COLUMNS " FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name = $2",
  .read_only = TRUE };
static const MsSql sql_db_list = { "db_list",
  "SELECT d.name FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND ($2::text IS NULL OR d.name ~* $2) ORDER BY d.name",
  .read_only = TRUE };
static const MsSql sql_cat_exists = { "db_cat_exists",
  "SELECT 1 FROM ms_catalogs WHERE name = $1",
  .read_only = TRUE };
static const MsSql sql_db_alter = { "db_alter",
  "UPDATE ms_databases d SET "
  "  description = COALESCE($3, d.description), "
  "  location_uri = COALESCE($4, d.location_uri), "
  "  managed_location_uri = COALESCE($5, d.managed_location_uri), "
  "  owner_name = COALESCE($6, d.owner_name), "
  "  owner_type = COALESCE($7::smallint, d.owner_type), "
  "  params = COALESCE($8::jsonb, d.params) "
  "FROM ms_catalogs c WHERE c.cat_id = d.cat_id AND c.name = $1 AND d.name = $2" };
static const MsSql sql_db_lock = { "db_lock",
  "SELECT d.db_id, d.location_uri, d.cat_id FROM ms_databases d "
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name = $2 FOR UPDATE OF d" };
static const MsSql sql_db_child_count = { "db_child_count",
  "SELECT count(*), min(name) FROM ms_databases WHERE cat_id = $1 AND name LIKE $2 ESCAPE '\\'",
  .read_only = TRUE };
static const MsSql sql_db_insert_child = { "db_insert_child",
  DB_INSERT_HEAD
  "FROM ms_catalogs c JOIN ms_databases p ON p.cat_id = c.cat_id "
  "WHERE c.name = $1 AND p.name = $13 FOR KEY SHARE OF p" };
static const MsSql sql_db_children = { "db_children",
  "SELECT d.name FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name LIKE $2 ESCAPE '\\' "
  "AND strpos(substr(d.name, COALESCE(length($3::text) + 2, 1)), '.') = 0 "
  "AND ($4::text IS NULL OR d.name > $4) ORDER BY d.name LIMIT $5::bigint",
  .read_only = TRUE };
static const MsSql sql_db_get_for_edit = { "db_get_for_edit",
  "SELECT " DB_COLUMNS ", d.db_id FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name = $2 FOR NO KEY UPDATE OF d" };
static const MsSql sql_db_write = { "db_write",
  "UPDATE ms_databases SET description = $2, location_uri = $3, managed_location_uri = $4, "
  "  owner_name = $5, owner_type = $6::smallint, params = $7::jsonb WHERE db_id = $1" };
static const MsSql sql_db_counts = { "db_counts",
  "SELECT (SELECT count(*) FROM ms_tables WHERE db_id = $1), "
  "       (SELECT count(*) FROM ms_functions WHERE db_id = $1)",
  .read_only = TRUE };
static const MsSql sql_db_tables_data = { "db_tables_data",
  "SELECT table_id, table_type, location, params->>'EXTERNAL', params->>'external.table.purge' "
  "FROM ms_tables WHERE db_id = $1 AND table_type <> 'VIRTUAL_VIEW'",
  .read_only = TRUE };
static const MsSql sql_db_partitions_data = { "db_partitions_data",
  "SELECT p.table_id, p.location FROM ms_partitions p JOIN ms_tables t ON t.table_id = p.table_id "
  "WHERE t.db_id = $1 AND t.table_type <> 'VIRTUAL_VIEW' AND p.location IS NOT NULL",
  .read_only = TRUE };
static const MsSql sql_db_delete_contents = { "db_delete_contents",
  "WITH f AS (DELETE FROM ms_functions WHERE db_id = $1), "
  "v AS (DELETE FROM ms_partition_values WHERE table_id IN "
  "  (SELECT table_id FROM ms_tables WHERE db_id = $1)) "
  "DELETE FROM ms_tables WHERE db_id = $1" };
static const MsSql sql_db_delete = { "db_delete", "DELETE FROM ms_databases WHERE db_id = $1" };

/* The LIKE pattern of the children of 'parent': its name with '\\', '%'
 * and '_' escaped, then ".%". */
static char *
children_pattern (const char *parent)
{
  GString *p = g_string_sized_new (strlen (parent) + 4);
  for (const char *c = parent; *c; c++)
    {
      if (*c == '\\' || *c == '%' || *c == '_')
        g_string_append_c (p, '\\');
      g_string_append_c (p, *c);
    }
  g_string_append (p, ".%");
  return g_string_free (p, FALSE);
}

/* Insert 'db' with 'sql' (sql_db_insert, or sql_db_insert_child with
 * 'parent' as $13); *inserted tells whether a row was made. */
static gboolean
insert_database (MsStore *s, const MsSql *sql, const MsDatabase *db, const char *parent,
                 gboolean *inserted, GError **error)
{
  char owner_type[8], create_time[16], db_type[8];
  snprintf (owner_type, sizeof owner_type, "%d", (int) db->owner_type);
  snprintf (create_time, sizeof create_time, "%d", db->create_time);
  snprintf (db_type, sizeof db_type, "%d", (int) db->type);
  g_autofree char *params = ms_json_from_params (db->params);
  const char *v[] = {
    db->catalog, db->name, db->description, db->location_uri, db->managed_location_uri,
    db->owner_name, db->owner_type ? owner_type : NULL, create_time, db_type,
    db->connector_name, db->remote_dbname, params, parent,
  };
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_store_begin_logged (s, c, error))
    return FALSE;
  g_autoptr (PGresult) r = ms_pg_exec_unique (c, sql, parent ? 13 : 12, v, error,
                                              "Database %s already exists", db->name);
  if (r == NULL)
    return FALSE;
  *inserted = !g_str_equal (PQcmdTuples (r), "0");
  MsEvent ev = { .type = MS_EVENT_CREATE_DATABASE, .db = db };
  return !*inserted || (ms_store_emit (s, c, &ev, error) && ms_pg_commit (c, error));
}

gboolean
ms_store_database_create (MsStore *s, const MsDatabase *db, GError **error)
{
  gboolean inserted = FALSE;
  if (!insert_database (s, &sql_db_insert, db, NULL, &inserted, error))
    return FALSE;
  if (!inserted)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "No such catalog %s", db->catalog);
  return TRUE;
}

gboolean
ms_store_database_create_child (MsStore *s, const MsDatabase *db, const char *parent,
                                GError **error)
{
  g_return_val_if_fail (parent != NULL, FALSE);
  gboolean inserted = FALSE;
  if (!insert_database (s, &sql_db_insert_child, db, parent, &inserted, error))
    return FALSE;
  if (!inserted)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "There is no database %s.%s", db->catalog, parent);
  return TRUE;
}

GPtrArray *
ms_store_database_children (MsStore *s, const char *catalog, const char *parent,
                            const char *after, gint64 limit, GError **error)
{
  g_autofree char *pattern = parent ? children_pattern (parent) : g_strdup ("%");
  /* the part after "<parent>." ($3) holds no '.' */
  char lim[24];
  snprintf (lim, sizeof lim, "%" G_GINT64_FORMAT, limit);
  const char *v[] = { catalog, pattern, parent, after, limit >= 0 ? lim : NULL };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_db_children, 5, v, error);
  if (r == NULL)
    return NULL;
  return ms_pg_column_strings (r, 0);
}

/* DB_COLUMNS but the last (params, JSON) */
static const MsPgColumn db_columns[] = {
  MS_PG_STR_COL (MsDatabase, catalog), MS_PG_STR_COL (MsDatabase, name),
  MS_PG_STR_COL (MsDatabase, description), MS_PG_STR_COL (MsDatabase, location_uri),
  MS_PG_STR_COL (MsDatabase, managed_location_uri), MS_PG_STR_COL (MsDatabase, owner_name),
  MS_PG_COL (MsDatabase, owner_type, MS_PG_INT, 0), MS_PG_COL (MsDatabase, create_time, MS_PG_INT, 0),
  MS_PG_COL (MsDatabase, type, MS_PG_INT, MS_DB_NATIVE),
  MS_PG_STR_COL (MsDatabase, connector_name), MS_PG_STR_COL (MsDatabase, remote_dbname),
};
G_STATIC_ASSERT (sizeof (MsPrincipalType) == sizeof (int) && sizeof (MsDatabaseType) == sizeof (int));

static MsDatabase *
database_from_row (const PGresult *r, int i)
{
  MsDatabase *d = ms_database_new ();
  MS_PG_READ_ROW (r, i, 0, d, db_columns);
  g_hash_table_unref (d->params);
  d->params = ms_json_to_params (PQgetisnull (r, i, 11) ? NULL : PQgetvalue (r, i, 11));
  return d;
}

MsDatabase *
ms_store_database_get_on (MsPgConn *c, const char *catalog, const char *name, GError **error)
{
  const char *v[] = { catalog, name };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_db_get, 2, v, error);
  if (r == NULL)
    return NULL;
  if (PQntuples (r) == 0)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "There is no database %s.%s", catalog, name), NULL;
  return database_from_row (r, 0);
}

MsDatabase *
ms_store_database_get (MsStore *s, const char *catalog, const char *name, GError **error)
{
  const char *v[] = { catalog, name };
  g_autoptr (PGresult) r = ms_pool_exec_found (s->pool, &sql_db_get, 2, v, error,
                                               "There is no database %s.%s", catalog, name);
  if (r == NULL)
    return NULL;
  return database_from_row (r, 0);
}

GPtrArray *
ms_store_database_list (MsStore *s, const char *catalog, const char *regex, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return NULL;
  const char *v[] = { catalog, regex };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_db_list, 2, v, error);
  if (r == NULL)
    return NULL;
  if (PQntuples (r) == 0)
    {
      /* an unknown catalog is an error, an empty match is not */
      g_autoptr (PGresult) e = ms_pg_exec (c, &sql_cat_exists, 1, v, error);
      if (e == NULL)
        return NULL;
      if (PQntuples (e) == 0)
        {
          ms_fail (error, MS_ERROR_NOT_FOUND, "No catalog %s", catalog);
          return NULL;
        }
    }
  return ms_pg_column_strings (r, 0);
}

/* Forward: begin_locked_db is below. */
static MsPgConn *begin_locked_db (MsStore *s, const MsSql *sql, const char *catalog,
                                  const char *name, PGresult **row, GError **error);

gboolean
ms_store_database_alter (MsStore *s, const char *catalog, const char *name,
                         const MsDatabase *db, GError **error)
{
  char owner_type[8];
  snprintf (owner_type, sizeof owner_type, "%d", (int) db->owner_type);
  g_autofree char *params = db->params ? ms_json_from_params (db->params) : NULL;
  const char *v[] = {
    catalog, name, db->description, db->location_uri, db->managed_location_uri,
    db->owner_name, db->owner_type ? owner_type : NULL, params,
  };
  if (!ms_store_events_enabled (s))
    {
      /* one statement: no state before or after to log */
      g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_db_alter, 8, v, error);
      if (r == NULL)
        return FALSE;
      if (g_str_equal (PQcmdTuples (r), "0"))
        return ms_fail (error, MS_ERROR_NOT_FOUND, "There is no database %s.%s", catalog, name);
      return TRUE;
    }
  g_autoptr (PGresult) before = NULL;
  g_autoptr (MsPgConn) c = begin_locked_db (s, &sql_db_get_for_edit, catalog, name, &before,
                                            error);
  if (c == NULL)
    return FALSE;
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_db_alter, 8, v, error);
  if (r == NULL)
    return FALSE;
  g_autoptr (PGresult) after = ms_pg_exec (c, &sql_db_get_for_edit, 2, v, error);
  if (after == NULL)
    return FALSE;
  g_autoptr (MsDatabase) old_db = database_from_row (before, 0);
  g_autoptr (MsDatabase) new_db = database_from_row (after, 0);
  MsEvent ev = { .type = MS_EVENT_ALTER_DATABASE, .db = new_db, .db_before = old_db };
  return ms_store_emit (s, c, &ev, error) && ms_pg_commit (c, error);
}

/* Borrow a connection, begin a transaction on it and read database
 * catalog.name with 'sql' (which locks its row). Returns the connection
 * (caller owns; leaving without ms_pg_commit rolls back) and in *row
 * (caller owns) the row, or NULL with *error set (MS_ERROR_NOT_FOUND for a
 * missing database). */
static MsPgConn *
begin_locked_db (MsStore *s, const MsSql *sql, const char *catalog, const char *name,
                 PGresult **row, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return NULL;
  const char *v[] = { catalog, name };
  g_autoptr (PGresult) r = ms_pg_exec (c, sql, 2, v, error);
  if (r == NULL)
    return NULL;
  if (PQntuples (r) == 0)
    {
      ms_fail (error, MS_ERROR_NOT_FOUND, "There is no database %s.%s", catalog, name);
      return NULL;
    }
  *row = g_steal_pointer (&r);
  return g_steal_pointer (&c);
}

gboolean
ms_store_database_edit (MsStore *s, const char *catalog, const char *name,
                        MsDatabaseEditFunc edit, gpointer user, GError **error)
{
  g_autoptr (PGresult) r = NULL;
  g_autoptr (MsPgConn) c = begin_locked_db (s, &sql_db_get_for_edit, catalog, name, &r, error);
  if (c == NULL)
    return FALSE;
  g_autoptr (MsDatabase) db = database_from_row (r, 0);
  g_autoptr (MsDatabase) old_db = database_from_row (r, 0);
  if (!edit (db, user, error))
    return FALSE;

  char owner_type[8];
  snprintf (owner_type, sizeof owner_type, "%d", (int) db->owner_type);
  g_autofree char *params = ms_json_from_params (db->params);
  const char *w[] = {
    PQgetvalue (r, 0, 12), db->description, db->location_uri, db->managed_location_uri,
    db->owner_name, db->owner_name && db->owner_type ? owner_type : NULL, params,
  };
  g_autoptr (PGresult) u = ms_pg_exec (c, &sql_db_write, 7, w, error);
  MsEvent ev = { .type = MS_EVENT_ALTER_DATABASE, .db = db, .db_before = old_db };
  return u != NULL && ms_store_emit (s, c, &ev, error) && ms_pg_commit (c, error);
}

static const MsOwned dropped_table_owned[] = {
  MS_OWNED (MsDroppedTable, table, ms_table_free, NULL),
  MS_OWNED (MsDroppedTable, part_locations, g_ptr_array_unref, NULL),
};

MS_OWNED_DEFINE_FREE (MsDroppedTable, ms_dropped_table_free, dropped_table_owned)

/* The tables of database 'db_id' but views, with what the data rules
 * read (type, EXTERNAL, external.table.purge, location) and their
 * partitions' locations; inside the drop's transaction. */
static GPtrArray *
dropped_tables (MsPgConn *c, const char *db_id, GError **error)
{
  const char *id[] = { db_id };
  g_autoptr (PGresult) tr = ms_pg_exec (c, &sql_db_tables_data, 1, id, error);
  g_autoptr (PGresult) pr = tr ? ms_pg_exec (c, &sql_db_partitions_data, 1, id, error) : NULL;
  if (pr == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_dropped_table_free);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (int i = 0; i < PQntuples (tr); i++)
    {
      MsDroppedTable *d = g_new0 (MsDroppedTable, 1);
      d->table = ms_table_new ();
      d->table->table_type = ms_pg_dup (tr, i, 1);
      d->table->sd = ms_sd_new ();
      d->table->sd->location = ms_pg_dup (tr, i, 2);
      static const char *const keys[] = { NULL, NULL, NULL, "EXTERNAL", "external.table.purge" };
      for (int k = 3; k <= 4; k++)
        if (!PQgetisnull (tr, i, k))
          g_hash_table_insert (d->table->params, g_strdup (keys[k]), ms_pg_dup (tr, i, k));
      d->part_locations = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (by_id, PQgetvalue (tr, i, 0), d);
      g_ptr_array_add (out, d);
    }
  for (int i = 0; i < PQntuples (pr); i++)
    {
      MsDroppedTable *d = g_hash_table_lookup (by_id, PQgetvalue (pr, i, 0));
      if (d != NULL)
        g_ptr_array_add (d->part_locations, ms_pg_dup (pr, i, 1));
    }
  return out;
}

/* The events of a database drop: DROP_TABLE for each table and
 * DROP_FUNCTION for each function it takes with it (as Hive drops them one
 * by one), then DROP_DATABASE. */
static gboolean
drop_events (MsStore *s, MsPgConn *c, const char *catalog, const char *name, gint64 ntables,
             gint64 nfuncs, GError **error)
{
  if (!ms_store_events_enabled (s))
    return TRUE;
  g_autoptr (MsDatabase) db = NULL;
  g_autoptr (PGresult) row = NULL;
  const char *v[] = { catalog, name };
  if ((row = ms_pg_exec (c, &sql_db_get_for_edit, 2, v, error)) == NULL)
    return FALSE;
  db = database_from_row (row, 0);
  g_autoptr (GPtrArray) tables = ntables > 0 ? ms_store_table_get_many_on (c, catalog, name, NULL,
                                                                           0, NULL, error)
                                             : g_ptr_array_new ();
  if (tables == NULL)
    return FALSE;
  for (guint i = 0; i < tables->len; i++)
    {
      MsEvent ev = { .type = MS_EVENT_DROP_TABLE, .table = g_ptr_array_index (tables, i) };
      if (!ms_store_emit (s, c, &ev, error))
        return FALSE;
    }
  g_autoptr (GPtrArray) funcs = nfuncs > 0 ? ms_store_function_list_on (c, catalog, name, error)
                                           : g_ptr_array_new ();
  if (funcs == NULL)
    return FALSE;
  for (guint i = 0; i < funcs->len; i++)
    {
      MsEvent ev = { .type = MS_EVENT_DROP_FUNCTION, .function = g_ptr_array_index (funcs, i) };
      if (!ms_store_emit (s, c, &ev, error))
        return FALSE;
    }
  MsEvent ev = { .type = MS_EVENT_DROP_DATABASE, .db = db };
  return ms_store_emit (s, c, &ev, error);
}

gboolean
ms_store_database_drop (MsStore *s, const char *catalog, const char *name, gboolean cascade,
                        char **out_location, GPtrArray **out_tables, GError **error)
{
  g_autoptr (PGresult) lock = NULL;
  g_autoptr (MsPgConn) c = begin_locked_db (s, &sql_db_lock, catalog, name, &lock, error);
  if (c == NULL)
    return FALSE;

  const char *id[] = { PQgetvalue (lock, 0, 0) };
  g_autoptr (PGresult) counts = ms_pg_exec (c, &sql_db_counts, 1, id, error);
  if (counts == NULL)
    return FALSE;
  gint64 ntables = ms_pg_int64 (counts, 0, 0, 0), nfuncs = ms_pg_int64 (counts, 0, 1, 0);
  if (!cascade && (ntables > 0 || nfuncs > 0))
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "Database %s is not empty. One or more %s exist.", name,
                    ntables > 0 ? "tables" : "functions");
  /* nested namespaces are not dropped with their parent, even by cascade:
   * each has its own tables and data */
  g_autofree char *pattern = children_pattern (name);
  const char *cv[] = { PQgetvalue (lock, 0, 2), pattern };
  g_autoptr (PGresult) children = ms_pg_exec (c, &sql_db_child_count, 2, cv, error);
  if (children == NULL)
    return FALSE;
  gint64 nchildren = ms_pg_int64 (children, 0, 0, 0);
  if (nchildren > 0)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                    "Database %s is not empty. One or more nested namespaces exist (%s%s).",
                    name, PQgetvalue (children, 0, 1), nchildren > 1 ? ", ..." : "");

  g_autoptr (GPtrArray) tables = NULL;
  if (ntables > 0 && out_tables != NULL && (tables = dropped_tables (c, id[0], error)) == NULL)
    return FALSE;
  if (!drop_events (s, c, catalog, name, ntables, nfuncs, error))
    return FALSE;
  if (ntables > 0 || nfuncs > 0)
    {
      g_autoptr (PGresult) del = ms_pg_exec (c, &sql_db_delete_contents, 1, id, error);
      if (del == NULL)
        return FALSE;
    }
  g_autoptr (PGresult) del = ms_pg_exec (c, &sql_db_delete, 1, id, error);
  if (del == NULL || !ms_pg_commit (c, error))
    return FALSE;

  if (out_location)
    *out_location = ms_pg_dup (lock, 0, 1);
  if (out_tables)
    *out_tables = tables ? g_steal_pointer (&tables)
                         : g_ptr_array_new_with_free_func ((GDestroyNotify) ms_dropped_table_free);
  return TRUE;
}
