#!/usr/bin/env python3
"""Writes the example's measurement files: SYNTHETIC series, not real Wikimedia data.

Every value here is generated with a fixed seed so that the example's check-in and evaluation
have something to show. Replace these files with real exports (or point the indicators at the
REST metrics) before drawing any conclusion. Run from anywhere:

    python3 examples/wikimedia/data/generate.py

Monthly series (October 2025 – September 2026) move from each indicator's baseline towards its
target at a stated pace (1.0 = exactly on the straight line to the target), with AR(1) noise.
The weekly Wiki Loves Monuments participant series share a September contest peak; the treated
series (organizers who adopted the jury tools on 2026-04-06) is a fixed mix of the four regions
plus a planted effect of +12 participants a week from the deployment on, which
`throughline evaluate --initiative wlm_jury_tools` should recover.
"""

import datetime as dt
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261126)

HEADER = "# SYNTHETIC example data written by data/generate.py (seed 20261126); not real measurements\n"

# indicator: (file, baseline date, baseline value, target date, target value, pace)
MONTHLY = {
    "ind_new_readers": ("new_readers.csv", "2025-07-01", 0, "2027-06-01", 3_000_000, 1.15),
    "ind_reader_retention": ("reader_retention.csv", "2025-07-01", 0, "2027-06-01", 1_200_000, 0.75),
    "ind_time_saved": ("time_saved.csv", "2025-01-01", 0, "2027-06-01", 50_000, 1.05),
    "ind_files_used": ("files_used.csv", "2025-01-01", 0, "2027-06-01", 20_000, 0.45),
    "ind_query_reuse": ("query_reuse.csv", "2025-01-01", 0, "2027-06-01", 2_000_000, 0.95),
    "ind_sdc_statements": ("sdc_statements.csv", "2025-01-01", 0, "2027-06-01", 5_000_000, 1.1),
    "ind_sdc_found": ("sdc_found.csv", "2025-01-01", 0, "2027-06-01", 200_000, 0.85),
    "ind_wlm_used": ("wlm_used.csv", "2024-12-01", 30_000, "2027-12-01", 40_000, 1.0),
    "ind_wlm_retained": ("wlm_retention.csv", "2024-12-01", 400, "2027-12-01", 600, 0.6),
    "ind_commons_files": ("commons_files.csv", "2024-06-01", 1.0e8, "2027-06-01", 1.2e8, 1.02),
    "ind_wikidata_items": ("wikidata_items.csv", "2024-06-01", 1.1e8, "2027-06-01", 1.2e8, 0.9),
}


def day(s):
    return dt.date.fromisoformat(s)


def months(start, end):
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        yield dt.date(y, m, 1)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        f.write(HEADER)
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")


def monthly():
    for ind, (name, b_date, b_val, t_date, t_val, pace) in MONTHLY.items():
        b, t = day(b_date), day(t_date)
        span = (t - b).days
        scale = max(abs(t_val - b_val), abs(b_val)) * 0.015
        e = 0.0
        rows = []
        for d in months(dt.date(2025, 10, 1), dt.date(2026, 9, 1)):
            frac = (d - b).days / span
            e = 0.5 * e + rng.gauss(0, scale)
            v = b_val + pace * frac * (t_val - b_val) + e
            rows.append((d.isoformat(), round(max(v, 0.0))))
        write(name, "date,value", rows)


def weekly():
    start = dt.date(2025, 9, 1)  # a Monday
    weeks = [start + dt.timedelta(weeks=k) for k in range(57)]  # to 2026-09-28
    deployed = dt.date(2026, 4, 6)
    regions = ["wlm_region_africa", "wlm_region_americas", "wlm_region_asia", "wlm_region_europe"]
    base = [120, 260, 200, 380]
    mix = [0.35, 0.3, 0.0, 0.35]
    trend = [0.8, 0.2, 0.5, -0.3]
    common = 0.0
    series = {r: [] for r in regions}
    treated = []
    noise_t = 0.0
    noise = [0.0] * 4
    for k, w in enumerate(weeks):
        # The contest runs in September: participation peaks then in every region.
        peak = math.exp(-(((w.timetuple().tm_yday - 258) / 12.0) ** 2)) * 1.8
        common = 0.6 * common + rng.gauss(0, 6)
        for j, r in enumerate(regions):
            noise[j] = 0.4 * noise[j] + rng.gauss(0, 5)
            series[r].append(base[j] * (1 + peak) + trend[j] * k + common + noise[j])
        noise_t = 0.4 * noise_t + rng.gauss(0, 4)
        effect = 12.0 if w >= deployed else 0.0
        mixed = sum(m * series[r][-1] for m, r in zip(mix, regions))
        treated.append(15 + mixed + noise_t + effect)
    write(
        "campaign_participants.csv",
        "date,value",
        [(w.isoformat(), round(v)) for w, v in zip(weeks, treated)],
    )
    write(
        "wlm_comparison_regions.csv",
        "series,date,value,source",
        [
            (r, w.isoformat(), round(v), "SYNTHETIC (data/generate.py)")
            for r in regions
            for w, v in zip(weeks, series[r])
        ],
    )


monthly()
weekly()
