/*
 * fuzz_filter.c: libFuzzer target for the metastore filter parser
 * (core/filter.c). Any input must end in either a tree or an
 * MS_ERROR_INVALID_INPUT "Error parsing partition filter at position N: ..."
 * with N inside the input, never a crash, leak or hang. A tree must keep the
 * documented shape (value counts, depth bound) and its canonical text must
 * parse back to the same canonical text.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "core/filter.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
die (const char *what, const char *input, const char *detail)
{
  fprintf (stderr, "fuzz_filter: %s\ninput: %s\ndetail: %s\n", what, input, detail ? detail : "");
  abort ();
}

/* Depth of the tree; checks each node's shape on the way. */
static int
check_node (const MsFilterNode *n, const char *input)
{
  switch (n->kind)
    {
    case MS_FILTER_NODE_AND:
    case MS_FILTER_NODE_OR:
      if (n->left == NULL || n->right == NULL || n->values != NULL || n->key != NULL)
        die ("bad AND/OR node", input, NULL);
      {
        int l = check_node (n->left, input), r = check_node (n->right, input);
        return 1 + MAX (l, r);
      }
    case MS_FILTER_NODE_CMP:
    case MS_FILTER_NODE_BETWEEN:
    case MS_FILTER_NODE_IN:
      if (n->left != NULL || n->right != NULL || n->key == NULL || n->values == NULL
          || (n->kind == MS_FILTER_NODE_CMP && n->values->len != 1)
          || (n->kind == MS_FILTER_NODE_BETWEEN && n->values->len != 2)
          || n->values->len == 0)
        die ("bad leaf node", input, NULL);
      for (guint i = 0; i < n->values->len; i++)
        {
          const MsFilterValue *v = g_ptr_array_index (n->values, i);
          if (v->str == NULL || (guint) v->kind > MS_FILTER_VAL_TIMESTAMP)
            die ("bad value", input, NULL);
        }
      if (n->pos < 0 || (size_t) n->pos >= strlen (input))
        die ("position outside the input", input, NULL);
      return 1;
    }
  die ("bad node kind", input, NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 65536)
    return 0;
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (MsFilterNode) tree = ms_filter_parse (text, &error);
  if (tree == NULL)
    {
      const char *prefix = "Error parsing partition filter at position ";
      if (error == NULL || !g_error_matches (error, MS_ERROR, MS_ERROR_INVALID_INPUT)
          || !g_str_has_prefix (error->message, prefix))
        die ("bad error", text, error ? error->message : "no error set");
      guint64 pos = g_ascii_strtoull (error->message + strlen (prefix), NULL, 10);
      if (pos > strlen (text))
        die ("error position outside the input", text, error->message);
      return 0;
    }
  if (error != NULL)
    die ("tree and error", text, error->message);
  if (check_node (tree, text) > MS_FILTER_MAX_TREE_DEPTH)
    die ("tree too deep", text, NULL);

  g_autofree char *canon = ms_filter_node_to_string (tree);
  g_autoptr (MsFilterNode) again = ms_filter_parse (canon, &error);
  if (again == NULL)
    die ("canonical text does not parse", text, error->message);
  g_autofree char *canon2 = ms_filter_node_to_string (again);
  if (strcmp (canon, canon2) != 0)
    die ("canonical text changes on a round trip", text, canon2);
  return 0;
}
