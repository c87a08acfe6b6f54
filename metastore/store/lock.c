/*
 * lock.c: HMS locks with Hive's semantics (TxnHandler / CheckLockFunction),
 * kept in PostgreSQL so every server replica on one database agrees.
 *
 * A request (ms_locks, Hive's external lock id) covers components
 * (ms_lock_components: a database, table or partition each, with a lock
 * type). All components are acquired together or the request waits. A
 * request waits while any EARLIER request, acquired or itself waiting,
 * holds a conflicting component, so locks are granted in arrival order and
 * a writer is not starved by a stream of readers.
 *
 * Serialisation: granting (lock, check_lock) runs in one transaction that
 * first takes transaction-scoped advisory locks on the hashes of the
 * request's database names, in ascending order (no deadlock between two
 * multi-database requests). Conflicts exist only within one database, so
 * two requests that could conflict are granted one after the other; a new
 * request's id is drawn under those advisory locks and committed before
 * they are released, so ids increase in the order requests became visible
 * and "earlier" is well defined across replicas. Releasing (unlock, expiry)
 * and heartbeats only remove or refresh rows and need no advisory lock:
 * removal can only unblock others, which then acquire on their next check.
 *
 * Expiry: a lock outside a transaction whose last heartbeat is older than
 * the caller's timeout is deleted by one statement at the start of every
 * lock, check_lock and show_locks (no background thread). It runs in its
 * own implicit transaction and skips rows another session holds, so it
 * never waits and never deadlocks against a granting transaction.
 *
 * Entry points: ms_store_lock_request, _check, _release, _heartbeat, _list.
 */
#include "store/store.h"
#include "store/pool.h"
#include <stdio.h>

/* Unix milliseconds on PostgreSQL's clock (shared by all replicas). */
#define NOW_MS "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"
/* Advisory-lock namespace (the two-key form): 'mslk'. */
#define LOCK_NS "1836280939"

static const MsSql sql_sweep = { "lock_sweep",
  "DELETE FROM ms_locks WHERE lock_id IN ("
  "  SELECT lock_id FROM ms_locks WHERE txn_id = 0 AND last_heartbeat < " NOW_MS " - $1::bigint "
  "  FOR UPDATE SKIP LOCKED)" };

static const MsSql sql_serialise_dbs = { "lock_serialise_dbs",
  "SELECT count(pg_advisory_xact_lock(" LOCK_NS ", k)) FROM "
  "  (SELECT DISTINCT hashtext(d) AS k FROM unnest($1::text[]) AS d ORDER BY 1) s" };

static const MsSql sql_serialise_lock = { "lock_serialise_lock",
  "SELECT count(pg_advisory_xact_lock(" LOCK_NS ", k)) FROM "
  "  (SELECT DISTINCT hashtext(db_name) AS k FROM ms_lock_components WHERE lock_id = $1 "
  "   ORDER BY 1) s" };

static const MsSql sql_insert = { "lock_insert",
  "WITH l AS ("
  "  INSERT INTO ms_locks (txn_id, state, user_name, host_name, agent_info, last_heartbeat) "
  "  VALUES ($1, 2, $2, $3, $4, " NOW_MS ") RETURNING lock_id) "
  "INSERT INTO ms_lock_components (lock_id, comp_id, db_name, table_name, part_name, lock_type) "
  "SELECT l.lock_id, c.ord, c.db, c.tbl, c.part, c.typ FROM l, "
  "  unnest($5::text[], $6::text[], $7::text[], $8::smallint[]) "
  "  WITH ORDINALITY AS c (db, tbl, part, typ, ord) "
  "RETURNING lock_id" };

/* Grant or refuse request $1 and record the outcome (and a heartbeat,
 * counted when $2 = 1). The first conflicting component of an earlier
 * request, in id order, is recorded as the blocker. Hive's matrix (the
 * level of a component follows from which names are NULL):
 *   SHARED_READ  waits for EXCLUSIVE, except a database-level SHARED_READ
 *                for a table/partition EXCLUSIVE;
 *   EXCLUSIVE    waits for everything, except a table/partition EXCLUSIVE
 *                for a database-level SHARED_READ;
 *   SHARED_WRITE waits for EXCL_WRITE and EXCLUSIVE;
 *   EXCL_WRITE   waits for everything but SHARED_READ.
 * Two components overlap when their databases are equal and a table (or
 * partition) is NULL on either side or equal. An acquired request stays
 * acquired: no earlier request can appear after it was granted. */
static const MsSql sql_evaluate = { "lock_evaluate",
  "WITH blocker AS ("
  "  SELECT e.lock_id, e.comp_id FROM ms_lock_components r "
  "  JOIN ms_lock_components e ON e.db_name = r.db_name AND e.lock_id < r.lock_id "
  "  WHERE r.lock_id = $1 "
  "    AND (e.table_name IS NULL OR r.table_name IS NULL OR (e.table_name = r.table_name "
  "         AND (e.part_name IS NULL OR r.part_name IS NULL OR e.part_name = r.part_name))) "
  "    AND ((r.lock_type = 1 AND e.lock_type = 3 "
  "          AND NOT (e.table_name IS NOT NULL AND r.table_name IS NULL)) "
  "      OR (r.lock_type = 3 "
  "          AND NOT (e.table_name IS NULL AND e.lock_type = 1 AND r.table_name IS NOT NULL)) "
  "      OR (r.lock_type = 2 AND e.lock_type IN (3, 4)) "
  "      OR (r.lock_type = 4 AND e.lock_type <> 1)) "
  "  ORDER BY e.lock_id, e.comp_id LIMIT 1) "
  "UPDATE ms_locks l SET "
  "  last_heartbeat = " NOW_MS ", "
  "  heartbeat_count = l.heartbeat_count + $2::integer, "
  "  state = CASE WHEN l.state = 1 OR b.lock_id IS NULL THEN 1 ELSE 2 END, "
  "  acquired_at = CASE WHEN l.state = 1 THEN l.acquired_at "
  "                     WHEN b.lock_id IS NULL THEN " NOW_MS " END, "
  "  blocked_by_lock = CASE WHEN l.state = 1 THEN NULL ELSE b.lock_id END, "
  "  blocked_by_comp = CASE WHEN l.state = 1 THEN NULL ELSE b.comp_id END "
  "FROM (SELECT 1) AS one LEFT JOIN blocker b ON true "
  "WHERE l.lock_id = $1 "
  "RETURNING l.state, l.txn_id" };

static const MsSql sql_release = { "lock_release",
  "DELETE FROM ms_locks WHERE lock_id = $1 AND (txn_id = 0 OR state = 2) RETURNING lock_id" };

static const MsSql sql_describe = { "lock_describe",
  "SELECT l.txn_id, l.state, c.comp_id, c.db_name, c.table_name, c.part_name, c.lock_type "
  "FROM ms_locks l JOIN ms_lock_components c ON c.lock_id = l.lock_id "
  "WHERE l.lock_id = $1 ORDER BY c.comp_id LIMIT 1",
  .read_only = TRUE };

static const MsSql sql_heartbeat = { "lock_heartbeat",
  "UPDATE ms_locks SET last_heartbeat = " NOW_MS ", heartbeat_count = heartbeat_count + 1 "
  "WHERE lock_id = $1" };

/* Ordered as Hive's SHOW LOCKS: acquired first, then from the least to the
 * most restrictive type (SHARED_READ, SHARED_WRITE, EXCL_WRITE, EXCLUSIVE),
 * then by external and internal id. */
static const MsSql sql_list = { "lock_list",
  "SELECT l.lock_id, c.comp_id, l.txn_id, c.db_name, c.table_name, c.part_name, l.state, "
  "  c.lock_type, l.last_heartbeat, l.acquired_at, l.user_name, l.host_name, l.agent_info, "
  "  l.heartbeat_count, l.blocked_by_lock, l.blocked_by_comp "
  "FROM ms_locks l JOIN ms_lock_components c ON c.lock_id = l.lock_id "
  "WHERE ($1::text IS NULL OR c.db_name = $1) AND ($2::text IS NULL OR c.table_name = $2) "
  "  AND ($3::text IS NULL OR c.part_name = $3) AND ($4::bigint IS NULL OR l.txn_id = $4) "
  "ORDER BY l.state, CASE c.lock_type WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 4 THEN 3 ELSE 4 END, "
  "  l.lock_id, c.comp_id",
  .read_only = TRUE };

static const char *
type_name (int type)
{
  switch (type)
    {
    case MS_LOCK_SHARED_READ: return "SHARED_READ";
    case MS_LOCK_SHARED_WRITE: return "SHARED_WRITE";
    case MS_LOCK_EXCLUSIVE: return "EXCLUSIVE";
    case MS_LOCK_EXCL_WRITE: return "EXCL_WRITE";
    default: return "null";
    }
}

static gboolean
no_such_lock (GError **error, gint64 lock_id)
{
  return ms_fail (error, MS_ERROR_NO_SUCH_LOCK, "No such lock lockid:%" G_GINT64_FORMAT, lock_id);
}

/* Run 'sql' whose parameters are the number 'n' and then 'more' (NULL:
 * none), on 'c', or on a connection of 'pool' when 'c' is NULL. */
static PGresult *
exec_number (MsPool *pool, MsPgConn *c, const MsSql *sql, gint64 n, const char *more,
             GError **error)
{
  char text[24];
  snprintf (text, sizeof text, "%" G_GINT64_FORMAT, n);
  const char *v[] = { text, more };
  int nv = more != NULL ? 2 : 1;
  return c != NULL ? ms_pg_exec (c, sql, nv, v, error) : ms_pool_exec (pool, sql, nv, v, error);
}

/* Delete the locks whose heartbeat is older than timeout_ms (autocommit). */
static gboolean
sweep (MsPgConn *c, gint64 timeout_ms, GError **error)
{
  g_autoptr (PGresult) r = exec_number (NULL, c, &sql_sweep, timeout_ms, NULL, error);
  return r != NULL;
}

/* Grant or refuse 'lock_id' inside the caller's transaction. */
static gboolean
evaluate (MsPgConn *c, gint64 lock_id, gboolean heartbeat, MsLockState *state, GError **error)
{
  g_autoptr (PGresult) r = exec_number (NULL, c, &sql_evaluate, lock_id, heartbeat ? "1" : "0",
                                        error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 0)
    return no_such_lock (error, lock_id);
  /* a lock of a transaction: we serve no transactions, so it has none */
  gint64 txn = ms_pg_int64 (r, 0, 1, 0);
  if (txn != 0)
    return ms_fail (error, MS_ERROR_NO_SUCH_TXN, "No such transaction txnid:%" G_GINT64_FORMAT,
                    txn);
  *state = (MsLockState) ms_pg_int (r, 0, 0, MS_LOCK_WAITING);
  return TRUE;
}

gint64
ms_store_lock_request (MsStore *s, const MsLockRequest *req, gint64 timeout_ms,
                       MsLockState *state, GError **error)
{
  guint n = req->components->len;
  if (n == 0)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "A lock request needs at least one component");
      return 0;
    }
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !sweep (c, timeout_ms, error))
    return 0;

  g_autofree const char **dbs = g_new0 (const char *, n);
  g_autofree const char **tables = g_new0 (const char *, n);
  g_autofree const char **parts = g_new0 (const char *, n);
  g_autofree const char **types = g_new0 (const char *, n);
  g_autofree char *type_digits = g_malloc0 (2 * n);
  for (guint i = 0; i < n; i++)
    {
      const MsLockComponent *lc = g_ptr_array_index (req->components, i);
      dbs[i] = lc->db_name;
      tables[i] = lc->table_name;
      parts[i] = lc->part_name;
      type_digits[2 * i] = (char) ('0' + (int) lc->type);
      types[i] = type_digits + 2 * i;
    }
  g_autofree char *db_arr = ms_pg_array_literal (dbs, n);
  g_autofree char *table_arr = ms_pg_array_literal (tables, n);
  g_autofree char *part_arr = ms_pg_array_literal (parts, n);
  g_autofree char *type_arr = ms_pg_array_literal (types, n);
  char txn[24];
  snprintf (txn, sizeof txn, "%" G_GINT64_FORMAT, req->txn_id);

  if (!ms_pg_begin (c, error))
    return 0;
  const char *sv[] = { db_arr };
  g_autoptr (PGresult) ser = ms_pg_exec (c, &sql_serialise_dbs, 1, sv, error);
  if (ser == NULL)
    return 0;
  const char *iv[] = { txn, req->user ? req->user : "", req->host ? req->host : "",
                       req->agent_info, db_arr, table_arr, part_arr, type_arr };
  g_autoptr (PGresult) ins = ms_pg_exec (c, &sql_insert, 8, iv, error);
  if (ins == NULL)
    return 0;
  if (PQntuples (ins) == 0)
    {
      ms_fail (error, MS_ERROR_INTERNAL, "lock request was not stored");
      return 0;
    }
  gint64 id = g_ascii_strtoll (PQgetvalue (ins, 0, 0), NULL, 10);
  if (!evaluate (c, id, FALSE, state, error) || !ms_pg_commit (c, error))
    return 0;
  return id;
}

gboolean
ms_store_lock_check (MsStore *s, gint64 lock_id, gint64 timeout_ms, MsLockState *state,
                     GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !sweep (c, timeout_ms, error) || !ms_pg_begin (c, error))
    return FALSE;
  g_autoptr (PGresult) ser = exec_number (NULL, c, &sql_serialise_lock, lock_id, NULL, error);
  if (ser == NULL)
    return FALSE;
  if (ms_pg_int64 (ser, 0, 0, 0) == 0)
    return no_such_lock (error, lock_id);
  return evaluate (c, lock_id, TRUE, state, error) && ms_pg_commit (c, error);
}

gboolean
ms_store_lock_release (MsStore *s, gint64 lock_id, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return FALSE;
  g_autoptr (PGresult) r = exec_number (NULL, c, &sql_release, lock_id, NULL, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) > 0)
    return TRUE;

  /* Nothing deleted: unknown, or an acquired lock of a transaction. */
  g_autoptr (PGresult) d = exec_number (NULL, c, &sql_describe, lock_id, NULL, error);
  if (d == NULL)
    return FALSE;
  if (PQntuples (d) == 0)
    return no_such_lock (error, lock_id);
  gint64 txn = ms_pg_int64 (d, 0, 0, 0);
  int st = ms_pg_int (d, 0, 1, 0);
  g_autofree char *info = g_strdup_printf (
      "lockid:%" G_GINT64_FORMAT " intLockId:%d txnid:%" G_GINT64_FORMAT
      " db:%s table:%s partition:%s state:%s type:%s", lock_id, ms_pg_int (d, 0, 2, 0), txn,
      PQgetisnull (d, 0, 3) ? "null" : PQgetvalue (d, 0, 3),
      PQgetisnull (d, 0, 4) ? "null" : PQgetvalue (d, 0, 4),
      PQgetisnull (d, 0, 5) ? "null" : PQgetvalue (d, 0, 5),
      st == MS_LOCK_ACQUIRED ? "ACQUIRED" : "WAITING", type_name (ms_pg_int (d, 0, 6, 0)));
  if (txn != 0)
    return ms_fail (error, MS_ERROR_TXN_OPEN,
                    "Unlocking locks associated with transaction not permitted.  %s", info);
  return ms_fail (error, MS_ERROR_INTERNAL, "Found lock in unexpected state %s", info);
}

gboolean
ms_store_lock_heartbeat (MsStore *s, gint64 lock_id, GError **error)
{
  g_autoptr (PGresult) r = exec_number (s->pool, NULL, &sql_heartbeat, lock_id, NULL, error);
  if (r == NULL)
    return FALSE;
  if (g_str_equal (PQcmdTuples (r), "0"))
    return ms_fail (error, MS_ERROR_NO_SUCH_LOCK, "No such lock: lockid:%" G_GINT64_FORMAT,
                    lock_id);
  return TRUE;
}

#define LOCK_COL(member, kind, dflt) MS_PG_COL (MsLockInfo, member, kind, dflt)

/* The columns of sql_list, in order. */
static const MsPgColumn lock_info_columns[] = {
  LOCK_COL (lock_id, MS_PG_INT64, 0), LOCK_COL (comp_id, MS_PG_INT, 0),
  LOCK_COL (txn_id, MS_PG_INT64, 0), MS_PG_STR_COL (MsLockInfo, db_name),
  MS_PG_STR_COL (MsLockInfo, table_name), MS_PG_STR_COL (MsLockInfo, part_name),
  LOCK_COL (state, MS_PG_INT, MS_LOCK_WAITING), LOCK_COL (type, MS_PG_INT, MS_LOCK_EXCLUSIVE),
  LOCK_COL (last_heartbeat, MS_PG_INT64, 0), LOCK_COL (acquired_at, MS_PG_INT64, 0),
  MS_PG_STR_COL (MsLockInfo, user), MS_PG_STR_COL (MsLockInfo, host),
  MS_PG_STR_COL (MsLockInfo, agent_info), LOCK_COL (heartbeat_count, MS_PG_INT, 0),
  LOCK_COL (blocked_by_lock_id, MS_PG_INT64, 0), LOCK_COL (blocked_by_comp_id, MS_PG_INT, 0),
};

static gpointer
lock_info_from_row (const PGresult *r, int i)
{
  MsLockInfo *l = ms_lock_info_new ();
  MS_PG_READ_ROW (r, i, 0, l, lock_info_columns);
  return l;
}

GPtrArray *
ms_store_lock_list (MsStore *s, const char *db, const char *table, const char *part,
                    gboolean by_txn, gint64 txn_id, gint64 timeout_ms, GError **error)
{
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !sweep (c, timeout_ms, error))
    return NULL;
  char txn[24];
  snprintf (txn, sizeof txn, "%" G_GINT64_FORMAT, txn_id);
  const char *v[] = { db, table, part, by_txn ? txn : NULL };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_list, 4, v, error);
  if (r == NULL)
    return NULL;
  return ms_pg_map_rows (r, lock_info_from_row, (GDestroyNotify) ms_lock_info_free);
}
