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

/* Running as root, the cluster's processes run as the unprivileged
 * embedded.pg_user: *as says whom to become. Otherwise as->drop stays FALSE. */
static gboolean
spawn_identity (const MsConfig *cfg, SpawnAs *as, GError **error)
{
  if (geteuid () != 0)
    return TRUE;
  struct passwd *pw = getpwnam (cfg->pg_user);
  if (pw == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "running as root, the embedded PostgreSQL needs the unprivileged user '%s' "
                    "(embedded.pg_user); it does not exist (the 'postgresql' package creates it)",
                    cfg->pg_user);
  as->drop = TRUE;
  as->uid = pw->pw_uid;
  as->gid = pw->pw_gid;
  return TRUE;
}

/* Where the cluster and its socket live: <data_dir>/pg, unless the
 * cluster's user cannot enter data_dir (then under /var/lib/metastore,
 * noted in <data_dir>/pg-location); the socket beside it unless the path
 * is too long for sun_path. Both directories are created, owned by the
 * cluster's user, mode 0700. */
static gboolean
place_cluster (MsEmbeddedPg *pg, const char *data_dir, const char *pg_user, const SpawnAs *as,
               GError **error)
{
  g_autofree char *hash = path_hash (data_dir);
  pg->cluster_dir = g_build_filename (data_dir, "pg", NULL);
  if (as->drop && !user_can_enter (data_dir, as->uid, as->gid))
    {
      g_free (pg->cluster_dir);
      pg->cluster_dir = g_strdup_printf ("/var/lib/metastore/embedded/%s", hash);
      if (g_mkdir_with_parents ("/var/lib/metastore/embedded", 0755) != 0)
        return ms_fail (error, MS_ERROR_INTERNAL, "cannot create /var/lib/metastore/embedded: %s",
                        g_strerror (errno));
      g_autofree char *note = g_build_filename (data_dir, "pg-location", NULL);
      g_autofree char *text = g_strdup_printf ("%s\n", pg->cluster_dir);
      g_file_set_contents (note, text, -1, NULL);
      ms_info ("user %s cannot enter %s; the embedded PostgreSQL cluster lives in %s",
               pg_user, data_dir, pg->cluster_dir);
    }
  /* sun_path holds 107 bytes: keep the socket path short */
  if (strlen (pg->cluster_dir) + sizeof "/.s.PGSQL." PG_PORT ".lock" > 100)
    pg->socket_dir = g_strdup_printf ("/tmp/metastore-pg-%s", hash);
  else
    pg->socket_dir = g_strdup (pg->cluster_dir);
  return make_owned_dir (pg->cluster_dir, as->drop, as->uid, as->gid, error)
         && make_owned_dir (pg->socket_dir, as->drop, as->uid, as->gid, error);
}

/* initdb, unless the cluster directory already holds a cluster. */
static gboolean
init_cluster (const MsEmbeddedPg *pg, const char *bindir, SpawnAs *as, const char *log_path,
              GError **error)
{
  g_autofree char *version_file = g_build_filename (pg->cluster_dir, "PG_VERSION", NULL);
  if (g_file_test (version_file, G_FILE_TEST_EXISTS))
    return TRUE;
  ms_info ("initialising the embedded PostgreSQL cluster in %s", pg->cluster_dir);
  g_autofree char *initdb = g_build_filename (bindir, "initdb", NULL);
  char *argv[] = { initdb, "-D", pg->cluster_dir, "-U", PG_ROLE, "-A", "trust",
                   "-E", "UTF8", "--no-locale", "--no-sync", NULL };
  return run_sync (argv, as, "initdb", log_path, error);
}

/* Start postgres (it dies with us) and wait until 'ping' answers: at most
 * 60 s, less if it exits. pg->pid is set while it runs. */
static gboolean
start_postgres (MsEmbeddedPg *pg, const char *bindir, int max_connections, SpawnAs *as,
                const char *ping, const char *log_path, GError **error)
{
  g_autofree char *postgres = g_build_filename (bindir, "postgres", NULL);
  g_autofree char *sock = g_strdup_printf ("unix_socket_directories=%s", pg->socket_dir);
  g_autofree char *maxconn = g_strdup_printf ("max_connections=%d", max_connections);
  char *argv[] = { postgres, "-D", pg->cluster_dir, "-p", PG_PORT,
                   "-c", "listen_addresses=", "-c", sock, "-c", maxconn,
                   "-c", "shared_buffers=32MB", "-c", "logging_collector=off", NULL };
  as->die_with_parent = TRUE;
  g_autoptr (GError) local = NULL;
  if (!g_spawn_async (as->cwd, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, child_setup, as,
                      &pg->pid, &local))
    return ms_fail (error, MS_ERROR_UNAVAILABLE, "cannot start postgres: %s", local->message);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (PQping (ping) != PQPING_OK)
    {
      int status;
      if (waitpid (pg->pid, &status, WNOHANG) == pg->pid)
        {
          pg->pid = 0;
          g_autofree char *tail = log_tail (log_path);
          return ms_fail (error, MS_ERROR_UNAVAILABLE,
                          "the embedded PostgreSQL exited during start-up; %s ends with: %s",
                          log_path, tail);
        }
      if (g_get_monotonic_time () > deadline)
        return ms_fail (error, MS_ERROR_UNAVAILABLE,
                        "the embedded PostgreSQL did not accept connections within 60 s; see %s",
                        log_path);
      g_usleep (10000);
    }
  return TRUE;
}

/* Reuse the cluster if it already answers; otherwise initdb (first time)
 * and start it. Then make sure the catalog database exists. Child output
 * goes to 'log_path'. */
static gboolean
run_cluster (MsEmbeddedPg *pg, const MsConfig *cfg, const char *bindir, SpawnAs *as,
             const char *log_path, GError **error)
{
  g_autofree char *base = g_strdup_printf ("host=%s port=" PG_PORT " user=" PG_ROLE
                                           " connect_timeout=5", pg->socket_dir);
  g_autofree char *ping = g_strdup_printf ("%s dbname=postgres", base);
  if (PQping (ping) == PQPING_OK)
    ms_info ("embedded PostgreSQL already running in %s; using it", pg->cluster_dir);
  else if (!init_cluster (pg, bindir, as, log_path, error)
           || !start_postgres (pg, bindir, cfg->pool_size + 20, as, ping, log_path, error))
    return FALSE;
  return create_database (base, error);
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
  g_autoptr (MsEmbeddedPg) pg = g_new0 (MsEmbeddedPg, 1);
  if (!spawn_identity (cfg, &as, error) || !place_cluster (pg, data_dir, cfg->pg_user, &as, error))
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
  gboolean ok = run_cluster (pg, cfg, bindir, &as, log_path, error);
  close (as.log_fd);
  if (!ok)
    return NULL;   /* stops postgres if it was started */
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
