/*
 * constraint.c: the constraint family of the HMS door. add_primary_key,
 * add_foreign_key, add_unique_constraint, add_not_null_constraint,
 * add_default_constraint and add_check_constraint (hms_constraint_add),
 * drop_constraint (hms_constraint_drop), the six get_* reads and
 * get_all_table_constraints (hms_constraint_get), and the constraint
 * lists of create_table_with_constraints / create_table_req
 * (hms_constraint_rows_for_create, used by hms/table.c). The rules are
 * service/constraint.h's; missing tables read as no constraints, as Hive
 * answers.
 */
#include "hms/internal.h"
#include "hms/method.h"
#include "service/constraint.h"
#include "core/log.h"

/* The method -> kind tables (the add request's list field; < 0: every kind). */
static const struct {
  const char *method;
  MsConstraintKind kind;
  const char *list;
} add_methods[] = {
  { "add_primary_key", MS_CONSTRAINT_PRIMARY_KEY, "primaryKeyCols" },
  { "add_foreign_key", MS_CONSTRAINT_FOREIGN_KEY, "foreignKeyCols" },
  { "add_unique_constraint", MS_CONSTRAINT_UNIQUE, "uniqueConstraintCols" },
  { "add_not_null_constraint", MS_CONSTRAINT_NOT_NULL, "notNullConstraintCols" },
  { "add_default_constraint", MS_CONSTRAINT_DEFAULT, "defaultConstraintCols" },
  { "add_check_constraint", MS_CONSTRAINT_CHECK, "checkConstraintCols" },
};

static const struct {
  const char *method;
  int kind;
} get_methods[] = {
  { "get_primary_keys", MS_CONSTRAINT_PRIMARY_KEY },
  { "get_foreign_keys", MS_CONSTRAINT_FOREIGN_KEY },
  { "get_unique_constraints", MS_CONSTRAINT_UNIQUE },
  { "get_not_null_constraints", MS_CONSTRAINT_NOT_NULL },
  { "get_default_constraints", MS_CONSTRAINT_DEFAULT },
  { "get_check_constraints", MS_CONSTRAINT_CHECK },
  { "get_all_table_constraints", -1 },
};

/* A text field of request 'o' named one of 'names' (NULL-terminated), as
 * Hive normalises identifiers (lower-cased); NULL when unset or empty. */
static char *
field_lower (GObject *o, const char *const *names)
{
  for (const char *const *n = names; *n != NULL; n++)
    if (g_object_class_find_property (G_OBJECT_GET_CLASS (o), *n) != NULL)
      {
        g_autofree char *v = NULL;
        g_object_get (o, *n, &v, NULL);
        return v != NULL && *v != '\0' ? g_ascii_strdown (g_strstrip (v), -1) : NULL;
      }
  return NULL;
}

/* Resolve the catalog and database of every row (a row's catName, else a
 * "@cat#db" prefix, else the default catalog; 'cat' wins when set) into
 * *catalog: all rows must agree. */
static gboolean
resolve_rows (GPtrArray *rows, const char *cat, char **catalog, GError **error)
{
  for (guint i = 0; i < rows->len; i++)
    {
      MsConstraint *c = g_ptr_array_index (rows, i);
      g_autofree char *rcat = NULL, *db = NULL, *ref_cat = NULL, *ref_db = NULL;
      if (c->db_name == NULL)
        return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Parent table not found: %s",
                        c->table_name ? c->table_name : "null");
      if (!hms_resolve_db (c->db_name, cat ? cat : c->catalog, &rcat, &db, error))
        return FALSE;
      if (*catalog != NULL && strcmp (*catalog, rcat) != 0)
        return ms_fail (error, MS_ERROR_INVALID_OBJECT, "Constraints cannot span catalogs");
      if (*catalog == NULL)
        *catalog = g_strdup (rcat);
      g_free (c->db_name);
      c->db_name = g_steal_pointer (&db);
      g_free (c->catalog);
      c->catalog = g_strdup (*catalog);
      if (c->kind == MS_CONSTRAINT_FOREIGN_KEY && c->ref_db != NULL
          && hms_resolve_db (c->ref_db, *catalog, &ref_cat, &ref_db, NULL))
        {
          g_free (c->ref_db);
          c->ref_db = g_steal_pointer (&ref_db);
        }
    }
  return TRUE;
}

/* add_primary_key, add_foreign_key, add_unique_constraint,
 * add_not_null_constraint, add_default_constraint, add_check_constraint */
gboolean
hms_constraint_add (HmsCall *call, GError **error)
{
  GObject *req = hms_arg_obj (call, "req");
  guint m = 0;
  while (m < G_N_ELEMENTS (add_methods) && strcmp (add_methods[m].method, call->method->name) != 0)
    m++;
  if (req == NULL || m == G_N_ELEMENTS (add_methods))
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "%s: no request", call->method->name);
  g_autoptr (GPtrArray) list = NULL;
  g_object_get (req, add_methods[m].list, &list, NULL);
  g_autoptr (GPtrArray) rows = ms_constraints_new ();
  hms_constraints_from_thrift (add_methods[m].kind, list, rows);
  if (rows->len == 0)
    return TRUE;  /* Hive adds nothing for an empty list */
  g_autofree char *catalog = NULL;
  if (!resolve_rows (rows, NULL, &catalog, error)
      || !ms_service_constraints_add (call->hms->store, catalog, NULL, NULL, rows, error))
    return FALSE;
  const MsConstraint *c = g_ptr_array_index (rows, 0);
  ms_info ("added %s %s to %s.%s.%s", ms_constraint_kind_name (c->kind), c->name, catalog,
           c->db_name, c->table_name);
  return TRUE;
}

GPtrArray *
hms_constraint_rows_for_create (HmsCall *call, GObject *req)
{
  GPtrArray *rows = ms_constraints_new ();
  for (int k = 0; k < MS_CONSTRAINT_N_KINDS; k++)
    {
      const char *field = hms_constraint_list_field ((MsConstraintKind) k);
      g_autoptr (GPtrArray) list = NULL;
      if (req != NULL)
        g_object_get (req, field, &list, NULL);
      else if (hms_arg_has (call, field))
        list = g_ptr_array_ref (hms_arg_obj (call, field));
      hms_constraints_from_thrift ((MsConstraintKind) k, list, rows);
    }
  return rows;
}

gboolean
hms_constraint_create_table (MsHms *hms, MsTable *t, GPtrArray *rows, const GPtrArray *grants,
                             GError **error)
{
  if (rows == NULL || rows->len == 0)
    return ms_store_table_create_granted (hms->store, t, grants, error);
  for (guint i = 0; i < rows->len; i++)
    {
      /* rows that name no table are the new table's */
      MsConstraint *c = g_ptr_array_index (rows, i);
      if (c->db_name == NULL || *c->db_name == '\0')
        hms_set_string (&c->db_name, t->db_name);
      if (c->table_name == NULL || *c->table_name == '\0')
        hms_set_string (&c->table_name, t->name);
    }
  g_autofree char *catalog = NULL;
  return resolve_rows (rows, t->catalog, &catalog, error)
         && ms_service_constraints_add (hms->store, catalog, t, grants, rows, error);
}

/* drop_constraint */
gboolean
hms_constraint_drop (HmsCall *call, GError **error)
{
  ThmsDropConstraintRequest *req = hms_arg_obj (call, "req");
  if (req == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "drop_constraint: no request");
  g_autofree char *cat = NULL, *db = NULL;
  if (!hms_resolve_db (req->dbname, HMS_OPT (req, catName), &cat, &db, error))
    return FALSE;
  g_autofree char *table = g_ascii_strdown (req->tablename ? req->tablename : "", -1);
  g_autofree char *name = g_ascii_strdown (req->constraintname ? req->constraintname : "", -1);
  if (!ms_store_constraint_drop (call->hms->store, cat, db, g_strstrip (table), g_strstrip (name),
                                 error))
    return FALSE;
  ms_info ("dropped constraint %s of %s.%s.%s", name, cat, db, table);
  return TRUE;
}

/* The constraints a get_* request asks for ('kind' < 0: every kind the
 * table owns). */
static GPtrArray *
read_constraints (MsHms *hms, GObject *req, int kind, GError **error)
{
  static const char *const cat_f[] = { "catName", NULL };
  static const char *const db_f[] = { "db_name", "dbName", NULL };
  static const char *const tbl_f[] = { "tbl_name", "tblName", NULL };
  static const char *const pdb_f[] = { "parent_db_name", NULL }, *const ptb_f[] = { "parent_tbl_name", NULL };
  static const char *const fdb_f[] = { "foreign_db_name", NULL }, *const ftb_f[] = { "foreign_tbl_name", NULL };
  g_autofree char *cat_in = field_lower (req, cat_f);
  g_autofree char *cat = NULL, *db = NULL, *pdb = NULL;
  if (kind != MS_CONSTRAINT_FOREIGN_KEY)
    {
      g_autofree char *raw_db = field_lower (req, db_f), *table = field_lower (req, tbl_f);
      if (!hms_resolve_db (raw_db, cat_in, &cat, &db, error))
        return NULL;
      return ms_store_constraints_get (hms->store, cat, db, table ? table : "", kind, error);
    }
  g_autofree char *raw_pdb = field_lower (req, pdb_f), *ptable = field_lower (req, ptb_f);
  g_autofree char *raw_fdb = field_lower (req, fdb_f), *ftable = field_lower (req, ftb_f);
  g_autofree char *any = NULL, *fcat = NULL, *pcat = NULL;
  /* the catalog: catName, else a prefix of either name, else the default */
  if (!hms_resolve_db (raw_fdb ? raw_fdb : raw_pdb ? raw_pdb : "default", cat_in, &cat, &any, error)
      || (raw_fdb != NULL && !hms_resolve_db (raw_fdb, cat, &fcat, &db, error))
      || (raw_pdb != NULL && !hms_resolve_db (raw_pdb, cat, &pcat, &pdb, error)))
    return NULL;
  return ms_store_foreign_keys (hms->store, cat, pdb, ptable, db, ftable, error);
}

/* get_primary_keys, get_foreign_keys, get_unique_constraints,
 * get_not_null_constraints, get_default_constraints,
 * get_check_constraints, get_all_table_constraints */
gboolean
hms_constraint_get (HmsCall *call, GError **error)
{
  GObject *req = hms_arg_obj (call, "request");
  guint m = 0;
  while (m < G_N_ELEMENTS (get_methods) && strcmp (get_methods[m].method, call->method->name) != 0)
    m++;
  if (req == NULL || m == G_N_ELEMENTS (get_methods))
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "%s: no request", call->method->name);
  int kind = get_methods[m].kind;
  g_autoptr (GPtrArray) found = read_constraints (call->hms, req, kind, error);
  if (found == NULL)
    return FALSE;
  GObject *resp = hms_result_obj (call);
  if (kind >= 0)
    {
      hms_constraints_to_thrift (found, kind, resp);
      return TRUE;
    }
  g_autoptr (GObject) all = NULL;
  g_object_get (resp, "allTableConstraints", &all, NULL);
  if (all == NULL)
    all = g_object_new (THMS_TYPE_S_Q_L_ALL_TABLE_CONSTRAINTS, NULL);
  for (int k = 0; k < MS_CONSTRAINT_N_KINDS; k++)
    hms_constraints_to_thrift (found, k, all);
  g_object_set (resp, "allTableConstraints", all, NULL);
  return TRUE;
}
