/*
 * errors.c: the HMS door's error table, the one place where model errors
 * (MS_ERROR codes) become HMS exceptions. Each method declares which
 * exceptions it may throw (its row of the method table, method.h); the
 * best fitting declared one answers the code: for a failed call (hms_fail)
 * and for a call refused before it ran (hms_reply_refused_args). A few
 * codes are answered by a TApplicationException of a given type whatever
 * the method declares (MS_ERROR_NOT_SERVED: UNKNOWN_METHOD, the answer
 * Hive's client takes as "prune on my side").
 */
#include "hms/internal.h"
#include "hms/method.h"
#include "hms/wire.h"
#include "core/log.h"
#include <string.h>
#include <thrift/c_glib/thrift_application_exception.h>

/* The HMS error table: for each model error code, the exceptions that
 * answer it, best first. A method answers with the first of these it
 * declares, else MetaException when declared, else a
 * TApplicationException (of type 'app_type', INTERNAL_ERROR when 0). A
 * row with 'app_only' is never a declared exception, MetaException
 * included: its TApplicationException is the answer clients act on.
 * Errors of other domains are internal errors. */
typedef GType (*TypeFn) (void);
static const struct {
  int code;
  TypeFn types[4];
  gboolean app_only;
  int app_type;
} error_table[] = {
  { MS_ERROR_NOT_FOUND, { thms_no_such_object_exception_get_type,
                          thms_unknown_table_exception_get_type,
                          thms_unknown_d_b_exception_get_type } },
  { MS_ERROR_ALREADY_EXISTS, { thms_already_exists_exception_get_type } },
  { MS_ERROR_INVALID_OBJECT, { thms_invalid_object_exception_get_type,
                               thms_invalid_input_exception_get_type,
                               thms_invalid_operation_exception_get_type } },
  { MS_ERROR_INVALID_OPERATION, { thms_invalid_operation_exception_get_type,
                                  thms_invalid_object_exception_get_type } },
  { MS_ERROR_INVALID_INPUT, { thms_invalid_input_exception_get_type,
                              thms_invalid_object_exception_get_type,
                              thms_invalid_operation_exception_get_type } },
  { MS_ERROR_INVALID_ARGUMENT, { thms_invalid_input_exception_get_type,
                                 thms_invalid_object_exception_get_type,
                                 thms_invalid_operation_exception_get_type } },
  { MS_ERROR_CONFIG_SECURITY, { thms_config_val_security_exception_get_type } },
  { MS_ERROR_NO_SUCH_LOCK, { thms_no_such_lock_exception_get_type } },
  { MS_ERROR_NO_SUCH_TXN, { thms_no_such_txn_exception_get_type } },
  { MS_ERROR_TXN_OPEN, { thms_txn_open_exception_get_type } },
  /* text refused by the guarded reader: create and alter shaped calls
   * declare InvalidObjectException */
  { MS_ERROR_INVALID_TEXT, { thms_invalid_object_exception_get_type } },
  /* a Kryo-serialized Hive expression: Hive's HiveMetaStoreClient prunes
   * on the client only after a TApplicationException UNKNOWN_METHOD or
   * WRONG_METHOD_NAME (a MetaException fails the query) */
  { MS_ERROR_NOT_SERVED, { NULL }, TRUE, THRIFT_APPLICATION_EXCEPTION_ERROR_UNKNOWN_METHOD },
};

/* The row of the error table for 'err' (NULL: none, an internal error). */
static int
row_of (const GError *err)
{
  if (err->domain != MS_ERROR)
    return -1;
  for (gsize e = 0; e < G_N_ELEMENTS (error_table); e++)
    if (error_table[e].code == err->code)
      return (int) e;
  return -1;
}

int
hms_error_app_type (const GError *err)
{
  int e = row_of (err);
  return e >= 0 && error_table[e].app_type != 0 ? error_table[e].app_type
                                                 : THRIFT_APPLICATION_EXCEPTION_ERROR_INTERNAL_ERROR;
}

/* Preferred exception types for 'code', best first, MetaException last. */
static void
preferred (int code, GType out[5])
{
  for (int i = 0; i < 5; i++)
    out[i] = G_TYPE_INVALID;
  int n = 0;
  for (gsize e = 0; e < G_N_ELEMENTS (error_table); e++)
    if (error_table[e].code == code)
      for (int t = 0; t < 4 && error_table[e].types[t] != NULL; t++)
        out[n++] = error_table[e].types[t] ();
  out[n] = THMS_TYPE_META_EXCEPTION;
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

/* Log a failed call; its code, other domains counting as internal. */
static int
log_failure (const GError *err)
{
  int code = err->domain == MS_ERROR ? err->code : MS_ERROR_INTERNAL;
  if (code == MS_ERROR_INTERNAL || code == MS_ERROR_UNAVAILABLE)
    ms_warn ("call failed: %s", err->message);
  else
    ms_debug ("call answered with %s: %s", ms_error_code_name (code), err->message);
  return code;
}

int
hms_method_choose (const HmsMethod *m, const GError *err)
{
  int code = log_failure (err);
  int row = row_of (err);
  if (row >= 0 && error_table[row].app_only)
    {
      ms_hms_note_exception ("TApplicationException");
      return -1;
    }
  GType types[16];
  guint n = MIN (m->n_throws, G_N_ELEMENTS (types));
  for (guint i = 0; i < n; i++)
    types[i] = m->throws[i].type ();
  int i = choose (code, types, (int) n);
  if (i >= 0)
    note (types[i]);
  else
    ms_hms_note_exception ("TApplicationException");
  return i;
}

gboolean
hms_fail (const HmsMethod *m, GObject *result, const GError *err)
{
  int i = hms_method_choose (m, err);
  if (i < 0)
    return FALSE;
  g_autoptr (GObject) x = g_object_new (m->throws[i].type (), "message", err->message, NULL);
  g_object_set (result, m->throws[i].field, x, NULL);
  return TRUE;
}

/* ---- calls refused before their handler ran ---- */

GType
hms_result_type (const char *method)
{
  const HmsMethod *m = hms_method_find (method);
  return m && m->result_type ? m->result_type () : G_TYPE_INVALID;
}

gboolean
hms_reply_refused_args (ThriftProtocol *p, const char *method, gint32 seqid, gboolean known,
                        GError *err, GError **error)
{
  /* the guarded reader's refusal counts as MS_ERROR_INVALID_TEXT */
  g_autoptr (GError) owned = err->domain == MS_ERROR
                                 ? err
                                 : g_error_new_literal (MS_ERROR, MS_ERROR_INVALID_TEXT, err->message);
  if (owned != err)
    g_error_free (g_steal_pointer (&err));
  err = owned;
  thrift_transport_read_end (p->transport, NULL);
  ms_debug ("%s refused before it ran: %s", method, err->message);
  if (!known)
    return hms_wire_reply_app_exception (p, method, seqid,
                                         THRIFT_APPLICATION_EXCEPTION_ERROR_UNKNOWN_METHOD,
                                         err->message, error);
  const HmsMethod *m = hms_method_find (method);
  if (m == NULL || m->result_type == NULL)
    return TRUE;   /* a oneway call: nothing is answered */
  g_autoptr (GObject) result = g_object_new (m->result_type (), NULL);
  if (!hms_fail (m, result, err))
    return hms_wire_reply_app_exception (p, method, seqid, hms_error_app_type (err), err->message,
                                         error);
  return thrift_protocol_write_message_begin (p, method, T_REPLY, seqid, error) >= 0
         && thrift_struct_write (THRIFT_STRUCT (result), p, error) >= 0
         && hms_wire_reply_end (p, error);
}
