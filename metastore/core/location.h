/*
 * location.h: locations in the form the Java metastore stores them. Its
 * create_database, alter_database, create_table, alter_table and
 * add_partition(s) pass every location a client gives through Hadoop's
 * Path and Warehouse.getDnsPath: a location without a scheme takes the
 * default file system's ("/tmp/x" -> "file:/tmp/x" with fs.defaultFS
 * file:///), a local one loses its empty authority ("file:///tmp/x" ->
 * "file:/tmp/x"), doubled and trailing slashes go ("s3a://b/x//y/" ->
 * "s3a://b/x/y"). Clients compare what they read back against that form.
 * Pure functions; callers own the results.
 */
#pragma once
#include <glib.h>

/* Hadoop's default fs.defaultFS. */
#define MS_LOCATION_DEFAULT_FS "file:///"

/* 'location' as Warehouse.getDnsPath(new Path(location)) gives it with
 * fs.defaultFS 'default_fs' (NULL: MS_LOCATION_DEFAULT_FS) and the blob
 * store schemes s3, s3a and s3n:
 * - the path is normalised as Path does it: "//" -> "/" (one pass), one
 *   trailing '/' dropped, "." and ".." segments resolved;
 * - no scheme and no authority: the default file system's scheme and
 *   authority; the same scheme as the default's but no authority: the
 *   default's authority;
 * - file: "file:" + path (LocalFileSystem's URI has no authority);
 * - s3/s3a/s3n under another scheme than the default's: as normalised;
 * - other schemes (hdfs, ...): scheme://authority as given;
 * - an empty path becomes "/" where a scheme is added.
 * A relative path (no leading '/', where Hadoop would fail), NULL or ""
 * comes back unchanged (NULL for NULL). Percent signs and every other
 * character stay literal, as in Path. */
char *ms_location_qualify (const char *location, const char *default_fs);

/* Replace *location by its qualified form (no-op for NULL or ""). */
void ms_location_qualify_in_place (char **location, const char *default_fs);

/* Whether 'default_fs' is usable as fs.defaultFS: a scheme and an
 * absolute (possibly empty) path, e.g. "file:///", "s3a://bucket". */
gboolean ms_location_valid_default_fs (const char *default_fs);
