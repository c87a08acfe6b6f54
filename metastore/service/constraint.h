/*
 * service/constraint.h: the rules of table constraints, whichever door
 * adds them (Hive's ObjectStore rules): the table and every named column
 * exist, one primary key per table, names unique within their table
 * (Hive 4 keys constraints by table and name), generated names in Hive's
 * form, and a foreign key references exactly the columns of its parent's
 * primary key or of one of its unique constraints, with the same types.
 *
 * The store runs the rules inside the transaction that writes the
 * constraints (ms_store_constraints_add), so what they check is what is
 * stored.
 */
#pragma once
#include "store/store.h"
#include "model/constraint.h"

/* Check and complete 'rows' (MsConstraint*, any kinds, of one catalog)
 * against 'tables' (ms_constraint_table_key -> MsConstraintTable*: every
 * table the rows name, as stored; a missing one is absent): names and
 * columns normalised as Hive normalises identifiers (trimmed,
 * lower-cased), missing names generated with 'now_ms' in them. Errors:
 * MS_ERROR_INVALID_OBJECT for a missing table or column and a taken name,
 * MS_ERROR_NOT_ALLOWED (MetaException) for a second primary key and a
 * foreign key that references no primary or unique key. */
gboolean ms_service_constraints_check_at (GPtrArray *rows, GHashTable *tables, gint64 now_ms,
                                          GError **error);
/* The same at the current time (an MsConstraintCheckFunc). */
gboolean ms_service_constraints_check (GPtrArray *rows, GHashTable *tables, GError **error);

/* Hive's generated constraint name for 'parts' (the last one names the
 * kind: "pk", "fk", "uk", "nn", "dc"): "<last>_<hash>_<now_ms>_<counter>",
 * hash being Java's String.hashCode of "{part,part,...}" (NULL parts as
 * "<null>") masked to 28 bits. */
char *ms_service_constraint_name (const char *const *parts, guint n, gint64 now_ms, int counter);

/* Add 'rows' to their tables in one transaction, checked by the rules
 * above; with 'create' (its location decided) that table is created first,
 * with the grants 'create_grants' (MsPrivilege*, or NULL), in the same
 * transaction (create_table_with_constraints). */
gboolean ms_service_constraints_add (MsStore *store, const char *catalog, MsTable *create,
                                     const GPtrArray *create_grants, GPtrArray *rows,
                                     GError **error);
