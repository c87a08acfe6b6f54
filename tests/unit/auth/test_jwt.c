/* test_jwt.c: the JWT/JWK module (auth/jwt.c): base64url, parsing, HS256
 * (RFC 7515 A.1's known answer), RS/PS/ES checks with keys OpenSSL makes
 * here and hands over as JWKs, the key and algorithm rules, the claims. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include "auth/jwt.h"
#include "core/error.h"

#define NOW 1700000000

/* ---- helpers ---- */

static char *
b64s (const char *text)
{
  return ms_b64url_encode ((const guint8 *) text, strlen (text));
}

/* header.payload.signature with 'sig' raw bytes. */
static char *
compact (const char *header, const char *payload, const guint8 *sig, gsize sig_len)
{
  g_autofree char *h = b64s (header);
  g_autofree char *p = b64s (payload);
  g_autofree char *s = ms_b64url_encode (sig, sig_len);
  return g_strconcat (h, ".", p, ".", s, NULL);
}

static MsJwt *
parse_ok (const char *token)
{
  g_autoptr (GError) e = NULL;
  MsJwt *jwt = ms_jwt_parse (token, &e);
  if (jwt == NULL)
    fail_msg ("parse failed: %s", e->message);
  return jwt;
}

static void
parse_fails (const char *token, const char *reason)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (MsJwt) jwt = ms_jwt_parse (token, &e);
  assert_null (jwt);
  if (strstr (e->message, reason) == NULL)
    fail_msg ("got '%s', want '%s'", e->message, reason);
}

static JsonObject *
object (const char *text)
{
  g_autoptr (JsonNode) n = json_from_string (text, NULL);
  assert_non_null (n);
  return json_object_ref (json_node_get_object (n));
}

/* ---- base64url ---- */

static void
test_b64url (void **state)
{
  (void) state;
  const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
  const char *enc[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };
  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    {
      g_autofree char *e = b64s (plain[i]);
      assert_string_equal (e, enc[i]);
      gsize n = 0;
      g_autofree guint8 *d = ms_b64url_decode (enc[i], strlen (enc[i]), &n);
      assert_non_null (d);
      assert_int_equal (n, strlen (plain[i]));
      assert_memory_equal (d, plain[i], n);
      assert_int_equal (d[n], 0);
    }
  /* the url-safe alphabet, every length */
  guint8 all[256];
  for (int i = 0; i < 256; i++)
    all[i] = (guint8) (255 - i);
  for (gsize len = 0; len <= sizeof all; len++)
    {
      g_autofree char *e = ms_b64url_encode (all, len);
      assert_null (strpbrk (e, "+/="));
      gsize n = 0;
      g_autofree guint8 *d = ms_b64url_decode (e, strlen (e), &n);
      assert_non_null (d);
      assert_int_equal (n, len);
      assert_memory_equal (d, all, len);
    }
  /* not canonical base64url */
  const char *bad[] = { "Zg==", "Zg=", "Z", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm9v Yg", "Zm9\n", "Zm8A" "B" };
  gsize n = 0;
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree guint8 *d = ms_b64url_decode (bad[i], strlen (bad[i]), &n);
      if (d != NULL)
        fail_msg ("'%s' was accepted", bad[i]);
    }
  g_autofree guint8 *d = ms_b64url_decode ("Zm9", 3, &n);   /* unused bits not zero */
  assert_null (d);
}

/* ---- parsing and HS256 ---- */

/* RFC 7515 appendix A.1: an HS256 JWS and its key. */
static const char rfc_token[] =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static const char rfc_key[] =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

static void
test_hs256_known_answer (void **state)
{
  (void) state;
  gsize klen = 0;
  g_autofree guint8 *key = ms_b64url_decode (rfc_key, strlen (rfc_key), &klen);
  assert_non_null (key);
  g_autoptr (MsJwt) jwt = parse_ok (rfc_token);
  assert_string_equal (jwt->alg, "HS256");
  assert_null (jwt->kid);
  assert_string_equal (ms_jwt_claim_string (jwt, "iss"), "joe");
  gint64 exp = 0;
  assert_true (ms_jwt_claim_time (jwt, "exp", &exp));
  assert_int_equal (exp, 1300819380);
  g_autoptr (GError) e = NULL;
  assert_true (ms_jwt_verify_hs256 (jwt, key, klen, &e));
  key[0] ^= 1;
  assert_false (ms_jwt_verify_hs256 (jwt, key, klen, &e));
  assert_non_null (strstr (e->message, "signature is not valid"));
  /* and it has expired long ago */
  g_clear_error (&e);
  MsJwtExpect x = { NOW, 60, "joe", NULL };
  assert_false (ms_jwt_check_claims (jwt, &x, &e));
  assert_non_null (strstr (e->message, "expired"));
}

static void
test_hs256_sign_verify (void **state)
{
  (void) state;
  const guint8 key[] = "a key of thirty-two bytes or more!";
  g_autoptr (JsonObject) claims = object ("{\"iss\":\"metastore\",\"sub\":\"spark\",\"iat\":1700000000,"
                                          "\"exp\":1700003600,\"scope\":\"catalog\"}");
  g_autofree char *token = ms_jwt_sign_hs256 (claims, key, sizeof key - 1);
  g_autoptr (MsJwt) jwt = parse_ok (token);
  assert_string_equal (jwt->alg, "HS256");
  assert_string_equal (ms_jwt_claim_string (jwt, "sub"), "spark");
  assert_true (ms_jwt_verify_hs256 (jwt, key, sizeof key - 1, NULL));
  assert_false (ms_jwt_verify_hs256 (jwt, key, sizeof key - 2, NULL));
  MsJwtExpect x = { NOW, 60, "metastore", NULL };
  assert_true (ms_jwt_check_claims (jwt, &x, NULL));

  /* any change to the signed text or the signature breaks it */
  for (gsize i = 0; token[i]; i++)
    {
      if (token[i] == '.')
        continue;
      g_autofree char *t = g_strdup (token);
      t[i] = t[i] == 'A' ? 'B' : 'A';
      g_autoptr (MsJwt) j = ms_jwt_parse (t, NULL);
      if (j != NULL && ms_jwt_verify_hs256 (j, key, sizeof key - 1, NULL))
        fail_msg ("changed byte %zu still verifies", i);
    }
  /* "none" and other algorithms never pass the HS256 check */
  const guint8 nosig[1] = { 0 };
  g_autofree char *none = compact ("{\"alg\":\"none\"}", "{\"exp\":1800000000}", nosig, 0);
  g_autoptr (MsJwt) jn = parse_ok (none);
  g_autoptr (GError) e = NULL;
  assert_false (ms_jwt_verify_hs256 (jn, key, sizeof key - 1, &e));
  assert_non_null (strstr (e->message, "not HS256"));
  assert_false (ms_jwt_alg_is_public ("none"));
  assert_false (ms_jwt_alg_is_public ("HS256"));
  assert_true (ms_jwt_alg_is_public ("ES512"));
}

static void
test_parse_errors (void **state)
{
  (void) state;
  const guint8 sig[4] = { 1, 2, 3, 4 };
  parse_fails ("", "empty");
  parse_fails ("abc", "three base64url parts");
  parse_fails ("a.b", "three base64url parts");
  parse_fails ("a.b.c.d", "three base64url parts");
  parse_fails ("eyJhbGciOiJIUzI1NiJ9.e30.!!", "signature is not base64url");
  parse_fails ("eyJhbGciOiJIUzI1NiJ9.e30.Zh", "signature is not base64url");
  parse_fails ("e3=.e30.", "header is not base64url");
  g_autofree char *arr = compact ("[1]", "{}", sig, 4);
  parse_fails (arr, "header is not a JSON object");
  g_autofree char *noalg = compact ("{\"typ\":\"JWT\"}", "{}", sig, 4);
  parse_fails (noalg, "no \"alg\"");
  g_autofree char *numalg = compact ("{\"alg\":256}", "{}", sig, 4);
  parse_fails (numalg, "no \"alg\"");
  g_autofree char *crit = compact ("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", "{}", sig, 4);
  parse_fails (crit, "crit");
  g_autofree char *kid = compact ("{\"alg\":\"RS256\",\"kid\":7}", "{}", sig, 4);
  parse_fails (kid, "\"kid\" is not a string");
  g_autofree char *payload = compact ("{\"alg\":\"HS256\"}", "\"text\"", sig, 4);
  parse_fails (payload, "payload is not a JSON object");
  g_autofree char *notjson = compact ("{\"alg\":\"HS256\"}", "{nope", sig, 4);
  parse_fails (notjson, "payload is not JSON");
  g_autofree char *h = b64s ("{\"alg\":\"HS256\"}");
  g_autofree char *p = ms_b64url_encode ((const guint8 *) "{}\0", 3);
  g_autofree char *withnul = g_strconcat (h, ".", p, ".AQID", NULL);
  parse_fails (withnul, "payload is not JSON text");
  /* an unpaired surrogate escape (json-glib 1.6 would leak on it) */
  g_autofree char *surrogate = compact ("{\"alg\":\"HS256\",\"x\":\"\\ud83d\\u0041\"}", "{}", sig, 4);
  parse_fails (surrogate, "header is not JSON text");
  g_autofree char *huge = g_strnfill (MS_JWT_MAX_TOKEN_BYTES + 1, 'a');
  parse_fails (huge, "longer than");
  /* the kid is kept */
  g_autofree char *ok = compact ("{\"alg\":\"ES256\",\"kid\":\"k1\"}", "{\"sub\":\"x\"}", sig, 4);
  g_autoptr (MsJwt) jwt = parse_ok (ok);
  assert_string_equal (jwt->kid, "k1");
  assert_int_equal (jwt->signature_len, 4);
}

/* ---- claims ---- */

static gboolean
claims_ok (const char *payload, const char *iss, const char *aud, GError **e)
{
  const guint8 sig[1] = { 0 };
  g_autofree char *t = compact ("{\"alg\":\"HS256\"}", payload, sig, 1);
  g_autoptr (MsJwt) jwt = parse_ok (t);
  MsJwtExpect x = { NOW, 60, iss, aud };
  return ms_jwt_check_claims (jwt, &x, e);
}

static void
claims_fail (const char *payload, const char *iss, const char *aud, const char *reason)
{
  g_autoptr (GError) e = NULL;
  if (claims_ok (payload, iss, aud, &e))
    fail_msg ("%s was accepted", payload);
  if (strstr (e->message, reason) == NULL)
    fail_msg ("%s: got '%s', want '%s'", payload, e->message, reason);
}

static void
test_claims (void **state)
{
  (void) state;
  assert_true (claims_ok ("{\"exp\":1700000100}", NULL, NULL, NULL));
  assert_true (claims_ok ("{\"exp\":1700000100.75}", NULL, NULL, NULL));
  /* the leeway: 60 s either side */
  assert_true (claims_ok ("{\"exp\":1699999950}", NULL, NULL, NULL));
  claims_fail ("{\"exp\":1699999940}", NULL, NULL, "expired");
  claims_fail ("{\"exp\":1699990000}", NULL, NULL, "expired");
  claims_fail ("{}", NULL, NULL, "no expiry");
  claims_fail ("{\"exp\":\"soon\"}", NULL, NULL, "\"exp\" is not a number");
  claims_fail ("{\"exp\":1e400}", NULL, NULL, "not a number");
  assert_true (claims_ok ("{\"exp\":1700000100,\"nbf\":1700000030}", NULL, NULL, NULL));
  claims_fail ("{\"exp\":1700009999,\"nbf\":1700000100}", NULL, NULL, "not valid yet");
  claims_fail ("{\"exp\":1700009999,\"nbf\":true}", NULL, NULL, "\"nbf\" is not a number");
  claims_fail ("{\"exp\":1700009999,\"iat\":1700000100}", NULL, NULL, "issued in the future");
  assert_true (claims_ok ("{\"exp\":1700009999,\"iat\":1699999000}", NULL, NULL, NULL));
  /* issuer and audience */
  assert_true (claims_ok ("{\"exp\":1700009999,\"iss\":\"idp\"}", "idp", NULL, NULL));
  claims_fail ("{\"exp\":1700009999,\"iss\":\"other\"}", "idp", NULL, "issuer");
  claims_fail ("{\"exp\":1700009999}", "idp", NULL, "issuer");
  assert_true (claims_ok ("{\"exp\":1700009999,\"aud\":\"ms\"}", NULL, "ms", NULL));
  assert_true (claims_ok ("{\"exp\":1700009999,\"aud\":[\"a\",\"ms\"]}", NULL, "ms", NULL));
  claims_fail ("{\"exp\":1700009999,\"aud\":[\"a\",\"b\"]}", NULL, "ms", "audience");
  claims_fail ("{\"exp\":1700009999,\"aud\":\"msx\"}", NULL, "ms", "audience");
  claims_fail ("{\"exp\":1700009999,\"aud\":[1,null]}", NULL, "ms", "audience");
  claims_fail ("{\"exp\":1700009999}", NULL, "ms", "audience");
}

/* ---- JWKs and public-key signatures ---- */

static char *
bn_b64 (EVP_PKEY *pkey, const char *param)
{
  BIGNUM *bn = NULL;
  assert_true (EVP_PKEY_get_bn_param (pkey, param, &bn));
  int n = BN_num_bytes (bn);
  g_autofree guint8 *buf = g_malloc (n);
  BN_bn2bin (bn, buf);
  BN_free (bn);
  return ms_b64url_encode (buf, (gsize) n);
}

static char *
rsa_jwk_text (EVP_PKEY *pkey, const char *kid, const char *extra)
{
  g_autofree char *n = bn_b64 (pkey, OSSL_PKEY_PARAM_RSA_N);
  g_autofree char *e = bn_b64 (pkey, OSSL_PKEY_PARAM_RSA_E);
  return g_strdup_printf ("{\"kty\":\"RSA\",\"kid\":\"%s\",\"n\":\"%s\",\"e\":\"%s\"%s}", kid, n, e,
                          extra ? extra : "");
}

static char *
ec_jwk_text (EVP_PKEY *pkey, const char *crv, gsize coord, const char *kid, gboolean flip_y)
{
  guint8 pub[1 + 2 * 66];
  size_t len = 0;
  assert_true (EVP_PKEY_get_octet_string_param (pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len));
  assert_int_equal (len, 1 + 2 * coord);
  if (flip_y)
    pub[len - 1] ^= 1;
  g_autofree char *x = ms_b64url_encode (pub + 1, coord);
  g_autofree char *y = ms_b64url_encode (pub + 1 + coord, coord);
  return g_strdup_printf ("{\"kty\":\"EC\",\"kid\":\"%s\",\"crv\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}", kid,
                          crv, x, y);
}

static MsJwk *
jwk_ok (const char *text)
{
  g_autoptr (JsonObject) o = object (text);
  g_autoptr (GError) e = NULL;
  MsJwk *k = ms_jwk_from_json (o, &e);
  if (k == NULL)
    fail_msg ("JWK refused: %s", e->message);
  return k;
}

static void
jwk_fails (const char *text, const char *reason)
{
  g_autoptr (JsonObject) o = object (text);
  g_autoptr (GError) e = NULL;
  g_autoptr (MsJwk) k = ms_jwk_from_json (o, &e);
  assert_null (k);
  if (strstr (e->message, reason) == NULL)
    fail_msg ("got '%s', want '%s'", e->message, reason);
}

/* A token signed by 'pkey' with 'alg' (ES: converted to r||s). */
static char *
sign_token (EVP_PKEY *pkey, const char *alg, const char *kid, gsize ec_coord)
{
  g_autofree char *header = g_strdup_printf ("{\"alg\":\"%s\",\"kid\":\"%s\"}", alg, kid);
  g_autofree char *h = b64s (header);
  g_autofree char *p = b64s ("{\"sub\":\"alice\",\"exp\":1800000000}");
  g_autofree char *input = g_strconcat (h, ".", p, NULL);
  const char *md = g_str_has_suffix (alg, "256") ? "SHA256" : g_str_has_suffix (alg, "384") ? "SHA384" : "SHA512";
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  EVP_PKEY_CTX *pctx = NULL;
  assert_int_equal (EVP_DigestSignInit_ex (ctx, &pctx, md, NULL, NULL, pkey, NULL), 1);
  if (alg[0] == 'P')
    {
      EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING);
      EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_DIGEST);
    }
  size_t siglen = 0;
  assert_int_equal (EVP_DigestSign (ctx, NULL, &siglen, (guint8 *) input, strlen (input)), 1);
  g_autofree guint8 *sig = g_malloc (siglen);
  assert_int_equal (EVP_DigestSign (ctx, sig, &siglen, (guint8 *) input, strlen (input)), 1);
  EVP_MD_CTX_free (ctx);
  g_autofree char *s = NULL;
  if (ec_coord > 0)
    {
      const guint8 *q = sig;
      ECDSA_SIG *es = d2i_ECDSA_SIG (NULL, &q, (long) siglen);
      assert_non_null (es);
      g_autofree guint8 *raw = g_malloc0 (2 * ec_coord);
      BN_bn2binpad (ECDSA_SIG_get0_r (es), raw, (int) ec_coord);
      BN_bn2binpad (ECDSA_SIG_get0_s (es), raw + ec_coord, (int) ec_coord);
      ECDSA_SIG_free (es);
      s = ms_b64url_encode (raw, 2 * ec_coord);
    }
  else
    s = ms_b64url_encode (sig, siglen);
  return g_strconcat (input, ".", s, NULL);
}

static void
verify_ok (const char *token, const MsJwk *k)
{
  g_autoptr (MsJwt) jwt = parse_ok (token);
  g_autoptr (GError) e = NULL;
  if (!ms_jwt_verify_jwk (jwt, k, &e))
    fail_msg ("%s refused: %s", jwt->alg, e->message);
}

static void
verify_fails (const char *token, const MsJwk *k, const char *reason)
{
  g_autoptr (MsJwt) jwt = parse_ok (token);
  g_autoptr (GError) e = NULL;
  assert_false (ms_jwt_verify_jwk (jwt, k, &e));
  if (strstr (e->message, reason) == NULL)
    fail_msg ("got '%s', want '%s'", e->message, reason);
}

/* The token with its signature cut short by 'drop' bytes. */
static char *
truncated (const char *token, gsize drop)
{
  const char *dot = strrchr (token, '.');
  gsize n = 0;
  g_autofree guint8 *sig = ms_b64url_decode (dot + 1, strlen (dot + 1), &n);
  assert_non_null (sig);
  assert_true (n > drop);
  g_autofree char *s = ms_b64url_encode (sig, n - drop);
  g_autofree char *head = g_strndup (token, (gsize) (dot - token));
  return g_strconcat (head, ".", s, NULL);
}

/* The token with its header swapped (signature kept). */
static char *
with_header (const char *token, const char *header)
{
  g_autofree char *h = b64s (header);
  return g_strconcat (h, strchr (token, '.'), NULL);
}

static void
test_rsa (void **state)
{
  (void) state;
  EVP_PKEY *pkey = EVP_RSA_gen (2048);
  assert_non_null (pkey);
  g_autofree char *text = rsa_jwk_text (pkey, "r1", ",\"use\":\"sig\"");
  g_autoptr (MsJwk) k = jwk_ok (text);
  assert_int_equal (k->type, MS_JWK_RSA);
  assert_string_equal (k->kid, "r1");
  const char *algs[] = { "RS256", "RS384", "RS512", "PS256", "PS384", "PS512" };
  for (guint i = 0; i < G_N_ELEMENTS (algs); i++)
    {
      g_autofree char *t = sign_token (pkey, algs[i], "r1", 0);
      verify_ok (t, k);
    }
  g_autofree char *rs = sign_token (pkey, "RS256", "r1", 0);
  /* the same signature under another algorithm's name */
  g_autofree char *as_ps = with_header (rs, "{\"alg\":\"PS256\",\"kid\":\"r1\"}");
  verify_fails (as_ps, k, "signature is not valid");
  g_autofree char *as_es = with_header (rs, "{\"alg\":\"ES256\",\"kid\":\"r1\"}");
  verify_fails (as_es, k, "does not fit its key");
  g_autofree char *as_hs = with_header (rs, "{\"alg\":\"HS256\",\"kid\":\"r1\"}");
  verify_fails (as_hs, k, "not accepted");
  g_autofree char *as_none = with_header (rs, "{\"alg\":\"none\",\"kid\":\"r1\"}");
  verify_fails (as_none, k, "not accepted");
  /* a truncated signature */
  g_autofree char *cut = truncated (rs, 3);
  verify_fails (cut, k, "signature is not valid");
  /* a JWK naming its algorithm binds the key to it */
  g_autofree char *bound_text = rsa_jwk_text (pkey, "r1", ",\"alg\":\"RS256\"");
  g_autoptr (MsJwk) bound = jwk_ok (bound_text);
  verify_ok (rs, bound);
  g_autofree char *ps = sign_token (pkey, "PS256", "r1", 0);
  verify_fails (ps, bound, "does not fit its key");
  /* refused keys */
  g_autofree char *enc = rsa_jwk_text (pkey, "r1", ",\"use\":\"enc\"");
  jwk_fails (enc, "not a signing key");
  g_autofree char *priv = rsa_jwk_text (pkey, "r1", ",\"d\":\"AQAB\"");
  jwk_fails (priv, "private");
  g_autofree char *ops = rsa_jwk_text (pkey, "r1", ",\"key_ops\":[\"encrypt\"]");
  jwk_fails (ops, "key_ops");
  g_autofree char *ops_ok = rsa_jwk_text (pkey, "r1", ",\"key_ops\":[\"verify\"]");
  g_autoptr (MsJwk) k2 = jwk_ok (ops_ok);
  g_autofree char *es_alg = rsa_jwk_text (pkey, "r1", ",\"alg\":\"ES256\"");
  jwk_fails (es_alg, "names an EC algorithm");
  g_autofree char *oaep = rsa_jwk_text (pkey, "r1", ",\"alg\":\"RSA-OAEP\"");
  jwk_fails (oaep, "algorithm is not accepted");
  jwk_fails ("{\"kty\":\"RSA\",\"e\":\"AQAB\"}", "no \"n\"");
  jwk_fails ("{\"kty\":\"RSA\",\"n\":\"!!\",\"e\":\"AQAB\"}", "not base64url");
  jwk_fails ("{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}", "symmetric");
  jwk_fails ("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AA\"}", "not RSA or EC");
  jwk_fails ("{\"n\":\"AQAB\"}", "no \"kty\"");
  jwk_fails ("{\"kty\":7}", "wrong type");
  EVP_PKEY_free (pkey);

  /* too small */
  EVP_PKEY *small = EVP_RSA_gen (1024);
  g_autofree char *small_text = rsa_jwk_text (small, "s", NULL);
  jwk_fails (small_text, "1024 bits");
  EVP_PKEY_free (small);
}

static void
test_ec (void **state)
{
  (void) state;
  struct { const char *crv, *group, *alg; gsize coord; } c[] = {
    { "P-256", "P-256", "ES256", 32 }, { "P-384", "P-384", "ES384", 48 }, { "P-521", "P-521", "ES512", 66 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    {
      EVP_PKEY *pkey = EVP_EC_gen (c[i].group);
      assert_non_null (pkey);
      g_autofree char *text = ec_jwk_text (pkey, c[i].crv, c[i].coord, "e1", FALSE);
      g_autoptr (MsJwk) k = jwk_ok (text);
      assert_int_equal (k->type, MS_JWK_EC);
      assert_string_equal (k->curve, c[i].crv);
      g_autofree char *t = sign_token (pkey, c[i].alg, "e1", c[i].coord);
      verify_ok (t, k);
      /* another curve's algorithm, an RSA one */
      const char *other = i == 0 ? "{\"alg\":\"ES384\"}" : "{\"alg\":\"ES256\"}";
      g_autofree char *t2 = with_header (t, other);
      verify_fails (t2, k, "does not fit its key");
      g_autofree char *t3 = with_header (t, "{\"alg\":\"RS256\"}");
      verify_fails (t3, k, "does not fit its key");
      /* a flipped bit of the signature; a signature of the wrong length */
      g_autofree char *flip = g_strdup (t);
      char *last = flip + strlen (flip) - 2;
      *last = *last == 'A' ? 'B' : 'A';
      verify_fails (flip, k, "signature is not valid");
      g_autofree char *cut = truncated (t, 1);
      verify_fails (cut, k, "signature is not valid");
      /* a point off the curve */
      g_autofree char *off = ec_jwk_text (pkey, c[i].crv, c[i].coord, "e1", TRUE);
      g_autoptr (JsonObject) o = object (off);
      g_autoptr (MsJwk) none = ms_jwk_from_json (o, NULL);
      assert_null (none);
      EVP_PKEY_free (pkey);
    }
  jwk_fails ("{\"kty\":\"EC\",\"crv\":\"P-192\",\"x\":\"AA\",\"y\":\"AA\"}", "curve");
  jwk_fails ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}", "32 bytes");
  jwk_fails ("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\",\"alg\":\"ES384\"}",
             "does not fit its curve");
}

static void
test_jwks_parse (void **state)
{
  (void) state;
  EVP_PKEY *rsa = EVP_RSA_gen (2048);
  EVP_PKEY *ec = EVP_EC_gen ("P-256");
  g_autofree char *r = rsa_jwk_text (rsa, "r", NULL);
  g_autofree char *e = ec_jwk_text (ec, "P-256", 32, "e", FALSE);
  g_autofree char *doc = g_strdup_printf ("{\"keys\":[%s,{\"kty\":\"oct\",\"k\":\"AA\"},7,%s]}", r, e);
  g_autoptr (GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) keys = ms_jwks_parse (doc, strlen (doc), skipped, NULL);
  assert_non_null (keys);
  assert_int_equal (keys->len, 2);
  assert_string_equal (((MsJwk *) keys->pdata[0])->kid, "r");
  assert_string_equal (((MsJwk *) keys->pdata[1])->kid, "e");
  assert_int_equal (skipped->len, 2);
  assert_string_equal (skipped->pdata[1], "key 2: not a JSON object");
  assert_non_null (strstr (skipped->pdata[0], "key 1: "));
  EVP_PKEY_free (rsa);
  EVP_PKEY_free (ec);

  g_autoptr (GError) err = NULL;
  const char *bad[] = { "", "[]", "{}", "{\"keys\":{}}", "{\"keys\":[] ", "nul\0" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_clear_error (&err);
      g_autoptr (GPtrArray) none = ms_jwks_parse (bad[i], strlen (bad[i]) + (i == 5), NULL, &err);
      if (none != NULL)
        fail_msg ("'%s' was accepted", bad[i]);
    }
  g_autoptr (GPtrArray) empty = ms_jwks_parse ("{\"keys\":[]}", 11, NULL, NULL);
  assert_non_null (empty);
  assert_int_equal (empty->len, 0);
  GString *many = g_string_new ("{\"keys\":[");
  for (int i = 0; i <= MS_JWKS_MAX_KEYS; i++)
    g_string_append (many, i ? ",{}" : "{}");
  g_string_append (many, "]}");
  g_clear_error (&err);
  g_autoptr (GPtrArray) too_many = ms_jwks_parse (many->str, many->len, NULL, &err);
  assert_null (too_many);
  assert_non_null (strstr (err->message, "more than"));
  g_string_free (many, TRUE);
  g_clear_error (&err);
  g_autoptr (GPtrArray) big = ms_jwks_parse ("{}", MS_JWKS_MAX_BYTES + 1, NULL, &err);
  assert_null (big);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_b64url),
    cmocka_unit_test (test_hs256_known_answer),
    cmocka_unit_test (test_hs256_sign_verify),
    cmocka_unit_test (test_parse_errors),
    cmocka_unit_test (test_claims),
    cmocka_unit_test (test_rsa),
    cmocka_unit_test (test_ec),
    cmocka_unit_test (test_jwks_parse),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
