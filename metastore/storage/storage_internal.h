/*
 * storage_internal.h: the MsStorage context and the S3 entry points the
 * scheme dispatch in storage_object.c calls.
 */
#pragma once
#include "storage/storage.h"

struct _MsStorage {
  MsS3Options s3;              /* owned copies */
};

gboolean ms_storage_is_s3 (const char *uri);
GBytes *ms_storage_s3_get (MsStorage *st, const char *uri, GError **error);
gboolean ms_storage_s3_put (MsStorage *st, const char *uri, const void *data, gsize len,
                            GError **error);
gboolean ms_storage_s3_exists (MsStorage *st, const char *uri, GError **error);
gboolean ms_storage_s3_delete_all (MsStorage *st, const char *uri, GError **error);
