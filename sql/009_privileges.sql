-- 009: roles and privileges, as Hive's SQL-standard authorization stores
-- them (create_role, grant_role, grant_privileges, get_privilege_set, ...).
--
-- The server only stores them; enforcement stays with the engines, as with
-- the Java metastore.
--
-- ms_roles: one row per role. 'admin' and 'public' are seeded as Hive's
-- HMSHandler seeds them (owners 'admin' and 'public'), with the admin role's
-- global ALL privilege (grant option, grantor the admin role, authorizer
-- 'SQL').
--
-- ms_role_grants: a role granted to a user, a group or another role
-- (principal_type is Hive's PrincipalType: 1 USER, 2 ROLE, 3 GROUP). A
-- role's grants go with it (ON DELETE CASCADE); its grants to other roles
-- and its privileges are deleted by drop_role in the same transaction.
--
-- ms_privileges: one row per privilege granted on a global, database,
-- table, partition or column object (object_type is Hive's HiveObjectType:
-- 1 GLOBAL, 2 DATABASE, 3 TABLE, 4 PARTITION, 5 COLUMN; a column
-- privilege of a partition has part_id set). Rows name their object by
-- id, so they go with their database, table or partition (ON DELETE
-- CASCADE, in the drop's transaction) and stay through renames. Rows of
-- tables and partitions carry table_id (sharding, see 001). One grant per
-- object, principal, privilege, grantor and authorizer (NULLs alike).
CREATE TABLE ms_roles (
  role_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text COLLATE "C" NOT NULL UNIQUE,
  create_time  integer NOT NULL,
  owner_name   text
);

CREATE TABLE ms_role_grants (
  role_id         bigint NOT NULL REFERENCES ms_roles (role_id) ON DELETE CASCADE,
  principal_name  text COLLATE "C" NOT NULL,
  principal_type  smallint NOT NULL,
  grant_option    boolean NOT NULL DEFAULT false,
  grant_time      integer NOT NULL,
  grantor         text,
  grantor_type    smallint,
  PRIMARY KEY (role_id, principal_name, principal_type)
);
CREATE INDEX ms_role_grants_principal ON ms_role_grants (principal_name, principal_type);

CREATE TABLE ms_privileges (
  priv_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  object_type     smallint NOT NULL,
  db_id           bigint REFERENCES ms_databases (db_id) ON DELETE CASCADE,
  table_id        bigint REFERENCES ms_tables (table_id) ON DELETE CASCADE,
  part_id         bigint,
  column_name     text COLLATE "C",
  principal_name  text COLLATE "C" NOT NULL,
  principal_type  smallint NOT NULL,
  privilege       text NOT NULL,
  create_time     integer NOT NULL,
  grantor         text,
  grantor_type    smallint,
  grant_option    boolean NOT NULL DEFAULT false,
  authorizer      text,
  FOREIGN KEY (table_id, part_id) REFERENCES ms_partitions (table_id, part_id) ON DELETE CASCADE,
  CONSTRAINT ms_privileges_grant UNIQUE NULLS NOT DISTINCT (object_type, db_id, table_id,
    part_id, column_name, principal_name, principal_type, privilege, grantor, grantor_type,
    authorizer)
);
CREATE INDEX ms_privileges_principal ON ms_privileges (principal_name, principal_type);
CREATE INDEX ms_privileges_db ON ms_privileges (db_id) WHERE db_id IS NOT NULL;
CREATE INDEX ms_privileges_table ON ms_privileges (table_id, part_id) WHERE table_id IS NOT NULL;

INSERT INTO ms_roles (name, create_time, owner_name) VALUES
  ('admin', extract (epoch FROM now ())::integer, 'admin'),
  ('public', extract (epoch FROM now ())::integer, 'public');
INSERT INTO ms_privileges (object_type, principal_name, principal_type, privilege, create_time,
                           grantor, grantor_type, grant_option, authorizer)
  VALUES (1, 'admin', 2, 'All', extract (epoch FROM now ())::integer, 'admin', 2, true, 'SQL');
