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
  /* the files of a directory an ADD_PARTITION lists (MsPartition
   * files_dir), as hms_event_files reads them; 'owner' is its first
   * argument */
  GPtrArray *(*list_files) (gpointer owner, const MsTable *t, const char *location);
  gpointer owner;
} HmsEventEncoder;

/* MsEventEncodeFn: 'user' is an HmsEventEncoder. */
char *hms_event_encode (const MsEvent *ev, gpointer user, GError **error);
