/*
 * constraint_convert.c: Hive's six SQL*Constraint / SQL*Key structs <->
 * the constraint model (model/constraint.h), driven by one table of their
 * field names: the structs differ only in what they call the table, the
 * column, the name and the value, and in the foreign key's parent fields.
 */
#include "hms/internal.h"

typedef struct {
  GType (*type) (void);
  const char *list;            /* the list's field in requests, responses and
                                  SQLAllTableConstraints, and the argument name */
  const char *db, *table, *column, *name, *value;
} KindFields;

static const KindFields kind_fields[MS_CONSTRAINT_N_KINDS] = {
  [MS_CONSTRAINT_PRIMARY_KEY] = { thms_s_q_l_primary_key_get_type, "primaryKeys",
                                  "table_db", "table_name", "column_name", "pk_name", NULL },
  [MS_CONSTRAINT_FOREIGN_KEY] = { thms_s_q_l_foreign_key_get_type, "foreignKeys",
                                  "fktable_db", "fktable_name", "fkcolumn_name", "fk_name", NULL },
  [MS_CONSTRAINT_UNIQUE] = { thms_s_q_l_unique_constraint_get_type, "uniqueConstraints",
                             "table_db", "table_name", "column_name", "uk_name", NULL },
  [MS_CONSTRAINT_NOT_NULL] = { thms_s_q_l_not_null_constraint_get_type, "notNullConstraints",
                               "table_db", "table_name", "column_name", "nn_name", NULL },
  [MS_CONSTRAINT_DEFAULT] = { thms_s_q_l_default_constraint_get_type, "defaultConstraints",
                              "table_db", "table_name", "column_name", "dc_name",
                              "default_value" },
  [MS_CONSTRAINT_CHECK] = { thms_s_q_l_check_constraint_get_type, "checkConstraints",
                            "table_db", "table_name", "column_name", "dc_name",
                            "check_expression" },
};

const char *
hms_constraint_list_field (MsConstraintKind kind)
{
  return kind_fields[kind].list;
}

static gboolean
has_field (GObject *o, const char *name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (o), name) != NULL;
}

/* A string field set only for a value (c_glib writes NULL as ""). */
static void
set_str (GObject *o, const char *field, const char *value)
{
  if (value != NULL)
    g_object_set (o, field, value, NULL);
}

static MsConstraint *
constraint_from_thrift (MsConstraintKind kind, GObject *o)
{
  const KindFields *k = &kind_fields[kind];
  MsConstraint *c = ms_constraint_new (kind);
  g_object_get (o, k->db, &c->db_name, k->table, &c->table_name, k->column, &c->column,
                k->name, &c->name, "enable_cstr", &c->enable, "validate_cstr", &c->validate,
                "rely_cstr", &c->rely, "catName", &c->catalog, NULL);
  if (k->value != NULL)
    g_object_get (o, k->value, &c->value, NULL);
  if (has_field (o, "key_seq"))
    g_object_get (o, "key_seq", &c->key_seq, NULL);
  if (kind == MS_CONSTRAINT_FOREIGN_KEY)
    g_object_get (o, "pktable_db", &c->ref_db, "pktable_name", &c->ref_table, "pkcolumn_name",
                  &c->ref_column, "pk_name", &c->ref_pk_name, "update_rule", &c->update_rule,
                  "delete_rule", &c->delete_rule, NULL);
  return c;
}

void
hms_constraints_from_thrift (MsConstraintKind kind, const GPtrArray *in, GPtrArray *out)
{
  for (guint i = 0; in != NULL && i < in->len; i++)
    if (g_ptr_array_index (in, i) != NULL)
      g_ptr_array_add (out, constraint_from_thrift (kind, g_ptr_array_index (in, i)));
}

GObject *
hms_constraint_new_thrift (const MsConstraint *c)
{
  const KindFields *k = &kind_fields[c->kind];
  GObject *o = g_object_new (k->type (), NULL);
  set_str (o, k->db, c->db_name);
  set_str (o, k->table, c->table_name);
  set_str (o, k->column, c->column);
  set_str (o, k->name, c->name);
  set_str (o, "catName", c->catalog);
  g_object_set (o, "enable_cstr", c->enable, "validate_cstr", c->validate, "rely_cstr", c->rely,
                NULL);
  if (k->value != NULL)
    set_str (o, k->value, c->value);
  if (has_field (o, "key_seq"))
    g_object_set (o, "key_seq", c->key_seq, NULL);
  if (c->kind == MS_CONSTRAINT_FOREIGN_KEY)
    {
      set_str (o, "pktable_db", c->ref_db);
      set_str (o, "pktable_name", c->ref_table);
      set_str (o, "pkcolumn_name", c->ref_column);
      set_str (o, "pk_name", c->ref_pk_name);
      g_object_set (o, "update_rule", c->update_rule, "delete_rule", c->delete_rule, NULL);
    }
  return o;
}

void
hms_constraints_to_thrift (const GPtrArray *in, int kind, GObject *holder)
{
  g_autoptr (GPtrArray) list = NULL;
  g_object_get (holder, kind_fields[kind].list, &list, NULL);
  if (list == NULL)
    list = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < in->len; i++)
    {
      const MsConstraint *c = g_ptr_array_index (in, i);
      if ((int) c->kind == kind)
        g_ptr_array_add (list, hms_constraint_new_thrift (c));
    }
  /* set it back: marks an optional list as set */
  g_object_set (holder, kind_fields[kind].list, list, NULL);
}
