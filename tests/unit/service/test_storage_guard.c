/*
 * test_storage_guard.c: the storage guard (service/storage_guard.c) and the
 * data operations both doors go through (service/data.c), on a scratch
 * directory: issue 12, defects 2 and 3 (data deleted, moved, created or read
 * wherever a client's location pointed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "service/data.h"
#include "core/error.h"

typedef struct {
  char *tmp;                   /* scratch root */
  char *wh;                    /* file://<tmp>/wh, the warehouse */
  char *outside;               /* <tmp>/outside, a directory holding a file */
} Dirs;

static char *
path_in (const Dirs *d, const char *rel)
{
  return g_build_filename (d->tmp, rel, NULL);
}

static void
touch (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  assert_int_equal (g_mkdir_with_parents (dir, 0755), 0);
  assert_true (g_file_set_contents (path, "x", 1, NULL));
}

static int
setup (void **state)
{
  Dirs *d = g_new0 (Dirs, 1);
  d->tmp = g_dir_make_tmp ("ms-guard-XXXXXX", NULL);
  d->wh = g_strdup_printf ("file://%s/wh", d->tmp);
  d->outside = path_in (d, "outside");
  g_autofree char *f = g_build_filename (d->outside, "keep.txt", NULL);
  touch (f);
  g_autofree char *w = path_in (d, "wh/db.db/t/part");
  touch (w);
  *state = d;
  return 0;
}

static int
rm_tree (const char *path)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", path);
  return system (cmd);
}

static int
teardown (void **state)
{
  Dirs *d = *state;
  rm_tree (d->tmp);
  g_free (d->tmp);
  g_free (d->wh);
  g_free (d->outside);
  g_free (d);
  return 0;
}

static gboolean
allows (const MsStorageGuard *g, MsAccess a, const char *uri)
{
  g_autoptr (GError) err = NULL;
  gboolean ok = ms_storage_guard_check (g, a, uri, "location", &err);
  assert_true (ok == (err == NULL));
  if (!ok)
    assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED));
  return ok;
}

static void
test_warehouse_only_by_default (void **state)
{
  Dirs *d = *state;
  g_autoptr (MsStorageGuard) g = ms_storage_guard_new (d->wh, NULL, NULL);
  assert_non_null (g);
  g_autofree char *table = g_strdup_printf ("%s/db.db/t", d->wh);
  g_autofree char *table_path = path_in (d, "wh/db.db/t");
  g_autofree char *out_uri = g_strdup_printf ("file://%s", d->outside);
  for (MsAccess a = MS_ACCESS_READ; a <= MS_ACCESS_REMOVE; a++)
    {
      assert_true (allows (g, a, table));
      assert_true (allows (g, a, table_path));                         /* plain path */
      g_autofree char *hadoop = g_strdup_printf ("file:%s", table_path); /* file:/p */
      assert_true (allows (g, a, hadoop));
      assert_false (allows (g, a, out_uri));
      assert_false (allows (g, a, "file:///etc/passwd"));
      assert_false (allows (g, a, "/etc"));
      assert_false (allows (g, a, "s3://bucket/wh/t"));
      assert_false (allows (g, a, NULL));
      assert_false (allows (g, a, ""));
      assert_false (allows (g, a, "relative/dir"));
      /* climbing out, or in and out again */
      g_autofree char *climb = g_strdup_printf ("%s/../outside", d->wh);
      assert_false (allows (g, a, climb));
      g_autofree char *inout = g_strdup_printf ("%s/db.db/../db.db/t", d->wh);
      assert_false (allows (g, a, inout));
      /* a sibling sharing the name's prefix is not inside */
      g_autofree char *sibling = g_strdup_printf ("%s2/t", d->wh);
      assert_false (allows (g, a, sibling));
    }
}

static void
test_never_remove_roots (void **state)
{
  Dirs *d = *state;
  g_autofree char *other = g_strdup_printf ("file://%s/other", d->tmp);
  g_autofree char *list = g_strdup_printf ("%s, %s", d->wh, other);
  for (int any = 0; any < 2; any++)
    {
      g_autoptr (MsStorageGuard) g = ms_storage_guard_new (d->wh, any ? "*" : list, NULL);
      assert_non_null (g);
      /* the warehouse root and an allowed root may be created and read... */
      assert_true (allows (g, MS_ACCESS_CREATE, d->wh));
      assert_true (allows (g, MS_ACCESS_READ, d->wh));
      /* ...never deleted nor moved, nor anything holding them */
      g_autofree char *with_slash = g_strdup_printf ("%s/", d->wh);
      g_autofree char *tmp_uri = g_strdup_printf ("file://%s", d->tmp);
      const char *never[] = { d->wh, with_slash, tmp_uri, "/", "file:///", "file:/",
                              "s3://bucket", "s3://bucket/", NULL };
      for (const char **n = never; *n; n++)
        if (allows (g, MS_ACCESS_REMOVE, *n))
          fail_msg ("removing %s allowed (any=%d)", *n, any);
      if (!any)
        assert_false (allows (g, MS_ACCESS_REMOVE, other));
      g_autofree char *inside = g_strdup_printf ("%s/db.db", d->wh);
      assert_true (allows (g, MS_ACCESS_REMOVE, inside));
    }
}

static void
test_allowed_list_and_any (void **state)
{
  Dirs *d = *state;
  g_autofree char *list = g_strdup_printf (" %s , s3a://bucket/data/ ,", d->wh);
  g_autoptr (MsStorageGuard) g = ms_storage_guard_new (d->wh, list, NULL);
  assert_non_null (g);
  /* s3a:// and s3n:// name s3:// objects */
  assert_true (allows (g, MS_ACCESS_REMOVE, "s3://bucket/data/t"));
  assert_true (allows (g, MS_ACCESS_REMOVE, "s3n://bucket/data/t/x"));
  assert_false (allows (g, MS_ACCESS_REMOVE, "s3://bucket/data"));
  assert_false (allows (g, MS_ACCESS_READ, "s3://bucket/database/t"));
  assert_false (allows (g, MS_ACCESS_READ, "s3://bucket/data/../secret"));
  assert_false (allows (g, MS_ACCESS_READ, "s3://other/data/t"));
  g_autofree char *desc = ms_storage_guard_describe (g);
  assert_non_null (strstr (desc, "s3a://bucket/data/"));

  g_autoptr (MsStorageGuard) any = ms_storage_guard_new (d->wh, "*", NULL);
  g_autofree char *out_uri = g_strdup_printf ("file://%s", d->outside);
  assert_true (allows (any, MS_ACCESS_REMOVE, out_uri));
  assert_true (allows (any, MS_ACCESS_READ, "/etc/hostname"));

  /* entries that are no absolute location are a configuration error */
  const char *bad[] = { "relative/dir", "file:///a/../b", "s3://b/./k", "data", NULL };
  for (const char **b = bad; *b; b++)
    {
      g_autoptr (GError) err = NULL;
      g_assert_null (ms_storage_guard_new (d->wh, *b, &err));
      assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_INPUT));
      assert_non_null (strstr (err->message, "storage.allowed_locations"));
    }
  /* no guard: nothing */
  assert_false (allows (NULL, MS_ACCESS_READ, d->wh));
}

/* A symbolic link inside the warehouse that points out of it leads out. */
static void
test_symlink_out_of_the_warehouse (void **state)
{
  Dirs *d = *state;
  g_autoptr (MsStorageGuard) g = ms_storage_guard_new (d->wh, NULL, NULL);
  g_autofree char *link = path_in (d, "wh/db.db/escape");
  assert_int_equal (symlink (d->outside, link), 0);
  g_autofree char *via = g_strdup_printf ("%s/db.db/escape", d->wh);
  g_autofree char *below = g_strdup_printf ("%s/db.db/escape/keep.txt", d->wh);
  g_autofree char *missing = g_strdup_printf ("%s/db.db/escape/new/dir", d->wh);
  assert_false (allows (g, MS_ACCESS_REMOVE, via));
  assert_false (allows (g, MS_ACCESS_READ, below));
  assert_false (allows (g, MS_ACCESS_CREATE, missing));
  /* and a warehouse reached through a link is the same warehouse */
  g_autofree char *wh_link = path_in (d, "whlink");
  g_autofree char *wh_path = path_in (d, "wh");
  assert_int_equal (symlink (wh_path, wh_link), 0);
  g_autofree char *linked = g_strdup_printf ("file://%s", wh_link);
  g_autoptr (MsStorageGuard) g2 = ms_storage_guard_new (linked, NULL, NULL);
  g_autofree char *t = g_strdup_printf ("%s/db.db/t", d->wh);
  assert_true (allows (g2, MS_ACCESS_REMOVE, t));
  assert_false (allows (g2, MS_ACCESS_REMOVE, d->wh));
}

/* Deleting, moving, creating and reading data: nothing happens outside
 * the allowed locations, the caller goes on. */
static void
test_data_operations (void **state)
{
  Dirs *d = *state;
  g_autoptr (MsStorageGuard) g = ms_storage_guard_new (d->wh, NULL, NULL);
  g_autofree char *out_uri = g_strdup_printf ("file://%s", d->outside);
  g_autofree char *keep_file = g_build_filename (d->outside, "keep.txt", NULL);

  /* delete: outside refused, the data stays */
  assert_false (ms_service_data_delete (g, NULL, out_uri, NULL, "table"));
  assert_true (g_file_test (keep_file, G_FILE_TEST_EXISTS));
  assert_false (ms_service_data_delete (g, NULL, d->wh, NULL, "table"));
  g_autofree char *part = path_in (d, "wh/db.db/t/part");
  assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  /* the catalog root kept: given in normal form, taken once by a caller
   * that deletes many locations (its link followed like the location's) */
  g_autofree char *db = g_strdup_printf ("%s/db.db", d->wh);
  g_autofree char *db_key = ms_storage_guard_key (db);
  assert_false (ms_service_data_delete (g, NULL, db, db_key, "database"));
  assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  g_autofree char *db_uri = g_strdup_printf ("file://%s/db.db/", d->wh);
  assert_false (ms_service_data_delete (g, NULL, db_uri, db_key, "database"));
  assert_true (g_file_test (part, G_FILE_TEST_EXISTS));

  /* mkdirs: outside nothing is made, and that is no error; the caller
   * learns it was refused (and need not ask the guard again) */
  MsDirOutcome made = MS_DIR_MADE;
  g_autofree char *newdir = path_in (d, "outside/new");
  g_autoptr (GError) err = NULL;
  assert_true (ms_service_data_mkdirs (g, NULL, newdir, "table", &made, &err));
  assert_int_equal (made, MS_DIR_REFUSED);
  assert_false (g_file_test (newdir, G_FILE_TEST_EXISTS));
  g_autofree char *inside = g_strdup_printf ("%s/db.db/u", d->wh);
  assert_true (ms_service_data_mkdirs (g, NULL, inside, "table", &made, &err));
  assert_int_equal (made, MS_DIR_MADE);
  assert_true (ms_service_data_mkdirs (g, NULL, inside, "table", &made, &err));
  assert_int_equal (made, MS_DIR_THERE);

  /* move: either end outside refused, nothing moves */
  g_autofree char *t = g_strdup_printf ("%s/db.db/t", d->wh);
  g_autofree char *out_t = g_strdup_printf ("%s/t", out_uri);
  assert_false (ms_service_data_may_move (g, t, out_t, "table"));
  assert_false (ms_service_data_move (g, NULL, t, out_t, "table", &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED));
  g_clear_error (&err);
  assert_false (ms_service_data_move (g, NULL, out_uri, inside, "table", &err));
  g_clear_error (&err);
  assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  assert_true (g_file_test (keep_file, G_FILE_TEST_EXISTS));
  g_autofree char *t2 = g_strdup_printf ("%s/db2.db/t2", d->wh);
  assert_true (ms_service_data_may_move (g, t, t2, "table"));
  assert_true (ms_service_data_move (g, NULL, t, t2, "table", &err));
  g_autofree char *moved = path_in (d, "wh/db2.db/t2/part");
  assert_true (g_file_test (moved, G_FILE_TEST_EXISTS));

  /* quick stats and file reads only inside */
  gint64 files = -1, bytes = -1;
  g_autoptr (MsStorage) st = ms_storage_new (NULL);
  assert_false (ms_service_data_stats (g, st, out_uri, &files, &bytes));
  assert_int_equal (files, 0);
  assert_true (ms_service_data_stats (g, st, t2, &files, &bytes));
  assert_int_equal (files, 1);
  g_autoptr (GBytes) secret = ms_service_file_get (g, st, "file:///etc/passwd", "metadata file",
                                                   &err);
  assert_null (secret);
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED));
  g_clear_error (&err);
  g_autofree char *md = g_strdup_printf ("%s/db2.db/t2/metadata/00000-x.metadata.json", d->wh);
  assert_true (ms_service_file_put (g, st, md, "{}", 2, "metadata file", &err));
  g_autoptr (GBytes) back = ms_service_file_get (g, st, md, "metadata file", &err);
  assert_non_null (back);
  g_autofree char *out_md = g_strdup_printf ("%s/x.metadata.json", out_uri);
  assert_false (ms_service_file_put (g, st, out_md, "{}", 2, "metadata file", &err));
  g_clear_error (&err);
  g_autofree char *out_md_path = g_build_filename (d->outside, "x.metadata.json", NULL);
  assert_false (g_file_test (out_md_path, G_FILE_TEST_EXISTS));

  /* purge through an MsStorage: the same rule */
  assert_false (ms_service_data_delete (g, st, out_uri, NULL, "purged table"));
  assert_true (g_file_test (keep_file, G_FILE_TEST_EXISTS));
  assert_true (ms_service_data_delete (g, st, t2, NULL, "purged table"));
  assert_false (g_file_test (moved, G_FILE_TEST_EXISTS));
}

/* The files a CREATE_TABLE / ADD_PARTITION message lists: Hive's encoding,
 * hidden names out, sorted, capped; nothing outside the allowed locations. */
static void
test_event_files (void **state)
{
  Dirs *d = *state;
  g_autoptr (MsStorageGuard) g = ms_storage_guard_new (d->wh, NULL, NULL);
  for (const char *const *n = (const char *const[]) { "b.orc", "a.orc", "_SUCCESS", ".a.crc", NULL };
       *n; n++)
    {
      g_autofree char *f = g_build_filename (d->tmp, "wh", "db.db", "t", *n, NULL);
      touch (f);
    }
  g_autofree char *t = g_strdup_printf ("%s/db.db/t/", d->wh);
  g_autoptr (GPtrArray) got = ms_service_data_event_files (g, NULL, t);
  assert_int_equal (got->len, 3);        /* a.orc, b.orc and setup's "part" */
  g_autofree char *a = g_strdup_printf ("%s/db.db/t/a.orc###", d->wh);
  assert_string_equal (g_ptr_array_index (got, 0), a);
  assert_true (g_str_has_suffix (g_ptr_array_index (got, 2), "/t/part###"));
  g_autofree char *missing = g_strdup_printf ("%s/db.db/none", d->wh);
  g_autoptr (GPtrArray) none = ms_service_data_event_files (g, NULL, missing);
  assert_int_equal (none->len, 0);
  g_autofree char *out = g_strdup_printf ("file://%s", d->outside);
  g_autoptr (GPtrArray) refused = ms_service_data_event_files (g, NULL, out);
  assert_int_equal (refused->len, 0);

  g_autofree char *big = g_build_filename (d->tmp, "wh", "big", NULL);
  for (int i = 0; i <= MS_EVENT_FILES_MAX; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/f%05d", big, i);
      touch (name);
    }
  g_autofree char *big_uri = g_strdup_printf ("%s/big", d->wh);
  g_autoptr (GPtrArray) capped = ms_service_data_event_files (g, NULL, big_uri);
  assert_int_equal (capped->len, MS_EVENT_FILES_MAX);
  assert_true (g_str_has_suffix (g_ptr_array_index (capped, 0), "/big/f00000###"));
}

/* One look at a local directory: Hive's quick stats of the tree (hidden
 * levels skipped) and the files right inside it; a missing one is no
 * failure. The same survey an S3 directory gets from one listing. */
static void
test_survey (void **state)
{
  Dirs *d = *state;
  const char *const names[] = { "a.orc", "_SUCCESS", ".a.crc", "sub/b.orc", "sub/.b.crc",
                                "_tmp/c.orc", "sub/_x/d.orc", NULL };
  for (const char *const *n = names; *n; n++)
    {
      g_autofree char *f = g_build_filename (d->tmp, "wh", "sv", *n, NULL);
      touch (f);
    }
  g_autofree char *uri = g_strdup_printf ("%s/sv", d->wh);
  g_autoptr (MsStorage) st = ms_storage_new (NULL);
  g_auto (MsStorageSurvey) s = { 0 };
  g_autoptr (GError) err = NULL;
  assert_true (ms_storage_dir_survey (st, uri, &s, &err));
  assert_true (s.any);
  assert_int_equal (s.files, 2);                 /* a.orc, sub/b.orc */
  assert_int_equal (s.bytes, 2);
  assert_int_equal (s.direct->len, 3);           /* a.orc, _SUCCESS, .a.crc */
  g_autoptr (GPtrArray) names_out = ms_service_data_event_names (uri, s.direct);
  assert_int_equal (names_out->len, 1);
  g_autofree char *a = g_strdup_printf ("%s/a.orc###", uri);
  assert_string_equal (g_ptr_array_index (names_out, 0), a);

  g_autofree char *missing = g_strdup_printf ("%s/none", d->wh);
  assert_true (ms_storage_dir_survey (st, missing, &s, &err));
  assert_false (s.any);
  assert_int_equal (s.files, 0);
  assert_int_equal (s.direct->len, 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_warehouse_only_by_default, setup, teardown),
    cmocka_unit_test_setup_teardown (test_never_remove_roots, setup, teardown),
    cmocka_unit_test_setup_teardown (test_allowed_list_and_any, setup, teardown),
    cmocka_unit_test_setup_teardown (test_symlink_out_of_the_warehouse, setup, teardown),
    cmocka_unit_test_setup_teardown (test_data_operations, setup, teardown),
    cmocka_unit_test_setup_teardown (test_event_files, setup, teardown),
    cmocka_unit_test_setup_teardown (test_survey, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
