-- 008: table constraints (primary key, foreign key, unique, not null,
-- default, check), as Hive's KEY_CONSTRAINTS holds them.
--
-- A constraint belongs to its table (for a foreign key: the child table)
-- and goes with it (ON DELETE CASCADE); a foreign key also goes with its
-- parent table, as Hive drops a table's constraints on both sides. A
-- rename keeps them: they hold table ids. Columns are kept by name with
-- their type when added, so an ALTER that drops or retypes a column drops
-- the constraints on it (metastore/store/constraint.c), as Hive does.

CREATE TABLE ms_constraints (
  table_id        bigint NOT NULL REFERENCES ms_tables (table_id) ON DELETE CASCADE,
  constraint_id   bigint GENERATED ALWAYS AS IDENTITY,
  name            text COLLATE "C" NOT NULL,
  kind            smallint NOT NULL,        -- Hive's MConstraint: 0 PRIMARY KEY, 1 FOREIGN KEY,
                                            -- 2 UNIQUE, 3 NOT NULL, 4 DEFAULT, 5 CHECK
  enable_cstr     boolean NOT NULL,
  validate_cstr   boolean NOT NULL,
  rely_cstr       boolean NOT NULL,
  value           text,                     -- DEFAULT value, CHECK expression
  ref_table_id    bigint REFERENCES ms_tables (table_id) ON DELETE CASCADE,  -- FOREIGN KEY: parent
  update_rule     integer,
  delete_rule     integer,
  PRIMARY KEY (table_id, constraint_id),
  CONSTRAINT ms_constraints_table_name UNIQUE (table_id, name)
);
-- one primary key per table
CREATE UNIQUE INDEX ms_constraints_one_pk ON ms_constraints (table_id) WHERE kind = 0;
-- foreign keys by parent (get_foreign_keys by parent, drops of the parent)
CREATE INDEX ms_constraints_ref ON ms_constraints (ref_table_id) WHERE ref_table_id IS NOT NULL;

CREATE TABLE ms_constraint_columns (
  table_id         bigint NOT NULL,
  constraint_id    bigint NOT NULL,
  position         integer NOT NULL,        -- key_seq
  column_name      text,                    -- NULL: a table-level CHECK
  column_type      text,
  ref_column_name  text,                    -- FOREIGN KEY: the parent's column
  ref_column_type  text,
  PRIMARY KEY (table_id, constraint_id, position),
  FOREIGN KEY (table_id, constraint_id) REFERENCES ms_constraints (table_id, constraint_id)
    ON DELETE CASCADE
);
