/*
 * storage_s3_xml.c: the S3 XML this client reads and writes, with GLib's
 * GMarkup: ListObjectsV2 pages (ms_s3_parse_listing), error replies
 * (ms_s3_parse_error), DeleteObjects requests and their results
 * (ms_s3_delete_body, ms_s3_parse_delete_result).
 *
 * S3 replies are shallow documents of text-only leaves, so one walker
 * serves all three: it tracks the depth (at most MAX_DEPTH), collects the
 * text of the innermost element and hands every closed element with its
 * depth, name, parent's name and text to a per-document handler. Replies are
 * bounded by the caller (MS_S3_MAX_REPLY_BYTES) before they get here.
 */
#include "storage/storage_s3.h"
#include "core/error.h"
#include <string.h>

#define MAX_DEPTH 16

typedef struct Walk Walk;
/* Called when an element closes: depth 1 is the root, 'parent' is "" for
 * it. Returns FALSE (with 'error' set) to stop. */
typedef gboolean (*WalkEnd) (Walk *w, int depth, const char *name, const char *parent,
                             const char *text, GError **error);

struct Walk {
  const char *root;            /* required name of the root element */
  WalkEnd on_end;
  void *data;
  int depth;
  GString *text;
  gboolean seen_root;
  GError *failure;             /* the first handler failure */
};

/* A handler's failure is kept in the walk rather than handed to GMarkup:
 * GLib 2.74 goes on parsing after a start_element error and then sets its
 * own error over it (a GLib warning). Once failed, the walk ignores the rest
 * of the document, which the caller has already bounded in size. */
static void
walk_fail (Walk *w, GError *e)
{
  if (w->failure == NULL)
    w->failure = e;
  else
    g_error_free (e);
}

static void
walk_start (GMarkupParseContext *ctx, const char *name, const char **attr_names,
            const char **attr_values, gpointer user_data, GError **error)
{
  (void) ctx; (void) attr_names; (void) attr_values; (void) error;
  Walk *w = user_data;
  w->depth++;
  g_string_truncate (w->text, 0);
  if (w->failure != NULL)
    return;
  GError *e = NULL;
  if (w->depth == 1 && (w->seen_root || strcmp (name, w->root) != 0))
    ms_fail (&e, MS_ERROR_INTERNAL, "expected a %s document, found <%.64s>", w->root, name);
  else if (w->depth > MAX_DEPTH)
    ms_fail (&e, MS_ERROR_INTERNAL, "elements nested deeper than %d", MAX_DEPTH);
  if (e != NULL)
    walk_fail (w, e);
  w->seen_root = TRUE;
}

static void
walk_end (GMarkupParseContext *ctx, const char *name, gpointer user_data, GError **error)
{
  (void) error;
  Walk *w = user_data;
  int depth = w->depth--;
  if (w->failure == NULL)
    {
      /* GMarkup pops the closing element after this callback */
      const GSList *stack = g_markup_parse_context_get_element_stack (ctx);
      const char *parent = stack && stack->next ? stack->next->data : "";
      GError *e = NULL;
      if (!w->on_end (w, depth, name, parent, w->text->str, &e))
        walk_fail (w, e);
    }
  g_string_truncate (w->text, 0);
}

static void
walk_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer user_data,
           GError **error)
{
  (void) ctx; (void) error;
  Walk *w = user_data;
  if (w->depth > 0 && w->failure == NULL)
    g_string_append_len (w->text, text, (gssize) len);
}

static const GMarkupParser walk_parser = { walk_start, walk_end, walk_text, NULL, NULL };

static gboolean
walk_run (Walk *w, const char *xml, gsize len, GError **error)
{
  /* S3 replies are UTF-8. Checking first also keeps GMarkup from a GLib
   * 2.74 defect: invalid UTF-8 in a CDATA section sets its GError twice. */
  if (xml == NULL || len > G_MAXSSIZE || !g_utf8_validate (xml, (gssize) len, NULL))
    return ms_fail (error, MS_ERROR_INTERNAL, "malformed S3 reply: %s",
                    xml == NULL || len == 0 ? "no data" : "not UTF-8 text");
  w->text = g_string_new (NULL);
  GMarkupParseContext *ctx = g_markup_parse_context_new (&walk_parser,
                                                         G_MARKUP_TREAT_CDATA_AS_TEXT, w, NULL);
  g_autoptr (GError) local = NULL;
  gboolean ok = g_markup_parse_context_parse (ctx, xml, (gssize) len, &local)
                && g_markup_parse_context_end_parse (ctx, &local);
  g_markup_parse_context_free (ctx);
  g_string_free (w->text, TRUE);
  w->text = NULL;
  if (w->failure != NULL)
    {
      g_clear_error (&local);
      local = g_steal_pointer (&w->failure);
      ok = FALSE;
    }
  else if (ok && !w->seen_root)
    ok = ms_fail (&local, MS_ERROR_INTERNAL, "empty document");
  if (!ok)
    return ms_fail (error, MS_ERROR_INTERNAL, "malformed S3 reply: %s",
                    local ? local->message : "no data");
  return TRUE;
}

/* ---- ListObjectsV2 ---- */

void
ms_s3_listing_clear (MsS3Listing *l)
{
  if (l->keys)
    g_ptr_array_unref (l->keys);
  if (l->modified)
    g_array_unref (l->modified);
  if (l->sizes)
    g_array_unref (l->sizes);
  g_free (l->next_token);
  memset (l, 0, sizeof *l);
}

typedef struct {
  MsS3Listing l;
  gboolean url_encoded;        /* <EncodingType>url</EncodingType> */
  char *key;                   /* of the <Contents> being read */
  gint64 modified;             /* ... its LastModified, or -1 */
  gint64 size;                 /* ... and its Size, or -1 */
} ListDoc;

/* An ISO 8601 LastModified ("2024-01-01T00:00:00.000Z") in Unix seconds,
 * -1 when it is not one. */
static gint64
unix_seconds (const char *text)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (text, NULL);
  return t ? g_date_time_to_unix (t) : -1;
}

/* A decimal Size ("1234") in bytes, -1 when it is not one. */
static gint64
object_size (const char *text)
{
  guint64 v = 0;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &v, NULL))
    return -1;
  return (gint64) v;
}

static gboolean
listing_end (Walk *w, int depth, const char *name, const char *parent, const char *text,
             GError **error)
{
  ListDoc *d = w->data;
  if (depth == 3 && strcmp (name, "Key") == 0 && strcmp (parent, "Contents") == 0)
    {
      g_free (d->key);
      d->key = g_strdup (text);
    }
  else if (depth == 3 && strcmp (name, "LastModified") == 0 && strcmp (parent, "Contents") == 0)
    d->modified = unix_seconds (text);
  else if (depth == 3 && strcmp (name, "Size") == 0 && strcmp (parent, "Contents") == 0)
    d->size = object_size (text);
  else if (depth == 2 && strcmp (name, "Contents") == 0)
    {
      if (d->key != NULL)
        {
          g_ptr_array_add (d->l.keys, g_steal_pointer (&d->key));
          g_array_append_val (d->l.modified, d->modified);
          g_array_append_val (d->l.sizes, d->size);
        }
      d->modified = -1;
      d->size = -1;
    }
  else if (depth == 2 && strcmp (name, "IsTruncated") == 0)
    {
      if (strcmp (text, "true") == 0)
        d->l.truncated = TRUE;
      else if (strcmp (text, "false") == 0)
        d->l.truncated = FALSE;
      else
        return ms_fail (error, MS_ERROR_INTERNAL, "IsTruncated is '%.32s'", text);
    }
  else if (depth == 2 && strcmp (name, "NextContinuationToken") == 0)
    {
      g_free (d->l.next_token);
      d->l.next_token = *text ? g_strdup (text) : NULL;
    }
  else if (depth == 2 && strcmp (name, "EncodingType") == 0)
    d->url_encoded = g_ascii_strcasecmp (text, "url") == 0;
  return TRUE;
}

/* Undo S3's encoding-type=url (form encoding: '+' is a space, %XX a byte)
 * in place; FALSE for a broken escape or a result that is not UTF-8. */
static gboolean
url_decode (char *s)
{
  char *out = s;
  for (const char *p = s; *p; p++)
    {
      if (*p == '+')
        *out++ = ' ';
      else if (*p != '%')
        *out++ = *p;
      else if (g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          int byte = g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2]);
          if (byte == 0)
            return FALSE;
          *out++ = (char) byte;
          p += 2;
        }
      else
        return FALSE;
    }
  *out = '\0';
  return g_utf8_validate (s, -1, NULL);
}

gboolean
ms_s3_parse_listing (const char *xml, gsize len, MsS3Listing *out, GError **error)
{
  ListDoc d = { { g_ptr_array_new_with_free_func (g_free), g_array_new (FALSE, FALSE, sizeof (gint64)),
                  g_array_new (FALSE, FALSE, sizeof (gint64)), FALSE, NULL }, FALSE, NULL, -1, -1 };
  Walk w = { .root = "ListBucketResult", .on_end = listing_end, .data = &d };
  gboolean ok = walk_run (&w, xml, len, error);
  g_clear_pointer (&d.key, g_free);
  if (ok && d.l.truncated && d.l.next_token == NULL)
    ok = ms_fail (error, MS_ERROR_INTERNAL,
                  "malformed S3 reply: a truncated listing without NextContinuationToken");
  for (guint i = 0; ok && d.url_encoded && i < d.l.keys->len; i++)
    if (!url_decode (g_ptr_array_index (d.l.keys, i)))
      ok = ms_fail (error, MS_ERROR_INTERNAL, "malformed S3 reply: a badly URL-encoded key");
  if (!ok)
    {
      ms_s3_listing_clear (&d.l);
      return FALSE;
    }
  ms_s3_listing_clear (out);
  *out = d.l;
  return TRUE;
}

/* ---- error replies ---- */

typedef struct {
  char *code;
  char *message;
} ErrorDoc;

static gboolean
error_end (Walk *w, int depth, const char *name, const char *parent, const char *text,
           GError **error)
{
  (void) depth; (void) error;
  ErrorDoc *d = w->data;
  /* <Error> is S3's root; STS puts it under <ErrorResponse> */
  if (depth > 3 || strcmp (parent, "Error") != 0)
    return TRUE;
  if (strcmp (name, "Code") == 0)
    {
      g_free (d->code);
      d->code = g_strdup (text);
    }
  else if (strcmp (name, "Message") == 0)
    {
      g_free (d->message);
      d->message = g_strdup (text);
    }
  return TRUE;
}

static gboolean
parse_error_doc (const char *root, const char *xml, gsize len, char **code, char **message)
{
  ErrorDoc d = { NULL, NULL };
  Walk w = { .root = root, .on_end = error_end, .data = &d };
  *code = *message = NULL;
  if (!walk_run (&w, xml, len, NULL))
    {
      g_free (d.code);
      g_free (d.message);
      return FALSE;
    }
  *code = d.code;
  *message = d.message;
  return TRUE;
}

gboolean
ms_s3_parse_error (const char *xml, gsize len, char **code, char **message)
{
  return parse_error_doc ("Error", xml, len, code, message);
}

gboolean
ms_sts_parse_error (const char *xml, gsize len, char **code, char **message)
{
  return parse_error_doc ("ErrorResponse", xml, len, code, message);
}

/* ---- STS AssumeRole replies ---- */

void
ms_sts_credentials_clear (MsStsCredentials *c)
{
  g_free (c->access_key);
  if (c->secret_key)
    memset (c->secret_key, 0, strlen (c->secret_key));
  g_free (c->secret_key);
  if (c->session_token)
    memset (c->session_token, 0, strlen (c->session_token));
  g_free (c->session_token);
  memset (c, 0, sizeof *c);
}

static gboolean
credentials_end (Walk *w, int depth, const char *name, const char *parent, const char *text,
                 GError **error)
{
  (void) depth;
  MsStsCredentials *c = w->data;
  if (strcmp (parent, "Credentials") != 0)
    return TRUE;
  char **slot = strcmp (name, "AccessKeyId") == 0 ? &c->access_key
                : strcmp (name, "SecretAccessKey") == 0 ? &c->secret_key
                : strcmp (name, "SessionToken") == 0 ? &c->session_token : NULL;
  if (slot != NULL)
    {
      g_free (*slot);
      *slot = g_strdup (text);
    }
  else if (strcmp (name, "Expiration") == 0)
    {
      g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (text, NULL);
      if (t == NULL)
        return ms_fail (error, MS_ERROR_INTERNAL, "an Expiration that is no date");
      c->expires_at_ms = g_date_time_to_unix (t) * 1000 + g_date_time_get_microsecond (t) / 1000;
    }
  return TRUE;
}

gboolean
ms_sts_parse_credentials (const char *xml, gsize len, MsStsCredentials *out, GError **error)
{
  Walk w = { .root = "AssumeRoleResponse", .on_end = credentials_end, .data = out };
  if (walk_run (&w, xml, len, error) && out->access_key && out->secret_key
      && out->session_token && out->expires_at_ms > 0)
    return TRUE;
  if (error && *error == NULL)
    ms_fail (error, MS_ERROR_INTERNAL, "malformed STS reply: no complete Credentials");
  ms_sts_credentials_clear (out);
  return FALSE;
}

/* ---- DeleteObjects requests (a client's, to be signed) ---- */

static gboolean
delete_request_end (Walk *w, int depth, const char *name, const char *parent, const char *text,
                    GError **error)
{
  (void) error;
  if (depth == 3 && strcmp (name, "Key") == 0 && strcmp (parent, "Object") == 0)
    g_ptr_array_add (w->data, g_strdup (text));
  return TRUE;
}

GPtrArray *
ms_s3_parse_delete_request (const char *xml, gsize len, GError **error)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  Walk w = { .root = "Delete", .on_end = delete_request_end, .data = keys };
  if (!walk_run (&w, xml, len, error))
    return NULL;
  return g_steal_pointer (&keys);
}

/* ---- DeleteObjects ---- */

gboolean
ms_s3_key_xml_safe (const char *key)
{
  for (const unsigned char *p = (const unsigned char *) key; *p; p++)
    if (*p < 0x20 && *p != '\t' && *p != '\n')
      return FALSE;
  return TRUE;
}

char *
ms_s3_delete_body (GPtrArray *keys, guint from, guint n)
{
  GString *b = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                             "<Quiet>true</Quiet>");
  for (guint i = from; i < from + n && i < keys->len; i++)
    {
      g_autofree char *k = g_markup_escape_text (g_ptr_array_index (keys, i), -1);
      g_string_append_printf (b, "<Object><Key>%s</Key></Object>", k);
    }
  g_string_append (b, "</Delete>");
  return g_string_free (b, FALSE);
}

typedef struct {
  guint n_errors;
  char *cur_key, *cur_code, *cur_message;
  char *key, *code, *message;   /* the first failure */
} DeleteDoc;

static void
take (char **slot, const char *text)
{
  g_free (*slot);
  *slot = g_strdup (text);
}

static gboolean
delete_end (Walk *w, int depth, const char *name, const char *parent, const char *text,
            GError **error)
{
  (void) error;
  DeleteDoc *d = w->data;
  if (depth == 3 && strcmp (parent, "Error") == 0)
    {
      if (strcmp (name, "Key") == 0)
        take (&d->cur_key, text);
      else if (strcmp (name, "Code") == 0)
        take (&d->cur_code, text);
      else if (strcmp (name, "Message") == 0)
        take (&d->cur_message, text);
    }
  else if (depth == 2 && strcmp (name, "Error") == 0)
    {
      if (d->n_errors++ == 0)
        {
          d->key = g_steal_pointer (&d->cur_key);
          d->code = g_steal_pointer (&d->cur_code);
          d->message = g_steal_pointer (&d->cur_message);
        }
      g_clear_pointer (&d->cur_key, g_free);
      g_clear_pointer (&d->cur_code, g_free);
      g_clear_pointer (&d->cur_message, g_free);
    }
  return TRUE;
}

gboolean
ms_s3_parse_delete_result (const char *xml, gsize len, guint *n_errors, char **key,
                           char **code, char **message, GError **error)
{
  DeleteDoc d = { 0 };
  Walk w = { .root = "DeleteResult", .on_end = delete_end, .data = &d };
  gboolean ok = walk_run (&w, xml, len, error);
  g_free (d.cur_key);
  g_free (d.cur_code);
  g_free (d.cur_message);
  *n_errors = ok ? d.n_errors : 0;
  if (ok)
    {
      *key = d.key;
      *code = d.code;
      *message = d.message;
    }
  else
    {
      *key = *code = *message = NULL;
      g_free (d.key);
      g_free (d.code);
      g_free (d.message);
    }
  return ok;
}
