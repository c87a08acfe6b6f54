/*
 * test_log.c: repeated log lines are rate-limited per format string
 * (core/log.c), and the next line says how many were left out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include "core/log.h"

static char *
capture (void (*fn) (void))
{
  char path[] = "/tmp/ms-test-log-XXXXXX";
  int fd = g_mkstemp (path);
  assert_true (fd >= 0);
  int saved = dup (STDERR_FILENO);
  dup2 (fd, STDERR_FILENO);
  fn ();
  dup2 (saved, STDERR_FILENO);
  close (saved);
  close (fd);
  char *text = NULL;
  assert_true (g_file_get_contents (path, &text, NULL, NULL));
  unlink (path);
  return text;
}

static guint
count (const char *haystack, const char *needle)
{
  g_auto (GStrv) parts = g_strsplit (haystack, needle, -1);
  return g_strv_length (parts) - 1;
}

static void
flood (void)
{
  for (int i = 0; i < 1000; i++)
    ms_warn ("accept: failing %d", i);
  ms_info ("another kind of line");
  /* the next second: one more, after a note of what was left out */
  g_usleep (1100000);
  ms_warn ("accept: failing %d", 1000);
}

static void
test_flood_is_limited (void **state)
{
  (void) state;
  g_autofree char *text = capture (flood);
  guint written = count (text, "accept: failing");
  /* at most a burst per second; the window may turn once in the loop */
  assert_true (written <= 2 * MS_LOG_BURST + 1);
  assert_true (written >= MS_LOG_BURST + 1);
  assert_int_equal (count (text, "another kind of line"), 1);
  assert_non_null (strstr (text, "more lines like the next one were left out"));
  assert_non_null (strstr (text, "accept: failing 1000"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_flood_is_limited),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
