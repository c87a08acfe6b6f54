/*
 * table.c: constructors, destructors, deep copies and small predicates of
 * the table and storage-descriptor model; what each struct owns is its
 * MsOwned table (model/owned.h), which drives its free and its copy.
 */
#include "model/table.h"
#include "model/owned.h"

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

GPtrArray *
ms_strings_copy (const GPtrArray *in)
{
  if (in == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_full (in->len, g_free);
  for (guint i = 0; i < in->len; i++)
    g_ptr_array_add (out, g_strdup (g_ptr_array_index (in, i)));
  return out;
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

static const MsOwned column_owned[] = {
  MS_OWNED_STR (MsColumn, name), MS_OWNED_STR (MsColumn, type), MS_OWNED_STR (MsColumn, comment),
};

MS_OWNED_DEFINE_FREE (MsColumn, ms_column_free, column_owned)

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

/* ---- deep copies of lists ---- */

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

static GPtrArray *
string_lists_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
string_lists_copy (GPtrArray *in)
{
  return copy_into (string_lists_new (), in, strings_item_copy);
}

static gpointer
sort_col_copy (gconstpointer item, gpointer unused)
{
  const MsSortCol *s = item;
  return ms_sort_col_new (s->col, s->order);
}

static GPtrArray *
sort_cols_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ms_sort_col_free);
}

static GPtrArray *
sort_cols_copy (GPtrArray *in)
{
  return copy_into (sort_cols_new (), in, sort_col_copy);
}

/* ---- SerDe, skew, storage descriptor: released and copied by their tables ---- */

static const MsOwned serde_owned[] = {
  MS_OWNED_STR (MsSerDe, name), MS_OWNED_STR (MsSerDe, serialization_lib),
  MS_OWNED_STR (MsSerDe, description), MS_OWNED_STR (MsSerDe, serializer_class),
  MS_OWNED_STR (MsSerDe, deserializer_class),
  MS_OWNED (MsSerDe, params, g_hash_table_unref, ms_params_copy),
};

MsSerDe *
ms_serde_new (void)
{
  MsSerDe *s = g_new0 (MsSerDe, 1);
  s->params = ms_params_new ();
  return s;
}

MS_OWNED_DEFINE_FREE (MsSerDe, ms_serde_free, serde_owned)

static MsSerDe *
serde_copy (const MsSerDe *s)
{
  if (s == NULL)
    return NULL;
  MsSerDe *o = ms_serde_new ();
  o->serde_type = s->serde_type;
  MS_OWNED_COPY (o, s, serde_owned);
  return o;
}

static const MsOwned skewed_location_owned[] = {
  MS_OWNED (MsSkewedLocation, values, g_ptr_array_unref, strings_copy),
  MS_OWNED_STR (MsSkewedLocation, location),
};

MsSkewedLocation *
ms_skewed_location_new (void)
{
  MsSkewedLocation *l = g_new0 (MsSkewedLocation, 1);
  l->values = ms_strings_new ();
  return l;
}

MS_OWNED_DEFINE_FREE (MsSkewedLocation, ms_skewed_location_free, skewed_location_owned)

static gpointer
skewed_location_copy (gconstpointer item, gpointer unused)
{
  MsSkewedLocation *c = ms_skewed_location_new ();
  MS_OWNED_COPY (c, item, skewed_location_owned);
  return c;
}

static GPtrArray *
skewed_locations_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ms_skewed_location_free);
}

static GPtrArray *
skewed_locations_copy (GPtrArray *in)
{
  return copy_into (skewed_locations_new (), in, skewed_location_copy);
}

static const MsOwned skewed_owned[] = {
  MS_OWNED (MsSkewed, names, g_ptr_array_unref, strings_copy),
  MS_OWNED (MsSkewed, values, g_ptr_array_unref, string_lists_copy),
  MS_OWNED (MsSkewed, locations, g_ptr_array_unref, skewed_locations_copy),
};

MsSkewed *
ms_skewed_new (void)
{
  MsSkewed *s = g_new0 (MsSkewed, 1);
  s->names = ms_strings_new ();
  s->values = string_lists_new ();
  s->locations = skewed_locations_new ();
  return s;
}

MS_OWNED_DEFINE_FREE (MsSkewed, ms_skewed_free, skewed_owned)

static MsSkewed *
skewed_copy (const MsSkewed *s)
{
  if (s == NULL)
    return NULL;
  MsSkewed *o = ms_skewed_new ();
  MS_OWNED_COPY (o, s, skewed_owned);
  return o;
}

static const MsOwned sd_owned[] = {
  MS_OWNED_STR (MsStorageDescriptor, location), MS_OWNED_STR (MsStorageDescriptor, input_format),
  MS_OWNED_STR (MsStorageDescriptor, output_format),
  MS_OWNED (MsStorageDescriptor, serde, ms_serde_free, serde_copy),
  MS_OWNED (MsStorageDescriptor, cols, g_ptr_array_unref, ms_columns_copy),
  MS_OWNED (MsStorageDescriptor, bucket_cols, g_ptr_array_unref, strings_copy),
  MS_OWNED (MsStorageDescriptor, sort_cols, g_ptr_array_unref, sort_cols_copy),
  MS_OWNED (MsStorageDescriptor, skewed, ms_skewed_free, skewed_copy),
  MS_OWNED (MsStorageDescriptor, params, g_hash_table_unref, ms_params_copy),
};

MsStorageDescriptor *
ms_sd_new (void)
{
  MsStorageDescriptor *sd = g_new0 (MsStorageDescriptor, 1);
  sd->num_buckets = -1;
  sd->cols = ms_columns_new ();
  sd->bucket_cols = ms_strings_new ();
  sd->sort_cols = sort_cols_new ();
  sd->params = ms_params_new ();
  return sd;
}

MS_OWNED_DEFINE_FREE (MsStorageDescriptor, ms_sd_free, sd_owned)

MsStorageDescriptor *
ms_sd_copy (const MsStorageDescriptor *sd)
{
  if (sd == NULL)
    return NULL;
  MsStorageDescriptor *o = ms_sd_new ();
  o->compressed = sd->compressed;
  o->num_buckets = sd->num_buckets;
  o->stored_as_subdirs = sd->stored_as_subdirs;
  MS_OWNED_COPY (o, sd, sd_owned);
  return o;
}

/* ---- tables ---- */

MsTable *
ms_table_new (void)
{
  MsTable *t = g_new0 (MsTable, 1);
  t->partition_keys = ms_columns_new ();
  t->params = ms_params_new ();
  t->write_id = -1;
  return t;
}

static const MsOwned table_owned[] = {
  MS_OWNED_STR (MsTable, catalog), MS_OWNED_STR (MsTable, db_name), MS_OWNED_STR (MsTable, name),
  MS_OWNED_STR (MsTable, table_type), MS_OWNED_STR (MsTable, owner_name),
  MS_OWNED (MsTable, sd, ms_sd_free, NULL), MS_OWNED (MsTable, partition_keys, g_ptr_array_unref, NULL),
  MS_OWNED (MsTable, params, g_hash_table_unref, NULL),
  MS_OWNED_STR (MsTable, view_original_text), MS_OWNED_STR (MsTable, view_expanded_text),
  MS_OWNED (MsTable, dir_files, g_ptr_array_unref, ms_strings_copy),
};

MS_OWNED_DEFINE_FREE (MsTable, ms_table_free, table_owned)

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
  c->dir_files = ms_strings_copy (t->dir_files);
  return c;
}

MsTableMeta *
ms_table_meta_new (void)
{
  return g_new0 (MsTableMeta, 1);
}

static const MsOwned table_meta_owned[] = {
  MS_OWNED_STR (MsTableMeta, catalog), MS_OWNED_STR (MsTableMeta, db_name),
  MS_OWNED_STR (MsTableMeta, name), MS_OWNED_STR (MsTableMeta, table_type),
  MS_OWNED_STR (MsTableMeta, comments), MS_OWNED_STR (MsTableMeta, owner_name),
};

MS_OWNED_DEFINE_FREE (MsTableMeta, ms_table_meta_free, table_meta_owned)

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
