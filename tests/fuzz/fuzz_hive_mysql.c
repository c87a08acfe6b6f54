/*
 * fuzz_hive_mysql.c: libFuzzer target for the text handling of the
 * MariaDB source backend (store/hive_mysql.c). The input, up to its first
 * NUL byte, is read as a statement in PostgreSQL's spelling and rewritten
 * for MariaDB (ms_hive_mysql_sql), and as a --from URL whose label is
 * made (ms_hive_mysql_label); all of it is read as a value that may not
 * be UTF-8 (ms_hive_mysql_text). Invariants (abort otherwise):
 *  - the rewriting keeps every '...' literal as it is: the statement and
 *    its rewriting, split at their quotes, have the same pieces inside
 *    literals;
 *  - outside literals no $n is left, and there is one '?' more per $n
 *    than the statement had;
 *  - the rewriting grows the statement by at most half;
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

static void
check_sql (const char *sql, const uint8_t *data, size_t size)
{
  g_autofree char *my = ms_hive_mysql_sql (sql);
  if (my == NULL || strlen (my) > strlen (sql) + strlen (sql) / 2)
    die ("no rewriting, or a longer one than can be", my, data, size);
  guint quotes = 0, quotes_my = 0;
  for (const char *p = sql; *p; p++)
    quotes += *p == '\'';
  for (const char *p = my; *p; p++)
    quotes_my += *p == '\'';
  if (quotes != quotes_my)
    die ("quotes added or lost", my, data, size);
  /* with a quote, neither is "" (which splits to no piece at all) */
  g_auto (GStrv) a = g_strsplit (sql, "'", -1);
  g_auto (GStrv) b = g_strsplit (my, "'", -1);
  for (guint i = 1; quotes > 0 && a[i] != NULL; i += 2)
    {
      if (strcmp (a[i], b[i]) != 0)
        die ("a literal changed", my, data, size);
      if (a[i + 1] == NULL)
        break;
    }
  guint d0, m0, d1, m1;
  count_outside (sql, &d0, &m0);
  count_outside (my, &d1, &m1);
  if (d1 != 0)
    die ("a $n left", my, data, size);
  if (m1 != m0 + d0)
    die ("not one ? per $n", my, data, size);
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
  check_text (data, size);
  return 0;
}
