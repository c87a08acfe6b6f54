/* test_pool.c: the pool's accounting when PostgreSQL cannot be reached, and
 * its bounded wait; how the store's own BEGIN, COMMIT, ROLLBACK and release
 * join an outer transaction (ms_pool_pin). (Reconnection against a real
 * server is covered by the end-to-end restart test, the outer transaction
 * by tests/engines/test_java_hms_follow.py.) */
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

/* Inside an outer transaction a store function's BEGIN/COMMIT pair
 * changes nothing; its ROLLBACK, or a failed statement, dooms the whole;
 * its release keeps the connection. No statement is sent in any of these. */
static void
test_outer_joins (void **state)
{
  (void) state;
  MsPgConn c = { 0 };
  c.outer = TRUE;
  c.in_tx = TRUE;
  assert_true (ms_pg_begin (&c, NULL));
  assert_true (ms_pg_begin (&c, NULL));
  assert_int_equal (c.depth, 2);
  assert_true (ms_pg_commit (&c, NULL));
  assert_true (ms_pg_commit (&c, NULL));
  assert_int_equal (c.depth, 0);
  assert_true (c.in_tx);
  ms_pg_rollback (&c);                   /* a release after a COMMIT */
  ms_pg_conn_release (&c);
  assert_false (c.outer_failed);
  assert_true (c.in_tx);

  assert_true (ms_pg_begin (&c, NULL));
  ms_pg_rollback (&c);                   /* a store function gave up */
  assert_true (c.outer_failed);
  assert_int_equal (c.depth, 0);

  c.outer_failed = FALSE;
  g_autoptr (GError) e = NULL;
  ms_pg_set_error (&c, NULL, &e);        /* a statement failed */
  assert_true (c.outer_failed);
}

/* A pin that cannot have a connection leaves nothing pinned. */
static void
test_pin_unreachable (void **state)
{
  (void) state;
  MsPool *p = ms_pool_new ("host=/nonexistent-socket-dir port=1 dbname=x", NULL, 1, 100, 1);
  g_autoptr (GError) e = NULL;
  assert_false (ms_pool_pin (p, &e));
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  g_autoptr (GError) e2 = NULL;
  assert_null (ms_pool_get (p, &e2));
  assert_int_equal (ms_pool_stats (p).in_use, 0);
  ms_pool_free (p);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_unreachable),
    cmocka_unit_test (test_outer_joins),
    cmocka_unit_test (test_pin_unreachable),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
