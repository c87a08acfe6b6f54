/*
 * metadata_sweep.c: table metadata files that no commit made current.
 *
 * A commit writes its new metadata file before PostgreSQL's COMMIT. A
 * server killed in between, or a COMMIT whose outcome is unknown (its
 * files are kept, since they may be referenced), leaves a complete file
 * that nothing refers to. After a commit succeeds, the table's metadata
 * directory is swept: at most once per ICE_SWEEP_INTERVAL_S per directory
 * and process, in one background thread, so no request waits for it.
 *
 * A file goes only when all of these hold (ice_metadata_orphan_names
 * decides the first four from names and times alone):
 *  - its name is a metadata file's as Iceberg names them,
 *    "<version>-<uuid>.metadata.json" (or .gz.metadata.json,
 *    .metadata.json.gz);
 *  - it is neither the current file nor one in the current file's
 *    metadata-log;
 *  - its version is at least the oldest the log (or the current file)
 *    holds: older files are the ones the log let go
 *    (write.metadata.previous-versions-max), which Iceberg keeps unless
 *    write.metadata.delete-after-commit.enabled says otherwise, so they stay;
 *  - it is older than ICE_ORPHAN_MIN_AGE_S (the file of a commit in flight
 *    is seconds old);
 *  - read back, its table-uuid is the table's (the files of a dropped table
 *    that used the same location stay: registering one brings it back);
 *  - no table of any catalog names it as its metadata_location or
 *    previous_metadata_location.
 * Deletions go through the storage guard, as every deletion does. Views
 * keep no log of their files, so their directories are not swept.
 */
#include "iceberg/internal.h"
#include "service/data.h"
#include "core/log.h"
#include "core/due.h"
#include <string.h>

/* One sweep per directory per this long, per process. */
#define ICE_SWEEP_INTERVAL_S 3600
/* Queued sweeps beyond this are dropped (the directory is due again at
 * its next commit). */
#define ICE_SWEEP_QUEUE_MAX 64

static const char *const metadata_suffixes[] = {
  ".metadata.json", ".gz.metadata.json", ".metadata.json.gz",
};

/* The version of a metadata file named "<digits>-<uuid><suffix>", or -1
 * for any other name. */
static int
orphan_version (const char *name)
{
  int version = ms_iceberg_metadata_file_version (name);
  const char *dash = strchr (name, '-');
  if (version < 0 || dash == NULL || strlen (dash + 1) < 36)
    return -1;
  g_autofree char *uuid = g_strndup (dash + 1, 36);
  if (!g_uuid_string_is_valid (uuid))
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (metadata_suffixes); i++)
    if (strcmp (dash + 1 + 36, metadata_suffixes[i]) == 0)
      return version;
  return -1;
}

static const char *
base_name (const char *location)
{
  const char *slash = strrchr (location, '/');
  return slash != NULL ? slash + 1 : location;
}

GPtrArray *
ice_metadata_orphan_names (const char *current, JsonArray *log, GPtrArray *files, gint64 now,
                           gint64 min_age)
{
  g_autoptr (GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_add (kept, (gpointer) base_name (current));
  int oldest = ms_iceberg_metadata_file_version (current);
  for (guint i = 0; log != NULL && i < json_array_get_length (log); i++)
    {
      JsonNode *n = json_array_get_element (log, i);
      JsonObject *e = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *file = ice_member_string (e, "metadata-file");
      if (file == NULL)
        continue;
      g_hash_table_add (kept, (gpointer) base_name (file));
      int v = ms_iceberg_metadata_file_version (file);
      if (v >= 0 && (oldest < 0 || v < oldest))
        oldest = v;
    }
  GPtrArray *orphans = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; oldest >= 0 && i < files->len; i++)
    {
      const MsStorageFile *f = g_ptr_array_index (files, i);
      int v = orphan_version (f->name);
      if (v >= oldest && !g_hash_table_contains (kept, f->name) && f->modified >= 0
          && now - f->modified > min_age)
        g_ptr_array_add (orphans, g_strdup (f->name));
    }
  return orphans;
}

/* Whether the file at 'uri' is a metadata file of the table 'uuid' that no
 * table refers to. */
static gboolean
orphan_of (MsIceberg *ice, const IceIo *io, const char *uri, const char *uuid)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *text = ice_metadata_text (io, uri, NULL, NULL, NULL, &err);
  g_autoptr (MsIcebergMetadata) md = text ? ice_metadata_from_text (uri, text, &err) : NULL;
  const char *its = md ? ice_member_string (ms_iceberg_metadata_tree (md), "table-uuid") : NULL;
  gboolean referenced = TRUE;
  if (its == NULL || g_strcmp0 (its, uuid) != 0
      || !ms_store_iceberg_file_referenced (ice->store, uri, &referenced, &err))
    {
      if (err != NULL)
        ms_debug ("metadata sweep: %s stays: %s", uri, err->message);
      return FALSE;
    }
  return !referenced;
}

/* The sweep of the directory of table metadata file 'current'. */
static void
sweep (MsIceberg *ice, const IceIo *io, const char *current)
{
  g_autoptr (GError) err = NULL;
  g_autofree char *text = ice_metadata_text (io, current, NULL, NULL, NULL, &err);
  g_autoptr (MsIcebergMetadata) md = text ? ice_metadata_from_text (current, text, &err) : NULL;
  g_autofree char *dir = g_strndup (current, base_name (current) - current);
  g_autoptr (GPtrArray) files = md ? ms_storage_list_files (io->storage, dir, &err) : NULL;
  if (files == NULL)
    {
      ms_debug ("metadata sweep of %s skipped: %s", dir, err->message);
      return;
    }
  const char *uuid = ice_member_string (ms_iceberg_metadata_tree (md), "table-uuid");
  g_autoptr (GPtrArray) orphans =
    ice_metadata_orphan_names (current, ms_iceberg_metadata_metadata_log (md), files,
                               g_get_real_time () / G_USEC_PER_SEC, ICE_ORPHAN_MIN_AGE_S);
  for (guint i = 0; uuid != NULL && i < orphans->len; i++)
    {
      g_autofree char *uri = g_strconcat (dir, g_ptr_array_index (orphans, i), NULL);
      if (orphan_of (ice, io, uri, uuid)
          && ms_service_data_delete (io->guard, io->storage, uri, NULL,
                                     "metadata file no commit made current"))
        ms_info ("metadata sweep: removed %s, a metadata file no commit made current", uri);
    }
}

/* A queued sweep: the directory of 'current', with its catalog's
 * storage settings (they live as long as the door). */
typedef struct {
  const IceIo *io;
  char *current;
} SweepJob;

static void
sweep_job (gpointer data, gpointer user_data)
{
  SweepJob *job = data;
  sweep (user_data, job->io, job->current);
  g_free (job->current);
  g_free (job);
}

struct _IceSweeper {
  GThreadPool *pool;
  MsDue *due;                  /* directories swept lately */
};

IceSweeper *
ice_sweeper_new (MsIceberg *ice)
{
  IceSweeper *sw = g_new0 (IceSweeper, 1);
  sw->pool = g_thread_pool_new (sweep_job, ice, 1, FALSE, NULL);
  sw->due = ms_due_new (ICE_SWEEP_INTERVAL_S, 10000);
  return sw;
}

void
ice_sweeper_free (IceSweeper *sw)
{
  if (sw == NULL)
    return;
  /* queued sweeps are dropped; a running one is waited for */
  g_thread_pool_free (sw->pool, TRUE, TRUE);
  ms_due_free (sw->due);
  g_free (sw);
}

void
ice_sweeper_after_commit (IceSweeper *sw, const IceIo *io, const char *current)
{
  if (sw == NULL || current == NULL
      || g_thread_pool_unprocessed (sw->pool) >= ICE_SWEEP_QUEUE_MAX)
    return;
  g_autofree char *dir = g_strndup (current, base_name (current) - current);
  if (!ms_due_take (sw->due, dir))
    return;
  SweepJob *job = g_new (SweepJob, 1);
  job->io = io;
  job->current = g_strdup (current);
  g_thread_pool_push (sw->pool, job, NULL);
}
