/*
 * storage_s3.c: S3 objects (s3://bucket/key, also s3a:// and s3n://)
 * through libcurl and its built-in AWS SigV4 signing (CURLOPT_AWS_SIGV4;
 * nothing here signs by hand): whole-object GET and PUT, HEAD for
 * existence, and delete-by-prefix with ListObjectsV2 pages and
 * DeleteObjects batches. Entry points: ms_storage_s3_get/put/exists/
 * delete_all (called by the scheme dispatch in storage_object.c), and the
 * pure helpers of storage_s3.h (locations, encoding, URLs).
 *
 * What libcurl 7.75+ leaves to the caller, and this file does:
 *  - x-amz-content-sha256 is set explicitly (SHA-256 of the body, OpenSSL);
 *    libcurl signs that value as the payload hash.
 *  - paths and query strings are given already canonical (S3's encoding of
 *    every byte but the unreserved ones, query parameters sorted), since
 *    libcurl signs the URL's path and query exactly as written
 *    (CURLOPT_PATH_AS_IS keeps "." and ".." key segments too).
 *  - every header we add is signed; x-amz-security-token carries a session
 *    token.
 *
 * Deleting a prefix: ListObjectsV2 (encoding-type=url, so keys XML cannot
 * carry survive; the reply says whether it was applied) page by page, each
 * page removed with DeleteObjects (Content-MD5 set, quiet) before the next
 * is asked for; keys no XML body can carry, and all keys on a store that
 * answers DeleteObjects with 501, get single DELETEs. Sweeps repeat until
 * one finds nothing (at most MAX_DELETE_PASSES), for stores whose listings
 * skip keys (s3rver); then the key itself is deleted. 5xx replies and
 * dropped connections are retried (every request here is idempotent).
 *
 * Threads: one CURL easy handle per call (a delete_all reuses its handle,
 * and so its connection, for all its requests); libcurl's global state is
 * set up once by ms_storage_global_init(). Credentials are read per call
 * (MsS3Options, else the AWS_* environment) and never reach a message or a
 * log line: errors name the method, the location, the HTTP status and S3's
 * Code and Message only.
 */
#include "storage/storage_internal.h"
#include "core/log.h"
#include <openssl/evp.h>
#include <string.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define MAX_ATTEMPTS 3         /* per request, on 5xx replies and dropped connections */
#define MAX_DELETE_PASSES 4    /* list-and-delete sweeps over a prefix */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

void
ms_storage_global_init (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      CURLcode rc = curl_global_init (CURL_GLOBAL_DEFAULT);
      if (rc != CURLE_OK)
        g_error ("libcurl cannot initialise: %s", curl_easy_strerror (rc));
      g_once_init_leave (&once, 1);
    }
}

/* ---- locations, encoding, URLs ---- */

static const char *
after_scheme (const char *uri)
{
  static const char *const schemes[] = { "s3://", "s3a://", "s3n://" };
  for (gsize i = 0; uri != NULL && i < G_N_ELEMENTS (schemes); i++)
    if (g_str_has_prefix (uri, schemes[i]))
      return uri + strlen (schemes[i]);
  return NULL;
}

void
ms_s3_location_clear (MsS3Location *loc)
{
  g_clear_pointer (&loc->bucket, g_free);
  g_clear_pointer (&loc->key, g_free);
}

gboolean
ms_s3_parse_location (const char *uri, MsS3Location *out, GError **error)
{
  const char *p = after_scheme (uri);
  if (p == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "storage: not an S3 location: %s",
                    uri ? uri : "(null)");
  const char *slash = strchr (p, '/');
  gsize n = slash ? (gsize) (slash - p) : strlen (p);
  /* Old Hadoop accepted s3a://KEY:SECRET@bucket/...: never echo that. */
  if (memchr (p, '@', n) != NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "storage: S3 locations with credentials in them (user:secret@bucket) "
                    "are not accepted; configure s3.access_key and s3.secret_key");
  if (n == 0)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "storage: %s: no bucket name", uri);
  if (n > 255)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "storage: %s: the bucket name is too long",
                    uri);
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (p[i]) && p[i] != '.' && p[i] != '-' && p[i] != '_')
      return ms_fail (error, MS_ERROR_INVALID_INPUT,
                      "storage: %s: '%.*s' is not a valid bucket name", uri, (int) n, p);
  ms_s3_location_clear (out);
  out->bucket = g_strndup (p, n);
  out->key = g_strdup (slash ? slash + 1 : "");
  return TRUE;
}

void
ms_s3_encode (GString *out, const char *s, gboolean keep_slash)
{
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~'
          || (keep_slash && *p == '/'))
        g_string_append_c (out, (char) *p);
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[*p >> 4]);
          g_string_append_c (out, hex[*p & 15]);
        }
    }
}

/* Whether 'bucket' can be a host name label under TLS or plain HTTP. */
static gboolean
dns_safe_bucket (const char *bucket, gboolean https)
{
  gsize n = strlen (bucket);
  if (n < 3 || n > 63 || !g_ascii_isalnum (bucket[0]) || !g_ascii_isalnum (bucket[n - 1])
      || strstr (bucket, "..") != NULL || g_hostname_is_ip_address (bucket))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      char ch = bucket[i];
      if (ch == '.' && https)
        return FALSE;          /* *.s3.amazonaws.com's certificate covers one label */
      if (!(g_ascii_islower (ch) || g_ascii_isdigit (ch) || ch == '-' || ch == '.'))
        return FALSE;
    }
  return TRUE;
}

char *
ms_s3_url (const MsS3Options *o, const char *region, const char *bucket, const char *key,
           const char *query, GError **error)
{
  g_autofree char *endpoint = NULL;
  if (o->endpoint == NULL || *o->endpoint == '\0')
    endpoint = g_strdup_printf ("https://s3.%s.amazonaws.com", region);
  else if (strstr (o->endpoint, "://") == NULL)
    endpoint = g_strconcat ("https://", o->endpoint, NULL);
  else
    endpoint = g_strdup (o->endpoint);

  if (strchr (endpoint, '@') != NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT,
               "storage: s3.endpoint must not hold credentials (user:secret@host); "
               "configure s3.access_key and s3.secret_key");
      return NULL;
    }
  g_autoptr (GError) local = NULL;
  g_autoptr (GUri) u = g_uri_parse (endpoint, G_URI_FLAGS_ENCODED, &local);
  const char *scheme = u ? g_uri_get_scheme (u) : NULL;
  const char *host = u ? g_uri_get_host (u) : NULL;
  if (u == NULL || scheme == NULL || host == NULL || *host == '\0'
      || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
      || g_uri_get_userinfo (u) != NULL || g_uri_get_query (u) != NULL
      || g_uri_get_fragment (u) != NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT,
               "storage: s3.endpoint '%s' is not an http:// or https:// URL of a host%s%s",
               endpoint, local ? ": " : "", local ? local->message : "");
      return NULL;
    }
  gboolean https = g_ascii_strcasecmp (scheme, "https") == 0;
  gboolean ip = g_hostname_is_ip_address (host);
  gboolean vhost = !o->path_style && !ip && g_ascii_strcasecmp (host, "localhost") != 0
                   && dns_safe_bucket (bucket, https);

  GString *url = g_string_new (https ? "https://" : "http://");
  if (vhost)
    g_string_append_printf (url, "%s.", bucket);
  if (ip && strchr (host, ':') != NULL)
    g_string_append_printf (url, "[%s]", host);
  else
    g_string_append (url, host);
  if (g_uri_get_port (u) > 0)
    g_string_append_printf (url, ":%d", g_uri_get_port (u));
  const char *base = g_uri_get_path (u);
  gsize blen = strlen (base);
  while (blen > 0 && base[blen - 1] == '/')
    blen--;
  g_string_append_len (url, base, (gssize) blen);
  if (!vhost)
    g_string_append_printf (url, "/%s", bucket);
  if (vhost || *key != '\0')
    {
      g_string_append_c (url, '/');
      ms_s3_encode (url, key, TRUE);
    }
  if (query != NULL)
    g_string_append_printf (url, "?%s", query);
  return g_string_free (url, FALSE);
}

/* ---- the client: credentials, one handle, requests ---- */

/* Each thread keeps one libcurl handle for its S3 requests, and with it
 * libcurl's cache of open connections (and of DNS answers): the next
 * request to the same endpoint, of this call or of a later one, reuses a
 * connection instead of a new TCP and TLS handshake. libcurl checks a
 * kept connection before it reuses it and sends again on a fresh one
 * when the store closed it. A thread performs one request at a time, so
 * its clients share the handle; it is freed when the thread ends. */
static void
thread_handle_free (gpointer h)
{
  curl_easy_cleanup (h);
}

static GPrivate thread_handle = G_PRIVATE_INIT (thread_handle_free);

static CURL *
thread_curl (void)
{
  CURL *h = g_private_get (&thread_handle);
  if (h == NULL)
    {
      h = curl_easy_init ();
      if (h != NULL)
        g_private_set (&thread_handle, h);
    }
  return h;
}

void
ms_s3_client_clear (MsS3Client *c)
{
  g_free (c->region);
  g_free (c->sigv4);
  memset (c, 0, sizeof *c);
}

static const char *
nonempty (const char *s)
{
  return s != NULL && *s != '\0' ? s : NULL;
}

static const MsS3Options no_options = { 0 };

/* Resolve the effective settings for one call and open its handle. */
gboolean
ms_s3_client_open (MsS3Client *c, MsStorage *st, const char *method, const char *uri,
                GError **error)
{
  ms_storage_global_init ();
  c->o = st ? &st->s3 : &no_options;
  c->method = method;
  c->uri = uri;
  const char *region = nonempty (c->o->region);
  if (region == NULL)
    region = nonempty (g_getenv ("AWS_REGION"));
  if (region == NULL)
    region = nonempty (g_getenv ("AWS_DEFAULT_REGION"));
  if (region == NULL)
    region = "us-east-1";
  gsize rlen = strlen (region);
  for (gsize i = 0; i < rlen; i++)
    if (!g_ascii_isalnum (region[i]) && region[i] != '-')
      rlen = 0;
  if (rlen == 0 || rlen > 64)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "storage: s3 %s %s: '%s' is not a region name",
                    method, uri, region);
  c->region = g_strdup (region);
  c->sigv4 = g_strdup_printf ("aws:amz:%s:s3", c->region);

  if (nonempty (c->o->access_key))
    {
      c->access_key = c->o->access_key;
      c->secret_key = nonempty (c->o->secret_key);
      c->session_token = nonempty (c->o->session_token);
      if (c->secret_key == NULL)
        return ms_fail (error, MS_ERROR_INTERNAL,
                        "storage: s3 %s %s: s3.access_key is set but s3.secret_key is not",
                        method, uri);
    }
  else
    {
      c->access_key = nonempty (g_getenv ("AWS_ACCESS_KEY_ID"));
      c->secret_key = nonempty (g_getenv ("AWS_SECRET_ACCESS_KEY"));
      c->session_token = nonempty (g_getenv ("AWS_SESSION_TOKEN"));
      if (c->access_key == NULL || c->secret_key == NULL)
        return ms_fail (error, MS_ERROR_INTERNAL,
                        "storage: s3 %s %s: no S3 credentials: set s3.access_key and "
                        "s3.secret_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                        method, uri);
    }
  c->h = thread_curl ();
  if (c->h == NULL)
    return ms_fail (error, MS_ERROR_INTERNAL, "storage: s3 %s %s: libcurl cannot create a handle",
                    method, uri);
  return TRUE;
}

typedef struct {
  GByteArray *buf;
  gsize max;
  gboolean overflow;
} Sink;

static size_t
sink_write (char *ptr, size_t size, size_t n, void *user_data)
{
  Sink *s = user_data;
  gsize len = size * n;
  if (len > s->max || s->buf->len > s->max - len)
    {
      s->overflow = TRUE;
      return 0;
    }
  g_byte_array_append (s->buf, (const guint8 *) ptr, (guint) len);
  return len;
}

static void
digest (const EVP_MD *md, const void *data, gsize len, unsigned char *out, unsigned int *out_len)
{
  if (EVP_Digest (data ? data : "", len, out, out_len, md, NULL) != 1)
    g_error ("OpenSSL cannot compute a digest");
}

static void
sha256_hex (const void *data, gsize len, char out[65])
{
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  digest (EVP_sha256 (), data, len, d, &n);
  for (unsigned int i = 0; i < n && i < 32; i++)
    g_snprintf (out + 2 * i, 3, "%02x", d[i]);
}

static char *
md5_base64 (const void *data, gsize len)
{
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  digest (EVP_md5 (), data, len, d, &n);
  return g_base64_encode (d, n);
}

static gboolean
transient_curl_error (CURLcode rc)
{
  return rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING
         || rc == CURLE_PARTIAL_FILE;
}

/* Perform 'r' (retrying 5xx replies and dropped connections, at most
 * MAX_ATTEMPTS times). TRUE with the HTTP status and the reply body (the
 * caller owns it) when a reply arrived, whatever its status; FALSE with
 * 'error' when none did or the reply exceeded r->max_reply. */
gboolean
ms_s3_perform (MsS3Client *c, const MsS3Req *r, long *status, GByteArray **reply, GError **error)
{
  char payload_sha[65] = EMPTY_SHA256;
  if (r->body_len > 0)
    sha256_hex (r->body, r->body_len, payload_sha);
  g_autofree char *sha_header = g_strdup_printf ("x-amz-content-sha256: %s", payload_sha);
  g_autofree char *md5 = r->content_md5 ? md5_base64 (r->body, r->body_len) : NULL;
  g_autofree char *md5_header = md5 ? g_strdup_printf ("Content-MD5: %s", md5) : NULL;
  g_autofree char *type_header = r->content_type
                                 ? g_strdup_printf ("Content-Type: %s", r->content_type) : NULL;
  g_autofree char *copy_header = r->copy_source
                                 ? g_strdup_printf ("x-amz-copy-source: %s", r->copy_source)
                                 : NULL;
  g_autofree char *token_header = c->session_token
                                  ? g_strdup_printf ("x-amz-security-token: %s", c->session_token)
                                  : NULL;
  struct curl_slist *headers = curl_slist_append (NULL, sha_header);
  if (md5_header)
    headers = curl_slist_append (headers, md5_header);
  if (type_header)
    headers = curl_slist_append (headers, type_header);
  if (copy_header)
    headers = curl_slist_append (headers, copy_header);
  if (token_header)
    headers = curl_slist_append (headers, token_header);

  gint64 t0 = g_get_monotonic_time ();
  CURLcode rc = CURLE_OK;
  char errbuf[CURL_ERROR_SIZE];
  Sink sink = { NULL, r->max_reply, FALSE };
  for (int attempt = 1;; attempt++)
    {
      CURL *h = c->h;
      curl_easy_reset (h);
      errbuf[0] = '\0';
      if (sink.buf)
        g_byte_array_unref (sink.buf);
      sink.buf = g_byte_array_new ();
      sink.overflow = FALSE;
      curl_easy_setopt (h, CURLOPT_URL, r->url);
      curl_easy_setopt (h, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt (h, CURLOPT_PATH_AS_IS, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
      curl_easy_setopt (h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
      curl_easy_setopt (h, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
      curl_easy_setopt (h, CURLOPT_USERAGENT, "metastore/" PACKAGE_VERSION);
      curl_easy_setopt (h, CURLOPT_AWS_SIGV4, c->sigv4);
      curl_easy_setopt (h, CURLOPT_USERNAME, c->access_key);
      curl_easy_setopt (h, CURLOPT_PASSWORD, c->secret_key);
      curl_easy_setopt (h, CURLOPT_HTTPHEADER, headers);
      long timeout = c->o->timeout_s > 0 ? c->o->timeout_s : 30;
      curl_easy_setopt (h, CURLOPT_TIMEOUT, timeout);
      curl_easy_setopt (h, CURLOPT_CONNECTTIMEOUT, timeout);
      curl_easy_setopt (h, CURLOPT_ERRORBUFFER, errbuf);
      /* a private CA besides the system's: the bundle file is replaced,
       * the system's hashed directory (CAPATH) stays */
      if (c->o->ca_file != NULL)
        curl_easy_setopt (h, CURLOPT_CAINFO, c->o->ca_file);
      curl_easy_setopt (h, CURLOPT_WRITEFUNCTION, sink_write);
      curl_easy_setopt (h, CURLOPT_WRITEDATA, &sink);
      if (g_str_equal (r->method, "HEAD"))
        curl_easy_setopt (h, CURLOPT_NOBODY, 1L);
      else if (g_str_equal (r->method, "PUT") || g_str_equal (r->method, "POST"))
        {
          /* the body from memory, so libcurl sends exactly what was hashed */
          curl_easy_setopt (h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) r->body_len);
          curl_easy_setopt (h, CURLOPT_POSTFIELDS, r->body ? r->body : "");
          if (g_str_equal (r->method, "PUT"))
            curl_easy_setopt (h, CURLOPT_CUSTOMREQUEST, "PUT");
        }
      else if (!g_str_equal (r->method, "GET"))
        curl_easy_setopt (h, CURLOPT_CUSTOMREQUEST, r->method);

      rc = curl_easy_perform (h);
      *status = 0;
      if (rc == CURLE_OK)
        curl_easy_getinfo (h, CURLINFO_RESPONSE_CODE, status);
      gboolean again = rc == CURLE_OK ? (*status >= 500 && *status != 501)
                                      : transient_curl_error (rc);
      if (!again || attempt >= MAX_ATTEMPTS)
        break;
      ms_debug ("s3 %s %s: %s, retrying", r->method, r->uri,
                rc == CURLE_OK ? "server error" : curl_easy_strerror (rc));
      g_usleep ((gulong) (100000 << (2 * (attempt - 1))));   /* 0.1 s, 0.4 s */
    }
  /* no option of this request (its headers, buffers, credentials) stays
   * set on the thread's handle; its connections stay open */
  curl_easy_reset (c->h);
  curl_slist_free_all (headers);
  if (token_header)
    memset (token_header, 0, strlen (token_header));
  ms_debug ("s3 %s %s (%s): %ld, %u bytes in %.1f ms", r->method, r->uri, r->url, *status,
            sink.buf ? sink.buf->len : 0, (double) (g_get_monotonic_time () - t0) / 1000.0);
  if (sink.overflow)
    {
      g_byte_array_unref (sink.buf);
      return ms_fail (error, MS_ERROR_INTERNAL, "storage: s3 %s %s: the reply is larger than %"
                      G_GSIZE_FORMAT " bytes", r->method, r->uri, r->max_reply);
    }
  if (rc != CURLE_OK)
    {
      g_byte_array_unref (sink.buf);
      return ms_fail (error, MS_ERROR_INTERNAL, "storage: s3 %s %s: %s", r->method, r->uri,
                      errbuf[0] ? errbuf : curl_easy_strerror (rc));
    }
  *reply = sink.buf;
  return TRUE;
}

static const char *
reason (long status)
{
  switch (status)
    {
    case 301: return "Moved Permanently (wrong region or endpoint?)";
    case 307: return "Temporary Redirect (wrong region or endpoint?)";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "unexpected status";
    }
}

/* A copy of 's' fit for one message line: at most 300 bytes, control
 * characters as spaces. */
static char *
tidy (const char *s)
{
  gsize n = strlen (s);
  if (n > 300)
    {
      const char *end = s + 300;
      g_utf8_validate (s, 300, &end);
      n = (gsize) (end - s);
    }
  char *t = g_strndup (s, n);
  for (char *p = t; *p; p++)
    if ((unsigned char) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return t;
}

/* The S3 error code of a reply, or NULL. */
char *
ms_s3_reply_code (GByteArray *reply)
{
  g_autofree char *code = NULL, *message = NULL;
  if (reply && reply->len
      && ms_s3_parse_error ((const char *) reply->data, reply->len, &code, &message))
    return g_steal_pointer (&code);
  return NULL;
}

/* Fail with "storage: s3 <METHOD> <uri>: <status> <Code>: <Message>". */
gboolean
ms_s3_fail_reply (GError **error, MsErrorCode code, const char *method, const char *uri, long status,
            GByteArray *reply)
{
  g_autofree char *s3code = NULL, *message = NULL;
  if (reply && reply->len
      && ms_s3_parse_error ((const char *) reply->data, reply->len, &s3code, &message))
    {
      g_autofree char *c = tidy (s3code ? s3code : "Error");
      g_autofree char *m = tidy (message ? message : "(no message)");
      return ms_fail (error, code, "storage: s3 %s %s: %ld %s: %s", method, uri, status, c, m);
    }
  return ms_fail (error, code, "storage: s3 %s %s: %ld %s", method, uri, status, reason (status));
}

/* The location of an object: a non-empty key. */
static gboolean
object_location (const char *method, const char *uri, MsS3Location *loc, GError **error)
{
  if (!ms_s3_parse_location (uri, loc, error))
    return FALSE;
  if (*loc->key == '\0')
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "storage: s3 %s %s: no object key", method,
                    uri);
  return TRUE;
}

/* Make request 'r' (its url left NULL: filled in here) on the object its
 * uri names, with a client of 'st': 'status' and 'reply' (caller frees)
 * as ms_s3_perform gives them. FALSE when the request could not be made. */
static gboolean
object_request (MsStorage *st, MsS3Req *r, long *status, GByteArray **reply, GError **error)
{
  g_auto (MsS3Location) loc = { 0 };
  g_auto (MsS3Client) c = { 0 };
  if (!object_location (r->method, r->uri, &loc, error)
      || !ms_s3_client_open (&c, st, r->method, r->uri, error))
    return FALSE;
  g_autofree char *url = ms_s3_url (c.o, c.region, loc.bucket, loc.key, NULL, error);
  if (url == NULL)
    return FALSE;
  r->url = url;
  gboolean ok = ms_s3_perform (&c, r, status, reply, error);
  r->url = NULL;
  return ok;
}

GBytes *
ms_storage_s3_get (MsStorage *st, const char *uri, GError **error)
{
  MsS3Req r = { "GET", uri, NULL, NULL, 0, NULL, FALSE, MS_S3_MAX_OBJECT_BYTES };
  long status = 0;
  g_autoptr (GByteArray) reply = NULL;
  if (!object_request (st, &r, &status, &reply, error))
    return NULL;
  if (status == 200)
    return g_byte_array_free_to_bytes (g_steal_pointer (&reply));
  g_autofree char *code = ms_s3_reply_code (reply);
  /* a missing key is NOT_FOUND; a missing bucket is a configuration fault */
  gboolean missing = status == 404 && (code == NULL || !g_str_equal (code, "NoSuchBucket"));
  ms_s3_fail_reply (error, missing ? MS_ERROR_NOT_FOUND : MS_ERROR_INTERNAL, "GET", uri, status, reply);
  return NULL;
}

gboolean
ms_storage_s3_put (MsStorage *st, const char *uri, const void *data, gsize len, GError **error)
{
  MsS3Req r = { "PUT", uri, NULL, data, len, "application/octet-stream", TRUE,
              MS_S3_MAX_REPLY_BYTES };
  long status = 0;
  g_autoptr (GByteArray) reply = NULL;
  if (!object_request (st, &r, &status, &reply, error))
    return FALSE;
  if (status == 200 || status == 201 || status == 204)
    return TRUE;
  return ms_s3_fail_reply (error, MS_ERROR_INTERNAL, "PUT", uri, status, reply);
}

gboolean
ms_storage_s3_exists (MsStorage *st, const char *uri, GError **error)
{
  MsS3Req r = { "HEAD", uri, NULL, NULL, 0, NULL, FALSE, MS_S3_MAX_REPLY_BYTES };
  long status = 0;
  g_autoptr (GByteArray) reply = NULL;
  if (!object_request (st, &r, &status, &reply, error))
    return FALSE;
  if (status == 200)
    return TRUE;
  if (status == 404)
    return FALSE;
  return ms_s3_fail_reply (error, MS_ERROR_INTERNAL, "HEAD", uri, status, reply);
}

/* ---- delete_all ---- */

/* "<scheme>://<bucket>/<key>" in the scheme 'uri' used, for messages. */
char *
ms_s3_key_uri (const char *uri, const char *bucket, const char *key)
{
  const char *colon = strchr (uri, ':');
  return g_strdup_printf ("%.*s://%s/%s", (int) (colon - uri), uri, bucket, key);
}

/* DELETE one object; a missing one is fine. */
static gboolean
delete_one (MsS3Client *c, const MsS3Location *loc, const char *key, GError **error)
{
  g_autofree char *what = ms_s3_key_uri (c->uri, loc->bucket, key);
  g_autofree char *url = ms_s3_url (c->o, c->region, loc->bucket, key, NULL, error);
  if (url == NULL)
    return FALSE;
  MsS3Req r = { "DELETE", what, url, NULL, 0, NULL, FALSE, MS_S3_MAX_REPLY_BYTES };
  long status = 0;
  g_autoptr (GByteArray) reply = NULL;
  if (!ms_s3_perform (c, &r, &status, &reply, error))
    return FALSE;
  if (status == 200 || status == 204 || status == 404)
    return TRUE;
  return ms_s3_fail_reply (error, MS_ERROR_INTERNAL, "DELETE", what, status, reply);
}

/* Delete 'keys' with DeleteObjects (MS_S3_BATCH at a time), or one by one
 * for keys an XML body cannot carry and once the store answered that it
 * has no DeleteObjects (501). */
gboolean
ms_s3_delete_keys (MsS3Client *c, const MsS3Location *loc, GPtrArray *keys, GError **error)
{
  g_autoptr (GPtrArray) batch = g_ptr_array_new ();
  g_autoptr (GPtrArray) single = g_ptr_array_new ();
  for (guint i = 0; i < keys->len; i++)
    {
      char *k = g_ptr_array_index (keys, i);
      g_ptr_array_add (ms_s3_key_xml_safe (k) ? batch : single, k);
    }
  for (guint from = 0; from < batch->len && !c->no_multi_delete; from += MS_S3_BATCH)
    {
      guint n = MIN (MS_S3_BATCH, batch->len - from);
      g_autofree char *body = ms_s3_delete_body (batch, from, n);
      g_autofree char *url = ms_s3_url (c->o, c->region, loc->bucket, "", "delete=", error);
      if (url == NULL)
        return FALSE;
      MsS3Req r = { "POST", c->uri, url, body, strlen (body), "application/xml", TRUE,
                  MS_S3_MAX_REPLY_BYTES };
      long status = 0;
      g_autoptr (GByteArray) reply = NULL;
      if (!ms_s3_perform (c, &r, &status, &reply, error))
        return FALSE;
      if (status == 501)
        {
          ms_debug ("s3 DELETE %s: no DeleteObjects (501): deleting one by one", c->uri);
          c->no_multi_delete = TRUE;
          g_ptr_array_remove_range (batch, 0, from);
          break;
        }
      if (status != 200)
        return ms_s3_fail_reply (error, MS_ERROR_INTERNAL, "DELETE", c->uri, status, reply);
      guint n_errors = 0;
      g_autofree char *key = NULL, *code = NULL, *message = NULL;
      g_autoptr (GError) perr = NULL;
      if (!ms_s3_parse_delete_result ((const char *) reply->data, reply->len, &n_errors, &key,
                                      &code, &message, &perr))
        return ms_fail (error, MS_ERROR_INTERNAL, "storage: s3 DELETE %s: %s", c->uri,
                        perr->message);
      if (n_errors > 0)
        {
          g_autofree char *what = ms_s3_key_uri (c->uri, loc->bucket, key ? key : "?");
          g_autofree char *tc = tidy (code ? code : "Error");
          g_autofree char *tm = tidy (message ? message : "(no message)");
          return ms_fail (error, MS_ERROR_INTERNAL,
                          "storage: s3 DELETE %s: %s: %s (%u of %u keys not deleted)", what, tc,
                          tm, n_errors, n);
        }
    }
  if (c->no_multi_delete)
    for (guint i = 0; i < batch->len; i++)
      if (!delete_one (c, loc, g_ptr_array_index (batch, i), error))
        return FALSE;
  for (guint i = 0; i < single->len; i++)
    if (!delete_one (c, loc, g_ptr_array_index (single, i), error))
      return FALSE;
  return TRUE;
}

gboolean
ms_s3_list_page (MsS3Client *c, const MsS3Location *loc, const char *prefix, const char *token,
                 guint max_keys, MsS3Listing *page, GError **error)
{
  g_autoptr (GString) q = g_string_new (NULL);
  if (token)
    {
      g_string_append (q, "continuation-token=");
      ms_s3_encode (q, token, FALSE);
      g_string_append_c (q, '&');
    }
  g_string_append (q, "encoding-type=url&list-type=2");
  if (max_keys > 0)
    g_string_append_printf (q, "&max-keys=%u", max_keys);
  g_string_append (q, "&prefix=");
  ms_s3_encode (q, prefix, FALSE);
  g_autofree char *url = ms_s3_url (c->o, c->region, loc->bucket, "", q->str, error);
  if (url == NULL)
    return FALSE;
  MsS3Req r = { "GET", c->uri, url, NULL, 0, NULL, FALSE, MS_S3_MAX_REPLY_BYTES };
  long status = 0;
  g_autoptr (GByteArray) reply = NULL;
  if (!ms_s3_perform (c, &r, &status, &reply, error))
    return FALSE;
  if (status != 200)
    return ms_s3_fail_reply (error, MS_ERROR_INTERNAL, "LIST", c->uri, status, reply);
  g_autoptr (GError) perr = NULL;
  if (!ms_s3_parse_listing ((const char *) reply->data, reply->len, page, &perr))
    return ms_fail (error, MS_ERROR_INTERNAL, "storage: s3 LIST %s: %s", c->uri, perr->message);
  for (guint i = 0; i < page->keys->len; i++)
    if (!g_str_has_prefix (g_ptr_array_index (page->keys, i), prefix))
      return ms_fail (error, MS_ERROR_INTERNAL,
                      "storage: s3 LIST %s: the listing holds a key outside the prefix", c->uri);
  return TRUE;
}

/* One sweep: every ListObjectsV2 page of 'prefix', each deleted before the
 * next is asked for (the continuation token is a position, so deleting
 * does not disturb it). *found counts the keys seen. */
static gboolean
delete_sweep (MsS3Client *c, const MsS3Location *loc, const char *prefix, guint64 *found,
              GError **error)
{
  g_autofree char *token = NULL;
  *found = 0;
  for (;;)
    {
      g_auto (MsS3Listing) page = { 0 };
      if (!ms_s3_list_page (c, loc, prefix, token, 0, &page, error))
        return FALSE;
      *found += page.keys->len;
      if (!ms_s3_delete_keys (c, loc, page.keys, error))
        return FALSE;
      if (!page.truncated)
        return TRUE;
      if (token != NULL && g_str_equal (token, page.next_token))
        return ms_fail (error, MS_ERROR_INTERNAL,
                        "storage: s3 LIST %s: the continuation token did not advance", c->uri);
      g_free (token);
      token = g_steal_pointer (&page.next_token);
    }
}

gboolean
ms_storage_s3_delete_all (MsStorage *st, const char *uri, GError **error)
{
  g_auto (MsS3Location) loc = { 0 };
  if (!ms_s3_parse_location (uri, &loc, error))
    return FALSE;
  gsize n = strlen (loc.key);
  while (n > 0 && loc.key[n - 1] == '/')
    loc.key[--n] = '\0';
  if (n == 0)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "storage: refusing to delete everything in bucket %s (%s)", loc.bucket, uri);
  g_auto (MsS3Client) c = { 0 };
  if (!ms_s3_client_open (&c, st, "DELETE", uri, error))
    return FALSE;
  g_autofree char *prefix = g_strconcat (loc.key, "/", NULL);
  /* Real S3 lists every key in order, so the second sweep finds nothing;
   * stores that list out of order (s3rver across directories) get more. */
  guint64 found = 0;
  for (int pass = 0; pass < MAX_DELETE_PASSES; pass++)
    {
      if (!delete_sweep (&c, &loc, prefix, &found, error))
        return FALSE;
      if (found == 0)
        break;
    }
  if (found != 0)
    return ms_fail (error, MS_ERROR_INTERNAL,
                    "storage: s3 DELETE %s: objects still listed after %d sweeps", uri,
                    MAX_DELETE_PASSES);
  return delete_one (&c, &loc, loc.key, error);
}
