/*
 * errors.c: the one place where model errors (MS_ERROR codes) become HMS
 * exceptions. Each method declares which exceptions it may throw; we pick
 * the best fitting declared one for the code.
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

  GType pref[5];
  preferred (code, pref);
  for (int p = 0; p < 5 && pref[p] != G_TYPE_INVALID; p++)
    for (int i = 0; i < n; i++)
      if (types[i] == pref[p])
        {
          *slots[i] = g_object_new (types[i], "message", err->message, NULL);
          note (types[i]);
          g_error_free (err);
          return FALSE;
        }
  for (int i = 0; i < n; i++)
    if (types[i] == THMS_TYPE_META_EXCEPTION)
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
