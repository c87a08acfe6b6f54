/*
 * import_internal.h: what the bulk copy (import.c) lends to --follow
 * (follow.c): the run's state and its per-object writers.
 */
#pragma once
#include "import/import.h"

typedef struct {
  MsStore *store;
  MsHiveSource *src;
  const MsImportOptions *o;
  gint64 total, done;          /* objects (tables, partitions, statistics entries);
                                  total < 0: no progress lines */
  gint64 t0, last_report;
  MsTable *target;             /* the table being filled, as stored */
  gboolean fresh;              /* ... created by this run: it has no partitions yet */
  guint writers;               /* threads writing partitions, each on a connection of its
                                  own (0 or 1: this thread only, as inside an outer
                                  transaction) */
} Import;

/* Copy one source table (MsHiveTableFunc, 'user' an Import*): created
 * when missing, then its partitions and table and partition statistics. */
gboolean ms_import_table (gpointer user, gint64 src_id, MsTable *t, GError **error);
/* Add the partitions of source table 'src_id' named in 'names' (their
 * PART_NAME) to 'target' (as stored, without them), with their
 * statistics. */
gboolean ms_import_partitions_named (Import *im, gint64 src_id, MsTable *target,
                                     const char *const *names, guint n, GError **error);
/* Add the constraints of 'rows' (as ms_hive_source_constraints orders
 * them; the rows are stolen) that the catalog lacks by name. */
gboolean ms_import_constraint_rows (Import *im, GPtrArray *rows, GError **error);
