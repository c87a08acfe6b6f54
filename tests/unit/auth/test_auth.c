/* test_auth.c: the REST authentication context (auth/auth.c): rest.auth
 * resolution (auto is off only on the embedded default), the client list,
 * issuing and checking this server's tokens, configuration errors, and
 * the JWKS cache (auth/jwks.c) with a fake fetcher: lazy first fetch,
 * refetch on an unknown kid, the rate limit, keeping keys on failure, one
 * fetch for many concurrent callers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include "auth/auth.h"
#include "core/config.h"
#include "core/error.h"

static const char token_secret[] = "0123456789abcdef0123456789abcdef!";

static MsConfig *
config (const char *const *sets)
{
  MsConfig *cfg = ms_config_new_defaults ();
  for (const char *const *s = sets; s && *s; s++)
    {
      const char *eq = strchr (*s, '=');
      const char *dot = strchr (*s, '.');
      g_autofree char *group = g_strndup (*s, dot - *s);
      g_autofree char *key = g_strndup (dot + 1, eq - dot - 1);
      g_autoptr (GError) e = NULL;
      if (!ms_config_set (cfg, group, key, eq + 1, "test", &e))
        fail_msg ("%s: %s", *s, e->message);
    }
  assert_true (ms_config_validate (cfg, NULL));
  return cfg;
}

static MsAuth *
auth_new (const char *const *sets, gboolean embedded)
{
  g_autoptr (MsConfig) cfg = config (sets);
  g_autoptr (GError) e = NULL;
  MsAuth *a = ms_auth_new (cfg, embedded, &e);
  if (a == NULL)
    fail_msg ("ms_auth_new: %s", e->message);
  return a;
}

static void
auth_new_fails (const char *const *sets, const char *reason)
{
  g_autoptr (MsConfig) cfg = config (sets);
  g_autoptr (GError) e = NULL;
  g_autoptr (MsAuth) a = ms_auth_new (cfg, FALSE, &e);
  assert_null (a);
  if (strstr (e->message, reason) == NULL)
    fail_msg ("got '%s', want '%s'", e->message, reason);
}

/* ---- the mode ---- */

static void
test_mode (void **state)
{
  (void) state;
  MsAuthMode m;
  assert_true (ms_auth_mode_resolve ("auto", TRUE, &m));
  assert_int_equal (m, MS_AUTH_NONE);
  assert_true (ms_auth_mode_resolve ("auto", FALSE, &m));
  assert_int_equal (m, MS_AUTH_OAUTH);
  assert_true (ms_auth_mode_resolve ("oauth", TRUE, &m));
  assert_int_equal (m, MS_AUTH_OAUTH);
  assert_true (ms_auth_mode_resolve ("none", FALSE, &m));
  assert_int_equal (m, MS_AUTH_NONE);
  assert_false (ms_auth_mode_resolve ("OAUTH", FALSE, &m));
  assert_false (ms_auth_mode_resolve (NULL, FALSE, &m));

  /* the default is auto: off on the embedded default, on elsewhere */
  g_autoptr (MsConfig) cfg = ms_config_new_defaults ();
  assert_string_equal (cfg->rest_auth, "auto");
  const char *sets[] = { "rest.oauth.clients=a:b", NULL };
  g_autoptr (MsAuth) embedded = auth_new (sets, TRUE);
  assert_false (ms_auth_required (embedded));
  g_autoptr (MsAuth) external = auth_new (sets, FALSE);
  assert_true (ms_auth_required (external));
  assert_false (ms_auth_required (NULL));
  /* auto with nothing configured on an external database: on (and refusing all) */
  g_autoptr (MsAuth) bare = auth_new (NULL, FALSE);
  assert_true (ms_auth_required (bare));
  /* the key is validated with the others */
  g_autoptr (MsConfig) bad = ms_config_new_defaults ();
  assert_true (ms_config_set (bad, "rest", "auth", "maybe", "test", NULL));
  g_autoptr (GError) e = NULL;
  assert_false (ms_config_validate (bad, &e));
  assert_non_null (strstr (e->message, "rest.auth"));
  /* the environment reaches the dotted keys */
  g_autoptr (MsConfig) env_cfg = ms_config_new_defaults ();
  char *env[] = { "METASTORE_REST_OAUTH_TOKEN_TTL_S=120", "METASTORE_REST_AUTH_JWKS_URL=https://idp/k",
                  "METASTORE_REST_AUTH=oauth", NULL };
  assert_true (ms_config_load_env (env_cfg, env, NULL));
  assert_int_equal (env_cfg->rest_oauth_token_ttl_s, 120);
  assert_string_equal (env_cfg->rest_auth_jwks_url, "https://idp/k");
  assert_string_equal (env_cfg->rest_auth, "oauth");
}

/* ---- clients ---- */

static void
test_clients (void **state)
{
  (void) state;
  guint8 d[SHA256_DIGEST_LENGTH];
  SHA256 ((const guint8 *) "hunter2", 7, d);
  GString *hex = g_string_new (NULL);
  for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
    g_string_append_printf (hex, "%02X", d[i]);
  g_autofree char *clients = g_strdup_printf ("rest.oauth.clients= spark:s3cr:et , trino:sha256:%s,,", hex->str);
  g_string_free (hex, TRUE);
  const char *sets[] = { clients, NULL };
  g_autoptr (MsAuth) a = auth_new (sets, FALSE);
  assert_int_equal (g_hash_table_size (a->clients), 2);
  assert_true (ms_auth_client_check (a, "spark", "s3cr:et"));
  assert_false (ms_auth_client_check (a, "spark", "s3cr"));
  assert_false (ms_auth_client_check (a, "spark", ""));
  assert_true (ms_auth_client_check (a, "trino", "hunter2"));
  assert_false (ms_auth_client_check (a, "trino", "sha256:whatever"));
  assert_false (ms_auth_client_check (a, "ghost", "s3cr:et"));
  assert_false (ms_auth_client_check (a, NULL, "x"));
  assert_false (ms_auth_client_check (a, "spark", NULL));

  struct { const char *text, *reason; } bad[] = {
    { "nocolon", "entry 1 is not client_id:secret" },
    { "a:b,:secret", "entry 2 is not" },
    { "a:", "entry 1 is not" },
    { "a b:c", "printable ASCII" },
    { "a:b,a:c", "listed twice" },
    { "a:sha256:1234", "64 hex digits" },
    { "a:sha256:zz00000000000000000000000000000000000000000000000000000000000000", "64 hex digits" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      g_autoptr (GHashTable) t = ms_auth_parse_clients (bad[i].text, &e);
      assert_null (t);
      if (strstr (e->message, bad[i].reason) == NULL)
        fail_msg ("%s: got '%s'", bad[i].text, e->message);
      assert_null (strstr (e->message, ":b"));   /* secrets are not quoted */
    }
  g_autoptr (GHashTable) none = ms_auth_parse_clients (NULL, NULL);
  assert_int_equal (g_hash_table_size (none), 0);
}

static void
test_config_errors (void **state)
{
  (void) state;
  const char *oauth_bare[] = { "rest.auth=oauth", NULL };
  auth_new_fails (oauth_bare, "neither rest.oauth.clients nor rest.auth.jwks_url");
  const char *short_key[] = { "rest.oauth.token_secret=too short", NULL };
  auth_new_fails (short_key, "at least 32 bytes");
  const char *ftp[] = { "rest.auth.jwks_url=ftp://idp/keys", NULL };
  auth_new_fails (ftp, "http:// or https://");
  const char *nohost[] = { "rest.auth.jwks_url=https:///keys", NULL };
  auth_new_fails (nohost, "http:// or https://");
  const char *bad_clients[] = { "rest.oauth.clients=x", NULL };
  auth_new_fails (bad_clients, "entry 1");
}

/* ---- this server's tokens ---- */

/* The sign scope opens the signing routes only; catalog opens them too. */
static void
test_sign_scope (void **state)
{
  (void) state;
  g_autofree char *secret = g_strdup_printf ("rest.oauth.token_secret=%s", token_secret);
  const char *sets[] = { "rest.oauth.clients=spark:pw", secret, NULL };
  g_autoptr (MsAuth) a = auth_new (sets, FALSE);
  gint64 expires_in = 0;
  g_autofree char *sign = ms_auth_issue_token_scoped (a, "spark", "sign", &expires_in);
  g_autoptr (MsJwt) jwt = ms_jwt_parse (sign, NULL);
  assert_string_equal (ms_jwt_claim_string (jwt, "scope"), "sign");
  g_autoptr (GError) e = NULL;
  assert_null (ms_auth_verify (a, sign, &e));
  assert_int_equal (e->code, MS_AUTH_ERROR_FORBIDDEN);
  g_clear_error (&e);
  assert_null (ms_auth_verify_route (a, sign, FALSE, &e));
  assert_int_equal (e->code, MS_AUTH_ERROR_FORBIDDEN);
  g_autoptr (MsAuthIdentity) signer = ms_auth_verify_route (a, sign, TRUE, NULL);
  assert_non_null (signer);
  assert_true (signer->sign_scope && !signer->catalog_scope);
  g_autofree char *catalog = ms_auth_issue_token (a, "spark", &expires_in);
  g_autoptr (MsAuthIdentity) both = ms_auth_verify_route (a, catalog, TRUE, NULL);
  assert_non_null (both);
  assert_true (both->catalog_scope && !both->sign_scope);
}

static void
test_issue_and_verify (void **state)
{
  (void) state;
  g_autofree char *secret = g_strdup_printf ("rest.oauth.token_secret=%s", token_secret);
  const char *sets[] = { "rest.oauth.clients=spark:pw", secret, "rest.oauth.token_ttl_s=120",
                         "rest.oauth.issuer=ms-test", NULL };
  g_autoptr (MsAuth) a = auth_new (sets, FALSE);
  assert_false (a->token_key_random);
  gint64 expires_in = 0;
  g_autofree char *token = ms_auth_issue_token (a, "spark", &expires_in);
  assert_int_equal (expires_in, 120);
  g_autoptr (MsJwt) jwt = ms_jwt_parse (token, NULL);
  assert_string_equal (jwt->alg, "HS256");
  assert_string_equal (ms_jwt_claim_string (jwt, "iss"), "ms-test");
  assert_string_equal (ms_jwt_claim_string (jwt, "scope"), "catalog");
  gint64 iat = 0, exp = 0;
  assert_true (ms_jwt_claim_time (jwt, "iat", &iat) && ms_jwt_claim_time (jwt, "exp", &exp));
  assert_int_equal (exp - iat, 120);

  g_autoptr (GError) e = NULL;
  g_autoptr (MsAuthIdentity) who = ms_auth_verify (a, token, &e);
  assert_non_null (who);
  assert_string_equal (who->subject, "spark");
  assert_true (who->own);
  g_autoptr (MsAuthIdentity) own = ms_auth_verify_own (a, token, NULL);
  assert_non_null (own);

  /* another server with the same secret accepts it; one with a random key does not */
  g_autoptr (MsAuth) replica = auth_new (sets, FALSE);
  g_autoptr (MsAuthIdentity) who2 = ms_auth_verify (replica, token, NULL);
  assert_non_null (who2);
  const char *random_sets[] = { "rest.oauth.clients=spark:pw", "rest.oauth.issuer=ms-test", NULL };
  g_autoptr (MsAuth) other = auth_new (random_sets, FALSE);
  assert_true (other->token_key_random);
  assert_null (ms_auth_verify (other, token, &e));
  assert_int_equal (e->code, MS_AUTH_ERROR_INVALID);
  g_clear_error (&e);

  /* made by hand with the same key: scope, issuer, subject, expiry */
  struct { const char *claims; int code; const char *reason; } cases[] = {
    { "{\"iss\":\"ms-test\",\"sub\":\"x\",\"exp\":%ld,\"scope\":\"openid\"}", MS_AUTH_ERROR_FORBIDDEN, "scope" },
    { "{\"iss\":\"ms-test\",\"sub\":\"x\",\"exp\":%ld}", MS_AUTH_ERROR_FORBIDDEN, "scope" },
    { "{\"iss\":\"other\",\"sub\":\"x\",\"exp\":%ld,\"scope\":\"catalog\"}", MS_AUTH_ERROR_INVALID, "issuer" },
    { "{\"iss\":\"ms-test\",\"exp\":%ld,\"scope\":\"catalog\"}", MS_AUTH_ERROR_INVALID, "no subject" },
    { "{\"iss\":\"ms-test\",\"sub\":\"x\",\"exp\":%ld,\"scope\":\"catalog\"}", -1, NULL },
    { "{\"iss\":\"ms-test\",\"sub\":\"x\",\"exp\":%ld,\"scope\":\"a catalog b\"}", -1, NULL },
  };
  long later = (long) (g_get_real_time () / G_USEC_PER_SEC + 600);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf (cases[i].claims, later);
      g_autoptr (JsonNode) n = json_from_string (text, NULL);
      g_autofree char *t = ms_jwt_sign_hs256 (json_node_get_object (n), (const guint8 *) token_secret,
                                              strlen (token_secret));
      g_clear_error (&e);
      g_autoptr (MsAuthIdentity) p = ms_auth_verify (a, t, &e);
      if (cases[i].code < 0)
        {
          if (p == NULL)
            fail_msg ("%s refused: %s", text, e->message);
          continue;
        }
      assert_null (p);
      assert_true (e->domain == MS_AUTH_ERROR);
      assert_int_equal (e->code, cases[i].code);
      if (strstr (e->message, cases[i].reason) == NULL)
        fail_msg ("%s: got '%s'", text, e->message);
    }
  /* an expired one, garbage, alg none, an asymmetric one without a JWKS */
  g_autoptr (JsonNode) old = json_from_string ("{\"iss\":\"ms-test\",\"sub\":\"x\",\"exp\":1000,\"scope\":\"catalog\"}", NULL);
  g_autofree char *expired = ms_jwt_sign_hs256 (json_node_get_object (old), (const guint8 *) token_secret,
                                                strlen (token_secret));
  const char *refused[] = { expired, "garbage", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
                            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA" };
  const char *reasons[] = { "expired", "three base64url parts", "algorithm is not accepted",
                            "no identity provider is configured" };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_clear_error (&e);
      g_autoptr (MsAuthIdentity) p = ms_auth_verify (a, refused[i], &e);
      assert_null (p);
      assert_int_equal (e->code, MS_AUTH_ERROR_INVALID);
      if (strstr (e->message, reasons[i]) == NULL)
        fail_msg ("got '%s', want '%s'", e->message, reasons[i]);
    }
  /* verify_own: this server's tokens only, scope not required */
  g_autoptr (JsonNode) noscope = json_from_string ("{\"iss\":\"ms-test\",\"sub\":\"x\",\"exp\":4000000000}", NULL);
  g_autofree char *ns = ms_jwt_sign_hs256 (json_node_get_object (noscope), (const guint8 *) token_secret,
                                           strlen (token_secret));
  g_autoptr (MsAuthIdentity) ns_who = ms_auth_verify_own (a, ns, NULL);
  assert_non_null (ns_who);
  assert_null (ms_auth_verify_own (a, expired, NULL));
}

/* ---- the JWKS cache ---- */

typedef struct {
  GMutex lock;
  char *doc;                   /* what the next fetch returns; NULL: fail */
  guint calls;
  gulong delay_us;
} FakeIdp;

static GBytes *
fake_fetch (const char *url, gpointer user, GError **error)
{
  FakeIdp *f = user;
  if (f->delay_us)
    g_usleep (f->delay_us);
  g_mutex_lock (&f->lock);
  f->calls++;
  GBytes *b = f->doc ? g_bytes_new (f->doc, strlen (f->doc)) : NULL;
  g_mutex_unlock (&f->lock);
  if (b == NULL)
    ms_fail (error, MS_ERROR_UNAVAILABLE, "connection refused");
  return b;
}

static void
fake_set (FakeIdp *f, const char *doc)
{
  g_mutex_lock (&f->lock);
  g_free (f->doc);
  f->doc = g_strdup (doc);
  g_mutex_unlock (&f->lock);
}

static char *
ec_jwks (const char *const *kids)
{
  GString *s = g_string_new ("{\"keys\":[");
  for (guint i = 0; kids[i]; i++)
    {
      EVP_PKEY *k = EVP_EC_gen ("P-256");
      guint8 pub[65];
      size_t len = 0;
      assert_true (EVP_PKEY_get_octet_string_param (k, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len));
      g_autofree char *x = ms_b64url_encode (pub + 1, 32);
      g_autofree char *y = ms_b64url_encode (pub + 33, 32);
      g_string_append_printf (s, "%s{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}",
                              i ? "," : "", kids[i], x, y);
      EVP_PKEY_free (k);
    }
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

static guint
count_kid (GPtrArray *keys, const char *kid)
{
  guint n = 0;
  for (guint i = 0; keys && i < keys->len; i++)
    n += g_strcmp0 (((MsJwk *) keys->pdata[i])->kid, kid) == 0;
  return n;
}

static void
test_jwks_cache (void **state)
{
  (void) state;
  FakeIdp f = { 0 };
  g_mutex_init (&f.lock);
  const char *ab[] = { "a", "b", NULL };
  g_autofree char *doc_ab = ec_jwks (ab);
  fake_set (&f, doc_ab);
  g_autoptr (GError) e = NULL;
  MsJwks *j = ms_jwks_new ("https://idp.test/jwks", 0, 3600, fake_fetch, &f, &e);
  assert_non_null (j);
  assert_int_equal (f.calls, 0);          /* lazily */

  g_autoptr (GPtrArray) k1 = ms_jwks_keys (j, "a", &e);
  assert_int_equal (f.calls, 1);
  assert_int_equal (count_kid (k1, "a"), 1);
  g_autoptr (GPtrArray) k2 = ms_jwks_keys (j, "b", &e);
  g_autoptr (GPtrArray) k3 = ms_jwks_keys (j, NULL, &e);
  assert_int_equal (f.calls, 1);          /* cached */
  assert_ptr_equal (k1, k3);

  /* rotation: an unknown kid refetches */
  const char *c[] = { "c", NULL };
  g_autofree char *doc_c = ec_jwks (c);
  fake_set (&f, doc_c);
  g_autoptr (GPtrArray) k4 = ms_jwks_keys (j, "c", &e);
  assert_int_equal (f.calls, 2);
  assert_int_equal (count_kid (k4, "c"), 1);
  assert_int_equal (count_kid (k4, "a"), 0);
  assert_int_equal (count_kid (k1, "a"), 1);   /* a reader's snapshot stays whole */
  /* a kid nobody has: one fetch per call (refetch_s = 0), never a loop */
  g_autoptr (GPtrArray) k5 = ms_jwks_keys (j, "zzz", &e);
  assert_int_equal (f.calls, 3);
  assert_int_equal (count_kid (k5, "zzz"), 0);
  /* a failed refetch keeps the keys held */
  fake_set (&f, NULL);
  g_autoptr (GPtrArray) k6 = ms_jwks_keys (j, "zzz", &e);
  assert_int_equal (f.calls, 4);
  assert_non_null (k6);
  assert_int_equal (count_kid (k6, "c"), 1);
  assert_int_equal (ms_jwks_fetch_count (j), 4);
  ms_jwks_free (j);

  /* the rate limit */
  fake_set (&f, doc_ab);
  f.calls = 0;
  j = ms_jwks_new ("http://idp.test/jwks", 3600, 3600, fake_fetch, &f, NULL);
  g_autoptr (GPtrArray) r1 = ms_jwks_keys (j, "a", NULL);
  fake_set (&f, doc_c);
  for (int i = 0; i < 5; i++)
    {
      g_autoptr (GPtrArray) r = ms_jwks_keys (j, "c", NULL);
      assert_non_null (r);
      assert_int_equal (count_kid (r, "c"), 0);
    }
  assert_int_equal (f.calls, 1);
  ms_jwks_free (j);

  /* never fetched: unavailable, and the failure is rate-limited too */
  fake_set (&f, NULL);
  f.calls = 0;
  j = ms_jwks_new ("https://idp.test/jwks", 3600, 3600, fake_fetch, &f, NULL);
  for (int i = 0; i < 3; i++)
    {
      g_clear_error (&e);
      g_autoptr (GPtrArray) r = ms_jwks_keys (j, "a", &e);
      assert_null (r);
      assert_true (e->domain == MS_AUTH_ERROR);
      assert_int_equal (e->code, MS_AUTH_ERROR_UNAVAILABLE);
      assert_non_null (strstr (e->message, "connection refused"));
    }
  assert_int_equal (f.calls, 1);
  ms_jwks_free (j);

  /* a document that is not a JWKS counts as a failure */
  fake_set (&f, "<html>login</html>");
  f.calls = 0;
  j = ms_jwks_new ("https://idp.test/jwks", 0, 3600, fake_fetch, &f, NULL);
  g_clear_error (&e);
  g_autoptr (GPtrArray) h = ms_jwks_keys (j, NULL, &e);
  assert_null (h);
  assert_non_null (strstr (e->message, "not JSON"));
  ms_jwks_free (j);

  /* stale keys (ttl 0) are fetched again on use */
  fake_set (&f, doc_ab);
  f.calls = 0;
  j = ms_jwks_new ("https://idp.test/jwks", 0, 0, fake_fetch, &f, NULL);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (GPtrArray) r = ms_jwks_keys (j, "a", NULL);
      assert_non_null (r);
    }
  assert_int_equal (f.calls, 3);
  ms_jwks_free (j);

  assert_null (ms_jwks_new ("not a url", 0, 1, NULL, NULL, NULL));
  g_free (f.doc);
  g_mutex_clear (&f.lock);
}

typedef struct {
  MsJwks *jwks;
  gboolean ok;
} Caller;

static gpointer
caller (gpointer data)
{
  Caller *c = data;
  g_autoptr (GPtrArray) k = ms_jwks_keys (c->jwks, "a", NULL);
  c->ok = count_kid (k, "a") == 1;
  return NULL;
}

static void
test_jwks_concurrent_first_use (void **state)
{
  (void) state;
  FakeIdp f = { 0 };
  g_mutex_init (&f.lock);
  const char *ab[] = { "a", "b", NULL };
  f.doc = ec_jwks (ab);
  f.delay_us = 50000;
  MsJwks *j = ms_jwks_new ("https://idp.test/jwks", 3600, 3600, fake_fetch, &f, NULL);
  Caller callers[16];
  GThread *threads[16];
  for (int i = 0; i < 16; i++)
    {
      callers[i] = (Caller) { j, FALSE };
      threads[i] = g_thread_new ("caller", caller, &callers[i]);
    }
  for (int i = 0; i < 16; i++)
    {
      g_thread_join (threads[i]);
      assert_true (callers[i].ok);
    }
  assert_int_equal (f.calls, 1);          /* everyone waited for one fetch */
  ms_jwks_free (j);
  g_free (f.doc);
  g_mutex_clear (&f.lock);
}

/* ---- an identity provider's token through MsAuth ---- */

static void
test_external_through_auth (void **state)
{
  (void) state;
  /* the context's JWKS swapped for one with a fake fetcher */
  const char *sets[] = { "rest.auth.jwks_url=https://idp.test/jwks", "rest.auth.jwt_issuer=idp",
                         "rest.auth.jwt_audience=ms", NULL };
  g_autoptr (MsAuth) a = auth_new (sets, FALSE);
  assert_true (ms_auth_required (a));
  FakeIdp f = { 0 };
  g_mutex_init (&f.lock);
  EVP_PKEY *k = EVP_EC_gen ("P-256");
  guint8 pub[65];
  size_t len = 0;
  assert_true (EVP_PKEY_get_octet_string_param (k, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len));
  g_autofree char *x = ms_b64url_encode (pub + 1, 32);
  g_autofree char *y = ms_b64url_encode (pub + 33, 32);
  f.doc = g_strdup_printf ("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k\",\"x\":\"%s\",\"y\":\"%s\"}]}", x, y);
  ms_jwks_free (a->jwks);
  a->jwks = ms_jwks_new ("https://idp.test/jwks", 0, 3600, fake_fetch, &f, NULL);

  long later = (long) (g_get_real_time () / G_USEC_PER_SEC + 600);
  struct { const char *claims; const char *kid; const char *reason; } cases[] = {
    { "{\"iss\":\"idp\",\"aud\":\"ms\",\"sub\":\"alice\",\"exp\":%ld}", "k", NULL },
    { "{\"iss\":\"idp\",\"aud\":\"ms\",\"azp\":\"etl\",\"exp\":%ld}", "k", NULL },
    { "{\"iss\":\"bad\",\"aud\":\"ms\",\"sub\":\"alice\",\"exp\":%ld}", "k", "issuer" },
    { "{\"iss\":\"idp\",\"aud\":\"xx\",\"sub\":\"alice\",\"exp\":%ld}", "k", "audience" },
    { "{\"iss\":\"idp\",\"aud\":\"ms\",\"sub\":\"alice\",\"exp\":%ld}", "other", "key id" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *claims = g_strdup_printf (cases[i].claims, later);
      g_autofree char *header = g_strdup_printf ("{\"alg\":\"ES256\",\"kid\":\"%s\"}", cases[i].kid);
      g_autofree char *h = ms_b64url_encode ((const guint8 *) header, strlen (header));
      g_autofree char *p = ms_b64url_encode ((const guint8 *) claims, strlen (claims));
      g_autofree char *input = g_strconcat (h, ".", p, NULL);
      EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
      assert_int_equal (EVP_DigestSignInit_ex (ctx, NULL, "SHA256", NULL, NULL, k, NULL), 1);
      guint8 der[128];
      size_t dlen = sizeof der;
      assert_int_equal (EVP_DigestSign (ctx, der, &dlen, (guint8 *) input, strlen (input)), 1);
      EVP_MD_CTX_free (ctx);
      const guint8 *q = der;
      ECDSA_SIG *es = d2i_ECDSA_SIG (NULL, &q, (long) dlen);
      guint8 raw[64];
      BN_bn2binpad (ECDSA_SIG_get0_r (es), raw, 32);
      BN_bn2binpad (ECDSA_SIG_get0_s (es), raw + 32, 32);
      ECDSA_SIG_free (es);
      g_autofree char *s = ms_b64url_encode (raw, 64);
      g_autofree char *token = g_strconcat (input, ".", s, NULL);
      g_autoptr (GError) e = NULL;
      g_autoptr (MsAuthIdentity) who = ms_auth_verify (a, token, &e);
      if (cases[i].reason == NULL)
        {
          if (who == NULL)
            fail_msg ("%s refused: %s", claims, e->message);
          assert_false (who->own);
          assert_string_equal (who->subject, i == 0 ? "alice" : "etl");
        }
      else
        {
          assert_null (who);
          assert_int_equal (e->code, MS_AUTH_ERROR_INVALID);
          if (strstr (e->message, cases[i].reason) == NULL)
            fail_msg ("got '%s', want '%s'", e->message, cases[i].reason);
        }
    }
  EVP_PKEY_free (k);
  g_free (f.doc);
  g_mutex_clear (&f.lock);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_mode),
    cmocka_unit_test (test_clients),
    cmocka_unit_test (test_config_errors),
    cmocka_unit_test (test_issue_and_verify),
    cmocka_unit_test (test_sign_scope),
    cmocka_unit_test (test_jwks_cache),
    cmocka_unit_test (test_jwks_concurrent_first_use),
    cmocka_unit_test (test_external_through_auth),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
