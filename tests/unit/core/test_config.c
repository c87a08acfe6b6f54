/* test_config.c: defaults, file < env < --set precedence, validation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include "core/config.h"
#include "core/error.h"

static void
test_defaults (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  assert_int_equal (c->thrift_port, 9083);
  assert_string_equal (c->thrift_transport, "buffered");
  assert_null (c->database_url);
  assert_string_equal (c->data_dir, "./metastore-data");
  assert_true (ms_config_validate (c, NULL));
}

static void
test_precedence (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("msconf-XXXXXX", &path, NULL);
  close (fd);
  g_file_set_contents (path, "[server]\nthrift_port = 9999\nworkers = 7\n[database]\nurl = host=/x\n", -1, NULL);
  assert_true (ms_config_load_file (c, path, TRUE, NULL));
  assert_int_equal (c->thrift_port, 9999);
  assert_int_equal (c->workers, 7);
  assert_string_equal (c->database_url, "host=/x");
  char *env[] = { "METASTORE_SERVER_THRIFT_PORT=1234", "OTHER=1", NULL };
  assert_true (ms_config_load_env (c, env, NULL));
  assert_int_equal (c->thrift_port, 1234);
  assert_int_equal (c->workers, 7);
  assert_true (ms_config_set (c, "server", "thrift_port", "4321", "flag", NULL));
  assert_int_equal (c->thrift_port, 4321);
  g_unlink (path);
}

static void
test_bad_values (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
  assert_false (ms_config_set (c, "server", "thrift_port", "70000", "t", &e1));
  assert_non_null (strstr (e1->message, "outside"));
  assert_false (ms_config_set (c, "server", "thrift_port", "12ab", "t", &e2));
  assert_false (ms_config_set (c, "server", "nope", "1", "t", &e3));
  assert_non_null (strstr (e3->message, "unknown configuration key"));
  assert_true (ms_config_set (c, "server", "thrift_transport", "http", "t", NULL));
  assert_false (ms_config_validate (c, &e4));
  assert_non_null (strstr (e4->message, "buffered"));
  assert_false (ms_config_load_file (c, "/nonexistent/x.conf", TRUE, NULL));
  assert_true (ms_config_load_file (c, "/nonexistent/x.conf", FALSE, NULL));
}

static void
test_password_file (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("mspw-XXXXXX", &path, NULL);
  close (fd);
  g_file_set_contents (path, "s3cret\n", -1, NULL);
  g_unsetenv ("METASTORE_DATABASE_PASSWORD");
  assert_null (ms_config_database_password (c, NULL));
  assert_true (ms_config_set (c, "database", "password_file", path, "t", NULL));
  g_autofree char *pw = ms_config_database_password (c, NULL);
  assert_string_equal (pw, "s3cret");
  g_setenv ("METASTORE_DATABASE_PASSWORD", "fromenv", TRUE);
  g_autofree char *pw2 = ms_config_database_password (c, NULL);
  assert_string_equal (pw2, "fromenv");
  g_unsetenv ("METASTORE_DATABASE_PASSWORD");
  g_unlink (path);
}

/* Keys with a dot (rest.oauth.clients): in a file as written, in the
 * environment with '_' for the dot. */
static void
test_dotted_keys (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  assert_string_equal (c->rest_auth, "auto");
  assert_int_equal (c->rest_oauth_token_ttl_s, 3600);
  assert_string_equal (c->rest_oauth_issuer, "metastore");
  assert_int_equal (c->rest_auth_jwks_refetch_s, 30);
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("msconf-XXXXXX", &path, NULL);
  close (fd);
  g_file_set_contents (path, "[rest]\nauth = oauth\noauth.clients = a:b\nauth.jwt_audience = ms\n", -1, NULL);
  assert_true (ms_config_load_file (c, path, TRUE, NULL));
  assert_string_equal (c->rest_auth, "oauth");
  assert_string_equal (c->rest_oauth_clients, "a:b");
  assert_string_equal (c->rest_auth_jwt_audience, "ms");
  char *env[] = { "METASTORE_REST_OAUTH_CLIENTS=c:d", "METASTORE_REST_AUTH_JWKS_TTL_S=60", NULL };
  assert_true (ms_config_load_env (c, env, NULL));
  assert_string_equal (c->rest_oauth_clients, "c:d");
  assert_int_equal (c->rest_auth_jwks_ttl_s, 60);
  assert_true (ms_config_validate (c, NULL));
  assert_true (ms_config_set (c, "rest", "auth", "", "test", NULL));
  assert_false (ms_config_validate (c, NULL));
  g_unlink (path);
}

/* storage.allowed_locations, with rest.allowed_locations as its
 * deprecated alias (used only when the new key is unset). */
static void
test_allowed_locations_alias (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  const char *note = "x";
  assert_null (ms_config_allowed_locations (c, &note));
  assert_null (note);
  assert_true (ms_config_set (c, "rest", "allowed_locations", "s3://old/", "t", NULL));
  assert_string_equal (ms_config_allowed_locations (c, &note), "s3://old/");
  assert_non_null (strstr (note, "deprecated"));
  assert_true (ms_config_set (c, "storage", "allowed_locations", "file:///data", "t", NULL));
  assert_string_equal (ms_config_allowed_locations (c, &note), "file:///data");
  assert_non_null (strstr (note, "ignored"));
  assert_true (ms_config_set (c, "rest", "allowed_locations", "", "t", NULL));
  assert_string_equal (ms_config_allowed_locations (c, NULL), "file:///data");
  /* environment name of the new key */
  char *envp[] = { "METASTORE_STORAGE_ALLOWED_LOCATIONS=*", NULL };
  assert_true (ms_config_load_env (c, envp, NULL));
  assert_string_equal (ms_config_allowed_locations (c, &note), "*");
  assert_null (note);
}

/* warehouse.default_fs (Hadoop's fs.defaultFS): file:/// unless set, and
 * it must carry a scheme. */
static void
test_default_fs (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  assert_string_equal (c->default_fs, "file:///");
  assert_true (ms_config_validate (c, NULL));
  assert_true (ms_config_set (c, "warehouse", "default_fs", "s3a://lake", "t", NULL));
  assert_true (ms_config_validate (c, NULL));
  g_autoptr (GError) e = NULL;
  assert_true (ms_config_set (c, "warehouse", "default_fs", "/data", "t", NULL));
  assert_false (ms_config_validate (c, &e));
  assert_non_null (strstr (e->message, "warehouse.default_fs"));
}

/* Issue 12 defect 6: with RLIMIT_NOFILE 1024 and the default 1024 + 1024
 * caps, idle connections exhausted the descriptors and every port stopped. */
static void
test_fit_descriptors (void **state)
{
  (void) state;
  g_autoptr (MsConfig) cfg = ms_config_new_defaults ();
  cfg->rest_port = 8181;
  g_autofree char *note = NULL;
  assert_true (ms_config_fit_descriptors (cfg, 1024, &note));
  guint64 room = 1024 - MS_CONFIG_FD_RESERVE (cfg);
  assert_int_equal (cfg->max_connections + cfg->rest_max_connections, room);
  assert_int_equal (cfg->max_connections, room / 2);
  assert_non_null (strstr (note, "RLIMIT_NOFILE 1024"));
  assert_non_null (strstr (note, "server.max_connections 1024 -> "));
  /* enough descriptors: nothing changes */
  g_autoptr (MsConfig) big = ms_config_new_defaults ();
  big->rest_port = 8181;
  g_autofree char *none = NULL;
  assert_false (ms_config_fit_descriptors (big, 1048576, &none));
  assert_int_equal (big->max_connections, 1024);
  assert_null (none);
  /* without the REST door, Thrift gets the room */
  g_autoptr (MsConfig) thrift = ms_config_new_defaults ();
  thrift->rest_port = -1;
  g_autofree char *t = NULL;
  assert_true (ms_config_fit_descriptors (thrift, 512, &t));
  assert_int_equal (thrift->max_connections, 512 - MS_CONFIG_FD_RESERVE (thrift));
  /* a limit below the reserve still leaves one connection each */
  g_autoptr (MsConfig) tiny = ms_config_new_defaults ();
  tiny->rest_port = 8181;
  g_autofree char *u = NULL;
  assert_true (ms_config_fit_descriptors (tiny, 10, &u));
  assert_int_equal (tiny->max_connections, 1);
  assert_int_equal (tiny->rest_max_connections, 1);
}

/* rest.idempotency_lifetime: ISO-8601 durations of weeks, days, hours,
 * minutes and seconds, in order, each once; PT0S turns it off. */
static void
test_iso8601_durations (void **state)
{
  (void) state;
  static const struct {
    const char *text;
    gint64 seconds;            /* -1: refused */
  } cases[] = {
    { "PT30M", 1800 }, { "PT24H", 86400 }, { "P1D", 86400 }, { "P1DT12H", 129600 },
    { "PT1H30M15S", 5415 }, { "P2W", 1209600 }, { "PT0S", 0 }, { "PT90S", 90 },
    { "", -1 }, { "P", -1 }, { "PT", -1 }, { "30M", -1 }, { "PT30", -1 }, { "P1M", -1 },
    { "P1Y", -1 }, { "PT1M1H", -1 }, { "PT1H1H", -1 }, { "PT1.5S", -1 }, { "P1H", -1 },
    { "PT-1S", -1 }, { "P99999999DT0S", -1 }, { "pt30m", -1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 got = -7;
      gboolean ok = ms_iso8601_duration_seconds (cases[i].text, &got);
      if (cases[i].seconds < 0)
        assert_false (ok);
      else
        {
          assert_true (ok);
          assert_int_equal (got, cases[i].seconds);
        }
    }
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  assert_true (ms_config_validate (c, NULL));
  assert_int_equal (c->rest_idempotency_lifetime_s, 1800);
  g_autoptr (GError) e = NULL;
  assert_true (ms_config_set (c, "rest", "idempotency_lifetime", "30 minutes", "t", NULL));
  assert_false (ms_config_validate (c, &e));
  assert_non_null (strstr (e->message, "rest.idempotency_lifetime"));
  g_autoptr (GError) e2 = NULL;
  assert_true (ms_config_set (c, "rest", "idempotency_lifetime", "PT1M", "t", NULL));
  assert_true (ms_config_set (c, "rest", "unknown_warehouse", "ignore", "t", NULL));
  assert_false (ms_config_validate (c, &e2));
  assert_non_null (strstr (e2->message, "rest.unknown_warehouse"));
}

/* [catalog.<name>] groups, their environment and --set forms, and the
 * settings a catalog works with: what it overrides, what it never
 * inherits, and the groups refused. */
static void
test_catalog_groups (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("msconf-XXXXXX", &path, NULL);
  close (fd);
  g_file_set_contents (path, "[s3]\nendpoint = http://global:9000\naccess_key = gk\n"
                       "secret_key = gs\nregion = eu-west-1\n"
                       "[storage]\nallowed_locations = s3://global/\nsts_endpoint = http://global:9000\n"
                       "[catalog.Sales]\nwarehouse.root = s3://sales/wh\ns3.endpoint = http://sales:9000\n"
                       "s3.access_key = sk\n"
                       "[catalog.ops]\nwarehouse.root = s3://global/ops\ns3.region = us-west-2\n", -1, NULL);
  assert_true (ms_config_load_file (c, path, TRUE, NULL));
  char *env[] = { "METASTORE_CATALOG_SALES_S3_SECRET_KEY=ss",
                  "METASTORE_CATALOG_MY_CAT_STORAGE_STS_REGION=r", "OTHER=1", NULL };
  assert_true (ms_config_load_env (c, env, NULL));
  assert_true (ms_config_set (c, "catalog", "ops.storage.remote_signing", "true", "--set", NULL));
  guint n = 0;
  g_autofree const char **names = ms_config_catalog_names (c, &n);
  assert_int_equal (n, 3);
  assert_string_equal (names[0], "my_cat");
  assert_string_equal (names[1], "ops");
  assert_string_equal (names[2], "sales");
  assert_null (names[3]);

  /* its own endpoint: its own keys, no global STS nor allowed locations */
  g_autoptr (MsConfig) sales = ms_config_for_catalog (c, "sales", NULL);
  assert_non_null (sales);
  assert_string_equal (sales->warehouse, "s3://sales/wh");
  assert_string_equal (sales->s3_endpoint, "http://sales:9000");
  assert_string_equal (sales->s3_access_key, "sk");
  assert_string_equal (sales->s3_secret_key, "ss");
  assert_string_equal (sales->s3_region, "eu-west-1");
  assert_null (sales->storage_sts_endpoint);
  assert_null (sales->storage_allowed_locations);
  /* the global endpoint and keys, its own region and signing */
  g_autoptr (MsConfig) ops = ms_config_for_catalog (c, "ops", NULL);
  assert_non_null (ops);
  assert_string_equal (ops->s3_endpoint, "http://global:9000");
  assert_string_equal (ops->s3_access_key, "gk");
  assert_string_equal (ops->s3_region, "us-west-2");
  assert_string_equal (ops->storage_sts_endpoint, "http://global:9000");
  assert_true (ops->storage_remote_signing);
  assert_null (ops->storage_allowed_locations);
  assert_false (c->storage_remote_signing);
  assert_string_equal (c->s3_region, "eu-west-1");
  /* no root */
  g_autoptr (GError) e = NULL;
  assert_null (ms_config_for_catalog (c, "my_cat", &e));
  assert_non_null (strstr (e->message, "catalog.my_cat: warehouse.root must be set"));
  g_clear_error (&e);
  /* an endpoint without its own keys */
  assert_true (ms_config_set (c, "catalog", "my_cat.warehouse.root", "s3://m/", "t", NULL));
  assert_true (ms_config_set (c, "catalog", "my_cat.s3.endpoint", "http://m:1", "t", NULL));
  assert_null (ms_config_for_catalog (c, "my_cat", &e));
  assert_non_null (strstr (e->message, "needs the catalog's own s3.access_key"));
  g_clear_error (&e);
  /* keys a catalog cannot set, names that are none */
  assert_false (ms_config_set (c, "catalog", "ops.server.workers", "3", "t", &e));
  assert_non_null (strstr (e->message, "cannot be set per catalog"));
  g_clear_error (&e);
  assert_false (ms_config_set (c, "catalog", "a b.s3.region", "x", "t", &e));
  g_clear_error (&e);
  assert_false (ms_config_set (c, "catalog", "ops", "x", "t", &e));
  g_unlink (path);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_defaults),
    cmocka_unit_test (test_precedence),
    cmocka_unit_test (test_bad_values),
    cmocka_unit_test (test_password_file),
    cmocka_unit_test (test_dotted_keys),
    cmocka_unit_test (test_allowed_locations_alias),
    cmocka_unit_test (test_default_fs),
    cmocka_unit_test (test_fit_descriptors),
    cmocka_unit_test (test_iso8601_durations),
    cmocka_unit_test (test_catalog_groups),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
