/*
 * iceberg.c: Iceberg tables and views in the store. Each is an ms_tables
 * row (the HMS mirror Thrift clients read) plus the copy of its current
 * metadata in ms_iceberg_metadata. A load is one indexed read of both; a
 * commit locks the rows it touches, lets the door decide the next states
 * and writes rows and copies in one transaction.
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/events.h"
#include "store/table_internal.h"
#include "model/owned.h"
#include <stdio.h>
#include <string.h>

#define ICE_FROM \
  " FROM ms_tables t JOIN ms_databases d ON d.db_id = t.db_id " \
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id "

static const MsSql sql_ice_get = { "ice_get",
  "SELECT t.table_id, upper (t.params->>'table_type'), t.params->>'metadata_location', "
  "  m.location, m.metadata" ICE_FROM
  "LEFT JOIN ms_iceberg_metadata m ON m.table_id = t.table_id "
  "WHERE c.name = $1 AND d.name = $2 AND t.name = $3",
  .read_only = TRUE };
/* the same without the metadata copy (sign requests: the location of the
 * current file is all they need) */
static const MsSql sql_ice_head = { "ice_head",
  "SELECT t.table_id, upper (t.params->>'table_type'), t.params->>'metadata_location'"
  ICE_FROM "WHERE c.name = $1 AND d.name = $2 AND t.name = $3",
  .read_only = TRUE };
static const MsSql sql_ice_cache_get = { "ice_cache_get",
  "SELECT location, metadata FROM ms_iceberg_metadata WHERE table_id = $1",
  .read_only = TRUE };
/* only while the location is still current; a copy is always tagged with
 * the file it came from, so a late writer can leave it stale, never wrong */
static const MsSql sql_ice_cache_put = { "ice_cache_put",
  "INSERT INTO ms_iceberg_metadata (table_id, location, metadata) "
  "SELECT t.table_id, $2, $3 FROM ms_tables t "
  "WHERE t.table_id = $1 AND t.params->>'metadata_location' = $2 "
  "ON CONFLICT (table_id) DO UPDATE SET location = EXCLUDED.location, "
  "  metadata = EXCLUDED.metadata" };
static const MsSql sql_ice_cache_set = { "ice_cache_set",
  "INSERT INTO ms_iceberg_metadata (table_id, location, metadata) VALUES ($1, $2, $3) "
  "ON CONFLICT (table_id) DO UPDATE SET location = EXCLUDED.location, "
  "  metadata = EXCLUDED.metadata" };
static const MsSql sql_ice_names = { "ice_names",
  "SELECT t.name" ICE_FROM
  "WHERE c.name = $1 AND d.name = $2 AND upper (t.params->>'table_type') = $3 "
  "AND ($4::text IS NULL OR t.name > $4) ORDER BY t.name LIMIT $5::bigint",
  .read_only = TRUE };
static const MsSql sql_ice_location_used = { "ice_location_used",
  "SELECT 1" ICE_FROM
  "WHERE c.name = $1 AND d.name = $2 AND rtrim (t.location, '/') = rtrim ($3, '/') LIMIT 1",
  .read_only = TRUE };
/* a scan, but asked only by the hourly metadata sweep, for a few files */
static const MsSql sql_ice_file_referenced = { "ice_file_referenced",
  "SELECT 1 FROM ms_tables t WHERE t.params->>'metadata_location' = $1 "
  "OR t.params->>'previous_metadata_location' = $1 LIMIT 1",
  .read_only = TRUE };
static const MsSql sql_ice_lock = { "ice_lock",
  "SELECT t.table_id, upper (t.params->>'table_type'), t.location" ICE_FROM
  "WHERE c.name = $1 AND d.name = $2 AND t.name = $3 FOR UPDATE OF t" };
static const MsSql sql_ice_delete = { "ice_delete",
  "WITH v AS (DELETE FROM ms_partition_values WHERE table_id = $1) "
  "DELETE FROM ms_tables WHERE table_id = $1" };
static const MsSql sql_ice_db_exists = { "ice_db_exists",
  "SELECT 1 FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = $1 AND d.name = $2",
  .read_only = TRUE };
static const MsSql sql_ice_rename = { "ice_rename",
  "UPDATE ms_tables SET name = $2, "
  "  db_id = (SELECT d.db_id FROM ms_databases d JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "           WHERE c.name = $3 AND d.name = $4) "
  "WHERE table_id = $1" };

#define ENTRY_STR(member) MS_OWNED_STR (MsIcebergEntry, member)

static const MsOwned entry_owned[] = {
  ENTRY_STR (kind), ENTRY_STR (metadata_location), ENTRY_STR (cached_location), ENTRY_STR (metadata),
};

MS_OWNED_DEFINE_FREE (MsIcebergEntry, ms_iceberg_entry_free, entry_owned)

/* The columns of sql_ice_get, in order. */
static const MsPgColumn entry_columns[] = {
  MS_PG_COL (MsIcebergEntry, table_id, MS_PG_INT64, 0), MS_PG_STR_COL (MsIcebergEntry, kind),
  MS_PG_STR_COL (MsIcebergEntry, metadata_location), MS_PG_STR_COL (MsIcebergEntry, cached_location),
  MS_PG_STR_COL (MsIcebergEntry, metadata),
};

static MsIcebergEntry *
entry_read (MsStore *s, const MsSql *sql, const char *catalog, const char *db,
            const char *name, GError **error)
{
  const char *v[] = { catalog, db, name };
  g_autoptr (PGresult) r = ms_pool_exec_found (s->pool, sql, 3, v, error,
                                               "%s.%s table not found", db, name);
  if (r == NULL)
    return NULL;
  MsIcebergEntry *e = g_new0 (MsIcebergEntry, 1);
  /* the head query stops before the stored copy's columns */
  ms_pg_read_row (r, 0, 0, e, entry_columns,
                  MIN ((gsize) PQnfields (r), G_N_ELEMENTS (entry_columns)));
  return e;
}

MsIcebergEntry *
ms_store_iceberg_get (MsStore *s, const char *catalog, const char *db, const char *name,
                      GError **error)
{
  return entry_read (s, &sql_ice_get, catalog, db, name, error);
}

MsIcebergEntry *
ms_store_iceberg_head (MsStore *s, const char *catalog, const char *db, const char *name,
                       GError **error)
{
  return entry_read (s, &sql_ice_head, catalog, db, name, error);
}

gboolean
ms_store_iceberg_cache_put (MsStore *s, gint64 table_id, const char *location,
                            const char *metadata, GError **error)
{
  char id[24];
  snprintf (id, sizeof id, "%" G_GINT64_FORMAT, table_id);
  const char *v[] = { id, location, metadata };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_ice_cache_put, 3, v, error);
  return r != NULL;
}

gboolean
ms_store_iceberg_location_used (MsStore *s, const char *catalog, const char *db,
                                const char *location, gboolean *used, GError **error)
{
  const char *v[] = { catalog, db, location };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_ice_location_used, 3, v, error);
  if (r == NULL)
    return FALSE;
  *used = PQntuples (r) > 0;
  return TRUE;
}

gboolean
ms_store_iceberg_file_referenced (MsStore *s, const char *file, gboolean *referenced,
                                  GError **error)
{
  const char *v[] = { file };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_ice_file_referenced, 1, v, error);
  if (r == NULL)
    return FALSE;
  *referenced = PQntuples (r) > 0;
  return TRUE;
}

GPtrArray *
ms_store_iceberg_names (MsStore *s, const char *catalog, const char *db, const char *kind,
                        const char *after, int limit, GError **error)
{
  char lim[24];
  snprintf (lim, sizeof lim, "%d", limit < 0 ? G_MAXINT : limit);
  const char *v[] = { catalog, db, kind, after, lim };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_ice_names, 5, v, error);
  if (r == NULL)
    return NULL;
  return ms_pg_column_strings (r, 0);
}

/* ---- commit ---- */

/* One distinct table of a commit and its state as the steps change it. */
typedef struct {
  const MsIcebergRef *ref;
  MsTable *row;                /* NULL: does not exist (yet) */
  gboolean existed;
  char *kind;
  char *metadata_location;
  char *cached_location;
  char *cached_metadata;
  gboolean dirty;
  MsTable *before;             /* the row as loaded, for the event (events on) */
} Slot;

static void
slot_clear (Slot *sl)
{
  if (sl->row)
    ms_table_free (sl->row);
  if (sl->before)
    ms_table_free (sl->before);
  g_free (sl->kind);
  g_free (sl->metadata_location);
  g_free (sl->cached_location);
  g_free (sl->cached_metadata);
}

static int
ref_cmp (const MsIcebergRef *a, const MsIcebergRef *b)
{
  int d = strcmp (a->catalog, b->catalog);
  if (d == 0)
    d = strcmp (a->db, b->db);
  if (d == 0)
    d = strcmp (a->name, b->name);
  return d;
}

static int
slot_cmp (gconstpointer a, gconstpointer b)
{
  return ref_cmp (((const Slot *) a)->ref, ((const Slot *) b)->ref);
}

/* Lock slot 'sl''s row and read its state. */
static gboolean
slot_load (MsPgConn *c, Slot *sl, GError **error)
{
  g_autoptr (GError) missing = NULL;
  sl->row = ms_store_table_get_on (c, sl->ref->catalog, sl->ref->db, sl->ref->name, TRUE,
                                   &missing);
  if (sl->row == NULL)
    {
      if (!g_error_matches (missing, MS_ERROR, MS_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&missing));
          return FALSE;
        }
      return TRUE;
    }
  sl->existed = TRUE;
  const char *type = g_hash_table_lookup (sl->row->params, "table_type");
  sl->kind = type ? g_ascii_strup (type, -1) : NULL;
  sl->metadata_location = g_strdup (g_hash_table_lookup (sl->row->params, "metadata_location"));
  /* read after the lock: this statement's snapshot holds the last copy */
  char id[24];
  snprintf (id, sizeof id, "%" G_GINT64_FORMAT, sl->row->id);
  const char *v[] = { id };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_ice_cache_get, 1, v, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      sl->cached_location = ms_pg_dup (r, 0, 0);
      sl->cached_metadata = ms_pg_dup (r, 0, 1);
    }
  return TRUE;
}

/* Write slot 'sl' and its event: CREATE_TABLE for a new table, else
 * ALTER_TABLE (what Iceberg's HiveCatalog commit is in Java). */
static gboolean
slot_write (MsStore *s, MsPgConn *c, Slot *sl, GError **error)
{
  MsTable *t = sl->row;
  if (t->catalog == NULL)
    t->catalog = g_strdup (sl->ref->catalog);
  if (t->db_name == NULL)
    t->db_name = g_strdup (sl->ref->db);
  if (t->name == NULL)
    t->name = g_strdup (sl->ref->name);
  if (sl->existed)
    {
      if (!ms_store_table_update_on (c, t->id, t, error))
        return FALSE;
    }
  else if (!ms_store_table_insert_on (c, t, error))
    return FALSE;
  char id[24];
  snprintf (id, sizeof id, "%" G_GINT64_FORMAT, t->id);
  const char *v[] = { id, sl->cached_location, sl->cached_metadata };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_ice_cache_set, 3, v, error);
  MsEvent ev = { .type = sl->existed ? MS_EVENT_ALTER_TABLE : MS_EVENT_CREATE_TABLE, .table = t,
                 .table_before = sl->before };
  return r != NULL && ms_store_emit (s, c, &ev, error);
}

gboolean
ms_store_iceberg_commit (MsStore *s, const MsIcebergRef *refs, guint n, MsIcebergStepFn fn,
                         gpointer user, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return FALSE;
  g_autoptr (GArray) slots = g_array_sized_new (FALSE, TRUE, sizeof (Slot), n);
  g_array_set_clear_func (slots, (GDestroyNotify) slot_clear);
  for (guint i = 0; i < n; i++)
    {
      Slot sl = { .ref = &refs[i] };
      g_array_append_val (slots, sl);
    }
  g_array_sort (slots, slot_cmp);
  /* one slot per distinct table */
  guint distinct = 0;
  for (guint i = 0; i < slots->len; i++)
    if (distinct == 0
        || ref_cmp (g_array_index (slots, Slot, distinct - 1).ref,
                    g_array_index (slots, Slot, i).ref) != 0)
      g_array_index (slots, Slot, distinct++) = g_array_index (slots, Slot, i);
  g_array_set_size (slots, distinct);

  if (!ms_pg_begin (c, error))
    return FALSE;
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *sl = &g_array_index (slots, Slot, i);
      if (!slot_load (c, sl, error))
        return FALSE;
      if (ms_store_events_enabled (s))
        sl->before = ms_table_copy (sl->row);
    }

  for (guint i = 0; i < n; i++)
    {
      Slot key = { .ref = &refs[i] };
      Slot *sl = bsearch (&key, slots->data, slots->len, sizeof (Slot),
                          (int (*) (const void *, const void *)) slot_cmp);
      g_assert (sl != NULL);
      MsIcebergStep step = {
        .index = i,
        .ref = &refs[i],
        .row = sl->row,
        .kind = sl->kind,
        .metadata_location = sl->metadata_location,
        .cached_location = sl->cached_location,
        .cached_metadata = sl->cached_metadata,
      };
      gboolean ok = fn (user, &step, error);
      sl->row = step.row;       /* created by the callback, or changed in place */
      if (!ok)
        {
          g_free (step.next_location);
          g_free (step.next_metadata);
          return FALSE;
        }
      if (step.next_location != NULL && step.next_metadata != NULL && sl->row != NULL)
        {
          g_free (sl->metadata_location);
          sl->metadata_location = g_strdup (step.next_location);
          g_free (sl->cached_location);
          sl->cached_location = step.next_location;
          g_free (sl->cached_metadata);
          sl->cached_metadata = step.next_metadata;
          const char *type = g_hash_table_lookup (sl->row->params, "table_type");
          g_free (sl->kind);
          sl->kind = type ? g_ascii_strup (type, -1) : NULL;
          sl->dirty = TRUE;
        }
      else
        {
          g_free (step.next_location);
          g_free (step.next_metadata);
        }
    }
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *sl = &g_array_index (slots, Slot, i);
      if (sl->dirty && !slot_write (s, c, sl, error))
        return FALSE;
    }
  return ms_pg_commit (c, error);
}

/* ---- drop and rename ---- */

/* Borrow a connection, begin a transaction on it, lock catalog.db.name and
 * check it is an Iceberg object of 'kind'. Returns the connection (caller
 * owns) and in *row (caller owns) the locked row (table_id, kind,
 * location), or NULL with *error set. */
static MsPgConn *
begin_locked_kind (MsStore *s, const char *catalog, const char *db, const char *name,
                   const char *kind, PGresult **row, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return NULL;
  const char *v[] = { catalog, db, name };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_ice_lock, 3, v, error);
  if (r == NULL)
    return NULL;
  if (PQntuples (r) == 0 || PQgetisnull (r, 0, 1) || strcmp (PQgetvalue (r, 0, 1), kind) != 0)
    {
      ms_fail (error, MS_ERROR_NOT_FOUND, "%s does not exist: %s.%s",
               g_str_equal (kind, MS_ICEBERG_KIND_VIEW) ? "View" : "Table", db, name);
      return NULL;
    }
  *row = g_steal_pointer (&r);
  return g_steal_pointer (&c);
}

gboolean
ms_store_iceberg_drop (MsStore *s, const char *catalog, const char *db, const char *name,
                       const char *kind, char **out_location, GError **error)
{
  g_autoptr (PGresult) row = NULL;
  g_autoptr (MsPgConn) c = begin_locked_kind (s, catalog, db, name, kind, &row, error);
  if (c == NULL)
    return FALSE;
  const char *v[] = { PQgetvalue (row, 0, 0) };
  g_autoptr (MsTable) t = ms_store_events_enabled (s)
                            ? ms_store_table_get_on (c, catalog, db, name, FALSE, error) : NULL;
  if (ms_store_events_enabled (s) && t == NULL)
    return FALSE;
  MsEvent ev = { .type = MS_EVENT_DROP_TABLE, .table = t };
  g_autoptr (PGresult) del = ms_pg_exec (c, &sql_ice_delete, 1, v, error);
  if (del == NULL || (t != NULL && !ms_store_emit (s, c, &ev, error)) || !ms_pg_commit (c, error))
    return FALSE;
  if (out_location)
    *out_location = ms_pg_dup (row, 0, 2);
  return TRUE;
}

gboolean
ms_store_iceberg_rename (MsStore *s, const char *catalog, const char *db, const char *name,
                         const char *to_db, const char *to_name, const char *kind,
                         GError **error)
{
  g_autoptr (PGresult) row = NULL;
  g_autoptr (MsPgConn) c = begin_locked_kind (s, catalog, db, name, kind, &row, error);
  if (c == NULL)
    return FALSE;
  const char *dv[] = { catalog, to_db };
  g_autoptr (PGresult) target = ms_pg_exec (c, &sql_ice_db_exists, 2, dv, error);
  if (target == NULL)
    return FALSE;
  if (PQntuples (target) == 0)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Namespace does not exist: %s", to_db);
  const char *v[] = { PQgetvalue (row, 0, 0), to_name, catalog, to_db };
  g_autoptr (MsTable) before = ms_store_events_enabled (s)
                                 ? ms_store_table_get_on (c, catalog, db, name, FALSE, error) : NULL;
  if (ms_store_events_enabled (s) && before == NULL)
    return FALSE;
  g_autoptr (PGresult) r = ms_pg_exec_unique (c, &sql_ice_rename, 4, v, error,
                                              "%s already exists: %s.%s",
                                              g_str_equal (kind, MS_ICEBERG_KIND_VIEW) ? "View"
                                                                                        : "Table",
                                              to_db, to_name);
  if (r == NULL)
    return FALSE;
  if (before != NULL)
    {
      /* a rename is Hive's ALTER_TABLE with the new names */
      g_autoptr (MsTable) after = ms_store_table_get_on (c, catalog, to_db, to_name, FALSE, error);
      MsEvent ev = { .type = MS_EVENT_ALTER_TABLE, .table = after, .table_before = before };
      if (after == NULL || !ms_store_emit (s, c, &ev, error))
        return FALSE;
    }
  return ms_pg_commit (c, error);
}
