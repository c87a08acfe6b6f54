/*
 * test_key_table.c: the per-key record table (core/key_table.c): zeroed
 * records, removal, and what a full table drops first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/key_table.h"

typedef struct {
  gint64 rank;
} Rec;

static gint64
rec_rank (gconstpointer record, gpointer data)
{
  (void) data;
  return ((const Rec *) record)->rank;
}

static void
set_rank (MsKeyTable *t, const char *key, gint64 rank)
{
  gboolean created = FALSE;
  Rec *r = ms_key_table_lock (t, key, TRUE, NULL, &created);
  assert_true (created);
  assert_int_equal (r->rank, 0);             /* made zeroed */
  r->rank = rank;
  ms_key_table_unlock (t);
}

static gboolean
held (MsKeyTable *t, const char *key)
{
  gboolean found = ms_key_table_lock (t, key, FALSE, NULL, NULL) != NULL;
  ms_key_table_unlock (t);
  return found;
}

static void
test_records (void **state)
{
  (void) state;
  g_autoptr (MsKeyTable) t = ms_key_table_new (sizeof (guint), 0, NULL, NULL, 0);
  assert_false (held (t, "a"));
  gboolean created = FALSE;
  guint *n = ms_key_table_lock (t, "a", TRUE, NULL, &created);
  assert_true (created);
  (*n)++;
  ms_key_table_unlock (t);
  n = ms_key_table_lock (t, "a", TRUE, NULL, &created);
  assert_false (created);
  assert_int_equal (*n, 1);
  ms_key_table_remove_locked (t, "a");
  ms_key_table_unlock (t);
  assert_int_equal (ms_key_table_size (t), 0);
  n = ms_key_table_lock (t, "b", TRUE, NULL, &created);   /* a guint record, as sized */
  assert_true (created);
  ms_key_table_unlock (t);
  ms_key_table_remove (t, "b");
  assert_false (held (t, "b"));
}

static void
test_settings_are_copied (void **state)
{
  (void) state;
  gint64 limits[] = { 3, 60 };
  g_autoptr (MsKeyTable) t = ms_key_table_new (1, 0, NULL, limits, sizeof limits);
  limits[0] = 0;
  const gint64 *kept = ms_key_table_settings (t);
  assert_int_equal (kept[0], 3);
  assert_int_equal (kept[1], 60);
}

static void
test_full_table_drops_ended_then_lowest (void **state)
{
  (void) state;
  g_autoptr (MsKeyTable) t = ms_key_table_new (sizeof (Rec), 3, rec_rank, NULL, 0);
  set_rank (t, "old", 5);
  set_rank (t, "ended", -1);
  set_rank (t, "new", 9);
  set_rank (t, "x", 7);                      /* full: the ended one goes */
  assert_false (held (t, "ended"));
  assert_int_equal (ms_key_table_size (t), 3);
  set_rank (t, "y", 8);                      /* none ended: the lowest goes */
  assert_false (held (t, "old"));
  assert_true (held (t, "new") && held (t, "x") && held (t, "y"));
  assert_int_equal (ms_key_table_size (t), 3);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_records),
    cmocka_unit_test (test_full_table_drops_ended_then_lowest),
    cmocka_unit_test (test_settings_are_copied),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
