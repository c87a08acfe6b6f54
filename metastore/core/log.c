/*
 * log.c: line-oriented logging to stderr. A whole line is built first and
 * written with one write(2), so lines of concurrent threads never interleave.
 *
 * Repeated lines are rate-limited: at most MS_LOG_BURST lines of one
 * format string a second; the rest of that second are counted, and the
 * next line of that format first says how many were left out ("N more
 * like this"). A flood (a client retrying a broken call in a loop, accept
 * failing on a full descriptor table) can then neither fill the disk nor
 * eat the CPU.
 */
#include "core/log.h"
#include <stdio.h>
#include <unistd.h>
#include <errno.h>

static gint log_level = MS_LOG_INFO;   /* atomic */
static gint log_json = 0;              /* atomic */
static GPrivate request_id = G_PRIVATE_INIT (g_free);

static const char *const level_names[] = { "debug", "info", "warning", "error" };

typedef struct {
  gint64 second;               /* monotonic second of the current window */
  guint lines;                 /* written in it */
  guint64 left_out;            /* not written since the last line written */
} Burst;

static GMutex burst_lock;
static GHashTable *bursts;     /* format string (by address) -> Burst* */

/* May a line of 'fmt' be written now? *left_out: how many of its kind
 * were left out before it. */
static gboolean
burst_admit (const char *fmt, guint64 *left_out)
{
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  gboolean ok;
  g_mutex_lock (&burst_lock);
  if (bursts == NULL || g_hash_table_size (bursts) > 4096)
    {
      if (bursts != NULL)
        g_hash_table_unref (bursts);
      bursts = g_hash_table_new_full (NULL, NULL, NULL, g_free);
    }
  Burst *b = g_hash_table_lookup (bursts, fmt);
  if (b == NULL)
    {
      b = g_new0 (Burst, 1);
      g_hash_table_insert (bursts, (gpointer) fmt, b);
    }
  if (b->second != now)
    {
      b->second = now;
      b->lines = 0;
    }
  ok = ++b->lines <= MS_LOG_BURST;
  *left_out = 0;
  if (ok)
    {
      *left_out = b->left_out;
      b->left_out = 0;
    }
  else
    b->left_out++;
  g_mutex_unlock (&burst_lock);
  return ok;
}

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

/* Write one line of 'level' holding 'msg' (changed: line breaks become
 * spaces in plain text). */
static void
emit (MsLogLevel level, char *msg)
{
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

void
ms_log (MsLogLevel level, const char *fmt, ...)
{
  if (!ms_log_enabled (level))
    return;
  guint64 left_out = 0;
  if (level > MS_LOG_DEBUG && !burst_admit (fmt, &left_out))
    return;
  if (left_out > 0)
    {
      g_autofree char *note = g_strdup_printf ("(%" G_GUINT64_FORMAT " more lines like the next "
                                               "one were left out)", left_out);
      emit (level, note);
    }
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  emit (level, msg);
}
