-- 003: column statistics (update/get/delete_*_column_statistics,
-- get_*_statistics_req, set_aggr_stats_for, get_aggr_stats_for).
--
-- One row per (table, engine, column) and per (table, partition, engine,
-- column). The ColumnStatisticsData union is kept whole in 'data' as
-- jsonb (see metastore/store/stats_json.h), so one indexed read returns a
-- column's statistics. Rows carry table_id (sharding, see 001) and go with
-- their table or partition by ON DELETE CASCADE; a rename keeps them since
-- they are keyed by table_id. col_type is the type the writer declared,
-- lower-cased, compared with the table's column type on alter.

CREATE TABLE ms_table_col_stats (
  table_id       bigint NOT NULL REFERENCES ms_tables (table_id) ON DELETE CASCADE,
  engine         text NOT NULL,
  col_name       text NOT NULL,
  col_type       text NOT NULL,
  data           jsonb NOT NULL,
  last_analyzed  bigint NOT NULL,
  PRIMARY KEY (table_id, engine, col_name)
);

CREATE TABLE ms_part_col_stats (
  table_id       bigint NOT NULL REFERENCES ms_tables (table_id) ON DELETE CASCADE,
  part_id        bigint NOT NULL,
  engine         text NOT NULL,
  col_name       text NOT NULL,
  col_type       text NOT NULL,
  data           jsonb NOT NULL,
  last_analyzed  bigint NOT NULL,
  PRIMARY KEY (table_id, part_id, engine, col_name),
  FOREIGN KEY (table_id, part_id) REFERENCES ms_partitions (table_id, part_id) ON DELETE CASCADE
);
