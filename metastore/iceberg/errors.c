/*
 * errors.c: replies of the Iceberg REST door and its error table, the one
 * place where an error becomes an HTTP status and the spec's error type:
 * every error the door answers is an IceError (ICE_ERROR), a row of
 * error_table; errors of the model (MS_ERROR) and refusals of the listener
 * (MS_HTTP_ERROR) become IceErrors through model_table. Entry points:
 * ice_reply_fail (an IceError and a message), ice_reply_gerror (a GError),
 * and the request body as a JSON object (ice_body_object_or_reply).
 */
#include "iceberg/internal.h"
#include "core/log.h"
#include <stdarg.h>
#include <string.h>
#include "core/json_text.h"

void
ice_reply_json (MsHttpResponse *resp, int status, JsonNode *root)
{
  resp->status = status;
  g_free (resp->body);
  resp->body = ms_json_text (root, FALSE, NULL);
  resp->content_type = "application/json";
  json_node_unref (root);
}

void
ice_reply_empty (MsHttpResponse *resp, int status)
{
  resp->status = status;
  g_free (resp->body);
  resp->body = NULL;
}

/* ---- the error table ---- */

G_DEFINE_QUARK (ms-iceberg-error-quark, ice_error)

/* Every error the door answers: its HTTP status and the spec's type. */
static const struct {
  int status;
  const char *type;
} error_table[] = {
  [ICE_ERROR_BAD_REQUEST] = { 400, "BadRequestException" },
  [ICE_ERROR_ILLEGAL_ARGUMENT] = { 400, "IllegalArgumentException" },
  [ICE_ERROR_NOT_AUTHORIZED] = { 401, "NotAuthorizedException" },
  [ICE_ERROR_FORBIDDEN] = { 403, "ForbiddenException" },
  [ICE_ERROR_NO_SUCH_NAMESPACE] = { 404, "NoSuchNamespaceException" },
  [ICE_ERROR_NO_SUCH_TABLE] = { 404, "NoSuchTableException" },
  [ICE_ERROR_NO_SUCH_VIEW] = { 404, "NoSuchViewException" },
  [ICE_ERROR_NOT_FOUND] = { 404, "NotFoundException" },
  [ICE_ERROR_NO_SUCH_WAREHOUSE] = { 404, "NoSuchWarehouseException" },
  [ICE_ERROR_METHOD_NOT_ALLOWED] = { 405, "MethodNotAllowedException" },
  [ICE_ERROR_ALREADY_EXISTS] = { 409, "AlreadyExistsException" },
  [ICE_ERROR_NAMESPACE_NOT_EMPTY] = { 409, "NamespaceNotEmptyException" },
  [ICE_ERROR_COMMIT_FAILED] = { 409, "CommitFailedException" },
  /* Iceberg's clients know no exception of their own for 413 */
  [ICE_ERROR_PAYLOAD_TOO_LARGE] = { 413, "BadRequestException" },
  [ICE_ERROR_UNPROCESSABLE_ENTITY] = { 422, "UnprocessableEntityException" },
  [ICE_ERROR_INTERNAL] = { 500, "InternalServerError" },
  [ICE_ERROR_COMMIT_STATE_UNKNOWN] = { 500, "CommitStateUnknownException" },
  [ICE_ERROR_SERVICE_UNAVAILABLE] = { 503, "ServiceUnavailableException" },
};

/* The model error table: the door's error for an error of the model or
 * of the listener, by code and by what the call was about. The first row
 * of the error's domain and code whose 'about' the call has wins; an
 * error no row names is internal. Conflicts are 409, never 500; 500 is
 * kept for what truly failed inside. */
static const struct {
  GQuark (*domain) (void);
  int code;
  IceAbout about;              /* all of these, 0: any call */
  IceError error;
} model_table[] = {
  { ms_error_quark, MS_ERROR_NOT_FOUND, ICE_ABOUT_NAMESPACE, ICE_ERROR_NO_SUCH_NAMESPACE },
  { ms_error_quark, MS_ERROR_NOT_FOUND, ICE_ABOUT_VIEW, ICE_ERROR_NO_SUCH_VIEW },
  { ms_error_quark, MS_ERROR_NOT_FOUND, 0, ICE_ERROR_NO_SUCH_TABLE },
  { ms_error_quark, MS_ERROR_ALREADY_EXISTS, 0, ICE_ERROR_ALREADY_EXISTS },
  { ms_error_quark, MS_ERROR_CONFLICT, 0, ICE_ERROR_COMMIT_FAILED },
  { ms_error_quark, MS_ERROR_INVALID_OPERATION, ICE_ABOUT_NAMESPACE,
    ICE_ERROR_NAMESPACE_NOT_EMPTY },
  { ms_error_quark, MS_ERROR_INVALID_OPERATION, 0, ICE_ERROR_BAD_REQUEST },
  { ms_error_quark, MS_ERROR_INVALID_OBJECT, 0, ICE_ERROR_BAD_REQUEST },
  { ms_error_quark, MS_ERROR_INVALID_INPUT, 0, ICE_ERROR_BAD_REQUEST },
  { ms_error_quark, MS_ERROR_INVALID_TEXT, 0, ICE_ERROR_BAD_REQUEST },
  { ms_error_quark, MS_ERROR_NOT_ALLOWED, 0, ICE_ERROR_BAD_REQUEST },
  /* as Iceberg's REST handlers report a builder's checkArgument; Java
   * clients throw IllegalArgumentException again */
  { ms_error_quark, MS_ERROR_INVALID_ARGUMENT, 0, ICE_ERROR_ILLEGAL_ARGUMENT },
  /* the database or the storage cannot be reached */
  { ms_error_quark, MS_ERROR_UNAVAILABLE, 0, ICE_ERROR_SERVICE_UNAVAILABLE },
  /* only a failure at COMMIT itself leaves a commit's outcome unknown */
  { ms_error_quark, MS_ERROR_INTERNAL, ICE_ABOUT_COMMIT, ICE_ERROR_COMMIT_STATE_UNKNOWN },
  /* requests the listener refuses (server/http_server.h) */
  { ms_http_error_quark, MS_HTTP_ERROR_BAD_PATH, 0, ICE_ERROR_BAD_REQUEST },
  { ms_http_error_quark, MS_HTTP_ERROR_FORBIDDEN, 0, ICE_ERROR_FORBIDDEN },
  { ms_http_error_quark, MS_HTTP_ERROR_BAD_HEAD, 0, ICE_ERROR_BAD_REQUEST },
};

/* The door's error for 'err' in a call 'about' that. */
static IceError
error_of (const GError *err, IceAbout about)
{
  if (err->domain == ICE_ERROR && err->code > ICE_ERROR_NONE
      && err->code < (int) G_N_ELEMENTS (error_table))
    return err->code;
  for (guint i = 0; i < G_N_ELEMENTS (model_table); i++)
    if (err->domain == model_table[i].domain () && err->code == model_table[i].code
        && (about & model_table[i].about) == model_table[i].about)
      return model_table[i].error;
  return ICE_ERROR_INTERNAL;
}

/* ---- error replies ---- */

/* The ErrorModel of 'code' with 'message'; the code is kept on the
 * response (the metrics read it). */
static void
reply_error (MsHttpResponse *resp, IceError code, const char *message)
{
  int status = error_table[code].status;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, error_table[code].type);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, status);
  json_builder_end_object (b);
  json_builder_end_object (b);
  ice_reply_json (resp, status, json_builder_get_root (b));
  resp->error_code = code;
}

void
ice_reply_fail (MsHttpResponse *resp, IceError code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  GError *err = g_error_new_valist (ICE_ERROR, code, fmt, ap);
  va_end (ap);
  ice_reply_gerror (resp, err, 0);
}

void
ice_reply_gerror (MsHttpResponse *resp, GError *err, IceAbout about)
{
  IceError code = error_of (err, about);
  /* the door's own errors are answers; another layer's failure is logged */
  if (err->domain != ICE_ERROR && error_table[code].status >= 500)
    ms_warn ("REST call failed: %s", err->message);
  reply_error (resp, code, err->message);
  g_error_free (err);
}

void
ice_reply_gerror_in_namespace (MsHttpResponse *resp, GError *err, IceAbout about,
                               const char *db)
{
  if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
    {
      ice_reply_no_namespace (resp, db);
      g_error_free (err);
      return;
    }
  ice_reply_gerror (resp, err, about);
}

void
ice_reply_no_namespace (MsHttpResponse *resp, const char *ns)
{
  ice_reply_fail (resp, ICE_ERROR_NO_SUCH_NAMESPACE, "Namespace does not exist: %s", ns);
}

void
ice_reply_missing (MsHttpResponse *resp, IceError missing, const char *db, const char *name)
{
  ice_reply_fail (resp, missing, "%s does not exist: %s.%s",
                  missing == ICE_ERROR_NO_SUCH_VIEW ? "View" : "Table", db, name);
}

/* application/json, or another JSON type ("+json"), with any parameters. */
static gboolean
is_json_type (const char *ctype)
{
  g_autofree char *t = g_ascii_strdown (ctype, -1);
  char *semi = strchr (t, ';');
  if (semi)
    *semi = '\0';
  g_strstrip (t);
  return g_str_equal (t, "application/json") || g_str_has_suffix (t, "+json") || *t == '\0';
}

JsonObject *
ice_body_object_or_reply (const IceCall *call, MsHttpResponse *resp, JsonParser **parser)
{
  const MsHttpRequest *req = call->req;
  if (req->body == NULL)
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "A JSON request body is required");
      return NULL;
    }
  const char *ctype = ms_http_request_header (req, "Content-Type");
  if (ctype != NULL && !is_json_type (ctype))
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                      "The request body must be application/json, not %s", ctype);
      return NULL;
    }
  g_autoptr (GError) pre = NULL;
  if (!ms_json_precheck (req->body, req->body_len, MS_JSON_MAX_DEPTH, &pre))
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "Malformed JSON body: %s", pre->message);
      return NULL;
    }
  *parser = json_parser_new_immutable ();
  g_autoptr (GError) err = NULL;
  if (!json_parser_load_from_data (*parser, req->body, (gssize) req->body_len, &err))
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "Malformed JSON body: %s", err->message);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (*parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "The request body must be a JSON object");
      return NULL;
    }
  return json_node_get_object (root);
}

const char *
ice_member_string (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

gboolean
ice_member_bool (JsonObject *o, const char *name, gboolean dflt)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return dflt;
  return json_node_get_boolean (n);
}

JsonArray *
ice_member_array (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

JsonObject *
ice_member_object (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}
