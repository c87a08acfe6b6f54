/*
 * test_thrift_json.c: the TJSONProtocol writer (hms/thrift_json.c) and the
 * Hive JSON messages built on it (hms/event_message.c).
 *
 * The writer's text is checked against Apache Thrift's own Python
 * TJSONProtocol (Debian python3-thrift, /usr/bin/python3): Python reads
 * our text into the generated class (gen-py, from the same IDL) and writes
 * it again; the bytes must be ours exactly. The objects cover every type
 * the writer has (strings with escapes and UTF-8, i16/i32/i64, bool,
 * double, enum, nested structs, lists, maps, a union). The messages:
 * Hive's member names for each family, the constraint messages' SQL*
 * structs and the statistics messages' ColumnStatistics included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "hms/internal.h"
#include "hms/thrift_json.h"
#include "hms/event_message.h"
#include "server/thrift_fixes.h"
#include "core/json_text.h"
#include "core/json_out.h"

void thms_register_all_types (void);

/* What Python's TJSONProtocol writes after reading 'json' as 'cls'. */
static char *
python_roundtrip (const char *cls, const char *json)
{
  const char *build = g_getenv ("top_builddir");
  g_autofree char *genpy = g_build_filename (build ? build : ".", "gen-py", NULL);
  const char *script =
    "import sys\n"
    "from thrift.protocol import TJSONProtocol\n"
    "from thrift.transport import TTransport\n"
    "from hive_metastore import ttypes\n"
    "obj = getattr(ttypes, sys.argv[1])()\n"
    "obj.read(TJSONProtocol.TJSONProtocol(TTransport.TMemoryBuffer(sys.stdin.buffer.read())))\n"
    "out = TTransport.TMemoryBuffer()\n"
    "obj.write(TJSONProtocol.TJSONProtocol(out))\n"
    "sys.stdout.buffer.write(out.getvalue())\n";
  const char *argv[] = { "/usr/bin/python3", "-c", script, cls, NULL };
  g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                  | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (l, "PYTHONPATH", genpy, TRUE);
  GError *err = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_launcher_spawnv (l, argv, &err);
  assert_null (err);
  char *out = NULL;
  assert_true (g_subprocess_communicate_utf8 (p, json, NULL, &out, NULL, &err));
  assert_null (err);
  assert_true (g_subprocess_get_successful (p));
  return out;
}

static void
assert_python_agrees (const char *cls, gpointer obj)
{
  GError *err = NULL;
  g_autofree char *ours = hms_thrift_json_write (THRIFT_STRUCT (obj), &err);
  assert_null (err);
  g_autofree char *theirs = python_roundtrip (cls, ours);
  if (strcmp (ours, theirs) != 0)
    fail_msg ("%s:\nours   %s\npython %s", cls, ours, theirs);
  g_object_unref (obj);
}

static MsTable *
sample_table (void)
{
  MsTable *t = ms_table_new ();
  t->catalog = g_strdup ("hive");
  t->db_name = g_strdup ("db");
  t->name = g_strdup ("t");
  t->table_type = g_strdup ("EXTERNAL_TABLE");
  t->owner_name = g_strdup ("ann");
  t->owner_type = MS_PRINCIPAL_USER;
  t->create_time = 1700000000;
  t->sd = ms_sd_new ();
  t->sd->location = g_strdup ("s3://b/p/t");
  g_ptr_array_add (t->sd->cols, ms_column_new ("id", "bigint", "the \"id\"\n\ttab \\ é ü"));
  g_ptr_array_add (t->sd->cols, ms_column_new ("s", "struct<a:int>", NULL));
  g_ptr_array_add (t->partition_keys, ms_column_new ("ds", "string", NULL));
  g_hash_table_insert (t->params, g_strdup ("EXTERNAL"), g_strdup ("TRUE"));
  return t;
}

/* 'msg' is the very text json-glib's generator wrote for the same tree
 * before messages were written straight (core/json_out.h). */
static void
assert_as_json_glib (const char *msg)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  assert_true (json_parser_load_from_data (parser, msg, -1, NULL));
  g_autofree char *again = ms_json_text (json_parser_get_root (parser), FALSE, NULL);
  assert_string_equal (again, msg);
}

static void
test_table (void **state)
{
  g_autoptr (MsTable) t = sample_table ();
  ThmsTable *tt = g_object_new (THMS_TYPE_TABLE, NULL);
  hms_table_to_thrift (t, tt);
  /* Python sets optional fields that have defaults; set it here too */
  tt->temporary = FALSE;
  tt->__isset_temporary = TRUE;
  assert_python_agrees ("Table", tt);
}

static void
test_partition_database_function (void **state)
{
  g_autoptr (MsPartition) p = ms_partition_new ();
  p->db_name = g_strdup ("db");
  p->table_name = g_strdup ("t");
  p->catalog = g_strdup ("hive");
  g_ptr_array_add (p->values, g_strdup ("2024-01-01"));
  p->sd = ms_sd_new ();
  p->sd->location = g_strdup ("file:///w/ds=2024-01-01");
  ThmsPartition *tp = hms_partition_new_thrift (p);
  tp->__isset_writeId = TRUE;     /* Python sets the default (-1) */
  assert_python_agrees ("Partition", tp);

  MsDatabase db = { .catalog = "hive", .name = "db", .description = "ü\x01", .location_uri = "x",
                    .owner_name = "o", .owner_type = MS_PRINCIPAL_ROLE, .type = MS_DB_NATIVE,
                    .params = g_hash_table_new (g_str_hash, g_str_equal) };
  g_hash_table_insert (db.params, "k", "v");
  ThmsDatabase *td = g_object_new (THMS_TYPE_DATABASE, NULL);
  hms_database_to_thrift (&db, td);
  GError *err = NULL;
  g_autofree char *text = hms_thrift_json_write (THRIFT_STRUCT (td), &err);
  /* a control character without a short escape is \u00xx, as Java writes it */
  assert_non_null (strstr (text, "\"\xc3\xbc\\u0001\""));
  g_hash_table_unref (db.params);
  g_object_unref (td);

  MsFunction f = { .catalog = "hive", .db_name = "db", .name = "f", .class_name = "a.B",
                   .owner_name = "o", .owner_type = MS_PRINCIPAL_USER, .function_type = 1,
                   .resources = g_array_new (FALSE, TRUE, sizeof (MsResourceUri)) };
  MsResourceUri r = { 1, "file:///f.jar" };
  g_array_append_val (f.resources, r);
  assert_python_agrees ("Function", hms_function_to_thrift (&f));
  g_array_unref (f.resources);
}

/* doubles, i64 and a union, through column statistics */
static void
test_doubles_and_union (void **state)
{
  const double values[] = { 0.1, 1.5, -2.25, 100.0, 1e-7, 12345.678 };
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      ThmsDoubleColumnStatsData *d = g_object_new (THMS_TYPE_DOUBLE_COLUMN_STATS_DATA, NULL);
      d->lowValue = values[i];
      d->__isset_lowValue = TRUE;
      d->highValue = -values[i];
      d->__isset_highValue = TRUE;
      d->numNulls = G_GINT64_CONSTANT (9007199254740993);
      d->numDVs = -1;
      ThmsColumnStatisticsData *u = g_object_new (THMS_TYPE_COLUMN_STATISTICS_DATA, NULL);
      g_object_set (u, "doubleStats", d, NULL);
      g_object_unref (d);
      assert_python_agrees ("ColumnStatisticsData", u);
    }
}

static gboolean
write_table (ThriftProtocol *protocol, gconstpointer t, GError **error)
{
  return hms_wire_write_table (protocol, t, error);
}

/* Written nested, straight into another document's string, an object is
 * its plain text escaped once more. */
static void
test_nested_is_escaped_plain (void **state)
{
  (void) state;
  g_autoptr (MsTable) t = sample_table ();
  g_hash_table_insert (t->params, g_strdup ("q\"\\"),
                       g_strdup ("a\"b\\c\n\x01\x7f\xc3\xa9"));
  GError *err = NULL;
  g_autofree char *plain = hms_thrift_json_write_with (write_table, t, &err);
  assert_null (err);
  g_autoptr (GString) expected = g_string_new ("x");
  ms_json_out_escape (expected, plain, strlen (plain));
  g_autoptr (GString) got = g_string_new ("x");
  g_autoptr (HmsThriftJson) j = hms_thrift_json_new ();
  assert_true (hms_thrift_json_run_into (j, got, write_table, t, &err));
  assert_string_equal (got->str, expected->str);
  /* the same protocol again: the same text after the first */
  assert_true (hms_thrift_json_run_into (j, got, write_table, t, &err));
  g_string_append_len (expected, expected->str + 1, expected->len - 1);
  assert_string_equal (got->str, expected->str);
}

/* A string written alone, as a plain document and nested. */
static gboolean
write_one_string (ThriftProtocol *protocol, gconstpointer s, GError **error)
{
  return thrift_protocol_write_string (protocol, s, error) >= 0;
}

/* TJSONProtocol's escaping of 's', by the rule and byte by byte. */
static char *
reference_text (const char *s)
{
  GString *r = g_string_new ("\"");
  for (const guchar *p = (const guchar *) s; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (r, "\\\""); break;
        case '\\': g_string_append (r, "\\\\"); break;
        case '\b': g_string_append (r, "\\b"); break;
        case '\t': g_string_append (r, "\\t"); break;
        case '\n': g_string_append (r, "\\n"); break;
        case '\f': g_string_append (r, "\\f"); break;
        case '\r': g_string_append (r, "\\r"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (r, "\\u00%02x", *p);
          else
            g_string_append_c (r, (char) *p);
        }
    }
  g_string_append_c (r, '"');
  return g_string_free (r, FALSE);
}

/* Strings are scanned eight bytes at a time: a byte to escape at any
 * place of a word, in the last part shorter than a word, or two in one
 * word, is found and escaped, plain and nested (where DEL is escaped too,
 * by the enclosing string). */
static void
test_string_escape_every_position (void **state)
{
  (void) state;
  static const char specials[] = { 0x01, 0x1f, '"', '\\', 0x7f, '\n', ' ', '~', (char) 0xc3 };
  g_autoptr (HmsThriftJson) j = hms_thrift_json_new ();
  for (gsize len = 1; len <= 27; len++)
    for (gsize at = 0; at < len; at++)
      for (gsize k = 0; k < sizeof specials; k++)
        {
          g_autofree char *s = g_strnfill (len, 'a');
          s[at] = specials[k];
          if (at + 3 < len)
            s[at + 3] = specials[(k + 1) % sizeof specials];
          GError *err = NULL;
          g_autofree char *plain = hms_thrift_json_write_with (write_one_string, s, &err);
          assert_null (err);
          g_autofree char *want = reference_text (s);
          assert_string_equal (plain, want);
          g_autoptr (GString) expected = g_string_new (NULL);
          ms_json_out_escape (expected, want, strlen (want));
          g_autoptr (GString) got = g_string_new (NULL);
          assert_true (hms_thrift_json_run_into (j, got, write_one_string, s, &err));
          assert_string_equal (got->str, expected->str);
        }
}

/* The thread's own protocol is one object, reused: a run after a finished
 * one, or after one that failed half-way, writes the same text. */
static gboolean
write_then_fail (ThriftProtocol *protocol, gconstpointer t, GError **error)
{
  if (!hms_wire_write_table (protocol, t, error))
    return FALSE;
  thrift_protocol_write_struct_begin (protocol, "Half", NULL);
  thrift_protocol_write_field_begin (protocol, "f", T_STRING, 1, NULL);
  g_set_error (error, MS_ERROR, MS_ERROR_INTERNAL, "stopped half-way");
  return FALSE;
}

static void
test_thread_protocol_reused (void **state)
{
  (void) state;
  g_autoptr (MsTable) t = sample_table ();
  GError *err = NULL;
  g_autofree char *plain = hms_thrift_json_write_with (write_table, t, &err);
  assert_null (err);
  g_autoptr (GString) expected = g_string_new (NULL);
  ms_json_out_escape (expected, plain, strlen (plain));
  HmsThriftJson *j = hms_thrift_json_for_thread ();
  assert_ptr_equal (j, hms_thrift_json_for_thread ());
  g_autoptr (GString) half = g_string_new (NULL);
  assert_false (hms_thrift_json_run_into (j, half, write_then_fail, t, &err));
  g_clear_error (&err);
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (GString) got = g_string_new (NULL);
      assert_true (hms_thrift_json_run_into (hms_thrift_json_for_thread (), got, write_table, t,
                                             &err));
      assert_string_equal (got->str, expected->str);
    }
}

/* the messages: Hive's field names, and the embedded objects decode */
static void
test_messages (void **state)
{
  g_autoptr (MsTable) before = sample_table ();
  g_autoptr (MsTable) after = sample_table ();
  g_hash_table_insert (after->params, g_strdup ("k"), g_strdup ("v"));
  g_hash_table_insert (after->params, g_strdup ("q\x02"),
                       g_strdup ("a\"b\\c\n\t\b\f\r\x01\x1f\x7f/\xc3\xa9"));
  HmsEventEncoder enc = { "thrift://h:9083", "" };
  MsEvent ev = { .type = MS_EVENT_ALTER_TABLE, .table = after, .table_before = before };
  GError *err = NULL;
  g_autofree char *msg = hms_event_encode (&ev, &enc, &err);
  assert_null (err);
  assert_as_json_glib (msg);
  g_autoptr (JsonParser) parser = json_parser_new ();
  assert_true (json_parser_load_from_data (parser, msg, -1, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  const char *keys[] = { "server", "servicePrincipal", "db", "table", "tableType",
                         "tableObjBeforeJson", "tableObjAfterJson", "isTruncateOp", "writeId",
                         "timestamp" };
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!json_object_has_member (o, keys[i]))
      fail_msg ("no %s in %s", keys[i], msg);
  assert_string_equal (json_object_get_string_member (o, "db"), "db");
  assert_string_equal (json_object_get_string_member (o, "isTruncateOp"), "false");
  g_autofree char *back = python_roundtrip ("Table",
                                            json_object_get_string_member (o, "tableObjAfterJson"));
  assert_non_null (strstr (back, "\"k\":\"v\""));

  g_autoptr (GPtrArray) parts = ms_partitions_new ();
  MsPartition *p = ms_partition_new ();
  g_ptr_array_add (p->values, g_strdup ("2024"));
  g_ptr_array_add (parts, p);
  MsEvent add = { .type = MS_EVENT_ADD_PARTITION, .table = after, .parts = parts };
  g_autofree char *amsg = hms_event_encode (&add, &enc, &err);
  assert_null (err);
  assert_as_json_glib (amsg);
  assert_non_null (strstr (amsg, "\"partitions\":[{\"ds\":\"2024\"}]"));
  assert_non_null (strstr (amsg, "\"partitionListJson\":["));
}

/* A JSON object's member names, sorted and joined by ','. */
static char *
member_names (JsonObject *o)
{
  GList *names = g_list_sort (json_object_get_members (o), (GCompareFunc) strcmp);
  g_autoptr (GString) s = g_string_new (NULL);
  for (GList *l = names; l != NULL; l = l->next)
    g_string_append_printf (s, "%s%s", s->len ? "," : "", (const char *) l->data);
  g_list_free (names);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static JsonObject *
parse_object (JsonParser *parser, const char *msg)
{
  assert_true (json_parser_load_from_data (parser, msg, -1, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

static MsConstraint *
sample_constraint (MsConstraintKind kind, const char *column, const char *name)
{
  MsConstraint *c = ms_constraint_new (kind);
  c->catalog = g_strdup ("hive");
  c->db_name = g_strdup ("db");
  c->table_name = g_strdup ("t");
  c->column = g_strdup (column);
  c->key_seq = 1;
  c->name = g_strdup (name);
  c->enable = TRUE;
  c->rely = TRUE;
  if (kind == MS_CONSTRAINT_DEFAULT || kind == MS_CONSTRAINT_CHECK)
    c->value = g_strdup (kind == MS_CONSTRAINT_CHECK ? "a > 0" : "'x\"y'");
  if (kind == MS_CONSTRAINT_FOREIGN_KEY)
    {
      c->ref_db = g_strdup ("pdb");
      c->ref_table = g_strdup ("p");
      c->ref_column = g_strdup ("id");
      c->ref_pk_name = g_strdup ("pk_p");
      c->delete_rule = 1;
    }
  return c;
}

/* each ADD_* message: server, servicePrincipal, its list, timestamp (no
 * "db"); the list's objects are the SQL* structs, as Python writes them */
static void
test_constraint_messages (void **state)
{
  static const struct {
    MsConstraintKind kind;
    MsEventType type;
    const char *list, *cls, *name;
  } cases[] = {
    { MS_CONSTRAINT_PRIMARY_KEY, MS_EVENT_ADD_PRIMARYKEY, "primaryKeyListJson", "SQLPrimaryKey", "ADD_PRIMARYKEY" },
    { MS_CONSTRAINT_FOREIGN_KEY, MS_EVENT_ADD_FOREIGNKEY, "foreignKeyListJson", "SQLForeignKey", "ADD_FOREIGNKEY" },
    { MS_CONSTRAINT_UNIQUE, MS_EVENT_ADD_UNIQUECONSTRAINT, "uniqueConstraintListJson",
      "SQLUniqueConstraint", "ADD_UNIQUECONSTRAINT" },
    { MS_CONSTRAINT_NOT_NULL, MS_EVENT_ADD_NOTNULLCONSTRAINT, "notNullConstraintListJson",
      "SQLNotNullConstraint", "ADD_NOTNULLCONSTRAINT" },
    { MS_CONSTRAINT_DEFAULT, MS_EVENT_ADD_DEFAULTCONSTRAINT, "defaultConstraintListJson",
      "SQLDefaultConstraint", "ADD_DEFAULTCONSTRAINT" },
    { MS_CONSTRAINT_CHECK, MS_EVENT_ADD_CHECKCONSTRAINT, "checkConstraintListJson",
      "SQLCheckConstraint", "ADD_CHECKCONSTRAINT" },
  };
  HmsEventEncoder enc = { "thrift://h:9083", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      assert_int_equal (ms_event_type_of_constraint (cases[i].kind), cases[i].type);
      g_autoptr (GPtrArray) rows = ms_constraints_new ();
      g_ptr_array_add (rows, sample_constraint (cases[i].kind, "a", "k1"));
      g_ptr_array_add (rows, sample_constraint (cases[i].kind, "b", "k2"));
      MsEvent ev = { .type = cases[i].type, .constraints = rows };
      GError *err = NULL;
      g_autofree char *msg = hms_event_encode (&ev, &enc, &err);
      assert_null (err);
      assert_as_json_glib (msg);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *o = parse_object (parser, msg);
      const char *members[] = { "server", "servicePrincipal", cases[i].list, "timestamp" };
      assert_int_equal (json_object_get_size (o), G_N_ELEMENTS (members));
      for (gsize m = 0; m < G_N_ELEMENTS (members); m++)
        assert_true (json_object_has_member (o, members[m]));
      JsonArray *list = json_object_get_array_member (o, cases[i].list);
      assert_int_equal (json_array_get_length (list), 2);
      for (guint j = 0; j < 2; j++)
        {
          const char *text = json_array_get_string_element (list, j);
          g_autofree char *back = python_roundtrip (cases[i].cls, text);
          assert_string_equal (back, text);
        }
      assert_non_null (strstr (json_array_get_string_element (list, 1), "\"k2\""));
      assert_string_equal (ms_event_type_name (cases[i].type), cases[i].name);
    }
  /* an ADD_* event without constraints is refused, not written empty */
  MsEvent empty = { .type = MS_EVENT_ADD_PRIMARYKEY };
  GError *err = NULL;
  assert_null (hms_event_encode (&empty, &enc, &err));
  assert_non_null (err);
  g_clear_error (&err);
}

/* DROP_CONSTRAINT: Hive's JSONDropConstraintMessage; a truncate's
 * ALTER_TABLE says isTruncateOp "true" */
static void
test_drop_constraint_and_truncate_messages (void **state)
{
  HmsEventEncoder enc = { "thrift://h:9083", "" };
  MsEvent drop = { .type = MS_EVENT_DROP_CONSTRAINT, .catalog = "hive", .db_name = "db",
                   .table_name = "t", .constraint_name = "pk_t" };
  GError *err = NULL;
  g_autofree char *msg = hms_event_encode (&drop, &enc, &err);
  assert_null (err);
  assert_as_json_glib (msg);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = parse_object (parser, msg);
  g_autofree char *names = member_names (o);
  assert_string_equal (names, "constraintName,dbName,server,servicePrincipal,tableName,timestamp");
  assert_string_equal (json_object_get_string_member (o, "dbName"), "db");
  assert_string_equal (json_object_get_string_member (o, "tableName"), "t");
  assert_string_equal (json_object_get_string_member (o, "constraintName"), "pk_t");
  assert_string_equal (ms_event_type_name (MS_EVENT_DROP_CONSTRAINT), "DROP_CONSTRAINT");

  g_autoptr (MsTable) t = sample_table ();
  MsEvent trunc = { .type = MS_EVENT_ALTER_TABLE, .table = t, .table_before = t,
                    .truncate = TRUE };
  g_autofree char *tmsg = hms_event_encode (&trunc, &enc, &err);
  assert_null (err);
  assert_as_json_glib (tmsg);
  g_autoptr (JsonParser) tparser = json_parser_new ();
  JsonObject *to = parse_object (tparser, tmsg);
  assert_string_equal (json_object_get_string_member (to, "isTruncateOp"), "true");
  assert_string_equal (json_object_get_string_member (to, "tableObjBeforeJson"),
                       json_object_get_string_member (to, "tableObjAfterJson"));
}

/* The members of the message of 'ev' (sorted, joined by ','); 'o_out'
 * receives the parsed object, owned by 'parser'. */
static char *
message_members (const MsEvent *ev, JsonParser *parser, JsonObject **o_out)
{
  HmsEventEncoder enc = { "thrift://h:9083", "" };
  GError *err = NULL;
  char *msg = hms_event_encode (ev, &enc, &err);
  assert_null (err);
  assert_as_json_glib (msg);
  *o_out = parse_object (parser, msg);
  g_free (msg);
  return member_names (*o_out);
}

/* The column statistics messages: Hive's JSON*ColumnStatMessage members
 * ("database", no "db"), the ColumnStatistics read back by Python as we
 * wrote it, the parameters of the table or partition as an object */
static void
test_column_stat_messages (void **state)
{
  g_autoptr (MsTable) t = sample_table ();
  g_autoptr (MsColumnStatistics) st = ms_column_statistics_new ();
  st->catalog = g_strdup ("hive");
  st->db_name = g_strdup ("db");
  st->table_name = g_strdup ("t");
  st->part_name = g_strdup ("ds=2024");
  st->last_analyzed = 1700000000;
  st->engine = g_strdup ("hive");
  MsColStats *cs = ms_col_stats_new ("id", "bigint");
  cs->data.kind = MS_STATS_LONG;
  cs->data.has_low = cs->data.has_high = TRUE;
  cs->data.low_i = -3;
  cs->data.high_i = 9;
  cs->data.num_dvs = 4;
  g_ptr_array_add (st->cols, cs);
  g_autoptr (MsPartition) p = ms_partition_new ();
  g_ptr_array_add (p->values, g_strdup ("2024"));
  g_hash_table_insert (p->params, g_strdup ("b"), g_strdup ("2"));
  g_hash_table_insert (p->params, g_strdup ("a"), g_strdup ("1"));

  MsEvent up = { .type = MS_EVENT_UPDATE_PARTITION_COLUMN_STAT, .table = t, .part = p,
                 .col_stats = st };
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o;
  g_autofree char *names = message_members (&up, parser, &o);
  assert_string_equal (names, "catalog,colStatsJson,database,parameters,partVals,server,"
                              "servicePrincipal,tableObjJson,timestamp,writeId");
  assert_string_equal (json_object_get_string_member (o, "database"), "db");
  assert_int_equal (json_object_get_int_member (o, "writeId"), -1);
  JsonObject *params = json_object_get_object_member (o, "parameters");
  assert_string_equal (json_object_get_string_member (params, "a"), "1");
  assert_string_equal (json_array_get_string_element (
                         json_object_get_array_member (o, "partVals"), 0), "2024");
  const char *cj = json_object_get_string_member (o, "colStatsJson");
  g_autofree char *back = python_roundtrip ("ColumnStatistics", cj);
  assert_string_equal (back, cj);
  assert_non_null (strstr (cj, "\"ds=2024\""));

  up.type = MS_EVENT_UPDATE_TABLE_COLUMN_STAT;
  g_autoptr (JsonParser) tparser = json_parser_new ();
  g_autofree char *tnames = message_members (&up, tparser, &o);
  assert_string_equal (tnames, "colStatsJson,database,parameters,server,servicePrincipal,"
                               "tableObjJson,timestamp,writeId");
  params = json_object_get_object_member (o, "parameters");
  assert_string_equal (json_object_get_string_member (params, "EXTERNAL"), "TRUE");

  MsEvent del = { .type = MS_EVENT_DELETE_PARTITION_COLUMN_STAT, .table = t, .part = p,
                  .part_name = "ds=2024", .column = "id" };
  g_autoptr (JsonParser) dparser = json_parser_new ();
  g_autofree char *dnames = message_members (&del, dparser, &o);
  assert_string_equal (dnames, "catalog,colName,database,partName,partValues,server,"
                               "servicePrincipal,timestamp");
  assert_string_equal (json_object_get_string_member (o, "partName"), "ds=2024");
  del.type = MS_EVENT_DELETE_TABLE_COLUMN_STAT;
  g_autoptr (JsonParser) eparser = json_parser_new ();
  g_autofree char *enames = message_members (&del, eparser, &o);
  assert_string_equal (enames, "colName,database,server,servicePrincipal,timestamp");
  assert_string_equal (json_object_get_string_member (o, "colName"), "id");
  assert_string_equal (ms_event_type_name (MS_EVENT_DELETE_TABLE_COLUMN_STAT),
                       "DELETE_TABLE_COLUMN_STAT");

  /* an event without its objects is refused, not written half */
  HmsEventEncoder enc = { "thrift://h:9083", "" };
  MsEvent bare = { .type = MS_EVENT_UPDATE_PARTITION_COLUMN_STAT, .table = t, .col_stats = st };
  GError *err = NULL;
  assert_null (hms_event_encode (&bare, &enc, &err));
  assert_non_null (err);
  g_clear_error (&err);
}

int
main (void)
{
  thms_register_all_types ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_table),
    cmocka_unit_test (test_partition_database_function),
    cmocka_unit_test (test_doubles_and_union),
    cmocka_unit_test (test_nested_is_escaped_plain),
    cmocka_unit_test (test_string_escape_every_position),
    cmocka_unit_test (test_thread_protocol_reused),
    cmocka_unit_test (test_messages),
    cmocka_unit_test (test_constraint_messages),
    cmocka_unit_test (test_drop_constraint_and_truncate_messages),
    cmocka_unit_test (test_column_stat_messages),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
