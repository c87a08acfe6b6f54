/*
 * auth.h: authentication of the REST door. One MsAuth per server, made in
 * main.c from the rest.auth* and rest.oauth.* keys: whether Bearer tokens
 * are required, the OAuth2 clients that may get tokens (client_credentials),
 * the HMAC key of the tokens this server issues (HS256 JWTs, auth.c), and
 * the JWKS of an external OpenID Connect provider whose JWTs are accepted
 * too (jwks.c: fetched lazily with libcurl, cached). Shared by the REST
 * listener's threads: everything here is thread-safe. Secrets and tokens
 * are never logged.
 */
#pragma once
#include <glib.h>
#include "core/config.h"
#include "auth/jwt.h"

/* The scope this server grants by default and every route requires (the
 * spec's OAuth2 scheme). */
#define MS_AUTH_SCOPE "catalog"
/* The narrower scope Iceberg's remote S3 signer asks for: it opens the
 * .../sign routes only. The catalog scope opens them too. */
#define MS_AUTH_SCOPE_SIGN "sign"
/* Clock skew allowed on exp/nbf/iat. */
#define MS_AUTH_LEEWAY_S 60

#define MS_AUTH_ERROR (ms_auth_error_quark ())
GQuark ms_auth_error_quark (void);

typedef enum {
  MS_AUTH_ERROR_MISSING,       /* no Bearer token: 401 */
  MS_AUTH_ERROR_INVALID,       /* a token that is not accepted: 401 */
  MS_AUTH_ERROR_FORBIDDEN,     /* a valid token without the scope the route needs: 403 */
  MS_AUTH_ERROR_UNAVAILABLE,   /* the identity provider's keys cannot be fetched: 503 */
} MsAuthErrorCode;

typedef enum { MS_AUTH_NONE, MS_AUTH_OAUTH } MsAuthMode;

/* rest.auth resolved: "none", "oauth", or "auto" = none on the embedded
 * default database, oauth on a configured database.url. FALSE for any
 * other text. */
gboolean ms_auth_mode_resolve (const char *configured, gboolean embedded_default,
                               MsAuthMode *out);

/* Who a token speaks for. */
typedef struct {
  char *subject;               /* "sub" */
  char *issuer;                /* "iss" */
  gboolean own;                /* issued by this server */
  gboolean catalog_scope;      /* its "scope" claim holds MS_AUTH_SCOPE */
  gboolean sign_scope;         /* ... holds MS_AUTH_SCOPE_SIGN */
} MsAuthIdentity;

void ms_auth_identity_free (MsAuthIdentity *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsAuthIdentity, ms_auth_identity_free)

/* ---- the context (auth.c) ---- */

typedef struct _MsJwks MsJwks;
#include "auth/throttle.h"

/* Failed client authentications at the token endpoint: 10 from one
 * address or 20 for one client id within a minute block further tries
 * (nothing is checked meanwhile) for a second, doubling with each further
 * failure up to 15 minutes for an address and 1 minute for a client id
 * (a client id's block also holds its rightful owner out, so it stays short). */
#define MS_AUTH_GUESS_WINDOW_US (60 * G_USEC_PER_SEC)
#define MS_AUTH_GUESS_BLOCK_US G_USEC_PER_SEC

typedef struct {
  MsAuthMode mode;
  GHashTable *clients;         /* client id -> SHA-256 of its secret (32 bytes) */
  guint8 *token_key;           /* HMAC key of issued tokens */
  gsize token_key_len;
  gboolean token_key_random;   /* made up at start: tokens die with the process */
  int token_ttl_s;
  char *issuer;                /* "iss" of issued tokens */
  MsJwks *jwks;                /* NULL: no external identity provider */
  char *jwt_issuer;            /* required "iss" of external JWTs, or NULL */
  char *jwt_audience;          /* required "aud" of external JWTs, or NULL */
  MsThrottle *guesses_by_address;   /* failed client authentications per address */
  MsThrottle *guesses_by_client;    /* ... and per client id */
} MsAuth;

/* From the configuration; 'embedded_default' tells how rest.auth=auto
 * resolves. Fails on a malformed rest.oauth.clients, a token_secret
 * shorter than 32 bytes, a JWKS URL that is not http(s), or rest.auth=oauth
 * with neither clients nor a JWKS URL. Logs the outcome (never a secret).
 * Call it before other threads use libcurl (it initialises libcurl when a
 * JWKS URL is configured). */
MsAuth *ms_auth_new (const MsConfig *cfg, gboolean embedded_default, GError **error);
void ms_auth_free (MsAuth *auth);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsAuth, ms_auth_free)

/* Must every request but the token endpoint carry a valid token? */
gboolean ms_auth_required (const MsAuth *auth);

/* Parse rest.oauth.clients ("id:secret,id2:sha256:<hex>") into a table of
 * id -> SHA-256 digest. */
GHashTable *ms_auth_parse_clients (const char *text, GError **error);

/* Is (id, secret) a configured client? The digests are compared in
 * constant time, and an unknown id costs the same as a wrong secret. */
gboolean ms_auth_client_check (const MsAuth *auth, const char *id, const char *secret);

/* A new access token of this server for 'subject' (HS256 JWT with iss,
 * sub, iat, exp, scope); *expires_in is its lifetime in seconds. */
char *ms_auth_issue_token (const MsAuth *auth, const char *subject, gint64 *expires_in);
/* The same with the given "scope" claim (space-separated scopes). */
char *ms_auth_issue_token_scoped (const MsAuth *auth, const char *subject, const char *scope,
                                  gint64 *expires_in);

/* A token of this server checked (MAC, iss, exp/nbf/iat), whatever the
 * mode: for token exchange. MS_AUTH_ERROR_INVALID otherwise. */
MsAuthIdentity *ms_auth_verify_own (const MsAuth *auth, const char *token, GError **error);

/* An access token checked: one of this server's (HS256), or, with a JWKS
 * configured, an RS/PS/ES-signed JWT of the identity provider (key by
 * "kid", exp/nbf/iat, rest.auth.jwt_issuer, rest.auth.jwt_audience). A
 * token of this server must carry the catalog scope (403 otherwise). */
MsAuthIdentity *ms_auth_verify (MsAuth *auth, const char *token, GError **error);
/* The same for a route; 'signing': the route signs storage requests, where a
 * token of this server with the sign scope only is accepted too. */
MsAuthIdentity *ms_auth_verify_route (MsAuth *auth, const char *token, gboolean signing,
                                      GError **error);

/* ---- the identity provider's JWKS (jwks.c) ---- */

/* How the JWKS document is fetched: its bytes, or NULL with an error.
 * The default uses libcurl; the unit tests pass their own. */
typedef GBytes *(*MsJwksFetch) (const char *url, gpointer user, GError **error);

/* Keys from 'url' (http or https), fetched on first use; fetched again
 * when a token names an unknown "kid" or the cache is 'ttl_s' old, but
 * never twice within 'refetch_s'. 'fetch' NULL: libcurl. */
MsJwks *ms_jwks_new (const char *url, int refetch_s, int ttl_s, MsJwksFetch fetch,
                     gpointer fetch_user, GError **error);
void ms_jwks_free (MsJwks *jwks);

/* The current keys (a new reference to an array of MsJwk), fetching first
 * when there are none yet, when 'kid' is not among them or when they are
 * stale, as the rate limit allows; concurrent callers wait for one fetch.
 * MS_AUTH_ERROR_UNAVAILABLE when no keys could ever be fetched. */
GPtrArray *ms_jwks_keys (MsJwks *jwks, const char *kid, GError **error);

/* How many fetches were attempted (for tests and logs). */
guint ms_jwks_fetch_count (MsJwks *jwks);
