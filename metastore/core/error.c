/*
 * error.c: the MS_ERROR domain and its one-line setters.
 */
#include "core/error.h"

G_DEFINE_QUARK (ms-error-quark, ms_error)

static void
fail_valist (GError **error, MsErrorCode code, const char *prefix, const char *fmt, va_list ap)
{
  if (error == NULL)
    return;
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  if (prefix != NULL)
    g_set_error (error, MS_ERROR, code, "%s: %s", prefix, msg);
  else
    g_set_error_literal (error, MS_ERROR, code, msg);
}

gboolean
ms_fail (GError **error, MsErrorCode code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fail_valist (error, code, NULL, fmt, ap);
  va_end (ap);
  return FALSE;
}

gboolean
ms_fail_prefixed (GError **error, MsErrorCode code, const char *prefix, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fail_valist (error, code, prefix, fmt, ap);
  va_end (ap);
  return FALSE;
}

const char *
ms_error_code_name (int code)
{
  static const char *const names[] = {
    "NOT_FOUND", "ALREADY_EXISTS", "INVALID_OBJECT", "INVALID_OPERATION",
    "INVALID_INPUT", "CONFIG_SECURITY", "CONFLICT", "NOT_ALLOWED", "UNAVAILABLE", "INTERNAL",
    "NO_SUCH_LOCK", "NO_SUCH_TXN", "TXN_OPEN", "INVALID_TEXT", "INVALID_ARGUMENT", "NOT_SERVED",
  };
  if (code < 0 || code >= (int) G_N_ELEMENTS (names))
    return "UNKNOWN";
  return names[code];
}

gboolean
ms_error_not_found (GError **err, GError **error)
{
  if (*err != NULL && (*err)->domain == MS_ERROR && (*err)->code == MS_ERROR_NOT_FOUND)
    {
      g_clear_error (err);
      return TRUE;
    }
  if (*err == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (err));
  return FALSE;
}
