/*
 * location.c: a client's location in the Java metastore's stored form
 * (Hadoop Path parsing and normalisation, Warehouse.getDnsPath's choice of
 * scheme and authority). See location.h.
 */
#include "core/location.h"
#include <string.h>

typedef struct {
  char *scheme;      /* NULL: none */
  char *authority;   /* NULL: none (an empty one counts as none, as in java.net.URI) */
  char *path;
} HPath;

static void
hpath_clear (HPath *p)
{
  g_clear_pointer (&p->scheme, g_free);
  g_clear_pointer (&p->authority, g_free);
  g_clear_pointer (&p->path, g_free);
}

/* java.net.URI.normalize on an absolute path: "." segments dropped, a
 * segment followed by ".." dropped with it (a leading ".." stays); a path
 * ending in a removed segment keeps its trailing '/'. */
static char *
remove_dot_segments (const char *path)
{
  g_auto (GStrv) segs = g_strsplit (path + 1, "/", -1);
  g_autoptr (GPtrArray) out = g_ptr_array_new ();
  gboolean trailing = FALSE;
  for (guint i = 0; segs[i] != NULL; i++)
    {
      const char *s = segs[i];
      gboolean last = segs[i + 1] == NULL;
      trailing = FALSE;
      if (strcmp (s, ".") == 0)
        trailing = last;
      else if (strcmp (s, "..") == 0 && out->len > 0
               && strcmp (g_ptr_array_index (out, out->len - 1), "..") != 0)
        {
          g_ptr_array_remove_index (out, out->len - 1);
          trailing = last;
        }
      else
        g_ptr_array_add (out, (gpointer) s);
    }
  GString *r = g_string_new ("");
  for (guint i = 0; i < out->len; i++)
    g_string_append_printf (r, "/%s", (const char *) g_ptr_array_index (out, i));
  if (trailing || r->len == 0)
    g_string_append_c (r, '/');
  return g_string_free (r, FALSE);
}

static gboolean
has_dot_segment (const char *path)
{
  for (const char *p = path; (p = strchr (p, '/')) != NULL; p++)
    if (p[1] == '.' && (p[2] == '/' || p[2] == '\0' || (p[2] == '.' && (p[3] == '/' || p[3] == '\0'))))
      return TRUE;
  return FALSE;
}

/* Path.normalizePath then URI.normalize, for an absolute or empty path. */
static char *
normalize_path (const char *path)
{
  GString *s = g_string_sized_new (strlen (path));
  /* StringUtils.replace(path, "//", "/"): one left-to-right pass */
  for (const char *p = path; *p; p++)
    {
      g_string_append_c (s, *p);
      if (p[0] == '/' && p[1] == '/')
        p++;
    }
  if (s->len > 1 && s->str[s->len - 1] == '/')
    g_string_truncate (s, s->len - 1);
  if (s->len > 0 && has_dot_segment (s->str))
    {
      char *r = remove_dot_segments (s->str);
      g_string_free (s, TRUE);
      return r;
    }
  return g_string_free (s, FALSE);
}

/* new Path(String): scheme before a ':' that comes before any '/', an
 * authority after "//", the rest the path. FALSE for a relative path. */
static gboolean
hpath_parse (const char *s, HPath *out)
{
  memset (out, 0, sizeof *out);
  const char *colon = strchr (s, ':');
  const char *slash = strchr (s, '/');
  const char *rest = s;
  if (colon != NULL && (slash == NULL || colon < slash))
    {
      out->scheme = g_strndup (s, (gsize) (colon - s));
      rest = colon + 1;
    }
  if (g_str_has_prefix (rest, "//") && strlen (rest) > 2)
    {
      const char *end = strchr (rest + 2, '/');
      if (end == NULL)
        end = rest + strlen (rest);
      if (end > rest + 2)
        out->authority = g_strndup (rest + 2, (gsize) (end - rest - 2));
      rest = end;
    }
  if (*rest != '\0' && *rest != '/')
    {
      hpath_clear (out);
      return FALSE;
    }
  if (out->scheme != NULL && *out->scheme == '\0')
    {
      hpath_clear (out);
      return FALSE;
    }
  out->path = normalize_path (rest);
  return TRUE;
}

static char *
hpath_string (const char *scheme, const char *authority, const char *path)
{
  return g_strdup_printf ("%s%s%s%s%s", scheme ? scheme : "", scheme ? ":" : "",
                          authority ? "//" : "", authority ? authority : "", path);
}

static gboolean
is_blob_scheme (const char *scheme)
{
  return scheme != NULL && (g_ascii_strcasecmp (scheme, "s3") == 0
                            || g_ascii_strcasecmp (scheme, "s3a") == 0
                            || g_ascii_strcasecmp (scheme, "s3n") == 0);
}

static gboolean
same_scheme (const char *a, const char *b)
{
  return a != NULL && b != NULL && g_ascii_strcasecmp (a, b) == 0;
}

gboolean
ms_location_valid_default_fs (const char *default_fs)
{
  HPath d;
  if (default_fs == NULL || !hpath_parse (default_fs, &d))
    return FALSE;
  gboolean ok = d.scheme != NULL;
  hpath_clear (&d);
  return ok;
}

char *
ms_location_qualify (const char *location, const char *default_fs)
{
  if (location == NULL || *location == '\0')
    return g_strdup (location);
  HPath p, d;
  if (!hpath_parse (location, &p))
    return g_strdup (location);
  if (!hpath_parse (default_fs ? default_fs : MS_LOCATION_DEFAULT_FS, &d) || d.scheme == NULL)
    {
      hpath_clear (&d);
      if (!hpath_parse (MS_LOCATION_DEFAULT_FS, &d))
        g_assert_not_reached ();
    }

  const char *scheme = p.scheme ? p.scheme : d.scheme;
  const char *authority = p.authority;
  /* a new Path(scheme, authority, path) normalises the path once more */
  g_autofree char *path = normalize_path (*p.path ? p.path : "/");
  char *out;
  if (is_blob_scheme (scheme))
    {
      if ((p.scheme == NULL && p.authority == NULL) || same_scheme (p.scheme, d.scheme))
        {
          if (authority == NULL)
            authority = d.authority;
          out = hpath_string (scheme, authority, path);
        }
      else
        out = hpath_string (p.scheme, p.authority, p.path);
    }
  else if (g_ascii_strcasecmp (scheme, "file") == 0)
    out = hpath_string ("file", NULL, path);
  else
    {
      /* FileSystem.get: a scheme without authority takes the default's
       * when the schemes match; the file system's URI is scheme://authority */
      if (authority == NULL && (p.scheme == NULL || same_scheme (p.scheme, d.scheme)))
        authority = d.authority;
      out = hpath_string (scheme, authority, path);
    }
  hpath_clear (&p);
  hpath_clear (&d);
  return out;
}

void
ms_location_qualify_in_place (char **location, const char *default_fs)
{
  if (location == NULL || *location == NULL || **location == '\0')
    return;
  char *q = ms_location_qualify (*location, default_fs);
  g_free (*location);
  *location = q;
}
