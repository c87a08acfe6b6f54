/*
 * commit.c: table commits. POST .../tables/{table} commits one table;
 * POST /v1/{prefix}/transactions/commit commits several in one PostgreSQL
 * transaction: every table's row is locked, every requirement checked
 * against its current metadata and every update applied, a new metadata
 * file written per changed table, and the rows swapped, or nothing is.
 *
 * A body without "requirements" and "updates" but with "schema",
 * "partition-spec" or "properties" (what the legacy iceberg-js 0.8 client
 * sends to update a table) is read as the updates it means.
 */
#include "iceberg/internal.h"
#include "core/log.h"
#include <string.h>

typedef struct {
  JsonArray *requirements;     /* borrowed from the body (or 'owned') */
  JsonArray *updates;
  JsonNode *owned;             /* a translated legacy body's arrays */
  gboolean creates;            /* has an assert-create requirement */
  JsonObject *legacy_current_schema;  /* legacy body: the set-current-schema -1 */
  JsonObject *legacy_default_spec;    /* ... and the set-default-spec -1 */
} Change;

typedef struct {
  MsIceberg *ice;
  const IceIo *io;             /* the catalog's storage settings */
  Change *changes;
  GPtrArray *written;          /* files written by this commit */
  char *out_location;          /* the last step's result */
  char *out_text;
  gboolean name_taken;         /* a step refused a create: a view holds the name */
} CommitCtx;

static gboolean
has_assert_create (JsonArray *requirements)
{
  for (guint i = 0; requirements && i < json_array_get_length (requirements); i++)
    {
      JsonNode *n = json_array_get_element (requirements, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      if (g_strcmp0 (ice_member_string (o, "type"), "assert-create") == 0)
        return TRUE;
    }
  return FALSE;
}

static void
set_result (CommitCtx *cx, const char *location, const char *text)
{
  g_free (cx->out_location);
  g_free (cx->out_text);
  cx->out_location = g_strdup (location);
  cx->out_text = g_strdup (text);
}

/* The id of the element of 'list' (of 'base') whose "fields" equal those of
 * 'like', or -1. */
static gint64
same_fields_id (const MsIcebergMetadata *base, const char *list, const char *id_key,
                JsonObject *like)
{
  JsonArray *a = ice_member_array (ms_iceberg_metadata_tree (base), list);
  JsonNode *want = like ? json_object_get_member (like, "fields") : NULL;
  for (guint i = 0; want && a && i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      JsonNode *have = o ? json_object_get_member (o, "fields") : NULL;
      JsonNode *id = o ? json_object_get_member (o, id_key) : NULL;
      if (have && id && JSON_NODE_HOLDS_VALUE (id) && json_node_equal (have, want))
        return json_node_get_int (id);
    }
  return -1;
}

/* A legacy body that re-sends a schema or spec the table already has means
 * "make that one current": Iceberg's builder reuses the existing one, and
 * then "-1" (the one added last) names nothing, so name it. */
static void
legacy_resolve (Change *ch, const MsIcebergMetadata *base)
{
  if (base == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (ch->updates); i++)
    {
      JsonObject *u = json_array_get_object_element (ch->updates, i);
      const char *action = ice_member_string (u, "action");
      if (g_strcmp0 (action, "add-schema") == 0 && ch->legacy_current_schema)
        {
          gint64 id = same_fields_id (base, "schemas", "schema-id", ice_member_object (u, "schema"));
          if (id >= 0)
            json_object_set_int_member (ch->legacy_current_schema, "schema-id", id);
        }
      else if (g_strcmp0 (action, "add-spec") == 0 && ch->legacy_default_spec)
        {
          gint64 id = same_fields_id (base, "partition-specs", "spec-id", ice_member_object (u, "spec"));
          if (id >= 0)
            json_object_set_int_member (ch->legacy_default_spec, "spec-id", id);
        }
    }
}

static gboolean
commit_step (gpointer user, MsIcebergStep *st, GError **error)
{
  CommitCtx *cx = user;
  Change *ch = &cx->changes[st->index];
  const MsIcebergRef *ref = st->ref;
  if (st->row != NULL && g_strcmp0 (st->kind, MS_ICEBERG_KIND_TABLE) != 0)
    {
      /* a create where a view is: Iceberg's catalogs' AlreadyExistsException */
      if (ch->creates && g_strcmp0 (st->kind, MS_ICEBERG_KIND_VIEW) == 0)
        {
          cx->name_taken = TRUE;
          return ms_fail (error, MS_ERROR_ALREADY_EXISTS,
                          "View with same name already exists: %s.%s", ref->db, ref->name);
        }
      if (ch->creates)
        return ms_fail (error, MS_ERROR_CONFLICT, "Requirement failed: table already exists");
      return ms_fail (error, MS_ERROR_NOT_FOUND, "Table does not exist: %s.%s", ref->db, ref->name);
    }
  if (st->row == NULL && !ch->creates)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "Table does not exist: %s.%s", ref->db, ref->name);

  /* the base: parsed by an earlier commit, else from its text */
  g_autoptr (MsIcebergMetadata) base = NULL;
  gsize base_bytes = 0;
  if (st->row != NULL)
    {
      IceMdCache *cache = cx->ice->md_cache;
      base = ice_md_cache_take (cache, st->metadata_location, &base_bytes);
      if (base == NULL)
        {
          g_autofree char *base_text = ice_metadata_text (cx->io, st->metadata_location,
                                                          st->cached_location,
                                                          st->cached_metadata, NULL, error);
          if (base_text == NULL)
            return FALSE;
          base = ice_metadata_from_text (st->metadata_location, base_text, error);
          if (base == NULL)
            return FALSE;
          base_bytes = strlen (base_text);
        }
    }
  legacy_resolve (ch, base);
  g_autoptr (MsIcebergMetadata) next = ms_iceberg_metadata_commit (base, ch->requirements,
                                                                   ch->updates, error);
  if (next == NULL || (base != NULL && !ms_iceberg_metadata_changed (next)))
    {
      if (next != NULL)
        {
          /* nothing changed: no new file, the same location */
          g_autofree char *same = ice_metadata_text (cx->io, st->metadata_location,
                                                     st->cached_location, st->cached_metadata,
                                                     NULL, error);
          if (same == NULL)
            return FALSE;
          set_result (cx, st->metadata_location, same);
        }
      if (base != NULL)
        ice_md_cache_put (cx->ice->md_cache, st->metadata_location, g_steal_pointer (&base),
                          base_bytes);
      return next != NULL;
    }
  g_autofree char *text = NULL;
  const char *previous = base ? st->metadata_location : NULL;
  g_autofree char *location = ice_metadata_write (cx->io, next, previous, &text, error);
  if (location == NULL)
    return FALSE;
  g_ptr_array_add (cx->written, g_strdup (location));
  if (st->row == NULL)
    st->row = ms_table_new ();
  if (!ice_mirror_table (st->row, next, base, location, previous, error))
    return FALSE;
  ice_md_cache_put (cx->ice->md_cache, location, g_steal_pointer (&next), strlen (text));
  set_result (cx, location, text);
  st->next_location = g_steal_pointer (&location);
  st->next_metadata = g_steal_pointer (&text);
  return TRUE;
}

/* Run the commit of 'refs' (their changes in cx->changes). On a failure
 * whose outcome is certain, the files written go again. */
static gboolean
run_commit (CommitCtx *cx, const MsIcebergRef *refs, guint n, GError **error)
{
  cx->written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) err = NULL;
  gboolean ok = ms_store_iceberg_commit (cx->ice->store, refs, n, commit_step, cx, &err);
  if (!ok)
    {
      /* a create that lost a race is a failed assert-create */
      if (g_error_matches (err, MS_ERROR, MS_ERROR_ALREADY_EXISTS) && !cx->name_taken)
        {
          g_clear_error (&err);
          ms_fail (&err, MS_ERROR_CONFLICT, "Requirement failed: table already exists");
        }
      /* unavailable and internal errors may come from COMMIT itself: then
       * the files may be referenced and stay */
      if (err->code != MS_ERROR_UNAVAILABLE && err->code != MS_ERROR_INTERNAL)
        for (guint i = 0; i < cx->written->len; i++)
          ms_service_data_delete (cx->io->guard, cx->io->storage,
                                  g_ptr_array_index (cx->written, i), NULL, "metadata file");
      g_propagate_error (error, g_steal_pointer (&err));
    }
  for (guint i = 0; ok && i < cx->written->len; i++)
    ice_sweeper_after_commit (cx->ice->sweeper, cx->io, g_ptr_array_index (cx->written, i));
  g_clear_pointer (&cx->written, g_ptr_array_unref);
  return ok;
}

static void
ctx_clear (CommitCtx *cx)
{
  g_free (cx->out_location);
  g_free (cx->out_text);
}

/* ---- parsing a change ---- */

/* Append {"action": action} to updates 'u'; the array owns it. */
static JsonObject *
append_action (JsonArray *u, const char *action)
{
  JsonObject *a = json_object_new ();
  json_object_set_string_member (a, "action", action);
  json_array_add_object_element (u, a);
  return a;
}

/* Append the legacy body's 'member' as update 'add' (in its 'field'), then
 * update 'set' selecting the last added ('id_key' -1), which it returns. */
static JsonObject *
append_add_and_select (JsonArray *u, JsonObject *o, const char *member, const char *add,
                       const char *field, const char *set, const char *id_key)
{
  json_object_set_member (append_action (u, add), field,
                          json_node_copy (json_object_get_member (o, member)));
  JsonObject *c = append_action (u, set);
  json_object_set_int_member (c, id_key, -1);
  return c;
}

/* Fill 'ch' from a CommitTableRequest / TableUpdate body, or FALSE after
 * answering 400. */
static gboolean
parse_change_or_reply (JsonObject *o, Change *ch, const char *what, MsHttpResponse *resp)
{
  JsonNode *reqs = json_object_get_member (o, "requirements");
  JsonNode *upds = json_object_get_member (o, "updates");
  if (reqs == NULL && upds == NULL
      && (json_object_has_member (o, "properties") || json_object_has_member (o, "schema")
          || json_object_has_member (o, "partition-spec")))
    {
      /* the legacy iceberg-js body: say what it means */
      JsonArray *u = json_array_new ();
      JsonObject *props = ice_member_object (o, "properties");
      if (json_object_has_member (o, "properties") && props == NULL)
        {
          json_array_unref (u);
          ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "properties must be an object");
          return FALSE;
        }
      if (props)
        json_object_set_member (append_action (u, "set-properties"), "updates",
                                json_node_copy (json_object_get_member (o, "properties")));
      if (json_object_has_member (o, "schema"))
        ch->legacy_current_schema = append_add_and_select (u, o, "schema", "add-schema", "schema",
                                                           "set-current-schema", "schema-id");
      if (json_object_has_member (o, "partition-spec"))
        ch->legacy_default_spec = append_add_and_select (u, o, "partition-spec", "add-spec",
                                                         "spec", "set-default-spec", "spec-id");
      JsonObject *holder = json_object_new ();
      json_object_set_array_member (holder, "requirements", json_array_new ());
      json_object_set_array_member (holder, "updates", u);
      ch->owned = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (ch->owned, holder);
      ch->requirements = json_object_get_array_member (holder, "requirements");
      ch->updates = u;
      return TRUE;
    }
  if ((reqs != NULL && !JSON_NODE_HOLDS_ARRAY (reqs)) || upds == NULL
      || !JSON_NODE_HOLDS_ARRAY (upds))
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                      "%s needs \"requirements\" and \"updates\" arrays", what);
      return FALSE;
    }
  ch->requirements = reqs ? json_node_get_array (reqs) : NULL;
  ch->updates = json_node_get_array (upds);
  g_autoptr (GError) err = NULL;
  if (!ms_iceberg_updates_check_actions (ch->updates, &err))
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "%s", err->message);
      return FALSE;
    }
  ch->creates = has_assert_create (ch->requirements);
  return TRUE;
}

static void
change_clear (Change *ch)
{
  if (ch->owned)
    json_node_unref (ch->owned);
}

/* ---- POST .../tables/{table} ---- */

void
ice_table_commit (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  Change ch = { 0 };
  if (!parse_change_or_reply (body, &ch, "CommitTableRequest", resp))
    return;
  g_autofree char *db = NULL, *name = NULL;
  if (!ice_object_ident_or_reply (call, call->ns, call->name,
                                  ch.creates ? ICE_ERROR_NONE : ICE_ERROR_NO_SUCH_TABLE, &db,
                                  &name, resp))
    {
      change_clear (&ch);
      return;
    }
  CommitCtx cx = { .ice = call->ice, .io = call->io, .changes = &ch };
  MsIcebergRef ref = { call->catalog, db, name };
  GError *err = NULL;
  if (!run_commit (&cx, &ref, 1, &err))
    ice_reply_gerror (resp, err, ICE_ABOUT_TABLE | ICE_ABOUT_COMMIT);
  else
    ice_reply_table (call, resp, cx.out_location, cx.out_text, FALSE, "all");
  ctx_clear (&cx);
  change_clear (&ch);
}

/* ---- POST /v1/{prefix}/transactions/commit ---- */

typedef struct {
  char *db, *name;
} Ident;

void
ice_transaction_commit (const IceCall *call, MsHttpResponse *resp)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *body = ice_body_object_or_reply (call, resp, &parser);
  if (body == NULL)
    return;
  JsonArray *list = ice_member_array (body, "table-changes");
  if (list == NULL)
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                           "A transaction needs a \"table-changes\" array");
  guint n = json_array_get_length (list);
  if (n == 0)
    return ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                           "A transaction needs at least one table change");
  g_autofree Change *changes = g_new0 (Change, n);
  g_autofree Ident *ids = g_new0 (Ident, n);
  g_autofree MsIcebergRef *refs = g_new0 (MsIcebergRef, n);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < n; i++)
    {
      JsonNode *e = json_array_get_element (list, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      JsonObject *ident = ice_member_object (o, "identifier");
      JsonArray *ns = ice_member_array (ident, "namespace");
      const char *tname = ice_member_string (ident, "name");
      if (o == NULL || ns == NULL || tname == NULL)
        {
          ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                          "table-changes[%u] needs an identifier {namespace, name}", i);
          ok = FALSE;
          break;
        }
      g_autoptr (GPtrArray) levels = g_ptr_array_new ();
      for (guint l = 0; l < json_array_get_length (ns); l++)
        {
          JsonNode *ln = json_array_get_element (ns, l);
          if (!JSON_NODE_HOLDS_VALUE (ln) || json_node_get_value_type (ln) != G_TYPE_STRING)
            break;
          g_ptr_array_add (levels, (gpointer) json_node_get_string (ln));
        }
      if (levels->len != json_array_get_length (ns))
        {
          ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                          "table-changes[%u]: the namespace must be an array of strings", i);
          ok = FALSE;
          break;
        }
      g_ptr_array_add (levels, NULL);
      if (!parse_change_or_reply (o, &changes[i], "A table change", resp)
          || !ice_object_ident_or_reply (call, (char **) levels->pdata, tname,
                                         changes[i].creates ? ICE_ERROR_NONE
                                                            : ICE_ERROR_NO_SUCH_TABLE,
                                         &ids[i].db, &ids[i].name, resp))
        {
          ok = FALSE;
          break;
        }
      refs[i] = (MsIcebergRef) { call->catalog, ids[i].db, ids[i].name };
    }
  if (ok)
    {
      CommitCtx cx = { .ice = call->ice, .io = call->io, .changes = changes };
      GError *err = NULL;
      if (!run_commit (&cx, refs, n, &err))
        ice_reply_gerror (resp, err, ICE_ABOUT_TABLE | ICE_ABOUT_COMMIT);
      else
        ice_reply_empty (resp, 204);
      ctx_clear (&cx);
    }
  for (guint i = 0; i < n; i++)
    {
      change_clear (&changes[i]);
      g_free (ids[i].db);
      g_free (ids[i].name);
    }
}
