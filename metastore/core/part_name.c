/*
 * part_name.c: Hive's partition names; see part_name.h. The rules follow
 * Hive's Warehouse and FileUtils so that names built here match the ones
 * Hive clients send and store.
 */
#include "core/part_name.h"
#include "core/pattern.h"
#include "core/error.h"
#include <string.h>

/* Hive's FileUtils.escapePathName set: the control characters, DEL and
 * the characters listed below (a switch: the compiler makes it a table). */
static inline gboolean
needs_escape (unsigned char c)
{
  switch (c)
    {
    case '"': case '#': case '%': case '\'': case '*': case '/': case ':': case '=':
    case '?': case '\\': case '{': case '[': case ']': case '^': case 0x7f:
      return TRUE;
    default:
      return c < 0x20;
    }
}

/* Append 'value' escaped to 's': the runs that need nothing in one piece. */
static void
append_escaped (GString *s, const char *value)
{
  static const char hex[] = "0123456789ABCDEF";
  if (value == NULL || *value == '\0')
    {
      g_string_append_len (s, MS_DEFAULT_PARTITION_NAME, sizeof MS_DEFAULT_PARTITION_NAME - 1);
      return;
    }
  const unsigned char *run = (const unsigned char *) value, *p = run;
  for (; *p; p++)
    if (needs_escape (*p))
      {
        char e[3] = { '%', hex[*p >> 4], hex[*p & 0xf] };
        g_string_append_len (s, (const char *) run, p - run);
        g_string_append_len (s, e, 3);
        run = p + 1;
      }
  g_string_append_len (s, (const char *) run, p - run);
}

char *
ms_part_name_escape (const char *value)
{
  GString *s = g_string_sized_new (value ? strlen (value) + 8 : 32);
  append_escaped (s, value);
  return g_string_free (s, FALSE);
}

/* ms_part_name_unescape of the first 'n' bytes of 's'. */
static char *
unescape_len (const char *s, gsize n)
{
  char *out = g_malloc (n + 1), *o = out;   /* never longer than the input */
  for (gsize i = 0; i < n; i++)
    {
      /* a '%' followed by two hex digits; anything else is kept */
      if (s[i] == '%' && i + 2 < n && g_ascii_isxdigit (s[i + 1]) && g_ascii_isxdigit (s[i + 2]))
        {
          *o++ = (char) (g_ascii_xdigit_value (s[i + 1]) * 16 + g_ascii_xdigit_value (s[i + 2]));
          i += 2;
          continue;
        }
      *o++ = s[i];
    }
  *o = '\0';
  return out;
}

char *
ms_part_name_unescape (const char *s)
{
  return unescape_len (s, strlen (s));
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

/* Add key=val to the flat (key, value) array 'out', or, when the key is
 * there already, replace its value; takes both strings. Few keys are
 * compared one by one; past SPEC_SCAN of them an index by key is built, so
 * that a name of n components costs O(n) and not O(n^2) (a client may send
 * one of a million components). */
#define SPEC_SCAN 8
static void
spec_put (GPtrArray *out, GHashTable **index, char *key, char *val)
{
  guint at = G_MAXUINT;
  if (*index == NULL && out->len / 2 >= SPEC_SCAN)
    {
      *index = g_hash_table_new (g_str_hash, g_str_equal);   /* keys are out's */
      for (guint i = 0; i + 1 < out->len; i += 2)
        g_hash_table_insert (*index, out->pdata[i], GUINT_TO_POINTER (i));
    }
  if (*index != NULL)
    {
      gpointer v;
      if (g_hash_table_lookup_extended (*index, key, NULL, &v))
        at = GPOINTER_TO_UINT (v);
    }
  else
    for (guint i = 0; i + 1 < out->len && at == G_MAXUINT; i += 2)
      if (g_str_equal (g_ptr_array_index (out, i), key))
        at = i;
  if (at != G_MAXUINT)
    {
      g_free (out->pdata[at + 1]);
      out->pdata[at + 1] = val;
      g_free (key);
      return;
    }
  if (*index != NULL)
    g_hash_table_insert (*index, key, GUINT_TO_POINTER (out->len));
  g_ptr_array_add (out, key);
  g_ptr_array_add (out, val);
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
  g_autoptr (GHashTable) index = NULL;
  const char *p = name;
  while (*p)
    {
      const char *end = strchr (p, '/');
      gsize len = end ? (gsize) (end - p) : strlen (p);
      gsize eq;
      if (len > 0 && split_component (p, len, &eq))
        {
          const char *v = p + eq + 1;
          gsize vlen = len - eq - 1;
          spec_put (out, &index, unescape ? unescape_len (p, eq) : g_strndup (p, eq),
                    unescape ? unescape_len (v, vlen) : g_strndup (v, vlen));
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
      if (i > 0)
        g_string_append_c (s, '/');
      g_string_append (s, k);
      g_string_append_c (s, '=');
      g_string_append (s, g_ptr_array_index (spec, i + 1));
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
  GString *s = g_string_sized_new (64);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (s, '/');
      /* a key of ASCII without capitals is already lower case: most are */
      const unsigned char *k = (const unsigned char *) (keys[i] ? keys[i] : "");
      while (*k && *k < 0x80 && !(*k >= 'A' && *k <= 'Z'))
        k++;
      if (*k == '\0')
        append_escaped (s, keys[i]);
      else
        {
          g_autofree char *lk = ms_str_lower (keys[i]);
          append_escaped (s, lk);
        }
      g_string_append_c (s, '=');
      append_escaped (s, values[i]);
    }
  return g_string_free (s, FALSE);
}
