/*
 * sigv4.c: AWS Signature Version 4 with OpenSSL's HMAC and SHA-256, for
 * the remote signing endpoint (the client sends the request; libcurl's
 * CURLOPT_AWS_SIGV4 only signs requests libcurl sends). Entry points:
 * ms_sigv4_authorization (the signature of one canonical request) and
 * ms_sigv4_sign_s3 (which headers of an S3 request to sign, and the ones
 * to add). Checked against AWS's published test vectors
 * (tests/unit/storage/test_sigv4.c). Nothing here logs.
 */
#include "storage/sigv4.h"
#include "storage/storage_s3.h"
#include "core/error.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <string.h>

#define ALGORITHM "AWS4-HMAC-SHA256"

static void
hex_of (const guint8 *in, gsize n, char *out)
{
  static const char hex[] = "0123456789abcdef";
  for (gsize i = 0; i < n; i++)
    {
      out[2 * i] = hex[in[i] >> 4];
      out[2 * i + 1] = hex[in[i] & 15];
    }
  out[2 * n] = '\0';
}

void
ms_sigv4_sha256_hex (const void *data, gsize len, char out[65])
{
  guint8 md[SHA256_DIGEST_LENGTH];
  SHA256 (data, len, md);
  hex_of (md, sizeof md, out);
}

static void
hmac (const guint8 *key, gsize key_len, const char *msg, guint8 out[32])
{
  unsigned int n = 32;
  HMAC (EVP_sha256 (), key, (int) key_len, (const unsigned char *) msg, strlen (msg), out, &n);
}

gboolean
ms_sigv4_split_url (const char *url, char **host, char **path, char **query)
{
  const char *rest = g_str_has_prefix (url, "http://") ? url + 7
                     : g_str_has_prefix (url, "https://") ? url + 8 : NULL;
  if (rest == NULL)
    return FALSE;
  gsize host_len = strcspn (rest, "/?#");
  if (host_len == 0 || memchr (rest, '@', host_len) != NULL)
    return FALSE;
  const char *p = rest + host_len;
  gsize path_len = strcspn (p, "?#");
  *host = g_ascii_strdown (rest, (gssize) host_len);
  *path = path_len ? g_strndup (p, path_len) : g_strdup ("/");
  const char *q = p[path_len] == '?' ? p + path_len + 1 : NULL;
  *query = q ? g_strndup (q, strcspn (q, "#")) : NULL;
  return TRUE;
}

/* One query component decoded ('+' is a space, as the stores read it). */
static char *
query_decode (const char *s, gsize len)
{
  g_autofree char *plus = g_strndup (s, len);
  for (char *c = plus; *c; c++)
    if (*c == '+')
      *c = ' ';
  return g_uri_unescape_string (plus, NULL);
}

static int
tree_cmp (gconstpointer a, gconstpointer b, gpointer user)
{
  (void) user;
  return strcmp (a, b);
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The canonical query: every name=value decoded, re-encoded, sorted. */
static char *
canonical_query (const char *query, GError **error)
{
  g_autoptr (GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) parts = g_strsplit (query ? query : "", "&", -1);
  for (guint i = 0; parts[i]; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      const char *eq = strchr (parts[i], '=');
      gsize nlen = eq ? (gsize) (eq - parts[i]) : strlen (parts[i]);
      g_autofree char *name = query_decode (parts[i], nlen);
      g_autofree char *value = eq ? query_decode (eq + 1, strlen (eq + 1)) : g_strdup ("");
      if (name == NULL || value == NULL)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "malformed query in the URL to sign");
          return NULL;
        }
      GString *pair = g_string_new (NULL);
      ms_s3_encode (pair, name, FALSE);
      g_string_append_c (pair, '=');
      ms_s3_encode (pair, value, FALSE);
      g_ptr_array_add (pairs, g_string_free (pair, FALSE));
    }
  g_ptr_array_sort (pairs, cmp_str);
  g_ptr_array_add (pairs, NULL);
  return g_strjoinv ("&", (char **) pairs->pdata);
}

/* "name:value" lines (names lower-cased, values trimmed, repeated spaces
 * folded, one name's values joined by ','), sorted; *signed gets the names. */
static char *
canonical_headers (const GPtrArray *headers, const char *host, char **signed_names)
{
  g_autoptr (GTree) byname = g_tree_new_full (tree_cmp, NULL, g_free,
                                              (GDestroyNotify) g_ptr_array_unref);
  gboolean have_host = FALSE;
  for (guint i = 0; headers && i + 1 < headers->len; i += 2)
    {
      char *name = g_ascii_strdown (headers->pdata[i], -1);
      have_host |= g_str_equal (name, "host");
      GPtrArray *vals = g_tree_lookup (byname, name);
      if (vals == NULL)
        g_tree_insert (byname, name, vals = g_ptr_array_new_with_free_func (g_free));
      else
        g_free (name);
      g_auto (GStrv) words = g_strsplit_set (headers->pdata[i + 1], " \t", -1);
      g_autoptr (GPtrArray) kept = g_ptr_array_new ();
      for (guint w = 0; words[w]; w++)
        if (words[w][0])
          g_ptr_array_add (kept, words[w]);
      g_ptr_array_add (kept, NULL);
      g_ptr_array_add (vals, g_strjoinv (" ", (char **) kept->pdata));
    }
  if (!have_host)
    {
      GPtrArray *vals = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (vals, g_strdup (host));
      g_tree_insert (byname, g_strdup ("host"), vals);
    }
  GString *lines = g_string_new (NULL), *names = g_string_new (NULL);
  for (GTreeNode *n = g_tree_node_first (byname); n; n = g_tree_node_next (n))
    {
      GPtrArray *vals = g_tree_node_value (n);
      g_ptr_array_add (vals, NULL);
      g_autofree char *joined = g_strjoinv (",", (char **) vals->pdata);
      g_ptr_array_remove_index (vals, vals->len - 1);
      g_string_append_printf (lines, "%s:%s\n", (char *) g_tree_node_key (n), joined);
      g_string_append_printf (names, "%s%s", names->len ? ";" : "", (char *) g_tree_node_key (n));
    }
  *signed_names = g_string_free (names, FALSE);
  return g_string_free (lines, FALSE);
}

char *
ms_sigv4_authorization (const MsSigV4Key *key, const char *amz_date, const char *method,
                        const char *url, const GPtrArray *headers, const char *payload_hash,
                        GError **error)
{
  g_autofree char *host = NULL, *path = NULL, *query = NULL;
  if (!ms_sigv4_split_url (url, &host, &path, &query))
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "the URL to sign is not an http(s) URL");
      return NULL;
    }
  if (amz_date == NULL || strlen (amz_date) != 16 || amz_date[8] != 'T' || amz_date[15] != 'Z')
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "malformed signing date");
      return NULL;
    }
  g_autofree char *cq = canonical_query (query, error);
  if (cq == NULL)
    return NULL;
  g_autofree char *signed_names = NULL;
  g_autofree char *ch = canonical_headers (headers, host, &signed_names);
  g_autofree char *creq = g_strdup_printf ("%s\n%s\n%s\n%s\n%s\n%s", method, path, cq, ch,
                                           signed_names, payload_hash);
  char creq_hash[65];
  ms_sigv4_sha256_hex (creq, strlen (creq), creq_hash);
  g_autofree char *day = g_strndup (amz_date, 8);
  g_autofree char *scope = g_strdup_printf ("%s/%s/%s/aws4_request", day, key->region,
                                            key->service);
  g_autofree char *to_sign = g_strdup_printf (ALGORITHM "\n%s\n%s\n%s", amz_date, scope,
                                              creq_hash);
  g_autofree char *k0 = g_strdup_printf ("AWS4%s", key->secret_key);
  guint8 k[32], sig[32];
  hmac ((const guint8 *) k0, strlen (k0), day, k);
  hmac (k, sizeof k, key->region, k);
  hmac (k, sizeof k, key->service, k);
  hmac (k, sizeof k, "aws4_request", k);
  hmac (k, sizeof k, to_sign, sig);
  char sig_hex[65];
  hex_of (sig, sizeof sig, sig_hex);
  OPENSSL_cleanse (k, sizeof k);
  OPENSSL_cleanse (k0, strlen (k0));
  return g_strdup_printf (ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                          key->access_key, scope, signed_names, sig_hex);
}

/* Headers of a client's S3 request that are signed. */
static gboolean
signed_s3_header (const char *name)
{
  /* never the client's Host: the one signed is the URL's, the URL checked */
  return g_ascii_strncasecmp (name, "x-amz-", 6) == 0
         || g_ascii_strcasecmp (name, "content-md5") == 0
         || g_ascii_strcasecmp (name, "content-type") == 0
         || g_ascii_strcasecmp (name, "range") == 0;
}

gboolean
ms_sigv4_sign_s3 (const MsSigV4Key *key, const char *session_token, gint64 now,
                  const char *method, const char *url, const GPtrArray *headers, GPtrArray *out,
                  GError **error)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (now);
  g_autofree char *amz_date = g_date_time_format (t, "%Y%m%dT%H%M%SZ");
  g_autoptr (GPtrArray) sign = g_ptr_array_new ();
  const char *payload = NULL;
  for (guint i = 0; headers && i + 1 < headers->len; i += 2)
    {
      const char *name = headers->pdata[i];
      /* ours replace the client's: a date, a token or a signature it had */
      if (g_ascii_strcasecmp (name, "x-amz-date") == 0
          || g_ascii_strcasecmp (name, "x-amz-security-token") == 0
          || !signed_s3_header (name))
        continue;
      if (g_ascii_strcasecmp (name, "x-amz-content-sha256") == 0)
        payload = headers->pdata[i + 1];
      g_ptr_array_add (sign, headers->pdata[i]);
      g_ptr_array_add (sign, headers->pdata[i + 1]);
    }
  g_autoptr (GPtrArray) added = g_ptr_array_new ();
  g_ptr_array_add (added, "X-Amz-Date");
  g_ptr_array_add (added, amz_date);
  if (payload == NULL)
    {
      payload = MS_SIGV4_UNSIGNED_PAYLOAD;
      g_ptr_array_add (added, "x-amz-content-sha256");
      g_ptr_array_add (added, (gpointer) payload);
    }
  if (session_token != NULL)
    {
      g_ptr_array_add (added, "X-Amz-Security-Token");
      g_ptr_array_add (added, (gpointer) session_token);
    }
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (sign, added->pdata[i]);
  char *auth = ms_sigv4_authorization (key, amz_date, method, url, sign, payload, error);
  if (auth == NULL)
    return FALSE;
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (out, g_strdup (added->pdata[i]));
  g_ptr_array_add (out, g_strdup ("Authorization"));
  g_ptr_array_add (out, auth);
  return TRUE;
}
