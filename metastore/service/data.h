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
 * Directories (mkdirs, move, stats) exist on file:// only, as in
 * storage/storage.h; deletions reach object stores too when given an
 * MsStorage.
 */
#pragma once
#include "service/storage_guard.h"
#include "storage/storage.h"

/* Create directory 'uri' and its parents for a client's object ('what':
 * "table", "partition", ...). TRUE when it was made, already exists, is not
 * local, or is refused (logged; *made FALSE); FALSE only when making an
 * allowed directory failed. 'made' may be NULL. */
gboolean ms_service_data_mkdirs (const MsStorageGuard *g, const char *uri, const char *what,
                                 gboolean *made, GError **error);

/* Delete the data at 'uri': a local tree, or with 'st' any location it
 * reaches (every object under an S3 prefix). 'keep' (may be NULL) is a
 * location the deletion must neither be nor hold (a catalog's root).
 * Refused or failed: a log line, nothing else. TRUE when deleted (or there
 * was nothing to delete). */
gboolean ms_service_data_delete (const MsStorageGuard *g, MsStorage *st, const char *uri,
                                 const char *keep, const char *what);

/* Empty directory 'uri' (truncate): its content deleted, the directory
 * kept, both through the guard. */
void ms_service_data_empty (const MsStorageGuard *g, const char *uri, const char *what);

/* Whether data may move from 'from' to 'to' (both ends as deletions); when
 * not, a log line says the data stays. */
gboolean ms_service_data_may_move (const MsStorageGuard *g, const char *from, const char *to,
                                   const char *what);

/* Move the local directory 'from' to 'to' (creating the parents of 'to').
 * MS_ERROR_NOT_ALLOWED when the guard refuses either end (nothing moved);
 * other failures as ms_storage_rename. */
gboolean ms_service_data_move (const MsStorageGuard *g, const char *from, const char *to,
                               const char *what, GError **error);

/* Hive's quick stats of the local directory 'uri' (see ms_storage_dir_stats),
 * only when the guard allows reading it. */
gboolean ms_service_data_stats (const MsStorageGuard *g, const char *uri, gint64 *files,
                                gint64 *bytes);

/* The whole file at 'uri' (ms_storage_get) when the guard allows reading
 * it; MS_ERROR_NOT_ALLOWED when not. */
GBytes *ms_service_file_get (const MsStorageGuard *g, MsStorage *st, const char *uri,
                             const char *what, GError **error);

/* Write the file at 'uri' (ms_storage_put) when the guard allows creating
 * it; MS_ERROR_NOT_ALLOWED when not. */
gboolean ms_service_file_put (const MsStorageGuard *g, MsStorage *st, const char *uri,
                              const void *data, gsize len, const char *what, GError **error);
