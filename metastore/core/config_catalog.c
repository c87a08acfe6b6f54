/*
 * config_catalog.c: one catalog's own storage settings. A group
 * [catalog.<name>] of the configuration file, the environment variables
 * METASTORE_CATALOG_<NAME>_<GROUP>_<KEY> and --set
 * catalog.<name>.<group>.<key>=V record values of the keys below for the
 * catalog <name>; ms_config_for_catalog() makes the settings that catalog
 * works with (see config.h for what is and is not inherited). Values are
 * wiped when freed: some are secrets.
 */
#include "core/config.h"
#include "core/error.h"
#include <stdlib.h>
#include <string.h>

/* The keys a catalog may set for itself: where its data lies and how the
 * server reaches it. */
static const char *const catalog_keys[] = {
  "warehouse.root", "storage.allowed_locations",
  "s3.endpoint", "s3.region", "s3.path_style", "s3.access_key", "s3.secret_key",
  "s3.session_token", "s3.timeout_s", "s3.ca_file",
  "storage.sts_endpoint", "storage.sts_role_arn", "storage.sts_region",
  "storage.vend_duration_s", "storage.vend_refresh_s", "storage.vend_cache_entries",
  "storage.remote_signing", "storage.signer_uri", "storage.read_only_principals",
};

void
ms_config_catalog_print_reference (FILE *out)
{
  fprintf (out, "\n# [catalog.<name>]: the catalog <name>'s own storage settings, over the "
           "global ones.\n# warehouse.root is required (the catalog is made there at start "
           "when missing);\n# storage.allowed_locations defaults to that root; with its own "
           "s3.endpoint or s3.access_key\n# the global S3 keys and STS settings are not "
           "inherited. env METASTORE_CATALOG_<NAME>_<GROUP>_<KEY>.\n#[catalog.sales]\n");
  for (gsize i = 0; i < G_N_ELEMENTS (catalog_keys); i++)
    fprintf (out, "#%s =\n", catalog_keys[i]);
}

/* Not taken from the global settings when the group sets a key of
 * 'trigger' (NULL: never taken). */
static const struct {
  const char *key;
  const char *trigger[3];
} not_inherited[] = {
  { "warehouse.root", { NULL } },
  { "storage.allowed_locations", { NULL } },
  { "rest.allowed_locations", { NULL } },
  { "s3.access_key", { "s3.endpoint", "s3.access_key", NULL } },
  { "s3.secret_key", { "s3.endpoint", "s3.access_key", NULL } },
  { "s3.session_token", { "s3.endpoint", "s3.access_key", NULL } },
  { "storage.sts_endpoint", { "s3.endpoint", "s3.access_key", NULL } },
  { "storage.sts_role_arn", { "s3.endpoint", "s3.access_key", NULL } },
  { "storage.sts_region", { "s3.endpoint", "s3.access_key", NULL } },
};

static void
wipe_free (gpointer p)
{
  char *s = p;
  if (s != NULL)
    memset (s, 0, strlen (s));
  g_free (s);
}

gboolean
ms_config_catalog_key_allowed (const char *group, const char *key)
{
  g_autofree char *full = g_strdup_printf ("%s.%s", group, key);
  for (gsize i = 0; i < G_N_ELEMENTS (catalog_keys); i++)
    if (g_str_equal (catalog_keys[i], full))
      return TRUE;
  return FALSE;
}

static gboolean
valid_catalog_name (const char *name, gsize n)
{
  if (n == 0 || n > 128)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '_' && name[i] != '-')
      return FALSE;
  return TRUE;
}

gboolean
ms_config_catalog_set (MsConfig *cfg, const char *spec, const char *value, const char *origin,
                       GError **error)
{
  const char *dot = strchr (spec, '.');
  const char *dot2 = dot ? strchr (dot + 1, '.') : NULL;
  if (dot == NULL || dot2 == NULL || !valid_catalog_name (spec, (gsize) (dot - spec)))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "%s: catalog.%s: expected catalog.<name>.<group>.<key> (a name of letters, "
                    "digits, '_' and '-')", origin, spec);
  g_autofree char *group = g_strndup (dot + 1, (gsize) (dot2 - dot - 1));
  if (!ms_config_catalog_key_allowed (group, dot2 + 1))
    return ms_fail (error, MS_ERROR_INVALID_INPUT,
                    "%s: %s.%s cannot be set per catalog (catalog.%.*s)", origin, group, dot2 + 1,
                    (int) (dot - spec), spec);
  g_autofree char *name = g_ascii_strdown (spec, dot - spec);
  GHashTable *sets = g_hash_table_lookup (cfg->catalog_sets, name);
  if (sets == NULL)
    {
      sets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_free);
      g_hash_table_insert (cfg->catalog_sets, g_strdup (name), sets);
    }
  g_hash_table_replace (sets, g_strdup (dot + 1), g_strdup (value ? value : ""));
  return TRUE;
}

gboolean
ms_config_catalog_load_env (MsConfig *cfg, char **envp, GError **error)
{
  static const char prefix[] = "METASTORE_CATALOG_";
  for (char **e = envp; e && *e; e++)
    {
      const char *eq = strchr (*e, '=');
      if (!g_str_has_prefix (*e, prefix) || eq == NULL)
        continue;
      g_autofree char *var = g_strndup (*e, (gsize) (eq - *e));
      const char *rest = var + strlen (prefix);
      for (gsize i = 0; i < G_N_ELEMENTS (catalog_keys); i++)
        {
          g_autofree char *suffix = g_ascii_strup (catalog_keys[i], -1);
          g_strdelimit (suffix, ".", '_');
          gsize n = strlen (rest), m = strlen (suffix);
          if (n < m + 2 || rest[n - m - 1] != '_' || strcmp (rest + n - m, suffix) != 0)
            continue;
          g_autofree char *spec = g_strdup_printf ("%.*s.%s", (int) (n - m - 1), rest,
                                                   catalog_keys[i]);
          if (!ms_config_catalog_set (cfg, spec, eq + 1, var, error))
            return FALSE;
          break;
        }
    }
  return TRUE;
}

/* qsort hands over pointers to the elements */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

const char **
ms_config_catalog_names (const MsConfig *cfg, guint *n)
{
  *n = 0;
  if (cfg->catalog_sets == NULL)
    return g_new0 (const char *, 1);
  const char **names = (const char **) g_hash_table_get_keys_as_array (cfg->catalog_sets, n);
  qsort (names, *n, sizeof *names, compare_names);
  return names;
}

/* A deep copy of 'cfg' without its catalog groups. */
static MsConfig *
config_copy (const MsConfig *cfg)
{
  MsConfig *c = g_new (MsConfig, 1);
  *c = *cfg;
  for (gsize i = 0; i < ms_config_n_keys; i++)
    if (ms_config_keys[i].type == MS_CONF_STRING)
      {
        char **slot = (char **) ((char *) c + ms_config_keys[i].offset);
        *slot = g_strdup (*slot);
      }
  c->source = g_strdup (cfg->source);
  c->catalog_sets = NULL;
  return c;
}

static gboolean
group_sets_any (GHashTable *sets, const char *const *keys)
{
  for (; *keys; keys++)
    if (g_hash_table_contains (sets, *keys))
      return TRUE;
  return FALSE;
}

/* Apply "group.key" = value to 'c'. */
static gboolean
apply (MsConfig *c, const char *full, const char *value, const char *origin, GError **error)
{
  const char *dot = strchr (full, '.');
  g_autofree char *group = g_strndup (full, (gsize) (dot - full));
  return ms_config_set (c, group, dot + 1, value, origin, error);
}

MsConfig *
ms_config_for_catalog (const MsConfig *cfg, const char *name, GError **error)
{
  GHashTable *sets = cfg->catalog_sets ? g_hash_table_lookup (cfg->catalog_sets, name) : NULL;
  g_autofree char *origin = g_strdup_printf ("catalog.%s", name);
  if (sets == NULL)
    {
      ms_fail (error, MS_ERROR_NOT_FOUND, "%s: no such group", origin);
      return NULL;
    }
  g_autoptr (MsConfig) c = config_copy (cfg);
  for (gsize i = 0; i < G_N_ELEMENTS (not_inherited); i++)
    if (not_inherited[i].trigger[0] == NULL || group_sets_any (sets, not_inherited[i].trigger))
      apply (c, not_inherited[i].key, NULL, origin, NULL);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, sets);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (!apply (c, k, v, origin, error))
      return NULL;
  g_autoptr (GError) local = NULL;
  if (c->warehouse == NULL)
    ms_fail (&local, MS_ERROR_INVALID_INPUT, "warehouse.root must be set: the catalog's root");
  else if (g_hash_table_contains (sets, "s3.endpoint") && c->s3_access_key == NULL)
    ms_fail (&local, MS_ERROR_INVALID_INPUT, "s3.endpoint needs the catalog's own s3.access_key "
             "and s3.secret_key (the global keys are not sent to another endpoint)");
  else
    ms_config_validate (c, &local);
  if (local != NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "%s: %s", origin, local->message);
      return NULL;
    }
  return g_steal_pointer (&c);
}
