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
      return *p == '/' ? g_uri_unescape_string (p, NULL) : NULL;
    }
  if (g_str_has_prefix (uri, "file:/"))
    return g_uri_unescape_string (uri + 5, NULL);
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
