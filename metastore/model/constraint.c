/*
 * constraint.c: constructors and destructors of the constraint model
 * (model/constraint.h).
 */
#include "model/constraint.h"

MsConstraint *
ms_constraint_new (MsConstraintKind kind)
{
  MsConstraint *c = g_new0 (MsConstraint, 1);
  c->kind = kind;
  c->key_seq = 1;
  return c;
}

void
ms_constraint_free (MsConstraint *c)
{
  if (c == NULL)
    return;
  g_free (c->catalog);
  g_free (c->db_name);
  g_free (c->table_name);
  g_free (c->column);
  g_free (c->name);
  g_free (c->value);
  g_free (c->ref_db);
  g_free (c->ref_table);
  g_free (c->ref_column);
  g_free (c->ref_pk_name);
  g_free (c);
}

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
