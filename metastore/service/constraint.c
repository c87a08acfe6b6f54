/*
 * constraint.c: the rules of table constraints (service/constraint.h):
 * normalising and naming the rows of an add, checking them against the
 * tables they name, and the foreign key rule. Pure functions over what the
 * store loaded; ms_service_constraints_add hands them to the store.
 */
#include "service/constraint.h"
#include "core/error.h"
#include <string.h>

/* ---- names ---- */

static guint32
java_string_hash (const char *s)
{
  guint32 h = 0;
  glong n = 0;
  g_autofree gunichar2 *u = g_utf8_to_utf16 (s, -1, NULL, &n, NULL);
  if (u == NULL)
    {
      for (const char *p = s; *p; p++)
        h = 31 * h + (guchar) *p;
      return h;
    }
  for (glong i = 0; i < n; i++)
    h = 31 * h + u[i];
  return h;
}

char *
ms_service_constraint_name (const char *const *parts, guint n, gint64 now_ms, int counter)
{
  g_autoptr (GString) s = g_string_new ("{");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      g_string_append (s, parts[i] ? parts[i] : "<null>");
    }
  g_string_append_c (s, '}');
  guint32 hash = java_string_hash (s->str) & 0xfffffff;
  return g_strdup_printf ("%s_%u_%" G_GINT64_FORMAT "_%d",
                          n > 0 && parts[n - 1] ? parts[n - 1] : "constraint", hash, now_ms, counter);
}

/* ---- helpers ---- */

typedef struct {
  GHashTable *tables;          /* key -> MsConstraintTable* (borrowed) */
  GHashTable *taken;           /* "<key>\x1f<name>" -> first row of that name in the request */
  gint64 now_ms;
} Check;

static MsConstraintTable *
find_table (const Check *k, const char *db, const char *table)
{
  g_autofree char *key = ms_constraint_table_key (db, table);
  return g_hash_table_lookup (k->tables, key);
}

/* Hive's normalizeIdentifier: trimmed and lower-cased, in place. */
static void
normalize (char **s)
{
  if (*s == NULL)
    return;
  char *n = g_ascii_strdown (g_strstrip (*s), -1);
  g_free (*s);
  *s = n;
}

static const MsColumn *
table_column (const MsTable *t, const char *name)
{
  GPtrArray *lists[] = { t->sd ? t->sd->cols : NULL, t->partition_keys };
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      {
        const MsColumn *c = g_ptr_array_index (lists[l], i);
        if (c->name != NULL && g_ascii_strcasecmp (c->name, name) == 0)
          return c;
      }
  return NULL;
}

static gboolean
stored_name (const MsConstraintTable *t, const char *name)
{
  for (guint i = 0; i < t->stored->len; i++)
    if (g_strcmp0 (((MsConstraint *) g_ptr_array_index (t->stored, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

static char *
taken_key (const MsConstraint *c, const char *name)
{
  g_autofree char *key = ms_constraint_table_key (c->db_name, c->table_name);
  return g_strconcat (key, "\x1f", name, NULL);
}

static gboolean
name_free (const Check *k, const MsConstraintTable *owner, const MsConstraint *c, const char *name)
{
  g_autofree char *tk = taken_key (c, name);
  return !stored_name (owner, name) && !g_hash_table_contains (k->taken, tk);
}

/* The column 'name' of 't' lower-cased into *out, or FALSE with Hive's
 * "<side> column not found: <name>". */
static gboolean
resolve_column (const MsTable *t, const char *side, char **out, GError **error)
{
  const MsColumn *col = *out ? table_column (t, *out) : NULL;
  if (col == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "%s column not found: %s", side,
                    *out ? *out : "null");
  g_free (*out);
  *out = g_ascii_strdown (col->name, -1);
  return TRUE;
}

/* ---- one row: table, columns, name ---- */

static char *
generate_name (const Check *k, const MsConstraintTable *owner, const MsConstraint *c)
{
  static const char *const suffix[MS_CONSTRAINT_N_KINDS] = { "pk", "fk", "uk", "nn", "dc", "dc" };
  const char *fk[] = { c->db_name, c->table_name, c->ref_db, c->ref_table, c->ref_column,
                       c->column, "fk" };
  const char *other[] = { c->db_name, c->table_name, c->column, suffix[c->kind] };
  gboolean is_fk = c->kind == MS_CONSTRAINT_FOREIGN_KEY;
  for (int counter = 0;; counter++)
    {
      char *name = ms_service_constraint_name (is_fk ? fk : other, is_fk ? G_N_ELEMENTS (fk)
                                                                         : G_N_ELEMENTS (other),
                                               k->now_ms, counter);
      if (name_free (k, owner, c, name))
        return name;
      g_free (name);
    }
}

static gboolean
multi_column (MsConstraintKind kind)
{
  return kind == MS_CONSTRAINT_PRIMARY_KEY || kind == MS_CONSTRAINT_FOREIGN_KEY
         || kind == MS_CONSTRAINT_UNIQUE;
}

/* Name row 'c': its own name (free in its table, or the same constraint
 * as an earlier row of the request), the previous row's for a following
 * column of a key without a name (Hive's rule), else a generated one. */
static gboolean
name_row (Check *k, const MsConstraintTable *owner, MsConstraint *c, const MsConstraint *prev,
          GError **error)
{
  if (c->name == NULL && multi_column (c->kind) && c->key_seq != 1 && prev != NULL
      && prev->kind == c->kind && g_strcmp0 (prev->db_name, c->db_name) == 0
      && g_strcmp0 (prev->table_name, c->table_name) == 0)
    c->name = g_strdup (prev->name);
  else if (c->name == NULL)
    c->name = generate_name (k, owner, c);
  g_autofree char *tk = taken_key (c, c->name);
  const MsConstraint *first = g_hash_table_lookup (k->taken, tk);
  if (first == NULL && stored_name (owner, c->name))
    first = c;  /* taken by a stored constraint */
  if (first != NULL
      && (first == c || first->kind != c->kind || !multi_column (c->kind)
          || g_strcmp0 (first->ref_db, c->ref_db) != 0
          || g_strcmp0 (first->ref_table, c->ref_table) != 0))
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Constraint name already exists: %s.%s.%s",
                    c->db_name, c->table_name, c->name);
  if (first == NULL)
    g_hash_table_insert (k->taken, g_steal_pointer (&tk), c);
  return TRUE;
}

static gboolean
check_row (Check *k, MsConstraint *c, const MsConstraint *prev, GError **error)
{
  gboolean is_fk = c->kind == MS_CONSTRAINT_FOREIGN_KEY;
  char **strs[] = { &c->db_name, &c->table_name, &c->column, &c->name,
                    &c->ref_db, &c->ref_table, &c->ref_column };
  for (guint i = 0; i < G_N_ELEMENTS (strs); i++)
    normalize (strs[i]);
  if (c->name != NULL && *c->name == '\0')
    g_clear_pointer (&c->name, g_free);
  MsConstraintTable *owner = find_table (k, c->db_name, c->table_name);
  if (owner == NULL)
    return ms_fail (error, MS_ERROR_INVALID_OBJECT, "%s table not found: %s",
                    is_fk ? "Child" : "Parent", c->table_name ? c->table_name : "null");
  /* a CHECK may be table-level (no column); every other row names one */
  if ((c->column != NULL || c->kind != MS_CONSTRAINT_CHECK)
      && !resolve_column (owner->table, is_fk ? "Child" : "Parent", &c->column, error))
    return FALSE;
  if (is_fk)
    {
      MsConstraintTable *parent = find_table (k, c->ref_db, c->ref_table);
      if (parent == NULL)
        return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Parent table not found: %s",
                        c->ref_table ? c->ref_table : "null");
      if (!resolve_column (parent->table, "Parent", &c->ref_column, error))
        return FALSE;
    }
  return name_row (k, owner, c, prev, error);
}

/* ---- primary keys: one per table ---- */

static gboolean
check_primary_keys (Check *k, GPtrArray *rows, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      MsConstraint *c = g_ptr_array_index (rows, i);
      if (c->kind != MS_CONSTRAINT_PRIMARY_KEY)
        continue;
      MsConstraintTable *owner = find_table (k, c->db_name, c->table_name);
      gboolean exists = FALSE;
      for (guint j = 0; j < owner->stored->len && !exists; j++)
        exists = ((MsConstraint *) g_ptr_array_index (owner->stored, j))->kind
                 == MS_CONSTRAINT_PRIMARY_KEY;
      char *key = ms_constraint_table_key (c->db_name, c->table_name);
      const char *other = g_hash_table_lookup (seen, key);
      if (exists || (other != NULL && strcmp (other, c->name) != 0))
        {
          g_free (key);
          return ms_fail (error, MS_ERROR_NOT_ALLOWED, " Primary key already exists for: %s.%s.%s",
                          c->catalog, c->db_name, c->table_name);
        }
      g_hash_table_replace (seen, key, c->name);
    }
  return TRUE;
}

/* ---- foreign keys: they reference a primary or unique key ---- */

static gint
by_key_seq (gconstpointer a, gconstpointer b)
{
  const MsConstraint *x = *(MsConstraint *const *) a, *y = *(MsConstraint *const *) b;
  int r = (int) x->kind - (int) y->kind;
  if (r == 0)
    r = g_strcmp0 (x->name, y->name);
  return r != 0 ? r : x->key_seq - y->key_seq;
}

static void
append_signature (GString *s, const char *col, const char *type)
{
  g_string_append_printf (s, "%s:%s;", col, type ? type : "");
}

/* The signatures ("col:type;...") of the primary and unique keys of
 * 'parent' (stored, and those 'rows' add to it), into 'out' (char*). */
static void
key_signatures (const MsConstraintTable *parent, GPtrArray *rows, GPtrArray *out)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  GPtrArray *sources[] = { parent->stored, rows };
  for (guint s = 0; s < G_N_ELEMENTS (sources); s++)
    for (guint i = 0; i < sources[s]->len; i++)
      {
        MsConstraint *c = g_ptr_array_index (sources[s], i);
        if ((c->kind == MS_CONSTRAINT_PRIMARY_KEY || c->kind == MS_CONSTRAINT_UNIQUE)
            && g_strcmp0 (c->db_name, parent->table->db_name) == 0
            && g_strcmp0 (c->table_name, parent->table->name) == 0)
          g_ptr_array_add (keys, c);
      }
  g_ptr_array_sort (keys, by_key_seq);
  GString *sig = NULL;
  for (guint i = 0; i < keys->len; i++)
    {
      const MsConstraint *c = g_ptr_array_index (keys, i);
      if (sig == NULL)
        sig = g_string_new (NULL);
      const MsColumn *col = table_column (parent->table, c->column);
      append_signature (sig, c->column, col ? col->type : NULL);
      const MsConstraint *next = i + 1 < keys->len ? g_ptr_array_index (keys, i + 1) : NULL;
      if (next == NULL || next->kind != c->kind || g_strcmp0 (next->name, c->name) != 0)
        g_ptr_array_add (out, g_string_free (g_steal_pointer (&sig), FALSE));
    }
}

static char *
joined (GPtrArray *sigs)
{
  g_autoptr (GString) s = g_string_new ("[");
  for (guint i = 0; i < sigs->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (sigs, i));
  g_string_append_c (s, ']');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* One foreign key: its rows 'fk' (sorted by key_seq). */
static gboolean
check_foreign_key (Check *k, GPtrArray *rows, GPtrArray *fk, GError **error)
{
  const MsConstraint *first = g_ptr_array_index (fk, 0);
  MsConstraintTable *child = find_table (k, first->db_name, first->table_name);
  MsConstraintTable *parent = find_table (k, first->ref_db, first->ref_table);
  g_autoptr (GPtrArray) sigs = g_ptr_array_new_with_free_func (g_free);
  key_signatures (parent, rows, sigs);
  if (sigs->len == 0)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Trying to define foreign key but there are no "
                    "primary keys or unique keys for referenced table");
  g_autoptr (GString) own = g_string_new (NULL);
  g_autoptr (GString) referenced = g_string_new (NULL);
  for (guint i = 0; i < fk->len; i++)
    {
      const MsConstraint *c = g_ptr_array_index (fk, i);
      const char *type = table_column (child->table, c->column)->type;
      append_signature (own, c->column, type);
      append_signature (referenced, c->ref_column, type);
    }
  gboolean found = FALSE;
  for (guint i = 0; i < sigs->len && !found; i++)
    found = g_ascii_strcasecmp (g_ptr_array_index (sigs, i), referenced->str) == 0;
  if (!found)
    {
      g_autofree char *possible = joined (sigs);
      return ms_fail (error, MS_ERROR_NOT_ALLOWED, "Foreign key references %s but no corresponding "
                      "primary key or unique key exists. Possible keys: %s", referenced->str,
                      possible);
    }
  if (child == parent && strcmp (own->str, referenced->str) == 0)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "Cannot be both foreign key and primary/unique key on same table: %s",
                    referenced->str);
  return TRUE;
}

static gboolean
check_foreign_keys (Check *k, GPtrArray *rows, GError **error)
{
  g_autoptr (GPtrArray) fks = g_ptr_array_new ();
  for (guint i = 0; i < rows->len; i++)
    if (((MsConstraint *) g_ptr_array_index (rows, i))->kind == MS_CONSTRAINT_FOREIGN_KEY)
      g_ptr_array_add (fks, g_ptr_array_index (rows, i));
  g_ptr_array_sort (fks, by_key_seq);
  g_autoptr (GPtrArray) one = g_ptr_array_new ();
  for (guint i = 0; i < fks->len; i++)
    {
      const MsConstraint *c = g_ptr_array_index (fks, i);
      g_ptr_array_add (one, (gpointer) c);
      const MsConstraint *next = i + 1 < fks->len ? g_ptr_array_index (fks, i + 1) : NULL;
      gboolean last = next == NULL || g_strcmp0 (next->name, c->name) != 0
                      || g_strcmp0 (next->db_name, c->db_name) != 0
                      || g_strcmp0 (next->table_name, c->table_name) != 0;
      if (!last)
        continue;
      if (!check_foreign_key (k, rows, one, error))
        return FALSE;
      g_ptr_array_set_size (one, 0);
    }
  return TRUE;
}

/* ---- entry points ---- */

gboolean
ms_service_constraints_check_at (GPtrArray *rows, GHashTable *tables, gint64 now_ms,
                                 GError **error)
{
  Check k = { tables, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), now_ms };
  gboolean ok = TRUE;
  const MsConstraint *prev = NULL;
  for (guint i = 0; i < rows->len && ok; i++)
    {
      MsConstraint *c = g_ptr_array_index (rows, i);
      ok = check_row (&k, c, prev, error);
      prev = c;
    }
  ok = ok && check_primary_keys (&k, rows, error) && check_foreign_keys (&k, rows, error);
  g_hash_table_unref (k.taken);
  return ok;
}

gboolean
ms_service_constraints_check (GPtrArray *rows, GHashTable *tables, GError **error)
{
  return ms_service_constraints_check_at (rows, tables, g_get_real_time () / 1000, error);
}

gboolean
ms_service_constraints_add (MsStore *store, const char *catalog, MsTable *create,
                            const GPtrArray *create_grants, GPtrArray *rows, GError **error)
{
  return ms_store_constraints_add (store, catalog, create, create_grants, rows,
                                   ms_service_constraints_check, error);
}
