/*
 * events.c: the notification log (sql/007_notification_log.sql): pending
 * events of a transaction and their write at commit (store/events.h), and
 * the log's reads, INSERT events and cleaning (store.h).
 *
 * Ordering: the pending events are written by one statement that first
 * updates the single row of ms_notification_sequence, so the row is locked
 * from there to COMMIT. That statement travels with COMMIT (and, for a
 * one-statement change, with BEGIN and the change too: ms_pg_commit_next)
 * in one round trip, so the lock lasts one statement and the commit.
 * Writers are thereby serialised on that row, as Hive serialises them on
 * NOTIFICATION_SEQUENCE: a writer obtains its ids only after the previous
 * holder committed and became visible, so ids follow commit order and a
 * reader that saw id N never later sees a new id <= N, whatever replica
 * wrote it. A rollback also rolls the sequence back: ids have no holes.
 */
#include "store/events.h"
#include "store/pool.h"
#include "store/table_internal.h"
#include "store/partition_internal.h"
#include <string.h>

typedef struct {
  char *type, *catalog, *db, *table, *message;
  const char *format;          /* the encoder's (static) */
} Pending;

static void
pending_free (Pending *p)
{
  g_free (p->type);
  g_free (p->catalog);
  g_free (p->db);
  g_free (p->table);
  g_free (p->message);
  g_free (p);
}

void
ms_store_set_events (MsStore *s, gboolean on, const MsEventEncoder *encoder)
{
  s->events_on = on;
  if (encoder != NULL)
    s->encoder = *encoder;
}

gboolean
ms_store_events_enabled (const MsStore *s)
{
  return s->events_on && s->encoder.encode != NULL;
}

/* The names an event's log row carries. */
static void
event_names (const MsEvent *ev, const char **cat, const char **db, const char **table)
{
  *cat = ev->catalog;
  *db = ev->db_name;
  *table = ev->table_name;
  if (ev->table != NULL)
    {
      *cat = *cat ? *cat : ev->table->catalog;
      *db = *db ? *db : ev->table->db_name;
      *table = *table ? *table : ev->table->name;
    }
  if (ev->db != NULL)
    {
      *cat = *cat ? *cat : ev->db->catalog;
      *db = *db ? *db : ev->db->name;
    }
  if (ev->function != NULL)
    {
      *cat = *cat ? *cat : ev->function->catalog;
      *db = *db ? *db : ev->function->db_name;
    }
  if (ev->constraints != NULL && ev->constraints->len > 0)
    {
      /* Hive's rows name the first constraint's table, for a foreign key
       * its parent's */
      const MsConstraint *k = g_ptr_array_index (ev->constraints, 0);
      gboolean fk = k->kind == MS_CONSTRAINT_FOREIGN_KEY;
      *cat = *cat ? *cat : k->catalog;
      *db = *db ? *db : fk ? k->ref_db : k->db_name;
      *table = *table ? *table : fk ? k->ref_table : k->table_name;
    }
}

gboolean
ms_store_begin_logged (MsStore *s, MsPgConn *c, GError **error)
{
  /* with an Idempotency-Key bound, the change carries its record */
  if (!ms_store_events_enabled (s) && !ms_store_idem_bound ())
    return TRUE;
  return ms_pg_begin (c, error);
}

gboolean
ms_store_emit (MsStore *s, MsPgConn *c, const MsEvent *ev, GError **error)
{
  if (!ms_store_events_enabled (s))
    return TRUE;
  g_return_val_if_fail (c->in_tx, FALSE);
  char *message = s->encoder.encode (ev, s->encoder.user, error);
  if (message == NULL)
    return FALSE;
  const char *cat, *db, *table;
  event_names (ev, &cat, &db, &table);
  Pending *p = g_new0 (Pending, 1);
  p->type = g_strdup (ms_event_type_name (ev->type));
  p->catalog = g_strdup (cat);
  p->db = g_strdup (db);
  p->table = g_strdup (table);
  p->message = message;
  p->format = s->encoder.format ? s->encoder.format : "json-0.2";
  if (c->events == NULL)
    c->events = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  g_ptr_array_add (c->events, p);
  return TRUE;
}

void
ms_store_events_discard (MsPgConn *c)
{
  if (c->events != NULL)
    g_ptr_array_set_size (c->events, 0);
}

/* The pending events' write: the sequence row's UPDATE and the INSERT in
 * one statement, so the row lock is taken by the transaction's last
 * statement(s) only. $guard true: only when the transaction has changed
 * something already (a change that found nothing to change logs nothing). */
#define FLUSH_SEQ(n, guard) \
  "WITH seq AS (UPDATE ms_notification_sequence SET next_id = next_id + " n " " \
  "             WHERE NOT " guard "::boolean OR pg_current_xact_id_if_assigned () IS NOT NULL " \
  "             RETURNING next_id - " n " AS first) " \
  "INSERT INTO ms_notification_log (event_id, event_time, event_type, catalog, db_name, " \
  "                                 table_name, message, message_format) "

/* One event: plain parameters, so the prepared statement settles on a
 * generic plan (no planning per call, unlike the unnest below). */
static const MsSql sql_flush_one = { "events_flush_one",
  FLUSH_SEQ ("1", "$7")
  "SELECT seq.first, extract (epoch FROM clock_timestamp ())::integer, $1, $2, $3, $4, $5, $6 "
  "FROM seq RETURNING event_id" };

static const MsSql sql_flush = { "events_flush",
  FLUSH_SEQ ("$1::bigint", "$8")
  "SELECT seq.first + e.ord - 1, extract (epoch FROM clock_timestamp ())::integer, e.type, "
  "       e.cat, e.db, e.tbl, e.msg, $7 "
  "FROM seq, unnest ($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) "
  "     WITH ORDINALITY AS e (type, cat, db, tbl, msg, ord) "
  "RETURNING event_id" };

/* The pending events' column 'off' (a char* member of Pending) as a
 * text[] literal. */
static char *
pending_column (GPtrArray *events, gsize off)
{
  g_autofree const char **items = g_new0 (const char *, events->len + 1);
  for (guint i = 0; i < events->len; i++)
    items[i] = G_STRUCT_MEMBER (const char *, g_ptr_array_index (events, i), off);
  return ms_pg_array_literal (items, events->len);
}

static const gsize pending_columns[] = {
  G_STRUCT_OFFSET (Pending, type), G_STRUCT_OFFSET (Pending, catalog),
  G_STRUCT_OFFSET (Pending, db), G_STRUCT_OFFSET (Pending, table),
  G_STRUCT_OFFSET (Pending, message),
};

gboolean
ms_store_events_write_init (MsPgConn *c, gboolean guarded, MsEventsWrite *w)
{
  GPtrArray *ev = c->events;
  memset (w, 0, sizeof *w);
  if (ev == NULL || ev->len == 0)
    return FALSE;
  const Pending *first = g_ptr_array_index (ev, 0);   /* one encoder per store */
  const char *guard = guarded ? "true" : "false";
  if (ev->len == 1)
    {
      w->sql = &sql_flush_one;
      for (guint k = 0; k < G_N_ELEMENTS (pending_columns); k++)
        w->values[w->n++] = G_STRUCT_MEMBER (const char *, first, pending_columns[k]);
    }
  else
    {
      w->sql = &sql_flush;
      w->values[w->n++] = w->owned[0] = g_strdup_printf ("%u", ev->len);
      for (guint k = 0; k < G_N_ELEMENTS (pending_columns); k++)
        w->values[w->n++] = w->owned[k + 1] = pending_column (ev, pending_columns[k]);
    }
  w->values[w->n++] = first->format;
  w->values[w->n++] = guard;
  return TRUE;
}

void
ms_store_events_statements (const MsSql **one, int *n_one, const MsSql **many, int *n_many)
{
  /* the columns, then the format and the guard; 'many' also the count */
  *one = &sql_flush_one;
  *n_one = G_N_ELEMENTS (pending_columns) + 2;
  *many = &sql_flush;
  *n_many = G_N_ELEMENTS (pending_columns) + 3;
}

void
ms_store_events_write_clear (MsEventsWrite *w)
{
  for (guint k = 0; k < G_N_ELEMENTS (w->owned); k++)
    g_clear_pointer (&w->owned[k], g_free);
}

void
ms_store_events_written (MsPgConn *c, const PGresult *r)
{
  ms_store_events_discard (c);
  if (c->event_ids == NULL)
    c->event_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (int i = 0; r != NULL && i < PQntuples (r); i++)
    {
      gint64 id = ms_pg_int64 (r, i, 0, 0);
      g_array_append_val (c->event_ids, id);
    }
}

/* ---- reads ---- */

static const MsSql sql_current = { "events_current",
  "SELECT next_id - 1 FROM ms_notification_sequence",
  .read_only = TRUE };

gboolean
ms_store_events_current (MsStore *s, gint64 *id, GError **error)
{
  g_autoptr (PGresult) r = ms_pool_exec (s->pool, &sql_current, 0, NULL, error);
  if (r == NULL)
    return FALSE;
  *id = PQntuples (r) > 0 ? ms_pg_int64 (r, 0, 0, 0) : 0;
  return TRUE;
}

void
ms_notification_free (MsNotification *n)
{
  if (n == NULL)
    return;
  g_free (n->type);
  g_free (n->catalog);
  g_free (n->db_name);
  g_free (n->table_name);
  g_free (n->message);
  g_free (n->format);
  g_free (n);
}

/* A text[] parameter of 'n' items, NULL when the filter is unused. */
static char *
array_param (const char *const *items, guint n)
{
  return items != NULL && n > 0 ? ms_pg_array_literal (items, n) : NULL;
}

/* " FROM ms_notification_log WHERE <q's selection>" with its parameters
 * (owned by 'params'). */
static char *
query_where (const MsEventQuery *q, GPtrArray *params)
{
  g_ptr_array_add (params, g_strdup_printf ("%" G_GINT64_FORMAT, q->after));
  g_ptr_array_add (params, q->to_id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, q->to_id) : NULL);
  g_ptr_array_add (params, array_param (q->skip_types, q->n_skip_types));
  g_ptr_array_add (params, array_param (q->types, q->n_types));
  g_ptr_array_add (params, q->catalog ? g_ascii_strdown (q->catalog, -1) : NULL);
  g_ptr_array_add (params, q->db ? g_ascii_strdown (q->db, -1) : NULL);
  g_ptr_array_add (params, array_param (q->tables, q->n_tables));
  return g_strdup (" FROM ms_notification_log WHERE event_id > $1::bigint "
                   "AND ($2::bigint IS NULL OR event_id <= $2::bigint) "
                   "AND ($3::text[] IS NULL OR event_type <> ALL ($3::text[])) "
                   "AND ($4::text[] IS NULL OR event_type = ANY ($4::text[])) "
                   "AND ($5::text IS NULL OR catalog = $5::text) "
                   "AND ($6::text IS NULL OR db_name = $6::text) "
                   "AND ($7::text[] IS NULL OR lower (table_name) = ANY (lower ($7::text)::text[]))");
}

GPtrArray *
ms_store_events_list (MsStore *s, const MsEventQuery *q, GError **error)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *where = query_where (q, params);
  g_ptr_array_add (params, g_strdup_printf ("%d", q->max > 0 ? q->max : G_MAXINT));
  g_autofree char *sql = g_strdup_printf (
    "SELECT event_id, event_time, event_type, catalog, db_name, table_name, message, "
    "message_format%s ORDER BY event_id LIMIT $8::integer", where);
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return NULL;
  g_autoptr (PGresult) r = ms_pg_read_text (c, sql, params->len,
                                            (const char *const *) params->pdata, error);
  if (r == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_full (PQntuples (r), (GDestroyNotify) ms_notification_free);
  for (int i = 0; i < PQntuples (r); i++)
    {
      MsNotification *n = g_new0 (MsNotification, 1);
      n->id = ms_pg_int64 (r, i, 0, 0);
      n->time = ms_pg_int (r, i, 1, 0);
      n->type = ms_pg_dup (r, i, 2);
      n->catalog = ms_pg_dup (r, i, 3);
      n->db_name = ms_pg_dup (r, i, 4);
      n->table_name = ms_pg_dup (r, i, 5);
      n->message = ms_pg_dup (r, i, 6);
      n->format = ms_pg_dup (r, i, 7);
      g_ptr_array_add (out, n);
    }
  return out;
}

gint64
ms_store_events_count (MsStore *s, const MsEventQuery *q, gint64 limit, GError **error)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *where = query_where (q, params);
  g_ptr_array_add (params, limit > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, limit) : NULL);
  g_autofree char *sql = g_strdup_printf (
    "SELECT count(*) FROM (SELECT 1%s LIMIT $8::bigint) AS e", where);
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL)
    return -1;
  g_autoptr (PGresult) r = ms_pg_read_text (c, sql, params->len,
                                            (const char *const *) params->pdata, error);
  return r == NULL ? -1 : ms_pg_int64 (r, 0, 0, 0);
}

/* ---- cleaning ---- */

/* The advisory lock key the cleaner takes (one replica cleans at a time). */
#define CLEANER_LOCK_KEY "7374726565740014"

static const MsSql sql_clean = { "events_clean",
  "WITH lock AS (SELECT pg_try_advisory_xact_lock (('x' || $3::text)::bit(64)::bigint) AS got), "
  "gone AS (DELETE FROM ms_notification_log WHERE event_id IN ("
  "  SELECT event_id FROM ms_notification_log, lock WHERE lock.got AND event_time < $1::integer "
  "  ORDER BY event_id LIMIT $2::integer) RETURNING 1) "
  "SELECT (SELECT got FROM lock), (SELECT count(*) FROM gone)" };

gboolean
ms_store_events_clean (MsStore *s, gint64 before, gint64 *deleted, gboolean *ran, GError **error)
{
  g_autofree char *t = g_strdup_printf ("%" G_GINT64_FORMAT, before);
  const char *v[] = { t, "10000", CLEANER_LOCK_KEY };
  return ms_pool_clean_batches (s->pool, &sql_clean, 3, v, 10000, deleted, ran, error);
}

/* ---- INSERT events (fire_listener_event) ---- */

gboolean
ms_store_events_insert (MsStore *s, const char *catalog, const char *db, const char *table,
                        const MsEventInsert *ins, guint n, GArray **out_ids, GError **error)
{
  *out_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (MsPgConn) c = ms_pool_get (s->pool, error);
  if (c == NULL || !ms_pg_begin (c, error))
    return FALSE;
  g_autoptr (MsTable) t = ms_store_table_get_on (c, catalog, db, table, FALSE, error);
  if (t == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MsPartition) p = NULL;
      if (ins[i].n_values > 0)
        {
          MsPartitionQuery q = { .catalog = catalog, .db = db, .table = table, .by_values = TRUE,
                                 .values = ins[i].values, .n_values = ins[i].n_values,
                                 .max_parts = 1 };
          p = ms_store_partition_get (s, &q, error);
          if (p == NULL)
            return FALSE;
        }
      MsEvent ev = { .type = MS_EVENT_INSERT, .table = t, .part = p, .replace = ins[i].replace,
                     .files = ins[i].files, .n_files = ins[i].n_files };
      if (!ms_store_emit (s, c, &ev, error))
        return FALSE;
    }
  if (!ms_pg_commit (c, error))
    return FALSE;
  if (c->event_ids != NULL)
    g_array_append_vals (*out_ids, c->event_ids->data, c->event_ids->len);
  return TRUE;
}
