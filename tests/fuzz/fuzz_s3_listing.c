/*
 * fuzz_s3_listing.c: libFuzzer target for the S3 XML readers
 * (storage/storage_s3_xml.c). The input is read as a ListObjectsV2 page, an
 * error reply and a DeleteObjects result; none may crash, leak or hang, and:
 *  - a refused listing leaves the output empty; an accepted one holds valid
 *    UTF-8 keys, a time and a size (-1 or more) per key and, when
 *    truncated, a continuation token;
 *  - the keys of an accepted listing, written back as a listing (escaped
 *    with g_markup_escape_text), parse to the same keys in the same order;
 *  - the DeleteObjects body for those keys that ms_s3_key_xml_safe()
 *    admits is well-formed XML whose Key elements hold the same keys
 *    (checked with a plain GMarkup reader);
 *  - a delete result's first failure exists exactly when it counts one.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "storage/storage_s3.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
die (const char *what, const uint8_t *data, size_t size)
{
  fprintf (stderr, "fuzz_s3_listing: %s for input (%zu bytes): '%.*s'\n", what, size,
           (int) size, (const char *) data);
  abort ();
}

static gboolean
same_keys (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (strcmp (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;
  return TRUE;
}

/* A plain GMarkup reader of a DeleteObjects body: the text of every Key. */
typedef struct {
  GPtrArray *keys;
  GString *text;
  gboolean in_key;
} KeyReader;

static void
kr_start (GMarkupParseContext *c, const char *name, const char **an, const char **av,
          gpointer ud, GError **e)
{
  (void) c; (void) an; (void) av; (void) e;
  KeyReader *r = ud;
  r->in_key = strcmp (name, "Key") == 0;
  g_string_truncate (r->text, 0);
}

static void
kr_end (GMarkupParseContext *c, const char *name, gpointer ud, GError **e)
{
  (void) c; (void) e;
  KeyReader *r = ud;
  if (strcmp (name, "Key") == 0)
    g_ptr_array_add (r->keys, g_strdup (r->text->str));
  r->in_key = FALSE;
}

static void
kr_text (GMarkupParseContext *c, const char *text, gsize len, gpointer ud, GError **e)
{
  (void) c; (void) e;
  KeyReader *r = ud;
  if (r->in_key)
    g_string_append_len (r->text, text, (gssize) len);
}

static const GMarkupParser key_reader = { kr_start, kr_end, kr_text, NULL, NULL };

static void
check_delete_body (GPtrArray *keys, const uint8_t *data, size_t size)
{
  g_autofree char *body = ms_s3_delete_body (keys, 0, keys->len);
  KeyReader r = { g_ptr_array_new_with_free_func (g_free), g_string_new (NULL), FALSE };
  GMarkupParseContext *ctx = g_markup_parse_context_new (&key_reader, 0, &r, NULL);
  gboolean ok = g_markup_parse_context_parse (ctx, body, -1, NULL)
                && g_markup_parse_context_end_parse (ctx, NULL);
  g_markup_parse_context_free (ctx);
  gboolean same = ok && same_keys (keys, r.keys);
  g_ptr_array_unref (r.keys);
  g_string_free (r.text, TRUE);
  if (!ok)
    die ("the DeleteObjects body is not well-formed", data, size);
  if (!same)
    die ("the DeleteObjects body holds other keys", data, size);
}

static void
check_listing (const uint8_t *data, size_t size)
{
  g_auto (MsS3Listing) l = { 0 };
  g_autoptr (GError) e = NULL;
  if (!ms_s3_parse_listing ((const char *) data, size, &l, &e))
    {
      if (e == NULL || l.keys != NULL || l.next_token != NULL || l.truncated)
        die ("a refused listing changed the output or set no error", data, size);
      return;
    }
  if (e != NULL || l.keys == NULL)
    die ("an accepted listing set an error or no key array", data, size);
  if (l.modified->len != l.keys->len || l.sizes->len != l.keys->len)
    die ("an accepted listing has not one time and one size per key", data, size);
  for (guint i = 0; i < l.sizes->len; i++)
    if (g_array_index (l.sizes, gint64, i) < -1)
      die ("a size below -1", data, size);
  if (l.truncated && l.next_token == NULL)
    die ("truncated without a continuation token", data, size);
  for (guint i = 0; i < l.keys->len; i++)
    if (!g_utf8_validate (g_ptr_array_index (l.keys, i), -1, NULL))
      die ("a key is not UTF-8", data, size);

  /* round trip: the keys written as a listing read back the same */
  GString *doc = g_string_new ("<ListBucketResult><IsTruncated>false</IsTruncated>");
  for (guint i = 0; i < l.keys->len; i++)
    {
      /* a raw CR would be read back as LF (XML line-end normalisation) */
      g_autofree char *k = g_markup_escape_text (g_ptr_array_index (l.keys, i), -1);
      g_auto (GStrv) parts = g_strsplit (k, "\r", -1);
      g_autofree char *kr = g_strjoinv ("&#13;", parts);
      g_string_append_printf (doc, "<Contents><Key>%s</Key><Size>1</Size></Contents>", kr);
    }
  g_string_append (doc, "</ListBucketResult>");
  g_auto (MsS3Listing) again = { 0 };
  gboolean ok = ms_s3_parse_listing (doc->str, doc->len, &again, NULL);
  g_string_free (doc, TRUE);
  if (!ok)
    die ("the rewritten listing was refused", data, size);
  if (!same_keys (l.keys, again.keys))
    die ("the rewritten listing reads other keys", data, size);
  g_autoptr (GPtrArray) safe = g_ptr_array_new ();
  for (guint i = 0; i < l.keys->len; i++)
    if (ms_s3_key_xml_safe (g_ptr_array_index (l.keys, i)))
      g_ptr_array_add (safe, g_ptr_array_index (l.keys, i));
  check_delete_body (safe, data, size);
}

/* A GLib warning or critical (e.g. a GError set twice) is a failure too. */
static void
on_glib_log (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  (void) data;
  fprintf (stderr, "fuzz_s3_listing: %s: %s\n", domain ? domain : "", message);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      g_log_set_handler ("GLib", G_LOG_LEVEL_MASK, on_glib_log, NULL);
      g_once_init_leave (&once, 1);
    }
  if (size > 65536)
    return 0;
  check_listing (data, size);

  char *code = NULL, *message = NULL;
  if (!ms_s3_parse_error ((const char *) data, size, &code, &message)
      && (code != NULL || message != NULL))
    die ("a refused error reply returned a code or message", data, size);
  g_free (code);
  g_free (message);

  guint n = 0;
  char *key = NULL;
  code = message = NULL;
  g_autoptr (GError) e = NULL;
  gboolean ok = ms_s3_parse_delete_result ((const char *) data, size, &n, &key, &code, &message,
                                           &e);
  if (!ok && (e == NULL || n != 0 || key || code || message))
    die ("a refused delete result set outputs or no error", data, size);
  if (ok && n == 0 && (key || code || message))
    die ("a delete result without failures named one", data, size);
  g_free (key);
  g_free (code);
  g_free (message);
  return 0;
}
