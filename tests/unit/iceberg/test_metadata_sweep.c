/* test_metadata_sweep.c: which files of a table's metadata directory the
 * sweep may remove, by name and time (ice_metadata_orphan_names,
 * iceberg/metadata_sweep.c): never the current file or one in its log,
 * never older versions than the log holds, never young files, never names
 * that are not Iceberg metadata file names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "iceberg/internal.h"

#define NOW 1000000
#define HOUR 3600
#define U1 "0b7d2a4e-6f0c-4d7e-9a51-2c3b4d5e6f70"
#define U2 "1c8e3b5f-7a1d-4e8f-8b62-3d4c5e6f7081"
#define U3 "2d9f4c6a-8b2e-4f9a-9c73-4e5d6f708192"
#define U4 "3eaf5d7b-9c3f-4a0b-8d84-5f6e708192a3"

static GPtrArray *
files (const char *first, ...)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (ms_storage_file_free);
  va_list ap;
  va_start (ap, first);
  for (const char *name = first; name != NULL; name = va_arg (ap, const char *))
    {
      gint64 age = va_arg (ap, gint64);
      MsStorageFile *f = g_new (MsStorageFile, 1);
      f->name = g_strdup (name);
      f->modified = age < 0 ? -1 : NOW - age;
      g_ptr_array_add (a, f);
    }
  va_end (ap);
  return a;
}

static JsonArray *
log_of (const char *first, ...)
{
  JsonArray *log = json_array_new ();
  va_list ap;
  va_start (ap, first);
  for (const char *file = first; file != NULL; file = va_arg (ap, const char *))
    {
      JsonObject *e = json_object_new ();
      json_object_set_int_member (e, "timestamp-ms", 1);
      json_object_set_string_member (e, "metadata-file", file);
      json_array_add_object_element (log, e);
    }
  va_end (ap);
  return log;
}

static gboolean
has (GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (strcmp (g_ptr_array_index (names, i), name) == 0)
      return TRUE;
  return FALSE;
}

static void
test_never_current_files_in_range_go (void **state)
{
  (void) state;
  const char *dir = "s3://b/t/metadata/";
  g_autofree char *current = g_strconcat (dir, "00003-" U3 ".metadata.json", NULL);
  g_autofree char *logged = g_strconcat ("s3a://b/t/metadata/", "00002-" U2 ".metadata.json", NULL);
  g_autoptr (JsonArray) log = log_of (logged, NULL);
  g_autoptr (GPtrArray) f = files ("00003-" U3 ".metadata.json", (gint64) 2 * HOUR,
                                   "00002-" U2 ".metadata.json", (gint64) 2 * HOUR,
                                   "00003-" U1 ".metadata.json", (gint64) 2 * HOUR,
                                   "00004-" U4 ".gz.metadata.json", (gint64) 2 * HOUR,
                                   "00002-" U1 ".metadata.json.gz", (gint64) 2 * HOUR,
                                   "00001-" U1 ".metadata.json", (gint64) 2 * HOUR,
                                   "00004-" U1 ".metadata.json", (gint64) 60,
                                   "00005-" U2 ".metadata.json", (gint64) -1,
                                   "snap-1-1-" U1 ".avro", (gint64) 2 * HOUR,
                                   "00004-" U2 ".metadata.json.tmp-AbC123", (gint64) 2 * HOUR,
                                   "00004-notauuid.metadata.json", (gint64) 2 * HOUR,
                                   "v4.metadata.json", (gint64) 2 * HOUR,
                                   NULL);
  g_autoptr (GPtrArray) got = ice_metadata_orphan_names (current, log, f, NOW, HOUR);
  /* current and logged (matched by name, whatever the scheme) stay; never
   * current files of version 2..: go; version 1 (older than the log) stays;
   * young files and files of unknown age stay; other names stay */
  assert_int_equal (got->len, 3);
  assert_true (has (got, "00003-" U1 ".metadata.json"));
  assert_true (has (got, "00004-" U4 ".gz.metadata.json"));
  assert_true (has (got, "00002-" U1 ".metadata.json.gz"));
}

static void
test_empty_log_keeps_older_versions (void **state)
{
  (void) state;
  /* previous-versions-max let every older file go: only versions at or
   * above the current one are candidates */
  const char *current = "file:/w/t/metadata/00007-" U3 ".metadata.json";
  g_autoptr (GPtrArray) f = files ("00006-" U1 ".metadata.json", (gint64) 2 * HOUR,
                                   "00007-" U2 ".metadata.json", (gint64) 2 * HOUR,
                                   "00008-" U4 ".metadata.json", (gint64) 2 * HOUR, NULL);
  g_autoptr (GPtrArray) got = ice_metadata_orphan_names (current, NULL, f, NOW, HOUR);
  assert_int_equal (got->len, 2);
  assert_true (has (got, "00007-" U2 ".metadata.json"));
  assert_true (has (got, "00008-" U4 ".metadata.json"));
}

static void
test_current_without_version_sweeps_nothing (void **state)
{
  (void) state;
  /* a registered table whose file is named otherwise: no range, nothing */
  g_autoptr (GPtrArray) f = files ("00001-" U1 ".metadata.json", (gint64) 2 * HOUR, NULL);
  g_autoptr (GPtrArray) got = ice_metadata_orphan_names ("file:/w/t/metadata/v1.metadata.json",
                                                         NULL, f, NOW, HOUR);
  assert_int_equal (got->len, 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_never_current_files_in_range_go),
    cmocka_unit_test (test_empty_log_keeps_older_versions),
    cmocka_unit_test (test_current_without_version_sweeps_nothing),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
