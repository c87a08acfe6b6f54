/*
 * storage_s3_dir.c: directories on S3, as Hadoop's S3A file system keeps
 * them, for the locations the HMS door manages (tables, partitions,
 * databases): an empty object "<key>/" marks a directory (S3A's
 * mkdirs), a directory exists when any object lies under "<key>/", and a
 * directory moves by copying every object under it (CopyObject, server
 * side) and then deleting the originals (S3A's rename is the same two
 * steps; neither is atomic); a directory's files are listed page by page.
 * Entry points: ms_storage_s3_make_dir, ms_storage_s3_list_files,
 * ms_storage_s3_dir_exists, ms_storage_s3_survey (what is in and below a
 * directory, with Hive's quick stats, from one listing),
 * ms_storage_s3_move_dir, called by the scheme dispatch in
 * storage_object.c.
 *
 * A move that fails while copying deletes the copies it made and leaves
 * the source whole; one that fails while deleting the source leaves both
 * (the destination complete), and says so.
 */
#include "storage/storage_internal.h"
#include "core/log.h"
#include <string.h>

/* The location's bucket and key, the key without trailing '/'; refuses a
 * bucket root (no directory of ours is one). */
static gboolean
dir_location (const char *method, const char *uri, MsS3Location *loc, GError **error)
{
  if (!ms_s3_parse_location (uri, loc, error))
    return FALSE;
  gsize n = strlen (loc->key);
  while (n > 0 && loc->key[n - 1] == '/')
    loc->key[--n] = '\0';
  if (n == 0)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "storage: s3 %s %s: a bucket root is not a directory here", method, uri);
  return TRUE;
}

gboolean
ms_storage_s3_make_dir (MsStorage *st, const char *uri, GError **error)
{
  g_auto (MsS3Location) loc = { 0 };
  if (!dir_location ("PUT", uri, &loc, error))
    return FALSE;
  /* the marker: the location with exactly one trailing '/', empty */
  gsize n = strlen (uri);
  while (n > 0 && uri[n - 1] == '/')
    n--;
  g_autofree char *marker = g_strdup_printf ("%.*s/", (int) n, uri);
  return ms_storage_s3_put (st, marker, "", 0, error);
}

gboolean
ms_storage_s3_dir_exists (MsStorage *st, const char *uri, gboolean *exists, GError **error)
{
  *exists = FALSE;
  g_auto (MsS3Location) loc = { 0 };
  g_auto (MsS3Client) c = { 0 };
  if (!dir_location ("LIST", uri, &loc, error) || !ms_s3_client_open (&c, st, "LIST", uri, error))
    return FALSE;
  g_autofree char *prefix = g_strconcat (loc.key, "/", NULL);
  g_auto (MsS3Listing) page = { 0 };
  if (!ms_s3_list_page (&c, &loc, prefix, NULL, 1, &page, error))
    return FALSE;
  *exists = page.keys->len > 0;
  return TRUE;
}

typedef void (*EachKey) (const char *key, gint64 modified, gint64 size, gpointer user_data);

/* Call 'each' for every key under 'prefix' (all pages, in order). */
static gboolean
list_pages (MsS3Client *c, const MsS3Location *loc, const char *prefix, EachKey each,
            gpointer user_data, GError **error)
{
  g_autofree char *token = NULL;
  for (;;)
    {
      g_auto (MsS3Listing) page = { 0 };
      if (!ms_s3_list_page (c, loc, prefix, token, 0, &page, error))
        return FALSE;
      for (guint i = 0; i < page.keys->len; i++)
        each (g_ptr_array_index (page.keys, i), g_array_index (page.modified, gint64, i),
              g_array_index (page.sizes, gint64, i), user_data);
      if (!page.truncated)
        return TRUE;
      if (token != NULL && g_str_equal (token, page.next_token))
        return ms_fail (error, MS_ERROR_INTERNAL,
                        "storage: s3 LIST %s: the continuation token did not advance", c->uri);
      g_free (token);
      token = g_steal_pointer (&page.next_token);
    }
}

static void
add_key (const char *key, gint64 modified, gint64 size, gpointer keys)
{
  (void) size;
  g_ptr_array_add (keys, g_strdup (key));
}

/* Every key under 'prefix' (all pages). */
static GPtrArray *
list_all (MsS3Client *c, const MsS3Location *loc, const char *prefix, GError **error)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  if (!list_pages (c, loc, prefix, add_key, keys, error))
    return NULL;
  return g_steal_pointer (&keys);
}

/* Call 'each' for every key under the directory 'uri' ("<key>/", all
 * pages); *skip is set to that prefix's length before the first call. */
static gboolean
list_dir (MsStorage *st, const char *uri, EachKey each, gpointer user_data, gsize *skip,
          GError **error)
{
  g_auto (MsS3Location) loc = { 0 };
  g_auto (MsS3Client) c = { 0 };
  if (!dir_location ("LIST", uri, &loc, error) || !ms_s3_client_open (&c, st, "LIST", uri, error))
    return FALSE;
  g_autofree char *prefix = g_strconcat (loc.key, "/", NULL);
  *skip = strlen (prefix);
  return list_pages (&c, &loc, prefix, each, user_data, error);
}

typedef struct {
  GPtrArray *files;
  gsize skip;                  /* the prefix's length */
} FileList;

/* A key right inside the listed directory becomes an MsStorageFile. */
static void
add_file (const char *key, gint64 modified, gint64 size, gpointer user_data)
{
  (void) size;
  FileList *l = user_data;
  const char *name = key + l->skip;
  if (*name != '\0' && strchr (name, '/') == NULL)
    g_ptr_array_add (l->files, ms_storage_file_new (name, modified));
}

GPtrArray *
ms_storage_s3_list_files (MsStorage *st, const char *uri, GError **error)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (ms_storage_file_free);
  FileList l = { files, 0 };
  if (!list_dir (st, uri, add_file, &l, &l.skip, error))
    return NULL;
  return g_steal_pointer (&files);
}

/* Whether a key below the surveyed directory is a file Hive counts in
 * its quick stats: not a directory marker ("<dir>/"), and no '.' or '_'
 * at the start of any level below the directory (Hive's hidden-file
 * filter, applied as it walks down). */
static gboolean
counted_file (const char *rel)
{
  if (*rel == '\0' || g_str_has_suffix (rel, "/"))
    return FALSE;
  for (const char *level = rel; level != NULL; level = strchr (level, '/'))
    {
      if (*level == '/')
        level++;
      if (*level == '.' || *level == '_')
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  MsStorageSurvey *out;
  gsize skip;                  /* the prefix's length */
} Survey;

static void
add_to_survey (const char *key, gint64 modified, gint64 size, gpointer user_data)
{
  Survey *s = user_data;
  const char *rel = key + s->skip;
  s->out->any = TRUE;
  if (counted_file (rel))
    {
      s->out->files++;
      s->out->bytes += MAX (size, 0);
    }
  if (*rel != '\0' && strchr (rel, '/') == NULL)
    g_ptr_array_add (s->out->direct, ms_storage_file_new (rel, modified));
}

gboolean
ms_storage_s3_survey (MsStorage *st, const char *uri, MsStorageSurvey *out, GError **error)
{
  Survey s = { out, 0 };
  return list_dir (st, uri, add_to_survey, &s, &s.skip, error);
}

/* The x-amz-copy-source form of a key: percent-encoded but for the
 * unreserved characters and the sub-delimiters "/ = : @ , ; $ &", which
 * stay as they are. Every store decodes the header; s3rver decodes it
 * with JavaScript's decodeURI, which leaves "%3D" (and the other
 * sub-delimiters) encoded, so Hive's "k=v" partition keys must travel
 * literally. "+" is encoded: some stores read a literal one as a space. */
static void
encode_copy_source (GString *out, const char *s)
{
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("-._~/=:@,;$&", *p) != NULL)
        g_string_append_c (out, (char) *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
}

/* CopyObject src_bucket/src_key -> dst->bucket/dst_key. S3 may answer 200
 * with an <Error> body when the copy fails late: that is a failure too. */
static gboolean
copy_object (MsS3Client *c, const char *src_bucket, const char *src_key,
             const MsS3Location *dst, const char *dst_key, GError **error)
{
  g_autoptr (GString) source = g_string_new ("/");
  encode_copy_source (source, src_bucket);
  g_string_append_c (source, '/');
  encode_copy_source (source, src_key);
  g_autofree char *what = ms_s3_key_uri (c->uri, dst->bucket, dst_key);
  g_autofree char *url = ms_s3_url (c->o, c->region, dst->bucket, dst_key, NULL, error);
  if (url == NULL)
    return FALSE;
  MsS3Req r = { "PUT", what, url, NULL, 0, NULL, FALSE, MS_S3_MAX_REPLY_BYTES, source->str };
  long status = 0;
  g_autoptr (GByteArray) reply = NULL;
  if (!ms_s3_perform (c, &r, &status, &reply, error))
    return FALSE;
  g_autofree char *code = ms_s3_reply_code (reply);
  if (status == 200 && code == NULL)
    return TRUE;
  return ms_s3_fail_reply (error, MS_ERROR_INTERNAL, "COPY", what, status == 200 ? 500 : status,
                           reply);
}

gboolean
ms_storage_s3_move_dir (MsStorage *st, const char *from, const char *to, GError **error)
{
  g_auto (MsS3Location) src = { 0 };
  g_auto (MsS3Location) dst = { 0 };
  g_auto (MsS3Client) c = { 0 };
  if (!dir_location ("MOVE", from, &src, error) || !dir_location ("MOVE", to, &dst, error))
    return FALSE;
  g_autofree char *src_prefix = g_strconcat (src.key, "/", NULL);
  g_autofree char *dst_prefix = g_strconcat (dst.key, "/", NULL);
  if (g_str_equal (src.bucket, dst.bucket)
      && (g_str_has_prefix (dst_prefix, src_prefix) || g_str_has_prefix (src_prefix, dst_prefix)))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "storage: s3 MOVE %s to %s: one holds the other", from, to);
  if (!ms_s3_client_open (&c, st, "MOVE", from, error))
    return FALSE;
  g_autoptr (GPtrArray) keys = list_all (&c, &src, src_prefix, error);
  if (keys == NULL)
    return FALSE;
  gsize plen = strlen (src_prefix);
  g_autoptr (GPtrArray) copied = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      g_autofree char *dst_key = g_strconcat (dst_prefix, key + plen, NULL);
      g_autoptr (GError) cerr = NULL;
      if (!copy_object (&c, src.bucket, key, &dst, dst_key, &cerr))
        {
          g_autoptr (GError) derr = NULL;
          if (copied->len > 0 && !ms_s3_delete_keys (&c, &dst, copied, &derr))
            ms_warn ("moving %s to %s: the copies made could not be deleted: %s", from, to,
                     derr->message);
          g_propagate_error (error, g_steal_pointer (&cerr));
          return FALSE;
        }
      g_ptr_array_add (copied, g_steal_pointer (&dst_key));
    }
  g_autoptr (GError) derr = NULL;
  if (keys->len > 0 && !ms_s3_delete_keys (&c, &src, keys, &derr))
    return ms_fail (error, MS_ERROR_INTERNAL,
                    "storage: s3 MOVE %s to %s: copied, but the originals remain: %s", from, to,
                    derr->message);
  ms_debug ("s3 MOVE %s to %s: %u object(s)", from, to, keys->len);
  return TRUE;
}
