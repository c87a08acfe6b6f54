/*
 * json_flat.c: the flat JSON decoders of json_flat.h (string arrays and
 * string -> string objects) for the partition listing's hot path.
 *
 * One pass over the text: whitespace and punctuation are skipped in place,
 * each string is scanned once (closing quote found, raw UTF-8 validated,
 * control characters refused) and then copied as one span; only a string
 * that holds a backslash is decoded again, in place into a buffer of its
 * span's length (no escape decodes to more bytes than it is written with).
 * Anything outside the two shapes makes the decoder give up (FALSE) rather
 * than guess, and the caller asks json-glib.
 */
#include "store/json_flat.h"
#include <string.h>
#include "core/json_text.h"

/* What a byte means inside a JSON string. */
enum
{
  B_PLAIN = 0,      /* printable ASCII other than '"' and '\\' */
  B_QUOTE,
  B_BACKSLASH,
  B_CONTROL,        /* < 0x20: must be escaped */
  B_LEAD2,          /* C2..DF: lead byte of a 2-byte sequence */
  B_LEAD3,          /* E0..EF */
  B_LEAD4,          /* F0..F4 */
  B_INVALID,        /* a continuation byte, C0, C1 or F5..FF where a character starts */
};

static const guint8 byte_class[256] = {
  [0x00 ... 0x1f] = B_CONTROL,
  ['"'] = B_QUOTE,
  ['\\'] = B_BACKSLASH,
  [0x80 ... 0xc1] = B_INVALID,
  [0xc2 ... 0xdf] = B_LEAD2,
  [0xe0 ... 0xef] = B_LEAD3,
  [0xf0 ... 0xf4] = B_LEAD4,
  [0xf5 ... 0xff] = B_INVALID,
};

#define IS_CONT(b) (((b) & 0xc0) == 0x80)

static inline const guchar *
skip_ws (const guchar *p, const guchar *end)
{
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  return p;
}

/* Scans a string body from 'p' (just after its opening quote) and returns
 * its closing quote, or NULL if the string is unterminated, holds a raw
 * control character or is not valid UTF-8 (overlong forms, surrogates and
 * code points past U+10FFFF included). Sets *escaped when a backslash is
 * seen; what follows a backslash is checked when the string is decoded. */
static const guchar *
scan_string (const guchar *p, const guchar *end, gboolean *escaped)
{
  for (;;)
    {
      while (p < end && byte_class[*p] == B_PLAIN)
        p++;
      if (p == end)
        return NULL;
      guchar lo = 0x80, hi = 0xbf;
      switch (byte_class[*p])
        {
        case B_QUOTE:
          return p;
        case B_BACKSLASH:
          if (end - p < 2)
            return NULL;
          *escaped = TRUE;
          p += 2;
          break;
        case B_LEAD2:
          if (end - p < 2 || !IS_CONT (p[1]))
            return NULL;
          p += 2;
          break;
        case B_LEAD3:
          if (*p == 0xe0)
            lo = 0xa0;              /* overlong below U+0800 */
          else if (*p == 0xed)
            hi = 0x9f;              /* UTF-16 surrogates */
          if (end - p < 3 || p[1] < lo || p[1] > hi || !IS_CONT (p[2]))
            return NULL;
          p += 3;
          break;
        case B_LEAD4:
          if (*p == 0xf0)
            lo = 0x90;              /* overlong below U+10000 */
          else if (*p == 0xf4)
            hi = 0x8f;              /* past U+10FFFF */
          if (end - p < 4 || p[1] < lo || p[1] > hi || !IS_CONT (p[2]) || !IS_CONT (p[3]))
            return NULL;
          p += 4;
          break;
        default:                    /* B_CONTROL, B_INVALID */
          return NULL;
        }
    }
}

/* Reads four hex digits at 'p' (before 'end') into *out. */
static gboolean
read_hex4 (const guchar *p, const guchar *end, gunichar *out)
{
  if (end - p < 4)
    return FALSE;
  gunichar v = 0;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return FALSE;
      v = (v << 4) | (gunichar) d;
    }
  *out = v;
  return TRUE;
}

/* Decodes the string body [p, end) that scan_string accepted and found a
 * backslash in. Returns a new string, or NULL for an unknown escape, a
 * malformed \u, \u0000 or a surrogate escape that is not a proper pair. */
static char *
decode_escaped (const guchar *p, const guchar *end)
{
  char *buf = g_malloc ((gsize) (end - p) + 1);
  char *o = buf;
  while (p < end)
    {
      const guchar *bs = memchr (p, '\\', (gsize) (end - p));
      gsize run = (gsize) ((bs != NULL ? bs : end) - p);
      memcpy (o, p, run);
      o += run;
      p += run;
      if (p == end)
        break;
      p++;                          /* the backslash; scan_string saw what follows */
      switch (*p++)
        {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
          {
            gunichar c, low;
            if (!read_hex4 (p, end, &c) || c == 0 || (c >= 0xdc00 && c <= 0xdfff))
              goto fail;
            p += 4;
            if (c >= 0xd800 && c <= 0xdbff)
              {
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !read_hex4 (p + 2, end, &low)
                    || low < 0xdc00 || low > 0xdfff)
                  goto fail;
                p += 6;
                c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
              }
            o += g_unichar_to_utf8 (c, o);
            break;
          }
        default:
          goto fail;
        }
    }
  *o = '\0';
  return buf;

fail:
  g_free (buf);
  return NULL;
}

/* Reads the JSON string whose opening quote is at 'p' and appends its value
 * to 'out'. Returns the position after its closing quote, or NULL. */
static const guchar *
take_string (const guchar *p, const guchar *end, GPtrArray *out)
{
  if (p == end || *p != '"')
    return NULL;
  gboolean escaped = FALSE;
  const guchar *q = scan_string (p + 1, end, &escaped);
  if (q == NULL)
    return NULL;
  char *s;
  if (escaped)
    {
      if ((s = decode_escaped (p + 1, q)) == NULL)
        return NULL;
    }
  else
    {
      gsize n = (gsize) (q - (p + 1));
      s = g_malloc (n + 1);
      memcpy (s, p + 1, n);
      s[n] = '\0';
    }
  g_ptr_array_add (out, s);
  return q + 1;
}

/* Both shapes: '[' string (',' string)* ']' or '{' string ':' string
 * (',' string ':' string)* '}', with optional whitespace around every token
 * and nothing else after. */
static gboolean
flat_decode (const char *text, gsize len, GPtrArray *out, gboolean object)
{
  g_return_val_if_fail (out != NULL, FALSE);
  if (text == NULL)
    return FALSE;
  const guchar *p = (const guchar *) text, *end = p + len;
  const guchar open = object ? '{' : '[', close = object ? '}' : ']';
  guint had = out->len;

  p = skip_ws (p, end);
  if (p == end || *p != open)
    return FALSE;
  p = skip_ws (p + 1, end);
  if (p < end && *p == close)
    p++;
  else
    for (;;)
      {
        if ((p = take_string (p, end, out)) == NULL)
          goto fail;
        if (object)
          {
            p = skip_ws (p, end);
            if (p == end || *p != ':')
              goto fail;
            p = skip_ws (p + 1, end);
            if ((p = take_string (p, end, out)) == NULL)
              goto fail;
          }
        p = skip_ws (p, end);
        if (p == end)
          goto fail;
        if (*p == close)
          {
            p++;
            break;
          }
        if (*p != ',')
          goto fail;
        p = skip_ws (p + 1, end);
      }
  if (skip_ws (p, end) == end)
    return TRUE;

fail:
  g_ptr_array_set_size (out, had);  /* frees what this call appended */
  return FALSE;
}

gboolean
ms_json_flat_strings (const char *text, gsize len, GPtrArray *out)
{
  return flat_decode (text, len, out, FALSE);
}

gboolean
ms_json_flat_object (const char *text, gsize len, GPtrArray *out)
{
  return flat_decode (text, len, out, TRUE);
}

/* ---- encoders ---- */

char *
ms_json_flat_write_strings (const char *const *items, guint n)
{
  GString *out = g_string_sized_new (16 * (n + 1));
  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      ms_json_text_append_string (out, items[i] ? items[i] : "");
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

char *
ms_json_flat_write_object (GHashTable *map)
{
  GString *out = g_string_sized_new (128);
  g_string_append_c (out, '{');
  if (map != NULL)
    {
      GHashTableIter it;
      gpointer k, v;
      gboolean first = TRUE;
      g_hash_table_iter_init (&it, map);
      while (g_hash_table_iter_next (&it, &k, &v))
        {
          if (!first)
            g_string_append_c (out, ',');
          first = FALSE;
          ms_json_text_append_string (out, k);
          g_string_append_c (out, ':');
          ms_json_text_append_string (out, v ? v : "");
        }
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
