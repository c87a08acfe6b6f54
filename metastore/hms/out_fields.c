/*
 * out_fields.c: model -> Thrift fields as data (see internal.h,
 * HmsOutField): one loop sets a Thrift struct's members and their
 * __isset_ flags from a model struct, so a convert function lists its
 * fields instead of writing each one out with its flag.
 */
#include "hms/internal.h"

/* An integer member of 'size' bytes (an int, an enum or a gint64). */
static gint64
read_int (gconstpointer from, guint8 size)
{
  return size == sizeof (gint64) ? *(const gint64 *) from : *(const gint32 *) from;
}

static void
write_int (gpointer to, guint8 size, gint64 v)
{
  if (size == sizeof (gint64))
    *(gint64 *) to = v;
  else
    *(gint32 *) to = (gint32) v;
}

void
hms_out_fields (gpointer thrift, gconstpointer model, const HmsOutField *fields, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      const HmsOutField *f = &fields[i];
      gpointer to = G_STRUCT_MEMBER_P (thrift, f->thrift_offset);
      gconstpointer from = G_STRUCT_MEMBER_P ((gpointer) model, f->model_offset);
      gboolean set = TRUE;
      switch (f->kind)
        {
        case HMS_OUT_STR:
        case HMS_OUT_STR_OPT:
          hms_set_string (to, *(char *const *) from);
          set = f->kind == HMS_OUT_STR || *(char *const *) from != NULL;
          break;
        case HMS_OUT_STR_OR_EMPTY:
          hms_set_string (to, *(char *const *) from ? *(char *const *) from : "");
          break;
        case HMS_OUT_INT:
        case HMS_OUT_INT_OPT:
          {
            gint64 v = read_int (from, f->model_size);
            write_int (to, f->thrift_size, v != 0 ? v : f->dflt);
            set = f->kind == HMS_OUT_INT || v != 0;
            break;
          }
        case HMS_OUT_BOOL:
          *(gboolean *) to = *(const gboolean *) from;
          break;
        case HMS_OUT_PARAMS:
          g_hash_table_remove_all (*(GHashTable **) to);
          hms_params_to_thrift (*(GHashTable *const *) from, *(GHashTable **) to);
          break;
        }
      if (f->isset_offset >= 0)
        G_STRUCT_MEMBER (gboolean, thrift, f->isset_offset) = set;
    }
}

gpointer
hms_out_new (GType type, gconstpointer model, const HmsOutField *fields, gsize n)
{
  gpointer out = g_object_new (type, NULL);
  hms_out_fields (out, model, fields, n);
  return out;
}
