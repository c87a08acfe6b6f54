/*
 * icebench.c: load generator for the Iceberg REST door, with the
 * PostgreSQL floors measured the same way as hmsbench's.
 *
 *   icebench --rest-port P [--host H] [--threads N] [--tables M]
 *            [--count K | --seconds S] [--per-table C] [--pg CONNINFO]
 *            [--idempotency-key] [OPS...]
 *
 * OPS (default: all but floorCommitHot and contention, in this order):
 *   floorSelect1     SELECT 1: the bare PostgreSQL round trip (prepared,
 *                    over libpq on the server's own socket)
 *   floorLoadTable   the SELECT the server's load runs (table row joined
 *                    with its metadata copy), on the warm table
 *   floorLoadTable.100  the same on the table with 100 snapshots
 *   floorCommit      one durable UPDATE of a table's metadata copy, with
 *                    the document it holds (autocommit: a round trip and a
 *                    WAL flush), the least PostgreSQL work a commit can be;
 *                    thread k updates the row of its own table fl_<k>
 *   floorCommitHot   the same, every thread on the one row of the warm
 *                    table: the floor of commits contending on one table
 *   floorFile        the warm table's metadata document written to a new
 *                    file next to its metadata, fdatasync'ed and renamed
 *                    into place, as a file:// metadata write is
 *   config           GET /v1/config: the HTTP round trip with no PostgreSQL
 *   createTable      POST .../tables, a 10-column schema, one per call
 *   loadTable        GET .../tables/warm (one snapshot)
 *   loadTable.100    GET .../tables/warm100 (100 snapshots, 100 metadata-log
 *                    entries)
 *   commit           POST .../tables/{t}: assert-ref-snapshot-id main =
 *                    current; add-snapshot (parent = current, sequence
 *                    number + 1, an append summary) and set-snapshot-ref
 *                    main. --tables M tables (default: one per thread);
 *                    thread k owns tables k, k+N, ..., round-robin, so
 *                    commits never conflict. A table that took --per-table
 *                    commits (default 10) is replaced by a fresh one
 *                    outside the timed region, so every commit is on a
 *                    table of 0..C-1 snapshots.
 *   commit.100       the same on tables of 100..100+C-1 snapshots: each
 *                    starts as a copy of warm100's metadata (its own
 *                    location and uuid) written by this program and
 *                    adopted with POST .../register.
 *   contention       N threads commit to ONE fresh table; on 409 a thread
 *                    reloads the table (GET) to learn the current snapshot,
 *                    backs off (jittered, 0..1 ms doubling to 0..16 ms) and
 *                    retries. --count commits in all; one that loses 100
 *                    times is given up (counted). Reports commits/s, the
 *                    409s, any other status (must be 0), and checks at the
 *                    end that the table holds exactly one snapshot per 200
 *                    reply, in one parent chain.
 *
 * With --idempotency-key every POST and DELETE (creates, commits, their
 * set-up too) carries a fresh Idempotency-Key, as a client that may retry
 * sends it: run commit with and without it to see what the server's
 * record of the key costs.
 *
 * Every thread has one libcurl easy handle (one keep-alive connection,
 * opened before the clock starts) and, for floors, one libpq connection.
 * Commit bodies are built outside the timed region (createTable's, one
 * printf, inside); the request and its reply are timed. Lines print median, p99 and throughput like
 * hmsbench; an operation's ratio is to its own floor ('floor' + its
 * capitalised name, floorCommit for createTable, floorCommitHot for
 * contention), for commits and creates also to floorCommit + floorFile
 * (what a durable file:// commit needs at least: the file and the row),
 * and to floorSelect1, when they ran in the same invocation.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NS "icebench"
#define MAX_ATTEMPTS_PER_SUCCESS 100

/* What a client knows of a table it commits to. */
typedef struct {
  char *name;
  char *location;              /* the table location (for manifest-list paths) */
  gint64 current;              /* current snapshot id, -1: none */
  gint64 seq;                  /* last sequence number */
  int snapshots;
  int base;                    /* snapshots it started with */
} Tbl;

/* The shared state of commit and contention, set up before they run. */
typedef struct {
  GPtrArray *tables;           /* commit: Tbl*, thread k owns k, k+N, ... */
  char *hot;                   /* contention: the one table */
  int fresh;                   /* commit: tables made so far (for names) */
  int max_snapshots;           /* commit: most snapshots a table reached */
  GMutex lock;
} Shared;

/* The start line: workers connect, then wait for all to be ready. */
typedef struct {
  GMutex m;
  GCond c;
  int ready;
  gboolean go;
} Start;

typedef struct {
  const char *host;
  int port;
  int threads;
  int tables;
  int per_table;
  gint64 count;
  double seconds;
  const char *pg;
  gboolean idem;               /* --idempotency-key: a fresh key on every change */
  char run[16];                /* makes this run's table names unique */
  char *warm_dir;              /* local directory of the warm table's metadata */
  char *warm_text;             /* the warm table's metadata document */
  char *warm100_text;          /* warm100's */
  GPtrArray *floor_texts;      /* fl_<k>'s */
  char *ns_dir;                /* local directory of the namespace */
  Shared shared;
  Start start;
} Opts;

/* One keep-alive HTTP connection. */
typedef struct {
  CURL *h;
  struct curl_slist *headers;
  GString *reply;
  char *base;                  /* http://host:port/v1/namespaces/icebench */
  gboolean idem;               /* POST and DELETE carry a fresh Idempotency-Key */
} Http;

typedef struct {
  Opts *o;
  const char *op;
  int index;
  GArray *lat;                 /* gdouble microseconds, timed calls */
  GArray *to_success;          /* contention: first attempt to 200, with reloads */
  gint64 untimed_us;
  char *error_text;
  Http http;
  PGconn *pg;
  GPtrArray *tables;           /* commit: indices of shared.tables this thread owns;
                                * contention: its view of the hot table (Tbl*) */
  gint64 conflicts, others, attempts, gave_up;
  GArray *won;                 /* contention: ids committed by this thread */
} Worker;

/* ---- HTTP ---- */

static size_t
on_data (char *p, size_t size, size_t n, void *user)
{
  g_string_append_len (user, p, (gssize) (size * n));
  return size * n;
}

static void
http_init (Http *c, Opts *o)
{
  c->h = curl_easy_init ();
  c->reply = g_string_sized_new (16384);
  c->base = g_strdup_printf ("http://%s:%d/v1/namespaces/" NS, o->host, o->port);
  /* no "Expect: 100-continue": it costs a round trip per larger POST */
  c->headers = curl_slist_append (NULL, "Content-Type: application/json");
  c->headers = curl_slist_append (c->headers, "Expect:");
  curl_easy_setopt (c->h, CURLOPT_HTTPHEADER, c->headers);
  curl_easy_setopt (c->h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt (c->h, CURLOPT_WRITEDATA, c->reply);
  curl_easy_setopt (c->h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c->h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt (c->h, CURLOPT_TIMEOUT, 60L);
  c->idem = o->idem;
}

static void
http_clear (Http *c)
{
  if (c->h)
    curl_easy_cleanup (c->h);
  curl_slist_free_all (c->headers);
  if (c->reply)
    g_string_free (c->reply, TRUE);
  g_free (c->base);
  memset (c, 0, sizeof *c);
}

/* One request to base + 'path' (or to 'path' when it starts with "/");
 * the reply is in c->reply; the status, or 0 with 'error'. */
static long
http_call (Http *c, const char *method, const char *path, const char *body, GError **error)
{
  char url[1024];
  if (path[0] == '/')
    {
      const char *v1 = strstr (c->base, "/v1/");
      g_snprintf (url, sizeof url, "%.*s%s", (int) (v1 - c->base), c->base, path);
    }
  else
    g_snprintf (url, sizeof url, "%s%s%s", c->base, *path ? "/" : "", path);
  curl_easy_setopt (c->h, CURLOPT_URL, url);
  if (body != NULL)
    {
      curl_easy_setopt (c->h, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt (c->h, CURLOPT_POSTFIELDSIZE, (long) strlen (body));
      curl_easy_setopt (c->h, CURLOPT_CUSTOMREQUEST, NULL);
    }
  else
    {
      curl_easy_setopt (c->h, CURLOPT_HTTPGET, 1L);
      curl_easy_setopt (c->h, CURLOPT_CUSTOMREQUEST, g_str_equal (method, "GET") ? NULL : method);
    }
  g_string_truncate (c->reply, 0);
  /* with --idempotency-key, a change carries a new key (what a client
   * that may retry sends): the cost is the server's record of it */
  struct curl_slist *keyed = NULL;
  if (c->idem && !g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *line = g_strdup_printf ("Idempotency-Key: %s", uuid);
      keyed = curl_slist_append (NULL, "Content-Type: application/json");
      keyed = curl_slist_append (keyed, "Expect:");
      keyed = curl_slist_append (keyed, line);
    }
  curl_easy_setopt (c->h, CURLOPT_HTTPHEADER, keyed ? keyed : c->headers);
  CURLcode rc = curl_easy_perform (c->h);
  curl_slist_free_all (keyed);
  if (rc != CURLE_OK)
    {
      g_set_error (error, G_IO_ERROR, 0, "%s %s: %s", method, url, curl_easy_strerror (rc));
      return 0;
    }
  long status = 0;
  curl_easy_getinfo (c->h, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

/* http_call that must answer 'want'. */
static gboolean
http_expect (Http *c, const char *method, const char *path, const char *body, long want,
             GError **error)
{
  long st = http_call (c, method, path, body, error);
  if (st == 0)
    return FALSE;
  if (st != want)
    {
      g_set_error (error, G_IO_ERROR, 0, "%s %s: %ld %.300s", method, path, st, c->reply->str);
      return FALSE;
    }
  return TRUE;
}

/* ---- JSON bodies and replies ---- */

/* 10 columns as a CreateTableRequest carries them (ids are reassigned). */
static const char create_schema[] =
  "{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
  "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
  "{\"id\":2,\"name\":\"name\",\"required\":false,\"type\":\"string\",\"doc\":\"customer name\"},"
  "{\"id\":3,\"name\":\"price\",\"required\":false,\"type\":\"decimal(10, 2)\"},"
  "{\"id\":4,\"name\":\"qty\",\"required\":false,\"type\":\"int\"},"
  "{\"id\":5,\"name\":\"ts\",\"required\":false,\"type\":\"timestamptz\"},"
  "{\"id\":6,\"name\":\"day\",\"required\":false,\"type\":\"date\"},"
  "{\"id\":7,\"name\":\"tags\",\"required\":false,\"type\":{\"type\":\"list\",\"element-id\":11,"
  "\"element\":\"string\",\"element-required\":false}},"
  "{\"id\":8,\"name\":\"attrs\",\"required\":false,\"type\":{\"type\":\"map\",\"key-id\":12,"
  "\"key\":\"string\",\"value-id\":13,\"value\":\"string\",\"value-required\":false}},"
  "{\"id\":9,\"name\":\"payload\",\"required\":false,\"type\":\"binary\"},"
  "{\"id\":10,\"name\":\"active\",\"required\":false,\"type\":\"boolean\"}]}";

static char *
create_body (const char *name)
{
  return g_strdup_printf ("{\"name\":\"%s\",\"schema\":%s,"
                          "\"partition-spec\":{\"spec-id\":0,\"fields\":[{\"source-id\":6,"
                          "\"field-id\":1000,\"name\":\"day\",\"transform\":\"identity\"}]},"
                          "\"write-order\":{\"order-id\":0,\"fields\":[]},"
                          "\"properties\":{\"write.format.default\":\"parquet\","
                          "\"owner\":\"icebench\"}}", name, create_schema);
}

/* The commit a writer sends after appending one data file: it asserts main
 * is where it read it, adds the snapshot and moves main to it. */
static char *
commit_body (const Tbl *t, gint64 id)
{
  GString *b = g_string_sized_new (1536);
  g_string_append (b, "{\"requirements\":[{\"type\":\"assert-ref-snapshot-id\",\"ref\":\"main\","
                   "\"snapshot-id\":");
  if (t->current < 0)
    g_string_append (b, "null");
  else
    g_string_append_printf (b, "%" G_GINT64_FORMAT, t->current);
  g_string_append_printf (b, "}],\"updates\":[{\"action\":\"add-snapshot\",\"snapshot\":{"
                          "\"snapshot-id\":%" G_GINT64_FORMAT ",", id);
  if (t->current >= 0)
    g_string_append_printf (b, "\"parent-snapshot-id\":%" G_GINT64_FORMAT ",", t->current);
  g_autofree char *uuid = g_uuid_string_random ();
  gint64 n = t->seq + 1;
  g_string_append_printf (b, "\"sequence-number\":%" G_GINT64_FORMAT ",\"timestamp-ms\":%" G_GINT64_FORMAT
                          ",\"manifest-list\":\"%s/metadata/snap-%" G_GINT64_FORMAT "-1-%s.avro\","
                          "\"summary\":{\"operation\":\"append\",\"added-data-files\":\"1\","
                          "\"added-records\":\"1000\",\"added-files-size\":\"40960\","
                          "\"changed-partition-count\":\"1\",\"total-records\":\"%" G_GINT64_FORMAT "\","
                          "\"total-files-size\":\"%" G_GINT64_FORMAT "\",\"total-data-files\":\"%"
                          G_GINT64_FORMAT "\",\"total-delete-files\":\"0\","
                          "\"total-position-deletes\":\"0\",\"total-equality-deletes\":\"0\"},"
                          "\"schema-id\":0}},{\"action\":\"set-snapshot-ref\",\"ref-name\":\"main\","
                          "\"type\":\"branch\",\"snapshot-id\":%" G_GINT64_FORMAT "}]}",
                          n, g_get_real_time () / 1000, t->location, id, uuid, n * 1000, n * 40960,
                          n, id);
  return g_string_free (b, FALSE);
}

/* The "metadata" object of a LoadTableResult / CommitTableResponse reply. */
static JsonObject *
reply_metadata (JsonParser *p, const GString *reply, GError **error)
{
  if (!json_parser_load_from_data (p, reply->str, (gssize) reply->len, error))
    return NULL;
  JsonNode *root = json_parser_get_root (p);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *m = o ? json_object_get_member (o, "metadata") : NULL;
  if (m == NULL || !JSON_NODE_HOLDS_OBJECT (m))
    {
      g_set_error (error, G_IO_ERROR, 0, "reply without metadata: %.200s", reply->str);
      return NULL;
    }
  return json_node_get_object (m);
}

/* Fill 't' from a table's metadata. */
static void
tbl_from_metadata (Tbl *t, JsonObject *md)
{
  g_free (t->location);
  t->location = g_strdup (json_object_get_string_member_with_default (md, "location", ""));
  JsonNode *cur = json_object_get_member (md, "current-snapshot-id");
  t->current = cur && JSON_NODE_HOLDS_VALUE (cur) ? json_node_get_int (cur) : -1;
  t->seq = json_object_get_int_member_with_default (md, "last-sequence-number", 0);
  JsonNode *s = json_object_get_member (md, "snapshots");
  t->snapshots = s && JSON_NODE_HOLDS_ARRAY (s) ? (int) json_array_get_length (json_node_get_array (s)) : 0;
}

static void
tbl_free (Tbl *t)
{
  g_free (t->name);
  g_free (t->location);
  g_free (t);
}

/* Reload 't' (GET). */
static gboolean
tbl_load (Http *c, Tbl *t, GError **error)
{
  g_autofree char *path = g_strdup_printf ("tables/%s", t->name);
  if (!http_expect (c, "GET", path, NULL, 200, error))
    return FALSE;
  g_autoptr (JsonParser) p = json_parser_new_immutable ();
  JsonObject *md = reply_metadata (p, c->reply, error);
  if (md == NULL)
    return FALSE;
  tbl_from_metadata (t, md);
  return TRUE;
}

/* The integer after the first "key": in 'text', or -1 (also for null). */
static gint64
int_after (const char *text, const char *key)
{
  const char *p = strstr (text, key);
  if (p == NULL)
    return -1;
  p += strlen (key);
  return g_ascii_isdigit (*p) ? g_ascii_strtoll (p, NULL, 10) : -1;
}

/* Reload what a retry needs of 't' (GET): its current snapshot and last
 * sequence number. Both keys occur once in a metadata document, at its
 * top level, so they are found in the reply's text without parsing a
 * document that grows with every snapshot (the client would spend more
 * than the server). */
static gboolean
tbl_reload (Http *c, Tbl *t, GError **error)
{
  g_autofree char *path = g_strdup_printf ("tables/%s", t->name);
  if (!http_expect (c, "GET", path, NULL, 200, error))
    return FALSE;
  t->current = int_after (c->reply->str, "\"current-snapshot-id\":");
  t->seq = int_after (c->reply->str, "\"last-sequence-number\":");
  if (t->seq < 0)
    {
      g_set_error (error, G_IO_ERROR, 0, "%s: no last-sequence-number", t->name);
      return FALSE;
    }
  return TRUE;
}

/* A new table 'name' (or the existing one when 'reuse'). */
static Tbl *
tbl_create (Http *c, const char *name, gboolean reuse, GError **error)
{
  g_autofree char *body = create_body (name);
  long st = http_call (c, "POST", "tables", body, error);
  Tbl *t = g_new0 (Tbl, 1);
  t->name = g_strdup (name);
  gboolean ok = st == 200;
  if (st == 409 && reuse)
    ok = tbl_load (c, t, error);
  else if (st != 0 && st != 200)
    g_set_error (error, G_IO_ERROR, 0, "create %s: %ld %.300s", name, st, c->reply->str);
  else if (ok)
    {
      g_autoptr (JsonParser) p = json_parser_new_immutable ();
      JsonObject *md = reply_metadata (p, c->reply, error);
      if (md != NULL)
        tbl_from_metadata (t, md);
      ok = md != NULL;
    }
  if (!ok)
    {
      tbl_free (t);
      return NULL;
    }
  return t;
}

/* A new table 'name' holding a copy of warm100's metadata: the document
 * with its own location and uuid, written where the namespace keeps its
 * tables and adopted with register. */
static Tbl *
tbl_clone_100 (Http *c, Opts *o, const char *name, GError **error)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, o->warm100_text, -1, error))
    return NULL;
  JsonObject *md = json_node_get_object (json_parser_get_root (p));
  g_autofree char *dir = g_build_filename (o->ns_dir, name, "metadata", NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *location = g_strdup_printf ("file://%s/%s", o->ns_dir, name);
  json_object_set_string_member (md, "location", location);
  json_object_set_string_member (md, "table-uuid", uuid);
  json_object_set_array_member (md, "metadata-log", json_array_new ());
  g_autoptr (JsonGenerator) g = json_generator_new ();
  json_generator_set_root (g, json_parser_get_root (p));
  gsize len = 0;
  g_autofree char *text = json_generator_to_data (g, &len);
  g_autofree char *file = g_strdup_printf ("%s/00000-%s.metadata.json", dir, uuid);
  if (g_mkdir_with_parents (dir, 0755) != 0 || !g_file_set_contents (file, text, (gssize) len, error))
    {
      if (error && *error == NULL)
        g_set_error (error, G_IO_ERROR, 0, "%s: %s", dir, g_strerror (errno));
      return NULL;
    }
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"metadata-location\":\"file://%s\"}",
                                           name, file);
  if (!http_expect (c, "POST", "register", body, 200, error))
    return NULL;
  Tbl *t = g_new0 (Tbl, 1);
  t->name = g_strdup (name);
  g_autoptr (JsonParser) rp = json_parser_new_immutable ();
  JsonObject *rmd = reply_metadata (rp, c->reply, error);
  if (rmd == NULL)
    {
      tbl_free (t);
      return NULL;
    }
  tbl_from_metadata (t, rmd);
  t->base = t->snapshots;
  return t;
}

/* A fresh table for 'op' (commit: empty; commit.100: a clone of warm100). */
static Tbl *
tbl_fresh (Http *c, Opts *o, const char *op, int k, GError **error)
{
  g_autofree char *name = g_strdup_printf ("%s_%s_%d", g_str_equal (op, "commit") ? "cm" : "cx",
                                           o->run, k);
  if (g_str_equal (op, "commit"))
    return tbl_create (c, name, FALSE, error);
  return tbl_clone_100 (c, o, name, error);
}

/* A snapshot id no other thread of this run uses on the same table. */
static gint64
snapshot_id (int thread, gint64 i)
{
  return (gint64) (thread + 1) * G_GINT64_CONSTANT (1000000000000) + i + 1;
}

/* One commit of a new snapshot on 't'; the status, 0 on a transport error. */
static long
tbl_commit (Http *c, Tbl *t, gint64 id, const char *body, GError **error)
{
  g_autofree char *path = g_strdup_printf ("tables/%s", t->name);
  long st = http_call (c, "POST", path, body, error);
  if (st == 200)
    {
      t->current = id;
      t->seq++;
      t->snapshots++;
    }
  return st;
}

/* Commit 'n' snapshots to 't' (setup). */
static gboolean
tbl_grow (Http *c, Tbl *t, int n, GError **error)
{
  for (int i = 0; i < n; i++)
    {
      gint64 id = snapshot_id (999, t->snapshots);
      g_autofree char *body = commit_body (t, id);
      long st = tbl_commit (c, t, id, body, error);
      if (st != 200)
        {
          if (st != 0)
            g_set_error (error, G_IO_ERROR, 0, "commit %s: %ld %.300s", t->name, st, c->reply->str);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- floors ---- */

static const char sql_load_floor[] =
  "SELECT t.table_id, upper (t.params->>'table_type'), t.params->>'metadata_location', "
  "  m.location, m.metadata FROM ms_tables t JOIN ms_databases d ON d.db_id = t.db_id "
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "LEFT JOIN ms_iceberg_metadata m ON m.table_id = t.table_id "
  "WHERE c.name = 'hive' AND d.name = '" NS "' AND t.name = $1";
static const char sql_commit_floor[] =
  "UPDATE ms_iceberg_metadata SET metadata = $2 WHERE table_id = "
  "(SELECT t.table_id FROM ms_tables t JOIN ms_databases d ON d.db_id = t.db_id "
  "JOIN ms_catalogs c ON c.cat_id = d.cat_id "
  "WHERE c.name = 'hive' AND d.name = '" NS "' AND t.name = $1)";

static gboolean
is_floor (const char *op)
{
  return g_str_has_prefix (op, "floor");
}

static gboolean
floor_prepare (Worker *w, GError **error)
{
  const char *sql = g_str_equal (w->op, "floorSelect1") ? "SELECT 1"
                    : g_str_has_prefix (w->op, "floorLoadTable") ? sql_load_floor
                    : g_str_has_prefix (w->op, "floorCommit") ? sql_commit_floor : NULL;
  if (sql == NULL)
    return TRUE;
  PGresult *r = PQprepare (w->pg, w->op, sql, 0, NULL);
  gboolean ok = PQresultStatus (r) == PGRES_COMMAND_OK;
  if (!ok)
    g_set_error (error, G_IO_ERROR, 0, "prepare %s: %s", w->op, PQerrorMessage (w->pg));
  PQclear (r);
  return ok;
}

/* Write 'text' as storage_object.c writes a local object: a temporary
 * file, fdatasync, rename. */
static gboolean
floor_file (Worker *w, GError **error)
{
  Opts *o = w->o;
  g_autofree char *path = g_strdup_printf ("%s/icebench-floor-%d.json", o->warm_dir, w->index);
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-XXXXXX", path);
  int fd = g_mkstemp_full (tmp, O_WRONLY, 0644);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, 0, "%s: %s", tmp, g_strerror (errno));
      return FALSE;
    }
  gsize len = strlen (o->warm_text);
  gboolean ok = write (fd, o->warm_text, len) == (ssize_t) len && fdatasync (fd) == 0;
  ok = close (fd) == 0 && ok;
  ok = ok && rename (tmp, path) == 0;
  if (!ok)
    {
      g_set_error (error, G_IO_ERROR, 0, "%s: %s", path, g_strerror (errno));
      g_unlink (tmp);
    }
  return ok;
}

static gboolean
floor_call (Worker *w, guint64 i, GError **error)
{
  if (g_str_equal (w->op, "floorFile"))
    return floor_file (w, error);
  char own[32];
  g_snprintf (own, sizeof own, "fl_%d", w->index);
  const char *name = g_str_equal (w->op, "floorLoadTable.100") ? "warm100"
                     : g_str_equal (w->op, "floorCommit") ? own : "warm";
  const char *v[] = { name, g_str_equal (w->op, "floorCommit")
                             ? g_ptr_array_index (w->o->floor_texts, w->index) : w->o->warm_text };
  int n = g_str_equal (w->op, "floorSelect1") ? 0 : g_str_has_prefix (w->op, "floorCommit") ? 2 : 1;
  PGresult *r = PQexecPrepared (w->pg, w->op, n, v, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus (r);
  gboolean ok = n == 2 ? st == PGRES_COMMAND_OK && g_str_equal (PQcmdTuples (r), "1")
                       : st == PGRES_TUPLES_OK && PQntuples (r) == 1;
  if (!ok)
    g_set_error (error, G_IO_ERROR, 0, "%s: %s", w->op, PQerrorMessage (w->pg));
  PQclear (r);
  return ok;
}

/* ---- the operations ---- */


static gboolean
commit_call (Worker *w, guint64 i, GError **error)
{
  /* the slot of w->o->shared.tables this call uses: only this thread's */
  guint k = GPOINTER_TO_UINT (g_ptr_array_index (w->tables, i % w->tables->len));
  Tbl *t = g_ptr_array_index (w->o->shared.tables, k);
  gint64 u0 = g_get_monotonic_time ();
  if (t->snapshots - t->base >= w->o->per_table)
    {
      /* a fresh table, so the documents stay of the size asked for */
      g_mutex_lock (&w->o->shared.lock);
      int fresh = w->o->shared.fresh++;
      w->o->shared.max_snapshots = MAX (w->o->shared.max_snapshots, t->snapshots);
      g_mutex_unlock (&w->o->shared.lock);
      Tbl *nt = tbl_fresh (&w->http, w->o, w->op, fresh, error);
      if (nt == NULL)
        return FALSE;
      tbl_free (t);
      w->o->shared.tables->pdata[k] = nt;
      t = nt;
    }
  gint64 id = snapshot_id (w->index, (gint64) i);
  g_autofree char *body = commit_body (t, id);
  gint64 t0 = g_get_monotonic_time ();
  w->untimed_us += t0 - u0;
  long st = tbl_commit (&w->http, t, id, body, error);
  gint64 t1 = g_get_monotonic_time ();
  gdouble us = (gdouble) (t1 - t0);
  if (st != 200)
    {
      if (st != 0)
        g_set_error (error, G_IO_ERROR, 0, "commit %s: %ld %.300s", t->name, st, w->http.reply->str);
      return FALSE;
    }
  g_array_append_val (w->lat, us);
  return TRUE;
}

/* Commit to the hot table until one attempt succeeds; reloads on 409. */
static gboolean
contention_call (Worker *w, guint64 i, GError **error)
{
  Tbl *t = g_ptr_array_index (w->tables, 0);
  gint64 id = snapshot_id (w->index, (gint64) i);
  gint64 start = g_get_monotonic_time ();
  for (int attempt = 0; attempt < MAX_ATTEMPTS_PER_SUCCESS; attempt++)
    {
      g_autofree char *body = commit_body (t, id);
      gint64 t0 = g_get_monotonic_time ();
      w->attempts++;
      long st = tbl_commit (&w->http, t, id, body, error);
      gint64 t1 = g_get_monotonic_time ();
      if (st == 200)
        {
          gdouble us = (gdouble) (t1 - t0), all = (gdouble) (t1 - start);
          g_array_append_val (w->lat, us);
          g_array_append_val (w->to_success, all);
          g_array_append_val (w->won, id);
          return TRUE;
        }
      if (st == 0)
        return FALSE;
      if (st != 409)
        {
          w->others++;
          if (w->others == 1)
            g_printerr ("contention: thread %d: %ld %.300s\n", w->index, st, w->http.reply->str);
          continue;
        }
      w->conflicts++;
      if (!tbl_reload (&w->http, t, error))
        return FALSE;
      /* jittered exponential backoff, as Iceberg clients retry (theirs
       * start at 100 ms; 0..1 ms doubling up to 0..16 ms keeps this short) */
      g_usleep ((gulong) g_random_int_range (0, 1000 << MIN (attempt, 4)));
    }
  /* starved: this thread's commit is given up, as a client's would be */
  w->gave_up++;
  return TRUE;
}

static gboolean
one_call (Worker *w, guint64 i, GError **error)
{
  const char *op = w->op;
  if (is_floor (op))
    return floor_call (w, i, error);
  if (g_str_equal (op, "config"))
    return http_expect (&w->http, "GET", "/v1/config", NULL, 200, error);
  if (g_str_equal (op, "loadTable"))
    return http_expect (&w->http, "GET", "tables/warm", NULL, 200, error);
  if (g_str_equal (op, "loadTable.100"))
    return http_expect (&w->http, "GET", "tables/warm100", NULL, 200, error);
  if (g_str_equal (op, "createTable"))
    {
      /* the body is built inside the timed region: a printf, negligible */
      g_autofree char *name = g_strdup_printf ("ct_%s_%d_%" G_GUINT64_FORMAT, w->o->run, w->index, i);
      g_autofree char *body = create_body (name);
      return http_expect (&w->http, "POST", "tables", body, 200, error);
    }
  g_set_error (error, G_IO_ERROR, 0, "unknown operation %s", op);
  return FALSE;
}

/* Operations that time themselves (and append to w->lat). */
static gboolean
self_timed (const char *op)
{
  return g_str_has_prefix (op, "commit") || g_str_equal (op, "contention");
}

/* ---- the runner ---- */


static gboolean
worker_init (Worker *w, GError **error)
{
  Opts *o = w->o;
  if (is_floor (w->op))
    {
      if (g_str_equal (w->op, "floorFile"))
        return TRUE;
      w->pg = PQconnectdb (o->pg);
      if (PQstatus (w->pg) != CONNECTION_OK)
        {
          g_set_error (error, G_IO_ERROR, 0, "%s", PQerrorMessage (w->pg));
          return FALSE;
        }
      return floor_prepare (w, error);
    }
  http_init (&w->http, o);
  /* open the connection before the clock starts */
  if (!http_expect (&w->http, "GET", "/v1/config", NULL, 200, error))
    return FALSE;
  if (g_str_has_prefix (w->op, "commit"))
    {
      w->tables = g_ptr_array_new ();
      for (guint k = (guint) w->index; k < o->shared.tables->len; k += (guint) o->threads)
        g_ptr_array_add (w->tables, GUINT_TO_POINTER (k));
      if (w->tables->len == 0)
        {
          g_set_error (error, G_IO_ERROR, 0, "commit: fewer tables than threads");
          return FALSE;
        }
    }
  else if (g_str_equal (w->op, "contention"))
    {
      w->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) tbl_free);
      Tbl *t = g_new0 (Tbl, 1);
      t->name = g_strdup (o->shared.hot);
      g_ptr_array_add (w->tables, t);
      if (!tbl_load (&w->http, t, error))
        return FALSE;
    }
  return TRUE;
}

static gpointer
run_worker (gpointer data)
{
  Worker *w = data;
  Opts *o = w->o;
  GError *err = NULL;
  if (!worker_init (w, &err))
    {
      w->error_text = g_strdup (err->message);
      g_clear_error (&err);
    }
  g_mutex_lock (&o->start.m);
  o->start.ready++;
  g_cond_broadcast (&o->start.c);
  while (!o->start.go)
    g_cond_wait (&o->start.c, &o->start.m);
  g_mutex_unlock (&o->start.m);

  gint64 per_thread = o->count > 0 ? (o->count + o->threads - 1) / o->threads : G_MAXINT64;
  gint64 deadline = o->seconds > 0 ? g_get_monotonic_time () + (gint64) (o->seconds * 1e6) : G_MAXINT64;
  gboolean timed_here = !self_timed (w->op);
  for (gint64 i = 0; w->error_text == NULL && i < per_thread; i++)
    {
      if (g_get_monotonic_time () > deadline)
        break;
      gboolean ok;
      if (timed_here)
        {
          gint64 t0 = g_get_monotonic_time ();
          ok = one_call (w, (guint64) i, &err);
          gdouble us = (gdouble) (g_get_monotonic_time () - t0);
          if (ok)
            g_array_append_val (w->lat, us);
        }
      else if (g_str_has_prefix (w->op, "commit"))
        ok = commit_call (w, (guint64) i, &err);
      else
        ok = contention_call (w, (guint64) i, &err);
      if (!ok)
        {
          w->error_text = g_strdup (err ? err->message : "error");
          g_clear_error (&err);
          break;
        }
    }
  http_clear (&w->http);
  if (w->pg)
    PQfinish (w->pg);
  return NULL;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;
  return (x > y) - (x < y);
}

static void
quantiles (GArray *a, double *med, double *p99)
{
  *med = *p99 = 0;
  if (a->len == 0)
    return;
  g_array_sort (a, cmp_double);
  *med = g_array_index (a, gdouble, a->len / 2);
  *p99 = g_array_index (a, gdouble, MIN (a->len - 1, (guint) (a->len * 0.99)));
}

/* Check the hot table after contention: one snapshot per 200 reply, every
 * won id among them, and one parent chain from main through all of them. */
static gboolean
verify_contention (Opts *o, GArray *won, GError **error)
{
  Http c = { 0 };
  http_init (&c, o);
  g_autofree char *path = g_strdup_printf ("tables/%s", o->shared.hot);
  gboolean ok = http_expect (&c, "GET", path, NULL, 200, error);
  g_autoptr (JsonParser) p = json_parser_new_immutable ();
  JsonObject *md = ok ? reply_metadata (p, c.reply, error) : NULL;
  ok = md != NULL;
  if (ok)
    {
      JsonArray *snaps = json_object_get_array_member (md, "snapshots");
      guint n = json_array_get_length (snaps);
      g_autoptr (GHashTable) parent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
      for (guint k = 0; k < n; k++)
        {
          JsonObject *s = json_array_get_object_element (snaps, k);
          gint64 *id = g_new (gint64, 1), *par = g_new (gint64, 1);
          *id = json_object_get_int_member (s, "snapshot-id");
          *par = json_object_get_int_member_with_default (s, "parent-snapshot-id", -1);
          g_hash_table_insert (parent, id, par);
        }
      guint missing = 0;
      for (guint k = 0; k < won->len; k++)
        missing += !g_hash_table_contains (parent, &g_array_index (won, gint64, k));
      guint chain = 0;
      gint64 cur = json_object_get_int_member_with_default (md, "current-snapshot-id", -1);
      while (cur >= 0 && chain <= n)
        {
          gint64 *par = g_hash_table_lookup (parent, &cur);
          if (par == NULL)
            break;
          chain++;
          cur = *par;
        }
      printf ("%-31s verified: 200 replies=%u snapshots=%u chain from main=%u missing=%u\n",
              "contention", won->len, n, chain, missing);
      if (n != won->len || chain != n || missing != 0)
        {
          g_set_error (error, G_IO_ERROR, 0, "lost or extra updates");
          ok = FALSE;
        }
    }
  http_clear (&c);
  return ok;
}

static int
run_op (Opts *o, const char *op, double *median_out)
{
  Worker *ws = g_new0 (Worker, o->threads);
  GThread **ts = g_new0 (GThread *, o->threads);
  o->start.ready = 0;
  o->start.go = FALSE;
  for (int i = 0; i < o->threads; i++)
    {
      ws[i] = (Worker) { .o = o, .op = op, .index = i,
                         .lat = g_array_new (FALSE, FALSE, sizeof (gdouble)),
                         .to_success = g_array_new (FALSE, FALSE, sizeof (gdouble)),
                         .won = g_array_new (FALSE, FALSE, sizeof (gint64)) };
      ts[i] = g_thread_new ("icebench", run_worker, &ws[i]);
    }
  g_mutex_lock (&o->start.m);
  while (o->start.ready < o->threads)
    g_cond_wait (&o->start.c, &o->start.m);
  o->start.go = TRUE;
  g_cond_broadcast (&o->start.c);
  g_mutex_unlock (&o->start.m);
  gint64 t0 = g_get_monotonic_time ();

  GArray *all = g_array_new (FALSE, FALSE, sizeof (gdouble));
  GArray *to_success = g_array_new (FALSE, FALSE, sizeof (gdouble));
  GArray *won = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 untimed = 0, conflicts = 0, others = 0, attempts = 0, gave_up = 0;
  int rc = 0;
  for (int i = 0; i < o->threads; i++)
    {
      g_thread_join (ts[i]);
      Worker *w = &ws[i];
      g_array_append_vals (all, w->lat->data, w->lat->len);
      g_array_append_vals (to_success, w->to_success->data, w->to_success->len);
      g_array_append_vals (won, w->won->data, w->won->len);
      untimed += w->untimed_us;
      conflicts += w->conflicts;
      others += w->others;
      attempts += w->attempts;
      gave_up += w->gave_up;
      if (w->error_text)
        {
          fprintf (stderr, "%s: thread %d: %s\n", op, i, w->error_text);
          rc = 1;
        }
      if (w->tables)
        g_ptr_array_unref (w->tables);
      g_array_unref (w->lat);
      g_array_unref (w->to_success);
      g_array_unref (w->won);
      g_free (w->error_text);
    }
  double wall = (double) (g_get_monotonic_time () - t0 - untimed / o->threads) / 1e6;
  double med, p99;
  quantiles (all, &med, &p99);
  printf ("%-31s threads=%-3d tables=%-4d calls=%-7u median=%9.1fus p99=%9.1fus ops/s=%9.0f\n", op,
          o->threads, g_str_has_prefix (op, "commit") ? (int) o->shared.tables->len
                      : g_str_equal (op, "contention") ? 1 : 0,
          all->len, med, p99, all->len / wall);
  if (g_str_has_prefix (op, "commit"))
    {
      int lo = G_MAXINT, hi = o->shared.max_snapshots;
      for (guint k = 0; k < o->shared.tables->len; k++)
        {
          Tbl *t = g_ptr_array_index (o->shared.tables, k);
          lo = MIN (lo, t->base);
          hi = MAX (hi, t->snapshots);
        }
      printf ("%-31s committed to tables holding %d..%d snapshots (fresh table every %d commits)\n",
              op, lo, MAX (lo, hi - 1), o->per_table);
    }
  if (g_str_equal (op, "contention"))
    {
      double smed, sp99;
      quantiles (to_success, &smed, &sp99);
      printf ("%-31s commits=%u attempts=%" G_GINT64_FORMAT " 409s=%" G_GINT64_FORMAT
              " other-failures=%" G_GINT64_FORMAT " given-up=%" G_GINT64_FORMAT
              " commits/s=%.0f; first attempt to 200 (with reloads and backoff): median=%.1fus"
              " p99=%.1fus\n", op, won->len, attempts, conflicts, others, gave_up,
              won->len / wall, smed, sp99);
      g_autoptr (GError) err = NULL;
      if (others != 0)
        rc = 1;
      if (rc == 0 && !verify_contention (o, won, &err))
        {
          fprintf (stderr, "contention: %s\n", err->message);
          rc = 1;
        }
    }
  fflush (stdout);
  if (median_out)
    *median_out = med;
  g_array_unref (all);
  g_array_unref (to_success);
  g_array_unref (won);
  g_free (ws);
  g_free (ts);
  return rc;
}

/* ---- setup ---- */

/* The metadata document of table 'name' (as text) and its file. */
static gboolean
fetch_metadata (Http *c, const char *name, char **text, char **location, GError **error)
{
  g_autofree char *path = g_strdup_printf ("tables/%s", name);
  if (!http_expect (c, "GET", path, NULL, 200, error))
    return FALSE;
  g_autoptr (JsonParser) p = json_parser_new_immutable ();
  if (!json_parser_load_from_data (p, c->reply->str, (gssize) c->reply->len, error))
    return FALSE;
  JsonObject *r = json_node_get_object (json_parser_get_root (p));
  g_autoptr (JsonGenerator) g = json_generator_new ();
  json_generator_set_root (g, json_object_get_member (r, "metadata"));
  *text = json_generator_to_data (g, NULL);
  if (location)
    *location = g_strdup (json_object_get_string_member (r, "metadata-location"));
  return TRUE;
}

/* The namespace, the warm tables (1 and 100 snapshots), floorCommit's
 * tables fl_<k> (all kept across runs), and what the floors and
 * commit.100 need from them. */
static gboolean
setup (Opts *o, GError **error)
{
  Http c = { 0 };
  http_init (&c, o);
  gboolean ok = TRUE;
  long st = http_call (&c, "POST", "/v1/namespaces", "{\"namespace\":[\"" NS "\"]}", error);
  if (st != 200 && st != 409)
    {
      if (st != 0)
        g_set_error (error, G_IO_ERROR, 0, "create namespace: %ld %.300s", st, c.reply->str);
      ok = FALSE;
    }
  const char *names[] = { "warm", "warm100" };
  const int want[] = { 1, 100 };
  for (int k = 0; ok && k < 2; k++)
    {
      Tbl *t = tbl_create (&c, names[k], TRUE, error);
      ok = t != NULL && tbl_grow (&c, t, MAX (0, want[k] - t->snapshots), error);
      if (t)
        tbl_free (t);
    }
  o->floor_texts = g_ptr_array_new_with_free_func (g_free);
  for (int k = 0; ok && k < o->threads; k++)
    {
      g_autofree char *name = g_strdup_printf ("fl_%d", k);
      Tbl *t = tbl_create (&c, name, TRUE, error);
      char *text = NULL;
      ok = t != NULL && fetch_metadata (&c, name, &text, NULL, error);
      if (ok)
        g_ptr_array_add (o->floor_texts, text);
      if (t)
        tbl_free (t);
    }
  g_autofree char *loc = NULL;
  ok = ok && fetch_metadata (&c, "warm", &o->warm_text, &loc, error)
       && fetch_metadata (&c, "warm100", &o->warm100_text, NULL, error);
  if (ok)
    {
      /* file:///<warehouse>/icebench.db/warm/metadata/<file> */
      g_autofree char *dir = g_path_get_dirname (loc);
      const char *path = g_str_has_prefix (dir, "file://") ? dir + 7
                         : g_str_has_prefix (dir, "file:") ? dir + 5 : dir;
      o->warm_dir = g_strdup (path);
      g_autofree char *table_dir = g_path_get_dirname (path);
      o->ns_dir = g_path_get_dirname (table_dir);
    }
  http_clear (&c);
  return ok;
}

/* Fresh tables for commit (--tables of them) or the hot table. */
static gboolean
prepare_op (Opts *o, const char *op, GError **error)
{
  if (!self_timed (op))
    return TRUE;
  Http c = { 0 };
  http_init (&c, o);
  gboolean ok = TRUE;
  if (g_str_has_prefix (op, "commit"))
    {
      if (o->shared.tables)
        g_ptr_array_unref (o->shared.tables);
      o->shared.tables = g_ptr_array_new_with_free_func ((GDestroyNotify) tbl_free);
      o->shared.max_snapshots = 0;
      int n = o->tables > 0 ? o->tables : o->threads;
      for (int k = 0; ok && k < n; k++)
        {
          Tbl *t = tbl_fresh (&c, o, op, o->shared.fresh++, error);
          ok = t != NULL;
          if (ok)
            g_ptr_array_add (o->shared.tables, t);
        }
    }
  else
    {
      g_free (o->shared.hot);
      o->shared.hot = g_strdup_printf ("hot_%s_%d", o->run, o->shared.fresh++);
      Tbl *t = tbl_create (&c, o->shared.hot, FALSE, error);
      ok = t != NULL;
      if (t)
        tbl_free (t);
    }
  o->floor_texts = g_ptr_array_new_with_free_func (g_free);
  for (int k = 0; ok && k < o->threads; k++)
    {
      g_autofree char *name = g_strdup_printf ("fl_%d", k);
      Tbl *t = tbl_create (&c, name, TRUE, error);
      char *text = NULL;
      ok = t != NULL && fetch_metadata (&c, name, &text, NULL, error);
      if (ok)
        g_ptr_array_add (o->floor_texts, text);
      if (t)
        tbl_free (t);
    }
  http_clear (&c);
  return ok;
}

/* The floor an operation's ratio is to. */
static char *
floor_of (const char *op)
{
  if (g_str_equal (op, "createTable"))
    return g_strdup ("floorCommit");
  if (g_str_equal (op, "contention"))
    return g_strdup ("floorCommitHot");
  return g_strdup_printf ("floor%c%s", g_ascii_toupper (op[0]), op + 1);
}

int
main (int argc, char **argv)
{
  Opts o = { "127.0.0.1", 8181, 1, 0, 10, 0, 0, NULL };
  g_autofree char *host = NULL;
  g_autofree char *pg = NULL;
  GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "server host", "H" },
    { "rest-port", 'p', 0, G_OPTION_ARG_INT, &o.port, "REST port", "P" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &o.threads, "client threads", "N" },
    { "tables", 0, 0, G_OPTION_ARG_INT, &o.tables, "commit: tables (default: one per thread)", "M" },
    { "per-table", 0, 0, G_OPTION_ARG_INT, &o.per_table,
      "commit: commits a table takes before a fresh one replaces it (default 10)", "C" },
    { "count", 'n', 0, G_OPTION_ARG_INT64, &o.count, "calls per operation", "K" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &o.seconds, "duration per operation", "S" },
    { "pg", 0, 0, G_OPTION_ARG_STRING, &pg, "libpq conninfo for the floors", "CONNINFO" },
    { "idempotency-key", 0, 0, G_OPTION_ARG_NONE, &o.idem,
      "send a fresh Idempotency-Key with every POST and DELETE", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[OPS...]");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) err = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &err))
    {
      fprintf (stderr, "icebench: %s\n", err->message);
      return 2;
    }
  if (host)
    o.host = host;
  o.pg = pg;
  if (o.threads < 1)
    o.threads = 1;
  if (o.per_table < 1)
    o.per_table = 1;
  if (o.count <= 0 && o.seconds <= 0)
    o.count = 2000;
  g_snprintf (o.run, sizeof o.run, "%x", (unsigned) (g_get_real_time () / 1000 % 0xfffffff));
  g_mutex_init (&o.shared.lock);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  const char *defaults[] = { "floorSelect1", "config", "floorLoadTable", "loadTable", "floorLoadTable.100",
                             "loadTable.100", "floorCommit", "floorFile", "createTable", "commit",
                             "commit.100", NULL };
  const char **ops = argc > 1 ? (const char **) argv + 1 : defaults;
  if (!setup (&o, &err))
    {
      fprintf (stderr, "icebench: setup: %s\n", err->message);
      return 1;
    }
  int rc = 0;
  g_autoptr (GHashTable) floors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (const char **op = ops; *op; op++)
    {
      if (is_floor (*op) && !g_str_equal (*op, "floorFile") && o.pg == NULL)
        continue;
      if (!prepare_op (&o, *op, &err))
        {
          fprintf (stderr, "%s: setup: %s\n", *op, err->message);
          g_clear_error (&err);
          rc = 1;
          continue;
        }
      double med = 0;
      rc |= run_op (&o, *op, &med);
      if (is_floor (*op))
        {
          g_hash_table_insert (floors, g_strdup (*op), g_memdup2 (&med, sizeof med));
          continue;
        }
      g_autofree char *own = floor_of (*op);
      double *f = g_hash_table_lookup (floors, own), *rt = g_hash_table_lookup (floors, "floorSelect1");
      if (f && *f > 0)
        printf ("%-31s ratio to %s (median) = %.2f\n", *op, own, med / *f);
      /* a durable file:// commit is at least both: the file and the row */
      double *fc = g_hash_table_lookup (floors, "floorCommit"), *ff = g_hash_table_lookup (floors, "floorFile");
      if ((g_str_has_prefix (*op, "commit") || g_str_equal (*op, "createTable")) && fc && ff)
        printf ("%-31s ratio to floorCommit+floorFile (median) = %.2f\n", *op, med / (*fc + *ff));
      if (rt && *rt > 0)
        printf ("%-31s ratio to floorSelect1 (median) = %.1f\n", *op, med / *rt);
    }
  if (o.shared.tables)
    g_ptr_array_unref (o.shared.tables);
  g_free (o.shared.hot);
  g_free (o.warm_dir);
  g_free (o.warm_text);
  g_free (o.warm100_text);
  if (o.floor_texts)
    g_ptr_array_unref (o.floor_texts);
  g_free (o.ns_dir);
  curl_global_cleanup ();
  return rc;
}
