/*
 * partition.c: constructors, destructors, deep copies and comparisons of
 * the partition model (see partition.h).
 */
#include "model/partition.h"
#include <string.h>

MsPartition *
ms_partition_new (void)
{
  MsPartition *p = g_new0 (MsPartition, 1);
  p->values = ms_strings_new ();
  p->params = ms_params_new ();
  return p;
}

void
ms_partition_free (MsPartition *p)
{
  if (p == NULL)
    return;
  g_free (p->catalog);
  g_free (p->db_name);
  g_free (p->table_name);
  g_ptr_array_unref (p->values);
  ms_sd_free (p->sd);
  g_hash_table_unref (p->params);
  g_free (p);
}

GPtrArray *
ms_partitions_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ms_partition_free);
}

/* Appends to 'out' a copy, made by 'copy', of each item of 'in' (NULL:
 * none); returns 'out'. */
static GPtrArray *
copy_into (GPtrArray *out, GPtrArray *in, GCopyFunc copy)
{
  if (in != NULL)
    g_ptr_array_extend (out, in, copy, NULL);
  return out;
}

static gpointer
column_copy (gconstpointer item, gpointer unused)
{
  const MsColumn *c = item;
  return ms_column_new (c->name, c->type, c->comment);
}

GPtrArray *
ms_columns_copy (GPtrArray *cols)
{
  return copy_into (ms_columns_new (), cols, column_copy);
}

static gpointer
string_copy (gconstpointer item, gpointer unused)
{
  return g_strdup (item);
}

static GPtrArray *
strings_copy (GPtrArray *in)
{
  return copy_into (ms_strings_new (), in, string_copy);
}

static gpointer
strings_item_copy (gconstpointer item, gpointer unused)
{
  return strings_copy ((GPtrArray *) item);
}

static gpointer
skewed_location_copy (gconstpointer item, gpointer unused)
{
  const MsSkewedLocation *l = item;
  MsSkewedLocation *c = ms_skewed_location_new ();
  g_ptr_array_unref (c->values);
  c->values = strings_copy (l->values);
  c->location = g_strdup (l->location);
  return c;
}

static gpointer
sort_col_copy (gconstpointer item, gpointer unused)
{
  const MsSortCol *s = item;
  return ms_sort_col_new (s->col, s->order);
}

static MsSerDe *
serde_copy (const MsSerDe *s)
{
  if (s == NULL)
    return NULL;
  MsSerDe *o = ms_serde_new ();
  o->name = g_strdup (s->name);
  o->serialization_lib = g_strdup (s->serialization_lib);
  o->description = g_strdup (s->description);
  o->serializer_class = g_strdup (s->serializer_class);
  o->deserializer_class = g_strdup (s->deserializer_class);
  o->serde_type = s->serde_type;
  g_hash_table_unref (o->params);
  o->params = ms_params_copy (s->params);
  return o;
}

static MsSkewed *
skewed_copy (const MsSkewed *s)
{
  if (s == NULL)
    return NULL;
  MsSkewed *o = ms_skewed_new ();
  g_ptr_array_unref (o->names);
  o->names = strings_copy (s->names);
  copy_into (o->values, s->values, strings_item_copy);
  copy_into (o->locations, s->locations, skewed_location_copy);
  return o;
}

MsStorageDescriptor *
ms_sd_copy (const MsStorageDescriptor *sd)
{
  if (sd == NULL)
    return NULL;
  MsStorageDescriptor *o = ms_sd_new ();
  o->location = g_strdup (sd->location);
  o->input_format = g_strdup (sd->input_format);
  o->output_format = g_strdup (sd->output_format);
  o->compressed = sd->compressed;
  o->num_buckets = sd->num_buckets;
  o->serde = serde_copy (sd->serde);
  g_ptr_array_unref (o->cols);
  o->cols = ms_columns_copy (sd->cols);
  g_ptr_array_unref (o->bucket_cols);
  o->bucket_cols = strings_copy (sd->bucket_cols);
  copy_into (o->sort_cols, sd->sort_cols, sort_col_copy);
  o->skewed = skewed_copy (sd->skewed);
  o->stored_as_subdirs = sd->stored_as_subdirs;
  g_hash_table_unref (o->params);
  o->params = ms_params_copy (sd->params);
  return o;
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

MsTable *
ms_table_copy (const MsTable *t)
{
  if (t == NULL)
    return NULL;
  MsTable *c = g_new (MsTable, 1);
  *c = *t;
  c->catalog = g_strdup (t->catalog);
  c->db_name = g_strdup (t->db_name);
  c->name = g_strdup (t->name);
  c->table_type = g_strdup (t->table_type);
  c->owner_name = g_strdup (t->owner_name);
  c->sd = ms_sd_copy (t->sd);
  c->partition_keys = ms_columns_copy (t->partition_keys);
  c->params = ms_params_copy (t->params);
  c->view_original_text = g_strdup (t->view_original_text);
  c->view_expanded_text = g_strdup (t->view_expanded_text);
  return c;
}
