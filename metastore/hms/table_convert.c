/*
 * table_convert.c: tables, storage descriptors and columns between the
 * model and the generated Thrift structs. Partitions (partition.c) reuse
 * the descriptor and column conversions.
 */
#include "hms/internal.h"

static char *
dup_nonempty (const char *s)
{
  return (s != NULL && *s != '\0') ? g_strdup (s) : NULL;
}

/* ---- columns ---- */

GPtrArray *
hms_columns_from_thrift (GPtrArray *in)
{
  GPtrArray *out = ms_columns_new ();
  for (guint i = 0; in != NULL && i < in->len; i++)
    {
      const ThmsFieldSchema *f = g_ptr_array_index (in, i);
      g_autofree char *name = f->name ? g_ascii_strdown (f->name, -1) : NULL;
      g_ptr_array_add (out, ms_column_new (name, f->type, f->__isset_comment ? f->comment : NULL));
    }
  return out;
}

void
hms_columns_to_thrift (GPtrArray *cols, GPtrArray *out)
{
  for (guint i = 0; cols != NULL && i < cols->len; i++)
    {
      const MsColumn *c = g_ptr_array_index (cols, i);
      ThmsFieldSchema *f = g_object_new (THMS_TYPE_FIELD_SCHEMA, NULL);
      hms_set_string (&f->name, c->name);
      f->__isset_name = TRUE;
      hms_set_string (&f->type, c->type);
      f->__isset_type = TRUE;
      hms_set_string (&f->comment, c->comment);
      f->__isset_comment = c->comment != NULL;
      g_ptr_array_add (out, f);
    }
}

/* ---- storage descriptor ---- */

static GPtrArray *
strings_copy (GPtrArray *in)
{
  GPtrArray *out = ms_strings_new ();
  hms_strings_append (out, in);
  return out;
}

static MsSerDe *
serde_from_thrift (const ThmsSerDeInfo *in)
{
  MsSerDe *s = ms_serde_new ();
  s->name = dup_nonempty (in->name);
  s->serialization_lib = dup_nonempty (in->serializationLib);
  hms_params_from_thrift (&s->params, in->parameters);
  if (in->__isset_description)
    s->description = g_strdup (in->description);
  if (in->__isset_serializerClass)
    s->serializer_class = g_strdup (in->serializerClass);
  if (in->__isset_deserializerClass)
    s->deserializer_class = g_strdup (in->deserializerClass);
  if (in->__isset_serdeType)
    s->serde_type = (int) in->serdeType;
  return s;
}

static void
serde_to_thrift (const MsSerDe *s, ThmsSerDeInfo *out)
{
  hms_set_string (&out->name, s->name);
  out->__isset_name = TRUE;
  hms_set_string (&out->serializationLib, s->serialization_lib);
  out->__isset_serializationLib = TRUE;
  g_hash_table_remove_all (out->parameters);
  hms_params_to_thrift (s->params, out->parameters);
  out->__isset_parameters = TRUE;
  if (s->description)
    {
      hms_set_string (&out->description, s->description);
      out->__isset_description = TRUE;
    }
  if (s->serializer_class)
    {
      hms_set_string (&out->serializerClass, s->serializer_class);
      out->__isset_serializerClass = TRUE;
    }
  if (s->deserializer_class)
    {
      hms_set_string (&out->deserializerClass, s->deserializer_class);
      out->__isset_deserializerClass = TRUE;
    }
  if (s->serde_type)
    {
      out->serdeType = (ThmsSerdeType) s->serde_type;
      out->__isset_serdeType = TRUE;
    }
}

static MsSkewed *
skewed_from_thrift (const ThmsSkewedInfo *in)
{
  MsSkewed *s = ms_skewed_new ();
  for (guint i = 0; in->skewedColNames && i < in->skewedColNames->len; i++)
    {
      const char *n = g_ptr_array_index (in->skewedColNames, i);
      g_ptr_array_add (s->names, n ? g_ascii_strdown (n, -1) : g_strdup (""));
    }
  for (guint i = 0; in->skewedColValues && i < in->skewedColValues->len; i++)
    g_ptr_array_add (s->values, strings_copy (g_ptr_array_index (in->skewedColValues, i)));
  if (in->skewedColValueLocationMaps)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, in->skewedColValueLocationMaps);
      while (g_hash_table_iter_next (&it, &k, &v))
        {
          MsSkewedLocation *l = ms_skewed_location_new ();
          g_ptr_array_unref (l->values);
          l->values = strings_copy (k);
          l->location = g_strdup (v);
          g_ptr_array_add (s->locations, l);
        }
    }
  return s;
}

static void
skewed_to_thrift (const MsSkewed *s, ThmsSkewedInfo *out)
{
  hms_strings_append (out->skewedColNames, s->names);
  out->__isset_skewedColNames = TRUE;
  for (guint i = 0; i < s->values->len; i++)
    g_ptr_array_add (out->skewedColValues, strings_copy (g_ptr_array_index (s->values, i)));
  out->__isset_skewedColValues = TRUE;
  for (guint i = 0; i < s->locations->len; i++)
    {
      const MsSkewedLocation *l = g_ptr_array_index (s->locations, i);
      g_hash_table_insert (out->skewedColValueLocationMaps, strings_copy (l->values),
                           g_strdup (l->location ? l->location : ""));
    }
  out->__isset_skewedColValueLocationMaps = TRUE;
}

MsStorageDescriptor *
hms_sd_from_thrift (const ThmsStorageDescriptor *in)
{
  MsStorageDescriptor *sd = ms_sd_new ();
  g_ptr_array_unref (sd->cols);
  sd->cols = hms_columns_from_thrift (in->cols);
  sd->location = dup_nonempty (in->location);
  sd->input_format = dup_nonempty (in->inputFormat);
  sd->output_format = dup_nonempty (in->outputFormat);
  sd->compressed = in->compressed;
  sd->num_buckets = in->__isset_numBuckets ? in->numBuckets : -1;
  if (in->__isset_serdeInfo && in->serdeInfo)
    sd->serde = serde_from_thrift (in->serdeInfo);
  for (guint i = 0; in->bucketCols && i < in->bucketCols->len; i++)
    {
      const char *b = g_ptr_array_index (in->bucketCols, i);
      g_ptr_array_add (sd->bucket_cols, b ? g_ascii_strdown (b, -1) : g_strdup (""));
    }
  for (guint i = 0; in->sortCols && i < in->sortCols->len; i++)
    {
      const ThmsOrder *o = g_ptr_array_index (in->sortCols, i);
      g_autofree char *col = o->col ? g_ascii_strdown (o->col, -1) : NULL;
      g_ptr_array_add (sd->sort_cols, ms_sort_col_new (col, o->order));
    }
  hms_params_from_thrift (&sd->params, in->parameters);
  if (in->__isset_skewedInfo && in->skewedInfo)
    sd->skewed = skewed_from_thrift (in->skewedInfo);
  sd->stored_as_subdirs = in->__isset_storedAsSubDirectories && in->storedAsSubDirectories;
  return sd;
}

#define SD_FIELD(tm, mm, kind) HMS_OUT_FIELD (ThmsStorageDescriptor, tm, MsStorageDescriptor, mm, kind)

static const HmsOutField sd_fields[] = {
  SD_FIELD (location, location, HMS_OUT_STR), SD_FIELD (inputFormat, input_format, HMS_OUT_STR),
  SD_FIELD (outputFormat, output_format, HMS_OUT_STR),
  SD_FIELD (compressed, compressed, HMS_OUT_BOOL), SD_FIELD (numBuckets, num_buckets, HMS_OUT_INT),
  SD_FIELD (parameters, params, HMS_OUT_PARAMS),
  SD_FIELD (storedAsSubDirectories, stored_as_subdirs, HMS_OUT_BOOL),
};

static const HmsOutField order_fields[] = {
  HMS_OUT_FIELD (ThmsOrder, col, MsSortCol, col, HMS_OUT_STR),
  HMS_OUT_FIELD (ThmsOrder, order, MsSortCol, order, HMS_OUT_INT),
};

void
hms_sd_to_thrift (const MsStorageDescriptor *sd, ThmsStorageDescriptor *out)
{
  HMS_OUT_FIELDS (out, sd, sd_fields);
  hms_columns_to_thrift (sd->cols, out->cols);
  out->__isset_cols = TRUE;
  if (sd->serde)
    serde_to_thrift (sd->serde, out->serdeInfo);
  out->__isset_serdeInfo = TRUE;
  hms_strings_append (out->bucketCols, sd->bucket_cols);
  out->__isset_bucketCols = TRUE;
  for (guint i = 0; i < sd->sort_cols->len; i++)
    g_ptr_array_add (out->sortCols,
                     HMS_OUT_NEW (THMS_TYPE_ORDER, g_ptr_array_index (sd->sort_cols, i), order_fields));
  out->__isset_sortCols = TRUE;
  if (sd->skewed)
    skewed_to_thrift (sd->skewed, out->skewedInfo);
  else
    {
      /* Hive always answers an (empty) SkewedInfo */
      out->__isset_skewedInfo = TRUE;
      out->skewedInfo->__isset_skewedColNames = TRUE;
      out->skewedInfo->__isset_skewedColValues = TRUE;
      out->skewedInfo->__isset_skewedColValueLocationMaps = TRUE;
    }
  out->__isset_skewedInfo = TRUE;
}

/* ---- table ---- */

MsTable *
hms_table_from_thrift (const ThmsTable *in)
{
  MsTable *t = ms_table_new ();
  t->name = in->tableName ? g_ascii_strdown (in->tableName, -1) : NULL;
  t->db_name = in->dbName ? g_ascii_strdown (in->dbName, -1) : NULL;
  if (HMS_OPT (in, catName))
    t->catalog = g_ascii_strdown (in->catName, -1);
  t->owner_name = dup_nonempty (in->owner);
  if (in->__isset_ownerType)
    t->owner_type = (MsPrincipalType) in->ownerType;
  else if (t->owner_name)
    t->owner_type = MS_PRINCIPAL_USER;
  t->create_time = in->createTime;
  t->last_access_time = in->lastAccessTime;
  t->retention = in->retention;
  if (in->__isset_sd && in->sd)
    t->sd = hms_sd_from_thrift (in->sd);
  g_ptr_array_unref (t->partition_keys);
  t->partition_keys = hms_columns_from_thrift (in->partitionKeys);
  hms_params_from_thrift (&t->params, in->parameters);
  t->view_original_text = dup_nonempty (in->viewOriginalText);
  t->view_expanded_text = dup_nonempty (in->viewExpandedText);
  t->table_type = dup_nonempty (in->tableType);
  t->rewrite_enabled = in->__isset_rewriteEnabled && in->rewriteEnabled;
  if (in->__isset_writeId)
    t->write_id = in->writeId;
  return t;
}

#define TABLE_FIELD(tm, mm, kind) HMS_OUT_FIELD (ThmsTable, tm, MsTable, mm, kind)

/* rows stored without an owner type read as USER */
static const HmsOutField table_fields[] = {
  TABLE_FIELD (tableName, name, HMS_OUT_STR), TABLE_FIELD (dbName, db_name, HMS_OUT_STR),
  TABLE_FIELD (owner, owner_name, HMS_OUT_STR), TABLE_FIELD (createTime, create_time, HMS_OUT_INT),
  TABLE_FIELD (lastAccessTime, last_access_time, HMS_OUT_INT),
  TABLE_FIELD (retention, retention, HMS_OUT_INT), TABLE_FIELD (parameters, params, HMS_OUT_PARAMS),
  TABLE_FIELD (viewOriginalText, view_original_text, HMS_OUT_STR_OPT),
  TABLE_FIELD (viewExpandedText, view_expanded_text, HMS_OUT_STR_OPT),
  TABLE_FIELD (tableType, table_type, HMS_OUT_STR),
  TABLE_FIELD (rewriteEnabled, rewrite_enabled, HMS_OUT_BOOL),
  TABLE_FIELD (catName, catalog, HMS_OUT_STR),
  HMS_OUT_FIELD_OR (ThmsTable, ownerType, MsTable, owner_type, HMS_OUT_INT,
                    THMS_PRINCIPAL_TYPE_USER),
  TABLE_FIELD (writeId, write_id, HMS_OUT_INT), TABLE_FIELD (id, id, HMS_OUT_INT),
};

void
hms_table_to_thrift (const MsTable *t, ThmsTable *out)
{
  HMS_OUT_FIELDS (out, t, table_fields);
  if (t->sd)
    {
      hms_sd_to_thrift (t->sd, out->sd);
      out->__isset_sd = TRUE;
    }
  hms_columns_to_thrift (t->partition_keys, out->partitionKeys);
  out->__isset_partitionKeys = TRUE;
}
