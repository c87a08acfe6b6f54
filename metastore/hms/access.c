/*
 * access.c: the Thrift door's authorization of one call. The method's row
 * says what it does (hms/access.list, copied into the generated table);
 * the databases it names are found in its arguments by field name, the
 * identity comes from the connection's session; auth/thrift_policy.c
 * decides. Entry point: hms_access_check (called before every family
 * function, fast paths included).
 */
#include "hms/internal.h"
#include "hms/method.h"
#include <string.h>

/* Fields naming a database, wherever they appear in a call's arguments
 * (Table.dbName, SQLPrimaryKey.table_db, exchange_partition's dest_db...). */
static const char *const db_fields[] = {
  "db_name", "dbName", "dbname", "databaseName", "oldDbName", "table_db", "pktable_db",
  "fktable_db", "parent_db_name", "foreign_db_name", "source_db", "dest_db",
};
static const char *const catalog_fields[] = { "catName", "catalogName", "cat_name" };

#define MAX_DEPTH 4            /* Args -> request -> list -> struct -> struct */

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

static void walk_struct (Targets *t, GObject *obj, int depth);

/* A list's struct elements (a list of Partition, of SQLPrimaryKey...). */
static void
walk_value (Targets *t, const GValue *v, int depth)
{
  if (G_VALUE_HOLDS_OBJECT (v) && g_value_get_object (v) != NULL)
    walk_struct (t, g_value_get_object (v), depth);
  else if (G_VALUE_HOLDS (v, G_TYPE_PTR_ARRAY) && g_value_get_boxed (v) != NULL)
    {
      GPtrArray *a = g_value_get_boxed (v);
      for (guint i = 0; i < a->len; i++)
        if (G_IS_OBJECT (g_ptr_array_index (a, i)))
          walk_struct (t, g_ptr_array_index (a, i), depth);
    }
}

/* Note the databases and the catalog 'obj' names, looking into its
 * structs and lists of structs down to MAX_DEPTH. */
static void
walk_struct (Targets *t, GObject *obj, int depth)
{
  if (depth > MAX_DEPTH)
    return;
  guint n = 0;
  g_autofree GParamSpec **props = g_object_class_list_properties (G_OBJECT_GET_CLASS (obj), &n);
  for (guint i = 0; i < n; i++)
    {
      const char *name = props[i]->name;
      GType type = props[i]->value_type;
      gboolean is_str = type == G_TYPE_STRING;
      if (is_str && !field_in (name, db_fields, G_N_ELEMENTS (db_fields))
          && !field_in (name, catalog_fields, G_N_ELEMENTS (catalog_fields))
          && !(t->name_is_database && depth <= 1 && g_str_equal (name, "name")))
        continue;
      if (!is_str && !g_type_is_a (type, G_TYPE_OBJECT) && type != G_TYPE_PTR_ARRAY)
        continue;
      g_auto (GValue) v = G_VALUE_INIT;
      g_value_init (&v, type);
      g_object_get_property (obj, name, &v);
      if (!is_str)
        walk_value (t, &v, depth + 1);
      else if (field_in (name, catalog_fields, G_N_ELEMENTS (catalog_fields)))
        {
          if (t->catalog == NULL && g_value_get_string (&v) && *g_value_get_string (&v))
            t->catalog = g_value_dup_string (&v);
        }
      else
        note_database (t, g_value_get_string (&v));
    }
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
  const MsThriftPolicy *policy = call->hms->policy;
  MsHmsSession *s = ms_hms_session_current ();
  gboolean read_only = s != NULL && s->read_only;
  if (m->access == MS_CALL_OPEN || (!read_only && ms_thrift_policy_allows_all (policy)))
    return TRUE;
  g_auto (Targets) t = { m->name_is_database, g_ptr_array_new_with_free_func (g_free),
                        g_hash_table_new (g_str_hash, g_str_equal), NULL };
  if (m->access != MS_CALL_ADMIN)
    walk_struct (&t, call->args, 0);
  g_autoptr (GPtrArray) catalogs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) databases = g_ptr_array_new_with_free_func (g_free);
  resolve_targets (&t, catalogs, databases);
  MsThriftIdentity id = current_identity (s);
  MsThriftRequest rq = { m->name, m->access, (const char *const *) databases->pdata,
                         (const char *const *) catalogs->pdata, read_only };
  return ms_thrift_policy_check (policy, &id, &rq, error);
}
