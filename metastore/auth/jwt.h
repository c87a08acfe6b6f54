/*
 * jwt.h: JSON Web Tokens (RFC 7519) and JSON Web Keys (RFC 7517) on
 * cjose, with no I/O: base64url, parsing a compact JWS, signing and
 * checking HS256 (the tokens this server issues), checking RS256/384/512,
 * PS256/384/512 and ES256/384/512 with public keys built from a JWK Set
 * (an identity provider's), and the time, issuer and audience claims.
 *
 * Safety rules kept here, not by callers: "alg" comes from an allow-list
 * ("none" is never accepted), HMAC is only ever checked against the
 * server's own secret and never with a public key, a key is used only for
 * an algorithm of its own type (and the JWK's "alg" when it names one),
 * RSA keys have at least 2048 bits, EC points are checked to be on their
 * curve, and signatures and MACs are compared in constant time. Sizes are
 * bounded before anything is decoded.
 */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>
#include <cjose/jwk.h>

#define MS_JWT_MAX_TOKEN_BYTES (16 * 1024)
#define MS_JWKS_MAX_BYTES (1024 * 1024)
#define MS_JWKS_MAX_KEYS 100

/* ---- base64url (RFC 4648 section 5, no padding) ---- */

/* The unpadded base64url text of 'len' bytes. */
char *ms_b64url_encode (const guint8 *data, gsize len);
/* The bytes of unpadded base64url text, or NULL when it is not canonical
 * base64url (padding, other characters, a stray last character, non-zero
 * unused bits). The result holds one NUL byte past *out_len. */
guint8 *ms_b64url_decode (const char *text, gsize len, gsize *out_len);

/* ---- tokens ---- */

typedef struct {
  char *alg;                   /* the header's "alg" */
  char *kid;                   /* the header's "kid", or NULL */
  JsonNode *header;            /* the decoded header (an object) */
  JsonNode *claims;            /* the decoded payload (an object) */
  char *signing_input;         /* "<header>.<payload>" as sent */
  gsize signing_input_len;
  guint8 *signature;
  gsize signature_len;
  char *compact;               /* the whole token */
} MsJwt;

/* A compact JWS split and decoded: three base64url parts, a JSON object
 * header with a string "alg" and no "crit", a JSON object payload. Nothing
 * is verified yet. MS_ERROR_INVALID_INPUT with a short reason otherwise. */
MsJwt *ms_jwt_parse (const char *token, GError **error);
void ms_jwt_free (MsJwt *jwt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsJwt, ms_jwt_free)

/* A string claim, or NULL when absent or not a string. */
const char *ms_jwt_claim_string (const MsJwt *jwt, const char *name);
/* A NumericDate claim (whole seconds; a fraction is cut off): FALSE when
 * absent or not a number. */
gboolean ms_jwt_claim_time (const MsJwt *jwt, const char *name, gint64 *out);

/* A new HS256 token of 'claims' signed with 'key'. */
char *ms_jwt_sign_hs256 (JsonObject *claims, const guint8 *key, gsize key_len);
/* Is 'jwt' an HS256 token whose MAC 'key' made? */
gboolean ms_jwt_verify_hs256 (const MsJwt *jwt, const guint8 *key, gsize key_len, GError **error);

/* What the claims must hold. */
typedef struct {
  gint64 now;                  /* seconds since the epoch */
  gint64 leeway_s;             /* clock skew allowed on exp and nbf */
  const char *issuer;          /* "iss" must equal it; NULL: not checked */
  const char *audience;        /* "aud" (a string or an array) must hold it; NULL: not checked */
} MsJwtExpect;

/* "exp" is required and must be in the future, "nbf" (when present) in
 * the past, "iat" (when present) not in the future, modulo the leeway;
 * then the issuer and audience. */
gboolean ms_jwt_check_claims (const MsJwt *jwt, const MsJwtExpect *expect, GError **error);

/* ---- JSON Web Keys ---- */

typedef enum { MS_JWK_RSA, MS_JWK_EC } MsJwkType;

typedef struct {
  char *kid;                   /* NULL when the JWK has none */
  char *alg;                   /* the JWK's "alg", or NULL */
  MsJwkType type;
  char *curve;                 /* EC: "P-256", "P-384", "P-521" */
  cjose_jwk_t *key;
} MsJwk;

void ms_jwk_free (MsJwk *jwk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsJwk, ms_jwk_free)

/* One public signing key from a JWK object: kty RSA (n, e) or EC (crv, x,
 * y). "use" other than "sig", private members ("d", ...), kty "oct" and
 * anything else unsupported are refused with a reason. */
MsJwk *ms_jwk_from_json (JsonObject *jwk, GError **error);

/* The usable keys of a JWK Set document {"keys": [...]} as a new array of
 * MsJwk (freeing them). Keys that cannot be used are skipped, a reason for
 * each ("key 2: ...") added to 'skipped' (strings; may be NULL); a
 * document that is not a JWK Set, or is larger than MS_JWKS_MAX_BYTES or
 * has more than MS_JWKS_MAX_KEYS keys, fails. */
GPtrArray *ms_jwks_parse (const char *text, gsize len, GPtrArray *skipped, GError **error);

/* Is 'alg' one of the asymmetric algorithms accepted from JWKS keys? */
gboolean ms_jwt_alg_is_public (const char *alg);
/* Does 'jwt' carry a valid signature of 'jwk' for its "alg"? Fails when
 * the algorithm is not allowed, does not fit the key's type, curve or
 * "alg", or the signature is wrong. */
gboolean ms_jwt_verify_jwk (const MsJwt *jwt, const MsJwk *jwk, GError **error);
