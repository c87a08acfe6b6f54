/*
 * catalog.c: catalogs (Hive 3+). Creating a catalog also creates its
 * 'default' database, as Apache Hive does; dropping one requires that only
 * an empty 'default' database is left in it.
 *
 * Events: Hive writes no CREATE/ALTER/DROP_CATALOG to its notification
 * log (DbNotificationListener overrides none of onCreateCatalog,
 * onAlterCatalog, onDropCatalog), but it creates and drops the catalog's
 * 'default' database through its database handlers, whose transactional
 * listeners log CREATE_DATABASE and DROP_DATABASE; so do we, in the
 * catalog's transaction.
 */
#include "store/store.h"
#include "store/events.h"
#include "store/pool.h"
#include "store/json.h"

static const MsSql sql_cat_insert = { "cat_insert",
  "INSERT INTO ms_catalogs (name, description, location_uri, create_time) "
  "VALUES ($1, $2, $3, $4) RETURNING cat_id" };
static const MsSql sql_cat_default_db = { "cat_default_db",
  "INSERT INTO ms_databases (cat_id, name, description, location_uri, create_time, owner_type) "
  "VALUES ($1, 'default', 'Default database for catalog ' || $2, $3, $4, 2) "
  "ON CONFLICT (cat_id, name) DO NOTHING" };
static const MsSql sql_cat_get = { "cat_get",
  "SELECT name, description, location_uri, create_time FROM ms_catalogs WHERE name = $1",
  .read_only = TRUE };
static const MsSql sql_cat_list = { "cat_list", "SELECT name FROM ms_catalogs ORDER BY name",
  .read_only = TRUE };
static const MsSql sql_cat_alter = { "cat_alter",
  "UPDATE ms_catalogs SET location_uri = COALESCE($2, location_uri), "
  "description = COALESCE($3, description) WHERE name = $1" };
static const MsSql sql_cat_lock = { "cat_lock",
  "SELECT cat_id FROM ms_catalogs WHERE name = $1 FOR UPDATE" };
static const MsSql sql_cat_contents = { "cat_contents",
  "SELECT d.name, (SELECT count(*) FROM ms_tables t WHERE t.db_id = d.db_id) "
  "     + (SELECT count(*) FROM ms_functions f WHERE f.db_id = d.db_id) "
  "FROM ms_databases d WHERE d.cat_id = $1",
  .read_only = TRUE };
static const MsSql sql_cat_delete = { "cat_delete",
  "WITH d AS (DELETE FROM ms_databases WHERE cat_id = $1) "
  "DELETE FROM ms_catalogs WHERE cat_id = $1" };

/* Queue the event 'type' of catalog's 'default' database, read on 'c'. */
static gboolean
default_db_event (MsStore *s, MsPgConn *c, const char *catalog, MsEventType type, GError **error)
{
  if (!ms_store_events_enabled (s))
    return TRUE;
  g_autoptr (MsDatabase) db = ms_store_database_get_on (c, catalog, MS_DEFAULT_DATABASE, error);
  MsEvent ev = { .type = type, .db = db };
  return db != NULL && ms_store_emit (s, c, &ev, error);
}

gboolean
ms_store_catalog_create (MsStore *s, const MsCatalog *cat, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;

  g_autofree char *ct = g_strdup_printf ("%d", cat->create_time);
  const char *v[] = { cat->name, cat->description, cat->location_uri, ct };
  g_autoptr (PGresult) r = ms_pg_exec_unique (c, &sql_cat_insert, 4, v, error,
                                              "Catalog %s already exists", cat->name);
  if (r == NULL)
    return FALSE;
  const char *v2[] = { PQgetvalue (r, 0, 0), cat->name, cat->location_uri, ct };
  g_autoptr (PGresult) r2 = ms_pg_exec (c, &sql_cat_default_db, 4, v2, error);
  if (r2 == NULL || !default_db_event (s, c, cat->name, MS_EVENT_CREATE_DATABASE, error))
    return FALSE;
  return ms_pg_commit (c, error);
}

MsCatalog *
ms_store_catalog_get (MsStore *s, const char *name, GError **error)
{
  const char *v[] = { name };
  g_autoptr (PGresult) r = ms_pool_exec_found (s->pool, &sql_cat_get, 1, v, error,
                                               "No catalog %s", name);
  if (r == NULL)
    return NULL;
  static const MsPgColumn columns[] = {
    MS_PG_STR_COL (MsCatalog, name), MS_PG_STR_COL (MsCatalog, description),
    MS_PG_STR_COL (MsCatalog, location_uri), MS_PG_COL (MsCatalog, create_time, MS_PG_INT, 0),
  };
  MsCatalog *cat = ms_catalog_new ();
  MS_PG_READ_ROW (r, 0, 0, cat, columns);
  return cat;
}

GPtrArray *
ms_store_catalog_list (MsStore *s, GError **error)
{
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_cat_list, 0, NULL, error);
  if (r == NULL)
    return NULL;
  return ms_pg_column_strings (r, 0);
}

gboolean
ms_store_catalog_alter (MsStore *s, const char *name, const MsCatalog *cat, GError **error)
{
  const char *v[] = { name, cat->location_uri, cat->description };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_cat_alter, 3, v, error);
  if (r == NULL)
    return FALSE;
  if (g_str_equal (PQcmdTuples (r), "0"))
    return ms_fail (error, MS_ERROR_NOT_FOUND, "No catalog %s", name);
  return TRUE;
}

gboolean
ms_store_catalog_drop (MsStore *s, const char *name, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  const char *v[] = { name };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_cat_lock, 1, v, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 0)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "No catalog %s", name);
  const char *id[] = { PQgetvalue (r, 0, 0) };
  g_autoptr (PGresult) dbs = ms_pg_exec (c, &sql_cat_contents, 1, id, error);
  if (dbs == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (dbs); i++)
    {
      const char *db = PQgetvalue (dbs, i, 0);
      if (!g_str_equal (db, MS_DEFAULT_DATABASE) || ms_pg_int64 (dbs, i, 1, 0) > 0)
        return ms_fail (error, MS_ERROR_INVALID_OPERATION,
                        "Cannot drop catalog %s: it contains database %s%s", name, db,
                        g_str_equal (db, MS_DEFAULT_DATABASE) ? " which is not empty" : "");
    }
  if (PQntuples (dbs) > 0 && !default_db_event (s, c, name, MS_EVENT_DROP_DATABASE, error))
    return FALSE;
  g_autoptr (PGresult) d = ms_pg_exec (c, &sql_cat_delete, 1, id, error);
  if (d == NULL)
    return FALSE;
  return ms_pg_commit (c, error);
}
