/* test_errors.c: SQLSTATE -> model error codes -> HMS exceptions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include "store/pg.h"
#include "hms/internal.h"
#include "method_fail.h"
#include <thrift/c_glib/thrift_application_exception.h>

static void
test_sqlstate (void **state)
{
  (void) state;
  assert_int_equal (ms_pg_sqlstate_code ("23505"), MS_ERROR_ALREADY_EXISTS);
  assert_int_equal (ms_pg_sqlstate_code ("23503"), MS_ERROR_INVALID_OBJECT);
  assert_int_equal (ms_pg_sqlstate_code ("22001"), MS_ERROR_INVALID_OBJECT);
  assert_int_equal (ms_pg_sqlstate_code ("40001"), MS_ERROR_CONFLICT);
  assert_int_equal (ms_pg_sqlstate_code ("40P01"), MS_ERROR_CONFLICT);
  assert_int_equal (ms_pg_sqlstate_code ("08006"), MS_ERROR_UNAVAILABLE);
  assert_int_equal (ms_pg_sqlstate_code ("57P01"), MS_ERROR_UNAVAILABLE);
  assert_int_equal (ms_pg_sqlstate_code ("25006"), MS_ERROR_UNAVAILABLE);
  assert_int_equal (ms_pg_sqlstate_code (NULL), MS_ERROR_UNAVAILABLE);
  assert_int_equal (ms_pg_sqlstate_code ("XX000"), MS_ERROR_INTERNAL);
}

static void
test_raise_declared (void **state)
{
  (void) state;
  /* get_database declares NoSuchObjectException o1, MetaException o2 */
  gboolean declared;
  g_autoptr (GObject) r = fail_method ("get_database", MS_ERROR_NOT_FOUND,
                                       "There is no database hive.x", &declared);
  assert_true (declared);
  ThmsNoSuchObjectException *nso = exception_in (r, "o1");
  ThmsMetaException *meta = exception_in (r, "o2");
  assert_non_null (nso);
  assert_null (meta);
  g_autofree char *msg = NULL;
  g_object_get (nso, "message", &msg, NULL);
  assert_string_equal (msg, "There is no database hive.x");
  g_object_unref (nso);
}

static void
test_raise_fallbacks (void **state)
{
  (void) state;
  /* not declared: AlreadyExists on a method that only throws MetaException
   * (get_databases) */
  gboolean declared;
  g_autoptr (GObject) r1 = fail_method ("get_databases", MS_ERROR_ALREADY_EXISTS, "dup", &declared);
  ThmsMetaException *meta = exception_in (r1, "o1");
  assert_non_null (meta);
  g_object_unref (meta);
  /* INVALID_OPERATION prefers InvalidOperationException (drop_database
   * declares NoSuchObject o1, InvalidOperation o2, Meta o3) */
  g_autoptr (GObject) r2 = fail_method ("drop_database", MS_ERROR_INVALID_OPERATION, "not empty",
                                        &declared);
  ThmsInvalidOperationException *iop = exception_in (r2, "o2");
  ThmsNoSuchObjectException *nso = exception_in (r2, "o1");
  meta = exception_in (r2, "o3");
  assert_non_null (iop);
  assert_null (nso);
  assert_null (meta);
  g_object_unref (iop);
  /* nothing declared fits: a TApplicationException (get_config_value
   * declares only ConfigValSecurityException) */
  g_autoptr (GObject) r3 = fail_method ("get_config_value", MS_ERROR_UNAVAILABLE, "db down",
                                        &declared);
  ThmsConfigValSecurityException *cvs = exception_in (r3, "o1");
  assert_null (cvs);
  assert_false (declared);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_sqlstate),
    cmocka_unit_test (test_raise_declared),
    cmocka_unit_test (test_raise_fallbacks),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
