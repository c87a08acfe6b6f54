"""pyiceberg_jobs.py FUNCTION ARGS OUT: PyIceberg work in a process of its own.

FUNCTION(**ARGS) runs with ARGS a JSON object and its JSON result goes to
the file OUT. test_pyiceberg.py reads tables back through a new process
(a new catalog client, no cache of the writer's) and runs concurrent
writers as two of these processes. Every function takes 'catalog', the
properties for pyiceberg.catalog.load_catalog.
"""
import json
import logging
import os
import sys
import time


def catalog_of(props):
    from pyiceberg.catalog import load_catalog
    return load_catalog("engines", **props)


def read_back(catalog, table, row_filter=None):
    """What a fresh client reads: rows, schema, spec, sort order, snapshots."""
    cat = catalog_of(catalog)
    tbl = cat.load_table(table)
    scan = tbl.scan(row_filter=row_filter) if row_filter else tbl.scan()
    data = scan.to_arrow()
    rows = sorted(data.to_pylist(), key=lambda r: r["id"])
    md = tbl.metadata
    return {
        "metadata_location": tbl.metadata_location,
        "location": tbl.location(),
        "columns": [f.name for f in tbl.schema().fields],
        "rows": [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
                 for r in rows],
        "spec": [[f.source_id, str(f.transform), f.name] for f in tbl.spec().fields],
        "sort_order": [[f.source_id, str(f.transform), f.direction.name, f.null_order.name]
                       for f in tbl.sort_order().fields],
        "snapshots": [{"id": s.snapshot_id, "parent": s.parent_snapshot_id,
                       "operation": s.summary.operation.value if s.summary else None}
                      for s in md.snapshots],
        "current_snapshot": md.current_snapshot_id,
        "data_files": sorted(t.file.file_path for t in tbl.scan().plan_files()),
    }


class _Retries(logging.Handler):
    """Counts PyIceberg's 'retrying after a concurrent update' warnings."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        if "concurrent update" in record.getMessage():
            self.count += 1


def _wait_for(paths, timeout=120):
    deadline = time.monotonic() + timeout
    while not all(os.path.exists(p) for p in paths):
        if time.monotonic() > deadline:
            raise TimeoutError("the other writer did not come: %s" % paths)
        time.sleep(0.02)


def append_rounds(catalog, table, writer, writers, rounds, rows, sync_dir):
    """Append 'rounds' batches of 'rows' rows (ids writer*1e6 + n). In each
    round every writer first loads the table, waits until all writers have
    (so they start from the same snapshot and all but one must lose), then
    appends. PyIceberg retries a commit refused with CommitFailedException
    itself (commit.retry.num-retries); should it give up, this retries with a
    freshly loaded table. Returns the retries seen."""
    import pyarrow as pa
    from pyiceberg.exceptions import CommitFailedException
    counter = _Retries()
    logging.getLogger("pyiceberg").addHandler(counter)
    cat = catalog_of(catalog)
    own = 0
    for r in range(rounds):
        tbl = cat.load_table(table)
        open(os.path.join(sync_dir, "w%d-r%d" % (writer, r)), "w").close()
        _wait_for([os.path.join(sync_dir, "w%d-r%d" % (w, r)) for w in range(writers)])
        ids = [writer * 1000000 + r * rows + i for i in range(rows)]
        batch = pa.table({"id": pa.array(ids, pa.int64()),
                          "writer": pa.array([writer] * rows, pa.int32())},
                         schema=pa.schema([pa.field("id", pa.int64(), nullable=False),
                                           pa.field("writer", pa.int32())]))
        while True:
            try:
                tbl.append(batch)
                break
            except CommitFailedException:
                own += 1
                tbl = cat.load_table(table)
    return {"pyiceberg_retries": counter.count, "own_retries": own}


def main(argv):
    function, args, out = argv[1], json.loads(argv[2]), argv[3]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    result = globals()[function](**args)
    with open(out, "w") as f:
        json.dump(result, f, default=str)


if __name__ == "__main__":
    main(sys.argv)
