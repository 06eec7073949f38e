#!/usr/bin/env python3
"""The VOI benchmark's peer: the EVPPI estimator of `simulate::voi` in idiomatic NumPy.

Reads what `cargo bench -p simulate --bench voi` writes (`voi::regressions`): every option's
net-benefit samples, and every estimated input's draws (paired with them) with the options it
moves. For each input, as `voi.rs` states it: d = θ − mean θ; per option, the least-squares
slope b = mean(d·NB)/var θ; an option whose fitted conditional mean μ + b·d cannot cross zero
over θ's range adds nothing; the others add, per sample, max(0, fit) − 1{μ > 0}·fit to the
regret; EVPPI = mean regret; se = √(var(regret)/n + (Σ |mean(d·1{fit > 0})| · √(resid/(n·var θ)))²)
with resid = max(0, var NB − b²·var θ). Population moments (divided by n), as `voi.rs`.

Vectorised over (input, option) pairs in chunks: no Python loop over samples or pairs, one per
chunk of inputs. `--threads N` splits the inputs over N Python threads (NumPy releases the GIL
inside array operations). Prints JSON: compute seconds (after reading), evppi and se per input.
"""

import argparse
import json
import pathlib
import threading
import time

import numpy as np

CHUNK_PAIRS = 256


def estimate(lo, hi, theta, nb, mu, var, offsets, options, evppi, se):
    """Estimates inputs lo..hi into evppi[lo:hi], se[lo:hi]."""
    n = theta.shape[1]
    k = lo
    while k < hi:
        # Inputs k..e with about CHUNK_PAIRS pairs among them.
        e = k + 1
        while e < hi and offsets[e + 1] - offsets[k] <= CHUNK_PAIRS:
            e += 1
        t = theta[k:e]
        tm = t.mean(axis=1)
        d = t - tm[:, None]
        tv = (d * d).mean(axis=1)
        varies = (tv > 0) & (t.min(axis=1) != t.max(axis=1))
        tmin, tmax = t.min(axis=1), t.max(axis=1)
        counts = np.diff(offsets[k : e + 1])
        owner = np.repeat(np.arange(e - k), counts)  # pair -> input within the chunk
        opt = options[offsets[k] : offsets[e]]
        dp = d[owner]  # pairs x n
        y = nb[opt]
        safe_tv = np.where(varies, tv, 1.0)[owner]
        b = np.einsum("ij,ij->i", dp, y) / n / safe_tv
        m = mu[opt]
        a_lo, a_hi = m + b * (tmin - tm)[owner], m + b * (tmax - tm)[owner]
        active = (np.minimum(a_lo, a_hi) < 0) & (np.maximum(a_lo, a_hi) > 0) & varies[owner]
        evppi[k:e] = 0.0
        se[k:e] = 0.0
        ap = np.flatnonzero(active)
        if ap.size:
            fit = m[ap, None] + b[ap, None] * dp[ap]
            funded = (m[ap] > 0).astype(float)
            gain = np.maximum(fit, 0.0) - funded[:, None] * fit
            deriv = np.where(fit > 0, dp[ap], 0.0).mean(axis=1)
            resid = np.maximum(var[opt][ap] - b[ap] ** 2 * tv[owner[ap]], 0.0)
            term = np.abs(deriv) * np.sqrt(resid / (n * tv[owner[ap]]))
            # Pairs are grouped by input: sum each input's rows.
            who = owner[ap]
            starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
            regret = np.add.reduceat(gain, starts, axis=0)
            slope_se = np.add.reduceat(term, starts)
            rm = regret.mean(axis=1)
            rv = ((regret - rm[:, None]) ** 2).mean(axis=1)
            evppi[k + who[starts]] = rm
            se[k + who[starts]] = np.sqrt(rv / n + slope_se**2)
        k = e


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=pathlib.Path)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    meta = json.loads((args.dir / "meta.json").read_text())
    n, n_opt, n_in = meta["samples"], meta["options"], meta["inputs"]
    nb = np.fromfile(args.dir / "net_benefit.f64", dtype="<f8").reshape(n_opt, n)
    theta = np.fromfile(args.dir / "theta.f64", dtype="<f8").reshape(n_in, n)
    offsets = np.fromfile(args.dir / "offsets.i64", dtype="<i8")
    options = np.fromfile(args.dir / "options.i64", dtype="<i8")

    start = time.perf_counter()
    mu = nb.mean(axis=1)
    var = ((nb - mu[:, None]) ** 2).mean(axis=1)
    evppi, se = np.zeros(n_in), np.zeros(n_in)
    # Contiguous shares of the pairs per thread.
    bounds = np.searchsorted(offsets, np.linspace(0, offsets[-1], args.threads + 1))
    bounds[0], bounds[-1] = 0, n_in
    work = [
        threading.Thread(
            target=estimate,
            args=(int(bounds[i]), int(bounds[i + 1]), theta, nb, mu, var, offsets, options, evppi, se),
        )
        for i in range(args.threads)
    ]
    for w in work:
        w.start()
    for w in work:
        w.join()
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "evppi": evppi.tolist(), "se": se.tolist()}))


if __name__ == "__main__":
    main()
