/*
 * import.h: `metastore import --from <conninfo>`: copy a Java Hive
 * Metastore's database (PostgreSQL or MariaDB) into our catalog
 * (import.c), then verify counts and checksums per family (verify.c).
 *
 * A door-like module: it reads the source through store/hive_source.h and
 * writes through the store's ordinary functions, never SQL of its own.
 */
#pragma once
#include "store/hive_source.h"
#include <stdio.h>

typedef struct {
  const char *from;            /* the source's libpq conninfo or URI, or mariadb://... */
  gboolean dry_run;            /* read and report only */
  guint batch;                 /* partitions (or statistics entries) per write */
  gboolean terminal;           /* progress as one rewritten line */
  FILE *out;                   /* report */
  FILE *progress;              /* progress lines */
  gboolean follow;             /* then tail the source's notification log (follow.h) */
  guint poll_ms;               /* ... looking for new events this often when idle */
} MsImportOptions;

/* The first half, before anything is written anywhere: open the source's
 * snapshot, check its version and schema, refuse rows that break our
 * rules, count every family and report the counts (and, for a dry run,
 * that nothing was written). Fills 'sums'; the caller owns the source. */
MsHiveSource *ms_import_open (const MsImportOptions *o, MsHiveSums *sums, GError **error);
/* The second half: copy 'src' into 'store' (notification events off: an
 * import is not a client's change), record the run and verify. Returns
 * FALSE with 'error' set when a read or write failed (what was written
 * stays: a re-run continues); otherwise *differences gets the number of
 * families whose count or checksum differs after the copy. */
gboolean ms_import_copy (MsStore *store, MsHiveSource *src, const MsImportOptions *o,
                         const MsHiveSums *sums, int *differences, GError **error);

/* Compare the source's sums with the catalog's; one line per family to
 * 'out'; returns the number of families that differ. A family is equal
 * when its count and checksum are. */
int ms_import_verify_report (const MsHiveSums *source, const MsHiveSums *target, FILE *out);
