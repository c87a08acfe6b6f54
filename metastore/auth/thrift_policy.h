/*
 * thrift_policy.h: who may do what on the HMS Thrift door, decided in one
 * place.
 *
 * thrift.auth.rules is a list of rules "MATCHER [& MATCHER...] -> ROLE
 * [SCOPE,...]", separated by ';' or new lines. A matcher is
 *   addr:CIDR      the client's address (10.0.0.0/8, ::1/128, 127.0.0.1)
 *   cert:NAME      the subject CN or a subject alternative name (DNS,
 *                  e-mail, URI) of the verified client certificate (mutual TLS)
 *   ugi:NAME       the user the client claimed with set_ugi: an
 *                  unauthenticated claim, as the Java metastore trusts it
 *                  without Kerberos
 *   *              every client
 * NAME may hold '*' and '?' wildcards. ROLE is 'none', 'read', 'write' or
 * 'admin'. SCOPE (read and write only) lists databases as 'db' (in the
 * default catalog hive), 'catalog.db', with wildcards ('hive.*', 'tmp_*');
 * no scope: every database. 'write' includes reading its scope.
 *
 * Every matching rule grants its role (the grants add up); a client no rule
 * matches gets thrift.auth.default (admin: everything, the behaviour
 * without rules). Calls are classed (hms/access.list): open (the handshake,
 * allowed to all), read, write (both on the databases the call names),
 * admin (catalogs, roles, privileges, server options). A read-only listener
 * refuses write and admin calls whoever asks.
 */
#pragma once
#include <glib.h>

typedef enum {
  MS_CALL_OPEN,          /* set_ugi, getMetaConf...: every client */
  MS_CALL_READ,
  MS_CALL_WRITE,
  MS_CALL_ADMIN,         /* not scoped to a database */
} MsCallClass;

typedef enum { MS_GRANT_NONE, MS_GRANT_READ, MS_GRANT_WRITE, MS_GRANT_ADMIN } MsGrant;

typedef struct _MsThriftPolicy MsThriftPolicy;

/* Who is calling. Any member may be NULL. */
typedef struct {
  const char *address;               /* the peer's IP address, no port */
  const char *const *cert_names;     /* CN and SANs of a verified client certificate */
  const char *ugi_user;              /* set_ugi's user: a claim, not proven */
} MsThriftIdentity;

/* What a call does. */
typedef struct {
  const char *method;
  MsCallClass access;
  const char *const *databases;      /* the databases it names; NULL or empty: none */
  const char *const *catalogs;       /* each one's catalog (parallel); NULL or a NULL
                                        entry: the default catalog, hive */
  gboolean read_only_listener;       /* it came through a read-only listener */
} MsThriftRequest;

/* Parse 'rules' (NULL or blank: none) and 'default_role' (a role name);
 * NULL and MS_ERROR_INVALID_INPUT naming the faulty rule on error. A policy
 * is reference-counted: SIGHUP swaps in a new one while calls still hold
 * the old. */
MsThriftPolicy *ms_thrift_policy_parse (const char *rules, const char *default_role,
                                        GError **error);
MsThriftPolicy *ms_thrift_policy_ref (MsThriftPolicy *p);
void ms_thrift_policy_unref (MsThriftPolicy *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsThriftPolicy, ms_thrift_policy_unref)

/* Does every client get every call (no rules, default admin; a NULL policy
 * too)? Then a door need not work out identities and targets. */
gboolean ms_thrift_policy_allows_all (const MsThriftPolicy *p);

/* May 'id' make 'rq' ('p' NULL: everyone may do everything, but a
 * read-only listener still serves reads only)? FALSE with MS_ERROR_NOT_ALLOWED and a message
 * naming the identity, what it may do and what the call needs. */
gboolean ms_thrift_policy_check (const MsThriftPolicy *p, const MsThriftIdentity *id,
                                 const MsThriftRequest *rq, GError **error);

/* What one identity was granted, worked out once, to filter a listing:
 * may it read catalog.database (NULL catalog: hive)? A NULL policy grants
 * everything. */
typedef struct _MsThriftGrants MsThriftGrants;
MsThriftGrants *ms_thrift_policy_grants (const MsThriftPolicy *p, const MsThriftIdentity *id);
gboolean ms_thrift_grants_may_read (const MsThriftGrants *g, const char *catalog,
                                    const char *database);
void ms_thrift_grants_free (MsThriftGrants *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsThriftGrants, ms_thrift_grants_free)

/* The number of rules (for the start-up log line). */
guint ms_thrift_policy_n_rules (const MsThriftPolicy *p);
