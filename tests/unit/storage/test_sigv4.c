/* test_sigv4.c: our SigV4 signer (storage/sigv4.h) against AWS's published
 * test vectors: the Signature Version 4 test suite's get-vanilla and
 * get-vanilla-query-order-key-case (credentials AKIDEXAMPLE, 2015-08-30),
 * and the S3 documentation's GET object example with a Range header
 * (AKIAIOSFODNN7EXAMPLE, examplebucket, 2013-05-24). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "core/error.h"
#include "storage/sigv4.h"

static const MsSigV4Key suite_key = {
  "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service",
};
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static GPtrArray *
pairs (const char *first, ...)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (g_free);
  va_list ap;
  va_start (ap, first);
  for (const char *s = first; s; s = va_arg (ap, const char *))
    g_ptr_array_add (a, g_strdup (s));
  va_end (ap);
  return a;
}

static void
test_get_vanilla (void **state)
{
  (void) state;
  g_autoptr (GPtrArray) h = pairs ("Host", "example.amazonaws.com",
                                   "X-Amz-Date", "20150830T123600Z", NULL);
  g_autofree char *auth = ms_sigv4_authorization (&suite_key, "20150830T123600Z", "GET",
                                                  "https://example.amazonaws.com/", h,
                                                  EMPTY_SHA256, NULL);
  assert_string_equal (auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
                       "service/aws4_request, SignedHeaders=host;x-amz-date, "
                       "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

static void
test_query_order (void **state)
{
  (void) state;
  /* host from the URL when the headers have none */
  g_autoptr (GPtrArray) h = pairs ("X-Amz-Date", "20150830T123600Z", NULL);
  g_autofree char *auth = ms_sigv4_authorization (
      &suite_key, "20150830T123600Z", "GET",
      "https://example.amazonaws.com/?Param2=value2&Param1=value1", h, EMPTY_SHA256, NULL);
  assert_non_null (strstr (auth, "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
}

static void
test_s3_get_object (void **state)
{
  (void) state;
  const MsSigV4Key key = { "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                           "us-east-1", "s3" };
  /* the client's headers: Range and the payload hash are signed, the
   * user agent is not, its own Host is ignored (the URL's is signed) */
  g_autoptr (GPtrArray) h = pairs ("Range", "bytes=0-9", "x-amz-content-sha256", EMPTY_SHA256,
                                   "User-Agent", "test", "Host", "elsewhere.example", NULL);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  assert_true (ms_sigv4_sign_s3 (&key, NULL, 1369353600, "GET",
                                 "https://examplebucket.s3.amazonaws.com/test.txt", h, out, NULL));
  /* X-Amz-Date and Authorization only: the client sent the payload hash */
  assert_int_equal (out->len, 4);
  assert_string_equal (out->pdata[0], "X-Amz-Date");
  assert_string_equal (out->pdata[1], "20130524T000000Z");
  assert_string_equal (out->pdata[2], "Authorization");
  assert_string_equal (out->pdata[3],
                       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                       "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                       "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

static void
test_s3_added_headers (void **state)
{
  (void) state;
  const MsSigV4Key key = { "AK", "SK", "us-east-1", "s3" };
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  assert_true (ms_sigv4_sign_s3 (&key, "TOKEN", 1369353600, "PUT",
                                 "http://127.0.0.1:9000/b/k%20x?partNumber=1&uploadId=a+b", NULL,
                                 out, NULL));
  assert_int_equal (out->len, 8);
  assert_string_equal (out->pdata[2], "x-amz-content-sha256");
  assert_string_equal (out->pdata[3], "UNSIGNED-PAYLOAD");
  assert_string_equal (out->pdata[4], "X-Amz-Security-Token");
  assert_string_equal (out->pdata[5], "TOKEN");
  assert_non_null (strstr (out->pdata[7], "SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                                          "x-amz-security-token,"));
}

static void
test_errors (void **state)
{
  (void) state;
  g_autoptr (GError) err = NULL;
  assert_null (ms_sigv4_authorization (&suite_key, "20150830T123600Z", "GET", "ftp://x/", NULL,
                                       EMPTY_SHA256, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_INPUT));
  g_clear_error (&err);
  assert_null (ms_sigv4_authorization (&suite_key, "yesterday", "GET", "http://x/", NULL,
                                       EMPTY_SHA256, &err));
  g_clear_error (&err);
  assert_null (ms_sigv4_authorization (&suite_key, "20150830T123600Z", "GET", "http://x/?a=%zz",
                                       NULL, EMPTY_SHA256, &err));
  g_clear_error (&err);
  assert_null (ms_sigv4_authorization (&suite_key, "20150830T123600Z", "GET",
                                       "http://user@x/", NULL, EMPTY_SHA256, &err));
}

static void
test_split_url (void **state)
{
  (void) state;
  g_autofree char *host = NULL, *path = NULL, *query = NULL;
  assert_true (ms_sigv4_split_url ("http://Bucket.Host:9000?list-type=2", &host, &path, &query));
  assert_string_equal (host, "bucket.host:9000");
  assert_string_equal (path, "/");
  assert_string_equal (query, "list-type=2");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_get_vanilla),
    cmocka_unit_test (test_query_order),
    cmocka_unit_test (test_s3_get_object),
    cmocka_unit_test (test_s3_added_headers),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_split_url),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
