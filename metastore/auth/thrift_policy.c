/*
 * thrift_policy.c: the Thrift door's authorization rules (see
 * thrift_policy.h): parsing thrift.auth.rules and deciding one call.
 * Entry points: ms_thrift_policy_parse, ms_thrift_policy_check.
 */
#include "auth/thrift_policy.h"
#include "core/error.h"
#include <gio/gio.h>
#include <string.h>

#define MAX_RULES 4096
#define DEFAULT_CATALOG "hive"

typedef enum { MATCH_ANY, MATCH_ADDR, MATCH_CERT, MATCH_UGI } MatchKind;

typedef struct {
  MatchKind kind;
  char *pattern;               /* cert: lower case; ugi: as written */
  GInetAddressMask *mask;      /* addr */
} Matcher;

typedef struct {
  char *catalog;               /* lower-case patterns */
  char *database;
} Scope;

typedef struct {
  GPtrArray *matchers;         /* Matcher*, all must match */
  MsGrant role;
  GPtrArray *scopes;           /* Scope*; NULL: every database */
} Rule;

struct _MsThriftPolicy {
  gint refs;
  GPtrArray *rules;            /* Rule* */
  MsGrant default_role;
};

static const char *const role_names[] = { "none", "read", "write", "admin" };

static void
matcher_free (gpointer p)
{
  Matcher *m = p;
  g_free (m->pattern);
  g_clear_object (&m->mask);
  g_free (m);
}

static void
scope_free (gpointer p)
{
  Scope *s = p;
  g_free (s->catalog);
  g_free (s->database);
  g_free (s);
}

static void
rule_free (gpointer p)
{
  Rule *r = p;
  g_ptr_array_unref (r->matchers);
  if (r->scopes)
    g_ptr_array_unref (r->scopes);
  g_free (r);
}

MsThriftPolicy *
ms_thrift_policy_ref (MsThriftPolicy *p)
{
  if (p != NULL)
    g_atomic_int_inc (&p->refs);
  return p;
}

void
ms_thrift_policy_unref (MsThriftPolicy *p)
{
  if (p == NULL || !g_atomic_int_dec_and_test (&p->refs))
    return;
  g_ptr_array_unref (p->rules);
  g_free (p);
}

/* ---- parsing ---- */

static gboolean
parse_role (const char *text, MsGrant *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_ascii_strcasecmp (text, role_names[i]) == 0)
      {
        *out = (MsGrant) i;
        return TRUE;
      }
  return FALSE;
}

/* One matcher, "addr:CIDR", "cert:NAME", "ugi:NAME" or "*"; NULL and a
 * reason in 'why' when it is none of them. */
static Matcher *
parse_matcher (const char *text, const char **why)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  Matcher *m = g_new0 (Matcher, 1);
  const char *colon = strchr (t, ':');
  const char *value = colon ? colon + 1 : "";
  if (g_str_equal (t, "*"))
    m->kind = MATCH_ANY;
  else if (g_str_has_prefix (t, "addr:"))
    {
      m->kind = MATCH_ADDR;
      m->mask = g_inet_address_mask_new_from_string (value, NULL);
      if (m->mask == NULL)
        *why = "addr: needs an IP address or CIDR range (10.0.0.0/8, ::1/128)";
    }
  else if (g_str_has_prefix (t, "cert:") || g_str_has_prefix (t, "ugi:"))
    {
      m->kind = t[0] == 'c' ? MATCH_CERT : MATCH_UGI;
      m->pattern = m->kind == MATCH_CERT ? g_ascii_strdown (value, -1) : g_strdup (value);
      if (*value == '\0')
        *why = "cert: and ugi: need a name";
    }
  else
    *why = "a matcher is addr:CIDR, cert:NAME, ugi:NAME or *";
  if (*why != NULL)
    {
      matcher_free (m);
      return NULL;
    }
  return m;
}

/* "db", "catalog.db", wildcards allowed */
static Scope *
parse_scope (const char *text, const char **why)
{
  g_autofree char *t = g_ascii_strdown (text, -1);
  g_strstrip (t);
  const char *dot = strchr (t, '.');
  const char *db = dot ? dot + 1 : t;
  if (*t == '\0' || *db == '\0' || (dot && dot == t) || strchr (db, '.') != NULL)
    {
      *why = "a database is 'db' or 'catalog.db'";
      return NULL;
    }
  Scope *s = g_new0 (Scope, 1);
  s->catalog = dot ? g_strndup (t, (gsize) (dot - t)) : g_strdup (DEFAULT_CATALOG);
  s->database = g_strdup (db);
  return s;
}

/* The right side of "->": "ROLE [SCOPE,...]". */
static gboolean
parse_grant (Rule *r, const char *text, const char **why)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  char *space = strpbrk (t, " \t");
  const char *scope = "";
  if (space)
    {
      *space = '\0';
      scope = space + 1;
    }
  if (!parse_role (t, &r->role))
    {
      *why = "the role is none, read, write or admin";
      return FALSE;
    }
  g_auto (GStrv) items = g_strsplit (scope, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      if (*g_strstrip (items[i]) == '\0')
        continue;
      if (r->role == MS_GRANT_NONE || r->role == MS_GRANT_ADMIN)
        {
          *why = "only read and write take a list of databases";
          return FALSE;
        }
      Scope *s = parse_scope (items[i], why);
      if (s == NULL)
        return FALSE;
      if (r->scopes == NULL)
        r->scopes = g_ptr_array_new_with_free_func (scope_free);
      g_ptr_array_add (r->scopes, s);
    }
  return TRUE;
}

static Rule *
parse_rule (const char *text, const char **why)
{
  const char *arrow = strstr (text, "->");
  if (arrow == NULL)
    {
      *why = "a rule is 'MATCHER [& MATCHER...] -> ROLE [DATABASES]'";
      return NULL;
    }
  Rule *r = g_new0 (Rule, 1);
  r->matchers = g_ptr_array_new_with_free_func (matcher_free);
  g_autofree char *left = g_strndup (text, (gsize) (arrow - text));
  g_auto (GStrv) parts = g_strsplit (left, "&", -1);
  for (guint i = 0; parts[i] != NULL && *why == NULL; i++)
    {
      Matcher *m = parse_matcher (parts[i], why);
      if (m)
        g_ptr_array_add (r->matchers, m);
    }
  if (*why == NULL)
    parse_grant (r, arrow + 2, why);
  if (*why != NULL)
    {
      rule_free (r);
      return NULL;
    }
  return r;
}

MsThriftPolicy *
ms_thrift_policy_parse (const char *rules, const char *default_role, GError **error)
{
  g_autoptr (MsThriftPolicy) p = g_new0 (MsThriftPolicy, 1);
  p->refs = 1;
  p->rules = g_ptr_array_new_with_free_func (rule_free);
  if (!parse_role (default_role ? default_role : "admin", &p->default_role))
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT,
               "thrift.auth.default: '%s' is not a role (none, read, write or admin)",
               default_role);
      return NULL;
    }
  if (rules != NULL && !g_utf8_validate (rules, -1, NULL))
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "thrift.auth.rules: not UTF-8 text");
      return NULL;
    }
  g_auto (GStrv) lines = g_strsplit_set (rules ? rules : "", ";\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      if (*line == '\0' || *line == '#')
        continue;
      const char *why = NULL;
      Rule *r = p->rules->len >= MAX_RULES ? (why = "too many rules", NULL)
                                          : parse_rule (line, &why);
      if (r == NULL)
        {
          ms_fail (error, MS_ERROR_INVALID_INPUT, "thrift.auth.rules: rule '%s': %s", line, why);
          return NULL;
        }
      g_ptr_array_add (p->rules, r);
    }
  return g_steal_pointer (&p);
}

guint
ms_thrift_policy_n_rules (const MsThriftPolicy *p)
{
  return p->rules->len;
}

gboolean
ms_thrift_policy_allows_all (const MsThriftPolicy *p)
{
  return p == NULL || (p->rules->len == 0 && p->default_role == MS_GRANT_ADMIN);
}

/* ---- deciding ---- */

/* A wildcard match; a string that is not UTF-8 matches nothing (GLib's
 * matcher asserts on it, and a certificate name may hold any byte). */
static gboolean
glob_match (const char *pattern, const char *s)
{
  return s != NULL && g_utf8_validate (s, -1, NULL) && g_pattern_match_simple (pattern, s);
}

static gboolean
address_matches (GInetAddressMask *mask, const char *address)
{
  if (address == NULL)
    return FALSE;
  /* an IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d */
  if (g_ascii_strncasecmp (address, "::ffff:", 7) == 0 && strchr (address, '.') != NULL)
    address += 7;
  g_autoptr (GInetAddress) a = g_inet_address_new_from_string (address);
  return a != NULL && g_inet_address_get_family (a) == g_inet_address_mask_get_family (mask)
         && g_inet_address_mask_matches (mask, a);
}

static gboolean
matcher_matches (const Matcher *m, const MsThriftIdentity *id)
{
  switch (m->kind)
    {
    case MATCH_ANY:
      return TRUE;
    case MATCH_ADDR:
      return address_matches (m->mask, id->address);
    case MATCH_UGI:
      return glob_match (m->pattern, id->ugi_user);
    case MATCH_CERT:
      for (guint i = 0; id->cert_names && id->cert_names[i]; i++)
        {
          g_autofree char *name = g_ascii_strdown (id->cert_names[i], -1);
          if (glob_match (m->pattern, name))
            return TRUE;
        }
      return FALSE;
    }
  return FALSE;
}

static gboolean
rule_matches (const Rule *r, const MsThriftIdentity *id)
{
  for (guint i = 0; i < r->matchers->len; i++)
    if (!matcher_matches (g_ptr_array_index (r->matchers, i), id))
      return FALSE;
  return TRUE;
}

/* What the identity was granted: the best unscoped role, and the scoped rules. */
typedef struct {
  MsGrant everywhere;
  GPtrArray *scoped;           /* const Rule*, not owned */
} Grants;

struct _MsThriftGrants {
  Grants g;
  MsThriftPolicy *policy;      /* a reference: the rules 'g' points into */
};

static void
grants_collect (const MsThriftPolicy *p, const MsThriftIdentity *id, Grants *g)
{
  gboolean matched = FALSE;
  g->everywhere = MS_GRANT_NONE;
  g->scoped = g_ptr_array_new ();
  for (guint i = 0; p != NULL && i < p->rules->len; i++)
    {
      const Rule *r = g_ptr_array_index (p->rules, i);
      if (!rule_matches (r, id))
        continue;
      matched = TRUE;
      if (r->scopes == NULL)
        g->everywhere = MAX (g->everywhere, r->role);
      else
        g_ptr_array_add (g->scoped, (gpointer) r);
    }
  if (!matched)
    g->everywhere = p ? p->default_role : MS_GRANT_ADMIN;
}

static gboolean
rule_covers (const Rule *r, const char *catalog, const char *database)
{
  g_autofree char *cat = g_ascii_strdown (catalog, -1);
  g_autofree char *db = g_ascii_strdown (database, -1);
  for (guint i = 0; i < r->scopes->len; i++)
    {
      const Scope *s = g_ptr_array_index (r->scopes, i);
      if (glob_match (s->catalog, cat) && glob_match (s->database, db))
        return TRUE;
    }
  return FALSE;
}

/* Does 'g' give 'need' on catalog.database (NULL database: on any)? */
static gboolean
grants_allow (const Grants *g, MsGrant need, const char *catalog, const char *database)
{
  if (g->everywhere >= need)
    return TRUE;
  for (guint i = 0; i < g->scoped->len; i++)
    {
      const Rule *r = g_ptr_array_index (g->scoped, i);
      if (r->role >= need && (database == NULL || rule_covers (r, catalog, database)))
        return TRUE;
    }
  return FALSE;
}

/* "client 10.1.2.3, certificate 'etl.example.com', set_ugi user 'bob' (an
 * unauthenticated claim)" */
static char *
describe_identity (const MsThriftIdentity *id)
{
  GString *s = g_string_new ("client ");
  g_string_append (s, id->address ? id->address : "(unknown address)");
  if (id->cert_names && id->cert_names[0])
    g_string_append_printf (s, ", certificate '%s'", id->cert_names[0]);
  if (id->ugi_user)
    g_string_append_printf (s, ", set_ugi user '%s' (an unauthenticated claim)", id->ugi_user);
  return g_string_free (s, FALSE);
}

static void
append_scoped (GString *s, const Grants *g, MsGrant role)
{
  gboolean first = TRUE;
  for (guint i = 0; i < g->scoped->len; i++)
    {
      const Rule *r = g_ptr_array_index (g->scoped, i);
      for (guint k = 0; r->role == role && k < r->scopes->len; k++)
        {
          const Scope *sc = g_ptr_array_index (r->scopes, k);
          g_string_append_printf (s, "%s%s%s.%s", s->len && first ? "; " : "",
                                  first ? (role == MS_GRANT_READ ? "read " : "write ") : ", ",
                                  sc->catalog, sc->database);
          first = FALSE;
        }
    }
}

/* "read every database; write hive.sales" */
static char *
describe_grants (const Grants *g)
{
  GString *s = g_string_new (NULL);
  if (g->everywhere == MS_GRANT_ADMIN)
    return g_string_free (g_string_append (s, "do everything"), FALSE);
  if (g->everywhere != MS_GRANT_NONE)
    g_string_append_printf (s, "%s every database", role_names[g->everywhere]);
  append_scoped (s, g, MS_GRANT_READ);
  append_scoped (s, g, MS_GRANT_WRITE);
  if (s->len == 0)
    g_string_append (s, "make no catalog call");
  return g_string_free (s, FALSE);
}

static const char *
catalog_of (const MsThriftRequest *rq, guint i)
{
  const char *c = rq->catalogs ? rq->catalogs[i] : NULL;
  return c && *c ? c : DEFAULT_CATALOG;
}

/* The index of the first database of 'rq' that 'g' does not give 'need'
 * on; -1 when the call names none and no grant reaches 'need' anywhere;
 * -2 when allowed. */
static int
first_refused (const Grants *g, const MsThriftRequest *rq, MsGrant need)
{
  if (rq->databases == NULL || rq->databases[0] == NULL)
    return grants_allow (g, need, DEFAULT_CATALOG, NULL) ? -2 : -1;
  for (guint i = 0; rq->databases[i] != NULL; i++)
    if (!grants_allow (g, need, catalog_of (rq, i), rq->databases[i]))
      return (int) i;
  return -2;
}

gboolean
ms_thrift_policy_check (const MsThriftPolicy *p, const MsThriftIdentity *id,
                        const MsThriftRequest *rq, GError **error)
{
  if (rq->access == MS_CALL_OPEN)
    return TRUE;
  if (rq->read_only_listener && rq->access >= MS_CALL_WRITE)
    return ms_fail (error, MS_ERROR_NOT_ALLOWED,
                    "%s refused: this Thrift listener is read-only (it serves reads only)",
                    rq->method);
  Grants g;
  grants_collect (p, id, &g);
  g_autoptr (GPtrArray) scoped = g.scoped;
  MsGrant need = rq->access == MS_CALL_READ    ? MS_GRANT_READ
                : rq->access == MS_CALL_WRITE ? MS_GRANT_WRITE
                                                : MS_GRANT_ADMIN;
  int refused = need == MS_GRANT_ADMIN ? (g.everywhere == MS_GRANT_ADMIN ? -2 : -1)
                                       : first_refused (&g, rq, need);
  if (refused == -2)
    return TRUE;
  g_autofree char *who = describe_identity (id);
  g_autofree char *may = describe_grants (&g);
  g_autofree char *what = NULL;
  if (need == MS_GRANT_ADMIN)
    what = g_strdup ("is an administration call (admin only)");
  else if (refused < 0)
    what = g_strdup_printf ("needs %s access", role_names[need]);
  else
    what = g_strdup_printf ("%s %s.%s", need == MS_GRANT_READ ? "reads" : "writes",
                            catalog_of (rq, (guint) refused), rq->databases[refused]);
  return ms_fail (error, MS_ERROR_NOT_ALLOWED, "%s refused: %s may %s; this call %s", rq->method,
                  who, may, what);
}

/* ---- filtering listings ---- */

MsThriftGrants *
ms_thrift_policy_grants (const MsThriftPolicy *p, const MsThriftIdentity *id)
{
  MsThriftGrants *out = g_new0 (MsThriftGrants, 1);
  out->policy = ms_thrift_policy_ref ((MsThriftPolicy *) p);
  grants_collect (p, id, &out->g);
  return out;
}

gboolean
ms_thrift_grants_may_read (const MsThriftGrants *g, const char *catalog, const char *database)
{
  return database != NULL
         && grants_allow (&g->g, MS_GRANT_READ, catalog && *catalog ? catalog : DEFAULT_CATALOG,
                          database);
}

void
ms_thrift_grants_free (MsThriftGrants *g)
{
  if (g == NULL)
    return;
  g_ptr_array_unref (g->g.scoped);
  ms_thrift_policy_unref (g->policy);
  g_free (g);
}
