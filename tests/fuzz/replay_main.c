/*
 * replay_main.c: runs a fuzz target over every file of the corpus
 * directories given (what `make check` does without libFuzzer).
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
main (int argc, char **argv)
{
  int n = 0;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GDir) d = g_dir_open (argv[i], 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *data = NULL;
          gsize len;
          if (!g_file_get_contents (path, &data, &len, NULL))
            continue;
          LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
          n++;
        }
    }
  printf ("replayed %d inputs\n", n);
  return n > 0 ? 0 : 1;
}
