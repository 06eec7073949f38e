#!/usr/bin/env python3
"""Readers while an editor saves: GET / latency on `throughline serve` under edits.

Starts the release binary on a copy of the bundled example (loopback, temporary database), logs
an editor in, and for DURATION seconds has the editor save an initiative's name every 2 s
through the JSON API while READERS threads GET / as fast as they can. Prints the readers'
latency percentiles, the share of answers marked as updating (the last built pages served
while the next revision builds), and how long each save took to show on the page.

    usage: python3 bench/serve_live.py [--duration 30] [--readers 2] [--bin target/release/throughline]
    needs: python3 (standard library only), a release build (cargo build --release --bin throughline)
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from http.cookiejar import CookieJar

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "a long admin password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--readers", type=int, default=2)
    ap.add_argument("--interval", type=float, default=2.0, help="seconds between saves")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "throughline"))
    args = ap.parse_args()
    binary = os.environ.get("THROUGHLINE_BIN", args.bin)

    tmp = tempfile.mkdtemp()
    model = os.path.join(tmp, "model")
    shutil.copytree(os.path.join(ROOT, "examples", "wikimedia"), model)
    shutil.rmtree(os.path.join(model, ".throughline"), ignore_errors=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, THROUGHLINE_ADMIN_PASSWORD=PASSWORD)
    log = open(os.path.join(tmp, "serve.log"), "w")
    server = subprocess.Popen(
        [binary, "serve", model, "--db", os.path.join(tmp, "ws.sqlite"), "--admin", "ada",
         "--addr", f"127.0.0.1:{port}"],
        env=env, stdout=log, stderr=log)
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/login", timeout=5).read()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start; see " + log.name)
                time.sleep(0.2)
        t0 = time.time()
        urllib.request.urlopen(f"{base}/", timeout=300).read()
        first_build = time.time() - t0

        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(urllib.request.Request(
            f"{base}/login", data=f"name=ada&password={PASSWORD.replace(' ', '+')}".encode(),
            method="POST"), timeout=30).read()
        page = opener.open(f"{base}/", timeout=30).read().decode()
        at = page.index('name="csrf" value="') + len('name="csrf" value="')
        csrf = page[at:at + 64]

        stop = threading.Event()
        latencies, updating = [], [0]
        lock = threading.Lock()

        def reader():
            while not stop.is_set():
                t = time.perf_counter()
                with urllib.request.urlopen(f"{base}/", timeout=60) as r:
                    r.read()
                    stale = r.headers.get("x-throughline-updating") is not None
                dt = time.perf_counter() - t
                with lock:
                    latencies.append(dt)
                    updating[0] += stale

        shown = []

        def editor():
            n = 0
            while not stop.is_set():
                n += 1
                item = json.loads(opener.open(
                    f"{base}/api/v1/items/initiative/wlm_jury_tools", timeout=30).read())
                name = f"Jury tools, save {n}"
                req = urllib.request.Request(
                    f"{base}/api/v1/items/initiative/wlm_jury_tools",
                    data=json.dumps({"revision": item["revision"],
                                     "changes": {"name": name}}).encode(),
                    method="PUT",
                    headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
                saved = time.time()
                opener.open(req, timeout=30).read()
                # When does the saved name show on the initiative's page?
                while not stop.is_set():
                    body = urllib.request.urlopen(
                        f"{base}/initiatives/wlm_jury_tools.html", timeout=60).read().decode()
                    if name in body:
                        shown.append(time.time() - saved)
                        break
                    time.sleep(0.05)
                stop.wait(max(0.0, args.interval - (time.time() - saved)))

        threads = [threading.Thread(target=reader) for _ in range(args.readers)]
        threads.append(threading.Thread(target=editor))
        for t in threads:
            t.start()
        time.sleep(args.duration)
        stop.set()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait()
        log.close()

    lat = sorted(latencies)
    ms = lambda v: f"{v * 1000:.1f} ms"
    print(f"first build of the pages: {first_build:.1f} s")
    print(f"readers: {args.readers}, saves every {args.interval:g} s, {args.duration:g} s")
    print(f"GET / : {len(lat)} requests, p50 {ms(percentile(lat, 50))}, "
          f"p90 {ms(percentile(lat, 90))}, p99 {ms(percentile(lat, 99))}, max {ms(lat[-1])}")
    print(f"answers marked updating: {updating[0]} ({100 * updating[0] / max(1, len(lat)):.0f}%)")
    if shown:
        s = sorted(shown)
        print(f"save to page: {len(s)} saves, median {percentile(s, 50):.2f} s, "
              f"max {s[-1]:.2f} s")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
