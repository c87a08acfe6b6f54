/*
 * bytes_transport.h: MsBytesTransport, a write-only Thrift transport that
 * appends what is written to a GByteArray: encoding Thrift structs in
 * memory (the fast partition writer's storage descriptors, the refusal a
 * connection over the limit reads).
 *
 * c_glib 0.17's ThriftMemoryBuffer would do, but its finalizer does not
 * chain up to GObject's, so the per-object data GLib attaches to an object
 * (the notify queue g_object_unref may add while disposing it) was never
 * freed: two 32-byte blocks leaked with about every get_partitions reply.
 * This one chains up.
 */
#pragma once
#include <glib-object.h>
#include <thrift/c_glib/protocol/thrift_protocol.h>
#include "server/conn_transport.h"   /* ThriftTransport's autoptr */

G_BEGIN_DECLS

#define MS_TYPE_BYTES_TRANSPORT (ms_bytes_transport_get_type ())
G_DECLARE_FINAL_TYPE (MsBytesTransport, ms_bytes_transport, MS, BYTES_TRANSPORT, ThriftTransport)

/* An empty transport; reads fail. */
MsBytesTransport *ms_bytes_transport_new (void);
/* What was written so far (owned by the transport). */
GByteArray *ms_bytes_transport_bytes (MsBytesTransport *t);
/* The written bytes, taken: the transport starts empty again. Caller owns
 * the result. */
GByteArray *ms_bytes_transport_steal (MsBytesTransport *t);

/* A binary protocol writing into a new MsBytesTransport (its "transport";
 * the protocol holds the only reference). */
ThriftProtocol *ms_bytes_protocol_new (void);

G_END_DECLS
