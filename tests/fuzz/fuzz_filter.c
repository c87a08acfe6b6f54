/*
 * fuzz_filter.c: libFuzzer target for the metastore filter parser
 * (core/filter.c). Any input must end in either a tree or an
 * MS_ERROR_INVALID_INPUT "Error parsing partition filter at position N: ..."
 * with N inside the input, never a crash, leak or hang. A tree must keep the
 * documented shape (value counts, depth bound) and its canonical text must
 * parse back to the same canonical text.
 *
 * Each tree is then compiled to SQL (store/partition_filter.c) for a fixed
 * list of keys of every kind: it must give SQL whose parameters are all
 * bound and that splices no value text, or the same error form as the
 * parser; every value's numeric form must be canonical.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "core/filter.h"
#include "model/table.h"
#include "store/partition_filter.h"

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

/* The error of a failed parse or compile: our prefix and a position inside the input. */
static void
check_error (const GError *error, const char *text)
{
  const char *prefix = "Error parsing partition filter at position ";
  if (error == NULL || !g_error_matches (error, MS_ERROR, MS_ERROR_INVALID_INPUT)
      || !g_str_has_prefix (error->message, prefix))
    die ("bad error", text, error ? error->message : "no error set");
  guint64 pos = g_ascii_strtoull (error->message + strlen (prefix), NULL, 10);
  if (pos > strlen (text))
    die ("error position outside the input", text, error->message);
}

/* A numeric form: -?digits[.digits], no leading zero (but "0"), no
 * trailing zero in the fraction, no "-0". */
static void
check_number (const char *num, const char *input)
{
  if (num == NULL)
    return;
  const char *p = num + (num[0] == '-');
  gsize int_len = strspn (p, "0123456789");
  if (int_len == 0 || (int_len > 1 && p[0] == '0') || (num[0] == '-' && g_str_equal (p, "0")))
    die ("bad numeric form", input, num);
  p += int_len;
  if (*p == '.')
    {
      gsize frac_len = strspn (p + 1, "0123456789");
      if (frac_len == 0 || p[frac_len] == '0' || p[1 + frac_len] != '\0')
        die ("bad numeric form", input, num);
    }
  else if (*p != '\0')
    die ("bad numeric form", input, num);
}

static void
check_values (const MsFilterNode *n, const char *input)
{
  static const char *const types[] = { "int", "decimal(10,2)", "date", "timestamp" };
  if (n->kind == MS_FILTER_NODE_AND || n->kind == MS_FILTER_NODE_OR)
    {
      check_values (n->left, input);
      check_values (n->right, input);
      return;
    }
  for (guint i = 0; i < n->values->len; i++)
    for (guint t = 0; t < G_N_ELEMENTS (types); t++)
      {
        const MsFilterValue *v = g_ptr_array_index (n->values, i);
        g_autofree char *num = ms_partition_value_number (types[t], v->str);
        check_number (num, input);
      }
}

/* Compiles the tree for keys of every kind and checks the SQL. */
static void
check_compile (const MsFilterNode *tree, const char *text)
{
  static MsColumn cols[] = {
    { "p", "int", NULL }, { "a", "string", NULL }, { "b", "date", NULL },
    { "x", "timestamp", NULL }, { "d", "decimal(10,2)", NULL }, { "ds", "string", NULL },
    { "hr", "bigint", NULL }, { "c", "boolean", NULL }, { "y", "varchar(3)", NULL },
    { "date", "string", NULL },
  };
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (cols); i++)
    g_ptr_array_add (keys, &cols[i]);
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (params, g_strdup ("1"));
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  if (!ms_partition_filter_compile (tree, keys, "$1", sql, params, &error))
    {
      check_error (error, text);
      if (sql->len != 0 || params->len != 1)
        die ("compile failed but appended", text, sql->str);
      return;
    }
  if (error != NULL)
    die ("SQL and error", text, error->message);
  if (!g_str_has_prefix (sql->str, "SELECT ") && !g_str_has_prefix (sql->str, "(SELECT "))
    die ("SQL is not a SELECT", text, sql->str);
  /* quotes and '$' only in the fixed LIKE wrapper; every other $N bound */
  g_autoptr (GString) rest = g_string_new (sql->str);
  g_string_replace (rest, "'^(?:'", "", 0);
  g_string_replace (rest, "')$'", "", 0);
  if (strchr (rest->str, '\'') != NULL || strchr (rest->str, ';') != NULL)
    die ("text spliced into the SQL", text, sql->str);
  guint used = 0;
  for (const char *p = strchr (rest->str, '$'); p != NULL; p = strchr (p + 1, '$'))
    {
      guint64 k = g_ascii_strtoull (p + 1, NULL, 10);
      if (k == 0 || k > params->len)
        die ("unbound parameter", text, sql->str);
      used++;
    }
  if (used < params->len)
    die ("parameter never used", text, sql->str);
  for (guint i = 0; i < params->len; i++)
    if (g_ptr_array_index (params, i) == NULL)
      die ("NULL parameter", text, sql->str);
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
      check_error (error, text);
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

  check_values (tree, text);
  check_compile (tree, text);
  return 0;
}
