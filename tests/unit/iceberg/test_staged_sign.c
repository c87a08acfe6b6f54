/* test_staged_sign.c: the passes a stage-create's signer endpoint carries
 * (iceberg/staged_sign.c): a pass names its location for the same route
 * and principal only, and nothing once altered, expired or malformed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "iceberg/internal.h"

#define LOC "s3://b/wh/ns.db/t"

static void
test_pass (void **state)
{
  (void) state;
  MsIceberg ice = { 0 };
  memset (ice.stage_key, 7, sizeof ice.stage_key);
  char *ns[] = { "ns", NULL }, *other_ns[] = { "ns2", NULL };
  IceCall call = { .ice = &ice, .ns = ns, .principal = "writer", .catalog = "hive" };
  g_autofree char *pass = ice_staged_pass (&call, "t", LOC);
  g_autofree char *got = ice_staged_pass_location (&call, "t", pass);
  assert_non_null (got);
  assert_string_equal (got, LOC);

  /* another table, namespace, catalog, principal or key */
  assert_null (ice_staged_pass_location (&call, "u", pass));
  IceCall c2 = call;
  c2.ns = other_ns;
  assert_null (ice_staged_pass_location (&c2, "t", pass));
  c2 = call;
  c2.catalog = "sales";
  assert_null (ice_staged_pass_location (&c2, "t", pass));
  c2 = call;
  c2.principal = "reader";
  assert_null (ice_staged_pass_location (&c2, "t", pass));
  MsIceberg ice2 = ice;
  ice2.stage_key[0] ^= 1;
  c2 = call;
  c2.ice = &ice2;
  assert_null (ice_staged_pass_location (&c2, "t", pass));

  /* altered, expired, malformed */
  g_auto (GStrv) parts = g_strsplit (pass, ".", -1);
  assert_int_equal (g_strv_length (parts), 3);
  g_autofree char *later = g_strdup_printf ("%" G_GINT64_FORMAT ".%s.%s",
                                            g_ascii_strtoll (parts[0], NULL, 10) + 1, parts[1],
                                            parts[2]);
  assert_null (ice_staged_pass_location (&call, "t", later));
  g_autofree char *past = g_strdup_printf ("1.%s.%s", parts[1], parts[2]);
  assert_null (ice_staged_pass_location (&call, "t", past));
  const char *bad[] = { "", "x", "1.2", "a.b.c", "99999999999.00.!!", NULL };
  for (const char **b = bad; *b; b++)
    assert_null (ice_staged_pass_location (&call, "t", *b));
  assert_null (ice_staged_pass_location (&call, "t", NULL));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_pass),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
