/*
 * part_name.c: Hive's partition names; see part_name.h. The rules follow
 * Hive's Warehouse and FileUtils so that names built here match the ones
 * Hive clients send and store.
 */
#include "core/part_name.h"
#include "core/pattern.h"
#include "core/error.h"
#include <string.h>

static gboolean
needs_escape (unsigned char c)
{
  if (c < 0x20 || c == 0x7f)
    return TRUE;
  return strchr ("\"#%'*/:=?\\{[]^", c) != NULL && c != '\0';
}

char *
ms_part_name_escape (const char *value)
{
  if (value == NULL || *value == '\0')
    return g_strdup (MS_DEFAULT_PARTITION_NAME);
  GString *s = g_string_sized_new (strlen (value));
  for (const unsigned char *p = (const unsigned char *) value; *p; p++)
    if (needs_escape (*p))
      g_string_append_printf (s, "%%%02X", *p);
    else
      g_string_append_c (s, (char) *p);
  return g_string_free (s, FALSE);
}

char *
ms_part_name_unescape (const char *s)
{
  gsize n = strlen (s);
  GString *out = g_string_sized_new (n);
  for (gsize i = 0; i < n; i++)
    {
      /* a '%' followed by two hex digits; anything else is kept */
      if (s[i] == '%' && i + 2 < n && g_ascii_isxdigit (s[i + 1]) && g_ascii_isxdigit (s[i + 2]))
        {
          g_string_append_c (out, (char) (g_ascii_xdigit_value (s[i + 1]) * 16
                                          + g_ascii_xdigit_value (s[i + 2])));
          i += 2;
          continue;
        }
      g_string_append_c (out, s[i]);
    }
  return g_string_free (out, FALSE);
}

/* Split one path component as the pattern ([^/]+)=([^/]+) does: at the
 * last '=' that leaves both sides non-empty. */
static gboolean
split_component (const char *c, gsize len, gsize *eq)
{
  for (gsize i = len; i-- > 0;)
    if (c[i] == '=' && i > 0 && i + 1 < len)
      {
        *eq = i;
        return TRUE;
      }
  return FALSE;
}

GPtrArray *
ms_part_name_spec (const char *name, gboolean unescape, GError **error)
{
  if (name == NULL || *name == '\0')
    {
      ms_fail (error, MS_ERROR_NOT_ALLOWED, "Partition name is invalid. %s", name ? name : "null");
      return NULL;
    }
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const char *p = name;
  while (*p)
    {
      const char *end = strchr (p, '/');
      gsize len = end ? (gsize) (end - p) : strlen (p);
      gsize eq;
      if (len > 0 && split_component (p, len, &eq))
        {
          g_autofree char *k = g_strndup (p, eq);
          g_autofree char *v = g_strndup (p + eq + 1, len - eq - 1);
          char *key = unescape ? ms_part_name_unescape (k) : g_steal_pointer (&k);
          char *val = unescape ? ms_part_name_unescape (v) : g_steal_pointer (&v);
          gboolean replaced = FALSE;
          for (guint i = 0; i + 1 < out->len && !replaced; i += 2)
            if (g_str_equal (g_ptr_array_index (out, i), key))
              {
                g_free (out->pdata[i + 1]);
                out->pdata[i + 1] = val;
                g_free (key);
                replaced = TRUE;
              }
          if (!replaced)
            {
              g_ptr_array_add (out, key);
              g_ptr_array_add (out, val);
            }
        }
      p += len;
      if (*p == '/')
        p++;
    }
  return out;
}

char *
ms_part_name_lower_keys (const char *name, GError **error)
{
  if (name == NULL)
    return NULL;
  g_autoptr (GPtrArray) spec = ms_part_name_spec (name, FALSE, error);
  if (spec == NULL)
    return NULL;
  GString *s = g_string_new (NULL);
  for (guint i = 0; i + 1 < spec->len; i += 2)
    {
      g_autofree char *k = ms_str_lower (g_ptr_array_index (spec, i));
      g_string_append_printf (s, "%s%s=%s", i ? "/" : "", k, (char *) g_ptr_array_index (spec, i + 1));
    }
  return g_string_free (s, FALSE);
}

GPtrArray *
ms_part_name_values (const char *name, const char *const *keys, guint n_keys, GError **error)
{
  g_autoptr (GPtrArray) spec = ms_part_name_spec (name, TRUE, error);
  if (spec == NULL)
    return NULL;
  g_autoptr (GPtrArray) vals = g_ptr_array_new_with_free_func (g_free);
  for (guint k = 0; k < n_keys; k++)
    {
      const char *val = NULL;
      for (guint i = 0; i + 1 < spec->len && val == NULL; i += 2)
        if (g_str_equal (g_ptr_array_index (spec, i), keys[k]))
          val = g_ptr_array_index (spec, i + 1);
      if (val == NULL)
        {
          ms_fail (error, MS_ERROR_INVALID_OBJECT, "incomplete partition name - missing %s", keys[k]);
          return NULL;
        }
      g_ptr_array_add (vals, g_strdup (val));
    }
  return g_steal_pointer (&vals);
}

char *
ms_part_name_make (const char *const *keys, const char *const *values, guint n)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *lk = ms_str_lower (keys[i]);
      g_autofree char *k = ms_part_name_escape (lk);
      g_autofree char *v = ms_part_name_escape (values[i]);
      g_string_append_printf (s, "%s%s=%s", i ? "/" : "", k, v);
    }
  return g_string_free (s, FALSE);
}
