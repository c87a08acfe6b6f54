/*
 * hive_mysql.c: the MySQL and MariaDB backend of a Java metastore source
 * (store/hive_source_internal.h), through MariaDB's C client (libmariadb),
 * for MySQL 8.0 and later and MariaDB 10.5 and later (older servers are
 * refused, naming what they lack):
 *  - the source's URL, mysql://USER:PASSWORD@HOST:PORT/DATABASE (or
 *    mariadb://; ?socket=PATH for a Unix socket), and its label without
 *    the password;
 *  - the session: utf8mb4, sql_mode ANSI (double-quoted identifiers and
 *    || as PostgreSQL's), JSON and GROUP_CONCAT text not cut short, one
 *    repeatable-read snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT,
 *    READ ONLY);
 *  - statements: PostgreSQL's spelling of the few functions the readers
 *    use turned into forms both servers document (an ordered json_agg as
 *    GROUP_CONCAT of JSON text: MariaDB's JSON_ARRAYAGG takes ORDER BY,
 *    MySQL's does not), $n into ?, casts (::text) dropped, values sent as
 *    prepared statement parameters;
 *  - rows: fetched unbuffered (streamed from the server as they are
 *    read), or through a read-only server-side cursor where other
 *    statements run while it is open ('reenter', the partition stream),
 *    handed on as libpq results a bounded batch at a time; a BIT(1) value
 *    becomes "t" or "f", a DOUBLE keeps every digit, and text that is not
 *    UTF-8 is read as latin1 (see ms_hive_mysql_text).
 */
#include "store/hive_source_internal.h"
#include <json-glib/json-glib.h>
#include <mysql.h>
#include <errmsg.h>
#include <string.h>

#define FETCH_ROWS 2000
#define INLINE_BYTES 256         /* a value longer is fetched on its own */

/* ---- the URL ---- */

gboolean
ms_hive_mysql_url (const char *from)
{
  return from != NULL && (g_str_has_prefix (from, "mysql://")
                          || g_str_has_prefix (from, "mariadb://"));
}

typedef struct {
  char *host, *user, *password, *db, *socket;
  int port;
} MyTarget;

static void
my_target_clear (MyTarget *t)
{
  g_free (t->host);
  g_free (t->user);
  g_free (t->password);
  g_free (t->db);
  g_free (t->socket);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MyTarget, my_target_clear)

static gboolean
parse_url (const char *url, MyTarget *t, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GUri) u = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD, &local);
  if (u == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "--from: %s", local->message);
  const char *path = g_uri_get_path (u);
  if (path == NULL || path[0] != '/' || path[1] == '\0' || strchr (path + 1, '/') != NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "--from: a MySQL source names its database: "
                    "%s://USER:PASSWORD@HOST:PORT/DATABASE", g_uri_get_scheme (u));
  t->db = g_strdup (path + 1);
  t->host = g_strdup (g_uri_get_host (u));
  t->user = g_strdup (g_uri_get_user (u));
  t->password = g_strdup (g_uri_get_password (u));
  if (t->password == NULL && g_getenv ("MYSQL_PWD") != NULL)
    t->password = g_strdup (g_getenv ("MYSQL_PWD"));
  t->port = g_uri_get_port (u) > 0 ? g_uri_get_port (u) : 3306;
  const char *query = g_uri_get_query (u);
  if (query == NULL)
    return TRUE;
  g_autoptr (GHashTable) params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, &local);
  if (params == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "--from: %s", local->message);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, params);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (g_str_equal (k, "socket"))
      t->socket = g_strdup (v);
    else
      return ms_fail (error, MS_ERROR_INVALID_INPUT, "--from: unknown parameter '%s' (a "
                      "MySQL source takes socket=PATH)", (const char *) k);
  return TRUE;
}

char *
ms_hive_mysql_label (const char *url)
{
  g_autoptr (GUri) u = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  /* GLib cannot write a path starting with // without a host (it fails
   * with a critical and no text): "mysql:a/..//db" */
  if (u == NULL || (g_uri_get_host (u) == NULL && g_str_has_prefix (g_uri_get_path (u), "//")))
    return g_strdup (g_str_has_prefix (url, "mariadb://") ? "mariadb://?" : "mysql://?");
  g_autoptr (GUri) bare = g_uri_build_with_user (G_URI_FLAGS_ENCODED, g_uri_get_scheme (u),
                                                 g_uri_get_user (u), NULL, NULL,
                                                 g_uri_get_host (u), g_uri_get_port (u),
                                                 g_uri_get_path (u), g_uri_get_query (u), NULL);
  return g_uri_to_string (bare);
}

/* ---- text ---- */

/* Windows-1252's characters for the bytes 0x80 to 0x9f (the others are
 * ISO-8859-1's, their own code points); 0 marks its five holes, which
 * MySQL's latin1 reads as the C1 controls of the same number. */
static const gunichar cp1252_80_9f[32] = {
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
  0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* Text that is not UTF-8 read as MySQL's latin1 (Windows-1252 with its
 * holes as C1 controls), a byte at a time, NUL bytes left out. NULL (and
 * *out_len unset) for text that is UTF-8 already. */
char *
ms_hive_mysql_text (const char *v, gsize len, gsize *out_len)
{
  if (g_utf8_validate_len (v, len, NULL))
    return NULL;
  GString *out = g_string_sized_new (len * 2);
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) v[i];
      if (c == 0)
        continue;
      if (c < 0x80)
        g_string_append_c (out, (char) c);
      else
        g_string_append_unichar (out, c < 0xa0 && cp1252_80_9f[c - 0x80] != 0 ? cp1252_80_9f[c - 0x80] : c);
    }
  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* ---- errors and statements ---- */

static gboolean
my_fail (GError **error, unsigned int code, const char *message, const char *what)
{
  /* the client's own errors (2000..2999) are the connection's */
  MsErrorCode c = code >= CR_MIN_ERROR && code <= CR_MAX_ERROR ? MS_ERROR_UNAVAILABLE
                                                               : MS_ERROR_INTERNAL;
  return ms_fail (error, c, "the MySQL source: %s: %s", what, message);
}

static gboolean
my_exec (MYSQL *my, const char *sql, GError **error)
{
  if (mysql_real_query (my, sql, strlen (sql)) != 0)
    return my_fail (error, mysql_errno (my), mysql_error (my), sql);
  MYSQL_RES *r = mysql_store_result (my);
  if (r != NULL)
    mysql_free_result (r);
  return TRUE;
}

/* The PostgreSQL functions the statements use, and MySQL's names for
 * them (json_agg: see array_agg). */
enum { FN_ARRAY, FN_OBJECT, FN_OBJECT_AGG };
static const struct { const char *pg, *my; } functions[] = {
  [FN_ARRAY] = { "json_agg (", "JSON_ARRAYAGG (" },
  [FN_OBJECT] = { "json_build_object (", "JSON_OBJECT (" },
  [FN_OBJECT_AGG] = { "jsonb_object_agg (", "JSON_OBJECTAGG (" },
};
#define MAX_NESTING 32           /* calls deeper are renamed only */

typedef struct {
  const char *sql;
  gsize at;
} Text;

static gboolean rewrite_level (Text *t, GString *out, gboolean nested, gboolean json,
                               guint depth, gssize *order_at);

/* Whether e[0..len) is one expression in parentheses (a subquery). */
static gboolean
parenthesised (const char *e, gsize len)
{
  if (len < 2 || e[0] != '(' || e[len - 1] != ')')
    return FALSE;
  int depth = 0;
  for (gsize i = 0; i < len; i++)
    {
      if (e[i] == '\'')
        {
          const char *end = memchr (e + i + 1, '\'', len - i - 1);
          if (end == NULL)
            return FALSE;
          i = (gsize) (end - e);
          continue;
        }
      depth += e[i] == '(' ? 1 : e[i] == ')' ? -1 : 0;
      if (depth == 0)
        return i == len - 1;
    }
  return FALSE;
}

/* json_agg (E [ORDER BY K]), its arguments already rewritten in 'args'
 * (ORDER BY at 'order_at', -1: none): the text of a JSON array of E's
 * values in K's order, built by GROUP_CONCAT (ORDER BY ...), which MySQL
 * 8.0 and MariaDB both document. Each value is JSON text: an object of
 * JSON_OBJECT as it is, a subquery's (a nested json_agg) as it is, any
 * other value quoted as a JSON string (JSON_QUOTE: the readers aggregate
 * only text), SQL NULL as null; GROUP_CONCAT joins them with its comma.
 * No rows give NULL, as json_agg does. The text is utf8mb4 (CONVERT: the
 * values' columns are latin1 in schematool's MySQL scripts, and MariaDB
 * refuses to mix its collation with another column's in JSON_OBJECT).
 * Inside a JSON_OBJECT ('json') the
 * text is made JSON again (JSON_EXTRACT of '$'), or JSON_OBJECT would
 * take it for a string. */
static void
array_agg (GString *out, const char *args, gssize order_at, gboolean json)
{
  while (g_ascii_isspace (*args))
    {
      args++;
      order_at--;
    }
  gsize n = order_at >= 0 ? (gsize) order_at : strlen (args);
  const char *keys = order_at >= 0 ? args + order_at : NULL;
  while (n > 0 && g_ascii_isspace (args[n - 1]))
    n--;
  gsize object = strlen (functions[FN_OBJECT].my) - 1;     /* at its '(' */
  g_string_append (out, json ? "JSON_EXTRACT (CONVERT (CONCAT ('[', GROUP_CONCAT ("
                             : "CONVERT (CONCAT ('[', GROUP_CONCAT (");
  if (n > object && strncmp (args, functions[FN_OBJECT].my, object) == 0
      && parenthesised (args + object, n - object))
    g_string_append_len (out, args, (gssize) n);
  else if (parenthesised (args, n))
    {
      g_string_append (out, "COALESCE (");
      g_string_append_len (out, args, (gssize) n);
      g_string_append (out, ", 'null')");
    }
  else
    {
      g_string_append (out, "COALESCE (JSON_QUOTE (");
      g_string_append_len (out, args, (gssize) n);
      g_string_append (out, "), 'null')");
    }
  if (keys != NULL)
    {
      g_string_append_c (out, ' ');
      g_string_append (out, keys);
    }
  g_string_append (out, json ? "), ']') USING utf8mb4), '$')" : "), ']') USING utf8mb4)");
}

/* The call of functions[f] whose "name (" was just read: its arguments
 * up to its closing parenthesis, rewritten. */
static void
rewrite_call (Text *t, GString *out, guint f, gboolean json, guint depth)
{
  if (f != FN_ARRAY)
    {
      g_string_append (out, functions[f].my);
      if (rewrite_level (t, out, TRUE, f == FN_OBJECT, depth, NULL))
        {
          g_string_append_c (out, ')');
          t->at++;
        }
      return;
    }
  g_autoptr (GString) args = g_string_new (NULL);
  gssize order_at = -1;
  /* its values are joined as text: no JSON context inside */
  if (!rewrite_level (t, args, TRUE, FALSE, depth, &order_at))
    {
      /* never closed: the rest as it is */
      g_string_append (out, functions[FN_ARRAY].my);
      g_string_append_len (out, args->str, (gssize) args->len);
      return;
    }
  t->at++;
  array_agg (out, args->str, order_at, json);
}

/* Rewrite t from t->at into 'out' up to the end or, when 'nested', up to
 * the parenthesis closing this level (left unread: TRUE). 'json': inside
 * the arguments of JSON_OBJECT. 'order_at': where this level's first
 * ORDER BY went in 'out'. */
static gboolean
rewrite_level (Text *t, GString *out, gboolean nested, gboolean json, guint depth,
               gssize *order_at)
{
  int parens = 0;
  while (t->sql[t->at] != '\0')
    {
      const char *s = t->sql + t->at;
      gboolean word_start = t->at == 0 || !(g_ascii_isalnum (s[-1]) || s[-1] == '_');
      guint f = 0;
      while (word_start && f < G_N_ELEMENTS (functions) && !g_str_has_prefix (s, functions[f].pg))
        f++;
      if (*s == '\'')
        {
          /* a literal, as it is ('' inside it: two literals in a row) */
          const char *end = strchr (s + 1, '\'');
          gsize n = end ? (gsize) (end - s) + 1 : strlen (s);
          g_string_append_len (out, s, (gssize) n);
          t->at += n;
        }
      else if (*s == ')' && parens == 0 && nested)
        return TRUE;
      else if (word_start && f < G_N_ELEMENTS (functions))
        {
          t->at += strlen (functions[f].pg);
          if (depth < MAX_NESTING)
            rewrite_call (t, out, f, json, depth + 1);
          else
            {
              g_string_append (out, functions[f].my);
              parens++;
            }
        }
      else if (s[0] == ':' && s[1] == ':' && g_ascii_isalpha (s[2]))
        for (t->at += 2; g_ascii_isalnum (t->sql[t->at]) || t->sql[t->at] == '_'; t->at++)
          ;                     /* a cast: MySQL converts by context */
      else if (*s == '$' && g_ascii_isdigit (s[1]))
        {
          g_string_append_c (out, '?');
          for (t->at++; g_ascii_isdigit (t->sql[t->at]); t->at++)
            ;
        }
      else
        {
          if (word_start && parens == 0 && order_at != NULL && *order_at < 0
              && g_str_has_prefix (s, "ORDER BY "))
            *order_at = (gssize) out->len;
          parens += *s == '(' ? 1 : *s == ')' && parens > 0 ? -1 : 0;
          g_string_append_c (out, *s);
          t->at++;
        }
    }
  return FALSE;
}

char *
ms_hive_mysql_sql (const char *sql)
{
  GString *out = g_string_sized_new (strlen (sql) + 64);
  Text t = { sql, 0 };
  rewrite_level (&t, out, FALSE, FALSE, 0, NULL);
  return g_string_free (out, FALSE);
}

/* "10.11.6-MariaDB-0+deb12u1" (older MariaDB: "5.5.5-10.4.2-MariaDB"),
 * "8.0.36" */
gboolean
ms_hive_mysql_server_check (const char *info, GError **error)
{
  const char *v = info != NULL ? info : "";
  gboolean mariadb = strstr (v, "MariaDB") != NULL;
  if (mariadb && g_str_has_prefix (v, "5.5.5-"))
    v += strlen ("5.5.5-");
  char *end = NULL;
  guint64 major = g_ascii_isdigit (*v) ? g_ascii_strtoull (v, &end, 10) : 0, minor = 0;
  gboolean parsed = end != NULL && *end == '.' && g_ascii_isdigit (end[1]);
  if (parsed)
    minor = g_ascii_strtoull (end + 1, NULL, 10);
  if (!parsed)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "the MySQL source: its server's version "
                    "'%s' is not a version", v);
  if (mariadb ? major > 10 || (major == 10 && minor >= 5) : major >= 8)
    return TRUE;
  if (mariadb)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "the source is MariaDB %s: MariaDB 10.5 or "
                    "later is needed (the reads use JSON_OBJECTAGG, which came in 10.5)", v);
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "the source is MySQL %s: MySQL 8.0 or later is "
                  "needed", v);
}

typedef struct {
  MYSQL_STMT *st;
  MYSQL_RES *meta;
  guint ncols;
  MYSQL_BIND *bind;            /* one per column */
  unsigned long *len;
  my_bool *null, *trunc;
  double *dbl;
  char (*inline_buf)[INLINE_BYTES];
  PGresAttDesc *attrs;
} MyStmt;

static void
my_stmt_free (MyStmt *s)
{
  if (s->meta != NULL)
    mysql_free_result (s->meta);
  if (s->st != NULL)
    mysql_stmt_close (s->st);
  g_free (s->bind);
  g_free (s->len);
  g_free (s->null);
  g_free (s->trunc);
  g_free (s->dbl);
  g_free (s->inline_buf);
  g_free (s->attrs);
  g_free (s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MyStmt, my_stmt_free)

static gboolean
stmt_fail (MyStmt *s, const char *sql, GError **error)
{
  return my_fail (error, mysql_stmt_errno (s->st), mysql_stmt_error (s->st), sql);
}

/* Bind every result column: a DOUBLE or FLOAT as a double (printed in
 * full below), anything else as text into a small buffer. */
static void
bind_results (MyStmt *s)
{
  MYSQL_FIELD *f = mysql_fetch_fields (s->meta);
  s->bind = g_new0 (MYSQL_BIND, s->ncols);
  s->len = g_new0 (unsigned long, s->ncols);
  s->null = g_new0 (my_bool, s->ncols);
  s->trunc = g_new0 (my_bool, s->ncols);
  s->dbl = g_new0 (double, s->ncols);
  s->inline_buf = g_malloc0 (s->ncols * sizeof *s->inline_buf);
  s->attrs = g_new0 (PGresAttDesc, s->ncols);
  for (guint c = 0; c < s->ncols; c++)
    {
      MYSQL_BIND *b = &s->bind[c];
      gboolean real = f[c].type == MYSQL_TYPE_DOUBLE || f[c].type == MYSQL_TYPE_FLOAT;
      b->buffer_type = real ? MYSQL_TYPE_DOUBLE : MYSQL_TYPE_STRING;
      b->buffer = real ? (void *) &s->dbl[c] : (void *) s->inline_buf[c];
      b->buffer_length = real ? sizeof (double) : INLINE_BYTES;
      b->length = &s->len[c];
      b->is_null = &s->null[c];
      b->error = &s->trunc[c];
      s->attrs[c].name = f[c].name;
      s->attrs[c].format = 0;
    }
}

/* How a statement's rows come: all read into the client at once,
 * streamed (the connection is busy until the last row), or through a
 * read-only cursor on the server (FETCH_ROWS a fetch; other statements
 * run while it is open; the server keeps the rows in a temporary table). */
typedef enum { MY_BUFFERED, MY_STREAMED, MY_CURSOR } MyMode;

/* Prepare and execute 'sql' with text parameters 'v', its rows to come
 * as 'mode' says. */
static MyStmt *
my_stmt_run (MsHiveSource *src, const char *sql, int n, const char *const *v, MyMode mode,
             GError **error)
{
  g_autofree char *text = ms_hive_mysql_sql (sql);
  g_autoptr (MyStmt) s = g_new0 (MyStmt, 1);
  s->st = mysql_stmt_init (src->my);
  if (s->st == NULL)
    {
      my_fail (error, mysql_errno (src->my), mysql_error (src->my), "statement");
      return NULL;
    }
  if (mysql_stmt_prepare (s->st, text, strlen (text)) != 0)
    {
      stmt_fail (s, text, error);
      return NULL;
    }
  g_autofree MYSQL_BIND *params = g_new0 (MYSQL_BIND, MAX (n, 1));
  g_autofree unsigned long *plen = g_new0 (unsigned long, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      plen[i] = strlen (v[i]);
      params[i].buffer_type = MYSQL_TYPE_STRING;
      params[i].buffer = (void *) v[i];
      params[i].buffer_length = plen[i];
      params[i].length = &plen[i];
    }
  unsigned long cursor = CURSOR_TYPE_READ_ONLY, prefetch = FETCH_ROWS;
  if ((mode == MY_CURSOR
       && (mysql_stmt_attr_set (s->st, STMT_ATTR_CURSOR_TYPE, &cursor) != 0
           || mysql_stmt_attr_set (s->st, STMT_ATTR_PREFETCH_ROWS, &prefetch) != 0))
      || (n > 0 && mysql_stmt_bind_param (s->st, params) != 0) || mysql_stmt_execute (s->st) != 0)
    {
      stmt_fail (s, text, error);
      return NULL;
    }
  s->meta = mysql_stmt_result_metadata (s->st);
  if (s->meta == NULL)
    {
      ms_fail (error, MS_ERROR_INTERNAL, "the MySQL source: %s: no rows", text);
      return NULL;
    }
  s->ncols = mysql_num_fields (s->meta);
  bind_results (s);
  my_bool update_max = 0;
  mysql_stmt_attr_set (s->st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
  if (mysql_stmt_bind_result (s->st, s->bind) != 0
      || (mode == MY_BUFFERED && mysql_stmt_store_result (s->st) != 0))
    {
      stmt_fail (s, text, error);
      return NULL;
    }
  return g_steal_pointer (&s);
}

/* Column 'c' of the row just fetched into row 'row' of 'r'. */
static gboolean
put_value (MyStmt *s, PGresult *r, int row, guint c, GError **error)
{
  MYSQL_FIELD *f = mysql_fetch_fields (s->meta);
  if (s->null[c])
    return PQsetvalue (r, row, c, NULL, -1);
  if (f[c].type == MYSQL_TYPE_DOUBLE || f[c].type == MYSQL_TYPE_FLOAT)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_dtostr (buf, sizeof buf, s->dbl[c]);
      return PQsetvalue (r, row, c, buf, strlen (buf));
    }
  g_autofree char *big = NULL;
  const char *val = s->inline_buf[c];
  if (s->len[c] > INLINE_BYTES)
    {
      big = g_malloc (s->len[c] + 1);
      MYSQL_BIND b = { .buffer_type = MYSQL_TYPE_STRING, .buffer = big,
                       .buffer_length = s->len[c] + 1 };
      if (mysql_stmt_fetch_column (s->st, &b, c, 0) != 0)
        return stmt_fail (s, "a long value", error);
      val = big;
    }
  if (f[c].type == MYSQL_TYPE_BIT)
    {
      gboolean set = FALSE;
      for (unsigned long i = 0; i < s->len[c]; i++)
        set = set || val[i] != 0;
      return PQsetvalue (r, row, c, set ? "t" : "f", 1);
    }
  gsize n = 0;
  g_autofree char *text = ms_hive_mysql_text (val, s->len[c], &n);
  return text ? PQsetvalue (r, row, c, text, (int) n)
              : PQsetvalue (r, row, c, (char *) val, (int) s->len[c]);
}

/* The next at most 'max' rows of 's' as a libpq result (no rows: the
 * statement's end); NULL with 'error' set on failure. */
static PGresult *
fetch_rows (MyStmt *s, int max, GError **error)
{
  PGresult *r = PQmakeEmptyPGresult (NULL, PGRES_TUPLES_OK);
  if (r == NULL || !PQsetResultAttrs (r, s->ncols, s->attrs))
    {
      PQclear (r);
      ms_fail (error, MS_ERROR_INTERNAL, "the MySQL source: out of memory");
      return NULL;
    }
  for (int row = 0; row < max; row++)
    {
      int rc = mysql_stmt_fetch (s->st);
      if (rc == MYSQL_NO_DATA)
        break;
      if (rc == 1)
        {
          stmt_fail (s, "fetch", error);
          PQclear (r);
          return NULL;
        }
      for (guint c = 0; c < s->ncols; c++)
        if (!put_value (s, r, row, c, error))
          {
            if (error != NULL && *error == NULL)
              ms_fail (error, MS_ERROR_INTERNAL, "the MySQL source: out of memory");
            PQclear (r);
            return NULL;
          }
    }
  return r;
}

/* ---- the backend ---- */

static PGresult *
my_run (MsHiveSource *src, const char *sql, int n, const char *const *v, GError **error)
{
  g_autoptr (MyStmt) s = my_stmt_run (src, sql, n, v, MY_BUFFERED, error);
  return s ? fetch_rows (s, G_MAXINT, error) : NULL;
}

static gpointer
my_cursor_open (MsHiveSource *src, const char *sql, int n, const char *const *v, GError **error)
{
  return my_stmt_run (src, sql, n, v, MY_CURSOR, error);
}

static PGresult *
my_cursor_fetch (MsHiveSource *src, gpointer cursor, GError **error)
{
  (void) src;
  return fetch_rows (cursor, FETCH_ROWS, error);
}

static void
my_cursor_free (MsHiveSource *src, gpointer cursor)
{
  (void) src;
  my_stmt_free (cursor);
}

/* Hand the rows of 's' to 'fn' in batches; FALSE when 's' failed or 'fn'
 * did. */
static gboolean
my_batches (MyStmt *s, MsHiveRowsFunc fn, gpointer user, GError **error)
{
  for (;;)
    {
      g_autoptr (PGresult) r = fetch_rows (s, FETCH_ROWS, error);
      if (r == NULL)
        return FALSE;
      if (PQntuples (r) == 0)
        return TRUE;
      if (!fn (user, r, error))
        return FALSE;
      if (PQntuples (r) < FETCH_ROWS)
        return TRUE;
    }
}

/* A stream whose callback reads the source again goes through a cursor:
 * a streamed statement holds the connection until its last row. */
static gboolean
my_each_batch (MsHiveSource *src, const char *sql, int n, const char *const *v,
               gboolean reenter, MsHiveRowsFunc fn, gpointer user, GError **error)
{
  g_autoptr (MyStmt) s = my_stmt_run (src, sql, n, v, reenter ? MY_CURSOR : MY_STREAMED, error);
  return s != NULL && my_batches (s, fn, user, error);
}

static gboolean
my_snapshot (MsHiveSource *src, GError **error)
{
  return my_exec (src->my, "ROLLBACK", error)
         && my_exec (src->my, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", error);
}

static void
my_close (MsHiveSource *src)
{
  if (src->my != NULL)
    mysql_close (src->my);
  src->my = NULL;
}

/* Names as a JSON array: the parameter of the backend's name_in. */
static char *
my_name_list (const char *const *names, guint n)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_string_value (b, names[i]);
  json_builder_end_array (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

const MsHiveBackend ms_hive_mysql_backend = {
  "MySQL", my_snapshot, my_run, my_each_batch, my_cursor_open, my_cursor_fetch, my_cursor_free,
  NULL, FALSE, my_close,
  "SELECT CASE WHEN count (*) = 3 THEN 't' ELSE 'f' END FROM information_schema.tables "
  "WHERE table_schema = DATABASE () AND table_name IN ('VERSION', 'DBS', 'TBLS')",
  "SELECT table_name || '.' || column_name FROM information_schema.columns "
  "WHERE table_schema = DATABASE ()",
  /* md5 over UTF-8, as the catalog's; the 60 bits summed exactly (DECIMAL) */
  "COALESCE (sum (CAST (CONV (substr (md5 (CONVERT (",
  " USING utf8mb4)), 1, 15), 16, 10) AS UNSIGNED)), 0)",
  "HEX (%s)",
  "JSON_CONTAINS ($2, JSON_QUOTE (CONVERT (%s USING utf8mb4)))", my_name_list,
};

gboolean
ms_hive_mysql_connect (MsHiveSource *src, const char *url, GError **error)
{
  g_auto (MyTarget) t = { 0 };
  if (!parse_url (url, &t, error))
    return FALSE;
  src->be = &ms_hive_mysql_backend;
  src->my = mysql_init (NULL);
  if (src->my == NULL)
    return ms_fail (error, MS_ERROR_INTERNAL, "the MySQL source: out of memory");
  unsigned int timeout = 15;
  mysql_optionsv (src->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv (src->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (mysql_real_connect (src->my, t.host, t.user, t.password, t.db, t.port, t.socket, 0)
      == NULL)
    {
      g_autofree char *label = ms_hive_mysql_label (url);
      return ms_fail (error, MS_ERROR_UNAVAILABLE, "cannot connect to the source database "
                      "(%s): %s", label, mysql_error (src->my));
    }
  g_autoptr (GError) old = NULL;
  if (!ms_hive_mysql_server_check (mysql_get_server_info (src->my), &old))
    {
      g_autofree char *label = ms_hive_mysql_label (url);
      return ms_fail (error, old->code, "%s (%s)", old->message, label);
    }
  /* GROUP_CONCAT and JSON_OBJECTAGG stop at group_concat_max_len */
  return my_exec (src->my, "SET SESSION sql_mode = 'ANSI', "
                  "SESSION group_concat_max_len = 4294967295", error)
         && my_exec (src->my, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", error);
}
