/*
 * service/data.c: data operations on a client's behalf, each checked by
 * the storage guard first (see data.h). Refusals are logged at info with
 * the request id: a client can cause them, and they are what an operator
 * looks for when data "was not deleted".
 */
#include "service/data.h"
#include "core/error.h"
#include "core/log.h"
#include <string.h>

/* An S3 directory: looked at first, since S3A's mkdirs of one that
 * exists writes nothing (and its quick stats count only when it was
 * there); the marker only when nothing lies under its key. With 'seen',
 * the look is a full survey of it, kept when it was there. */
static void
s3_dir (const MsStorageGuard *g, MsStorage *st, const char *uri, const char *what,
        MsDirOutcome *outcome, MsStorageSurvey *seen)
{
  g_autoptr (GError) err = NULL;
  gboolean exists = FALSE, known;
  if (seen != NULL && ms_storage_guard_check (g, MS_ACCESS_READ, uri, what, NULL))
    {
      known = ms_storage_dir_survey (st, uri, seen, &err);
      exists = known && seen->any;
      if (!exists)
        ms_storage_survey_clear (seen);
    }
  else
    known = ms_storage_dir_exists (st, uri, &exists, &err);
  if (!known)
    {
      ms_warn ("cannot tell whether the %s %s exists: %s", what, uri, err->message);
      g_clear_error (&err);
    }
  if (exists)
    return;
  if (!ms_storage_make_dir (st, uri, &err))
    {
      ms_warn ("no directory marker for the %s %s: %s", what, uri, err->message);
      return;
    }
  *outcome = known ? MS_DIR_MADE : MS_DIR_THERE;
}

void
ms_service_data_each (gpointer items, guint n, gsize size, GFunc fn, gpointer user, guint remote)
{
  GThreadPool *pool = NULL;
  if (remote > 1)
    pool = g_thread_pool_new (fn, user, (int) MIN (remote, MS_DATA_THREADS), FALSE, NULL);
  for (guint i = 0; i < n; i++)
    {
      gpointer item = (char *) items + (gsize) i * size;
      if (pool == NULL || !g_thread_pool_push (pool, item, NULL))
        fn (item, user);
    }
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);     /* waits for every task */
}

gboolean
ms_service_data_mkdirs (const MsStorageGuard *g, MsStorage *st, const char *uri,
                        const char *what, MsDirOutcome *outcome, GError **error)
{
  return ms_service_data_mkdirs_seen (g, st, uri, what, outcome, NULL, error);
}

gboolean
ms_service_data_mkdirs_seen (const MsStorageGuard *g, MsStorage *st, const char *uri,
                             const char *what, MsDirOutcome *outcome, MsStorageSurvey *seen,
                             GError **error)
{
  MsDirOutcome ignored;
  if (outcome == NULL)
    outcome = &ignored;
  *outcome = MS_DIR_THERE;
  if (seen != NULL)
    ms_storage_survey_clear (seen);
  if (!ms_storage_reachable (uri))
    return TRUE;
  g_autofree char *path = ms_storage_local_path (uri);
  if (path != NULL ? g_file_test (path, G_FILE_TEST_IS_DIR) : st == NULL)
    return TRUE;
  g_autoptr (GError) refused = NULL;
  if (!ms_storage_guard_check (g, MS_ACCESS_CREATE, uri, what, &refused))
    {
      ms_info ("no directory created: %s", refused->message);
      *outcome = MS_DIR_REFUSED;
      return TRUE;
    }
  if (path == NULL)
    {
      s3_dir (g, st, uri, what, outcome, seen);
      return TRUE;
    }
  if (!ms_storage_make_dir (st, uri, error))
    return FALSE;
  *outcome = MS_DIR_MADE;
  return TRUE;
}

gboolean
ms_service_data_exists (MsStorage *st, const char *uri)
{
  g_autofree char *path = ms_storage_local_path (uri);
  if (!ms_storage_reachable (uri) || (st == NULL && path == NULL))
    return FALSE;
  gboolean exists = FALSE;
  g_autoptr (GError) err = NULL;
  if (!ms_storage_dir_exists (st, uri, &exists, &err))
    ms_warn ("cannot tell whether %s exists: %s", uri, err->message);
  return exists;
}

gboolean
ms_service_data_delete (const MsStorageGuard *g, MsStorage *st, const char *uri,
                        const char *keep_key, const char *what)
{
  g_autoptr (GError) err = NULL;
  /* resolved once for both checks */
  g_autofree char *key = g != NULL ? ms_storage_guard_key (uri) : NULL;
  if (!ms_storage_guard_check_key (g, MS_ACCESS_REMOVE, uri, key, what, &err))
    {
      ms_info ("data not deleted, it stays: %s", err->message);
      return FALSE;
    }
  if (ms_storage_guard_key_within (keep_key, key))
    {
      ms_info ("data not deleted, it stays: the %s %s holds %s", what, uri, keep_key);
      return FALSE;
    }
  gboolean ok = st != NULL ? ms_storage_delete_all (st, uri, &err)
                           : ms_storage_remove_tree (uri, &err);
  if (!ok)
    ms_warn ("deleting the data at the %s %s: %s", what, uri, err->message);
  return ok;
}

void
ms_service_data_empty (const MsStorageGuard *g, MsStorage *st, const char *uri, const char *what)
{
  g_autofree char *path = ms_storage_local_path (uri);
  if (path != NULL ? !g_file_test (path, G_FILE_TEST_IS_DIR) : !ms_service_data_exists (st, uri))
    return;
  g_autoptr (GError) err = NULL;
  if (ms_service_data_delete (g, st, uri, NULL, what)
      && !ms_service_data_mkdirs (g, st, uri, what, NULL, &err))
    ms_warn ("emptying %s: %s", uri, err->message);
}

gboolean
ms_service_data_reachable (MsStorage *st, const char *location)
{
  g_autofree char *path = ms_storage_local_path (location);
  return path != NULL || (st != NULL && ms_storage_reachable (location));
}

gboolean
ms_service_data_same_fs (const char *a, const char *b)
{
  g_autofree char *pa = ms_storage_local_path (a);
  g_autofree char *pb = ms_storage_local_path (b);
  return ms_storage_reachable (a) && ms_storage_reachable (b) && (pa == NULL) == (pb == NULL);
}

gboolean
ms_service_data_may_move (const MsStorageGuard *g, const char *from, const char *to,
                          const char *what)
{
  g_autoptr (GError) err = NULL;
  if (ms_storage_guard_check (g, MS_ACCESS_REMOVE, from, what, &err)
      && ms_storage_guard_check (g, MS_ACCESS_REMOVE, to, what, &err))
    return TRUE;
  ms_info ("data not moved to %s, it stays at %s: %s", to, from, err->message);
  return FALSE;
}

gboolean
ms_service_data_move (const MsStorageGuard *g, MsStorage *st, const char *from, const char *to,
                      const char *what, GError **error)
{
  if (!ms_storage_guard_check (g, MS_ACCESS_REMOVE, from, what, error)
      || !ms_storage_guard_check (g, MS_ACCESS_REMOVE, to, what, error))
    return FALSE;
  return ms_storage_move_dir (st, from, to, error);
}

gboolean
ms_service_data_stats (const MsStorageGuard *g, MsStorage *st, const char *uri, gint64 *files,
                       gint64 *bytes)
{
  *files = *bytes = 0;
  if (uri == NULL || !ms_service_data_reachable (st, uri))
    return FALSE;
  g_autoptr (GError) err = NULL;
  if (!ms_storage_guard_check (g, MS_ACCESS_READ, uri, "location", &err))
    {
      ms_debug ("no quick stats: %s", err->message);
      return FALSE;
    }
  /* a local tree is walked once; a missing local directory has none */
  g_autofree char *path = ms_storage_local_path (uri);
  if (path != NULL)
    return ms_storage_dir_stats (uri, files, bytes);
  g_auto (MsStorageSurvey) seen = { 0 };
  if (!ms_storage_dir_survey (st, uri, &seen, &err))
    {
      /* as Hive: the change goes ahead without them */
      ms_info ("no quick stats: %s", err->message);
      return FALSE;
    }
  *files = seen.files;
  *bytes = seen.bytes;
  return TRUE;
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  const MsStorageFile *x = *(MsStorageFile *const *) a, *y = *(MsStorageFile *const *) b;
  return strcmp (x->name, y->name);
}

GPtrArray *
ms_service_data_event_files (const MsStorageGuard *g, MsStorage *st, const char *uri)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) err = NULL;
  if (uri == NULL || !ms_service_data_reachable (st, uri)
      || !ms_storage_guard_check (g, MS_ACCESS_READ, uri, "location", &err))
    {
      if (err != NULL)
        ms_debug ("no files listed for the event: %s", err->message);
      return out;
    }
  g_autoptr (GPtrArray) files = ms_storage_list_files (st, uri, &err);
  if (files == NULL)
    {
      ms_info ("no files listed for the event: %s", err->message);
      return out;
    }
  g_ptr_array_unref (out);
  return ms_service_data_event_names (uri, files);
}

GPtrArray *
ms_service_data_event_names (const char *uri, GPtrArray *files)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_sort (files, by_name);
  gsize base = strlen (uri);
  while (base > 0 && uri[base - 1] == '/')
    base--;
  for (guint i = 0; i < files->len; i++)
    {
      const MsStorageFile *f = g_ptr_array_index (files, i);
      if (f->name[0] == '_' || f->name[0] == '.')
        continue;
      if (out->len == MS_EVENT_FILES_MAX)
        {
          ms_info ("the event lists the first %d files of %s", MS_EVENT_FILES_MAX, uri);
          break;
        }
      g_ptr_array_add (out, g_strdup_printf ("%.*s/%s###", (int) base, uri, f->name));
    }
  return out;
}

GBytes *
ms_service_file_get (const MsStorageGuard *g, MsStorage *st, const char *uri, const char *what,
                     GError **error)
{
  if (!ms_storage_guard_check (g, MS_ACCESS_READ, uri, what, error))
    return NULL;
  return ms_storage_get (st, uri, error);
}

gboolean
ms_service_file_put (const MsStorageGuard *g, MsStorage *st, const char *uri, const void *data,
                     gsize len, const char *what, GError **error)
{
  return ms_storage_guard_check (g, MS_ACCESS_CREATE, uri, what, error)
         && ms_storage_put (st, uri, data, len, error);
}
