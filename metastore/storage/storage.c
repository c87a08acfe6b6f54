/*
 * storage.c: local warehouse operations for file:// locations.
 */
#include "storage/storage.h"
#include "core/error.h"
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
ms_storage_local_path (const char *uri)
{
  if (uri == NULL || *uri == '\0')
    return NULL;
  if (uri[0] == '/')
    return g_strdup (uri);
  if (g_str_has_prefix (uri, "file://"))
    {
      const char *p = uri + 7;
      if (g_str_has_prefix (p, "localhost/"))
        p += 9;
      return *p == '/' ? g_strdup (p) : NULL;
    }
  /* as Hadoop's Path reads them: '%' is a literal character, so a
   * partition directory "k=a%2Fb" is named just so on disk */
  if (g_str_has_prefix (uri, "file:/"))
    return g_strdup (uri + 5);
  return NULL;
}

char *
ms_storage_join (const char *base, const char *child)
{
  gsize n = strlen (base);
  while (n > 0 && base[n - 1] == '/')
    n--;
  return g_strdup_printf ("%.*s/%s", (int) n, base, child);
}

gboolean
ms_storage_mkdirs (const char *uri, GError **error)
{
  g_autofree char *path = ms_storage_local_path (uri);
  if (path == NULL)
    return TRUE;
  if (g_mkdir_with_parents (path, 0755) != 0)
    return ms_fail (error, MS_ERROR_INTERNAL, "cannot create directory %s: %s", path,
                    g_strerror (errno));
  return TRUE;
}

static int
remove_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st; (void) flag; (void) ftw;
  return remove (path) == 0 || errno == ENOENT ? 0 : -1;
}

gboolean
ms_storage_remove_tree (const char *uri, GError **error)
{
  g_autofree char *path = ms_storage_local_path (uri);
  if (path == NULL)
    return TRUE;
  g_autofree char *canon = g_canonicalize_filename (path, "/");
  if (g_str_equal (canon, "/") || *canon == '\0')
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "refusing to delete %s", canon);
  if (nftw (canon, remove_entry, 32, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
    return ms_fail (error, MS_ERROR_INTERNAL, "cannot delete %s: %s", canon, g_strerror (errno));
  return TRUE;
}

gboolean
ms_storage_rename (const char *from_uri, const char *to_uri, GError **error)
{
  g_autofree char *from = ms_storage_local_path (from_uri);
  g_autofree char *to = ms_storage_local_path (to_uri);
  if (from == NULL || to == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OPERATION, "cannot move %s to %s: not local", from_uri,
                    to_uri);
  g_autofree char *parent = g_path_get_dirname (to);
  if (g_mkdir_with_parents (parent, 0755) != 0)
    return ms_fail (error, MS_ERROR_INTERNAL, "cannot create %s: %s", parent, g_strerror (errno));
  if (rename (from, to) != 0)
    return ms_fail (error, MS_ERROR_INTERNAL, "cannot move %s to %s: %s", from, to,
                    g_strerror (errno));
  return TRUE;
}

/* Hive skips "hidden" entries: names starting with '.' or '_'. */
static void
dir_stats (const char *path, int depth, gint64 *files, gint64 *bytes)
{
  if (depth > 64)
    return;
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (name[0] == '.' || name[0] == '_')
        continue;
      g_autofree char *child = g_build_filename (path, name, NULL);
      struct stat st;
      if (lstat (child, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        dir_stats (child, depth + 1, files, bytes);
      else if (S_ISREG (st.st_mode))
        {
          (*files)++;
          *bytes += st.st_size;
        }
    }
}

gboolean
ms_storage_dir_stats (const char *uri, gint64 *files, gint64 *bytes)
{
  *files = *bytes = 0;
  g_autofree char *path = uri ? ms_storage_local_path (uri) : NULL;
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_DIR))
    return FALSE;
  dir_stats (path, 0, files, bytes);
  return TRUE;
}
