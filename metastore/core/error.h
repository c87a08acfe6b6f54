/*
 * error.h: the one error domain of the catalog model.
 *
 * Every layer below the protocol doors (store, storage, embedded PostgreSQL)
 * reports failures as GError in MS_ERROR with one of these codes. The doors
 * turn a code into their own wire form in exactly one place each
 * (hms/errors.c for HMS exceptions; the Iceberg door for ErrorModel JSON).
 */
#pragma once
#include <glib.h>

#define MS_ERROR (ms_error_quark ())
GQuark ms_error_quark (void);

typedef enum {
  MS_ERROR_NOT_FOUND,          /* NoSuchObjectException / 404 */
  MS_ERROR_ALREADY_EXISTS,     /* AlreadyExistsException / 409 */
  MS_ERROR_INVALID_OBJECT,     /* InvalidObjectException / 400 */
  MS_ERROR_INVALID_OPERATION,  /* InvalidOperationException / 400 or 409 */
  MS_ERROR_INVALID_INPUT,      /* InvalidInputException / 400 */
  MS_ERROR_CONFIG_SECURITY,    /* ConfigValSecurityException */
  MS_ERROR_CONFLICT,           /* concurrent modification / 409 */
  MS_ERROR_NOT_ALLOWED,        /* refused by rule (drop 'default'): MetaException / 400 */
  MS_ERROR_UNAVAILABLE,        /* database unreachable: MetaException / 503 */
  MS_ERROR_INTERNAL,           /* anything else: MetaException / 500 */
  MS_ERROR_NO_SUCH_LOCK,       /* NoSuchLockException */
  MS_ERROR_NO_SUCH_TXN,        /* NoSuchTxnException */
  MS_ERROR_TXN_OPEN,           /* TxnOpenException (the lock belongs to a transaction) */
  MS_ERROR_INVALID_TEXT,       /* a string that is not text (a NUL, bytes that are not
                                  UTF-8): InvalidObjectException, else MetaException / 400 */
  MS_ERROR_INVALID_ARGUMENT,   /* a value an Iceberg metadata builder refuses with Java's
                                  IllegalArgumentException / 400 (InvalidInputException) */
  MS_ERROR_NOT_SERVED,         /* a request form this server does not evaluate (a Hive
                                  expression serialized by Kryo): TApplicationException
                                  UNKNOWN_METHOD, which makes Hive's client fall back */
} MsErrorCode;

/* Set *error and return FALSE, so a check reads as one line. */
gboolean ms_fail (GError **error, MsErrorCode code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
/* The same with the message "<prefix>: <message>": a file's own wording
 * ("Cannot parse table metadata: ...") is then a one-line macro. */
gboolean ms_fail_prefixed (GError **error, MsErrorCode code, const char *prefix, const char *fmt, ...)
  G_GNUC_PRINTF (4, 5);

/* After a lookup answered NULL: TRUE when the thing is simply not there
 * (MS_ERROR_NOT_FOUND, and *err is cleared); FALSE for any other failure,
 * which moves to *error, so an outage never reads as "does not exist". */
gboolean ms_error_not_found (GError **err, GError **error);

/* Name of a code, for logs and metrics ("NOT_FOUND", ...). */
const char *ms_error_code_name (int code);
