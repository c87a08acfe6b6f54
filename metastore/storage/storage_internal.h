/*
 * storage_internal.h: the MsStorage context, the S3 entry points the
 * scheme dispatch in storage_object.c calls, and the S3 client that
 * storage_s3.c (objects) and storage_s3_dir.c (directories) share.
 */
#pragma once
#include "storage/storage.h"
#include "storage/storage_s3.h"
#include "core/error.h"
#include <curl/curl.h>

struct _MsStorage {
  MsS3Options s3;              /* owned copies */
};

gboolean ms_storage_is_s3 (const char *uri);
GBytes *ms_storage_s3_get (MsStorage *st, const char *uri, GError **error);
gboolean ms_storage_s3_put (MsStorage *st, const char *uri, const void *data, gsize len,
                            GError **error);
gboolean ms_storage_s3_exists (MsStorage *st, const char *uri, GError **error);
gboolean ms_storage_s3_delete_all (MsStorage *st, const char *uri, GError **error);
gboolean ms_storage_s3_make_dir (MsStorage *st, const char *uri, GError **error);
gboolean ms_storage_s3_dir_exists (MsStorage *st, const char *uri, gboolean *exists,
                                   GError **error);
gboolean ms_storage_s3_move_dir (MsStorage *st, const char *from, const char *to,
                                 GError **error);
GPtrArray *ms_storage_s3_list_files (MsStorage *st, const char *uri, GError **error);
gboolean ms_storage_s3_survey (MsStorage *st, const char *uri, MsStorageSurvey *out,
                               GError **error);
/* A new MsStorageFile (name copied). */
MsStorageFile *ms_storage_file_new (const char *name, gint64 modified);

/* ---- the S3 client (storage_s3.c) ---- */

/* One call's resolved settings and libcurl handle (its connection is
 * reused by every request of the call). */
typedef struct {
  const MsS3Options *o;
  const char *method;          /* of the operation, for messages */
  const char *uri;             /* the location as given, for messages */
  char *region;
  const char *access_key, *secret_key, *session_token;   /* borrowed */
  char *sigv4;                 /* "aws:amz:<region>:s3" */
  CURL *h;                     /* the thread's handle (borrowed) */
  gboolean no_multi_delete;    /* the store answered DeleteObjects 501 */
} MsS3Client;


/* One HTTP request of a call. */
typedef struct {
  const char *method;          /* GET, HEAD, PUT, POST, DELETE */
  const char *uri;             /* what the message names */
  const char *url;
  const void *body;            /* PUT/POST */
  gsize body_len;
  const char *content_type;    /* NULL: none */
  gboolean content_md5;        /* send Content-MD5 of the body */
  gsize max_reply;
  const char *copy_source;     /* x-amz-copy-source ("/bucket/key", encoded) or NULL */
} MsS3Req;


/* Resolve the settings of one call ('method' and 'uri' name it in
 * messages) and open its handle; clear with ms_s3_client_clear. */
gboolean ms_s3_client_open (MsS3Client *c, MsStorage *st, const char *method, const char *uri,
                            GError **error);
void ms_s3_client_clear (MsS3Client *c);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsS3Client, ms_s3_client_clear)
/* Perform 'r' (5xx replies and dropped connections retried): TRUE with the
 * status and the reply body (caller owns it) when a reply came. */
gboolean ms_s3_perform (MsS3Client *c, const MsS3Req *r, long *status, GByteArray **reply,
                        GError **error);
/* Fail with "storage: s3 <METHOD> <uri>: <status> <Code>: <Message>". */
gboolean ms_s3_fail_reply (GError **error, MsErrorCode code, const char *method, const char *uri,
                           long status, GByteArray *reply);
/* The S3 error code of a reply, or NULL. */
char *ms_s3_reply_code (GByteArray *reply);
/* "<scheme>://<bucket>/<key>" in the scheme 'uri' used, for messages. */
char *ms_s3_key_uri (const char *uri, const char *bucket, const char *key);
/* Delete 'keys' of loc->bucket (DeleteObjects batches, single DELETEs where
 * needed). */
gboolean ms_s3_delete_keys (MsS3Client *c, const MsS3Location *loc, GPtrArray *keys,
                            GError **error);
/* One ListObjectsV2 page of 'prefix' in loc->bucket from 'token' (NULL:
 * the first), at most 'max_keys' (0: the store's default of 1000); every
 * key is checked to start with 'prefix'. */
gboolean ms_s3_list_page (MsS3Client *c, const MsS3Location *loc, const char *prefix,
                          const char *token, guint max_keys, MsS3Listing *page, GError **error);
