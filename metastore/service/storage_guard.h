/*
 * service/storage_guard.h: the storage guard, the one rule on where the
 * server touches data on a client's behalf, whichever door asked (an HMS
 * Thrift call or an Iceberg REST request): every file or directory it
 * creates, reads, writes, moves or deletes for a client lies under the
 * allowed locations (storage.allowed_locations; the warehouse root when
 * unset). Deleting or moving never touches '/', a bucket root, the
 * warehouse root, an allowed location's own root nor anything holding one
 * of them, even when every location is allowed ('*').
 *
 * Locations are compared in one normal form: local ones (file:///p,
 * file:/p, /p) with "." and ".." resolved and symbolic links of the part
 * that exists followed, so a link inside the warehouse pointing out of it
 * leads out; s3a:// and s3n:// as s3://; any other location must not hold
 * "." or ".." segments. The guard only decides; service/data.h acts.
 *
 * The allowed locations and the warehouse root are put in that form once,
 * when the guard is made (at start): a symbolic link made later above one
 * of them counts from the next start. The location a check is asked about
 * is resolved at each check.
 */
#pragma once
#include <glib.h>

typedef enum {
  MS_ACCESS_READ,      /* read a file, look into a directory */
  MS_ACCESS_CREATE,    /* create a directory, write a file */
  MS_ACCESS_REMOVE,    /* delete a tree or a file; either end of a move */
} MsAccess;

typedef struct _MsStorageGuard MsStorageGuard;

/* A guard for 'warehouse' (the default catalog's root URI) and 'allowed':
 * comma-separated location prefixes, "*" alone for any location, NULL or
 * empty for the warehouse alone. NULL and MS_ERROR_INVALID_INPUT for an
 * entry that is no absolute location (relative, or with "." or ".."). */
MsStorageGuard *ms_storage_guard_new (const char *warehouse, const char *allowed, GError **error);
void ms_storage_guard_free (MsStorageGuard *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsStorageGuard, ms_storage_guard_free)

/* The allowed locations in words, for the start-up log. Caller frees. */
char *ms_storage_guard_describe (const MsStorageGuard *g);

/* May the server do 'access' at 'uri' for a client? 'what' names the
 * location in the message ("table location", "metadata file"). A NULL
 * guard allows nothing. FALSE with MS_ERROR_NOT_ALLOWED otherwise. */
gboolean ms_storage_guard_check (const MsStorageGuard *g, MsAccess access, const char *uri,
                                 const char *what, GError **error);

/* The same check for a 'uri' whose normal form the caller took already
 * ('key', from ms_storage_guard_key; NULL: none): a caller that compares
 * the location too resolves it once. */
gboolean ms_storage_guard_check_key (const MsStorageGuard *g, MsAccess access, const char *uri,
                                     const char *key, const char *what, GError **error);

/* 'uri' in the guard's normal form, ending in '/' ("file:///p/", "s3://b/k/"),
 * or NULL when it is none (empty, relative, "." or ".." in a remote one).
 * A local one costs a realpath() (one readlink() per path segment). Caller
 * frees. */
char *ms_storage_guard_key (const char *uri);

/* Whether 'inner' is 'outer' or lies below it (in normal form; FALSE when
 * either is none). */
gboolean ms_storage_guard_within (const char *inner, const char *outer);
/* The same for two normal forms already taken (ms_storage_guard_key; NULL:
 * none, FALSE). */
gboolean ms_storage_guard_key_within (const char *inner_key, const char *outer_key);
