/*
 * sts.c: temporary credentials from the object store's STS (AssumeRole, as
 * AWS and MinIO serve it): one form POST signed by libcurl's SigV4 with the
 * server's own S3 keys (the S3 client of storage_s3.c, service "sts"), its
 * XML reply read by storage_s3_xml.c. Entry point: ms_sts_assume_role. The
 * credentials and the session policy are never logged.
 */
#include "storage/sts.h"
#include "storage/storage_internal.h"
#include "core/log.h"
#include <string.h>

static void
form_add (GString *body, const char *name, const char *value)
{
  if (body->len)
    g_string_append_c (body, '&');
  g_string_append (body, name);
  g_string_append_c (body, '=');
  ms_s3_encode (body, value, FALSE);
}

/* The failure of a refused AssumeRole: the STS's code and message. */
static gboolean
sts_fail (GError **error, const char *endpoint, long status, GByteArray *reply)
{
  g_autofree char *code = NULL, *message = NULL;
  if (reply && reply->len
      && ms_sts_parse_error ((const char *) reply->data, reply->len, &code, &message))
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "storage: STS AssumeRole at %s: %ld %s: %.300s",
                    endpoint, status, code ? code : "Error", message ? message : "(no message)");
  return ms_fail (error, MS_ERROR_UNAVAILABLE, "storage: STS AssumeRole at %s: HTTP %ld",
                  endpoint, status);
}

gboolean
ms_sts_assume_role (MsStorage *st, const MsStsOptions *o, const char *policy,
                    MsStsCredentials *out, GError **error)
{
  if (o->endpoint == NULL)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "no STS is configured (storage.sts_endpoint)");
  g_auto (MsS3Client) c = { 0 };
  if (!ms_s3_client_open (&c, st, "POST", o->endpoint, error))
    return FALSE;
  g_free (c.sigv4);
  c.sigv4 = g_strdup_printf ("aws:amz:%s:sts", o->region ? o->region : c.region);
  g_autoptr (GString) body = g_string_new (NULL);
  form_add (body, "Action", "AssumeRole");
  form_add (body, "Version", "2011-06-15");
  g_autofree char *duration = g_strdup_printf ("%d", o->duration_s > 0 ? o->duration_s : 3600);
  form_add (body, "DurationSeconds", duration);
  if (o->role_arn != NULL)
    form_add (body, "RoleArn", o->role_arn);
  form_add (body, "RoleSessionName", o->session_name ? o->session_name : "metastore");
  if (policy != NULL)
    form_add (body, "Policy", policy);
  MsS3Req r = {
    .method = "POST",
    .uri = o->endpoint,
    .url = o->endpoint,
    .body = body->str,
    .body_len = body->len,
    .content_type = "application/x-www-form-urlencoded",
    .max_reply = 1 << 20,
  };
  long status = 0;
  g_autoptr (GByteArray) reply = NULL;
  g_autoptr (GError) err = NULL;
  if (!ms_s3_perform (&c, &r, &status, &reply, &err))
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "storage: STS AssumeRole at %s: %s",
                    o->endpoint, err->message);
  if (status != 200)
    return sts_fail (error, o->endpoint, status, reply);
  if (!ms_sts_parse_credentials ((const char *) reply->data, reply->len, out, &err))
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "storage: STS AssumeRole at %s: %s",
                    o->endpoint, err->message);
  memset (reply->data, 0, reply->len);
  ms_debug ("STS AssumeRole at %s: credentials until %" G_GINT64_FORMAT " ms", o->endpoint,
            out->expires_at_ms);
  return TRUE;
}
