/*
 * views.c: Iceberg REST views: list, create, load, exists, replace
 * (POST .../views/{view}: assert-view-uuid and the view updates), drop,
 * rename and register-view. A view is an HMS VIRTUAL_VIEW of its
 * namespace's database (parameter table_type=ICEBERG-VIEW, as Iceberg's
 * HiveViewOperations writes it), stored and committed like a table
 * (store/iceberg.c), with its own metadata model (view_metadata.c).
 */
#include "iceberg/internal.h"
#include "iceberg/view_metadata.h"
#include "core/log.h"
#include <string.h>

void
ice_views_list (const IceCall *call, MsHttpResponse *resp)
{
  g_autofree char *db = NULL;
  if (!ice_namespace_db_or_reply (call, call->ns, &db, resp))
    return;
  ice_reply_identifiers (call, resp, db, MS_ICEBERG_KIND_VIEW);
}

/* Write 'vm' as the file after 'previous' (NULL: the first). */
static char *
view_write (const IceIo *io, const MsIcebergViewMetadata *vm, const char *previous, char **text,
            GError **error)
{
  g_autofree char *file = ms_iceberg_view_metadata_next_file (vm, previous);
  gsize len = 0;
  char *json = ms_iceberg_view_metadata_to_json (vm, FALSE, &len);
  return ice_write_document (io, ms_iceberg_view_metadata_location (vm), file, "view", json, len,
                             text, error);
}


/* Make 'row' the HMS mirror of view metadata 'vm' at 'location', with its
 * SQL as the view text (the "hive" dialect, else the first, as Iceberg's
 * HiveViewOperations). */
static gboolean
mirror_view (MsTable *row, const MsIcebergViewMetadata *vm, const MsIcebergViewMetadata *base,
             const char *location, const char *previous, GError **error)
{
  GPtrArray *cols = ms_iceberg_view_metadata_hive_columns (vm, error);
  if (cols == NULL)
    return FALSE;
  IceMirror m = {
    .table_type = MS_TABLE_VIEW, .kind = MS_ICEBERG_KIND_VIEW,
    .object_location = ms_iceberg_view_metadata_location (vm), .cols = cols,
    .props = ms_iceberg_view_metadata_properties (vm),
    .old_props = base ? ms_iceberg_view_metadata_properties (base) : NULL,
    .location = location, .previous = previous, .uuid = ms_iceberg_view_metadata_uuid (vm),
  };
  ice_mirror_object (row, &m);
  const char *sql = ms_iceberg_view_metadata_sql (vm, "hive");
  g_free (row->view_original_text);
  g_free (row->view_expanded_text);
  row->view_original_text = g_strdup (sql);
  row->view_expanded_text = g_strdup (sql);
  return TRUE;
}

/* ---- create, register, replace: one commit step each ---- */

typedef enum { VIEW_CREATE, VIEW_REGISTER, VIEW_REPLACE } ViewOp;

typedef struct {
  MsIceberg *ice;
  const IceIo *io;             /* the catalog's storage settings */
  ViewOp op;
  MsIcebergViewMetadata *vm;   /* create, register: the new view */
  const char *location;        /* register: the adopted file and its text */
  const char *text;
  JsonArray *requirements;     /* replace */
  JsonArray *updates;
  char *written;
  char *out_location;
  char *out_text;
} ViewCtx;

static gboolean
view_step (gpointer user, MsIcebergStep *st, GError **error)
{
  ViewCtx *cx = user;
  const MsIcebergRef *ref = st->ref;
  g_autoptr (MsIcebergViewMetadata) base = NULL;
  g_autoptr (MsIcebergViewMetadata) next = NULL;
  g_autofree char *base_text = NULL;
  if (cx->op != VIEW_REPLACE)
    {
      /* Iceberg's catalogs' texts (JdbcCatalog, ViewCatalogTests) */
      if (st->row != NULL && g_strcmp0 (st->kind, MS_ICEBERG_KIND_VIEW) == 0)
        return ms_fail (error, MS_ERROR_ALREADY_EXISTS, "View already exists: %s.%s", ref->db,
                        ref->name);
      if (st->row != NULL)
        return ms_fail (error, MS_ERROR_ALREADY_EXISTS,
                        "Table with same name already exists: %s.%s", ref->db, ref->name);
      next = ms_iceberg_view_metadata_copy (cx->vm);
    }
  else
    {
      if (st->row == NULL || g_strcmp0 (st->kind, MS_ICEBERG_KIND_VIEW) != 0)
        return ms_fail (error, MS_ERROR_NOT_FOUND, "View does not exist: %s.%s", ref->db,
                        ref->name);
      base_text = ice_metadata_text (cx->io, st->metadata_location, st->cached_location,
                                     st->cached_metadata, NULL, error);
      if (base_text == NULL)
        return FALSE;
      base = ice_view_metadata_from_text (st->metadata_location, base_text, error);
      if (base == NULL)
        return FALSE;
      next = ms_iceberg_view_metadata_commit (base, cx->requirements, cx->updates, error);
      if (next == NULL)
        return FALSE;
      if (!ms_iceberg_view_metadata_changed (next))
        {
          cx->out_location = g_strdup (st->metadata_location);
          cx->out_text = g_steal_pointer (&base_text);
          return TRUE;
        }
    }
  g_autofree char *location = NULL, *text = NULL;
  const char *previous = base ? st->metadata_location : NULL;
  if (cx->op == VIEW_REGISTER)
    {
      location = g_strdup (cx->location);
      text = g_strdup (cx->text);
    }
  else
    {
      location = view_write (cx->io, next, previous, &text, error);
      if (location == NULL)
        return FALSE;
      cx->written = g_strdup (location);
    }
  if (st->row == NULL)
    st->row = ms_table_new ();
  if (!mirror_view (st->row, next, base, location, previous, error))
    return FALSE;
  cx->out_location = g_strdup (location);
  cx->out_text = g_strdup (text);
  st->next_location = g_steal_pointer (&location);
  st->next_metadata = g_steal_pointer (&text);
  return TRUE;
}

static void
run_view (const IceCall *call, MsHttpResponse *resp, const char *db, const char *name,
          ViewCtx *cx)
{
  g_autoptr (GError) err = NULL;
  gboolean ok = ice_commit_one (call, db, name, view_step, cx, &cx->written, &err);
  /* a replace is a commit; a create or register finds no namespace */
  if (ok)
    ice_reply_table (call, resp, cx->out_location, cx->out_text, TRUE, NULL);
  else if (cx->op == VIEW_REPLACE)
    ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_VIEW | ICE_ABOUT_COMMIT);
  else
    ice_reply_gerror_in_namespace (resp, g_steal_pointer (&err), ICE_ABOUT_VIEW, db);
  g_free (cx->out_location);
  g_free (cx->out_text);
}

void
ice_view_create (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  const char *name_in = ice_member_string (body, "name");
  if (name_in == NULL)
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "Missing view name");
  g_autofree char *db = NULL, *name = NULL;
  if (!ice_object_ident_or_reply (call, call->ns, name_in, ICE_ERROR_NONE, &db, &name, resp))
    return;
  g_autoptr (MsDatabase) d = ice_namespace_get_or_reply (call, resp, db);
  if (d == NULL)
    return;
  g_autofree char *default_location = d->location_uri ? ms_storage_join (d->location_uri, name)
                                                      : NULL;
  g_autoptr (GError) err = NULL;
  g_autoptr (MsIcebergViewMetadata) vm = ms_iceberg_view_metadata_create (body, default_location,
                                                                          &err);
  if (vm == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_VIEW);
  ViewCtx cx = { .ice = call->ice, .io = call->io, .op = VIEW_CREATE, .vm = vm };
  run_view (call, resp, db, name, &cx);
}

void
ice_view_register (const IceCall *call, MsHttpResponse *resp)
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
  g_autoptr (MsIcebergViewMetadata) vm = ice_view_metadata_from_text (location, text, &err);
  if (vm == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_VIEW);
  ViewCtx cx = { .ice = call->ice, .io = call->io, .op = VIEW_REGISTER, .vm = vm, .location = location,
                 .text = text };
  run_view (call, resp, db, name, &cx);
}

void
ice_view_replace (const IceCall *call, MsHttpResponse *resp)
{
  g_autofree char *db = NULL, *name = NULL;
  if (!ice_object_ident_or_reply (call, call->ns, call->name, ICE_ERROR_NO_SUCH_VIEW, &db, &name,
                                  resp))
    return;
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  JsonNode *reqs = json_object_get_member (body, "requirements");
  JsonArray *updates = ice_member_array (body, "updates");
  if ((reqs != NULL && !JSON_NODE_HOLDS_ARRAY (reqs)) || updates == NULL)
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                           "CommitViewRequest needs an \"updates\" array");
  g_autoptr (GError) err = NULL;
  if (!ms_iceberg_view_updates_check_actions (updates, &err))
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "%s", err->message);
  ViewCtx cx = { .ice = call->ice, .io = call->io, .op = VIEW_REPLACE, .updates = updates,
                 .requirements = reqs ? json_node_get_array (reqs) : NULL };
  run_view (call, resp, db, name, &cx);
}

void
ice_view_load (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (MsIcebergEntry) e = ice_object_entry_or_reply (call, resp, MS_ICEBERG_KIND_VIEW);
  if (e == NULL || !ice_metadata_file_present_or_reply (call, resp, e))
    return;
  g_autofree char *text = ice_current_text_or_reply (call, resp, e);
  if (text == NULL)
    return;
  ice_reply_table (call, resp, e->metadata_location, text, TRUE, NULL);
}

void
ice_view_exists (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (MsIcebergEntry) e = ice_object_entry_or_reply (call, resp, MS_ICEBERG_KIND_VIEW);
  ice_reply_empty (resp, e ? 204 : resp->status);
}

void
ice_view_drop (const IceCall *call, MsHttpResponse *resp)
{
  g_autofree char *db = NULL, *name = NULL;
  if (!ice_object_ident_or_reply (call, call->ns, call->name, ICE_ERROR_NO_SUCH_VIEW, &db, &name,
                                  resp))
    return;
  g_autoptr (GError) err = NULL;
  if (!ms_store_iceberg_drop (call->ice->store, call->catalog, db, name, MS_ICEBERG_KIND_VIEW,
                              NULL, &err))
    {
      if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
        return ice_reply_missing (resp, ICE_ERROR_NO_SUCH_VIEW, db, name);
      return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_VIEW);
    }
  ice_reply_empty (resp, 204);
}

void
ice_view_rename (const IceCall *call, MsHttpResponse *resp)
{
  ice_object_rename (call, resp, MS_ICEBERG_KIND_VIEW);
}
