/* test_follow_rules.c: the pieces of `import --follow` that need no
 * database (import/follow_rules.c): which object an event changes, the
 * gap check, runs of events on one object, the progress line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include "import/follow.h"

static void
test_actions (void **state)
{
  (void) state;
  static const struct {
    const char *type;
    gboolean db, table;
    MsFollowAction want;
  } cases[] = {
    { "CREATE_DATABASE", TRUE, FALSE, MS_FOLLOW_DATABASE },
    { "DROP_DATABASE", TRUE, FALSE, MS_FOLLOW_DATABASE },
    { "CREATE_TABLE", TRUE, TRUE, MS_FOLLOW_TABLE },
    { "ALTER_TABLE", TRUE, TRUE, MS_FOLLOW_TABLE_SWEEP },
    { "ADD_PARTITION", TRUE, TRUE, MS_FOLLOW_TABLE },
    { "DROP_PARTITION", TRUE, TRUE, MS_FOLLOW_TABLE },
    { "UPDATE_PARTITION_COLUMN_STAT", TRUE, TRUE, MS_FOLLOW_TABLE },
    { "DELETE_TABLE_COLUMN_STAT", TRUE, TRUE, MS_FOLLOW_TABLE },
    { "ADD_FOREIGNKEY", TRUE, TRUE, MS_FOLLOW_TABLE },
    { "DROP_CONSTRAINT", TRUE, TRUE, MS_FOLLOW_TABLE },
    { "CREATE_FUNCTION", TRUE, FALSE, MS_FOLLOW_FUNCTIONS },
    { "DROP_FUNCTION", TRUE, FALSE, MS_FOLLOW_FUNCTIONS },
    { "INSERT", TRUE, TRUE, MS_FOLLOW_NOTHING },
    { "COMMIT_TXN", FALSE, FALSE, MS_FOLLOW_NOTHING },
    /* a table event without a table name: its database at most */
    { "ADD_PARTITION", TRUE, FALSE, MS_FOLLOW_DATABASE },
    { "CREATE_TABLE", FALSE, FALSE, MS_FOLLOW_NOTHING },
    { "CREATE_FUNCTION", FALSE, FALSE, MS_FOLLOW_NOTHING },
    /* unknown types: the narrowest object named */
    { "SOMETHING_NEW", TRUE, TRUE, MS_FOLLOW_TABLE },
    { "SOMETHING_NEW", TRUE, FALSE, MS_FOLLOW_DATABASE },
    { "SOMETHING_NEW", FALSE, FALSE, MS_FOLLOW_NOTHING },
    { NULL, FALSE, FALSE, MS_FOLLOW_NOTHING },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_int_equal (ms_follow_action (cases[i].type, cases[i].db, cases[i].table),
                      cases[i].want);
  assert_string_equal (ms_follow_action_name (MS_FOLLOW_FUNCTIONS), "functions");
}

static void
test_gap (void **state)
{
  (void) state;
  assert_false (ms_follow_gap (10, 10, 1));     /* the next event is there */
  assert_false (ms_follow_gap (10, 10, 10));
  assert_false (ms_follow_gap (10, 12, 3));     /* ids skipped, nothing cleaned */
  assert_true (ms_follow_gap (10, 15, 15));     /* 10..14 cleaned by the TTL */
  assert_true (ms_follow_gap (10, 15, 0));      /* all cleaned: the log is empty */
  assert_false (ms_follow_gap (10, 10, 0));     /* empty and nothing new */
}

static void
test_runs (void **state)
{
  (void) state;
  MsHiveEvent a = { 1, 0, "ADD_PARTITION", "hive", "db", "t" };
  MsHiveEvent b = { 2, 0, "ALTER_PARTITION", "hive", "db", "t" };
  MsHiveEvent c = { 3, 0, "ADD_PARTITION", "hive", "db", "u" };
  MsHiveEvent d = { 4, 0, "CREATE_FUNCTION", "hive", "db", NULL };
  MsHiveEvent e = { 5, 0, "DROP_FUNCTION", "hive", "db", NULL };
  assert_true (ms_follow_same (MS_FOLLOW_TABLE, &a, MS_FOLLOW_TABLE, &b));
  assert_false (ms_follow_same (MS_FOLLOW_TABLE, &b, MS_FOLLOW_TABLE, &c));
  assert_false (ms_follow_same (MS_FOLLOW_TABLE, &a, MS_FOLLOW_TABLE_SWEEP, &b));
  assert_true (ms_follow_same (MS_FOLLOW_FUNCTIONS, &d, MS_FOLLOW_FUNCTIONS, &e));
  assert_true (ms_follow_same (MS_FOLLOW_NOTHING, &a, MS_FOLLOW_NOTHING, &d));
}

static void
test_progress (void **state)
{
  (void) state;
  g_autofree char *busy = ms_follow_progress_line (12, 40, 45, 3);
  assert_string_equal (busy, "follow: 12 events applied, next event 40, lag 5 events, 3 s");
  g_autofree char *idle = ms_follow_progress_line (12, 45, 45, 9);
  assert_string_equal (idle, "follow: 12 events applied, next event 45, lag 0 events, 0 s");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_actions),
    cmocka_unit_test (test_gap),
    cmocka_unit_test (test_runs),
    cmocka_unit_test (test_progress),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
