/*
 * embedded_pg.h: the embedded default database. With no database URL
 * configured, metastore runs a private PostgreSQL cluster of its own under
 * its data directory, reachable only through a Unix socket, and stops it on
 * exit.
 *
 * As root, PostgreSQL runs as an unprivileged user (embedded.pg_user). When
 * that user cannot reach the data directory (a checkout under /root, mode
 * 700), the cluster is placed in /var/lib/metastore/embedded/<hash> instead,
 * keyed by the data directory's absolute path, and the data directory
 * records where (file 'pg-location').
 */
#pragma once
#include <glib.h>
#include "core/config.h"

typedef struct _MsEmbeddedPg MsEmbeddedPg;

/* Initialise the cluster on first use, start it, wait until it accepts
 * connections and make sure the 'metastore' database exists. */
MsEmbeddedPg *ms_embedded_pg_start (const MsConfig *cfg, GError **error);

/* libpq conninfo of the running cluster's 'metastore' database. */
const char *ms_embedded_pg_conninfo (const MsEmbeddedPg *pg);

/* Fast shutdown (SIGINT, then SIGQUIT after 30 s) and free. */
void ms_embedded_pg_stop (MsEmbeddedPg *pg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsEmbeddedPg, ms_embedded_pg_stop)

/* The directory holding initdb and postgres (see embedded.pg_bindir). */
char *ms_pg_find_bindir (const char *configured, GError **error);

/* The default warehouse of the embedded default: file://<data_dir>/warehouse. */
char *ms_embedded_default_warehouse (const MsConfig *cfg);
