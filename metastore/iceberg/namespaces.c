/*
 * namespaces.c: Iceberg REST namespaces over the catalog's databases. A
 * first-level namespace is an HMS database of the catalog the prefix
 * names (catalogs.c; the default catalog without one), so a
 * namespace made here is a database to Spark and Trino through Thrift and
 * the other way round. A nested namespace [a, b] is the database "a.b"
 * (service/database.h: naming, parent rule, default location); listings
 * show the direct children of a parent, or the first-level namespaces.
 * Properties map as Iceberg's HiveCatalog maps them: "location" is the
 * database location, "comment" its description, the owner its owner,
 * everything else its parameters; an update is one store transaction.
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

char *
ice_namespace_text (char **const ns)
{
  return ns ? g_strjoinv (".", (char **) ns) : g_strdup ("");
}

gboolean
ice_namespace_db_or_reply (const IceCall *call, char **const ns, char **db,
                           MsHttpResponse *resp)
{
  (void) call;
  *db = ms_service_namespace_name (ns, NULL);
  if (*db == NULL)
    {
      g_autofree char *text = ice_namespace_text (ns);
      ice_reply_no_namespace (resp, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
ice_namespace_db_new_or_reply (const IceCall *call, char **const ns, char **db,
                               MsHttpResponse *resp)
{
  (void) call;
  g_autoptr (GError) err = NULL;
  *db = ms_service_namespace_name (ns, &err);
  if (*db == NULL)
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "Invalid namespace: %s", err->message);
      return FALSE;
    }
  return TRUE;
}

/* The namespace of database 'name' as its JSON array of levels. */
static JsonNode *
db_namespace_node (const char *name)
{
  g_auto (GStrv) levels = ms_service_namespace_levels (name);
  return ice_namespace_node (levels);
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
reply_namespace (MsHttpResponse *resp, const MsDatabase *db)
{
  JsonObject *o = json_object_new ();
  json_object_set_member (o, "namespace", db_namespace_node (db->name));
  json_object_set_member (o, "properties", properties_node (db));
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, 200, n);
}

/* ---- list ---- */

/* GET namespaces[?parent=a%1Fb][&pageSize=n][&pageToken=t]: the direct
 * children of the parent (404 when it does not exist), or the first-level
 * namespaces; sorted by database name. A page token is the database name
 * the previous page ended with. */
void
ice_namespaces_list (const IceCall *call, MsHttpResponse *resp)
{
  GHashTable *q = call->req->query;
  const char *parent = g_hash_table_lookup (q, "parent");
  const char *token = g_hash_table_lookup (q, "pageToken");
  gint64 page_size;
  if (!ice_page_size_or_reply (call, resp, G_MAXINT64, &page_size))
    return;
  page_size = MIN (page_size, G_MAXINT32);
  if (token != NULL && *token == '\0')
    token = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree char *parent_db = NULL;
  /* "For backward compatibility, empty string is treated as absent" */
  if (parent != NULL && *parent != '\0')
    {
      /* levels are separated by the unit separator (0x1F) */
      g_auto (GStrv) levels = g_strsplit (parent, "\x1f", -1);
      if (!ice_namespace_db_or_reply (call, levels, &parent_db, resp))
        return;
      g_autoptr (MsDatabase) d = ice_namespace_get_or_reply (call, resp, parent_db);
      if (d == NULL)
        return;
    }
  /* one more than a page tells whether another page follows */
  g_autoptr (GPtrArray) names = ms_store_database_children (
      call->ice->store, call->catalog, parent_db, token, page_size > 0 ? page_size + 1 : -1,
      &err);
  if (names == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_NAMESPACE);
  gboolean more = page_size > 0 && (gint64) names->len > page_size;
  guint count = more ? (guint) page_size : names->len;
  JsonArray *list = json_array_new ();
  for (guint i = 0; i < count; i++)
    json_array_add_element (list, db_namespace_node (g_ptr_array_index (names, i)));
  JsonObject *o = json_object_new ();
  json_object_set_array_member (o, "namespaces", list);
  if (more)
    json_object_set_string_member (o, "next-page-token", g_ptr_array_index (names, count - 1));
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, 200, n);
}

/* ---- create, load, exists, drop ---- */

static gboolean
string_map_or_reply (JsonNode *node, GHashTable *out, const char *what, MsHttpResponse *resp)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "%s must be an object of strings", what);
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
          ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "%s: the value of %s is not a string",
                          what, k);
          return FALSE;
        }
      g_hash_table_insert (out, g_strdup (k), g_strdup (json_node_get_string (v)));
    }
  return TRUE;
}

static gboolean
string_list_or_reply (JsonNode *node, GPtrArray *out, const char *what, MsHttpResponse *resp)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "%s must be an array of strings", what);
      return FALSE;
    }
  JsonArray *a = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        {
          ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "%s holds a value that is not a string",
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
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  g_autoptr (GPtrArray) levels = g_ptr_array_new_with_free_func (g_free);
  if (!json_object_has_member (body, "namespace"))
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "namespace is required");
  if (!string_list_or_reply (json_object_get_member (body, "namespace"), levels, "namespace",
                             resp))
    return;
  g_ptr_array_add (levels, NULL);
  g_autofree char *name = NULL;
  if (!ice_namespace_db_new_or_reply (call, (char **) levels->pdata, &name, resp))
    return;
  g_autoptr (MsDatabase) db = ms_database_new ();
  db->name = g_strdup (name);
  db->catalog = g_strdup (call->catalog);
  if (!string_map_or_reply (json_object_get_member (body, "properties"), db->params,
                            "properties", resp))
    return;
  apply_special (db, db->params);
  g_autoptr (GError) err = NULL;
  if (!ms_service_namespace_create (call->ice->store, call->io->guard, call->io->storage, db,
                                    NULL, &err))
    {
      if (g_error_matches (err, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        return ice_reply_fail (resp, ICE_ERROR_ALREADY_EXISTS, "Namespace already exists: %s",
                               name);
      if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
        {
          /* only a nested namespace has a parent to miss */
          g_autofree char *parent = ms_service_namespace_parent (name);
          return ice_reply_fail (resp, ICE_ERROR_NO_SUCH_NAMESPACE,
                                 "Cannot create namespace %s: parent namespace %s does not exist",
                                 name, parent ? parent : "?");
        }
      return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_NAMESPACE);
    }
  g_autoptr (MsDatabase) stored = ms_store_database_get (call->ice->store, call->catalog,
                                                         name, &err);
  if (stored == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_NAMESPACE);
  reply_namespace (resp, stored);
}

/* The database of the call's namespace, or NULL after answering (404
 * NoSuchNamespaceException). */
static MsDatabase *
load_or_reply (const IceCall *call, MsHttpResponse *resp)
{
  g_autofree char *name = NULL;
  if (!ice_namespace_db_or_reply (call, call->ns, &name, resp))
    return NULL;
  return ice_namespace_get_or_reply (call, resp, name);
}

void
ice_namespace_load (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (MsDatabase) db = load_or_reply (call, resp);
  if (db == NULL)
    return;
  reply_namespace (resp, db);
}

void
ice_namespace_exists (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (MsDatabase) db = load_or_reply (call, resp);
  /* HEAD answers carry no body */
  ice_reply_empty (resp, db ? 204 : resp->status);
}

void
ice_namespace_drop (const IceCall *call, MsHttpResponse *resp)
{
  g_autofree char *name = NULL;
  if (!ice_namespace_db_or_reply (call, call->ns, &name, resp))
    return;
  if (g_str_equal (name, MS_DEFAULT_DATABASE))
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "The namespace %s cannot be dropped",
                           name);
  g_autoptr (GError) err = NULL;
  /* as Iceberg's HiveCatalog: no cascade, the data stays */
  if (!ms_store_database_drop (call->ice->store, call->catalog, name, FALSE, NULL, NULL, &err))
    {
      if (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_OPERATION))
        return ice_reply_fail (resp, ICE_ERROR_NAMESPACE_NOT_EMPTY,
                               "Namespace %s is not empty: %s", name, err->message);
      return ice_reply_gerror_in_namespace (resp, g_steal_pointer (&err), ICE_ABOUT_NAMESPACE,
                                            name);
    }
  ms_info ("REST: dropped namespace %s", name);
  ice_reply_empty (resp, 204);
}

/* ---- properties ---- */

typedef struct {
  GHashTable *updates;         /* key -> value */
  GPtrArray *removals;         /* keys */
  JsonArray *removed, *missing;
} PropsEdit;

/* Inside the store's transaction, the row locked: as Iceberg's
 * CatalogHandlers.updateNamespaceProperties, the removals missing from the
 * properties as they were are "missing", the others "removed"; the updates
 * are applied, then the removals. */
static gboolean
edit_properties (MsDatabase *db, gpointer user, GError **error)
{
  (void) error;
  PropsEdit *e = user;
  g_autoptr (JsonNode) before = properties_node (db);
  JsonObject *had = json_node_get_object (before);
  for (guint i = 0; i < e->removals->len; i++)
    {
      const char *key = g_ptr_array_index (e->removals, i);
      json_array_add_string_element (json_object_has_member (had, key) ? e->removed : e->missing,
                                     key);
    }
  g_autoptr (GHashTable) updates = ms_params_copy (e->updates);
  apply_special (db, updates);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, updates);
  while (g_hash_table_iter_next (&it, &k, &v))
    g_hash_table_replace (db->params, g_strdup (k), g_strdup (v));
  for (guint i = 0; i < e->removals->len; i++)
    {
      const char *key = g_ptr_array_index (e->removals, i);
      if (g_str_equal (key, PROP_COMMENT))
        g_clear_pointer (&db->description, g_free);
      else if (g_str_equal (key, PROP_OWNER))
        {
          g_clear_pointer (&db->owner_name, g_free);
          db->owner_type = MS_PRINCIPAL_NONE;
        }
      else if (g_str_equal (key, PROP_OWNER_TYPE))
        db->owner_type = db->owner_name ? MS_PRINCIPAL_USER : MS_PRINCIPAL_NONE;
      else
        g_hash_table_remove (db->params, key);
    }
  return TRUE;
}

void
ice_namespace_properties (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  g_autoptr (GHashTable) updates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GPtrArray) removals = g_ptr_array_new_with_free_func (g_free);
  if (!string_map_or_reply (json_object_get_member (body, "updates"), updates, "updates", resp)
      || !string_list_or_reply (json_object_get_member (body, "removals"), removals, "removals",
                                resp))
    return;
  /* removals are a set */
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < removals->len;)
    if (g_hash_table_contains (seen, g_ptr_array_index (removals, i)))
      g_ptr_array_remove_index (removals, i);
    else
      g_hash_table_add (seen, g_ptr_array_index (removals, i++));
  for (guint i = 0; i < removals->len; i++)
    if (g_hash_table_contains (updates, g_ptr_array_index (removals, i)))
      return ice_reply_fail (resp, ICE_ERROR_UNPROCESSABLE_ENTITY,
                             "Property %s is both updated and removed",
                             (char *) g_ptr_array_index (removals, i));
  for (guint i = 0; i < removals->len; i++)
    if (g_str_equal (g_ptr_array_index (removals, i), PROP_LOCATION))
      return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                             "The location of a namespace cannot be removed");
  g_autofree char *name = NULL;
  if (!ice_namespace_db_or_reply (call, call->ns, &name, resp))
    return;

  g_autoptr (JsonArray) removed = json_array_new ();
  g_autoptr (JsonArray) missing = json_array_new ();
  PropsEdit e = { updates, removals, removed, missing };
  g_autoptr (GError) err = NULL;
  if (!ms_store_database_edit (call->ice->store, call->catalog, name, edit_properties, &e,
                               &err))
    return ice_reply_gerror_in_namespace (resp, g_steal_pointer (&err), ICE_ABOUT_NAMESPACE,
                                          name);
  JsonArray *updated = json_array_new ();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, updates);
  while (g_hash_table_iter_next (&it, &k, &v))
    json_array_add_string_element (updated, k);
  JsonObject *o = json_object_new ();
  json_object_set_array_member (o, "updated", updated);
  json_object_set_array_member (o, "removed", json_array_ref (removed));
  json_object_set_array_member (o, "missing", json_array_ref (missing));
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  ice_reply_json (resp, 200, n);
}
