/* test_locks.c: the pure parts of HMS locks: array parameters, partition
 * name normalisation, the lock exceptions and the locks.timeout key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include "core/config.h"
#include "store/pg.h"
#include "hms/internal.h"
#include "method_fail.h"
#include <thrift/c_glib/thrift_application_exception.h>

static void
test_array_literal (void **state)
{
  (void) state;
  g_autofree char *empty = ms_pg_array_literal (NULL, 0);
  assert_string_equal (empty, "{}");
  const char *items[] = { "db", NULL, "a,b{c}", "say \"hi\"", "back\\slash", "" };
  g_autofree char *a = ms_pg_array_literal (items, G_N_ELEMENTS (items));
  assert_string_equal (a, "{\"db\",NULL,\"a,b{c}\",\"say \\\"hi\\\"\",\"back\\\\slash\",\"\"}");
}

static void
test_part_name (void **state)
{
  (void) state;
  assert_null (hms_lock_part_name (NULL));
  assert_null (hms_lock_part_name (""));
  g_autofree char *a = hms_lock_part_name ("Year=2024/Month=Jan");
  assert_string_equal (a, "year=2024/month=Jan");
  g_autofree char *b = hms_lock_part_name ("K=a=B");
  assert_string_equal (b, "k=a=B");
  g_autofree char *c = hms_lock_part_name ("NoValue");
  assert_string_equal (c, "novalue");
  g_autofree char *d = hms_lock_part_name ("p=1");
  assert_string_equal (d, "p=1");
}

static char *
message_of (gpointer exc)
{
  char *msg = NULL;
  g_object_get (exc, "message", &msg, NULL);
  return msg;
}

static void
test_lock_exceptions (void **state)
{
  (void) state;
  /* check_lock declares NoSuchTxn, TxnAborted, NoSuchLock */
  gboolean declared;
  g_autoptr (GObject) r1 = fail_method ("check_lock", MS_ERROR_NO_SUCH_LOCK,
                                        "No such lock lockid:7", &declared);
  ThmsNoSuchTxnException *nst = exception_in (r1, "o1");
  ThmsTxnAbortedException *abt = exception_in (r1, "o2");
  ThmsNoSuchLockException *nsl = exception_in (r1, "o3");
  assert_null (nst);
  assert_null (abt);
  assert_non_null (nsl);
  g_autofree char *m1 = message_of (nsl);
  assert_string_equal (m1, "No such lock lockid:7");
  g_clear_object (&nsl);

  g_autoptr (GObject) r2 = fail_method ("check_lock", MS_ERROR_NO_SUCH_TXN,
                                        "No such transaction txnid:5", &declared);
  nst = exception_in (r2, "o1");
  nsl = exception_in (r2, "o3");
  assert_non_null (nst);
  assert_null (nsl);
  g_clear_object (&nst);

  /* unlock declares NoSuchLock, TxnOpen */
  g_autoptr (GObject) r3 = fail_method ("unlock", MS_ERROR_TXN_OPEN, "Unlocking locks ...",
                                        &declared);
  ThmsTxnOpenException *open = exception_in (r3, "o2");
  nsl = exception_in (r3, "o1");
  assert_non_null (open);
  assert_null (nsl);
  g_clear_object (&open);

  /* lock declares neither MetaException nor anything for bad input or a
   * database failure: TApplicationException, as Hive answers there */
  const int codes[] = { MS_ERROR_INVALID_INPUT, MS_ERROR_UNAVAILABLE, MS_ERROR_NO_SUCH_LOCK };
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr (GObject) r = fail_method ("lock", codes[i], "x", &declared);
      nst = exception_in (r, "o1");
      abt = exception_in (r, "o2");
      assert_null (nst);
      assert_null (abt);
      assert_false (declared);
    }
  assert_string_equal (ms_error_code_name (MS_ERROR_NO_SUCH_LOCK), "NO_SUCH_LOCK");
  assert_string_equal (ms_error_code_name (MS_ERROR_NO_SUCH_TXN), "NO_SUCH_TXN");
  assert_string_equal (ms_error_code_name (MS_ERROR_TXN_OPEN), "TXN_OPEN");
}

static void
test_timeout_key (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  assert_int_equal (c->locks_timeout_s, 300);
  char *env[] = { "METASTORE_LOCKS_TIMEOUT=7", NULL };
  assert_true (ms_config_load_env (c, env, NULL));
  assert_int_equal (c->locks_timeout_s, 7);
  g_autoptr (GError) err = NULL;
  assert_false (ms_config_set (c, "locks", "timeout", "0", "flag", &err));
  assert_int_equal (c->locks_timeout_s, 7);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_array_literal),
    cmocka_unit_test (test_part_name),
    cmocka_unit_test (test_lock_exceptions),
    cmocka_unit_test (test_timeout_key),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
