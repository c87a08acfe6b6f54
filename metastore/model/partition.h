/*
 * partition.h: partitions in the plain C model, shared by the HMS door and
 * the store, and the descriptor comparisons the store uses to keep a
 * partition's storage descriptor only where it differs from its table's.
 *
 * Every struct owns what it points to and is freed with its _free function.
 */
#pragma once
#include "model/table.h"

typedef struct {
  gint64 id;                   /* store's partition id; 0 before creation */
  char *catalog;
  char *db_name;
  char *table_name;
  GPtrArray *values;           /* char*, one per partition key, in key order */
  int create_time;
  int last_access_time;
  MsStorageDescriptor *sd;     /* NULL only for input that sent none */
  GHashTable *params;
  /* the entries found in its directory before an add, as the
   * ADD_PARTITION message lists them (char*; never stored); NULL: none */
  GPtrArray *dir_files;
  /* the directory whose entries that message lists, when they are still to
   * be read (then when the message is written, which for an add runs while
   * PostgreSQL stores the partitions); NULL: none */
  char *files_dir;
} MsPartition;

MsPartition *ms_partition_new (void);
void ms_partition_free (MsPartition *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsPartition, ms_partition_free)

/* A new array of MsPartition* that frees them. */
GPtrArray *ms_partitions_new (void);

gboolean ms_columns_equal (GPtrArray *a, GPtrArray *b);
gboolean ms_params_equal (GHashTable *a, GHashTable *b);
/* Whether two descriptors agree in everything but location and columns
 * (formats, compression, buckets, SerDe, sort, skew, parameters). */
gboolean ms_sd_same_shape (const MsStorageDescriptor *a, const MsStorageDescriptor *b);
