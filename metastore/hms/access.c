/*
 * access.c: the Thrift door's authorization of one call. The method's row
 * says what it does (hms/access.list, copied into the generated table);
 * the databases it names are found in its arguments by field name, the
 * identity comes from the connection's session; auth/thrift_policy.c
 * decides. Entry points: hms_access_check (called before every family
 * function, fast paths included) and hms_access_filter (after a listing
 * of databases: only those the caller may read stay).
 */
#include "hms/internal.h"
#include "hms/method.h"
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/thrift_struct.h>
#include <string.h>

/* Fields naming a database, wherever they appear in a call's arguments
 * (Table.dbName, SQLPrimaryKey.table_db, exchange_partition's dest_db...). */
static const char *const db_fields[] = {
  "db_name", "dbName", "dbname", "databaseName", "oldDbName", "table_db", "pktable_db",
  "fktable_db", "parent_db_name", "foreign_db_name", "source_db", "dest_db",
};
static const char *const catalog_fields[] = { "catName", "catalogName", "cat_name" };

/*
 * The databases a call names are found by writing its arguments through a
 * protocol that writes nothing: the generated writer hands it every field
 * by name, at any depth (structs, lists of structs), so no argument type
 * needs knowing here. GValues of lists cannot tell strings from structs.
 */
typedef struct {
  gboolean name_is_database;
  GPtrArray *databases;        /* the names found, distinct, as sent (owned) */
  GHashTable *seen;            /* the same strings, for distinctness */
  char *catalog;               /* a catName/catalogName found (owned); NULL: none */
} Targets;

static void
targets_clear (Targets *t)
{
  g_ptr_array_unref (t->databases);
  g_hash_table_unref (t->seen);
  g_free (t->catalog);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Targets, targets_clear)

static gboolean
field_in (const char *name, const char *const *fields, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (name, fields[i]))
      return TRUE;
  return FALSE;
}

static void
note_database (Targets *t, const char *db)
{
  if (db == NULL || *db == '\0' || g_hash_table_contains (t->seen, db))
    return;
  char *copy = g_strdup (db);
  g_ptr_array_add (t->databases, copy);
  g_hash_table_add (t->seen, copy);
}

/* A transport that takes every byte and keeps none. */
typedef struct { ThriftTransport parent; } HmsNullTransport;
typedef struct { ThriftTransportClass parent; } HmsNullTransportClass;
static GType hms_null_transport_get_type (void);
G_DEFINE_TYPE (HmsNullTransport, hms_null_transport, THRIFT_TYPE_TRANSPORT)

static gboolean
null_write (ThriftTransport *t, const gpointer buf, const guint32 len, GError **error)
{
  return TRUE;
}

static void
hms_null_transport_init (HmsNullTransport *t)
{
}

static void
hms_null_transport_class_init (HmsNullTransportClass *klass)
{
  THRIFT_TRANSPORT_CLASS (klass)->write = null_write;
}

/* The binary protocol's writer, noting the string fields that name a
 * database or a catalog. */
typedef enum { WANT_NONE, WANT_DATABASE, WANT_CATALOG } Want;
typedef struct {
  ThriftBinaryProtocol parent;
  Targets *targets;
  int depth;                   /* structs open; the arguments are 1 */
  Want want;                   /* what the next string is */
} HmsNameScan;
typedef struct { ThriftBinaryProtocolClass parent; } HmsNameScanClass;
static GType hms_name_scan_get_type (void);
#define HMS_NAME_SCAN(p) ((HmsNameScan *) (p))
G_DEFINE_TYPE (HmsNameScan, hms_name_scan, THRIFT_TYPE_BINARY_PROTOCOL)

static gint32
scan_struct_begin (ThriftProtocol *p, const gchar *name, GError **error)
{
  HMS_NAME_SCAN (p)->depth++;
  return 0;
}

static gint32
scan_struct_end (ThriftProtocol *p, GError **error)
{
  HMS_NAME_SCAN (p)->depth--;
  return 0;
}

static gint32
scan_field_begin (ThriftProtocol *p, const gchar *name, const ThriftType type, const gint16 id,
                  GError **error)
{
  HmsNameScan *s = HMS_NAME_SCAN (p);
  s->want = WANT_NONE;
  if (type != T_STRING || name == NULL)
    return 0;
  if (field_in (name, db_fields, G_N_ELEMENTS (db_fields))
      || (s->targets->name_is_database && s->depth <= 2 && g_str_equal (name, "name")))
    s->want = WANT_DATABASE;
  else if (field_in (name, catalog_fields, G_N_ELEMENTS (catalog_fields)))
    s->want = WANT_CATALOG;
  return 0;
}

static gint32
scan_string (ThriftProtocol *p, const gchar *str, GError **error)
{
  HmsNameScan *s = HMS_NAME_SCAN (p);
  if (s->want == WANT_DATABASE)
    note_database (s->targets, str);
  else if (s->want == WANT_CATALOG && s->targets->catalog == NULL && str != NULL && *str != '\0')
    s->targets->catalog = g_strdup (str);
  s->want = WANT_NONE;
  return 0;
}

static void
hms_name_scan_init (HmsNameScan *s)
{
}

static void
hms_name_scan_class_init (HmsNameScanClass *klass)
{
  ThriftProtocolClass *pc = THRIFT_PROTOCOL_CLASS (klass);
  pc->write_struct_begin = scan_struct_begin;
  pc->write_struct_end = scan_struct_end;
  pc->write_field_begin = scan_field_begin;
  pc->write_string = scan_string;
}

/* Note every database and the catalog the arguments 'args' name. */
static void
scan_args (Targets *t, GObject *args)
{
  g_autoptr (GObject) sink = g_object_new (hms_null_transport_get_type (), NULL);
  g_autoptr (GObject) protocol = g_object_new (hms_name_scan_get_type (), "transport", sink, NULL);
  HmsNameScan *scan = HMS_NAME_SCAN (protocol);
  scan->targets = t;
  g_autoptr (GError) err = NULL;
  thrift_struct_write (THRIFT_STRUCT (args), THRIFT_PROTOCOL (scan), &err);
}

/* Who is calling; the session's strings are borrowed. */
static MsThriftIdentity
current_identity (const MsHmsSession *s)
{
  MsThriftIdentity id = { 0 };
  if (s != NULL)
    id = (MsThriftIdentity) { s->address, (const char *const *) s->cert_names, s->user };
  return id;
}

/* Split the names 't' found ("@cat#db" or "db") into parallel, NULL-ended
 * catalog and database arrays; a request's catName wins over a prefix, as
 * when the call is served (hms_resolve_db). */
static void
resolve_targets (const Targets *t, GPtrArray *catalogs, GPtrArray *databases)
{
  for (guint i = 0; i < t->databases->len; i++)
    {
      char *cat = NULL, *db = NULL;
      if (!hms_parse_db_name (g_ptr_array_index (t->databases, i), &cat, &db, NULL)
          || db == NULL || *db == '\0')
        {
          g_free (cat);
          g_free (db);
          continue;   /* no database: the call itself refuses such a name */
        }
      if (t->catalog != NULL)
        {
          g_free (cat);
          cat = g_ascii_strdown (t->catalog, -1);
        }
      g_ptr_array_add (catalogs, cat);
      g_ptr_array_add (databases, db);
    }
  g_ptr_array_add (catalogs, NULL);
  g_ptr_array_add (databases, NULL);
}

gboolean
hms_access_check (HmsCall *call, GError **error)
{
  const HmsMethod *m = call->method;
  g_autoptr (MsThriftPolicy) policy = ms_hms_policy (call->hms);
  MsHmsSession *s = ms_hms_session_current ();
  gboolean read_only = s != NULL && s->read_only;
  if (m->access == MS_CALL_OPEN || (!read_only && ms_thrift_policy_allows_all (policy)))
    return TRUE;
  g_auto (Targets) t = { m->name_is_database, g_ptr_array_new_with_free_func (g_free),
                        g_hash_table_new (g_str_hash, g_str_equal), NULL };
  if (m->access != MS_CALL_ADMIN)
    scan_args (&t, call->args);
  g_autoptr (GPtrArray) catalogs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) databases = g_ptr_array_new_with_free_func (g_free);
  resolve_targets (&t, catalogs, databases);
  MsThriftIdentity id = current_identity (s);
  MsThriftRequest rq = { m->name, m->access, (const char *const *) databases->pdata,
                         (const char *const *) catalogs->pdata, read_only };
  return ms_thrift_policy_check (policy, &id, &rq, error);
}

/* ---- filtering listings ---- */

/* The catalog a listing call is about: its catName, else the "@cat#"
 * prefix of its pattern argument; NULL: the default catalog. */
static char *
listing_catalog (HmsCall *call)
{
  const char *pattern = NULL;
  static const char *const pattern_args[] = { "pattern", "db_patterns" };
  for (guint i = 0; i < G_N_ELEMENTS (pattern_args) && pattern == NULL; i++)
    pattern = hms_arg_str (call, pattern_args[i]);
  char *cat = NULL, *db = NULL;
  if (pattern == NULL || !hms_parse_db_name (pattern, &cat, &db, NULL))
    return NULL;
  g_free (db);
  return cat;
}

/* Does the listed item 'item' (a database name, or a struct with dbName
 * and catName such as TableMeta) name a database 'g' may read? */
static gboolean
item_readable (const MsThriftGrants *g, gpointer item, HmsLists kind, const char *cat)
{
  if (kind == HMS_LISTS_NAMES)
    return ms_thrift_grants_may_read (g, cat, item);
  g_autofree char *item_cat = NULL, *item_db = NULL;
  g_object_get (item, "dbName", &item_db, "catName", &item_cat, NULL);
  return ms_thrift_grants_may_read (g, item_cat && *item_cat ? item_cat : cat, item_db);
}

void
hms_access_filter (HmsCall *call)
{
  if (!G_VALUE_HOLDS_BOXED (&call->success))
    return;
  g_autoptr (MsThriftPolicy) policy = ms_hms_policy (call->hms);
  GPtrArray *items = g_value_get_boxed (&call->success);
  if (items == NULL || ms_thrift_policy_allows_all (policy))
    return;
  MsThriftIdentity id = current_identity (ms_hms_session_current ());
  g_autoptr (MsThriftGrants) g = ms_thrift_policy_grants (policy, &id);
  g_autofree char *cat = listing_catalog (call);
  for (guint i = items->len; i-- > 0;)
    if (!item_readable (g, g_ptr_array_index (items, i), call->method->lists, cat))
      g_ptr_array_remove_index (items, i);
}
