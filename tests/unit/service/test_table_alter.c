/*
 * test_table_alter.c: the door-independent rules of altering a table
 * (service/table_alter.c): what may change, what is a rename, and what
 * the altered table keeps from the old one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include "service/table.h"
#include "core/error.h"

/* A managed table db.t at 'location' with columns "a int", "b string" and
 * partition key "p string". */
static MsTable *
table (const char *db, const char *name, const char *location)
{
  MsTable *t = ms_table_new ();
  t->db_name = g_strdup (db);
  t->name = g_strdup (name);
  t->table_type = g_strdup (MS_TABLE_MANAGED);
  t->create_time = 1000;
  t->sd = ms_sd_new ();
  t->sd->location = g_strdup (location);
  g_ptr_array_add (t->sd->cols, ms_column_new ("a", "int", NULL));
  g_ptr_array_add (t->sd->cols, ms_column_new ("b", "string", NULL));
  g_ptr_array_add (t->partition_keys, ms_column_new ("p", "string", NULL));
  return t;
}

static void
set_type (MsTable *t, guint col, const char *type)
{
  MsColumn *c = g_ptr_array_index (t->sd->cols, col);
  g_free (c->type);
  c->type = g_strdup (type);
}

static void
test_same_table_allowed (void **state)
{
  g_autoptr (MsTable) o = table ("db", "t", "file:/wh/t");
  g_autoptr (MsTable) n = table ("db", "t", NULL);
  assert_true (ms_service_table_alter_allowed (o, n, NULL));
  /* a wider type and an added column are allowed; a key's type case is not a change */
  set_type (n, 0, "bigint");
  g_ptr_array_add (n->sd->cols, ms_column_new ("c", "double", NULL));
  MsColumn *k = g_ptr_array_index (n->partition_keys, 0);
  g_free (k->type);
  k->type = g_strdup ("STRING");
  assert_true (ms_service_table_alter_allowed (o, n, NULL));
}

static void
test_partition_keys_fixed (void **state)
{
  g_autoptr (MsTable) o = table ("db", "t", NULL);
  g_autoptr (MsTable) n = table ("db", "t", NULL);
  g_ptr_array_add (n->partition_keys, ms_column_new ("q", "int", NULL));
  g_autoptr (GError) err = NULL;
  assert_false (ms_service_table_alter_allowed (o, n, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_OPERATION));
  assert_string_equal (err->message, "partition keys can not be changed.");
}

static void
test_incompatible_types_named (void **state)
{
  g_autoptr (MsTable) o = table ("db", "t", NULL);
  g_autoptr (MsTable) n = table ("db", "t", NULL);
  set_type (o, 1, "double");
  set_type (n, 0, "map<string,int>");
  set_type (n, 1, "int");
  g_autoptr (GError) err = NULL;
  assert_false (ms_service_table_alter_allowed (o, n, &err));
  assert_true (g_error_matches (err, MS_ERROR, MS_ERROR_INVALID_OPERATION));
  assert_non_null (g_strrstr (err->message, "incompatible with the existing columns"));
  assert_true (g_str_has_suffix (err->message, ":\na,b"));
}

static void
test_view_may_change_anything (void **state)
{
  g_autoptr (MsTable) o = table ("db", "v", NULL);
  g_autoptr (MsTable) n = table ("db", "v", NULL);
  g_free (o->table_type);
  o->table_type = g_strdup (MS_TABLE_VIEW);
  g_ptr_array_set_size (n->partition_keys, 0);
  set_type (n, 0, "map<string,int>");
  assert_true (ms_service_table_alter_allowed (o, n, NULL));
}

static void
test_renames (void **state)
{
  g_autoptr (MsTable) o = table ("db", "t", NULL);
  g_autoptr (MsTable) same = table ("db", "t", NULL);
  g_autoptr (MsTable) other_name = table ("db", "u", NULL);
  g_autoptr (MsTable) other_db = table ("db2", "t", NULL);
  assert_false (ms_service_table_alter_renames (o, same));
  assert_true (ms_service_table_alter_renames (o, other_name));
  assert_true (ms_service_table_alter_renames (o, other_db));
}

static void
test_keep_from_old (void **state)
{
  g_autoptr (MsTable) o = table ("db", "t", "file:/wh/t");
  g_autoptr (MsTable) n = table ("db", "t", NULL);
  g_clear_pointer (&n->table_type, g_free);
  n->create_time = 5;
  ms_service_table_alter_keep (o, n, 1234);
  assert_int_equal (n->create_time, 1000);
  assert_string_equal (n->table_type, MS_TABLE_MANAGED);
  assert_string_equal (n->sd->location, "file:/wh/t");
  assert_string_equal (g_hash_table_lookup (n->params, "transient_lastDdlTime"), "1234");

  /* a DDL time and a location given stay; a rename's location is the data move's */
  g_autoptr (MsTable) m = table ("db", "t", "file:/elsewhere");
  g_hash_table_insert (m->params, g_strdup ("transient_lastDdlTime"), g_strdup ("7"));
  ms_service_table_alter_keep (o, m, 1234);
  assert_string_equal (m->sd->location, "file:/elsewhere");
  assert_string_equal (g_hash_table_lookup (m->params, "transient_lastDdlTime"), "7");
  g_autoptr (MsTable) r = table ("db", "u", NULL);
  ms_service_table_alter_keep (o, r, 1234);
  assert_null (r->sd->location);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_same_table_allowed),
    cmocka_unit_test (test_partition_keys_fixed),
    cmocka_unit_test (test_incompatible_types_named),
    cmocka_unit_test (test_view_may_change_anything),
    cmocka_unit_test (test_renames),
    cmocka_unit_test (test_keep_from_old),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
