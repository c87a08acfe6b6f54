/*
 * table.h: tables and storage descriptors in the plain C model, shared by
 * the HMS door, the Iceberg door and the store. Partitions reuse
 * MsStorageDescriptor and MsColumn.
 *
 * Every struct owns what it points to and is freed with its _free function.
 */
#pragma once
#include "model/model.h"

/* Hive's table types, as stored and sent on the wire. */
#define MS_TABLE_MANAGED "MANAGED_TABLE"
#define MS_TABLE_EXTERNAL "EXTERNAL_TABLE"
#define MS_TABLE_VIEW "VIRTUAL_VIEW"
#define MS_TABLE_MATERIALIZED_VIEW "MATERIALIZED_VIEW"

typedef struct {
  char *name;
  char *type;
  char *comment;
} MsColumn;

typedef struct {
  char *col;
  int order;                   /* 1 ascending, 0 descending */
} MsSortCol;

typedef struct {
  char *name;
  char *serialization_lib;
  char *description;
  char *serializer_class;
  char *deserializer_class;
  int serde_type;              /* Hive's SerdeType; 0 = unset */
  GHashTable *params;
} MsSerDe;

typedef struct {
  GPtrArray *values;           /* char*: one value per skewed column */
  char *location;
} MsSkewedLocation;

typedef struct {
  GPtrArray *names;            /* char* */
  GPtrArray *values;           /* GPtrArray<char*> per skewed value tuple */
  GPtrArray *locations;        /* MsSkewedLocation* */
} MsSkewed;

typedef struct {
  char *location;
  char *input_format;
  char *output_format;
  gboolean compressed;
  int num_buckets;
  MsSerDe *serde;              /* NULL: none sent */
  GPtrArray *cols;             /* MsColumn* */
  GPtrArray *bucket_cols;      /* char* */
  GPtrArray *sort_cols;        /* MsSortCol* */
  MsSkewed *skewed;            /* NULL: none */
  gboolean stored_as_subdirs;
  GHashTable *params;
} MsStorageDescriptor;

typedef struct {
  gint64 id;                   /* store's table id; 0 before creation */
  char *catalog;
  char *db_name;
  char *name;
  char *table_type;
  char *owner_name;
  MsPrincipalType owner_type;
  int create_time;
  int last_access_time;
  int retention;
  MsStorageDescriptor *sd;     /* NULL only for input that sent none */
  GPtrArray *partition_keys;   /* MsColumn* */
  GHashTable *params;
  char *view_original_text;
  char *view_expanded_text;
  gboolean rewrite_enabled;
  gint64 write_id;             /* -1: none */
  /* the entries found in its directory before a create, as the
   * CREATE_TABLE message lists them (char*; never stored); NULL: none */
  GPtrArray *dir_files;
  gint64 row_version;          /* read from the store: its stored row's version
                                  (PostgreSQL's xmin), which any change of the
                                  row changes; 0: not read from the store */
} MsTable;

/* One row of get_table_meta. */
typedef struct {
  char *catalog;
  char *db_name;
  char *name;
  char *table_type;
  char *comments;
  char *owner_name;
  MsPrincipalType owner_type;
} MsTableMeta;

MsColumn *ms_column_new (const char *name, const char *type, const char *comment);
void ms_column_free (MsColumn *c);
MsSortCol *ms_sort_col_new (const char *col, int order);
void ms_sort_col_free (MsSortCol *s);
MsSerDe *ms_serde_new (void);
void ms_serde_free (MsSerDe *s);
MsSkewed *ms_skewed_new (void);
void ms_skewed_free (MsSkewed *s);
MsSkewedLocation *ms_skewed_location_new (void);
void ms_skewed_location_free (MsSkewedLocation *l);
MsStorageDescriptor *ms_sd_new (void);
void ms_sd_free (MsStorageDescriptor *sd);
MsTable *ms_table_new (void);
void ms_table_free (MsTable *t);
MsTableMeta *ms_table_meta_new (void);
void ms_table_meta_free (MsTableMeta *m);

/* Deep copies: NULL for a NULL descriptor; a NULL list copies as empty. */
MsStorageDescriptor *ms_sd_copy (const MsStorageDescriptor *sd);
GPtrArray *ms_columns_copy (GPtrArray *cols);
MsTable *ms_table_copy (const MsTable *t);

/* New empty arrays with the right free functions. */
GPtrArray *ms_columns_new (void);
GPtrArray *ms_strings_new (void);
/* A copy of the strings 'in' (char*), NULL for NULL. */
GPtrArray *ms_strings_copy (const GPtrArray *in);

/* The external flag as Hive reads it: table type EXTERNAL_TABLE or the
 * EXTERNAL=TRUE parameter. */
gboolean ms_table_is_external (const MsTable *t);
gboolean ms_table_is_view (const MsTable *t);
/* Whether 'key' is set to "true" (any case) in 'params'. */
gboolean ms_params_true (GHashTable *params, const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsColumn, ms_column_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSerDe, ms_serde_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSkewed, ms_skewed_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsStorageDescriptor, ms_sd_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsTable, ms_table_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsTableMeta, ms_table_meta_free)
