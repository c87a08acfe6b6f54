/*
 * hmsbench.c: load generator for the HMS Thrift API, modelled on Hive's
 * hmsbench operations, with the PostgreSQL floor measured the same way.
 *
 *   hmsbench --port 9083 [--host H] [--threads N] [--connections M]
 *            [--count K | --seconds S] [--pg CONNINFO]
 *            [--part-root URI] [--no-1m] [--full-decode] [--server-pid PID] [OPS...]
 *
 * OPS: floor ping getDatabase listDatabases createDropDatabase floorTable getTable
 * createTable dropTable renameTable listTables.1000 getTableObjectsByName.100
 * lockUnlock (default: these), getTableReq and getTableObjectsByNameReq.100
 * (the _req calls, which Hive 4's own client sends; the Java metastore 4
 * serves only these), and the partition operations of parts.c
 * (addPartitions.1000 ... getPartitions.100000) with their floors, which
 * run when named since they set up large tables. lockUnlock takes an EXCLUSIVE table lock and
 * releases it; each thread locks its own table, so calls never wait for
 * each other. The table operations work in database 'hmsbench', which is
 * set up first with 1000 tables (t_0 .. t_999); createTable creates
 * ct_<thread>_<i> and dropTable drops the same names, so run them in that
 * order with the same --count; renameTable renames a table of its own back
 * and forth, sending the table as get_table_req returned it (fetched
 * untimed before each call, as a client holds it).
 * Each thread owns connections (round-robin over M/N of them) and runs the
 * operation in a closed loop; per-call latencies are collected and printed
 * as median, p99 and throughput. 'floor' runs one indexed SELECT round trip
 * per call against --pg (the same database the server uses), which no
 * server on that database can beat; an operation's ratio is to its own
 * floor ('floor' + its capitalised name) when that ran, else to the last
 * of 'floor' and 'floorTable'. Work an operation needs between calls
 * (undoing an add, preparing a drop) runs outside the timed region.
 */
#include "hmsbench.h"
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/transport/thrift_buffered_transport.h>
#include <thrift/c_glib/transport/thrift_socket.h>
#include "server/conn_transport.h"
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

void thms_register_all_types (void); /* gen-c_glib/thms_types_init.c */

/* c_glib's own buffered transport issues one recv() per field it reads,
 * so a client built on it measures its own syscalls more than the server.
 * We use the server's connection transport instead (one read per buffer),
 * over a socket we connect ourselves. */
gboolean
conn_open (Conn *c, Opts *o, GError **error)
{
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *ai = NULL;
  g_autofree char *port = g_strdup_printf ("%d", o->port);
  c->fd = -1;
  if (getaddrinfo (o->host, port, &hints, &ai) != 0 || ai == NULL)
    {
      g_set_error (error, G_IO_ERROR, 0, "cannot resolve %s", o->host);
      return FALSE;
    }
  c->fd = socket (ai->ai_family, SOCK_STREAM, 0);
  if (c->fd < 0 || connect (c->fd, ai->ai_addr, ai->ai_addrlen) != 0)
    {
      g_set_error (error, G_IO_ERROR, 0, "cannot connect to %s:%d: %s", o->host, o->port,
                   g_strerror (errno));
      freeaddrinfo (ai);
      return FALSE;
    }
  freeaddrinfo (ai);
  int one = 1;
  setsockopt (c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl (c->fd, F_SETFL, fcntl (c->fd, F_GETFL) | O_NONBLOCK);
  MsConnLimits limits = { FALSE, 60000, 60000, G_GINT64_CONSTANT (1) << 40 };
  c->tr = THRIFT_TRANSPORT (ms_conn_transport_new (c->fd, &limits));
  c->proto = g_object_new (THRIFT_TYPE_BINARY_PROTOCOL, "transport", c->tr, NULL);
  c->client = g_object_new (THMS_TYPE_THRIFT_HIVE_METASTORE_CLIENT, "input_protocol", c->proto,
                            "output_protocol", c->proto, NULL);
  return TRUE;
}

void
conn_close (Conn *c)
{
  g_clear_object (&c->client);
  g_clear_object (&c->proto);
  g_clear_object (&c->tr);
  if (c->fd >= 0)
    close (c->fd);
  c->fd = -1;
}

#define BENCH_TABLES 1000

void
bench_sd_fill (ThmsStorageDescriptor *sd, const char *location)
{
  static const char *const cols[][2] = { { "id", "bigint" }, { "name", "string" },
                                         { "price", "decimal(10,2)" }, { "ts", "timestamp" },
                                         { "tags", "array<string>" } };
  for (guint i = 0; i < G_N_ELEMENTS (cols); i++)
    g_ptr_array_add (sd->cols, g_object_new (THMS_TYPE_FIELD_SCHEMA, "name", cols[i][0],
                                             "type", cols[i][1], "comment", "a column", NULL));
  sd->__isset_cols = TRUE;
  g_object_set (sd, "inputFormat", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "outputFormat", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat", NULL);
  if (location)
    g_object_set (sd, "location", location, NULL);
  g_object_set (sd->serdeInfo, "serializationLib",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", NULL);
  sd->__isset_serdeInfo = TRUE;
}

/* A Parquet table as Spark would create it: 5 columns, one SerDe. */
ThmsTable *
bench_table_new (const char *db, const char *name)
{
  ThmsTable *t = g_object_new (THMS_TYPE_TABLE, "tableName", name, "dbName", db, "owner",
                               "hmsbench", "tableType", "MANAGED_TABLE", NULL);
  bench_sd_fill (t->sd, NULL);
  t->__isset_sd = TRUE;
  g_hash_table_insert (t->parameters, g_strdup ("spark.sql.sources.provider"), g_strdup ("parquet"));
  t->__isset_parameters = TRUE;
  return t;
}

gboolean
bench_create_table (Conn *c, ThmsTable *t, GError **error)
{
  ThmsAlreadyExistsException *ae = NULL;
  ThmsInvalidObjectException *io = NULL;
  ThmsMetaException *meta = NULL;
  ThmsNoSuchObjectException *nso = NULL;
  gboolean ok = thms_thrift_hive_metastore_if_create_table (c->client, t, &ae, &io, &meta, &nso, error);
  if (!ok && (ae || io || meta || nso))
    {
      /* the generated client's error names only the exception's type */
      g_clear_error (error);
      g_set_error (error, G_IO_ERROR, 0, "create_table %s: %s", t->tableName,
                   ae ? "exists" : io ? io->message : meta ? meta->message : nso->message);
    }
  g_clear_object (&ae);
  g_clear_object (&io);
  g_clear_object (&meta);
  g_clear_object (&nso);
  return ok;
}

gboolean
bench_get_table (Conn *c, const char *name, ThmsTable **out, gboolean *missing, GError **error)
{
  ThmsGetTableRequest *rq = g_object_new (THMS_TYPE_GET_TABLE_REQUEST, "dbName", BENCH_DB,
                                          "tblName", name, NULL);
  ThmsGetTableResult *res = g_object_new (THMS_TYPE_GET_TABLE_RESULT, NULL);
  ThmsMetaException *meta = NULL;
  ThmsNoSuchObjectException *nso = NULL;
  gboolean ok = thms_thrift_hive_metastore_if_get_table_req (c->client, &res, rq, &meta, &nso, error);
  if (missing)
    *missing = nso != NULL;
  if (ok && out)
    *out = g_object_ref (res->table);
  if (!ok && (meta || nso))
    {
      g_clear_error (error);
      g_set_error (error, G_IO_ERROR, 0, "get_table_req %s: %s", name,
                   meta ? meta->message : nso->message);
    }
  g_clear_object (&meta);
  g_clear_object (&nso);
  g_object_unref (res);
  g_object_unref (rq);
  return ok;
}

/* create_table of a Spark-like table 'name' in 'db'. */
static gboolean
create_named_table (Conn *c, const char *db, const char *name, GError **error)
{
  ThmsTable *t = bench_table_new (db, name);
  gboolean ok = bench_create_table (c, t, error);
  g_object_unref (t);
  return ok;
}

/* The 'hmsbench' database with BENCH_TABLES tables and one table per
 * thread for renames and locks; idempotent. */
static gboolean
bench_setup (Opts *o, GError **error)
{
  Conn c = { 0 };
  if (!conn_open (&c, o, error))
    return FALSE;
  ThmsDatabase *db = g_object_new (THMS_TYPE_DATABASE, "name", BENCH_DB, NULL);
  ThmsAlreadyExistsException *ae = NULL;
  ThmsInvalidObjectException *io = NULL;
  ThmsMetaException *meta = NULL;
  thms_thrift_hive_metastore_if_create_database (c.client, db, &ae, &io, &meta, NULL);
  gboolean fresh = ae == NULL;
  g_object_unref (db);
  g_clear_object (&ae);
  g_clear_object (&io);
  g_clear_object (&meta);
  gboolean ok = TRUE;
  for (int i = 0; fresh && ok && i < BENCH_TABLES; i++)
    {
      g_autofree char *name = g_strdup_printf ("t_%d", i);
      ok = create_named_table (&c, BENCH_DB, name, error);
    }
  for (int i = 0; fresh && ok && i < 256; i++)
    {
      g_autofree char *name = g_strdup_printf ("rn_%d_a", i);
      ok = create_named_table (&c, BENCH_DB, name, error);
    }
  conn_close (&c);
  /* what autovacuum does within a minute of the inserts: fresh planner
   * statistics, so the run measures the steady state */
  if (ok && fresh && o->pg != NULL)
    {
      PGconn *pg = PQconnectdb (o->pg);
      PQclear (PQexec (pg, "ANALYZE"));
      PQfinish (pg);
    }
  return ok;
}

/* renameTable of call i renames rn_<thread>_a to _b, then back: the name
 * it renames to ('to') or from. */
static char *
rename_name (Worker *w, guint64 i, gboolean to)
{
  return g_strdup_printf ("rn_%d_%c", w->index, ((i % 2) != 0) == to ? 'a' : 'b');
}

/* 100 tables of the bench database by name, through
 * get_table_objects_by_name or (req) its _req variant. */
static gboolean
tables_by_name (Conn *c, guint64 i, gboolean req, GError **error)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  for (int k = 0; k < 100; k++)
    g_ptr_array_add (names, g_strdup_printf ("t_%" G_GUINT64_FORMAT, (i * 100 + k) % BENCH_TABLES));
  GPtrArray *tables = NULL;
  gboolean ok;
  if (req)
    {
      ThmsGetTablesRequest *rq = g_object_new (THMS_TYPE_GET_TABLES_REQUEST, "dbName", BENCH_DB, NULL);
      g_ptr_array_extend_and_steal (rq->tblNames, g_ptr_array_ref (names));
      rq->__isset_tblNames = TRUE;
      ThmsGetTablesResult *res = g_object_new (THMS_TYPE_GET_TABLES_RESULT, NULL);
      ThmsMetaException *meta = NULL;
      ThmsInvalidOperationException *iop = NULL;
      ThmsUnknownDBException *udb = NULL;
      ok = thms_thrift_hive_metastore_if_get_table_objects_by_name_req (c->client, &res, rq, &meta,
                                                                       &iop, &udb, error);
      tables = g_ptr_array_ref (res->tables);
      g_clear_object (&meta);
      g_clear_object (&iop);
      g_clear_object (&udb);
      g_object_unref (res);
      g_object_unref (rq);
    }
  else
    {
      tables = g_ptr_array_new_with_free_func (g_object_unref);
      ok = thms_thrift_hive_metastore_if_get_table_objects_by_name (c->client, &tables, BENCH_DB,
                                                                   names, error);
    }
  if (ok && tables->len != 100)
    {
      g_set_error (error, G_IO_ERROR, 0, "getTableObjectsByName: %u tables", tables->len);
      ok = FALSE;
    }
  g_ptr_array_unref (tables);
  g_ptr_array_unref (names);
  return ok;
}

static gboolean
one_table_call (Worker *w, Conn *c, guint64 i, GError **error)
{
  const char *op = w->op;
  ThmsNoSuchObjectException *nso = NULL;
  ThmsMetaException *meta = NULL;
  ThmsInvalidOperationException *iop = NULL;
  gboolean ok = FALSE;
  if (g_str_equal (op, "getTable"))
    {
      g_autofree char *name = g_strdup_printf ("t_%" G_GUINT64_FORMAT, i % BENCH_TABLES);
      ThmsTable *t = g_object_new (THMS_TYPE_TABLE, NULL);
      ok = thms_thrift_hive_metastore_if_get_table (c->client, &t, BENCH_DB, name, &meta, &nso, error);
      g_object_unref (t);
    }
  else if (g_str_equal (op, "createTable"))
    {
      g_autofree char *name = g_strdup_printf ("ct_%d_%" G_GUINT64_FORMAT, w->index, i);
      ok = create_named_table (c, BENCH_DB, name, error);
    }
  else if (g_str_equal (op, "dropTable"))
    {
      g_autofree char *name = g_strdup_printf ("ct_%d_%" G_GUINT64_FORMAT, w->index, i);
      ok = thms_thrift_hive_metastore_if_drop_table (c->client, BENCH_DB, name, TRUE, &nso, &meta,
                                                     error);
    }
  else if (g_str_equal (op, "getTableReq"))
    {
      g_autofree char *name = g_strdup_printf ("t_%" G_GUINT64_FORMAT, i % BENCH_TABLES);
      ok = bench_get_table (c, name, NULL, NULL, error);
    }
  else if (g_str_equal (op, "renameTable"))
    {
      /* the table as the client fetched it (call_before), renamed */
      g_autofree char *from = rename_name (w, i, FALSE), *to = rename_name (w, i, TRUE);
      g_object_set (w->table, "tableName", to, NULL);
      ok = thms_thrift_hive_metastore_if_alter_table (c->client, BENCH_DB, from, w->table, &iop,
                                                      &meta, error);
    }
  else if (g_str_equal (op, "listTables.1000"))
    {
      GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
      ok = thms_thrift_hive_metastore_if_get_all_tables (c->client, &names, BENCH_DB, &meta, error);
      if (ok && names->len < BENCH_TABLES)
        {
          g_set_error (error, G_IO_ERROR, 0, "listTables: only %u tables", names->len);
          ok = FALSE;
        }
      g_ptr_array_unref (names);
    }
  else if (g_str_has_prefix (op, "getTableObjectsByName"))
    ok = tables_by_name (c, i, g_str_has_suffix (op, "Req.100"), error);
  else
    g_set_error (error, G_IO_ERROR, 0, "unknown operation %s", op);
  if (!ok && error && *error == NULL)
    g_set_error (error, G_IO_ERROR, 0, "%s answered an exception%s%s", op, meta ? ": " : "",
                 meta ? meta->message : iop ? iop->message : "");
  g_clear_object (&nso);
  g_clear_object (&meta);
  g_clear_object (&iop);
  return ok;
}

/* 'floor', 'floorTable' and the partition floors ('floorGetPartitions.1000') */
static gboolean
is_floor (const char *op)
{
  return g_str_has_prefix (op, "floor") && (op[5] == '\0' || g_ascii_isupper (op[5]));
}

static gboolean
one_call (Worker *w, Conn *c, PGconn *pg, guint64 i, GError **error)
{
  const char *op = w->op;
  if (w->state != NULL)
    return parts_call (w, c, pg, i, error);
  if (is_floor (op))
    {
      g_autofree char *tname = g_strdup_printf ("t_%" G_GUINT64_FORMAT, i % BENCH_TABLES);
      const char *v[] = { g_str_equal (op, "floor") ? "default" : tname };
      PGresult *r = PQexecPrepared (pg, op, 1, v, NULL, NULL, 0);
      gboolean ok = PQresultStatus (r) == PGRES_TUPLES_OK && PQntuples (r) == 1;
      if (!ok)
        g_set_error (error, G_IO_ERROR, 0, "floor: %s", PQerrorMessage (pg));
      PQclear (r);
      return ok;
    }
  if (g_str_equal (op, "ping"))
    {
      /* fb303 getVersion: the Thrift round trip without PostgreSQL */
      gchar *v = NULL;
      gboolean ok = thms_facebook_service_if_get_version (THMS_FACEBOOK_SERVICE_IF (c->client), &v,
                                                          error);
      g_free (v);
      return ok;
    }
  if (!g_str_equal (op, "getDatabase") && !g_str_equal (op, "listDatabases")
      && !g_str_equal (op, "createDropDatabase") && !g_str_equal (op, "lockUnlock"))
    return one_table_call (w, c, i, error);
  ThmsNoSuchObjectException *nso = NULL;
  ThmsMetaException *meta = NULL;
  gboolean ok = FALSE;
  if (g_str_equal (op, "getDatabase"))
    {
      ThmsDatabase *db = g_object_new (THMS_TYPE_DATABASE, NULL);
      ok = thms_thrift_hive_metastore_if_get_database (c->client, &db, "default", &nso, &meta, error);
      g_object_unref (db);
    }
  else if (g_str_equal (op, "listDatabases"))
    {
      GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
      ok = thms_thrift_hive_metastore_if_get_all_databases (c->client, &names, &meta, error);
      g_ptr_array_unref (names);
    }
  else if (g_str_equal (op, "createDropDatabase"))
    {
      g_autofree char *name = g_strdup_printf ("bench_%d_%" G_GUINT64_FORMAT, w->index, i);
      ThmsDatabase *db = g_object_new (THMS_TYPE_DATABASE, "name", name, NULL);
      ThmsAlreadyExistsException *ae = NULL;
      ThmsInvalidObjectException *io = NULL;
      ThmsInvalidOperationException *iop = NULL;
      ok = thms_thrift_hive_metastore_if_create_database (c->client, db, &ae, &io, &meta, error)
           && thms_thrift_hive_metastore_if_drop_database (c->client, name, TRUE, TRUE, &nso, &iop,
                                                           &meta, error);
      g_object_unref (db);
      g_clear_object (&ae);
      g_clear_object (&io);
      g_clear_object (&iop);
    }
  else if (g_str_equal (op, "lockUnlock"))
    {
      g_autofree char *table = g_strdup_printf ("bench_lock_%d", w->index);
      ThmsLockComponent *lc = g_object_new (THMS_TYPE_LOCK_COMPONENT,
                                            "type", THMS_LOCK_TYPE_EXCLUSIVE,
                                            "level", THMS_LOCK_LEVEL_TABLE, "dbname", "default",
                                            "tablename", table, NULL);
      ThmsLockRequest *rq = g_object_new (THMS_TYPE_LOCK_REQUEST, "user", "hmsbench",
                                          "hostname", "localhost", NULL);
      g_ptr_array_add (rq->component, lc);
      ThmsLockResponse *resp = g_object_new (THMS_TYPE_LOCK_RESPONSE, NULL);
      ThmsNoSuchTxnException *nst = NULL;
      ThmsTxnAbortedException *abt = NULL;
      ThmsNoSuchLockException *nsl = NULL;
      ThmsTxnOpenException *top = NULL;
      ok = thms_thrift_hive_metastore_if_lock (c->client, &resp, rq, &nst, &abt, error);
      if (ok && resp->state != THMS_LOCK_STATE_ACQUIRED)
        {
          g_set_error (error, G_IO_ERROR, 0, "lockUnlock: lock %" G_GINT64_FORMAT " is waiting",
                       resp->lockid);
          ok = FALSE;
        }
      if (ok)
        {
          ThmsUnlockRequest *ur = g_object_new (THMS_TYPE_UNLOCK_REQUEST, "lockid", resp->lockid,
                                                NULL);
          ok = thms_thrift_hive_metastore_if_unlock (c->client, ur, &nsl, &top, error);
          g_object_unref (ur);
        }
      g_object_unref (rq);
      g_object_unref (resp);
      g_clear_object (&nst);
      g_clear_object (&abt);
      g_clear_object (&nsl);
      g_clear_object (&top);
    }
  if (!ok && error && *error == NULL)
    g_set_error (error, G_IO_ERROR, 0, "%s answered an exception", op);
  g_clear_object (&nso);
  g_clear_object (&meta);
  return ok;
}

/* Untimed work before call i: the partition operations' own; for
 * renameTable, the table fetched as a client holds it before renaming it
 * (the Java metastore needs the table's location in a rename). */
static gboolean
call_before (Worker *w, Conn *c, PGconn *pg, guint64 i, GError **error)
{
  if (w->state != NULL)
    return parts_before (w, c, pg, i, error);
  if (!g_str_equal (w->op, "renameTable"))
    return TRUE;
  g_autofree char *from = rename_name (w, i, FALSE);
  g_clear_object (&w->table);
  return bench_get_table (c, from, &w->table, NULL, error);
}

static gpointer
run_worker (gpointer data)
{
  Worker *w = data;
  Opts *o = w->o;
  int nconn = MAX (1, o->connections / o->threads + (w->index < o->connections % o->threads));
  Conn *conns = g_new0 (Conn, nconn);
  PGconn *pg = NULL;
  GError *err = NULL;
  if (is_floor (w->op))
    {
      pg = PQconnectdb (o->pg);
      if (PQstatus (pg) != CONNECTION_OK)
        w->error_text = g_strdup (PQerrorMessage (pg));
    }
  else
    for (int i = 0; i < nconn; i++)
      if (!conn_open (&conns[i], o, &err))
        {
          w->error_text = g_strdup (err->message);
          g_clear_error (&err);
          break;
        }
  if (w->error_text == NULL && parts_is_op (w->op))
    {
      if (!parts_worker_init (w, pg, &err))
        {
          w->error_text = g_strdup (err->message);
          g_clear_error (&err);
        }
    }
  else if (w->error_text == NULL && is_floor (w->op))
    {
      /* the one indexed SELECT each get_* needs: the database row, or the
       * whole table row joined with its database and catalog */
      PGresult *r = PQprepare (pg, w->op, g_str_equal (w->op, "floor") ?
                               "SELECT d.name, d.description, d.location_uri, d.params FROM ms_databases d "
                               "JOIN ms_catalogs c ON c.cat_id = d.cat_id WHERE c.name = 'hive' AND d.name = $1"
                               : "SELECT t.* FROM ms_tables t JOIN ms_databases d ON d.db_id = t.db_id "
                               "JOIN ms_catalogs c ON c.cat_id = d.cat_id "
                               "WHERE c.name = 'hive' AND d.name = '" BENCH_DB "' AND t.name = $1",
                               1, NULL);
      if (PQresultStatus (r) != PGRES_COMMAND_OK)
        w->error_text = g_strdup (PQerrorMessage (pg));
      PQclear (r);
    }
  gint64 per_thread = o->count > 0 ? (o->count + o->threads - 1) / o->threads : G_MAXINT64;
  gint64 deadline = o->seconds > 0 ? g_get_monotonic_time () + (gint64) (o->seconds * 1e6) : G_MAXINT64;
  for (gint64 i = 0; w->error_text == NULL && i < per_thread; i++)
    {
      if (g_get_monotonic_time () > deadline)
        break;
      Conn *c = &conns[i % nconn];
      /* untimed: what the call needs beforehand, and undoing it after */
      gint64 u0 = g_get_monotonic_time ();
      gboolean ok = call_before (w, c, pg, (guint64) i, &err);
      gint64 t0 = g_get_monotonic_time ();
      ok = ok && one_call (w, c, pg, (guint64) i, &err);
      gint64 t1 = g_get_monotonic_time ();
      ok = ok && (w->state == NULL || parts_after (w, c, pg, (guint64) i, &err));
      gdouble us = (gdouble) (t1 - t0);
      w->untimed_us += (t0 - u0) + (g_get_monotonic_time () - t1);
      if (!ok)
        {
          w->errors++;
          if (w->errors == 1)
            w->error_text = g_strdup (err ? err->message : "error");
          g_clear_error (&err);
          break;
        }
      g_array_append_val (w->lat, us);
    }
  parts_worker_free (w);
  g_clear_object (&w->table);
  for (int i = 0; i < nconn; i++)
    conn_close (&conns[i]);
  g_free (conns);
  if (pg)
    PQfinish (pg);
  return NULL;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;
  return (x > y) - (x < y);
}

static int
run_op (Opts *o, const char *op, double *median_out)
{
  Worker *ws = g_new0 (Worker, o->threads);
  GThread **ts = g_new0 (GThread *, o->threads);
  gint64 t0 = g_get_monotonic_time ();
  for (int i = 0; i < o->threads; i++)
    {
      ws[i] = (Worker) { .o = o, .op = op, .index = i, .lat = g_array_new (FALSE, FALSE, sizeof (gdouble)) };
      ts[i] = g_thread_new ("bench", run_worker, &ws[i]);
    }
  GArray *all = g_array_new (FALSE, FALSE, sizeof (gdouble));
  int rc = 0;
  gint64 untimed = 0;
  for (int i = 0; i < o->threads; i++)
    {
      g_thread_join (ts[i]);
      g_array_append_vals (all, ws[i].lat->data, ws[i].lat->len);
      untimed += ws[i].untimed_us;
      if (ws[i].error_text)
        {
          fprintf (stderr, "%s: thread %d: %s\n", op, i, ws[i].error_text);
          rc = 1;
        }
      g_array_unref (ws[i].lat);
      g_free (ws[i].error_text);
    }
  /* throughput of the timed calls: without the untimed work between them */
  double wall = (double) (g_get_monotonic_time () - t0 - untimed / o->threads) / 1e6;
  g_array_sort (all, cmp_double);
  double med = 0, p99 = 0;
  if (all->len > 0)
    {
      med = g_array_index (all, gdouble, all->len / 2);
      p99 = g_array_index (all, gdouble, MIN (all->len - 1, (guint) (all->len * 0.99)));
    }
  double rate = all->len / wall;
  /* one decimal for the slow operations (a few calls a second) */
  printf ("%-31s threads=%-3d conns=%-4d calls=%-8u median=%9.1fus p99=%9.1fus ops/s=%10.*f\n", op,
          o->threads, is_floor (op) ? o->threads : o->connections, all->len, med, p99,
          rate < 100 ? 1 : 0, rate);
  fflush (stdout);
  if (median_out)
    *median_out = med;
  g_array_unref (all);
  g_free (ws);
  g_free (ts);
  return rc;
}

/* VmRSS and VmHWM (peak RSS) of process 'pid' in kB; FALSE if unreadable. */
static gboolean
proc_memory (int pid, gint64 *rss, gint64 *hwm)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  const char *r = strstr (text, "\nVmRSS:"), *h = strstr (text, "\nVmHWM:");
  if (r == NULL || h == NULL)
    return FALSE;
  *rss = g_ascii_strtoll (r + 7, NULL, 10);
  *hwm = g_ascii_strtoll (h + 7, NULL, 10);
  return TRUE;
}

/* Reset the peak RSS of 'pid' to its current RSS (Linux clear_refs 5). */
static gboolean
proc_reset_peak (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/clear_refs", pid);
  FILE *f = fopen (path, "w"); /* not g_file_set_contents: /proc takes no renames */
  if (f == NULL)
    return FALSE;
  gboolean ok = fputs ("5", f) >= 0;
  return fclose (f) == 0 && ok;
}

/* run_op, reporting the server's memory around it when --server-pid is set. */
static int
run_op_watched (Opts *o, const char *op, double *median_out)
{
  gint64 rss0 = 0, hwm0 = 0, rss1 = 0, hwm1 = 0;
  if (o->server_pid <= 0 || is_floor (op) || !proc_memory (o->server_pid, &rss0, &hwm0))
    return run_op (o, op, median_out);
  gboolean reset = proc_reset_peak (o->server_pid);
  int rc = run_op (o, op, median_out);
  if (proc_memory (o->server_pid, &rss1, &hwm1))
    printf ("%-31s server RSS before %.1f MB (peak so far %.1f MB); %s %.1f MB; RSS after %.1f MB\n",
            op, rss0 / 1024.0, hwm0 / 1024.0, reset ? "peak during the calls" : "peak after",
            hwm1 / 1024.0, rss1 / 1024.0);
  return rc;
}

int
main (int argc, char **argv)
{
  thms_register_all_types (); /* generated get_type()s race across threads */
  Opts o = { "127.0.0.1", 9083, 1, 0, 0, 0, NULL, "s3a://hmsbench/warehouse", FALSE, FALSE, 0 };
  g_autofree char *host = NULL;
  g_autofree char *pg = NULL;
  g_autofree char *part_root = NULL;
  GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "server host", "H" },
    { "port", 0, 0, G_OPTION_ARG_INT, &o.port, "server port", "P" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &o.threads, "client threads", "N" },
    { "connections", 'c', 0, G_OPTION_ARG_INT, &o.connections, "connections (default: threads)", "M" },
    { "count", 'n', 0, G_OPTION_ARG_INT64, &o.count, "calls per operation", "K" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &o.seconds, "duration per operation", "S" },
    { "pg", 0, 0, G_OPTION_ARG_STRING, &pg, "libpq conninfo for the floor", "CONNINFO" },
    { "part-root", 0, 0, G_OPTION_ARG_STRING, &part_root,
      "root of partitioned tables' locations (default s3a://hmsbench/warehouse)", "URI" },
    { "no-1m", 0, 0, G_OPTION_ARG_NONE, &o.no_1m,
      "skip the operations on the 1,000,000-partition table (and its slow setup)", NULL },
    { "full-decode", 0, 0, G_OPTION_ARG_NONE, &o.full_decode,
      "build 1,000-partition replies as c_glib objects instead of counting and skipping them", NULL },
    { "server-pid", 0, 0, G_OPTION_ARG_INT, &o.server_pid,
      "report this (local) server process's RSS and peak RSS around each operation", "PID" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[OPS...]");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) err = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &err))
    {
      fprintf (stderr, "hmsbench: %s\n", err->message);
      return 2;
    }
  if (host)
    o.host = host;
  o.pg = pg;
  if (part_root)
    o.part_root = part_root;
  if (o.threads < 1)
    o.threads = 1;
  if (o.connections < o.threads)
    o.connections = o.threads;
  if (o.count <= 0 && o.seconds <= 0)
    o.count = 10000;
  const char *defaults[] = { "floor", "ping", "getDatabase", "listDatabases", "createDropDatabase",
                             "floorTable", "getTable", "createTable", "dropTable", "renameTable",
                             "listTables.1000", "getTableObjectsByName.100", "lockUnlock", NULL };
  const char **ops = argc > 1 ? (const char **) argv + 1 : defaults;
  if (!bench_setup (&o, &err) || !parts_setup (&o, ops, &err))
    {
      fprintf (stderr, "hmsbench: setup: %s\n", err->message);
      return 1;
    }
  int rc = 0;
  double floor_med = 0, med = 0;
  /* medians of the operation-specific floors, by floor name */
  g_autoptr (GHashTable) floors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (const char **op = ops; *op; op++)
    {
      if (is_floor (*op) && o.pg == NULL)
        continue;
      if (o.no_1m && parts_needs_1m (*op))
        continue;
      if (!parts_prepare_op (&o, *op, &err))
        {
          fprintf (stderr, "%s: setup: %s\n", *op, err->message);
          g_clear_error (&err);
          rc = 1;
          continue;
        }
      rc |= run_op_watched (&o, *op, &med);
      if (parts_is_op (*op) && is_floor (*op))
        g_hash_table_insert (floors, g_strdup (*op), g_memdup2 (&med, sizeof med));
      else if (is_floor (*op))
        floor_med = med;
      else
        {
          g_autofree char *own = g_strdup_printf ("floor%c%s", g_ascii_toupper ((*op)[0]), *op + 1);
          double *f = g_hash_table_lookup (floors, own);
          double base = f ? *f : floor_med;
          if (base > 0)
            printf ("%-31s ratio to %s (median) = %.2f\n", *op, f ? own : "floor", med / base);
        }
    }
  return rc;
}
