/*
 * parts.c: hmsbench's partition operations, named as in Hive's hmsbench,
 * and the PostgreSQL floor of each.
 *
 *   addPartitions.1000          one add_partitions call with 1,000 partitions
 *   dropPartitions.1000         drop_partitions_req of those 1,000 by name
 *   getPartitions.1000          get_partitions (max_parts -1) of parts1k
 *   getPartitionNames.1000      get_partition_names of parts1k
 *   getPartitionsByNames.1000   get_partitions_by_names, all 1,000 of parts1k
 *   getPartitionsByFilter.1000  get_partitions_by_filter ds = "<day>" on
 *                               parts1m: 1,000 of 1,000,000
 *   getPartitions.100000        get_partitions of parts100k in one reply
 *                               (the streaming test; --server-pid reports
 *                               the server's peak RSS around it)
 *
 * Replies listing partitions are read lean: the list is counted and its
 * elements skipped through the protocol, as cheaply as libpq reads the
 * floor's rows, so the time is the server's. Building them as c_glib
 * objects costs this client more than the server spends (~16 ms per 1,000
 * partitions; ~2 s and ~900 MB for 100,000); --full-decode does that for
 * the 1,000-partition reads.
 *
 * 'floor' + the capitalised name (floorGetPartitions.1000, ...) runs the one
 * statement a perfect server would send to PostgreSQL instead: the rows
 * selected from ms_partitions (joined with ms_partition_values for the
 * filter), one INSERT of the rows and their key values, one DELETE.
 *
 * Tables live in database hmsbench with keys ds string, hr int, as Spark
 * lays out daily/hourly data. Batch b is the 1,000 partitions of
 * ds = 2024-01-01 + b days, hr 0..999. parts1k holds batch 0, parts100k
 * batches 0..99, parts1m batches 0..999; setup loads them through
 * add_partitions_req in batches and keeps a table that already holds all
 * its partitions. addPartitions and dropPartitions work on pt_<thread>,
 * created empty before the operation runs: the add is undone (and the drop
 * prepared) outside the timed region, through the server for the server's
 * operation and through SQL for the floor.
 *
 * A partition looks like the ones Spark writes: the table's storage
 * descriptor with the partition's own location, and numFiles, totalSize
 * and transient_lastDdlTime parameters. Locations are under --part-root
 * (default s3a://hmsbench/warehouse): on an object store the server makes
 * no directories, so the run measures the metastore rather than the local
 * file system; a file:// root measures the directory work as well.
 */
#include "hmsbench.h"
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 1000

typedef enum { PK_ADD, PK_DROP, PK_GET, PK_NAMES, PK_BY_NAMES, PK_BY_FILTER } PartKind;

typedef struct {
  const char *name;   /* the server operation; its floor is "floor" + Name */
  PartKind kind;
  const char *table;  /* shared table it reads; NULL: pt_<thread> */
  int batches;        /* batches that table holds */
  long expect;        /* partitions one call returns or changes */
} PartOp;

static const PartOp part_ops[] = {
  { "addPartitions.1000", PK_ADD, NULL, 1, BATCH },
  { "dropPartitions.1000", PK_DROP, NULL, 1, BATCH },
  { "getPartitions.1000", PK_GET, "parts1k", 1, BATCH },
  { "getPartitionNames.1000", PK_NAMES, "parts1k", 1, BATCH },
  { "getPartitionsByNames.1000", PK_BY_NAMES, "parts1k", 1, BATCH },
  { "getPartitionsByFilter.1000", PK_BY_FILTER, "parts1m", 1000, BATCH },
  { "getPartitions.100000", PK_GET, "parts100k", 100, 100 * BATCH },
};

/* The table row's id from its names; $1 is the table name. */
#define TABLE_ID                                                                     \
  "(SELECT t.table_id FROM ms_tables t JOIN ms_databases d ON d.db_id = t.db_id "   \
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id "                                       \
  "WHERE c.name = 'hive' AND d.name = '" BENCH_DB "' AND t.name = $1)"

/* The floors: every partition column a reply is built from. */
static const char *const floor_read_sql[] = {
  [PK_GET] = "SELECT p.* FROM ms_partitions p WHERE p.table_id = " TABLE_ID
             " ORDER BY p.part_name",
  [PK_NAMES] = "SELECT p.part_name FROM ms_partitions p WHERE p.table_id = " TABLE_ID
               " ORDER BY p.part_name",
  [PK_BY_NAMES] = "SELECT p.* FROM ms_partitions p WHERE p.table_id = " TABLE_ID
                  " AND p.part_name = ANY ($2::text[]) ORDER BY p.part_name",
  [PK_BY_FILTER] = "SELECT p.* FROM ms_partition_values v JOIN ms_partitions p "
                   "ON p.table_id = v.table_id AND p.part_id = v.part_id "
                   "WHERE v.table_id = " TABLE_ID " AND v.key_idx = 0 AND v.val = $2 "
                   "ORDER BY p.part_name",
};

/* $2..$5: names, ds, hr, locations as text arrays; $6 create time; $7 params.
 * The storage descriptor is the table's (sd and cols NULL). */
static const char floor_insert_sql[] =
  "WITH p AS (INSERT INTO ms_partitions (table_id, part_name, vals, create_time, location, params) "
  "SELECT " TABLE_ID ", u.n, ARRAY[u.ds, u.hr], $6, u.loc, $7::jsonb "
  "FROM unnest ($2::text[], $3::text[], $4::text[], $5::text[]) AS u (n, ds, hr, loc) "
  "RETURNING table_id, part_id, vals) "
  "INSERT INTO ms_partition_values (table_id, part_id, key_idx, val, val_num) "
  "SELECT table_id, part_id, 0, vals[1], NULL FROM p "
  "UNION ALL SELECT table_id, part_id, 1, vals[2], vals[2]::numeric FROM p";

static const char floor_delete_sql[] =
  "DELETE FROM ms_partitions WHERE table_id = " TABLE_ID " AND part_name = ANY ($2::text[])";

typedef struct {
  const PartOp *op;
  gboolean floor;
  char *table;
  GPtrArray *parts;                /* batch 0 as ThmsPartition (server adds) */
  GPtrArray *names;                /* batch 0's names */
  ThmsDropPartitionsRequest *drop; /* drop batch 0 by name */
  char *lit[4];                    /* floor: names, ds, hr, locations as text[] */
  char *now;                       /* floor: create time */
  char *params;                    /* floor: parameters as JSON */
} PartState;

/* 'op' as a partition operation; *floor says whether it is the floor. */
static const PartOp *
part_op_find (const char *op, gboolean *floor)
{
  gboolean f = g_str_has_prefix (op, "floor") && g_ascii_isupper (op[5]);
  const char *name = f ? op + 5 : op;
  for (guint i = 0; i < G_N_ELEMENTS (part_ops); i++)
    {
      const char *n = part_ops[i].name;
      if ((f ? g_ascii_toupper (n[0]) : n[0]) == name[0] && strcmp (n + 1, name + 1) == 0)
        {
          if (floor)
            *floor = f;
          return &part_ops[i];
        }
    }
  return NULL;
}

gboolean
parts_is_op (const char *op)
{
  return part_op_find (op, NULL) != NULL;
}

gboolean
parts_needs_1m (const char *op)
{
  const PartOp *p = part_op_find (op, NULL);
  return p && p->table && g_str_equal (p->table, "parts1m");
}

static char *
table_location (Opts *o, const char *table)
{
  return g_strdup_printf ("%s/%s.db/%s", o->part_root, BENCH_DB, table);
}

/* ds of batch b: 2024-01-01 + b days. */
static void
batch_ds (int b, char out[16])
{
  GDate d;
  g_date_clear (&d, 1);
  g_date_set_dmy (&d, 1, G_DATE_JANUARY, 2024);
  g_date_add_days (&d, (guint) b);
  g_date_strftime (out, 16, "%Y-%m-%d", &d);
}

static char *
part_name (const char *ds, int hr)
{
  return g_strdup_printf ("ds=%s/hr=%d", ds, hr);
}

/* The 1,000 partitions of batch b of 'table', appended to 'out'. */
static void
batch_append (GPtrArray *out, Opts *o, const char *table, int b, gint32 now)
{
  char ds[16];
  batch_ds (b, ds);
  g_autofree char *tloc = table_location (o, table);
  g_autofree char *ddl = g_strdup_printf ("%d", now);
  for (int hr = 0; hr < BATCH; hr++)
    {
      ThmsPartition *p = g_object_new (THMS_TYPE_PARTITION, "dbName", BENCH_DB, "tableName", table,
                                       "createTime", now, NULL);
      g_ptr_array_add (p->values, g_strdup (ds));
      g_ptr_array_add (p->values, g_strdup_printf ("%d", hr));
      p->__isset_values = TRUE;
      g_autofree char *name = part_name (ds, hr);
      g_autofree char *loc = g_strdup_printf ("%s/%s", tloc, name);
      bench_sd_fill (p->sd, loc);
      p->__isset_sd = TRUE;
      g_hash_table_insert (p->parameters, g_strdup ("numFiles"), g_strdup ("1"));
      g_hash_table_insert (p->parameters, g_strdup ("totalSize"), g_strdup ("1048576"));
      g_hash_table_insert (p->parameters, g_strdup ("transient_lastDdlTime"), g_strdup (ddl));
      p->__isset_parameters = TRUE;
      g_ptr_array_add (out, p);
    }
}

/* Batch b's partition names, appended to 'out' (of g_free'd strings). */
static void
batch_names_append (GPtrArray *out, int b)
{
  char ds[16];
  batch_ds (b, ds);
  for (int hr = 0; hr < BATCH; hr++)
    g_ptr_array_add (out, part_name (ds, hr));
}

/* A PostgreSQL text[] literal of 'n' strings from 'item' (no quotes or
 * backslashes in them). */
static char *
text_array (int n, char *(*item) (int k, gpointer data), gpointer data)
{
  GString *s = g_string_new ("{");
  for (int k = 0; k < n; k++)
    {
      g_autofree char *v = item (k, data);
      g_string_append_printf (s, "%s\"%s\"", k ? "," : "", v);
    }
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

static char *
item_name (int k, gpointer data)
{
  return part_name (data, k);
}

static char *
item_ds (int k, gpointer data)
{
  (void) k;
  return g_strdup (data);
}

static char *
item_hr (int k, gpointer data)
{
  (void) data;
  return g_strdup_printf ("%d", k);
}

static char *
item_loc (int k, gpointer data)
{
  char **ctx = data; /* { table location, ds } */
  g_autofree char *name = part_name (ctx[1], k);
  return g_strdup_printf ("%s/%s", ctx[0], name);
}

/* Turn an exception a call raised into 'error' with its message (the
 * generated client's own error names only its type); unrefs 'exc'. */
static void
note_exception (GError **error, const char *what, gpointer exc)
{
  if (exc == NULL)
    return;
  g_autofree char *msg = NULL;
  g_object_get (exc, "message", &msg, NULL);
  g_clear_error (error);
  g_set_error (error, G_IO_ERROR, 0, "%s: %s: %s", what, G_OBJECT_TYPE_NAME (exc), msg ? msg : "");
  g_object_unref (exc);
}

static gboolean
count_check (GError **error, const char *what, long got, long want)
{
  if (got == want)
    return TRUE;
  if (error && *error == NULL)
    g_set_error (error, G_IO_ERROR, 0, "%s: %ld partitions, expected %ld", what, got, want);
  return FALSE;
}

/* ---- lean replies ---- */

/* Read an exception struct, keeping its message (field 1). */
static gboolean
read_exception_message (ThriftProtocol *p, char **msg, GError **error)
{
  g_autofree char *sname = NULL;
  if (thrift_protocol_read_struct_begin (p, &sname, error) < 0)
    return FALSE;
  for (;;)
    {
      g_autofree char *fname = NULL;
      ThriftType ftype;
      gint16 fid;
      if (thrift_protocol_read_field_begin (p, &fname, &ftype, &fid, error) < 0)
        return FALSE;
      if (ftype == T_STOP)
        break;
      if (fid == 1 && ftype == T_STRING && *msg == NULL)
        {
          if (thrift_protocol_read_string (p, msg, error) < 0)
            return FALSE;
        }
      else if (thrift_protocol_skip (p, ftype, error) < 0)
        return FALSE;
      if (thrift_protocol_read_field_end (p, error) < 0)
        return FALSE;
    }
  return thrift_protocol_read_struct_end (p, error) >= 0;
}

/* Skip one value of type 'type' reading the binary protocol's bytes
 * straight from the transport: the generic thrift_protocol_skip costs the
 * client more than the server spends producing the reply. */
static gboolean
raw_read (ThriftTransport *tr, void *buf, guint32 n, GError **error)
{
  return thrift_transport_read_all (tr, buf, n, error) >= 0;
}

static gboolean
raw_skip_bytes (ThriftTransport *tr, guint32 n, GError **error)
{
  char scratch[4096];
  while (n > 0)
    {
      guint32 k = MIN (n, (guint32) sizeof scratch);
      if (!raw_read (tr, scratch, k, error))
        return FALSE;
      n -= k;
    }
  return TRUE;
}

static gboolean
raw_i32 (ThriftTransport *tr, gint32 *v, GError **error)
{
  guint32 be;
  if (!raw_read (tr, &be, 4, error))
    return FALSE;
  *v = (gint32) GUINT32_FROM_BE (be);
  return TRUE;
}

static gboolean
raw_skip (ThriftTransport *tr, guint8 type, int depth, GError **error)
{
  if (depth > 64)
    return g_set_error (error, G_IO_ERROR, 0, "reply nested too deep"), FALSE;
  guint8 hdr[3];
  gint32 n;
  switch (type)
    {
    case T_BOOL: case T_BYTE: return raw_skip_bytes (tr, 1, error);
    case T_I16: return raw_skip_bytes (tr, 2, error);
    case T_I32: return raw_skip_bytes (tr, 4, error);
    case T_I64: case T_DOUBLE: return raw_skip_bytes (tr, 8, error);
    case T_STRING:
      return raw_i32 (tr, &n, error) && n >= 0 && raw_skip_bytes (tr, (guint32) n, error);
    case T_STRUCT:
      for (;;)
        {
          if (!raw_read (tr, hdr, 1, error))
            return FALSE;
          if (hdr[0] == T_STOP)
            return TRUE;
          if (!raw_read (tr, hdr + 1, 2, error) || !raw_skip (tr, hdr[0], depth + 1, error))
            return FALSE;
        }
    case T_MAP:
      if (!raw_read (tr, hdr, 2, error) || !raw_i32 (tr, &n, error) || n < 0)
        return FALSE;
      for (gint32 i = 0; i < n; i++)
        if (!raw_skip (tr, hdr[0], depth + 1, error) || !raw_skip (tr, hdr[1], depth + 1, error))
          return FALSE;
      return TRUE;
    case T_SET: case T_LIST:
      if (!raw_read (tr, hdr, 1, error) || !raw_i32 (tr, &n, error) || n < 0)
        return FALSE;
      for (gint32 i = 0; i < n; i++)
        if (!raw_skip (tr, hdr[0], depth + 1, error))
          return FALSE;
      return TRUE;
    default:
      return g_set_error (error, G_IO_ERROR, 0, "unknown Thrift type %d", type), FALSE;
    }
}

/* Read a reply whose result is a list without building it: the list is
 * counted into *count and its elements skipped; an exception in the
 * reply is an error. */
static gboolean
recv_list_lean (Conn *c, const char *what, long *count, GError **error)
{
  ThriftProtocol *p = c->proto;
  g_autofree char *mname = NULL;
  ThriftMessageType mtype;
  gint32 seq;
  if (thrift_protocol_read_message_begin (p, &mname, &mtype, &seq, error) < 0)
    return FALSE;
  gboolean ok = mtype == T_REPLY;
  if (!ok)
    g_set_error (error, G_IO_ERROR, 0, "%s: reply of message type %d", what, mtype);
  g_autofree char *sname = NULL;
  if (thrift_protocol_read_struct_begin (p, &sname, error) < 0)
    return FALSE;
  for (;;)
    {
      g_autofree char *fname = NULL;
      ThriftType ftype;
      gint16 fid;
      if (thrift_protocol_read_field_begin (p, &fname, &ftype, &fid, error) < 0)
        return FALSE;
      if (ftype == T_STOP)
        break;
      if (fid == 0 && ftype == T_LIST)
        {
          ThriftType etype;
          guint32 size;
          if (thrift_protocol_read_list_begin (p, &etype, &size, error) < 0)
            return FALSE;
          for (guint32 k = 0; k < size; k++)
            if (!raw_skip (p->transport, (guint8) etype, 0, error))
              return FALSE;
          if (thrift_protocol_read_list_end (p, error) < 0)
            return FALSE;
          *count = (long) size;
        }
      else if (ftype == T_STRUCT)
        {
          /* a declared exception: its field 1 is the message */
          g_autofree char *msg = NULL;
          if (!read_exception_message (p, &msg, error))
            return FALSE;
          if (ok)
            g_set_error (error, G_IO_ERROR, 0, "%s: exception (reply field %d): %s", what, fid,
                         msg ? msg : "");
          ok = FALSE;
        }
      else if (thrift_protocol_skip (p, ftype, error) < 0)
        return FALSE;
      if (thrift_protocol_read_field_end (p, error) < 0)
        return FALSE;
    }
  if (thrift_protocol_read_struct_end (p, error) < 0 || thrift_protocol_read_message_end (p, error) < 0
      || !thrift_transport_read_end (p->transport, error))
    return FALSE;
  return ok;
}

/* ---- setup ---- */

/* A Spark-like table partitioned by ds string, hr int. */
static ThmsTable *
part_table_new (Opts *o, const char *name)
{
  ThmsTable *t = bench_table_new (BENCH_DB, name);
  g_autofree char *loc = table_location (o, name);
  g_object_set (t->sd, "location", loc, NULL);
  static const char *const keys[][2] = { { "ds", "string" }, { "hr", "int" } };
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_ptr_array_add (t->partitionKeys, g_object_new (THMS_TYPE_FIELD_SCHEMA, "name", keys[i][0],
                                                     "type", keys[i][1], NULL));
  t->__isset_partitionKeys = TRUE;
  g_hash_table_insert (t->parameters, g_strdup ("spark.sql.partitionProvider"),
                       g_strdup ("catalog"));
  return t;
}

static gboolean
drop_table (Conn *c, const char *name, GError **error)
{
  ThmsNoSuchObjectException *nso = NULL;
  ThmsMetaException *meta = NULL;
  gboolean ok = thms_thrift_hive_metastore_if_drop_table (c->client, BENCH_DB, name, TRUE, &nso,
                                                          &meta, error);
  if (!ok && nso != NULL)
    {
      ok = TRUE; /* it was not there */
      g_clear_error (error);
    }
  g_clear_object (&nso);
  note_exception (error, "drop_table", meta);
  return ok;
}

/* Does 'name' exist? Creates it when not. */
static gboolean
ensure_table (Conn *c, Opts *o, const char *name, GError **error)
{
  gboolean missing = FALSE;
  gboolean ok = bench_get_table (c, name, NULL, &missing, error);
  if (!ok && missing)
    {
      g_clear_error (error);
      ThmsTable *nt = part_table_new (o, name);
      ok = bench_create_table (c, nt, error);
      g_object_unref (nt);
    }
  return ok;
}

/* Partitions in 'name' (by listing their names: exact whatever the
 * server's filters make of the keys), or -1 when the server cannot say. */
static gint64
count_partitions (Conn *c, const char *name)
{
  long n = -1;
  g_autoptr (GError) err = NULL;
  if (!thms_thrift_hive_metastore_client_send_get_partition_names (c->client, BENCH_DB, name, -1, &err)
      || !recv_list_lean (c, "get_partition_names", &n, &err))
    return -1;
  return n;
}

/* 'name' with batches 0..batches-1, loaded with add_partitions_req
 * (ifNotExists, so a half-loaded table is completed). *loaded says
 * whether anything was added. */
static gboolean
ensure_loaded (Conn *c, Opts *o, const char *name, int batches, gboolean *loaded, GError **error)
{
  if (!ensure_table (c, o, name, error))
    return FALSE;
  gint64 have = count_partitions (c, name);
  if (have == (gint64) batches * BATCH)
    return TRUE;
  fprintf (stderr, "setup: loading " BENCH_DB ".%s: %d batches of %d partitions (had %" G_GINT64_FORMAT ")\n",
           name, batches, BATCH, have);
  gint64 t0 = g_get_monotonic_time ();
  gint32 now = (gint32) (g_get_real_time () / G_USEC_PER_SEC);
  gboolean ok = TRUE;
  for (int b = 0; ok && b < batches; b++)
    {
      ThmsAddPartitionsRequest *rq = g_object_new (THMS_TYPE_ADD_PARTITIONS_REQUEST, "dbName", BENCH_DB,
                                                   "tblName", name, "ifNotExists", TRUE,
                                                   "needResult", FALSE, NULL);
      batch_append (rq->parts, o, name, b, now);
      ThmsAddPartitionsResult *res = g_object_new (THMS_TYPE_ADD_PARTITIONS_RESULT, NULL);
      ThmsInvalidObjectException *io = NULL;
      ThmsAlreadyExistsException *ae = NULL;
      ThmsMetaException *meta = NULL;
      ok = thms_thrift_hive_metastore_if_add_partitions_req (c->client, &res, rq, &io, &ae, &meta, error);
      note_exception (error, "add_partitions_req", io);
      note_exception (error, "add_partitions_req", ae);
      note_exception (error, "add_partitions_req", meta);
      g_object_unref (res);
      g_object_unref (rq);
      if (ok && (b + 1) % 100 == 0)
        fprintf (stderr, "setup: %s: %d partitions, %.0f s\n", name, (b + 1) * BATCH,
                 (double) (g_get_monotonic_time () - t0) / 1e6);
    }
  *loaded = TRUE;
  if (ok)
    ok = count_check (error, name, count_partitions (c, name), (long) batches * BATCH);
  return ok;
}

gboolean
parts_setup (Opts *o, const char *const *ops, GError **error)
{
  /* the shared tables the operations read, each loaded once */
  g_autoptr (GHashTable) need = g_hash_table_new (g_str_hash, g_str_equal);
  for (const char *const *op = ops; *op; op++)
    {
      const PartOp *p = part_op_find (*op, NULL);
      if (p != NULL && p->table != NULL && !(o->no_1m && parts_needs_1m (*op)))
        g_hash_table_add (need, (gpointer) p->table);
    }
  if (g_hash_table_size (need) == 0)
    return TRUE;
  Conn c = { 0 };
  if (!conn_open (&c, o, error))
    return FALSE;
  gboolean ok = TRUE, loaded = FALSE;
  for (guint i = 0; ok && i < G_N_ELEMENTS (part_ops); i++)
    if (part_ops[i].table != NULL && g_hash_table_remove (need, part_ops[i].table))
      ok = ensure_loaded (&c, o, part_ops[i].table, part_ops[i].batches, &loaded, error);
  conn_close (&c);
  /* fresh planner statistics, as autovacuum would have after the load */
  if (ok && loaded && o->pg != NULL)
    {
      PGconn *pg = PQconnectdb (o->pg);
      PQclear (PQexec (pg, "ANALYZE"));
      PQfinish (pg);
    }
  return ok;
}

gboolean
parts_prepare_op (Opts *o, const char *op, GError **error)
{
  const PartOp *p = part_op_find (op, NULL);
  if (p == NULL || p->table != NULL)
    return TRUE;
  Conn c = { 0 };
  if (!conn_open (&c, o, error))
    return FALSE;
  gboolean ok = TRUE;
  for (int w = 0; ok && w < o->threads; w++)
    {
      g_autofree char *name = g_strdup_printf ("pt_%d", w);
      ok = drop_table (&c, name, error);
      if (ok)
        {
          ThmsTable *t = part_table_new (o, name);
          ok = bench_create_table (&c, t, error);
          g_object_unref (t);
        }
    }
  conn_close (&c);
  return ok;
}

/* ---- workers ---- */

static gboolean
floor_prepare (PGconn *pg, const char *name, const char *sql, GError **error)
{
  PGresult *r = PQprepare (pg, name, sql, 0, NULL);
  gboolean ok = PQresultStatus (r) == PGRES_COMMAND_OK;
  if (!ok)
    g_set_error (error, G_IO_ERROR, 0, "prepare %s: %s", name, PQerrorMessage (pg));
  PQclear (r);
  return ok;
}

gboolean
parts_worker_init (Worker *w, PGconn *pg, GError **error)
{
  PartState *s = g_new0 (PartState, 1);
  w->state = s;
  s->op = part_op_find (w->op, &s->floor);
  s->table = s->op->table ? g_strdup (s->op->table) : g_strdup_printf ("pt_%d", w->index);
  s->names = g_ptr_array_new_with_free_func (g_free);
  batch_names_append (s->names, 0);
  gint32 now = (gint32) (g_get_real_time () / G_USEC_PER_SEC);
  PartKind k = s->op->kind;
  if (!s->floor)
    {
      if (k == PK_ADD || k == PK_DROP)
        {
          s->parts = g_ptr_array_new_with_free_func (g_object_unref);
          batch_append (s->parts, w->o, s->table, 0, now);
          s->drop = g_object_new (THMS_TYPE_DROP_PARTITIONS_REQUEST, "dbName", BENCH_DB, "tblName",
                                  s->table, "deleteData", TRUE, "ifExists", FALSE, "needResult",
                                  FALSE, NULL);
          for (guint i = 0; i < s->names->len; i++)
            g_ptr_array_add (s->drop->parts->names, g_strdup (s->names->pdata[i]));
          s->drop->parts->__isset_names = TRUE;
        }
      return TRUE;
    }
  char ds[16];
  batch_ds (0, ds);
  g_autofree char *tloc = table_location (w->o, s->table);
  char *loc_ctx[] = { tloc, ds };
  s->lit[0] = text_array (BATCH, item_name, ds);
  s->lit[1] = text_array (BATCH, item_ds, ds);
  s->lit[2] = text_array (BATCH, item_hr, NULL);
  s->lit[3] = text_array (BATCH, item_loc, loc_ctx);
  s->now = g_strdup_printf ("%d", now);
  s->params = g_strdup_printf ("{\"numFiles\": \"1\", \"totalSize\": \"1048576\", "
                               "\"transient_lastDdlTime\": \"%d\"}", now);
  if (k == PK_ADD || k == PK_DROP)
    return floor_prepare (pg, "pf_insert", floor_insert_sql, error)
           && floor_prepare (pg, "pf_delete", floor_delete_sql, error);
  return floor_prepare (pg, w->op, floor_read_sql[k], error);
}

void
parts_worker_free (Worker *w)
{
  PartState *s = w->state;
  if (s == NULL)
    return;
  g_free (s->table);
  if (s->parts)
    g_ptr_array_unref (s->parts);
  g_ptr_array_unref (s->names);
  g_clear_object (&s->drop);
  for (guint i = 0; i < G_N_ELEMENTS (s->lit); i++)
    g_free (s->lit[i]);
  g_free (s->now);
  g_free (s->params);
  g_free (s);
  w->state = NULL;
}

/* Run prepared statement 'stmt'; it must return (or change) 'rows' rows. */
static gboolean
floor_exec (PGconn *pg, const char *stmt, int n, const char *const *v, long rows, GError **error)
{
  PGresult *r = PQexecPrepared (pg, stmt, n, v, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus (r);
  gboolean ok = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
  if (!ok)
    g_set_error (error, G_IO_ERROR, 0, "%s: %s", stmt, PQerrorMessage (pg));
  else
    ok = count_check (error, stmt, st == PGRES_TUPLES_OK ? PQntuples (r) : atol (PQcmdTuples (r)),
                      rows);
  PQclear (r);
  return ok;
}

static gboolean
floor_insert (PartState *s, PGconn *pg, GError **error)
{
  const char *v[] = { s->table, s->lit[0], s->lit[1], s->lit[2], s->lit[3], s->now, s->params };
  /* each partition and its two key values */
  return floor_exec (pg, "pf_insert", G_N_ELEMENTS (v), v, 2 * BATCH, error);
}

static gboolean
floor_delete (PartState *s, PGconn *pg, GError **error)
{
  const char *v[] = { s->table, s->lit[0] };
  return floor_exec (pg, "pf_delete", G_N_ELEMENTS (v), v, BATCH, error);
}

static gboolean
server_add (PartState *s, Conn *c, GError **error)
{
  gint32 n = 0;
  ThmsInvalidObjectException *io = NULL;
  ThmsAlreadyExistsException *ae = NULL;
  ThmsMetaException *meta = NULL;
  gboolean ok = thms_thrift_hive_metastore_if_add_partitions (c->client, &n, s->parts, &io, &ae,
                                                              &meta, error);
  note_exception (error, "add_partitions", io);
  note_exception (error, "add_partitions", ae);
  note_exception (error, "add_partitions", meta);
  return ok && count_check (error, "add_partitions", n, BATCH);
}

static gboolean
server_drop (PartState *s, Conn *c, GError **error)
{
  ThmsDropPartitionsResult *res = g_object_new (THMS_TYPE_DROP_PARTITIONS_RESULT, NULL);
  ThmsNoSuchObjectException *nso = NULL;
  ThmsMetaException *meta = NULL;
  gboolean ok = thms_thrift_hive_metastore_if_drop_partitions_req (c->client, &res, s->drop, &nso,
                                                                   &meta, error);
  note_exception (error, "drop_partitions_req", nso);
  note_exception (error, "drop_partitions_req", meta);
  g_object_unref (res);
  return ok;
}

gboolean
parts_before (Worker *w, Conn *c, PGconn *pg, guint64 i, GError **error)
{
  PartState *s = w->state;
  (void) i;
  if (s->op->kind != PK_DROP)
    return TRUE;
  return s->floor ? floor_insert (s, pg, error) : server_add (s, c, error);
}

gboolean
parts_after (Worker *w, Conn *c, PGconn *pg, guint64 i, GError **error)
{
  PartState *s = w->state;
  (void) i;
  if (s->op->kind != PK_ADD)
    return TRUE;
  return s->floor ? floor_delete (s, pg, error) : server_drop (s, c, error);
}

static gboolean
floor_call (PartState *s, const char *op, PGconn *pg, guint64 i, GError **error)
{
  char ds[16];
  switch (s->op->kind)
    {
    case PK_ADD:
      return floor_insert (s, pg, error);
    case PK_DROP:
      return floor_delete (s, pg, error);
    case PK_GET:
    case PK_NAMES:
      {
        const char *v[] = { s->table };
        return floor_exec (pg, op, 1, v, s->op->expect, error);
      }
    case PK_BY_NAMES:
      {
        const char *v[] = { s->table, s->lit[0] };
        return floor_exec (pg, op, 2, v, s->op->expect, error);
      }
    case PK_BY_FILTER:
      {
        batch_ds ((int) (i % (guint64) s->op->batches), ds);
        const char *v[] = { s->table, ds };
        return floor_exec (pg, op, 2, v, s->op->expect, error);
      }
    }
  return FALSE;
}

/* The filter of call i of getPartitionsByFilter: one day, 1,000 partitions. */
static char *
day_filter (PartState *s, guint64 i)
{
  char ds[16];
  batch_ds ((int) (i % (guint64) s->op->batches), ds);
  return g_strdup_printf ("ds = \"%s\"", ds);
}

/* A partition listing read lean (see recv_list_lean). */
static gboolean
list_call_lean (PartState *s, Conn *c, const char *op, guint64 i, GError **error)
{
  gboolean sent = FALSE;
  switch (s->op->kind)
    {
    case PK_GET:
      sent = thms_thrift_hive_metastore_client_send_get_partitions (c->client, BENCH_DB, s->table, -1,
                                                                    error);
      break;
    case PK_BY_NAMES:
      sent = thms_thrift_hive_metastore_client_send_get_partitions_by_names (c->client, BENCH_DB,
                                                                             s->table, s->names,
                                                                             error);
      break;
    case PK_BY_FILTER:
      {
        g_autofree char *filter = day_filter (s, i);
        sent = thms_thrift_hive_metastore_client_send_get_partitions_by_filter (c->client, BENCH_DB,
                                                                                s->table, filter,
                                                                                -1, error);
        break;
      }
    case PK_NAMES:
    case PK_ADD:
    case PK_DROP:
      g_set_error (error, G_IO_ERROR, 0, "%s: no lean reader", op);
      break;
    }
  long n = -1;
  return sent && recv_list_lean (c, op, &n, error) && count_check (error, op, n, s->op->expect);
}

gboolean
parts_call (Worker *w, Conn *c, PGconn *pg, guint64 i, GError **error)
{
  PartState *s = w->state;
  if (s->floor)
    return floor_call (s, w->op, pg, i, error);
  if (s->op->kind == PK_ADD)
    return server_add (s, c, error);
  if (s->op->kind == PK_DROP)
    return server_drop (s, c, error);
  if (s->op->kind != PK_NAMES && (!w->o->full_decode || s->op->expect > BATCH))
    return list_call_lean (s, c, w->op, i, error);
  ThmsNoSuchObjectException *nso = NULL;
  ThmsMetaException *meta = NULL;
  GPtrArray *res = s->op->kind == PK_NAMES ? g_ptr_array_new_with_free_func (g_free)
                                           : g_ptr_array_new_with_free_func (g_object_unref);
  gboolean ok = FALSE;
  switch (s->op->kind)
    {
    case PK_GET:
      ok = thms_thrift_hive_metastore_if_get_partitions (c->client, &res, BENCH_DB, s->table, -1,
                                                         &nso, &meta, error);
      break;
    case PK_NAMES:
      ok = thms_thrift_hive_metastore_if_get_partition_names (c->client, &res, BENCH_DB, s->table,
                                                              -1, &nso, &meta, error);
      break;
    case PK_BY_NAMES:
      ok = thms_thrift_hive_metastore_if_get_partitions_by_names (c->client, &res, BENCH_DB,
                                                                  s->table, s->names, &meta, &nso,
                                                                  error);
      break;
    case PK_BY_FILTER:
      {
        g_autofree char *filter = day_filter (s, i);
        ok = thms_thrift_hive_metastore_if_get_partitions_by_filter (c->client, &res, BENCH_DB,
                                                                     s->table, filter, -1, &meta,
                                                                     &nso, error);
        break;
      }
    case PK_ADD:
    case PK_DROP:
      break;
    }
  note_exception (error, w->op, nso);
  note_exception (error, w->op, meta);
  ok = ok && count_check (error, w->op, res->len, s->op->expect);
  g_ptr_array_unref (res);
  return ok;
}
