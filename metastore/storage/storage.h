/*
 * storage.h: the warehouse file system behind locations. file:// (and plain
 * absolute paths, and Hadoop's "file:/p" spelling) are handled here;
 * object stores (s3://, s3a://) have no directories, so creating one is a
 * no-op; other schemes (hdfs://, ...) are left to the engines that own them.
 */
#pragma once
#include <glib.h>
#include "core/config.h"

/* The local path of a file URI, or NULL when 'uri' is not local. As in
 * Hadoop's Path, the path is taken literally: no percent-decoding. */
char *ms_storage_local_path (const char *uri);

/* Join a location and a child name with exactly one '/'. */
char *ms_storage_join (const char *base, const char *child);

/* Create a directory and its parents (local only; others succeed). */
gboolean ms_storage_mkdirs (const char *uri, GError **error);

/* Delete a directory tree (local only; refuses '/' and empty paths). */
gboolean ms_storage_remove_tree (const char *uri, GError **error);

/* Move a local directory (creating the target's parent). */
gboolean ms_storage_rename (const char *from_uri, const char *to_uri, GError **error);

/* Hive's quick stats of a local directory: regular files below it (hidden
 * '.'/'_' entries skipped) and their total size. FALSE when not local or
 * not a directory. */
gboolean ms_storage_dir_stats (const char *uri, gint64 *files, gint64 *bytes);

/* ---- objects: whole-file reads and writes (storage_object.c) ----
 *
 * Metadata files and purges go through an MsStorage context, which knows
 * the object-store settings. file:// (and plain absolute paths) are local
 * files; s3://, s3a:// and s3n:// are objects reached with libcurl and its
 * AWS SigV4 signing (storage_s3.c). Access keys, secrets and session tokens
 * never appear in a message or a log line.
 *
 * Call ms_storage_global_init() once at process start, before threads
 * (it initialises libcurl); the S3 calls then may run on any thread. */

typedef struct {
  char *endpoint;              /* "http://127.0.0.1:9000"; NULL: AWS for the region */
  char *region;                /* "us-east-1" when NULL */
  gboolean path_style;         /* http://endpoint/bucket/key rather than bucket.endpoint */
  char *access_key;            /* NULL: AWS_ACCESS_KEY_ID */
  char *secret_key;            /* NULL: AWS_SECRET_ACCESS_KEY */
  char *session_token;         /* NULL: AWS_SESSION_TOKEN (optional) */
  int timeout_s;               /* per request; 0: 30 */
  char *ca_file;               /* PEM CAs trusted besides the system's; NULL: none */
} MsS3Options;

typedef struct _MsStorage MsStorage;

/* libcurl's global initialisation; idempotent and thread-safe. Aborts when
 * libcurl cannot initialise (nothing else could work). */
void ms_storage_global_init (void);

/* The s3.* settings of 'cfg' as options. The strings are borrowed from
 * 'cfg' (ms_storage_new copies them). */
MsS3Options ms_storage_s3_options (const MsConfig *cfg);

/* 's3' may be NULL (defaults and the environment). The options are copied.
 * Credentials: s3->access_key/secret_key/session_token when the access key
 * is set, else AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN; the region: s3->region, else AWS_REGION, else
 * AWS_DEFAULT_REGION, else us-east-1 (the environment is read per call). */
MsStorage *ms_storage_new (const MsS3Options *s3);
void ms_storage_free (MsStorage *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsStorage, ms_storage_free)

/* The largest object ms_storage_get reads. */
#define MS_STORAGE_MAX_OBJECT_BYTES (256 << 20)
/* A local put's temporary file ("<name>.tmp-XXXXXX") older than this was
 * left by a crash; puts into its directory remove it (see storage_object.c). */
#define MS_STORAGE_TMP_MAX_AGE_S 3600

/* The whole object at 'uri'. MS_ERROR_NOT_FOUND when it does not exist;
 * MS_ERROR_INVALID_INPUT for a scheme we cannot read; MS_ERROR_INTERNAL
 * ("storage: ...") for I/O and remote failures. */
GBytes *ms_storage_get (MsStorage *st, const char *uri, GError **error);
/* Write 'len' bytes as the object at 'uri' (replacing it; local files are
 * written to a temporary name in the same directory, fsync'd and renamed,
 * parents created). */
gboolean ms_storage_put (MsStorage *st, const char *uri, const void *data, gsize len,
                         GError **error);
/* Whether an object exists at 'uri'. */
gboolean ms_storage_exists (MsStorage *st, const char *uri, GError **error);
/* Delete every object under the prefix 'uri' (a directory tree locally;
 * all keys starting with "<key>/" and the key itself in S3, listed with
 * ListObjectsV2 and removed with DeleteObjects in batches of 1000). Refuses
 * a bucket root or '/'. A missing prefix is not an error. */
gboolean ms_storage_delete_all (MsStorage *st, const char *uri, GError **error);

/* A file directly in a directory, as ms_storage_list_files lists it. */
typedef struct {
  char *name;                  /* the name in the directory (no '/') */
  gint64 modified;             /* last change, Unix seconds; -1: unknown */
} MsStorageFile;

/* The files directly in the directory 'uri', not those below it: the
 * regular files of a local directory, or on S3 the objects "<key>/<name>"
 * whose name has no further '/' (every page listed). A missing directory
 * has none. A GPtrArray of MsStorageFile (it frees them). */
GPtrArray *ms_storage_list_files (MsStorage *st, const char *uri, GError **error);
void ms_storage_file_free (gpointer file);

/* What one look at the directory 'uri' found (ms_storage_dir_survey). */
typedef struct {
  gboolean any;                /* it exists: a local directory; on S3 any
                                  object under "<key>/", a marker too */
  gint64 files, bytes;         /* Hive's quick stats: the files anywhere
                                  below it but hidden ones (a '.' or '_'
                                  starting any level below 'uri'; on S3
                                  directory markers too), their total size */
  GPtrArray *direct;           /* MsStorageFile: as ms_storage_list_files */
} MsStorageSurvey;

void ms_storage_survey_clear (MsStorageSurvey *s);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MsStorageSurvey, ms_storage_survey_clear)

/* Look at the directory 'uri', local or on S3 (one paginated listing of
 * everything under it), into 'out' (zero-initialised by the caller).
 * FALSE (and 'error') when it cannot be listed; a missing directory is
 * no failure (any FALSE). */
gboolean ms_storage_dir_survey (MsStorage *st, const char *uri, MsStorageSurvey *out,
                                GError **error);

/* ---- directories the HMS door manages (tables, partitions, databases):
 * local directories, or on S3 what Hadoop's S3A takes for one (see
 * storage_s3_dir.c) ---- */

/* Whether the server reaches 'uri' itself: a local path or an S3 location
 * (other schemes, hdfs:// say, belong to the engines). */
gboolean ms_storage_reachable (const char *uri);
/* Make the directory 'uri': locally with its parents; on S3 the empty
 * marker object "<key>/", as S3A's mkdirs. */
gboolean ms_storage_make_dir (MsStorage *st, const char *uri, GError **error);
/* Whether anything is at 'uri': a local file or directory, or any object
 * under "<key>/" on S3. */
gboolean ms_storage_dir_exists (MsStorage *st, const char *uri, gboolean *exists,
                                GError **error);
/* Move the directory 'from' and all it holds to 'to' (creating the
 * parents locally): a rename locally, copy-then-delete on S3. Both ends on
 * the same file system; MS_ERROR_INVALID_INPUT otherwise. */
gboolean ms_storage_move_dir (MsStorage *st, const char *from, const char *to, GError **error);
