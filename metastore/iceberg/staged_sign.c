/*
 * staged_sign.c: remote signing for a table being staged. A stage-create
 * stores nothing (the table appears with the commit that carries
 * assert-create), yet a client such as Spark's CREATE TABLE AS SELECT
 * writes the table's files before that commit, through the signer endpoint
 * the stage-create reply gave it. That endpoint then carries a pass in its
 * query, "staged=<until>.<mac>.<location>": the table location the reply
 * named (base64url), when the pass stops being good (Unix seconds), and an
 * HMAC-SHA256 over the catalog, the namespace levels, the table name, the
 * principal and both of those, under the key of the tokens this server
 * issues (rest.oauth.token_secret: the same on every replica), or a key of
 * this process without authentication. A sign request for a table that
 * does not exist is signed under the pass's location only when the pass is
 * good for that route and principal; without one it is 404 as before.
 */
#include "iceberg/internal.h"
#include <string.h>

/* How long a stage-create's pass is good (a long CREATE TABLE AS SELECT). */
#define STAGED_PASS_S (24 * 3600)

static void
key_of (const IceCall *call, const guint8 **key, gsize *len)
{
  MsAuth *auth = call->ice->auth;
  if (auth != NULL && auth->token_key != NULL)
    {
      *key = auth->token_key;
      *len = auth->token_key_len;
      return;
    }
  *key = call->ice->stage_key;
  *len = sizeof call->ice->stage_key;
}

/* The MAC of a pass for table 'name' of the path's namespace. */
static char *
pass_mac (const IceCall *call, const char *name, const char *until, const char *location)
{
  GString *in = g_string_new (call->catalog ? call->catalog : "");
  g_string_append_c (in, '\n');
  for (char **l = call->ns; l && *l; l++)
    g_string_append_printf (in, "%s\x1f", *l);
  g_string_append_printf (in, "\n%s\n%s\n%s\n%s", name, call->principal ? call->principal : "",
                          until, location);
  const guint8 *key = NULL;
  gsize len = 0;
  key_of (call, &key, &len);
  char *mac = g_compute_hmac_for_data (G_CHECKSUM_SHA256, key, len, (const guchar *) in->str,
                                       in->len);
  g_string_free (in, TRUE);
  return mac;
}

static char *
b64url (const char *text)
{
  char *s = g_base64_encode ((const guchar *) text, strlen (text));
  for (char *p = s; *p; p++)
    *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
  char *eq = strchr (s, '=');
  if (eq)
    *eq = '\0';
  return s;
}

static char *
b64url_decode (const char *text)
{
  gsize n = strlen (text);
  if (n > 8192 || strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                          "0123456789-_") != n)
    return NULL;
  GString *s = g_string_new (text);
  for (char *p = s->str; *p; p++)
    *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
  while (s->len % 4)
    g_string_append_c (s, '=');
  gsize out = 0;
  guchar *raw = g_base64_decode (s->str, &out);
  g_string_free (s, TRUE);
  if (raw == NULL || out == 0 || memchr (raw, 0, out) != NULL || !g_utf8_validate ((char *) raw, out, NULL))
    {
      g_free (raw);
      return NULL;
    }
  char *t = g_strndup ((char *) raw, out);
  g_free (raw);
  return t;
}

char *
ice_staged_pass (const IceCall *call, const char *name, const char *location)
{
  g_autofree char *until = g_strdup_printf ("%" G_GINT64_FORMAT,
                                            g_get_real_time () / G_USEC_PER_SEC + STAGED_PASS_S);
  g_autofree char *mac = pass_mac (call, name, until, location);
  g_autofree char *loc = b64url (location);
  return g_strdup_printf ("%s.%s.%s", until, mac, loc);
}

char *
ice_staged_pass_location (const IceCall *call, const char *name, const char *pass)
{
  if (pass == NULL)
    return NULL;
  g_auto (GStrv) parts = g_strsplit (pass, ".", 4);
  if (g_strv_length (parts) != 3)
    return NULL;
  char *end = NULL;
  gint64 until = g_ascii_strtoll (parts[0], &end, 10);
  if (end == parts[0] || *end != '\0' || until < g_get_real_time () / G_USEC_PER_SEC)
    return NULL;
  g_autofree char *location = b64url_decode (parts[2]);
  if (location == NULL)
    return NULL;
  g_autofree char *want = pass_mac (call, name, parts[0], location);
  /* compared in constant time */
  gsize n = strlen (want);
  if (strlen (parts[1]) != n)
    return NULL;
  guint diff = 0;
  for (gsize i = 0; i < n; i++)
    diff |= (guchar) want[i] ^ (guchar) parts[1][i];
  return diff == 0 ? g_steal_pointer (&location) : NULL;
}
