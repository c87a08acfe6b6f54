/*
 * fuzz_iceberg_view_metadata.c: libFuzzer target for the Iceberg view
 * metadata model (iceberg/view_metadata*.c). The input is two JSON
 * documents separated by the first NUL byte: a view metadata.json (or,
 * when that does not parse, a CreateViewRequest) and a commit body
 * {"requirements": [...], "updates": [...]} (or a bare array of updates).
 * The commit is applied to the metadata; every metadata obtained is
 * written, read back (which must succeed and give the same document),
 * named, mapped to Hive columns and asked for its SQL. Must never crash,
 * leak or warn.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json_text.h"
#include "iceberg/view_metadata.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Writes, reads back and compares; aborts when the model cannot read its
 * own output. */
static void
exercise (const MsIcebergViewMetadata *vm)
{
  gsize len;
  g_autofree char *text = ms_iceberg_view_metadata_to_json (vm, FALSE, &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (MsIcebergViewMetadata) again = ms_iceberg_view_metadata_parse (text, (gssize) len, &error);
  if (again == NULL)
    {
      fprintf (stderr, "view metadata does not read back: %s\n%s\n", error->message, text);
      abort ();
    }
  g_autofree char *text2 = ms_iceberg_view_metadata_to_json (again, FALSE, NULL);
  if (strcmp (text, text2) != 0)
    {
      fprintf (stderr, "view metadata changes when read back:\n%s\n%s\n", text, text2);
      abort ();
    }
  if (ms_iceberg_view_metadata_current_version (vm) == NULL || ms_iceberg_view_metadata_current_schema (vm) == NULL)
    abort ();
  g_autoptr (GPtrArray) cols = ms_iceberg_view_metadata_hive_columns (vm, NULL);
  if (cols != NULL && cols->len > 100000)
    abort ();
  (void) ms_iceberg_view_metadata_sql (vm, "hive");
  g_autofree char *next = ms_iceberg_view_metadata_next_file (vm, "s3://b/v/metadata/00007-x.metadata.json");
  if (next == NULL)
    abort ();
}

static JsonNode *
parse (const char *text, gsize len, JsonParser *parser)
{
  /* the server's precheck first (iceberg/errors.c), as for a request body */
  if (len == 0 || !ms_json_precheck (text, len, MS_JSON_MAX_DEPTH, NULL)
      || !json_parser_load_from_data (parser, text, (gssize) len, NULL))
    return NULL;
  return json_parser_get_root (parser);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 16384)
    return 0;
  const char *text = (const char *) data;
  const char *nul = memchr (text, '\0', size);
  gsize mlen = nul != NULL ? (gsize) (nul - text) : size;
  const char *body = nul != NULL ? nul + 1 : NULL;
  gsize blen = nul != NULL ? size - mlen - 1 : 0;

  g_autoptr (MsIcebergViewMetadata) vm = ms_iceberg_view_metadata_parse (text, (gssize) mlen, NULL);
  if (vm == NULL)
    {
      g_autoptr (JsonParser) p = json_parser_new_immutable ();
      JsonNode *root = parse (text, mlen, p);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        vm = ms_iceberg_view_metadata_create (json_node_get_object (root), "file:///tmp/wh/v", NULL);
    }
  if (vm != NULL)
    exercise (vm);

  g_autoptr (JsonParser) bp = json_parser_new_immutable ();
  JsonNode *broot = body != NULL ? parse (body, blen, bp) : NULL;
  if (broot == NULL)
    return 0;
  JsonArray *reqs = NULL, *updates = NULL;
  if (JSON_NODE_HOLDS_ARRAY (broot))
    updates = json_node_get_array (broot);
  else if (JSON_NODE_HOLDS_OBJECT (broot))
    {
      JsonObject *o = json_node_get_object (broot);
      JsonNode *r = json_object_get_member (o, "requirements"), *u = json_object_get_member (o, "updates");
      reqs = r != NULL && JSON_NODE_HOLDS_ARRAY (r) ? json_node_get_array (r) : NULL;
      updates = u != NULL && JSON_NODE_HOLDS_ARRAY (u) ? json_node_get_array (u) : NULL;
    }
  (void) ms_iceberg_view_requirements_check (vm, reqs, NULL);
  (void) ms_iceberg_view_updates_check_actions (updates, NULL);
  g_autoptr (MsIcebergViewMetadata) out = ms_iceberg_view_metadata_commit (vm, reqs, updates, NULL);
  if (out != NULL)
    {
      exercise (out);
      /* a second commit on the result, as the next client would */
      g_autoptr (MsIcebergViewMetadata) out2 = ms_iceberg_view_metadata_commit (out, NULL, updates, NULL);
      if (out2 != NULL)
        exercise (out2);
    }
  return 0;
}
