/*
 * key_table.h: a small thread-safe table of fixed-size records by string
 * key (a client address, a client id), the shape of every per-client
 * counter the servers keep: the authentication throttle (auth/throttle.c)
 * and the Thrift door's slow messages per address (server/conn_transport.c).
 *
 * A record is zeroed when made. The table may be bounded: making a record
 * in a full table first drops every record 'rank' says has ended (a rank
 * below 0), then, if still full, the one of lowest rank. The table keeps a
 * copy of its owner's settings (a throttle's limits), so an owner needs no
 * struct of its own.
 */
#pragma once
#include <glib.h>

typedef struct _MsKeyTable MsKeyTable;

/* How long to keep a record: below 0 ended; otherwise the lowest goes
 * first. 'data' is what the caller passed to ms_key_table_lock. */
typedef gint64 (*MsKeyRank) (gconstpointer record, gpointer data);

/* 'max_keys' 0: unbounded ('rank' may then be NULL). 'settings_size'
 * bytes of 'settings' are copied (0: none). */
MsKeyTable *ms_key_table_new (gsize record_size, guint max_keys, MsKeyRank rank,
                              gconstpointer settings, gsize settings_size);
void ms_key_table_free (MsKeyTable *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsKeyTable, ms_key_table_free)

/* Lock the table and return the record of 'key': NULL when there is none
 * and 'create' is FALSE; with 'create', a new zeroed one (*created says
 * which; may be NULL), 'rank_data' going to the rank of a full table.
 * Whatever it returns, ms_key_table_unlock ends the use. */
gpointer ms_key_table_lock (MsKeyTable *t, const char *key, gboolean create, gpointer rank_data,
                            gboolean *created);
void ms_key_table_unlock (MsKeyTable *t);
/* Between lock and unlock: drop the record of 'key'. */
void ms_key_table_remove_locked (MsKeyTable *t, const char *key);

/* Drop the record of 'key' (locks by itself). */
void ms_key_table_remove (MsKeyTable *t, const char *key);
/* The copy of the settings given to ms_key_table_new. */
gconstpointer ms_key_table_settings (MsKeyTable *t);
/* Records held. */
guint ms_key_table_size (MsKeyTable *t);
