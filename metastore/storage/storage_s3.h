/*
 * storage_s3.h: the parts of the S3 client that touch no network, exported
 * for the unit tests and the fuzz target: S3 locations, the request URLs and
 * S3's percent-encoding (storage_s3.c), and the XML replies and request
 * bodies (storage_s3_xml.c).
 */
#pragma once
#include "storage/storage.h"

/* Replies are read into memory up to these sizes. */
#define MS_S3_MAX_OBJECT_BYTES ((gsize) 1 << 30)   /* GET of an object */
#define MS_S3_MAX_REPLY_BYTES ((gsize) 16 << 20)   /* listings, errors, delete results */
/* Keys per ListObjectsV2 page and per DeleteObjects request (S3's limits). */
#define MS_S3_BATCH 1000

/* ---- locations and URLs (storage_s3.c) ---- */

typedef struct {
  char *bucket;
  char *key;                   /* literal (no percent-decoding); "" for the bucket root */
} MsS3Location;

/* Split "s3://bucket/key" (also s3a://, s3n://). The key is taken
 * literally, as Hadoop's Path and Iceberg's S3URI do. The bucket must be
 * 1..255 characters of [A-Za-z0-9._-]. MS_ERROR_INVALID_INPUT otherwise. */
gboolean ms_s3_parse_location (const char *uri, MsS3Location *out, GError **error);
void ms_s3_location_clear (MsS3Location *loc);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsS3Location, ms_s3_location_clear)

/* Append 's' percent-encoded as AWS SigV4 and S3 want it: the unreserved
 * bytes A-Z a-z 0-9 - _ . ~ as they are, '/' kept when 'keep_slash' (object
 * keys in paths), every other byte as %XX with upper-case hex. */
void ms_s3_encode (GString *out, const char *s, gboolean keep_slash);

/* The URL of 'key' in 'bucket' ("" for the bucket itself), with 'query'
 * (already canonical: sorted, encoded; NULL for none) appended. Path style
 * (<endpoint>/<bucket>/<key>) when o->path_style, when the endpoint's host
 * is an IP literal or "localhost", or when the bucket is not a DNS-safe
 * name (lower-case letters, digits, '-', no '.' over https); virtual-host
 * style (<scheme>://<bucket>.<host>/<key>) otherwise. The endpoint is
 * o->endpoint (no scheme: https) or https://s3.<region>.amazonaws.com;
 * 'region' is the effective region. NULL with MS_ERROR_INVALID_INPUT for an
 * unusable endpoint. */
char *ms_s3_url (const MsS3Options *o, const char *region, const char *bucket, const char *key,
                 const char *query, GError **error);

/* ---- XML replies and bodies (storage_s3_xml.c) ---- */

typedef struct {
  GPtrArray *keys;             /* char *, in reply order */
  GArray *modified;            /* gint64 per key: its LastModified in Unix
                                  seconds, -1 when the reply had none */
  GArray *sizes;               /* gint64 per key: its Size in bytes, -1
                                  when the reply had none (or a bad one) */
  gboolean truncated;          /* IsTruncated */
  char *next_token;            /* NextContinuationToken, or NULL */
} MsS3Listing;

void ms_s3_listing_clear (MsS3Listing *l);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsS3Listing, ms_s3_listing_clear)

/* Parse a ListObjectsV2 reply (root ListBucketResult). On success 'out'
 * (zero-initialised by the caller) holds the keys of the page, URL-decoded
 * when the reply says <EncodingType>url</EncodingType> (the client asks for
 * encoding-type=url, since XML 1.0 cannot carry every key byte; stores that
 * ignore it send keys as they are, and say nothing); on failure 'out' is
 * left empty and 'error' says why (MS_ERROR_INTERNAL). */
gboolean ms_s3_parse_listing (const char *xml, gsize len, MsS3Listing *out, GError **error);

/* Code and Message of an S3 error reply (<Error><Code>..</Code>
 * <Message>..</Message></Error>); FALSE (and NULLs) when 'xml' is not one.
 * Either may be NULL on success when the reply lacks it. */
gboolean ms_s3_parse_error (const char *xml, gsize len, char **code, char **message);

/* Whether 'key' survives an XML request body unchanged (no control
 * characters but tab and newline; a CR would be read back as LF). Other
 * keys are deleted one by one. */
gboolean ms_s3_key_xml_safe (const char *key);

/* The DeleteObjects request body for keys[from .. from+n), quiet mode.
 * Every key must be ms_s3_key_xml_safe(). */
char *ms_s3_delete_body (GPtrArray *keys, guint from, guint n);

/* Parse a DeleteObjects reply (root DeleteResult): how many keys failed,
 * and the first failure's key, code and message (NULL when none). */
gboolean ms_s3_parse_delete_result (const char *xml, gsize len, guint *n_errors, char **key,
                                    char **code, char **message, GError **error);

/* ---- STS (storage_s3_xml.c; the client is sts.c) ---- */

/* Temporary credentials from AssumeRole. Secret-bearing: never logged. */
typedef struct {
  char *access_key;
  char *secret_key;
  char *session_token;
  gint64 expires_at_ms;        /* Expiration, ms since the epoch */
} MsStsCredentials;

/* Frees (and wipes) the strings; 'c' is left zeroed. */
void ms_sts_credentials_clear (MsStsCredentials *c);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsStsCredentials, ms_sts_credentials_clear)

/* The Credentials of an AssumeRole reply (root AssumeRoleResponse) into
 * 'out' (zeroed by the caller): all four members, or FALSE (MS_ERROR_INTERNAL)
 * and 'out' left empty. */
gboolean ms_sts_parse_credentials (const char *xml, gsize len, MsStsCredentials *out,
                                   GError **error);
/* Code and Message of an STS error reply (<ErrorResponse><Error>...). */
gboolean ms_sts_parse_error (const char *xml, gsize len, char **code, char **message);

/* The keys of a DeleteObjects request body (<Delete><Object><Key>), in
 * order; NULL (MS_ERROR_INTERNAL) when it is not one. */
GPtrArray *ms_s3_parse_delete_request (const char *xml, gsize len, GError **error);
