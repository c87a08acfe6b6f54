/*
 * idempotency.c: the Idempotency-Key records of the REST door
 * (sql/010_idempotency.sql): claim, the mark a change's transaction
 * carries, the outcome, release and cleaning.
 *
 * A claim is bound to the calling thread (ms_store_idem_bind) while the
 * request runs; every transaction the thread commits meanwhile sets the
 * record's 'applied' as its last statement before COMMIT
 * (ms_store_idem_mark, called by ms_pg_commit), and fails when the claim
 * is no longer this attempt's: the change and its record commit together
 * or not at all.
 */
#include "store/idempotency.h"
#include "store/pool.h"
#include <string.h>

/* The claim of the request this thread is serving, or NULL. */
static __thread const MsIdemClaim *bound_claim;

void
ms_store_idem_bind (const MsIdemClaim *claim)
{
  bound_claim = claim;
}

gboolean
ms_store_idem_bound (void)
{
  return bound_claim != NULL;
}

void
ms_idem_outcome_clear (MsIdemOutcome *o)
{
  g_clear_pointer (&o->body, g_free);
  g_clear_pointer (&o->headers, g_free);
  o->status = 0;
}

/* The record's own statements (claim, outcome, release) commit without
 * waiting for their WAL flush (synchronous_commit off for that statement's
 * transaction): a claim is flushed at the latest by the change that marks
 * it (WAL is written in order), and an outcome or a release lost when
 * PostgreSQL itself crashes leaves what a crash of this server leaves (an
 * applied record without outcome; a claim taken over when stale). */
#define NO_FLUSH "(SELECT set_config ('synchronous_commit', 'off', true)) AS nf"

/* A new claim, or the takeover of an expired record or of a claim whose
 * attempt stopped before its change committed (older than $5 seconds,
 * still running, not applied: it died, or it will fail its mark). */
static const MsSql sql_claim = { "idem_claim",
  "INSERT INTO ms_idempotency AS i (idem_key, fingerprint, owner, expires_at) "
  "SELECT $1, $2, $3, now() + $4::integer * interval '1 second' FROM " NO_FLUSH " "
  "ON CONFLICT (idem_key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, "
  "  owner = EXCLUDED.owner, applied = false, status = NULL, body = NULL, headers = NULL, "
  "  started_at = now(), expires_at = EXCLUDED.expires_at "
  "WHERE i.expires_at < now() "
  "   OR (i.status IS NULL AND NOT i.applied "
  "       AND i.started_at < now() - $5::integer * interval '1 second') "
  "RETURNING 1" };

static const MsSql sql_read = { "idem_read",
  "SELECT fingerprint, applied, status, body, headers, "
  "  started_at < now() - $2::integer * interval '1 second' "
  "FROM ms_idempotency WHERE idem_key = $1",
  .read_only = TRUE };

static gboolean
claim_once (MsStore *s, const MsIdemClaim *claim, gboolean *claimed, GError **error)
{
  g_autofree char *life = g_strdup_printf ("%d", claim->lifetime_s);
  g_autofree char *stale = g_strdup_printf ("%d", claim->stale_s);
  const char *v[] = { claim->key, claim->fingerprint, claim->owner, life, stale };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_claim, 5, v, error);
  if (r == NULL)
    return FALSE;
  *claimed = PQntuples (r) == 1;
  return TRUE;
}

MsIdemState
ms_store_idem_claim (MsStore *s, const MsIdemClaim *claim, MsIdemOutcome *out, GError **error)
{
  /* twice at most: a record read as gone (expired and cleaned between the
   * two statements) is claimed again */
  for (int attempt = 0; attempt < 2; attempt++)
    {
      gboolean claimed = FALSE;
      if (!claim_once (s, claim, &claimed, error))
        return MS_IDEM_FAILED;
      if (claimed)
        return MS_IDEM_CLAIMED;
      g_autofree char *stale = g_strdup_printf ("%d", claim->stale_s);
      const char *v[] = { claim->key, stale };
      g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_read, 2, v, error);
      if (r == NULL)
        return MS_IDEM_FAILED;
      if (PQntuples (r) == 0)
        continue;
      if (g_strcmp0 (PQgetvalue (r, 0, 0), claim->fingerprint) != 0)
        return MS_IDEM_MISMATCH;
      if (!PQgetisnull (r, 0, 2))
        {
          out->status = ms_pg_int (r, 0, 2, 0);
          out->body = ms_pg_dup (r, 0, 3);
          out->headers = ms_pg_dup (r, 0, 4);
          return MS_IDEM_DONE;
        }
      /* applied, no outcome, and its attempt long gone: the reply was lost */
      if (ms_pg_bool (r, 0, 1) && ms_pg_bool (r, 0, 5))
        return MS_IDEM_LOST;
      return MS_IDEM_RUNNING;
    }
  return MS_IDEM_RUNNING;
}

static const MsSql sql_mark = { "idem_mark",
  "UPDATE ms_idempotency SET applied = true WHERE idem_key = $1 AND owner = $2 RETURNING 1" };

gboolean
ms_store_idem_mark (MsPgConn *c, GError **error)
{
  const MsIdemClaim *claim = bound_claim;
  if (claim == NULL)
    return TRUE;
  const char *v[] = { claim->key, claim->owner };
  g_autoptr (PGresult) r = ms_pg_exec (c, &sql_mark, 2, v, error);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    return TRUE;
  return ms_fail (error, MS_ERROR_UNAVAILABLE,
                  "the Idempotency-Key of this request was taken over by a retry after this "
                  "attempt ran too long; nothing was changed");
}

static const MsSql sql_finish = { "idem_finish",
  "UPDATE ms_idempotency SET status = $3::integer, body = $4, headers = $5 FROM " NO_FLUSH " "
  "WHERE idem_key = $1 AND owner = $2" };

gboolean
ms_store_idem_finish (MsStore *s, const MsIdemClaim *claim, const MsIdemOutcome *outcome,
                      GError **error)
{
  g_autofree char *status = g_strdup_printf ("%d", outcome->status);
  const char *v[] = { claim->key, claim->owner, status, outcome->body, outcome->headers };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_finish, 5, v, error);
  return r != NULL;
}

/* A claim whose change did not commit goes: a retry runs afresh. One that
 * did stays, without outcome (a retry learns the reply was lost). */
static const MsSql sql_release = { "idem_release",
  "DELETE FROM ms_idempotency USING " NO_FLUSH " "
  "WHERE idem_key = $1 AND owner = $2 AND NOT applied" };

gboolean
ms_store_idem_release (MsStore *s, const MsIdemClaim *claim, GError **error)
{
  const char *v[] = { claim->key, claim->owner };
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_release, 2, v, error);
  return r != NULL;
}

/* The advisory lock key of the cleaner (one replica cleans at a time). */
#define IDEM_CLEANER_LOCK_KEY "6964656d706f7465"

static const MsSql sql_clean = { "idem_clean",
  "WITH lock AS (SELECT pg_try_advisory_xact_lock (('x' || $2::text)::bit(64)::bigint) AS got), "
  "gone AS (DELETE FROM ms_idempotency WHERE idem_key IN ("
  "  SELECT idem_key FROM ms_idempotency, lock WHERE lock.got AND expires_at < now() "
  "  LIMIT $1::integer) RETURNING 1) "
  "SELECT (SELECT got FROM lock), (SELECT count(*) FROM gone)" };

gboolean
ms_store_idem_clean (MsStore *s, gint64 *deleted, gboolean *ran, GError **error)
{
  const char *v[] = { "10000", IDEM_CLEANER_LOCK_KEY };
  return ms_pool_clean_batches (s->pool, &sql_clean, 2, v, 10000, deleted, ran, error);
}
