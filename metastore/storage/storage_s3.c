/*
 * storage_s3.c: S3 objects (s3://bucket/key) through libcurl with its AWS
 * SigV4 signing. Not yet written: every call answers a clear error.
 */
#include "storage/storage_internal.h"
#include "core/error.h"

static gboolean
not_yet (const char *uri, GError **error)
{
  return ms_fail (error, MS_ERROR_INVALID_OPERATION, "storage: S3 locations are not served yet: %s",
                  uri);
}

GBytes *
ms_storage_s3_get (MsStorage *st, const char *uri, GError **error)
{
  (void) st;
  not_yet (uri, error);
  return NULL;
}

gboolean
ms_storage_s3_put (MsStorage *st, const char *uri, const void *data, gsize len, GError **error)
{
  (void) st; (void) data; (void) len;
  return not_yet (uri, error);
}

gboolean
ms_storage_s3_exists (MsStorage *st, const char *uri, GError **error)
{
  (void) st;
  return not_yet (uri, error);
}

gboolean
ms_storage_s3_delete_all (MsStorage *st, const char *uri, GError **error)
{
  (void) st;
  return not_yet (uri, error);
}
