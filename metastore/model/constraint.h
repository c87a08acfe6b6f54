/*
 * constraint.h: table constraints in the plain C model (primary key,
 * foreign key, unique, not null, default, check), shared by the HMS door,
 * the constraint rules (service/constraint.h) and the store.
 *
 * One MsConstraint is one column of a constraint, as Hive's SQL* structs
 * carry them: a constraint of several columns is several rows sharing a
 * name, ordered by key_seq. Every struct owns its strings.
 */
#pragma once
#include <glib.h>

/* Hive's constraint types (MConstraint), as stored. */
typedef enum {
  MS_CONSTRAINT_PRIMARY_KEY = 0,
  MS_CONSTRAINT_FOREIGN_KEY = 1,
  MS_CONSTRAINT_UNIQUE = 2,
  MS_CONSTRAINT_NOT_NULL = 3,
  MS_CONSTRAINT_DEFAULT = 4,
  MS_CONSTRAINT_CHECK = 5,
} MsConstraintKind;
#define MS_CONSTRAINT_N_KINDS 6

typedef struct {
  MsConstraintKind kind;
  char *catalog;
  char *db_name;               /* the table it belongs to: for a foreign */
  char *table_name;            /*   key the child (referencing) table */
  char *column;                /* NULL: a table-level CHECK */
  int key_seq;                 /* 1.. within the constraint */
  char *name;                  /* NULL on input: generated */
  gboolean enable, validate, rely;
  char *value;                 /* DEFAULT value or CHECK expression */
  /* foreign keys only */
  char *ref_db, *ref_table, *ref_column;
  char *ref_pk_name;           /* read back: the parent's primary key name;
                                  added: as the client sent it (its event) */
  int update_rule, delete_rule;
} MsConstraint;

MsConstraint *ms_constraint_new (MsConstraintKind kind);
void ms_constraint_free (MsConstraint *c);
/* A new array of MsConstraint* that frees them. */
GPtrArray *ms_constraints_new (void);
/* Hive's name for a kind ("primary key", ...), for messages. */
const char *ms_constraint_kind_name (MsConstraintKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsConstraint, ms_constraint_free)
