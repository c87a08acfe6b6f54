/*
 * oauth.c: authentication on the Iceberg REST door.
 *
 * POST /v1/oauth/tokens is the spec's (deprecated, still what Iceberg's
 * Java client, Spark, Trino and PyIceberg call by default) OAuth2 token
 * endpoint: a form-encoded OAuthTokenRequest in, an OAuthTokenResponse or
 * an OAuthError out (RFC 6749 section 5, RFC 8693).
 *  - grant_type=client_credentials: the client authenticates with
 *    client_id/client_secret in the body (what Iceberg's clients send) or
 *    HTTP Basic (not both); it gets an HS256 access token of this server
 *    with the scopes it asks for: "catalog" (every route; the default) and
 *    "sign" (the .../sign routes only: what Iceberg's Java S3 signer asks
 *    for). Any other scope is refused.
 *  - grant_type=urn:ietf:params:oauth:grant-type:token-exchange: how
 *    Iceberg's Java client refreshes. With client credentials (Basic, as
 *    it sends them for an expired token) the client gets a new token; else
 *    the subject_token must be a valid token of this server whose client is
 *    still configured, and the same client gets a fresh one with the
 *    scopes asked for, all of which the subject token must hold (catalog
 *    holds sign), or the subject token's own; a subject token with neither
 *    scope is refused (an exchange never widens what the subject token
 *    grants).
 * The endpoint answers whatever rest.auth says: with no clients configured
 * it refuses every request with unauthorized_client.
 *
 * Failed client authentications are slowed down per client address and
 * per configured client id (auth/throttle.h): past the limit, the endpoint
 * answers 401 invalid_client with Retry-After and checks nothing.
 *
 * ice_auth_check_or_reply guards every other route when rest.auth
 * resolves to oauth: a missing or refused Bearer token is 401
 * NotAuthorizedException with WWW-Authenticate: Bearer (RFC 6750), a valid
 * token without the catalog scope 403 ForbiddenException (on the sign
 * routes the sign scope is enough). Tokens are never logged.
 */
#include "iceberg/internal.h"
#include "core/log.h"
#include <string.h>

#define REALM "Bearer realm=\"metastore\""
#define GRANT_CLIENT_CREDENTIALS "client_credentials"
#define GRANT_TOKEN_EXCHANGE "urn:ietf:params:oauth:grant-type:token-exchange"
#define TOKEN_TYPE_ACCESS "urn:ietf:params:oauth:token-type:access_token"
#define TOKEN_TYPE_JWT "urn:ietf:params:oauth:token-type:jwt"

/* ---- replies ---- */

static void
no_store (MsHttpResponse *resp)
{
  ms_http_response_header (resp, "Cache-Control", "no-store");
  ms_http_response_header (resp, "Pragma", "no-cache");
}

/* The spec's OAuthError {error, error_description}. */
static void
oauth_error (MsHttpResponse *resp, int status, const char *code, const char *description)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "error", code);
  json_object_set_string_member (o, "error_description", description);
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, status, n);
  no_store (resp);
  ms_debug ("REST: token request refused: %s: %s", code, description);
}

/* ---- scopes ---- */

enum { SCOPE_CATALOG = 1 << 0, SCOPE_SIGN = 1 << 1 };

/* The scopes a "scope" parameter asks for (0: none asked); FALSE when it
 * asks for one this server does not grant. */
static gboolean
scopes_asked (const char *scope, guint *out)
{
  g_auto (GStrv) parts = g_strsplit (scope ? scope : "", " ", -1);
  *out = 0;
  for (char **p = parts; *p; p++)
    if (g_str_equal (*p, MS_AUTH_SCOPE))
      *out |= SCOPE_CATALOG;
    else if (g_str_equal (*p, MS_AUTH_SCOPE_SIGN))
      *out |= SCOPE_SIGN;
    else if (**p != '\0')
      return FALSE;
  return TRUE;
}

/* The scopes a token of this server names. */
static guint
scopes_held (const MsAuthIdentity *who)
{
  return (who->catalog_scope ? SCOPE_CATALOG : 0) | (who->sign_scope ? SCOPE_SIGN : 0);
}

static const char *
scope_text (guint scopes)
{
  if (scopes == SCOPE_SIGN)
    return MS_AUTH_SCOPE_SIGN;
  return (scopes & SCOPE_SIGN) ? MS_AUTH_SCOPE " " MS_AUTH_SCOPE_SIGN : MS_AUTH_SCOPE;
}

static void
token_reply (const IceCall *call, MsHttpResponse *resp, const char *client, guint scopes)
{
  gint64 expires_in = 0;
  const char *scope = scope_text (scopes);
  g_autofree char *token = ms_auth_issue_token_scoped (call->ice->auth, client, scope,
                                                       &expires_in);
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "access_token", token);
  json_object_set_string_member (o, "token_type", "bearer");
  json_object_set_int_member (o, "expires_in", expires_in);
  json_object_set_string_member (o, "issued_token_type", TOKEN_TYPE_ACCESS);
  json_object_set_string_member (o, "scope", scope);
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, 200, n);
  no_store (resp);
  ms_info ("REST: access token issued to client '%s' (scope '%s', %" G_GINT64_FORMAT " s)",
           client, scope, expires_in);
}

/* ---- the request ---- */

/* The form body as a table; FALSE (with a reason) when it is malformed or
 * repeats a parameter (RFC 6749 section 3.2). */
static GHashTable *
parse_form (const MsHttpRequest *req, const char **reason)
{
  g_autoptr (GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *ct = ms_http_request_header (req, "Content-Type");
  if (ct != NULL && g_ascii_strncasecmp (ct, "application/x-www-form-urlencoded", 33) != 0)
    {
      *reason = "the request body must be application/x-www-form-urlencoded";
      return NULL;
    }
  if (req->body == NULL)
    return g_steal_pointer (&params);
  GUriParamsIter it;
  g_uri_params_iter_init (&it, req->body, (gssize) req->body_len, "&", G_URI_PARAMS_WWW_FORM);
  char *k = NULL, *v = NULL;
  g_autoptr (GError) err = NULL;
  while (g_uri_params_iter_next (&it, &k, &v, &err))
    {
      if (k == NULL)
        break;
      if (g_hash_table_contains (params, k))
        {
          g_free (k);
          g_free (v);
          *reason = "a parameter is repeated";
          return NULL;
        }
      g_hash_table_insert (params, k, v);
    }
  if (err != NULL)
    {
      *reason = "the form body is malformed";
      return NULL;
    }
  return g_steal_pointer (&params);
}

/* Client credentials from "Authorization: Basic base64(id:secret)" (taken
 * as sent, as Iceberg's clients and curl -u send them). FALSE when the
 * header is not Basic; *malformed when it is but cannot be read. */
static gboolean
basic_credentials (const char *header, char **id, char **secret, gboolean *malformed)
{
  *malformed = FALSE;
  if (header == NULL || g_ascii_strncasecmp (header, "Basic ", 6) != 0)
    return FALSE;
  const char *b64 = header + 6;
  while (*b64 == ' ')
    b64++;
  *malformed = TRUE;
  if (*b64 == '\0' || strlen (b64) > 4096)
    return TRUE;
  gsize n = 0;
  g_autofree guchar *raw = g_base64_decode (b64, &n);
  if (raw == NULL || n == 0 || memchr (raw, 0, n) != NULL)
    return TRUE;
  g_autofree char *text = g_strndup ((const char *) raw, n);
  char *colon = strchr (text, ':');
  if (colon == NULL || !g_utf8_validate (text, -1, NULL))
    return TRUE;
  *colon = '\0';
  *id = g_strdup (text);
  *secret = g_strdup (colon + 1);
  memset (text, 0, n);
  *malformed = FALSE;
  return TRUE;
}

/* ---- slowing down guesses ---- */

/* Seconds a client must wait before its credentials are checked again:
 * too many failures from its address, or for its (configured) client id.
 * Unknown ids are counted by address only, so the table stays small. */
static gint64
guess_wait_s (MsAuth *auth, const char *addr, const char *id)
{
  gint64 now = g_get_monotonic_time (), wait = 0;
  if (auth->guesses_by_address != NULL)
    wait = ms_throttle_blocked_us (auth->guesses_by_address, addr, now);
  if (auth->guesses_by_client != NULL && id != NULL && g_hash_table_contains (auth->clients, id))
    wait = MAX (wait, ms_throttle_blocked_us (auth->guesses_by_client, id, now));
  return wait == 0 ? 0 : (wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
}

static void
guess_record (MsAuth *auth, const char *addr, const char *id, gboolean ok)
{
  gint64 now = g_get_monotonic_time ();
  gboolean known = id != NULL && g_hash_table_contains (auth->clients, id);
  if (auth->guesses_by_address != NULL)
    {
      if (ok)
        ms_throttle_succeeded (auth->guesses_by_address, addr);
      else
        ms_throttle_failed (auth->guesses_by_address, addr, now);
    }
  if (auth->guesses_by_client != NULL && known)
    {
      if (ok)
        ms_throttle_succeeded (auth->guesses_by_client, id);
      else
        ms_throttle_failed (auth->guesses_by_client, id, now);
    }
}

void
ice_oauth_tokens (const IceCall *call, MsHttpResponse *resp)
{
  const MsHttpRequest *req = call->req;
  MsAuth *auth = call->ice->auth;
  const char *reason = NULL;
  g_autoptr (GHashTable) form = parse_form (req, &reason);
  if (form == NULL)
    return oauth_error (resp, 400, "invalid_request", reason);
  const char *grant = g_hash_table_lookup (form, "grant_type");
  if (grant == NULL)
    return oauth_error (resp, 400, "invalid_request", "grant_type is required");
  gboolean exchange = g_str_equal (grant, GRANT_TOKEN_EXCHANGE);
  if (!exchange && !g_str_equal (grant, GRANT_CLIENT_CREDENTIALS))
    return oauth_error (resp, 400, "unsupported_grant_type",
                        "grant_type must be client_credentials or "
                        "urn:ietf:params:oauth:grant-type:token-exchange");
  if (auth == NULL || g_hash_table_size (auth->clients) == 0)
    return oauth_error (resp, 400, "unauthorized_client",
                        "this server issues no tokens: no client is configured "
                        "(rest.oauth.clients)");

  /* client authentication: Basic or the body, not both */
  g_autofree char *basic_id = NULL;
  g_autofree char *basic_secret = NULL;
  gboolean malformed = FALSE;
  gboolean basic = basic_credentials (req->authorization, &basic_id, &basic_secret, &malformed);
  const char *body_id = g_hash_table_lookup (form, "client_id");
  const char *body_secret = g_hash_table_lookup (form, "client_secret");
  if (malformed)
    {
      ms_http_response_header (resp, "WWW-Authenticate", "Basic realm=\"metastore\"");
      return oauth_error (resp, 401, "invalid_client",
                          "the Authorization: Basic header cannot be read");
    }
  if (basic && (body_secret != NULL || (body_id != NULL && !g_str_equal (body_id, basic_id))))
    return oauth_error (resp, 400, "invalid_request",
                        "client credentials must be sent once: in the Authorization header "
                        "or in the body");
  const char *id = basic ? basic_id : body_id;
  const char *secret = basic ? basic_secret : body_secret;
  gboolean authenticated = FALSE;
  if (secret != NULL || basic)
    {
      char addr[64];
      ms_http_request_peer_address (req, addr, sizeof addr);
      gint64 wait = guess_wait_s (auth, addr, id);
      if (wait > 0)
        {
          /* nothing is checked while blocked: guessing gains nothing */
          g_autofree char *after = g_strdup_printf ("%" G_GINT64_FORMAT, wait);
          g_autofree char *d = g_strdup_printf ("too many failed client authentications: try "
                                                "again in %s s", after);
          ms_http_response_header (resp, "Retry-After", after);
          return oauth_error (resp, 401, "invalid_client", d);
        }
      gboolean ok = id != NULL && ms_auth_client_check (auth, id, secret);
      guess_record (auth, addr, id, ok);
      if (!ok)
        {
          if (basic)
            ms_http_response_header (resp, "WWW-Authenticate", "Basic realm=\"metastore\"");
          return oauth_error (resp, 401, "invalid_client",
                              id == NULL ? "client authentication failed: client_id is required"
                                         : "client authentication failed");
        }
      authenticated = TRUE;
    }
  guint asked = 0;
  if (!scopes_asked (g_hash_table_lookup (form, "scope"), &asked))
    return oauth_error (resp, 400, "invalid_scope",
                        "the scopes this server grants are '" MS_AUTH_SCOPE "' and '"
                        MS_AUTH_SCOPE_SIGN "'");

  if (!exchange)
    {
      if (!authenticated)
        return oauth_error (resp, 401, "invalid_client",
                            "client authentication failed: client_id and client_secret are "
                            "required");
      return token_reply (call, resp, id, asked ? asked : SCOPE_CATALOG);
    }

  const char *subject = g_hash_table_lookup (form, "subject_token");
  const char *subject_type = g_hash_table_lookup (form, "subject_token_type");
  if (subject == NULL || subject_type == NULL)
    return oauth_error (resp, 400, "invalid_request",
                        "subject_token and subject_token_type are required");
  if (!g_str_equal (subject_type, TOKEN_TYPE_ACCESS) && !g_str_equal (subject_type, TOKEN_TYPE_JWT))
    return oauth_error (resp, 400, "invalid_request",
                        "subject_token_type must be an access token or a JWT");
  if (authenticated)           /* a client renewing with its credentials */
    return token_reply (call, resp, id, asked ? asked : SCOPE_CATALOG);
  g_autoptr (GError) err = NULL;
  g_autoptr (MsAuthIdentity) who = ms_auth_verify_own (auth, subject, &err);
  if (who == NULL)
    {
      g_autofree char *d = g_strdup_printf ("the subject token is not valid: %s", err->message);
      return oauth_error (resp, 400, "invalid_grant", d);
    }
  if (!g_hash_table_contains (auth->clients, who->subject))
    return oauth_error (resp, 400, "invalid_grant",
                        "the subject token's client is no longer configured");
  guint held = scopes_held (who);
  guint may = held | ((held & SCOPE_CATALOG) ? SCOPE_SIGN : 0);   /* catalog holds sign */
  if (held == 0 || (asked & ~may) != 0)      /* an exchange never widens scope */
    return oauth_error (resp, 400, "invalid_scope",
                        "the subject token does not grant the scope asked for, and an "
                        "exchange never grants more than its subject token holds");
  token_reply (call, resp, who->subject, asked ? asked : held);
}

/* ---- Bearer tokens on every other route ---- */

/* The token of "Authorization: Bearer <token>", or NULL. */
static char *
bearer_token (const char *header)
{
  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  char *t = g_strstrip (g_strdup (header + 7));
  if (*t == '\0')
    {
      g_free (t);
      return NULL;
    }
  return t;
}

gboolean
ice_auth_check_or_reply (IceCall *call, MsHttpResponse *resp, gboolean signing)
{
  MsAuth *auth = call->ice->auth;
  if (!ms_auth_required (auth))
    return TRUE;
  g_autofree char *token = bearer_token (call->req->authorization);
  if (token == NULL)
    {
      ice_reply_fail (resp, ICE_ERROR_NOT_AUTHORIZED,
                      "Authentication required: send Authorization: Bearer <token>, a token "
                      "from POST /v1/oauth/tokens or from the identity provider");
      ms_http_response_header (resp, "WWW-Authenticate", REALM);
      return FALSE;
    }
  g_autoptr (GError) err = NULL;
  g_autoptr (MsAuthIdentity) who = ms_auth_verify_route (auth, token, signing, &err);
  if (who != NULL)
    {
      ms_debug ("REST: %s request authenticated as '%s'", call->req->method,
                who->subject ? who->subject : "(no subject)");
      g_free (call->principal);
      call->principal = g_strdup (who->subject);
      return TRUE;
    }
  int code = err->domain == MS_AUTH_ERROR ? err->code : MS_AUTH_ERROR_INVALID;
  ms_debug ("REST: Bearer token refused: %s", err->message);
  if (code == MS_AUTH_ERROR_FORBIDDEN)
    {
      ice_reply_fail (resp, ICE_ERROR_FORBIDDEN, "Forbidden: %s", err->message);
      ms_http_response_header (resp, "WWW-Authenticate",
                                   REALM ", error=\"insufficient_scope\", scope=\"" MS_AUTH_SCOPE
                                   "\"");
    }
  else if (code == MS_AUTH_ERROR_UNAVAILABLE)
    ice_reply_fail (resp, ICE_ERROR_SERVICE_UNAVAILABLE, "Cannot check the token now: %s",
                    err->message);
  else
    {
      ice_reply_fail (resp, ICE_ERROR_NOT_AUTHORIZED, "Invalid bearer token: %s",
                      err->message);
      ms_http_response_header (resp, "WWW-Authenticate", REALM ", error=\"invalid_token\"");
    }
  return FALSE;
}
