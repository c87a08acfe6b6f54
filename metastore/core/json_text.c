/*
 * json_text.c: json-glib's generator with raw control characters inside
 * strings escaped (see json_text.h).
 */
#include "core/json_text.h"
#include <string.h>

char *
ms_json_text_escape_controls (char *json, gsize *len)
{
  /* pretty output has newlines and spaces between tokens: only bytes
   * inside strings are looked at */
  gboolean in_string = FALSE, escaped = FALSE, any = FALSE;
  for (const char *p = json; *p; p++)
    {
      guchar c = (guchar) *p;
      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          else if (c < 0x20)
            {
              any = TRUE;
              break;
            }
        }
      else if (c == '"')
        in_string = TRUE;
    }
  if (!any)
    {
      if (len)
        *len = strlen (json);
      return json;
    }
  GString *out = g_string_sized_new (strlen (json) + 64);
  in_string = escaped = FALSE;
  for (const char *p = json; *p; p++)
    {
      guchar c = (guchar) *p;
      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          else if (c < 0x20)
            {
              g_string_append_printf (out, "\\u%04x", c);
              continue;
            }
        }
      else if (c == '"')
        in_string = TRUE;
      g_string_append_c (out, (char) c);
    }
  g_free (json);
  if (len)
    *len = out->len;
  return g_string_free (out, FALSE);
}

char *
ms_json_text (JsonNode *node, gboolean pretty, gsize *len)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, pretty);
  return ms_json_text_escape_controls (json_generator_to_data (gen, NULL), len);
}
