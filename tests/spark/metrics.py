#!/usr/bin/env python3
"""Runs the community metric definitions (crates/communities/sql/metrics.sql) on Apache Spark.

The same statements (LAKE_DIR/statements.json, written by `lake::engine::prepare_run` from the
SQL file) and the same Parquet lake folder as the embedded engine (crates/lake):
this is how the metrics run for all wikis on the Wikimedia data lake, and what CI compares
with DataFusion on a generated sample (crates/lake/tests/spark.rs).

On the data lake's layout (`lake::wmf`), LAKE_DIR is a run folder that also holds `ddl.json`:
the statements that declare the lake's tables (databases `wmf`, `wmf_raw`, `canonical_data`,
partitioned Parquet tables over the written files), run first; `statements.json` then starts
with the views of crates/communities/sql/wmf.sql that read them.

With --script FILE, the statements come from a Spark SQL script as `throughline communities
--emit-sql spark` writes it for an analyst (the run's communities inline; statements end with
`;` at the end of a line; its last three queries, the outputs, are read as tables instead).

Usage: metrics.py LAKE_DIR OUT_JSON [--master local[2]] [--script FILE]
"""
import glob
import json
import os
import sys


def main():
    script = None
    if "--script" in sys.argv:
        script = sys.argv[sys.argv.index("--script") + 1]
    args = [a for a in sys.argv[1:] if not a.startswith("--") and a != script]
    if len(args) != 2:
        sys.exit(__doc__)
    lake, out_file = args
    master = "local[2]"
    if "--master" in sys.argv:
        master = sys.argv[sys.argv.index("--master") + 1]
    # Loopback only: Spark otherwise binds to the first non-loopback interface.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName("throughline-community-metrics")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.warehouse.dir", os.path.join(lake, "spark-warehouse"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    ddl = os.path.join(lake, "ddl.json")
    if os.path.exists(ddl):
        with open(ddl, encoding="utf-8") as f:
            for statement in json.load(f):
                spark.sql(statement)
    if script:
        with open(script, encoding="utf-8") as f:
            parts = [p.strip() for p in f.read().split(";\n")]
        for statement in parts:
            if statement and not statement.startswith("SELECT * FROM"):
                spark.sql(statement)
    else:
        for path in sorted(glob.glob(os.path.join(lake, "*.parquet"))):
            name = os.path.basename(path)[: -len(".parquet")]
            spark.read.parquet(path).createOrReplaceTempView(name)
        with open(os.path.join(lake, "statements.json"), encoding="utf-8") as f:
            for s in json.load(f):
                df = spark.sql(s["sql"])
                if s["keep"] == "table":
                    df = df.cache()
                df.createOrReplaceTempView(s["name"])
    metrics = [r.asDict() for r in spark.table("metrics").collect()]
    retention = [r.asDict() for r in spark.table("retention").collect()]
    totals = spark.table("totals").collect()[0].asDict()
    with open(out_file, "w", encoding="utf-8") as f:
        json.dump({"metrics": metrics, "retention": retention, "totals": totals}, f)
    spark.stop()


if __name__ == "__main__":
    main()
