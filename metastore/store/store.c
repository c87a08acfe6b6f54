/*
 * store.c: the MsStore context (pool + warehouse root) and readiness ping.
 */
#include "store/store.h"
#include "store/pool.h"

MsStore *
ms_store_new (const char *conninfo, const char *password, int pool_size, int pool_wait_ms,
              int connect_timeout_s, const char *warehouse)
{
  MsStore *s = g_new0 (MsStore, 1);
  s->pool = ms_pool_new (conninfo, password, pool_size, pool_wait_ms, connect_timeout_s);
  s->warehouse = g_strdup (warehouse);
  g_mutex_init (&s->table_ids_lock);
  s->table_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  return s;
}

void
ms_store_free (MsStore *s)
{
  if (s == NULL)
    return;
  ms_pool_free (s->pool);
  g_free (s->warehouse);
  g_mutex_clear (&s->table_ids_lock);
  g_array_unref (s->table_ids);
  g_free (s);
}

gboolean
ms_store_set_timeouts (MsStore *s, int pool_wait_ms, int connect_timeout_s, int deadline_ms,
                       gboolean session_timeouts)
{
  MsPoolTimeouts t = { pool_wait_ms, connect_timeout_s, deadline_ms, session_timeouts };
  return ms_pool_set_timeouts (s->pool, &t);
}

void
ms_store_give_up (MsStore *s, int after_ms)
{
  ms_pool_give_up (s->pool, after_ms);
}

gboolean
ms_store_ping (MsStore *s, GError **error)
{
  static const MsSql ping = { "ping", "SELECT 1", .read_only = TRUE };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &ping, 0, NULL, error);
  return r != NULL;
}

int
ms_store_ready_version (MsStore *s, GError **error)
{
  static const MsSql q = { "ready_version",
                           "SELECT coalesce(max(version), 0) FROM ms_schema_version",
                           .read_only = TRUE };
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return -1;
  g_autoptr (PGresult) r = ms_pg_exec (c, &q, 0, NULL, error);
  if (r == NULL)
    return -1;
  return atoi (PQgetvalue (r, 0, 0));
}
