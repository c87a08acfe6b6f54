/*
 * error.c: the MS_ERROR domain and its one-line setter.
 */
#include "core/error.h"

G_DEFINE_QUARK (ms-error-quark, ms_error)

gboolean
ms_fail (GError **error, MsErrorCode code, const char *fmt, ...)
{
  va_list ap;

  if (error == NULL)
    return FALSE;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, MS_ERROR, code, msg);
  return FALSE;
}

const char *
ms_error_code_name (int code)
{
  static const char *const names[] = {
    "NOT_FOUND", "ALREADY_EXISTS", "INVALID_OBJECT", "INVALID_OPERATION",
    "INVALID_INPUT", "CONFIG_SECURITY", "CONFLICT", "NOT_ALLOWED", "UNAVAILABLE", "INTERNAL",
    "NO_SUCH_LOCK", "NO_SUCH_TXN", "TXN_OPEN", "INVALID_TEXT", "INVALID_ARGUMENT",
  };
  if (code < 0 || code >= (int) G_N_ELEMENTS (names))
    return "UNKNOWN";
  return names[code];
}
