/*
 * follow.c: `metastore import --follow`: tails the source's
 * NOTIFICATION_LOG and applies its events to the catalog until SIGINT or
 * SIGTERM.
 *
 * Partition events (ADD_, ALTER_, DROP_PARTITION) are decoded
 * (follow_message.c): the partitions they name are dropped on our side
 * and copied again from the source, in a fresh repeatable-read snapshot,
 * with their statistics and grants. Other events are not decoded: they
 * name a database or a table (or a database's functions), which is read
 * again from the snapshot and ours made equal to it with the bulk copy's
 * per-object code: a database is created, refreshed or dropped; a table
 * is dropped and copied again with its partitions, statistics,
 * constraints and grants (or only dropped when the source has it no
 * more); so is a table whose partition event's message cannot be read.
 * A run of events on one object is applied once. Each application and the
 * new position (ms_import_runs) are ONE transaction of the catalog, so a
 * restart neither loses nor repeats an event.
 */
#include "import/follow.h"
#include "import/import_internal.h"
#include "core/error.h"
#include "core/log.h"
#include "core/part_name.h"
#include <signal.h>
#include <string.h>

#define EVENTS_PER_ROUND 200

static volatile sig_atomic_t stop_requested;

static void
on_stop (int sig)
{
  (void) sig;
  stop_requested = 1;
}

typedef struct {
  Import im;
  char *label;                 /* the source, as ms_import_runs names it */
  gint64 next;                 /* the next event to apply */
  gint64 applied;
  gint64 last_report, reported;  /* when, and 'applied' then */
  gboolean warned;             /* about an empty log */
} Follow;

/* ---- making one object equal to the source's ---- */

static gboolean
refresh_database (Follow *f, const MsHiveEvent *e, GError **error)
{
  MsStore *store = f->im.store;
  g_autoptr (GPtrArray) dbs = ms_hive_source_databases (f->im.src, error);
  if (dbs == NULL)
    return FALSE;
  MsDatabase *want = NULL;
  for (guint i = 0; i < dbs->len && want == NULL; i++)
    {
      MsDatabase *d = g_ptr_array_index (dbs, i);
      if (g_strcmp0 (d->catalog, e->catalog) == 0 && g_strcmp0 (d->name, e->db) == 0)
        want = d;
    }
  g_autoptr (GError) local = NULL;
  g_autoptr (MsDatabase) have = ms_store_database_get (store, e->catalog, e->db, &local);
  if (have == NULL && !ms_error_not_found (&local, error))
    return FALSE;
  if (want == NULL)
    return have == NULL
           || ms_store_database_drop (store, e->catalog, e->db, TRUE, NULL, NULL, error);
  if (have == NULL)
    return ms_store_database_create (store, want, error);
  return ms_store_database_alter (store, e->catalog, e->db, want, error);
}

static gboolean
refresh_functions (Follow *f, const MsHiveEvent *e, GError **error)
{
  MsStore *store = f->im.store;
  g_autoptr (GPtrArray) fns = ms_hive_source_functions (f->im.src, error);
  g_autoptr (GPtrArray) have = fns ? ms_store_function_list (store, e->catalog, e->db, NULL, error)
                                   : NULL;
  if (have == NULL)
    return FALSE;
  g_autoptr (GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < fns->len; i++)
    {
      MsFunction *fn = g_ptr_array_index (fns, i);
      if (g_strcmp0 (fn->catalog, e->catalog) != 0 || g_strcmp0 (fn->db_name, e->db) != 0)
        continue;
      g_hash_table_add (wanted, fn->name);
      if (!g_ptr_array_find_with_equal_func (have, fn->name, g_str_equal, NULL)
          && !ms_store_function_create (store, fn, error))
        return FALSE;
    }
  for (guint i = 0; i < have->len; i++)
    {
      const char *name = g_ptr_array_index (have, i);
      if (!g_hash_table_contains (wanted, name)
          && !ms_store_function_drop (store, e->catalog, e->db, name, error))
        return FALSE;
    }
  return TRUE;
}

/* The source's constraints of catalog.db.table copied again: those it
 * owns, and the foreign keys of other tables referencing it (dropping
 * the table took them away). */
static gboolean
refresh_constraints (Follow *f, const char *catalog, const char *db, const char *table,
                     GError **error)
{
  g_autoptr (GPtrArray) rows = ms_hive_source_constraints (f->im.src, error);
  if (rows == NULL)
    return FALSE;
  g_autoptr (GPtrArray) mine = ms_constraints_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      MsConstraint *c = g_ptr_array_index (rows, i);
      gboolean owned = g_strcmp0 (c->db_name, db) == 0 && g_strcmp0 (c->table_name, table) == 0;
      gboolean referencing = c->kind == MS_CONSTRAINT_FOREIGN_KEY
                             && g_strcmp0 (c->ref_db, db) == 0
                             && g_strcmp0 (c->ref_table, table) == 0;
      if (g_strcmp0 (c->catalog, catalog) == 0 && (owned || referencing))
        g_ptr_array_add (mine, g_steal_pointer (&rows->pdata[i]));
    }
  return ms_import_constraint_rows (&f->im, mine, error);
}

typedef struct {
  MsStore *store;
  const char *catalog, *db, *table;
  const MsTable *parted;       /* with 'parts': only grants on these partitions */
  GHashTable *parts;
} TableGrants;

/* The names of t's partition keys (NULL-terminated; the strings are t's). */
static const char **
key_names (const MsTable *t)
{
  guint n = t->partition_keys ? t->partition_keys->len : 0;
  const char **keys = g_new0 (const char *, n + 1);
  for (guint i = 0; i < n; i++)
    keys[i] = ((MsColumn *) g_ptr_array_index (t->partition_keys, i))->name;
  return keys;
}

/* Whether 'p' is on a partition tg->parts names. */
static gboolean
on_named_partition (const TableGrants *tg, const MsPrivilege *p)
{
  if (p->object.part_values == NULL)
    return FALSE;
  const MsTable *t = tg->parted;
  guint n = t->partition_keys->len;
  if (g_strv_length (p->object.part_values) != n)
    return FALSE;
  g_autofree const char **keys = key_names (t);
  g_autofree char *name = ms_part_name_make (keys, (const char *const *) p->object.part_values,
                                             n);
  return g_hash_table_contains (tg->parts, name);
}

static gboolean
grant_table_batch (gpointer user, GPtrArray *batch, GError **error)
{
  TableGrants *tg = user;
  g_autoptr (GPtrArray) mine = g_ptr_array_new ();
  for (guint i = 0; i < batch->len; i++)
    {
      MsPrivilege *p = g_ptr_array_index (batch, i);
      if (p->object.type >= MS_OBJECT_TABLE && g_strcmp0 (p->object.catalog, tg->catalog) == 0
          && g_strcmp0 (p->object.db_name, tg->db) == 0
          && g_strcmp0 (p->object.table_name, tg->table) == 0
          && (tg->parts == NULL || on_named_partition (tg, p)))
        g_ptr_array_add (mine, p);
    }
  return mine->len == 0 || ms_store_privileges_grant (tg->store, mine, error);
}

/* The source's grants on catalog.db.table, its partitions and columns
 * (dropping the table took ours away). */
static gboolean
refresh_grants (Follow *f, const char *catalog, const char *db, const char *table,
                GError **error)
{
  TableGrants tg = { f->im.store, catalog, db, table, NULL, NULL };
  return ms_hive_source_privileges (f->im.src, f->im.o->batch, grant_table_batch, &tg, error);
}

static gboolean
refresh_table (Follow *f, const char *catalog, const char *db, const char *name,
               GError **error)
{
  MsStore *store = f->im.store;
  gint64 src_id = 0;
  g_autoptr (GError) missing = NULL;
  g_autoptr (MsTable) want = ms_hive_source_table (f->im.src, catalog, db, name, &src_id,
                                                   &missing);
  if (want == NULL && !ms_error_not_found (&missing, error))
    return FALSE;
  g_autoptr (GError) local = NULL;
  g_autoptr (MsTable) have = ms_store_table_get (store, catalog, db, name, &local);
  if (have == NULL && !ms_error_not_found (&local, error))
    return FALSE;
  if (have != NULL && !ms_store_table_drop (store, catalog, db, name, have, NULL, error))
    return FALSE;
  if (want == NULL)
    return TRUE;
  return ms_import_table (&f->im, src_id, want, error)
         && refresh_constraints (f, catalog, db, name, error)
         && refresh_grants (f, catalog, db, name, error);
}

/* ---- only the partitions a run of partition events names ---- */

/* The names of the partitions events [from, to) name, for our table
 * 'have'; NULL (and 'why') when one is no partition event or its message
 * cannot be read. */
static GHashTable *
named_partitions (const MsTable *have, GPtrArray *events, guint from, guint to, GError **why)
{
  guint n = have->partition_keys ? have->partition_keys->len : 0;
  g_autofree const char **keys = key_names (have);
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = from; i < to; i++)
    {
      const MsHiveEvent *e = g_ptr_array_index (events, i);
      if (!ms_follow_partition_event (e->type))
        {
          ms_fail (why, MS_ERROR_INVALID_INPUT, "event %" G_GINT64_FORMAT " (%s) changes more "
                   "than partitions", e->id, e->type);
          return NULL;
        }
      if (!ms_follow_message_parts (e->type, e->format, e->message, keys, n, names, why))
        {
          g_prefix_error (why, "event %" G_GINT64_FORMAT " (%s): ", e->id, e->type);
          return NULL;
        }
    }
  return g_steal_pointer (&names);
}

/* Whether the source's table 'want' has the partition keys of ours. */
static gboolean
same_keys (const MsTable *want, const MsTable *have)
{
  guint n = have->partition_keys->len;
  if (want->partition_keys == NULL || want->partition_keys->len != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (((MsColumn *) want->partition_keys->pdata[i])->name,
                   ((MsColumn *) have->partition_keys->pdata[i])->name) != 0)
      return FALSE;
  return TRUE;
}

/* Make our partitions 'names' of 'have' equal to the source's: dropped,
 * then those the snapshot holds added again with their statistics and
 * grants. *whole when the source's table is gone or another (the caller
 * copies the whole table). */
static gboolean
copy_partitions (Follow *f, MsTable *have, GHashTable *names, gboolean *whole, GError **error)
{
  gint64 src_id = 0;
  g_autoptr (GError) missing = NULL;
  g_autoptr (MsTable) want = ms_hive_source_table (f->im.src, have->catalog, have->db_name,
                                                   have->name, &src_id, &missing);
  if (want == NULL && !ms_error_not_found (&missing, error))
    return FALSE;
  *whole = want == NULL || !same_keys (want, have);
  if (*whole || g_hash_table_size (names) == 0)
    return TRUE;
  g_autofree const char **list = (const char **) g_hash_table_get_keys_as_array (names, NULL);
  guint n = g_hash_table_size (names);
  MsPartitionQuery q = { .catalog = have->catalog, .db = have->db_name, .table = have->name,
                         .by_names = TRUE, .names = list, .n_names = n, .max_parts = -1 };
  g_autoptr (GPtrArray) dropped = ms_store_partition_drop (f->im.store, &q, 0, error);
  TableGrants tg = { f->im.store, have->catalog, have->db_name, have->name, have, names };
  return dropped != NULL
         && ms_import_partitions_named (&f->im, src_id, have, list, n, error)
         && ms_hive_source_privileges (f->im.src, f->im.o->batch, grant_table_batch, &tg, error);
}

/* A run of events on one table: when they all add, alter or drop
 * partitions their messages name, only those partitions are copied;
 * otherwise (or when a message cannot be read) the whole table. */
static gboolean
refresh_table_run (Follow *f, GPtrArray *events, guint from, guint to, GError **error)
{
  const MsHiveEvent *e = g_ptr_array_index (events, from);
  g_autoptr (GError) local = NULL;
  g_autoptr (MsTable) have = ms_store_table_get (f->im.store, e->catalog, e->db, e->table,
                                                 &local);
  if (have == NULL && !ms_error_not_found (&local, error))
    return FALSE;
  g_autoptr (GError) why = NULL;
  g_autoptr (GHashTable) names = have ? named_partitions (have, events, from, to, &why) : NULL;
  gboolean whole = TRUE;
  if (names != NULL && !copy_partitions (f, have, names, &whole, error))
    return FALSE;
  if (!whole)
    return TRUE;
  ms_debug ("follow: events %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " on %s.%s: %s; "
            "copying the whole table", e->id, ((MsHiveEvent *) events->pdata[to - 1])->id, e->db,
            e->table, why ? why->message : "the table is not the source's as we have it");
  return refresh_table (f, e->catalog, e->db, e->table, error);
}

/* Drop our tables of the catalog the source has no more: after a rename
 * (the event names the new name; the old one may be in any database), or
 * a database dropped and made again. */
static gboolean
sweep_renamed (Follow *f, const char *catalog, GError **error)
{
  g_autoptr (GPtrArray) names = ms_hive_source_table_names (f->im.src, catalog, error);
  g_autoptr (GPtrArray) ours = names ? ms_store_table_meta (f->im.store, catalog, NULL, NULL,
                                                            NULL, 0, error) : NULL;
  if (ours == NULL)
    return FALSE;
  g_autoptr (GHashTable) there = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < names->len; i++)
    g_hash_table_add (there, g_ptr_array_index (names, i));
  for (guint i = 0; i < ours->len; i++)
    {
      MsTableMeta *m = g_ptr_array_index (ours, i);
      g_autofree char *key = g_strdup_printf ("%s.%s", m->db_name, m->name);
      if (!g_hash_table_contains (there, key)
          && !ms_store_table_drop (f->im.store, catalog, m->db_name, m->name, NULL, NULL, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply (Follow *f, MsFollowAction a, GPtrArray *events, guint from, guint to, GError **error)
{
  const MsHiveEvent *e = g_ptr_array_index (events, from);
  switch (a)
    {
    case MS_FOLLOW_NOTHING:
      return TRUE;
    case MS_FOLLOW_DATABASE:
      /* a database dropped and made again: what it held before goes */
      return refresh_database (f, e, error) && sweep_renamed (f, e->catalog, error)
             && refresh_functions (f, e, error);
    case MS_FOLLOW_FUNCTIONS:
      return refresh_functions (f, e, error);
    case MS_FOLLOW_TABLE_SWEEP:
      return sweep_renamed (f, e->catalog, error)
             && refresh_table (f, e->catalog, e->db, e->table, error);
    case MS_FOLLOW_TABLE:
      return refresh_table_run (f, events, from, to, error);
    }
  return TRUE;
}

/* Apply events [from, to) of 'events' (one object, one action) and move
 * the position past them, in one transaction. */
static gboolean
apply_run (Follow *f, GPtrArray *events, guint from, guint to, MsFollowAction a, GError **error)
{
  const MsHiveEvent *e = g_ptr_array_index (events, from);
  const MsHiveEvent *last = g_ptr_array_index (events, to - 1);
  if (!ms_store_begin_outer (f->im.store, error))
    return FALSE;
  gboolean ok = apply (f, a, events, from, to, error)
                && ms_store_import_advance (f->im.store, f->label, last->id + 1, error);
  if (!ms_store_end_outer (f->im.store, ok, ok ? error : NULL) || !ok)
    {
      g_prefix_error (error, "event %" G_GINT64_FORMAT " (%s %s.%s%s%s): ", e->id, e->type,
                      e->catalog, e->db ? e->db : "", e->table ? "." : "",
                      e->table ? e->table : "");
      return FALSE;
    }
  f->next = last->id + 1;
  f->applied += to - from;
  return TRUE;
}

/* ---- the loop ---- */

static void
report (Follow *f, gint64 lag_seconds, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  /* every 2 s while applying; idle, every 30 s */
  gint64 every = (f->applied == f->reported ? 30 : 2) * G_USEC_PER_SEC;
  if (!force && now - f->last_report < every)
    return;
  f->last_report = now;
  f->reported = f->applied;
  g_autofree char *line = ms_follow_progress_line (f->applied, f->next,
                                                   ms_hive_source_next_event (f->im.src),
                                                   lag_seconds);
  fprintf (f->im.o->progress, "%s\n", line);
  fflush (f->im.o->progress);
}

/* One round in a fresh snapshot: the events after the position, applied
 * in runs; *idle when there were none. */
static gboolean
round_once (Follow *f, gboolean *idle, GError **error)
{
  if (!ms_hive_source_renew (f->im.src, error))
    return FALSE;
  g_autoptr (GPtrArray) events = ms_hive_source_events (f->im.src, f->next, EVENTS_PER_ROUND,
                                                        error);
  gint64 oldest = 0, newest = 0;
  if (events == NULL || !ms_hive_source_event_bounds (f->im.src, &oldest, &newest, error))
    return FALSE;
  if (oldest == 0 && !f->warned)
    {
      /* nothing to follow yet, or a source that writes no log at all */
      f->warned = TRUE;
      fprintf (f->im.o->progress, "follow: the source's notification log is empty; it stays "
               "so unless the Java metastore runs DbNotificationListener (see the README)\n");
    }
  gint64 first = events->len ? ((MsHiveEvent *) events->pdata[0])->id
                             : ms_hive_source_next_event (f->im.src);
  if (ms_follow_gap (f->next, first, oldest))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "the source's notification log no longer holds event %" G_GINT64_FORMAT
                    " (its oldest is %" G_GINT64_FORMAT ", 0: none; events were cleaned before they "
                    "were read): run the bulk import again (metastore import --from ...), "
                    "then --follow", f->next, oldest);
  *idle = events->len == 0;
  gint64 lag_s = events->len ? g_get_real_time () / G_USEC_PER_SEC
                               - ((MsHiveEvent *) events->pdata[0])->time : 0;
  report (f, lag_s, FALSE);
  guint from = 0;
  for (guint i = 1; i <= events->len && !stop_requested; i++)
    {
      MsHiveEvent *a = g_ptr_array_index (events, from);
      MsHiveEvent *b = i < events->len ? g_ptr_array_index (events, i) : NULL;
      MsFollowAction aa = ms_follow_action (a->type, a->db != NULL, a->table != NULL);
      if (b != NULL
          && ms_follow_same (aa, a, ms_follow_action (b->type, b->db != NULL, b->table != NULL), b))
        continue;
      if (!apply_run (f, events, from, i, aa, error))
        return FALSE;
      from = i;
    }
  if (events->len > 0 && f->next > newest)
    report (f, 0, TRUE);       /* caught up */
  return TRUE;
}

static void
sleep_ms (guint ms)
{
  for (guint waited = 0; waited < ms && !stop_requested; waited += 50)
    g_usleep (50 * 1000);
}

gboolean
ms_import_follow (MsStore *store, MsHiveSource *given, const MsImportOptions *o, GError **error)
{
  g_autoptr (MsHiveSource) own = given ? NULL : ms_hive_source_open (o->from, error);
  MsHiveSource *src = given ? given : own;
  if (src == NULL)
    return FALSE;
  g_autofree char *label = ms_store_import_source_label (o->from);
  Follow f = { .im = { store, src, o, -1, 0, 0, 0, NULL, FALSE }, .label = label };
  if (!ms_store_import_position (store, label, &f.next, error))
    return FALSE;
  if (f.next == 0)
    return ms_fail (error, MS_ERROR_NOT_FOUND, "no import from %s is recorded: run the bulk "
                    "import first (metastore import --from ...)", label);
  ms_store_set_events (store, FALSE, NULL);
  stop_requested = 0;
  struct sigaction sa = { .sa_handler = on_stop };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  fprintf (o->out, "follow: from event %" G_GINT64_FORMAT " of %s, polling every %u ms; "
           "stop with SIGINT or SIGTERM\n", f.next, label, o->poll_ms);
  fflush (o->out);
  while (!stop_requested)
    {
      gboolean idle = FALSE;
      if (!round_once (&f, &idle, error))
        return FALSE;
      if (idle)
        sleep_ms (o->poll_ms);
    }
  report (&f, 0, TRUE);
  fprintf (o->out, "follow: stopped; %" G_GINT64_FORMAT " events applied, the next is %"
           G_GINT64_FORMAT "\n", f.applied, f.next);
  return TRUE;
}
