/*
 * json_out.h: compact JSON text written straight into a GString, for
 * documents built once and sent (the notification messages): no tree of
 * nodes, no second pass. The text is byte for byte what ms_json_text
 * (json_text.h) makes of the same tree: no spaces; strings escape '"' and
 * '\', \b \f \n \r \t by name and every other byte below 0x20, and 0x7f,
 * as \u00xx; other bytes (UTF-8) as they are.
 */
#pragma once
#include <glib.h>
#include <string.h>

#define MS_JSON_OUT_MAX_DEPTH 64

/* g_string_append_len for the many short pieces of a message: a copy when
 * the buffer has room (GLib 2.74's g_string_append_len goes through
 * g_string_insert_len and its overlap checks: a quarter of an
 * ADD_PARTITION event's encoding went there), GLib's own growth otherwise.
 * 's' must not point into 'out'. */
static inline void
ms_json_out_append (GString *out, const char *s, gsize n)
{
  if (out->len + n < out->allocated_len)
    {
      memcpy (out->str + out->len, s, n);
      out->len += n;
      out->str[out->len] = '\0';
    }
  else
    g_string_append_len (out, s, n);
}

typedef struct {
  GString *out;
  guint depth;                  /* open objects and arrays */
  gboolean named;               /* a member name was written: its value comes next */
  gboolean first[MS_JSON_OUT_MAX_DEPTH + 1];   /* nothing written yet at this depth */
} MsJsonOut;

/* Start a document in a new buffer of 'reserve' bytes. */
void ms_json_out_init (MsJsonOut *j, gsize reserve);
/* The text written (caller frees); 'j' is empty afterwards. */
char *ms_json_out_finish (MsJsonOut *j);
/* Drop what was written (on a failure). */
void ms_json_out_clear (MsJsonOut *j);

void ms_json_out_begin_object (MsJsonOut *j);
void ms_json_out_end_object (MsJsonOut *j);
void ms_json_out_begin_array (MsJsonOut *j);
void ms_json_out_end_array (MsJsonOut *j);
/* The name of the member whose value is written next. */
void ms_json_out_member (MsJsonOut *j, const char *name);
void ms_json_out_string (MsJsonOut *j, const char *s);
/* 'len' bytes of 's' (may hold no NUL) as one string value. */
void ms_json_out_string_len (MsJsonOut *j, const char *s, gsize len);
void ms_json_out_int (MsJsonOut *j, gint64 v);
/* A string value whose inside the caller appends, already escaped, to the
 * buffer returned; ms_json_out_string_close ends it. */
GString *ms_json_out_string_open (MsJsonOut *j);
void ms_json_out_string_close (MsJsonOut *j);

/* Append 'len' bytes of 's' to 'out' escaped as above, without quotes. */
void ms_json_out_escape (GString *out, const char *s, gsize len);
