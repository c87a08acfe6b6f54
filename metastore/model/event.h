/*
 * event.h: a notification event as the store sees it (Hive's
 * NotificationEvent before its message is written), and the encoder
 * interface that turns one into the message text.
 *
 * The store builds an MsEvent from the model objects a change touched and
 * hands it to the encoder registered on it (the HMS door registers Hive's
 * JSON message format at start-up, hms/event_message.c); the store itself
 * never builds a message. Every pointer of an MsEvent is borrowed for the
 * duration of the encode call only.
 */
#pragma once
#include <glib.h>
#include "model/model.h"
#include "model/table.h"
#include "model/partition.h"
#include "model/constraint.h"
#include "model/stats.h"

typedef enum {
  MS_EVENT_CREATE_DATABASE,
  MS_EVENT_ALTER_DATABASE,
  MS_EVENT_DROP_DATABASE,
  MS_EVENT_CREATE_TABLE,
  MS_EVENT_ALTER_TABLE,
  MS_EVENT_DROP_TABLE,
  MS_EVENT_ADD_PARTITION,
  MS_EVENT_ALTER_PARTITION,
  MS_EVENT_DROP_PARTITION,
  MS_EVENT_CREATE_FUNCTION,
  MS_EVENT_DROP_FUNCTION,
  MS_EVENT_INSERT,
  MS_EVENT_ADD_PRIMARYKEY,
  MS_EVENT_ADD_FOREIGNKEY,
  MS_EVENT_ADD_UNIQUECONSTRAINT,
  MS_EVENT_ADD_NOTNULLCONSTRAINT,
  MS_EVENT_ADD_DEFAULTCONSTRAINT,
  MS_EVENT_ADD_CHECKCONSTRAINT,
  MS_EVENT_DROP_CONSTRAINT,
  MS_EVENT_UPDATE_TABLE_COLUMN_STAT,
  MS_EVENT_UPDATE_PARTITION_COLUMN_STAT,
  MS_EVENT_DELETE_TABLE_COLUMN_STAT,
  MS_EVENT_DELETE_PARTITION_COLUMN_STAT,
  MS_EVENT_N_TYPES
} MsEventType;

/* Hive's event type name ("CREATE_TABLE", ...). */
const char *ms_event_type_name (MsEventType type);
/* The ADD_* event of constraints of 'kind'. */
MsEventType ms_event_type_of_constraint (MsConstraintKind kind);

/* One file an INSERT event names, with its checksum (NULL: none) and the
 * sub-directory it was written to (NULL: none). */
typedef struct {
  const char *path;
  const char *checksum;
  const char *subdir;
} MsEventFile;

typedef struct {
  MsEventType type;
  /* the database: the one changed (after), and before for ALTER_DATABASE */
  const MsDatabase *db;
  const MsDatabase *db_before;
  /* the table: the one changed (after; as dropped for DROP_TABLE), and
   * before for ALTER_TABLE; the partitions' table for partition events */
  const MsTable *table;
  const MsTable *table_before;
  gboolean truncate;            /* ALTER_TABLE / ALTER_PARTITION of a truncate */
  /* ADD_PARTITION, DROP_PARTITION: the partitions (MsPartition*);
   * ALTER_PARTITION: one partition after and before; INSERT: the
   * partition written (NULL: the table) */
  GPtrArray *parts;
  const MsPartition *part;
  const MsPartition *part_before;
  /* CREATE_FUNCTION, DROP_FUNCTION */
  const MsFunction *function;
  /* INSERT */
  gboolean replace;
  const MsEventFile *files;
  guint n_files;
  /* ADD_PRIMARYKEY ... ADD_CHECKCONSTRAINT: the constraints added
   * (MsConstraint*, all of the event's kind, at least one, names set);
   * DROP_CONSTRAINT: the name dropped (with catalog, db_name, table_name) */
  const GPtrArray *constraints;
  const char *constraint_name;
  /* UPDATE_TABLE_COLUMN_STAT, UPDATE_PARTITION_COLUMN_STAT: the statistics
   * written (with 'table', and for a partition 'part', both as after the
   * write: their parameters are the message's); DELETE_*_COLUMN_STAT: the
   * column deleted (with 'table', and for a partition 'part' and its
   * stored name 'part_name') */
  const MsColumnStatistics *col_stats;
  const char *column;
  const char *part_name;
  /* names for the log row, when no object above carries them (DROP_DATABASE
   * of a database read before, DROP_FUNCTION, DROP_CONSTRAINT) */
  const char *catalog, *db_name, *table_name;
} MsEvent;

/* The message of 'ev' (caller frees) in the encoder's format, or NULL with
 * 'error' set. */
typedef char *(*MsEventEncodeFn) (const MsEvent *ev, gpointer user, GError **error);

typedef struct {
  MsEventEncodeFn encode;
  gpointer user;
  const char *format;           /* messageFormat of what 'encode' writes */
} MsEventEncoder;
