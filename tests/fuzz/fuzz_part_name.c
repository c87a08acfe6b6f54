/*
 * fuzz_part_name.c: libFuzzer target for Hive partition-name parsing
 * (core/part_name.c). Any input must parse to a spec or fail with a
 * GError, never crash or leak; escaping then unescaping any non-empty
 * text gives it back, and a name rebuilt from a parsed spec parses again.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/part_name.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 4096)
    return 0;
  g_autofree char *name = g_strndup ((const char *) data, size);
  /* escaping then unescaping any text gives it back (the empty value
   * escapes to Hive's default partition name, by design) */
  g_autofree char *esc = ms_part_name_escape (name);
  g_autofree char *unesc = ms_part_name_unescape (esc);
  if (*name != '\0' && strcmp (unesc, name) != 0)
    {
      fprintf (stderr, "escape/unescape round trip changed '%s'\n", name);
      abort ();
    }
  GError *err = NULL;
  g_autoptr (GPtrArray) spec = ms_part_name_spec (name, TRUE, &err);
  if (spec == NULL)
    {
      if (err == NULL)
        abort ();
      g_error_free (err);
    }
  else if (spec->len % 2 == 0 && spec->len > 0)
    {
      /* spec is key, value, key, value ...: rebuild and parse again */
      guint n = spec->len / 2;
      g_autofree const char **keys = g_new0 (const char *, n);
      g_autofree const char **vals = g_new0 (const char *, n);
      for (guint i = 0; i < n; i++)
        {
          keys[i] = g_ptr_array_index (spec, 2 * i);
          vals[i] = g_ptr_array_index (spec, 2 * i + 1);
        }
      g_autofree char *again = ms_part_name_make (keys, vals, n);
      g_autoptr (GPtrArray) spec2 = ms_part_name_spec (again, TRUE, NULL);
      if (spec2 == NULL)
        {
          fprintf (stderr, "rebuilt name '%s' from '%s' does not parse\n", again, name);
          abort ();
        }
    }
  g_autofree char *lower = ms_part_name_lower_keys (name, NULL);
  return 0;
}
