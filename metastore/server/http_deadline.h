/*
 * http_deadline.h: a deadline for each HTTP request to arrive whole.
 *
 * libmicrohttpd closes a connection after `timeout` seconds without a byte,
 * so a client trickling header bytes was never closed, and enough of them
 * shut the REST door. Here each connection's next request (its head and
 * body) must have arrived within the timeout of the connection's start or
 * of the previous reply; a request being handled or answered has no
 * deadline. A sweeper thread shuts the socket of a connection past its
 * deadline down, and libmicrohttpd then closes it as any broken one.
 *
 * The library reports a connection closed before it closes its socket, and
 * both run under this module's lock, so a socket is never shut down after
 * its number was given to another connection.
 */
#pragma once
#include <glib.h>
#include <microhttpd.h>

typedef struct _MsHttpDeadlines MsHttpDeadlines;

/* Start the sweeper for requests that must arrive within 'timeout_s'. */
MsHttpDeadlines *ms_http_deadlines_new (int timeout_s);
/* Stop the sweeper; call after the daemons using it stopped. */
void ms_http_deadlines_free (MsHttpDeadlines *d);

/* MHD_OPTION_NOTIFY_CONNECTION callback (cls: the MsHttpDeadlines). */
void ms_http_deadlines_notify (void *cls, struct MHD_Connection *c, void **socket_context,
                               enum MHD_ConnectionNotificationCode code);
/* The request on 'c' arrived whole: no deadline while it is handled. */
void ms_http_deadlines_arrived (struct MHD_Connection *c);
/* Its reply is done: the next request's clock starts. */
void ms_http_deadlines_replied (struct MHD_Connection *c);
/* Connections cut so far. */
guint64 ms_http_deadlines_cut (MsHttpDeadlines *d);
