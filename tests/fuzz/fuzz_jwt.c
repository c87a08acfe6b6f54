/*
 * fuzz_jwt.c: libFuzzer target for the JWT/JWK code (auth/jwt.c). The
 * input is a JWK Set document and a token separated by the first NUL byte
 * (no NUL: the whole input is tried as both). The JWKS is parsed (keys
 * built with OpenSSL, unusable ones skipped); the token is parsed, its
 * claims checked, its HS256 MAC checked against a fixed key and its
 * signature against every key of the set. Invariants (abort otherwise):
 *  - base64url is canonical: whatever decodes re-encodes to the same text,
 *    and encoding then decoding gives the input back;
 *  - a parsed token's claims, signed again with HS256, parse and verify
 *    under that key and no other (unless they hold a number too large for
 *    a double, which json-glib 1.6 prints as "inf.0").
 * Must never crash, leak or warn.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/jwt.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const guint8 key[] = "fuzz key of thirty-two bytes....";

static void
check_b64url (const char *text, gsize len)
{
  gsize n = 0;
  g_autofree guint8 *raw = ms_b64url_decode (text, len, &n);
  if (raw != NULL)
    {
      g_autofree char *again = ms_b64url_encode (raw, n);
      if (strlen (again) != len || memcmp (again, text, len) != 0)
        {
          fprintf (stderr, "base64url is not canonical for '%.*s'\n", (int) len, text);
          abort ();
        }
    }
  g_autofree char *enc = ms_b64url_encode ((const guint8 *) text, len);
  gsize m = 0;
  g_autofree guint8 *back = ms_b64url_decode (enc, strlen (enc), &m);
  if (back == NULL || m != len || memcmp (back, text, len) != 0)
    {
      fprintf (stderr, "base64url does not round-trip %zu bytes\n", len);
      abort ();
    }
}

/* Whether 'n' holds a number json-glib read as an infinite double (1e400):
 * json-glib 1.6 prints that as "inf.0", which is not JSON. */
static gboolean
has_infinity (JsonNode *n)
{
  if (JSON_NODE_HOLDS_VALUE (n))
    return json_node_get_value_type (n) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (n));
  if (JSON_NODE_HOLDS_ARRAY (n))
    {
      JsonArray *a = json_node_get_array (n);
      for (guint i = 0; i < json_array_get_length (a); i++)
        if (has_infinity (json_array_get_element (a, i)))
          return TRUE;
    }
  if (JSON_NODE_HOLDS_OBJECT (n))
    {
      g_autoptr (GList) values = json_object_get_values (json_node_get_object (n));
      for (GList *l = values; l != NULL; l = l->next)
        if (has_infinity (l->data))
          return TRUE;
    }
  return FALSE;
}

static void
check_token (const char *token, GPtrArray *keys)
{
  g_autoptr (MsJwt) jwt = ms_jwt_parse (token, NULL);
  if (jwt == NULL)
    return;
  (void) ms_jwt_claim_string (jwt, "sub");
  gint64 t;
  (void) ms_jwt_claim_time (jwt, "exp", &t);
  MsJwtExpect x = { 1700000000, 60, "idp", "ms" };
  (void) ms_jwt_check_claims (jwt, &x, NULL);
  MsJwtExpect open = { 1700000000, 0, NULL, NULL };
  (void) ms_jwt_check_claims (jwt, &open, NULL);
  (void) ms_jwt_verify_hs256 (jwt, key, sizeof key - 1, NULL);
  for (guint i = 0; keys && i < keys->len; i++)
    (void) ms_jwt_verify_jwk (jwt, g_ptr_array_index (keys, i), NULL);

  if (has_infinity (jwt->claims))
    return;                    /* claims json-glib cannot print (the server signs only its own) */
  g_autofree char *signed_again = ms_jwt_sign_hs256 (json_node_get_object (jwt->claims), key,
                                                     sizeof key - 1);
  if (strlen (signed_again) > MS_JWT_MAX_TOKEN_BYTES)
    return;                    /* the claims grew when printed again */
  g_autoptr (MsJwt) again = ms_jwt_parse (signed_again, NULL);
  if (again == NULL || !ms_jwt_verify_hs256 (again, key, sizeof key - 1, NULL)
      || ms_jwt_verify_hs256 (again, key, sizeof key - 2, NULL))
    {
      fprintf (stderr, "re-signed claims do not verify: %s\n", signed_again);
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 65536)
    return 0;
  const char *text = (const char *) data;
  const char *nul = memchr (text, 0, size);
  gsize jwks_len = nul ? (gsize) (nul - text) : size;
  const char *tok = nul ? nul + 1 : text;
  gsize tok_len = nul ? size - jwks_len - 1 : size;

  g_autoptr (GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) keys = ms_jwks_parse (text, jwks_len, skipped, NULL);
  g_autofree char *token = g_strndup (tok, tok_len);
  check_token (token, keys);
  check_b64url (tok, tok_len);
  return 0;
}
