/*
 * json.h: jsonb columns <-> model values (parameters maps, string lists).
 * Used only inside store/.
 */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>

char *ms_json_from_params (GHashTable *params);
GHashTable *ms_json_to_params (const char *json);      /* never NULL */

/* The same as JSON nodes, for documents that nest a parameter map. */
JsonNode *ms_json_params_node (GHashTable *params);
GHashTable *ms_json_params_from_node (JsonNode *node);   /* never NULL */
