/*
 * follow.h: `metastore import --follow`: after the bulk copy (or alone,
 * from the position the last import recorded) tail the source's
 * NOTIFICATION_LOG and apply each event to the catalog until stopped
 * (follow.c). The rules that need no database are in follow_rules.c, the
 * reading of partition events' messages in follow_message.c.
 */
#pragma once
#include "import/import.h"

/* What an event asks of the catalog: the object it names is read again
 * from the source and ours made equal to it. */
typedef enum {
  MS_FOLLOW_NOTHING,           /* INSERT, transactions, compaction, ...: no catalog change */
  MS_FOLLOW_DATABASE,          /* the database the event names */
  MS_FOLLOW_TABLE,             /* the table, with partitions, statistics, constraints */
  MS_FOLLOW_TABLE_SWEEP,       /* ALTER_TABLE: the table, and tables renamed away */
  MS_FOLLOW_FUNCTIONS,         /* the functions of the event's database */
} MsFollowAction;

/* The action for an event of 'type' naming a database (has_db) and a
 * table (has_table). A type this build does not know acts on the
 * narrowest object it names. */
MsFollowAction ms_follow_action (const char *type, gboolean has_db, gboolean has_table);
const char *ms_follow_action_name (MsFollowAction a);

/* Whether an event of 'type' adds, alters or drops partitions it names in
 * its message (follow_message.c reads them). */
gboolean ms_follow_partition_event (const char *type);

/* Add to 'names' (a set of char*, owning them) the names of the
 * partitions a partition event's message names (format as the source's
 * MESSAGE_FORMAT: "json-0.2" or "gzip(json-2.0)"), for a table whose
 * partition keys are 'keys'. MS_ERROR_INVALID_INPUT when the message
 * cannot be read: the caller then copies the whole table. */
gboolean ms_follow_message_parts (const char *type, const char *format, const char *message,
                                  const char *const *keys, guint n_keys, GHashTable *names,
                                  GError **error);

/* Whether events were lost before we read them (the source's TTL cleaned
 * them): we need event 'next'; 'first' is the first id the log holds
 * at or after it (or, when none, the id the source gives its next event)
 * and 'oldest' the smallest id the log holds (0: the log is empty). */
gboolean ms_follow_gap (gint64 next, gint64 first, gint64 oldest);

/* Whether two events act on the same object the same way, so that they can
 * be applied together (one read of the object, one transaction). */
gboolean ms_follow_same (MsFollowAction a, const MsHiveEvent *x, MsFollowAction b,
                         const MsHiveEvent *y);

/* The progress line: events applied, lag in events and seconds. */
char *ms_follow_progress_line (gint64 applied, gint64 next, gint64 source_next,
                               gint64 lag_seconds);

/* Tail the source until SIGINT or SIGTERM (the event under way is
 * finished and its position recorded; then TRUE). 'src' is the bulk
 * copy's source (its snapshot is ended) or NULL to open one. Each event
 * (or run of events on one object) and the new position are one
 * transaction of the catalog. */
gboolean ms_import_follow (MsStore *store, MsHiveSource *src, const MsImportOptions *o,
                           GError **error);
