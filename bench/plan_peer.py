#!/usr/bin/env python3
"""Benchmark peer for `cargo bench -p portfolio --bench plan`: the same portfolio problem, read
from the JSON instance throughline writes (`Problem::to_json`), formulated independently with
HiGHS through its Python package (highspy) and solved with the same options.

Usage: plan_peer.py INSTANCE.json TIME_LIMIT GAP THREADS
Prints one JSON line: {"status", "objective", "mip_gap", "bound" (the best proven bound),
"selected", "seconds" (wall, formulation + solve), "cpu_seconds" (this process's CPU time, the
same span), "build_seconds"}.

The formulation follows the documentation in crates/portfolio/src/solve.rs: x[i][q] = 1 when
item i starts in quarter q, worth value_i * S(q + d_i) with value in time (S below); at most one
start per item (exactly one when it must be in); budget; capacity per team and quarter (plus hired
person-quarters h[t][q] >= 0 at rate / 4 from the budget, with hiring); dependencies (B started by
q needs A started by q - lag - d_A + 1); exclusions; share rules (a cost share counts staff time
too); covers; optional CVaR (Rockafellar-Uryasev).
"""
import json
import sys
import time

import highspy
import numpy as np


def main():
    path, time_limit, gap, threads = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    with open(path) as f:
        p = json.load(f)
    t0 = time.perf_counter()
    c0 = time.process_time()
    items, teams, Q, lag = p["items"], p["teams"], p["quarters"], p["lag"]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", time_limit)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("threads", threads)
    inf = highspy.kHighsInf
    risk = p.get("risk")
    w = risk["weight"] if risk else 0.0
    horizon = p.get("horizon")

    def share(t, ramp=0):
        # The discounted share of the horizon still to come when work ships at the end of
        # quarter t - 1 (1 without a horizon), with benefits ramping up linearly over `ramp`
        # quarters: quarter t + j earns min(1, (j + 1) / (ramp + 1)) of the full rate.
        if horizon is None:
            return 1.0
        k, r = horizon["quarters"], horizon["discount_rate"]
        if t >= k:
            return 0.0
        d = (1.0 + r) ** -0.25 if r > 0.0 else 1.0
        weights = [d ** q for q in range(k)]
        earned = sum(weights[q] * min(1.0, (q - t + 1) / (ramp + 1)) for q in range(t, k))
        return earned / sum(weights)

    def can_hire(team):
        return bool(p.get("hiring")) and p["budget"] is not None and (team.get("rate") or 0.0) > 0.0

    # Columns: one binary per (item, start quarter) that finishes inside the plan.
    cols = []  # (item, quarter)
    first, count = [], []
    costs = []
    for i, it in enumerate(items):
        first.append(len(cols))
        if it["barred"] is not None or it["duration"] > Q:
            count.append(0)
            continue
        last = Q - it["duration"]
        for q in range(last + 1):
            cols.append((i, q))
            costs.append((1.0 - w) * it["value"] * share(q + it["duration"], it.get("ramp_up", 0)))
        count.append(last + 1)
    n = len(cols)
    # Hired person-quarters: one continuous column per hiring team and quarter, after the starts.
    hire = {}
    for t, team in enumerate(teams):
        if can_hire(team):
            hire[t] = [n + len(hire) * Q + q for q in range(Q)]
    n_hire = len(hire) * Q
    extra = 0
    if risk and w > 0 and risk["scenarios"]:
        extra = 1 + len(risk["scenarios"])
    base = n + n_hire
    lower = np.zeros(base + extra)
    upper = np.ones(base + extra)
    upper[n:base] = inf
    obj = np.array(costs + [0.0] * (n_hire + extra), dtype=float)
    if extra:
        s_count = len(risk["scenarios"])
        lower[base] = -inf
        upper[base] = inf
        obj[base] = w
        for s in range(s_count):
            lower[base + 1 + s] = 0.0
            upper[base + 1 + s] = inf
            obj[base + 1 + s] = -w / (risk["alpha"] * s_count)
    h.addVars(base + extra, lower, upper)
    h.changeColsCost(base + extra, np.arange(base + extra, dtype=np.int32), obj)
    if n:
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                np.array([highspy.HighsVarType.kInteger] * n))

    rows_lo, rows_hi, starts, idx, val = [], [], [], [], []

    def row(lo, hi, entries):
        if not entries and lo <= 0 <= hi:
            return
        rows_lo.append(lo)
        rows_hi.append(hi)
        starts.append(len(idx))
        for c, v in entries:
            idx.append(c)
            val.append(v)

    def y(i, coef):
        return [(first[i] + k, coef) for k in range(count[i])]

    for i, it in enumerate(items):
        if count[i] == 0:
            if it["must"]:
                row(1.0, 1.0, [])
            continue
        row(1.0 if it["must"] else -inf, 1.0, y(i, 1.0))
    if p["budget"] is not None:
        entries = [e for i, it in enumerate(items) for e in y(i, it["cost"])]
        for t, cols_t in hire.items():
            entries += [(c, teams[t]["rate"] / 4.0) for c in cols_t]
        row(-inf, p["budget"], entries)
    for t, team in enumerate(teams):
        for q in range(Q):
            entries = []
            for k, (i, s) in enumerate(cols):
                it = items[i]
                load = it["effort"] / it["duration"]
                if it["team"] == t and s <= q < s + it["duration"] and load > 0:
                    entries.append((k, load))
            if entries:
                if t in hire:
                    entries.append((hire[t][q], -1.0))
                row(-inf, team["capacity"][q], entries)
    for b, it in enumerate(items):
        for a in it["depends_on"]:
            if count[b] == 0:
                continue
            lead = lag + items[a]["duration"] - 1
            for q in range(Q):
                entries = [(first[b] + k, 1.0) for k in range(count[b]) if cols[first[b] + k][1] <= q]
                if not entries:
                    continue
                entries += [(first[a] + k, -1.0) for k in range(count[a]) if cols[first[a] + k][1] + lead <= q]
                row(-inf, 0.0, entries)
        for x in it["excludes"]:
            if x > b:
                entries = y(b, 1.0) + y(x, 1.0)
                if entries:
                    row(-inf, 1.0, entries)

    def weight(share, it):
        return {"effort": it["effort"], "cost": it["cost"] + it.get("staff", 0.0), "count": 1.0}[share["of"]]

    for sh in p["shares"]:
        if sh["min"] is not None:
            entries = [e for i, it in enumerate(items)
                       for e in y(i, weight(sh, it) * ((1.0 if sh["members"][i] else 0.0) - sh["min"]))
                       if e[1] != 0.0]
            row(0.0, inf, entries)
        if sh["max"] is not None:
            entries = [e for i, it in enumerate(items)
                       for e in y(i, weight(sh, it) * (sh["max"] - (1.0 if sh["members"][i] else 0.0)))
                       if e[1] != 0.0]
            row(0.0, inf, entries)
    for c in p["covers"]:
        row(1.0, inf, [e for i in c["members"] for e in y(i, 1.0)])
    if extra:
        for s, sc in enumerate(risk["scenarios"]):
            entries = [(base + 1 + s, 1.0), (base, -1.0)]
            for i, v in enumerate(sc):
                if v != 0.0:
                    entries += [(first[i] + k, v * share(cols[first[i] + k][1] + items[i]["duration"], items[i].get("ramp_up", 0)))
                                for k in range(count[i])]
            row(0.0, inf, entries)

    if rows_lo:
        h.addRows(len(rows_lo), np.array(rows_lo), np.array(rows_hi), len(idx),
                  np.array(starts, dtype=np.int32), np.array(idx, dtype=np.int32), np.array(val))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    built = time.perf_counter()
    h.run()
    done = time.perf_counter()
    cpu = time.process_time() - c0
    status = h.getModelStatus()
    sol = h.getSolution().col_value if n else []
    selected = sum(1 for k in range(n) if sol[k] > 0.5)
    name = {highspy.HighsModelStatus.kOptimal: "optimal",
            highspy.HighsModelStatus.kInfeasible: "infeasible",
            highspy.HighsModelStatus.kTimeLimit: "time_limit"}.get(status, str(status))
    print(json.dumps({
        "status": name,
        "objective": h.getInfo().objective_function_value,
        "mip_gap": h.getInfo().mip_gap,
        "bound": h.getInfo().mip_dual_bound,
        "selected": selected,
        "seconds": done - t0,
        "cpu_seconds": cpu,
        "build_seconds": built - t0,
    }))


if __name__ == "__main__":
    main()
