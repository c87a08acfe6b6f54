/*
 * storage_object.c: the MsStorage context and whole-object reads and
 * writes, dispatched by scheme: local files here, S3 in storage_s3.c;
 * and the MsS3Options of a configuration.
 */
#include "storage/storage.h"
#include "storage/storage_internal.h"
#include "core/error.h"
#include "core/log.h"
#include "core/due.h"
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

MsS3Options
ms_storage_s3_options (const MsConfig *cfg)
{
  MsS3Options o = {
    .endpoint = cfg->s3_endpoint,
    .region = cfg->s3_region,
    .path_style = cfg->s3_path_style != 0,
    .access_key = cfg->s3_access_key,
    .secret_key = cfg->s3_secret_key,
    .session_token = cfg->s3_session_token,
    .timeout_s = cfg->s3_timeout_s,
    .ca_file = cfg->s3_ca_file,
  };
  return o;
}

MsStorage *
ms_storage_new (const MsS3Options *s3)
{
  MsStorage *st = g_new0 (MsStorage, 1);
  if (s3)
    {
      st->s3.endpoint = g_strdup (s3->endpoint);
      st->s3.region = g_strdup (s3->region);
      st->s3.path_style = s3->path_style;
      st->s3.access_key = g_strdup (s3->access_key);
      st->s3.secret_key = g_strdup (s3->secret_key);
      st->s3.session_token = g_strdup (s3->session_token);
      st->s3.timeout_s = s3->timeout_s;
      st->s3.ca_file = g_strdup (s3->ca_file);
    }
  return st;
}

void
ms_storage_free (MsStorage *st)
{
  if (st == NULL)
    return;
  g_free (st->s3.endpoint);
  g_free (st->s3.region);
  g_free (st->s3.ca_file);
  g_free (st->s3.access_key);
  if (st->s3.secret_key)
    memset (st->s3.secret_key, 0, strlen (st->s3.secret_key));
  g_free (st->s3.secret_key);
  if (st->s3.session_token)
    memset (st->s3.session_token, 0, strlen (st->s3.session_token));
  g_free (st->s3.session_token);
  g_free (st);
}

gboolean
ms_storage_is_s3 (const char *uri)
{
  return uri && (g_str_has_prefix (uri, "s3://") || g_str_has_prefix (uri, "s3a://")
                 || g_str_has_prefix (uri, "s3n://"));
}

static gboolean
unsupported (const char *uri, GError **error)
{
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "storage: unsupported location %s", uri);
}

GBytes *
ms_storage_get (MsStorage *st, const char *uri, GError **error)
{
  if (ms_storage_is_s3 (uri))
    return ms_storage_s3_get (st, uri, error);
  g_autofree char *path = ms_storage_local_path (uri);
  if (path == NULL)
    {
      unsupported (uri, error);
      return NULL;
    }
  /* only regular files, and not without bound (a device or a directory
   * named by a client must not hang or exhaust the server) */
  struct stat sb;
  if (stat (path, &sb) == 0 && !S_ISREG (sb.st_mode))
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "storage: %s is not a regular file", uri);
      return NULL;
    }
  if (stat (path, &sb) == 0 && sb.st_size > MS_STORAGE_MAX_OBJECT_BYTES)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "storage: %s is larger than %d MiB", uri,
               MS_STORAGE_MAX_OBJECT_BYTES >> 20);
      return NULL;
    }
  char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) e = NULL;
  if (!g_file_get_contents (path, &data, &len, &e))
    {
      ms_fail (error, g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOENT)
               ? MS_ERROR_NOT_FOUND : MS_ERROR_INTERNAL, "storage: cannot read %s: %s", uri,
               e->message);
      return NULL;
    }
  return g_bytes_new_take (data, len);
}

/* Make a rename in 'dir' durable: its directory entry is on disk when
 * this returns (a file published by rename may vanish in a power loss
 * otherwise). */
static gboolean
sync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  gboolean ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

/* Temporary files a crashed writer left: "<name>.tmp-XXXXXX" older than
 * MS_STORAGE_TMP_MAX_AGE_S in 'dir' are removed; each directory is swept
 * at most once per that age by this process, so a put costs a directory
 * listing only rarely. A temporary file of a live writer is seconds old. */
static void
sweep_leftovers (const char *dir)
{
  static MsDue *swept;
  if (g_once_init_enter (&swept))
    g_once_init_leave (&swept, ms_due_new (MS_STORAGE_TMP_MAX_AGE_S, 10000));
  if (!ms_due_take (swept, dir))
    return;
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  time_t wall = time (NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      const char *mark = strstr (name, ".tmp-");
      if (mark == NULL || strlen (mark) != 11)
        continue;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      struct stat sb;
      if (lstat (path, &sb) == 0 && S_ISREG (sb.st_mode)
          && wall - sb.st_mtime > MS_STORAGE_TMP_MAX_AGE_S && unlink (path) == 0)
        ms_info ("storage: removed %s, a temporary file left by an interrupted write", path);
    }
}

gboolean
ms_storage_put (MsStorage *st, const char *uri, const void *data, gsize len, GError **error)
{
  if (ms_storage_is_s3 (uri))
    return ms_storage_s3_put (st, uri, data, len, error);
  g_autofree char *path = ms_storage_local_path (uri);
  if (path == NULL)
    return unsupported (uri, error);
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return ms_fail (error, MS_ERROR_INTERNAL, "storage: cannot create %s: %s", dir,
                    g_strerror (errno));
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-XXXXXX", path);
  int fd = g_mkstemp_full (tmp, O_WRONLY, 0644);
  if (fd < 0)
    return ms_fail (error, MS_ERROR_INTERNAL, "storage: cannot create %s: %s", tmp,
                    g_strerror (errno));
  const char *p = data;
  gsize left = len;
  while (left > 0)
    {
      ssize_t w = write (fd, p, left);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          int err = errno;
          close (fd);
          unlink (tmp);
          return ms_fail (error, MS_ERROR_INTERNAL, "storage: cannot write %s: %s", path,
                          g_strerror (err));
        }
      p += w;
      left -= (gsize) w;
    }
  if (fdatasync (fd) != 0 || close (fd) != 0)
    {
      int err = errno;
      unlink (tmp);
      return ms_fail (error, MS_ERROR_INTERNAL, "storage: cannot write %s: %s", path,
                      g_strerror (err));
    }
  if (rename (tmp, path) != 0)
    {
      int err = errno;
      unlink (tmp);
      return ms_fail (error, MS_ERROR_INTERNAL, "storage: cannot write %s: %s", path,
                      g_strerror (err));
    }
  if (!sync_dir (dir))
    return ms_fail (error, MS_ERROR_INTERNAL, "storage: cannot make %s durable: %s", path,
                    g_strerror (errno));
  sweep_leftovers (dir);
  return TRUE;
}

gboolean
ms_storage_exists (MsStorage *st, const char *uri, GError **error)
{
  if (ms_storage_is_s3 (uri))
    return ms_storage_s3_exists (st, uri, error);
  g_autofree char *path = ms_storage_local_path (uri);
  if (path == NULL)
    return unsupported (uri, error);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

gboolean
ms_storage_delete_all (MsStorage *st, const char *uri, GError **error)
{
  if (ms_storage_is_s3 (uri))
    return ms_storage_s3_delete_all (st, uri, error);
  g_autofree char *path = ms_storage_local_path (uri);
  if (path == NULL)
    return unsupported (uri, error);
  return ms_storage_remove_tree (uri, error);
}

MsStorageFile *
ms_storage_file_new (const char *name, gint64 modified)
{
  MsStorageFile *f = g_new (MsStorageFile, 1);
  f->name = g_strdup (name);
  f->modified = modified;
  return f;
}

void
ms_storage_file_free (gpointer file)
{
  MsStorageFile *f = file;
  if (f == NULL)
    return;
  g_free (f->name);
  g_free (f);
}

GPtrArray *
ms_storage_list_files (MsStorage *st, const char *uri, GError **error)
{
  if (ms_storage_is_s3 (uri))
    return ms_storage_s3_list_files (st, uri, error);
  g_autofree char *path = ms_storage_local_path (uri);
  if (path == NULL)
    {
      unsupported (uri, error);
      return NULL;
    }
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (ms_storage_file_free);
  g_autoptr (GError) e = NULL;
  g_autoptr (GDir) d = g_dir_open (path, 0, &e);
  if (d == NULL)
    {
      if (g_error_matches (e, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&files);
      ms_fail (error, MS_ERROR_INTERNAL, "storage: cannot list %s: %s", uri, e->message);
      return NULL;
    }
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      struct stat sb;
      if (lstat (file, &sb) == 0 && S_ISREG (sb.st_mode))
        g_ptr_array_add (files, ms_storage_file_new (name, (gint64) sb.st_mtime));
    }
  return g_steal_pointer (&files);
}

void
ms_storage_survey_clear (MsStorageSurvey *s)
{
  if (s->direct != NULL)
    g_ptr_array_unref (s->direct);
  memset (s, 0, sizeof *s);
}

gboolean
ms_storage_dir_survey (MsStorage *st, const char *uri, MsStorageSurvey *out, GError **error)
{
  ms_storage_survey_clear (out);
  out->direct = g_ptr_array_new_with_free_func (ms_storage_file_free);
  if (ms_storage_is_s3 (uri))
    {
      if (ms_storage_s3_survey (st, uri, out, error))
        return TRUE;
      ms_storage_survey_clear (out);
      return FALSE;
    }
  g_autofree char *path = ms_storage_local_path (uri);
  if (path == NULL)
    {
      ms_storage_survey_clear (out);
      return unsupported (uri, error);
    }
  out->any = ms_storage_dir_stats (uri, &out->files, &out->bytes);
  if (!out->any)
    return TRUE;
  g_autoptr (GPtrArray) direct = ms_storage_list_files (st, uri, error);
  if (direct == NULL)
    {
      ms_storage_survey_clear (out);
      return FALSE;
    }
  g_ptr_array_unref (out->direct);
  out->direct = g_steal_pointer (&direct);
  return TRUE;
}

gboolean
ms_storage_reachable (const char *uri)
{
  if (uri == NULL)
    return FALSE;
  if (ms_storage_is_s3 (uri))
    return TRUE;
  g_autofree char *path = ms_storage_local_path (uri);
  return path != NULL;
}

gboolean
ms_storage_make_dir (MsStorage *st, const char *uri, GError **error)
{
  if (ms_storage_is_s3 (uri))
    return ms_storage_s3_make_dir (st, uri, error);
  return ms_storage_mkdirs (uri, error);
}

gboolean
ms_storage_dir_exists (MsStorage *st, const char *uri, gboolean *exists, GError **error)
{
  *exists = FALSE;
  if (ms_storage_is_s3 (uri))
    return ms_storage_s3_dir_exists (st, uri, exists, error);
  g_autofree char *path = ms_storage_local_path (uri);
  if (path == NULL)
    return unsupported (uri, error);
  *exists = g_file_test (path, G_FILE_TEST_EXISTS);
  return TRUE;
}

gboolean
ms_storage_move_dir (MsStorage *st, const char *from, const char *to, GError **error)
{
  gboolean s3_from = ms_storage_is_s3 (from), s3_to = ms_storage_is_s3 (to);
  if (s3_from && s3_to)
    return ms_storage_s3_move_dir (st, from, to, error);
  if (s3_from || s3_to || !ms_storage_reachable (from) || !ms_storage_reachable (to))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "storage: %s and %s are not on one file system this server reaches", from,
                    to);
  return ms_storage_rename (from, to, error);
}
