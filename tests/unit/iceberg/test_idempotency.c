/* test_idempotency.c: the form an Idempotency-Key must have
 * (iceberg/idempotency.c): the UUID string form, any case. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include "iceberg/internal.h"

static void
test_key_form (void **state)
{
  (void) state;
  static const char *const good[] = {
    "017F22E2-79B0-7CC3-98C4-DC0C0C07398F",      /* the spec's example (UUIDv7) */
    "017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
    "6ba7b810-9dad-11d1-80b4-00c04fd430c8",      /* another version: same form */
  };
  static const char *const bad[] = {
    "", "not-a-uuid", "017f22e2-79b0-7cc3-98c4-dc0c0c07398",
    "017f22e2-79b0-7cc3-98c4-dc0c0c07398f0", "017f22e279b07cc398c4dc0c0c07398f",
    "017f22e2-79b0-7cc3-98c4+dc0c0c07398f", "017f22e2-79b0-7cc3-98c4-dc0c0c07398g",
    "{17f22e2-79b0-7cc3-98c4-dc0c0c07398f}", " 017f22e2-79b0-7cc3-98c4-dc0c0c07398",
  };
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    assert_true (ice_idem_key_valid (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_false (ice_idem_key_valid (bad[i]));
  assert_false (ice_idem_key_valid (NULL));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_key_form),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
