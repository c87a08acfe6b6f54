-- 010: Idempotency-Key records of the Iceberg REST door.
--
-- A mutating request that carries an Idempotency-Key claims its row
-- first (owner: a token of that attempt, status NULL: running). The
-- transaction that makes the change sets 'applied' in the same COMMIT,
-- so a change never commits without its record. The final outcome
-- (status, body, the headers that matter) is written after the reply is
-- built; a retry with the same key and the same request replays it. Rows
-- are deleted after 'expires_at' by one replica at a time.
CREATE TABLE ms_idempotency (
  idem_key     text PRIMARY KEY,          -- the UUID, lower-cased
  fingerprint  text NOT NULL,             -- sha256 of principal, method, path, body
  owner        text NOT NULL,             -- the attempt that holds the claim
  applied      boolean NOT NULL DEFAULT false,
  status       integer,                   -- NULL: still running (or it died)
  body         text,
  headers      text,                      -- "Name: value" lines
  started_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX ms_idempotency_expiry ON ms_idempotency (expires_at);
