/*
 * log.c: line-oriented logging to stderr. A whole line is built first and
 * written with one write(2), so lines of concurrent threads never interleave.
 */
#include "core/log.h"
#include <stdio.h>
#include <unistd.h>
#include <errno.h>

static gint log_level = MS_LOG_INFO;   /* atomic */
static gint log_json = 0;              /* atomic */
static GPrivate request_id = G_PRIVATE_INIT (g_free);

static const char *const level_names[] = { "debug", "info", "warning", "error" };

gboolean
ms_log_parse_level (const char *name, MsLogLevel *out)
{
  for (int i = 0; i < 4; i++)
    if (g_ascii_strcasecmp (name, level_names[i]) == 0)
      {
        *out = (MsLogLevel) i;
        return TRUE;
      }
  return FALSE;
}

void ms_log_set_level (MsLogLevel level) { g_atomic_int_set (&log_level, level); }
void ms_log_set_json (gboolean json) { g_atomic_int_set (&log_json, json ? 1 : 0); }
gboolean ms_log_enabled (MsLogLevel level) { return (gint) level >= g_atomic_int_get (&log_level); }

void
ms_log_set_request_id (const char *id)
{
  g_private_replace (&request_id, id ? g_strdup (id) : NULL);
}

static void
append_json_string (GString *s, const char *v)
{
  g_string_append_c (s, '"');
  for (const unsigned char *p = (const unsigned char *) v; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (s, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (s, "\\u%04x", *p);
      else
        g_string_append_c (s, (char) *p);
    }
  g_string_append_c (s, '"');
}

void
ms_log (MsLogLevel level, const char *fmt, ...)
{
  if (!ms_log_enabled (level))
    return;

  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);

  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *ts = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  const char *rid = g_private_get (&request_id);
  g_autoptr (GString) line = g_string_sized_new (128);

  if (g_atomic_int_get (&log_json))
    {
      g_string_append (line, "{\"ts\":");
      append_json_string (line, ts);
      g_string_append_printf (line, ",\"level\":\"%s\"", level_names[level]);
      if (rid)
        {
          g_string_append (line, ",\"request_id\":");
          append_json_string (line, rid);
        }
      g_string_append (line, ",\"msg\":");
      append_json_string (line, msg);
      g_string_append (line, "}\n");
    }
  else
    {
      g_string_append_printf (line, "%s %-7s ", ts, level_names[level]);
      if (rid)
        g_string_append_printf (line, "[%s] ", rid);
      /* keep one event on one line */
      for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r')
          *p = ' ';
      g_string_append (line, msg);
      g_string_append_c (line, '\n');
    }
  gsize off = 0;
  while (off < line->len)
    {
      ssize_t n = write (STDERR_FILENO, line->str + off, line->len - off);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      off += (gsize) n;
    }
}
