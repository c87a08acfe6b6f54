/*
 * thrift_fixes.c: c_glib finalizers that do not chain up to GObject's,
 * repaired at start (see the header).
 */
#include "server/thrift_fixes.h"
#include <thrift/c_glib/thrift_application_exception.h>
#include <thrift/c_glib/transport/thrift_memory_buffer.h>

typedef struct {
  GType type;
  void (*own) (GObject *object);     /* the class's finalizer as shipped */
} Fix;

static Fix fixes[4];
static guint n_fixes;

/* The class's own finalizer, then GObject's (which frees the object's
 * qdata: the notify queue, data set on it). */
static void
chained_finalize (GObject *object)
{
  for (GType t = G_OBJECT_TYPE (object); t != G_TYPE_INVALID; t = g_type_parent (t))
    for (guint i = 0; i < n_fixes; i++)
      if (fixes[i].type == t)
        {
          fixes[i].own (object);
          G_OBJECT_CLASS (g_type_class_peek_static (G_TYPE_OBJECT))->finalize (object);
          return;
        }
  g_assert_not_reached ();
}

static void
count_release (gpointer data)
{
  (*(int *) data)++;
}

/* Does finalizing an instance of 'type' reach GObject's finalizer? */
static gboolean
chains_up (GType type)
{
  int released = 0;
  GObject *probe = g_object_new (type, NULL);
  g_object_set_data_full (probe, "ms-finalize-probe", &released, count_release);
  g_object_unref (probe);
  return released == 1;
}

void
ms_thrift_fix_finalizers (void)
{
  GType types[] = { THRIFT_TYPE_APPLICATION_EXCEPTION, THRIFT_TYPE_MEMORY_BUFFER };
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    {
      if (chains_up (types[i]))
        continue;   /* a fixed library, or repaired already */
      GObjectClass *klass = g_type_class_ref (types[i]);   /* kept for good */
      g_assert (n_fixes < G_N_ELEMENTS (fixes));
      fixes[n_fixes++] = (Fix) { types[i], klass->finalize };
      klass->finalize = chained_finalize;
    }
}
