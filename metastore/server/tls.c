/*
 * tls.c: building and swapping the Thrift port's SSL_CTX (see tls.h).
 * Error texts name files and OpenSSL's reason, never key material.
 */
#include "server/tls.h"
#include "core/error.h"
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

struct _MsTlsContext {
  GMutex lock;
  SSL_CTX *ctx;              /* current; each SSL keeps its own reference */
};

const char *
ms_tls_error_text (char *buf, gsize len, const char *fallback)
{
  unsigned long e = ERR_get_error ();
  if (e == 0)
    g_strlcpy (buf, fallback, len);
  else
    {
      const char *reason = ERR_reason_error_string (e);
      if (reason != NULL)
        g_strlcpy (buf, reason, len);
      else
        ERR_error_string_n (e, buf, len);
    }
  ERR_clear_error ();
  return buf;
}

/* An encrypted key file must not make OpenSSL prompt on the terminal. */
static int
no_passphrase (char *buf, int size, int rwflag, void *u)
{
  (void) buf; (void) size; (void) rwflag; (void) u;
  return 0;
}

static SSL_CTX *
build_ctx (const MsTlsFiles *f, GError **error)
{
  char why[256];
  ERR_clear_error ();
  if (f->cert == NULL || f->key == NULL)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "TLS needs server.tls_cert and server.tls_key");
      return NULL;
    }
  SSL_CTX *ctx = SSL_CTX_new (TLS_server_method ());
  if (ctx == NULL)
    {
      ms_fail (error, MS_ERROR_INTERNAL, "SSL_CTX_new: %s",
               ms_tls_error_text (why, sizeof why, "failed"));
      return NULL;
    }
  int min = (f->min_version && g_str_equal (f->min_version, "1.3")) ? TLS1_3_VERSION
                                                                     : TLS1_2_VERSION;
  SSL_CTX_set_min_proto_version (ctx, min);
  SSL_CTX_set_options (ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE
                                | SSL_OP_NO_COMPRESSION);
  /* writes are retried with the same bytes from a buffer that may move;
   * idle connections give their record buffers back */
  SSL_CTX_set_mode (ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                             | SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_default_passwd_cb (ctx, no_passphrase);
  if (SSL_CTX_use_certificate_chain_file (ctx, f->cert) != 1)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "cannot load server.tls_cert %s: %s", f->cert,
               ms_tls_error_text (why, sizeof why, "unreadable"));
      goto fail;
    }
  if (SSL_CTX_use_PrivateKey_file (ctx, f->key, SSL_FILETYPE_PEM) != 1)
    {
      if (ERR_GET_REASON (ERR_peek_last_error ()) == X509_R_KEY_VALUES_MISMATCH)
        {
          ERR_clear_error ();
          ms_fail (error, MS_ERROR_INVALID_INPUT,
                   "server.tls_key %s does not match server.tls_cert %s", f->key, f->cert);
          goto fail;
        }
      ms_fail (error, MS_ERROR_INVALID_INPUT, "cannot load server.tls_key %s: %s", f->key,
               ms_tls_error_text (why, sizeof why, "unreadable"));
      goto fail;
    }
  if (SSL_CTX_check_private_key (ctx) != 1)
    {
      ms_fail (error, MS_ERROR_INVALID_INPUT, "server.tls_key %s does not match server.tls_cert %s",
               f->key, f->cert);
      ERR_clear_error ();
      goto fail;
    }
  if (f->client_ca != NULL)
    {
      STACK_OF (X509_NAME) *names = SSL_load_client_CA_file (f->client_ca);
      if (names == NULL || SSL_CTX_load_verify_locations (ctx, f->client_ca, NULL) != 1)
        {
          if (names != NULL)
            sk_X509_NAME_pop_free (names, X509_NAME_free);
          ms_fail (error, MS_ERROR_INVALID_INPUT, "cannot load server.tls_client_ca %s: %s",
                   f->client_ca, ms_tls_error_text (why, sizeof why, "no certificates in it"));
          goto fail;
        }
      SSL_CTX_set_client_CA_list (ctx, names);
      SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
  return ctx;

fail:
  SSL_CTX_free (ctx);
  return NULL;
}

MsTlsContext *
ms_tls_context_new (const MsTlsFiles *files, GError **error)
{
  SSL_CTX *ctx = build_ctx (files, error);
  if (ctx == NULL)
    return NULL;
  MsTlsContext *tls = g_new0 (MsTlsContext, 1);
  g_mutex_init (&tls->lock);
  tls->ctx = ctx;
  return tls;
}

void
ms_tls_context_free (MsTlsContext *tls)
{
  if (tls == NULL)
    return;
  SSL_CTX_free (tls->ctx);
  g_mutex_clear (&tls->lock);
  g_free (tls);
}

gboolean
ms_tls_context_reload (MsTlsContext *tls, const MsTlsFiles *files, GError **error)
{
  SSL_CTX *fresh = build_ctx (files, error);
  if (fresh == NULL)
    return FALSE;
  g_mutex_lock (&tls->lock);
  SSL_CTX *old = tls->ctx;
  tls->ctx = fresh;
  g_mutex_unlock (&tls->lock);
  SSL_CTX_free (old);          /* freed once the last SSL made from it goes */
  return TRUE;
}

SSL *
ms_tls_context_new_ssl (MsTlsContext *tls, int fd, GError **error)
{
  char why[256];
  ERR_clear_error ();
  g_mutex_lock (&tls->lock);
  SSL *ssl = SSL_new (tls->ctx);
  g_mutex_unlock (&tls->lock);
  if (ssl == NULL || SSL_set_fd (ssl, fd) != 1)
    {
      if (ssl != NULL)
        SSL_free (ssl);
      ms_fail (error, MS_ERROR_INTERNAL, "SSL_new: %s",
               ms_tls_error_text (why, sizeof why, "failed"));
      return NULL;
    }
  SSL_set_accept_state (ssl);
  return ssl;
}

/* Append one name; a name holding a NUL or bytes that are not UTF-8 is
 * not a name. */
static void
add_name (GPtrArray *out, const char *text, int len)
{
  if (len > 0 && memchr (text, 0, (size_t) len) == NULL && g_utf8_validate (text, len, NULL))
    g_ptr_array_add (out, g_strndup (text, (gsize) len));
}

/* Append the text of the subject alternative names of 'cert' of kind DNS,
 * e-mail or URI to 'out'. */
static void
append_san_names (X509 *cert, GPtrArray *out)
{
  GENERAL_NAMES *sans = X509_get_ext_d2i (cert, NID_subject_alt_name, NULL, NULL);
  for (int i = 0; sans != NULL && i < sk_GENERAL_NAME_num (sans); i++)
    {
      const GENERAL_NAME *gn = sk_GENERAL_NAME_value (sans, i);
      const ASN1_IA5STRING *s = gn->type == GEN_DNS     ? gn->d.dNSName
                                : gn->type == GEN_EMAIL ? gn->d.rfc822Name
                                : gn->type == GEN_URI   ? gn->d.uniformResourceIdentifier
                                                        : NULL;
      if (s != NULL)
        add_name (out, (const char *) ASN1_STRING_get0_data (s), ASN1_STRING_length (s));
    }
  GENERAL_NAMES_free (sans);
}

char **
ms_tls_peer_names (SSL *ssl)
{
  if (ssl == NULL || SSL_get_verify_result (ssl) != X509_V_OK)
    return NULL;
  X509 *cert = SSL_get1_peer_certificate (ssl);
  if (cert == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new ();
  X509_NAME *subject = X509_get_subject_name (cert);
  int at = subject ? X509_NAME_get_index_by_NID (subject, NID_commonName, -1) : -1;
  if (at >= 0)
    {
      unsigned char *cn = NULL;
      int len = ASN1_STRING_to_UTF8 (&cn, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (subject, at)));
      add_name (out, (const char *) cn, len);
      OPENSSL_free (cn);
    }
  append_san_names (cert, out);
  X509_free (cert);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}
