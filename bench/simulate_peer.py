#!/usr/bin/env python3
"""NumPy peer of `throughline simulate`: the same computation on the same compiled plan.

Reads the plan exported by `simulate::Plan::to_json` and runs exactly the engine's algorithm,
vectorised over samples: samples in chunks; per chunk every link's factor f = effect x works is
drawn once; a backward pass (sinks first) computes vgain[node] = weight(node) + sum f * vgain[to];
each initiative's value = equity * sum_d amount_d * works_d * vgain[node_d] + benefits; a forward
pass (sources first) pushes all delivered amounts up the links to give each goal's total change. Random numbers come from NumPy's own generator, so results
agree with the Rust engine in distribution (means within Monte Carlo error), not draw for draw.

Usage: simulate_peer.py PLAN.json SAMPLES [CHUNK]. Prints JSON: seconds (compute only) and the
mean value of each initiative with its standard error.
"""
import json
import sys
import time

import numpy as np

Z90 = 1.6448536269514722


def sampler(d, rng, n):
    k = d["kind"]
    if k == "point":
        return np.full(n, d["value"])
    if k == "normal":
        return rng.normal(d["mean"], d["sd"], n)
    if k == "log_normal":
        return rng.lognormal(d["mu"], d["sigma"], n)
    if k == "uniform":
        return rng.uniform(d["low"], d["high"], n)
    if k == "triangular":
        if d["high"] == d["low"]:
            return np.full(n, d["low"])
        return rng.triangular(d["low"], d["mode"], d["high"], n)
    if k == "pert":
        lo, mo, hi = d["low"], d["mode"], d["high"]
        if hi == lo:
            return np.full(n, lo)
        a = 1 + 4 * (mo - lo) / (hi - lo)
        b = 1 + 4 * (hi - mo) / (hi - lo)
        return lo + (hi - lo) * rng.beta(a, b, n)
    if k == "beta":
        return rng.beta(d["alpha"], d["beta"], n)
    raise ValueError(f"unknown distribution {k}")


def main():
    plan = json.load(open(sys.argv[1]))
    samples = int(sys.argv[2])
    chunk = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    rng = np.random.default_rng(12345)
    n_nodes, goals, weights = plan["nodes"], plan["goals"], np.array(plan["weights"])
    g_count = len(goals)
    slot = {g: i for i, g in enumerate(goals)}
    out_links = [[] for _ in range(n_nodes)]
    for li, l in enumerate(plan["links"]):
        out_links[l["from"]].append(li)
    inits = plan["initiatives"]

    start = time.perf_counter()
    sums = np.zeros(len(inits))
    sumsq = np.zeros(len(inits))
    goal_sums = np.zeros(g_count)
    links = plan["links"]
    order = plan["order"]
    node_weight = np.zeros(n_nodes)
    for g, w in zip(goals, weights):
        node_weight[g] = w
    done = 0
    while done < samples:
        s = min(chunk, samples - done)
        factor = np.empty((len(links), s))
        for li, l in enumerate(links):
            factor[li] = sampler(l["effect"], rng, s) * (rng.random(s) < l["p"])
        vgain = np.empty((n_nodes, s))
        for v in order:
            row = np.full(s, node_weight[v])
            for li in out_links[v]:
                row += factor[li] * vgain[links[li]["to"]]
            vgain[v] = row
        flow = np.zeros((n_nodes, s))
        for i, ini in enumerate(inits):
            value = np.full(s, float(ini["benefits_value"]))
            for d in ini["deliveries"]:
                a = sampler(d["amount"], rng, s) * (rng.random(s) < d["p"])
                value += ini["equity"] * a * vgain[d["node"]]
                flow[d["node"]] += a
            sums[i] += value.sum()
            sumsq[i] += (value * value).sum()
            if ini["cost"] is not None:
                np.maximum(sampler(ini["cost"], rng, s), 0.0)
        for v in reversed(order):
            for li in out_links[v]:
                flow[links[li]["to"]] += factor[li] * flow[v]
        goal_sums += flow[goals].sum(axis=1)
        done += s
    seconds = time.perf_counter() - start
    mean = sums / samples
    var = np.maximum(sumsq / samples - mean * mean, 0.0) * samples / (samples - 1)
    json.dump({"seconds": seconds, "mean": mean.tolist(), "se": np.sqrt(var / samples).tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
