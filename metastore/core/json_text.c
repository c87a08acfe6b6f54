/*
 * json_text.c: json-glib's generator with raw control characters inside
 * strings escaped (see json_text.h).
 */
#include "core/json_text.h"
#include "core/error.h"
#include <errno.h>
#include <string.h>

/* One pass over 'json' tracking strings: the offset of the first raw
 * control character inside a string (or -1); with 'out', every such
 * character is written escaped and the rest as it is. */
static gssize
scan_controls (const char *json, GString *out)
{
  gboolean in_string = FALSE, escaped = FALSE;
  for (const char *p = json; *p; p++)
    {
      guchar c = (guchar) *p;
      if (in_string && !escaped && c < 0x20)
        {
          if (out == NULL)
            return p - json;
          g_string_append_printf (out, "\\u%04x", c);
          continue;
        }
      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      if (out != NULL)
        g_string_append_c (out, (char) c);
    }
  return -1;
}

char *
ms_json_text_escape_controls (char *json, gsize *len)
{
  /* pretty output has newlines and spaces between tokens: only bytes
   * inside strings are looked at */
  if (scan_controls (json, NULL) < 0)
    {
      if (len)
        *len = strlen (json);
      return json;
    }
  GString *out = g_string_sized_new (strlen (json) + 64);
  scan_controls (json, out);
  g_free (json);
  if (len)
    *len = out->len;
  return g_string_free (out, FALSE);
}

void
ms_json_text_append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

void
ms_json_text_append_members (GString *out, GHashTable *map, gboolean *first)
{
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, map);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      if (!*first)
        g_string_append_c (out, ',');
      *first = FALSE;
      ms_json_text_append_string (out, k);
      g_string_append_c (out, ':');
      ms_json_text_append_string (out, v);
    }
}

char *
ms_json_text (JsonNode *node, gboolean pretty, gsize *len)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, pretty);
  return ms_json_text_escape_controls (json_generator_to_data (gen, NULL), len);
}

/* The value of the four hex digits at 'p' (0..0xffff), or -1. */
static int
hex4 (const char *p, gsize avail)
{
  if (avail < 4)
    return -1;
  int v = 0;
  for (int k = 0; k < 4; k++)
    {
      int d = g_ascii_xdigit_value (p[k]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* Checks the \u escape at text[i] and sets '*skip' to the bytes it takes:
 * 12 for a surrogate pair, 6 for another code point; a malformed escape
 * is refused (json-glib takes it as text). \u0000 is refused (json-glib would cut the
 * string there), and so is a surrogate not in a pair: json-glib 1.6 turns
 * a lone one into bytes that are not UTF-8, and on a high surrogate
 * followed by another escape it fails and leaks its scanner's buffers
 * (152 bytes a request). */
static gboolean
check_unicode_escape (const char *text, gsize len, gsize i, gsize *skip, GError **error)
{
  int v = hex4 (text + i + 2, len - (i + 2));
  *skip = 6;
  if (v < 0)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "malformed \\u escape in a string at offset %" G_GSIZE_FORMAT, i);
  if (v == 0)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "\\u0000 in a string at offset %" G_GSIZE_FORMAT, i);
  if (v < 0xd800 || v > 0xdfff)
    return TRUE;
  gsize j = i + 6;
  int low = (v < 0xdc00 && j + 1 < len && text[j] == '\\' && text[j + 1] == 'u')
                ? hex4 (text + j + 2, len - (j + 2))
                : -1;
  if (low < 0xdc00 || low > 0xdfff)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "unpaired UTF-16 surrogate escape in a string at offset %" G_GSIZE_FORMAT, i);
  *skip = 12;
  return TRUE;
}

gboolean
ms_json_precheck (const char *text, gsize len, int max_depth, GError **error)
{
  gboolean in_string = FALSE, seen_value = FALSE, closed = FALSE;
  int depth = 0;
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) text[i];
      if (c == 0)
        return ms_fail (error, MS_ERROR_INVALID_INPUT, "NUL byte at offset %" G_GSIZE_FORMAT, i);
      if (in_string)
        {
          if (c == '"')
            {
              in_string = FALSE;
              closed = depth == 0;
            }
          else if (c < 0x20)
            return ms_fail (error, MS_ERROR_INVALID_INPUT,
                            "unescaped control character in a string at offset %" G_GSIZE_FORMAT,
                            i);
          else if (c == '\\' && i + 1 < len)
            {
              /* JSON's escapes only: json-glib 1.6 takes others (\x, \u12zz)
               * as text, and leaks on some next to a surrogate */
              gsize skip = 2;
              if (text[i + 1] == 'u')
                {
                  if (!check_unicode_escape (text, len, i, &skip, error))
                    return FALSE;
                }
              else if (strchr ("\"\\/bfnrt", text[i + 1]) == NULL || text[i + 1] == '\0')
                return ms_fail (error, MS_ERROR_INVALID_INPUT,
                                "invalid escape in a string at offset %" G_GSIZE_FORMAT, i);
              i += skip - 1;
            }
          continue;
        }
      /* one value: json-glib 1.6 takes an object or array after a
       * first value as the document, and leaks the first */
      if (depth == 0 && !strchr (" \t\n\r", c))
        {
          if (closed || (seen_value && (c == '{' || c == '[' || c == '"')))
            return ms_fail (error, MS_ERROR_INVALID_INPUT,
                            "text after the JSON value at offset %" G_GSIZE_FORMAT, i);
          seen_value = TRUE;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '{': case '[':
          if (++depth > max_depth)
            return ms_fail (error, MS_ERROR_INVALID_INPUT,
                            "JSON nested deeper than %d levels at offset %" G_GSIZE_FORMAT,
                            max_depth, i);
          break;
        case '}': case ']':
          closed = --depth == 0;
          break;
        case ' ': case '\t': case '\n': case '\r': case ',': case ':':
        case '+': case '.':
          break;
        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          {
            /* an integer json-glib would wrap (it reads them as 64-bit) */
            gsize start = i, end = i + (c == '-');
            while (end < len && g_ascii_isdigit (text[end]))
              end++;
            gboolean integer = end == len || strchr (".eE", text[end]) == NULL;
            gsize digits = end - start - (c == '-');
            if (integer && digits >= 19)
              {
                g_autofree char *lit = g_strndup (text + start, end - start);
                char *stop = NULL;
                errno = 0;
                g_ascii_strtoll (lit, &stop, 10);
                if (errno == ERANGE)
                  return ms_fail (error, MS_ERROR_INVALID_INPUT,
                                  "integer out of the 64-bit range at offset %" G_GSIZE_FORMAT,
                                  start);
              }
            i = end - 1;
          }
          break;
        default:
          /* numbers and the literals true, false, null */
          if (g_ascii_isdigit (c) || strchr ("truefalsnE", c) != NULL)
            break;
          if (c == 0xef && i + 2 < len && (guchar) text[i + 1] == 0xbb
              && (guchar) text[i + 2] == 0xbf)
            return ms_fail (error, MS_ERROR_INVALID_INPUT,
                            "a byte order mark at offset %" G_GSIZE_FORMAT
                            " (JSON text is sent without one)", i);
          if (!g_ascii_isprint (c))
            return ms_fail (error, MS_ERROR_INVALID_INPUT,
                            "unexpected character 0x%02x at offset %" G_GSIZE_FORMAT, c, i);
          return ms_fail (error, MS_ERROR_INVALID_INPUT,
                          "unexpected character '%c' at offset %" G_GSIZE_FORMAT, c, i);
        }
    }
  /* a cut body: said in the same words, not json-glib's */
  if (in_string || depth > 0)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "unexpected end of input at offset %" G_GSIZE_FORMAT, len);
  return TRUE;
}
