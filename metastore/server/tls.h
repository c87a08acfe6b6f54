/*
 * tls.h: MsTlsContext, the OpenSSL server context of the Thrift port.
 *
 * It holds the SSL_CTX built from server.tls_cert / tls_key / tls_client_ca /
 * tls_min_version. ms_tls_context_reload() builds a fresh SSL_CTX from the
 * files (SIGHUP) and swaps it in under a lock: connections accepted later use
 * the new one, connections already open keep theirs (each SSL holds a
 * reference to the SSL_CTX it was made from). A failed reload keeps the old
 * context. No global state: the Thrift server owns one MsTlsContext.
 */
#pragma once
#include <glib.h>
#include <openssl/ssl.h>

typedef struct _MsTlsContext MsTlsContext;

typedef struct {
  const char *cert;            /* PEM chain; required */
  const char *key;             /* PEM private key; required */
  const char *client_ca;       /* PEM CAs; NULL: no client certificates */
  const char *min_version;     /* "1.2" or "1.3"; NULL: 1.2 */
} MsTlsFiles;

/* Build the first SSL_CTX; NULL and 'error' if a file is unreadable or the
 * key does not match the certificate. */
MsTlsContext *ms_tls_context_new (const MsTlsFiles *files, GError **error);
void ms_tls_context_free (MsTlsContext *tls);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsTlsContext, ms_tls_context_free)

/* Rebuild from 'files' and swap in; on failure the old context stays. */
gboolean ms_tls_context_reload (MsTlsContext *tls, const MsTlsFiles *files, GError **error);

/* A new server-side SSL for the accepted socket 'fd' (caller owns it). */
SSL *ms_tls_context_new_ssl (MsTlsContext *tls, int fd, GError **error);

/* The names of the client certificate 'ssl' verified (after its
 * handshake): the subject CN first, then the DNS, e-mail and URI subject
 * alternative names; NULL when the client sent none or it was not
 * verified. The caller frees it with g_strfreev. */
char **ms_tls_peer_names (SSL *ssl);

/* The first reason in this thread's OpenSSL error queue (or 'fallback'),
 * written to 'buf'; the queue is cleared. */
const char *ms_tls_error_text (char *buf, gsize len, const char *fallback);
