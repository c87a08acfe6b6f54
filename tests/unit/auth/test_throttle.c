/*
 * test_throttle.c: failure counting and blocking per key (auth/throttle.c),
 * on a clock the test moves by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "auth/throttle.h"

#define S G_USEC_PER_SEC

static void
test_blocks_after_limit_and_doubles (void **state)
{
  (void) state;
  g_autoptr (MsThrottle) t = ms_throttle_new (3, 60 * S, 10 * S, 40 * S, 100);
  gint64 now = 1000 * S;
  for (int i = 0; i < 2; i++)
    ms_throttle_failed (t, "a", now);
  assert_int_equal (ms_throttle_blocked_us (t, "a", now), 0);
  ms_throttle_failed (t, "a", now);                       /* the limit: 10 s */
  assert_int_equal (ms_throttle_blocked_us (t, "a", now), 10 * S);
  assert_int_equal (ms_throttle_blocked_us (t, "b", now), 0);   /* keys are apart */
  ms_throttle_failed (t, "a", now + 10 * S);               /* one past: 20 s */
  assert_int_equal (ms_throttle_blocked_us (t, "a", now + 10 * S), 20 * S);
  ms_throttle_failed (t, "a", now + 30 * S);               /* 40 s, the cap */
  ms_throttle_failed (t, "a", now + 70 * S);
  assert_int_equal (ms_throttle_blocked_us (t, "a", now + 70 * S), 40 * S);
  ms_throttle_succeeded (t, "a");
  assert_int_equal (ms_throttle_blocked_us (t, "a", now + 70 * S), 0);
}

static void
test_window_forgets (void **state)
{
  (void) state;
  g_autoptr (MsThrottle) t = ms_throttle_new (3, 60 * S, 10 * S, 40 * S, 100);
  gint64 now = 1000 * S;
  ms_throttle_failed (t, "a", now);
  ms_throttle_failed (t, "a", now + S);
  /* the window ended: the count starts again */
  ms_throttle_failed (t, "a", now + 62 * S);
  ms_throttle_failed (t, "a", now + 63 * S);
  assert_int_equal (ms_throttle_blocked_us (t, "a", now + 63 * S), 0);
  ms_throttle_failed (t, "a", now + 64 * S);
  assert_true (ms_throttle_blocked_us (t, "a", now + 64 * S) > 0);
}

static void
test_table_is_bounded (void **state)
{
  (void) state;
  g_autoptr (MsThrottle) t = ms_throttle_new (1, 60 * S, 10 * S, 40 * S, 4);
  gint64 now = 1000 * S;
  for (int i = 0; i < 100; i++)
    {
      char key[16];
      g_snprintf (key, sizeof key, "k%d", i);
      ms_throttle_failed (t, key, now + i);
    }
  assert_true (ms_throttle_size (t) <= 4);
  /* the newest keys stay blocked */
  assert_true (ms_throttle_blocked_us (t, "k99", now + 100) > 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_blocks_after_limit_and_doubles),
    cmocka_unit_test (test_window_forgets),
    cmocka_unit_test (test_table_is_bounded),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
