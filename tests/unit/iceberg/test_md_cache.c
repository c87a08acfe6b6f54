/* test_md_cache.c: parsed metadata kept between commits (iceberg/md_cache.c):
 * take removes, put replaces, the memory bound evicts the oldest, and a
 * zero budget keeps nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "iceberg/internal.h"

static MsIcebergMetadata *
sample (gsize *len)
{
  const char *top = g_getenv ("top_srcdir");
  g_autofree char *path = g_build_filename (top != NULL ? top : ".", "tests/unit/data/iceberg",
                                            "v2.metadata.json", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, len, NULL))
    fail_msg ("cannot read %s", path);
  MsIcebergMetadata *md = ms_iceberg_metadata_parse (text, -1, NULL);
  assert_non_null (md);
  return md;
}

static void
test_take_and_put (void **state)
{
  (void) state;
  IceMdCache *c = ice_md_cache_new (1 << 20);
  gsize len = 0, bytes = 0;
  MsIcebergMetadata *md = sample (&len);
  const char *uuid = ms_iceberg_metadata_uuid (md);
  g_autofree char *want = g_strdup (uuid);
  assert_null (ice_md_cache_take (c, "file:///a", &bytes));
  ice_md_cache_put (c, "file:///a", md, len);
  MsIcebergMetadata *got = ice_md_cache_take (c, "file:///a", &bytes);
  assert_non_null (got);
  assert_int_equal (bytes, len);
  assert_string_equal (ms_iceberg_metadata_uuid (got), want);
  /* taken out: a second taker gets nothing until it is put back */
  assert_null (ice_md_cache_take (c, "file:///a", &bytes));
  ice_md_cache_put (c, "file:///a", got, len);
  MsIcebergMetadata *again = sample (&len);
  ice_md_cache_put (c, "file:///a", again, len);   /* replaces */
  ms_iceberg_metadata_free (ice_md_cache_take (c, "file:///a", &bytes));
  ice_md_cache_free (c);
}

static void
test_oldest_go_first (void **state)
{
  (void) state;
  gsize len = 0;
  ms_iceberg_metadata_free (sample (&len));
  /* room for three trees (one may take at most a quarter of the room) */
  IceMdCache *c = ice_md_cache_new (len * 10 * 4);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *loc = g_strdup_printf ("file:///t/%d", i);
      MsIcebergMetadata *md = sample (&len);
      ice_md_cache_put (c, loc, md, len);
    }
  gsize bytes = 0;
  assert_null (ice_md_cache_take (c, "file:///t/0", &bytes));
  for (int i = 1; i < 5; i++)
    {
      g_autofree char *loc = g_strdup_printf ("file:///t/%d", i);
      MsIcebergMetadata *md = ice_md_cache_take (c, loc, &bytes);
      assert_non_null (md);
      ms_iceberg_metadata_free (md);
    }
  ice_md_cache_free (c);
}

static void
test_zero_budget_keeps_nothing (void **state)
{
  (void) state;
  IceMdCache *c = ice_md_cache_new (0);
  gsize len = 0, bytes = 0;
  MsIcebergMetadata *md = sample (&len);
  ice_md_cache_put (c, "file:///z", md, len);
  assert_null (ice_md_cache_take (c, "file:///z", &bytes));
  ice_md_cache_free (c);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_take_and_put),
    cmocka_unit_test (test_oldest_go_first),
    cmocka_unit_test (test_zero_budget_keeps_nothing),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
