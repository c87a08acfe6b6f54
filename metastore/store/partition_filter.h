/*
 * partition_filter.h: partition filters (core/filter.h) compiled into one
 * parameterised SQL query over ms_partition_values, and the numeric form of
 * a partition value that the store keeps beside its text (val_num) so that
 * numeric, date and timestamp keys compare by value and use an index; also
 * the operator flip both filter compilers use.
 *
 * Store-internal: only files under store/ include this header.
 */
#pragma once
#include <glib.h>
#include "core/filter.h"
#include "model/table.h"

/* The numeric form stored in ms_partition_values.val_num for 'value' of a
 * partition key of Hive type 'type' ("int", "decimal(10,2)", "date", ...),
 * or NULL when the type compares as text or the value does not parse (e.g.
 * __HIVE_DEFAULT_PARTITION__). Canonical PostgreSQL numeric text: no
 * exponent, no leading or trailing zeros ("-12", "0.5", "1000").
 *   tinyint smallint int integer bigint: [+-]digits, any length up to 1000
 *     digits (Hive compares them as decimals)
 *   decimal numeric float double real: [+-]digits[.digits][e[+-]digits]
 *     (also ".5", "5."); NaN and Infinity give NULL; at most 1000 digits
 *     each side of the point
 *   date: days since 1970-01-01 of a real date YYYY-MM-DD
 *   timestamp: seconds since 1970-01-01 00:00:00 (UTC) of
 *     'YYYY-MM-DD HH:MM:SS[.f]' (1 to 9 fraction digits, kept) or
 *     'YYYY-MM-DD' (midnight)
 * Type names are matched case-insensitively on the part before '('.
 * Caller frees. */
char *ms_partition_value_number (const char *type, const char *value);

/* 'op' with its operands swapped: a comparison written value-first
 * ("5 < hr", MsFilterNode.reversed) reads key-first as "hr > 5". Shared by
 * this compiler and the table filter's (table_filter.c). */
MsFilterOp ms_filter_op_flip (MsFilterOp op);

/* Appends to 'sql' one SELECT (joins and UNIONs of SELECTs on
 * ms_partition_values) whose single column part_id lists, each once, the
 * partitions of the table whose id is the already-bound parameter
 * 'table_param' (e.g. "$1") that match 'filter'. Use it as
 *   ... FROM ms_partitions p WHERE p.table_id = $1 AND p.part_id IN (<sql>)
 * 'keys' are the table's partition keys (MsColumn*, key order; key_idx in
 * ms_partition_values is the 0-based position); the filter names them
 * case-insensitively. Every value is appended to 'params' (char*, numbered
 * after those already there: $<params->len>); only fixed SQL text and key
 * positions are spliced in.
 *
 * Typing (per key type; Hive's direct-SQL rules):
 *   string varchar char: text, byte order (COLLATE "C"); string, date and
 *     timestamp literals as their text (no integer literal); LIKE = Java
 *     regex matching the whole value
 *   integral: numeric on val_num; integer literals only
 *   decimal float double: numeric on val_num; an integer literal or a string
 *     that parses as a number
 *   date: on val_num (days); a date literal or a string that is a date
 *   timestamp: on val_num (seconds); a timestamp or date literal, or a
 *     string that is a timestamp
 *   anything else (boolean, ...): text, no LIKE
 * On a numeric, date or timestamp key the string "__HIVE_DEFAULT_PARTITION__"
 * compares as text, so it finds the default partition (as in Hive 4); every
 * other comparison skips values without a numeric form, != and NOT IN too.
 *
 * On error (nothing useful appended): MS_ERROR_INVALID_INPUT
 * "Error parsing partition filter at position N: <why>" for an unknown key,
 * a value of the wrong type, LIKE with the value on the left, LIKE on a key
 * that is not a string, or an invalid LIKE pattern. */
gboolean ms_partition_filter_compile (const MsFilterNode *filter, GPtrArray *keys,
                                      const char *table_param, GString *sql, GPtrArray *params,
                                      GError **error);
