/*
 * thrift_json.h: Thrift objects in TJSONProtocol's text (write only); see
 * thrift_json.c.
 */
#pragma once
#include <glib-object.h>
#include <thrift/c_glib/protocol/thrift_protocol.h>
#include <thrift/c_glib/thrift_struct.h>

typedef struct _HmsThriftJson HmsThriftJson;
typedef struct {
  ThriftProtocolClass parent;
} HmsThriftJsonClass;
GType hms_thrift_json_get_type (void);
#define HMS_TYPE_THRIFT_JSON (hms_thrift_json_get_type ())

/* 'obj' as TJSONProtocol writes it (caller frees), or NULL with 'error'. */
char *hms_thrift_json_write (ThriftStruct *obj, GError **error);
/* What 'write' writes for 'data' on the protocol, as TJSONProtocol text
 * (caller frees), or NULL with 'error': for writers that drive the
 * protocol's primitives straight from the model (wire.h), building no
 * generated objects. */
typedef gboolean (*HmsThriftJsonWriter) (ThriftProtocol *protocol, gconstpointer data,
                                         GError **error);
char *hms_thrift_json_write_with (HmsThriftJsonWriter write, gconstpointer data, GError **error);

/* One protocol for many objects in a row (the partitions of one event). */
HmsThriftJson *hms_thrift_json_new (void);
/* The calling thread's own protocol, made on its first use and kept until
 * the thread ends (not to be unreferenced): a message of one table need
 * not pay for a GObject's construction. Use it for one run at a time. */
HmsThriftJson *hms_thrift_json_for_thread (void);
/* What 'write' writes for 'data' as TJSONProtocol text, appended to 'into'
 * as the inside of a JSON string (escaped as ms_json_out_escape escapes):
 * an object embedded in a message is written once, not written and then
 * escaped. FALSE with 'error' (what was appended is then garbage). */
gboolean hms_thrift_json_run_into (HmsThriftJson *j, GString *into, HmsThriftJsonWriter write,
                                   gconstpointer data, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HmsThriftJson, g_object_unref)
