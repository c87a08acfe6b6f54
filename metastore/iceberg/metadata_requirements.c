/*
 * metadata_requirements.c: the 8 TableRequirement types of a commit
 * (ms_iceberg_requirements_check), with the messages of Iceberg's
 * UpdateRequirement so clients see the same CommitFailedException text.
 */
#include "iceberg/metadata_internal.h"
#include <string.h>

typedef enum {
  REQ_CREATE, REQ_UUID, REQ_REF, REQ_LAST_FIELD, REQ_SCHEMA, REQ_LAST_PARTITION, REQ_SPEC, REQ_ORDER,
} ReqKind;

static const struct {
  const char *type;
  const char *member;          /* required member besides "type" */
} req_types[] = {
  [REQ_CREATE] = { "assert-create", NULL },
  [REQ_UUID] = { "assert-table-uuid", "uuid" },
  [REQ_REF] = { "assert-ref-snapshot-id", "ref" },
  [REQ_LAST_FIELD] = { "assert-last-assigned-field-id", "last-assigned-field-id" },
  [REQ_SCHEMA] = { "assert-current-schema-id", "current-schema-id" },
  [REQ_LAST_PARTITION] = { "assert-last-assigned-partition-id", "last-assigned-partition-id" },
  [REQ_SPEC] = { "assert-default-spec-id", "default-spec-id" },
  [REQ_ORDER] = { "assert-default-sort-order-id", "default-sort-order-id" },
};

/* The kind of requirement 'r', checking its members; -1 with the error. */
static int
req_kind (JsonObject *r, GError **error)
{
  const char *type = ice_get_str (r, "type");
  if (r == NULL || type == NULL)
    return ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid requirement: an object with a string type"), -1;
  for (guint k = 0; k < G_N_ELEMENTS (req_types); k++)
    {
      if (strcmp (type, req_types[k].type) != 0)
        continue;
      const char *m = req_types[k].member;
      gint64 v;
      gboolean ok = m == NULL || (k == REQ_UUID || k == REQ_REF ? ice_get_str (r, m) != NULL : ice_get_int (r, m, &v));
      /* assert-ref-snapshot-id: snapshot-id is an integer or null (the ref must not exist) */
      if (ok && k == REQ_REF && !ice_absent (r, "snapshot-id") && !ice_get_int (r, "snapshot-id", &v))
        ok = FALSE;
      if (!ok)
        return ms_fail (error, MS_ERROR_INVALID_INPUT, "Invalid requirement %s: missing or invalid %s", type,
                        k == REQ_REF ? "ref or snapshot-id" : m), -1;
      return (int) k;
    }
  return ms_fail (error, MS_ERROR_INVALID_INPUT, "Unknown requirement type: %s", type), -1;
}

#define failed(error, ...) \
  ms_fail_prefixed ((error), MS_ERROR_CONFLICT, "Requirement failed", __VA_ARGS__)

/* One int requirement: the table's 'member' must equal the requirement's 'want'. */
static gboolean
check_id (const MsIcebergMetadata *md, JsonObject *r, const char *req_member, const char *md_member,
          const char *what, GError **error)
{
  gint64 want = ice_int_or (r, req_member, 0), have = ice_int_or (md->root, md_member, 0);
  if (want != have)
    return failed (error, "%s changed: expected id %" G_GINT64_FORMAT " != %" G_GINT64_FORMAT, what, want, have);
  return TRUE;
}

static gboolean
check_ref (const MsIcebergMetadata *md, JsonObject *r, GError **error)
{
  const char *name = ice_get_str (r, "ref");
  JsonObject *ref = md != NULL ? ice_get_obj (ice_get_obj (md->root, "refs"), name) : NULL;
  gint64 want;
  gboolean has_want = ice_get_int (r, "snapshot-id", &want);
  if (ref != NULL)
    {
      const char *type = g_strcmp0 (ice_get_str (ref, "type"), "tag") == 0 ? "tag" : "branch";
      gint64 have = ice_int_or (ref, "snapshot-id", -1);
      if (!has_want)
        return failed (error, "%s %s was created concurrently", type, name);
      if (want != have)
        return failed (error, "%s %s has changed: expected id %" G_GINT64_FORMAT " != %" G_GINT64_FORMAT, type,
                       name, want, have);
      return TRUE;
    }
  if (has_want)
    return failed (error, "branch or tag %s is missing, expected %" G_GINT64_FORMAT, name, want);
  return TRUE;
}

static gboolean
check_one (const MsIcebergMetadata *md, JsonObject *r, ReqKind k, GError **error)
{
  if (k == REQ_CREATE)
    return md == NULL || failed (error, "table already exists");
  if (k == REQ_REF)
    return check_ref (md, r, error);
  /* Iceberg skips these two when there is no table yet (create transactions). */
  if (md == NULL && (k == REQ_LAST_FIELD || k == REQ_LAST_PARTITION))
    return TRUE;
  if (md == NULL)
    return failed (error, "table does not exist (%s)", req_types[k].type);
  switch (k)
    {
    case REQ_UUID:
      {
        const char *want = ice_get_str (r, "uuid"), *have = ms_iceberg_metadata_uuid (md);
        /* Java's AssertTableUUID: the table's uuid first, then the requirement's */
        if (have == NULL || g_ascii_strcasecmp (want, have) != 0)
          return failed (error, "UUID does not match: expected %s != %s", have != NULL ? have : "null", want);
        return TRUE;
      }
    case REQ_LAST_FIELD:
      return check_id (md, r, "last-assigned-field-id", "last-column-id", "last assigned field id", error);
    case REQ_SCHEMA:
      return check_id (md, r, "current-schema-id", "current-schema-id", "current schema", error);
    case REQ_LAST_PARTITION:
      return check_id (md, r, "last-assigned-partition-id", "last-partition-id", "last assigned partition id",
                       error);
    case REQ_SPEC:
      return check_id (md, r, "default-spec-id", "default-spec-id", "default partition spec", error);
    case REQ_ORDER:
      return check_id (md, r, "default-sort-order-id", "default-sort-order-id", "default sort order", error);
    default:
      return TRUE;
    }
}

gboolean
ms_iceberg_requirements_check (const MsIcebergMetadata *current, JsonArray *requirements, GError **error)
{
  guint n = requirements != NULL ? json_array_get_length (requirements) : 0;
  for (guint i = 0; i < n; i++)
    if (req_kind (ice_elem_obj (requirements, i), error) < 0)
      return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *r = ice_elem_obj (requirements, i);
      if (!check_one (current, r, (ReqKind) req_kind (r, NULL), error))
        return FALSE;
    }
  return TRUE;
}
