/*
 * test_catalog.c: the rest.catalogs list (service/catalog.c): its roots
 * join the allowed locations, '*' stays '*', a bad item is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "service/catalog.h"
#include "core/error.h"

static void
test_allowed_with_catalogs (void **state)
{
  (void) state;
  static const struct {
    const char *allowed, *list, *want;
  } cases[] = {
    { NULL, NULL, NULL },
    { NULL, "", NULL },
    { "s3://b/", NULL, "s3://b/" },
    { NULL, "sales=s3://lake/sales", "file:///wh,s3://lake/sales" },
    { "", " sales = s3://lake/sales , ops=file:///data/ops ",
      "file:///wh,s3://lake/sales,file:///data/ops" },
    { "s3://b/", "sales=s3://lake/sales", "s3://b/,s3://lake/sales" },
    { "*", "sales=s3://lake/sales", "*" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      assert_true (ms_service_catalogs_allowed (cases[i].allowed, "file:///wh", cases[i].list,
                                                &out, NULL));
      assert_string_equal (out ? out : "(null)", cases[i].want ? cases[i].want : "(null)");
    }
  static const char *const bad[] = { "sales", "=s3://x", "sales=", "a=b,c" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *out = NULL;
      g_autoptr (GError) e = NULL;
      assert_false (ms_service_catalogs_allowed (NULL, "file:///wh", bad[i], &out, &e));
      assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_INVALID_INPUT));
      assert_non_null (strstr (e->message, "rest.catalogs"));
      assert_null (out);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_allowed_with_catalogs),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
