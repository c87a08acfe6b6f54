/*
 * partition_convert.c: Thrift Partition / PartitionSpec <-> the partition
 * model.
 */
#include "hms/internal.h"
#include "model/partition.h"

/* A partition of database 'db', table 'table' and 'catalog' (each
 * lower-cased; NULL: unset) with copies of 'values' and 'params' (either
 * may be NULL) and the two times; no descriptor. */
static MsPartition *
partition_new (const char *db, const char *table, const char *catalog, const GPtrArray *values,
               int create_time, int last_access_time, GHashTable *params)
{
  MsPartition *p = ms_partition_new ();
  p->db_name = db ? g_ascii_strdown (db, -1) : NULL;
  p->table_name = table ? g_ascii_strdown (table, -1) : NULL;
  if (catalog)
    p->catalog = g_ascii_strdown (catalog, -1);
  hms_strings_append (p->values, values);
  p->create_time = create_time;
  p->last_access_time = last_access_time;
  if (params != NULL)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, params);
      while (g_hash_table_iter_next (&it, &k, &v))
        g_hash_table_insert (p->params, g_strdup (k), g_strdup (v));
    }
  return p;
}

MsPartition *
hms_partition_from_thrift (const ThmsPartition *in)
{
  MsPartition *p = partition_new (in->dbName, in->tableName, HMS_OPT (in, catName), in->values,
                                  in->createTime, in->lastAccessTime, in->parameters);
  if (in->__isset_sd && in->sd)
    p->sd = hms_sd_from_thrift (in->sd);
  return p;
}

#define PART_FIELD(tm, mm, kind) HMS_OUT_FIELD (ThmsPartition, tm, MsPartition, mm, kind)

static const HmsOutField partition_fields[] = {
  PART_FIELD (dbName, db_name, HMS_OUT_STR), PART_FIELD (tableName, table_name, HMS_OUT_STR),
  PART_FIELD (createTime, create_time, HMS_OUT_INT),
  PART_FIELD (lastAccessTime, last_access_time, HMS_OUT_INT),
  PART_FIELD (parameters, params, HMS_OUT_PARAMS), PART_FIELD (catName, catalog, HMS_OUT_STR_OPT),
};

void
hms_partition_to_thrift (const MsPartition *p, ThmsPartition *out)
{
  HMS_OUT_FIELDS (out, p, partition_fields);
  g_ptr_array_set_size (out->values, 0);
  hms_strings_append (out->values, p->values);
  out->__isset_values = TRUE;
  if (p->sd)
    {
      hms_sd_to_thrift (p->sd, out->sd);
      out->__isset_sd = TRUE;
    }
}

ThmsPartition *
hms_partition_new_thrift (const MsPartition *p)
{
  ThmsPartition *out = g_object_new (THMS_TYPE_PARTITION, NULL);
  hms_partition_to_thrift (p, out);
  return out;
}

void
hms_partitions_to_thrift (GPtrArray *parts, GPtrArray *out)
{
  for (guint i = 0; i < parts->len; i++)
    g_ptr_array_add (out, hms_partition_new_thrift (g_ptr_array_index (parts, i)));
}

/* ---- partition specs ---- */

/* Flattens 'specs' (PartitionSpec*) into MsPartition*; a spec with a
 * shared descriptor gives each partition a copy located at the spec's
 * root path joined with its relative path. */
GPtrArray *
hms_partitions_from_specs (GPtrArray *specs, GError **error)
{
  g_autoptr (GPtrArray) out = ms_partitions_new ();
  for (guint i = 0; specs != NULL && i < specs->len; i++)
    {
      ThmsPartitionSpec *spec = g_ptr_array_index (specs, i);
      if (spec->__isset_partitionList && spec->partitionList)
        {
          GPtrArray *parts = spec->partitionList->partitions;
          for (guint j = 0; parts != NULL && j < parts->len; j++)
            {
              MsPartition *p = hms_partition_from_thrift (g_ptr_array_index (parts, j));
              if (p->db_name == NULL && spec->dbName)
                p->db_name = g_ascii_strdown (spec->dbName, -1);
              if (p->table_name == NULL && spec->tableName)
                p->table_name = g_ascii_strdown (spec->tableName, -1);
              g_ptr_array_add (out, p);
            }
        }
      else if (spec->__isset_sharedSDPartitionSpec && spec->sharedSDPartitionSpec)
        {
          ThmsPartitionSpecWithSharedSD *shared = spec->sharedSDPartitionSpec;
          g_autoptr (MsStorageDescriptor) sd = shared->__isset_sd && shared->sd
                                                   ? hms_sd_from_thrift (shared->sd)
                                                   : ms_sd_new ();
          GPtrArray *parts = shared->partitions;
          for (guint j = 0; parts != NULL && j < parts->len; j++)
            {
              ThmsPartitionWithoutSD *w = g_ptr_array_index (parts, j);
              MsPartition *p = partition_new (spec->dbName, spec->tableName,
                                              HMS_OPT (spec, catName), w->values, w->createTime,
                                              w->lastAccessTime, w->parameters);
              p->sd = ms_sd_copy (sd);
              g_free (p->sd->location);
              p->sd->location = NULL;
              if (spec->rootPath && *spec->rootPath)
                p->sd->location = g_strconcat (spec->rootPath, w->relativePath ? w->relativePath : "",
                                               NULL);
              g_ptr_array_add (out, p);
            }
        }
      else
        return ms_fail (error, MS_ERROR_INVALID_OBJECT, "A partition spec has no partitions"), NULL;
    }
  return g_steal_pointer (&out);
}

/* A new PartitionSpec of table 't' with root path 'root'. */
static ThmsPartitionSpec *
spec_new (const MsTable *t, const char *root)
{
  ThmsPartitionSpec *spec = g_object_new (THMS_TYPE_PARTITION_SPEC, NULL);
  hms_set_string (&spec->dbName, t->db_name);
  hms_set_string (&spec->tableName, t->name);
  hms_set_string (&spec->rootPath, root);
  hms_set_string (&spec->catName, t->catalog);
  spec->__isset_dbName = spec->__isset_tableName = TRUE;
  spec->__isset_rootPath = spec->__isset_catName = TRUE;
  return spec;
}

/* One PartitionSpec of 'parts' (all of table 't') as Hive's
 * get_partitions_pspec builds it: partitions under the table's location
 * share its descriptor with relative paths, the others are listed whole. */
void
hms_partitions_to_specs (const MsTable *t, GPtrArray *parts, GPtrArray *out)
{
  const char *root = t->sd ? t->sd->location : NULL;
  g_autofree char *prefix = root ? g_strconcat (root, NULL) : NULL;
  ThmsPartitionSpec *shared_spec = NULL, *list_spec = NULL;
  for (guint i = 0; i < parts->len; i++)
    {
      const MsPartition *p = g_ptr_array_index (parts, i);
      const char *loc = p->sd ? p->sd->location : NULL;
      gboolean under = prefix && loc && g_str_has_prefix (loc, prefix)
                       && p->sd && t->sd && ms_sd_same_shape (p->sd, t->sd)
                       && ms_columns_equal (p->sd->cols, t->sd->cols);
      if (under)
        {
          if (shared_spec == NULL)
            {
              shared_spec = spec_new (t, root);
              shared_spec->__isset_sharedSDPartitionSpec = TRUE;
              g_autoptr (MsStorageDescriptor) sd = ms_sd_copy (t->sd);
              hms_sd_to_thrift (sd, shared_spec->sharedSDPartitionSpec->sd);
              shared_spec->sharedSDPartitionSpec->__isset_sd = TRUE;
              shared_spec->sharedSDPartitionSpec->__isset_partitions = TRUE;
            }
          ThmsPartitionWithoutSD *w = g_object_new (THMS_TYPE_PARTITION_WITHOUT_S_D, NULL);
          hms_strings_append (w->values, p->values);
          w->__isset_values = TRUE;
          w->createTime = p->create_time;
          w->lastAccessTime = p->last_access_time;
          w->__isset_createTime = w->__isset_lastAccessTime = TRUE;
          hms_set_string (&w->relativePath, loc + strlen (prefix));
          w->__isset_relativePath = TRUE;
          hms_params_to_thrift (p->params, w->parameters);
          w->__isset_parameters = TRUE;
          g_ptr_array_add (shared_spec->sharedSDPartitionSpec->partitions, w);
        }
      else
        {
          if (list_spec == NULL)
            {
              list_spec = spec_new (t, root);
              list_spec->__isset_partitionList = TRUE;
              list_spec->partitionList->__isset_partitions = TRUE;
            }
          g_ptr_array_add (list_spec->partitionList->partitions, hms_partition_new_thrift (p));
        }
    }
  if (shared_spec)
    g_ptr_array_add (out, shared_spec);
  if (list_spec)
    g_ptr_array_add (out, list_spec);
}
