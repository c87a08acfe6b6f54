/*
 * service/storage_guard.c: the allowed-locations rule (see the header):
 * the locations' normal form, and the check every data operation of either
 * door goes through (service/data.c).
 */
#include "service/storage_guard.h"
#include "storage/storage.h"
#include "core/error.h"
#include "model/owned.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct _MsStorageGuard {
  char *warehouse;             /* the default catalog's root URI */
  gboolean any;                /* '*': every location (but the protected ones) */
  char **allowed;              /* location prefixes, NULL-terminated */
  /* their normal forms (ms_storage_guard_key), taken once when the guard
   * is made: a check then resolves only the location it is asked about
   * (each key is a realpath(), one readlink() per path segment) */
  char *warehouse_key;         /* NULL: no warehouse, or none in normal form */
  char **allowed_keys;         /* NULL-terminated; one per 'allowed' that has one */
};

/* Longest location the guard reads; longer ones are no location we use. */
#define MAX_LOCATION 4096

/* Does 'path' (split on '/') hold a "." or ".." segment? */
static gboolean
has_dot_segment (const char *path)
{
  g_auto (GStrv) segs = g_strsplit (path, "/", -1);
  for (char **s = segs; *s; s++)
    if (g_str_equal (*s, ".") || g_str_equal (*s, ".."))
      return TRUE;
  return FALSE;
}

/* 'path' (absolute, without "." or "..") with the symbolic links of its
 * longest existing prefix followed: realpath() of that prefix, the rest
 * appended as it is. */
static char *
resolve_local (const char *path)
{
  g_autofree char *prefix = g_canonicalize_filename (path, "/");
  g_autoptr (GString) rest = g_string_new (NULL);
  for (;;)
    {
      char *real = realpath (prefix, NULL);
      if (real != NULL)
        {
          g_autofree char *joined = g_strconcat (real, rest->str, NULL);
          free (real);
          return g_canonicalize_filename (joined, "/");
        }
      if (g_str_equal (prefix, "/"))
        return g_canonicalize_filename (rest->len ? rest->str : "/", "/");
      char *slash = strrchr (prefix, '/');
      g_string_prepend (rest, slash);
      if (slash == prefix)
        slash[1] = '\0';
      else
        *slash = '\0';
    }
}

char *
ms_storage_guard_key (const char *uri)
{
  if (uri == NULL || *uri == '\0' || strlen (uri) > MAX_LOCATION)
    return NULL;
  g_autofree char *path = ms_storage_local_path (uri);
  if (path != NULL)
    {
      if (has_dot_segment (path))
        return NULL;
      g_autofree char *real = resolve_local (path);
      return g_str_has_suffix (real, "/") ? g_strconcat ("file://", real, NULL)
                                          : g_strconcat ("file://", real, "/", NULL);
    }
  const char *sep = strstr (uri, "://");
  if (sep == NULL || sep == uri || has_dot_segment (sep + 3))
    return NULL;
  /* s3a:// and s3n:// name the same objects as s3:// */
  const char *rest = g_str_has_prefix (uri, "s3a://") || g_str_has_prefix (uri, "s3n://")
                     ? uri + 6 : g_str_has_prefix (uri, "s3://") ? uri + 5 : NULL;
  g_autofree char *norm = rest ? g_strconcat ("s3://", rest, NULL) : g_strdup (uri);
  return g_str_has_suffix (norm, "/") ? g_steal_pointer (&norm) : g_strconcat (norm, "/", NULL);
}

gboolean
ms_storage_guard_within (const char *inner, const char *outer)
{
  g_autofree char *i = ms_storage_guard_key (inner);
  g_autofree char *o = ms_storage_guard_key (outer);
  return ms_storage_guard_key_within (i, o);
}

gboolean
ms_storage_guard_key_within (const char *inner_key, const char *outer_key)
{
  return inner_key != NULL && outer_key != NULL && g_str_has_prefix (inner_key, outer_key);
}

MsStorageGuard *
ms_storage_guard_new (const char *warehouse, const char *allowed, GError **error)
{
  g_autoptr (MsStorageGuard) g = g_new0 (MsStorageGuard, 1);
  g->warehouse = g_strdup (warehouse);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) parts = g_strsplit (allowed ? allowed : "", ",", -1);
  for (char **p = parts; *p; p++)
    {
      g_strstrip (*p);
      if (**p == '\0')
        continue;
      if (g_str_equal (*p, "*"))
        {
          g->any = TRUE;
          continue;
        }
      g_autofree char *key = ms_storage_guard_key (*p);
      if (key == NULL)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT,
                   "storage.allowed_locations: '%s' is not an absolute location (file:///dir, "
                   "s3://bucket/prefix, /dir; no '.' or '..')", *p);
          return NULL;
        }
      g_ptr_array_add (out, g_strdup (*p));
    }
  if (out->len == 0 && !g->any && warehouse != NULL)
    g_ptr_array_add (out, g_strdup (warehouse));
  g_ptr_array_add (out, NULL);
  g->allowed = (char **) g_ptr_array_steal (out, NULL);
  g->warehouse_key = warehouse ? ms_storage_guard_key (warehouse) : NULL;
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  for (char **a = g->allowed; *a; a++)
    {
      char *ak = ms_storage_guard_key (*a);
      if (ak != NULL)
        g_ptr_array_add (keys, ak);
    }
  g_ptr_array_add (keys, NULL);
  g->allowed_keys = (char **) g_ptr_array_steal (keys, NULL);
  return g_steal_pointer (&g);
}

static const MsOwned guard_owned[] = {
  MS_OWNED_STR (MsStorageGuard, warehouse), MS_OWNED (MsStorageGuard, allowed, g_strfreev, NULL),
  MS_OWNED_STR (MsStorageGuard, warehouse_key),
  MS_OWNED (MsStorageGuard, allowed_keys, g_strfreev, NULL),
};

MS_OWNED_DEFINE_FREE (MsStorageGuard, ms_storage_guard_free, guard_owned)

char *
ms_storage_guard_describe (const MsStorageGuard *g)
{
  if (g->any)
    return g_strdup ("any location ('*'), but never '/', the warehouse root or what holds it");
  g_autofree char *list = g_strjoinv (", ", g->allowed);
  return g_strdup_printf ("%s", *list ? list : "(none)");
}

/* Is 'key' one no deletion or move may touch: '/', a bucket root, or the
 * warehouse root, an allowed root or anything holding one? */
static const char *
protected_by (const MsStorageGuard *g, const char *key)
{
  if (g_str_equal (key, "file:///"))
    return "the root directory";
  const char *sep = strstr (key, "://");
  if (!g_str_has_prefix (key, "file://") && sep != NULL)
    {
      const char *path = strchr (sep + 3, '/');
      if (path == NULL || path[1] == '\0')
        return "a bucket root";
    }
  if (g->warehouse_key != NULL && g_str_has_prefix (g->warehouse_key, key))
    return "the warehouse root";
  for (char **ak = g->allowed_keys; *ak; ak++)
    if (g_str_has_prefix (*ak, key))
      return "the root of an allowed location";
  return NULL;
}

gboolean
ms_storage_guard_check (const MsStorageGuard *g, MsAccess access, const char *uri,
                        const char *what, GError **error)
{
  if (g == NULL)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The %s %s: no storage is allowed", what,
                    uri ? uri : "(none)");
  g_autofree char *key = ms_storage_guard_key (uri);
  return ms_storage_guard_check_key (g, access, uri, key, what, error);
}

gboolean
ms_storage_guard_check_key (const MsStorageGuard *g, MsAccess access, const char *uri,
                            const char *key, const char *what, GError **error)
{
  if (g == NULL)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "The %s %s: no storage is allowed", what,
                    uri ? uri : "(none)");
  if (key == NULL)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "The %s %.200s is not a location the server uses (not absolute, or with "
                    "'.' or '..')", what, uri ? uri : "(none)");
  if (access == MS_ACCESS_REMOVE)
    {
      const char *held = protected_by (g, key);
      if (held != NULL)
        return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                        "The %s %s is or holds %s, which is never deleted or moved", what, uri,
                        held);
    }
  if (g->any)
    return TRUE;
  for (char **ak = g->allowed_keys; *ak; ak++)
    if (g_str_has_prefix (key, *ak))
      return TRUE;
  return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                  "The %s %s is outside the allowed locations (storage.allowed_locations)", what,
                  uri);
}
