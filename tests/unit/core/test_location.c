/* test_location.c: client locations in the Java metastore's stored form
 * (Hadoop Path + Warehouse.getDnsPath), core/location.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include "core/location.h"

static void
check (const char *in, const char *default_fs, const char *want)
{
  g_autofree char *got = ms_location_qualify (in, default_fs);
  if (want == NULL)
    assert_null (got);
  else
    assert_string_equal (got, want);
  /* what is stored qualifies to itself */
  if (want != NULL)
    {
      g_autofree char *again = ms_location_qualify (got, default_fs);
      assert_string_equal (again, got);
    }
}

static void
test_no_scheme_takes_the_default_fs (void **state)
{
  (void) state;
  check ("/tmp/x", NULL, "file:/tmp/x");
  check ("/tmp/x", "file:///", "file:/tmp/x");
  check ("/tmp/x/", NULL, "file:/tmp/x");
  check ("/", NULL, "file:/");
  check ("/tmp/x", "s3a://lake", "s3a://lake/tmp/x");
  check ("/tmp/x", "s3a://lake/", "s3a://lake/tmp/x");
  check ("/tmp/x", "hdfs://nn:8020", "hdfs://nn:8020/tmp/x");
}

static void
test_local_locations_lose_the_empty_authority (void **state)
{
  (void) state;
  check ("file:///tmp/x", NULL, "file:/tmp/x");
  check ("file:/tmp/x", NULL, "file:/tmp/x");
  check ("file://localhost/tmp/x", NULL, "file:/tmp/x");
  check ("file:///tmp/x", "s3a://lake", "file:/tmp/x");
  check ("file://", NULL, "file:/");
  check ("FILE:///tmp/x", NULL, "file:/tmp/x");
}

static void
test_path_normalisation (void **state)
{
  (void) state;
  /* Path(String) replaces "//" by "/" in one pass; a qualified location
   * goes through a second Path, an object-store one kept as it is does not */
  check ("/tmp//a///b/", NULL, "file:/tmp/a/b");
  {
    g_autofree char *once = ms_location_qualify ("s3a://b/a///b", NULL);
    assert_string_equal (once, "s3a://b/a//b");
  }
  check ("s3a://bucket/db.db/", NULL, "s3a://bucket/db.db");
  check ("s3a://bucket//a//b", NULL, "s3a://bucket/a/b");
  check ("/a/./b/../c", NULL, "file:/a/c");
  check ("/a/b/..", NULL, "file:/a");
  check ("/../a", NULL, "file:/../a");
  /* literal characters: no percent-decoding, no quoting */
  check ("/w/k=50%25 x/\xc3\xa9#h", NULL, "file:/w/k=50%25 x/\xc3\xa9#h");
  check ("s3a://b/p=a%2Fb", NULL, "s3a://b/p=a%2Fb");
}

static void
test_object_stores_and_other_schemes (void **state)
{
  (void) state;
  check ("s3a://bucket", NULL, "s3a://bucket");
  check ("s3://bucket/x", NULL, "s3://bucket/x");
  check ("S3A://Bucket/X", NULL, "S3A://Bucket/X");
  check ("s3n://b/x", "s3a://lake", "s3n://b/x");
  /* the default's scheme without an authority takes the default's */
  check ("s3a:/x", "s3a://lake", "s3a://lake/x");
  check ("s3a://other/x", "s3a://lake", "s3a://other/x");
  check ("hdfs://nn:8020/x/", NULL, "hdfs://nn:8020/x");
  check ("hdfs:/x", "hdfs://nn:8020", "hdfs://nn:8020/x");
  check ("gs://b/x", NULL, "gs://b/x");
}

static void
test_left_alone (void **state)
{
  (void) state;
  g_autofree char *n = ms_location_qualify (NULL, NULL);
  assert_null (n);
  check ("", NULL, "");
  check ("relative/dir", NULL, "relative/dir");
  check ("s3a:relative", NULL, "s3a:relative");
  check (":/x", NULL, ":/x");
  /* an unusable default falls back to file:/// */
  check ("/tmp/x", "nonsense", "file:/tmp/x");

  char *loc = g_strdup ("/data/t");
  ms_location_qualify_in_place (&loc, NULL);
  assert_string_equal (loc, "file:/data/t");
  g_free (loc);
  char *none = NULL;
  ms_location_qualify_in_place (&none, NULL);
  assert_null (none);
}

static void
test_default_fs_validation (void **state)
{
  (void) state;
  assert_true (ms_location_valid_default_fs ("file:///"));
  assert_true (ms_location_valid_default_fs ("s3a://bucket"));
  assert_true (ms_location_valid_default_fs ("hdfs://nn:8020/"));
  assert_false (ms_location_valid_default_fs ("/tmp"));
  assert_false (ms_location_valid_default_fs ("bucket"));
  assert_false (ms_location_valid_default_fs (""));
  assert_false (ms_location_valid_default_fs (NULL));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_no_scheme_takes_the_default_fs),
    cmocka_unit_test (test_local_locations_lose_the_empty_authority),
    cmocka_unit_test (test_path_normalisation),
    cmocka_unit_test (test_object_stores_and_other_schemes),
    cmocka_unit_test (test_left_alone),
    cmocka_unit_test (test_default_fs_validation),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
