/*
 * delegation.h: data access for clients that hold no storage keys, a rule
 * of no door (delegation.c): short-lived credentials vended from the
 * object store's STS, scoped by a session policy to one table location
 * (cached per location and scope until close to expiry), and remote
 * signing of a client's S3 request after checking its method and that it
 * lies under the table's location. Thread-safe. Nothing secret is logged.
 */
#pragma once
#include "core/config.h"
#include "storage/storage.h"
#include "storage/sts.h"

typedef enum {
  MS_DELEGATE_READ,            /* GetObject, ListBucket under the prefix */
  MS_DELEGATE_WRITE,           /* and PutObject, DeleteObject, multipart uploads */
} MsDelegateScope;

typedef struct _MsDelegation MsDelegation;

/* From the storage.sts_*, storage.vend_*, storage.remote_signing and
 * storage.read_only_principals keys; 's3' and 'storage' are borrowed (the
 * server's S3 settings and client). Never NULL. */
MsDelegation *ms_delegation_new (const MsConfig *cfg, const MsS3Options *s3, MsStorage *storage);
void ms_delegation_free (MsDelegation *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsDelegation, ms_delegation_free)

/* Is an STS configured (vended credentials served)? */
gboolean ms_delegation_vends (const MsDelegation *d);
/* Is remote signing on (storage.remote_signing)? */
gboolean ms_delegation_signs (const MsDelegation *d);
/* The server's S3 settings (borrowed). */
const MsS3Options *ms_delegation_s3 (const MsDelegation *d);
/* storage.signer_uri, or NULL. */
const char *ms_delegation_signer_uri (const MsDelegation *d);
/* The scope of a principal ('subject' NULL: no authentication):
 * read-only when storage.read_only_principals names it. */
MsDelegateScope ms_delegation_scope_of (const MsDelegation *d, const char *subject);

/* The IAM session policy allowing 'scope' on the objects under 'location'
 * (s3://bucket/key..., s3a:// and s3n:// too) and nothing else.
 * MS_ERROR_NOT_ALLOWED for a location that is not in S3, a bucket root or
 * one with IAM wildcard characters. Caller frees. */
char *ms_delegation_policy (const char *location, MsDelegateScope scope, GError **error);

/* Credentials for 'scope' under 'location': cached ones with more than
 * storage.vend_refresh_s left, else new ones from the STS (then cached).
 * 'out' (zeroed by the caller) gets copies. */
gboolean ms_delegation_credentials (MsDelegation *d, const char *location, MsDelegateScope scope,
                                    MsStsCredentials *out, GError **error);
/* Entries in the credential cache (for tests and metrics). */
guint ms_delegation_cached (MsDelegation *d);

/* A client's S3 request to be signed. */
typedef struct {
  const char *method;
  const char *uri;             /* the full URL the client will send */
  const GPtrArray *headers;    /* name, value, ... as the client has them */
  const char *body;            /* DeleteObjects: its XML; else NULL */
} MsSignRequest;

/* Whether 'req' stays under 'location' within 'scope' (GET and HEAD read;
 * PUT, POST and DELETE write): the URL's host is the object store's
 * (path style) or a bucket under it (virtual-host style), its bucket is
 * the location's and its key lies under the location's key; a listing of
 * the bucket needs a prefix under it, a DeleteObjects (write) keys under
 * it. MS_ERROR_NOT_ALLOWED saying why otherwise. */
gboolean ms_delegation_request_allowed (const MsDelegation *d, const char *location,
                                        MsDelegateScope scope, const MsSignRequest *req,
                                        GError **error);
/* Check 'req' as above and sign it (SigV4, the server's S3 keys and
 * region): the headers the client adds go to 'out' (name, value, ...). */
gboolean ms_delegation_sign (MsDelegation *d, const char *location, MsDelegateScope scope,
                             const MsSignRequest *req, GPtrArray *out, GError **error);
