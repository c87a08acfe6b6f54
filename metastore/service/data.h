/*
 * service/data.h: the data the server creates, reads, writes, moves and
 * deletes on a client's behalf, for both doors, each operation through the
 * storage guard (service/storage_guard.h) before it touches anything.
 *
 * What the guard refuses is not done and a log line says so; the caller's
 * metadata change goes ahead (a dropped table's data outside the allowed
 * locations stays where it is). Reads and writes of whole files (Iceberg
 * metadata) fail instead: there is nothing to go ahead with.
 *
 * Directories are local ones, or on S3 what Hadoop's S3A takes for one (an
 * empty "<key>/" marker object; see storage/storage.h): making, emptying,
 * moving and deleting them reaches S3 when an MsStorage is given, as the
 * Java metastore reaches it through S3A; so do quick stats.
 */
#pragma once
#include "service/storage_guard.h"
#include "storage/storage.h"

/* What ms_service_data_mkdirs did. */
typedef enum {
  MS_DIR_THERE,     /* nothing to make: it exists, is on a file system we do
                       not reach, or S3 could not tell (a marker was
                       written over whatever is there) */
  MS_DIR_MADE,      /* a local directory or S3 marker this call created
                       (one the caller may remove again) */
  MS_DIR_REFUSED,   /* the guard refused it (logged): the guard refuses
                       reading it too, so the caller need not ask again */
} MsDirOutcome;

/* Create directory 'uri' and its parents for a client's object ('what':
 * "table", "partition", ...): a local directory, or with 'st' the S3
 * marker where no object lies under the key yet (one listing first, as
 * S3A looks before it makes one). TRUE when it was made, already exists, is on a file system we do
 * not reach, or is refused; FALSE only when making an allowed local
 * directory failed (an S3 marker that cannot be written is logged: the
 * object's metadata goes ahead). *outcome (may be NULL) says which. */
gboolean ms_service_data_mkdirs (const MsStorageGuard *g, MsStorage *st, const char *uri,
                                 const char *what, MsDirOutcome *outcome, GError **error);

/* ms_service_data_mkdirs that also keeps what an S3 directory that was
 * there holds ('seen', zero-initialised by the caller): its quick stats
 * and files, from the one listing that told it was there. 'seen->direct'
 * stays NULL when it was not surveyed (a local directory, one made or
 * refused, a listing that failed): the caller looks itself if it must. */
gboolean ms_service_data_mkdirs_seen (const MsStorageGuard *g, MsStorage *st, const char *uri,
                                      const char *what, MsDirOutcome *outcome,
                                      MsStorageSurvey *seen, GError **error);

/* At most this many object-store requests of one call at once (Hive's
 * metastore does its file-system work on 15 threads,
 * hive.metastore.fshandler.threads): each is a request or a few of a few
 * milliseconds, and 1,000 partitions' made them one after another. */
#define MS_DATA_THREADS 8

/* Call fn (item, user) for the 'n' items of 'size' bytes at 'items': on
 * up to MS_DATA_THREADS threads when 'remote' (how many of them are on an
 * object store) is more than one, else here, one after another (a local
 * directory takes a few system calls). Returns when all are done; 'fn'
 * must be safe to run at once on different items. */
void ms_service_data_each (gpointer items, guint n, gsize size, GFunc fn, gpointer user,
                           guint remote);

/* Whether the server reaches the data at 'location': a local path, or
 * with 'st' a location on S3. */
gboolean ms_service_data_reachable (MsStorage *st, const char *location);
/* Whether 'a' and 'b' are on one file system the server reaches (both
 * local or both on S3): a directory moves between them. */
gboolean ms_service_data_same_fs (const char *a, const char *b);

/* Whether anything is at 'uri' (ms_storage_dir_exists): FALSE for a
 * location we do not reach, or when S3 cannot tell (logged). */
gboolean ms_service_data_exists (MsStorage *st, const char *uri);

/* Delete the data at 'uri': a local tree, or with 'st' any location it
 * reaches (every object under an S3 prefix). 'keep_key' (may be NULL) is
 * the normal form (ms_storage_guard_key) of a location the deletion must
 * neither be nor hold (a catalog's root), taken once by a caller that
 * deletes many locations. Refused or failed: a log line, nothing else.
 * TRUE when deleted (or there was nothing to delete). */
gboolean ms_service_data_delete (const MsStorageGuard *g, MsStorage *st, const char *uri,
                                 const char *keep_key, const char *what);

/* Empty directory 'uri' (truncate): its content deleted, the directory
 * kept (made again), both through the guard; with 'st' on S3 too. */
void ms_service_data_empty (const MsStorageGuard *g, MsStorage *st, const char *uri,
                            const char *what);

/* Whether data may move from 'from' to 'to' (both ends as deletions); when
 * not, a log line says the data stays. */
gboolean ms_service_data_may_move (const MsStorageGuard *g, const char *from, const char *to,
                                   const char *what);

/* Move the directory 'from' to 'to' (ms_storage_move_dir: a local rename,
 * or with 'st' copy-then-delete on S3). MS_ERROR_NOT_ALLOWED when the
 * guard refuses either end (nothing moved); other failures as
 * ms_storage_move_dir. */
gboolean ms_service_data_move (const MsStorageGuard *g, MsStorage *st, const char *from,
                               const char *to, const char *what, GError **error);

/* Hive's quick stats of the directory 'uri', local or with 'st' on S3
 * (see ms_storage_tree_stats), only when the guard allows reading it. */
gboolean ms_service_data_stats (const MsStorageGuard *g, MsStorage *st, const char *uri,
                                gint64 *files, gint64 *bytes);

/* The most entries ms_service_data_event_files lists in one directory. */
#define MS_EVENT_FILES_MAX 1000

/* The files directly in the directory 'uri' as Hive's DbNotificationListener
 * lists a managed table's or partition's directory for its CREATE_TABLE or
 * ADD_PARTITION message (its FileIterator, change management off): each
 * "<uri>/<name>###" (ReplChangeManager.encodeFileUri with no checksum, no
 * cmroot and no sub-directory), hidden names ('_' or '.' first) left out,
 * sorted by name, at most MS_EVENT_FILES_MAX (more: the first ones, logged
 * at info). Reads storage: call it before the catalog transaction. An
 * empty array when the guard does not allow reading 'uri', the server
 * cannot reach it, or the listing fails (logged at info); never NULL. */
GPtrArray *ms_service_data_event_files (const MsStorageGuard *g, MsStorage *st, const char *uri);

/* The entries of ms_service_data_event_files for 'files' (MsStorageFile,
 * sorted here), the files directly in 'uri' already listed (allowed and
 * reached). Never NULL. */
GPtrArray *ms_service_data_event_names (const char *uri, GPtrArray *files);

/* The whole file at 'uri' (ms_storage_get) when the guard allows reading
 * it; MS_ERROR_NOT_ALLOWED when not. */
GBytes *ms_service_file_get (const MsStorageGuard *g, MsStorage *st, const char *uri,
                             const char *what, GError **error);

/* Write the file at 'uri' (ms_storage_put) when the guard allows creating
 * it; MS_ERROR_NOT_ALLOWED when not. */
gboolean ms_service_file_put (const MsStorageGuard *g, MsStorage *st, const char *uri,
                              const void *data, gsize len, const char *what, GError **error);
