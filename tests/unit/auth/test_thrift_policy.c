/*
 * test_thrift_policy.c: the Thrift door's authorization rules
 * (auth/thrift_policy.c): parsing thrift.auth.rules, and the decision for
 * identities made of an address, certificate names and a set_ugi claim.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "auth/thrift_policy.h"
#include "core/error.h"

static MsThriftPolicy *
parse_ok (const char *rules, const char *def)
{
  g_autoptr (GError) err = NULL;
  MsThriftPolicy *p = ms_thrift_policy_parse (rules, def, &err);
  if (p == NULL)
    fail_msg ("'%s': %s", rules, err->message);
  return p;
}

/* The decision for 'id' making 'method' of 'cls' on 'dbs' (NULL-ended). */
static gboolean
allowed (const MsThriftPolicy *p, const MsThriftIdentity *id, MsCallClass cls,
         const char *catalog, const char *db1, const char *db2)
{
  const char *dbs[] = { db1, db2, NULL };
  const char *cats[] = { catalog, catalog, NULL };
  MsThriftRequest rq = { "call", cls, dbs, cats, FALSE };
  g_autoptr (GError) err = NULL;
  gboolean ok = ms_thrift_policy_check (p, id, &rq, &err);
  assert_true (ok == (err == NULL));
  if (!ok)
    assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED));
  return ok;
}

/* The refusal message, NULL when allowed. */
static char *
refusal (const MsThriftPolicy *p, const MsThriftIdentity *id, const MsThriftRequest *rq)
{
  g_autoptr (GError) err = NULL;
  if (ms_thrift_policy_check (p, id, rq, &err))
    return NULL;
  return g_strdup (err->message);
}

static void
test_parse_errors (void **state)
{
  (void) state;
  static const struct { const char *rules, *why; } bad[] = {
    { "addr:10.0.0.0/8", "a rule is 'MATCHER [& MATCHER...] -> ROLE [DATABASES]'" },
    { "addr:10.0.0.0/33 -> read", "addr: needs an IP address or CIDR range" },
    { "addr:300.1.1.1 -> read", "addr: needs an IP address or CIDR range" },
    { "host:x -> read", "a matcher is addr:CIDR, cert:NAME, ugi:NAME or *" },
    { "ugi: -> read", "cert: and ugi: need a name" },
    { "* -> owner", "the role is none, read, write or admin" },
    { "* -> admin sales", "only read and write take a list of databases" },
    { "* -> none sales", "only read and write take a list of databases" },
    { "* -> write a.b.c", "a database is 'db' or 'catalog.db'" },
    { "* -> write .x", "a database is 'db' or 'catalog.db'" },
    { "* -> read; ugi:a & -> read", "a matcher is addr:CIDR" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) err = NULL;
      g_autoptr (MsThriftPolicy) p = ms_thrift_policy_parse (bad[i].rules, "admin", &err);
      assert_null (p);
      assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_INPUT));
      if (strstr (err->message, bad[i].why) == NULL || !g_str_has_prefix (err->message, "thrift.auth.rules: rule '"))
        fail_msg ("'%s': %s", bad[i].rules, err->message);
    }
  g_autoptr (GError) utf = NULL;
  assert_null (ms_thrift_policy_parse ("ugi:\xea\x67 -> read", "admin", &utf));
  assert_string_equal (utf->message, "thrift.auth.rules: not UTF-8 text");
  g_autoptr (GError) err = NULL;
  assert_null (ms_thrift_policy_parse (NULL, "root", &err));
  assert_string_equal (err->message,
                       "thrift.auth.default: 'root' is not a role (none, read, write or admin)");
}

static void
test_parse_forms (void **state)
{
  (void) state;
  g_autoptr (MsThriftPolicy) none = parse_ok (NULL, "admin");
  assert_true (ms_thrift_policy_allows_all (none));
  assert_true (ms_thrift_policy_allows_all (NULL));
  g_autoptr (MsThriftPolicy) blank = parse_ok (" ; \n # a comment\n", "ADMIN");
  assert_true (ms_thrift_policy_allows_all (blank));
  g_autoptr (MsThriftPolicy) closed = parse_ok (NULL, "read");
  assert_false (ms_thrift_policy_allows_all (closed));
  g_autoptr (MsThriftPolicy) p = parse_ok (
    "addr:10.0.0.0/8 & ugi:etl_* -> write sales, hive.tmp_*,spark.x\n"
    "cert:*.example.com->read;addr:::1/128 -> admin;  * -> none", "none");
  assert_int_equal (ms_thrift_policy_n_rules (p), 4);
}

static void
test_addresses (void **state)
{
  (void) state;
  g_autoptr (MsThriftPolicy) p = parse_ok ("addr:10.0.0.0/8 -> read; addr:::1 -> admin; "
                                           "addr:192.168.1.7 -> write", "none");
  MsThriftIdentity in = { "10.1.2.3" }, out = { "11.0.0.1" }, six = { "::1" },
                   mapped = { "::ffff:10.9.9.9" }, one = { "192.168.1.7" }, next = { "192.168.1.8" },
                   nothing = { NULL }, junk = { "not an address" };
  assert_true (allowed (p, &in, MS_CALL_READ, NULL, "db", NULL));
  assert_false (allowed (p, &in, MS_CALL_WRITE, NULL, "db", NULL));
  assert_false (allowed (p, &out, MS_CALL_READ, NULL, "db", NULL));
  assert_true (allowed (p, &six, MS_CALL_ADMIN, NULL, NULL, NULL));
  assert_true (allowed (p, &mapped, MS_CALL_READ, NULL, "db", NULL));   /* dual stack */
  assert_true (allowed (p, &one, MS_CALL_WRITE, NULL, "db", NULL));
  assert_false (allowed (p, &next, MS_CALL_READ, NULL, "db", NULL));
  assert_false (allowed (p, &nothing, MS_CALL_READ, NULL, "db", NULL));
  assert_false (allowed (p, &junk, MS_CALL_READ, NULL, "db", NULL));
  /* open calls are for everybody */
  assert_true (allowed (p, &out, MS_CALL_OPEN, NULL, NULL, NULL));
}

static void
test_scopes_add_up (void **state)
{
  (void) state;
  g_autoptr (MsThriftPolicy) p = parse_ok (
    "* -> read sales, spark.*; ugi:etl -> write Sales,tmp_*; ugi:etl & addr:10.0.0.0/8 -> write hr",
    "admin");
  MsThriftIdentity anon = { "10.0.0.1" }, etl = { "127.0.0.1", NULL, "etl" },
                   etl10 = { "10.0.0.1", NULL, "etl" };
  assert_true (allowed (p, &anon, MS_CALL_READ, NULL, "sales", NULL));
  assert_true (allowed (p, &anon, MS_CALL_READ, "hive", "SALES", NULL));
  assert_true (allowed (p, &anon, MS_CALL_READ, "spark", "anything", NULL));
  assert_false (allowed (p, &anon, MS_CALL_READ, NULL, "hr", NULL));
  assert_false (allowed (p, &anon, MS_CALL_READ, "other", "sales", NULL));
  assert_false (allowed (p, &anon, MS_CALL_WRITE, NULL, "sales", NULL));
  /* each database with its own catalog */
  const char *dbs[] = { "sales", "anything", NULL }, *cats[] = { NULL, "spark", NULL },
             *wrong[] = { "spark", "hive", NULL };
  MsThriftRequest rq = { "m", MS_CALL_READ, dbs, cats, FALSE };
  assert_true (ms_thrift_policy_check (p, &anon, &rq, NULL));
  rq.catalogs = wrong;
  assert_false (ms_thrift_policy_check (p, &anon, &rq, NULL));
  /* a read naming no database needs some read grant */
  assert_true (allowed (p, &anon, MS_CALL_READ, NULL, NULL, NULL));
  assert_false (allowed (p, &anon, MS_CALL_WRITE, NULL, NULL, NULL));
  /* the rules a client matches add up; write includes read */
  assert_true (allowed (p, &etl, MS_CALL_WRITE, NULL, "sales", "tmp_1"));
  assert_true (allowed (p, &etl, MS_CALL_READ, NULL, "tmp_x", NULL));
  assert_false (allowed (p, &etl, MS_CALL_WRITE, NULL, "sales", "hr"));
  assert_true (allowed (p, &etl10, MS_CALL_WRITE, NULL, "sales", "hr"));
  assert_true (allowed (p, &etl, MS_CALL_WRITE, NULL, NULL, NULL));
  assert_false (allowed (p, &etl, MS_CALL_ADMIN, NULL, NULL, NULL));
  /* matched rules replace the default (admin) */
  assert_false (allowed (p, &etl10, MS_CALL_ADMIN, NULL, NULL, NULL));
}

static void
test_default_and_none (void **state)
{
  (void) state;
  g_autoptr (MsThriftPolicy) p = parse_ok ("ugi:blocked -> none; ugi:root -> admin", "read");
  MsThriftIdentity blocked = { "127.0.0.1", NULL, "blocked" }, other = { "127.0.0.1", NULL, "x" },
                   root = { "127.0.0.1", NULL, "root" };
  assert_false (allowed (p, &blocked, MS_CALL_READ, NULL, "db", NULL));
  assert_true (allowed (p, &blocked, MS_CALL_OPEN, NULL, NULL, NULL));
  assert_true (allowed (p, &other, MS_CALL_READ, NULL, "db", NULL));     /* the default */
  assert_false (allowed (p, &other, MS_CALL_WRITE, NULL, "db", NULL));
  assert_true (allowed (p, &root, MS_CALL_ADMIN, NULL, NULL, NULL));
  assert_true (allowed (p, &root, MS_CALL_WRITE, "any", "db", NULL));
  /* no policy: everything, everywhere */
  assert_true (allowed (NULL, &other, MS_CALL_ADMIN, NULL, NULL, NULL));
}

static void
test_certificates (void **state)
{
  (void) state;
  g_autoptr (MsThriftPolicy) p = parse_ok ("cert:*.Example.com -> write; cert:trino -> read",
                                           "none");
  const char *etl_names[] = { "etl-client", "ETL.example.com", NULL };
  const char *trino_names[] = { "trino", NULL };
  MsThriftIdentity etl = { "127.0.0.1", etl_names }, trino = { "127.0.0.1", trino_names },
                   claim = { "127.0.0.1", NULL, "trino" };
  assert_true (allowed (p, &etl, MS_CALL_WRITE, NULL, "db", NULL));
  assert_true (allowed (p, &trino, MS_CALL_READ, NULL, "db", NULL));
  assert_false (allowed (p, &trino, MS_CALL_WRITE, NULL, "db", NULL));
  /* names that are not UTF-8 match nothing (GLib's matcher would abort) */
  const char *bad_names[] = { "\xea.example.com", NULL };
  MsThriftIdentity bad = { "127.0.0.1", bad_names, "\xea" };
  assert_false (allowed (p, &bad, MS_CALL_READ, NULL, "db", NULL));
  g_autoptr (MsThriftPolicy) any = parse_ok ("ugi:* -> read *", "none");
  assert_false (allowed (any, &bad, MS_CALL_READ, NULL, "db", NULL));
  assert_false (allowed (any, &claim, MS_CALL_READ, NULL, "\xea", NULL));
  /* a set_ugi claim is no certificate */
  assert_false (allowed (p, &claim, MS_CALL_READ, NULL, "db", NULL));
}

static void
test_messages (void **state)
{
  (void) state;
  g_autoptr (MsThriftPolicy) p = parse_ok ("* -> read; ugi:etl -> write sales,tmp_*", "none");
  const char *names[] = { "etl.example.com", NULL };
  MsThriftIdentity id = { "10.0.0.5", names, "etl" };
  const char *dbs[] = { "sales", "finance", NULL };
  MsThriftRequest rq = { "drop_table", MS_CALL_WRITE, dbs, NULL, FALSE };
  g_autofree char *m1 = refusal (p, &id, &rq);
  assert_string_equal (m1, "drop_table refused: client 10.0.0.5, certificate 'etl.example.com', "
                           "set_ugi user 'etl' (an unauthenticated claim) may read every "
                           "database; write hive.sales, hive.tmp_*; this call writes hive.finance");
  rq = (MsThriftRequest) { "create_role", MS_CALL_ADMIN, NULL, NULL, FALSE };
  g_autofree char *m2 = refusal (p, &id, &rq);
  assert_true (g_str_has_suffix (m2, "this call is an administration call (admin only)"));
  MsThriftIdentity anon = { "10.0.0.6" };
  rq = (MsThriftRequest) { "heartbeat", MS_CALL_WRITE, NULL, NULL, FALSE };
  g_autofree char *m3 = refusal (p, &anon, &rq);
  assert_string_equal (m3, "heartbeat refused: client 10.0.0.6 may read every database; "
                           "this call needs write access");
  g_autoptr (MsThriftPolicy) closed = parse_ok (NULL, "none");
  const char *one[] = { "x", NULL }, *spark[] = { "spark", NULL };
  rq = (MsThriftRequest) { "get_table", MS_CALL_READ, one, spark, FALSE };
  g_autofree char *m4 = refusal (closed, &anon, &rq);
  assert_string_equal (m4, "get_table refused: client 10.0.0.6 may make no catalog call; "
                           "this call reads spark.x");
}

static void
test_read_only_listener (void **state)
{
  (void) state;
  g_autoptr (MsThriftPolicy) p = parse_ok (NULL, "admin");
  MsThriftIdentity id = { "127.0.0.1" };
  const char *dbs[] = { "db", NULL };
  for (MsCallClass c = MS_CALL_OPEN; c <= MS_CALL_ADMIN; c++)
    {
      MsThriftRequest rq = { "m", c, dbs, NULL, TRUE };
      g_autofree char *msg = refusal (p, &id, &rq);
      if (c <= MS_CALL_READ)
        assert_null (msg);
      else
        assert_string_equal (msg, "m refused: this Thrift listener is read-only (it serves reads only)");
      g_autofree char *msg2 = refusal (NULL, &id, &rq);
      assert_true ((msg2 == NULL) == (c <= MS_CALL_READ));
    }
}

/* What a listing keeps: the databases the identity may read, by catalog. */
static void
test_listing_grants (void **state)
{
  (void) state;
  g_autoptr (MsThriftPolicy) p = parse_ok ("ugi:etl -> write sales; ugi:etl -> read spark.*; "
                                           "ugi:bi -> read", "none");
  MsThriftIdentity etl = { "127.0.0.1", NULL, "etl" }, bi = { "127.0.0.1", NULL, "bi" },
                   anon = { "127.0.0.1" };
  g_autoptr (MsThriftGrants) g = ms_thrift_policy_grants (p, &etl);
  assert_true (ms_thrift_grants_may_read (g, NULL, "sales"));
  assert_true (ms_thrift_grants_may_read (g, "HIVE", "Sales"));
  assert_false (ms_thrift_grants_may_read (g, NULL, "finance"));
  assert_true (ms_thrift_grants_may_read (g, "spark", "anything"));
  assert_false (ms_thrift_grants_may_read (g, "other", "sales"));
  assert_false (ms_thrift_grants_may_read (g, NULL, NULL));
  g_autoptr (MsThriftGrants) all = ms_thrift_policy_grants (p, &bi);
  assert_true (ms_thrift_grants_may_read (all, "other", "finance"));
  g_autoptr (MsThriftGrants) none = ms_thrift_policy_grants (p, &anon);
  assert_false (ms_thrift_grants_may_read (none, NULL, "sales"));
  g_autoptr (MsThriftGrants) open = ms_thrift_policy_grants (NULL, &anon);
  assert_true (ms_thrift_grants_may_read (open, NULL, "sales"));
}

/* Grants keep their policy alive after its last other holder let go (a
 * SIGHUP swapping the rules during a listing). */
static void
test_grants_outlive_a_swap (void **state)
{
  (void) state;
  MsThriftPolicy *p = parse_ok ("ugi:etl -> read sales", "none");
  MsThriftIdentity etl = { "127.0.0.1", NULL, "etl" };
  g_autoptr (MsThriftGrants) g = ms_thrift_policy_grants (p, &etl);
  MsThriftPolicy *held = ms_thrift_policy_ref (p);
  ms_thrift_policy_unref (p);
  ms_thrift_policy_unref (held);
  assert_true (ms_thrift_grants_may_read (g, NULL, "sales"));
  assert_false (ms_thrift_grants_may_read (g, NULL, "other"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_errors),
    cmocka_unit_test (test_parse_forms),
    cmocka_unit_test (test_addresses),
    cmocka_unit_test (test_scopes_add_up),
    cmocka_unit_test (test_default_and_none),
    cmocka_unit_test (test_certificates),
    cmocka_unit_test (test_messages),
    cmocka_unit_test (test_read_only_listener),
    cmocka_unit_test (test_listing_grants),
    cmocka_unit_test (test_grants_outlive_a_swap),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
