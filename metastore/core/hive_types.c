/*
 * hive_types.c: Hive column type validation and implicit-conversion rules
 * (see hive_types.h).
 */
#include "core/hive_types.h"
#include <string.h>

static const char *const known_first_tokens[] = {
  "void", "boolean", "tinyint", "smallint", "int", "bigint", "float", "double", "string",
  "char", "varchar", "date", "datetime", "timestamp", "decimal", "binary",
  "interval_year_month", "interval_day_time", "timestamp with local time zone",
  "array", "map", "struct", "uniontype", NULL,
};

static gboolean
type_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

gboolean
ms_hive_type_check (const char *type)
{
  if (type == NULL || *type == '\0')
    return FALSE;
  if (strcmp (type, "<derived from deserializer>") == 0)
    return TRUE;
  /* the first run of characters of one class (word or punctuation) */
  gboolean word = type_char (type[0]);
  size_t n = 1;
  while (type[n] != '\0' && type_char (type[n]) == word)
    n++;
  for (int i = 0; known_first_tokens[i]; i++)
    if (strlen (known_first_tokens[i]) == n && strncmp (known_first_tokens[i], type, n) == 0)
      return TRUE;
  return FALSE;
}

typedef enum { GROUP_NONE, GROUP_NUMERIC, GROUP_STRING, GROUP_DATE, GROUP_OTHER } Group;

/* The primitive category name of a type ("decimal(10,2)" -> "decimal"),
 * or NULL for complex types. Lower-cased, caller frees. */
static char *
primitive_of (const char *type)
{
  g_autofree char *t = g_ascii_strdown (type, -1);
  g_strstrip (t);
  if (g_str_has_prefix (t, "array") || g_str_has_prefix (t, "map") || g_str_has_prefix (t, "struct")
      || g_str_has_prefix (t, "uniontype"))
    return NULL;
  char *paren = strchr (t, '(');
  if (paren)
    *paren = '\0';
  g_strstrip (t);
  if (g_str_equal (t, "integer"))
    return g_strdup ("int");
  if (g_str_equal (t, "dec") || g_str_equal (t, "numeric"))
    return g_strdup ("decimal");
  return g_strdup (t);
}

/* Rank in Hive's numeric widening order (0: not numeric). */
static int
numeric_rank (const char *p)
{
  static const char *const order[] = { "tinyint", "smallint", "int", "bigint", "float", "double",
                                       "decimal", "string", NULL };
  for (int i = 0; order[i]; i++)
    if (g_str_equal (p, order[i]))
      return i + 1;
  return 0;
}

static Group
group_of (const char *p)
{
  if (numeric_rank (p) && !g_str_equal (p, "string"))
    return GROUP_NUMERIC;
  if (g_str_equal (p, "string") || g_str_equal (p, "char") || g_str_equal (p, "varchar"))
    return GROUP_STRING;
  if (g_str_equal (p, "date") || g_str_equal (p, "timestamp")
      || g_str_equal (p, "timestamp with local time zone"))
    return GROUP_DATE;
  return GROUP_OTHER;
}

static char *
squeeze (const char *type)
{
  GString *s = g_string_new (NULL);
  for (const char *p = type; *p; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (s, g_ascii_tolower (*p));
  return g_string_free (s, FALSE);
}

gboolean
ms_hive_type_convertible (const char *from, const char *to)
{
  if (from == NULL || to == NULL)
    return FALSE;
  g_autofree char *a = squeeze (from), *b = squeeze (to);
  if (g_str_equal (a, b))
    return TRUE;
  g_autofree char *pf = primitive_of (from), *pt = primitive_of (to);
  if (pf == NULL || pt == NULL)
    return FALSE;                       /* complex types must not change */
  if (g_str_equal (pf, pt))
    return TRUE;                        /* varchar(10) -> varchar(20), decimal precision */
  Group gf = group_of (pf), gt = group_of (pt);
  if (gf == GROUP_STRING && (g_str_equal (pt, "double") || g_str_equal (pt, "decimal")))
    return TRUE;
  if (g_str_equal (pf, "void"))
    return TRUE;
  if ((gf == GROUP_DATE || gf == GROUP_NUMERIC || gf == GROUP_STRING) && gt == GROUP_STRING)
    return TRUE;
  int rf = numeric_rank (pf), rt = numeric_rank (pt);
  return rf != 0 && rt != 0 && rf <= rt;
}
