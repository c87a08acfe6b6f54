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
