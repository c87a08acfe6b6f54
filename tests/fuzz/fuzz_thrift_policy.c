/*
 * fuzz_thrift_policy.c: libFuzzer target for the Thrift door's rule parser
 * and decision (auth/thrift_policy.c). The input is the rule text, then
 * after the first NUL byte an identity "address\nuser\ncert name\ndatabase"
 * (missing lines: NULL). Parsed rules decide every call class for that
 * identity, on an ordinary and on a read-only listener. Invariants (abort
 * otherwise): a parse fails only with MS_ERROR_INVALID_INPUT and a message
 * naming thrift.auth; open calls are always allowed; a read-only listener
 * never allows a write or an admin call; anything allowed to write is
 * allowed to read the same database; a refusal is MS_ERROR_NOT_ALLOWED and
 * names the method. Must never crash, leak or warn.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/thrift_policy.h"
#include "core/error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check (gboolean ok, const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "invariant broken: %s\n", what);
      abort ();
    }
}

static gboolean
decide (const MsThriftPolicy *p, const MsThriftIdentity *id, MsCallClass cls, const char *db,
        gboolean read_only)
{
  const char *dbs[] = { db, NULL };
  MsThriftRequest rq = { "fuzz_call", cls, dbs, NULL, read_only };
  g_autoptr (GError) err = NULL;
  gboolean ok = ms_thrift_policy_check (p, id, &rq, &err);
  check (ok == (err == NULL), "a result and its error agree");
  if (!ok)
    check (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED)
           && g_str_has_prefix (err->message, "fuzz_call refused: "), "refusals name the call");
  return ok;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > 65536)
    return 0;
  g_autofree char *text = g_strndup ((const char *) data, size);
  const char *nul = memchr (data, 0, size);
  g_autofree char *rest = nul ? g_strndup (nul + 1, size - (gsize) (nul + 1 - (const char *) data))
                              : g_strdup ("127.0.0.1\nuser\nname.example.com\ndb");
  g_auto (GStrv) lines = g_strsplit (rest, "\n", 4);
  guint n = g_strv_length (lines);
  const char *names[] = { n > 2 ? lines[2] : NULL, NULL };
  MsThriftIdentity id = { n > 0 ? lines[0] : NULL, names[0] ? names : NULL, n > 1 ? lines[1] : NULL };
  const char *db = n > 3 ? lines[3] : NULL;

  g_autoptr (GError) err = NULL;
  g_autoptr (MsThriftPolicy) p = ms_thrift_policy_parse (text, "none", &err);
  if (p == NULL)
    {
      check (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_INPUT)
             && g_str_has_prefix (err->message, "thrift.auth."), "parse errors name the key");
      return 0;
    }
  for (int ro = 0; ro <= 1; ro++)
    {
      check (decide (p, &id, MS_CALL_OPEN, db, ro), "open calls are open");
      gboolean w = decide (p, &id, MS_CALL_WRITE, db, ro);
      gboolean a = decide (p, &id, MS_CALL_ADMIN, NULL, ro);
      gboolean r = decide (p, &id, MS_CALL_READ, db, ro);
      check (!ro || (!w && !a), "a read-only listener serves reads only");
      check (!w || r, "write includes read");
      check (!a || (w && r), "admin includes everything");
    }
  return 0;
}
