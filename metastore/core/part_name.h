/*
 * part_name.h: Hive's partition names ("ds=2024-01-01/hr=1"): parsing into
 * key/value pairs (Warehouse.makeSpecFromName / makeEscSpecFromName), the
 * path escaping of keys and values (FileUtils.escapePathName /
 * unescapePathName) and building a name from keys and values
 * (Warehouse.makePartName). Pure functions; callers own the results.
 */
#pragma once
#include <glib.h>

/* Hive's name for a partition whose value is NULL or empty. */
#define MS_DEFAULT_PARTITION_NAME "__HIVE_DEFAULT_PARTITION__"

/* FileUtils.escapePathName: control characters and "#%'*\/:=?\\{[]^ and
 * DEL become %XX; NULL or "" gives MS_DEFAULT_PARTITION_NAME. */
char *ms_part_name_escape (const char *value);
/* FileUtils.unescapePathName: "%XX" decoded, any other '%' kept. */
char *ms_part_name_unescape (const char *s);

/* The key=value components of 'name' in order, as a flat array of
 * (key, value) strings; components without '=' are skipped and a later
 * duplicate key replaces the earlier value. 'unescape' decodes keys and
 * values. NULL or "" is MS_ERROR_NOT_ALLOWED (MetaException)
 * "Partition name is invalid. <name>". */
GPtrArray *ms_part_name_spec (const char *name, gboolean unescape, GError **error);

/* HMSHandler.lowerCaseConvertPartName: keys lower-cased, values as given
 * (escaped); NULL for NULL. */
char *ms_part_name_lower_keys (const char *name, GError **error);

/* The values of 'name' for partition keys 'keys' in key order (unescaped),
 * as HMSHandler.getPartValsFromName; a missing key is
 * MS_ERROR_INVALID_OBJECT "incomplete partition name - missing <key>". */
GPtrArray *ms_part_name_values (const char *name, const char *const *keys, guint n_keys,
                                GError **error);

/* Warehouse.makePartName: escape(lower(key))=escape(value) joined by '/'. */
char *ms_part_name_make (const char *const *keys, const char *const *values, guint n);
