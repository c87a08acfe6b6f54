/*
 * pattern.h: HMS name patterns ("sales_*|tmp*"), as get_databases,
 * get_tables and get_functions take them.
 *
 * Semantics of Apache Hive's ObjectStore: the pattern is trimmed and split at
 * '|'; in each alternative '*' matches any run of characters and '.' any one
 * character; the whole name must match; case is ignored. Other regular
 * expression characters are matched literally here (names never contain
 * them), so no client pattern can produce an invalid expression.
 */
#pragma once
#include <glib.h>

/* The POSIX (PostgreSQL ARE) expression for 'pattern', to be used with ~*.
 * NULL or empty pattern returns NULL: "match everything". Caller frees. */
char *ms_pattern_to_regex (const char *pattern);

/* In-memory match with the same semantics (used for short fixed lists). */
gboolean ms_pattern_match (const char *pattern, const char *name);

/* Lower-case a name: Unicode-aware when it is valid UTF-8, ASCII-only
 * otherwise (clients can send any bytes). NULL for NULL. */
char *ms_str_lower (const char *s);

/* Hive: a given but blank pattern ("" or spaces) matches no name at all
 * (NULL, "no pattern", matches every name). */
gboolean ms_pattern_matches_nothing (const char *pattern);
