/*
 * table.c: constructors, destructors and small predicates of the table and
 * storage-descriptor model.
 */
#include "model/table.h"

GPtrArray *
ms_columns_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ms_column_free);
}

GPtrArray *
ms_strings_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

MsColumn *
ms_column_new (const char *name, const char *type, const char *comment)
{
  MsColumn *c = g_new0 (MsColumn, 1);
  c->name = g_strdup (name);
  c->type = g_strdup (type);
  c->comment = g_strdup (comment);
  return c;
}

void
ms_column_free (MsColumn *c)
{
  if (c == NULL)
    return;
  g_free (c->name);
  g_free (c->type);
  g_free (c->comment);
  g_free (c);
}

MsSortCol *
ms_sort_col_new (const char *col, int order)
{
  MsSortCol *s = g_new0 (MsSortCol, 1);
  s->col = g_strdup (col);
  s->order = order;
  return s;
}

void
ms_sort_col_free (MsSortCol *s)
{
  if (s == NULL)
    return;
  g_free (s->col);
  g_free (s);
}

MsSerDe *
ms_serde_new (void)
{
  MsSerDe *s = g_new0 (MsSerDe, 1);
  s->params = ms_params_new ();
  return s;
}

void
ms_serde_free (MsSerDe *s)
{
  if (s == NULL)
    return;
  g_free (s->name);
  g_free (s->serialization_lib);
  g_free (s->description);
  g_free (s->serializer_class);
  g_free (s->deserializer_class);
  g_hash_table_unref (s->params);
  g_free (s);
}

MsSkewedLocation *
ms_skewed_location_new (void)
{
  MsSkewedLocation *l = g_new0 (MsSkewedLocation, 1);
  l->values = ms_strings_new ();
  return l;
}

void
ms_skewed_location_free (MsSkewedLocation *l)
{
  if (l == NULL)
    return;
  g_ptr_array_unref (l->values);
  g_free (l->location);
  g_free (l);
}

MsSkewed *
ms_skewed_new (void)
{
  MsSkewed *s = g_new0 (MsSkewed, 1);
  s->names = ms_strings_new ();
  s->values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  s->locations = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_skewed_location_free);
  return s;
}

void
ms_skewed_free (MsSkewed *s)
{
  if (s == NULL)
    return;
  g_ptr_array_unref (s->names);
  g_ptr_array_unref (s->values);
  g_ptr_array_unref (s->locations);
  g_free (s);
}

MsStorageDescriptor *
ms_sd_new (void)
{
  MsStorageDescriptor *sd = g_new0 (MsStorageDescriptor, 1);
  sd->num_buckets = -1;
  sd->cols = ms_columns_new ();
  sd->bucket_cols = ms_strings_new ();
  sd->sort_cols = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_sort_col_free);
  sd->params = ms_params_new ();
  return sd;
}

void
ms_sd_free (MsStorageDescriptor *sd)
{
  if (sd == NULL)
    return;
  g_free (sd->location);
  g_free (sd->input_format);
  g_free (sd->output_format);
  ms_serde_free (sd->serde);
  g_ptr_array_unref (sd->cols);
  g_ptr_array_unref (sd->bucket_cols);
  g_ptr_array_unref (sd->sort_cols);
  ms_skewed_free (sd->skewed);
  g_hash_table_unref (sd->params);
  g_free (sd);
}

MsTable *
ms_table_new (void)
{
  MsTable *t = g_new0 (MsTable, 1);
  t->partition_keys = ms_columns_new ();
  t->params = ms_params_new ();
  t->write_id = -1;
  return t;
}

void
ms_table_free (MsTable *t)
{
  if (t == NULL)
    return;
  g_free (t->catalog);
  g_free (t->db_name);
  g_free (t->name);
  g_free (t->table_type);
  g_free (t->owner_name);
  ms_sd_free (t->sd);
  g_ptr_array_unref (t->partition_keys);
  g_hash_table_unref (t->params);
  g_free (t->view_original_text);
  g_free (t->view_expanded_text);
  g_free (t);
}

MsTableMeta *
ms_table_meta_new (void)
{
  return g_new0 (MsTableMeta, 1);
}

void
ms_table_meta_free (MsTableMeta *m)
{
  if (m == NULL)
    return;
  g_free (m->catalog);
  g_free (m->db_name);
  g_free (m->name);
  g_free (m->table_type);
  g_free (m->comments);
  g_free (m->owner_name);
  g_free (m);
}

gboolean
ms_params_true (GHashTable *params, const char *key)
{
  const char *v = params ? g_hash_table_lookup (params, key) : NULL;
  return v != NULL && g_ascii_strcasecmp (v, "true") == 0;
}

gboolean
ms_table_is_external (const MsTable *t)
{
  return g_strcmp0 (t->table_type, MS_TABLE_EXTERNAL) == 0 || ms_params_true (t->params, "EXTERNAL");
}

gboolean
ms_table_is_view (const MsTable *t)
{
  return g_strcmp0 (t->table_type, MS_TABLE_VIEW) == 0;
}
