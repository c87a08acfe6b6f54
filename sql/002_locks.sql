-- 002: HMS locks (lock, check_lock, unlock, heartbeat, show_locks).
--
-- One ms_locks row per lock request (Hive's external lock id), one
-- ms_lock_components row per object it covers (Hive's internal lock id).
-- A request's components are acquired together, so state, heartbeat and
-- blocker live on the request. Times are Unix milliseconds taken from
-- PostgreSQL's clock, so every server replica measures expiry alike.
-- Lock-state changes are serialised per database name with transaction-
-- scoped advisory locks (see metastore/store/lock.c).

CREATE TABLE ms_locks (
  lock_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  txn_id           bigint NOT NULL DEFAULT 0,
  state            smallint NOT NULL,        -- Hive's LockState: 1 ACQUIRED, 2 WAITING
  user_name        text NOT NULL,
  host_name        text NOT NULL,
  agent_info       text,
  last_heartbeat   bigint NOT NULL,
  heartbeat_count  integer NOT NULL DEFAULT 0,
  acquired_at      bigint,
  blocked_by_lock  bigint,                   -- the earlier lock it waits for (no FK:
  blocked_by_comp  integer                   -- that one may be gone already)
);
-- the expiry sweep: locks outside a transaction by last heartbeat
CREATE INDEX ms_locks_expiry ON ms_locks (last_heartbeat) WHERE txn_id = 0;

CREATE TABLE ms_lock_components (
  lock_id     bigint NOT NULL REFERENCES ms_locks (lock_id) ON DELETE CASCADE,
  comp_id     integer NOT NULL,
  db_name     text NOT NULL,
  table_name  text,                          -- NULL: the whole database
  part_name   text,                          -- NULL: the whole table
  lock_type   smallint NOT NULL,             -- Hive's LockType: 1 SHARED_READ,
                                             -- 2 SHARED_WRITE, 3 EXCLUSIVE, 4 EXCL_WRITE
  PRIMARY KEY (lock_id, comp_id)
);
-- conflict checks and show_locks filters: by object
CREATE INDEX ms_lock_components_object ON ms_lock_components (db_name, table_name, part_name);
