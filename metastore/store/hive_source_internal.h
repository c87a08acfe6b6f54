/*
 * hive_source_internal.h: what the files reading a Java metastore
 * database share (hive_source.c: opening, the PostgreSQL backend, tables,
 * partitions; hive_families.c, hive_grants.c, hive_follow.c: the other
 * families; hive_mysql.c: the MySQL and MariaDB backend). Only files
 * under store/ include this header.
 *
 * One backend per source database kind: it opens the snapshot, runs a
 * statement and streams a long one in batches. Its rows come as libpq
 * results (PGresult) whatever the kind, so the readers decode one row
 * form: the MySQL backend builds them (PQmakeEmptyPGresult, PQsetvalue),
 * a BIT(1) value as PostgreSQL's boolean text ("t" or "f").
 *
 * The statements are written once, in PostgreSQL's spelling: double-quoted
 * identifiers, || concatenation, $1.. parameters, ::type casts, json_agg,
 * json_build_object and jsonb_object_agg. The MySQL backend runs its
 * session in sql_mode ANSI (quotes and || as PostgreSQL's) and turns
 * those functions and parameters into forms MySQL 8.0 and MariaDB 10.5
 * both document (hive_mysql.c: an ordered json_agg becomes GROUP_CONCAT
 * of JSON text); what has no such spelling (a checksum, hex text of
 * bytes, the schema's catalog) is a backend field below.
 */
#pragma once
#include "store/hive_source.h"
#include "store/pg.h"

/* The partitions of every table in one cursor (hive_source.c). */
typedef struct {
  gboolean wanted;             /* ms_hive_source_stream_partitions */
  gpointer cursor;             /* the backend's, once opened */
  gboolean ended;
  PGresult *r;                 /* the fetched rows being read */
  int row;                     /* ... the next one */
  gint64 next_table;           /* tables before this one were passed */
} MsHiveStream;

/* Rows of a statement; the result is borrowed for the call. */
typedef gboolean (*MsHiveRowsFunc) (gpointer user, const PGresult *r, GError **error);

typedef struct {
  const char *name;            /* "PostgreSQL", "MySQL" */
  /* End the open snapshot, if any, and open a new one (repeatable read,
   * read-only). */
  gboolean (*snapshot) (MsHiveSource *src, GError **error);
  /* One statement in the snapshot: every row at once. */
  PGresult *(*run) (MsHiveSource *src, const char *sql, int n, const char *const *v,
                    GError **error);
  /* One statement in the snapshot, its rows handed to 'fn' a bounded batch
   * at a time. 'reenter': 'fn' itself runs statements on the source (read
   * through a cursor then, see cursor_open). */
  gboolean (*each_batch) (MsHiveSource *src, const char *sql, int n, const char *const *v,
                          gboolean reenter, MsHiveRowsFunc fn, gpointer user, GError **error);
  /* A cursor over one statement of the snapshot, read a bounded batch at
   * a time while other statements run beside it (PostgreSQL: DECLARE
   * CURSOR; MySQL: a prepared statement's read-only server-side cursor).
   * cursor_fetch: the next rows, none at the end; cursor_free forgets it
   * (its server side ends with the snapshot at the latest). */
  gpointer (*cursor_open) (MsHiveSource *src, const char *sql, int n, const char *const *v,
                           GError **error);
  PGresult *(*cursor_fetch) (MsHiveSource *src, gpointer cursor, GError **error);
  void (*cursor_free) (MsHiveSource *src, gpointer cursor);
  /* Run before the partition stream's cursor is opened (NULL: nothing). */
  const char *stream_setup;
  /* Whether the partition stream joins each nested family grouped once
   * (PostgreSQL: a fraction of a lookup per row) or looks the nested parts
   * up row by row (MySQL: InnoDB's primary key lookups cost half of
   * grouping, measured on MariaDB 10.11). */
  gboolean stream_grouped;
  void (*close) (MsHiveSource *src);
  /* One row, "t" when the VERSION, DBS and TBLS tables exist. */
  const char *sql_is_metastore;
  /* Every column of the schema as "TABLE.COLUMN". */
  const char *sql_columns;
  /* Around a key text: the sum of MS_HIVE_SUM, as decimal text. */
  const char *sum_open, *sum_close;
  /* printf format around a bytes expression: its hex text. */
  const char *hex;
  /* printf format (%s: a column) of "the column is one of the names in
   * parameter $2", and that parameter's text for a list of names. */
  const char *name_in;
  char *(*name_list) (const char *const *names, guint n);
} MsHiveBackend;

extern const MsHiveBackend ms_hive_pg_backend;
extern const MsHiveBackend ms_hive_mysql_backend;

struct _MsHiveSource {
  const MsHiveBackend *be;
  MsPgConn *c;                 /* PostgreSQL */
  gpointer my;                 /* MySQL: its MYSQL handle */
  char *version;
  const MsHiveProfile *p;
  gint64 next_event;
  guint cursors;               /* cursor names are unique per source */
  MsHiveStream stream;
  gboolean has_message_format; /* NOTIFICATION_LOG.MESSAGE_FORMAT exists */
};

/* Forget the partition stream (its cursor ended with the snapshot). */
void ms_hive_stream_reset (MsHiveSource *src);

/* Whether 'from' names a MySQL or MariaDB source (mysql://, mariadb://). */
gboolean ms_hive_mysql_url (const char *from);
/* Connect src to the MySQL or MariaDB database 'url' names (backend set). */
gboolean ms_hive_mysql_connect (MsHiveSource *src, const char *url, GError **error);
/* 'url' without its password (hive_mysql.c). */
char *ms_hive_mysql_label (const char *url);
/* A value of a MySQL source that is not UTF-8 as UTF-8 (NULL: it is
 * UTF-8 already), read as MySQL's latin1 (Windows-1252, its five unused
 * bytes as C1 controls). MariaDB 10.11 sends JSON aggregated in a
 * correlated subquery over latin1 columns (schematool's) unconverted,
 * while its metadata says utf8mb4. */
char *ms_hive_mysql_text (const char *v, gsize len, gsize *out_len);
/* A statement in PostgreSQL's spelling as MySQL 8.0 and MariaDB 10.5
 * spell it: $n parameters as ?, ::type casts dropped, json_build_object
 * and jsonb_object_agg renamed, json_agg (E [ORDER BY ...]) as the JSON
 * text GROUP_CONCAT builds (see hive_mysql.c). */
char *ms_hive_mysql_sql (const char *sql);
/* Whether a server that calls itself 'info' (mysql_get_server_info:
 * "10.11.6-MariaDB-0+deb12u1", "8.0.36") runs these statements: MariaDB
 * 10.5 and later, MySQL 8.0 and later; MS_ERROR_INVALID_INPUT naming the
 * server and what it lacks otherwise. */
gboolean ms_hive_mysql_server_check (const char *info, GError **error);

/* src->next_event from the snapshot's NOTIFICATION_SEQUENCE. */
gboolean ms_hive_source_read_next_event (MsHiveSource *src, GError **error);

/* One statement in the snapshot. */
PGresult *ms_hive_run (MsHiveSource *src, const char *sql, int n, const char *const *v,
                       GError **error);
/* Run 'sql' (parameters 'v'), hand each batch of its rows to 'fn'. */
gboolean ms_hive_each_batch (MsHiveSource *src, const char *sql, int n, const char *const *v,
                             gboolean reenter, MsHiveRowsFunc fn, gpointer user, GError **error);

static inline const char *
ms_hive_cell (const PGresult *r, int row, int col)
{
  return PQgetisnull (r, row, col) ? NULL : PQgetvalue (r, row, col);
}

/* The checksum of a family: the sum of the first 60 bits of the md5 of
 * each object's key text (order-free, so no sort and no memory growth).
 * The catalog side (store/import.c) sums the same way; a source sums with
 * its backend's sum_open and sum_close around the text. */
#define MS_HIVE_SUM_OPEN "COALESCE (sum (('x' || substr (md5 ("
#define MS_HIVE_SUM_CLOSE "), 1, 15))::bit(60)::bigint), 0)::text"
#define MS_HIVE_SUM(text) MS_HIVE_SUM_OPEN text MS_HIVE_SUM_CLOSE
