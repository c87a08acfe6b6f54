/*
 * jwks.c: the external identity provider's JSON Web Key Set, fetched with
 * libcurl on first use and cached in an MsJwks (see auth.h). The cache is
 * one immutable array of keys swapped under the context's mutex; readers
 * take a reference, so a refetch never pulls keys from under a check in
 * flight. One fetch at a time: callers arriving meanwhile wait for it
 * rather than start their own, and fetches are at least refetch_s apart,
 * so tokens with made-up key ids cannot turn the server into a client
 * hammering the provider. A failed refetch keeps the keys already held.
 */
#include "auth/auth.h"
#include "core/error.h"
#include "core/log.h"
#include <curl/curl.h>
#include <string.h>

struct _MsJwks {
  char *url;
  gint64 refetch_us;
  gint64 ttl_us;
  MsJwksFetch fetch;
  gpointer fetch_user;
  GMutex lock;
  GCond fetched;               /* signalled when a fetch ends */
  GPtrArray *keys;             /* current keys, or NULL before the first success */
  gint64 keys_at;              /* monotonic time of the current keys */
  gint64 attempt_at;           /* monotonic time of the last fetch started */
  gboolean attempted;
  gboolean fetching;
  char *last_error;            /* why the last fetch failed, or NULL */
  guint fetch_count;
};

/* ---- fetching with libcurl ---- */

typedef struct {
  GByteArray *body;
  gboolean too_large;
} Sink;

static size_t
sink_write (char *data, size_t size, size_t n, void *user)
{
  Sink *s = user;
  size_t len = size * n;
  if (s->body->len + len > MS_JWKS_MAX_BYTES)
    {
      s->too_large = TRUE;
      return 0;                /* aborts the transfer */
    }
  g_byte_array_append (s->body, (const guint8 *) data, (guint) len);
  return len;
}

static GBytes *
curl_fetch (const char *url, gpointer user, GError **error)
{
  (void) user;
  CURL *c = curl_easy_init ();
  if (c == NULL)
    return ms_fail (error, MS_ERROR_INTERNAL, "cannot start a libcurl transfer"), NULL;
  g_autoptr (GByteArray) body = g_byte_array_new ();
  Sink sink = { body, FALSE };
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt (c, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt (c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (c, CURLOPT_MAXREDIRS, 3L);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt (c, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
  curl_easy_setopt (c, CURLOPT_REDIR_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt (c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) MS_JWKS_MAX_BYTES);
  curl_easy_setopt (c, CURLOPT_USERAGENT, "metastore");
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, sink_write);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform (c);
  long status = 0;
  curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (c);
  if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "the JWKS is larger than %d bytes",
                    MS_JWKS_MAX_BYTES), NULL;
  if (rc != CURLE_OK)
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "cannot fetch the JWKS: %s",
                    *errbuf ? errbuf : curl_easy_strerror (rc)), NULL;
  if (status != 200)
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "cannot fetch the JWKS: HTTP status %ld",
                    status), NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

/* ---- the cache ---- */

MsJwks *
ms_jwks_new (const char *url, int refetch_s, int ttl_s, MsJwksFetch fetch, gpointer fetch_user,
             GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL || (g_ascii_strcasecmp (scheme, "https") != 0
                         && g_ascii_strcasecmp (scheme, "http") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "rest.auth.jwks_url must be an http:// or https:// URL"), NULL;
  MsJwks *j = g_new0 (MsJwks, 1);
  j->url = g_strdup (url);
  j->refetch_us = (gint64) refetch_s * G_USEC_PER_SEC;
  j->ttl_us = (gint64) ttl_s * G_USEC_PER_SEC;
  j->fetch = fetch ? fetch : curl_fetch;
  j->fetch_user = fetch_user;
  g_mutex_init (&j->lock);
  g_cond_init (&j->fetched);
  return j;
}

void
ms_jwks_free (MsJwks *j)
{
  if (j == NULL)
    return;
  g_free (j->url);
  if (j->keys)
    g_ptr_array_unref (j->keys);
  g_free (j->last_error);
  g_mutex_clear (&j->lock);
  g_cond_clear (&j->fetched);
  g_free (j);
}

static gboolean
has_kid (GPtrArray *keys, const char *kid)
{
  for (guint i = 0; i < keys->len; i++)
    if (g_strcmp0 (((MsJwk *) g_ptr_array_index (keys, i))->kid, kid) == 0)
      return TRUE;
  return FALSE;
}

/* Fetch and parse once, with the lock released meanwhile; called with the
 * lock held and 'fetching' claimed. */
static void
fetch_locked (MsJwks *j)
{
  j->fetching = TRUE;
  j->attempted = TRUE;
  j->attempt_at = g_get_monotonic_time ();
  j->fetch_count++;
  g_mutex_unlock (&j->lock);

  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *keys = NULL;
  g_autoptr (GBytes) doc = j->fetch (j->url, j->fetch_user, &err);
  if (doc != NULL)
    {
      gsize len = 0;
      const char *text = g_bytes_get_data (doc, &len);
      keys = ms_jwks_parse (text ? text : "", len, skipped, &err);
    }
  for (guint i = 0; i < skipped->len; i++)
    ms_info ("JWKS: %s: skipped", (char *) g_ptr_array_index (skipped, i));

  g_mutex_lock (&j->lock);
  j->fetching = FALSE;
  if (keys != NULL)
    {
      if (j->keys)
        g_ptr_array_unref (j->keys);
      j->keys = keys;
      j->keys_at = g_get_monotonic_time ();
      g_clear_pointer (&j->last_error, g_free);
      ms_info ("JWKS: %u signing keys loaded", keys->len);
    }
  else
    {
      g_free (j->last_error);
      j->last_error = g_strdup (err ? err->message : "cannot fetch the JWKS");
      ms_warn ("JWKS: %s%s", j->last_error, j->keys ? " (keeping the keys held)" : "");
    }
  g_cond_broadcast (&j->fetched);
}

GPtrArray *
ms_jwks_keys (MsJwks *j, const char *kid, GError **error)
{
  g_mutex_lock (&j->lock);
  gboolean done = FALSE;       /* this call has fetched or waited for a fetch */
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gboolean stale = j->keys != NULL && now - j->keys_at >= j->ttl_us;
      gboolean want = j->keys == NULL || stale || (kid != NULL && !has_kid (j->keys, kid));
      if (!want || done)
        break;
      if (j->fetching)
        {
          while (j->fetching)
            g_cond_wait (&j->fetched, &j->lock);
          done = TRUE;
          continue;
        }
      if (j->attempted && now - j->attempt_at < j->refetch_us)
        break;                 /* rate-limited: answer with what is held */
      fetch_locked (j);
      done = TRUE;
    }
  GPtrArray *keys = j->keys ? g_ptr_array_ref (j->keys) : NULL;
  if (keys == NULL)
    g_set_error (error, MS_AUTH_ERROR, MS_AUTH_ERROR_UNAVAILABLE,
                 "the identity provider's keys are not available: %s",
                 j->last_error ? j->last_error : "not fetched yet");
  g_mutex_unlock (&j->lock);
  return keys;
}

guint
ms_jwks_fetch_count (MsJwks *j)
{
  g_mutex_lock (&j->lock);
  guint n = j->fetch_count;
  g_mutex_unlock (&j->lock);
  return n;
}
