/*
 * json_flat.h: a strict, allocation-light decoder for the two flat JSON
 * shapes the partition listing reads back from PostgreSQL: a jsonb object of
 * string -> string (partition parameters, printed as {"k": "v", ...}) and a
 * JSON array of strings (array_to_json of the partition values).
 *
 * Why it exists: json-glib costs microseconds per small document (a parser
 * GObject, a node tree, a hash table), too much for listing thousands of
 * partitions. These decoders make one pass with no GObject and one
 * allocation per decoded string. They accept only the shape named and
 * return FALSE for anything else (numbers, null, nesting, \u0000, lone
 * surrogates, invalid JSON or UTF-8), so the caller falls back to the
 * json-glib codec in store/json.c, which stays the authority.
 * Used only inside store/.
 */
#pragma once
#include <glib.h>

/* Decodes 'text' (length 'len', not necessarily NUL-terminated) if it is a
 * JSON array whose elements are all strings: appends each (a new UTF-8
 * string) to 'out' (a GPtrArray with g_free) and returns TRUE. Returns FALSE,
 * leaving 'out' as it was, for anything else (other element types, invalid
 * JSON, invalid UTF-8 or escapes, trailing garbage). */
gboolean ms_json_flat_strings (const char *text, gsize len, GPtrArray *out);

/* The same for a JSON object whose values are all strings: appends key,
 * value, key, value ... in document order. Duplicate keys are all kept, in
 * order; a caller inserting into a hash table gets the last value, as with
 * json-glib. */
gboolean ms_json_flat_object (const char *text, gsize len, GPtrArray *out);

/* The encoders of the same two shapes, for the rows adding partitions
 * writes: a JSON array of the 'n' strings 'items', and a JSON object of
 * the string map 'map' (NULL: {}). Quotes, backslashes and control
 * characters are escaped (\uXXXX below 0x20); other bytes are copied, so
 * the strings must be UTF-8. Caller frees. */
char *ms_json_flat_write_strings (const char *const *items, guint n);
char *ms_json_flat_write_object (GHashTable *map);
