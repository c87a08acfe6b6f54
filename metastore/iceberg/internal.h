/*
 * internal.h: what the files of the Iceberg REST door share: JSON replies,
 * the ErrorModel, namespace names, and the resource handlers the routing
 * table calls.
 */
#pragma once
#include "iceberg/iceberg.h"
#include "core/error.h"
#include <json-glib/json-glib.h>

/* A request routed: the door, the request, the namespace levels of the
 * path (NULL when the route has none). */
typedef struct {
  MsIceberg *ice;
  const MsHttpRequest *req;
  char **ns;                   /* namespace levels, NULL-terminated */
} IceCall;

/* ---- replies (errors.c) ---- */
/* 'root' (consumed) as the JSON body with 'status'. */
void ice_reply_json (MsHttpResponse *resp, int status, JsonNode *root);
/* An empty reply (204 and the like). */
void ice_reply_empty (MsHttpResponse *resp, int status);
/* The spec's IcebergErrorResponse {"error": {message, type, code}}. */
void ice_reply_error (MsHttpResponse *resp, int status, const char *type, const char *fmt, ...)
    G_GNUC_PRINTF (4, 5);
/* A model error (consumed) as its HTTP status and exception type; 'what'
 * names the object kind for NOT_FOUND / ALREADY_EXISTS ("namespace",
 * "table", "view"). */
void ice_reply_gerror (MsHttpResponse *resp, GError *err, const char *what);
/* The request body parsed as a JSON object, or NULL after answering 400. */
JsonObject *ice_body_object (const IceCall *call, MsHttpResponse *resp, JsonParser **parser);

/* ---- namespaces (namespaces.c) ---- */
/* The catalog and database a namespace names, or FALSE after answering
 * (400 for names the catalog cannot hold). */
gboolean ice_namespace_db (const IceCall *call, char **const ns, char **db, MsHttpResponse *resp);
JsonNode *ice_namespace_node (char **const levels);
void ice_namespaces_list (const IceCall *call, MsHttpResponse *resp);
void ice_namespace_create (const IceCall *call, MsHttpResponse *resp);
void ice_namespace_load (const IceCall *call, MsHttpResponse *resp);
void ice_namespace_exists (const IceCall *call, MsHttpResponse *resp);
void ice_namespace_drop (const IceCall *call, MsHttpResponse *resp);
void ice_namespace_properties (const IceCall *call, MsHttpResponse *resp);

/* ---- authentication (oauth.c) ---- */
/* Are the path segments after "v1" the token endpoint "oauth/tokens"? */
gboolean ice_oauth_is_token_path (char **segments);
/* POST /v1/oauth/tokens: OAuth2 client_credentials and token exchange,
 * answered with an OAuthTokenResponse or an OAuthError. */
void ice_oauth_tokens (const IceCall *call, MsHttpResponse *resp);
/* With authentication on, does the request carry a valid Bearer token?
 * FALSE after answering 401 NotAuthorizedException (with WWW-Authenticate),
 * 403 ForbiddenException or 503. */
gboolean ice_auth_check (const IceCall *call, MsHttpResponse *resp);
