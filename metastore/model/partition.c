/*
 * partition.c: constructor, destructor and comparisons of the partition
 * model (see partition.h); the storage descriptor's deep copy is in table.c.
 */
#include "model/partition.h"
#include "model/owned.h"
#include <string.h>

MsPartition *
ms_partition_new (void)
{
  MsPartition *p = g_new0 (MsPartition, 1);
  p->values = ms_strings_new ();
  p->params = ms_params_new ();
  return p;
}

static const MsOwned partition_owned[] = {
  MS_OWNED_STR (MsPartition, catalog), MS_OWNED_STR (MsPartition, db_name),
  MS_OWNED_STR (MsPartition, table_name), MS_OWNED (MsPartition, values, g_ptr_array_unref, NULL),
  MS_OWNED (MsPartition, sd, ms_sd_free, NULL), MS_OWNED (MsPartition, params, g_hash_table_unref, NULL),
  MS_OWNED (MsPartition, dir_files, g_ptr_array_unref, ms_strings_copy),
  MS_OWNED_STR (MsPartition, files_dir),
};

MS_OWNED_DEFINE_FREE (MsPartition, ms_partition_free, partition_owned)

GPtrArray *
ms_partitions_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ms_partition_free);
}

/* ---- comparisons ---- */

static gboolean
str_eq (const char *a, const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

/* Whether 'a' and 'b' (NULL: empty) hold as many items, pairwise equal by
 * 'eq'. */
static gboolean
lists_equal (GPtrArray *a, GPtrArray *b, gboolean (*eq) (gconstpointer, gconstpointer))
{
  guint na = a ? a->len : 0, nb = b ? b->len : 0;
  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!eq (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

static gboolean
string_eq (gconstpointer x, gconstpointer y)
{
  return str_eq (x, y);
}

static gboolean
strings_equal (GPtrArray *a, GPtrArray *b)
{
  return lists_equal (a, b, string_eq);
}

static gboolean
column_eq (gconstpointer a, gconstpointer b)
{
  const MsColumn *x = a, *y = b;
  return str_eq (x->name, y->name) && str_eq (x->type, y->type) && str_eq (x->comment, y->comment);
}

gboolean
ms_columns_equal (GPtrArray *a, GPtrArray *b)
{
  return lists_equal (a, b, column_eq);
}

static gboolean
strings_item_eq (gconstpointer a, gconstpointer b)
{
  return strings_equal ((GPtrArray *) a, (GPtrArray *) b);
}

static gboolean
skewed_location_eq (gconstpointer a, gconstpointer b)
{
  const MsSkewedLocation *x = a, *y = b;
  return strings_equal (x->values, y->values) && str_eq (x->location, y->location);
}

static gboolean
sort_col_eq (gconstpointer a, gconstpointer b)
{
  const MsSortCol *x = a, *y = b;
  return str_eq (x->col, y->col) && x->order == y->order;
}

gboolean
ms_params_equal (GHashTable *a, GHashTable *b)
{
  guint na = a ? g_hash_table_size (a) : 0, nb = b ? g_hash_table_size (b) : 0;
  if (na != nb)
    return FALSE;
  if (na == 0)
    return TRUE;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, a);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      gpointer other;
      if (!g_hash_table_lookup_extended (b, k, NULL, &other) || !str_eq (v, other))
        return FALSE;
    }
  return TRUE;
}

static gboolean
serde_equal (const MsSerDe *a, const MsSerDe *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return str_eq (a->name, b->name) && str_eq (a->serialization_lib, b->serialization_lib)
         && str_eq (a->description, b->description)
         && str_eq (a->serializer_class, b->serializer_class)
         && str_eq (a->deserializer_class, b->deserializer_class)
         && a->serde_type == b->serde_type && ms_params_equal (a->params, b->params);
}

static gboolean
skewed_equal (const MsSkewed *a, const MsSkewed *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strings_equal (a->names, b->names)
         && lists_equal (a->values, b->values, strings_item_eq)
         && lists_equal (a->locations, b->locations, skewed_location_eq);
}

gboolean
ms_sd_same_shape (const MsStorageDescriptor *a, const MsStorageDescriptor *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (!str_eq (a->input_format, b->input_format) || !str_eq (a->output_format, b->output_format)
      || a->compressed != b->compressed || a->num_buckets != b->num_buckets
      || a->stored_as_subdirs != b->stored_as_subdirs)
    return FALSE;
  if (!serde_equal (a->serde, b->serde) || !strings_equal (a->bucket_cols, b->bucket_cols)
      || !skewed_equal (a->skewed, b->skewed) || !ms_params_equal (a->params, b->params))
    return FALSE;
  return lists_equal (a->sort_cols, b->sort_cols, sort_col_eq);
}
