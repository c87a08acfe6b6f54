/*
 * method.h: how the HMS door serves a method. One row per IDL method,
 * generated at build time (thrift/gen-method-table.sh) from the IDL and
 * metastore/hms/methods.list, names the generated args and result types,
 * the declared exceptions with their result slots, and the family function
 * that serves it. A family function sees the call (HmsCall), reads its
 * arguments by their IDL names, fills the result, and on failure only
 * returns FALSE with a GError: the door turns it into the declared
 * exception that fits (hms_fail), the same way for every method, fast
 * paths included.
 */
#pragma once
#include "hms/hms.h"
#include <thrift/c_glib/protocol/thrift_protocol.h>

/* A declared exception: the result struct's field, its id, its type. */
typedef struct {
  const char *field;
  gint16 id;
  GType (*type) (void);
} HmsThrows;

/* Whether a method's result lists databases, which the door then filters
 * to those the caller may read (hms/access.list "lists:..."). */
typedef enum {
  HMS_LISTS_NONE,
  HMS_LISTS_NAMES,               /* list<string> of database names */
  HMS_LISTS_OBJECTS,             /* list of structs with dbName (and catName) */
} HmsLists;

typedef struct _HmsCall HmsCall;
typedef gboolean (*HmsServeFn) (HmsCall *call, GError **error);

typedef struct {
  const char *name;
  GType (*args_type) (void);
  GType (*result_type) (void);   /* NULL for a oneway method */
  HmsServeFn serve;
  gboolean wire;                 /* serve writes its own reply (a fast path) */
  const HmsThrows *throws;
  guint n_throws;
  MsCallClass access;            /* what it does (hms/access.list) */
  gboolean name_is_database;     /* its "name" fields name a database */
  HmsLists lists;                /* its result lists databases (filtered) */
} HmsMethod;

/* The call being served. */
struct _HmsCall {
  MsHms *hms;
  const HmsMethod *method;
  GObject *args;                 /* the generated <method>_args, read */
  GObject *result;               /* the generated <method>_result; NULL when oneway */
  ThriftProtocol *protocol;      /* where a wire method writes its reply */
  gint32 seqid;
  gboolean replied;              /* a wire method began writing its reply */
  GValue success;                /* the result's "success" while serving */
  GArray *held;                  /* GValues behind the borrowed arguments */
};

extern const HmsMethod hms_method_table[];
extern const guint hms_method_count;

/* The row of 'name', NULL for a name the IDL does not declare. */
const HmsMethod *hms_method_find (const char *name);

/* Read the arguments of 'm' from 'p', serve it and write its reply. FALSE
 * only when the connection cannot go on (reading or writing failed). */
gboolean hms_method_dispatch (MsHms *hms, const HmsMethod *m, ThriftProtocol *p, gint32 seqid,
                              GError **error);

/* Arguments by their IDL parameter names, borrowed for the call; NULL,
 * FALSE or 0 when this method has no such parameter (variants of a method
 * share one family function). An object argument is a Thrift struct, a
 * GPtrArray (list) or a GHashTable (map, set). */
const char *hms_arg_str (HmsCall *call, const char *name);
gpointer hms_arg_obj (HmsCall *call, const char *name);
gboolean hms_arg_bool (HmsCall *call, const char *name);
gint64 hms_arg_int (HmsCall *call, const char *name);
/* Whether this method has the parameter 'name'. */
gboolean hms_arg_has (HmsCall *call, const char *name);

/* The result: an object-typed success (struct, list or map) is created
 * empty by the result struct and filled in place; a scalar is set. */
gpointer hms_result_obj (HmsCall *call);
void hms_result_set_str (HmsCall *call, const char *value);
void hms_result_set_bool (HmsCall *call, gboolean value);
void hms_result_set_int (HmsCall *call, gint64 value);
/* The type of the result's success value (G_TYPE_NONE for void). */
GType hms_result_success_type (HmsCall *call);

/* May the client of the current connection make 'call' (hms/access.c)?
 * FALSE with MS_ERROR_NOT_ALLOWED naming who it is and what it may do. */
gboolean hms_access_check (HmsCall *call, GError **error);

/* After a call whose result lists databases (m->lists): keep only those
 * the caller may read, as the Java metastore's filter hook does. */
void hms_access_filter (HmsCall *call);

/* The exception to answer 'err' (consumed) with: the index into
 * m->throws of the declared exception that fits its code best, -1 when
 * none fits (a TApplicationException then). Notes the exception for the
 * metrics and logs the failure. */
int hms_method_choose (const HmsMethod *m, const GError *err);
/* Put the declared exception that fits 'err' into 'result' ('m''s result
 * struct). FALSE when none fits: the caller answers a
 * TApplicationException. */
gboolean hms_fail (const HmsMethod *m, GObject *result, const GError *err);
/* The type of the TApplicationException answering 'err' when no declared
 * exception does (hms_fail FALSE): UNKNOWN_METHOD for MS_ERROR_NOT_SERVED,
 * INTERNAL_ERROR for everything else. */
int hms_error_app_type (const GError *err);
