/*
 * hmsbench.h: what the parts of hmsbench share: options, one client
 * connection, one worker thread, and the Spark-like table every benchmark
 * object is modelled on. hmsbench.c owns the runner and the database and
 * table operations; parts.c owns the partition operations.
 */
#pragma once
#include <glib.h>
#include <libpq-fe.h>
#include <thrift/c_glib/protocol/thrift_protocol.h>
#include <thrift/c_glib/transport/thrift_transport.h>
#include "thms_thrift_hive_metastore.h"

#define BENCH_DB "hmsbench"

typedef struct {
  const char *host;
  int port;
  int threads;
  int connections;
  gint64 count;
  double seconds;
  const char *pg;        /* libpq conninfo for the floors, or NULL */
  const char *part_root; /* where partitioned bench tables live */
  gboolean no_1m;        /* skip the 1,000,000-partition table */
  gboolean full_decode;  /* build partition replies as c_glib objects */
  int server_pid;        /* report this process's memory around each call, or 0 */
} Opts;

typedef struct {
  Opts *o;
  const char *op;
  int index;
  GArray *lat;          /* gdouble microseconds */
  gint64 errors;
  char *error_text;
  gint64 untimed_us;    /* spent between the timed calls */
  gpointer state;       /* per-operation state (parts.c), or NULL */
  ThmsTable *table;     /* renameTable: the table as fetched before the call */
} Worker;

/* One client connection over the server's own buffered transport. */
typedef struct {
  int fd;
  ThriftTransport *tr;
  ThriftProtocol *proto;
  ThmsThriftHiveMetastoreIf *client;
} Conn;

gboolean conn_open (Conn *c, Opts *o, GError **error);
void conn_close (Conn *c);

/* Fill a pre-allocated storage descriptor as Spark writes a Parquet table's
 * (5 columns, one SerDe); 'location' may be NULL. */
void bench_sd_fill (ThmsStorageDescriptor *sd, const char *location);
/* A new Spark-like Parquet table (caller unrefs). */
ThmsTable *bench_table_new (const char *db, const char *name);
/* create_table; any exception becomes 'error'. */
gboolean bench_create_table (Conn *c, ThmsTable *t, GError **error);
/* get_table_req of table 'name' of the bench database (what Hive 4's own
 * client sends; the Java metastore 4 no longer serves get_table): the table
 * into *out when 'out' is set (caller unrefs); *missing (when set) says
 * whether the failure was NoSuchObjectException. */
gboolean bench_get_table (Conn *c, const char *name, ThmsTable **out, gboolean *missing,
                          GError **error);

/* ---- partition operations (parts.c) ---- */

/* Is 'op' a partition operation or its floor? */
gboolean parts_is_op (const char *op);
/* Does 'op' need the 1,000,000-partition table? */
gboolean parts_needs_1m (const char *op);
/* The SQL a partition floor runs, or NULL when 'op' is not one. */
const char *parts_floor_sql (const char *op);
/* Create and fill the shared partitioned tables the operations in 'ops'
 * read; tables already holding their partitions are kept. */
gboolean parts_setup (Opts *o, const char *const *ops, GError **error);
/* Before an operation runs: fresh, empty per-thread tables for the
 * operations that add and drop partitions. */
gboolean parts_prepare_op (Opts *o, const char *op, GError **error);
/* Per-worker state (w->state); 'pg' is the floor's connection or NULL. */
gboolean parts_worker_init (Worker *w, PGconn *pg, GError **error);
void parts_worker_free (Worker *w);
/* Untimed work before and after call i, and the timed call itself. */
gboolean parts_before (Worker *w, Conn *c, PGconn *pg, guint64 i, GError **error);
gboolean parts_call (Worker *w, Conn *c, PGconn *pg, guint64 i, GError **error);
gboolean parts_after (Worker *w, Conn *c, PGconn *pg, guint64 i, GError **error);
