/*
 * fuzz_hive_mysql.c: libFuzzer target for the text handling of the
 * MariaDB source backend (store/hive_mysql.c). The input, up to its first
 * NUL byte, is read as a statement in PostgreSQL's spelling and rewritten
 * for MySQL and MariaDB (ms_hive_mysql_sql), and as a --from URL whose
 * label is made (ms_hive_mysql_label); all of it is read as a value that
 * may not be UTF-8 (ms_hive_mysql_text); its first line is read as a
 * server's version (ms_hive_mysql_server_check). Invariants (abort
 * otherwise):
 *  - the rewriting keeps every '...' literal as it is, in order: split at
 *    their quotes, the statement's pieces inside literals are among the
 *    rewriting's, whose others are the rewriting's own ('[', ']', 'null',
 *    '$': a json_agg built by GROUP_CONCAT);
 *  - outside literals no $n is left, and there is one '?' more per $n
 *    than the statement had;
 *  - the rewriting grows the statement by at most half, and 120 bytes
 *    per json_agg;
 *  - a label holds no password;
 *  - a value that is UTF-8 is left alone (NULL); any other becomes valid
 *    UTF-8 of one character per byte but NUL, its ASCII kept in order.
 * Must never crash, leak or hang.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/hive_source_internal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void G_GNUC_NORETURN
die (const char *what, const char *detail, const uint8_t *data, size_t size)
{
  fprintf (stderr, "fuzz_hive_mysql: %s (%s) for input (%zu bytes): '%.*s'\n", what,
           detail ? detail : "", size, (int) size, (const char *) data);
  abort ();
}

/* Counts of $n and of '?' outside the literals of 'sql'. */
static void
count_outside (const char *sql, guint *dollars, guint *marks)
{
  g_auto (GStrv) pieces = g_strsplit (sql, "'", -1);
  *dollars = *marks = 0;
  for (guint i = 0; pieces[i] != NULL; i += 2)   /* "" splits to no piece */
    {
      for (const char *p = pieces[i]; *p; p++)
        if (*p == '$' && g_ascii_isdigit (p[1]))
          (*dollars)++;
        else if (*p == '?')
          (*marks)++;
      if (pieces[i + 1] == NULL)
        break;
    }
}

/* The pieces of 'sql' inside its literals (split at quotes: "" splits to
 * no piece at all). */
static GPtrArray *
literals (const char *sql)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  if (strchr (sql, '\'') == NULL)
    return out;
  g_auto (GStrv) pieces = g_strsplit (sql, "'", -1);
  for (guint i = 1; pieces[i - 1] != NULL && pieces[i] != NULL; i += 2)
    g_ptr_array_add (out, g_strdup (pieces[i]));
  return out;
}

static void
check_sql (const char *sql, const uint8_t *data, size_t size)
{
  g_autofree char *my = ms_hive_mysql_sql (sql);
  gsize aggs = 0;
  for (const char *p = strstr (sql, "json_agg ("); p != NULL; p = strstr (p + 1, "json_agg ("))
    aggs++;
  if (my == NULL || strlen (my) > strlen (sql) + strlen (sql) / 2 + 120 * aggs)
    die ("no rewriting, or a longer one than can be", my, data, size);
  /* the statement's literals in order among the rewriting's, and only
   * the rewriting's own beside them */
  static const char *const own[] = { "[", "]", "null", "$", NULL };
  g_autoptr (GPtrArray) a = literals (sql);
  g_autoptr (GPtrArray) b = literals (my);
  guint j = 0;
  for (guint i = 0; i < b->len; i++)
    if (j < a->len && strcmp (a->pdata[j], b->pdata[i]) == 0)
      j++;
    else if (!g_strv_contains (own, b->pdata[i]))
      die ("a literal changed or added", my, data, size);
  if (j != a->len)
    die ("a literal lost", my, data, size);
  guint d0, m0, d1, m1;
  count_outside (sql, &d0, &m0);
  count_outside (my, &d1, &m1);
  if (d1 != 0)
    die ("a $n left", my, data, size);
  if (m1 != m0 + d0)
    die ("not one ? per $n", my, data, size);
}

/* A version the check neither crashes on nor takes when it is no
 * version: a server taken starts with a digit. */
static void
check_server (const char *text, const uint8_t *data, size_t size)
{
  g_autofree char *line = g_strndup (text, strcspn (text, "\n"));
  g_autoptr (GError) error = NULL;
  gboolean ok = ms_hive_mysql_server_check (line, &error);
  if (ok == (error != NULL))
    die ("a verdict without its error, or an error with it", line, data, size);
  if (ok && !g_ascii_isdigit (line[0]))
    die ("a server taken whose version starts with no digit", line, data, size);
}

static void
check_label (const char *url, const uint8_t *data, size_t size)
{
  g_autofree char *label = ms_hive_mysql_label (url);
  if (label == NULL)
    die ("no label", NULL, data, size);
  g_autoptr (GUri) u = g_uri_parse (label, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  if (u != NULL && g_uri_get_password (u) != NULL)
    die ("a label with a password", label, data, size);
}

static void
check_text (const uint8_t *data, size_t size)
{
  gsize n = 0;
  g_autofree char *out = ms_hive_mysql_text ((const char *) data, size, &n);
  if (g_utf8_validate_len ((const char *) data, size, NULL))
    {
      if (out != NULL)
        die ("UTF-8 converted", out, data, size);
      return;
    }
  if (out == NULL || n != strlen (out) || !g_utf8_validate_len (out, n, NULL))
    die ("not UTF-8 of its length", out, data, size);
  g_autoptr (GString) ascii_in = g_string_new (NULL);
  g_autoptr (GString) ascii_out = g_string_new (NULL);
  gsize nuls = 0;
  for (gsize i = 0; i < size; i++)
    if (data[i] == 0)
      nuls++;
    else if (data[i] < 0x80)
      g_string_append_c (ascii_in, (char) data[i]);
  for (gsize i = 0; i < n; i++)
    if ((guchar) out[i] < 0x80)
      g_string_append_c (ascii_out, out[i]);
  if ((gsize) g_utf8_strlen (out, (gssize) n) != size - nuls)
    die ("not one character per byte", out, data, size);
  if (!g_string_equal (ascii_in, ascii_out))
    die ("ASCII changed", out, data, size);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 16384)
    return 0;
  g_autofree char *text = g_strndup ((const char *) data, size);
  check_sql (text, data, size);
  check_label (text, data, size);
  check_server (text, data, size);
  check_text (data, size);
  return 0;
}
