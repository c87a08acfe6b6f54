/*
 * sts.h: short-lived credentials from the object store's STS (sts.c):
 * AssumeRole with a session policy, as AWS STS and MinIO serve it.
 */
#pragma once
#include "storage/storage.h"
#include "storage/storage_s3.h"

typedef struct {
  char *endpoint;              /* storage.sts_endpoint; NULL: no STS */
  char *role_arn;              /* storage.sts_role_arn; NULL: none sent (MinIO) */
  char *region;                /* signing region; NULL: the S3 region */
  char *session_name;          /* RoleSessionName; NULL: "metastore" */
  int duration_s;              /* DurationSeconds; 0: 3600 */
} MsStsOptions;

/* AssumeRole at o->endpoint, signed (SigV4, service "sts") with the keys
 * of 'st', restricted by the session 'policy' (IAM JSON; NULL: none).
 * MS_ERROR_NOT_ALLOWED when no endpoint is configured; MS_ERROR_UNAVAILABLE
 * when the STS refuses or answers nonsense (its code and message, never
 * the credentials); 'out' (zeroed by the caller) owns the result. */
gboolean ms_sts_assume_role (MsStorage *st, const MsStsOptions *o, const char *policy,
                             MsStsCredentials *out, GError **error);
