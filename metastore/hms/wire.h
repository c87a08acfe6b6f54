/*
 * wire.h: writing Thrift replies straight from the model with the
 * protocol's primitives, in the field order and with the presence rules of
 * the generated c_glib writers, so hot reads skip building GObjects.
 * Used by table_wire.c and partition_wire.c.
 */
#pragma once
#include "hms/internal.h"
#include "model/table.h"

/* A writer that stops at the first error. */
typedef struct {
  ThriftProtocol *p;
  GError **error;
  gboolean ok;
} Wire;

#define W_DO(call)                                                                                 \
  do                                                                                               \
    {                                                                                              \
      if (w->ok && (call) < 0)                                                                     \
        w->ok = FALSE;                                                                             \
    }                                                                                              \
  while (0)

/* Field, struct and container primitives; they do nothing once a write
 * failed. */
void hms_wire_field_begin (Wire *w, const char *name, ThriftType type, gint16 id);
void hms_wire_field_end (Wire *w);
void hms_wire_string_field (Wire *w, const char *name, gint16 id, const char *value);
void hms_wire_i32_field (Wire *w, const char *name, gint16 id, gint32 value);
void hms_wire_i64_field (Wire *w, const char *name, gint16 id, gint64 value);
void hms_wire_bool_field (Wire *w, const char *name, gint16 id, gboolean value);
void hms_wire_struct_begin (Wire *w, const char *name);
void hms_wire_struct_end (Wire *w);
void hms_wire_string_list (Wire *w, GPtrArray *list);
/* A map<string,string>, list<string> or list<FieldSchema> field (NULL:
 * empty). */
void hms_wire_string_map_field (Wire *w, const char *name, gint16 id, GHashTable *map);
void hms_wire_string_list_field (Wire *w, const char *name, gint16 id, GPtrArray *list);
void hms_wire_columns_field (Wire *w, const char *name, gint16 id, GPtrArray *cols);
/* Model structs as the generated writers write their Thrift forms. */
void hms_wire_field_schema (Wire *w, const MsColumn *c);
void hms_wire_serde (Wire *w, const MsSerDe *s);
void hms_wire_skewed (Wire *w, const MsSkewed *s);
void hms_wire_storage_descriptor (Wire *w, const MsStorageDescriptor *sd);
/* A struct's fields as data: entry i writes one field from the model
 * member at 'offset', in table order (the generated writer's). */
typedef enum {
  WIRE_STR,          /* char *: no field when NULL */
  WIRE_STR_ALWAYS,   /* char *: "" when NULL */
  WIRE_I32,          /* int or enum: 0 becomes 'dflt' */
  WIRE_I64,          /* gint64 */
  WIRE_BOOL,         /* gboolean */
  WIRE_MAP,          /* GHashTable of strings */
  WIRE_COLUMNS,      /* GPtrArray of MsColumn */
  WIRE_SD,           /* MsStorageDescriptor * (a struct field) */
} WireKind;

typedef struct {
  const char *name;
  gint16 id;
  WireKind kind;
  glong offset;
  int dflt;
} WireField;

#define WIRE_FIELD(name, id, kind, type, member) \
  { (name), (id), (kind), G_STRUCT_OFFSET (type, member), 0 }
void hms_wire_fields (Wire *w, gconstpointer obj, const WireField *fields, gsize n);
/* A Partition with any protocol, as the generated writer writes
 * hms_partition_to_thrift (p) (partition_wire.c's byte encoder is the
 * binary protocol's fast twin). */
void hms_wire_partition (Wire *w, const MsPartition *p);
/* End the message and flush the transport. */
gboolean hms_wire_reply_end (ThriftProtocol *p, GError **error);
/* An undeclared failure: a TApplicationException of 'type', as the
 * generated processor sends. */
gboolean hms_wire_reply_app_exception (ThriftProtocol *p, const char *method, gint32 seqid,
                                       int type, const char *message, GError **error);
/* Read a call's arguments with the generated reader and end the message. */
gboolean hms_wire_read_args (ThriftProtocol *p, ThriftStruct *args, GError **error);
