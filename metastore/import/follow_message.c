/*
 * follow_message.c: what a partition event of the source's notification
 * log names, read from its message as Hive writes it, so that --follow
 * copies only those partitions. Formats: "json-0.2" (JSONMessageEncoder,
 * plain JSON; also an empty format) and "gzip(json-2.0)"
 * (GzipJSONMessageEncoder: base64 of gzip'd JSON). ADD_PARTITION and
 * DROP_PARTITION list their partitions in "partitions" (objects of key ->
 * value); ALTER_PARTITION carries the partition before and after as
 * Thrift TJSONProtocol text ("partitionObjBeforeJson",
 * "partitionObjAfterJson"), whose field 1 is the values. Pure functions:
 * no database.
 */
#include "import/follow.h"
#include "core/error.h"
#include "core/json_text.h"
#include "core/part_name.h"
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define GZIP_FORMAT "gzip(json-2.0)"
#define MESSAGE_MAX (64 * 1024 * 1024)   /* a decoded message larger than this is refused */

/* Base64 of gzip'd data, decoded and gunzipped (at most MESSAGE_MAX bytes). */
static char *
gunzip_base64 (const char *text, GError **error)
{
  gsize len = 0;
  g_autofree guchar *raw = g_base64_decode (text, &len);
  if (len < 2 || raw[0] != 0x1f || raw[1] != 0x8b)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "not base64 of gzip data");
      return NULL;
    }
  g_autoptr (GInputStream) mem = g_memory_input_stream_new_from_data (raw, len, NULL);
  g_autoptr (GConverter) z
      = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  g_autoptr (GInputStream) in = g_converter_input_stream_new (mem, z);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint8 chunk[16 * 1024];
  for (;;)
    {
      g_autoptr (GError) local = NULL;
      gssize n = g_input_stream_read (in, chunk, sizeof chunk, NULL, &local);
      if (n < 0)
        {
          /* GIO's error (data cut short or not deflate) is the message's */
          ms_fail (error, MS_ERROR_INVALID_INPUT, "not gzip data: %s", local->message);
          return NULL;
        }
      if (n == 0)
        break;
      if (out->len + (gsize) n > MESSAGE_MAX)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "larger than %d bytes", MESSAGE_MAX);
          return NULL;
        }
      g_byte_array_append (out, chunk, n);
    }
  g_byte_array_append (out, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&out), FALSE);
}

/* The message as JSON text. */
static char *
message_text (const char *format, const char *message, GError **error)
{
  if (message == NULL || *message == '\0')
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "no message");
      return NULL;
    }
  if (format == NULL || *format == '\0' || g_str_has_prefix (format, "json-"))
    return g_strdup (message);
  if (strcmp (format, GZIP_FORMAT) == 0)
    return gunzip_base64 (message, error);
  ms_fail (error, MS_ERROR_INVALID_INPUT, "message format %s is not one we read", format);
  return NULL;
}

static JsonNode *
parse (const char *text, GError **error)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) local = NULL;
  /* what json-glib must not see: nesting deeper than its recursion goes
   * (a small gzip'd message unpacks to megabytes of '['), escapes it
   * leaks on */
  if (!ms_json_precheck (text, strlen (text), MS_JSON_MAX_DEPTH, &local)
      || !json_parser_load_from_data (p, text, -1, &local))
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "not JSON: %s", local->message);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (p);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "not a JSON object");
      return NULL;
    }
  return json_node_copy (root);
}

/* A string member of 'o' (NULL when missing or not a string). */
static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

static gboolean
add_name (GHashTable *names, const char *const *keys, const char *const *values, guint n)
{
  g_hash_table_add (names, ms_part_name_make (keys, values, n));
  return TRUE;
}

/* "partitions": [{"key": "value", ...}, ...] */
static gboolean
names_of_maps (JsonObject *msg, const char *const *keys, guint n_keys, GHashTable *names,
               GError **error)
{
  JsonNode *list = json_object_get_member (msg, "partitions");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "no \"partitions\" list");
  JsonArray *a = json_node_get_array (list);
  g_autofree const char **values = g_new0 (const char *, n_keys + 1);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *m = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (m) ? json_node_get_object (m) : NULL;
      if (o == NULL || json_object_get_size (o) != n_keys)
        return ms_fail (error, MS_ERROR_INVALID_INPUT, "partition %u does not name %u keys",
                        i, n_keys);
      for (guint k = 0; k < n_keys; k++)
        if ((values[k] = member_string (o, keys[k])) == NULL)
          return ms_fail (error, MS_ERROR_INVALID_INPUT, "partition %u has no key %s", i,
                          keys[k]);
      add_name (names, keys, values, n_keys);
    }
  return TRUE;
}

/* A TJSONProtocol Partition: {"1":{"lst":["str",N,"v1",...]},...} */
static gboolean
name_of_tjson (const char *text, const char *const *keys, guint n_keys, GHashTable *names,
               GError **error)
{
  if (text == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "no partition object");
  g_autoptr (JsonNode) root = parse (text, error);
  if (root == NULL)
    return FALSE;
  JsonNode *f1 = json_object_get_member (json_node_get_object (root), "1");
  JsonNode *lst = f1 && JSON_NODE_HOLDS_OBJECT (f1)
                  ? json_object_get_member (json_node_get_object (f1), "lst") : NULL;
  JsonArray *a = lst && JSON_NODE_HOLDS_ARRAY (lst) ? json_node_get_array (lst) : NULL;
  if (a == NULL || json_array_get_length (a) != n_keys + 2)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "a partition object without %u values",
                    n_keys);
  g_autofree const char **values = g_new0 (const char *, n_keys + 1);
  for (guint k = 0; k < n_keys; k++)
    {
      JsonNode *v = json_array_get_element (a, k + 2);
      if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
        return ms_fail (error, MS_ERROR_INVALID_INPUT, "a partition value is not a string");
      values[k] = json_node_get_string (v);
    }
  return add_name (names, keys, values, n_keys);
}

gboolean
ms_follow_message_parts (const char *type, const char *format, const char *message,
                         const char *const *keys, guint n_keys, GHashTable *names,
                         GError **error)
{
  if (n_keys == 0)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "the table has no partition keys");
  g_autofree char *text = message_text (format, message, error);
  g_autoptr (JsonNode) root = text ? parse (text, error) : NULL;
  if (root == NULL)
    return FALSE;
  JsonObject *msg = json_node_get_object (root);
  if (g_strcmp0 (type, "ADD_PARTITION") == 0 || g_strcmp0 (type, "DROP_PARTITION") == 0)
    return names_of_maps (msg, keys, n_keys, names, error);
  if (g_strcmp0 (type, "ALTER_PARTITION") == 0)
    /* a rename changes the values: both names */
    return name_of_tjson (member_string (msg, "partitionObjBeforeJson"), keys, n_keys, names,
                          error)
           && name_of_tjson (member_string (msg, "partitionObjAfterJson"), keys, n_keys, names,
                             error);
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "%s names no partitions we read",
                  type ? type : "(no type)");
}
