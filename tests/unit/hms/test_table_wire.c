/*
 * test_table_wire.c: the fast table writer (hms/table_wire.c) must put on
 * the wire exactly the bytes the generated c_glib writer produces for the
 * same model table converted with hms_table_to_thrift. Maps hold at most
 * one entry here, because the two writers walk different hash tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "hms/internal.h"
#include "hms/thrift_json.h"
#include "server/thrift_fixes.h"
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/transport/thrift_memory_buffer.h>

void thms_register_all_types (void);

static GByteArray *
encode (const MsTable *t, gboolean fast)
{
  ThriftMemoryBuffer *buf = g_object_new (THRIFT_TYPE_MEMORY_BUFFER, "buf_size", 1 << 20, NULL);
  ThriftProtocol *p = g_object_new (THRIFT_TYPE_BINARY_PROTOCOL, "transport", buf, NULL);
  GError *err = NULL;
  if (fast)
    assert_true (hms_wire_write_table (p, t, &err));
  else
    {
      ThmsTable *tt = g_object_new (THMS_TYPE_TABLE, NULL);
      hms_table_to_thrift (t, tt);
      assert_true (thrift_struct_write (THRIFT_STRUCT (tt), p, &err) >= 0);
      g_object_unref (tt);
    }
  assert_null (err);
  GByteArray *out = g_byte_array_new ();
  g_byte_array_append (out, buf->buf->data, buf->buf->len);
  g_object_unref (p);
  g_object_unref (buf);
  return out;
}

static gboolean
write_table (ThriftProtocol *protocol, gconstpointer t, GError **error)
{
  return hms_wire_write_table (protocol, t, error);
}

/* The same writer over TJSONProtocol (the notification messages'
 * tableObjJson) writes the generated writer's text. */
static void
assert_same_json (const MsTable *t)
{
  ThmsTable *tt = g_object_new (THMS_TYPE_TABLE, NULL);
  hms_table_to_thrift (t, tt);
  g_autofree char *slow = hms_thrift_json_write (THRIFT_STRUCT (tt), NULL);
  g_object_unref (tt);
  g_autofree char *fast = hms_thrift_json_write_with (write_table, t, NULL);
  assert_non_null (slow);
  assert_non_null (fast);
  assert_string_equal (fast, slow);
}

static void
assert_same_bytes (const MsTable *t)
{
  g_autoptr (GByteArray) a = encode (t, TRUE);
  g_autoptr (GByteArray) b = encode (t, FALSE);
  assert_int_equal (a->len, b->len);
  assert_memory_equal (a->data, b->data, a->len);
  assert_same_json (t);
}

static MsTable *
base_table (void)
{
  MsTable *t = ms_table_new ();
  t->id = 42;
  t->catalog = g_strdup ("hive");
  t->db_name = g_strdup ("db");
  t->name = g_strdup ("t");
  t->table_type = g_strdup ("MANAGED_TABLE");
  t->create_time = 1700000000;
  t->sd = ms_sd_new ();
  return t;
}

static void
test_minimal_and_without_sd (void **state)
{
  g_autoptr (MsTable) t = base_table ();
  assert_same_bytes (t);
  ms_sd_free (t->sd);
  t->sd = NULL;
  assert_same_bytes (t);
}

static void
test_full_table (void **state)
{
  g_autoptr (MsTable) t = base_table ();
  t->owner_name = g_strdup ("alice");
  t->owner_type = MS_PRINCIPAL_ROLE;
  t->last_access_time = 7;
  t->retention = 3;
  t->write_id = 9;
  t->rewrite_enabled = TRUE;
  t->view_original_text = g_strdup ("select 1");
  t->view_expanded_text = g_strdup ("select `1`");
  g_hash_table_insert (t->params, g_strdup ("k"), g_strdup ("v"));
  g_ptr_array_add (t->partition_keys, ms_column_new ("ds", "string", "day"));
  g_ptr_array_add (t->partition_keys, ms_column_new ("hr", "int", NULL));
  MsStorageDescriptor *sd = t->sd;
  sd->location = g_strdup ("file:///w/db.db/t");
  sd->input_format = g_strdup ("in");
  sd->output_format = g_strdup ("out");
  sd->compressed = TRUE;
  sd->num_buckets = 4;
  sd->stored_as_subdirs = TRUE;
  g_hash_table_insert (sd->params, g_strdup ("sdk"), g_strdup ("sdv"));
  g_ptr_array_add (sd->cols, ms_column_new ("id", "bigint", "the id"));
  g_ptr_array_add (sd->cols, ms_column_new ("m", "map<string,int>", NULL));
  g_ptr_array_add (sd->bucket_cols, g_strdup ("id"));
  g_ptr_array_add (sd->sort_cols, ms_sort_col_new ("id", 1));
  sd->serde = ms_serde_new ();
  sd->serde->name = g_strdup ("s");
  sd->serde->serialization_lib = g_strdup ("lib");
  sd->serde->description = g_strdup ("d");
  sd->serde->serializer_class = g_strdup ("ser");
  sd->serde->deserializer_class = g_strdup ("de");
  sd->serde->serde_type = 1;
  g_hash_table_insert (sd->serde->params, g_strdup ("field.delim"), g_strdup (","));
  sd->skewed = ms_skewed_new ();
  g_ptr_array_add (sd->skewed->names, g_strdup ("id"));
  GPtrArray *vals = ms_strings_new ();
  g_ptr_array_add (vals, g_strdup ("1"));
  g_ptr_array_add (sd->skewed->values, vals);
  MsSkewedLocation *loc = ms_skewed_location_new ();
  g_ptr_array_add (loc->values, g_strdup ("1"));
  loc->location = g_strdup ("file:///w/skew");
  g_ptr_array_add (sd->skewed->locations, loc);
  assert_same_bytes (t);
}

static void
test_view_without_location (void **state)
{
  g_autoptr (MsTable) t = base_table ();
  g_free (t->table_type);
  t->table_type = g_strdup ("VIRTUAL_VIEW");
  t->view_original_text = g_strdup ("select 2");
  g_ptr_array_add (t->sd->cols, ms_column_new ("x", "int", NULL));
  assert_same_bytes (t);
}

int
main (void)
{
  thms_register_all_types ();
  ms_thrift_fix_finalizers ();   /* as the server does (this test encodes in memory) */
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_minimal_and_without_sd),
    cmocka_unit_test (test_full_table),
    cmocka_unit_test (test_view_without_location),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
