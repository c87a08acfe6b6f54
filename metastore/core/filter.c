/*
 * filter.c: lexer and recursive-descent parser for Hive's metastore filter
 * language (grammar in filter.h). Entry points: ms_filter_parse,
 * ms_filter_node_free, ms_filter_node_to_string.
 *
 * The lexer follows the maximal munch of Hive's ANTLR lexer (so "2024-01-01"
 * is one date, "12ab" one key, "12" an integer) and produces tokens on
 * demand into a five-token lookahead window: nothing is allocated per token.
 * A lexical error becomes an ERROR token that is reported when the parser
 * reaches it, so the position in the message is the first thing wrong.
 *
 * AND / OR chains are collected flat while parsing (Expr groups; a nested
 * group of the same operator is spliced in) and turned into binary nodes at
 * the end, split at the middle of their weight (build_range), which keeps
 * the tree depth logarithmic in the size and linear in the nesting.
 */
#include "core/filter.h"
#include "core/error.h"
#include <string.h>

#define LOOKAHEAD 5

typedef enum {
  T_EOF, T_ERROR, T_LPAREN, T_RPAREN, T_COMMA, T_MINUS, T_OP, T_NSEQ, T_STRING, T_INT,
  T_DATE, T_TIMESTAMP, T_IDENT, T_QIDENT, T_AND, T_OR, T_NOT, T_BETWEEN, T_IN,
} TokKind;

typedef struct {
  TokKind kind;
  MsFilterOp op;   /* T_OP */
  gsize start;     /* byte offsets of the token's text */
  gsize end;
} Tok;

typedef struct {
  const char *text;
  gsize len;
  gsize lexpos;            /* where the next token after the window starts */
  Tok la[LOOKAHEAD];       /* lookahead window */
  int nla;
  Tok prev;                /* last consumed token, for "after 'x'" */
  gboolean has_prev;
  char *lex_msg;           /* message of the (single) ERROR token */
  int depth;               /* open parentheses */
  guint values;            /* literals read so far */
  GError **error;
  gboolean failed;
} Parser;

/* A parsed sub-expression before AND / OR nodes are built: a leaf, or a
 * group of two or more operands of one operator, none of which is a group
 * of the same operator. weight = number of leaves. */
typedef struct Expr Expr;
struct Expr {
  MsFilterNodeKind kind;
  GPtrArray *kids;
  MsFilterNode *leaf;
  guint64 weight;
};

/* ---- errors ---- */

static void G_GNUC_PRINTF (3, 4)
fail_at (Parser *p, gsize pos, const char *fmt, ...)
{
  if (p->failed)
    return;
  p->failed = TRUE;
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  ms_fail (p->error, MS_ERROR_INVALID_INPUT, "Error parsing partition filter at position %"
           G_GSIZE_FORMAT ": %s", pos, msg);
}

/* s (n bytes of valid UTF-8) for a message: in single quotes unless
 * 'quoted' already, cut to about 40 bytes. */
static char *
shown (const char *s, gsize n, gboolean quoted)
{
  const char *q = quoted ? "" : "'";
  if (n <= 40)
    return g_strdup_printf ("%s%.*s%s", q, (int) n, s, q);
  gsize cut = 38;
  while (cut > 0 && ((guchar) s[cut] & 0xC0) == 0x80)
    cut--;
  return g_strdup_printf ("%s%.*s...%s", q, (int) cut, s, q);
}

/* A token for a message: its text, or "end of input". */
static char *
describe (const Parser *p, const Tok *t)
{
  if (t->kind == T_EOF)
    return g_strdup ("end of input");
  return shown (p->text + t->start, t->end - t->start, t->kind == T_STRING);
}

/* ---- lexer ---- */

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static gboolean
digits_at (const char *s, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Length of a bare DATE_VALUE / TIMESTAMP_VALUE at s (0 if none). */
static gsize
date_shape_at (const char *s, gsize avail, gboolean with_time)
{
  if (avail < 10 || !digits_at (s, 4) || s[4] != '-' || !digits_at (s + 5, 2) || s[7] != '-'
      || !digits_at (s + 8, 2))
    return 0;
  if (!with_time)
    return 10;
  if (avail < 19 || s[10] != ' ' || !digits_at (s + 11, 2) || s[13] != ':'
      || !digits_at (s + 14, 2) || s[16] != ':' || !digits_at (s + 17, 2))
    return 0;
  return 19;
}

static Tok
lex_error (Parser *p, gsize pos, char *msg)
{
  p->lex_msg = msg;
  p->lexpos = pos;
  return (Tok) { T_ERROR, 0, pos, pos };
}

static Tok
lex_one (Parser *p)
{
  const char *s = p->text;
  gsize i = p->lexpos;

  if (p->lex_msg != NULL)
    return (Tok) { T_ERROR, 0, i, i };
  while (i < p->len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
    i++;
  Tok t = { T_EOF, 0, i, i };
  if (i >= p->len)
    {
      p->lexpos = i;
      return t;
    }

  char c = s[i];
  char c1 = i + 1 < p->len ? s[i + 1] : '\0';
  char c2 = i + 2 < p->len ? s[i + 2] : '\0';
  gsize n = 1;
  switch (c)
    {
    case '(': t.kind = T_LPAREN; break;
    case ')': t.kind = T_RPAREN; break;
    case ',': t.kind = T_COMMA; break;
    case '-': t.kind = T_MINUS; break;
    case '=':
      t.kind = T_OP, t.op = MS_FILTER_OP_EQ;
      n = c1 == '=' ? 2 : 1;
      break;
    case '<':
      t.kind = T_OP;
      if (c1 == '=' && c2 == '>')
        t.kind = T_NSEQ, n = 3;
      else if (c1 == '=')
        t.op = MS_FILTER_OP_LE, n = 2;
      else if (c1 == '>')
        t.op = MS_FILTER_OP_NE, n = 2;
      else
        t.op = MS_FILTER_OP_LT;
      break;
    case '>':
      t.kind = T_OP;
      t.op = c1 == '=' ? MS_FILTER_OP_GE : MS_FILTER_OP_GT;
      n = c1 == '=' ? 2 : 1;
      break;
    case '!':
      if (c1 != '=')
        return lex_error (p, i, g_strdup ("unexpected character '!'"));
      t.kind = T_OP, t.op = MS_FILTER_OP_NE, n = 2;
      break;
    case '\'':
    case '"':
      {
        /* A backslash takes the next byte with it; the text stays raw. */
        gsize j = i + 1;
        while (j < p->len && s[j] != c)
          j += s[j] == '\\' ? 2 : 1;
        if (j >= p->len)
          return lex_error (p, i, g_strdup ("unterminated string literal"));
        t.kind = T_STRING, n = j + 1 - i;
        break;
      }
    case '`':
      {
        gsize j = i + 1;
        while (j < p->len && (s[j] != '`' || (j + 1 < p->len && s[j + 1] == '`')))
          j += s[j] == '`' ? 2 : 1;
        if (j >= p->len)
          return lex_error (p, i, g_strdup ("unterminated quoted identifier"));
        t.kind = T_QIDENT, n = j + 1 - i;
        break;
      }
    default:
      if (is_word_char (c))
        {
          gsize w = 0, d = 0, dt;
          while (i + w < p->len && is_word_char (s[i + w]))
            w++;
          while (d < w && g_ascii_isdigit (s[i + d]))
            d++;
          if ((dt = date_shape_at (s + i, p->len - i, TRUE)) != 0)
            t.kind = T_TIMESTAMP, n = dt;
          else if ((dt = date_shape_at (s + i, p->len - i, FALSE)) != 0)
            t.kind = T_DATE, n = dt;
          else if (d == w)
            t.kind = T_INT, n = w;
          else
            {
              static const struct { const char *word; TokKind kind; } kw[] = {
                { "and", T_AND }, { "or", T_OR }, { "not", T_NOT }, { "between", T_BETWEEN },
                { "in", T_IN }, { "like", T_OP },
              };
              t.kind = T_IDENT, n = w;
              for (gsize k = 0; k < G_N_ELEMENTS (kw); k++)
                if (strlen (kw[k].word) == w && g_ascii_strncasecmp (s + i, kw[k].word, w) == 0)
                  t.kind = kw[k].kind;
              if (t.kind == T_OP)
                t.op = MS_FILTER_OP_LIKE;
            }
          break;
        }
      if ((guchar) c >= 0x80)
        {
          const char *next = g_utf8_next_char (s + i);
          return lex_error (p, i, g_strdup_printf ("unexpected character '%.*s'",
                                                   (int) (next - (s + i)), s + i));
        }
      if (g_ascii_isprint (c))
        return lex_error (p, i, g_strdup_printf ("unexpected character '%c'", c));
      return lex_error (p, i, g_strdup_printf ("unexpected character 0x%02x", (guchar) c));
    }
  t.end = i + n;
  p->lexpos = t.end;
  return t;
}

static const Tok *
peek (Parser *p, int k)
{
  g_assert (k < LOOKAHEAD);
  while (p->nla <= k)
    p->la[p->nla++] = lex_one (p);
  return &p->la[k];
}

static Tok
take (Parser *p)
{
  peek (p, 0);
  Tok t = p->la[0];
  memmove (p->la, p->la + 1, sizeof (Tok) * (gsize) --p->nla);
  p->prev = t;
  p->has_prev = TRUE;
  return t;
}

static gboolean
peek_is (Parser *p, int k, TokKind kind)
{
  return peek (p, k)->kind == kind;
}

/* Is token k the (case-insensitive) word 'w', lexed as a key? */
static gboolean
peek_word (Parser *p, int k, const char *w)
{
  const Tok *t = peek (p, k);
  return t->kind == T_IDENT && t->end - t->start == strlen (w)
         && g_ascii_strncasecmp (p->text + t->start, w, strlen (w)) == 0;
}

/* Fails with "expected <what> [after 'prev'], found <next token>". */
static void
fail_expected (Parser *p, const char *what)
{
  const Tok *t = peek (p, 0);
  if (t->kind == T_ERROR)
    {
      fail_at (p, t->start, "%s", p->lex_msg);
      return;
    }
  g_autofree char *found = describe (p, t);
  if (!p->has_prev)
    {
      fail_at (p, t->start, "expected %s, found %s", what, found);
      return;
    }
  g_autofree char *after = describe (p, &p->prev);
  fail_at (p, t->start, "expected %s after %s, found %s", what, after, found);
}

static gboolean
expect (Parser *p, TokKind kind, const char *what)
{
  if (!peek_is (p, 0, kind))
    {
      fail_expected (p, what);
      return FALSE;
    }
  take (p);
  return TRUE;
}

/* ---- values ---- */

static void
value_free (gpointer data)
{
  MsFilterValue *v = data;
  g_free (v->str);
  g_free (v);
}

static gboolean
is_leap (int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar: whole
 * 400-year eras of 146097 days, then years counted from March so the leap
 * day is the last day of the counted year. */
static gint64
days_from_civil (int y, int m, int d)
{
  gint64 yy = y - (m <= 2);
  gint64 era = (yy >= 0 ? yy : yy - 399) / 400;
  gint64 year_of_era = yy - era * 400;
  gint64 month_from_march = m > 2 ? m - 3 : m + 9;
  gint64 day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
  gint64 day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

static int
num_at (const char *s, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

/* Fills v from "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (s, n bytes) if it is
 * a real date / time; FALSE otherwise. */
static gboolean
datetime_value (const char *s, gsize n, gboolean with_time, MsFilterValue *v)
{
  if (n == 0 || date_shape_at (s, n, with_time) != n)
    return FALSE;
  static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int y = num_at (s, 4), m = num_at (s + 5, 2), d = num_at (s + 8, 2);
  if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && is_leap (y)))
    return FALSE;
  v->kind = MS_FILTER_VAL_DATE;
  v->num = days_from_civil (y, m, d);
  if (with_time)
    {
      int hh = num_at (s + 11, 2), mi = num_at (s + 14, 2), ss = num_at (s + 17, 2);
      if (hh > 23 || mi > 59 || ss > 59)
        return FALSE;
      v->kind = MS_FILTER_VAL_TIMESTAMP;
      v->num = v->num * 86400 + hh * 3600 + mi * 60 + ss;
    }
  v->str = g_strndup (s, n);
  return TRUE;
}

/* Digits of token t, with a minus sign if 'negative', to a 64-bit value. */
static gboolean
int_value (Parser *p, const Tok *t, gboolean negative, gsize sign_pos, MsFilterValue *v)
{
  const guint64 limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
  guint64 acc = 0;
  for (gsize i = t->start; i < t->end; i++)
    {
      guint digit = (guint) (p->text[i] - '0');
      if (acc > (limit - digit) / 10)
        {
          fail_at (p, sign_pos, "integer out of range: %s%.*s", negative ? "-" : "",
                   (int) (t->end - t->start), p->text + t->start);
          return FALSE;
        }
      acc = acc * 10 + digit;
    }
  v->kind = MS_FILTER_VAL_INT;
  v->num = negative ? (gint64) (0 - acc) : (gint64) acc;
  v->str = g_strdup_printf ("%" G_GINT64_FORMAT, v->num);
  return TRUE;
}

/* Is the lookahead at k the start of a value? */
static gboolean
value_starts (Parser *p, int k)
{
  switch (peek (p, k)->kind)
    {
    case T_STRING: case T_INT: case T_MINUS: case T_DATE: case T_TIMESTAMP:
      return TRUE;
    case T_IDENT:
      return (peek_word (p, k, "date") || peek_word (p, k, "timestamp"))
             && peek_is (p, k + 1, T_STRING);
    default:
      return FALSE;
    }
}

/* value := string | [-] integer | date | timestamp. NULL on error. */
static MsFilterValue *
parse_value (Parser *p)
{
  g_autoptr (GPtrArray) hold = g_ptr_array_new_with_free_func (value_free);
  MsFilterValue *v = g_new0 (MsFilterValue, 1);
  g_ptr_array_add (hold, v);

  if (!value_starts (p, 0))
    {
      fail_expected (p, "a value");
      return NULL;
    }
  if (++p->values > MS_FILTER_MAX_VALUES)
    {
      fail_at (p, peek (p, 0)->start, "a filter holds at most %d values", MS_FILTER_MAX_VALUES);
      return NULL;
    }
  Tok t = take (p);
  switch (t.kind)
    {
    case T_STRING:
      v->kind = MS_FILTER_VAL_STRING;
      v->str = g_strndup (p->text + t.start + 1, t.end - t.start - 2);
      break;
    case T_MINUS:
      if (!peek_is (p, 0, T_INT))
        {
          fail_expected (p, "digits");
          return NULL;
        }
      {
        Tok digits = take (p);
        if (!int_value (p, &digits, TRUE, t.start, v))
          return NULL;
      }
      break;
    case T_INT:
      if (!int_value (p, &t, FALSE, t.start, v))
        return NULL;
      break;
    case T_DATE:
    case T_TIMESTAMP:
      if (!datetime_value (p->text + t.start, t.end - t.start, t.kind == T_TIMESTAMP, v))
        {
          fail_at (p, t.start, "invalid %s '%.*s'", t.kind == T_DATE ? "date" : "timestamp",
                   (int) (t.end - t.start), p->text + t.start);
          return NULL;
        }
      break;
    default: /* DATE 'text' / TIMESTAMP 'text' */
      {
        gboolean with_time = g_ascii_tolower (p->text[t.start]) == 't';
        Tok str = take (p);
        const char *body = p->text + str.start + 1;
        gsize blen = str.end - str.start - 2;
        if (!datetime_value (body, blen, with_time, v))
          {
            g_autofree char *text = shown (body, blen, FALSE);
            fail_at (p, str.start, "invalid %s %s (expected %s)", with_time ? "timestamp" : "date",
                     text, with_time ? "YYYY-MM-DD HH:MM:SS" : "YYYY-MM-DD");
            return NULL;
          }
      }
    }
  return g_ptr_array_steal_index (hold, 0);
}

/* ---- expressions ---- */

static void
expr_free (gpointer data)
{
  Expr *e = data;
  if (e == NULL)
    return;
  if (e->kids != NULL)
    g_ptr_array_unref (e->kids);
  ms_filter_node_free (e->leaf);
  g_free (e);
}

static MsFilterNode *
node_new (MsFilterNodeKind kind, gsize pos)
{
  MsFilterNode *n = g_new0 (MsFilterNode, 1);
  n->kind = kind;
  n->pos = (int) pos;
  if (kind != MS_FILTER_NODE_AND && kind != MS_FILTER_NODE_OR)
    n->values = g_ptr_array_new_with_free_func (value_free);
  return n;
}

static Expr *
expr_leaf (MsFilterNode *n)
{
  Expr *e = g_new0 (Expr, 1);
  e->kind = n->kind;
  e->leaf = n;
  e->weight = 1;
  return e;
}

/* a <op> b, flattening groups of the same operator. Takes both. */
static Expr *
expr_join (MsFilterNodeKind op, Expr *a, Expr *b)
{
  Expr *g = a;
  if (a->kind != op)
    {
      g = g_new0 (Expr, 1);
      g->kind = op;
      g->kids = g_ptr_array_new_with_free_func (expr_free);
      g_ptr_array_add (g->kids, a);
      g->weight = a->weight;
    }
  g->weight += b->weight;
  if (b->kind == op)
    {
      for (guint i = 0; i < b->kids->len; i++)
        g_ptr_array_add (g->kids, g_ptr_array_index (b->kids, i));
      g_ptr_array_set_free_func (b->kids, NULL);
      g_ptr_array_set_size (b->kids, 0);
      expr_free (b);
    }
  else
    g_ptr_array_add (g->kids, b);
  return g;
}

static MsFilterNode *expr_build (Expr *e);

/* Binary tree over kids[lo, hi) (hi - lo >= 1), split where the running
 * weight (prefix[i] = weight of kids[0, i)) is nearest half of the range's.
 * A kid of weight w in a group of weight W then lands about 2 log2(W/w) + 2
 * levels down; along a path these telescope to 2 log2(leaves) plus about 2
 * per group, and nested groups alternate AND / OR, which costs a
 * parenthesis every second group: hence MS_FILTER_MAX_TREE_DEPTH (checked
 * by test_depth and by the fuzz target on every input). */
static MsFilterNode *
build_range (MsFilterNodeKind op, Expr **kids, const guint64 *prefix, guint lo, guint hi)
{
  if (hi - lo == 1)
    return expr_build (kids[lo]);
  guint64 mid = prefix[lo] + (prefix[hi] - prefix[lo]) / 2;
  guint a = lo + 1, b = hi - 1;  /* first split point with prefix >= mid, in [lo+1, hi-1] */
  while (a < b)
    {
      guint m = a + (b - a) / 2;
      if (prefix[m] >= mid)
        b = m;
      else
        a = m + 1;
    }
  if (a > lo + 1 && prefix[a] >= mid && mid - prefix[a - 1] < prefix[a] - mid)
    a--;
  MsFilterNode *n = node_new (op, 0);
  n->left = build_range (op, kids, prefix, lo, a);
  n->right = build_range (op, kids, prefix, a, hi);
  n->pos = n->left->pos;
  return n;
}

/* The final tree of e; takes e. */
static MsFilterNode *
expr_build (Expr *e)
{
  MsFilterNode *n;
  if (e->kids == NULL)
    {
      n = e->leaf;
      e->leaf = NULL;
    }
  else
    {
      guint k = e->kids->len;
      g_autofree guint64 *prefix = g_new (guint64, k + 1);
      prefix[0] = 0;
      for (guint i = 0; i < k; i++)
        prefix[i + 1] = prefix[i] + ((Expr *) g_ptr_array_index (e->kids, i))->weight;
      /* build_range takes each kid */
      g_ptr_array_set_free_func (e->kids, NULL);
      n = build_range (e->kind, (Expr **) e->kids->pdata, prefix, 0, k);
    }
  expr_free (e);
  return n;
}

/* ---- grammar ---- */

static Expr *parse_or (Parser *p);

static gboolean
key_starts (Parser *p, int k)
{
  TokKind kind = peek (p, k)->kind;
  return kind == T_QIDENT || (kind == T_IDENT && !value_starts (p, k));
}

/* The key of token t: its text, or for `quoted` the text between the
 * backquotes with `` turned into `. */
static char *
key_text (Parser *p, const Tok *t)
{
  const char *s = p->text + t->start;
  gsize n = t->end - t->start;
  if (t->kind == T_IDENT)
    return g_strndup (s, n);
  GString *k = g_string_sized_new (n);
  for (gsize i = 1; i + 1 < n; i++)
    {
      g_string_append_c (k, s[i]);
      if (s[i] == '`')
        i++;
    }
  return g_string_free (k, FALSE);
}

static gboolean
add_value (Parser *p, MsFilterNode *n)
{
  MsFilterValue *v = parse_value (p);
  if (v == NULL)
    return FALSE;
  g_ptr_array_add (n->values, v);
  return TRUE;
}

/* '(' value (',' value)* ')' into n->values. */
static gboolean
parse_value_list (Parser *p, MsFilterNode *n)
{
  if (!expect (p, T_LPAREN, "'('") || !add_value (p, n))
    return FALSE;
  while (peek_is (p, 0, T_COMMA))
    {
      take (p);
      if (!add_value (p, n))
        return FALSE;
    }
  return expect (p, T_RPAREN, "',' or ')'");
}

/* After "key [NOT]": IN (list) or BETWEEN a AND b. */
static Expr *
parse_in_or_between (Parser *p, char *key, gsize key_pos, gboolean negated)
{
  g_autoptr (MsFilterNode) n = NULL;
  if (peek_is (p, 0, T_IN))
    {
      take (p);
      n = node_new (MS_FILTER_NODE_IN, key_pos);
      n->key = key;
      n->negated = negated;
      if (!parse_value_list (p, n))
        return NULL;
    }
  else
    {
      take (p); /* BETWEEN */
      n = node_new (MS_FILTER_NODE_BETWEEN, key_pos);
      n->key = key;
      n->negated = negated;
      if (!add_value (p, n) || !expect (p, T_AND, "AND") || !add_value (p, n))
        return NULL;
    }
  return expr_leaf (g_steal_pointer (&n));
}

static MsFilterNode *
cmp_node (const char *key, gsize pos, MsFilterOp op, const MsFilterValue *v)
{
  MsFilterNode *n = node_new (MS_FILTER_NODE_CMP, pos);
  n->key = g_strdup (key);
  n->op = op;
  MsFilterValue *copy = g_new0 (MsFilterValue, 1);
  *copy = *v;
  copy->str = g_strdup (v->str);
  g_ptr_array_add (n->values, copy);
  return n;
}

/* '(' STRUCT '(' k1, .. kn ')' ')' [NOT] IN '(' [CONST] STRUCT '(' v1, .. vn ')', .. ')'
 * as Hive expands it: OR over the structs of AND over (ki = vi); NOT IN:
 * AND over the structs of OR over (ki != vi). */
static Expr *
parse_struct_in (Parser *p)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) key_pos = g_array_new (FALSE, FALSE, sizeof (gsize));
  take (p); /* ( */
  take (p); /* STRUCT */
  if (!expect (p, T_LPAREN, "'('"))
    return NULL;
  do
    {
      if (!key_starts (p, 0))
        {
          fail_expected (p, "a key");
          return NULL;
        }
      Tok t = take (p);
      g_ptr_array_add (keys, key_text (p, &t));
      g_array_append_val (key_pos, t.start);
    }
  while (peek_is (p, 0, T_COMMA) && (take (p), TRUE));
  if (!expect (p, T_RPAREN, "',' or ')'") || !expect (p, T_RPAREN, "')'"))
    return NULL;
  gboolean negated = peek_is (p, 0, T_NOT);
  if (negated)
    take (p);
  if (!expect (p, T_IN, negated ? "IN" : "NOT or IN") || !expect (p, T_LPAREN, "'('"))
    return NULL;

  MsFilterOp op = negated ? MS_FILTER_OP_NE : MS_FILTER_OP_EQ;
  MsFilterNodeKind inner = negated ? MS_FILTER_NODE_OR : MS_FILTER_NODE_AND;
  MsFilterNodeKind outer = negated ? MS_FILTER_NODE_AND : MS_FILTER_NODE_OR;
  Expr *all = NULL;
  do
    {
      if (peek_word (p, 0, "const"))
        take (p);
      if (!peek_word (p, 0, "struct"))
        {
          fail_expected (p, "STRUCT");
          expr_free (all);
          return NULL;
        }
      gsize struct_pos = take (p).start;
      g_autoptr (MsFilterNode) vals = node_new (MS_FILTER_NODE_IN, struct_pos);
      if (!parse_value_list (p, vals))
        {
          expr_free (all);
          return NULL;
        }
      if (vals->values->len != keys->len)
        {
          fail_at (p, struct_pos, "STRUCT needs %u values (one per key), found %u",
                   keys->len, vals->values->len);
          expr_free (all);
          return NULL;
        }
      Expr *one = NULL;
      for (guint i = 0; i < keys->len; i++)
        {
          Expr *leaf = expr_leaf (cmp_node (g_ptr_array_index (keys, i),
                                            g_array_index (key_pos, gsize, i), op,
                                            g_ptr_array_index (vals->values, i)));
          one = one == NULL ? leaf : expr_join (inner, one, leaf);
        }
      all = all == NULL ? one : expr_join (outer, all, one);
    }
  while (peek_is (p, 0, T_COMMA) && (take (p), TRUE));
  if (!expect (p, T_RPAREN, "',' or ')'"))
    {
      expr_free (all);
      return NULL;
    }
  return all;
}

/* condition := '(' or ')' | key op value | value op key | key [NOT] BETWEEN ..
 *            | [(]key[)] [NOT] IN (..) | (STRUCT(..)) [NOT] IN (..) */
static Expr *
parse_condition (Parser *p)
{
  if (peek_is (p, 0, T_LPAREN))
    {
      /* (key) [NOT] IN (...) */
      if (key_starts (p, 1) && peek_is (p, 2, T_RPAREN)
          && (peek_is (p, 3, T_IN) || (peek_is (p, 3, T_NOT) && peek_is (p, 4, T_IN))))
        {
          take (p);
          Tok k = take (p);
          take (p);
          gboolean negated = peek_is (p, 0, T_NOT);
          if (negated)
            take (p);
          return parse_in_or_between (p, key_text (p, &k), k.start, negated);
        }
      if (peek_word (p, 1, "struct") && peek_is (p, 2, T_LPAREN))
        return parse_struct_in (p);

      Tok open = take (p);
      if (p->depth >= MS_FILTER_MAX_DEPTH)
        {
          fail_at (p, open.start, "more than %d nested parentheses", MS_FILTER_MAX_DEPTH);
          return NULL;
        }
      p->depth++;
      Expr *e = parse_or (p);
      p->depth--;
      if (e != NULL && !peek_is (p, 0, T_RPAREN))
        {
          if (peek_is (p, 0, T_EOF))
            fail_at (p, p->len, "missing ')' for the '(' at position %" G_GSIZE_FORMAT,
                     open.start);
          else
            fail_expected (p, "AND, OR or ')'");
          expr_free (e);
          return NULL;
        }
      if (e != NULL)
        take (p);
      return e;
    }

  if (key_starts (p, 0))
    {
      Tok k = take (p);
      g_autofree char *key = key_text (p, &k);
      const Tok *t = peek (p, 0);
      if (t->kind == T_OP)
        {
          g_autoptr (MsFilterNode) n = node_new (MS_FILTER_NODE_CMP, k.start);
          n->op = take (p).op;
          n->key = g_steal_pointer (&key);
          if (!add_value (p, n))
            return NULL;
          return expr_leaf (g_steal_pointer (&n));
        }
      if (t->kind == T_NSEQ)
        {
          fail_at (p, t->start, "operator '<=>' is not supported");
          return NULL;
        }
      gboolean negated = t->kind == T_NOT;
      if (negated)
        take (p);
      if (!peek_is (p, 0, T_IN) && !peek_is (p, 0, T_BETWEEN))
        {
          fail_expected (p, negated ? "BETWEEN or IN" : "a comparison operator, BETWEEN or IN");
          return NULL;
        }
      return parse_in_or_between (p, g_steal_pointer (&key), k.start, negated);
    }

  if (value_starts (p, 0))
    {
      g_autoptr (MsFilterNode) n = node_new (MS_FILTER_NODE_CMP, 0);
      n->reversed = TRUE;
      if (!add_value (p, n))
        return NULL;
      if (peek_is (p, 0, T_NSEQ))
        {
          fail_at (p, peek (p, 0)->start, "operator '<=>' is not supported");
          return NULL;
        }
      if (!peek_is (p, 0, T_OP))
        {
          fail_expected (p, "a comparison operator");
          return NULL;
        }
      n->op = take (p).op;
      if (!key_starts (p, 0))
        {
          fail_expected (p, "a key");
          return NULL;
        }
      Tok k = take (p);
      n->key = key_text (p, &k);
      n->pos = (int) k.start;
      return expr_leaf (g_steal_pointer (&n));
    }

  fail_expected (p, "a condition");
  return NULL;
}

static Expr *
parse_and (Parser *p)
{
  Expr *e = parse_condition (p);
  while (e != NULL && peek_is (p, 0, T_AND))
    {
      take (p);
      Expr *r = parse_condition (p);
      if (r == NULL)
        {
          expr_free (e);
          return NULL;
        }
      e = expr_join (MS_FILTER_NODE_AND, e, r);
    }
  return e;
}

static Expr *
parse_or (Parser *p)
{
  Expr *e = parse_and (p);
  while (e != NULL && peek_is (p, 0, T_OR))
    {
      take (p);
      Expr *r = parse_and (p);
      if (r == NULL)
        {
          expr_free (e);
          return NULL;
        }
      e = expr_join (MS_FILTER_NODE_OR, e, r);
    }
  return e;
}

MsFilterNode *
ms_filter_parse (const char *text, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  Parser p = { .text = text, .len = strlen (text), .error = error };
  const char *bad;

  if (p.len > MS_FILTER_MAX_BYTES)
    {
      fail_at (&p, MS_FILTER_MAX_BYTES, "a filter is at most %d bytes long",
               MS_FILTER_MAX_BYTES);
      return NULL;
    }
  if (!g_utf8_validate (text, (gssize) p.len, &bad))
    {
      fail_at (&p, (gsize) (bad - text), "invalid UTF-8");
      return NULL;
    }
  Expr *e = parse_or (&p);
  if (e != NULL && !peek_is (&p, 0, T_EOF))
    {
      fail_expected (&p, "AND, OR or the end of the filter");
      expr_free (e);
      e = NULL;
    }
  g_free (p.lex_msg);
  return e == NULL ? NULL : expr_build (e);
}

void
ms_filter_node_free (MsFilterNode *n)
{
  if (n == NULL)
    return;
  ms_filter_node_free (n->left);
  ms_filter_node_free (n->right);
  if (n->values != NULL)
    g_ptr_array_unref (n->values);
  g_free (n->key);
  g_free (n);
}

/* ---- canonical text ---- */

static const char *
op_text (MsFilterOp op)
{
  static const char *const text[] = { "=", "!=", "<", "<=", ">", ">=", "like" };
  return text[op];
}

static void
append_key (GString *out, const char *key)
{
  static const char *const reserved[] = { "and", "or", "not", "between", "in", "like" };
  gboolean bare = *key != '\0', all_digits = TRUE;
  for (const char *c = key; *c; c++)
    {
      bare = bare && is_word_char (*c);
      all_digits = all_digits && g_ascii_isdigit (*c);
    }
  for (gsize i = 0; bare && i < G_N_ELEMENTS (reserved); i++)
    bare = g_ascii_strcasecmp (key, reserved[i]) != 0;
  if (bare && !all_digits)
    {
      g_string_append (out, key);
      return;
    }
  g_string_append_c (out, '`');
  for (const char *c = key; *c; c++)
    {
      if (*c == '`')
        g_string_append_c (out, '`');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '`');
}

static void
append_value (GString *out, const MsFilterValue *v)
{
  if (v->kind != MS_FILTER_VAL_STRING)
    {
      g_string_append (out, v->str);
      return;
    }
  /* The raw text came from one kind of quotes, so it has no unescaped quote
   * of that kind; prefer double quotes. */
  char q = '"';
  for (const char *c = v->str; *c; c++)
    {
      if (*c == '\\' && c[1] != '\0')
        c++;
      else if (*c == '"')
        q = '\'';
    }
  g_string_append_c (out, q);
  g_string_append (out, v->str);
  g_string_append_c (out, q);
}

/* n as an operand of a chain of 'parent' (-1: the whole filter); only an OR
 * chain inside an AND chain needs parentheses. */
static void
append_node (GString *out, const MsFilterNode *n, int parent)
{
  switch (n->kind)
    {
    case MS_FILTER_NODE_AND:
    case MS_FILTER_NODE_OR:
      {
        gboolean parens = n->kind == MS_FILTER_NODE_OR && parent == MS_FILTER_NODE_AND;
        if (parens)
          g_string_append_c (out, '(');
        append_node (out, n->left, n->left->kind == n->kind ? -1 : (int) n->kind);
        g_string_append (out, n->kind == MS_FILTER_NODE_AND ? " and " : " or ");
        append_node (out, n->right, n->right->kind == n->kind ? -1 : (int) n->kind);
        if (parens)
          g_string_append_c (out, ')');
        break;
      }
    case MS_FILTER_NODE_CMP:
      if (n->reversed)
        {
          append_value (out, g_ptr_array_index (n->values, 0));
          g_string_append_printf (out, " %s ", op_text (n->op));
          append_key (out, n->key);
        }
      else
        {
          append_key (out, n->key);
          g_string_append_printf (out, " %s ", op_text (n->op));
          append_value (out, g_ptr_array_index (n->values, 0));
        }
      break;
    case MS_FILTER_NODE_BETWEEN:
      append_key (out, n->key);
      g_string_append (out, n->negated ? " not between " : " between ");
      append_value (out, g_ptr_array_index (n->values, 0));
      g_string_append (out, " and ");
      append_value (out, g_ptr_array_index (n->values, 1));
      break;
    case MS_FILTER_NODE_IN:
      append_key (out, n->key);
      g_string_append (out, n->negated ? " not in (" : " in (");
      for (guint i = 0; i < n->values->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          append_value (out, g_ptr_array_index (n->values, i));
        }
      g_string_append_c (out, ')');
      break;
    }
}

char *
ms_filter_node_to_string (const MsFilterNode *n)
{
  GString *out = g_string_new (NULL);
  append_node (out, n, -1);
  return g_string_free (out, FALSE);
}
