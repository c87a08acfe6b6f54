/*
 * namespaces.c: Iceberg REST namespaces over the catalog's databases. A
 * first-level namespace is an HMS database of the default catalog, so a
 * namespace made here is a database to Spark and Trino through Thrift and
 * the other way round. Properties map as Iceberg's HiveCatalog maps them:
 * "location" is the database location, "comment" its description, the
 * owner its owner, everything else its parameters.
 */
#include "iceberg/internal.h"
#include "service/database.h"
#include "core/log.h"
#include <string.h>

#define PROP_LOCATION "location"
#define PROP_COMMENT "comment"
#define PROP_OWNER "hive.metastore.database.owner"
#define PROP_OWNER_TYPE "hive.metastore.database.owner-type"

static const char *
owner_type_name (MsPrincipalType t)
{
  return t == MS_PRINCIPAL_ROLE ? "ROLE" : t == MS_PRINCIPAL_GROUP ? "GROUP" : "USER";
}

JsonNode *
ice_namespace_node (char **const levels)
{
  JsonArray *a = json_array_new ();
  for (char **l = levels; l && *l; l++)
    json_array_add_string_element (a, *l);
  JsonNode *n = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (n, a);
  return n;
}

gboolean
ice_namespace_db (const IceCall *call, char **const ns, char **db, MsHttpResponse *resp)
{
  (void) call;
  guint n = ns ? g_strv_length ((char **) ns) : 0;
  if (n == 0)
    {
      ice_reply_error (resp, 400, "BadRequestException", "The namespace is empty");
      return FALSE;
    }
  if (n > 1)
    {
      ice_reply_error (resp, 400, "BadRequestException",
                       "Nested namespaces are not supported yet: %s has %u levels", ns[0], n);
      return FALSE;
    }
  g_autoptr (GError) err = NULL;
  if (!ms_service_check_name ("namespace", ns[0], &err))
    {
      ice_reply_error (resp, 400, "BadRequestException", "Invalid namespace: %s", err->message);
      return FALSE;
    }
  *db = g_ascii_strdown (ns[0], -1);
  return TRUE;
}

static JsonNode *
properties_node (const MsDatabase *db)
{
  JsonObject *o = json_object_new ();
  if (db->params)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, db->params);
      while (g_hash_table_iter_next (&it, &k, &v))
        json_object_set_string_member (o, k, v ? v : "");
    }
  if (db->location_uri)
    json_object_set_string_member (o, PROP_LOCATION, db->location_uri);
  if (db->description)
    json_object_set_string_member (o, PROP_COMMENT, db->description);
  if (db->owner_name)
    {
      json_object_set_string_member (o, PROP_OWNER, db->owner_name);
      json_object_set_string_member (o, PROP_OWNER_TYPE, owner_type_name (db->owner_type));
    }
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  return n;
}

static void
reply_namespace (MsHttpResponse *resp, char **const levels, const MsDatabase *db)
{
  JsonObject *o = json_object_new ();
  json_object_set_member (o, "namespace", ice_namespace_node (levels));
  json_object_set_member (o, "properties", properties_node (db));
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, 200, n);
}

/* ---- list ---- */

void
ice_namespaces_list (const IceCall *call, MsHttpResponse *resp)
{
  GHashTable *q = call->req->query;
  const char *parent = g_hash_table_lookup (q, "parent");
  const char *token = g_hash_table_lookup (q, "pageToken");
  const char *size_text = g_hash_table_lookup (q, "pageSize");
  gint64 page_size = -1;
  if (size_text != NULL && *size_text != '\0')
    {
      char *end = NULL;
      page_size = g_ascii_strtoll (size_text, &end, 10);
      if (end == size_text || *end != '\0' || page_size < 1)
        return ice_reply_error (resp, 400, "BadRequestException",
                                "pageSize must be a positive integer, not %s", size_text);
    }
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) names = NULL;
  if (parent != NULL && *parent != '\0')
    {
      /* levels are separated by the unit separator (0x1F) */
      g_auto (GStrv) levels = g_strsplit (parent, "\x1f", -1);
      g_autofree char *db = NULL;
      if (!ice_namespace_db (call, levels, &db, resp))
        return;
      g_autoptr (MsDatabase) d = ms_store_database_get (call->ice->store, MS_DEFAULT_CATALOG, db,
                                                        &err);
      if (d == NULL)
        return ice_reply_gerror (resp, g_steal_pointer (&err), "namespace");
      names = g_ptr_array_new ();   /* databases have no child namespaces */
    }
  else
    {
      names = ms_store_database_list (call->ice->store, MS_DEFAULT_CATALOG, NULL, &err);
      if (names == NULL)
        return ice_reply_gerror (resp, g_steal_pointer (&err), "namespace");
    }
  /* the page after 'token' (the last name of the previous page, names are
   * sorted) */
  guint start = 0;
  if (token != NULL && *token != '\0')
    while (start < names->len && g_strcmp0 (g_ptr_array_index (names, start), token) <= 0)
      start++;
  guint end = names->len;
  if (page_size > 0 && (gint64) (end - start) > page_size)
    end = start + (guint) page_size;
  JsonArray *list = json_array_new ();
  for (guint i = start; i < end; i++)
    {
      char *levels[] = { g_ptr_array_index (names, i), NULL };
      json_array_add_element (list, ice_namespace_node (levels));
    }
  JsonObject *o = json_object_new ();
  json_object_set_array_member (o, "namespaces", list);
  if (end < names->len)
    json_object_set_string_member (o, "next-page-token", g_ptr_array_index (names, end - 1));
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, 200, n);
}

/* ---- create, load, exists, drop ---- */

static gboolean
string_map (JsonNode *node, GHashTable *out, const char *what, MsHttpResponse *resp)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ice_reply_error (resp, 400, "BadRequestException", "%s must be an object of strings", what);
      return FALSE;
    }
  JsonObjectIter it;
  const char *k;
  JsonNode *v;
  json_object_iter_init (&it, json_node_get_object (node));
  while (json_object_iter_next (&it, &k, &v))
    {
      if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
        {
          ice_reply_error (resp, 400, "BadRequestException", "%s: the value of %s is not a string",
                           what, k);
          return FALSE;
        }
      g_hash_table_insert (out, g_strdup (k), g_strdup (json_node_get_string (v)));
    }
  return TRUE;
}

static gboolean
string_list (JsonNode *node, GPtrArray *out, const char *what, MsHttpResponse *resp)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      ice_reply_error (resp, 400, "BadRequestException", "%s must be an array of strings", what);
      return FALSE;
    }
  JsonArray *a = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        {
          ice_reply_error (resp, 400, "BadRequestException", "%s holds a value that is not a string",
                           what);
          return FALSE;
        }
      g_ptr_array_add (out, g_strdup (json_node_get_string (e)));
    }
  return TRUE;
}

/* Move the properties with a meaning of their own into the database. */
static void
apply_special (MsDatabase *db, GHashTable *props)
{
  const char *v;
  if ((v = g_hash_table_lookup (props, PROP_LOCATION)) != NULL)
    {
      g_free (db->location_uri);
      db->location_uri = g_strdup (v);
    }
  if ((v = g_hash_table_lookup (props, PROP_COMMENT)) != NULL)
    {
      g_free (db->description);
      db->description = g_strdup (v);
    }
  if ((v = g_hash_table_lookup (props, PROP_OWNER)) != NULL)
    {
      g_free (db->owner_name);
      db->owner_name = g_strdup (v);
      db->owner_type = MS_PRINCIPAL_USER;
    }
  if ((v = g_hash_table_lookup (props, PROP_OWNER_TYPE)) != NULL)
    db->owner_type = g_ascii_strcasecmp (v, "ROLE") == 0    ? MS_PRINCIPAL_ROLE
                     : g_ascii_strcasecmp (v, "GROUP") == 0 ? MS_PRINCIPAL_GROUP
                                                            : MS_PRINCIPAL_USER;
  static const char *const special[] = { PROP_LOCATION, PROP_COMMENT, PROP_OWNER, PROP_OWNER_TYPE };
  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    g_hash_table_remove (props, special[i]);
}

void
ice_namespace_create (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object (call, resp, &parser);
  if (body == NULL)
    return;
  g_autoptr (GPtrArray) levels = g_ptr_array_new_with_free_func (g_free);
  if (!json_object_has_member (body, "namespace"))
    return ice_reply_error (resp, 400, "BadRequestException", "namespace is required");
  if (!string_list (json_object_get_member (body, "namespace"), levels, "namespace", resp))
    return;
  g_ptr_array_add (levels, NULL);
  g_autofree char *name = NULL;
  if (!ice_namespace_db (call, (char **) levels->pdata, &name, resp))
    return;
  g_autoptr (MsDatabase) db = ms_database_new ();
  db->name = g_strdup (name);
  if (!string_map (json_object_get_member (body, "properties"), db->params, "properties", resp))
    return;
  apply_special (db, db->params);
  g_autoptr (GError) err = NULL;
  if (!ms_service_database_create (call->ice->store, db, NULL, &err))
    {
      if (g_error_matches (err, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        return ice_reply_error (resp, 409, "AlreadyExistsException",
                                "Namespace already exists: %s", name);
      return ice_reply_gerror (resp, g_steal_pointer (&err), "namespace");
    }
  g_autoptr (MsDatabase) stored = ms_store_database_get (call->ice->store, MS_DEFAULT_CATALOG,
                                                         name, &err);
  if (stored == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), "namespace");
  char *out_levels[] = { name, NULL };
  reply_namespace (resp, out_levels, stored);
}

static MsDatabase *
load (const IceCall *call, MsHttpResponse *resp, char **name_out)
{
  g_autofree char *name = NULL;
  if (!ice_namespace_db (call, call->ns, &name, resp))
    return NULL;
  g_autoptr (GError) err = NULL;
  MsDatabase *db = ms_store_database_get (call->ice->store, MS_DEFAULT_CATALOG, name, &err);
  if (db == NULL)
    {
      if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
        ice_reply_error (resp, 404, "NoSuchNamespaceException", "Namespace does not exist: %s",
                         name);
      else
        ice_reply_gerror (resp, g_steal_pointer (&err), "namespace");
      return NULL;
    }
  if (name_out)
    *name_out = g_steal_pointer (&name);
  return db;
}

void
ice_namespace_load (const IceCall *call, MsHttpResponse *resp)
{
  g_autofree char *name = NULL;
  g_autoptr (MsDatabase) db = load (call, resp, &name);
  if (db == NULL)
    return;
  char *levels[] = { name, NULL };
  reply_namespace (resp, levels, db);
}

void
ice_namespace_exists (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (MsDatabase) db = load (call, resp, NULL);
  /* HEAD answers carry no body */
  ice_reply_empty (resp, db ? 204 : resp->status);
}

void
ice_namespace_drop (const IceCall *call, MsHttpResponse *resp)
{
  g_autofree char *name = NULL;
  if (!ice_namespace_db (call, call->ns, &name, resp))
    return;
  if (g_str_equal (name, MS_DEFAULT_DATABASE))
    return ice_reply_error (resp, 400, "BadRequestException",
                            "The namespace %s cannot be dropped", name);
  g_autoptr (GError) err = NULL;
  /* as Iceberg's HiveCatalog: no cascade, the data stays */
  if (!ms_store_database_drop (call->ice->store, MS_DEFAULT_CATALOG, name, FALSE, NULL, &err))
    {
      if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
        return ice_reply_error (resp, 404, "NoSuchNamespaceException",
                                "Namespace does not exist: %s", name);
      if (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_OPERATION))
        return ice_reply_error (resp, 409, "NamespaceNotEmptyException",
                                "Namespace %s is not empty: %s", name, err->message);
      return ice_reply_gerror (resp, g_steal_pointer (&err), "namespace");
    }
  ms_info ("REST: dropped namespace %s", name);
  ice_reply_empty (resp, 204);
}

/* ---- properties ---- */

void
ice_namespace_properties (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object (call, resp, &parser);
  if (body == NULL)
    return;
  g_autoptr (GHashTable) updates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GPtrArray) removals = g_ptr_array_new_with_free_func (g_free);
  if (!string_map (json_object_get_member (body, "updates"), updates, "updates", resp)
      || !string_list (json_object_get_member (body, "removals"), removals, "removals", resp))
    return;
  for (guint i = 0; i < removals->len; i++)
    if (g_hash_table_contains (updates, g_ptr_array_index (removals, i)))
      return ice_reply_error (resp, 422, "UnprocessableEntityException",
                              "Property %s is both updated and removed",
                              (char *) g_ptr_array_index (removals, i));
  for (guint i = 0; i < removals->len; i++)
    if (g_str_equal (g_ptr_array_index (removals, i), PROP_LOCATION))
      return ice_reply_error (resp, 400, "BadRequestException",
                              "The location of a namespace cannot be removed");
  g_autofree char *name = NULL;
  g_autoptr (MsDatabase) db = load (call, resp, &name);
  if (db == NULL)
    return;

  JsonArray *updated = json_array_new (), *removed = json_array_new (), *missing = json_array_new ();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, updates);
  while (g_hash_table_iter_next (&it, &k, &v))
    json_array_add_string_element (updated, k);
  g_autoptr (MsDatabase) change = ms_database_new ();
  g_hash_table_unref (change->params);
  change->params = ms_params_copy (db->params);
  for (guint i = 0; i < removals->len; i++)
    {
      const char *key = g_ptr_array_index (removals, i);
      gboolean had = g_hash_table_remove (change->params, key);
      if (g_str_equal (key, PROP_COMMENT) && db->description)
        {
          change->description = g_strdup ("");
          had = TRUE;
        }
      json_array_add_string_element (had ? removed : missing, key);
    }
  g_autoptr (GHashTable) special = ms_params_copy (updates);
  apply_special (change, special);
  g_hash_table_iter_init (&it, special);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_hash_table_replace (change->params, g_strdup (k), g_strdup (v));
  g_autoptr (GError) err = NULL;
  if (!ms_store_database_alter (call->ice->store, MS_DEFAULT_CATALOG, name, change, &err))
    {
      json_array_unref (updated);
      json_array_unref (removed);
      json_array_unref (missing);
      return ice_reply_gerror (resp, g_steal_pointer (&err), "namespace");
    }
  JsonObject *o = json_object_new ();
  json_object_set_array_member (o, "updated", updated);
  json_object_set_array_member (o, "removed", removed);
  json_object_set_array_member (o, "missing", missing);
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, 200, n);
}
