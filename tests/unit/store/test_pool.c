/* test_pool.c: the pool's accounting when PostgreSQL cannot be reached, and
 * its bounded wait. (Reconnection against a real server is covered by the
 * end-to-end restart test.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include "store/pool.h"

static void
test_unreachable (void **state)
{
  (void) state;
  MsPool *p = ms_pool_new ("host=/nonexistent-socket-dir port=1 dbname=x", NULL, 2, 100, 1);
  g_autoptr (GError) e = NULL;
  MsPgConn *c = ms_pool_get (p, &e);
  assert_null (c);
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  MsPoolStats st = ms_pool_stats (p);
  assert_int_equal (st.open, 0);
  assert_int_equal (st.in_use, 0);
  assert_int_equal (st.size, 2);
  /* a second attempt is tried again (no stuck reserved slot) */
  g_autoptr (GError) e2 = NULL;
  assert_null (ms_pool_get (p, &e2));
  st = ms_pool_stats (p);
  assert_int_equal (st.open, 0);
  ms_pool_free (p);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_unreachable),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
