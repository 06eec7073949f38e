#!/usr/bin/env python3
"""DuckDB peer of the community-metrics benchmark (crates/lake/benches/communities.rs).

Runs the same statements (LAKE_DIR/statements.json, written by `lake::engine::prepare_run` from
crates/communities/sql/metrics.sql) on the same Parquet lake folder that DataFusion reads, and
prints one JSON object:
the median wall time of the runs (query work only: views over the files, the statements,
fetching both outputs) and the results, which the benchmark compares with DataFusion's.

Usage: communities_peer.py LAKE_DIR [--runs 3] [--threads 2]
"""
import glob
import json
import os
import statistics
import sys
import time

import duckdb


def run_once(lake, stmts, threads):
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {threads}")
    con.execute("SET preserve_insertion_order = false")
    # BENCH_DUCKDB_MEMORY (e.g. 4GB) bounds DuckDB as THROUGHLINE_LAKE_MEMORY bounds DataFusion
    # (DuckDB's own default is 80% of the machine's memory).
    if os.environ.get("BENCH_DUCKDB_MEMORY"):
        con.execute(f"SET memory_limit = '{os.environ['BENCH_DUCKDB_MEMORY']}'")
    started = time.perf_counter()
    for path in sorted(glob.glob(os.path.join(lake, "*.parquet"))):
        name = os.path.basename(path)[: -len(".parquet")]
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    for s in stmts:
        kind = "TEMP TABLE" if s["keep"] == "table" else "TEMP VIEW"
        con.execute(f"CREATE {kind} {s['name']} AS {s['sql']}")
    cur = con.execute("SELECT * FROM metrics")
    cols = [d[0] for d in cur.description]
    metrics = [dict(zip(cols, row)) for row in cur.fetchall()]
    cur = con.execute("SELECT * FROM retention")
    cols = [d[0] for d in cur.description]
    retention = [dict(zip(cols, row)) for row in cur.fetchall()]
    cur = con.execute("SELECT * FROM totals")
    cols = [d[0] for d in cur.description]
    totals = dict(zip(cols, cur.fetchone()))
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed, metrics, retention, totals


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
    if not args:
        sys.exit(__doc__)
    lake = args[0]
    with open(os.path.join(lake, "statements.json"), encoding="utf-8") as f:
        stmts = json.load(f)
    times = []
    for _ in range(runs):
        elapsed, metrics, retention, totals = run_once(lake, stmts, threads)
        times.append(elapsed)
    print(json.dumps({
        "engine": f"duckdb {duckdb.__version__}",
        "seconds": statistics.median(times),
        "all_seconds": times,
        "metrics": metrics,
        "retention": retention,
        "totals": totals,
    }, default=int))


if __name__ == "__main__":
    main()
