/*
 * thrift_json.c: a write-only Thrift protocol producing exactly what
 * Apache Thrift's TJSONProtocol (Java, Python) writes, for the Thrift
 * objects Hive embeds in its JSON notification messages ("tableObjJson":
 * {"1":{"str":"t"},"4":{"i32":7},...}).
 *
 * c_glib ships no JSON protocol; the generated struct writers drive this
 * one like any other. Its output accumulates in memory; take it with
 * hms_thrift_json_steal. Reading is not supported.
 *
 * Format (TJSONProtocol): a struct is an object keyed by field id, each
 * value an object {"<type>":<value>}; lists and sets are ["<type>",n,...];
 * maps ["<ktype>","<vtype>",n,{k:v,...}]; booleans are 1/0; numbers used
 * as object keys are quoted; strings escape '"' '\' and control
 * characters (\b \t \n \f \r, else \u00xx) and keep other UTF-8 bytes;
 * binary is padded base64 (Python's writer pads, Java's does not; both
 * readers take either); doubles have 17 significant digits (Python's).
 */
#include "hms/thrift_json.h"
#include "core/json_out.h"
#include <string.h>
#include <math.h>
#include <stdio.h>

typedef enum { CTX_LIST, CTX_PAIR } CtxKind;

typedef struct {
  CtxKind kind;
  gboolean first;
  gboolean colon;              /* CTX_PAIR: the next separator is ':' */
} Ctx;

struct _HmsThriftJson {
  ThriftProtocol parent;
  GString *out;
  Ctx *stack;                  /* open contexts, 'depth' of them (none: the
                                  root); a plain array, as every value
                                  written looks at its top */
  guint depth, size;
  gboolean nested;             /* 'out' is another document's: the text goes
                                  there as the inside of a JSON string */
};

G_DEFINE_TYPE (HmsThriftJson, hms_thrift_json, THRIFT_TYPE_PROTOCOL)

#define JS(p) ((HmsThriftJson *) (p))

/* Text (not the separators , : { } [ ], which no JSON string escapes) to
 * the output, escaped once more when nested. */
static void
emit (HmsThriftJson *j, const char *s, gsize n)
{
  if (j->nested)
    ms_json_out_escape (j->out, s, n);
  else
    ms_json_out_append (j->out, s, n);
}

/* A string's quote: \" when nested. */
static inline void
emit_quote (HmsThriftJson *j)
{
  if (j->nested)
    g_string_append_c (j->out, '\\');
  g_string_append_c (j->out, '"');
}

/* The separator the current context wants before a value; whether that
 * value, when a number, must be quoted (an object key). */
static inline gboolean
ctx_write (HmsThriftJson *j)
{
  if (j->depth == 0)
    return FALSE;
  Ctx *c = &j->stack[j->depth - 1];
  if (c->kind == CTX_LIST)
    {
      if (!c->first)
        g_string_append_c (j->out, ',');
      c->first = FALSE;
      return FALSE;
    }
  if (c->first)
    {
      c->first = FALSE;
      c->colon = TRUE;
    }
  else
    {
      g_string_append_c (j->out, c->colon ? ':' : ',');
      c->colon = !c->colon;
    }
  return c->colon;
}

static inline void
ctx_open (HmsThriftJson *j, Ctx c)
{
  if (j->depth == j->size)
    {
      j->size = j->size ? 2 * j->size : 16;
      j->stack = g_renew (Ctx, j->stack, j->size);
    }
  j->stack[j->depth++] = c;
}

static void
push (HmsThriftJson *j, CtxKind kind, char open)
{
  ctx_write (j);
  g_string_append_c (j->out, open);
  ctx_open (j, (Ctx) { kind, TRUE, TRUE });
}

static gint32
pop (HmsThriftJson *j, char close)
{
  if (j->depth > 0)
    j->depth--;
  g_string_append_c (j->out, close);
  return 1;
}

static gint32
write_integer (HmsThriftJson *j, gint64 v)
{
  gboolean quote = ctx_write (j);
  /* digits backwards from the end of 'buf' (no printf: an ADD_PARTITION
   * event writes tens of thousands of numbers); none needs escaping */
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 u = v < 0 ? (guint64) 0 - (guint64) v : (guint64) v;
  do
    *--p = (char) ('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0)
    *--p = '-';
  if (quote)
    emit_quote (j);
  ms_json_out_append (j->out, p, buf + sizeof buf - p);
  if (quote)
    emit_quote (j);
  return 1;
}

/* The bytes TJSONProtocol escapes in a string: below 0x20, '"' and '\'.
 * Bits of stop_byte: 1, those; 2, those and DEL, which the enclosing
 * string escapes too (json_out.h) when the text is nested. */
#define STOP_PLAIN 1
#define STOP_NESTED 2
#define B3 (STOP_PLAIN | STOP_NESTED)
#define B3x16 B3, B3, B3, B3, B3, B3, B3, B3, B3, B3, B3, B3, B3, B3, B3, B3
static const guint8 stop_byte[256] = {
  B3x16, B3x16,                 /* 0x00 to 0x1f */
  ['"'] = B3, ['\\'] = B3, [0x7f] = STOP_NESTED,
};
#undef B3x16
#undef B3

/* Bit 7 of each byte of 'v' that is zero (and maybe of bytes after one:
 * enough to tell whether there is one). */
#define ZERO_BYTES(v) (((v) - 0x0101010101010101ULL) & ~(v) & 0x8080808080808080ULL)
#define EVERY_BYTE(c) (0x0101010101010101ULL * (guint8) (c))

/* Where the first byte of s[from..len) that 'stop' stops at is (len if
 * none): eight bytes at a time while none of them is one, then byte by
 * byte. */
static inline gsize
plain_end (const char *s, gsize from, gsize len, guint8 stop)
{
  gsize i = from;
  for (; i + 8 <= len; i += 8)
    {
      guint64 x;
      memcpy (&x, s + i, 8);
      guint64 hit = ((x - EVERY_BYTE (0x20)) & ~x & 0x8080808080808080ULL)   /* < 0x20 */
                    | ZERO_BYTES (x ^ EVERY_BYTE ('"')) | ZERO_BYTES (x ^ EVERY_BYTE ('\\'));
      if (stop & STOP_NESTED)
        hit |= ZERO_BYTES (x ^ EVERY_BYTE (0x7f));
      if (hit != 0)
        break;
    }
  while (i < len && !(stop_byte[(guchar) s[i]] & stop))
    i++;
  return i;
}

static gint32
write_text (HmsThriftJson *j, const char *s, gsize len)
{
  ctx_write (j);
  emit_quote (j);
  const guint8 stop = j->nested ? STOP_NESTED : STOP_PLAIN;
  for (gsize i = 0; i < len;)
    {
      /* a run of bytes that neither level escapes: copied as it is */
      gsize run = plain_end (s, i, len, stop);
      ms_json_out_append (j->out, s + i, run - i);
      if (run == len)
        break;
      guchar ch = (guchar) s[run];
      if (!(stop_byte[ch] & STOP_PLAIN))
        {
          emit (j, s + run, 1);       /* DEL: plain here, escaped by the enclosing string */
          i = run + 1;
          continue;
        }
      /* the escape, escaped once more when nested: \" as \\\", \n as \\n */
      char e[12];
      gsize n = 0;
      e[n++] = '\\';
      if (j->nested)
        e[n++] = '\\';
      switch (ch)
        {
        case '"':
        case '\\':
          if (j->nested)
            e[n++] = '\\';
          e[n++] = (char) ch;
          break;
        case '\b': e[n++] = 'b'; break;
        case '\t': e[n++] = 't'; break;
        case '\n': e[n++] = 'n'; break;
        case '\f': e[n++] = 'f'; break;
        case '\r': e[n++] = 'r'; break;
        default:
          {
            static const char hex[] = "0123456789abcdef";
            memcpy (e + n, "u00", 3);
            e[n + 3] = hex[ch >> 4];
            e[n + 4] = hex[ch & 15];
            n += 5;
          }
        }
      ms_json_out_append (j->out, e, n);
      i = run + 1;
    }
  emit_quote (j);
  return 1;
}

/* Each type's name (none needs escaping). */
static const char *
type_name (ThriftType t)
{
  switch (t)
    {
    case T_BOOL: return "tf";
    case T_BYTE: return "i8";
    case T_I16: return "i16";
    case T_I32: return "i32";
    case T_I64: return "i64";
    case T_DOUBLE: return "dbl";
    case T_STRUCT: return "rec";
    case T_STRING: return "str";
    case T_MAP: return "map";
    case T_SET: return "set";
    case T_LIST: return "lst";
    default: return "";
    }
}

static gint32
write_type (HmsThriftJson *j, ThriftType t)
{
  ctx_write (j);
  emit_quote (j);
  const char *tn = type_name (t);
  ms_json_out_append (j->out, tn, tn[0] == '\0' ? 0 : tn[2] == '\0' ? 2 : 3);
  emit_quote (j);
  return 1;
}

static gint32
j_struct_begin (ThriftProtocol *p, const gchar *name, GError **error)
{
  push (JS (p), CTX_PAIR, '{');
  return 1;
}

static gint32
j_struct_end (ThriftProtocol *p, GError **error)
{
  return pop (JS (p), '}');
}

/* A field's opening, "<id>":{"<type>": (quotes escaped when nested), in
 * one piece: a struct writes one per field, and this is what the three
 * calls below it write, leaving the contexts as they leave them. */
static gint32
j_field_begin (ThriftProtocol *p, const gchar *name, const ThriftType type, const gint16 id,
               GError **error)
{
  HmsThriftJson *j = JS (p);
  Ctx *c = j->depth > 0 ? &j->stack[j->depth - 1] : NULL;
  if (c == NULL || c->kind != CTX_PAIR || (!c->first && c->colon))
    {
      write_integer (j, id);          /* not at a key: the general way */
      push (j, CTX_PAIR, '{');
      return write_type (j, type);
    }
  char buf[48];
  gsize n = 0;
  if (!c->first)
    buf[n++] = ',';
  c->first = FALSE;
  c->colon = FALSE;                   /* the key and its ':' are written */
#define QUOTE()                                                                                      do {                                                                                                 if (j->nested)                                                                                       buf[n++] = '\\';                                                                                 buf[n++] = '"';                                                                                  } while (0)
  QUOTE ();
  char digits[8];
  gsize k = 0;
  guint u = id < 0 ? (guint) -(gint) id : (guint) id;
  do
    digits[k++] = (char) ('0' + u % 10);
  while ((u /= 10) != 0);
  if (id < 0)
    buf[n++] = '-';
  while (k > 0)
    buf[n++] = digits[--k];
  QUOTE ();
  buf[n++] = ':';
  buf[n++] = '{';
  QUOTE ();
  for (const char *t = type_name (type); *t != '\0'; t++)
    buf[n++] = *t;
  QUOTE ();
#undef QUOTE
  ms_json_out_append (j->out, buf, n);
  /* the field's object, its first member (the type) written */
  ctx_open (j, (Ctx) { CTX_PAIR, FALSE, TRUE });
  return 1;
}

static gint32
j_field_end (ThriftProtocol *p, GError **error)
{
  return pop (JS (p), '}');
}

static gint32
j_nothing (ThriftProtocol *p, GError **error)
{
  return 0;
}

static gint32
j_map_begin (ThriftProtocol *p, const ThriftType kt, const ThriftType vt, const guint32 size,
             GError **error)
{
  push (JS (p), CTX_LIST, '[');
  write_type (JS (p), kt);
  write_type (JS (p), vt);
  write_integer (JS (p), size);
  push (JS (p), CTX_PAIR, '{');
  return 1;
}

static gint32
j_map_end (ThriftProtocol *p, GError **error)
{
  pop (JS (p), '}');
  return pop (JS (p), ']');
}

static gint32
j_list_begin (ThriftProtocol *p, const ThriftType et, const guint32 size, GError **error)
{
  push (JS (p), CTX_LIST, '[');
  write_type (JS (p), et);
  return write_integer (JS (p), size);
}

static gint32
j_list_end (ThriftProtocol *p, GError **error)
{
  return pop (JS (p), ']');
}

static gint32
j_bool (ThriftProtocol *p, const gboolean v, GError **error)
{
  return write_integer (JS (p), v ? 1 : 0);
}

static gint32
j_byte (ThriftProtocol *p, const gint8 v, GError **error)
{
  return write_integer (JS (p), v);
}

static gint32
j_i16 (ThriftProtocol *p, const gint16 v, GError **error)
{
  return write_integer (JS (p), v);
}

static gint32
j_i32 (ThriftProtocol *p, const gint32 v, GError **error)
{
  return write_integer (JS (p), v);
}

static gint32
j_i64 (ThriftProtocol *p, const gint64 v, GError **error)
{
  return write_integer (JS (p), v);
}

static gint32
j_double (ThriftProtocol *p, const gdouble v, GError **error)
{
  HmsThriftJson *j = JS (p);
  gboolean quote = ctx_write (j);
  if (isnan (v) || isinf (v))
    {
      g_autofree char *t = g_strdup_printf ("\"%s\"",
                                            isnan (v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
      emit (j, t, strlen (t));
      return 1;
    }
  /* 17 significant digits, as Python's TJSONProtocol writes them (Java's
   * writes the shortest text that reads back; both read either) */
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.17g", v);
  g_autofree char *t = g_strdup_printf (quote ? "\"%s\"" : "%s", buf);
  emit (j, t, strlen (t));
  return 1;
}

static gint32
j_string (ThriftProtocol *p, const gchar *s, GError **error)
{
  return write_text (JS (p), s ? s : "", s ? strlen (s) : 0);
}

static gint32
j_binary (ThriftProtocol *p, const gpointer buf, const guint32 len, GError **error)
{
  HmsThriftJson *j = JS (p);
  ctx_write (j);
  g_autofree char *b64 = g_base64_encode (buf, len);
  g_autofree char *t = g_strdup_printf ("\"%s\"", b64);
  emit (j, t, strlen (t));
  return 1;
}

static void
hms_thrift_json_finalize (GObject *o)
{
  HmsThriftJson *j = JS (o);
  g_string_free (j->out, TRUE);
  g_free (j->stack);
  G_OBJECT_CLASS (hms_thrift_json_parent_class)->finalize (o);
}

static void
hms_thrift_json_init (HmsThriftJson *j)
{
  j->out = g_string_new (NULL);
}

static void
hms_thrift_json_class_init (HmsThriftJsonClass *klass)
{
  ThriftProtocolClass *pc = THRIFT_PROTOCOL_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = hms_thrift_json_finalize;
  pc->write_struct_begin = j_struct_begin;
  pc->write_struct_end = j_struct_end;
  pc->write_field_begin = j_field_begin;
  pc->write_field_end = j_field_end;
  pc->write_field_stop = j_nothing;
  pc->write_map_begin = j_map_begin;
  pc->write_map_end = j_map_end;
  pc->write_list_begin = j_list_begin;
  pc->write_list_end = j_list_end;
  pc->write_set_begin = j_list_begin;
  pc->write_set_end = j_list_end;
  pc->write_bool = j_bool;
  pc->write_byte = j_byte;
  pc->write_i16 = j_i16;
  pc->write_i32 = j_i32;
  pc->write_i64 = j_i64;
  pc->write_double = j_double;
  pc->write_string = j_string;
  pc->write_binary = j_binary;
}

HmsThriftJson *
hms_thrift_json_new (void)
{
  return g_object_new (HMS_TYPE_THRIFT_JSON, NULL);
}

HmsThriftJson *
hms_thrift_json_for_thread (void)
{
  static GPrivate mine = G_PRIVATE_INIT (g_object_unref);
  HmsThriftJson *j = g_private_get (&mine);
  if (j == NULL)
    {
      j = hms_thrift_json_new ();
      g_private_set (&mine, j);
    }
  return j;
}

/* Empty 'j', run 'write' and return the text (owned by 'j', good until
 * its next run), or NULL with 'error'. */
static const GString *
hms_thrift_json_run (HmsThriftJson *j, HmsThriftJsonWriter write, gconstpointer data,
                     GError **error)
{
  g_string_truncate (j->out, 0);
  j->depth = 0;
  return write (THRIFT_PROTOCOL (j), data, error) ? j->out : NULL;
}

gboolean
hms_thrift_json_run_into (HmsThriftJson *j, GString *into, HmsThriftJsonWriter write,
                          gconstpointer data, GError **error)
{
  GString *own = j->out;
  j->depth = 0;
  j->out = into;
  j->nested = TRUE;
  gboolean ok = write (THRIFT_PROTOCOL (j), data, error);
  j->out = own;
  j->nested = FALSE;
  return ok;
}

char *
hms_thrift_json_write_with (HmsThriftJsonWriter write, gconstpointer data, GError **error)
{
  g_autoptr (HmsThriftJson) j = hms_thrift_json_new ();
  const GString *text = hms_thrift_json_run (j, write, data, error);
  return text != NULL ? g_strndup (text->str, text->len) : NULL;
}

static gboolean
write_struct (ThriftProtocol *protocol, gconstpointer obj, GError **error)
{
  return thrift_struct_write (THRIFT_STRUCT (obj), protocol, error) >= 0;
}

char *
hms_thrift_json_write (ThriftStruct *obj, GError **error)
{
  return hms_thrift_json_write_with (write_struct, obj, error);
}
