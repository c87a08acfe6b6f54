/*
 * jwt.c: JWT parsing, HS256 signing and checking, JWK -> EVP_PKEY and
 * RS/PS/ES signature checks, claim checks (see jwt.h for the rules). Pure
 * functions of their inputs: no I/O, no clock (the caller passes "now"),
 * no state, so the fuzz target and the unit tests drive them directly.
 * Every failure is MS_ERROR_INVALID_INPUT with a short reason meant for
 * the client; no reason quotes the token, a key or a secret.
 */
#include "auth/jwt.h"
#include "core/error.h"
#include "core/json_text.h"
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_PARAM_BLD, OSSL_PARAM_BLD_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_PARAM, OSSL_PARAM_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ECDSA_SIG, ECDSA_SIG_free)

#define MIN_RSA_BITS 2048
#define MAX_RSA_BITS 16384

static gboolean
bad (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
bad (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  ERR_clear_error ();          /* OpenSSL's per-thread queue: nothing left behind */
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "%s", msg);
}

/* ---- base64url ---- */

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
ms_b64url_encode (const guint8 *data, gsize len)
{
  GString *out = g_string_sized_new (len / 3 * 4 + 4);
  gsize i = 0;
  for (; i + 3 <= len; i += 3)
    {
      guint32 v = (guint32) data[i] << 16 | (guint32) data[i + 1] << 8 | data[i + 2];
      g_string_append_c (out, b64url_alphabet[(v >> 18) & 63]);
      g_string_append_c (out, b64url_alphabet[(v >> 12) & 63]);
      g_string_append_c (out, b64url_alphabet[(v >> 6) & 63]);
      g_string_append_c (out, b64url_alphabet[v & 63]);
    }
  if (len - i == 1)
    {
      guint32 v = (guint32) data[i] << 16;
      g_string_append_c (out, b64url_alphabet[(v >> 18) & 63]);
      g_string_append_c (out, b64url_alphabet[(v >> 12) & 63]);
    }
  else if (len - i == 2)
    {
      guint32 v = (guint32) data[i] << 16 | (guint32) data[i + 1] << 8;
      g_string_append_c (out, b64url_alphabet[(v >> 18) & 63]);
      g_string_append_c (out, b64url_alphabet[(v >> 12) & 63]);
      g_string_append_c (out, b64url_alphabet[(v >> 6) & 63]);
    }
  return g_string_free (out, FALSE);
}

static int
b64url_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

guint8 *
ms_b64url_decode (const char *text, gsize len, gsize *out_len)
{
  if (len % 4 == 1 || len > G_MAXSIZE / 3)
    return NULL;
  gsize n = len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1);
  g_autofree guint8 *out = g_malloc (n + 1);
  gsize o = 0;
  guint32 acc = 0;
  int bits = 0;
  for (gsize i = 0; i < len; i++)
    {
      int v = b64url_value (text[i]);
      if (v < 0)
        return NULL;
      acc = (acc << 6) | (guint32) v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[o++] = (guint8) (acc >> bits);
          acc &= (1u << bits) - 1;
        }
    }
  if (acc != 0)                /* unused low bits of the last character */
    return NULL;
  g_assert (o == n);
  out[n] = 0;
  *out_len = n;
  return g_steal_pointer (&out);
}

/* ---- tokens ---- */

void
ms_jwt_free (MsJwt *jwt)
{
  if (jwt == NULL)
    return;
  g_free (jwt->alg);
  g_free (jwt->kid);
  if (jwt->header)
    json_node_unref (jwt->header);
  if (jwt->claims)
    json_node_unref (jwt->claims);
  g_free (jwt->signing_input);
  g_free (jwt->signature);
  g_free (jwt);
}

/* A base64url part decoded and parsed as a JSON object, or NULL. */
static JsonNode *
decode_object (const char *part, gsize len, const char *what, GError **error)
{
  gsize n = 0;
  g_autofree guint8 *raw = ms_b64url_decode (part, len, &n);
  if (raw == NULL)
    return bad (error, "the token's %s is not base64url", what), NULL;
  /* the precheck also keeps json-glib from the inputs it leaks on */
  if (memchr (raw, 0, n) != NULL || !g_utf8_validate ((const char *) raw, (gssize) n, NULL)
      || !ms_json_precheck ((const char *) raw, n, MS_JSON_MAX_DEPTH, NULL))
    return bad (error, "the token's %s is not JSON text", what), NULL;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, (const char *) raw, (gssize) n, NULL))
    return bad (error, "the token's %s is not JSON", what), NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return bad (error, "the token's %s is not a JSON object", what), NULL;
  return json_node_ref (root);
}

MsJwt *
ms_jwt_parse (const char *token, GError **error)
{
  gsize len = token ? strnlen (token, MS_JWT_MAX_TOKEN_BYTES + 1) : 0;
  if (len == 0)
    return bad (error, "the token is empty"), NULL;
  if (len > MS_JWT_MAX_TOKEN_BYTES)
    return bad (error, "the token is longer than %d bytes", MS_JWT_MAX_TOKEN_BYTES), NULL;
  const char *dot1 = memchr (token, '.', len);
  const char *dot2 = dot1 ? memchr (dot1 + 1, '.', len - (gsize) (dot1 + 1 - token)) : NULL;
  if (dot2 == NULL || memchr (dot2 + 1, '.', len - (gsize) (dot2 + 1 - token)) != NULL)
    return bad (error, "the token is not a JWT (three base64url parts)"), NULL;

  g_autoptr (MsJwt) jwt = g_new0 (MsJwt, 1);
  jwt->header = decode_object (token, (gsize) (dot1 - token), "header", error);
  if (jwt->header == NULL)
    return NULL;
  JsonObject *h = json_node_get_object (jwt->header);
  JsonNode *alg = json_object_get_member (h, "alg");
  if (alg == NULL || !JSON_NODE_HOLDS_VALUE (alg) || json_node_get_value_type (alg) != G_TYPE_STRING)
    return bad (error, "the token's header has no \"alg\""), NULL;
  if (json_object_has_member (h, "crit"))
    return bad (error, "the token's header has critical extensions (\"crit\")"), NULL;
  JsonNode *kid = json_object_get_member (h, "kid");
  if (kid != NULL && (!JSON_NODE_HOLDS_VALUE (kid) || json_node_get_value_type (kid) != G_TYPE_STRING))
    return bad (error, "the token's \"kid\" is not a string"), NULL;
  jwt->alg = g_strdup (json_node_get_string (alg));
  jwt->kid = kid ? g_strdup (json_node_get_string (kid)) : NULL;

  jwt->claims = decode_object (dot1 + 1, (gsize) (dot2 - dot1 - 1), "payload", error);
  if (jwt->claims == NULL)
    return NULL;
  jwt->signature = ms_b64url_decode (dot2 + 1, len - (gsize) (dot2 + 1 - token), &jwt->signature_len);
  if (jwt->signature == NULL)
    return bad (error, "the token's signature is not base64url"), NULL;
  jwt->signing_input_len = (gsize) (dot2 - token);
  jwt->signing_input = g_strndup (token, jwt->signing_input_len);
  return g_steal_pointer (&jwt);
}

const char *
ms_jwt_claim_string (const MsJwt *jwt, const char *name)
{
  JsonNode *n = json_object_get_member (json_node_get_object (jwt->claims), name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

gboolean
ms_jwt_claim_time (const MsJwt *jwt, const char *name, gint64 *out)
{
  JsonNode *n = json_object_get_member (json_node_get_object (jwt->claims), name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  GType t = json_node_get_value_type (n);
  if (t == G_TYPE_INT64)
    {
      *out = json_node_get_int (n);
      return TRUE;
    }
  if (t == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (n);
      if (!isfinite (d) || d > 9007199254740992.0 || d < -9007199254740992.0)
        return FALSE;
      *out = (gint64) d;        /* toward zero */
      return TRUE;
    }
  return FALSE;
}

static char *
json_text (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

static gboolean
hmac_sha256 (const guint8 *key, gsize key_len, const char *data, gsize len, guint8 out[32])
{
  unsigned int out_len = 0;
  return HMAC (EVP_sha256 (), key, (int) key_len, (const unsigned char *) data, len, out, &out_len)
         != NULL && out_len == 32;
}

char *
ms_jwt_sign_hs256 (JsonObject *claims, const guint8 *key, gsize key_len)
{
  static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, claims);
  g_autofree char *payload = json_text (node);
  g_autofree char *h64 = ms_b64url_encode ((const guint8 *) header, strlen (header));
  g_autofree char *p64 = ms_b64url_encode ((const guint8 *) payload, strlen (payload));
  g_autofree char *input = g_strconcat (h64, ".", p64, NULL);
  guint8 mac[32];
  if (!hmac_sha256 (key, key_len, input, strlen (input), mac))
    g_error ("HMAC-SHA256 failed");   /* only on allocation failure inside OpenSSL */
  g_autofree char *s64 = ms_b64url_encode (mac, sizeof mac);
  OPENSSL_cleanse (mac, sizeof mac);
  return g_strconcat (input, ".", s64, NULL);
}

gboolean
ms_jwt_verify_hs256 (const MsJwt *jwt, const guint8 *key, gsize key_len, GError **error)
{
  if (!g_str_equal (jwt->alg, "HS256"))
    return bad (error, "the token's algorithm is not HS256");
  guint8 mac[32];
  if (!hmac_sha256 (key, key_len, jwt->signing_input, jwt->signing_input_len, mac))
    return bad (error, "cannot compute the token's MAC");
  gboolean ok = jwt->signature_len == sizeof mac
                && CRYPTO_memcmp (mac, jwt->signature, sizeof mac) == 0;
  OPENSSL_cleanse (mac, sizeof mac);
  if (!ok)
    return bad (error, "the token's signature is not valid");
  return TRUE;
}

static gboolean
audience_holds (JsonNode *aud, const char *want)
{
  if (JSON_NODE_HOLDS_VALUE (aud))
    return json_node_get_value_type (aud) == G_TYPE_STRING
           && g_strcmp0 (json_node_get_string (aud), want) == 0;
  if (!JSON_NODE_HOLDS_ARRAY (aud))
    return FALSE;
  JsonArray *a = json_node_get_array (aud);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING
          && g_strcmp0 (json_node_get_string (e), want) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
ms_jwt_check_claims (const MsJwt *jwt, const MsJwtExpect *x, GError **error)
{
  JsonObject *c = json_node_get_object (jwt->claims);
  gint64 exp, nbf, iat;
  if (!ms_jwt_claim_time (jwt, "exp", &exp))
    return bad (error, json_object_has_member (c, "exp") ? "the token's \"exp\" is not a number"
                                                         : "the token has no expiry (\"exp\")");
  if (x->now >= exp + x->leeway_s)
    return bad (error, "the token has expired");
  if (json_object_has_member (c, "nbf"))
    {
      if (!ms_jwt_claim_time (jwt, "nbf", &nbf))
        return bad (error, "the token's \"nbf\" is not a number");
      if (x->now + x->leeway_s < nbf)
        return bad (error, "the token is not valid yet (\"nbf\")");
    }
  if (json_object_has_member (c, "iat"))
    {
      if (!ms_jwt_claim_time (jwt, "iat", &iat))
        return bad (error, "the token's \"iat\" is not a number");
      if (iat > x->now + x->leeway_s)
        return bad (error, "the token was issued in the future (\"iat\")");
    }
  if (x->issuer != NULL && g_strcmp0 (ms_jwt_claim_string (jwt, "iss"), x->issuer) != 0)
    return bad (error, "the token's issuer (\"iss\") is not the one expected");
  if (x->audience != NULL)
    {
      JsonNode *aud = json_object_get_member (c, "aud");
      if (aud == NULL || !audience_holds (aud, x->audience))
        return bad (error, "the token's audience (\"aud\") is not this server");
    }
  return TRUE;
}

/* ---- JSON Web Keys ---- */

typedef struct {
  const char *alg;
  MsJwkType type;
  const char *digest;
  gboolean pss;
  const char *curve;           /* EC only */
} AlgInfo;

static const AlgInfo algs[] = {
  { "RS256", MS_JWK_RSA, "SHA256", FALSE, NULL },
  { "RS384", MS_JWK_RSA, "SHA384", FALSE, NULL },
  { "RS512", MS_JWK_RSA, "SHA512", FALSE, NULL },
  { "PS256", MS_JWK_RSA, "SHA256", TRUE, NULL },
  { "PS384", MS_JWK_RSA, "SHA384", TRUE, NULL },
  { "PS512", MS_JWK_RSA, "SHA512", TRUE, NULL },
  { "ES256", MS_JWK_EC, "SHA256", FALSE, "P-256" },
  { "ES384", MS_JWK_EC, "SHA384", FALSE, "P-384" },
  { "ES512", MS_JWK_EC, "SHA512", FALSE, "P-521" },
};

typedef struct {
  const char *crv;             /* JOSE name */
  const char *group;           /* OpenSSL name */
  gsize coord;                 /* bytes per coordinate */
} Curve;

static const Curve curves[] = {
  { "P-256", "prime256v1", 32 },
  { "P-384", "secp384r1", 48 },
  { "P-521", "secp521r1", 66 },
};

static const AlgInfo *
find_alg (const char *alg)
{
  for (guint i = 0; alg && i < G_N_ELEMENTS (algs); i++)
    if (g_str_equal (algs[i].alg, alg))
      return &algs[i];
  return NULL;
}

static const Curve *
find_curve (const char *crv)
{
  for (guint i = 0; crv && i < G_N_ELEMENTS (curves); i++)
    if (g_str_equal (curves[i].crv, crv))
      return &curves[i];
  return NULL;
}

gboolean
ms_jwt_alg_is_public (const char *alg)
{
  return find_alg (alg) != NULL;
}

void
ms_jwk_free (MsJwk *jwk)
{
  if (jwk == NULL)
    return;
  g_free (jwk->kid);
  g_free (jwk->alg);
  g_free (jwk->curve);
  EVP_PKEY_free (jwk->pkey);
  g_free (jwk);
}

/* A string member, NULL when absent; *ok FALSE when present but not a string. */
static const char *
member_string (JsonObject *o, const char *name, gboolean *ok)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      *ok = FALSE;
      return NULL;
    }
  return json_node_get_string (n);
}

/* A base64url member decoded, length-bounded. */
static guint8 *
member_bytes (JsonObject *o, const char *name, gsize max, gsize *len, GError **error)
{
  gboolean ok = TRUE;
  const char *s = member_string (o, name, &ok);
  if (s == NULL)
    return bad (error, "the key has no \"%s\"", name), NULL;
  gsize slen = strlen (s);
  if (slen > max / 3 * 4 + 4)
    return bad (error, "the key's \"%s\" is too long", name), NULL;
  guint8 *b = ms_b64url_decode (s, slen, len);
  if (b == NULL || *len == 0)
    {
      g_free (b);
      return bad (error, "the key's \"%s\" is not base64url", name), NULL;
    }
  return b;
}

static EVP_PKEY *
pkey_from_params (const char *type, OSSL_PARAM_BLD *bld, GError **error)
{
  g_autoptr (OSSL_PARAM) params = OSSL_PARAM_BLD_to_param (bld);
  g_autoptr (EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_name (NULL, type, NULL);
  EVP_PKEY *pkey = NULL;
  if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init (ctx) <= 0
      || EVP_PKEY_fromdata (ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0 || pkey == NULL)
    return bad (error, "the %s key is not valid", type), NULL;
  g_autoptr (EVP_PKEY) owned = pkey;
  g_autoptr (EVP_PKEY_CTX) check = EVP_PKEY_CTX_new_from_pkey (NULL, pkey, NULL);
  if (check == NULL || EVP_PKEY_public_check (check) != 1)
    return bad (error, "the %s key does not pass OpenSSL's public key check", type), NULL;
  return g_steal_pointer (&owned);
}

static EVP_PKEY *
rsa_key (JsonObject *o, GError **error)
{
  gsize nlen = 0, elen = 0;
  g_autofree guint8 *n = member_bytes (o, "n", MAX_RSA_BITS / 8 + 1, &nlen, error);
  if (n == NULL)
    return NULL;
  g_autofree guint8 *e = member_bytes (o, "e", 8, &elen, error);
  if (e == NULL)
    return NULL;
  g_autoptr (BIGNUM) bn_n = BN_bin2bn (n, (int) nlen, NULL);
  g_autoptr (BIGNUM) bn_e = BN_bin2bn (e, (int) elen, NULL);
  if (bn_n == NULL || bn_e == NULL)
    return bad (error, "the RSA key cannot be read"), NULL;
  int bits = BN_num_bits (bn_n);
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS)
    return bad (error, "the RSA key has %d bits (%d to %d are accepted)", bits, MIN_RSA_BITS,
                MAX_RSA_BITS), NULL;
  if (!BN_is_odd (bn_e) || BN_is_one (bn_e))
    return bad (error, "the RSA key's exponent is not valid"), NULL;
  g_autoptr (OSSL_PARAM_BLD) bld = OSSL_PARAM_BLD_new ();
  if (bld == NULL || !OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_RSA_N, bn_n)
      || !OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_RSA_E, bn_e))
    return bad (error, "the RSA key cannot be built"), NULL;
  return pkey_from_params ("RSA", bld, error);
}

static EVP_PKEY *
ec_key (JsonObject *o, const Curve *curve, GError **error)
{
  gsize xlen = 0, ylen = 0;
  g_autofree guint8 *x = member_bytes (o, "x", curve->coord, &xlen, error);
  if (x == NULL)
    return NULL;
  g_autofree guint8 *y = member_bytes (o, "y", curve->coord, &ylen, error);
  if (y == NULL)
    return NULL;
  if (xlen != curve->coord || ylen != curve->coord)
    return bad (error, "the %s key's coordinates are not %zu bytes long", curve->crv,
                curve->coord), NULL;
  g_autofree guint8 *point = g_malloc (1 + 2 * curve->coord);
  point[0] = 0x04;             /* uncompressed */
  memcpy (point + 1, x, curve->coord);
  memcpy (point + 1 + curve->coord, y, curve->coord);
  g_autoptr (OSSL_PARAM_BLD) bld = OSSL_PARAM_BLD_new ();
  if (bld == NULL
      || !OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, curve->group, 0)
      || !OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, point,
                                            1 + 2 * curve->coord))
    return bad (error, "the EC key cannot be built"), NULL;
  return pkey_from_params ("EC", bld, error);
}

MsJwk *
ms_jwk_from_json (JsonObject *o, GError **error)
{
  static const char *const private_members[] = { "d", "p", "q", "dp", "dq", "qi", "oth", "k" };
  gboolean ok = TRUE;
  const char *kty = member_string (o, "kty", &ok);
  const char *use = member_string (o, "use", &ok);
  const char *kid = member_string (o, "kid", &ok);
  const char *alg = member_string (o, "alg", &ok);
  const char *crv = member_string (o, "crv", &ok);
  if (!ok)
    return bad (error, "the key has a member of the wrong type"), NULL;
  if (kty == NULL)
    return bad (error, "the key has no \"kty\""), NULL;
  if (use != NULL && !g_str_equal (use, "sig"))
    return bad (error, "the key is not a signing key (\"use\": \"%s\")", use), NULL;
  for (guint i = 0; i < G_N_ELEMENTS (private_members); i++)
    if (json_object_has_member (o, private_members[i]))
      return bad (error, "the key holds private or symmetric material (\"%s\")",
                  private_members[i]), NULL;
  JsonNode *ops = json_object_get_member (o, "key_ops");
  if (ops != NULL)
    {
      gboolean verify = FALSE;
      if (JSON_NODE_HOLDS_ARRAY (ops))
        {
          JsonArray *a = json_node_get_array (ops);
          for (guint i = 0; i < json_array_get_length (a); i++)
            {
              JsonNode *e = json_array_get_element (a, i);
              verify |= JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING
                        && g_str_equal (json_node_get_string (e), "verify");
            }
        }
      if (!verify)
        return bad (error, "the key's \"key_ops\" do not include \"verify\""), NULL;
    }
  const AlgInfo *ai = NULL;
  if (alg != NULL && (ai = find_alg (alg)) == NULL)
    return bad (error, "the key's algorithm is not accepted"), NULL;

  g_autoptr (MsJwk) jwk = g_new0 (MsJwk, 1);
  if (g_str_equal (kty, "RSA"))
    {
      jwk->type = MS_JWK_RSA;
      if (ai != NULL && ai->type != MS_JWK_RSA)
        return bad (error, "the RSA key names an EC algorithm"), NULL;
      jwk->pkey = rsa_key (o, error);
    }
  else if (g_str_equal (kty, "EC"))
    {
      const Curve *curve = find_curve (crv);
      if (curve == NULL)
        return bad (error, "the EC key's curve is not P-256, P-384 or P-521"), NULL;
      if (ai != NULL && (ai->type != MS_JWK_EC || !g_str_equal (ai->curve, curve->crv)))
        return bad (error, "the EC key's algorithm does not fit its curve"), NULL;
      jwk->type = MS_JWK_EC;
      jwk->curve = g_strdup (curve->crv);
      jwk->pkey = ec_key (o, curve, error);
    }
  else
    return bad (error, "the key type is not RSA or EC"), NULL;
  if (jwk->pkey == NULL)
    return NULL;
  jwk->kid = g_strdup (kid);
  jwk->alg = g_strdup (alg);
  return g_steal_pointer (&jwk);
}

GPtrArray *
ms_jwks_parse (const char *text, gsize len, GPtrArray *skipped, GError **error)
{
  if (len > MS_JWKS_MAX_BYTES)
    return bad (error, "the JWKS is larger than %d bytes", MS_JWKS_MAX_BYTES), NULL;
  if (len == 0 || memchr (text, 0, len) != NULL)
    return bad (error, "the JWKS is not JSON text"), NULL;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local = NULL;
  if (!json_parser_load_from_data (parser, text, (gssize) len, &local))
    return bad (error, "the JWKS is not JSON: %s", local->message), NULL;
  JsonNode *root = json_parser_get_root (parser);
  JsonNode *keys = root && JSON_NODE_HOLDS_OBJECT (root)
                       ? json_object_get_member (json_node_get_object (root), "keys") : NULL;
  if (keys == NULL || !JSON_NODE_HOLDS_ARRAY (keys))
    return bad (error, "the JWKS has no \"keys\" array"), NULL;
  JsonArray *a = json_node_get_array (keys);
  if (json_array_get_length (a) > MS_JWKS_MAX_KEYS)
    return bad (error, "the JWKS has more than %d keys", MS_JWKS_MAX_KEYS), NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_jwk_free);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      g_autoptr (GError) why = NULL;
      MsJwk *jwk = JSON_NODE_HOLDS_OBJECT (e) ? ms_jwk_from_json (json_node_get_object (e), &why)
                                               : NULL;
      if (jwk != NULL)
        g_ptr_array_add (out, jwk);
      else if (skipped)
        g_ptr_array_add (skipped, g_strdup_printf ("key %u: %s", i, why ? why->message
                                                                       : "not a JSON object"));
    }
  ERR_clear_error ();
  return out;
}

/* The raw r||s of a JWS ECDSA signature as the DER OpenSSL verifies. */
static guint8 *
ecdsa_der (const guint8 *sig, gsize coord, int *der_len)
{
  g_autoptr (ECDSA_SIG) esig = ECDSA_SIG_new ();
  BIGNUM *r = BN_bin2bn (sig, (int) coord, NULL);
  BIGNUM *s = BN_bin2bn (sig + coord, (int) coord, NULL);
  if (esig == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0 (esig, r, s))
    {
      BN_free (r);
      BN_free (s);
      return NULL;
    }
  unsigned char *der = NULL;
  *der_len = i2d_ECDSA_SIG (esig, &der);
  if (*der_len <= 0)
    return NULL;
  guint8 *out = g_memdup2 (der, (gsize) *der_len);
  OPENSSL_free (der);
  return out;
}

gboolean
ms_jwt_verify_jwk (const MsJwt *jwt, const MsJwk *jwk, GError **error)
{
  const AlgInfo *ai = find_alg (jwt->alg);
  if (ai == NULL)
    return bad (error, "the token's algorithm is not accepted");
  if (ai->type != jwk->type || (jwk->alg != NULL && !g_str_equal (jwk->alg, jwt->alg))
      || (ai->curve != NULL && g_strcmp0 (ai->curve, jwk->curve) != 0))
    return bad (error, "the token's algorithm does not fit its key");

  const guint8 *sig = jwt->signature;
  gsize sig_len = jwt->signature_len;
  g_autofree guint8 *der = NULL;
  if (ai->type == MS_JWK_EC)
    {
      const Curve *curve = find_curve (ai->curve);
      int der_len = 0;
      if (sig_len != 2 * curve->coord || (der = ecdsa_der (sig, curve->coord, &der_len)) == NULL)
        return bad (error, "the token's signature is not valid");
      sig = der;
      sig_len = (gsize) der_len;
    }
  else if (sig_len != (gsize) EVP_PKEY_get_size (jwk->pkey))
    return bad (error, "the token's signature is not valid");

  g_autoptr (EVP_MD_CTX) md = EVP_MD_CTX_new ();
  EVP_PKEY_CTX *pctx = NULL;
  if (md == NULL
      || EVP_DigestVerifyInit_ex (md, &pctx, ai->digest, NULL, NULL, jwk->pkey, NULL) != 1)
    return bad (error, "cannot check the token's signature");
  if (ai->pss && (EVP_PKEY_CTX_set_rsa_padding (pctx, RSA_PKCS1_PSS_PADDING) <= 0
                  || EVP_PKEY_CTX_set_rsa_pss_saltlen (pctx, RSA_PSS_SALTLEN_DIGEST) <= 0))
    return bad (error, "cannot check the token's signature");
  if (EVP_DigestVerify (md, sig, sig_len, (const unsigned char *) jwt->signing_input,
                        jwt->signing_input_len) != 1)
    return bad (error, "the token's signature is not valid");
  return TRUE;
}
