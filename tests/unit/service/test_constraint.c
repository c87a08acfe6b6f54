/*
 * test_constraint.c: the constraint rules (service/constraint.c) on tables
 * built in memory: Hive's generated names, missing tables and columns, one
 * primary key per table, taken names, and what a foreign key may
 * reference.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include "service/constraint.h"
#include "core/error.h"

#define NOW 1700000000000

static void
table_free (MsConstraintTable *t)
{
  ms_table_free (t->table);
  g_ptr_array_unref (t->stored);
  g_free (t);
}

/* Table db.<name> with columns "name:type" and partition key 'part'. */
static MsConstraintTable *
add_table (GHashTable *tables, const char *name, const char *const *cols, const char *part)
{
  MsConstraintTable *t = g_new0 (MsConstraintTable, 1);
  t->table = ms_table_new ();
  t->table->db_name = g_strdup ("db");
  t->table->name = g_strdup (name);
  t->table->sd = ms_sd_new ();
  for (const char *const *c = cols; *c; c++)
    {
      g_auto (GStrv) nt = g_strsplit (*c, ":", 2);
      g_ptr_array_add (t->table->sd->cols, ms_column_new (nt[0], nt[1], NULL));
    }
  if (part)
    g_ptr_array_add (t->table->partition_keys, ms_column_new (part, "string", NULL));
  t->stored = ms_constraints_new ();
  g_hash_table_insert (tables, ms_constraint_table_key ("db", name), t);
  return t;
}

static MsConstraint *
row (GPtrArray *rows, MsConstraintKind kind, const char *table, const char *col, int seq,
     const char *name)
{
  MsConstraint *c = ms_constraint_new (kind);
  c->catalog = g_strdup ("hive");
  c->db_name = g_strdup ("db");
  c->table_name = g_strdup (table);
  c->column = g_strdup (col);
  c->key_seq = seq;
  c->name = g_strdup (name);
  g_ptr_array_add (rows, c);
  return c;
}

static MsConstraint *
fk_row (GPtrArray *rows, const char *child, const char *col, int seq, const char *parent,
        const char *pcol, const char *name)
{
  MsConstraint *c = row (rows, MS_CONSTRAINT_FOREIGN_KEY, child, col, seq, name);
  c->ref_db = g_strdup ("db");
  c->ref_table = g_strdup (parent);
  c->ref_column = g_strdup (pcol);
  return c;
}

static GHashTable *
fixture (void)
{
  GHashTable *tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) table_free);
  const char *p[] = { "id:int", "code:string", NULL };
  const char *c[] = { "ID2:int", "pid:int", "pcode:string", "s:string", NULL };
  add_table (tables, "p", p, "dt");
  add_table (tables, "c", c, NULL);
  return tables;
}

/* Run the rules; the error code (-1: none) and, when 'msg' is given, that
 * the message starts with it. */
static int
check (GPtrArray *rows, GHashTable *tables, const char *msg)
{
  g_autoptr (GError) error = NULL;
  if (ms_service_constraints_check_at (rows, tables, NOW, &error))
    return -1;
  assert_int_equal (error->domain, MS_ERROR);
  if (msg && !g_str_has_prefix (error->message, msg))
    fail_msg ("message '%s' does not start with '%s'", error->message, msg);
  return error->code;
}

static void
test_generated_names (void **state)
{
  (void) state;
  const char *parts[] = { "db", "t", "id", "pk" };
  g_autofree char *n = ms_service_constraint_name (parts, 4, NOW, 0);
  assert_string_equal (n, "pk_233760796_1700000000000_0");
  const char *nulls[] = { "db", "t", NULL, "dc" };
  g_autofree char *m = ms_service_constraint_name (nulls, 4, NOW, 2);
  assert_string_equal (m, "dc_24666200_1700000000000_2");

  /* a key's later columns take the first column's generated name; names
   * and columns are lower-cased (the column as the table spells it) */
  g_autoptr (GHashTable) tables = fixture ();
  g_autoptr (GPtrArray) rows = ms_constraints_new ();
  MsConstraint *a = row (rows, MS_CONSTRAINT_PRIMARY_KEY, "P", " ID ", 1, NULL);
  MsConstraint *b = row (rows, MS_CONSTRAINT_PRIMARY_KEY, "p", "dt", 2, NULL);
  MsConstraint *nn = row (rows, MS_CONSTRAINT_NOT_NULL, "c", "s", 1, "NN_S");
  assert_int_equal (check (rows, tables, NULL), -1);
  assert_true (g_str_has_prefix (a->name, "pk_"));
  assert_string_equal (a->name, b->name);
  assert_string_equal (a->table_name, "p");
  assert_string_equal (a->column, "id");
  assert_string_equal (nn->name, "nn_s");
}

static void
test_missing_table_and_column (void **state)
{
  (void) state;
  g_autoptr (GHashTable) tables = fixture ();
  g_autoptr (GPtrArray) rows = ms_constraints_new ();
  row (rows, MS_CONSTRAINT_UNIQUE, "nope", "id", 1, "u");
  assert_int_equal (check (rows, tables, "Parent table not found: nope"), MS_ERROR_INVALID_OBJECT);

  g_ptr_array_set_size (rows, 0);
  row (rows, MS_CONSTRAINT_NOT_NULL, "p", "missing", 1, NULL);
  assert_int_equal (check (rows, tables, "Parent column not found: missing"),
                    MS_ERROR_INVALID_OBJECT);

  g_ptr_array_set_size (rows, 0);
  fk_row (rows, "nope", "pid", 1, "p", "id", "f");
  assert_int_equal (check (rows, tables, "Child table not found: nope"), MS_ERROR_INVALID_OBJECT);

  /* a table-level CHECK names no column */
  g_ptr_array_set_size (rows, 0);
  row (rows, MS_CONSTRAINT_CHECK, "c", NULL, 1, "chk")->value = g_strdup ("pid > 0");
  assert_int_equal (check (rows, tables, NULL), -1);
}

static void
test_one_primary_key_and_names (void **state)
{
  (void) state;
  g_autoptr (GHashTable) tables = fixture ();
  MsConstraintTable *p = g_hash_table_lookup (tables, "db\x1fp");
  row (p->stored, MS_CONSTRAINT_PRIMARY_KEY, "p", "id", 1, "pk_p");

  g_autoptr (GPtrArray) rows = ms_constraints_new ();
  row (rows, MS_CONSTRAINT_PRIMARY_KEY, "p", "code", 1, "other");
  assert_int_equal (check (rows, tables, " Primary key already exists for: hive.db.p"),
                    MS_ERROR_NOT_ALLOWED);

  g_ptr_array_set_size (rows, 0);
  row (rows, MS_CONSTRAINT_UNIQUE, "p", "code", 1, "PK_P");
  assert_int_equal (check (rows, tables, "Constraint name already exists: db.p.pk_p"),
                    MS_ERROR_INVALID_OBJECT);

  /* two not null constraints of one name in one request */
  g_ptr_array_set_size (rows, 0);
  row (rows, MS_CONSTRAINT_NOT_NULL, "c", "s", 1, "n");
  row (rows, MS_CONSTRAINT_NOT_NULL, "c", "pid", 1, "n");
  assert_int_equal (check (rows, tables, "Constraint name already exists: db.c.n"),
                    MS_ERROR_INVALID_OBJECT);

  /* two primary keys for one table in one request */
  g_ptr_array_set_size (rows, 0);
  row (rows, MS_CONSTRAINT_PRIMARY_KEY, "c", "id2", 1, "a");
  row (rows, MS_CONSTRAINT_PRIMARY_KEY, "c", "pid", 1, "b");
  assert_int_equal (check (rows, tables, " Primary key already exists"), MS_ERROR_NOT_ALLOWED);
}

static void
test_foreign_keys (void **state)
{
  (void) state;
  g_autoptr (GHashTable) tables = fixture ();
  g_autoptr (GPtrArray) rows = ms_constraints_new ();
  fk_row (rows, "c", "pid", 1, "p", "id", "f");
  assert_int_equal (check (rows, tables, "Trying to define foreign key but there are no primary "
                           "keys or unique keys for referenced table"), MS_ERROR_NOT_ALLOWED);

  MsConstraintTable *p = g_hash_table_lookup (tables, "db\x1fp");
  row (p->stored, MS_CONSTRAINT_PRIMARY_KEY, "p", "id", 1, "pk_p");
  row (p->stored, MS_CONSTRAINT_UNIQUE, "p", "id", 1, "uk_p");
  row (p->stored, MS_CONSTRAINT_UNIQUE, "p", "code", 2, "uk_p");
  g_ptr_array_set_size (rows, 0);
  fk_row (rows, "c", "pid", 1, "p", "id", "f");
  assert_int_equal (check (rows, tables, NULL), -1);

  /* the composite unique key, by name */
  g_ptr_array_set_size (rows, 0);
  fk_row (rows, "c", "pid", 1, "p", "id", "f2");
  fk_row (rows, "c", "pcode", 2, "p", "code", NULL);
  assert_int_equal (check (rows, tables, NULL), -1);
  assert_string_equal (((MsConstraint *) g_ptr_array_index (rows, 1))->name, "f2");

  /* types must match: pcode (string) cannot reference id (int) */
  g_ptr_array_set_size (rows, 0);
  fk_row (rows, "c", "pcode", 1, "p", "id", "f3");
  assert_int_equal (check (rows, tables, "Foreign key references id:string; but no corresponding "
                           "primary key or unique key exists. Possible keys: [id:int;, "
                           "id:int;code:string;]"), MS_ERROR_NOT_ALLOWED);

  g_ptr_array_set_size (rows, 0);
  fk_row (rows, "c", "s", 1, "p", "missing", "f4");
  assert_int_equal (check (rows, tables, "Parent column not found: missing"),
                    MS_ERROR_INVALID_OBJECT);

  /* self reference: to the table's own new key, but not to the same columns */
  g_ptr_array_set_size (rows, 0);
  row (rows, MS_CONSTRAINT_PRIMARY_KEY, "c", "id2", 1, "pk_c");
  fk_row (rows, "c", "pid", 1, "c", "id2", "self");
  assert_int_equal (check (rows, tables, NULL), -1);
  g_ptr_array_set_size (rows, 0);
  row (rows, MS_CONSTRAINT_PRIMARY_KEY, "c", "id2", 1, "pk_c");
  fk_row (rows, "c", "id2", 1, "c", "id2", "self");
  assert_int_equal (check (rows, tables, "Cannot be both foreign key and primary/unique key on "
                           "same table: id2:int;"), MS_ERROR_NOT_ALLOWED);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_generated_names),
    cmocka_unit_test (test_missing_table_and_column),
    cmocka_unit_test (test_one_primary_key_and_names),
    cmocka_unit_test (test_foreign_keys),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
