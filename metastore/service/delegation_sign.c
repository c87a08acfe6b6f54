/*
 * delegation_sign.c: remote signing (delegation.h): which client requests
 * may be signed for a table location (ms_delegation_request_allowed) and
 * the signing itself with the server's S3 keys (ms_delegation_sign).
 * A request is placed by its URL: path style (http://<endpoint>/<bucket>/
 * <key>) or virtual-host style (http://<bucket>.<endpoint host>/<key>);
 * its path is percent-decoded before the comparison and "." or ".."
 * segments are refused, so nothing outside the prefix can be named.
 */
#include "service/delegation.h"
#include "storage/sigv4.h"
#include "storage/storage_s3.h"
#include "core/error.h"
#include <string.h>

/* The host[:port] of the object store: s3.endpoint's, or AWS's. */
static char *
store_host (const MsS3Options *s3)
{
  if (s3 == NULL || s3->endpoint == NULL)
    return NULL;
  const char *e = s3->endpoint;
  const char *sep = strstr (e, "://");
  if (sep)
    e = sep + 3;
  return g_ascii_strdown (e, (gssize) strcspn (e, "/?#"));
}

/* Host names compare without regard to case. */
static gboolean
same_host (const char *a, const char *b)
{
  return a != NULL && b != NULL && g_ascii_strcasecmp (a, b) == 0;
}

static gboolean
aws_host (const char *host)
{
  return g_str_has_suffix (host, ".amazonaws.com");
}

/* The bucket and decoded key a request URL names, as the object store
 * reads it. */
static gboolean
url_bucket_key (const MsS3Options *s3, const char *url, char **bucket, char **key, char **query,
                GError **error)
{
  g_autofree char *host = NULL, *path = NULL;
  if (!ms_sigv4_split_url (url, &host, &path, query))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The URI to sign is not an http(s) URL");
  g_autofree char *decoded = g_uri_unescape_string (path, NULL);
  if (decoded == NULL || decoded[0] != '/')
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The URI to sign has a malformed path");
  g_auto (GStrv) segs = g_strsplit (decoded + 1, "/", -1);
  for (guint i = 0; segs[i]; i++)
    if (g_str_equal (segs[i], ".") || g_str_equal (segs[i], ".."))
      return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The URI to sign has '.' or '..' segments");
  g_autofree char *endpoint = store_host (s3);
  gboolean path_style;
  if (endpoint != NULL)
    {
      gsize hl = strlen (host), el = strlen (endpoint);
      path_style = same_host (host, endpoint);
      if (!path_style && !(hl > el + 1 && host[hl - el - 1] == '.'
                           && g_ascii_strcasecmp (host + hl - el, endpoint) == 0))
        return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The URI to sign is not on the object store");
    }
  else
    {
      if (!aws_host (host))
        return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The URI to sign is not on the object store");
      path_style = g_str_has_prefix (host, "s3.") || g_str_has_prefix (host, "s3-");
    }
  if (path_style)
    {
      const char *rest = decoded + 1;
      gsize bl = strcspn (rest, "/");
      *bucket = g_strndup (rest, bl);
      *key = g_strdup (rest[bl] == '/' ? rest + bl + 1 : "");
    }
  else
    {
      *bucket = g_strndup (host, strcspn (host, "."));
      *key = g_strdup (decoded + 1);
    }
  return TRUE;
}

static gboolean
key_under (const char *key, const char *prefix)
{
  gsize n = strlen (prefix);
  return strncmp (key, prefix, n) == 0 && (key[n] == '\0' || key[n] == '/');
}

/* The decoded value of query parameter 'name', or NULL. */
static char *
query_param (const char *query, const char *name)
{
  g_auto (GStrv) parts = g_strsplit (query ? query : "", "&", -1);
  gsize n = strlen (name);
  for (guint i = 0; parts[i]; i++)
    if (strncmp (parts[i], name, n) == 0 && (parts[i][n] == '=' || parts[i][n] == '\0'))
      return g_uri_unescape_string (parts[i][n] ? parts[i] + n + 1 : "", NULL);
  return NULL;
}

/* A request on the bucket itself: a listing with a prefix under 'prefix'
 * (GET), or a DeleteObjects of keys under it (POST ?delete). */
static gboolean
bucket_request_allowed (const MsSignRequest *req, const char *query, const char *prefix,
                        GError **error)
{
  if (g_str_equal (req->method, "GET") || g_str_equal (req->method, "HEAD"))
    {
      g_autofree char *p = query_param (query, "prefix");
      if (p != NULL && key_under (p, prefix))
        return TRUE;
      return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                      "A listing may only name a prefix under the table location");
    }
  g_autofree char *del = query_param (query, "delete");
  if (!g_str_equal (req->method, "POST") || del == NULL || req->body == NULL)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "Only listings and DeleteObjects may name the bucket itself");
  g_autoptr (GPtrArray) keys = ms_s3_parse_delete_request (req->body, strlen (req->body), NULL);
  if (keys == NULL || keys->len == 0)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "A DeleteObjects body without keys");
  for (guint i = 0; i < keys->len; i++)
    if (!key_under (keys->pdata[i], prefix))
      return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                      "DeleteObjects names a key outside the table location");
  return TRUE;
}

gboolean
ms_delegation_request_allowed (const MsDelegation *d, const char *location,
                               MsDelegateScope scope, const MsSignRequest *req, GError **error)
{
  (void) d;
  static const char *const reads[] = { "GET", "HEAD", NULL };
  static const char *const writes[] = { "PUT", "POST", "DELETE", NULL };
  if (req->method == NULL || req->uri == NULL)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "A sign request needs a method and a uri");
  gboolean read = g_strv_contains (reads, req->method);
  if (!read && !(scope == MS_DELEGATE_WRITE && g_strv_contains (writes, req->method)))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "%s requests are not signed for %s", req->method,
                    scope == MS_DELEGATE_WRITE ? "anyone" : "a read-only principal");
  g_auto (MsS3Location) loc = { 0 };
  if (location == NULL || !ms_s3_parse_location (location, &loc, NULL) || loc.key[0] == '\0')
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The table location is not in S3");
  g_autofree char *prefix = g_strdup (loc.key);
  for (gsize n = strlen (prefix); n > 0 && prefix[n - 1] == '/'; n--)
    prefix[n - 1] = '\0';
  g_autofree char *bucket = NULL, *key = NULL, *query = NULL;
  if (!url_bucket_key (d ? ms_delegation_s3 (d) : NULL, req->uri, &bucket, &key, &query, error))
    return FALSE;
  if (!g_str_equal (bucket, loc.bucket))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The URI to sign is outside the table location");
  if (key[0] == '\0')
    return bucket_request_allowed (req, query, prefix, error);
  if (!key_under (key, prefix))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The URI to sign is outside the table location");
  return TRUE;
}

gboolean
ms_delegation_sign (MsDelegation *d, const char *location, MsDelegateScope scope,
                    const MsSignRequest *req, GPtrArray *out, GError **error)
{
  if (!ms_delegation_request_allowed (d, location, scope, req, error))
    return FALSE;
  const MsS3Options *s3 = ms_delegation_s3 (d);
  const char *access = s3 && s3->access_key ? s3->access_key : g_getenv ("AWS_ACCESS_KEY_ID");
  const char *secret = s3 && s3->access_key ? s3->secret_key : g_getenv ("AWS_SECRET_ACCESS_KEY");
  const char *token = s3 && s3->access_key ? s3->session_token : g_getenv ("AWS_SESSION_TOKEN");
  const char *region = s3 && s3->region ? s3->region : g_getenv ("AWS_REGION");
  if (access == NULL || secret == NULL)
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "The server has no S3 keys to sign with");
  MsSigV4Key key = { access, secret, region ? region : "us-east-1", "s3" };
  return ms_sigv4_sign_s3 (&key, token, g_get_real_time () / G_USEC_PER_SEC, req->method,
                           req->uri, req->headers, out, error);
}
