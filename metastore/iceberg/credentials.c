/*
 * credentials.c: the REST door's side of access delegation
 * (X-Iceberg-Access-Delegation): what a LoadTableResult carries for a
 * client that asked for vended credentials (storage-credentials and the
 * s3.* config keys) or remote signing (the signer settings), and
 * GET .../tables/{table}/credentials (loadCredentials). The rules (the
 * session policy, the cache, the scope) are service/delegation.c's. The
 * scope: read-only for the principals storage.read_only_principals names,
 * read-write for everyone else. Credentials are never logged.
 *
 * A load, create or register whose request asks for a mechanism this
 * server does not serve, or for a table it cannot delegate (not in S3), is
 * answered without delegation, as the spec lets a server do: PyIceberg and
 * Iceberg's Java client ask for vended credentials by default. Only the
 * explicit routes (.../credentials, .../sign) answer 403 then.
 */
#include "iceberg/internal.h"
#include "core/json_text.h"
#include "storage/storage_s3.h"
#include <string.h>

#define NOT_ENABLED "Access delegation is not enabled on this server: "

IceAccess
ice_access_requested (const IceCall *call)
{
  const char *h = ms_http_request_header (call->req, "X-Iceberg-Access-Delegation");
  IceAccess want = 0;
  g_auto (GStrv) parts = g_strsplit (h ? h : "", ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      g_strstrip (parts[i]);
      if (g_ascii_strcasecmp (parts[i], "vended-credentials") == 0)
        want |= ICE_ACCESS_VENDED;
      else if (g_ascii_strcasecmp (parts[i], "remote-signing") == 0)
        want |= ICE_ACCESS_SIGNING;
    }
  return want;
}

/* What this server gives for what the request asks: vended credentials
 * before remote signing when both are asked for and served; 0 for none. */
static IceAccess
access_chosen (const IceCall *call)
{
  IceAccess want = ice_access_requested (call);
  MsDelegation *d = call->io->delegation;
  if ((want & ICE_ACCESS_VENDED) && ms_delegation_vends (d))
    return ICE_ACCESS_VENDED;
  if ((want & ICE_ACCESS_SIGNING) && ms_delegation_signs (d))
    return ICE_ACCESS_SIGNING;
  return 0;
}

MsDelegateScope
ice_access_scope (const IceCall *call)
{
  /* the principal the route's authentication verified (a sign-only token
   * is verified for the sign route only, so it is not checked again here) */
  const char *who = ms_auth_required (call->ice->auth) ? call->principal : NULL;
  return ms_delegation_scope_of (call->io->delegation, who);
}

char *
ice_access_table_location (const char *text, gboolean *is_view)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  if (is_view)
    *is_view = FALSE;
  if (text == NULL || !json_parser_load_from_data (p, text, -1, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (p);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (o && is_view)
    *is_view = json_object_has_member (o, "view-uuid");
  const char *loc = o ? ice_member_string (o, "location") : NULL;
  return g_strdup (loc);
}

gboolean
ice_access_prepare_or_reply (const IceCall *call, MsHttpResponse *resp, const char *location)
{
  if (access_chosen (call) != ICE_ACCESS_VENDED)
    return TRUE;
  /* fetched now so that an STS failure comes before anything is
   * committed; the reply takes them from the cache */
  g_auto (MsStsCredentials) c = { 0 };
  g_autoptr (GError) err = NULL;
  if (ms_delegation_credentials (call->io->delegation, location, ice_access_scope (call), &c,
                                 &err)
      || g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED))
    return TRUE;
  ice_access_reply_error (resp, g_steal_pointer (&err));
  return FALSE;
}

void
ice_access_reply_error (MsHttpResponse *resp, GError *err)
{
  if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED))
    {
      ice_reply_fail (resp, ICE_ERROR_FORBIDDEN, "%s", err->message);
      g_error_free (err);
      return;
    }
  ice_reply_gerror (resp, err, ICE_ABOUT_TABLE);
}

static void
put (GHashTable *config, const char *k, const char *v)
{
  g_hash_table_replace (config, g_strdup (k), g_strdup (v));
}

/* The sign route of the table the request names, relative to the
 * catalog URI: the request's path up to its namespace, then
 * tables/<name>/sign (segments encoded again). */
static char *
sign_endpoint (const IceCall *call, const char *name)
{
  GString *out = g_string_new (NULL);
  char **seg = call->req->segments;
  for (guint i = 0; seg[i]; i++)
    {
      if (i)
        g_string_append_c (out, '/');
      ms_s3_encode (out, seg[i], FALSE);
      if (g_str_equal (seg[i], "namespaces") && seg[i + 1] != NULL)
        {
          g_string_append_c (out, '/');
          ms_s3_encode (out, seg[i + 1], FALSE);
          break;
        }
    }
  g_string_append (out, "/tables/");
  ms_s3_encode (out, name, FALSE);
  g_string_append (out, "/sign");
  return g_string_free (out, FALSE);
}

/* The table's name: the path's, or the request body's (create, register). */
static char *
table_name (const IceCall *call)
{
  if (call->name != NULL)
    return g_ascii_strdown (call->name, -1);
  g_autoptr (JsonParser) p = json_parser_new ();
  if (call->req->body == NULL || !json_parser_load_from_data (p, call->req->body, -1, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (p);
  const char *name = root && JSON_NODE_HOLDS_OBJECT (root)
                     ? ice_member_string (json_node_get_object (root), "name") : NULL;
  return name ? g_ascii_strdown (name, -1) : NULL;
}

/* The "storage-credentials" array of one credential for 'location'. */
static char *
storage_credentials_json (const char *location, GHashTable *config)
{
  GString *s = g_string_new ("[{\"prefix\":");
  ms_json_text_append_string (s, location);
  g_string_append (s, ",\"config\":{");
  gboolean first = TRUE;
  ms_json_text_append_members (s, config, &first);
  g_string_append (s, "}}]");
  return g_string_free (s, FALSE);
}

/* Vended credentials for 'location' as config keys, or FALSE. */
static gboolean
vended_config (const IceCall *call, const char *location, GHashTable *config, GError **error)
{
  g_auto (MsStsCredentials) c = { 0 };
  if (!ms_delegation_credentials (call->io->delegation, location, ice_access_scope (call), &c,
                                  error))
    return FALSE;
  g_autofree char *expires = g_strdup_printf ("%" G_GINT64_FORMAT, c.expires_at_ms);
  put (config, "s3.access-key-id", c.access_key);
  put (config, "s3.secret-access-key", c.secret_key);
  put (config, "s3.session-token", c.session_token);
  put (config, "s3.session-token-expires-at-ms", expires);
  return TRUE;
}

gboolean
ice_access_extras_or_reply (const IceCall *call, MsHttpResponse *resp, const char *text,
                            gboolean staged, GHashTable *config, char **storage_credentials)
{
  *storage_credentials = NULL;
  IceAccess got = access_chosen (call);
  if (got == 0)
    return TRUE;
  gboolean is_view = FALSE;
  g_autofree char *location = ice_access_table_location (text, &is_view);
  if (is_view)
    return TRUE;   /* views have no data */
  if (got == ICE_ACCESS_SIGNING)
    {
      g_autofree char *name = table_name (call);
      g_autofree char *endpoint = name ? sign_endpoint (call, name) : NULL;
      if (endpoint != NULL && staged && location != NULL)
        {
          /* the table does not exist yet: its files are signed for with a pass */
          g_autofree char *pass = ice_staged_pass (call, name, location);
          g_autofree char *plain = g_steal_pointer (&endpoint);
          endpoint = g_strdup_printf ("%s?staged=%s", plain, pass);
        }
      const char *uri = ms_delegation_signer_uri (call->io->delegation);
      put (config, "s3.remote-signing-enabled", "true");
      put (config, "s3.signer", "S3V4RestSigner");
      put (config, "py-io-impl", "pyiceberg.io.fsspec.FsspecFileIO");
      if (endpoint)
        {
          put (config, "s3.signer.endpoint", endpoint);
          put (config, "signer.endpoint", endpoint);
        }
      if (uri)
        {
          put (config, "s3.signer.uri", uri);
          put (config, "signer.uri", uri);
        }
      return TRUE;
    }
  g_autoptr (GError) err = NULL;
  g_autoptr (GHashTable) creds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!vended_config (call, location, creds, &err))
    {
      /* a table that cannot be delegated (not in S3) is served without */
      if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED))
        return TRUE;
      ice_access_reply_error (resp, g_steal_pointer (&err));
      return FALSE;
    }
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, creds);
  while (g_hash_table_iter_next (&it, &k, &v))
    put (config, k, v);
  *storage_credentials = storage_credentials_json (location, creds);
  return TRUE;
}

/* GET .../tables/{table}/credentials: LoadCredentialsResponse. */
void
ice_table_credentials (const IceCall *call, MsHttpResponse *resp)
{
  if (!ms_delegation_vends (call->io->delegation))
    return ice_reply_fail (resp, ICE_ERROR_FORBIDDEN,
                           NOT_ENABLED "vended credentials need an STS (storage.sts_endpoint)");
  g_autoptr (MsIcebergEntry) e = ice_object_entry_or_reply (call, resp, MS_ICEBERG_KIND_TABLE);
  if (e == NULL)
    return;
  g_autofree char *text = ice_current_text_or_reply (call, resp, e);
  if (text == NULL)
    return;
  g_autofree char *location = ice_access_table_location (text, NULL);
  g_autoptr (GError) err = NULL;
  g_autoptr (GHashTable) creds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!vended_config (call, location, creds, &err))
    return ice_access_reply_error (resp, g_steal_pointer (&err));
  g_autofree char *array = storage_credentials_json (location, creds);
  resp->status = 200;
  g_free (resp->body);
  resp->body = g_strdup_printf ("{\"storage-credentials\":%s}", array);
  resp->content_type = "application/json";
  ms_http_response_header (resp, "Cache-Control", "no-store");
}
