/*
 * thrift_fixes.h: repairs to classes of the Thrift c_glib library itself
 * (the generated code is patched at build time, by the scripts in thrift/).
 *
 * In c_glib 0.17 the finalizers of ThriftApplicationException and
 * ThriftMemoryBuffer (also of the buffered and framed transports and the
 * sockets, which the server does not use) do not chain up to GObject's, so
 * what GLib keeps on an object is never freed with it: the notify queue
 * g_object_unref attaches while disposing an object leaked 32 bytes with
 * each TApplicationException reply (the generated processor's, the
 * unknown-method answer, ours) and each storage descriptor the fast
 * partition writer encodes (issue 12: hidden by a `leak:g_object_unref`
 * suppression).
 */
#pragma once
#include <glib-object.h>

/* Make ThriftApplicationException and ThriftMemoryBuffer run GObject's
 * finalizer after their own when that did not (a fixed library is left
 * alone). Call on the main thread before any other thread uses Thrift
 * objects; idempotent. */
void ms_thrift_fix_finalizers (void);
