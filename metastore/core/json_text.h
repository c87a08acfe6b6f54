/*
 * json_text.h: JSON text from json-glib trees that is JSON. json-glib 1.6
 * writes control characters other than \b \f \n \r \t raw inside strings
 * (RFC 8259 section 7 says they must be escaped); every writer of JSON in
 * the server goes through here so none of them does.
 */
#pragma once
#include <json-glib/json-glib.h>

/* 'node' as text (caller frees); 'pretty' indents; 'len' (may be NULL)
 * gets the length. */
char *ms_json_text (JsonNode *node, gboolean pretty, gsize *len);

/* Escape raw control characters inside the strings of JSON text 'json'
 * (consumed), as \u00XX; whitespace between tokens is left alone. */
char *ms_json_text_escape_controls (char *json, gsize *len);

/* Append 's' (UTF-8) to 'out' as a JSON string literal. */
void ms_json_text_append_string (GString *out, const char *s);
/* Append the string pairs of 'map' (char* -> char*) to 'out' as the
 * members "k":"v" of a JSON object, separated by ','; *first (TRUE before
 * an object's first member) says whether a ',' must come before the
 * first, and is FALSE afterwards when any was written. */
void ms_json_text_append_members (GString *out, GHashTable *map, gboolean *first);

/* The nesting depth a JSON document read from outside may reach. */
#define MS_JSON_MAX_DEPTH 256

/* Checks 'len' bytes of JSON text from outside before json-glib sees it:
 * no NUL byte and no \u0000 (json-glib would cut a string there), no
 * \u escape of a UTF-16 surrogate outside a pair (json-glib 1.6 leaks on
 * some and makes bytes that are not UTF-8 of others), no raw control
 * character in a string, nothing outside strings that JSON does
 * not have (json-glib accepts comments and single quotes), and nesting at
 * most 'max_depth' deep (json-glib recurses per level), and no document
 * cut short (an open string, object or array at the end: said in these
 * words rather than json-glib's). FALSE with MS_ERROR_INVALID_INPUT naming
 * the offset otherwise. The rest of the grammar is left to the parser. */
gboolean ms_json_precheck (const char *text, gsize len, int max_depth, GError **error);
