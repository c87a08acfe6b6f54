/*
 * internal.h: what the files of the Iceberg REST door share: JSON replies,
 * the door's errors (IceError, rendered as the spec's ErrorModel),
 * namespace names, and the resource handlers the routing table calls.
 */
#pragma once
#include "iceberg/iceberg.h"
#include "service/data.h"
#include "core/error.h"
#include <json-glib/json-glib.h>

/* ---- one catalog's storage settings as the door uses them (storage_io.c) ---- */
typedef struct {
  const MsStorageGuard *guard; /* where files may be read, written and purged;
                                  NULL: nowhere */
  MsStorage *storage;          /* metadata files and purges; NULL: local only */
  MsDelegation *delegation;    /* NULL: no access delegation */
  GHashTable *table_config;    /* "config" of every LoadTableResult: the
                                  storage settings clients need (no secrets) */
} IceIo;
/* One IceIo per entry of 'storages' (NULL: only the empty global one),
 * keyed by catalog ("" for the global settings). */
GHashTable *ice_io_table_new (const MsCatalogStorages *storages);
/* The settings of catalog 'catalog' (NULL: the default catalog): its own,
 * else the global ones. Never NULL. */
const IceIo *ice_io (const MsIceberg *ice, const char *catalog);

/* A request routed: the door, the request, the namespace levels of the
 * path (NULL when the route has none). */
typedef struct {
  MsIceberg *ice;
  const MsHttpRequest *req;
  char **ns;                   /* namespace levels, NULL-terminated */
  const char *name;            /* the {table} or {view} segment, or NULL */
  char *principal;             /* who the Bearer token names (owned), NULL: no
                                  authentication */
  const char *prefix;          /* the path's {prefix} segment, NULL: none */
  char *catalog;               /* the HMS catalog the route acts on (owned; set
                                  after authentication, catalogs.c) */
  const IceIo *io;             /* that catalog's storage settings (set with it) */
} IceCall;

/* ---- errors and replies (errors.c) ---- */
/* The door's error domain. Each code is one error the door answers, and
 * its row of the error table (errors.c) gives the HTTP status and the
 * spec's ErrorModel "type"; the message is the GError's. */
#define ICE_ERROR (ice_error_quark ())
GQuark ice_error_quark (void);
typedef enum {
  ICE_ERROR_NONE,              /* no error (MsHttpResponse.error_code of other replies) */
  ICE_ERROR_BAD_REQUEST,
  ICE_ERROR_ILLEGAL_ARGUMENT,  /* a builder's checkArgument, as Iceberg's handlers */
  ICE_ERROR_NOT_AUTHORIZED,
  ICE_ERROR_FORBIDDEN,
  ICE_ERROR_NO_SUCH_NAMESPACE,
  ICE_ERROR_NO_SUCH_TABLE,
  ICE_ERROR_NO_SUCH_VIEW,
  ICE_ERROR_NOT_FOUND,         /* an endpoint, a metadata file */
  ICE_ERROR_NO_SUCH_WAREHOUSE, /* a warehouse (catalog) the server does not serve */
  ICE_ERROR_METHOD_NOT_ALLOWED,
  ICE_ERROR_ALREADY_EXISTS,
  ICE_ERROR_NAMESPACE_NOT_EMPTY,
  ICE_ERROR_COMMIT_FAILED,     /* a requirement failed (the commit metrics count it) */
  ICE_ERROR_PAYLOAD_TOO_LARGE,
  ICE_ERROR_UNPROCESSABLE_ENTITY,
  ICE_ERROR_INTERNAL,
  ICE_ERROR_COMMIT_STATE_UNKNOWN,
  ICE_ERROR_SERVICE_UNAVAILABLE,
} IceError;

/* What a failed call was about: with the error code it picks the door's
 * error for a model error (the model error table, errors.c). */
typedef enum {
  ICE_ABOUT_TABLE = 1 << 0,
  ICE_ABOUT_VIEW = 1 << 1,
  ICE_ABOUT_NAMESPACE = 1 << 2,
  ICE_ABOUT_COMMIT = 1 << 3,   /* a commit: a failure at COMMIT leaves its outcome unknown */
} IceAbout;

/* 'root' (consumed) as the JSON body with 'status'. */
void ice_reply_json (MsHttpResponse *resp, int status, JsonNode *root);
/* An empty reply (204 and the like). */
void ice_reply_empty (MsHttpResponse *resp, int status);
/* Answer with the spec's IcebergErrorResponse {"error": {message, type,
 * code}} of error 'code', the message formatted from 'fmt'. */
void ice_reply_fail (MsHttpResponse *resp, IceError code, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);
/* Answer with an error (consumed) as its IceError: one of ICE_ERROR as it
 * is; one of the model (MS_ERROR) or of the listener (MS_HTTP_ERROR) as the
 * model error table maps it for a call 'about' that (0: nothing in
 * particular); anything else is an internal error. */
void ice_reply_gerror (MsHttpResponse *resp, GError *err, IceAbout about);
/* As ice_reply_gerror, for a call in namespace 'db': MS_ERROR_NOT_FOUND
 * there means the namespace does not exist. */
void ice_reply_gerror_in_namespace (MsHttpResponse *resp, GError *err, IceAbout about,
                                    const char *db);
/* 404 NoSuchNamespaceException "Namespace does not exist: <ns>". */
void ice_reply_no_namespace (MsHttpResponse *resp, const char *ns);
/* 404 for a missing table or view ('missing': ICE_ERROR_NO_SUCH_TABLE or
 * ICE_ERROR_NO_SUCH_VIEW) "<Table|View> does not exist: <db>.<name>"; as
 * Iceberg's reference handlers, also when its namespace is missing. */
void ice_reply_missing (MsHttpResponse *resp, IceError missing, const char *db, const char *name);
/* The request body parsed as a JSON object, or NULL after answering 400. */
JsonObject *ice_body_object_or_reply (const IceCall *call, MsHttpResponse *resp,
                                      JsonParser **parser);

/* Typed members of a JSON object: NULL / 'dflt' when absent or of another
 * type (never a json-glib critical). */
const char *ice_member_string (JsonObject *o, const char *name);
gboolean ice_member_bool (JsonObject *o, const char *name, gboolean dflt);
JsonArray *ice_member_array (JsonObject *o, const char *name);
JsonObject *ice_member_object (JsonObject *o, const char *name);

/* ---- namespaces (namespaces.c) ---- */
/* The database an existing namespace would be, or FALSE after answering
 * 404 NoSuchNamespaceException: a name the catalog cannot hold names
 * nothing (as the Java metastore's lookups). */
gboolean ice_namespace_db_or_reply (const IceCall *call, char **const ns, char **db,
                                    MsHttpResponse *resp);
/* The same for a namespace to be made: FALSE after answering 400 for a
 * name the catalog cannot hold. */
gboolean ice_namespace_db_new_or_reply (const IceCall *call, char **const ns, char **db,
                                        MsHttpResponse *resp);
/* A namespace as the client named it, levels joined by '.' (Iceberg's
 * Namespace.toString), for messages. */
char *ice_namespace_text (char **const ns);
JsonNode *ice_namespace_node (char **const levels);
void ice_namespaces_list (const IceCall *call, MsHttpResponse *resp);
void ice_namespace_create (const IceCall *call, MsHttpResponse *resp);
void ice_namespace_load (const IceCall *call, MsHttpResponse *resp);
void ice_namespace_exists (const IceCall *call, MsHttpResponse *resp);
void ice_namespace_drop (const IceCall *call, MsHttpResponse *resp);
void ice_namespace_properties (const IceCall *call, MsHttpResponse *resp);

/* ---- tables: shared state (table_state.c) ---- */
#include "iceberg/metadata.h"

/* The database and (lower-cased, checked) object name of a namespace and a
 * name, or FALSE after answering. 'missing' is the error of a lookup
 * (ICE_ERROR_NO_SUCH_TABLE, ICE_ERROR_NO_SUCH_VIEW): a name the catalog
 * cannot hold names nothing, 404 (ice_reply_missing). ICE_ERROR_NONE for
 * an object to be made: 404 NoSuchNamespaceException for such a
 * namespace, 400 for such a name. */
gboolean ice_object_ident_or_reply (const IceCall *call, char **const ns, const char *name,
                                    IceError missing, char **db, char **object,
                                    MsHttpResponse *resp);
/* The text of metadata file 'location': the stored copy when it is one of
 * that file, else read from storage (*from_storage TRUE) when the storage
 * guard allows reading it, gunzipped when its name says gzip. Caller frees. No error message quotes the
 * file's content. */
char *ice_metadata_text (const IceIo *io, const char *location, const char *cached_location,
                         const char *cached_text, gboolean *from_storage, GError **error);
/* Table or view metadata parsed from 'text', the content of metadata file
 * 'location' (the stored copy or the file). A document that is not one is
 * MS_ERROR_INVALID_INPUT naming the file only: the parser's message, which
 * may quote the content, goes to the debug log, never into a reply. */
MsIcebergMetadata *ice_metadata_from_text (const char *location, const char *text,
                                           GError **error);
typedef struct _MsIcebergViewMetadata MsIcebergViewMetadata;
MsIcebergViewMetadata *ice_view_metadata_from_text (const char *location, const char *text,
                                                    GError **error);
/* ---- metadata files no commit made current (metadata_sweep.c) ---- */
/* A file must be this old before a sweep removes it. */
#define ICE_ORPHAN_MIN_AGE_S 3600
/* Of 'files' (MsStorageFile, the directory of table metadata file
 * 'current' whose metadata-log is 'log'), the names a sweep may remove,
 * judged by name and time alone (see metadata_sweep.c). Caller frees. */
GPtrArray *ice_metadata_orphan_names (const char *current, JsonArray *log, GPtrArray *files,
                                      gint64 now, gint64 min_age);
IceSweeper *ice_sweeper_new (MsIceberg *ice);
void ice_sweeper_free (IceSweeper *sw);
/* After a commit made table metadata file 'current' current: sweep its
 * directory in the background, when it was not swept lately. */
void ice_sweeper_after_commit (IceSweeper *sw, const IceIo *io, const char *current);

/* ---- metadata file codec (metadata_codec.c) ---- */
/* Whether Iceberg reads the metadata file 'location' as gzip: its name is
 * "*.gz.metadata.json" or "*.metadata.json.gz" (Codec.fromFileName). */
gboolean ice_metadata_codec_is_gzip (const char *location);
/* The gzip stream 'compressed' decoded (members read in turn, trailing
 * bytes that are no member ignored); MS_ERROR_INVALID_INPUT for data that
 * is not gzip, truncated, or longer than 'max_out' decoded. */
GBytes *ice_gunzip (GBytes *compressed, gsize max_out, GError **error);

/* Write 'md' as the file after 'previous' (NULL: the first) and return its
 * location; *text gets what was written. */
char *ice_metadata_write (const IceIo *io, MsIcebergMetadata *md, const char *previous,
                          char **text, GError **error);
/* As Iceberg's catalogs, which read the metadata file on every load: is
 * the file the stored copy of 'e' stands for still there? FALSE after
 * answering 404 NotFoundException when it is gone (deleted behind the
 * catalog's back). One stat, or one S3 HEAD; when the storage cannot
 * tell, TRUE (the copy is served: loads do not depend on the object store
 * being up). */
gboolean ice_metadata_file_present_or_reply (const IceCall *call, MsHttpResponse *resp,
                                             const MsIcebergEntry *e);
/* The current metadata text of table or view 'e' (the stored copy, else
 * the file, checked and kept), or NULL after answering. */
char *ice_current_text_or_reply (const IceCall *call, MsHttpResponse *resp,
                                 const MsIcebergEntry *e);
/* Write document 'json' (consumed, 'len' bytes) of a table or view ('what')
 * at 'object_location' as metadata file 'file', both inside the allowed
 * locations; returns a copy of 'file' and *text the document. Storage
 * failures are MS_ERROR_UNAVAILABLE (nothing is committed yet). */
char *ice_write_document (const IceIo *io, const char *object_location, const char *file,
                          const char *what, char *json, gsize len, char **text, GError **error);
/* The namespace's database, or NULL after answering (404
 * NoSuchNamespaceException). */
MsDatabase *ice_namespace_get_or_reply (const IceCall *call, MsHttpResponse *resp,
                                        const char *db);
/* The entry of the table or view ('kind') the path names, or NULL after
 * answering (404 NoSuchTableException / NoSuchViewException). */
MsIcebergEntry *ice_object_entry_or_reply (const IceCall *call, MsHttpResponse *resp,
                                           const char *kind);
/* The common part of register and register-view: the body's name and
 * metadata-location checked, the namespace found, the file (allowed, and
 * read) in *text. FALSE after answering. */
gboolean ice_register_request_or_reply (const IceCall *call, MsHttpResponse *resp,
                                        JsonObject *body, char **db, char **name, char **text);
/* One store commit of catalog.db.name through 'fn'; on a failure whose
 * outcome is certain, the file named by *written (set by 'fn') is deleted.
 * *written is freed either way. */
gboolean ice_commit_one (const IceCall *call, const char *db, const char *name,
                         MsIcebergStepFn fn, gpointer user, char **written, GError **error);
/* What makes an HMS row the mirror of an Iceberg table or view. */
typedef struct {
  const char *table_type;      /* EXTERNAL_TABLE, VIRTUAL_VIEW */
  const char *kind;            /* parameter table_type: ICEBERG, ICEBERG-VIEW */
  gboolean external;           /* parameter EXTERNAL=TRUE */
  const char *object_location; /* the table's or view's location */
  GPtrArray *cols;             /* MsColumn*, consumed */
  JsonObject *props;           /* Iceberg properties (string values kept) */
  JsonObject *old_props;       /* the previous version's, NULL for none */
  const char *location;        /* its metadata file, and the one before */
  const char *previous;
  const char *uuid;
} IceMirror;
/* Apply 'm' to 'row' ("hive.metastore.table.owner" becomes the owner). */
void ice_mirror_object (MsTable *row, const IceMirror *m);
/* Make 'row' the HMS mirror of table metadata 'md' at 'location'
 * ('previous': the file before it, NULL for none; 'base': the metadata
 * before, whose properties that 'md' no longer has are removed). */
gboolean ice_mirror_table (MsTable *row, const MsIcebergMetadata *md, const MsIcebergMetadata *base,
                           const char *location, const char *previous, GError **error);
/* The parameters Iceberg's HiveCatalog derives from table metadata 'md' on
 * a commit (statistics, current snapshot, schema, spec, sort order,
 * gc.enabled as external.table.purge), set in 'params' (mirror_params.c);
 * 'base' is the version before, NULL for none. */
void ice_mirror_table_params (GHashTable *params, const MsIcebergMetadata *md,
                              const MsIcebergMetadata *base);
/* Whether a table or view may be placed at 'uri': under the allowed
 * locations (the storage guard, service/storage_guard.h).
 * MS_ERROR_NOT_ALLOWED naming 'what' otherwise. */
gboolean ice_location_allowed (const IceIo *io, const char *uri, const char *what, GError **error);
/* The formats and SerDe Iceberg's HiveCatalog gives its tables and views
 * (when not set already). */
void ice_mirror_formats (MsStorageDescriptor *sd);
/* A LoadTableResult / CommitTableResponse: 'text' is the metadata document
 * (spliced as it is); 'location' NULL leaves metadata-location out;
 * 'with_config' adds the table config; 'etag_mode' ("all", "refs" or NULL
 * for none) adds the ETag of that location and snapshot mode. */
void ice_reply_table (const IceCall *call, MsHttpResponse *resp, const char *location,
                      const char *text, gboolean with_config, const char *etag_mode);
/* The ETag of a table's metadata file as loaded with 'mode' ("all" or
 * "refs"): quoted, caller frees. */
char *ice_table_etag (const char *location, const char *mode);
/* A paged list of identifiers {"identifiers":[...],"next-page-token"}
 * of objects of 'kind' in 'db'. */
/* The request's pageSize (-1 when absent) into *page_size; FALSE after
 * answering 400 when it is not an integer from 1 to 'max'. */
gboolean ice_page_size_or_reply (const IceCall *call, MsHttpResponse *resp, gint64 max,
                                 gint64 *page_size);
void ice_reply_identifiers (const IceCall *call, MsHttpResponse *resp, const char *db,
                            const char *kind);

/* ---- parsed metadata between commits (md_cache.c) ---- */
/* The cache of at most about 'max_bytes' of trees (0: keeps nothing). */
IceMdCache *ice_md_cache_new (gsize max_bytes);
void ice_md_cache_free (IceMdCache *c);
/* The metadata of file 'location' taken out of the cache (caller owns it;
 * *bytes gets its size as put), or NULL. */
MsIcebergMetadata *ice_md_cache_take (IceMdCache *c, const char *location, gsize *bytes);
/* Keep 'md' (consumed) as the metadata of file 'location', 'bytes' its
 * text's size (the tree's is estimated from it). */
void ice_md_cache_put (IceMdCache *c, const char *location, MsIcebergMetadata *md, gsize bytes);

/* ---- signing for a table being staged (staged_sign.c) ---- */
/* The pass a stage-create's signer endpoint carries ("staged=<pass>") for
 * table 'name' of the path's namespace at 'location'. Caller frees. */
char *ice_staged_pass (const IceCall *call, const char *name, const char *location);
/* The location a pass names, when it is good for this route's namespace,
 * table 'name' (lower-cased) and principal and has not run out; else NULL. */
char *ice_staged_pass_location (const IceCall *call, const char *name, const char *pass);

/* ---- table locations by metadata file, for sign requests (location_cache.c) ---- */
/* At most 'max_entries' (0: keeps nothing). */
IceLocationCache *ice_location_cache_new (guint max_entries);
void ice_location_cache_free (IceLocationCache *c);
/* The table location metadata file 'metadata_file' names, or NULL. */
char *ice_location_cache_get (IceLocationCache *c, const char *metadata_file);
void ice_location_cache_put (IceLocationCache *c, const char *metadata_file,
                             const char *location);

/* ---- tables (tables.c) ---- */
void ice_tables_list (const IceCall *call, MsHttpResponse *resp);
void ice_table_create (const IceCall *call, MsHttpResponse *resp);
void ice_table_load (const IceCall *call, MsHttpResponse *resp);
void ice_table_exists (const IceCall *call, MsHttpResponse *resp);
void ice_table_drop (const IceCall *call, MsHttpResponse *resp);
void ice_table_rename (const IceCall *call, MsHttpResponse *resp);
void ice_table_register (const IceCall *call, MsHttpResponse *resp);
void ice_table_metrics (const IceCall *call, MsHttpResponse *resp);
/* POST .../rename for objects of 'kind' (MS_ICEBERG_KIND_TABLE / _VIEW). */
void ice_object_rename (const IceCall *call, MsHttpResponse *resp, const char *kind);

/* ---- commits (commit.c) ---- */
void ice_table_commit (const IceCall *call, MsHttpResponse *resp);
void ice_transaction_commit (const IceCall *call, MsHttpResponse *resp);

/* ---- views (views.c) ---- */
void ice_views_list (const IceCall *call, MsHttpResponse *resp);
void ice_view_create (const IceCall *call, MsHttpResponse *resp);
void ice_view_load (const IceCall *call, MsHttpResponse *resp);
void ice_view_exists (const IceCall *call, MsHttpResponse *resp);
void ice_view_replace (const IceCall *call, MsHttpResponse *resp);
void ice_view_drop (const IceCall *call, MsHttpResponse *resp);
void ice_view_rename (const IceCall *call, MsHttpResponse *resp);
void ice_view_register (const IceCall *call, MsHttpResponse *resp);
/* ---- one catalog per prefix (catalogs.c) ---- */
/* Set call->catalog from the path's prefix: the default catalog for none,
 * for rest.prefix and for "hive"; the catalog of that name; else (a name
 * no catalog has) the default catalog, or with rest.unknown_warehouse =
 * refuse FALSE after answering 404 NoSuchWarehouseException. */
gboolean ice_catalog_resolve_or_reply (IceCall *call, MsHttpResponse *resp);
/* The "prefix" GET /v1/config?warehouse= announces (caller frees; NULL:
 * none), or FALSE after answering (an unknown warehouse refused). */
gboolean ice_config_prefix_or_reply (const IceCall *call, MsHttpResponse *resp, char **prefix);

/* ---- Idempotency-Key (idempotency.c) ---- */
/* One request's use of the header. */
typedef struct {
  char *key, *fingerprint, *owner;
  MsIdemClaim claim;
  gboolean claimed;            /* this attempt runs the request */
} IceIdem;
/* Does 'key' have the UUID string form? */
gboolean ice_idem_key_valid (const char *key);
/* Before a mutating route's handler: TRUE to run it (the claim, if any,
 * bound to the thread), FALSE after answering (a replay, or an error). */
gboolean ice_idem_begin_or_reply (const IceCall *call, IceIdem *idem, MsHttpResponse *resp);
/* After the handler: record its outcome or give the claim up. */
void ice_idem_end (const IceCall *call, IceIdem *idem, const MsHttpResponse *resp);
void ice_idem_clear (IceIdem *idem);
/* ---- access delegation (credentials.c, sign.c) ---- */
typedef enum {
  ICE_ACCESS_VENDED = 1 << 0,  /* X-Iceberg-Access-Delegation: vended-credentials */
  ICE_ACCESS_SIGNING = 1 << 1, /* ... remote-signing */
} IceAccess;
/* What the request's X-Iceberg-Access-Delegation asks for (unknown
 * mechanisms are ignored, as the spec lets a server do). */
IceAccess ice_access_requested (const IceCall *call);
/* The caller's scope: read-only for a principal storage.read_only_principals
 * names (its token's subject), else read-write. */
MsDelegateScope ice_access_scope (const IceCall *call);
/* The "location" of a table metadata document (caller frees; NULL when
 * none); *is_view tells a view's document. */
char *ice_access_table_location (const char *text, gboolean *is_view);
/* Before a create or register commits: when vended credentials are asked
 * for and served, can credentials for 'location' be had? FALSE after
 * answering (503 when the STS fails); a mechanism not served or a location
 * that cannot be delegated is no failure (the reply goes without). */
gboolean ice_access_prepare_or_reply (const IceCall *call, MsHttpResponse *resp,
                                      const char *location);
/* The config keys (into 'config') and *storage_credentials (a JSON array,
 * caller frees; NULL for none) a LoadTableResult of metadata 'text' carries
 * for the delegation the request asks for and this server serves (none
 * for what it does not serve, a view, a table not in S3); 'staged': the
 * table is being staged (its signer endpoint carries a pass,
 * staged_sign.c). FALSE after answering (503 when the STS fails). */
gboolean ice_access_extras_or_reply (const IceCall *call, MsHttpResponse *resp, const char *text,
                                     gboolean staged, GHashTable *config,
                                     char **storage_credentials);
/* Answer a delegation failure (consumed): MS_ERROR_NOT_ALLOWED is 403. */
void ice_access_reply_error (MsHttpResponse *resp, GError *err);
void ice_table_credentials (const IceCall *call, MsHttpResponse *resp);
void ice_table_sign (const IceCall *call, MsHttpResponse *resp);

/* ---- authentication (oauth.c) ---- */
/* POST /v1/oauth/tokens (the routing table checks the method): OAuth2
 * client_credentials and token exchange, answered with an
 * OAuthTokenResponse or an OAuthError. */
void ice_oauth_tokens (const IceCall *call, MsHttpResponse *resp);
/* With authentication on, does the request carry a valid Bearer token?
 * (call->principal then names who it is). 'signing': the route signs
 * storage requests (a token with the sign scope only is enough). FALSE
 * after answering 401 NotAuthorizedException (with WWW-Authenticate),
 * 403 ForbiddenException or 503. */
gboolean ice_auth_check_or_reply (IceCall *call, MsHttpResponse *resp, gboolean signing);
