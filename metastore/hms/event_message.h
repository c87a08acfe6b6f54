/*
 * event_message.h: Hive's JSON notification messages (event_message.c),
 * the encoder the HMS door registers on the store.
 */
#pragma once
#include "model/event.h"

#define HMS_EVENT_FORMAT "json-0.2"

typedef struct {
  char *server;                /* "server" of every message */
  char *principal;             /* "servicePrincipal" */
} HmsEventEncoder;

/* MsEventEncodeFn: 'user' is an HmsEventEncoder. */
char *hms_event_encode (const MsEvent *ev, gpointer user, GError **error);
