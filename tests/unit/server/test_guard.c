/*
 * test_guard.c: every malformed-input case the hardened reader exists for,
 * through a real socket and MsConnTransport, and what the generated
 * readers do with a call cut short.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "server/conn_transport.h"
#include "server/guard_protocol.h"
#include "thms_thrift_hive_metastore.h"

typedef struct {
  int fd;
  MsConnTransport *t;
  MsGuardProtocol *p;
} Reader;

static Reader
reader_new (const void *data, gsize len, gboolean framed)
{
  int sv[2];
  assert_int_equal (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
  assert_int_equal (write (sv[0], data, len), (ssize_t) len);
  close (sv[0]);
  MsConnLimits cl = { framed, 500, 500, 1 << 20 };
  MsGuardLimits gl = { 4096, 1000, 8 };
  Reader r = { sv[1], NULL, NULL };
  r.t = ms_conn_transport_new (sv[1], &cl);
  r.p = ms_guard_protocol_new (THRIFT_TRANSPORT (r.t), &gl);
  return r;
}

static void
reader_free (Reader *r)
{
  g_object_unref (r->p);
  g_object_unref (r->t);
  close (r->fd);
}

static void
put32 (GByteArray *b, guint32 v)
{
  guint32 be = htonl (v);
  g_byte_array_append (b, (guint8 *) &be, 4);
}

static void
put_header (GByteArray *b, const char *name)
{
  put32 (b, 0x80010001);
  put32 (b, (guint32) strlen (name));
  g_byte_array_append (b, (const guint8 *) name, strlen (name));
  put32 (b, 7);
}

/* read a message header, then skip its argument struct */
static gint32
read_call (Reader *r, GError **err)
{
  gchar *name = NULL;
  ThriftMessageType type;
  gint32 seq;
  gint32 rc = thrift_protocol_read_message_begin (THRIFT_PROTOCOL (r->p), &name, &type, &seq, err);
  g_free (name);
  if (rc < 0)
    return rc;
  return thrift_protocol_skip (THRIFT_PROTOCOL (r->p), T_STRUCT, err);
}

static void
test_http_request (void **state)
{
  (void) state;
  const char *http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  Reader r = reader_new (http, strlen (http), FALSE);
  gchar *name = (gchar *) 0x1;
  ThriftMessageType type;
  gint32 seq;
  g_autoptr (GError) err = NULL;
  assert_true (thrift_protocol_read_message_begin (THRIFT_PROTOCOL (r.p), &name, &type, &seq, &err) < 0);
  assert_null (name);
  assert_non_null (strstr (err->message, "not a Thrift"));
  reader_free (&r);
}

static void
test_huge_string_claim (void **state)
{
  (void) state;
  g_autoptr (GByteArray) b = g_byte_array_new ();
  put_header (b, "get_database");
  guint8 f[] = { 11, 0, 1 };                  /* field 1: string */
  g_byte_array_append (b, f, 3);
  put32 (b, 0x7fffffff);                     /* claims 2 GiB */
  Reader r = reader_new (b->data, b->len, FALSE);
  g_autoptr (GError) err = NULL;
  assert_true (read_call (&r, &err) < 0);
  assert_non_null (strstr (err->message, "exceeds the limit"));
  reader_free (&r);
}

static void
test_string_claim_under_limit_but_short (void **state)
{
  (void) state;
  g_autoptr (GByteArray) b = g_byte_array_new ();
  put_header (b, "get_database");
  guint8 f[] = { 11, 0, 1 };
  g_byte_array_append (b, f, 3);
  put32 (b, 4000);                           /* allowed, but only 3 bytes follow */
  g_byte_array_append (b, (const guint8 *) "abc", 3);
  Reader r = reader_new (b->data, b->len, FALSE);
  g_autoptr (GError) err = NULL;
  assert_true (read_call (&r, &err) < 0);
  reader_free (&r);
}

static void
test_negative_and_overflowing_containers (void **state)
{
  (void) state;
  guint32 sizes[] = { 0xffffffff, 0x40000001, 1001 };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr (GByteArray) b = g_byte_array_new ();
      put_header (b, "x");
      guint8 f[] = { 15, 0, 1, 10 };          /* field 1: list<i64> */
      g_byte_array_append (b, f, 4);
      put32 (b, sizes[i]);
      Reader r = reader_new (b->data, b->len, FALSE);
      g_autoptr (GError) err = NULL;
      assert_true (read_call (&r, &err) < 0);
      assert_non_null (err);
      reader_free (&r);
    }
  /* map whose key*value sizes overflow 32 bits */
  g_autoptr (GByteArray) b = g_byte_array_new ();
  put_header (b, "x");
  guint8 f[] = { 13, 0, 1, 10, 10 };
  g_byte_array_append (b, f, 5);
  put32 (b, 0x10000000);
  Reader r = reader_new (b->data, b->len, FALSE);
  g_autoptr (GError) err = NULL;
  assert_true (read_call (&r, &err) < 0);
  reader_free (&r);
}

static void
test_deep_nesting (void **state)
{
  (void) state;
  g_autoptr (GByteArray) b = g_byte_array_new ();
  put_header (b, "x");
  for (int i = 0; i < 100000; i++)
    {
      guint8 f[] = { 12, 0, 1 };              /* field 1: struct, nested */
      g_byte_array_append (b, f, 3);
    }
  Reader r = reader_new (b->data, MIN (b->len, 100000), FALSE);
  g_autoptr (GError) err = NULL;
  assert_true (read_call (&r, &err) < 0);
  assert_non_null (strstr (err->message, "nesting"));
  reader_free (&r);
}

static void
test_unknown_type (void **state)
{
  (void) state;
  g_autoptr (GByteArray) b = g_byte_array_new ();
  put_header (b, "x");
  guint8 f[] = { 99, 0, 1, 0 };
  g_byte_array_append (b, f, 4);
  Reader r = reader_new (b->data, b->len, FALSE);
  g_autoptr (GError) err = NULL;
  assert_true (read_call (&r, &err) < 0);
  assert_non_null (strstr (err->message, "unknown"));
  reader_free (&r);
}

static void
test_bad_frames (void **state)
{
  (void) state;
  /* frame larger than the message limit: refused before reading it */
  g_autoptr (GByteArray) b = g_byte_array_new ();
  put32 (b, 0x7ffffff0);
  Reader r = reader_new (b->data, b->len, TRUE);
  g_autoptr (GError) err = NULL;
  assert_true (read_call (&r, &err) < 0);
  assert_non_null (strstr (err->message, "frame"));
  reader_free (&r);
  /* zero-length frame */
  g_autoptr (GByteArray) z = g_byte_array_new ();
  put32 (z, 0);
  Reader r2 = reader_new (z->data, z->len, TRUE);
  g_autoptr (GError) err2 = NULL;
  assert_true (read_call (&r2, &err2) < 0);
  reader_free (&r2);
}

static void
test_valid_call_and_clean_eof (void **state)
{
  (void) state;
  g_autoptr (GByteArray) b = g_byte_array_new ();
  put_header (b, "get_database");
  guint8 f[] = { 11, 0, 1 };
  g_byte_array_append (b, f, 3);
  put32 (b, 3);
  g_byte_array_append (b, (const guint8 *) "abc", 3);
  guint8 stop = 0;
  g_byte_array_append (b, &stop, 1);
  for (int framed = 0; framed < 2; framed++)
    {
      g_autoptr (GByteArray) w = g_byte_array_new ();
      if (framed)
        put32 (w, b->len);
      g_byte_array_append (w, b->data, b->len);
      Reader r = reader_new (w->data, w->len, framed);
      g_autoptr (GError) err = NULL;
      assert_true (read_call (&r, &err) > 0);
      g_autoptr (GError) eof = NULL;
      assert_true (read_call (&r, &eof) < 0);
      assert_true (ms_conn_transport_clean_eof (r.t));
      reader_free (&r);
    }
}

static void
test_classic_header (void **state)
{
  (void) state;
  g_autoptr (GByteArray) b = g_byte_array_new ();
  put32 (b, 12);
  g_byte_array_append (b, (const guint8 *) "get_database", 12);
  guint8 t = 1;
  g_byte_array_append (b, &t, 1);
  put32 (b, 9);
  guint8 stop = 0;
  g_byte_array_append (b, &stop, 1);
  Reader r = reader_new (b->data, b->len, FALSE);
  gchar *name = NULL;
  ThriftMessageType type;
  gint32 seq;
  assert_true (thrift_protocol_read_message_begin (THRIFT_PROTOCOL (r.p), &name, &type, &seq, NULL) > 0);
  assert_string_equal (name, "get_database");
  assert_int_equal (seq, 9);
  g_free (name);
  reader_free (&r);
}

/* field 'id' of type string holding 'len' bytes of 's' */
static void
put_string_field (GByteArray *b, gint16 id, const char *s, gsize len)
{
  guint8 f[] = { 11, 0, (guint8) id };
  g_byte_array_append (b, f, 3);
  put32 (b, (guint32) len);
  g_byte_array_append (b, (const guint8 *) s, (guint) len);
}

static void
put_stop (GByteArray *b)
{
  guint8 stop = 0;
  g_byte_array_append (b, &stop, 1);
}

/* Issue 12, defect 1: "nul\0suffix" was read as "nul". A string that is not
 * text (NUL inside, not UTF-8), at the top or nested, fails the call's
 * argument struct with MS_GUARD_ERROR_NOT_TEXT, only once the call is read
 * whole: the next call on the connection reads normally. */
static void
test_strings_must_be_text (void **state)
{
  (void) state;
  static const struct { const char *s; gsize len; } bad[] = {
    { "nul\0suffix", 10 }, { "\0", 1 }, { "tail\0", 5 }, { "bad\xffutf8", 8 },
    { "\xc3(", 2 }, { "\xed\xa0\x80x", 4 }, { "\xc0\xaf", 2 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    for (int nested = 0; nested < 2; nested++)
      {
        g_autoptr (GByteArray) b = g_byte_array_new ();
        const char *method = nested ? "create_database" : "drop_table";
        put_header (b, method);
        if (nested)
          {
            /* create_database (1: Database {1: name, ...}) */
            guint8 f[] = { 12, 0, 1 };
            g_byte_array_append (b, f, 3);
            put_string_field (b, 1, bad[i].s, bad[i].len);
            put_string_field (b, 2, "fine", 4);
            put_stop (b);
          }
        else
          {
            /* drop_table (1: dbname, 2: name, 3: deleteData) */
            put_string_field (b, 1, "db", 2);
            put_string_field (b, 2, bad[i].s, bad[i].len);
            guint8 f[] = { 2, 0, 3, 1 };
            g_byte_array_append (b, f, 4);
          }
        put_stop (b);
        put_header (b, "get_database");       /* the next call */
        put_string_field (b, 1, "abc", 3);
        put_stop (b);

        Reader r = reader_new (b->data, b->len, FALSE);
        ThriftProtocol *p = THRIFT_PROTOCOL (r.p);
        gchar *name = NULL;
        ThriftMessageType type;
        gint32 seq;
        assert_true (thrift_protocol_read_message_begin (p, &name, &type, &seq, NULL) > 0);
        assert_string_equal (name, method);
        g_free (name);
        g_autoptr (GObject) args = g_object_new (
            nested ? THMS_TYPE_THRIFT_HIVE_METASTORE_CREATE_DATABASE_ARGS
                   : THMS_TYPE_THRIFT_HIVE_METASTORE_DROP_TABLE_ARGS, NULL);
        g_autoptr (GError) err = NULL;
        assert_true (thrift_struct_read (THRIFT_STRUCT (args), p, &err) < 0);
        assert_true (g_error_matches (err, MS_GUARD_ERROR, MS_GUARD_ERROR_NOT_TEXT));
        assert_non_null (strstr (err->message, nested ? "argument 1" : "argument 2"));
        assert_non_null (strstr (err->message,
                                 memchr (bad[i].s, 0, bad[i].len) ? "NUL" : "UTF-8"));
        /* in step: the next call reads as any other */
        g_autoptr (GError) next = NULL;
        assert_true (read_call (&r, &next) > 0);
        reader_free (&r);
      }
}

/* Text that is valid UTF-8 passes, and binaries hold any byte. */
static void
test_text_and_binaries_pass (void **state)
{
  (void) state;
  g_autoptr (GByteArray) b = g_byte_array_new ();
  put_header (b, "x");
  const char *utf8 = "\xc3\xa9t\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80";
  put_string_field (b, 1, utf8, strlen (utf8));
  const guint8 bin[] = { 'a', 0, 0xff, 'b' };
  guint8 f[] = { 11, 0, 2 };
  g_byte_array_append (b, f, 3);
  put32 (b, sizeof bin);
  g_byte_array_append (b, bin, sizeof bin);
  put_stop (b);
  Reader r = reader_new (b->data, b->len, FALSE);
  ThriftProtocol *p = THRIFT_PROTOCOL (r.p);
  gchar *name = NULL, *fname = NULL, *str = NULL;
  ThriftMessageType type;
  ThriftType ft;
  gint32 seq;
  gint16 id;
  gpointer data = NULL;
  guint32 len = 0;
  g_autoptr (GError) err = NULL;
  assert_true (thrift_protocol_read_message_begin (p, &name, &type, &seq, &err) > 0);
  assert_true (thrift_protocol_read_struct_begin (p, &fname, &err) >= 0);
  assert_true (thrift_protocol_read_field_begin (p, &fname, &ft, &id, &err) >= 0);
  assert_true (thrift_protocol_read_string (p, &str, &err) >= 0);
  assert_string_equal (str, utf8);
  assert_true (thrift_protocol_read_field_begin (p, &fname, &ft, &id, &err) >= 0);
  assert_true (thrift_protocol_read_binary (p, &data, &len, &err) >= 0);
  assert_int_equal (len, sizeof bin);
  assert_memory_equal (data, bin, sizeof bin);
  assert_true (thrift_protocol_read_field_begin (p, &fname, &ft, &id, &err) >= 0);
  assert_int_equal (ft, T_STOP);
  assert_true (thrift_protocol_read_struct_end (p, &err) >= 0);
  assert_true (thrift_protocol_read_message_end (p, &err) >= 0);
  g_free (name);
  g_free (str);
  g_free (data);
  reader_free (&r);
}

/* A method name holding a NUL ("get_table\0x" would run get_table) is no
 * message. */
static void
test_method_name_with_nul (void **state)
{
  (void) state;
  g_autoptr (GByteArray) b = g_byte_array_new ();
  put32 (b, 0x80010001);
  put32 (b, 11);
  g_byte_array_append (b, (const guint8 *) "get_table\0x", 11);
  put32 (b, 7);
  put_stop (b);
  Reader r = reader_new (b->data, b->len, FALSE);
  g_autoptr (GError) err = NULL;
  assert_true (read_call (&r, &err) < 0);
  assert_non_null (strstr (err->message, "NUL"));
  reader_free (&r);
}

void thms_register_all_types (void);

/* Regression: generated get_type()s raced when 200 connections made their
 * first get_database at once ("cannot register existing type"). The server
 * now registers every generated type up front; check that it does. */
static void
test_all_generated_types_registered_up_front (void **state)
{
  assert_int_equal (g_type_from_name ("ThmsThriftHiveMetastoreGetDatabaseArgsType"), 0);
  thms_register_all_types ();
  assert_int_not_equal (g_type_from_name ("ThmsThriftHiveMetastoreGetDatabaseArgsType"), 0);
  assert_int_not_equal (g_type_from_name ("ThmsStorageDescriptorType"), 0);
}

/* Counts of PrivilegeGrantInfo structs made and finalized, by hooks put on
 * its class (test_truncated_calls_free_what_they_read). */
static int grants_made, grants_freed;
static void (*grant_constructed) (GObject *);
static void (*grant_finalize) (GObject *);

static void
count_grant_constructed (GObject *o)
{
  grants_made++;
  if (grant_constructed != NULL)
    grant_constructed (o);
}

static void
count_grant_finalize (GObject *o)
{
  grants_freed++;
  grant_finalize (o);
}

static void
put_string (GByteArray *b, const char *s)
{
  put32 (b, (guint32) strlen (s));
  g_byte_array_append (b, (const guint8 *) s, strlen (s));
}

/* Issue 12, found by fuzz_guard: the generated c_glib readers made a
 * container entry's locals (here a map entry's list of PrivilegeGrantInfo)
 * and lost them when the read failed part-way (thrift/patch-read-errors.sh).
 * A create_database whose Database.privileges holds three maps of two
 * entries of two grants each, cut at every byte: whatever was read is
 * freed with the arguments. */
static void
test_truncated_calls_free_what_they_read (void **state)
{
  (void) state;
  GObjectClass *k = g_type_class_ref (THMS_TYPE_PRIVILEGE_GRANT_INFO);
  grant_constructed = k->constructed;
  grant_finalize = k->finalize;
  k->constructed = count_grant_constructed;
  k->finalize = count_grant_finalize;

  g_autoptr (GByteArray) b = g_byte_array_new ();
  put_header (b, "create_database");
  guint8 db[] = { 12, 0, 1, 11, 0, 1 };         /* args.database, its name */
  g_byte_array_append (b, db, sizeof db);
  put_string (b, "db");
  guint8 privileges[] = { 12, 0, 5 };
  g_byte_array_append (b, privileges, sizeof privileges);
  for (guint8 m = 1; m <= 3; m++)                /* user, group, role maps */
    {
      guint8 map[] = { 13, 0, m, 11, 15 };       /* map<string, list<struct>> */
      g_byte_array_append (b, map, sizeof map);
      put32 (b, 2);
      for (int e = 0; e < 2; e++)
        {
          put_string (b, e ? "u2" : "u1");
          guint8 list = 12;
          g_byte_array_append (b, &list, 1);
          put32 (b, 2);
          for (int g = 0; g < 2; g++)
            {
              guint8 f[] = { 11, 0, 1 };          /* privilege */
              g_byte_array_append (b, f, sizeof f);
              put_string (b, g ? "ALL" : "SELECT");
              guint8 stop = 0;
              g_byte_array_append (b, &stop, 1);
            }
        }
    }
  guint8 stops[] = { 0, 0, 0 };                  /* privileges, database, args */
  g_byte_array_append (b, stops, sizeof stops);

  for (guint len = 0; len <= b->len; len++)
    {
      grants_made = grants_freed = 0;
      Reader r = reader_new (b->data, len, FALSE);
      gchar *name = NULL;
      ThriftMessageType type;
      gint32 seq;
      g_autoptr (GError) err = NULL;
      gint32 rc = thrift_protocol_read_message_begin (THRIFT_PROTOCOL (r.p), &name, &type, &seq, &err);
      g_free (name);
      if (rc >= 0)
        {
          GObject *args = g_object_new (THMS_TYPE_THRIFT_HIVE_METASTORE_CREATE_DATABASE_ARGS, NULL);
          rc = thrift_struct_read (THRIFT_STRUCT (args), THRIFT_PROTOCOL (r.p), &err);
          g_object_unref (args);
        }
      reader_free (&r);
      assert_true (len == b->len ? rc > 0 : rc < 0);
      if (len == b->len)
        assert_int_equal (grants_made, 12);
      assert_int_equal (grants_freed, grants_made);
    }
  k->constructed = grant_constructed;
  k->finalize = grant_finalize;
  g_type_class_unref (k);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_all_generated_types_registered_up_front),
    cmocka_unit_test (test_http_request),
    cmocka_unit_test (test_huge_string_claim),
    cmocka_unit_test (test_string_claim_under_limit_but_short),
    cmocka_unit_test (test_negative_and_overflowing_containers),
    cmocka_unit_test (test_deep_nesting),
    cmocka_unit_test (test_unknown_type),
    cmocka_unit_test (test_bad_frames),
    cmocka_unit_test (test_valid_call_and_clean_eof),
    cmocka_unit_test (test_classic_header),
    cmocka_unit_test (test_strings_must_be_text),
    cmocka_unit_test (test_text_and_binaries_pass),
    cmocka_unit_test (test_method_name_with_nul),
    cmocka_unit_test (test_truncated_calls_free_what_they_read),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
