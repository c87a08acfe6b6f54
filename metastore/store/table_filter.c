/*
 * table_filter.c: get_table_names_by_filter. A parsed filter (core/filter.h)
 * over table fields becomes one parameterised WHERE clause: every value and
 * every parameter name is a bound parameter, only fixed SQL fragments are
 * spliced in.
 *
 * The keys and their rules are Hive's (ExpressionTree, tables):
 *   hive_filter_field_owner__         the owner; every operator
 *   hive_filter_field_last_access__   last access time (integer); no LIKE
 *   hive_filter_field_params__<name>  a table parameter; =, <>, != and LIKE
 *                                     only; a table without the parameter
 *                                     matches neither = nor <>
 * LIKE takes a Java-style regular expression matching the whole value;
 * like MySQL-backed Hive, it ignores case.
 */
#include "store/store.h"
#include "store/pool.h"
#include "store/partition_filter.h"
#include <stdio.h>
#include <string.h>

#define KEY_OWNER "hive_filter_field_owner__"
#define KEY_LAST_ACCESS "hive_filter_field_last_access__"
#define KEY_PARAMS "hive_filter_field_params__"

typedef struct {
  GString *sql;
  GPtrArray *params;          /* char*, $1.. */
} Compile;

static const char *
bind (Compile *c, const char *value, char *buf, gsize len)
{
  g_ptr_array_add (c->params, g_strdup (value));
  snprintf (buf, len, "$%u", c->params->len);
  return buf;
}

static const char *
sql_op (MsFilterOp op)
{
  switch (op)
    {
    case MS_FILTER_OP_EQ: return "=";
    case MS_FILTER_OP_NE: return "<>";
    case MS_FILTER_OP_LT: return "<";
    case MS_FILTER_OP_LE: return "<=";
    case MS_FILTER_OP_GT: return ">";
    case MS_FILTER_OP_GE: return ">=";
    default: return NULL;
    }
}

static gboolean
fail_at (GError **error, const MsFilterNode *n, const char *fmt, const char *arg)
{
  g_autofree char *msg = g_strdup_printf (fmt, arg);
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "Error parsing table filter at position %d: %s",
                  n->pos, msg);
}

/* One comparison of 'key' with 'value' by 'op'. */
static gboolean
leaf (Compile *c, const MsFilterNode *n, MsFilterOp op, const MsFilterValue *value, GError **error)
{
  const char *key = n->key;
  char p1[16], p2[16];
  if (op == MS_FILTER_OP_LIKE)
    {
      g_autoptr (GError) bad = NULL;
      g_autoptr (GRegex) re = g_regex_new (value->str, 0, 0, &bad);
      if (re == NULL)
        return fail_at (error, n, "invalid LIKE pattern: %s", bad->message);
    }
  if (g_str_equal (key, KEY_OWNER))
    {
      if (op == MS_FILTER_OP_LIKE)
        g_string_append_printf (c->sql, "t.owner_name ~* ('^(?:' || %s || ')$')",
                                bind (c, value->str, p1, sizeof p1));
      else
        g_string_append_printf (c->sql, "t.owner_name %s %s", sql_op (op),
                                bind (c, value->str, p1, sizeof p1));
      return TRUE;
    }
  if (g_str_equal (key, KEY_LAST_ACCESS))
    {
      if (op == MS_FILTER_OP_LIKE)
        return fail_at (error, n, "%s", "Like is not supported for HIVE_FILTER_FIELD_LAST_ACCESS");
      if (value->kind != MS_FILTER_VAL_INT)
        return fail_at (error, n, "%s", "HIVE_FILTER_FIELD_LAST_ACCESS takes an integer");
      g_string_append_printf (c->sql, "t.last_access_time %s %s::bigint", sql_op (op),
                              bind (c, value->str, p1, sizeof p1));
      return TRUE;
    }
  if (g_str_has_prefix (key, KEY_PARAMS))
    {
      if (op != MS_FILTER_OP_EQ && op != MS_FILTER_OP_NE && op != MS_FILTER_OP_LIKE)
        return fail_at (error, n, "%s",
                        "Only [=, <>, !=, LIKE] are supported operators for HIVE_FILTER_FIELD_PARAMS");
      const char *param = key + strlen (KEY_PARAMS);
      bind (c, param, p1, sizeof p1);
      if (op == MS_FILTER_OP_LIKE)
        g_string_append_printf (c->sql, "(t.params->>%s) ~* ('^(?:' || %s || ')$')", p1,
                                bind (c, value->str, p2, sizeof p2));
      else
        g_string_append_printf (c->sql, "(t.params->>%s) %s %s", p1, sql_op (op),
                                bind (c, value->str, p2, sizeof p2));
      return TRUE;
    }
  return fail_at (error, n, "%s",
                  "Invalid key name in filter.  Use constants from org.apache.hadoop.hive.metastore.api");
}

static gboolean
compile (Compile *c, const MsFilterNode *n, GError **error)
{
  switch (n->kind)
    {
    case MS_FILTER_NODE_AND:
    case MS_FILTER_NODE_OR:
      g_string_append_c (c->sql, '(');
      if (!compile (c, n->left, error))
        return FALSE;
      g_string_append (c->sql, n->kind == MS_FILTER_NODE_AND ? " AND " : " OR ");
      if (!compile (c, n->right, error))
        return FALSE;
      g_string_append_c (c->sql, ')');
      return TRUE;
    case MS_FILTER_NODE_CMP:
      {
        const MsFilterValue *v = g_ptr_array_index (n->values, 0);
        if (n->reversed && n->op == MS_FILTER_OP_LIKE)
          return fail_at (error, n, "Value should be on the RHS for LIKE operator : Key <%s>",
                          n->key);
        return leaf (c, n, n->reversed ? ms_filter_op_flip (n->op) : n->op, v, error);
      }
    case MS_FILTER_NODE_BETWEEN:
      g_string_append_c (c->sql, '(');
      if (!leaf (c, n, n->negated ? MS_FILTER_OP_LT : MS_FILTER_OP_GE,
                 g_ptr_array_index (n->values, 0), error))
        return FALSE;
      g_string_append (c->sql, n->negated ? " OR " : " AND ");
      if (!leaf (c, n, n->negated ? MS_FILTER_OP_GT : MS_FILTER_OP_LE,
                 g_ptr_array_index (n->values, 1), error))
        return FALSE;
      g_string_append_c (c->sql, ')');
      return TRUE;
    case MS_FILTER_NODE_IN:
      g_string_append_c (c->sql, '(');
      for (guint i = 0; i < n->values->len; i++)
        {
          if (i > 0)
            g_string_append (c->sql, n->negated ? " AND " : " OR ");
          if (!leaf (c, n, n->negated ? MS_FILTER_OP_NE : MS_FILTER_OP_EQ,
                     g_ptr_array_index (n->values, i), error))
            return FALSE;
        }
      g_string_append_c (c->sql, ')');
      return TRUE;
    }
  return ms_fail (error, MS_ERROR_INTERNAL, "unknown filter node");
}

GPtrArray *
ms_store_table_names_by_filter (MsStore *s, const char *catalog, const char *db,
                                const MsFilterNode *filter, int max_tables, GError **error)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) sql = g_string_new (
      "SELECT t.name FROM ms_tables t JOIN ms_databases d ON d.db_id = t.db_id "
      "JOIN ms_catalogs c ON c.cat_id = d.cat_id WHERE c.name = $1 AND d.name = $2");
  g_ptr_array_add (params, g_strdup (catalog));
  g_ptr_array_add (params, g_strdup (db));
  Compile comp = { sql, params };
  if (filter != NULL)
    {
      g_string_append (sql, " AND ");
      if (!compile (&comp, filter, error))
        return NULL;
    }
  g_string_append (sql, " ORDER BY t.name");
  if (max_tables >= 0)
    g_string_append_printf (sql, " LIMIT %d", max_tables);

  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return NULL;
  g_autoptr (PGresult) r = ms_pg_read_text (c, sql->str, (int) params->len,
                                            (const char *const *) params->pdata, error);
  if (r == NULL)
    return NULL;
  return ms_pg_column_strings (r, 0);
}
