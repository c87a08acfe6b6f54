/*
 * metadata_codec.c: how an Iceberg metadata file is encoded. Iceberg reads
 * the codec from the file name (TableMetadataParser.Codec.fromFileName, used
 * for table and view metadata alike): "<name>.gz.metadata.json", and the
 * older "<name>.metadata.json.gz", are gzip; any other name is plain JSON.
 * Views are gzip unless told otherwise (their write.metadata.compression-codec
 * defaults to gzip), so HiveCatalog's views arrive here compressed.
 *
 * Entry points: ice_metadata_codec_is_gzip() and ice_gunzip(), which
 * decodes with GIO's zlib converter and stops at a size bound (a small
 * file must not become gigabytes in memory).
 */
#include "iceberg/internal.h"
#include <gio/gio.h>
#include <string.h>

gboolean
ice_metadata_codec_is_gzip (const char *location)
{
  if (location == NULL)
    return FALSE;
  if (g_str_has_suffix (location, ".metadata.json.gz"))
    return TRUE;
  /* the part before the last ".metadata.json" ends with ".gz" */
  const char *json = g_strrstr (location, ".metadata.json");
  return json != NULL && json - location >= 3 && strncmp (json - 3, ".gz", 3) == 0;
}

GBytes *
ice_gunzip (GBytes *compressed, gsize max_out, GError **error)
{
  gsize in_len = 0;
  const guint8 *in = g_bytes_get_data (compressed, &in_len);
  if (in_len == 0)
    {
      /* (and 'in' may be NULL: no pointer arithmetic on it) */
      ms_fail (error, MS_ERROR_INVALID_INPUT, "not gzip data we can read: empty");
      return NULL;
    }
  g_autoptr (GConverter) z
      = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize pos = 0;
  gboolean finished = FALSE;
  guint8 chunk[64 * 1024];
  while (!finished || pos < in_len)
    {
      if (finished)
        {
          /* another gzip member follows: read on, as Java's GZIPInputStream
           * does; bytes that are not one are ignored, as it ignores them */
          if (in_len - pos < 2 || in[pos] != 0x1f || in[pos + 1] != 0x8b)
            break;
          g_converter_reset (z);
          finished = FALSE;
        }
      gsize read = 0, written = 0;
      g_autoptr (GError) err = NULL;
      GConverterResult r = g_converter_convert (z, in + pos, in_len - pos, chunk, sizeof chunk,
                                                G_CONVERTER_INPUT_AT_END, &read, &written, &err);
      if (r == G_CONVERTER_ERROR)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "not gzip data we can read: %s",
                   err != NULL ? err->message : "no detail");
          return NULL;
        }
      pos += read;
      if (written > max_out - out->len)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "decompresses to more than %" G_GSIZE_FORMAT
                   " bytes", max_out);
          return NULL;
        }
      g_byte_array_append (out, chunk, (guint) written);
      if (r == G_CONVERTER_FINISHED)
        finished = TRUE;
      else if (read == 0 && written == 0)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "not gzip data we can read: truncated");
          return NULL;
        }
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
