/*
 * idempotency.h (store-internal): the mark a transaction carries for the
 * Idempotency-Key claim bound to its thread (store.h, ms_store_idem_bind).
 */
#pragma once
#include "store/store.h"
#include "store/pg.h"

/* Set the bound claim's record applied, on transaction 'c' (called by
 * ms_pg_commit before COMMIT). TRUE at once when no claim is bound;
 * MS_ERROR_UNAVAILABLE when the claim is no longer this attempt's (the
 * caller rolls back). */
gboolean ms_store_idem_mark (MsPgConn *c, GError **error);
