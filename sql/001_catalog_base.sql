-- 001: the catalog's base schema.
--
-- Design rules (see README "Schema"):
--  * integer surrogate keys everywhere (bigint identity);
--  * every per-table row (tables' partitions, their key values, statistics)
--    carries table_id, so a distributed PostgreSQL can shard by it;
--  * parameters and column lists are jsonb on the owning row, so one indexed
--    query returns a whole database, table or partition;
--  * an index for every lookup path the store uses.
-- Applied in one transaction by `metastore schema init|upgrade`.

CREATE TABLE ms_catalogs (
  cat_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  description   text,
  location_uri  text NOT NULL,
  create_time   integer NOT NULL
);

CREATE TABLE ms_databases (
  db_id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cat_id                bigint NOT NULL REFERENCES ms_catalogs (cat_id),
  name                  text NOT NULL,
  description           text,
  location_uri          text NOT NULL,
  managed_location_uri  text,
  owner_name            text,
  owner_type            smallint,
  create_time           integer NOT NULL,
  db_type               smallint NOT NULL DEFAULT 1,
  connector_name        text,
  remote_dbname         text,
  params                jsonb NOT NULL DEFAULT '{}',
  CONSTRAINT ms_databases_cat_name UNIQUE (cat_id, name)
);

CREATE TABLE ms_tables (
  table_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  db_id               bigint NOT NULL REFERENCES ms_databases (db_id),
  name                text NOT NULL,
  table_type          text NOT NULL,
  owner_name          text,
  owner_type          smallint,
  create_time         integer NOT NULL,
  last_access_time    integer NOT NULL DEFAULT 0,
  retention           integer NOT NULL DEFAULT 0,
  -- storage descriptor, flattened; nested parts as jsonb
  location            text,
  input_format        text,
  output_format       text,
  compressed          boolean NOT NULL DEFAULT false,
  num_buckets         integer NOT NULL DEFAULT -1,
  serde               jsonb,
  cols                jsonb NOT NULL DEFAULT '[]',
  partition_keys      jsonb NOT NULL DEFAULT '[]',
  bucket_cols         jsonb NOT NULL DEFAULT '[]',
  sort_cols           jsonb NOT NULL DEFAULT '[]',
  skewed              jsonb,
  stored_as_subdirs   boolean NOT NULL DEFAULT false,
  sd_params           jsonb NOT NULL DEFAULT '{}',
  params              jsonb NOT NULL DEFAULT '{}',
  view_original_text  text,
  view_expanded_text  text,
  rewrite_enabled     boolean NOT NULL DEFAULT false,
  extra               jsonb NOT NULL DEFAULT '{}',
  CONSTRAINT ms_tables_db_name UNIQUE (db_id, name)
);
CREATE INDEX ms_tables_db_type ON ms_tables (db_id, table_type);

CREATE TABLE ms_partitions (
  table_id          bigint NOT NULL REFERENCES ms_tables (table_id) ON DELETE CASCADE,
  part_id           bigint GENERATED ALWAYS AS IDENTITY,
  part_name         text NOT NULL,
  vals              text[] NOT NULL,
  create_time       integer NOT NULL,
  last_access_time  integer NOT NULL DEFAULT 0,
  location          text,
  -- the storage descriptor where it differs from the table's (NULL: same)
  sd                jsonb,
  cols              jsonb,
  params            jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (table_id, part_id),
  CONSTRAINT ms_partitions_table_name UNIQUE (table_id, part_name)
);

-- One row per partition key value, typed, for filters compiled to SQL.
CREATE TABLE ms_partition_values (
  table_id  bigint NOT NULL,
  part_id   bigint NOT NULL,
  key_idx   smallint NOT NULL,
  val       text,
  val_num   numeric,
  PRIMARY KEY (table_id, part_id, key_idx),
  FOREIGN KEY (table_id, part_id) REFERENCES ms_partitions (table_id, part_id) ON DELETE CASCADE
);
CREATE INDEX ms_partition_values_text ON ms_partition_values (table_id, key_idx, val);
CREATE INDEX ms_partition_values_num ON ms_partition_values (table_id, key_idx, val_num)
  WHERE val_num IS NOT NULL;

CREATE TABLE ms_functions (
  func_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  db_id          bigint NOT NULL REFERENCES ms_databases (db_id),
  name           text NOT NULL,
  class_name     text NOT NULL,
  owner_name     text,
  owner_type     smallint,
  create_time    integer NOT NULL,
  function_type  smallint NOT NULL DEFAULT 1,
  resource_uris  jsonb NOT NULL DEFAULT '[]',
  CONSTRAINT ms_functions_db_name UNIQUE (db_id, name)
);
