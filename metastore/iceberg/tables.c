/*
 * tables.c: Iceberg REST tables other than commits (commit.c): list,
 * create (and stage-create), load, exists, drop (with purge), rename,
 * register and metrics. A table is an HMS table of its namespace's
 * database, mirrored as Iceberg's HiveCatalog does (table_state.c), so
 * Spark and Trino see it through Thrift.
 */
#include "iceberg/internal.h"
#include "core/log.h"
#include <string.h>
#include "core/json_text.h"

void
ice_tables_list (const IceCall *call, MsHttpResponse *resp)
{
  g_autofree char *db = NULL;
  if (!ice_namespace_db_or_reply (call, call->ns, &db, resp))
    return;
  ice_reply_identifiers (call, resp, db, MS_ICEBERG_KIND_TABLE);
}

/* ---- create and register: one new table (or, for register with
 * overwrite, a replaced one) in one commit ---- */

typedef struct {
  MsIceberg *ice;
  const IceIo *io;             /* the catalog's storage settings */
  MsIcebergMetadata *md;       /* the new table's metadata */
  const char *location;        /* register: the adopted file; NULL: write one */
  const char *text;            /* register: that file's text */
  gboolean overwrite;
  char *written;               /* a file this call wrote */
  char *out_location;
  char *out_text;
} CreateCtx;

static gboolean
create_step (gpointer user, MsIcebergStep *st, GError **error)
{
  CreateCtx *cx = user;
  g_autoptr (MsIcebergMetadata) base = NULL;
  if (st->row != NULL)
    {
      if (!cx->overwrite || g_strcmp0 (st->kind, MS_ICEBERG_KIND_TABLE) != 0)
        return ms_fail (error, MS_ERROR_ALREADY_EXISTS, "%s already exists: %s.%s",
                        g_strcmp0 (st->kind, MS_ICEBERG_KIND_VIEW) == 0 ? "View with same name"
                        : "Table", st->ref->db, st->ref->name);
      /* the replaced metadata, for the properties it had (best effort) */
      g_autofree char *old = ice_metadata_text (cx->io, st->metadata_location, st->cached_location,
                                                st->cached_metadata, NULL, NULL);
      if (old != NULL)
        base = ms_iceberg_metadata_parse (old, -1, NULL);
    }
  g_autofree char *location = NULL, *text = NULL;
  if (cx->location != NULL)
    {
      location = g_strdup (cx->location);
      text = g_strdup (cx->text);
    }
  else
    {
      location = ice_metadata_write (cx->io, cx->md, NULL, &text, error);
      if (location == NULL)
        return FALSE;
      cx->written = g_strdup (location);
    }
  if (st->row == NULL)
    st->row = ms_table_new ();
  const char *previous = base ? st->metadata_location : NULL;
  if (!ice_mirror_table (st->row, cx->md, base, location, previous, error))
    return FALSE;
  cx->out_location = g_strdup (location);
  cx->out_text = g_strdup (text);
  st->next_location = g_steal_pointer (&location);
  st->next_metadata = g_steal_pointer (&text);
  return TRUE;
}

/* Run a create; on failure the file it wrote goes (nothing refers to it). */
static void
run_create (const IceCall *call, MsHttpResponse *resp, const char *db, const char *name,
            CreateCtx *cx)
{
  g_autoptr (GError) err = NULL;
  gboolean ok = ice_commit_one (call, db, name, create_step, cx, &cx->written, &err);
  if (!ok)
    {
      g_free (cx->out_location);
      g_free (cx->out_text);
      return ice_reply_gerror_in_namespace (resp, g_steal_pointer (&err), ICE_ABOUT_TABLE, db);
    }
  ice_reply_table (call, resp, cx->out_location, cx->out_text, TRUE, "all");
  g_free (cx->out_location);
  g_free (cx->out_text);
}

/* Where a new table 'name' of database 'd' goes when the client names no
 * location: <database location>/<name>, as Iceberg's HiveCatalog, unless
 * another table or view of the database is there (one renamed away keeps
 * its files where they were; a purge of it deletes everything under its
 * location). Then <name>-<random uuid>, as Iceberg's unique-table-location. */
static char *
default_table_location (const IceCall *call, const MsDatabase *d, const char *name,
                        GError **error)
{
  g_autofree char *plain = ms_storage_join (d->location_uri, name);
  gboolean used = FALSE;
  if (!ms_store_iceberg_location_used (call->ice->store, call->catalog, d->name, plain,
                                       &used, error))
    return NULL;
  if (!used)
    return g_steal_pointer (&plain);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr (GString) unique = g_string_new (name);
  g_string_append_c (unique, '-');
  for (const char *p = uuid; *p; p++)
    if (*p != '-')
      g_string_append_c (unique, *p);
  return ms_storage_join (d->location_uri, unique->str);
}

void
ice_table_create (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  JsonNode *name_node = json_object_get_member (body, "name");
  if (name_node == NULL || !JSON_NODE_HOLDS_VALUE (name_node)
      || json_node_get_value_type (name_node) != G_TYPE_STRING)
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "Missing table name");
  JsonNode *stage = json_object_get_member (body, "stage-create");
  if (stage != NULL && !JSON_NODE_HOLDS_NULL (stage)
      && (!JSON_NODE_HOLDS_VALUE (stage) || json_node_get_value_type (stage) != G_TYPE_BOOLEAN))
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "stage-create must be a boolean");
  JsonNode *loc = json_object_get_member (body, "location");
  if (loc != NULL && !JSON_NODE_HOLDS_NULL (loc)
      && (!JSON_NODE_HOLDS_VALUE (loc) || json_node_get_value_type (loc) != G_TYPE_STRING))
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "location must be a string");
  g_autofree char *db = NULL, *name = NULL;
  if (!ice_object_ident_or_reply (call, call->ns, json_node_get_string (name_node),
                                  ICE_ERROR_NONE, &db, &name, resp))
    return;
  g_autoptr (MsDatabase) d = ice_namespace_get_or_reply (call, resp, db);
  if (d == NULL)
    return;
  g_autoptr (GError) err = NULL;
  g_autofree char *default_location = NULL;
  if (d->location_uri != NULL
      && (default_location = default_table_location (call, d, name, &err)) == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_TABLE);
  g_autoptr (MsIcebergMetadata) md = ms_iceberg_metadata_create (body, default_location, &err);
  if (md == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_TABLE);
  if (!ice_access_prepare_or_reply (call, resp, ms_iceberg_metadata_location (md)))
    return;

  if (ice_member_bool (body, "stage-create", FALSE))
    {
      /* nothing is stored: the table appears with the commit that carries
       * assert-create */
      g_autoptr (MsIcebergEntry) e = ms_store_iceberg_get (call->ice->store, call->catalog,
                                                           db, name, NULL);
      if (e != NULL)
        return ice_reply_fail (resp, ICE_ERROR_ALREADY_EXISTS, "Table already exists: %s.%s", db,
                               name);
      g_autofree char *text = ms_iceberg_metadata_to_json (md, FALSE, NULL);
      return ice_reply_table (call, resp, NULL, text, TRUE, NULL);
    }
  CreateCtx cx = { .ice = call->ice, .io = call->io, .md = md };
  run_create (call, resp, db, name, &cx);
}

void
ice_table_register (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  g_autofree char *db = NULL, *name = NULL, *text = NULL;
  if (!ice_register_request_or_reply (call, resp, body, &db, &name, &text))
    return;
  const char *location = ice_member_string (body, "metadata-location");
  g_autoptr (GError) err = NULL;
  g_autoptr (MsIcebergMetadata) md = ice_metadata_from_text (location, text, &err);
  if (md == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_TABLE);
  if (!ice_location_allowed (call->io, ms_iceberg_metadata_location (md), "table location", &err))
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_TABLE);
  if (!ice_access_prepare_or_reply (call, resp, ms_iceberg_metadata_location (md)))
    return;
  CreateCtx cx = {
    .ice = call->ice,
    .io = call->io,
    .md = md,
    .location = location,
    .text = text,
    .overwrite = ice_member_bool (body, "overwrite", FALSE),
  };
  run_create (call, resp, db, name, &cx);
}

/* ---- load and exists ---- */

/* The metadata document with only the snapshots some ref points at. */
static char *
only_ref_snapshots (const char *location, const char *text, GError **error)
{
  g_autoptr (MsIcebergMetadata) md = ice_metadata_from_text (location, text, error);
  if (md == NULL)
    return NULL;
  JsonObject *o = ms_iceberg_metadata_to_object (md);
  JsonObject *refs = ice_member_object (o, "refs");
  g_autoptr (GHashTable) keep = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (refs)
    {
      g_autoptr (GList) names = json_object_get_members (refs);
      for (GList *l = names; l; l = l->next)
        {
          JsonObject *r = ice_member_object (refs, l->data);
          gint64 id = r ? json_object_get_int_member_with_default (r, "snapshot-id", -1) : -1;
          g_array_append_val (ids, id);
        }
    }
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (keep, &g_array_index (ids, gint64, i));
  JsonNode *snaps = json_object_get_member (o, "snapshots");
  if (snaps && JSON_NODE_HOLDS_ARRAY (snaps))
    {
      JsonArray *in = json_node_get_array (snaps);
      JsonArray *out = json_array_new ();
      for (guint i = 0; i < json_array_get_length (in); i++)
        {
          JsonObject *s = json_array_get_object_element (in, i);
          gint64 id = s ? json_object_get_int_member_with_default (s, "snapshot-id", -1) : -1;
          if (g_hash_table_contains (keep, &id))
            json_array_add_element (out, json_node_copy (json_array_get_element (in, i)));
        }
      json_object_set_array_member (o, "snapshots", out);
    }
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, o);
  char *textout = ms_json_text (n, FALSE, NULL);
  json_node_unref (n);
  return textout;
}

void
ice_table_load (const IceCall *call, MsHttpResponse *resp)
{
  const char *mode = g_hash_table_lookup (call->req->query, "snapshots");
  if (mode != NULL && !g_str_equal (mode, "all") && !g_str_equal (mode, "refs"))
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                           "snapshots must be 'all' or 'refs', not '%s'", mode);
  gboolean refs_only = mode != NULL && g_str_equal (mode, "refs");
  g_autoptr (MsIcebergEntry) e = ice_object_entry_or_reply (call, resp, MS_ICEBERG_KIND_TABLE);
  if (e == NULL || !ice_metadata_file_present_or_reply (call, resp, e))
    return;
  /* the ETag names the metadata file and the snapshot mode */
  g_autofree char *etag = ice_table_etag (e->metadata_location, refs_only ? "refs" : "all");
  const char *inm = ms_http_request_header (call->req, "If-None-Match");
  if (inm != NULL && g_str_equal (inm, etag))
    {
      ms_http_response_header (resp, "ETag", etag);
      return ice_reply_empty (resp, 304);
    }
  g_autofree char *text = ice_current_text_or_reply (call, resp, e);
  if (text == NULL)
    return;
  g_autoptr (GError) err = NULL;
  if (refs_only)
    {
      g_autofree char *filtered = only_ref_snapshots (e->metadata_location, text, &err);
      if (filtered == NULL)
        return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_TABLE);
      g_free (text);
      text = g_steal_pointer (&filtered);
    }
  ice_reply_table (call, resp, e->metadata_location, text, TRUE, refs_only ? "refs" : "all");
}

void
ice_table_exists (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (MsIcebergEntry) e = ice_object_entry_or_reply (call, resp, MS_ICEBERG_KIND_TABLE);
  ice_reply_empty (resp, e ? 204 : resp->status);
}

/* ---- drop, rename, metrics ---- */

void
ice_table_drop (const IceCall *call, MsHttpResponse *resp)
{
  const char *purge_text = g_hash_table_lookup (call->req->query, "purgeRequested");
  gboolean purge = purge_text != NULL && g_ascii_strcasecmp (purge_text, "true") == 0;
  if (purge_text != NULL && !purge && g_ascii_strcasecmp (purge_text, "false") != 0)
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                           "purgeRequested must be true or false, not '%s'", purge_text);
  g_autofree char *db = NULL, *name = NULL;
  if (!ice_object_ident_or_reply (call, call->ns, call->name, ICE_ERROR_NO_SUCH_TABLE, &db, &name,
                                  resp))
    return;
  g_autoptr (GError) err = NULL;
  g_autofree char *location = NULL;
  if (!ms_store_iceberg_drop (call->ice->store, call->catalog, db, name, MS_ICEBERG_KIND_TABLE,
                              &location, &err))
    {
      if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
        return ice_reply_missing (resp, ICE_ERROR_NO_SUCH_TABLE, db, name);
      return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_TABLE);
    }
  /* purged only inside the allowed locations, never the warehouse root
   * or what holds it (the storage guard); otherwise the data stays */
  if (purge && location != NULL
      && ms_service_data_delete (call->io->guard, call->io->storage, location, NULL,
                                 "table location"))
    ms_info ("drop %s.%s: purged %s", db, name, location);
  ice_reply_empty (resp, 204);
}

/* A TableIdentifier member {namespace: [...], name} of 'body' ('missing':
 * as ice_object_ident_or_reply), or FALSE after answering. */
static gboolean
identifier_member_or_reply (const IceCall *call, JsonObject *body, const char *member,
                            IceError missing, char **db, char **name, MsHttpResponse *resp)
{
  JsonNode *n = json_object_get_member (body, member);
  JsonObject *o = n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
  JsonNode *nsn = o ? json_object_get_member (o, "namespace") : NULL;
  JsonNode *nn = o ? json_object_get_member (o, "name") : NULL;
  if (nsn == NULL || !JSON_NODE_HOLDS_ARRAY (nsn) || nn == NULL || !JSON_NODE_HOLDS_VALUE (nn)
      || json_node_get_value_type (nn) != G_TYPE_STRING)
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                      "%s must be a table identifier {namespace, name}", member);
      return FALSE;
    }
  JsonArray *a = json_node_get_array (nsn);
  g_autoptr (GPtrArray) levels = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *l = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (l) || json_node_get_value_type (l) != G_TYPE_STRING)
        {
          ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                          "%s.namespace must be an array of strings", member);
          return FALSE;
        }
      g_ptr_array_add (levels, (gpointer) json_node_get_string (l));
    }
  g_ptr_array_add (levels, NULL);
  return ice_object_ident_or_reply (call, (char **) levels->pdata, json_node_get_string (nn),
                                    missing, db, name, resp);
}

/* A TableIdentifier member of 'body' as the client wrote it, for
 * messages: its namespace levels and name joined by '.'. */
static char *
identifier_text (JsonObject *body, const char *member)
{
  JsonObject *o = ice_member_object (body, member);
  JsonArray *ns = ice_member_array (o, "namespace");
  g_autoptr (GString) s = g_string_new (NULL);
  for (guint i = 0; ns && i < json_array_get_length (ns); i++)
    {
      JsonNode *l = json_array_get_element (ns, i);
      if (JSON_NODE_HOLDS_VALUE (l) && json_node_get_value_type (l) == G_TYPE_STRING)
        g_string_append_printf (s, "%s.", json_node_get_string (l));
    }
  const char *name = ice_member_string (o, "name");
  g_string_append (s, name ? name : "");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* 409 for a rename onto a taken name, with the texts of Iceberg's catalogs
 * (JdbcCatalog): which kind of object holds the name decides. */
static void
reply_rename_taken (const IceCall *call, MsHttpResponse *resp, JsonObject *body, gboolean view,
                    const char *to_db, const char *to_name)
{
  g_autoptr (MsIcebergEntry) there = ms_store_iceberg_get (call->ice->store, call->catalog,
                                                           to_db, to_name, NULL);
  gboolean holds_view = there != NULL && g_strcmp0 (there->kind, MS_ICEBERG_KIND_VIEW) == 0;
  g_autofree char *from = identifier_text (body, "source");
  g_autofree char *to = identifier_text (body, "destination");
  if (!view && !holds_view)
    return ice_reply_fail (resp, ICE_ERROR_ALREADY_EXISTS, "Table already exists: %s", to);
  ice_reply_fail (resp, ICE_ERROR_ALREADY_EXISTS, "Cannot rename %s to %s. %s already exists",
                  from, to, holds_view ? "View" : "Table");
}

/* Rename for tables and views (views.c calls it with its kind). */
void
ice_object_rename (const IceCall *call, MsHttpResponse *resp, const char *kind)
{
  gboolean view = g_str_equal (kind, MS_ICEBERG_KIND_VIEW);
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  g_autofree char *db = NULL, *name = NULL, *to_db = NULL, *to_name = NULL;
  IceError missing = view ? ICE_ERROR_NO_SUCH_VIEW : ICE_ERROR_NO_SUCH_TABLE;
  if (!identifier_member_or_reply (call, body, "source", missing, &db, &name, resp)
      || !identifier_member_or_reply (call, body, "destination", ICE_ERROR_NONE, &to_db,
                                      &to_name, resp))
    return;
  g_autoptr (GError) err = NULL;
  if (!ms_store_iceberg_rename (call->ice->store, call->catalog, db, name, to_db, to_name,
                                kind, &err))
    {
      if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
        return ice_reply_missing (resp, missing, db, name);
      if (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_OBJECT))
        return ice_reply_no_namespace (resp, to_db);
      if (g_error_matches (err, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        return reply_rename_taken (call, resp, body, view, to_db, to_name);
      return ice_reply_gerror (resp, g_steal_pointer (&err),
                               view ? ICE_ABOUT_VIEW : ICE_ABOUT_TABLE);
    }
  ice_reply_empty (resp, 204);
}

void
ice_table_rename (const IceCall *call, MsHttpResponse *resp)
{
  ice_object_rename (call, resp, MS_ICEBERG_KIND_TABLE);
}

void
ice_table_metrics (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  if (ice_member_string (body, "report-type") == NULL)
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                           "A metrics report needs a report-type");
  g_autoptr (MsIcebergEntry) e = ice_object_entry_or_reply (call, resp, MS_ICEBERG_KIND_TABLE);
  if (e == NULL)
    return;
  /* accepted and not kept */
  ice_reply_empty (resp, 204);
}
