/*
 * filter.h: Hive's metastore filter language (the `filter` string of
 * get_partitions_by_filter, get_num_partitions_by_filter, drop_partitions_req
 * and get_table_names_by_filter) parsed to an AST. Pure C, no SQL: the store
 * compiles the tree into one parameterised query.
 *
 * Grammar (Hive's Filter.g / PartitionFilter.g4, keywords case-insensitive):
 *   filter    := or
 *   or        := and (OR and)*                AND binds tighter than OR
 *   and       := condition (AND condition)*
 *   condition := '(' or ')'
 *              | key op value | value op key  op: = == <> != < <= > >= LIKE
 *              | key [NOT] BETWEEN value AND value
 *              | '(' key ')' [NOT] IN '(' value (',' value)* ')'
 *              | key [NOT] IN '(' value (',' value)* ')'        (extension)
 *              | '(' STRUCT '(' key, ... ')' ')' [NOT] IN
 *                    '(' [CONST] STRUCT '(' value, ... ')', ... ')'
 *   key       := [A-Za-z0-9_]+ (not all digits, not a keyword) | `any``text`
 *   value     := 'text' | "text"                 kept raw, as Hive does
 *              | [-] digits                      signed 64-bit
 *              | YYYY-MM-DD | DATE 'YYYY-MM-DD'  real calendar dates
 *              | YYYY-MM-DD HH:MM:SS | TIMESTAMP 'YYYY-MM-DD HH:MM:SS'
 * DATE, TIMESTAMP, STRUCT and CONST are keywords only where a literal or a
 * struct can start (so a partition column named `date` works, as in
 * Hive 2.3); AND OR NOT BETWEEN IN LIKE are reserved.
 */
#pragma once
#include <glib.h>

/* Most parentheses one filter may nest; deeper input is refused. */
#define MS_FILTER_MAX_DEPTH 1000
/* Most bytes and most values (literals) one filter may hold: a filter is
 * refused before any work past these (each value becomes one query
 * parameter, and PostgreSQL takes at most 65,535 in one statement). Spark
 * turns IN lists longer than 1,000 into ranges by default. */
#define MS_FILTER_MAX_BYTES (1024 * 1024)
#define MS_FILTER_MAX_VALUES 10000
/* Bound on the depth of a parsed tree (see ms_filter_parse). */
#define MS_FILTER_MAX_TREE_DEPTH (4 * MS_FILTER_MAX_DEPTH + 100)

typedef enum {
  MS_FILTER_VAL_STRING,     /* str: the text between the quotes, unchanged */
  MS_FILTER_VAL_INT,        /* num; str: its canonical decimal form ("-7") */
  MS_FILTER_VAL_DATE,       /* str: "YYYY-MM-DD"; num: days since 1970-01-01 */
  MS_FILTER_VAL_TIMESTAMP,  /* str: "YYYY-MM-DD HH:MM:SS"; num: seconds since the epoch (UTC) */
} MsFilterValKind;

typedef struct {
  MsFilterValKind kind;
  char *str;
  gint64 num;
} MsFilterValue;

typedef enum {
  MS_FILTER_OP_EQ, MS_FILTER_OP_NE, MS_FILTER_OP_LT, MS_FILTER_OP_LE, MS_FILTER_OP_GT,
  MS_FILTER_OP_GE, MS_FILTER_OP_LIKE,
} MsFilterOp;

typedef enum {
  MS_FILTER_NODE_AND, MS_FILTER_NODE_OR, MS_FILTER_NODE_CMP, MS_FILTER_NODE_BETWEEN,
  MS_FILTER_NODE_IN,
} MsFilterNodeKind;

typedef struct _MsFilterNode MsFilterNode;
struct _MsFilterNode {
  MsFilterNodeKind kind;
  MsFilterNode *left, *right;  /* AND / OR: both set */
  char *key;                   /* CMP / BETWEEN / IN: the key as written (case kept,
                                  backquotes removed): a column or hive_filter_field_* name */
  MsFilterOp op;               /* CMP */
  gboolean reversed;           /* CMP: the value was on the left ("5 < hr" means hr > 5) */
  gboolean negated;            /* BETWEEN / IN: NOT BETWEEN, NOT IN */
  GPtrArray *values;           /* MsFilterValue*: CMP 1, BETWEEN 2 (low, high), IN >= 1;
                                  NULL for AND / OR */
  int pos;                     /* byte offset in the input: of the key for CMP / BETWEEN / IN,
                                  of the first condition for AND / OR */
};

/* Parses 'text' (NUL-terminated UTF-8). Returns the tree, which the caller
 * frees with ms_filter_node_free, or NULL with MS_ERROR_INVALID_INPUT
 * "Error parsing partition filter at position N: ..." (N: 0-based byte
 * offset). An empty filter is an error here: Hive treats a NULL or ""
 * filter as "no filter", and the caller must do that before calling.
 *
 * The tree is always shallow: chains of one operator ("a or b or c ...",
 * also when written as Spark's nested "((a or b) or c)") are built as
 * weight-balanced binary trees, so its depth stays below
 * MS_FILTER_MAX_TREE_DEPTH and plain recursion over it is safe. */
MsFilterNode *ms_filter_parse (const char *text, GError **error);

void ms_filter_node_free (MsFilterNode *n);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsFilterNode, ms_filter_node_free)

/* A canonical form (for tests and logs) that ms_filter_parse reads back to
 * an equal tree: parentheses only around an OR chain inside an AND chain,
 * lower-case operators, strings in double quotes unless they contain one,
 * keys backquoted when needed, IN as "key in (..)". Caller frees. */
char *ms_filter_node_to_string (const MsFilterNode *n);
