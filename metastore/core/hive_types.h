/*
 * hive_types.h: Hive column type strings as the metastore checks them.
 *
 * ms_hive_type_check follows Hive's MetaStoreUtils.validateColumnType: only
 * the first token of the type ("decimal" in "decimal(10,2)", "map" in
 * "map<string,int>") is checked, case-sensitively, against Hive's primitive,
 * collection, struct and union type names.
 *
 * ms_hive_type_convertible follows TypeInfoUtils.implicitConvertible, which
 * the metastore uses to refuse incompatible column type changes: the same
 * type, or primitive widenings (numeric upwards, anything stringy to
 * double/decimal, numeric/date/string to the string group, void to anything).
 * Complex types must stay exactly the same.
 */
#pragma once
#include <glib.h>

/* TRUE when 'type' names a Hive type (see above). */
gboolean ms_hive_type_check (const char *type);

/* TRUE when a column of type 'from' may become 'to'. */
gboolean ms_hive_type_convertible (const char *from, const char *to);
