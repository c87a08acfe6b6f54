/*
 * hive_source_internal.h: what the two files reading a Java metastore
 * database share (hive_source.c: snapshot, cursors, tables, partitions;
 * hive_families.c: the other families, problems and checksums). Only
 * files under store/ include this header.
 */
#pragma once
#include "store/hive_source.h"
#include "store/pg.h"

/* The partitions of every table in one cursor (hive_source.c). */
typedef struct {
  gboolean wanted;             /* ms_hive_source_stream_partitions */
  gboolean declared, ended;
  PGresult *r;                 /* the fetched rows being read */
  int row;                     /* ... the next one */
  gint64 next_table;           /* tables before this one were passed */
} MsHiveStream;

struct _MsHiveSource {
  MsPgConn *c;
  char *version;
  const MsHiveProfile *p;
  gint64 next_event;
  guint cursors;               /* cursor names are unique per source */
  MsHiveStream stream;
};

/* Forget the partition stream (its cursor ended with the snapshot). */
void ms_hive_stream_reset (MsHiveSource *src);

/* One statement in the snapshot. */
PGresult *ms_hive_run (MsHiveSource *src, const char *sql, int n, const char *const *v,
                       GError **error);
/* Declare a cursor over 'sql' (parameters 'v'), hand each fetched batch
 * to 'fn', close it. */
typedef gboolean (*MsHiveRowsFunc) (gpointer user, const PGresult *r, GError **error);
gboolean ms_hive_each_batch (MsHiveSource *src, const char *sql, int n, const char *const *v,
                             MsHiveRowsFunc fn, gpointer user, GError **error);

static inline const char *
ms_hive_cell (const PGresult *r, int row, int col)
{
  return PQgetisnull (r, row, col) ? NULL : PQgetvalue (r, row, col);
}

/* The checksum of a family: the sum of the first 60 bits of the md5 of
 * each object's key text (order-free, so no sort and no memory growth).
 * The catalog side (store/import.c) sums the same way. */
#define MS_HIVE_SUM(text) \
  "COALESCE (sum (('x' || substr (md5 (" text "), 1, 15))::bit(60)::bigint), 0)::text"
