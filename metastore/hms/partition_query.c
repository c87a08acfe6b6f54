/*
 * partition_query.c: a partition read request of the HMS door resolved
 * into a store query (see partition_query.h).
 */
#include "hms/partition_query.h"
#include "core/part_name.h"

void
hms_part_read_clear (HmsPartRead *r)
{
  g_free (r->catalog);
  g_free (r->db);
  g_free (r->table);
  if (r->names)
    g_ptr_array_unref (r->names);
  ms_filter_node_free (r->filter);
}

gboolean
hms_part_read_init (HmsPartRead *r, const char *raw_db, const char *cat_override,
                    const char *table, int max_parts, GError **error)
{
  if (!hms_resolve_db (raw_db, cat_override, &r->catalog, &r->db, error))
    return FALSE;
  r->table = g_ascii_strdown (table ? table : "", -1);
  r->q.catalog = r->catalog;
  r->q.db = r->db;
  r->q.table = r->table;
  r->q.max_parts = max_parts < 0 ? -1 : max_parts;
  return TRUE;
}

gboolean
hms_part_read_init_args (HmsPartRead *r, HmsCall *call, GError **error)
{
  int max_parts = hms_arg_has (call, "max_parts") ? (int) hms_arg_int (call, "max_parts") : -1;
  if (!hms_part_read_init (r, hms_arg_str (call, "db_name"), NULL, hms_arg_str (call, "tbl_name"),
                           max_parts, error))
    return FALSE;
  if (hms_arg_has (call, "part_vals"))
    hms_part_read_values (r, hms_arg_obj (call, "part_vals"), TRUE);
  return TRUE;
}

void
hms_part_read_values (HmsPartRead *r, const GPtrArray *values, gboolean partial)
{
  if (values == NULL && partial)
    return;   /* the _req forms without values: every partition */
  r->q.by_values = !partial;
  r->q.partial = partial;
  r->q.values = values ? (const char *const *) values->pdata : NULL;
  r->q.n_values = values ? values->len : 0;
}

void
hms_part_read_names (HmsPartRead *r, const GPtrArray *names)
{
  r->names = ms_strings_new ();
  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_ptr_array_add (r->names, g_strdup (n ? n : ""));
    }
  r->q.by_names = TRUE;
  r->q.names = (const char *const *) r->names->pdata;
  r->q.n_names = r->names->len;
}

gboolean
hms_part_read_filter (HmsPartRead *r, const char *filter, GError **error)
{
  g_autofree char *blank = g_strstrip (g_strdup (filter ? filter : ""));
  if (*blank == '\0')
    return TRUE;
  r->filter = ms_filter_parse (filter, error);
  if (r->filter == NULL)
    return FALSE;
  r->q.filter = r->filter;
  return TRUE;
}
