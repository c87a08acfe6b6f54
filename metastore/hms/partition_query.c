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
hms_part_read_init (HmsPartRead *r, const char *raw_db, const char *cat_override, const char *table, int max_parts,
           GError **error)
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

void
hms_part_read_values (HmsPartRead *r, const GPtrArray *values, gboolean partial)
{
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
      char *n = ms_part_name_lower_keys (g_ptr_array_index (names, i), NULL);
      g_ptr_array_add (r->names, n ? n : g_strdup (""));
    }
  r->q.by_names = TRUE;
  r->q.names = (const char *const *) r->names->pdata;
  r->q.n_names = r->names->len;
}

/* A filter string (NULL or blank: none); parse errors are MetaExceptions
 * with the position. */
gboolean
hms_part_read_filter (HmsPartRead *r, const char *filter, GError **error)
{
  g_autofree char *blank = g_strstrip (g_strdup (filter ? filter : ""));
  if (*blank == '\0')
    return TRUE;
  r->filter = ms_filter_parse (filter, error);
  if (r->filter == NULL)
    {
      (*error)->code = MS_ERROR_NOT_ALLOWED;
      return FALSE;
    }
  r->q.filter = r->filter;
  return TRUE;
}

/* Store errors of reads: filter problems are MetaExceptions. */
GError *
hms_part_meta_filter (GError *err)
{
  if (err && err->domain == MS_ERROR && err->code == MS_ERROR_INVALID_INPUT)
    err->code = MS_ERROR_NOT_ALLOWED;
  return err;
}

