/* test_delegation.c: access delegation's rules (service/delegation.h): the
 * session policy of a table location and scope, the locations refused,
 * which sign requests lie under a location (path and virtual-host style,
 * listings, DeleteObjects, encoded dots) and which methods a scope allows,
 * the principals made read-only, and the credential cache's bound. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include "core/config.h"
#include "core/error.h"
#include "service/delegation.h"

/* The defaults with one "group.key=value" set (NULL: none). */
static MsConfig *
config (const char *extra)
{
  MsConfig *cfg = ms_config_new_defaults ();
  if (extra != NULL)
    {
      const char *eq = strchr (extra, '=');
      const char *dot = strchr (extra, '.');
      g_autofree char *group = g_strndup (extra, (gsize) (dot - extra));
      g_autofree char *key = g_strndup (dot + 1, (gsize) (eq - dot - 1));
      assert_true (ms_config_set (cfg, group, key, eq + 1, "test", NULL));
    }
  return cfg;
}

static void
test_policy_write (void **state)
{
  (void) state;
  g_autofree char *p = ms_delegation_policy ("s3a://wh/ns/t/", MS_DELEGATE_WRITE, NULL);
  assert_non_null (p);
  g_autoptr (JsonParser) parser = json_parser_new ();
  assert_true (json_parser_load_from_data (parser, p, -1, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  assert_string_equal (json_object_get_string_member (o, "Version"), "2012-10-17");
  JsonArray *st = json_object_get_array_member (o, "Statement");
  assert_int_equal (json_array_get_length (st), 3);
  JsonObject *objects = json_array_get_object_element (st, 0);
  JsonArray *res = json_object_get_array_member (objects, "Resource");
  assert_string_equal (json_array_get_string_element (res, 0), "arn:aws:s3:::wh/ns/t/*");
  assert_non_null (strstr (p, "\"s3:PutObject\""));
  assert_non_null (strstr (p, "\"s3:DeleteObject\""));
  JsonObject *list = json_array_get_object_element (st, 1);
  assert_string_equal (json_array_get_string_element (
                           json_object_get_array_member (list, "Action"), 0), "s3:ListBucket");
  JsonArray *prefixes = json_object_get_array_member (
      json_object_get_object_member (json_object_get_object_member (list, "Condition"),
                                     "StringLike"), "s3:prefix");
  assert_string_equal (json_array_get_string_element (prefixes, 0), "ns/t");
  assert_string_equal (json_array_get_string_element (prefixes, 1), "ns/t/*");
}

static void
test_policy_read_and_refusals (void **state)
{
  (void) state;
  g_autofree char *p = ms_delegation_policy ("s3://wh/a \"b\"", MS_DELEGATE_READ, NULL);
  assert_non_null (strstr (p, "\"s3:GetObject\""));
  assert_null (strstr (p, "PutObject"));
  assert_null (strstr (p, "DeleteObject"));
  assert_non_null (strstr (p, "arn:aws:s3:::wh/a \\\"b\\\"/*"));   /* JSON-escaped */
  const char *refused[] = { "file:///tmp/t", "s3://wh/", "s3://wh", "s3://wh/a*b", "s3://wh/a?",
                            "hdfs://nn/t", NULL };
  for (guint i = 0; refused[i]; i++)
    {
      g_autoptr (GError) err = NULL;
      assert_null (ms_delegation_policy (refused[i], MS_DELEGATE_WRITE, &err));
      assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED));
    }
}

typedef struct {
  const char *method;
  const char *uri;
  const char *body;
  MsDelegateScope scope;
  gboolean allowed;
} SignCase;

static void
test_sign_requests (void **state)
{
  (void) state;
  g_autoptr (MsConfig) cfg = config ("s3.endpoint=http://127.0.0.1:9000");
  MsS3Options s3 = ms_storage_s3_options (cfg);
  g_autoptr (MsDelegation) d = ms_delegation_new (cfg, &s3, NULL);
  const char *loc = "s3://wh/ns/t";
  const SignCase cases[] = {
    { "GET", "http://127.0.0.1:9000/wh/ns/t/data/f.parquet", NULL, MS_DELEGATE_READ, TRUE },
    { "HEAD", "http://127.0.0.1:9000/wh/ns/t", NULL, MS_DELEGATE_READ, TRUE },
    { "PUT", "http://127.0.0.1:9000/wh/ns/t/data/f.parquet", NULL, MS_DELEGATE_READ, FALSE },
    { "PUT", "http://127.0.0.1:9000/wh/ns/t/data/f.parquet", NULL, MS_DELEGATE_WRITE, TRUE },
    { "DELETE", "http://127.0.0.1:9000/wh/ns/t/x?uploadId=1", NULL, MS_DELEGATE_WRITE, TRUE },
    { "PATCH", "http://127.0.0.1:9000/wh/ns/t/x", NULL, MS_DELEGATE_WRITE, FALSE },
    { "GET", "http://127.0.0.1:9000/wh/ns/t2/x", NULL, MS_DELEGATE_WRITE, FALSE },
    { "GET", "http://127.0.0.1:9000/wh/ns/x", NULL, MS_DELEGATE_WRITE, FALSE },
    { "GET", "http://127.0.0.1:9000/other/ns/t/x", NULL, MS_DELEGATE_WRITE, FALSE },
    { "GET", "http://127.0.0.1:9000/wh/ns/t/../u/x", NULL, MS_DELEGATE_WRITE, FALSE },
    { "GET", "http://127.0.0.1:9000/wh/ns/t/%2E%2E/u/x", NULL, MS_DELEGATE_WRITE, FALSE },
    { "GET", "http://127.0.0.1:9000/wh/ns%2Ft/x", NULL, MS_DELEGATE_WRITE, TRUE },
    { "GET", "http://wh.127.0.0.1:9000/ns/t/x", NULL, MS_DELEGATE_READ, TRUE },
    { "GET", "http://other.127.0.0.1:9000/ns/t/x", NULL, MS_DELEGATE_READ, FALSE },
    { "GET", "http://evil.example/wh/ns/t/x", NULL, MS_DELEGATE_READ, FALSE },
    { "GET", "ftp://127.0.0.1:9000/wh/ns/t/x", NULL, MS_DELEGATE_READ, FALSE },
    { "GET", "http://127.0.0.1:9000/wh?list-type=2&prefix=ns%2Ft%2Fdata", NULL, MS_DELEGATE_READ,
      TRUE },
    { "GET", "http://127.0.0.1:9000/wh?list-type=2&prefix=ns%2F", NULL, MS_DELEGATE_READ, FALSE },
    { "GET", "http://127.0.0.1:9000/wh?list-type=2", NULL, MS_DELEGATE_READ, FALSE },
    { "POST", "http://127.0.0.1:9000/wh?delete",
      "<Delete><Object><Key>ns/t/a</Key></Object><Object><Key>ns/t/b</Key></Object></Delete>",
      MS_DELEGATE_WRITE, TRUE },
    { "POST", "http://127.0.0.1:9000/wh?delete",
      "<Delete><Object><Key>ns/t/a</Key></Object><Object><Key>ns/u/b</Key></Object></Delete>",
      MS_DELEGATE_WRITE, FALSE },
    { "POST", "http://127.0.0.1:9000/wh?delete", NULL, MS_DELEGATE_WRITE, FALSE },
    { "PUT", "http://127.0.0.1:9000/wh", NULL, MS_DELEGATE_WRITE, FALSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MsSignRequest r = { cases[i].method, cases[i].uri, NULL, cases[i].body };
      g_autoptr (GError) err = NULL;
      gboolean ok = ms_delegation_request_allowed (d, loc, cases[i].scope, &r, &err);
      if (ok != cases[i].allowed)
        fail_msg ("case %u: %s %s: %s", i, cases[i].method, cases[i].uri,
                  err ? err->message : "allowed");
      if (!ok)
        assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED));
    }
}

static void
test_sign_aws_hosts (void **state)
{
  (void) state;
  g_autoptr (MsConfig) cfg = config (NULL);
  MsS3Options s3 = ms_storage_s3_options (cfg);
  g_autoptr (MsDelegation) d = ms_delegation_new (cfg, &s3, NULL);
  MsSignRequest a = { "GET", "https://wh.s3.us-east-1.amazonaws.com/ns/t/x", NULL, NULL };
  MsSignRequest b = { "GET", "https://s3.amazonaws.com/wh/ns/t/x", NULL, NULL };
  MsSignRequest c = { "GET", "https://wh.s3.example.com/ns/t/x", NULL, NULL };
  assert_true (ms_delegation_request_allowed (d, "s3://wh/ns/t", MS_DELEGATE_READ, &a, NULL));
  assert_true (ms_delegation_request_allowed (d, "s3://wh/ns/t", MS_DELEGATE_READ, &b, NULL));
  assert_false (ms_delegation_request_allowed (d, "s3://wh/ns/t", MS_DELEGATE_READ, &c, NULL));
}

static void
test_sign_headers (void **state)
{
  (void) state;
  g_autoptr (MsConfig) cfg = config ("s3.endpoint=http://127.0.0.1:9000");
  MsS3Options s3 = ms_storage_s3_options (cfg);
  s3.access_key = "AK";
  s3.secret_key = "SK";
  g_autoptr (MsDelegation) d = ms_delegation_new (cfg, &s3, NULL);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  MsSignRequest r = { "GET", "http://127.0.0.1:9000/wh/ns/t/x", NULL, NULL };
  assert_true (ms_delegation_sign (d, "s3://wh/ns/t", MS_DELEGATE_READ, &r, out, NULL));
  assert_string_equal (out->pdata[out->len - 2], "Authorization");
  assert_true (g_str_has_prefix (out->pdata[out->len - 1], "AWS4-HMAC-SHA256 Credential=AK/"));
  g_autoptr (GError) err = NULL;
  MsSignRequest bad = { "GET", "http://127.0.0.1:9000/wh/ns/u/x", NULL, NULL };
  assert_false (ms_delegation_sign (d, "s3://wh/ns/t", MS_DELEGATE_READ, &bad, out, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED));
}

static void
test_scope_and_flags (void **state)
{
  (void) state;
  g_autoptr (MsConfig) cfg = config ("storage.read_only_principals= reader , other");
  MsS3Options s3 = ms_storage_s3_options (cfg);
  g_autoptr (MsDelegation) d = ms_delegation_new (cfg, &s3, NULL);
  assert_int_equal (ms_delegation_scope_of (d, "reader"), MS_DELEGATE_READ);
  assert_int_equal (ms_delegation_scope_of (d, "other"), MS_DELEGATE_READ);
  assert_int_equal (ms_delegation_scope_of (d, "writer"), MS_DELEGATE_WRITE);
  assert_int_equal (ms_delegation_scope_of (d, NULL), MS_DELEGATE_WRITE);
  assert_false (ms_delegation_vends (d));
  assert_false (ms_delegation_signs (d));
  assert_false (ms_delegation_vends (NULL));
  /* no STS: credentials are refused as not allowed, nothing cached */
  g_autoptr (GError) err = NULL;
  g_auto (MsStsCredentials) c = { 0 };
  assert_false (ms_delegation_credentials (d, "s3://wh/ns/t", MS_DELEGATE_READ, &c, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_NOT_ALLOWED));
  assert_int_equal (ms_delegation_cached (d), 0);
}

static void
test_sts_reply (void **state)
{
  (void) state;
  const char *xml =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
    "<AssumedRoleUser><Arn></Arn><AssumeRoleId></AssumeRoleId></AssumedRoleUser>"
    "<Credentials><AccessKeyId>AKX</AccessKeyId><SecretAccessKey>SKX</SecretAccessKey>"
    "<Expiration>2026-12-07T10:00:00Z</Expiration><SessionToken>TOK</SessionToken>"
    "</Credentials></AssumeRoleResult></AssumeRoleResponse>";
  g_auto (MsStsCredentials) c = { 0 };
  assert_true (ms_sts_parse_credentials (xml, strlen (xml), &c, NULL));
  assert_string_equal (c.access_key, "AKX");
  assert_string_equal (c.secret_key, "SKX");
  assert_string_equal (c.session_token, "TOK");
  assert_int_equal (c.expires_at_ms, (gint64) 1796637600 * 1000);
  const char *partial = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A"
                        "</AccessKeyId></Credentials></AssumeRoleResult></AssumeRoleResponse>";
  g_auto (MsStsCredentials) p = { 0 };
  g_autoptr (GError) err = NULL;
  assert_false (ms_sts_parse_credentials (partial, strlen (partial), &p, &err));
  assert_null (p.access_key);
  const char *error = "<ErrorResponse><Error><Type></Type><Code>AccessDenied</Code>"
                      "<Message>no</Message></Error><RequestId>1</RequestId></ErrorResponse>";
  g_autofree char *code = NULL, *message = NULL;
  assert_true (ms_sts_parse_error (error, strlen (error), &code, &message));
  assert_string_equal (code, "AccessDenied");
  assert_string_equal (message, "no");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_policy_write),
    cmocka_unit_test (test_policy_read_and_refusals),
    cmocka_unit_test (test_sign_requests),
    cmocka_unit_test (test_sign_aws_hosts),
    cmocka_unit_test (test_sign_headers),
    cmocka_unit_test (test_scope_and_flags),
    cmocka_unit_test (test_sts_reply),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
