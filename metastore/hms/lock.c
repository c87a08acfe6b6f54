/*
 * lock.c: the HMS lock methods: lock, check_lock, unlock, heartbeat,
 * show_locks, served through the method table (hms/methods.list), with the
 * semantics of Hive's TxnHandler (see store/lock.c for the conflict rules,
 * ordering and expiry).
 *
 * We serve no transactions (open_txns is not implemented), so a request
 * naming a transaction is answered as Hive answers an unknown one:
 * NoSuchTxnException "No such transaction txnid:<n>". Database and table
 * names are lower-cased and partition names get lower-cased column names,
 * as Hive stores them. Locks do not require the objects to exist (Hive
 * does not check either). The lock timeout is the locks.timeout key.
 */
#include "hms/internal.h"
#include "hms_method_table.h"
#include <string.h>

static gint64
timeout_ms (MsHms *hms)
{
  return (gint64) (hms->cfg ? hms->cfg->locks_timeout_s : 300) * 1000;
}

static gboolean
no_such_txn (GError **error, gint64 txn_id)
{
  return ms_fail (error, MS_ERROR_NO_SUCH_TXN, "No such transaction txnid:%" G_GINT64_FORMAT,
                  txn_id);
}

char *
hms_lock_part_name (const char *raw)
{
  if (raw == NULL || *raw == '\0')
    return NULL;
  g_auto (GStrv) parts = g_strsplit (raw, "/", -1);
  for (char **p = parts; *p; p++)
    {
      char *eq = strchr (*p, '=');
      for (char *c = *p; *c && c != eq; c++)
        *c = g_ascii_tolower (*c);
    }
  return g_strjoinv ("/", parts);
}

/* NULL for an unset or empty name, else the name lower-cased. */
static char *
lower_or_null (const char *s)
{
  return s && *s ? g_ascii_strdown (s, -1) : NULL;
}

static MsLockRequest *
lock_request_from_thrift (const ThmsLockRequest *in, GError **error)
{
  if (in->txnid != 0)
    {
      no_such_txn (error, in->txnid);
      return NULL;
    }
  g_autoptr (MsLockRequest) req = ms_lock_request_new ();
  req->user = g_strdup (in->user ? in->user : "");
  req->host = g_strdup (in->hostname ? in->hostname : "");
  req->agent_info = g_strdup (in->agentInfo);
  for (guint i = 0; in->component && i < in->component->len; i++)
    {
      const ThmsLockComponent *lc = g_ptr_array_index (in->component, i);
      if (lc->type < THMS_LOCK_TYPE_SHARED_READ || lc->type > THMS_LOCK_TYPE_EXCL_WRITE)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "Unknown lock type %d", (int) lc->type);
          return NULL;
        }
      if (lc->dbname == NULL || *lc->dbname == '\0')
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "A lock component needs a database name");
          return NULL;
        }
      g_autoptr (MsLockComponent) c = ms_lock_component_new ();
      c->type = (MsLockType) lc->type;
      c->db_name = g_ascii_strdown (lc->dbname, -1);
      c->table_name = lc->__isset_tablename ? lower_or_null (lc->tablename) : NULL;
      c->part_name = lc->__isset_partitionname ? hms_lock_part_name (lc->partitionname) : NULL;
      if (c->part_name != NULL && c->table_name == NULL)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT,
                   "A partition lock component needs a table name (partition %s)", c->part_name);
          return NULL;
        }
      g_ptr_array_add (req->components, g_steal_pointer (&c));
    }
  if (req->components->len == 0)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "A lock request needs at least one component");
      return NULL;
    }
  return g_steal_pointer (&req);
}

/* The lock 'id' and its state into the LockResponse of 'call'. */
static void
lock_response (HmsCall *call, gint64 id, MsLockState state)
{
  ThmsLockResponse *out = hms_result_obj (call);
  out->lockid = id;
  out->state = (ThmsLockState) state;
}

/* lock */
gboolean
hms_lock_acquire (HmsCall *call, GError **error)
{
  MsHms *hms = call->hms;
  g_autoptr (MsLockRequest) req = lock_request_from_thrift (hms_arg_obj (call, "rqst"), error);
  if (req == NULL)
    return FALSE;
  MsLockState state = MS_LOCK_WAITING;
  gint64 id = ms_store_lock_request (hms->store, req, timeout_ms (hms), &state, error);
  if (id == 0)
    return FALSE;
  lock_response (call, id, state);
  return TRUE;
}

/* check_lock: like Hive, the request's txnid is not used, the lock knows
 * its own */
gboolean
hms_lock_check (HmsCall *call, GError **error)
{
  MsHms *hms = call->hms;
  const ThmsCheckLockRequest *rqst = hms_arg_obj (call, "rqst");
  MsLockState state = MS_LOCK_WAITING;
  if (!ms_store_lock_check (hms->store, rqst->lockid, timeout_ms (hms), &state, error))
    return FALSE;
  lock_response (call, rqst->lockid, state);
  return TRUE;
}

/* unlock */
gboolean
hms_lock_release (HmsCall *call, GError **error)
{
  const ThmsUnlockRequest *rqst = hms_arg_obj (call, "rqst");
  return ms_store_lock_release (call->hms->store, rqst->lockid, error);
}

/* heartbeat: like Hive, the transaction, then the lock; an id of 0 (or
 * unset) is skipped, so a request with neither does nothing */
gboolean
hms_lock_heartbeat (HmsCall *call, GError **error)
{
  const ThmsHeartbeatRequest *ids = hms_arg_obj (call, "ids");
  if (ids->txnid != 0)
    return no_such_txn (error, ids->txnid);
  if (ids->lockid != 0)
    return ms_store_lock_heartbeat (call->hms->store, ids->lockid, error);
  return TRUE;
}

#define LOCK_REQUIRED(tm, mm, kind) \
  HMS_OUT_REQUIRED (ThmsShowLocksResponseElement, tm, MsLockInfo, mm, kind)
#define LOCK_FIELD(tm, mm, kind) HMS_OUT_FIELD (ThmsShowLocksResponseElement, tm, MsLockInfo, mm, kind)

static const HmsOutField lock_info_fields[] = {
  LOCK_REQUIRED (lockid, lock_id, HMS_OUT_INT), LOCK_REQUIRED (dbname, db_name, HMS_OUT_STR_OR_EMPTY),
  LOCK_FIELD (tablename, table_name, HMS_OUT_STR_OPT),
  LOCK_FIELD (partname, part_name, HMS_OUT_STR_OPT), LOCK_REQUIRED (state, state, HMS_OUT_INT),
  LOCK_REQUIRED (type, type, HMS_OUT_INT), LOCK_FIELD (txnid, txn_id, HMS_OUT_INT),
  LOCK_REQUIRED (lastheartbeat, last_heartbeat, HMS_OUT_INT),
  LOCK_FIELD (acquiredat, acquired_at, HMS_OUT_INT_OPT),
  LOCK_REQUIRED (user, user, HMS_OUT_STR_OR_EMPTY),
  LOCK_REQUIRED (hostname, host, HMS_OUT_STR_OR_EMPTY),
  LOCK_FIELD (heartbeatCount, heartbeat_count, HMS_OUT_INT),
  LOCK_FIELD (agentInfo, agent_info, HMS_OUT_STR_OPT),
  LOCK_FIELD (blockedByExtId, blocked_by_lock_id, HMS_OUT_INT_OPT),
  LOCK_FIELD (blockedByIntId, blocked_by_comp_id, HMS_OUT_INT),
  LOCK_FIELD (lockIdInternal, comp_id, HMS_OUT_INT),
};

static ThmsShowLocksResponseElement *
lock_info_to_thrift (const MsLockInfo *l)
{
  ThmsShowLocksResponseElement *e =
      HMS_OUT_NEW (THMS_TYPE_SHOW_LOCKS_RESPONSE_ELEMENT, l, lock_info_fields);
  /* the blocker's two ids are given together, when there is a blocker */
  e->__isset_blockedByIntId = l->blocked_by_lock_id != 0;
  return e;
}

/* show_locks: like Hive, an empty filter is no filter; it declares no
 * exception, so a failure is a TApplicationException */
gboolean
hms_lock_list (HmsCall *call, GError **error)
{
  MsHms *hms = call->hms;
  const ThmsShowLocksRequest *rqst = hms_arg_obj (call, "rqst");
  g_autofree char *db = rqst->__isset_dbname ? lower_or_null (rqst->dbname) : NULL;
  g_autofree char *table = rqst->__isset_tablename ? lower_or_null (rqst->tablename) : NULL;
  g_autofree char *part = rqst->__isset_partname ? hms_lock_part_name (rqst->partname) : NULL;
  g_autoptr (GPtrArray) locks = ms_store_lock_list (hms->store, db, table, part,
                                                    rqst->__isset_txnid, rqst->txnid,
                                                    timeout_ms (hms), error);
  if (locks == NULL)
    return FALSE;
  ThmsShowLocksResponse *out = hms_result_obj (call);
  for (guint i = 0; i < locks->len; i++)
    g_ptr_array_add (out->locks, lock_info_to_thrift (g_ptr_array_index (locks, i)));
  out->__isset_locks = TRUE;
  return TRUE;
}
