/*
 * delegation.c: vended credentials and remote signing for one table
 * location (see delegation.h). The session policy allows the objects under
 * "<bucket>/<key>/" and a listing of that prefix, nothing else; the
 * credentials come from the STS (storage/sts.c) and are cached per
 * (location, scope) in a bounded table. Remote signing checks the client's
 * request (method for the scope, URL under the location) before our SigV4
 * signer (storage/sigv4.c) signs it with the server's keys.
 */
#include "service/delegation.h"
#include "storage/sigv4.h"
#include "core/error.h"
#include "core/json_text.h"
#include "core/log.h"
#include <string.h>

typedef struct {
  MsStsCredentials creds;
} CacheEntry;

struct _MsDelegation {
  MsStsOptions sts;
  MsStorage *storage;          /* borrowed */
  const MsS3Options *s3;       /* borrowed */
  gboolean remote_signing;
  char *signer_uri;
  int refresh_s;
  guint max_entries;
  GHashTable *read_only;       /* subjects */
  GMutex lock;
  GHashTable *cache;           /* "<scope>\n<location>" -> CacheEntry */
};

static void
cache_entry_free (gpointer p)
{
  CacheEntry *e = p;
  ms_sts_credentials_clear (&e->creds);
  g_free (e);
}

MsDelegation *
ms_delegation_new (const MsConfig *cfg, const MsS3Options *s3, MsStorage *storage)
{
  MsDelegation *d = g_new0 (MsDelegation, 1);
  d->sts.endpoint = g_strdup (cfg->storage_sts_endpoint);
  d->sts.role_arn = g_strdup (cfg->storage_sts_role_arn);
  d->sts.region = g_strdup (cfg->storage_sts_region);
  d->sts.duration_s = cfg->storage_vend_duration_s;
  d->storage = storage;
  d->s3 = s3;
  d->remote_signing = cfg->storage_remote_signing != 0;
  d->signer_uri = g_strdup (cfg->storage_signer_uri);
  d->refresh_s = cfg->storage_vend_refresh_s;
  d->max_entries = (guint) MAX (cfg->storage_vend_cache_entries, 0);
  d->read_only = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) names = g_strsplit (cfg->storage_read_only_principals
                                     ? cfg->storage_read_only_principals : "", ",", -1);
  for (guint i = 0; names[i]; i++)
    {
      char *n = g_strstrip (g_strdup (names[i]));
      if (*n)
        g_hash_table_add (d->read_only, n);
      else
        g_free (n);
    }
  g_mutex_init (&d->lock);
  d->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cache_entry_free);
  return d;
}

void
ms_delegation_free (MsDelegation *d)
{
  if (d == NULL)
    return;
  g_free (d->sts.endpoint);
  g_free (d->sts.role_arn);
  g_free (d->sts.region);
  g_free (d->signer_uri);
  g_hash_table_unref (d->read_only);
  g_hash_table_unref (d->cache);
  g_mutex_clear (&d->lock);
  g_free (d);
}

gboolean
ms_delegation_vends (const MsDelegation *d)
{
  return d != NULL && d->sts.endpoint != NULL;
}

gboolean
ms_delegation_signs (const MsDelegation *d)
{
  return d != NULL && d->remote_signing;
}

const MsS3Options *
ms_delegation_s3 (const MsDelegation *d)
{
  return d->s3;
}

const char *
ms_delegation_signer_uri (const MsDelegation *d)
{
  return d ? d->signer_uri : NULL;
}

MsDelegateScope
ms_delegation_scope_of (const MsDelegation *d, const char *subject)
{
  if (subject != NULL && g_hash_table_contains (d->read_only, subject))
    return MS_DELEGATE_READ;
  return MS_DELEGATE_WRITE;
}

/* ---- the session policy ---- */

/* The bucket and the key (no trailing '/') of an S3 table location that
 * may be delegated. */
static gboolean
delegable_location (const char *location, MsS3Location *loc, char **key, GError **error)
{
  if (location == NULL || !ms_s3_parse_location (location, loc, NULL))
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "Access delegation is only for S3 locations (s3://, s3a://), not %s",
                    location ? location : "(none)");
  g_autofree char *k = g_strdup (loc->key);
  gsize n = strlen (k);
  while (n > 0 && k[n - 1] == '/')
    k[--n] = '\0';
  if (n == 0)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "Access delegation is refused for a bucket root: %s", location);
  if (strpbrk (k, "*?$") != NULL || strpbrk (loc->bucket, "*?$") != NULL)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "Access delegation is refused for a location with '*', '?' or '$': %s",
                    location);
  *key = g_steal_pointer (&k);
  return TRUE;
}

static void
json_strings (GString *out, const char *const *items)
{
  g_string_append_c (out, '[');
  for (guint i = 0; items[i]; i++)
    {
      if (i)
        g_string_append_c (out, ',');
      ms_json_text_append_string (out, items[i]);
    }
  g_string_append_c (out, ']');
}

char *
ms_delegation_policy (const char *location, MsDelegateScope scope, GError **error)
{
  g_auto (MsS3Location) loc = { 0 };
  g_autofree char *key = NULL;
  if (!delegable_location (location, &loc, &key, error))
    return NULL;
  static const char *const read[] = { "s3:GetObject", "s3:GetObjectVersion", NULL };
  static const char *const write[] = {
    "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject",
    "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", NULL,
  };
  g_autofree char *objects = g_strdup_printf ("arn:aws:s3:::%s/%s/*", loc.bucket, key);
  g_autofree char *bucket = g_strdup_printf ("arn:aws:s3:::%s", loc.bucket);
  g_autofree char *sub = g_strdup_printf ("%s/*", key);
  const char *const objects_v[] = { objects, NULL };
  const char *const bucket_v[] = { bucket, NULL };
  const char *const prefixes[] = { key, sub, NULL };
  const char *const list[] = { "s3:ListBucket", NULL };
  const char *const location_v[] = { "s3:GetBucketLocation", NULL };
  GString *p = g_string_new ("{\"Version\":\"2012-10-17\",\"Statement\":[");
  g_string_append (p, "{\"Effect\":\"Allow\",\"Action\":");
  json_strings (p, scope == MS_DELEGATE_WRITE ? write : read);
  g_string_append (p, ",\"Resource\":");
  json_strings (p, objects_v);
  g_string_append (p, "},{\"Effect\":\"Allow\",\"Action\":");
  json_strings (p, list);
  g_string_append (p, ",\"Resource\":");
  json_strings (p, bucket_v);
  g_string_append (p, ",\"Condition\":{\"StringLike\":{\"s3:prefix\":");
  json_strings (p, prefixes);
  g_string_append (p, "}}},{\"Effect\":\"Allow\",\"Action\":");
  json_strings (p, location_v);
  g_string_append (p, ",\"Resource\":");
  json_strings (p, bucket_v);
  g_string_append (p, "}]}");
  return g_string_free (p, FALSE);
}

/* ---- vended credentials, cached ---- */

static void
credentials_copy (const MsStsCredentials *from, MsStsCredentials *to)
{
  to->access_key = g_strdup (from->access_key);
  to->secret_key = g_strdup (from->secret_key);
  to->session_token = g_strdup (from->session_token);
  to->expires_at_ms = from->expires_at_ms;
}

/* Make room for one more entry: what is about to expire goes, and when
 * that is not enough, everything (the cache stays bounded). Locked. */
static void
cache_make_room (MsDelegation *d, gint64 fresh_after_ms)
{
  if (g_hash_table_size (d->cache) < d->max_entries)
    return;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init (&it, d->cache);
  while (g_hash_table_iter_next (&it, NULL, &v))
    if (((CacheEntry *) v)->creds.expires_at_ms <= fresh_after_ms)
      g_hash_table_iter_remove (&it);
  if (g_hash_table_size (d->cache) >= d->max_entries)
    g_hash_table_remove_all (d->cache);
}

gboolean
ms_delegation_credentials (MsDelegation *d, const char *location, MsDelegateScope scope,
                           MsStsCredentials *out, GError **error)
{
  g_autofree char *policy = ms_delegation_policy (location, scope, error);
  if (policy == NULL)
    return FALSE;
  g_autofree char *ckey = g_strdup_printf ("%d\n%s", (int) scope, location);
  gint64 fresh_after_ms = g_get_real_time () / 1000 + (gint64) d->refresh_s * 1000;
  g_mutex_lock (&d->lock);
  CacheEntry *e = g_hash_table_lookup (d->cache, ckey);
  gboolean hit = e != NULL && e->creds.expires_at_ms > fresh_after_ms;
  if (hit)
    credentials_copy (&e->creds, out);
  g_mutex_unlock (&d->lock);
  if (hit)
    return TRUE;
  /* not under the lock: two misses of one key both ask; the later wins */
  g_auto (MsStsCredentials) got = { 0 };
  if (!ms_sts_assume_role (d->storage, &d->sts, policy, &got, error))
    return FALSE;
  credentials_copy (&got, out);
  if (d->max_entries == 0 || got.expires_at_ms <= fresh_after_ms)
    return TRUE;
  CacheEntry *n = g_new0 (CacheEntry, 1);
  credentials_copy (&got, &n->creds);
  g_mutex_lock (&d->lock);
  cache_make_room (d, fresh_after_ms);
  g_hash_table_replace (d->cache, g_steal_pointer (&ckey), n);
  g_mutex_unlock (&d->lock);
  return TRUE;
}

guint
ms_delegation_cached (MsDelegation *d)
{
  g_mutex_lock (&d->lock);
  guint n = g_hash_table_size (d->cache);
  g_mutex_unlock (&d->lock);
  return n;
}
