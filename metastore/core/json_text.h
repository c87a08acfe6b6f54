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
