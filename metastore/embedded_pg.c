/*
 * embedded_pg.c: initdb, start, readiness and stop of the private PostgreSQL
 * behind the embedded default (see embedded_pg.h for the placement rules).
 */
#include "embedded_pg.h"
#include "core/error.h"
#include "core/log.h"
#include <libpq-fe.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG_PORT "5432"
#define PG_ROLE "metastore"
#define PG_DB "metastore"

struct _MsEmbeddedPg {
  GPid pid;                 /* 0 when we reuse a cluster already running */
  char *cluster_dir;
  char *socket_dir;
  char *conninfo;
};

typedef struct {
  gboolean drop;            /* switch to uid/gid in the child */
  uid_t uid;
  gid_t gid;
  int log_fd;
  const char *cwd;
  gboolean die_with_parent;
} SpawnAs;

char *
ms_pg_find_bindir (const char *configured, GError **error)
{
  if (configured != NULL)
    {
      g_autofree char *initdb = g_build_filename (configured, "initdb", NULL);
      if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "embedded.pg_bindir %s has no initdb", configured);
          return NULL;
        }
      return g_strdup (configured);
    }
  g_autofree char *out = NULL;
  const char *argv[] = { "pg_config", "--bindir", NULL };
  if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, &out, NULL, NULL, NULL)
      && out != NULL)
    {
      g_strstrip (out);
      g_autofree char *initdb = g_build_filename (out, "initdb", NULL);
      if (g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&out);
    }
  /* Debian: /usr/lib/postgresql/<major>/bin, newest major first */
  g_autoptr (GDir) d = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  int best = -1;
  const char *name;
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      int major = atoi (name);
      g_autofree char *initdb = g_strdup_printf ("/usr/lib/postgresql/%s/bin/initdb", name);
      if (major > best && g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        best = major;
    }
  if (best < 0)
    {
      ms_fail (error, MS_ERROR_UNAVAILABLE,
               "PostgreSQL server binaries not found (no initdb via pg_config or in "
               "/usr/lib/postgresql/*/bin): install the Debian package 'postgresql' or set "
               "embedded.pg_bindir");
      return NULL;
    }
  return g_strdup_printf ("/usr/lib/postgresql/%d/bin", best);
}

char *
ms_embedded_default_warehouse (const MsConfig *cfg)
{
  g_autofree char *abs = g_canonicalize_filename (cfg->data_dir, NULL);
  return g_strdup_printf ("file://%s/warehouse", abs);
}

/* Runs in the forked child before exec: only async-signal-safe calls. */
static void
child_setup (gpointer data)
{
  SpawnAs *as = data;
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);   /* the server blocks these for sigwait */
  signal (SIGPIPE, SIG_DFL);
  if (as->log_fd >= 0)
    {
      dup2 (as->log_fd, STDOUT_FILENO);
      dup2 (as->log_fd, STDERR_FILENO);
    }
  if (as->drop)
    {
      if (setgroups (1, &as->gid) != 0 || setgid (as->gid) != 0 || setuid (as->uid) != 0)
        _exit (126);
    }
  if (as->die_with_parent)
    prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (as->cwd && chdir (as->cwd) != 0)
    _exit (126);
}

static gboolean
run_sync (char **argv, SpawnAs *as, const char *what, const char *log_path, GError **error)
{
  int status = 0;
  g_autoptr (GError) local = NULL;
  if (!g_spawn_sync (as->cwd, argv, NULL, G_SPAWN_DEFAULT, child_setup, as, NULL, NULL, &status,
                     &local))
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "cannot run %s: %s", what, local->message);
  if (!g_spawn_check_wait_status (status, NULL))
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "%s failed (exit status %d); see %s", what,
                    WIFEXITED (status) ? WEXITSTATUS (status) : -1, log_path);
  return TRUE;
}

/* Can 'uid' traverse every directory down to 'path'? Checked in a child
 * that has become that user, so ACLs and groups count as they will. */
static gboolean
user_can_enter (const char *path, uid_t uid, gid_t gid)
{
  pid_t pid = fork ();
  if (pid < 0)
    return FALSE;
  if (pid == 0)
    {
      if (setgroups (1, &gid) != 0 || setgid (gid) != 0 || setuid (uid) != 0)
        _exit (2);
      _exit (access (path, X_OK) == 0 ? 0 : 1);
    }
  int status;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static gboolean
make_owned_dir (const char *path, gboolean chown_to, uid_t uid, gid_t gid, GError **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    return ms_fail (error, MS_ERROR_INTERNAL, "cannot create %s: %s", path, g_strerror (errno));
  if (chown_to && chown (path, uid, gid) != 0)
    return ms_fail (error, MS_ERROR_INTERNAL, "cannot hand %s to uid %u: %s", path,
                    (unsigned) uid, g_strerror (errno));
  if (chmod (path, 0700) != 0)
    return ms_fail (error, MS_ERROR_INTERNAL, "cannot chmod %s: %s", path, g_strerror (errno));
  return TRUE;
}

static char *
path_hash (const char *path)
{
  g_autofree char *h = g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
  return g_strndup (h, 16);
}

static char *
log_tail (const char *path)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, NULL) || len == 0)
    return g_strdup ("");
  const char *start = len > 600 ? text + len - 600 : text;
  return g_strdup (start);
}

static gboolean
create_database (const char *base_conninfo, GError **error)
{
  g_autofree char *ci = g_strdup_printf ("%s dbname=postgres", base_conninfo);
  PGconn *c = PQconnectdb (ci);
  if (PQstatus (c) != CONNECTION_OK)
    {
      ms_fail (error, MS_ERROR_UNAVAILABLE, "embedded PostgreSQL: %s", PQerrorMessage (c));
      PQfinish (c);
      return FALSE;
    }
  PGresult *r = PQexec (c, "SELECT 1 FROM pg_database WHERE datname = '" PG_DB "'");
  gboolean exists = PQresultStatus (r) == PGRES_TUPLES_OK && PQntuples (r) > 0;
  PQclear (r);
  gboolean ok = TRUE;
  if (!exists)
    {
      r = PQexec (c, "CREATE DATABASE " PG_DB);
      if (PQresultStatus (r) != PGRES_COMMAND_OK
          && g_strcmp0 (PQresultErrorField (r, PG_DIAG_SQLSTATE), "42P04") != 0)
        ok = ms_fail (error, MS_ERROR_UNAVAILABLE, "embedded PostgreSQL: %s",
                      PQresultErrorMessage (r));
      PQclear (r);
    }
  PQfinish (c);
  return ok;
}

MsEmbeddedPg *
ms_embedded_pg_start (const MsConfig *cfg, GError **error)
{
  g_autofree char *bindir = ms_pg_find_bindir (cfg->pg_bindir, error);
  if (bindir == NULL)
    return NULL;
  g_autofree char *data_dir = g_canonicalize_filename (cfg->data_dir, NULL);
  if (g_mkdir_with_parents (data_dir, 0755) != 0)
    {
      ms_fail (error, MS_ERROR_INTERNAL, "cannot create data directory %s: %s", data_dir,
               g_strerror (errno));
      return NULL;
    }

  SpawnAs as = { .log_fd = -1 };
  gboolean as_root = geteuid () == 0;
  if (as_root)
    {
      struct passwd *pw = getpwnam (cfg->pg_user);
      if (pw == NULL)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT,
                   "running as root, the embedded PostgreSQL needs the unprivileged user '%s' "
                   "(embedded.pg_user); it does not exist (the 'postgresql' package creates it)",
                   cfg->pg_user);
          return NULL;
        }
      as.drop = TRUE;
      as.uid = pw->pw_uid;
      as.gid = pw->pw_gid;
    }

  g_autoptr (MsEmbeddedPg) pg = g_new0 (MsEmbeddedPg, 1);
  g_autofree char *hash = path_hash (data_dir);
  pg->cluster_dir = g_build_filename (data_dir, "pg", NULL);
  if (as_root && !user_can_enter (data_dir, as.uid, as.gid))
    {
      g_free (pg->cluster_dir);
      pg->cluster_dir = g_strdup_printf ("/var/lib/metastore/embedded/%s", hash);
      if (g_mkdir_with_parents ("/var/lib/metastore/embedded", 0755) != 0)
        {
          ms_fail (error, MS_ERROR_INTERNAL, "cannot create /var/lib/metastore/embedded: %s",
                   g_strerror (errno));
          return NULL;
        }
      g_autofree char *note = g_build_filename (data_dir, "pg-location", NULL);
      g_autofree char *text = g_strdup_printf ("%s\n", pg->cluster_dir);
      g_file_set_contents (note, text, -1, NULL);
      ms_info ("user %s cannot enter %s; the embedded PostgreSQL cluster lives in %s",
               cfg->pg_user, data_dir, pg->cluster_dir);
    }
  /* sun_path holds 107 bytes: keep the socket path short */
  if (strlen (pg->cluster_dir) + sizeof "/.s.PGSQL." PG_PORT ".lock" > 100)
    pg->socket_dir = g_strdup_printf ("/tmp/metastore-pg-%s", hash);
  else
    pg->socket_dir = g_strdup (pg->cluster_dir);

  if (!make_owned_dir (pg->cluster_dir, as_root, as.uid, as.gid, error)
      || !make_owned_dir (pg->socket_dir, as_root, as.uid, as.gid, error))
    return NULL;

  g_autofree char *log_path = g_build_filename (data_dir, "postgresql.log", NULL);
  as.log_fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (as.log_fd < 0)
    {
      ms_fail (error, MS_ERROR_INTERNAL, "cannot open %s: %s", log_path, g_strerror (errno));
      return NULL;
    }
  as.cwd = pg->cluster_dir;

  pg->conninfo = g_strdup_printf ("host=%s port=" PG_PORT " user=" PG_ROLE " dbname=" PG_DB,
                                  pg->socket_dir);
  g_autofree char *base = g_strdup_printf ("host=%s port=" PG_PORT " user=" PG_ROLE
                                           " connect_timeout=5", pg->socket_dir);
  g_autofree char *ping = g_strdup_printf ("%s dbname=postgres", base);

  gboolean ok = FALSE;
  g_autofree char *version_file = g_build_filename (pg->cluster_dir, "PG_VERSION", NULL);
  if (PQping (ping) == PQPING_OK)
    {
      ms_info ("embedded PostgreSQL already running in %s; using it", pg->cluster_dir);
      ok = TRUE;
    }
  else
    {
      if (!g_file_test (version_file, G_FILE_TEST_EXISTS))
        {
          ms_info ("initialising the embedded PostgreSQL cluster in %s", pg->cluster_dir);
          g_autofree char *initdb = g_build_filename (bindir, "initdb", NULL);
          char *argv[] = { initdb, "-D", pg->cluster_dir, "-U", PG_ROLE, "-A", "trust",
                           "-E", "UTF8", "--no-locale", "--no-sync", NULL };
          if (!run_sync (argv, &as, "initdb", log_path, error))
            goto out;
        }
      g_autofree char *postgres = g_build_filename (bindir, "postgres", NULL);
      g_autofree char *sock = g_strdup_printf ("unix_socket_directories=%s", pg->socket_dir);
      g_autofree char *maxconn = g_strdup_printf ("max_connections=%d", cfg->pool_size + 20);
      char *argv[] = { postgres, "-D", pg->cluster_dir, "-p", PG_PORT,
                       "-c", "listen_addresses=", "-c", sock, "-c", maxconn,
                       "-c", "shared_buffers=32MB", "-c", "logging_collector=off", NULL };
      as.die_with_parent = TRUE;
      g_autoptr (GError) local = NULL;
      if (!g_spawn_async (as.cwd, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, child_setup, &as,
                          &pg->pid, &local))
        {
          ms_fail (error, MS_ERROR_UNAVAILABLE, "cannot start postgres: %s", local->message);
          goto out;
        }
      gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
      for (;;)
        {
          if (PQping (ping) == PQPING_OK)
            break;
          int status;
          if (waitpid (pg->pid, &status, WNOHANG) == pg->pid)
            {
              pg->pid = 0;
              g_autofree char *tail = log_tail (log_path);
              ms_fail (error, MS_ERROR_UNAVAILABLE,
                       "the embedded PostgreSQL exited during start-up; %s ends with: %s",
                       log_path, tail);
              goto out;
            }
          if (g_get_monotonic_time () > deadline)
            {
              ms_fail (error, MS_ERROR_UNAVAILABLE,
                       "the embedded PostgreSQL did not accept connections within 60 s; see %s",
                       log_path);
              goto out;
            }
          g_usleep (10000);
        }
      ok = TRUE;
    }
  if (ok)
    ok = create_database (base, error);
out:
  close (as.log_fd);
  if (!ok)
    return NULL;
  ms_info ("embedded PostgreSQL ready (socket %s)", pg->socket_dir);
  return g_steal_pointer (&pg);
}

const char *
ms_embedded_pg_conninfo (const MsEmbeddedPg *pg)
{
  return pg->conninfo;
}

void
ms_embedded_pg_stop (MsEmbeddedPg *pg)
{
  if (pg == NULL)
    return;
  if (pg->pid > 0)
    {
      kill (pg->pid, SIGINT);   /* fast shutdown */
      gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
      int status;
      for (;;)
        {
          pid_t r = waitpid (pg->pid, &status, WNOHANG);
          if (r == pg->pid || (r < 0 && errno != EINTR))
            break;
          if (g_get_monotonic_time () > deadline)
            {
              kill (pg->pid, SIGQUIT);
              waitpid (pg->pid, &status, 0);
              break;
            }
          g_usleep (10000);
        }
      ms_info ("embedded PostgreSQL stopped");
    }
  g_free (pg->cluster_dir);
  g_free (pg->socket_dir);
  g_free (pg->conninfo);
  g_free (pg);
}
