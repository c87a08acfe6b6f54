/* method_fail.h: for unit tests of the HMS error table: fail a method of
 * the method table and look at its result struct. */
#pragma once
#include "hms/method.h"
#include "core/error.h"

/* Fail 'method' with 'code': its result struct (a new object); *declared
 * says whether a declared exception took the error. */
static inline GObject *
fail_method (const char *method, int code, const char *message, gboolean *declared)
{
  const HmsMethod *m = hms_method_find (method);
  g_assert_nonnull (m);
  GObject *result = g_object_new (m->result_type (), NULL);
  GError *err = g_error_new_literal (MS_ERROR, code, message);
  *declared = hms_fail (m, result, err);
  g_error_free (err);
  return result;
}

/* The exception in the result's field 'field' (a new reference), or NULL. */
static inline gpointer
exception_in (GObject *result, const char *field)
{
  gpointer x = NULL;
  g_object_get (result, field, &x, NULL);
  return x;
}
