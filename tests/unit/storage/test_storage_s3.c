/* test_storage_s3.c: the S3 client's pure parts (storage/storage_s3.h):
 * locations, S3's percent-encoding, request URLs (path and virtual-host
 * style), the ListObjectsV2 / error / DeleteObjects XML, and the MsS3Options
 * built from a configuration. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "core/config.h"
#include "core/error.h"
#include "storage/storage_s3.h"

/* ---- locations ---- */

static void
test_parse_location (void **state)
{
  (void) state;
  g_auto (MsS3Location) l = { 0 };
  assert_true (ms_s3_parse_location ("s3://bucket/a/b c/d%20e+f", &l, NULL));
  assert_string_equal (l.bucket, "bucket");
  assert_string_equal (l.key, "a/b c/d%20e+f");     /* literal: no decoding */
  assert_true (ms_s3_parse_location ("s3a://my.bucket-1/k", &l, NULL));
  assert_string_equal (l.bucket, "my.bucket-1");
  assert_string_equal (l.key, "k");
  assert_true (ms_s3_parse_location ("s3n://b_2", &l, NULL));
  assert_string_equal (l.bucket, "b_2");
  assert_string_equal (l.key, "");
  assert_true (ms_s3_parse_location ("s3://b/", &l, NULL));
  assert_string_equal (l.key, "");
  assert_true (ms_s3_parse_location ("s3://b//x", &l, NULL));
  assert_string_equal (l.key, "/x");
}

static void
test_parse_location_errors (void **state)
{
  (void) state;
  const char *bad[] = { "s3://", "s3:///key", "s3://bad!bucket/k", "s3://b:9000/k",
                        "file:///tmp/x", "hdfs://nn/x", "S3://b/k", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto (MsS3Location) l = { 0 };
      g_autoptr (GError) e = NULL;
      assert_false (ms_s3_parse_location (bad[i], &l, &e));
      assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_INVALID_INPUT));
      assert_null (l.bucket);
    }
  g_autofree char *long_bucket = g_strnfill (256, 'b');
  g_autofree char *uri = g_strdup_printf ("s3://%s/k", long_bucket);
  g_auto (MsS3Location) l = { 0 };
  g_autoptr (GError) e = NULL;
  assert_false (ms_s3_parse_location (uri, &l, &e));
  assert_non_null (strstr (e->message, "too long"));
  /* credentials in a location are refused without being echoed */
  g_autoptr (GError) e2 = NULL;
  assert_false (ms_s3_parse_location ("s3a://AKIAX:TopSecret42@bucket/k", &l, &e2));
  assert_null (strstr (e2->message, "TopSecret42"));
  assert_null (strstr (e2->message, "AKIAX"));
  assert_non_null (strstr (e2->message, "credentials"));
}

/* ---- encoding ---- */

static char *
enc (const char *s, gboolean keep_slash)
{
  GString *out = g_string_new (NULL);
  ms_s3_encode (out, s, keep_slash);
  return g_string_free (out, FALSE);
}

static void
test_encode (void **state)
{
  (void) state;
  struct { const char *in; gboolean slash; const char *out; } cases[] = {
    { "AZaz09-_.~", TRUE, "AZaz09-_.~" },
    { "a/b/c", TRUE, "a/b/c" },
    { "a/b/c", FALSE, "a%2Fb%2Fc" },
    { "a b", TRUE, "a%20b" },
    { "a+b", TRUE, "a%2Bb" },
    { "100%", TRUE, "100%25" },
    { "k=v&x", TRUE, "k%3Dv%26x" },
    { "é", TRUE, "%C3%A9" },
    { "日本", TRUE, "%E6%97%A5%E6%9C%AC" },
    { "!*'()", TRUE, "%21%2A%27%28%29" },
    { "?#[]@:", TRUE, "%3F%23%5B%5D%40%3A" },
    { "\x01\x7f\xff", TRUE, "%01%7F%FF" },
    { "", TRUE, "" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = enc (cases[i].in, cases[i].slash);
      assert_string_equal (got, cases[i].out);
    }
}

/* ---- URLs ---- */

static char *
url (const char *endpoint, gboolean path_style, const char *bucket, const char *key,
     const char *query)
{
  MsS3Options o = { .endpoint = (char *) endpoint, .path_style = path_style };
  g_autoptr (GError) e = NULL;
  char *u = ms_s3_url (&o, "eu-west-1", bucket, key, query, &e);
  if (u == NULL)
    fail_msg ("ms_s3_url failed: %s", e->message);
  return u;
}

static void
test_url (void **state)
{
  (void) state;
  struct { const char *endpoint; gboolean path; const char *bucket, *key, *query, *want; } cases[] = {
    /* AWS by default: virtual-host style for DNS-safe buckets */
    { NULL, FALSE, "bucket", "a/b c", NULL, "https://bucket.s3.eu-west-1.amazonaws.com/a/b%20c" },
    { NULL, TRUE, "bucket", "a/b c", NULL, "https://s3.eu-west-1.amazonaws.com/bucket/a/b%20c" },
    /* dots break the wildcard certificate over https; upper case and '_'
     * are not host names: path style */
    { NULL, FALSE, "my.bucket", "k", NULL, "https://s3.eu-west-1.amazonaws.com/my.bucket/k" },
    { NULL, FALSE, "MyBucket", "k", NULL, "https://s3.eu-west-1.amazonaws.com/MyBucket/k" },
    { NULL, FALSE, "my_bucket", "k", NULL, "https://s3.eu-west-1.amazonaws.com/my_bucket/k" },
    { NULL, FALSE, "ab", "k", NULL, "https://s3.eu-west-1.amazonaws.com/ab/k" },
    { "http://minio.local:9000", FALSE, "my.bucket", "k", NULL, "http://my.bucket.minio.local:9000/k" },
    /* IP literals and localhost: always path style */
    { "http://127.0.0.1:9000", FALSE, "bucket", "k", NULL, "http://127.0.0.1:9000/bucket/k" },
    { "http://[::1]:9000", FALSE, "bucket", "k", NULL, "http://[::1]:9000/bucket/k" },
    { "http://localhost:9000/", FALSE, "bucket", "k", NULL, "http://localhost:9000/bucket/k" },
    { "http://s3.localhost:9000", FALSE, "bucket", "k", NULL, "http://bucket.s3.localhost:9000/k" },
    /* no scheme: https; a base path is kept */
    { "minio.example.com", TRUE, "b", "k+1", NULL, "https://minio.example.com/b/k%2B1" },
    { "https://gw.example.com/s3/", TRUE, "b", "k", NULL, "https://gw.example.com/s3/b/k" },
    /* the bucket itself, with a query */
    { "http://127.0.0.1:9000", TRUE, "bucket", "", "list-type=2&prefix=a%2F",
      "http://127.0.0.1:9000/bucket?list-type=2&prefix=a%2F" },
    { "http://s3.localhost:9000", FALSE, "bucket", "", "delete=", "http://bucket.s3.localhost:9000/?delete=" },
    /* keys keep '.' segments and empty segments */
    { "http://127.0.0.1:1", TRUE, "b", "a/../b/./c//d", NULL, "http://127.0.0.1:1/b/a/../b/./c//d" },
    { "http://127.0.0.1:1", TRUE, "b", "100%/x=y", NULL, "http://127.0.0.1:1/b/100%25/x%3Dy" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = url (cases[i].endpoint, cases[i].path, cases[i].bucket, cases[i].key,
                                  cases[i].query);
      assert_string_equal (got, cases[i].want);
    }
}

static void
test_url_bad_endpoint (void **state)
{
  (void) state;
  const char *bad[] = { "ftp://host", "http://", "http://user:pw@host", "http://host/?q=1",
                        "http://host/#f", "http://[::1" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      MsS3Options o = { .endpoint = (char *) bad[i] };
      g_autoptr (GError) e = NULL;
      char *u = ms_s3_url (&o, "us-east-1", "b", "k", NULL, &e);
      assert_null (u);
      assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_INVALID_INPUT));
      assert_non_null (strstr (e->message, "s3.endpoint"));
      assert_null (strstr (e->message, ":pw@"));
    }
}

/* ---- XML ---- */

static const char listing_page[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
  "<Name>bucket</Name><Prefix>t/</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>"
  "<IsTruncated>true</IsTruncated>"
  "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
  "<Contents><Key>t/a &amp; b.json</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>"
  "<ETag>&quot;abc&quot;</ETag><Size>3</Size><Owner><ID>o</ID><DisplayName>Key</DisplayName></Owner>"
  "<StorageClass>STANDARD</StorageClass></Contents>"
  "<Contents><Key>t/日本/x</Key><Size>x1</Size></Contents>"
  "<Contents><Key><![CDATA[t/<cdata>]]></Key></Contents>"
  "<CommonPrefixes><Prefix>t/p/</Prefix></CommonPrefixes>"
  "</ListBucketResult>";

static void
test_parse_listing (void **state)
{
  (void) state;
  g_auto (MsS3Listing) l = { 0 };
  g_autoptr (GError) e = NULL;
  assert_true (ms_s3_parse_listing (listing_page, strlen (listing_page), &l, &e));
  assert_int_equal (l.keys->len, 3);
  assert_string_equal (g_ptr_array_index (l.keys, 0), "t/a & b.json");
  assert_string_equal (g_ptr_array_index (l.keys, 1), "t/日本/x");
  assert_string_equal (g_ptr_array_index (l.keys, 2), "t/<cdata>");
  /* LastModified per key, -1 where the reply has none */
  assert_int_equal (l.modified->len, 3);
  assert_int_equal (g_array_index (l.modified, gint64, 0), 1704067200);
  assert_int_equal (g_array_index (l.modified, gint64, 1), -1);
  assert_int_equal (g_array_index (l.modified, gint64, 2), -1);
  /* Size per key, -1 where the reply has none */
  assert_int_equal (l.sizes->len, 3);
  assert_int_equal (g_array_index (l.sizes, gint64, 0), 3);
  assert_int_equal (g_array_index (l.sizes, gint64, 1), -1);
  assert_int_equal (g_array_index (l.sizes, gint64, 2), -1);
  assert_true (l.truncated);
  assert_string_equal (l.next_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");

  const char last[] = "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>";
  assert_true (ms_s3_parse_listing (last, strlen (last), &l, NULL));
  assert_int_equal (l.keys->len, 0);
  assert_false (l.truncated);
  assert_null (l.next_token);
}

static void
test_parse_listing_url_encoded (void **state)
{
  (void) state;
  /* S3 with encoding-type=url: form-encoded keys, said so in EncodingType */
  const char enc[] = "<ListBucketResult><EncodingType>url</EncodingType>"
                     "<Contents><Key>t/a+b%2Bc%25d%3De</Key></Contents>"
                     "<Contents><Key>t/%E6%97%A5%0D%01</Key></Contents>"
                     "<IsTruncated>false</IsTruncated></ListBucketResult>";
  g_auto (MsS3Listing) l = { 0 };
  assert_true (ms_s3_parse_listing (enc, strlen (enc), &l, NULL));
  assert_int_equal (l.keys->len, 2);
  assert_string_equal (g_ptr_array_index (l.keys, 0), "t/a b+c%d=e");
  assert_string_equal (g_ptr_array_index (l.keys, 1), "t/日\r\001");
  /* a store that ignores encoding-type sends keys as they are */
  const char raw[] = "<ListBucketResult><Contents><Key>t/a+b%2B</Key></Contents></ListBucketResult>";
  assert_true (ms_s3_parse_listing (raw, strlen (raw), &l, NULL));
  assert_string_equal (g_ptr_array_index (l.keys, 0), "t/a+b%2B");
  const char *bad[] = { "%", "%2", "%zz", "%00", "%FF" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *doc = g_strdup_printf ("<ListBucketResult><EncodingType>url</EncodingType>"
                                              "<Contents><Key>t/%s</Key></Contents></ListBucketResult>",
                                              bad[i]);
      g_auto (MsS3Listing) l2 = { 0 };
      g_autoptr (GError) e = NULL;
      assert_false (ms_s3_parse_listing (doc, strlen (doc), &l2, &e));
      assert_null (l2.keys);
    }
}

static void
test_parse_listing_errors (void **state)
{
  (void) state;
  const char *bad[] = {
    "",
    "not xml",
    "<Error><Code>AccessDenied</Code></Error>",
    "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
    "<ListBucketResult><IsTruncated>maybe</IsTruncated></ListBucketResult>",
    "<ListBucketResult><Contents><Key>a</Key></Contents>",
    "<ListBucketResult></ListBucketResult><ListBucketResult></ListBucketResult>",
    "<ListBucketResult><Contents><Key>a&bogus;</Key></Contents></ListBucketResult>",
    "<ListBucketResult><Contents><Key>\xff</Key></Contents></ListBucketResult>",
    "<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a></a>",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto (MsS3Listing) l = { 0 };
      g_autoptr (GError) e = NULL;
      assert_false (ms_s3_parse_listing (bad[i], strlen (bad[i]), &l, &e));
      assert_non_null (e);
      assert_null (l.keys);
      assert_null (l.next_token);
    }
  g_autofree char *deep = g_strdup ("<ListBucketResult>");
  for (int i = 0; i < 20; i++)
    {
      char *t = g_strconcat (deep, "<x>", NULL);
      g_free (deep);
      deep = t;
    }
  g_auto (MsS3Listing) l = { 0 };
  g_autoptr (GError) e = NULL;
  assert_false (ms_s3_parse_listing (deep, strlen (deep), &l, &e));
  assert_non_null (strstr (e->message, "deeper"));
}

static void
test_parse_error (void **state)
{
  (void) state;
  const char doc[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code>"
                     "<Message>The request signature we calculated does not match</Message>"
                     "<StringToSign>AWS4-HMAC-SHA256</StringToSign><RequestId>1</RequestId></Error>";
  g_autofree char *code = NULL, *message = NULL;
  assert_true (ms_s3_parse_error (doc, strlen (doc), &code, &message));
  assert_string_equal (code, "SignatureDoesNotMatch");
  assert_string_equal (message, "The request signature we calculated does not match");
  g_autofree char *c2 = NULL, *m2 = NULL;
  assert_true (ms_s3_parse_error ("<Error/>", 8, &c2, &m2));
  assert_null (c2);
  assert_null (m2);
  g_autofree char *c3 = NULL, *m3 = NULL;
  assert_false (ms_s3_parse_error ("<html>502</html>", 16, &c3, &m3));
  assert_null (c3);
  assert_false (ms_s3_parse_error ("Bad Gateway", 11, &c3, &m3));
  assert_false (ms_s3_parse_error (NULL, 0, &c3, &m3));
}

static void
test_delete_body_and_result (void **state)
{
  (void) state;
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (keys, g_strdup ("t/a"));
  g_ptr_array_add (keys, g_strdup ("t/<b> & \"c\""));
  g_ptr_array_add (keys, g_strdup ("t/d"));
  g_autofree char *body = ms_s3_delete_body (keys, 1, 5);
  assert_non_null (strstr (body, "<Quiet>true</Quiet>"));
  assert_non_null (strstr (body, "<Object><Key>t/&lt;b&gt; &amp; &quot;c&quot;</Key></Object>"
                                 "<Object><Key>t/d</Key></Object></Delete>"));
  assert_null (strstr (body, "<Key>t/a</Key>"));

  const char ok[] = "<DeleteResult><Deleted><Key>t/a</Key></Deleted></DeleteResult>";
  guint n = 99;
  g_autofree char *k = NULL, *c = NULL, *m = NULL;
  assert_true (ms_s3_parse_delete_result (ok, strlen (ok), &n, &k, &c, &m, NULL));
  assert_int_equal (n, 0);
  assert_null (k);
  const char failed[] = "<DeleteResult><Error><Key>t/x</Key><Code>AccessDenied</Code>"
                        "<Message>Access Denied</Message></Error><Deleted><Key>t/y</Key></Deleted>"
                        "<Error><Key>t/z</Key><Code>InternalError</Code></Error></DeleteResult>";
  g_autofree char *k2 = NULL, *c2 = NULL, *m2 = NULL;
  assert_true (ms_s3_parse_delete_result (failed, strlen (failed), &n, &k2, &c2, &m2, NULL));
  assert_int_equal (n, 2);
  assert_string_equal (k2, "t/x");
  assert_string_equal (c2, "AccessDenied");
  assert_string_equal (m2, "Access Denied");
  assert_true (ms_s3_key_xml_safe ("t/a b\tc\nd日"));
  assert_false (ms_s3_key_xml_safe ("t/a\rb"));
  assert_false (ms_s3_key_xml_safe ("t/\001"));
  g_autofree char *k3 = NULL, *c3 = NULL, *m3 = NULL;
  g_autoptr (GError) e = NULL;
  assert_false (ms_s3_parse_delete_result ("<Error><Code>NotImplemented</Code></Error>", 42, &n,
                                           &k3, &c3, &m3, &e));
  assert_int_equal (n, 0);
  assert_non_null (e);
}

/* ---- configuration ---- */

static void
test_config_options (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  MsS3Options o = ms_storage_s3_options (c);
  assert_null (o.endpoint);
  assert_null (o.region);
  assert_false (o.path_style);
  assert_null (o.access_key);
  assert_int_equal (o.timeout_s, 30);
  char *env[] = { "METASTORE_S3_ENDPOINT=http://127.0.0.1:9000", "METASTORE_S3_PATH_STYLE=Yes",
                  "METASTORE_S3_ACCESS_KEY=ak", "METASTORE_S3_SECRET_KEY=sk",
                  "METASTORE_S3_TIMEOUT_S=5", NULL };
  assert_true (ms_config_load_env (c, env, NULL));
  assert_true (ms_config_validate (c, NULL));
  o = ms_storage_s3_options (c);
  assert_string_equal (o.endpoint, "http://127.0.0.1:9000");
  assert_true (o.path_style);
  assert_string_equal (o.access_key, "ak");
  assert_string_equal (o.secret_key, "sk");
  assert_int_equal (o.timeout_s, 5);
  const char *falses[] = { "false", "NO", "off", "0" };
  for (gsize i = 0; i < G_N_ELEMENTS (falses); i++)
    {
      assert_true (ms_config_set (c, "s3", "path_style", falses[i], "t", NULL));
      assert_int_equal (c->s3_path_style, 0);
    }
  g_autoptr (GError) e = NULL;
  assert_false (ms_config_set (c, "s3", "path_style", "sometimes", "t", &e));
  assert_non_null (strstr (e->message, "true or false"));
}

static void
test_config_validation (void **state)
{
  (void) state;
  g_autoptr (MsConfig) c = ms_config_new_defaults ();
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL;
  assert_true (ms_config_set (c, "s3", "secret_key", "TopSecret42", "t", NULL));
  assert_false (ms_config_validate (c, &e1));
  assert_non_null (strstr (e1->message, "s3.access_key"));
  assert_null (strstr (e1->message, "TopSecret42"));
  assert_true (ms_config_set (c, "s3", "access_key", "ak", "t", NULL));
  assert_true (ms_config_validate (c, NULL));
  assert_true (ms_config_set (c, "s3", "endpoint", "ftp://x", "t", NULL));
  assert_false (ms_config_validate (c, &e2));
  assert_non_null (strstr (e2->message, "s3.endpoint"));
  assert_true (ms_config_set (c, "s3", "endpoint", "minio:9000", "t", NULL));
  assert_true (ms_config_set (c, "s3", "access_key", "", "t", NULL));
  assert_true (ms_config_set (c, "s3", "secret_key", "", "t", NULL));
  assert_true (ms_config_set (c, "s3", "session_token", "tok", "t", NULL));
  assert_false (ms_config_validate (c, &e3));
  assert_non_null (strstr (e3->message, "s3.session_token"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_location),
    cmocka_unit_test (test_parse_location_errors),
    cmocka_unit_test (test_encode),
    cmocka_unit_test (test_url),
    cmocka_unit_test (test_url_bad_endpoint),
    cmocka_unit_test (test_parse_listing),
    cmocka_unit_test (test_parse_listing_url_encoded),
    cmocka_unit_test (test_parse_listing_errors),
    cmocka_unit_test (test_parse_error),
    cmocka_unit_test (test_delete_body_and_result),
    cmocka_unit_test (test_config_options),
    cmocka_unit_test (test_config_validation),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
