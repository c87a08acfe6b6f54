/*
 * errors.c: replies of the Iceberg REST door, and the one place where
 * model errors become HTTP statuses and the spec's exception types.
 * Conflicts are 409, never 500; 500 is kept for what truly failed inside.
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

static void
reply_error_text (MsHttpResponse *resp, int status, const char *type, const char *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, status);
  json_builder_end_object (b);
  json_builder_end_object (b);
  ice_reply_json (resp, status, json_builder_get_root (b));
}

void
ice_reply_error (MsHttpResponse *resp, int status, const char *type, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  reply_error_text (resp, status, type, message);
}

void
ice_reply_gerror (MsHttpResponse *resp, GError *err, const char *what)
{
  int code = err->domain == MS_ERROR ? err->code : MS_ERROR_INTERNAL;
  int status = 500;
  const char *type = "InternalServerError";
  gboolean ns = g_strcmp0 (what, "namespace") == 0;
  gboolean view = g_strcmp0 (what, "view") == 0;
  switch (code)
    {
    case MS_ERROR_NOT_FOUND:
      status = 404;
      type = ns ? "NoSuchNamespaceException" : view ? "NoSuchViewException" : "NoSuchTableException";
      break;
    case MS_ERROR_ALREADY_EXISTS:
      status = 409;
      type = "AlreadyExistsException";
      break;
    case MS_ERROR_CONFLICT:
      status = 409;
      type = "CommitFailedException";
      break;
    case MS_ERROR_INVALID_OPERATION:
      status = 409;
      type = ns ? "NamespaceNotEmptyException" : "BadRequestException";
      if (!ns)
        status = 400;
      break;
    case MS_ERROR_INVALID_OBJECT:
    case MS_ERROR_INVALID_INPUT:
    case MS_ERROR_INVALID_TEXT:
    case MS_ERROR_NOT_ALLOWED:
      status = 400;
      type = "BadRequestException";
      break;
    case MS_ERROR_INVALID_ARGUMENT:
      /* as Iceberg's REST handlers report a builder's checkArgument; Java
       * clients throw IllegalArgumentException again */
      status = 400;
      type = "IllegalArgumentException";
      break;
    case MS_ERROR_UNAVAILABLE:
      status = 503;
      type = "ServiceUnavailableException";
      break;
    default:
      break;
    }
  if (status >= 500)
    ms_warn ("REST call failed: %s", err->message);
  reply_error_text (resp, status, type, err->message);
  g_error_free (err);
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
ice_body_object (const IceCall *call, MsHttpResponse *resp, JsonParser **parser)
{
  const MsHttpRequest *req = call->req;
  if (req->body == NULL)
    {
      ice_reply_error (resp, 400, "BadRequestException", "A JSON request body is required");
      return NULL;
    }
  const char *ctype = ms_http_request_header (req, "Content-Type");
  if (ctype != NULL && !is_json_type (ctype))
    {
      ice_reply_error (resp, 400, "BadRequestException",
                       "The request body must be application/json, not %s", ctype);
      return NULL;
    }
  g_autoptr (GError) pre = NULL;
  if (!ms_json_precheck (req->body, req->body_len, MS_JSON_MAX_DEPTH, &pre))
    {
      ice_reply_error (resp, 400, "BadRequestException", "Malformed JSON body: %s", pre->message);
      return NULL;
    }
  *parser = json_parser_new_immutable ();
  g_autoptr (GError) err = NULL;
  if (!json_parser_load_from_data (*parser, req->body, (gssize) req->body_len, &err))
    {
      ice_reply_error (resp, 400, "BadRequestException", "Malformed JSON body: %s", err->message);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (*parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      ice_reply_error (resp, 400, "BadRequestException", "The request body must be a JSON object");
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
