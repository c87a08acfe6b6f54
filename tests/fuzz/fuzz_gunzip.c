/*
 * fuzz_gunzip.c: libFuzzer target for the gzip reader of metadata files
 * (ice_gunzip, iceberg/metadata_codec.c). The input is read as gzip data
 * with a 1 MiB bound; it must never crash, leak, hang or return more than
 * the bound. Then, with the input as the plain text:
 *  - GIO's gzip compressor's output of it decodes to it exactly;
 *  - so do two such members in a row (twice the text), and one member
 *    followed by bytes that are no gzip member (ignored, as Java's
 *    GZIPInputStream ignores them);
 *  - a bound one byte short of the text's length is refused.
 */
#include <glib.h>
#include <gio/gio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iceberg/internal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define BOUND (1 << 20)

static void G_GNUC_NORETURN
die (const char *what, size_t size)
{
  fprintf (stderr, "fuzz_gunzip: %s (input of %zu bytes)\n", what, size);
  abort ();
}

/* 'data' as one gzip member, made by GIO's compressor. One compressor
 * serves every input, reset before each (making one, and zlib's 256 KiB
 * of state, was a quarter of the target's time). */
static GByteArray *
gzip (const uint8_t *data, size_t size)
{
  static GConverter *z;
  if (z == NULL)
    z = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
  else
    g_converter_reset (z);
  GByteArray *out = g_byte_array_new ();
  guint8 chunk[16 * 1024];
  gsize pos = 0;
  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (z, data + pos, size - pos, chunk, sizeof chunk,
                                                G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
      if (r == G_CONVERTER_ERROR)
        die ("GIO's compressor failed", size);
      pos += read;
      g_byte_array_append (out, chunk, (guint) written);
      if (r == G_CONVERTER_FINISHED)
        return out;
    }
}

static void
expect (const guint8 *gz, gsize gz_len, gsize bound, const uint8_t *want, size_t want_len,
        const char *what, size_t size)
{
  g_autoptr (GBytes) in = g_bytes_new (gz, gz_len);
  g_autoptr (GError) err = NULL;
  g_autoptr (GBytes) got = ice_gunzip (in, bound, &err);
  gsize got_len = 0;
  const guint8 *g = got ? g_bytes_get_data (got, &got_len) : NULL;
  if (got == NULL || got_len != want_len || (want_len > 0 && memcmp (g, want, want_len) != 0))
    die (what, size);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  {
    g_autoptr (GBytes) in = g_bytes_new (data, size);
    g_autoptr (GError) err = NULL;
    g_autoptr (GBytes) out = ice_gunzip (in, BOUND, &err);
    if (out != NULL && g_bytes_get_size (out) > BOUND)
      die ("the bound was exceeded", size);
    if ((out == NULL) != (err != NULL))
      die ("a result and an error disagree", size);
  }
  if (size > 64 * 1024)
    return 0;
  g_autoptr (GByteArray) one = gzip (data, size);
  expect (one->data, one->len, BOUND, data, size, "one member did not round-trip", size);

  g_autoptr (GByteArray) two = g_byte_array_new ();
  g_byte_array_append (two, one->data, one->len);
  g_byte_array_append (two, one->data, one->len);
  g_autofree guint8 *twice = g_malloc (2 * size + 1);
  if (size > 0)
    {
      memcpy (twice, data, size);
      memcpy (twice + size, data, size);
    }
  expect (two->data, two->len, BOUND, twice, 2 * size, "two members did not round-trip", size);

  g_autoptr (GByteArray) tail = g_byte_array_new ();
  g_byte_array_append (tail, one->data, one->len);
  g_byte_array_append (tail, (const guint8 *) "\x1f not gzip", 10);
  expect (tail->data, tail->len, BOUND, data, size, "trailing bytes were not ignored", size);

  if (size > 0)
    {
      g_autoptr (GBytes) in = g_bytes_new (one->data, one->len);
      g_autoptr (GError) err = NULL;
      g_autoptr (GBytes) out = ice_gunzip (in, size - 1, &err);
      if (out != NULL)
        die ("a bound one byte short was not refused", size);
    }
  return 0;
}
