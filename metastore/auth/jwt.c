/*
 * jwt.c: JWT parsing and claim checks on json-glib; keys, signatures and
 * MACs on cjose (Debian's libcjose, the JOSE library of mod_auth_openidc):
 * JWK import (its EC import refuses points off the curve), JWS signature
 * and MAC checks (in constant time), HS256 signing, base64url. What is
 * accepted stays decided here, before cjose is asked (see jwt.h for the
 * rules): the algorithm allow-list, a key only for its own type, curve and
 * "alg", RSA sizes and exponents, canonical base64url, sizes bounded.
 * Pure functions of their inputs: no I/O, no clock (the caller passes
 * "now"), no state, so the fuzz target and the unit tests drive them
 * directly. Every failure is MS_ERROR_INVALID_INPUT with a short reason
 * meant for the client; no reason quotes the token, a key or a secret.
 */
#include "auth/jwt.h"
#include "core/error.h"
#include "core/json_text.h"
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <cjose/cjose.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cjose_jws_t, cjose_jws_release)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cjose_jwk_t, cjose_jwk_release)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cjose_header_t, cjose_header_release)

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

char *
ms_b64url_encode (const guint8 *data, gsize len)
{
  char *enc = NULL;
  size_t enc_len = 0;
  cjose_err err;
  if (!cjose_base64url_encode (data, len, &enc, &enc_len, &err))
    g_error ("base64url encoding failed: %s", err.message);   /* only out of memory */
  char *out = g_strndup (enc, enc_len);
  free (enc);
  return out;
}

guint8 *
ms_b64url_decode (const char *text, gsize len, gsize *out_len)
{
  /* only the URL-safe alphabet, no padding; cjose is more lenient */
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
      return NULL;
  if (len % 4 == 1)
    return NULL;
  uint8_t *raw = NULL;
  size_t n = 0;
  cjose_err err;
  if (!cjose_base64url_decode (text, len, &raw, &n, &err))
    return NULL;
  guint8 *out = g_malloc (n + 1);
  memcpy (out, raw, n);
  out[n] = 0;
  free (raw);
  /* canonical: the unused bits of the last character are zero, so
   * encoding the bytes again gives the text back */
  g_autofree char *again = ms_b64url_encode (out, n);
  if (strlen (again) != len || memcmp (again, text, len) != 0)
    {
      g_free (out);
      return NULL;
    }
  *out_len = n;
  return out;
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
  g_free (jwt->compact);
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
  jwt->compact = g_strndup (token, len);
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

/* The cjose JWK of an HMAC key. */
static cjose_jwk_t *
oct_key (const guint8 *key, gsize key_len)
{
  cjose_err err;
  cjose_jwk_t *jwk = cjose_jwk_create_oct_spec (key, key_len, &err);
  if (jwk == NULL)
    g_error ("cannot make an HMAC key: %s", err.message);   /* only out of memory */
  return jwk;
}

char *
ms_jwt_sign_hs256 (JsonObject *claims, const guint8 *key, gsize key_len)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, claims);
  g_autofree char *payload = json_text (node);
  g_autoptr (cjose_jwk_t) jwk = oct_key (key, key_len);
  cjose_err err;
  g_autoptr (cjose_header_t) header = cjose_header_new (&err);
  if (header == NULL || !cjose_header_set (header, CJOSE_HDR_ALG, CJOSE_HDR_ALG_HS256, &err)
      || !cjose_header_set (header, "typ", "JWT", &err))
    g_error ("cannot make a JWS header: %s", err.message);   /* only out of memory */
  g_autoptr (cjose_jws_t) jws = cjose_jws_sign (jwk, header, (const uint8_t *) payload,
                                                strlen (payload), &err);
  const char *compact = NULL;
  if (jws == NULL || !cjose_jws_export (jws, &compact, &err))
    g_error ("HS256 signing failed: %s", err.message);   /* only out of memory */
  return g_strdup (compact);
}

/* Does cjose find the signature or MAC of 'jwt' valid under 'jwk'? */
static gboolean
cjose_verifies (const MsJwt *jwt, const cjose_jwk_t *jwk, GError **error)
{
  cjose_err err;
  g_autoptr (cjose_jws_t) jws = cjose_jws_import (jwt->compact, strlen (jwt->compact), &err);
  gboolean ok = jws != NULL && cjose_jws_verify (jws, jwk, &err);
  ERR_clear_error ();          /* OpenSSL's per-thread queue: nothing left behind */
  if (!ok)
    return bad (error, "the token's signature is not valid");
  return TRUE;
}

gboolean
ms_jwt_verify_hs256 (const MsJwt *jwt, const guint8 *key, gsize key_len, GError **error)
{
  if (!g_str_equal (jwt->alg, "HS256"))
    return bad (error, "the token's algorithm is not HS256");
  if (jwt->signature_len != 32)
    return bad (error, "the token's signature is not valid");
  g_autoptr (cjose_jwk_t) jwk = oct_key (key, key_len);
  return cjose_verifies (jwt, jwk, error);
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
  const char *curve;           /* EC only */
} AlgInfo;

static const AlgInfo algs[] = {
  { "RS256", MS_JWK_RSA, NULL }, { "RS384", MS_JWK_RSA, NULL }, { "RS512", MS_JWK_RSA, NULL },
  { "PS256", MS_JWK_RSA, NULL }, { "PS384", MS_JWK_RSA, NULL }, { "PS512", MS_JWK_RSA, NULL },
  { "ES256", MS_JWK_EC, "P-256" }, { "ES384", MS_JWK_EC, "P-384" }, { "ES512", MS_JWK_EC, "P-521" },
};

typedef struct {
  const char *crv;             /* JOSE name */
  gsize coord;                 /* bytes per coordinate */
} Curve;

static const Curve curves[] = {
  { "P-256", 32 },
  { "P-384", 48 },
  { "P-521", 66 },
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
  cjose_jwk_release (jwk->key);
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

/* The cjose key of the public JWK text 'text' (members checked already). */
static cjose_jwk_t *
import_key (const char *text, const char *type, GError **error)
{
  cjose_err err;
  cjose_jwk_t *key = cjose_jwk_import (text, strlen (text), &err);
  ERR_clear_error ();
  if (key == NULL)
    return bad (error, "the %s key is not valid", type), NULL;
  return key;
}

/* Whether the big-endian integer 'b' (its 'len' bytes) is an RSA public
 * exponent: odd and greater than one. */
static gboolean
exponent_ok (const guint8 *b, gsize len)
{
  gboolean above_one = FALSE;
  for (gsize i = 0; i + 1 < len; i++)
    above_one |= b[i] != 0;
  return (b[len - 1] & 1) != 0 && (above_one || b[len - 1] > 1);
}

static cjose_jwk_t *
rsa_key (JsonObject *o, GError **error)
{
  gsize nlen = 0, elen = 0;
  g_autofree guint8 *n = member_bytes (o, "n", MAX_RSA_BITS / 8 + 1, &nlen, error);
  if (n == NULL)
    return NULL;
  g_autofree guint8 *e = member_bytes (o, "e", 8, &elen, error);
  if (e == NULL)
    return NULL;
  gsize lead = 0;
  while (lead < nlen && n[lead] == 0)
    lead++;
  int bits = lead == nlen ? 0 : (int) (nlen - lead - 1) * 8 + g_bit_storage (n[lead]);
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS)
    return bad (error, "the RSA key has %d bits (%d to %d are accepted)", bits, MIN_RSA_BITS,
                MAX_RSA_BITS), NULL;
  if ((n[nlen - 1] & 1) == 0)
    return bad (error, "the RSA key's modulus is not valid"), NULL;
  if (!exponent_ok (e, elen))
    return bad (error, "the RSA key's exponent is not valid"), NULL;
  g_autofree char *text = g_strdup_printf ("{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"}",
                                           json_object_get_string_member (o, "n"),
                                           json_object_get_string_member (o, "e"));
  return import_key (text, "RSA", error);
}

static cjose_jwk_t *
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
  g_autofree char *text =
    g_strdup_printf ("{\"kty\":\"EC\",\"crv\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}", curve->crv,
                     json_object_get_string_member (o, "x"), json_object_get_string_member (o, "y"));
  return import_key (text, "EC", error);
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
      jwk->key = rsa_key (o, error);
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
      jwk->key = ec_key (o, curve, error);
    }
  else
    return bad (error, "the key type is not RSA or EC"), NULL;
  if (jwk->key == NULL)
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
  /* the precheck keeps json-glib from the inputs it leaks on */
  if (!ms_json_precheck (text, len, MS_JSON_MAX_DEPTH, &local)
      || !json_parser_load_from_data (parser, text, (gssize) len, &local))
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

gboolean
ms_jwt_verify_jwk (const MsJwt *jwt, const MsJwk *jwk, GError **error)
{
  const AlgInfo *ai = find_alg (jwt->alg);
  if (ai == NULL)
    return bad (error, "the token's algorithm is not accepted");
  if (ai->type != jwk->type || (jwk->alg != NULL && !g_str_equal (jwk->alg, jwt->alg))
      || (ai->curve != NULL && g_strcmp0 (ai->curve, jwk->curve) != 0))
    return bad (error, "the token's algorithm does not fit its key");
  /* an ECDSA signature is r||s, each as long as a coordinate; an RSA one
   * as long as the modulus */
  cjose_err err;
  gsize want = ai->type == MS_JWK_EC ? 2 * find_curve (ai->curve)->coord
                                     : (cjose_jwk_get_keysize (jwk->key, &err) + 7) / 8;
  if (jwt->signature_len != want)
    return bad (error, "the token's signature is not valid");
  return cjose_verifies (jwt, jwk->key, error);
}
