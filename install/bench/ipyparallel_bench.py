#!/usr/bin/env python3
"""The ipyparallel side of `river bench trickle`: the same four measurements as Trickle's.

Connects to an ipcontroller (started by the River benchmark with --profile-dir) and its two
ipengines, and prints one JSON object:
  rtt_us          median round trip of one tiny apply_sync
  tiny_per_s      tiny tasks per second through a load-balanced map with chunksize=1
  map_per_s       items per second through a direct-view map (ipyparallel's own chunking)
  chunks_ms       100,000 items in chunks of 1,000 through a load-balanced map, in ms
  push_mb_s       a 64 MiB bytes argument pushed to one engine, in MB/s (best of 3)
"""
import argparse
import json
import statistics
import sys
import time

import ipyparallel as ipp


def identity(x):
    return x


def chunk_sum(chunk):
    return sum(chunk)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile-dir", required=True)
    ap.add_argument("--engines", type=int, default=2)
    ap.add_argument("--tiny", type=int, default=2000, help="tasks in the chunksize=1 run")
    ap.add_argument("--rtt", type=int, default=300, help="round trips timed")
    ap.add_argument("--map", type=int, default=1_000_000, help="items in the map run")
    args = ap.parse_args()

    rc = ipp.Client(profile_dir=args.profile_dir, timeout=60)
    rc.wait_for_engines(args.engines, timeout=120)
    one = rc[rc.ids[0]]
    lview = rc.load_balanced_view()
    dview = rc[:]

    for _ in range(30):
        one.apply_sync(identity, 1)
    rtts = []
    for _ in range(args.rtt):
        t = time.perf_counter()
        one.apply_sync(identity, 1)
        rtts.append(time.perf_counter() - t)

    # the push next, as on the River side: before the bulk runs fill the heaps
    blob = bytes(64 << 20)
    best = None
    for _ in range(3):
        t = time.perf_counter()
        n = one.apply_sync(len, blob)
        dt = time.perf_counter() - t
        assert n == len(blob)
        best = dt if best is None else min(best, dt)
    push = (len(blob) / 1e6) / best

    lview.map_sync(identity, range(100), chunksize=1)
    t = time.perf_counter()
    lview.map_sync(identity, range(args.tiny), chunksize=1)
    tiny = args.tiny / (time.perf_counter() - t)

    items = list(range(args.map))
    dview.map_sync(identity, items[:1000])
    t = time.perf_counter()
    out = dview.map_sync(identity, items)
    mapped = args.map / (time.perf_counter() - t)
    assert len(out) == args.map

    data = list(range(100_000))
    chunks = [data[i:i + 1000] for i in range(0, len(data), 1000)]
    t = time.perf_counter()
    sums = lview.map_sync(chunk_sum, chunks, chunksize=1)
    chunks_ms = (time.perf_counter() - t) * 1000
    assert sum(sums) == sum(data)


    rc.close()
    json.dump({"rtt_us": statistics.median(rtts) * 1e6, "tiny_per_s": tiny, "map_per_s": mapped,
               "chunks_ms": chunks_ms, "push_mb_s": push}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
