/*
 * event.c: names of the notification event types (model/event.h).
 */
#include "model/event.h"

const char *
ms_event_type_name (MsEventType type)
{
  static const char *const names[] = {
    [MS_EVENT_CREATE_DATABASE] = "CREATE_DATABASE", [MS_EVENT_ALTER_DATABASE] = "ALTER_DATABASE",
    [MS_EVENT_DROP_DATABASE] = "DROP_DATABASE",     [MS_EVENT_CREATE_TABLE] = "CREATE_TABLE",
    [MS_EVENT_ALTER_TABLE] = "ALTER_TABLE",         [MS_EVENT_DROP_TABLE] = "DROP_TABLE",
    [MS_EVENT_ADD_PARTITION] = "ADD_PARTITION",     [MS_EVENT_ALTER_PARTITION] = "ALTER_PARTITION",
    [MS_EVENT_DROP_PARTITION] = "DROP_PARTITION",   [MS_EVENT_CREATE_FUNCTION] = "CREATE_FUNCTION",
    [MS_EVENT_DROP_FUNCTION] = "DROP_FUNCTION",     [MS_EVENT_INSERT] = "INSERT",
  };
  return (guint) type < G_N_ELEMENTS (names) ? names[type] : "UNKNOWN";
}
