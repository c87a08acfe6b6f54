/* test_pool.c: the pool's accounting when PostgreSQL cannot be reached, and
 * its bounded waits (a free connection, a start-up never answered, a
 * stopping server); an idle connection the server closed is not handed
 * out (a fake server that speaks the start of the protocol); a server that
 * stops answering costs a call at most the deadline per round trip, also
 * at COMMIT and when the server stops, and its connection is closed, not
 * reused, and no change is sent again, while a read-only statement is; the
 * session's timeouts travel in the start-up options, and connections
 * opened under other ones are replaced after a reload; how the
 * store's own BEGIN, COMMIT, ROLLBACK and release join an outer
 * transaction (ms_pool_pin). (Reconnection against a real server is
 * covered by the end-to-end restart test and tests/ha, the outer
 * transaction by tests/engines/test_java_hms_follow.py.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "store/pool.h"

static void
test_unreachable (void **state)
{
  (void) state;
  MsPool *p = ms_pool_new ("host=/nonexistent-socket-dir port=1 dbname=x", NULL, 2, 100, 1);
  g_autoptr (GError) e = NULL;
  MsPgConn *c = ms_pool_get (p, &e);
  assert_null (c);
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  MsPoolStats st = ms_pool_stats (p);
  assert_int_equal (st.open, 0);
  assert_int_equal (st.in_use, 0);
  assert_int_equal (st.size, 2);
  /* a second attempt is tried again (no stuck reserved slot) */
  g_autoptr (GError) e2 = NULL;
  assert_null (ms_pool_get (p, &e2));
  st = ms_pool_stats (p);
  assert_int_equal (st.open, 0);
  ms_pool_free (p);
}

/* Inside an outer transaction a store function's BEGIN/COMMIT pair
 * changes nothing; its ROLLBACK, or a failed statement, dooms the whole;
 * its release keeps the connection. No statement is sent in any of these. */
static void
test_outer_joins (void **state)
{
  (void) state;
  MsPgConn c = { 0 };
  c.outer = TRUE;
  c.in_tx = TRUE;
  assert_true (ms_pg_begin (&c, NULL));
  assert_true (ms_pg_begin (&c, NULL));
  assert_int_equal (c.depth, 2);
  assert_true (ms_pg_commit (&c, NULL));
  assert_true (ms_pg_commit (&c, NULL));
  assert_int_equal (c.depth, 0);
  assert_true (c.in_tx);
  ms_pg_rollback (&c);                   /* a release after a COMMIT */
  ms_pg_conn_release (&c);
  assert_false (c.outer_failed);
  assert_true (c.in_tx);

  assert_true (ms_pg_begin (&c, NULL));
  ms_pg_rollback (&c);                   /* a store function gave up */
  assert_true (c.outer_failed);
  assert_int_equal (c.depth, 0);

  c.outer_failed = FALSE;
  g_autoptr (GError) e = NULL;
  ms_pg_set_error (&c, NULL, &e);        /* a statement failed */
  assert_true (c.outer_failed);
}

/* A pin that cannot have a connection leaves nothing pinned. */
static void
test_pin_unreachable (void **state)
{
  (void) state;
  MsPool *p = ms_pool_new ("host=/nonexistent-socket-dir port=1 dbname=x", NULL, 1, 100, 1);
  g_autoptr (GError) e = NULL;
  assert_false (ms_pool_pin (p, &e));
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  g_autoptr (GError) e2 = NULL;
  assert_null (ms_pool_get (p, &e2));
  assert_int_equal (ms_pool_stats (p).in_use, 0);
  ms_pool_free (p);
}

/* A server that accepts connections, answers the start-up message with
 * AuthenticationOk and ReadyForQuery and then stays silent: enough for
 * libpq to open a connection. The test closes its sockets at will. With
 * 'read_only' it answers the first query of its first connection as a
 * standby answers a write (SQLSTATE 25006); with 'mute' it answers no
 * start-up message (a server that takes the TCP connection and hangs);
 * with 'answer' it answers every query on its second and later
 * connections with one row holding the integer 1. */
enum { FAKE_READ_ONLY = 1, FAKE_MUTE = 2, FAKE_ANSWER = 4 };

typedef struct {
  GThread *thread;
  int listener;
  int port;
  gboolean read_only, mute, answer;
  GMutex lock;
  int fds[4];
  int accepted;
  char startup[4][1024];     /* each connection's start-up message body */
  guint32 startup_len[4];
} FakePg;

static gboolean
read_full (int fd, void *buf, size_t n)
{
  for (size_t got = 0; got < n;)
    {
      ssize_t r = read (fd, (char *) buf + got, n - got);
      if (r <= 0)
        return FALSE;
      got += (size_t) r;
    }
  return TRUE;
}

/* Read one extended-protocol query (up to its Sync) and refuse it. */
static void
fake_pg_refuse_write (int fd)
{
  /* ErrorResponse: length 4 + 7 + 7 + 23 + 1 = 42; then ReadyForQuery */
  static const char refusal[] = "E\0\0\0\x2a" "SERROR\0" "C25006\0"
                                "Mcannot execute INSERT\0" "\0" "Z\0\0\0\x05I";
  for (;;)
    {
      char type;
      guint32 len = 0;
      char body[1024];
      if (!read_full (fd, &type, 1) || !read_full (fd, &len, 4) || ntohl (len) < 4
          || ntohl (len) - 4 > sizeof body || !read_full (fd, body, ntohl (len) - 4))
        return;
      if (type == 'S')
        break;
    }
  assert_int_equal (write (fd, refusal, sizeof refusal - 1), sizeof refusal - 1);
}

/* Answer the extended-protocol messages of fd until the client leaves:
 * Parse, Bind, Describe (of a portal: one int4 column "x"), Execute (one
 * row, 1) and Sync, as PostgreSQL would for "SELECT 1". */
static void
fake_pg_answer (int fd)
{
  static const char parsed[] = "1\0\0\0\4", bound[] = "2\0\0\0\4", ready[] = "Z\0\0\0\5I";
  /* RowDescription: 4 + 2 + ("x\0" 2 + 4 + 2 + 4 + 2 + 4 + 2 = 20) = 26 */
  static const char described[] = "T\0\0\0\x1a\0\1" "x\0" "\0\0\0\0" "\0\0" "\0\0\0\x17"
                                  "\0\4" "\xff\xff\xff\xff" "\0\0";
  /* DataRow: 4 + 2 + 4 + 1 = 11; CommandComplete: 4 + "SELECT 1\0" 9 = 13 */
  static const char row[] = "D\0\0\0\x0b\0\1\0\0\0\1" "1" "C\0\0\0\x0dSELECT 1\0";
  /* a simple query (ROLLBACK): CommandComplete 4 + "ROLLBACK\0" 9 = 13, then
   * ReadyForQuery */
  static const char simple[] = "C\0\0\0\x0dROLLBACK\0" "Z\0\0\0\5I";
  for (;;)
    {
      char type;
      guint32 len = 0;
      char body[1024];
      if (!read_full (fd, &type, 1) || !read_full (fd, &len, 4) || ntohl (len) < 4
          || ntohl (len) - 4 > sizeof body || !read_full (fd, body, ntohl (len) - 4))
        return;
      const char *out = NULL;
      size_t n = 0;
      switch (type)
        {
        case 'P': out = parsed; n = sizeof parsed - 1; break;
        case 'B': out = bound; n = sizeof bound - 1; break;
        case 'D': out = described; n = sizeof described - 1; break;
        case 'E': out = row; n = sizeof row - 1; break;
        case 'S': out = ready; n = sizeof ready - 1; break;
        case 'Q': out = simple; n = sizeof simple - 1; break;
        case 'X': return;
        default: break;
        }
      if (out != NULL && write (fd, out, n) != (ssize_t) n)
        return;
    }
}

static gpointer
fake_pg_serve (gpointer data)
{
  FakePg *f = data;
  static const char hello[] = { 'R', 0, 0, 0, 8, 0, 0, 0, 0, 'Z', 0, 0, 0, 5, 'I' };
  for (int i = 0; i < 4; i++)
    {
      int fd = accept (f->listener, NULL, NULL);
      if (fd < 0)
        return NULL;
      guint32 len = 0;
      char body[1024];
      if (!read_full (fd, &len, 4) || ntohl (len) < 8 || ntohl (len) - 4 > sizeof body
          || !read_full (fd, body, ntohl (len) - 4))
        {
          close (fd);
          return NULL;
        }
      /* counted before the answer: a client that has its connection
       * finds it counted (a test ran ahead of the count under load) */
      g_mutex_lock (&f->lock);
      f->startup_len[i] = ntohl (len) - 4;
      memcpy (f->startup[i], body, f->startup_len[i]);
      f->fds[f->accepted++] = fd;
      g_mutex_unlock (&f->lock);
      if (f->mute)
        continue;
      if (write (fd, hello, sizeof hello) != (ssize_t) sizeof hello)
        return NULL;
      if (f->read_only && i == 0)
        fake_pg_refuse_write (fd);
      if (f->answer && i > 0)
        fake_pg_answer (fd);
    }
  return NULL;
}

static int
fake_pg_accepted (FakePg *f)
{
  g_mutex_lock (&f->lock);
  int n = f->accepted;
  g_mutex_unlock (&f->lock);
  return n;
}

/* Start a fake server in *f; 'mode': FAKE_READ_ONLY, FAKE_MUTE and
 * FAKE_ANSWER (the flags above), set before its thread starts. */
static void
fake_pg_start (FakePg *f, int mode)
{
  memset (f, 0, sizeof *f);
  f->read_only = (mode & FAKE_READ_ONLY) != 0;
  f->mute = (mode & FAKE_MUTE) != 0;
  f->answer = (mode & FAKE_ANSWER) != 0;
  g_mutex_init (&f->lock);
  f->listener = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t alen = sizeof a;
  assert_int_equal (bind (f->listener, (struct sockaddr *) &a, sizeof a), 0);
  assert_int_equal (listen (f->listener, 4), 0);
  assert_int_equal (getsockname (f->listener, (struct sockaddr *) &a, &alen), 0);
  f->port = ntohs (a.sin_port);
  f->thread = g_thread_new ("fake-pg", fake_pg_serve, f);
}

/* A pool of two on a fake server started in *f; 'extra' is added to the
 * connection string. */
static MsPool *
fake_pool_with (FakePg *f, int mode, const char *extra)
{
  fake_pg_start (f, mode);
  g_autofree char *conninfo = g_strdup_printf ("host=127.0.0.1 port=%d dbname=x user=u "
                                               "sslmode=disable gssencmode=disable %s",
                                               f->port, extra);
  return ms_pool_new (conninfo, NULL, 2, 1000, 2);
}

static MsPool *
fake_pool (FakePg *f, int mode)
{
  return fake_pool_with (f, mode, "");
}

/* Free the pool, then end the server: its listener and the sockets it
 * still holds open from index 'first' on are shut down (which ends a wait
 * of its thread in accept or read), its thread joined, and they are
 * closed. Before, the thread could outlive its test and take the next
 * test's connection (its FakePg lives on the stack, at the same place). */
static void
fake_pool_free (MsPool *p, FakePg *f, int first)
{
  ms_pool_free (p);
  shutdown (f->listener, SHUT_RDWR);
  int n = fake_pg_accepted (f);
  for (int i = first; i < n; i++)
    shutdown (f->fds[i], SHUT_RDWR);
  g_thread_join (f->thread);
  close (f->listener);
  for (int i = first; i < fake_pg_accepted (f); i++)
    close (f->fds[i]);
}

/* After a restart or a failover the server has closed the pool's idle
 * connections: the next caller gets a new connection (the connection
 * string resolved again), not the dead one to fail its first statement. */
static void
test_idle_closed_by_server (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, 0);
  g_autoptr (GError) e = NULL;
  MsPgConn *c = ms_pool_get (p, &e);
  assert_non_null (c);
  ms_pg_conn_release (c);
  assert_int_equal (ms_pool_stats (p).open, 1);

  shutdown (f.fds[0], SHUT_RDWR);     /* the server goes away */
  close (f.fds[0]);
  g_usleep (100 * 1000);

  c = ms_pool_get (p, &e);
  assert_non_null (c);
  assert_int_equal (fake_pg_accepted (&f), 2);
  assert_int_equal (PQstatus (c->pg), CONNECTION_OK);
  MsPoolStats st = ms_pool_stats (p);
  assert_int_equal (st.open, 1);
  assert_int_equal (st.in_use, 1);
  assert_int_equal (st.reconnects, 1);
  ms_pg_conn_release (c);
  fake_pool_free (p, &f, 1);          /* fds[0] is closed already */
}

/* A write refused by a read-only server (a standby, or one that its HA
 * engine keeps read-only) is an unavailable error, and the connection is
 * closed rather than kept: the next one resolves the connection string
 * again and, with target_session_attrs=read-write, finds the primary. */
static void
test_read_only_server (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, FAKE_READ_ONLY);
  static const MsSql write_sql = { NULL, "INSERT INTO t VALUES (1)" };
  g_autoptr (GError) e = NULL;
  assert_null (ms_pool_exec (p, &write_sql, 0, NULL, &e));
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  MsPoolStats st = ms_pool_stats (p);
  assert_int_equal (st.open, 0);
  assert_int_equal (st.in_use, 0);
  assert_int_equal (st.reconnects, 1);
  fake_pool_free (p, &f, 0);
}

/* Milliseconds since 't0' (monotonic microseconds). */
static gint64
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000;
}

/* The pool after a connection was given up: none open or in use, one
 * reopened slot, and only the one connection ever made (nothing resent). */
static void
assert_abandoned (MsPool *p, FakePg *f)
{
  MsPoolStats st = ms_pool_stats (p);
  assert_int_equal (st.open, 0);
  assert_int_equal (st.in_use, 0);
  assert_int_equal (st.reconnects, 1);
  assert_int_equal (fake_pg_accepted (f), 1);
}

/* The server goes away after the pool's check of an idle connection: a
 * change sent in full on it is not sent again on a new connection (it may
 * have run and lost only its answer); the call fails as unavailable.
 * Before, a statement outside a transaction went again after a reconnect. */
static void
test_sent_change_not_resent (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, 0);
  ms_pool_set_deadline (p, 2000, TRUE);
  g_autoptr (GError) e = NULL;
  MsPgConn *c = ms_pool_get (p, &e);
  assert_non_null (c);
  shutdown (f.fds[0], SHUT_RDWR);     /* gone, after the pool's check */
  close (f.fds[0]);
  g_usleep (50 * 1000);
  static const MsSql sql = { NULL, "INSERT INTO t VALUES (1)" };
  assert_null (ms_pg_exec (c, &sql, 0, NULL, &e));
  assert_non_null (e);
  assert_true (c->delivered);
  assert_int_equal (fake_pg_accepted (&f), 1);      /* no second connection */
  ms_pg_conn_release (c);
  assert_int_equal (ms_pool_stats (p).open, 0);     /* the dead one is not pooled */
  fake_pool_free (p, &f, 1);
}

/* The same loss under a read-only statement: it changes nothing, so it
 * is sent once more on a new connection, and the call succeeds. Before, it
 * failed as a change does. */
static void
test_sent_read_resent (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, FAKE_ANSWER);   /* its second connection answers */
  ms_pool_set_deadline (p, 2000, TRUE);
  g_autoptr (GError) e = NULL;
  MsPgConn *c = ms_pool_get (p, &e);
  assert_non_null (c);
  shutdown (f.fds[0], SHUT_RDWR);     /* gone, after the pool's check */
  close (f.fds[0]);
  g_usleep (50 * 1000);
  static const MsSql read = { NULL, "SELECT 1", .read_only = TRUE };  /* no Parse of its own */
  g_autoptr (PGresult) r = ms_pg_exec (c, &read, 0, NULL, &e);
  assert_null (e);
  assert_non_null (r);
  assert_int_equal (PQntuples (r), 1);
  assert_string_equal (PQgetvalue (r, 0, 0), "1");
  assert_int_equal (fake_pg_accepted (&f), 2);      /* sent again, on a new connection */
  /* a one-off read text the same way */
  shutdown (f.fds[1], SHUT_RDWR);
  g_usleep (50 * 1000);
  g_autoptr (PGresult) r2 = ms_pg_read_text (c, "SELECT 1", 0, NULL, &e);
  assert_null (e);
  assert_non_null (r2);
  assert_int_equal (fake_pg_accepted (&f), 3);
  /* when no new connection can be had, the read fails as unavailable */
  shutdown (f.listener, SHUT_RDWR);   /* refuses connections from now on */
  shutdown (f.fds[2], SHUT_RDWR);
  g_usleep (50 * 1000);
  assert_null (ms_pg_exec (c, &read, 0, NULL, &e));
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  assert_int_equal (fake_pg_accepted (&f), 3);
  ms_pg_conn_release (c);
  assert_int_equal (ms_pool_stats (p).open, 0);
  fake_pool_free (p, &f, 1);
}

static gboolean
while_counts (gpointer user, GError **error)
{
  (void) error;
  (*(int *) user)++;
  return TRUE;
}

static gboolean
while_fails (gpointer user, GError **error)
{
  (*(int *) user)++;
  return ms_fail (error, MS_ERROR_INVALID_OBJECT, "no event for it");
}

/* ms_pg_exec_commit_while: the transaction's first statement leaves with
 * BEGIN, 'fn' runs while it executes, COMMIT follows in the same pipeline,
 * and the statement's answer comes back. When 'fn' fails, its error is the
 * answer, what was sent is rolled back, and the connection serves the next
 * statement. */
static void
test_exec_commit_while (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, FAKE_ANSWER);   /* its second connection answers */
  ms_pool_set_deadline (p, 2000, TRUE);
  g_autoptr (GError) e = NULL;
  MsPgConn *first = ms_pool_get (p, &e);
  MsPgConn *c = ms_pool_get (p, &e);
  assert_non_null (first);
  assert_non_null (c);
  static const MsSql sql = { NULL, "SELECT 1" };
  int calls = 0;
  assert_true (ms_pg_begin (c, NULL));
  g_autoptr (PGresult) r = ms_pg_exec_commit_while (c, &sql, 0, NULL, while_counts, &calls, &e);
  assert_null (e);
  assert_non_null (r);
  assert_int_equal (calls, 1);
  assert_int_equal (PQntuples (r), 1);
  assert_string_equal (PQgetvalue (r, 0, 0), "1");
  assert_false (c->in_tx);

  assert_true (ms_pg_begin (c, NULL));
  assert_null (ms_pg_exec_commit_while (c, &sql, 0, NULL, while_fails, &calls, &e));
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_INVALID_OBJECT));
  assert_int_equal (calls, 2);
  assert_false (c->in_tx);
  assert_false (c->broken);
  g_clear_error (&e);
  g_autoptr (PGresult) again = ms_pg_exec (c, &sql, 0, NULL, &e);
  assert_null (e);
  assert_non_null (again);
  assert_int_equal (fake_pg_accepted (&f), 2);      /* no new connection */
  ms_pg_conn_release (c);
  ms_pg_conn_release (first);
  fake_pool_free (p, &f, 0);
}

/* A statement PostgreSQL never answers (a stopped backend, replies lost
 * on the network) fails as unavailable once the deadline passes, and its
 * connection is closed rather than pooled. Before the deadline existed
 * the call waited for ever. */
static void
test_deadline_statement (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, 0);
  ms_pool_set_deadline (p, 300, TRUE);
  static const MsSql sql = { NULL, "SELECT 1" };
  g_autoptr (GError) e = NULL;
  gint64 t0 = g_get_monotonic_time ();
  assert_null (ms_pool_exec (p, &sql, 0, NULL, &e));
  gint64 took = ms_since (t0);
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  assert_true (took >= 290 && took < 3000);
  assert_abandoned (p, &f);
  fake_pool_free (p, &f, 0);
}

/* The same for a prepared statement: its Parse goes unanswered. */
static void
test_deadline_prepare (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, 0);
  ms_pool_set_deadline (p, 300, FALSE);
  static const MsSql sql = { "deadline_probe", "SELECT 1" };
  g_autoptr (GError) e = NULL;
  gint64 t0 = g_get_monotonic_time ();
  assert_null (ms_pool_exec (p, &sql, 0, NULL, &e));
  assert_true (ms_since (t0) < 3000);
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  assert_abandoned (p, &f);
  fake_pool_free (p, &f, 0);
}

/* A transaction's last statement goes with BEGIN and COMMIT in one round
 * trip (ms_pg_commit_next). When its answer does not come, the outcome is
 * unknown: the call fails with MS_ERROR_INTERNAL (REST: 500
 * CommitStateUnknownException), not as unavailable (which a client takes
 * as nothing written), and, although BEGIN was part of the round trip,
 * nothing is sent again on a new connection (a resend could commit
 * twice). */
static void
test_deadline_at_commit (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, 0);
  ms_pool_set_deadline (p, 300, TRUE);
  g_autoptr (GError) e = NULL;
  MsPgConn *c = ms_pool_get (p, &e);
  assert_non_null (c);
  assert_true (ms_pg_begin (c, NULL));
  ms_pg_commit_next (c);
  static const MsSql sql = { NULL, "INSERT INTO t VALUES (1)" };
  gint64 t0 = g_get_monotonic_time ();
  assert_null (ms_pg_exec (c, &sql, 0, NULL, &e));
  assert_true (ms_since (t0) < 3000);
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_INTERNAL));
  assert_non_null (strstr (e->message, "unknown"));
  assert_true (c->timed_out);
  ms_pg_conn_release (c);               /* no ROLLBACK sent and awaited */
  assert_true (ms_since (t0) < 3000);
  assert_abandoned (p, &f);
  fake_pool_free (p, &f, 0);
}

/* A stopping server gives up on statements still unanswered after its
 * grace, even without a deadline of their own. */
static void
test_give_up_when_stopping (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, 0);
  static const MsSql sql = { NULL, "SELECT 1" };
  g_autoptr (GError) e = NULL;
  MsPgConn *c = ms_pool_get (p, &e);    /* connected before the stop */
  assert_non_null (c);
  gint64 t0 = g_get_monotonic_time ();
  ms_pool_give_up (p, 300);
  assert_null (ms_pg_exec (c, &sql, 0, NULL, &e));
  gint64 took = ms_since (t0);
  assert_true (took >= 290 && took < 3000);
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  ms_pg_conn_release (c);
  assert_abandoned (p, &f);
  fake_pool_free (p, &f, 0);
}

/* Whether the start-up message of connection 'i' holds 'text' (with its
 * NUL: a whole value's end). */
static gboolean
startup_of_has (FakePg *f, int i, const char *text, gboolean with_nul)
{
  g_mutex_lock (&f->lock);
  gboolean has = memmem (f->startup[i], f->startup_len[i], text, strlen (text) + with_nul)
                 != NULL;
  g_mutex_unlock (&f->lock);
  return has;
}

/* The same for the first connection. */
static gboolean
startup_has (FakePg *f, const char *text, gboolean with_nul)
{
  return startup_of_has (f, 0, text, with_nul);
}

/* The session's statement_timeout and idle_in_transaction_session_timeout
 * are the deadline, set in the start-up options before the connection
 * string's own options (which win); not set when turned off. */
static void
test_session_timeouts (void **state)
{
  (void) state;
  for (int on = 0; on < 2; on++)
    {
      FakePg f;
      MsPool *p = fake_pool_with (&f, 0, "options='-c search_path=s'");
      ms_pool_set_deadline (p, 1234, on);
      g_autoptr (GError) e = NULL;
      MsPgConn *c = ms_pool_get (p, &e);
      assert_non_null (c);
      assert_int_equal (c->deadline_ms, 1234);
      ms_pg_conn_release (c);
      const char *want = on ? "-c statement_timeout=1234 -c idle_in_transaction_session_timeout="
                              "1234 -c search_path=s" : "-c search_path=s";
      assert_true (startup_has (&f, want, TRUE));
      assert_int_equal (startup_has (&f, "statement_timeout", FALSE), on);
      fake_pool_free (p, &f, 0);
    }
}

/* A server that takes the TCP connection and never answers the start-up
 * message: opening a connection gives up after database.connect_timeout_s
 * (libpq's connect_timeout, here 2 s: its least), the call fails as
 * unavailable and the reserved slot is freed. */
static void
test_connect_unanswered (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, FAKE_MUTE);
  g_autoptr (GError) e = NULL;
  gint64 t0 = g_get_monotonic_time ();
  assert_null (ms_pool_get (p, &e));
  gint64 took = ms_since (t0);
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  assert_true (took >= 900 && took < 4000);
  assert_int_equal (fake_pg_accepted (&f), 1);
  MsPoolStats st = ms_pool_stats (p);
  assert_int_equal (st.open, 0);
  assert_int_equal (st.in_use, 0);
  fake_pool_free (p, &f, 0);
}

/* Every connection in use: a caller waits database.pool_wait_ms, then fails
 * as unavailable (MetaException, REST 503); once one is given back, the
 * next caller gets it. */
static void
test_pool_exhausted (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, 0);
  MsPoolTimeouts t = ms_pool_timeouts (p);
  t.wait_ms = 300;
  assert_true (ms_pool_set_timeouts (p, &t));
  g_autoptr (GError) e = NULL;
  MsPgConn *a = ms_pool_get (p, &e), *b = ms_pool_get (p, &e);
  assert_non_null (a);
  assert_non_null (b);
  gint64 t0 = g_get_monotonic_time ();
  assert_null (ms_pool_get (p, &e));
  gint64 took = ms_since (t0);
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  assert_non_null (strstr (e->message, "within 300 ms"));
  assert_true (took >= 290 && took < 3000);
  MsPoolStats st = ms_pool_stats (p);
  assert_int_equal (st.waiting, 0);
  assert_int_equal (st.in_use, 2);
  ms_pg_conn_release (a);
  g_clear_error (&e);
  MsPgConn *again = ms_pool_get (p, &e);
  assert_true (again == a);
  ms_pg_conn_release (again);
  ms_pg_conn_release (b);
  assert_int_equal (fake_pg_accepted (&f), 2);
  fake_pool_free (p, &f, 0);
}

typedef struct {
  MsPool *pool;
  GError *error;
  gint64 took_ms;
} Waiter;

static gpointer
wait_for_connection (gpointer data)
{
  Waiter *w = data;
  gint64 t0 = g_get_monotonic_time ();
  MsPgConn *c = ms_pool_get (w->pool, &w->error);
  w->took_ms = ms_since (t0);
  ms_pg_conn_release (c);
  return NULL;
}

/* A stopping server: a caller waiting for a connection gives up at the
 * give-up time rather than after database.pool_wait_ms, and no new
 * connection is opened after it. */
static void
test_wait_ends_when_stopping (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, 0);
  MsPoolTimeouts t = ms_pool_timeouts (p);
  t.wait_ms = 20000;
  ms_pool_set_timeouts (p, &t);
  g_autoptr (GError) e = NULL;
  MsPgConn *a = ms_pool_get (p, &e), *b = ms_pool_get (p, &e);
  assert_non_null (a);
  assert_non_null (b);
  Waiter w = { p, NULL, 0 };
  GThread *th = g_thread_new ("waiter", wait_for_connection, &w);
  g_usleep (100 * 1000);
  ms_pool_give_up (p, 200);
  g_thread_join (th);
  assert_true (g_error_matches (w.error, MS_ERROR, MS_ERROR_UNAVAILABLE));
  assert_true (w.took_ms < 3000);      /* not pool_wait_ms (20 s) */
  g_clear_error (&w.error);
  ms_pg_conn_release (a);
  ms_pg_conn_release (b);
  /* after the give-up time nothing runs on PostgreSQL any more (its round
   * trips would be abandoned): a caller fails at once */
  gint64 t0 = g_get_monotonic_time ();
  assert_null (ms_pool_get (p, &e));
  assert_true (g_error_matches (e, MS_ERROR, MS_ERROR_UNAVAILABLE));
  assert_non_null (strstr (e->message, "stopping"));
  assert_true (ms_since (t0) < 1000);
  assert_int_equal (fake_pg_accepted (&f), 2);
  fake_pool_free (p, &f, 0);
}

/* database.* timeouts reloaded (SIGHUP): an idle connection opened under
 * other session timeouts is replaced by one opened with the new ones; a
 * reload that changes nothing keeps it; without session timeouts a new
 * deadline applies to the idle connection as it is. */
static void
test_reload_timeouts (void **state)
{
  (void) state;
  FakePg f;
  MsPool *p = fake_pool (&f, 0);
  ms_pool_set_deadline (p, 1234, TRUE);
  g_autoptr (GError) e = NULL;
  MsPgConn *c = ms_pool_get (p, &e);
  assert_non_null (c);
  ms_pg_conn_release (c);
  MsPoolTimeouts t = ms_pool_timeouts (p);
  assert_false (ms_pool_set_timeouts (p, &t));        /* the same values */
  c = ms_pool_get (p, &e);
  assert_int_equal (fake_pg_accepted (&f), 1);        /* kept */
  ms_pg_conn_release (c);

  t.deadline_ms = 2500;
  assert_true (ms_pool_set_timeouts (p, &t));
  c = ms_pool_get (p, &e);
  assert_non_null (c);
  assert_int_equal (fake_pg_accepted (&f), 2);        /* replaced */
  assert_int_equal (c->deadline_ms, 2500);
  assert_true (startup_of_has (&f, 1, "-c statement_timeout=2500 ", FALSE));
  ms_pg_conn_release (c);
  assert_int_equal (ms_pool_stats (p).open, 1);

  t.session_timeouts = FALSE;
  t.deadline_ms = 700;
  ms_pool_set_timeouts (p, &t);
  c = ms_pool_get (p, &e);
  assert_int_equal (fake_pg_accepted (&f), 3);        /* replaced: no session timeouts */
  assert_false (startup_of_has (&f, 2, "statement_timeout", FALSE));
  assert_int_equal (c->deadline_ms, 700);
  ms_pg_conn_release (c);

  t.deadline_ms = 900;
  ms_pool_set_timeouts (p, &t);
  c = ms_pool_get (p, &e);
  assert_int_equal (fake_pg_accepted (&f), 3);        /* kept, with the new deadline */
  assert_int_equal (c->deadline_ms, 900);
  ms_pg_conn_release (c);
  MsPoolStats st = ms_pool_stats (p);
  assert_int_equal (st.open, 1);
  assert_int_equal (st.reconnects, 0);
  fake_pool_free (p, &f, 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_unreachable),
    cmocka_unit_test (test_outer_joins),
    cmocka_unit_test (test_pin_unreachable),
    cmocka_unit_test (test_idle_closed_by_server),
    cmocka_unit_test (test_sent_change_not_resent),
    cmocka_unit_test (test_sent_read_resent),
    cmocka_unit_test (test_exec_commit_while),
    cmocka_unit_test (test_read_only_server),
    cmocka_unit_test (test_deadline_statement),
    cmocka_unit_test (test_deadline_prepare),
    cmocka_unit_test (test_deadline_at_commit),
    cmocka_unit_test (test_give_up_when_stopping),
    cmocka_unit_test (test_session_timeouts),
    cmocka_unit_test (test_connect_unanswered),
    cmocka_unit_test (test_pool_exhausted),
    cmocka_unit_test (test_wait_ends_when_stopping),
    cmocka_unit_test (test_reload_timeouts),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
