/* test_location_cache.c: table locations by metadata file for sign
 * requests (iceberg/location_cache.c): a file's entry is what was put, a
 * new file of the same table is a miss, the bound empties the table, and a
 * zero bound keeps nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include "iceberg/internal.h"

#define V1 "s3://b/ns/t/metadata/00001-a.metadata.json"
#define V2 "s3://b/ns/t/metadata/00002-b.metadata.json"

static void
test_per_file (void **state)
{
  (void) state;
  IceLocationCache *c = ice_location_cache_new (16);
  assert_null (ice_location_cache_get (c, V1));
  ice_location_cache_put (c, V1, "s3://b/ns/t");
  g_autofree char *got = ice_location_cache_get (c, V1);
  assert_string_equal (got, "s3://b/ns/t");
  /* a commit writes a new file: not known until it is read */
  assert_null (ice_location_cache_get (c, V2));
  ice_location_cache_put (c, V2, "s3://b/elsewhere/t");
  g_autofree char *moved = ice_location_cache_get (c, V2);
  assert_string_equal (moved, "s3://b/elsewhere/t");
  assert_null (ice_location_cache_get (c, NULL));
  ice_location_cache_free (c);
}

static void
test_bounded (void **state)
{
  (void) state;
  IceLocationCache *c = ice_location_cache_new (2);
  ice_location_cache_put (c, "f1", "l1");
  ice_location_cache_put (c, "f2", "l2");
  ice_location_cache_put (c, "f3", "l3");     /* full: emptied first */
  assert_null (ice_location_cache_get (c, "f1"));
  g_autofree char *l3 = ice_location_cache_get (c, "f3");
  assert_string_equal (l3, "l3");
  ice_location_cache_free (c);
  IceLocationCache *none = ice_location_cache_new (0);
  ice_location_cache_put (none, "f1", "l1");
  assert_null (ice_location_cache_get (none, "f1"));
  ice_location_cache_free (none);
  ice_location_cache_free (NULL);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_per_file),
    cmocka_unit_test (test_bounded),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
