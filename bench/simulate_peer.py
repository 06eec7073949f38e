#!/usr/bin/env python3
"""NumPy peer of `throughline simulate`: the same computation on the same compiled plan, written
the way a NumPy programmer would write it (no Python loop over links, nodes or initiatives).

Reads the plan exported by `simulate::Plan::to_json` and runs the engine's algorithm vectorised
over samples. Samples go in chunks; per chunk:

- links whose source no delivery reaches are left out (they carry nothing), as in the engine;
- every link's factor f = effect x works is drawn once: one generator call per distribution kind
  (all lognormal effects together: `standard_normal` scaled and shifted, then one vectorised
  `exp`), one `random` call for every link's "works" draw;
- backward pass: vgain[node] = weight(node) + sum over its links of f * vgain[to]. Links are
  stored sorted by the height of their source (sinks have height 0), then by source, so each
  height is one contiguous slice of the factor table: one gather of vgain[to], one multiply, one
  `add.reduceat` per height;
- each initiative's value = benefits + equity * sum_d amount_d * works_d * vgain[node_d]: all
  deliveries of all initiatives at once, summed per initiative with one `add.reduceat`;
- forward pass (sources first): flow[to] += f * flow[from], one height at a time (targets sorted
  within the height, summed with one `add.reduceat`); each goal's total change is its flow.

Costs are drawn as the engine draws them (they are part of its work). Like `simulate::run`, the
peer keeps every sample and returns the same summaries: for every initiative's value, cost and
cost-effectiveness, each goal's change and the portfolio's value, the mean, standard deviation
and error, 5th/50th/95th percentiles and the share above zero (timed: the engine's time
includes them too). Random numbers come from
NumPy's PCG64 generator, so results agree with the Rust engine in distribution (means within
Monte Carlo error), not draw for draw.

Options:
  --f32         draw, exponentiate and propagate in single precision (the engine draws its
                normals and exponentials in single precision and propagates in double, so this
                mode gives the peer less work than the engine, not more); sums stay in double.
  --threads N   split the chunks over N Python threads, each with its own generator (NumPy
                releases the GIL inside its array operations and generator calls). NumPy's
                elementwise operations are single-threaded, so this is the only way a NumPy
                program uses N cores here; OMP/OpenBLAS/MKL thread variables are set to N too
                (they do not matter: no BLAS call is made).
  --chunk K     samples per chunk (default 200: the tables of a chunk stay near the cache).
  --seed S      generator seed (default 12345).

Usage: simulate_peer.py PLAN.json SAMPLES [--f32] [--threads N] [--chunk K] [--seed S].
Prints JSON: seconds (compute only, after reading the plan), cpu_seconds (the CPU time of all
the process's threads over the same span: less sensitive than wall time to other processes
competing for the cores), the mean value of each initiative with its standard error (the other
summaries are computed and timed but not printed), the threads and precision used.
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def kind_groups(dists):
    """Groups distributions by kind: {kind: (indices, column vectors of parameters)}."""
    groups = {}
    for i, d in enumerate(dists):
        k = d["kind"]
        if k in ("triangular", "pert") and d["high"] == d["low"]:
            d, k = {"kind": "point", "value": d["low"]}, "point"
        groups.setdefault(k, []).append((i, d))
    out = {}
    for k, members in groups.items():
        idx = np.array([i for i, _ in members], dtype=np.intp)

        def col(name, members=members):
            return np.array([d[name] for _, d in members], dtype=np.float64)[:, None]

        if k == "point":
            params = (col("value"),)
        elif k == "normal":
            params = (col("mean"), col("sd"))
        elif k == "log_normal":
            params = (col("mu"), col("sigma"))
        elif k == "uniform":
            params = (col("low"), col("high"))
        elif k == "triangular":
            params = (col("low"), col("mode"), col("high"))
        elif k == "pert":
            lo, mo, hi = col("low"), col("mode"), col("high")
            params = (lo, hi - lo, 1 + 4 * (mo - lo) / (hi - lo), 1 + 4 * (hi - mo) / (hi - lo))
        elif k == "beta":
            params = (col("alpha"), col("beta"))
        else:
            raise ValueError(f"unknown distribution {k}")
        out[k] = (idx, params)
    return out


def draw(groups, m, rng, s, dtype):
    """Draws an (m, s) table: row i from distribution i. One generator call per kind."""
    out = np.empty((m, s), dtype=dtype)
    for k, (idx, p) in groups.items():
        n = len(idx)
        if k == "point":
            x = np.broadcast_to(p[0].astype(dtype), (n, s))
        elif k == "normal":
            x = rng.standard_normal((n, s), dtype=dtype)
            x *= p[1].astype(dtype)
            x += p[0].astype(dtype)
        elif k == "log_normal":
            x = rng.standard_normal((n, s), dtype=dtype)
            x *= p[1].astype(dtype)
            x += p[0].astype(dtype)
            np.exp(x, out=x)
        elif k == "uniform":
            x = rng.random((n, s), dtype=dtype)
            x *= (p[1] - p[0]).astype(dtype)
            x += p[0].astype(dtype)
        elif k == "triangular":
            x = rng.triangular(p[0], p[1], p[2], (n, s))
        elif k == "pert":
            x = p[0] + p[1] * rng.beta(p[2], p[3], (n, s))
        else:  # beta
            x = rng.beta(p[0], p[1], (n, s))
        if n == m and isinstance(x, np.ndarray) and x.flags.writeable and x.dtype == dtype:
            return x  # one kind for every row: the draw is the table
        out[idx] = x
    return out


def starts_of(keys):
    """Positions where a sorted key array changes (for add.reduceat) and the distinct keys."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.intp), keys
    cut = np.flatnonzero(np.diff(keys)) + 1
    starts = np.concatenate(([0], cut)).astype(np.intp)
    return starts, keys[starts]


class Model:
    """The plan, arranged once for the vectorised passes."""

    def __init__(self, plan):
        n = plan["nodes"]
        self.n = n
        links = plan["links"]
        # Links whose source no delivery reaches carry no change and feed no delivered node's
        # value: left out, as the engine leaves them out (`plan::Schedule`).
        fed = np.zeros(n, dtype=bool)
        for ini in plan["initiatives"]:
            for d in ini["deliveries"]:
                fed[d["node"]] = True
        out_links = [[] for _ in range(n)]
        for l in links:
            out_links[l["from"]].append(l["to"])
        for v in reversed(plan["order"]):  # sources first
            if fed[v]:
                fed[out_links[v]] = True
        links = [l for l in links if fed[l["from"]]]
        frm = np.array([l["from"] for l in links], dtype=np.intp)
        to = np.array([l["to"] for l in links], dtype=np.intp)
        # Height: sinks 0, else 1 + the highest target. `order` lists sinks first.
        out_of = [[] for _ in range(n)]
        for li in range(len(links)):
            out_of[frm[li]].append(to[li])
        height = np.zeros(n, dtype=np.intp)
        for v in plan["order"]:
            if out_of[v]:
                height[v] = 1 + max(height[t] for t in out_of[v])
        # Links sorted by (height of source, source): each height is a contiguous slice.
        perm = np.lexsort((frm, height[frm]))
        self.frm, self.to = frm[perm], to[perm]
        self.p = np.array([links[i]["p"] for i in perm])[:, None]
        self.effects = kind_groups([links[i]["effect"] for i in perm])
        self.m = len(links)
        lh = height[self.frm]
        self.levels = []
        for h in range(1, int(height.max()) + 1 if n else 1):
            a, b = np.searchsorted(lh, [h, h + 1])
            if a == b:
                continue
            starts, sources = starts_of(self.frm[a:b])
            # The same links by target, for the forward pass.
            by_to = np.argsort(self.to[a:b], kind="stable")
            t_starts, targets = starts_of(self.to[a:b][by_to])
            self.levels.append((a, b, starts, sources, by_to, t_starts, targets))
        self.weight = np.zeros(n)
        for g, w in zip(plan["goals"], plan["weights"]):
            self.weight[g] = w
        self.goals = np.array(plan["goals"], dtype=np.intp)
        inits = plan["initiatives"]
        self.k = len(inits)
        dels = [(i, d) for i, ini in enumerate(inits) for d in ini["deliveries"]]
        self.d_init = np.array([i for i, _ in dels], dtype=np.intp)
        self.d_node = np.array([d["node"] for _, d in dels], dtype=np.intp)
        self.d_p = np.array([d["p"] for _, d in dels])[:, None]
        self.d_amounts = kind_groups([d["amount"] for _, d in dels])
        self.d_equity = np.array([inits[i]["equity"] for i, _ in dels])[:, None]
        self.d_starts, self.d_inits = starts_of(self.d_init)
        by_node = np.argsort(self.d_node, kind="stable")
        self.d_by_node = by_node
        self.d_n_starts, self.d_nodes = starts_of(self.d_node[by_node])
        self.benefits = np.array([float(ini["benefits_value"]) for ini in inits])[:, None]
        costed = [i for i, ini in enumerate(inits) if ini["cost"] is not None]
        self.costed = np.array(costed, dtype=np.intp)
        self.costs = kind_groups([inits[i]["cost"] for i in costed])
        self.n_costs = len(costed)

    def chunk(self, rng, s, dtype):
        """One chunk of s samples: every initiative's value, every costed initiative's cost
        and every goal's change, per sample."""
        factor = draw(self.effects, self.m, rng, s, dtype)
        factor *= rng.random((self.m, s), dtype=dtype) < self.p
        vgain = np.empty((self.n, s), dtype=dtype)
        vgain[:] = self.weight.astype(dtype)[:, None]
        for a, b, starts, sources, _, _, _ in self.levels:
            prod = factor[a:b] * vgain[self.to[a:b]]
            vgain[sources] += np.add.reduceat(prod, starts, axis=0)
        amount = draw(self.d_amounts, len(self.d_node), rng, s, dtype)
        amount *= rng.random(amount.shape, dtype=dtype) < self.d_p
        value = np.repeat(self.benefits, s, axis=1)
        if len(self.d_node):
            part = (self.d_equity.astype(dtype) * amount) * vgain[self.d_node]
            value[self.d_inits] += np.add.reduceat(part, self.d_starts, axis=0)
        cost = None
        if self.n_costs:
            cost = np.maximum(draw(self.costs, self.n_costs, rng, s, dtype), 0.0)
        flow = np.zeros((self.n, s), dtype=dtype)
        if len(self.d_node):
            flow[self.d_nodes] = np.add.reduceat(amount[self.d_by_node], self.d_n_starts, axis=0)
        for a, b, _, _, by_to, t_starts, targets in reversed(self.levels):
            push = factor[a:b] * flow[self.frm[a:b]]
            flow[targets] += np.add.reduceat(push[by_to], t_starts, axis=0)
        return value, cost, flow[self.goals].astype(np.float64)


def summarize(x):
    """Per row, what `simulate::summarize` gives: mean, standard deviation and error, the 5th,
    50th and 95th percentiles (NumPy's default 'linear' method is R's type 7, as the engine's)
    and the share above zero."""
    mean = x.mean(axis=1)
    sd = x.std(axis=1, ddof=1)
    p5, median, p95 = np.percentile(x, [5, 50, 95], axis=1)
    return {
        "mean": mean,
        "sd": sd,
        "se": sd / np.sqrt(x.shape[1]),
        "p5": p5,
        "median": median,
        "p95": p95,
        "p_positive": (x > 0).mean(axis=1),
    }


def summaries(values, costs, costed, goals, pool, threads):
    """Everything `simulate::run` returns beside the samples: every initiative's value, cost and
    cost-effectiveness (value / cost over the samples with a positive cost), each goal's change
    and the portfolio's value. Rows are split over the pool's threads (NumPy's sorts and
    reductions release the GIL)."""

    def by_rows(x):
        if pool is None or len(x) < 2:
            return summarize(x)
        parts = list(pool.map(summarize, np.array_split(x, threads)))
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    out = {"value": by_rows(values), "goals": by_rows(goals)}
    out["portfolio"] = summarize(values.sum(axis=0)[None, :])
    if costs is not None:
        out["cost"] = by_rows(costs)
        v = values[costed]
        if (costs > 0).all():
            out["ratio"] = by_rows(v / costs)
        else:  # rare: a cost of zero leaves that sample out of its initiative's ratio
            rows = [summarize((r[c > 0] / c[c > 0])[None, :]) for r, c in zip(v, costs)]
            out["ratio"] = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("plan")
    ap.add_argument("samples", type=int)
    ap.add_argument("--f32", action="store_true")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=200)
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    with open(args.plan, encoding="utf-8") as f:
        model = Model(json.load(f))
    dtype = np.float32 if args.f32 else np.float64
    samples, chunk = args.samples, args.chunk
    bounds = [(a, min(a + chunk, samples)) for a in range(0, samples, chunk)]

    start, cpu_start = time.perf_counter(), time.process_time()
    pool = None
    if args.threads <= 1:
        rng = np.random.default_rng(args.seed)
        parts = [model.chunk(rng, b - a, dtype) for a, b in bounds]
    else:
        from concurrent.futures import ThreadPoolExecutor

        seeds = np.random.SeedSequence(args.seed).spawn(args.threads)
        mine = [bounds[t :: args.threads] for t in range(args.threads)]

        def work(t):
            rng = np.random.default_rng(seeds[t])
            return [model.chunk(rng, b - a, dtype) for a, b in mine[t]]

        pool = ThreadPoolExecutor(args.threads)
        parts = [p for ps in pool.map(work, range(args.threads)) for p in ps]
    values = np.concatenate([p[0] for p in parts], axis=1)
    costs = np.concatenate([p[1] for p in parts], axis=1) if model.n_costs else None
    goals = np.concatenate([p[2] for p in parts], axis=1)
    result = summaries(values, costs, model.costed, goals, pool, args.threads)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    if pool is not None:
        pool.shutdown()
    mean, se = result["value"]["mean"], result["value"]["se"]
    json.dump(
        {
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "threads": args.threads,
            "precision": "f32" if args.f32 else "f64",
            "numpy": np.__version__,
            "mean": mean.tolist(),
            "se": se.tolist(),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
