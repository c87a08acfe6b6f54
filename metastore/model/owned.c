/*
 * owned.c: release and deep copy of plain structs from their tables of
 * owned members (see owned.h).
 */
#include "model/owned.h"

static gpointer *
slot (gpointer obj, const MsOwned *o)
{
  return G_STRUCT_MEMBER_P (obj, o->offset);
}

void
ms_owned_clear (gpointer obj, const MsOwned *owned, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      gpointer *s = slot (obj, &owned[i]);
      if (*s != NULL)
        owned[i].free (g_steal_pointer (s));
    }
}

void
ms_owned_free (gpointer obj, const MsOwned *owned, gsize n)
{
  if (obj == NULL)
    return;
  ms_owned_clear (obj, owned, n);
  g_free (obj);
}

void
ms_owned_copy (gpointer dst, gconstpointer src, const MsOwned *owned, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      if (owned[i].copy == NULL)
        continue;
      gpointer *d = slot (dst, &owned[i]);
      if (*d != NULL)
        owned[i].free (*d);
      *d = owned[i].copy (*slot ((gpointer) src, &owned[i]));
    }
}
