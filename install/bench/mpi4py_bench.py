"""The mpi4py side of `river bench mpi`: the same measurements as rMPI's, on Open MPI over TCP.

Run with 2 ranks over TCP (pml ob1: without it Open MPI picks a shared-memory path and the btl
setting has no effect), e.g.:
    mpirun --allow-run-as-root --oversubscribe --mca pml ob1 --mca btl tcp,self -np 2 \
        /usr/bin/python3 install/bench/mpi4py_bench.py [--iters N] [--big-iters M] [--rounds R]
Rank 0 prints one JSON object: latency_us (one-way, 8 bytes), bandwidth_mib_s (16 MiB ping-pong),
allreduce_us (one double, SUM), barrier_us, each the best round; latency_p50_us/latency_p99_us and
allreduce_p50_us/allreduce_p99_us, percentiles of single operations over every round (one-way: half
of each round trip). Buffers are numpy arrays (mpi4py's fast, buffer path).
"""
import argparse
import json
import math
import sys
import time

import numpy as np
from mpi4py import MPI


def pingpong(comm, buf, iters, warmup, trips=None):
    rank = comm.Get_rank()
    clock = time.perf_counter_ns
    for i in range(warmup + iters):
        if i == warmup:
            comm.Barrier()
            t0 = MPI.Wtime()
        if rank == 0:
            s0 = clock()
            comm.Send([buf, MPI.BYTE], dest=1, tag=1)
            comm.Recv([buf, MPI.BYTE], source=1, tag=1)
            if trips is not None and i >= warmup:
                trips.append(clock() - s0)
        else:
            comm.Recv([buf, MPI.BYTE], source=0, tag=1)
            comm.Send([buf, MPI.BYTE], dest=0, tag=1)
    return (MPI.Wtime() - t0) / iters / 2     # one way


def timed(comm, op, iters, warmup, each=None):
    for _ in range(warmup):
        op()
    comm.Barrier()
    clock = time.perf_counter_ns
    t0 = MPI.Wtime()
    for _ in range(iters):
        s0 = clock()
        op()
        if each is not None:
            each.append(clock() - s0)
    return (MPI.Wtime() - t0) / iters


def percentile(ns, p):
    """Nearest-rank percentile, as the rMPI side computes it."""
    s = sorted(ns)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=2000)
    ap.add_argument("--big-iters", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    comm = MPI.COMM_WORLD
    if comm.Get_size() != 2:
        sys.exit("run with exactly 2 ranks")
    small = np.zeros(8, dtype=np.uint8)
    big = np.zeros(16 << 20, dtype=np.uint8)
    x = np.ones(1, dtype=np.float64)
    y = np.zeros(1, dtype=np.float64)
    lat = bw_t = ar = br = float("inf")
    trips, reduces = [], []
    for _ in range(a.rounds):   # each figure: the best round, as river bench mpi does
        lat = min(lat, pingpong(comm, small, a.iters, max(100, a.iters // 10), trips))
        bw_t = min(bw_t, pingpong(comm, big, a.big_iters, 2))
        ar = min(ar, timed(comm, lambda: comm.Allreduce(x, y, op=MPI.SUM), a.iters, a.iters // 10, reduces))
        br = min(br, timed(comm, comm.Barrier, a.iters, a.iters // 10))
    if comm.Get_rank() == 0:
        print(json.dumps({
            "latency_us": lat * 1e6,
            "bandwidth_mib_s": (len(big) / (1 << 20)) / bw_t,
            "allreduce_us": ar * 1e6,
            "barrier_us": br * 1e6,
            "latency_p50_us": percentile(trips, 50) / 2e3,
            "latency_p99_us": percentile(trips, 99) / 2e3,
            "allreduce_p50_us": percentile(reduces, 50) / 1e3,
            "allreduce_p99_us": percentile(reduces, 99) / 1e3,
        }))


if __name__ == "__main__":
    main()
