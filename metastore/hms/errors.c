/*
 * errors.c: the one place where model errors (MS_ERROR codes) become HMS
 * exceptions. Each method declares which exceptions it may throw; we pick
 * the best fitting declared one for the code: in a handler (hms_raise,
 * which lists them), or for a call refused before its handler ran
 * (hms_reply_refused_args, which finds them in the method's generated
 * result struct).
 */
#include "hms/internal.h"
#include "core/log.h"
#include <stdarg.h>
#include <string.h>
#include <thrift/c_glib/thrift_application_exception.h>

/* Preferred exception types per code, best first. */
static void
preferred (int code, GType out[5])
{
  GType meta = THMS_TYPE_META_EXCEPTION;
  out[0] = out[1] = out[2] = out[3] = out[4] = G_TYPE_INVALID;
  switch (code)
    {
    case MS_ERROR_NOT_FOUND:
      out[0] = THMS_TYPE_NO_SUCH_OBJECT_EXCEPTION;
      out[1] = THMS_TYPE_UNKNOWN_TABLE_EXCEPTION;
      out[2] = THMS_TYPE_UNKNOWN_D_B_EXCEPTION;
      out[3] = meta;
      break;
    case MS_ERROR_ALREADY_EXISTS:
      out[0] = THMS_TYPE_ALREADY_EXISTS_EXCEPTION;
      out[1] = meta;
      break;
    case MS_ERROR_INVALID_OBJECT:
      out[0] = THMS_TYPE_INVALID_OBJECT_EXCEPTION;
      out[1] = THMS_TYPE_INVALID_INPUT_EXCEPTION;
      out[2] = THMS_TYPE_INVALID_OPERATION_EXCEPTION;
      out[3] = meta;
      break;
    case MS_ERROR_INVALID_OPERATION:
      out[0] = THMS_TYPE_INVALID_OPERATION_EXCEPTION;
      out[1] = THMS_TYPE_INVALID_OBJECT_EXCEPTION;
      out[2] = meta;
      break;
    case MS_ERROR_INVALID_INPUT:
    case MS_ERROR_INVALID_ARGUMENT:
      out[0] = THMS_TYPE_INVALID_INPUT_EXCEPTION;
      out[1] = THMS_TYPE_INVALID_OBJECT_EXCEPTION;
      out[2] = THMS_TYPE_INVALID_OPERATION_EXCEPTION;
      out[3] = meta;
      break;
    case MS_ERROR_CONFIG_SECURITY:
      out[0] = THMS_TYPE_CONFIG_VAL_SECURITY_EXCEPTION;
      out[1] = meta;
      break;
    case MS_ERROR_NO_SUCH_LOCK:
      out[0] = THMS_TYPE_NO_SUCH_LOCK_EXCEPTION;
      out[1] = meta;
      break;
    case MS_ERROR_NO_SUCH_TXN:
      out[0] = THMS_TYPE_NO_SUCH_TXN_EXCEPTION;
      out[1] = meta;
      break;
    case MS_ERROR_TXN_OPEN:
      out[0] = THMS_TYPE_TXN_OPEN_EXCEPTION;
      out[1] = meta;
      break;
    case MS_ERROR_INVALID_TEXT:
      /* create and alter shaped calls declare InvalidObjectException */
      out[0] = THMS_TYPE_INVALID_OBJECT_EXCEPTION;
      out[1] = meta;
      break;
    default:
      out[0] = meta;
    }
}

/* The exception class for the metrics: the generated type's name
 * ("ThmsNoSuchObjectExceptionType") without the prefix and the suffix, as
 * an interned (static) string. */
static void
note (GType t)
{
  const char *name = g_type_name (t);
  if (g_str_has_prefix (name, "Thms"))
    name += 4;
  gsize n = strlen (name);
  if (n > 4 && g_str_has_suffix (name, "Type"))
    n -= 4;
  g_autofree char *bare = g_strndup (name, n);
  ms_hms_note_exception (g_intern_string (bare));
}

/* Index of the declared exception type (of 'n' in 'types') that best fits
 * 'code', MetaException when nothing fits better, -1 when none is declared
 * that fits. */
static int
choose (int code, const GType *types, int n)
{
  GType pref[5];
  preferred (code, pref);
  for (int p = 0; p < 5 && pref[p] != G_TYPE_INVALID; p++)
    for (int i = 0; i < n; i++)
      if (types[i] == pref[p])
        return i;
  for (int i = 0; i < n; i++)
    if (types[i] == THMS_TYPE_META_EXCEPTION)
      return i;
  return -1;
}

gboolean
hms_raise (GError *err, GError **error, ...)
{
  GType types[8];
  gpointer *slots[8];
  int n = 0;
  va_list ap;
  va_start (ap, error);
  for (;;)
    {
      GType t = va_arg (ap, GType);
      if (t == G_TYPE_INVALID)
        break;
      gpointer *slot = va_arg (ap, gpointer *);
      if (n < 8)
        {
          types[n] = t;
          slots[n++] = slot;
        }
    }
  va_end (ap);

  int code = err->domain == MS_ERROR ? err->code : MS_ERROR_INTERNAL;
  if (code == MS_ERROR_INTERNAL || code == MS_ERROR_UNAVAILABLE)
    ms_warn ("call failed: %s", err->message);
  else
    ms_debug ("call answered with %s: %s", ms_error_code_name (code), err->message);

  int i = choose (code, types, n);
  if (i >= 0)
    {
      *slots[i] = g_object_new (types[i], "message", err->message, NULL);
      note (types[i]);
      g_error_free (err);
      return FALSE;
    }
  ms_hms_note_exception ("TApplicationException");
  g_set_error_literal (error, THRIFT_APPLICATION_EXCEPTION_ERROR,
                       THRIFT_APPLICATION_EXCEPTION_ERROR_INTERNAL_ERROR, err->message);
  g_error_free (err);
  return FALSE;
}

/* ---- calls refused before their handler ran ---- */

GType
hms_result_type (const char *method)
{
  /* the c_glib generator's names: "get_table_req" ->
   * ThmsThriftHiveMetastoreGetTableReqResultType, "getMetaConf" ->
   * ThmsThriftHiveMetastoreGetMetaConfResultType; fb303's methods belong
   * to ThmsFacebookService */
  g_autoptr (GString) camel = g_string_new (NULL);
  gboolean up = TRUE;
  for (const char *c = method; *c; c++)
    {
      if (*c == '_')
        up = TRUE;
      else
        {
          g_string_append_c (camel, up ? g_ascii_toupper (*c) : *c);
          up = FALSE;
        }
    }
  static const char *const services[] = { "ThmsThriftHiveMetastore", "ThmsFacebookService" };
  for (gsize s = 0; s < G_N_ELEMENTS (services); s++)
    {
      g_autofree char *name = g_strdup_printf ("%s%sResultType", services[s], camel->str);
      GType t = g_type_from_name (name);
      if (t != G_TYPE_INVALID)
        return t;
    }
  return G_TYPE_INVALID;
}

static gboolean
reply_app_exception (ThriftProtocol *p, const char *method, gint32 seqid, int type,
                     const char *message, GError **error)
{
  ms_hms_note_exception ("TApplicationException");
  g_autoptr (GObject) x = g_object_new (THRIFT_TYPE_APPLICATION_EXCEPTION, "type", type,
                                        "message", message, NULL);
  return thrift_protocol_write_message_begin (p, method, T_EXCEPTION, seqid, error) >= 0
         && thrift_struct_write (THRIFT_STRUCT (x), p, error) >= 0
         && thrift_protocol_write_message_end (p, error) >= 0
         && thrift_transport_write_end (p->transport, error)
         && thrift_transport_flush (p->transport, error);
}

gboolean
hms_reply_refused_args (ThriftProtocol *p, const char *method, gint32 seqid, gboolean known,
                        GError *err, GError **error)
{
  g_autoptr (GError) owned = err;
  thrift_transport_read_end (p->transport, NULL);
  int code = err->domain == MS_ERROR ? err->code : MS_ERROR_INVALID_TEXT;
  ms_debug ("%s refused before it ran: %s", method, err->message);
  if (!known)
    return reply_app_exception (p, method, seqid, THRIFT_APPLICATION_EXCEPTION_ERROR_UNKNOWN_METHOD,
                                err->message, error);
  GType rtype = hms_result_type (method);
  if (rtype == G_TYPE_INVALID)
    return TRUE;   /* a oneway call: nothing is answered */

  /* the declared exceptions are the result struct's fields but "success" */
  g_autoptr (GObject) result = g_object_new (rtype, NULL);
  guint n_props = 0;
  g_autofree GParamSpec **props = g_object_class_list_properties (G_OBJECT_GET_CLASS (result),
                                                                  &n_props);
  GType types[16];
  const char *names[16];
  int n = 0;
  for (guint i = 0; i < n_props && n < 16; i++)
    if (G_IS_PARAM_SPEC_OBJECT (props[i]) && !g_str_equal (props[i]->name, "success")
        && g_type_is_a (props[i]->value_type, THRIFT_TYPE_STRUCT))
      {
        types[n] = props[i]->value_type;
        names[n++] = props[i]->name;
      }
  int i = choose (code, types, n);
  if (i < 0)
    return reply_app_exception (p, method, seqid, THRIFT_APPLICATION_EXCEPTION_ERROR_INTERNAL_ERROR,
                                err->message, error);
  g_autoptr (GObject) x = g_object_new (types[i], "message", err->message, NULL);
  g_object_set (result, names[i], x, NULL);
  note (types[i]);
  return thrift_protocol_write_message_begin (p, method, T_REPLY, seqid, error) >= 0
         && thrift_struct_write (THRIFT_STRUCT (result), p, error) >= 0
         && thrift_protocol_write_message_end (p, error) >= 0
         && thrift_transport_write_end (p->transport, error)
         && thrift_transport_flush (p->transport, error);
}
