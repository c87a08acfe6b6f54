/*
 * fuzz_json_flat.c: differential libFuzzer target for the flat JSON
 * decoders (store/json_flat.c) against json-glib, the codec they stand in
 * for. The input is decoded as a string array and as a string object:
 *  - on FALSE the output array must be untouched;
 *  - on TRUE every string must be valid UTF-8, and json-glib must parse the
 *    same bytes to an array (object) of the same strings in the same order
 *    (for objects: json-glib's member list, i.e. keys in first-seen order
 *    with the last value of a duplicated key);
 *  - conversely, whatever all-string array or object json-glib parses the
 *    input to, json-glib's own printing of it (compact and pretty) must be
 *    accepted by the flat decoder with the same strings, as long as those
 *    strings are valid UTF-8 (json-glib lets some broken escapes through)
 *    and hold no U+001F (json-glib 1.6 prints that one unescaped, which is
 *    not JSON).
 * Any mismatch aborts.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/json_flat.h"
#include "core/json_text.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
mismatch (const char *what, const char *text, gsize len)
{
  fprintf (stderr, "json_flat: %s for input (%zu bytes): '%.*s'\n", what, (size_t) len, (int) len, text);
  abort ();
}

/* The strings json-glib finds in 'root' if it is an array of strings
 * (object == FALSE) or an object of string members (key, value, ...), in
 * json-glib's order; NULL if it is anything else. */
static GPtrArray *
glib_strings (JsonNode *root, gboolean object)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  if (root == NULL)
    return NULL;
  if (!object && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *a = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
            return NULL;
          g_ptr_array_add (out, g_strdup (json_node_get_string (e)));
        }
      return g_steal_pointer (&out);
    }
  if (object && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *o = json_node_get_object (root);
      g_autoptr (GList) members = json_object_get_members (o);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *v = json_object_get_member (o, l->data);
          if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
            return NULL;
          g_ptr_array_add (out, g_strdup (l->data));
          g_ptr_array_add (out, g_strdup (json_node_get_string (v)));
        }
      return g_steal_pointer (&out);
    }
  return NULL;
}

/* Folds duplicate keys of a flat key, value, ... list the way a JsonObject
 * does: first-seen order, last value. Returns a new list. */
static GPtrArray *
fold_duplicates (GPtrArray *kv)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) pos = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i + 1 < kv->len; i += 2)
    {
      const char *k = g_ptr_array_index (kv, i), *v = g_ptr_array_index (kv, i + 1);
      gpointer at;
      if (g_hash_table_lookup_extended (pos, k, NULL, &at))
        {
          guint j = GPOINTER_TO_UINT (at);
          g_free (g_ptr_array_index (out, j + 1));
          g_ptr_array_index (out, j + 1) = g_strdup (v);
        }
      else
        {
          g_hash_table_insert (pos, (gpointer) k, GUINT_TO_POINTER (out->len));
          g_ptr_array_add (out, g_strdup (k));
          g_ptr_array_add (out, g_strdup (v));
        }
    }
  return out;
}

static gboolean
same_strings (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (strcmp (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
all_utf8 (GPtrArray *a)
{
  for (guint i = 0; i < a->len; i++)
    if (!g_utf8_validate (g_ptr_array_index (a, i), -1, NULL))
      return FALSE;
  return TRUE;
}

/* Whether json-glib can print the strings as valid JSON. */
static gboolean
printable (GPtrArray *a)
{
  for (guint i = 0; i < a->len; i++)
    if (strchr (g_ptr_array_index (a, i), 0x1f) != NULL)
      return FALSE;
  return all_utf8 (a);
}

/* Runs one decoder on the text and checks it against json-glib's reading
 * 'root' (NULL if json-glib refused the text). */
static void
check_flat (const char *text, gsize len, gboolean object, JsonNode *root)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (out, g_strdup ("sentinel"));
  gboolean ok = object ? ms_json_flat_object (text, len, out) : ms_json_flat_strings (text, len, out);
  if (out->len == 0 || strcmp (g_ptr_array_index (out, 0), "sentinel") != 0)
    mismatch ("earlier entries changed", text, len);
  g_ptr_array_remove_index (out, 0);
  if (!ok)
    {
      if (out->len != 0)
        mismatch ("FALSE but the output changed", text, len);
      return;
    }
  if (object && out->len % 2 != 0)
    mismatch ("odd number of object strings", text, len);
  if (!all_utf8 (out))
    mismatch ("decoded a string that is not UTF-8", text, len);
  if (root == NULL)
    mismatch ("accepted what json-glib refuses", text, len);
  g_autoptr (GPtrArray) want = glib_strings (root, object);
  if (want == NULL)
    mismatch ("accepted what json-glib reads as another shape", text, len);
  g_autoptr (GPtrArray) got = object ? fold_duplicates (out) : g_ptr_array_ref (out);
  if (!same_strings (got, want))
    mismatch ("strings differ from json-glib's", text, len);
}

/* If json-glib read the input as an all-string array or object, its own
 * printing must decode to the same strings. */
static void
check_reprinted (JsonNode *root, gboolean object, const char *text, gsize len)
{
  g_autoptr (GPtrArray) want = glib_strings (root, object);
  if (want == NULL || !printable (want))
    return;
  for (int pretty = 0; pretty < 2; pretty++)
    {
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, pretty);
      gsize plen;
      g_autofree char *printed = json_generator_to_data (gen, &plen);
      g_autoptr (GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
      gboolean ok = object ? ms_json_flat_object (printed, plen, got) : ms_json_flat_strings (printed, plen, got);
      if (!ok)
        mismatch ("refused json-glib's printing of", text, len);
      if (!same_strings (got, want))
        mismatch ("json-glib's printing decodes differently for", text, len);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 4096)
    return 0;
  const char *text = (const char *) data;
  /* json-glib never sees what the pre-parse check refuses (the server
   * refuses it first; json-glib 1.6 leaks on some of it, e.g. unpaired
   * surrogate escapes): such input only goes through the flat decoders,
   * for memory errors */
  if (size > 0 && !ms_json_precheck (text, size, MS_JSON_MAX_DEPTH, NULL))
    {
      g_autoptr (GPtrArray) a = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GPtrArray) o = g_ptr_array_new_with_free_func (g_free);
      (void) ms_json_flat_strings (text, size, a);
      (void) ms_json_flat_object (text, size, o);
      return 0;
    }
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root = NULL;
  if (size > 0 && json_parser_load_from_data (parser, text, (gssize) size, NULL))
    root = json_parser_get_root (parser);
  for (int object = 0; object < 2; object++)
    {
      check_flat (text, size, object, root);
      if (root != NULL)
        check_reprinted (root, object, text, size);
    }
  return 0;
}
