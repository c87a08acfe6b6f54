/*
 * sign.c: POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign
 * (the spec's signRequest): a RemoteSignRequest {region, uri, method,
 * headers, body?, provider?} is checked against the table's location and
 * the caller's scope and signed with the server's S3 keys
 * (service/delegation_sign.c); the reply is a RemoteSignResult {uri,
 * headers} carrying the headers the client adds, with Cache-Control:
 * no-cache (a signature holds a date). The table's location is learnt
 * from its current metadata file, remembered per file
 * (location_cache.c); a table being staged is signed for with the pass
 * of its stage-create reply (staged_sign.c). A malformed body is 400; a
 * method or URI not allowed, or remote signing off, 403.
 */
#include "iceberg/internal.h"
#include <string.h>

/* The MultiValuedMap 'headers' flattened (name, value, ...) into 'out';
 * FALSE when it is not an object of string arrays. */
static gboolean
headers_of (JsonObject *body, GPtrArray *out)
{
  JsonObject *h = ice_member_object (body, "headers");
  if (h == NULL)
    return FALSE;
  g_autoptr (GList) names = json_object_get_members (h);
  for (GList *l = names; l; l = l->next)
    {
      JsonArray *vals = ice_member_array (h, l->data);
      if (vals == NULL)
        return FALSE;
      for (guint i = 0; i < json_array_get_length (vals); i++)
        {
          JsonNode *v = json_array_get_element (vals, i);
          if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
            return FALSE;
          g_ptr_array_add (out, g_strdup (l->data));
          g_ptr_array_add (out, g_strdup (json_node_get_string (v)));
        }
    }
  return TRUE;
}

/* The RemoteSignResult: the URI as given and the added headers. */
static void
reply_signed (MsHttpResponse *resp, const char *uri, GPtrArray *added)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "uri", uri);
  JsonObject *h = json_object_new ();
  for (guint i = 0; i + 1 < added->len; i += 2)
    {
      JsonArray *a = json_array_new ();
      json_array_add_string_element (a, added->pdata[i + 1]);
      json_object_set_array_member (h, added->pdata[i], a);
    }
  json_object_set_object_member (o, "headers", h);
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, 200, n);
  ms_http_response_header (resp, "Cache-Control", "no-cache");
}

/* A table not created yet (stage-create, as Spark's CREATE TABLE AS
 * SELECT makes one: its files are written before the commit that makes
 * it): signed for under the location its stage-create reply named, when
 * the request carries that reply's pass (staged_sign.c) and the location
 * is still allowed. Without a good pass it is 404. */
static char *
staged_location_or_reply (const IceCall *call, MsHttpResponse *resp, const char *db,
                          const char *name)
{
  const char *pass = call->req->query ? g_hash_table_lookup (call->req->query, "staged") : NULL;
  g_autofree char *location = ice_staged_pass_location (call, name, pass);
  if (location == NULL)
    return ice_reply_missing (resp, ICE_ERROR_NO_SUCH_TABLE, db, name), NULL;
  g_autoptr (GError) err = NULL;
  if (!ice_location_allowed (call->io, location, "table location", &err))
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_TABLE), NULL;
  return g_steal_pointer (&location);
}

/* The location of the table the path names, from its current metadata
 * file: remembered per file (location_cache.c), so a request reads one
 * row without the metadata text; read and parsed on a miss. NULL after
 * answering. */
static char *
table_location_or_reply (const IceCall *call, MsHttpResponse *resp)
{
  g_autofree char *db = NULL, *name = NULL;
  if (!ice_object_ident_or_reply (call, call->ns, call->name, ICE_ERROR_NO_SUCH_TABLE, &db,
                                  &name, resp))
    return NULL;
  g_autoptr (GError) err = NULL;
  g_autoptr (MsIcebergEntry) head = ms_store_iceberg_head (call->ice->store, call->catalog, db,
                                                           name, &err);
  if (head == NULL && g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
    return staged_location_or_reply (call, resp, db, name);
  if (head == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_TABLE), NULL;
  if (g_strcmp0 (head->kind, MS_ICEBERG_KIND_TABLE) != 0)
    return ice_reply_missing (resp, ICE_ERROR_NO_SUCH_TABLE, db, name), NULL;
  char *location = ice_location_cache_get (call->ice->sign_locations, head->metadata_location);
  if (location != NULL)
    return location;
  g_autoptr (MsIcebergEntry) e = ice_object_entry_or_reply (call, resp, MS_ICEBERG_KIND_TABLE);
  if (e == NULL)
    return NULL;
  g_autofree char *text = ice_current_text_or_reply (call, resp, e);
  if (text == NULL)
    return NULL;
  location = ice_access_table_location (text, NULL);
  ice_location_cache_put (call->ice->sign_locations, e->metadata_location, location);
  if (location == NULL)
    ice_reply_fail (resp, ICE_ERROR_FORBIDDEN, "The table's metadata names no location");
  return location;
}

void
ice_table_sign (const IceCall *call, MsHttpResponse *resp)
{
  MsDelegation *d = call->io->delegation;
  if (!ms_delegation_signs (d))
    return ice_reply_fail (resp, ICE_ERROR_FORBIDDEN, "Remote signing is not enabled on this "
                           "server (storage.remote_signing)");
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  const char *method = ice_member_string (body, "method");
  const char *uri = ice_member_string (body, "uri");
  const char *provider = ice_member_string (body, "provider");
  g_autoptr (GPtrArray) headers = g_ptr_array_new_with_free_func (g_free);
  if (method == NULL || uri == NULL || ice_member_string (body, "region") == NULL
      || !headers_of (body, headers))
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "A sign request needs region, uri, "
                           "method and headers (an object of string arrays)");
  if (provider != NULL && g_ascii_strcasecmp (provider, "s3") != 0)
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "Only s3 requests are signed, not %s",
                           provider);
  g_autofree char *location = table_location_or_reply (call, resp);
  if (location == NULL)
    return;
  MsSignRequest req = { method, uri, headers, ice_member_string (body, "body") };
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) err = NULL;
  if (!ms_delegation_sign (d, location, ice_access_scope (call), &req, added, &err))
    return ice_access_reply_error (resp, g_steal_pointer (&err));
  reply_signed (resp, uri, added);
}
