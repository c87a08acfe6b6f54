/*
 * import.c: `metastore import`: reads a Java metastore database in one
 * snapshot (store/hive_source.h) and writes our catalog through the
 * store, family by family:
 *   1. refuse a source whose rows break our rules (nothing written);
 *   2. count the source (the dry run stops here);
 *   3. catalogs and databases: created, or refreshed to the source's
 *      description, location, owner and parameters when already there;
 *   4. tables (created when missing, kept when there), each followed by
 *      its partitions in batches (missing ones added, one transaction per
 *      batch) and its table and partition statistics (written over);
 *   5. constraints, functions, roles, role grants and privileges (added
 *      when missing);
 *   6. the run and the source's notification position are recorded;
 *   7. verification (verify.c).
 * Re-running is therefore safe and continues an interrupted run.
 */
#include "import/import_internal.h"
#include "core/error.h"
#include "service/constraint.h"
#include <string.h>

/* ---- progress ---- */

static void
progress (Import *im, gboolean final)
{
  gint64 now = g_get_monotonic_time ();
  if (im->total < 0)
    return;                     /* --follow reports events, not objects */
  if (!final && now - im->last_report < (im->o->terminal ? 200000 : 5000000))
    return;
  im->last_report = now;
  double secs = MAX ((now - im->t0) / 1e6, 1e-3);
  double rate = im->done / secs;
  double left = rate > 0 && im->total > im->done ? (im->total - im->done) / rate : 0;
  FILE *f = im->o->progress;
  fprintf (f, "%s%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " objects, %.0f/s, %.0f s left%s",
           im->o->terminal ? "\r\033[K" : "import: ", im->done, im->total, rate, left,
           im->o->terminal && !final ? "" : "\n");
  fflush (f);
}

static void
advance (Import *im, gint64 n)
{
  im->done += n;
  progress (im, FALSE);
}

/* ---- containers: created or refreshed ---- */

static gboolean
import_catalogs (Import *im, GError **error)
{
  g_autoptr (GPtrArray) cats = ms_hive_source_catalogs (im->src, error);
  if (cats == NULL)
    return FALSE;
  for (guint i = 0; i < cats->len; i++)
    {
      MsCatalog *c = g_ptr_array_index (cats, i);
      /* schematool's placeholder, replaced when the Java server first
       * starts: our warehouse root stands in */
      if (g_strcmp0 (c->location_uri, "TBD") == 0)
        {
          g_free (c->location_uri);
          c->location_uri = g_strdup (im->store->warehouse);
        }
      g_autoptr (GError) local = NULL;
      if (!ms_store_catalog_create (im->store, c, &local)
          && (!g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS)
              || !ms_store_catalog_alter (im->store, c->name, c, error)))
        {
          if (local && !g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
            g_propagate_prefixed_error (error, g_steal_pointer (&local), "catalog %s: ",
                                        c->name);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
import_databases (Import *im, GError **error)
{
  g_autoptr (GPtrArray) dbs = ms_hive_source_databases (im->src, error);
  if (dbs == NULL)
    return FALSE;
  for (guint i = 0; i < dbs->len; i++)
    {
      MsDatabase *d = g_ptr_array_index (dbs, i);
      g_autoptr (GError) local = NULL;
      if (ms_store_database_create (im->store, d, &local))
        continue;
      if (!g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local), "database %s.%s: ",
                                      d->catalog, d->name);
          return FALSE;
        }
      if (!ms_store_database_alter (im->store, d->catalog, d->name, d, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- tables, partitions, statistics ---- */

static gboolean
write_stats (gpointer user, GPtrArray *batch, GError **error)
{
  Import *im = user;
  MsColumnStatistics *first = g_ptr_array_index (batch, 0);
  /* the parameters (COLUMN_STATS_ACCURATE among them) were copied with
   * the table and partitions: the statistics leave them as they are */
  if (!ms_store_stats_copy (im->store, first->catalog, first->db_name, first->table_name,
                            first->is_tbl_level, batch, error))
    return FALSE;
  advance (im, batch->len);
  return TRUE;
}

/* The stored table catalog.db.name: 't' created when missing (im->fresh
 * says which). */
static MsTable *
table_target (Import *im, MsTable *t, GError **error)
{
  g_autoptr (GError) local = NULL;
  im->fresh = FALSE;
  MsTable *stored = ms_store_table_get (im->store, t->catalog, t->db_name, t->name, &local);
  if (stored != NULL || !ms_error_not_found (&local, error))
    return stored;
  if (!ms_store_table_create (im->store, t, error))
    return NULL;
  im->fresh = TRUE;
  return ms_table_copy (t);
}

/* The partitions of one table are read by a thread of their own while
 * im->writers threads (this one and more, each on its own connection of
 * the store's pool) write them, so the source's and the catalog's
 * PostgreSQL work at the same time on every core; at most QUEUE_MAX
 * batches wait between them. Partitions are listed by name, so the order
 * in which batches land does not show. */
#define QUEUE_MAX 4
#define WRITERS_MAX 4

typedef struct {
  Import *im;
  MsHiveSource *src;
  gint64 src_id;
  const MsTable *t;
  guint batch;
  GAsyncQueue *q;              /* GPtrArray* batches, then 'done' */
  gint stop;                   /* a writer failed: stop reading and writing */
  GError *error;               /* the reader's */
  GMutex lock;                 /* progress and the writers' first error */
  GError *write_error;
} Reader;

static GPtrArray reader_done;  /* the end-of-stream marker */

static gboolean
reader_push (gpointer user, GPtrArray *batch, GError **error)
{
  Reader *r = user;
  while (g_async_queue_length (r->q) >= QUEUE_MAX && !g_atomic_int_get (&r->stop))
    g_usleep (500);
  if (g_atomic_int_get (&r->stop))
    return ms_fail (error, MS_ERROR_INTERNAL, "stopped");
  GPtrArray *copy = ms_partitions_new ();
  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (copy, g_steal_pointer (&batch->pdata[i]));
  g_async_queue_push (r->q, copy);
  return TRUE;
}

static gpointer
reader_main (gpointer user)
{
  Reader *r = user;
  ms_hive_source_partitions (r->src, r->src_id, r->t, r->batch, reader_push, r, &r->error);
  g_async_queue_push (r->q, &reader_done);
  return NULL;
}

/* Add one batch (a writer thread's). */
static gboolean
write_parts (Reader *r, GPtrArray *batch, GError **error)
{
  Import *im = r->im;
  /* a table this run created takes plain inserts (cheaper than skipping
   * conflicts); one that was there may hold some of them already */
  g_autoptr (GPtrArray) added = ms_store_partition_add (im->store, r->t, batch, !im->fresh,
                                                        error);
  if (added == NULL)
    return FALSE;
  g_mutex_lock (&r->lock);
  advance (im, batch->len);
  g_mutex_unlock (&r->lock);
  return TRUE;
}

/* Write batches until the end marker (put back for the other writers). */
static gpointer
writer_main (gpointer user)
{
  Reader *r = user;
  for (;;)
    {
      GPtrArray *batch = g_async_queue_pop (r->q);
      if (batch == &reader_done)
        {
          g_async_queue_push (r->q, &reader_done);
          return NULL;
        }
      g_autoptr (GError) local = NULL;
      if (!g_atomic_int_get (&r->stop) && !write_parts (r, batch, &local))
        {
          g_atomic_int_set (&r->stop, 1);
          g_mutex_lock (&r->lock);
          if (r->write_error == NULL)
            r->write_error = g_steal_pointer (&local);
          g_mutex_unlock (&r->lock);
        }
      g_ptr_array_unref (batch);
    }
}

/* Read and write the partitions of source table 'src_id' into im->target. */
static gboolean
import_partitions (Import *im, gint64 src_id, GError **error)
{
  Reader r = { im, im->src, src_id, im->target, im->o->batch, g_async_queue_new (), 0, NULL };
  g_mutex_init (&r.lock);
  GThread *th[WRITERS_MAX];
  guint n = CLAMP (im->writers, 1, WRITERS_MAX);
  th[0] = g_thread_new ("import-reader", reader_main, &r);
  for (guint i = 1; i < n; i++)
    th[i] = g_thread_new ("import-writer", writer_main, &r);
  writer_main (&r);
  for (guint i = 0; i < n; i++)
    g_thread_join (th[i]);
  g_async_queue_unref (r.q);
  g_mutex_clear (&r.lock);
  GError *first = r.write_error ? r.write_error : r.error;
  if (first != NULL)
    {
      g_propagate_error (error, first);
      if (first != r.error)
        g_clear_error (&r.error);
      return FALSE;
    }
  return TRUE;
}

gboolean
ms_import_table (gpointer user, gint64 src_id, MsTable *t, GError **error)
{
  Import *im = user;
  g_autoptr (MsTable) target = table_target (im, t, error);
  if (target == NULL)
    {
      g_prefix_error (error, "table %s.%s.%s: ", t->catalog, t->db_name, t->name);
      return FALSE;
    }
  if (target->id == 0)
    target->id = t->id;
  im->target = target;
  advance (im, 1);
  gboolean ok = import_partitions (im, src_id, error)
                && ms_hive_source_stats (im->src, src_id, target, FALSE, im->o->batch,
                                         write_stats, im, error)
                && ms_hive_source_stats (im->src, src_id, target, TRUE, im->o->batch,
                                         write_stats, im, error);
  im->target = NULL;
  if (!ok)
    g_prefix_error (error, "table %s.%s.%s: ", t->catalog, t->db_name, t->name);
  return ok;
}

static gboolean
add_parts (gpointer user, GPtrArray *batch, GError **error)
{
  Import *im = user;
  g_autoptr (GPtrArray) added = ms_store_partition_add (im->store, im->target, batch, FALSE,
                                                        error);
  return added != NULL;
}

gboolean
ms_import_partitions_named (Import *im, gint64 src_id, MsTable *target,
                            const char *const *names, guint n, GError **error)
{
  im->target = target;
  gboolean ok = ms_hive_source_partitions_named (im->src, src_id, target, names, n,
                                                 im->o->batch, add_parts, im, error)
                && ms_hive_source_stats_named (im->src, src_id, target, names, n, im->o->batch,
                                               write_stats, im, error);
  im->target = NULL;
  return ok;
}

static gboolean
import_functions (Import *im, GError **error)
{
  g_autoptr (GPtrArray) fns = ms_hive_source_functions (im->src, error);
  if (fns == NULL)
    return FALSE;
  for (guint i = 0; i < fns->len; i++)
    {
      MsFunction *f = g_ptr_array_index (fns, i);
      g_autoptr (GError) local = NULL;
      if (!ms_store_function_create (im->store, f, &local)
          && !g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local), "function %s.%s.%s: ",
                                      f->catalog, f->db_name, f->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- roles and privileges: added when missing ---- */

/* Whether a create or grant failed only because it is there already. */
static gboolean
present_or_ok (gboolean ok, GError **local, GError **error, const char *what, const char *name)
{
  if (ok || g_error_matches (*local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
    return TRUE;
  g_propagate_prefixed_error (error, g_steal_pointer (local), "%s %s: ", what, name);
  return FALSE;
}

static gboolean
import_roles (Import *im, GError **error)
{
  g_autoptr (GPtrArray) roles = ms_hive_source_roles (im->src, error);
  g_autoptr (GPtrArray) grants = roles ? ms_hive_source_role_grants (im->src, error) : NULL;
  if (grants == NULL)
    return FALSE;
  for (guint i = 0; i < roles->len; i++)
    {
      MsRole *r = g_ptr_array_index (roles, i);
      g_autoptr (GError) local = NULL;
      if (!present_or_ok (ms_store_role_create (im->store, r, &local), &local, error, "role",
                          r->name))
        return FALSE;
    }
  for (guint i = 0; i < grants->len; i++)
    {
      MsRoleGrant *g = g_ptr_array_index (grants, i);
      g_autoptr (GError) local = NULL;
      if (!present_or_ok (ms_store_role_grant (im->store, g, &local), &local, error,
                          "grant of role", g->role_name))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_privileges (gpointer user, GPtrArray *batch, GError **error)
{
  Import *im = user;
  g_autoptr (GError) local = NULL;
  if (ms_store_privileges_grant (im->store, batch, &local))
    return TRUE;
  if (!g_error_matches (local, MS_ERROR, MS_ERROR_ALREADY_EXISTS))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "privileges: ");
      return FALSE;
    }
  /* some are there already (a re-run): one by one, skipping those */
  for (guint i = 0; i < batch->len; i++)
    {
      MsPrivilege *p = g_ptr_array_index (batch, i);
      g_autoptr (GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, p);
      g_autoptr (GError) e = NULL;
      if (!present_or_ok (ms_store_privileges_grant (im->store, one, &e), &e, error,
                          "privilege of", p->principal_name))
        return FALSE;
    }
  return TRUE;
}

/* ---- constraints: added when missing ---- */

/* Whether table c's catalog.db.table has a constraint named c->name. */
static gboolean
constraint_present (Import *im, const MsConstraint *c, gboolean *present, GError **error)
{
  g_autoptr (GPtrArray) have = ms_store_constraints_get (im->store, c->catalog, c->db_name,
                                                         c->table_name, -1, error);
  if (have == NULL)
    return FALSE;
  *present = FALSE;
  for (guint i = 0; i < have->len; i++)
    *present = *present || g_strcmp0 (((MsConstraint *) have->pdata[i])->name, c->name) == 0;
  return TRUE;
}

/* Add the constraint whose columns are rows [from, to) of 'rows'. */
static gboolean
add_constraint (Import *im, GPtrArray *rows, guint from, guint to, GError **error)
{
  MsConstraint *c = g_ptr_array_index (rows, from);
  gboolean present = FALSE;
  if (!constraint_present (im, c, &present, error))
    return FALSE;
  if (present)
    return TRUE;
  g_autoptr (GPtrArray) one = ms_constraints_new ();
  for (guint i = from; i < to; i++)
    g_ptr_array_add (one, g_steal_pointer (&rows->pdata[i]));
  if (ms_service_constraints_add (im->store, c->catalog, NULL, NULL, one, error))
    return TRUE;
  c = g_ptr_array_index (one, 0);
  g_prefix_error (error, "constraint %s of %s.%s: ", c->name, c->db_name, c->table_name);
  return FALSE;
}

static gboolean
import_constraints (Import *im, GError **error)
{
  g_autoptr (GPtrArray) rows = ms_hive_source_constraints (im->src, error);
  return rows != NULL && ms_import_constraint_rows (im, rows, error);
}

gboolean
ms_import_constraint_rows (Import *im, GPtrArray *rows, GError **error)
{
  guint from = 0;
  for (guint i = 1; i <= rows->len; i++)
    {
      MsConstraint *a = g_ptr_array_index (rows, from);
      MsConstraint *b = i < rows->len ? g_ptr_array_index (rows, i) : NULL;
      if (b != NULL && a->kind == b->kind && g_strcmp0 (a->name, b->name) == 0
          && g_strcmp0 (a->table_name, b->table_name) == 0
          && g_strcmp0 (a->db_name, b->db_name) == 0)
        continue;
      if (!add_constraint (im, rows, from, i, error))
        return FALSE;
      from = i;
    }
  return TRUE;
}

/* ---- the run ---- */

static gboolean
refuse_problems (MsHiveSource *src, GError **error)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  if (!ms_hive_source_problems (src, problems, error))
    return FALSE;
  if (problems->len == 0)
    return TRUE;
  g_ptr_array_add (problems, NULL);
  g_autofree char *all = g_strjoinv ("; ", (char **) problems->pdata);
  return ms_fail (error, MS_ERROR_INVALID_INPUT,
                  "the source breaks the catalog's rules, nothing was written: %s", all);
}

static void
report_counts (const MsImportOptions *o, MsHiveSource *src, const MsHiveSums *sums)
{
  fprintf (o->out, "source: Hive metastore schema %s, notification log at event %"
           G_GINT64_FORMAT "\n", ms_hive_source_version (src),
           ms_hive_source_next_event (src));
  for (int f = 0; f < MS_HIVE_N_FAMILIES; f++)
    fprintf (o->out, "%s %" G_GINT64_FORMAT " %s\n", o->dry_run ? "would copy" : "copying",
             sums->count[f], ms_hive_family_name (f));
  if (o->dry_run)
    fprintf (o->out, "dry run: nothing was written\n");
  fflush (o->out);
}

static gboolean
copy_all (Import *im, const MsHiveSums *sums, GError **error)
{
  im->total = sums->count[MS_HIVE_TABLES] + sums->count[MS_HIVE_PARTITIONS]
              + sums->count[MS_HIVE_TABLE_STATS] + sums->count[MS_HIVE_PART_STATS];
  im->t0 = g_get_monotonic_time ();
  if (!import_catalogs (im, error) || !import_databases (im, error)
      || !ms_hive_source_tables (im->src, ms_import_table, im, error)
      || !import_constraints (im, error) || !import_functions (im, error)
      || !import_roles (im, error)
      || !ms_hive_source_privileges (im->src, im->o->batch, write_privileges, im, error))
    return FALSE;
  progress (im, TRUE);
  return TRUE;
}

MsHiveSource *
ms_import_open (const MsImportOptions *o, MsHiveSums *sums, GError **error)
{
  g_autoptr (MsHiveSource) src = ms_hive_source_open (o->from, error);
  if (src == NULL || !refuse_problems (src, error) || !ms_hive_source_sums (src, sums, error))
    return NULL;
  report_counts (o, src, sums);
  return g_steal_pointer (&src);
}

gboolean
ms_import_copy (MsStore *store, MsHiveSource *src, const MsImportOptions *o,
                const MsHiveSums *sums, int *differences, GError **error)
{
  *differences = 0;
  gint64 started = g_get_real_time () / G_USEC_PER_SEC;
  ms_store_set_events (store, FALSE, NULL);
  /* two writers: the catalog's PostgreSQL does most of the work (a
   * partition's row, its values rows, their indexes and foreign keys) */
  Import im = { store, src, o, 0, 0, 0, 0, NULL, FALSE, 2 };
  ms_hive_source_stream_partitions (src, TRUE);
  gboolean copied = copy_all (&im, sums, error);
  ms_hive_source_stream_partitions (src, FALSE);    /* --follow reads table by table */
  if (!copied)
    return FALSE;
  g_autofree char *label = ms_store_import_source_label (o->from);
  if (!ms_store_import_record (store, label, ms_hive_source_version (src),
                               ms_hive_source_next_event (src), started, sums, error))
    return FALSE;
  g_auto (MsHiveSums) target = { 0 };
  if (!ms_store_import_sums (store, &target, error))
    return FALSE;
  double secs = MAX ((g_get_monotonic_time () - im.t0) / 1e6, 1e-3);
  fprintf (o->out, "copied in %.1f s (%.0f partitions/s); the source's notification log "
           "continues at event %" G_GINT64_FORMAT " (--follow starts there)\n", secs, sums->count[MS_HIVE_PARTITIONS] / secs,
           ms_hive_source_next_event (src));
  *differences = ms_import_verify_report (sums, &target, o->out);
  return TRUE;
}
