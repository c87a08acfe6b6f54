/*
 * method.c: serving one HMS call through its row of the method table:
 * reading the arguments with the generated reader, running the family
 * function, answering a failure with the declared exception that fits
 * (hms_fail) and writing the result; the argument and result accessors
 * family functions use.
 */
#include "hms/internal.h"
#include "hms/method.h"
#include "hms/wire.h"
#include "core/log.h"
#include <string.h>

const HmsMethod *
hms_method_find (const char *name)
{
  static GHashTable *index;   /* built once, before any worker runs (ms_hms_processor_new) */
  if (g_once_init_enter (&index))
    {
      GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < hms_method_count; i++)
        g_hash_table_insert (t, (gpointer) hms_method_table[i].name,
                             (gpointer) &hms_method_table[i]);
      g_once_init_leave (&index, t);
    }
  return name ? g_hash_table_lookup (index, name) : NULL;
}

static void
call_clear (HmsCall *c)
{
  g_clear_object (&c->args);
  g_clear_object (&c->result);
  if (G_IS_VALUE (&c->success))
    g_value_unset (&c->success);
  if (c->held)
    g_array_unref (c->held);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HmsCall, call_clear)

static gboolean
write_result (HmsCall *c, GError **error)
{
  ThriftProtocol *p = c->protocol;
  return thrift_protocol_write_message_begin (p, c->method->name, T_REPLY, c->seqid, error) >= 0
         && thrift_struct_write (THRIFT_STRUCT (c->result), p, error) >= 0
         && hms_wire_reply_end (p, error);
}

gboolean
hms_method_dispatch (MsHms *hms, const HmsMethod *m, ThriftProtocol *p, gint32 seqid,
                     GError **error)
{
  g_auto (HmsCall) c = { .hms = hms, .method = m, .protocol = p, .seqid = seqid };
  c.args = g_object_new (m->args_type (), NULL);
  if (!hms_wire_read_args (p, THRIFT_STRUCT (c.args), error))
    return FALSE;
  if (m->result_type != NULL)
    {
      c.result = g_object_new (m->result_type (), NULL);
      GParamSpec *ps = g_object_class_find_property (G_OBJECT_GET_CLASS (c.result), "success");
      if (ps != NULL)
        {
          g_value_init (&c.success, ps->value_type);
          g_object_get_property (c.result, "success", &c.success);
        }
    }

  GError *err = NULL;
  gboolean ok = hms_access_check (&c, &err) && m->serve (&c, &err);
  if (m->result_type == NULL)
    {
      /* oneway: nobody waits for an answer */
      if (!ok)
        {
          ms_warn ("%s failed: %s", m->name, err->message);
          g_error_free (err);
        }
      return TRUE;
    }
  if (c.replied)
    {
      /* a fast path that began its reply: a failure now is the connection's */
      if (!ok)
        g_propagate_error (error, err);
      return ok;
    }
  if (ok && m->lists != HMS_LISTS_NONE)
    hms_access_filter (&c);
  if (ok && G_IS_VALUE (&c.success))
    g_object_set_property (c.result, "success", &c.success);
  if (!ok)
    {
      g_autoptr (GError) owned = err;
      if (!hms_fail (m, c.result, err))
        return hms_wire_reply_app_exception (p, m->name, seqid, hms_error_app_type (err),
                                             err->message, error);
    }
  return write_result (&c, error);
}

/* ---- arguments ---- */

static const GValue *
arg_value (HmsCall *c, const char *name, GType want)
{
  GParamSpec *ps = g_object_class_find_property (G_OBJECT_GET_CLASS (c->args), name);
  if (ps == NULL)
    return NULL;
  if (c->held == NULL)
    {
      c->held = g_array_new (FALSE, TRUE, sizeof (GValue));
      g_array_set_clear_func (c->held, (GDestroyNotify) g_value_unset);
    }
  GValue v = G_VALUE_INIT;
  g_value_init (&v, ps->value_type);
  g_object_get_property (c->args, name, &v);
  if (want != G_TYPE_INVALID && !g_type_is_a (ps->value_type, want)
      && !g_value_type_transformable (ps->value_type, want))
    g_error ("%s: argument %s is a %s, not a %s", c->method->name, name,
             g_type_name (ps->value_type), g_type_name (want));
  g_array_append_val (c->held, v);
  return &g_array_index (c->held, GValue, c->held->len - 1);
}

gboolean
hms_arg_has (HmsCall *call, const char *name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (call->args), name) != NULL;
}

const char *
hms_arg_str (HmsCall *call, const char *name)
{
  const GValue *v = arg_value (call, name, G_TYPE_STRING);
  return v ? g_value_get_string (v) : NULL;
}

gpointer
hms_arg_obj (HmsCall *call, const char *name)
{
  const GValue *v = arg_value (call, name, G_TYPE_INVALID);
  if (v == NULL)
    return NULL;
  if (G_VALUE_HOLDS_OBJECT (v))
    return g_value_get_object (v);
  if (G_VALUE_HOLDS_BOXED (v))
    return g_value_get_boxed (v);
  g_error ("%s: argument %s is a %s, not an object", call->method->name, name,
           G_VALUE_TYPE_NAME (v));
}

gboolean
hms_arg_bool (HmsCall *call, const char *name)
{
  const GValue *v = arg_value (call, name, G_TYPE_BOOLEAN);
  return v ? g_value_get_boolean (v) : FALSE;
}

gint64
hms_arg_int (HmsCall *call, const char *name)
{
  const GValue *v = arg_value (call, name, G_TYPE_INT64);
  if (v == NULL)
    return 0;
  GValue out = G_VALUE_INIT;
  g_value_init (&out, G_TYPE_INT64);
  g_value_transform (v, &out);
  return g_value_get_int64 (&out);
}

/* ---- the result ---- */

GType
hms_result_success_type (HmsCall *call)
{
  return G_IS_VALUE (&call->success) ? G_VALUE_TYPE (&call->success) : G_TYPE_NONE;
}

gpointer
hms_result_obj (HmsCall *call)
{
  GValue *v = &call->success;
  g_return_val_if_fail (G_IS_VALUE (v), NULL);
  if (G_VALUE_HOLDS_OBJECT (v))
    return g_value_get_object (v);
  g_return_val_if_fail (G_VALUE_HOLDS_BOXED (v), NULL);
  return g_value_get_boxed (v);
}

void
hms_result_set_str (HmsCall *call, const char *value)
{
  g_return_if_fail (G_VALUE_HOLDS_STRING (&call->success));
  g_value_set_string (&call->success, value);
}

void
hms_result_set_bool (HmsCall *call, gboolean value)
{
  g_return_if_fail (G_VALUE_HOLDS_BOOLEAN (&call->success));
  g_value_set_boolean (&call->success, value);
}

void
hms_result_set_int (HmsCall *call, gint64 value)
{
  GValue *v = &call->success;
  if (G_VALUE_HOLDS_INT64 (v))
    g_value_set_int64 (v, value);
  else if (G_VALUE_HOLDS_INT (v))
    g_value_set_int (v, (gint) value);
  else
    g_return_if_reached ();
}
