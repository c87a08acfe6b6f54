/*
 * constraint.c: constructors and destructors of the constraint model
 * (model/constraint.h).
 */
#include "model/constraint.h"
#include "model/owned.h"

MsConstraint *
ms_constraint_new (MsConstraintKind kind)
{
  MsConstraint *c = g_new0 (MsConstraint, 1);
  c->kind = kind;
  c->key_seq = 1;
  return c;
}

#define C_STR(member) MS_OWNED_STR (MsConstraint, member)

static const MsOwned constraint_owned[] = {
  C_STR (catalog), C_STR (db_name), C_STR (table_name), C_STR (column), C_STR (name),
  C_STR (value), C_STR (ref_db), C_STR (ref_table), C_STR (ref_column), C_STR (ref_pk_name),
};

MS_OWNED_DEFINE_FREE (MsConstraint, ms_constraint_free, constraint_owned)

GPtrArray *
ms_constraints_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ms_constraint_free);
}

const char *
ms_constraint_kind_name (MsConstraintKind kind)
{
  static const char *const names[MS_CONSTRAINT_N_KINDS] = {
    "primary key", "foreign key", "unique constraint", "not null constraint",
    "default constraint", "check constraint",
  };
  return (guint) kind < MS_CONSTRAINT_N_KINDS ? names[kind] : "constraint";
}
