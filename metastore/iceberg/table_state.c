/*
 * table_state.c: what the table and view handlers share: object names,
 * the current metadata text (the stored copy or the file), writing a new
 * metadata file, the HMS mirror of a table, and the LoadTableResult reply
 * spliced around a stored document without parsing it.
 */
#include "iceberg/internal.h"
#include "iceberg/view_metadata.h"
#include "service/database.h"
#include "storage/storage.h"
#include "core/json_text.h"
#include "model/table.h"
#include "core/log.h"
#include <string.h>

#define HIVE_INPUT_FORMAT "org.apache.hadoop.mapred.FileInputFormat"
#define HIVE_OUTPUT_FORMAT "org.apache.hadoop.mapred.FileOutputFormat"
#define HIVE_SERDE "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"

gboolean
ice_object_ident_or_reply (const IceCall *call, char **const ns, const char *name,
                           IceError missing, char **db, char **object, MsHttpResponse *resp)
{
  if (missing != ICE_ERROR_NONE)
    {
      /* as the Java metastore's get_table: such a name is not found */
      *db = ms_service_namespace_name (ns, NULL);
      if (*db == NULL || name == NULL || !ms_service_check_name ("name", name, NULL))
        {
          g_clear_pointer (db, g_free);
          g_autofree char *text = ice_namespace_text (ns);
          ice_reply_missing (resp, missing, text, name ? name : "");
          return FALSE;
        }
    }
  else
    {
      if (!ice_namespace_db_or_reply (call, ns, db, resp))
        return FALSE;
      g_autoptr (GError) err = NULL;
      if (name == NULL || !ms_service_check_name ("name", name, &err))
        {
          g_clear_pointer (db, g_free);
          ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "Invalid name: %s",
                          err ? err->message : "missing");
          return FALSE;
        }
    }
  *object = g_ascii_strdown (name, -1);
  return TRUE;
}

gboolean
ice_location_allowed (const IceIo *io, const char *uri, const char *what, GError **error)
{
  return ms_storage_guard_check (io->guard, MS_ACCESS_CREATE, uri, what, error);
}

char *
ice_metadata_text (const IceIo *io, const char *location, const char *cached_location,
                   const char *cached_text, gboolean *from_storage, GError **error)
{
  if (from_storage)
    *from_storage = FALSE;
  if (location == NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_OBJECT, "The table has no metadata_location");
      return NULL;
    }
  if (cached_text != NULL && g_strcmp0 (location, cached_location) == 0)
    return g_strdup (cached_text);
  g_autoptr (GError) err = NULL;
  g_autoptr (GBytes) bytes = ms_service_file_get (io->guard, io->storage, location,
                                                  "metadata file", &err);
  if (bytes == NULL)
    {
      /* a missing file (or one not to be read) is the table's problem;
       * anything else the storage's */
      if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED))
        {
          g_propagate_error (error, g_steal_pointer (&err));
          return NULL;
        }
      gboolean clients = g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND)
                         || g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_INPUT);
      ms_fail (error, clients ? err->code : MS_ERROR_UNAVAILABLE,
               "Cannot read metadata file %s: %s", location, err->message);
      return NULL;
    }
  if (ice_metadata_codec_is_gzip (location))
    {
      GBytes *plain = ice_gunzip (bytes, MS_STORAGE_MAX_OBJECT_BYTES, &err);
      if (plain == NULL)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "Metadata file %s is %s", location,
                   err->message);
          return NULL;
        }
      g_bytes_unref (bytes);
      bytes = plain;
    }
  if (from_storage)
    *from_storage = TRUE;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr (GError) bad = NULL;
  if (!g_utf8_validate (data, (gssize) len, NULL)
      || !ms_json_precheck (data, len, MS_JSON_MAX_DEPTH, &bad))
    {
      /* the details may quote the file: the log only */
      ms_debug ("metadata file %s: %s", location, bad ? bad->message : "not UTF-8");
      ms_fail (error, MS_ERROR_INVALID_INPUT, "Metadata file %s is not JSON we read", location);
      return NULL;
    }
  return g_strndup (data, len);
}

/* The reply's error for a document that is not metadata: the file's name,
 * never the parser's message (it may quote the content). */
static void
not_metadata (const char *location, const char *kind, GError *detail, GError **error)
{
  ms_debug ("metadata file %s: %s", location ? location : "(stored copy)", detail->message);
  ms_fail (error, MS_ERROR_INVALID_INPUT, "Metadata file %s is not valid Iceberg %s metadata",
           location ? location : "(stored copy)", kind);
}

MsIcebergMetadata *
ice_metadata_from_text (const char *location, const char *text, GError **error)
{
  g_autoptr (GError) detail = NULL;
  MsIcebergMetadata *md = ms_iceberg_metadata_parse (text, -1, &detail);
  if (md == NULL)
    not_metadata (location, "table", detail, error);
  return md;
}

MsIcebergViewMetadata *
ice_view_metadata_from_text (const char *location, const char *text, GError **error)
{
  g_autoptr (GError) detail = NULL;
  MsIcebergViewMetadata *vm = ms_iceberg_view_metadata_parse (text, -1, &detail);
  if (vm == NULL)
    not_metadata (location, "view", detail, error);
  return vm;
}

char *
ice_write_document (const IceIo *io, const char *object_location, const char *file,
                    const char *what, char *json, gsize len, char **text, GError **error)
{
  g_autofree char *owned = json;
  g_autofree char *where = g_strdup_printf ("%s location", what);
  if (!ice_location_allowed (io, object_location, where, error)
      || !ms_storage_guard_check (io->guard, MS_ACCESS_CREATE, file, "metadata file", error))
    return NULL;
  g_autoptr (GError) err = NULL;
  if (!ms_service_file_put (io->guard, io->storage, file, owned, len, "metadata file", &err))
    {
      /* nothing is committed yet: the storage is unavailable, say so */
      ms_fail (error, MS_ERROR_UNAVAILABLE, "Cannot write %s metadata file: %s", what,
               err->message);
      return NULL;
    }
  *text = g_steal_pointer (&owned);
  return g_strdup (file);
}

char *
ice_metadata_write (const IceIo *io, MsIcebergMetadata *md, const char *previous, char **text,
                    GError **error)
{
  g_autofree char *file = ms_iceberg_metadata_next_file (md, previous);
  gsize len = 0;
  char *json = ms_iceberg_metadata_to_json (md, FALSE, &len);
  return ice_write_document (io, ms_iceberg_metadata_location (md), file, "table", json, len,
                             text, error);
}

MsDatabase *
ice_namespace_get_or_reply (const IceCall *call, MsHttpResponse *resp, const char *db)
{
  GError *err = NULL;
  MsDatabase *d = ms_store_database_get (call->ice->store, call->catalog, db, &err);
  if (d == NULL)
    ice_reply_gerror_in_namespace (resp, err, ICE_ABOUT_NAMESPACE, db);
  return d;
}

MsIcebergEntry *
ice_object_entry_or_reply (const IceCall *call, MsHttpResponse *resp, const char *kind)
{
  gboolean view = g_str_equal (kind, MS_ICEBERG_KIND_VIEW);
  IceError missing = view ? ICE_ERROR_NO_SUCH_VIEW : ICE_ERROR_NO_SUCH_TABLE;
  g_autofree char *db = NULL, *name = NULL;
  if (!ice_object_ident_or_reply (call, call->ns, call->name, missing, &db, &name, resp))
    return NULL;
  g_autoptr (GError) err = NULL;
  MsIcebergEntry *e = ms_store_iceberg_get (call->ice->store, call->catalog, db, name, &err);
  if (e == NULL && !g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
    {
      ice_reply_gerror (resp, g_steal_pointer (&err), view ? ICE_ABOUT_VIEW : ICE_ABOUT_TABLE);
      return NULL;
    }
  if (e == NULL || g_strcmp0 (e->kind, kind) != 0)
    {
      ms_iceberg_entry_free (e);
      ice_reply_missing (resp, missing, db, name);
      return NULL;
    }
  return e;
}

gboolean
ice_register_request_or_reply (const IceCall *call, MsHttpResponse *resp, JsonObject *body,
                               char **db, char **name, char **text)
{
  const char *name_in = ice_member_string (body, "name");
  const char *location = ice_member_string (body, "metadata-location");
  if (name_in == NULL || location == NULL || *location == '\0')
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST,
                      "A register request needs a name and a metadata-location");
      return FALSE;
    }
  if (!ice_object_ident_or_reply (call, call->ns, name_in, ICE_ERROR_NONE, db, name, resp))
    return FALSE;
  g_autoptr (MsDatabase) d = ice_namespace_get_or_reply (call, resp, *db);
  g_autoptr (GError) err = NULL;
  /* read only inside the allowed locations (ice_metadata_text) */
  if (d != NULL && (*text = ice_metadata_text (call->io, location, NULL, NULL, NULL, &err)) == NULL)
    {
      if (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
        ice_reply_fail (resp, ICE_ERROR_NOT_FOUND, "%s", err->message);
      else
        ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_TABLE);
    }
  if (*text != NULL)
    return TRUE;
  g_clear_pointer (db, g_free);
  g_clear_pointer (name, g_free);
  return FALSE;
}

static void
set_param (GHashTable *params, const char *key, const char *value)
{
  g_hash_table_replace (params, g_strdup (key), g_strdup (value));
}

void
ice_mirror_formats (MsStorageDescriptor *sd)
{
  if (sd->input_format == NULL)
    sd->input_format = g_strdup (HIVE_INPUT_FORMAT);
  if (sd->output_format == NULL)
    sd->output_format = g_strdup (HIVE_OUTPUT_FORMAT);
  if (sd->serde == NULL)
    {
      sd->serde = ms_serde_new ();
      sd->serde->serialization_lib = g_strdup (HIVE_SERDE);
    }
}

void
ice_mirror_object (MsTable *row, const IceMirror *m)
{
  g_free (row->table_type);
  row->table_type = g_strdup (m->table_type);
  if (row->create_time == 0)
    row->create_time = (int) (g_get_real_time () / G_USEC_PER_SEC);
  if (row->sd == NULL)
    row->sd = ms_sd_new ();
  MsStorageDescriptor *sd = row->sd;
  g_free (sd->location);
  sd->location = g_strdup (m->object_location);
  ice_mirror_formats (sd);
  g_ptr_array_unref (sd->cols);
  sd->cols = m->cols;

  /* parameters: Iceberg's properties (those the base had and this version
   * has not go), then the markers Iceberg's HiveCatalog reads */
  GHashTable *params = row->params;
  if (m->old_props != NULL)
    {
      g_autoptr (GList) keys = json_object_get_members (m->old_props);
      for (GList *k = keys; k; k = k->next)
        if (!json_object_has_member (m->props, k->data))
          g_hash_table_remove (params, k->data);
    }
  g_autoptr (GList) keys = json_object_get_members (m->props);
  for (GList *k = keys; k; k = k->next)
    {
      const char *v = ice_member_string (m->props, k->data);
      if (v == NULL)
        continue;
      if (g_str_equal (k->data, "hive.metastore.table.owner"))
        {
          /* the owner, not a parameter (Iceberg's HiveCatalog) */
          g_free (row->owner_name);
          row->owner_name = g_strdup (v);
          row->owner_type = MS_PRINCIPAL_USER;
        }
      else
        set_param (params, k->data, v);
    }
  if (m->external)
    set_param (params, "EXTERNAL", "TRUE");
  set_param (params, "table_type", m->kind);
  set_param (params, "metadata_location", m->location);
  if (m->previous != NULL)
    set_param (params, "previous_metadata_location", m->previous);
  else
    g_hash_table_remove (params, "previous_metadata_location");
  set_param (params, "uuid", m->uuid);
}

gboolean
ice_mirror_table (MsTable *row, const MsIcebergMetadata *md, const MsIcebergMetadata *base,
                  const char *location, const char *previous, GError **error)
{
  GPtrArray *cols = ms_iceberg_metadata_hive_columns (md, error);
  if (cols == NULL)
    return FALSE;
  IceMirror m = {
    .table_type = MS_TABLE_EXTERNAL, .kind = MS_ICEBERG_KIND_TABLE, .external = TRUE,
    .object_location = ms_iceberg_metadata_location (md), .cols = cols,
    .props = ms_iceberg_metadata_properties (md),
    .old_props = base ? ms_iceberg_metadata_properties (base) : NULL,
    .location = location, .previous = previous, .uuid = ms_iceberg_metadata_uuid (md),
  };
  ice_mirror_object (row, &m);
  ice_mirror_table_params (row->params, md, base);
  return TRUE;
}

char *
ice_table_etag (const char *location, const char *mode)
{
  g_autofree char *src = g_strdup_printf ("%s\n%s", location ? location : "", mode);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, src, -1);
  return g_strdup_printf ("\"%s\"", sum);
}

void
ice_reply_table (const IceCall *call, MsHttpResponse *resp, const char *location,
                 const char *text, gboolean with_config, const char *etag_mode)
{
  g_autoptr (GHashTable) delegated = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *storage_credentials = NULL;
  if (with_config
      && !ice_access_extras_or_reply (call, resp, text, location == NULL, delegated,
                                      &storage_credentials))
    return;
  GString *out = g_string_sized_new (strlen (text) + 256);
  g_string_append_c (out, '{');
  if (location != NULL)
    {
      g_string_append (out, "\"metadata-location\":");
      ms_json_text_append_string (out, location);
      g_string_append_c (out, ',');
    }
  g_string_append (out, "\"metadata\":");
  g_string_append (out, text);
  if (with_config)
    {
      g_string_append (out, ",\"config\":{");
      gboolean first = TRUE;
      ms_json_text_append_members (out, call->io->table_config, &first);
      ms_json_text_append_members (out, delegated, &first);
      g_string_append_c (out, '}');
    }
  if (storage_credentials != NULL)
    g_string_append_printf (out, ",\"storage-credentials\":%s", storage_credentials);
  g_string_append_c (out, '}');
  resp->status = 200;
  g_free (resp->body);
  resp->body = g_string_free (out, FALSE);
  resp->content_type = "application/json";
  if (etag_mode != NULL && location != NULL)
    {
      g_autofree char *etag = ice_table_etag (location, etag_mode);
      ms_http_response_header (resp, "ETag", etag);
    }
}

gboolean
ice_page_size_or_reply (const IceCall *call, MsHttpResponse *resp, gint64 max, gint64 *page_size)
{
  const char *size_text = g_hash_table_lookup (call->req->query, "pageSize");
  *page_size = -1;
  if (size_text == NULL || *size_text == '\0')
    return TRUE;
  char *end = NULL;
  *page_size = g_ascii_strtoll (size_text, &end, 10);
  if (end == size_text || *end != '\0' || *page_size < 1 || *page_size > max)
    {
      ice_reply_fail (resp, ICE_ERROR_BAD_REQUEST, "pageSize must be a positive integer, not %s",
                      size_text);
      return FALSE;
    }
  return TRUE;
}

void
ice_reply_identifiers (const IceCall *call, MsHttpResponse *resp, const char *db,
                       const char *kind)
{
  const char *token = g_hash_table_lookup (call->req->query, "pageToken");
  gint64 page_size;
  if (!ice_page_size_or_reply (call, resp, G_MAXINT - 1, &page_size))
    return;
  g_autoptr (GError) err = NULL;
  g_autoptr (MsDatabase) d = ms_store_database_get (call->ice->store, call->catalog, db, &err);
  if (d == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_NAMESPACE);
  /* one more than a page tells whether another page follows */
  g_autoptr (GPtrArray) names = ms_store_iceberg_names (call->ice->store, call->catalog, db,
                                                        kind, token && *token ? token : NULL,
                                                        page_size > 0 ? (int) page_size + 1 : -1,
                                                        &err);
  if (names == NULL)
    return ice_reply_gerror (resp, g_steal_pointer (&err), ICE_ABOUT_NAMESPACE);
  guint n = names->len;
  gboolean more = page_size > 0 && n > (guint) page_size;
  if (more)
    n = (guint) page_size;
  g_auto (GStrv) levels = g_strsplit (db, ".", -1);
  GString *out = g_string_new ("{\"identifiers\":[");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"namespace\":[");
      for (guint l = 0; levels[l]; l++)
        {
          if (l > 0)
            g_string_append_c (out, ',');
          ms_json_text_append_string (out, levels[l]);
        }
      g_string_append (out, "],\"name\":");
      ms_json_text_append_string (out, g_ptr_array_index (names, i));
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
  if (more)
    {
      g_string_append (out, ",\"next-page-token\":");
      ms_json_text_append_string (out, g_ptr_array_index (names, n - 1));
    }
  g_string_append_c (out, '}');
  resp->status = 200;
  g_free (resp->body);
  resp->body = g_string_free (out, FALSE);
}

gboolean
ice_commit_one (const IceCall *call, const char *db, const char *name, MsIcebergStepFn fn,
                gpointer user, char **written, GError **error)
{
  MsIcebergRef ref = { call->catalog, db, name };
  gboolean ok = ms_store_iceberg_commit (call->ice->store, &ref, 1, fn, user, error);
  /* a file nothing refers to goes, unless COMMIT itself may have succeeded */
  if (!ok && *written != NULL && (*error)->code != MS_ERROR_UNAVAILABLE
      && (*error)->code != MS_ERROR_INTERNAL)
    ms_service_data_delete (call->io->guard, call->io->storage, *written, NULL,
                            "metadata file");
  g_clear_pointer (written, g_free);
  return ok;
}

/* A document read from storage is checked before it is served and kept. */
static gboolean
document_ok (const char *kind, const char *location, const char *text, GError **error)
{
  if (g_str_equal (kind, MS_ICEBERG_KIND_VIEW))
    {
      g_autoptr (MsIcebergViewMetadata) vm = ice_view_metadata_from_text (location, text, error);
      return vm != NULL;
    }
  g_autoptr (MsIcebergMetadata) md = ice_metadata_from_text (location, text, error);
  return md != NULL;
}

static void
reply_file_gone (MsHttpResponse *resp, const char *location)
{
  ice_reply_fail (resp, ICE_ERROR_NOT_FOUND, "Failed to open input stream for file: %s",
                  location);
}

gboolean
ice_metadata_file_present_or_reply (const IceCall *call, MsHttpResponse *resp,
                                    const MsIcebergEntry *e)
{
  /* only a file a stored copy stands for: else the load reads it anyway */
  if (e->metadata == NULL || g_strcmp0 (e->cached_location, e->metadata_location) != 0)
    return TRUE;
  g_autoptr (GError) err = NULL;
  if (ms_storage_exists (call->io->storage, e->metadata_location, &err))
    return TRUE;
  if (err != NULL)
    {
      ms_debug ("cannot check %s, serving the stored copy: %s", e->metadata_location,
                err->message);
      return TRUE;
    }
  reply_file_gone (resp, e->metadata_location);
  return FALSE;
}

char *
ice_current_text_or_reply (const IceCall *call, MsHttpResponse *resp, const MsIcebergEntry *e)
{
  gboolean view = g_strcmp0 (e->kind, MS_ICEBERG_KIND_VIEW) == 0;
  gboolean from_storage = FALSE;
  g_autoptr (GError) err = NULL;
  g_autofree char *text = ice_metadata_text (call->io, e->metadata_location, e->cached_location,
                                             e->metadata, &from_storage, &err);
  /* as Iceberg's FileIO: a file that is not there is NotFoundException */
  if (text == NULL && g_error_matches (err, MS_ERROR, MS_ERROR_NOT_FOUND))
    {
      reply_file_gone (resp, e->metadata_location);
      return NULL;
    }
  if (text == NULL)
    {
      ice_reply_gerror (resp, g_steal_pointer (&err), view ? ICE_ABOUT_VIEW : ICE_ABOUT_TABLE);
      return NULL;
    }
  if (from_storage)
    {
      /* written by someone else (Iceberg's HiveCatalog through Thrift):
       * checked before it is served and kept */
      if (!document_ok (e->kind, e->metadata_location, text, &err))
        {
          ice_reply_fail (resp, ICE_ERROR_INTERNAL, "%s", err->message);
          return NULL;
        }
      if (!ms_store_iceberg_cache_put (call->ice->store, e->table_id, e->metadata_location, text,
                                       &err))
        ms_warn ("cannot keep a copy of %s: %s", e->metadata_location, err->message);
    }
  return g_steal_pointer (&text);
}
