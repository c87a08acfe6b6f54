/*
 * internal.h: what the files of the HMS door share: the handler type, the
 * error reply helper, name rules and model <-> Thrift conversions.
 */
#pragma once
#include "hms/hms.h"
#include "core/error.h"
#include "model/model.h"
#include "thms_thrift_hive_metastore.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThmsThriftHiveMetastoreHandler, g_object_unref)

#define MS_TYPE_HMS_HANDLER (ms_hms_handler_get_type ())
G_DECLARE_FINAL_TYPE (MsHmsHandler, ms_hms_handler, MS, HMS_HANDLER, ThmsThriftHiveMetastoreHandler)

struct _MsHmsHandler {
  ThmsThriftHiveMetastoreHandler parent;
  MsHms *hms;
};

#define HMS(iface) (MS_HMS_HANDLER (iface)->hms)

/* An optional text field of a generated struct: its value when set and
 * not empty, else NULL. */
#define HMS_OPT(obj, field)                                                                        \
  ((obj)->__isset_##field && (obj)->field != NULL && *(obj)->field != '\0' ? (obj)->field : NULL)

/* Answer call 'method' ('known': one of the IDL's) whose arguments were
 * read whole but refused before any handler ran, 'err' (consumed) saying
 * why (the guarded reader's MS_GUARD_ERROR_NOT_TEXT, answered as
 * MS_ERROR_INVALID_TEXT; or an MS_ERROR): with the declared exception that
 * fits, found in the method's generated result struct; a
 * TApplicationException when none does (UNKNOWN_METHOD for an unknown
 * method); nothing for a oneway call. FALSE only when the reply could not
 * be written. */
gboolean hms_reply_refused_args (ThriftProtocol *p, const char *method, gint32 seqid,
                                 gboolean known, GError *err, GError **error);
/* The generated result struct type of 'method' (G_TYPE_INVALID for a
 * oneway or unknown method). */
GType hms_result_type (const char *method);

/* Split a Hive 3+ "@cat#db" name ("!" = empty db, trailing '#' = none).
 * Unprefixed names belong to the default catalog. Lower-cases both. */
gboolean hms_parse_db_name (const char *raw, char **catalog, char **db, GError **error);
/* The same for a name that must name one database: 'cat_override' (a
 * request's catName) wins over the prefix; a missing or empty database is
 * MS_ERROR_INVALID_INPUT. */
gboolean hms_resolve_db (const char *raw, const char *cat_override, char **catalog, char **db,
                         GError **error);
/* HMS object names: letters, digits, '_' only, 1..128 chars. */
gboolean hms_check_name (const char *kind, const char *name, GError **error);

/* A location a client gave, in the form the Java metastore stores it
 * (Warehouse.getDnsPath with warehouse.default_fs, core/location.h):
 * *location replaced in place; NULL or "" left alone. */
void hms_qualify_location (const MsHms *hms, char **location);
/* warehouse.default_fs: what locations without a file system are
 * qualified with (NULL when unset). */
const char *hms_default_fs (const MsHms *hms);
/* The storage guard and S3 client of catalog 'catalog' (NULL: the
 * default): its own settings or the global ones (service/catalog_storage.h).
 * Without storage settings: a NULL guard (nothing may be touched) and no
 * S3 client. */
const MsStorageGuard *hms_guard (const MsHms *hms, const char *catalog);
MsStorage *hms_storage (const MsHms *hms, const char *catalog);

/* A partition name as Hive stores it in a lock: column names lower-cased,
 * values kept ("Year=2024/M=1" -> "year=2024/m=1"); NULL for NULL or "". */
char *hms_lock_part_name (const char *raw);

/* conversions (convert.c) */
void hms_database_to_thrift (const MsDatabase *db, ThmsDatabase *out);
MsDatabase *hms_database_from_thrift (const ThmsDatabase *in);
void hms_catalog_to_thrift (const MsCatalog *cat, ThmsCatalog *out);
ThmsFunction *hms_function_to_thrift (const MsFunction *f);
void hms_function_fill_thrift (const MsFunction *f, ThmsFunction *out);
/* Name trimmed and lower-cased, class, owner, types, create time and
 * resources; db_name and catalog are left to the caller. */
MsFunction *hms_function_from_thrift (const ThmsFunction *in);
void hms_params_to_thrift (GHashTable *params, GHashTable *out);
/* Replace *params by a copy of Thrift's map 'in' (NULL: *params stays). */
void hms_params_from_thrift (GHashTable **params, GHashTable *in);
void hms_set_string (gchar **field, const char *value);

/* Model -> Thrift fields as data: entry i sets one member of a Thrift
 * struct and its __isset_ flag from one member of a model struct. The
 * _OPT kinds mark the field set only when the value is not NULL / 0
 * (the structs are new: a NULL string stays NULL). */
typedef enum {
  HMS_OUT_STR,       /* char * -> gchar * (copied) */
  HMS_OUT_STR_OPT,
  HMS_OUT_STR_OR_EMPTY, /* char * -> gchar *, "" for NULL */
  HMS_OUT_INT,       /* an integer or enum of either size -> i32, i64 or enum;
                        0 becomes the entry's dflt */
  HMS_OUT_INT_OPT,
  HMS_OUT_BOOL,      /* gboolean -> bool */
  HMS_OUT_PARAMS,    /* GHashTable of strings -> map<string,string> (replaced) */
} HmsOutKind;

typedef struct {
  glong thrift_offset;
  glong isset_offset;          /* -1: a required field (no flag) */
  glong model_offset;
  HmsOutKind kind;
  int dflt;
  guint8 thrift_size, model_size;   /* of the two members: integers are read
                                       and written at their own size */
} HmsOutField;

#define HMS_OUT_SIZES_(ttype, tmember, mtype, mmember) \
  sizeof (((ttype *) 0)->tmember), sizeof (((mtype *) 0)->mmember)
#define HMS_OUT_FIELD_OR(ttype, tmember, mtype, mmember, kind, dflt) \
  { G_STRUCT_OFFSET (ttype, tmember), G_STRUCT_OFFSET (ttype, __isset_##tmember), \
    G_STRUCT_OFFSET (mtype, mmember), (kind), (dflt), HMS_OUT_SIZES_ (ttype, tmember, mtype, mmember) }
#define HMS_OUT_FIELD(ttype, tmember, mtype, mmember, kind) \
  HMS_OUT_FIELD_OR (ttype, tmember, mtype, mmember, kind, 0)
#define HMS_OUT_REQUIRED(ttype, tmember, mtype, mmember, kind) \
  { G_STRUCT_OFFSET (ttype, tmember), -1, G_STRUCT_OFFSET (mtype, mmember), (kind), 0, \
    HMS_OUT_SIZES_ (ttype, tmember, mtype, mmember) }

/* Set the members 'fields' names of Thrift struct 'thrift' from 'model'
 * (out_fields.c). */
void hms_out_fields (gpointer thrift, gconstpointer model, const HmsOutField *fields, gsize n);
#define HMS_OUT_FIELDS(thrift, model, fields) \
  hms_out_fields ((thrift), (model), (fields), G_N_ELEMENTS (fields))
/* A new Thrift struct of 'type' with the members 'fields' names set. */
gpointer hms_out_new (GType type, gconstpointer model, const HmsOutField *fields, gsize n);
#define HMS_OUT_NEW(type, model, fields) hms_out_new ((type), (model), (fields), G_N_ELEMENTS (fields))
/* Append a copy of each string of 'in' (may be NULL) to 'out'. */
void hms_strings_append (GPtrArray *out, const GPtrArray *in);
/* An EnvironmentContext property (NULL when absent), and whether it is
 * "true" in any case. */
const char *hms_env_get (const ThmsEnvironmentContext *env, const char *key);
gboolean hms_env_true (const ThmsEnvironmentContext *env, const char *key);
/* The current time in seconds as text (transient_lastDdlTime). */
char *hms_now_string (void);

/* tables, descriptors, columns (table_convert.c) */
#include "model/table.h"
GPtrArray *hms_columns_from_thrift (GPtrArray *in);            /* MsColumn* */
void hms_columns_to_thrift (GPtrArray *cols, GPtrArray *out);  /* appends ThmsFieldSchema* */
MsStorageDescriptor *hms_sd_from_thrift (const ThmsStorageDescriptor *in);
void hms_sd_to_thrift (const MsStorageDescriptor *sd, ThmsStorageDescriptor *out);
MsTable *hms_table_from_thrift (const ThmsTable *in);
void hms_table_to_thrift (const MsTable *t, ThmsTable *out);

/* column statistics (stats_convert.c) */
#include "model/stats.h"
/* FALSE when no member of the union is set. */
gboolean hms_stats_data_from_thrift (const ThmsColumnStatisticsData *in, MsStatsData *out);
void hms_stats_data_to_thrift (const MsStatsData *d, ThmsColumnStatisticsData *out);
ThmsColumnStatisticsObj *hms_col_stats_to_thrift (const MsColStats *c);
void hms_column_statistics_to_thrift (const MsColumnStatistics *s, ThmsColumnStatistics *out);
/* The columns (names and types lower-cased) and engine ("hive" when
 * unset); names of the descriptor are left to the caller.
 * MS_ERROR_INVALID_OBJECT for a column without statistics data. */
MsColumnStatistics *hms_column_statistics_from_thrift (const ThmsColumnStatistics *in,
                                                       GError **error);

/* table reads shared by table.c and the wire fast path (table_wire.c) */
MsTable *hms_table_lookup (MsHms *hms, const char *raw_db, const char *cat_override,
                           const char *name, GError **error);
GPtrArray *hms_tables_lookup (MsHms *hms, const char *raw_db, const char *cat_override,
                              const GPtrArray *names, const char *pattern,
                              GError **error);                          /* MsTable* */
/* Write one Table struct for 't' exactly as the generated writer would for
 * hms_table_to_thrift (t). */
gboolean hms_wire_write_table (ThriftProtocol *protocol, const MsTable *t, GError **error);

/* directories being created, their quick stats and event files
 * (table.c), through the storage guard (service/data.h); the data rules
 * of tables and partitions are service/table.h's */
#include "service/data.h"
/* The entries of the directory 'location' of a new table or partition of
 * 't' for its CREATE_TABLE / ADD_PARTITION message, as Hive lists them
 * (ms_service_data_event_files), 'dir' being what making it did: none
 * when the server just made the directory or the guard refused it (not
 * asked again); NULL (not listed) for an external table or when the
 * notification log is off. */
GPtrArray *hms_event_files (MsHms *hms, const MsTable *t, const char *location,
                            MsDirOutcome dir);

/* The directory 'location' of table 't' or of a partition of it being
 * created ('what': "table location", ...), made when missing
 * (ms_service_data_mkdirs_seen; *dir says what happened), and what goes
 * with it: with 'stats', Hive's quick stats into 'params' when it was
 * there and they are not set; and on S3, from the same listing, the
 * files its event lists (*files; NULL: not listed here, see
 * hms_event_files). FALSE only when an allowed local directory could not
 * be made. */
gboolean hms_dir_prepare (MsHms *hms, const MsTable *t, const char *location, const char *what,
                          gboolean stats, GHashTable *params, MsDirOutcome *dir,
                          GPtrArray **files, GError **error);

/* constraints (constraint_convert.c, constraint.c) */
#include "model/constraint.h"
/* The name of the list of 'kind' in requests, responses,
 * SQLAllTableConstraints and create_table_with_constraints ("primaryKeys"). */
const char *hms_constraint_list_field (MsConstraintKind kind);
/* Append the rows of Hive structs 'in' (of 'kind'; may be NULL) to 'out'. */
void hms_constraints_from_thrift (MsConstraintKind kind, const GPtrArray *in, GPtrArray *out);
/* Append the rows of 'in' of 'kind' as Hive structs to the list field of
 * that kind of 'holder' (a response or SQLAllTableConstraints), marked set. */
void hms_constraints_to_thrift (const GPtrArray *in, int kind, GObject *holder);
/* One constraint row as a new SQLPrimaryKey, SQLForeignKey, ... of its kind. */
GObject *hms_constraint_new_thrift (const MsConstraint *c);
/* The constraint lists of create_table_with_constraints (req NULL) or of
 * a CreateTableRequest 'req', as rows (MsConstraint*). */
typedef struct _HmsCall HmsCall;
GPtrArray *hms_constraint_rows_for_create (HmsCall *call, GObject *req);
/* Create table 't' (its location decided) with 'rows' (NULL or empty:
 * none) and the grants 'grants' (MsPrivilege*, or NULL) in one
 * transaction; rows naming no table are t's. */
gboolean hms_constraint_create_table (MsHms *hms, MsTable *t, GPtrArray *rows,
                                      const GPtrArray *grants, GError **error);

/* partitions (partition_convert.c) */
#include "model/partition.h"
MsPartition *hms_partition_from_thrift (const ThmsPartition *in);
void hms_partition_to_thrift (const MsPartition *p, ThmsPartition *out);
ThmsPartition *hms_partition_new_thrift (const MsPartition *p);
void hms_partitions_to_thrift (GPtrArray *parts, GPtrArray *out);   /* appends ThmsPartition* */
GPtrArray *hms_partitions_from_specs (GPtrArray *specs, GError **error);  /* MsPartition* */
void hms_partitions_to_specs (const MsTable *t, GPtrArray *parts, GPtrArray *out);
/* partition lists straight onto the wire (partition_wire.c) */
/* Write one Partition struct exactly as the generated writer would for
 * hms_partition_to_thrift (p); with 'shared_sd', p's descriptor must be it
 * but for the location (the fast path of listings). */
gboolean hms_wire_write_partition (ThriftProtocol *protocol, const MsPartition *p,
                                   const MsStorageDescriptor *shared_sd, GError **error);
