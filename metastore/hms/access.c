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
#define MAX_NAMES 64           /* distinct databases one call may name */

typedef struct {
  gboolean name_is_database;
  GPtrArray *databases;        /* distinct, owned */
  char *catalog;
} Targets;

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
  if (db == NULL || *db == '\0' || t->databases->len >= MAX_NAMES)
    return;
  for (guint i = 0; i < t->databases->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (t->databases, i), db) == 0)
      return;
  g_ptr_array_add (t->databases, g_strdup (db));
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

/* Who the current connection's client is; the session's strings are
 * borrowed. */
static MsThriftIdentity
current_identity (const MsHmsSession *s)
{
  MsThriftIdentity id = { 0 };
  if (s != NULL)
    id = (MsThriftIdentity) { s->address, (const char *const *) s->cert_names, s->user };
  return id;
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
  Targets t = { m->name_is_database, g_ptr_array_new_with_free_func (g_free), NULL };
  g_autoptr (GPtrArray) databases = t.databases;
  g_autofree char *catalog = NULL;
  if (m->access != MS_CALL_ADMIN)
    walk_struct (&t, call->args, 0);
  catalog = t.catalog;
  g_ptr_array_add (databases, NULL);
  MsThriftIdentity id = current_identity (s);
  MsThriftRequest rq = { m->name, m->access, catalog, (const char *const *) databases->pdata,
                         read_only };
  return ms_thrift_policy_check (policy, &id, &rq, error);
}
