/*
 * follow_rules.c: the pieces of `import --follow` that need no database:
 * which events change which object (a table, as data), the gap check and
 * the progress line.
 */
#include "import/follow.h"
#include <string.h>

static const struct {
  const char *type;
  MsFollowAction action;
} event_actions[] = {
  { "CREATE_DATABASE", MS_FOLLOW_DATABASE },
  { "ALTER_DATABASE", MS_FOLLOW_DATABASE },
  { "DROP_DATABASE", MS_FOLLOW_DATABASE },
  { "CREATE_TABLE", MS_FOLLOW_TABLE },
  { "ALTER_TABLE", MS_FOLLOW_TABLE_SWEEP },      /* names the new name after a rename */
  { "DROP_TABLE", MS_FOLLOW_TABLE },
  { "ADD_PARTITION", MS_FOLLOW_TABLE },
  { "ALTER_PARTITION", MS_FOLLOW_TABLE },
  { "ALTER_PARTITIONS", MS_FOLLOW_TABLE },
  { "DROP_PARTITION", MS_FOLLOW_TABLE },
  { "UPDATE_TABLE_COLUMN_STAT", MS_FOLLOW_TABLE },
  { "DELETE_TABLE_COLUMN_STAT", MS_FOLLOW_TABLE },
  { "UPDATE_PARTITION_COLUMN_STAT", MS_FOLLOW_TABLE },
  { "UPDATE_PARTITION_COLUMN_STAT_BATCH", MS_FOLLOW_TABLE },
  { "DELETE_PARTITION_COLUMN_STAT", MS_FOLLOW_TABLE },
  { "ADD_PRIMARYKEY", MS_FOLLOW_TABLE },
  { "ADD_FOREIGNKEY", MS_FOLLOW_TABLE },
  { "ADD_UNIQUECONSTRAINT", MS_FOLLOW_TABLE },
  { "ADD_NOTNULLCONSTRAINT", MS_FOLLOW_TABLE },
  { "ADD_DEFAULTCONSTRAINT", MS_FOLLOW_TABLE },
  { "ADD_CHECKCONSTRAINT", MS_FOLLOW_TABLE },
  { "DROP_CONSTRAINT", MS_FOLLOW_TABLE },
  { "RELOAD", MS_FOLLOW_TABLE },
  { "CREATE_FUNCTION", MS_FOLLOW_FUNCTIONS },
  { "DROP_FUNCTION", MS_FOLLOW_FUNCTIONS },
  /* no change of the catalog beyond what other events carry */
  { "INSERT", MS_FOLLOW_NOTHING },
  { "OPEN_TXN", MS_FOLLOW_NOTHING },
  { "COMMIT_TXN", MS_FOLLOW_NOTHING },
  { "ABORT_TXN", MS_FOLLOW_NOTHING },
  { "ALLOC_WRITE_ID", MS_FOLLOW_NOTHING },
  { "ACID_WRITE", MS_FOLLOW_NOTHING },
  { "BATCH_ACID_WRITE", MS_FOLLOW_NOTHING },
  { "COMMIT_COMPACTION", MS_FOLLOW_NOTHING },
};

static const char *const action_names[] = {
  [MS_FOLLOW_NOTHING] = "nothing", [MS_FOLLOW_DATABASE] = "database",
  [MS_FOLLOW_TABLE] = "table", [MS_FOLLOW_TABLE_SWEEP] = "table and renames",
  [MS_FOLLOW_FUNCTIONS] = "functions",
};

MsFollowAction
ms_follow_action (const char *type, gboolean has_db, gboolean has_table)
{
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (event_actions); i++)
    if (strcmp (type, event_actions[i].type) == 0)
      {
        MsFollowAction a = event_actions[i].action;
        /* an object event without its object's name changes nothing we can find */
        if ((a == MS_FOLLOW_TABLE || a == MS_FOLLOW_TABLE_SWEEP) && !(has_db && has_table))
          return has_db ? MS_FOLLOW_DATABASE : MS_FOLLOW_NOTHING;
        return a == MS_FOLLOW_NOTHING || has_db ? a : MS_FOLLOW_NOTHING;
      }
  if (has_db && has_table)
    return MS_FOLLOW_TABLE;
  return has_db ? MS_FOLLOW_DATABASE : MS_FOLLOW_NOTHING;
}

gboolean
ms_follow_partition_event (const char *type)
{
  static const char *const types[] = { "ADD_PARTITION", "ALTER_PARTITION", "DROP_PARTITION" };
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (types); i++)
    if (strcmp (type, types[i]) == 0)
      return TRUE;
  return FALSE;
}

const char *
ms_follow_action_name (MsFollowAction a)
{
  return action_names[a];
}

gboolean
ms_follow_gap (gint64 next, gint64 first, gint64 oldest)
{
  return first > next && (oldest == 0 || oldest > next);
}

gboolean
ms_follow_same (MsFollowAction a, const MsHiveEvent *x, MsFollowAction b, const MsHiveEvent *y)
{
  if (a != b)
    return FALSE;
  if (a == MS_FOLLOW_NOTHING)
    return TRUE;
  return g_strcmp0 (x->catalog, y->catalog) == 0 && g_strcmp0 (x->db, y->db) == 0
         && (a == MS_FOLLOW_DATABASE || a == MS_FOLLOW_FUNCTIONS
             || g_strcmp0 (x->table, y->table) == 0);
}

char *
ms_follow_progress_line (gint64 applied, gint64 next, gint64 source_next, gint64 lag_seconds)
{
  gint64 lag = MAX (source_next - next, 0);
  return g_strdup_printf ("follow: %" G_GINT64_FORMAT " events applied, next event %"
                          G_GINT64_FORMAT ", lag %" G_GINT64_FORMAT " events, %" G_GINT64_FORMAT
                          " s", applied, next, lag, lag > 0 ? MAX (lag_seconds, 0) : 0);
}
