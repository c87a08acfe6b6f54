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

/* The class's own finalizer, then GObject's unless that ran already:
 * GObject's empties the object's qdata (the notify queue, data set on it),
 * so qdata still set means it was not reached. A library whose finalizer
 * does chain up is thus left as it is. */
static void
chained_finalize (GObject *object)
{
  for (GType t = G_OBJECT_TYPE (object); t != G_TYPE_INVALID; t = g_type_parent (t))
    for (guint i = 0; i < n_fixes; i++)
      if (fixes[i].type == t)
        {
          fixes[i].own (object);
          if (((gsize) object->qdata & ~(gsize) G_DATALIST_FLAGS_MASK) != 0)
            G_OBJECT_CLASS (g_type_class_peek_static (G_TYPE_OBJECT))->finalize (object);
          return;
        }
  g_assert_not_reached ();
}

void
ms_thrift_fix_finalizers (void)
{
  GType types[] = { THRIFT_TYPE_APPLICATION_EXCEPTION, THRIFT_TYPE_MEMORY_BUFFER };
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GObjectClass *klass = g_type_class_ref (types[i]);   /* kept for good */
      if (klass->finalize == chained_finalize)
        continue;   /* repaired already */
      g_assert (n_fixes < G_N_ELEMENTS (fixes));
      fixes[n_fixes++] = (Fix) { types[i], klass->finalize };
      klass->finalize = chained_finalize;
    }
}
