/*
 * log.h: one line per event on stderr, plain text or JSON.
 *
 * The level can be changed at run time (ms_log_set_level is atomic), and each
 * worker thread can tag its lines with the id of the call it serves.
 */
#pragma once
#include <glib.h>

typedef enum { MS_LOG_DEBUG, MS_LOG_INFO, MS_LOG_WARNING, MS_LOG_ERROR } MsLogLevel;

/* Most lines of one format string written per second (see log.c). */
#define MS_LOG_BURST 50

gboolean ms_log_parse_level (const char *name, MsLogLevel *out);
void ms_log_set_level (MsLogLevel level);
void ms_log_set_json (gboolean json);
gboolean ms_log_enabled (MsLogLevel level);

/* Tag this thread's following lines with a request id (NULL clears it). */
void ms_log_set_request_id (const char *id);

void ms_log (MsLogLevel level, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

#define ms_debug(...) do { if (ms_log_enabled (MS_LOG_DEBUG)) ms_log (MS_LOG_DEBUG, __VA_ARGS__); } while (0)
#define ms_info(...) ms_log (MS_LOG_INFO, __VA_ARGS__)
#define ms_warn(...) ms_log (MS_LOG_WARNING, __VA_ARGS__)
#define ms_error(...) ms_log (MS_LOG_ERROR, __VA_ARGS__)
