/*
 * idempotency.c: the Idempotency-Key header of the REST door's mutating
 * routes (ice_idem_begin_or_reply before the handler, ice_idem_end after).
 *
 * The key must have the UUID form (400 otherwise). The first request with
 * a key claims its record (store/idempotency.c) and runs; every
 * transaction it commits marks the record applied in that transaction.
 * Its final outcome (status, body, the headers it set, e.g. ETag) is then
 * recorded when the spec says it is final: 2xx and the deterministic 4xx;
 * not 5xx, nor 401, 403, 408, 419, 429. A retry with the same key and the
 * same request (principal, method, path with its query, body) within the
 * lifetime gets that outcome (with Idempotent-Replayed: true) and nothing
 * runs again. Decisions where the spec says nothing:
 *  - the key used for another request: 422 UnprocessableEntityException
 *    (as the IETF Idempotency-Key draft);
 *  - the first attempt still running: the retry waits up to 2 s for its
 *    outcome, then 503 ServiceUnavailableException with Retry-After: 1
 *    (clients retry 503 with the same key; 409 would read as
 *    CommitFailedException and make a client rebuild its commit);
 *  - an attempt that applied its change but stopped before recording the
 *    outcome (its process died): 500 CommitStateUnknownException, as for a
 *    commit whose outcome is unknown; the change is not applied twice.
 */
#include "iceberg/internal.h"
#include "core/log.h"
#include <string.h>

/* Statuses the spec lets a record replay. */
static gboolean
final_status (int status)
{
  if (status >= 200 && status < 300)
    return TRUE;
  if (status < 400 || status >= 500)
    return FALSE;
  return status != 401 && status != 403 && status != 408 && status != 419 && status != 429;
}

/* Does 'key' have the UUID string form (8-4-4-4-12 hex digits)? */
gboolean
ice_idem_key_valid (const char *key)
{
  if (key == NULL || strlen (key) != 36)
    return FALSE;
  for (int i = 0; i < 36; i++)
    {
      gboolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? key[i] != '-' : !g_ascii_isxdigit (key[i]))
        return FALSE;
    }
  return TRUE;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* What the request is, as a hex SHA-256: principal, method, path, query
 * (sorted), body. */
static char *
fingerprint (const IceCall *call)
{
  const MsHttpRequest *req = call->req;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *who = call->principal ? call->principal : "";
  g_checksum_update (sum, (const guchar *) who, strlen (who) + 1);
  g_checksum_update (sum, (const guchar *) req->method, strlen (req->method) + 1);
  for (char **s = req->segments; s && *s; s++)
    g_checksum_update (sum, (const guchar *) *s, strlen (*s) + 1);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  if (req->query != NULL)
    {
      GHashTableIter it;
      gpointer k;
      g_hash_table_iter_init (&it, req->query);
      while (g_hash_table_iter_next (&it, &k, NULL))
        g_ptr_array_add (keys, k);
      g_ptr_array_sort (keys, compare_strings);
    }
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = keys->pdata[i], *v = g_hash_table_lookup (req->query, k);
      g_checksum_update (sum, (const guchar *) k, strlen (k) + 1);
      g_checksum_update (sum, (const guchar *) v, strlen (v) + 1);
    }
  g_checksum_update (sum, (const guchar *) "\n", 1);
  if (req->body != NULL)
    g_checksum_update (sum, (const guchar *) req->body, req->body_len);
  return g_strdup (g_checksum_get_string (sum));
}

/* Answer with a recorded outcome. */
static void
replay (MsHttpResponse *resp, const MsIdemOutcome *o)
{
  resp->status = o->status;
  g_free (resp->body);
  resp->body = g_strdup (o->body);
  resp->content_type = o->body ? "application/json" : NULL;
  g_auto (GStrv) lines = g_strsplit (o->headers ? o->headers : "", "\n", -1);
  for (char **l = lines; *l; l++)
    {
      char *colon = strchr (*l, ':');
      if (colon == NULL)
        continue;
      *colon = '\0';
      ms_http_response_header (resp, *l, colon + 1 + (colon[1] == ' '));
    }
  ms_http_response_header (resp, "Idempotent-Replayed", "true");
}

/* The headers of a reply to record, as "Name: value" lines; NULL: none. */
static char *
recorded_headers (const MsHttpResponse *resp)
{
  if (resp->headers == NULL || resp->headers->len == 0)
    return NULL;
  GString *s = g_string_new (NULL);
  for (guint i = 0; i + 1 < resp->headers->len; i += 2)
    g_string_append_printf (s, "%s: %s\n", (char *) resp->headers->pdata[i],
                            (char *) resp->headers->pdata[i + 1]);
  return g_string_free (s, FALSE);
}

/* How a claim that is not ours is answered; TRUE when it is settled
 * (answered), FALSE to try claiming again (it was still running). */
static gboolean
answer_held_key (MsIdemState state, const MsIdemOutcome *o, gboolean last, MsHttpResponse *resp)
{
  switch (state)
    {
    case MS_IDEM_DONE:
      replay (resp, o);
      return TRUE;
    case MS_IDEM_MISMATCH:
      ice_reply_fail (resp, ICE_ERROR_UNPROCESSABLE_ENTITY,
                      "Idempotency-Key was already used for a different request");
      return TRUE;
    case MS_IDEM_LOST:
      ice_reply_fail (resp, ICE_ERROR_COMMIT_STATE_UNKNOWN,
                      "The request with this Idempotency-Key was applied but its reply was lost; "
                      "load the object to see its state");
      return TRUE;
    default:
      if (!last)
        return FALSE;
      ice_reply_fail (resp, ICE_ERROR_SERVICE_UNAVAILABLE,
                      "A request with this Idempotency-Key is still being processed; retry later");
      ms_http_response_header (resp, "Retry-After", "1");
      return TRUE;
    }
}

gboolean
ice_idem_begin_or_reply (const IceCall *call, IceIdem *idem, MsHttpResponse *resp)
{
  const char *key = ms_http_request_header (call->req, "Idempotency-Key");
  memset (idem, 0, sizeof *idem);
  if (key == NULL || call->ice->idem_lifetime_s <= 0)
    return TRUE;
  if (!ice_idem_key_valid (key))
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                      "Idempotency-Key must be a UUID (a UUIDv7 in string form, 36 characters)");
      return FALSE;
    }
  idem->key = g_ascii_strdown (key, -1);
  idem->fingerprint = fingerprint (call);
  idem->owner = g_uuid_string_random ();
  idem->claim = (MsIdemClaim) { idem->key, idem->fingerprint, idem->owner,
                                call->ice->idem_lifetime_s, call->ice->idem_stale_s };
  for (int tries = 0;; tries++)
    {
      g_autoptr (GError) err = NULL;
      MsIdemOutcome o = { 0 };
      MsIdemState state = ms_store_idem_claim (call->ice->store, &idem->claim, &o, &err);
      if (state == MS_IDEM_FAILED)
        {
          ice_reply_gerror (resp, g_steal_pointer (&err), 0);
          return FALSE;
        }
      if (state == MS_IDEM_CLAIMED)
        break;
      gboolean settled = answer_held_key (state, &o, tries >= 20, resp);
      ms_idem_outcome_clear (&o);
      if (settled)
        {
          ms_debug ("REST: Idempotency-Key %s answered without running (%d)", idem->key,
                    resp->status);
          return FALSE;
        }
      g_usleep (100 * 1000);
    }
  idem->claimed = TRUE;
  ms_store_idem_bind (&idem->claim);
  return TRUE;
}

void
ice_idem_end (const IceCall *call, IceIdem *idem, const MsHttpResponse *resp)
{
  if (!idem->claimed)
    return;
  ms_store_idem_bind (NULL);
  g_autoptr (GError) err = NULL;
  gboolean ok;
  if (final_status (resp->status))
    {
      g_autofree char *headers = recorded_headers (resp);
      MsIdemOutcome o = { resp->status, resp->body, headers };
      ok = ms_store_idem_finish (call->ice->store, &idem->claim, &o, &err);
    }
  else
    ok = ms_store_idem_release (call->ice->store, &idem->claim, &err);
  /* the reply stands; a retry then finds the claim and waits it out */
  if (!ok)
    ms_info ("REST: the outcome of Idempotency-Key %s was not recorded: %s", idem->key,
             err->message);
}

void
ice_idem_clear (IceIdem *idem)
{
  g_free (idem->key);
  g_free (idem->fingerprint);
  g_free (idem->owner);
  memset (idem, 0, sizeof *idem);
}
