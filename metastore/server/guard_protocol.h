/*
 * guard_protocol.h: MsGuardProtocol, Thrift's binary protocol with the
 * reader hardened for untrusted input.
 *
 * c_glib 0.17's reader allocates a string's claimed length before checking
 * it, can overflow its container-size check, lets skip recurse without bound
 * and leaves the method name unset when a message does not start like one
 * (an HTTP request, say). This subclass replaces those readers: strings grow
 * only as their bytes arrive and never past max_string_bytes, container
 * sizes and element types are checked in 64-bit arithmetic, nesting depth is
 * counted on every struct and container (skip included, as it goes through
 * the same virtual methods), and a message header is accepted only in the
 * strict (versioned) or classic (length, name, type, seqid) form with a
 * bounded name. Writers are the binary protocol's own.
 *
 * Strings must be text: a string (not a binary) holding a NUL byte or bytes
 * that are not UTF-8 would reach C code cut short or malformed ("a\0b" read
 * as "a"). Such a string does not stop the reader, so the whole call is
 * still consumed and the connection stays in step; the end of the call's
 * argument struct then fails with MS_GUARD_ERROR_NOT_TEXT, before any
 * handler can see the arguments. The door answers that error with the
 * method's declared exception (hms_reply_refused_args).
 */
#pragma once
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThriftBinaryProtocol, g_object_unref)

#define MS_TYPE_GUARD_PROTOCOL (ms_guard_protocol_get_type ())
G_DECLARE_FINAL_TYPE (MsGuardProtocol, ms_guard_protocol, MS, GUARD_PROTOCOL, ThriftBinaryProtocol)

/* Errors of the reader that are the caller's to answer (the message was
 * read whole): MS_GUARD_ERROR_NOT_TEXT, a string that is not text. */
#define MS_GUARD_ERROR (ms_guard_error_quark ())
GQuark ms_guard_error_quark (void);
typedef enum {
  MS_GUARD_ERROR_NOT_TEXT,
} MsGuardError;

typedef struct {
  gint64 max_string_bytes;
  gint64 max_container_items;
  int max_depth;
} MsGuardLimits;

/* 'transport' must be an MsConnTransport (or any transport, for tests). */
MsGuardProtocol *ms_guard_protocol_new (ThriftTransport *transport, const MsGuardLimits *limits);

G_END_DECLS
