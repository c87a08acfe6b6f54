/*
 * auth.c: the MsAuth context (see auth.h): rest.auth resolved, the OAuth2
 * clients (id -> SHA-256 of the secret, compared in constant time), the
 * tokens this server issues (HS256 JWTs under rest.oauth.token_secret or a
 * random per-process key) and the check of every Bearer token: this
 * server's by MAC, an identity provider's by its JWKS (jwks.c). Failures
 * are MS_AUTH_ERROR with a reason fit for the client.
 */
#include "auth/auth.h"
#include "core/error.h"
#include "core/log.h"
#include <curl/curl.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define DIGEST_LEN 32
#define MIN_TOKEN_SECRET 32
#define MAX_CLIENT_ID 256

G_DEFINE_QUARK (ms-auth-error-quark, ms_auth_error)

gboolean
ms_auth_mode_resolve (const char *configured, gboolean embedded_default, MsAuthMode *out)
{
  if (g_strcmp0 (configured, "none") == 0)
    *out = MS_AUTH_NONE;
  else if (g_strcmp0 (configured, "oauth") == 0)
    *out = MS_AUTH_OAUTH;
  else if (g_strcmp0 (configured, "auto") == 0)
    *out = embedded_default ? MS_AUTH_NONE : MS_AUTH_OAUTH;
  else
    return FALSE;
  return TRUE;
}

void
ms_auth_identity_free (MsAuthIdentity *p)
{
  if (p == NULL)
    return;
  g_free (p->subject);
  g_free (p->issuer);
  g_free (p);
}

/* ---- clients ---- */

static void
sha256 (const void *data, gsize len, guint8 out[DIGEST_LEN])
{
  unsigned int n = 0;
  if (EVP_Digest (data, len, out, &n, EVP_sha256 (), NULL) != 1 || n != DIGEST_LEN)
    g_error ("SHA-256 failed");   /* only on allocation failure inside OpenSSL */
}

static void
free_digest (gpointer d)
{
  OPENSSL_cleanse (d, DIGEST_LEN);
  g_free (d);
}

/* 64 hex digits as 32 bytes. */
static gboolean
hex_digest (const char *hex, guint8 out[DIGEST_LEN])
{
  if (strlen (hex) != 2 * DIGEST_LEN)
    return FALSE;
  for (int i = 0; i < DIGEST_LEN; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]), lo = g_ascii_xdigit_value (hex[2 * i + 1]);
      if (hi < 0 || lo < 0)
        return FALSE;
      out[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

static gboolean
valid_client_id (const char *id)
{
  gsize n = strlen (id);
  if (n == 0 || n > MAX_CLIENT_ID)
    return FALSE;
  for (const char *p = id; *p; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
      return FALSE;
  return TRUE;
}

GHashTable *
ms_auth_parse_clients (const char *text, GError **error)
{
  g_autoptr (GHashTable) t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_digest);
  g_auto (GStrv) entries = g_strsplit (text ? text : "", ",", -1);
  guint n = 0;
  for (char **e = entries; *e; e++)
    {
      char *entry = g_strstrip (*e);
      if (*entry == '\0')
        continue;
      n++;
      /* never quote an entry: it holds a secret */
      const char *colon = strchr (entry, ':');
      if (colon == NULL || colon == entry || colon[1] == '\0')
        return ms_fail (error, MS_ERROR_INVALID_INPUT,
                        "rest.oauth.clients: entry %u is not client_id:secret", n), NULL;
      g_autofree char *id = g_strndup (entry, (gsize) (colon - entry));
      if (!valid_client_id (id))
        return ms_fail (error, MS_ERROR_INVALID_INPUT,
                        "rest.oauth.clients: entry %u: a client id is 1 to %d printable ASCII "
                        "characters without spaces", n, MAX_CLIENT_ID), NULL;
      if (g_hash_table_contains (t, id))
        return ms_fail (error, MS_ERROR_INVALID_INPUT,
                        "rest.oauth.clients: client '%s' is listed twice", id), NULL;
      const char *secret = colon + 1;
      guint8 *digest = g_malloc (DIGEST_LEN);
      if (g_str_has_prefix (secret, "sha256:"))
        {
          if (!hex_digest (secret + 7, digest))
            {
              g_free (digest);
              return ms_fail (error, MS_ERROR_INVALID_INPUT,
                              "rest.oauth.clients: client '%s': sha256: must be followed by 64 "
                              "hex digits", id), NULL;
            }
        }
      else
        sha256 (secret, strlen (secret), digest);
      g_hash_table_insert (t, g_steal_pointer (&id), digest);
    }
  return g_steal_pointer (&t);
}

gboolean
ms_auth_client_check (const MsAuth *auth, const char *id, const char *secret)
{
  static const guint8 nobody[DIGEST_LEN] = { 0 };
  if (id == NULL || secret == NULL)
    return FALSE;
  const guint8 *want = g_hash_table_lookup (auth->clients, id);
  guint8 got[DIGEST_LEN];
  sha256 (secret, strlen (secret), got);
  gboolean same = CRYPTO_memcmp (got, want ? want : nobody, DIGEST_LEN) == 0;
  OPENSSL_cleanse (got, sizeof got);
  return want != NULL && same;
}

/* ---- the context ---- */

static char *
url_for_log (const char *url)
{
  g_autoptr (GUri) u = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (u == NULL)
    return g_strdup ("(unparsable URL)");
  /* no user info, query or fragment: they may carry credentials */
  g_autoptr (GUri) shown = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (u), NULL,
                                        g_uri_get_host (u), g_uri_get_port (u),
                                        g_uri_get_path (u), NULL, NULL);
  return g_uri_to_string (shown);
}

MsAuth *
ms_auth_new (const MsConfig *cfg, gboolean embedded_default, GError **error)
{
  g_autoptr (MsAuth) auth = g_new0 (MsAuth, 1);
  if (!ms_auth_mode_resolve (cfg->rest_auth, embedded_default, &auth->mode))
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "rest.auth must be one of none, oauth, auto"),
           NULL;
  auth->clients = ms_auth_parse_clients (cfg->rest_oauth_clients, error);
  if (auth->clients == NULL)
    return NULL;
  if (cfg->rest_oauth_token_secret != NULL)
    {
      gsize n = strlen (cfg->rest_oauth_token_secret);
      if (n < MIN_TOKEN_SECRET)
        return ms_fail (error, MS_ERROR_INVALID_INPUT,
                        "rest.oauth.token_secret must be at least %d bytes long",
                        MIN_TOKEN_SECRET), NULL;
      auth->token_key = g_memdup2 (cfg->rest_oauth_token_secret, n);
      auth->token_key_len = n;
    }
  else
    {
      auth->token_key_len = 32;
      auth->token_key = g_malloc (auth->token_key_len);
      if (RAND_bytes (auth->token_key, (int) auth->token_key_len) != 1)
        return ms_fail (error, MS_ERROR_INTERNAL, "cannot draw a random token key"), NULL;
      auth->token_key_random = TRUE;
    }
  auth->token_ttl_s = cfg->rest_oauth_token_ttl_s;
  auth->issuer = g_strdup (cfg->rest_oauth_issuer ? cfg->rest_oauth_issuer : "metastore");
  auth->jwt_issuer = g_strdup (cfg->rest_auth_jwt_issuer);
  auth->jwt_audience = g_strdup (cfg->rest_auth_jwt_audience);
  auth->guesses_by_address = ms_throttle_new (10, MS_AUTH_GUESS_WINDOW_US, MS_AUTH_GUESS_BLOCK_US,
                                              15 * 60 * G_USEC_PER_SEC, 100000);
  auth->guesses_by_client = ms_throttle_new (20, MS_AUTH_GUESS_WINDOW_US, MS_AUTH_GUESS_BLOCK_US,
                                             60 * G_USEC_PER_SEC, 100000);
  if (cfg->rest_auth_jwks_url != NULL)
    {
      auth->jwks = ms_jwks_new (cfg->rest_auth_jwks_url, cfg->rest_auth_jwks_refetch_s,
                                cfg->rest_auth_jwks_ttl_s, NULL, NULL, error);
      if (auth->jwks == NULL)
        return NULL;
      curl_global_init (CURL_GLOBAL_DEFAULT);
    }

  guint clients = g_hash_table_size (auth->clients);
  if (auth->mode == MS_AUTH_OAUTH && clients == 0 && auth->jwks == NULL)
    {
      if (g_str_equal (cfg->rest_auth, "oauth"))
        return ms_fail (error, MS_ERROR_INVALID_INPUT,
                        "rest.auth is oauth but neither rest.oauth.clients nor "
                        "rest.auth.jwks_url is set: no one could authenticate"), NULL;
      ms_warn ("REST authentication is on (rest.auth=auto on an external database) but neither "
               "rest.oauth.clients nor rest.auth.jwks_url is set: every REST request will be "
               "refused (401); configure one of them, or set rest.auth=none");
    }
  if (clients > 0 && auth->token_key_random)
    ms_warn ("rest.oauth.token_secret is not set: issued tokens are signed with a random key of "
             "this process, so they do not survive a restart and are refused by other replicas");
  g_autofree char *jwks_text = auth->jwks ? url_for_log (cfg->rest_auth_jwks_url) : NULL;
  ms_info ("REST authentication: %s (rest.auth=%s; %u OAuth2 client%s%s%s)",
           auth->mode == MS_AUTH_OAUTH ? "Bearer tokens required" : "none",
           cfg->rest_auth, clients, clients == 1 ? "" : "s",
           jwks_text ? "; JWKS " : "", jwks_text ? jwks_text : "");
  return g_steal_pointer (&auth);
}

void
ms_auth_free (MsAuth *auth)
{
  if (auth == NULL)
    return;
  if (auth->clients)
    g_hash_table_unref (auth->clients);
  if (auth->token_key)
    OPENSSL_cleanse (auth->token_key, auth->token_key_len);
  g_free (auth->token_key);
  g_free (auth->issuer);
  g_free (auth->jwt_issuer);
  g_free (auth->jwt_audience);
  ms_throttle_free (auth->guesses_by_address);
  ms_throttle_free (auth->guesses_by_client);
  if (auth->jwks)
    {
      ms_jwks_free (auth->jwks);
      curl_global_cleanup ();
    }
  g_free (auth);
}

gboolean
ms_auth_required (const MsAuth *auth)
{
  return auth != NULL && auth->mode == MS_AUTH_OAUTH;
}

/* ---- tokens ---- */

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

char *
ms_auth_issue_token (const MsAuth *auth, const char *subject, gint64 *expires_in)
{
  return ms_auth_issue_token_scoped (auth, subject, MS_AUTH_SCOPE, expires_in);
}

char *
ms_auth_issue_token_scoped (const MsAuth *auth, const char *subject, const char *scope,
                            gint64 *expires_in)
{
  gint64 now = now_s ();
  g_autoptr (JsonObject) claims = json_object_new ();
  json_object_set_string_member (claims, "iss", auth->issuer);
  json_object_set_string_member (claims, "sub", subject);
  json_object_set_int_member (claims, "iat", now);
  json_object_set_int_member (claims, "exp", now + auth->token_ttl_s);
  json_object_set_string_member (claims, "scope", scope);
  *expires_in = auth->token_ttl_s;
  return ms_jwt_sign_hs256 (claims, auth->token_key, auth->token_key_len);
}

/* 'err' (consumed) as MS_AUTH_ERROR 'code' with the same message. */
static gboolean
auth_fail (GError **error, int code, GError *err)
{
  g_set_error_literal (error, MS_AUTH_ERROR, code, err->message);
  g_error_free (err);
  return FALSE;
}

static gboolean
scope_holds (const char *scope, const char *want)
{
  g_auto (GStrv) parts = g_strsplit (scope ? scope : "", " ", -1);
  return g_strv_contains ((const char *const *) parts, want);
}

static MsAuthIdentity *
identity (const MsJwt *jwt, gboolean own)
{
  MsAuthIdentity *p = g_new0 (MsAuthIdentity, 1);
  const char *sub = ms_jwt_claim_string (jwt, "sub");
  if (sub == NULL)
    sub = ms_jwt_claim_string (jwt, "client_id");
  if (sub == NULL)
    sub = ms_jwt_claim_string (jwt, "azp");
  p->subject = g_strdup (sub);
  p->issuer = g_strdup (ms_jwt_claim_string (jwt, "iss"));
  p->own = own;
  p->catalog_scope = scope_holds (ms_jwt_claim_string (jwt, "scope"), MS_AUTH_SCOPE);
  p->sign_scope = scope_holds (ms_jwt_claim_string (jwt, "scope"), MS_AUTH_SCOPE_SIGN);
  return p;
}

static MsAuthIdentity *
verify_own_parsed (const MsAuth *auth, const MsJwt *jwt, GError **error)
{
  GError *err = NULL;
  MsJwtExpect expect = { now_s (), MS_AUTH_LEEWAY_S, auth->issuer, NULL };
  if (!ms_jwt_verify_hs256 (jwt, auth->token_key, auth->token_key_len, &err)
      || !ms_jwt_check_claims (jwt, &expect, &err))
    return auth_fail (error, MS_AUTH_ERROR_INVALID, err), NULL;
  if (ms_jwt_claim_string (jwt, "sub") == NULL)
    return g_set_error_literal (error, MS_AUTH_ERROR, MS_AUTH_ERROR_INVALID,
                                "the token has no subject (\"sub\")"), NULL;
  return identity (jwt, TRUE);
}

MsAuthIdentity *
ms_auth_verify_own (const MsAuth *auth, const char *token, GError **error)
{
  GError *err = NULL;
  g_autoptr (MsJwt) jwt = ms_jwt_parse (token, &err);
  if (jwt == NULL)
    return auth_fail (error, MS_AUTH_ERROR_INVALID, err), NULL;
  return verify_own_parsed (auth, jwt, error);
}

/* An identity provider's JWT: a key of its JWKS, then the claims. */
static MsAuthIdentity *
verify_external (MsAuth *auth, const MsJwt *jwt, GError **error)
{
  if (auth->jwks == NULL)
    return g_set_error_literal (error, MS_AUTH_ERROR, MS_AUTH_ERROR_INVALID,
                                "the token is not one of this server's and no identity "
                                "provider is configured"), NULL;
  g_autoptr (GPtrArray) keys = ms_jwks_keys (auth->jwks, jwt->kid, error);
  if (keys == NULL)
    return NULL;
  GError *err = NULL;
  gboolean tried = FALSE, ok = FALSE;
  for (guint i = 0; i < keys->len && !ok; i++)
    {
      const MsJwk *k = g_ptr_array_index (keys, i);
      if (jwt->kid != NULL && g_strcmp0 (k->kid, jwt->kid) != 0)
        continue;
      tried = TRUE;
      g_clear_error (&err);
      ok = ms_jwt_verify_jwk (jwt, k, &err);
    }
  if (!tried)
    return g_set_error_literal (error, MS_AUTH_ERROR, MS_AUTH_ERROR_INVALID,
                                jwt->kid ? "the token's key id (\"kid\") is not among the "
                                           "identity provider's keys"
                                         : "the identity provider has no keys"), NULL;
  if (!ok)
    return auth_fail (error, MS_AUTH_ERROR_INVALID, err), NULL;
  MsJwtExpect expect = { now_s (), MS_AUTH_LEEWAY_S, auth->jwt_issuer, auth->jwt_audience };
  if (!ms_jwt_check_claims (jwt, &expect, &err))
    return auth_fail (error, MS_AUTH_ERROR_INVALID, err), NULL;
  return identity (jwt, FALSE);
}

MsAuthIdentity *
ms_auth_verify (MsAuth *auth, const char *token, GError **error)
{
  return ms_auth_verify_route (auth, token, FALSE, error);
}

MsAuthIdentity *
ms_auth_verify_route (MsAuth *auth, const char *token, gboolean signing, GError **error)
{
  GError *err = NULL;
  g_autoptr (MsJwt) jwt = ms_jwt_parse (token, &err);
  if (jwt == NULL)
    return auth_fail (error, MS_AUTH_ERROR_INVALID, err), NULL;
  if (g_str_equal (jwt->alg, "HS256"))
    {
      MsAuthIdentity *p = verify_own_parsed (auth, jwt, error);
      if (p != NULL && !p->catalog_scope && !(signing && p->sign_scope))
        {
          ms_auth_identity_free (p);
          return g_set_error (error, MS_AUTH_ERROR, MS_AUTH_ERROR_FORBIDDEN,
                              "the token does not grant the '%s' scope", MS_AUTH_SCOPE), NULL;
        }
      return p;
    }
  if (ms_jwt_alg_is_public (jwt->alg))
    return verify_external (auth, jwt, error);
  return g_set_error_literal (error, MS_AUTH_ERROR, MS_AUTH_ERROR_INVALID,
                              "the token's algorithm is not accepted"), NULL;
}
