/*
 * storage.h: the warehouse file system behind locations. file:// (and plain
 * absolute paths, and Hadoop's "file:/p" spelling) are handled here;
 * object stores (s3://, s3a://) have no directories, so creating one is a
 * no-op; other schemes (hdfs://, ...) are left to the engines that own them.
 */
#pragma once
#include <glib.h>

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
