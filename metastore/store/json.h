/*
 * json.h: jsonb columns <-> model values (parameters maps, string lists).
 * Used only inside store/.
 */
#pragma once
#include <glib.h>

char *ms_json_from_params (GHashTable *params);
GHashTable *ms_json_to_params (const char *json);      /* never NULL */
