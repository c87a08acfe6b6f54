/* test_errors.c: SQLSTATE -> model error codes -> HMS exceptions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include "store/pg.h"
#include "hms/internal.h"
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
  assert_int_equal (ms_pg_sqlstate_code (NULL), MS_ERROR_UNAVAILABLE);
  assert_int_equal (ms_pg_sqlstate_code ("XX000"), MS_ERROR_INTERNAL);
}

static void
test_raise_declared (void **state)
{
  (void) state;
  ThmsNoSuchObjectException *nso = NULL;
  ThmsMetaException *meta = NULL;
  GError *err = g_error_new (MS_ERROR, MS_ERROR_NOT_FOUND, "There is no database hive.x");
  assert_false (hms_raise (err, NULL, THMS_TYPE_NO_SUCH_OBJECT_EXCEPTION, &nso,
                           THMS_TYPE_META_EXCEPTION, &meta, G_TYPE_INVALID));
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
  /* not declared: AlreadyExists on a method that only throws MetaException */
  ThmsMetaException *meta = NULL;
  GError *err = g_error_new (MS_ERROR, MS_ERROR_ALREADY_EXISTS, "dup");
  hms_raise (err, NULL, THMS_TYPE_META_EXCEPTION, &meta, G_TYPE_INVALID);
  assert_non_null (meta);
  g_object_unref (meta);
  /* INVALID_OPERATION prefers InvalidOperationException */
  ThmsInvalidOperationException *iop = NULL;
  ThmsNoSuchObjectException *nso = NULL;
  meta = NULL;
  err = g_error_new (MS_ERROR, MS_ERROR_INVALID_OPERATION, "not empty");
  hms_raise (err, NULL, THMS_TYPE_NO_SUCH_OBJECT_EXCEPTION, &nso,
             THMS_TYPE_INVALID_OPERATION_EXCEPTION, &iop, THMS_TYPE_META_EXCEPTION, &meta,
             G_TYPE_INVALID);
  assert_non_null (iop);
  assert_null (nso);
  assert_null (meta);
  g_object_unref (iop);
  /* nothing declared fits: TApplicationException through GError */
  ThmsConfigValSecurityException *cvs = NULL;
  GError *app = NULL;
  err = g_error_new (MS_ERROR, MS_ERROR_UNAVAILABLE, "db down");
  hms_raise (err, &app, THMS_TYPE_CONFIG_VAL_SECURITY_EXCEPTION, &cvs, G_TYPE_INVALID);
  assert_null (cvs);
  assert_non_null (app);
  assert_int_equal (app->code, THRIFT_APPLICATION_EXCEPTION_ERROR_INTERNAL_ERROR);
  g_error_free (app);
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
