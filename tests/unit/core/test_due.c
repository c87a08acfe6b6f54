/*
 * test_due.c: "at most once per interval per key" (core/due.c): a key is
 * due once, then not until its interval passed; keys are independent; a
 * full table forgets, making keys due early rather than never.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/due.h"

static void
test_once_per_interval (void **state)
{
  (void) state;
  g_autoptr (MsDue) due = ms_due_new (3600, 100);
  assert_true (ms_due_take (due, "/a"));
  assert_false (ms_due_take (due, "/a"));
  assert_true (ms_due_take (due, "/b"));
  assert_false (ms_due_take (due, "/b"));
  g_autoptr (MsDue) always = ms_due_new (0, 100);
  assert_true (ms_due_take (always, "/a"));
  assert_true (ms_due_take (always, "/a"));
}

static void
test_full_table_forgets (void **state)
{
  (void) state;
  g_autoptr (MsDue) due = ms_due_new (3600, 2);
  assert_true (ms_due_take (due, "/a"));
  assert_true (ms_due_take (due, "/b"));
  assert_true (ms_due_take (due, "/c"));   /* full: forgets /a and /b */
  assert_true (ms_due_take (due, "/a"));
  assert_false (ms_due_take (due, "/a"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_once_per_interval),
    cmocka_unit_test (test_full_table_forgets),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
