/*
 * json_out.c: compact JSON text straight into a GString (json_out.h).
 *
 * Escaping goes by a table: each byte's escaped length, so a string is
 * measured once, the buffer grown once and the bytes copied in runs.
 */
#include "core/json_out.h"
#include <string.h>

/* The escaped length of each byte: 1 as it is, 2 by name, 6 as \u00xx. */
#define ONES16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const guint8 esc_len[256] = {
  6, 6, 6, 6, 6, 6, 6, 6, 2, 2, 2, 6, 2, 2, 6, 6,
  6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
  1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  ONES16,
  ONES16,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1,
  ONES16,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 6,
  ONES16, ONES16, ONES16, ONES16, ONES16, ONES16, ONES16, ONES16,
};

void
ms_json_out_escape (GString *out, const char *s, gsize len)
{
  const guchar *p = (const guchar *) s;
  gsize plain = 0;
  while (plain < len && esc_len[p[plain]] == 1)
    plain++;
  if (plain == len)
    {
      ms_json_out_append (out, s, len);      /* the common case: nothing to escape */
      return;
    }
  gsize need = plain;
  for (gsize i = plain; i < len; i++)
    need += esc_len[p[i]];
  gsize at = out->len;
  g_string_set_size (out, at + need);
  char *w = out->str + at;
  static const char hex[] = "0123456789abcdef";
  gsize run = 0;
  for (gsize i = 0; i < len; i++)
    {
      guchar c = p[i];
      if (esc_len[c] == 1)
        {
          run++;
          continue;
        }
      memcpy (w, p + i - run, run);
      w += run;
      run = 0;
      *w++ = '\\';
      switch (c)
        {
        case '"': case '\\': *w++ = (char) c; break;
        case '\b': *w++ = 'b'; break;
        case '\f': *w++ = 'f'; break;
        case '\n': *w++ = 'n'; break;
        case '\r': *w++ = 'r'; break;
        case '\t': *w++ = 't'; break;
        default:
          memcpy (w, "u00", 3);
          w[3] = hex[c >> 4];
          w[4] = hex[c & 15];
          w += 5;
        }
    }
  memcpy (w, p + len - run, run);
}

void
ms_json_out_init (MsJsonOut *j, gsize reserve)
{
  memset (j, 0, sizeof *j);
  j->out = g_string_sized_new (reserve);
  j->first[0] = TRUE;
}

char *
ms_json_out_finish (MsJsonOut *j)
{
  char *text = g_string_free (j->out, FALSE);
  j->out = NULL;
  return text;
}

void
ms_json_out_clear (MsJsonOut *j)
{
  if (j->out != NULL)
    g_string_free (j->out, TRUE);
  j->out = NULL;
}

/* The separator before a value or a member name. */
static void
separate (MsJsonOut *j)
{
  if (j->named)
    {
      j->named = FALSE;
      return;
    }
  if (!j->first[j->depth])
    g_string_append_c (j->out, ',');
  j->first[j->depth] = FALSE;
}

static void
open_nest (MsJsonOut *j, char c)
{
  separate (j);
  g_string_append_c (j->out, c);
  g_return_if_fail (j->depth < MS_JSON_OUT_MAX_DEPTH);
  j->first[++j->depth] = TRUE;
}

static void
close_nest (MsJsonOut *j, char c)
{
  g_string_append_c (j->out, c);
  if (j->depth > 0)
    j->depth--;
}

void
ms_json_out_begin_object (MsJsonOut *j)
{
  open_nest (j, '{');
}

void
ms_json_out_end_object (MsJsonOut *j)
{
  close_nest (j, '}');
}

void
ms_json_out_begin_array (MsJsonOut *j)
{
  open_nest (j, '[');
}

void
ms_json_out_end_array (MsJsonOut *j)
{
  close_nest (j, ']');
}

void
ms_json_out_member (MsJsonOut *j, const char *name)
{
  separate (j);
  g_string_append_c (j->out, '"');
  ms_json_out_escape (j->out, name, strlen (name));
  ms_json_out_append (j->out, "\":", 2);
  j->named = TRUE;
}

void
ms_json_out_string_len (MsJsonOut *j, const char *s, gsize len)
{
  separate (j);
  g_string_append_c (j->out, '"');
  ms_json_out_escape (j->out, s, len);
  g_string_append_c (j->out, '"');
}

GString *
ms_json_out_string_open (MsJsonOut *j)
{
  separate (j);
  g_string_append_c (j->out, '"');
  return j->out;
}

void
ms_json_out_string_close (MsJsonOut *j)
{
  g_string_append_c (j->out, '"');
}

void
ms_json_out_string (MsJsonOut *j, const char *s)
{
  ms_json_out_string_len (j, s, strlen (s));
}

void
ms_json_out_int (MsJsonOut *j, gint64 v)
{
  separate (j);
  g_string_append_printf (j->out, "%" G_GINT64_FORMAT, v);
}
