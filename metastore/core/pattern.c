/*
 * pattern.c: translation of HMS name patterns to regular expressions.
 */
#include "core/pattern.h"
#include <string.h>

char *
ms_pattern_to_regex (const char *pattern)
{
  if (pattern == NULL)
    return NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (pattern));
  if (*trimmed == '\0')
    return NULL;

  GString *re = g_string_new ("^(?:");
  for (const char *p = trimmed; *p; p++)
    {
      switch (*p)
        {
        case '*': g_string_append (re, ".*"); break;
        case '.': g_string_append_c (re, '.'); break;
        case '|': g_string_append_c (re, '|'); break;
        default:
          if (strchr ("\\^$?+()[]{}", *p) != NULL)
            g_string_append_c (re, '\\');
          g_string_append_c (re, *p);
        }
    }
  g_string_append (re, ")$");
  return g_string_free (re, FALSE);
}

gboolean
ms_pattern_match (const char *pattern, const char *name)
{
  g_autofree char *re = ms_pattern_to_regex (pattern);
  if (re == NULL)
    return TRUE;
  g_autoptr (GRegex) rx = g_regex_new (re, G_REGEX_CASELESS | G_REGEX_DOTALL, 0, NULL);
  return rx != NULL && g_regex_match (rx, name, 0, NULL);
}

char *
ms_str_lower (const char *s)
{
  if (s == NULL)
    return NULL;
  /* GLib's UTF-8 functions read past the end of invalid input */
  return g_utf8_validate (s, -1, NULL) ? g_utf8_strdown (s, -1) : g_ascii_strdown (s, -1);
}

gboolean
ms_pattern_matches_nothing (const char *pattern)
{
  if (pattern == NULL)
    return FALSE;
  for (const char *p = pattern; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}
