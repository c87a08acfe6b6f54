/*
 * fuzz_follow_message.c: libFuzzer target for the reading of Hive's
 * partition event messages by --follow (import/follow_message.c). The
 * input is "TYPE\nFORMAT\nKEYS\nMESSAGE": the event type (ADD_PARTITION,
 * DROP_PARTITION, ALTER_PARTITION, ...), the message format ("json-0.2",
 * "", "gzip(json-2.0)"), the table's partition keys separated by ','
 * (ds,hr when they are not all [a-z0-9_], empty or repeated) and the
 * message as the notification log holds it. Invariants (abort otherwise):
 *  - a result and its error agree, and every error is
 *    MS_ERROR_INVALID_INPUT (the follower then copies the whole table);
 *  - every name read is a partition name of exactly those keys;
 *  - a plain message (json-0.2 or no format) reads the same as that
 *    message gzip'd and base64'd (gzip(json-2.0), made with GIO's
 *    compressor): both fail, or both give the same names.
 * Must never crash, leak, hang or warn.
 */
#include <glib.h>
#include <gio/gio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "core/part_name.h"
#include "import/follow.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
die (const char *what, const char *detail, const uint8_t *data, size_t size)
{
  fprintf (stderr, "fuzz_follow_message: %s (%s) for input (%zu bytes): '%.*s'\n", what,
           detail ? detail : "", size, (int) size, (const char *) data);
  abort ();
}

/* 'text' gzip'd by GIO's compressor, then base64. */
static char *
gzip_base64 (const char *text)
{
  g_autoptr (GConverter) z
      = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize size = strlen (text), pos = 0;
  guint8 chunk[16 * 1024];
  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (z, text + pos, size - pos, chunk, sizeof chunk,
                                                G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
      if (r == G_CONVERTER_ERROR)
        abort ();
      pos += read;
      g_byte_array_append (out, chunk, (guint) written);
      if (r == G_CONVERTER_FINISHED)
        return g_base64_encode (out->data, out->len);
    }
}

static int
by_string (gconstpointer a, gconstpointer b, gpointer unused)
{
  (void) unused;
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* The names read, sorted and joined by '\n' (NULL when refused). */
static char *
read_names (const char *type, const char *format, const char *message,
            const char *const *keys, guint n_keys, const uint8_t *data, size_t size)
{
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  gboolean ok = ms_follow_message_parts (type, format, message, keys, n_keys, names, &error);
  if (ok != (error == NULL))
    die ("a result and its error disagree", format, data, size);
  if (!ok)
    {
      if (!g_error_matches (error, MS_ERROR, MS_ERROR_INVALID_INPUT))
        die ("an error other than MS_ERROR_INVALID_INPUT", error->message, data, size);
      return NULL;
    }
  guint n = 0;
  g_autofree char **list = (char **) g_hash_table_get_keys_as_array (names, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) e = NULL;
      g_autoptr (GPtrArray) values = ms_part_name_values (list[i], keys, n_keys, &e);
      g_autoptr (GPtrArray) spec = ms_part_name_spec (list[i], TRUE, NULL);
      if (values == NULL || values->len != n_keys || spec == NULL || spec->len != 2 * n_keys)
        die ("a name read is not one of the table's keys", list[i], data, size);
    }
  g_qsort_with_data (list, n, sizeof (char *), by_string, NULL);
  return g_strjoinv ("\n", list);
}

/* The keys of line 3 when they are all [a-z0-9_], non-empty and distinct
 * (ms_part_name_make lower-cases and escapes keys; these stay as they are). */
static GStrv
table_keys (const char *line)
{
  g_auto (GStrv) keys = g_strsplit (line, ",", 8);
  guint n = g_strv_length (keys);
  gboolean usable = n > 0;
  for (guint i = 0; usable && i < n; i++)
    {
      usable = keys[i][0] != '\0' && strspn (keys[i], "abcdefghijklmnopqrstuvwxyz0123456789_")
                                       == strlen (keys[i]);
      for (guint j = 0; usable && j < i; j++)
        usable = strcmp (keys[i], keys[j]) != 0;
    }
  if (!usable)
    {
      const char *fallback[] = { "ds", "hr", NULL };
      return g_strdupv ((char **) fallback);
    }
  return g_steal_pointer (&keys);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* 8 KiB of base64 gunzips to at most about 6 MB */
  if (size > 8192)
    return 0;
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto (GStrv) lines = g_strsplit (text, "\n", 4);
  if (g_strv_length (lines) < 4)
    return 0;
  const char *type = lines[0], *format = lines[1], *message = lines[3];
  g_auto (GStrv) keys = table_keys (lines[2]);
  guint n_keys = g_strv_length (keys);

  g_autofree char *names = read_names (type, format, message, (const char *const *) keys,
                                       n_keys, data, size);
  if (*format != '\0' && !g_str_has_prefix (format, "json-"))
    return 0;
  /* the same message as Hive's GzipJSONMessageEncoder writes it */
  g_autofree char *packed = gzip_base64 (message);
  g_autofree char *names_gz = read_names (type, "gzip(json-2.0)", packed,
                                          (const char *const *) keys, n_keys, data, size);
  if (g_strcmp0 (names, names_gz) != 0)
    die ("the gzip'd message reads otherwise", names_gz ? names_gz : "refused", data, size);
  return 0;
}
