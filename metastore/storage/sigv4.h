/*
 * sigv4.h: AWS Signature Version 4 for requests this server does not send
 * itself (remote signing: a client sends the request, we only sign it).
 * libcurl signs what it sends (CURLOPT_AWS_SIGV4) but cannot sign a request
 * it does not perform, so this is our own small signer over OpenSSL's
 * HMAC/SHA-256 (sigv4.c). Keys and signatures are never logged.
 */
#pragma once
#include <glib.h>

/* The payload hash S3 accepts when the body is not signed. */
#define MS_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

typedef struct {
  const char *access_key;
  const char *secret_key;
  const char *region;          /* "us-east-1" */
  const char *service;         /* "s3", "sts" */
} MsSigV4Key;

/* The Authorization header value of a request: 'method', 'url'
 * (scheme://host[:port]/path?query, the path as sent: not re-encoded, S3
 * style; the query's names and values decoded and re-encoded, sorted),
 * 'headers' (name, value, name, value ...: exactly the headers to sign;
 * "host" is taken from the URL when absent), 'amz_date' (YYYYMMDDTHHMMSSZ,
 * also sent as X-Amz-Date) and 'payload_hash' (hex SHA-256 of the body or
 * MS_SIGV4_UNSIGNED_PAYLOAD). MS_ERROR_INVALID_INPUT for a URL that is not
 * http(s) or a malformed date. Caller frees. */
char *ms_sigv4_authorization (const MsSigV4Key *key, const char *amz_date, const char *method,
                              const char *url, const GPtrArray *headers,
                              const char *payload_hash, GError **error);

/* Sign an S3 request a client is going to send: of 'headers' (name, value
 * pairs as the client has them) the ones S3 wants signed (content-md5,
 * content-type, range and every x-amz-*) are signed with the host of
 * 'url'; the reply headers to add are appended to 'out' (name, value ...):
 * X-Amz-Date, x-amz-content-sha256 (UNSIGNED-PAYLOAD) when the client
 * sent none, X-Amz-Security-Token with 'session_token', Authorization.
 * 'now' is the signing time (seconds since the epoch). */
gboolean ms_sigv4_sign_s3 (const MsSigV4Key *key, const char *session_token, gint64 now,
                           const char *method, const char *url, const GPtrArray *headers,
                           GPtrArray *out, GError **error);

/* Lower-case hex SHA-256 of 'len' bytes (65 bytes with the NUL). */
void ms_sigv4_sha256_hex (const void *data, gsize len, char out[65]);

/* Split an http(s) URL into its host[:port], path (at least "/") and raw
 * query (NULL when none); FALSE for anything else. Caller frees. */
gboolean ms_sigv4_split_url (const char *url, char **host, char **path, char **query);
